// topups.cpp: see topups.hpp.
//
// [SECTION] the eSIM order and the catalogue's plans
// [SECTION] the top-up request body
// [SECTION] handlers and routes
#include "server/topups.hpp"

#include <httplib.h>

#include <algorithm>
#include <optional>
#include <vector>

#include "core/catalogue.hpp"
#include "core/i18n.hpp"
#include "core/money.hpp"
#include "core/order_rules.hpp"
#include "core/policy.hpp"
#include "server/clock.hpp"
#include "server/crypto.hpp"
#include "server/http_util.hpp"
#include "server/json_body.hpp"
#include "server/log.hpp"

namespace jupiter::server {

namespace {

using json = nlohmann::json;

constexpr int kPartnerRetryAfterS = 30;
constexpr std::size_t kMaxTopupBody = 4 * 1024;

void internal(httplib::Response& res, const std::string& why) {
  log::error("topups: " + why);
  send_error(res, 500, "internal", "something went wrong on our side; nothing was changed");
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] the eSIM order and the catalogue's plans
// ---------------------------------------------------------------------------------------------------------
// What the routes need of an order besides its ORDER: the partner's profile id is not in ORDER.
struct EsimOrder {
  std::string state, profile, topup_of, plan_id, iccid;
  bool is_esim() const { return state == "delivered" && !profile.empty() && topup_of.empty() && !iccid.empty(); }
};

db::Result<std::optional<EsimOrder>> esim_order(db::Connection& c, const std::string& id) {
  return c.query("SELECT state, coalesce(partner_profile, ''), coalesce(topup_of, ''), plan_id, coalesce(iccid, '') "
                 "FROM orders WHERE id = ?", id)
      .one([](const db::Row& r) { return EsimOrder{r.text(0), r.text(1), r.text(2), r.text(3), r.text(4)}; });
}

// A catalogue plan's top-up facts; retired plans too (an eSIM's own plan may have been retired since).
struct PlanFacts {
  bool active = false;
  bool topup = false;
  std::vector<std::string> coverage;  // sorted
};

db::Result<std::optional<PlanFacts>> plan_facts(db::Connection& c, const std::string& id) {
  DB_TRY_LET(std::optional<PlanFacts> p,
             c.query("SELECT retired, features FROM plans WHERE id = ?", id).one([](const db::Row& r) {
               return PlanFacts{r.int64(0) == 0, (r.int64(1) & kFeatureTopUp) != 0, {}};
             }));
  if (!p) return p;
  DB_TRY_LET(p->coverage, c.query("SELECT country FROM plan_coverage WHERE plan_id = ? ORDER BY country", id)
                              .all([](const db::Row& r) { return r.text(0); }));
  return p;
}

std::vector<std::string> sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}

// Why order `o` takes no top-up now (409 esim_not_active / plan_has_no_topup), or nullopt.
db::Result<std::optional<OrderRefusal>> esim_refusal(db::Connection& c, const std::optional<EsimOrder>& o) {
  if (!o || !o->is_esim())
    return std::optional<OrderRefusal>(OrderRefusal{409, "esim_not_active", "this order is not an active eSIM"});
  DB_TRY_LET(const std::optional<PlanFacts> own, plan_facts(c, o->plan_id));
  if (!own || !own->topup)
    return std::optional<OrderRefusal>(OrderRefusal{409, "plan_has_no_topup", "this eSIM's plan cannot be topped up"});
  return std::optional<OrderRefusal>();
}

// The active plans with the "topup" feature whose coverage set is `coverage`, in catalogue order.
db::Result<std::vector<std::string>> compatible_plans(db::Connection& c, const std::vector<std::string>& coverage) {
  DB_TRY_LET(const std::vector<std::string> ids,
             c.query("SELECT id FROM plans WHERE retired = 0 ORDER BY position").all([](const db::Row& r) {
               return r.text(0);
             }));
  std::vector<std::string> out;
  for (const std::string& id : ids) {
    DB_TRY_LET(const std::optional<PlanFacts> p, plan_facts(c, id));
    if (p && p->topup && p->coverage == coverage) out.push_back(id);
  }
  return out;
}

// Inside the creating transaction: the eSIM still takes top-ups, and `plan` is one that fits it.
db::Result<std::optional<OrderRefusal>> topup_refusal(db::Connection& c, const std::string& parent,
                                                      const std::vector<std::string>& coverage,
                                                      const std::string& plan) {
  DB_TRY_LET(const std::optional<EsimOrder> o, esim_order(c, parent));
  DB_TRY_LET(std::optional<OrderRefusal> refused, esim_refusal(c, o));
  if (refused) return refused;
  DB_TRY_LET(const std::optional<PlanFacts> p, plan_facts(c, plan));
  if (!p || !p->active) return std::optional<OrderRefusal>(OrderRefusal{404, "unknown_plan", "no such plan"});
  if (!p->topup || p->coverage != coverage)
    return std::optional<OrderRefusal>(
        OrderRefusal{422, "plan_not_compatible", "this plan cannot top up this eSIM (no top-up or other coverage)"});
  return std::optional<OrderRefusal>();
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] the top-up request body
// ---------------------------------------------------------------------------------------------------------
struct TopupBody {
  std::string plan, terms_version, locale;
  Currency currency = Currency::Unknown;
};

bool plan_id_chars(const std::string& s) {
  return !s.empty() && s.size() <= 64 && std::all_of(s.begin(), s.end(), [](char ch) {
    return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-';
  });
}

// The body's four strings, or nullopt with the 400/404/413/422 answered. Nothing else may be in it.
std::optional<TopupBody> read_body(const httplib::Request& req, httplib::Response& res) {
  const std::optional<json> body = json_object_body(req, res, kMaxTopupBody);
  if (!body) return std::nullopt;
  static const char* const kFields[] = {"plan", "currency", "terms_version", "locale"};
  for (const auto& [name, value] : body->items()) {
    if (std::find(std::begin(kFields), std::end(kFields), name) == std::end(kFields))
      return send_error(res, 400, "invalid_field", "unknown field (the body has plan, currency, terms_version, locale)"),
             std::nullopt;
    if (!value.is_string() || value.get_ref<const std::string&>().size() > 64)
      return send_error(res, 400, "invalid_json", name + " must be a string of at most 64 bytes"), std::nullopt;
  }
  for (const char* name : kFields)
    if (!body->contains(name)) return send_error(res, 400, "missing_field", std::string(name) + " is required"), std::nullopt;
  TopupBody b{(*body)["plan"], (*body)["terms_version"], (*body)["locale"], Currency::Unknown};
  const auto currency = parse_currency((*body)["currency"].get<std::string>());
  if (!plan_id_chars(b.plan)) return send_error(res, 404, "unknown_plan", "no such plan"), std::nullopt;
  if (!currency) return send_error(res, 422, "unknown_currency", "the currency must be USD, EUR or GBP"), std::nullopt;
  if (b.terms_version != kTermsVersion)
    return send_error(res, 400, "terms_required", "the Terms of Sale v" + std::string(kTermsVersion) + " must be accepted"),
           std::nullopt;
  if (!language_from_code(b.locale)) return send_error(res, 400, "invalid_locale", "locale is en, es, fr or de"), std::nullopt;
  b.currency = *currency;
  return b;
}

// USAGE of the contract from the partner's answer; the ICCID's last 4 from the order (validated at delivery).
json usage_json(const EsimUsage& u, const std::string& iccid, std::int64_t now) {
  const bool unlimited = u.data_total_mb == 0;
  return {{"iccid_last4", iccid.substr(iccid.size() - 4)},
          {"installed", u.installed_at > 0},
          {"data_total_mb", u.data_total_mb},
          {"data_used_mb", u.data_used_mb},
          {"data_left_mb", unlimited ? json(nullptr) : json(std::max<std::int64_t>(0, u.data_total_mb - u.data_used_mb))},
          {"valid_until", u.valid_until > 0 ? json(u.valid_until) : json(nullptr)},
          {"read_at", now}};
}

}  // namespace

