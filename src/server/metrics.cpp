// metrics.cpp: see metrics.hpp.
//
// [SECTION] HTTP requests (counted as they are answered)
// [SECTION] what the database holds (read at each scrape)
// [SECTION] the route
#include "server/metrics.hpp"

#include <httplib.h>

#include <cstdio>
#include <vector>

#include "server/admin_api.hpp"
#include "server/db.hpp"
#include "server/http_util.hpp"
#include "server/log.hpp"
#include "server/router.hpp"

namespace jupiter::server {

namespace {

std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.9g", v);
  return buf;
}

void family(std::string& out, const char* name, const char* type, const char* help) {
  out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n";
}

}  // namespace

std::string escape_label(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  for (char c : v) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] HTTP requests (counted as they are answered)
// ---------------------------------------------------------------------------------------------------------
void HttpMetrics::observe(std::string_view route, int status, double seconds) {
  std::lock_guard<std::mutex> lock(mutex_);
  ++requests_[{route, status}];
  if (seconds < 0) return;
  Histogram& h = latency_[route];
  std::size_t i = 0;
  while (i < kLatencyBuckets.size() && seconds > kLatencyBuckets[i]) ++i;
  if (i < kLatencyBuckets.size()) ++h.buckets[i];
  ++h.count;
  h.sum += seconds;
}

std::string HttpMetrics::render() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::string out;
  family(out, "jupiter_http_requests_total", "counter", "HTTP requests answered, by route pattern and status.");
  for (const auto& [key, n] : requests_)
    out += "jupiter_http_requests_total{route=\"" + escape_label(key.first) + "\",status=\"" +
           std::to_string(key.second) + "\"} " + std::to_string(n) + "\n";
  family(out, "jupiter_http_request_duration_seconds", "histogram",
         "Time from a request's first byte to its handler's end, by route pattern.");
  for (const auto& [route, h] : latency_) {
    const std::string label = "route=\"" + escape_label(route) + "\"";
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i < kLatencyBuckets.size(); ++i) {
      cumulative += h.buckets[i];
      out += "jupiter_http_request_duration_seconds_bucket{" + label + ",le=\"" + number(kLatencyBuckets[i]) +
             "\"} " + std::to_string(cumulative) + "\n";
    }
    out += "jupiter_http_request_duration_seconds_bucket{" + label + ",le=\"+Inf\"} " + std::to_string(h.count) + "\n";
    out += "jupiter_http_request_duration_seconds_sum{" + label + "} " + number(h.sum) + "\n";
    out += "jupiter_http_request_duration_seconds_count{" + label + "} " + std::to_string(h.count) + "\n";
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] what the database holds (read at each scrape)
// ---------------------------------------------------------------------------------------------------------
namespace {

// The background jobs waiting for a worker: each queue is the rows with a next attempt set.
constexpr std::array<std::pair<const char*, const char*>, 3> kQueues{{
    {"provisioning", "SELECT count(*) FROM orders WHERE next_attempt_ms IS NOT NULL AND state IN ('paid', 'provisioning')"},
    {"payment_followups", "SELECT count(*) FROM payment_followups WHERE next_attempt_ms IS NOT NULL"},
    {"partner_webhooks", "SELECT count(*) FROM partner_webhooks WHERE next_attempt_ms IS NOT NULL"},
}};

db::Result<std::string> database_families(db::Connection& c) {
  std::string out;
  family(out, "jupiter_orders", "gauge", "Orders by state.");
  DB_TRY_LET(auto states, c.query("SELECT state, count(*) FROM orders GROUP BY state ORDER BY state")
                              .all([](const db::Row& r) { return std::make_pair(r.text(0), r.int64(1)); }));
  for (const auto& [state, n] : states)
    out += "jupiter_orders{state=\"" + escape_label(state) + "\"} " + std::to_string(n) + "\n";
  family(out, "jupiter_jobs_queued", "gauge", "Background jobs waiting to run, by queue.");
  for (const auto& [queue, sql] : kQueues) {
    DB_TRY_LET(auto n, c.query_int64(sql));
    out += std::string("jupiter_jobs_queued{queue=\"") + queue + "\"} " + std::to_string(n.value_or(0)) + "\n";
  }
  return out;
}

// The connection's use, read before this scrape takes the connection itself.
std::string connection_families(const db::Database::Use& u) {
  std::string out;
  family(out, "jupiter_db_connections", "gauge", "Database connections: open (the pool's size) and in use.");
  out += "jupiter_db_connections{state=\"open\"} 1\n";
  out += std::string("jupiter_db_connections{state=\"in_use\"} ") + (u.in_use ? "1" : "0") + "\n";
  family(out, "jupiter_db_waiters", "gauge", "Threads waiting for the database connection.");
  out += "jupiter_db_waiters " + std::to_string(u.waiters) + "\n";
  family(out, "jupiter_db_acquisitions_total", "counter", "Times the database connection was taken.");
  out += "jupiter_db_acquisitions_total " + std::to_string(u.acquisitions) + "\n";
  family(out, "jupiter_db_wait_seconds_total", "counter", "Time spent waiting for the database connection.");
  out += "jupiter_db_wait_seconds_total " + number(u.wait_seconds) + "\n";
  return out;
}

}  // namespace

// ---------------------------------------------------------------------------------------------------------
// [SECTION] the route
// ---------------------------------------------------------------------------------------------------------
void add_metrics_route(Router& router, const HttpMetrics& http, db::Database& db, const AdminApi& admin) {
  router.get("/metrics", [&http, &db, &admin](const httplib::Request& req, httplib::Response& res, const RouteParams&) {
    if (!admin.authorized(req, res)) return;
    const db::Database::Use use = db.use();
    auto stored = db.with([](db::Connection& c) { return database_families(c); });
    if (!stored) {
      log::error("metrics: database read failed: " + stored.error().message);
      return send_error(res, 503, "unavailable", "the database is not available");
    }
    res.status = 200;
    res.set_header("Cache-Control", "no-store");
    res.set_content(http.render() + stored.value() + connection_families(use), "text/plain; version=0.0.4; charset=utf-8");
  });
}

}  // namespace jupiter::server
