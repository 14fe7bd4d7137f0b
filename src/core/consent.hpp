// consent.hpp: the cookie-consent model: categories and services (from a config), the stored record and its JSON
// codec, and pure functions that derive what is allowed right now.
//
//   decode_config(text)                                      -> Config (an owning document) or error
//   embedded_config()                                        -> assets/consent.json, compiled in (consent_config.hpp)
//   decide(config, previous, action, choices, now, id, lang, gpc)   -> a new Record (or why not)
//   decode_record(config, text) / encode_record(config, record)      -> the stored record (localStorage + cookie)
//   validity(config, record, now)                            -> valid, or why the banner must ask (again)
//   effective(config, record, gpc, now)                      -> categories and services granted right now
//   consent_mode_state(effective)                            -> Google Consent Mode v2 update
//   build_receipt(config, record, banner_hash, ui_version)   -> proof-of-consent JSON for the backend
//   should_remove(config, effective, name, kind)             -> whether a cookie / storage key must go
//
// Design (the rules every caller can rely on):
// - Opt-in by default. With no valid record only `necessary` (and its services) is granted. A record that is
//   missing, corrupt, tampered, from an unknown schema, expired, or made under another policy version or revision
//   grants nothing beyond `necessary`.
// - Validity is derived, never stored: a record is valid while
//       now_ms < last_decision_ms + config.validity_days * 86'400'000
//   (half-open: at exactly validity_days it has expired), its policy_version and revision equal the config's, and
//   its last decision is not in the future by more than kMaxClockSkewMs (a far-future time would never expire, so
//   it counts as tampered). A reject lasts as long as an accept.
// - A service is granted only when its category is granted and the record grants the service itself. Toggling a
//   service on does not turn its category on here; the preferences UI does that before calling decide().
// - Global Privacy Control (GPC) concerns analytics and marketing:
//     * no valid record: they are off anyway (opt-in); Effective::gpc_applied tells the banner to say so;
//     * a valid record made while GPC was on: the user opted in after being told the signal applied, so that
//       explicit choice counts;
//     * a valid record made while GPC was off, now GPC is on: the signal is newer than the choice, so analytics
//       and marketing are denied for as long as GPC is sent (Effective::gpc_overrode says this happened; the UI
//       may offer to confirm the opt-in again, which makes a record with gpc = true). The record is not changed.
// - Withdrawal is a decision like a reject: a valid record with only necessary granted, action `withdraw`, so the
//   banner does not come straight back; the shell tears down with should_remove().
// - Nothing here throws, reads a clock, draws random numbers or does I/O: time (Unix milliseconds) and the random
//   consent id come in as arguments; bad input comes back as values.
// - Small by design: this code is compiled into the consent WebAssembly module every page loads. The config is
//   views (string_view, Span) over constant data or an owning document; a record keeps its texts inline and its
//   per-service choices as bits indexed like the config's services; reading JSON allocates nothing, and the
//   writers write to a json_lite::Out. Only the functions that return std::string or std::vector allocate; the
//   module uses none of them, so it links no allocator.
#pragma once
#include <array>
#include <bitset>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/json_lite.hpp"

namespace jupiter::consent {

// ---------------------------------------------------------------------------------------------------------
// Categories, actions, Consent Mode types
// ---------------------------------------------------------------------------------------------------------
enum class Category : std::uint8_t { Unknown = 0, Necessary, Preferences, Analytics, Marketing };
inline constexpr std::array<Category, 4> kCategories = {Category::Necessary, Category::Preferences,
                                                        Category::Analytics, Category::Marketing};
std::optional<Category> parse_category(std::string_view s);  // "necessary", "preferences", "analytics", "marketing"
std::string_view category_name(Category c);                  // "" for Unknown

// A set of categories. Records and Effective keep `necessary` in it always.
class CategorySet {
 public:
  constexpr CategorySet() = default;
  static constexpr CategorySet only_necessary() { return CategorySet(bit(Category::Necessary)); }
  static constexpr CategorySet all() {
    return CategorySet(static_cast<std::uint8_t>(bit(Category::Necessary) | bit(Category::Preferences) |
                                                 bit(Category::Analytics) | bit(Category::Marketing)));
  }
  constexpr bool has(Category c) const { return (bits_ & bit(c)) != 0; }
  constexpr void set(Category c, bool on) {
    bits_ = static_cast<std::uint8_t>(on ? (bits_ | bit(c)) : (bits_ & ~bit(c)));
  }
  friend constexpr bool operator==(CategorySet a, CategorySet b) { return a.bits_ == b.bits_; }
  friend constexpr bool operator!=(CategorySet a, CategorySet b) { return a.bits_ != b.bits_; }

