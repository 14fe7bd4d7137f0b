// flags.hpp: destinations' flags, drawn from one atlas image (flag-icons' 4:3 flags, rasterized at build time by
// flags.py, loaded by the app after the first screen). Flags are decorative: the country's name is always beside
// one, so a flag adds no test item and nothing to the accessible mirror.
#pragma once
#include <imgui.h>

#include <optional>
#include <string_view>

namespace jupiter::ui {

// The atlas's layout, generated with the image (flag_atlas.cpp).
struct FlagAtlasLayout {
  const char* codes;  // count upper-case two-letter codes back to back, sorted: the cells' order
  int count;          // >= 1
  int columns;        // cells per row
  int cell_w, cell_h;  // pixels (4:3)
  int width, height;   // of the whole image, pixels
};
extern const FlagAtlasLayout kFlagAtlas;

// Texture coordinates of one flag in the atlas: (u0, v0) top left, (u1, v1) bottom right, all in 0..1.
struct FlagCell {
  ImVec2 uv0, uv1;
};
// The cell of `code` (two letters, either case), or nullopt when the atlas has no flag for it.
std::optional<FlagCell> flag_cell(std::string_view code);

// The atlas texture once the app has loaded it (nullptr until then, or when loading failed: flags then draw
// nothing and the layout stays the same).
void set_flag_texture(ImTextureID texture);

// Draws the flag of `code` with its top left at `pos` (screen coordinates), `height` tall and 4:3, with a hairline
// border so that white flags show on a white card. Nothing when there is no atlas or no flag for it.
void draw_flag(ImDrawList* dl, ImVec2 pos, float height, std::string_view code);
// The width of a flag `height` tall.
inline float flag_width(float height) { return height * 4.0f / 3.0f; }

}  // namespace jupiter::ui
