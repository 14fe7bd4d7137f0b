// api-faults.cpp: the store when what it depends on fails (issue 19), over real processes on loopback: the processor
// down, slow, answering 5xx or not JSON when a checkout session is made; the eSIM partner down while an order is
// provisioned; the data folder's disk full; the database locked by another process; SIGKILL in the middle of
// orders, payments and provisioning. Each ends in a clear JSON answer with nothing half-written, and recovers.
#include <doctest/doctest.h>
#include <httplib.h>
#include <sqlite3.h>
#include <netinet/in.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <condition_variable>
#include <fstream>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

#include "commerce.hpp"
#include "server/db.hpp"

using namespace jupiter::test;

namespace {

using namespace std::chrono_literals;

// A stand-in processor on a free port whose session creation misbehaves as told: "down" is not this (a closed
// port), "slow" answers after 7 s (the store's adapter gives up after 5 s), "5xx" a 500, "garbage" a 200 that is
// not JSON, "ok" a valid session. Refunds answer 500 in "5xx" mode.
class FakeProcessor {
 public:
  FakeProcessor() {
    server_.Post("/v1/checkout/sessions", [this](const httplib::Request&, httplib::Response& res) {
      const std::string mode = this->mode();
      if (mode == "slow") {
        std::unique_lock<std::mutex> lock(mutex_);
        cv_.wait_for(lock, 7s, [this] { return stopping_; });
      }
      if (mode == "5xx") {
        res.status = 500;
        return res.set_content(R"({"error":{"code":"internal","message":"boom"}})", "application/json");
      }
      if (mode == "garbage") return res.set_content("<html>maintenance</html>", "text/html");
      res.set_content(json{{"id", "cs_fake1"}, {"url", "http://127.0.0.1:9/pay/cs_fake1"}, {"status", "open"},
                           {"expires_at", unix_now() + 1800}}.dump(),
                      "application/json");
    });
    server_.Post("/v1/refunds", [this](const httplib::Request&, httplib::Response& res) {
      res.status = mode() == "5xx" ? 500 : 404;
      res.set_content(R"({"error":{"code":"unavailable","message":"try later"}})", "application/json");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
  }
  ~FakeProcessor() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stopping_ = true;
    }
    cv_.notify_all();
    server_.stop();
    thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  void set(const std::string& mode) {
    std::lock_guard<std::mutex> lock(mutex_);
    mode_ = mode;
  }

 private:
  std::string mode() {
    std::lock_guard<std::mutex> lock(mutex_);
    return mode_;
  }
  httplib::Server server_;
  std::mutex mutex_;
  std::condition_variable cv_;
  std::string mode_ = "ok";
  bool stopping_ = false;
  int port_ = 0;
  std::thread thread_;
};

httplib::Client patient(const ServerProcess& p) {
  httplib::Client c("127.0.0.1", p.port());
  c.set_read_timeout(15);
  c.set_write_timeout(15);
  return c;
}

// The order is untouched and can still be paid: pending_payment, no session saved.
void still_payable(const Shop& shop, const Created& c) {
  const json o = shop.order(c);
  CHECK(o["state"] == "pending_payment");
  CHECK(o["payment"]["status"] == "none");
  CHECK(sqlite_int(shop.data_dir / "jupiter.sqlite3",
                   "SELECT count(*) FROM orders WHERE id = '" + c.id + "' AND session_id IS NULL") == 1);
}

// The store's orders, their creation history rows and their idempotency keys, counted.
std::string counts(const fs::path& db) {
  auto n = [&](const char* sql) { return std::to_string(sqlite_int(db, sql).value_or(-1)); };
  return n("SELECT count(*) FROM orders") + "/" + n("SELECT count(*) FROM order_history WHERE seq = 0") + "/" +
         n("SELECT count(*) FROM idempotency_keys");
}

}  // namespace

TEST_CASE("payment sessions: the processor down, slow, failing or garbled gives a clear 502/503 and a payable order") {
  FakeProcessor fake;
  Shop shop({"--processor-url", fake.url()});
  const Created c = shop.create();
  auto attempt = [&](const std::string& mode, int status, const std::string& code) {
    fake.set(mode);
    const auto t0 = std::chrono::steady_clock::now();
    auto res = patient(*shop.store).Post(("/api/orders/" + c.id + "/payment").c_str(),
                                         {{"Authorization", "Bearer " + c.token}}, "", "application/json");
    const auto took = std::chrono::steady_clock::now() - t0;
    REQUIRE(res);
    CHECK(res->status == status);
    CHECK(json_error_code(res->body) == code);
    CHECK(res->get_header_value("Content-Type").find("application/json") == 0);
    CHECK(took < 7s);  // bounded by the adapter's time-out, not the processor's whim
    still_payable(shop, c);
  };
  SUBCASE("5xx") { attempt("5xx", 503, "processor_unavailable"); }
  SUBCASE("not JSON") { attempt("garbage", 502, "processor_error"); }
  SUBCASE("slower than the time-out") { attempt("slow", 503, "processor_unavailable"); }
  fake.set("ok");
  auto ok = shop.start_payment(c);
  REQUIRE(ok);
  CHECK(ok->status == 200);
}

TEST_CASE("payment sessions: the processor's process gone answers 503 with Retry-After, nothing saved") {
  Shop shop;
  const Created c = shop.create();
  REQUIRE(shop.processor->kill_now());
  auto res = shop.start_payment(c);
  REQUIRE(res);
  CHECK(res->status == 503);
  CHECK(json_error_code(res->body) == "processor_unavailable");
  CHECK(res->get_header_value("Retry-After") == "5");
  still_payable(shop, c);
}

TEST_CASE("the eSIM partner down while an order is provisioned: retried until delivered, or refunded at the deadline") {
  SUBCASE("back after an outage: delivered") {
    Shop shop;
    const int port = shop.partner->port();
    REQUIRE(shop.partner->kill_now());
    const Created c = shop.create();
    REQUIRE(shop.submit_card(shop.checkout_path(c), kCardOk));
    const json retrying = shop.wait_for(c, [](const json& o) { return o["delivery"]["attempts"].get<int>() >= 1; });
    CHECK(retrying["state"] == "provisioning");
    CHECK(retrying["delivery"]["message"] == "the eSIM partner failed; retrying");
    shop.partner = std::make_unique<ServerProcess>(JUPITER_PARTNER_BINARY, std::vector<std::string>{"--port", std::to_string(port)});
    REQUIRE(shop.partner->wait_until_listening());
    const json o = shop.wait_for_state(c, "delivered", 15s);
    CHECK(o["state"] == "delivered");
    CHECK(o["esim"]["activation_code"].is_string());
  }
  SUBCASE("gone for good with a profile half made: refunded at the deadline") {
    Shop shop({"--provision-deadline", "3"}, "delay", 30);
    const Created c = shop.create();
    REQUIRE(shop.submit_card(shop.checkout_path(c), kCardOk));
    REQUIRE(shop.wait_for(c, [](const json& o) { return o["delivery"]["message"] == "the eSIM partner is preparing the profile"; })
                ["state"] == "provisioning");
    REQUIRE(shop.partner->kill_now());
    const json o = shop.wait_for_state(c, "refunded", 10s);
    REQUIRE_MESSAGE(o["state"] == "refunded", o.dump());
    CHECK(o["payment"]["status"] == "refunded");
    const std::string session = shop.processor_api().Get("/v1/checkout/sessions")->body;
    CHECK(json::parse(session)["data"][0]["payment_status"] == "refunded");
  }
}

// Another process holding the database's write lock: SQLite's file locked by BEGIN EXCLUSIVE, or on PostgreSQL the
// orders table locked by a transaction (the server's lock_timeout is SQLite's busy timeout, 5 s).
class OtherWriter {
 public:
  explicit OtherWriter(const fs::path& db) {
    if (auto url = test_database(db.parent_path())) {
      auto c = jupiter::db::Connection::open(*url);
      REQUIRE_MESSAGE(c, (c ? "" : c.error().message));
      pg_.emplace(std::move(c.value()));
      jupiter::db::Status s = pg_->exec("BEGIN; LOCK TABLE orders IN ACCESS EXCLUSIVE MODE");
      REQUIRE_MESSAGE(s, (s ? "" : s.error().message));
      return;
    }
    REQUIRE(sqlite3_open(db.string().c_str(), &sqlite_) == SQLITE_OK);
    REQUIRE(sqlite3_exec(sqlite_, "BEGIN EXCLUSIVE", nullptr, nullptr, nullptr) == SQLITE_OK);
  }
  ~OtherWriter() { sqlite3_close(sqlite_); }
  OtherWriter(const OtherWriter&) = delete;
  OtherWriter& operator=(const OtherWriter&) = delete;
  void commit() {
    if (pg_) {
      jupiter::db::Status s = pg_->exec("COMMIT");
      REQUIRE_MESSAGE(s, (s ? "" : s.error().message));
      pg_.reset();
    } else {
      REQUIRE(sqlite3_exec(sqlite_, "COMMIT", nullptr, nullptr, nullptr) == SQLITE_OK);
    }
  }

