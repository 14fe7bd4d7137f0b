// api-cluster.cpp: the scaled-out shape under load and a crash (issue 17): three jupiter-server processes on one
// PostgreSQL database behind nginx (round robin, passive health checks, retry on the next server), 200 purchases by
// 8 concurrent buyers while one server is killed with SIGKILL and restarted. Afterwards: every acknowledged order
// exists exactly once, every payment the processor took ends in an order delivered (provisioned once: one
// provisioning>delivered step, one delivery e-mail) or refunded, and no order was charged twice without a refund.
// nginx runs src/server/nginx-cluster.conf.in, as start-cluster.sh does. Prints orders/s, p50/p99 of order creation
// through nginx and the errors the buyers saw. PostgreSQL only (run by tests/pg/cluster.sh); on SQLite it says it
// was skipped.
#include <doctest/doctest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include "commerce.hpp"

using namespace jupiter::test;
using namespace std::chrono_literals;

namespace {

// A free port below the kernel's ephemeral range (32768 and up), so that the processes started after this choice
// with --port 0 cannot be given it before nginx binds it.
int free_port_outside_ephemeral_range() {
  for (int attempt = 0; attempt < 200; ++attempt) {
    const int port = 20000 + static_cast<int>(std::random_device{}() % 10000);
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    const bool free = ::bind(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0;
    ::close(fd);  // the probe must not keep the port: nginx binds it next
    if (free) return port;
  }
  FAIL("no free port in 20000-29999");
  return 0;
}

// `text` with every `name` replaced by `value`.
std::string replace_all(std::string text, const std::string& name, const std::string& value) {
  for (std::size_t at = text.find(name); at != std::string::npos; at = text.find(name, at + value.size()))
    text.replace(at, name.size(), value);
  return text;
}

// nginx in front of `ports`, listening on `port`, its files in `dir` (as user nobody when the tests run as root):
// src/server/nginx-cluster.conf.in rendered as start-cluster.sh does, so the test runs the shipped front.
std::unique_ptr<ServerProcess> start_nginx(const fs::path& dir, int port, const std::vector<int>& ports) {
  fs::create_directories(dir / "site");
  std::string upstreams;
  for (int p : ports) upstreams += "    server 127.0.0.1:" + std::to_string(p) + " max_fails=1 fail_timeout=5s;\n";
  const std::string d = dir.string();
  std::string front = replace_all(read_all(JUPITER_NGINX_CLUSTER_CONF), "@UPSTREAMS@\n", upstreams);
  front = replace_all(replace_all(replace_all(front, "@PORT@", std::to_string(port)), "@SITE@", d + "/site"), "@CACHE@",
                      d + "/cache");
  write_file(dir / "cluster.conf", front);
  write_file(dir / "nginx.conf",
             "load_module /usr/lib/nginx/modules/ngx_http_brotli_static_module.so;\n" +
                 std::string(geteuid() == 0 ? "user nobody nogroup;\n" : "") + "daemon off;\nworker_processes 1;\npid " +
                 d + "/nginx.pid;\nerror_log " + d + "/error.log warn;\nevents { worker_connections 1024; }\nhttp {\n"
                 "  access_log off;\n  client_body_temp_path " + d + "/body;\n  proxy_temp_path " + d + "/proxy;\n"
                 "  fastcgi_temp_path " + d + "/fastcgi;\n  uwsgi_temp_path " + d + "/uwsgi;\n  scgi_temp_path " + d +
                 "/scgi;\n  include " + d + "/cluster.conf;\n}\n");
  if (geteuid() == 0) REQUIRE(std::system(("chown -R nobody:nogroup " + d).c_str()) == 0);
  auto nginx = std::make_unique<ServerProcess>("/usr/sbin/nginx", std::vector<std::string>{"-e", d + "/error.log", "-c",
                                                                                        d + "/nginx.conf"});
  httplib::Client probe("127.0.0.1", port);
  probe.set_connection_timeout(1);
  for (int i = 0; i < 100; ++i) {
    if (auto r = probe.Get("/healthz"); r && r->status == 200) return nginx;
    std::this_thread::sleep_for(50ms);
  }
  FAIL("nginx did not come up: " << read_all(dir / "error.log") << nginx->output());
  return nullptr;
}

struct Purchase {
  Created order;
  double create_ms = 0;
};

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size())))];
}

}  // namespace

