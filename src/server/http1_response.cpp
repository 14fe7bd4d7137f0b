// http1_response.cpp: see http1_response.hpp.
#include "server/http1_response.hpp"

#include <httplib.h>

#include <algorithm>
#include <cctype>

namespace jupiter::server::http1 {

namespace {

bool contains_ci(std::string_view haystack, std::string_view needle) {
  auto it = std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end(), [](char a, char b) {
    return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
  });
  return it != haystack.end();
}

void set_if_absent(httplib::Response& res, const char* name, const char* value) {
  if (!res.has_header(name)) res.headers.emplace(name, value);
}

bool iequals(std::string_view a, std::string_view b) { return a.size() == b.size() && contains_ci(a, b); }

// Headers only the front writes: the handler's copies are dropped.
bool is_framing_header(std::string_view name) {
  for (std::string_view h : {"Content-Length", "Transfer-Encoding", "Connection", "Keep-Alive"})
    if (iequals(name, h)) return true;
  return false;
}

// Header values must not smuggle a line break into the response (a handler bug, never client input).
bool safe_value(const std::string& v) { return v.find_first_of("\r\n") == std::string::npos; }

}  // namespace

std::string_view reason_phrase(int status) {
  switch (status) {
    case 100: return "Continue";
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 204: return "No Content";
    case 206: return "Partial Content";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 303: return "See Other";
    case 304: return "Not Modified";
    case 307: return "Temporary Redirect";
    case 308: return "Permanent Redirect";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 406: return "Not Acceptable";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 410: return "Gone";
    case 411: return "Length Required";
    case 412: return "Precondition Failed";
    case 413: return "Payload Too Large";
    case 414: return "URI Too Long";
    case 415: return "Unsupported Media Type";
    case 416: return "Range Not Satisfiable";
    case 422: return "Unprocessable Content";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    case 505: return "HTTP Version Not Supported";
    default: break;
  }
  return "Unknown";
}

bool status_has_no_body(int status) { return (status >= 100 && status < 200) || status == 204 || status == 304; }

void apply_default_headers(httplib::Response& res, bool hsts) {
  set_if_absent(res, "X-Content-Type-Options", "nosniff");
  set_if_absent(res, "Referrer-Policy", kReferrerPolicy);
  set_if_absent(res, "Permissions-Policy", kPermissionsPolicy);
  if (hsts) set_if_absent(res, "Strict-Transport-Security", kHsts);
  const auto csp = res.headers.find("Content-Security-Policy");
  if (csp == res.headers.end()) {
    res.headers.emplace("Content-Security-Policy", "frame-ancestors 'none'");
  } else if (!contains_ci(csp->second, "frame-ancestors")) {
    std::string& value = csp->second;
    while (!value.empty() && (value.back() == ' ' || value.back() == ';')) value.pop_back();
    value += value.empty() ? "frame-ancestors 'none'" : "; frame-ancestors 'none'";
  }
}

std::string serialize_head(const httplib::Response& res, std::size_t body_length, bool keep_alive, bool http10) {
  std::string out;
  out.reserve(512);
  const int status = res.status < 100 || res.status > 999 ? 500 : res.status;
  out += "HTTP/1.1 ";
  out += std::to_string(status);
  out += ' ';
  out += reason_phrase(status);
  out += "\r\n";
  for (const auto& [name, value] : res.headers) {
    if (name.empty() || !safe_value(name) || !safe_value(value)) continue;
    if (is_framing_header(name)) continue;
    out += name;
    out += ": ";
    out += value;
    out += "\r\n";
  }
  if (!status_has_no_body(status)) out += "Content-Length: " + std::to_string(body_length) + "\r\n";
  if (!keep_alive) out += "Connection: close\r\n";
  else if (http10) out += "Connection: keep-alive\r\n";
  out += "\r\n";
  return out;
}

}  // namespace jupiter::server::http1