 private:
  sqlite3* sqlite_ = nullptr;
  std::optional<jupiter::db::Connection> pg_;
};

TEST_CASE("the database locked by another process: a clear 503 after a bounded wait, then recovery") {
  Shop shop;
  const fs::path db = shop.data_dir / "jupiter.sqlite3";
  const std::string before = counts(db);  // (PostgreSQL's lock keeps readers of orders out too)
  OtherWriter other(db);
  const auto t0 = std::chrono::steady_clock::now();
  auto res = patient(*shop.store).Post("/api/orders", {{"Idempotency-Key", new_key()}}, order_body(), "application/json");
  const auto took = std::chrono::steady_clock::now() - t0;
  REQUIRE(res);
  CHECK(res->status == 503);
  CHECK(json_error_code(res->body) == "storage_unavailable");
  CHECK(res->get_header_value("Retry-After") == "5");
  CHECK(took < 8s);
  auto health = shop.store->client().Get("/healthz");  // the server itself kept answering
  REQUIRE(health);
  CHECK(health->status == 200);
  other.commit();
  CHECK(counts(db) == before);
  shop.create();  // recovered
}

TEST_CASE("a PostgreSQL server that does not answer at start: tried with backoff, then a clear message and exit 1") {
  TempDir dir;
  write_web_fixture(dir / "web");
  int port = 0;  // a loopback port nothing listens on: bound by a bare socket, read, closed
  {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0);
    socklen_t len = sizeof addr;
    REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
    port = ntohs(addr.sin_port);
    ::close(fd);
  }
  const auto t0 = std::chrono::steady_clock::now();
  ServerProcess server(std::vector<std::string>{
      "--port", "0", "--data", (dir / "data").string(), "--web", (dir / "web").string(), "--catalogue",
      fixture("catalogue.json").string(), "--database", "postgresql://postgres@127.0.0.1:" + std::to_string(port) + "/x"});
  const auto status = server.wait_for_exit(30s);
  const auto took = std::chrono::steady_clock::now() - t0;
  CHECK(status == 1);
  const std::string out = server.output();
  for (const char* wait : {"retrying in 500 ms", "retrying in 1000 ms", "retrying in 2000 ms", "retrying in 4000 ms"})
    CHECK_MESSAGE(out.find(wait) != std::string::npos, out);
  CHECK(out.find("database: connect to PostgreSQL") != std::string::npos);
  CHECK(out.find("listening on") == std::string::npos);
  CHECK(took >= 7s);   // 0.5 + 1 + 2 + 4 s of waits
  CHECK(took < 20s);   // and then it gives up
}

