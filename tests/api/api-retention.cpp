// Retention (issue 16, retention.hpp): assets/retention.json checked at start-up, `jupiter-server purge` with a
// test clock (--now) deleting each table's rows at its period and none before, the dry run, a clock set backwards,
// the server's own scheduled purge, and an erase that leaves no unsalted request hash behind.
#include <doctest/doctest.h>
#include <httplib.h>

#include <cstdio>
#include <ctime>
#include <string>
#include <sys/wait.h>

#include "commerce.hpp"

using namespace jupiter::test;

namespace {

constexpr long long kDay = 24 * 3600;

// Distinct periods, so that each step of a test crosses exactly one of them.
const json kPeriods = {{"unpaid_orders", 10},    {"outbox_emails", 20},          {"webhook_events", 30},
                       {"idempotency_keys", 40}, {"sessions_and_sign_in_links", 50}, {"rights_request_log", 60},
                       {"consent_receipts", 70}, {"personal_data_after_last_order", 400}};

std::string iso(long long unix_s) {
  const std::time_t t = static_cast<std::time_t>(unix_s);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buffer;
}

struct Run {
  int status = -1;
  std::string output;
};

// `jupiter-server purge ARGS` run to its end: exit status and everything it printed.
Run purge(const std::vector<std::string>& args) {
  std::string command = std::string("'") + JUPITER_SERVER_BINARY + "' purge";
  for (const std::string& a : args) command += " '" + a + "'";
  Run run;
  std::FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  REQUIRE(pipe);
  char buffer[4096];
  for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;) run.output.append(buffer, n);
  const int raw = pclose(pipe);
  run.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  return run;
}

void sql_exec(const fs::path& db_path, const std::string& sql) {
  const std::string message = db_exec(db_path, sql);  // SQLite's file, or that data folder's PostgreSQL database
  REQUIRE_MESSAGE(message.empty(), message);
}

std::string sql_text(const fs::path& db_path, const std::string& sql) { return db_text(db_path, sql); }

// `args` and, on PostgreSQL, --database for `data_dir`'s database (on SQLite purge finds DATA/jupiter.sqlite3).
std::vector<std::string> with_database(const fs::path& data_dir, std::vector<std::string> args) {
  for (std::string& a : database_args(data_dir)) args.push_back(std::move(a));
  return args;
}

long long count(const fs::path& db_path, const std::string& table, const std::string& where = "1 = 1") {
  return sqlite_int(db_path, "SELECT count(*) FROM " + table + " WHERE " + where).value_or(-1);
}

std::size_t outbox_files(const fs::path& data_dir) {
  std::size_t n = 0;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(data_dir / "outbox", ec)) n += e.path().extension() == ".eml";
  return n;
}

// A retention file with `periods` (any JSON) written to DIR/retention.json; its path.
fs::path write_retention(const TempDir& dir, const json& periods) {
  const fs::path file = dir / "retention.json";
  write_file(file, json{{"periods_days", periods}}.dump());
  return file;
}

// The server started with a catalogue that has `retention` beside it: its output once it exited (it must).
std::string refused_start(const std::string& retention_text) {
  TempDir dir;
  write_file(dir / "assets" / "catalogue.json", read_all(fixture("catalogue.json")));
  write_file(dir / "assets" / "retention.json", retention_text);
  ServerProcess server(ServerConfig{dir / "data", dir / "web", dir / "assets" / "catalogue.json", {}});
  CHECK_FALSE(server.wait_until_listening(std::chrono::seconds(5)));
  CHECK(server.wait_for_exit() == 1);
  return server.output();
}

}  // namespace

TEST_CASE("assets/retention.json is complete and every period is a whole number of days") {
  const json doc = json::parse(read_all(fs::path(JUPITER_POLICY_DIR).parent_path() / "retention.json"));
  REQUIRE(doc["periods_days"].size() == kPeriods.size());
  for (const auto& [name, value] : kPeriods.items()) {
    CAPTURE(name);
    REQUIRE(doc["periods_days"].contains(name));
    CHECK(doc["periods_days"][name].is_number_integer());
    CHECK(doc["periods_days"][name].get<int>() >= 1);
    CHECK(doc["why"].contains(name));  // each default says why
  }
}

TEST_CASE("a retention file with a negative, missing or non-integer period refuses start-up with a clear message") {
  json negative = kPeriods;
  negative["webhook_events"] = -3;
  CHECK(refused_start(json{{"periods_days", negative}}.dump())
            .find("periods_days.webhook_events must be a whole number of days from 1 to 36500, not -3") !=
        std::string::npos);
  json missing = kPeriods;
  missing.erase("consent_receipts");
  CHECK(refused_start(json{{"periods_days", missing}}.dump()).find("periods_days.consent_receipts is missing") !=
        std::string::npos);
  json fraction = kPeriods;
  fraction["outbox_emails"] = 1.5;
  CHECK(refused_start(json{{"periods_days", fraction}}.dump()).find("periods_days.outbox_emails must be") !=
        std::string::npos);
  json text = kPeriods;
  text["unpaid_orders"] = "30";
  CHECK(refused_start(json{{"periods_days", text}}.dump()).find("periods_days.unpaid_orders must be") !=
        std::string::npos);
  CHECK(refused_start("{\"periods\": ").find("retention.json: not a JSON object") != std::string::npos);
}

