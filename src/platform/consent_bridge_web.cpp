// consent_bridge_web.cpp: the browser implementation of consent_bridge.hpp (Emscripten, EM_JS).
#include "platform/consent_bridge.hpp"

#include <emscripten/emscripten.h>

#include <cstdlib>

namespace {

// The record as the consent manager holds it (web/consent.js's JupiterConsent.record(): storage, cookie or, with
// storage blocked, memory). "" until the manager has started, or when there is no decision. The store reads no
// consent storage itself: the storage names and the record's handling stay in consent.js alone.
EM_JS(char*, jupiter_js_consent_record, (void), {
  let s = "";
  try {
    const api = window.JupiterConsent;
    s = api && typeof api.record === "function" ? String(api.record() || "") : "";
  } catch (e) { s = ""; }
  const n = lengthBytesUTF8(s) + 1, p = _malloc(n);
  stringToUTF8(s, p, n);
  return p;
});

EM_JS(int, jupiter_js_gpc, (void), {
  try { return navigator.globalPrivacyControl === true ? 1 : 0; } catch (e) { return 0; }
});

EM_JS(void, jupiter_js_open_cookie_settings, (void), {
  try { if (window.JupiterConsent) window.JupiterConsent.showPreferences(); } catch (e) { console.warn(e); }
});

EM_JS(void, jupiter_js_withdraw_category, (const char* category), {
  try {
    const api = window.JupiterConsent;
    if (api && typeof api.withdraw === "function") api.withdraw(UTF8ToString(category));
  } catch (e) { console.warn(e); }
});

}  // namespace

namespace jupiter::platform {

std::string consent_record_text() {
  char* p = jupiter_js_consent_record();
  std::string s = p ? p : "";
  std::free(p);
  return s;
}

bool gpc_signal() { return jupiter_js_gpc() != 0; }

void open_cookie_settings() { jupiter_js_open_cookie_settings(); }

void withdraw_cookie_category(const std::string& category) { jupiter_js_withdraw_category(category.c_str()); }

}  // namespace jupiter::platform
