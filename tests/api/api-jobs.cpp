// api-jobs.cpp: several server processes on one database (issue 17): a queue row claimed by exactly one of several
// connections racing for it, the lease that a killed process leaves to the others, periodic turns taken by one
// process per period (job_claims.hpp), two real jupiter-server processes delivering every paid order exactly once,
// a catalogue imported by one served by the other (served_catalogue.hpp), two starting together with two
// catalogues, clocks 7 s apart, rate limits counted once for all processes, and on PostgreSQL statements prepared
// once per session. Runs on SQLite and, under tests/pg/cluster.sh, on PostgreSQL.
#include <doctest/doctest.h>
#include <httplib.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <map>
#include <thread>
#include <vector>

#include "commerce.hpp"
#include "server/db.hpp"
#include "server/job_claims.hpp"
#include "server/migrations.hpp"
#include "server/rate_counts.hpp"

using namespace jupiter::test;
namespace db = jupiter::db;
namespace srv = jupiter::server;

namespace {

constexpr std::int64_t kNow = 1'800'000'000'000;

// A migrated database for `dir` on the engine the tests run on, and the URL to open more connections to it.
std::string fresh_database(const TempDir& dir) {
  fs::create_directories(dir / "data");
  const std::string url = test_database(dir / "data").value_or((dir / "data" / "jupiter.sqlite3").string());
  auto c = db::Connection::open(url);
  REQUIRE_MESSAGE(c.ok(), c.error().message);
  auto m = srv::migrate(c.value());
  REQUIRE_MESSAGE(m.ok(), m.error().message);
  return url;
}

db::Connection connect(const std::string& url) {
  auto c = db::Connection::open(url);
  REQUIRE_MESSAGE(c.ok(), c.error().message);
  return std::move(c.value());
}

// `n` payment follow-ups due at kNow - 1 (ids 1..n).
void add_due_followups(db::Connection& c, int n) {
  for (int i = 1; i <= n; ++i) {
    const std::string s = "cs_" + std::to_string(i);
    REQUIRE(c.exec("INSERT INTO payment_followups(id, kind, order_id, session_id, reason, created_at, next_attempt_ms) "
                   "VALUES (?, 'expire_session', 'ord', ?, 'replaced_session', '2027-01-01T00:00:00Z', ?)",
                   i, s, kNow - 1)
                .ok());
  }
}

}  // namespace

TEST_CASE("a due queue row is claimed by exactly one of four connections racing for it") {
  TempDir dir;
  const std::string url = fresh_database(dir);
  constexpr int kRows = 40;
  {
    db::Connection c = connect(url);
    add_due_followups(c, kRows);
  }
  std::vector<std::atomic<int>> winners(kRows + 1);
  std::atomic<int> failures{0};
  std::vector<std::thread> workers;
  for (int w = 0; w < 4; ++w)
    workers.emplace_back([&, w] {
      auto c = db::Connection::open(url);
      if (!c) return void(++failures);
      for (std::int64_t id = 1; id <= kRows; ++id) {
        auto won = srv::claim_row(c.value(), "payment_followups", id, kNow - 1, kNow, "host:" + std::to_string(w));
        if (!won) ++failures;
        else if (won.value()) ++winners[id];
      }
    });
  for (std::thread& t : workers) t.join();
  CHECK(failures == 0);
  int once = 0;
  for (int id = 1; id <= kRows; ++id) once += winners[id] == 1;
  CHECK(once == kRows);
  // The winners' leases moved every row out of reach until kNow + the lease.
  db::Connection c = connect(url);
  auto leased = c.query("SELECT count(*) FROM payment_followups WHERE next_attempt_ms = ?", kNow + srv::kJobLeaseMs)
                    .one([](const db::Row& r) { return r.int64(0); });
  REQUIRE(leased.ok());
  CHECK(leased.value() == std::optional<std::int64_t>(kRows));
}

