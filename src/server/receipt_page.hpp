// receipt_page.hpp: the printable receipt of an order (GET /orders/:id/receipt?token=...): plain HTML, no script,
// a print stylesheet. Shows the order id, plan, price, payment method (brand and last 4 only), date, store name.
#pragma once
#include <string>

#include <nlohmann/json.hpp>

namespace jupiter::server {

// `order` is an ORDER document (orders.hpp).
std::string receipt_html(const nlohmann::json& order);

}  // namespace jupiter::server
