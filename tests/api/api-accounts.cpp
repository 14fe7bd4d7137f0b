// My eSIMs on the server (issue 15, accounts.hpp): sign-in by an e-mailed link, sessions, the account's orders,
// cancelling unpaid orders, and the bad input around them. Real processes, real HTTP, the server's own SQLite file.
#include <doctest/doctest.h>
#include <httplib.h>

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

// Runs `sql` on the server's database (read-write, waiting for the server's lock): the tests' way to move time.
void sqlite_exec(const fs::path& db, const std::string& sql) {
  const std::string why = db_exec(db, sql);
  REQUIRE_MESSAGE(why.empty(), why);
}

fs::path database(const Shop& shop) { return shop.data_dir / "jupiter.sqlite3"; }

std::set<std::string> sign_in_mails(const Shop& shop) {
  std::set<std::string> names;
  for (const auto& [name, mail] : shop.outbox())
    if (name.size() > 12 && name.substr(name.size() - 12) == "-sign-in.eml") names.insert(name);
  return names;
}

httplib::Result post_json(const Shop& shop, const std::string& path, const std::string& body,
                          const httplib::Headers& headers = kNoHeaders) {
  return shop.store->client().Post(path.c_str(), headers, body, "application/json");
}

httplib::Result ask_link(const Shop& shop, const std::string& email) {
  return post_json(shop, "/api/account/sign-in", json{{"email", email}}.dump());
}

// Asks for a link for `email` (REQUIREs 202) and returns the token of the e-mail that came with it.
std::string link_token(const Shop& shop, const std::string& email) {
  const std::set<std::string> before = sign_in_mails(shop);
  auto res = ask_link(shop, email);
  REQUIRE(res);
  REQUIRE_MESSAGE(res->status == 202, res->body);
  for (const auto& [name, mail] : shop.outbox()) {
    if (before.count(name) || name.size() < 12 || name.substr(name.size() - 12) != "-sign-in.eml") continue;
    const auto text = mime_parts(mail, "text/plain");
    REQUIRE(text.size() == 1);
    std::smatch m;
    REQUIRE(std::regex_search(text[0], m, std::regex("/account/verify\\?token=([A-Za-z0-9_.-]+)")));
    return m[1];
  }
  FAIL("no sign-in e-mail came");
  return "";
}

// The value of the session cookie a response sets; "" when it sets none.
std::string set_cookie_value(const httplib::Result& res) {
  const std::string h = res->get_header_value("Set-Cookie");
  const std::string prefix = std::string(jupiter::server::kSessionCookie) + "=";
  if (h.rfind(prefix, 0) != 0) return "";
  return h.substr(prefix.size(), h.find(';') - prefix.size());
}

httplib::Headers cookie(const std::string& value) {
  return {{"Cookie", std::string(jupiter::server::kSessionCookie) + "=" + value}};
}

httplib::Result redeem_form(const Shop& shop, const std::string& token, const httplib::Headers& headers = kNoHeaders) {
  return shop.store->client().Post("/account/verify", headers, "token=" + token, "application/x-www-form-urlencoded");
}

// Signs `email` in through the link and the page's button: the session cookie's value.
std::string sign_in(const Shop& shop, const std::string& email, const httplib::Headers& headers = kNoHeaders) {
  auto res = redeem_form(shop, link_token(shop, email), headers);
  REQUIRE(res);
  REQUIRE_MESSAGE(res->status == 303, res->body);
  const std::string value = set_cookie_value(res);
  REQUIRE(!value.empty());
  return value;
}

httplib::Result get(const Shop& shop, const std::string& path, const std::string& session) {
  return shop.store->client().Get(path.c_str(), cookie(session));
}

json account_orders(const Shop& shop, const std::string& session) {
  auto res = get(shop, "/api/account/orders", session);
  REQUIRE(res);
  REQUIRE_MESSAGE(res->status == 200, res->body);
  return json::parse(res->body)["orders"];
}

