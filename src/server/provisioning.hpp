// provisioning.hpp: the background worker that turns paid orders into delivered eSIMs.
//
// State lives in SQLite (orders.next_attempt_ms, partner_profile, delivery_*), so a restarted server resumes where
// it stopped. For each due order: paid -> provisioning; order the profile from the partner (idempotent per order);
// pending -> look again in a second; a partner error -> retry with backoff (retry_delay_ms); ready -> validate the
// ICCID and the activation code with the core's SGP.22 parser: valid -> delivered + delivery e-mail, invalid ->
// failed with delivery "flagged" and a support note (no QR is ever made from it). Not delivered within the
// deadline after payment -> refund through the processor -> refunded + refund e-mail.
// The same worker performs the money follow-ups the webhook queued (payment_events.hpp), asks the partner every
// install_poll_s whether delivered profiles were installed, and once details_expiry_s has passed since the
// installation, clears the activation code, matching ID and confirmation code from the order.
// A paid top-up (topup_of set, topups.hpp) is added to its parent's profile (partner topup, idempotent per top-up
// order) and delivered with no activation details of its own + a "topup" e-mail; an eSIM no longer delivered or a
// partner's refusal (4xx) refunds it at once, a partner failure retries until the deadline, then refunds it.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

#include "server/background.hpp"
#include "server/db.hpp"
#include "server/esim_partner.hpp"
#include "server/orders.hpp"
#include "server/outbox.hpp"
#include "server/payment_processor.hpp"

namespace jupiter::server {

class Provisioner {
 public:
  Provisioner(db::Database& db, EsimPartner& partner, PaymentProcessor& processor, Outbox& outbox,
              const OrdersConfig& config);
  ~Provisioner();  // stops the worker
  Provisioner(const Provisioner&) = delete;
  Provisioner& operator=(const Provisioner&) = delete;

  void start();
  void stop();
  void wake();  // an order was paid: look now

 private:
  void round();
  void process(const std::string& id);
  // `why` replaces "not delivered within the deadline" in the history's reason.
  void refund(const std::string& id, const std::string& from_state, const std::string& transaction,
              const std::string& why = "");
  struct TopupJob;
  void provision_topup(const TopupJob& j);
  void run_followups();
  // True when this process now holds the lease on the queue row (job_claims.hpp); false after logging a failure.
  template <class Id>
  bool claimed(std::string_view table, const Id& id, std::int64_t seen_due);
  struct InstallCheck;
  void check_installs();
  bool check_install(const InstallCheck& row);  // false after a database failure (ends the round)
  void clear_expired_details();
  void retry_later(const std::string& id, int attempts, std::int64_t delay_ms, const std::string& message,
                   const std::string& profile);

  db::Database& db_;
  EsimPartner& partner_;
  PaymentProcessor& processor_;
  Outbox& outbox_;
  const OrdersConfig& config_;
  std::int64_t last_install_round_ms_ = 0;  // only the worker's thread reads and writes it
  Background loop_;
};

}  // namespace jupiter::server