TEST_CASE("three servers on PostgreSQL behind nginx: 200 purchases while one is killed and restarted") {
  if (!on_postgres()) {
    MESSAGE("skipped on SQLite: the cluster runs on PostgreSQL (tests/pg/cluster.sh runs it)");
    return;
  }
  const int lb_port = free_port_outside_ephemeral_range();
  const std::string public_url = "http://127.0.0.1:" + std::to_string(lb_port);
  Shop shop({"--orders-per-minute", "100000", "--public-url", public_url, "--trust-proxy", "127.0.0.1"}, "delay", 1);
  std::vector<std::unique_ptr<ServerProcess>> others;
  std::vector<int> ports = {shop.store->port()};
  for (int i = 0; i < 2; ++i) {
    others.push_back(std::make_unique<ServerProcess>(
        ServerConfig{shop.data_dir, shop.dir / "web", fixture("catalogue.json"), shop.store_argv}));
    REQUIRE_MESSAGE(others.back()->wait_until_listening(), others.back()->output());
    ports.push_back(others.back()->port());
  }
  auto nginx = start_nginx(shop.dir / "nginx", lb_port, ports);

  constexpr int kPurchases = 200, kBuyers = 8;
  std::atomic<int> started{0}, errors{0}, replays{0};
  std::mutex mutex;
  std::vector<Purchase> acknowledged;
  std::map<std::string, int> error_kinds;
  auto buyer = [&] {
    httplib::Client lb("127.0.0.1", lb_port);
    lb.set_read_timeout(10);
    while (started++ < kPurchases) {
      const auto t0 = std::chrono::steady_clock::now();
      auto res = lb.Post("/api/orders", {{"Idempotency-Key", new_key()}}, order_body(), "application/json");
      const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
      // 200: a replay of this key. nginx sent the request again to another server after the first one died having
      // created the order (proxy_next_upstream non_idempotent), and the second answered with that same order.
      replays += res && res->status == 200;
      if (!res || (res->status != 201 && res->status != 200)) {
        std::lock_guard<std::mutex> lock(mutex);
        ++errors;
        ++error_kinds[res ? "create HTTP " + std::to_string(res->status) : "create " + httplib::to_string(res.error())];
        continue;
      }
      const json doc = json::parse(res->body);
      const Created c{doc["order"]["id"], doc["token"], {}};
      {
        std::lock_guard<std::mutex> lock(mutex);
        acknowledged.push_back({c, ms});
      }
      auto pay = lb.Post(("/api/orders/" + c.id + "/payment").c_str(), {{"Authorization", "Bearer " + c.token}}, "",
                         "application/json");
      if (!pay || pay->status != 200) {
        std::lock_guard<std::mutex> lock(mutex);
        ++errors;
        ++error_kinds[pay ? "payment HTTP " + std::to_string(pay->status) : "payment " + httplib::to_string(pay.error())];
        continue;
      }
      const std::string url = json::parse(pay->body)["checkout_url"];
      shop.submit_card(url.substr(url.find("/pay/")), kCardOk);
    }
  };
  const auto t0 = std::chrono::steady_clock::now();
  std::vector<std::thread> buyers;
  for (int i = 0; i < kBuyers; ++i) buyers.emplace_back(buyer);
  while (started < kPurchases / 3) std::this_thread::sleep_for(5ms);
  REQUIRE(others[0]->kill_now() == 128 + SIGKILL);  // server 2 dies mid-traffic
  while (started < 2 * kPurchases / 3) std::this_thread::sleep_for(5ms);
  std::vector<std::string> args = shop.store_argv;
  args.insert(args.end(), {"--port", std::to_string(ports[1])});
  others[0] = std::make_unique<ServerProcess>(ServerConfig{shop.data_dir, shop.dir / "web", fixture("catalogue.json"), args});
  REQUIRE_MESSAGE(others[0]->wait_until_listening(), others[0]->output());
  for (auto& t : buyers) t.join();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  std::vector<double> latencies;
  std::set<std::string> ids;
  for (const Purchase& p : acknowledged) {
    latencies.push_back(p.create_ms);
    CHECK(ids.insert(p.order.id).second);
  }
  const fs::path db = shop.data_dir / "jupiter.sqlite3";  // the data folder's PostgreSQL database (helpers.hpp)
  CHECK(sqlite_int(db, "SELECT count(*) FROM orders") == static_cast<std::int64_t>(acknowledged.size()));
  CHECK(sqlite_int(db, "SELECT count(DISTINCT id) FROM orders") == static_cast<std::int64_t>(acknowledged.size()));

  // Every paid session ends delivered (once) or refunded; no order keeps two payments.
  std::map<std::string, int> paid_sessions;
  for (std::string after;;) {
    auto page = shop.processor_api().Get(("/v1/checkout/sessions?limit=100&starting_after=" + after).c_str());
    REQUIRE(page);
    const json doc = json::parse(page->body);
    for (const json& s : doc["data"])
      if (s["payment_status"] == "paid") ++paid_sessions[s["reference"].get<std::string>()];
    if (!doc["has_more"].get<bool>() || doc["data"].empty()) break;
    after = doc["data"].back()["id"];
  }
  int delivered = 0, refunded = 0;
  const auto settle_by = std::chrono::steady_clock::now() + 60s;  // for all of them together
  for (const Purchase& p : acknowledged) {
    if (!paid_sessions.count(p.order.id)) continue;
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(settle_by - std::chrono::steady_clock::now());
    const json o = shop.wait_for(p.order, [](const json& j) { return j["state"] == "delivered" || j["state"] == "refunded"; },
                                 std::max(left, std::chrono::milliseconds(100)));
    CHECK_MESSAGE((o["state"] == "delivered" || o["state"] == "refunded"), o.dump());
    delivered += o["state"] == "delivered";
    refunded += o["state"] == "refunded";
    if (o["state"] == "delivered") {
      CHECK(sqlite_int(db, "SELECT count(*) FROM order_history WHERE order_id = '" + p.order.id +
                               "' AND to_state = 'delivered'") == 1);
      CHECK_FALSE(shop.wait_for_mail(p.order.id + "-delivery.eml").empty());
    }
    if (paid_sessions[p.order.id] > 1)  // a second payment for one order must have been refunded
      CHECK(sqlite_int(db, "SELECT count(*) FROM payment_followups WHERE order_id = '" + p.order.id +
                               "' AND kind = 'refund' AND outcome LIKE 'refunded%'") == paid_sessions[p.order.id] - 1);
  }
  int mails = 0;
  for (const auto& [name, mail] : shop.outbox()) mails += name.find("-delivery.eml") != std::string::npos;
  CHECK(mails == delivered);
  std::string kinds;
  for (const auto& [kind, n] : error_kinds) kinds += " " + kind + " x" + std::to_string(n);
  MESSAGE("cluster: " << acknowledged.size() << " orders acknowledged of " << kPurchases << " in " << seconds << " s ("
                      << static_cast<double>(acknowledged.size()) / seconds << " orders/s with payment), create p50 "
                      << percentile(latencies, 0.5) << " ms, p99 " << percentile(latencies, 0.99) << " ms; "
                      << paid_sessions.size() << " paid: " << delivered << " delivered, " << refunded
                      << " refunded; answered as a replay after a retry " << replays.load() << "; errors " << errors.load()
                      << kinds);
  CHECK(acknowledged.size() >= kPurchases * 9 / 10);  // nginx sends a dead server's requests to the others
  CHECK(delivered + refunded == static_cast<int>(paid_sessions.size()));
}
