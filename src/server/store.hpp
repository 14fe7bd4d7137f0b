// store.hpp: the catalogue in the database. Imported from the catalogue JSON file when the file's content
// changed (its SHA-256 is recorded), read back from the tables for serving.
//
// The import is one transaction: a failure leaves the previous catalogue in place. Plans missing from a new file
// are retired (kept, flagged), never deleted, so that later tables (orders) can keep referring to them.
#pragma once
#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include "core/catalogue.hpp"
#include "server/db.hpp"

namespace jupiter::server {

struct CatalogueSync {
  enum class Outcome {
    Imported,    // the file was new or changed, and is now in the database
    Unchanged,   // the database already holds this file's content
    KeptStored,  // the file is unreadable or unusable; the database's earlier import is kept (see warning)
  };

  bool ok = false;
  std::string error;  // when !ok: why there is no catalogue to serve (names the file)
  Outcome outcome = Outcome::Unchanged;
  std::string warning;  // when KeptStored: what was wrong with the file
  std::string sha256;   // of the file's bytes, when it could be read
  // When Imported: what went in, what was retired, and every entry the decoder skipped.
  std::size_t regions = 0;
  std::size_t destinations = 0;
  std::size_t plans = 0;
  std::size_t retired_plans = 0;
  std::vector<CatalogueIssue> skipped;
};

// Makes the database hold the catalogue in `file`: imports it when the database has none or holds a different
// content hash. Not ok only when there is nothing to serve: no stored catalogue and the file is unreadable, not
// a catalogue, or has no valid plan; or the database failed.
CatalogueSync sync_catalogue(db::Database& db, const std::filesystem::path& file);

// The stored catalogue, active plans only, in document order.
db::Result<Catalogue> load_catalogue(db::Database& db);

}  // namespace jupiter::server
