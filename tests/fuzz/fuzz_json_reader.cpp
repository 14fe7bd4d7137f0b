// fuzz_json_reader.cpp: libFuzzer target for the checked field reader (core/json_reader). parse_json_object never
// throws; then every member of an accepted object is read as a string, an integer and a list of strings under
// several bounds, each read by a fresh reader so that its own outcome is seen: a read that succeeds returns a value
// within its bounds, equal to the document's, and a read that fails says why and returns an empty value.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <string>
#include <string_view>

#include "core/json_reader.hpp"

using jupiter::JsonReader;
using json = nlohmann::json;

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

constexpr std::size_t kLens[] = {0, 1, 4, 64, 512};
constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();
constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t kRanges[][2] = {{0, 100}, {kMin, kMax}, {-10, -1}, {1, 1}, {0, kMax}, {kMin, 0}};

void read_string(const json& doc, const std::string& key, const json& value, std::size_t max_len, bool required) {
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

void read_integer(const json& doc, const std::string& key, const json& value, const std::int64_t (&range)[2]) {
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

void read_strings(const json& doc, const std::string& key, const json& value, std::size_t max_len) {
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
  check(parsed.doc.is_object());
  std::size_t n = 0;
  for (auto it = parsed.doc.begin(); it != parsed.doc.end(); ++it, ++n) {
    read_string(parsed.doc, it.key(), it.value(), kLens[n % 5], n % 2 == 0);
    for (const auto& range : kRanges) read_integer(parsed.doc, it.key(), it.value(), range);
    read_strings(parsed.doc, it.key(), it.value(), kLens[(n + 1) % 5]);
  }
  JsonReader absent(parsed.doc);
  (void)absent.string("\x01 not a key", true, 8);
  check(!absent.ok() || parsed.doc.contains("\x01 not a key"));
  return 0;
}