TEST_CASE("the database sessions lost during traffic: 503 with Retry-After or the order, never half of one; recovery") {
  if (!on_postgres()) {
    MESSAGE("skipped on SQLite: an embedded database has no session to lose (the lock and full-disk cases cover it)");
    return;
  }
  Shop shop;
  const fs::path db = shop.data_dir / "jupiter.sqlite3";
  shop.create();
  const std::int64_t orders_before = sqlite_int(db, "SELECT count(*) FROM orders").value_or(-1);
  // Every session the server holds ends, as in a failover or a database restart.
  auto admin = jupiter::db::Connection::open(*test_database(shop.data_dir));
  REQUIRE(admin.ok());
  REQUIRE(admin.value().exec("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() "
                             "AND pid <> pg_backend_pid()").ok());
  int created = 0, refused = 0;
  for (int i = 0; i < 5 && created < 2; ++i) {
    auto res = shop.post_order(order_body(), new_key());
    REQUIRE(res);
    CAPTURE(res->body);
    CHECK((res->status == 201 || res->status == 503));
    if (res->status == 503) {
      ++refused;
      CHECK_FALSE(res->get_header_value("Retry-After").empty());
    }
    created += res->status == 201;
  }
  MESSAGE("after the sessions were cut: " << refused << " answered 503, then " << created << " created");
  CHECK(created == 2);  // recovered without a restart
  CHECK(sqlite_int(db, "SELECT count(*) FROM orders") == orders_before + created);
  CHECK(sqlite_int(db, "SELECT count(*) FROM order_history WHERE seq = 0") == orders_before + created);
  auto health = shop.store->client().Get("/healthz");
  REQUIRE(health);
  CHECK(health->status == 200);
}

