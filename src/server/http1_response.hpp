// http1_response.hpp: how the HTTP front turns a handler's httplib::Response into bytes: the security headers
// every response gets (only where the handler did not set its own), the status line and the header block.
//
// [X] X-Content-Type-Options: nosniff, Referrer-Policy, Permissions-Policy: added when absent, never twice.
// [X] Content-Security-Policy: frame-ancestors 'none' unless the handler's CSP already names frame-ancestors
//     (an embed route's allow-list stays untouched); a CSP without it gets "; frame-ancestors 'none'" appended.
// [X] Strict-Transport-Security only when the store's public URL is https.
// [X] Content-Length always computed here (a handler's own Content-Length / Transfer-Encoding / Connection
//     headers are replaced); none for 1xx, 204 and 304.
#pragma once
#include <cstddef>
#include <string>
#include <string_view>

#include "server/httplib_fwd.hpp"

namespace jupiter::server::http1 {

inline constexpr const char* kPermissionsPolicy =
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), bluetooth=(), hid=(), midi=(), "
    "magnetometer=(), gyroscope=(), accelerometer=(), display-capture=(), interest-cohort=()";
inline constexpr const char* kReferrerPolicy = "strict-origin-when-cross-origin";
inline constexpr const char* kHsts = "max-age=31536000";

// "OK" for 200, "Not Found" for 404, ...; "Unknown" for a status without a name.
std::string_view reason_phrase(int status);

// Adds the security headers `res` lacks (see above). `hsts`: the public URL is https.
void apply_default_headers(httplib::Response& res, bool hsts);

// The status line and headers, ending with the empty line. `body_length` is the size of the body the response
// has (also for HEAD, where it is not sent); `keep_alive` / `http10` decide the Connection header.
std::string serialize_head(const httplib::Response& res, std::size_t body_length, bool keep_alive, bool http10);

// True when a response with this status carries no body and no Content-Length (1xx, 204, 304).
bool status_has_no_body(int status);

}  // namespace jupiter::server::http1
