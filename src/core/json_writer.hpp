// json_writer.hpp: writes one JSON text into a std::string, value by value (the store's codecs and test API).
//
// The text is the one nlohmann::json::dump() wrote for the same value before the store stopped linking nlohmann
// (issue 14), so that the store and the server (which still uses nlohmann) give every value one shape:
//   - no white space; integers in decimal; true, false, null;
//   - strings escaped as \" \\ \b \f \n \r \t and \u00xx (lower-case hex) for the other control characters; every
//     other byte as it is (UTF-8 passes through), except that bytes that are not UTF-8 become U+FFFD, one for each
//     ill-formed subsequence (nlohmann's error_handler_t::replace);
//   - an object's members in the order written: callers write the keys in ascending byte order, the order of
//     nlohmann's (sorted) objects.
// Numbers with a fraction (the test API's timings and positions) are written with 17 significant digits, which
// read back as the same double (not always nlohmann's shortest form); a non-finite one as null.
//
//   JsonWriter w;
//   w.begin_object().field("id", id).field("paid", true).key("tags").begin_array().string("a").end_array();
//   w.end_object();
//   send(w.take());
// The caller keeps begin/end balanced and gives each member of an object a key; nothing is checked at run time.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>

namespace jupiter {

class JsonWriter {
 public:
  JsonWriter& begin_object();
  JsonWriter& end_object();
  JsonWriter& begin_array();
  JsonWriter& end_array();
  // The key of the next member of the current object.
  JsonWriter& key(std::string_view name);

  JsonWriter& string(std::string_view s);
  JsonWriter& integer(std::int64_t v);
  JsonWriter& number(double v);
  JsonWriter& boolean(bool v);
  JsonWriter& null();

  // One member: key(name), then the value. Integers of any integral type; a const char* is a string (never a bool).
  JsonWriter& field(std::string_view name, std::string_view s) { return key(name).string(s); }
  JsonWriter& field(std::string_view name, const char* s) { return key(name).string(s); }
  JsonWriter& field(std::string_view name, bool v) { return key(name).boolean(v); }
  JsonWriter& field(std::string_view name, double v) { return key(name).number(v); }
  template <class I, std::enable_if_t<std::is_integral_v<I> && !std::is_same_v<I, bool>, int> = 0>
  JsonWriter& field(std::string_view name, I v) {
    return key(name).integer(static_cast<std::int64_t>(v));
  }
  // A string member, or null when `s` is empty.
  JsonWriter& field_or_null(std::string_view name, std::string_view s);

  const std::string& text() const { return out_; }
  std::string take() { return std::move(out_); }

 private:
  void separate();  // the comma before a value or key that is not the first in its container

  std::string out_;
  bool first_ = true;      // nothing written yet in the current container (or at the top)
  bool after_key_ = false;  // a key was written: its value follows without a comma
};

// Appends `s` to `out` as a JSON string literal, escaped as described above.
void append_json_string(std::string& out, std::string_view s);

}  // namespace jupiter
