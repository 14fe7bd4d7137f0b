// fuzz_json_writer.cpp: libFuzzer target for core/json_writer against nlohmann/json as an oracle. The input is
// split into strings at each 0xFF byte; each is written with JsonWriter and must come out byte for byte as
// nlohmann's dump() (error_handler_t::replace) writes it, alone and as object keys, values and array items; the
// writer's text always parses with json_lite and reads back as nlohmann's own parse of that text.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/json_lite.hpp"
#include "core/json_writer.hpp"

using json = nlohmann::json;

namespace {

// Aborts (a finding) when ok is false, naming the check's line.
void check(bool ok, int line = __builtin_LINE()) {
  if (ok) return;
  std::fprintf(stderr, "fuzz_json_writer.cpp:%d: check failed\n", line);
  std::abort();
}

std::string oracle_dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

std::vector<std::string> split(std::string_view in) {
  std::vector<std::string> parts;
  for (std::size_t at = 0; at <= in.size() && parts.size() < 16;) {
    const std::size_t end = std::min(in.find('\xFF', at), in.size());
    parts.emplace_back(in.substr(at, end - at));
    at = end + 1;
  }
  return parts;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::vector<std::string> parts = split(std::string_view(reinterpret_cast<const char*>(data), size));
  jupiter::JsonWriter object;
  jupiter::JsonWriter array;
  object.begin_object();
  array.begin_array();
  json oracle_array = json::array();
  for (std::size_t i = 0; i < parts.size(); ++i) {
    std::string alone;
    jupiter::append_json_string(alone, parts[i]);
    check(alone == oracle_dump(json(parts[i])));
    // Keys in the order written; nlohmann sorts its object keys, so the object is compared after reading it back.
    object.key(parts[i]).integer(static_cast<std::int64_t>(i) - 8);
    array.string(parts[i]).number(static_cast<double>(i) / 3.0);
    oracle_array.push_back(json(parts[i]));
    oracle_array.push_back(static_cast<double>(i) / 3.0);
  }
  const std::string obj_text = object.end_object().take();
  const std::string arr_text = array.end_array().take();
  check(jupiter::json_lite::check_object(obj_text, obj_text.size()) == jupiter::json_lite::Status::Ok);
  const json obj_back = json::parse(obj_text);  // a throw here is a finding too
  check(obj_back.size() <= parts.size());
  for (const std::string& part : parts)  // each key, as nlohmann reads its own (replaced) dump of it
    check(obj_back.contains(json::parse(oracle_dump(json(part))).get<std::string>()));
  const json arr_back = json::parse(arr_text);
  check(arr_back.size() == oracle_array.size());
  for (std::size_t i = 0; i < parts.size(); ++i) {
    check(arr_back[2 * i].dump(-1, ' ', false, json::error_handler_t::replace) == oracle_dump(oracle_array[2 * i]));
    check(arr_back[2 * i + 1].get<double>() == static_cast<double>(i) / 3.0);  // 17 digits read back exactly
  }
  return 0;
}
