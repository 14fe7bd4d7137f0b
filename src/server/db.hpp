// db.hpp: a small RAII wrapper over SQLite or PostgreSQL: connections, prepared statements, transactions. Errors
// are values.
//
// Files: db.hpp/db.cpp (this API), db_engine.hpp (the engine interface, internal), db_sqlite.cpp (SQLite),
// db_postgres.cpp (PostgreSQL through libpq), db_pg_dialect.cpp (the SQLite schema text as PostgreSQL runs it).
// No engine type appears in this header.
// [X] Connection::open(url): "sqlite:PATH" (or a bare path), or "postgresql://user@host:port/db".
// [X] SQLite: WAL mode, foreign keys on, busy timeout. PostgreSQL: `?` placeholders rewritten to $1..$n outside
//     string literals; int64/text/null binds sent as text (the server infers their type), blobs as bytea.
// [X] Statement: prepared once, bound by 1-based index, stepped row by row.
// [X] Transaction: BEGIN IMMEDIATE (SQLite) or BEGIN (PostgreSQL); rolls back on destruction unless committed.
// [X] Database: one connection shared by the HTTP worker threads behind a mutex (see Database::with).
// [X] Query: one statement with typed binds whose rows are read by a function (each/all/one/run), errors kept
//     until the end: `c.query(sql, a, b).all([](const db::Row& r) { return T{r.text(0), r.int64(1)}; })`.
// [X] exec(sql, binds...) for statements without rows; in_transaction(c, f) commits when f succeeds.
// [X] DB_TRY(expr) / DB_TRY_LET(decl, expr): the one idiom for a chain of fallible steps (see the end of the file).
// Callers see Row, Query, Status and Result only (no engine type), so either engine sits behind them.
// Nothing here throws: failures come back as Error values carrying a SQLite primary result code (a PostgreSQL
// SQLSTATE is mapped to the nearest one: 23xxx CONSTRAINT, 40001/40P01/55P03 BUSY, 53100 FULL, ...) and a message.
#pragma once
#include <atomic>
#include <cassert>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <type_traits>
#include <vector>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace jupiter::db {

namespace engine {
class StatementImpl;
class ConnectionImpl;
}  // namespace engine

enum class Engine { Sqlite, Postgres };

// Bytes bound as a BLOB (SQLite) or bytea (PostgreSQL); read back with Row::text.
struct Blob {
  std::string_view bytes;
};

// A failed database call: a SQLite result code (SQLITE_* values, on either engine) and a message naming what failed.
struct Error {
  int code = 0;
  std::string message;
};

// Success, or an Error.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Error e) : error_(std::move(e)) {}  // NOLINT: implicit on purpose, `return Error{...};`

  bool ok() const { return !error_; }
  explicit operator bool() const { return ok(); }
  const Error& error() const {
    assert(error_ && "Status::error() on success");
    return *error_;
  }

 private:
  std::optional<Error> error_;
};

// A value, or an Error.
template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit on purpose
  Result(Error e) : v_(std::in_place_index<1>, std::move(e)) {}      // NOLINT: implicit on purpose

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() & {
    assert(ok() && "Result::value() on an error");
    return std::get<0>(v_);
  }
  T&& value() && {
    assert(ok() && "Result::value() on an error");
    return std::get<0>(std::move(v_));
  }
  const Error& error() const {
    assert(!ok() && "Result::error() on success");
    return std::get<1>(v_);
  }
  Status status() const { return ok() ? Status() : Status(error()); }

 private:
  std::variant<T, Error> v_;
};

// One prepared statement. Move-only; finalized on destruction. Not thread-safe (neither is its connection).
class Statement {
 public:
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  // Bind parameter `index` (1-based). A failed bind is remembered and reported by the next step()/run().
  Statement& bind(int index, std::int64_t value);
  Statement& bind(int index, int value) { return bind(index, static_cast<std::int64_t>(value)); }
  Statement& bind(int index, std::string_view text);  // copied
  Statement& bind(int index, Blob blob);               // copied
  Statement& bind(int index, const char* text) { return bind(index, std::string_view(text)); }
  Statement& bind(int index, const std::string& text) { return bind(index, std::string_view(text)); }
  Statement& bind(int index, std::nullptr_t);
  template <class T>
  Statement& bind(int index, const std::optional<T>& value) {
    return value ? bind(index, *value) : bind(index, nullptr);
  }
  // Binds every argument in order to parameters 1..N.
  template <class... Args>
  Statement& bind_all(const Args&... args) {
    int index = 0;
    (bind(++index, args), ...);
    return *this;
  }

  // One step: true when a row is ready to read, false when the statement is done.
  Result<bool> step();
  // Steps to the end (for statements that return no rows), then resets so it can be bound and run again.
  Status run();
  // Back to the start with every binding cleared.
  void reset();

