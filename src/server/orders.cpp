// orders.cpp: see orders.hpp.
//
// [SECTION] database: transitions, loading an ORDER
// [SECTION] authorization and limits
// [SECTION] handlers
// [SECTION] routes
#include "server/orders.hpp"

#include <httplib.h>

#include <sqlite3.h>

#include <algorithm>

#include "core/order_codec.hpp"
#include "core/order_rules.hpp"
#include "server/clock.hpp"
#include "server/consent_store.hpp"
#include "server/core_json.hpp"
#include "server/crypto.hpp"
#include "server/http_util.hpp"
#include "server/json_body.hpp"
#include "server/log.hpp"
#include "server/partners.hpp"
#include "server/payment_events.hpp"
#include "server/rate_counts.hpp"
#include "server/receipt_page.hpp"
#include "server/webhooks.hpp"

namespace jupiter::server {

namespace {

using json = nlohmann::json;

// ---------------------------------------------------------------------------------------------------------
// [SECTION] database: transitions, loading an ORDER
// ---------------------------------------------------------------------------------------------------------
db::Error state_error(const std::string& what) { return db::Error{1, what}; }

json text_or_null(const db::Row& r, int column) { return r.is_null(column) ? json(nullptr) : json(r.text(column)); }

// The plan as sold and its price, from the active catalogue; nullopt when the plan is unknown or retired.
struct PricedPlan {
  json plan;
  std::int64_t amount = 0;
  bool sold_in_currency = false;
};

db::Result<std::optional<PricedPlan>> find_plan(db::Connection& c, const std::string& id, Currency currency) {
  DB_TRY_LET(std::optional<OrderPlan> plan,
             c.query("SELECT name, scope, unlimited, data_mb, validity_days, validity_start FROM plans "
                     "WHERE id = ? AND retired = 0", id)
                 .one([&id](const db::Row& r) {
                   return OrderPlan{id,
                                    r.text(0),
                                    parse_scope(r.text(1)).value_or(Scope::Unknown),
                                    {},
                                    r.boolean(2) ? 0 : r.int64(3),
                                    static_cast<int>(r.int64(4)),
                                    parse_validity_start(r.text(5)).value_or(ValidityStart::Unknown)};
                 }));
  if (!plan) return std::optional<PricedPlan>();
  DB_TRY_LET(std::vector<std::string> coverage,
             c.query("SELECT country FROM plan_coverage WHERE plan_id = ? ORDER BY country", id)
                 .all([](const db::Row& r) { return r.text(0); }));
  DB_TRY_LET(const std::optional<std::int64_t> price,
             c.query("SELECT amount_minor FROM plan_prices WHERE plan_id = ? AND currency = ?", id,
                     currency_code(currency))
                 .one([](const db::Row& r) { return r.int64(0); }));
  plan->coverage = std::move(coverage);
  PricedPlan p;
  p.plan = from_core(order_plan_json(*plan));  // the plan as sold, kept as the order's plan_json
  p.sold_in_currency = price.has_value();
  p.amount = price.value_or(0);
  return std::optional<PricedPlan>(std::move(p));
}

// ORDER.esim from load_order's row (columns 19-24 the profile, 26 installed_ms, 27 details_expire_ms): null before
// delivery; once the profile was installed, "installed_at"; past details_expire_ms (or once the details were
// cleared), only the ICCID and when it was installed: the activation code and matching ID are no longer given out.
json esim_json(const db::Row& s) {
  if (s.is_null(19)) return nullptr;
  const bool installed = !s.is_null(26);
  const json installed_at = installed ? json(rfc3339(s.int64(26))) : json(nullptr);
  const bool expired = s.is_null(24) || (!s.is_null(27) && now_ms() >= s.int64(27));
  if (expired && !installed) return nullptr;
  if (expired) return {{"iccid", s.text(19)}, {"installed_at", installed_at}, {"details_expired", true}};
  return {{"iccid", s.text(19)},
          {"smdp", s.text(20)},
          {"matching_id", s.text(21)},
          {"confirmation_code", text_or_null(s, 22)},
          {"confirmation_required", s.int64(23) != 0},
          {"activation_code", s.text(24)},
          {"installed_at", installed_at}};
}

}  // namespace

db::Status transition(db::Connection& c, const std::string& id, OrderState from, OrderState to,
                      const std::string& reason, const std::string& extra_sql,
                      const std::vector<std::string>& extra_args) {
  if (!transition_allowed(from, to))
    return state_error("transition " + std::string(order_state_name(from)) + " -> " +
                       std::string(order_state_name(to)) + " is not allowed");
  const std::string at = rfc3339(now_ms());
  DB_TRY_LET(db::Statement s, c.prepare("UPDATE orders SET state = ?, updated_at = ?" +
                                        (extra_sql.empty() ? "" : ", " + extra_sql) + " WHERE id = ? AND state = ?"));
  s.bind(1, order_state_name(to));
  s.bind(2, at);
  int i = 2;
  for (const std::string& a : extra_args) s.bind(++i, a);
  s.bind(i + 1, id);
  s.bind(i + 2, order_state_name(from));
  DB_TRY(s.run());
  if (c.changes() != 1) return state_error("order " + id + " is not " + std::string(order_state_name(from)));
  return c.exec("INSERT INTO order_history(order_id, seq, at, from_state, to_state, reason) "
                "VALUES (?, (SELECT count(*) FROM order_history WHERE order_id = ?), ?, ?, ?, ?)",
                id, id, at, order_state_name(from), order_state_name(to), reason);
}

namespace {

// ORDER from load_order's row (without support and history, which come from other tables).
json order_json(const std::string& id, const db::Row& r) {
  json plan = json::parse(r.text(3), nullptr, false);
  return {
      {"id", id},
      {"state", r.text(0)},
      {"created_at", r.text(1)},
      {"updated_at", r.text(2)},
      {"plan", plan.is_object() ? plan : json::object()},
      {"price", from_core(price_json(Money{r.int64(4), parse_currency(r.text(5)).value_or(Currency::Unknown)}))},
      {"customer", {{"email", r.text(6)}, {"name", r.text(7)}, {"phone", r.text(8)}}},
      {"marketing", r.boolean(9)},
      {"payment",
       {{"status", r.text(10)},
        {"decline_reason", text_or_null(r, 11)},
        {"method", text_or_null(r, 12)},
        {"brand", text_or_null(r, 13)},
        {"last4", text_or_null(r, 14)},
        {"transaction", text_or_null(r, 15)}}},
      {"delivery", {{"status", r.text(16)}, {"attempts", r.int64(17)}, {"message", text_or_null(r, 18)}}},
      {"esim", esim_json(r)},
      {"support", text_or_null(r, 25)},  // the reason for now: load_order makes the object
      {"history", json::array()},
      {"topup_of", from_core(topup_of_json(r.is_null(28) ? std::string() : r.text(28)))},
  };
}

// The order's transitions, oldest first (the creation row, from_state "", is not a transition).
db::Result<json> history_json(db::Connection& c, const std::string& id) {
  json history = json::array();
  DB_TRY(c.query("SELECT at, from_state, to_state, reason FROM order_history WHERE order_id = ? ORDER BY seq", id)
             .each([&history](const db::Row& r) {
               if (r.text(1).empty()) return;
               history.push_back({{"at", r.text(0)}, {"from", r.text(1)}, {"to", r.text(2)}, {"reason", r.text(3)}});
             }));
  return history;
}

}  // namespace

db::Result<std::optional<json>> load_order(db::Connection& c, const std::string& id) {
  auto found = c.query(
      "SELECT state, created_at, updated_at, plan_json, amount_minor, currency, email, name, phone, marketing, "
      "payment_status, decline_reason, pay_method, pay_brand, pay_last4, pay_transaction, delivery_status, "
      "delivery_attempts, delivery_message, iccid, smdp, matching_id, confirmation_code, confirmation_required, "
      "activation_code, support_reason, installed_ms, details_expire_ms, topup_of FROM orders WHERE id = ?", id)
      .one([&id](const db::Row& r) { return order_json(id, r); });
  if (!found || !found.value()) return found;
  json& o = *found.value();
  DB_TRY_LET(json followups, followups_json(c, id));
  const json reason = o["support"];
  o["support"] = reason.is_null() && followups.empty()
                     ? json(nullptr)
                     : json{{"reference", id}, {"reason", reason}, {"payments", std::move(followups)}};
  DB_TRY_LET(o["history"], history_json(c, id));
  return found;
}

std::optional<Order> typed_order(const json& order) {
  OrderDecode d = decode_order(order.dump(-1, ' ', false, json::error_handler_t::replace));
  if (d.ok) return std::move(d.order);
  log::error("orders: an ORDER does not decode: " + d.error);
  return std::nullopt;
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] authorization and limits
// ---------------------------------------------------------------------------------------------------------
Orders::Orders(db::Database& db, PaymentProcessor& processor, Outbox& outbox, OrdersConfig config,
               std::function<void()> paid)
    : db_(db), processor_(processor), outbox_(outbox), config_(std::move(config)), paid_(std::move(paid)) {}

std::string order_token(const std::string& secret, const std::string& order_id, const std::string& key) {
  return base64url(hmac_sha256(secret, "order-token\n" + order_id + "\n" + key));
}

db::Status revoke_token(db::Connection& c, const std::string& id) {
  return c.exec("UPDATE orders SET token_sha256 = ? WHERE id = ?", sha256_hex("revoked\n" + random_token(32)), id);
}

namespace {

std::string bearer(const httplib::Request& req) {
  const std::string h = req.get_header_value("Authorization");
  return h.rfind("Bearer ", 0) == 0 ? h.substr(7) : std::string();
}

void not_found(httplib::Response& res) { send_error(res, 404, "not_found", "no such order"); }

using KeyRow = std::optional<std::pair<std::string, std::string>>;  // request SHA-256, order id

// The SHA-256 of the order's token (hex); nullopt when there is no such order.
db::Result<std::optional<std::string>> stored_token_hash(db::Connection& c, const std::string& id) {
  return c.query("SELECT token_sha256 FROM orders WHERE id = ?", id).one([](const db::Row& r) { return r.text(0); });
}

// What Idempotency-Key `key` was used for, if it was.
db::Result<KeyRow> find_key(db::Connection& c, const std::string& key) {
  return c.query("SELECT request_sha256, order_id FROM idempotency_keys WHERE key = ?", key)
      .one([](const db::Row& r) { return std::make_pair(r.text(0), r.text(1)); });
}

// The ORDER a replayed Idempotency-Key gives back: nullopt when the replay is for another request (`token` "") or the
// order's token was revoked by an erase (privacy_rights.hpp), so that a replay never hands an erased order out again.
db::Result<std::optional<json>> replayed_order(db::Connection& c, const std::string& id, const std::string& token) {
  DB_TRY_LET(const std::optional<std::string> stored, stored_token_hash(c, id));
  if (token.empty() || !stored || !constant_time_equal(*stored, sha256_hex(token))) return std::optional<json>();
  return load_order(c, id);
}

// False (the 400 answered) when the order names a partner whose id is malformed (partners.hpp).
bool partner_well_formed(const std::string& partner, httplib::Response& res) {
  if (partner.empty() || valid_partner_id(partner)) return true;
  send_error(res, 400, "invalid_partner",
             "the partner must be 1 to 32 characters of a-z, 0-9 and '-', starting with a letter or digit");
  return false;
}

// The partner an order is attributed to: `requested` when it names an enabled partner, else "" (a sale is never
// refused over attribution; the dropped id is logged, nothing else).
db::Result<std::string> attribution(db::Connection& c, const std::string& requested) {
  if (requested.empty()) return std::string();
  auto id = attributable_partner(c, requested);
  if (id && id.value().empty())
    log::info("orders: partner attribution dropped: unknown or disabled partner " + requested);
  return id;
}

// The processor's return URL: the embed's return page when the body is {"return":"embed"}, else the store.
std::string return_url(const std::string& public_url, const httplib::Request& req, const std::string& id) {
  const json body = json_object_text(req.body);
  const bool embed = body.is_object() && body.contains("return") && body["return"] == "embed";
  return public_url + (embed ? "/embed-return.html?order=" : "/?order=") + id;
}

// A checkout session the processor did not make. Nothing was saved: the order stays payable. Down, slow or 5xx:
// 503, try again; an answer the store cannot use (not JSON, a refusal): 502.
void processor_failed(httplib::Response& res, const std::string& id, const Remote<CheckoutSession>& session) {
  log::error("orders: " + id + ": " + session.error);
  if (!session.retryable)
    return send_error(res, 502, "processor_error", "the payment processor gave an answer the store cannot use");
  res.set_header("Retry-After", "5");
  send_error(res, 503, "processor_unavailable", "the payment processor is not available; try again shortly");
}

// A database failure: 503 with Retry-After when the storage is busy (another process holds the lock past the busy
// time-out), full or failing to write, so the client tries again; 500 for anything else. The transaction was rolled
// back either way: nothing is half-written.
void internal(httplib::Response& res, const db::Error& e) {
  log::error("orders: " + e.message);
  const int primary = e.code & 0xff;
  if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED || primary == SQLITE_FULL || primary == SQLITE_IOERR ||
      primary == SQLITE_READONLY) {
    res.set_header("Retry-After", "5");
    return send_error(res, 503, "storage_unavailable",
                      primary == SQLITE_FULL ? "the store cannot save right now (its disk is full); try again later"
                                             : "the store's database is busy; try again shortly");
  }
  send_error(res, 500, "internal_error", "the order could not be processed");
}

}  // namespace

