// unit-qr.cpp: QR matrices for activation codes (level M, version, finders, fixed modules) and their pixel fit.
#include <doctest/doctest.h>

#include <string>

#include "core/qr.hpp"

using namespace jupiter;

namespace {
// The 15 format bits as ISO/IEC 18004 places them beside the top-left finder, unmasked (XOR 0x5412).
int format_bits(const qr::Matrix& m) {
  int v = 0;
  auto put = [&v](int bit, bool dark) { v |= (dark ? 1 : 0) << bit; };
  for (int i = 0; i <= 5; ++i) put(i, m.dark(8, i));
  put(6, m.dark(8, 7));
  put(7, m.dark(8, 8));
  put(8, m.dark(7, 8));
  for (int i = 9; i < 15; ++i) put(i, m.dark(14 - i, 8));
  return v ^ 0x5412;
}
constexpr int kEccM = 0;  // the two level bits: L = 01, M = 00, Q = 11, H = 10

// A finder pattern with its top-left corner at (x, y): dark ring, light ring, dark 3x3 centre.
bool finder_at(const qr::Matrix& m, int x, int y) {
  for (int dy = 0; dy < 7; ++dy)
    for (int dx = 0; dx < 7; ++dx) {
      const int ring = std::max(std::abs(dx - 3), std::abs(dy - 3));
      if (m.dark(x + dx, y + dy) != (ring != 2)) return false;
    }
  return true;
}
}  // namespace

TEST_CASE("an activation code becomes a level-M QR matrix of the expected version") {
  SUBCASE("upper case fits the alphanumeric mode: version 3") {
    const auto r = qr::encode("LPA:1$SMDP.EXAMPLE.COM$04386-AGYFT-A74Y8-3F815");
    REQUIRE(r.ok());
    CHECK(r.error.empty());
    CHECK(r.matrix->size == 29);
    CHECK(r.matrix->version() == 3);
    CHECK((format_bits(*r.matrix) >> 13) == kEccM);
  }
  SUBCASE("lower case needs the byte mode: version 4, still level M (no boost)") {
    const auto r = qr::encode("LPA:1$smdp.example.com$04386-AGYFT-A74Y8-3F815");
    REQUIRE(r.ok());
    CHECK(r.matrix->size == 33);
    CHECK((format_bits(*r.matrix) >> 13) == kEccM);
  }
  SUBCASE("a short payload that would fit level H at version 1 stays at M") {
    const auto r = qr::encode("LPA:1$A.BC$1");
    REQUIRE(r.ok());
    CHECK(r.matrix->size == 21);
    CHECK((format_bits(*r.matrix) >> 13) == kEccM);
  }
}

// Fixed module matrices ('#' dark), made with qrcodegen 1.8.0's C++ API before qr.cpp moved to its C API (issue 14)
// and decoded back to their text with zbarimg: the same input must keep giving exactly these modules (mask
// choice included), whatever qrcodegen port or version sits behind qr::encode.
namespace {
const char* const kAlphanumericV3[] = {
    "#######.#.#.####.###..#######",
    "#.....#.#...##..###...#.....#",
    "#.###.#.....#...#..#..#.###.#",
    "#.###.#.###.#.##..###.#.###.#",
    "#.###.#..#.#..#.#..#..#.###.#",
    "#.....#...#..#.######.#.....#",
    "#######.#.#.#.#.#.#.#.#######",
    "........#..##..###...........",
    "#.##.###..#..#.#.##.#.#..#.##",
    ".......##.##.###.#.##.##.#...",
    "#.##..#..#..##..#.#####.#.#..",
    ".#..#....##.#...#..##...###.#",
    ".##.#.##..##..##...##.##..#.#",
    "#.##.#.##.###.#.#....#.##..#.",
    ".##...#.#...##.####.##.###.#.",
    ".##.##..#..#..#.##..#.......#",
    "#.....#.###...##..###...###..",
    "....##.####...#.#.#..#####...",
    "#..##.######.###..#.##.##.###",
    "..#..#.#..#.###..#.#.##.###..",
    ".#...######.#####..#########.",
    "........#####..##..##...#...#",
    "#######.##....##..###.#.#....",
    "#.....#.##.####.#.###...#.##.",
    "#.###.#..#.....#.########.#..",
    "#.###.#.##.##..##.#.#.#..#.#.",
    "#.###.#.##....#....###.#.##.#",
    "#.....#..##..#.##.#....#...##",
    "#######.#....##.###.#....##..",
};
const char* const kByteV4[] = {
    "#######.##.##.#.###....#..#######",
    "#.....#..#..#...##.#....#.#.....#",
    "#.###.#...##.#.#...###.#..#.###.#",
    "#.###.#.#...#.#..####.#.#.#.###.#",
    "#.###.#.#...###..####.###.#.###.#",
    "#.....#.##..###.#..#....#.#.....#",
    "#######.#.#.#.#.#.#.#.#.#.#######",
    "........#####.#####..#.#.........",
    "#...#.###.#.##...#######.#####..#",
    "...#...##....###..#....#.#.#..#.#",
    ".#..#.####.....###..##.##.#..#.#.",
    ".####.......#.#..###.#.###.##...#",
    "#..######.#..##...###....###..#.#",
    "######...#.#....#..#.#.##..#.##.#",
    "#..#..#....##.#.####.#.#.#####.#.",
    "#.###...#..#..#..#.###..##..##...",
    ".##...#...####.####.###.#.###....",
    "...#.#.#...#..##.#...###.#.#..###",
    "..##.##...#.#.###.#....#..###..#.",
    "#.#.#...#....####..##.#.#...##.#.",
    "#..#####.#...####.....########.#.",
    "##.#.#..##..##....###....#...#.##",
    "...#.###..##.###.#..######.....#.",
    "..#..#.#.###..####...##.....#...#",
    "##..#.###..##.#.#######.#####.#..",
    "........#.#.#..#....#...#...#...#",
    "#######.#.##..##.#..###.#.#.####.",
    "#.....#..#.##...###.##.##...##.##",
    "#.###.#.#..#.#....###...######..#",
    "#.###.#....#..#.#..#.##.#.#.#.##.",
    "#.###.#....#.##.####.#.#.####....",
    "#.....#..#.###...#.####.###.##...",
    "#######.##.##..####.###.#.#..#..#",
};

template <std::size_t N>
std::string rows_of(const char* const (&rows)[N]) {
  std::string s;
  for (const char* row : rows) s.append(row).push_back('\n');
  return s;
}
std::string rows_of(const qr::Matrix& m) {
  std::string s;
  for (int y = 0; y < m.size; ++y) {
    for (int x = 0; x < m.size; ++x) s.push_back(m.dark(x, y) ? '#' : '.');
    s.push_back('\n');
  }
  return s;
}
}  // namespace

