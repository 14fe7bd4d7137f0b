#include <doctest/doctest.h>

#include <string>

#include "core/activation_code.hpp"

using namespace jupiter;
using Kind = ActivationCodeError::Kind;

namespace {
// The example of GSMA SGP.22 section 4.1.
constexpr const char* kAddress = "SMDP.EXAMPLE.COM";
constexpr const char* kMatchingId = "04386-AGYFT-A74Y8-3F815";
constexpr const char* kOid = "1.3.6.1.4.1.31746";

std::string code_with(const std::string& rest) { return std::string("LPA:1$") + kAddress + "$" + kMatchingId + rest; }

Kind kind_of(std::string_view text) { return parse_activation_code(text).error.kind; }

// Fails the check with the kind names, so a wrong kind is readable in the output.
void check_error(std::string_view text, Kind expected, const std::string& message_part = "") {
  const ActivationCodeResult r = parse_activation_code(text);
  INFO("input: \"", std::string(text), "\"; message: ", r.error.message);
  CHECK_FALSE(r.ok());
  CHECK(activation_code_error_name(r.error.kind) == activation_code_error_name(expected));
  CHECK_FALSE(r.error.message.empty());
  if (!message_part.empty()) CHECK(r.error.message.find(message_part) != std::string::npos);
}
}  // namespace

TEST_CASE("valid activation codes parse into their fields") {
  SUBCASE("the minimal code has an address and a matching ID") {
    const auto r = parse_activation_code(code_with(""));
    REQUIRE(r.ok());
    CHECK(r.error.kind == Kind::None);
    CHECK(r.error.message.empty());
    CHECK(r.code->smdp_address == kAddress);
    CHECK(r.code->matching_id == kMatchingId);
    CHECK(r.code->smdp_oid.empty());
    CHECK_FALSE(r.code->confirmation_code_required);
  }
  SUBCASE("an SM-DP+ OID is kept") {
    const auto r = parse_activation_code(code_with(std::string("$") + kOid));
    REQUIRE(r.ok());
    CHECK(r.code->smdp_oid == kOid);
    CHECK_FALSE(r.code->confirmation_code_required);
  }
  SUBCASE("an OID and the confirmation flag are both kept") {
    const auto r = parse_activation_code(code_with(std::string("$") + kOid + "$1"));
    REQUIRE(r.ok());
    CHECK(r.code->smdp_oid == kOid);
    CHECK(r.code->confirmation_code_required);
  }
  SUBCASE("the OID may be empty when the confirmation flag follows, as in SGP.22's example") {
    const auto r = parse_activation_code(code_with("$$1"));
    REQUIRE(r.ok());
    CHECK(r.code->smdp_oid.empty());
    CHECK(r.code->confirmation_code_required);
  }
  SUBCASE("a lower-case prefix is accepted") {
    const auto r = parse_activation_code("lpa:1$smdp.example.com$ABC-123");
    REQUIRE(r.ok());
    CHECK(r.code->smdp_address == "smdp.example.com");
    CHECK(r.code->matching_id == "ABC-123");
  }
  SUBCASE("a mixed-case prefix is accepted") {
    CHECK(parse_activation_code("Lpa:1$smdp.example.com$ABC-123").ok());
    CHECK(parse_activation_code("lPA:1$smdp.example.com$ABC-123").ok());
  }
  SUBCASE("the case of the address and of a lower-case matching ID is kept as given") {
    const auto r = parse_activation_code("LPA:1$Rsp.Example-Carrier.net$qrf-abc-09z");
    REQUIRE(r.ok());
    CHECK(r.code->smdp_address == "Rsp.Example-Carrier.net");
    CHECK(r.code->matching_id == "qrf-abc-09z");
  }
  SUBCASE("a one-character matching ID and an OID of two arcs are enough") {
    const auto r = parse_activation_code("LPA:1$a.io$X$2.5");
    REQUIRE(r.ok());
    CHECK(r.code->smdp_oid == "2.5");
  }
  SUBCASE("a label of exactly 63 characters is allowed") {
    CHECK(parse_activation_code("LPA:1$" + std::string(63, 'a') + ".example.com$ID").ok());
  }
  SUBCASE("an OID arc of 0 is not a leading zero") {
    CHECK(parse_activation_code(code_with("$1.0.10")).ok());
  }
}

