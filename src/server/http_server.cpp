// http_server.cpp: see http_server.hpp.
//
// Index:
//   [SECTION] answers the front makes itself (unrouted, errors, exceptions, log)
//   [SECTION] worker pool
//   [SECTION] connections: read, parse, dispatch, write, deadlines
//   [SECTION] HttpServer
#include "server/http_server.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <deque>
#include <exception>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

#include "server/http1_parser.hpp"
#include "server/metrics.hpp"
#include "server/http1_response.hpp"
#include "server/http_util.hpp"
#include "server/log.hpp"
#include "server/router.hpp"

namespace jupiter::server {

namespace {

using Clock = std::chrono::steady_clock;

constexpr std::size_t kReadChunk = 64 * 1024;    // bytes read per readiness event
constexpr std::size_t kBodyChunk = 64 * 1024;    // bytes pulled from a content provider at a time
constexpr std::size_t kMaxQueued = 1024;         // requests waiting for a worker, then 503
constexpr int kBacklog = 4096;
constexpr auto kLinger = std::chrono::seconds(2);  // reading and dropping input after an error answer
constexpr std::uint64_t kListenId = 0, kWakeId = 1;

Clock::duration seconds(double s) {
  return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(s));
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] answers the front makes itself (unrouted, errors, exceptions, log)
// ---------------------------------------------------------------------------------------------------------
void answer_unrouted(const Router::Match& m, const httplib::Request& req, httplib::Response& res) {
  if (m.kind == Router::Match::Kind::MethodNotAllowed) {
    res.set_header("Allow", m.allow);
    return send_error(res, 405, "method " + log::printable(req.method, 16) + " is not allowed here; use " + m.allow);
  }
  send_error(res, 404, "no such resource: " + log::printable(req.path, 120));
}

std::string message_for(int status) {
  switch (status) {
    case 400: return "malformed request";
    case 404: return "no such resource";
    case 408: return "the request took too long to arrive";
    case 413: return "the request body is larger than " + std::to_string(kMaxRequestBody) + " bytes";
    case 414: return "the request URI is too long";
    case 416: return "the requested range is not satisfiable";
    case 503: return "the server is busy; try again shortly";
    default: break;
  }
  return "the request was refused";
}

// A handler that set an error status without a body gets the JSON one.
void complete_error_body(httplib::Response& res) {
  if (res.status < 0) res.status = 200;
  if (res.status < 400 || !res.body.empty() || res.content_provider_) return;
  send_error(res, res.status, message_for(res.status));
}

void answer_exception(const httplib::Request& req, httplib::Response& res, const std::string& what) {
  log::error("error: " + log::printable(req.method, 16) + " " + log::printable(req.path) + ": " + what);
  res.headers.clear();
  res.body.clear();
  res.content_provider_ = nullptr;
  res.content_length_ = 0;
  send_error(res, 500, "internal_error", "the server failed to answer this request");
}

// Logs one answered request and counts it in `metrics` (when set) under its route label ("-": not routed).
void access_log(std::string_view method, std::string_view path, std::string_view route, int status,
                const Clock::time_point* start, HttpMetrics* metrics) {
  char duration[32] = "-";
  const double ms = start ? std::chrono::duration<double, std::milli>(Clock::now() - *start).count() : -1.0;
  if (start) std::snprintf(duration, sizeof duration, "%.1fms", ms);
  if (metrics) metrics->observe(route, status, start ? ms / 1000.0 : -1.0);
  const std::string m = method.empty() ? "-" : log::printable(std::string(method), 16);
  const std::string p = path.empty() ? "-" : log::printable(std::string(path));
  log::info(m + " " + p + " " + std::to_string(status) + " " + duration);
}

// Runs the handler the router chose (or answers 404 / 405), turning an escaping exception into a 500.
void run_handler(const Router::Match& m, const httplib::Request& req, httplib::Response& res) {
  std::string what;
  try {
    if (m.kind != Router::Match::Kind::Found) answer_unrouted(m, req, res);
    else (*m.handler)(req, res, m.params);
    complete_error_body(res);
    return;
  } catch (const std::exception& e) {
    what = e.what();
  } catch (...) {
    what = "unknown exception";
  }
  answer_exception(req, res, what);
}

// The client's address: the peer's, or, when the peer is the trusted proxy (HttpServerOptions::trusted_proxy), the
// address that proxy put in X-Forwarded-For (its last entry: the one the proxy itself saw), when it is one.
std::string client_address(const httplib::Request& req, const std::string& peer, const std::string& trusted_proxy) {
  if (trusted_proxy.empty() || peer != trusted_proxy) return peer;
  std::string forwarded = req.get_header_value("X-Forwarded-For");
  const std::size_t comma = forwarded.rfind(',');
  if (comma != std::string::npos) forwarded.erase(0, comma + 1);
  const std::size_t first = forwarded.find_first_not_of(" \t");
  const std::size_t last = forwarded.find_last_not_of(" \t");
  if (first == std::string::npos) return peer;
  forwarded = forwarded.substr(first, last - first + 1);
  unsigned char bytes[sizeof(in6_addr)];
  const bool ip = inet_pton(AF_INET, forwarded.c_str(), bytes) == 1 || inet_pton(AF_INET6, forwarded.c_str(), bytes) == 1;
  return ip ? forwarded : peer;
}

httplib::Request make_request(http1::Head& head, const std::string& addr, int port, const std::string& trusted_proxy) {
  httplib::Request req;
  req.method = std::move(head.method);
  req.path = std::move(head.path);
  req.target = std::move(head.target);
  req.version = head.minor_version == 0 ? "HTTP/1.0" : "HTTP/1.1";
  for (auto& [name, value] : head.headers) req.headers.emplace(std::move(name), std::move(value));
  for (auto& [name, value] : head.params) req.params.emplace(std::move(name), std::move(value));
  req.remote_addr = client_address(req, addr, trusted_proxy);
  req.remote_port = port;
  return req;
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] worker pool
// ---------------------------------------------------------------------------------------------------------
struct Job {
  std::uint64_t conn = 0;
  httplib::Request req;
  Router::Match match;
  Clock::time_point start;
};

struct Finished {
  std::uint64_t conn = 0;
  std::unique_ptr<httplib::Response> res;
};

// Handler threads. Jobs come from the I/O thread; results go back through `done` and a write to `wake_fd`.
class Workers {
 public:
  Workers(unsigned count, int wake_fd, bool hsts, HttpMetrics* metrics)
      : wake_fd_(wake_fd), hsts_(hsts), metrics_(metrics) {
    for (unsigned i = 0; i < count; ++i) threads_.emplace_back([this] { run(); });
  }
  ~Workers() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      closing_ = true;
    }
    ready_.notify_all();
    for (std::thread& t : threads_) t.join();
  }
  // Queues the jobs of one event-loop round at once (fewer wake-ups than one by one); those that do not fit
  // (more than kMaxQueued waiting) stay in `batch`.
  void push_all(std::vector<Job>& batch) {
    std::size_t moved = 0, idle = 0;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      for (; moved < batch.size() && jobs_.size() < kMaxQueued; ++moved) jobs_.push_back(std::move(batch[moved]));
      idle = idle_;
    }
    batch.erase(batch.begin(), batch.begin() + static_cast<std::ptrdiff_t>(moved));
    if (moved >= idle) ready_.notify_all();
    else for (std::size_t i = 0; i < moved; ++i) ready_.notify_one();
  }
  std::vector<Finished> take_finished() {
    std::lock_guard<std::mutex> lock(mutex_);
    std::vector<Finished> out(std::make_move_iterator(done_.begin()), std::make_move_iterator(done_.end()));
    done_.clear();
    return out;
  }

 private:
  void run() {
    for (;;) {
      Job job;
      {
        std::unique_lock<std::mutex> lock(mutex_);
        ++idle_;
        ready_.wait(lock, [this] { return closing_ || !jobs_.empty(); });
        --idle_;
        if (closing_) return;
        job = std::move(jobs_.front());
        jobs_.pop_front();
      }
      auto res = std::make_unique<httplib::Response>();
      run_handler(job.match, job.req, *res);
      http1::apply_default_headers(*res, hsts_);
      access_log(job.req.method, job.req.path, job.match.route, res->status, &job.start, metrics_);
      bool first = false;
      {
        std::lock_guard<std::mutex> lock(mutex_);
        first = done_.empty();
        done_.push_back({job.conn, std::move(res)});
      }
      if (!first) continue;  // the I/O thread has not taken the earlier answers yet: it takes this one with them
      const std::uint64_t one = 1;
      [[maybe_unused]] const ssize_t n = ::write(wake_fd_, &one, sizeof one);
    }
  }

  int wake_fd_;
  bool hsts_;
  HttpMetrics* metrics_;
  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<Job> jobs_;
  std::vector<Finished> done_;
  std::size_t idle_ = 0;  // workers waiting for a job
  bool closing_ = false;
  std::vector<std::thread> threads_;
};

