// fuzz_webhook_signature.cpp: libFuzzer target for the webhook signature check (server/webhooks). The input is
// split into a header text and a body, checked with a fixed secret and clock: never a crash, and Valid only when
// the header carries the MAC sign_webhook makes for a time within tolerance. Then a property: for a time taken
// from the input, sign_webhook's header verifies as Valid at every clock within kWebhookTolerance of it, Stale
// just outside, and BadMac for a body changed by one byte.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include "server/webhooks.hpp"

namespace srv = jupiter::server;

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

constexpr std::string_view kSecret = "whsec_fuzz_0123456789abcdef";
constexpr std::int64_t kNow = 1'790'000'000;

void fuzz_header(std::string_view header, std::string_view body) {
  const srv::SignatureCheck c = srv::verify_webhook(kSecret, header, body, kNow);
  check(!srv::signature_check_name(c).empty());
  if (header.empty()) check(c == srv::SignatureCheck::Missing);
  if (c != srv::SignatureCheck::Valid) return;
  // Valid: some t=... within tolerance whose signature is in the header.
  bool found = false;
  for (std::int64_t t = kNow - srv::kWebhookTolerance; t <= kNow + srv::kWebhookTolerance && !found; ++t) {
    const std::string mac = srv::sign_webhook(kSecret, t, body).substr(std::to_string(t).size() + 6);
    found = header.find(mac) != std::string_view::npos && header.find("t=" + std::to_string(t)) != std::string_view::npos;
  }
  check(found);
}

void check_signed(std::int64_t t, std::string_view body, std::uint8_t delta) {
  const std::string header = srv::sign_webhook(kSecret, t, body);
  const std::int64_t tol = srv::kWebhookTolerance;
  const std::int64_t off = static_cast<std::int64_t>(delta) % (2 * tol + 1) - tol;  // -tol..tol
  check(srv::verify_webhook(kSecret, header, body, t + off) == srv::SignatureCheck::Valid);
  check(srv::verify_webhook(kSecret, header, body, t - tol) == srv::SignatureCheck::Valid);
  check(srv::verify_webhook(kSecret, header, body, t + tol) == srv::SignatureCheck::Valid);
  check(srv::verify_webhook(kSecret, header, body, t + tol + 1) == srv::SignatureCheck::Stale);
  check(srv::verify_webhook(kSecret, header, body, t - tol - 1) == srv::SignatureCheck::Stale);
  std::string changed(body);
  if (changed.empty()) changed = "x";
  else changed[delta % changed.size()] = static_cast<char>(changed[delta % changed.size()] ^ 1);
  check(srv::verify_webhook(kSecret, header, changed, t) == srv::SignatureCheck::BadMac);
  check(srv::verify_webhook("another secret", header, body, t) == srv::SignatureCheck::BadMac);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view all(reinterpret_cast<const char*>(data), size);
  const std::size_t nl = all.find('\n');
  const std::string_view header = all.substr(0, nl);
  const std::string_view body = nl == std::string_view::npos ? std::string_view() : all.substr(nl + 1);
  fuzz_header(header, body);

  // Unix seconds as the processor writes them: 1 to 12 digits, so 0 <= t < 10^12.
  if (size >= 6) {
    std::uint64_t raw = 0;
    std::memcpy(&raw, data, 5);
    const auto t = static_cast<std::int64_t>(raw % 1'000'000'000'000ull);
    check_signed(t, body, data[5]);
  }
  return 0;
}
