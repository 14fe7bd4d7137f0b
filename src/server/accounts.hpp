// accounts.hpp: "My eSIMs" on the server (issue 15): sign-in by an e-mailed link, the account's orders, cancelling
// an unpaid order. An account is a proven e-mail address: every order placed with it, before or after, is its own.
//
//   POST /api/account/sign-in {"email", "next"?, "language"?}
//                                         202 {"sent":true,...}, the same body whether or not the address has
//                                         orders; a one-time link (15 min) goes to the outbox. 429 + Retry-After past
//                                         5 links per address or 20 per client address in an hour. "next" (issue 16):
//                                         "orders" (default) or "privacy", where the link lands; stored in the link's
//                                         row, never in the link; anything else is 400 invalid_next. "language":
//                                         "en" (default), "es", "fr" or "de", the e-mail's and the link page's
//                                         (account_texts.hpp); anything else is 400 invalid_language
//   GET  /account/verify?token=T&lang=L   a small page with one button, in language L (English when absent or
//                                         unknown); opening the link does not sign in (link scanners and mail
//                                         previews fetch links: they would use it up)
//   POST /account/verify (form token=T)   the button: signs in (a new session), 303 to /?account=<next>
//   POST /api/account/verify {"token"}    the same for the store's own fetch: 200 {"email", "session_expires_at",
//                                         "next"}
//   GET  /api/account                     200 {"email", "session_expires_at", "restrictions": {"marketing",
//                                         "analytics"}} (privacy_centre.hpp: the store keeps analytics off), or 401
//   POST /api/account/sign-out            ends this session (204; the cookie is deleted)
//   POST /api/account/sign-out-everywhere ends every session of the address (204)
//   GET  /api/account/orders              200 {"orders": [ACCOUNT_ORDER...]}, newest first
//   POST /api/account/orders/:id/cancel   a pending_payment order of the account -> cancelled: 200 ACCOUNT_ORDER;
//                                         409 already_cancelled / not_cancellable; 404 for an order not the account's
// ACCOUNT_ORDER: {"id", "state", "created_at", "paid_at"|null, "plan": the plan as sold, "region", "price",
//   "links": {"order", "receipt"}|null}; plan and price in ORDER's shape (core/order_codec.hpp), the whole written by
//   core/account's encoder, which the store decodes.
//   links.order is the order's secret page as in its e-mails (the token in the fragment), links.receipt the receipt.
//
// Errors are JSON {"error":{"code","message"}}: 400 invalid_email / invalid_link / invalid_json, 401 not_signed_in /
// invalid_session / session_ended, 403 cross_origin, 410 link_expired / link_used, 413 too_large, 429 rate_limited.
// Cookie-authenticated POSTs refuse another Origin (403): with SameSite=Lax that closes sign-in CSRF as well.
// The e-mail address is never written to a log nor put in a URL; links and sessions are stored as SHA-256 hashes and
// the rate limits count HMACs of the address and the client address. A background sweep cancels orders unpaid for
// 24 hours (with no checkout page still open) and deletes links (sign-in and e-mail change) a day old and ended
// sessions.
#pragma once
#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "server/background.hpp"
#include "server/db.hpp"
#include "server/outbox.hpp"
#include "server/router.hpp"
#include "server/sessions.hpp"

namespace jupiter::server {

struct AccountsConfig {
  std::string public_url;          // "https://shop.example": links; https makes the cookie Secure
  std::string secret;              // the server's token secret: signs links and session ids, keys the rate limits
  std::string order_token_secret;  // derives the orders' page links (orders.hpp order_token)
  std::int64_t link_ttl_s = 15 * 60;
  std::int64_t links_per_email = 5;   // per kLinkWindowS
  std::int64_t links_per_client = 20;  // per kLinkWindowS
  std::int64_t unpaid_cancel_s = 24 * 3600;
  std::int64_t sweep_period_s = 600;
};

class Accounts {
 public:
  Accounts(db::Database& db, Outbox& outbox, AccountsConfig config);
  ~Accounts();
  Accounts(const Accounts&) = delete;
  Accounts& operator=(const Accounts&) = delete;

  void add_routes(Router& router);
  // One sweep now (so a restart catches up), then every sweep_period_s.
  void start();
  void stop();
  // Cancels orders unpaid for unpaid_cancel_s, deletes old links and ended sessions; the number of orders cancelled.
  int sweep();

 private:
  void sign_in(const httplib::Request& req, httplib::Response& res);
  void verify_page(const httplib::Request& req, httplib::Response& res);
  void verify_form(const httplib::Request& req, httplib::Response& res);
  void verify_api(const httplib::Request& req, httplib::Response& res);
  void who(const httplib::Request& req, httplib::Response& res);
  void sign_out(const httplib::Request& req, httplib::Response& res, bool everywhere);
  void orders(const httplib::Request& req, httplib::Response& res);
  void cancel(const httplib::Request& req, httplib::Response& res, const std::string& id);

  // sessions.hpp's request_session and same_origin with this store's settings.
  std::optional<Session> session(const httplib::Request& req, httplib::Response& res);
  bool same_origin(const httplib::Request& req, httplib::Response& res) const;
  // Redeems a sign-in link: the new session's cookie value and e-mail, or the error status and code.
  struct Redeemed {
    int status = 0;
    std::string code, message, cookie, email, next;
    std::int64_t expires_s = 0;
  };
  Redeemed redeem(const httplib::Request& req, const std::string& token);
  bool secure() const;

  db::Database& db_;
  Outbox& outbox_;
  AccountsConfig config_;
  std::string key_;  // derived from config_.secret for the account's signatures
  SessionCheck check_;
  Background sweeper_;
};

}  // namespace jupiter::server
