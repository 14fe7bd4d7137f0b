// The privacy policy's rights over a guest order's data (section 9), through the order's secret: a copy of the
// data (access, portability), correction, marketing withdrawal, erasure. Real processes, real HTTP.
#include <doctest/doctest.h>
#include <httplib.h>

#include <chrono>
#include <string>
#include <thread>

#include "commerce.hpp"

using namespace jupiter::test;

namespace {
httplib::Headers bearer(const Created& c) { return {{"Authorization", "Bearer " + c.token}}; }

httplib::Result post(const Shop& shop, const Created& c, const std::string& what, const std::string& body) {
  return shop.store->client().Post(("/api/orders/" + c.id + "/" + what).c_str(), bearer(c), body, "application/json");
}
}  // namespace

TEST_CASE("a customer downloads a copy of everything stored about their order") {
  Shop shop;
  const Created c = shop.paid_order("delivered");
  auto res = shop.store->client().Get(("/api/orders/" + c.id + "/data").c_str(), bearer(c));
  REQUIRE(res);
  REQUIRE(res->status == 200);
  CHECK(res->get_header_value("Content-Disposition") == "attachment; filename=\"jupiteresims-" + c.id + ".json\"");
  CHECK(res->get_header_value("Cache-Control") == "no-store");
  const json data = json::parse(res->body);
  CHECK(data["format"] == "jupiteresims-personal-data/1");
  CHECK(data["order"]["id"] == c.id);
  CHECK(data["order"]["customer"]["email"] == "ada@example.com");
  CHECK(data["order"]["payment"]["last4"] == "4242");
  CHECK(data["order_settings"]["terms_version"] == terms_in_force().version);  // assets/terms/, read here
  // The e-mails we sent, and the checkout's confirmations kept as a consent receipt.
  CHECK(data["emails"].size() >= 2);
  REQUIRE(data["consent_receipts"].size() >= 1);
  CHECK(data["consent_receipts"][0]["action"] == "checkout_confirmations");
  CHECK(data["consent_receipts"][0]["choices"]["age_18_plus"] == true);
  // Card numbers are not there because they were never stored.
  CHECK(res->body.find("4242424242424242") == std::string::npos);
  CHECK(res->body.find("4242 4242 4242 4242") == std::string::npos);
}

TEST_CASE("the data of an order is only given to its secret's holder") {
  Shop shop;
  const Created c = shop.create();
  Created wrong = c;
  wrong.token = std::string(43, 'A');
  auto res = shop.store->client().Get(("/api/orders/" + c.id + "/data").c_str(), bearer(wrong));
  REQUIRE(res);
  CHECK(res->status == 404);
  auto none = shop.store->client().Get(("/api/orders/" + c.id + "/data").c_str());
  REQUIRE(none);
  CHECK(none->status == 404);
  auto erase = post(shop, wrong, "erase", "");
  REQUIRE(erase);
  CHECK(erase->status == 404);
  CHECK(shop.order(c)["customer"]["email"] == "ada@example.com");
}

TEST_CASE("a customer corrects their details; bad input is refused and changes nothing") {
  Shop shop;
  const Created c = shop.create();
  auto res = post(shop, c, "customer", R"({"email":"  Ada.L@Example.org ","name":"Ada  Lovelace","phone":"+44 7700 900123"})");
  REQUIRE(res);
  REQUIRE_MESSAGE(res->status == 200, res->body);
  const json o = json::parse(res->body);
  CHECK(o["customer"]["email"] == "Ada.L@example.org");
  CHECK(o["customer"]["name"] == "Ada Lovelace");
  CHECK(o["customer"]["phone"] == "+447700900123");
  CHECK(o["history"].back()["reason"] == "customer request: email corrected, name corrected, phone corrected");
  CHECK(o["history"].back()["from"] == o["history"].back()["to"]);  // an event, not a state change

  for (const char* bad : {R"({"email":"not-an-address"})", R"({"phone":"12345"})", R"({"name":""})",
                          R"({"email":42})", R"({"price":1})", R"({})", R"([1,2])", "not json",
                          R"({"marketing":true})"}) {
    INFO(bad);
    auto r = post(shop, c, "customer", bad);
    REQUIRE(r);
    CHECK(r->status == 400);
    CHECK(json::parse(r->body, nullptr, false)["error"]["code"].is_string());
  }
  CHECK(shop.order(c)["customer"]["email"] == "Ada.L@example.org");
}

