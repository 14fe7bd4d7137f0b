// reconciliation.hpp: compares the processor's record of checkout sessions with the store's orders and reports the
// differences (issue 19). It fixes nothing by itself but one thing the money rules of payment_events.hpp cover: the
// periodic run hands a paid session whose webhook never came (paid_at_processor_not_in_store) to those rules, as if
// its event had arrived (the order is paid, or the payment refunded). The rest is for a person to look at.
//
//   GET /api/admin/reconciliation[?grace=SECONDS]   the admin bearer token (admin_api.hpp); runs a reconciliation
//                                                    now and answers the REPORT; 502 when the processor cannot be read
//
// REPORT: {"checked_at", "sessions": N, "orders": N, "differences": [DIFFERENCE...]}, DIFFERENCE:
//   {"kind", "order", "session", "payment", "processor": {"status", "amount", "currency"} | null,
//    "store": {"state", "payment_status", "amount", "currency"} | null}
// kinds:
//   paid_at_processor_not_in_store  a paid session whose payment the store neither recorded nor queued for a refund
//   paid_in_store_absent_at_processor  the store's payment is not among the processor's sessions
//   paid_in_store_refunded_at_processor  the processor refunded a payment the store holds as succeeded
//   refunded_in_store_paid_at_processor  the store says refunded, the processor says paid
//   amount_difference               the same payment with another amount or currency on each side
//   refund_failed                   a refund the store queued was given up (payment_events.hpp)
// Sessions paid less than `grace` seconds ago (default 60; the periodic run uses min(60, interval)) are left out:
// their webhook may be on its way.
// The periodic run logs each difference: kind, ids and amounts only, nothing about the customer.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "server/admin_api.hpp"
#include "server/background.hpp"
#include "server/db.hpp"
#include "server/orders.hpp"
#include "server/payment_processor.hpp"
#include "server/remote.hpp"
#include "server/router.hpp"

namespace jupiter::server {

// One reconciliation now: the REPORT, or why the processor's sessions could not be read.
Remote<nlohmann::json> reconcile(db::Database& db, PaymentProcessor& processor, std::int64_t grace_s);

class Reconciler {
 public:
  // Every `interval_s` seconds once started; the admin route any time.
  Reconciler(db::Database& db, PaymentProcessor& processor, AdminApi& admin, Orders& orders, std::int64_t interval_s);
  ~Reconciler();
  Reconciler(const Reconciler&) = delete;
  Reconciler& operator=(const Reconciler&) = delete;

  void add_routes(Router& router);
  void start();
  void stop();

 private:
  void run_once();
  // Hands paid session `id` to the money rules as if its webhook had come.
  void recover(const std::vector<CheckoutSession>& sessions, const std::string& id);

  db::Database& db_;
  PaymentProcessor& processor_;
  AdminApi& admin_;
  Orders& orders_;
  std::int64_t interval_s_;
  Background loop_;
};

}  // namespace jupiter::server
