// unit-calendar.cpp: UTC dates and minutes from Unix time (core/calendar.hpp), checked against dates known by hand.
#include <doctest/doctest.h>

#include "core/calendar.hpp"

using namespace jupiter;

TEST_CASE("calendar: day counts map to the Gregorian date, leap days and century rules included") {
  CHECK(utc_date(0) == "1970-01-01");
  CHECK(utc_date(86400) == "1970-01-02");
  CHECK(utc_date(951782400) == "2000-02-29");    // 2000 is a leap year (divisible by 400)
  CHECK(utc_date(1709164800) == "2024-02-29");
  CHECK(utc_date(4107542400) == "2100-03-01");   // 2100 is not (divisible by 100): 28 February, then 1 March
  CHECK(utc_date(1767225599) == "2025-12-31");
  CHECK(utc_date(1767225600) == "2026-01-01");
  const CivilDate d = civil_from_days(20429);   // 2025-12-07
  CHECK((d.year == 2025 && d.month == 12 && d.day == 7));
}

TEST_CASE("calendar: a time before 1970 belongs to its own day, and minutes are UTC") {
  CHECK(utc_date(-1) == "1969-12-31");
  CHECK(utc_date(-86400) == "1969-12-31");
  CHECK(utc_date(-86401) == "1969-12-30");
  CHECK(utc_minute(0) == "1970-01-01 00:00 UTC");
  CHECK(utc_minute(-60) == "1969-12-31 23:59 UTC");
  CHECK(utc_minute(1765080000) == "2025-12-07 04:00 UTC");
  CHECK(utc_minute(1767225599) == "2025-12-31 23:59 UTC");
  CHECK_NOTHROW(utc_minute(std::int64_t{1} << 40));
}
