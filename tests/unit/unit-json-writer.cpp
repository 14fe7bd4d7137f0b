// unit-json-writer.cpp: JsonWriter (core/json_writer): nesting, separators, escapes and numbers as nlohmann wrote them.
#include <doctest/doctest.h>

#include <cmath>
#include <limits>
#include <string>

#include "core/json_reader.hpp"
#include "core/json_writer.hpp"

using jupiter::JsonWriter;

TEST_CASE("json_writer: nested objects and arrays get their commas and read back") {
  JsonWriter w;
  w.begin_object().field("a", 1).key("list").begin_array();
  w.begin_object().field("x", true).end_object().begin_object().end_object().string("s").integer(-3);
  w.end_array().key("o").begin_object().field_or_null("empty", "").field_or_null("full", "v").end_object();
  const std::string text = w.end_object().field("ignored", 0).take();  // nothing is checked: the caller balances
  CHECK(text == R"({"a":1,"list":[{"x":true},{},"s",-3],"o":{"empty":null,"full":"v"}},"ignored":0)");
  const std::string whole = text.substr(0, text.find(",\"ignored\""));
  const jupiter::JsonObjectParse back = jupiter::parse_json_object(whole, 1000);
  REQUIRE(back.status == jupiter::JsonObjectParse::Status::Ok);
  jupiter::JsonReader r(back.doc);
  CHECK(r.integer("a", 0, 9) == 1);
  CHECK(jupiter::json_size(r.field("list", true)) == 4);
  CHECK(r.ok());
}

TEST_CASE("json_writer: strings are escaped as nlohmann's dump did, bad UTF-8 replaced") {
  std::string out;
  jupiter::append_json_string(out, "q\"b\\/\b\f\n\r\t\x01\x1f caf\xc3\xa9 \xf0\x9f\x98\x80");
  CHECK(out == "\"q\\\"b\\\\/\\b\\f\\n\\r\\t\\u0001\\u001f caf\xc3\xa9 \xf0\x9f\x98\x80\"");
  out.clear();
  // A lone continuation byte, a truncated sequence, an encoded surrogate: one U+FFFD for each ill-formed part.
  jupiter::append_json_string(out, "a\x80" "b\xe2\x82" "c\xed\xa0\x80");
  CHECK(out == "\"a\xEF\xBF\xBD" "b\xEF\xBF\xBD" "c\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\"");
}

TEST_CASE("json_writer: numbers: integers exact, doubles read back, non-finite as null") {
  JsonWriter w;
  w.begin_array().integer(std::numeric_limits<std::int64_t>::min()).integer(0).number(0.1).number(1e300);
  w.number(std::nan("")).number(std::numeric_limits<double>::infinity()).end_array();
  CHECK(w.text() == "[-9223372036854775808,0,0.10000000000000001,1.0000000000000001e+300,null,null]");
  CHECK(std::stod("0.10000000000000001") == 0.1);
}
