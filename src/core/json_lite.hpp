// json_lite.hpp: a small, strict, bounded JSON reader and string writer for the consent config and record.
//
// Why not nlohmann/json: the consent module ships to every page and must stay within a few KB of WebAssembly.
// This reader keeps only what the consent codecs need and refuses anything odd instead of guessing:
//   - the input is at most `max_bytes` and nests at most kMaxDepth arrays/objects (no stack exhaustion);
//   - strings must be valid UTF-8 without raw control characters; escapes (incl. \u surrogate pairs) decode;
//   - a key repeated in one object is an error (two values for one field are a tampering signal);
//   - numbers follow the JSON grammar; integers are typed `Int` (saturated to int64's limits when they do not
//     fit, which every range check then refuses), numbers with a fraction or exponent are typed `Number` without
//     a value (no consent field is fractional, so none is ever read as a double).
// Nothing throws; a problem is a status value.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace jupiter::json_lite {

inline constexpr int kMaxDepth = 16;

struct Value {
  enum class Type : std::uint8_t { Null = 0, Bool, Int, Number, String, Array, Object };
  Type type = Type::Null;
  bool boolean = false;
  std::int64_t integer = 0;
  std::string text;                // String: the decoded text
  std::vector<std::string> keys;   // Object: member names, document order
  std::vector<Value> items;        // Array: elements; Object: member values (parallel to keys)

  bool is(Type t) const { return type == t; }
  // The member `key` of an object, or nullptr (also when this is not an object).
  const Value* find(std::string_view key) const;
};

struct Parse {
  enum class Status : std::uint8_t { Ok = 0, TooLarge, NotJson, NotObject };
  Status status = Status::Ok;
  Value doc;  // the object, when Ok
};

// One JSON object document (whitespace around it allowed, nothing else).
Parse parse_object(std::string_view text, std::size_t max_bytes);

// Appends `s` as a JSON string literal (quotes, escapes for '"', '\\' and control characters).
void append_string(std::string& out, std::string_view s);
// Appends a signed integer in decimal.
void append_int(std::string& out, std::int64_t v);

}  // namespace jupiter::json_lite
