// json_reader.cpp: see json_reader.hpp.
#include "core/json_reader.hpp"

namespace jupiter {

JsonObjectParse parse_json_object(std::string_view text, std::size_t max_bytes) {
  JsonObjectParse out;
  if (text.size() > max_bytes) {
    out.status = JsonObjectParse::Status::TooLarge;
    return out;
  }
  // nlohmann's lexer takes a NUL byte for the end of the input, so "{...}\0<anything>" would pass; a NUL byte is
  // valid nowhere in JSON text (strings carry it as \u0000), so any NUL makes the text not JSON.
  if (text.find('\0') != std::string_view::npos) {
    out.status = JsonObjectParse::Status::NotJson;
    return out;
  }
  out.doc = nlohmann::json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (out.doc.is_discarded()) out.status = JsonObjectParse::Status::NotJson;
  else if (!out.doc.is_object()) out.status = JsonObjectParse::Status::NotObject;
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

void JsonReader::fail(const std::string& why) {
  if (error_.empty()) error_ = where_.empty() ? why : where_ + ": " + why;
}

const JsonReader::json* JsonReader::field(const char* name, bool required) {
  auto it = obj_.find(name);
  if (it == obj_.end() || it->is_null()) {
    if (required) fail(std::string("missing ") + name);
    return nullptr;
  }
  return &*it;
}

std::string string_value_problem(const char* name, std::size_t size, std::size_t max_len, bool required) {
  if (size > max_len)
    return std::string(name) + " is too long (" + std::to_string(size) + " bytes, at most " +
           std::to_string(max_len) + ")";
  if (required && size == 0) return std::string(name) + " is empty";
  return {};
}

const nlohmann::json* JsonReader::object(const char* name, bool required) {
  const json* v = field(name, required);
  if (v && !v->is_object()) {
    fail(std::string(name) + " is not an object");
    return nullptr;
  }
  return v;
}

std::string JsonReader::string(const char* name, bool required, std::size_t max_len) {
  const json* v = field(name, required);
  if (!v) return {};
  if (!v->is_string()) {
    fail(std::string(name) + " is not a string");
    return {};
  }
  const auto& s = v->get_ref<const std::string&>();
  const std::string problem = string_value_problem(name, s.size(), max_len, required);
  if (!problem.empty()) fail(problem);
  return s.size() > max_len ? std::string() : s;
}

std::int64_t JsonReader::integer(const char* name, std::int64_t lo, std::int64_t hi,
                                 std::optional<std::int64_t> fallback) {
  const json* v = field(name, !fallback);
  if (!v) return fallback.value_or(0);
  if (!v->is_number_integer()) {
    fail(std::string(name) + " is not an integer");
    return 0;
  }
  // nlohmann keeps non-negative integers unsigned: one is above any negative hi, and get<int64_t> would wrap one
  // above INT64_MAX (18446744073709551615 -> -1) into a negative range.
  const bool too_big = v->is_number_unsigned() && (hi < 0 || v->get<std::uint64_t>() > static_cast<std::uint64_t>(hi));
  if (too_big || v->get<std::int64_t>() < lo || v->get<std::int64_t>() > hi) {
    fail(std::string(name) + " is out of range (expected " + std::to_string(lo) + ".." + std::to_string(hi) + ")");
    return 0;
  }
  return v->get<std::int64_t>();
}

std::vector<std::string> JsonReader::strings(const char* name, bool required, std::size_t max_items,
                                             std::size_t max_len) {
  std::vector<std::string> out;
  const json* v = field(name, required);
  if (!v) return out;
  if (!v->is_array()) {
    fail(std::string(name) + " is not a list");
    return out;
  }
  if (v->size() > max_items) {
    fail(std::string(name) + " has too many items (" + std::to_string(v->size()) + ")");
    return out;
  }
  for (const auto& item : *v) {
    if (!item.is_string() || item.get_ref<const std::string&>().empty() ||
        item.get_ref<const std::string&>().size() > max_len) {
      fail(std::string(name) + " has an item that is not a non-empty short string");
      return {};
    }
    out.push_back(item.get<std::string>());
  }
  if (required && out.empty()) fail(std::string(name) + " is empty");
  return out;
}

}  // namespace jupiter