TEST_CASE("a lease left by a process that died is taken up when it runs out, and only then") {
  TempDir dir;
  const std::string url = fresh_database(dir);
  db::Connection a = connect(url);
  db::Connection b = connect(url);
  add_due_followups(a, 1);
  REQUIRE(srv::claim_row(a, "payment_followups", std::int64_t{1}, kNow - 1, kNow, "a:1").value());  // then "dies"
  // b reads the row again while the lease runs: not due yet, and a claim with the old value fails.
  const std::int64_t lease_end = kNow + srv::kJobLeaseMs;
  CHECK_FALSE(srv::claim_row(b, "payment_followups", std::int64_t{1}, kNow - 1, kNow + 1, "b:2").value());
  // Once the lease has run out the row is due at its lease end, and b takes it with that value; a's late claim
  // with its stale value loses.
  CHECK(srv::claim_row(b, "payment_followups", std::int64_t{1}, lease_end, lease_end + 1, "b:2").value());
  CHECK_FALSE(srv::claim_row(a, "payment_followups", std::int64_t{1}, lease_end, lease_end + 2, "a:1").value());
  // The job's end (NULL: done) replaces the lease; nothing is due any more.
  REQUIRE(b.exec("UPDATE payment_followups SET next_attempt_ms = NULL WHERE id = ?", 1).ok());
  CHECK_FALSE(srv::claim_row(a, "payment_followups", std::int64_t{1}, lease_end + srv::kJobLeaseMs + 1,
                             lease_end + 2 * srv::kJobLeaseMs, "a:1").value());
}

TEST_CASE("a worker restarted under its own name takes back at once the leases whose jobs never ended") {
  TempDir dir;
  const std::string url = fresh_database(dir);
  db::Connection c = connect(url);
  add_due_followups(c, 3);
  for (std::int64_t id = 1; id <= 3; ++id)
    REQUIRE(srv::claim_row(c, "payment_followups", id, kNow - 1, kNow, id == 3 ? "other:9" : "me:8").value());
  // Job 2 ended with a retry in 5 s: its row is not a lease any more, and keeps its time.
  REQUIRE(c.exec("UPDATE payment_followups SET next_attempt_ms = ? WHERE id = 2", kNow + 5000).ok());
  auto taken = srv::take_back_leases(c, "me:8", kNow + 10);
  REQUIRE(taken.ok());
  CHECK(taken.value() == 1);
  auto due = c.query("SELECT id, next_attempt_ms FROM payment_followups ORDER BY id").all([](const db::Row& r) {
    return std::pair<std::int64_t, std::int64_t>{r.int64(0), r.int64(1)};
  });
  REQUIRE(due.ok());
  CHECK(due.value() == std::vector<std::pair<std::int64_t, std::int64_t>>{
                           {1, kNow + 10}, {2, kNow + 5000}, {3, kNow + srv::kJobLeaseMs}});
  CHECK(srv::claim_row(c, "payment_followups", std::int64_t{1}, kNow + 10, kNow + 11, "me:8").value());
}

TEST_CASE("a periodic job's turn goes to one process per period") {
  TempDir dir;
  const std::string url = fresh_database(dir);
  db::Connection a = connect(url);
  db::Connection b = connect(url);
  constexpr std::int64_t kPeriod = 3'600'000;
  CHECK(srv::claim_turn(a, "retention purge", kNow, kPeriod).value());  // the first turn ever
  CHECK_FALSE(srv::claim_turn(b, "retention purge", kNow + 5, kPeriod).value());
  CHECK(srv::claim_turn(b, "accounts sweep", kNow + 5, kPeriod).value());  // another job has its own turns
  CHECK_FALSE(srv::claim_turn(a, "retention purge", kNow + kPeriod - 1, kPeriod).value());
  CHECK(srv::claim_turn(b, "retention purge", kNow + kPeriod, kPeriod).value());
  CHECK_FALSE(srv::claim_turn(a, "retention purge", kNow + kPeriod, kPeriod).value());
}

