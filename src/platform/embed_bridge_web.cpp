// embed_bridge_web.cpp: the browser implementation of embed_bridge.hpp (Emscripten, EM_JS). Every call into the
// bridge is guarded: a missing object or a throwing function is logged, never an abort.
#include <emscripten.h>

#include <cstdlib>
#include <utility>

#include "platform/embed_bridge.hpp"

namespace {
std::function<void(std::string)> g_attributes;
}  // namespace

// clang-format off
// -1: no bridge; otherwise a JSON string in the heap (the caller frees it), "" when the config is not serializable.
EM_JS(char*, jupiter_js_embed_config, (void), {
  const e = window.jupiterEmbed;
  if (!e || typeof e !== "object") return 0;
  let s = "";
  try { s = typeof e.config === "string" ? e.config : JSON.stringify(e.config === undefined ? null : e.config); }
  catch (err) { s = ""; }
  if (typeof s !== "string") s = "";
  const n = lengthBytesUTF8(s) + 1, p = _malloc(n);
  stringToUTF8(s, p, n);
  return p;
});

EM_JS(void, jupiter_js_embed_on_attributes, (void), {
  const e = window.jupiterEmbed;
  if (!e || typeof e.onAttributes !== "function") return;
  try {
    e.onAttributes((v) => {
      let s = "";
      try { s = typeof v === "string" ? v : JSON.stringify(v); } catch (err) { s = ""; }
      if (typeof s !== "string") s = "";
      const n = lengthBytesUTF8(s) + 1, p = _malloc(n);
      stringToUTF8(s, p, n);
      try { _jupiter_embed_attributes(p); } finally { _free(p); }
    });
  } catch (err) { console.error("embed: onAttributes failed: " + err); }
});

EM_JS(void, jupiter_js_embed_emit, (const char* name, const char* detail), {
  const e = window.jupiterEmbed;
  try { if (e && typeof e.emit === "function") e.emit(UTF8ToString(name), UTF8ToString(detail)); }
  catch (err) { console.error("embed: emit failed: " + err); }
});

EM_JS(void, jupiter_js_embed_size, (int px), {
  const e = window.jupiterEmbed;
  try { if (e && typeof e.size === "function") e.size(px); }
  catch (err) { console.error("embed: size failed: " + err); }
});

EM_JS(int, jupiter_js_embed_open_payment, (const char* url), {
  const e = window.jupiterEmbed;
  try { return e && typeof e.openPayment === "function" && e.openPayment(UTF8ToString(url)) === true ? 1 : 0; }
  catch (err) { console.error("embed: openPayment failed: " + err); return 0; }
});
// clang-format on

extern "C" EMSCRIPTEN_KEEPALIVE void jupiter_embed_attributes(const char* json) {
  if (g_attributes) g_attributes(json ? json : "");
}

namespace jupiter::platform {

std::optional<std::string> embed_config() {
  char* s = jupiter_js_embed_config();
  if (!s) return std::nullopt;
  std::string out(s);
  free(s);
  return out;
}

void embed_on_attributes(std::function<void(std::string)> fn) {
  g_attributes = std::move(fn);
  jupiter_js_embed_on_attributes();
}

void embed_emit(const std::string& name, const std::string& detail_json) {
  jupiter_js_embed_emit(name.c_str(), detail_json.c_str());
}

void embed_size(int height_css_px) { jupiter_js_embed_size(height_css_px); }

bool embed_open_payment(const std::string& url) { return jupiter_js_embed_open_payment(url.c_str()) != 0; }

}  // namespace jupiter::platform
