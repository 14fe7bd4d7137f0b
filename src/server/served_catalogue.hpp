// served_catalogue.hpp: the encoded body GET /api/catalogue sends, kept equal to the database's catalogue when
// several processes share the database (issue 17).
//
// load() builds it from the stored catalogue at start-up. Once started, every `period` it reads the catalogue's
// version (catalogue_meta.source_sha256, the hash of the imported file) and, when another process has imported a
// different catalogue since, rebuilds the body, and so its ETag, and swaps it in. A request keeps the body it took
// (a shared_ptr), so a swap never changes a response half-way; a failed refresh keeps serving the previous body.
#pragma once
#include <chrono>
#include <cstddef>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>

#include "server/background.hpp"
#include "server/db.hpp"
#include "server/encoding.hpp"

namespace jupiter::server {

class ServedCatalogue {
 public:
  // `cache_dir` keeps the compressed forms between restarts (body_cache.hpp).
  ServedCatalogue(db::Database& db, std::filesystem::path cache_dir);
  ~ServedCatalogue();
  ServedCatalogue(const ServedCatalogue&) = delete;
  ServedCatalogue& operator=(const ServedCatalogue&) = delete;

  // Builds the body from the stored catalogue: its number of active plans, or the database's error.
  db::Result<std::size_t> load();
  // The body to send now (never null after a successful load()).
  std::shared_ptr<const EncodedBody> body() const;
  // Reloads when the stored version differs from the served one: true when it did.
  bool refresh();

  void start(std::chrono::milliseconds period);
  void stop();

 private:
  db::Result<std::optional<std::string>> stored_version();

  db::Database& db_;
  std::filesystem::path cache_dir_;
  mutable std::mutex mutex_;
  std::shared_ptr<const EncodedBody> body_;
  std::string version_;  // of body_; only load() and refresh() on one thread at a time touch it
  Background loop_;
};

}  // namespace jupiter::server
