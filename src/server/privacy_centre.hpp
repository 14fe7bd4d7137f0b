// privacy_centre.hpp: the account-wide privacy centre on the server (issue 16): every right of the privacy policy's
// section 9 over everything held about a signed-in e-mail address, all its orders at once.
//
// [X] Summary: the address, how many orders, the marketing state and the restrictions.
// [X] Access and portability: one JSON download of every order (as the per-order export gives it,
//     privacy_rights.hpp order_export), the consent receipts by consent id, marketing, restrictions, the account's
//     sessions and sign-in links, and the partner contacts with this address (policy add-on A).
// [X] Correction: name and phone on every order of the address (the core's contact rules), the name of a partner
//     contact with this address too. The e-mail address only through a link sent to the new address (15 min, single
//     use, HMAC-signed, stored as a hash): every order, the marketing preference, the restrictions and the partner
//     contact move to it; the old address's sessions end and the browser is signed in as the new one; the old
//     address gets a notice (without the new address) besides the new one's confirmation. When both
//     addresses already had a preference, the stricter wins (opted in only if both were; restricted if either was).
// [X] Restriction / objection: marketing and analytics, one row per person (privacy_restrictions). Restricting
//     marketing clears the opt-in exactly as unsubscribing does (unsubscribe.hpp withdraw_marketing), so no marketing
//     footer rides on any later e-mail. A later order made with the marketing opt-in ticked is a new, explicit consent:
//     it lifts the marketing restriction (a trigger, migrations.cpp) and opts the person in again. Analytics has no
//     server-side processing to stop; GET /api/account carries the restrictions so the store keeps analytics off.
//     Each restriction is recorded as a consent receipt (source checkout, action processing_restricted) under every
//     consent id of the person's orders, as the per-order marketing withdrawal is.
// [X] Erasure: every order as the per-order erase does it (erase_rows). Orders being paid (with a checkout page
//     still open) or provisioned are not refused: their ids (nothing else) go to erase_queue, and a background step
//     (PrivacyCentre::start, next to the other workers) erases each once it has been in a final state (delivered,
//     failed, refunded, cancelled) for erase_grace_ms, so its last e-mail is written and recorded before its erase
//     deletes it. An unpaid order with no open checkout page is cancelled and erased at once. The address's sessions
//     (cookie cleared), sign-in links, pending e-mail changes, restrictions and marketing row (with its last order)
//     go; a partner contact's personal fields are overwritten (the columns are NOT NULL): contact_name "(erased)",
//     contact_email "". Outbox e-mails addressed to it are deleted.
//     Kept, as accounting and law need (privacy_rights.hpp): plan, price, dates, state history, the processor's
//     transaction id, card brand and last 4, the ICCID, the consent receipts (which hold no personal data).
// [X] Confirmations: every request (access, correction, email_change, restriction, erasure) is logged with
//     log_rights_request (kind, outcome, random id, time: nothing personal) and confirmed by an e-mail to the person
//     saying what was done and the date (no order secrets, no activation codes). The erasure's confirmation is
//     written to the outbox before the data goes, and is the one message that still names the address afterwards
//     (it has to reach the person); every other outbox e-mail to the address is deleted by the erase.
// [X] Nothing personal in logs or URLs: the address is never logged, never in a link (links carry random tokens).
//
//   GET  /api/account/privacy           200 {"email", "orders": N, "marketing": {"opted_in"},
//                                       "restrictions": {"marketing", "analytics"}}
//   GET  /api/account/data              200 the download (attachment jupiteresims-my-data.json, no-store):
//                                       {"format": "jupiteresims-person-export/1", "generated_at", "email",
//                                       "orders": [{"order", "order_settings", "emails"}...],
//                                       "consent_receipts": {"<consent id>": [...]}, "marketing", "restrictions",
//                                       "sessions", "sign_in_links", "partner_contacts": [{"id", "name", "contact"}]}
//   POST /api/account/customer          {"name"?, "phone"?} 200 {"updated_orders": N}; 400 invalid_name /
//                                       invalid_phone / unknown_field / nothing_to_change.
//                                       {"email"} (alone, else 400 email_alone) 202 {"verification_sent": true};
//                                       400 invalid_email / same_email; 429 rate_limited past 5 links an hour
//                                       per account; nothing changes until the link is used
//   GET  /account/email?token=T         a page with one button (opening the link uses nothing up)
//   POST /account/email (form token=T)  the button: moves the person to the new address, signs in as it (new
//                                       cookie), 303 to /?account=privacy
//   POST /api/account/email/verify      {"token"} the same for the store's fetch: 200 {"email",
//                                       "session_expires_at", "next": "privacy"}
//   POST /api/account/restrict          {"marketing"?: bool, "analytics"?: bool} (true restricts, false lifts; at
//                                       least one) 200 {"restrictions": {"marketing", "analytics"}}
//   POST /api/account/erase             {"confirm": true} 202 {"erased": N, "queued": M, "kept": [...]}; the cookie
//                                       is cleared; 400 confirm_required
//
// Errors as accounts.hpp: 400 invalid_json / unknown_field / invalid_<field> / invalid_link, 401 not_signed_in /
// invalid_session / session_ended, 403 cross_origin (a POST from another Origin), 410 link_expired / link_used.
#pragma once
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "server/background.hpp"
#include "server/db.hpp"
#include "server/outbox.hpp"
#include "server/router.hpp"
#include "server/sessions.hpp"

