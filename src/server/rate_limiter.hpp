// rate_limiter.hpp: a per-key sliding-window rate limit (keys are client addresses), safe from any thread.
//
// At most `limit` events per key within any `window_s` seconds; an address quiet for a whole window is forgotten
// once more than kMaxKeys are tracked, so memory stays bounded by the busy addresses.
#pragma once
#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace jupiter::server {

class RateLimiter {
 public:
  static constexpr std::size_t kMaxKeys = 10000;

  // `limit` >= 1 events per `window_s` >= 1 seconds.
  RateLimiter(std::size_t limit, std::int64_t window_s) : limit_(limit), window_s_(window_s) {}

  // Counts one event for `key` at `now` (Unix seconds) and returns 0, or, when the key already had `limit`
  // events in the window, counts nothing and returns how many seconds to wait (>= 1).
  std::int64_t take(const std::string& key, std::int64_t now);

 private:
  void forget_quiet(std::int64_t now);

  const std::size_t limit_;
  const std::int64_t window_s_;
  std::mutex mutex_;
  std::map<std::string, std::vector<std::int64_t>> recent_;
};

}  // namespace jupiter::server
