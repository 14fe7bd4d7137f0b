// activation_code.cpp: the SGP.22 activation-code parser, its canonical printer and the iOS install link.
//
// [SECTION] character classes and message helpers
// [SECTION] field validators (each returns "" when valid, else the reason)
// [SECTION] parsing
// [SECTION] printing and links
#include "core/activation_code.hpp"

#include <utility>
#include <vector>

namespace jupiter {

namespace {

using Kind = ActivationCodeError::Kind;

// ---------------------------------------------------------------------------------------------------------
// [SECTION] character classes and message helpers
// ---------------------------------------------------------------------------------------------------------
constexpr char kHexDigits[] = "0123456789ABCDEF";

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_letter(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }
bool is_letter_digit_hyphen(char c) { return is_letter(c) || is_digit(c) || c == '-'; }
bool is_unreserved(char c) { return is_letter(c) || is_digit(c) || c == '-' || c == '.' || c == '_' || c == '~'; }
bool is_whitespace(unsigned char c) { return c == ' ' || (c >= 0x09 && c <= 0x0D); }

char ascii_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

std::string hex_byte(unsigned char c) {
  std::string s = "0x";
  s += kHexDigits[c >> 4];
  s += kHexDigits[c & 0x0F];
  return s;
}

std::string at(std::size_t position) { return "at position " + std::to_string(position); }

std::string quoted(std::string_view s) { return "\"" + std::string(s) + "\""; }

// A field of the code and the byte offset of its first character in the whole input (for messages).
struct Field {
  std::string_view text;
  std::size_t offset = 0;
};

// The first problem found: one kind and its English message.
ActivationCodeError problem(Kind kind, std::string message) {
  ActivationCodeError e;
  e.kind = kind;
  e.message = std::move(message);
  return e;
}

constexpr std::string_view kPrefix = "lpa:";  // compared without case

// ---------------------------------------------------------------------------------------------------------
// [SECTION] field validators (each returns "" when valid, else the reason)
// ---------------------------------------------------------------------------------------------------------
constexpr std::size_t kMaxFqdnChars = 253;
constexpr std::size_t kMaxLabelChars = 63;

std::string fqdn_problem(Field f) {
  const std::string_view s = f.text;
  for (std::size_t i = 0; i < s.size(); ++i)
    if (!is_letter_digit_hyphen(s[i]) && s[i] != '.')
      return "has '" + std::string(1, s[i]) + "' " + at(f.offset + i) + " (allowed: letters, digits, '-' and '.')";
  if (s.size() > kMaxFqdnChars)
    return "is " + std::to_string(s.size()) + " characters long (at most " + std::to_string(kMaxFqdnChars) + ")";
  std::size_t labels = 0;
  std::string_view last;
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = s.find('.', start);
    const std::size_t end = dot == std::string_view::npos ? s.size() : dot;
    const std::string_view label = s.substr(start, end - start);
    if (label.empty())
      return "has an empty label " + at(f.offset + start) + " (a leading or trailing dot, or two dots in a row)";
    if (label.size() > kMaxLabelChars)
      return "has a label of " + std::to_string(label.size()) + " characters " + at(f.offset + start) +
             " (at most " + std::to_string(kMaxLabelChars) + ")";
    if (label.front() == '-') return "has a label starting with '-' " + at(f.offset + start);
    if (label.back() == '-') return "has a label ending with '-' " + at(f.offset + end - 1);
    ++labels;
    last = label;
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  if (labels < 2) return "has no dot (it must be a fully qualified domain name such as smdp.example.com)";
  bool all_digits = true;
  for (char c : last) all_digits = all_digits && is_digit(c);
  if (all_digits) return "has an all-digit top-level label " + quoted(last) + " (an IP address is not accepted)";
  return {};
}

std::string matching_id_problem(Field f) {
  for (std::size_t i = 0; i < f.text.size(); ++i)
    if (!is_letter_digit_hyphen(f.text[i]))
      return "has '" + std::string(1, f.text[i]) + "' " + at(f.offset + i) + " (allowed: letters, digits and '-')";
  return {};
}

std::string oid_problem(Field f) {
  const std::string_view s = f.text;
  for (std::size_t i = 0; i < s.size(); ++i)
    if (!is_digit(s[i]) && s[i] != '.')
      return "has '" + std::string(1, s[i]) + "' " + at(f.offset + i) +
             " (expected dotted decimal such as 1.3.6.1.4.1.31746)";
  std::size_t arcs = 0;
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = s.find('.', start);
    const std::size_t end = dot == std::string_view::npos ? s.size() : dot;
    const std::string_view arc = s.substr(start, end - start);
    if (arc.empty())
      return "has an empty arc " + at(f.offset + start) + " (a leading or trailing dot, or two dots in a row)";
    if (arc.size() > 1 && arc.front() == '0') return "has an arc with a leading zero " + at(f.offset + start);
    if (arcs == 0 && arc != "0" && arc != "1" && arc != "2")
      return "starts with arc " + quoted(arc) + " (the first arc is 0, 1 or 2)";
    ++arcs;
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  if (arcs < 2) return "has only one arc (an OID has at least two, such as 1.3.6.1.4.1.31746)";
  return {};
}

}  // namespace

// ---------------------------------------------------------------------------------------------------------
// [SECTION] parsing
// ---------------------------------------------------------------------------------------------------------
std::string_view activation_code_error_name(ActivationCodeError::Kind k) {
  switch (k) {
    case Kind::None: return "none";
    case Kind::Empty: return "empty";
    case Kind::TooLong: return "too_long";
    case Kind::Whitespace: return "whitespace";
    case Kind::ControlCharacter: return "control_character";
    case Kind::NonAscii: return "non_ascii";
    case Kind::MissingPrefix: return "missing_prefix";
    case Kind::UnknownFormatVersion: return "unknown_format_version";
    case Kind::MissingSmdpAddress: return "missing_smdp_address";
    case Kind::BadSmdpAddress: return "bad_smdp_address";
    case Kind::MissingMatchingId: return "missing_matching_id";
    case Kind::BadMatchingId: return "bad_matching_id";
    case Kind::BadOid: return "bad_oid";
    case Kind::BadConfirmationFlag: return "bad_confirmation_flag";
    case Kind::TrailingSeparator: return "trailing_separator";
    case Kind::TooManyFields: return "too_many_fields";
  }
  return "none";
}

namespace {

// The checks on the whole text, in the documented order: Empty, TooLong, the byte checks, MissingPrefix.
ActivationCodeError text_problem(std::string_view text) {
  if (text.empty()) return problem(Kind::Empty, "the activation code is empty");
  if (text.size() > kMaxActivationCodeBytes)
    return problem(Kind::TooLong, "the activation code is " + std::to_string(text.size()) + " characters long (at most " +
                                      std::to_string(kMaxActivationCodeBytes) + ", \"LPA:\" included)");

  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (is_whitespace(c))
      return problem(Kind::Whitespace, "whitespace (" + hex_byte(c) + ") " + at(i) + " (codes are never trimmed)");
    if (c < 0x20 || c == 0x7F) return problem(Kind::ControlCharacter, "control character " + hex_byte(c) + " " + at(i));
    if (c >= 0x80) return problem(Kind::NonAscii, "non-ASCII byte " + hex_byte(c) + " " + at(i));
  }

