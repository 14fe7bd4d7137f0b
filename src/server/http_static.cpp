// http_static.cpp: see http_static.hpp.
#include "server/http_static.hpp"

#include <httplib.h>

#include <algorithm>
#include <cctype>
#include <utility>
#include <vector>

#include "server/file_io.hpp"
#include "server/http_util.hpp"

namespace jupiter::server {

namespace fs = std::filesystem;

namespace {

// Web files bigger than this are refused (the store's whole first screen is far below it).
constexpr std::size_t kMaxFileBytes = 256u * 1024u * 1024u;

struct TypeEntry {
  std::string_view extension;
  std::string_view type;
};
constexpr TypeEntry kTypes[] = {
    {"html", "text/html; charset=utf-8"},
    {"htm", "text/html; charset=utf-8"},
    {"js", "text/javascript; charset=utf-8"},
    {"mjs", "text/javascript; charset=utf-8"},
    {"css", "text/css; charset=utf-8"},
    {"json", "application/json; charset=utf-8"},
    {"map", "application/json; charset=utf-8"},
    {"webmanifest", "application/manifest+json"},
    {"wasm", "application/wasm"},
    {"txt", "text/plain; charset=utf-8"},
    {"xml", "application/xml"},
    {"svg", "image/svg+xml"},
    {"png", "image/png"},
    {"jpg", "image/jpeg"},
    {"jpeg", "image/jpeg"},
    {"gif", "image/gif"},
    {"webp", "image/webp"},
    {"avif", "image/avif"},
    {"ico", "image/x-icon"},
    {"otf", "font/otf"},
    {"ttf", "font/ttf"},
    {"woff", "font/woff"},
    {"woff2", "font/woff2"},
    {"data", "application/octet-stream"},
    {"gz", "application/gzip"},
    {"br", "application/octet-stream"},
};

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool is_hex(char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; }

// True when `inner` is `root` or below it (both canonical).
bool is_within(const fs::path& root, const fs::path& inner) {
  auto r = root.begin();
  auto i = inner.begin();
  for (; r != root.end(); ++r, ++i) {
    if (i == inner.end() || *r != *i) return false;
  }
  return true;
}

// A precompressed sibling ("app.js.br") when it exists and is no older than the file itself.
std::optional<std::string> sibling(const fs::path& file, const char* suffix, fs::file_time_type mtime) {
  fs::path p = file;
  p += suffix;
  std::error_code ec;
  const auto t = fs::last_write_time(p, ec);
  if (ec || t < mtime) return std::nullopt;
  FileRead r = read_file(p, kMaxFileBytes);
  if (!r.ok) return std::nullopt;
  return std::move(r.data);
}

}  // namespace

// ---------------------------------------------------------------------------------------------------------
// [SECTION] types and names
// ---------------------------------------------------------------------------------------------------------
std::string content_type_for(std::string_view extension) {
  if (!extension.empty() && extension[0] == '.') extension.remove_prefix(1);
  const std::string ext = lower(extension);
  for (const TypeEntry& t : kTypes)
    if (t.extension == ext) return std::string(t.type);
  return "application/octet-stream";
}

bool is_compressible(std::string_view type) {
  const std::string_view media = type.substr(0, type.find(';'));
  if (media.substr(0, 5) == "text/") return true;
  for (std::string_view t : {"application/json", "application/manifest+json", "application/wasm",
                             "application/xml", "image/svg+xml", "image/x-icon", "font/otf", "font/ttf"})
    if (media == t) return true;
  return false;
}

bool has_content_hash(std::string_view name) {
  // name . <8+ hex> . ext
  const std::size_t last = name.rfind('.');
  if (last == std::string_view::npos || last == 0 || last + 1 == name.size()) return false;
  const std::size_t prev = name.rfind('.', last - 1);
  if (prev == std::string_view::npos || prev == 0) return false;
  const std::string_view hash = name.substr(prev + 1, last - prev - 1);
  return hash.size() >= 8 && std::all_of(hash.begin(), hash.end(), is_hex);
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] StaticFiles
// ---------------------------------------------------------------------------------------------------------
StaticFiles::StaticFiles(fs::path root) {
  std::error_code ec;
  root_ = fs::weakly_canonical(fs::absolute(root, ec), ec);
  if (ec) root_ = fs::absolute(root).lexically_normal();
}

StaticFiles::Resolved StaticFiles::resolve(std::string_view url_path) const {
  Resolved r;
  auto refuse = [&r](int status, std::string message) {
    r.status = status;
    r.message = std::move(message);
    return r;
  };
  if (url_path.empty() || url_path[0] != '/') return refuse(400, "the path must start with '/'");
  for (char ch : url_path) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c == 0x7f) return refuse(400, "the path contains a control character");
    if (c == '\\') return refuse(400, "the path contains a backslash");
  }

  std::vector<std::string_view> segments;
  std::string_view rest = url_path.substr(1);
  for (;;) {
    const std::size_t slash = rest.find('/');
    const std::string_view seg = rest.substr(0, slash);
    const bool last = slash == std::string_view::npos;
    if (seg == "." || seg == "..") return refuse(400, "the path contains a '.' or '..' segment");
    if (seg.empty() && !last) return refuse(400, "the path contains an empty segment");
    if (!seg.empty() && seg[0] == '.') return refuse(404, "no such file");  // dot files are never published
    if (!seg.empty()) segments.push_back(seg);
    if (last) break;
    rest = rest.substr(slash + 1);
  }
  const bool directory = url_path.back() == '/';

  for (std::string_view seg : segments) {
    if (!r.relative.empty()) r.relative += '/';
    r.relative += seg;
  }
  if (directory) r.relative += r.relative.empty() ? "index.html" : "/index.html";

  r.file = root_ / fs::path(r.relative);
  std::error_code ec;
  if (!directory && fs::is_directory(r.file, ec)) {
    // "/demo" -> "/demo/", so that the page's relative links resolve inside the directory.
    r.status = 301;
    return r;
  }
  // Symlinks may point anywhere: serve only what really lies inside the root.
  const fs::path real = fs::canonical(r.file, ec);
  if (ec || !is_within(root_, real)) return refuse(404, "no such file");
  r.file = real;
  return r;
}

