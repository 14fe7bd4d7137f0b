// unit-plan-name.cpp: plan names composed per language from their parts, and the best-value pick.
#include <doctest/doctest.h>

#include "core/plan_name.hpp"

using namespace jupiter;

namespace {
Plan plan(std::int64_t mb, int days, Scope scope = Scope::Local, std::string region = "") {
  Plan p;
  p.id = "p";
  p.name = "English name, never shown";
  p.scope = scope;
  p.region = std::move(region);
  p.data_mb = mb;
  p.validity_days = days;
  return p;
}
Plan unlimited(int days) {
  Plan p = plan(0, days);
  p.unlimited = true;
  p.fair_use = "1 GB a day at full speed";
  return p;
}
Plan priced(std::int64_t mb, std::int64_t usd_minor, bool no_eur = false) {
  Plan p = plan(mb, 7);
  p.prices.set(Currency::USD, usd_minor);
  if (!no_eur) p.prices.set(Currency::EUR, usd_minor);
  return p;
}
}  // namespace

TEST_CASE("a local plan is named from its country, data and days in each of the four languages") {
  const Plan p = plan(1024, 7);
  CHECK(plan_name(p, Language::En, "Japan") == "Japan 1 GB, 7 days");
  CHECK(plan_name(p, Language::Fr, "Japon") == "Japon 1 Go, 7 jours");
  CHECK(plan_name(p, Language::Es, "Japón") == "Japón 1 GB, 7 días");
  CHECK(plan_name(p, Language::De, "Japan") == "Japan 1 GB, 7 Tage");
  CHECK(plan_name(p, Language::Unknown, "Japan") == "Japan 1 GB, 7 days");
  CHECK(plan_name(plan(3072, 1), Language::De, "Japan") == "Japan 3 GB, 1 Tag");
  CHECK(plan_name(plan(3072, 1), Language::Fr, "Japon") == "Japon 3 Go, 1 jour");
}

TEST_CASE("data amounts: megabytes below 1 GB, one decimal at most, the language's decimal mark") {
  CHECK(data_amount(plan(500, 7), Language::En) == "500 MB");
  CHECK(data_amount(plan(500, 7), Language::Fr) == "500 Mo");
  CHECK(data_amount(plan(1536, 7), Language::En) == "1.5 GB");
  CHECK(data_amount(plan(1536, 7), Language::Fr) == "1,5 Go");
  CHECK(data_amount(plan(1536, 7), Language::De) == "1,5 GB");
  CHECK(data_amount(plan(20480, 7), Language::Es) == "20 GB");
  CHECK(data_amount(plan(1025, 7), Language::En) == "1 GB");  // rounded to a tenth
  CHECK(data_amount(unlimited(7), Language::En) == "Unlimited");
  CHECK(data_amount(unlimited(7), Language::Fr) == "Illimité");
  CHECK(data_amount(unlimited(7), Language::De) == "Unbegrenzt");
}

TEST_CASE("an unlimited plan's name says so in the language, in the middle of the name") {
  CHECK(plan_name(unlimited(30), Language::En, "Japan") == "Japan Unlimited, 30 days");
  CHECK(plan_name(unlimited(30), Language::Fr, "Japon") == "Japon illimité, 30 jours");
  CHECK(plan_name(unlimited(30), Language::Es, "Japón") == "Japón ilimitado, 30 días");
  CHECK(plan_name(unlimited(30), Language::De, "Japan") == "Japan unbegrenzt, 30 Tage");
}

TEST_CASE("regional and global plans are named after the region or the world, not the country passed") {
  const Plan europe = plan(3072, 15, Scope::Regional, "europe");
  CHECK(plan_name(europe, Language::Fr, plan_place(europe, Language::Fr, "France", "Europe")) == "Europe 3 Go, 15 jours");
  const Plan mideast = plan(1024, 7, Scope::Regional, "middle-east");
  CHECK(plan_place(mideast, Language::De, "Japan", "Middle East") == "Naher Osten");
  CHECK(plan_place(mideast, Language::Es, "Japón", "Middle East") == "Oriente Medio");
  const Plan other = plan(1024, 7, Scope::Regional, "arctic");
  CHECK(plan_place(other, Language::Fr, "France", "Arctic") == "Arctic");  // unknown id: the catalogue's name
  const Plan world = plan(10240, 30, Scope::Global);
  CHECK(plan_name(world, Language::Fr, plan_place(world, Language::Fr, "Japon", "")) == "Monde 10 Go, 30 jours");
  CHECK(plan_name(world, Language::De, plan_place(world, Language::De, "Japan", "")) == "Weltweit 10 GB, 30 Tage");
  CHECK(plan_place(plan(1024, 7), Language::Fr, "Japon", "Asia") == "Japon");
}

TEST_CASE("the best value is the lowest price per GB among the shown plans with a price") {
  const std::vector<Plan> plans = {priced(1024, 500), priced(3072, 1200), priced(10240, 3000), unlimited(7),
                                   priced(20480, 100, true)};
  SUBCASE("per GB, not the cheapest price: 10 GB for 30.00 beats 1 GB for 5.00") {
    CHECK(best_value(plans, {0, 1, 2}, Currency::USD) == std::optional<std::size_t>(2));
    CHECK(best_value(plans, {2, 1, 0}, Currency::USD) == std::optional<std::size_t>(0));  // a position in `shown`
  }
  SUBCASE("only the shown plans compete") { CHECK(best_value(plans, {0, 1}, Currency::USD) == std::optional<std::size_t>(1)); }
  SUBCASE("an unlimited plan has no price per GB and is never picked") {
    CHECK(best_value(plans, {3, 0, 1}, Currency::USD) == std::optional<std::size_t>(2));
  }
  SUBCASE("a plan without a price in the currency is left out") {
    CHECK(best_value(plans, {0, 4}, Currency::USD) == std::optional<std::size_t>(1));
    CHECK_FALSE(best_value(plans, {0, 4}, Currency::EUR));  // only one plan compares in EUR
  }
  SUBCASE("fewer than two comparable plans: nothing is marked") {
    CHECK_FALSE(best_value(plans, {0}, Currency::USD));
    CHECK_FALSE(best_value(plans, {0, 3}, Currency::USD));
    CHECK_FALSE(best_value(plans, {}, Currency::USD));
  }
  SUBCASE("a tie goes to the first shown") {
    const std::vector<Plan> tied = {priced(1024, 500), priced(2048, 1000)};
    CHECK(best_value(tied, {1, 0}, Currency::USD) == std::optional<std::size_t>(0));
  }
}