 private:
  constexpr explicit CategorySet(std::uint8_t bits) : bits_(bits) {}
  static constexpr std::uint8_t bit(Category c) {
    return c == Category::Unknown ? std::uint8_t{0} : static_cast<std::uint8_t>(1u << static_cast<unsigned>(c));
  }
  std::uint8_t bits_ = 0;
};

// What the user did. Withdraw is a reject made from "Cookie settings" after an earlier decision.
enum class Action : std::uint8_t { Unknown = 0, AcceptAll, RejectAll, Custom, Withdraw };
std::optional<Action> parse_action(std::string_view s);  // "accept_all", "reject_all", "custom", "withdraw"
std::string_view action_name(Action a);                  // "" for Unknown

// Google Consent Mode v2 consent types.
enum class ConsentType : std::uint8_t {
  Unknown = 0,
  AdStorage,
  AnalyticsStorage,
  AdUserData,
  AdPersonalization,
  FunctionalityStorage,
  PersonalizationStorage,
  SecurityStorage,
};
inline constexpr std::array<ConsentType, 7> kConsentTypes = {
    ConsentType::AdStorage,          ConsentType::AnalyticsStorage,       ConsentType::AdUserData,
    ConsentType::AdPersonalization,  ConsentType::FunctionalityStorage,   ConsentType::PersonalizationStorage,
    ConsentType::SecurityStorage};
std::optional<ConsentType> parse_consent_type(std::string_view s);  // "ad_storage", ...
std::string_view consent_type_name(ConsentType t);                  // "" for Unknown

// The category whose grant decides a consent type:
//   security_storage                                  <- necessary (always granted)
//   functionality_storage, personalization_storage    <- preferences
//   analytics_storage                                 <- analytics
//   ad_storage, ad_user_data, ad_personalization      <- marketing
// functionality_storage maps to preferences, not necessary: what Google means by it (language and similar
// settings) is what our preferences category asks about, and our necessary storage needs no Google signal.
Category category_of(ConsentType t);

// Granted/denied per Consent Mode type. Default: everything denied.
class ConsentModeState {
 public:
  constexpr bool granted(ConsentType t) const { return (bits_ & bit(t)) != 0; }
  constexpr void set(ConsentType t, bool on) {
    bits_ = static_cast<std::uint16_t>(on ? (bits_ | bit(t)) : (bits_ & ~bit(t)));
  }
  friend constexpr bool operator==(ConsentModeState a, ConsentModeState b) { return a.bits_ == b.bits_; }
  friend constexpr bool operator!=(ConsentModeState a, ConsentModeState b) { return a.bits_ != b.bits_; }

 private:
  static constexpr std::uint16_t bit(ConsentType t) {
    return t == ConsentType::Unknown ? std::uint16_t{0}
                                     : static_cast<std::uint16_t>(1u << static_cast<unsigned>(t));
  }
  std::uint16_t bits_ = 0;
};

// ---------------------------------------------------------------------------------------------------------
// Config (assets/consent.json)
// ---------------------------------------------------------------------------------------------------------
// A read-only view of an array (C++17 has no std::span).
template <class T>
class Span {
 public:
  constexpr Span() = default;
  constexpr Span(const T* data, std::size_t size) : data_(data), size_(size) {}
  template <std::size_t N>
  constexpr Span(const T (&array)[N]) : data_(array), size_(N) {}  // NOLINT: implicit, like std::span
  constexpr const T* begin() const { return data_; }
  constexpr const T* end() const { return data_ + size_; }
  constexpr std::size_t size() const { return size_; }
  constexpr bool empty() const { return size_ == 0; }
  constexpr const T& operator[](std::size_t i) const { return data_[i]; }