httplib::Result cancel(const Shop& shop, const std::string& id, const std::string& session) {
  return post_json(shop, "/api/account/orders/" + id + "/cancel", "", cookie(session));
}

}  // namespace

TEST_CASE("signing in by link: the same answer with or without orders; opening the link shows a button that signs in") {
  Shop shop;
  shop.create();  // ada@example.com has an order; nobody@example.org has none
  auto with_orders = ask_link(shop, "ada@example.com");
  auto without = ask_link(shop, "nobody@example.org");
  REQUIRE(with_orders);
  REQUIRE(without);
  CHECK(with_orders->status == 202);
  CHECK(without->status == 202);
  CHECK(with_orders->body == without->body);
  CHECK(sign_in_mails(shop).size() == 2);  // a link goes out either way

  const std::string token = link_token(shop, "ada@example.com");
  // The link holds no e-mail address; the database keeps only the token's hash.
  CHECK(token.find("ada") == std::string::npos);
  CHECK(sqlite_int(database(shop), "SELECT count(*) FROM account_links WHERE token_sha256 = '" +
                                       jupiter::server::sha256_hex(token) + "'") == 1);
  CHECK(stored_data(database(shop)).find(token) == std::string::npos);

  // Opening the link (what a mail scanner does) twice uses nothing up: a page with a form.
  for (int i = 0; i < 2; ++i) {
    auto page = shop.store->client().Get(("/account/verify?token=" + token).c_str());
    REQUIRE(page);
    CHECK(page->status == 200);
    CHECK(page->get_header_value("Content-Type") == "text/html; charset=utf-8");
    CHECK(page->get_header_value("Referrer-Policy") == "no-referrer");
    CHECK(page->body.find("<form method=\"post\" action=\"/account/verify\">") != std::string::npos);
    CHECK(page->body.find("value=\"" + token + "\"") != std::string::npos);
    CHECK(page->get_header_value("Set-Cookie").empty());
  }
  auto res = redeem_form(shop, token);
  REQUIRE(res);
  CHECK(res->status == 303);
  CHECK(res->get_header_value("Location") == "/?account=orders");
  const std::string set = res->get_header_value("Set-Cookie");
  CHECK(set.find("; Max-Age=2592000; Path=/; HttpOnly; SameSite=Lax") != std::string::npos);
  CHECK(set.find("Secure") == std::string::npos);  // the public URL is http here
  const std::string session = set_cookie_value(res);
  CHECK(sqlite_int(database(shop), "SELECT count(*) FROM account_sessions WHERE id_sha256 = '" +
                                       jupiter::server::sha256_hex(session) + "'") == 1);
  CHECK(sqlite_int(database(shop), "SELECT count(*) FROM account_links WHERE email <> '' AND used_s IS NOT NULL") == 0);

  auto who = get(shop, "/api/account", session);
  REQUIRE(who);
  CHECK(who->status == 200);
  CHECK(json::parse(who->body)["email"] == "ada@example.com");
}

TEST_CASE("the store's own fetch signs in with the token as JSON") {
  Shop shop;
  auto res = post_json(shop, "/api/account/verify", json{{"token", link_token(shop, "Ada@Example.COM")}}.dump());
  REQUIRE(res);
  REQUIRE(res->status == 200);
  CHECK(json::parse(res->body)["email"] == "Ada@example.com");  // the domain normalized, as the checkout does
  CHECK(get(shop, "/api/account", set_cookie_value(res))->status == 200);
}