std::optional<json> Orders::authorize(const std::string& id, const std::string& token, httplib::Response& res) {
  // Same work for a missing order and a wrong token: one hash, one lookup, one constant-time compare.
  const std::string given = sha256_hex(token);
  auto found = db_.with([&](db::Connection& c) -> db::Result<std::optional<json>> {
    DB_TRY_LET(const std::optional<std::string> hash, stored_token_hash(c, id));
    const std::string stored = hash.value_or(std::string(64, '0'));
    if (!constant_time_equal(stored, given) || !hash || token.empty()) return std::optional<json>();
    return load_order(c, id);
  });
  if (!found) {
    internal(res, found.error());
    return std::nullopt;
  }
  if (!found.value()) not_found(res);
  return found.value();
}

// Seconds `client` must wait before creating another order (0: go on), counted in the database so that every
// process on it counts the same orders.
db::Result<std::int64_t> Orders::rate_wait(const std::string& client) {
  const RateLimit limit{"orders", static_cast<std::int64_t>(config_.orders_per_minute), 60};
  return take_client_rate(db_, limit, config_.token_secret, client, now_s());
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] handlers
// ---------------------------------------------------------------------------------------------------------
namespace {

// What a create request becomes: an order (status 200 replayed, 201 new) or a refusal (status and code).
struct Outcome {
  int status = 0;
  std::string code, message, order_id;
  json order;
};

Outcome refusal(int status, std::string code, std::string message) {
  return Outcome{status, std::move(code), std::move(message), {}, {}};
}

// The decisions, from what the database holds (pure: no I/O).
// A key used before: its order again when the request is the same and the order's token still opens it, else 409.
Outcome replay_outcome(const std::string& id, std::optional<json> order) {
  if (!order) return refusal(409, "idempotency_key_reused", "this Idempotency-Key was used for a different order");
  return Outcome{200, {}, {}, id, std::move(*order)};
}
// A new key: the 422 to answer when the plan is unknown, retired or not sold in `currency`; nullopt to insert it.
std::optional<Outcome> plan_refusal(const std::optional<PricedPlan>& plan, Currency currency) {
  if (!plan) return refusal(422, "unknown_plan", "no such plan in the catalogue");
  if (!plan->sold_in_currency)
    return refusal(422, "unknown_currency", "this plan is not sold in " + std::string(currency_code(currency)));
  return std::nullopt;
}

// A new order as it is written: what was asked for (request, key, hash, parent, consent, check) and its id.
struct NewOrder {
  const OrderPlacement& asked;
  const OrderRequest& request;
  const std::string& token_secret;
  std::string id, key, request_hash, consent_id;
};

// The SQL shell: the order row, its first history row and its Idempotency-Key, written together.
db::Status insert_order(db::Connection& c, const NewOrder& n, const PricedPlan& plan, const std::string& partner) {
  const OrderRequest& r = n.request;
  const std::string at = rfc3339(now_ms());
  const std::string currency(currency_code(r.currency));
  DB_TRY(c.exec("INSERT INTO orders(id, token_sha256, state, created_at, updated_at, plan_id, plan_json, "
                "amount_minor, currency, email, name, phone, marketing, language, terms_version, consent_id, partner, "
                "partner_id, topup_of) VALUES (?, ?, 'pending_payment', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                "nullif(?, ''), nullif(?, ''))",
                n.id, sha256_hex(order_token(n.token_secret, n.id, n.key)), at, at, r.plan, plan.plan.dump(),
                plan.amount, currency, r.email, r.name, r.phone, r.marketing ? 1 : 0, r.language, r.terms_version,
                n.consent_id, partner, partner, n.asked.topup_of));
  DB_TRY(c.exec("INSERT INTO order_history(order_id, seq, at, from_state, to_state, reason) "
                "VALUES (?, 0, ?, '', 'pending_payment', 'order created')", n.id, at));
  return c.exec("INSERT INTO idempotency_keys(key, request_sha256, order_id, created_at) VALUES (?, ?, ?, ?)", n.key,
                n.request_hash, n.id, at);
}

