// api-topups.cpp: an eSIM's usage and top-ups (issue 15) over real HTTP against the store, the processor sandbox and
// the partner sandbox: usage as the partner counts it (and after POST /sandbox/usage), the compatible plans, a paid
// top-up onto the same eSIM, the refusals, and a partner that is down or refuses.
#include <doctest/doctest.h>
#include <httplib.h>

#include <thread>

#include "commerce.hpp"
#include "core/order_rules.hpp"

using namespace jupiter;
using namespace jupiter::test;

namespace {

// The fixture catalogue plus fr-1gb-7d (France, topup), fr-10gb-30d (France, no topup) and de-1gb-7d (Germany,
// topup); fr-3gb-15d (France, topup) is the eSIM bought, jp-5gb-30d one without the feature.
std::vector<std::string> topup_args(std::vector<std::string> more = {}) {
  std::vector<std::string> args = {"--catalogue", fixture("catalogue-topups.json").string()};
  args.insert(args.end(), more.begin(), more.end());
  return args;
}

httplib::Result get_as(const Shop& shop, const std::string& path, const std::string& token) {
  auto c = shop.store->client();
  if (!token.empty()) c.set_bearer_token_auth(token.c_str());
  return c.Get(path.c_str());
}

httplib::Result post_topup(const Shop& shop, const std::string& id, const std::string& token, const std::string& body,
                           const std::string& key) {
  auto c = shop.store->client();
  if (!token.empty()) c.set_bearer_token_auth(token.c_str());
  httplib::Headers h;
  if (!key.empty()) h.emplace("Idempotency-Key", key);
  return c.Post(("/api/orders/" + id + "/topups").c_str(), h, body, "application/json");
}

std::string topup_body(const std::string& plan = "fr-1gb-7d", const json& changes = json::object()) {
  json b = {{"plan", plan}, {"currency", "EUR"}, {"terms_version", terms_in_force().version}, {"locale", "en"}};
  b.merge_patch(changes);
  return b.dump();
}

// Pays `c` with the card that works (the processor then sends its signed webhook) and waits for `state`.
json pay(Shop& shop, const Created& c, const std::string& state = "delivered") {
  auto res = shop.submit_card(shop.checkout_path(c), kCardOk);
  REQUIRE(res);
  REQUIRE(res->status == 303);
  const json o = shop.wait_for_state(c, state, std::chrono::seconds(15));
  REQUIRE_MESSAGE(o["state"] == state, o.dump());
  return o;
}

Created delivered_esim(Shop& shop, const std::string& plan = "fr-3gb-15d") {
  const Created c = shop.create(order_body(plan));
  pay(shop, c);
  return c;
}

json usage_of(const Shop& shop, const Created& c) {
  auto res = get_as(shop, "/api/orders/" + c.id + "/usage", c.token);
  REQUIRE(res);
  REQUIRE_MESSAGE(res->status == 200, res->body);
  return json::parse(res->body);
}

httplib::Result partner_post(const Shop& shop, const std::string& path, const json& body) {
  return shop.partner->client().Post(path.c_str(), body.dump(), "application/json");
}

std::size_t count_of(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + what.size())) ++n;
  return n;
}

// A well-formed ICCID (19 digits, Luhn) that the partner never made: its ICCIDs start 8988247.
std::string unknown_iccid() {
  const std::string body = "890000000000000000";
  for (char d = '0'; d <= '9'; ++d)
    if (luhn_valid(body + d)) return body + d;
  return "";
}

}  // namespace

