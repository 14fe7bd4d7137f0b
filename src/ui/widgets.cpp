// widgets.cpp: the recorded ImGui widgets (see widgets.hpp) and their accessible-mirror hooks (ui/a11y.hpp).
#include "ui/widgets.hpp"

#include <imgui_internal.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstring>
#include <map>

#include "core/json_writer.hpp"
#include "ui/a11y.hpp"

namespace jupiter::ui {

TestItems& test_items() {
  static TestItems items;
  return items;
}

std::string_view visible_label(std::string_view label_id) {
  const auto pos = label_id.find("##");
  return pos == std::string_view::npos ? label_id : label_id.substr(0, pos);
}

TestItem* TestItems::add_last(std::string_view label_id, const char* role, bool enabled, int checked,
                              std::string_view value) {
  const bool visible = ImGui::IsItemVisible();
  if ((!record && !visible) || (!on && !record)) return nullptr;
  TestItem* it = add(label_id, role, ImGui::GetItemRectMin(), ImGui::GetItemRectMax(), ImGui::GetItemID(), enabled,
                     checked, value);
  if (it) it->visible = visible;
  return it;
}

TestItem* TestItems::add(std::string_view label_id, const char* role, ImVec2 a, ImVec2 b, ImGuiID act, bool enabled,
                         int checked, std::string_view value) {
  if (!on && !record) return nullptr;
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
  item.act = act;
  if (frame_.empty()) scroll_ = ImGui::GetCurrentWindow()->RootWindow->Scroll.y;  // the page's window
  item.scroll = scroll_;
  if (std::strcmp(role, "textbox") == 0) {  // its real <input> is named by the id's last part ("label##email")
    const auto hash = label_id.rfind("##");
    if (hash != std::string_view::npos) item.field = std::string(label_id.substr(hash + 2));
  }
  // A key unique in the frame: the ImGui id, else the label hashed in the id stack; a repeat gets a derived key.
  ImGuiID key = act ? act : ImGui::GetID(label_id.data(), label_id.data() + label_id.size());
  if (act && !frame_.empty() && frame_.back().act == act && std::strcmp(role, "link") == 0)
    frame_.back().mirrored = false;  // a button that opens a link: the mirror shows the link
  while (key == 0 || std::find(keys_.begin(), keys_.end(), key) != keys_.end()) key = key * 16777619u + 1u;
  keys_.push_back(key);
  item.key = key;
  if (act) a11y::item_drawn(act, a, b);
  frame_.push_back(std::move(item));
  return &frame_.back();
}

std::string TestItems::to_json() const {
  JsonWriter w;  // each object's keys in ascending order (core/json_writer.hpp)
  w.begin_array();
  for (const auto& it : last_) {
    if (!it.visible) continue;  // scrolled out of the window: in the mirror, not under the pointer
    w.begin_object();
    if (it.checked >= 0) w.field("checked", it.checked == 1);
    w.field("enabled", it.enabled).field("h", it.h).field("id", it.id).field("label", it.label);
    w.field("role", it.role);
    if (it.role == "textbox" || it.role == "combobox" || !it.value.empty()) w.field("value", it.value);
    w.field("w", it.w).field("x", it.x).field("y", it.y).end_object();
  }
  return w.end_array().take();
}

namespace {
bool g_button_text_set = false;
ImVec4 g_button_text;
std::vector<TextField> g_fields;
std::map<std::string, int> g_field_tags;             // field name -> tag, stable for the visit
std::map<int, std::string> g_field_pending;          // tag -> value typed in the DOM, not yet in the buffer
std::vector<ImGuiID> g_combos_focused;               // open combos whose popup holds the keyboard's focus
int g_headings = 0;                                  // headings drawn in this frame
ImGuiID g_heading_frame = 0;

// True when an open popup (a combo's list) lies over the rectangle: a real <input> there would sit on top of it
// and take its clicks, so the field is not listed for that frame.
bool under_popup(ImVec2 a, ImVec2 b) {
  const ImGuiContext& g = *GImGui;
  for (const ImGuiPopupData& p : g.OpenPopupStack)
    if (p.Window && p.Window->WasActive && p.Window->Rect().Overlaps(ImRect(a, b))) return true;
  return false;
}

int field_tag(const std::string& name) {
  auto it = g_field_tags.find(name);
  if (it != g_field_tags.end()) return it->second;
  const int tag = kWidgetFieldTag + static_cast<int>(g_field_tags.size());
  g_field_tags.emplace(name, tag);
  return tag;
}

// Copies `value` into buf, cut at a character boundary when too long.
void copy_utf8(const std::string& value, char* buf, std::size_t size) {
  if (size == 0) return;
  std::size_t n = std::min(value.size(), size - 1);
  while (n > 0 && n < value.size() && (static_cast<unsigned char>(value[n]) & 0xC0) == 0x80) --n;
  std::memcpy(buf, value.data(), n);
  buf[n] = '\0';
}
}  // namespace

std::vector<TextField>& widget_fields() { return g_fields; }

void LabelledField(TextField f, float max_width, std::vector<TextField>& fields) {
  Text(f.label);
  const float lines = f.kind == TextKind::Multiline ? 4.0f : 1.0f;  // a <textarea> shows four lines
  const float w = std::min(ImGui::GetContentRegionAvail().x, max_width),
              h = ImGui::GetFrameHeight() + (lines - 1.0f) * ImGui::GetTextLineHeightWithSpacing() * 1.2f;
  const ImVec2 pos = ImGui::GetCursorScreenPos();
  ImGui::Dummy(ImVec2(w, h));
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImGuiStyle& st = ImGui::GetStyle();
  dl->AddRectFilled(pos, ImVec2(pos.x + w, pos.y + h), ImGui::GetColorU32(ImGuiCol_FrameBg), st.FrameRounding);
  dl->AddRect(pos, ImVec2(pos.x + w, pos.y + h), ImGui::GetColorU32(f.invalid ? ErrorInk() : st.Colors[ImGuiCol_Border]),
              st.FrameRounding);
  test_items().add_last(f.label + "##" + f.name, "textbox", true, -1, f.value);
  if (!ImGui::IsItemVisible()) return;
  f.x = pos.x, f.y = pos.y, f.w = w, f.h = h;
  fields.push_back(std::move(f));
}

void widget_field_changed(int tag, std::string value) { g_field_pending[tag] = std::move(value); }

void SetButtonTextColor(const ImVec4* color) {
  g_button_text_set = color != nullptr;
  if (color) g_button_text = *color;
}

ImVec4 Muted() { return ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled); }

