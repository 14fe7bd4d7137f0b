// store_ui.hpp: the storefront's Dear ImGui screens. They read a const model and emit actions.
#pragma once
#include <imgui.h>

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/app.hpp"
#include "core/system_colors.hpp"

namespace jupiter::ui {

// Fonts and services the screens need from the outside (the platform formats money).
struct Context {
  ImFont* body = nullptr;
  ImFont* heading = nullptr;
  std::function<const std::string&(Money)> format_money;
  double now_ms = 0;                              // Unix ms at this frame, for the cached prices' age
  const std::vector<PhoneBrand>* phones = nullptr;  // assets/phones.json, for "Will my phone work?"
};

// Transient widget state that is not part of the model (text being typed).
struct Scratch {
  char query[128] = {};
  std::string last_query;  // what the model's query was when `query` was last synced
  char coverage_query[64] = {};  // the open plan's country search
  char phone_query[64] = {};     // the phone model search
  std::string detail_for;        // the plan those two searches belong to (cleared when another opens)
  // The home screen's region list: counted once per catalogue and currency, not every frame.
  const Catalogue* regions_for = nullptr;
  Currency regions_currency = Currency::Unknown;
  std::vector<std::pair<std::string, std::size_t>> region_counts;  // region id (or kGlobalSelection), plans
  bool filters_open = false;  // a phone's filter sheet
};

struct FrameInfo {
  bool catalogue_visible = false;  // plans or prices were drawn this frame
  float content_height = 0;        // the window's content, padding included, in CSS px (the embed's frame height)
};

// The plan's name in the model's language ("Japon 1 Go, 7 jours"; core/plan_name.hpp), the catalogue's name when
// the plan's country is not in the catalogue.
std::string plan_title(const Model& m, const Plan& p);

FrameInfo draw_store(const Model& model, Scratch& scratch, const Context& ctx, std::vector<Action>& out);

// Items in a row that wraps: each goes on the current line when it fits within the content width (920 px at
// most), else on a new line. fit(w) places the next item of width w and returns the width it may take (w, or
// the whole row's width when w is wider).
class FlowRow {
 public:
  FlowRow();
  float fit(float w);

 private:
  float left_, right_;  // screen x of the row's start and end
  bool first_ = true;
};

// SameLine() when a button labelled `button_label` still fits on the current line, else nothing (a new line).
void same_line_if_fits(const char* button_label);

// `text` with line breaks between words so that no line is wider than `width` px in the current font (a word
// wider than that stays whole on its own line).
std::string wrap_label(std::string_view text, float width);

// Colours and metrics for the store (light theme, touch-friendly sizes).
void apply_style(ImGuiStyle& style);
// The same metrics in a partner's theme: dark or light, and the partner's accent (0xRRGGBB) on the buttons.
void apply_theme(ImGuiStyle& style, bool dark, std::optional<std::uint32_t> accent);
// Forced-colors mode (it wins over dark/light and a partner's accent): the system colours only.
void apply_forced_theme(ImGuiStyle& style, const SystemColors& colours);

}  // namespace jupiter::ui