TEST_CASE("purge deletes each table's rows at its period and keeps them before it") {
  Shop shop;
  const Created paid = shop.paid_order("delivered");
  const Created unpaid = shop.create(order_body("jp-5gb-30d", "USD", {{"email", "bob@example.com"}}));
  const fs::path db = shop.data_dir / "jupiter.sqlite3";
  const long long now = unix_now();
  // Rows of the tables no API test here can fill in a few seconds: a session and a sign-in link that expire in a
  // minute (the server's own sweep removes expired ones), a rights request logged now.
  sql_exec(db, "INSERT INTO account_sessions VALUES ('" + std::string(64, 'a') + "', 'ada@example.com', " +
                   std::to_string(now) + ", " + std::to_string(now + 60) + ");"
               "INSERT INTO account_links (token_sha256, email, email_key, client_key, created_s, expires_s, "
               "used_s) VALUES ('" + std::string(64, 'b') + "', '', 'k', 'c', " +
                   std::to_string(now) + ", " + std::to_string(now + 60) + ", NULL);"
               "INSERT INTO rights_requests VALUES ('rr_test_0001', 'access', 'answered', " +
                   std::to_string(now * 1000) + ")");
  TempDir config;
  const fs::path retention = write_retention(config, kPeriods);
  auto at = [&](long long days_later) {
    const Run r = purge(with_database(shop.data_dir, {"--data", shop.data_dir.string(), "--retention",
                                                      retention.string(), "--now", iso(now + days_later * kDay + 120)}));
    CAPTURE(r.output);
    REQUIRE(r.status == 0);
    return r.output;
  };
  REQUIRE(count(db, "webhook_events") >= 1);
  REQUIRE(count(db, "consent_receipts") >= 2);
  REQUIRE(outbox_files(shop.data_dir) >= 2);

  std::string out = at(9);  // nothing is old enough yet
  CHECK(out.find("orders: 0 deleted (unpaid_orders, 10 days)") != std::string::npos);
  CHECK(count(db, "orders") == 2);

  out = at(10);
  CHECK(out.find("orders: 1 deleted (unpaid_orders, 10 days)") != std::string::npos);
  CHECK(count(db, "orders", "id = '" + unpaid.id + "'") == 0);
  CHECK(count(db, "order_history", "order_id = '" + unpaid.id + "'") == 0);
  CHECK(count(db, "orders", "id = '" + paid.id + "' AND email = 'ada@example.com'") == 1);  // paid: kept
  CHECK(outbox_files(shop.data_dir) >= 2);

  out = at(20);
  CHECK(outbox_files(shop.data_dir) == 0);
  CHECK(count(db, "order_emails", "file <> ''") == 0);
  CHECK(count(db, "order_emails", "order_id = '" + paid.id + "'") >= 2);  // that they were sent stays
  CHECK(count(db, "webhook_events") >= 1);

  out = at(30);
  CHECK(count(db, "webhook_events") == 0);
  CHECK(count(db, "idempotency_keys") == 1);

  out = at(40);
  CHECK(count(db, "idempotency_keys") == 0);
  CHECK(count(db, "account_sessions") == 1);
  CHECK(count(db, "account_links") == 1);

  out = at(50);
  CHECK(out.find("account_sessions: 1 deleted (sessions_and_sign_in_links, 50 days)") != std::string::npos);
  CHECK(count(db, "account_sessions") == 0);
  CHECK(count(db, "account_links") == 0);
  CHECK(count(db, "rights_requests") == 1);

  out = at(60);
  CHECK(count(db, "rights_requests") == 0);
  CHECK(count(db, "consent_receipts") >= 2);

  out = at(70);
  CHECK(count(db, "consent_receipts") == 0);
  CHECK(count(db, "orders", "email = 'ada@example.com'") == 1);

  out = at(400);
  CHECK(out.find("orders (personal data blanked): 1 deleted (personal_data_after_last_order, 400 days)") !=
        std::string::npos);
  CHECK(count(db, "orders", "email <> '' OR name <> '' OR phone <> ''") == 0);
  // The accounting record stays: the order, its price, its payment reference and its history.
  CHECK(count(db, "orders", "id = '" + paid.id + "' AND amount_minor > 0 AND pay_transaction IS NOT NULL") == 1);
  CHECK(count(db, "order_history", "order_id = '" + paid.id + "'") >= 3);
  // And clients still cannot delete a receipt: the purge's gate is closed again.
  sql_exec(db, "INSERT INTO consent_receipts(consent_id, time_ms, received_ms, source, action, choices, "
               "policy_version, revision, text_hash, ui_version, language, gpc) VALUES ('c_12345678', 1, 1, 'banner', "
               "'accept_all', '{}', '1.0', 0, 'h', 'u', 'en', 0)");
  CHECK(sqlite_int(db, "SELECT receipts_before_ms FROM retention_gate") == 0);
  CHECK(db_exec(db, "DELETE FROM consent_receipts").find("append-only") != std::string::npos);
  CHECK(count(db, "consent_receipts") == 1);
}

