// job_claims.cpp: see job_claims.hpp.
#include "server/job_claims.hpp"

#include <unistd.h>

#include <array>
#include <cassert>

#include "server/clock.hpp"
#include "server/log.hpp"

namespace jupiter::server {

namespace {

constexpr std::array<const char*, 3> kQueues = {"orders", "payment_followups", "partner_webhooks"};

std::string claim_sql(std::string_view table) {
  assert(table == kQueues[0] || table == kQueues[1] || table == kQueues[2]);
  return "UPDATE " + std::string(table) + " SET next_attempt_ms = ?, lease_until_ms = ?, lease_owner = ? " +
         "WHERE id = ? AND next_attempt_ms = ?";
}

template <class Id>
db::Result<bool> claim(db::Connection& c, std::string_view table, const Id& id, std::int64_t seen_due,
                       std::int64_t now, const std::string& worker) {
  const std::int64_t until = now + kJobLeaseMs;
  DB_TRY(c.exec(claim_sql(table), until, until, worker, id, seen_due));
  return c.changes() == 1;
}

}  // namespace

db::Result<bool> claim_row(db::Connection& c, std::string_view table, std::int64_t id, std::int64_t seen_due,
                           std::int64_t now, const std::string& worker) {
  return claim(c, table, id, seen_due, now, worker);
}

db::Result<bool> claim_row(db::Connection& c, std::string_view table, const std::string& id, std::int64_t seen_due,
                           std::int64_t now, const std::string& worker) {
  return claim(c, table, id, seen_due, now, worker);
}

db::Result<int> take_back_leases(db::Connection& c, const std::string& worker, std::int64_t now) {
  int taken = 0;
  for (const char* table : kQueues) {
    DB_TRY(c.exec("UPDATE " + std::string(table) + " SET next_attempt_ms = ? WHERE lease_owner = ? AND " +
                      "next_attempt_ms = lease_until_ms AND next_attempt_ms > ?",
                  now, worker, now));
    taken += c.changes();
  }
  return taken;
}

std::string worker_name(int port) {
  std::array<char, 256> host{};
  if (gethostname(host.data(), host.size() - 1) != 0) host[0] = '\0';
  return std::string(host.data()) + ":" + std::to_string(port);
}

db::Result<bool> claim_turn(db::Connection& c, std::string_view job, std::int64_t now, std::int64_t period_ms) {
  DB_TRY(c.exec("INSERT INTO job_schedule(job, next_turn_ms) VALUES (?, ?) ON CONFLICT(job) DO UPDATE "
                "SET next_turn_ms = excluded.next_turn_ms WHERE job_schedule.next_turn_ms <= ?",
                std::string(job), now + period_ms, now));
  return c.changes() == 1;
}

bool take_turn(db::Database& db, std::string_view job, std::int64_t period_ms) {
  auto won = db.with([&](db::Connection& c) { return claim_turn(c, job, now_ms(), period_ms); });
  if (!won) log::error(std::string(job) + ": " + won.error().message);
  return won && won.value();
}

}  // namespace jupiter::server
