// http_util.cpp: see http_util.hpp.
#include "server/http_util.hpp"

#include <httplib.h>

#include <algorithm>

#include <nlohmann/json.hpp>

#include "server/html_escape.hpp"

namespace jupiter::server {

std::string_view error_code_for(int status) {
  switch (status) {
    case 400: return "bad_request";
    case 403: return "forbidden";
    case 404: return "not_found";
    case 405: return "method_not_allowed";
    case 406: return "not_acceptable";
    case 408: return "request_timeout";
    case 411: return "length_required";
    case 413: return "payload_too_large";
    case 414: return "uri_too_long";
    case 415: return "unsupported_media_type";
    case 416: return "range_not_satisfiable";
    case 422: return "unprocessable_entity";
    case 429: return "too_many_requests";
    case 431: return "header_fields_too_large";
    case 500: return "internal_error";
    case 501: return "not_implemented";
    case 503: return "unavailable";
    default: break;
  }
  return "error";
}

void send_json(httplib::Response& res, int status, std::string body) {
  res.status = status;
  if (!res.has_header("Cache-Control")) res.set_header("Cache-Control", "no-store");
  // set_content is safe here: httplib compresses only a bare "application/json", not with a charset parameter.
  res.set_content(std::move(body), kJsonType);
}

void send_error(httplib::Response& res, int status, std::string_view code, std::string_view message) {
  nlohmann::json doc = {{"error", {{"code", code}, {"message", message}}}};
  send_json(res, status, doc.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

void send_error(httplib::Response& res, int status, std::string_view message) {
  send_error(res, status, error_code_for(status), message);
}

void send_page(httplib::Response& res, int status, const std::string& title, const std::string& body_html,
               std::string_view lang) {
  res.status = status;
  res.set_header("Cache-Control", "no-store");
  res.set_header("Content-Security-Policy",
                 "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; "
                 "base-uri 'none'");
  res.set_header("Referrer-Policy", "no-referrer");
  res.set_header("X-Robots-Tag", "noindex");
  res.set_content("<!doctype html><html lang=\"" + html_escape(lang) +
                      "\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" "
                      "content=\"width=device-width, initial-scale=1\"><title>" + html_escape(title) +
                      "</title><style>body{font:16px/1.5 system-ui,sans-serif;max-width:32rem;margin:3rem auto;"
                      "padding:0 1rem}button{font:inherit;padding:.6rem 1.4rem}</style></head><body><h1>" +
                      html_escape(title) + "</h1>" + body_html + "</body></html>",
                  "text/html; charset=utf-8");
}

void send_shared(httplib::Response& res, std::shared_ptr<const std::string> body, const std::string& content_type) {
  if (!body || body->empty()) {
    res.set_header("Content-Type", content_type);
    res.set_header("Content-Length", "0");
    return;
  }
  const std::size_t size = body->size();
  res.set_content_provider(size, content_type,
                           [body = std::move(body)](std::size_t offset, std::size_t length, httplib::DataSink& sink) {
                             if (offset >= body->size()) return false;
                             length = std::min(length, body->size() - offset);
                             return sink.write(body->data() + offset, length);
                           });
}

void send_encoded(const httplib::Request& req, httplib::Response& res, const EncodedBody& body,
                  const std::string& content_type, const char* cache_control) {
  res.set_header("Vary", "Accept-Encoding");
  res.set_header("Cache-Control", cache_control);
  const EncodedBody::Choice choice = body.choose(parse_accept_encoding(req.get_header_value("Accept-Encoding")));
  res.set_header("ETag", choice.etag);
  if (req.has_header("If-None-Match") && body.matches(req.get_header_value("If-None-Match"))) {
    res.status = 304;
    return;
  }
  res.status = 200;
  if (choice.coding != Coding::Identity) res.set_header("Content-Encoding", std::string(coding_token(choice.coding)));
  send_shared(res, choice.body, content_type);
}

ByteRange parse_byte_range(std::string_view header, std::size_t size) {
  ByteRange r;
  constexpr std::string_view kUnit = "bytes=";
  if (header.substr(0, kUnit.size()) != kUnit) return r;
  std::string_view spec = header.substr(kUnit.size());
  while (!spec.empty() && spec.front() == ' ') spec.remove_prefix(1);
  while (!spec.empty() && spec.back() == ' ') spec.remove_suffix(1);
  const std::size_t dash = spec.find('-');
  if (dash == std::string_view::npos || spec.find(',') != std::string_view::npos) return r;
  const std::string_view a = spec.substr(0, dash), b = spec.substr(dash + 1);
  auto number = [](std::string_view s, std::size_t& out) {
    if (s.empty() || s.size() > 18 || s.find_first_not_of("0123456789") != std::string_view::npos) return false;
    out = std::stoull(std::string(s));
    return true;
  };
  std::size_t first = 0, last = 0;
  if (a.empty()) {  // "-n": the last n bytes
    if (!number(b, last)) return r;
    if (last == 0 || size == 0) return r.kind = ByteRange::Kind::Unsatisfiable, r;
    r.first = size - std::min(last, size);
    r.last = size - 1;
  } else {
    if (!number(a, first) || (!b.empty() && !number(b, last)) || (!b.empty() && last < first)) return r;
    if (first >= size) return r.kind = ByteRange::Kind::Unsatisfiable, r;
    r.first = first;
    r.last = b.empty() ? size - 1 : std::min(last, size - 1);
  }
  r.kind = ByteRange::Kind::Single;
  return r;
}

void send_encoded_ranged(const httplib::Request& req, httplib::Response& res, const EncodedBody& body,
                         const std::string& content_type, const char* cache_control) {
  res.set_header("Accept-Ranges", "bytes");
  const bool want_range = req.method == "GET" && req.has_header("Range") &&
                          !(req.has_header("If-None-Match") && body.matches(req.get_header_value("If-None-Match")));
  const EncodedBody::Choice identity = body.choose(AcceptEncoding{false, false, true});
  const bool fresh = !req.has_header("If-Range") || req.get_header_value("If-Range") == identity.etag;
  const std::size_t size = identity.body ? identity.body->size() : 0;
  const ByteRange range = want_range && fresh ? parse_byte_range(req.get_header_value("Range"), size) : ByteRange{};
  if (range.kind == ByteRange::Kind::None) return send_encoded(req, res, body, content_type, cache_control);
  if (range.kind == ByteRange::Kind::Unsatisfiable) {
    res.set_header("Content-Range", "bytes */" + std::to_string(size));
    return send_error(res, 416, "the requested range is not satisfiable");
  }
  res.set_header("Vary", "Accept-Encoding");
  res.set_header("Cache-Control", cache_control);
  res.set_header("ETag", identity.etag);
  res.status = 206;
  res.set_header("Content-Range", "bytes " + std::to_string(range.first) + "-" + std::to_string(range.last) + "/" +
                                      std::to_string(size));
  const std::size_t offset = range.first, length = range.last - range.first + 1;
  res.set_content_provider(length, content_type,
                           [whole = identity.body, offset](std::size_t at, std::size_t n, httplib::DataSink& sink) {
                             if (offset + at >= whole->size()) return false;
                             n = std::min(n, whole->size() - offset - at);
                             return sink.write(whole->data() + offset + at, n);
                           });
}

bool sends_gpc(const httplib::Request& req) {
  const auto [first, last] = req.headers.equal_range("Sec-GPC");
  return std::any_of(first, last, [](const auto& field) { return field.second == "1"; });
}

bool has_request_body(const httplib::Request& req) {
  if (req.has_header("Transfer-Encoding")) return true;
  if (!req.has_header("Content-Length")) return false;
  const std::string length = req.get_header_value("Content-Length");
  return length.find_first_not_of('0') != std::string::npos;
}

}  // namespace jupiter::server

namespace jupiter::server {

std::string framing_error(const httplib::Request& req) {
  const std::size_t lengths = req.get_header_value_count("Content-Length");
  if (lengths == 0) return {};
  if (req.has_header("Transfer-Encoding")) return "both Content-Length and Transfer-Encoding";
  const std::string first = req.get_header_value("Content-Length");
  for (std::size_t i = 0; i < lengths; ++i) {
    const std::string value = req.get_header_value("Content-Length", i);
    if (value.empty() || value.size() > 18 || value.find_first_not_of("0123456789") != std::string::npos)
      return "Content-Length is not a number";
    if (value != first) return "conflicting Content-Length headers";
  }
  return {};
}

}  // namespace jupiter::server
