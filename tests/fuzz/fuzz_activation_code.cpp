// fuzz_activation_code.cpp: libFuzzer target for the LPA activation-code parser (core/activation_code). Exactly
// one of code and error is set; an accepted code prints back as the input (the "LPA:" prefix upper-cased), parses
// again to the same value, is at most 255 bytes, and its iOS install link holds only unreserved bytes and %XX.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/activation_code.hpp"

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

bool url_safe(std::string_view s) {
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    const bool plain = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
                       c == '.' || c == '_' || c == '~';
    if (plain) continue;
    if (c != '%' || s.size() - i < 3) return false;
    for (char h : s.substr(i + 1, 2))
      if (!((h >= '0' && h <= '9') || (h >= 'A' && h <= 'F'))) return false;
    i += 2;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const jupiter::ActivationCodeResult r = jupiter::parse_activation_code(text);
  check(r.ok() == (r.error.kind == jupiter::ActivationCodeError::Kind::None));
  check(!jupiter::activation_code_error_name(r.error.kind).empty());
  if (!r.ok()) {
    check(!r.error.message.empty());
    return 0;
  }
  const jupiter::ActivationCode& code = *r.code;
  const std::string printed = code.to_string();
  check(printed.size() <= jupiter::kMaxActivationCodeBytes && printed.rfind("LPA:1$", 0) == 0);
  check(printed.substr(4) == text.substr(4));  // printed as given, only the prefix's case changes
  const jupiter::ActivationCodeResult again = jupiter::parse_activation_code(printed);
  check(again.ok() && *again.code == code);
  const std::string link = jupiter::ios_install_link(code);
  check(link.rfind(jupiter::kIosInstallLinkBase, 0) == 0);
  check(url_safe(std::string_view(link).substr(jupiter::kIosInstallLinkBase.size())));
  return 0;
}
