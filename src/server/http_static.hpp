// http_static.hpp: the built web files (the store's HTML shell, JavaScript, WebAssembly, fonts, images).
//
// [X] Content-Type by extension (.wasm -> application/wasm, .js -> text/javascript, ...); "/" and "dir/" ->
//     index.html; "dir" -> 301 to "dir/".
// [X] Compression when the client accepts it: precompressed siblings (file.br, file.gz) first, else compressed
//     once on the fly (compressible types only) and kept in memory, keyed by path, size and mtime.
// [X] Cache-Control: names with a content hash (name.<8+ hex>.ext) are immutable for a year; embed.js (the
//     partner loader, linked under a fixed name) public for 5 minutes; the rest no-cache.
// [X] Strong ETags (hash of the content) and 304 on If-None-Match.
// [X] Range (one range of bytes, of the identity body): 206 / 416, If-Range; several ranges get the whole 200.
// [X] CSP and the other security headers on HTML.
// [X] Never serves outside the root: "..", "." and empty-name tricks (also percent-encoded), NUL and control
//     characters, backslashes -> 400; dot files and symlinks leading out of the root -> 404.
#pragma once
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "server/encoding.hpp"
#include "server/httplib_fwd.hpp"

namespace jupiter::server {

// "application/wasm" for ".wasm", ...; "application/octet-stream" for an unknown extension.
std::string content_type_for(std::string_view extension);
// True for types worth compressing (text, JSON, JavaScript, wasm, SVG, fonts other than woff/woff2).
bool is_compressible(std::string_view content_type);
// True for file names carrying a content hash: "store.3f9a1c2e.wasm", "app.0123456789abcdef.js".
bool has_content_hash(std::string_view file_name);

class StaticFiles {
 public:
  // `root` need not exist yet (a server started before the web build answers 404s).
  explicit StaticFiles(std::filesystem::path root);

  // Answers a GET or HEAD for `req.path`.
  void serve(const httplib::Request& req, httplib::Response& res);

 private:
  struct Entry {
    std::filesystem::file_time_type mtime;
    std::uintmax_t size = 0;
    std::string content_type;
    std::shared_ptr<const EncodedBody> body;
  };
  struct Resolved {
    int status = 200;               // 400 or 404 when the path is refused, 301 for a directory without '/'
    std::string message;            // why, when refused
    std::filesystem::path file;     // the file to serve, when 200
    std::string relative;           // cache key: "assets/app.js"
  };

  Resolved resolve(std::string_view url_path) const;
  std::shared_ptr<const Entry> load(const Resolved& r, std::string& error);

  std::filesystem::path root_;
  std::mutex mutex_;  // guards cache_
  std::map<std::string, std::shared_ptr<const Entry>> cache_;
};

}  // namespace jupiter::server