std::shared_ptr<const StaticFiles::Entry> StaticFiles::load(const Resolved& r, std::string& error) {
  std::error_code ec;
  const auto status = fs::status(r.file, ec);
  if (ec || !fs::is_regular_file(status)) {
    error = "no such file";
    return nullptr;
  }
  const auto mtime = fs::last_write_time(r.file, ec);
  const auto size = ec ? 0 : fs::file_size(r.file, ec);
  if (ec) {
    error = "no such file";
    return nullptr;
  }
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = cache_.find(r.relative);
    if (it != cache_.end() && it->second->mtime == mtime && it->second->size == size) return it->second;
  }

  // Read and compress outside the lock; two threads racing on the same new file both do the work once.
  FileRead read = read_file(r.file, kMaxFileBytes);
  if (!read.ok) {
    error = read.error;
    return nullptr;
  }
  auto entry = std::make_shared<Entry>();
  entry->mtime = mtime;
  entry->size = size;
  entry->content_type = content_type_for(r.file.extension().string());
  auto gz = sibling(r.file, ".gz", mtime);
  auto br = sibling(r.file, ".br", mtime);
  const bool compress = is_compressible(entry->content_type);
  if (compress && !gz) gz = gzip_compress(read.data, 9);
  if (compress && !br) br = brotli_compress(read.data, brotli_quality_for(read.data.size()));
  entry->body = std::make_shared<const EncodedBody>(EncodedBody::with(std::move(read.data), std::move(gz), std::move(br)));

  std::lock_guard<std::mutex> lock(mutex_);
  cache_[r.relative] = entry;
  return entry;
}

// Hashed names never change; the partner loader (embed.js, which partners' pages link under a fixed name) may be
// a few minutes stale, so that each page view on a partner's site does not revalidate it; the rest revalidates.
static const char* cache_control_for(const std::string& relative, const std::string& name) {
  if (has_content_hash(name)) return "public, max-age=31536000, immutable";
  if (relative == "embed.js") return "public, max-age=300";
  return "no-cache";
}

void StaticFiles::serve(const httplib::Request& req, httplib::Response& res) {
  const Resolved r = resolve(req.path);
  if (r.status == 301) {
    const std::string raw_path = req.target.substr(0, req.target.find('?'));
    res.set_header("Cache-Control", "no-cache");
    return res.set_redirect(raw_path + "/", 301);
  }
  if (r.status != 200) return send_error(res, r.status, r.message);
  std::string error;
  const std::shared_ptr<const Entry> entry = load(r, error);
  if (!entry) return send_error(res, 404, error);

  if (entry->content_type.rfind("text/html", 0) == 0) res.set_header("Content-Security-Policy", kContentSecurityPolicy);
  const std::string name = r.file.filename().string();
  send_encoded_ranged(req, res, *entry->body, entry->content_type, cache_control_for(r.relative, name));
}

}  // namespace jupiter::server