 private:
  const T* data_ = nullptr;
  std::size_t size_ = 0;
};

struct CategoryInfo {
  Category id = Category::Unknown;
  std::string_view name;         // English fallback title, 1..120 bytes; translations live with the banner texts
  std::string_view description;  // English fallback, at most 1000 bytes
  bool read_only() const { return id == Category::Necessary; }
};

// A cookie or storage-key name pattern: an exact name, or a prefix followed by one trailing `*` ("_ga_*").
// Invariant once decoded: 1..128 bytes, no other `*`, the prefix before a `*` is not empty.
bool pattern_matches(std::string_view pattern, std::string_view name);

inline constexpr std::size_t kMaxServices = 128;

struct Service {
  std::string_view id;        // unique in the config: [a-z0-9_-], 1..64 bytes
  Category category = Category::Unknown;  // one of the config's categories
  std::string_view name;      // 1..120 bytes
  std::string_view provider;  // 1..120 bytes
  std::string_view purpose;   // 1..1000 bytes
  Span<std::string_view> cookies;  // patterns, at most 32
  Span<std::string_view> storage;  // localStorage and sessionStorage key patterns, at most 32
  std::string_view retention;      // human text, 1..120 bytes: "13 months", "until the tab is closed"
};

// A Consent Mode default for the head stub: gtag('consent', 'default', {...}) before any tag loads.
struct ConsentModeDefault {
  Span<std::string_view> regions;  // ISO 3166-1 ("ES") or 3166-2 ("US-CA") codes; empty = every other region
  ConsentModeState state;          // invariant: grants nothing that maps to a non-necessary category
  int wait_for_update_ms = 500;    // 0..10000
};

// The config: plain views, so that a build-time constant (consent_config.hpp) needs no code to exist. A Config
// from decode_config() views the ConfigDecode that made it and must not outlive it.
struct Config {
  int schema = 1;
  std::string_view policy_version;  // the privacy policy this banner implements, "1.0": [A-Za-z0-9._-], 1..32 bytes
  int revision = 0;                 // 0..1'000'000'000; bump to ask everyone again
  int validity_days = 182;          // 1..3650: how long a decision lasts (about 6 months by default)
  Span<CategoryInfo> categories;    // display order; unique; always contains necessary
  Span<Service> services;           // config order; at most kMaxServices; ids unique
  Span<ConsentModeDefault> consent_mode;  // at most one global entry; each region in at most one entry

