// system_colors.hpp: the colours a browser in forced-colors mode (Windows High Contrast, a user's own palette)
// asks every page to use, as CSS system colours; the platform reads them, the UI's theme draws with them.
#pragma once
#include <cstdint>

namespace jupiter {

// Each colour is 0xRRGGBB (opaque; a translucent system colour is composited over `canvas` when read).
struct SystemColors {
  std::uint32_t canvas = 0xFFFFFF;          // page background
  std::uint32_t canvas_text = 0x000000;     // all text on it
  std::uint32_t button_face = 0xFFFFFF;     // button fill
  std::uint32_t button_text = 0x000000;     // button label
  std::uint32_t button_border = 0x000000;   // control outlines
  std::uint32_t highlight = 0x0000FF;       // focus and selection
  std::uint32_t highlight_text = 0xFFFFFF;  // text on highlight
};

}  // namespace jupiter
