// provisioning.cpp: see provisioning.hpp.
#include "server/provisioning.hpp"

#include <algorithm>
#include <optional>
#include <vector>

#include "core/activation_code.hpp"
#include "core/order_rules.hpp"
#include "server/clock.hpp"
#include "server/job_claims.hpp"
#include "server/log.hpp"
#include "server/payment_events.hpp"

namespace jupiter::server {

namespace {

constexpr std::int64_t kPendingPollMs = 1000;

struct Due {
  std::string id, state, plan, profile, transaction;
  std::int64_t paid_ms = 0;
  int attempts = 0;
  std::int64_t next_attempt_ms = 0;  // as read: the claim's compare-and-set value
  std::string plan_json, topup_of;   // the plan as sold; a top-up's parent order ("" otherwise)
};

constexpr const char* kDueColumns =
    "SELECT id, state, plan_id, coalesce(partner_profile, ''), coalesce(pay_transaction, ''), coalesce(paid_ms, 0), "
    "delivery_attempts, next_attempt_ms, plan_json, coalesce(topup_of, '') FROM orders WHERE next_attempt_ms IS NOT NULL AND state IN ('paid', 'provisioning') ";

Due read_due(const db::Row& r) {
  return Due{r.text(0), r.text(1), r.text(2), r.text(3), r.text(4), r.int64(5), r.integer(6), r.int64(7), r.text(8),
             r.text(9)};
}

// The orders whose next attempt is due at `now`, oldest first.
db::Result<std::vector<Due>> due_orders(db::Connection& c, std::int64_t now) {
  return c.query(std::string(kDueColumns) + "AND next_attempt_ms <= ? ORDER BY next_attempt_ms LIMIT 20", now)
      .all(read_due);
}

// Order `id` when it is still the worker's business (another thread may have moved it on).
db::Result<std::optional<Due>> load_due(db::Connection& c, const std::string& id) {
  return c.query(std::string(kDueColumns) + "AND id = ?", id).one(read_due);
}

// The order's eSIM profile delivered (call inside a transaction).
db::Status deliver(db::Connection& c, const std::string& id, int attempts, const EsimProfile& e,
                   const ActivationCode& code) {
  return transition(c, id, OrderState::Provisioning, OrderState::Delivered, "eSIM profile ready",
                    "delivery_status = 'ready', delivery_attempts = ?, next_attempt_ms = NULL, delivery_message = NULL, "
                    "partner_profile = ?, iccid = ?, smdp = ?, matching_id = ?, confirmation_code = nullif(?, ''), "
                    "confirmation_required = ?, activation_code = ?",
                    {std::to_string(attempts), e.id, e.iccid, e.smdp, e.matching_id, e.confirmation_code,
                     code.confirmation_code_required ? "1" : "0", code.to_string()});
}

// The order failed over a profile that did not check out, flagged for support (call inside a transaction).
db::Status flag(db::Connection& c, const std::string& id, int attempts, const EsimProfile& e,
                const std::string& problem) {
  return transition(c, id, OrderState::Provisioning, OrderState::Failed, "flagged for support: " + problem,
                    "delivery_status = 'flagged', delivery_attempts = ?, next_attempt_ms = NULL, "
                    "delivery_message = ?, support_reason = ?, partner_profile = ?",
                    {std::to_string(attempts), "our support team is looking at this order", problem, e.id});
}

// The plan's size as sold (ORDER.plan's data_mb and validity_days), for the partner.
ProfileSize plan_size(const std::string& plan_json) {
  const nlohmann::json plan = nlohmann::json::parse(plan_json, nullptr, false);
  ProfileSize size;
  if (!plan.is_object()) return size;
  if (plan.contains("data_mb") && plan["data_mb"].is_number_integer()) size.data_mb = plan["data_mb"].get<std::int64_t>();
  if (plan.contains("validity_days") && plan["validity_days"].is_number_integer())
    size.validity_days = plan["validity_days"].get<int>();
  return size;
}

}  // namespace

// A paid top-up (topups.hpp): added to its parent order's partner profile, never a profile of its own.
struct Provisioner::TopupJob {
  std::string id, state, parent, plan, plan_json, transaction;
  int attempts = 0;
};

void Provisioner::provision_topup(const TopupJob& j) {
  auto profile = db_.with([&](db::Connection& c) {
    return c.query("SELECT coalesce(partner_profile, '') FROM orders WHERE id = ? AND state = 'delivered'", j.parent)
        .one([](const db::Row& r) { return r.text(0); });
  });
  if (!profile) return log::error("provisioning: " + profile.error().message);
  if (profile.value().value_or("").empty())
    return refund(j.id, j.state, j.transaction, "the eSIM it tops up is no longer active");
  const Remote<EsimUsage> u = partner_.topup(*profile.value(), TopupOrder{j.id, j.plan, plan_size(j.plan_json)});
  if (!u.ok() && u.retryable)
    return retry_later(j.id, j.attempts, retry_delay_ms(j.attempts), "the eSIM partner failed; retrying", "");
  if (!u.ok()) {
    log::error("provisioning: top-up " + j.id + " refused: " + u.error);
    return refund(j.id, j.state, j.transaction, "the eSIM partner refused the top-up");
  }
  auto done = db_.with([&](db::Connection& c) {
    return db::in_transaction(c, [&](db::Connection& t) -> db::Result<std::optional<nlohmann::json>> {
      DB_TRY(transition(t, j.id, OrderState::Provisioning, OrderState::Delivered, "top-up added to the eSIM of " + j.parent,
                        "delivery_status = 'ready', delivery_attempts = ?, next_attempt_ms = NULL, "
                        "delivery_message = NULL",
                        {std::to_string(j.attempts)}));
      return load_order(t, j.id);
    });
  });
  if (!done) return log::error("provisioning: " + done.error().message);
  log::info("provisioning: top-up " + j.id + " added to " + j.parent);
  if (done.value()) send_order_email(db_, outbox_, config_, *done.value(), "topup");
}

Provisioner::Provisioner(db::Database& db, EsimPartner& partner, PaymentProcessor& processor, Outbox& outbox,
                         const OrdersConfig& config)
    : db_(db), partner_(partner), processor_(processor), outbox_(outbox), config_(config) {}

Provisioner::~Provisioner() { stop(); }

void Provisioner::start() { loop_.start(std::chrono::milliseconds(250), [this] { round(); }); }

void Provisioner::stop() { loop_.stop(); }

void Provisioner::wake() { loop_.wake(); }

void Provisioner::round() {
  auto due = db_.with([](db::Connection& c) { return due_orders(c, now_ms()); });
  if (!due) return log::error("provisioning: " + due.error().message);
  for (const Due& d : due.value())
    if (claimed("orders", d.id, d.next_attempt_ms)) process(d.id);
  run_followups();
  if (now_ms() - last_install_round_ms_ >= 1000) {
    last_install_round_ms_ = now_ms();
    check_installs();
    clear_expired_details();
  }
}

void Provisioner::run_followups() {
  auto due = db_.with([](db::Connection& c) { return due_followups(c, now_ms()); });
  if (!due) return log::error("payments: " + due.error().message);
  for (const Followup& f : due.value())
    if (claimed("payment_followups", f.id, f.next_attempt_ms)) perform_followup(db_, processor_, outbox_, config_, f);
}

template <class Id>
bool Provisioner::claimed(std::string_view table, const Id& id, std::int64_t seen_due) {
  auto won = db_.with([&](db::Connection& c) { return claim_row(c, table, id, seen_due, now_ms(), config_.worker); });
  if (!won) log::error("provisioning: " + won.error().message);
  return won && won.value();
}

// Delivered eSIMs not yet known to be installed, whose last check is older than install_poll_s: (id, partner
// profile, install_checked_ms as read).
struct Provisioner::InstallCheck {
  std::string id, profile;
  std::int64_t checked_ms = 0;
};

void Provisioner::check_installs() {
  const std::int64_t now = now_ms();
  auto rows = db_.with([&](db::Connection& c) {
    return c.query("SELECT id, partner_profile, coalesce(install_checked_ms, 0) FROM orders WHERE state = 'delivered' "
                   "AND installed_ms IS NULL AND partner_profile IS NOT NULL AND activation_code IS NOT NULL "
                   "AND coalesce(install_checked_ms, 0) <= ? ORDER BY coalesce(install_checked_ms, 0) LIMIT 20",
                   now - config_.install_poll_s * 1000)
        .all([](const db::Row& r) { return InstallCheck{r.text(0), r.text(1), r.int64(2)}; });
  });
  if (!rows) return log::error("provisioning: " + rows.error().message);
  for (const InstallCheck& row : rows.value())
    if (!check_install(row)) return;
}

bool Provisioner::check_install(const InstallCheck& row) {
  const std::int64_t now = now_ms();
  // The check is this process's when it moves install_checked_ms first (compare-and-set, as job_claims.hpp).
  auto won = db_.with([&](db::Connection& c) -> db::Result<bool> {
    DB_TRY(c.exec("UPDATE orders SET install_checked_ms = ? WHERE id = ? AND coalesce(install_checked_ms, 0) = ?",
                  now, row.id, row.checked_ms));
    return c.changes() == 1;
  });
  if (!won) return log::error("provisioning: " + won.error().message), false;
  if (!won.value()) return true;
  const Remote<EsimProfile> p = partner_.get_profile(row.profile);
  // A "cancelled" profile (a refund whose database step is still to be finished, refunds.hpp) has no installed_at.
  const std::int64_t installed_ms = p.ok() ? p.value->installed_at * 1000 : 0;
  if (!installed_ms) return true;
  auto s = db_.with([&](db::Connection& c) {
    return c.exec("UPDATE orders SET installed_ms = ?, details_expire_ms = ? WHERE id = ? AND installed_ms IS NULL",
                  installed_ms, installed_ms + config_.details_expiry_s * 1000, row.id);
  });
  if (!s) return log::error("provisioning: " + s.error().message), false;
  log::info("provisioning: the eSIM of " + row.id + " was installed");
  return true;
}

void Provisioner::clear_expired_details() {
  auto s = db_.with([](db::Connection& c) -> db::Status {
    // Read first: an UPDATE takes the write lock even when it changes nothing, and this runs every second.
    constexpr const char* kWhere = " WHERE details_expire_ms IS NOT NULL AND details_expire_ms <= ? AND "
                                   "activation_code IS NOT NULL";
    DB_TRY_LET(const auto any, c.query(std::string("SELECT 1 FROM orders") + kWhere + " LIMIT 1", now_ms())
                                   .one([](const db::Row&) { return true; }));
    if (!any) return {};
    return c.exec(std::string("UPDATE orders SET activation_code = NULL, matching_id = NULL, confirmation_code = NULL") +
                      kWhere, now_ms());
  });
  if (!s) log::error("provisioning: " + s.error().message);
}

void Provisioner::retry_later(const std::string& id, int attempts, std::int64_t delay_ms, const std::string& message,
                              const std::string& profile) {
  auto s = db_.with([&](db::Connection& c) {
    // A failed read of paid_ms only loses the cap: the retry is still recorded.
    auto paid = c.query("SELECT paid_ms FROM orders WHERE id = ?", id).one([](const db::Row& r) { return r.int64(0); });
    const std::int64_t deadline =
        paid && paid.value() ? *paid.value() + config_.provision_deadline_s * 1000 : INT64_MAX;
    return c.exec("UPDATE orders SET delivery_status = 'pending', delivery_attempts = ?, delivery_message = ?, "
                  "next_attempt_ms = ?, partner_profile = nullif(?, ''), updated_at = ? WHERE id = ?",
                  attempts, message, std::min(now_ms() + delay_ms, deadline), profile, rfc3339(now_ms()), id);
  });
  if (!s) log::error("provisioning: " + s.error().message);
}

void Provisioner::refund(const std::string& id, const std::string& from_state, const std::string& transaction,
                         const std::string& why) {
  const Remote<Refund> r = processor_.refund(transaction, "refund-" + id);
  if (!r.ok()) {
    log::error("provisioning: refund of " + id + " failed: " + r.error + "; retrying");
    auto s = db_.with([&](db::Connection& c) {
      return c.exec("UPDATE orders SET next_attempt_ms = ?, delivery_message = ? WHERE id = ?", now_ms() + 5000,
                    "refund pending", id);
    });
    if (!s) log::error("provisioning: " + s.error().message);
    return;
  }
  const OrderState from = parse_order_state(from_state).value_or(OrderState::Unknown);
  const std::string reason = (why.empty() ? "not delivered within " + std::to_string(config_.provision_deadline_s) + " s"
                                         : why) + "; payment refunded (" + r.value->id + ")";
  auto done = db_.with([&](db::Connection& c) {
    return db::in_transaction(c, [&](db::Connection& t) -> db::Result<std::optional<nlohmann::json>> {
      DB_TRY(transition(t, id, from, OrderState::Refunded, reason,
                        "payment_status = 'refunded', delivery_status = 'failed', next_attempt_ms = NULL, "
                        "delivery_message = ?",
                        {"the eSIM could not be delivered in time; the payment was refunded"}));
      return load_order(t, id);
    });
  });
  if (!done) return log::error("provisioning: " + done.error().message);
  log::info("provisioning: " + id + " refunded");
  if (done.value()) send_order_email(db_, outbox_, config_, *done.value(), "refund");
}

void Provisioner::process(const std::string& id) {
  auto loaded = db_.with([&](db::Connection& c) { return load_due(c, id); });
  if (!loaded) return log::error("provisioning: " + loaded.error().message);
  if (!loaded.value()) return;
  Due d = *loaded.value();
  if (d.state == "paid") {
    auto s = db_.with([&](db::Connection& c) {
      return db::in_transaction(c, [&](db::Connection& t) {
        return transition(t, id, OrderState::Paid, OrderState::Provisioning, "ordering the eSIM profile");
      });
    });
    if (!s) return log::error("provisioning: " + s.error().message);
    d.state = "provisioning";
  }
  if (now_ms() >= d.paid_ms + config_.provision_deadline_s * 1000) return refund(id, d.state, d.transaction);

  if (!d.topup_of.empty())
    return provision_topup(TopupJob{id, d.state, d.topup_of, d.plan, d.plan_json, d.transaction, d.attempts + 1});
  const Remote<EsimProfile> p = d.profile.empty() ? partner_.order_profile(id, d.plan, plan_size(d.plan_json))
                                                  : partner_.get_profile(d.profile);
  const int attempts = d.attempts + 1;
  if (!p.ok())
    return retry_later(id, attempts, retry_delay_ms(attempts), "the eSIM partner failed; retrying", d.profile);
  if (p.value->status == "pending")
    return retry_later(id, attempts, kPendingPollMs, "the eSIM partner is preparing the profile", p.value->id);

  const EsimProfile& e = *p.value;
  const ActivationCodeResult code = parse_activation_code(e.activation_code);
  std::string problem;
  if (e.status == "cancelled") problem = "the partner reports the profile cancelled";
  else if (!code.ok()) problem = "activation code failed validation: " + code.error.message;
  else if (!valid_iccid(e.iccid)) problem = "the ICCID is not 19 or 20 digits with a valid check digit";
  else if (code.code->smdp_address != e.smdp || code.code->matching_id != e.matching_id)
    problem = "the activation code does not match the SM-DP+ address and matching ID";

  auto done = db_.with([&](db::Connection& c) {
    return db::in_transaction(c, [&](db::Connection& t) -> db::Result<std::optional<nlohmann::json>> {
      DB_TRY(problem.empty() ? deliver(t, id, attempts, e, *code.code) : flag(t, id, attempts, e, problem));
      return load_order(t, id);
    });
  });
  if (!done) return log::error("provisioning: " + done.error().message);
  if (!problem.empty()) return log::error("provisioning: " + id + " flagged for support: " + problem);
  log::info("provisioning: " + id + " delivered");
  if (done.value()) send_order_email(db_, outbox_, config_, *done.value(), "delivery");
}

}  // namespace jupiter::server
