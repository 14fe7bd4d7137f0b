// json_lite.cpp: see json_lite.hpp. A recursive-descent checker over a string_view (depth and size bounded), and
// accessors that walk the checked text without copying it.
#include "core/json_lite.hpp"

#include <cstring>

namespace jupiter::json_lite {

namespace {

bool is_ws(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

std::string_view trim_front(std::string_view s) {
  while (!s.empty() && is_ws(s.front())) s.remove_prefix(1);
  return s;
}

int hex_digit(char c) {
  if (is_digit(c)) return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Checks one document; never builds anything.
class Checker {
 public:
  explicit Checker(std::string_view s) : s_(s) {}

  bool document() {
    ws();
    if (!value(0)) return false;
    ws();
    return pos_ == s_.size();
  }

 private:
  bool at_end() const { return pos_ >= s_.size(); }
  char peek() const { return at_end() ? '\0' : s_[pos_]; }
  void ws() {
    while (!at_end() && is_ws(s_[pos_])) ++pos_;
  }
  bool literal(std::string_view word) {
    if (s_.substr(pos_, word.size()) != word) return false;
    pos_ += word.size();
    return true;
  }

  bool value(int depth) {
    switch (peek()) {
      case '{': return depth < kMaxDepth && container('}', depth + 1);
      case '[': return depth < kMaxDepth && container(']', depth + 1);
      case '"': return string();
      case 't': return literal("true");
      case 'f': return literal("false");
      case 'n': return literal("null");
      default: return number();
    }
  }

  // An object (close == '}': "key": value members) or an array (close == ']').
  bool container(char close, int depth) {
    ++pos_;
    ws();
    if (peek() == close) return ++pos_, true;
    for (;;) {
      ws();
      if (close == '}') {
        if (peek() != '"' || !string()) return false;
        ws();
        if (peek() != ':') return false;
        ++pos_;
        ws();
      }
      if (!value(depth)) return false;
      ws();
      if (peek() == close) return ++pos_, true;
      if (peek() != ',') return false;
      ++pos_;
    }
  }

  bool digits() {
    if (!is_digit(peek())) return false;
    while (is_digit(peek())) ++pos_;
    return true;
  }

  bool number() {
    if (peek() == '-') ++pos_;
    if (peek() == '0') ++pos_;
    else if (!digits()) return false;
    if (peek() == '.') {
      ++pos_;
      if (!digits()) return false;
    }
    if (peek() == 'e' || peek() == 'E') {
      ++pos_;
      if (peek() == '+' || peek() == '-') ++pos_;
      if (!digits()) return false;
    }
    return true;
  }

  // \uXXXX after the backslash and 'u': the code unit, or -1.
  long hex4() {
    if (s_.size() - pos_ < 4) return -1;
    long cp = 0;
    for (int i = 0; i < 4; ++i) {
      const int d = hex_digit(s_[pos_++]);
      if (d < 0) return -1;
      cp = cp * 16 + d;
    }
    return cp;
  }

  bool escape() {
    const char c = peek();
    ++pos_;
    if (c != 'u') return c == '"' || c == '\\' || c == '/' || c == 'b' || c == 'f' || c == 'n' || c == 'r' || c == 't';
    const long cp = hex4();
    if (cp < 0 || (cp >= 0xDC00 && cp <= 0xDFFF)) return false;  // not hex, or a lone low surrogate
    if (cp >= 0xD800 && cp <= 0xDBFF) {
      if (!literal("\\u")) return false;
      const long low = hex4();
      return low >= 0xDC00 && low <= 0xDFFF;
    }
    return true;
  }

  // One UTF-8 sequence at pos_ (lead byte >= 0x80): well formed, no overlongs, surrogates or code points above
  // U+10FFFF.
  bool utf8() {
    const auto b0 = static_cast<unsigned char>(s_[pos_]);
    int len;
    std::uint32_t cp;
    if (b0 >= 0xC2 && b0 <= 0xDF) len = 2, cp = b0 & 0x1Fu;
    else if (b0 >= 0xE0 && b0 <= 0xEF) len = 3, cp = b0 & 0x0Fu;
    else if (b0 >= 0xF0 && b0 <= 0xF4) len = 4, cp = b0 & 0x07u;
    else return false;
    if (s_.size() - pos_ < static_cast<std::size_t>(len)) return false;
    for (int i = 1; i < len; ++i) {
      const auto b = static_cast<unsigned char>(s_[pos_ + static_cast<std::size_t>(i)]);
      if ((b & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (b & 0x3Fu);
    }
    if ((len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
      return false;
    pos_ += static_cast<std::size_t>(len);
    return true;
  }

  bool string() {
    ++pos_;  // the opening quote
    while (!at_end()) {
      const auto c = static_cast<unsigned char>(s_[pos_]);
      if (c == '"') return ++pos_, true;
      if (c < 0x20) return false;
      if (c == '\\') {
        ++pos_;
        if (!escape()) return false;
      } else if (c >= 0x80) {
        if (!utf8()) return false;
      } else {
        ++pos_;
      }
    }
    return false;
  }

  std::string_view s_;
  std::size_t pos_ = 0;
};

// The length of the value at the start of `s` (checked text): a string to its closing quote, a container to its
// matching bracket (strings inside skipped), a literal or number to the next delimiter.
std::size_t value_length(std::string_view s) {
  std::size_t i = 0;
  int depth = 0;
  bool in_string = false;
  for (; i < s.size(); ++i) {
    const char c = s[i];
    if (in_string) {
      if (c == '\\') ++i;
      else if (c == '"') {
        in_string = false;
        if (depth == 0) return i + 1;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      ++depth;
    } else if (c == '}' || c == ']') {
      if (depth == 0) return i;  // the end of a literal or number inside a container
      if (--depth == 0) return i + 1;
    } else if (depth == 0 && (c == ',' || is_ws(c))) {
      return i;
    }
  }
  return i;
}

// Splits the value at the start of `s` off it.
Value take_value(std::string_view& s) {
  const std::size_t n = value_length(s);
  const Value v(s.substr(0, n));
  s = trim_front(s.substr(n));
  return v;
}

// Where decoded string bytes go: the first `capacity` into `out` (may be null), each compared with `expect` when
// one is given. One sink for both (not a template per caller): the consent module's size counts every byte.
struct Sink {
  char* out = nullptr;
  std::size_t capacity = 0;
  const std::string_view* expect = nullptr;
  std::size_t n = 0;  // bytes decoded so far
  bool same = true;   // every byte so far equals expect's
  void put(char c) {
    if (n < capacity) out[n] = c;
    if (expect) same = same && n < expect->size() && (*expect)[n] == c;
    ++n;
  }
};

// Puts code point cp in UTF-8.
void put_utf8(Sink& sink, std::uint32_t cp) {
  auto byte = [&](std::uint32_t b) { sink.put(static_cast<char>(b)); };
  if (cp < 0x80) byte(cp);
  else if (cp < 0x800) byte(0xC0 | (cp >> 6)), byte(0x80 | (cp & 0x3F));
  else if (cp < 0x10000) byte(0xE0 | (cp >> 12)), byte(0x80 | ((cp >> 6) & 0x3F)), byte(0x80 | (cp & 0x3F));
  else
    byte(0xF0 | (cp >> 18)), byte(0x80 | ((cp >> 12) & 0x3F)), byte(0x80 | ((cp >> 6) & 0x3F)),
        byte(0x80 | (cp & 0x3F));
}

std::uint32_t read_hex4(std::string_view s, std::size_t at) {
  std::uint32_t cp = 0;
  for (std::size_t i = at; i < at + 4 && i < s.size(); ++i) cp = cp * 16 + static_cast<std::uint32_t>(hex_digit(s[i]) & 15);
  return cp;
}

// Puts each byte of the checked string literal's body s (no quotes), escapes decoded.
void decode_string(std::string_view s, Sink& sink) {
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '\\' && i + 1 < s.size()) {
      c = s[++i];
      switch (c) {
        case 'b': c = '\b'; break;
        case 'f': c = '\f'; break;
        case 'n': c = '\n'; break;
        case 'r': c = '\r'; break;
        case 't': c = '\t'; break;
        case 'u': {
          std::uint32_t cp = read_hex4(s, i + 1);
          i += 4;
          if (cp >= 0xD800 && cp <= 0xDBFF) {  // the checker saw the low half right after it
            cp = 0x10000 + ((cp - 0xD800) << 10) + (read_hex4(s, i + 3) - 0xDC00);
            i += 6;
          }
          put_utf8(sink, cp);
          continue;
        }
        default: break;  // '"', '\\', '/' stand for themselves
      }
    }
    sink.put(c);
  }
}

}  // namespace

Status check_object(std::string_view text, std::size_t max_bytes) {
  if (text.size() > max_bytes) return Status::TooLarge;
  if (!Checker(text).document()) return Status::NotJson;
  return Value::document(text).is(Value::Type::Object) ? Status::Ok : Status::NotObject;
}

Value Value::document(std::string_view checked_text) {
  std::string_view s = trim_front(checked_text);
  return take_value(s);
}

Value::Type Value::type() const {
  if (raw_.empty()) return Type::Missing;
  switch (raw_[0]) {
    case '{': return Type::Object;
    case '[': return Type::Array;
    case '"': return Type::String;
    case 't':
    case 'f': return Type::Bool;
    case 'n': return Type::Null;
    default: break;
  }
  for (char c : raw_)
    if (c == '.' || c == 'e' || c == 'E') return Type::Number;
  return Type::Int;
}

std::int64_t Value::integer() const {
  if (!is(Type::Int)) return 0;
  const bool negative = raw_[0] == '-';
  // Accumulate as a negative number so that INT64_MIN fits; saturate when the digits do not fit.
  std::int64_t acc = 0;
  for (std::size_t i = negative ? 1 : 0; i < raw_.size(); ++i) {
    const int d = raw_[i] - '0';
    if (acc < (INT64_MIN + d) / 10) return negative ? INT64_MIN : INT64_MAX;
    acc = acc * 10 - d;
  }
  if (negative) return acc;
  return acc == INT64_MIN ? INT64_MAX : -acc;
}

std::size_t Value::decode(char* out, std::size_t capacity) const {
  if (!is(Type::String)) return 0;
  Sink sink{out, capacity};
  decode_string(raw_.substr(1, raw_.size() - 2), sink);
  return sink.n;
}

std::string Value::text() const {
  if (const auto plain = unescaped()) return std::string(*plain);
  std::string out(decode(nullptr, 0), '\0');
  decode(out.data(), out.size());
  return out;
}

std::optional<std::string_view> Value::unescaped() const {
  if (!is(Type::String)) return std::nullopt;
  const std::string_view body = raw_.substr(1, raw_.size() - 2);
  if (std::memchr(body.data(), '\\', body.size())) return std::nullopt;
  return body;
}

bool Value::equals(std::string_view plain) const {
  if (!is(Type::String)) return false;
  Sink sink;
  sink.expect = &plain;
  decode_string(raw_.substr(1, raw_.size() - 2), sink);
  return sink.same && sink.n == plain.size();
}

Value Value::find(std::string_view key, bool* duplicate) const {
  Value found;
  for (Members m(*this); m.next();) {
    if (!m.key().equals(key)) continue;
    if (!found.raw_.empty()) {
      if (duplicate) *duplicate = true;
      break;
    }
    found = m.value();
  }
  return found;
}

Members::Members(Value container) : object_(container.is(Value::Type::Object)) {
  if (object_ || container.is(Value::Type::Array))
    rest_ = trim_front(container.raw().substr(1, container.raw().size() - 2));
}

bool Members::next() {
  if (rest_.empty()) return false;
  if (object_) {
    key_ = take_value(rest_);
    rest_ = trim_front(rest_.substr(1));  // the colon
  }
  value_ = take_value(rest_);
  if (!rest_.empty()) rest_ = trim_front(rest_.substr(1));  // the comma
  return true;
}

void write_string(Out& out, std::string_view s) {
  static const char kHex[] = "0123456789abcdef";
  out.put('"');
  std::size_t plain = 0;  // the start of the run of characters that need no escape
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto u = static_cast<unsigned char>(s[i]);
    if (u >= 0x20 && u != '"' && u != '\\') continue;
    out.write(s.substr(plain, i - plain));
    const char escaped[] = {'\\', 'u', '0', '0', kHex[u >> 4], kHex[u & 15]};
    if (u < 0x20) out.write(std::string_view(escaped, sizeof escaped));
    else out.put('\\'), out.put(static_cast<char>(u));
    plain = i + 1;
  }
  out.write(s.substr(plain));
  out.put('"');
}

void write_int(Out& out, std::int64_t v) {
  char buf[24];
  std::size_t n = sizeof buf;
  // Work in negative numbers so that INT64_MIN has a digit string too.
  std::int64_t x = v < 0 ? v : -v;
  do {
    buf[--n] = static_cast<char>('0' - x % 10);
    x /= 10;
  } while (x != 0);
  if (v < 0) buf[--n] = '-';
  out.write(std::string_view(buf + n, sizeof buf - n));
}

}  // namespace jupiter::json_lite
