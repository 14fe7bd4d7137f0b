// log.hpp: line-oriented logging shared by the server's threads. One call writes one whole line and flushes,
// so lines from different worker threads never interleave and a test reading the pipe sees them at once.
#pragma once
#include <cstddef>
#include <string>
#include <string_view>

namespace jupiter::server::log {

void info(std::string_view line);   // stdout: startup, access log
void error(std::string_view line);  // stderr: warnings and failures

// `text` with control characters, NUL, backslash and non-ASCII bytes escaped as \xNN, cut to `max_bytes`:
// safe to put a client-supplied path into a log line.
std::string printable(std::string_view text, std::size_t max_bytes = 200);

}  // namespace jupiter::server::log
