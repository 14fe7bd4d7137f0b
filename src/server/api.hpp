// api.hpp: the JSON API and health check.
//
//   GET /api/catalogue   the catalogue (canonical JSON from the database, served_catalogue.hpp), ETag / 304, gzip or
//                        brotli
//   GET /healthz         {"status":"ok"} when the database answers, 503 otherwise
//
// Unknown /api/... paths are 404 and wrong methods 405 (see Router); every error is JSON (see http_util.hpp).
#pragma once
#include <string>

#include "server/db.hpp"
#include "server/served_catalogue.hpp"
#include "server/router.hpp"

namespace jupiter::server {

// What the API handlers share. Outlives the HTTP server; immutable after startup except through its members.
struct ApiState {
  db::Database* db = nullptr;
  const ServedCatalogue* catalogue = nullptr;
  std::string client_key;  // HMACs client addresses for the rate limits kept in the database
};

void add_api_routes(Router& router, const ApiState& state);

}  // namespace jupiter::server