TEST_CASE("the data folder's disk full: the order answer is a clear 503, nothing half-written, then recovery") {
  if (on_postgres()) {
    skipped_on_postgres("the data folder's disk full: the database lives in the PostgreSQL cluster, not in the data "
                        "folder that this test puts on a full tmpfs");
    return;
  }
  TempDir mount_point;
  const fs::path root = mount_point.path();
  if (mount("tmpfs", root.c_str(), "tmpfs", 0, "size=4m,mode=0700") != 0) {
    MESSAGE("skipped: this test needs to mount a small tmpfs (run as root)");
    return;
  }
  struct Unmount {
    fs::path p;
    ~Unmount() { umount2(p.c_str(), MNT_DETACH); }
  } unmount{root};
  {
    Shop shop({"--orders-per-minute", "100000"});
    // The shop's data folder lives on the small disk: start the store again there.
    shop.store->stop();
    shop.data_dir = root / "data";
    shop.restart_store();
    shop.create();
    {
      std::ofstream filler(root / "filler", std::ios::binary);
      const std::string block(64 * 1024, 'x');
      while (filler.write(block.data(), static_cast<std::streamsize>(block.size()))) filler.flush();
    }
    std::set<int> statuses;
    std::vector<Created> acknowledged;
    for (int i = 0; i < 400 && !statuses.count(503); ++i) {
      auto res = shop.post_order(order_body(), new_key());
      REQUIRE(res);
      statuses.insert(res->status);
      if (res->status == 201) acknowledged.push_back({json::parse(res->body)["order"]["id"], json::parse(res->body)["token"], {}});
      if (res->status == 503) CHECK(json_error_code(res->body) == "storage_unavailable");
    }
    CHECK(statuses.count(503) == 1);
    CHECK(statuses.count(500) == 0);
    MESSAGE(acknowledged.size() << " orders saved on the full disk before the first 503");
    fs::remove(root / "filler");
    // Nothing half-written: every order has its creation row and its key, every acknowledged one opens.
    const std::string c = counts(shop.data_dir / "jupiter.sqlite3");
    CHECK(c == std::to_string(acknowledged.size() + 1) + "/" + std::to_string(acknowledged.size() + 1) + "/" +
                   std::to_string(acknowledged.size() + 1));
    for (const Created& a : acknowledged) CHECK(shop.get(a.id, a.token)->status == 200);
    shop.create();  // recovered once there is room again
    shop.store->stop();
  }
}