namespace jupiter::server {

struct PrivacyCentreConfig {
  std::string public_url;  // links; https makes the cookie Secure
  std::string secret;      // the server's token secret (sessions.hpp accounts_key)
  std::int64_t link_ttl_s = 15 * 60;   // e-mail change links
  std::int64_t erase_period_ms = 1000;  // how often the erase queue is looked at
  std::int64_t erase_grace_ms = 3000;   // a queued order is erased this long after its last state change
};

// One person's restrictions (privacy_restrictions; both false when there is no row).
struct Restrictions {
  bool marketing = false;
  bool analytics = false;
};
db::Result<Restrictions> person_restrictions(db::Connection& c, const std::string& email);
nlohmann::json restrictions_json(const Restrictions& r);  // {"marketing": bool, "analytics": bool}

class PrivacyCentre {
 public:
  // `work` is the background connection the workers share (the erase queue's step runs on it, never blocking the
  // requests' connection while another process holds the database).
  PrivacyCentre(db::Database& db, db::Database& work, Outbox& outbox, PrivacyCentreConfig config);
  ~PrivacyCentre();
  PrivacyCentre(const PrivacyCentre&) = delete;
  PrivacyCentre& operator=(const PrivacyCentre&) = delete;

  void add_routes(Router& router);
  // The erase queue's background step, every erase_period_ms (one process per turn, job_claims.hpp).
  void start();
  void stop();
  // Erases the queued orders now in a final state; how many were erased.
  int erase_queued();

 private:
  void summary(const httplib::Request& req, httplib::Response& res);
  void export_all(const httplib::Request& req, httplib::Response& res);
  void correct(const httplib::Request& req, httplib::Response& res);
  void ask_email_change(httplib::Response& res, const Session& s, const nlohmann::json& value);
  void restrict(const httplib::Request& req, httplib::Response& res);
  void erase(const httplib::Request& req, httplib::Response& res);
  void email_page(const httplib::Request& req, httplib::Response& res);
  void email_form(const httplib::Request& req, httplib::Response& res);
  void email_api(const httplib::Request& req, httplib::Response& res);

  struct Changed {
    int status = 0;
    std::string code, message, cookie, email;
    std::int64_t expires_s = 0;
  };
  Changed change_email(const httplib::Request& req, const std::string& token);
  // Writes the confirmation e-mail of a request to `email` (outbox name "privacy-<kind>"); the file name or "".
  std::string confirm(const std::string& email, const std::string& kind, const std::string& what);
  void record_restriction(const std::string& email, const Restrictions& r, bool gpc_header);

  db::Database& db_;
  db::Database& work_;
  Outbox& outbox_;
  PrivacyCentreConfig config_;
  std::string key_;
  SessionCheck check_;
  Background eraser_;
};

}  // namespace jupiter::server
