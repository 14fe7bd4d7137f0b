// json_lite.cpp: see json_lite.hpp. A recursive-descent parser over a string_view; depth and size bounded.
#include "core/json_lite.hpp"

namespace jupiter::json_lite {

const Value* Value::find(std::string_view key) const {
  if (type != Type::Object) return nullptr;
  for (std::size_t i = 0; i < keys.size(); ++i)
    if (keys[i] == key) return &items[i];
  return nullptr;
}

namespace {

class Parser {
 public:
  explicit Parser(std::string_view s) : s_(s) {}

  bool document(Value& out) {
    ws();
    if (!value(out, 0)) return false;
    ws();
    return pos_ == s_.size();
  }

 private:
  bool at_end() const { return pos_ >= s_.size(); }
  char peek() const { return at_end() ? '\0' : s_[pos_]; }
  void ws() {
    while (!at_end() && (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\n' || s_[pos_] == '\r')) ++pos_;
  }
  bool literal(std::string_view word) {
    if (s_.substr(pos_, word.size()) != word) return false;
    pos_ += word.size();
    return true;
  }

  bool value(Value& v, int depth) {
    switch (peek()) {
      case '{': return depth < kMaxDepth && object(v, depth + 1);
      case '[': return depth < kMaxDepth && array(v, depth + 1);
      case '"': v.type = Value::Type::String; return string(v.text);
      case 't': v.type = Value::Type::Bool; v.boolean = true; return literal("true");
      case 'f': v.type = Value::Type::Bool; return literal("false");
      case 'n': v.type = Value::Type::Null; return literal("null");
      default: return number(v);
    }
  }

  bool object(Value& v, int depth) {
    v.type = Value::Type::Object;
    ++pos_;
    ws();
    if (peek() == '}') return ++pos_, true;
    for (;;) {
      std::string key;
      ws();
      if (peek() != '"' || !string(key)) return false;
      if (v.find(key)) return false;  // duplicate key
      ws();
      if (peek() != ':') return false;
      ++pos_;
      ws();
      Value item;
      if (!value(item, depth)) return false;
      v.keys.push_back(std::move(key));
      v.items.push_back(std::move(item));
      ws();
      if (peek() == '}') return ++pos_, true;
      if (peek() != ',') return false;
      ++pos_;
    }
  }

  bool array(Value& v, int depth) {
    v.type = Value::Type::Array;
    ++pos_;
    ws();
    if (peek() == ']') return ++pos_, true;
    for (;;) {
      ws();
      Value item;
      if (!value(item, depth)) return false;
      v.items.push_back(std::move(item));
      ws();
      if (peek() == ']') return ++pos_, true;
      if (peek() != ',') return false;
      ++pos_;
    }
  }

  static bool digit(char c) { return c >= '0' && c <= '9'; }

  bool number(Value& v) {
    const std::size_t start = pos_;
    const bool negative = peek() == '-';
    if (negative) ++pos_;
    if (!digit(peek())) return false;
    // Accumulate as a negative number so that INT64_MIN fits; on overflow stop accumulating (saturated below).
    std::int64_t acc = 0;
    bool fits = true;
    if (peek() == '0') ++pos_;
    else
      while (digit(peek())) {
        const int d = s_[pos_++] - '0';
        if (acc < (INT64_MIN + d) / 10) fits = false;
        else acc = acc * 10 - d;
      }
    bool integral = true;
    if (peek() == '.') {
      ++pos_;
      if (!digit(peek())) return false;
      while (digit(peek())) ++pos_;
      integral = false;
    }
    if (peek() == 'e' || peek() == 'E') {
      ++pos_;
      if (peek() == '+' || peek() == '-') ++pos_;
      if (!digit(peek())) return false;
      while (digit(peek())) ++pos_;
      integral = false;
    }
    if (!negative && acc == INT64_MIN) fits = false;
    v.type = integral ? Value::Type::Int : Value::Type::Number;
    if (integral && fits) v.integer = negative ? acc : -acc;
    else if (integral) v.integer = negative ? INT64_MIN : INT64_MAX;  // saturated: out of every range we check
    return pos_ > start;
  }

  bool hex4(std::uint32_t& out) {
    if (s_.size() - pos_ < 4) return false;
    out = 0;
    for (int i = 0; i < 4; ++i) {
      const char c = s_[pos_++];
      std::uint32_t d;
      if (digit(c)) d = static_cast<std::uint32_t>(c - '0');
      else if (c >= 'a' && c <= 'f') d = static_cast<std::uint32_t>(c - 'a' + 10);
      else if (c >= 'A' && c <= 'F') d = static_cast<std::uint32_t>(c - 'A' + 10);
      else return false;
      out = out * 16 + d;
    }
    return true;
  }

  static void append_utf8(std::string& out, std::uint32_t cp) {
    auto byte = [&out](std::uint32_t b) { out.push_back(static_cast<char>(b)); };
    if (cp < 0x80) byte(cp);
    else if (cp < 0x800) byte(0xC0 | (cp >> 6)), byte(0x80 | (cp & 0x3F));
    else if (cp < 0x10000) byte(0xE0 | (cp >> 12)), byte(0x80 | ((cp >> 6) & 0x3F)), byte(0x80 | (cp & 0x3F));
    else
      byte(0xF0 | (cp >> 18)), byte(0x80 | ((cp >> 12) & 0x3F)), byte(0x80 | ((cp >> 6) & 0x3F)),
          byte(0x80 | (cp & 0x3F));
  }

  bool escape(std::string& out) {
    const char c = peek();
    ++pos_;
    switch (c) {
      case '"': out.push_back('"'); return true;
      case '\\': out.push_back('\\'); return true;
      case '/': out.push_back('/'); return true;
      case 'b': out.push_back('\b'); return true;
      case 'f': out.push_back('\f'); return true;
      case 'n': out.push_back('\n'); return true;
      case 'r': out.push_back('\r'); return true;
      case 't': out.push_back('\t'); return true;
      case 'u': break;
      default: return false;
    }
    std::uint32_t cp;
    if (!hex4(cp)) return false;
    if (cp >= 0xDC00 && cp <= 0xDFFF) return false;  // a lone low surrogate
    if (cp >= 0xD800 && cp <= 0xDBFF) {
      std::uint32_t low;
      if (!literal("\\u") || !hex4(low) || low < 0xDC00 || low > 0xDFFF) return false;
      cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
    }
    append_utf8(out, cp);
    return true;
  }

  // One UTF-8 sequence starting at pos_ (lead byte >= 0x80), copied when well-formed (no overlongs, surrogates
  // or code points above U+10FFFF).
  bool utf8(std::string& out) {
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
    out.append(s_.substr(pos_, static_cast<std::size_t>(len)));
    pos_ += static_cast<std::size_t>(len);
    return true;
  }

  bool string(std::string& out) {
    ++pos_;  // the opening quote
    while (!at_end()) {
      const char c = s_[pos_];
      if (c == '"') return ++pos_, true;
      if (static_cast<unsigned char>(c) < 0x20) return false;
      if (c == '\\') {
        ++pos_;
        if (!escape(out)) return false;
      } else if (static_cast<unsigned char>(c) >= 0x80) {
        if (!utf8(out)) return false;
      } else {
        out.push_back(c);
        ++pos_;
      }
    }
    return false;
  }

  std::string_view s_;
  std::size_t pos_ = 0;
};

}  // namespace

Parse parse_object(std::string_view text, std::size_t max_bytes) {
  Parse out;
  if (text.size() > max_bytes) {
    out.status = Parse::Status::TooLarge;
    return out;
  }
  Parser p(text);
  if (!p.document(out.doc)) {
    out.status = Parse::Status::NotJson;
    out.doc = Value{};
  } else if (!out.doc.is(Value::Type::Object)) {
    out.status = Parse::Status::NotObject;
  }
  return out;
}

void append_string(std::string& out, std::string_view s) {
  static const char kHex[] = "0123456789abcdef";
  out.push_back('"');
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(c);
    } else if (u < 0x20) {
      out += "\\u00";
      out.push_back(kHex[u >> 4]);
      out.push_back(kHex[u & 15]);
    } else {
      out.push_back(c);
    }
  }
  out.push_back('"');
}

void append_int(std::string& out, std::int64_t v) {
  char buf[24];
  int n = 0;
  // Work in negative numbers so that INT64_MIN has a digit string too.
  std::int64_t x = v < 0 ? v : -v;
  do {
    buf[n++] = static_cast<char>('0' - x % 10);
    x /= 10;
  } while (x != 0);
  if (v < 0) out.push_back('-');
  while (n > 0) out.push_back(buf[--n]);
}

}  // namespace jupiter::json_lite
