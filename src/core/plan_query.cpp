#include "core/plan_query.hpp"

#include <algorithm>
#include <limits>

namespace jupiter {
namespace {
constexpr std::int64_t kMBPerGB = 1024;

bool in_data_band(const Plan& p, DataBand b) {
  if (b == DataBand::Any) return true;
  if (b == DataBand::Unlimited) return p.unlimited;
  if (p.unlimited) return false;
  const std::int64_t mb = p.data_mb;
  switch (b) {
    case DataBand::UpTo3GB: return mb <= 3 * kMBPerGB;
    case DataBand::From3To10GB: return mb > 3 * kMBPerGB && mb <= 10 * kMBPerGB;
    case DataBand::From10To20GB: return mb > 10 * kMBPerGB && mb <= 20 * kMBPerGB;
    case DataBand::Over20GB: return mb > 20 * kMBPerGB;
    default: return true;
  }
}

bool in_validity_band(const Plan& p, ValidityBand b) {
  const int d = p.validity_days;
  switch (b) {
    case ValidityBand::Any: return true;
    case ValidityBand::UpTo7Days: return d <= 7;
    case ValidityBand::From8To15Days: return d >= 8 && d <= 15;
    case ValidityBand::From16To30Days: return d >= 16 && d <= 30;
    case ValidityBand::Over30Days: return d > 30;
  }
  return true;
}

template <typename E, std::size_t N>
std::optional<E> lookup(const std::string_view (&names)[N], std::string_view s) {
  for (std::size_t i = 0; i < N; ++i)
    if (names[i] == s) return static_cast<E>(i);
  return std::nullopt;
}

constexpr std::string_view kDataBandNames[] = {"any", "0-3gb", "3-10gb", "10-20gb", "20gb+", "unlimited"};
constexpr std::string_view kValidityBandNames[] = {"any", "0-7d", "8-15d", "16-30d", "30d+"};
constexpr std::string_view kSortKeyNames[] = {"price", "price-per-gb", "data", "validity"};
}  // namespace

bool matches(const Plan& p, const PlanFilter& f) {
  if (p.scope == Scope::Local && !f.include_local) return false;
  if (p.scope == Scope::Regional && !f.include_regional) return false;
  if (p.scope == Scope::Global && !f.include_global) return false;
  if ((p.features & f.required_features) != f.required_features) return false;
  return in_data_band(p, f.data) && in_validity_band(p, f.validity);
}

std::optional<std::int64_t> price_per_gb(const Plan& p, Currency c) {
  auto price = p.prices.get(c);
  if (!price || p.unlimited || p.data_mb <= 0) return std::nullopt;
  return (price->minor * kMBPerGB + p.data_mb / 2) / p.data_mb;
}

std::size_t count_plans(const Catalogue& cat, CountryCode country, const PlanFilter& filter, Currency currency) {
  std::size_t n = 0;
  for (const Plan& p : cat.plans)
    if (p.prices.get(currency) && p.covers(country) && matches(p, filter)) ++n;
  return n;
}

bool Selection::selects(const Plan& p) const {
  if (country) return p.covers(*country);
  if (region == kGlobalSelection) return p.scope == Scope::Global;
  return p.scope == Scope::Regional && !region.empty() && p.region == region;
}

std::vector<std::size_t> select_plans(const Catalogue& cat, const Selection& sel, Currency currency) {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < cat.plans.size(); ++i)
    if (cat.plans[i].prices.get(currency) && sel.selects(cat.plans[i])) out.push_back(i);
  return out;
}