// The sign-in e-mail and the page its link opens speak the language the store sent; anything but the four codes is
// refused, and the page falls back to English for a link without one.
TEST_CASE("the sign-in e-mail and its link's page are in the store's language") {
  Shop shop;
  auto asked = post_json(shop, "/api/account/sign-in", json{{"email", "ada@example.com"}, {"language", "es"}}.dump());
  REQUIRE(asked);
  REQUIRE(asked->status == 202);
  std::string mail;
  for (const auto& [name, m] : shop.outbox())
    if (name.find("-sign-in.eml") != std::string::npos) mail = m;
  REQUIRE(!mail.empty());
  CHECK(mail.find("Subject: Tu enlace de acceso a JupiterEsims\r\n") != std::string::npos);
  const std::string text = mime_parts(mail, "text/plain").at(0);
  CHECK(text.find("Abre este enlace para entrar en Mis eSIM") != std::string::npos);
  CHECK(text.find("durante 15 minutos") != std::string::npos);
  std::smatch link;
  REQUIRE(std::regex_search(text, link, std::regex("/account/verify\\?token=([A-Za-z0-9_.-]+)&lang=es\\b")));
  CHECK(mime_parts(mail, "text/html").at(0).find(">Entrar en JupiterEsims</a>") != std::string::npos);

  const std::string token = link[1];
  auto page = shop.store->client().Get(("/account/verify?token=" + token + "&lang=es").c_str());
  REQUIRE(page);
  CHECK(page->status == 200);
  CHECK(page->body.find("<html lang=\"es\">") != std::string::npos);
  CHECK(page->body.find("<button type=\"submit\">Entrar</button>") != std::string::npos);
  auto german_bad = shop.store->client().Get("/account/verify?token=nope&lang=de");
  REQUIRE(german_bad);
  CHECK(german_bad->status == 400);
  CHECK(german_bad->body.find("<h1>Dieser Link funktioniert nicht</h1>") != std::string::npos);
  CHECK(german_bad->body.find("<a href=\"/?account=sign-in\">Fordern Sie einen neuen an</a>") != std::string::npos);
  for (const char* lang : {"", "&lang=xx", "&lang=%3Cb%3E"}) {
    auto english = shop.store->client().Get(("/account/verify?token=" + token + lang).c_str());
    REQUIRE(english);
    CHECK(english->body.find("<html lang=\"en\">") != std::string::npos);
    CHECK(english->body.find("<button type=\"submit\">Sign in</button>") != std::string::npos);
  }
  // The page is still only a page: the link works once afterwards.
  CHECK(redeem_form(shop, token)->status == 303);

  for (const json& bad : {json("ES"), json("pt"), json(1), json(nullptr)}) {
    auto res = post_json(shop, "/api/account/sign-in", json{{"email", "bo@example.com"}, {"language", bad}}.dump());
    REQUIRE(res);
    CHECK(res->status == 400);
    CHECK(json::parse(res->body)["error"]["code"] == "invalid_language");
  }
}

TEST_CASE("the session cookie is Secure when the public URL is https") {
  Shop shop({"--public-url", "https://shop.example"});
  const std::string token = link_token(shop, "ada@example.com");
  auto res = redeem_form(shop, token);
  REQUIRE(res);
  REQUIRE(res->status == 303);
  CHECK(res->get_header_value("Set-Cookie").find("; Secure") != std::string::npos);
  for (const auto& [name, m] : shop.outbox())
    if (name.find("sign-in") != std::string::npos)
      CHECK(mime_parts(m, "text/plain")[0].find("https://shop.example/account/verify?token=" + token) !=
            std::string::npos);
}

