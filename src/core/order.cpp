// order.cpp: the ORDER codec (see order.hpp). Every field is read through JsonReader: typed, bounded, no throw.
#include "core/order.hpp"

#include <array>
#include <utility>

#include "core/json_reader.hpp"
#include "core/order_codec.hpp"

namespace jupiter {
namespace {

constexpr std::size_t kShort = 128;   // ids, state names, codes
constexpr std::size_t kText = 1024;   // names, messages, reasons
constexpr std::size_t kUrl = 2048;

template <class E, std::size_t N>
std::optional<E> parse_enum(std::string_view s, const std::array<std::pair<E, const char*>, N>& names) {
  for (const auto& [value, name] : names)
    if (s == name) return value;
  return std::nullopt;
}

template <class E, std::size_t N>
std::string_view enum_name(E e, const std::array<std::pair<E, const char*>, N>& names) {
  for (const auto& [value, name] : names)
    if (e == value) return name;
  return "";
}

constexpr std::array<std::pair<OrderState, const char*>, 7> kStates{{
    {OrderState::PendingPayment, "pending_payment"}, {OrderState::Paid, "paid"},
    {OrderState::Provisioning, "provisioning"},      {OrderState::Delivered, "delivered"},
    {OrderState::Failed, "failed"},                  {OrderState::Refunded, "refunded"},
    {OrderState::Cancelled, "cancelled"},
}};
constexpr std::array<std::pair<PaymentStatus, const char*>, 5> kPaymentStatuses{{
    {PaymentStatus::None, "none"}, {PaymentStatus::Open, "open"}, {PaymentStatus::Declined, "declined"},
    {PaymentStatus::Succeeded, "succeeded"}, {PaymentStatus::Refunded, "refunded"},
}};
constexpr std::array<std::pair<DeliveryStatus, const char*>, 5> kDeliveryStatuses{{
    {DeliveryStatus::Waiting, "waiting"}, {DeliveryStatus::Pending, "pending"}, {DeliveryStatus::Ready, "ready"},
    {DeliveryStatus::Failed, "failed"}, {DeliveryStatus::Flagged, "flagged"},
}};

bool boolean(JsonReader& r, const char* name) { return r.boolean(name, false); }

template <class E>
E enum_field(JsonReader& r, const char* name, std::optional<E> (*parse)(std::string_view)) {
  const std::string s = r.string(name, true, kShort);
  if (!r.ok()) return E::Unknown;
  const auto v = parse(s);
  if (!v) r.fail(std::string(name) + " \"" + s + "\" is not a known value");
  return v.value_or(E::Unknown);
}

bool all_digits(std::string_view s) {
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

}  // namespace

// ---------------------------------------------------------------------------------------------------------
// [SECTION] plan and price (order_codec.hpp): encoder and decoder side by side
// ---------------------------------------------------------------------------------------------------------
// Keys in ascending order (json_writer.hpp).
void write_order_plan(JsonWriter& w, const OrderPlan& p) {
  w.begin_object().key("coverage").begin_array();
  for (const std::string& c : p.coverage) w.string(c);
  w.end_array()
      .field("data_mb", p.data_mb)
      .field("id", p.id)
      .field("kind", scope_name(p.kind))
      .field("name", p.name)
      .field("validity_days", p.validity_days)
      .field("validity_start", validity_start_name(p.validity_start))
      .end_object();
}

std::string order_plan_json(const OrderPlan& p) {
  JsonWriter w;
  write_order_plan(w, p);
  return w.take();
}

void read_order_plan(JsonReader& outer, JsonValue obj, OrderPlan& p) {
  JsonReader r(obj, "plan");
  p.id = r.string("id", true, kShort);
  p.name = r.string("name", true, kText);
  const std::string kind = r.string("kind", true, kShort);
  p.kind = parse_scope(kind).value_or(Scope::Unknown);
  if (r.ok() && p.kind == Scope::Unknown) r.fail("kind \"" + kind + "\" is not a known value");
  p.coverage = r.strings("coverage", false, kMaxListItems, 8);
  p.data_mb = r.integer("data_mb", 0, std::int64_t{1} << 40);
  p.validity_days = static_cast<int>(r.integer("validity_days", 1, 3650));
  // An unknown start rule is shown as "see the plan's terms" rather than refusing the whole order.
  p.validity_start = parse_validity_start(r.string("validity_start", false, kShort)).value_or(ValidityStart::Unknown);
  if (!r.ok()) outer.fail(r.error());
}

void write_price(JsonWriter& w, const Money& m) {
  w.begin_object().field("amount", m.minor).field("currency", currency_code(m.currency)).end_object();
}

std::string price_json(const Money& m) {
  JsonWriter w;
  write_price(w, m);
  return w.take();
}

void read_price(JsonReader& outer, JsonValue obj, Money& m) {
  JsonReader r(obj, "price");
  m.minor = r.integer("amount", 0, std::int64_t{1} << 40);
  const std::string code = r.string("currency", true, 3);
  const auto c = parse_currency(code);
  if (r.ok() && !c) r.fail("currency \"" + code + "\" is not one the store sells in");
  m.currency = c.value_or(Currency::Unknown);
  if (!r.ok()) outer.fail(r.error());
}

namespace {

void read_customer(JsonReader& outer, JsonValue obj, OrderCustomer& c) {
  JsonReader r(obj, "customer");
  c.email = r.string("email", false, 320);  // "" once the customer had their personal data erased
  c.name = r.string("name", false, kText);
  c.phone = r.string("phone", false, 32);
  if (!r.ok()) outer.fail(r.error());
}

void read_payment(JsonReader& outer, JsonValue obj, OrderPayment& p) {
  JsonReader r(obj, "payment");
  p.status = enum_field(r, "status", parse_payment_status);
  p.decline_reason = r.string("decline_reason", false, kShort);
  p.method = r.string("method", false, kShort);
  p.brand = r.string("brand", false, kShort);
  p.last4 = r.string("last4", false, 4);
  if (r.ok() && !p.last4.empty() && (p.last4.size() != 4 || !all_digits(p.last4))) r.fail("last4 is not 4 digits");
  p.transaction = r.string("transaction", false, kShort);
  if (!r.ok()) outer.fail(r.error());
}

void read_delivery(JsonReader& outer, JsonValue obj, OrderDelivery& d) {
  JsonReader r(obj, "delivery");
  d.status = enum_field(r, "status", parse_delivery_status);
  d.attempts = static_cast<int>(r.integer("attempts", 0, 1'000'000, 0));
  d.message = r.string("message", false, kText);
  if (!r.ok()) outer.fail(r.error());
}

void read_esim(JsonReader& outer, JsonValue obj, OrderEsim& e) {
  JsonReader r(obj, "esim");
  e.iccid = r.string("iccid", true, 22);
  if (r.ok() && !all_digits(e.iccid)) r.fail("iccid is not digits");
  e.installed_at = r.string("installed_at", false, 40);
  e.details_expired = boolean(r, "details_expired");
  if (r.ok() && e.details_expired && e.installed_at.empty()) r.fail("details_expired without installed_at");
  const bool details = !e.details_expired;  // once expired, only the ICCID and the installation date come
  e.smdp = r.string("smdp", details, 255);
  e.matching_id = r.string("matching_id", details, 255);
  e.confirmation_code = r.string("confirmation_code", false, kShort);
  e.confirmation_required = boolean(r, "confirmation_required");
  e.activation_code = r.string("activation_code", details, 1024);  // validated by the delivery screen's parser
  if (!r.ok()) outer.fail(r.error());
}

void read_support(JsonReader& outer, JsonValue obj, OrderSupport& s) {
  JsonReader r(obj, "support");
  s.reference = r.string("reference", true, kShort);
  s.reason = r.string("reason", false, kText);
  if (!r.ok()) outer.fail(r.error());
}

void read_history(JsonReader& outer, JsonValue list, std::vector<OrderTransition>& out) {
  if (!list) return;
  if (!list.is(JsonType::Array) || json_size(list) > kMaxOrderHistory) {
    outer.fail("history is not a list of at most " + std::to_string(kMaxOrderHistory) + " entries");
    return;
  }
  std::size_t i = 0;
  for (json_lite::Members m(list); m.next() && outer.ok(); ++i) {
    const JsonValue item = m.value();
    const std::string where = "history[" + std::to_string(i) + "]";
    if (!item.is(JsonType::Object)) {
      outer.fail(where + " is not an object");
      return;
    }
    JsonReader r(item, where);
    OrderTransition t;
    t.at = r.string("at", true, 40);
    t.from = r.string("from", false, kShort);
    t.to = r.string("to", true, kShort);
    t.reason = r.string("reason", false, kText);
    if (!r.ok()) outer.fail(r.error());
    out.push_back(std::move(t));
  }
}

// The ORDER object at `obj`; errors are prefixed with "order".
Order read_order(JsonReader& outer, JsonValue obj) {
  JsonReader r(obj, "order");
  Order o;
  o.id = r.string("id", true, kShort);
  o.state = enum_field(r, "state", parse_order_state);
  o.created_at = r.string("created_at", true, 40);
  o.updated_at = r.string("updated_at", false, 40);
  if (const JsonValue v = r.object("plan", true)) read_order_plan(r, v, o.plan);
  if (const JsonValue v = r.object("price", true)) read_price(r, v, o.price);
  if (const JsonValue v = r.object("customer", true)) read_customer(r, v, o.customer);
  o.marketing = boolean(r, "marketing");
  if (const JsonValue v = r.object("payment", true)) read_payment(r, v, o.payment);
  if (const JsonValue v = r.object("delivery", false)) read_delivery(r, v, o.delivery);
  if (const JsonValue v = r.object("esim", false)) read_esim(r, v, o.esim.emplace());
  if (const JsonValue v = r.object("support", false)) read_support(r, v, o.support.emplace());
  read_history(r, r.field("history", false), o.history);
  o.topup_of = r.string("topup_of", false, kShort);
  if (!r.ok()) outer.fail(r.error());
  return o;
}

bool is_http_url(std::string_view s) {
  return s.rfind("http://", 0) == 0 || s.rfind("https://", 0) == 0;
}

}  // namespace

std::optional<OrderState> parse_order_state(std::string_view s) { return parse_enum(s, kStates); }
std::string_view order_state_name(OrderState s) { return enum_name(s, kStates); }
std::optional<PaymentStatus> parse_payment_status(std::string_view s) { return parse_enum(s, kPaymentStatuses); }
std::string_view payment_status_name(PaymentStatus s) { return enum_name(s, kPaymentStatuses); }
std::optional<DeliveryStatus> parse_delivery_status(std::string_view s) { return parse_enum(s, kDeliveryStatuses); }
std::string_view delivery_status_name(DeliveryStatus s) { return enum_name(s, kDeliveryStatuses); }

std::string topup_of_json(const std::string& parent) {
  JsonWriter w;
  return parent.empty() ? "null" : w.string(parent).take();
}

bool is_base64url(std::string_view s, std::size_t min_len, std::size_t max_len) {
  if (s.size() < min_len || s.size() > max_len) return false;
  for (char c : s) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    if (!ok) return false;
  }
  return true;
}

OrderDecode decode_order(std::string_view text) {
  return decode_object<OrderDecode>(text, kMaxOrderBytes, [](JsonReader& r, JsonValue doc, OrderDecode& out) {
    out.order = read_order(r, doc);
  });
}

CreatedOrderDecode decode_created_order(std::string_view text) {
  return decode_object<CreatedOrderDecode>(text, kMaxOrderBytes, [](JsonReader& r, JsonValue, auto& out) {
    if (const JsonValue v = r.object("order", true)) out.order = read_order(r, v);
    out.token = r.string("token", true, kMaxOrderToken);
    if (r.ok() && !is_base64url(out.token, 16, kMaxOrderToken)) r.fail("token is not base64url");
  });
}

PaymentSessionDecode decode_payment_session(std::string_view text) {
  return decode_object<PaymentSessionDecode>(text, kMaxOrderBytes, [](JsonReader& r, JsonValue, auto& out) {
    out.checkout_url = r.string("checkout_url", true, kUrl);
    out.session = r.string("session", false, kShort);
    if (r.ok() && !is_http_url(out.checkout_url)) r.fail("checkout_url is not an http(s) address");
  });
}

ApiError decode_api_error(std::string_view text) {
  ApiError out;
  const JsonObjectParse doc = parse_json_object(text, kMaxOrderBytes);
  if (doc.status != JsonObjectParse::Status::Ok) return out;
  JsonReader r(doc.doc);
  const JsonValue e = r.object("error", true);
  if (e.is(JsonType::Missing)) return out;
  JsonReader er(e, "error");
  out.code = er.string("code", true, kShort);
  out.message = er.string("message", false, kText);
  if (!er.ok()) return {};
  return out;
}

}  // namespace jupiter
