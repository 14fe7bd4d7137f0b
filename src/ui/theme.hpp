// theme.hpp: the store's light and dark palettes and which one a page shows (no ImGui here: the unit tests check
// every text/background pair against WCAG AA without a GPU).
#pragma once
#include <cstdint>
#include <optional>
#include <string_view>

#include "core/system_colors.hpp"

namespace jupiter::ui {

// An sRGB colour, each channel 0..1.
struct Rgb {
  float r = 0, g = 0, b = 0;
};

struct Palette {
  Rgb text;        // body text, on background, surface and button
  Rgb muted;       // secondary text, on background and surface (>= 4.5:1 there)
  Rgb background;  // the page
  Rgb surface;     // cards and fields
  Rgb button;      // buttons and badges
  Rgb border;      // card and field outlines (>= 3:1 on background: a UI component's edge)
  Rgb accent;      // focus ring, best-value outline and badge fill (>= 3:1 on background and surface)
  Rgb accent_ink;  // text on the accent (>= 4.5:1)
  Rgb error;       // error text (and an invalid field's outline) on background and surface (>= 4.5:1)
  Rgb ok;          // success text on background and surface (>= 4.5:1)
  Rgb cta;         // the buy button's fill, text on it (>= 4.5:1)
  Rgb cta_off;     // the buy button's fill while buying is not yet allowed
};

const Palette& light_palette();
const Palette& dark_palette();
// The palette of forced-colors mode: the user's system colours only (text, errors and successes all in CanvasText,
// focus in Highlight), so the canvas reads like the rest of the page in Windows High Contrast and similar modes.
Palette forced_palette(const SystemColors& s);
Rgb rgb_hex(std::uint32_t rrggbb);

// WCAG 2 contrast ratio of two colours, 1..21.
double contrast(Rgb a, Rgb b);

// Dark or light: the embed's `theme` attribute wins, then ?theme= ("dark"/"light", anything else ignored), then the
// browser's prefers-color-scheme.
bool choose_dark(std::optional<bool> embed_dark, std::string_view query_theme, bool prefers_dark);

}  // namespace jupiter::ui
