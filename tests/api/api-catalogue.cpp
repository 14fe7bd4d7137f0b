// api-catalogue.cpp: GET /api/catalogue over real HTTP: content, ETag / 304, compression.
#include <doctest/doctest.h>
#include <httplib.h>

#include <fstream>
#include <iterator>

#include "core/catalogue.hpp"
#include "helpers.hpp"

using namespace jupiter;
using namespace jupiter::test;

namespace {

std::string read_fixture(const std::string& name) {
  std::ifstream in(fixture(name), std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace

TEST_CASE("the catalogue is served as JSON that decodes to the fixture's plans") {
  Store store;
  auto cli = store.server->client();
  auto res = cli.Get("/api/catalogue", {{"Accept-Encoding", "identity"}});
  REQUIRE(res);
  CHECK(res->status == 200);
  CHECK(res->get_header_value("Content-Type") == "application/json; charset=utf-8");
  CHECK(res->get_header_value("Cache-Control") == "no-cache");
  CHECK(res->get_header_value("Vary") == "Accept-Encoding");
  CHECK_FALSE(res->has_header("Content-Encoding"));
  CHECK(res->get_header_value("X-Content-Type-Options") == "nosniff");

  const CatalogueDecode served = decode_catalogue(res->body);
  REQUIRE_MESSAGE(served.ok, served.error);
  CHECK(served.skipped.empty());
  const CatalogueDecode fixture_doc = decode_catalogue(read_fixture("catalogue.json"));
  REQUIRE(fixture_doc.ok);
  CHECK(served.catalogue.plans.size() == 5);
  CHECK(served.catalogue.plans.size() == fixture_doc.catalogue.plans.size());

  SUBCASE("and is exactly the canonical encoding of the fixture (nothing lost in the database)") {
    CHECK(res->body == encode_catalogue(fixture_doc.catalogue));
  }
  SUBCASE("with prices in integer minor units per currency") {
    const Plan* jp = served.catalogue.find_plan("jp-5gb-30d");
    REQUIRE(jp);
    CHECK(jp->prices.get(Currency::USD) == Money{1299, Currency::USD});
    CHECK(jp->prices.get(Currency::GBP) == Money{1049, Currency::GBP});
    const Plan* unlimited = served.catalogue.find_plan("jp-unlimited-7d");
    REQUIRE(unlimited);
    CHECK(unlimited->unlimited);
    CHECK_FALSE(unlimited->prices.get(Currency::GBP).has_value());
  }
}

TEST_CASE("a catalogue request with the current ETag gets 304 without a body") {
  Store store;
  auto cli = store.server->client();
  auto first = cli.Get("/api/catalogue");
  REQUIRE(first);
  REQUIRE(first->status == 200);
  const std::string etag = first->get_header_value("ETag");
  REQUIRE(etag.size() > 2);
  CHECK(etag.front() == '"');  // strong: no W/
  CHECK(etag.back() == '"');

  auto again = cli.Get("/api/catalogue", {{"If-None-Match", etag}});
  REQUIRE(again);
  CHECK(again->status == 304);
  CHECK(again->body.empty());
  CHECK(again->get_header_value("ETag") == etag);

  SUBCASE("also for the ETag of the gzip form, and in a list of tags") {
    auto gz = cli.Get("/api/catalogue", {{"Accept-Encoding", "gzip"}});
    REQUIRE(gz);
    const std::string gz_etag = gz->get_header_value("ETag");
    CHECK(gz_etag != etag);  // each coding is its own representation
    auto res = cli.Get("/api/catalogue", {{"Accept-Encoding", "gzip"}, {"If-None-Match", "\"stale\", " + gz_etag}});
    REQUIRE(res);
    CHECK(res->status == 304);
    CHECK(res->body.empty());
  }
  SUBCASE("but a stale ETag gets the full catalogue") {
    auto res = cli.Get("/api/catalogue", {{"If-None-Match", "\"0123456789abcdef\""}});
    REQUIRE(res);
    CHECK(res->status == 200);
    CHECK(res->body == first->body);
  }
}

TEST_CASE("the catalogue is compressed when the client accepts it, and identity otherwise") {
  Store store;
  auto cli = store.server->client();
  auto plain = cli.Get("/api/catalogue", {{"Accept-Encoding", "identity"}});
  REQUIRE(plain);
  REQUIRE(plain->status == 200);
  CHECK_FALSE(plain->has_header("Content-Encoding"));

  SUBCASE("gzip") {
    auto res = cli.Get("/api/catalogue", {{"Accept-Encoding", "gzip"}});
    REQUIRE(res);
    CHECK(res->status == 200);
    CHECK(res->get_header_value("Content-Encoding") == "gzip");
    CHECK(res->get_header_value("Vary") == "Accept-Encoding");
    CHECK(res->get_header_value("Content-Type") == "application/json; charset=utf-8");
    CHECK(res->body.size() < plain->body.size());
    const auto body = gunzip(res->body);
    REQUIRE(body);
    CHECK(*body == plain->body);
  }
  SUBCASE("brotli, preferred over gzip") {
    auto res = cli.Get("/api/catalogue", {{"Accept-Encoding", "gzip, deflate, br"}});
    REQUIRE(res);
    CHECK(res->get_header_value("Content-Encoding") == "br");
    const auto body = unbrotli(res->body);
    REQUIRE(body);
    CHECK(*body == plain->body);
  }
  SUBCASE("no Accept-Encoding header at all") {
    httplib::Headers none;
    auto res = cli.Get("/api/catalogue", none);
    REQUIRE(res);
    CHECK_FALSE(res->has_header("Content-Encoding"));
    CHECK(res->body == plain->body);
  }
  SUBCASE("codings refused with q=0") {
    auto res = cli.Get("/api/catalogue", {{"Accept-Encoding", "gzip;q=0, br;q=0.0"}});
    REQUIRE(res);
    CHECK_FALSE(res->has_header("Content-Encoding"));
    CHECK(res->body == plain->body);
  }
  SUBCASE("HEAD answers the headers without the body") {
    auto res = cli.Head("/api/catalogue", {{"Accept-Encoding", "gzip"}});
    REQUIRE(res);
    CHECK(res->status == 200);
    CHECK(res->get_header_value("Content-Encoding") == "gzip");
    CHECK(res->body.empty());
  }
}
