// api-errors.cpp: the API's error answers over real HTTP: JSON bodies with the right status, never HTML.
#include <doctest/doctest.h>
#include <httplib.h>

#include "helpers.hpp"

using namespace jupiter::test;

TEST_CASE("an unknown API path is a JSON 404") {
  Store store;
  auto cli = store.server->client();
  for (const char* path : {"/api/nope", "/api", "/api/", "/api/catalogue/extra", "/api/index.html"}) {
    CAPTURE(path);
    auto res = cli.Get(path);
    REQUIRE(res);
    CHECK(res->status == 404);
    CHECK(res->get_header_value("Content-Type") == "application/json; charset=utf-8");
    CHECK(json_error_code(res->body) == "not_found");
    CHECK(res->get_header_value("X-Content-Type-Options") == "nosniff");
  }
}

TEST_CASE("a POST to the catalogue is a JSON 405 that names the allowed methods") {
  Store store;
  auto cli = store.server->client();
  SUBCASE("with a body") {
    auto res = cli.Post("/api/catalogue", R"({"plans":[]})", "application/json");
    REQUIRE(res);
    CHECK(res->status == 405);
    CHECK(res->get_header_value("Allow") == "GET, HEAD");
    CHECK(json_error_code(res->body) == "method_not_allowed");
  }
  SUBCASE("without a body") {
    auto res = cli.Post("/api/catalogue", "", "application/json");
    REQUIRE(res);
    CHECK(res->status == 405);
    CHECK(res->get_header_value("Allow") == "GET, HEAD");
    CHECK(json_error_code(res->body) == "method_not_allowed");
  }
  SUBCASE("and so are DELETE and PUT") {
    auto del = cli.Delete("/api/catalogue");
    REQUIRE(del);
    CHECK(del->status == 405);
    CHECK(json_error_code(del->body) == "method_not_allowed");
    auto put = cli.Put("/healthz", "{}", "application/json");
    REQUIRE(put);
    CHECK(put->status == 405);
    CHECK(put->get_header_value("Allow") == "GET, HEAD");
  }
  SUBCASE("while a POST to a static file is a 405 too") {
    auto res = cli.Post("/index.html", "x", "text/plain");
    REQUIRE(res);
    CHECK(res->status == 405);
    CHECK(res->get_header_value("Allow") == "GET, HEAD");
  }
}

TEST_CASE("a request body over the limit is refused with a JSON 413") {
  Store store;
  auto cli = store.server->client();
  const std::string big(2u << 20, 'x');  // 2 MiB, over the 1 MiB limit
  auto res = cli.Post("/api/catalogue", big, "application/octet-stream");
  REQUIRE(res);
  CHECK(res->status == 413);
  CHECK(json_error_code(res->body) == "payload_too_large");
}

TEST_CASE("a malformed request gets a JSON 400") {
  Store store;
  SUBCASE("not HTTP at all") {
    const std::string reply = raw_request(store.server->port(), "GARBAGE\r\n\r\n");
    REQUIRE_MESSAGE(reply.rfind("HTTP/1.1 400", 0) == 0, reply);
    CHECK(reply.find("application/json") != std::string::npos);
    CHECK(reply.find("\"bad_request\"") != std::string::npos);
    CHECK(reply.find("X-Content-Type-Options: nosniff") != std::string::npos);
  }
  SUBCASE("a POST without a length") {
    const std::string reply =
        raw_request(store.server->port(), "POST /api/catalogue HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n");
    CHECK(reply.rfind("HTTP/1.1 400", 0) == 0);
    CHECK(reply.find("\"error\"") != std::string::npos);
  }
  SUBCASE("the server keeps answering afterwards") {
    (void)raw_request(store.server->port(), "\x01\x02\x03\r\n\r\n");
    auto res = store.server->client().Get("/healthz");
    REQUIRE(res);
    CHECK(res->status == 200);
  }
}

TEST_CASE("the health check answers ok") {
  Store store;
  auto res = store.server->client().Get("/healthz");
  REQUIRE(res);
  CHECK(res->status == 200);
  CHECK(res->body == R"({"status":"ok"})");
  CHECK(res->get_header_value("Content-Type") == "application/json; charset=utf-8");
  CHECK(res->get_header_value("Cache-Control") == "no-store");
}
