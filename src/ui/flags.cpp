// flags.cpp: see flags.hpp.
#include "ui/flags.hpp"

#include <cstring>

namespace jupiter::ui {

namespace {
ImTextureID g_texture = nullptr;

char upper(char c) { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c; }
}  // namespace

std::optional<FlagCell> flag_cell(std::string_view code) {
  if (code.size() != 2) return std::nullopt;
  const char key[2] = {upper(code[0]), upper(code[1])};
  int lo = 0, hi = kFlagAtlas.count - 1;  // binary search over the sorted codes
  while (lo <= hi) {
    const int mid = (lo + hi) / 2;
    const int cmp = std::memcmp(kFlagAtlas.codes + 2 * mid, key, 2);
    if (cmp == 0) {
      const float x = static_cast<float>((mid % kFlagAtlas.columns) * kFlagAtlas.cell_w);
      const float y = static_cast<float>((mid / kFlagAtlas.columns) * kFlagAtlas.cell_h);
      const float w = static_cast<float>(kFlagAtlas.width), h = static_cast<float>(kFlagAtlas.height);
      return FlagCell{ImVec2(x / w, y / h), ImVec2((x + static_cast<float>(kFlagAtlas.cell_w)) / w,
                                                   (y + static_cast<float>(kFlagAtlas.cell_h)) / h)};
    }
    if (cmp < 0) lo = mid + 1;
    else hi = mid - 1;
  }
  return std::nullopt;
}

void set_flag_texture(ImTextureID texture) { g_texture = texture; }

void draw_flag(ImDrawList* dl, ImVec2 pos, float height, std::string_view code) {
  if (!g_texture) return;
  const std::optional<FlagCell> cell = flag_cell(code);
  if (!cell) return;
  const ImVec2 end(pos.x + flag_width(height), pos.y + height);
  dl->AddImage(g_texture, pos, end, cell->uv0, cell->uv1);
  dl->AddRect(pos, end, ImGui::GetColorU32(ImGuiCol_Border, 0.6f));
}

}  // namespace jupiter::ui
