// receipt_page.hpp: the printable receipt of an order (GET /orders/:id/receipt?token=...): plain HTML, no script,
// a print stylesheet. Shows the order id, plan, price, payment method (brand and last 4 only), date, store name,
// and links the terms of sale the order accepted (/terms/v<terms_version>, issue 15).
#pragma once
#include <string>

#include "core/order.hpp"

namespace jupiter::server {

// `order` as typed_order (orders.hpp) reads an ORDER.
// `terms_version`: the order's terms_version ("1.0"); no link when it is not a document version.
std::string receipt_html(const Order& order, const std::string& terms_version);

}  // namespace jupiter::server