  const CategoryInfo* find_category(Category c) const;
  const Service* find_service(std::string_view id) const;
  int service_index(std::string_view id) const;  // -1 when the config has no such service
};

// One flag per service of a config, indexed like Config::services.
using ServiceSet = std::bitset<kMaxServices>;

// A decoded config and the storage its views point into. Move-only (the views stay valid when it moves).
struct ConfigDecode {
  bool ok = false;    // false: unusable; config is empty and the shell must grant nothing but necessary
  std::string error;  // when !ok: "not JSON", "services[2]: cookies has a bad pattern", ...
  Config config;
  std::shared_ptr<const void> storage;  // what config views (texts, lists); shared so copies stay valid
};

// Strict: a config is ours and written at build time, so one bad entry rejects the whole document (a skipped
// service would leave its cookies out of teardown). Unknown fields are ignored.
ConfigDecode decode_config(std::string_view json_text);

// Field-by-field equality of two configs (texts compared by value): the build-time table against the decoder.
bool same_config(const Config& a, const Config& b);

// The most specific default for a region code ("US-CA" beats "US" beats the global entry); all denied and the
// default wait when the config has none that applies.
ConsentModeDefault consent_mode_default_for(const Config& config, std::string_view region);

// ---------------------------------------------------------------------------------------------------------
// The record
// ---------------------------------------------------------------------------------------------------------
inline constexpr int kRecordSchema = 1;
inline constexpr std::int64_t kDayMs = 86'400'000;
inline constexpr std::int64_t kMaxTimeMs = 253'402'300'799'999;  // 9999-12-31T23:59:59.999Z
inline constexpr std::int64_t kMaxClockSkewMs = kDayMs;           // a decision at most this far in the future
inline constexpr std::size_t kMaxRecordBytes = 32u * 1024u;

// Copies at most `capacity` bytes of s to out; returns how many it copied.
std::size_t copy_cut(char* out, std::size_t capacity, std::string_view s);

// A short text kept inline (no allocation). A text longer than N keeps its first N + 1 bytes, which every
// length check refuses, so an over-long value can never pass as a shorter valid one.
template <std::size_t N>
class InlineText {
 public:
  InlineText() = default;
  InlineText(std::string_view s) { assign(s); }  // NOLINT: implicit, so that records read like plain structs
  InlineText& operator=(std::string_view s) { return assign(s), *this; }
  void assign(std::string_view s) { size_ = copy_cut(data_, sizeof data_, s); }
  std::string_view view() const { return {data_, size_}; }
  operator std::string_view() const { return view(); }  // NOLINT
  std::string str() const { return std::string(view()); }
  bool empty() const { return size_ == 0; }
  std::size_t size() const { return size_; }
  friend bool operator==(const InlineText& a, std::string_view b) { return a.view() == b; }
  friend bool operator!=(const InlineText& a, std::string_view b) { return a.view() != b; }
  friend bool operator==(const InlineText& a, const InlineText& b) { return a.view() == b.view(); }

 private:
  char data_[N + 1] = {};
  std::size_t size_ = 0;
};

// One decision, as stored. Invariants (checked by decode_record and build_receipt, guaranteed by decide):
//   consent_id: [A-Za-z0-9_-], 8..64 bytes (a UUID v4 from crypto.randomUUID fits)
//   policy_version: [A-Za-z0-9._-], 1..32 bytes; revision: 0..1'000'000'000
//   categories has necessary; accept_all has every category; reject_all and withdraw have only necessary
//   0 <= first_decision_ms <= last_decision_ms <= kMaxTimeMs
//   language: a BCP 47-shaped tag, [A-Za-z0-9-], starts with a letter, 1..35 bytes ("und" when unknown)
//   action is not Unknown
// consent_key: the proof of holding consent_id (issue 19): a random secret the banner makes with the first
// decision (jc_decide) and kept with the id by later ones; it stays on this device, in the record, and goes only
// in the receipts (and the checkout's order) sent to this origin's backend, which keeps only its hash.
// services: bit i is the choice for the config's service i, for the config the record was decided or decoded
// with. Stored as {"<id>": bool}; ids the config does not know are checked and then ignored when decoding, and a
// config service the stored record does not name is not granted (a service added later asks nothing of an old
// record: it stays off until the next decision).
struct Record {
  int schema = kRecordSchema;
  InlineText<64> consent_id;
  InlineText<64> consent_key;  // "" (a record from before keys) or [A-Za-z0-9_-], 16..64 bytes: see below
  InlineText<32> policy_version;
  int revision = 0;
  CategorySet categories = CategorySet::only_necessary();
  ServiceSet services;
  std::int64_t first_decision_ms = 0;  // the first decision of this browser (kept across later decisions)
  std::int64_t last_decision_ms = 0;   // this decision
  InlineText<35> language = std::string_view("und");
  bool gpc = false;                    // Global Privacy Control was on when the user decided
  Action action = Action::Unknown;
};
bool operator==(const Record& a, const Record& b);
inline bool operator!=(const Record& a, const Record& b) { return !(a == b); }

// The user's toggles for Action::Custom (ignored for the other actions).
struct Choices {
  CategorySet categories;  // necessary is added whatever this says
  ServiceSet overridden;   // services whose own toggle was set; the others follow their category
  ServiceSet on;           // the toggle of each overridden service