// ---------------------------------------------------------------------------------------------------------
// [SECTION] connections: read, parse, dispatch, write, deadlines
// ---------------------------------------------------------------------------------------------------------
struct Connection {
  enum class Phase { Reading, Handling, Writing, Lingering };
  std::uint64_t id = 0;
  int fd = -1;
  std::string addr;
  int port = 0;
  http1::Parser parser;
  Phase phase = Phase::Reading;
  std::uint32_t events = 0;        // current epoll interest
  bool peer_gone = false;          // hang-up seen while a worker had the request
  Clock::time_point deadline;      // of the current phase (Reading: idle, head or body; Writing; Lingering)
  bool request_started = false;    // Reading: a byte of the current request arrived (header deadline runs)
  bool in_body = false;            // Reading: the body is being read
  // The request whose body is being read, and what the router said about it.
  httplib::Request pending;
  Router::Match match;
  Clock::time_point start;
  bool keep_alive = true;
  bool http10 = false;
  bool head_only = false;
  // Output: `head` then the body (`res->body`, or chunks pulled from `res->content_provider_`).
  std::string out;
  std::size_t out_off = 0;
  std::unique_ptr<httplib::Response> res;
  std::string chunk;
  std::size_t chunk_off = 0;
  std::size_t body_off = 0, body_len = 0;
  bool close_after = false;
  bool linger_after = false;       // input may be left unread: drain before closing
};

}  // namespace

