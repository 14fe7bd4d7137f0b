// payment_events.cpp: see payment_events.hpp.
//
// [SECTION] reading an event
// [SECTION] applying an event (inside the webhook's transaction)
// [SECTION] performing follow-ups (outside any transaction)
#include "server/payment_events.hpp"

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
  e.method = read_payment_method(data);
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
  return c.query("SELECT state, amount_minor, currency, coalesce(session_id, ''), coalesce(pay_transaction, '') "
                 "FROM orders WHERE id = ?", id)
      .one([](const db::Row& r) { return OrderRow{r.text(0), r.text(2), r.text(3), r.text(4), r.int64(1)}; });
}

db::Status queue(db::Connection& c, const std::string& kind, const PaymentEvent& e, const std::string& session,
                 const std::string& reason) {
  const bool refund = kind == "refund";
  return c.exec("INSERT INTO payment_followups(kind, order_id, session_id, payment_intent, amount_minor, "
                "currency, reason, created_at, next_attempt_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                kind, e.order_id, session, refund ? e.intent : std::string(),
                refund ? std::max<std::int64_t>(e.amount, 0) : 0, refund ? e.currency : std::string(), reason,
                rfc3339(now_ms()), now_ms());
}

// A history row without a state change (from = to = the current state) and a note for support.
db::Status note(db::Connection& c, const std::string& id, const std::string& reason, const std::string& support) {
  DB_TRY(c.exec("INSERT INTO order_history(order_id, seq, at, from_state, to_state, reason) "
                "SELECT id, (SELECT count(*) FROM order_history WHERE order_id = ?1), ?2, state, state, ?3 "
                "FROM orders WHERE id = ?1", id, rfc3339(now_ms()), reason));
  if (support.empty()) return {};
  return c.exec("UPDATE orders SET support_reason = coalesce(support_reason || '; ', '') || ?, updated_at = ? "
                "WHERE id = ?", support, rfc3339(now_ms()), id);
}

bool matches(const PaymentEvent& e, const OrderRow& o) {
  return e.amount == o.amount && e.currency == o.currency && e.method.type == "card" && four_digits(e.method.last4);
}

// A pending order is failed and flagged; any other gets a note.
db::Status flag_mismatch(db::Connection& c, const PaymentEvent& e, const OrderRow& o, const std::string& why) {
  if (o.state != "pending_payment") return note(c, e.order_id, why, why);
  return transition(c, e.order_id, OrderState::PendingPayment, OrderState::Failed, "flagged for support: " + why,
                    "payment_status = 'succeeded', decline_reason = NULL, pay_method = nullif(?, ''), "
                    "pay_brand = nullif(?, ''), pay_last4 = nullif(?, ''), pay_transaction = ?, "
                    "session_id = ?, delivery_status = 'flagged', delivery_message = ?, "
                    "support_reason = coalesce(support_reason || '; ', '') || ?",
                    {e.method.type, e.method.brand, four_digits(e.method.last4) ? e.method.last4 : std::string(), e.intent,
                     e.session, "the payment did not match this order; it is being refunded", why});
}

db::Result<EventOutcome> mismatch(db::Connection& c, const PaymentEvent& e, const OrderRow& o) {
  DB_TRY(queue(c, "refund", e, e.session, "mismatch"));
  DB_TRY(flag_mismatch(c, e, o, "payment " + e.intent + " did not match the order (amount, currency or card details); "
                                "it is being refunded"));
  return EventOutcome{false, true, "mismatch"};
}

db::Result<EventOutcome> complete(db::Connection& c, const PaymentEvent& e, const OrderRow& o) {
  const bool replaced = !o.session.empty() && o.session != e.session;
  const std::string reason = replaced ? "payment succeeded on an earlier checkout page (" + e.intent + ")"
                                      : "payment succeeded (" + e.intent + ")";
  DB_TRY(transition(c, e.order_id, OrderState::PendingPayment, OrderState::Paid, reason,
                    "payment_status = 'succeeded', decline_reason = NULL, pay_method = ?, pay_brand = ?, "
                    "pay_last4 = ?, pay_transaction = ?, paid_ms = ?, next_attempt_ms = ?, "
                    "delivery_status = 'pending', session_id = ?",
                    {e.method.type, e.method.brand, e.method.last4, e.intent, std::to_string(now_ms()), std::to_string(now_ms()),
                     e.session}));
  // The session the order pointed at must not take a second payment: expire it at the processor.
  if (replaced) DB_TRY(queue(c, "expire_session", e, o.session, "replaced_session"));
  return EventOutcome{true, replaced, replaced ? "paid on a replaced session" : "paid"};
}

db::Result<EventOutcome> completed(db::Connection& c, const PaymentEvent& e) {
  DB_TRY_LET(const std::optional<OrderRow> row, read_order(c, e.order_id));
  if (!row) {
    DB_TRY(queue(c, "refund", e, e.session, "unknown_order"));
    return EventOutcome{false, true, "unknown_order"};
  }
  const OrderRow& o = *row;
  if (!matches(e, o)) return mismatch(c, e, o);
  if (o.state == "pending_payment") return complete(c, e, o);
  if (o.transaction == e.intent) return EventOutcome{false, false, "already recorded"};
  DB_TRY(queue(c, "refund", e, e.session, "double_payment"));
  const std::string why = "a second payment (" + e.intent + ", " + std::to_string(e.amount) + " " + e.currency +
                          ") came for this " + o.state + " order; it is being refunded";
  DB_TRY(note(c, e.order_id, why, "double payment " + e.intent + " refunded"));
  return EventOutcome{false, true, "double_payment"};
}

