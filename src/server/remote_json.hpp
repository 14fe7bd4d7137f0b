// remote_json.hpp: reading another company's JSON API answer (payment processor, eSIM partner) into a Remote.
#pragma once
#include <string>

#include <nlohmann/json.hpp>

#include "server/remote.hpp"

namespace httplib {
class Result;
}

namespace jupiter::server {

// The string field `name` of `doc`, or "" when absent or not a string.
std::string json_string(const nlohmann::json& doc, const char* name);

// The answer of one call as a JSON object, or why not: "<what>: <transport error>" (retryable), or
// "<what>: HTTP <status> [<error code>]" (retryable for 5xx and 429), or a body that is not a JSON object.
Remote<nlohmann::json> remote_json(const httplib::Result& res, const char* what);

}  // namespace jupiter::server
