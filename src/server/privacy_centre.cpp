// privacy_centre.cpp: see privacy_centre.hpp.
//
// [SECTION] helpers: bodies, the person's rows, confirmation e-mails
// [SECTION] summary and access
// [SECTION] correction
// [SECTION] e-mail change
// [SECTION] restriction
// [SECTION] erasure and its queue
// [SECTION] routes
#include "server/privacy_centre.hpp"

#include <httplib.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>
#include <system_error>

#include "core/contact.hpp"
#include "core/policy.hpp"
#include "server/clock.hpp"
#include "server/consent_store.hpp"
#include "server/crypto.hpp"
#include "server/html_escape.hpp"
#include "server/http_util.hpp"
#include "server/job_claims.hpp"
#include "server/json_body.hpp"
#include "server/log.hpp"
#include "server/orders.hpp"
#include "server/privacy_rights.hpp"
#include "server/rate_counts.hpp"
#include "server/unsubscribe.hpp"

namespace jupiter::server {

namespace {

using json = nlohmann::json;

constexpr std::size_t kMaxBody = 4 * 1024;
constexpr std::size_t kMaxField = 320;
constexpr std::int64_t kEmailChangesPerHour = 5;  // e-mail change links per account per hour
// What an erase keeps because accounting and the law need it (privacy_rights.hpp).
const std::vector<std::string> kKept = {"plan",           "price", "dates", "state history", "transaction id",
                                        "card brand and last 4", "ICCID", "consent receipts"};

// ---------------------------------------------------------------------------------------------------------
// [SECTION] helpers: bodies, the person's rows, confirmation e-mails
// ---------------------------------------------------------------------------------------------------------

std::string lower_ascii(std::string s) {
  for (char& ch : s)
    if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
  return s;
}

void internal(httplib::Response& res, const std::string& why) {
  log::error("privacy centre: " + why);
  send_error(res, 500, "internal", "the request could not be completed");
}

// The ids of the orders of the (lower-cased) address, oldest first.
db::Result<std::vector<std::string>> order_ids(db::Connection& c, const std::string& email) {
  return c.query("SELECT id FROM orders WHERE lower(email) = ? AND email <> '' ORDER BY created_at, id", email)
      .all([](const db::Row& r) { return r.text(0); });
}

db::Status store_restrictions(db::Connection& c, const std::string& email, const Restrictions& r) {
  return c.exec("INSERT INTO privacy_restrictions(email, marketing, analytics, changed_ms) VALUES (?, ?, ?, ?) "
                "ON CONFLICT(email) DO UPDATE SET marketing = excluded.marketing, analytics = excluded.analytics, "
                "changed_ms = excluded.changed_ms",
                email, std::int64_t{r.marketing}, std::int64_t{r.analytics}, now_ms());
}

// The partner contacts whose contact e-mail is the address (business partner data, add-on A).
db::Result<json> partner_contacts(db::Connection& c, const std::string& email) {
  json out = json::array();
  DB_TRY(c.query("SELECT id, name, contact_name, contact_email FROM partners WHERE lower(contact_email) = ? "
                 "AND contact_email <> '' ORDER BY id", email)
             .each([&out](const db::Row& r) {
               out.push_back({{"id", r.text(0)}, {"name", r.text(1)},
                              {"contact", {{"name", r.text(2)}, {"email", r.text(3)}}}});
             }));
  return out;
}

std::string today() { return rfc3339(now_ms()).substr(0, 10); }

Mail confirmation_mail(const std::string& to, const std::string& what) {
  const std::string date = today();
  Mail m;
  m.to = to;
  m.subject = "Your privacy request at JupiterEsims";
  m.text = "On " + date + " (UTC) we did what you asked in the privacy centre:\n\n" + what +
           "\n\nIf you did not ask for this, write to support@jupiteresims.com.\n";
  m.html = "<p>On " + date + " (UTC) we did what you asked in the privacy centre:</p><p>" + html_escape(what) +
           "</p><p>If you did not ask for this, write to support@jupiteresims.com.</p>";
  return m;
}

// Every outbox e-mail addressed to `email` (its To: line, compared without letter case), except `keep`.
std::vector<std::string> mails_to(const Outbox& outbox, const std::string& email, const std::string& keep) {
  std::vector<std::string> names;
  const std::string wanted = "to: " + lower_ascii(email) + "\r\n";
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(outbox.dir(), ec)) {
    const std::string name = entry.path().filename().string();
    if (name == keep || entry.path().extension() != ".eml") continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::string head(4096, '\0');
    in.read(head.data(), static_cast<std::streamsize>(head.size()));
    head.resize(static_cast<std::size_t>(in.gcount()));
    head = lower_ascii(head.substr(0, head.find("\r\n\r\n") + 2));
    if (head.find("\r\n" + wanted) != std::string::npos || head.rfind(wanted, 0) == 0) names.push_back(name);
  }
  return names;
}

// The one JSON object body of a POST with keys from `allowed` only; nullopt with the 400 answered.
std::optional<json> strict_body(const httplib::Request& req, httplib::Response& res,
                                std::initializer_list<const char*> allowed) {
  auto body = json_object_body(req, res, kMaxBody);
  if (!body) return std::nullopt;
  for (const auto& item : body->items()) {
    bool known = false;
    for (const char* k : allowed) known = known || item.key() == k;
    if (!known) {
      send_error(res, 400, "unknown_field", "unknown field: " + log::printable(item.key()));
      return std::nullopt;
    }
  }
  if (body->empty()) {
    send_error(res, 400, "nothing_to_change", "the body names nothing to do");
    return std::nullopt;
  }
  return body;
}

}  // namespace

