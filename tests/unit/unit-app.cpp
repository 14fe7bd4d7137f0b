#include <doctest/doctest.h>

#include "core/app.hpp"
#include "fixtures.hpp"

using namespace jupiter;

namespace {
const std::string kBody = fixtures::catalogue_json(fixtures::plan_json("jp-5gb", R"("JP")") + "," +
                                                   fixtures::plan_json("at-5gb", R"("AT")"));

Model apply(Model m, Action a, std::vector<Effect>* fx = nullptr) {
  Update u = update(std::move(m), std::move(a));
  if (fx) *fx = std::move(u.effects);
  return std::move(u.model);
}

template <class E>
const E* find_effect(const std::vector<Effect>& fx) {
  for (const auto& e : fx)
    if (auto p = std::get_if<E>(&e)) return p;
  return nullptr;
}
}  // namespace

SCENARIO("the store loads its catalogue") {
  GIVEN("a store that has just started") {
    std::vector<Effect> fx;
    Model m = apply({}, action::Start{}, &fx);
    THEN("it is loading and asks for the catalogue") {
      CHECK(m.catalogue.state == LoadState::Loading);
      const auto* f = find_effect<effect::Fetch>(fx);
      REQUIRE(f);
      CHECK(f->url == kCatalogueUrl);
      CHECK(f->request == Request::Catalogue);
    }
    WHEN("the catalogue arrives") {
      m = apply(m, action::CatalogueResponse{200, kBody, "\"abc\"", ""}, &fx);
      THEN("it is ready with every plan") {
        CHECK(m.catalogue.state == LoadState::Ready);
        REQUIRE(m.catalogue.catalogue.get() != nullptr);
        CHECK(m.catalogue.catalogue->plans.size() == 2);
        CHECK(m.catalogue.etag == "\"abc\"");
      }
      AND_WHEN("the traveller searches and picks Japan") {
        m = apply(m, action::QueryChanged{"japa"});
        REQUIRE(!m.hits.empty());
        m = apply(m, action::DestinationChosen{m.catalogue.catalogue->destinations[m.hits[0].destination].code});
        THEN("Japan's plans are listed") {
          REQUIRE(m.plans.size() == 1);
          CHECK(m.catalogue.catalogue->plans[m.plans[0]].id == "jp-5gb");
        }
        AND_WHEN("the currency changes") {
          m = apply(m, action::CurrencyChosen{Currency::GBP});
          THEN("the same plans stay listed in the new currency") {
            CHECK(m.currency == Currency::GBP);
            CHECK(m.plans.size() == 1);
          }
        }
      }
    }
    WHEN("the backend is down") {
      m = apply(m, action::CatalogueResponse{0, "", "", "connection refused"}, &fx);
      THEN("the error is shown and logged") {
        CHECK(m.catalogue.state == LoadState::Failed);
        CHECK(m.catalogue.error == LoadError::Network);
        CHECK(find_effect<effect::Log>(fx));
      }
      AND_WHEN("the user retries and it is up again") {
        m = apply(m, action::RetryCatalogue{}, &fx);
        CHECK(m.catalogue.state == LoadState::Loading);
        CHECK(find_effect<effect::Fetch>(fx));
        m = apply(m, action::CatalogueResponse{200, kBody, "", ""});
        THEN("the catalogue shows") {
          CHECK(m.catalogue.state == LoadState::Ready);
          CHECK(m.catalogue.attempts == 2);
        }
      }
    }
    WHEN("the backend answers with an HTTP error") {
      m = apply(m, action::CatalogueResponse{503, "oops", "", ""});
      THEN("the status is kept") {
        CHECK(m.catalogue.state == LoadState::Failed);
        CHECK(m.catalogue.error == LoadError::Http);
        CHECK(m.catalogue.http_status == 503);
      }
    }
    WHEN("the response is not JSON") {
      m = apply(m, action::CatalogueResponse{200, "<html>", "", ""});
      THEN("it is a NotJson error") { CHECK(m.catalogue.error == LoadError::NotJson); }
    }
    WHEN("the response has no valid plan") {
      m = apply(m, action::CatalogueResponse{200, fixtures::catalogue_json("1,2"), "", ""});
      THEN("it is an Empty error with the skipped entries counted") {
        CHECK(m.catalogue.state == LoadState::Failed);
        CHECK(m.catalogue.error == LoadError::Empty);
      }
    }
  }
}

SCENARIO("a catalogue already shown survives a failed refresh") {
  Model m = apply(apply({}, action::Start{}), action::CatalogueResponse{200, kBody, "\"v1\"", ""});
  m = apply(m, action::RetryCatalogue{});
  m = apply(m, action::CatalogueResponse{0, "", "", "offline"});
  CHECK(m.catalogue.state == LoadState::Ready);
  CHECK(m.catalogue.error == LoadError::Network);
  REQUIRE(m.catalogue.catalogue.get() != nullptr);
  WHEN("a revalidation answers 304") {
    m = apply(m, action::RetryCatalogue{});
    m = apply(m, action::CatalogueResponse{304, "", "", ""});
    THEN("the catalogue is kept") {
      CHECK(m.catalogue.state == LoadState::Ready);
      CHECK(m.catalogue.catalogue->plans.size() == 2);
    }
  }
}

TEST_CASE("choosing an unknown destination changes nothing") {
  Model m = apply(apply({}, action::Start{}), action::CatalogueResponse{200, kBody, "", ""});
  m = apply(m, action::DestinationChosen{CountryCode{'F', 'R'}});
  CHECK_FALSE(m.destination);
  CHECK(m.plans.empty());
}

TEST_CASE("a second Start or a Retry while loading starts no second fetch") {
  std::vector<Effect> fx;
  Model m = apply({}, action::Start{});
  m = apply(m, action::Start{}, &fx);
  CHECK(fx.empty());
  m = apply(m, action::RetryCatalogue{}, &fx);
  CHECK(fx.empty());
  CHECK(m.catalogue.attempts == 1);
}

TEST_CASE("a deep-linked destination is chosen once the catalogue arrives") {
  Model m = apply({}, action::Start{CountryCode{'J', 'P'}});
  CHECK_FALSE(m.destination);
  m = apply(m, action::CatalogueResponse{200, kBody, "", ""});
  REQUIRE(m.destination);
  CHECK(*m.destination == CountryCode{'J', 'P'});
  CHECK(m.plans.size() == 1);
  SUBCASE("an unknown one is dropped") {
    Model u = apply(apply({}, action::Start{CountryCode{'F', 'R'}}), action::CatalogueResponse{200, kBody, "", ""});
    CHECK_FALSE(u.destination);
    CHECK_FALSE(u.requested);
  }
}

TEST_CASE("the home screen features destinations with their lowest price") {
  const std::string body = fixtures::catalogue_json(
      fixtures::plan_json("jp-a", R"("JP")", "", R"({"mb":1024})", 7, R"({"USD":900,"EUR":800})") + "," +
      fixtures::plan_json("jp-b", R"("JP")", "", R"({"mb":1024})", 7, R"({"USD":450})"));
  Model m = apply(apply({}, action::Start{}), action::CatalogueResponse{200, body, "", ""});
  REQUIRE(m.featured.size() >= 1);
  CHECK(m.featured[0].code == CountryCode{'J', 'P'});
  CHECK(m.featured[0].from.get(Currency::USD) == Money{450, Currency::USD});
  CHECK(m.featured[0].from.get(Currency::EUR) == Money{800, Currency::EUR});
  CHECK_FALSE(m.featured[0].from.get(Currency::GBP));
}
