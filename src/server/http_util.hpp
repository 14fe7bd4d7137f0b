// http_util.hpp: response helpers shared by the API and the static files: JSON errors, the security headers,
// and sending a prepared body in the coding the client accepts, with ETag / If-None-Match.
//
// Bodies go out through a sized content provider, never Response::set_content: httplib would otherwise gzip
// or brotli text responses a second time on its own, and copy every body per request.
#pragma once
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "server/encoding.hpp"
#include "server/httplib_fwd.hpp"

namespace jupiter::server {

inline constexpr const char* kJsonType = "application/json; charset=utf-8";
inline constexpr const char* kContentSecurityPolicy =
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data: blob:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'";

// "not_found" for 404, "method_not_allowed" for 405, ... ("error" for a status without a name).
std::string_view error_code_for(int status);

// {"error":{"code":"...","message":"..."}} with `status`, Cache-Control: no-store.
void send_error(httplib::Response& res, int status, std::string_view code, std::string_view message);
// send_error with error_code_for(status).
void send_error(httplib::Response& res, int status, std::string_view message);
// A JSON document the caller built, with `status`.
void send_json(httplib::Response& res, int status, std::string body);

// A small HTML page with no script (title as <h1>, then body_html, which the caller escaped), with `status`:
// no-store, a CSP that allows only inline style and forms to this origin, no referrer, not indexed. The account's
// verify page and the unsubscribe page use it. `lang`: the page's <html lang> (a language code).
void send_page(httplib::Response& res, int status, const std::string& title, const std::string& body_html,
               std::string_view lang = "en");

// `body` as is (no compression by httplib), shared rather than copied.
void send_shared(httplib::Response& res, std::shared_ptr<const std::string> body, const std::string& content_type);

// Answers a GET/HEAD for `body`: 304 when If-None-Match names it; otherwise the smallest coding the client's
// Accept-Encoding allows, with ETag, Vary: Accept-Encoding and the given Cache-Control.
void send_encoded(const httplib::Request& req, httplib::Response& res, const EncodedBody& body,
                  const std::string& content_type, const char* cache_control);

// A Range header (RFC 9110 14.2) read against a representation of `size` bytes. Only one range of bytes is
// honoured: several ranges, other units and malformed values are ignored (Kind::None: send the whole 200).
struct ByteRange {
  enum class Kind { None, Single, Unsatisfiable };
  Kind kind = Kind::None;
  std::size_t first = 0, last = 0;  // inclusive, when Single
};
ByteRange parse_byte_range(std::string_view header, std::size_t size);

// send_encoded for a static file: as send_encoded, plus Accept-Ranges: bytes and, on a GET with a single
// Range (and an If-Range naming the identity ETag, when present), 206 with that slice of the identity body or
// 416 with Content-Range: bytes */size. API JSON uses send_encoded, which never answers ranges.
void send_encoded_ranged(const httplib::Request& req, httplib::Response& res, const EncodedBody& body,
                         const std::string& content_type, const char* cache_control);

// True when the request carries Global Privacy Control: a Sec-GPC field whose value is exactly "1" (any other
// value is ignored; when the field comes several times, one "1" is enough). Every stored consent receipt
// records it (gpc_header).
bool sends_gpc(const httplib::Request& req);

// True when the request carries a body (a non-zero Content-Length, or any Transfer-Encoding).
bool has_request_body(const httplib::Request& req);
// What is wrong with the request's body framing, "" when nothing: a Content-Length that is not a number,
// several different ones, or one together with Transfer-Encoding (the ingredients of request smuggling).
std::string framing_error(const httplib::Request& req);

}  // namespace jupiter::server