TEST_CASE("withdrawing the marketing opt-in turns it off and is kept as a consent receipt") {
  Shop shop;
  const Created c = shop.create(order_body("jp-5gb-30d", "USD", {{"marketing", true}, {"consent_id", "cid-withdraw-test-0001"}, {"consent_key", "key-withdraw-test-0001"}}));
  CHECK(shop.order(c)["marketing"] == true);
  auto res = post(shop, c, "customer", R"({"marketing":false})");
  REQUIRE(res);
  REQUIRE_MESSAGE(res->status == 200, res->body);
  CHECK(json::parse(res->body)["marketing"] == false);
  auto receipts = shop.store->client().Get("/api/consent/receipts/cid-withdraw-test-0001");
  REQUIRE(receipts);
  REQUIRE(receipts->status == 200);
  CHECK(receipts->body.find("marketing_withdrawn") != std::string::npos);
}

TEST_CASE("erasure blanks the personal data and deletes the e-mails, and keeps what the law needs") {
  Shop shop;
  const Created c = shop.paid_order("delivered");
  const json before = shop.order(c);
  auto mails_of = [&] {
    int n = 0;
    for (const auto& [name, text] : shop.outbox()) n += text.find(c.id) != std::string::npos ? 1 : 0;
    return n;
  };
  // The delivery e-mail is written just after the delivered state is committed: wait for it.
  for (int i = 0; i < 100 && mails_of() < 2; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  REQUIRE(mails_of() >= 2);
  // The search below can see the address: it is there before the erase (file bytes, or PostgreSQL's rows).
  CHECK(stored_data(shop.data_dir / "jupiter.sqlite3").find("ada@example.com") != std::string::npos);

  auto res = post(shop, c, "erase", "");
  REQUIRE(res);
  REQUIRE_MESSAGE(res->status == 200, res->body);
  const json o = json::parse(res->body);
  CHECK(o["customer"]["email"] == "");
  CHECK(o["customer"]["name"] == "");
  CHECK(o["customer"]["phone"] == "");
  CHECK(o["marketing"] == false);
  CHECK(o["state"] == "delivered");
  CHECK(o["price"] == before["price"]);
  CHECK(o["payment"]["transaction"] == before["payment"]["transaction"]);
  CHECK(o["esim"]["iccid"] == before["esim"]["iccid"]);
  CHECK(o["history"].back()["reason"] == "customer request: personal data erased");
  CHECK(mails_of() == 0);
  // The database no longer has the address anywhere.
  const std::string db = stored_data(shop.data_dir / "jupiter.sqlite3");
  CHECK(db.find("ada@example.com") == std::string::npos);
  // Nothing more can be sent to, or corrected on, an erased order: its token no longer opens it (api-money.cpp).
  auto resend = shop.store->client().Post(("/api/orders/" + c.id + "/resend").c_str(), bearer(c), "", "application/json");
  REQUIRE(resend);
  CHECK(resend->status == 404);
  auto correct = post(shop, c, "customer", R"({"name":"Someone"})");
  REQUIRE(correct);
  CHECK(correct->status == 404);
}

TEST_CASE("an order being paid for cannot be erased yet") {
  Shop shop;
  const Created c = shop.create();
  auto res = post(shop, c, "erase", "");
  REQUIRE(res);
  CHECK(res->status == 409);
  CHECK(json::parse(res->body)["error"]["code"] == "order_in_progress");
  CHECK(shop.order(c)["customer"]["email"] == "ada@example.com");
}
