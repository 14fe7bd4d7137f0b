// admin_api.cpp: see admin_api.hpp.
#include "server/admin_api.hpp"

#include <httplib.h>

#include "server/clock.hpp"
#include "server/crypto.hpp"
#include "server/http_util.hpp"
#include "server/log.hpp"
#include "server/partners.hpp"

namespace jupiter::server {

namespace {

using json = nlohmann::json;

constexpr std::int64_t kMaxReportDays = 366;

void internal(httplib::Response& res, const std::string& what) {
  log::error("admin: " + what);
  send_error(res, 500, "internal_error", "the request could not be processed");
}

void no_partner(httplib::Response& res) { send_error(res, 404, "not_found", "no such partner"); }

// The request body as a JSON value (discarded when it is not JSON).
json body_of(const httplib::Request& req) { return json::parse(req.body, nullptr, false); }

// The catalogue facts and the partner `id` (nullopt: none), or the 500 already answered.
struct Loaded {
  CatalogueFacts facts;
  std::optional<Partner> partner;
};

std::optional<Loaded> load(db::Database& db, httplib::Response& res, const std::string& id) {
  auto loaded = db.with([&](db::Connection& c) -> db::Result<Loaded> {
    DB_TRY_LET(CatalogueFacts facts, catalogue_facts(c));
    DB_TRY_LET(std::optional<Partner> partner,
               valid_partner_id(id) ? load_partner(c, id) : db::Result<std::optional<Partner>>(std::nullopt));
    return Loaded{std::move(facts), std::move(partner)};
  });
  if (!loaded) {
    internal(res, loaded.error().message);
    return std::nullopt;
  }
  return std::move(loaded).value();
}

}  // namespace

AdminApi::AdminApi(db::Database& db, std::string token) : db_(db), token_sha256_(sha256_hex(token)) {}

bool AdminApi::authorized(const httplib::Request& req, httplib::Response& res) const {
  const std::string header = req.get_header_value("Authorization");
  const bool bearer = header.rfind("Bearer ", 0) == 0;
  // Both sides hashed: the comparison takes the same time whatever the given token's length and content.
  if (bearer && header.size() > 7 && constant_time_equal(sha256_hex(header.substr(7)), token_sha256_)) return true;
  res.set_header("WWW-Authenticate", bearer ? R"(Bearer realm="jupiter-admin", error="invalid_token")"
                                            : R"(Bearer realm="jupiter-admin")");
  log::error("admin: refused " + log::printable(req.method, 16) + " " + log::printable(req.path, 120) +
             (bearer ? ": wrong token" : ": no token"));
  send_error(res, 401, "unauthorized", "this needs the admin token: Authorization: Bearer <DATA/admin-token>");
  return false;
}

void AdminApi::create(const httplib::Request& req, httplib::Response& res) {
  const auto facts = load(db_, res, "");
  if (!facts) return;
  PartnerCheck check = check_new_partner(body_of(req), facts->facts);
  if (!check.ok()) return send_json(res, 400, field_errors_body(check.errors));
  const std::string secret = new_webhook_secret();
  auto added = db_.with([&](db::Connection& c) -> db::Result<std::optional<Partner>> {
    DB_TRY_LET(const bool inserted, insert_partner(c, check.partner, secret));
    if (!inserted) return std::optional<Partner>();
    return load_partner(c, check.partner.id);
  });
  if (!added) return internal(res, added.error().message);
  if (!added.value())
    return send_error(res, 409, "partner_exists", "a partner with the id " + check.partner.id + " exists already");
  log::info("admin: created partner " + check.partner.id);
  res.set_header("Location", "/api/admin/partners/" + check.partner.id);
  send_json(res, 201, json{{"partner", partner_json(*added.value())}, {"webhook_secret", secret}}.dump());
}

void AdminApi::list(httplib::Response& res) {
  auto all = db_.with([](db::Connection& c) { return list_partners(c); });
  if (!all) return internal(res, all.error().message);
  json partners = json::array();
  for (const Partner& p : all.value()) partners.push_back(partner_json(p));
  send_json(res, 200, json{{"partners", partners}}.dump());
}

void AdminApi::get(httplib::Response& res, const std::string& id) {
  const auto loaded = load(db_, res, id);
  if (!loaded) return;
  if (!loaded->partner) return no_partner(res);
  send_json(res, 200, json{{"partner", partner_json(*loaded->partner)}}.dump());
}

void AdminApi::patch(const httplib::Request& req, httplib::Response& res, const std::string& id) {
  const auto loaded = load(db_, res, id);
  if (!loaded) return;
  if (!loaded->partner) return no_partner(res);
  PartnerCheck check = check_partner_patch(body_of(req), loaded->facts, *loaded->partner);
  if (!check.ok()) return send_json(res, 400, field_errors_body(check.errors));
  Partner& p = check.partner;
  if (check.disable && p.enabled()) p.disabled_at = rfc3339(now_ms());
  if (check.enable) p.disabled_at.clear();
  auto saved = db_.with([&](db::Connection& c) -> db::Result<std::optional<Partner>> {
    DB_TRY(update_partner(c, p));
    return load_partner(c, id);
  });
  if (!saved) return internal(res, saved.error().message);
  if (!saved.value()) return no_partner(res);
  log::info("admin: updated partner " + id + (saved.value()->enabled() ? "" : " (disabled)"));
  send_json(res, 200, json{{"partner", partner_json(*saved.value())}}.dump());
}

void AdminApi::report(const httplib::Request& req, httplib::Response& res, const std::string& id) {
  const std::string from = req.get_param_value("from"), to = req.get_param_value("to");
  const std::string format = req.get_param_value("format");
  const auto first = parse_day(from), last = parse_day(to);
  if (!first || !last)
    return send_error(res, 400, "invalid_date", "from and to must be dates like 2025-01-31 (UTC, inclusive)");
  if (*first > *last) return send_error(res, 400, "invalid_range", "from must not be after to");
  if (*last - *first + 1 > kMaxReportDays)
    return send_error(res, 400, "invalid_range", "a report covers at most " + std::to_string(kMaxReportDays) + " days");
  if (!format.empty() && format != "json" && format != "csv")
    return send_error(res, 400, "invalid_format", "format must be json or csv");
  const auto loaded = load(db_, res, id);
  if (!loaded) return;
  if (!loaded->partner) return no_partner(res);
  const Partner& p = *loaded->partner;
  auto r = db_.with([&](db::Connection& c) { return partner_report(c, p, from, to); });
  if (!r) return internal(res, r.error().message);
  if (format != "csv") return send_json(res, 200, report_json(p, from, to, r.value()).dump());
  res.status = 200;
  res.set_header("Cache-Control", "no-store");
  res.set_header("Content-Disposition", "attachment; filename=\"partner-" + p.id + "-" + from + "-" + to + ".csv\"");
  res.set_content(report_csv(p, r.value()), "text/csv; charset=utf-8");
}

void AdminApi::add_routes(Router& router) {
  auto guarded = [this](auto handler) {
    return [this, handler](const httplib::Request& req, httplib::Response& res, const RouteParams& p) {
      if (authorized(req, res)) handler(req, res, std::string(p.get("id")));
    };
  };
  router.post("/api/admin/partners", guarded([this](const httplib::Request& req, httplib::Response& res,
                                                    const std::string&) { create(req, res); }));
  router.get("/api/admin/partners", guarded([this](const httplib::Request&, httplib::Response& res,
                                                   const std::string&) { list(res); }));
  router.get("/api/admin/partners/:id", guarded([this](const httplib::Request&, httplib::Response& res,
                                                       const std::string& id) { get(res, id); }));
  router.add(Method::Patch, "/api/admin/partners/:id",
             guarded([this](const httplib::Request& req, httplib::Response& res, const std::string& id) {
               patch(req, res, id);
             }));
  router.get("/api/admin/partners/:id/report",
             guarded([this](const httplib::Request& req, httplib::Response& res, const std::string& id) {
               report(req, res, id);
             }));
}

}  // namespace jupiter::server
