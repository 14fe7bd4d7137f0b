// plan_name.hpp: what the store calls a plan in each language ("Japon 1 Go, 7 jours"), built from the plan's
// parts (place, data, validity), never from the catalogue's English name; and which shown plan is the best value.
//
// Pure: no I/O, no globals. Country names come from the caller (the browser knows them in every language); region
// names and the words for data and days are tables here, in the store's four languages.
#pragma once
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/catalogue.hpp"
#include "core/i18n.hpp"

namespace jupiter {

// The data amount as written in `l`: "1 GB", "500 MB", "1.5 GB" (en), "1 Go", "1,5 Go" (fr), "1,5 GB" (es, de);
// at most one decimal. An unlimited plan: "Unlimited", "Ilimitado", "Illimité", "Unbegrenzt".
std::string data_amount(const Plan& p, Language l);
// "1 day", "7 days", "7 días", "7 jours", "7 Tage" (days: 1..365, as the catalogue guarantees).
std::string validity_days_text(int days, Language l);
// A region's name in `l` for the catalogue's region ids (europe, asia, middle-east, africa, americas, caribbean,
// oceania); `fallback` (the catalogue's name) for any other id.
std::string region_display_name(std::string_view region_id, std::string_view fallback, Language l);
// The word for worldwide plans: "Global", "Global", "Monde", "Weltweit".
std::string global_place(Language l);
// The place a plan is named after: `country` (already in `l`) for a local plan, the region's name for a regional
// one (`region_fallback` when the id is unknown), global_place() for a global one.
std::string plan_place(const Plan& p, Language l, std::string_view country, std::string_view region_fallback);
// "{place} {data}, {validity}": "Japan 1 GB, 7 days", "Japon 1 Go, 7 jours", "Japón ilimitado, 30 días".
std::string plan_name(const Plan& p, Language l, std::string_view place);

// The best value among `shown` (indexes into `plans`): the lowest price per GB in `currency`, unlimited plans and
// plans without a price in it left out; on a tie the first shown wins. nullopt when fewer than two plans compare
// (a single plan is not "best" of anything). The result is a position in `shown`.
std::optional<std::size_t> best_value(const std::vector<Plan>& plans, const std::vector<std::size_t>& shown,
                                      Currency currency);

}  // namespace jupiter