TEST_CASE("an account holds every order of its e-mail, before and after sign-in, newest first, with their links") {
  Shop shop;
  const Created before = shop.create();
  const Created other = shop.create(order_body("jp-5gb-30d", "USD", {{"email", "grace@example.com"}}));
  const std::string session = sign_in(shop, "ada@example.com");
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));  // created_at has whole seconds
  const Created after = shop.create(order_body("jp-5gb-30d", "EUR", {{"email", "ada@EXAMPLE.com"}}));

  const json orders = account_orders(shop, session);
  REQUIRE(orders.size() == 2);
  CHECK(orders[0]["id"] == after.id);
  CHECK(orders[1]["id"] == before.id);
  const json& o = orders[1];
  CHECK(o["state"] == "pending_payment");
  CHECK(o["created_at"] == before.order["created_at"]);
  CHECK(o["paid_at"].is_null());
  CHECK(o["plan"]["id"] == "jp-5gb-30d");
  // One shape: the plan and price are the order's own, field for field.
  CHECK(o["plan"] == before.order["plan"]);
  CHECK(o["price"] == before.order["price"]);
  CHECK(o["region"] == "");
  CHECK(o["price"]["currency"] == "USD");
  CHECK(orders[0]["price"]["currency"] == "EUR");
  // The order's secret page as in its e-mails: its token opens the order.
  CHECK(o["links"]["order"] == "http://127.0.0.1:" + std::to_string(shop.store->port()) + "/?order=" + before.id +
                                   "#t=" + before.token);
  CHECK(o["links"]["receipt"].get<std::string>().find("/orders/" + before.id + "/receipt?token=" + before.token) !=
        std::string::npos);
  CHECK(shop.get(before.id, before.token)->status == 200);
  for (const json& each : orders) CHECK(each["id"] != other.id);

  // Paid orders carry their payment date.
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  const Created paid = shop.paid_order("delivered");
  const json now = account_orders(shop, session);
  REQUIRE(now.size() == 3);
  CHECK(now[0]["id"] == paid.id);
  CHECK(now[0]["state"] == "delivered");
  CHECK(now[0]["paid_at"].is_string());
}

TEST_CASE("an unpaid order is cancelled once by its owner; someone else's order is the same 404 as an unknown one") {
  Shop shop;
  const Created mine = shop.create();
  const Created theirs = shop.create(order_body("jp-5gb-30d", "USD", {{"email", "grace@example.com"}}));
  const std::string session = sign_in(shop, "ada@example.com");

  auto done = cancel(shop, mine.id, session);
  REQUIRE(done);
  REQUIRE_MESSAGE(done->status == 200, done->body);
  CHECK(json::parse(done->body)["state"] == "cancelled");
  const json order = shop.order(mine);
  CHECK(order["state"] == "cancelled");
  CHECK(order["history"].back()["reason"] == "cancelled by the customer");

  auto again = cancel(shop, mine.id, session);
  REQUIRE(again);
  CHECK(again->status == 409);
  CHECK(json_error_code(again->body) == "already_cancelled");
  CHECK(shop.start_payment(mine)->status == 409);  // a cancelled order cannot be paid

  auto foreign = cancel(shop, theirs.id, session);
  auto unknown = cancel(shop, "ord_AAAAAAAAAAAAAAAA", session);
  REQUIRE(foreign);
  REQUIRE(unknown);
  CHECK(foreign->status == 404);
  CHECK(foreign->body == unknown->body);
  CHECK(shop.order(theirs)["state"] == "pending_payment");

  const Created paid = shop.paid_order("delivered");
  auto refused = cancel(shop, paid.id, session);
  REQUIRE(refused);
  CHECK(refused->status == 409);
  CHECK(json_error_code(refused->body) == "not_cancellable");
  CHECK(shop.order(paid)["state"] == "delivered");
}

TEST_CASE("a payment made on a checkout page left open after the owner cancelled is refunded; the order stays cancelled") {
  Shop shop;
  const Created c = shop.create();
  const std::string page = shop.checkout_path(c);
  const std::string session = sign_in(shop, "ada@example.com");
  REQUIRE(cancel(shop, c.id, session)->status == 200);
  auto paid = shop.submit_card(page, kCardOk);
  REQUIRE(paid);
  const json o = shop.wait_for(c, [](const json& x) {
    return x["support"].is_object() && !x["support"]["payments"].empty() &&
           x["support"]["payments"][0]["status"] == "done";
  });
  CHECK(o["state"] == "cancelled");
  REQUIRE(o["support"]["payments"].size() == 1);
  CHECK(o["support"]["payments"][0]["kind"] == "refund");
  CHECK(o["support"]["payments"][0]["reason"] == "double_payment");
  CHECK(account_orders(shop, session)[0]["state"] == "cancelled");
}

