// partner_webhooks.hpp: the background worker that sends partners their signed order-paid webhooks (issue 12).
//
// The queue is the table partner_webhooks (migration 5; several processes share it, job_claims.hpp): a trigger adds one row, in the same transaction that moves
// an attributed order to paid, when its partner is enabled and has a webhook URL. The body is fixed then:
//   {"type":"order.paid","order":ID,"plan":PLAN,"currency":"EUR","amount_minor":1199,"created":RFC3339}
// (no personal data). Each attempt POSTs it to the partner's current webhook_url with
//   Jupiter-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(partner's webhook secret, "<t>." + body)>
// (sign_webhook, the processor's scheme), Content-Type: application/json. A 2xx answer delivers it; anything else
// is retried after retry_delay_ms(attempts) (1 s, 2 s, 4 s ... 60 s), at most kMaxPartnerWebhookAttempts times.
// A partner that was disabled or lost its URL since: given up. State lives in SQLite, so a restart resumes.
#pragma once
#include <string>

#include "server/background.hpp"
#include "server/db.hpp"

namespace jupiter::server {

inline constexpr int kMaxPartnerWebhookAttempts = 12;

class PartnerWebhooks {
 public:
  // `worker` names this process (job_claims.hpp worker_name).
  PartnerWebhooks(db::Database& db, std::string worker);
  ~PartnerWebhooks();  // stops the worker
  PartnerWebhooks(const PartnerWebhooks&) = delete;
  PartnerWebhooks& operator=(const PartnerWebhooks&) = delete;

  void start();
  void stop();

 private:
  struct Due {
    std::int64_t id = 0;
    std::string partner, order, body, url, secret;
    int attempts = 0;
    std::int64_t next_attempt_ms = 0;  // as read: the claim's compare-and-set value
  };
  void round();
  bool claimed(const Due& d);  // this process now holds the row's lease (job_claims.hpp)
  void send(const Due& d);
  void record(const Due& d, bool delivered, const std::string& error);

  db::Database& db_;
  const std::string worker_;
  Background loop_;
};

}  // namespace jupiter::server