// Inside one transaction: the key looked up again (a concurrent request with the same key may have won), the plan
// priced, the order written and read back.
db::Result<Outcome> store_order(db::Connection& c, const NewOrder& n) {
  DB_TRY_LET(const KeyRow row, find_key(c, n.key));
  if (row) {
    const std::string& id = row->second;
    DB_TRY_LET(std::optional<json> o,
               replayed_order(c, id, row->first == n.request_hash ? order_token(n.token_secret, id, n.key) : ""));
    return replay_outcome(id, std::move(o));
  }
  if (n.asked.check) {
    DB_TRY_LET(const std::optional<OrderRefusal> refused, n.asked.check(c));
    if (refused) return refusal(refused->status, refused->code, refused->message);
  }
  DB_TRY_LET(const std::optional<PricedPlan> plan, find_plan(c, n.request.plan, n.request.currency));
  if (auto refused = plan_refusal(plan, n.request.currency)) return *refused;
  DB_TRY_LET(const std::string partner, attribution(c, n.request.partner));
  DB_TRY(insert_order(c, n, *plan, partner));
  DB_TRY_LET(std::optional<json> o, load_order(c, n.id));
  return Outcome{201, {}, {}, n.id, o.value_or(json())};
}

// The consent id the checkout's receipt joins: the body's, only with its key (consent_store.hpp).
std::string consent_id_of(db::Database& db, const httplib::Request& req, const OrderRequest& r) {
  const json body = json_object_text(req.body);
  const auto key = body.is_object() && body.contains("consent_key") && body["consent_key"].is_string()
                       ? body["consent_key"].get<std::string>() : std::string();
  return checkout_consent_id(db, r.consent_id, key);
}

}  // namespace

