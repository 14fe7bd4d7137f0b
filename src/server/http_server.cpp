// http_server.cpp: see http_server.hpp.
#include "server/http_server.hpp"

#include <httplib.h>

#include <chrono>
#include <cstdio>
#include <exception>

#include "server/http_util.hpp"
#include "server/log.hpp"
#include "server/router.hpp"

namespace jupiter::server {

namespace {

using Clock = std::chrono::steady_clock;

// When the request being handled on this worker thread started (set before routing, read by the logger; httplib
// handles one request at a time per thread). Requests httplib rejects before routing log without a duration.
thread_local Clock::time_point t_request_start{};
thread_local bool t_request_timed = false;

// Answers a request the router did not hand to a handler.
void answer_unrouted(const Router::Match& m, const httplib::Request& req, httplib::Response& res) {
  if (m.kind == Router::Match::Kind::MethodNotAllowed) {
    res.set_header("Allow", m.allow);
    return send_error(res, 405, "method " + log::printable(req.method, 16) + " is not allowed here; use " + m.allow);
  }
  send_error(res, 404, "no such resource: " + log::printable(req.path, 120));
}

// Messages for the errors httplib detects before our handlers run.
std::string message_for(int status) {
  switch (status) {
    case 400: return "malformed request";
    case 404: return "no such resource";
    case 413: return "the request body is larger than " + std::to_string(kMaxRequestBody) + " bytes";
    case 414: return "the request URI is too long";
    case 416: return "the requested range is not satisfiable";
    default: break;
  }
  return "the request was refused";
}

void access_log(const httplib::Request& req, const httplib::Response& res) {
  char duration[32] = "-";
  if (t_request_timed) {
    const double ms = std::chrono::duration<double, std::milli>(Clock::now() - t_request_start).count();
    std::snprintf(duration, sizeof duration, "%.1fms", ms);
  }
  t_request_timed = false;
  const std::string method = req.method.empty() ? "-" : log::printable(req.method, 16);
  const std::string path = req.path.empty() ? "-" : log::printable(req.path);
  log::info(method + " " + path + " " + std::to_string(res.status) + " " + duration);
}

}  // namespace

HttpServer::HttpServer(const Router& router) : router_(router), server_(std::make_unique<httplib::Server>()) {
  httplib::Server& s = *server_;
  s.set_default_headers({
      {"X-Content-Type-Options", "nosniff"},
      {"Referrer-Policy", "strict-origin-when-cross-origin"},
  });
  s.set_payload_max_length(kMaxRequestBody);
  s.set_keep_alive_max_count(100);
  s.set_read_timeout(10);
  s.set_write_timeout(10);

  // Route before the body is read: a bodiless request to an unknown path or with the wrong method is answered
  // here. With a body, httplib first reads it (or answers 413), then the catch-all handlers below route it.
  s.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
    t_request_start = Clock::now();
    t_request_timed = true;
    if (const std::string bad = framing_error(req); !bad.empty()) {
      send_error(res, 400, "malformed request: " + bad);
      return httplib::Server::HandlerResponse::Handled;
    }
    const Router::Match m = router_.match(req.method, req.path);
    if (m.kind == Router::Match::Kind::Found || has_request_body(req))
      return httplib::Server::HandlerResponse::Unhandled;
    answer_unrouted(m, req, res);
    return httplib::Server::HandlerResponse::Handled;
  });

  auto dispatch = [this](const httplib::Request& req, httplib::Response& res) {
    const Router::Match m = router_.match(req.method, req.path);
    if (m.kind != Router::Match::Kind::Found) return answer_unrouted(m, req, res);
    (*m.handler)(req, res, m.params);
  };
  const std::string any = R"([\s\S]*)";
  s.Get(any, dispatch);  // and HEAD
  s.Post(any, dispatch);
  s.Put(any, dispatch);
  s.Patch(any, dispatch);
  s.Delete(any, dispatch);
  s.Options(any, dispatch);

  // Responses httplib made up itself (400 malformed, 413 too large, 414, 404 for a path no regex matched) have
  // no body yet: give them a JSON one. Ours already have theirs (content_provider_ is public in httplib 0.11,
  // though meant as internal: it is how a body sent through send_shared shows).
  s.set_error_handler(
      httplib::Server::HandlerWithResponse([](const httplib::Request&, httplib::Response& res) {
        if (!res.body.empty() || res.content_provider_) return httplib::Server::HandlerResponse::Unhandled;
        send_error(res, res.status, message_for(res.status));
        return httplib::Server::HandlerResponse::Handled;
      }));
  s.set_exception_handler([](const httplib::Request& req, httplib::Response& res, std::exception_ptr ep) {
    std::string what = "unknown exception";
    try {
      if (ep) std::rethrow_exception(ep);
    } catch (const std::exception& e) {
      what = e.what();
    } catch (...) {
    }
    log::error("error: " + log::printable(req.method, 16) + " " + log::printable(req.path) + ": " + what);
    for (const char* h : {"Content-Encoding", "Content-Type", "Content-Length", "ETag", "Cache-Control", "Vary"})
      res.headers.erase(h);
    res.content_provider_ = nullptr;
    res.content_length_ = 0;
    send_error(res, 500, "internal_error", "the server failed to answer this request");
  });
  s.set_logger(access_log);
}

HttpServer::~HttpServer() = default;

int HttpServer::bind(const std::string& host, int port) {
  if (port == 0) return server_->bind_to_any_port(host);
  return server_->bind_to_port(host, port) ? port : -1;
}

bool HttpServer::listen() { return server_->listen_after_bind(); }

void HttpServer::stop() { server_->stop(); }

}  // namespace jupiter::server
