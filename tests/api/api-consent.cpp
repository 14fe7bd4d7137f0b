// api-consent.cpp: proof of consent over real HTTP (POST/GET /api/consent/receipts), the append-only store the
// checkout writes to through append_consent_receipt(), and Global Privacy Control on the server side (the
// /.well-known/gpc.json support resource, the Sec-GPC header kept with each receipt).
#include <doctest/doctest.h>
#include <httplib.h>
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <nlohmann/json.hpp>

#include "commerce.hpp"
#include "helpers.hpp"
#include "server/consent_store.hpp"
#include "server/db.hpp"
#include "server/migrations.hpp"

using namespace jupiter::test;

namespace {

constexpr const char* kId = "0b6f6a52-3c1e-4d8f-9a57-2f1d6a0c9e11";
// The key the browser holding kId keeps in its record (the proof of holding the id).
constexpr const char* kKey = "5d0c1f4e-8a2b-4c6d-9e7f-a1b2c3d4e5f6";

std::int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

// When the receipts below were decided: a minute before this test run (the server accepts decisions from the last
// 30 days only).
const std::int64_t kDecided = now_ms() - 60'000;

// A receipt as web/consent.js sends it (core build_receipt's fields).
json receipt(const std::string& action = "custom") {
  const bool all = action == "accept_all";
  const bool custom = action == "custom";
  return {{"receipt_schema", 1}, {"consent_id", kId}, {"time_ms", kDecided}, {"action", action},
          {"categories", {{"necessary", true}, {"preferences", all}, {"analytics", all || custom}, {"marketing", all}}},
          {"services", {{"consent-record", true}, {"sample-analytics", all || custom}}},
          {"policy_version", "1.0"}, {"revision", 1}, {"banner_hash", "sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="},
          {"ui_version", "consent-1"}, {"language", "de"}, {"gpc", true}, {"consent_key", kKey}};
}

// The record web/consent.js keeps in the jupiter_consent cookie (core encode_record), decided at `time`.
std::string record(std::int64_t time, const std::string& id = kId) {
  return json{{"action", "reject_all"},
              {"categories", {{"analytics", false}, {"marketing", false}, {"necessary", true}, {"preferences", false}}},
              {"consent_id", id}, {"first_decision_ms", time}, {"gpc", false}, {"language", "en"},
              {"last_decision_ms", time}, {"policy_version", "1.0"}, {"revision", 1}, {"schema", 1},
              {"services", json::object()}}
      .dump();
}

std::string uri_component(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || std::string("-_.!~*'()").find(static_cast<char>(c)) != std::string::npos)
      out.push_back(static_cast<char>(c));
    else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      out += buf;
    }
  }
  return out;
}

}  // namespace

