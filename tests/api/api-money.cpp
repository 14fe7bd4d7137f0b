// api-money.cpp: money safety over real processes (issue 19): a payment on a replaced checkout page, a second
// payment of a paid order, a payment that does not match its order and one for no order are each followed up at the
// processor (order completed, session expired, or refunded) and never acknowledged without it; the reconciliation
// report; order tokens revoked by an erase; activation details that expire after installation.
#include <doctest/doctest.h>
#include <httplib.h>

#include <thread>

#include "commerce.hpp"

using namespace jupiter::test;

namespace {

using namespace std::chrono_literals;

// Polls the processor's session `id` until `done` holds or 10 s pass; the last one seen.
json wait_session(const Shop& shop, const std::string& id, const std::function<bool(const json&)>& done) {
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  json s = shop.processor_session(id);
  while (!done(s) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(50ms);
    s = shop.processor_session(id);
  }
  return s;
}

std::string path_of(const Shop& shop, const json& session) {
  return session["url"].get<std::string>().substr(("http://127.0.0.1:" + std::to_string(shop.processor->port())).size());
}

bool history_has(const json& order, const std::string& text) {
  for (const json& h : order["history"])
    if (h["reason"].get<std::string>().find(text) != std::string::npos) return true;
  return false;
}

// The support section's follow-ups all ended (done or failed), and there is at least one.
bool followups_ended(const json& o) {
  if (!o["support"].is_object() || !o["support"].contains("payments") || o["support"]["payments"].empty()) return false;
  for (const json& p : o["support"]["payments"])
    if (p["status"] == "pending") return false;
  return true;
}

// Runs `sql` on the store's database file from outside (as another process would).
void sqlite_exec(const fs::path& db, const std::string& sql) {
  const std::string message = db_exec(db, sql);  // SQLite's file, or that data folder's PostgreSQL database
  REQUIRE_MESSAGE(message.empty(), message);
}

httplib::Headers admin(const Shop& shop) {
  return {{"Authorization", "Bearer " + read_all(shop.data_dir / "admin-token").substr(0, read_all(shop.data_dir / "admin-token").find('\n'))}};
}

json reconciliation(const Shop& shop) {
  auto res = shop.store->client().Get("/api/admin/reconciliation?grace=0", admin(shop));
  REQUIRE(res);
  REQUIRE_MESSAGE(res->status == 200, res->body);
  return json::parse(res->body);
}

std::vector<json> differences_of(const json& report, const std::string& kind) {
  std::vector<json> out;
  for (const json& d : report["differences"])
    if (d["kind"] == kind) out.push_back(d);
  return out;
}

}  // namespace

TEST_CASE("a buyer who pays on an older checkout page gets the order, and the newer session is expired") {
  Shop shop;
  const Created c = shop.create();
  const json old_page = shop.direct_session(c.id);     // the page the buyer kept open
  const std::string new_path = shop.checkout_path(c);  // the session the order points at now
  REQUIRE(new_path != path_of(shop, old_page));

  auto paid = shop.submit_card(path_of(shop, old_page), kCardOk);
  REQUIRE(paid);
  CHECK(paid->status == 303);
  const json o = shop.wait_for_state(c, "delivered");
  REQUIRE_MESSAGE(o["state"] == "delivered", o.dump());
  const json old_session = shop.processor_session(old_page["id"]);
  CHECK(o["payment"]["status"] == "succeeded");
  CHECK(o["payment"]["transaction"] == old_session["payment_intent"]);
  CHECK(history_has(o, "earlier checkout page"));
  // The newer session can no longer take a second payment.
  const std::string new_id = new_path.substr(std::string("/pay/").size());
  CHECK(wait_session(shop, new_id, [](const json& s) { return s["status"] == "expired"; })["status"] == "expired");
  auto second = shop.submit_card(new_path, kCardOk);
  REQUIRE(second);
  CHECK(second->status == 409);
}

