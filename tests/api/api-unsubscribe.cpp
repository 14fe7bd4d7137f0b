// Marketing per person and RFC 8058 one-click unsubscribe (issue 16, unsubscribe.hpp): which e-mails carry
// marketing, the signed link (GET shows a button, POST unsubscribes, twice is the same), forged tokens, and the
// rule that no marketing e-mail is ever written for an address without a current opt-in.
#include <doctest/doctest.h>
#include <httplib.h>

#include <chrono>
#include <set>
#include <string>
#include <thread>

#include "commerce.hpp"

using namespace jupiter::test;

namespace {

constexpr const char* kOneClick = "List-Unsubscribe=One-Click";

Created paid(Shop& shop, const std::string& email, bool marketing) {
  const Created c = shop.create(order_body("jp-5gb-30d", "USD", {{"email", email}, {"marketing", marketing}}));
  REQUIRE(shop.submit_card(shop.checkout_path(c), kCardOk));
  REQUIRE(shop.wait_for_state(c, "delivered")["state"] == "delivered");
  REQUIRE_FALSE(shop.wait_for_mail(c.id + "-delivery.eml").empty());
  return c;
}

// The List-Unsubscribe URL of a message; "" when it has none.
std::string unsubscribe_url(const std::string& mail) {
  const std::string head = mail.substr(0, mail.find("\r\n\r\n"));
  const std::size_t at = head.find("List-Unsubscribe: <");
  if (at == std::string::npos) return "";
  const std::size_t from = at + 19;
  return head.substr(from, head.find('>', from) - from);
}

// "http://127.0.0.1:N/unsubscribe?t=..." -> "/unsubscribe?t=...".
std::string path_of(const std::string& url) { return url.substr(url.find('/', url.find("://") + 3)); }

long long opted_in(const Shop& shop, const std::string& email) {
  return sqlite_int(shop.data_dir / "jupiter.sqlite3",
                    "SELECT opted_in FROM marketing_preferences WHERE email = '" + email + "'")
      .value_or(-1);
}

httplib::Result one_click(const Shop& shop, const std::string& path, const std::string& body = kOneClick) {
  return shop.store->client().Post(path.c_str(), body, "application/x-www-form-urlencoded");
}

// Every outbox message: its file name -> whether it carries marketing (header, link or the block).
std::vector<std::pair<std::string, bool>> marketing_in_outbox(const Shop& shop) {
  std::vector<std::pair<std::string, bool>> out;
  for (const auto& [name, text] : shop.outbox()) {
    bool marketing = text.find("List-Unsubscribe") != std::string::npos;
    for (const std::string& part : mime_parts(text, "text/"))
      marketing = marketing || part.find("unsubscribe") != std::string::npos || part.find("subscriber") != std::string::npos;
    out.emplace_back(name, marketing);
  }
  return out;
}

}  // namespace

TEST_CASE("an opted-in customer's order e-mails carry RFC 8058 one-click unsubscribe and a visible link; others none") {
  Shop shop;
  const Created ada = paid(shop, "ada@example.com", true);
  const Created bob = paid(shop, "bob@example.com", false);
  for (const char* kind : {"-confirmation.eml", "-delivery.eml"}) {
    CAPTURE(kind);
    const std::string mail = shop.wait_for_mail(ada.id + std::string(kind));
    const std::string url = unsubscribe_url(mail);
    CHECK(url.rfind("http://127.0.0.1:" + std::to_string(shop.store->port()) + "/unsubscribe?t=", 0) == 0);
    CHECK(mail.find("\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n") != std::string::npos);
    const auto text = mime_parts(mail, "text/plain");
    REQUIRE(text.size() == 1);
    CHECK(text[0].find("Unsubscribe from marketing e-mails: " + url) != std::string::npos);
    const auto html = mime_parts(mail, "text/html");
    REQUIRE(html.size() == 1);
    CHECK(html[0].find(">Unsubscribe from marketing e-mails</a>") != std::string::npos);
  }
  for (const char* kind : {"-confirmation.eml", "-delivery.eml"}) {
    const std::string mail = shop.wait_for_mail(bob.id + std::string(kind));
    CHECK(mail.find("List-Unsubscribe") == std::string::npos);
    CHECK(mime_parts(mail, "text/plain")[0].find("nsubscribe") == std::string::npos);
  }
  CHECK(opted_in(shop, "ada@example.com") == 1);
  CHECK(opted_in(shop, "bob@example.com") == -1);  // no row: never opted in
}