db::Result<EventOutcome> declined(db::Connection& c, const PaymentEvent& e) {
  // Only the session the order waits on: a decline on an older page says nothing about the current attempt.
  const std::string reason = e.decline_reason.empty() ? std::string("card_declined") : e.decline_reason;
  DB_TRY(c.exec("UPDATE orders SET payment_status = 'declined', decline_reason = ?, updated_at = ? "
                "WHERE id = ? AND state = 'pending_payment' AND session_id = ?",
                reason, rfc3339(now_ms()), e.order_id, e.session));
  return EventOutcome{false, false, c.changes() ? "declined" : "ignored"};
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
  return c.query("SELECT id, kind, order_id, session_id, payment_intent, reason, attempts, next_attempt_ms FROM payment_followups "
                 "WHERE next_attempt_ms IS NOT NULL AND next_attempt_ms <= ? ORDER BY next_attempt_ms LIMIT 20", now)
      .all([](const db::Row& r) {
        return Followup{r.int64(0), r.text(1), r.text(2), r.text(3), r.text(4), r.text(5), r.integer(6), r.int64(7)};
      });
}

namespace {

// Records the end of `f` (next_attempt_ms NULL) with `outcome`, or a retry when `retry_ms` > 0.
db::Status record(db::Connection& c, const Followup& f, const std::string& outcome, std::int64_t retry_ms) {
  const bool retry = retry_ms > 0;
  return c.exec("UPDATE payment_followups SET attempts = attempts + 1, outcome = ?, next_attempt_ms = ?, "
                "done_at = ? WHERE id = ?",
                outcome, retry ? std::optional<std::int64_t>(now_ms() + retry_ms) : std::nullopt,
                retry ? std::nullopt : std::optional<std::string>(rfc3339(now_ms())), f.id);
}

// A refund that went through: the follow-up is done; a mismatched payment's order ends refunded (its ORDER returned
// for the e-mail), any other order gets a history row.
// Call inside a transaction (see refunded).
db::Result<std::optional<json>> record_refund(db::Connection& c, const Followup& f, const std::string& refund_id) {
  DB_TRY(record(c, f, "refunded " + refund_id, 0));
  DB_TRY_LET(const std::optional<OrderRow> row, read_order(c, f.order_id));
  if (!row) return std::optional<json>();
  if (f.reason == "owner_refund")  // the owner's refund (refunds.hpp): the order was refunded when it was queued
    DB_TRY(c.exec("UPDATE orders SET payment_status = 'refunded', updated_at = ? WHERE id = ? AND state = 'refunded' "
                  "AND pay_transaction = ?", rfc3339(now_ms()), f.order_id, f.intent));
  if (f.reason != "mismatch" || row->state != "failed" || row->transaction != f.intent) {
    DB_TRY(note(c, f.order_id, "payment " + f.intent + " refunded (" + refund_id + ")", ""));
    return std::optional<json>();
  }
  DB_TRY(transition(c, f.order_id, OrderState::Failed, OrderState::Refunded,
                    "payment refunded (" + refund_id + "): it did not match the order",
                    "payment_status = 'refunded', next_attempt_ms = NULL"));
  return load_order(c, f.order_id);
}

db::Result<std::optional<json>> refunded(db::Connection& c, const Followup& f, const std::string& refund_id) {
  return db::in_transaction(c, [&](db::Connection& t) { return record_refund(t, f, refund_id); });
}

// A follow-up the processor refused for good: recorded, and support told on the order.
db::Status gave_up(db::Connection& c, const Followup& f, const std::string& why) {
  return db::in_transaction(c, [&](db::Connection& t) -> db::Status {
    DB_TRY(record(t, f, "gave up: " + why, 0));
    if (f.kind != "refund") return {};
    DB_TRY_LET(const std::optional<OrderRow> row, read_order(t, f.order_id));
    if (!row) return {};
    return note(t, f.order_id, "the refund of " + f.intent + " failed",
                "refund of " + f.intent + " failed at the processor: refund by hand");
  });
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

namespace {

// One row of followups_json's query as the ORDER's support.payments item.
json followup_json(const db::Row& r) {
  const std::string outcome = r.text(7);
  const bool ended = r.boolean(6);
  json item = {{"kind", r.text(0)}, {"reason", r.text(1)}, {"session", r.text(2)},
               {"status", !ended ? "pending" : outcome.rfind("gave up", 0) == 0 ? "failed" : "done"},
               {"outcome", outcome.empty() ? json(nullptr) : json(outcome)}};
  if (r.text(0) == "refund") item.update({{"payment", r.text(3)}, {"amount", r.int64(4)}, {"currency", r.text(5)}});
  return item;
}

}  // namespace

db::Result<json> followups_json(db::Connection& c, const std::string& id) {
  json out = json::array();
  DB_TRY(c.query("SELECT kind, reason, session_id, payment_intent, amount_minor, currency, "
                 "next_attempt_ms IS NULL, coalesce(outcome, '') FROM payment_followups WHERE order_id = ? ORDER BY id",
                 id)
             .each([&out](const db::Row& r) { out.push_back(followup_json(r)); }));
  return out;
}

}  // namespace jupiter::server