TEST_CASE("top-ups: usage of a delivered eSIM is what the partner counts, also after the usage knob") {
  Shop shop(topup_args());
  const Created c = delivered_esim(shop);
  const std::string iccid = shop.order(c)["esim"]["iccid"];
  const json u = usage_of(shop, c);
  CHECK(u["iccid_last4"] == iccid.substr(iccid.size() - 4));
  CHECK(u["installed"] == false);
  CHECK(u["data_total_mb"] == 3072);
  CHECK(u["data_used_mb"] == 0);
  CHECK(u["data_left_mb"] == 3072);
  CHECK(u["valid_until"].is_null());  // validity starts at the first connection: not installed yet
  CHECK(std::llabs(u["read_at"].get<long long>() - unix_now()) <= 5);

  auto set = partner_post(shop, "/sandbox/usage", {{"iccid", iccid}, {"used_mb", 1000}});
  REQUIRE(set);
  CHECK(set->status == 200);
  const json after = usage_of(shop, c);
  CHECK(after["data_used_mb"] == 1000);
  CHECK(after["data_left_mb"] == 2072);

  const long long installed_at = unix_now() - 60;
  auto inst = partner_post(shop, "/sandbox/profiles/" + iccid + "/install", {{"installed_at", installed_at}});
  REQUIRE(inst);
  REQUIRE(inst->status == 200);
  const json installed = usage_of(shop, c);
  CHECK(installed["installed"] == true);
  CHECK(installed["valid_until"] == installed_at + 15 * 86400);

  SUBCASE("the knob refuses bad input and unknown ICCIDs") {
    for (const json& bad : {json{{"iccid", "123"}, {"used_mb", 1}}, json{{"iccid", iccid}, {"used_mb", -1}},
                            json{{"iccid", iccid}, {"used_mb", "5"}}, json{{"iccid", iccid}}, json::array()}) {
      auto r = partner_post(shop, "/sandbox/usage", bad);
      REQUIRE(r);
      CHECK_MESSAGE(r->status == 400, bad.dump());
    }
    auto unknown = partner_post(shop, "/sandbox/usage", {{"iccid", unknown_iccid()}, {"used_mb", 1}});
    REQUIRE(unknown);
    CHECK(unknown->status == 404);
    CHECK(usage_of(shop, c)["data_used_mb"] == 1000);
  }
}

TEST_CASE("top-ups: usage needs a delivered eSIM and the order's own token") {
  Shop shop(topup_args());
  const Created unpaid = shop.create(order_body("fr-3gb-15d"));
  auto res = get_as(shop, "/api/orders/" + unpaid.id + "/usage", unpaid.token);
  REQUIRE(res);
  CHECK(res->status == 409);
  CHECK(json_error_code(res->body) == "not_delivered");
  res = get_as(shop, "/api/orders/" + unpaid.id + "/topups", unpaid.token);
  REQUIRE(res);
  CHECK(res->status == 409);
  CHECK(json_error_code(res->body) == "esim_not_active");

  const Created c = delivered_esim(shop);
  for (const std::string path : {"/usage", "/topups"}) {
    for (const auto& [id, token] : std::vector<std::pair<std::string, std::string>>{
             {c.id, unpaid.token}, {c.id, ""}, {c.id, c.token + "x"}, {"ord_nosuchorder1", c.token}}) {
      auto r = get_as(shop, "/api/orders/" + id + path, token);
      REQUIRE(r);
      CHECK_MESSAGE(r->status == 404, (path + " " + id));
      CHECK(json_error_code(r->body) == "not_found");
    }
  }
  auto wrong = post_topup(shop, c.id, unpaid.token, topup_body(), new_key());
  REQUIRE(wrong);
  CHECK(wrong->status == 404);
}

TEST_CASE("top-ups: the compatible plans are the top-up plans with the eSIM's own coverage") {
  Shop shop(topup_args());
  const Created fr = delivered_esim(shop);
  auto res = get_as(shop, "/api/orders/" + fr.id + "/topups", fr.token);
  REQUIRE(res);
  REQUIRE(res->status == 200);
  CHECK(json::parse(res->body)["plans"] == json{"fr-3gb-15d", "fr-1gb-7d"});

  const Created jp = delivered_esim(shop, "jp-5gb-30d");
  res = get_as(shop, "/api/orders/" + jp.id + "/topups", jp.token);
  REQUIRE(res);
  CHECK(res->status == 409);
  CHECK(json_error_code(res->body) == "plan_has_no_topup");
  auto refused = post_topup(shop, jp.id, jp.token, topup_body("jp-5gb-30d"), new_key());
  REQUIRE(refused);
  CHECK(refused->status == 409);
  CHECK(json_error_code(refused->body) == "plan_has_no_topup");
}

