#include "ui/widgets.hpp"

#include <cstdio>

#include <nlohmann/json.hpp>

namespace jupiter::ui {

TestItems& test_items() {
  static TestItems items;
  return items;
}

std::string_view visible_label(std::string_view label_id) {
  const auto pos = label_id.find("##");
  return pos == std::string_view::npos ? label_id : label_id.substr(0, pos);
}

void TestItems::add_last(std::string_view label_id, const char* role, bool enabled, int checked,
                         std::string_view value) {
  if (!on || !ImGui::IsItemVisible()) return;
  const ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
  TestItem item;
  item.id = std::string(label_id);
  item.label = std::string(visible_label(label_id));
  item.role = role;
  item.x = a.x;
  item.y = a.y;
  item.w = b.x - a.x;
  item.h = b.y - a.y;
  item.enabled = enabled;
  item.checked = checked;
  item.value = std::string(value);
  frame_.push_back(std::move(item));
}

std::string TestItems::to_json() const {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& it : last_) {
    nlohmann::json j = {{"id", it.id}, {"label", it.label}, {"role", it.role}, {"x", it.x},
                        {"y", it.y},   {"w", it.w},         {"h", it.h},       {"enabled", it.enabled}};
    if (it.checked >= 0) j["checked"] = it.checked == 1;
    if (it.role == "textbox" || it.role == "combobox" || !it.value.empty()) j["value"] = it.value;
    out.push_back(std::move(j));
  }
  return out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

namespace {
bool g_button_text_set = false;
ImVec4 g_button_text;
}  // namespace

void SetButtonTextColor(const ImVec4* color) {
  g_button_text_set = color != nullptr;
  if (color) g_button_text = *color;
}

ImVec4 Muted() { return ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled); }

bool Button(const char* label_id, bool enabled, ImVec2 size) {
  if (!enabled) ImGui::BeginDisabled();
  if (g_button_text_set) ImGui::PushStyleColor(ImGuiCol_Text, g_button_text);
  const bool pressed = ImGui::Button(label_id, size);
  if (g_button_text_set) ImGui::PopStyleColor();
  if (!enabled) ImGui::EndDisabled();
  test_items().add_last(label_id, "button", enabled);
  return pressed && enabled;
}

bool Selectable(const char* label_id, bool selected, const char* role) {
  const bool pressed = ImGui::Selectable(label_id, selected);
  test_items().add_last(label_id, role, true, selected ? 1 : -1);
  return pressed;
}

bool InputTextWithHint(const char* label_id, const char* hint, char* buf, std::size_t buf_size) {
  const bool changed = ImGui::InputTextWithHint(label_id, hint, buf, buf_size);
  // A textbox is found by its hint when it has no visible label.
  std::string_view label = visible_label(label_id);
  std::string name = label.empty() ? std::string(hint) + std::string("##") + label_id : std::string(label_id);
  test_items().add_last(name, "textbox", true, -1, buf);
  return changed;
}

bool Checkbox(const char* label_id, bool* v) {
  const bool changed = ImGui::Checkbox(label_id, v);
  test_items().add_last(label_id, "checkbox", true, *v ? 1 : 0);
  return changed;
}

bool BeginCombo(const char* label_id, const char* preview) {
  const bool open = ImGui::BeginCombo(label_id, preview);
  test_items().add_last(label_id, "combobox", true, -1, preview);
  return open;
}

void Text(std::string_view text, const char* role) {
  ImGui::TextUnformatted(text.data(), text.data() + text.size());
  test_items().add_last(text, role);
}

void TextWrapped(std::string_view text, const char* role) {
  ImGui::PushTextWrapPos(0.0f);
  ImGui::TextUnformatted(text.data(), text.data() + text.size());
  ImGui::PopTextWrapPos();
  test_items().add_last(text, role);
}

void TextColored(const ImVec4& color, std::string_view text, const char* role) {
  ImGui::PushStyleColor(ImGuiCol_Text, color);
  ImGui::PushTextWrapPos(0.0f);
  ImGui::TextUnformatted(text.data(), text.data() + text.size());
  ImGui::PopTextWrapPos();
  ImGui::PopStyleColor();
  test_items().add_last(text, role);
}

void Heading(std::string_view text, ImFont* font) {
  if (font) ImGui::PushFont(font);
  ImGui::TextUnformatted(text.data(), text.data() + text.size());
  if (font) ImGui::PopFont();
  test_items().add_last(text, "heading");
}

}  // namespace jupiter::ui