TEST_CASE("printing a parsed code gives the canonical string, which parses to the same code") {
  struct Case {
    std::string input;
    std::string canonical;
  };
  const Case cases[] = {
      {code_with(""), code_with("")},
      {code_with(std::string("$") + kOid), code_with(std::string("$") + kOid)},
      {code_with(std::string("$") + kOid + "$1"), code_with(std::string("$") + kOid + "$1")},
      {code_with("$$1"), code_with("$$1")},
      {"lpa:1$smdp.example.com$abc-DEF", "LPA:1$smdp.example.com$abc-DEF"},
      {"LpA:1$smdp.example.com$ABC$1.2.3", "LPA:1$smdp.example.com$ABC$1.2.3"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.input);
    const auto a = parse_activation_code(c.input);
    REQUIRE(a.ok());
    CHECK(a.code->to_string() == c.canonical);
    const auto b = parse_activation_code(a.code->to_string());
    REQUIRE(b.ok());
    CHECK(*b.code == *a.code);
  }
}

TEST_CASE("each kind of bad input is refused with its own error") {
  SUBCASE("empty input") { check_error("", Kind::Empty); }
  SUBCASE("no LPA: prefix") {
    check_error(std::string("1$") + kAddress + "$" + kMatchingId, Kind::MissingPrefix, "LPA:");
    check_error("LPA1$a.b$c", Kind::MissingPrefix);
    check_error("LP", Kind::MissingPrefix);
    check_error("http://x.com", Kind::MissingPrefix);
  }
  SUBCASE("a format version other than 1") {
    check_error("LPA:2$a.com$ID", Kind::UnknownFormatVersion, "unknown format version \"2\"");
    check_error("LPA:01$a.com$ID", Kind::UnknownFormatVersion);
    check_error("LPA:$a.com$ID", Kind::UnknownFormatVersion, "empty");
    check_error("LPA:", Kind::UnknownFormatVersion);
  }
  SUBCASE("a missing or empty SM-DP+ address") {
    check_error("LPA:1", Kind::MissingSmdpAddress, "missing");
    check_error("LPA:1$", Kind::MissingSmdpAddress, "empty at position 6");
    check_error("LPA:1$$ID", Kind::MissingSmdpAddress);
  }
  SUBCASE("an SM-DP+ address that is not an FQDN") {
    check_error("LPA:1$localhost$ID", Kind::BadSmdpAddress, "no dot");
    check_error("LPA:1$smdp_1.example.com$ID", Kind::BadSmdpAddress, "'_' at position 10");
    check_error("LPA:1$smdp.example.com:8443$ID", Kind::BadSmdpAddress, "':'");
    check_error("LPA:1$https://smdp.example.com$ID", Kind::BadSmdpAddress);
    check_error("LPA:1$-smdp.example.com$ID", Kind::BadSmdpAddress, "starting with '-'");
    check_error("LPA:1$smdp-.example.com$ID", Kind::BadSmdpAddress, "ending with '-'");
    check_error("LPA:1$smdp..example.com$ID", Kind::BadSmdpAddress, "empty label at position 11");
    check_error("LPA:1$.example.com$ID", Kind::BadSmdpAddress, "empty label");
    check_error("LPA:1$smdp.example.com.$ID", Kind::BadSmdpAddress, "empty label");
    check_error("LPA:1$" + std::string(64, 'a') + ".example.com$ID", Kind::BadSmdpAddress, "64 characters");
    check_error("LPA:1$192.168.1.10$ID", Kind::BadSmdpAddress, "IP address");
  }
  SUBCASE("a missing or empty matching ID (required by us, though SGP.22 allows it empty)") {
    check_error("LPA:1$smdp.example.com", Kind::MissingMatchingId, "missing");
    check_error("LPA:1$smdp.example.com$", Kind::MissingMatchingId, "empty");
    check_error(std::string("LPA:1$smdp.example.com$$") + kOid, Kind::MissingMatchingId);
  }
  SUBCASE("a matching ID with characters outside letters, digits and '-'") {
    check_error("LPA:1$a.com$ABC_DEF", Kind::BadMatchingId, "'_' at position 15");
    check_error("LPA:1$a.com$ABC+DEF", Kind::BadMatchingId);
    check_error("LPA:1$a.com$ABC.DEF", Kind::BadMatchingId);
    check_error("LPA:1$a.com$ABC=", Kind::BadMatchingId);
  }
  SUBCASE("an OID that is not dotted decimal") {
    check_error(code_with("$1.3.6.x"), Kind::BadOid, "'x'");
    check_error(code_with("$1"), Kind::BadOid, "one arc");
    check_error(code_with("$1..3"), Kind::BadOid, "empty arc");
    check_error(code_with("$.1.3"), Kind::BadOid, "empty arc");
    check_error(code_with("$1.3."), Kind::BadOid, "empty arc");
    check_error(code_with("$1.03.6"), Kind::BadOid, "leading zero");
    check_error(code_with("$3.6.1"), Kind::BadOid, "first arc");
    check_error("LPA:1$a.com$ID$abc$1", Kind::BadOid, "'a' at position 15");
  }
  SUBCASE("a confirmation flag other than exactly 1") {
    check_error(code_with(std::string("$") + kOid + "$0"), Kind::BadConfirmationFlag, "\"0\"");
    check_error(code_with("$$true"), Kind::BadConfirmationFlag);
    check_error(code_with("$$11"), Kind::BadConfirmationFlag);
  }
}

