// browser.hpp: browser services for the eSIM delivery screen: clipboard, opening links, what device this is.
//
// Implemented features (browser_web.cpp, Emscripten):
//  [X] Clipboard: write exactly a string (navigator.clipboard.writeText; a hidden-textarea copy as the fallback
//      for pages where the async API is missing or refused); the outcome comes back on the frame thread.
//  [X] Links: open an https link in a new tab (noopener), or navigate this tab.
//  [X] Device facts: navigator.userAgent and navigator.maxTouchPoints (for core/delivery's detect_device).
//  [X] This page's origin and path, for links that open the same page on another device.
//  [X] Saving a file the store made (a Blob and a download link), e.g. the customer's copy of their data.
#pragma once
#include <functional>
#include <string>

namespace jupiter::platform {

// Called whenever an asynchronous browser result arrived and the UI should draw again. Set once by main.
void set_redraw_hook(void (*hook)(int frames));
// Runs the redraw hook (for platform parts whose browser events arrive outside any input).
void request_redraw(int frames);

// Copies `text` to the clipboard; `done(true)` when the browser confirmed it. Call from a user gesture's frame.
void copy_text(const std::string& text, std::function<void(bool ok)> done);

// Opens `url` (http or https only; anything else is refused and logged) in a new tab, or in this one.
void open_url(const std::string& url, bool new_tab);

// Offers `body` as a download named `name` of MIME type `type`.
void save_file(const std::string& name, const std::string& type, const std::string& body);

std::string user_agent();
int max_touch_points();
std::string page_base_url();  // "https://store.example/" : origin + path, no query or fragment
// The content of the page's <meta name="NAME">, "" when there is none (e.g. "jupiter:flags", the flag atlas).
std::string page_meta(const char* name);

}  // namespace jupiter::platform
