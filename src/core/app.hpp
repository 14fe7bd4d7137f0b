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

#include "core/account.hpp"
#include "core/catalogue.hpp"
#include "core/checkout.hpp"
#include "core/embed.hpp"
#include "core/i18n.hpp"
#include "core/plan_query.hpp"
#include "core/policy_notice.hpp"
#include "core/privacy_centre.hpp"
#include "core/refund.hpp"
#include "core/search.hpp"
#include "core/support.hpp"
#include "core/topup.hpp"

namespace jupiter {

// ---------------------------------------------------------------------------------------------------------
// Model
// ---------------------------------------------------------------------------------------------------------
// The cookie choices in force as the platform read them, for the privacy screen (decoded by the consent core there).
struct ConsentSnapshot {
  std::string record_text;  // the stored consent record ("" when none)
  bool gpc = false;         // Global Privacy Control is on
  double read_at_ms = 0;    // Unix ms when it was read: validity is judged at that time
};

enum class LoadState : std::uint8_t { Idle = 0, Loading, Ready, Failed };

// Why the catalogue could not be shown; the UI turns it into words in the active language.
enum class LoadError : std::uint8_t { None = 0, Network, Http, NotJson, NotCatalogue, Empty };

enum class CatalogueSource : std::uint8_t { None = 0, Cache, Network };

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
  CatalogueSource source = CatalogueSource::None;  // where the shown catalogue came from
  double checked_at_ms = 0;  // when the server last confirmed the shown prices (Unix ms; 0: never)
  bool confirmed = false;    // the server confirmed the shown catalogue during this visit (200 or 304)
};

// A destination on the home screen with its cheapest plan, per currency.
struct Featured {
  CountryCode code{};
  std::size_t destination = 0;      // index into catalogue->destinations
  PriceList from;                   // lowest price of a plan covering it, per currency
};

// The view as the URL shows it: ?dest=JP&data=3-10gb&validity=8-15d&features=5g,hotspot&scope=local&sort=data
// &plan=jp-5gb (or region=europe instead of dest), and &account=orders while My eSIMs is open. Defaults are left out
// of the URL.
struct Route {
  std::optional<CountryCode> destination;
  std::string region;  // a region's (or kGlobalSelection's) plans, when there is no destination
  std::string plan;    // the open plan's id
  PlanFilter filter;
  SortKey sort = SortKey::Price;
  bool account = false;  // My eSIMs is open (account::kQueryParam: "orders", or "sign-in" from the verify page)
  bool privacy = false;  // the privacy centre is open (account=privacy; issue 16)
  friend bool operator==(const Route& a, const Route& b) {
    return a.destination == b.destination && a.region == b.region && a.plan == b.plan && a.filter == b.filter &&
           a.sort == b.sort && a.account == b.account && a.privacy == b.privacy;
  }
  friend bool operator!=(const Route& a, const Route& b) { return !(a == b); }
};

// The store inside a partner's page (issue 12, core/embed.hpp). Kept for the visit only, never stored.
enum class EmbedNotice : std::uint8_t { None = 0, BadAttribute };
struct EmbedState {
  bool on = false;                  // in a partner's frame (window.jupiterEmbed with a readable config)
  Theme theme = Theme::Light;
  std::optional<std::uint32_t> accent;  // the partner's button colour, 0xRRGGBB
  EmbedNotice notice = EmbedNotice::None;  // an attribute could not be used: the home screen says so
  EmbedSettings applied;            // the attributes last applied (a change applies only what differs)
  bool place_waiting = false;       // applied.destination/plan wait for the catalogue
  bool ready_sent = false;          // "ready" announced
  std::string unpaid_order;         // an order this page saw waiting for its payment
  std::string paid_order;           // the order whose payment was announced
};