// A replay of a known key is answered without counting against the rate limit; false when the 429 was answered.
bool Orders::within_rate(const httplib::Request& req, const std::string& key, httplib::Response& res,
                         db::Status& failed) {
  auto known = db_.with([&](db::Connection& c) { return find_key(c, key); });
  if (!known) {
    failed = known.error();
    return false;
  }
  if (known.value()) return true;
  auto wait = rate_wait(req.remote_addr);
  if (!wait) {
    failed = wait.error();
    return false;
  }
  if (wait.value() == 0) return true;
  res.set_header("Retry-After", std::to_string(wait.value()));
  send_error(res, 429, "rate_limited", "too many new orders from this address; try again later");
  return false;
}

void Orders::create(const httplib::Request& req, httplib::Response& res) {
  const std::string key = req.get_header_value("Idempotency-Key");
  if (!valid_idempotency_key(key))
    return send_error(res, 400, "invalid_idempotency_key",
                      "an Idempotency-Key header of 16 to 64 characters of [A-Za-z0-9_-] is required");
  const OrderRequestCheck check = check_order_request(req.body);
  if (!check.ok()) return send_error(res, check.status, check.code, check.message);
  const OrderRequest& r = check.request;
  if (!partner_well_formed(r.partner, res)) return;
  place(req, res, OrderPlacement{r, key, sha256_hex(canonical_order_request(r)), "", consent_id_of(db_, req, r), {}});
}

