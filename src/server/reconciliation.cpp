// reconciliation.cpp: see reconciliation.hpp.
//
// [SECTION] both sides' records
// [SECTION] comparing
// [SECTION] the periodic job and the admin route
#include "server/reconciliation.hpp"

#include <httplib.h>

#include <algorithm>
#include <charconv>
#include <map>
#include <set>
#include <vector>

#include "server/clock.hpp"
#include "server/http_util.hpp"
#include "server/job_claims.hpp"
#include "server/log.hpp"
#include "server/payment_events.hpp"

namespace jupiter::server {

namespace {

using json = nlohmann::json;

constexpr int kPageSize = 100;
constexpr int kMaxPages = 1000;  // 100,000 sessions: a bound, not a limit a sandbox reaches

// ---------------------------------------------------------------------------------------------------------
// [SECTION] both sides' records
// ---------------------------------------------------------------------------------------------------------
struct StorePayment {
  std::string order, state, payment_status, currency, session;
  std::int64_t amount = 0;
};

struct QueuedRefund {
  std::string order, session;
  bool failed = false;
};

struct StoreSide {
  std::map<std::string, StorePayment> by_intent;  // orders that recorded a payment
  std::map<std::string, QueuedRefund> refunds;    // payments the store queued for a refund
  std::size_t orders = 0;
};

db::Result<StoreSide> read_store(db::Connection& c) {
  StoreSide side;
  DB_TRY(c.query("SELECT pay_transaction, id, state, payment_status, currency, coalesce(session_id, ''), "
                 "amount_minor FROM orders WHERE pay_transaction IS NOT NULL AND pay_transaction <> ''")
             .each([&side](const db::Row& r) {
               side.by_intent[r.text(0)] = {r.text(1), r.text(2), r.text(3), r.text(4), r.text(5), r.int64(6)};
             }));
  DB_TRY(c.query("SELECT payment_intent, order_id, session_id, coalesce(outcome, '') LIKE 'gave up%' "
                 "FROM payment_followups WHERE kind = 'refund'")
             .each([&side](const db::Row& r) { side.refunds[r.text(0)] = {r.text(1), r.text(2), r.boolean(3)}; }));
  DB_TRY_LET(const std::optional<std::int64_t> orders, c.query_int64("SELECT count(*) FROM orders"));
  side.orders = static_cast<std::size_t>(orders.value_or(0));
  return side;
}

Remote<std::vector<CheckoutSession>> read_processor(PaymentProcessor& processor) {
  std::vector<CheckoutSession> all;
  std::string after;
  for (int page = 0; page < kMaxPages; ++page) {
    Remote<CheckoutPage> p = processor.list_checkouts(after, kPageSize);
    if (!p.ok()) return Remote<std::vector<CheckoutSession>>::failure(p.error, p.retryable);
    for (CheckoutSession& s : p.value->sessions) all.push_back(std::move(s));
    if (!p.value->has_more || all.empty()) break;
    after = all.back().id;
  }
  return Remote<std::vector<CheckoutSession>>::success(std::move(all));
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] comparing
// ---------------------------------------------------------------------------------------------------------
json processor_json(const CheckoutSession& s) {
  return {{"status", s.payment_status}, {"amount", s.amount.minor}, {"currency", currency_code(s.amount.currency)}};
}

json store_json(const StorePayment& p) {
  return {{"state", p.state}, {"payment_status", p.payment_status}, {"amount", p.amount}, {"currency", p.currency}};
}

json difference(const std::string& kind, const std::string& order, const std::string& session,
                const std::string& intent, json processor, json store) {
  return {{"kind", kind},       {"order", order},          {"session", session},
          {"payment", intent},  {"processor", std::move(processor)}, {"store", std::move(store)}};
}

// The differences about one paid or refunded session of the processor.
void compare_session(const CheckoutSession& s, const StoreSide& store, json& out) {
  const auto order = store.by_intent.find(s.payment_intent);
  const auto refund = store.refunds.find(s.payment_intent);
  const bool queued = refund != store.refunds.end();
  const bool paid = s.payment_status == "paid";
  if (order == store.by_intent.end()) {
    if (!queued && paid)
      out.push_back(difference("paid_at_processor_not_in_store", s.reference, s.id, s.payment_intent,
                               processor_json(s), nullptr));
    return;
  }
  const StorePayment& p = order->second;
  const bool same_money = s.amount.minor == p.amount && currency_code(s.amount.currency) == p.currency;
  std::string kind;
  if (!same_money && !queued) kind = "amount_difference";
  else if (paid && p.payment_status == "refunded") kind = "refunded_in_store_paid_at_processor";
  else if (!paid && p.payment_status == "succeeded" && !queued) kind = "paid_in_store_refunded_at_processor";
  if (!kind.empty()) out.push_back(difference(kind, p.order, s.id, s.payment_intent, processor_json(s), store_json(p)));
}

json compare(const std::vector<CheckoutSession>& sessions, const StoreSide& store, std::int64_t grace_s) {
  json out = json::array();
  std::set<std::string> seen;
  const std::int64_t recent = now_s() - grace_s;
  for (const CheckoutSession& s : sessions) {
    if (s.payment_intent.empty() || (s.payment_status != "paid" && s.payment_status != "refunded")) continue;
    seen.insert(s.payment_intent);
    if (s.payment_status == "paid" && s.paid_at > recent) continue;  // its webhook may still be on its way
    compare_session(s, store, out);
  }
  for (const auto& [intent, p] : store.by_intent)
    if (!seen.count(intent) && (p.payment_status == "succeeded" || p.payment_status == "refunded"))
      out.push_back(difference("paid_in_store_absent_at_processor", p.order, p.session, intent, nullptr, store_json(p)));
  for (const auto& [intent, r] : store.refunds)
    if (r.failed) out.push_back(difference("refund_failed", r.order, r.session, intent, nullptr, nullptr));
  return out;
}

struct Reconciliation {
  json report;
  std::vector<CheckoutSession> sessions;
};

Remote<Reconciliation> run_reconciliation(db::Database& db, PaymentProcessor& processor, std::int64_t grace_s) {
  // The processor first: a payment recorded between the two reads then shows on both sides, not as a difference.
  Remote<std::vector<CheckoutSession>> sessions = read_processor(processor);
  if (!sessions.ok()) return Remote<Reconciliation>::failure(sessions.error, sessions.retryable);
  auto store = db.with([](db::Connection& c) { return read_store(c); });
  if (!store) return Remote<Reconciliation>::failure("database: " + store.error().message, true);
  json report = {{"checked_at", rfc3339(now_ms())},
                 {"sessions", sessions.value->size()},
                 {"orders", store.value().orders},
                 {"differences", compare(*sessions.value, store.value(), grace_s)}};
  return Remote<Reconciliation>::success({std::move(report), std::move(*sessions.value)});
}

// The event the processor would have sent for paid session `s`.
PaymentEvent completed_event(const CheckoutSession& s) {
  PaymentEvent e;
  e.type = "checkout.session.completed";
  e.order_id = s.reference;
  e.session = s.id;
  e.intent = s.payment_intent;
  e.amount = s.amount.minor;
  e.currency = std::string(currency_code(s.amount.currency));
  e.method = s.method;
  return e;
}

}  // namespace

Remote<json> reconcile(db::Database& db, PaymentProcessor& processor, std::int64_t grace_s) {
  Remote<Reconciliation> r = run_reconciliation(db, processor, grace_s);
  if (!r.ok()) return Remote<json>::failure(r.error, r.retryable);
  return Remote<json>::success(std::move(r.value->report));
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] the periodic job and the admin route
// ---------------------------------------------------------------------------------------------------------
Reconciler::Reconciler(db::Database& db, PaymentProcessor& processor, AdminApi& admin, Orders& orders,
                       std::int64_t interval_s)
    : db_(db), processor_(processor), admin_(admin), orders_(orders), interval_s_(interval_s) {}

Reconciler::~Reconciler() { stop(); }

void Reconciler::start() {
  loop_.start(std::chrono::seconds(interval_s_), [this] {
    if (take_turn(db_, "reconciliation", interval_s_ * 1000)) run_once();
  });
}

void Reconciler::stop() { loop_.stop(); }

void Reconciler::run_once() {
  const Remote<Reconciliation> r = run_reconciliation(db_, processor_, std::min<std::int64_t>(60, interval_s_));
  if (!r.ok()) return log::error("reconciliation: " + r.error);
  const json& diffs = r.value->report["differences"];
  log::info("reconciliation: " + std::to_string(r.value->sessions.size()) + " sessions, " +
            std::to_string(diffs.size()) + " differences");
  for (const json& d : diffs) {
    if (d["kind"] == "paid_at_processor_not_in_store") recover(r.value->sessions, d["session"]);
    std::string line = "reconciliation: " + d["kind"].get<std::string>() + " order " +
                       log::printable(d["order"].get<std::string>(), 64) + " payment " +
                       log::printable(d["payment"].get<std::string>(), 64);
    if (d["processor"].is_object()) line += " processor " + d["processor"]["amount"].dump() + " " + d["processor"]["currency"].get<std::string>();
    if (d["store"].is_object()) line += " store " + d["store"]["amount"].dump() + " " + d["store"]["currency"].get<std::string>();
    log::error(line);
  }
}

void Reconciler::recover(const std::vector<CheckoutSession>& sessions, const std::string& id) {
  const auto s = std::find_if(sessions.begin(), sessions.end(), [&](const CheckoutSession& x) { return x.id == id; });
  if (s == sessions.end()) return;
  // Its own event id: the processor's event, should it come after all, is then applied as a no-op or a refund
  // already queued (payment_followups' unique key).
  auto out = orders_.apply_event("reconciliation:" + s->payment_intent, completed_event(*s));
  if (!out) return log::error("reconciliation: applying " + s->payment_intent + ": " + out.error().message);
  if (out.value())
    log::info("reconciliation: the lost payment " + s->payment_intent + " of " + log::printable(s->reference, 64) +
              " applied: " + out.value()->what);
}

void Reconciler::add_routes(Router& router) {
  router.get("/api/admin/reconciliation", [this](const httplib::Request& req, httplib::Response& res, const RouteParams&) {
    if (!admin_.authorized(req, res)) return;
    std::int64_t grace = 60;
    if (req.has_param("grace")) {
      const std::string text = req.get_param_value("grace");
      const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), grace);
      if (ec != std::errc() || end != text.data() + text.size() || grace < 0 || grace > 86400)
        return send_error(res, 400, "invalid_grace", "grace is a whole number of seconds from 0 to 86400");
    }
    const Remote<json> report = reconcile(db_, processor_, grace);
    if (!report.ok()) {
      log::error("reconciliation: " + report.error);
      return send_error(res, 502, "processor_unavailable", "the payment processor's sessions could not be read");
    }
    send_json(res, 200, report.value->dump());
  });
}

}  // namespace jupiter::server
