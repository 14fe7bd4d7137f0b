// imgui_impl_web.cpp: see imgui_impl_web.h.
#include "platform/imgui_impl_web.h"

#include <emscripten/html5.h>
#include <imgui.h>

#include <cfloat>
#include <cmath>
#include <cstring>
#include <string>

#include "platform/input_queue.hpp"

namespace jupiter::web {
namespace {

struct State {
  std::string canvas;
  EMSCRIPTEN_WEBGL_CONTEXT_HANDLE gl = 0;
  void (*request_frame)(int) = nullptr;
  double css_w = 0, css_h = 0;
  float ratio = 1.0f;
  bool ratio_changed = false;
  platform::InputQueue input;  // events since the last frame, trickled into frames (platform/input_queue.hpp)
  double last_time = 0;
};
State g;

constexpr int kEnterKey = 13;  // the DOM's keyCode of Enter (and of the keypad's Enter)
constexpr int kFramesPerEvent = 3;  // an event can take a couple of frames to settle (hover, click, release)

void ask() {
  if (g.request_frame) g.request_frame(kFramesPerEvent);
}

void resize() {
  double w = 0, h = 0;
  emscripten_get_element_css_size(g.canvas.c_str(), &w, &h);
  const float ratio = static_cast<float>(emscripten_get_device_pixel_ratio());
  if (ratio != g.ratio) g.ratio_changed = true;
  g.ratio = ratio > 0 ? ratio : 1.0f;
  g.css_w = w;
  g.css_h = h;
  emscripten_set_canvas_element_size(g.canvas.c_str(), static_cast<int>(std::lround(w * g.ratio)),
                                     static_cast<int>(std::lround(h * g.ratio)));
}

int dom_button_to_imgui(unsigned short b) { return b == 0 ? 0 : b == 2 ? 1 : b == 1 ? 2 : b; }

EM_BOOL on_mouse(int type, const EmscriptenMouseEvent* e, void*) {
  const auto x = static_cast<float>(e->targetX), y = static_cast<float>(e->targetY);
  if (type == EMSCRIPTEN_EVENT_MOUSEDOWN || type == EMSCRIPTEN_EVENT_MOUSEUP)
    g.input.push(platform::input::MouseButton{dom_button_to_imgui(e->button), type == EMSCRIPTEN_EVENT_MOUSEDOWN, x, y});
  else
    g.input.push(platform::input::MouseMove{x, y});
  ask();
  return EM_FALSE;  // let focus and selection behave normally
}

EM_BOOL on_mouse_leave(int, const EmscriptenMouseEvent*, void*) {
  g.input.push(platform::input::MouseMove{-FLT_MAX, -FLT_MAX});
  ask();
  return EM_FALSE;
}

EM_BOOL on_wheel(int, const EmscriptenWheelEvent* e, void*) {
  // deltaMode: 0 pixels, 1 lines, 2 pages. ImGui scrolls ~5 lines per unit.
  const double scale = e->deltaMode == DOM_DELTA_PIXEL ? 1.0 / 100.0 : e->deltaMode == DOM_DELTA_LINE ? 1.0 / 3.0 : 1.0;
  g.input.push(platform::input::Wheel{-static_cast<float>(e->deltaX * scale), -static_cast<float>(e->deltaY * scale)});
  ask();
  return EM_TRUE;  // the canvas scrolls itself; the page must not
}

EM_BOOL on_touch(int type, const EmscriptenTouchEvent* e, void*) {
  for (int i = 0; i < e->numTouches; ++i) {
    const EmscriptenTouchPoint& t = e->touches[i];
    if (!t.isChanged) continue;
    const auto x = static_cast<float>(t.targetX), y = static_cast<float>(t.targetY);
    if (type == EMSCRIPTEN_EVENT_TOUCHMOVE)
      g.input.push(platform::input::MouseMove{x, y});
    else
      g.input.push(platform::input::MouseButton{0, type == EMSCRIPTEN_EVENT_TOUCHSTART, x, y});
    break;
  }
  ask();
  return EM_TRUE;  // no synthetic mouse events after touch
}

bool is_text_key(const char* key) {
  // A printable key has a one-character name ("a", "é", "€"); named keys are longer ("Enter", "ArrowLeft").
  const auto len = std::strlen(key);
  if (len == 0) return false;
  const auto c0 = static_cast<unsigned char>(key[0]);
  const std::size_t cp_len = c0 < 0x80 ? 1 : (c0 >> 5) == 0x6 ? 2 : (c0 >> 4) == 0xE ? 3 : 4;
  return len == cp_len;
}

EM_BOOL on_key(int type, const EmscriptenKeyboardEvent* e, void*) {
  const ImGuiIO& io = ImGui::GetIO();
  const bool down = type == EMSCRIPTEN_EVENT_KEYDOWN;
  const bool types = down && !e->ctrlKey && !e->metaKey && is_text_key(e->key);
  const platform::Modifiers mods{e->ctrlKey != 0, e->shiftKey != 0, e->altKey != 0, e->metaKey != 0};
  g.input.push(platform::input::Key{static_cast<int>(e->keyCode), down, types, mods});
  if (types) g.input.push(platform::input::Text{e->key});
  ask();
  // Keep the browser's own shortcuts unless ImGui is typing into a field.
  return io.WantTextInput && (is_text_key(e->key) || e->keyCode == 8 || e->keyCode == 9 || e->keyCode == 13 ||
                              (e->keyCode >= 33 && e->keyCode <= 46));
}

EM_BOOL on_resize(int, const EmscriptenUiEvent*, void*) {
  resize();
  ask();
  return EM_FALSE;
}

EM_BOOL on_focus(int type, const EmscriptenFocusEvent*, void*) {
  if (type == EMSCRIPTEN_EVENT_BLUR) g.input.push(platform::input::FocusLost{});
  ask();
  return EM_FALSE;
}

}  // namespace

bool ImplWeb_Init(const char* canvas_selector, void (*request_frame)(int)) {
  g = State{};
  g.canvas = canvas_selector;
  g.request_frame = request_frame;

  EmscriptenWebGLContextAttributes attrs;
  emscripten_webgl_init_context_attributes(&attrs);
  attrs.majorVersion = 2;
  attrs.minorVersion = 0;
  attrs.alpha = EM_FALSE;
  attrs.depth = EM_FALSE;
  attrs.stencil = EM_FALSE;
  attrs.antialias = EM_FALSE;
  attrs.preserveDrawingBuffer = EM_FALSE;  // the compositor keeps showing the last frame; no extra copies
  // WebGL 2's core is all ImGui's renderer and the flag texture use. Enabling every extension the browser offers
  // (Emscripten's default) cost ~28 ms of getExtension calls before the first frame (issue 14).
  attrs.enableExtensionsByDefault = EM_FALSE;
  g.gl = emscripten_webgl_create_context(canvas_selector, &attrs);
  if (g.gl <= 0) return false;
  emscripten_webgl_make_context_current(g.gl);

  ImGuiIO& io = ImGui::GetIO();
  io.BackendPlatformName = "imgui_impl_web";
  io.ConfigInputTextCursorBlink = false;  // a blinking caret would keep frames going while idle
  const int map[][2] = {
      {ImGuiKey_Tab, 9},        {ImGuiKey_LeftArrow, 37}, {ImGuiKey_RightArrow, 39}, {ImGuiKey_UpArrow, 38},
      {ImGuiKey_DownArrow, 40}, {ImGuiKey_PageUp, 33},    {ImGuiKey_PageDown, 34},   {ImGuiKey_Home, 36},
      {ImGuiKey_End, 35},       {ImGuiKey_Insert, 45},    {ImGuiKey_Delete, 46},     {ImGuiKey_Backspace, 8},
      {ImGuiKey_Space, 32},     {ImGuiKey_Enter, 13},     {ImGuiKey_Escape, 27},     {ImGuiKey_KeyPadEnter, 13},
      {ImGuiKey_A, 65},         {ImGuiKey_C, 67},         {ImGuiKey_V, 86},          {ImGuiKey_X, 88},
      {ImGuiKey_Y, 89},         {ImGuiKey_Z, 90},
  };
  for (const auto& m : map) io.KeyMap[m[0]] = m[1];

  const char* c = canvas_selector;
  emscripten_set_mousedown_callback(c, nullptr, EM_TRUE, on_mouse);
  emscripten_set_mouseup_callback(EMSCRIPTEN_EVENT_TARGET_DOCUMENT, nullptr, EM_TRUE, on_mouse);
  emscripten_set_mousemove_callback(c, nullptr, EM_TRUE, on_mouse);
  emscripten_set_mouseleave_callback(c, nullptr, EM_TRUE, on_mouse_leave);
  emscripten_set_wheel_callback(c, nullptr, EM_TRUE, on_wheel);
  emscripten_set_touchstart_callback(c, nullptr, EM_TRUE, on_touch);
  emscripten_set_touchmove_callback(c, nullptr, EM_TRUE, on_touch);
  emscripten_set_touchend_callback(c, nullptr, EM_TRUE, on_touch);
  emscripten_set_touchcancel_callback(c, nullptr, EM_TRUE, on_touch);
  emscripten_set_keydown_callback(c, nullptr, EM_TRUE, on_key);
  emscripten_set_keyup_callback(c, nullptr, EM_TRUE, on_key);
  emscripten_set_focus_callback(c, nullptr, EM_TRUE, on_focus);
  emscripten_set_blur_callback(c, nullptr, EM_TRUE, on_focus);
  emscripten_set_resize_callback(EMSCRIPTEN_EVENT_TARGET_WINDOW, nullptr, EM_TRUE, on_resize);
  resize();
  g.ratio_changed = true;
  return true;
}

void ImplWeb_Shutdown() {
  emscripten_html5_remove_all_event_listeners();
  if (g.gl > 0) emscripten_webgl_destroy_context(g.gl);
  g = State{};
}

void ImplWeb_NewFrame() {
  ImGuiIO& io = ImGui::GetIO();
  io.DisplaySize = ImVec2(static_cast<float>(g.css_w), static_cast<float>(g.css_h));
  io.DisplayFramebufferScale = ImVec2(g.ratio, g.ratio);

  const double now = emscripten_get_now() / 1000.0;
  // After an idle stretch the first frame would see a huge delta; ImGui only needs it positive and sane.
  io.DeltaTime = g.last_time > 0 ? static_cast<float>(std::fmin(std::fmax(now - g.last_time, 1e-4), 0.1)) : 1.0f / 60.0f;
  g.last_time = now;

  // This frame's share of the queued events: a press and release between two frames are two frames.
  const platform::FrameInput& in = g.input.next_frame();
  io.MousePos = ImVec2(in.mouse_x, in.mouse_y);
  for (int i = 0; i < platform::kMouseButtons; ++i) io.MouseDown[i] = in.mouse_down[static_cast<std::size_t>(i)];
  for (int k = 0; k < platform::kKeys; ++k) io.KeysDown[k] = in.keys_down[static_cast<std::size_t>(k)];
  io.KeyCtrl = in.mods.ctrl;
  io.KeyShift = in.mods.shift;
  io.KeyAlt = in.mods.alt;
  io.KeySuper = in.mods.super;
  io.MouseWheel += in.wheel_y;
  io.MouseWheelH += in.wheel_x;
  if (!in.text.empty()) io.AddInputCharactersUTF8(in.text.c_str());
  // io.NavInputs is cleared by EndFrame and may be filled before NewFrame: ImGui ORs its own key mapping in.
  if (in.keys_down[kEnterKey]) io.NavInputs[ImGuiNavInput_Activate] = 1.0f;
  if (g.input.pending()) ask();  // events wait for later frames: keep drawing until the queue is empty
}

float ImplWeb_PixelRatio() { return g.ratio; }

bool ImplWeb_InputPending() { return g.input.pending(); }

bool ImplWeb_PixelRatioChanged() {
  const bool changed = g.ratio_changed;
  g.ratio_changed = false;
  return changed;
}

}  // namespace jupiter::web
