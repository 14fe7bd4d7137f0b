// webhooks.hpp: signatures of the payment processor's webhooks.
//
//   Jupiter-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>." + raw body)>
//
// A webhook is accepted only with a well-formed header, a matching MAC (compared in constant time) and a
// timestamp within kWebhookTolerance of the store's clock; replays of an event id are refused by the orders
// (webhook_events table), not here.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

namespace jupiter::server {

inline constexpr std::int64_t kWebhookTolerance = 300;  // seconds, either way

enum class SignatureCheck { Valid = 0, Missing, Malformed, BadMac, Stale };
std::string_view signature_check_name(SignatureCheck c);  // "valid", "missing", ...

// The header value for `body` signed at `t` (what the processor sends; tests use it too).
std::string sign_webhook(std::string_view secret, std::int64_t t, std::string_view body);

SignatureCheck verify_webhook(std::string_view secret, std::string_view header, std::string_view body,
                              std::int64_t now);

}  // namespace jupiter::server
