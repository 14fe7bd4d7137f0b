// unit-theme.cpp: every text/background pair of both palettes meets WCAG AA, and the theme choice's order.
#include <doctest/doctest.h>

#include "ui/theme.hpp"

using namespace jupiter::ui;

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
