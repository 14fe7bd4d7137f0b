// retention.cpp: see retention.hpp.
#include "server/retention.hpp"

#include <nlohmann/json.hpp>

#include <charconv>
#include <cstdio>
#include <ctime>
#include <system_error>
#include <utility>

#include "server/clock.hpp"
#include "server/job_claims.hpp"
#include "server/log.hpp"
#include "server/migrations.hpp"

namespace jupiter::server {

namespace fs = std::filesystem;
using json = nlohmann::json;

// ---------------------------------------------------------------------------------------------------------
// [SECTION] the configuration
// ---------------------------------------------------------------------------------------------------------
namespace {

constexpr int kMaxDays = 36500;
constexpr std::int64_t kDayMs = 24LL * 3600 * 1000;

// The periods by their name in the file, in the order they are reported.
std::vector<std::pair<const char*, int RetentionPeriods::*>> period_fields() {
  return {{"unpaid_orders", &RetentionPeriods::unpaid_orders},
          {"personal_data_after_last_order", &RetentionPeriods::personal_data_after_last_order},
          {"outbox_emails", &RetentionPeriods::outbox_emails},
          {"webhook_events", &RetentionPeriods::webhook_events},
          {"idempotency_keys", &RetentionPeriods::idempotency_keys},
          {"sessions_and_sign_in_links", &RetentionPeriods::sessions_and_sign_in_links},
          {"rights_request_log", &RetentionPeriods::rights_request_log},
          {"consent_receipts", &RetentionPeriods::consent_receipts}};
}

RetentionParse refused(std::string why) { return RetentionParse{std::nullopt, std::move(why)}; }

}  // namespace

RetentionParse parse_retention(const std::string& text) {
  const json doc = json::parse(text, nullptr, false);
  if (!doc.is_object()) return refused("not a JSON object");
  if (!doc.contains("periods_days") || !doc["periods_days"].is_object())
    return refused("\"periods_days\" (an object of periods in days) is missing");
  const json& days = doc["periods_days"];
  RetentionPeriods p;
  for (const auto& [name, field] : period_fields()) {
    if (!days.contains(name)) return refused("periods_days." + std::string(name) + " is missing");
    const json& v = days[name];
    if (!v.is_number_integer() || v.get<long long>() < 1 || v.get<long long>() > kMaxDays)
      return refused("periods_days." + std::string(name) + " must be a whole number of days from 1 to " +
                     std::to_string(kMaxDays) + ", not " + log::printable(v.dump()));
    p.*field = v.get<int>();
  }
  for (const auto& [name, value] : days.items()) {
    bool known = false;
    for (const auto& f : period_fields()) known = known || name == f.first;
    if (!known) return refused("periods_days." + log::printable(name) + " is not a known period");
  }
  return RetentionParse{p, {}};
}

RetentionParse load_retention(const fs::path& catalogue, std::string& source) {
  const fs::path file = catalogue.parent_path() / "retention.json";
  std::error_code ec;
  if (fs::exists(file, ec)) return read_retention(file, source);
  source = "built-in assets/retention.json";
  return parse_retention(built_in_retention());
}

RetentionParse read_retention(const fs::path& file, std::string& source) {
  source = file.string();
  std::FILE* f = std::fopen(file.c_str(), "rb");
  if (!f) return refused("cannot read " + file.string());
  std::string text;
  char buffer[4096];
  for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, f)) > 0;) text.append(buffer, n);
  std::fclose(f);
  RetentionParse parsed = parse_retention(text);
  if (!parsed.periods) parsed.error = file.string() + ": " + parsed.error;
  return parsed;
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] the purge, one rule at a time (each part of the caller's transaction)
// ---------------------------------------------------------------------------------------------------------
namespace {

struct Purge {
  db::Connection& c;
  std::int64_t now_ms;
  PurgeReport& report;

  std::int64_t cutoff_ms(int days) const { return now_ms - days * kDayMs; }
  std::string cutoff_text(int days) const { return rfc3339(cutoff_ms(days)); }
  void count(const std::string& table, const char* rule, int days, std::int64_t rows) {
    report.counts.push_back(PurgeCount{table, rule, days, rows});
  }
  // Runs a DELETE/UPDATE and returns how many rows it changed.
  template <class... Args>
  db::Result<std::int64_t> changed(std::string_view sql, const Args&... args) {
    DB_TRY(c.exec(sql, args...));
    return static_cast<std::int64_t>(c.changes());
  }
  db::Result<std::vector<std::string>> texts(std::string_view sql, const std::string& arg) {
    return c.query(sql, arg).all([](const db::Row& r) { return r.text(0); });
  }
  db::Status collect_files(const std::string& order_id) {
    return c.query("SELECT file FROM order_emails WHERE order_id = ? AND file <> ''", order_id)
        .each([this](const db::Row& r) { report.files.push_back(r.text(0)); });
  }
};

// Orders never paid, unchanged since the cutoff (a cancel counts), whose checkout session is over: no accounting
// record was made.
db::Status purge_unpaid(Purge& p, int days) {
  DB_TRY_LET(const auto ids,
             p.c.query("SELECT id FROM orders WHERE state IN ('pending_payment', 'cancelled') "
                       "AND payment_status IN ('none', 'open', 'declined') AND updated_at < ? "
                       "AND (session_expires IS NULL OR session_expires < ?) "
                       "AND id NOT IN (SELECT order_id FROM payment_followups)",
                       p.cutoff_text(days), p.now_ms / 1000)
                 .all([](const db::Row& r) { return r.text(0); }));
  std::int64_t history = 0, emails = 0, keys = 0, orders = 0;
  for (const std::string& id : ids) {
    DB_TRY(p.collect_files(id));
    DB_TRY_LET(const std::int64_t h, p.changed("DELETE FROM order_history WHERE order_id = ?", id));
    DB_TRY_LET(const std::int64_t e, p.changed("DELETE FROM order_emails WHERE order_id = ?", id));
    DB_TRY_LET(const std::int64_t k, p.changed("DELETE FROM idempotency_keys WHERE order_id = ?", id));
    DB_TRY(p.c.exec("DELETE FROM partner_webhooks WHERE order_id = ?", id));
    DB_TRY(p.c.exec("DELETE FROM erase_queue WHERE order_id = ?", id));  // deleted whole: nothing left to erase
    DB_TRY_LET(const std::int64_t o, p.changed("DELETE FROM orders WHERE id = ?", id));
    history += h, emails += e, keys += k, orders += o;
  }
  p.count("orders", "unpaid_orders", days, orders);
  p.count("order_history", "unpaid_orders", days, history);
  p.count("order_emails", "unpaid_orders", days, emails);
  p.count("idempotency_keys", "unpaid_orders", days, keys);
  return {};
}

// Blanks the personal data of every order of the lower-cased address `email`; the orders blanked.
db::Result<std::int64_t> blank_person(Purge& p, const std::string& email) {
  DB_TRY_LET(const auto ids, p.texts("SELECT id FROM orders WHERE lower(email) = ?", email));
  for (const std::string& id : ids) {
    DB_TRY(p.collect_files(id));
    DB_TRY(p.c.exec("UPDATE order_emails SET file = '' WHERE order_id = ?", id));
    DB_TRY(p.c.exec("DELETE FROM support_messages WHERE order_id = ?", id));  // support_messages.hpp
    DB_TRY(p.c.exec("UPDATE idempotency_keys SET request_sha256 = 'erased' WHERE order_id = ?", id));
  }
  DB_TRY(p.c.exec("DELETE FROM account_sessions WHERE lower(email) = ?", email));
  DB_TRY(p.c.exec("DELETE FROM account_links WHERE lower(email) = ?", email));
  DB_TRY(p.c.exec("DELETE FROM marketing_preferences WHERE email = ?", email));
  DB_TRY(p.c.exec("DELETE FROM privacy_restrictions WHERE email = ?", email));  // privacy_centre.hpp
  return p.changed("UPDATE orders SET email = '', name = '', phone = '', marketing = 0 WHERE lower(email) = ?", email);
}

// Addresses whose last order is older than the cutoff, none of their orders in progress.
db::Status purge_personal(Purge& p, int days) {
  DB_TRY_LET(const auto people,
             p.texts("SELECT lower(email) FROM orders WHERE email <> '' GROUP BY lower(email) HAVING max(created_at) < ? "
                     "AND sum(CASE WHEN state IN ('pending_payment', 'paid', 'provisioning') THEN 1 ELSE 0 END) = 0",
                     p.cutoff_text(days)));
  std::int64_t orders = 0;
  for (const std::string& email : people) {
    DB_TRY_LET(const std::int64_t n, blank_person(p, email));
    orders += n;
  }
  p.count("orders (personal data blanked)", "personal_data_after_last_order", days, orders);
  return {};
}

// Outbox files named with a UTC stamp before the cutoff (outbox.hpp: <YYYYmmddTHHMMSSZ>-...).
db::Status purge_outbox(Purge& p, int days, const fs::path& dir) {
  const std::time_t t = static_cast<std::time_t>(p.cutoff_ms(days) / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
  std::int64_t files = 0;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.size() < 16 || name.substr(0, 16) >= stamp || entry.path().extension() != ".eml") continue;
    p.report.files.push_back(name);
    ++files;
  }
  p.count("outbox files", "outbox_emails", days, files);
  DB_TRY_LET(const std::int64_t rows, p.changed("UPDATE order_emails SET file = '' WHERE file <> '' AND sent_s < ?",
                                                p.cutoff_ms(days) / 1000));
  p.count("order_emails (file name cleared)", "outbox_emails", days, rows);
  return {};
}

db::Status purge_simple(Purge& p, const RetentionPeriods& r) {
  DB_TRY_LET(const std::int64_t events, p.changed("DELETE FROM webhook_events WHERE received_at < ?",
                                                  p.cutoff_text(r.webhook_events)));
  p.count("webhook_events", "webhook_events", r.webhook_events, events);
  DB_TRY_LET(const std::int64_t keys, p.changed("DELETE FROM idempotency_keys WHERE created_at < ?",
                                                p.cutoff_text(r.idempotency_keys)));
  p.count("idempotency_keys", "idempotency_keys", r.idempotency_keys, keys);
  const std::int64_t expired_s = p.cutoff_ms(r.sessions_and_sign_in_links) / 1000;
  DB_TRY_LET(const std::int64_t sessions, p.changed("DELETE FROM account_sessions WHERE expires_s < ?", expired_s));
  p.count("account_sessions", "sessions_and_sign_in_links", r.sessions_and_sign_in_links, sessions);
  DB_TRY_LET(const std::int64_t links, p.changed("DELETE FROM account_links WHERE expires_s < ?", expired_s));
  p.count("account_links", "sessions_and_sign_in_links", r.sessions_and_sign_in_links, links);
  DB_TRY_LET(const std::int64_t rights, p.changed("DELETE FROM rights_requests WHERE at_ms < ?",
                                                  p.cutoff_ms(r.rights_request_log)));
  p.count("rights_requests", "rights_request_log", r.rights_request_log, rights);
  return {};
}

// The append-only trigger lets a DELETE through only for receipts older than the gate, opened for this purge alone.
db::Status purge_receipts(Purge& p, int days) {
  const std::int64_t cutoff = p.cutoff_ms(days);
  DB_TRY(p.c.exec("UPDATE retention_gate SET receipts_before_ms = ? WHERE id = 1", cutoff));
  DB_TRY_LET(const std::int64_t rows, p.changed("DELETE FROM consent_receipts WHERE received_ms < ?", cutoff));
  DB_TRY(p.c.exec("UPDATE retention_gate SET receipts_before_ms = ? WHERE id = 1", std::int64_t{0}));
  p.count("consent_receipts", "consent_receipts", days, rows);
  return {};
}

db::Status purge_rows(db::Connection& c, const RetentionPeriods& r, std::int64_t now_ms, const fs::path& outbox_dir,
                      PurgeReport& report) {
  Purge p{c, now_ms, report};
  DB_TRY(purge_unpaid(p, r.unpaid_orders));
  DB_TRY(purge_personal(p, r.personal_data_after_last_order));
  DB_TRY(purge_outbox(p, r.outbox_emails, outbox_dir));
  DB_TRY(purge_simple(p, r));
  return purge_receipts(p, r.consent_receipts);
}

}  // namespace