TEST_CASE("one-click POST unsubscribes the person on every order, twice is the same; GET only shows a button") {
  Shop shop;
  const Created first = paid(shop, "Ada@Example.com", true);
  const Created second = paid(shop, "ada@example.com", false);  // an order without the box does not opt out
  REQUIRE(opted_in(shop, "ada@example.com") == 1);
  const std::string path = path_of(unsubscribe_url(shop.wait_for_mail(second.id + "-delivery.eml")));
  REQUIRE(path.rfind("/unsubscribe?t=", 0) == 0);

  // A link scanner (or the person) opening the link changes nothing: the page has a button that POSTs.
  auto page = shop.store->client().Get(path.c_str());
  REQUIRE(page);
  CHECK(page->status == 200);
  CHECK(page->get_header_value("Cache-Control") == "no-store");
  CHECK(page->body.find("<form method=\"post\" action=\"" + path + "\">") != std::string::npos);
  CHECK(page->body.find("name=\"List-Unsubscribe\" value=\"One-Click\"") != std::string::npos);
  CHECK(page->body.find("<script") == std::string::npos);
  CHECK(opted_in(shop, "ada@example.com") == 1);
  CHECK(shop.order(first)["marketing"] == true);

  for (int i = 0; i < 2; ++i) {  // without sign-in, and idempotent
    auto res = one_click(shop, path);
    REQUIRE(res);
    CHECK(res->status == 200);
    CHECK(res->body.find("You are unsubscribed") != std::string::npos);
    CHECK(opted_in(shop, "ada@example.com") == 0);
  }
  CHECK(shop.order(first)["marketing"] == false);
  CHECK(shop.order(second)["marketing"] == false);
  CHECK(sqlite_int(shop.data_dir / "jupiter.sqlite3",
                   "SELECT count(*) FROM rights_requests WHERE kind = 'unsubscribe' AND outcome = 'done'") == 2);

  // A new order with the box ticked is a new opt-in.
  const Created third = paid(shop, "ada@example.com", true);
  CHECK(opted_in(shop, "ada@example.com") == 1);
  CHECK_FALSE(unsubscribe_url(shop.wait_for_mail(third.id + "-delivery.eml")).empty());
}

TEST_CASE("a forged, tampered or cut unsubscribe token is a clear 400 and changes nothing") {
  Shop shop;
  const Created ada = paid(shop, "ada@example.com", true);
  paid(shop, "eve@example.com", true);
  const std::string path = path_of(unsubscribe_url(shop.wait_for_mail(ada.id + "-delivery.eml")));
  const std::string token = path.substr(path.find("t=") + 2);
  const std::string eve_address = "ZXZlQGV4YW1wbGUuY29t";  // base64url("eve@example.com") with ada's signature
  std::string flipped = token;
  flipped.back() = flipped.back() == 'A' ? 'B' : 'A';
  for (const std::string& bad : {"/unsubscribe?t=" + flipped, "/unsubscribe?t=" + token.substr(0, token.size() - 5),
                                "/unsubscribe?t=" + eve_address + token.substr(token.find('.')),
                                std::string("/unsubscribe?t=nonsense"), std::string("/unsubscribe")}) {
    CAPTURE(bad);
    auto get = shop.store->client().Get(bad.c_str());
    REQUIRE(get);
    CHECK(get->status == 400);
    CHECK(get->body.find("This unsubscribe link is not valid") != std::string::npos);
    auto post = one_click(shop, bad);
    REQUIRE(post);
    CHECK(post->status == 400);
  }
  auto no_body = one_click(shop, path, "");
  REQUIRE(no_body);
  CHECK(no_body->status == 400);
  CHECK(opted_in(shop, "ada@example.com") == 1);
  CHECK(opted_in(shop, "eve@example.com") == 1);
}

TEST_CASE("no marketing e-mail is ever written for an address without a current opt-in") {
  Shop shop;
  const Created ada = paid(shop, "ada@example.com", true);
  const Created bob = paid(shop, "bob@example.com", false);
  paid(shop, "bob@example.com", false);
  const std::string path = path_of(unsubscribe_url(shop.wait_for_mail(ada.id + "-delivery.eml")));
  std::set<std::string> before_unsubscribe;
  for (const auto& [name, marketing] : marketing_in_outbox(shop)) before_unsubscribe.insert(name);
  REQUIRE(one_click(shop, path)->status == 200);
  // After the unsubscribe: a resend to ada, and withdrawal on one of bob's orders (he never opted in).
  auto resend = shop.store->client().Post(("/api/orders/" + ada.id + "/resend").c_str(),
                                          {{"Authorization", "Bearer " + ada.token}}, "", "application/json");
  REQUIRE(resend);
  REQUIRE(resend->status < 300);
  REQUIRE_FALSE(shop.wait_for_mail(ada.id + "-resend.eml").empty());
  int with_marketing = 0;
  for (const auto& [name, marketing] : marketing_in_outbox(shop)) {
    CAPTURE(name);
    const bool ada_before = name.find(ada.id) != std::string::npos && before_unsubscribe.count(name);
    CHECK(marketing == ada_before);  // ada's before the unsubscribe only; never bob's; never ada's after
    with_marketing += marketing;
  }
  CHECK(with_marketing == 2);  // ada's confirmation and delivery
  CHECK(shop.order(bob)["marketing"] == false);
}

