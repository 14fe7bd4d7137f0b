// plan_query.hpp: which plans a traveller sees for a destination, filtered and sorted.
#pragma once
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/catalogue.hpp"

namespace jupiter {

// Data bands; Any means no filter.
enum class DataBand : std::uint8_t { Any = 0, UpTo3GB, From3To10GB, From10To20GB, Over20GB, Unlimited };
// Validity bands; Any means no filter.
enum class ValidityBand : std::uint8_t { Any = 0, UpTo7Days, From8To15Days, From16To30Days, Over30Days };
enum class SortKey : std::uint8_t { Price = 0, PricePerGB, Data, Validity };

struct PlanFilter {
  DataBand data = DataBand::Any;
  ValidityBand validity = ValidityBand::Any;
  std::uint8_t required_features = 0;  // Feature bits that must all be present
  bool include_local = true;
  bool include_regional = true;
  bool include_global = true;

  friend bool operator==(const PlanFilter& a, const PlanFilter& b) {
    return a.data == b.data && a.validity == b.validity && a.required_features == b.required_features &&
           a.include_local == b.include_local && a.include_regional == b.include_regional &&
           a.include_global == b.include_global;
  }
};

bool matches(const Plan& p, const PlanFilter& f);

// Which plans a list starts from, before filters: those that cover a country (local, regional and global ones),
// or those of one region ("europe"), or every global plan (kGlobalSelection).
inline constexpr const char* kGlobalSelection = "global";
struct Selection {
  std::optional<CountryCode> country;
  std::string region;  // used when there is no country
  bool selects(const Plan& p) const;
  friend bool operator==(const Selection& a, const Selection& b) { return a.country == b.country && a.region == b.region; }
};

// Indexes of the plans `sel` selects that are sold in `currency`; the base for queries and counts.
std::vector<std::size_t> select_plans(const Catalogue& cat, const Selection& sel, Currency currency);
// query_plans over such a base: filtered and sorted.
std::vector<std::size_t> query_plans(const Catalogue& cat, const std::vector<std::size_t>& base,
                                     const PlanFilter& filter, SortKey sort, Currency currency);

// How many plans each filter choice would leave, given the other choices as they are: data[b] with data = b,
// validity[v] with validity = v, features[i] with feature bit i required too, scope[s] with scope s
// (0 local, 1 regional, 2 global) alone. Computed once per change, so the UI shows counts for free.
struct FilterCounts {
  std::array<std::size_t, 6> data{};
  std::array<std::size_t, 5> validity{};
  std::array<std::size_t, 5> features{};
  std::array<std::size_t, 3> scope{};
};
FilterCounts count_filters(const Catalogue& cat, const std::vector<std::size_t>& base, const PlanFilter& filter);

// Plans that cover `country`, are sold in `currency` and pass the filter, as indexes into cat.plans, sorted by
// `sort` (ascending price / price per GB; descending data / validity), ties broken by price then id.
// Price per GB puts unlimited plans last.
std::vector<std::size_t> query_plans(const Catalogue& cat, CountryCode country, const PlanFilter& filter,
                                     SortKey sort, Currency currency);

// How many plans query_plans would return (same filter, same currency); cheaper than a query (no sort).
std::size_t count_plans(const Catalogue& cat, CountryCode country, const PlanFilter& filter, Currency currency);

// Price per GB in minor units (rounded), or nullopt for unlimited plans or a missing price.
std::optional<std::int64_t> price_per_gb(const Plan& p, Currency c);

std::optional<DataBand> parse_data_band(std::string_view s);
std::string_view data_band_name(DataBand b);
std::optional<ValidityBand> parse_validity_band(std::string_view s);
std::string_view validity_band_name(ValidityBand b);
std::optional<SortKey> parse_sort_key(std::string_view s);
std::string_view sort_key_name(SortKey k);
// Feature bits as "5g,hotspot" and back (unknown names are skipped).
std::string feature_list_name(std::uint8_t features);
std::uint8_t parse_feature_list(std::string_view s);

}  // namespace jupiter