TEST_CASE("SIGKILL during orders, payments and provisioning: acknowledged orders exist once, paid ones end delivered or refunded") {
  Shop shop({"--orders-per-minute", "100000"}, "delay", 1);
  std::mutex mutex;
  std::vector<Created> acknowledged;
  std::atomic<bool> done{false};
  const int port = shop.store->port();  // the same across restarts; the buyers never touch shop.store
  auto buyer = [&] {
    while (!done) {
      httplib::Client store("127.0.0.1", port);
      store.set_read_timeout(5);
      auto res = store.Post("/api/orders", {{"Idempotency-Key", new_key()}}, order_body(), "application/json");
      if (!res || res->status != 201) {
        std::this_thread::sleep_for(20ms);
        continue;
      }
      const json doc = json::parse(res->body);
      const Created c{doc["order"]["id"], doc["token"], {}};
      {
        std::lock_guard<std::mutex> lock(mutex);
        acknowledged.push_back(c);
      }
      std::this_thread::sleep_for(40ms);  // a busy shop, not a flood: every paid order must also be provisioned
      auto pay = store.Post(("/api/orders/" + c.id + "/payment").c_str(), {{"Authorization", "Bearer " + c.token}}, "",
                            "application/json");
      if (!pay || pay->status != 200) continue;
      const std::string url = json::parse(pay->body)["checkout_url"];
      shop.submit_card(url.substr(url.find("/pay/")), kCardOk);
    }
  };
  std::vector<std::thread> buyers;
  for (int i = 0; i < 3; ++i) buyers.emplace_back(buyer);
  for (int round = 0; round < 3; ++round) {
    std::this_thread::sleep_for(700ms);
    REQUIRE(shop.store->kill_now() == 128 + SIGKILL);
    shop.restart_store();
  }
  done = true;
  for (auto& t : buyers) t.join();
  REQUIRE(acknowledged.size() >= 3);

  std::set<std::string> ids;
  for (const Created& c : acknowledged) {
    CHECK(ids.insert(c.id).second);
    CHECK(sqlite_int(shop.data_dir / "jupiter.sqlite3", "SELECT count(*) FROM orders WHERE id = '" + c.id + "'") == 1);
  }
  // Every session the processor took money for ends delivered or refunded (webhooks are retried, provisioning resumes).
  json sessions = json::array();
  for (std::string after;;) {  // every page of the processor's sessions
    auto page = shop.processor_api().Get(("/v1/checkout/sessions?limit=100&starting_after=" + after).c_str());
    REQUIRE(page);
    const json doc = json::parse(page->body);
    for (const json& s : doc["data"]) sessions.push_back(s);
    if (!doc["has_more"].get<bool>() || doc["data"].empty()) break;
    after = doc["data"].back()["id"];
  }
  int paid = 0;
  for (const json& s : sessions) {
    if (s["payment_status"] != "paid") continue;
    ++paid;
    const std::string id = s["reference"];
    const auto it = std::find_if(acknowledged.begin(), acknowledged.end(), [&](const Created& c) { return c.id == id; });
    REQUIRE(it != acknowledged.end());
    const json o = shop.wait_for(*it, [](const json& j) { return j["state"] == "delivered" || j["state"] == "refunded"; }, 20s);
    CHECK_MESSAGE((o["state"] == "delivered" || o["state"] == "refunded"), o.dump());
  }
  CHECK(paid >= 1);
  MESSAGE(acknowledged.size() << " orders acknowledged, " << paid << " paid at the processor, 3 kills");
}

TEST_CASE("a refund the processor could not take yet is resumed after a SIGKILL and a restart") {
  Shop shop;
  const Created c = shop.paid_order("delivered");
  // A second payment whose webhook the processor could not deliver: the store learns of it from a signed event below.
  const json second = shop.direct_session(c.id, 1299, "USD", "http://127.0.0.1:9/nowhere");
  REQUIRE(shop.submit_card(second["url"].get<std::string>().substr(second["url"].get<std::string>().find("/pay/")), kCardOk));
  const json paid = shop.processor_session(second["id"]);
  REQUIRE(paid["payment_status"] == "paid");

  FakeProcessor fake;  // the processor's API failing (5xx) while the event comes in
  fake.set("5xx");
  const std::vector<std::string> normal = shop.store_argv;
  shop.store_argv.insert(shop.store_argv.end(), {"--processor-url", fake.url()});
  shop.store->stop();
  shop.restart_store();
  const std::string event =
      json{{"id", "evt_resume1"}, {"type", "checkout.session.completed"}, {"created", unix_now()},
           {"data", {{"session", second["id"]}, {"reference", c.id}, {"payment_intent", paid["payment_intent"]},
                     {"amount", 1299}, {"currency", "USD"},
                     {"payment_method", {{"type", "card"}, {"brand", "visa"}, {"last4", "4242"}}}}}}
          .dump();
  auto ack = shop.webhook(event, shop.sign(event, unix_now()));
  REQUIRE(ack);
  CHECK(ack->status == 200);
  const json pending = shop.wait_for(c, [](const json& o) {
    return o["support"].is_object() && !o["support"]["payments"].empty() &&
           o["support"]["payments"][0]["outcome"].is_string();
  });
  REQUIRE(pending["support"]["payments"].size() == 1);
  CHECK(pending["support"]["payments"][0]["status"] == "pending");
  CHECK(pending["support"]["payments"][0]["outcome"].get<std::string>().rfind("retrying", 0) == 0);

  REQUIRE(shop.store->kill_now() == 128 + SIGKILL);
  shop.store_argv = normal;
  shop.restart_store();
  const json done = shop.wait_for(c, [](const json& o) { return o["support"]["payments"][0]["status"] == "done"; });
  CHECK(done["support"]["payments"][0]["status"] == "done");
  CHECK(shop.processor_session(second["id"])["payment_status"] == "refunded");
  CHECK(done["state"] == "delivered");
}
