// app.hpp: the storefront's app model, actions, effects and the pure update function.
//
//   update(model, action) -> {model, effects}
//
// The model is a value the UI reads (const) every frame. Actions are what happened: user input, and results of
// effects coming back from the platform layer. Effects are data (fetch this, log that) that the platform layer
// performs; their results come back as actions on the frame thread. No clock, randomness or I/O in here.
#pragma once
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "core/catalogue.hpp"
#include "core/checkout.hpp"
#include "core/i18n.hpp"
#include "core/plan_query.hpp"
#include "core/search.hpp"

namespace jupiter {

// ---------------------------------------------------------------------------------------------------------
// Model
// ---------------------------------------------------------------------------------------------------------
enum class LoadState : std::uint8_t { Idle = 0, Loading, Ready, Failed };

// Why the catalogue could not be shown; the UI turns it into words in the active language.
enum class LoadError : std::uint8_t { None = 0, Network, Http, NotJson, NotCatalogue, Empty };

struct CatalogueState {
  LoadState state = LoadState::Idle;
  LoadError error = LoadError::None;
  int http_status = 0;     // with LoadError::Http
  std::string detail;      // technical detail for the console and the test API
  std::shared_ptr<const Catalogue> catalogue;       // set once a usable catalogue arrived
  std::shared_ptr<const DestinationIndex> index;    // search keys for catalogue
  std::vector<CatalogueIssue> skipped;              // entries the codec rejected
  std::string etag;
  int attempts = 0;        // fetches started, for diagnostics
};

// A destination on the home screen with its cheapest plan, per currency.
struct Featured {
  CountryCode code{};
  std::size_t destination = 0;      // index into catalogue->destinations
  PriceList from;                   // lowest price of a plan covering it, per currency
};

struct Model {
  CatalogueState catalogue;
  std::vector<Featured> featured;          // home screen: popular destinations with "from" prices
  std::optional<CountryCode> requested;    // destination asked for (deep link) before the catalogue arrived
  std::string query;                       // the destination search box
  std::vector<SearchHit> hits;             // search results for query
  std::optional<CountryCode> destination;  // the chosen destination
  std::vector<std::size_t> plans;          // plans shown for destination (indexes into catalogue->plans)
  PlanFilter filter;
  SortKey sort = SortKey::Price;
  Currency currency = Currency::USD;
  checkout::Model checkout;                // the checkout flow and the order page (issue 4)
  Language language = Language::En;        // the texts' language (the UI layer holds the texts themselves)
};

// ---------------------------------------------------------------------------------------------------------
// Actions
// ---------------------------------------------------------------------------------------------------------
namespace action {
struct Start {                       // the app has started: load what it needs
  std::optional<CountryCode> destination;  // from a deep link, chosen once the catalogue is there
  Language language = Language::En;        // from a stored choice or the browser (see choose_language)
  Currency currency = Currency::USD;       // from a stored choice
};
struct RetryCatalogue {};            // the user pressed Retry
struct CatalogueResponse {           // a fetch of the catalogue finished
  int status = 0;                    // HTTP status; 0 when the request failed at the network level
  std::string body;
  std::string etag;
  std::string network_error;         // with status 0
};
struct QueryChanged { std::string text; };
struct DestinationChosen { CountryCode code{}; };
struct DestinationCleared {};
struct CurrencyChosen { Currency currency = Currency::USD; };
struct FilterChanged { PlanFilter filter; };
struct SortChanged { SortKey sort = SortKey::Price; };
struct LanguageChosen { Language language = Language::En; };
struct BuyPlan { std::string plan_id; };   // "Buy" on a plan's detail: the checkout takes it from here
}  // namespace action

using Action = std::variant<action::Start, action::RetryCatalogue, action::CatalogueResponse, action::QueryChanged,
                            action::DestinationChosen, action::DestinationCleared, action::CurrencyChosen,
                            action::FilterChanged, action::SortChanged, action::LanguageChosen, action::BuyPlan,
                            checkout::Action>;

// ---------------------------------------------------------------------------------------------------------
// Effects
// ---------------------------------------------------------------------------------------------------------
enum class Request : std::uint8_t { Catalogue = 0 };
enum class LogLevel : std::uint8_t { Info = 0, Warning, Error };
// Why something is stored in the browser: strictly necessary for the service asked for, or a preference the
// traveller set (stored only with the "preferences" consent).
enum class StorageKind : std::uint8_t { Necessary = 0, Preference };

namespace effect {
struct Fetch {
  Request request = Request::Catalogue;  // tells the platform which action to dispatch with the result
  std::string url;
  std::string if_none_match;
};
struct Log {
  LogLevel level = LogLevel::Info;
  std::string message;
};
struct Store {  // localStorage: key = value
  StorageKind kind = StorageKind::Necessary;
  std::string key;
  std::string value;
};
}  // namespace effect

using Effect = std::variant<effect::Fetch, effect::Log, effect::Store, checkout::Effect>;

struct Update {
  Model model;
  std::vector<Effect> effects;
};

inline constexpr const char* kCatalogueUrl = "/api/catalogue";
inline constexpr const char* kLanguageKey = "jupiter.prefs.language";  // preferences (assets/consent.json)
inline constexpr const char* kCurrencyKey = "jupiter.prefs.currency";
inline constexpr std::size_t kMaxSearchHits = 12;
// Home-screen destinations, in this order, when the catalogue has them.
inline constexpr const char* kFeaturedCodes[] = {"JP", "US", "GB", "FR", "IT", "ES", "TH", "TR", "DE", "MX", "AE", "AU"};

Update update(Model model, Action action);

// Plain-English summary of a load error, for logs and the test API (the UI uses translated texts).
std::string describe(const CatalogueState& s);

}  // namespace jupiter
