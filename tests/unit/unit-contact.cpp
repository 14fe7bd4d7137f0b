// unit-contact.cpp: normalizing and validating the buyer's e-mail, phone and name (src/core/contact.hpp).
#include <doctest/doctest.h>

#include <string>

#include "core/contact.hpp"

using namespace jupiter;

namespace {
std::string problem_of_email(std::string_view s) { return std::string(contact_problem_name(validate_email(s).problem)); }
std::string problem_of_phone(std::string_view s) { return std::string(contact_problem_name(validate_phone(s).problem)); }
std::string problem_of_name(std::string_view s) { return std::string(contact_problem_name(validate_name(s).problem)); }
}  // namespace

TEST_CASE("ordinary e-mail addresses are accepted") {
  for (const char* ok : {"a@b.example", "ada.lovelace@example.com", "first+tag@mail.example.co.uk",
                         "o'brien@example.ie", "x_y-z@sub-domain.example.org", "ADA@EXAMPLE.COM"}) {
    INFO(ok);
    const ContactCheck c = validate_email(ok);
    CHECK(c.ok());
    CHECK(c.message.empty());
  }
}

TEST_CASE("bad e-mail addresses are refused with the precise problem") {
  CHECK(problem_of_email("") == "empty");
  CHECK(problem_of_email("ada.example.com") == "missing_at");
  CHECK(problem_of_email("ada@@example.com") == "missing_at");
  CHECK(problem_of_email("a@b@example.com") == "missing_at");
  CHECK(problem_of_email("@example.com") == "bad_local_part");
  CHECK(problem_of_email(".ada@example.com") == "bad_local_part");
  CHECK(problem_of_email("ada.@example.com") == "bad_local_part");
  CHECK(problem_of_email("a..da@example.com") == "bad_local_part");
  CHECK(problem_of_email("a\"da@example.com") == "bad_local_part");
  CHECK(problem_of_email(std::string(65, 'a') + "@example.com") == "bad_local_part");
  CHECK(problem_of_email("ada@") == "bad_domain");
  CHECK(problem_of_email("ada@localhost") == "bad_domain");
  CHECK(problem_of_email("ada@example..com") == "bad_domain");
  CHECK(problem_of_email("ada@-example.com") == "bad_domain");
  CHECK(problem_of_email("ada@example.c") == "bad_domain");
  CHECK(problem_of_email("ada@example.123") == "bad_domain");
  CHECK(problem_of_email("ada@exa_mple.com") == "bad_domain");
  CHECK(problem_of_email("ada@127.0.0.1") == "bad_domain");
  CHECK(problem_of_email("ada lovelace@example.com") == "whitespace");
  CHECK(problem_of_email("ada@example.com\n") == "control_character");
  CHECK(problem_of_email("ad\xC3\xA1@example.com") == "non_ascii");
  CHECK(problem_of_email("a@" + std::string(250, 'b') + ".com") == "too_long");
  SUBCASE("every refusal carries a message") {
    const ContactCheck c = validate_email("ada@localhost");
    CHECK_FALSE(c.ok());
    CHECK(c.message.find("dot") != std::string::npos);
  }
}

TEST_CASE("typed e-mail addresses are trimmed and their domain lower-cased") {
  CHECK(normalize_email("  Ada@Example.COM \t") == "Ada@example.com");
  CHECK(normalize_email("no-at-sign ") == "no-at-sign");
  CHECK(same_email("ada@example.com", " ada@EXAMPLE.com"));
  CHECK_FALSE(same_email("ada@example.com", "Ada@example.com"));  // the local part's case is the mailbox's business
  CHECK_FALSE(same_email("ada@example.com", "ada@example.org"));
}

TEST_CASE("phone numbers must be E.164") {
  CHECK(validate_phone("+4915112345678").ok());
  CHECK(validate_phone("+12025550123").ok());
  CHECK(validate_phone("+123456789012345").ok());  // 15 digits
  CHECK(problem_of_phone("") == "empty");
  CHECK(problem_of_phone("4915112345678") == "missing_plus");
  CHECK(problem_of_phone("+49 151 1234") == "bad_character");
  CHECK(problem_of_phone("+49151abc5678") == "bad_character");
  CHECK(problem_of_phone("+") == "too_short");
  CHECK(problem_of_phone("+1234567") == "too_short");
  CHECK(problem_of_phone("+1234567890123456") == "too_long");
  CHECK(problem_of_phone("+04915112345678") == "leading_zero");
}

TEST_CASE("typed phone numbers are normalized to E.164 before validation") {
  CHECK(normalize_phone(" +49 151 1234-5678 ") == "+4915112345678");
  CHECK(normalize_phone("0049 (151) 1234.5678") == "+4915112345678");
  CHECK(normalize_phone("+1 (202) 555-0123") == "+12025550123");
  CHECK(validate_phone(normalize_phone("+44 20 7946 0958")).ok());
  SUBCASE("characters it does not know are kept, so validation reports them") {
    CHECK(normalize_phone("+49/151") == "+49/151");
    CHECK(problem_of_phone(normalize_phone("+49/15112345678")) == "bad_character");
  }
}

TEST_CASE("names are any script, bounded, and clean text") {
  CHECK(validate_name("Ada Lovelace").ok());
  CHECK(validate_name("Zoë O'Brien-Núñez").ok());
  CHECK(validate_name("\xE5\xB1\xB1\xE7\x94\xB0 \xE5\xA4\xAA\xE9\x83\x8E").ok());  // 山田 太郎
  CHECK(validate_name(std::string(100, 'x')).ok());
  CHECK(problem_of_name("") == "empty");
  CHECK(problem_of_name("   ") == "empty");
  CHECK(problem_of_name(std::string(101, 'x')) == "too_long");
  CHECK(problem_of_name("Ada\x01Lovelace") == "control_character");
  CHECK(problem_of_name("Ada\nLovelace") == "control_character");
  CHECK(problem_of_name("Ada \xC3") == "bad_encoding");        // cut in the middle of a character
  CHECK(problem_of_name("\xC0\xAF") == "bad_encoding");         // overlong
  CHECK(problem_of_name("\xED\xA0\x80") == "bad_encoding");     // a UTF-16 surrogate
  CHECK(problem_of_name("\xF4\x90\x80\x80") == "bad_encoding"); // above U+10FFFF
  SUBCASE("the length counts characters, not bytes") {
    std::string hundred_kanji;
    for (int i = 0; i < 100; ++i) hundred_kanji += "\xE5\xB1\xB1";
    CHECK(validate_name(hundred_kanji).ok());
    CHECK(problem_of_name(hundred_kanji + "\xE5\xB1\xB1") == "too_long");
  }
}

TEST_CASE("typed names are trimmed and inner spaces collapsed") {
  CHECK(normalize_name("  Ada \t  Lovelace ") == "Ada Lovelace");
  CHECK(normalize_name("") == "");
}
