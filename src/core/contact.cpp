// contact.cpp: see contact.hpp.
//
// [SECTION] helpers
// [SECTION] normalizing
// [SECTION] validation
#include "core/contact.hpp"

#include <string>

namespace jupiter {

namespace {

// ---------------------------------------------------------------------------------------------------------
// [SECTION] helpers
// ---------------------------------------------------------------------------------------------------------
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_letter(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }
bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; }
bool is_control(unsigned char c) { return c < 0x20 || c == 0x7F; }
char ascii_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool is_local_char(char c) {
  if (is_letter(c) || is_digit(c)) return true;
  for (char allowed : std::string_view("!#$%&'*+/=?^_`{|}~.-"))
    if (c == allowed) return true;
  return false;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

ContactCheck fail(ContactProblem p, std::string message) { return ContactCheck{p, std::move(message)}; }

std::string at(std::size_t position) { return " at position " + std::to_string(position + 1); }

// The number of code points in `s`, or npos when it is not valid UTF-8 (overlong forms, surrogates and values
// above U+10FFFF included).
std::size_t utf8_length(std::string_view s) {
  std::size_t count = 0;
  for (std::size_t i = 0; i < s.size(); ++count) {
    const auto lead = static_cast<unsigned char>(s[i]);
    std::size_t extra = 0;
    std::uint32_t cp = 0;
    if (lead < 0x80) cp = lead;
    else if (lead >= 0xC2 && lead <= 0xDF) { extra = 1; cp = lead & 0x1Fu; }
    else if (lead >= 0xE0 && lead <= 0xEF) { extra = 2; cp = lead & 0x0Fu; }
    else if (lead >= 0xF0 && lead <= 0xF4) { extra = 3; cp = lead & 0x07u; }
    else return std::string_view::npos;
    if (extra > 0 && i + extra >= s.size()) return std::string_view::npos;
    for (std::size_t k = 1; k <= extra; ++k) {
      const auto b = static_cast<unsigned char>(s[i + k]);
      if ((b & 0xC0) != 0x80) return std::string_view::npos;
      cp = (cp << 6) | (b & 0x3Fu);
    }
    if ((extra == 2 && cp < 0x800) || (extra == 3 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp <= 0xDFFF))
      return std::string_view::npos;
    i += extra + 1;
  }
  return count;
}

// "" when `domain` is a valid e-mail domain, else why not.
std::string domain_problem(std::string_view domain) {
  if (domain.empty()) return "the domain after '@' is missing";
  if (domain.size() > 253) return "the domain is longer than 253 characters";
  std::size_t labels = 0;
  std::string_view last;
  std::size_t start = 0;
  for (;;) {
    const std::size_t dot = domain.find('.', start);
    const std::string_view label = domain.substr(start, dot == std::string_view::npos ? dot : dot - start);
    if (label.empty()) return "the domain has an empty label (two dots, or a dot at the start or end)";
    if (label.size() > 63) return "a domain label is longer than 63 characters";
    if (label.front() == '-' || label.back() == '-') return "a domain label starts or ends with '-'";
    for (char c : label)
      if (!is_letter(c) && !is_digit(c) && c != '-') return std::string("the domain contains '") + c + "'";
    ++labels;
    last = label;
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  if (labels < 2) return "the domain needs a dot, as in example.com";
  if (last.size() < 2) return "the top-level domain is shorter than two letters";
  for (char c : last)
    if (!is_letter(c)) return "the top-level domain must be letters only";
  return {};
}

}  // namespace

std::string_view contact_problem_name(ContactProblem p) {
  switch (p) {
    case ContactProblem::None: return "none";
    case ContactProblem::Empty: return "empty";
    case ContactProblem::TooLong: return "too_long";
    case ContactProblem::Whitespace: return "whitespace";
    case ContactProblem::ControlCharacter: return "control_character";
    case ContactProblem::NonAscii: return "non_ascii";
    case ContactProblem::BadEncoding: return "bad_encoding";
    case ContactProblem::MissingAt: return "missing_at";
    case ContactProblem::BadLocalPart: return "bad_local_part";
    case ContactProblem::BadDomain: return "bad_domain";
    case ContactProblem::MissingPlus: return "missing_plus";
    case ContactProblem::BadCharacter: return "bad_character";
    case ContactProblem::TooShort: return "too_short";
    case ContactProblem::LeadingZero: return "leading_zero";
  }
  return "none";
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] normalizing
// ---------------------------------------------------------------------------------------------------------
std::string normalize_email(std::string_view typed) {
  std::string out(trim(typed));
  const std::size_t at_sign = out.rfind('@');
  if (at_sign == std::string::npos) return out;
  for (std::size_t i = at_sign + 1; i < out.size(); ++i) out[i] = ascii_lower(out[i]);
  return out;
}

std::string normalize_phone(std::string_view typed) {
  const std::string_view t = trim(typed);
  std::string out;
  for (char c : t)
    if (c != ' ' && c != '\t' && c != '-' && c != '.' && c != '(' && c != ')') out += c;
  if (out.rfind("00", 0) == 0) out.replace(0, 2, "+");
  return out;
}

std::string normalize_name(std::string_view typed) {
  std::string out;
  bool pending_space = false;
  for (char c : trim(typed)) {
    if (c == ' ' || c == '\t') {
      pending_space = true;
      continue;
    }
    if (pending_space) out += ' ';
    pending_space = false;
    out += c;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] validation
// ---------------------------------------------------------------------------------------------------------
ContactCheck validate_email(std::string_view email) {
  if (email.empty()) return fail(ContactProblem::Empty, "the e-mail address is empty");
  if (email.size() > kMaxEmailBytes)
    return fail(ContactProblem::TooLong, "the e-mail address is longer than " + std::to_string(kMaxEmailBytes) +
                                             " characters");
  for (std::size_t i = 0; i < email.size(); ++i) {
    const auto c = static_cast<unsigned char>(email[i]);
    if (c == ' ' || c == '\t') return fail(ContactProblem::Whitespace, "the e-mail address contains a space" + at(i));
    if (is_control(c)) return fail(ContactProblem::ControlCharacter, "the e-mail address contains a control character" + at(i));
    if (c >= 0x80)
      return fail(ContactProblem::NonAscii, "the e-mail address contains a non-ASCII character" + at(i) +
                                                " (internationalized addresses are not supported)");
  }
  const std::size_t at_sign = email.find('@');
  if (at_sign == std::string_view::npos || email.find('@', at_sign + 1) != std::string_view::npos)
    return fail(ContactProblem::MissingAt, "an e-mail address has exactly one '@', as in name@example.com");
  const std::string_view local = email.substr(0, at_sign);
  if (local.empty()) return fail(ContactProblem::BadLocalPart, "the name before '@' is missing");
  if (local.size() > kMaxEmailLocalBytes)
    return fail(ContactProblem::BadLocalPart, "the name before '@' is longer than 64 characters");
  if (local.front() == '.' || local.back() == '.' || local.find("..") != std::string_view::npos)
    return fail(ContactProblem::BadLocalPart, "the name before '@' starts or ends with a dot, or has two in a row");
  for (std::size_t i = 0; i < local.size(); ++i)
    if (!is_local_char(local[i]))
      return fail(ContactProblem::BadLocalPart, std::string("the name before '@' contains '") + local[i] + "'" + at(i));
  if (std::string why = domain_problem(email.substr(at_sign + 1)); !why.empty())
    return fail(ContactProblem::BadDomain, why);
  return {};
}

ContactCheck validate_phone(std::string_view phone) {
  if (phone.empty()) return fail(ContactProblem::Empty, "the phone number is empty");
  if (phone.front() != '+')
    return fail(ContactProblem::MissingPlus, "the phone number must start with + and the country code, as in +4915112345678");
  const std::string_view digits = phone.substr(1);
  for (std::size_t i = 0; i < digits.size(); ++i)
    if (!is_digit(digits[i]))
      return fail(ContactProblem::BadCharacter, "the phone number may contain only digits after the +" + at(i + 1));
  if (digits.size() < kMinPhoneDigits)
    return fail(ContactProblem::TooShort, "the phone number has fewer than " + std::to_string(kMinPhoneDigits) + " digits");
  if (digits.size() > kMaxPhoneDigits)
    return fail(ContactProblem::TooLong, "the phone number has more than " + std::to_string(kMaxPhoneDigits) + " digits");
  if (digits.front() == '0') return fail(ContactProblem::LeadingZero, "a country code never starts with 0");
  return {};
}

ContactCheck validate_name(std::string_view name) {
  if (trim(name).empty()) return fail(ContactProblem::Empty, "the name is empty");
  for (std::size_t i = 0; i < name.size(); ++i)
    if (is_control(static_cast<unsigned char>(name[i])))
      return fail(ContactProblem::ControlCharacter, "the name contains a control character" + at(i));
  const std::size_t length = utf8_length(name);
  if (length == std::string_view::npos) return fail(ContactProblem::BadEncoding, "the name is not valid UTF-8 text");
  if (length > kMaxNameChars)
    return fail(ContactProblem::TooLong, "the name is longer than " + std::to_string(kMaxNameChars) + " characters");
  return {};
}

bool same_email(std::string_view a, std::string_view b) { return normalize_email(a) == normalize_email(b); }

}  // namespace jupiter
