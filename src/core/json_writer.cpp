// json_writer.cpp: see json_writer.hpp.
#include "core/json_writer.hpp"

#include <cmath>
#include <cstdio>

#include "core/json_lite.hpp"

namespace jupiter {

namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD in UTF-8

// The length of the UTF-8 sequence that byte `b` starts (2..4), or 0 when no sequence starts with it.
std::size_t sequence_length(unsigned char b) {
  if (b >= 0xC2 && b <= 0xDF) return 2;
  if (b >= 0xE0 && b <= 0xEF) return 3;
  if (b >= 0xF0 && b <= 0xF4) return 4;
  return 0;
}

// Whether `b` may follow `lead` at position `k` (1..3) of its sequence: a continuation byte, and at k == 1 none
// that makes an overlong form, a surrogate or a code point above U+10FFFF (Unicode's table 3-7).
bool continues(unsigned char lead, std::size_t k, unsigned char b) {
  if (b < 0x80 || b > 0xBF) return false;
  if (k != 1) return true;
  if (lead == 0xE0) return b >= 0xA0;
  if (lead == 0xED) return b <= 0x9F;
  if (lead == 0xF0) return b >= 0x90;
  if (lead == 0xF4) return b <= 0x8F;
  return true;
}

// How many bytes of `s` from `i` on form one UTF-8 sequence (>= 2), or, negated, how many bytes to replace with
// one U+FFFD: the longest start of a sequence (at least the byte at i) that the next byte does not continue.
long utf8_at(std::string_view s, std::size_t i) {
  const auto lead = static_cast<unsigned char>(s[i]);
  const std::size_t len = sequence_length(lead);
  if (len == 0) return -1;
  for (std::size_t k = 1; k < len; ++k)
    if (i + k >= s.size() || !continues(lead, k, static_cast<unsigned char>(s[i + k]))) return -static_cast<long>(k);
  return static_cast<long>(len);
}

// The escape of an ASCII byte, or "" when it stands for itself.
std::string_view short_escape(char c) {
  switch (c) {
    case '"': return "\\\"";
    case '\\': return "\\\\";
    case '\b': return "\\b";
    case '\f': return "\\f";
    case '\n': return "\\n";
    case '\r': return "\\r";
    case '\t': return "\\t";
    default: return "";
  }
}

void append_ascii(std::string& out, char c) {
  static const char kHex[] = "0123456789abcdef";
  const std::string_view e = short_escape(c);
  if (!e.empty()) out += e;
  else if (static_cast<unsigned char>(c) < 0x20) out += {'\\', 'u', '0', '0', kHex[(c >> 4) & 15], kHex[c & 15]};
  else out += c;
}

}  // namespace

void append_json_string(std::string& out, std::string_view s) {
  out += '"';
  for (std::size_t i = 0; i < s.size();) {
    if (static_cast<unsigned char>(s[i]) < 0x80) {
      append_ascii(out, s[i++]);
      continue;
    }
    const long n = utf8_at(s, i);
    if (n > 0) out.append(s.substr(i, static_cast<std::size_t>(n)));
    else out += kReplacement;
    i += static_cast<std::size_t>(n > 0 ? n : -n);
  }
  out += '"';
}

void JsonWriter::separate() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (!first_) out_ += ',';
  first_ = false;
}

JsonWriter& JsonWriter::begin_object() {
  separate();
  out_ += '{';
  first_ = true;
  return *this;
}

JsonWriter& JsonWriter::end_object() {
  out_ += '}';
  first_ = false;
  return *this;
}

JsonWriter& JsonWriter::begin_array() {
  separate();
  out_ += '[';
  first_ = true;
  return *this;
}

JsonWriter& JsonWriter::end_array() {
  out_ += ']';
  first_ = false;
  return *this;
}

JsonWriter& JsonWriter::key(std::string_view name) {
  separate();
  append_json_string(out_, name);
  out_ += ':';
  after_key_ = true;
  return *this;
}

JsonWriter& JsonWriter::string(std::string_view s) {
  separate();
  append_json_string(out_, s);
  return *this;
}

JsonWriter& JsonWriter::integer(std::int64_t v) {
  separate();
  json_lite::StringOut o;
  json_lite::write_int(o, v);
  out_ += o.text;
  return *this;
}

JsonWriter& JsonWriter::number(double v) {
  if (!std::isfinite(v)) return null();
  separate();
  char buf[32];
  const int n = std::snprintf(buf, sizeof buf, "%.17g", v);
  out_.append(buf, n > 0 ? static_cast<std::size_t>(n) : 0);
  return *this;
}

JsonWriter& JsonWriter::boolean(bool v) {
  separate();
  out_ += v ? "true" : "false";
  return *this;
}

JsonWriter& JsonWriter::null() {
  separate();
  out_ += "null";
  return *this;
}

JsonWriter& JsonWriter::field_or_null(std::string_view name, std::string_view s) {
  key(name);
  return s.empty() ? null() : string(s);
}

}  // namespace jupiter
