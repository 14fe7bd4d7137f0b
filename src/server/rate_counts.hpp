// rate_counts.hpp: per-client rate limits counted in the database, so that every server process on it counts the
// same events (issue 17: a client gets the limit once, not once per process).
//
// Events are counted per fixed window of `window_s` seconds (table rate_counts: scope, client, window start). The
// limit applies to a sliding estimate over the last window_s seconds: this window's count plus the previous one's,
// weighted by the share of the previous window still inside those seconds. A client is stored as the HMAC the
// caller gives (never an address); rows older than a day are removed by purge_rate_counts.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "server/db.hpp"

namespace jupiter::server {

struct RateLimit {
  std::string_view scope;  // what is counted ("orders"), 1-32 characters
  std::int64_t limit = 1;  // >= 1 events per window
  std::int64_t window_s = 60;  // >= 1
};

// Seconds to wait before the sliding estimate for `previous` events in the last window and `current` in this one
// (the new event included), `elapsed` seconds into this window, falls within `limit`; 0 when it already does.
// Pure: 0 <= elapsed < window_s; the answer is 0 or between 1 and window_s.
std::int64_t sliding_window_wait(std::int64_t previous, std::int64_t current, std::int64_t elapsed, const RateLimit& l);

// Counts one event for `client` at `now_s` and returns 0; or, when that would pass the limit, counts nothing and
// returns the seconds to wait (>= 1). Race-free across connections: the count is taken by one atomic upsert.
db::Result<std::int64_t> take_rate(db::Connection& c, const RateLimit& l, const std::string& client, std::int64_t now_s);

// take_rate for the client at `address` on `db`, the client stored as the HMAC of the scope and address under `key`
// (a secret all processes share).
db::Result<std::int64_t> take_client_rate(db::Database& db, const RateLimit& l, std::string_view key,
                                          const std::string& address, std::int64_t now_s);

// Removes the counts of windows that ended more than a day before `now_s`.
db::Status purge_rate_counts(db::Connection& c, std::int64_t now_s);

}  // namespace jupiter::server