TEST_CASE("two server processes on one database deliver every paid order exactly once") {
  // Each profile pending for 2 s: both processes poll the queue meanwhile. Up to 24 orders from one address.
  Shop shop({"--orders-per-minute", "100000"}, "delay", 2);
  auto other = std::make_unique<ServerProcess>(
      ServerConfig{shop.data_dir, shop.dir / "web", fixture("catalogue.json"), shop.store_argv});
  REQUIRE_MESSAGE(other->wait_until_listening(), other->output());
  auto count = [](const std::string& text, const std::string& what) {
    int n = 0;
    for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
    return n;
  };
  // Which process takes a due row is a race (each polls every 250 ms), and one may win all six: rounds of orders
  // go on until both have delivered (at most four rounds), so the test always sees both at work.
  constexpr int kOrders = 6;
  int rounds = 0, first = 0, second = 0;
  while (rounds < 4 && (first == 0 || second == 0)) {
    ++rounds;
    // Every other order is created and paid through the second process (as a load balancer would send it), so its
    // webhook arrives there and both processes have work; any process may take any row.
    std::vector<Created> orders;
    for (int i = 0; i < kOrders; ++i) {
      std::swap(shop.store, other);
      orders.push_back(shop.create());
      REQUIRE(shop.submit_card(shop.checkout_path(orders.back()), kCardOk));
    }
    for (const Created& c : orders) {
      const json o = shop.wait_for_state(c, "delivered", std::chrono::seconds(20));
      std::vector<std::string> path;
      for (const json& h : o["history"]) path.push_back(h["from"].get<std::string>() + ">" + h["to"].get<std::string>());
      CHECK(path == std::vector<std::string>{"pending_payment>paid", "paid>provisioning", "provisioning>delivered"});
      CHECK_FALSE(shop.wait_for_mail(c.id + "-delivery.eml").empty());  // written right after the state change
      int deliveries = 0;
      for (const auto& [name, mail] : shop.outbox()) deliveries += name.find(c.id + "-delivery.eml") != std::string::npos;
      CHECK(deliveries == 1);
    }
    first = count(shop.store->output(), " delivered\n");
    second = count(other->output(), " delivered\n");
  }
  MESSAGE("deliveries by process: " << first << " and " << second << " (" << rounds << " round(s) of " << kOrders << ")");
  CHECK(first + second == rounds * kOrders);
  CHECK(first > 0);
  CHECK(second > 0);
  // A row processed by both would show as a transition that found the order already moved on (orders.cpp).
  const std::string logs = shop.store->output() + other->output();
  CHECK(count(logs, " is not paid") == 0);
  CHECK(count(logs, " is not provisioning") == 0);
}

TEST_CASE("the sliding-window estimate: this window's events plus the previous window's share still inside") {
  const srv::RateLimit three{"orders", 3, 60};
  CHECK(srv::sliding_window_wait(0, 3, 10, three) == 0);    // the third in a fresh window
  CHECK(srv::sliding_window_wait(0, 4, 10, three) == 50);   // the fourth: until this window ends
  CHECK(srv::sliding_window_wait(6, 1, 30, three) == 10);   // 6 x 30/60 + 1 = 4 > 3; at 40 s: 6 x 20/60 + 1 = 3
  CHECK(srv::sliding_window_wait(6, 1, 40, three) == 0);
  CHECK(srv::sliding_window_wait(3, 1, 0, three) == 20);    // the previous window wholly inside: 3 x 40/60 + 1 = 3
  CHECK(srv::sliding_window_wait(1000, 1, 59, three) >= 1);
  CHECK(srv::sliding_window_wait(1000, 1, 59, three) <= 60);
}

TEST_CASE("a client's order limit is counted once for all processes on the database, never by its address") {
  Shop shop({"--orders-per-minute", "3"});
  auto other = std::make_unique<ServerProcess>(
      ServerConfig{shop.data_dir, shop.dir / "web", fixture("catalogue.json"), shop.store_argv});
  REQUIRE_MESSAGE(other->wait_until_listening(), other->output());
  shop.create();
  shop.create();
  std::swap(shop.store, other);  // the load balancer sends the next ones to the second process
  shop.create();
  auto limited = shop.post_order(order_body(), new_key());
  REQUIRE(limited);
  CHECK(limited->status == 429);
  CHECK(json_error_code(limited->body) == "rate_limited");
  std::swap(shop.store, other);
  auto first_again = shop.post_order(order_body(), new_key());
  REQUIRE(first_again);
  CHECK(first_again->status == 429);  // the first process counts the second one's order too
  const fs::path db = shop.data_dir / "jupiter.sqlite3";
  CHECK(sqlite_int(db, "SELECT count(*) FROM orders") == 3);
  CHECK(sqlite_int(db, "SELECT sum(events) FROM rate_counts WHERE scope = 'orders'") == 3);  // refusals not counted
  CHECK(sqlite_int(db, "SELECT count(*) FROM rate_counts WHERE client LIKE '%127.0.0.1%'") == 0);
  CHECK(sqlite_int(db, "SELECT min(length(client)) FROM rate_counts") == 64);  // an HMAC-SHA-256, in hex
}