std::int64_t PurgeReport::total() const {
  std::int64_t n = 0;
  for (const PurgeCount& c : counts) n += c.rows;
  return n;
}

std::string PurgeReport::text() const {
  std::string out;
  for (const PurgeCount& c : counts)
    out += c.table + ": " + std::to_string(c.rows) + (dry_run ? " would be deleted" : " deleted") + " (" + c.rule +
           ", " + std::to_string(c.days) + " days)\n";
  return out;
}

db::Result<PurgeReport> purge(db::Connection& c, const RetentionPeriods& p, std::int64_t now_ms,
                              const fs::path& outbox_dir, bool dry_run) {
  PurgeReport report;
  report.dry_run = dry_run;
  DB_TRY(c.exec("PRAGMA secure_delete = ON"));
  {
    auto tx = db::Transaction::begin(c);
    if (!tx) return tx.error();
    DB_TRY(purge_rows(c, p, now_ms, outbox_dir, report));
    if (dry_run) return report;  // the transaction rolls back
    DB_TRY(tx.value().commit());
  }
  for (const std::string& name : report.files) {
    std::error_code ec;
    fs::remove(outbox_dir / name, ec);
    if (ec) log::error("retention: could not delete outbox file " + name + ": " + ec.message());
    for (const char* state : {".sent", ".failed", ".retry"})  // the SMTP relay's record of it (smtp_relay.hpp)
      fs::remove(outbox_dir / "relay" / (name + state), ec);
  }
  DB_TRY(c.exec("PRAGMA wal_checkpoint(TRUNCATE)"));
  return report;
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] the purge command, the scheduled worker
// ---------------------------------------------------------------------------------------------------------
namespace {

// "2027-06-01T00:00:00Z" as Unix ms; nullopt when it is not that shape.
std::optional<std::int64_t> parse_instant(const std::string& s) {
  std::tm tm{};
  const char* end = strptime(s.c_str(), "%Y-%m-%dT%H:%M:%SZ", &tm);
  if (!end || *end != '\0') return std::nullopt;
  return static_cast<std::int64_t>(timegm(&tm)) * 1000;
}

struct PurgeArgs {
  bool dry_run = false;
  std::string data_dir = "data", database, catalogue = "assets/catalogue.json", retention, error;
  std::int64_t now_ms = 0;
};

PurgeArgs parse_purge_args(const std::vector<std::string>& args) {
  PurgeArgs a;
  a.now_ms = server::now_ms();
  for (std::size_t i = 0; i < args.size() && a.error.empty(); ++i) {
    const std::string& name = args[i];
    if (name == "--dry-run") {
      a.dry_run = true;
      continue;
    }
    if (i + 1 >= args.size() || (name != "--data" && name != "--database" && name != "--catalogue" &&
                                 name != "--retention" && name != "--now")) {
      a.error = "purge: unknown option or missing value: " + log::printable(name);
      break;
    }
    const std::string& value = args[++i];
    if (name == "--data") a.data_dir = value;
    else if (name == "--database") a.database = value;
    else if (name == "--catalogue") a.catalogue = value;
    else if (name == "--retention") a.retention = value;
    else if (auto t = parse_instant(value)) a.now_ms = *t;
    else a.error = "purge: --now needs a UTC time like 2027-06-01T00:00:00Z, not " + log::printable(value);
  }
  return a;
}

int command_failed(const std::string& why) {
  std::fprintf(stderr, "%s\n", why.c_str());
  return 1;
}

}  // namespace

