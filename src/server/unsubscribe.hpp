// unsubscribe.hpp: one marketing preference per person (per e-mail address) and its RFC 8058 one-click unsubscribe.
//
// [X] State: marketing_preferences (migration "marketing preferences"), one row per lower-cased address. Any order
//     made with the opt-in sets it (a trigger on orders); withdrawing on one order (privacy_rights.hpp) or
//     unsubscribing clears it, and clears the opt-in of every order of the address.
// [X] Token: base64url(address) "." base64url(HMAC-SHA256(secret, "unsubscribe-v1\n" + address)): signed with the
//     server's token secret, needs no sign-in, never expires (a mailing can be read years later), and using it twice
//     changes nothing more (idempotent).
// [X] Routes:
//       GET  /unsubscribe?t=TOKEN   a page with a button that POSTs; changes nothing (link scanners open links)
//       POST /unsubscribe?t=TOKEN   body List-Unsubscribe=One-Click (RFC 8058, also what the page's button sends):
//                                   unsubscribes, 200 page; forged or tampered token: 400, nothing changed
// [X] Mail: marketing_footer() gives the block and the header URL a marketing-capable e-mail carries, and nothing
//     for an address without a current opt-in (order_mail.cpp asks it for every e-mail it writes).
#pragma once
#include <optional>
#include <string>

#include "server/db.hpp"
#include "server/router.hpp"

namespace jupiter::server {

// The token for `email` (compared without letter case: the address is lower-cased first).
std::string unsubscribe_token(const std::string& secret, const std::string& email);
// The lower-cased address a token was made for; nullopt when it is malformed or its signature does not match.
std::optional<std::string> unsubscribe_address(const std::string& secret, const std::string& token);

// Whether `email` currently opts in to marketing (false when no row, or on a database error, which is logged).
bool marketing_opted_in(db::Database& db, const std::string& email);

// What a marketing-capable e-mail adds when its recipient opts in: the List-Unsubscribe URL and the visible text
// and HTML. Empty (url "") when the recipient does not opt in: then the e-mail carries no marketing at all.
struct MarketingFooter {
  std::string url, text, html;
};
MarketingFooter marketing_footer(db::Database& db, const std::string& public_url, const std::string& secret,
                                 const std::string& email);

// Clears the opt-in of `email` (its row and every order of the address) in the caller's transaction.
db::Status withdraw_marketing(db::Connection& c, const std::string& email, const std::string& source);

class Unsubscribe {
 public:
  Unsubscribe(db::Database& db, std::string secret) : db_(db), secret_(std::move(secret)) {}
  void add_routes(Router& router);

 private:
  void page(const httplib::Request& req, httplib::Response& res);
  void one_click(const httplib::Request& req, httplib::Response& res);

  db::Database& db_;
  std::string secret_;
};

}  // namespace jupiter::server
