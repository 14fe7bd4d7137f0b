// calendar.cpp: see calendar.hpp.
#include "core/calendar.hpp"

#include <cstdio>

namespace jupiter {

namespace {

constexpr std::int64_t kDaySeconds = 86400;

std::int64_t floor_div(std::int64_t a, std::int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

}  // namespace

CivilDate civil_from_days(std::int64_t days) {
  // Eras of 400 years (146097 days) counted from 0000-03-01, years that begin in March (leap day last).
  const std::int64_t z = days + 719468;
  const std::int64_t era = floor_div(z, 146097);
  const std::int64_t doe = z - era * 146097;                                       // 0..146096
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;  // 0..399
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);                // 0..365
  const std::int64_t mp = (5 * doy + 2) / 153;                                     // 0..11, from March
  CivilDate d;
  d.day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  d.month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  d.year = yoe + era * 400 + (d.month <= 2 ? 1 : 0);
  return d;
}

std::string utc_date(std::int64_t unix_s) {
  const CivilDate d = civil_from_days(floor_div(unix_s, kDaySeconds));
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04lld-%02d-%02d", static_cast<long long>(d.year), d.month, d.day);
  return buf;
}

std::string utc_minute(std::int64_t unix_s) {
  const std::int64_t secs = unix_s - floor_div(unix_s, kDaySeconds) * kDaySeconds;  // 0..86399
  char buf[24];
  std::snprintf(buf, sizeof buf, " %02d:%02d UTC", static_cast<int>(secs / 3600), static_cast<int>(secs / 60 % 60));
  return utc_date(unix_s) + buf;
}

}  // namespace jupiter
