// checkout.hpp: the checkout state machine (issue 4), pure: update(model, action) -> {model, effects}.
//
//   review -> details -> confirmations -> payment --(processor page, another origin)--> order page
//
// The order page is also where a returning secret link (/?order=<id>#t=<token>) lands. HTTP requests, session
// storage writes, navigation and timers are effects (data) that the platform performs; their results come back as
// actions. Randomness (the idempotency key) comes in with the action that needs it. No clock, no I/O.
//
// Guarantees kept here, and tested in tests/unit/unit-checkout.cpp:
// - Invalid details never leave the browser: the order request is only made from validated, normalized values.
// - One order per idempotency key: the key is saved (session effect) before the request, and reused when the same
//   body is sent again (a reload or a retry after a lost response); a changed body gets a fresh key.
// - One request in flight: Pay is ignored while the store is busy (a double click is one order, one payment).
// - Stale responses (an earlier poll, a request from before a reload) are dropped by their sequence number.
// - The session record keeps {step, plan, currency, details, key, sent body, order id, token}: sessionStorage is
//   per tab and cleared when the tab closes or the buyer leaves the checkout; it is what lets a reload resume and
//   the processor's redirect land back in the flow. Card data never passes through here.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "core/contact.hpp"
#include "core/money.hpp"
#include "core/order.hpp"
#include "core/policy.hpp"

namespace jupiter::checkout {

// ---------------------------------------------------------------------------------------------------------
// Model
// ---------------------------------------------------------------------------------------------------------
enum class Step : std::uint8_t { None = 0, Review, Details, Confirmations, Payment, Order };
std::string_view step_name(Step s);  // "review", ...; None -> "none"
std::optional<Step> parse_step(std::string_view s);

enum class Field : std::uint8_t { Email = 0, EmailConfirm, Name, Phone };
enum class Box : std::uint8_t { Adult = 0, Terms, Marketing };

// What the buyer typed and ticked. Marketing is separate from the rest and starts unticked.
struct Details {
  std::string email, email_confirm, name, phone;
  bool adult = false, terms = false, marketing = false;
  friend bool operator==(const Details& a, const Details& b);
};

// Problems shown inline under each field once the buyer tried to continue (never while still typing).
struct FieldErrors {
  ContactProblem email = ContactProblem::None;
  bool email_mismatch = false;  // the confirmation differs from the address
  ContactProblem name = ContactProblem::None;
  ContactProblem phone = ContactProblem::None;  // Empty is not a problem: the phone is optional
  bool adult_missing = false;
  bool terms_missing = false;
  bool details_ok() const;
  bool confirmations_ok() const { return !adult_missing && !terms_missing; }
};
FieldErrors validate(const Details& d);

// What the store is waiting for. While not Idle, Pay and Try again do nothing.
enum class Busy : std::uint8_t { Idle = 0, CreatingOrder, StartingPayment, Redirecting, LoadingOrder, Resending, Privacy };

// The last thing that went wrong, for the UI to put in words.
enum class Problem : std::uint8_t {
  None = 0,
  Offline,        // no connection: buying is refused before any request
  Network,        // the request did not reach the store
  Server,         // 5xx or an unexpected status
  BadResponse,    // a 2xx whose body is not what the contract says
  RateLimited,    // 429 (retry_after_s)
  Rejected,       // 400 with a field problem the client did not catch (api_code)
  UnknownPlan,    // 422: the plan is no longer sold (in this currency)
  KeyReused,      // 409 idempotency_key_reused: the next Pay uses a fresh key
  NotFound,       // 404: unknown order, or a wrong or missing token (indistinguishable by design)
  IncompleteLink, // an order link without its token
};

// The outcome of the last "Resend e-mail" on a delivered order.
enum class Resend : std::uint8_t { None = 0, Sent, RateLimited, Failed };

// The customer's data rights on the order page ("Your data"): a copy, stopping marketing, erasure (asked twice).
enum class DataRequest : std::uint8_t { Download = 0, StopMarketing, AskErase, ConfirmErase, CancelErase };
enum class DataOutcome : std::uint8_t { None = 0, Downloaded, MarketingStopped, Erased, Refused, Failed };

// How the buyer came back from the processor's page.
enum class Return : std::uint8_t { None = 0, Success, Declined, Cancelled };

// In a partner's frame the processor's page opens in a window of its own (embedded == true): whether it opened.
enum class Popup : std::uint8_t { None = 0, Opened, Blocked };

struct Model {
  Step step = Step::None;
  std::string plan_id;
  Currency currency = Currency::USD;
  std::string language = "en";
  Details details;
  FieldErrors errors;     // shown after a Next or Pay that failed validation
  bool show_errors = false;
  bool offline = false;

