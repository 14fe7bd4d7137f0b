// order_codec.hpp: an order's plan and price as JSON, one shape in every message that carries them.
//
// The server writes the plan as sold with order_plan_json when the order is made and keeps that text (it is the
// plan in ORDER, decode_order, and in the account's list, account::decode_orders); a price is
// {"amount": <minor units, 0..2^40>, "currency": "USD"} in both. Readers are JsonReader steps: typed, bounded,
// never throwing; their first problem goes into `outer`, prefixed with "plan: " or "price: ".
// ORDER's "topup_of" is topup_of_json(parent): the parent order's id, or null for an ordinary order; decode_order
// reads it into Order::topup_of ("" for null or absent).
// Round trip: read_order_plan(order_plan_json(p)) == p and read_price(price_json(m)) == m for decoded values.
#pragma once
#include <nlohmann/json.hpp>

#include "core/json_reader.hpp"
#include "core/money.hpp"
#include "core/order.hpp"

namespace jupiter {

nlohmann::json order_plan_json(const OrderPlan& p);
void read_order_plan(JsonReader& outer, const nlohmann::json& obj, OrderPlan& p);

nlohmann::json price_json(const Money& m);
nlohmann::json topup_of_json(const std::string& parent);
void read_price(JsonReader& outer, const nlohmann::json& obj, Money& m);

}  // namespace jupiter
