// http1_parser.cpp: see http1_parser.hpp.
#include "server/http1_parser.hpp"

#include <algorithm>
#include <cctype>

namespace jupiter::server::http1 {

namespace {

constexpr std::size_t kMaxChunkLine = 1024;  // "1a2b;name=value" lines of a chunked body

bool is_tchar(char ch) {
  const auto c = static_cast<unsigned char>(ch);
  if (std::isalnum(c)) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(ch) != std::string_view::npos;
}

bool is_token(std::string_view s) { return !s.empty() && std::all_of(s.begin(), s.end(), is_tchar); }

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  return true;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Visible characters, spaces and tabs; bytes >= 0x80 allowed (obs-text). No NUL, CR, LF or other controls.
bool is_field_value(std::string_view v) {
  return std::all_of(v.begin(), v.end(), [](char ch) {
    const auto c = static_cast<unsigned char>(ch);
    return c == '\t' || (c >= 0x20 && c != 0x7f);
  });
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_hex_digit(char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; }

int hex_value(char ch) {
  if (ch >= '0' && ch <= '9') return ch - '0';
  if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
  if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
  return -1;
}

// Calls `fn(token)` for each comma-separated, trimmed, non-empty element of `list`.
template <typename Fn>
void for_each_token(std::string_view list, Fn fn) {
  while (!list.empty()) {
    const std::size_t comma = list.find(',');
    const std::string_view item = trim(list.substr(0, comma));
    if (!item.empty()) fn(item);
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
}

void parse_query(std::string_view query, std::vector<std::pair<std::string, std::string>>& params) {
  for (;;) {
    const std::size_t amp = query.find('&');
    const std::string_view item = query.substr(0, amp);
    if (!item.empty()) {
      const std::size_t eq = item.find('=');
      params.emplace_back(percent_decode(item.substr(0, eq), true),
                          eq == std::string_view::npos ? std::string() : percent_decode(item.substr(eq + 1), true));
    }
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
}

// Request line: METHOD SP target SP HTTP/1.x.
int parse_request_line(std::string_view line, Head& head, std::string& error) {
  const std::size_t sp1 = line.find(' ');
  const std::size_t sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos || line.find(' ', sp2 + 1) != std::string_view::npos) {
    error = "the request line is not 'METHOD target HTTP/1.1'";
    return 400;
  }
  const std::string_view method = line.substr(0, sp1);
  const std::string_view target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  const std::string_view version = line.substr(sp2 + 1);
  if (!is_token(method)) return error = "the method is not a token", 400;
  if (target.empty() || (target[0] != '/' && target != "*")) return error = "the target must start with '/'", 400;
  if (!std::all_of(target.begin(), target.end(), [](char c) { return static_cast<unsigned char>(c) > 0x20 && c != 0x7f; }))
    return error = "the target contains a control character", 400;
  if (version.size() != 8 || version.substr(0, 5) != "HTTP/" || !std::isdigit(static_cast<unsigned char>(version[5])) ||
      version[6] != '.' || !std::isdigit(static_cast<unsigned char>(version[7])))
    return error = "the protocol is not HTTP/1.x", 400;
  if (version[5] != '1' || (version[7] != '0' && version[7] != '1'))
    return error = "only HTTP/1.0 and HTTP/1.1 are supported", 505;
  head.method = std::string(method);
  head.target = std::string(target);
  head.minor_version = version[7] - '0';
  const std::size_t q = target.find('?');
  head.path = percent_decode(target.substr(0, q), false);
  if (q != std::string_view::npos) parse_query(target.substr(q + 1), head.params);
  return 0;
}

// Content-Length, Transfer-Encoding, Connection, Expect: the framing and connection semantics.
int apply_framing(Head& head, std::string& error) {
  bool has_length = false, has_te = false, close = false, keep_alive = false;
  std::string te;
  for (const auto& [name, value] : head.headers) {
    if (iequals(name, "Content-Length")) {
      if (value.empty() || value.size() > 18 || !std::all_of(value.begin(), value.end(), is_digit))
        return error = "Content-Length is not a number", 400;
      const std::size_t n = std::stoull(value);
      if (has_length && n != head.content_length) return error = "conflicting Content-Length headers", 400;
      has_length = true;
      head.content_length = n;
    } else if (iequals(name, "Transfer-Encoding")) {
      has_te = true;
      for_each_token(value, [&te](std::string_view t) { te += te.empty() ? "" : ","; te += t; });
    } else if (iequals(name, "Connection")) {
      for_each_token(value, [&](std::string_view t) {
        close = close || iequals(t, "close");
        keep_alive = keep_alive || iequals(t, "keep-alive");
      });
    } else if (iequals(name, "Expect")) {
      head.expect_continue = iequals(value, "100-continue");
    }
  }
  if (has_te && has_length) return error = "both Content-Length and Transfer-Encoding", 400;
  if (has_te && !iequals(te, "chunked")) return error = "only Transfer-Encoding: chunked is supported", 501;
  if (has_te && head.minor_version == 0) return error = "Transfer-Encoding in an HTTP/1.0 request", 400;
  head.chunked = has_te;
  head.keep_alive = head.minor_version == 1 ? !close : keep_alive && !close;
  return 0;
}

int parse_header_line(std::string_view line, Head& head, std::string& error) {
  if (line[0] == ' ' || line[0] == '\t') return error = "folded header lines (obs-fold) are not accepted", 400;
  const std::size_t colon = line.find(':');
  if (colon == std::string_view::npos) return error = "a header line has no ':'", 400;
  const std::string_view name = line.substr(0, colon);
  if (!is_token(name)) return error = "a header name is not a token", 400;
  const std::string_view value = trim(line.substr(colon + 1));
  if (!is_field_value(value)) return error = "a header value contains a control character", 400;
  head.headers.emplace_back(std::string(name), std::string(value));
  return 0;
}

}  // namespace

std::string percent_decode(std::string_view s, bool plus_is_space) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && hex_value(s[i + 1]) >= 0 && hex_value(s[i + 2]) >= 0) {
      out += static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2]));
      i += 2;
    } else {
      out += plus_is_space && s[i] == '+' ? ' ' : s[i];
    }
  }
  return out;
}