TEST_CASE("a receipt sent as text/plain is stored once, and its browser can read it back") {
  Store store;
  auto cli = store.server->client();
  auto first = cli.Post("/api/consent/receipts", receipt().dump(), "text/plain;charset=UTF-8");
  REQUIRE(first);
  CHECK(first->status == 201);
  CHECK(json::parse(first->body)["stored"] == true);
  SUBCASE("a resend (beacon retry) is answered as stored, without a second row") {
    auto again = cli.Post("/api/consent/receipts", receipt().dump(), "text/plain");
    REQUIRE(again);
    CHECK(again->status == 200);
    CHECK(json::parse(again->body)["stored"] == false);
    CHECK(sqlite_int(store.data_dir / "jupiter.sqlite3", "SELECT count(*) FROM consent_receipts") == 1);
  }
  SUBCASE("the listing has the decision and nothing personal") {
    auto later = receipt("accept_all");
    later["time_ms"] = kDecided + 100'000;
    REQUIRE(cli.Post("/api/consent/receipts", later.dump(), "application/json")->status == 201);
    auto res = cli.Get(std::string("/api/consent/receipts/") + kId);
    REQUIRE(res);
    CHECK(res->status == 200);
    CHECK(res->get_header_value("Cache-Control") == "no-store");
    const json j = json::parse(res->body);
    REQUIRE(j["receipts"].size() == 2);
    const json& r = j["receipts"][0];
    CHECK(r["action"] == "custom");
    CHECK(r["time_ms"] == kDecided);
    CHECK(r["choices"]["categories"]["analytics"] == true);
    CHECK(r["choices"]["services"]["sample-analytics"] == true);
    CHECK(r["text_hash"] == "sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");
    CHECK(r["language"] == "de");
    CHECK(r["gpc"] == true);
    CHECK(r["source"] == "banner");
    CHECK(j["receipts"][1]["action"] == "accept_all");
    auto other = cli.Get("/api/consent/receipts/77777777-3c1e-4d8f-9a57-2f1d6a0c9e11");
    REQUIRE(other);
    CHECK(json::parse(other->body)["receipts"].empty());
  }
  SUBCASE("the table has no column for an e-mail, an IP address or an account") {
    // The table's columns as each engine lists them (SQLite's pragma, PostgreSQL's information_schema).
    const std::string columns = on_postgres() ? "(SELECT column_name AS name FROM information_schema.columns WHERE "
                                                "table_schema = 'public' AND table_name = 'consent_receipts')"
                                              : "pragma_table_info('consent_receipts')";
    const fs::path db = store.data_dir / "jupiter.sqlite3";
    CHECK(sqlite_int(db, "SELECT count(*) FROM " + columns + " c WHERE name = 'consent_id'") == 1);  // the list is real
    CHECK(sqlite_int(db, "SELECT count(*) FROM " + columns + " c WHERE name LIKE '%mail%' OR name LIKE '%ip%' OR "
                         "name LIKE '%account%' OR name LIKE '%user%' OR name LIKE '%agent%'") == 0);
  }
}

