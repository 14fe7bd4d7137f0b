// refund.cpp: see refund.hpp.
//
// [SECTION] the rule
// [SECTION] codec
// [SECTION] update
#include "core/refund.hpp"

#include <array>
#include <utility>

#include "core/calendar.hpp"
#include "core/json_reader.hpp"
#include "core/json_writer.hpp"
#include "core/overloaded.hpp"

namespace jupiter::refund {

namespace {


constexpr std::array<std::pair<Reason, std::string_view>, 7> kReasons = {{
    {Reason::Unknown, ""},
    {Reason::Eligible, "eligible"},
    {Reason::NotDelivered, "not_delivered"},
    {Reason::Installed, "installed"},
    {Reason::WindowClosed, "window_closed"},
    {Reason::Refunded, "refunded"},
    {Reason::Topup, "topup"},
}};

}  // namespace

// ---------------------------------------------------------------------------------------------------------
// [SECTION] the rule
// ---------------------------------------------------------------------------------------------------------
std::string_view reason_name(Reason r) {
  for (const auto& [reason, name] : kReasons)
    if (reason == r) return name;
  return "";
}

std::optional<Reason> parse_reason(std::string_view s) {
  for (const auto& [reason, name] : kReasons)
    if (reason != Reason::Unknown && name == s) return reason;
  return std::nullopt;
}

std::int64_t deadline(std::int64_t paid_at) { return paid_at > 0 ? paid_at + kWindowSeconds : 0; }

Reason decide(const Facts& f, std::int64_t now) {
  if (f.state == OrderState::Refunded) return Reason::Refunded;
  if (f.topup) return Reason::Topup;
  if (f.state != OrderState::Delivered || f.paid_at <= 0) return Reason::NotDelivered;
  if (f.installed) return Reason::Installed;
  if (now >= deadline(f.paid_at)) return Reason::WindowClosed;
  return Reason::Eligible;
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] codec
// ---------------------------------------------------------------------------------------------------------
namespace {

bool read_bool(JsonReader& r, const char* name) { return r.boolean(name, true); }

void read_eligibility(JsonReader& r, Eligibility& e) {
  e.eligible = read_bool(r, "eligible");
  const std::string reason = r.string("reason", true, 32);
  if (!r.ok()) return;
  e.reason = parse_reason(reason).value_or(Reason::Unknown);
  if (e.reason == Reason::Unknown) return r.fail("reason: \"" + reason + "\" is not a refund reason");
  if (e.eligible != (e.reason == Reason::Eligible)) return r.fail("eligible disagrees with reason");
  e.deadline = r.field("deadline", false) ? r.integer("deadline", 1, std::int64_t{1} << 40) : 0;
  e.window_days = static_cast<int>(r.integer("window_days", 1, 365));
  e.topups = static_cast<int>(r.integer("topups", 0, 1000, 0));
}

}  // namespace

EligibilityDecode decode_eligibility(std::string_view json_text) {
  auto out = decode_object<EligibilityDecode>(json_text, kMaxAnswerBytes,
                                              [](JsonReader& r, JsonValue, auto& o) { read_eligibility(r, o.value); });
  if (!out.ok) out.value = {};
  return out;
}

std::string encode_eligibility(const Eligibility& e) {
  JsonWriter w;  // keys in ascending order (json_writer.hpp)
  w.begin_object().key("deadline");
  if (e.deadline > 0) w.integer(e.deadline);
  else w.null();
  w.field("eligible", e.eligible).field("reason", reason_name(e.reason)).field("topups", e.topups);
  return w.field("window_days", e.window_days).end_object().take();
}

std::string date_text(std::int64_t unix_s) { return unix_s <= 0 ? "" : utc_date(unix_s); }

// ---------------------------------------------------------------------------------------------------------
// [SECTION] update
// ---------------------------------------------------------------------------------------------------------
std::string refund_url(std::string_view order_id) { return "/api/orders/" + std::string(order_id) + "/refund"; }

bool offer(const Model& m) {
  return m.eligibility && m.eligibility->eligible && m.pending == 0 && !m.refunded;
}

namespace {

Problem transport_problem(int status) {
  if (status == 0) return Problem::Network;
  if (status == 404) return Problem::NotFound;
  return Problem::Server;
}

// The 409/502 codes of POST .../refund.
Problem refusal(const std::string& code) {
  if (code == "already_installed") return Problem::AlreadyInstalled;
  if (code == "refund_window_closed") return Problem::WindowClosed;
  if (code == "already_refunded") return Problem::AlreadyRefunded;
  if (code == "not_refundable") return Problem::NotRefundable;
  if (code == "partner_unavailable") return Problem::PartnerUnavailable;
  return Problem::Server;
}

// What a refused refund says about the order from now on (the button goes away unless it may be tried again).
std::optional<Reason> reason_after(Problem p) {
  switch (p) {
    case Problem::AlreadyInstalled: return Reason::Installed;
    case Problem::WindowClosed: return Reason::WindowClosed;
    case Problem::AlreadyRefunded: return Reason::Refunded;
    case Problem::NotRefundable: return Reason::NotDelivered;
    default: return std::nullopt;
  }
}

void checked(Model& m, const action::Answer& a) {
  if (a.status != 200) {
    m.problem = transport_problem(a.status);
    return;
  }
  EligibilityDecode d = decode_eligibility(a.body);
  if (!d.ok) {
    m.problem = Problem::BadResponse;
    return;
  }
  m.eligibility = d.value;
}

void refund_answered(Model& m, const action::Answer& a, std::vector<Effect>& fx) {
  if (a.status == 200) {
    m.refunded = true;
    const int topups = m.eligibility ? m.eligibility->topups : 0;  // refunded with it: the outcome names them
    m.eligibility = Eligibility{false, Reason::Refunded, m.eligibility ? m.eligibility->deadline : 0, kWindowDays,
                                topups};
    fx.push_back(effect::ReloadOrder{});
    return;
  }
  m.problem = a.status == 409 || a.status == 502 ? refusal(decode_api_error(a.body).code) : transport_problem(a.status);
  if (const std::optional<Reason> now = reason_after(m.problem)) {
    m.eligibility = Eligibility{false, *now, m.eligibility ? m.eligibility->deadline : 0, kWindowDays};
    if (*now == Reason::Refunded) fx.push_back(effect::ReloadOrder{});
  }
}

}  // namespace

Update update(Model m, Action action) {
  std::vector<Effect> fx;
  std::visit(overloaded{
                 [&](action::Check& c) {
                   if (c.order_id.empty() || (c.order_id == m.order_id && (m.eligibility || m.pending > 0))) return;
                   m = Model{};
                   m.order_id = std::move(c.order_id);
                   m.token = std::move(c.token);
                   m.price = c.price;
                   m.pending = 1;
                   fx.push_back(effect::Http{Call::Check, "GET", refund_url(m.order_id), m.token});
                 },
                 [&](action::Asked&) {
                   if (!offer(m)) return;
                   m.confirming = true;
                   m.problem = Problem::None;
                 },
                 [&](action::Dropped&) { m.confirming = false; },
                 [&](action::Confirmed&) {
                   if (!m.confirming || m.pending > 0) return;
                   m.confirming = false;
                   m.problem = Problem::None;
                   ++m.pending;
                   fx.push_back(effect::Http{Call::Refund, "POST", refund_url(m.order_id), m.token});
                 },
                 [&](action::Answer& a) {
                   if (m.pending > 0) --m.pending;
                   if (a.call == Call::Check) checked(m, a);
                   else refund_answered(m, a, fx);
                 },
             },
             action);
  return {std::move(m), std::move(fx)};
}

}  // namespace jupiter::refund