TEST_CASE("the 255-character limit counts the whole input, prefix included") {
  const std::string head = "LPA:1$smdp.example.com$";  // 23 characters
  REQUIRE(head.size() == 23);
  const std::string at_limit = head + std::string(kMaxActivationCodeBytes - head.size(), 'A');
  REQUIRE(at_limit.size() == 255);
  SUBCASE("exactly 255 characters is accepted") {
    const auto r = parse_activation_code(at_limit);
    REQUIRE(r.ok());
    CHECK(r.code->to_string() == at_limit);
  }
  SUBCASE("256 characters is refused") { check_error(at_limit + "A", Kind::TooLong, "256 characters"); }
  SUBCASE("a lower-case prefix counts the same") {
    std::string lower = at_limit;
    lower.replace(0, 3, "lpa");
    CHECK(parse_activation_code(lower).ok());
    CHECK(kind_of(lower + "A") == Kind::TooLong);
  }
  SUBCASE("length is checked before anything else") {
    CHECK(kind_of(std::string(1000, ' ')) == Kind::TooLong);
  }
}

TEST_CASE("a trailing '$' is an error, an empty OID before a flag is not") {
  SUBCASE("after the matching ID") { check_error(code_with("$"), Kind::TrailingSeparator, "ends with '$'"); }
  SUBCASE("after an empty OID") { check_error(code_with("$$"), Kind::TrailingSeparator); }
  SUBCASE("after the OID") { check_error(code_with(std::string("$") + kOid + "$"), Kind::TrailingSeparator); }
  SUBCASE("after the flag it makes a sixth field") {
    check_error(code_with(std::string("$") + kOid + "$1$"), Kind::TooManyFields);
  }
}

TEST_CASE("the number of '$' separators decides which fields are present") {
  CHECK(kind_of("LPA:1") == Kind::MissingSmdpAddress);             // 0
  CHECK(kind_of("LPA:1$smdp.example.com") == Kind::MissingMatchingId);  // 1
  CHECK(kind_of(code_with("")) == Kind::None);                     // 2
  CHECK(kind_of(code_with("$1.2")) == Kind::None);                 // 3
  CHECK(kind_of(code_with("$1.2$1")) == Kind::None);               // 4
  CHECK(kind_of(code_with("$1.2$1$1")) == Kind::TooManyFields);    // 5
  CHECK(kind_of(code_with("$$$$$$$$$$")) == Kind::TooManyFields);  // 12
  CHECK(kind_of("LPA:1$$$$$$$$$$$$") == Kind::MissingSmdpAddress);
  SUBCASE("too many fields names the count") {
    check_error(code_with("$1.2$1$1"), Kind::TooManyFields, "6 '$'-separated fields");
  }
}

