// api-http.cpp: the HTTP front (issue 19): the pure request parser, then the server over raw sockets: limits,
// deadlines, keep-alive, pipelining, TCP_NODELAY, slow clients, Range and the security headers.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <doctest/doctest.h>
#include <httplib.h>

#include <chrono>
#include <cstdio>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "commerce.hpp"
#include "helpers.hpp"
#include "server/http1_parser.hpp"
#include "server/http_server.hpp"
#include "server/http_util.hpp"

using namespace jupiter::test;
namespace http1 = jupiter::server::http1;
using Status = http1::Parser::Status;
using Clock = std::chrono::steady_clock;

namespace {

double ms_since(Clock::time_point t) { return std::chrono::duration<double, std::milli>(Clock::now() - t).count(); }

// One parsed response read off a raw socket.
struct Reply {
  int status = 0;  // 0: nothing (closed or timed out)
  std::multimap<std::string, std::string> headers;  // names lower-cased
  std::string body;
  std::size_t count(const std::string& lower_name) const { return headers.count(lower_name); }
  std::string get(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? "" : it->second;
  }
};

// A raw client connection to 127.0.0.1:port with a receive time-out.
class Sock {
 public:
  explicit Sock(int port, int timeout_ms = 3000) {
    fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    REQUIRE(fd_ >= 0);
    timeval tv{timeout_ms / 1000, (timeout_ms % 1000) * 1000};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  }
  ~Sock() {
    if (fd_ >= 0) close(fd_);
  }
  Sock(const Sock&) = delete;
  Sock& operator=(const Sock&) = delete;
  Sock(Sock&& o) noexcept : fd_(o.fd_), in_(std::move(o.in_)) { o.fd_ = -1; }