  // Sets a service's toggle by id; an id the config does not have is ignored (an older UI).
  void set_service(const Config& config, std::string_view id, bool value);
};

enum class DecideError : std::uint8_t { None = 0, BadAction, BadConsentId, BadTime, BadConfig };
struct Decision {
  DecideError error = DecideError::None;
  Record record;  // meaningful when ok()
  bool ok() const { return error == DecideError::None; }
};

// Makes the record for a decision taken at now_ms.
// - accept_all records every category (so it stays accept_all if the config gains one later; effective() grants
//   only the config's) and every service; reject_all and withdraw grant necessary only; custom grants necessary
//   plus choices.categories (those in the config), and a service when its category is granted and its override,
//   if any, is on.
// - With a previous record (any well-formed one, even expired or from another revision) its consent id and first
//   decision time are kept, so one browser's receipts share one id; otherwise consent_id is used. consent_id is
//   checked either way (the caller makes a fresh one every time).
// - language is informative only: a malformed one becomes "und" instead of losing the decision.
// - now_ms outside 0..kMaxTimeMs is BadTime. If the clock went back, first_decision_ms is lowered to now_ms.
// - BadConfig: the config could not make a valid record (an empty Config{}, not one from decode_config).
Decision decide(const Config& config, const Record* previous, Action action, const Choices& choices,
                std::int64_t now_ms, std::string_view consent_id, std::string_view language, bool gpc);

// Why a stored record could not be read. Every kind means "no consent" to the rest of this API.
enum class RecordError : std::uint8_t {
  None = 0,
  Empty,          // no text at all: nothing was stored (a first visit)
  TooLarge,       // more than kMaxRecordBytes
  NotJson,        // including a key given twice
  NotObject,
  UnknownSchema,  // schema missing, not an integer, or not kRecordSchema
  MissingField,
  WrongType,
  Tampered,       // a value out of range or inconsistent with the others (see Record's invariants)
};
std::string_view record_error_name(RecordError e);  // "none", "empty", "too_large", "not_json", ...

struct RecordDecode {
  RecordError error = RecordError::None;
  std::string_view detail;  // the field and the problem, for the console: "categories: a value is not a boolean"
  Record record;            // meaningful exactly when ok()
  bool ok() const { return error == RecordError::None; }
  const Record* get() const { return ok() ? &record : nullptr; }
};

// Never throws, never allocates. Unknown fields are ignored (additive changes need no schema bump).
RecordDecode decode_record(const Config& config, std::string_view json_text);
// Canonical JSON (keys sorted); decode_record(config, encode_record(config, r)).record == r for every record
// decide() or decode_record() made with that config. write_record writes the same to any output.
std::string encode_record(const Config& config, const Record& r);
void write_record(json_lite::Out& out, const Config& config, const Record& r);

// ---------------------------------------------------------------------------------------------------------
// Derived state
// ---------------------------------------------------------------------------------------------------------
enum class Reason : std::uint8_t { None = 0, NoRecord, Corrupt, Expired, RevisionChanged, PolicyChanged };
std::string_view reason_name(Reason r);  // "none", "no_record", "corrupt", "expired", "revision_changed", ...

struct Validity {
  bool valid = false;
  Reason reason = Reason::NoRecord;  // None exactly when valid
  std::int64_t expires_ms = 0;       // when valid: the first instant it is no longer valid
};

// Checked in this order: no record, corrupt (incl. a decision in the future), policy changed, revision changed,
// expired.
Validity validity(const Config& config, const Record* record, std::int64_t now_ms);
// The same for a decode result: Empty is no_record, every other error is corrupt.
Validity validity(const Config& config, const RecordDecode& decoded, std::int64_t now_ms);

struct Effective {
  Validity validity;                                        // of the record considered
  CategorySet categories = CategorySet::only_necessary();   // granted now; necessary always
  ServiceSet services;                                      // granted now, indexed like the config's services
  bool gpc_applied = false;   // GPC is on and no choice made under GPC exists: the banner says the signal applied
  bool gpc_overrode = false;  // a valid choice made without GPC granted analytics or marketing; GPC denied them

