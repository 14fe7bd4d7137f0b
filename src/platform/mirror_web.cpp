// mirror_web.cpp: mirror.hpp on Emscripten: thin calls into web/boot.js's Module.jupiterMirror.
#include <emscripten.h>

#include <cstring>
#include <utility>

#include "platform/imgui_impl_web.h"
#include "platform/mirror.hpp"

namespace {
jupiter::platform::mirror::Events g_events;

// The frame's packed buffer: 32-bit words, each operation an Op code and its fields (floats as their bits,
// strings as indexes into g_text). Upsert: key act level flags role name value field. Rect: key x y w h.
// Scroll: y. Order: n, then n keys. Live: status alert.
enum Op : std::uint32_t { kUpsert = 1, kRect = 2, kScroll = 3, kOrder = 4, kLive = 5 };
std::vector<std::uint32_t> g_words;
std::string g_text;          // the frame's strings, each ended by a NUL (a NUL inside a string ends it early)
std::uint32_t g_strings = 0;  // strings in g_text

std::uint32_t text(const std::string& s) {
  g_text.append(s.c_str());
  g_text.push_back('\0');
  return g_strings++;
}

std::uint32_t bits(float f) {
  std::uint32_t u = 0;
  std::memcpy(&u, &f, sizeof u);
  return u;
}
}  // namespace

// clang-format off
EM_JS(int, jupiter_js_mirror_ready, (void), {
  if (!Module.jupiterMirror && Module.jupiterMirrorInit) Module.jupiterMirror = Module.jupiterMirrorInit();
  return Module.jupiterMirror ? 1 : 0;
});
// words: the frame's packed operations (see Op); text: its strings, each ended by a NUL (web/boot.js's frame()).
EM_JS(void, jupiter_js_mirror_frame, (const unsigned* words, int n, const char* text, int bytes), {
  if (Module.jupiterMirror) Module.jupiterMirror.frame(HEAPU32.subarray(words >> 2, (words >> 2) + n),
                                                       HEAPU8.subarray(text, text + bytes));
});
EM_JS(void, jupiter_js_mirror_focus, (unsigned act), {
  if (Module.jupiterMirror) Module.jupiterMirror.focus(act >>> 0);
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
  g_words.insert(g_words.end(), {kUpsert, key, act, static_cast<std::uint32_t>(level), static_cast<std::uint32_t>(flags),
                                 text(role), text(name), text(value), text(field)});
}

void rect(std::uint32_t key, float x, float y, float w, float h) {
  g_words.insert(g_words.end(), {kRect, key, bits(x), bits(y), bits(w), bits(h)});
}

void order(const std::vector<std::uint32_t>& keys) {
  g_words.insert(g_words.end(), {kOrder, static_cast<std::uint32_t>(keys.size())});
  g_words.insert(g_words.end(), keys.begin(), keys.end());
}

void scroll(float y) { g_words.insert(g_words.end(), {kScroll, bits(y)}); }

void live(const std::string& status, const std::string& alert) {
  g_words.insert(g_words.end(), {kLive, text(status), text(alert)});
}

void flush() {
  if (g_words.empty()) return;
  jupiter_js_mirror_frame(g_words.data(), static_cast<int>(g_words.size()), g_text.data(),
                          static_cast<int>(g_text.size()));
  g_words.clear();
  g_text.clear();
  g_strings = 0;
}

bool focus(std::uint32_t act) {
  if (web::ImplWeb_InputPending()) return false;
  jupiter_js_mirror_focus(act);
  return true;
}

}  // namespace jupiter::platform::mirror
