// locale.cpp: region subtags and the currency they imply (see locale.hpp).
#include "core/locale.hpp"

#include <algorithm>
#include <cctype>

namespace jupiter {
namespace {

// Euro area members (Bulgaria since 2026-01-01) and the states using the euro by agreement or unilaterally.
constexpr std::string_view kEuroRegions[] = {"AD", "AT", "BE", "BG", "CY", "DE", "EE", "ES", "FI", "FR", "GR",
                                             "HR", "IE", "IT", "LT", "LU", "LV", "MC", "ME", "MT", "NL", "PT",
                                             "SI", "SK", "SM", "VA", "XK"};
constexpr std::string_view kPoundRegions[] = {"GB", "GG", "IM", "JE"};

bool alpha(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0; });
}
bool digits(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; });
}

}  // namespace

std::optional<std::string> locale_region(std::string_view tag) {
  std::size_t pos = 0;
  bool first = true;
  while (pos <= tag.size()) {
    std::size_t end = tag.find_first_of("-_", pos);
    if (end == std::string_view::npos) end = tag.size();
    const std::string_view part = tag.substr(pos, end - pos);
    if (first) {
      if (part.size() < 2 || part.size() > 8 || !alpha(part)) return std::nullopt;  // no language
      first = false;
    } else if (part.size() == 1) {
      return std::nullopt;  // an extension or private use ("-u-", "-x-"): no region before it
    } else if ((part.size() == 2 && alpha(part)) || (part.size() == 3 && digits(part))) {
      std::string region(part);
      for (char& c : region) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      return region;
    }
    pos = end + 1;
  }
  return std::nullopt;
}

Currency currency_for_region(std::string_view region) {
  if (std::find(std::begin(kEuroRegions), std::end(kEuroRegions), region) != std::end(kEuroRegions))
    return Currency::EUR;
  if (std::find(std::begin(kPoundRegions), std::end(kPoundRegions), region) != std::end(kPoundRegions))
    return Currency::GBP;
  return Currency::USD;
}

Currency choose_currency(std::optional<Currency> stored, const std::vector<std::string>& browser_languages) {
  if (stored && *stored != Currency::Unknown) return *stored;
  for (const std::string& tag : browser_languages)
    if (auto region = locale_region(tag)) return currency_for_region(*region);
  return Currency::USD;
}

}  // namespace jupiter
