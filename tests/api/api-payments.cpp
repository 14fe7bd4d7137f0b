// api-payments.cpp: paying through the processor sandbox over real HTTP: the hosted page and test cards, one
// session per order, signed webhooks (forged, unsigned, stale, replayed, concurrent), and a scan of everything the
// store keeps for card numbers.
#include <doctest/doctest.h>
#include <httplib.h>

#include <cstdint>
#include <limits>
#include <thread>

#include "commerce.hpp"
#include "server/webhooks.hpp"

using namespace jupiter::test;

namespace {

std::string history_count(const Shop& shop, const std::string& id) {
  return std::to_string(
      sqlite_int(shop.data_dir / "jupiter.sqlite3", "SELECT count(*) FROM order_history WHERE order_id = '" + id + "'")
          .value_or(-1));
}

// A checkout.session.completed event for order `c` on session `session`, as the processor would send it.
std::string completed_event(const Created& c, const std::string& session, const std::string& event_id) {
  return json{{"id", event_id},
              {"type", "checkout.session.completed"},
              {"created", unix_now()},
              {"data",
               {{"session", session},
                {"reference", c.id},
                {"payment_intent", "pi_test" + event_id},
                {"amount", 1299},
                {"currency", "USD"},
                {"payment_method", {{"type", "card"}, {"brand", "visa"}, {"last4", "4242"}}}}}}
      .dump();
}

std::string session_of(const Shop& shop, const Created& c) {
  auto res = shop.start_payment(c);
  REQUIRE(res);
  REQUIRE(res->status == 200);
  return json::parse(res->body)["session"];
}

}  // namespace

TEST_CASE("paying with 4242 takes the order to paid, keeping only brand, last 4 and transaction") {
  Shop shop;
  const Created c = shop.create();
  const std::string path = shop.checkout_path(c);
  auto page = shop.processor->client().Get(path.c_str());
  REQUIRE(page);
  CHECK(page->status == 200);
  CHECK(page->body.find("Sandbox payment processor — test mode") != std::string::npos);
  CHECK(page->body.find("12.99 USD") != std::string::npos);
  CHECK(page->body.find("<script") == std::string::npos);

  auto res = shop.submit_card(path, kCardOk);
  REQUIRE(res);
  CHECK(res->status == 303);
  const std::string store_origin = "http://127.0.0.1:" + std::to_string(shop.store->port());
  CHECK(res->get_header_value("Location") == store_origin + "/?order=" + c.id + "&checkout=success");

  const json o = shop.wait_for(c, [](const json& j) { return j["payment"]["status"] == "succeeded"; });
  CHECK(o["payment"] == json({{"status", "succeeded"}, {"decline_reason", nullptr}, {"method", "card"},
                              {"brand", "visa"}, {"last4", "4242"}, {"transaction", o["payment"]["transaction"]}}));
  CHECK(o["payment"]["transaction"].get<std::string>().rfind("pi_", 0) == 0);
  REQUIRE_FALSE(o["history"].empty());
  CHECK(o["history"][0]["from"] == "pending_payment");
  CHECK(o["history"][0]["to"] == "paid");
  SUBCASE("a paid order cannot be paid again") {
    auto again = shop.start_payment(c);
    REQUIRE(again);
    CHECK(again->status == 409);
    CHECK(json_error_code(again->body) == "not_payable");
  }
}

TEST_CASE("a double click on Pay gives one checkout session") {
  Shop shop;
  const Created c = shop.create();
  std::vector<std::string> sessions(4);
  std::vector<std::thread> clicks;
  for (std::size_t i = 0; i < sessions.size(); ++i)
    clicks.emplace_back([&, i] {
      auto r = shop.start_payment(c);
      if (r && r->status == 200) sessions[i] = json::parse(r->body)["session"];
    });
  for (auto& t : clicks) t.join();
  REQUIRE_FALSE(sessions[0].empty());
  for (const std::string& s : sessions) CHECK(s == sessions[0]);
  // The processor logs each session it makes; its log reaches us through a pipe, a little later.
  CHECK(shop.processor->wait_for_output("session cs_"));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const std::string out = shop.processor->output();
  std::size_t created = 0;
  for (std::size_t at = out.find(": session cs_"); at != std::string::npos; at = out.find(": session cs_", at + 1)) ++created;
  CHECK(created == 1);
}

