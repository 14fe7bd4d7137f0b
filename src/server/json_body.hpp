// json_body.hpp: a request body read strictly as one JSON object: the whole body or a clear 400, never an exception.
//
// The text is checked by core's parse_json_object (json_lite's strict checker: the same verdict the store's codecs
// and check_order_request give) and only then parsed into nlohmann/json, the server's document type. nlohmann's
// parser alone would take a NUL byte for the end of its input (`{"a":1}\0junk` read as {"a":1}); the check refuses a
// NUL byte anywhere, a second value, trailing junk, comments, nesting deeper than json_lite::kMaxDepth, an empty
// body or a body over the limit; nothing throws. Every server route that reads a JSON body goes through
// json_object_body (a text that is not a request, through json_object_text).
//
//   auto body = json_object_body(req, res);   // nullopt: 400 invalid_json (or 413 too_large) was answered
//   if (!body) return;
#pragma once
#include <nlohmann/json.hpp>

#include <cstddef>
#include <optional>

#include "server/httplib_fwd.hpp"

namespace jupiter::server {

inline constexpr std::size_t kMaxJsonBody = 64 * 1024;

// The request body as a JSON object; otherwise answers 400 invalid_json ("the body must be one JSON object") or
// 413 too_large and returns nullopt.
std::optional<nlohmann::json> json_object_body(const httplib::Request& req, httplib::Response& res,
                                               std::size_t max_bytes = kMaxJsonBody);

// The same check for a text that is not a request (a remote service's answer): the object, or a discarded value.
nlohmann::json json_object_text(std::string_view text, std::size_t max_bytes = 1u << 20);

}  // namespace jupiter::server