void Orders::place(const httplib::Request& req, httplib::Response& res, const OrderPlacement& p) {
  const OrderRequest& r = p.request;
  const std::string& key = p.key;
  db::Status failed;
  if (!within_rate(req, key, res, failed)) {
    if (!failed) internal(res, failed.error());
    return;
  }
  const NewOrder n{p, r, config_.token_secret, random_id("ord_", 12), key, p.request_hash, p.consent_id};
  auto out = db_.with([&](db::Connection& c) {
    return db::in_transaction(c, [&](db::Connection& t) { return store_order(t, n); });
  });
  if (!out) return internal(res, out.error());
  const Outcome& o = out.value();
  if (!o.code.empty()) return send_error(res, o.status, o.code, o.message);
  if (o.status == 201) {
    log::info("orders: created " + o.order_id + (p.topup_of.empty() ? "" : " (top-up of " + p.topup_of + ")"));
    if (p.topup_of.empty()) record_checkout_consent(r, n.consent_id, o.order_id, sends_gpc(req));
  }
  send_json(res, o.status, json{{"order", o.order}, {"token", order_token(config_.token_secret, o.order_id, key)}}.dump());
}

void Orders::record_checkout_consent(const OrderRequest& r, const std::string& consent_id, const std::string& order_id,
                                     bool gpc_header) {
  ConsentReceipt receipt;
  receipt.consent_id = consent_id;
  receipt.time_ms = now_ms();
  receipt.source = "checkout";
  receipt.action = "checkout_confirmations";
  receipt.choices_json = json{{"age_18_plus", r.adult}, {"terms_accepted", r.terms_version},
                              {"marketing_opt_in", r.marketing}, {"order", order_id}}.dump();
  // The privacy policy shown beside the terms is the one in force; the terms accepted are the order's (issue 15).
  receipt.policy_version = std::string(kPolicyVersion);
  receipt.text_hash = "sha256:" + sha256_hex("checkout confirmations: 18+, terms of sale " + r.terms_version +
                                             " and privacy policy " + std::string(kPolicyVersion) +
                                             ", marketing opt-in");
  receipt.ui_version = "store-checkout-1";
  receipt.language = r.language;
  receipt.gpc_header = gpc_header;
  auto stored = append_consent_receipt(db_, receipt);
  if (!stored) return log::error("orders: consent receipt of " + order_id + ": " + stored.error().message);
  if (stored.value().outcome == ReceiptAppend::Outcome::Invalid)
    log::error("orders: consent receipt of " + order_id + " refused: " + stored.value().problem);
}