  bool granted(Category c) const { return categories.has(c); }
  bool granted_service(const Config& config, std::string_view id) const;
};

Effective effective(const Config& config, const Record* record, bool gpc, std::int64_t now_ms);
Effective effective(const Config& config, const RecordDecode& decoded, bool gpc, std::int64_t now_ms);

// The Consent Mode update for what is granted (see category_of).
ConsentModeState consent_mode_state(const Effective& e);
// {"ad_personalization":"denied",...}, every type, keys sorted: the argument of gtag('consent', 'update', ...).
std::string consent_mode_json(ConsentModeState s);
void write_consent_mode(json_lite::Out& out, ConsentModeState s);
// The same plus "region" (when not global) and "wait_for_update": the argument of gtag('consent', 'default', ...).
std::string consent_mode_default_json(const ConsentModeDefault& d);

// ---------------------------------------------------------------------------------------------------------
// Receipt (proof of consent, sent to the backend)
// ---------------------------------------------------------------------------------------------------------
inline constexpr int kReceiptSchema = 1;

enum class ReceiptError : std::uint8_t { None = 0, BadRecord, BadBannerHash, BadUiVersion };
struct Receipt {
  ReceiptError error = ReceiptError::None;
  std::string json;  // when ok()
  bool ok() const { return error == ReceiptError::None; }
};

// The receipt has exactly these fields (consent_key only when the record has one): receipt_schema, consent_id,
// consent_key, time_ms (the decision), action, categories,
// services, policy_version, revision, banner_hash, ui_version, language, gpc. It has no e-mail, IP address, account
// id or any other field: the builder has no parameter to put one in.
//   banner_hash: the hash of the banner text the user saw, computed by the shell ("sha256-<base64>" or hex):
//                [A-Za-z0-9+/=:_-], 1..128 bytes
//   ui_version:  [A-Za-z0-9._+-], 1..32 bytes
Receipt build_receipt(const Config& config, const Record& record, std::string_view banner_hash,
                      std::string_view ui_version);
// The same written to any output; nothing is written unless it returns None.
ReceiptError write_receipt(json_lite::Out& out, const Config& config, const Record& record,
                           std::string_view banner_hash, std::string_view ui_version);

// The field checks the receipt builder applies, for other producers of receipts (the backend, the checkout).
bool valid_consent_id(std::string_view s);   // [A-Za-z0-9_-], 8..64 bytes
bool valid_consent_key(std::string_view s);  // [A-Za-z0-9_-], 16..64 bytes
bool valid_language(std::string_view s);     // BCP 47-shaped: [A-Za-z0-9-], starts with a letter, 1..35 bytes
bool valid_banner_hash(std::string_view s);  // [A-Za-z0-9+/=:_-], 1..128 bytes
bool valid_ui_version(std::string_view s);   // [A-Za-z0-9._+-], 1..32 bytes

// ---------------------------------------------------------------------------------------------------------
// Teardown
// ---------------------------------------------------------------------------------------------------------
enum class StoreKind : std::uint8_t { Cookie = 0, Storage };  // Storage: localStorage and sessionStorage keys

// Whether a cookie name (or storage key) present in the browser must be deleted now: it matches a pattern of a
// service that is not granted and no pattern of a granted service (a name two services share stays while either
// is granted; necessary services are always granted, so the consent record itself is never removed). Names
// matching no service are left alone: we only remove what we know.
bool should_remove(const Config& config, const Effective& e, std::string_view name, StoreKind kind);

}  // namespace jupiter::consent
