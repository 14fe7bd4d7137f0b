// store_ui.hpp: the storefront's Dear ImGui screens. They read a const model and emit actions.
#pragma once
#include <imgui.h>

#include <functional>
#include <string>
#include <vector>

#include "core/app.hpp"

namespace jupiter::ui {

// Fonts and services the screens need from the outside (the platform formats money).
struct Context {
  ImFont* body = nullptr;
  ImFont* heading = nullptr;
  std::function<const std::string&(Money)> format_money;
};

// Transient widget state that is not part of the model (text being typed).
struct Scratch {
  char query[128] = {};
  std::string last_query;  // what the model's query was when `query` was last synced
};

struct FrameInfo {
  bool catalogue_visible = false;  // plans or prices were drawn this frame
};

FrameInfo draw_store(const Model& model, Scratch& scratch, const Context& ctx, std::vector<Action>& out);

// Colours and metrics for the store (light theme, touch-friendly sizes).
void apply_style(ImGuiStyle& style);

}  // namespace jupiter::ui
