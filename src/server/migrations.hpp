// migrations.hpp: the database schema as an ordered list of migrations, and the code that applies them.
//
// The table `schema_migrations(version, name, applied_at)` records which ones ran. To change the schema, append
// a migration with the next version number; never edit one that has shipped.
#pragma once
#include <vector>

#include "server/db.hpp"

namespace jupiter::server {

struct Migration {
  int version;       // 1, 2, 3, ... without gaps
  const char* name;  // short, for the log: "catalogue"
  const char* sql;   // one or more statements, run in one transaction with the version row
};

// Every migration this binary knows, oldest first.
const std::vector<Migration>& migrations();

// Applies the missing migrations in order (each in its own transaction), holding the start-up lock. Refuses a
// database written by a newer binary (a version above the last one known here). Returns the versions applied.
db::Result<std::vector<int>> migrate(db::Connection& c);

// The start-up lock serialises what processes starting at once on one database must not do together (migrations,
// the catalogue import): on PostgreSQL a session advisory lock (waited for up to the connection's lock_timeout);
// on SQLite nothing, as its write transactions already serialise. Release what you hold, also after a failure.
db::Status hold_startup_lock(db::Connection& c);
void release_startup_lock(db::Connection& c);

}  // namespace jupiter::server
