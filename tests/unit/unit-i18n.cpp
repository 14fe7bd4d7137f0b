// unit-i18n.cpp: language choice, text tables, {placeholder} formatting, and the shipped store texts.
#include <doctest/doctest.h>

#include <fstream>
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
