// json_reader.hpp: reads the fields of one JSON object with every type and range checked, never throwing.
//
// The first problem is kept (prefixed with `where`, e.g. "services[2]: retention is too long"); later reads
// return empty values, so a decoder can read all fields and check ok() once. Shared by the core's codecs.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace jupiter {

// A document that must be one JSON object of bounded size: parsed without exceptions.
struct JsonObjectParse {
  enum class Status { Ok = 0, TooLarge, NotJson, NotObject };
  Status status = Status::Ok;
  nlohmann::json doc;  // the object, when status == Ok
};
JsonObjectParse parse_json_object(std::string_view text, std::size_t max_bytes);

class JsonReader {
 public:
  using json = nlohmann::json;

  explicit JsonReader(const json& obj, std::string where = {}) : obj_(obj), where_(std::move(where)) {}
  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }
  void fail(const std::string& why);

  // The field, or nullptr when absent or null (a problem when required).
  const json* field(const char* name, bool required);
  // A string of at most max_len bytes; a required one must not be empty.
  std::string string(const char* name, bool required, std::size_t max_len);
  // An integer in lo..hi. Required unless a fallback is given, which is returned when the field is absent.
  std::int64_t integer(const char* name, std::int64_t lo, std::int64_t hi,
                       std::optional<std::int64_t> fallback = std::nullopt);
  // A list of at most max_items non-empty strings of at most max_len bytes; a required one must not be empty.
  std::vector<std::string> strings(const char* name, bool required, std::size_t max_items, std::size_t max_len);

 private:
  const json& obj_;
  std::string where_;
  std::string error_;
};

}  // namespace jupiter
