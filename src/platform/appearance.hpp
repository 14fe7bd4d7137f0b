// appearance.hpp: what the browser asks of the page's look: dark or light, and forced colors.
//
// Implemented features (appearance_web.cpp, Emscripten):
//  [X] prefers-color-scheme: dark, read at any time
//  [X] forced-colors: active, with the system colours read from the page (getComputedStyle of a probe element)
//  [X] a change of either while the page is open: changed() turns true once and the redraw hook runs
#pragma once
#include <optional>

#include "core/system_colors.hpp"

namespace jupiter::platform {

bool prefers_dark();

// The system colours when forced-colors mode is active; nullopt otherwise.
std::optional<SystemColors> forced_colors();

// True once after the colour scheme or forced-colors mode changed (starts listening on the first call).
bool appearance_changed();

}  // namespace jupiter::platform
