// plan_query.hpp: which plans a traveller sees for a destination, filtered and sorted.
#pragma once
#include <cstdint>
#include <optional>
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

}  // namespace jupiter