db::Result<Restrictions> person_restrictions(db::Connection& c, const std::string& email) {
  DB_TRY_LET(const std::optional<Restrictions> r,
             c.query("SELECT marketing, analytics FROM privacy_restrictions WHERE email = ?", lower_ascii(email))
                 .one([](const db::Row& row) { return Restrictions{row.boolean(0), row.boolean(1)}; }));
  return r.value_or(Restrictions{});
}

json restrictions_json(const Restrictions& r) { return {{"marketing", r.marketing}, {"analytics", r.analytics}}; }

PrivacyCentre::PrivacyCentre(db::Database& db, db::Database& work, Outbox& outbox, PrivacyCentreConfig config)
    : db_(db),
      work_(work),
      outbox_(outbox),
      config_(std::move(config)),
      key_(accounts_key(config_.secret)),
      check_{db, config_.public_url, key_} {}

PrivacyCentre::~PrivacyCentre() { stop(); }

std::string PrivacyCentre::confirm(const std::string& email, const std::string& kind, const std::string& what) {
  const auto file = outbox_.write(confirmation_mail(email, what), "privacy-" + kind);
  if (!file) log::error("privacy centre: the " + kind + " confirmation could not be written to the outbox");
  return file.value_or("");
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] summary and access
// ---------------------------------------------------------------------------------------------------------
void PrivacyCentre::summary(const httplib::Request& req, httplib::Response& res) {
  const auto s = request_session(check_, req, res);
  if (!s) return;
  const std::string email = lower_ascii(s->email);
  struct Summary {
    std::int64_t orders = 0;
    Restrictions restrictions;
  };
  auto got = db_.with([&](db::Connection& c) -> db::Result<Summary> {
    Summary out;
    DB_TRY_LET(const std::vector<std::string> ids, order_ids(c, email));
    out.orders = static_cast<std::int64_t>(ids.size());
    DB_TRY_LET(out.restrictions, person_restrictions(c, email));
    return out;
  });
  if (!got) return internal(res, got.error().message);
  send_json(res, 200, json{{"email", s->email},
                           {"orders", got.value().orders},
                           {"marketing", {{"opted_in", marketing_opted_in(db_, email)}}},
                           {"restrictions", restrictions_json(got.value().restrictions)}}
                          .dump());
}

