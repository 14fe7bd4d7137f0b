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

// ---- deep links and history -------------------------------------------------------------------------------
TEST_CASE("a view survives the round trip through the URL") {
  Route r;
  r.destination = CountryCode{'J', 'P'};
  r.plan = "jp-5gb";
  r.filter.data = DataBand::From3To10GB;
  r.filter.validity = ValidityBand::From8To15Days;
  r.filter.required_features = kFeature5G | kFeatureHotspot;
  r.filter.include_global = false;
  r.sort = SortKey::Data;
  const std::string q = encode_route(r);
  CHECK(q == "dest=JP&plan=jp-5gb&data=3-10gb&validity=8-15d&features=5g,hotspot&scope=local,regional&sort=data");
  CHECK(decode_route(q) == r);
  CHECK(encode_route(Route{}).empty());
  Route region;
  region.region = "europe";
  CHECK(encode_route(region) == "region=europe");
  CHECK(decode_route("region=europe&test=1") == region);
}

TEST_CASE("a malformed URL gives the defaults for what it got wrong, never an error") {
  const Route r = decode_route("dest=jp&data=lots&sort=%ZZ&features=5g,warp&validity=&plan=a%20b&&=x&junk");
  CHECK_FALSE(r.destination);  // lower case is not an ISO code
  CHECK(r.filter.data == DataBand::Any);
  CHECK(r.sort == SortKey::Price);
  CHECK(r.filter.required_features == kFeature5G);
  CHECK(r.plan == "a b");
  CHECK(decode_route("plan=" + std::string(1000, 'x')).plan.empty());
  CHECK(decode_route("dest=JP&region=europe").region.empty());  // a destination wins
}

TEST_CASE("only a new destination, region or plan makes a new history entry") {
  Route a;
  a.destination = CountryCode{'J', 'P'};
  Route b = a;
  b.filter.data = DataBand::Unlimited;
  CHECK_FALSE(is_new_place(a, b));
  b.plan = "jp-5gb";
  CHECK(is_new_place(a, b));
  CHECK(is_new_place(Route{}, a));
}

SCENARIO("Back and Forward restore a view") {
  Model m = apply(apply({}, action::Start{}), action::CatalogueResponse{200, kBody, "\"v1\"", "", 1000});
  Route r;
  r.destination = CountryCode{'J', 'P'};
  r.plan = "jp-5gb";
  r.filter.required_features = kFeature5G;
  m = apply(m, action::RouteChanged{r});
  THEN("the destination, filters and the open plan come back") {
    REQUIRE(m.destination);
    CHECK(*m.destination == CountryCode{'J', 'P'});
    CHECK(m.open_plan == "jp-5gb");
    CHECK(m.filter.required_features == kFeature5G);
    CHECK(m.query == "Japan");
    CHECK(route_of(m) == r);
  }
  WHEN("the route names things the catalogue does not have") {
    Route bad;
    bad.destination = CountryCode{'F', 'R'};
    bad.plan = "nope";
    m = apply(m, action::RouteChanged{bad});
    THEN("the home screen shows") {
      CHECK_FALSE(m.destination);
      CHECK(m.open_plan.empty());
      CHECK(route_of(m) == Route{});
    }
  }
}

TEST_CASE("a route that arrives before the catalogue is applied when it is there") {
  Model m = apply({}, action::Start{});
  Route r;
  r.destination = CountryCode{'A', 'T'};
  r.sort = SortKey::Validity;
  m = apply(m, action::RouteChanged{r});
  CHECK_FALSE(m.destination);
  CHECK(route_of(m) == r);  // the URL is not rewritten while loading
  m = apply(m, action::CatalogueResponse{200, kBody, "", "", 1});
  REQUIRE(m.destination);
  CHECK(*m.destination == CountryCode{'A', 'T'});
  CHECK(m.sort == SortKey::Validity);
  CHECK(m.plans.size() == 1);
}