struct HttpServer::Impl {
  Impl(const Router& r, HttpServerOptions o) : router(r), options(o) {}

  const Router& router;
  HttpServerOptions options;
  int listen_fd = -1;
  int epoll_fd = -1;
  int wake_fd = -1;
  std::atomic<bool> stopping{false};
  bool accept_paused = false;
  Clock::time_point accept_resume;
  std::uint64_t next_id = 2;
  std::unordered_map<std::uint64_t, std::unique_ptr<Connection>> conns;
  std::unordered_map<std::string, std::size_t> per_address;
  std::unique_ptr<Workers> workers;
  std::vector<Job> jobs;  // dispatched in this round of the event loop, not yet queued
  std::size_t max_connections = 0;

  bool run();
  void accept_all();
  void refuse(int fd);
  void on_event(std::uint64_t id, std::uint32_t events);
  void on_readable(Connection& c);
  void process(Connection& c, http1::Parser::Status s);
  void on_head(Connection& c);
  void dispatch(Connection& c);
  void flush_jobs();
  void respond(Connection& c, std::unique_ptr<httplib::Response> res);
  void respond_error(Connection& c, int status, const std::string& message);
  void on_finished();
  void flush(Connection& c);
  bool fill_body(Connection& c);
  void after_response(Connection& c);
  void linger(Connection& c);
  void set_events(Connection& c, std::uint32_t events);
  void close(Connection& c);
  void sweep();
};

void HttpServer::Impl::set_events(Connection& c, std::uint32_t events) {
  if (c.events == events) return;
  epoll_event ev{};
  ev.events = events;
  ev.data.u64 = c.id;
  epoll_ctl(epoll_fd, EPOLL_CTL_MOD, c.fd, &ev);
  c.events = events;
}

void HttpServer::Impl::close(Connection& c) {
  epoll_ctl(epoll_fd, EPOLL_CTL_DEL, c.fd, nullptr);
  ::close(c.fd);
  auto it = per_address.find(c.addr);
  if (it != per_address.end() && --it->second == 0) per_address.erase(it);
  conns.erase(c.id);  // destroys c
}

// Answers a connection the caps do not allow: a fixed 503, best effort, then close.
void HttpServer::Impl::refuse(int fd) {
  httplib::Response res;
  send_error(res, 503, "unavailable", "too many connections; try again shortly");
  http1::apply_default_headers(res, options.hsts);
  const std::string bytes = http1::serialize_head(res, res.body.size(), false, false) + res.body;
  [[maybe_unused]] const ssize_t n = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
  ::close(fd);
}