TEST_CASE("a second payment of a paid order is refunded through the processor, with a history row and a support note") {
  Shop shop;
  const Created c = shop.create();
  const json old_page = shop.direct_session(c.id);
  REQUIRE(shop.submit_card(shop.checkout_path(c), kCardOk));
  REQUIRE(shop.wait_for_state(c, "delivered")["state"] == "delivered");

  auto again = shop.submit_card(path_of(shop, old_page), kCardOk);  // the buyer pays a second time on the old page
  REQUIRE(again);
  CHECK(again->status == 303);
  const json refunded = wait_session(shop, old_page["id"], [](const json& s) { return s["payment_status"] == "refunded"; });
  CHECK(refunded["payment_status"] == "refunded");
  const json o = shop.wait_for(c, followups_ended);
  CHECK(o["state"] == "delivered");  // the first payment still stands
  REQUIRE(o["support"].is_object());
  CHECK(o["support"]["reason"].get<std::string>().find("double payment") != std::string::npos);
  REQUIRE(o["support"]["payments"].size() == 1);
  const json& f = o["support"]["payments"][0];
  CHECK(f["kind"] == "refund");
  CHECK(f["reason"] == "double_payment");
  CHECK(f["payment"] == refunded["payment_intent"]);
  CHECK(f["amount"] == 1299);
  CHECK(f["status"] == "done");
  CHECK(history_has(o, "second payment"));
  CHECK(history_has(o, "refunded (re_"));
  CHECK(o["payment"]["transaction"] != refunded["payment_intent"]);
  // The event was acknowledged (the processor stops sending it) only with its follow-up recorded.
  CHECK(shop.processor->output().find("refused with") == std::string::npos);
}

TEST_CASE("a payment whose amount does not match the order is flagged, refunded and acknowledged") {
  Shop shop;
  const Created c = shop.create();
  const json wrong = shop.direct_session(c.id, 1);  // 0.01 USD for a 12.99 USD order
  auto paid = shop.submit_card(path_of(shop, wrong), kCardOk);
  REQUIRE(paid);
  CHECK(paid->status == 303);

  const json o = shop.wait_for_state(c, "refunded");
  REQUIRE_MESSAGE(o["state"] == "refunded", o.dump());
  CHECK(o["payment"]["status"] == "refunded");
  REQUIRE(o["support"].is_object());
  CHECK(o["support"]["reason"].get<std::string>().find("did not match the order") != std::string::npos);
  REQUIRE(o["support"]["payments"].size() == 1);
  CHECK(o["support"]["payments"][0]["reason"] == "mismatch");
  CHECK(o["support"]["payments"][0]["amount"] == 1);
  CHECK(o["history"][0]["to"] == "failed");
  CHECK(o["history"][1]["to"] == "refunded");
  CHECK(shop.processor_session(wrong["id"])["payment_status"] == "refunded");
  CHECK(shop.processor->wait_for_output("delivered"));
  CHECK(shop.processor->output().find("refused with 422") == std::string::npos);
  CHECK_FALSE(shop.wait_for_mail("-refund.eml").empty());
  CHECK(o["esim"].is_null());
}

TEST_CASE("a payment for an order the store does not have is refunded") {
  Shop shop;
  const json stray = shop.direct_session("ord_notinthestore");
  REQUIRE(shop.submit_card(path_of(shop, stray), kCardOk));
  CHECK(wait_session(shop, stray["id"], [](const json& s) { return s["payment_status"] == "refunded"; })["payment_status"] ==
        "refunded");
  CHECK(sqlite_int(shop.data_dir / "jupiter.sqlite3",
                   "SELECT count(*) FROM payment_followups WHERE reason = 'unknown_order' AND outcome LIKE 'refunded re_%'") == 1);
}

