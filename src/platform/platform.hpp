// platform.hpp: the browser services the store uses, behind one interface.
//
// Implemented features (platform_web.cpp, Emscripten):
//  [X] Fetch: GET with If-None-Match; the result comes back as an action on the frame thread.
//  [X] Console logging at three levels.
//  [X] Money formatting with the browser's Intl.NumberFormat for the page's locale, cached per amount.
//  [X] URL query parameters (deep links, ?test=1).
//  [X] Performance marks (jupiter:first-frame, jupiter:catalogue-visible).
//  [ ] localStorage (guarded), clipboard, history: arrive with the catalogue, checkout and consent issues.
#pragma once
#include <functional>
#include <string>
#include <string_view>

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

}  // namespace jupiter::platform