void HttpServer::Impl::accept_all() {
  for (;;) {
    sockaddr_storage sa{};
    socklen_t len = sizeof sa;
    const int fd = ::accept4(listen_fd, reinterpret_cast<sockaddr*>(&sa), &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
        // Out of descriptors: stop polling the listener for a moment rather than spin on it.
        epoll_ctl(epoll_fd, EPOLL_CTL_DEL, listen_fd, nullptr);
        accept_paused = true;
        accept_resume = Clock::now() + std::chrono::milliseconds(100);
      }
      return;
    }
    char host[INET6_ADDRSTRLEN] = "";
    int port = 0;
    if (sa.ss_family == AF_INET) {
      const auto* in = reinterpret_cast<const sockaddr_in*>(&sa);
      inet_ntop(AF_INET, &in->sin_addr, host, sizeof host);
      port = ntohs(in->sin_port);
    } else if (sa.ss_family == AF_INET6) {
      const auto* in6 = reinterpret_cast<const sockaddr_in6*>(&sa);
      inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof host);
      port = ntohs(in6->sin6_port);
    }
    std::size_t& from_here = per_address[host];
    if (conns.size() >= max_connections || from_here >= options.max_per_address) {
      if (from_here == 0) per_address.erase(host);
      refuse(fd);
      continue;
    }
    const int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    ++from_here;
    auto c = std::make_unique<Connection>();
    c->id = next_id++;
    c->fd = fd;
    c->addr = host;
    c->port = port;
    c->deadline = Clock::now() + seconds(options.header_timeout_s);
    c->events = EPOLLIN | EPOLLRDHUP;
    epoll_event ev{};
    ev.events = c->events;
    ev.data.u64 = c->id;
    epoll_ctl(epoll_fd, EPOLL_CTL_ADD, fd, &ev);
    conns.emplace(c->id, std::move(c));
  }
}

void HttpServer::Impl::on_event(std::uint64_t id, std::uint32_t events) {
  auto it = conns.find(id);
  if (it == conns.end()) return;
  Connection& c = *it->second;
  if (c.phase == Connection::Phase::Handling) {
    // The worker still has the request: forget the socket's events until its answer comes back.
    // Input is left unread meanwhile (pipelined requests wait in the socket); interest in it is dropped only
    // when some comes, which saves two epoll_ctl calls per request on a plain keep-alive connection.
    if (events & (EPOLLHUP | EPOLLERR)) {
      c.peer_gone = true;
      epoll_ctl(epoll_fd, EPOLL_CTL_DEL, c.fd, nullptr);
    }
    return set_events(c, 0);
  }
  if (c.phase == Connection::Phase::Writing) {
    if (events & (EPOLLHUP | EPOLLERR)) return close(c);
    return flush(c);
  }
  on_readable(c);
}

void HttpServer::Impl::on_readable(Connection& c) {
  char buffer[kReadChunk];
  const ssize_t n = ::recv(c.fd, buffer, sizeof buffer, 0);
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return;
  if (n <= 0) return close(c);  // closed by the peer (or failed) between requests or mid-request
  if (c.phase == Connection::Phase::Lingering) return;  // dropped
  if (!c.request_started) {
    c.request_started = true;
    c.deadline = Clock::now() + seconds(options.header_timeout_s);
  }
  process(c, c.parser.feed(std::string_view(buffer, static_cast<std::size_t>(n))));
}

void HttpServer::Impl::process(Connection& c, http1::Parser::Status s) {
  using S = http1::Parser::Status;
  switch (s) {
    case S::NeedMore: return;
    case S::Error: {
      const bool known = c.in_body;
      access_log(known ? c.pending.method : "", known ? c.pending.path : "", known ? c.match.route : "-",
                 c.parser.error_status(), known ? &c.start : nullptr, options.metrics);
      return respond_error(c, c.parser.error_status(), c.parser.error_message());
    }
    case S::HeadReady: return on_head(c);
    case S::Complete: {
      c.pending.body = std::move(c.parser.body());
      return dispatch(c);
    }
  }
}