  // Columns of the current row, 0-based. Text is copied out (the engine's buffer dies with the next step).
  // column_int64 reads PostgreSQL's booleans as 1/0, like SQLite's.
  std::int64_t column_int64(int column) const;
  std::string column_text(int column) const;
  bool column_is_null(int column) const;

 private:
  friend class Connection;
  explicit Statement(std::unique_ptr<engine::StatementImpl> impl);

  std::unique_ptr<engine::StatementImpl> impl_;
};

// The current row of a statement, read by 0-based column. Valid only inside the callback it is passed to.
class Row {
 public:
  explicit Row(const Statement& s) : s_(s) {}
  std::int64_t int64(int column) const { return s_.column_int64(column); }
  int integer(int column) const { return static_cast<int>(s_.column_int64(column)); }
  bool boolean(int column) const { return s_.column_int64(column) != 0; }
  std::string text(int column) const { return s_.column_text(column); }
  bool is_null(int column) const { return s_.column_is_null(column); }
  std::optional<std::int64_t> opt_int64(int column) const {
    return is_null(column) ? std::nullopt : std::optional<std::int64_t>(int64(column));
  }
  std::optional<std::string> opt_text(int column) const {
    return is_null(column) ? std::nullopt : std::optional<std::string>(text(column));
  }

 private:
  const Statement& s_;
};

// One prepared and bound statement, or the error that preparing or binding it met (reported by the terminal call).
//   each(f): f(row) for every row; f returns void, or a Status that stops the walk when it is an error.
//   all(read) / one(read): the rows as values made by read(row); one() gives the first row or nullopt.
//   run(): steps to the end without reading (INSERT/UPDATE/DELETE).
class Query {
 public:
  explicit Query(Result<Statement> stmt) : stmt_(std::move(stmt)) {}

  template <class F>
  Status each(F&& on_row) {
    if (!stmt_) return stmt_.error();
    Statement& s = stmt_.value();
    for (;;) {
      auto more = s.step();
      if (!more) return more.error();
      if (!more.value()) return {};
      if constexpr (std::is_void_v<std::invoke_result_t<F&, const Row&>>) {
        on_row(Row(s));
      } else {
        if (Status st = on_row(Row(s)); !st) return st;
      }
    }
  }
  template <class F, class T = std::decay_t<std::invoke_result_t<F&, const Row&>>>
  Result<std::vector<T>> all(F&& read) {
    std::vector<T> out;
    if (Status s = each([&](const Row& r) { out.push_back(read(r)); }); !s) return s.error();
    return out;
  }
  template <class F, class T = std::decay_t<std::invoke_result_t<F&, const Row&>>>
  Result<std::optional<T>> one(F&& read) {
    if (!stmt_) return stmt_.error();
    auto more = stmt_.value().step();
    if (!more) return more.error();
    if (!more.value()) return std::optional<T>();
    return std::optional<T>(read(Row(stmt_.value())));
  }
  Status run() { return stmt_ ? stmt_.value().run() : Status(stmt_.error()); }

 private:
  Result<Statement> stmt_;
};

// One database connection. Move-only; closed on destruction. Not thread-safe: share it through Database.
class Connection {
 public:
  // `url`: "sqlite:PATH" or a bare PATH opens (creating when missing) that SQLite file with a WAL journal, foreign
  // keys on, synchronous=NORMAL (safe with WAL) and a 5 s busy timeout; "postgresql://..." or "postgres://..."
  // connects with libpq (any libpq URI). Anything else is an Error naming the accepted forms.
  static Result<Connection> open(const std::string& url);

  Connection(Connection&& other) noexcept;
  Connection& operator=(Connection&& other) noexcept;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  ~Connection();

  // Runs one or more ';'-separated statements that return no rows (schema changes, pragmas). The text is SQLite's;
  // on PostgreSQL it runs as db_pg_dialect.cpp rewrites it (types, triggers, GLOB checks; PRAGMAs are no-ops).
  Status exec(const std::string& sql);
  Result<Statement> prepare(std::string_view sql);
  // One statement with `args` bound to parameters 1..N; read its rows with each/all/one, or run() it.
  template <class... Args>
  Query query(std::string_view sql, const Args&... args) {
    auto stmt = prepare(sql);
    if constexpr (sizeof...(Args) > 0) {
      if (stmt) stmt.value().bind_all(args...);
    }
    return Query(std::move(stmt));
  }
  // One statement that returns no rows, with its arguments bound (use exec(sql) for several without binds).
  template <class A, class... Args>
  Status exec(std::string_view sql, const A& first, const Args&... rest) {
    return query(sql, first, rest...).run();
  }
  // The first column of the first row as an integer; nullopt when there is no row or it is NULL.
  Result<std::optional<std::int64_t>> query_int64(std::string_view sql);
  // The first column of the first row as text; nullopt when there is no row or it is NULL.
  Result<std::optional<std::string>> query_text(std::string_view sql);