int parse_head(std::string_view text, const Limits& limits, Head& head, std::string& error) {
  head = Head{};
  std::size_t eol = text.find("\r\n");
  const std::string_view line = text.substr(0, eol);
  if (line.size() > limits.max_request_line) return error = "the request line is too long", 414;
  if (line.find('\n') != std::string_view::npos || line.find('\r') != std::string_view::npos)
    return error = "a line does not end in CRLF", 400;
  if (const int status = parse_request_line(line, head, error)) return status;
  if (eol != std::string_view::npos && text.size() - eol - 2 > limits.max_header_bytes)
    return error = "the request header fields are too large", 431;
  while (eol != std::string_view::npos) {
    const std::size_t start = eol + 2;
    eol = text.find("\r\n", start);
    const std::string_view field = text.substr(start, eol == std::string_view::npos ? eol : eol - start);
    if (field.empty()) return error = "an empty header line", 400;
    if (field.find('\n') != std::string_view::npos || field.find('\r') != std::string_view::npos)
      return error = "a line does not end in CRLF", 400;
    if (head.headers.size() >= limits.max_headers) return error = "too many request header fields", 431;
    if (const int status = parse_header_line(field, head, error)) return status;
  }
  return apply_framing(head, error);
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] Parser
// ---------------------------------------------------------------------------------------------------------
Parser::Status Parser::fail(int status, std::string message) {
  phase_ = Phase::Failed;
  error_status_ = status;
  error_message_ = std::move(message);
  buffer_.clear();
  return status_ = Status::Error;
}

Parser::Status Parser::feed(std::string_view bytes) {
  if (phase_ == Phase::Failed) return status_;
  buffer_.append(bytes.data(), bytes.size());
  return parse();
}

Parser::Status Parser::read_body() {
  if (phase_ != Phase::HeadDone) return status_;
  if (head_.chunked) {
    phase_ = Phase::ChunkSize;
  } else {
    if (head_.content_length > limits_.max_body) return fail(413, "the request body is too large");
    phase_ = Phase::Length;
    remaining_ = head_.content_length;
    body_.reserve(remaining_);
  }
  status_ = Status::NeedMore;
  return parse();
}

Parser::Status Parser::next() {
  if (phase_ != Phase::Done) return status_;
  head_ = Head{};
  body_.clear();
  body_.shrink_to_fit();
  phase_ = Phase::Head;
  scanned_ = 0;
  remaining_ = 0;
  trailer_bytes_ = 0;
  status_ = Status::NeedMore;
  return parse();
}

Parser::Status Parser::parse() {
  switch (phase_) {
    case Phase::Head: return parse_head_phase();
    case Phase::Length:
      if (!take_body()) return status_ = Status::NeedMore;
      phase_ = Phase::Done;
      return status_ = Status::Complete;
    case Phase::ChunkSize:
    case Phase::ChunkData:
    case Phase::ChunkDataEnd:
    case Phase::Trailers: return parse_chunked();
    default: return status_;
  }
}

