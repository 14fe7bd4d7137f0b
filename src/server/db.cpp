// db.cpp: see db.hpp.
#include "server/db.hpp"

#include <sqlite3.h>

#include <climits>

namespace jupiter::db {

namespace {

Error make_error(sqlite3* db, int rc, std::string_view what) {
  std::string message(what);
  message += ": ";
  message += db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  return Error{rc, std::move(message)};
}

}  // namespace

// ---------------------------------------------------------------------------------------------------------
// [SECTION] Statement
// ---------------------------------------------------------------------------------------------------------
Statement::Statement(Statement&& other) noexcept
    : db_(std::exchange(other.db_, nullptr)),
      stmt_(std::exchange(other.stmt_, nullptr)),
      bind_error_(std::move(other.bind_error_)) {}

Statement& Statement::operator=(Statement&& other) noexcept {
  if (this != &other) {
    sqlite3_finalize(stmt_);
    db_ = std::exchange(other.db_, nullptr);
    stmt_ = std::exchange(other.stmt_, nullptr);
    bind_error_ = std::move(other.bind_error_);
  }
  return *this;
}

Statement::~Statement() { sqlite3_finalize(stmt_); }

void Statement::note_bind(int rc, int index) {
  if (rc != SQLITE_OK && !bind_error_)
    bind_error_ = make_error(db_, rc, "bind parameter " + std::to_string(index));
}

Statement& Statement::bind(int index, std::int64_t value) {
  note_bind(sqlite3_bind_int64(stmt_, index, value), index);
  return *this;
}

Statement& Statement::bind(int index, std::string_view text) {
  if (text.size() > static_cast<std::size_t>(INT_MAX)) {
    note_bind(SQLITE_TOOBIG, index);
    return *this;
  }
  note_bind(sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT), index);
  return *this;
}

Statement& Statement::bind(int index, std::nullptr_t) {
  note_bind(sqlite3_bind_null(stmt_, index), index);
  return *this;
}

Result<bool> Statement::step() {
  if (bind_error_) return *bind_error_;
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return make_error(db_, rc, std::string("step \"") + sqlite3_sql(stmt_) + "\"");
}

Status Statement::run() {
  for (;;) {
    auto row = step();
    if (!row) {
      Status failed = row.status();
      reset();
      return failed;
    }
    if (!row.value()) break;
  }
  reset();
  return {};
}

void Statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  bind_error_.reset();
}

std::int64_t Statement::column_int64(int column) const { return sqlite3_column_int64(stmt_, column); }

std::string Statement::column_text(int column) const {
  const unsigned char* text = sqlite3_column_text(stmt_, column);
  const int bytes = sqlite3_column_bytes(stmt_, column);
  if (!text || bytes <= 0) return {};
  return std::string(reinterpret_cast<const char*>(text), static_cast<std::size_t>(bytes));
}

bool Statement::column_is_null(int column) const { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }

// ---------------------------------------------------------------------------------------------------------
// [SECTION] Connection
// ---------------------------------------------------------------------------------------------------------
Result<Connection> Connection::open(const std::string& path) {
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  Connection c(raw);  // owns raw even when opening failed (SQLite allocates a handle to carry the message)
  if (rc != SQLITE_OK) return make_error(raw, rc, "open " + path);
  sqlite3_extended_result_codes(raw, 1);
  sqlite3_busy_timeout(raw, 5000);

  auto mode = c.query_text("PRAGMA journal_mode = WAL");
  if (!mode) return mode.error();
  if (mode.value().value_or("") != "wal")
    return Error{SQLITE_ERROR, "open " + path + ": cannot switch to WAL journal mode (got \"" +
                                   mode.value().value_or("") + "\")"};
  if (Status s = c.exec("PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;"); !s) return s.error();
  auto fk = c.query_int64("PRAGMA foreign_keys");
  if (!fk) return fk.error();
  if (fk.value().value_or(0) != 1) return Error{SQLITE_ERROR, "open " + path + ": foreign keys are unavailable"};
  return c;
}

Connection::Connection(Connection&& other) noexcept : db_(std::exchange(other.db_, nullptr)) {}

Connection& Connection::operator=(Connection&& other) noexcept {
  if (this != &other) {
    sqlite3_close_v2(db_);
    db_ = std::exchange(other.db_, nullptr);
  }
  return *this;
}

Connection::~Connection() { sqlite3_close_v2(db_); }

Error Connection::error(std::string_view what) const {
  return make_error(db_, db_ ? sqlite3_extended_errcode(db_) : SQLITE_MISUSE, what);
}

int Connection::changes() const { return sqlite3_changes(db_); }

Status Connection::exec(const std::string& sql) {
  char* message = nullptr;
  const int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &message);
  if (rc == SQLITE_OK) return {};
  std::string text = message ? message : sqlite3_errstr(rc);
  sqlite3_free(message);
  const std::string head = sql.substr(0, 60);
  return Error{rc, "exec \"" + head + (sql.size() > 60 ? "...\": " : "\": ") + text};
}

Result<Statement> Connection::prepare(std::string_view sql) {
  if (sql.size() > static_cast<std::size_t>(INT_MAX)) return Error{SQLITE_TOOBIG, "prepare: statement too long"};
  sqlite3_stmt* stmt = nullptr;
  const int rc = sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_finalize(stmt);
    return make_error(db_, rc, "prepare \"" + std::string(sql.substr(0, 80)) + "\"");
  }
  return Statement(db_, stmt);
}

namespace {

// The first column of `q`'s first row as read by `read` (which gives nullopt for NULL); nullopt without a row.
template <class T, class F>
Result<std::optional<T>> first_column(Query q, F read) {
  DB_TRY_LET(const std::optional<std::optional<T>> row, q.one(read));
  return row ? *row : std::optional<T>();
}

}  // namespace

Result<std::optional<std::int64_t>> Connection::query_int64(std::string_view sql) {
  return first_column<std::int64_t>(query(sql), [](const Row& r) { return r.opt_int64(0); });
}

Result<std::optional<std::string>> Connection::query_text(std::string_view sql) {
  return first_column<std::string>(query(sql), [](const Row& r) { return r.opt_text(0); });
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] Transaction
// ---------------------------------------------------------------------------------------------------------
Result<Transaction> Transaction::begin(Connection& c) {
  if (Status s = c.exec("BEGIN IMMEDIATE"); !s) return s.error();
  return Transaction(&c);
}

Transaction::~Transaction() {
  if (conn_) (void)conn_->exec("ROLLBACK");  // nothing better to do with a failed rollback here
}

Status Transaction::commit() {
  assert(conn_ && "Transaction::commit() after commit or rollback");
  Connection* c = std::exchange(conn_, nullptr);
  Status s = c->exec("COMMIT");
  if (!s) (void)c->exec("ROLLBACK");
  return s;
}

}  // namespace jupiter::db