  // The order, once asked for.
  std::string key;         // idempotency key of the order request
  std::string sent_body;   // the body sent with `key`
  std::string order_id;
  std::string token;       // the order's secret (Bearer); never logged
  std::optional<Order> order;

  Busy busy = Busy::Idle;
  std::uint32_t seq = 0;   // sequence number of the request in flight (responses with another one are dropped)
  Return returned = Return::None;
  bool cancelled_note = false;  // "payment cancelled, nothing was charged" on the review step
  int polls = 0;                // polls since the order last changed state (drives the backoff)
  std::uint32_t poll_timer = 0; // the timer that may fire a poll; older timers are ignored
  Resend resend = Resend::None;
  bool confirming_erase = false;           // "Delete my personal data" asked; waiting for the confirmation
  DataOutcome data = DataOutcome::None;    // the outcome of the last data request

  Problem problem = Problem::None;
  int http_status = 0;
  int retry_after_s = 0;
  std::string api_code;    // the server's error code, when it sent one
  std::string detail;      // technical detail for the console and the test API

  // Set by the app for the whole visit (kept across a fresh checkout; never stored in the session record).
  bool embedded = false;   // in a partner's frame: Pay opens the processor in a new window, never navigates
  std::string partner;     // partner id for attribution ("" when none); sent in the order body
  std::string consent_id;  // from the consent record at Pay ("" when none); sent in the order body with its key
  std::string consent_key;
  Popup popup = Popup::None;
  std::string payment_url; // the processor's page for this order (embedded: "Open the payment page" again)
  std::string copied;      // the manual detail whose copy last finished ("" = none or one in progress)
  bool copy_ok = false;    // whether that copy reached the clipboard

  // A top-up (issue 15, core/topup.hpp): the plan adds data to the eSIM of order `topup_of`, whose token authorises
  // the request. No contact details are asked (the top-up belongs to that order): review -> confirmations ->
  // payment, and the order is made with POST /api/orders/<topup_of>/topups. Both "" for an ordinary order.
  std::string topup_of;
  std::string topup_token;
  bool topup() const { return !topup_of.empty(); }