void PrivacyCentre::export_all(const httplib::Request& req, httplib::Response& res) {
  const auto s = request_session(check_, req, res);
  if (!s) return;
  const std::string email = lower_ascii(s->email);
  std::set<std::string> consent_ids;
  json out = {{"format", "jupiteresims-person-export/1"}, {"generated_at", rfc3339(now_ms())}, {"email", s->email},
              {"orders", json::array()}};
  auto done = db_.with([&](db::Connection& c) -> db::Status {
    DB_TRY_LET(const std::vector<std::string> ids, order_ids(c, email));
    for (const std::string& id : ids) {
      std::string consent_id;
      DB_TRY_LET(json record, order_export(c, id, consent_id));
      out["orders"].push_back(std::move(record));
      if (!consent_id.empty()) consent_ids.insert(consent_id);
    }
    DB_TRY_LET(const json person, person_data(c, email));
    DB_TRY_LET(const Restrictions r, person_restrictions(c, email));
    DB_TRY_LET(out["partner_contacts"], partner_contacts(c, email));
    out["marketing"] = person["marketing"];
    out["restrictions"] = restrictions_json(r);
    out["sessions"] = person["account_sessions"];
    out["sign_in_links"] = person["sign_in_links"];
    return log_rights_request(c, "access", "done");
  });
  if (!done) return internal(res, done.error().message);
  out["consent_receipts"] = json::object();
  for (const std::string& id : consent_ids) {
    auto receipts = consent_receipts_json(db_, id);
    if (!receipts) return internal(res, receipts.error().message);
    out["consent_receipts"][id] = std::move(receipts).value();
  }
  confirm(s->email, "access", "You downloaded a copy of everything we hold about your e-mail address (" +
                                  std::to_string(out["orders"].size()) + " orders).");
  log::info("privacy centre: data exported");
  res.set_header("Content-Disposition", "attachment; filename=\"jupiteresims-my-data.json\"");
  res.set_header("Cache-Control", "no-store");
  send_json(res, 200, out.dump(2));
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] correction
// ---------------------------------------------------------------------------------------------------------
namespace {

// Name and phone (already checked) on every order of the address and the name of its partner contact; the number
// of orders changed.
db::Result<std::int64_t> correct_rows(db::Connection& c, const std::string& email,
                                      const std::vector<std::pair<std::string, std::string>>& sets) {
  DB_TRY_LET(const std::vector<std::string> ids, order_ids(c, email));
  std::string reason = "customer request (privacy centre): ";
  for (std::size_t i = 0; i < sets.size(); ++i) reason += (i ? ", " : "") + sets[i].first + " corrected";
  for (const auto& [column, value] : sets) {
    // column is "name" or "phone" (checked by the caller), never user text.
    DB_TRY(c.exec("UPDATE orders SET " + column + " = ? WHERE lower(email) = ? AND email <> ''", value, email));
    if (column == "name")
      DB_TRY(c.exec("UPDATE partners SET contact_name = ?, updated_at = ? WHERE lower(contact_email) = ? "
                    "AND contact_email <> ''", value, rfc3339(now_ms()), email));
  }
  for (const std::string& id : ids) {
    DB_TRY(touch_order(c, id));
    DB_TRY(order_note(c, id, reason));
  }
  DB_TRY(log_rights_request(c, "correction", "done"));
  return static_cast<std::int64_t>(ids.size());
}

}  // namespace