// ---- offline cache -----------------------------------------------------------------------------------------
SCENARIO("the last catalogue is shown at once on the next visit, then revalidated") {
  std::vector<Effect> fx;
  Model first = apply(apply({}, action::Start{}), action::CatalogueResponse{200, kBody, "\"v1\"", "", 5000}, &fx);
  const auto* save = find_effect<effect::SaveCatalogue>(fx);
  REQUIRE(save);
  CHECK(save->etag == "\"v1\"");
  CHECK(save->checked_at_ms == 5000);
  CHECK(save->body == kBody);
  CHECK(buying_allowed(first));

  GIVEN("a new visit with that cache") {
    action::Start start;
    start.cached = CatalogueCache{kBody, "\"v1\"", 5000};
    Model m = apply({}, start, &fx);
    THEN("the plans show before the network answers, and the server is asked whether they are current") {
      CHECK(m.catalogue.state == LoadState::Ready);
      CHECK(m.catalogue.source == CatalogueSource::Cache);
      CHECK(m.catalogue.checked_at_ms == 5000);
      REQUIRE(m.catalogue.catalogue.get() != nullptr);
      CHECK(m.catalogue.catalogue->plans.size() == 2);
      const auto* f = find_effect<effect::Fetch>(fx);
      REQUIRE(f);
      CHECK(f->if_none_match == "\"v1\"");
      CHECK_FALSE(buying_allowed(m));  // not confirmed yet
    }
    WHEN("the server says 304") {
      m = apply(m, action::CatalogueResponse{304, "", "\"v1\"", "", 9000}, &fx);
      THEN("the prices are current as of now and buying is allowed") {
        CHECK(m.catalogue.confirmed);
        CHECK(m.catalogue.checked_at_ms == 9000);
        CHECK(buying_allowed(m));
        const auto* s = find_effect<effect::SaveCatalogue>(fx);
        REQUIRE(s);
        CHECK(s->body.empty());
        CHECK(s->checked_at_ms == 9000);
      }
    }
    WHEN("the network is down") {
      m = apply(m, action::CatalogueResponse{0, "", "", "Failed to fetch", 9000});
      THEN("browsing works from the cache and buying is disabled") {
        CHECK(m.catalogue.state == LoadState::Ready);
        CHECK(is_offline(m));
        CHECK_FALSE(buying_allowed(m));
        m = apply(m, action::DestinationChosen{CountryCode{'J', 'P'}});
        CHECK(m.plans.size() == 1);
      }
      AND_WHEN("the browser is back online") {
        m = apply(m, action::ConnectivityChanged{true}, &fx);
        THEN("it revalidates") { CHECK(find_effect<effect::Fetch>(fx)); }
      }
    }
  }
  GIVEN("a damaged cache") {
    action::Start start;
    start.cached = CatalogueCache{"{\"schema\":1,", "\"v1\"", 5000};
    Model m = apply({}, start, &fx);
    THEN("it is dropped and the catalogue is loaded normally") {
      CHECK(m.catalogue.state == LoadState::Loading);
      CHECK(m.catalogue.catalogue.get() == nullptr);
      const auto* f = find_effect<effect::Fetch>(fx);
      REQUIRE(f);
      CHECK(f->if_none_match.empty());
      CHECK(find_effect<effect::Store>(fx));
    }
  }
}

TEST_CASE("going offline disables buying even with a confirmed catalogue") {
  Model m = apply(apply({}, action::Start{}), action::CatalogueResponse{200, kBody, "\"v1\"", "", 1});
  CHECK(buying_allowed(m));
  m = apply(m, action::ConnectivityChanged{false});
  CHECK(is_offline(m));
  CHECK_FALSE(buying_allowed(m));
}

TEST_CASE("the cache record is read back only when it is ours") {
  const auto c = decode_cache_meta(encode_cache_meta("\"abc\"", 1234567));
  REQUIRE(c);
  CHECK(c->etag == "\"abc\"");
  CHECK(c->checked_at_ms == 1234567);
  CHECK_FALSE(decode_cache_meta("not json"));
  CHECK_FALSE(decode_cache_meta(R"({"etag":5,"checked_at":1})"));
  CHECK_FALSE(decode_cache_meta(R"({"etag":"x","checked_at":-1})"));
  CHECK_FALSE(decode_cache_meta(R"({"etag":"x"})"));
}

// ---- preferences and the plan detail ------------------------------------------------------------------------
TEST_CASE("language and currency choices are stored as preferences") {
  std::vector<Effect> fx;
  Model m = apply({}, action::LanguageChosen{Language::De}, &fx);
  CHECK(m.language == Language::De);
  const auto* s = find_effect<effect::Store>(fx);
  REQUIRE(s);
  CHECK(s->kind == StorageKind::Preference);
  CHECK(s->key == kLanguageKey);
  CHECK(s->value == "de");
  m = apply(m, action::CurrencyChosen{Currency::EUR}, &fx);
  s = find_effect<effect::Store>(fx);
  REQUIRE(s);
  CHECK(s->key == kCurrencyKey);
  CHECK(s->value == "EUR");
}

