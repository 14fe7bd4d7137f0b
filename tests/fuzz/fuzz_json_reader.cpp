// fuzz_json_reader.cpp: libFuzzer target for the checked field reader (core/json_reader), against nlohmann/json as
// an independent oracle. parse_json_object never throws; an object it accepts nlohmann must parse too; then every
// member is read as a string, an integer and a list of strings under several bounds, each read by a fresh reader
// so that its own outcome is seen: a read that succeeds returns a value within its bounds, equal to the one
// nlohmann read (for a key given twice, the last), and a read that fails says why and returns an empty value.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/json_reader.hpp"

using jupiter::JsonReader;
using jupiter::JsonValue;
using json = nlohmann::json;

namespace {

// Aborts (a finding) when ok is false, naming the check's line.
void check(bool ok, int line = __builtin_LINE()) {
  if (ok) return;
  std::fprintf(stderr, "fuzz_json_reader.cpp:%d: check failed\n", line);
  std::abort();
}

constexpr std::size_t kLens[] = {0, 1, 4, 64, 512};
constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();
constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t kRanges[][2] = {{0, 100}, {kMin, kMax}, {-10, -1}, {1, 1}, {0, kMax}, {kMin, 0}};

void read_string(JsonValue doc, const std::string& key, const json& value, std::size_t max_len, bool required) {
  JsonReader r(doc, "doc");
  const std::string s = r.string(key.c_str(), required, max_len);
  if (key.find('\0') != std::string::npos) return;  // the reader takes C strings: another member is read
  if (!r.ok()) {
    check(r.error().rfind("doc: ", 0) == 0 && s.empty());
    return;
  }
  check(s.size() <= max_len && (!required || !s.empty()));
  check(value.is_null() ? s.empty() : value.is_string() && s == value.get<std::string>());
}

void read_integer(JsonValue doc, const std::string& key, const json& value, const std::int64_t (&range)[2]) {
  JsonReader r(doc);
  const std::int64_t v = r.integer(key.c_str(), range[0], range[1], std::int64_t{7});
  if (key.find('\0') != std::string::npos) return;
  if (!r.ok()) {
    check(!r.error().empty() && v == 0);
    return;
  }
  if (value.is_null()) return check(v == 7);
  check(v >= range[0] && v <= range[1] && value.is_number_integer());
  if (value.is_number_unsigned()) check(v >= 0 && value.get<std::uint64_t>() == static_cast<std::uint64_t>(v));
  else check(value.get<std::int64_t>() == v);
}

void read_strings(JsonValue doc, const std::string& key, const json& value, std::size_t max_len) {
  JsonReader r(doc);
  const std::vector<std::string> list = r.strings(key.c_str(), true, 3, max_len);
  if (key.find('\0') != std::string::npos) return;
  if (!r.ok()) return check(!r.error().empty());
  check(!list.empty() && list.size() <= 3 && value.is_array() && value.size() == list.size());
  for (std::size_t i = 0; i < list.size(); ++i)
    check(!list[i].empty() && list[i].size() <= max_len && value[i].get<std::string>() == list[i]);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const jupiter::JsonObjectParse parsed = jupiter::parse_json_object(text, 1u << 20);
  check(jupiter::parse_json_object(text, size == 0 ? 0 : size - 1).status ==
        (size == 0 ? parsed.status : jupiter::JsonObjectParse::Status::TooLarge));
  if (parsed.status != jupiter::JsonObjectParse::Status::Ok) return 0;
  check(parsed.doc.is(JsonValue::Type::Object));
  // The oracle: the same text (less a byte order mark, which both skip) through nlohmann, without exceptions.
  const std::string_view body = text.substr(0, 3) == "\xEF\xBB\xBF" ? text.substr(3) : text;
  json oracle;
  try {
    oracle = json::parse(body.begin(), body.end());
  } catch (const json::out_of_range& e) {
    // The one known difference: a number beyond a double's range ("1E400") is JSON to json_lite (it is never an
    // integer to the reader, so no field reads it), an error to nlohmann.
    check(e.id == 406);
    return 0;
  } catch (const json::exception&) {
    check(false);
  }
  check(oracle.is_object());
  std::size_t n = 0;
  for (jupiter::json_lite::Members m(parsed.doc); m.next(); ++n) {
    const std::string key = m.key().text();
    check(oracle.contains(key));
    const json& value = oracle.at(key);
    read_string(parsed.doc, key, value, kLens[n % 5], n % 2 == 0);
    for (const auto& range : kRanges) read_integer(parsed.doc, key, value, range);
    read_strings(parsed.doc, key, value, kLens[(n + 1) % 5]);
  }
  check(n == jupiter::json_size(parsed.doc) && oracle.size() <= n);
  JsonReader absent(parsed.doc);
  (void)absent.string("\x01 not a key", true, 8);
  check(!absent.ok() || oracle.contains("\x01 not a key"));
  return 0;
}
