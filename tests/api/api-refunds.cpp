// api-refunds.cpp: the owner's refund of an eSIM never installed (issue 15) over real processes: the partner cancels
// the profile, the order ends refunded, the processor refunds the payment (retried while it is down), the refund
// e-mail goes out; refused after an install, after 14 days, for an unpaid order, with a wrong token, and with the
// partner down (nothing changed).
#include <doctest/doctest.h>
#include <httplib.h>

#include <thread>

#include "commerce.hpp"

using namespace jupiter::test;

namespace {

using namespace std::chrono_literals;

httplib::Headers bearer(const std::string& token) { return {{"Authorization", "Bearer " + token}}; }

httplib::Result ask_refund(const Shop& shop, const Created& c, const std::string& token = "") {
  return shop.store->client().Get(("/api/orders/" + c.id + "/refund").c_str(), bearer(token.empty() ? c.token : token));
}

httplib::Result post_refund(const Shop& shop, const Created& c, const std::string& token = "") {
  return shop.store->client().Post(("/api/orders/" + c.id + "/refund").c_str(), bearer(token.empty() ? c.token : token),
                                   "", "application/json");
}

json eligibility(const Shop& shop, const Created& c) {
  auto r = ask_refund(shop, c);
  REQUIRE(r);
  REQUIRE_MESSAGE(r->status == 200, r->body);
  return json::parse(r->body);
}

// The partner's profile of a delivered order, read at the partner.
json partner_profile(const Shop& shop, const std::string& order_id) {
  const std::string id = db_text(shop.data_dir / "jupiter.sqlite3",
                                 "SELECT partner_profile FROM orders WHERE id = '" + order_id + "'");
  REQUIRE(!id.empty());
  auto r = shop.partner->client().Get(("/v1/profiles/" + id).c_str());
  REQUIRE(r);
  REQUIRE(r->status == 200);
  return json::parse(r->body);
}

// The processor's session that paid order `id`.
json paid_session(const Shop& shop, const std::string& id) {
  const std::string session = db_text(shop.data_dir / "jupiter.sqlite3", "SELECT session_id FROM orders WHERE id = '" + id + "'");
  REQUIRE(!session.empty());
  return shop.processor_session(session);
}

std::int64_t followups(const Shop& shop, const std::string& id) {
  return sqlite_int(shop.data_dir / "jupiter.sqlite3",
                    "SELECT count(*) FROM payment_followups WHERE order_id = '" + id + "'").value_or(-1);
}

std::string error_of(const httplib::Result& r) { return r ? json_error_code(r->body) : std::string("no answer"); }

// The refund's follow-up ended and the payment reads refunded. Both change in one transaction, but GET
// /api/orders/:id reads the order and its follow-ups in two statements, so one answer can show the one without the
// other (seen under ASan): wait for both.
bool refund_done(const json& o) {
  return o["support"].is_object() && !o["support"]["payments"].empty() && o["support"]["payments"][0]["status"] == "done" &&
         o["payment"]["status"] == "refunded";
}

}  // namespace

TEST_CASE("refund: an eSIM never installed is refunded end to end: profile cancelled, payment refunded, e-mail sent") {
  Shop shop;
  const Created c = shop.paid_order("delivered");
  const json before = eligibility(shop, c);
  CHECK(before["eligible"] == true);
  CHECK(before["reason"] == "eligible");
  CHECK(before["window_days"] == 14);
  const long long paid_s = std::stoll(db_text(shop.data_dir / "jupiter.sqlite3",
                                              "SELECT paid_ms FROM orders WHERE id = '" + c.id + "'")) / 1000;
  CHECK(before["deadline"] == paid_s + 14 * 86400);

  auto r = post_refund(shop, c);
  REQUIRE(r);
  REQUIRE_MESSAGE(r->status == 200, r->body);
  const json answered = json::parse(r->body)["order"];
  CHECK(answered["state"] == "refunded");
  CHECK(answered["esim"].is_null());  // the cancelled profile's activation details are gone
  CHECK(answered["history"].back()["from"] == "delivered");
  CHECK(answered["history"].back()["to"] == "refunded");
  CHECK(partner_profile(shop, c.id)["status"] == "cancelled");

  const json done = shop.wait_for(c, refund_done);
  REQUIRE_MESSAGE(refund_done(done), done.dump());
  CHECK(done["payment"]["status"] == "refunded");
  CHECK(done["support"]["payments"][0]["reason"] == "owner_refund");
  CHECK(paid_session(shop, c.id)["payment_status"] == "refunded");

  const std::string mail = shop.wait_for_mail(c.id + "-refund.eml");
  REQUIRE(!mail.empty());
  CHECK(mail.find("your eSIM is cancelled and refunded") != std::string::npos);
  CHECK(mail.find("could not deliver") == std::string::npos);

  const json after = eligibility(shop, c);
  CHECK(after["eligible"] == false);
  CHECK(after["reason"] == "refunded");
  auto again = post_refund(shop, c);
  CHECK((again && again->status == 409));
  CHECK(error_of(again) == "already_refunded");
  CHECK(followups(shop, c.id) == 1);  // one refund, whatever is asked again

  // A cancelled profile can no longer be installed at the partner.
  const std::string iccid = db_text(shop.data_dir / "jupiter.sqlite3", "SELECT iccid FROM orders WHERE id = '" + c.id + "'");
  auto install = shop.partner->client().Post(("/sandbox/profiles/" + iccid + "/install").c_str(), "", "application/json");
  REQUIRE(install);
  CHECK(install->status == 409);
}