int purge_command(const std::vector<std::string>& args) {
  const PurgeArgs a = parse_purge_args(args);
  if (!a.error.empty()) {
    std::fprintf(stderr, "%s\nusage: jupiter-server purge [--dry-run] [--data DIR] [--database URL] "
                 "[--catalogue PATH | --retention FILE] [--now TIME]\n",
                 a.error.c_str());
    return 2;
  }
  std::string source;
  const RetentionParse config =
      a.retention.empty() ? load_retention(a.catalogue, source) : read_retention(a.retention, source);
  if (!config.periods) return command_failed("retention: " + config.error);
  const fs::path db_path = fs::path(a.data_dir) / "jupiter.sqlite3";
  std::error_code ec;
  if (a.database.empty() && !fs::exists(db_path, ec)) return command_failed("purge: no database at " + db_path.string());
  auto conn = db::Connection::open(a.database.empty() ? db_path.string() : a.database);
  if (!conn) return command_failed("purge: " + conn.error().message);
  if (auto m = migrate(conn.value()); !m) return command_failed("purge: " + m.error().message);
  auto report = purge(conn.value(), *config.periods, a.now_ms, fs::path(a.data_dir) / "outbox", a.dry_run);
  if (!report) return command_failed("purge: " + report.error().message);
  std::printf("purge as of %s with %s%s:\n%s", rfc3339(a.now_ms).c_str(), source.c_str(),
              a.dry_run ? " (dry run: nothing deleted)" : "", report.value().text().c_str());
  return 0;
}

void RetentionWorker::start(std::chrono::milliseconds period) {
  round();  // at start-up in every process (the purge is idempotent); then one process per period
  worker_.start(period, [this, period] {
    if (take_turn(db_, "retention purge", period.count())) round();
  });
}

void RetentionWorker::round() {
  auto report = db_.with([this](db::Connection& c) { return purge(c, periods_, now_ms(), outbox_dir_, false); });
  if (!report) return log::error("retention: purge: " + report.error().message);
  if (report.value().total() == 0) return;
  std::string line;
  for (const PurgeCount& c : report.value().counts)
    if (c.rows > 0) line += (line.empty() ? "" : ", ") + c.table + " " + std::to_string(c.rows);
  log::info("retention: purged " + line);
}

}  // namespace jupiter::server