TEST_CASE("reconciliation reports what the processor and the store disagree about, and needs the admin token") {
  Shop shop;
  auto refused = shop.store->client().Get("/api/admin/reconciliation");
  REQUIRE(refused);
  CHECK(refused->status == 401);
  const Created good = shop.paid_order("delivered");
  CHECK(reconciliation(shop)["differences"].empty());

  SUBCASE("paid at the processor, never heard of by the store") {
    const Created c = shop.create();
    const json lost = shop.direct_session(c.id, 1299, "USD", "http://127.0.0.1:9/nowhere");  // its webhook is lost
    REQUIRE(shop.submit_card(path_of(shop, lost), kCardOk));
    const auto d = differences_of(reconciliation(shop), "paid_at_processor_not_in_store");
    REQUIRE(d.size() == 1);
    CHECK(d[0]["order"] == c.id);
    CHECK(d[0]["session"] == lost["id"]);
    CHECK(d[0]["processor"]["amount"] == 1299);
    CHECK(d[0]["store"].is_null());
  }
  SUBCASE("refunded at the processor, paid in the store") {
    const json o = shop.order(good);
    auto r = shop.processor_api().Post("/v1/refunds", json{{"payment_intent", o["payment"]["transaction"]}}.dump(),
                                       "application/json");
    REQUIRE(r);
    REQUIRE(r->status == 200);
    const auto d = differences_of(reconciliation(shop), "paid_in_store_refunded_at_processor");
    REQUIRE(d.size() == 1);
    CHECK(d[0]["order"] == good.id);
    CHECK(d[0]["store"]["state"] == "delivered");
  }
  SUBCASE("another amount on each side, and a payment the processor does not know") {
    sqlite_exec(shop.data_dir / "jupiter.sqlite3", "UPDATE orders SET amount_minor = 999 WHERE id = '" + good.id + "'");
    const Created other = shop.paid_order("delivered");
    sqlite_exec(shop.data_dir / "jupiter.sqlite3",
                "UPDATE orders SET pay_transaction = 'pi_unknown' WHERE id = '" + other.id + "'");
    const json report = reconciliation(shop);
    const auto amount = differences_of(report, "amount_difference");
    REQUIRE(amount.size() == 1);
    CHECK(amount[0]["processor"]["amount"] == 1299);
    CHECK(amount[0]["store"]["amount"] == 999);
    const auto absent = differences_of(report, "paid_in_store_absent_at_processor");
    REQUIRE(absent.size() == 1);
    CHECK(absent[0]["order"] == other.id);
    // The paid session of `other` is unknown to the store under its real payment id, so it shows from that side too.
    CHECK(differences_of(report, "paid_at_processor_not_in_store").size() == 1);
  }
}

TEST_CASE("the periodic reconciliation logs differences with ids and amounts only, and applies a lost payment") {
  Shop shop({"--reconcile-interval", "1"});
  const Created c = shop.paid_order("delivered");
  const json o = shop.order(c);
  auto r = shop.processor_api().Post("/v1/refunds", json{{"payment_intent", o["payment"]["transaction"]}}.dump(),
                                     "application/json");
  REQUIRE(r);
  REQUIRE(r->status == 200);
  REQUIRE(shop.store->wait_for_output("reconciliation: paid_in_store_refunded_at_processor order " + c.id, 5s));
  // A payment whose webhooks never reached the store: the periodic run applies it as its event would have.
  const Created lost = shop.create();
  const json session = shop.direct_session(lost.id, 1299, "USD", "http://127.0.0.1:9/nowhere");
  REQUIRE(shop.submit_card(path_of(shop, session), kCardOk));
  const json delivered = shop.wait_for_state(lost, "delivered", 10s);
  CHECK(delivered["state"] == "delivered");
  CHECK(delivered["payment"]["transaction"] == shop.processor_session(session["id"])["payment_intent"]);
  CHECK(shop.store->wait_for_output("reconciliation: paid_at_processor_not_in_store order " + lost.id));
  CHECK(shop.store->output().find("the lost payment") != std::string::npos);
  const std::string log = shop.store->output();
  CHECK(log.find("ada@example.com") == std::string::npos);
  CHECK(log.find("Ada Lovelace") == std::string::npos);
}

