// log.cpp: see log.hpp.
#include "server/log.hpp"

#include <algorithm>
#include <cstdio>
#include <mutex>

namespace jupiter::server::log {

namespace {

std::mutex& mutex() {
  static std::mutex m;
  return m;
}

void write_line(std::FILE* f, std::string_view line) {
  std::lock_guard<std::mutex> lock(mutex());
  std::fwrite(line.data(), 1, line.size(), f);
  std::fputc('\n', f);
  std::fflush(f);
}

}  // namespace

void info(std::string_view line) { write_line(stdout, line); }
void error(std::string_view line) { write_line(stderr, line); }

std::string printable(std::string_view text, std::size_t max_bytes) {
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(std::min(text.size(), max_bytes));
  for (char ch : text) {
    if (out.size() >= max_bytes) {
      out += "...";
      break;
    }
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c >= 0x7f || c == '\\') {
      out += "\\x";
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0x0f]);
    } else {
      out.push_back(ch);
    }
  }
  return out;
}

}  // namespace jupiter::server::log