TEST_CASE("a declined card shows the reason, and the buyer can retry") {
  Shop shop;
  const Created c = shop.create();
  const std::string path = shop.checkout_path(c);
  auto res = shop.submit_card(path, kCardDeclined);
  REQUIRE(res);
  CHECK(res->status == 303);
  CHECK(res->get_header_value("Location").find("checkout=declined") != std::string::npos);
  const json declined = shop.wait_for(c, [](const json& j) { return j["payment"]["status"] == "declined"; });
  CHECK(declined["payment"]["status"] == "declined");
  CHECK(declined["payment"]["decline_reason"] == "card_declined");
  CHECK(declined["state"] == "pending_payment");

  CHECK(shop.checkout_path(c) == path);  // the same open session
  const json retrying = shop.order(c);
  CHECK(retrying["payment"]["status"] == "open");  // polling after the retry waits for the retry's outcome
  CHECK(retrying["payment"]["decline_reason"].is_null());
  auto retry = shop.submit_card(path, kCardOk);
  REQUIRE(retry);
  CHECK(retry->status == 303);
  const json paid = shop.wait_for(c, [](const json& j) { return j["payment"]["status"] == "succeeded"; });
  CHECK(paid["payment"]["decline_reason"].is_null());
  CHECK(paid["state"] != "pending_payment");
}

TEST_CASE("the challenge card needs an extra confirmation page") {
  Shop shop;
  const Created c = shop.create();
  const std::string path = shop.checkout_path(c);
  auto res = shop.submit_card(path, kCardChallenge);
  REQUIRE(res);
  CHECK(res->status == 200);
  CHECK(res->body.find("Confirm this payment") != std::string::npos);
  CHECK(res->body.find("3220") != std::string::npos);
  CHECK(res->body.find("4000000000003220") == std::string::npos);
  CHECK(shop.order(c)["payment"]["status"] == "open");  // nothing happened yet

  auto confirmed = shop.processor->client().Post((path + "/challenge").c_str(), httplib::Params{{"decision", "approve"}});
  REQUIRE(confirmed);
  CHECK(confirmed->status == 303);
  CHECK(confirmed->get_header_value("Location").find("checkout=success") != std::string::npos);
  const json o = shop.wait_for(c, [](const json& j) { return j["payment"]["status"] == "succeeded"; });
  CHECK(o["payment"]["last4"] == "3220");
}

TEST_CASE("the hosted page validates the card before anything is charged") {
  Shop shop;
  const Created c = shop.create();
  const std::string path = shop.checkout_path(c);
  for (const auto& [number, exp, cvc] : std::vector<std::tuple<std::string, std::string, std::string>>{
           {"4242 4242 4242 4241", "12/34", "123"},   // Luhn
           {"4242 4242 4242 4242", "01/20", "123"},   // expired
           {"4242 4242 4242 4242", "13/34", "123"},   // no such month
           {"4242 4242 4242 4242", "12/34", "12"}}) { // CVC
    auto r = shop.submit_card(path, number, exp, cvc);
    REQUIRE(r);
    CHECK(r->status == 422);
    CHECK(r->body.find("class=\"error\"") != std::string::npos);
  }
  CHECK(shop.order(c)["payment"]["status"] == "open");
}

