// refunds.hpp: the owner's refund of a paid eSIM that was never installed, within 14 days of the payment (issue 15).
//
//   GET  /api/orders/:id/refund   200 {"eligible", "reason": "eligible|not_delivered|installed|window_closed|
//                                 refunded|topup", "deadline": Unix seconds|null, "window_days": 14, "topups": the
//                                 number of delivered top-ups a refund would refund with it}
//   POST /api/orders/:id/refund   200 {"order": ORDER}, now "refunded"; 409 already_installed |
//                                 refund_window_closed | already_refunded | not_refundable (not a delivered eSIM, or
//                                 a top-up order); 502 partner_unavailable (nothing changed)
// Both authorise with the order's own token like GET /api/orders/:id (Bearer; a wrong token is the same 404). As
// POST /api/orders/:id/resend, the POST is authorised by the Authorization header alone, which a browser never
// adds to another site's request by itself: no cookie is involved, so no Origin check is needed.
//
// The order of the steps keeps money and eSIM in step:
//   1. the rule (core/refund.hpp) on the stored order, with the server's clock against paid_ms;
//   2. the partner cancels the profile: it refuses (409) when a phone installed it, which is the atomic check
//      (the store's installed_ms may be older than the truth); a partner that cannot be reached: 502, nothing changed;
//   3. one transaction: delivered -> refunded (with its history row), the activation details cleared, and a
//      'refund' money follow-up of reason 'owner_refund' queued (payment_events.hpp), which the provisioning worker
//      performs and retries until the processor has refunded the payment; the same for each delivered top-up of
//      the eSIM (paid for the profile just cancelled: the terms refund them with it; "topups" in the GET says how
//      many);
//   4. the "refund" e-mail through the outbox, one per order refunded.
// A cancel at the partner is idempotent: when step 3 fails after step 2 (500/503), the next POST cancels again
// (the same answer) and finishes. The payment's status stays "succeeded" until the processor refunded it.
#pragma once
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/refund.hpp"
#include "server/db.hpp"
#include "server/esim_partner.hpp"
#include "server/orders.hpp"
#include "server/outbox.hpp"
#include "server/router.hpp"

namespace jupiter::server {

class Refunds {
 public:
  // `queued` wakes the worker that performs the money follow-ups.
  Refunds(db::Database& db, Orders& orders, EsimPartner& partner, Outbox& outbox, const OrdersConfig& config,
          std::function<void()> queued);
  void add_routes(Router& router);

 private:
  struct Stored;  // what the rule needs, read from the order's row
  void eligibility(const httplib::Request& req, httplib::Response& res, const std::string& id);
  void refund(const httplib::Request& req, httplib::Response& res, const std::string& id);
  // The stored facts and the rule's answer for `order` (an ORDER); nullopt after answering a database error.
  std::optional<Stored> facts(const nlohmann::json& order, httplib::Response& res);
  // Step 3; the refunded ORDER (and in `topups` the ids of its top-ups refunded with it), or nullopt after
  // answering the error.
  std::optional<nlohmann::json> record(const std::string& id, const Stored& s, std::vector<std::string>& topups,
                                       httplib::Response& res);
  // Step 4 for one refunded ORDER (the eSIM or one of its top-ups).
  void mail_refund(const nlohmann::json& order);

  db::Database& db_;
  Orders& orders_;
  EsimPartner& partner_;
  Outbox& outbox_;
  const OrdersConfig& config_;
  std::function<void()> queued_;
  std::mutex mutex_;  // one refund decision at a time in this process (a double click)
};

}  // namespace jupiter::server
