// rate_limiter.cpp: see rate_limiter.hpp.
#include "server/rate_limiter.hpp"

#include <algorithm>
#include <iterator>

#include "core/order_rules.hpp"

namespace jupiter::server {

void RateLimiter::forget_quiet(std::int64_t now) {
  for (auto it = recent_.begin(); it != recent_.end();)
    it = it->second.empty() || it->second.back() <= now - window_s_ ? recent_.erase(it) : std::next(it);
}

std::int64_t RateLimiter::take(const std::string& key, std::int64_t now) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (recent_.size() > kMaxKeys) forget_quiet(now);
  std::vector<std::int64_t>& recent = recent_[key];
  recent.erase(std::remove_if(recent.begin(), recent.end(), [&](std::int64_t t) { return t <= now - window_s_; }),
               recent.end());
  const std::int64_t wait = rate_limit_wait(recent, now, limit_, window_s_);
  if (wait == 0) recent.push_back(now);
  return wait;
}

}  // namespace jupiter::server
