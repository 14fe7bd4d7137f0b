// http1_parser.hpp: a pure, incremental HTTP/1.1 request parser (RFC 9112): feed it bytes as they arrive, it
// says "need more", "head ready", "complete" or "error with this status". No sockets, no clocks, no httplib:
// the HTTP front (http_server.cpp) drives it, the tests and a libFuzzer target feed it directly.
//
// [X] Request line: method token, origin-form target ("/path?query") or "*", HTTP/1.0 or HTTP/1.1 (other
//     HTTP versions 505); at most `max_request_line` bytes (else 414).
// [X] Header fields: token names, no space before ':', no obs-fold, no control characters in values; at most
//     `max_headers` fields and `max_header_bytes` bytes in all (else 431). Lines end in CRLF.
// [X] Request smuggling defence (400): Content-Length together with Transfer-Encoding, several different
//     Content-Lengths, a Content-Length that is not a plain number; a Transfer-Encoding other than exactly
//     "chunked" is 501.
// [X] Bodies: Content-Length or chunked, counted on the decoded bytes against `max_body` (413 as soon as it is
//     passed, before the rest is read); chunk extensions ignored, trailers bounded like the head and dropped.
// [X] Pipelining: bytes after a complete request stay buffered for the next one (next()).
#pragma once
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace jupiter::server::http1 {

struct Limits {
  std::size_t max_request_line = 8 * 1024;  // bytes, without the CRLF
  std::size_t max_headers = 100;            // header fields
  std::size_t max_header_bytes = 16 * 1024; // all header lines together, without the request line
  std::size_t max_body = 1u << 20;          // decoded body bytes
};

// What a request's head says, already checked.
struct Head {
  std::string method;   // as sent, e.g. "GET"
  std::string target;   // as sent, e.g. "/api/orders/x?token=a%20b"
  std::string path;     // percent-decoded part before '?', e.g. "/api/orders/x"
  std::vector<std::pair<std::string, std::string>> params;   // decoded query ("+" is a space)
  std::vector<std::pair<std::string, std::string>> headers;  // names as sent, values without surrounding spaces
  int minor_version = 1;            // HTTP/1.<minor>
  bool keep_alive = true;           // what the request asks for (Connection header and version)
  bool expect_continue = false;     // Expect: 100-continue
  bool chunked = false;             // Transfer-Encoding: chunked
  std::size_t content_length = 0;   // when not chunked
  bool has_body() const { return chunked || content_length > 0; }
};

class Parser {
 public:
  enum class Status {
    NeedMore,   // feed more bytes
    HeadReady,  // head() is valid; call read_body() to go on with the body (or answer and stop)
    Complete,   // head() and body() are valid; next() prepares for the following request
    Error,      // error_status() / error_message() say why; the connection must be closed after the answer
  };

  explicit Parser(Limits limits = {}) : limits_(limits) {}

  // Appends `bytes` and parses as far as they allow.
  Status feed(std::string_view bytes);
  // After HeadReady: parse the body from what is buffered (and then from later feeds).
  Status read_body();
  // After Complete: forget this request, keep bytes already received after it, and parse them.
  Status next();

  Status status() const { return status_; }
  const Head& head() const { return head_; }
  Head& head() { return head_; }
  std::string& body() { return body_; }
  int error_status() const { return error_status_; }
  const std::string& error_message() const { return error_message_; }
  // True once any byte of the current request arrived (for the header deadline and idle time-outs).
  bool started() const { return !buffer_.empty() || phase_ != Phase::Head; }
  // True when the body was not yet received at all (for Expect: 100-continue).
  bool body_pending() const { return buffer_.empty() && body_.empty(); }

 private:
  enum class Phase { Head, HeadDone, Length, ChunkSize, ChunkData, ChunkDataEnd, Trailers, Done, Failed };

  Status parse();
  Status parse_head_phase();
  Status parse_chunked();
  Status fail(int status, std::string message);
  bool take_line(std::string& line, std::size_t limit, bool& too_long);
  bool take_body();

  Limits limits_;
  std::string buffer_;        // received, not yet consumed
  std::size_t scanned_ = 0;   // head phase: buffer_ bytes already searched for the end of the head
  Phase phase_ = Phase::Head;
  Status status_ = Status::NeedMore;
  Head head_;
  std::string body_;
  std::size_t remaining_ = 0;      // Length: body bytes still due; ChunkData: bytes of this chunk still due
  std::size_t trailer_bytes_ = 0;  // Trailers: bytes so far
  int error_status_ = 0;
  std::string error_message_;
};

// Parses a complete head (request line and header lines, each ending in CRLF, without the final empty line).
// Returns 0 and fills `head`, or an HTTP status (400, 414, 431, 501, 505) and sets `error`.
int parse_head(std::string_view text, const Limits& limits, Head& head, std::string& error);

// "%41b+c" -> "Ab+c" (or "Ab c" with `plus_is_space`). Invalid escapes stay as they are.
std::string percent_decode(std::string_view s, bool plus_is_space);

}  // namespace jupiter::server::http1