struct Model {
  CatalogueState catalogue;
  std::vector<Featured> featured;          // home screen: popular destinations with "from" prices
  std::optional<Route> requested;          // the view asked for (deep link, Back) before the catalogue arrived
  std::string query;                       // the destination search box
  std::vector<SearchHit> hits;             // search results for query
  std::optional<CountryCode> destination;  // the chosen destination
  std::vector<std::size_t> plans;          // plans shown for destination (indexes into catalogue->plans)
  std::string region;                      // a region's plans (or kGlobalSelection) when there is no destination
  std::vector<std::size_t> base;           // the destination's or region's plans sold in currency, unfiltered
  FilterCounts counts;                     // how many plans each filter choice would leave
  std::string open_plan;                   // the plan whose detail is shown ("": none)
  bool online = true;                      // the browser's network state
  // Destination names in the active language (the browser's Intl.DisplayNames), aligned with
  // catalogue->destinations; empty for English, whose names are the catalogue's own.
  std::vector<std::string> local_names;
  PlanFilter filter;
  SortKey sort = SortKey::Price;
  Currency currency = Currency::USD;
  checkout::Model checkout;                // the checkout flow and the order page (issue 4)
  Language language = Language::En;        // the texts' language (the UI layer holds the texts themselves)
  std::string partner;                     // attribution for this visit (embed config or ?partner=), never stored
  EmbedState embed;
  std::optional<ConsentSnapshot> privacy;  // the privacy screen is open, showing the choices read when it opened
  account::Model account;                  // My eSIMs (issue 15): shown instead of the store unless Closed
  privacy_centre::Model privacy_centre;    // the privacy centre (issue 16): shown instead of the store unless Closed
  policy_notice::Model policy_notice;      // "Our privacy policy changed" for a returning visitor (issue 16)
  topup::Model topup;                      // the shown eSIM's usage and top-ups (issue 15), kept in step by update
  refund::Model refund;                    // the shown eSIM's refund (issue 15): asked when the order page shows it
  support::Model support;                  // the shown eSIM's support thread (issue 15): "Help with this eSIM"
};

// ---------------------------------------------------------------------------------------------------------
// Actions
// ---------------------------------------------------------------------------------------------------------
// The last catalogue kept in the browser (strictly necessary storage: the service the traveller asked for).
struct CatalogueCache {
  std::string body;
  std::string etag;
  double checked_at_ms = 0;  // when the server last confirmed it
};

namespace action {
struct Start {                       // the app has started: load what it needs
  std::optional<CountryCode> destination;  // from a deep link, chosen once the catalogue is there
  std::optional<CatalogueCache> cached = std::nullopt;  // shown at once, then revalidated
  Language language = Language::En;        // from a stored choice or the browser (see choose_language)
  Currency currency = Currency::USD;       // from a stored choice
  std::string partner = {};                // ?partner= on the store's own page (ignored unless a valid id)
};
struct RetryCatalogue {};            // the user pressed Retry
struct CatalogueResponse {           // a fetch of the catalogue finished
  int status = 0;                    // HTTP status; 0 when the request failed at the network level
  std::string body;
  std::string etag;
  std::string network_error;         // with status 0
  double received_at_ms = 0;         // Unix ms, from the platform
};
struct QueryChanged { std::string text; };
struct DestinationChosen { CountryCode code{}; };
struct DestinationCleared {};
struct CurrencyChosen { Currency currency = Currency::USD; };
struct FilterChanged { PlanFilter filter; };
struct SortChanged { SortKey sort = SortKey::Price; };
struct LanguageChosen { Language language = Language::En; };
struct BuyPlan { std::string plan_id; };   // "Buy" on a plan's detail: the checkout takes it from here
struct RouteChanged { Route route; };      // the URL at start, or Back/Forward
struct PlanOpened { std::string plan_id; };
struct PlanClosed {};
struct RegionChosen { std::string region; };  // a region id or kGlobalSelection
struct ConnectivityChanged { bool online = true; };
struct LocalNames {                        // destination names in `language`, aligned with the destinations
  Language language = Language::En;
  std::vector<std::string> names;
};
struct PreferencesLoaded {                 // stored choices, readable once the preferences consent is known
  std::optional<Language> language;
  std::optional<Currency> currency;
};
struct Embedded { EmbedSettings settings; };         // in a partner's frame: its config, at start
struct EmbedAttributes { EmbedSettings settings; };  // the partner page changed an attribute
struct CatalogueShown {};                            // a frame showed plans or prices (embedded: once)
struct PrivacyOpened {};                             // "Privacy" in the header -> effect::ReadConsent
struct ConsentRead { ConsentSnapshot snapshot; };    // the result of effect::ReadConsent: the screen shows it
struct PrivacyClosed {};                             // Close or Escape on the privacy screen
struct CookieSettingsAsked {};                       // "Cookie settings": the screen closes, the manager opens
}  // namespace action

