// accounts.cpp: see accounts.hpp.
//
// [SECTION] helpers: origins, pages, forms
// [SECTION] sign-in links: rate limits, the e-mail, redeeming
// [SECTION] sessions and who is signed in
// [SECTION] the account's orders and cancelling
// [SECTION] the sweep
// [SECTION] routes
#include "server/accounts.hpp"

#include <httplib.h>

#include <chrono>

#include "core/account.hpp"
#include "core/contact.hpp"
#include "core/i18n.hpp"
#include "core/json_reader.hpp"
#include "core/order_codec.hpp"
#include "core/order_rules.hpp"
#include "server/account_texts.hpp"
#include "server/clock.hpp"
#include "server/crypto.hpp"
#include "server/html_escape.hpp"
#include "server/http_util.hpp"
#include "server/json_body.hpp"
#include "server/job_claims.hpp"
#include "server/log.hpp"
#include "server/rate_counts.hpp"
#include "server/orders.hpp"
#include "server/privacy_centre.hpp"

namespace jupiter::server {

namespace {

using json = nlohmann::json;

constexpr std::int64_t kLinkWindowS = 3600;      // the rate limits count links asked for in the last hour
constexpr std::int64_t kLinkKeptS = 24 * 3600;   // link rows (hashes only once used) are swept after a day
constexpr std::size_t kMaxSmallBody = 1024;      // sign-in and verify bodies
constexpr std::size_t kMaxEmail = 254;           // RFC 5321's path limit

// ---------------------------------------------------------------------------------------------------------
// [SECTION] helpers: origins, pages, forms
// ---------------------------------------------------------------------------------------------------------

void internal(httplib::Response& res, const std::string& why) {
  log::error("accounts: " + why);
  send_error(res, 500, "internal", "the request could not be completed");
}

std::string lowercase_ascii(std::string s) {
  for (char& ch : s)
    if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
  return s;
}

// The string field `name` of a JSON object, or "" when absent or not a string.
std::string string_field(const json& body, const char* name) {
  return body.contains(name) && body[name].is_string() ? body[name].get<std::string>() : std::string();
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] sign-in links: rate limits, the e-mail, redeeming
// ---------------------------------------------------------------------------------------------------------

// Seconds to wait before another link may be asked for with `key` in column `column` (one of two fixed names), 0
// when fewer than `limit` were asked for in the last kLinkWindowS seconds.
db::Result<std::int64_t> link_wait(db::Connection& c, const char* column, const std::string& key, std::int64_t limit,
                                   std::int64_t now) {
  auto row = c.query(std::string("SELECT count(*), coalesce(min(created_s), 0) FROM account_links WHERE ") + column +
                         " = ? AND created_s > ?",
                     key, now - kLinkWindowS)
                 .one([](const db::Row& r) { return std::make_pair(r.int64(0), r.int64(1)); });
  if (!row) return row.error();
  if (!row.value() || row.value()->first < limit) return std::int64_t{0};
  return std::max<std::int64_t>(1, row.value()->second + kLinkWindowS - now);
}

// A new link's row and the limits it must pass; the seconds to wait (nothing stored) or 0 (stored).
struct NewLink {
  std::string token_sha256, email, email_key, client_key, next;
  std::int64_t now = 0, expires = 0;
};

db::Result<std::int64_t> store_link(db::Connection& c, const NewLink& l, const AccountsConfig& config) {
  auto by_client = link_wait(c, "client_key", l.client_key, config.links_per_client, l.now);
  if (!by_client || by_client.value() > 0) return by_client;
  auto by_email = link_wait(c, "email_key", l.email_key, config.links_per_email, l.now);
  if (!by_email || by_email.value() > 0) return by_email;
  if (db::Status s = c.exec("INSERT INTO account_links (token_sha256, email, email_key, client_key, created_s, "
                            "expires_s, next) VALUES (?, ?, ?, ?, ?, ?, ?)",
                            l.token_sha256, l.email, l.email_key, l.client_key, l.now, l.expires, l.next);
      !s)
    return s.error();
  return std::int64_t{0};
}

Mail sign_in_mail(const std::string& email, const std::string& link, std::int64_t ttl_s, const SignInWords& w) {
  const std::string expiry = format_text(w.mail_expiry, {{"minutes", std::to_string(ttl_s / 60)}});
  Mail m;
  m.to = email;
  m.subject = std::string(w.subject);
  m.text = std::string(w.mail_intro) + "\n\n" + link + "\n\n" + expiry + "\n";
  m.html = "<p>" + html_escape(w.mail_intro) + "</p><p><a href=\"" + html_escape(link) + "\">" +
           html_escape(w.mail_link) + "</a></p><p>" + html_escape(expiry) + "</p>";
  return m;
}

// The language a sign-in request asked for: absent is English; 400 invalid_language (nullopt) for anything that is
// not one of the store's codes.
std::optional<Language> requested_language(const json& body, httplib::Response& res) {
  if (!body.contains("language")) return Language::En;
  const auto l = body["language"].is_string() ? language_from_code(body["language"].get<std::string>()) : std::nullopt;
  if (!l) send_error(res, 400, "invalid_language", "language must be one of \"en\", \"es\", \"fr\", \"de\"");
  return l;
}

}  // namespace

Accounts::Accounts(db::Database& db, Outbox& outbox, AccountsConfig config)
    : db_(db),
      outbox_(outbox),
      config_(std::move(config)),
      key_(accounts_key(config_.secret)),
      check_{db, config_.public_url, key_} {}

Accounts::~Accounts() { stop(); }

bool Accounts::secure() const { return check_.secure(); }

bool Accounts::same_origin(const httplib::Request& req, httplib::Response& res) const {
  return server::same_origin(check_, req, res);
}

void Accounts::sign_in(const httplib::Request& req, httplib::Response& res) {
  if (!same_origin(req, res)) return;
  const auto body = json_object_body(req, res, kMaxSmallBody);
  if (!body) return;
  const std::string typed = string_field(*body, "email");
  const std::string email = normalize_email(typed);
  if (typed.size() > kMaxEmail || !validate_email(email).ok())
    return send_error(res, 400, "invalid_email", "an e-mail address like name@example.com is needed");
  const std::string next = body->contains("next") ? string_field(*body, "next") : "orders";
  if (next != "orders" && next != "privacy")
    return send_error(res, 400, "invalid_next", "next must be \"orders\" or \"privacy\"");
  const std::optional<Language> language = requested_language(*body, res);
  if (!language) return;
  const std::string token = make_signed_secret(key_, SecretPurpose::SignInLink);
  if (token.empty()) return internal(res, "the random generator failed");
  NewLink l{sha256_hex(token), email, hmac_sha256_hex(key_, "email\n" + lowercase_ascii(email)),
            hmac_sha256_hex(key_, "client\n" + req.remote_addr), next, now_s(), now_s() + config_.link_ttl_s};
  auto wait = db_.with([&](db::Connection& c) {
    return db::in_transaction(c, [&](db::Connection& t) { return store_link(t, l, config_); });
  });
  if (!wait) return internal(res, wait.error().message);
  if (wait.value() > 0) {
    res.set_header("Retry-After", std::to_string(wait.value()));
    return send_error(res, 429, "rate_limited", "too many sign-in links were asked for; try again later");
  }
  const SignInWords& words = sign_in_words(*language);
  const std::string link = config_.public_url + "/account/verify?token=" + token + "&lang=" + std::string(words.code);
  if (!outbox_.write(sign_in_mail(email, link, config_.link_ttl_s, words), "sign-in"))
    return internal(res, "the sign-in e-mail could not be written to the outbox");
  log::info("accounts: sign-in link written to the outbox");
  send_json(res, 202, json{{"sent", true},
                           {"message", "If this address can receive e-mail, a sign-in link is on its way. It works "
                                       "once, for 15 minutes."}}.dump());
}

Accounts::Redeemed Accounts::redeem(const httplib::Request& req, const std::string& token) {
  if (!signed_secret_valid(key_, SecretPurpose::SignInLink, token))
    return {400, "invalid_link", "this sign-in link is not valid; ask for a new one", "", "", "", 0};
  const std::string session_id = make_signed_secret(key_, SecretPurpose::Session);
  if (session_id.empty()) return {500, "internal", "the request could not be completed", "", "", "", 0};
  const std::string previous = request_cookie(req, kSessionCookie);
  const std::int64_t now = now_s();
  auto done = db_.with([&](db::Connection& c) {
    return db::in_transaction(c, [&](db::Connection& t) -> db::Result<Redeemed> {
      auto link = t.query("SELECT email, expires_s, used_s, next FROM account_links WHERE token_sha256 = ?",
                          sha256_hex(token))
                      .one([](const db::Row& r) {
                        return std::make_tuple(r.text(0), r.int64(1), r.is_null(2), r.text(3));
                      });
      if (!link) return link.error();
      if (!link.value() || std::get<1>(*link.value()) <= now)
        return Redeemed{410, "link_expired", "this sign-in link has expired; ask for a new one", "", "", "", 0};
      if (!std::get<2>(*link.value()))
        return Redeemed{410, "link_used", "this sign-in link was already used; ask for a new one", "", "", "", 0};
      const std::string email = std::get<0>(*link.value());
      if (db::Status s = t.exec("UPDATE account_links SET used_s = ?, email = '' WHERE token_sha256 = ?", now,
                                sha256_hex(token));
          !s)
        return s.error();
      // A new id at every sign-in: the session the browser held before (if any) ends here.
      if (!previous.empty())
        if (db::Status s = delete_session(t, sha256_hex(previous)); !s) return s.error();
      if (db::Status s = insert_session(t, sha256_hex(session_id), email, now); !s) return s.error();
      return Redeemed{200, "", "", session_id, email, std::get<3>(*link.value()), now + kSessionTtlS};
    });
  });
  if (!done) {
    log::error("accounts: " + done.error().message);
    return {500, "internal", "the request could not be completed", "", "", "", 0};
  }
  return done.value();
}

void Accounts::verify_page(const httplib::Request& req, httplib::Response& res) {
  const std::string token = req.get_param_value("token");
  const SignInWords& w = sign_in_words(language_from_code(req.get_param_value("lang")).value_or(Language::En));
  if (!signed_secret_valid(key_, SecretPurpose::SignInLink, token))
    return send_page(res, 400, std::string(w.bad_title),
                     "<p>" + format_text(html_escape(w.bad_body), {{"link", "<a href=\"/?account=sign-in\">"},
                                                                   {"end", "</a>"}}) + "</p>", w.code);
  // Opening the link only shows this page: a mail scanner fetching it uses nothing up. The button signs in.
  send_page(res, 200, std::string(w.page_title),
            "<p>" + html_escape(w.page_intro) + "</p><form method=\"post\" action=\"/account/verify\">"
            "<input type=\"hidden\" name=\"token\" value=\"" + html_escape(token) + "\"><button type=\"submit\">" +
                html_escape(w.page_button) + "</button></form>", w.code);
}

void Accounts::verify_form(const httplib::Request& req, httplib::Response& res) {
  if (!own_form_origin(check_, req))
    return send_page(res, 403, "This link does not work", "<p>Open the link from your e-mail directly.</p>");
  if (req.body.size() > kMaxSmallBody) return send_page(res, 413, "This link does not work", "<p>Too long.</p>");
  const Redeemed r = redeem(req, form_value(req.body, "token"));
  if (r.status != 200)
    return send_page(res, r.status, "This link does not work",
                     "<p>" + html_escape(r.message) + ". <a href=\"/?account=sign-in\">Sign in again</a>.</p>");
  log::info("accounts: signed in with a link");
  res.set_header("Set-Cookie", session_cookie(r.cookie, kSessionTtlS, secure()));
  // next is one of two fixed words (checked when the link was asked for).
  const std::string landing = "/?account=" + (r.next == "privacy" ? std::string("privacy") : std::string("orders"));
  res.set_header("Location", landing);
  send_page(res, 303, "Signed in", "<p><a href=\"" + landing + "\">Go to My eSIMs</a>.</p>");
}

void Accounts::verify_api(const httplib::Request& req, httplib::Response& res) {
  if (!same_origin(req, res)) return;
  const auto body = json_object_body(req, res, kMaxSmallBody);
  if (!body) return;
  const Redeemed r = redeem(req, string_field(*body, "token"));
  if (r.status != 200) return send_error(res, r.status, r.code, r.message);
  log::info("accounts: signed in with a link");
  res.set_header("Set-Cookie", session_cookie(r.cookie, kSessionTtlS, secure()));
  send_json(res, 200, json{{"email", r.email}, {"session_expires_at", rfc3339(r.expires_s * 1000)},
                           {"next", r.next == "privacy" ? "privacy" : "orders"}}.dump());
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] sessions and who is signed in
// ---------------------------------------------------------------------------------------------------------
std::optional<Session> Accounts::session(const httplib::Request& req, httplib::Response& res) {
  return request_session(check_, req, res);
}

void Accounts::who(const httplib::Request& req, httplib::Response& res) {
  const auto s = session(req, res);
  if (!s) return;
  auto restrictions = db_.with([&](db::Connection& c) { return person_restrictions(c, s->email); });
  if (!restrictions) return internal(res, restrictions.error().message);
  send_json(res, 200, json{{"email", s->email}, {"session_expires_at", rfc3339(s->expires_s * 1000)},
                           {"restrictions", restrictions_json(restrictions.value())}}.dump());
}

void Accounts::sign_out(const httplib::Request& req, httplib::Response& res, bool everywhere) {
  if (!same_origin(req, res)) return;
  const auto s = session(req, res);
  if (!s) return;
  auto done = db_.with([&](db::Connection& c) {
    return everywhere ? delete_sessions_of(c, s->email) : delete_session(c, s->id_sha256);
  });
  if (!done) return internal(res, done.error().message);
  log::info(everywhere ? "accounts: signed out everywhere" : "accounts: signed out");
  res.set_header("Set-Cookie", session_cookie("", 0, secure()));
  res.status = 204;
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] the account's orders and cancelling
// ---------------------------------------------------------------------------------------------------------
namespace {

// One row of account_orders as the core's AccountOrder: the plan as sold read back from the order's plan_json
// with the order codec (the same reader the store uses), the price from its columns.
account::AccountOrder account_order(const AccountsConfig& config, const db::Row& r) {
  account::AccountOrder o;
  o.id = r.text(0);
  o.state = parse_order_state(r.text(1)).value_or(OrderState::Unknown);
  o.created_at = r.text(2);
  o.paid_at = r.is_null(3) ? "" : rfc3339(r.int64(3));
  const std::string sold_text = r.text(5);
  const JsonObjectParse sold = parse_json_object(sold_text, kMaxOrderBytes);
  JsonReader reader(sold.doc, o.id);
  if (sold.doc) read_order_plan(reader, sold.doc, o.plan);
  if (!sold.doc || !reader.ok()) log::error("accounts: stored plan of " + o.id + ": " + reader.error());
  o.region = r.text(8);
  o.price = Money{r.int64(6), parse_currency(r.text(7)).value_or(Currency::Unknown)};
  const std::string token = r.text(9).empty() ? "" : order_token(config.order_token_secret, o.id, r.text(9));
  if (!token.empty()) {
    o.order_link = config.public_url + "/?order=" + o.id + "#t=" + token;
    o.receipt_link = config.public_url + "/orders/" + o.id + "/receipt?token=" + token;
  }
  return o;
}

// The orders of `email` (all, or the one with id `only`), newest first.
db::Result<std::vector<account::AccountOrder>> account_orders(db::Connection& c, const AccountsConfig& config,
                                                              const std::string& email, const std::string& only) {
  return c
      .query("SELECT o.id, o.state, o.created_at, o.paid_ms, o.plan_id, o.plan_json, o.amount_minor, o.currency, "
             "coalesce(p.region, ''), coalesce(k.key, '') FROM orders o LEFT JOIN plans p ON p.id = o.plan_id "
             "LEFT JOIN idempotency_keys k ON k.order_id = o.id "
             "WHERE lower(o.email) = lower(?) AND o.email <> '' AND (? = '' OR o.id = ?) "
             "ORDER BY o.created_at DESC, o.id DESC",
             email, only, only)
      .all([&config](const db::Row& r) { return account_order(config, r); });
}

// The owner's cancel inside its transaction: the HTTP status and error code ("" when cancelled).
db::Result<std::pair<int, std::string>> cancel_row(db::Connection& c, const std::string& id, const std::string& email) {
  auto state = c.query("SELECT state FROM orders WHERE id = ? AND lower(email) = lower(?) AND email <> ''", id, email)
                   .one([](const db::Row& r) { return r.text(0); });
  if (!state) return state.error();
  if (!state.value()) return std::make_pair(404, std::string("not_found"));
  if (*state.value() == "cancelled") return std::make_pair(409, std::string("already_cancelled"));
  if (*state.value() != "pending_payment") return std::make_pair(409, std::string("not_cancellable"));
  if (db::Status s = transition(c, id, OrderState::PendingPayment, OrderState::Cancelled, "cancelled by the customer");
      !s)
    return s.error();
  return std::make_pair(200, std::string());
}

}  // namespace

void Accounts::orders(const httplib::Request& req, httplib::Response& res) {
  const auto s = session(req, res);
  if (!s) return;
  auto list = db_.with([&](db::Connection& c) { return account_orders(c, config_, s->email, ""); });
  if (!list) return internal(res, list.error().message);
  send_json(res, 200, account::encode_orders({std::move(list).value()}));
}

void Accounts::cancel(const httplib::Request& req, httplib::Response& res, const std::string& id) {
  if (!same_origin(req, res)) return;
  const auto s = session(req, res);
  if (!s) return;
  struct Cancelled {
    int status = 0;
    std::string code;
    std::vector<account::AccountOrder> order;  // the ACCOUNT_ORDER after a cancel
  };
  auto done = db_.with([&](db::Connection& c) -> db::Result<Cancelled> {
    auto out = db::in_transaction(c, [&](db::Connection& t) { return cancel_row(t, id, s->email); });
    if (!out) return out.error();
    if (out.value().first != 200) return Cancelled{out.value().first, out.value().second, {}};
    auto order = account_orders(c, config_, s->email, id);
    if (!order) return order.error();
    return Cancelled{200, "", std::move(order).value()};
  });
  if (!done) return internal(res, done.error().message);
  const Cancelled& d = done.value();
  if (d.code == "not_found") return send_error(res, 404, "not_found", "no such order");
  if (d.code == "already_cancelled") return send_error(res, 409, d.code, "this order was already cancelled");
  if (d.code == "not_cancellable")
    return send_error(res, 409, d.code, "only an order waiting for payment can be cancelled");
  if (d.order.empty()) return internal(res, "order " + id + " vanished after its cancel");
  log::info("accounts: " + id + " cancelled by its owner");
  send_json(res, 200, account::encode_order(d.order.front()));
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] the sweep
// ---------------------------------------------------------------------------------------------------------
int Accounts::sweep() {
  const std::int64_t now = now_s();
  const std::string cutoff = rfc3339((now - config_.unpaid_cancel_s) * 1000);
  auto due = db_.with([&](db::Connection& c) {
    return c.query("SELECT id FROM orders WHERE state = 'pending_payment' AND created_at < ? "
                   "AND coalesce(session_expires, 0) <= ?", cutoff, now)
        .all([](const db::Row& r) { return r.text(0); });
  });
  if (!due) {
    log::error("accounts: sweep: " + due.error().message);
    return 0;
  }
  int cancelled = 0;
  for (const std::string& id : due.value()) {
    auto s = db_.with([&](db::Connection& c) {
      return db::in_transaction(c, [&](db::Connection& t) {
        return transition(t, id, OrderState::PendingPayment, OrderState::Cancelled, "cancelled: not paid within 24 hours");
      });
    });
    if (s) ++cancelled;
    else log::error("accounts: sweep: " + s.error().message);  // paid meanwhile: the transition finds no row
  }
  auto purged = db_.with([&](db::Connection& c) -> db::Status {
    if (db::Status s = c.exec("DELETE FROM account_links WHERE created_s < ?", now - kLinkKeptS); !s) return s;
    // The privacy centre's e-mail change links (privacy_centre.hpp) go the same way.
    if (db::Status s = c.exec("DELETE FROM email_changes WHERE created_s < ?", now - kLinkKeptS); !s) return s;
    if (db::Status s = purge_rate_counts(c, now); !s) return s;
    return c.exec("DELETE FROM account_sessions WHERE expires_s <= ?", now);
  });
  if (!purged) log::error("accounts: sweep: " + purged.error().message);
  if (cancelled > 0) log::info("accounts: cancelled " + std::to_string(cancelled) + " orders unpaid for 24 hours");
  return cancelled;
}

void Accounts::start() {
  sweep();  // at start-up in every process (cancelling and deleting what is due is idempotent); then one per period
  sweeper_.start(std::chrono::seconds(config_.sweep_period_s), [this] {
    if (take_turn(db_, "accounts sweep", config_.sweep_period_s * 1000)) sweep();
  });
}

void Accounts::stop() { sweeper_.stop(); }

// ---------------------------------------------------------------------------------------------------------
// [SECTION] routes
// ---------------------------------------------------------------------------------------------------------
void Accounts::add_routes(Router& router) {
  using Req = const httplib::Request&;
  using Res = httplib::Response&;
  router.post("/api/account/sign-in", [this](Req req, Res res, const RouteParams&) { sign_in(req, res); });
  router.post("/api/account/verify", [this](Req req, Res res, const RouteParams&) { verify_api(req, res); });
  router.get("/account/verify", [this](Req req, Res res, const RouteParams&) { verify_page(req, res); });
  router.post("/account/verify", [this](Req req, Res res, const RouteParams&) { verify_form(req, res); });
  router.get("/api/account", [this](Req req, Res res, const RouteParams&) { who(req, res); });
  router.post("/api/account/sign-out", [this](Req req, Res res, const RouteParams&) { sign_out(req, res, false); });
  router.post("/api/account/sign-out-everywhere",
              [this](Req req, Res res, const RouteParams&) { sign_out(req, res, true); });
  router.get("/api/account/orders", [this](Req req, Res res, const RouteParams&) { orders(req, res); });
  router.post("/api/account/orders/:id/cancel",
              [this](Req req, Res res, const RouteParams& p) { cancel(req, res, std::string(p.get("id"))); });
}

}  // namespace jupiter::server
