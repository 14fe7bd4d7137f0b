#include <doctest/doctest.h>

#include <fstream>
#include <iterator>
#include <sstream>

#include "core/catalogue.hpp"
#include "core/json_lite.hpp"
#include "core/json_reader.hpp"
#include "fixtures.hpp"

using namespace jupiter;
using fixtures::catalogue_json;
using fixtures::plan_json;

namespace {
bool skipped_with(const CatalogueDecode& d, const std::string& reason_part) {
  for (const auto& s : d.skipped)
    if (s.reason.find(reason_part) != std::string::npos) return true;
  return false;
}
}  // namespace

TEST_CASE("a valid catalogue decodes completely") {
  const auto d = decode_catalogue(catalogue_json(plan_json("jp-5gb", R"("JP")", R"(,"features":["5g","hotspot"])")));
  REQUIRE(d.ok);
  CHECK(d.skipped.empty());
  REQUIRE(d.catalogue.plans.size() == 1);
  const Plan& p = d.catalogue.plans[0];
  CHECK(p.id == "jp-5gb");
  CHECK(p.scope == Scope::Local);
  CHECK(p.data_mb == 5120);
  CHECK_FALSE(p.unlimited);
  CHECK(p.validity_days == 30);
  CHECK(p.validity_start == ValidityStart::FirstConnection);
  CHECK(p.prices.get(Currency::USD) == Money{1299, Currency::USD});
  CHECK(p.prices.get(Currency::GBP) == Money{1049, Currency::GBP});
  CHECK(p.has(kFeature5G));
  CHECK(p.has(kFeatureHotspot));
  CHECK_FALSE(p.has(kFeatureVoice));
  CHECK(p.covers(CountryCode{'J', 'P'}));
  CHECK(d.catalogue.destinations.size() == 9);
  CHECK(d.catalogue.find_destination(CountryCode{'G', 'B'})->name == "United Kingdom");
  SUBCASE("destinations are sorted by name") {
    CHECK(d.catalogue.destinations.front().name == "Australia");
  }
}

TEST_CASE("encoding then decoding gives the same catalogue back") {
  const auto a = decode_catalogue(catalogue_json(
      plan_json("jp-5gb", R"("JP")", R"(,"features":["5g","topup"])") + "," +
      plan_json("jp-unl", R"("JP")", "", R"({"unlimited":true,"fair_use":"1 Mbps after 2 GB a day"})", 7)));
  REQUIRE(a.ok);
  const auto b = decode_catalogue(encode_catalogue(a.catalogue));
  REQUIRE(b.ok);
  CHECK(b.skipped.empty());
  CHECK(encode_catalogue(b.catalogue) == encode_catalogue(a.catalogue));
  REQUIRE(b.catalogue.plans.size() == 2);
  CHECK(b.catalogue.plans[1].unlimited);
  CHECK(b.catalogue.plans[1].fair_use == "1 Mbps after 2 GB a day");
}