TEST_CASE("top-ups: a paid top-up adds its data to the same eSIM, with no new profile and one e-mail") {
  Shop shop(topup_args());
  const Created c = delivered_esim(shop);
  const json parent_before = shop.order(c);
  const std::string key = new_key();
  auto res = post_topup(shop, c.id, c.token, topup_body(), key);
  REQUIRE(res);
  REQUIRE_MESSAGE(res->status == 201, res->body);
  const json created = json::parse(res->body);
  const Created t{created["order"]["id"], created["token"], created["order"]};
  CHECK(t.id != c.id);
  CHECK(t.order["topup_of"] == c.id);
  CHECK(t.order["state"] == "pending_payment");
  CHECK(t.order["price"] == json{{"amount", 349}, {"currency", "EUR"}});  // the catalogue's, not the client's
  CHECK(t.order["plan"]["id"] == "fr-1gb-7d");
  CHECK(t.order["customer"] == parent_before["customer"]);
  CHECK(shop.order(c)["topup_of"].is_null());

  SUBCASE("a replay of the key returns the same order and token; another body with it is a conflict") {
    auto again = post_topup(shop, c.id, c.token, topup_body(), key);
    REQUIRE(again);
    CHECK(again->status == 200);
    CHECK(json::parse(again->body)["order"]["id"] == t.id);
    CHECK(json::parse(again->body)["token"] == t.token);
    auto other = post_topup(shop, c.id, c.token, topup_body("fr-3gb-15d"), key);
    REQUIRE(other);
    CHECK(other->status == 409);
    CHECK(json_error_code(other->body) == "idempotency_key_reused");
    CHECK(sqlite_int(shop.data_dir / "jupiter.sqlite3", "SELECT count(*) FROM orders WHERE topup_of IS NOT NULL") == 1);
  }

  SUBCASE("paid, it is delivered onto the parent's eSIM") {
    const json done = pay(shop, t);
    CHECK(done["topup_of"] == c.id);
    CHECK(done["esim"].is_null());  // no activation details of its own
    CHECK(done["delivery"]["status"] == "ready");
    std::vector<std::string> path;
    for (const json& h : done["history"]) path.push_back(h["from"].get<std::string>() + ">" + h["to"].get<std::string>());
    CHECK(path == std::vector<std::string>{"pending_payment>paid", "paid>provisioning", "provisioning>delivered"});

    const json u = usage_of(shop, c);
    CHECK(u["data_total_mb"] == 3072 + 1024);
    const json parent_after = shop.order(c);
    CHECK(parent_after["esim"] == parent_before["esim"]);  // same ICCID, same activation code: no new QR
    CHECK(parent_after["state"] == "delivered");
    const std::string partner_log = shop.partner->output();
    CHECK(count_of(partner_log, " for " + t.id) == 0);  // no profile ordered for the top-up
    CHECK(count_of(partner_log, "topped up (" + t.id + ")") == 1);

    const std::string mail = shop.wait_for_mail(t.id + "-topup.eml");
    REQUIRE_FALSE(mail.empty());
    CHECK(mail.find("Subject: Top-up added to your eSIM (order " + c.id + ")") != std::string::npos);
    const std::vector<std::string> text = mime_parts(mail, "text/plain");
    REQUIRE(text.size() == 1);
    CHECK(text[0].find("France 1 GB top-up (1024 MB, 7 days) was added to the eSIM of order " + c.id) !=
          std::string::npos);
    CHECK(mail.find("esim-qr.png") == std::string::npos);
    CHECK(shop.wait_for_mail(t.id + "-confirmation.eml").find("your top-up is on its way") != std::string::npos);
    std::size_t topup_mails = 0, deliveries = 0;
    for (const auto& [name, content] : shop.outbox()) {
      topup_mails += name.find(t.id + "-topup") != std::string::npos;
      deliveries += name.find(t.id + "-delivery") != std::string::npos;
    }
    CHECK(topup_mails == 1);
    CHECK(deliveries == 0);
    auto resend = shop.store->client().Post(("/api/orders/" + t.id + "/resend").c_str(),
                                            httplib::Headers{{"Authorization", "Bearer " + t.token}}, "", "text/plain");
    REQUIRE(resend);
    CHECK(resend->status == 409);  // a top-up has no eSIM of its own to send
    auto usage_of_topup = get_as(shop, "/api/orders/" + t.id + "/usage", t.token);
    REQUIRE(usage_of_topup);
    CHECK(usage_of_topup->status == 409);
    CHECK(json_error_code(usage_of_topup->body) == "not_delivered");
  }
}

