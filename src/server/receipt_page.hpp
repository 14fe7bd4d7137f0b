// receipt_page.hpp: the printable receipt of an order (GET /orders/:id/receipt?token=...): plain HTML, no script,
// a print stylesheet. Shows the order id, plan, price, payment method (brand and last 4 only), date, store name.
#pragma once
#include <string>

#include "core/order.hpp"

namespace jupiter::server {

// `order` as typed_order (orders.hpp) reads an ORDER.
std::string receipt_html(const Order& order);

}  // namespace jupiter::server