TEST_CASE("known activation codes give exactly the fixed module matrices") {
  SUBCASE("alphanumeric mode, version 3") {
    const auto r = qr::encode("LPA:1$SMDP.EXAMPLE.COM$04386-AGYFT-A74Y8-3F815");
    REQUIRE(r.ok());
    CHECK(rows_of(*r.matrix) == rows_of(kAlphanumericV3));
  }
  SUBCASE("byte mode, version 4") {
    const auto r = qr::encode("LPA:1$smdp.example.com$04386-AGYFT-A74Y8-3F815");
    REQUIRE(r.ok());
    CHECK(rows_of(*r.matrix) == rows_of(kByteV4));
  }
}

TEST_CASE("the matrix has the three finder patterns and the timing pattern") {
  const auto r = qr::encode("https://store.example/?order=ord_123#t=abc");
  REQUIRE(r.ok());
  const qr::Matrix& m = *r.matrix;
  CHECK(finder_at(m, 0, 0));
  CHECK(finder_at(m, m.size - 7, 0));
  CHECK(finder_at(m, 0, m.size - 7));
  CHECK_FALSE(finder_at(m, m.size - 7, m.size - 7));
  for (int i = 8; i < m.size - 8; ++i) {
    CHECK(m.dark(i, 6) == (i % 2 == 0));
    CHECK(m.dark(6, i) == (i % 2 == 0));
  }
  CHECK(m.cells.size() == static_cast<std::size_t>(m.size * m.size));
  CHECK_FALSE(m.dark(-1, 0));
  CHECK_FALSE(m.dark(0, m.size));
}

TEST_CASE("bad payloads are error values, never exceptions") {
  CHECK_FALSE(qr::encode("").ok());
  CHECK_FALSE(qr::encode("").error.empty());
  const auto too_long = qr::encode(std::string(qr::kMaxPayloadBytes + 1, 'A'));
  CHECK_FALSE(too_long.ok());
  CHECK(too_long.error.find("over the limit") != std::string::npos);
  CHECK(qr::encode(std::string(qr::kMaxPayloadBytes, 'x')).ok());
  const auto nul = qr::encode(std::string("LPA:1$a.b$\0x", 12));
  CHECK_FALSE(nul.ok());
  CHECK(nul.error.find("NUL") != std::string::npos);
}

TEST_CASE("modules get a whole number of device pixels and the code stays readable in size") {
  // 29 modules + 2 * 4 quiet = 37 modules across.
  SUBCASE("desktop at 1x: as large as allowed, at least 200 CSS px") {
    const auto f = qr::fit_modules(29, 200, 280, 800, 1.0);
    CHECK(f.module_px == 7);
    CHECK(f.side_px == 259);
  }
  SUBCASE("fractional ratios still give whole device pixels and >= 200 CSS px") {
    for (double dpr : {1.0, 1.25, 1.5, 1.75, 2.0, 2.625, 3.0}) {
      const auto f = qr::fit_modules(33, 200, 280, 1000, dpr);
      INFO("dpr ", dpr);
      CHECK(f.module_px >= 1);
      CHECK(f.side_px == f.module_px * (33 + 2 * qr::kQuietZone));
      CHECK(f.side_px / dpr >= 200.0);
      CHECK(f.side_px / dpr <= 280.0);
    }
  }
  SUBCASE("a narrow phone shrinks it to the space available") {
    const auto f = qr::fit_modules(33, 200, 280, 180, 3.0);
    CHECK(f.side_px / 3.0 <= 180.0);
    CHECK(f.module_px == 13);  // floor(180 * 3 / 41)
  }
  SUBCASE("a bigger minimum wins over the maximum when there is room") {
    const auto f = qr::fit_modules(57, 200, 220, 900, 1.0);  // 65 modules: 3 px = 195 < 200, so 4 px
    CHECK(f.module_px == 4);
    CHECK(f.side_px == 260);
  }
  SUBCASE("nonsense inputs do not divide by zero") {
    CHECK(qr::fit_modules(0, 200, 280, 800, 1.0).module_px == 0);
    CHECK(qr::fit_modules(21, 200, 280, 800, 0.0).module_px >= 1);
    CHECK(qr::fit_modules(21, 200, 280, 0, 2.0).module_px == 1);
  }
}
