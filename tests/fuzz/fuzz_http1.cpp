// fuzz_http1.cpp: libFuzzer target for the HTTP/1.1 request parser (server/http1_parser): the input is fed in
// pieces whose sizes come from its first byte, the state machine is driven as the front drives it (read_body
// after a head, next after a request), and its promises are checked: bodies never exceed the limit, errors
// carry a 4xx/5xx status, a head never holds more fields than allowed. Built by run.sh, not by CMake.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "server/http1_parser.hpp"

namespace http1 = jupiter::server::http1;

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

void check_state(const http1::Parser& p, const http1::Limits& limits) {
  using S = http1::Parser::Status;
  if (p.status() == S::Error) check(p.error_status() >= 400 && p.error_status() <= 505);
  if (p.status() == S::HeadReady || p.status() == S::Complete) check(p.head().headers.size() <= limits.max_headers);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  http1::Limits limits;
  limits.max_body = 4096;  // small, so that the limit is reached often
  limits.max_headers = 8;
  limits.max_header_bytes = 512;
  limits.max_request_line = 256;
  const std::size_t step = 1 + data[0] % 17;
  const std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  http1::Parser p(limits);
  using S = http1::Parser::Status;
  for (std::size_t at = 0; at < input.size() && p.status() != S::Error;) {
    S s = p.feed(input.substr(at, step));
    at += step;
    for (int guard = 0; guard < 64 && (s == S::HeadReady || s == S::Complete); ++guard) {
      check_state(p, limits);
      if (s == S::HeadReady) {
        s = p.read_body();
      } else {
        check(p.body().size() <= limits.max_body);
        (void)http1::percent_decode(p.head().target, true);
        s = p.next();
      }
    }
    check_state(p, limits);
  }
  return 0;
}
