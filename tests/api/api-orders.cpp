// api-orders.cpp: POST /api/orders and GET /api/orders/:id over real HTTP: idempotency (sequential and
// concurrent), server-side prices, validation, wrong tokens, rate limiting, the receipt page.
#include <doctest/doctest.h>
#include <httplib.h>

#include <set>
#include <thread>

#include "commerce.hpp"

using namespace jupiter::test;

TEST_CASE("a new order is created pending payment, priced from the catalogue, with a token") {
  Shop shop;
  auto res = shop.post_order(order_body("jp-5gb-30d", "EUR"), new_key());
  REQUIRE(res);
  REQUIRE_MESSAGE(res->status == 201, res->body);
  const json doc = json::parse(res->body);
  const json& o = doc["order"];
  CHECK(o["id"].get<std::string>().rfind("ord_", 0) == 0);
  CHECK(o["state"] == "pending_payment");
  CHECK(o["price"] == json({{"amount", 1199}, {"currency", "EUR"}}));
  CHECK(o["plan"]["id"] == "jp-5gb-30d");
  CHECK(o["plan"]["coverage"] == json::array({"JP"}));
  CHECK(o["customer"]["email"] == "ada@example.com");
  CHECK(o["payment"]["status"] == "none");
  CHECK(o["delivery"]["status"] == "waiting");
  CHECK(o["esim"].is_null());
  CHECK(o["history"].empty());
  const std::string token = doc["token"];
  CHECK(token.size() >= 22);  // >= 128 bits of base64url
  CHECK(token.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") == std::string::npos);
  SUBCASE("only the token's hash is stored") {
    const fs::path db = shop.data_dir / "jupiter.sqlite3";
    CHECK(sqlite_int(db, "SELECT count(*) FROM orders WHERE token_sha256 = '" + token + "'") == 0);
    CHECK(stored_data(db).find(token) == std::string::npos);
  }
}

TEST_CASE("the checkout's confirmations are kept as a consent receipt without the e-mail") {
  Shop shop;
  const Created c = shop.create(order_body("jp-5gb-30d", "USD", {{"marketing", true}, {"consent_id", "cid_0123456789"}, {"consent_key", "key_0123456789abcdef"}}));
  const fs::path db = shop.data_dir / "jupiter.sqlite3";
  // The choices are read as JSON here, not with an engine's JSON functions, so both engines answer alike.
  const auto choices_of = [&](const std::string& order_id) {
    const std::string text = db_text(db, "SELECT choices FROM consent_receipts WHERE source = 'checkout' AND "
                                         "choices LIKE '%\"" + order_id + "\"%'");
    return json::parse(text.empty() ? "null" : text);
  };
  CHECK(sqlite_int(db, "SELECT count(*) FROM consent_receipts WHERE source = 'checkout' AND consent_id = 'cid_0123456789' "
                       "AND policy_version = '1.0' AND choices LIKE '%\"" + c.id + "\"%'") == 1);
  const json yes = choices_of(c.id);
  CHECK(yes.value("age_18_plus", json()) == true);
  CHECK(yes.value("marketing_opt_in", json()) == true);
  CHECK(yes.value("order", json()) == c.id);
  CHECK(sqlite_int(db, "SELECT count(*) FROM consent_receipts WHERE choices LIKE '%ada@%'") == 0);
  SUBCASE("a refusal of marketing is recorded too") {
    const Created no = shop.create(order_body("jp-5gb-30d", "USD", {{"marketing", false}}));
    CHECK(sqlite_int(db, "SELECT count(*) FROM consent_receipts WHERE choices LIKE '%\"" + no.id + "\"%'") == 1);
    const json refused = choices_of(no.id);
    CHECK(refused.value("marketing_opt_in", json()) == false);
    CHECK(refused.value("order", json()) == no.id);
  }
}

TEST_CASE("the same idempotency key always gives the same order, never a second one") {
  Shop shop;
  const std::string key = new_key();
  auto first = shop.post_order(order_body(), key);
  REQUIRE(first);
  REQUIRE(first->status == 201);
  auto again = shop.post_order(order_body(), key);
  REQUIRE(again);
  CHECK(again->status == 200);
  CHECK(json::parse(again->body)["order"]["id"] == json::parse(first->body)["order"]["id"]);
  CHECK(json::parse(again->body)["token"] == json::parse(first->body)["token"]);
  CHECK(sqlite_int(shop.data_dir / "jupiter.sqlite3", "SELECT count(*) FROM orders") == 1);

  SUBCASE("the same key with another body is refused") {
    auto other = shop.post_order(order_body("fr-3gb-15d"), key);
    REQUIRE(other);
    CHECK(other->status == 409);
    CHECK(json_error_code(other->body) == "idempotency_key_reused");
    CHECK(sqlite_int(shop.data_dir / "jupiter.sqlite3", "SELECT count(*) FROM orders") == 1);
  }
  SUBCASE("the key is required and must be well-formed") {
    for (const std::string& bad : std::vector<std::string>{"", "short", std::string(65, 'k'), "has spaces in it ok?"}) {
      auto r = shop.post_order(order_body(), bad);
      REQUIRE(r);
      CHECK(r->status == 400);
      CHECK(json_error_code(r->body) == "invalid_idempotency_key");
    }
  }
}

TEST_CASE("concurrent requests with one idempotency key make one order") {
  Shop shop;
  const std::string key = new_key();
  constexpr int kClients = 8;
  std::vector<std::string> ids(kClients), tokens(kClients);
  std::vector<int> statuses(kClients, 0);
  std::vector<std::thread> threads;
  for (int i = 0; i < kClients; ++i)
    threads.emplace_back([&, i] {
      auto r = shop.post_order(order_body(), key);
      if (!r) return;
      statuses[i] = r->status;
      const json doc = json::parse(r->body, nullptr, false);
      if (doc.is_object() && doc.contains("order")) {
        ids[i] = doc["order"]["id"];
        tokens[i] = doc["token"];
      }
    });
  for (auto& t : threads) t.join();
  CHECK(std::count(statuses.begin(), statuses.end(), 201) == 1);
  CHECK(std::count(statuses.begin(), statuses.end(), 200) == kClients - 1);
  CHECK(std::set<std::string>(ids.begin(), ids.end()).size() == 1);
  CHECK(std::set<std::string>(tokens.begin(), tokens.end()).size() == 1);
  CHECK(sqlite_int(shop.data_dir / "jupiter.sqlite3", "SELECT count(*) FROM orders") == 1);
}

TEST_CASE("a price sent by the client is ignored") {
  Shop shop;
  const Created c = shop.create(order_body("jp-5gb-30d", "USD", {{"price", {{"amount", 1}, {"currency", "USD"}}},
                                                                 {"amount", 1}}));
  CHECK(c.order["price"]["amount"] == 1299);
  CHECK(sqlite_int(shop.data_dir / "jupiter.sqlite3", "SELECT amount_minor FROM orders") == 1299);
}

TEST_CASE("unknown plans and currencies are 422, bad details 400, and nothing is stored") {
  Shop shop;
  auto code_of = [&](const std::string& body, int status) {
    auto r = shop.post_order(body, new_key());
    REQUIRE(r);
    CHECK_MESSAGE(r->status == status, r->body);
    return json_error_code(r->body);
  };
  CHECK(code_of(order_body("no-such-plan"), 422) == "unknown_plan");
  CHECK(code_of(order_body("jp-5gb-30d", "JPY"), 422) == "unknown_currency");
  CHECK(code_of(order_body("jp-unlimited-7d", "GBP"), 422) == "unknown_currency");  // not sold in GBP
  CHECK(code_of("{not json", 400) == "invalid_json");
  CHECK(code_of(order_body("jp-5gb-30d", "USD", {{"email", "ada@localhost"}}), 400) == "invalid_email");
  CHECK(code_of(order_body("jp-5gb-30d", "USD", {{"email", ""}}), 400) == "invalid_email");
  CHECK(code_of(order_body("jp-5gb-30d", "USD", {{"phone", "015112345678"}}), 400) == "invalid_phone");
  CHECK(code_of(order_body("jp-5gb-30d", "USD", {{"name", " "}}), 400) == "invalid_name");
  CHECK(code_of(order_body("jp-5gb-30d", "USD", {{"adult", false}}), 400) == "adult_required");
  CHECK(code_of(order_body("jp-5gb-30d", "USD", {{"terms_version", nullptr}}), 400) == "terms_required");
  CHECK(sqlite_int(shop.data_dir / "jupiter.sqlite3", "SELECT count(*) FROM orders") == 0);
}

TEST_CASE("a wrong or missing token is the same 404 as an order that does not exist") {
  Shop shop;
  const Created c = shop.create();
  auto ok = shop.get(c.id, c.token);
  REQUIRE(ok);
  CHECK(ok->status == 200);
  auto wrong = shop.get(c.id, c.token.substr(0, c.token.size() - 1) + (c.token.back() == 'A' ? "B" : "A"));
  auto missing = shop.get(c.id, "");
  auto unknown = shop.get("ord_doesnotexist0000", c.token);
  REQUIRE(wrong);
  REQUIRE(missing);
  REQUIRE(unknown);
  CHECK(wrong->status == 404);
  CHECK(missing->status == 404);
  CHECK(unknown->status == 404);
  CHECK(wrong->body == unknown->body);
  CHECK(missing->body == unknown->body);
  CHECK(json_error_code(unknown->body) == "not_found");
  SUBCASE("also for paying, resending and the receipt") {
    auto pay = shop.store->client().Post(("/api/orders/" + c.id + "/payment").c_str(),
                                         {{"Authorization", "Bearer nope"}}, "", "application/json");
    REQUIRE(pay);
    CHECK(pay->status == 404);
    CHECK(pay->body == unknown->body);
    auto receipt = shop.store->client().Get(("/orders/" + c.id + "/receipt?token=nope").c_str());
    REQUIRE(receipt);
    CHECK(receipt->status == 404);
  }
}

TEST_CASE("order creation is rate-limited per client address") {
  Shop shop({"--orders-per-minute", "3"});
  for (int i = 0; i < 3; ++i) shop.create();
  auto limited = shop.post_order(order_body(), new_key());
  REQUIRE(limited);
  CHECK(limited->status == 429);
  CHECK(json_error_code(limited->body) == "rate_limited");
  const std::string retry = limited->get_header_value("Retry-After");
  REQUIRE_FALSE(retry.empty());
  CHECK(std::stoi(retry) >= 1);
  CHECK(std::stoi(retry) <= 60);
  CHECK(sqlite_int(shop.data_dir / "jupiter.sqlite3", "SELECT count(*) FROM orders") == 3);
}

TEST_CASE("behind a trusted load balancer the limit counts each client in X-Forwarded-For; elsewhere the header is ignored") {
  auto post_from = [](const Shop& shop, const std::string& forwarded_for) {
    auto res = shop.store->client().Post("/api/orders", {{"Idempotency-Key", new_key()}, {"X-Forwarded-For", forwarded_for}},
                                         order_body(), "application/json");
    REQUIRE(res);
    return res->status;
  };
  {
    Shop shop({"--orders-per-minute", "2", "--trust-proxy", "127.0.0.1"});
    CHECK(post_from(shop, "203.0.113.7") == 201);
    CHECK(post_from(shop, "198.51.100.1, 203.0.113.7") == 201);  // the proxy's own entry is the last one
    CHECK(post_from(shop, "203.0.113.7") == 429);
    CHECK(post_from(shop, "2001:db8::5") == 201);  // another traveller behind the same proxy
    CHECK(post_from(shop, "not-an-address") == 201);  // no address: the proxy's own bucket, still empty
  }
  {
    Shop shop({"--orders-per-minute", "2"});  // no proxy trusted: a client cannot pick its bucket
    CHECK(post_from(shop, "203.0.113.1") == 201);
    CHECK(post_from(shop, "203.0.113.2") == 201);
    CHECK(post_from(shop, "203.0.113.3") == 429);
  }
}

TEST_CASE("the receipt is printable HTML with the order, plan, price and masked card") {
  Shop shop;
  const Created c = shop.paid_order("delivered");
  auto res = shop.store->client().Get(("/orders/" + c.id + "/receipt?token=" + c.token).c_str());
  REQUIRE(res);
  REQUIRE(res->status == 200);
  CHECK(res->get_header_value("Content-Type").rfind("text/html", 0) == 0);
  const std::string& html = res->body;
  CHECK(html.find(c.id) != std::string::npos);
  CHECK(html.find("Japan") != std::string::npos);
  CHECK(html.find("12.99 USD") != std::string::npos);
  CHECK(html.find("Visa ending in 4242") != std::string::npos);
  CHECK(html.find("JupiterEsims") != std::string::npos);
  CHECK(html.find("@media print") != std::string::npos);
  CHECK(html.find("<script") == std::string::npos);
  CHECK(html.find("4242424242424242") == std::string::npos);
}