TEST_CASE("bad receipts are refused with a reason, and nothing is stored") {
  Store store;
  auto cli = store.server->client();
  struct Case {
    const char* name;
    std::string body;
    const char* type;
    int status;
  };
  auto with = [](const char* key, json value) {
    json j = receipt();
    if (value.is_null()) j.erase(key);
    else j[key] = std::move(value);
    return j.dump();
  };
  const Case cases[] = {
      {"not JSON", "consent=yes", "text/plain", 400},
      {"a list", "[1]", "text/plain", 400},
      {"an e-mail on top", with("email", "a@b.c"), "text/plain", 400},
      {"an IP on top", with("ip", "203.0.113.7"), "text/plain", 400},
      {"an account on top", with("account_id", 7), "text/plain", 400},
      {"another schema", with("receipt_schema", 2), "text/plain", 400},
      {"no consent id", with("consent_id", nullptr), "text/plain", 400},
      {"a consent id with markup", with("consent_id", "<img src=x onerror=alert(1)>"), "text/plain", 400},
      {"an unknown action", with("action", "accept_everything"), "text/plain", 400},
      {"reject that grants analytics", with("action", "reject_all"), "text/plain", 400},
      {"necessary off", with("categories", {{"necessary", false}, {"preferences", false}, {"analytics", false},
                                             {"marketing", false}}), "text/plain", 400},
      {"a bad banner hash", with("banner_hash", "\"},{\"email\":\"x"), "text/plain", 400},
      {"a source that is not ours", with("source", "checkout"), "text/plain", 400},
      {"a time past 9999", with("time_ms", 253'402'300'800'000), "text/plain", 400},
      {"a time 11 minutes ahead of the server", with("time_ms", now_ms() + 11 * 60'000), "text/plain", 400},
      {"a time 31 days ago", with("time_ms", now_ms() - 31LL * 24 * 3600 * 1000), "text/plain", 400},
      {"too large", with("ui_version", std::string(20000, 'x')), "text/plain", 413},
      {"a form", receipt().dump(), "application/x-www-form-urlencoded", 415},
  };
  for (const auto& c : cases) {
    CAPTURE(c.name);
    auto res = cli.Post("/api/consent/receipts", c.body, c.type);
    REQUIRE(res);
    CHECK(res->status == c.status);
    CHECK_FALSE(json_error_code(res->body).empty());
  }
  CHECK(sqlite_int(store.data_dir / "jupiter.sqlite3", "SELECT count(*) FROM consent_receipts") == 0);
  auto bad_id = cli.Get("/api/consent/receipts/short");
  REQUIRE(bad_id);
  CHECK(bad_id->status == 400);
}

TEST_CASE("the response re-issues a valid consent cookie for the rest of its term") {
  Store store;
  auto cli = store.server->client();
  auto post_with_cookie = [&](const std::string& value) {
    httplib::Headers h{{"Cookie", "theme=dark; jupiter_consent=" + value}};
    json r = receipt();
    r["time_ms"] = now_ms();
    return cli.Post("/api/consent/receipts", h, r.dump(), "text/plain");
  };
  SUBCASE("a record decided now: 182 days, Path=/, SameSite=Lax, the same value") {
    const std::string record_text = record(now_ms());
    const std::string value = uri_component(record_text);
    auto res = post_with_cookie(value);
    REQUIRE(res);
    REQUIRE(res->status == 201);
    const std::string set = res->get_header_value("Set-Cookie");
    CAPTURE(set);
    // httplib's client hands header values over percent-decoded: the record itself comes back.
    CHECK(set.rfind("jupiter_consent=" + record_text + "; ", 0) == 0);
    const auto at = set.find("Max-Age=");
    REQUIRE(at != std::string::npos);
    const long long max_age = std::stoll(set.substr(at + 8));
    CHECK(max_age > 182LL * 86400 - 60);
    CHECK(max_age <= 182LL * 86400);
    CHECK(set.find("Path=/") != std::string::npos);
    CHECK(set.find("SameSite=Lax") != std::string::npos);
    // On the wire the value is encoded as web/consent.js encodes it (no quotes or braces in a cookie).
    json r = receipt();
    r["time_ms"] = now_ms();
    const std::string body = r.dump();
    const std::string wire = raw_request(store.server->port(),
        "POST /api/consent/receipts HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nCookie: jupiter_consent=" +
            value + "\r\nContent-Length: " + std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body);
    CHECK(wire.find("Set-Cookie: jupiter_consent=" + value + "; Max-Age=") != std::string::npos);
  }
  SUBCASE("an expired record, another browser's record, or garbage: no cookie") {
    for (const std::string& value :
         {uri_component(record(now_ms() - 183LL * 86'400'000)),
          uri_component(record(now_ms(), "77777777-3c1e-4d8f-9a57-2f1d6a0c9e11")), std::string("%7Bgarbage")}) {
      CAPTURE(value);
      auto res = post_with_cookie(value);
      REQUIRE(res);
      CHECK(res->status / 100 == 2);
      CHECK_FALSE(res->has_header("Set-Cookie"));
    }
  }
}

TEST_CASE("append_consent_receipt: the checkout's confirmations go to the same append-only store") {
  TempDir dir;
  auto conn = jupiter::db::Connection::open((dir / "t.sqlite3").string());
  REQUIRE(conn);
  REQUIRE(jupiter::server::migrate(conn.value()));
  jupiter::db::Database db(std::move(conn.value()));
  jupiter::server::ConsentReceipt r;
  r.consent_id = kId;
  r.time_ms = 1'772'323'200'000;
  r.source = "checkout";
  r.action = "checkout_confirmations";
  r.choices_json = R"({"marketing_opt_in": false, "age_18_plus": true})";
  r.policy_version = "1.0";
  r.text_hash = "sha256-abc=";
  r.ui_version = "store-1";
  r.language = "fr";
  using Outcome = jupiter::server::ReceiptAppend::Outcome;
  auto first = jupiter::server::append_consent_receipt(db, r);
  REQUIRE(first);
  CHECK(first.value().outcome == Outcome::Stored);
  auto again = jupiter::server::append_consent_receipt(db, r);
  REQUIRE(again);
  CHECK(again.value().outcome == Outcome::Duplicate);
  CHECK(again.value().id == first.value().id);
  auto listed = jupiter::server::list_consent_receipts(db, kId);
  REQUIRE(listed);
  REQUIRE(listed.value().size() == 1);
  CHECK(listed.value()[0].receipt.choices_json == R"({"age_18_plus":true,"marketing_opt_in":false})");  // canonical
  CHECK(listed.value()[0].receipt.source == "checkout");

  SUBCASE("bad input is a value, not a row") {
    auto bad = r;
    bad.choices_json = "[true]";
    auto res = jupiter::server::append_consent_receipt(db, bad);
    REQUIRE(res);
    CHECK(res.value().outcome == Outcome::Invalid);
    CHECK(res.value().problem.find("choices") != std::string::npos);
    bad = r;
    bad.action = "DROP TABLE";
    CHECK(jupiter::server::append_consent_receipt(db, bad).value().outcome == Outcome::Invalid);
    bad = r;
    bad.source = "mail";
    CHECK(jupiter::server::append_consent_receipt(db, bad).value().outcome == Outcome::Invalid);
  }
  SUBCASE("rows cannot be changed or deleted") {
    db.with([](jupiter::db::Connection& c) {
      CHECK_FALSE(c.exec("UPDATE consent_receipts SET action = 'forged'").ok());
      CHECK_FALSE(c.exec("DELETE FROM consent_receipts").ok());
      CHECK(c.query_int64("SELECT count(*) FROM consent_receipts").value() == 1);
    });
  }
}

TEST_CASE("the GPC support resource says that this origin abides by Global Privacy Control") {
  Store store;
  auto cli = store.server->client();
  auto res = cli.Get("/.well-known/gpc.json");
  REQUIRE(res);
  CHECK(res->status == 200);
  const std::string type = res->get_header_value("Content-Type");
  CHECK(type.substr(0, type.find(';')) == "application/json");  // otherwise the origin's support is unknown
  const std::string cache = res->get_header_value("Cache-Control");
  CHECK(cache.find("public") != std::string::npos);
  CHECK(cache.find("max-age=") != std::string::npos);
  CHECK_FALSE(res->get_header_value("ETag").empty());
  CHECK_FALSE(res->has_header("Set-Cookie"));

  const json j = json::parse(res->body, nullptr, false);
  REQUIRE(j.is_object());
  REQUIRE(j.contains("gpc"));
  CHECK(j["gpc"].is_boolean());
  CHECK(j["gpc"] == true);
  // lastUpdate: an RFC 3339 full-date, a real day, not before GPC existed (2020) and not in the future.
  REQUIRE(j.contains("lastUpdate"));
  REQUIRE(j["lastUpdate"].is_string());
  const std::string last = j["lastUpdate"];
  CAPTURE(last);
  std::tm day{};
  int year = 0, month = 0, mday = 0;
  REQUIRE(last.size() == 10);
  REQUIRE(std::sscanf(last.c_str(), "%4d-%2d-%2d", &year, &month, &mday) == 3);
  day.tm_year = year - 1900;
  day.tm_mon = month - 1;
  day.tm_mday = mday;
  day.tm_hour = 12;
  const std::time_t t = timegm(&day);  // normalises 2026-02-30 to March: a different date
  char again[11];
  std::strftime(again, sizeof again, "%Y-%m-%d", std::gmtime(&t));
  CHECK(last == again);
  const std::time_t now = std::time(nullptr);
  char today[11];
  std::strftime(today, sizeof today, "%Y-%m-%d", std::gmtime(&now));
  CHECK(last >= std::string("2020-01-01"));
  CHECK(last <= std::string(today));

  SUBCASE("a cache revalidates it with its ETag") {
    auto again_res = cli.Get("/.well-known/gpc.json", {{"If-None-Match", res->get_header_value("ETag")}});
    REQUIRE(again_res);
    CHECK(again_res->status == 304);
    CHECK(again_res->body.empty());
  }
  SUBCASE("HEAD answers like GET without the body; other methods are refused") {
    auto head = cli.Head("/.well-known/gpc.json");
    REQUIRE(head);
    CHECK(head->status == 200);
    CHECK(head->body.empty());
    auto post = cli.Post("/.well-known/gpc.json", "{}", "application/json");
    REQUIRE(post);
    CHECK(post->status == 405);
    CHECK(post->get_header_value("Allow") == "GET, HEAD");
  }
}

TEST_CASE("a receipt is stored as sent, and whether its request carried Sec-GPC: 1 is kept with it") {
  Store store;
  auto cli = store.server->client();
  const fs::path db = store.data_dir / "jupiter.sqlite3";
  // A receipt whose page did not see GPC ("gpc": false), under consent id `id`, sent with `headers`.
  auto post = [&](const std::string& id, const httplib::Headers& headers) {
    json r = receipt();
    r["consent_id"] = id;
    r["gpc"] = false;
    auto res = cli.Post("/api/consent/receipts", headers, r.dump(), "text/plain");
    REQUIRE(res);
    CHECK(res->status == 201);
  };
  auto read_back = [&](const std::string& id) {
    auto res = cli.Get("/api/consent/receipts/" + id);
    REQUIRE(res);
    REQUIRE(res->status == 200);
    const json j = json::parse(res->body);
    REQUIRE(j["receipts"].size() == 1);
    return j["receipts"][0];
  };
  auto stored_header = [&](const std::string& id) {
    return sqlite_int(db, "SELECT gpc_header FROM consent_receipts WHERE consent_id = '" + id + "'");
  };

  SUBCASE("Sec-GPC: 1 with \"gpc\": false: the page's view and the browser's signal are both kept") {
    post("gpc-header-on", {{"Sec-GPC", "1"}});
    const json r = read_back("gpc-header-on");
    CHECK(r["gpc"] == false);
    CHECK(r["gpc_header"] == true);
    CHECK(r["action"] == "custom");
    CHECK(r["choices"]["categories"]["analytics"] == true);  // the choice as the user made it, not rewritten
    CHECK(stored_header("gpc-header-on") == 1);
    CHECK(sqlite_int(db, "SELECT gpc FROM consent_receipts WHERE consent_id = 'gpc-header-on'") == 0);
  }
  SUBCASE("without the header: gpc_header is 0") {
    post("gpc-header-off", {});
    CHECK(read_back("gpc-header-off")["gpc_header"] == false);
    CHECK(stored_header("gpc-header-off") == 0);
  }
  SUBCASE("only the exact value 1 is the signal; one 1 among several fields is enough") {
    post("gpc-header-zero", {{"Sec-GPC", "0"}});
    post("gpc-header-true", {{"Sec-GPC", "true"}});
    post("gpc-header-twice", {{"Sec-GPC", "0"}, {"Sec-GPC", "1"}});
    CHECK(stored_header("gpc-header-zero") == 0);
    CHECK(stored_header("gpc-header-true") == 0);
    CHECK(stored_header("gpc-header-twice") == 1);
  }
  SUBCASE("a valid record made without GPC that grants analytics is still re-issued under Sec-GPC: 1") {
    json rec = json::parse(record(now_ms()));
    rec["action"] = "accept_all";
    rec["categories"] = {{"analytics", true}, {"marketing", true}, {"necessary", true}, {"preferences", true}};
    json r = receipt("accept_all");
    r["time_ms"] = now_ms();
    r["gpc"] = false;
    httplib::Headers h{{"Sec-GPC", "1"}, {"Cookie", "jupiter_consent=" + uri_component(rec.dump())}};
    auto res = cli.Post("/api/consent/receipts", h, r.dump(), "text/plain");
    REQUIRE(res);
    REQUIRE(res->status == 201);
    CHECK(res->get_header_value("Set-Cookie").rfind("jupiter_consent=" + rec.dump() + "; Max-Age=", 0) == 0);
    CHECK(stored_header(kId) == 1);
  }
}

TEST_CASE("the order's data export says which consent receipts came with Sec-GPC: 1") {
  Shop shop;
  const Created c = shop.create(order_body("jp-5gb-30d", "USD", {{"consent_id", kId}, {"consent_key", kKey}}));
  // A second order from a browser that sends the signal: its checkout receipt records it.
  auto gpc_order = shop.store->client().Post("/api/orders", {{"Idempotency-Key", new_key()}, {"Sec-GPC", "1"}},
                                             order_body("jp-5gb-30d", "USD", {{"consent_id", kId}, {"consent_key", kKey}}),
                                             "application/json");
  REQUIRE(gpc_order);
  REQUIRE(gpc_order->status == 201);
  json r = receipt();
  r["gpc"] = false;
  auto posted = shop.store->client().Post("/api/consent/receipts", {{"Sec-GPC", "1"}}, r.dump(), "text/plain");
  REQUIRE(posted);
  REQUIRE(posted->status == 201);
  auto res = shop.store->client().Get(("/api/orders/" + c.id + "/data").c_str(),
                                      {{"Authorization", "Bearer " + c.token}});
  REQUIRE(res);
  REQUIRE(res->status == 200);
  const json receipts = json::parse(res->body)["consent_receipts"];
  REQUIRE(receipts.size() == 3);  // every receipt of the consent id: two checkouts and the banner's
  CHECK(receipts[0]["source"] == "checkout");
  CHECK(receipts[0]["gpc_header"] == false);  // the first order's request did not send Sec-GPC
  CHECK(receipts[1]["source"] == "checkout");
  CHECK(receipts[1]["gpc_header"] == true);
  CHECK(receipts[2]["source"] == "banner");
  CHECK(receipts[2]["gpc_header"] == true);
  CHECK(receipts[2]["gpc"] == false);
}

TEST_CASE("a database from before the Sec-GPC column keeps its receipts, which read as received without it") {
  TempDir dir;
  auto conn = jupiter::db::Connection::open((dir / "t.sqlite3").string());
  REQUIRE(conn);
  jupiter::db::Connection& c = conn.value();
  const auto& all = jupiter::server::migrations();
  const auto gpc = std::find_if(all.begin(), all.end(), [](const auto& m) {
    return std::string(m.name) == "receipt gpc header";
  });
  REQUIRE(gpc != all.end());
  // The schema as the server before it left it, with a receipt in it.
  REQUIRE(c.exec("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
                 " applied_at TEXT NOT NULL DEFAULT '2026-11-01T00:00:00Z')").ok());
  for (auto m = all.begin(); m != gpc; ++m) {
    REQUIRE(c.exec(m->sql).ok());
    REQUIRE(c.exec("INSERT INTO schema_migrations(version, name) VALUES (" + std::to_string(m->version) + ", '" +
                   m->name + "')").ok());
  }
  REQUIRE(c.exec("INSERT INTO consent_receipts(consent_id, time_ms, received_ms, source, action, choices,"
                 " policy_version, revision, text_hash, ui_version, language, gpc) VALUES ('" + std::string(kId) +
                 "', 1772323200000, 1772323200500, 'banner', 'reject_all', '{}', '1.0', 1, 'sha256-abc=',"
                 " 'consent-1', 'en', 1)").ok());

  auto applied = jupiter::server::migrate(c);
  REQUIRE(applied);
  REQUIRE_FALSE(applied.value().empty());
  CHECK(applied.value().front() == gpc->version);
  CHECK_FALSE(c.exec("UPDATE consent_receipts SET gpc_header = 1").ok());  // still append-only
  jupiter::db::Database db(std::move(conn.value()));
  auto listed = jupiter::server::list_consent_receipts(db, kId);
  REQUIRE(listed);
  REQUIRE(listed.value().size() == 1);
  CHECK(listed.value()[0].receipt.gpc == true);
  CHECK(listed.value()[0].receipt.gpc_header == false);
}

TEST_CASE("consent receipts are rate limited per address, and a late or early decision time is refused") {
  Store store;
  auto cli = store.server->client();
  SUBCASE("a receipt queued 29 days ago and one from a clock 9 minutes fast are taken") {
    auto late = receipt();
    late["time_ms"] = now_ms() - 29LL * 24 * 3600 * 1000;
    CHECK(cli.Post("/api/consent/receipts", late.dump(), "text/plain")->status == 201);
    auto early = receipt("accept_all");
    early["time_ms"] = now_ms() + 9 * 60'000;
    CHECK(cli.Post("/api/consent/receipts", early.dump(), "text/plain")->status == 201);
  }
  SUBCASE("past 120 a minute from one address: 429 with Retry-After, and nothing stored") {
    int stored = 0, limited = 0;
    std::string retry_after;
    for (int i = 0; i < 150; ++i) {
      auto r = receipt();
      r["time_ms"] = kDecided + i;  // a different decision each time, so each would be a new row
      auto res = cli.Post("/api/consent/receipts", r.dump(), "text/plain");
      REQUIRE(res);
      if (res->status == 201) ++stored;
      if (res->status == 429) {
        ++limited;
        retry_after = res->get_header_value("Retry-After");
        CHECK(json_error_code(res->body) == "rate_limited");
      }
    }
    CHECK(stored == 120);
    CHECK(limited == 30);
    CHECK(std::stoi(retry_after) >= 1);
    CHECK(sqlite_int(store.data_dir / "jupiter.sqlite3", "SELECT count(*) FROM consent_receipts") == 120);
  }
}

TEST_CASE("a receipt for a consent id in use needs the key kept in that browser's record") {
  Store store;
  auto cli = store.server->client();
  auto first = cli.Post("/api/consent/receipts", receipt().dump(), "text/plain");  // claims kId with kKey
  REQUIRE(first);
  REQUIRE_MESSAGE(first->status == 201, first->body);
  const auto count = [&] {
    auto got = cli.Get((std::string("/api/consent/receipts/") + kId).c_str());
    REQUIRE(got);
    return json::parse(got->body)["receipts"].size();
  };
  SUBCASE("a forged receipt (another key, or none) is refused and not stored") {
    json forged = receipt("accept_all");
    forged["consent_key"] = "attacker-key-0123456789";
    auto res = cli.Post("/api/consent/receipts", forged.dump(), "text/plain");
    REQUIRE(res);
    CHECK(res->status == 403);
    CHECK(json::parse(res->body)["error"]["code"] == "consent_key_mismatch");
    forged.erase("consent_key");
    res = cli.Post("/api/consent/receipts", forged.dump(), "text/plain");
    REQUIRE(res);
    CHECK(res->status == 403);
    CHECK(count() == 1);
  }
  SUBCASE("the right key is accepted") {
    json next = receipt("accept_all");
    next["time_ms"] = kDecided + 1000;
    auto res = cli.Post("/api/consent/receipts", next.dump(), "text/plain");
    REQUIRE(res);
    CHECK(res->status == 201);
    CHECK(count() == 2);
  }
  SUBCASE("a malformed key is a 400") {
    json bad = receipt("accept_all");
    bad["consent_key"] = "short";
    auto res = cli.Post("/api/consent/receipts", bad.dump(), "text/plain");
    REQUIRE(res);
    CHECK(res->status == 400);
  }
}

TEST_CASE("an order that names another browser's consent id without its key stays out of that browser's history") {
  Shop shop;
  const Created mine = shop.create(order_body("jp-5gb-30d", "USD", {{"consent_id", kId}, {"consent_key", kKey}}));
  const Created theirs = shop.create(order_body("jp-5gb-30d", "USD", {{"consent_id", kId}, {"consent_key", "attacker-key-0123456789"}}));
  const Created keyless = shop.create(order_body("jp-5gb-30d", "USD", {{"consent_id", kId}}));
  const auto exported = [&](const Created& c) {
    auto res = shop.store->client().Get(("/api/orders/" + c.id + "/data").c_str(), {{"Authorization", "Bearer " + c.token}});
    REQUIRE(res);
    REQUIRE(res->status == 200);
    return json::parse(res->body);
  };
  const json own = exported(mine);
  REQUIRE(own["consent_receipts"].size() == 1);  // only the visitor's own checkout
  CHECK(own["consent_receipts"][0]["choices"]["order"] == mine.id);
  for (const Created* other : {&theirs, &keyless}) {
    const json e = exported(*other);
    CHECK(e["order_settings"]["consent_id"] != kId);  // a fresh id, not the borrowed one
    REQUIRE(e["consent_receipts"].size() == 1);
    CHECK(e["consent_receipts"][0]["choices"]["order"] == other->id);
  }
}