TEST_CASE("a plan's detail opens only for a plan in the catalogue") {
  Model m = apply(apply({}, action::Start{}), action::CatalogueResponse{200, kBody, "", "", 1});
  m = apply(m, action::PlanOpened{"jp-5gb"});
  CHECK(m.open_plan == "jp-5gb");
  m = apply(m, action::PlanOpened{"xx"});
  CHECK(m.open_plan == "jp-5gb");
  m = apply(m, action::PlanClosed{});
  CHECK(m.open_plan.empty());
}

TEST_CASE("stored preferences read back are applied without being stored again") {
  std::vector<Effect> fx;
  Model m = apply(apply({}, action::Start{}), action::CatalogueResponse{200, kBody, "", "", 1});
  m = apply(m, action::DestinationChosen{CountryCode{'J', 'P'}});
  m = apply(m, action::PreferencesLoaded{Language::Fr, Currency::GBP}, &fx);
  CHECK(m.language == Language::Fr);
  CHECK(m.currency == Currency::GBP);
  CHECK(m.plans.size() == 1);  // the list follows the currency
  CHECK(find_effect<effect::Store>(fx) == nullptr);
}

TEST_CASE("destinations are found and named in the active language once the browser gave the names") {
  Model m = apply(apply({}, action::Start{}), action::CatalogueResponse{200, kBody, "", "", 1});
  const auto& dests = m.catalogue.catalogue->destinations;
  std::vector<std::string> names(dests.size());
  for (std::size_t i = 0; i < dests.size(); ++i)
    if (dests[i].name == "Austria") names[i] = "Österreich";
  SUBCASE("names for another language are ignored") {
    m = apply(m, action::LocalNames{Language::De, names});
    CHECK(m.local_names.empty());
  }
  m = apply(m, action::LanguageChosen{Language::De});
  m = apply(m, action::LocalNames{Language::De, names});
  m = apply(m, action::QueryChanged{"oster"});
  REQUIRE(!m.hits.empty());
  CHECK(dests[m.hits[0].destination].name == "Austria");
  CHECK(destination_name(m, m.hits[0].destination) == "Österreich");
  CHECK(m.hits[0].matched == "Österreich");
  // The English name still works, and switching back to English drops the German names.
  m = apply(m, action::QueryChanged{"austria"});
  REQUIRE(!m.hits.empty());
  m = apply(m, action::LanguageChosen{Language::En});
  CHECK(m.local_names.empty());
  m = apply(m, action::QueryChanged{"osterreich"});
  CHECK(m.hits.empty());
}

SCENARIO("the privacy screen shows what the platform read when it opened, and asks for the cookie settings") {
  std::vector<Effect> fx;
  GIVEN("a store with the screen closed") {
    Model m;
    WHEN("Privacy is pressed") {
      m = apply(m, action::PrivacyOpened{}, &fx);
      THEN("the platform is asked to read the choices; the screen waits for them") {
        CHECK(find_effect<effect::ReadConsent>(fx));
        CHECK(fx.size() == 1);
        CHECK_FALSE(m.privacy);
      }
      AND_WHEN("the read comes back") {
        m = apply(m, action::ConsentRead{{"v1.record", true, 1.7e12}});
        THEN("the screen shows exactly that") {
          REQUIRE(m.privacy);
          CHECK(m.privacy->record_text == "v1.record");
          CHECK(m.privacy->gpc);
          CHECK(m.privacy->read_at_ms == 1.7e12);
        }
        AND_WHEN("Cookie settings is pressed") {
          m = apply(m, action::CookieSettingsAsked{}, &fx);
          THEN("the screen closes and the consent manager opens") {
            CHECK_FALSE(m.privacy);
            CHECK(find_effect<effect::OpenCookieSettings>(fx));
          }
        }
        AND_WHEN("it is closed") {
          m = apply(m, action::PrivacyClosed{}, &fx);
          THEN("nothing else happens") {
            CHECK_FALSE(m.privacy);
            CHECK(fx.empty());
          }
        }
      }
    }
  }
}