std::optional<nlohmann::json> Orders::open_order(const httplib::Request& req, httplib::Response& res,
                                                 const std::string& id) {
  return authorize(id, bearer(req), res);
}

void Orders::get(const httplib::Request& req, httplib::Response& res, const std::string& id) {
  if (auto o = authorize(id, bearer(req), res)) send_json(res, 200, o->dump());
}

void Orders::payment(const httplib::Request& req, httplib::Response& res, const std::string& id) {
  auto order = authorize(id, bearer(req), res);
  if (!order) return;
  const std::optional<Order> typed = typed_order(*order);
  if (!typed) return internal(res, state_error("order " + id + " does not decode"));
  std::lock_guard<std::mutex> lock(payment_mutex_);
  struct Open {
    std::string state, session, url;
    std::int64_t expires = 0;
  };
  auto open = db_.with([&](db::Connection& c) -> db::Result<Open> {
    DB_TRY_LET(std::optional<Open> row,
               c.query("SELECT state, coalesce(session_id, ''), coalesce(session_url, ''), "
                       "coalesce(session_expires, 0) FROM orders WHERE id = ?", id)
                   .one([](const db::Row& r) { return Open{r.text(0), r.text(1), r.text(2), r.int64(3)}; }));
    if (!row) return state_error("order vanished");
    return std::move(*row);
  });
  if (!open) return internal(res, open.error());
  if (open.value().state != "pending_payment")
    return send_error(res, 409, "not_payable", "this order is " + open.value().state + ", not waiting for payment");
  if (!open.value().session.empty() && open.value().expires > now_s() + 60) {
    // A new attempt on the open session: an earlier decline is history, so that polling after this attempt
    // waits for this attempt's outcome.
    auto reopened = db_.with([&](db::Connection& c) {
      return c.exec("UPDATE orders SET payment_status = 'open', decline_reason = NULL, updated_at = ? "
                    "WHERE id = ? AND state = 'pending_payment' AND payment_status = 'declined'",
                    rfc3339(now_ms()), id);
    });
    if (!reopened) return internal(res, reopened.error());
    return send_json(res, 200, json{{"checkout_url", open.value().url}, {"session", open.value().session}}.dump());
  }

  CheckoutRequest cr;
  cr.reference = id;
  cr.amount = typed->price;
  cr.description = typed->plan.name;
  cr.return_url = return_url(config_.public_url, req, id);
  cr.notify_url = config_.public_url + "/api/webhooks/processor";
  const Remote<CheckoutSession> session = processor_.create_checkout(cr);
  if (!session.ok()) return processor_failed(res, id, session);
  auto saved = db_.with([&](db::Connection& c) {
    return c.exec("UPDATE orders SET session_id = ?, session_url = ?, session_expires = ?, "
                  "payment_status = 'open', updated_at = ? WHERE id = ? AND state = 'pending_payment'",
                  session.value->id, session.value->url, session.value->expires_at, rfc3339(now_ms()), id);
  });
  if (!saved) return internal(res, saved.error());
  send_json(res, 200, json{{"checkout_url", session.value->url}, {"session", session.value->id}}.dump());
}

