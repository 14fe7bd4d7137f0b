// mirror_web.cpp: mirror.hpp on Emscripten: thin calls into web/boot.js's Module.jupiterMirror.
#include <emscripten.h>

#include <utility>

#include "platform/imgui_impl_web.h"
#include "platform/mirror.hpp"

namespace {
jupiter::platform::mirror::Events g_events;
}

// clang-format off
EM_JS(int, jupiter_js_mirror_ready, (void), {
  if (!Module.jupiterMirror && Module.jupiterMirrorInit) Module.jupiterMirror = Module.jupiterMirrorInit();
  return Module.jupiterMirror ? 1 : 0;
});
EM_JS(void, jupiter_js_mirror_upsert, (unsigned key, unsigned act, const char* role, const char* name,
                                       const char* value, int level, int flags, const char* field), {
  if (Module.jupiterMirror) Module.jupiterMirror.upsert(key >>> 0, act >>> 0, UTF8ToString(role), UTF8ToString(name),
                                                        UTF8ToString(value), level, flags, UTF8ToString(field));
});
EM_JS(void, jupiter_js_mirror_rects, (const double* data, int n), {
  if (Module.jupiterMirror) Module.jupiterMirror.rects(HEAPF64.subarray(data >> 3, (data >> 3) + n));
});
EM_JS(void, jupiter_js_mirror_order, (const unsigned* keys, int n), {
  if (Module.jupiterMirror) Module.jupiterMirror.order(HEAPU32.subarray(keys >> 2, (keys >> 2) + n));
});
EM_JS(void, jupiter_js_mirror_scroll, (double y), {
  if (Module.jupiterMirror) Module.jupiterMirror.scroll(y);
});
EM_JS(void, jupiter_js_mirror_focus, (unsigned act), {
  if (Module.jupiterMirror) Module.jupiterMirror.focus(act >>> 0);
});
EM_JS(void, jupiter_js_mirror_live, (const char* status, const char* alert), {
  if (Module.jupiterMirror) Module.jupiterMirror.live(UTF8ToString(status), UTF8ToString(alert));
});
// clang-format on

extern "C" {
EMSCRIPTEN_KEEPALIVE void jupiter_a11y_activate(unsigned act) {
  if (g_events.activate) g_events.activate(act);
}
EMSCRIPTEN_KEEPALIVE void jupiter_a11y_focus(unsigned act) {
  if (g_events.focus) g_events.focus(act);
}
EMSCRIPTEN_KEEPALIVE void jupiter_a11y_escape() {
  if (g_events.escape) g_events.escape();
}
}

namespace jupiter::platform::mirror {

void init(Events events) { g_events = std::move(events); }

bool ready() { return jupiter_js_mirror_ready() != 0; }

void upsert(std::uint32_t key, std::uint32_t act, const std::string& role, const std::string& name,
            const std::string& value, int level, int flags, const std::string& field) {
  jupiter_js_mirror_upsert(key, act, role.c_str(), name.c_str(), value.c_str(), level, flags, field.c_str());
}

void rects(const std::vector<double>& data) {
  if (!data.empty()) jupiter_js_mirror_rects(data.data(), static_cast<int>(data.size()));
}

void order(const std::vector<std::uint32_t>& keys) {
  jupiter_js_mirror_order(keys.data(), static_cast<int>(keys.size()));
}

void scroll(float y) { jupiter_js_mirror_scroll(y); }

bool focus(std::uint32_t act) {
  if (web::ImplWeb_InputPending()) return false;
  jupiter_js_mirror_focus(act);
  return true;
}

void live(const std::string& status, const std::string& alert) { jupiter_js_mirror_live(status.c_str(), alert.c_str()); }

}  // namespace jupiter::platform::mirror
