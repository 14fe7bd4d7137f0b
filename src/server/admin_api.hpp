// admin_api.hpp: the partner admin API. Every route needs `Authorization: Bearer <token>` with the token in
// DATA/admin-token (created once, mode 0600); without it: 401 with WWW-Authenticate: Bearer, and nothing changes.
//
//   POST  /api/admin/partners              create: 201 {"partner":PARTNER,"webhook_secret":"whsec_..."} (the secret
//                                          is shown this once); 409 partner_exists; 400 invalid_partner + fields
//   GET   /api/admin/partners              {"partners":[PARTNER...]} by id
//   GET   /api/admin/partners/:id          {"partner":PARTNER}; 404 not_found
//   PATCH /api/admin/partners/:id          partial update ({"disabled":true} disables, false enables again)
//   GET   /api/admin/partners/:id/report?from=YYYY-MM-DD&to=YYYY-MM-DD[&format=csv]
//                                          attributed orders that reached paid (partners.hpp); 400 invalid_date /
//                                          invalid_range (from > to, or more than 366 days), invalid_format
// PARTNER is partner_json() in partners.hpp. Errors have the project's JSON error shape; the token is compared in
// constant time; log lines name partner ids only (never the contact).
#pragma once
#include <string>

#include "server/db.hpp"
#include "server/router.hpp"

namespace jupiter::server {

class AdminApi {
 public:
  AdminApi(db::Database& db, std::string token);
  void add_routes(Router& router);
  // True when the request carries the admin token; otherwise false with the 401 answered (also used by
  // reconciliation.hpp's route).
  bool authorized(const httplib::Request& req, httplib::Response& res) const;

 private:
  void create(const httplib::Request& req, httplib::Response& res);
  void list(httplib::Response& res);
  void get(httplib::Response& res, const std::string& id);
  void patch(const httplib::Request& req, httplib::Response& res, const std::string& id);
  void report(const httplib::Request& req, httplib::Response& res, const std::string& id);

  db::Database& db_;
  std::string token_sha256_;
};

}  // namespace jupiter::server
