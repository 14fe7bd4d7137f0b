// account.cpp: the My eSIMs codec and pure update (see account.hpp).
//
// [SECTION] codec: decode_orders / encode_orders, side by side
// [SECTION] answers: what each server answer does to the model
// [SECTION] update
#include "core/account.hpp"

#include <algorithm>

#include "core/contact.hpp"
#include "core/json_reader.hpp"
#include "core/order_codec.hpp"
#include "core/overloaded.hpp"

namespace jupiter::account {

namespace {

constexpr std::size_t kShort = 128;  // ids, states, codes, region ids
constexpr std::size_t kUrl = 2048;   // links

// ---------------------------------------------------------------------------------------------------------
// [SECTION] codec: decode_orders / encode_orders, side by side
// ---------------------------------------------------------------------------------------------------------
bool id_chars(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
}

bool is_http_url(std::string_view s) { return s.rfind("http://", 0) == 0 || s.rfind("https://", 0) == 0; }

void read_links(JsonReader& outer, JsonValue obj, AccountOrder& o) {
  if (!obj) return;  // null: no links for this order
  JsonReader r(obj, "links");
  o.order_link = r.string("order", true, kUrl);
  o.receipt_link = r.string("receipt", true, kUrl);
  if (r.ok() && !(is_http_url(o.order_link) && is_http_url(o.receipt_link))) r.fail("a link is not an http(s) address");
  if (!r.ok()) outer.fail(r.error());
}

// One entry of the list; a problem goes to `outer` (the first one is kept).
AccountOrder read_order(JsonReader& outer, JsonValue obj, const std::string& where) {
  JsonReader r(obj, where);
  AccountOrder o;
  if (!obj.is(JsonType::Object)) {
    outer.fail(where + ": not an object");
    return o;
  }
  o.id = r.string("id", true, kShort);
  if (r.ok() && !id_chars(o.id)) r.fail("id has characters an order id never has");
  const std::string state = r.string("state", true, kShort);
  o.state = parse_order_state(state).value_or(OrderState::Unknown);
  if (r.ok() && o.state == OrderState::Unknown) r.fail("state \"" + state + "\" is not a known value");
  o.created_at = r.string("created_at", true, 40);
  o.paid_at = r.string("paid_at", false, 40);
  if (const JsonValue v = r.object("plan", true)) read_order_plan(r, v, o.plan);
  o.region = r.string("region", false, kShort);
  if (const JsonValue v = r.object("price", true)) read_price(r, v, o.price);
  read_links(r, r.object("links", false), o);
  if (!r.ok()) outer.fail(r.error());
  return o;
}

// Keys in ascending order (json_writer.hpp).
void write_order(JsonWriter& w, const AccountOrder& o) {
  w.begin_object().field("created_at", o.created_at).field("id", o.id).key("links");
  if (o.order_link.empty()) w.null();
  else w.begin_object().field("order", o.order_link).field("receipt", o.receipt_link).end_object();
  w.field_or_null("paid_at", o.paid_at).key("plan");
  write_order_plan(w, o.plan);
  w.key("price");
  write_price(w, o.price);
  w.field("region", o.region).field("state", order_state_name(o.state)).end_object();
}

}  // namespace

OrdersDecode decode_orders(std::string_view text) {
  OrdersDecode out;
  const JsonObjectParse doc = parse_json_object(text, kMaxOrdersBytes);
  switch (doc.status) {
    case JsonObjectParse::Status::Ok: break;
    case JsonObjectParse::Status::TooLarge: out.error = "too large"; return out;
    case JsonObjectParse::Status::NotJson: out.error = "not JSON"; return out;
    case JsonObjectParse::Status::NotObject: out.error = "not a JSON object"; return out;
  }
  JsonReader r(doc.doc);
  const JsonValue orders = r.field("orders", false);
  if (!orders.is(JsonType::Array)) {
    out.error = "orders is missing or not a list";
    return out;
  }
  if (json_size(orders) > kMaxOrders) {
    out.error = "orders has more than " + std::to_string(kMaxOrders) + " entries";
    return out;
  }
  std::size_t i = 0;
  for (json_lite::Members m(orders); m.next() && r.ok(); ++i)
    out.list.orders.push_back(read_order(r, m.value(), "orders[" + std::to_string(i) + "]"));
  out.ok = r.ok();
  out.error = r.error();
  if (!out.ok) out.list.orders.clear();
  return out;
}

std::string encode_orders(const OrderList& list) {
  JsonWriter w;
  w.begin_object().key("orders").begin_array();
  for (const AccountOrder& o : list.orders) write_order(w, o);
  return w.end_array().end_object().take();
}

std::string encode_order(const AccountOrder& o) {
  JsonWriter w;
  write_order(w, o);
  return w.take();
}

bool cancellable(const AccountOrder& o) { return o.state == OrderState::PendingPayment; }

namespace {

// ---------------------------------------------------------------------------------------------------------
// [SECTION] answers: what each server answer does to the model
// ---------------------------------------------------------------------------------------------------------
void send(Model& m, std::vector<Effect>& fx, Call call, const char* method, std::string url, std::string body = {}) {
  ++m.pending;
  fx.push_back(effect::Http{call, method, std::move(url), std::move(body)});
}

Problem failure(int status) { return status == 0 ? Problem::Network : Problem::Server; }

// Signed out (401 anywhere, or a sign-out done): the sign-in screen, nothing of the account kept.
void signed_out(Model& m) {
  m.screen = Screen::SignIn;
  m.signed_in_as.clear();
  m.list = {};
  m.loaded = false;
  m.confirming.clear();
}

void on_who(Model& m, const action::Answer& a, std::vector<Effect>& fx) {
  if (a.status == 401) return signed_out(m);
  if (a.status != 200) {
    m.problem = failure(a.status);
    return;
  }
  const JsonObjectParse doc = parse_json_object(a.body, 4096);
  JsonReader r(doc.doc, "account");
  const std::string email = doc.status == JsonObjectParse::Status::Ok ? r.string("email", true, 320) : "";
  if (email.empty()) {
    m.problem = Problem::BadResponse;
    return;
  }
  m.signed_in_as = email;
  m.screen = Screen::Orders;
  send(m, fx, Call::Orders, "GET", kOrdersUrl);
}

void on_orders(Model& m, const action::Answer& a) {
  if (a.status == 401) return signed_out(m);
  if (a.status != 200) {
    m.problem = failure(a.status);
    return;
  }
  OrdersDecode d = decode_orders(a.body);
  if (!d.ok) {
    m.problem = Problem::BadResponse;
    return;
  }
  std::stable_sort(d.list.orders.begin(), d.list.orders.end(),
                   [](const AccountOrder& x, const AccountOrder& y) { return x.created_at > y.created_at; });
  m.list = std::move(d.list);
  m.loaded = true;
}

void on_sign_in(Model& m, const action::Answer& a) {
  if (a.status == 202) m.screen = Screen::Sent;
  else if (a.status == 429) m.problem = Problem::RateLimited;
  else if (a.status == 400) m.problem = Problem::InvalidEmail;
  else m.problem = failure(a.status);
}

void on_cancel(Model& m, const action::Answer& a, std::vector<Effect>& fx) {
  if (a.status == 401) return signed_out(m);
  m.confirming.clear();
  const std::string code = a.status == 409 ? decode_api_error(a.body).code : std::string();
  if (a.status == 404) m.problem = Problem::NotFound;
  else if (code == "already_cancelled") m.problem = Problem::AlreadyCancelled;
  else if (a.status == 409) m.problem = Problem::NotCancellable;
  else if (a.status != 200) m.problem = failure(a.status);
  if (a.status == 200 || a.status == 404 || a.status == 409) send(m, fx, Call::Orders, "GET", kOrdersUrl);
}

void on_sign_out(Model& m, const action::Answer& a) {
  if (a.status == 204 || a.status == 401) signed_out(m);
  else m.problem = failure(a.status);
}

void on_answer(Model& m, const action::Answer& a, std::vector<Effect>& fx) {
  m.pending = std::max(0, m.pending - 1);
  if (m.screen == Screen::Closed) return;  // the traveller went back to the store meanwhile
  switch (a.call) {
    case Call::Who: return on_who(m, a, fx);
    case Call::Orders: return on_orders(m, a);
    case Call::SignIn: return on_sign_in(m, a);
    case Call::Cancel: return on_cancel(m, a, fx);
    case Call::SignOut:
    case Call::SignOutEverywhere: return on_sign_out(m, a);
  }
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] requests the traveller asks for
// ---------------------------------------------------------------------------------------------------------
void ask_sign_in(Model& m, const action::SignInAsked& a, std::vector<Effect>& fx) {
  if (m.pending > 0 || m.screen != Screen::SignIn) return;
  const std::string email = normalize_email(m.email);
  if (!validate_email(email).ok()) {
    m.problem = Problem::InvalidEmail;
    return;
  }
  m.problem = Problem::None;
  JsonWriter body;
  body.begin_object().field("email", email).field("language", a.language).end_object();
  send(m, fx, Call::SignIn, "POST", kSignInUrl, body.take());
}

const AccountOrder* find(const Model& m, std::string_view id) {
  for (const AccountOrder& o : m.list.orders)
    if (o.id == id) return &o;
  return nullptr;
}

void confirm_cancel(Model& m, std::vector<Effect>& fx) {
  const AccountOrder* o = find(m, m.confirming);
  if (!o || m.pending > 0 || !id_chars(o->id)) return;
  m.problem = Problem::None;
  send(m, fx, Call::Cancel, "POST", std::string(kOrdersUrl) + "/" + o->id + "/cancel");
}

void open(Model& m, std::vector<Effect>& fx) {
  m.screen = Screen::Checking;
  m.problem = Problem::None;
  m.confirming.clear();
  send(m, fx, Call::Who, "GET", kWhoUrl);
}

}  // namespace

// ---------------------------------------------------------------------------------------------------------
// [SECTION] update
// ---------------------------------------------------------------------------------------------------------
Update update(Model m, Action a) {
  std::vector<Effect> fx;
  std::visit(overloaded{
                 [&](action::Opened) { open(m, fx); },
                 [&](action::Closed) { m.screen = Screen::Closed, m.confirming.clear(), m.problem = Problem::None; },
                 [&](action::EmailChanged& e) {
                   m.email = std::move(e.text);
                   if (m.problem == Problem::InvalidEmail) m.problem = Problem::None;
                 },
                 [&](const action::SignInAsked& s) { ask_sign_in(m, s, fx); },
                 [&](action::OrderOpened& o) {
                   const AccountOrder* found = find(m, o.id);
                   if (found && !found->order_link.empty()) fx.push_back(effect::Navigate{found->order_link});
                 },
                 [&](action::CancelAsked& c) {
                   const AccountOrder* found = find(m, c.id);
                   if (found && cancellable(*found)) m.confirming = c.id, m.problem = Problem::None;
                 },
                 [&](action::CancelConfirmed) { confirm_cancel(m, fx); },
                 [&](action::CancelDropped) { m.confirming.clear(); },
                 [&](action::SignOutAsked s) {
                   if (m.screen != Screen::Orders) return;
                   m.problem = Problem::None;
                   send(m, fx, s.everywhere ? Call::SignOutEverywhere : Call::SignOut, "POST",
                        s.everywhere ? kSignOutEverywhereUrl : kSignOutUrl);
                 },
                 [&](action::Answer& r) { on_answer(m, r, fx); },
             },
             a);
  return {std::move(m), std::move(fx)};
}

}  // namespace jupiter::account
