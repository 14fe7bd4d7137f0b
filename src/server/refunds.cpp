// refunds.cpp: see refunds.hpp.
//
// [SECTION] the stored facts
// [SECTION] recording the refund (step 3)
// [SECTION] handlers and routes
#include "server/refunds.hpp"

#include <httplib.h>

#include "server/clock.hpp"
#include "server/http_util.hpp"
#include "server/log.hpp"

namespace jupiter::server {

namespace {

using json = nlohmann::json;

void failed(httplib::Response& res, const std::string& id, const db::Error& e) {
  log::error("refunds: " + id + ": " + e.message);
  res.set_header("Retry-After", "5");
  send_error(res, 503, "storage_unavailable", "the refund could not be recorded; nothing was refunded, try again");
}

bool is_topup(const json& order) {
  const auto it = order.find("topup_of");
  return it != order.end() && it->is_string() && !it->get<std::string>().empty();
}

}  // namespace

// ---------------------------------------------------------------------------------------------------------
// [SECTION] the stored facts
// ---------------------------------------------------------------------------------------------------------
struct Refunds::Stored {
  refund::Facts facts;
  refund::Reason reason = refund::Reason::Unknown;
  std::string profile, intent, session, currency;
  std::int64_t amount = 0;
  int topups = 0;  // delivered top-ups of this eSIM
};

Refunds::Refunds(db::Database& db, Orders& orders, EsimPartner& partner, Outbox& outbox, const OrdersConfig& config,
                 std::function<void()> queued)
    : db_(db), orders_(orders), partner_(partner), outbox_(outbox), config_(config), queued_(std::move(queued)) {}

std::optional<Refunds::Stored> Refunds::facts(const json& order, httplib::Response& res) {
  const std::string id = order.value("id", std::string());
  auto row = db_.with([&](db::Connection& c) {
    return c.query("SELECT state, coalesce(paid_ms, 0), installed_ms IS NOT NULL, coalesce(partner_profile, ''), "
                   "coalesce(pay_transaction, ''), coalesce(session_id, ''), amount_minor, currency, "
                   "(SELECT count(*) FROM orders t WHERE t.topup_of = orders.id AND t.state = 'delivered') "
                   "FROM orders WHERE id = ?", id)
        .one([](const db::Row& r) {
          Stored s;
          s.facts.state = parse_order_state(r.text(0)).value_or(OrderState::Unknown);
          s.facts.paid_at = r.int64(1) / 1000;
          s.facts.installed = r.boolean(2);
          s.profile = r.text(3);
          s.intent = r.text(4);
          s.session = r.text(5);
          s.amount = r.int64(6);
          s.currency = r.text(7);
          s.topups = static_cast<int>(r.int64(8));
          return s;
        });
  });
  if (!row) return failed(res, id, row.error()), std::nullopt;
  if (!row.value()) return failed(res, id, db::Error{1, "the order vanished"}), std::nullopt;
  Stored s = *row.value();
  s.facts.topup = is_topup(order);
  // A delivered order without a profile or a payment to give back cannot be refunded here (it never is).
  if (s.facts.state == OrderState::Delivered && (s.profile.empty() || s.intent.empty())) s.facts.paid_at = 0;
  s.reason = refund::decide(s.facts, now_s());
  return s;
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] recording the refund (step 3)
// ---------------------------------------------------------------------------------------------------------
namespace {

db::Status queue_refund(db::Connection& c, const std::string& id, const std::string& session, const std::string& intent,
                        std::int64_t amount, const std::string& currency) {
  return c.exec("INSERT INTO payment_followups(kind, order_id, session_id, payment_intent, amount_minor, currency, "
                "reason, created_at, next_attempt_ms) VALUES ('refund', ?, ?, ?, ?, ?, 'owner_refund', ?, ?) "
                "ON CONFLICT DO NOTHING",
                id, session, intent, amount, currency, rfc3339(now_ms()), now_ms());
}

// The delivered top-ups of eSIM order `id` (they were paid for the profile just cancelled): each refunded and its
// money follow-up queued, in the caller's transaction. A top-up still being paid or provisioned is refunded by
// provisioning, which finds its eSIM no longer delivered (topups.hpp).
struct PaidTopup {
  std::string id, session, intent, currency;
  std::int64_t amount = 0;
};

db::Status refund_topups(db::Connection& c, const std::string& id, std::vector<std::string>& refunded) {
  DB_TRY_LET(const std::vector<PaidTopup> topups,
             c.query("SELECT id, coalesce(session_id, ''), coalesce(pay_transaction, ''), currency, amount_minor "
                     "FROM orders WHERE topup_of = ? AND state = 'delivered' ORDER BY rowid", id)
                 .all([](const db::Row& r) { return PaidTopup{r.text(0), r.text(1), r.text(2), r.text(3), r.int64(4)}; }));
  for (const PaidTopup& t : topups) {
    DB_TRY(transition(c, t.id, OrderState::Delivered, OrderState::Refunded,
                      "refunded with its eSIM at the owner's request (the eSIM was never installed)"));
    DB_TRY(queue_refund(c, t.id, t.session, t.intent, t.amount, t.currency));
    refunded.push_back(t.id);
  }
  return db::Status();
}

// Inside one transaction: the order refunded (unless another request did it first: nullopt), its eSIM's activation
// details cleared (the profile is cancelled), the money follow-up queued, its delivered top-ups refunded too (their
// ids added to `topups`); the ORDER as it is now.
db::Result<std::optional<json>> refund_in_store(db::Connection& c, const std::string& id, const std::string& session,
                                                const std::string& intent, std::int64_t amount,
                                                const std::string& currency, std::vector<std::string>& topups) {
  DB_TRY_LET(const std::optional<std::string> state,
             c.query("SELECT state FROM orders WHERE id = ?", id).one([](const db::Row& r) { return r.text(0); }));
  if (state.value_or("") != "delivered") return std::optional<json>();
  DB_TRY(transition(c, id, OrderState::Delivered, OrderState::Refunded,
                    "refunded at the owner's request: the eSIM was never installed (profile cancelled at the partner)",
                    "activation_code = NULL, matching_id = NULL, confirmation_code = NULL, next_attempt_ms = NULL, "
                    "delivery_message = ?",
                    {"the eSIM was cancelled and the payment is being refunded"}));
  DB_TRY(queue_refund(c, id, session, intent, amount, currency));
  DB_TRY(refund_topups(c, id, topups));
  return load_order(c, id);
}

}  // namespace

std::optional<json> Refunds::record(const std::string& id, const Stored& s, std::vector<std::string>& topups,
                                    httplib::Response& res) {
  auto done = db_.with([&](db::Connection& c) {
    return db::in_transaction(c, [&](db::Connection& t) {
      topups.clear();  // a retried transaction starts again
      return refund_in_store(t, id, s.session, s.intent, s.amount, s.currency, topups);
    });
  });
  if (!done) return failed(res, id, done.error()), std::nullopt;
  if (!done.value()) {
    send_error(res, 409, "already_refunded", "this eSIM was refunded already");
    return std::nullopt;
  }
  return done.value();
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] handlers and routes
// ---------------------------------------------------------------------------------------------------------
void Refunds::eligibility(const httplib::Request& req, httplib::Response& res, const std::string& id) {
  const std::optional<json> order = orders_.open_order(req, res, id);
  if (!order) return;
  const std::optional<Stored> s = facts(*order, res);
  if (!s) return;
  refund::Eligibility e;
  e.reason = s->reason;
  e.eligible = s->reason == refund::Reason::Eligible;
  e.deadline = refund::deadline(s->facts.paid_at);
  e.topups = s->topups;
  send_json(res, 200, refund::encode_eligibility(e));
}

namespace {

// The 409 for a reason other than Eligible.
void refuse(httplib::Response& res, refund::Reason r) {
  switch (r) {
    case refund::Reason::Refunded: return send_error(res, 409, "already_refunded", "this eSIM was refunded already");
    case refund::Reason::Installed:
      return send_error(res, 409, "already_installed", "the eSIM was installed on a phone: it cannot be refunded");
    case refund::Reason::WindowClosed:
      return send_error(res, 409, "refund_window_closed", "the 14 days for a refund after the purchase have passed");
    default:
      return send_error(res, 409, "not_refundable", "only a delivered eSIM (not a top-up) can be refunded");
  }
}

}  // namespace

void Refunds::refund(const httplib::Request& req, httplib::Response& res, const std::string& id) {
  const std::optional<json> order = orders_.open_order(req, res, id);
  if (!order) return;
  std::lock_guard<std::mutex> lock(mutex_);
  const std::optional<Stored> s = facts(*order, res);
  if (!s) return;
  if (s->reason != refund::Reason::Eligible) return refuse(res, s->reason);
  const Remote<EsimProfile> cancelled = partner_.cancel_profile(s->profile);
  if (refused_as_installed(cancelled)) {
    log::info("refunds: " + id + ": the partner refused the cancel: the profile was installed");
    return refuse(res, refund::Reason::Installed);
  }
  if (!cancelled.ok() || cancelled.value->status != "cancelled") {
    log::error("refunds: " + id + ": " + (cancelled.ok() ? "the partner did not cancel" : cancelled.error));
    res.set_header("Retry-After", "30");
    return send_error(res, 502, "partner_unavailable", "the eSIM partner could not be reached; nothing was changed");
  }
  std::vector<std::string> topups;
  const std::optional<json> refunded = record(id, *s, topups, res);
  if (!refunded) return;
  log::info("refunds: " + id + " refunded at the owner's request with " + std::to_string(topups.size()) +
            " top-up(s); the payments' refunds are queued");
  mail_refund(*refunded);
  for (const std::string& topup : topups) {
    auto loaded = db_.with([&](db::Connection& c) { return load_order(c, topup); });
    if (loaded && loaded.value()) mail_refund(*loaded.value());
  }
  if (queued_) queued_();
  send_json(res, 200, json{{"order", *refunded}}.dump());
}

void Refunds::mail_refund(const json& order) {
  // No e-mail when the customer had their personal data erased: there is no address (the order page says it).
  const json customer = order.value("customer", json::object());
  if (customer.is_object() && !customer.value("email", std::string()).empty())
    send_order_email(db_, outbox_, config_, order, "refund");
}

void Refunds::add_routes(Router& router) {
  router.get("/api/orders/:id/refund", [this](const httplib::Request& req, httplib::Response& res,
                                              const RouteParams& p) { eligibility(req, res, std::string(p.get("id"))); });
  router.post("/api/orders/:id/refund", [this](const httplib::Request& req, httplib::Response& res,
                                               const RouteParams& p) { refund(req, res, std::string(p.get("id"))); });
}

}  // namespace jupiter::server
