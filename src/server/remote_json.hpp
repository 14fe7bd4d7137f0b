// remote_json.hpp: calling another company's JSON API (payment processor, eSIM partner): the client, and reading
// its answer into a Remote.
#pragma once
#include <string>

#include <nlohmann/json.hpp>

#include "server/remote.hpp"

#include <cstdint>

#include <httplib.h>

namespace jupiter::server {

// A client for `base_url` with the timeouts every adapter uses (connect 3 s, read and write 5 s).
httplib::Client adapter_client(const std::string& base_url);

// The string field `name` of `doc`, or "" when absent or not a string.
std::string json_string(const nlohmann::json& doc, const char* name);
// The integer field `name` of `doc`, or 0 when absent or not an integer.
std::int64_t json_int(const nlohmann::json& doc, const char* name);

// The answer of one call as a JSON object, or why not: "<what>: <transport error>" (retryable), or
// "<what>: HTTP <status> [<error code>]" (retryable for 5xx and 429), or a body that is not a JSON object.
Remote<nlohmann::json> remote_json(const httplib::Result& res, const char* what);

}  // namespace jupiter::server