FilterCounts count_filters(const Catalogue& cat, const std::vector<std::size_t>& base, const PlanFilter& filter) {
  FilterCounts c;
  const Feature bits[] = {kFeature5G, kFeatureHotspot, kFeatureTopUp, kFeatureVoice, kFeatureSms};
  for (std::size_t i : base) {
    const Plan& p = cat.plans[i];
    PlanFilter g = filter;
    for (std::size_t b = 0; b < c.data.size(); ++b) {
      g.data = static_cast<DataBand>(b);
      c.data[b] += matches(p, g);
    }
    g = filter;
    for (std::size_t v = 0; v < c.validity.size(); ++v) {
      g.validity = static_cast<ValidityBand>(v);
      c.validity[v] += matches(p, g);
    }
    for (std::size_t f = 0; f < c.features.size(); ++f) {
      g = filter;
      g.required_features = static_cast<std::uint8_t>(g.required_features | bits[f]);
      c.features[f] += matches(p, g);
    }
    bool PlanFilter::*scopes[] = {&PlanFilter::include_local, &PlanFilter::include_regional,
                                  &PlanFilter::include_global};
    for (std::size_t s = 0; s < c.scope.size(); ++s) {
      g = filter;
      g.include_local = g.include_regional = g.include_global = false;
      g.*scopes[s] = true;
      c.scope[s] += matches(p, g);
    }
  }
  return c;
}

std::vector<std::size_t> query_plans(const Catalogue& cat, CountryCode country, const PlanFilter& filter,
                                     SortKey sort, Currency currency) {
  return query_plans(cat, select_plans(cat, Selection{country, {}}, currency), filter, sort, currency);
}

std::vector<std::size_t> query_plans(const Catalogue& cat, const std::vector<std::size_t>& base,
                                     const PlanFilter& filter, SortKey sort, Currency currency) {
  std::vector<std::size_t> out;
  for (std::size_t i : base)
    if (matches(cat.plans[i], filter)) out.push_back(i);
  auto price = [&](std::size_t i) { return cat.plans[i].prices.get(currency)->minor; };
  auto data = [&](std::size_t i) {
    const Plan& p = cat.plans[i];
    return p.unlimited ? std::numeric_limits<std::int64_t>::max() : p.data_mb;
  };
  auto tie = [&](std::size_t a, std::size_t b) {
    if (price(a) != price(b)) return price(a) < price(b);
    return cat.plans[a].id < cat.plans[b].id;
  };
  std::sort(out.begin(), out.end(), [&](std::size_t a, std::size_t b) {
    switch (sort) {
      case SortKey::Price: break;
      case SortKey::PricePerGB: {
        const auto pa = price_per_gb(cat.plans[a], currency), pb = price_per_gb(cat.plans[b], currency);
        if (pa.has_value() != pb.has_value()) return pa.has_value();
        if (pa && *pa != *pb) return *pa < *pb;
        break;
      }
      case SortKey::Data:
        if (data(a) != data(b)) return data(a) > data(b);
        break;
      case SortKey::Validity:
        if (cat.plans[a].validity_days != cat.plans[b].validity_days)
          return cat.plans[a].validity_days > cat.plans[b].validity_days;
        break;
    }
    return tie(a, b);
  });
  return out;
}

std::optional<DataBand> parse_data_band(std::string_view s) { return lookup<DataBand>(kDataBandNames, s); }
std::string_view data_band_name(DataBand b) { return kDataBandNames[static_cast<std::size_t>(b)]; }
std::optional<ValidityBand> parse_validity_band(std::string_view s) {
  return lookup<ValidityBand>(kValidityBandNames, s);
}
std::string_view validity_band_name(ValidityBand b) { return kValidityBandNames[static_cast<std::size_t>(b)]; }
std::optional<SortKey> parse_sort_key(std::string_view s) { return lookup<SortKey>(kSortKeyNames, s); }
std::string_view sort_key_name(SortKey k) { return kSortKeyNames[static_cast<std::size_t>(k)]; }

std::string feature_list_name(std::uint8_t features) {
  std::string out;
  for (const char* name : {"5g", "hotspot", "topup", "voice", "sms"}) {
    if (!(features & *parse_feature(name))) continue;
    if (!out.empty()) out += ',';
    out += name;
  }
  return out;
}

std::uint8_t parse_feature_list(std::string_view s) {
  std::uint8_t out = 0;
  while (!s.empty()) {
    const std::size_t comma = s.find(',');
    if (auto f = parse_feature(s.substr(0, comma))) out = static_cast<std::uint8_t>(out | *f);
    s = comma == std::string_view::npos ? std::string_view{} : s.substr(comma + 1);
  }
  return out;
}

}  // namespace jupiter
