// browser_state_web.cpp: the browser implementation of browser_state.hpp (Emscripten, EM_JS).
#include <emscripten.h>

#include <algorithm>
#include <cstdlib>
#include <utility>

#include "platform/browser_state.hpp"

namespace {
std::function<void(bool)> g_connectivity;
std::function<void()> g_consent;
std::function<void(std::string)> g_history;

std::string take(char* s) {  // a string the JS side allocated with _malloc
  std::string out(s ? s : "");
  std::free(s);
  return out;
}
}  // namespace

// clang-format off
EM_JS(char*, jupiter_js_languages, (void), {
  const list = navigator.languages && navigator.languages.length ? navigator.languages : [navigator.language || ""];
  const s = list.join("\n");
  const n = lengthBytesUTF8(s) + 1, p = _malloc(n);
  stringToUTF8(s, p, n);
  return p;
});

// Names joined by "\n" (one per code, "" where unknown); "" when Intl.DisplayNames is missing.
EM_JS(char*, jupiter_js_region_names, (const char* language, const char* codes), {
  let out = "";
  try {
    const names = new Intl.DisplayNames([UTF8ToString(language)], { type: "region", fallback: "none" });
    out = UTF8ToString(codes).split(",").map((c) => names.of(c) || "").join("\n");
  } catch (e) { out = ""; }
  const n = lengthBytesUTF8(out) + 1, p = _malloc(n);
  stringToUTF8(out, p, n);
  return p;
});

EM_JS(int, jupiter_js_consent_allows, (const char* category), {
  try {
    const api = window.JupiterConsent;
    return api && typeof api.accepted === "function" && api.accepted(UTF8ToString(category)) === true ? 1 : 0;
  } catch (e) { return 0; }
});

// Returns null when absent or when storage throws (disabled, private mode, security policy).
EM_JS(void, jupiter_js_watch_consent, (void), {
  const changed = () => _jupiter_consent_changed();
  document.addEventListener("jupiter:consent-ready", changed);
  try {
    if (window.JupiterConsent && typeof window.JupiterConsent.on === "function") window.JupiterConsent.on("change", changed);
  } catch (e) { /* no consent manager on this page: preferences are not kept */ }
});

EM_JS(char*, jupiter_js_storage_get, (const char* key), {
  let v = null;
  try { v = window.localStorage.getItem(UTF8ToString(key)); } catch (e) { v = null; }
  if (v === null) return 0;
  const n = lengthBytesUTF8(v) + 1, p = _malloc(n);
  stringToUTF8(v, p, n);
  return p;
});

EM_JS(int, jupiter_js_storage_set, (const char* key, const char* value), {
  try { window.localStorage.setItem(UTF8ToString(key), UTF8ToString(value)); return 1; } catch (e) { return 0; }
});

EM_JS(void, jupiter_js_storage_remove, (const char* key), {
  try { window.localStorage.removeItem(UTF8ToString(key)); } catch (e) { /* nothing to remove then */ }
});

EM_JS(double, jupiter_js_now, (void), { return Date.now(); });

EM_JS(int, jupiter_js_online, (void), { return navigator.onLine === false ? 0 : 1; });

EM_JS(void, jupiter_js_watch_connectivity, (void), {
  window.addEventListener("online", () => _jupiter_connectivity_changed(1));
  window.addEventListener("offline", () => _jupiter_connectivity_changed(0));
});

EM_JS(char*, jupiter_js_url_query, (void), {
  const s = location.search.slice(1);
  const n = lengthBytesUTF8(s) + 1, p = _malloc(n);
  stringToUTF8(s, p, n);
  return p;
});

EM_JS(void, jupiter_js_set_url_query, (const char* query, const char* routed, int push), {
  const params = new URLSearchParams(location.search);
  for (const k of UTF8ToString(routed).split(",")) params.delete(k);
  new URLSearchParams(UTF8ToString(query)).forEach((v, k) => params.append(k, v));
  const s = params.toString().replace(/%2C/g, ",");
  const url = location.pathname + (s ? "?" + s : "") + location.hash;
  if (url === location.pathname + location.search + location.hash) return;
  try {
    if (push) history.pushState(null, "", url); else history.replaceState(null, "", url);
  } catch (e) { /* too many history calls in a short time: the address bar just stays behind */ }
});

EM_JS(void, jupiter_js_watch_history, (void), {
  window.addEventListener("popstate", () => {
    const s = location.search.slice(1);
    const n = lengthBytesUTF8(s) + 1, p = _malloc(n);
    stringToUTF8(s, p, n);
    try { _jupiter_history_popped(p); } finally { _free(p); }
  });
});
// clang-format on

extern "C" EMSCRIPTEN_KEEPALIVE void jupiter_consent_changed() {
  if (g_consent) g_consent();
}

extern "C" EMSCRIPTEN_KEEPALIVE void jupiter_connectivity_changed(int online) {
  if (g_connectivity) g_connectivity(online != 0);
}

extern "C" EMSCRIPTEN_KEEPALIVE void jupiter_history_popped(const char* query) {
  if (g_history) g_history(query);
}

namespace jupiter::platform {

std::vector<std::string> browser_languages() {
  std::vector<std::string> out;
  const std::string all = take(jupiter_js_languages());
  std::size_t start = 0;
  while (start <= all.size()) {
    const std::size_t end = std::min(all.find('\n', start), all.size());
    if (end > start) out.push_back(all.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

std::vector<std::string> region_names(const std::string& language, const std::vector<std::string>& codes) {
  std::string joined;
  for (const std::string& c : codes) joined += (joined.empty() ? "" : ",") + c;
  const std::string all = take(jupiter_js_region_names(language.c_str(), joined.c_str()));
  std::vector<std::string> out;
  if (all.empty()) return out;
  std::size_t start = 0;
  for (;;) {
    const std::size_t end = all.find('\n', start);
    out.push_back(all.substr(start, end == std::string::npos ? std::string::npos : end - start));
    if (end == std::string::npos) break;
    start = end + 1;
  }
  if (out.size() != codes.size()) out.clear();
  return out;
}

bool consent_allows(const std::string& category) { return jupiter_js_consent_allows(category.c_str()) != 0; }

void on_consent(std::function<void()> changed) {
  g_consent = std::move(changed);
  jupiter_js_watch_consent();
}

std::optional<std::string> storage_get(const std::string& key) {
  char* s = jupiter_js_storage_get(key.c_str());
  if (!s) return std::nullopt;
  return take(s);
}

bool storage_set(const std::string& key, const std::string& value) {
  return jupiter_js_storage_set(key.c_str(), value.c_str()) != 0;
}

void storage_remove(const std::string& key) { jupiter_js_storage_remove(key.c_str()); }

double now_ms() { return jupiter_js_now(); }

bool is_online() { return jupiter_js_online() != 0; }

void on_connectivity(std::function<void(bool)> changed) {
  g_connectivity = std::move(changed);
  jupiter_js_watch_connectivity();
}

std::string url_query() { return take(jupiter_js_url_query()); }

void set_url_query(const std::string& query, const std::string& routed, bool push) {
  jupiter_js_set_url_query(query.c_str(), routed.c_str(), push ? 1 : 0);
}

void on_history(std::function<void(std::string)> popped) {
  g_history = std::move(popped);
  jupiter_js_watch_history();
}

}  // namespace jupiter::platform