TEST_CASE("processes whose clocks differ by seconds: webhooks, order tokens and job leases still hold") {
  REQUIRE_MESSAGE(fs::exists("/usr/bin/faketime"), "faketime (Debian's package, installed by emsdk-setup.sh) is needed");
  Shop shop({}, "delay", 1);
  // A second process whose clock runs 7 s ahead (Debian's libfaketime, preloaded into it alone), on the same database.
  // (Under AddressSanitizer the preloaded library comes before ASan's runtime, which ASan then has to be told.)
  const char* asan = std::getenv("ASAN_OPTIONS");
  const bool had_asan = asan != nullptr;
  const std::string asan_before = asan ? asan : "";
  ::setenv("ASAN_OPTIONS", (asan_before + (asan_before.empty() ? "" : ":") + "verify_asan_link_order=0").c_str(), 1);
  ::setenv("LD_PRELOAD", "/usr/$LIB/faketime/libfaketime.so.1", 1);
  ::setenv("FAKETIME", "+7s", 1);
  auto ahead = std::make_unique<ServerProcess>(
      ServerConfig{shop.data_dir, shop.dir / "web", fixture("catalogue.json"), shop.store_argv});
  ::unsetenv("LD_PRELOAD");
  ::unsetenv("FAKETIME");
  if (had_asan) ::setenv("ASAN_OPTIONS", asan_before.c_str(), 1);
  else ::unsetenv("ASAN_OPTIONS");
  REQUIRE_MESSAGE(ahead->wait_until_listening(), ahead->output());
  // Orders made by the process on time and paid through the one ahead (its webhook arrives there, signed with the
  // processor's clock), and the other way round; each read back through the other process with its token.
  std::vector<Created> orders;
  for (int i = 0; i < 4; ++i) {
    orders.push_back(shop.create());
    std::swap(shop.store, ahead);
    REQUIRE(shop.submit_card(shop.checkout_path(orders.back()), kCardOk));
  }
  for (const Created& c : orders) {
    const json o = shop.wait_for_state(c, "delivered", std::chrono::seconds(20));
    CHECK(o["state"] == "delivered");
    std::swap(shop.store, ahead);
    CHECK(shop.wait_for_state(c, "delivered", std::chrono::seconds(5))["state"] == "delivered");
  }
  int deliveries = 0;
  for (const auto& [name, mail] : shop.outbox()) deliveries += name.find("-delivery.eml") != std::string::npos;
  CHECK(deliveries == 4);  // once each, whichever clock claimed it
  // The skew is real: the first order was created on time and marked paid by the process ahead (the history lists
  // the steps after creation).
  const auto seconds_of = [](const std::string& at) {
    std::tm tm{};
    REQUIRE(std::sscanf(at.c_str(), "%d-%d-%dT%d:%d:%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min,
                        &tm.tm_sec) == 6);
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    return static_cast<std::int64_t>(timegm(&tm));
  };
  const json first = shop.wait_for_state(orders[0], "delivered");
  CHECK_MESSAGE(seconds_of(first["history"][0]["at"]) - seconds_of(first["created_at"]) >= 6, first.dump());
  const std::string logs = shop.store->output() + ahead->output();
  CHECK(logs.find("webhook refused") == std::string::npos);  // none refused for its time (or anything else)
  CHECK(logs.find(" is not provisioning") == std::string::npos);
}

TEST_CASE("a catalogue one process imports is served by the others, with a new ETag") {
  TempDir dir;
  write_web_fixture(dir / "web");
  ServerProcess first(ServerConfig{dir / "data", dir / "web", fixture("catalogue.json"), {}});
  REQUIRE_MESSAGE(first.wait_until_listening(), first.output());
  auto before = first.client().Get("/api/catalogue");
  REQUIRE(before);
  REQUIRE(before->status == 200);
  const std::string old_etag = before->get_header_value("ETag");
  json changed = json::parse(read_all(fixture("catalogue.json")));
  changed["plans"][0]["prices"]["USD"] = 1199;  // a sale on the first plan
  write_file(dir / "sale.json", changed.dump());
  // A second process, started with the sale catalogue on the same database, imports it.
  ServerProcess second(ServerConfig{dir / "data", dir / "web", dir / "sale.json", {}});
  REQUIRE_MESSAGE(second.wait_until_listening(), second.output());
  CHECK(second.output().find("catalogue: imported") != std::string::npos);
  CHECK(first.wait_for_output("catalogue: another process imported version", std::chrono::seconds(5)));
  for (const ServerProcess* p : {&first, &second}) {
    auto now = p->client().Get("/api/catalogue", {{"If-None-Match", old_etag}});
    REQUIRE(now);
    CHECK(now->status == 200);  // the old ETag no longer matches
    CHECK(now->get_header_value("ETag") != old_etag);
    CHECK(json::parse(now->body)["plans"][0]["prices"]["USD"] == 1199);
  }
}

