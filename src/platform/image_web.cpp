// image_web.cpp: the browser implementation of image.hpp (Emscripten, EM_JS, WebGL2).
#include "platform/image.hpp"

#include <GLES3/gl3.h>
#include <emscripten/emscripten.h>

#include <map>
#include <utility>

#include "platform/browser.hpp"

namespace {
struct Pending {
  unsigned texture = 0;
  std::function<void(unsigned)> done;
};
std::map<int, Pending> g_pending;
int g_next = 1;
}  // namespace

// clang-format off
EM_JS(void, jupiter_js_load_texture, (int id, const char* url_c, unsigned texture), {
  const url = UTF8ToString(url_c);
  fetch(url, { credentials: "same-origin" })
    .then((r) => { if (!r.ok) throw new Error("HTTP " + r.status); return r.blob(); })
    .then((b) => createImageBitmap(b, { premultiplyAlpha: "none", colorSpaceConversion: "none" }))
    .then((bitmap) => {
      const gl = GLctx;
      gl.bindTexture(gl.TEXTURE_2D, GL.textures[texture]);
      gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MIN_FILTER, gl.LINEAR);
      gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MAG_FILTER, gl.LINEAR);
      gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_S, gl.CLAMP_TO_EDGE);
      gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_T, gl.CLAMP_TO_EDGE);
      gl.pixelStorei(gl.UNPACK_PREMULTIPLY_ALPHA_WEBGL, false);
      gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA, gl.RGBA, gl.UNSIGNED_BYTE, bitmap);
      gl.bindTexture(gl.TEXTURE_2D, null);
      bitmap.close();
      _jupiter_texture_loaded(id, 1);
    })
    .catch((e) => { console.warn("image " + url + " not loaded: " + e); _jupiter_texture_loaded(id, 0); });
});
// clang-format on

extern "C" EMSCRIPTEN_KEEPALIVE void jupiter_texture_loaded(int id, int ok) {
  auto it = g_pending.find(id);
  if (it == g_pending.end()) return;
  Pending p = std::move(it->second);
  g_pending.erase(it);
  if (!ok) {
    glDeleteTextures(1, &p.texture);
    p.texture = 0;
  }
  p.done(p.texture);
  jupiter::platform::request_redraw(1);
}

namespace jupiter::platform {

void load_texture(const std::string& url, std::function<void(unsigned texture)> done) {
  GLuint texture = 0;
  glGenTextures(1, &texture);
  const int id = g_next++;
  g_pending.emplace(id, Pending{texture, std::move(done)});
  jupiter_js_load_texture(id, url.c_str(), texture);
}

}  // namespace jupiter::platform
