// json_body.cpp: see json_body.hpp.
#include "server/json_body.hpp"

#include <httplib.h>

#include "core/json_reader.hpp"
#include "server/http_util.hpp"

namespace jupiter::server {

std::optional<nlohmann::json> json_object_body(const httplib::Request& req, httplib::Response& res,
                                               std::size_t max_bytes) {
  JsonObjectParse p = parse_json_object(req.body, max_bytes);
  switch (p.status) {
    case JsonObjectParse::Status::Ok: return std::move(p.doc);
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
  JsonObjectParse p = parse_json_object(text, max_bytes);
  if (p.status != JsonObjectParse::Status::Ok) return nlohmann::json::value_t::discarded;
  return std::move(p.doc);
}

}  // namespace jupiter::server