TEST_CASE("broken plans are skipped and reported, the valid rest is kept") {
  const std::string good = plan_json("good", R"("JP")");
  const std::string huge(100000, 'x');
  struct Case {
    const char* name;
    std::string plan;
    const char* reason;
  };
  const Case cases[] = {
      {"missing price", plan_json("a", R"("JP")", "", R"({"mb":5120})", 30, "{}"), "missing price"},
      {"no prices field", R"({"id":"b","name":"B","scope":"local","coverage":["JP"],"data":{"mb":1},"validity_days":3,"validity_start":"purchase"})", "missing prices"},
      {"negative data", plan_json("c", R"("JP")", "", R"({"mb":-5})"), "out of range"},
      {"unknown currency", plan_json("d", R"("JP")", "", R"({"mb":5})", 30, R"({"XYZ":100})"), "unknown currency"},
      {"unknown country", plan_json("e", R"("ZZ")"), "unknown country code"},
      {"country not in catalogue", plan_json("f", R"("FR")"), "not a destination"},
      {"duplicate id", plan_json("good", R"("JP")"), "duplicate id"},
      {"huge name", R"({"id":"g","name":")" + huge + R"(","scope":"local","coverage":["JP"],"data":{"mb":1},"validity_days":3,"validity_start":"purchase","prices":{"USD":1}})", "too long"},
      {"validity as string", R"({"id":"h","name":"H","scope":"local","coverage":["JP"],"data":{"mb":1},"validity_days":"30","validity_start":"purchase","prices":{"USD":1}})", "not an integer"},
      {"prices as array", plan_json("i", R"("JP")", "", R"({"mb":5})", 30, "[1,2]"), "not an object"},
      {"coverage as string", R"({"id":"j","name":"J","scope":"local","coverage":"JP","data":{"mb":1},"validity_days":3,"validity_start":"purchase","prices":{"USD":1}})", "not a list"},
      {"not an object", "42", "not an object"},
      {"unlimited without fair use", plan_json("k", R"("JP")", "", R"({"unlimited":true})"), "fair_use"},
      {"local plan with two countries", plan_json("l", R"("JP","AT")"), "exactly one"},
      {"bad id characters", plan_json("Bad Id", R"("JP")"), "id has characters"},
      {"price as float", plan_json("m", R"("JP")", "", R"({"mb":5})", 30, R"({"USD":12.99})"), "not an integer"},
      {"validity out of range", plan_json("n", R"("JP")", "", R"({"mb":5})", 0), "out of range"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.name);
    const auto d = decode_catalogue(catalogue_json(good + "," + c.plan));
    REQUIRE(d.ok);
    CHECK(d.catalogue.plans.size() == 1);
    CHECK(d.catalogue.plans[0].id == "good");
    REQUIRE(d.skipped.size() == 1);
    CHECK(d.skipped[0].where.rfind("plans[1]", 0) == 0);
    CHECK(skipped_with(d, c.reason));
  }
}

TEST_CASE("documents that are not catalogues come back as errors, never exceptions") {
  CHECK(decode_catalogue("").error == "not JSON");
  CHECK(decode_catalogue("<html>502 Bad Gateway</html>").error == "not JSON");
  CHECK(decode_catalogue("{\"plans\": [").error == "not JSON");
  CHECK_FALSE(decode_catalogue("[]").ok);
  CHECK_FALSE(decode_catalogue("null").ok);
  CHECK(decode_catalogue(R"({"schema":1})").error.find("missing regions") != std::string::npos);
  CHECK_FALSE(decode_catalogue(R"({"schema":2,"regions":[],"destinations":[],"plans":[]})").ok);
  CHECK_FALSE(decode_catalogue(R"({"schema":1,"regions":{},"destinations":[],"plans":[]})").ok);
  SUBCASE("deep nesting does not crash") {
    const std::string deep = std::string(5000, '[') + std::string(5000, ']');
    CHECK_FALSE(decode_catalogue(deep).ok);
  }
  SUBCASE("invalid UTF-8 is refused") {
    CHECK(decode_catalogue("{\"schema\":1,\"notice\":\"\xff\xfe\"}").error == "not JSON");
  }
}

TEST_CASE("broken destinations and regions are skipped too") {
  const std::string doc = R"({"schema":1,"regions":[{"id":"asia","name":"Asia"},{"id":"asia","name":"Again"},7],
    "destinations":[{"code":"JP","name":"Japan","region":"asia"},{"code":"jp","name":"Lower","region":"asia"},
                    {"code":"JP","name":"Dup","region":"asia"},{"code":"KR","name":"Korea","region":"nowhere"}],
    "plans":[)" + plan_json("jp-1", R"("JP")") + "]}";
  const auto d = decode_catalogue(doc);
  REQUIRE(d.ok);
  CHECK(d.catalogue.regions.size() == 1);
  CHECK(d.catalogue.destinations.size() == 1);
  CHECK(d.catalogue.plans.size() == 1);
  CHECK(d.skipped.size() == 5);
}

