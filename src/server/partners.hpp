// partners.hpp: partners of the embed (issue 12): the record, its validation (pure), its storage, and the report.
//
// [SECTION] the record and its validation: JSON in -> a typed Partner or a list of field errors, no SQL
// [SECTION] pure helpers: ids, origins, commission, CSV cells, HTML escaping, dates
// [SECTION] storage: partners in SQLite (table `partners`, migration 5)
// [SECTION] report: attributed orders that reached paid, per currency
//
// Decisions:
// - Ids are `[a-z0-9][a-z0-9-]{0,31}`; they go into URLs, log lines and CSS-free places unescaped, so nothing else is
//   accepted.
// - Display names: 1..100 characters of any script (core/contact.hpp's name rule: valid UTF-8, no control
//   characters), but no '<' or '>': a name carrying markup is refused, and every name is escaped wherever shown
//   anyway (HTML attribute, JSON, CSV).
// - Allowed origins are stored normalized (`scheme://host[:port]`, lower case, default port dropped); the framed
//   page compares the frame's `parent` with them byte for byte, and CSP frame-ancestors lists exactly them.
// - Commission: basis points 0..10000. Per order: amount_minor * bp / 10000 rounded half up in integer arithmetic,
//   then summed per currency. The report uses the partner's current rate.
// - The contact (name, e-mail) is business partner data (privacy policy add-on A): shown to admins only, never logged.
#pragma once
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "server/db.hpp"

