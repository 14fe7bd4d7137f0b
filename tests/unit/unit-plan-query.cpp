#include <doctest/doctest.h>

#include "core/plan_query.hpp"
#include "fixtures.hpp"

using namespace jupiter;
using fixtures::plan_json;

namespace {
const CountryCode JP{'J', 'P'};

Catalogue sample() {
  const std::string plans =
      plan_json("jp-1gb", R"("JP")", R"(,"features":["hotspot"])", R"({"mb":1024})", 7, R"({"USD":450,"EUR":420})") + "," +
      plan_json("jp-10gb", R"("JP")", R"(,"features":["5g","hotspot"])", R"({"mb":10240})", 30, R"({"USD":1900,"EUR":1800})") + "," +
      plan_json("jp-unl", R"("JP")", R"(,"features":["5g"])", R"({"unlimited":true,"fair_use":"fair"})", 15, R"({"USD":2500})") + "," +
      plan_json("at-5gb", R"("AT")", "", R"({"mb":5120})", 30, R"({"USD":900})") + "," +
      R"({"id":"asia-3gb","name":"Asia","scope":"regional","region":"asia","coverage":["JP","AU"],"data":{"mb":3072},"validity_days":30,"validity_start":"installation","prices":{"USD":1100,"EUR":1000}})";
  auto d = decode_catalogue(fixtures::catalogue_json(plans));
  REQUIRE(d.skipped.empty());
  return d.catalogue;
}

std::vector<std::string> ids(const Catalogue& c, const std::vector<std::size_t>& v) {
  std::vector<std::string> out;
  for (auto i : v) out.push_back(c.plans[i].id);
  return out;
}
}  // namespace

TEST_CASE("a country view lists local and regional plans that cover it, cheapest first") {
  const Catalogue c = sample();
  CHECK(ids(c, query_plans(c, JP, {}, SortKey::Price, Currency::USD)) ==
        std::vector<std::string>{"jp-1gb", "asia-3gb", "jp-10gb", "jp-unl"});
  SUBCASE("plans without a price in the currency are left out") {
    CHECK(ids(c, query_plans(c, JP, {}, SortKey::Price, Currency::EUR)) ==
          std::vector<std::string>{"jp-1gb", "asia-3gb", "jp-10gb"});
  }
}

TEST_CASE("sorting by price per GB, data and validity") {
  const Catalogue c = sample();
  CHECK(ids(c, query_plans(c, JP, {}, SortKey::PricePerGB, Currency::USD)) ==
        std::vector<std::string>{"jp-10gb", "asia-3gb", "jp-1gb", "jp-unl"});
  CHECK(ids(c, query_plans(c, JP, {}, SortKey::Data, Currency::USD)).front() == "jp-unl");
  CHECK(ids(c, query_plans(c, JP, {}, SortKey::Validity, Currency::USD)).back() == "jp-1gb");
  CHECK(price_per_gb(c.plans[1], Currency::USD) == 190);
  CHECK_FALSE(price_per_gb(c.plans[2], Currency::USD));
}

TEST_CASE("filters narrow the list") {
  const Catalogue c = sample();
  PlanFilter f;
  SUBCASE("by feature") {
    f.required_features = kFeature5G;
    CHECK(ids(c, query_plans(c, JP, f, SortKey::Price, Currency::USD)) == std::vector<std::string>{"jp-10gb", "jp-unl"});
  }
  SUBCASE("by data band") {
    f.data = DataBand::Unlimited;
    CHECK(ids(c, query_plans(c, JP, f, SortKey::Price, Currency::USD)) == std::vector<std::string>{"jp-unl"});
    f.data = DataBand::UpTo3GB;
    CHECK(ids(c, query_plans(c, JP, f, SortKey::Price, Currency::USD)) == std::vector<std::string>{"jp-1gb", "asia-3gb"});
  }
  SUBCASE("by validity band") {
    f.validity = ValidityBand::UpTo7Days;
    CHECK(ids(c, query_plans(c, JP, f, SortKey::Price, Currency::USD)) == std::vector<std::string>{"jp-1gb"});
  }
  SUBCASE("by scope") {
    f.include_local = false;
    CHECK(ids(c, query_plans(c, JP, f, SortKey::Price, Currency::USD)) == std::vector<std::string>{"asia-3gb"});
  }
}