void Orders::resend(const httplib::Request& req, httplib::Response& res, const std::string& id) {
  auto order = authorize(id, bearer(req), res);
  if (!order) return;
  if ((*order)["state"] != "delivered" || (*order)["esim"].is_null())
    return send_error(res, 409, "not_delivered", "only a delivered eSIM can be sent again");
  if (!(*order)["esim"].contains("activation_code"))
    return send_error(res, 409, "details_expired", "the eSIM was installed; its activation details are no longer kept");
  if ((*order)["customer"]["email"] == "")
    return send_error(res, 409, "erased", "the personal data of this order was erased: there is no address to send to");
  std::lock_guard<std::mutex> lock(payment_mutex_);  // two resends at once must see each other
  auto previous = db_.with([&](db::Connection& c) {
    return c.query("SELECT sent_s FROM order_emails WHERE order_id = ? AND kind = 'resend'", id)
        .all([](const db::Row& r) { return r.int64(0); });
  });
  if (!previous) return internal(res, previous.error());
  const ResendDecision d = decide_resend(previous.value(), now_s());
  if (!d.allowed) {
    res.set_header("Retry-After", std::to_string(d.retry_after));
    return send_error(res, 429, "rate_limited", "the e-mail was sent recently; try again later");
  }
  send_order_email(db_, outbox_, config_, *order, "resend");
  send_json(res, 202, R"({"sent":true})");
}

void Orders::webhook(const httplib::Request& req, httplib::Response& res) {
  const SignatureCheck sig =
      verify_webhook(config_.webhook_secret, req.get_header_value("Jupiter-Signature"), req.body, now_s());
  if (sig != SignatureCheck::Valid) {
    log::error("webhook refused: signature " + std::string(signature_check_name(sig)));
    return send_error(res, 400, sig == SignatureCheck::Stale ? "stale_webhook" : "invalid_signature",
                      "the webhook signature is " + std::string(signature_check_name(sig)));
  }
  const json event = json_object_text(req.body);
  if (!event.is_object() || !event.contains("id") || !event["id"].is_string() || !event.contains("type") ||
      !event["type"].is_string() || !event.contains("data") || !event["data"].is_object())
    return send_error(res, 400, "invalid_event", "the event is not an object with id, type and data");
  const std::string event_id = event["id"];
  const PaymentEvent e = read_payment_event(event["type"], event["data"]);
  if (e.type == "checkout.session.completed" && (e.session.empty() || e.intent.empty() || e.order_id.empty()))
    return send_error(res, 400, "invalid_event", "a completed checkout needs its session, payment_intent and reference");

  auto applied = apply_event(event_id, e);
  if (!applied) return internal(res, applied.error());
  if (!applied.value()) {
    log::error("webhook refused: replayed_webhook (" + log::printable(event_id, 64) + ")");
    return send_error(res, 409, "replayed_webhook", "this event was already received");
  }
  log::info("webhook: " + log::printable(e.type, 64) + " for " + log::printable(e.order_id, 64) + ": " +
            applied.value()->what);
  send_json(res, 200, R"({"received":true})");
}