TEST_CASE("the server cancels orders left unpaid for 24 hours, and only those") {
  Shop shop;
  const Created old = shop.create();
  const Created fresh = shop.create();
  const Created open_page = shop.create();
  shop.checkout_path(open_page);  // an open checkout page: the customer may be paying right now
  shop.store->stop();
  sqlite_exec(database(shop), "UPDATE orders SET created_at = '2020-01-01T00:00:00Z' WHERE id IN ('" + old.id +
                                  "', '" + open_page.id + "')");
  shop.restart_store();  // the sweep runs at start
  CHECK(shop.wait_for_state(old, "cancelled")["history"].back()["reason"] == "cancelled: not paid within 24 hours");
  CHECK(shop.order(fresh)["state"] == "pending_payment");
  CHECK(shop.order(open_page)["state"] == "pending_payment");
}

TEST_CASE("sign-in links are single use, expire after 15 minutes and refuse tampering") {
  Shop shop;
  const std::string token = link_token(shop, "ada@example.com");
  auto first = post_json(shop, "/api/account/verify", json{{"token", token}}.dump());
  REQUIRE(first);
  CHECK(first->status == 200);
  auto reused = post_json(shop, "/api/account/verify", json{{"token", token}}.dump());
  REQUIRE(reused);
  CHECK(reused->status == 410);
  CHECK(json_error_code(reused->body) == "link_used");
  auto reused_form = redeem_form(shop, token);
  REQUIRE(reused_form);
  CHECK(reused_form->status == 410);
  CHECK(reused_form->get_header_value("Set-Cookie").empty());

  const std::string late = link_token(shop, "ada@example.com");
  const std::int64_t expires = *sqlite_int(database(shop), "SELECT expires_s FROM account_links WHERE token_sha256 = '" +
                                                               jupiter::server::sha256_hex(late) + "'");
  CHECK(expires - unix_now() > 14 * 60);
  CHECK(expires - unix_now() <= 15 * 60);
  sqlite_exec(database(shop), "UPDATE account_links SET expires_s = " + std::to_string(unix_now() - 1) +
                                  " WHERE token_sha256 = '" + jupiter::server::sha256_hex(late) + "'");
  auto expired = post_json(shop, "/api/account/verify", json{{"token", late}}.dump());
  REQUIRE(expired);
  CHECK(expired->status == 410);
  CHECK(json_error_code(expired->body) == "link_expired");

  const std::string good = link_token(shop, "ada@example.com");
  std::string bad_signature = good;
  bad_signature.back() = bad_signature.back() == 'A' ? 'B' : 'A';
  std::string bad_random = good;
  bad_random.front() = bad_random.front() == 'A' ? 'B' : 'A';
  for (const std::string& bad : {bad_signature, bad_random, good.substr(0, 43), std::string(), good + "x",
                                 std::string("<script>")}) {
    INFO(bad);
    auto res = post_json(shop, "/api/account/verify", json{{"token", bad}}.dump());
    REQUIRE(res);
    CHECK(res->status == 400);
    CHECK(json_error_code(res->body) == "invalid_link");
    auto page = shop.store->client().Get(("/account/verify?token=" + bad).c_str());
    REQUIRE(page);
    CHECK(page->status == 400);
  }
  // The tampered tries used nothing up.
  CHECK(post_json(shop, "/api/account/verify", json{{"token", good}}.dump())->status == 200);
}