Parser::Status Parser::parse_head_phase() {
  // A client may send empty lines before a request (RFC 9112 2.2): skip them.
  std::size_t skip = 0;
  while (skip + 1 < buffer_.size() && buffer_[skip] == '\r' && buffer_[skip + 1] == '\n') skip += 2;
  if (skip > 0) {
    buffer_.erase(0, skip);
    scanned_ = 0;
  }
  const std::size_t from = scanned_ >= 3 ? scanned_ - 3 : 0;
  const std::size_t end = buffer_.find("\r\n\r\n", from);
  if (end == std::string::npos) {
    for (std::size_t i = std::max<std::size_t>(scanned_, 1); i < buffer_.size(); ++i)
      if (buffer_[i] == '\n' && buffer_[i - 1] != '\r') return fail(400, "a line does not end in CRLF");
    if (!buffer_.empty() && buffer_[0] == '\n') return fail(400, "a line does not end in CRLF");
    scanned_ = buffer_.size();
    const std::size_t eol = buffer_.find("\r\n");
    const std::size_t line = eol == std::string::npos ? buffer_.size() : eol;
    if (line > limits_.max_request_line) return fail(414, "the request line is too long");
    if (eol != std::string::npos && buffer_.size() - eol - 2 > limits_.max_header_bytes + 2)
      return fail(431, "the request header fields are too large");
    return status_ = Status::NeedMore;
  }
  std::string error;
  if (const int status = parse_head(std::string_view(buffer_).substr(0, end), limits_, head_, error))
    return fail(status, std::move(error));
  buffer_.erase(0, end + 4);
  scanned_ = 0;
  phase_ = Phase::HeadDone;
  return status_ = Status::HeadReady;
}

// Moves up to remaining_ buffered bytes into the body; true when none remain.
bool Parser::take_body() {
  const std::size_t n = std::min(remaining_, buffer_.size());
  body_.append(buffer_, 0, n);
  buffer_.erase(0, n);
  remaining_ -= n;
  return remaining_ == 0;
}

// Takes one CRLF-terminated line off the buffer into `line` (without CRLF). False when there is none yet;
// then `too_long` says whether the buffered part already exceeds `limit`.
bool Parser::take_line(std::string& line, std::size_t limit, bool& too_long) {
  const std::size_t eol = buffer_.find("\r\n");
  too_long = (eol == std::string::npos ? buffer_.size() : eol) > limit;
  if (eol == std::string::npos || too_long) return false;
  line.assign(buffer_, 0, eol);
  buffer_.erase(0, eol + 2);
  return true;
}

Parser::Status Parser::parse_chunked() {
  std::string line;
  bool too_long = false;
  for (;;) {
    if (phase_ == Phase::ChunkSize) {
      if (!take_line(line, kMaxChunkLine, too_long))
        return too_long ? fail(400, "a chunk size line is too long") : (status_ = Status::NeedMore);
      const std::string_view size = std::string_view(line).substr(0, line.find(';'));
      if (size.empty() || size.size() > 15 || !std::all_of(size.begin(), size.end(), is_hex_digit))
        return fail(400, "a chunk size is not a hexadecimal number");
      remaining_ = std::stoull(std::string(size), nullptr, 16);
      if (remaining_ > limits_.max_body - std::min(limits_.max_body, body_.size()))
        return fail(413, "the request body is too large");
      phase_ = remaining_ == 0 ? Phase::Trailers : Phase::ChunkData;
    } else if (phase_ == Phase::ChunkData) {
      if (!take_body()) return status_ = Status::NeedMore;
      phase_ = Phase::ChunkDataEnd;
    } else if (phase_ == Phase::ChunkDataEnd) {
      if (buffer_.size() < 2) return status_ = Status::NeedMore;
      if (buffer_[0] != '\r' || buffer_[1] != '\n') return fail(400, "a chunk does not end in CRLF");
      buffer_.erase(0, 2);
      phase_ = Phase::ChunkSize;
    } else {  // Trailers: header-like lines until an empty one; bounded like the head, then dropped
      if (!take_line(line, limits_.max_header_bytes, too_long))
        return too_long ? fail(431, "the trailer fields are too large") : (status_ = Status::NeedMore);
      trailer_bytes_ += line.size() + 2;
      if (trailer_bytes_ > limits_.max_header_bytes) return fail(431, "the trailer fields are too large");
      if (!line.empty()) continue;
      phase_ = Phase::Done;
      return status_ = Status::Complete;
    }
  }
}

}  // namespace jupiter::server::http1