TEST_CASE("refund: an installed eSIM is refused with already_installed and nothing changes") {
  Shop shop;
  const Created c = shop.paid_order("delivered");
  const std::string iccid = shop.order(c)["esim"]["iccid"];
  auto install = shop.partner->client().Post(("/sandbox/profiles/" + iccid + "/install").c_str(), "", "application/json");
  REQUIRE(install);
  REQUIRE(install->status == 200);
  // The store has not polled yet (default --install-poll 300 s): the partner's refusal is what stops the refund.
  CHECK(eligibility(shop, c)["eligible"] == true);
  auto r = post_refund(shop, c);
  REQUIRE(r);
  CHECK(r->status == 409);
  CHECK(error_of(r) == "already_installed");
  const json o = shop.order(c);
  CHECK(o["state"] == "delivered");
  CHECK(o["payment"]["status"] == "succeeded");
  CHECK(o["esim"]["activation_code"].is_string());
  CHECK(partner_profile(shop, c.id)["status"] == "ready");
  CHECK(followups(shop, c.id) == 0);
  CHECK(paid_session(shop, c.id)["payment_status"] == "paid");
  CHECK(shop.wait_for_mail(c.id + "-refund.eml").empty());
}

TEST_CASE("refund: the store's own record of an install closes the refund too") {
  Shop shop({"--install-poll", "1"});
  const Created c = shop.paid_order("delivered");
  const std::string iccid = shop.order(c)["esim"]["iccid"];
  REQUIRE(shop.partner->client().Post(("/sandbox/profiles/" + iccid + "/install").c_str(), "", "application/json"));
  shop.wait_for(c, [](const json& o) { return o["esim"]["installed_at"].is_string(); }, 5s);
  const json e = eligibility(shop, c);
  CHECK(e["eligible"] == false);
  CHECK(e["reason"] == "installed");
  auto r = post_refund(shop, c);
  CHECK(error_of(r) == "already_installed");
}

TEST_CASE("refund: 14 days after the payment the window is closed") {
  Shop shop;
  const Created c = shop.paid_order("delivered");
  // Paid 14 days and a minute ago (the server's clock decides; the test moves the payment back).
  REQUIRE(db_exec(shop.data_dir / "jupiter.sqlite3",
                  "UPDATE orders SET paid_ms = paid_ms - " + std::to_string((14LL * 86400 + 60) * 1000) +
                      " WHERE id = '" + c.id + "'") == "");
  const json e = eligibility(shop, c);
  CHECK(e["eligible"] == false);
  CHECK(e["reason"] == "window_closed");
  auto r = post_refund(shop, c);
  CHECK((r && r->status == 409));
  CHECK(error_of(r) == "refund_window_closed");
  CHECK(shop.order(c)["state"] == "delivered");
  CHECK(partner_profile(shop, c.id)["status"] == "ready");
  CHECK(followups(shop, c.id) == 0);

  SUBCASE("a day inside the window it may still be refunded") {
    REQUIRE(db_exec(shop.data_dir / "jupiter.sqlite3", "UPDATE orders SET paid_ms = paid_ms + " +
                                                          std::to_string(86400LL * 1000) + " WHERE id = '" + c.id + "'") == "");
    CHECK(eligibility(shop, c)["eligible"] == true);
  }
}

