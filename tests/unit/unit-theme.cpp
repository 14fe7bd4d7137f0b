// unit-theme.cpp: every text/background pair of both palettes meets WCAG AA, and the theme choice's order.
#include <doctest/doctest.h>

#include "ui/theme.hpp"

using namespace jupiter::ui;
using jupiter::SystemColors;

TEST_CASE("the contrast ratio is WCAG's: black on white is 21, a colour on itself is 1") {
  CHECK(contrast({0, 0, 0}, {1, 1, 1}) == doctest::Approx(21.0));
  CHECK(contrast({0.5f, 0.5f, 0.5f}, {0.5f, 0.5f, 0.5f}) == doctest::Approx(1.0));
  CHECK(contrast({1, 1, 1}, {0.4627f, 0.4627f, 0.4627f}) == doctest::Approx(4.54).epsilon(0.01));  // #767676
}

TEST_CASE("both palettes meet WCAG AA: 4.5:1 for text, 3:1 for UI edges and the accent") {
  for (const Palette* p : {&light_palette(), &dark_palette()}) {
    CAPTURE(p == &light_palette() ? "light" : "dark");
    for (Rgb bg : {p->background, p->surface, p->button}) CHECK(contrast(p->text, bg) >= 4.5);
    for (Rgb bg : {p->background, p->surface}) CHECK(contrast(p->muted, bg) >= 4.5);
    CHECK(contrast(p->accent_ink, p->accent) >= 4.5);
    CHECK(contrast(p->error, p->background) >= 4.5);
    CHECK(contrast(p->error, p->surface) >= 4.5);
    CHECK(contrast(p->border, p->background) >= 3.0);
    CHECK(contrast(p->accent, p->background) >= 3.0);
    CHECK(contrast(p->accent, p->surface) >= 3.0);
    for (Rgb bg : {p->background, p->surface}) CHECK(contrast(p->ok, bg) >= 4.5);
    CHECK(contrast(p->text, p->cta) >= 4.5);
  }
  CHECK(contrast(dark_palette().background, light_palette().background) > 10.0);  // the dark one is dark
}

TEST_CASE("the embed's theme wins, then ?theme=, then prefers-color-scheme") {
  CHECK(choose_dark(true, "light", false));
  CHECK_FALSE(choose_dark(false, "dark", true));
  CHECK(choose_dark(std::nullopt, "dark", false));
  CHECK_FALSE(choose_dark(std::nullopt, "light", true));
  CHECK(choose_dark(std::nullopt, "", true));
  CHECK(choose_dark(std::nullopt, "purple", true));
  CHECK_FALSE(choose_dark(std::nullopt, "", false));
}

TEST_CASE("forced colors: the palette is the system colours and nothing else") {
  // Windows' "High Contrast Black" and "White" themes, as a browser reports them.
  const SystemColors black{0x000000, 0xFFFFFF, 0x000000, 0xFFFFFF, 0xFFFFFF, 0x1AEBFF, 0x000000};
  const SystemColors white{0xFFFFFF, 0x000000, 0xFFFFFF, 0x000000, 0x000000, 0x37006E, 0xFFFFFF};
  for (const SystemColors& s : {black, white}) {
    const Palette p = forced_palette(s);
    const Rgb canvas = rgb_hex(s.canvas), text = rgb_hex(s.canvas_text);
    for (Rgb c : {p.background, p.surface}) CHECK(contrast(c, canvas) == doctest::Approx(1.0));
    // every text in CanvasText: errors and successes are told by their words, not by a colour of ours
    for (Rgb c : {p.text, p.muted, p.error, p.ok}) CHECK(contrast(c, text) == doctest::Approx(1.0));
    CHECK(contrast(p.accent, rgb_hex(s.highlight)) == doctest::Approx(1.0));
    CHECK(contrast(p.accent_ink, rgb_hex(s.highlight_text)) == doctest::Approx(1.0));
    CHECK(contrast(p.button, rgb_hex(s.button_face)) == doctest::Approx(1.0));
    CHECK(contrast(p.border, rgb_hex(s.button_border)) == doctest::Approx(1.0));
    CHECK(contrast(p.text, p.background) == doctest::Approx(21.0));
  }
  CHECK(rgb_hex(0x1AEBFF).r == doctest::Approx(0x1A / 255.0));
  CHECK(rgb_hex(0x1AEBFF).b == doctest::Approx(1.0));
}