  bool send_all(const std::string& bytes) {
    std::size_t sent = 0;
    while (sent < bytes.size()) {
      const ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return false;
      sent += static_cast<std::size_t>(n);
    }
    return true;
  }
  // Reads until at least `n` bytes are buffered; false on close or time-out.
  bool fill(std::size_t n) {
    char buffer[65536];
    while (in_.size() < n) {
      const ssize_t got = recv(fd_, buffer, sizeof buffer, 0);
      if (got <= 0) return false;
      in_.append(buffer, static_cast<std::size_t>(got));
    }
    return true;
  }
  // True when the server closed the connection (EOF) within the time-out.
  bool closed_by_server() {
    char c;
    return recv(fd_, &c, 1, 0) == 0;
  }
  // The next response (a HEAD answer or 1xx has no body: `bodyless`).
  Reply read_reply(bool bodyless = false) {
    Reply r;
    std::size_t end;
    while ((end = in_.find("\r\n\r\n")) == std::string::npos)
      if (!fill(in_.size() + 1)) return r;
    const std::string head = in_.substr(0, end);
    in_.erase(0, end + 4);
    std::sscanf(head.c_str(), "HTTP/1.%*d %d", &r.status);
    std::size_t pos = head.find("\r\n");
    while (pos != std::string::npos) {
      const std::size_t next = head.find("\r\n", pos + 2);
      const std::string line = head.substr(pos + 2, next == std::string::npos ? next : next - pos - 2);
      const std::size_t colon = line.find(':');
      std::string name = line.substr(0, colon);
      for (char& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      r.headers.emplace(name, line.substr(line.find_first_not_of(' ', colon + 1)));
      pos = next;
    }
    const std::size_t length = bodyless || r.status < 200 ? 0 : std::stoul("0" + r.get("content-length"));
    if (!fill(length)) return Reply{};
    r.body = in_.substr(0, length);
    in_.erase(0, length);
    return r;
  }
  int fd() const { return fd_; }

 private:
  int fd_ = -1;
  std::string in_;
};

std::string get(const std::string& path, const std::string& extra = "") {
  return "GET " + path + " HTTP/1.1\r\nHost: x\r\n" + extra + "\r\n";
}

}  // namespace

// ---------------------------------------------------------------------------------------------------------
// [SECTION] the parser alone
// ---------------------------------------------------------------------------------------------------------
TEST_CASE("the parser reads a request head, decodes the path and the query, and keeps the headers") {
  http1::Parser p;
  REQUIRE(p.feed("GET /api/orders/a%20b?token=x%2By&q=a+b&flag HTTP/1.1\r\nHost: x\r\nX-A:  1 \r\n\r\n") ==
          Status::HeadReady);
  const http1::Head& h = p.head();
  CHECK(h.method == "GET");
  CHECK(h.path == "/api/orders/a b");
  CHECK(h.target == "/api/orders/a%20b?token=x%2By&q=a+b&flag");
  REQUIRE(h.params.size() == 3);
  CHECK(h.params[0] == std::make_pair(std::string("token"), std::string("x+y")));
  CHECK(h.params[1].second == "a b");
  CHECK(h.params[2].first == "flag");
  REQUIRE(h.headers.size() == 2);
  CHECK(h.headers[1].second == "1");
  CHECK(h.keep_alive);
  CHECK(p.read_body() == Status::Complete);
  CHECK(p.body().empty());
}

TEST_CASE("the parser takes a request one byte at a time, and pipelined requests one after the other") {
  http1::Parser p;
  const std::string two = "POST /a HTTP/1.1\r\nContent-Length: 3\r\n\r\nabcGET /b HTTP/1.0\r\n\r\n";
  Status s = Status::NeedMore;
  std::size_t i = 0;
  for (; i < two.size() && s == Status::NeedMore; ++i) s = p.feed(two.substr(i, 1));
  REQUIRE(s == Status::HeadReady);
  CHECK(p.read_body() == Status::NeedMore);
  for (; i < two.size() && s != Status::Complete; ++i) s = p.feed(two.substr(i, 1));
  REQUIRE(s == Status::Complete);
  CHECK(p.body() == "abc");
  for (; i < two.size(); ++i) CHECK(p.feed(two.substr(i, 1)) == Status::Complete);  // waits for next()
  REQUIRE(p.next() == Status::HeadReady);
  CHECK(p.head().path == "/b");
  CHECK(p.head().minor_version == 0);
  CHECK_FALSE(p.head().keep_alive);  // HTTP/1.0 without Connection: keep-alive
}

TEST_CASE("the parser decodes a chunked body and drops its trailers") {
  http1::Parser p;
  REQUIRE(p.feed("POST /a HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n") == Status::HeadReady);
  CHECK(p.read_body() == Status::NeedMore);
  CHECK(p.feed("3;ext=1\r\nabc\r\n") == Status::NeedMore);
  CHECK(p.feed("A\r\n0123456789\r\n0\r\nX-Trailer: t\r\n") == Status::NeedMore);
  CHECK(p.feed("\r\n") == Status::Complete);
  CHECK(p.body() == "abc0123456789");
}

TEST_CASE("the parser refuses a body over the limit as soon as it is announced, also chunked") {
  http1::Limits limits;
  limits.max_body = 10;
  SUBCASE("Content-Length") {
    http1::Parser p(limits);
    REQUIRE(p.feed("POST /a HTTP/1.1\r\nContent-Length: 11\r\n\r\n") == Status::HeadReady);
    CHECK(p.read_body() == Status::Error);
    CHECK(p.error_status() == 413);
  }
  SUBCASE("one big chunk, before its data comes") {
    http1::Parser p(limits);
    REQUIRE(p.feed("POST /a HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n") == Status::HeadReady);
    CHECK(p.read_body() == Status::NeedMore);
    CHECK(p.feed("7fffffffffff\r\n") == Status::Error);
    CHECK(p.error_status() == 413);
  }
  SUBCASE("small chunks adding up") {
    http1::Parser p(limits);
    REQUIRE(p.feed("POST /a HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n") == Status::HeadReady);
    p.read_body();
    CHECK(p.feed("6\r\nabcdef\r\n") == Status::NeedMore);
    CHECK(p.feed("5\r\n") == Status::Error);
    CHECK(p.error_status() == 413);
  }
}

TEST_CASE("the parser answers request smuggling shapes and oversized heads with the right status") {
  const std::pair<const char*, int> cases[] = {
      {"POST /a HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n", 400},
      {"POST /a HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n", 400},
      {"POST /a HTTP/1.1\r\nContent-Length: +3\r\n\r\n", 400},
      {"POST /a HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", 501},
      {"POST /a HTTP/1.1\r\nTransfer-Encoding: identity\r\n\r\n", 501},
      {"GET /a HTTP/1.1\r\nX-A: 1\r\n folded\r\n\r\n", 400},
      {"GET /a HTTP/1.1\r\nX A: 1\r\n\r\n", 400},
      {"GET /a HTTP/1.1\r\nX-A : 1\r\n\r\n", 400},
      {"GET /a HTTP/1.1\r\nX-A: 1\n\r\n", 400},
      {"GET /a HTTP/2.0\r\n\r\n", 505},
      {"GET /a HTTP/1.1 extra\r\n\r\n", 400},
      {"GARBAGE\r\n\r\n", 400},
      {"GET http://example.com/ HTTP/1.1\r\n\r\n", 400},
  };
  for (const auto& [request, status] : cases) {
    CAPTURE(request);
    http1::Parser p;
    CHECK(p.feed(request) == Status::Error);
    CHECK(p.error_status() == status);
  }
  SUBCASE("limits") {
    http1::Parser line;
    CHECK(line.feed("GET /" + std::string(9000, 'a')) == Status::Error);
    CHECK(line.error_status() == 414);
    std::string many = "GET / HTTP/1.1\r\n";
    for (int i = 0; i < 101; ++i) many += "X-" + std::to_string(i) + ": v\r\n";
    http1::Parser count;
    CHECK(count.feed(many + "\r\n") == Status::Error);
    CHECK(count.error_status() == 431);
    http1::Parser bytes;
    CHECK(bytes.feed("GET / HTTP/1.1\r\nX-Big: " + std::string(17000, 'a')) == Status::Error);
    CHECK(bytes.error_status() == 431);
  }
}

TEST_CASE("byte ranges: one range is honoured, several or malformed ones are ignored") {
  using jupiter::server::ByteRange;
  using jupiter::server::parse_byte_range;
  auto single = [](ByteRange r, std::size_t a, std::size_t b) {
    return r.kind == ByteRange::Kind::Single && r.first == a && r.last == b;
  };
  CHECK(single(parse_byte_range("bytes=0-99", 1000), 0, 99));
  CHECK(single(parse_byte_range("bytes=990-2000", 1000), 990, 999));
  CHECK(single(parse_byte_range("bytes=10-", 1000), 10, 999));
  CHECK(single(parse_byte_range("bytes=-100", 1000), 900, 999));
  CHECK(single(parse_byte_range("bytes=-5000", 1000), 0, 999));
  CHECK(parse_byte_range("bytes=1000-", 1000).kind == ByteRange::Kind::Unsatisfiable);
  CHECK(parse_byte_range("bytes=-0", 1000).kind == ByteRange::Kind::Unsatisfiable);
  CHECK(parse_byte_range("bytes=0-1,5-6", 1000).kind == ByteRange::Kind::None);
  CHECK(parse_byte_range("bytes=5-1", 1000).kind == ByteRange::Kind::None);
  CHECK(parse_byte_range("items=0-1", 1000).kind == ByteRange::Kind::None);
  CHECK(parse_byte_range("bytes=a-b", 1000).kind == ByteRange::Kind::None);
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] the server
// ---------------------------------------------------------------------------------------------------------
TEST_CASE("keep-alive answers are not delayed (TCP_NODELAY, one write) and pipelined requests come in order") {
  Store store;
  Sock s(store.server->port());
  const auto t0 = Clock::now();
  for (int i = 0; i < 20; ++i) {
    REQUIRE(s.send_all(get("/api/catalogue")));
    REQUIRE(s.read_reply().status == 200);
  }
  const double ms = ms_since(t0);
  CHECK_MESSAGE(ms < 300, "20 keep-alive requests took " << ms << " ms (40 ms each without TCP_NODELAY)");

  REQUIRE(s.send_all(get("/healthz") + get("/api/nope") + "HEAD /healthz HTTP/1.1\r\nHost: x\r\n\r\n" + get("/healthz")));
  CHECK(s.read_reply().status == 200);
  CHECK(s.read_reply().status == 404);
  const Reply head = s.read_reply(true);
  CHECK(head.status == 200);
  CHECK(head.get("content-length") == "15");
  const Reply last = s.read_reply();
  CHECK(last.status == 200);
  CHECK(last.body == R"({"status":"ok"})");
}

TEST_CASE("Connection: close, HTTP/1.0 and Expect: 100-continue are honoured") {
  Store store;
  SUBCASE("Connection: close") {
    Sock s(store.server->port());
    REQUIRE(s.send_all(get("/healthz", "Connection: close\r\n")));
    const Reply r = s.read_reply();
    CHECK(r.status == 200);
    CHECK(r.get("connection") == "close");
    CHECK(s.closed_by_server());
  }
  SUBCASE("HTTP/1.0 closes unless it asks for keep-alive") {
    Sock s(store.server->port());
    REQUIRE(s.send_all("GET /healthz HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"));
    CHECK(s.read_reply().status == 200);
    REQUIRE(s.send_all("GET /healthz HTTP/1.0\r\n\r\n"));
    CHECK(s.read_reply().status == 200);
    CHECK(s.closed_by_server());
  }
  SUBCASE("100-continue") {
    Sock s(store.server->port());
    const std::string body = R"({"x":1})";
    REQUIRE(s.send_all("POST /api/orders HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nExpect: 100-continue\r\n"
                       "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n"));
    CHECK(s.read_reply().status == 100);
    REQUIRE(s.send_all(body));
    const Reply r = s.read_reply();
    CHECK(r.status >= 400);  // not a valid order, but read and answered
    CHECK(r.status < 500);
  }
}

TEST_CASE("bodies over the limit get 413 at once, chunked or not; odd framing is refused") {
  Store store;
  SUBCASE("a chunk announcing 2 MiB: 413 without sending it") {
    Sock s(store.server->port());
    REQUIRE(s.send_all("POST /api/orders HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n200000\r\n"));
    const Reply r = s.read_reply();
    CHECK(r.status == 413);
    CHECK(json_error_code(r.body) == "payload_too_large");
  }
  SUBCASE("small chunks past 1 MiB") {
    Sock s(store.server->port());
    REQUIRE(s.send_all("POST /api/orders HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"));
    const std::string chunk = "10000\r\n" + std::string(0x10000, 'x') + "\r\n";
    for (int i = 0; i < 17 && s.send_all(chunk); ++i) {
    }
    CHECK(s.read_reply().status == 413);
  }
  SUBCASE("Content-Length: 2 MiB, no body sent") {
    Sock s(store.server->port());
    REQUIRE(s.send_all("POST /api/orders HTTP/1.1\r\nHost: x\r\nContent-Length: 2097152\r\n\r\n"));
    CHECK(s.read_reply().status == 413);
  }
  SUBCASE("Transfer-Encoding other than chunked: 501, then close") {
    Sock s(store.server->port());
    REQUIRE(s.send_all("POST /api/orders HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"));
    const Reply r = s.read_reply();
    CHECK(r.status == 501);
    CHECK(json_error_code(r.body) == "not_implemented");
    CHECK(s.closed_by_server());
  }
  SUBCASE("101 header fields: 431") {
    std::string req = "GET /healthz HTTP/1.1\r\nHost: x\r\n";
    for (int i = 0; i < 101; ++i) req += "X-" + std::to_string(i) + ": v\r\n";
    Sock s(store.server->port());
    REQUIRE(s.send_all(req + "\r\n"));
    const Reply r = s.read_reply();
    CHECK(r.status == 431);
    CHECK(json_error_code(r.body) == "header_fields_too_large");
  }
  SUBCASE("obs-fold: 400") {
    Sock s(store.server->port());
    REQUIRE(s.send_all("GET /healthz HTTP/1.1\r\nHost: x\r\nX-A: 1\r\n 2\r\n\r\n"));
    CHECK(s.read_reply().status == 400);
  }
}

TEST_CASE("slow clients cannot starve the server: /healthz answers fast while 64 are held, and they time out") {
  Store store;
  const int port = store.server->port();
  std::vector<Sock> slow;
  for (int i = 0; i < 64; ++i) {
    slow.emplace_back(port, 15000);
    REQUIRE(slow.back().send_all("GET /healthz HTTP/1.1\r\nHost: x\r\n"));  // and never the end of the head
  }
  std::vector<Sock> idle;  // keep-alive connections that went quiet after one request
  for (int i = 0; i < 16; ++i) {
    idle.emplace_back(port);
    REQUIRE(idle.back().send_all(get("/healthz")));
    REQUIRE(idle.back().read_reply().status == 200);
  }
  const auto t0 = Clock::now();
  double worst = 0;
  for (int round = 0; round < 10; ++round) {
    for (Sock& s : slow) (void)s.send_all("X-Slow: " + std::to_string(round) + "\r\n");
    const auto t = Clock::now();
    auto res = store.server->client().Get("/healthz");
    worst = std::max(worst, ms_since(t));
    REQUIRE(res);
    CHECK(res->status == 200);
    std::this_thread::sleep_for(std::chrono::milliseconds(900));
  }
  MESSAGE("worst /healthz while 64 slow and 16 idle connections were held: " << worst << " ms");
  CHECK(worst < 100);
  // 10 s after their first byte the slow heads get 408 and are closed, header lines notwithstanding.
  const Reply late = slow.front().read_reply();
  CHECK(late.status == 408);
  CHECK(ms_since(t0) < 13000);
  CHECK(idle.front().closed_by_server());  // the 5 s keep-alive idle time-out passed long ago
}

TEST_CASE("one client address holds at most 256 connections; the next one gets a JSON 503") {
  Store store;
  std::vector<Sock> held;
  for (int i = 0; i < 256; ++i) held.emplace_back(store.server->port());
  REQUIRE(held.back().send_all(get("/healthz")));
  REQUIRE(held.back().read_reply().status == 200);  // all 256 accepted and served
  Sock extra(store.server->port());
  const Reply refused = extra.read_reply();
  CHECK(refused.status == 503);
  CHECK(json_error_code(refused.body) == "unavailable");
  held.pop_back();
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  Sock again(store.server->port());
  REQUIRE(again.send_all(get("/healthz")));
  CHECK(again.read_reply().status == 200);
}

TEST_CASE("the listen backlog takes a burst of connections") {
  Store store;
  FILE* p = popen(("ss -Hltn 'sport = :" + std::to_string(store.server->port()) + "'").c_str(), "r");
  REQUIRE(p);
  char line[512] = "";
  const bool got = std::fgets(line, sizeof line, p) != nullptr;
  pclose(p);
  REQUIRE(got);
  char state[32];
  unsigned recv_q = 0, send_q = 0;
  REQUIRE(std::sscanf(line, "%31s %u %u", state, &recv_q, &send_q) == 3);
  CHECK(send_q >= 1024);  // for a listening socket, ss shows the backlog as Send-Q
}

TEST_CASE("Range is answered on static files only: 206 with the slice, 416, several ranges whole, If-Range") {
  Store store;
  auto cli = store.server->client();
  const std::string whole = hashed_script_text();
  const std::string path = std::string("/") + kHashedScript;
  SUBCASE("API JSON ignores Range") {
    auto full = cli.Get("/api/catalogue", {{"Accept-Encoding", "identity"}});
    auto res = cli.Get("/api/catalogue", {{"Range", "bytes=0-99"}, {"Accept-Encoding", "identity"}});
    REQUIRE(res);
    REQUIRE(full);
    CHECK(res->status == 200);
    CHECK(res->body == full->body);
    CHECK(res->body.size() > 100);
    CHECK_FALSE(res->has_header("Content-Range"));
  }
  SUBCASE("one range: 206, identity even when br is accepted") {
    auto res = cli.Get(path, {{"Range", "bytes=10-19"}, {"Accept-Encoding", "br, gzip"}});
    REQUIRE(res);
    CHECK(res->status == 206);
    CHECK(res->body == whole.substr(10, 10));
    CHECK(res->get_header_value("Content-Range") == "bytes 10-19/" + std::to_string(whole.size()));
    CHECK_FALSE(res->has_header("Content-Encoding"));
    CHECK(res->get_header_value("Accept-Ranges") == "bytes");
    auto tail = cli.Get(path, {{"Range", "bytes=-5"}});
    REQUIRE(tail);
    CHECK(tail->status == 206);
    CHECK(tail->body == whole.substr(whole.size() - 5));
  }
  SUBCASE("unsatisfiable: 416") {
    auto res = cli.Get(path, {{"Range", "bytes=999999-"}});
    REQUIRE(res);
    CHECK(res->status == 416);
    CHECK(res->get_header_value("Content-Range") == "bytes */" + std::to_string(whole.size()));
    CHECK(json_error_code(res->body) == "range_not_satisfiable");
  }
  SUBCASE("50 overlapping ranges: the whole file once") {
    std::string ranges = "bytes=0-";
    for (int i = 0; i < 50; ++i) ranges += ",0-";
    auto res = cli.Get(path, {{"Range", ranges}, {"Accept-Encoding", "identity"}});
    REQUIRE(res);
    CHECK(res->status == 200);
    CHECK(res->body == whole);
  }
  SUBCASE("If-Range") {
    auto plain = cli.Get(path, {{"Accept-Encoding", "identity"}});
    REQUIRE(plain);
    const std::string etag = plain->get_header_value("ETag");
    auto same = cli.Get(path, {{"Range", "bytes=0-3"}, {"If-Range", etag}});
    REQUIRE(same);
    CHECK(same->status == 206);
    auto changed = cli.Get(path, {{"Range", "bytes=0-3"}, {"If-Range", "\"old\""}, {"Accept-Encoding", "identity"}});
    REQUIRE(changed);
    CHECK(changed->status == 200);
    CHECK(changed->body == whole);
  }
}

TEST_CASE("every response carries the security headers exactly once, the handler's own value first") {
  Store store;
  const std::vector<std::string> paths = {"/", "/healthz", "/api/catalogue", "/api/nope", std::string("/") + kHashedScript};
  for (const std::string& path : paths) {
    CAPTURE(path);
    Sock s(store.server->port());
    REQUIRE(s.send_all(get(path)));
    const Reply r = s.read_reply();
    REQUIRE(r.status > 0);
    for (const char* h : {"x-content-type-options", "referrer-policy", "permissions-policy", "content-security-policy",
                          "cache-control", "content-type", "content-length"})
      CHECK_MESSAGE(r.count(h) == 1, h);
    CHECK(r.get("x-content-type-options") == "nosniff");
    CHECK(r.get("permissions-policy").find("camera=()") != std::string::npos);
    CHECK(r.get("content-security-policy").find("frame-ancestors 'none'") != std::string::npos);
    CHECK(r.count("strict-transport-security") == 0);  // the public URL is http
  }
  SUBCASE("the store page keeps its own CSP, with frame-ancestors added") {
    Sock s(store.server->port());
    REQUIRE(s.send_all(get("/")));
    const std::string csp = s.read_reply().get("content-security-policy");
    CHECK(csp.rfind("default-src 'self';", 0) == 0);
    CHECK(csp.find("; frame-ancestors 'none'") != std::string::npos);
  }
}

TEST_CASE("the receipt page and the data export carry each header once (no duplicate Referrer-Policy / Cache-Control)") {
  Shop shop;
  const Created c = shop.paid_order("delivered");
  Sock s(shop.store->port());
  REQUIRE(s.send_all(get("/orders/" + c.id + "/receipt?token=" + c.token)));
  const Reply receipt = s.read_reply();
  REQUIRE(receipt.status == 200);
  CHECK(receipt.count("referrer-policy") == 1);
  CHECK(receipt.get("referrer-policy") == "no-referrer");
  CHECK(receipt.count("content-security-policy") == 1);
  CHECK(receipt.get("content-security-policy").find("frame-ancestors 'none'") != std::string::npos);
  REQUIRE(s.send_all(get("/api/orders/" + c.id + "/data", "Authorization: Bearer " + c.token + "\r\n")));
  const Reply data = s.read_reply();
  REQUIRE(data.status == 200);
  CHECK(data.count("cache-control") == 1);
  CHECK(data.get("cache-control") == "no-store");
}

TEST_CASE("HSTS is sent when the public URL is https") {
  TempDir dir;
  write_web_fixture(dir / "web");
  ServerProcess server(ServerConfig{dir / "data", dir / "web", fixture("catalogue.json"), {"--public-url", "https://shop.example"}});
  REQUIRE(server.wait_until_listening());
  auto res = server.client().Get("/healthz");
  REQUIRE(res);
  CHECK(res->get_header_value("Strict-Transport-Security") == "max-age=31536000");
  CHECK(jupiter::server::HttpServerOptions::for_public_url("https://shop.example").hsts);
  CHECK_FALSE(jupiter::server::HttpServerOptions::for_public_url("http://127.0.0.1:8080").hsts);
}

TEST_CASE("no HSTS when the public URL is http") {
  TempDir dir;
  write_web_fixture(dir / "web");
  ServerProcess server(ServerConfig{dir / "data", dir / "web", fixture("catalogue.json"), {}});
  REQUIRE(server.wait_until_listening());
  auto res = server.client().Get("/healthz");
  REQUIRE(res);
  CHECK_FALSE(res->has_header("Strict-Transport-Security"));
}
