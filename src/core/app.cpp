#include "core/app.hpp"

#include <type_traits>

namespace jupiter {
namespace {

template <class... Ts>
struct overloaded : Ts... {
  using Ts::operator()...;
};
template <class... Ts>
overloaded(Ts...) -> overloaded<Ts...>;

void refresh_plans(Model& m) {
  m.plans.clear();
  if (!m.catalogue.catalogue || !m.destination) return;
  m.plans = query_plans(*m.catalogue.catalogue, *m.destination, m.filter, m.sort, m.currency);
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

void on_response(Model& m, action::CatalogueResponse r, std::vector<Effect>& fx) {
  if (r.status == 0) return fail(m, LoadError::Network, r.network_error, fx);
  if (r.status == 304 && m.catalogue.catalogue) {
    m.catalogue.state = LoadState::Ready;
    m.catalogue.error = LoadError::None;
    return;
  }
  if (r.status < 200 || r.status >= 300) {
    m.catalogue.http_status = r.status;
    return fail(m, LoadError::Http, "HTTP " + std::to_string(r.status), fx);
  }
  CatalogueDecode decoded = decode_catalogue(r.body);
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
  auto cat = std::make_shared<const Catalogue>(std::move(decoded.catalogue));
  m.catalogue.index = std::make_shared<const DestinationIndex>(*cat);
  m.catalogue.catalogue = std::move(cat);
  m.catalogue.skipped = std::move(decoded.skipped);
  m.catalogue.etag = std::move(r.etag);
  m.catalogue.state = LoadState::Ready;
  m.catalogue.error = LoadError::None;
  m.catalogue.detail.clear();
  m.catalogue.http_status = 0;
  // A destination chosen before the catalogue changed may no longer exist.
  if (m.destination && !m.catalogue.catalogue->find_destination(*m.destination)) m.destination.reset();
  if (m.requested) {
    if (m.catalogue.catalogue->find_destination(*m.requested)) m.destination = m.requested;
    m.requested.reset();
  }
  refresh_featured(m);
  refresh_hits(m);
  refresh_plans(m);
}

// The checkout's own update, its effects passed on as the app's.
void forward(Model& m, checkout::Action a, std::vector<Effect>& fx) {
  checkout::Update u = checkout::update(std::move(m.checkout), std::move(a));
  m.checkout = std::move(u.model);
  for (auto& e : u.effects) fx.push_back(std::move(e));
}

void buy(Model& m, const action::BuyPlan& b, std::vector<Effect>& fx) {
  const Catalogue* cat = m.catalogue.catalogue.get();
  const Plan* plan = cat ? cat->find_plan(b.plan_id) : nullptr;
  if (!plan || !plan->prices.get(m.currency)) {
    fx.push_back(effect::Log{LogLevel::Warning, "buy: plan " + b.plan_id + " is not sold in this currency"});
    return;
  }
  forward(m, checkout::action::Open{plan->id, m.currency, std::string(language_code(m.language))}, fx);
}

}  // namespace

Update update(Model m, Action a) {
  std::vector<Effect> fx;
  std::visit(overloaded{
                 [&](action::Start& s) {
                   if (m.catalogue.state != LoadState::Idle) return;
                   m.requested = s.destination;
                   if (s.language != Language::Unknown) m.language = s.language;
                   if (s.currency != Currency::Unknown) m.currency = s.currency;
                   start_fetch(m, fx);
                 },
                 [&](action::RetryCatalogue) {
                   if (m.catalogue.state != LoadState::Loading) start_fetch(m, fx);
                 },
                 [&](action::CatalogueResponse& r) { on_response(m, std::move(r), fx); },
                 [&](action::QueryChanged& q) {
                   m.query = std::move(q.text);
                   refresh_hits(m);
                 },
                 [&](action::DestinationChosen d) {
                   if (!m.catalogue.catalogue || !m.catalogue.catalogue->find_destination(d.code)) return;
                   m.destination = d.code;
                   refresh_plans(m);
                 },
                 [&](action::DestinationCleared) {
                   m.destination.reset();
                   refresh_plans(m);
                 },
                 [&](action::CurrencyChosen c) {
                   if (c.currency == Currency::Unknown) return;
                   m.currency = c.currency;
                   fx.push_back(effect::Store{StorageKind::Preference, kCurrencyKey, std::string(currency_code(c.currency))});
                   refresh_plans(m);
                 },
                 [&](action::FilterChanged& f) {
                   m.filter = f.filter;
                   refresh_plans(m);
                 },
                 [&](action::SortChanged s) {
                   m.sort = s.sort;
                   refresh_plans(m);
                 },
                 [&](action::LanguageChosen l) {
                   if (l.language == Language::Unknown) return;
                   m.language = l.language;
                   fx.push_back(effect::Store{StorageKind::Preference, kLanguageKey, std::string(language_code(l.language))});
                 },
                 [&](action::BuyPlan& b) { buy(m, b, fx); },
                 [&](checkout::Action& c) { forward(m, std::move(c), fx); },
             },
             a);
  return {std::move(m), std::move(fx)};
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