void PrivacyCentre::correct(const httplib::Request& req, httplib::Response& res) {
  if (!same_origin(check_, req, res)) return;
  const auto s = request_session(check_, req, res);
  if (!s) return;
  const auto body = strict_body(req, res, {"name", "phone", "email"});
  if (!body) return;
  if (body->contains("email")) {
    if (body->size() != 1)
      return send_error(res, 400, "email_alone", "the e-mail address is changed on its own, through a link");
    return ask_email_change(res, *s, (*body)["email"]);
  }
  std::vector<std::pair<std::string, std::string>> sets;  // column, value
  for (const auto& [key, value] : body->items()) {
    if (!value.is_string() || value.get_ref<const std::string&>().size() > kMaxField)
      return send_error(res, 400, "invalid_" + key, key + " must be a string");
    std::string normalized;
    const ContactCheck check = normalize_contact_field(key, value.get_ref<const std::string&>(), normalized);
    if (!check.ok()) return send_error(res, 400, "invalid_" + key, check.message);
    sets.emplace_back(key, normalized);
  }
  auto n = db_.with([&](db::Connection& c) {
    return db::in_transaction(c, [&](db::Connection& t) { return correct_rows(t, lower_ascii(s->email), sets); });
  });
  if (!n) return internal(res, n.error().message);
  std::string what = "You corrected your ";
  for (std::size_t i = 0; i < sets.size(); ++i) what += (i ? " and " : "") + sets[i].first;
  confirm(s->email, "correction", what + " on all your orders (" + std::to_string(n.value()) + ").");
  log::info("privacy centre: contact details corrected on " + std::to_string(n.value()) + " orders");
  send_json(res, 200, json{{"updated_orders", n.value()}}.dump());
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] e-mail change
// ---------------------------------------------------------------------------------------------------------
namespace {

Mail email_change_mail(const std::string& to, const std::string& link, std::int64_t ttl_s) {
  const std::string minutes = std::to_string(ttl_s / 60);
  Mail m;
  m.to = to;
  m.subject = "Confirm your new e-mail address at JupiterEsims";
  m.text = "Open this link to make this your e-mail address at JupiterEsims, for all your orders:\n\n" + link +
           "\n\nIt works once, for " + minutes + " minutes. If you did not ask for this, ignore this e-mail: "
           "nothing changes without the link.\n";
  m.html = "<p>Open this link to make this your e-mail address at JupiterEsims, for all your orders:</p><p><a href=\"" +
           html_escape(link) + "\">Confirm my new address</a></p><p>It works once, for " + minutes +
           " minutes. If you did not ask for this, ignore this e-mail: nothing changes without the link.</p>";
  return m;
}

// Moves one per-person row (marketing_preferences or privacy_restrictions, fixed names) from `from` to `to`. When
// both exist the stricter wins: marketing opted in only if both were; a restriction kept if either had it.
db::Status move_person_row(db::Connection& c, const std::string& table, const std::string& from, const std::string& to) {
  const bool marketing = table == "marketing_preferences";
  const std::string cols = marketing ? "opted_in, opted_in" : "marketing, analytics";
  auto read = [&](const std::string& email) {
    return c.query("SELECT " + cols + " FROM " + table + " WHERE email = ?", email)
        .one([](const db::Row& r) { return std::make_pair(r.boolean(0), r.boolean(1)); });
  };
  DB_TRY_LET(const auto old_row, read(from));
  if (!old_row) return {};
  DB_TRY_LET(const auto new_row, read(to));
  auto merged = *old_row;
  if (new_row && marketing) merged.first = merged.first && new_row->first;
  if (new_row && !marketing) merged = {merged.first || new_row->first, merged.second || new_row->second};
  DB_TRY(c.exec("DELETE FROM " + table + " WHERE email = ?", to));
  if (marketing)
    return c.exec("UPDATE marketing_preferences SET email = ?, opted_in = ?, changed_ms = ? WHERE email = ?", to,
                  std::int64_t{merged.first}, now_ms(), from);
  return c.exec("UPDATE privacy_restrictions SET email = ?, marketing = ?, analytics = ?, changed_ms = ? "
                "WHERE email = ?", to, std::int64_t{merged.first}, std::int64_t{merged.second}, now_ms(), from);
}

// Everything of the person moves from the (lower-cased) `from` to `to` (as typed, normalized); the old address's
// sessions and sign-in links end.
db::Status move_person(db::Connection& c, const std::string& from, const std::string& to) {
  DB_TRY_LET(const std::vector<std::string> ids, order_ids(c, from));
  DB_TRY(c.exec("UPDATE orders SET email = ? WHERE lower(email) = ? AND email <> ''", to, from));
  for (const std::string& id : ids) {
    DB_TRY(touch_order(c, id));
    DB_TRY(order_note(c, id, "customer request (privacy centre): email corrected"));
  }
  DB_TRY(move_person_row(c, "marketing_preferences", from, lower_ascii(to)));
  DB_TRY(move_person_row(c, "privacy_restrictions", from, lower_ascii(to)));
  DB_TRY(c.exec("UPDATE partners SET contact_email = ?, updated_at = ? WHERE lower(contact_email) = ? "
                "AND contact_email <> ''", to, rfc3339(now_ms()), from));
  return erase_account(c, from);
}

}  // namespace

