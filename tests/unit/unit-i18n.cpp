// unit-i18n.cpp: language choice, text tables, {placeholder} formatting, and the shipped store and consent texts.
#include <doctest/doctest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "core/i18n.hpp"

using namespace jupiter;

namespace {
std::string read_asset(const std::string& rel) {
  std::ifstream in(std::string(JUPITER_SOURCE_DIR) + "/" + rel, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// The consent banner's words for the categories and services of assets/consent.json, as i18n keys
// ("consent.service.<id>.purpose"): `needed` must be translated, `allowed` may be (a provider of one word is a
// brand and stays as it is; src/consent/texts_json.py applies the same rule).
struct ConsentWords {
  std::vector<std::string> needed;
  std::set<std::string> allowed;
};
ConsentWords consent_words(const nlohmann::json& config) {
  ConsentWords w;
  const auto add = [&w](const std::string& key, bool needed) {
    w.allowed.insert(key);
    if (needed) w.needed.push_back(key);
  };
  for (const auto& c : config.value("categories", nlohmann::json::array())) {
    const std::string prefix = "consent.category." + c.value("id", std::string()) + ".";
    add(prefix + "name", true);
    add(prefix + "description", true);
  }
  for (const auto& s : config.value("services", nlohmann::json::array())) {
    const std::string prefix = "consent.service." + s.value("id", std::string()) + ".";
    add(prefix + "name", true);
    add(prefix + "provider", s.value("provider", std::string()).find(' ') != std::string::npos);
    add(prefix + "purpose", true);
    add(prefix + "retention", true);
  }
  return w;
}
}  // namespace

TEST_CASE("language tags map to the store's four languages") {
  CHECK(parse_language("de") == Language::De);
  CHECK(parse_language("de-AT") == Language::De);
  CHECK(parse_language("FR_ca") == Language::Fr);
  CHECK(parse_language("es-419") == Language::Es);
  CHECK(parse_language("en-GB") == Language::En);
  CHECK_FALSE(parse_language("pt-BR"));
  CHECK_FALSE(parse_language("deu"));
  CHECK_FALSE(parse_language("d"));
  CHECK_FALSE(parse_language(""));
  CHECK(language_code(Language::Es) == "es");
  CHECK(language_code(Language::Unknown).empty());
  CHECK(language_endonym(Language::De) == "Deutsch");
}

TEST_CASE("a language code the store sent is exactly one of its codes, and every language has one") {
  for (Language l : kLanguages) CHECK(language_from_code(language_code(l)) == l);
  for (const char* other : {"DE", "de-AT", "pt", "", "und", "en "}) CHECK_FALSE(language_from_code(other));
}

TEST_CASE("the browser's first supported language is chosen unless the traveller chose one") {
  CHECK(choose_language(std::nullopt, {"pt-BR", "fr-CA", "de"}) == Language::Fr);
  CHECK(choose_language(std::nullopt, {"ja", "zh"}) == Language::En);
  CHECK(choose_language(std::nullopt, {}) == Language::En);
  CHECK(choose_language(Language::De, {"fr"}) == Language::De);
  CHECK(choose_language(Language::Unknown, {"es"}) == Language::Es);
}

TEST_CASE("placeholders are replaced by name, unknown ones stay as written") {
  CHECK(format_text("{n} plans, {sort}", {{"n", "3"}, {"sort", "cheapest first"}}) == "3 plans, cheapest first");
  CHECK(format_text("from {price}", {{"price", "12,99 €"}}) == "from 12,99 €");
  CHECK(format_text("{a}{a}", {{"a", "x"}}) == "xx");
  CHECK(format_text("{missing} stays", {{"n", "1"}}) == "{missing} stays");
  CHECK(format_text("{ not a placeholder } {", {}) == "{ not a placeholder } {");
  CHECK(format_text("{n}", {{"n", "{n}"}}) == "{n}");  // values are not scanned again
  CHECK(placeholders("{b} and {a} and {a}") == std::vector<std::string>{"b", "a", "a"});
}

TEST_CASE("a text file adds its domain's keys and reports bad entries without throwing") {
  TextTable t;
  auto problems = t.add_file(R"({"store.a": "A", "store.b": 3, "checkout.c": "C", "store.": "x"})", "store");
  CHECK(problems.size() == 3);
  REQUIRE(t.find("store.a"));
  CHECK(*t.find("store.a") == "A");
  CHECK_FALSE(t.find("store.b"));
  CHECK_FALSE(t.find("checkout.c"));
  CHECK(t.size() == 1);

  SUBCASE("a file that is not JSON or not an object is one problem") {
    CHECK(t.add_file("{\"store.a\": ", "store") == std::vector<std::string>{"the file is not JSON"});
    CHECK(t.add_file("[1,2]", "store") == std::vector<std::string>{"the file is not one JSON object"});
    CHECK(t.size() == 1);
  }
  SUBCASE("a huge text is refused") {
    const std::string big = "{\"store.big\": \"" + std::string(kMaxTextBytes + 1, 'x') + "\"}";
    CHECK(t.add_file(big, "store").size() == 1);
    CHECK_FALSE(t.find("store.big"));
  }
  SUBCASE("several domains live in one table") {
    CHECK(t.add_file(R"({"checkout.c": "C"})", "checkout").empty());
    CHECK(t.size() == 2);
    CHECK(t.keys() == std::vector<std::string>{"checkout.c", "store.a"});
  }
}

TEST_CASE("a language bundle adds each domain's file and names the domain of each problem") {
  TextTable t;
  const auto problems = t.add_bundle(
      R"({"store": {"store.a": "A", "store.b": 3}, "checkout": {"checkout.c": "C", "store.x": "X"}, "Bad!": {},
          "topup": [1], "refund": {"refund.r": "R"}})");
  const std::vector<std::string> expected = {"store: \"store.b\": the text is not a string",
                                             "checkout: \"store.x\": the key does not start with \"checkout.\"",
                                             "\"Bad!\": not a domain name", "topup: not a JSON object"};
  CHECK(problems == expected);
  const std::vector<std::string> keys = {"checkout.c", "refund.r", "store.a"};
  CHECK(t.keys() == keys);

  SUBCASE("a bundle that is not one JSON object is one problem and adds nothing") {
    TextTable u;
    CHECK(u.add_bundle(R"({"store": {"store.a": "A"})") == std::vector<std::string>{"the bundle is not JSON"});
    CHECK(u.add_bundle("[]") == std::vector<std::string>{"the bundle is not one JSON object"});
    CHECK(u.add_bundle("") == std::vector<std::string>{"the bundle is not JSON"});
    CHECK(u.size() == 0);
  }
  SUBCASE("a bundle over the size limit is refused whole") {
    TextTable u;
    const std::string big = R"({"store": {"store.a": ")" + std::string(kMaxTextBundleBytes, 'x') + "\"}}";
    CHECK(u.add_bundle(big) == std::vector<std::string>{"the bundle is too large"});
    CHECK(u.size() == 0);
  }
}

