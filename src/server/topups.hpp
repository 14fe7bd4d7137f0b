// topups.hpp: an eSIM's usage and its top-ups on the server (issue 15; the contract: README "Usage and top-ups").
//
//   GET  /api/orders/:id/usage    a delivered eSIM order: 200 {"iccid_last4", "installed", "data_total_mb" (0 =
//                                 unlimited), "data_used_mb", "data_left_mb"|null, "valid_until"|null, "read_at"}
//                                 as the partner reports it now; 409 not_delivered (not a delivered eSIM, or a
//                                 top-up order itself); 502 partner_unavailable + Retry-After
//   GET  /api/orders/:id/topups   200 {"plans": [plan id...]}: the active catalogue plans with the "topup" feature and
//                                 the same coverage set as the eSIM's plan (as sold), in catalogue order; 409
//                                 esim_not_active (not delivered: refunded, cancelled, a top-up order) or
//                                 plan_has_no_topup (the eSIM's own plan has no "topup" feature)
//   POST /api/orders/:id/topups   Idempotency-Key; {"plan", "currency", "terms_version", "locale"} and nothing else:
//                                 201 {"order": ORDER, "token"} (200 for a replay), ORDER.topup_of = :id; the same
//                                 order path as POST /api/orders (Orders::place: rate limit, price from the catalogue,
//                                 idempotency, token). 404 unknown_plan, 422 plan_not_compatible, 409 esim_not_active,
//                                 400 invalid_json / invalid_field / terms_required / invalid_locale, 422
//                                 unknown_currency, 409 idempotency_key_reused.
// Every route opens the order with its own token (Bearer), exactly like GET /api/orders/:id: 404 otherwise.
// The top-up order belongs to the eSIM's order: its e-mail, name and phone are the parent's, never sent again.
// Once paid, provisioning (provisioning.hpp) adds the plan's data and days to the parent's partner profile.
#pragma once
#include <string>

#include "server/db.hpp"
#include "server/esim_partner.hpp"
#include "server/orders.hpp"
#include "server/router.hpp"

namespace jupiter::server {

class Topups {
 public:
  Topups(db::Database& db, EsimPartner& partner, Orders& orders);
  void add_routes(Router& router);

 private:
  void usage(const httplib::Request& req, httplib::Response& res, const std::string& id);
  void plans(const httplib::Request& req, httplib::Response& res, const std::string& id);
  void create(const httplib::Request& req, httplib::Response& res, const std::string& id);

  db::Database& db_;
  EsimPartner& partner_;
  Orders& orders_;
};

}  // namespace jupiter::server