void PrivacyCentre::ask_email_change(httplib::Response& res, const Session& s, const json& value) {
  if (!value.is_string() || value.get_ref<const std::string&>().size() > kMaxField)
    return send_error(res, 400, "invalid_email", "email must be a string");
  std::string to;
  const ContactCheck check = normalize_contact_field("email", value.get_ref<const std::string&>(), to);
  if (!check.ok()) return send_error(res, 400, "invalid_email", check.message);
  if (lower_ascii(to) == lower_ascii(s.email))
    return send_error(res, 400, "same_email", "this is already your e-mail address");
  // A signed-in person could otherwise send links to any address without end: 5 per hour per account (counted on
  // the database, so every server process counts the same; the account is stored as an HMAC, never the address).
  auto wait = take_client_rate(db_, RateLimit{"email_change", kEmailChangesPerHour, 3600}, key_,
                               lower_ascii(s.email), now_s());
  if (!wait) return internal(res, wait.error().message);
  if (wait.value() > 0) {
    res.set_header("Retry-After", std::to_string(wait.value()));
    return send_error(res, 429, "rate_limited", "too many e-mail change links were asked for; try again later");
  }
  const std::string token = make_signed_secret(key_, SecretPurpose::EmailChange);
  if (token.empty()) return internal(res, "the random generator failed");
  const std::int64_t now = now_s();
  auto stored = db_.with([&](db::Connection& c) {
    return db::in_transaction(c, [&](db::Connection& t) -> db::Status {
      DB_TRY(t.exec("INSERT INTO email_changes(token_sha256, old_email, new_email, created_s, expires_s) "
                    "VALUES (?, ?, ?, ?, ?)", sha256_hex(token), lower_ascii(s.email), to, now,
                    now + config_.link_ttl_s));
      return log_rights_request(t, "email_change", "link_sent");
    });
  });
  if (!stored) return internal(res, stored.error().message);
  const std::string link = config_.public_url + "/account/email?token=" + token;
  if (!outbox_.write(email_change_mail(to, link, config_.link_ttl_s), "email-change"))
    return internal(res, "the e-mail change link could not be written to the outbox");
  log::info("privacy centre: e-mail change link written to the outbox");
  send_json(res, 202, json{{"verification_sent", true}}.dump());
}

PrivacyCentre::Changed PrivacyCentre::change_email(const httplib::Request& req, const std::string& token) {
  if (!signed_secret_valid(key_, SecretPurpose::EmailChange, token))
    return {400, "invalid_link", "this link is not valid; ask for a new one in the privacy centre", "", "", 0};
  const std::string session_id = make_signed_secret(key_, SecretPurpose::Session);
  if (session_id.empty()) return {500, "internal", "the request could not be completed", "", "", 0};
  const std::string previous = request_cookie(req, kSessionCookie);
  const std::int64_t now = now_s();
  std::string old_email;
  auto done = db_.with([&](db::Connection& c) {
    return db::in_transaction(c, [&](db::Connection& t) -> db::Result<Changed> {
      DB_TRY_LET(const auto link, t.query("SELECT old_email, new_email, expires_s, used_s FROM email_changes "
                                          "WHERE token_sha256 = ?", sha256_hex(token))
                                      .one([](const db::Row& r) {
                                        return std::make_tuple(r.text(0), r.text(1), r.int64(2), r.is_null(3));
                                      }));
      if (!link || std::get<2>(*link) <= now)
        return Changed{410, "link_expired", "this link has expired; ask for a new one", "", "", 0};
      if (!std::get<3>(*link)) return Changed{410, "link_used", "this link was already used", "", "", 0};
      const auto& [from, to, expires, unused] = *link;
      old_email = from;
      DB_TRY(t.exec("UPDATE email_changes SET used_s = ?, old_email = '', new_email = '' WHERE token_sha256 = ?", now,
                    sha256_hex(token)));
      DB_TRY(move_person(t, from, to));
      if (!previous.empty()) DB_TRY(delete_session(t, sha256_hex(previous)));
      DB_TRY(insert_session(t, sha256_hex(session_id), to, now));
      DB_TRY(log_rights_request(t, "email_change", "done"));
      return Changed{200, "", "", session_id, to, now + kSessionTtlS};
    });
  });
  if (!done) {
    log::error("privacy centre: " + done.error().message);
    return {500, "internal", "the request could not be completed", "", "", 0};
  }
  if (done.value().status == 200) {
    confirm(done.value().email, "email-change",
            "You changed your e-mail address: your orders, your marketing choice and your privacy settings now "
            "belong to this address, and every sign-in of the old address has ended.");
    // The old address hears of it too (without the new one): a change it did not make would otherwise go unseen.
    confirm(old_email, "email-change-notice",
            "The e-mail address of your JupiterEsims orders was changed to another address, confirmed through a "
            "link sent there. If you did not ask for this, write to support@jupiteresims.com.");
    log::info("privacy centre: e-mail address changed");
  }
  return done.value();
}