TEST_CASE("the sample catalogue in assets/ decodes without skipped entries") {
  std::ifstream in(std::string(JUPITER_SOURCE_DIR) + "/assets/catalogue.json", std::ios::binary);
  REQUIRE_MESSAGE(in.good(), "assets/catalogue.json is missing");
  std::stringstream ss;
  ss << in.rdbuf();
  const auto d = decode_catalogue(ss.str());
  REQUIRE(d.ok);
  for (const auto& s : d.skipped) MESSAGE(s.where << ": " << s.reason);
  CHECK(d.skipped.empty());
  CHECK(d.catalogue.destinations.size() >= 150);
  CHECK(d.catalogue.plans.size() >= 1000);
}

TEST_CASE("the phone list keeps good brands and skips bad ones") {
  const auto list = decode_phone_list(
      R"({"brands":[{"brand":"Google","models":["Pixel 8","Pixel 9"]},{"brand":"","models":["x"]},)"
      R"({"brand":"NoModels","models":[]},{"brand":"Typed","models":[1]},7]})");
  REQUIRE(list.size() == 1);
  CHECK(list[0].brand == "Google");
  CHECK(list[0].models == std::vector<std::string>{"Pixel 8", "Pixel 9"});
  CHECK(decode_phone_list("nope").empty());
  CHECK(decode_phone_list(R"({"brands":{}})").empty());
}

TEST_CASE("the shipped phone list reads completely") {
  std::ifstream in(std::string(JUPITER_SOURCE_DIR) + "/assets/phones.json", std::ios::binary);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto list = decode_phone_list(text);
  CHECK(list.size() >= 5);
  std::size_t models = 0;
  for (const auto& b : list) models += b.models.size();
  CHECK(models >= 80);
}

TEST_CASE("a catalogue with a NUL byte is not JSON, whatever follows it (found by tests/fuzz/fuzz_order)") {
  using namespace std::string_literals;
  const std::string good = R"({"schema":1,"regions":[],"destinations":[],"plans":[]})";
  REQUIRE(decode_catalogue(good).ok);
  CHECK(decode_catalogue(good + "\0"s).error == "not JSON");
  CHECK(decode_catalogue(good + "\0<html>"s).error == "not JSON");
  CHECK(decode_catalogue("{\"schema\":1,\"notice\":\"a\0b\"}"s).error == "not JSON");
}

TEST_CASE("the shared field reader keeps integers in range, unsigned ones included (json_reader)") {
  // nlohmann reads 18446744073709551615 as unsigned; taken as int64 it wraps to -1, which once passed -10..-1.
  const JsonObjectParse p = parse_json_object(R"({"big":18446744073709551615,"one":1,"neg":-3})", 100);
  REQUIRE(p.status == JsonObjectParse::Status::Ok);
  JsonReader wrapped(p.doc);
  CHECK(wrapped.integer("big", -10, -1) == 0);
  CHECK(wrapped.error() == "big is out of range (expected -10..-1)");
  JsonReader positive(p.doc);
  CHECK(positive.integer("one", -10, -1) == 0);
  CHECK_FALSE(positive.ok());
  JsonReader fits(p.doc);
  CHECK(fits.integer("neg", -10, -1) == -3);
  CHECK(fits.integer("one", 0, 1) == 1);
  CHECK(fits.integer("big", 0, INT64_MAX) == 0);
  CHECK(fits.error() == "big is out of range (expected 0..9223372036854775807)");
}