TEST_CASE("top-ups: bad requests are refused with a clear error and create nothing") {
  Shop shop(topup_args());
  const Created c = delivered_esim(shop);
  const auto refused = [&](const std::string& body, const std::string& key, int status, const std::string& code) {
    auto r = post_topup(shop, c.id, c.token, body, key);
    REQUIRE(r);
    CHECK_MESSAGE(r->status == status, (body.substr(0, 200) + " -> " + r->body));
    CHECK_MESSAGE(json_error_code(r->body) == code, body.substr(0, 200));
  };
  refused(topup_body(), "", 400, "invalid_idempotency_key");
  refused(topup_body(), "short", 400, "invalid_idempotency_key");
  refused(topup_body("fr-10gb-30d"), new_key(), 422, "plan_not_compatible");  // no topup feature
  refused(topup_body("de-1gb-7d"), new_key(), 422, "plan_not_compatible");    // other coverage
  refused(topup_body("xx-nosuchplan"), new_key(), 404, "unknown_plan");
  refused(topup_body("FR 1GB"), new_key(), 404, "unknown_plan");
  refused(topup_body("fr-1gb-7d", {{"currency", "JPY"}}), new_key(), 422, "unknown_currency");
  refused(topup_body("fr-1gb-7d", {{"terms_version", "0.1"}}), new_key(), 400, "terms_required");
  refused(topup_body("fr-1gb-7d", {{"locale", "it"}}), new_key(), 400, "invalid_locale");
  refused("not json", new_key(), 400, "invalid_json");
  refused("[1,2]", new_key(), 400, "invalid_json");
  // JSON by its grammar (core's check passes), but beyond a double's range: the server's parser cannot read it.
  refused(R"({"plan":1E400})", new_key(), 400, "invalid_json");
  refused(topup_body("fr-1gb-7d", {{"plan", 42}}), new_key(), 400, "invalid_json");
  refused(topup_body("fr-1gb-7d", {{"locale", nullptr}}), new_key(), 400, "missing_field");
  refused(topup_body("fr-1gb-7d", {{"currency", true}}), new_key(), 400, "invalid_json");
  refused(topup_body("fr-1gb-7d", {{"plan", std::string(65, 'a')}}), new_key(), 400, "invalid_json");
  refused(topup_body("fr-1gb-7d", {{"email", "eve@example.com"}}), new_key(), 400, "invalid_field");
  refused(topup_body("fr-1gb-7d", {{"pad", std::string(8000, 'x')}}), new_key(), 413, "too_large");

  const Created unpaid = shop.create(order_body("fr-3gb-15d"));
  auto r = post_topup(shop, unpaid.id, unpaid.token, topup_body(), new_key());
  REQUIRE(r);
  CHECK(r->status == 409);
  CHECK(json_error_code(r->body) == "esim_not_active");
  CHECK(sqlite_int(shop.data_dir / "jupiter.sqlite3", "SELECT count(*) FROM orders WHERE topup_of IS NOT NULL") == 0);
  CHECK(sqlite_int(shop.data_dir / "jupiter.sqlite3", "SELECT count(*) FROM orders") == 2);

  auto made = post_topup(shop, c.id, c.token, topup_body(), new_key());  // a top-up cannot itself be topped up
  REQUIRE(made);
  REQUIRE(made->status == 201);
  const json t = json::parse(made->body);
  auto nested = post_topup(shop, t["order"]["id"], t["token"], topup_body(), new_key());
  REQUIRE(nested);
  CHECK(nested->status == 409);
  CHECK(json_error_code(nested->body) == "esim_not_active");
}

TEST_CASE("top-ups: a partner that is down gives 502 with Retry-After for usage") {
  Shop shop(topup_args());
  const Created c = delivered_esim(shop);
  shop.partner.reset();  // stopped: connections are refused
  auto res = get_as(shop, "/api/orders/" + c.id + "/usage", c.token);
  REQUIRE(res);
  CHECK(res->status == 502);
  CHECK(json_error_code(res->body) == "partner_unavailable");
  CHECK_FALSE(res->get_header_value("Retry-After").empty());
}

TEST_CASE("top-ups: a top-up the partner cannot apply before the deadline is refunded; the eSIM keeps its data") {
  Shop shop(topup_args({"--provision-deadline", "3"}));
  const Created c = delivered_esim(shop);
  shop.partner_mode("fail");
  auto res = post_topup(shop, c.id, c.token, topup_body(), new_key());
  REQUIRE(res);
  REQUIRE(res->status == 201);
  const json created = json::parse(res->body);
  const Created t{created["order"]["id"], created["token"], created["order"]};
  const json done = pay(shop, t, "refunded");
  CHECK(done["payment"]["status"] == "refunded");
  CHECK(done["esim"].is_null());
  const std::vector<std::string> text = mime_parts(shop.wait_for_mail(t.id + "-refund.eml"), "text/plain");
  REQUIRE(text.size() == 1);
  CHECK(text[0].find("could not add the top-up of order " + t.id + " to your eSIM (order " + c.id + ")") !=
        std::string::npos);
  CHECK(usage_of(shop, c)["data_total_mb"] == 3072);
  CHECK(shop.order(c)["state"] == "delivered");
}

