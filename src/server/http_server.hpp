// http_server.hpp: the HTTP front: our own event-driven HTTP/1.1 server wired to our Router.
//
// Why our own (issue 19, measured on 2 cores, loopback): cpp-httplib 0.11.4 runs one thread per connection
// from a pool of max(8, cores-1), so 8 slow clients took the store down (/healthz unanswered for 12 s); it sends
// head and body in two writes without TCP_NODELAY (every keep-alive answer ~44 ms late: 23 req/s at
// concurrency 1), checks the body limit against Content-Length only (chunked bodies of 300 MB were read), keeps
// any number of headers, listens with a backlog of 5 and applies Range to any response. One I/O thread now owns
// every connection (epoll, non-blocking sockets); a bounded worker pool runs the handlers. A slow client costs a
// file descriptor and a bounded buffer, never a worker. httplib::Request / httplib::Response stay the plain data
// types the handlers use, so no handler changed. Measured with tests/bench/load.mjs in one run (ab -k, gzip,
// best of 2 interleaved 4 s runs, 2 cores, same bytes for nginx gzip_static), before -> after (nginx):
//   /api/catalogue c=64: 182 -> 46,392 req/s (38,992), p99 48 -> 2 ms (5); c=1: 23 -> 16,644 (21,382)
//   /              c=64: 186 -> 29,229 req/s (45,387), p99 45 -> 4 ms (5); c=1: 23 -> 11,716 (19,865)
//   RSS after the run 22.3 -> 23.5 MB. /healthz answers in ~1-2 ms while 64 slow-header and 16 idle
//   connections are held (api-http.cpp); before, 8 slow clients made it time out.
//
// [X] Every request goes through Router: 404 / 405 (with Allow) are decided before a request body is read
//     when there is none, after it is read (bounded by kMaxRequestBody, else 413) otherwise.
// [X] Parsing in http1_parser (pure, fuzzed): limits on the request line (8 KiB), header count (100) and bytes
//     (16 KiB), body (1 MiB, also chunked, 413 at once); smuggling shapes 400; unknown transfer codings 501.
// [X] Deadlines: 10 s from a request's first byte to the end of its head, 30 s for its body, 5 s idle between
//     keep-alive requests, 30 s without write progress. HTTP/1.0 and 1.1 keep-alive, pipelining (answered in
//     order), Connection: close, Expect: 100-continue.
// [X] TCP_NODELAY; head and body in one writev; listen backlog 4096; at most 10,000 connections and 256 per
//     client address (then 503 and close).
// [X] Errors are JSON, also the ones the front produces itself (400, 408, 413, 414, 431, 501, 503, 505) and
//     exceptions escaping a handler (500, logged).
// [X] Security headers on every response (http1_response.hpp), each once: the handler's own value wins.
// [X] One access log line per request on stdout: "GET /api/catalogue 200 0.3ms" (no query string).
// [X] bind() then listen(), so the caller can print the real port in between; stop() from any thread.
#pragma once
#include <cstddef>
#include <memory>
#include <string>

namespace jupiter::server {

class HttpMetrics;

class Router;

inline constexpr std::size_t kMaxRequestBody = 1u << 20;  // 1 MiB: the API takes small JSON documents only

struct HttpServerOptions {
  bool hsts = false;                   // send Strict-Transport-Security (the public URL is https)
  std::size_t max_connections = 10000; // open connections in all (also capped by the file descriptor limit)
  std::size_t max_per_address = 256;   // open connections from one client address
  unsigned workers = 0;                // handler threads; 0: max(8, 2 x cores)
  double header_timeout_s = 10;        // first byte of a request to the end of its head
  double body_timeout_s = 30;          // end of the head to the end of the body
  double idle_timeout_s = 5;           // keep-alive: end of a response to the first byte of the next request
  double write_timeout_s = 30;         // a response making no progress
  HttpMetrics* metrics = nullptr;      // when set, every answered request is counted there (must outlive the server)
  std::string trusted_proxy;           // a proxy's address ("127.0.0.1"): its requests' client is in X-Forwarded-For

  // The options for a store whose public URL is `public_url` (HSTS when it is https).
  static HttpServerOptions for_public_url(const std::string& public_url);
};

class HttpServer {
 public:
  // `router` must outlive the server.
  explicit HttpServer(const Router& router, HttpServerOptions options = {});
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds `host`:`port` (port 0: any free one) and starts listening. Returns the bound port, or -1.
  int bind(const std::string& host, int port);
  // Serves connections until stop(); false when the server could not run.
  bool listen();
  // Stops accepting and makes listen() return. Safe from any thread.
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace jupiter::server