namespace {
Palette g_palette = light_palette();
}  // namespace

void SetActivePalette(const Palette& p) { g_palette = p; }
const Palette& ActivePalette() { return g_palette; }
ImVec4 Ink(Rgb c) { return ImVec4(c.r, c.g, c.b, 1.0f); }
ImVec4 ErrorInk() { return Ink(g_palette.error); }
ImVec4 OkInk() { return Ink(g_palette.ok); }

bool Button(const char* label_id, bool enabled, ImVec2 size) { return NamedButton(label_id, {}, enabled, size); }

bool NamedButton(const char* label_id, std::string_view name, bool enabled, ImVec2 size) {
  if (!enabled) ImGui::BeginDisabled();
  if (g_button_text_set) ImGui::PushStyleColor(ImGuiCol_Text, g_button_text);
  bool pressed = ImGui::Button(label_id, size);
  if (g_button_text_set) ImGui::PopStyleColor();
  if (!enabled) ImGui::EndDisabled();
  pressed = a11y::activated(ImGui::GetItemID()) || pressed;
  TestItem* it = test_items().add_last(label_id, "button", enabled);
  if (it && !name.empty()) it->label = std::string(name);  // else the label is the visible text of label_id
  return pressed && enabled;
}

void Badge(std::string_view text, const ImVec4& fill, const ImVec4& ink) {
  const ImVec2 pad(8.0f, 3.0f);
  const char* b = text.data();
  const char* e = b + text.size();
  const ImVec2 ts = ImGui::CalcTextSize(b, e);
  const ImVec2 a = ImGui::GetCursorScreenPos();
  const ImVec2 z(a.x + ts.x + 2 * pad.x, a.y + ts.y + 2 * pad.y);
  ImGui::Dummy(ImVec2(z.x - a.x, z.y - a.y));
  test_items().add(text, "text", a, z, 0);
  if (!ImGui::IsItemVisible()) return;
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->AddRectFilled(a, z, ImGui::GetColorU32(fill), (z.y - a.y) * 0.5f);
  dl->AddText(ImVec2(a.x + pad.x, a.y + pad.y), ImGui::GetColorU32(ink), b, e);
}

bool Selectable(const char* label_id, bool selected, const char* role) {
  bool pressed = ImGui::Selectable(label_id, selected);
  if (a11y::activated(ImGui::GetItemID()) && !pressed) {
    pressed = true;
    // ImGui closes a combo's popup on a click; an activation from the mirror does the same.
    if (ImGui::GetCurrentWindow()->Flags & ImGuiWindowFlags_Popup) ImGui::CloseCurrentPopup();
  }
  test_items().add_last(label_id, role, true, selected ? 1 : -1);
  return pressed;
}

