// appearance_web.cpp: the browser implementation of appearance.hpp (Emscripten, EM_JS).
#include "platform/appearance.hpp"

#include <emscripten/emscripten.h>

#include <cstdint>

#include "platform/browser.hpp"

namespace {
bool g_changed = false;
bool g_listening = false;
}  // namespace

// clang-format off
EM_JS(int, jupiter_js_prefers_dark, (void), {
  return window.matchMedia && matchMedia("(prefers-color-scheme: dark)").matches ? 1 : 0;
});

// Fills out[0..6] with Canvas, CanvasText, ButtonFace, ButtonText, ButtonBorder, Highlight, HighlightText as
// 0xRRGGBB (alpha composited over Canvas); 0 when forced colors are not active.
EM_JS(int, jupiter_js_forced_colors, (uint32_t* out), {
  if (!window.matchMedia || !matchMedia("(forced-colors: active)").matches) return 0;
  const probe = document.createElement("span");
  probe.setAttribute("aria-hidden", "true");
  probe.style.cssText = "position:absolute;width:0;height:0;overflow:hidden";
  document.documentElement.appendChild(probe);
  const read = (name) => {
    probe.style.color = name;
    const m = getComputedStyle(probe).color.match(/[0-9.]+/g) || [];
    return m.map(Number);
  };
  const names = ["Canvas", "CanvasText", "ButtonFace", "ButtonText", "ButtonBorder", "Highlight", "HighlightText"];
  const rgba = names.map(read);
  probe.remove();
  const bg = rgba[0];
  rgba.forEach((c, i) => {
    const a = c.length > 3 ? c[3] : 1;
    const ch = (k) => Math.round((c[k] || 0) * a + (bg[k] || 0) * (1 - a)) & 255;
    HEAPU32[(out >> 2) + i] = ((ch(0) << 16) | (ch(1) << 8) | ch(2)) >>> 0;
  });
  return 1;
});

EM_JS(void, jupiter_js_watch_appearance, (void), {
  if (!window.matchMedia) return;
  const changed = () => _jupiter_appearance_changed();
  ["(prefers-color-scheme: dark)", "(forced-colors: active)"].forEach((q) => {
    const mq = matchMedia(q);
    if (mq.addEventListener) mq.addEventListener("change", changed);
  });
});
// clang-format on

extern "C" EMSCRIPTEN_KEEPALIVE void jupiter_appearance_changed() {
  g_changed = true;
  jupiter::platform::request_redraw(2);
}

namespace jupiter::platform {

bool prefers_dark() { return jupiter_js_prefers_dark() != 0; }

std::optional<SystemColors> forced_colors() {
  std::uint32_t c[7] = {};
  if (!jupiter_js_forced_colors(c)) return std::nullopt;
  return SystemColors{c[0], c[1], c[2], c[3], c[4], c[5], c[6]};
}

bool appearance_changed() {
  if (!g_listening) {
    g_listening = true;
    jupiter_js_watch_appearance();
  }
  const bool was = g_changed;
  g_changed = false;
  return was;
}

}  // namespace jupiter::platform
