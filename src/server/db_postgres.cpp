// db_postgres.cpp: the PostgreSQL engine behind db.hpp (see db_engine.hpp), through libpq. The only file that
// calls PQ*. A statement runs on its first step(): prepared once per session (then executed by name) with every
// parameter sent as text of unknown type, so the server infers it from the context as SQLite's affinity does
// (integers beyond 32 bits declared bigint, blobs binary bytea); its rows are then read from the whole result.
// exec(sql) takes the SQLite schema text of migrations.cpp and runs it as postgres_ddl rewrites it
// (db_pg_dialect.cpp). A lost connection is reset once before the next statement (and prepares anew).
#include <libpq-fe.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "server/db_engine.hpp"

namespace jupiter::db::engine {

namespace {

constexpr Oid kByteaOid = 17;
constexpr Oid kBoolOid = 16;
constexpr Oid kInt8Oid = 20;

// SQLSTATE (PostgreSQL's error class) as the nearest SQLite primary result code.
int code_for(const char* sqlstate) {
  const std::string s = sqlstate ? sqlstate : "";
  if (s.empty()) return kIoErr;  // no SQLSTATE: the connection itself failed
  if (s.compare(0, 2, "23") == 0) return kConstraint;
  if (s == "40001" || s == "40P01" || s == "55P03" || s.compare(0, 2, "57") == 0) return kBusy;
  if (s == "53100") return kFull;
  if (s.compare(0, 2, "08") == 0 || s.compare(0, 2, "53") == 0 || s.compare(0, 2, "58") == 0) return kIoErr;
  if (s == "25006") return kReadOnly;
  return kError;
}

// The message libpq gives on one line: its line breaks (and the tabs after them) as single spaces.
std::string trimmed(const char* text) {
  std::string m;
  for (const char* p = text ? text : ""; *p; ++p) {
    if (*p == '\n' || *p == '\t') {
      if (!m.empty() && m.back() != ' ') m += ' ';
    } else {
      m += *p;
    }
  }
  while (!m.empty() && m.back() == ' ') m.pop_back();
  return m;
}

using ResultPtr = std::unique_ptr<PGresult, decltype(&PQclear)>;

// An Error for `res` (nullptr: out of memory or no connection) of the statement `what`.
Error result_error(PGconn* conn, const PGresult* res, std::string_view what) {
  const char* state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
  const std::string message = trimmed(res ? PQresultErrorMessage(res) : PQerrorMessage(conn));
  return Error{code_for(state), std::string(what) + ": " + message};
}

std::string head(std::string_view sql, std::size_t n) {
  return "\"" + std::string(sql.substr(0, n)) + (sql.size() > n ? "...\"" : "\"");
}

class PgConnection;

class PgStatement final : public StatementImpl {
 public:
  PgStatement(PgConnection& conn, std::string sql, int params)
      : conn_(conn), sql_(std::move(sql)), values_(static_cast<std::size_t>(params)),
        set_(values_.size(), false), null_(values_.size(), true), binary_(values_.size(), 0),
        types_(values_.size(), 0) {}

  // An integer goes as text of unknown type, resolved from its context like a literal, unless it does not fit in
  // 32 bits: then it is declared bigint, so that a context that would make it an integer (`nullif(?, 0)`, `? + 1`)
  // takes a millisecond time instead of failing with "out of range for type integer".
  void bind_int64(int index, std::int64_t value) override {
    const bool wide = value < INT32_MIN || value > INT32_MAX;
    put(index, std::to_string(value), false, wide ? kInt8Oid : 0);
  }
  void bind_text(int index, std::string_view text) override { put(index, std::string(text), false); }
  void bind_blob(int index, std::string_view bytes) override { put(index, std::string(bytes), true); }
  void bind_null(int index) override {
    if (!in_range(index)) return;
    set_[static_cast<std::size_t>(index - 1)] = true;
    null_[static_cast<std::size_t>(index - 1)] = true;
  }

  Result<bool> step() override;
  void reset() override {
    result_.reset();
    row_ = -1;
    bind_error_.reset();
    std::fill(set_.begin(), set_.end(), false);
    std::fill(null_.begin(), null_.end(), true);
    std::fill(types_.begin(), types_.end(), 0);
  }