TEST_CASE("counting plans agrees with the query for every filter") {
  const Catalogue c = sample();
  for (int band = 0; band <= static_cast<int>(DataBand::Unlimited); ++band) {
    for (std::uint8_t features : {std::uint8_t{0}, std::uint8_t{kFeature5G}, std::uint8_t{kFeatureHotspot}}) {
      PlanFilter f;
      f.data = static_cast<DataBand>(band);
      f.required_features = features;
      for (Currency cur : kCurrencies)
        CHECK(count_plans(c, JP, f, cur) == query_plans(c, JP, f, SortKey::Price, cur).size());
    }
  }
}

TEST_CASE("band and sort names round-trip") {
  for (int i = 0; i <= static_cast<int>(DataBand::Unlimited); ++i)
    CHECK(parse_data_band(data_band_name(static_cast<DataBand>(i))) == static_cast<DataBand>(i));
  for (int i = 0; i <= static_cast<int>(ValidityBand::Over30Days); ++i)
    CHECK(parse_validity_band(validity_band_name(static_cast<ValidityBand>(i))) == static_cast<ValidityBand>(i));
  for (int i = 0; i <= static_cast<int>(SortKey::Validity); ++i)
    CHECK(parse_sort_key(sort_key_name(static_cast<SortKey>(i))) == static_cast<SortKey>(i));
  CHECK_FALSE(parse_sort_key("cheapest"));
}

TEST_CASE("a region's selection lists its regional plans, the global one every global plan") {
  const std::string body = fixtures::catalogue_json(
      fixtures::plan_json("jp-a", R"("JP")") + "," +
      R"({"id":"eu-a","name":"Europe","scope":"regional","region":"europe","coverage":["AT","GB","NL"],"networks":["N"],"data":{"mb":1024},"validity_days":7,"validity_start":"first_connection","prices":{"USD":500}},)"
      R"({"id":"world","name":"World","scope":"global","coverage":["AT","JP","AU"],"networks":["N"],"data":{"mb":1024},"validity_days":7,"validity_start":"first_connection","prices":{"USD":900}})");
  const CatalogueDecode d = decode_catalogue(body);
  REQUIRE(d.ok);
  REQUIRE(d.skipped.empty());
  const Catalogue& cat = d.catalogue;
  auto ids = [&](const std::vector<std::size_t>& v) {
    std::vector<std::string> out;
    for (std::size_t i : v) out.push_back(cat.plans[i].id);
    return out;
  };
  CHECK(ids(select_plans(cat, Selection{std::nullopt, "europe"}, Currency::USD)) == std::vector<std::string>{"eu-a"});
  CHECK(ids(select_plans(cat, Selection{std::nullopt, kGlobalSelection}, Currency::USD)) ==
        std::vector<std::string>{"world"});
  // A country lists local, regional and global plans covering it.
  CHECK(ids(select_plans(cat, Selection{CountryCode{'A', 'T'}, ""}, Currency::USD)) ==
        std::vector<std::string>{"eu-a", "world"});
  CHECK(select_plans(cat, Selection{CountryCode{'A', 'T'}, ""}, Currency::GBP).empty());  // not sold in GBP

  SUBCASE("filter counts say what each choice would leave") {
    const auto base = select_plans(cat, Selection{CountryCode{'A', 'T'}, ""}, Currency::USD);
    PlanFilter f;
    f.include_global = false;
    const FilterCounts c = count_filters(cat, base, f);
    CHECK(c.data[static_cast<int>(DataBand::Any)] == 1);
    CHECK(c.data[static_cast<int>(DataBand::Unlimited)] == 0);
    CHECK(c.scope[0] == 0);  // no local plan for Austria
    CHECK(c.scope[1] == 1);
    CHECK(c.scope[2] == 1);  // the global plan, though hidden now
    CHECK(c.features[0] == 0);  // no 5G plan
    CHECK(query_plans(cat, base, f, SortKey::Price, Currency::USD).size() == c.data[0]);
  }
}

TEST_CASE("feature lists read and write as comma-separated names") {
  CHECK(feature_list_name(kFeature5G | kFeatureSms) == "5g,sms");
  CHECK(feature_list_name(0).empty());
  CHECK(parse_feature_list("sms,5g,bogus,,") == (kFeature5G | kFeatureSms));
  CHECK(parse_feature_list("") == 0);
}
