// imgui_impl_web.h: Dear ImGui platform backend for the browser, on Emscripten's html5.h events.
// (Rendering is imgui_impl_opengl3 on a WebGL2 context this backend creates.)
//
// Implemented features:
//  [X] Platform: WebGL2 context on a canvas, sized to its CSS box times devicePixelRatio (sharp on high-DPI).
//  [X] Platform: mouse, wheel and touch (first finger as the mouse), with press-and-release in one frame kept.
//  [X] Platform: keyboard navigation keys, modifiers, and text characters; Enter activates like Space (as on a web
//      page's buttons and options; ImGui 1.86 maps Enter to text input only).
//  [X] Platform: render on demand: every event asks for a few frames; nothing is drawn while idle.
//  [ ] Platform: IME and phone keyboards (a real <input> under the focused field: checkout issue).
//  [ ] Platform: clipboard (checkout / delivery issues).
//
// Why not imgui_impl_glfw: Emscripten 3.1.6's GLFW has no devicePixelRatio support (its framebuffer is the
// CSS size, so text is blurry on phones), reports mouse positions in backing-store pixels, and listens for keys
// on the whole window with preventDefault, which would break real <input> elements on the page.
#pragma once

namespace jupiter::web {

// Creates the WebGL2 context on `canvas_selector` ("#canvas") and installs the event handlers.
// `request_frame` is called whenever something happened that needs drawing. Returns false when WebGL2 is missing.
bool ImplWeb_Init(const char* canvas_selector, void (*request_frame)(int frames));
void ImplWeb_Shutdown();
// Call before ImGui::NewFrame(): updates display size, DPI scale and input state.
void ImplWeb_NewFrame();
// The devicePixelRatio in force (the font atlas is built for it).
float ImplWeb_PixelRatio();
// True once after the pixel ratio changed: rebuild the font atlas.
bool ImplWeb_PixelRatioChanged();
// True while input events wait in the queue for later frames (the keys typed so far are not all applied yet).
bool ImplWeb_InputPending();

}  // namespace jupiter::web
