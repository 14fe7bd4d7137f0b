// file_io.hpp: whole-file reads with errors as values (the server's only file input besides SQLite).
#pragma once
#include <cstddef>
#include <filesystem>
#include <string>

namespace jupiter::server {

struct FileRead {
  bool ok = false;
  std::string data;   // the file's bytes, when ok
  std::string error;  // when !ok: "no such file", "is a directory", "larger than N bytes", strerror text...
};

// Reads the regular file at `path` in full, refusing anything above `max_bytes`.
FileRead read_file(const std::filesystem::path& path, std::size_t max_bytes);

}  // namespace jupiter::server
