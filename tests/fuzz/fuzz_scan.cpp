// fuzz_scan.cpp: libFuzzer target for core/scan (jupiter_sscanf, the scanner the store's ImGui calls). The input
// is the text, in a buffer of exactly its size plus the NUL (ASan: nothing is read past it). For each format: the
// count is within [-1, the format's stored conversions], and a %n is within the text. The numbers in the input, as
// ImGui writes them (%d, %X, %.9g of a float), read back as the same values (a float: the same or a neighbour).
// The comparison with musl's sscanf, the one this replaces, is in tests/unit/unit-scan.cpp (WebAssembly build).
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "core/scan.hpp"

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

struct Format {
  const char* text;
  int stored;  // conversions that store a value (%n not counted)
};

const Format kFormats[] = {{"Pos=%i,%i", 2},      {"0x%08X,%d", 2},   {"Column %d%n", 1},   {"Sort=%d%c%n", 2},
                           {"%d.%d", 2},          {"#version %d", 1}, {"%02X%02X%02X", 3}, {"Weight=%f%n", 1},
                           {"RefScale=%f", 1},    {"%lf %lld", 2},    {"%*i %hhx %ho", 2}, {"%3c%2f%n", 2},
                           {"%% %u %e %g %a", 4}, {" %5d %n", 1}};

// Every format over the text; the results stay inside their bounds.
void check_formats(const char* text, std::size_t size) {
  for (const Format& f : kFormats) {
    long long values[4][2] = {};  // room for any destination (at most 16 bytes each)
    const int count = jupiter_sscanf(text, f.text, values[0], values[1], values[2], values[3]);
    check(count >= -1 && count <= f.stored);
  }
  int n = -1;
  const int skipped = jupiter_sscanf(text, "%*[^,]%n", &n);  // %[ is not supported: the scan stops there
  check(skipped == 0 && n == -1);
  if (jupiter_sscanf(text, "%*d%n", &n) == 0 && n != -1) check(n >= 0 && static_cast<std::size_t>(n) <= size);
}

// The first bytes as an int and a float, written as ImGui writes them, read back.
void check_round_trips(const std::uint8_t* data, std::size_t size) {
  if (size < 8) return;
  std::int32_t i = 0;
  float f = 0;
  std::memcpy(&i, data, 4);
  std::memcpy(&f, data + 4, 4);
  char buf[64];
  int back = 0;
  std::snprintf(buf, sizeof buf, "Pos=%d,%X", i, static_cast<unsigned>(i));
  unsigned hex = 0;
  check(jupiter_sscanf(buf, "Pos=%i,%X", &back, &hex) == 2 && back == i && hex == static_cast<unsigned>(i));
  if (!std::isfinite(f)) return;  // inf and nan are not read (scan.hpp)
  std::snprintf(buf, sizeof buf, "Weight=%.9g", static_cast<double>(f));
  float read = 0;
  check(jupiter_sscanf(buf, "Weight=%f", &read) == 1);
  check(read == f || std::nextafter(read, f) == f);
  double d = 0;
  std::snprintf(buf, sizeof buf, "%.17g", static_cast<double>(f) * 1e10);
  const double written = static_cast<double>(f) * 1e10;
  check(jupiter_sscanf(buf, "%lf", &d) == 1 && std::fabs(d - written) <= 1e-14 * std::fabs(written));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::vector<char> text(data, data + size);
  text.push_back('\0');
  const std::size_t length = std::strlen(text.data());
  char* exact = static_cast<char*>(std::malloc(length + 1));  // exactly the text: ASan sees any read past it
  std::memcpy(exact, text.data(), length + 1);
  check_formats(exact, length);
  std::free(exact);
  check_round_trips(data, size);
  return 0;
}
