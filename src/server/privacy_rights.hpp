// privacy_rights.hpp: the rights the privacy policy (section 9) gives a customer over a guest order's data,
// self-service with the order's secret (the same Bearer token as GET /api/orders/:id; a wrong one is the same 404):
//
//   GET  /api/orders/:id/data      access + portability: everything stored about the customer of this order, as
//                                  a JSON download (the order, its history, its consent receipts, its e-mails,
//                                  the address's account sessions and sign-in links, its marketing state)
//   POST /api/orders/:id/customer  correct or update: {"email"?, "name"?, "phone"?} checked by the core's contact
//                                  rules; {"marketing": false} withdraws the marketing opt-in (recorded as a
//                                  consent receipt, like the opt-in was)
//   POST /api/orders/:id/erase     deletion: name, e-mail and phone blanked, marketing off for the address (its
//                                  row gone with its last order), the address's sessions and sign-in links
//                                  deleted (signed out everywhere), the order's e-mails
//                                  deleted from the outbox, the Idempotency-Key's request hash (an unsalted
//                                  SHA-256 of a request that held the e-mail) replaced. What contract and law need kept stays: plan, price,
//                                  dates, state history, the processor's transaction id and card brand/last 4, the
//                                  eSIM's ICCID (the partner's records refer to it), and consent receipts (proof,
//                                  which hold no personal data). Refused (409) while the order is being paid or
//                                  provisioned: its e-mail address is still needed to deliver it. The erase also
//                                  revokes the order's token (orders.hpp revoke_token): the answer carries the erased
//                                  order once, and from then on the token opens nothing (the same 404).
// Every change is one SQLite transaction with an order_history row that says what happened (never the values).
#pragma once
#include "server/db.hpp"
#include "server/orders.hpp"
#include "server/outbox.hpp"
#include "server/router.hpp"

namespace jupiter::server {

// Logs a rights request (kind: access, correction, erasure, unsubscribe; outcome: done, refused) under a fresh random
// request id with the time: nothing else, no personal data (table rights_requests; kept as retention.json says).
db::Status log_rights_request(db::Connection& c, const std::string& kind, const std::string& outcome);

class PrivacyRights {
 public:
  PrivacyRights(db::Database& db, Orders& orders, Outbox& outbox) : db_(db), orders_(orders), outbox_(outbox) {}
  void add_routes(Router& router);

 private:
  void export_data(const httplib::Request& req, httplib::Response& res, const std::string& id);
  void correct(const httplib::Request& req, httplib::Response& res, const std::string& id);
  void erase(const httplib::Request& req, httplib::Response& res, const std::string& id);
  void record_marketing_withdrawal(const std::string& id, bool gpc_header);  // gpc_header: Sec-GPC: 1 sent  // a consent receipt, like the opt-in's

  db::Database& db_;
  Orders& orders_;
  Outbox& outbox_;
};

}  // namespace jupiter::server