db::Result<std::optional<EventOutcome>> Orders::apply_event(const std::string& event_id, const PaymentEvent& e) {
  // The event id, the order's change and any money follow-up commit together, or nothing does (and the processor,
  // answered 5xx, sends the event again).
  auto applied = db_.with([&](db::Connection& c) {
    return db::in_transaction(c, [&](db::Connection& t) -> db::Result<std::optional<EventOutcome>> {
      DB_TRY(t.exec("INSERT INTO webhook_events(event_id, type, order_id, received_at) "
                    "VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING", event_id, e.type, e.order_id, rfc3339(now_ms())));
      if (t.changes() == 0) return std::optional<EventOutcome>();
      DB_TRY_LET(const EventOutcome out, apply_payment_event(t, e));
      return std::optional<EventOutcome>(out);
    });
  });
  if (!applied || !applied.value()) return applied;
  const EventOutcome& out = *applied.value();
  if (out.paid) {
    auto order = db_.with([&](db::Connection& c) { return load_order(c, e.order_id); });
    if (order && order.value()) send_order_email(db_, outbox_, config_, *order.value(), "confirmation");
  }
  if ((out.paid || out.followup) && paid_) paid_();
  return applied;
}

void Orders::receipt(const httplib::Request& req, httplib::Response& res, const std::string& id) {
  auto order = authorize(id, req.get_param_value("token"), res);
  if (!order) return;
  const std::optional<Order> typed = typed_order(*order);
  if (!typed) return internal(res, state_error("order " + id + " does not decode"));
  std::string terms_version;  // the terms of sale the order accepted, linked from the receipt (issue 15)
  auto terms = db_.with([&](db::Connection& c) {
    return c.query("SELECT terms_version FROM orders WHERE id = ?", id).each([&](const db::Row& r) {
      terms_version = r.text(0);
    });
  });
  if (!terms) return internal(res, terms.error());
  res.status = 200;
  res.set_header("Cache-Control", "no-store");
  res.set_header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'");
  res.set_header("Referrer-Policy", "no-referrer");
  res.set_content(receipt_html(*typed, terms_version), "text/html; charset=utf-8");
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] routes
// ---------------------------------------------------------------------------------------------------------
void Orders::add_routes(Router& router) {
  router.post("/api/orders", [this](const httplib::Request& req, httplib::Response& res, const RouteParams&) {
    create(req, res);
  });
  router.get("/api/orders/:id", [this](const httplib::Request& req, httplib::Response& res, const RouteParams& p) {
    get(req, res, std::string(p.get("id")));
  });
  router.post("/api/orders/:id/payment",
              [this](const httplib::Request& req, httplib::Response& res, const RouteParams& p) {
                payment(req, res, std::string(p.get("id")));
              });
  router.post("/api/orders/:id/resend",
              [this](const httplib::Request& req, httplib::Response& res, const RouteParams& p) {
                resend(req, res, std::string(p.get("id")));
              });
  router.post("/api/webhooks/processor", [this](const httplib::Request& req, httplib::Response& res,
                                                const RouteParams&) { webhook(req, res); });
  router.get("/orders/:id/receipt", [this](const httplib::Request& req, httplib::Response& res,
                                           const RouteParams& p) { receipt(req, res, std::string(p.get("id"))); });
}

}  // namespace jupiter::server
