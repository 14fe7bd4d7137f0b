// api-metrics.cpp: GET /metrics (issue 17) over real HTTP: the admin token, the Prometheus text format (every line
// a comment or a sample of a declared family, histograms cumulative with +Inf equal to _count), requests counted
// by route pattern (not by path: no order id in a label), orders by state as the database holds them, and no
// personal data in the text.
#include <doctest/doctest.h>
#include <httplib.h>

#include <cstring>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "commerce.hpp"

using namespace jupiter::test;

namespace {

std::string token_of(const fs::path& data_dir) {
  std::ifstream in(data_dir / "admin-token");
  std::string token;
  std::getline(in, token);
  REQUIRE(token.size() >= 16);
  return token;
}

httplib::Result scrape(const ServerProcess& server, const std::string& token) {
  httplib::Headers h;
  if (!token.empty()) h.emplace("Authorization", "Bearer " + token);
  return server.client().Get("/metrics", h);
}

// The samples of an exposition, "name{labels}" -> value, after checking every line's form: a # HELP / # TYPE
// comment, or a sample whose family was declared by a # TYPE line before it.
std::map<std::string, double> parse_exposition(const std::string& text) {
  static const std::regex sample(R"(^([a-z_]+)(\{[^}]*\})? (-?[0-9]+(\.[0-9]+)?(e[-+]?[0-9]+)?)$)");
  static const std::regex comment(R"(^# (HELP|TYPE) ([a-z_]+) .+$)");
  std::map<std::string, double> out;
  std::set<std::string> declared;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    CAPTURE(line);
    std::smatch m;
    if (std::regex_match(line, m, comment)) {
      if (m[1] == "TYPE") declared.insert(m[2]);
      continue;
    }
    REQUIRE(std::regex_match(line, m, sample));
    std::string family = m[1];
    for (const char* suffix : {"_bucket", "_sum", "_count"})
      if (family.size() > std::strlen(suffix) && family.compare(family.size() - std::strlen(suffix), std::string::npos, suffix) == 0 &&
          declared.count(family.substr(0, family.size() - std::strlen(suffix))))
        family.resize(family.size() - std::strlen(suffix));
    CHECK(declared.count(family) == 1);
    out[std::string(m[1]) + std::string(m[2])] = std::stod(m[3]);
  }
  return out;
}

double value(const std::map<std::string, double>& s, const std::string& key) {
  const auto it = s.find(key);
  return it == s.end() ? 0.0 : it->second;
}

}  // namespace

TEST_CASE("GET /metrics: 401 without the admin token or with a wrong one") {
  Store store;
  for (const std::string& token : {std::string(), std::string("not-the-token-0123456789")}) {
    auto res = scrape(*store.server, token);
    REQUIRE(res);
    CHECK(res->status == 401);
    CHECK(res->body.find("jupiter_") == std::string::npos);
  }
}

TEST_CASE("GET /metrics: requests by route and status, a cumulative latency histogram, db connection use") {
  Store store;
  const std::string token = token_of(store.data_dir);
  auto c = store.server->client();
  for (int i = 0; i < 3; ++i) REQUIRE(c.Get("/api/catalogue")->status == 200);
  REQUIRE(c.Get("/api/orders/ord_doesnotexist00000000")->status != 200);  // a pattern, never this id
  REQUIRE(c.Get("/api/no-such-route")->status == 404);
  auto res = scrape(*store.server, token);
  REQUIRE(res);
  REQUIRE(res->status == 200);
  CHECK(res->get_header_value("Content-Type") == "text/plain; version=0.0.4; charset=utf-8");
  CHECK(res->get_header_value("Cache-Control") == "no-store");
  CHECK(res->body.find("ord_doesnotexist") == std::string::npos);
  const auto s = parse_exposition(res->body);
  CHECK(value(s, R"(jupiter_http_requests_total{route="/api/catalogue",status="200"})") == 3);
  CHECK(value(s, R"(jupiter_http_requests_total{route="unrouted",status="404"})") >= 1);
  const std::string l = R"(route="/api/catalogue")";
  double previous = 0;
  for (const char* le : {"0.001", "0.0025", "0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5"}) {
    const double b = value(s, "jupiter_http_request_duration_seconds_bucket{" + l + ",le=\"" + le + "\"}");
    CHECK(b >= previous);
    previous = b;
  }
  CHECK(value(s, "jupiter_http_request_duration_seconds_bucket{" + l + ",le=\"+Inf\"}") == 3);
  CHECK(value(s, "jupiter_http_request_duration_seconds_count{" + l + "}") == 3);
  CHECK(value(s, "jupiter_http_request_duration_seconds_sum{" + l + "}") > 0);
  CHECK(value(s, R"(jupiter_db_connections{state="open"})") == 1);
  CHECK(value(s, R"(jupiter_db_connections{state="in_use"})") == 0);  // read before the scrape took it
  CHECK(value(s, "jupiter_db_acquisitions_total") >= 1);
  for (const char* q : {"provisioning", "payment_followups", "partner_webhooks"})
    CHECK(s.count(std::string("jupiter_jobs_queued{queue=\"") + q + "\"}") == 1);

  // The next scrape counts the first one, under its own route.
  const auto again = parse_exposition(scrape(*store.server, token)->body);
  CHECK(value(again, R"(jupiter_http_requests_total{route="/metrics",status="200"})") >= 1);
}

TEST_CASE("GET /metrics: orders by state are what the database holds, and no personal data is in the text") {
  Shop shop;
  const std::string token = token_of(shop.data_dir);
  shop.create(order_body("jp-5gb-30d", "USD", {{"email", "metrics.person@example.com"}, {"name", "Mia Metric"}}));
  shop.create();
  auto res = scrape(*shop.store, token);
  REQUIRE(res);
  REQUIRE(res->status == 200);
  const auto s = parse_exposition(res->body);
  CHECK(value(s, R"(jupiter_orders{state="pending_payment"})") == 2);
  CHECK(value(s, R"(jupiter_http_requests_total{route="/api/orders",status="201"})") == 2);
  for (const char* personal : {"metrics.person", "example.com", "Mia", "ord_"}) {
    CAPTURE(personal);
    CHECK(res->body.find(personal) == std::string::npos);
  }
}
