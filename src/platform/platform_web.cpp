// platform_web.cpp: the browser implementation of platform.hpp (Emscripten, EM_JS).
#include <emscripten.h>

#include <map>
#include <set>
#include <unordered_map>
#include <utility>

#include "platform/platform.hpp"

namespace {
std::unordered_map<int, jupiter::platform::FetchDone> g_pending;
int g_next_fetch_id = 1;
}  // namespace

// clang-format off
// A copy of a JS string in the module's heap; the caller frees it.
EM_JS(void, jupiter_js_fetch, (int id, const char* url, const char* if_none_match), {
  const headers = {};
  const jupiterNewString = (str) => {
    const n = lengthBytesUTF8(str) + 1, p = _malloc(n);
    stringToUTF8(str, p, n);
    return p;
  };
  const inm = UTF8ToString(if_none_match);
  if (inm) headers["If-None-Match"] = inm;
  const deliver = (status, bytes, etag, error) => {
    const n = bytes ? bytes.length : 0;
    const body = _malloc(n + 1);
    if (n) HEAPU8.set(bytes, body);
    HEAPU8[body + n] = 0;
    const etagPtr = jupiterNewString(etag || "");
    const errPtr = jupiterNewString(error || "");
    try { _jupiter_fetch_done(id, status, body, n, etagPtr, errPtr); }
    finally { _free(body); _free(etagPtr); _free(errPtr); }
  };
  const target = UTF8ToString(url);
  const pre = Module.jupiterPrefetch && Module.jupiterPrefetch[target];
  const early = pre && pre.inm === inm ? pre.response : null;  // boot.js asked the same question
  if (pre) delete Module.jupiterPrefetch[target];  // a prefetched response is used once
  const request = early || fetch(target, { headers, cache: "no-cache", credentials: "same-origin" }).then(
    async (r) => ({ status: r.status, etag: r.headers.get("ETag"), body: new Uint8Array(await r.arrayBuffer()) }));
  request.then((r) => deliver(r.status, r.body, r.etag, ""))
    .catch((e) => deliver(0, null, "", String((e && e.message) || e)));
});

EM_JS(void, jupiter_js_log, (int level, const char* msg), {
  const text = UTF8ToString(msg);
  if (level == 2) console.error(text); else if (level == 1) console.warn(text); else console.info(text);
});

EM_JS(char*, jupiter_js_format_money, (double minor, const char* currency, int exponent), {
  const cur = UTF8ToString(currency);
  const jupiterNewString = (str) => {
    const n = lengthBytesUTF8(str) + 1, p = _malloc(n);
    stringToUTF8(str, p, n);
    return p;
  };
  const f = (Module.jupiterMoneyFormats = Module.jupiterMoneyFormats || {});
  const locale = Module.jupiterMoneyLocale || navigator.language || "en";
  let fmt = f[locale + "|" + cur];
  if (!fmt) {
    try { fmt = new Intl.NumberFormat(locale, { style: "currency", currency: cur }); }
    catch (e) { fmt = new Intl.NumberFormat("en", { style: "currency", currency: cur }); }
    f[locale + "|" + cur] = fmt;
  }
  return jupiterNewString(fmt.format(minor / Math.pow(10, exponent)));
});

EM_JS(void, jupiter_js_set_money_locale, (const char* language), {
  const lang = UTF8ToString(language);
  const tags = navigator.languages && navigator.languages.length ? navigator.languages : [navigator.language || ""];
  const own = tags.find((t) => t && t.toLowerCase().split("-")[0] === lang);
  Module.jupiterMoneyLocale = own || lang || "en";
});

EM_JS(char*, jupiter_js_query_param, (const char* name), {
  const v = new URLSearchParams(location.search).get(UTF8ToString(name));
  const jupiterNewString = (str) => {
    const n = lengthBytesUTF8(str) + 1, p = _malloc(n);
    stringToUTF8(str, p, n);
    return p;
  };
  return jupiterNewString(v === null ? "" : v);
});

EM_JS(void, jupiter_js_no_webgl, (void), {
  if (Module.onNoWebGL) Module.onNoWebGL();
});

EM_JS(void, jupiter_js_mark, (const char* name), {
  if (typeof performance !== "undefined" && performance.mark) performance.mark(UTF8ToString(name));
});
// clang-format on

extern "C" EMSCRIPTEN_KEEPALIVE void jupiter_fetch_done(int id, int status, const char* body, int len,
                                                         const char* etag, const char* error) {
  auto it = g_pending.find(id);
  if (it == g_pending.end()) return;
  auto done = std::move(it->second);
  g_pending.erase(it);
  done({status, std::string(body, static_cast<std::size_t>(len)), etag, error});
}

namespace jupiter::platform {

void fetch(const std::string& url, const std::string& if_none_match, FetchDone done) {
  const int id = g_next_fetch_id++;
  g_pending.emplace(id, std::move(done));
  jupiter_js_fetch(id, url.c_str(), if_none_match.c_str());
}

void log(LogLevel level, const std::string& message) { jupiter_js_log(static_cast<int>(level), message.c_str()); }

namespace {
std::map<std::pair<Currency, std::int64_t>, std::string> g_money_cache;
}  // namespace

void set_money_locale(std::string_view language_code) {
  jupiter_js_set_money_locale(std::string(language_code).c_str());
  g_money_cache.clear();
}

const std::string& format_money(Money m) {
  auto& cache = g_money_cache;
  auto key = std::make_pair(m.currency, m.minor);
  auto it = cache.find(key);
  if (it != cache.end()) return it->second;
  char* s = jupiter_js_format_money(static_cast<double>(m.minor), std::string(currency_code(m.currency)).c_str(),
                                    currency_exponent(m.currency));
  it = cache.emplace(key, s).first;
  free(s);
  return it->second;
}

std::string query_param(std::string_view name) {
  char* s = jupiter_js_query_param(std::string(name).c_str());
  std::string out(s);
  free(s);
  return out;
}

void report_no_webgl() { jupiter_js_no_webgl(); }

void mark(const char* name) {
  static std::set<std::string> done;
  if (done.insert(name).second) jupiter_js_mark(name);
}

}  // namespace jupiter::platform

