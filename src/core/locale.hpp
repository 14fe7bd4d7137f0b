// locale.hpp: what the browser's locale list (navigator.languages) says about the traveller: region and currency.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/money.hpp"

namespace jupiter {

// The region subtag of a BCP 47 tag, upper-cased: "fr-FR" -> "FR", "de_at" -> "AT", "zh-Hant-TW" -> "TW",
// "es-419" -> "419"; nullopt when the tag has none ("fr", "", "x-private").
std::optional<std::string> locale_region(std::string_view tag);

// The currency a region pays in, among the store's: the euro area (and the states that use the euro by
// agreement) -> EUR, GB and the Crown dependencies -> GBP, every other region -> USD.
Currency currency_for_region(std::string_view region);

// The currency to show: a stored choice wins; else the region of the first browser locale that names one
// (most preferred first); else USD.
Currency choose_currency(std::optional<Currency> stored, const std::vector<std::string>& browser_languages);

}  // namespace jupiter