  std::int64_t column_int64(int column) const override {
    const char* v = PQgetvalue(result_.get(), row_, column);
    if (PQftype(result_.get(), column) == kBoolOid) return v[0] == 't' ? 1 : 0;
    return std::strtoll(v, nullptr, 10);
  }
  std::string column_text(int column) const override {
    const char* v = PQgetvalue(result_.get(), row_, column);
    if (PQftype(result_.get(), column) == kBoolOid) return v[0] == 't' ? "1" : "0";
    if (PQftype(result_.get(), column) != kByteaOid) {
      return std::string(v, static_cast<std::size_t>(PQgetlength(result_.get(), row_, column)));
    }
    std::size_t size = 0;
    unsigned char* bytes = PQunescapeBytea(reinterpret_cast<const unsigned char*>(v), &size);
    std::string out(reinterpret_cast<const char*>(bytes), bytes ? size : 0);
    PQfreemem(bytes);
    return out;
  }
  bool column_is_null(int column) const override { return PQgetisnull(result_.get(), row_, column) != 0; }

 private:
  bool in_range(int index) {
    if (index >= 1 && static_cast<std::size_t>(index) <= values_.size()) return true;
    if (!bind_error_) bind_error_ = Error{kError, "bind parameter " + std::to_string(index) + ": out of range"};
    return false;
  }
  void put(int index, std::string value, bool binary, Oid type = 0) {
    if (!in_range(index)) return;
    const auto i = static_cast<std::size_t>(index - 1);
    values_[i] = std::move(value);
    set_[i] = true;
    null_[i] = false;
    binary_[i] = binary ? 1 : 0;
    types_[i] = type;
  }
  Result<bool> execute();

  PgConnection& conn_;
  std::string sql_;
  std::vector<std::string> values_;
  std::vector<bool> set_, null_;
  std::vector<int> binary_;
  std::vector<Oid> types_;  // 0: unknown, the server infers it
  std::optional<Error> bind_error_;
  ResultPtr result_{nullptr, &PQclear};
  int row_ = -1;  // -1: not run yet
};

class PgConnection final : public ConnectionImpl {
 public:
  explicit PgConnection(PGconn* conn) : conn_(conn) {}
  ~PgConnection() override { PQfinish(conn_); }
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  Engine engine() const override { return Engine::Postgres; }
  int changes() const override { return changes_; }
  const char* begin_sql() const override { return "BEGIN"; }

  Status exec(const std::string& sql) override {
    ensure_connected();
    const std::string pg = postgres_ddl(sql);
    ResultPtr res(PQexec(conn_, pg.c_str()), &PQclear);
    return finish(res.get(), pg);
  }

  Result<std::unique_ptr<StatementImpl>> prepare(std::string_view sql) override {
    int params = 0;
    std::string numbered = numbered_placeholders(sql, &params);
    return std::unique_ptr<StatementImpl>(std::make_unique<PgStatement>(*this, std::move(numbered), params));
  }

  // Runs `sql` with `values`; the result, or an Error (then the result is discarded). Each (sql, parameter types)
  // is prepared once per connection session and executed by name after that, so PostgreSQL parses and plans it once.
  Result<ResultPtr> run(const std::string& sql, const std::vector<const char*>& values, const std::vector<int>& lengths,
                        const std::vector<int>& binary, const std::vector<Oid>& types) {
    ensure_connected();
    DB_TRY_LET(const std::string* name, prepared(sql, types));
    ResultPtr res(PQexecPrepared(conn_, name->c_str(), static_cast<int>(values.size()), values.data(), lengths.data(),
                                 binary.data(), 0),
                  &PQclear);
    if (Status s = finish(res.get(), sql); !s) return s.error();
    return Result<ResultPtr>(std::move(res));
  }

 private:
  // At most this many statements stay prepared; past it they are all deallocated and prepared again as used.
  static constexpr std::size_t kMaxPrepared = 512;

  void ensure_connected() {
    if (PQstatus(conn_) != CONNECTION_BAD) return;
    PQreset(conn_);
    prepared_.clear();  // a new session: its statements are gone
  }

  // The name `sql` with parameter `types` is prepared under in this session, preparing it first when needed.
  Result<const std::string*> prepared(const std::string& sql, const std::vector<Oid>& types) {
    std::string key(reinterpret_cast<const char*>(types.data()), types.size() * sizeof(Oid));
    key += sql;
    if (auto it = prepared_.find(key); it != prepared_.end()) return &it->second;
    if (prepared_.size() >= kMaxPrepared) {
      ResultPtr gone(PQexec(conn_, "DEALLOCATE ALL"), &PQclear);
      if (Status s = finish(gone.get(), "DEALLOCATE ALL"); !s) return s.error();
      prepared_.clear();
    }
    std::string name = "jt_" + std::to_string(++prepared_count_);
    ResultPtr res(PQprepare(conn_, name.c_str(), sql.c_str(), static_cast<int>(types.size()), types.data()), &PQclear);
    if (Status s = finish(res.get(), sql); !s) return s.error();
    return &prepared_.emplace(std::move(key), std::move(name)).first->second;
  }

