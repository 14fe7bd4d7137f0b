// rate_counts.cpp: see rate_counts.hpp.
#include "server/rate_counts.hpp"

#include <algorithm>
#include <cmath>

#include "server/crypto.hpp"

namespace jupiter::server {

std::int64_t sliding_window_wait(std::int64_t previous, std::int64_t current, std::int64_t elapsed, const RateLimit& l) {
  const double w = static_cast<double>(l.window_s);
  const double left = w - static_cast<double>(elapsed);  // seconds of the previous window still counted
  if (static_cast<double>(previous) * left / w + static_cast<double>(current) <= static_cast<double>(l.limit)) return 0;
  if (current > l.limit) return std::max<std::int64_t>(1, l.window_s - elapsed);  // over within this window alone
  // The previous window's weight falls by previous / w an event per second: wait until it has fallen enough.
  const double t = left - static_cast<double>(l.limit - current) * w / static_cast<double>(previous);
  return std::clamp<std::int64_t>(static_cast<std::int64_t>(std::ceil(t)), 1, l.window_s);
}

db::Result<std::int64_t> take_rate(db::Connection& c, const RateLimit& l, const std::string& client, std::int64_t now_s) {
  const std::int64_t start = now_s - now_s % l.window_s;
  const std::string scope(l.scope);
  DB_TRY_LET(const auto counted,
             c.query("INSERT INTO rate_counts(scope, client, window_start, events) VALUES (?, ?, ?, 1) "
                     "ON CONFLICT (scope, client, window_start) DO UPDATE SET events = rate_counts.events + 1 "
                     "RETURNING events",
                     scope, client, start)
                 .one([](const db::Row& r) { return r.int64(0); }));
  DB_TRY_LET(const auto previous,
             c.query("SELECT events FROM rate_counts WHERE scope = ? AND client = ? AND window_start = ?", scope, client,
                     start - l.window_s)
                 .one([](const db::Row& r) { return r.int64(0); }));
  const std::int64_t wait = sliding_window_wait(previous.value_or(0), counted.value_or(1), now_s - start, l);
  if (wait > 0)  // refused: the event is not counted
    DB_TRY(c.exec("UPDATE rate_counts SET events = events - 1 WHERE scope = ? AND client = ? AND window_start = ?", scope,
                  client, start));
  return wait;
}

db::Result<std::int64_t> take_client_rate(db::Database& db, const RateLimit& l, std::string_view key,
                                          const std::string& address, std::int64_t now_s) {
  const std::string client = hmac_sha256_hex(key, std::string(l.scope) + " client\n" + address);
  return db.with([&](db::Connection& c) { return take_rate(c, l, client, now_s); });
}

db::Status purge_rate_counts(db::Connection& c, std::int64_t now_s) {
  return c.exec("DELETE FROM rate_counts WHERE window_start < ?", now_s - 86400 - 3600);
}

}  // namespace jupiter::server
