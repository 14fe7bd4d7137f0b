// order_codec.hpp: an order's plan and price as JSON, one shape in every message that carries them.
//
// The server writes the plan as sold with order_plan_json when the order is made and keeps that text (it is the
// plan in ORDER, decode_order, and in the account's list, account::decode_orders); a price is
// {"amount": <minor units, 0..2^40>, "currency": "USD"} in both. Readers are JsonReader steps: typed, bounded,
// never throwing; their first problem goes into `outer`, prefixed with "plan: " or "price: ".
// ORDER's "topup_of" is topup_of_json(parent): the parent order's id, or null for an ordinary order; decode_order
// reads it into Order::topup_of ("" for null or absent).
// Writers come in two forms: write_* puts the value into a JsonWriter (inside a bigger document), *_json returns
// the value's JSON text alone (the server parses it into its own documents: src/server/core_json.hpp).
// Round trip: read_order_plan(order_plan_json(p)) == p and read_price(price_json(m)) == m for decoded values.
#pragma once
#include <string>

#include "core/json_reader.hpp"
#include "core/json_writer.hpp"
#include "core/money.hpp"
#include "core/order.hpp"

namespace jupiter {

void write_order_plan(JsonWriter& w, const OrderPlan& p);
std::string order_plan_json(const OrderPlan& p);
void read_order_plan(JsonReader& outer, JsonValue obj, OrderPlan& p);

void write_price(JsonWriter& w, const Money& m);
std::string price_json(const Money& m);
std::string topup_of_json(const std::string& parent);
void read_price(JsonReader& outer, JsonValue obj, Money& m);

}  // namespace jupiter
