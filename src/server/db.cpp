// db.cpp: see db.hpp. The engine-neutral half: URL dispatch, Statement/Connection forwarding, transactions.
#include "server/db.hpp"

#include "server/db_engine.hpp"

namespace jupiter::db {

// ---------------------------------------------------------------------------------------------------------
// [SECTION] Statement
// ---------------------------------------------------------------------------------------------------------
Statement::Statement(std::unique_ptr<engine::StatementImpl> impl) : impl_(std::move(impl)) {}
Statement::Statement(Statement&& other) noexcept = default;
Statement& Statement::operator=(Statement&& other) noexcept = default;
Statement::~Statement() = default;

Statement& Statement::bind(int index, std::int64_t value) {
  impl_->bind_int64(index, value);
  return *this;
}

Statement& Statement::bind(int index, std::string_view text) {
  impl_->bind_text(index, text);
  return *this;
}

Statement& Statement::bind(int index, Blob blob) {
  impl_->bind_blob(index, blob.bytes);
  return *this;
}

Statement& Statement::bind(int index, std::nullptr_t) {
  impl_->bind_null(index);
  return *this;
}

Result<bool> Statement::step() { return impl_->step(); }

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

void Statement::reset() { impl_->reset(); }
std::int64_t Statement::column_int64(int column) const { return impl_->column_int64(column); }
std::string Statement::column_text(int column) const { return impl_->column_text(column); }
bool Statement::column_is_null(int column) const { return impl_->column_is_null(column); }

// ---------------------------------------------------------------------------------------------------------
// [SECTION] Connection
// ---------------------------------------------------------------------------------------------------------
Result<Connection> Connection::open(const std::string& url) {
  auto starts = [&](std::string_view prefix) { return url.compare(0, prefix.size(), prefix) == 0; };
  Result<std::unique_ptr<engine::ConnectionImpl>> impl =
      starts("postgresql://") || starts("postgres://") ? engine::open_postgres(url)
      : starts("sqlite:")                               ? engine::open_sqlite(url.substr(7))
      : url.find("://") == std::string::npos && !url.empty()
          ? engine::open_sqlite(url)
          : Result<std::unique_ptr<engine::ConnectionImpl>>(
                Error{engine::kCantOpen, "database URL \"" + url +
                                             "\": expected sqlite:PATH or postgresql://user@host:port/db"});
  if (!impl) return impl.error();
  return Connection(std::move(impl).value());
}

Connection::Connection(std::unique_ptr<engine::ConnectionImpl> impl) : impl_(std::move(impl)) {}
Connection::Connection(Connection&& other) noexcept = default;
Connection& Connection::operator=(Connection&& other) noexcept = default;
Connection::~Connection() = default;

int Connection::changes() const { return impl_->changes(); }
Engine Connection::engine() const { return impl_->engine(); }
const char* Connection::begin_sql() const { return impl_->begin_sql(); }
Status Connection::exec(const std::string& sql) { return impl_->exec(sql); }

Result<Statement> Connection::prepare(std::string_view sql) {
  DB_TRY_LET(auto impl, impl_->prepare(sql));
  return Statement(std::move(impl));
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
  if (Status s = c.exec(c.begin_sql()); !s) return s.error();
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
