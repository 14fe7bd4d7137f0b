// metrics.hpp: the server's metrics in the Prometheus text format (version 0.0.4), served at GET /metrics to a
// scraper holding the admin token (issue 17): HTTP requests by route and status and their latency, orders by state,
// background job queue depth, and the use of the database connection. No personal data: labels are route
// patterns, status codes, order states and queue names.
#pragma once
#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>

#include "server/httplib_fwd.hpp"

namespace jupiter::db {
class Database;
}

namespace jupiter::server {

class AdminApi;
class Router;

// Upper bounds (seconds) of the request latency histogram's buckets; +Inf follows.
inline constexpr std::array<double, 11> kLatencyBuckets{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                       0.1,   0.25,   0.5,   1.0,  2.5};

// Counts of answered requests, fed by the HTTP front (thread-safe).
class HttpMetrics {
 public:
  // One answered request. `route` is a Router::Match::route label ("-" when the request was refused before it
  // was routed: malformed, timed out), which must outlive this object; `seconds` its time from first byte to
  // handler end (< 0: not known).
  void observe(std::string_view route, int status, double seconds);
  // The jupiter_http_requests_total counter and jupiter_http_request_duration_seconds histogram families.
  std::string render() const;

 private:
  struct Histogram {
    std::array<std::uint64_t, kLatencyBuckets.size()> buckets{};  // not cumulative here
    std::uint64_t count = 0;
    double sum = 0;
  };
  mutable std::mutex mutex_;
  // Keyed by the route labels themselves: they point into the router or are literals, and live as long as the
  // server, so counting a request allocates nothing.
  std::map<std::pair<std::string_view, int>, std::uint64_t> requests_;
  std::map<std::string_view, Histogram> latency_;
};

// A label value with \, " and newline escaped as the text format wants.
std::string escape_label(std::string_view v);

// GET /metrics: 401 without the admin token; else HTTP metrics, then what the database holds (orders by state, job
// queues) and the database connection's use; 503 when the database does not answer.
void add_metrics_route(Router& router, const HttpMetrics& http, db::Database& db, const AdminApi& admin);

}  // namespace jupiter::server
