// refund.hpp: the owner's refund of an eSIM never installed (issue 15): the rule (which order, until when), the
// answer of GET /api/orders/:id/refund with its codec, and the eSIM page's refund section as a lager-style module.
//
//   update(model, action) -> {model, effects}; effect::Http's answer comes back as action::Answer{call, ...}.
//
// The server's routes (src/server/refunds.hpp), both authorised with the order's own token (Bearer):
//   GET  /api/orders/:id/refund  {"eligible", "reason", "deadline": Unix seconds|null, "window_days": 14}
//   POST /api/orders/:id/refund  {"order": ORDER} refunded; 409 already_installed | refund_window_closed |
//                                already_refunded | not_refundable; 502 partner_unavailable; 404 not_found
// No clock, randomness or I/O in here: "now" comes in as Unix seconds.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/money.hpp"
#include "core/order.hpp"

namespace jupiter::refund {

// ---------------------------------------------------------------------------------------------------------
// [SECTION] the rule (the server decides with it; the terms of sale v1.1 section 6 say the same)
// ---------------------------------------------------------------------------------------------------------
inline constexpr int kWindowDays = 14;
inline constexpr std::int64_t kWindowSeconds = std::int64_t{kWindowDays} * 86400;

// Why an order may or may not be refunded by its owner; Unknown first (a word the store does not know).
enum class Reason : std::uint8_t { Unknown = 0, Eligible, NotDelivered, Installed, WindowClosed, Refunded, Topup };
std::string_view reason_name(Reason r);                // Eligible -> "eligible", Unknown -> ""
std::optional<Reason> parse_reason(std::string_view s);  // "window_closed" -> WindowClosed

struct Facts {
  OrderState state = OrderState::Unknown;
  bool topup = false;           // the order is a top-up of another eSIM (ORDER.topup_of set)
  bool installed = false;       // the partner reported the profile installed (or refused a cancel for it)
  std::int64_t paid_at = 0;     // Unix seconds the payment succeeded; 0: never paid
};

// The last moment of the window (Unix seconds): paid_at + 14 days; 0 when never paid.
std::int64_t deadline(std::int64_t paid_at);
// In this order: refunded, a top-up, not a delivered eSIM, installed, past the deadline (now >= deadline), eligible.
Reason decide(const Facts& f, std::int64_t now);

// ---------------------------------------------------------------------------------------------------------
// [SECTION] GET /api/orders/:id/refund
// ---------------------------------------------------------------------------------------------------------
struct Eligibility {
  bool eligible = false;               // == (reason == Eligible) once decoded
  Reason reason = Reason::Unknown;     // never Unknown once decoded
  std::int64_t deadline = 0;           // Unix seconds; 0 for null (never paid)
  int window_days = kWindowDays;       // 1..365
  int topups = 0;                      // delivered top-ups refunded with the eSIM, 0..1000 (absent: 0)
};

struct EligibilityDecode {
  bool ok = false;
  std::string error;  // "not JSON", "reason: \"maybe\" is not a refund reason", ...; "" when ok
  Eligibility value;  // default when !ok
};

inline constexpr std::size_t kMaxAnswerBytes = 4096;

// Never throws; a body whose "eligible" disagrees with its "reason" is refused.
EligibilityDecode decode_eligibility(std::string_view json_text);
std::string encode_eligibility(const Eligibility& e);

// "2026-12-21" for Unix seconds (UTC); "" for 0.
std::string date_text(std::int64_t unix_s);

// ---------------------------------------------------------------------------------------------------------
// [SECTION] model
// ---------------------------------------------------------------------------------------------------------
// What went wrong last; the UI says it in the active language. Cleared by the next request.
enum class Problem : std::uint8_t {
  None = 0,
  Network,             // no answer (status 0)
  Server,              // 5xx (other than 502 partner_unavailable) or an unexpected status
  BadResponse,         // an answer the decoder refused
  NotFound,            // 404: the order's link no longer opens it
  AlreadyInstalled,    // 409 already_installed
  WindowClosed,        // 409 refund_window_closed
  AlreadyRefunded,     // 409 already_refunded
  NotRefundable,       // 409 not_refundable
  PartnerUnavailable,  // 502 partner_unavailable: nothing changed, try again later
};

enum class Call : std::uint8_t { Check = 0, Refund };

struct Model {
  std::string order_id;           // the order asked about ("": none yet)
  std::string token;              // its secret (Bearer); never logged, never in a URL
  std::optional<Eligibility> eligibility;  // the last answer for order_id
  Money price;                    // the order's price, for the confirmation's words
  bool confirming = false;        // the inline "Refund 12.99 EUR?" is shown
  int pending = 0;                // requests on their way (0..2): the buttons wait while > 0
  bool refunded = false;          // this visit's refund succeeded (the live region says so)
  Problem problem = Problem::None;
};

// The button shows: the answer says eligible, nothing is on its way and no refund happened in this visit.
bool offer(const Model& m);

// ---------------------------------------------------------------------------------------------------------
// [SECTION] actions and effects
// ---------------------------------------------------------------------------------------------------------
namespace action {
struct Check {             // the eSIM page shows a delivered order: ask whether it may be refunded
  std::string order_id;
  std::string token;
  Money price;
};
struct Asked {};           // "Refund this eSIM": the inline confirmation
struct Confirmed {};       // "Yes, refund"
struct Dropped {};         // "Keep my eSIM"
struct Answer {            // the result of effect::Http
  Call call = Call::Check;
  int status = 0;          // 0: the request failed at the network level
  std::string body;
};
}  // namespace action

using Action = std::variant<action::Check, action::Asked, action::Confirmed, action::Dropped, action::Answer>;

namespace effect {
struct Http {  // a same-origin request with Authorization: Bearer <token>; comes back as action::Answer{call}
  Call call = Call::Check;
  std::string method;  // "GET" or "POST"
  std::string url;     // "/api/orders/<id>/refund"
  std::string token;
};
struct ReloadOrder {};  // the order changed (refunded, or found installed): the order page loads it again
}  // namespace effect

using Effect = std::variant<effect::Http, effect::ReloadOrder>;

struct Update {
  Model model;
  std::vector<Effect> effects;
};

Update update(Model model, Action action);

// "/api/orders/<id>/refund".
std::string refund_url(std::string_view order_id);

}  // namespace jupiter::refund
