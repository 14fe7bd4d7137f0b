// topup.cpp: the eSIM page's usage and top-ups, codec and pure update (see topup.hpp).
//
// [SECTION] codec: decode_usage / encode_usage, decode_plans
// [SECTION] answers: what each server answer does to the model
// [SECTION] update
#include "core/topup.hpp"

#include <algorithm>

#include "core/calendar.hpp"
#include "core/json_reader.hpp"
#include "core/json_writer.hpp"
#include "core/order.hpp"
#include "core/overloaded.hpp"
#include "core/plan_name.hpp"

namespace jupiter::topup {

namespace {


// ---------------------------------------------------------------------------------------------------------
// [SECTION] codec: decode_usage / encode_usage, decode_plans
// ---------------------------------------------------------------------------------------------------------
bool four_digits(std::string_view s) {
  return s.size() == 4 && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool read_bool(JsonReader& r, const char* name) { return r.boolean(name, true); }

// An integer in lo..hi, or nullopt when the field is null (absent counts as null).
std::optional<std::int64_t> nullable(JsonReader& r, const char* name, std::int64_t lo, std::int64_t hi) {
  if (!r.field(name, false)) return std::nullopt;
  return r.integer(name, lo, hi);
}

void read_usage(JsonReader& r, JsonValue, UsageDecode& out) {
  Usage& u = out.usage;
  u.iccid_last4 = r.string("iccid_last4", true, 4);
  if (r.ok() && !four_digits(u.iccid_last4)) r.fail("iccid_last4 is not 4 digits");
  u.installed = read_bool(r, "installed");
  u.total_mb = r.integer("data_total_mb", 0, kMaxMb);
  u.used_mb = r.integer("data_used_mb", 0, kMaxMb);
  u.left_mb = nullable(r, "data_left_mb", 0, kMaxMb);
  u.valid_until = nullable(r, "valid_until", 0, kMaxUnixSeconds);
  u.read_at = r.integer("read_at", 1, kMaxUnixSeconds);
  if (!r.ok()) return;
  if (u.unlimited() && u.left_mb) r.fail("data_left_mb is set for an unlimited plan");
  if (!u.unlimited() && !u.left_mb) r.fail("data_left_mb is missing for a plan with a data allowance");
}

}  // namespace

UsageDecode decode_usage(std::string_view text) {
  UsageDecode out = decode_object<UsageDecode>(text, kMaxAnswerBytes, read_usage);
  if (!out.ok) {
    out.usage = {};
    if (out.error.rfind("not", 0) != 0 && out.error != "too large") out.error = "usage: " + out.error;
  }
  return out;
}

std::string encode_usage(const Usage& u) {
  JsonWriter w;  // keys in ascending order (json_writer.hpp)
  w.begin_object().key("data_left_mb");
  if (u.left_mb) w.integer(*u.left_mb);
  else w.null();
  w.field("data_total_mb", u.total_mb).field("data_used_mb", u.used_mb).field("iccid_last4", u.iccid_last4);
  w.field("installed", u.installed).field("read_at", u.read_at).key("valid_until");
  if (u.valid_until) w.integer(*u.valid_until);
  else w.null();
  return w.end_object().take();
}

PlansDecode decode_plans(std::string_view text) {
  PlansDecode out = decode_object<PlansDecode>(text, kMaxAnswerBytes, [](JsonReader& r, JsonValue, PlansDecode& o) {
    if (!r.field("plans", true)) return;
    o.plans = r.strings("plans", false, kMaxPlans, 64);
    for (const std::string& id : o.plans)
      if (r.ok() && !is_base64url(id, 1, 64)) r.fail("plans: \"" + id + "\" is not a plan id");
    std::vector<std::string> seen;
    for (const std::string& id : o.plans) {
      if (std::find(seen.begin(), seen.end(), id) != seen.end()) r.fail("plans: \"" + id + "\" is listed twice");
      seen.push_back(id);
    }
  });
  if (!out.ok) out.plans.clear();
  return out;
}

std::string utc_text(std::int64_t t) { return utc_minute(std::clamp<std::int64_t>(t, 0, kMaxUnixSeconds)); }

std::string data_text(std::int64_t mb, Language l) {
  Plan amount;  // data_amount's words for this many megabytes (never unlimited here)
  amount.data_mb = std::max<std::int64_t>(mb, 0);
  return data_amount(amount, l);
}

std::string usage_url(std::string_view order_id) { return "/api/orders/" + std::string(order_id) + "/usage"; }
std::string topups_url(std::string_view order_id) { return "/api/orders/" + std::string(order_id) + "/topups"; }

namespace {

// ---------------------------------------------------------------------------------------------------------
// [SECTION] answers: what each server answer does to the model
// ---------------------------------------------------------------------------------------------------------
using Effects = std::vector<Effect>;

void ask(Model& m, Effects& fx, Call call) {
  bool& pending = call == Call::Usage ? m.usage_pending : m.plans_pending;
  if (pending || m.order_id.empty()) return;  // one of each on its way at a time
  pending = true;
  fx.push_back(effect::Http{call, m.order_id, call == Call::Usage ? usage_url(m.order_id) : topups_url(m.order_id),
                            m.token});
}

// A non-200 answer in words; `code` is the error body's code.
Problem failure(int status, const std::string& code) {
  if (status == 0) return Problem::Network;
  if (status == 404) return Problem::NotFound;
  if (status == 502 && code == "partner_unavailable") return Problem::PartnerUnavailable;
  if (status == 409 && code == "not_delivered") return Problem::NotDelivered;
  if (status == 409 && code == "esim_not_active") return Problem::NotActive;
  if (status == 409 && code == "plan_has_no_topup") return Problem::NoTopUp;
  return Problem::Server;
}

void on_usage(Model& m, const action::Answer& a) {
  m.usage_pending = false;
  m.retry_after_s = 0;
  if (a.status != 200) {
    m.usage_problem = failure(a.status, decode_api_error(a.body).code);
    if (m.usage_problem == Problem::PartnerUnavailable) m.retry_after_s = std::max(0, a.retry_after_s);
    if (m.usage_problem == Problem::NotDelivered || m.usage_problem == Problem::NotFound) m.usage.reset();
    return;
  }
  UsageDecode d = decode_usage(a.body);
  if (!d.ok) {
    m.usage_problem = Problem::BadResponse;
    return;
  }
  m.usage = std::move(d.usage);
  m.usage_problem = Problem::None;
}

void on_plans(Model& m, const action::Answer& a) {
  m.plans_pending = false;
  if (a.status != 200) {
    m.plans_problem = failure(a.status, decode_api_error(a.body).code);
    m.plans.clear();
    m.plans_loaded = false;
    return;
  }
  PlansDecode d = decode_plans(a.body);
  if (!d.ok) {
    m.plans_problem = Problem::BadResponse;
    return;
  }
  m.plans = std::move(d.plans);
  m.plans_loaded = true;
  m.plans_problem = Problem::None;
}

void on_answer(Model& m, const action::Answer& a) {
  if (a.order_id != m.order_id || m.order_id.empty()) return;  // about an eSIM no longer shown
  if (a.call == Call::Usage) on_usage(m, a);
  else on_plans(m, a);
}

void show(Model& m, action::Shown& s, Effects& fx) {
  if (!is_base64url(s.order_id, 1, 64) || !is_base64url(s.token, 16, kMaxOrderToken)) return;
  if (s.order_id == m.order_id && s.token == m.token) return;  // already shown (and asked)
  m = Model{};
  m.order_id = std::move(s.order_id);
  m.token = std::move(s.token);
  ask(m, fx, Call::Usage);
}

// "Buy" on a listed plan: the checkout takes it from here; the list closes.
void choose(Model& m, const action::PlanChosen& c, std::optional<Purchase>& purchase) {
  if (!m.choosing || std::find(m.plans.begin(), m.plans.end(), c.plan_id) == m.plans.end()) return;
  m.choosing = false;
  purchase = Purchase{m.order_id, m.token, c.plan_id};
}

}  // namespace

// ---------------------------------------------------------------------------------------------------------
// [SECTION] update
// ---------------------------------------------------------------------------------------------------------
Update update(Model m, Action a) {
  Effects fx;
  std::optional<Purchase> purchase;
  std::visit(overloaded{
                 [&](action::Shown& s) { show(m, s, fx); },
                 [&](action::Hidden) { m = Model{}; },
                 [&](action::RefreshAsked) { ask(m, fx, Call::Usage); },
                 [&](action::TopUpAsked) {
                   if (m.order_id.empty()) return;
                   m.choosing = true;
                   ask(m, fx, Call::Plans);  // asked each time: what is compatible may have changed
                 },
                 [&](action::TopUpClosed) { m.choosing = false; },
                 [&](action::PlanChosen& c) { choose(m, c, purchase); },
                 [&](action::Answer& r) { on_answer(m, r); },
             },
             a);
  return {std::move(m), std::move(fx), std::move(purchase)};
}

}  // namespace jupiter::topup
