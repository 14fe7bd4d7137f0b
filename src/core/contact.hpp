// contact.hpp: the buyer's contact details (e-mail, E.164 phone, name): normalizing what was typed and validating
// it. One set of rules for the store's checkout (in the browser) and the backend's order API, so a value the client
// accepts is never refused by the server for a different reason, and the other way round.
//
// Decisions:
// - E-mail: the common "mailbox@domain" shape, not all of RFC 5322 (no quoted local parts, comments or IP literals):
//   at most 254 bytes; a local part of 1..64 bytes of letters, digits and !#$%&'*+/=?^_`{|}~.- with no leading,
//   trailing or doubled dot; a domain of at least two labels (letters, digits, '-', 1..63 bytes each, not starting
//   or ending with '-'), a top-level label of at least two letters. ASCII only (an internationalized address is
//   refused with a clear message rather than half-supported). The case of the local part is kept.
// - Phone: E.164 as it goes over the wire: '+', then 8..15 digits, the first one not 0. normalize_phone() turns
//   what people type ("+49 151 1234-5678", "(0049) 151...", "0049 151...") into that form first.
// - Name: 1..100 characters (Unicode code points) of valid UTF-8 after trimming, no control characters; any script.
// Nothing here throws; every problem comes back as a ContactCheck with a kind and an English message.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace jupiter {

inline constexpr std::size_t kMaxEmailBytes = 254;
inline constexpr std::size_t kMaxEmailLocalBytes = 64;
inline constexpr std::size_t kMinPhoneDigits = 8;
inline constexpr std::size_t kMaxPhoneDigits = 15;
inline constexpr std::size_t kMaxNameChars = 100;

enum class ContactProblem : std::uint8_t {
  None = 0,
  Empty,             // nothing (after trimming)
  TooLong,           // over the field's limit
  Whitespace,        // e-mail: a space or tab inside
  ControlCharacter,  // a byte below 0x20 or 0x7F
  NonAscii,          // e-mail: a byte of 0x80 or more
  BadEncoding,       // name: not valid UTF-8
  MissingAt,         // e-mail: no '@', or more than one
  BadLocalPart,      // e-mail: the part before '@'
  BadDomain,         // e-mail: the part after '@'
  MissingPlus,       // phone: does not start with '+'
  BadCharacter,      // phone: something other than digits after '+'
  TooShort,          // phone: fewer than kMinPhoneDigits digits
  LeadingZero,       // phone: country code starting with 0
};

// Stable snake_case name for logs and for the client's message lookup: "bad_domain"; None -> "none".
std::string_view contact_problem_name(ContactProblem p);

struct ContactCheck {
  ContactProblem problem = ContactProblem::None;
  std::string message;  // English, "" when ok
  bool ok() const { return problem == ContactProblem::None; }
};

// What the user typed, made canonical before validation:
// e-mail: surrounding whitespace removed, the domain lower-cased.
std::string normalize_email(std::string_view typed);
// phone: surrounding whitespace removed; spaces, '-', '.', '(' and ')' dropped; a leading "00" becomes '+'.
// Other characters are kept, so validation still reports them.
std::string normalize_phone(std::string_view typed);
// name: surrounding whitespace removed, inner runs of spaces and tabs collapsed to one space.
std::string normalize_name(std::string_view typed);

// Validate already-normalized values.
ContactCheck validate_email(std::string_view email);
ContactCheck validate_phone(std::string_view phone);  // "" is Empty: callers with an optional phone skip it
ContactCheck validate_name(std::string_view name);

// True when two typed e-mail addresses are the same address after normalize_email (the "type it twice" check).
bool same_email(std::string_view a, std::string_view b);

}  // namespace jupiter
