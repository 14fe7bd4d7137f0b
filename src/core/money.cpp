#include "core/money.hpp"

namespace jupiter {

std::optional<Currency> parse_currency(std::string_view code) {
  if (code == "USD") return Currency::USD;
  if (code == "EUR") return Currency::EUR;
  if (code == "GBP") return Currency::GBP;
  return std::nullopt;
}

std::string_view currency_code(Currency c) {
  switch (c) {
    case Currency::USD: return "USD";
    case Currency::EUR: return "EUR";
    case Currency::GBP: return "GBP";
    case Currency::Unknown: break;
  }
  return "";
}

int currency_exponent(Currency) { return 2; }

std::string format_plain(Money m) {
  const bool negative = m.minor < 0;
  // Work in unsigned so that INT64_MIN does not overflow.
  std::uint64_t v = negative ? 0u - static_cast<std::uint64_t>(m.minor) : static_cast<std::uint64_t>(m.minor);
  const int exp = currency_exponent(m.currency);
  std::uint64_t scale = 1;
  for (int i = 0; i < exp; ++i) scale *= 10;
  std::string frac = std::to_string(v % scale);
  while (static_cast<int>(frac.size()) < exp) frac.insert(frac.begin(), '0');
  std::string out = negative ? "-" : "";
  out += std::to_string(v / scale);
  if (exp > 0) out += "." + frac;
  out += ' ';
  out += currency_code(m.currency);
  return out;
}

}  // namespace jupiter
