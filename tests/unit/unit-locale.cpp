// unit-locale.cpp: region subtags of browser locales, and the currency a first visit shows.
#include <doctest/doctest.h>

#include "core/locale.hpp"

using namespace jupiter;

TEST_CASE("the region subtag is read from BCP 47 tags of every shape") {
  CHECK(locale_region("fr-FR") == std::optional<std::string>("FR"));
  CHECK(locale_region("de_at") == std::optional<std::string>("AT"));
  CHECK(locale_region("zh-Hant-TW") == std::optional<std::string>("TW"));
  CHECK(locale_region("es-419") == std::optional<std::string>("419"));
  CHECK_FALSE(locale_region("fr"));
  CHECK_FALSE(locale_region(""));
  CHECK_FALSE(locale_region("-FR"));
  CHECK_FALSE(locale_region("x-private"));
  CHECK_FALSE(locale_region("en-u-cu-eur"));  // an extension is not a region
  CHECK_FALSE(locale_region("1234-FR"));
}

TEST_CASE("euro-area regions pay in EUR, the UK in GBP, everyone else in USD") {
  for (const char* r : {"FR", "DE", "ES", "IT", "NL", "AT", "IE", "BG", "HR", "MC"}) CHECK(currency_for_region(r) == Currency::EUR);
  for (const char* r : {"GB", "JE", "IM"}) CHECK(currency_for_region(r) == Currency::GBP);
  for (const char* r : {"US", "CH", "DK", "SE", "PL", "CA", "JP", "419", ""}) CHECK(currency_for_region(r) == Currency::USD);
}

TEST_CASE("a first visit's currency comes from the browser's first locale with a region") {
  SUBCASE("French, German, Spanish browsers in their countries see EUR") {
    CHECK(choose_currency(std::nullopt, {"fr-FR", "fr", "en-US"}) == Currency::EUR);
    CHECK(choose_currency(std::nullopt, {"de-DE"}) == Currency::EUR);
    CHECK(choose_currency(std::nullopt, {"es-ES", "es"}) == Currency::EUR);
  }
  SUBCASE("British English sees GBP, American English and Swiss French USD") {
    CHECK(choose_currency(std::nullopt, {"en-GB"}) == Currency::GBP);
    CHECK(choose_currency(std::nullopt, {"en-US", "en-GB"}) == Currency::USD);
    CHECK(choose_currency(std::nullopt, {"fr-CH"}) == Currency::USD);
  }
  SUBCASE("a language without a region defers to the next entry that has one") {
    CHECK(choose_currency(std::nullopt, {"fr", "fr-BE"}) == Currency::EUR);
    CHECK(choose_currency(std::nullopt, {"fr", "de"}) == Currency::USD);
    CHECK(choose_currency(std::nullopt, {}) == Currency::USD);
  }
  SUBCASE("a stored choice wins over the browser") {
    CHECK(choose_currency(Currency::USD, {"fr-FR"}) == Currency::USD);
    CHECK(choose_currency(Currency::GBP, {"de-DE"}) == Currency::GBP);
    CHECK(choose_currency(Currency::Unknown, {"de-DE"}) == Currency::EUR);
  }
}
