// api-policy.cpp: /privacy and /privacy/v<V> serve the policy files of assets/policy/, and the version orders and
// receipts carry is the one in the newest file (issue 16 "Policy and terms as pages").
#include <doctest/doctest.h>
#include <httplib.h>

#include <regex>

#include "commerce.hpp"

using namespace jupiter::test;

namespace {

httplib::Headers bearer(const Created& c) { return {{"Authorization", "Bearer " + c.token}}; }

int count_matches(const std::string& s, const std::regex& re) {
  return static_cast<int>(std::distance(std::sregex_iterator(s.begin(), s.end(), re), std::sregex_iterator()));
}

}  // namespace

TEST_CASE("/privacy is the newest policy file, as a page with its version and effective date") {
  const PolicyOnDisk policy = policy_in_force();
  REQUIRE_FALSE(policy.version.empty());
  REQUIRE_FALSE(policy.effective.empty());
  Store store;
  auto res = store.server->client().Get("/privacy");
  REQUIRE(res);
  CHECK(res->status == 200);
  CHECK(res->get_header_value("Content-Type") == "text/html; charset=utf-8");
  CHECK(res->get_header_value("Content-Security-Policy").find("default-src 'none'") == 0);
  CHECK(res->body.find("Version " + policy.version) != std::string::npos);
  CHECK(res->body.find("Effective date: " + policy.effective) != std::string::npos);
  CHECK(res->body.find("English is the authoritative version") != std::string::npos);
  CHECK(res->body.find("<script") == std::string::npos);
  // Every numbered section of the file is a heading of the page, in the same number.
  const int sections = count_matches(policy.text, std::regex(R"((^|\n)[0-9]+\) )"));
  CHECK(sections >= 10);
  CHECK(count_matches(res->body, std::regex("<h2>")) == sections);
  SUBCASE("its permanent address serves the same page") {
    auto versioned = store.server->client().Get(("/privacy/v" + policy.version).c_str());
    REQUIRE(versioned);
    CHECK(versioned->status == 200);
    CHECK(versioned->body == res->body);
    CHECK(res->body.find("href=\"/privacy/v" + policy.version + "\"") != std::string::npos);
  }
}

TEST_CASE("unknown policy versions and malformed paths are a 404 page, never a file") {
  Store store;
  for (const char* path : {"/privacy/v0.1", "/privacy/1.0", "/privacy/v", "/privacy/v1.0.txt",
                           "/privacy/v..%2Fconsent.json", "/privacy/v1.0/extra", "/privacy/%00"}) {
    CAPTURE(path);
    auto res = store.server->client().Get(path);
    REQUIRE(res);
    CHECK(res->status == 404);
    CHECK(res->body.find("Version:") == std::string::npos);
  }
}

TEST_CASE("an order accepts only the policy version of the newest file, and keeps it") {
  const PolicyOnDisk policy = policy_in_force();
  Shop shop;
  auto refused = shop.post_order(order_body("jp-5gb-30d", "USD", {{"terms_version", "0.9"}}), new_key());
  REQUIRE(refused);
  CHECK(refused->status == 400);
  CHECK(json::parse(refused->body)["error"]["code"] == "terms_required");
  CHECK(refused->body.find("v" + policy.version) != std::string::npos);  // the message names the version in force
  const Created c = shop.paid_order("delivered");  // order_body sends policy_in_force().version
  auto data = shop.store->client().Get(("/api/orders/" + c.id + "/data").c_str(), bearer(c));
  REQUIRE(data);
  REQUIRE(data->status == 200);
  const json d = json::parse(data->body);
  CHECK(d["order_settings"]["terms_version"] == policy.version);
  REQUIRE(d["consent_receipts"].size() >= 1);
  CHECK(d["consent_receipts"][0]["policy_version"] == policy.version);
}