void HttpServer::Impl::on_head(Connection& c) {
  http1::Head& head = c.parser.head();
  c.start = Clock::now();
  c.keep_alive = head.keep_alive;
  c.http10 = head.minor_version == 0;
  c.head_only = head.method == "HEAD";
  const bool has_body = head.has_body();
  const bool expect = head.expect_continue && c.http10 == false;
  c.pending = make_request(head, c.addr, c.port, options.trusted_proxy);
  c.match = router.match(c.pending.method, c.pending.path);
  if (has_body) {
    // A body follows: read it (the router's verdict on a body request comes after it, as before: 413 first).
    c.in_body = true;
    c.deadline = c.start + seconds(options.body_timeout_s);
    if (expect && c.parser.body_pending() && (head.chunked || head.content_length <= kMaxRequestBody)) {
      static const char kContinue[] = "HTTP/1.1 100 Continue\r\n\r\n";
      [[maybe_unused]] const ssize_t n = ::send(c.fd, kContinue, sizeof kContinue - 1, MSG_NOSIGNAL);
    }
  }
  process(c, c.parser.read_body());
}

void HttpServer::Impl::dispatch(Connection& c) {
  c.in_body = false;
  c.phase = Connection::Phase::Handling;
  // Answers needing no handler are made here, without a worker.
  if (c.match.kind != Router::Match::Kind::Found) {
    auto res = std::make_unique<httplib::Response>();
    run_handler(c.match, c.pending, *res);
    http1::apply_default_headers(*res, options.hsts);
    access_log(c.pending.method, c.pending.path, c.match.route, res->status, &c.start, options.metrics);
    return respond(c, std::move(res));
  }
  jobs.push_back(Job{c.id, std::move(c.pending), std::move(c.match), c.start});
  c.pending = httplib::Request{};
}

// Hands this round's requests to the workers; a full queue answers the rest 503.
void HttpServer::Impl::flush_jobs() {
  if (jobs.empty()) return;
  workers->push_all(jobs);
  std::vector<Job> refused;
  refused.swap(jobs);
  for (Job& job : refused) {
    auto it = conns.find(job.conn);
    if (it == conns.end()) continue;
    access_log(job.req.method, job.req.path, job.match.route, 503, &job.start, options.metrics);
    Connection& c = *it->second;
    c.keep_alive = false;
    auto res = std::make_unique<httplib::Response>();
    send_error(*res, 503, message_for(503));
    http1::apply_default_headers(*res, options.hsts);
    respond(c, std::move(res));
  }
}

void HttpServer::Impl::respond_error(Connection& c, int status, const std::string& message) {
  auto res = std::make_unique<httplib::Response>();
  if (status == 505) send_error(*res, status, "http_version_not_supported", message);
  else if (message.empty() || status == 413) send_error(*res, status, message_for(status));
  else send_error(*res, status, status == 400 ? "malformed request: " + message : message);
  http1::apply_default_headers(*res, options.hsts);
  c.keep_alive = false;
  c.linger_after = true;
  c.head_only = false;
  respond(c, std::move(res));
}

// Starts writing `res` on `c`.
void HttpServer::Impl::respond(Connection& c, std::unique_ptr<httplib::Response> res) {
  const bool provider = static_cast<bool>(res->content_provider_);
  std::size_t length = provider ? res->content_length_ : res->body.size();
  if (http1::status_has_no_body(res->status)) length = 0;
  c.close_after = !c.keep_alive;
  c.out = http1::serialize_head(*res, length, c.keep_alive, c.http10);
  c.out_off = 0;
  c.body_off = 0;
  c.body_len = c.head_only ? 0 : length;
  c.chunk.clear();
  c.chunk_off = 0;
  c.res = std::move(res);
  c.phase = Connection::Phase::Writing;
  c.deadline = Clock::now() + seconds(options.write_timeout_s);
  flush(c);
}

// Pulls the next piece of a content provider's body into c.chunk; false when the provider failed.
bool HttpServer::Impl::fill_body(Connection& c) {
  c.chunk.clear();
  c.chunk_off = 0;
  const std::size_t want = std::min(kBodyChunk, c.body_len - c.body_off);
  httplib::DataSink sink;
  sink.write = [&c](const char* data, std::size_t n) {
    c.chunk.append(data, n);
    return true;
  };
  sink.is_writable = [] { return true; };
  sink.done = [] {};
  try {
    if (!c.res->content_provider_(c.body_off, want, sink) || c.chunk.empty()) return false;
  } catch (...) {
    return false;  // the connection closes; the length already sent cannot be honoured
  }
  if (c.chunk.size() > c.body_len - c.body_off) c.chunk.resize(c.body_len - c.body_off);
  c.body_off += c.chunk.size();
  return true;
}

