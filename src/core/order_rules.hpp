// order_rules.hpp: the pure rules of the backend's orders: which state transitions exist, what an order request
// must contain, idempotency keys, resend and retry timing, ICCID check digits. No clock, I/O or randomness:
// times come in as Unix seconds (or milliseconds where said).
//
// States (names and enums in order.hpp):
//   pending_payment -> paid -> provisioning -> delivered
//   pending_payment -> cancelled | failed;  paid | provisioning | delivered | failed -> refunded;  provisioning -> failed
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/money.hpp"
#include "core/order.hpp"
#include "core/policy.hpp"

namespace jupiter {

// True when the state machine allows `from` -> `to` (never from a state to itself, never out of refunded or
// cancelled).
bool transition_allowed(OrderState from, OrderState to);

// An Idempotency-Key header: 16..64 characters of [A-Za-z0-9_-].
bool valid_idempotency_key(std::string_view key);

// The body of POST /api/orders, decoded and validated. Contact fields are normalized (contact.hpp) before
// validation; what is stored is the normalized form. "price"/"amount" fields are ignored, as is anything unknown.
struct OrderRequest {
  std::string plan;
  Currency currency = Currency::Unknown;
  std::string email;
  std::string name;
  std::string phone;  // "" or E.164
  bool adult = false;
  std::string terms_version;  // the terms of sale accepted: must be kTermsVersion (core/policy.hpp); the order keeps it
  bool marketing = false;
  std::string language = "en";  // en, es, fr, de
  std::string consent_id;       // "" or [A-Za-z0-9_-]{8,64}
  std::string partner;          // "" or [a-z0-9-]{1,64}
};

inline constexpr std::size_t kMaxOrderRequestBytes = 16 * 1024;

struct OrderRequestCheck {
  int status = 0;    // 0 when ok; else 400 or 422
  std::string code;  // the API error code: invalid_json, invalid_email, unknown_currency, ...
  std::string message;
  OrderRequest request;
  bool ok() const { return status == 0; }
};

// Checks in this order: JSON object, plan present, currency known (422 unknown_currency), e-mail, name, phone,
// adult, terms, language, consent id, partner. Whether the plan exists is the server's catalogue's business.
OrderRequestCheck check_order_request(std::string_view body);

// The canonical form of a valid request: equal for two bodies that ask for the same order (for "same key,
// different body" detection).
std::string canonical_order_request(const OrderRequest& r);

// Resend limits of one order's delivery e-mail: at most one per kResendGapSeconds, kResendPerDay per 24 hours.
inline constexpr std::int64_t kResendGapSeconds = 60;
inline constexpr std::size_t kResendPerDay = 5;
struct ResendDecision {
  bool allowed = false;
  std::int64_t retry_after = 0;  // seconds, when not allowed
};
// `previous` are the Unix times of earlier resends of this order, any order.
ResendDecision decide_resend(const std::vector<std::int64_t>& previous, std::int64_t now);

// Provisioning retries: 1 s, 2 s, 4 s, ... capped at 60 s, for the attempt number given (1 = after the first).
std::int64_t retry_delay_ms(int attempt);

// A sliding-window limit: how long to wait (seconds, >= 1) when `recent` (Unix seconds, any order) already holds
// `limit` events within the last `window` seconds before `now`; 0 when one more is allowed.
std::int64_t rate_limit_wait(const std::vector<std::int64_t>& recent, std::int64_t now, std::size_t limit,
                             std::int64_t window);

// Luhn check over a string of digits (ICCIDs, card numbers); false for an empty string or a non-digit.
bool luhn_valid(std::string_view digits);
// An ICCID: 19 or 20 digits with a valid Luhn check digit, starting with "89" (telecom industry identifier).
bool valid_iccid(std::string_view iccid);

}  // namespace jupiter
