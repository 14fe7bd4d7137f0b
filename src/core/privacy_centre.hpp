// privacy_centre.hpp: the store's privacy centre (issue 16): every right of the privacy policy's §9 in one screen,
// for whoever holds the e-mail (signed in by the same e-mailed link as My eSIMs, landing on ?account=privacy).
// The summary's JSON codec, the screen's model, actions, effects and pure update.
//
//   update(model, action) -> {model, effects}; effect::Http's answer comes back as action::Answer{call, ...}.
//
// The server's routes (src/server/, all under the session cookie): GET /api/account (who), GET /api/account/privacy
// (the summary), GET /api/account/data (the download), POST /api/account/customer (correct), POST
// /api/account/restrict (object / restrict), POST /api/account/erase. No clock, randomness or I/O in here.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace jupiter::privacy_centre {

// ---------------------------------------------------------------------------------------------------------
// [SECTION] the answers' shapes and their codecs
// ---------------------------------------------------------------------------------------------------------
// Processing the person objected to: true means restricted (off for them).
struct Restrictions {
  bool marketing = false;
  bool analytics = false;
  friend bool operator==(const Restrictions& a, const Restrictions& b) {
    return a.marketing == b.marketing && a.analytics == b.analytics;
  }
};

// GET /api/account/privacy -> {"email","orders":N,"marketing":{"opted_in":bool},"restrictions":{...}}
struct Summary {
  std::string email;             // non-empty, at most 320 bytes, once decoded
  std::int64_t orders = 0;       // 0..1,000,000
  bool marketing_opted_in = false;
  Restrictions restrictions;
};

// POST /api/account/erase -> {"erased":N,"queued":M,"kept":["...", ...]}
struct EraseResult {
  std::int64_t erased = 0;         // orders whose personal data is gone (0..1,000,000)
  std::int64_t queued = 0;         // orders being paid or provisioned: erased once that ends
  std::vector<std::string> kept;   // what is kept for accounting, in the server's words (at most 50, 500 bytes each)
};

template <class T>
struct Decoded {
  bool ok = false;
  std::string error;  // "" when ok: "not JSON", "orders: ... not in ..."
  T value;            // default when !ok
};

inline constexpr std::size_t kMaxAnswerBytes = 64u * 1024u;

// Never throw: any text gives either a value keeping the ranges above, or an error.
Decoded<Summary> decode_summary(std::string_view json_text);
std::string encode_summary(const Summary& s);  // decode_summary(encode_summary(s)) gives s back
Decoded<Restrictions> decode_restrictions(std::string_view json_text);  // {"restrictions":{...}}
std::string encode_restrictions(const Restrictions& r);
Decoded<EraseResult> decode_erase(std::string_view json_text);
std::string encode_erase(const EraseResult& e);

// ---------------------------------------------------------------------------------------------------------
// [SECTION] model
// ---------------------------------------------------------------------------------------------------------
enum class Screen : std::uint8_t {
  Closed = 0,  // the store is shown
  Checking,    // asking the server who is signed in
  SignIn,      // not signed in: what the centre is, and the e-mail field
  Sent,        // "check your e-mail"
  Centre,      // signed in: the summary and every right
  Erased,      // after an erase: its result (the session has ended)
};

// What went wrong last; the UI says it in words. Cleared by the next request.
enum class Problem : std::uint8_t {
  None = 0,
  Network,       // no answer (status 0)
  Server,        // 5xx or an unexpected status
  BadResponse,   // an answer the decoder refused
  RateLimited,   // 429
  InvalidEmail,  // the typed address is not one (checked here, and 400 on sign-in or an e-mail change)
  InvalidPhone,  // the typed phone is not +<country><number>
  InvalidName,   // the typed name is empty or too long
  Rejected,      // 400 on another request: its message is in `detail`
  SignedOut,     // 401 while in the centre: the session ended; sign in again
  Forbidden,     // 403
  Gone,          // 410: nothing is held for this address any more
  NothingToSave, // Save pressed with empty fields
};

// What the last finished request did; the UI announces it in the live region.
enum class Outcome : std::uint8_t { None = 0, Downloaded, DetailsSaved, EmailLinkSent, RestrictionsSaved, Erased };

enum class Call : std::uint8_t { Who = 0, Summary, SignIn, Download, SaveDetails, ChangeEmail, Restrict, Erase };

// The correction form's fields (tags of their <input>s: ui/privacy_centre_ui.hpp).
enum class Field : std::uint8_t { SignInEmail = 0, Name, Phone, NewEmail };

