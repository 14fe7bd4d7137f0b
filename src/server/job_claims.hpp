// job_claims.hpp: how several server processes on one database share the background work without running a job
// twice (issue 17).
//
// Queue rows (orders being provisioned, payment follow-ups, partner webhooks) are due when next_attempt_ms <= now.
// A worker claims a due row by moving its next_attempt_ms to now + kJobLeaseMs, on the condition that the row
// still holds the value the worker read: one compare-and-set UPDATE, atomic on both engines (SQLite's write lock;
// PostgreSQL's row lock, after which READ COMMITTED re-checks the condition against the other claim). Exactly one
// worker sees 1 changed row; it also records itself as lease_owner and the lease end as lease_until_ms. The job's
// own end replaces next_attempt_ms (NULL when done, the retry time otherwise); a process killed mid-job leaves the
// row due again when the lease runs out, for any process to take up, and sooner for itself: a worker starting under
// the same name (host and port: no two live processes share it) takes back at once the leases it still held.
// kJobLeaseMs exceeds the longest job: one remote call, with 3 s connect + 5 s read + 5 s write time-outs.
//
// Periodic jobs that one process at a time should run (reconciliation, retention purge, the accounts' sweep) claim
// their turn in job_schedule: the row for the job name is moved to the next turn when its time has come, again by
// one conditional statement, so one process per period wins the turn.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

#include "server/db.hpp"

namespace jupiter::server {

inline constexpr std::int64_t kJobLeaseMs = 60'000;

// True when this caller now holds the lease on row `id` of `table` (whose next_attempt_ms it read as `seen_due`);
// false when another worker claimed it first or it is no longer due. `table` is one of the three queue tables.
// `worker` names this process (worker_name()).
db::Result<bool> claim_row(db::Connection& c, std::string_view table, std::int64_t id, std::int64_t seen_due,
                           std::int64_t now, const std::string& worker);
db::Result<bool> claim_row(db::Connection& c, std::string_view table, const std::string& id, std::int64_t seen_due,
                           std::int64_t now, const std::string& worker);

// Makes the rows `worker` leased and whose job never ended (next_attempt_ms still the lease end) due at `now`: call
// once at start-up, before the workers start. The number of rows taken back.
db::Result<int> take_back_leases(db::Connection& c, const std::string& worker, std::int64_t now);

// This process's name among the workers: "<host name>:<port>".
std::string worker_name(int port);

// True when this caller runs periodic job `job` now (its turn had come at `now`); the next turn is then at
// now + period_ms for every process. False when another process took this turn.
db::Result<bool> claim_turn(db::Connection& c, std::string_view job, std::int64_t now, std::int64_t period_ms);

// claim_turn at the current time on the shared connection; false, after logging, when the database failed.
// A worker's periodic round starts with `if (!take_turn(db, "purge", period)) return;` (a round run at start-up,
// which every process may do, does not).
bool take_turn(db::Database& db, std::string_view job, std::int64_t period_ms);

}  // namespace jupiter::server
