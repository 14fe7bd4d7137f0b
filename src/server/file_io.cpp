// file_io.cpp: see file_io.hpp.
#include "server/file_io.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

namespace jupiter::server {

FileRead read_file(const std::filesystem::path& path, std::size_t max_bytes) {
  FileRead out;
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (ec || !std::filesystem::exists(status)) {
    out.error = ec && ec != std::errc::no_such_file_or_directory ? ec.message() : "no such file";
    return out;
  }
  if (std::filesystem::is_directory(status)) {
    out.error = "is a directory";
    return out;
  }
  if (!std::filesystem::is_regular_file(status)) {
    out.error = "not a regular file";
    return out;
  }
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> f(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!f) {
    out.error = std::strerror(errno);
    return out;
  }
  char buffer[64 * 1024];
  for (;;) {
    const std::size_t n = std::fread(buffer, 1, sizeof buffer, f.get());
    if (n > 0) {
      if (out.data.size() + n > max_bytes) {
        out.data.clear();
        out.error = "larger than " + std::to_string(max_bytes) + " bytes";
        return out;
      }
      out.data.append(buffer, n);
    }
    if (n < sizeof buffer) break;
  }
  if (std::ferror(f.get())) {
    out.data.clear();
    out.error = "read error";
    return out;
  }
  out.ok = true;
  return out;
}

}  // namespace jupiter::server