TEST_CASE("keys and values written with escapes read as their decoded text (keys are views of the text otherwise)") {
  const std::string plan =
      R"({"\u0069d":"esc","n\u0061me":"Caf\u00e9 \"Plus\"","scope":"local","coverage":["JP"],"data":{"mb":1},)"
      R"("validity_days":3,"validity_start":"purchase","pri\u0063es":{"U\u0053D":250}})";
  const auto d = decode_catalogue(catalogue_json(plan));
  REQUIRE(d.ok);
  REQUIRE(d.catalogue.plans.size() == 1);
  const Plan& p = d.catalogue.plans[0];
  CHECK(p.id == "esc");
  CHECK(p.name == "Caf\xc3\xa9 \"Plus\"");
  CHECK(p.prices.get(Currency::USD)->minor == 250);
}

TEST_CASE("json_lite: unescaped() is the text of a string without escapes, nothing for any other value") {
  const std::string doc = R"({"plain":"Tokyo","escaped":"a\nb","number":12,"empty":""})";
  REQUIRE(json_lite::check_object(doc, doc.size()) == json_lite::Status::Ok);
  const json_lite::Value v = json_lite::Value::document(doc);
  CHECK(v.find("plain").unescaped() == std::optional<std::string_view>("Tokyo"));
  CHECK(v.find("empty").unescaped() == std::optional<std::string_view>(""));
  CHECK_FALSE(v.find("escaped").unescaped().has_value());
  CHECK(v.find("escaped").text() == "a\nb");
  CHECK_FALSE(v.find("number").unescaped().has_value());
  CHECK_FALSE(v.find("missing").unescaped().has_value());
}

TEST_CASE("a key given twice in one entry makes that entry invalid (json_lite decoder: no value is guessed)") {
  const std::string good = plan_json("good", R"("JP")");
  const std::string twice_name = R"({"id":"t","name":"T","name":"U","scope":"local","coverage":["JP"],"data":{"mb":1},"validity_days":3,"validity_start":"purchase","prices":{"USD":1}})";
  const std::string twice_price = plan_json("u", R"("JP")", "", R"({"mb":5})", 30, R"({"USD":100,"USD":1})");
  const std::string twice_escaped = R"({"id":"v","\u006eame":"V","name":"W","scope":"local","coverage":["JP"],"data":{"mb":1},"validity_days":3,"validity_start":"purchase","prices":{"USD":1}})";
  for (const std::string& plan : {twice_name, twice_price, twice_escaped}) {
    CAPTURE(plan);
    const auto d = decode_catalogue(catalogue_json(good + "," + plan));
    REQUIRE(d.ok);
    CHECK(d.catalogue.plans.size() == 1);
    REQUIRE(d.skipped.size() == 1);
    CHECK(skipped_with(d, "duplicate key"));
  }
  CHECK(decode_catalogue(R"({"schema":1,"schema":1,"regions":[],"destinations":[],"plans":[]})").error ==
        "not a catalogue: duplicate key \"schema\"");
}

TEST_CASE("a decoded catalogue encodes and decodes back to the same plans (sample catalogue)") {
  std::ifstream in(std::string(JUPITER_SOURCE_DIR) + "/assets/catalogue.json", std::ios::binary);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto first = decode_catalogue(text);
  REQUIRE(first.ok);
  const auto again = decode_catalogue(encode_catalogue(first.catalogue));
  REQUIRE(again.ok);
  CHECK(again.skipped.empty());
  REQUIRE(again.catalogue.plans.size() == first.catalogue.plans.size());
  for (std::size_t i = 0; i < first.catalogue.plans.size(); ++i) {
    const Plan& a = first.catalogue.plans[i];
    const Plan& b = again.catalogue.plans[i];
    CAPTURE(a.id);
    CHECK(a.id == b.id);
    CHECK(a.name == b.name);
    CHECK(a.coverage == b.coverage);
    CHECK(a.data_mb == b.data_mb);
    CHECK(a.unlimited == b.unlimited);
    CHECK(a.validity_days == b.validity_days);
    CHECK(a.features == b.features);
    CHECK(a.prices.get(Currency::USD) == b.prices.get(Currency::USD));
  }
}
