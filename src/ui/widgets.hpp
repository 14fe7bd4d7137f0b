// widgets.hpp: the ImGui widgets the store uses, wrapped so that each one is also recorded for QA.
//
// With the test API on (?test=1), every widget drawn in a frame is recorded as {id, label, role, x, y, w, h,
// enabled, checked?, value?} in CSS pixels relative to the viewport. End-to-end tests find widgets by label
// through window.jupiterTest.items() instead of guessing pixel positions.
#pragma once
#include <imgui.h>

#include <string>
#include <string_view>
#include <vector>

namespace jupiter::ui {

struct TestItem {
  std::string id;     // the full ImGui label, "Buy##jp-5gb": unique within its window
  std::string label;  // the visible part, "Buy"
  std::string role;   // button, textbox, combobox, option, checkbox, heading, text, link, listitem, status, qr
  float x = 0, y = 0, w = 0, h = 0;
  bool enabled = true;
  int checked = -1;   // -1: not applicable, else 0/1
  std::string value;  // textbox contents, combobox selection, link target, QR payload
};

class TestItems {
 public:
  bool on = false;
  void begin_frame() { frame_.clear(); }
  void end_frame() { last_.swap(frame_); }
  // Records the last ImGui item (call right after drawing it). Nothing happens when off or when not visible.
  void add_last(std::string_view label_id, const char* role, bool enabled = true, int checked = -1,
                std::string_view value = {});
  const std::vector<TestItem>& last_frame() const { return last_; }
  std::string to_json() const;  // the last rendered frame's items

 private:
  std::vector<TestItem> frame_, last_;
};

TestItems& test_items();

// The visible part of an ImGui label: "Buy##jp" -> "Buy".
std::string_view visible_label(std::string_view label_id);

// Widgets. They behave like their ImGui namesakes and record themselves.
bool Button(const char* label_id, bool enabled = true, ImVec2 size = ImVec2(0, 0));
bool Selectable(const char* label_id, bool selected = false, const char* role = "option");
bool InputTextWithHint(const char* label_id, const char* hint, char* buf, std::size_t buf_size);
bool Checkbox(const char* label_id, bool* v);
bool BeginCombo(const char* label_id, const char* preview);
void Text(std::string_view text, const char* role = "text");
void TextWrapped(std::string_view text, const char* role = "text");
void TextColored(const ImVec4& color, std::string_view text, const char* role = "text");  // wraps
void Heading(std::string_view text, ImFont* font);

// Buttons' label colour when the buttons have a colour of their own (a partner's accent); nullptr: the text colour.
void SetButtonTextColor(const ImVec4* color);
// Secondary text: the style's TextDisabled colour (so that it follows a dark theme).
ImVec4 Muted();

}  // namespace jupiter::ui
