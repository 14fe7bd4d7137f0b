// platform.hpp: the browser services the store uses, behind one interface.
//
// Implemented features (platform_web.cpp, Emscripten):
//  [X] Fetch: GET with If-None-Match; the result comes back as an action on the frame thread.
//  [X] Console logging at three levels.
//  [X] Money formatting with the browser's Intl.NumberFormat for the page's locale, cached per amount.
//  [X] URL query parameters (deep links, ?test=1).
//  [X] Performance marks (jupiter:first-frame, jupiter:catalogue-visible).
//  [X] Requests with method, headers and body (checkout); sessionStorage (guarded); random tokens; URL fragment,
//      replaceState, top-level navigation.
//  [ ] localStorage (guarded), clipboard, history: arrive with the catalogue, checkout and consent issues.
#pragma once
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/app.hpp"
#include "core/money.hpp"

namespace jupiter::platform {

// Starts a GET; when it ends, `done` receives the CatalogueResponse-shaped result on the frame thread.
struct FetchResult {
  int status = 0;  // 0: network failure
  std::string body;
  std::string etag;
  std::string error;
};
using FetchDone = std::function<void(FetchResult)>;
void fetch(const std::string& url, const std::string& if_none_match, FetchDone done);

void log(LogLevel level, const std::string& message);

// "¥1,234" / "12,99 €" for the active locale. Cached: one call into JS per distinct amount.
const std::string& format_money(Money m);
// The locale format_money uses: the browser's own tag when it is in this language ("de-AT"), else the bare
// language ("de"). Clears the cache.
void set_money_locale(std::string_view language_code);

// The value of ?name=... in the page URL, or "" when absent.
std::string query_param(std::string_view name);

// Tells the page that WebGL2 is missing (it shows a message in the DOM).
void report_no_webgl();

// performance.mark(name), once per name.
void mark(const char* name);

// ---- checkout (issue 4): requests with a method, headers and a body; the tab's session storage; the URL -----
struct HttpRequest {
  std::string method;  // "GET", "POST"
  std::string url;     // same-origin path
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};
struct HttpResponse {
  int status = 0;  // 0: network failure (see error)
  std::string body;
  int retry_after_s = 0;  // Retry-After in seconds, when sent
  std::string error;
};
// Sends the request (same-origin credentials, no cache); `done` gets the result on the frame thread.
void request(const HttpRequest& req, std::function<void(HttpResponse)> done);

// sessionStorage, every call guarded (storage can be disabled or full): a failed read gives "", a failed write
// is logged and otherwise ignored.
std::string session_get(const std::string& key);
void session_set(const std::string& key, const std::string& value);
void session_remove(const std::string& key);

// `bytes` random bytes from crypto.getRandomValues, base64url without padding.
std::string random_token(int bytes);
// location.hash without the '#'.
std::string url_fragment();
// history.replaceState to a same-origin path (the address bar shows it; nothing is loaded).
void replace_url(const std::string& path);
// Top-level navigation of this tab to an http(s) address (the payment processor's hosted page).
void navigate(const std::string& url);

}  // namespace jupiter::platform
