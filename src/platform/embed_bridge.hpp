// embed_bridge.hpp: the store module's side of the partner embed (issue 12): window.jupiterEmbed, which
// web/embed-bridge.js sets up in a partner's frame. On the store's own page it does not exist and every call here
// does nothing (embed_config() says so).
//
// Implemented features (embed_bridge_web.cpp, Emscripten):
//  [X] The embed config as JSON (window.jupiterEmbed.config, an object or a JSON string), read once at start.
//  [X] Attribute changes from the host page, delivered on the frame thread through a callback.
//  [X] Events for the host (emit), the content height (size), the payment window (openPayment).
#pragma once
#include <functional>
#include <optional>
#include <string>

namespace jupiter::platform {

// The config as JSON; nullopt when window.jupiterEmbed is absent (the store's own page). A config that cannot be
// turned into JSON comes back as "" (the caller treats it as malformed).
std::optional<std::string> embed_config();
// fn(json) on each attribute change. Call once, in embed mode.
void embed_on_attributes(std::function<void(std::string)> fn);
// jupiterEmbed.emit(name, detail): detail is a JSON object. Errors in the bridge are caught and logged.
void embed_emit(const std::string& name, const std::string& detail_json);
// jupiterEmbed.size(height in CSS px).
void embed_size(int height_css_px);
// jupiterEmbed.openPayment(url): true when a window opened (false: blocked, or no bridge). Call within the
// buyer's click (user activation).
bool embed_open_payment(const std::string& url);

}  // namespace jupiter::platform
