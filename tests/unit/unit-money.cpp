#include <doctest/doctest.h>

#include <cstdint>
#include <limits>

#include "core/money.hpp"

using namespace jupiter;

TEST_CASE("currency codes round-trip and unknown codes are refused") {
  for (Currency c : kCurrencies) CHECK(parse_currency(currency_code(c)) == c);
  CHECK_FALSE(parse_currency("usd"));
  CHECK_FALSE(parse_currency("XYZ"));
  CHECK_FALSE(parse_currency(""));
  CHECK(currency_code(Currency::Unknown).empty());
}

TEST_CASE("plain formatting shows minor units with the currency's exponent") {
  CHECK(format_plain({1299, Currency::USD}) == "12.99 USD");
  CHECK(format_plain({5, Currency::EUR}) == "0.05 EUR");
  CHECK(format_plain({0, Currency::GBP}) == "0.00 GBP");
  CHECK(format_plain({-150, Currency::GBP}) == "-1.50 GBP");
  SUBCASE("the most negative amount does not overflow") {
    CHECK(format_plain({std::numeric_limits<std::int64_t>::min(), Currency::USD}) == "-92233720368547758.08 USD");
  }
}