TEST_CASE("the built language bundles hold every domain of their language") {
  // What src/app/texts_bundle.py writes, rebuilt here from the shipped files: the same keys as the domain files.
  for (const char* lang : {"es", "fr", "de"}) {
    CAPTURE(lang);
    TextTable from_files, from_bundle;
    std::string bundle = "{";
    for (const char* domain : {"store", "checkout", "consent"}) {
      const std::string text = read_asset(std::string("assets/i18n/") + domain + "/" + lang + ".json");
      REQUIRE(from_files.add_file(text, domain).empty());
      bundle += std::string(bundle.size() > 1 ? "," : "") + "\"" + domain + "\":" + text;
    }
    REQUIRE(from_bundle.add_bundle(bundle + "}").empty());
    CHECK(from_bundle.keys() == from_files.keys());
  }
}

TEST_CASE("a translation check finds missing keys and placeholder mismatches") {
  TextTable en, de;
  REQUIRE(en.add_file(R"({"store.a": "{n} plans", "store.b": "B", "store.c": "C"})", "store").empty());
  REQUIRE(de.add_file(R"({"store.a": "{anzahl} Tarife", "store.b": "B"})", "store").empty());
  const auto problems = check_translation(en, de, "store");
  CHECK(problems == std::vector<std::string>{"store.a: placeholders differ from English", "store.c: missing"});
}

TEST_CASE("the shipped store texts are complete in every language") {
  TextTable en;
  const std::string en_text = read_asset("assets/i18n/store/en.json");
  REQUIRE(!en_text.empty());
  REQUIRE(en.add_file(en_text, "store").empty());
  CHECK(en.size() > 50);
  for (Language l : kLanguages) {
    if (l == Language::En) continue;
    const std::string lang(language_code(l));
    CAPTURE(lang);
    TextTable t;
    const std::string text = read_asset("assets/i18n/store/" + lang + ".json");
    REQUIRE(!text.empty());
    CHECK(t.add_file(text, "store").empty());
    CHECK(check_translation(en, t, "store").empty());
    CHECK(t.size() == en.size());  // nothing left over that English no longer has
  }
}

TEST_CASE("the shipped consent texts are complete in every language, with every category and service translated") {
  const auto config = nlohmann::json::parse(read_asset("assets/consent.json"), nullptr, false);
  REQUIRE(config.is_object());
  const ConsentWords words = consent_words(config);
  CHECK(words.needed.size() >= 4 * 2 + 5 * 3);  // the four categories and (at least) five services
  TextTable en;
  REQUIRE(en.add_file(read_asset("assets/i18n/consent/en.json"), "consent").empty());
  CHECK(en.size() > 20);
  for (Language l : kLanguages) {
    if (l == Language::En) continue;  // English words live only in the config
    const std::string lang(language_code(l));
    CAPTURE(lang);
    TextTable t;
    const std::string text = read_asset("assets/i18n/consent/" + lang + ".json");
    REQUIRE(!text.empty());
    CHECK(t.add_file(text, "consent").empty());
    CHECK(check_translation(en, t, "consent").empty());  // the banner's and the privacy screen's own texts
    std::string missing, left_over;
    for (const std::string& key : words.needed)
      if (!t.find(key)) missing += key + " ";
    for (const std::string& key : t.keys())  // nothing for a category or service the config no longer has
      if (!en.find(key) && !words.allowed.count(key)) left_over += key + " ";
    CHECK(missing == "");
    CHECK(left_over == "");
  }
}