void PrivacyCentre::email_page(const httplib::Request& req, httplib::Response& res) {
  const std::string token = req.get_param_value("token");
  if (!signed_secret_valid(key_, SecretPurpose::EmailChange, token))
    return send_page(res, 400, "This link does not work",
                     "<p>The link is not complete or not valid. Ask for a new one in the privacy centre.</p>");
  // Opening the link only shows this page: a mail scanner fetching it uses nothing up. The button changes.
  send_page(res, 200, "Confirm your new e-mail address",
            "<p>Press the button to make this your e-mail address for all your orders.</p><form method=\"post\" "
            "action=\"/account/email\"><input type=\"hidden\" name=\"token\" value=\"" +
                html_escape(token) + "\"><button type=\"submit\">Confirm</button></form>");
}

void PrivacyCentre::email_form(const httplib::Request& req, httplib::Response& res) {
  if (!own_form_origin(check_, req))
    return send_page(res, 403, "This link does not work", "<p>Open the link from your e-mail directly.</p>");
  if (req.body.size() > kMaxBody) return send_page(res, 413, "This link does not work", "<p>Too long.</p>");
  const Changed r = change_email(req, form_value(req.body, "token"));
  if (r.status != 200)
    return send_page(res, r.status, "This link does not work", "<p>" + html_escape(r.message) + ".</p>");
  res.set_header("Set-Cookie", session_cookie(r.cookie, kSessionTtlS, check_.secure()));
  res.set_header("Location", "/?account=privacy");
  send_page(res, 303, "E-mail address changed", "<p><a href=\"/?account=privacy\">Go to the privacy centre</a>.</p>");
}

void PrivacyCentre::email_api(const httplib::Request& req, httplib::Response& res) {
  if (!same_origin(check_, req, res)) return;
  const auto body = json_object_body(req, res, kMaxBody);
  if (!body) return;
  const bool string_token = body->contains("token") && (*body)["token"].is_string();
  const Changed r = change_email(req, string_token ? (*body)["token"].get<std::string>() : "");
  if (r.status != 200) return send_error(res, r.status, r.code, r.message);
  res.set_header("Set-Cookie", session_cookie(r.cookie, kSessionTtlS, check_.secure()));
  send_json(res, 200, json{{"email", r.email}, {"session_expires_at", rfc3339(r.expires_s * 1000)},
                           {"next", "privacy"}}.dump());
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] restriction
// ---------------------------------------------------------------------------------------------------------
void PrivacyCentre::restrict(const httplib::Request& req, httplib::Response& res) {
  if (!same_origin(check_, req, res)) return;
  const auto s = request_session(check_, req, res);
  if (!s) return;
  const auto body = strict_body(req, res, {"marketing", "analytics"});
  if (!body) return;
  for (const auto& [key, value] : body->items())
    if (!value.is_boolean()) return send_error(res, 400, "invalid_" + key, key + " must be true or false");
  const std::string email = lower_ascii(s->email);
  auto stored = db_.with([&](db::Connection& c) {
    return db::in_transaction(c, [&](db::Connection& t) -> db::Result<Restrictions> {
      DB_TRY_LET(Restrictions r, person_restrictions(t, email));
      r.marketing = body->value("marketing", r.marketing);
      r.analytics = body->value("analytics", r.analytics);
      DB_TRY(store_restrictions(t, email, r));
      // Restricting marketing is an objection: the opt-in goes exactly as with the one-click unsubscribe.
      if (body->value("marketing", false)) DB_TRY(withdraw_marketing(t, email, "privacy_centre"));
      DB_TRY(log_rights_request(t, "restriction", "done"));
      return r;
    });
  });
  if (!stored) return internal(res, stored.error().message);
  const Restrictions& r = stored.value();
  record_restriction(email, r, sends_gpc(req));
  confirm(s->email, "restriction",
          std::string("You set your privacy choices: marketing ") + (r.marketing ? "stopped" : "allowed") +
              ", analytics " + (r.analytics ? "off" : "allowed") + ".");
  log::info("privacy centre: restrictions set");
  send_json(res, 200, json{{"restrictions", restrictions_json(r)}}.dump());
}

