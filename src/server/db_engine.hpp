// db_engine.hpp: the engine interface behind db.hpp (internal): one implementation per engine, db_sqlite.cpp and
// db_postgres.cpp. Only db*.cpp include this. Error codes are SQLite's primary result codes on every engine
// (a PostgreSQL SQLSTATE is mapped to the nearest one), so callers can tell "busy" from "constraint" alike.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "server/db.hpp"

namespace jupiter::db::engine {

// SQLite's primary result codes (sqlite3.h), the portable vocabulary of Error::code.
enum Code : int {
  kError = 1, kInternal = 2, kBusy = 5, kLocked = 6, kIoErr = 10, kCorrupt = 11, kNotFound = 12, kFull = 13,
  kCantOpen = 14, kConstraint = 19, kMisuse = 21, kTooBig = 18, kReadOnly = 8
};

// One prepared statement; parameters are 1-based, columns 0-based. A failed bind is kept and reported by step().
class StatementImpl {
 public:
  virtual ~StatementImpl() = default;
  virtual void bind_int64(int index, std::int64_t value) = 0;
  virtual void bind_text(int index, std::string_view text) = 0;
  virtual void bind_blob(int index, std::string_view bytes) = 0;
  virtual void bind_null(int index) = 0;
  virtual Result<bool> step() = 0;  // true: a row is ready
  virtual void reset() = 0;         // back to the start, bindings cleared
  virtual std::int64_t column_int64(int column) const = 0;
  virtual std::string column_text(int column) const = 0;  // bytes of a blob/bytea column
  virtual bool column_is_null(int column) const = 0;
};

// One connection to a database.
class ConnectionImpl {
 public:
  virtual ~ConnectionImpl() = default;
  virtual Engine engine() const = 0;
  virtual Status exec(const std::string& sql) = 0;  // ';'-separated statements without rows
  virtual Result<std::unique_ptr<StatementImpl>> prepare(std::string_view sql) = 0;
  virtual int changes() const = 0;  // rows changed by the last INSERT/UPDATE/DELETE (triggers not counted)
  virtual const char* begin_sql() const = 0;  // the statement that starts a write transaction
};

Result<std::unique_ptr<ConnectionImpl>> open_sqlite(const std::string& path);
Result<std::unique_ptr<ConnectionImpl>> open_postgres(const std::string& url);

// `sql` with each `?` (or `?NNN`) outside string literals, quoted identifiers and comments turned into $1..$n
// (PostgreSQL), numbered as SQLite numbers them; `count` (when given) receives the highest number.
std::string numbered_placeholders(std::string_view sql, int* count = nullptr);

// SQLite schema text (migrations.cpp) as PostgreSQL takes it: INTEGER -> BIGINT (INTEGER PRIMARY KEY -> an
// identity column), WITHOUT ROWID dropped, GLOB '*[..]*' checks -> regular expressions, INSERT OR IGNORE -> ON
// CONFLICT DO NOTHING, json_object/strftime/julianday -> PostgreSQL's, triggers -> PL/pgSQL functions, PRAGMAs
// dropped, migration 10's bare column beside GROUP BY -> max(), and orders gets an explicit `rowid` identity column
// (SQLite's implicit one, which the partners' report orders ties by). Text without any of these is returned as is
// (BEGIN, COMMIT, plain DML).
std::string postgres_ddl(std::string_view sqlite_sql);

}  // namespace jupiter::db::engine
