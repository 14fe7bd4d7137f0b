// a11y.cpp: see a11y.hpp. Pending activation / focus / Escape from the DOM, the focus ring, and the frame diff.
#include "ui/a11y.hpp"

#include <imgui_internal.h>

#include <cstdint>
#include <deque>
#include <string>
#include <unordered_map>

#include "platform/mirror.hpp"
#include "ui/widgets.hpp"

namespace jupiter::ui::a11y {
namespace {

// The widgets the mirror activated, in order: the front one is offered to the next frame, one per frame, so that
// two activations between two frames (Space on two checkboxes in a row) both take. Bounded: a flood keeps the first.
constexpr std::size_t kMaxPendingActivations = 64;
std::deque<ImGuiID> g_activations;
bool g_activate_used = false;  // the front one was drawn and taken in this frame
bool g_escape = false;
ImGuiID g_focused = 0;       // the widget whose mirror element holds DOM focus
ImGuiID g_focus_request = 0; // ImGui navigation focus to move there while drawing
ImGuiID g_dom_request = 0;   // DOM focus to move there once drawn (request_focus)
bool g_dom_request_drawn = false;
int g_dom_request_waited = 0;  // frames synced without drawing it (a request from frame N is drawn in N+1)
ImGuiWindow* g_focused_window = nullptr;  // the window g_focused was last drawn in
ImGuiID g_nav_sent = 0;      // the last ImGui NavId sent to the DOM
bool g_more = false;         // a frame is needed after this one

// What the DOM shows for one key.
struct Sent {
  std::string role, label, value, field;
  ImGuiID act = 0;
  int level = 0, flags = 0;
  float x = 0, y = 0, w = 0, h = 0;
  unsigned gen = 0;
};
std::unordered_map<ImGuiID, Sent> g_sent;
std::vector<std::uint32_t> g_order;
std::string g_status, g_alert;
float g_scroll = -1;
unsigned g_gen = 0;
bool g_resync = false;

int flags_of(const TestItem& it) {
  int f = it.enabled ? 1 : 0;
  if (it.checked >= 0) f |= 4 | (it.checked == 1 ? 2 : 0);
  if (it.expanded) f |= 8;
  if (!it.field.empty() && it.visible) f |= 16;  // its real <input> exists (in view): the mirror swaps it in (boot.js)
  return f;
}

// Writes `it` when it is new or changed; its rectangle when it moved.
void write(const TestItem& it) {
  auto [pos, fresh] = g_sent.try_emplace(it.key);
  Sent& s = pos->second;
  s.gen = g_gen;
  const int flags = flags_of(it);
  if (fresh || s.role != it.role || s.label != it.label || s.value != it.value || s.act != it.act ||
      s.flags != flags || s.level != it.level || s.field != it.field) {
    s.role = it.role;
    s.label = it.label;
    s.value = it.value;
    s.field = it.field;
    s.act = it.act;
    s.flags = flags;
    s.level = it.level;
    platform::mirror::upsert(it.key, it.act, it.role, it.label, it.value, it.level, flags, it.field);
  }
  // Placed in page coordinates (y + the page's scroll): scrolling moves the mirror as a whole, not each element.
  const float y = it.y + it.scroll;
  if (fresh || s.x != it.x || s.y != y || s.w != it.w || s.h != it.h) {
    s.x = it.x;
    s.y = y;
    s.w = it.w;
    s.h = it.h;
    platform::mirror::rect(it.key, it.x, y, it.w, it.h);
  }
}

void sync_live(const std::vector<TestItem>& items) {
  std::string status, alert;
  for (const TestItem& it : items) {
    const bool is_status = it.role == "status";
    if (!is_status && it.role != "alert") continue;
    std::string& to = is_status ? status : alert;
    if (!to.empty()) to += ' ';
    to += it.label;
  }
  if (status == g_status && alert == g_alert) return;
  g_status = status;
  g_alert = alert;
  platform::mirror::live(status, alert);
}

// DOM focus for request_focus: once its widget was drawn and the queued keys are applied; dropped when the widget
// is not drawn in the two frames after the request (it is gone).
void send_dom_request() {
  if (g_dom_request == 0) return;
  if (g_dom_request_drawn ? platform::mirror::focus(g_dom_request) : ++g_dom_request_waited > 2) {
    g_dom_request = 0;
    return;
  }
  g_more = true;
}

// ImGui's keyboard navigation moved (arrows in a popup): the DOM focus follows, once the move has landed (a move
// asked in this frame lands in the next) and the queued keys are applied (platform::mirror::focus).
void follow_nav() {
  const ImGuiContext& g = *GImGui;
  if (g.NavDisableHighlight || g.NavId == 0 || g.NavId == g_focused || g.NavId == g_nav_sent) return;
  if (g.NavMoveSubmitted || !platform::mirror::focus(g.NavId)) {
    g_more = true;
    return;
  }
  g_nav_sent = g.NavId;
}

}  // namespace

void request_activate(ImGuiID act) {
  if (act != 0 && g_activations.size() < kMaxPendingActivations) g_activations.push_back(act);
}
void dom_focus(ImGuiID act) {
  g_focused = act;
  // Focus leaving the mirror (0; also when its element was removed) leaves ImGui's focus and a pending request alone.
  if (act != 0) g_focus_request = act;
}
void request_escape() { g_escape = true; }

bool activated(ImGuiID id) {
  if (id == 0 || g_activations.empty() || id != g_activations.front() || g_activate_used) return false;
  g_activate_used = true;
  return true;
}

bool escape() {
  const bool e = g_escape;
  g_escape = false;
  return e;
}

void request_focus(ImGuiID id) {
  g_focus_request = id;
  g_dom_request = id;
  g_dom_request_drawn = false;
  g_dom_request_waited = 0;
  g_more = true;
}

bool focus_in(const ImGuiWindow* window) {
  const ImGuiContext& g = *GImGui;
  if (window == nullptr) return false;
  return (g_focused != 0 && g_focused_window == window) || (!g.NavDisableHighlight && g.NavWindow == window);
}

void item_drawn(ImGuiID act, ImVec2 min, ImVec2 max) {
  ImGuiContext& g = *GImGui;
  ImGuiWindow* window = g.CurrentWindow;
  if (act == g_focus_request && window && g.LastItemData.ID == act) {
    g_focus_request = 0;
    ImGui::SetFocusID(act, window);
    g_nav_sent = act;  // already where the DOM focus is, or going there (g_dom_request)
    if (act == g_dom_request) g_dom_request_drawn = true;
    ImGui::ScrollToBringRectIntoView(window, ImRect(min, max));
    g_more = true;
  }
  if (act != g_focused || act == 0) return;
  g_focused_window = window;
  // The focus ring (WCAG 2.4.7): 2 px, outside the widget, in the navigation highlight colour.
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->PushClipRectFullScreen();
  dl->AddRect(ImVec2(min.x - 3, min.y - 3), ImVec2(max.x + 3, max.y + 3), ImGui::GetColorU32(ImGuiCol_NavHighlight),
              g.Style.FrameRounding + 3, 0, 2.0f);
  dl->PopClipRect();
}

bool sync(const std::vector<TestItem>& items) {
  if (!platform::mirror::ready()) return true;  // written in full at the first frame after the page is parsed
  if (g_resync) {
    g_scroll = -1;
    g_sent.clear();
    g_order.clear();
    g_resync = false;
  }
  ++g_gen;
  std::vector<std::uint32_t> keys;
  keys.reserve(items.size());
  for (const TestItem& it : items) {
    if (!it.mirrored) continue;
    keys.push_back(it.key);
    write(it);
  }
  const float scroll = items.empty() ? 0.0f : items.front().scroll;
  if (scroll != g_scroll) platform::mirror::scroll(g_scroll = scroll);
  if (keys != g_order) {
    platform::mirror::order(keys);
    g_order.swap(keys);
    for (auto it = g_sent.begin(); it != g_sent.end();) it = it->second.gen == g_gen ? std::next(it) : g_sent.erase(it);
  }
  sync_live(items);
  platform::mirror::flush();  // the frame's writes in one call, before focus moves to what they made
  send_dom_request();
  follow_nav();
  bool more = g_more;
  g_more = false;
  if (!g_activations.empty()) {  // the front one not drawn: the mirror was out of step; write it all again
    if (!g_activate_used) g_resync = true;
    g_activations.pop_front();
    g_activate_used = false;
    more = more || g_resync || !g_activations.empty();  // the next one needs a frame of its own
  }
  g_escape = false;
  return more;
}

}  // namespace jupiter::ui::a11y
