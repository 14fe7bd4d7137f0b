#include <doctest/doctest.h>

#include "core/search.hpp"
#include "fixtures.hpp"

using namespace jupiter;

namespace {
struct Fixture {
  Catalogue cat;
  DestinationIndex index;
  Fixture() : cat(decode_catalogue(fixtures::catalogue_json(fixtures::plan_json("jp", R"("JP")"))).catalogue), index(cat) {}
  std::vector<std::string> names(std::string_view q) const {
    std::vector<std::string> out;
    for (const auto& h : index.search(q)) out.push_back(cat.destinations[h.destination].name);
    return out;
  }
  std::string first(std::string_view q) const {
    auto n = names(q);
    return n.empty() ? std::string() : n.front();
  }
};
}  // namespace

TEST_CASE("normalization folds case, accents and punctuation") {
  CHECK(normalize_for_search("  Curaçao ") == "curacao");
  CHECK(normalize_for_search("CÔTE D'IVOIRE") == "cote d ivoire");
  CHECK(normalize_for_search("Straße") == "strasse");
  CHECK(normalize_for_search("Łódź") == "lodz");
  CHECK(normalize_for_search("\xff\xfe" "abc") == "abc");
  CHECK(normalize_for_search("").empty());
}

TEST_CASE("edit distance counts insertions, deletions, substitutions and transpositions") {
  CHECK(edit_distance("japan", "japan", 2) == 0);
  CHECK(edit_distance("japn", "japan", 2) == 1);
  CHECK(edit_distance("jaapn", "japan", 2) == 1);
  CHECK(edit_distance("jpaan", "japan", 2) == 1);
  CHECK(edit_distance("germany", "japan", 2) == 3);
}

TEST_CASE("destinations are found by name, ISO code and alias") {
  const Fixture f;
  CHECK(f.first("Japan") == "Japan");
  CHECK(f.first("jp") == "Japan");
  CHECK(f.first("UK") == "United Kingdom");
  CHECK(f.first("great brit") == "United Kingdom");
  CHECK(f.first("Holland") == "Netherlands");
  CHECK(f.first("czech republic") == "Czechia");
  CHECK(f.first("nippon") == "Japan");
  CHECK(f.first("curacao") == "Curaçao");
}

TEST_CASE("ranking puts exact before prefix before word prefix before typos") {
  const Fixture f;
  SUBCASE("a prefix shared by two names lists both, in name order") {
    const auto n = f.names("aus");
    REQUIRE(n.size() >= 2);
    CHECK(n[0] == "Australia");
    CHECK(n[1] == "Austria");
  }
  SUBCASE("the exact name wins over a typo match") {
    const auto n = f.names("austria");
    REQUIRE(!n.empty());
    CHECK(n[0] == "Austria");
  }
  SUBCASE("word prefixes match inside names") {
    CHECK(f.first("kingdom") == "United Kingdom");
  }
  SUBCASE("small typos still find the destination") {
    CHECK(f.first("japn") == "Japan");
    CHECK(f.first("austrlia") == "Australia");
    CHECK(f.first("irleand") == "Ireland");
  }
  SUBCASE("the kind of match is reported") {
    const auto hits = f.index.search("uk");
    REQUIRE(!hits.empty());
    CHECK(hits[0].kind == MatchKind::Exact);
    CHECK(hits[0].matched == "UK");
  }
}

TEST_CASE("searches with nothing to match give nothing") {
  const Fixture f;
  CHECK(f.names("").empty());
  CHECK(f.names("   ").empty());
  CHECK(f.names("zzzzzzzz").empty());
  CHECK(f.index.search("a", 0).empty());
  CHECK(f.index.search("a", 2).size() <= 2);
}
