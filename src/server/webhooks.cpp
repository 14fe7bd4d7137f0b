// webhooks.cpp: see webhooks.hpp.
#include "server/webhooks.hpp"

#include <charconv>

#include "server/crypto.hpp"

namespace jupiter::server {

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
  std::int64_t t = 0;
  const auto [end, ec] = std::from_chars(t_text.data(), t_text.data() + t_text.size(), t);
  if (t_text.empty() || ec != std::errc() || end != t_text.data() + t_text.size() || mac.size() != 64)
    return SignatureCheck::Malformed;
  const std::string stamp(t_text);
  const std::string expected = hmac_sha256_hex(secret, stamp + "." + std::string(body));
  if (!constant_time_equal(expected, mac)) return SignatureCheck::BadMac;
  if (now - t > kWebhookTolerance || t - now > kWebhookTolerance) return SignatureCheck::Stale;
  return SignatureCheck::Valid;
}

}  // namespace jupiter::server
