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

// What went wrong in words ("too large", "not JSON", "not a JSON object"); "" for Ok.
std::string_view parse_problem(JsonObjectParse::Status s);

// The problem with a string field `name` whose value has `size` bytes: too long (over max_len), or empty when
// required; "" when neither. One rule for every reader of JSON strings (JsonReader here, the catalogue's fields).
std::string string_value_problem(const char* name, std::size_t size, std::size_t max_len, bool required);

class JsonReader {
 public:
  using json = nlohmann::json;

  explicit JsonReader(const json& obj, std::string where = {}) : obj_(obj), where_(std::move(where)) {}
  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }
  void fail(const std::string& why);

  // The field, or nullptr when absent or null (a problem when required).
  const json* field(const char* name, bool required);
  // A nested object, or nullptr when absent or null (a problem when required) or not an object (a problem).
  const json* object(const char* name, bool required);
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

// A decoder's common frame: parses `text` (at most max_bytes) as one JSON object, lets
// read(JsonReader&, const nlohmann::json& doc, Out&) fill `out`, and sets out.ok / out.error from the parse or the
// reader's first problem. Out has `bool ok` and `std::string error`; on failure the rest of `out` is as `read`
// left it (the caller clears what must not be seen half read).
template <class Out, class Read>
Out decode_object(std::string_view text, std::size_t max_bytes, Read read) {
  Out out;
  const JsonObjectParse doc = parse_json_object(text, max_bytes);
  out.error = std::string(parse_problem(doc.status));
  if (doc.status != JsonObjectParse::Status::Ok) return out;
  JsonReader r(doc.doc);
  read(r, doc.doc, out);
  out.ok = r.ok();
  out.error = r.error();
  return out;
}

}  // namespace jupiter
