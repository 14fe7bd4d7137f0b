// calendar.hpp: UTC calendar dates and times from Unix time, written the one way the store shows them.
//
// The proleptic Gregorian calendar (Howard Hinnant's civil_from_days), valid for any day count an int64 of seconds
// can name; times before 1970 round down to their day (floor division), never up.
#pragma once
#include <cstdint>
#include <string>

namespace jupiter {

struct CivilDate {
  std::int64_t year = 1970;
  int month = 1;  // 1..12
  int day = 1;    // 1..31
};

// Days since 1970-01-01 (negative: before) -> the calendar date.
CivilDate civil_from_days(std::int64_t days);

// "2026-12-07": the UTC date of Unix second `unix_s`.
std::string utc_date(std::int64_t unix_s);

// "2026-12-07 04:33 UTC": the UTC date and minute of Unix second `unix_s`.
std::string utc_minute(std::int64_t unix_s);

}  // namespace jupiter
