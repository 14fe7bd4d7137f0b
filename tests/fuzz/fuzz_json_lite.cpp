// fuzz_json_lite.cpp: libFuzzer target for the checking JSON reader (core/json_lite). check_object never reads
// outside the text; a document it accepts walks without error: every value has a type, object keys are strings,
// find() finds each short key (and flags exactly the repeated ones), every decoded string written back with
// write_string reads back the same, every integer written back with write_int reads back the same.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <string>
#include <string_view>

#include "core/json_lite.hpp"

namespace jl = jupiter::json_lite;
using Type = jl::Value::Type;

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

// {"k": <s as written>} is a valid object whose "k" decodes to s.
void check_string_round_trip(const std::string& s) {
  jl::StringOut out;
  out.write("{\"k\":");
  jl::write_string(out, s);
  out.put('}');
  check(jl::check_object(out.text, out.text.size()) == jl::Status::Ok);
  check(jl::Value::document(out.text).find("k").text() == s);
}

void check_int_round_trip(std::int64_t v) {
  jl::StringOut out;
  out.write("{\"k\":");
  jl::write_int(out, v);
  out.put('}');
  check(jl::check_object(out.text, out.text.size()) == jl::Status::Ok);
  const jl::Value k = jl::Value::document(out.text).find("k");
  check(k.is(Type::Int) && k.integer() == v);
}

// depth: how many arrays and objects enclose v.
void walk(jl::Value v, int depth) {
  const Type t = v.type();
  check(t != Type::Missing);
  if (t == Type::String) {
    const std::string s = v.text();
    char small[8];
    check(v.decode(small, sizeof small) == s.size());
    if (s.size() <= 128) check(v.equals(s));
    check_string_round_trip(s);
  } else if (t == Type::Int) {
    check_int_round_trip(v.integer());
  } else if (t == Type::Bool) {
    check(v.raw() == "true" || v.raw() == "false");
    check(v.boolean() == (v.raw() == "true"));
  } else if (t == Type::Null) {
    check(v.raw() == "null");
  }
  if (t != Type::Object && t != Type::Array) return;
  check(depth < jl::kMaxDepth);
  std::map<std::string, int> keys;
  for (jl::Members m(v); m.next();) {
    if (t == Type::Object) {
      check(m.key().is(Type::String));
      ++keys[m.key().text()];
    } else {
      check(m.key().is(Type::Missing));
    }
    walk(m.value(), depth + 1);
  }
  for (const auto& [key, count] : keys) {
    if (key.size() > 128) continue;  // find() never matches a longer key (documented)
    bool duplicate = false;
    check(!v.find(key, &duplicate).is(Type::Missing));
    check(duplicate == (count > 1));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const jl::Status status = jl::check_object(text, 1u << 20);
  check(jl::check_object(text, size == 0 ? 0 : size - 1) == (size == 0 ? status : jl::Status::TooLarge));
  if (status != jl::Status::Ok) return 0;
  const jl::Value doc = jl::Value::document(text);
  check(doc.is(Type::Object));
  walk(doc, 0);
  return 0;
}
