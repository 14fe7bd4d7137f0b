// image.hpp: images from the web root as WebGL textures, for the UI to draw with ImGui (e.g. the flag atlas).
//
// Implemented features (image_web.cpp, Emscripten):
//  [X] fetch -> createImageBitmap (decoded off the main thread) -> a WebGL2 texture, RGBA, linear filtering,
//      clamped at the edges, not premultiplied (ImGui blends straight alpha)
//  [X] the outcome comes back through a callback on the page's thread, then the redraw hook runs
//  [X] a failed fetch or decode deletes the texture and reports 0; nothing is retried (the UI works without it)
#pragma once
#include <functional>
#include <string>

namespace jupiter::platform {

// Loads the image at `url` (same origin) into a new texture; done(texture name) when it is ready, done(0) when it
// could not be loaded. Call after the GL context exists.
void load_texture(const std::string& url, std::function<void(unsigned texture)> done);

}  // namespace jupiter::platform