bool InputTextWithHint(const char* label_id, const char* hint, char* buf, std::size_t buf_size) {
  std::string_view label = visible_label(label_id);
  const std::string_view id(label_id);
  const auto hash = id.find("##");
  std::string name(hash == std::string_view::npos ? id : id.substr(hash + 2));
  for (char& c : name)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-') c = '-';
  const int tag = field_tag(name);
  bool changed = false;
  if (auto it = g_field_pending.find(tag); it != g_field_pending.end()) {
    copy_utf8(it->second, buf, buf_size);
    g_field_pending.erase(it);
    changed = true;
  }
  // The frame; the real <input> is kept over it by the platform (it draws its own text, caret and hint).
  const float w = ImGui::CalcItemWidth(), h = ImGui::GetFrameHeight();
  const ImVec2 pos = ImGui::GetCursorScreenPos();
  ImGui::Dummy(ImVec2(w, h));
  const ImGuiStyle& st = ImGui::GetStyle();
  ImGui::GetWindowDrawList()->AddRectFilled(pos, ImVec2(pos.x + w, pos.y + h), ImGui::GetColorU32(ImGuiCol_FrameBg),
                                            st.FrameRounding);
  // A textbox is found by its hint when it has no visible label.
  const std::string accessible = label.empty() ? std::string(hint) : std::string(label);
  if (TestItem* it = test_items().add_last(accessible + "##" + std::string(label_id), "textbox", true, -1, buf))
    it->field = name;
  if (ImGui::IsItemVisible() && !under_popup(pos, ImVec2(pos.x + w, pos.y + h))) {
    TextField f;
    f.tag = tag;
    f.kind = TextKind::Search;
    f.name = name;
    f.label = accessible;
    f.placeholder = hint;
    f.value = buf;
    f.x = pos.x;
    f.y = pos.y;
    f.w = w;
    f.h = h;
    g_fields.push_back(std::move(f));
  }
  return changed;
}

bool Checkbox(const char* label_id, bool* v) {
  bool changed = ImGui::Checkbox(label_id, v);
  if (a11y::activated(ImGui::GetItemID()) && !changed) {
    *v = !*v;
    changed = true;
  }
  test_items().add_last(label_id, "checkbox", true, *v ? 1 : 0);
  return changed;
}

bool BeginCombo(const char* label_id, const char* preview) {
  const ImGuiID id = ImGui::GetID(label_id);
  const ImGuiID popup = ImHashStr("##ComboPopup", 0, id);
  if (a11y::activated(id)) {
    if (ImGui::IsPopupOpen(popup, ImGuiPopupFlags_None)) ImGui::ClosePopupToLevel(0, true);
    else ImGui::OpenPopupEx(popup, ImGuiPopupFlags_None);
  }
  // The frame's rectangle, known before the popup (when open) becomes the current window.
  const ImVec2 pos = ImGui::GetCursorScreenPos();
  const ImVec2 end(pos.x + ImGui::CalcItemWidth(), pos.y + ImGui::GetFrameHeight());
  const bool visible = ImGui::IsRectVisible(pos, end);
  const bool open = ImGui::BeginCombo(label_id, preview);
  if (visible || test_items().record) {
    if (TestItem* it = test_items().add(label_id, "combobox", pos, end, id, true, -1, preview)) {
      it->visible = visible;
      it->expanded = open;
      if (it->label.empty()) it->label = preview;  // "##sort": named by what it shows
    }
  }
  // Closed with the keyboard's focus inside (an option chosen with Enter or Space, or Escape): the focus goes back
  // to the combo, as a <select> does, instead of to the page (the option's element is gone).
  const bool escaped = open && a11y::escape();
  if (escaped) ImGui::CloseCurrentPopup();
  const auto had = std::find(g_combos_focused.begin(), g_combos_focused.end(), id);
  const bool was_inside = had != g_combos_focused.end();
  if (was_inside) g_combos_focused.erase(had);
  if (open && !escaped && a11y::focus_in(ImGui::GetCurrentWindow())) g_combos_focused.push_back(id);
  else if (escaped || (was_inside && !open)) a11y::request_focus(id);
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

void BeginPage(const char* name, float column_width) {
  const ImGuiViewport* vp = ImGui::GetMainViewport();
  ImGui::SetNextWindowPos(vp->WorkPos);
  ImGui::SetNextWindowSize(vp->WorkSize);
  const float margin = std::max(16.0f, (vp->WorkSize.x - column_width) * 0.5f);
  ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(margin, 20.0f));
  const ImGuiWindowFlags flags = ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                                 ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoBringToFrontOnFocus;
  ImGui::Begin(name, nullptr, flags);
  ImGui::PopStyleVar();
}

void Heading(std::string_view text, ImFont* font) {
  if (font) ImGui::PushFont(font);
  ImGui::TextUnformatted(text.data(), text.data() + text.size());
  if (font) ImGui::PopFont();
  const ImGuiID frame = static_cast<ImGuiID>(ImGui::GetFrameCount());
  if (frame != g_heading_frame) {
    g_heading_frame = frame;
    g_headings = 0;
  }
  if (TestItem* it = test_items().add_last(text, "heading")) it->level = g_headings++ == 0 ? 1 : 2;
}

}  // namespace jupiter::ui
