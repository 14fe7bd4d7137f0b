// widgets.hpp: the ImGui widgets the store uses, wrapped so that each one is also recorded for QA.
//
// Every widget drawn in a frame is recorded as {id, label, role, x, y, w, h, enabled, checked?, value?} in CSS
// pixels relative to the viewport. The records feed the accessible DOM mirror (ui/a11y.hpp) each frame and, with
// the test API on (?test=1), window.jupiterTest.items(): end-to-end tests find widgets by label, not by pixels.
// Every record has a non-empty label (an unlabelled combo or field is named by its preview or hint).
#pragma once
#include <imgui.h>

#include <string>
#include <string_view>
#include <vector>

#include "core/text_field.hpp"
#include "ui/theme.hpp"

namespace jupiter::ui {

struct TestItem {
  std::string id;     // the full ImGui label, "Buy##jp-5gb": unique within its window
  std::string label;  // the visible part, "Buy"
  std::string role;   // button, textbox, combobox, option, checkbox, heading, text, link, listitem, status, qr
  float x = 0, y = 0, w = 0, h = 0;
  bool enabled = true;
  int checked = -1;   // -1: not applicable, else 0/1
  std::string value;  // textbox contents, combobox selection, link target, QR payload
  // For the mirror (ui/a11y.hpp): a key unique in the frame, the ImGui id that activation and focus go to (0: not
  // interactive), the heading level, the real <input>'s name for a textbox, and whether the mirror shows it.
  ImGuiID key = 0;
  ImGuiID act = 0;
  int level = 0;
  bool expanded = false;  // a combobox's popup is open
  std::string field;
  bool mirrored = true;
  bool visible = true;  // inside the window's visible area (only these are listed by the QA API)
  float scroll = 0;     // the page's (first window's) vertical scroll when drawn: the mirror places y + scroll
};

class TestItems {
 public:
  bool on = false;      // the QA test API
  bool record = true;   // the accessible mirror (always on in the store)
  void begin_frame() { frame_.clear(); keys_.clear(); }
  void end_frame() { last_.swap(frame_); }
  // Records the last ImGui item (call right after drawing it). Nothing happens when off or when not visible.
  // Returns the record, or nullptr when nothing was recorded.
  TestItem* add_last(std::string_view label_id, const char* role, bool enabled = true, int checked = -1,
                     std::string_view value = {});
  // Records an item by its rectangle and ImGui id (`act`, 0 when not interactive).
  TestItem* add(std::string_view label_id, const char* role, ImVec2 min, ImVec2 max, ImGuiID act, bool enabled = true,
                int checked = -1, std::string_view value = {});
  const std::vector<TestItem>& last_frame() const { return last_; }
  std::string to_json() const;  // the last rendered frame's items

 private:
  std::vector<TestItem> frame_, last_;
  std::vector<ImGuiID> keys_;  // keys used in this frame (a repeated text gets a derived key)
  float scroll_ = 0;
};

TestItems& test_items();

// The visible part of an ImGui label: "Buy##jp" -> "Buy".
std::string_view visible_label(std::string_view label_id);

// Widgets. They behave like their ImGui namesakes and record themselves.
bool Button(const char* label_id, bool enabled = true, ImVec2 size = ImVec2(0, 0));
// A button whose accessible name says more than its visible text ("Details" named "Details, Japan 1 GB, 7 days"):
// `name` should start with the visible text (WCAG 2.5.3, label in name).
bool NamedButton(const char* label_id, std::string_view name, bool enabled = true, ImVec2 size = ImVec2(0, 0));
// A small rounded label with a fill of its own ("1 GB", "Best value"), recorded as text.
void Badge(std::string_view text, const ImVec4& fill, const ImVec4& ink);
bool Selectable(const char* label_id, bool selected = false, const char* role = "option");
// A real <input type=search> over the field's frame (platform/text_input.hpp): the DOM holds the value; a change
// made there is copied into `buf` at the next frame (returns true then). Named by its label, else by its hint.
bool InputTextWithHint(const char* label_id, const char* hint, char* buf, std::size_t buf_size);
bool Checkbox(const char* label_id, bool* v);
// An unlabelled combo ("##sort") is named by its preview in the records.
bool BeginCombo(const char* label_id, const char* preview);
void Text(std::string_view text, const char* role = "text");
void TextWrapped(std::string_view text, const char* role = "text");
void TextColored(const ImVec4& color, std::string_view text, const char* role = "text");  // wraps
// Opens a screen's window: the whole viewport, undecorated, its content a centred column at most
// column_width wide (side margins at least 16 px, top 20 px). Pair with ImGui::End().
void BeginPage(const char* name, float column_width);
// A heading: level 1 for the first one of a frame (the page's title), 2 after it.
void Heading(std::string_view text, ImFont* font);

// A labelled text field (checkout, My eSIMs, the privacy centre): `f.label` above a frame at most `max_width` wide,
// its border in the error colour when f.invalid, listed for QA as a textbox "label##name"; while visible, `f` goes
// into `fields` with its rectangle filled in, and the platform keeps a real <input> over the frame.
void LabelledField(TextField f, float max_width, std::vector<TextField>& fields);

// The real <input> fields of this frame's InputTextWithHint widgets (main.cpp syncs them with the checkout's),
// and where their DOM changes go (tags from kWidgetFieldTag up).
constexpr int kWidgetFieldTag = 1000;
std::vector<TextField>& widget_fields();
void widget_field_changed(int tag, std::string value);

// Buttons' label colour when the buttons have a colour of their own (a partner's accent); nullptr: the text colour.
void SetButtonTextColor(const ImVec4* color);
// Secondary text: the style's TextDisabled colour (so that it follows a dark theme).
ImVec4 Muted();
// The palette apply_theme installed, for the colours that are not ImGui style slots: errors, successes, the buy
// button (light until a theme is applied).
void SetActivePalette(const Palette& p);
const Palette& ActivePalette();
ImVec4 Ink(Rgb c);  // opaque
ImVec4 ErrorInk();  // Ink(ActivePalette().error)
ImVec4 OkInk();     // Ink(ActivePalette().ok)

}  // namespace jupiter::ui