  Status finish(const PGresult* res, std::string_view sql) {
    const ExecStatusType st = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
    if (st == PGRES_EMPTY_QUERY) return {};  // a text that postgres_ddl emptied (PRAGMAs)
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) return result_error(conn_, res, "run " + head(sql, 80));
    changes_ = std::atoi(PQcmdTuples(const_cast<PGresult*>(res)));
    return {};
  }

  PGconn* conn_;
  int changes_ = 0;
  std::unordered_map<std::string, std::string> prepared_;  // parameter types + sql -> statement name
  std::uint64_t prepared_count_ = 0;
};

Result<bool> PgStatement::execute() {
  std::vector<const char*> values(values_.size());
  std::vector<int> lengths(values_.size());
  for (std::size_t i = 0; i < values_.size(); ++i) {
    if (!set_[i]) return Error{kError, "run " + head(sql_, 80) + ": parameter " + std::to_string(i + 1) + " not bound"};
    values[i] = null_[i] ? nullptr : values_[i].c_str();
    lengths[i] = static_cast<int>(values_[i].size());
  }
  DB_TRY_LET(result_, conn_.run(sql_, values, lengths, binary_, types_));
  row_ = 0;
  return PQntuples(result_.get()) > 0;
}

Result<bool> PgStatement::step() {
  if (bind_error_) return *bind_error_;
  if (row_ < 0) return execute();
  if (!result_) return false;
  return ++row_ < PQntuples(result_.get());
}

void ignore_notice(void*, const char*) {}

}  // namespace

std::string numbered_placeholders(std::string_view sql, int* count) {
  std::string out;
  out.reserve(sql.size() + 16);
  int n = 0;
  for (std::size_t i = 0; i < sql.size(); ++i) {
    const char ch = sql[i];
    std::size_t end = i;
    if (ch == '\'' || ch == '"') {  // a literal or quoted identifier; a doubled quote stays inside
      end = sql.find(ch, i + 1);
      while (end != std::string_view::npos && end + 1 < sql.size() && sql[end + 1] == ch) end = sql.find(ch, end + 2);
    } else if (ch == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {
      end = sql.find('\n', i);
    } else if (ch == '/' && i + 1 < sql.size() && sql[i + 1] == '*') {
      end = sql.find("*/", i + 2);
      if (end != std::string_view::npos) end += 1;
    } else if (ch == '?') {  // ?NNN keeps its number; a bare ? takes the next one (SQLite's rule)
      std::size_t digits = i + 1;
      while (digits < sql.size() && sql[digits] >= '0' && sql[digits] <= '9') ++digits;
      const int k = digits > i + 1 ? std::atoi(std::string(sql.substr(i + 1, digits - i - 1)).c_str()) : n + 1;
      n = std::max(n, k);
      out += "$" + std::to_string(k);
      i = digits - 1;
      continue;
    }
    if (end == std::string_view::npos) end = sql.size() - 1;
    out.append(sql.substr(i, end - i + 1));
    i = end;
  }
  if (count) *count = n;
  return out;
}

Result<std::unique_ptr<ConnectionImpl>> open_postgres(const std::string& url) {
  PGconn* raw = PQconnectdb(url.c_str());
  auto c = std::make_unique<PgConnection>(raw);  // owns raw even when connecting failed
  if (!raw || PQstatus(raw) != CONNECTION_OK) {
    const std::string why = raw ? trimmed(PQerrorMessage(raw)) : "out of memory";
    return Error{kCantOpen, "connect to PostgreSQL: " + why};
  }
  PQsetNoticeProcessor(raw, ignore_notice, nullptr);
  // lock_timeout: a lock held by another session is waited for as long as SQLite's busy timeout, then the statement
  // fails with 55P03 (kBusy), which callers answer as SQLite's SQLITE_BUSY (503 storage_unavailable).
  DB_TRY(c->exec("SET client_min_messages = warning; SET TIME ZONE 'UTC'; SET lock_timeout = '5s'"));
  return std::unique_ptr<ConnectionImpl>(std::move(c));
}

}  // namespace jupiter::db::engine