  // Rows changed by the last INSERT/UPDATE/DELETE on this connection (0 after an ON CONFLICT DO NOTHING that
  // ignored); rows written by triggers are not counted, on either engine.
  int changes() const;
  Engine engine() const;
  // The statement that starts a write transaction: "BEGIN IMMEDIATE" (SQLite) or "BEGIN" (PostgreSQL).
  const char* begin_sql() const;

 private:
  explicit Connection(std::unique_ptr<engine::ConnectionImpl> impl);

  std::unique_ptr<engine::ConnectionImpl> impl_;
};

// BEGIN IMMEDIATE (or BEGIN) ... COMMIT. Destroying an uncommitted transaction rolls it back, so an early `return` on
// an error never leaves half an import behind.
class Transaction {
 public:
  static Result<Transaction> begin(Connection& c);

  Transaction(Transaction&& other) noexcept : conn_(std::exchange(other.conn_, nullptr)) {}
  Transaction& operator=(Transaction&&) = delete;
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction();

  Status commit();

 private:
  explicit Transaction(Connection* c) : conn_(c) {}
  Connection* conn_ = nullptr;  // null once committed or rolled back
};

// Runs f(c) inside BEGIN [IMMEDIATE] ... COMMIT. f returns a Status or a Result<T>; on success the transaction
// commits (a failed COMMIT becomes the result), on an error it rolls back and the error is returned as is.
template <class F>
auto in_transaction(Connection& c, F&& f) -> std::invoke_result_t<F&, Connection&> {
  auto tx = Transaction::begin(c);
  if (!tx) return tx.error();
  auto out = f(c);
  if (!out) return out;
  if (Status s = tx.value().commit(); !s) return s.error();
  return out;
}

// The connection the server shares between its worker threads: every use holds the mutex.
//   db.with([&](db::Connection& c) { ... });
// Keep the work inside short (a query or one transaction); never call back into with() from inside.
class Database {
 public:
  explicit Database(Connection c) : conn_(std::move(c)) {}

  template <class F>
  auto with(F&& f) {
    const auto asked = std::chrono::steady_clock::now();
    waiters_.fetch_add(1);
    std::lock_guard<std::mutex> lock(mutex_);
    waiters_.fetch_sub(1);
    wait_ns_.fetch_add(static_cast<std::uint64_t>(
        std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - asked).count()));
    acquisitions_.fetch_add(1);
    InUse in_use(in_use_);
    return std::forward<F>(f)(conn_);
  }

  // The connection's use, for /metrics (a snapshot; each figure is read on its own).
  struct Use {
    bool in_use = false;            // a thread holds the connection now
    std::uint64_t waiters = 0;      // threads waiting for it now
    std::uint64_t acquisitions = 0; // with() calls so far
    double wait_seconds = 0;        // time all callers spent waiting for it, in all
  };
  Use use() const {
    return Use{in_use_.load(), waiters_.load(), acquisitions_.load(), static_cast<double>(wait_ns_.load()) / 1e9};
  }

 private:
  struct InUse {
    explicit InUse(std::atomic<bool>& f) : flag(f) { flag = true; }
    ~InUse() { flag = false; }
    std::atomic<bool>& flag;
  };
  std::mutex mutex_;
  Connection conn_;
  std::atomic<bool> in_use_{false};
  std::atomic<std::uint64_t> waiters_{0}, acquisitions_{0}, wait_ns_{0};
};

}  // namespace jupiter::db

// A chain of fallible steps inside a function that returns a db::Status or a db::Result<T>:
//   DB_TRY(c.exec("DELETE FROM t WHERE id = ?", id));   // a failed Status or Result returns its Error
//   DB_TRY_LET(auto row, read_order(c, id));           // else declares `row` as the Result's value (moved out);
//   DB_TRY_LET(o["history"], history_json(c, id));     // or assigns it to what is already there
// The only early return either hides is `return error;`, so every other return stays visible in the function.
#define DB_TRY(expr)                                                                  \
  do {                                                                                \
    if (auto&& db_try_status_ = (expr); !db_try_status_) return db_try_status_.error(); \
  } while (false)
#define DB_TRY_LET(decl, expr) DB_TRY_LET_AT_(DB_TRY_CAT_(db_try_result_, __LINE__), decl, expr)
#define DB_TRY_CAT_(a, b) DB_TRY_CAT2_(a, b)
#define DB_TRY_CAT2_(a, b) a##b
#define DB_TRY_LET_AT_(tmp, decl, expr) \
  auto tmp = (expr);                    \
  if (!tmp) return tmp.error();         \
  decl = std::move(tmp).value()