TEST_CASE("sessions: a new id at each sign-in, sign out here or everywhere, 30 days sliding, foreign cookies refused") {
  Shop shop;
  const std::string phone = sign_in(shop, "ada@example.com");
  const std::string laptop = sign_in(shop, "ada@example.com");
  CHECK(phone != laptop);
  // Signing in again from the laptop replaces its session: the old id ends.
  const std::string laptop2 = sign_in(shop, "ada@example.com", cookie(laptop));
  CHECK(laptop2 != laptop);
  auto ended = get(shop, "/api/account", laptop);
  REQUIRE(ended);
  CHECK(ended->status == 401);
  CHECK(json_error_code(ended->body) == "session_ended");

  // Sliding: a session last extended a day ago is extended again to 30 days, and its cookie re-sent.
  sqlite_exec(database(shop), "UPDATE account_sessions SET expires_s = " + std::to_string(unix_now() + 29 * 86400) +
                                  " WHERE id_sha256 = '" + jupiter::server::sha256_hex(phone) + "'");
  auto slid = get(shop, "/api/account", phone);
  REQUIRE(slid);
  CHECK(slid->status == 200);
  CHECK(set_cookie_value(slid) == phone);
  CHECK(*sqlite_int(database(shop), "SELECT expires_s FROM account_sessions WHERE id_sha256 = '" +
                                        jupiter::server::sha256_hex(phone) + "'") >= unix_now() + 30 * 86400 - 5);
  auto steady = get(shop, "/api/account", phone);  // just extended: no write, no cookie
  CHECK(steady->get_header_value("Set-Cookie").empty());

  auto out = post_json(shop, "/api/account/sign-out", "", cookie(laptop2));
  REQUIRE(out);
  CHECK(out->status == 204);
  CHECK(out->get_header_value("Set-Cookie").find("Max-Age=0") != std::string::npos);
  CHECK(get(shop, "/api/account", laptop2)->status == 401);
  CHECK(get(shop, "/api/account", phone)->status == 200);

  const std::string tablet = sign_in(shop, "ada@example.com");
  const std::string grace = sign_in(shop, "grace@example.com");
  CHECK(post_json(shop, "/api/account/sign-out-everywhere", "", cookie(tablet))->status == 204);
  CHECK(get(shop, "/api/account", phone)->status == 401);
  CHECK(get(shop, "/api/account", tablet)->status == 401);
  CHECK(get(shop, "/api/account", grace)->status == 200);  // another address's session stays

  // A cookie made by a server with another secret, and a random one of the right shape.
  const std::string foreign = jupiter::server::make_signed_secret(
      jupiter::server::hmac_sha256("another server's secret", "accounts-v1"), jupiter::server::SecretPurpose::Session);
  const std::string random = std::string(43, 'A') + "." + std::string(43, 'B');
  for (const std::string& bad : {foreign, random}) {
    auto res = get(shop, "/api/account/orders", bad);
    REQUIRE(res);
    CHECK(res->status == 401);
    CHECK(json_error_code(res->body) == "invalid_session");
  }
  // A sign-in link's token is not a session id.
  const std::string token = link_token(shop, "ada@example.com");
  CHECK(json_error_code(get(shop, "/api/account", token)->body) == "invalid_session");
  auto missing = shop.store->client().Get("/api/account/orders");
  REQUIRE(missing);
  CHECK(missing->status == 401);
  CHECK(json_error_code(missing->body) == "not_signed_in");
  CHECK(json_error_code(cancel(shop, "ord_AAAAAAAAAAAAAAAA", "")->body) == "not_signed_in");
}

TEST_CASE("sign-in links are rate limited per e-mail address and per client address") {
  Shop shop;
  for (int i = 0; i < 5; ++i) CHECK(ask_link(shop, "ada@example.com")->status == 202);
  auto limited = ask_link(shop, "ADA@example.com");  // the same address in other letters
  REQUIRE(limited);
  CHECK(limited->status == 429);
  CHECK(json_error_code(limited->body) == "rate_limited");
  const int wait = std::stoi(limited->get_header_value("Retry-After"));
  CHECK(wait >= 3590);
  CHECK(wait <= 3600);
  CHECK(sign_in_mails(shop).size() == 5);
  for (int i = 0; i < 15; ++i) CHECK(ask_link(shop, "traveller" + std::to_string(i) + "@example.com")->status == 202);
  auto address = ask_link(shop, "someone-new@example.com");
  REQUIRE(address);
  CHECK(address->status == 429);
  CHECK(sign_in_mails(shop).size() == 20);
}