TEST_CASE("refund: an unpaid order is not refundable; a wrong token is the same 404 as an unknown order") {
  Shop shop;
  const Created unpaid = shop.create();
  const json e = eligibility(shop, unpaid);
  CHECK(e["eligible"] == false);
  CHECK(e["reason"] == "not_delivered");
  CHECK(e["deadline"].is_null());
  auto r = post_refund(shop, unpaid);
  CHECK((r && r->status == 409));
  CHECK(error_of(r) == "not_refundable");
  CHECK(shop.order(unpaid)["state"] == "pending_payment");

  const Created paid = shop.paid_order("delivered");
  const std::string wrong = std::string(paid.token.size(), 'A');
  for (const auto& res : {ask_refund(shop, paid, wrong), post_refund(shop, paid, wrong),
                          post_refund(shop, Created{"ord_doesnotexist", paid.token, {}})}) {
    REQUIRE(res);
    CHECK(res->status == 404);
    CHECK(json_error_code(res->body) == "not_found");
  }
  CHECK(shop.order(paid)["state"] == "delivered");
  CHECK(partner_profile(shop, paid.id)["status"] == "ready");
}

TEST_CASE("refund: the partner down answers 502 and changes nothing") {
  Shop shop;
  const Created c = shop.paid_order("delivered");
  const int port = shop.partner->port();
  REQUIRE(shop.partner->kill_now());
  auto r = post_refund(shop, c);
  REQUIRE(r);
  CHECK(r->status == 502);
  CHECK(json_error_code(r->body) == "partner_unavailable");
  const json o = shop.order(c);
  CHECK(o["state"] == "delivered");
  CHECK(o["esim"]["activation_code"].is_string());
  CHECK(followups(shop, c.id) == 0);
  CHECK(paid_session(shop, c.id)["payment_status"] == "paid");
  // The sandbox keeps its profiles in memory: a partner started again no longer knows this one (404, not
  // cancelled), which is still "partner unavailable" for the store, and still nothing changed.
  shop.partner = std::make_unique<ServerProcess>(JUPITER_PARTNER_BINARY, std::vector<std::string>{"--port", std::to_string(port)});
  REQUIRE(shop.partner->wait_until_listening());
  auto again = post_refund(shop, c);
  CHECK(error_of(again) == "partner_unavailable");
  CHECK(shop.order(c)["state"] == "delivered");
}

TEST_CASE("refund: the processor down at refund time: the order is refunded, the refund retried until it succeeds") {
  Shop shop;
  const Created c = shop.paid_order("delivered");
  const std::vector<std::string> normal = shop.store_argv;
  shop.store_argv.insert(shop.store_argv.end(), {"--processor-url", "http://127.0.0.1:9"});  // nothing listens there
  shop.store->stop();
  shop.restart_store();

  auto r = post_refund(shop, c);
  REQUIRE(r);
  REQUIRE_MESSAGE(r->status == 200, r->body);
  const json retrying = shop.wait_for(c, [](const json& o) {
    return o["support"].is_object() && !o["support"]["payments"].empty() &&
           o["support"]["payments"][0]["outcome"].is_string();
  });
  CHECK(retrying["state"] == "refunded");
  CHECK(retrying["payment"]["status"] == "succeeded");  // the money is not back yet, and the order says so
  CHECK(retrying["support"]["payments"][0]["status"] == "pending");
  CHECK(retrying["support"]["payments"][0]["outcome"].get<std::string>().rfind("retrying", 0) == 0);
  CHECK(paid_session(shop, c.id)["payment_status"] == "paid");

  shop.store->stop();
  shop.store_argv = normal;
  shop.restart_store();
  const json done = shop.wait_for(c, refund_done, 20s);
  REQUIRE_MESSAGE(refund_done(done), done.dump());
  CHECK(done["payment"]["status"] == "refunded");
  CHECK(paid_session(shop, c.id)["payment_status"] == "refunded");
  CHECK(followups(shop, c.id) == 1);
}

TEST_CASE("refund terms: the terms in force promise the 14-day refund of an eSIM never installed; v1.0 stays served") {
  Shop shop;
  const PolicyOnDisk terms = terms_in_force();
  CHECK(terms.version != "1.0");
  CHECK(terms.text.find("within 14 days of your payment") != std::string::npos);
  CHECK(terms.text.find("never installed") != std::string::npos);
  auto now = shop.store->client().Get("/terms");
  REQUIRE(now);
  REQUIRE(now->status == 200);
  CHECK(now->body.find("Version " + terms.version) != std::string::npos);
  CHECK(now->body.find("within 14 days of your payment") != std::string::npos);
  auto old = shop.store->client().Get("/terms/v1.0");
  REQUIRE(old);
  CHECK(old->status == 200);
  CHECK(old->body.find("Version 1.0") != std::string::npos);
  CHECK(old->body.find("installed or not, is not refunded") != std::string::npos);
  // An order accepts the terms in force, and the receipt links that version.
  const Created c = shop.create();
  CHECK(db_text(shop.data_dir / "jupiter.sqlite3", "SELECT terms_version FROM orders WHERE id = '" + c.id + "'") ==
        terms.version);
}