using Action = std::variant<action::Start, action::RetryCatalogue, action::CatalogueResponse, action::QueryChanged,
                            action::DestinationChosen, action::DestinationCleared, action::CurrencyChosen,
                            action::FilterChanged, action::SortChanged, action::LanguageChosen, action::BuyPlan,
                            action::RouteChanged, action::PlanOpened, action::PlanClosed, action::RegionChosen,
                            action::ConnectivityChanged, action::PreferencesLoaded,
                            action::LocalNames, action::Embedded, action::EmbedAttributes,
                            action::CatalogueShown, action::PrivacyOpened, action::ConsentRead,
                            action::PrivacyClosed, action::CookieSettingsAsked, checkout::Action,
                            account::Action, privacy_centre::Action, policy_notice::Action, topup::Action,
                            refund::Action, support::Action>;

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
struct Store {  // localStorage: key = value; an empty value removes the key
  StorageKind kind = StorageKind::Necessary;
  std::string key;
  std::string value;
};
struct SaveCatalogue {  // keep the catalogue for the next visit (kCacheBodyKey, kCacheMetaKey)
  std::string etag;
  double checked_at_ms = 0;
  std::string body;  // empty: the kept body is still current (a 304); only the time changes
};
struct Announce {  // an event for the partner page (embedded); nothing on the store's own page
  std::string name;    // kReady, kPlanSelected, ... (core/embed.hpp)
  std::string detail;  // a JSON object: ids, codes, amounts; never personal data
};
struct ReadConsent {};         // read the consent record, GPC and the clock -> action::ConsentRead
struct OpenCookieSettings {};  // the consent manager's preferences (web/consent.js)
}  // namespace effect

using Effect = std::variant<effect::Fetch, effect::Log, effect::Store, effect::SaveCatalogue, effect::Announce,
                            effect::ReadConsent, effect::OpenCookieSettings, checkout::Effect,
                            account::Effect, privacy_centre::Effect, policy_notice::Effect, topup::Effect,
                            refund::effect::Http, support::Effect>;

struct Update {
  Model model;
  std::vector<Effect> effects;
};

inline constexpr const char* kCatalogueUrl = "/api/catalogue";
inline constexpr const char* kLanguageKey = "jupiter.prefs.language";  // preferences (assets/consent.json)
inline constexpr const char* kCurrencyKey = "jupiter.prefs.currency";
inline constexpr const char* kCacheBodyKey = "jupiter.catalogue.body";  // strictly necessary (the offline store)
inline constexpr const char* kCacheMetaKey = "jupiter.catalogue.meta";  // {"etag":..,"checked_at":ms}
inline constexpr const char* kRouteKeys = "dest,region,plan,data,validity,features,scope,sort,account";  // URL params
inline constexpr std::size_t kMaxSearchHits = 12;
// Home-screen destinations, in this order, when the catalogue has them.
inline constexpr const char* kFeaturedCodes[] = {"JP", "US", "GB", "FR", "IT", "ES", "TH", "TR", "DE", "MX", "AE", "AU"};

Update update(Model model, Action action);

// Plain-English summary of a load error, for logs and the test API (the UI uses translated texts).
std::string describe(const CatalogueState& s);

// [SECTION] deep links: the model's view as a URL query and back. Decoding never fails: unknown or malformed
// values keep their defaults.
Route route_of(const Model& m);
std::string encode_route(const Route& r);  // canonical: fixed order, defaults left out ("" for the home screen)
Route decode_route(std::string_view query);
// True when going from one view to the other is a move the Back button should undo (another destination,
// region or plan); filter and sort changes replace the current history entry instead.
bool is_new_place(const Route& from, const Route& to);

// [SECTION] offline: the shown catalogue may come from the cache; buying needs the server.
// A destination's name as the traveller reads it: in the active language when known, else the catalogue's.
const std::string& destination_name(const Model& m, std::size_t destination);

bool is_offline(const Model& m);
bool buying_allowed(const Model& m);
std::string encode_cache_meta(const std::string& etag, double checked_at_ms);
// nullopt when the stored record is not one we wrote (then the cache is ignored).
std::optional<CatalogueCache> decode_cache_meta(std::string_view text);

}  // namespace jupiter
