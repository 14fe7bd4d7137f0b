// account.hpp: "My eSIMs" (issue 15): the account's orders as one typed value with its JSON codec, and the
// screen's model, actions, effects and pure update (sign in by an e-mailed link, the list, cancel, sign out).
//
//   update(model, action) -> {model, effects}; effect::Http's answer comes back as action::Answer{call, ...}.
//
// The server's routes (src/server/accounts.cpp): POST /api/account/sign-in (202, the same answer for any address),
// GET /api/account (who is signed in, or 401), GET /api/account/orders, POST /api/account/orders/:id/cancel,
// POST /api/account/sign-out and /sign-out-everywhere. The session is an HttpOnly cookie the core never sees.
// No clock, randomness or I/O in here.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/catalogue.hpp"
#include "core/money.hpp"
#include "core/order.hpp"

namespace jupiter::account {

// ---------------------------------------------------------------------------------------------------------
// [SECTION] the orders list (GET /api/account/orders -> {"orders": [ACCOUNT_ORDER, ...]})
// ---------------------------------------------------------------------------------------------------------
// One order of the account: plan and price as in ORDER (one shape, one codec). Links are absolute URLs (the order's page with its secret, the receipt); both are ""
// when the server has none to give (an order made without an idempotency key).
struct AccountOrder {
  std::string id;                          // "ord_...": [A-Za-z0-9_-], 1..128 bytes
  OrderState state = OrderState::Unknown;  // never Unknown once decoded
  std::string created_at;                  // RFC 3339 UTC as sent ("2026-12-05T10:00:00Z")
  std::string paid_at;                     // "" when never paid
  OrderPlan plan;                          // the plan as sold, in ORDER's shape (core/order_codec.hpp)
  std::string region;                      // the plan's region id for regional plans, else ""
  Money price;                             // ORDER's price shape; currency never Unknown once decoded; minor >= 0
  std::string order_link;
  std::string receipt_link;
};

// The account's orders, newest first (created_at descending, as the server sends them).
struct OrderList {
  std::vector<AccountOrder> orders;
};

inline constexpr std::size_t kMaxOrdersBytes = 2u * 1024u * 1024u;
inline constexpr std::size_t kMaxOrders = 1000;

struct OrdersDecode {
  bool ok = false;
  std::string error;  // when !ok: "not JSON", "orders[3].price: currency \"XYZ\" is not ..."; "" when ok
  OrderList list;     // empty when !ok
};

// Never throws: any text gives either a list whose every field keeps the invariants above, or an error.
OrdersDecode decode_orders(std::string_view json_text);
// The JSON the server sends for `list` (decode_orders(encode_orders(l)) gives l back).
std::string encode_orders(const OrderList& list);
// One ACCOUNT_ORDER as the server answers a cancel (an element of encode_orders' list).
std::string encode_order(const AccountOrder& o);

// An order may be cancelled by its owner only while it waits for its payment.
bool cancellable(const AccountOrder& o);

// ---------------------------------------------------------------------------------------------------------
// [SECTION] model
// ---------------------------------------------------------------------------------------------------------
enum class Screen : std::uint8_t {
  Closed = 0,  // the store is shown
  Checking,    // asking the server who is signed in
  SignIn,      // the e-mail field
  Sent,        // "check your e-mail"
  Orders,      // My eSIMs: the list
};

// What went wrong last; the UI says it in the active language. Cleared by the next action that asks again.
enum class Problem : std::uint8_t {
  None = 0,
  Network,           // no answer (status 0)
  Server,            // 5xx or an unexpected status
  BadResponse,       // an answer the decoder refused
  RateLimited,       // 429 on sign-in
  InvalidEmail,      // the typed address is not one (checked here, and 400 from the server)
  AlreadyCancelled,  // 409 already_cancelled
  NotCancellable,    // 409 not_cancellable (paid meanwhile)
  NotFound,          // 404 on cancel
};

enum class Call : std::uint8_t { Who = 0, Orders, SignIn, Cancel, SignOut, SignOutEverywhere };

struct Model {
  Screen screen = Screen::Closed;
  std::string email;          // the sign-in field as typed (never put in a URL)
  std::string signed_in_as;   // from GET /api/account; "" when not signed in
  OrderList list;             // the last list received (cleared on sign-out)
  bool loaded = false;        // list holds an answer of this visit
  std::string confirming;     // the order whose cancel waits for "Yes, cancel" ("": none)
  int pending = 0;            // requests on their way (0..6): buttons that send wait while > 0
  Problem problem = Problem::None;
};

// ---------------------------------------------------------------------------------------------------------
// [SECTION] actions and effects
// ---------------------------------------------------------------------------------------------------------
namespace action {
struct Opened {};                          // "My eSIMs", or the store opened at ?account=orders|sign-in
struct Closed {};                          // back to the store
struct EmailChanged { std::string text; };  // the sign-in field's <input> changed
struct SignInAsked {                      // "Send sign-in link" with model.email; the e-mail and its page are
  std::string language = "en";             // in `language` (the store's active one: "en", "es", "fr", "de")
};
struct OrderOpened { std::string id; };    // the order's page (its eSIM, QR and receipt)
struct CancelAsked { std::string id; };    // Cancel on an unpaid order: asks for a confirmation
struct CancelConfirmed {};                 // "Yes, cancel it"
struct CancelDropped {};                   // "Keep it"
struct SignOutAsked { bool everywhere = false; };
struct Answer {                            // the result of effect::Http
  Call call = Call::Who;
  int status = 0;                          // 0: the request failed at the network level
  std::string body;
};
}  // namespace action

using Action = std::variant<action::Opened, action::Closed, action::EmailChanged, action::SignInAsked,
                            action::OrderOpened, action::CancelAsked, action::CancelConfirmed, action::CancelDropped,
                            action::SignOutAsked, action::Answer>;

namespace effect {
struct Http {  // a same-origin request with the session cookie; its result comes back as action::Answer{call}
  Call call = Call::Who;
  std::string method;  // "GET" or "POST"
  std::string url;     // a path: "/api/account/orders"
  std::string body;    // JSON for POST sign-in, else ""
};
struct Navigate { std::string url; };  // the order's page, in this tab
}  // namespace effect

using Effect = std::variant<effect::Http, effect::Navigate>;

struct Update {
  Model model;
  std::vector<Effect> effects;
};

Update update(Model model, Action action);

inline constexpr const char* kWhoUrl = "/api/account";
inline constexpr const char* kOrdersUrl = "/api/account/orders";
inline constexpr const char* kSignInUrl = "/api/account/sign-in";
inline constexpr const char* kSignOutUrl = "/api/account/sign-out";
inline constexpr const char* kSignOutEverywhereUrl = "/api/account/sign-out-everywhere";
// The store's query parameter that opens My eSIMs (the verify page sends the browser to /?account=orders).
inline constexpr const char* kQueryParam = "account";

}  // namespace jupiter::account
