// embed.hpp: the store inside a partner's page (issue 12): the embed config and attribute changes as values,
// partner ids, and the announcements (events) the store sends to the host page. Pure: no I/O.
//
// The bridge (web/embed-bridge.js) hands the module `window.jupiterEmbed.config` and, later, attribute changes
// as JSON. decode_embed() never fails on a field: a value of the wrong type, too long or with control characters
// becomes kUnusable, which no lookup accepts, so the store shows its home with a notice (app.cpp) instead of
// guessing. Only a document that is not a JSON object is refused as a whole.
//
// Announcements carry ids, codes and integer amounts only: never an e-mail, a name or a phone number (they go to
// another origin). tests/unit/unit-embed.cpp checks that.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/money.hpp"

namespace jupiter {

enum class Theme : std::uint8_t { Light = 0, Dark };

inline constexpr const char* kUnusable = "?";        // stands for a value that was not a usable string
inline constexpr std::size_t kMaxEmbedBytes = 8192;   // a config or attribute message longer than this is refused

// The partner's settings for the store. Absent (or null) attributes are nullopt: they change nothing.
struct EmbedSettings {
  std::string partner;                     // a valid partner id, or "" (config only; attributes never change it)
  std::optional<std::string> destination;  // ISO code as given, upper-cased ("JP")
  std::optional<std::string> plan;         // plan id as given
  std::optional<std::string> lang;         // "fr"
  std::optional<std::string> currency;     // "EUR", upper-cased
  std::optional<Theme> theme;              // "dark" / "light"
  std::optional<std::uint32_t> accent;     // 0xRRGGBB, from a theme object's "accent": "#rrggbb"
  friend bool operator==(const EmbedSettings& a, const EmbedSettings& b) {
    return a.partner == b.partner && a.destination == b.destination && a.plan == b.plan && a.lang == b.lang &&
           a.currency == b.currency && a.theme == b.theme && a.accent == b.accent;
  }
};

struct EmbedDecode {
  bool ok = false;            // false: not a JSON object of at most kMaxEmbedBytes (error says why)
  std::string error;
  EmbedSettings settings;
  std::vector<std::string> problems;  // fields that were present but unusable ("currency is not a string")
};
EmbedDecode decode_embed(std::string_view json);

// [a-z0-9][a-z0-9-]{0,31}
bool valid_partner_id(std::string_view id);
// "#0a7cff" -> 0x0a7cff; anything else (no '#', 3 digits, names, rgb()) -> nullopt.
std::optional<std::uint32_t> parse_hex_colour(std::string_view text);

// ---- announcements: the details of the events the host receives (JSON objects) ----------------------------
inline constexpr const char* kReady = "ready";
inline constexpr const char* kPlanSelected = "plan-selected";
inline constexpr const char* kCheckoutStarted = "checkout-started";
inline constexpr const char* kOrderPaid = "order-paid";
inline constexpr const char* kError = "error";

std::string plan_selected_detail(std::string_view plan, std::string_view destination);
std::string checkout_started_detail(std::string_view plan, Money amount);
std::string order_paid_detail(std::string_view order, std::string_view plan, Money amount);
std::string error_detail(std::string_view code);

}  // namespace jupiter
