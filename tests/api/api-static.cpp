// api-static.cpp: the built web files over real HTTP: types, caching, compression, refusing traversal.
#include <doctest/doctest.h>
#include <httplib.h>

#include "helpers.hpp"

using namespace jupiter::test;

namespace {

constexpr const char* kCsp =
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data: blob:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'";

std::string media_type(const httplib::Response& res) {
  const std::string t = res.get_header_value("Content-Type");
  return t.substr(0, t.find(';'));
}

}  // namespace

TEST_CASE("WebAssembly is served as application/wasm") {
  Store store;
  auto cli = store.server->client();
  auto res = cli.Get("/store.wasm");
  REQUIRE(res);
  CHECK(res->status == 200);
  CHECK(res->get_header_value("Content-Type") == "application/wasm");
  CHECK(res->body == std::string("\0asm\x01\0\0\0", 8));
  CHECK(res->get_header_value("X-Content-Type-Options") == "nosniff");
}

TEST_CASE("static files get their content type by extension") {
  Store store;
  auto cli = store.server->client();
  const std::pair<const char*, const char*> cases[] = {
      {"/", "text/html"},
      {"/index.html", "text/html"},
      {"/app.3f9a1c2e.js", "text/javascript"},
      {"/style.css", "text/css"},
      {"/store.wasm", "application/wasm"},
  };
  for (const auto& [path, type] : cases) {
    CAPTURE(path);
    auto res = cli.Get(path, {{"Accept-Encoding", "identity"}});
    REQUIRE(res);
    CHECK(res->status == 200);
    CHECK(media_type(*res) == type);
  }
}

TEST_CASE("file names with a content hash are cached immutably, and other files are revalidated") {
  Store store;
  auto cli = store.server->client();
  auto hashed = cli.Get("/app.3f9a1c2e.js");
  REQUIRE(hashed);
  CHECK(hashed->status == 200);
  CHECK(hashed->get_header_value("Cache-Control") == "public, max-age=31536000, immutable");
  CHECK(hashed->body == hashed_script_text());

  for (const char* path : {"/store.wasm", "/style.css", "/lib.js"}) {
    CAPTURE(path);
    auto res = cli.Get(path);
    REQUIRE(res);
    CHECK(res->status == 200);
    CHECK(res->get_header_value("Cache-Control") == "no-cache");
  }
  SUBCASE("the partner loader, linked under a fixed name, is public for five minutes (only at the root)") {
    write_file(store.web_dir / "embed.js", "customElements.define('jupiter-store', class extends HTMLElement {});\n");
    write_file(store.web_dir / "demo" / "embed.js", "// not the loader\n");
    auto loader = cli.Get("/embed.js");
    REQUIRE(loader);
    CHECK(loader->status == 200);
    CHECK(loader->get_header_value("Cache-Control") == "public, max-age=300");
    auto other = cli.Get("/demo/embed.js");
    REQUIRE(other);
    CHECK(other->get_header_value("Cache-Control") == "no-cache");
  }
}

TEST_CASE("HTML is not cached and carries the content security policy") {
  Store store;
  auto cli = store.server->client();
  for (const char* path : {"/", "/?test=1", "/index.html", "/demo/"}) {
    CAPTURE(path);
    auto res = cli.Get(path);
    REQUIRE(res);
    CHECK(res->status == 200);
    CHECK(media_type(*res) == "text/html");
    CHECK(res->get_header_value("Cache-Control") == "no-cache");
    CHECK(res->get_header_value("Content-Security-Policy") == std::string(kCsp) + "; frame-ancestors 'none'");
    CHECK(res->get_header_value("Referrer-Policy") == "strict-origin-when-cross-origin");
    CHECK(res->get_header_value("X-Content-Type-Options") == "nosniff");
  }
  SUBCASE("a directory without its slash is redirected to it") {
    auto res = cli.Get("/demo");
    REQUIRE(res);
    CHECK(res->status == 301);
    CHECK(res->get_header_value("Location") == "/demo/");
  }
  SUBCASE("other types get only frame-ancestors 'none' (issue 19: no framing of any response)") {
    auto res = cli.Get("/style.css");
    REQUIRE(res);
    CHECK(res->get_header_value("Content-Security-Policy") == "frame-ancestors 'none'");
  }
}

