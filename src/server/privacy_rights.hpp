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
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/contact.hpp"
#include "server/db.hpp"
#include "server/orders.hpp"
#include "server/outbox.hpp"
#include "server/router.hpp"

namespace jupiter::server {

// Logs a rights request (kind: access, correction, erasure, unsubscribe; outcome: done, refused) under a fresh random
// request id with the time: nothing else, no personal data (table rights_requests; kept as retention.json says).
db::Status log_rights_request(db::Connection& c, const std::string& kind, const std::string& outcome);

// [SECTION] shared with the account-wide privacy centre (privacy_centre.hpp): one copy of each step.
// One order's record as its export gives it: {"order": ORDER with its history, "order_settings", "emails"}; the
// order's consent id in `consent_id`.
db::Result<nlohmann::json> order_export(db::Connection& c, const std::string& id, std::string& consent_id);
// The consent receipts of `consent_id` as the export lists them ([] for "").
db::Result<nlohmann::json> consent_receipts_json(db::Database& db, const std::string& consent_id);
// What the (lower-cased) address holds besides its orders: {"account_sessions", "sign_in_links", "marketing"}.
db::Result<nlohmann::json> person_data(db::Connection& c, const std::string& email);
// The address's account: its sessions end and its sign-in links go.
db::Status erase_account(db::Connection& c, const std::string& email);
// Normalizes one typed contact field ("email", "name" or "phone") into `normalized` and checks it with the core's
// contact rules; an empty phone is allowed (it removes the number).
ContactCheck normalize_contact_field(const std::string& key, const std::string& typed, std::string& normalized);
// An order_history row recording an event without a state change; updated_at set to now.
db::Status order_note(db::Connection& c, const std::string& id, const std::string& reason);
db::Status touch_order(db::Connection& c, const std::string& id);
// One order's erase inside the caller's transaction: the outbox files it names (to delete after the commit) in
// `files`, the customer's fields blanked, the address's marketing withdrawn (its row gone with its last order) and
// account ended, the key's request hash replaced, a history note, the token revoked, the order as it is now in
// `erased`; logged as a rights request when `log_request`.
db::Status erase_rows(db::Connection& c, const std::string& id, std::vector<std::string>& files,
                      std::optional<nlohmann::json>& erased, bool log_request);
// Runs `rows` in one transaction with SQLite's secure_delete on, then checkpoints the WAL (TRUNCATE), so the erased
// bytes are in neither file.
db::Status erase_securely(db::Connection& c, const std::function<db::Status(db::Connection&)>& rows);
// Deletes the named outbox files (plain names only).
void delete_outbox_files(const Outbox& outbox, const std::vector<std::string>& files);

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