TEST_CASE("an erase revokes the order's token: the order, its data and its receipt answer 404 after it") {
  Shop shop;
  const std::string body = order_body();
  const std::string key = new_key();
  auto created = shop.post_order(body, key);
  REQUIRE(created);
  REQUIRE(created->status == 201);
  const json doc = json::parse(created->body);
  const Created c{doc["order"]["id"], doc["token"], doc["order"]};
  REQUIRE(shop.submit_card(shop.checkout_path(c), kCardOk));
  REQUIRE(shop.wait_for_state(c, "delivered")["state"] == "delivered");
  const httplib::Headers bearer = {{"Authorization", "Bearer " + c.token}};

  auto erase = shop.store->client().Post(("/api/orders/" + c.id + "/erase").c_str(), bearer, "", "application/json");
  REQUIRE(erase);
  REQUIRE_MESSAGE(erase->status == 200, erase->body);
  CHECK(json::parse(erase->body)["customer"]["email"] == "");

  auto unknown = shop.get("ord_doesnotexist00", c.token);
  REQUIRE(unknown);
  auto after = shop.get(c.id, c.token);
  REQUIRE(after);
  CHECK(after->status == 404);
  CHECK(after->body == unknown->body);
  auto data = shop.store->client().Get(("/api/orders/" + c.id + "/data").c_str(), bearer);
  REQUIRE(data);
  CHECK(data->status == 404);
  auto receipt = shop.store->client().Get(("/orders/" + c.id + "/receipt?token=" + c.token).c_str());
  REQUIRE(receipt);
  CHECK(receipt->status == 404);
  // A replay of the creation request does not hand the order (and its activation code) out again.
  auto replay = shop.post_order(body, key);
  REQUIRE(replay);
  CHECK(replay->status == 409);
  CHECK(replay->body.find("LPA:") == std::string::npos);
  CHECK(replay->body.find(c.token) == std::string::npos);
}

TEST_CASE("activation details expire a while after the eSIM was installed; the ICCID and the date stay") {
  Shop shop({"--install-poll", "1"});
  const Created recent = shop.paid_order("delivered");
  const Created old = shop.paid_order("delivered");
  const json before = shop.order(old);
  REQUIRE(before["esim"]["activation_code"].is_string());
  CHECK(before["esim"]["installed_at"].is_null());
  auto install = [&](const json& o, long long at) {
    auto r = shop.partner->client().Post(("/sandbox/profiles/" + o["esim"]["iccid"].get<std::string>() + "/install").c_str(),
                                         json{{"installed_at", at}}.dump(), "application/json");
    REQUIRE(r);
    REQUIRE_MESSAGE(r->status == 200, r->body);
  };
  install(shop.order(recent), unix_now());
  install(before, unix_now() - 8 * 24 * 3600);  // installed 8 days ago: past the default 7 days

  const json expired = shop.wait_for(old, [](const json& o) { return o["esim"].contains("details_expired"); }, 5s);
  CHECK(expired["esim"] == json({{"iccid", before["esim"]["iccid"]},
                                 {"installed_at", expired["esim"]["installed_at"]},
                                 {"details_expired", true}}));
  CHECK(expired["esim"]["installed_at"].get<std::string>().size() == 20);
  const json kept = shop.wait_for(recent, [](const json& o) { return o["esim"]["installed_at"].is_string(); }, 5s);
  CHECK(kept["esim"]["installed_at"].is_string());
  CHECK(kept["esim"]["activation_code"].is_string());  // installed today: still readable
  auto resend = shop.store->client().Post(("/api/orders/" + old.id + "/resend").c_str(),
                                          {{"Authorization", "Bearer " + old.token}}, "", "application/json");
  REQUIRE(resend);
  CHECK(resend->status == 409);
  // Cleared from the database too, not only hidden.
  const auto cleared = [&] {
    return sqlite_int(shop.data_dir / "jupiter.sqlite3",
                      "SELECT count(*) FROM orders WHERE id = '" + old.id + "' AND activation_code IS NULL AND matching_id IS NULL");
  };
  for (int i = 0; i < 40 && cleared() != 1; ++i) std::this_thread::sleep_for(50ms);
  CHECK(cleared() == 1);
}
