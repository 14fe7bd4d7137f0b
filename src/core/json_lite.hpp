// json_lite.hpp: a small, strict, bounded JSON reader and string writer for the consent config and record.
//
// Why not nlohmann/json: the consent module ships to every page and must stay within a few KB of WebAssembly.
// This reader keeps only what the consent codecs need, allocates nothing, and refuses anything odd instead of
// guessing. Reading is two steps:
//   1. check_object(text, max_bytes) checks the whole document once: one object, at most `max_bytes`, nesting at
//      most kMaxDepth arrays/objects (no stack exhaustion), strict number grammar, strings of valid UTF-8 without
//      raw control characters, escapes well formed (incl. \u surrogate pairs).
//   2. Value walks the checked text: a Value is a view of one value's raw text (no copy, no tree). Its
//      accessors assume step 1 passed; on text that was not checked their results are meaningless (but they
//      still never read outside the text).
// Integers are typed Int (saturated to int64's limits when they do not fit, which every range check then
// refuses); numbers with a fraction or exponent are typed Number without a value (no consent field is
// fractional). A key repeated in one object is found by find() and reported as `duplicate`: two values for one
// field are a tampering signal, so the caller refuses the document.
// Nothing throws; a problem is a status value.
#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace jupiter::json_lite {

inline constexpr int kMaxDepth = 16;

enum class Status : std::uint8_t { Ok = 0, TooLarge, NotJson, NotObject };

// One JSON object document (whitespace around it allowed, nothing else).
Status check_object(std::string_view text, std::size_t max_bytes);

class Value {
 public:
  enum class Type : std::uint8_t { Missing = 0, Null, Bool, Int, Number, String, Array, Object };

  Value() = default;
  explicit Value(std::string_view raw) : raw_(raw) {}
  // The document a successful check_object() accepted, as its top-level object.
  static Value document(std::string_view checked_text);

  Type type() const;
  bool is(Type t) const { return type() == t; }
  // Whether there is a value here (any type but Missing): `if (const Value v = obj.find("k")) use(v);`
  explicit operator bool() const { return !raw_.empty(); }
  std::string_view raw() const { return raw_; }

  bool boolean() const { return is(Type::Bool) && raw_[0] == 't'; }
  std::int64_t integer() const;  // Int: the value, saturated; otherwise 0
  // String: writes the decoded bytes into out (at most `capacity` of them) and returns the decoded length, which
  // may be larger than capacity (then the copy is cut). Otherwise 0.
  std::size_t decode(char* out, std::size_t capacity) const;
  std::string text() const;  // String: the decoded text; otherwise ""
  // String written without escapes (nearly every one): its text as a view of the document, nothing copied.
  // Otherwise nullopt (then text() decodes it).
  std::optional<std::string_view> unescaped() const;
  // String: whether the decoded text equals `plain` (any length; decoded on the fly, nothing allocated).
  bool equals(std::string_view plain) const;

  // Object: the member `key` (Missing when absent, or not an object). `duplicate` is set when the key occurs
  // more than once.
  Value find(std::string_view key, bool* duplicate = nullptr) const;

 private:
  std::string_view raw_;
};

// The members of an object or the items of an array, in document order:
//   for (Members m(v); m.next();) use(m.key(), m.value());
class Members {
 public:
  explicit Members(Value container);
  bool next();
  Value key() const { return key_; }  // a String for an object member; Missing for an array item
  Value value() const { return value_; }

 private:
  std::string_view rest_;
  bool object_ = false;
  Value key_;
  Value value_;
};

// Where written JSON goes: a std::string (StringOut) for most callers; the consent module writes into a fixed
// buffer of its own, so that it links no std::string and no allocator at all.
class Out {
 public:
  virtual void write(std::string_view text) = 0;
  void put(char c) { write(std::string_view(&c, 1)); }

 protected:
  ~Out() = default;
};

class StringOut final : public Out {
 public:
  std::string text;
  void write(std::string_view s) override { text.append(s); }
};

// Writes `s` as a JSON string literal (quotes, escapes for '"', '\\' and control characters).
void write_string(Out& out, std::string_view s);
// Writes a signed integer in decimal.
void write_int(Out& out, std::int64_t v);

}  // namespace jupiter::json_lite