  bool has_prefix = text.size() >= kPrefix.size();
  for (std::size_t i = 0; has_prefix && i < kPrefix.size(); ++i) has_prefix = ascii_lower(text[i]) == kPrefix[i];
  if (!has_prefix) return problem(Kind::MissingPrefix, "the activation code does not start with \"LPA:\"");
  return {};
}

// What follows the prefix split at every '$': n separators give n + 1 fields (at least one), empty ones included.
std::vector<Field> split_fields(std::string_view text) {
  std::vector<Field> fields;
  std::size_t start = kPrefix.size();
  while (true) {
    const std::size_t sep = text.find('$', start);
    const std::size_t end = sep == std::string_view::npos ? text.size() : sep;
    fields.push_back({text.substr(start, end - start), start});
    if (sep == std::string_view::npos) return fields;
    start = sep + 1;
  }
}

// The format version, the SM-DP+ address and the matching ID, in that order.
ActivationCodeError required_fields_problem(const std::vector<Field>& fields) {
  const Field& version = fields[0];
  if (version.text != "1")
    return problem(Kind::UnknownFormatVersion,
                   version.text.empty() ? "unknown format version: the version is empty (expected \"1\")"
                                        : "unknown format version " + quoted(version.text) + " (expected \"1\")");

  if (fields.size() < 2)
    return problem(Kind::MissingSmdpAddress, "the SM-DP+ address is missing (no '$' after \"LPA:1\")");
  const Field& address = fields[1];
  if (address.text.empty())
    return problem(Kind::MissingSmdpAddress, "the SM-DP+ address is empty " + at(address.offset));
  if (std::string why = fqdn_problem(address); !why.empty())
    return problem(Kind::BadSmdpAddress, "the SM-DP+ address " + why);

  if (fields.size() < 3)
    return problem(Kind::MissingMatchingId, "the matching ID is missing (no '$' after the SM-DP+ address)");
  const Field& matching_id = fields[2];
  if (matching_id.text.empty())
    return problem(Kind::MissingMatchingId, "the matching ID is empty " + at(matching_id.offset));
  if (std::string why = matching_id_problem(matching_id); !why.empty())
    return problem(Kind::BadMatchingId, "the matching ID " + why);
  return {};
}

// TooManyFields, TrailingSeparator, then the optional OID and confirmation flag.
ActivationCodeError optional_fields_problem(const std::vector<Field>& fields) {
  if (fields.size() > 5)
    return problem(Kind::TooManyFields, "the activation code has " + std::to_string(fields.size()) +
                                            " '$'-separated fields (at most 5: format version, SM-DP+ address, "
                                            "matching ID, SM-DP+ OID, confirmation code flag)");
  if (fields.back().text.empty())
    return problem(Kind::TrailingSeparator,
                   "the activation code ends with '$' (an empty last field " + at(fields.back().offset) + ")");
  if (fields.size() >= 4 && !fields[3].text.empty())  // empty only when a flag follows (the last is non-empty)
    if (std::string why = oid_problem(fields[3]); !why.empty()) return problem(Kind::BadOid, "the SM-DP+ OID " + why);
  if (fields.size() == 5 && fields[4].text != "1")
    return problem(Kind::BadConfirmationFlag, "the confirmation code required flag is " + quoted(fields[4].text) +
                                                  " " + at(fields[4].offset) + " (it must be \"1\", or be left out)");
  return {};
}

// The code of fields that passed both checks above (3 to 5 fields).
ActivationCode code_of(const std::vector<Field>& fields) {
  ActivationCode code;
  code.smdp_address = std::string(fields[1].text);
  code.matching_id = std::string(fields[2].text);
  if (fields.size() >= 4) code.smdp_oid = std::string(fields[3].text);
  code.confirmation_code_required = fields.size() == 5;
  return code;
}

}  // namespace

