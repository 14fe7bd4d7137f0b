// clock.hpp: the server's wall clock, in the forms the orders use (Unix seconds and milliseconds, RFC 3339 UTC).
#pragma once
#include <chrono>
#include <cstdint>
#include <ctime>
#include <string>

namespace jupiter::server {

inline std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}
inline std::int64_t now_s() { return now_ms() / 1000; }

// 1764151200000 -> "2025-11-26T10:00:00Z" (whole seconds).
inline std::string rfc3339(std::int64_t ms) {
  const std::time_t t = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buffer;
}

}  // namespace jupiter::server