TEST_CASE("top-ups: a refunded eSIM takes no top-up, and one paid after the refund is refunded at once") {
  Shop shop(topup_args());
  const Created c = delivered_esim(shop);
  auto res = post_topup(shop, c.id, c.token, topup_body(), new_key());  // made while the eSIM is active
  REQUIRE(res);
  REQUIRE(res->status == 201);
  const json created = json::parse(res->body);
  const Created t{created["order"]["id"], created["token"], created["order"]};

  auto refund = shop.store->client().Post(("/api/orders/" + c.id + "/refund").c_str(),
                                          httplib::Headers{{"Authorization", "Bearer " + c.token}}, "", "text/plain");
  REQUIRE(refund);
  REQUIRE_MESSAGE(refund->status == 200, refund->body);
  REQUIRE(shop.order(c)["state"] == "refunded");

  auto listed = get_as(shop, "/api/orders/" + c.id + "/topups", c.token);
  REQUIRE(listed);
  CHECK(listed->status == 409);
  CHECK(json_error_code(listed->body) == "esim_not_active");
  auto again = post_topup(shop, c.id, c.token, topup_body(), new_key());
  REQUIRE(again);
  CHECK(again->status == 409);
  CHECK(json_error_code(again->body) == "esim_not_active");
  auto usage = get_as(shop, "/api/orders/" + c.id + "/usage", c.token);
  REQUIRE(usage);
  CHECK(usage->status == 409);

  const json done = pay(shop, t, "refunded");  // the money goes back without waiting for the deadline
  CHECK(done["esim"].is_null());
  CHECK(done["history"].back()["reason"].get<std::string>().find("no longer active") != std::string::npos);
  CHECK(shop.partner->output().find("topped up (" + t.id + ")") == std::string::npos);
}

TEST_CASE("top-ups: erasing the eSIM order's personal data erases its top-ups' copy too") {
  Shop shop(topup_args());
  const Created c = delivered_esim(shop);
  auto res = post_topup(shop, c.id, c.token, topup_body(), new_key());
  REQUIRE(res);
  REQUIRE(res->status == 201);
  const json created = json::parse(res->body);
  const Created t{created["order"]["id"], created["token"], created["order"]};
  pay(shop, t);
  REQUIRE(shop.order(t)["customer"]["email"] == "ada@example.com");
  auto erase = shop.store->client().Post(("/api/orders/" + c.id + "/erase").c_str(),
                                         httplib::Headers{{"Authorization", "Bearer " + c.token}}, "", "application/json");
  REQUIRE(erase);
  REQUIRE_MESSAGE(erase->status == 200, erase->body);
  const fs::path db = shop.data_dir / "jupiter.sqlite3";
  CHECK(db_text(db, "SELECT email || name || phone FROM orders WHERE id = '" + t.id + "'").empty());
  CHECK(sqlite_int(db, "SELECT count(*) FROM orders WHERE email <> ''") == 0);
  auto gone = shop.get(t.id, t.token);  // its token is revoked like the eSIM order's
  REQUIRE(gone);
  CHECK(gone->status == 404);
}

TEST_CASE("top-ups: the partner sandbox applies a top-up once per reference and checks its input") {
  Shop shop(topup_args());
  const Created c = delivered_esim(shop);
  const std::string profile =
      db_text(shop.data_dir / "jupiter.sqlite3", "SELECT partner_profile FROM orders WHERE id = '" + c.id + "'");
  REQUIRE_FALSE(profile.empty());
  const std::string path = "/v1/profiles/" + profile + "/topups";
  const json body = {{"reference", "ord_manual1"}, {"plan", "fr-1gb-7d"}, {"data_mb", 1024}, {"validity_days", 7}};
  auto first = partner_post(shop, path, body);
  REQUIRE(first);
  CHECK(first->status == 201);
  CHECK(json::parse(first->body)["data_total_mb"] == 3072 + 1024);
  auto again = partner_post(shop, path, body);
  REQUIRE(again);
  CHECK(again->status == 200);
  CHECK(json::parse(again->body)["data_total_mb"] == 3072 + 1024);  // not added twice
  CHECK(usage_of(shop, c)["data_total_mb"] == 3072 + 1024);
  for (const char* field : {"reference", "plan", "data_mb", "validity_days"}) {
    json bad = body;
    bad["reference"] = std::string("ord_bad_") + field;
    bad.erase(field);
    auto r = partner_post(shop, path, bad);
    REQUIRE(r);
    CHECK_MESSAGE(r->status == 400, field);
  }
  json negative = body;
  negative["reference"] = "ord_negative";
  negative["data_mb"] = -5;
  auto r = partner_post(shop, path, negative);
  REQUIRE(r);
  CHECK(r->status == 400);
  auto unknown = partner_post(shop, "/v1/profiles/pp_nosuchprofile/topups", body);
  REQUIRE(unknown);
  CHECK(unknown->status == 404);
  auto bad_order = partner_post(shop, "/v1/profiles", {{"reference", "ord_x"}, {"plan", "p"}, {"data_mb", "lots"}});
  REQUIRE(bad_order);
  CHECK(bad_order->status == 400);
}