ActivationCodeResult parse_activation_code(std::string_view text) {
  ActivationCodeResult r;
  r.error = text_problem(text);
  if (r.error.kind != Kind::None) return r;
  const std::vector<Field> fields = split_fields(text);
  r.error = required_fields_problem(fields);
  if (r.error.kind == Kind::None) r.error = optional_fields_problem(fields);
  if (r.error.kind == Kind::None) r.code = code_of(fields);
  return r;
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] printing and links
// ---------------------------------------------------------------------------------------------------------
std::string ActivationCode::to_string() const {
  std::string s = "LPA:1$" + smdp_address + "$" + matching_id;
  if (!smdp_oid.empty() || confirmation_code_required) s += "$" + smdp_oid;
  if (confirmation_code_required) s += "$1";
  return s;
}

std::string percent_encode_for_url(std::string_view s) {
  std::string out;
  out.reserve(s.size() * 3);
  for (char ch : s) {
    if (is_unreserved(ch)) {
      out += ch;
      continue;
    }
    const auto c = static_cast<unsigned char>(ch);
    out += '%';
    out += kHexDigits[c >> 4];
    out += kHexDigits[c & 0x0F];
  }
  return out;
}

std::string ios_install_link(const ActivationCode& code) {
  return std::string(kIosInstallLinkBase) + percent_encode_for_url(code.to_string());
}

}  // namespace jupiter