TEST_CASE("webhooks that are forged, unsigned, garbled, stale or replayed change nothing") {
  Shop shop;
  const Created c = shop.create();
  const std::string session = session_of(shop, c);
  const std::string body = completed_event(c, session, "evt_test1");
  const std::string before = history_count(shop, c.id);

  auto refused = [&](const std::string& signature, int status, const std::string& code) {
    auto r = shop.webhook(body, signature);
    REQUIRE(r);
    CHECK(r->status == status);
    CHECK(json_error_code(r->body) == code);
    CHECK(shop.order(c)["state"] == "pending_payment");
    CHECK(history_count(shop, c.id) == before);
  };
  SUBCASE("unsigned") { refused("", 400, "invalid_signature"); }
  SUBCASE("garbled header") { refused("t=abc,v1=xyz", 400, "invalid_signature"); }
  SUBCASE("forged: signed with another secret") {
    std::string forged = shop.sign(body, unix_now());
    forged[forged.size() - 1] = forged.back() == '0' ? '1' : '0';
    refused(forged, 400, "invalid_signature");
  }
  SUBCASE("a valid signature over another body") {
    auto r = shop.webhook(body + " ", shop.sign(body, unix_now()));
    REQUIRE(r);
    CHECK(r->status == 400);
  }
  SUBCASE("stale: older than five minutes") { refused(shop.sign(body, unix_now() - 301), 400, "stale_webhook"); }
  SUBCASE("from the future") { refused(shop.sign(body, unix_now() + 301), 400, "stale_webhook"); }
  SUBCASE("a timestamp chosen to overflow the freshness check (now - 2^63) is refused, not fresh") {
    const long long t = unix_now() + std::numeric_limits<long long>::min();
    refused(shop.sign(body, t), 400, "invalid_signature");
  }
  SUBCASE("a timestamp with a sign or more than 12 digits is malformed") {
    refused("t=+" + shop.sign(body, unix_now()).substr(2), 400, "invalid_signature");
    refused(shop.sign(body, 1000000000000LL), 400, "invalid_signature");
  }
  SUBCASE("replayed: the same event id a second time") {
    auto first = shop.webhook(body, shop.sign(body, unix_now()));
    REQUIRE(first);
    CHECK(first->status == 200);
    CHECK(shop.order(c)["payment"]["status"] == "succeeded");
    const std::string paid_rows = "SELECT count(*) FROM order_history WHERE to_state = 'paid' AND order_id = '" + c.id + "'";
    CHECK(sqlite_int(shop.data_dir / "jupiter.sqlite3", paid_rows) == 1);
    auto replay = shop.webhook(body, shop.sign(body, unix_now()));
    REQUIRE(replay);
    CHECK(replay->status == 409);
    CHECK(json_error_code(replay->body) == "replayed_webhook");
    CHECK(sqlite_int(shop.data_dir / "jupiter.sqlite3", paid_rows) == 1);
    CHECK(sqlite_int(shop.data_dir / "jupiter.sqlite3", "SELECT count(*) FROM webhook_events") == 1);
  }
}

TEST_CASE("two webhooks for one payment at once make one transition") {
  Shop shop({}, "fail");  // keep the order at paid/provisioning: only the payment transition is counted
  const Created c = shop.create();
  const std::string session = session_of(shop, c);
  const std::string same = completed_event(c, session, "evt_same");
  const std::vector<std::string> bodies = {same, same, completed_event(c, session, "evt_other"), same};
  std::vector<int> statuses(bodies.size(), 0);
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < bodies.size(); ++i)
    threads.emplace_back([&, i] {
      auto r = shop.webhook(bodies[i], shop.sign(bodies[i], unix_now()));
      if (r) statuses[i] = r->status;
    });
  for (auto& t : threads) t.join();
  CHECK(std::count(statuses.begin(), statuses.end(), 200) == 2);  // evt_same once, evt_other once
  CHECK(std::count(statuses.begin(), statuses.end(), 409) == 2);  // evt_same replays
  CHECK(sqlite_int(shop.data_dir / "jupiter.sqlite3",
                   "SELECT count(*) FROM order_history WHERE from_state = 'pending_payment' AND to_state = 'paid' "
                   "AND order_id = '" + c.id + "'") == 1);
  // evt_other carried another payment of the same order: a second payment, queued for a refund (api-money.cpp).
  CHECK(sqlite_int(shop.data_dir / "jupiter.sqlite3",
                   "SELECT count(*) FROM payment_followups WHERE kind = 'refund' AND order_id = '" + c.id + "'") == 1);
}