// ---------------------------------------------------------------------------------------------------------
// [SECTION] handlers and routes
// ---------------------------------------------------------------------------------------------------------
Topups::Topups(db::Database& db, EsimPartner& partner, Orders& orders) : db_(db), partner_(partner), orders_(orders) {}

void Topups::usage(const httplib::Request& req, httplib::Response& res, const std::string& id) {
  if (!orders_.open_order(req, res, id)) return;
  auto o = db_.with([&](db::Connection& c) { return esim_order(c, id); });
  if (!o) return internal(res, o.error().message);
  if (!o.value() || !o.value()->is_esim())
    return send_error(res, 409, "not_delivered", "usage is shown for a delivered eSIM only");
  const Remote<EsimUsage> u = partner_.usage(o.value()->profile);
  if (!u.ok()) {
    log::error("topups: usage of " + id + ": " + u.error);
    res.set_header("Retry-After", std::to_string(kPartnerRetryAfterS));
    return send_error(res, 502, "partner_unavailable", "the eSIM partner cannot be reached; try again later");
  }
  send_json(res, 200, usage_json(*u.value, o.value()->iccid, now_s()).dump());
}

void Topups::plans(const httplib::Request& req, httplib::Response& res, const std::string& id) {
  const std::optional<json> order = orders_.open_order(req, res, id);
  if (!order) return;
  const std::optional<Order> typed = typed_order(*order);
  if (!typed) return internal(res, "order " + id + " does not decode");
  auto out = db_.with([&](db::Connection& c) -> db::Result<std::pair<std::optional<OrderRefusal>, json>> {
    DB_TRY_LET(const std::optional<EsimOrder> o, esim_order(c, id));
    DB_TRY_LET(std::optional<OrderRefusal> refused, esim_refusal(c, o));
    if (refused) return std::make_pair(std::move(refused), json());
    DB_TRY_LET(const std::vector<std::string> ids, compatible_plans(c, sorted(typed->plan.coverage)));
    return std::make_pair(std::optional<OrderRefusal>(), json{{"plans", ids}});
  });
  if (!out) return internal(res, out.error().message);
  if (const auto& refused = out.value().first) return send_error(res, refused->status, refused->code, refused->message);
  send_json(res, 200, out.value().second.dump());
}

