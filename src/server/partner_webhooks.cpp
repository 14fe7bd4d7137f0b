// partner_webhooks.cpp: see partner_webhooks.hpp.
#include "server/partner_webhooks.hpp"

#include <httplib.h>

#include <optional>
#include <vector>

#include "core/order_rules.hpp"
#include "server/clock.hpp"
#include "server/job_claims.hpp"
#include "server/log.hpp"
#include "server/remote_json.hpp"
#include "server/webhooks.hpp"

namespace jupiter::server {

namespace {

constexpr std::int64_t kPollMs = 500;

// Rows due at ?1 with their partner's URL and secret (URL "" when the partner is disabled or has no URL now).
constexpr const char* kDueSql =
    "SELECT w.id, w.partner_id, w.order_id, w.body, coalesce(p.webhook_secret, ''), w.attempts, "
    "CASE WHEN p.disabled_at IS NULL THEN coalesce(p.webhook_url, '') ELSE '' END, w.next_attempt_ms "
    "FROM partner_webhooks w JOIN partners p ON p.id = w.partner_id "
    "WHERE w.next_attempt_ms IS NOT NULL AND w.next_attempt_ms <= ? ORDER BY w.next_attempt_ms LIMIT 20";

}  // namespace

PartnerWebhooks::PartnerWebhooks(db::Database& db, std::string worker) : db_(db), worker_(std::move(worker)) {}

PartnerWebhooks::~PartnerWebhooks() { stop(); }

void PartnerWebhooks::start() { loop_.start(std::chrono::milliseconds(kPollMs), [this] { round(); }); }

void PartnerWebhooks::stop() { loop_.stop(); }

void PartnerWebhooks::round() {
  auto due = db_.with([](db::Connection& c) {
    return c.query(kDueSql, now_ms()).all([](const db::Row& r) {
      return Due{r.int64(0), r.text(1), r.text(2), r.text(3), r.text(6), r.text(4), r.integer(5), r.int64(7)};
    });
  });
  if (!due) return log::error("partner webhooks: " + due.error().message);
  for (const Due& d : due.value())
    if (claimed(d)) send(d);
}

bool PartnerWebhooks::claimed(const Due& d) {
  auto won = db_.with([&](db::Connection& c) {
    return claim_row(c, "partner_webhooks", d.id, d.next_attempt_ms, now_ms(), worker_);
  });
  if (!won) log::error("partner webhooks: " + won.error().message);
  return won && won.value();
}

void PartnerWebhooks::send(const Due& d) {
  if (d.url.empty()) return record(d, false, "the partner is disabled or has no webhook URL");
  const std::size_t authority = d.url.find("://");
  const std::size_t path_at = d.url.find_first_of("/?", authority == std::string::npos ? 0 : authority + 3);
  const std::string base = d.url.substr(0, path_at);
  const std::string path = path_at == std::string::npos ? "/" : d.url.substr(path_at);
  httplib::Client client = adapter_client(base);
  const httplib::Headers headers = {{"Jupiter-Signature", sign_webhook(d.secret, now_s(), d.body)}};
  const httplib::Result res = client.Post(path.c_str(), headers, d.body, "application/json");
  if (res && res->status >= 200 && res->status < 300) return record(d, true, "");
  record(d, false, res ? "HTTP " + std::to_string(res->status) : httplib::to_string(res.error()));
}

void PartnerWebhooks::record(const Due& d, bool delivered, const std::string& error) {
  const int attempts = d.attempts + 1;
  const bool give_up = !delivered && (d.url.empty() || attempts >= kMaxPartnerWebhookAttempts);
  const std::int64_t delay = retry_delay_ms(attempts);
  const auto next_attempt = delivered || give_up ? std::nullopt : std::optional<std::int64_t>(now_ms() + delay);
  const auto delivered_at = delivered ? std::optional<std::string>(rfc3339(now_ms())) : std::nullopt;
  auto s = db_.with([&](db::Connection& c) {
    return c.exec("UPDATE partner_webhooks SET attempts = ?, next_attempt_ms = ?, delivered_at = ?, "
                  "last_error = nullif(?, '') WHERE id = ?", attempts, next_attempt, delivered_at, error, d.id);
  });
  if (!s) log::error("partner webhooks: " + s.error().message);
  const std::string what = "partner webhook order.paid for " + d.order + " to partner " + d.partner;
  if (delivered) log::info(what + " delivered");
  else if (give_up) log::error(what + " given up after " + std::to_string(attempts) + " attempts: " + error);
  else log::error(what + " failed (" + error + "), retry in " + std::to_string(delay / 1000) + " s");
}

}  // namespace jupiter::server
