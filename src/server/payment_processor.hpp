// payment_processor.hpp: the store's side of a hosted-checkout payment processor.
//
// The contract a real processor's adapter has too: the backend creates a checkout session server-to-server (amount
// decided by the store), sends the buyer's browser to the processor's page (another origin: card numbers never
// touch the store), learns the outcome from a signed webhook (webhooks.hpp), can read a session back, and refunds
// a payment, expires a session nobody should pay any more, and lists its sessions for the reconciliation
// (reconciliation.hpp). What comes back is only the transaction id, method type, brand and last 4 digits.
//
// [X] SandboxProcessor: our local sandbox (src/sandbox/processor) over HTTP with an API key.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/money.hpp"
#include "server/remote.hpp"

namespace jupiter::server {

struct CheckoutRequest {
  std::string reference;    // our order id
  Money amount;             // from the catalogue
  std::string description;  // shown on the hosted page: the plan's name
  std::string return_url;   // the processor appends "&checkout=success|declined|cancelled"
  std::string notify_url;   // where the webhooks go
};

// The masked card a payment was made with, as the processor writes it under "payment_method" (in a session and
// in an event's data): type "card", brand "visa", last4 "4242"; "" where not told.
struct PaymentMethod {
  std::string type, brand, last4;
};
// Reads parent["payment_method"]; all "" when absent or not an object.
PaymentMethod read_payment_method(const nlohmann::json& parent);

struct CheckoutSession {
  std::string id;      // "cs_..."
  std::string url;     // the hosted page
  std::string status;  // "open", "complete", "expired"
  std::int64_t expires_at = 0;  // Unix seconds
  // What the processor holds about its payment (read back and listed sessions; "" / 0 when not told).
  std::string payment_status;  // "unpaid", "paid", "declined", "refunded"
  std::string payment_intent;  // "pi_..." once paid
  std::string reference;       // our order id
  Money amount;
  std::int64_t paid_at = 0;    // Unix seconds, 0 when unknown or unpaid
  PaymentMethod method;        // the masked card once paid
};

// One page of the processor's sessions, oldest id first.
struct CheckoutPage {
  std::vector<CheckoutSession> sessions;
  bool has_more = false;
};

struct Refund {
  std::string id;      // "re_..."
  std::string status;  // "succeeded"
};

class PaymentProcessor {
 public:
  virtual ~PaymentProcessor() = default;
  virtual Remote<CheckoutSession> create_checkout(const CheckoutRequest& request) = 0;
  virtual Remote<CheckoutSession> get_checkout(const std::string& session_id) = 0;
  // Refunds the whole payment; the same `idempotency_key` never refunds twice.
  virtual Remote<Refund> refund(const std::string& transaction, const std::string& idempotency_key) = 0;
  // Closes an open session so that it can no longer be paid; a session already complete is a failure that is not
  // retryable ("session_complete"), an expired one a success.
  virtual Remote<CheckoutSession> expire_checkout(const std::string& session_id) = 0;
  // Up to `limit` sessions whose id sorts after `starting_after` ("" for the first page).
  virtual Remote<CheckoutPage> list_checkouts(const std::string& starting_after, int limit) = 0;
};

// base_url: "http://127.0.0.1:8081"; api_key: the secret the sandbox was started with.
std::unique_ptr<PaymentProcessor> make_sandbox_processor(std::string base_url, std::string api_key);

}  // namespace jupiter::server
