// fuzz_base64url.cpp: libFuzzer target for the base64url decoder (server/crypto's from_base64url), which reads the
// unsubscribe token from a URL. Any input: never a crash; accepted only when every character is in the alphabet
// and the length is not 4n+1; an accepted text re-encodes to the same length and decodes again to the same bytes.
// The input as bytes: base64url() of it decodes back to it exactly.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "server/crypto.hpp"

namespace srv = jupiter::server;

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

bool in_alphabet(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

void fuzz_text(std::string_view text) {
  const auto bytes = srv::from_base64url(text);
  bool valid = text.size() % 4 != 1;
  for (char c : text) valid = valid && in_alphabet(c);
  check(bytes.has_value() == valid);
  if (!bytes) return;
  check(bytes->size() == text.size() * 3 / 4);
  const std::string again = srv::base64url(*bytes);
  check(again.size() == text.size());
  check(srv::from_base64url(again) == bytes);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  fuzz_text(input);
  check(srv::from_base64url(srv::base64url(input)) == std::string(input));
  return 0;
}