TEST_CASE("refund: a cancel the partner already made (the database step failed) is finished by the next request") {
  Shop shop;
  const Created c = shop.paid_order("delivered");
  const std::string profile = db_text(shop.data_dir / "jupiter.sqlite3",
                                      "SELECT partner_profile FROM orders WHERE id = '" + c.id + "'");
  // The partner cancelled, the store recorded nothing: as after a refund whose transaction failed.
  auto cancelled = shop.partner->client().Post(("/v1/profiles/" + profile + "/cancel").c_str(), "", "application/json");
  REQUIRE(cancelled);
  REQUIRE(cancelled->status == 200);
  CHECK(shop.order(c)["state"] == "delivered");
  CHECK(eligibility(shop, c)["eligible"] == true);
  auto r = post_refund(shop, c);
  REQUIRE(r);
  REQUIRE_MESSAGE(r->status == 200, r->body);
  CHECK(json::parse(r->body)["order"]["state"] == "refunded");
  const json done = shop.wait_for(c, refund_done);
  CHECK(done["payment"]["status"] == "refunded");
  CHECK(followups(shop, c.id) == 1);
}

TEST_CASE("refund: a top-up is not refundable on its own; refunding its eSIM refunds the top-up with it") {
  Shop shop({"--catalogue", fixture("catalogue-topups.json").string()});  // fr-1gb-7d tops fr-3gb-15d up
  const Created esim = shop.create(order_body("fr-3gb-15d"));
  REQUIRE(shop.submit_card(shop.checkout_path(esim), kCardOk));
  REQUIRE(shop.wait_for_state(esim, "delivered", 15s)["state"] == "delivered");
  auto c = shop.store->client();
  c.set_bearer_token_auth(esim.token.c_str());
  const json body = {{"plan", "fr-1gb-7d"}, {"currency", "EUR"}, {"terms_version", terms_in_force().version}, {"locale", "en"}};
  auto made = c.Post(("/api/orders/" + esim.id + "/topups").c_str(), {{"Idempotency-Key", new_key()}}, body.dump(),
                     "application/json");
  REQUIRE(made);
  REQUIRE_MESSAGE(made->status == 201, made->body);
  const json answer = json::parse(made->body);
  const Created topup{answer["order"]["id"], answer["token"], answer["order"]};
  REQUIRE(shop.submit_card(shop.checkout_path(topup), kCardOk));
  REQUIRE(shop.wait_for_state(topup, "delivered", 15s)["state"] == "delivered");
  const json e = eligibility(shop, topup);
  CHECK(e["eligible"] == false);
  CHECK(e["reason"] == "topup");
  auto r = post_refund(shop, topup);
  CHECK((r && r->status == 409));
  CHECK(error_of(r) == "not_refundable");
  CHECK(shop.order(topup)["state"] == "delivered");
  CHECK(followups(shop, topup.id) == 0);

  // The eSIM (never installed) is refunded: its profile is cancelled, so the top-up paid for it is given back too.
  const json offer = eligibility(shop, esim);
  CHECK(offer["eligible"] == true);
  CHECK(offer["topups"] == 1);
  auto refunded = post_refund(shop, esim);
  REQUIRE(refunded);
  REQUIRE_MESSAGE(refunded->status == 200, refunded->body);
  CHECK(shop.order(topup)["state"] == "refunded");
  CHECK(shop.order(topup)["history"].back()["to"] == "refunded");
  CHECK(followups(shop, topup.id) == 1);
  const json topup_done = shop.wait_for(topup, refund_done);
  REQUIRE_MESSAGE(refund_done(topup_done), topup_done.dump());
  CHECK(topup_done["payment"]["status"] == "refunded");
  CHECK(paid_session(shop, topup.id)["payment_status"] == "refunded");
  CHECK(shop.wait_for(esim, refund_done)["payment"]["status"] == "refunded");
  CHECK(!shop.wait_for_mail(esim.id + "-refund.eml").empty());
  CHECK(!shop.wait_for_mail(topup.id + "-refund.eml").empty());
  CHECK(eligibility(shop, esim)["topups"] == 0);  // nothing delivered is left to refund with it
}
