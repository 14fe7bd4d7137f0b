// theme.cpp: the palettes (see theme.hpp); tests/unit/unit-theme.cpp holds them to WCAG AA.
#include "ui/theme.hpp"

#include <algorithm>
#include <cmath>

namespace jupiter::ui {
namespace {
constexpr Rgb hex(unsigned v) {
  return {static_cast<float>((v >> 16) & 0xffu) / 255.0f, static_cast<float>((v >> 8) & 0xffu) / 255.0f,
          static_cast<float>(v & 0xffu) / 255.0f};
}

double channel(float c) { return c <= 0.04045f ? c / 12.92 : std::pow((c + 0.055) / 1.055, 2.4); }
double luminance(Rgb c) { return 0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b); }
}  // namespace

const Palette& light_palette() {
  static const Palette p{hex(0x171C2B), hex(0x545C6E), hex(0xFAFAFC), hex(0xFFFFFF), hex(0xEDF0F7),
                         hex(0x8A90A0), hex(0xB04A0C), hex(0xFFFFFF), hex(0xB31A1A), hex(0x0D7333),
                         hex(0xFCDBBD), hex(0xE6E6EB)};
  return p;
}

const Palette& dark_palette() {
  static const Palette p{hex(0xEDEFF4), hex(0xAEB5C4), hex(0x17191F), hex(0x23262E), hex(0x2E333F),
                         hex(0x6B7285), hex(0xF29A5C), hex(0x17191F), hex(0xFF8A80), hex(0x7BD88F),
                         hex(0x8C5224), hex(0x2E333F)};
  return p;
}

Rgb rgb_hex(std::uint32_t rrggbb) { return hex(rrggbb); }

Palette forced_palette(const SystemColors& s) {
  const Rgb text = hex(s.canvas_text), canvas = hex(s.canvas);
  return Palette{text, text, canvas, canvas, hex(s.button_face), hex(s.button_border), hex(s.highlight),
                 hex(s.highlight_text), text, text, hex(s.button_face), hex(s.button_face)};
}

double contrast(Rgb a, Rgb b) {
  const double la = luminance(a), lb = luminance(b);
  return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
}

bool choose_dark(std::optional<bool> embed_dark, std::string_view query_theme, bool prefers_dark) {
  if (embed_dark) return *embed_dark;
  if (query_theme == "dark") return true;
  if (query_theme == "light") return false;
  return prefers_dark;
}

}  // namespace jupiter::ui
