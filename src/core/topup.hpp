// topup.hpp: the eSIM page's usage and top-ups (issue 15): the usage and top-up answers as typed values with their
// decoders, and the section's model, actions, effects and pure update.
//
//   update(model, action) -> {model, effects, purchase}; effect::Http's answer comes back as action::Answer.
//
// The server's routes (/tmp/briefs/usage-contract.md), all with the ORDER's own token as a Bearer token:
//   GET /api/orders/:id/usage   -> USAGE (decode_usage)            409 not_delivered, 502 partner_unavailable
//   GET /api/orders/:id/topups  -> {"plans": ["<plan id>", ...]}   409 esim_not_active | plan_has_no_topup
//   POST /api/orders/:id/topups -> the checkout's business (checkout::action::OpenTopUp): a chosen plan comes out
//                                  of update() as a Purchase, which the app hands to the checkout.
// The token is kept for the requests only: never logged, never put in a URL. No clock, randomness or I/O in here.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/i18n.hpp"

namespace jupiter::topup {

// ---------------------------------------------------------------------------------------------------------
// [SECTION] the answers
// ---------------------------------------------------------------------------------------------------------
// The eSIM's usage as the partner reported it at read_at. Megabytes are whole MB (1 GB = 1024 MB).
struct Usage {
  std::string iccid_last4;                 // exactly 4 digits
  bool installed = false;                  // the profile is on a phone
  std::int64_t total_mb = 0;               // 0..kMaxMb; 0 = unlimited
  std::int64_t used_mb = 0;                // 0..kMaxMb
  std::optional<std::int64_t> left_mb;     // 0..kMaxMb; nullopt exactly when unlimited
  std::optional<std::int64_t> valid_until; // Unix seconds; nullopt: validity starts at the first connection
  std::int64_t read_at = 0;                // Unix seconds (> 0) when the partner was asked
  bool unlimited() const { return total_mb == 0; }
  friend bool operator==(const Usage& a, const Usage& b) {
    return a.iccid_last4 == b.iccid_last4 && a.installed == b.installed && a.total_mb == b.total_mb &&
           a.used_mb == b.used_mb && a.left_mb == b.left_mb && a.valid_until == b.valid_until &&
           a.read_at == b.read_at;
  }
};

inline constexpr std::int64_t kMaxMb = std::int64_t{1} << 40;        // far above any plan: a bound, not a rule
inline constexpr std::int64_t kMaxUnixSeconds = std::int64_t{1} << 40;
inline constexpr std::size_t kMaxAnswerBytes = 64u * 1024u;
inline constexpr std::size_t kMaxPlans = 200;

struct UsageDecode {
  bool ok = false;
  std::string error;  // when !ok: "not JSON", "usage: data_used_mb is ..."; "" when ok
  Usage usage;        // default when !ok
};
// Never throws: any text gives a Usage whose every field keeps the invariants above, or an error.
UsageDecode decode_usage(std::string_view json_text);
// The JSON the server sends for `u` (decode_usage(encode_usage(u)) gives u back); for tests and fixtures.
std::string encode_usage(const Usage& u);

struct PlansDecode {
  bool ok = false;
  std::string error;
  std::vector<std::string> plans;  // plan ids ([a-z0-9-], 1..64 bytes), no duplicates, in the server's order
};
// Never throws: {"plans": [...]} with at most kMaxPlans ids, or an error.
PlansDecode decode_plans(std::string_view json_text);

// ---------------------------------------------------------------------------------------------------------
// [SECTION] model
// ---------------------------------------------------------------------------------------------------------
// What went wrong last, per request; the UI says it in the active language.
enum class Problem : std::uint8_t {
  None = 0,
  Network,             // no answer (status 0)
  Server,              // 5xx other than 502, or an unexpected status
  BadResponse,         // an answer the decoder refused
  PartnerUnavailable,  // 502 partner_unavailable (retry_after_s)
  NotFound,            // 404: the order or its token is not (any more) valid
  NotDelivered,        // 409 not_delivered: no usage for this order (the section shows nothing)
  NotActive,           // 409 esim_not_active: refunded, cancelled at the partner, ...
  NoTopUp,             // 409 plan_has_no_topup: this eSIM's plan cannot be topped up
};

enum class Call : std::uint8_t { Usage = 0, Plans };

struct Model {
  std::string order_id;          // the delivered eSIM's order shown ("": none)
  std::string token;             // its secret (Bearer); never logged
  std::optional<Usage> usage;    // the last usage read for order_id (kept when a refresh fails)
  bool usage_pending = false;    // a usage request is on its way
  Problem usage_problem = Problem::None;
  int retry_after_s = 0;         // with PartnerUnavailable
  bool choosing = false;         // "Top up" pressed: the compatible plans are listed
  std::vector<std::string> plans;  // compatible plan ids for order_id, as last received
  bool plans_loaded = false;     // plans holds an answer for order_id
  bool plans_pending = false;
  Problem plans_problem = Problem::None;
};

// ---------------------------------------------------------------------------------------------------------
// [SECTION] actions, effects, update
// ---------------------------------------------------------------------------------------------------------
namespace action {
struct Shown { std::string order_id; std::string token; };  // the order page shows this delivered eSIM
struct Hidden {};                                          // the page shows something else now
struct RefreshAsked {};                                    // "Refresh" beside the usage
struct TopUpAsked {};                                      // "Top up": list the compatible plans
struct TopUpClosed {};                                     // "Not now" on the list
struct PlanChosen { std::string plan_id; };                // "Buy" on one of the listed plans
struct Answer {                                            // the result of effect::Http
  Call call = Call::Usage;
  std::string order_id;   // the order the request was about (answers about another one are dropped)
  int status = 0;         // 0: the request failed at the network level
  std::string body;
  int retry_after_s = 0;  // from Retry-After
};
}  // namespace action

using Action = std::variant<action::Shown, action::Hidden, action::RefreshAsked, action::TopUpAsked,
                            action::TopUpClosed, action::PlanChosen, action::Answer>;

namespace effect {
struct Http {  // GET url with "Authorization: Bearer <token>"; the result comes back as action::Answer{call, order_id}
  Call call = Call::Usage;
  std::string order_id;
  std::string url;    // "/api/orders/<id>/usage" or ".../topups"
  std::string token;
};
}  // namespace effect

using Effect = std::variant<effect::Http>;

// A chosen top-up for the app to buy through the checkout (checkout::action::OpenTopUp).
struct Purchase {
  std::string order_id;  // the eSIM's order
  std::string token;     // its secret
  std::string plan_id;
};

struct Update {
  Model model;
  std::vector<Effect> effects;
  std::optional<Purchase> purchase;
};

Update update(Model model, Action action);

// Unix seconds as the page shows a time: "2026-12-07 03:20 UTC" (the proleptic Gregorian calendar; 0..kMaxUnixSeconds).
std::string utc_text(std::int64_t unix_seconds);
// Megabytes as the page shows data in `l`, as plan names write them (core/plan_name.hpp): "512 MB", "1 GB", "1.5 GB"
// (en), "1,5 Go" (fr), "1,5 GB" (es, de); 1 GB = 1024 MB, at most one decimal.
std::string data_text(std::int64_t mb, Language l);

std::string usage_url(std::string_view order_id);   // "/api/orders/<id>/usage"
std::string topups_url(std::string_view order_id);  // "/api/orders/<id>/topups"

}  // namespace jupiter::topup
