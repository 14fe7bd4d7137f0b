// support_messages.hpp: a message thread per order between its customer and support (issue 15).
//
// Customer routes, under the order's own Bearer token (orders.hpp open_order: a wrong or missing token is the same
// 404 as an unknown order); a POST whose Origin is another site's is refused (403 cross_origin):
//   GET  /api/orders/:id/messages   200 {"messages":[MESSAGE...]} oldest first
//   POST /api/orders/:id/messages   {"body":"...","device":{"model":"...","os":"..."}?} -> 201 MESSAGE.
//                                   400 invalid_json / empty_message / message_too_long (over 4000 characters once
//                                   trimmed) / invalid_message (not UTF-8) / invalid_device (fields not printable
//                                   text of at most 64 characters, model required); 413 too_large (body over
//                                   64 KB); 429 rate_limited + Retry-After (10 per order per hour, rate_counts.hpp)
// Admin routes, under the admin token (admin_api.hpp: 401 without it):
//   GET  /api/admin/support                 {"threads":[{"order_id","last_message_at","messages"}]}: threads whose
//                                           last message is the customer's (waiting for an answer), oldest wait
//                                           first; no message text, no e-mail address
//   GET  /api/admin/orders/:id/messages     the thread, as the customer sees it (404 not_found: no such order)
//   POST /api/admin/orders/:id/messages     {"body"} -> 201 MESSAGE (author "support"); the same body rules
// MESSAGE is core/support.hpp's message_json. Every message notifies the other side through the outbox: a customer
// message sends the support inbox (--support-email) a notice naming the order and its message count, and saying to
// answer through the admin API: not the text, the device or the customer's address (support reads the thread
// with the admin token; a mailbox copy would outlive the order's erase). A support reply is e-mailed to the order's
// customer with its text (HTML-escaped in the HTML part) and the order page's link. Log lines name order and
// message ids only. The messages are in both data exports and go with both erases (privacy_rights.hpp).
#pragma once
#include <string>

#include "server/admin_api.hpp"
#include "server/db.hpp"
#include "server/orders.hpp"
#include "server/outbox.hpp"
#include "server/router.hpp"

namespace jupiter::server {

struct SupportConfig {
  std::string inbox = "support@jupiteresims.example";  // --support-email: where customer messages are announced
  std::int64_t per_order_per_hour = 10;                 // customer messages per order
  std::string public_url;                               // the store's (order page links, the POST Origin check)
  std::string token_secret;                             // order links in the reply e-mails
};

// An order's messages as MESSAGE documents, oldest first (the exports list them too: privacy_rights.cpp).
db::Result<nlohmann::json> thread_json(db::Connection& c, const std::string& order_id);

class SupportMessages {
 public:
  SupportMessages(db::Database& db, Orders& orders, const AdminApi& admin, Outbox& outbox, SupportConfig config)
      : db_(db), orders_(orders), admin_(admin), outbox_(outbox), config_(std::move(config)) {}
  void add_routes(Router& router);

 private:
  void list(const httplib::Request& req, httplib::Response& res, const std::string& id);
  void post(const httplib::Request& req, httplib::Response& res, const std::string& id);
  void waiting(httplib::Response& res);
  void admin_list(httplib::Response& res, const std::string& id);
  void admin_post(const httplib::Request& req, httplib::Response& res, const std::string& id);
  void notify_support(const std::string& id, std::int64_t count);
  void notify_customer(const std::string& id, const std::string& body);

  db::Database& db_;
  Orders& orders_;
  const AdminApi& admin_;
  Outbox& outbox_;
  SupportConfig config_;
};

}  // namespace jupiter::server