void HttpServer::Impl::flush(Connection& c) {
  const bool provider = static_cast<bool>(c.res->content_provider_);
  for (;;) {
    if (provider && c.chunk_off == c.chunk.size() && c.body_off < c.body_len && !fill_body(c)) return close(c);
    iovec iov[2];
    int count = 0;
    if (c.out_off < c.out.size()) iov[count++] = {c.out.data() + c.out_off, c.out.size() - c.out_off};
    const char* body = provider ? c.chunk.data() + c.chunk_off : c.res->body.data() + c.body_off;
    const std::size_t body_left = provider ? c.chunk.size() - c.chunk_off : c.body_len - c.body_off;
    if (body_left > 0) iov[count++] = {const_cast<char*>(body), body_left};
    if (count == 0) return after_response(c);
    msghdr msg{};
    msg.msg_iov = iov;
    msg.msg_iovlen = static_cast<std::size_t>(count);
    const ssize_t n = ::sendmsg(c.fd, &msg, MSG_NOSIGNAL);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return set_events(c, EPOLLOUT);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return close(c);
    auto sent = static_cast<std::size_t>(n);
    const std::size_t from_head = std::min(sent, c.out.size() - c.out_off);
    c.out_off += from_head;
    sent -= from_head;
    if (provider) c.chunk_off += sent;
    else c.body_off += sent;
    c.deadline = Clock::now() + seconds(options.write_timeout_s);
  }
}

void HttpServer::Impl::after_response(Connection& c) {
  c.res.reset();
  c.out.clear();
  c.out.shrink_to_fit();
  c.chunk.clear();
  c.chunk.shrink_to_fit();
  if (c.close_after) return c.linger_after ? linger(c) : close(c);
  c.phase = Connection::Phase::Reading;
  c.request_started = false;
  c.deadline = Clock::now() + seconds(options.idle_timeout_s);
  set_events(c, EPOLLIN | EPOLLRDHUP);
  const http1::Parser::Status s = c.parser.next();
  if (c.parser.started()) {
    c.request_started = true;
    c.deadline = Clock::now() + seconds(options.header_timeout_s);
  }
  process(c, s);
}

// After an error answer the client may still be sending: close our side, read and drop its bytes for a
// moment, so that its kernel does not discard our answer on a reset.
void HttpServer::Impl::linger(Connection& c) {
  ::shutdown(c.fd, SHUT_WR);
  c.phase = Connection::Phase::Lingering;
  c.deadline = Clock::now() + kLinger;
  set_events(c, EPOLLIN | EPOLLRDHUP);
}

void HttpServer::Impl::on_finished() {
  std::uint64_t count = 0;
  [[maybe_unused]] const ssize_t n = ::read(wake_fd, &count, sizeof count);
  for (Finished& f : workers->take_finished()) {
    auto it = conns.find(f.conn);
    if (it == conns.end()) continue;
    Connection& c = *it->second;
    if (c.peer_gone) {
      close(c);
      continue;
    }
    respond(c, std::move(f.res));
  }
}

// Deadlines: idle keep-alive connections close silently, late requests get 408, stuck writes close.
void HttpServer::Impl::sweep() {
  const Clock::time_point now = Clock::now();
  std::vector<std::uint64_t> expired;
  for (const auto& [id, c] : conns)
    if (c->phase != Connection::Phase::Handling && c->deadline <= now) expired.push_back(id);
  for (std::uint64_t id : expired) {
    auto it = conns.find(id);
    if (it == conns.end()) continue;
    Connection& c = *it->second;
    if (c.phase == Connection::Phase::Reading && c.request_started) {
      access_log(c.in_body ? c.pending.method : "", c.in_body ? c.pending.path : "", c.in_body ? c.match.route : "-",
                 408, nullptr, options.metrics);
      respond_error(c, 408, "");
    } else {
      close(c);
    }
  }
  if (accept_paused && now >= accept_resume) {
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u64 = kListenId;
    if (epoll_ctl(epoll_fd, EPOLL_CTL_ADD, listen_fd, &ev) == 0) accept_paused = false;
  }
}

