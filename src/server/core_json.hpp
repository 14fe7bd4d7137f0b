// core_json.hpp: a JSON text the core wrote (order_codec.hpp, support.hpp) as a value of the server's documents.
//
// The core writes JSON as text with its JsonWriter (the store links no nlohmann/json, issue 14); the server builds
// its answers with nlohmann/json. One shape per value: the server never writes a core value itself, it parses the
// core's text into its document (from_core) or sends the text as it is.
#pragma once
#include <nlohmann/json.hpp>

#include <string_view>

namespace jupiter::server {

// `core_text` is the text of one JSON value that the core wrote or checked (json_lite); discarded only if it holds a
// number beyond a double's range, which json_lite accepts and nlohmann/json refuses.
inline nlohmann::json from_core(std::string_view core_text) {
  return nlohmann::json::parse(core_text.begin(), core_text.end(), nullptr, /*allow_exceptions=*/false);
}

}  // namespace jupiter::server