TEST_CASE("bad input to the account routes: clear 4xx JSON errors, nothing stored, no e-mail in logs or URLs") {
  Shop shop;
  shop.create();
  for (const std::string& bad : {std::string(R"({"email":"not-an-address"})"), std::string(R"({"email":""})"),
                                 std::string(R"({"email":42})"), std::string(R"({})"), std::string(R"([1])"),
                                 std::string("not json"), json{{"email", std::string(300, 'a') + "@example.com"}}.dump()}) {
    INFO(bad);
    auto res = post_json(shop, "/api/account/sign-in", bad);
    REQUIRE(res);
    CHECK(res->status == 400);
    CHECK(!json_error_code(res->body).empty());
  }
  auto huge = post_json(shop, "/api/account/sign-in", json{{"email", "ada@example.com"}, {"pad", std::string(4096, 'x')}}.dump());
  REQUIRE(huge);
  CHECK(huge->status == 413);
  auto cross = post_json(shop, "/api/account/sign-in", R"({"email":"ada@example.com"})",
                         {{"Origin", "https://evil.example"}});
  REQUIRE(cross);
  CHECK(cross->status == 403);
  CHECK(json_error_code(cross->body) == "cross_origin");
  CHECK(sqlite_int(database(shop), "SELECT count(*) FROM account_links") == 0);
  CHECK(sign_in_mails(shop).empty());

  // A sign-in form posted from another site (sign-in CSRF) is refused and uses nothing up; so is an over-long one.
  const std::string token = link_token(shop, "ada@example.com");
  auto long_form = redeem_form(shop, token + "&pad=" + std::string(2048, 'x'));
  REQUIRE(long_form);
  CHECK(long_form->status == 413);
  auto csrf = redeem_form(shop, token, {{"Origin", "https://evil.example"}});
  REQUIRE(csrf);
  CHECK(csrf->status == 403);
  // "Origin: null" (the verify page's own form under its no-referrer policy) passes only when the browser says
  // the form was same-origin; from a sandboxed or cross-site context, or with no Sec-Fetch-Site, it is refused.
  for (const char* site : {"cross-site", "same-site", "none", ""}) {
    httplib::Headers h{{"Origin", "null"}};
    if (*site) h.emplace("Sec-Fetch-Site", site);
    auto null_origin = redeem_form(shop, token, h);
    REQUIRE(null_origin);
    CHECK_MESSAGE(null_origin->status == 403, "Sec-Fetch-Site: ", site);
  }
  const std::string origin = "http://127.0.0.1:" + std::to_string(shop.store->port());
  auto own = redeem_form(shop, token, {{"Origin", origin}});
  REQUIRE(own);
  CHECK(own->status == 303);
  const std::string session = set_cookie_value(own);
  CHECK(account_orders(shop, session).size() == 1);
  auto own_null = redeem_form(shop, link_token(shop, "bea@example.com"),
                              {{"Origin", "null"}, {"Sec-Fetch-Site", "same-origin"}});
  REQUIRE(own_null);
  CHECK(own_null->status == 303);
  CHECK_FALSE(set_cookie_value(own_null).empty());
  CHECK(post_json(shop, "/api/account/sign-out", "", {{"Cookie", cookie(session).begin()->second},
                                                      {"Origin", "https://evil.example"}})->status == 403);
  CHECK(get(shop, "/api/account", session)->status == 200);

  CHECK(shop.store->wait_for_output("accounts: signed in with a link"));
  const std::string logs = shop.logs();
  CHECK(logs.find("ada@example.com") == std::string::npos);
  CHECK(logs.find(token) == std::string::npos);
}
