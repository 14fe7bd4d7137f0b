// browser_web.cpp: the browser implementation of browser.hpp (Emscripten, EM_JS).
#include <emscripten.h>

#include <cstdlib>
#include <unordered_map>
#include <utility>

#include "platform/browser.hpp"

namespace {
void (*g_redraw)(int) = nullptr;
std::unordered_map<int, std::function<void(bool)>> g_copies;
int g_next_copy = 1;
}  // namespace

// clang-format off
EM_JS(void, jupiter_js_copy_text, (int id, const char* text), {
  const value = UTF8ToString(text);
  const fallback = () => {
    // execCommand("copy") needs a selection in the document; a textarea kept off-screen gives one.
    const area = document.createElement("textarea");
    area.value = value;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.left = "-9999px";
    document.body.appendChild(area);
    area.select();
    let ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    area.remove();
    return ok;
  };
  const done = (ok) => _jupiter_copy_done(id, ok ? 1 : 0);
  if (navigator.clipboard && navigator.clipboard.writeText) {
    navigator.clipboard.writeText(value).then(() => done(true), () => done(fallback()));
  } else {
    done(fallback());
  }
});

EM_JS(void, jupiter_js_open_url, (const char* url, int new_tab), {
  const href = UTF8ToString(url);
  if (new_tab) window.open(href, "_blank", "noopener"); else window.location.assign(href);
});

EM_JS(void, jupiter_js_save_file, (const char* name, const char* type, const char* body, int len), {
  const blob = new Blob([HEAPU8.slice(body, body + len)], { type: UTF8ToString(type) });
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = UTF8ToString(name);
  a.rel = "noopener";
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60000);
});

EM_JS(void, jupiter_js_refuse_url, (void), { console.error("refused to open a link that is not http(s)"); });

EM_JS(char*, jupiter_js_user_agent, (void), {
  const s = navigator.userAgent || "";
  const n = lengthBytesUTF8(s) + 1, p = _malloc(n);
  stringToUTF8(s, p, n);
  return p;
});

EM_JS(int, jupiter_js_max_touch_points, (void), { return navigator.maxTouchPoints | 0; });

EM_JS(char*, jupiter_js_page_meta, (const char* name), {
  const el = document.querySelector('meta[name="' + UTF8ToString(name) + '"]');
  const s = el ? el.content : "";
  const n = lengthBytesUTF8(s) + 1, p = _malloc(n);
  stringToUTF8(s, p, n);
  return p;
});

EM_JS(char*, jupiter_js_page_base_url, (void), {
  const s = location.origin + location.pathname;
  const n = lengthBytesUTF8(s) + 1, p = _malloc(n);
  stringToUTF8(s, p, n);
  return p;
});
// clang-format on

extern "C" EMSCRIPTEN_KEEPALIVE void jupiter_copy_done(int id, int ok) {
  auto it = g_copies.find(id);
  if (it == g_copies.end()) return;
  auto done = std::move(it->second);
  g_copies.erase(it);
  done(ok != 0);
  if (g_redraw) g_redraw(1);
}

namespace jupiter::platform {

namespace {
std::string take(char* s) {
  std::string out(s ? s : "");
  std::free(s);
  return out;
}
}  // namespace

void set_redraw_hook(void (*hook)(int frames)) { g_redraw = hook; }
void request_redraw(int frames) {
  if (g_redraw) g_redraw(frames);
}

void copy_text(const std::string& text, std::function<void(bool ok)> done) {
  const int id = g_next_copy++;
  g_copies.emplace(id, std::move(done));
  jupiter_js_copy_text(id, text.c_str());
}

void open_url(const std::string& url, bool new_tab) {
  if (url.rfind("https://", 0) != 0 && url.rfind("http://", 0) != 0) {
    jupiter_js_refuse_url();
    return;
  }
  jupiter_js_open_url(url.c_str(), new_tab ? 1 : 0);
}

void save_file(const std::string& name, const std::string& type, const std::string& body) {
  jupiter_js_save_file(name.c_str(), type.c_str(), body.data(), static_cast<int>(body.size()));
}

std::string user_agent() { return take(jupiter_js_user_agent()); }
int max_touch_points() { return jupiter_js_max_touch_points(); }
std::string page_base_url() { return take(jupiter_js_page_base_url()); }
std::string page_meta(const char* name) { return take(jupiter_js_page_meta(name)); }

}  // namespace jupiter::platform