  bool open() const { return step != Step::None; }
};

// ---------------------------------------------------------------------------------------------------------
// Actions
// ---------------------------------------------------------------------------------------------------------
enum class RequestKind : std::uint8_t { CreateOrder = 0, StartPayment, LoadOrder, Resend, ExportData, StopMarketing, Erase };

namespace action {
struct Open {                // "Buy" on a plan
  std::string plan_id;
  Currency currency = Currency::USD;
  std::string language = "en";
};
struct OpenTopUp {           // "Buy" on a top-up listed on a delivered eSIM's page (Model::topup_of)
  std::string order_id;      // the eSIM's order
  std::string token;         // its secret
  std::string plan_id;
  Currency currency = Currency::USD;
  std::string language = "en";
};
struct BackToEsim {};        // from a top-up (its review, or its order page once paid): the eSIM's page again
struct Resume {              // the page loaded: what the URL and the tab's session storage say
  std::string stored;        // the session record ("" when none or unreadable)
  std::string order_param;   // ?order=
  std::string checkout_param;// ?checkout=success|declined|cancelled
  std::string fragment;      // location.hash without '#', e.g. "t=<token>"
};
struct Next {};              // Continue on review, details, confirmations
struct Back {};              // one step back (from review: leave the checkout)
struct Close {};             // leave the checkout (back to the store)
struct FieldChanged { Field field = Field::Email; std::string value; };
struct Toggled { Box box = Box::Adult; bool on = false; };
// Pay, or Try again; fresh_key: 16..64 random [A-Za-z0-9_-]; consent_record: the page's consent record text
// (platform::consent_record_text(), "" when none), whose consent id and key the order carries, so the checkout's
// receipt joins that browser's consent history (the server takes the id only with its key).
struct Pay { std::string fresh_key; std::string consent_record = {}; };
struct Reload {};            // Retry after a problem on the order page
struct ResendEmail {};       // "Resend e-mail" on a delivered order (the same profile; rate-limited by the server)
struct Data { DataRequest request = DataRequest::Download; };  // "Your data" on the order page
struct PollDue { std::uint32_t timer = 0; };
struct PaymentWindow { bool opened = false; };  // the result of effect::OpenPayment (false: popup blocked)
struct OpenPaymentAgain {};                     // "Open the payment page" (embedded)
// "Copy" beside a manual install detail of the delivered eSIM; field names it ("smdp", "code", ...), text is copied.
struct Copy { std::string field; std::string text; };
struct Copied { std::string field; bool ok = false; };  // the result of effect::CopyText
struct OpenLink { std::string url; };                    // a one-tap install link: opened in a new tab
struct Connectivity { bool online = true; };
struct Response {
  RequestKind kind = RequestKind::CreateOrder;
  std::uint32_t seq = 0;
  int status = 0;            // 0: the request failed at the network level
  std::string body;
  int retry_after_s = 0;     // from Retry-After, with 429
  std::string network_error;
};
}  // namespace action

using Action = std::variant<action::Open, action::Resume, action::Next, action::Back, action::Close,
                            action::FieldChanged, action::Toggled, action::Pay, action::Reload, action::ResendEmail, action::Data, action::PollDue,
                            action::Connectivity, action::Response, action::PaymentWindow,
                            action::OpenPaymentAgain, action::Copy, action::Copied, action::OpenLink,
                            action::OpenTopUp, action::BackToEsim>;

// ---------------------------------------------------------------------------------------------------------
// Effects
// ---------------------------------------------------------------------------------------------------------
namespace effect {
struct Http {
  RequestKind kind = RequestKind::CreateOrder;
  std::uint32_t seq = 0;
  std::string method;  // "GET" or "POST"
  std::string url;     // same-origin path
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;    // JSON, for POST
};
struct SaveSession { std::string record; };  // sessionStorage: replace the checkout record
struct ClearSession {};
struct Navigate { std::string url; };        // top-level navigation (the processor's hosted page)
struct ReplaceUrl { std::string url; };      // history.replaceState: the address bar shows this path
struct StartTimer { int ms = 0; std::uint32_t timer = 0; };  // dispatch PollDue{timer} after ms
struct SaveFile { std::string name; std::string type; std::string body; };  // a download the browser saves
struct OpenPayment { std::string url; };     // embedded: the processor's page in a new window -> PaymentWindow
struct CopyText { std::string field; std::string text; };  // the clipboard -> Copied{field, ok}
struct OpenUrl { std::string url; };         // a new tab (install links)
}  // namespace effect

using Effect = std::variant<effect::Http, effect::SaveSession, effect::ClearSession, effect::Navigate,
                            effect::ReplaceUrl, effect::StartTimer, effect::SaveFile, effect::OpenPayment,
                            effect::CopyText, effect::OpenUrl>;

struct Update {
  Model model;
  std::vector<Effect> effects;
};

Update update(Model model, Action action);

// ---------------------------------------------------------------------------------------------------------
// Helpers shared with the UI and the tests
// ---------------------------------------------------------------------------------------------------------
inline constexpr const char* kSessionKey = "jupiter:checkout";
inline constexpr std::size_t kMaxSessionBytes = 16u * 1024u;
inline constexpr int kFirstPollMs = 1000;
inline constexpr int kMaxPollMs = 10000;

bool valid_idempotency_key(std::string_view key);  // 16..64 of [A-Za-z0-9_-]
int poll_delay_ms(int polls);                       // 1000, 1500, 2250, ... capped at kMaxPollMs
std::string order_link(std::string_view id, std::string_view token);    // "/?order=<id>#t=<token>"
std::string receipt_link(std::string_view id, std::string_view token);  // "/orders/<id>/receipt?token=<token>"
// The order request body for these details (normalized values, and the visit's partner when there is one), or ""
// when they do not validate. For a top-up: {"plan","currency","terms_version","locale"} once the boxes are ticked.
std::string order_body(const Model& m);
// The session record of a model, and back (an unreadable or foreign record gives nullopt, never a throw).
std::string encode_session(const Model& m);
std::optional<Model> decode_session(std::string_view record);
// True while the order page should keep asking the server (payment or delivery not settled).
bool should_poll(const Model& m);

}  // namespace jupiter::checkout