void Topups::create(const httplib::Request& req, httplib::Response& res, const std::string& id) {
  const std::string key = req.get_header_value("Idempotency-Key");
  if (!valid_idempotency_key(key))
    return send_error(res, 400, "invalid_idempotency_key",
                      "an Idempotency-Key header of 16 to 64 characters of [A-Za-z0-9_-] is required");
  const std::optional<TopupBody> body = read_body(req, res);
  if (!body) return;
  const std::optional<json> order = orders_.open_order(req, res, id);
  if (!order) return;
  const std::optional<Order> parent = typed_order(*order);
  if (!parent) return internal(res, "order " + id + " does not decode");
  if (parent->customer.email.empty())
    return send_error(res, 409, "esim_not_active", "the personal data of this order was erased");
  OrderRequest r;  // the eSIM order's contact details: the top-up is theirs
  r.plan = body->plan;
  r.currency = body->currency;
  r.email = parent->customer.email;
  r.name = parent->customer.name;
  r.phone = parent->customer.phone;
  r.adult = true;
  r.terms_version = body->terms_version;
  r.language = body->locale;
  const std::vector<std::string> coverage = sorted(parent->plan.coverage);
  OrderPlacement p{r, key, sha256_hex("topup\n" + id + "\n" + canonical_order_request(r)), id, "", {}};
  p.check = [&id, &coverage, plan = body->plan](db::Connection& c) { return topup_refusal(c, id, coverage, plan); };
  orders_.place(req, res, p);
}

void Topups::add_routes(Router& router) {
  router.get("/api/orders/:id/usage", [this](const httplib::Request& req, httplib::Response& res,
                                             const RouteParams& p) { usage(req, res, std::string(p.get("id"))); });
  router.get("/api/orders/:id/topups", [this](const httplib::Request& req, httplib::Response& res,
                                              const RouteParams& p) { plans(req, res, std::string(p.get("id"))); });
  router.post("/api/orders/:id/topups", [this](const httplib::Request& req, httplib::Response& res,
                                               const RouteParams& p) { create(req, res, std::string(p.get("id"))); });
}

}  // namespace jupiter::server