TEST_CASE("whitespace and control characters are errors, never trimmed") {
  SUBCASE("surrounding whitespace") {
    check_error(" " + code_with(""), Kind::Whitespace, "position 0");
    check_error(code_with("") + "\n", Kind::Whitespace, "0x0A");
    check_error(code_with("") + "\r\n", Kind::Whitespace, "0x0D");
    check_error("\t" + code_with(""), Kind::Whitespace, "0x09");
  }
  SUBCASE("whitespace inside a field") {
    check_error("LPA:1$smdp.example.com$ABC DEF", Kind::Whitespace, "position 26");
    check_error("LPA:1$smdp. example.com$ABC", Kind::Whitespace);
  }
  SUBCASE("whitespace-only input is whitespace, not empty") { check_error("   ", Kind::Whitespace); }
  SUBCASE("control characters") {
    check_error(std::string("LPA:1$smdp.example.com$AB\0CD", 28), Kind::ControlCharacter, "0x00 at position 25");
    check_error(code_with("\x1b"), Kind::ControlCharacter, "0x1B");
    check_error(code_with("\x7f"), Kind::ControlCharacter, "0x7F");
  }
}

TEST_CASE("non-ASCII bytes are errors wherever they appear") {
  check_error("LPA:1$smdp.ex\xC3\xA4mple.com$ABC", Kind::NonAscii, "0xC3 at position 13");   // UTF-8 "ä"
  check_error("LPA:1$smdp.example.com$ABC\xEF\xBC\x8D" "1", Kind::NonAscii, "0xEF");       // fullwidth hyphen
  check_error("\xEF\xBB\xBFLPA:1$smdp.example.com$ABC", Kind::NonAscii, "position 0");     // byte-order mark
  check_error("LPA:1$smdp.example.com$\xFF", Kind::NonAscii, "0xFF");
}

TEST_CASE("every error kind has a distinct stable name") {
  CHECK(activation_code_error_name(Kind::None) == "none");
  CHECK(activation_code_error_name(Kind::BadSmdpAddress) == "bad_smdp_address");
  CHECK(activation_code_error_name(Kind::TrailingSeparator) == "trailing_separator");
  for (int a = 0; a <= static_cast<int>(Kind::TooManyFields); ++a)
    for (int b = a + 1; b <= static_cast<int>(Kind::TooManyFields); ++b)
      CHECK(activation_code_error_name(static_cast<Kind>(a)) != activation_code_error_name(static_cast<Kind>(b)));
}

TEST_CASE("percent-encoding keeps RFC 3986 unreserved characters and encodes every other byte") {
  CHECK(percent_encode_for_url("") == "");
  CHECK(percent_encode_for_url("AZaz09-._~") == "AZaz09-._~");
  CHECK(percent_encode_for_url("LPA:1$") == "LPA%3A1%24");
  CHECK(percent_encode_for_url(" /?#&=+%") == "%20%2F%3F%23%26%3D%2B%25");
  CHECK(percent_encode_for_url("\xC3\xA4") == "%C3%A4");
  CHECK(percent_encode_for_url(std::string("\0\x7f", 2)) == "%00%7F");
}

TEST_CASE("the iOS install link carries the canonical code, percent-encoded") {
  SUBCASE("a code typed with a lower-case prefix links with the canonical one") {
    const auto r = parse_activation_code("lpa:1$smdp.example.com$04386-AGYFT-A74Y8-3F815");
    REQUIRE(r.ok());
    CHECK(ios_install_link(*r.code) ==
          "https://esimsetup.apple.com/esim_qrcode_provisioning?carddata="
          "LPA%3A1%24smdp.example.com%2404386-AGYFT-A74Y8-3F815");
  }
  SUBCASE("an OID and a confirmation flag are encoded too") {
    const auto r = parse_activation_code(code_with(std::string("$") + kOid + "$1"));
    REQUIRE(r.ok());
    CHECK(ios_install_link(*r.code) ==
          "https://esimsetup.apple.com/esim_qrcode_provisioning?carddata="
          "LPA%3A1%24SMDP.EXAMPLE.COM%2404386-AGYFT-A74Y8-3F815%241.3.6.1.4.1.31746%241");
  }
  SUBCASE("an empty OID before the flag keeps its separator") {
    const auto r = parse_activation_code(code_with("$$1"));
    REQUIRE(r.ok());
    CHECK(ios_install_link(*r.code) ==
          "https://esimsetup.apple.com/esim_qrcode_provisioning?carddata="
          "LPA%3A1%24SMDP.EXAMPLE.COM%2404386-AGYFT-A74Y8-3F815%24%241");
  }
}