TEST_CASE("two processes starting together with two catalogues: both serve one of them, whole, with one ETag") {
  TempDir dir;
  write_web_fixture(dir / "web");
  json sale = json::parse(read_all(fixture("catalogue.json")));
  sale["plans"][0]["prices"]["USD"] = 1199;
  write_file(dir / "sale.json", sale.dump());
  // Started at once: the imports race for the start-up lock (PostgreSQL) or the write lock (SQLite).
  ServerProcess a(ServerConfig{dir / "data", dir / "web", fixture("catalogue.json"), {}});
  ServerProcess b(ServerConfig{dir / "data", dir / "web", dir / "sale.json", {}});
  REQUIRE_MESSAGE(a.wait_until_listening(), a.output());
  REQUIRE_MESSAGE(b.wait_until_listening(), b.output());
  // Within the refresh period (2 s) both serve the catalogue stored last, entire: one ETag, one first price.
  std::string etag_a, etag_b;
  json doc_a, doc_b;
  for (int i = 0; i < 40; ++i) {
    auto ra = a.client().Get("/api/catalogue"), rb = b.client().Get("/api/catalogue");
    REQUIRE(ra);
    REQUIRE(rb);
    etag_a = ra->get_header_value("ETag");
    etag_b = rb->get_header_value("ETag");
    doc_a = json::parse(ra->body);
    doc_b = json::parse(rb->body);
    if (etag_a == etag_b) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  CHECK(etag_a == etag_b);
  CHECK(doc_a == doc_b);
  const auto price = doc_a["plans"][0]["prices"]["USD"].get<int>();
  CHECK((price == 1199 || price == json::parse(read_all(fixture("catalogue.json")))["plans"][0]["prices"]["USD"]));
  CHECK(doc_a["plans"].size() == sale["plans"].size());
  CHECK(sqlite_int(dir / "data" / "jupiter.sqlite3", "SELECT count(*) FROM plans WHERE retired = 0") ==
        static_cast<std::int64_t>(sale["plans"].size()));
}

// db_postgres.cpp prepares each statement once per session: PostgreSQL parses and plans it once, not on every run.
TEST_CASE("on PostgreSQL a statement is prepared once per session, and prepared again after the session is lost") {
  if (!on_postgres()) {
    MESSAGE("skipped on SQLite: prepared statements are PostgreSQL's engine (SQLite's are prepared per Query)");
    return;
  }
  TempDir dir;
  const std::string url = fresh_database(dir);
  db::Connection c = connect(url);
  const auto count_paid = [&c] { return c.query("SELECT count(*) FROM orders WHERE state = ?", "paid").one(
                                     [](const db::Row& r) { return r.int64(0); }); };
  const auto prepared = [&c] { return c.query_int64("SELECT count(*) FROM pg_prepared_statements"); };
  for (int i = 0; i < 5; ++i) REQUIRE(count_paid().ok());
  auto first = prepared();
  REQUIRE(first.ok());
  CHECK(first.value() == 2);  // the count of paid orders (run 5 times) and this count itself
  REQUIRE(prepared().ok());
  CHECK(prepared().value() == 2);

  db::Connection other = connect(url);
  auto pid = c.query_int64("SELECT pg_backend_pid()");
  REQUIRE(pid.ok());
  REQUIRE(other.exec("SELECT pg_terminate_backend(?)", *pid.value()).ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  CHECK_FALSE(count_paid().ok());  // the statement the session was lost under fails, clearly
  REQUIRE(count_paid().ok());      // the next one runs on a new session, prepared there anew
  auto again = prepared();
  REQUIRE(again.ok());
  CHECK(again.value() == 2);
}
