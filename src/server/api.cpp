// api.cpp: see api.hpp.
#include "server/api.hpp"

#include <httplib.h>

#include "server/consent_api.hpp"
#include "server/http_util.hpp"
#include "server/log.hpp"

namespace jupiter::server {

namespace {

void get_catalogue(const ApiState& state, const httplib::Request& req, httplib::Response& res) {
  const std::shared_ptr<const EncodedBody> body = state.catalogue->body();
  send_encoded(req, res, *body, kJsonType, "no-cache");
}

void get_health(const ApiState& state, httplib::Response& res) {
  auto version = state.db->with(
      [](db::Connection& c) { return c.query_int64("SELECT max(version) FROM schema_migrations"); });
  if (!version || !version.value()) {
    const std::string why = version ? "no schema" : version.error().message;
    log::error("healthz: database check failed: " + why);
    return send_error(res, 503, "unavailable", "the database is not available");
  }
  send_json(res, 200, R"({"status":"ok"})");
}

}  // namespace

void add_api_routes(Router& router, const ApiState& state) {
  router.own_prefix("/api/");
  router.get("/api/catalogue", [&state](const httplib::Request& req, httplib::Response& res, const RouteParams&) {
    get_catalogue(state, req, res);
  });
  router.get("/healthz", [&state](const httplib::Request&, httplib::Response& res, const RouteParams&) {
    get_health(state, res);
  });
  add_consent_routes(router, *state.db, state.client_key);
}

}  // namespace jupiter::server