// ---- checkout (issue 4): requests, session storage, random tokens, URL ------------------------------------
namespace {
std::unordered_map<int, std::function<void(jupiter::platform::HttpResponse)>> g_requests;
int g_next_request_id = 1;
}  // namespace

// clang-format off
// headers: "name\nvalue\n" pairs (header values cannot contain a newline).
EM_JS(void, jupiter_js_request, (int id, const char* method, const char* url, const char* headers,
                                 const char* body), {
  const lines = UTF8ToString(headers).split("\n");
  const h = {};
  for (let i = 0; i + 1 < lines.length; i += 2) h[lines[i]] = lines[i + 1];
  const m = UTF8ToString(method);
  const init = { method: m, headers: h, cache: "no-store", credentials: "same-origin", redirect: "error" };
  if (m !== "GET") init.body = UTF8ToString(body);
  const str = (s) => { const n = lengthBytesUTF8(s) + 1, p = _malloc(n); stringToUTF8(s, p, n); return p; };
  const deliver = (status, text, retryAfter, error) => {
    const b = str(text), e = str(error);
    try { _jupiter_request_done(id, status, b, retryAfter, e); } finally { _free(b); _free(e); }
  };
  fetch(UTF8ToString(url), init)
    .then(async (r) => deliver(r.status, await r.text(), parseInt(r.headers.get("Retry-After") || "0", 10) || 0, ""))
    .catch((e) => deliver(0, "", 0, String((e && e.message) || e)));
});

EM_JS(char*, jupiter_js_session_get, (const char* key), {
  let v = "";
  try { v = window.sessionStorage.getItem(UTF8ToString(key)) || ""; } catch (e) { v = ""; }
  const n = lengthBytesUTF8(v) + 1, p = _malloc(n);
  stringToUTF8(v, p, n);
  return p;
});

EM_JS(int, jupiter_js_session_set, (const char* key, const char* value), {
  try {
    if (value) window.sessionStorage.setItem(UTF8ToString(key), UTF8ToString(value));
    else window.sessionStorage.removeItem(UTF8ToString(key));
    return 1;
  } catch (e) { return 0; }
});

EM_JS(char*, jupiter_js_random_token, (int bytes), {
  const a = new Uint8Array(bytes);
  crypto.getRandomValues(a);
  const s = btoa(String.fromCharCode.apply(null, a)).split("+").join("-").split("/").join("_").split("=").join("");
  const n = lengthBytesUTF8(s) + 1, p = _malloc(n);
  stringToUTF8(s, p, n);
  return p;
});

EM_JS(char*, jupiter_js_url_fragment, (void), {
  const s = location.hash.replace(/^#/, "");
  const n = lengthBytesUTF8(s) + 1, p = _malloc(n);
  stringToUTF8(s, p, n);
  return p;
});

EM_JS(void, jupiter_js_replace_url, (const char* path), {
  try { history.replaceState(history.state, "", UTF8ToString(path)); } catch (e) { console.warn(String(e)); }
});

EM_JS(void, jupiter_js_navigate, (const char* url), {
  location.assign(UTF8ToString(url));
});
// clang-format on

extern "C" EMSCRIPTEN_KEEPALIVE void jupiter_request_done(int id, int status, const char* body, int retry_after,
                                                           const char* error) {
  auto it = g_requests.find(id);
  if (it == g_requests.end()) return;
  auto done = std::move(it->second);
  g_requests.erase(it);
  done({status, body, retry_after, error});
}

namespace jupiter::platform {
namespace {
std::string take(char* s) {
  std::string out(s);
  free(s);
  return out;
}
bool is_http_url(const std::string& url) { return url.rfind("http://", 0) == 0 || url.rfind("https://", 0) == 0; }
}  // namespace

void request(const HttpRequest& req, std::function<void(HttpResponse)> done) {
  std::string headers;
  for (const auto& [name, value] : req.headers) {
    if (name.find('\n') != std::string::npos || value.find('\n') != std::string::npos) continue;
    headers += name + "\n" + value + "\n";
  }
  const int id = g_next_request_id++;
  g_requests.emplace(id, std::move(done));
  jupiter_js_request(id, req.method.c_str(), req.url.c_str(), headers.c_str(), req.body.c_str());
}

std::string session_get(const std::string& key) { return take(jupiter_js_session_get(key.c_str())); }

void session_set(const std::string& key, const std::string& value) {
  if (!jupiter_js_session_set(key.c_str(), value.c_str())) log(LogLevel::Warning, "sessionStorage: write refused");
}

void session_remove(const std::string& key) { jupiter_js_session_set(key.c_str(), nullptr); }

std::string random_token(int bytes) { return take(jupiter_js_random_token(bytes)); }

std::string url_fragment() { return take(jupiter_js_url_fragment()); }

void replace_url(const std::string& path) {
  if (!path.empty() && path[0] == '/' && (path.size() == 1 || path[1] != '/')) jupiter_js_replace_url(path.c_str());
}

void navigate(const std::string& url) {
  if (is_http_url(url)) jupiter_js_navigate(url.c_str());
  else log(LogLevel::Error, "navigate: refused a non-http(s) address");
}

}  // namespace jupiter::platform