struct Model {
  Screen screen = Screen::Closed;
  std::string email;        // the sign-in field as typed (never put in a URL)
  Summary summary;          // the last summary received
  bool loaded = false;      // summary holds an answer of this visit
  std::string name, phone, new_email;  // the correction form as typed ("": leave as is)
  bool confirming_erase = false;       // the erase dialog is open
  EraseResult erased;                  // with Screen::Erased
  std::int64_t updated_orders = 0;     // with Outcome::DetailsSaved
  int pending = 0;                     // requests on their way: buttons that send wait while > 0
  Problem problem = Problem::None;
  std::string detail;                  // the server's message with Problem::Rejected (English)
  Outcome outcome = Outcome::None;
  int outcome_seq = 0;                 // +1 per outcome, so that the same outcome twice is announced twice
};

// ---------------------------------------------------------------------------------------------------------
// [SECTION] actions and effects
// ---------------------------------------------------------------------------------------------------------
namespace action {
struct Opened {};                                  // footer link, the Privacy popup, My eSIMs, or ?account=privacy
struct Closed {};                                  // back to the store
struct FieldChanged { Field field = Field::Name; std::string text; };
struct SignInAsked {                               // "Send sign-in link" with model.email (next: privacy), the
  std::string language = "en";                     // e-mail in the store's active language
};
struct DownloadAsked {};                           // "Download my data"
struct SaveDetailsAsked {};                        // name and/or phone
struct ChangeEmailAsked {};                        // the new address: a link goes to it
struct RestrictToggled { bool marketing = false; bool on = false; };  // marketing, else analytics
struct CookieSettingsAsked {};                     // the consent manager's preferences
struct PolicyAsked {                               // "Privacy policy" (/privacy) or "Terms of sale" (/terms)
  std::string language;                            // in that language (document_url)
  bool terms = false;                              // the terms of sale (issue 15), else the privacy policy
};
struct EraseAsked {};                              // opens the confirmation
struct EraseConfirmed {};
struct EraseDropped {};
struct Answer {                                    // the result of effect::Http
  Call call = Call::Who;
  int status = 0;                                  // 0: failed at the network level
  std::string body;
};
}  // namespace action

using Action = std::variant<action::Opened, action::Closed, action::FieldChanged, action::SignInAsked,
                            action::DownloadAsked, action::SaveDetailsAsked, action::ChangeEmailAsked,
                            action::RestrictToggled, action::CookieSettingsAsked, action::PolicyAsked,
                            action::EraseAsked, action::EraseConfirmed, action::EraseDropped, action::Answer>;

namespace effect {
struct Http {  // a same-origin request with the session cookie; its result comes back as action::Answer{call}
  Call call = Call::Who;
  std::string method;  // "GET" or "POST"
  std::string url;     // a path: "/api/account/privacy"
  std::string body;    // JSON for a POST, else ""
};
struct SaveFile {  // the browser saves `body` as a download named `name`
  std::string name;
  std::string type;
  std::string body;
};
struct WithdrawCookieCategory { std::string category; };  // the consent manager turns it off ("analytics")
struct OpenCookieSettings {};                             // the consent manager's preferences
struct OpenUrl { std::string url; };                      // a same-origin page in a new tab ("/privacy")
}  // namespace effect

using Effect = std::variant<effect::Http, effect::SaveFile, effect::WithdrawCookieCategory,
                            effect::OpenCookieSettings, effect::OpenUrl>;

struct Update {
  Model model;
  std::vector<Effect> effects;
};

Update update(Model model, Action action);

inline constexpr const char* kWhoUrl = "/api/account";
inline constexpr const char* kSummaryUrl = "/api/account/privacy";
inline constexpr const char* kDataUrl = "/api/account/data";
inline constexpr const char* kCustomerUrl = "/api/account/customer";
inline constexpr const char* kRestrictUrl = "/api/account/restrict";
inline constexpr const char* kEraseUrl = "/api/account/erase";
inline constexpr const char* kSignInUrl = "/api/account/sign-in";
inline constexpr const char* kPolicyUrl = "/privacy";
inline constexpr const char* kTermsUrl = "/terms";
// A versioned document's page (`page`: kPolicyUrl or kTermsUrl) for a language code: `page` for English
// (authoritative) or anything not two letters a-z, else "<page>?lang=es" (the server's translation, marked as
// such, linking the English text).
std::string document_url(std::string_view page, std::string_view language);
inline std::string policy_url(std::string_view language) { return document_url(kPolicyUrl, language); }
inline std::string terms_url(std::string_view language) { return document_url(kTermsUrl, language); }
inline constexpr const char* kDataFileName = "jupiteresims-my-data.json";
// ?account=privacy opens the centre (the sign-in link's next), as ?account=orders opens My eSIMs.
inline constexpr const char* kQueryValue = "privacy";

}  // namespace jupiter::privacy_centre
