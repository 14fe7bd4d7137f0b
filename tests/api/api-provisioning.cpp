// api-provisioning.cpp: after payment the backend orders the eSIM from the partner sandbox: instant, delayed,
// failing (then refunded at the deadline), with a bad activation code (flagged for support), and across a restart.
#include <doctest/doctest.h>
#include <httplib.h>

#include "commerce.hpp"
#include "core/activation_code.hpp"
#include "core/order_rules.hpp"

using namespace jupiter;
using namespace jupiter::test;

TEST_CASE("an instant profile is delivered with a valid ICCID and activation code") {
  Shop shop;
  const Created c = shop.paid_order("delivered");
  const json o = shop.order(c);
  CHECK(o["delivery"]["status"] == "ready");
  CHECK(o["delivery"]["attempts"] == 1);
  CHECK(o["support"].is_null());
  const json& e = o["esim"];
  REQUIRE(e.is_object());
  CHECK(valid_iccid(e["iccid"].get<std::string>()));
  const auto code = parse_activation_code(e["activation_code"].get<std::string>());
  REQUIRE(code.ok());
  CHECK(code.code->smdp_address == e["smdp"]);
  CHECK(code.code->matching_id == e["matching_id"]);
  CHECK(e["activation_code"].get<std::string>().rfind("LPA:1$", 0) == 0);
  CHECK(e["confirmation_required"] == false);
  std::vector<std::string> path;
  for (const json& h : o["history"]) path.push_back(h["from"].get<std::string>() + ">" + h["to"].get<std::string>());
  CHECK(path == std::vector<std::string>{"pending_payment>paid", "paid>provisioning", "provisioning>delivered"});
}

TEST_CASE("a profile with a confirmation code says so in the activation code and the order") {
  Shop shop;
  shop.partner_mode("instant", 0, true);
  const Created c = shop.paid_order("delivered");
  const json e = shop.order(c)["esim"];
  REQUIRE(e.is_object());
  CHECK(e["confirmation_required"] == true);
  const std::string code = e["confirmation_code"];
  CHECK(code.size() == 4);
  CHECK(code.find_first_not_of("0123456789") == std::string::npos);
  const auto parsed = parse_activation_code(e["activation_code"].get<std::string>());
  REQUIRE(parsed.ok());
  CHECK(parsed.code->confirmation_code_required);
  CHECK(e["activation_code"].get<std::string>().find(code) == std::string::npos);  // the code travels separately
}

TEST_CASE("a delayed profile shows as pending, then is delivered") {
  Shop shop({}, "delay", 2);
  const Created c = shop.create();
  REQUIRE(shop.submit_card(shop.checkout_path(c), kCardOk));
  const json pending = shop.wait_for(c, [](const json& o) { return o["delivery"]["status"] == "pending" && o["state"] == "provisioning"; });
  CHECK(pending["state"] == "provisioning");
  CHECK(pending["delivery"]["status"] == "pending");
  CHECK(pending["esim"].is_null());
  const json done = shop.wait_for_state(c, "delivered", std::chrono::seconds(10));
  CHECK(done["state"] == "delivered");
  CHECK(done["delivery"]["attempts"].get<int>() >= 2);
  CHECK(done["esim"].is_object());
}

TEST_CASE("a partner that keeps failing is retried, then the payment is refunded at the deadline") {
  Shop shop({"--provision-deadline", "3"}, "fail");
  const Created c = shop.create();
  REQUIRE(shop.submit_card(shop.checkout_path(c), kCardOk));
  const json o = shop.wait_for_state(c, "refunded", std::chrono::seconds(10));
  REQUIRE(o["state"] == "refunded");
  CHECK(o["payment"]["status"] == "refunded");
  CHECK(o["delivery"]["status"] == "failed");
  CHECK(o["delivery"]["attempts"].get<int>() >= 2);  // retried before giving up
  CHECK(o["esim"].is_null());
  CHECK(o["history"].back()["to"] == "refunded");
  CHECK(shop.processor->wait_for_output("refunded " + o["payment"]["transaction"].get<std::string>()));
  const std::string mail = shop.wait_for_mail(c.id + "-refund.eml");
  CHECK(mail.find("Subject: Order " + c.id + ": refunded") != std::string::npos);
  const auto text = mime_parts(mail, "text/plain");
  REQUIRE(text.size() == 1);
  CHECK(text[0].find("refunded your payment of 12.99 USD in full") != std::string::npos);
}

TEST_CASE("a partner that recovers before the deadline delivers after retries") {
  Shop shop({}, "fail");
  const Created c = shop.create();
  REQUIRE(shop.submit_card(shop.checkout_path(c), kCardOk));
  const json retrying = shop.wait_for(c, [](const json& o) { return o["delivery"]["attempts"].get<int>() >= 1; });
  CHECK(retrying["state"] == "provisioning");
  CHECK(retrying["delivery"]["status"] == "pending");
  shop.partner_mode("instant");
  const json o = shop.wait_for_state(c, "delivered", std::chrono::seconds(10));
  CHECK(o["state"] == "delivered");
  CHECK(o["delivery"]["attempts"].get<int>() >= 2);
}

TEST_CASE("an activation code that fails validation is flagged for support and never delivered") {
  Shop shop({}, "bad_code");
  const Created c = shop.create();
  REQUIRE(shop.submit_card(shop.checkout_path(c), kCardOk));
  const json o = shop.wait_for_state(c, "failed");
  REQUIRE(o["state"] == "failed");
  CHECK(o["delivery"]["status"] == "flagged");
  CHECK(o["esim"].is_null());
  REQUIRE(o["support"].is_object());
  CHECK(o["support"]["reference"] == c.id);
  CHECK(o["support"]["reason"].get<std::string>().find("activation code failed validation") != std::string::npos);
  for (const auto& [name, mail] : shop.outbox()) CHECK(name.find("-delivery.eml") == std::string::npos);
}

TEST_CASE("a restarted server resumes provisioning from the database") {
  Shop shop({}, "delay", 3);
  const Created c = shop.create();
  REQUIRE(shop.submit_card(shop.checkout_path(c), kCardOk));
  shop.wait_for(c, [](const json& o) { return o["state"] == "provisioning"; });
  REQUIRE(shop.store->stop() == 0);
  const std::vector<std::string> args = {"--processor-url", "http://127.0.0.1:" + std::to_string(shop.processor->port()),
                                         "--partner-url", "http://127.0.0.1:" + std::to_string(shop.partner->port()),
                                         "--webhook-secret", shop.secret, "--processor-key", shop.api_key};
  shop.store = std::make_unique<ServerProcess>(ServerConfig{shop.data_dir, shop.dir / "web", fixture("catalogue.json"), args});
  REQUIRE(shop.store->wait_until_listening());
  const json o = shop.wait_for_state(c, "delivered", std::chrono::seconds(10));
  CHECK(o["state"] == "delivered");
}