TEST_CASE("purge --dry-run reports what it would delete and deletes nothing; a clock set backwards deletes nothing") {
  Shop shop;
  shop.paid_order("delivered");
  shop.create(order_body("jp-5gb-30d", "USD", {{"email", "bob@example.com"}}));
  const fs::path db = shop.data_dir / "jupiter.sqlite3";
  TempDir config;
  const fs::path retention = write_retention(config, kPeriods);
  const auto snapshot = [&] {
    return std::vector<long long>{count(db, "orders"), count(db, "orders", "email <> ''"), count(db, "webhook_events"),
                                  count(db, "idempotency_keys"), count(db, "consent_receipts"),
                                  count(db, "order_emails", "file <> ''"),
                                  static_cast<long long>(outbox_files(shop.data_dir))};
  };
  const auto before = snapshot();

  const Run dry = purge(with_database(shop.data_dir, {"--dry-run", "--data", shop.data_dir.string(), "--retention",
                                                     retention.string(), "--now", iso(unix_now() + 500 * kDay)}));
  CAPTURE(dry.output);
  REQUIRE(dry.status == 0);
  CHECK(dry.output.find("dry run: nothing deleted") != std::string::npos);
  CHECK(dry.output.find("orders: 1 would be deleted (unpaid_orders, 10 days)") != std::string::npos);
  CHECK(dry.output.find("webhook_events: 0 would be deleted") == std::string::npos);
  CHECK(snapshot() == before);

  // A clock a year behind: every cutoff lies before every row, so nothing goes.
  const Run back = purge(with_database(shop.data_dir, {"--data", shop.data_dir.string(), "--retention",
                                                      retention.string(), "--now", iso(unix_now() - 365 * kDay)}));
  CAPTURE(back.output);
  REQUIRE(back.status == 0);
  CHECK(back.output.find("orders: 0 deleted") != std::string::npos);
  CHECK(snapshot() == before);

  // A bad command line or clock is refused, with the usage.
  const Run bad = purge(with_database(shop.data_dir, {"--data", shop.data_dir.string(), "--now", "yesterday"}));
  CHECK(bad.status == 2);
  CHECK(bad.output.find("--now needs a UTC time like 2027-06-01T00:00:00Z") != std::string::npos);
  CHECK(snapshot() == before);
}

TEST_CASE("the server applies the retention periods by itself when it starts") {
  TempDir dir;
  const ServerConfig config{dir / "data", dir / "web", fixture("catalogue.json"), {}};
  {
    ServerProcess first(config);
    REQUIRE(first.wait_until_listening());
    CHECK(first.output().find("retention: periods from built-in assets/retention.json") != std::string::npos);
  }
  const fs::path db = dir / "data" / "jupiter.sqlite3";
  sql_exec(db, "INSERT INTO webhook_events VALUES ('evt_old', 'checkout.session.completed', NULL, "
               "'2001-01-01T00:00:00Z'), ('evt_new', 'checkout.session.completed', NULL, '" + iso(unix_now()) + "')");
  ServerProcess second(config);
  REQUIRE(second.wait_until_listening());
  CHECK(second.wait_for_output("retention: purged webhook_events 1", std::chrono::seconds(5)));
  CHECK(count(db, "webhook_events", "event_id = 'evt_old'") == 0);
  CHECK(count(db, "webhook_events", "event_id = 'evt_new'") == 1);
}

TEST_CASE("an erase leaves no unsalted hash of the request (which held the e-mail) in the idempotency key") {
  Shop shop;
  const Created c = shop.paid_order("delivered");
  const fs::path db = shop.data_dir / "jupiter.sqlite3";
  const std::string before = sql_text(db, "SELECT request_sha256 FROM idempotency_keys WHERE order_id = '" + c.id + "'");
  REQUIRE(before.size() == 64);
  auto res = shop.store->client().Post(("/api/orders/" + c.id + "/erase").c_str(),
                                       {{"Authorization", "Bearer " + c.token}}, "", "application/json");
  REQUIRE(res);
  REQUIRE(res->status == 200);
  const std::string after = sql_text(db, "SELECT request_sha256 FROM idempotency_keys WHERE order_id = '" + c.id + "'");
  CHECK(after == "erased");
  CHECK(count(db, "idempotency_keys", "request_sha256 = '" + before + "'") == 0);
}
