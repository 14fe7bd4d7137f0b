// body_cache.cpp: see body_cache.hpp.
#include "server/body_cache.hpp"

#include <unistd.h>

#include <fstream>
#include <optional>

#include "server/file_io.hpp"
#include "server/log.hpp"

namespace jupiter::server {

namespace fs = std::filesystem;

namespace {

constexpr std::size_t kMaxCachedBytes = 64u * 1024u * 1024u;

std::optional<std::string> read_cached(const fs::path& p) {
  FileRead r = read_file(p, kMaxCachedBytes);
  if (!r.ok || r.data.empty()) return std::nullopt;
  return std::move(r.data);
}

// Write to a temporary name of this process's own, then rename: a reader never sees half a file, also when several
// processes share the data folder and refresh the same file at once.
void write_cached(const fs::path& p, const std::string& data) {
  const fs::path tmp = fs::path(p) += "." + std::to_string(getpid()) + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out.write(data.data(), static_cast<std::streamsize>(data.size()));
    if (!out) {
      log::error("warning: cannot write " + tmp.string() + " (the cache is optional, carrying on)");
      return;
    }
  }
  std::error_code ec;
  fs::rename(tmp, p, ec);
  if (ec) fs::remove(tmp, ec);
}

}  // namespace

EncodedBody make_cached_body(std::string identity, const fs::path& cache_dir, std::string_view name) {
  const std::string stem = std::string(name) + "." + sha256_hex(identity).substr(0, 32);
  const fs::path gz_path = cache_dir / (stem + ".gz");
  const fs::path br_path = cache_dir / (stem + ".br");
  std::optional<std::string> gz = read_cached(gz_path);
  std::optional<std::string> br = read_cached(br_path);
  if (gz && br) return EncodedBody::with(std::move(identity), std::move(gz), std::move(br));

  if (!gz) gz = gzip_compress(identity, 9);
  if (!br) br = brotli_compress(identity, brotli_quality_for(identity.size()));
  std::error_code ec;
  fs::create_directories(cache_dir, ec);
  // Older forms of the same body are of no further use.
  for (fs::directory_iterator it(cache_dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string file = it->path().filename().string();
    std::error_code ignored;
    if (file.rfind(std::string(name) + ".", 0) == 0 && file.rfind(stem, 0) != 0) fs::remove(it->path(), ignored);
  }
  if (gz) write_cached(gz_path, *gz);
  if (br) write_cached(br_path, *br);
  return EncodedBody::with(std::move(identity), std::move(gz), std::move(br));
}

}  // namespace jupiter::server
