// plan_name.cpp: plan names per language and the best-value pick (see plan_name.hpp).
#include "core/plan_name.hpp"

#include <cstdint>

namespace jupiter {
namespace {

// One word in the store's four languages; Unknown reads as English.
struct Words {
  const char* en;
  const char* es;
  const char* fr;
  const char* de;
  const char* in(Language l) const {
    switch (l) {
      case Language::Es: return es;
      case Language::Fr: return fr;
      case Language::De: return de;
      case Language::En:
      case Language::Unknown: break;
    }
    return en;
  }
};

struct RegionWords {
  const char* id;
  Words name;
};
constexpr RegionWords kRegions[] = {
    {"europe", {"Europe", "Europa", "Europe", "Europa"}},
    {"asia", {"Asia", "Asia", "Asie", "Asien"}},
    {"middle-east", {"Middle East", "Oriente Medio", "Moyen-Orient", "Naher Osten"}},
    {"africa", {"Africa", "África", "Afrique", "Afrika"}},
    {"americas", {"Americas", "Américas", "Amériques", "Amerika"}},
    {"caribbean", {"Caribbean", "Caribe", "Caraïbes", "Karibik"}},
    {"oceania", {"Oceania", "Oceanía", "Océanie", "Ozeanien"}},
};
constexpr Words kGlobal{"Global", "Global", "Monde", "Weltweit"};
constexpr Words kUnlimited{"Unlimited", "Ilimitado", "Illimité", "Unbegrenzt"};
constexpr Words kUnlimitedInName{"Unlimited", "ilimitado", "illimité", "unbegrenzt"};
constexpr Words kGB{"GB", "GB", "Go", "GB"};
constexpr Words kMB{"MB", "MB", "Mo", "MB"};
constexpr Words kDay{"day", "día", "jour", "Tag"};
constexpr Words kDays{"days", "días", "jours", "Tage"};

// mb / 1024 with at most one decimal, "," as the decimal mark outside English: 1536 -> "1.5" / "1,5".
std::string gigabytes(std::int64_t mb, Language l) {
  const std::int64_t tenths = (mb * 10 + 512) / 1024;  // rounded to the nearest tenth
  std::string out = std::to_string(tenths / 10);
  if (tenths % 10 != 0) out += (l == Language::En || l == Language::Unknown ? "." : ",") + std::to_string(tenths % 10);
  return out;
}

std::string data_words(const Plan& p, Language l, const Words& unlimited) {
  if (p.unlimited) return unlimited.in(l);
  if (p.data_mb < 1024) return std::to_string(p.data_mb) + " " + kMB.in(l);
  return gigabytes(p.data_mb, l) + " " + kGB.in(l);
}

}  // namespace

std::string data_amount(const Plan& p, Language l) { return data_words(p, l, kUnlimited); }

std::string validity_days_text(int days, Language l) {
  return std::to_string(days) + " " + (days == 1 ? kDay : kDays).in(l);
}

std::string region_display_name(std::string_view region_id, std::string_view fallback, Language l) {
  for (const RegionWords& r : kRegions)
    if (region_id == r.id) return r.name.in(l);
  return std::string(fallback);
}

std::string global_place(Language l) { return kGlobal.in(l); }

std::string plan_place(const Plan& p, Language l, std::string_view country, std::string_view region_fallback) {
  switch (p.scope) {
    case Scope::Regional: return region_display_name(p.region, region_fallback, l);
    case Scope::Global: return global_place(l);
    case Scope::Local:
    case Scope::Unknown: break;
  }
  return std::string(country);
}

std::string plan_name(const Plan& p, Language l, std::string_view place) {
  return std::string(place) + " " + data_words(p, l, kUnlimitedInName) + ", " + validity_days_text(p.validity_days, l);
}

std::optional<std::size_t> best_value(const std::vector<Plan>& plans, const std::vector<std::size_t>& shown,
                                      Currency currency) {
  std::optional<std::size_t> best;
  std::int64_t best_price = 0, best_mb = 1;
  int compared = 0;
  for (std::size_t i = 0; i < shown.size(); ++i) {
    if (shown[i] >= plans.size()) continue;
    const Plan& p = plans[shown[i]];
    const auto price = p.prices.get(currency);
    if (p.unlimited || p.data_mb <= 0 || !price) continue;
    ++compared;
    // price / mb < best_price / best_mb without division: the catalogue bounds prices (1e8) and sizes (1e7 MB).
    if (!best || price->minor * best_mb < best_price * p.data_mb) {
      best = i;
      best_price = price->minor;
      best_mb = p.data_mb;
    }
  }
  return compared >= 2 ? best : std::nullopt;
}

}  // namespace jupiter