// A consent receipt under every consent id of the person's orders, like the per-order marketing withdrawal's.
void PrivacyCentre::record_restriction(const std::string& email, const Restrictions& r, bool gpc_header) {
  auto ids = db_.with([&](db::Connection& c) {
    return c.query("SELECT DISTINCT consent_id FROM orders WHERE lower(email) = ? AND email <> '' "
                   "AND consent_id <> ''", email)
        .all([](const db::Row& row) { return row.text(0); });
  });
  if (!ids) return log::error("privacy centre: restriction receipts: " + ids.error().message);
  for (const std::string& id : ids.value()) {
    ConsentReceipt receipt;
    receipt.consent_id = id;
    receipt.time_ms = now_ms();
    receipt.source = "checkout";
    receipt.action = "processing_restricted";
    receipt.choices_json = json{{"marketing_restricted", r.marketing}, {"analytics_restricted", r.analytics}}.dump();
    receipt.policy_version = std::string(kPolicyVersion);
    receipt.text_hash = "sha256:" + sha256_hex("privacy centre: restrict processing");
    receipt.ui_version = "store-privacy-1";
    receipt.gpc_header = gpc_header;
    auto stored = append_consent_receipt(db_, receipt);
    if (!stored) log::error("privacy centre: restriction receipt: " + stored.error().message);
    else if (stored.value().outcome == ReceiptAppend::Outcome::Invalid)
      log::error("privacy centre: restriction receipt refused: " + stored.value().problem);
  }
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] erasure and its queue
// ---------------------------------------------------------------------------------------------------------
namespace {

struct EraseCount {
  std::int64_t erased = 0, queued = 0;
};

// One order of the person: erased now, cancelled and erased (unpaid with no checkout page open), or queued.
db::Status erase_or_queue(db::Connection& c, const std::string& id, const std::string& state,
                          std::int64_t session_expires, std::vector<std::string>& files, EraseCount& n) {
  const bool unpaid_closed = state == "pending_payment" && session_expires <= now_s();
  if (!unpaid_closed && (state == "pending_payment" || state == "paid" || state == "provisioning")) {
    DB_TRY(c.exec("INSERT INTO erase_queue(order_id, queued_ms) VALUES (?, ?) ON CONFLICT(order_id) DO NOTHING", id,
                  now_ms()));
    ++n.queued;
    return {};
  }
  if (unpaid_closed)
    DB_TRY(transition(c, id, OrderState::PendingPayment, OrderState::Cancelled,
                      "cancelled: the customer erased their data"));
  std::optional<json> erased;
  DB_TRY(erase_rows(c, id, files, erased, false));
  ++n.erased;
  return {};
}

// The whole erase of the (lower-cased) address inside one transaction.
db::Result<EraseCount> erase_person(db::Connection& c, const std::string& email, std::vector<std::string>& files) {
  EraseCount n;
  DB_TRY_LET(const auto orders,
             c.query("SELECT id, state, coalesce(session_expires, 0) FROM orders WHERE lower(email) = ? "
                     "AND email <> '' ORDER BY created_at, id", email)
                 .all([](const db::Row& r) { return std::make_tuple(r.text(0), r.text(1), r.int64(2)); }));
  for (const auto& [id, state, expires] : orders) DB_TRY(erase_or_queue(c, id, state, expires, files, n));
  // With orders queued the marketing row stays (opted out) until the last of them is erased.
  DB_TRY(withdraw_marketing(c, email, "erase"));
  DB_TRY(c.exec("DELETE FROM marketing_preferences WHERE email = ? AND NOT EXISTS "
                "(SELECT 1 FROM orders WHERE lower(email) = ?)", email, email));
  DB_TRY(erase_account(c, email));
  DB_TRY(c.exec("DELETE FROM privacy_restrictions WHERE email = ?", email));
  DB_TRY(c.exec("DELETE FROM email_changes WHERE lower(old_email) = ? OR lower(new_email) = ?", email, email));
  // The partner's row stays (its orders and commission refer to it); its contact's personal fields are overwritten.
  DB_TRY(c.exec("UPDATE partners SET contact_name = '(erased)', contact_email = '', updated_at = ? "
                "WHERE lower(contact_email) = ? AND contact_email <> ''", rfc3339(now_ms()), email));
  DB_TRY(log_rights_request(c, "erasure", n.queued > 0 ? "queued" : "done"));
  return n;
}

}  // namespace