bool HttpServer::Impl::run() {
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.u64 = kListenId;
  if (epoll_ctl(epoll_fd, EPOLL_CTL_ADD, listen_fd, &ev) != 0) return false;
  ev.data.u64 = kWakeId;
  if (epoll_ctl(epoll_fd, EPOLL_CTL_ADD, wake_fd, &ev) != 0) return false;
  std::vector<epoll_event> events(256);
  Clock::time_point last_sweep = Clock::now();
  while (!stopping.load()) {
    const int n = epoll_wait(epoll_fd, events.data(), static_cast<int>(events.size()), 100);
    if (n < 0 && errno != EINTR) return false;
    for (int i = 0; i < n; ++i) {
      const std::uint64_t id = events[static_cast<std::size_t>(i)].data.u64;
      if (id == kListenId) accept_all();
      else if (id == kWakeId) on_finished();
      else on_event(id, events[static_cast<std::size_t>(i)].events);
    }
    flush_jobs();
    if (Clock::now() - last_sweep >= std::chrono::milliseconds(100)) {
      sweep();
      last_sweep = Clock::now();
    }
  }
  return true;
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] HttpServer
// ---------------------------------------------------------------------------------------------------------
HttpServerOptions HttpServerOptions::for_public_url(const std::string& public_url) {
  HttpServerOptions o;
  o.hsts = public_url.rfind("https://", 0) == 0;
  return o;
}

HttpServer::HttpServer(const Router& router, HttpServerOptions options)
    : impl_(std::make_unique<Impl>(router, options)) {}

HttpServer::~HttpServer() {
  if (impl_->listen_fd >= 0) ::close(impl_->listen_fd);
}

int HttpServer::bind(const std::string& host, int port) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  const std::string service = std::to_string(port);
  if (getaddrinfo(host.empty() ? nullptr : host.c_str(), service.c_str(), &hints, &found) != 0) return -1;
  int fd = -1;
  for (addrinfo* a = found; a && fd < 0; a = a->ai_next) {
    fd = ::socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) continue;
    const int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (::bind(fd, a->ai_addr, a->ai_addrlen) != 0 || ::listen(fd, kBacklog) != 0) {
      ::close(fd);
      fd = -1;
    }
  }
  freeaddrinfo(found);
  if (fd < 0) return -1;
  sockaddr_storage sa{};
  socklen_t len = sizeof sa;
  getsockname(fd, reinterpret_cast<sockaddr*>(&sa), &len);
  impl_->listen_fd = fd;
  if (sa.ss_family == AF_INET6) return ntohs(reinterpret_cast<sockaddr_in6*>(&sa)->sin6_port);
  return ntohs(reinterpret_cast<sockaddr_in*>(&sa)->sin_port);
}

bool HttpServer::listen() {
  Impl& s = *impl_;
  if (s.listen_fd < 0) return false;
  // Room for the connection cap: raise the soft descriptor limit up to the hard one.
  rlimit lim{};
  if (getrlimit(RLIMIT_NOFILE, &lim) == 0 && lim.rlim_cur < lim.rlim_max) {
    lim.rlim_cur = std::min<rlim_t>(lim.rlim_max, s.options.max_connections + 1024);
    setrlimit(RLIMIT_NOFILE, &lim);
    getrlimit(RLIMIT_NOFILE, &lim);
  }
  const std::size_t fd_room = lim.rlim_cur > 128 ? static_cast<std::size_t>(lim.rlim_cur) - 128 : 16;
  s.max_connections = std::min(s.options.max_connections, fd_room);
  s.epoll_fd = epoll_create1(EPOLL_CLOEXEC);
  s.wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (s.epoll_fd < 0 || s.wake_fd < 0) return false;
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  const unsigned count = s.options.workers ? s.options.workers : std::max(8u, 2 * cores);
  s.workers = std::make_unique<Workers>(count, s.wake_fd, s.options.hsts, s.options.metrics);
  const bool ok = s.run();
  s.workers.reset();  // finishes the requests being handled; their answers are dropped
  while (!s.conns.empty()) s.close(*s.conns.begin()->second);
  ::close(s.epoll_fd);
  ::close(s.wake_fd);
  ::close(s.listen_fd);
  s.listen_fd = s.epoll_fd = s.wake_fd = -1;
  return ok;
}

void HttpServer::stop() {
  impl_->stopping = true;
  if (impl_->wake_fd >= 0) {
    const std::uint64_t one = 1;
    [[maybe_unused]] const ssize_t n = ::write(impl_->wake_fd, &one, sizeof one);
  }
}

}  // namespace jupiter::server
