// payment_events.hpp: what a signed processor event does to the orders, and the money follow-ups it leaves behind.
//
// The rule (issue 19): a payment the processor took is never acknowledged without a follow-up recorded in the same
// transaction. A checkout.session.completed event
//   - for an unpaid order whose amount, currency and card details match: the order is paid, whichever of its
//     checkout sessions was paid (a buyer may pay on an older page); a newer session the order pointed at is
//     queued to be expired at the processor;
//   - for an order already paid by another payment (a double payment), for an order that cannot be paid any more,
//     or for no order at all: the payment is queued for a refund; the order gets a history row and a support note;
//   - whose amount, currency or card details do not match the order: the payment is queued for a refund, the order
//     (if still unpaid) goes to failed with a support note, and to refunded once the refund is done.
// A follow-up row (payment_followups, migration 6) is performed later by perform_followup(), outside any
// transaction, and retried with backoff while the processor is unreachable; a restart resumes it.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "server/db.hpp"
#include "server/orders.hpp"
#include "server/outbox.hpp"
#include "server/payment_processor.hpp"

namespace jupiter::server {

// The fields of a processor event's data that matter; "" / -1 when absent or of another type.
struct PaymentEvent {
  std::string type;  // "checkout.session.completed", "payment.declined", ...
  std::string order_id, session, intent, currency, decline_reason;
  PaymentMethod method;
  std::int64_t amount = -1;
};
PaymentEvent read_payment_event(const std::string& type, const nlohmann::json& data);

struct EventOutcome {
  bool paid = false;       // the order went to paid: send the confirmation and wake provisioning
  bool followup = false;   // a refund or a session expiry was queued: wake the worker
  std::string what;        // for the log: "paid", "double_payment", "mismatch", "unknown_order", "ignored", ...
};

// Applies `e` inside the caller's transaction (the event id is already recorded by the caller).
db::Result<EventOutcome> apply_payment_event(db::Connection& c, const PaymentEvent& e);

struct Followup {
  std::int64_t id = 0;
  std::string kind, order_id, session, intent, reason;
  int attempts = 0;
  std::int64_t next_attempt_ms = 0;  // as read: the claim's compare-and-set value (job_claims.hpp)
};

// Follow-ups due at `now` (at most 20), oldest first.
db::Result<std::vector<Followup>> due_followups(db::Connection& c, std::int64_t now);

// Performs `f` against the processor and records what came of it (done, retry later, or given up with a support
// note); a mismatched payment's order moves to refunded with its e-mail.
void perform_followup(db::Database& db, PaymentProcessor& processor, Outbox& outbox, const OrdersConfig& config,
                      const Followup& f);

// The follow-ups of order `id` as support sees them in the ORDER's support section:
// [{"kind","reason","session","payment","amount","currency","status":"pending|done|failed","outcome"}].
db::Result<nlohmann::json> followups_json(db::Connection& c, const std::string& id);

}  // namespace jupiter::server
