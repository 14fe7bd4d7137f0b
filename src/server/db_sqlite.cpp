// db_sqlite.cpp: the SQLite engine behind db.hpp (see db_engine.hpp). The only file that calls sqlite3_*.
#include <sqlite3.h>

#include <chrono>
#include <climits>
#include <thread>

#include "server/db_engine.hpp"

namespace jupiter::db::engine {

namespace {

Error make_error(sqlite3* db, int rc, std::string_view what) {
  std::string message(what);
  message += ": ";
  message += db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  return Error{rc, std::move(message)};  // extended code; callers compare its low byte (the primary code)
}

class SqliteStatement final : public StatementImpl {
 public:
  SqliteStatement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  ~SqliteStatement() override { sqlite3_finalize(stmt_); }
  SqliteStatement(const SqliteStatement&) = delete;
  SqliteStatement& operator=(const SqliteStatement&) = delete;

  void bind_int64(int index, std::int64_t value) override { note(sqlite3_bind_int64(stmt_, index, value), index); }
  void bind_text(int index, std::string_view text) override {
    if (text.size() > static_cast<std::size_t>(INT_MAX)) return note(SQLITE_TOOBIG, index);
    note(sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT), index);
  }
  void bind_blob(int index, std::string_view bytes) override {
    if (bytes.size() > static_cast<std::size_t>(INT_MAX)) return note(SQLITE_TOOBIG, index);
    note(sqlite3_bind_blob(stmt_, index, bytes.data(), static_cast<int>(bytes.size()), SQLITE_TRANSIENT), index);
  }
  void bind_null(int index) override { note(sqlite3_bind_null(stmt_, index), index); }

  Result<bool> step() override {
    if (bind_error_) return *bind_error_;
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    return make_error(db_, rc, std::string("step \"") + sqlite3_sql(stmt_) + "\"");
  }
  void reset() override {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
    bind_error_.reset();
  }

  std::int64_t column_int64(int column) const override { return sqlite3_column_int64(stmt_, column); }
  std::string column_text(int column) const override {
    const void* bytes = sqlite3_column_type(stmt_, column) == SQLITE_BLOB ? sqlite3_column_blob(stmt_, column)
                                                                         : sqlite3_column_text(stmt_, column);
    const int size = sqlite3_column_bytes(stmt_, column);
    if (!bytes || size <= 0) return {};
    return std::string(static_cast<const char*>(bytes), static_cast<std::size_t>(size));
  }
  bool column_is_null(int column) const override { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }

 private:
  void note(int rc, int index) {
    if (rc != SQLITE_OK && !bind_error_) bind_error_ = make_error(db_, rc, "bind parameter " + std::to_string(index));
  }

  sqlite3* db_;
  sqlite3_stmt* stmt_;
  std::optional<Error> bind_error_;
};

class SqliteConnection final : public ConnectionImpl {
 public:
  explicit SqliteConnection(sqlite3* db) : db_(db) {}
  ~SqliteConnection() override { sqlite3_close_v2(db_); }
  SqliteConnection(const SqliteConnection&) = delete;
  SqliteConnection& operator=(const SqliteConnection&) = delete;

  Engine engine() const override { return Engine::Sqlite; }
  int changes() const override { return sqlite3_changes(db_); }
  const char* begin_sql() const override { return "BEGIN IMMEDIATE"; }

  Status exec(const std::string& sql) override {
    char* message = nullptr;
    const int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &message);
    if (rc == SQLITE_OK) return {};
    std::string text = message ? message : sqlite3_errstr(rc);
    sqlite3_free(message);
    const std::string head = sql.substr(0, 60);
    return Error{rc, "exec \"" + head + (sql.size() > 60 ? "...\": " : "\": ") + text};
  }

  Result<std::unique_ptr<StatementImpl>> prepare(std::string_view sql) override {
    if (sql.size() > static_cast<std::size_t>(INT_MAX)) return Error{kTooBig, "prepare: statement too long"};
    sqlite3_stmt* stmt = nullptr;
    const int rc = sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr);
    if (rc != SQLITE_OK) {
      sqlite3_finalize(stmt);
      return make_error(db_, rc, "prepare \"" + std::string(sql.substr(0, 80)) + "\"");
    }
    return std::unique_ptr<StatementImpl>(std::make_unique<SqliteStatement>(db_, stmt));
  }

 private:
  sqlite3* db_;
};

}  // namespace

// PRAGMA journal_mode = WAL: the mode it answers. Another process creating or migrating the same new file holds a
// lock that this switch meets as SQLITE_BUSY at once (SQLite calls no busy handler for it), so it is retried for up
// to the busy timeout.
Result<std::string> switch_to_wal(ConnectionImpl& c) {
  for (int attempt = 0;; ++attempt) {
    DB_TRY_LET(auto stmt, c.prepare("PRAGMA journal_mode = WAL"));
    Result<bool> row = stmt->step();
    if (row) return row.value() ? stmt->column_text(0) : std::string();
    const int primary = row.error().code & 0xff;  // the extended code's low byte
    const bool busy = primary == kBusy || primary == kLocked;
    if (!busy || attempt >= 100) return row.error();
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

Result<std::unique_ptr<ConnectionImpl>> open_sqlite(const std::string& path) {
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  auto c = std::make_unique<SqliteConnection>(raw);  // owns raw even when opening failed (it carries the message)
  if (rc != SQLITE_OK) return make_error(raw, rc, "open " + path);
  sqlite3_extended_result_codes(raw, 1);
  sqlite3_busy_timeout(raw, 5000);

  DB_TRY_LET(const std::string mode, switch_to_wal(*c));
  if (mode != "wal")
    return Error{kError, "open " + path + ": cannot switch to WAL journal mode (got \"" + mode + "\")"};
  DB_TRY(c->exec("PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;"));
  DB_TRY_LET(auto fk_stmt, c->prepare("PRAGMA foreign_keys"));
  DB_TRY_LET(const bool fk_row, fk_stmt->step());
  if (!fk_row || fk_stmt->column_int64(0) != 1) return Error{kError, "open " + path + ": foreign keys are unavailable"};
  fk_stmt.reset();
  return std::unique_ptr<ConnectionImpl>(std::move(c));
}

}  // namespace jupiter::db::engine