TEST_CASE("the processor retries the webhook with backoff while the store is down") {
  Shop shop;
  const Created c = shop.create();
  const std::string path = shop.checkout_path(c);
  const int port = shop.store->port();
  REQUIRE(shop.store->stop() == 0);
  auto res = shop.submit_card(path, kCardOk);
  REQUIRE(res);
  CHECK(res->status == 303);
  CHECK(shop.processor->wait_for_output("retry 1 in 1 s", std::chrono::seconds(5)));
  const std::vector<std::string> args = {"--port", std::to_string(port),
                                         "--processor-url", "http://127.0.0.1:" + std::to_string(shop.processor->port()),
                                         "--partner-url", "http://127.0.0.1:" + std::to_string(shop.partner->port()),
                                         "--webhook-secret", shop.secret, "--processor-key", shop.api_key};
  shop.store = std::make_unique<ServerProcess>(ServerConfig{shop.data_dir, shop.dir / "web", fixture("catalogue.json"), args});
  REQUIRE_MESSAGE(shop.store->wait_until_listening(), shop.store->output());
  REQUIRE(shop.store->port() == port);
  const json o = shop.wait_for(c, [](const json& j) { return j["payment"]["status"] == "succeeded"; },
                               std::chrono::seconds(20));
  CHECK(o["payment"]["status"] == "succeeded");
  CHECK(shop.processor->wait_for_output(" delivered", std::chrono::seconds(5)));
}

TEST_CASE("no card number reaches the store: not its database, its outbox or its log") {
  Shop shop;
  const Created declined = shop.create();
  REQUIRE(shop.submit_card(shop.checkout_path(declined), kCardDeclined));
  const Created challenged = shop.create();
  const std::string cpath = shop.checkout_path(challenged);
  REQUIRE(shop.submit_card(cpath, kCardChallenge));
  REQUIRE(shop.processor->client().Post((cpath + "/challenge").c_str(), httplib::Params{{"decision", "approve"}}));
  const Created paid = shop.paid_order("delivered");
  shop.wait_for_state(challenged, "delivered");
  REQUIRE(shop.store->stop() == 0);
  CHECK(shop.store->wait_for_output("\nstopped"));  // its whole log has come through the pipe

  std::vector<std::string> places = {shop.store->output(), shop.processor->output()};
  for (const auto& e : fs::recursive_directory_iterator(shop.data_dir))
    if (e.is_regular_file()) places.push_back(read_all(e.path()));
  if (on_postgres()) places.push_back(stored_data(shop.data_dir / "jupiter.sqlite3"));  // the database is not a file there
  CHECK(places.size() >= 5);  // log, processor log, database (+ WAL), e-mails
  for (const char* number : {"4242424242424242", "4242 4242 4242 4242", "4000000000000002",
                                    "4000 0000 0000 0002", "4000000000003220", "4000 0000 0000 3220"})
    for (const std::string& place : places) CHECK_MESSAGE(place.find(number) == std::string::npos, number);
}

TEST_CASE("the webhook freshness check has no overflow at the ends of the clock's range") {
  using namespace jupiter::server;
  const std::string body = "{}";
  const auto check = [&](std::int64_t t, std::int64_t now) {
    return verify_webhook("secret", sign_webhook("secret", t, body), body, now);
  };
  CHECK(check(1700000000, 1700000000) == SignatureCheck::Valid);
  CHECK(check(1700000000, 1700000300) == SignatureCheck::Valid);
  CHECK(check(1700000000, 1700000301) == SignatureCheck::Stale);
  CHECK(check(1700000300, 1700000000) == SignatureCheck::Valid);
  CHECK(check(1700000301, 1700000000) == SignatureCheck::Stale);
  CHECK(check(0, std::numeric_limits<std::int64_t>::min()) == SignatureCheck::Stale);
  CHECK(check(999999999999, std::numeric_limits<std::int64_t>::max()) == SignatureCheck::Stale);
  CHECK(check(-1, 0) == SignatureCheck::Malformed);
}
