// webhooks.cpp: see webhooks.hpp.
#include "server/webhooks.hpp"

#include <optional>

#include "server/crypto.hpp"

namespace jupiter::server {

namespace {

// Unix seconds as the processor writes them: 1 to 12 decimal digits, no sign (so no arithmetic on it can
// overflow: 12 digits reach the year 33658).
std::optional<std::int64_t> parse_stamp(std::string_view text) {
  if (text.empty() || text.size() > 12) return std::nullopt;
  std::int64_t t = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    t = t * 10 + (c - '0');
  }
  return t;
}

// |t - now| <= kWebhookTolerance without overflow for any `now`, given 0 <= t < 10^12: t - tolerance cannot
// overflow, and when now >= t >= 0, now - t is in [0, INT64_MAX].
bool within_tolerance(std::int64_t t, std::int64_t now) {
  if (now < t) return now >= t - kWebhookTolerance;
  return now - t <= kWebhookTolerance;
}

}  // namespace

std::string_view signature_check_name(SignatureCheck c) {
  switch (c) {
    case SignatureCheck::Valid: return "valid";
    case SignatureCheck::Missing: return "missing";
    case SignatureCheck::Malformed: return "malformed";
    case SignatureCheck::BadMac: return "bad_mac";
    case SignatureCheck::Stale: return "stale";
  }
  return "malformed";
}

std::string sign_webhook(std::string_view secret, std::int64_t t, std::string_view body) {
  const std::string stamp = std::to_string(t);
  return "t=" + stamp + ",v1=" + hmac_sha256_hex(secret, stamp + "." + std::string(body));
}

SignatureCheck verify_webhook(std::string_view secret, std::string_view header, std::string_view body,
                              std::int64_t now) {
  if (header.empty()) return SignatureCheck::Missing;
  std::string_view t_text, mac;
  while (!header.empty()) {
    const std::size_t comma = header.find(',');
    const std::string_view part = header.substr(0, comma);
    header = comma == std::string_view::npos ? std::string_view() : header.substr(comma + 1);
    if (part.rfind("t=", 0) == 0) t_text = part.substr(2);
    else if (part.rfind("v1=", 0) == 0) mac = part.substr(3);
  }
  const std::optional<std::int64_t> t = parse_stamp(t_text);
  if (!t || mac.size() != 64) return SignatureCheck::Malformed;
  const std::string stamp(t_text);
  const std::string expected = hmac_sha256_hex(secret, stamp + "." + std::string(body));
  if (!constant_time_equal(expected, mac)) return SignatureCheck::BadMac;
  return within_tolerance(*t, now) ? SignatureCheck::Valid : SignatureCheck::Stale;
}

}  // namespace jupiter::server
