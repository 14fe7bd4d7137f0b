// json_body.cpp: see json_body.hpp.
#include "server/json_body.hpp"

#include <httplib.h>

#include "core/json_reader.hpp"
#include "server/core_json.hpp"
#include "server/http_util.hpp"

namespace jupiter::server {

std::optional<nlohmann::json> json_object_body(const httplib::Request& req, httplib::Response& res,
                                               std::size_t max_bytes) {
  const JsonObjectParse p = parse_json_object(req.body, max_bytes);
  switch (p.status) {
    case JsonObjectParse::Status::Ok: {
      // json_lite accepts a number beyond a double's range (1E400); nlohmann/json cannot read it.
      nlohmann::json j = from_core(req.body);
      if (!j.is_discarded()) return j;
      send_error(res, 400, "invalid_json", "the body holds a number too large to read");
      return std::nullopt;
    }
    case JsonObjectParse::Status::TooLarge:
      send_error(res, 413, "too_large", "the request body is too large");
      return std::nullopt;
    case JsonObjectParse::Status::NotObject:
      send_error(res, 400, "invalid_json", "the body must be one JSON object, not another JSON value");
      return std::nullopt;
    case JsonObjectParse::Status::NotJson: break;
  }
  send_error(res, 400, "invalid_json", "the body must be one JSON object (it is not JSON, or has more after it)");
  return std::nullopt;
}

nlohmann::json json_object_text(std::string_view text, std::size_t max_bytes) {
  if (parse_json_object(text, max_bytes).status != JsonObjectParse::Status::Ok)
    return nlohmann::json::value_t::discarded;
  return from_core(text);  // discarded if it holds a number nlohmann/json cannot read
}

}  // namespace jupiter::server
