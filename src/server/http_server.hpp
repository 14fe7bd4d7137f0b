// http_server.hpp: the HTTP front: cpp-httplib's server wired to our Router.
//
// [X] Every request goes through Router: 404 / 405 (with Allow) are decided before a request body is read
//     when there is none, after it is read (bounded by kMaxRequestBody, else 413) otherwise.
// [X] Errors are JSON, also the ones httplib produces itself (malformed request 400, 413, 414...) and
//     exceptions escaping a handler (500, logged).
// [X] Security headers on every response: X-Content-Type-Options: nosniff, Referrer-Policy.
// [X] One access log line per request on stdout: "GET /api/catalogue 200 0.3ms" (no query string).
// [X] bind() then listen(), so the caller can print the real port in between; stop() from any thread.
#pragma once
#include <cstddef>
#include <memory>
#include <string>

namespace httplib {
class Server;
}

namespace jupiter::server {

class Router;

inline constexpr std::size_t kMaxRequestBody = 1u << 20;  // 1 MiB: the API takes small JSON documents only

class HttpServer {
 public:
  explicit HttpServer(const Router& router);  // `router` must outlive the server
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds `host`:`port` (port 0: any free one). Returns the bound port, or -1 when binding failed.
  int bind(const std::string& host, int port);
  // Accepts connections until stop(); false when the server could not run.
  bool listen();
  // Stops accepting and makes listen() return. Safe from any thread.
  void stop();

 private:
  const Router& router_;
  std::unique_ptr<httplib::Server> server_;
};

}  // namespace jupiter::server
