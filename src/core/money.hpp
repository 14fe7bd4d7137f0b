// money.hpp: amounts of money as integer minor units with an ISO 4217 currency (never floating point).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace jupiter {

// The currencies the store sells in. Unknown comes first: every unmapped code decodes to it.
enum class Currency : std::uint8_t { Unknown = 0, USD, EUR, GBP };

inline constexpr Currency kCurrencies[] = {Currency::USD, Currency::EUR, Currency::GBP};

// "USD" -> Currency::USD; anything else (wrong case included) -> nullopt.
std::optional<Currency> parse_currency(std::string_view code);
// Currency::USD -> "USD"; Unknown -> "" .
std::string_view currency_code(Currency c);
// Digits after the decimal point (2 for all three of ours, as ISO 4217 says).
int currency_exponent(Currency c);

// An amount in minor units (cents, pence). Value type; comparison only within one currency.
struct Money {
  std::int64_t minor = 0;
  Currency currency = Currency::Unknown;

  friend bool operator==(const Money& a, const Money& b) { return a.minor == b.minor && a.currency == b.currency; }
  friend bool operator!=(const Money& a, const Money& b) { return !(a == b); }
};

// A locale-free rendering for logs, receipts and tests: "12.99 USD". The UI uses the platform's Intl formatter.
std::string format_plain(Money m);

}  // namespace jupiter