namespace jupiter::server {

// ---------------------------------------------------------------------------------------------------------
// [SECTION] the record and its validation
// ---------------------------------------------------------------------------------------------------------
inline constexpr std::size_t kMaxPartnerOrigins = 20;
inline constexpr std::size_t kMaxWebhookUrlBytes = 2000;

struct PartnerTheme {
  std::string accent, background, text;  // "#rrggbb" (lower case) or "" when not set
  bool empty() const { return accent.empty() && background.empty() && text.empty(); }
};

struct Partner {
  std::string id;
  std::string name;
  std::vector<std::string> origins;  // normalized, no duplicates, in the order given
  int commission_bp = 0;             // 0..10000
  PartnerTheme theme;
  std::string destination;           // "" or a catalogue destination code ("JP")
  std::string currency;              // "" or a currency the catalogue prices in ("EUR")
  std::string contact_name, contact_email;
  std::string webhook_url;           // "" or http(s)://...
  std::string created_at, updated_at;  // RFC 3339 UTC
  std::string disabled_at;             // "" while enabled
  bool enabled() const { return disabled_at.empty(); }
};

struct FieldError {
  std::string field;    // "origins[1]", "theme.accent", "commission_bp"
  std::string message;  // English
};

// What the validation needs to know about the catalogue (loaded by catalogue_facts()).
struct CatalogueFacts {
  std::set<std::string> destinations;  // "JP", ...
  std::set<std::string> currencies;    // "EUR", ...
};

struct PartnerCheck {
  Partner partner;                 // when ok: the record to store (times untouched)
  std::vector<FieldError> errors;  // every problem found, in field order
  bool disable = false, enable = false;  // a PATCH's {"disabled": true|false}
  bool ok() const { return errors.empty(); }
};

// A POST document: id, name, origins, commission_bp, contact {name, email} required; theme, destination, currency,
// webhook_url optional (absent or null: not set). Unknown fields are errors.
PartnerCheck check_new_partner(const nlohmann::json& doc, const CatalogueFacts& facts);
// A PATCH document over `base`: any of the fields above except id (which may be repeated unchanged), plus
// "disabled": true|false. null clears an optional field. Unknown fields are errors.
PartnerCheck check_partner_patch(const nlohmann::json& doc, const CatalogueFacts& facts, const Partner& base);

// The admin API's view of a partner (everything but the webhook secret).
nlohmann::json partner_json(const Partner& p);
// {"error":{"code":"invalid_partner","message":<the first problem>},"fields":[{"field":...,"message":...}...]}
// (the project's error shape, with every field's problem beside it)
std::string field_errors_body(const std::vector<FieldError>& errors);

// ---------------------------------------------------------------------------------------------------------
// [SECTION] pure helpers
// ---------------------------------------------------------------------------------------------------------
bool valid_partner_id(std::string_view id);
// "HTTPS://Blog.Example:443" -> "https://blog.example"; nullopt for anything that is not exactly
// http(s)://host[:port] (one trailing '/' is tolerated): no user info, path, query or fragment; host a DNS name
// (ASCII, punycode for others), an IPv4 address or a bracketed IPv6 address; port 1..65535.
std::optional<std::string> normalize_origin(std::string_view text);
// An http(s) URL whose origin normalizes, with an optional path and query of printable ASCII; nullopt otherwise.
std::optional<std::string> normalize_webhook_url(std::string_view text);
// amount_minor * bp / 10000, rounded half up (amount >= 0, bp 0..10000).
std::int64_t commission_minor(std::int64_t amount_minor, int bp);
// One CSV cell (RFC 4180): a cell starting with = + - @ TAB or CR gets a leading ' (spreadsheet formula
// injection); then quoted when it holds a comma, quote, CR or LF, quotes doubled.
std::string csv_cell(std::string_view text);
// Days since 1970-01-01 of "YYYY-MM-DD" (a real calendar date, years 1970..9999); nullopt otherwise.
std::optional<std::int64_t> parse_day(std::string_view text);

// ---------------------------------------------------------------------------------------------------------
// [SECTION] storage
// ---------------------------------------------------------------------------------------------------------
db::Result<CatalogueFacts> catalogue_facts(db::Connection& c);
db::Result<std::optional<Partner>> load_partner(db::Connection& c, const std::string& id);
db::Result<std::vector<Partner>> list_partners(db::Connection& c);
// Inserts `p` (created_at = updated_at = now) with `webhook_secret`; false when the id exists.
db::Result<bool> insert_partner(db::Connection& c, Partner p, const std::string& webhook_secret);
// Writes every field of `p` but id, created_at and the secret; updated_at = now.
db::Status update_partner(db::Connection& c, const Partner& p);
// The partner `id` when it exists and is enabled ("" otherwise): what an order is attributed to.
db::Result<std::string> attributable_partner(db::Connection& c, const std::string& id);
// --demo-partner: partner "demo" exists and `origin` (normalized) is among its origins. What it did, for the log.
db::Result<std::string> ensure_demo_partner(db::Connection& c, const std::string& origin);
// A fresh per-partner webhook signing secret: "whsec_" + 32 random bytes as base64url.
std::string new_webhook_secret();

// ---------------------------------------------------------------------------------------------------------
// [SECTION] report
// ---------------------------------------------------------------------------------------------------------
struct ReportOrder {
  std::string id, created, plan, currency, state;  // created: "YYYY-MM-DD" (UTC)
  std::int64_t amount_minor = 0, commission_minor = 0;  // commission 0 for refunded orders
};

struct ReportTotal {
  std::string currency;
  std::int64_t count = 0, revenue_minor = 0, commission_minor = 0;
};

struct PartnerReport {
  std::vector<ReportOrder> orders;    // paid, provisioning, delivered; oldest first
  std::vector<ReportOrder> refunded;  // refunded after payment; oldest first
  std::vector<ReportTotal> totals;    // per currency of `orders`, by currency code
  std::vector<ReportTotal> refunded_totals;  // per currency of `refunded` (commission 0)
};

// Orders attributed to `p` created on days from..to (inclusive, "YYYY-MM-DD", UTC).
db::Result<PartnerReport> partner_report(db::Connection& c, const Partner& p, const std::string& from,
                                         const std::string& to);
nlohmann::json report_json(const Partner& p, const std::string& from, const std::string& to, const PartnerReport& r);
// Header plus one row per order then per refunded order, CRLF line ends.
std::string report_csv(const Partner& p, const PartnerReport& r);

}  // namespace jupiter::server
