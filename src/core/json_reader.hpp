// json_reader.hpp: reads the fields of one JSON object with every type and range checked, never throwing.
//
// The first problem is kept (prefixed with `where`, e.g. "services[2]: retention is too long"); later reads
// return empty values, so a decoder can read all fields and check ok() once. Shared by the core's codecs.
// Built on json_lite (issue 14: the store links no nlohmann/json): the text is checked once by parse_json_object,
// then read through json_lite::Value views of it, no tree and no copy; a Value is valid while its text lives.
// The rules are the ones the readers had on nlohmann/json, kept so that no decoder's verdict changed:
//   - a key given twice: the last value counts (nlohmann's objects kept the last one);
//   - an integer literal: integer(name, lo, hi) accepts it when it is in lo..hi; one above INT64_MAX (up to
//     UINT64_MAX) is out of range; one with more digits than 64 bits hold, or a fraction or exponent, is not an
//     integer (nlohmann read those as doubles);
//   - a document may start with a UTF-8 byte order mark, which is skipped (nlohmann skipped it);
//   - one difference: a number beyond a double's range (1E400) is accepted as JSON (nlohmann refused the document);
//     it is never an integer, so a field that must be one still fails. fuzz_json_reader checks the rest against
//     nlohmann as an oracle.
// The checker's own bounds apply on top: nesting at most json_lite::kMaxDepth deep.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/json_lite.hpp"

namespace jupiter {

using JsonValue = json_lite::Value;
using JsonType = json_lite::Value::Type;

// A document that must be one JSON object of bounded size: checked without exceptions.
struct JsonObjectParse {
  enum class Status { Ok = 0, TooLarge, NotJson, NotObject };
  Status status = Status::Ok;
  JsonValue doc;  // the object when status == Ok (a view of the text), else Missing
};
JsonObjectParse parse_json_object(std::string_view text, std::size_t max_bytes);

// What went wrong in words ("too large", "not JSON", "not a JSON object"); "" for Ok.
std::string_view parse_problem(JsonObjectParse::Status s);

// The problem with a string field `name` whose value has `size` bytes: too long (over max_len), or empty when
// required; "" when neither. One rule for every reader of JSON strings (JsonReader here, the catalogue's fields).
std::string string_value_problem(const char* name, std::size_t size, std::size_t max_len, bool required);

// The number of items of an array or members of an object (0 for any other value).
std::size_t json_size(JsonValue v);

class JsonReader {
 public:
  // `obj` is the object to read; any other value reads as an object without members.
  explicit JsonReader(JsonValue obj, std::string where = {}) : obj_(obj), where_(std::move(where)) {}
  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }
  void fail(const std::string& why);

  // The field, or Missing when absent or null (a problem when required).
  JsonValue field(const char* name, bool required);
  // A nested object, or Missing when absent or null (a problem when required) or not an object (a problem).
  JsonValue object(const char* name, bool required);
  // A string of at most max_len bytes; a required one must not be empty.
  std::string string(const char* name, bool required, std::size_t max_len);
  // An integer in lo..hi. Required unless a fallback is given, which is returned when the field is absent.
  std::int64_t integer(const char* name, std::int64_t lo, std::int64_t hi,
                       std::optional<std::int64_t> fallback = std::nullopt);
  // true or false; absent or null reads false (a problem when required), another type is a problem.
  bool boolean(const char* name, bool required);
  // A list of at most max_items non-empty strings of at most max_len bytes; a required one must not be empty.
  std::vector<std::string> strings(const char* name, bool required, std::size_t max_items, std::size_t max_len);

 private:
  JsonValue obj_;
  std::string where_;
  std::string error_;
};

// A decoder's common frame: parses `text` (at most max_bytes) as one JSON object, lets
// read(JsonReader&, JsonValue doc, Out&) fill `out`, and sets out.ok / out.error from the parse or the reader's
// first problem. Out has `bool ok` and `std::string error`; on failure the rest of `out` is as `read` left it (the
// caller clears what must not be seen half read).
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
