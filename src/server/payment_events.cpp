// payment_events.cpp: see payment_events.hpp.
//
// [SECTION] reading an event
// [SECTION] applying an event (inside the webhook's transaction)
// [SECTION] performing follow-ups (outside any transaction)
#include "server/payment_events.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <optional>

#include "core/order_rules.hpp"
#include "server/clock.hpp"
#include "server/log.hpp"
#include "server/remote_json.hpp"

namespace jupiter::server {

namespace {

using json = nlohmann::json;

// ---------------------------------------------------------------------------------------------------------
// [SECTION] reading an event
// ---------------------------------------------------------------------------------------------------------
// -1, not json_int's 0, when absent: a missing amount must never equal an order's amount.
std::int64_t int_field(const json& doc, const char* name) {
  const auto it = doc.find(name);
  return it != doc.end() && it->is_number_integer() ? it->get<std::int64_t>() : -1;
}

bool four_digits(const std::string& s) {
  return s.size() == 4 && std::all_of(s.begin(), s.end(), [](char ch) { return ch >= '0' && ch <= '9'; });
}

}  // namespace

PaymentEvent read_payment_event(const std::string& type, const json& data) {
  PaymentEvent e;
  e.type = type;
  e.order_id = json_string(data, "reference");
  e.session = json_string(data, "session");
  e.intent = json_string(data, "payment_intent");
  e.currency = json_string(data, "currency");
  e.amount = int_field(data, "amount");
  e.decline_reason = json_string(data, "decline_reason");
  const auto method = data.find("payment_method");
  if (method != data.end() && method->is_object()) {
    e.method_type = json_string(*method, "type");
    e.brand = json_string(*method, "brand");
    e.last4 = json_string(*method, "last4");
  }
  return e;
}

namespace {

// ---------------------------------------------------------------------------------------------------------
// [SECTION] applying an event (inside the webhook's transaction)
// ---------------------------------------------------------------------------------------------------------
struct OrderRow {
  std::string state, currency, session, transaction;
  std::int64_t amount = 0;
};

db::Result<std::optional<OrderRow>> read_order(db::Connection& c, const std::string& id) {
  auto q = c.prepare("SELECT state, amount_minor, currency, coalesce(session_id, ''), coalesce(pay_transaction, '') "
                     "FROM orders WHERE id = ?");
  if (!q) return q.error();
  auto row = q.value().bind_all(id).step();
  if (!row) return row.error();
  if (!row.value()) return std::optional<OrderRow>();
  const db::Statement& s = q.value();
  return std::optional<OrderRow>(OrderRow{s.column_text(0), s.column_text(2), s.column_text(3), s.column_text(4),
                                          s.column_int64(1)});
}

db::Status queue(db::Connection& c, const std::string& kind, const PaymentEvent& e, const std::string& session,
                 const std::string& reason) {
  auto q = c.prepare("INSERT OR IGNORE INTO payment_followups(kind, order_id, session_id, payment_intent, amount_minor, "
                     "currency, reason, created_at, next_attempt_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
  if (!q) return q.error();
  const bool refund = kind == "refund";
  return q.value()
      .bind_all(kind, e.order_id, session, refund ? e.intent : std::string(), refund ? std::max<std::int64_t>(e.amount, 0) : 0,
                refund ? e.currency : std::string(), reason, rfc3339(now_ms()), now_ms())
      .run();
}

// A history row without a state change (from = to = the current state) and a note for support.
db::Status note(db::Connection& c, const std::string& id, const std::string& reason, const std::string& support) {
  auto h = c.prepare("INSERT INTO order_history(order_id, seq, at, from_state, to_state, reason) "
                     "SELECT id, (SELECT count(*) FROM order_history WHERE order_id = ?1), ?2, state, state, ?3 "
                     "FROM orders WHERE id = ?1");
  if (!h) return h.error();
  if (db::Status s = h.value().bind_all(id, rfc3339(now_ms()), reason).run(); !s) return s;
  if (support.empty()) return {};
  auto u = c.prepare("UPDATE orders SET support_reason = coalesce(support_reason || '; ', '') || ?, updated_at = ? "
                     "WHERE id = ?");
  if (!u) return u.error();
  return u.value().bind_all(support, rfc3339(now_ms()), id).run();
}

bool matches(const PaymentEvent& e, const OrderRow& o) {
  return e.amount == o.amount && e.currency == o.currency && e.method_type == "card" && four_digits(e.last4);
}

db::Result<EventOutcome> mismatch(db::Connection& c, const PaymentEvent& e, const OrderRow& o) {
  if (db::Status s = queue(c, "refund", e, e.session, "mismatch"); !s) return s.error();
  const std::string why = "payment " + e.intent + " did not match the order (amount, currency or card details); "
                          "it is being refunded";
  if (o.state == "pending_payment") {
    db::Status s = transition(c, e.order_id, OrderState::PendingPayment, OrderState::Failed, "flagged for support: " + why,
                              "payment_status = 'succeeded', decline_reason = NULL, pay_method = nullif(?, ''), "
                              "pay_brand = nullif(?, ''), pay_last4 = nullif(?, ''), pay_transaction = ?, "
                              "session_id = ?, delivery_status = 'flagged', delivery_message = ?, "
                              "support_reason = coalesce(support_reason || '; ', '') || ?",
                              {e.method_type, e.brand, four_digits(e.last4) ? e.last4 : std::string(), e.intent,
                               e.session, "the payment did not match this order; it is being refunded", why});
    if (!s) return s.error();
  } else if (db::Status s = note(c, e.order_id, why, why); !s) {
    return s.error();
  }
  return EventOutcome{false, true, "mismatch"};
}

db::Result<EventOutcome> complete(db::Connection& c, const PaymentEvent& e, const OrderRow& o) {
  const bool replaced = !o.session.empty() && o.session != e.session;
  const std::string reason = replaced ? "payment succeeded on an earlier checkout page (" + e.intent + ")"
                                      : "payment succeeded (" + e.intent + ")";
  db::Status s = transition(c, e.order_id, OrderState::PendingPayment, OrderState::Paid, reason,
                            "payment_status = 'succeeded', decline_reason = NULL, pay_method = ?, pay_brand = ?, "
                            "pay_last4 = ?, pay_transaction = ?, paid_ms = ?, next_attempt_ms = ?, "
                            "delivery_status = 'pending', session_id = ?",
                            {e.method_type, e.brand, e.last4, e.intent, std::to_string(now_ms()),
                             std::to_string(now_ms()), e.session});
  if (!s) return s.error();
  // The session the order pointed at must not take a second payment: expire it at the processor.
  if (replaced)
    if (db::Status q = queue(c, "expire_session", e, o.session, "replaced_session"); !q) return q.error();
  return EventOutcome{true, replaced, replaced ? "paid on a replaced session" : "paid"};
}

db::Result<EventOutcome> completed(db::Connection& c, const PaymentEvent& e) {
  auto row = read_order(c, e.order_id);
  if (!row) return row.error();
  if (!row.value()) {
    if (db::Status s = queue(c, "refund", e, e.session, "unknown_order"); !s) return s.error();
    return EventOutcome{false, true, "unknown_order"};
  }
  const OrderRow& o = *row.value();
  if (!matches(e, o)) return mismatch(c, e, o);
  if (o.state == "pending_payment") return complete(c, e, o);
  if (o.transaction == e.intent) return EventOutcome{false, false, "already recorded"};
  if (db::Status s = queue(c, "refund", e, e.session, "double_payment"); !s) return s.error();
  const std::string why = "a second payment (" + e.intent + ", " + std::to_string(e.amount) + " " + e.currency +
                          ") came for this " + o.state + " order; it is being refunded";
  if (db::Status s = note(c, e.order_id, why, "double payment " + e.intent + " refunded"); !s) return s.error();
  return EventOutcome{false, true, "double_payment"};
}

db::Result<EventOutcome> declined(db::Connection& c, const PaymentEvent& e) {
  // Only the session the order waits on: a decline on an older page says nothing about the current attempt.
  auto up = c.prepare("UPDATE orders SET payment_status = 'declined', decline_reason = ?, updated_at = ? "
                      "WHERE id = ? AND state = 'pending_payment' AND session_id = ?");
  if (!up) return up.error();
  const std::string reason = e.decline_reason.empty() ? std::string("card_declined") : e.decline_reason;
  if (db::Status s = up.value().bind_all(reason, rfc3339(now_ms()), e.order_id, e.session).run(); !s) return s.error();
  return EventOutcome{false, false, sqlite3_changes(c.handle()) ? "declined" : "ignored"};
}

}  // namespace

db::Result<EventOutcome> apply_payment_event(db::Connection& c, const PaymentEvent& e) {
  if (e.type == "checkout.session.completed") return completed(c, e);
  if (e.type == "payment.declined") return declined(c, e);
  return EventOutcome{false, false, "ignored"};
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] performing follow-ups (outside any transaction)
// ---------------------------------------------------------------------------------------------------------
db::Result<std::vector<Followup>> due_followups(db::Connection& c, std::int64_t now) {
  auto q = c.prepare("SELECT id, kind, order_id, session_id, payment_intent, reason, attempts FROM payment_followups "
                     "WHERE next_attempt_ms IS NOT NULL AND next_attempt_ms <= ? ORDER BY next_attempt_ms LIMIT 20");
  if (!q) return q.error();
  q.value().bind_all(now);
  std::vector<Followup> out;
  for (;;) {
    auto r = q.value().step();
    if (!r) return r.error();
    if (!r.value()) break;
    const db::Statement& s = q.value();
    out.push_back({s.column_int64(0), s.column_text(1), s.column_text(2), s.column_text(3), s.column_text(4),
                   s.column_text(5), static_cast<int>(s.column_int64(6))});
  }
  return out;
}

namespace {

// Records the end of `f` (next_attempt_ms NULL) with `outcome`, or a retry when `retry_ms` > 0.
db::Status record(db::Connection& c, const Followup& f, const std::string& outcome, std::int64_t retry_ms) {
  auto q = c.prepare("UPDATE payment_followups SET attempts = attempts + 1, outcome = ?, next_attempt_ms = ?, "
                     "done_at = ? WHERE id = ?");
  if (!q) return q.error();
  db::Statement& s = q.value();
  s.bind(1, outcome);
  if (retry_ms > 0) s.bind(2, now_ms() + retry_ms).bind(3, nullptr);
  else s.bind(2, nullptr).bind(3, rfc3339(now_ms()));
  s.bind(4, f.id);
  return s.run();
}

// A refund that went through: the follow-up is done; a mismatched payment's order ends refunded (its ORDER returned
// for the e-mail), any other order gets a history row.
db::Result<std::optional<json>> refunded(db::Connection& c, const Followup& f, const std::string& refund_id) {
  auto tx = db::Transaction::begin(c);
  if (!tx) return tx.error();
  if (db::Status s = record(c, f, "refunded " + refund_id, 0); !s) return s.error();
  auto row = read_order(c, f.order_id);
  if (!row) return row.error();
  std::optional<json> mail;
  if (row.value() && f.reason == "mismatch" && row.value()->state == "failed" && row.value()->transaction == f.intent) {
    if (db::Status s = transition(c, f.order_id, OrderState::Failed, OrderState::Refunded,
                                  "payment refunded (" + refund_id + "): it did not match the order",
                                  "payment_status = 'refunded', next_attempt_ms = NULL");
        !s)
      return s.error();
    auto o = load_order(c, f.order_id);
    if (!o) return o.error();
    mail = o.value();
  } else if (row.value()) {
    if (db::Status s = note(c, f.order_id, "payment " + f.intent + " refunded (" + refund_id + ")", ""); !s)
      return s.error();
  }
  if (db::Status s = tx.value().commit(); !s) return s.error();
  return mail;
}

// A follow-up the processor refused for good: recorded, and support told on the order.
db::Status gave_up(db::Connection& c, const Followup& f, const std::string& why) {
  auto tx = db::Transaction::begin(c);
  if (!tx) return tx.error();
  if (db::Status s = record(c, f, "gave up: " + why, 0); !s) return s;
  if (f.kind == "refund") {
    auto row = read_order(c, f.order_id);
    if (!row) return row.error();
    if (row.value())
      if (db::Status s = note(c, f.order_id, "the refund of " + f.intent + " failed",
                              "refund of " + f.intent + " failed at the processor: refund by hand");
          !s)
        return s;
  }
  return tx.value().commit();
}

}  // namespace

void perform_followup(db::Database& db, PaymentProcessor& processor, Outbox& outbox, const OrdersConfig& config,
                      const Followup& f) {
  std::string error, done_outcome;
  bool retryable = false;
  std::optional<json> mail;
  if (f.kind == "refund") {
    const Remote<Refund> r = processor.refund(f.intent, "followup-" + std::to_string(f.id));
    if (r.ok()) {
      auto out = db.with([&](db::Connection& c) { return refunded(c, f, r.value->id); });
      if (!out) return log::error("payments: follow-up " + std::to_string(f.id) + ": " + out.error().message);
      log::info("payments: " + f.intent + " of " + log::printable(f.order_id, 64) + " refunded (" + f.reason + ")");
      if (out.value()) send_order_email(db, outbox, config, *out.value(), "refund");
      return;
    }
    error = r.error;
    retryable = r.retryable;
  } else {
    const Remote<CheckoutSession> r = processor.expire_checkout(f.session);
    // A session that was paid meanwhile cannot be expired: its payment comes as an event of its own and is refunded.
    done_outcome = r.ok() ? "expired" : r.retryable ? "" : "not expired: " + r.error;
    error = r.error;
    retryable = !r.ok() && r.retryable;
  }
  auto s = db.with([&](db::Connection& c) -> db::Status {
    if (!done_outcome.empty()) return record(c, f, done_outcome, 0);
    if (retryable) return record(c, f, "retrying: " + error, retry_delay_ms(f.attempts + 1));
    return gave_up(c, f, error);
  });
  if (!s) return log::error("payments: follow-up " + std::to_string(f.id) + ": " + s.error().message);
  if (done_outcome.empty())
    log::error("payments: " + f.kind + " follow-up " + std::to_string(f.id) + " failed: " + error +
               (retryable ? "; retrying" : "; given up, flagged for support"));
}

db::Result<json> followups_json(db::Connection& c, const std::string& id) {
  auto q = c.prepare("SELECT kind, reason, session_id, payment_intent, amount_minor, currency, "
                     "next_attempt_ms IS NULL, coalesce(outcome, '') FROM payment_followups WHERE order_id = ? ORDER BY id");
  if (!q) return q.error();
  q.value().bind_all(id);
  json out = json::array();
  for (;;) {
    auto r = q.value().step();
    if (!r) return r.error();
    if (!r.value()) break;
    const db::Statement& s = q.value();
    const std::string outcome = s.column_text(7);
    const bool ended = s.column_int64(6) != 0;
    json item = {{"kind", s.column_text(0)}, {"reason", s.column_text(1)}, {"session", s.column_text(2)},
                 {"status", !ended ? "pending" : outcome.rfind("gave up", 0) == 0 ? "failed" : "done"},
                 {"outcome", outcome.empty() ? json(nullptr) : json(outcome)}};
    if (s.column_text(0) == "refund")
      item.update({{"payment", s.column_text(3)}, {"amount", s.column_int64(4)}, {"currency", s.column_text(5)}});
    out.push_back(std::move(item));
  }
  return out;
}

}  // namespace jupiter::server
