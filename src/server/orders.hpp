// orders.hpp: orders in the database and the orders API (see the API contract in the README).
//
//   POST /api/orders                 create (Idempotency-Key), price from the catalogue, rate-limited per client
//   GET  /api/orders/:id             the ORDER (Bearer token; a wrong token is the same 404 as a missing order)
//   POST /api/orders/:id/payment     the processor's checkout session (one open session per order)
//   POST /api/orders/:id/resend      the delivery e-mail again, same profile, rate-limited
//   POST /api/webhooks/processor     signed processor events (webhooks.hpp), each event id applied once
//   GET  /orders/:id/receipt?token=  printable receipt (receipt_page.hpp)
//
// Every state change is one SQLite transaction that also appends its order_history row (transition()).
// Order tokens: base64url(HMAC-SHA256(token secret, "order-token\n<order id>\n<idempotency key>")), 256 bits. Only
// their SHA-256 is stored; a replay of the same key re-derives the same token, and nothing else can (the secret
// lives in data/token-secret, not in the database).
#pragma once
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/order.hpp"
#include "core/order_rules.hpp"
#include "server/db.hpp"
#include "server/esim_partner.hpp"
#include "server/outbox.hpp"
#include "server/payment_processor.hpp"
#include "server/router.hpp"

namespace jupiter::server {

struct PaymentEvent;  // payment_events.hpp
struct EventOutcome;

struct OrdersConfig {
  std::string public_url;      // "http://127.0.0.1:8080": links in e-mails, processor return and webhook URLs
  std::string token_secret;    // derives order tokens
  std::string webhook_secret;  // shared with the processor
  std::int64_t provision_deadline_s = 3600;
  std::size_t orders_per_minute = 10;  // per client address
  std::int64_t install_poll_s = 300;   // how often the partner is asked whether a delivered eSIM was installed
  std::int64_t details_expiry_s = 7 * 24 * 3600;  // activation details kept this long after installation
  std::string worker;  // this process among several on one database: "<host>:<port>" (job_claims.hpp)
};

// Moves order `id` from `from` to `to` (refused unless transition_allowed) with its history row; part of the
// caller's transaction. `extra_sql` ("payment_status = 'succeeded', ...") and its text arguments are applied in
// the same UPDATE.
db::Status transition(db::Connection& c, const std::string& id, OrderState from, OrderState to,
                      const std::string& reason, const std::string& extra_sql = "",
                      const std::vector<std::string>& extra_args = {});

// The token of order `id` made with Idempotency-Key `key` (see the file comment).
std::string order_token(const std::string& secret, const std::string& order_id, const std::string& key);

// Replaces order `id`'s token hash with the hash of a random value nobody holds: the token no longer opens the order
// (the same 404 as an unknown order), and a replay of its Idempotency-Key no longer returns it. Part of the caller's
// transaction (the erase of privacy_rights.hpp).
db::Status revoke_token(db::Connection& c, const std::string& id);

// The ORDER document of the API contract; nullopt when there is no such order. ORDER.esim carries "installed_at"
// once the partner reported the profile installed, and only the ICCID and that date once the activation details
// expired (provisioning.hpp); ORDER.support lists the order's money follow-ups (payment_events.hpp) as "payments".
db::Result<std::optional<nlohmann::json>> load_order(db::Connection& c, const std::string& id);

// An ORDER as the core's typed Order, read by the decoder the store itself uses (core/order.hpp): the one way the
// server reads values back out of an ORDER (its price a Money, its plan an OrderPlan). nullopt, with the decoder's
// reason logged, when it does not decode; an ORDER from load_order always does.
std::optional<Order> typed_order(const nlohmann::json& order);

// Writes an e-mail of `kind` about `order` (an ORDER) to the outbox and records it in order_emails.
void send_order_email(db::Database& db, Outbox& outbox, const OrdersConfig& config, const nlohmann::json& order,
                      const std::string& kind);

// A create route's refusal: status, error code and message.
struct OrderRefusal {
  int status = 0;
  std::string code, message;
};

// A new order as the create routes ask for it (POST /api/orders; a top-up, topups.hpp): the checked request, its
// Idempotency-Key (valid) and the hash that tells "the same order asked again" from "another order, same key".
// `check` runs inside the creating transaction after the key was found new: a refusal stops it (a top-up's plan and
// parent rules); `topup_of` is the parent order of a top-up ("" otherwise); `consent_id` the receipt it joins.
struct OrderPlacement {
  OrderRequest request;
  std::string key, request_hash, topup_of, consent_id;
  std::function<db::Result<std::optional<OrderRefusal>>(db::Connection&)> check;
};

class Orders {
 public:
  Orders(db::Database& db, PaymentProcessor& processor, Outbox& outbox, OrdersConfig config,
         std::function<void()> paid);  // `paid` wakes the provisioning worker
  void add_routes(Router& router);
  // Applies a processor event (payment_events.hpp) once per `event_id` in one transaction, then sends the
  // confirmation e-mail and wakes the worker as needed; nullopt when `event_id` was applied before. The webhook
  // uses it, and the reconciliation for a paid session whose webhook never came (reconciliation.hpp).
  db::Result<std::optional<EventOutcome>> apply_event(const std::string& event_id, const PaymentEvent& e);
  // The ORDER when the request's Bearer token opens order `id`; otherwise nullopt with the 404 already answered.
  std::optional<nlohmann::json> open_order(const httplib::Request& req, httplib::Response& res, const std::string& id);
  // Makes the order `p` asks for (201) or replays it (200) after the rate limit, answering {"order", "token"} as
  // POST /api/orders does, or the refusal. Only an ordinary order records the checkout's consent receipt.
  void place(const httplib::Request& req, httplib::Response& res, const OrderPlacement& p);

 private:
  void create(const httplib::Request& req, httplib::Response& res);
  void get(const httplib::Request& req, httplib::Response& res, const std::string& id);
  void payment(const httplib::Request& req, httplib::Response& res, const std::string& id);
  void resend(const httplib::Request& req, httplib::Response& res, const std::string& id);
  void webhook(const httplib::Request& req, httplib::Response& res);
  void receipt(const httplib::Request& req, httplib::Response& res, const std::string& id);

  // The ORDER when `token` opens order `id`; nullopt (answer 404) otherwise, in the same time either way.
  std::optional<nlohmann::json> authorize(const std::string& id, const std::string& token, httplib::Response& res);
  db::Result<std::int64_t> rate_wait(const std::string& client);  // shared by all processes (rate_counts.hpp)
  // False when the request may not go on: the 429 was answered, or `failed` holds the database error to answer.
  bool within_rate(const httplib::Request& req, const std::string& key, httplib::Response& res, db::Status& failed);
  // The checkout's confirmations as a consent receipt (source "checkout"); gpc_header: the request sent Sec-GPC: 1.
  void record_checkout_consent(const OrderRequest& r, const std::string& consent_id, const std::string& order_id,
                               bool gpc_header);

  db::Database& db_;
  PaymentProcessor& processor_;
  Outbox& outbox_;
  OrdersConfig config_;
  std::function<void()> paid_;
  std::mutex payment_mutex_;  // one checkout session per order (a double click), one resend decision at a time
};

}  // namespace jupiter::server
