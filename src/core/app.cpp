// app.cpp: the storefront's pure update (see app.hpp).
//
// [SECTION] catalogue and view
// [SECTION] embed: partner attributes, attribution and announcements
// [SECTION] update: one step per action
// [SECTION] deep links
// [SECTION] offline
#include "core/app.hpp"

#include <cctype>
#include <type_traits>

#include "core/json_reader.hpp"
#include "core/json_writer.hpp"
#include "core/overloaded.hpp"
#include "core/policy.hpp"

namespace jupiter {
namespace {

// ---------------------------------------------------------------------------------------------------------
// [SECTION] catalogue and view
// ---------------------------------------------------------------------------------------------------------
void refresh_plans(Model& m) {
  m.plans.clear();
  m.base.clear();
  m.counts = {};
  const Catalogue* cat = m.catalogue.catalogue.get();
  if (!cat || (!m.destination && m.region.empty())) return;
  m.base = select_plans(*cat, Selection{m.destination, m.region}, m.currency);
  m.plans = query_plans(*cat, m.base, m.filter, m.sort, m.currency);
  m.counts = count_filters(*cat, m.base, m.filter);
}

// Back to the catalogue's own names (the language changed; the new language's names come with LocalNames).
void drop_local_names(Model& m) {
  if (m.local_names.empty()) return;
  m.local_names.clear();
  if (m.catalogue.catalogue) m.catalogue.index = std::make_shared<const DestinationIndex>(*m.catalogue.catalogue);
}

void refresh_hits(Model& m) {
  m.hits = m.catalogue.index ? m.catalogue.index->search(m.query, kMaxSearchHits) : std::vector<SearchHit>{};
}

void refresh_featured(Model& m) {
  m.featured.clear();
  const Catalogue& cat = *m.catalogue.catalogue;
  for (const char* code : kFeaturedCodes) {
    const auto cc = parse_country_code(code);
    const Destination* d = cc ? cat.find_destination(*cc) : nullptr;
    if (!d) continue;
    Featured f{*cc, static_cast<std::size_t>(d - cat.destinations.data()), {}};
    for (const Plan& p : cat.plans) {
      if (!p.covers(*cc)) continue;
      for (Currency c : kCurrencies) {
        auto price = p.prices.get(c);
        auto best = f.from.get(c);
        if (price && (!best || price->minor < best->minor)) f.from.set(c, price->minor);
      }
    }
    m.featured.push_back(f);
  }
}

void start_fetch(Model& m, std::vector<Effect>& fx) {
  m.catalogue.state = LoadState::Loading;
  m.catalogue.attempts += 1;
  fx.push_back(effect::Fetch{Request::Catalogue, kCatalogueUrl, m.catalogue.etag});
}

void fail(Model& m, LoadError e, std::string detail, std::vector<Effect>& fx) {
  // A catalogue we already show stays usable; only a first load turns into the error screen.
  m.catalogue.error = e;
  m.catalogue.detail = std::move(detail);
  m.catalogue.state = m.catalogue.catalogue ? LoadState::Ready : LoadState::Failed;
  fx.push_back(effect::Log{LogLevel::Error, "catalogue: " + describe(m.catalogue)});
}

bool valid_region(const Catalogue& cat, const std::string& region) {
  return region == kGlobalSelection || (!region.empty() && cat.find_region(region));
}

// Shows the view a route asks for, keeping only what the catalogue has; before the catalogue, remembers it.
void apply_route(Model& m, const Route& r) {
  const Catalogue* cat = m.catalogue.catalogue.get();
  if (!cat) {
    m.requested = r;
    return;
  }
  m.destination.reset();
  m.region.clear();
  if (r.destination && cat->find_destination(*r.destination)) m.destination = r.destination;
  else if (valid_region(*cat, r.region)) m.region = r.region;
  m.open_plan = cat->find_plan(r.plan) ? r.plan : std::string();
  m.filter = r.filter;
  m.sort = r.sort;
  m.query = m.destination
                ? destination_name(m, static_cast<std::size_t>(cat->find_destination(*m.destination) - cat->destinations.data()))
                : std::string();
  refresh_hits(m);
  refresh_plans(m);
}

// The partner's destination and plan (applied attributes): that plan's details, that destination's plans, or,
// when either is unknown, the home screen (the caller shows the notice). Needs the catalogue.
bool apply_embed_place(Model& m) {
  const Catalogue& cat = *m.catalogue.catalogue;
  const EmbedSettings& s = m.embed.applied;
  Route r;
  bool ok = true;
  if (s.destination) {
    const auto code = parse_country_code(*s.destination);
    if (code && cat.find_destination(*code)) r.destination = code;
    else ok = false;
  }
  if (s.plan) {
    if (cat.find_plan(*s.plan)) r.plan = *s.plan;
    else ok = false;
  }
  m.embed.place_waiting = false;
  apply_route(m, ok ? r : Route{});
  return ok;
}

// Shows a decoded catalogue: search index, featured destinations, and the view asked for.
void install(Model& m, CatalogueDecode decoded, std::string etag) {
  auto cat = std::make_shared<const Catalogue>(std::move(decoded.catalogue));
  m.catalogue.index = std::make_shared<const DestinationIndex>(*cat);
  m.local_names.clear();
  m.catalogue.catalogue = std::move(cat);
  m.catalogue.skipped = std::move(decoded.skipped);
  m.catalogue.etag = std::move(etag);
  m.catalogue.state = LoadState::Ready;
  m.catalogue.error = LoadError::None;
  m.catalogue.detail.clear();
  m.catalogue.http_status = 0;
  refresh_featured(m);
  // The view asked for before, or the current one checked against the new catalogue.
  const Route wanted = m.requested ? *m.requested : route_of(m);
  m.requested.reset();
  apply_route(m, wanted);
  if (m.embed.place_waiting && !apply_embed_place(m)) m.embed.notice = EmbedNotice::BadAttribute;
}

void on_response(Model& m, action::CatalogueResponse r, std::vector<Effect>& fx) {
  if (r.status == 0) return fail(m, LoadError::Network, r.network_error, fx);
  if (r.status == 304 && m.catalogue.catalogue) {
    m.catalogue.state = LoadState::Ready;
    m.catalogue.error = LoadError::None;
    m.catalogue.confirmed = true;
    m.catalogue.checked_at_ms = r.received_at_ms;
    fx.push_back(effect::SaveCatalogue{m.catalogue.etag, r.received_at_ms, {}});
    return;
  }
  if (r.status < 200 || r.status >= 300) {
    m.catalogue.http_status = r.status;
    return fail(m, LoadError::Http, "HTTP " + std::to_string(r.status), fx);
  }
  std::string body = std::move(r.body);
  CatalogueDecode decoded = decode_catalogue(body);
  if (!decoded.ok) {
    const bool not_json = decoded.error.rfind("not JSON", 0) == 0;
    return fail(m, not_json ? LoadError::NotJson : LoadError::NotCatalogue, decoded.error, fx);
  }
  if (decoded.catalogue.plans.empty()) {
    return fail(m, LoadError::Empty, "no valid plans (" + std::to_string(decoded.skipped.size()) + " skipped)", fx);
  }
  if (!decoded.skipped.empty()) {
    std::string msg = "catalogue: skipped " + std::to_string(decoded.skipped.size()) + " invalid entries";
    const std::size_t shown = std::min<std::size_t>(decoded.skipped.size(), 20);
    for (std::size_t i = 0; i < shown; ++i) msg += "\n  " + decoded.skipped[i].where + ": " + decoded.skipped[i].reason;
    if (shown < decoded.skipped.size()) msg += "\n  ...";
    fx.push_back(effect::Log{LogLevel::Warning, std::move(msg)});
  }
  install(m, std::move(decoded), std::move(r.etag));
  m.catalogue.source = CatalogueSource::Network;
  m.catalogue.confirmed = true;
  m.catalogue.checked_at_ms = r.received_at_ms;
  fx.push_back(effect::SaveCatalogue{m.catalogue.etag, r.received_at_ms, std::move(body)});
}

void start(Model& m, action::Start& s, std::vector<Effect>& fx) {
  if (valid_partner_id(s.partner)) m.partner = s.partner;
  else if (!s.partner.empty()) fx.push_back(effect::Log{LogLevel::Warning, "partner: ?partner= is not a partner id; ignored"});
  if (s.destination && !m.requested) m.requested = Route{s.destination, {}, {}, {}, SortKey::Price};
  if (s.language != Language::Unknown) m.language = s.language;
  if (s.currency != Currency::Unknown) m.currency = s.currency;
  if (s.cached) {
    CatalogueDecode decoded = decode_catalogue(s.cached->body);
    if (decoded.ok && !decoded.catalogue.plans.empty()) {
      install(m, std::move(decoded), s.cached->etag);
      m.catalogue.source = CatalogueSource::Cache;
      m.catalogue.checked_at_ms = s.cached->checked_at_ms;
    } else {  // not ours or damaged: forget it rather than show it
      fx.push_back(effect::Log{LogLevel::Warning, "catalogue cache: unusable (" + decoded.error + "), dropped"});
      fx.push_back(effect::Store{StorageKind::Necessary, kCacheMetaKey, {}});
      fx.push_back(effect::Store{StorageKind::Necessary, kCacheBodyKey, {}});
    }
  }
  start_fetch(m, fx);
  if (m.catalogue.catalogue) m.catalogue.state = LoadState::Ready;  // shown while it revalidates
}

void topup_update(Model& m, topup::Action a, std::vector<Effect>& fx);

// The order page's delivered eSIM (not a top-up order) has a usage and top-up section (core/topup.hpp): shown
// while the page shows that eSIM, hidden (and forgotten) otherwise.
void follow_esim(Model& m, std::vector<Effect>& fx) {
  const checkout::Model& c = m.checkout;
  const bool esim = c.step == checkout::Step::Order && c.order && c.order->state == OrderState::Delivered &&
                    c.order->esim && c.order->topup_of.empty() && c.order->id == c.order_id;
  if (esim) topup_update(m, topup::action::Shown{c.order_id, c.token}, fx);
  else if (!m.topup.order_id.empty()) topup_update(m, topup::action::Hidden{}, fx);
}

void checkout_update(Model& m, checkout::Action a, std::vector<Effect>& fx) {
  m.checkout.embedded = m.embed.on;  // the visit's context, whatever the checkout's own record says
  m.checkout.partner = m.partner;
  checkout::Update u = checkout::update(std::move(m.checkout), std::move(a));
  m.checkout = std::move(u.model);
  for (auto& e : u.effects) fx.push_back(std::move(e));
  follow_esim(m, fx);
}

// The checkout's own update, its effects passed on as the app's. It first learns whether the store is offline:
// buying needs the server, whatever the page still shows from the cache.
void forward(Model& m, checkout::Action a, std::vector<Effect>& fx) {
  if (m.checkout.offline != is_offline(m)) checkout_update(m, checkout::action::Connectivity{!is_offline(m)}, fx);
  checkout_update(m, std::move(a), fx);
}

// The usage and top-up section's own update; a chosen top-up opens the checkout for it (needs the server, as Buy).
void topup_update(Model& m, topup::Action a, std::vector<Effect>& fx) {
  topup::Update u = topup::update(std::move(m.topup), std::move(a));
  m.topup = std::move(u.model);
  for (topup::Effect& e : u.effects) fx.push_back(std::move(e));
  if (!u.purchase || !buying_allowed(m)) return;
  topup::Purchase& p = *u.purchase;
  forward(m, checkout::action::OpenTopUp{std::move(p.order_id), std::move(p.token), std::move(p.plan_id), m.currency,
                                         std::string(language_code(m.language))}, fx);
}

void buy(Model& m, const action::BuyPlan& b, std::vector<Effect>& fx) {
  const Catalogue* cat = m.catalogue.catalogue.get();
  const Plan* plan = cat ? cat->find_plan(b.plan_id) : nullptr;
  if (!buying_allowed(m)) return;  // the plan page says why
  if (!plan || !plan->prices.get(m.currency)) {
    fx.push_back(effect::Log{LogLevel::Warning, "buy: plan " + b.plan_id + " is not sold in this currency"});
    return;
  }
  forward(m, checkout::action::Open{plan->id, m.currency, std::string(language_code(m.language))}, fx);
  if (m.checkout.step == checkout::Step::Review)
    fx.push_back(effect::Announce{kCheckoutStarted, checkout_started_detail(plan->id, *plan->prices.get(m.currency))});
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] embed: partner attributes, attribution and announcements
// ---------------------------------------------------------------------------------------------------------
void change_language(Model& m, Language l) {
  if (l == Language::Unknown || l == m.language) return;
  drop_local_names(m);
  m.language = l;
  refresh_hits(m);
}

void change_currency(Model& m, Currency c) {
  if (c == Currency::Unknown || c == m.currency) return;
  m.currency = c;
  refresh_plans(m);
}

// The partner's language and currency hold for this visit only: nothing is stored. False: a currency the store
// does not sell (the caller shows the notice); an unknown language is only logged (the store keeps its own).
bool apply_embed_words(Model& m, const EmbedSettings& next, bool first, std::vector<Effect>& fx) {
  const EmbedSettings& cur = m.embed.applied;
  if (next.lang && (first || next.lang != cur.lang)) {
    if (const auto l = parse_language(*next.lang)) change_language(m, *l);
    else fx.push_back(effect::Log{LogLevel::Warning, "embed: language \"" + *next.lang + "\" is not offered"});
  }
  if (!next.currency || (!first && next.currency == cur.currency)) return true;
  const auto c = parse_currency(*next.currency);
  if (!c) {
    fx.push_back(effect::Log{LogLevel::Warning, "embed: currency \"" + *next.currency + "\" is not sold"});
    return false;
  }
  change_currency(m, *c);
  return true;
}

// Applies what changed between the attributes last applied and `next` (all of them the first time).
void apply_embed(Model& m, EmbedSettings next, bool first, std::vector<Effect>& fx) {
  bool ok = apply_embed_words(m, next, first, fx);
  m.embed.theme = next.theme.value_or(Theme::Light);
  if (next.accent) m.embed.accent = next.accent;  // from the partner's record: attributes never remove it
  const bool place = first || next.destination != m.embed.applied.destination || next.plan != m.embed.applied.plan;
  next.partner = m.partner;
  m.embed.applied = std::move(next);
  if (!ok) {  // a currency the store does not sell: its home, with the notice
    m.embed.place_waiting = false;
    if (m.catalogue.catalogue) apply_route(m, Route{});
    else m.requested = Route{};
  } else if (place && m.catalogue.catalogue) {
    ok = apply_embed_place(m);
  } else if (place) {
    m.embed.place_waiting = true;  // checked when the catalogue arrives
  }
  m.embed.notice = ok ? EmbedNotice::None : EmbedNotice::BadAttribute;
}

void embedded(Model& m, action::Embedded& e, std::vector<Effect>& fx) {
  if (m.embed.on) return;  // once per page
  m.embed.on = true;
  if (!e.settings.partner.empty()) m.partner = e.settings.partner;  // decode_embed validated it
  apply_embed(m, std::move(e.settings), true, fx);
}

// Error codes for the host: short words, never a message (it could carry something personal or internal).
const char* catalogue_error_code(LoadError e) {
  switch (e) {
    case LoadError::Network: return "catalogue_network";
    case LoadError::Http: return "catalogue_http";
    case LoadError::NotJson:
    case LoadError::NotCatalogue:
    case LoadError::Empty:
    case LoadError::None: break;
  }
  return "catalogue_invalid";
}

const char* checkout_error_code(checkout::Problem p) {
  using checkout::Problem;
  switch (p) {
    case Problem::Offline: return "checkout_offline";
    case Problem::Network: return "checkout_network";
    case Problem::Server: return "checkout_server";
    case Problem::BadResponse: return "checkout_bad_response";
    case Problem::RateLimited: return "checkout_rate_limited";
    case Problem::Rejected: return "checkout_rejected";
    case Problem::UnknownPlan: return "checkout_unknown_plan";
    case Problem::KeyReused: return "checkout_key_reused";
    case Problem::NotFound: return "order_not_found";
    case Problem::IncompleteLink: return "order_link_incomplete";
    case Problem::None: break;
  }
  return "";
}

// What the host may want to know before an update, to tell what changed after it.
struct Watch {
  std::string open_plan;
  LoadState catalogue = LoadState::Idle;
  checkout::Problem problem = checkout::Problem::None;
  std::string order_id;
  PaymentStatus payment = PaymentStatus::None;
};

Watch watch(const Model& m) {
  Watch w{m.open_plan, m.catalogue.state, m.checkout.problem, {}, PaymentStatus::None};
  if (m.checkout.order) w.order_id = m.checkout.order->id, w.payment = m.checkout.order->payment.status;
  return w;
}

bool is_paid(OrderState s) {
  return s == OrderState::Paid || s == OrderState::Provisioning || s == OrderState::Delivered;
}

void announce_order(const Watch& was, Model& m, std::vector<Effect>& fx) {
  const Order& o = *m.checkout.order;
  if (o.state == OrderState::PendingPayment) m.embed.unpaid_order = o.id;
  if (is_paid(o.state) && m.embed.unpaid_order == o.id && m.embed.paid_order != o.id) {  // first time in this page
    m.embed.paid_order = o.id;
    fx.push_back(effect::Announce{kOrderPaid, order_paid_detail(o.id, o.plan.id, o.price)});
  }
  const bool declined_now = o.payment.status == PaymentStatus::Declined;
  if (declined_now && (was.order_id != o.id || was.payment != PaymentStatus::Declined))
    fx.push_back(effect::Announce{kError, error_detail("payment_declined")});
}

void announce_changes(const Watch& was, Model& m, std::vector<Effect>& fx) {
  if (!m.open_plan.empty() && m.open_plan != was.open_plan) {
    const std::string dest = m.destination ? to_string(*m.destination) : std::string();
    fx.push_back(effect::Announce{kPlanSelected, plan_selected_detail(m.open_plan, dest)});
  }
  if (m.catalogue.state == LoadState::Failed && was.catalogue != LoadState::Failed)
    fx.push_back(effect::Announce{kError, error_detail(catalogue_error_code(m.catalogue.error))});
  const checkout::Problem p = m.checkout.problem;
  if (p != checkout::Problem::None && p != was.problem)
    fx.push_back(effect::Announce{kError, error_detail(checkout_error_code(p))});
  if (m.checkout.order) announce_order(was, m, fx);
}

}  // namespace

// ---------------------------------------------------------------------------------------------------------
// [SECTION] update
// ---------------------------------------------------------------------------------------------------------
namespace {
// One step per action: `update` visits the action and calls the step for its type (no catch-all: an action
// without a step does not compile).
void step(Model& m, action::Start& s, std::vector<Effect>& fx) {
  if (m.catalogue.state == LoadState::Idle) start(m, s, fx);
}
void step(Model& m, action::RetryCatalogue, std::vector<Effect>& fx) {
  if (m.catalogue.state != LoadState::Loading) start_fetch(m, fx);
}
void step(Model& m, action::CatalogueResponse& r, std::vector<Effect>& fx) { on_response(m, std::move(r), fx); }
void step(Model& m, action::QueryChanged& q, std::vector<Effect>&) {
  m.query = std::move(q.text);
  refresh_hits(m);
}
void step(Model& m, action::DestinationChosen d, std::vector<Effect>&) {
  if (!m.catalogue.catalogue || !m.catalogue.catalogue->find_destination(d.code)) return;
  m.destination = d.code;
  m.region.clear();
  m.open_plan.clear();
  refresh_plans(m);
}
void step(Model& m, action::DestinationCleared, std::vector<Effect>&) {
  m.destination.reset();
  m.region.clear();
  m.open_plan.clear();
  refresh_plans(m);
}
void step(Model& m, account::Action& a, std::vector<Effect>& fx);
void step(Model& m, privacy_centre::Action& a, std::vector<Effect>& fx);
// Back/Forward: the store's view, and My eSIMs or the privacy centre opened or closed as the entry says.
void step(Model& m, action::RouteChanged& r, std::vector<Effect>& fx) {
  if (r.route.account != (m.account.screen != account::Screen::Closed)) {
    account::Action a = r.route.account ? account::Action{account::action::Opened{}}
                                        : account::Action{account::action::Closed{}};
    step(m, a, fx);
  }
  if (r.route.privacy != (m.privacy_centre.screen != privacy_centre::Screen::Closed)) {
    privacy_centre::Action a = r.route.privacy ? privacy_centre::Action{privacy_centre::action::Opened{}}
                                               : privacy_centre::Action{privacy_centre::action::Closed{}};
    step(m, a, fx);
  }
  apply_route(m, r.route);
}
void step(Model& m, action::PlanOpened& p, std::vector<Effect>&) {
  if (m.catalogue.catalogue && m.catalogue.catalogue->find_plan(p.plan_id)) m.open_plan = p.plan_id;
}
void step(Model& m, action::PlanClosed, std::vector<Effect>&) { m.open_plan.clear(); }
void step(Model&, action::PrivacyOpened, std::vector<Effect>& fx) { fx.push_back(effect::ReadConsent{}); }
void step(Model& m, action::ConsentRead& r, std::vector<Effect>&) { m.privacy = std::move(r.snapshot); }
void step(Model& m, action::PrivacyClosed, std::vector<Effect>&) { m.privacy.reset(); }
void step(Model& m, action::CookieSettingsAsked, std::vector<Effect>& fx) {
  m.privacy.reset();
  fx.push_back(effect::OpenCookieSettings{});
}
void step(Model& m, action::LocalNames& n, std::vector<Effect>&) {
  const Catalogue* cat = m.catalogue.catalogue.get();
  if (!cat || n.language != m.language || n.names.size() != cat->destinations.size()) return;
  m.local_names = std::move(n.names);
  m.catalogue.index = std::make_shared<const DestinationIndex>(*cat, m.local_names);
  refresh_hits(m);
}
void step(Model& m, action::PreferencesLoaded& p, std::vector<Effect>&) {  // already stored: nothing to store again
  const EmbedSettings& partner = m.embed.applied;  // a partner's choice holds for the visit
  if (p.language && !(partner.lang && parse_language(*partner.lang))) change_language(m, *p.language);
  if (p.currency && !(partner.currency && parse_currency(*partner.currency))) change_currency(m, *p.currency);
}
void step(Model& m, action::Embedded& e, std::vector<Effect>& fx) { embedded(m, e, fx); }
void step(Model& m, action::EmbedAttributes& e, std::vector<Effect>& fx) {
  if (m.embed.on) apply_embed(m, std::move(e.settings), false, fx);
}
void step(Model& m, action::CatalogueShown, std::vector<Effect>& fx) {
  if (m.embed.ready_sent) return;
  m.embed.ready_sent = true;
  fx.push_back(effect::Announce{kReady, "{}"});
}
void step(Model& m, action::RegionChosen& r, std::vector<Effect>&) {
  if (!m.catalogue.catalogue || !valid_region(*m.catalogue.catalogue, r.region)) return;
  m.destination.reset();
  m.region = r.region;
  m.open_plan.clear();
  m.query.clear();
  refresh_hits(m);
  refresh_plans(m);
}
void step(Model& m, action::ConnectivityChanged c, std::vector<Effect>& fx) {
  m.online = c.online;
  const bool stale = !m.catalogue.confirmed || m.catalogue.error == LoadError::Network;
  if (c.online && stale && m.catalogue.state != LoadState::Loading) start_fetch(m, fx);
}
void step(Model& m, action::CurrencyChosen c, std::vector<Effect>& fx) {
  if (c.currency == Currency::Unknown) return;
  m.currency = c.currency;
  fx.push_back(effect::Store{StorageKind::Preference, kCurrencyKey, std::string(currency_code(c.currency))});
  refresh_plans(m);
}
void step(Model& m, action::FilterChanged& f, std::vector<Effect>&) {
  m.filter = f.filter;
  refresh_plans(m);
}
void step(Model& m, action::SortChanged s, std::vector<Effect>&) {
  m.sort = s.sort;
  refresh_plans(m);
}
void step(Model& m, action::LanguageChosen l, std::vector<Effect>& fx) {
  if (l.language == Language::Unknown) return;
  if (l.language != m.language) drop_local_names(m);
  m.language = l.language;
  refresh_hits(m);
  fx.push_back(effect::Store{StorageKind::Preference, kLanguageKey, std::string(language_code(l.language))});
}
void step(Model& m, action::BuyPlan& b, std::vector<Effect>& fx) { buy(m, b, fx); }
void step(Model& m, checkout::Action& c, std::vector<Effect>& fx) { forward(m, std::move(c), fx); }
// My eSIMs (core/account.hpp): its own update; its effects join the store's. Opening it closes the privacy centre
// (one screen over the store at a time).
void step(Model& m, account::Action& a, std::vector<Effect>& fx) {
  if (std::holds_alternative<account::action::Opened>(a) && m.privacy_centre.screen != privacy_centre::Screen::Closed)
    m.privacy_centre = privacy_centre::update(std::move(m.privacy_centre), privacy_centre::action::Closed{}).model;
  account::Update u = account::update(std::move(m.account), std::move(a));
  m.account = std::move(u.model);
  for (account::Effect& e : u.effects) fx.push_back(std::move(e));
}
// The privacy centre (core/privacy_centre.hpp), the same way; opening it closes My eSIMs and the Privacy popup.
void step(Model& m, privacy_centre::Action& a, std::vector<Effect>& fx) {
  if (std::holds_alternative<privacy_centre::action::Opened>(a)) {
    m.privacy.reset();
    if (m.account.screen != account::Screen::Closed)
      m.account = account::update(std::move(m.account), account::action::Closed{}).model;
  }
  privacy_centre::Update u = privacy_centre::update(std::move(m.privacy_centre), std::move(a));
  m.privacy_centre = std::move(u.model);
  for (privacy_centre::Effect& e : u.effects) fx.push_back(std::move(e));
}
void step(Model& m, topup::Action& a, std::vector<Effect>& fx) { topup_update(m, std::move(a), fx); }
// The eSIM page's support thread (core/support.hpp): its requests go out as they are.
void step(Model& m, support::Action& a, std::vector<Effect>& fx) {
  support::Update u = support::update(std::move(m.support), std::move(a));
  m.support = std::move(u.model);
  for (support::Effect& e : u.effects) fx.push_back(std::move(e));
}
// The eSIM's refund (core/refund.hpp): its requests go out; a refund made (or found made) reloads the order page.
void step(Model& m, refund::Action& a, std::vector<Effect>& fx) {
  refund::Update u = refund::update(std::move(m.refund), std::move(a));
  m.refund = std::move(u.model);
  for (refund::Effect& e : u.effects) {
    if (auto* http = std::get_if<refund::effect::Http>(&e)) fx.push_back(std::move(*http));
    else forward(m, checkout::action::Reload{}, fx);
  }
}
// The policy-change notice (core/policy_notice.hpp) against the version this build implements.
void step(Model& m, policy_notice::Action& a, std::vector<Effect>& fx) {
  policy_notice::Update u = policy_notice::update(std::move(m.policy_notice), std::move(a), kPolicyVersion);
  m.policy_notice = std::move(u.model);
  for (policy_notice::Effect& e : u.effects) fx.push_back(std::move(e));
}
}  // namespace

Update update(Model m, Action a) {
  std::vector<Effect> fx;
  const Watch was = watch(m);
  std::visit([&](auto& x) { step(m, x, fx); }, a);
  announce_changes(was, m, fx);
  return {std::move(m), std::move(fx)};
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] deep links
// ---------------------------------------------------------------------------------------------------------
Route route_of(const Model& m) {
  Route r = m.requested ? *m.requested
                        : Route{m.destination, m.destination ? std::string() : m.region, m.open_plan, m.filter, m.sort};
  r.account = m.account.screen != account::Screen::Closed;
  r.privacy = m.privacy_centre.screen != privacy_centre::Screen::Closed;
  return r;
}

std::string encode_route(const Route& r) {
  std::string out;
  auto add = [&](const char* key, std::string_view value) {
    if (value.empty()) return;
    if (!out.empty()) out += '&';
    out += key;
    out += '=';
    for (char c : value) {  // ids, codes and names here are [a-z0-9,+-]; anything else is escaped
      const bool plain = std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == ',' || c == '_';
      if (plain) {
        out += c;
      } else {
        const char* hex = "0123456789ABCDEF";
        out += '%';
        out += hex[static_cast<unsigned char>(c) >> 4];
        out += hex[static_cast<unsigned char>(c) & 15];
      }
    }
  };
  add("dest", r.destination ? to_string(*r.destination) : std::string());
  if (!r.destination) add("region", r.region);
  add("plan", r.plan);
  if (r.filter.data != DataBand::Any) add("data", data_band_name(r.filter.data));
  if (r.filter.validity != ValidityBand::Any) add("validity", validity_band_name(r.filter.validity));
  add("features", feature_list_name(r.filter.required_features));
  const PlanFilter& f = r.filter;
  if (!(f.include_local && f.include_regional && f.include_global)) {
    std::string scope;
    for (auto [on, name] : {std::pair{f.include_local, "local"}, std::pair{f.include_regional, "regional"},
                            std::pair{f.include_global, "global"}})
      if (on) scope += std::string(scope.empty() ? "" : ",") + name;
    add("scope", scope.empty() ? "none" : scope);
  }
  if (r.sort != SortKey::Price) add("sort", sort_key_name(r.sort));
  if (r.privacy) add(account::kQueryParam, privacy_centre::kQueryValue);
  else if (r.account) add(account::kQueryParam, "orders");
  return out;
}

namespace {
int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string url_decode(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') out += ' ';
    else if (s[i] == '%' && i + 2 < s.size() && hex_value(s[i + 1]) >= 0 && hex_value(s[i + 2]) >= 0) {
      out += static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}
}  // namespace

Route decode_route(std::string_view query) {
  Route r;
  constexpr std::size_t kMaxValue = 128;  // ids are at most 64 bytes; anything longer is not ours
  while (!query.empty()) {
    const std::size_t amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    const std::size_t eq = pair.find('=');
    if (eq == std::string_view::npos || pair.size() - eq - 1 > kMaxValue * 3) continue;
    const std::string_view key = pair.substr(0, eq);
    const std::string value = url_decode(pair.substr(eq + 1));
    if (value.size() > kMaxValue) continue;
    if (key == "dest") r.destination = parse_country_code(value);
    else if (key == "region") r.region = value;
    else if (key == "plan") r.plan = value;
    else if (key == "data") r.filter.data = parse_data_band(value).value_or(DataBand::Any);
    else if (key == "validity") r.filter.validity = parse_validity_band(value).value_or(ValidityBand::Any);
    else if (key == "features") r.filter.required_features = parse_feature_list(value);
    else if (key == "sort") r.sort = parse_sort_key(value).value_or(SortKey::Price);
    else if (key == account::kQueryParam) {
      r.account = value == "orders" || value == "sign-in";
      r.privacy = value == privacy_centre::kQueryValue;
    }
    else if (key == "scope") {
      const std::string list = "," + value + ",";
      r.filter.include_local = list.find(",local,") != std::string::npos;
      r.filter.include_regional = list.find(",regional,") != std::string::npos;
      r.filter.include_global = list.find(",global,") != std::string::npos;
    }
  }
  if (r.destination) r.region.clear();
  return r;
}

bool is_new_place(const Route& from, const Route& to) {
  return from.destination != to.destination || from.region != to.region || from.plan != to.plan ||
         from.account != to.account || from.privacy != to.privacy;
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] offline
// ---------------------------------------------------------------------------------------------------------
const std::string& destination_name(const Model& m, std::size_t destination) {
  if (destination < m.local_names.size() && !m.local_names[destination].empty()) return m.local_names[destination];
  return m.catalogue.catalogue->destinations[destination].name;
}

bool is_offline(const Model& m) { return !m.online || m.catalogue.error == LoadError::Network; }

bool buying_allowed(const Model& m) { return !is_offline(m) && m.catalogue.confirmed; }

std::string encode_cache_meta(const std::string& etag, double checked_at_ms) {
  JsonWriter w;  // keys in ascending order (json_writer.hpp)
  w.begin_object().field("checked_at", static_cast<std::int64_t>(checked_at_ms)).field("etag", etag).end_object();
  return w.take();
}

std::optional<CatalogueCache> decode_cache_meta(std::string_view text) {
  JsonObjectParse parsed = parse_json_object(text, 4096);
  if (parsed.status != JsonObjectParse::Status::Ok) return std::nullopt;
  JsonReader r(parsed.doc, "catalogue cache");
  CatalogueCache c;
  c.etag = r.string("etag", true, 256);
  c.checked_at_ms = static_cast<double>(r.integer("checked_at", 0, std::int64_t{1} << 52));
  if (!r.ok()) return std::nullopt;
  return c;
}

std::string describe(const CatalogueState& s) {
  switch (s.error) {
    case LoadError::None: return "ok";
    case LoadError::Network: return "the store could not be reached (" + s.detail + ")";
    case LoadError::Http: return "the store answered with an error (" + s.detail + ")";
    case LoadError::NotJson: return "the catalogue is not valid JSON";
    case LoadError::NotCatalogue: return "the response is not a catalogue: " + s.detail;
    case LoadError::Empty: return "the catalogue has no valid plans: " + s.detail;
  }
  return "unknown";
}

}  // namespace jupiter
