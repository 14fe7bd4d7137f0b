// The account-wide privacy centre on the server (issue 16, privacy_centre.hpp): signing in with next=privacy, the
// summary, the download of everything held about one e-mail, correction across every order, the e-mail change by a
// one-time link, restriction, and the erase with an order still being provisioned (queued, then erased), with the
// byte search of the SQLite file, its WAL and the outbox afterwards; the rights-request log, the confirmation
// e-mails, and the 401/403/400 answers. Real processes, real HTTP.
#include <doctest/doctest.h>
#include <httplib.h>

#include <chrono>
#include <regex>
#include <set>
#include <string>
#include <thread>

#include "commerce.hpp"
#include "server/crypto.hpp"
#include "server/sessions.hpp"

using namespace jupiter::test;

namespace {

const httplib::Headers kNoHeaders;
constexpr const char* kAda = "ada@example.com";
constexpr const char* kBob = "bob@example.org";

fs::path database(const Shop& shop) { return shop.data_dir / "jupiter.sqlite3"; }

std::string lower(std::string s) {
  for (char& ch : s)
    if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
  return s;
}

bool ends_with(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

httplib::Headers cookie(const std::string& value) {
  return {{"Cookie", std::string(jupiter::server::kSessionCookie) + "=" + value}};
}

httplib::Result post_json(const Shop& shop, const std::string& path, const std::string& body,
                          const httplib::Headers& headers = kNoHeaders) {
  return shop.store->client().Post(path.c_str(), headers, body, "application/json");
}

httplib::Result get(const Shop& shop, const std::string& path, const std::string& session) {
  return shop.store->client().Get(path.c_str(), cookie(session));
}

// The value of the session cookie a response sets; "" when it sets none.
std::string set_cookie_value(const httplib::Result& res) {
  const std::string h = res->get_header_value("Set-Cookie");
  const std::string prefix = std::string(jupiter::server::kSessionCookie) + "=";
  if (h.rfind(prefix, 0) != 0) return "";
  return h.substr(prefix.size(), h.find(';') - prefix.size());
}

// The token of the newest outbox e-mail whose name ends with `suffix` and whose text has `pattern`'s link.
std::string token_in_mail(const Shop& shop, const std::string& suffix, const std::string& pattern) {
  std::string token;
  for (const auto& [name, mail] : shop.outbox()) {
    if (!ends_with(name, suffix)) continue;
    const auto text = mime_parts(mail, "text/plain");
    REQUIRE(text.size() == 1);
    std::smatch m;
    if (std::regex_search(text[0], m, std::regex(pattern + "([A-Za-z0-9_.-]+)"))) token = m[1];
  }
  REQUIRE_MESSAGE(!token.empty(), ("no e-mail " + suffix));
  return token;
}

// Asks for a sign-in link for `email` landing on `next` and returns its token.
std::string sign_in_token(const Shop& shop, const std::string& email, const std::string& next) {
  auto res = post_json(shop, "/api/account/sign-in", json{{"email", email}, {"next", next}}.dump());
  REQUIRE(res);
  REQUIRE_MESSAGE(res->status == 202, res->body);
  return token_in_mail(shop, "-sign-in.eml", "/account/verify\\?token=");
}

// Signs `email` in through the link's button (next=privacy, the landing checked): the session cookie's value.
std::string sign_in(const Shop& shop, const std::string& email) {
  const std::string token = sign_in_token(shop, email, "privacy");
  auto res = shop.store->client().Post("/account/verify", kNoHeaders, "token=" + token,
                                       "application/x-www-form-urlencoded");
  REQUIRE(res);
  REQUIRE_MESSAGE(res->status == 303, res->body);
  CHECK(res->get_header_value("Location") == "/?account=privacy");
  const std::string value = set_cookie_value(res);
  REQUIRE(!value.empty());
  return value;
}

Created paid(Shop& shop, const std::string& email, bool marketing, const std::string& consent) {
  const Created c = shop.create(order_body("jp-5gb-30d", "USD", {{"email", email}, {"marketing", marketing},
                                                                 {"consent_id", "cid-centre-" + consent + "-0001"},
                                                                 {"consent_key", "key-centre-" + consent + "-0001"}}));
  REQUIRE(shop.submit_card(shop.checkout_path(c), kCardOk));
  REQUIRE(shop.wait_for_state(c, "delivered")["state"] == "delivered");
  REQUIRE_FALSE(shop.wait_for_mail(c.id + "-delivery.eml").empty());
  return c;
}

// A partner whose contact is `email` (business partner data, policy add-on A).
void add_partner(const Shop& shop, const std::string& id, const std::string& email) {
  const std::string why = db_exec(database(shop),
                                  "INSERT INTO partners(id, name, origins, commission_bp, contact_name, contact_email, "
                                  "webhook_secret, created_at, updated_at) VALUES ('" + id + "', 'Travel Co', "
                                  "'[\"https://travel.example\"]', 500, 'Ada Contact', '" + email + "', 's', "
                                  "'2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')");
  REQUIRE_MESSAGE(why.empty(), why);
}

long long count(const Shop& shop, const std::string& sql) { return sqlite_int(database(shop), sql).value_or(-1); }

// The outbox messages whose name ends with `suffix`.
std::vector<std::string> mails(const Shop& shop, const std::string& suffix) {
  std::vector<std::string> out;
  for (const auto& [name, mail] : shop.outbox())
    if (ends_with(name, suffix)) out.push_back(mail);
  return out;
}

// The plain text of a confirmation e-mail, checked for what it must and must not hold.
void check_confirmation(const std::string& mail, const std::string& to, const std::string& says) {
  CHECK(mail.find("To: " + to + "\r\n") != std::string::npos);
  const auto text = mime_parts(mail, "text/plain");
  REQUIRE(text.size() == 1);
  CHECK(text[0].find(says) != std::string::npos);
  CHECK(std::regex_search(text[0], std::regex("On 20[0-9]{2}-[0-9]{2}-[0-9]{2} \\(UTC\\)")));
  CHECK(text[0].find("LPA:") == std::string::npos);  // never an activation code
  CHECK(text[0].find("#t=") == std::string::npos);   // never an order's secret link
}

}  // namespace

TEST_CASE("privacy centre: every right over one e-mail's orders, the erase waiting for an order being provisioned") {
  Shop shop;
  const Created a1 = paid(shop, kAda, true, "a1");
  const Created a2 = paid(shop, "Ada@Example.com", false, "a2");
  const Created a3 = shop.create(order_body("jp-5gb-30d", "USD", {{"consent_id", "cid-centre-a3-0001"},
                                                                  {"consent_key", "key-centre-a3-0001"}}));
  const Created b1 = paid(shop, kBob, true, "b1");
  add_partner(shop, "travel-co", kAda);
  const std::string session = sign_in(shop, kAda);

  // The JSON verify answers where the link lands too.
  {
    auto res = post_json(shop, "/api/account/verify", json{{"token", sign_in_token(shop, kAda, "privacy")}}.dump());
    REQUIRE(res);
    REQUIRE_MESSAGE(res->status == 200, res->body);
    CHECK(json::parse(res->body)["next"] == "privacy");
  }

  auto summary = get(shop, "/api/account/privacy", session);
  REQUIRE(summary);
  REQUIRE_MESSAGE(summary->status == 200, summary->body);
  CHECK(json::parse(summary->body) == json{{"email", kAda}, {"orders", 3}, {"marketing", {{"opted_in", true}}},
                                          {"restrictions", {{"marketing", false}, {"analytics", false}}}});

  // Access: every order of the address with its history and e-mails, the receipts by consent id, not Bob's.
  auto data = get(shop, "/api/account/data", session);
  REQUIRE(data);
  REQUIRE_MESSAGE(data->status == 200, data->body);
  CHECK(data->get_header_value("Content-Disposition") == "attachment; filename=\"jupiteresims-my-data.json\"");
  CHECK(data->get_header_value("Cache-Control") == "no-store");
  const json d = json::parse(data->body);
  CHECK(d["format"] == "jupiteresims-person-export/1");
  CHECK(d["email"] == kAda);
  std::set<std::string> ids;
  for (const json& o : d["orders"]) ids.insert(o["order"]["id"].get<std::string>());
  CHECK(ids == std::set<std::string>{a1.id, a2.id, a3.id});
  REQUIRE(d["orders"].size() == 3);
  for (const json& o : d["orders"]) {
    if (o["order"]["id"] != a1.id) continue;
    CHECK(o["order"]["history"].size() >= 3);  // paid, provisioning, delivered
    CHECK(o["emails"].size() >= 2);             // confirmation and delivery
    CHECK(o["order_settings"]["consent_id"] == "cid-centre-a1-0001");
  }
  CHECK(d["consent_receipts"].is_object());
  for (const std::string c : {"cid-centre-a1-0001", "cid-centre-a2-0001", "cid-centre-a3-0001"})
    CHECK_MESSAGE(d["consent_receipts"].contains(c), c);
  CHECK_FALSE(d["consent_receipts"].contains("cid-centre-b1-0001"));
  CHECK(d["marketing"]["opted_in"] == true);
  CHECK(d["restrictions"] == json{{"marketing", false}, {"analytics", false}});
  CHECK(d["sessions"].size() == 2);
  CHECK(d["sign_in_links"].is_array());
  REQUIRE(d["partner_contacts"].size() == 1);
  CHECK(d["partner_contacts"][0] == json{{"id", "travel-co"}, {"name", "Travel Co"},
                                         {"contact", {{"name", "Ada Contact"}, {"email", kAda}}}});
  CHECK(data->body.find(b1.id) == std::string::npos);
  CHECK(data->body.find(kBob) == std::string::npos);
  CHECK(data->body.find(session) == std::string::npos);

  // Correction: name and phone on every order and the partner contact's name; Bob's order untouched.
  auto fix = post_json(shop, "/api/account/customer", R"({"name":"Ada King","phone":"+44 20 7946 0000"})",
                       cookie(session));
  REQUIRE(fix);
  REQUIRE_MESSAGE(fix->status == 200, fix->body);
  CHECK(json::parse(fix->body) == json{{"updated_orders", 3}});
  for (const Created* c : {&a1, &a2, &a3}) {
    const json o = shop.order(*c);
    CHECK(o["customer"]["name"] == "Ada King");
    CHECK(o["customer"]["phone"] == "+442079460000");
  }
  CHECK(shop.order(b1)["customer"]["name"] == "Ada Lovelace");
  CHECK(db_text(database(shop), "SELECT contact_name FROM partners WHERE id = 'travel-co'") == "Ada King");
  for (const auto& [body, code] : std::vector<std::pair<std::string, std::string>>{
           {R"({"name":""})", "invalid_name"},
           {R"({"name":5})", "invalid_name"},
           {R"({"phone":"call me"})", "invalid_phone"},
           {R"({"nick":"A"})", "unknown_field"},
           {R"({})", "nothing_to_change"},
           {R"({"email":"ada2@example.com","name":"A"})", "email_alone"},
           {"", "invalid_json"},
           {"{", "invalid_json"},
           {"[]", "invalid_json"}}) {
    auto res = post_json(shop, "/api/account/customer", body, cookie(session));
    REQUIRE(res);
    CHECK_MESSAGE(res->status == 400, body);
    CHECK_MESSAGE(json_error_code(res->body) == code, body);
  }
  CHECK(shop.order(a1)["customer"]["name"] == "Ada King");

  // Restriction: marketing objected to (the opt-in cleared, a receipt per consent id), then analytics.
  auto restrict = post_json(shop, "/api/account/restrict", R"({"marketing":true})", cookie(session));
  REQUIRE(restrict);
  REQUIRE_MESSAGE(restrict->status == 200, restrict->body);
  CHECK(json::parse(restrict->body) == json{{"restrictions", {{"marketing", true}, {"analytics", false}}}});
  CHECK(count(shop, "SELECT opted_in FROM marketing_preferences WHERE email = 'ada@example.com'") == 0);
  CHECK(shop.order(a1)["marketing"] == false);
  CHECK(count(shop, "SELECT count(*) FROM consent_receipts WHERE action = 'processing_restricted' AND "
                    "consent_id IN ('cid-centre-a1-0001', 'cid-centre-a2-0001', 'cid-centre-a3-0001')") == 3);
  restrict = post_json(shop, "/api/account/restrict", R"({"analytics":true})", cookie(session));
  REQUIRE(restrict);
  CHECK(json::parse(restrict->body) == json{{"restrictions", {{"marketing", true}, {"analytics", true}}}});
  for (const std::string body : {R"({"analytics":"yes"})", R"({"marketing":1})"}) {
    auto res = post_json(shop, "/api/account/restrict", body, cookie(session));
    REQUIRE(res);
    CHECK(res->status == 400);
    CHECK(json_error_code(res->body).rfind("invalid_", 0) == 0);
  }
  auto who = get(shop, "/api/account", session);
  REQUIRE(who);
  CHECK(json::parse(who->body)["restrictions"] == json{{"marketing", true}, {"analytics", true}});
  CHECK(count(shop, "SELECT count(*) FROM consent_receipts WHERE consent_id = 'cid-centre-b1-0001' "
                    "AND action = 'processing_restricted'") == 0);

  // The unpaid order is paid now and held in provisioning: its e-mail carries no marketing (opted in on a1 before).
  shop.partner_mode("delay", 8);
  REQUIRE(shop.submit_card(shop.checkout_path(a3), kCardOk));
  REQUIRE(shop.wait_for_state(a3, "provisioning")["state"] == "provisioning");
  const std::string paid_mail = shop.wait_for_mail(a3.id + "-confirmation.eml");
  REQUIRE_FALSE(paid_mail.empty());
  CHECK(paid_mail.find("List-Unsubscribe") == std::string::npos);
  for (const std::string& part : mime_parts(paid_mail, "text/"))
    CHECK(part.find("nsubscribe") == std::string::npos);

  // A confirmation e-mail per request so far, each saying what was done and when.
  REQUIRE(mails(shop, "-privacy-access.eml").size() == 1);
  check_confirmation(mails(shop, "-privacy-access.eml")[0], kAda, "downloaded a copy");
  REQUIRE(mails(shop, "-privacy-correction.eml").size() == 1);
  check_confirmation(mails(shop, "-privacy-correction.eml")[0], kAda, "corrected your name and phone");
  REQUIRE(mails(shop, "-privacy-restriction.eml").size() == 2);
  check_confirmation(mails(shop, "-privacy-restriction.eml")[1], kAda, "marketing stopped, analytics off");

  // Erasure: refused without the confirmation and from another site; then a1 and a2 now, a3 queued.
  auto refused = post_json(shop, "/api/account/erase", R"({"confirm":false})", cookie(session));
  REQUIRE(refused);
  CHECK(refused->status == 400);
  CHECK(json_error_code(refused->body) == "confirm_required");
  httplib::Headers foreign = cookie(session);
  foreign.emplace("Origin", "https://evil.example");
  refused = post_json(shop, "/api/account/erase", R"({"confirm":true})", foreign);
  REQUIRE(refused);
  CHECK(refused->status == 403);
  CHECK(count(shop, "SELECT count(*) FROM orders WHERE lower(email) = 'ada@example.com'") == 3);

  auto erase = post_json(shop, "/api/account/erase", R"({"confirm":true})", cookie(session));
  REQUIRE(erase);
  REQUIRE_MESSAGE(erase->status == 202, erase->body);
  CHECK(json::parse(erase->body) ==
        json{{"erased", 2}, {"queued", 1},
             {"kept", {"plan", "price", "dates", "state history", "transaction id", "card brand and last 4", "ICCID",
                       "consent receipts"}}});
  CHECK(erase->get_header_value("Set-Cookie").find("Max-Age=0") != std::string::npos);
  CHECK(count(shop, "SELECT count(*) FROM erase_queue") == 1);
  CHECK(count(shop, "SELECT count(*) FROM erase_queue WHERE order_id = '" + a3.id + "'") == 1);
  auto ended = get(shop, "/api/account/privacy", session);
  REQUIRE(ended);
  CHECK(ended->status == 401);
  CHECK(db_text(database(shop), "SELECT contact_name || '|' || contact_email FROM partners WHERE id = 'travel-co'") ==
        "(erased)|");

  // The queued order is erased once delivered (its delivery e-mail written and deleted with it).
  CHECK(shop.wait_for_state(a3, "delivered", std::chrono::seconds(20))["state"] == "delivered");
  for (int i = 0; i < 100 && count(shop, "SELECT count(*) FROM erase_queue") != 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  CHECK(count(shop, "SELECT count(*) FROM erase_queue") == 0);
  CHECK(count(shop, "SELECT count(*) FROM orders WHERE email = '' AND id IN ('" + a1.id + "', '" + a2.id + "', '" +
                        a3.id + "')") == 3);
  CHECK(count(shop, "SELECT count(*) FROM orders WHERE id = '" + a3.id + "' AND iccid IS NOT NULL") == 1);
  CHECK(count(shop, "SELECT count(*) FROM marketing_preferences WHERE email = 'ada@example.com'") == 0);
  CHECK(count(shop, "SELECT count(*) FROM privacy_restrictions") == 0);

  // Each request logged, with its outcome, and nothing else.
  CHECK(count(shop, "SELECT count(*) FROM rights_requests WHERE kind = 'access' AND outcome = 'done'") == 1);
  CHECK(count(shop, "SELECT count(*) FROM rights_requests WHERE kind = 'correction' AND outcome = 'done'") == 1);
  CHECK(count(shop, "SELECT count(*) FROM rights_requests WHERE kind = 'restriction' AND outcome = 'done'") == 2);
  CHECK(count(shop, "SELECT count(*) FROM rights_requests WHERE kind = 'erasure' AND outcome = 'queued'") == 1);
  CHECK(count(shop, "SELECT count(*) FROM rights_requests WHERE kind = 'erasure' AND outcome = 'queued_done'") == 1);
  CHECK(count(shop, "SELECT count(*) FROM rights_requests WHERE request_id NOT LIKE 'rr\\_%' ESCAPE '\\'") == 0);

  // The byte search: the address is in neither the database's files nor the outbox, but for the erasure's own
  // confirmation; Bob is still there.
  const std::string stored = lower(stored_data(database(shop)));
  CHECK(stored.find(kAda) == std::string::npos);
  CHECK(stored.find("ada king") == std::string::npos);
  CHECK(stored.find("442079460000") == std::string::npos);
  CHECK(stored.find(kBob) != std::string::npos);
  std::vector<std::string> naming;
  for (const auto& [name, mail] : shop.outbox())
    if (lower(mail).find(kAda) != std::string::npos) naming.push_back(name);
  REQUIRE(naming.size() == 1);
  CHECK(ends_with(naming[0], "-privacy-erasure.eml"));
  check_confirmation(mails(shop, "-privacy-erasure.eml")[0], kAda, "erase your personal data");
  CHECK(lower(shop.store->output()).find(kAda) == std::string::npos);  // the server's log
}

TEST_CASE("privacy centre: the e-mail address changes only through a one-time link sent to the new address") {
  Shop shop;
  const Created a1 = shop.create(order_body("jp-5gb-30d", "USD", {{"marketing", true}}));
  const Created a2 = shop.create(order_body("jp-5gb-30d", "USD", {{"email", "ADA@example.com"}}));
  const Created b1 = shop.create(order_body("jp-5gb-30d", "USD", {{"email", kBob}}));
  add_partner(shop, "travel-co", kAda);
  CHECK(post_json(shop, "/api/account/restrict", R"({"analytics":true})", cookie(sign_in(shop, kAda)))->status == 200);
  const std::string first = sign_in(shop, kAda);
  const std::string second = sign_in(shop, kAda);
  const std::string fresh = "ada.new@example.net";

  for (const auto& [body, code] : std::vector<std::pair<std::string, std::string>>{
           {R"({"email":"ada@example.com"})", "same_email"},
           {R"({"email":"Ada@example.com"})", "same_email"},
           {R"({"email":"not-an-address"})", "invalid_email"},
           {R"({"email":5})", "invalid_email"}}) {
    auto res = post_json(shop, "/api/account/customer", body, cookie(first));
    REQUIRE(res);
    CHECK_MESSAGE(res->status == 400, body);
    CHECK_MESSAGE(json_error_code(res->body) == code, body);
  }

  auto ask = post_json(shop, "/api/account/customer", json{{"email", fresh}}.dump(), cookie(first));
  REQUIRE(ask);
  REQUIRE_MESSAGE(ask->status == 202, ask->body);
  CHECK(json::parse(ask->body) == json{{"verification_sent", true}});
  CHECK(shop.order(a1)["customer"]["email"] == kAda);  // nothing changes yet
  REQUIRE(mails(shop, "-email-change.eml").size() == 1);
  CHECK(mails(shop, "-email-change.eml")[0].find("To: " + fresh + "\r\n") != std::string::npos);
  const std::string expired = token_in_mail(shop, "-email-change.eml", "/account/email\\?token=");
  CHECK(expired.find("ada") == std::string::npos);
  CHECK(count(shop, "SELECT count(*) FROM email_changes WHERE token_sha256 = '" +
                        jupiter::server::sha256_hex(expired) + "'") == 1);

  // An expired link, a tampered one, a link of another kind: refused, nothing moves.
  CHECK(db_exec(database(shop), "UPDATE email_changes SET expires_s = 1").empty());
  auto res = post_json(shop, "/api/account/email/verify", json{{"token", expired}}.dump());
  REQUIRE(res);
  CHECK(res->status == 410);
  CHECK(json_error_code(res->body) == "link_expired");
  std::string tampered = expired;
  tampered[5] = tampered[5] == 'A' ? 'B' : 'A';
  res = post_json(shop, "/api/account/email/verify", json{{"token", tampered}}.dump());
  REQUIRE(res);
  CHECK(res->status == 400);
  CHECK(json_error_code(res->body) == "invalid_link");
  res = post_json(shop, "/api/account/email/verify", json{{"token", sign_in_token(shop, kAda, "orders")}}.dump());
  REQUIRE(res);
  CHECK(res->status == 400);  // a sign-in link is signed for another purpose
  res = post_json(shop, "/api/account/email/verify", json{{"token", 7}}.dump());
  REQUIRE(res);
  CHECK(res->status == 400);
  CHECK(shop.order(a2)["customer"]["email"] == "ADA@example.com");

  // A new link: opening it only shows a button; the button moves everything and signs in as the new address.
  ask = post_json(shop, "/api/account/customer", json{{"email", fresh}}.dump(), cookie(second));
  REQUIRE(ask);
  REQUIRE(ask->status == 202);
  const std::string token = token_in_mail(shop, "-email-change.eml", "/account/email\\?token=");
  REQUIRE(token != expired);
  for (int i = 0; i < 2; ++i) {
    auto page = shop.store->client().Get(("/account/email?token=" + token).c_str());
    REQUIRE(page);
    CHECK(page->status == 200);
    CHECK(page->body.find("<form method=\"post\" action=\"/account/email\">") != std::string::npos);
  }
  CHECK(shop.order(a1)["customer"]["email"] == kAda);
  auto moved = shop.store->client().Post("/account/email", kNoHeaders, "token=" + token,
                                         "application/x-www-form-urlencoded");
  REQUIRE(moved);
  REQUIRE_MESSAGE(moved->status == 303, moved->body);
  CHECK(moved->get_header_value("Location") == "/?account=privacy");
  const std::string now_signed = set_cookie_value(moved);
  REQUIRE_FALSE(now_signed.empty());
  res = post_json(shop, "/api/account/email/verify", json{{"token", token}}.dump());
  REQUIRE(res);
  CHECK(res->status == 410);
  CHECK(json_error_code(res->body) == "link_used");

  for (const std::string& old : {first, second}) {
    auto ended = get(shop, "/api/account/privacy", old);
    REQUIRE(ended);
    CHECK(ended->status == 401);
  }
  auto summary = get(shop, "/api/account/privacy", now_signed);
  REQUIRE(summary);
  REQUIRE(summary->status == 200);
  CHECK(json::parse(summary->body) == json{{"email", fresh}, {"orders", 2}, {"marketing", {{"opted_in", true}}},
                                          {"restrictions", {{"marketing", false}, {"analytics", true}}}});
  CHECK(shop.order(a1)["customer"]["email"] == fresh);
  CHECK(shop.order(a2)["customer"]["email"] == fresh);
  CHECK(shop.order(b1)["customer"]["email"] == kBob);
  CHECK(count(shop, "SELECT count(*) FROM orders WHERE lower(email) = 'ada@example.com'") == 0);
  CHECK(count(shop, "SELECT count(*) FROM account_sessions WHERE lower(email) = 'ada@example.com'") == 0);
  CHECK(count(shop, "SELECT count(*) FROM email_changes WHERE old_email <> '' OR new_email <> ''") == 1);  // expired
  CHECK(db_text(database(shop), "SELECT contact_email FROM partners WHERE id = 'travel-co'") == fresh);
  CHECK(count(shop, "SELECT count(*) FROM rights_requests WHERE kind = 'email_change' AND outcome = 'link_sent'") ==
        2);
  CHECK(count(shop, "SELECT count(*) FROM rights_requests WHERE kind = 'email_change' AND outcome = 'done'") == 1);
  REQUIRE(mails(shop, "-privacy-email-change.eml").size() == 1);
  check_confirmation(mails(shop, "-privacy-email-change.eml")[0], fresh, "changed your e-mail address");
  REQUIRE(mails(shop, "-privacy-email-change-notice.eml").size() == 1);
  const std::string notice = mails(shop, "-privacy-email-change-notice.eml")[0];
  check_confirmation(notice, kAda, "was changed to another address");
  CHECK(notice.find(fresh) == std::string::npos);
  for (const std::string& part : mime_parts(notice, "text/")) CHECK(part.find(fresh) == std::string::npos);
  CHECK(lower(shop.store->output()).find(fresh) == std::string::npos);  // the server's log
  CHECK(lower(shop.store->output()).find(kAda) == std::string::npos);
}

TEST_CASE("privacy centre: e-mail change links are limited to 5 an hour per account") {
  Shop shop;
  shop.create();
  const std::string session = sign_in(shop, kAda);
  for (int i = 0; i < 5; ++i) {
    auto ask = post_json(shop, "/api/account/customer", json{{"email", "ada" + std::to_string(i) + "@example.net"}}.dump(),
                         cookie(session));
    REQUIRE(ask);
    CHECK_MESSAGE(ask->status == 202, ask->body);
  }
  auto refused = post_json(shop, "/api/account/customer", json{{"email", "ada9@example.net"}}.dump(), cookie(session));
  REQUIRE(refused);
  CHECK(refused->status == 429);
  CHECK(json_error_code(refused->body) == "rate_limited");
  CHECK(std::stoll(refused->get_header_value("Retry-After")) >= 1);
  CHECK(mails(shop, "-email-change.eml").size() == 5);  // the refused one wrote nothing
  CHECK(count(shop, "SELECT count(*) FROM email_changes") == 5);
  CHECK(count(shop, "SELECT count(*) FROM rate_counts WHERE scope = 'email_change' AND client LIKE '%ada%'") == 0);
}

TEST_CASE("privacy centre: no session is 401, another site's Origin 403, a bad sign-in next 400") {
  Shop shop;
  const std::vector<std::pair<std::string, std::string>> posts = {{"/api/account/customer", R"({"name":"Eve"})"},
                                                                  {"/api/account/restrict", R"({"marketing":true})"},
                                                                  {"/api/account/erase", R"({"confirm":true})"}};
  for (const std::string path : {"/api/account/privacy", "/api/account/data"}) {
    auto res = shop.store->client().Get(path.c_str());
    REQUIRE(res);
    CHECK(res->status == 401);
    CHECK(json_error_code(res->body) == "not_signed_in");
    res = get(shop, path, "forged.value");
    REQUIRE(res);
    CHECK(res->status == 401);
    CHECK(json_error_code(res->body) == "invalid_session");
  }
  for (const auto& [path, body] : posts) {
    auto res = post_json(shop, path, body);
    REQUIRE(res);
    CHECK_MESSAGE(res->status == 401, path);
  }
  const std::string session = sign_in(shop, kAda);
  for (const auto& [path, body] : posts) {
    httplib::Headers foreign = cookie(session);
    foreign.emplace("Origin", "https://evil.example");
    auto res = post_json(shop, path, body, foreign);
    REQUIRE(res);
    CHECK_MESSAGE(res->status == 403, path);
    CHECK(json_error_code(res->body) == "cross_origin");
  }
  auto res = post_json(shop, "/api/account/email/verify", R"({"token":"x"})", {{"Origin", "https://evil.example"}});
  REQUIRE(res);
  CHECK(res->status == 403);
  for (const std::string body : {R"({"email":"ada@example.com","next":"admin"})",
                                 R"({"email":"ada@example.com","next":5})"}) {
    res = post_json(shop, "/api/account/sign-in", body);
    REQUIRE(res);
    CHECK(res->status == 400);
    CHECK(json_error_code(res->body) == "invalid_next");
  }
  // Without next the link lands on the orders, as before.
  res = post_json(shop, "/api/account/sign-in", json{{"email", kAda}}.dump());
  REQUIRE(res);
  REQUIRE(res->status == 202);
  const std::string token = token_in_mail(shop, "-sign-in.eml", "/account/verify\\?token=");
  res = shop.store->client().Post("/account/verify", kNoHeaders, "token=" + token, "application/x-www-form-urlencoded");
  REQUIRE(res);
  CHECK(res->get_header_value("Location") == "/?account=orders");
  // A person with no orders gets the same kind of answers (nothing to find, nothing to erase).
  auto summary = get(shop, "/api/account/privacy", session);
  REQUIRE(summary);
  CHECK(json::parse(summary->body)["orders"] == 0);
  auto erase = post_json(shop, "/api/account/erase", R"({"confirm":true})", cookie(session));
  REQUIRE(erase);
  CHECK(erase->status == 202);
  CHECK(json::parse(erase->body)["erased"] == 0);
}
