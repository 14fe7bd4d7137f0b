// api-terms.cpp: the terms of sale as a versioned document (issue 15 "Terms of sale"): /terms and /terms/v<V> serve
// assets/terms/terms-of-sale-v<V>.txt with its version and date, ?lang=es|fr|de its translations marked as such,
// GET /api/terms the version in force; an order's terms_version is that version and its receipt links it. The
// test reads the files itself (terms_in_force), not through the core.
#include <doctest/doctest.h>
#include <httplib.h>

#include <regex>

#include "commerce.hpp"

using namespace jupiter::test;

TEST_CASE("/terms is the newest terms file, as a page with its version and effective date; /terms/v<V> the same") {
  const PolicyOnDisk terms = terms_in_force();
  REQUIRE_FALSE(terms.version.empty());
  Store store;
  auto res = store.server->client().Get("/terms");
  REQUIRE(res);
  CHECK(res->status == 200);
  CHECK(res->get_header_value("Content-Security-Policy").find("default-src 'none'") == 0);
  CHECK(res->body.find("<h1>JupiterEsims — Terms of Sale</h1>") != std::string::npos);
  CHECK(res->body.find("Version " + terms.version) != std::string::npos);
  CHECK(res->body.find("Effective date: " + terms.effective) != std::string::npos);
  CHECK(res->body.find("English is the authoritative version") != std::string::npos);
  CHECK(res->body.find("href=\"/terms/v" + terms.version + "\"") != std::string::npos);
  CHECK(res->body.find("/privacy") == std::string::npos);  // its own links, not the policy's
  const std::regex section(R"((^|\n)[0-9]+\) )");
  const auto count = [](const std::string& s, const std::regex& re) {
    return std::distance(std::sregex_iterator(s.begin(), s.end(), re), std::sregex_iterator());
  };
  CHECK(count(res->body, std::regex("<h2>")) == count(terms.text, section));
  auto versioned = store.server->client().Get(("/terms/v" + terms.version).c_str());
  REQUIRE(versioned);
  CHECK(versioned->status == 200);
  CHECK(versioned->body == res->body);

  SUBCASE("each translation is served, marked as one, linking to the English text of its version") {
    for (const auto& [lang, word] : {std::pair{"es", "traducción"}, {"fr", "traduction"}, {"de", "Übersetzung"}}) {
      CAPTURE(lang);
      auto t = store.server->client().Get(("/terms?lang=" + std::string(lang)).c_str());
      REQUIRE(t);
      CHECK(t->status == 200);
      CHECK(t->body.find("<html lang=\"" + std::string(lang) + "\">") != std::string::npos);
      CHECK(t->body.find(word) != std::string::npos);
      CHECK(t->body.find("This page is a translation of version " + terms.version) != std::string::npos);
      CHECK(t->body.find("href=\"/terms/v" + terms.version + "\" hreflang=\"en\"") != std::string::npos);
      CHECK(res->body.find("/terms/v" + terms.version + "?lang=" + lang) != std::string::npos);  // listed in English
    }
  }
  SUBCASE("unknown versions and languages are a 404 page naming /terms") {
    for (const char* path : {"/terms/v0.1", "/terms/1.0", "/terms/v", "/terms/v1.0.txt", "/terms?lang=it"}) {
      CAPTURE(path);
      auto r = store.server->client().Get(path);
      REQUIRE(r);
      CHECK(r->status == 404);
      CHECK(r->body.find("href=\"/terms\"") != std::string::npos);
      CHECK(r->body.find("Version:") == std::string::npos);
    }
  }
  SUBCASE("GET /api/terms names the version in force, its date and its translations") {
    auto api = store.server->client().Get("/api/terms");
    REQUIRE(api);
    REQUIRE(api->status == 200);
    const json j = json::parse(api->body);
    CHECK(j["version"] == terms.version);
    CHECK(j["effective_date"] == terms.effective);
    CHECK(j["url"] == "/terms");
    CHECK(j["translations"] == json::array({"es", "fr", "de"}));
  }
}

TEST_CASE("an order's terms_version is the version /terms serves, and its receipt links that version") {
  const PolicyOnDisk terms = terms_in_force();
  Shop shop;
  const Created c = shop.paid_order("delivered");  // order_body sends terms_in_force().version
  auto data = shop.store->client().Get(("/api/orders/" + c.id + "/data").c_str(),
                                       httplib::Headers{{"Authorization", "Bearer " + c.token}});
  REQUIRE(data);
  REQUIRE(data->status == 200);
  CHECK(json::parse(data->body)["order_settings"]["terms_version"] == terms.version);
  auto api = shop.store->client().Get("/api/terms");
  REQUIRE(api);
  CHECK(json::parse(api->body)["version"] == terms.version);
  auto receipt = shop.store->client().Get(("/orders/" + c.id + "/receipt?token=" + c.token).c_str());
  REQUIRE(receipt);
  REQUIRE(receipt->status == 200);
  CHECK(receipt->body.find("<a href=\"/terms/v" + terms.version + "\">Terms of Sale v" + terms.version + "</a>") !=
        std::string::npos);
}