void PrivacyCentre::erase(const httplib::Request& req, httplib::Response& res) {
  if (!same_origin(check_, req, res)) return;
  const auto s = request_session(check_, req, res);
  if (!s) return;
  const auto body = strict_body(req, res, {"confirm"});
  if (!body) return;
  if ((*body)["confirm"] != true)
    return send_error(res, 400, "confirm_required", "send {\"confirm\": true} to erase your data");
  const std::string email = lower_ascii(s->email);
  // Written before the data goes: the one message that names the address afterwards (it must reach the person).
  const std::string kept = confirm(s->email, "erasure",
                                   "You asked us to erase your personal data. It is erased now; an order still being "
                                   "paid or prepared is erased as soon as it is finished. We keep what accounting and "
                                   "the law need: plan, price, dates, state history, transaction id, card brand and "
                                   "last 4, ICCID and consent receipts.");
  std::vector<std::string> files;
  EraseCount n;
  auto done = db_.with([&](db::Connection& c) {
    return erase_securely(c, [&](db::Connection& t) -> db::Status {
      files.clear();
      DB_TRY_LET(n, erase_person(t, email, files));
      return {};
    });
  });
  if (!done) {
    delete_outbox_files(outbox_, {kept});  // nothing was erased: the confirmation must not say it was
    return internal(res, done.error().message);
  }
  delete_outbox_files(outbox_, files);
  delete_outbox_files(outbox_, mails_to(outbox_, email, kept));
  log::info("privacy centre: personal data erased (" + std::to_string(n.erased) + " orders, " +
            std::to_string(n.queued) + " queued)");
  res.set_header("Set-Cookie", session_cookie("", 0, check_.secure()));
  send_json(res, 202, json{{"erased", n.erased}, {"queued", n.queued}, {"kept", kKept}}.dump());
}

int PrivacyCentre::erase_queued() {
  const std::string cutoff = rfc3339(now_ms() - config_.erase_grace_ms);
  auto due = work_.with([&](db::Connection& c) {
    return c.query("SELECT q.order_id FROM erase_queue q JOIN orders o ON o.id = q.order_id WHERE o.state IN "
                   "('delivered', 'failed', 'refunded', 'cancelled') AND "
                   "(SELECT max(h.at) FROM order_history h WHERE h.order_id = o.id) < ? ORDER BY q.queued_ms", cutoff)
        .all([](const db::Row& r) { return r.text(0); });
  });
  if (!due) {
    log::error("privacy centre: erase queue: " + due.error().message);
    return 0;
  }
  int erased = 0;
  for (const std::string& id : due.value()) {
    std::vector<std::string> files;
    bool mine = false;
    auto done = work_.with([&](db::Connection& c) {
      return erase_securely(c, [&](db::Connection& t) -> db::Status {
        files.clear();
        DB_TRY(t.exec("DELETE FROM erase_queue WHERE order_id = ?", id));
        mine = t.changes() == 1;  // another process may have taken it
        if (!mine) return {};
        std::optional<json> order;
        DB_TRY(erase_rows(t, id, files, order, false));
        return log_rights_request(t, "erasure", "queued_done");
      });
    });
    if (!done) log::error("privacy centre: erase queue: " + done.error().message);
    if (!done || !mine) continue;
    delete_outbox_files(outbox_, files);
    ++erased;
  }
  if (erased > 0) log::info("privacy centre: erased " + std::to_string(erased) + " queued orders");
  return erased;
}

void PrivacyCentre::start() {
  eraser_.start(std::chrono::milliseconds(config_.erase_period_ms), [this] {
    if (take_turn(work_, "privacy erase queue", config_.erase_period_ms)) erase_queued();
  });
}

void PrivacyCentre::stop() { eraser_.stop(); }

// ---------------------------------------------------------------------------------------------------------
// [SECTION] routes
// ---------------------------------------------------------------------------------------------------------
void PrivacyCentre::add_routes(Router& router) {
  using Req = const httplib::Request&;
  using Res = httplib::Response&;
  router.get("/api/account/privacy", [this](Req req, Res res, const RouteParams&) { summary(req, res); });
  router.get("/api/account/data", [this](Req req, Res res, const RouteParams&) { export_all(req, res); });
  router.post("/api/account/customer", [this](Req req, Res res, const RouteParams&) { correct(req, res); });
  router.post("/api/account/restrict", [this](Req req, Res res, const RouteParams&) { restrict(req, res); });
  router.post("/api/account/erase", [this](Req req, Res res, const RouteParams&) { erase(req, res); });
  router.get("/account/email", [this](Req req, Res res, const RouteParams&) { email_page(req, res); });
  router.post("/account/email", [this](Req req, Res res, const RouteParams&) { email_form(req, res); });
  router.post("/api/account/email/verify", [this](Req req, Res res, const RouteParams&) { email_api(req, res); });
}

}  // namespace jupiter::server
