// activation_code.hpp: GSMA SGP.22 (section 4.1) eSIM activation codes: parse, validate, print, link.
//
//   LPA:1$<SM-DP+ address>$<Matching ID>[$<SM-DP+ OID>[$<Confirmation Code Required Flag>]]
//
// A code that fails validation never becomes a QR code or an install link, so the parser is strict and says
// exactly what is wrong. Nothing in this API throws: bad input comes back as an ActivationCodeError.
//
// Decisions on the points SGP.22 leaves open, or that we tighten on purpose:
// - Prefix: "LPA:" is accepted in any case ("lpa:", "Lpa:"); output always starts with "LPA:1$". A code without
//   the prefix ("1$...") is refused: our partner and every QR payload carry it.
// - Length: at most 255 bytes for the whole input, the "LPA:" prefix included (the stricter reading of the spec's
//   255-character limit, so what we emit as a QR payload is never longer). Every accepted character is one byte.
// - No trimming: whitespace, control characters and non-ASCII bytes anywhere are errors, reported with their
//   position. The QR code must decode to exactly the code, so we never guess which bytes were meant.
// - Matching ID: required and non-empty. SGP.22 allows an empty one (the device then asks the SM-DP+ for a
//   pending profile by EID); our partner always sends one, so an empty matching ID means something went wrong.
//   Characters: SGP.22 names upper-case letters, digits and '-'; we also accept lower-case letters because some
//   SM-DP+ servers issue them, and keep the case as given (the SM-DP+ compares the ID exactly).
// - SM-DP+ address: a fully qualified domain name: labels of letters, digits and '-', 1..63 characters each, not
//   starting or ending with '-', at least two labels, at most 253 characters, a top-level label that is not all
//   digits (an IP address is not an FQDN). No port, no trailing dot. Case is kept as given.
// - SM-DP+ OID: dotted decimal ("1.3.6.1.4.1.31746"): at least two arcs, the first 0, 1 or 2, no leading zeros.
//   It may be empty only when the confirmation flag follows ("...$ID$$1"), as in SGP.22's own example.
// - Confirmation Code Required Flag: exactly "1" when present; a code that needs no confirmation leaves it out.
// - Fields: '$' separates fields, so a field can never contain one. More than 5 fields is an error; so is a
//   trailing '$' (an empty last field: "...$ID$", "...$ID$$"). Later SGP.22 versions define more optional fields;
//   we do not accept them.
#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace jupiter {

inline constexpr std::size_t kMaxActivationCodeBytes = 255;  // whole input, "LPA:" included
inline constexpr std::string_view kIosInstallLinkBase =
    "https://esimsetup.apple.com/esim_qrcode_provisioning?carddata=";

// A validated activation code. Invariant for every value returned by parse_activation_code: all fields satisfy
// the rules above, and parse_activation_code(code.to_string()) gives the same value back.
struct ActivationCode {
  std::string smdp_address;  // FQDN, 3..253 characters, e.g. "smdp.example.com"
  std::string matching_id;   // non-empty, [A-Za-z0-9-]
  std::string smdp_oid;      // empty, or dotted decimal
  bool confirmation_code_required = false;

  // The canonical form: "LPA:1$<address>$<matching id>", then "$<oid>" when there is an OID or a flag, then "$1"
  // when a confirmation code is required. Fields are printed as stored (no case folding).
  std::string to_string() const;

  friend bool operator==(const ActivationCode& a, const ActivationCode& b) {
    return a.smdp_address == b.smdp_address && a.matching_id == b.matching_id && a.smdp_oid == b.smdp_oid &&
           a.confirmation_code_required == b.confirmation_code_required;
  }
  friend bool operator!=(const ActivationCode& a, const ActivationCode& b) { return !(a == b); }
};

struct ActivationCodeError {
  // One kind per way a code can be wrong; None means no error. Only the first problem is reported, checked in
  // this order: Empty, TooLong, the three byte checks (the first offending byte wins), MissingPrefix, then the
  // fields from left to right, with TooManyFields and TrailingSeparator checked right after the matching ID.
  enum class Kind : std::uint8_t {
    None = 0,
    Empty,                 // the input is ""
    TooLong,               // more than kMaxActivationCodeBytes bytes
    Whitespace,            // space, tab, CR, LF, VT or FF anywhere (no trimming)
    ControlCharacter,      // another byte below 0x20, or 0x7F
    NonAscii,              // a byte of 0x80 or more (UTF-8 included)
    MissingPrefix,         // does not start with "LPA:" (any case)
    UnknownFormatVersion,  // the first field is not "1"
    MissingSmdpAddress,    // no second field, or an empty one
    BadSmdpAddress,        // not a valid FQDN
    MissingMatchingId,     // no third field, or an empty one
    BadMatchingId,         // a character outside [A-Za-z0-9-]
    BadOid,                // not dotted decimal
    BadConfirmationFlag,   // present but not exactly "1"
    TrailingSeparator,     // ends with '$': an empty last field
    TooManyFields,         // more than 5 '$'-separated fields
  };
  Kind kind = Kind::None;
  std::string message;  // English, for logs and support: what is wrong and where ("... at position 12")
};

// Stable snake_case name of an error kind for logs and support tickets: "bad_smdp_address"; None -> "none".
std::string_view activation_code_error_name(ActivationCodeError::Kind k);

// Exactly one of: code set (ok, error.kind == None), or code empty and error.kind != None.
struct ActivationCodeResult {
  std::optional<ActivationCode> code;
  ActivationCodeError error;
  bool ok() const { return code.has_value(); }
};

ActivationCodeResult parse_activation_code(std::string_view text);

// RFC 3986 percent-encoding for a URL query value: the unreserved characters A-Z a-z 0-9 - . _ ~ are kept, every
// other byte becomes %XX with upper-case hex digits ("LPA:1$" -> "LPA%3A1%24").
std::string percent_encode_for_url(std::string_view s);

// The iOS 17.4+ one-tap install link: kIosInstallLinkBase + percent_encode_for_url(code.to_string()).
std::string ios_install_link(const ActivationCode& code);

}  // namespace jupiter
