// privacy_rights.cpp: see privacy_rights.hpp.
#include "server/privacy_rights.hpp"

#include <httplib.h>
#include <sqlite3.h>

#include <filesystem>
#include <system_error>

#include "core/contact.hpp"
#include "core/policy.hpp"
#include "server/clock.hpp"
#include "server/consent_store.hpp"
#include "server/crypto.hpp"
#include "server/http_util.hpp"
#include "server/log.hpp"
#include "server/support_messages.hpp"
#include "server/unsubscribe.hpp"

namespace jupiter::server {

namespace {

using json = nlohmann::json;
constexpr std::size_t kMaxBody = 4 * 1024;
constexpr const char* kNotStored =
    "Card numbers, expiry dates and security codes never reach JupiterEsims: the payment processor keeps them. We "
    "keep only its transaction id, the card brand and the last 4 digits.";

std::string lower_ascii(std::string s) {
  for (char& ch : s)
    if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
  return s;
}

void internal(httplib::Response& res, const std::string& why) {
  log::error("privacy: " + why);
  send_error(res, 500, "internal", "the request could not be completed");
}

}  // namespace

// Appends an order_history row that records an event without a state change (from = to = the current state).
db::Status order_note(db::Connection& c, const std::string& id, const std::string& reason) {
  return c.exec("INSERT INTO order_history (order_id, seq, at, from_state, to_state, reason) "
                "SELECT id, (SELECT coalesce(max(seq), 0) + 1 FROM order_history WHERE order_id = ?1), ?2, state, "
                "state, ?3 FROM orders WHERE id = ?1",
                id, rfc3339(now_ms()), reason);
}

db::Status touch_order(db::Connection& c, const std::string& id) {
  return c.exec("UPDATE orders SET updated_at = ? WHERE id = ?", rfc3339(now_ms()), id);
}

// What the person's address holds besides its orders: the account's sessions and sign-in links (times only: their
// ids are kept as hashes nobody can use) and the per-person marketing state (unsubscribe.hpp).
db::Result<json> person_data(db::Connection& c, const std::string& email) {
  json p = {{"account_sessions", json::array()}, {"sign_in_links", json::array()}, {"marketing", nullptr}};
  DB_TRY(c.query("SELECT created_s, expires_s FROM account_sessions WHERE lower(email) = ? ORDER BY created_s", email)
             .each([&p](const db::Row& r) {
               p["account_sessions"].push_back({{"created_at", rfc3339(r.int64(0) * 1000)},
                                                {"expires_at", rfc3339(r.int64(1) * 1000)}});
             }));
  DB_TRY(c.query("SELECT created_s, expires_s, used_s FROM account_links WHERE lower(email) = ? ORDER BY created_s",
                 email)
             .each([&p](const db::Row& r) {
               p["sign_in_links"].push_back({{"created_at", rfc3339(r.int64(0) * 1000)},
                                             {"expires_at", rfc3339(r.int64(1) * 1000)},
                                             {"used", !r.is_null(2)}});
             }));
  DB_TRY(c.query("SELECT opted_in, changed_ms, source FROM marketing_preferences WHERE email = ?", email)
             .each([&p](const db::Row& r) {
               p["marketing"] = {{"opted_in", r.boolean(0)}, {"changed_at", rfc3339(r.int64(1))},
                                 {"source", r.text(2)}};
             }));
  return p;
}

// The address's account: its sessions end and its sign-in links go (part of the erase's transaction).
db::Status erase_account(db::Connection& c, const std::string& email) {
  DB_TRY(c.exec("DELETE FROM account_sessions WHERE lower(email) = ?", email));
  return c.exec("DELETE FROM account_links WHERE lower(email) = ?", email);
}

// Normalizes one typed contact field ("email", "name" or "phone") into normalized and checks it; an empty phone is
// allowed (it removes the number).
ContactCheck normalize_contact_field(const std::string& key, const std::string& typed, std::string& normalized) {
  if (key == "email") {
    normalized = normalize_email(typed);
    return validate_email(normalized);
  }
  if (key == "name") {
    normalized = normalize_name(typed);
    return validate_name(normalized);
  }
  normalized = normalize_phone(typed);
  return normalized.empty() ? ContactCheck{} : validate_phone(normalized);
}

db::Status log_rights_request(db::Connection& c, const std::string& kind, const std::string& outcome) {
  return c.exec("INSERT INTO rights_requests(request_id, kind, outcome, at_ms) VALUES (?, ?, ?, ?)",
                random_id("rr_", 12), kind, outcome, now_ms());
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] one order's record, shared with the privacy centre
// ---------------------------------------------------------------------------------------------------------
db::Result<json> order_export(db::Connection& c, const std::string& id, std::string& consent_id) {
  DB_TRY_LET(const std::optional<json> order, load_order(c, id));
  if (!order) return db::Error{SQLITE_NOTFOUND, "order " + id + " vanished during its export"};
  json settings = json::object();
  DB_TRY(c.query("SELECT consent_id, language, terms_version, partner FROM orders WHERE id = ?", id)
             .each([&](const db::Row& r) {
               consent_id = r.text(0);
               settings = {{"language", r.text(1)}, {"terms_version", r.text(2)}, {"partner", r.text(3)},
                           {"consent_id", r.text(0)}};
             }));
  json emails = json::array();
  DB_TRY(c.query("SELECT kind, sent_s FROM order_emails WHERE order_id = ? ORDER BY sent_s", id)
             .each([&emails](const db::Row& r) {
               emails.push_back({{"kind", r.text(0)}, {"sent_at", rfc3339(r.int64(1) * 1000)}});
             }));
  DB_TRY_LET(json messages, thread_json(c, id));  // the support thread, device details included (issue 15)
  return json{{"order", *order}, {"order_settings", settings}, {"emails", emails}, {"support_messages", messages}};
}

db::Result<json> consent_receipts_json(db::Database& db, const std::string& consent_id) {
  json receipts = json::array();
  if (consent_id.empty()) return receipts;
  DB_TRY_LET(const std::vector<StoredReceipt> stored, list_consent_receipts(db, consent_id));
  for (const StoredReceipt& s : stored) {
    const ConsentReceipt& r = s.receipt;
    receipts.push_back({{"received_at", rfc3339(s.received_ms)}, {"time", rfc3339(r.time_ms)},
                        {"source", r.source}, {"action", r.action},
                        {"choices", json::parse(r.choices_json, nullptr, false)},
                        {"policy_version", r.policy_version}, {"language", r.language}, {"gpc", r.gpc},
                        {"gpc_header", r.gpc_header}});
  }
  return receipts;
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] access and portability
// ---------------------------------------------------------------------------------------------------------
void PrivacyRights::export_data(const httplib::Request& req, httplib::Response& res, const std::string& id) {
  auto order = orders_.open_order(req, res, id);
  if (!order) return;
  std::string consent_id;
  json person;
  auto record = db_.with([&](db::Connection& c) -> db::Result<json> {
    DB_TRY_LET(json e, order_export(c, id, consent_id));
    DB_TRY_LET(person, person_data(c, lower_ascii((*order)["customer"]["email"].get<std::string>())));
    return e;
  });
  if (!record) return internal(res, record.error().message);
  auto receipts = consent_receipts_json(db_, consent_id);
  if (!receipts) return internal(res, receipts.error().message);
  const json out = {
      {"format", "jupiteresims-personal-data/1"},
      {"exported_at", rfc3339(now_ms())},
      {"order", record.value()["order"]},
      {"order_settings", record.value()["order_settings"]},
      {"emails", record.value()["emails"]},
      {"support_messages", record.value()["support_messages"]},
      {"consent_receipts", receipts.value()},
      {"account", {{"sessions", person["account_sessions"]}, {"sign_in_links", person["sign_in_links"]}}},
      {"marketing", person["marketing"]},
      {"not_stored", kNotStored},
  };
  auto logged = db_.with([](db::Connection& c) { return log_rights_request(c, "access", "done"); });
  if (!logged) return internal(res, logged.error().message);
  res.set_header("Content-Disposition", "attachment; filename=\"jupiteresims-" + id + ".json\"");
  res.set_header("Cache-Control", "no-store");
  send_json(res, 200, out.dump(2));
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] correction, marketing withdrawal
// ---------------------------------------------------------------------------------------------------------
void PrivacyRights::correct(const httplib::Request& req, httplib::Response& res, const std::string& id) {
  auto order = orders_.open_order(req, res, id);
  if (!order) return;
  if (req.body.size() > kMaxBody) return send_error(res, 413, "too_large", "the request body is too large");
  const json body = json::parse(req.body, nullptr, false);
  if (!body.is_object()) return send_error(res, 400, "invalid_json", "the body must be a JSON object");
  if ((*order)["customer"]["email"] == "")
    return send_error(res, 409, "erased", "the personal data of this order was erased");

  std::vector<std::pair<std::string, std::string>> sets;  // column, value
  std::vector<std::string> what;
  for (const auto& [key, value] : body.items()) {
    if (key == "marketing") {
      if (!value.is_boolean() || value.get<bool>())
        return send_error(res, 400, "invalid_marketing", "marketing can only be withdrawn here (false)");
      sets.emplace_back("marketing", "0");
      what.emplace_back("marketing opt-in withdrawn");
      continue;
    }
    if (key != "email" && key != "name" && key != "phone")
      return send_error(res, 400, "unknown_field", "unknown field: " + log::printable(key));
    if (!value.is_string() || value.get_ref<const std::string&>().size() > 320)
      return send_error(res, 400, "invalid_" + key, key + " must be a string");
    std::string normalized;
    const ContactCheck check = normalize_contact_field(key, value.get_ref<const std::string&>(), normalized);
    if (!check.ok()) return send_error(res, 400, "invalid_" + key, check.message);
    sets.emplace_back(key, normalized);
    what.emplace_back(key + " corrected");
  }
  if (sets.empty()) return send_error(res, 400, "nothing_to_change", "name, email, phone or marketing expected");

  std::string reason = "customer request: ";
  for (std::size_t i = 0; i < what.size(); ++i) reason += (i ? ", " : "") + what[i];
  auto done = db_.with([&](db::Connection& c) {
    return db::in_transaction(c, [&](db::Connection& t) -> db::Status {
      // The opt-in is per person: withdrawn on this order, it is withdrawn for every order of the address.
      if (body.contains("marketing"))
        DB_TRY(withdraw_marketing(t, (*order)["customer"]["email"].get<std::string>(), "order_withdrawal"));
      for (const auto& [column, value] : sets) {
        // column is one of four fixed names (checked above), never user text.
        const std::string sql = "UPDATE orders SET " + column + " = ? WHERE id = ?";
        DB_TRY(column == "marketing" ? t.exec(sql, std::int64_t{0}, id) : t.exec(sql, value, id));
      }
      DB_TRY(touch_order(t, id));
      DB_TRY(log_rights_request(t, "correction", "done"));
      return order_note(t, id, reason);
    });
  });
  if (!done) return internal(res, done.error().message);
  if (body.contains("marketing")) record_marketing_withdrawal(id, sends_gpc(req));
  auto updated = orders_.open_order(req, res, id);
  if (updated) send_json(res, 200, updated->dump());
}

void PrivacyRights::record_marketing_withdrawal(const std::string& id, bool gpc_header) {
  auto consent_id = db_.with([&](db::Connection& c) {
    return c.query("SELECT consent_id FROM orders WHERE id = ?", id).one([](const db::Row& row) { return row.text(0); });
  });
  if (!consent_id || !consent_id.value() || consent_id.value()->empty()) return;
  ConsentReceipt r;
  r.consent_id = *consent_id.value();
  r.time_ms = now_ms();
  r.source = "checkout";
  r.action = "marketing_withdrawn";
  r.choices_json = json{{"marketing_opt_in", false}, {"order", id}}.dump();
  r.policy_version = std::string(kPolicyVersion);
  r.text_hash = "sha256:" + sha256_hex("order page: stop marketing messages");
  r.ui_version = "store-privacy-1";
  r.gpc_header = gpc_header;
  auto stored = append_consent_receipt(db_, r);
  if (!stored) log::error("privacy: marketing withdrawal receipt of " + id + ": " + stored.error().message);
  else if (stored.value().outcome == ReceiptAppend::Outcome::Invalid)
    log::error("privacy: marketing withdrawal receipt of " + id + " refused: " + stored.value().problem);
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] erasure
// ---------------------------------------------------------------------------------------------------------
db::Status erase_rows(db::Connection& c, const std::string& id, std::vector<std::string>& files,
                      std::optional<json>& erased, bool log_request) {
  DB_TRY(c.query("SELECT file FROM order_emails WHERE order_id = ? AND file <> ''", id)
             .each([&files](const db::Row& r) { files.push_back(r.text(0)); }));
  DB_TRY_LET(const std::optional<std::string> email,
             c.query("SELECT lower(email) FROM orders WHERE id = ?", id).one([](const db::Row& r) { return r.text(0); }));
  if (email && !email->empty()) {
    DB_TRY(withdraw_marketing(c, *email, "erase"));
    DB_TRY(erase_account(c, *email));
  }
  DB_TRY(c.exec("UPDATE orders SET email = '', name = '', phone = '', marketing = 0 WHERE id = ?", id));
  // The person's marketing row names the address: it goes with the address's last order.
  if (email) DB_TRY(c.exec("DELETE FROM marketing_preferences WHERE email = ? AND NOT EXISTS "
                           "(SELECT 1 FROM orders WHERE lower(email) = ?)", *email, *email));
  DB_TRY(c.exec("UPDATE order_emails SET file = '' WHERE order_id = ?", id));
  DB_TRY(c.exec("DELETE FROM support_messages WHERE order_id = ?", id));  // their text and device details
  // The key's request hash is an unsalted SHA-256 of a request that held the e-mail: a guessable address would
  // match it. A replay of the key already finds the token revoked; it now finds another request too (409).
  DB_TRY(c.exec("UPDATE idempotency_keys SET request_sha256 = 'erased' WHERE order_id = ?", id));
  DB_TRY(touch_order(c, id));
  DB_TRY(order_note(c, id, "customer request: personal data erased"));
  DB_TRY(revoke_token(c, id));
  // Its top-ups (topups.hpp) carry a copy of the same contact details: they are erased with it.
  DB_TRY_LET(const std::vector<std::string> topups,
             c.query("SELECT id FROM orders WHERE topup_of = ? AND email <> ''", id).all([](const db::Row& r) {
               return r.text(0);
             }));
  for (const std::string& t : topups) {
    std::optional<json> ignored;
    DB_TRY(erase_rows(c, t, files, ignored, false));
  }
  if (log_request) DB_TRY(log_rights_request(c, "erasure", "done"));
  DB_TRY_LET(erased, load_order(c, id));
  return {};
}

db::Status erase_securely(db::Connection& c, const std::function<db::Status(db::Connection&)>& rows) {
  // Without secure_delete SQLite leaves the old row's bytes in the page's free space, and the WAL keeps the old
  // page until a checkpoint: the address would still be in the files. Zeroed on write, then checkpointed.
  DB_TRY(c.exec("PRAGMA secure_delete = ON"));
  DB_TRY(db::in_transaction(c, rows));
  return c.exec("PRAGMA wal_checkpoint(TRUNCATE)");
}

void delete_outbox_files(const Outbox& outbox, const std::vector<std::string>& files) {
  for (const std::string& name : files) {
    if (name.find('/') != std::string::npos || name.find("..") != std::string::npos) continue;
    std::error_code ec;
    std::filesystem::remove(outbox.dir() / name, ec);
    if (ec) log::error("privacy: could not delete outbox file " + name + ": " + ec.message());
  }
}

void PrivacyRights::erase(const httplib::Request& req, httplib::Response& res, const std::string& id) {
  auto order = orders_.open_order(req, res, id);
  if (!order) return;
  const std::string state = (*order)["state"].get<std::string>();
  if (state == "pending_payment" || state == "paid" || state == "provisioning")
    return send_error(res, 409, "order_in_progress",
                      "this order is still being paid for or prepared; its data can be erased once it is finished");
  std::vector<std::string> files;
  std::optional<json> erased;  // the order as it is now, answered once: its token stops working with the erase
  auto done = db_.with([&](db::Connection& c) {
    return erase_securely(c, [&](db::Connection& t) { return erase_rows(t, id, files, erased, true); });
  });
  if (!done) return internal(res, done.error().message);
  // The e-mails hold the address and the name: delete them once the database no longer points at them.
  delete_outbox_files(outbox_, files);
  if (!erased) return internal(res, "order " + id + " vanished during its erase");
  send_json(res, 200, erased->dump());
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] routes
// ---------------------------------------------------------------------------------------------------------
void PrivacyRights::add_routes(Router& router) {
  router.get("/api/orders/:id/data", [this](const httplib::Request& req, httplib::Response& res,
                                            const RouteParams& p) { export_data(req, res, std::string(p.get("id"))); });
  router.post("/api/orders/:id/customer", [this](const httplib::Request& req, httplib::Response& res,
                                                 const RouteParams& p) { correct(req, res, std::string(p.get("id"))); });
  router.post("/api/orders/:id/erase", [this](const httplib::Request& req, httplib::Response& res,
                                              const RouteParams& p) { erase(req, res, std::string(p.get("id"))); });
}

}  // namespace jupiter::server