TEST_CASE("static files are compressed when the client accepts it") {
  Store store;
  auto cli = store.server->client();
  SUBCASE("on the fly, with gzip") {
    auto res = cli.Get("/app.3f9a1c2e.js", {{"Accept-Encoding", "gzip"}});
    REQUIRE(res);
    CHECK(res->get_header_value("Content-Encoding") == "gzip");
    CHECK(res->get_header_value("Vary") == "Accept-Encoding");
    CHECK(media_type(*res) == "text/javascript");
    const auto body = gunzip(res->body);
    REQUIRE(body);
    CHECK(*body == hashed_script_text());
  }
  SUBCASE("on the fly, with brotli") {
    auto res = cli.Get("/style.css", {{"Accept-Encoding", "br"}});
    REQUIRE(res);
    CHECK(res->get_header_value("Content-Encoding") == "br");
    const auto body = unbrotli(res->body);
    REQUIRE(body);
    CHECK(body->find(".rule-39") != std::string::npos);
  }
  SUBCASE("from a precompressed sibling when there is one") {
    auto res = cli.Get("/lib.js", {{"Accept-Encoding", "gzip"}});
    REQUIRE(res);
    CHECK(res->get_header_value("Content-Encoding") == "gzip");
    const auto body = gunzip(res->body);
    REQUIRE(body);
    CHECK(*body == "// PRECOMPRESSED SIBLING\n");
  }
  SUBCASE("and not when it does not") {
    auto res = cli.Get("/app.3f9a1c2e.js", {{"Accept-Encoding", "identity"}});
    REQUIRE(res);
    CHECK_FALSE(res->has_header("Content-Encoding"));
    CHECK(res->body == hashed_script_text());
  }
  SUBCASE("a changed file is served fresh, not from the compression cache") {
    auto before = cli.Get("/style.css", {{"Accept-Encoding", "gzip"}});
    REQUIRE(before);
    REQUIRE(before->status == 200);
    const std::string changed = std::string(2000, ' ') + "/* CHANGED */\n";
    write_file(store.web_dir / "style.css", changed);
    fs::last_write_time(store.web_dir / "style.css", fs::last_write_time(store.web_dir / "style.css") +
                                                         std::chrono::seconds(2));
    auto after = cli.Get("/style.css", {{"Accept-Encoding", "gzip"}});
    REQUIRE(after);
    const auto body = gunzip(after->body);
    REQUIRE(body);
    CHECK(*body == changed);
    CHECK(after->get_header_value("ETag") != before->get_header_value("ETag"));
  }
}

TEST_CASE("static files answer 304 to their ETag") {
  Store store;
  auto cli = store.server->client();
  auto first = cli.Get("/store.wasm");
  REQUIRE(first);
  const std::string etag = first->get_header_value("ETag");
  REQUIRE_FALSE(etag.empty());
  auto again = cli.Get("/store.wasm", {{"If-None-Match", etag}});
  REQUIRE(again);
  CHECK(again->status == 304);
  CHECK(again->body.empty());
}

TEST_CASE("paths that try to leave the web root are refused") {
  Store store;
  auto cli = store.server->client();
  const char* attacks[] = {
      "/../CMakeLists.txt",
      "/../secret.txt",
      "/%2e%2e/secret.txt",
      "/%2E%2E%2Fsecret.txt",
      "/demo/..%2f..%2fsecret.txt",
      "/demo/%2e%2e/%2e%2e/secret.txt",
      "/%5c..%5csecret.txt",
      "/..%5csecret.txt",
      "/index.html%00.png",
      "/%00",
      "//etc/passwd",
      "/.env",
      "/./index.html",
  };
  for (const char* path : attacks) {
    CAPTURE(path);
    auto res = cli.Get(path);
    REQUIRE(res);
    CHECK((res->status == 400 || res->status == 404));
    CHECK(res->body.find(kSecret) == std::string::npos);
    CHECK(res->body.find("SECRET=1") == std::string::npos);
    CHECK(media_type(*res) == "application/json");
    CHECK(!json_error_code(res->body).empty());
  }

  SUBCASE("also when sent raw, exactly as written") {
    const std::string reply =
        raw_request(store.server->port(), "GET /../secret.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    CHECK(reply.rfind("HTTP/1.1 400", 0) == 0);
    CHECK(reply.find(kSecret) == std::string::npos);
  }
  SUBCASE("and a symlink pointing out of the root is not followed") {
    std::error_code ec;
    fs::create_symlink(store.dir / "secret.txt", store.web_dir / "link.txt", ec);
    REQUIRE_FALSE(ec);
    auto res = cli.Get("/link.txt");
    REQUIRE(res);
    CHECK(res->status == 404);
    CHECK(res->body.find(kSecret) == std::string::npos);
  }
}

TEST_CASE("a missing static file is a JSON 404") {
  Store store;
  auto cli = store.server->client();
  auto res = cli.Get("/no-such-file.js");
  REQUIRE(res);
  CHECK(res->status == 404);
  CHECK(json_error_code(res->body) == "not_found");
}