TEST_CASE("withdrawing marketing on one order withdraws it for the person, on every order") {
  Shop shop;
  const Created first = paid(shop, "ada@example.com", true);
  const Created second = paid(shop, "ada@example.com", true);
  auto res = shop.store->client().Post(("/api/orders/" + second.id + "/customer").c_str(),
                                       {{"Authorization", "Bearer " + second.token}}, R"({"marketing":false})",
                                       "application/json");
  REQUIRE(res);
  REQUIRE_MESSAGE(res->status == 200, res->body);
  CHECK(opted_in(shop, "ada@example.com") == 0);
  CHECK(shop.order(first)["marketing"] == false);
  CHECK(shop.order(second)["marketing"] == false);
}

TEST_CASE("two orders under one e-mail: the export shows the account and marketing state, the erase removes them") {
  Shop shop;
  const Created first = paid(shop, "ada@example.com", true);
  const Created second = paid(shop, "Ada@example.com", false);
  const fs::path db = shop.data_dir / "jupiter.sqlite3";
  const long long now = unix_now();
  // A signed-in session and a used sign-in link of the address (as accounts.cpp writes them).
  const std::string insert = "INSERT INTO account_sessions VALUES ('" + std::string(64, 'a') + "', 'ada@example.com', " +
                             std::to_string(now) + ", " + std::to_string(now + 3600) + "); INSERT INTO account_links "
                             "(token_sha256, email, email_key, client_key, created_s, expires_s, used_s) VALUES ('" +
                             std::string(64, 'b') + "', 'ada@example.com', 'k', 'c', " +
                             std::to_string(now) + ", " + std::to_string(now + 900) + ", " + std::to_string(now) + ")";
  const std::string why = db_exec(db, insert);  // SQLite's file, or that data folder's PostgreSQL database
  REQUIRE_MESSAGE(why.empty(), why);

  auto data = shop.store->client().Get(("/api/orders/" + first.id + "/data").c_str(),
                                       {{"Authorization", "Bearer " + first.token}});
  REQUIRE(data);
  REQUIRE(data->status == 200);
  const json d = json::parse(data->body);
  REQUIRE(d["account"]["sessions"].size() == 1);
  CHECK(d["account"]["sessions"][0]["expires_at"].is_string());
  REQUIRE(d["account"]["sign_in_links"].size() == 1);
  CHECK(d["account"]["sign_in_links"][0]["used"] == true);
  CHECK(d["marketing"]["opted_in"] == true);
  CHECK(d["marketing"]["source"] == "order");
  CHECK(data->body.find(std::string(64, 'a')) == std::string::npos);  // never the session's hash

  auto erase = shop.store->client().Post(("/api/orders/" + first.id + "/erase").c_str(),
                                         {{"Authorization", "Bearer " + first.token}}, "", "application/json");
  REQUIRE(erase);
  REQUIRE(erase->status == 200);
  CHECK(sqlite_int(db, "SELECT count(*) FROM account_sessions") == 0);
  CHECK(sqlite_int(db, "SELECT count(*) FROM account_links") == 0);
  CHECK(opted_in(shop, "ada@example.com") == 0);  // the second order still names the address: off, not gone
  CHECK(shop.order(second)["marketing"] == false);

  erase = shop.store->client().Post(("/api/orders/" + second.id + "/erase").c_str(),
                                    {{"Authorization", "Bearer " + second.token}}, "", "application/json");
  REQUIRE(erase);
  REQUIRE(erase->status == 200);
  CHECK(opted_in(shop, "ada@example.com") == -1);  // with the address's last order, its row is gone
  CHECK(sqlite_int(db, "SELECT count(*) FROM rights_requests WHERE kind IN ('access', 'erasure')") == 3);
  const std::string bytes = stored_data(db);
  CHECK(bytes.find("ada@example.com") == std::string::npos);
}
