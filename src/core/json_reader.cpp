// json_reader.cpp: see json_reader.hpp.
#include "core/json_reader.hpp"

namespace jupiter {

namespace {

// How nlohmann/json typed an integer literal (checked text, no fraction or exponent), which decided what the
// readers said about it: an int64, an unsigned above INT64_MAX, or a double (more digits than 64 bits hold).
enum class IntegerKind { Int64, Unsigned, Double };

// Whether the digit string `a` (no sign, no leading zero) is above `b`.
bool above(std::string_view a, std::string_view b) { return a.size() != b.size() ? a.size() > b.size() : a > b; }

IntegerKind integer_kind(std::string_view literal) {
  if (!literal.empty() && literal[0] == '-')
    return above(literal.substr(1), "9223372036854775808") ? IntegerKind::Double : IntegerKind::Int64;
  if (!above(literal, "9223372036854775807")) return IntegerKind::Int64;
  return above(literal, "18446744073709551615") ? IntegerKind::Double : IntegerKind::Unsigned;
}

std::string out_of_range(const char* name, std::int64_t lo, std::int64_t hi) {
  return std::string(name) + " is out of range (expected " + std::to_string(lo) + ".." + std::to_string(hi) + ")";
}

}  // namespace

JsonObjectParse parse_json_object(std::string_view text, std::size_t max_bytes) {
  JsonObjectParse out;
  if (text.size() > max_bytes) {
    out.status = JsonObjectParse::Status::TooLarge;
    return out;
  }
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);  // a byte order mark, as nlohmann skipped it
  // json_lite refuses a NUL byte anywhere outside a string's \u0000 escape, and anything after the object.
  switch (json_lite::check_object(text, max_bytes)) {
    case json_lite::Status::Ok: out.doc = JsonValue::document(text); break;
    case json_lite::Status::TooLarge:  // cannot happen: checked above
    case json_lite::Status::NotJson: out.status = JsonObjectParse::Status::NotJson; break;
    case json_lite::Status::NotObject: out.status = JsonObjectParse::Status::NotObject; break;
  }
  return out;
}

std::string_view parse_problem(JsonObjectParse::Status s) {
  switch (s) {
    case JsonObjectParse::Status::Ok: return "";
    case JsonObjectParse::Status::TooLarge: return "too large";
    case JsonObjectParse::Status::NotJson: return "not JSON";
    case JsonObjectParse::Status::NotObject: return "not a JSON object";
  }
  return "not JSON";
}

std::string string_value_problem(const char* name, std::size_t size, std::size_t max_len, bool required) {
  if (size > max_len)
    return std::string(name) + " is too long (" + std::to_string(size) + " bytes, at most " +
           std::to_string(max_len) + ")";
  if (required && size == 0) return std::string(name) + " is empty";
  return {};
}

std::size_t json_size(JsonValue v) {
  std::size_t n = 0;
  for (json_lite::Members m(v); m.next();) ++n;
  return n;
}

void JsonReader::fail(const std::string& why) {
  if (error_.empty()) error_ = where_.empty() ? why : where_ + ": " + why;
}

JsonValue JsonReader::field(const char* name, bool required) {
  JsonValue found;  // the last member with this key: nlohmann kept the last of a key given twice
  if (obj_.is(JsonType::Object))
    for (json_lite::Members m(obj_); m.next();)
      if (m.key().equals(name)) found = m.value();
  if (found.is(JsonType::Missing) || found.is(JsonType::Null)) {
    if (required) fail(std::string("missing ") + name);
    return {};
  }
  return found;
}

JsonValue JsonReader::object(const char* name, bool required) {
  const JsonValue v = field(name, required);
  if (!v.is(JsonType::Missing) && !v.is(JsonType::Object)) {
    fail(std::string(name) + " is not an object");
    return {};
  }
  return v;
}

std::string JsonReader::string(const char* name, bool required, std::size_t max_len) {
  const JsonValue v = field(name, required);
  if (v.is(JsonType::Missing)) return {};
  if (!v.is(JsonType::String)) {
    fail(std::string(name) + " is not a string");
    return {};
  }
  std::string s = v.text();
  const std::string problem = string_value_problem(name, s.size(), max_len, required);
  if (!problem.empty()) fail(problem);
  return s.size() > max_len ? std::string() : s;
}

std::int64_t JsonReader::integer(const char* name, std::int64_t lo, std::int64_t hi,
                                 std::optional<std::int64_t> fallback) {
  const JsonValue v = field(name, !fallback);
  if (v.is(JsonType::Missing)) return fallback.value_or(0);
  const IntegerKind kind = v.is(JsonType::Int) ? integer_kind(v.raw()) : IntegerKind::Double;
  if (kind == IntegerKind::Double) {
    fail(std::string(name) + " is not an integer");
    return 0;
  }
  // An unsigned one is above INT64_MAX, so above every hi.
  if (kind == IntegerKind::Unsigned || v.integer() < lo || v.integer() > hi) {
    fail(out_of_range(name, lo, hi));
    return 0;
  }
  return v.integer();
}

bool JsonReader::boolean(const char* name, bool required) {
  const JsonValue v = field(name, required);
  if (!v.is(JsonType::Missing) && !v.is(JsonType::Bool)) fail(std::string(name) + " is not true or false");
  return v.boolean();
}

std::vector<std::string> JsonReader::strings(const char* name, bool required, std::size_t max_items,
                                             std::size_t max_len) {
  std::vector<std::string> out;
  const JsonValue v = field(name, required);
  if (v.is(JsonType::Missing)) return out;
  if (!v.is(JsonType::Array)) {
    fail(std::string(name) + " is not a list");
    return out;
  }
  if (const std::size_t n = json_size(v); n > max_items) {
    fail(std::string(name) + " has too many items (" + std::to_string(n) + ")");
    return out;
  }
  for (json_lite::Members m(v); m.next();) {
    std::string s = m.value().is(JsonType::String) ? m.value().text() : std::string();
    if (!m.value().is(JsonType::String) || s.empty() || s.size() > max_len) {
      fail(std::string(name) + " has an item that is not a non-empty short string");
      return {};
    }
    out.push_back(std::move(s));
  }
  if (required && out.empty()) fail(std::string(name) + " is empty");
  return out;
}

}  // namespace jupiter
