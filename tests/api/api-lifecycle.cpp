// api-lifecycle.cpp: the server process over its life: first start, restarts, catalogue import, bad input,
// command line, signals, access log.
#include <doctest/doctest.h>
#include <httplib.h>

#include <fstream>
#include <iterator>

#include "core/catalogue.hpp"
#include "helpers.hpp"
#include "server/db.hpp"
#include "server/migrations.hpp"

using namespace jupiter;
using namespace jupiter::test;

namespace {
// Every migration this server knows runs once on a fresh database (none again on a restart).
const std::int64_t kMigrations = static_cast<std::int64_t>(jupiter::server::migrations().size());
}  // namespace

namespace {

std::string read_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

std::string etag_of(ServerProcess& server) {
  auto res = server.client().Get("/api/catalogue");
  REQUIRE(res);
  REQUIRE(res->status == 200);
  return res->get_header_value("ETag");
}

}  // namespace

TEST_CASE("the database is created on first start and reused on restart without a second import") {
  TempDir dir;
  const fs::path data = dir / "state" / "nested";  // created when missing, parents too
  const fs::path db = data / "jupiter.sqlite3";
  const ServerConfig config{data, dir / "web", fixture("catalogue.json"), {}};
  std::string first_etag;
  {
    ServerProcess server(config);
    REQUIRE_MESSAGE(server.wait_until_listening(), server.output());
    CHECK(server.output().find("database: applied migration 1 (catalogue)") != std::string::npos);
    CHECK(server.output().find("catalogue: imported") != std::string::npos);
    first_etag = etag_of(server);
    if (on_postgres()) {  // the harness made an empty database for this data folder; the server migrated it
      skipped_on_postgres("the SQLite file, its 'database: created' line and its WAL (the database is the cluster's)");
    } else {
      CHECK(fs::exists(db));
      CHECK(server.output().find("database: created") != std::string::npos);
      CHECK(fs::exists(data / "jupiter.sqlite3-wal"));  // WAL mode: the log sits next to the open database
    }
    CHECK(server.stop() == 0);
  }
  CHECK(sqlite_int(db, "SELECT count(*) FROM schema_migrations") == kMigrations);
  CHECK(sqlite_int(db, "SELECT count(*) FROM plans") == 5);
  CHECK(sqlite_int(db, "SELECT count(*) FROM plan_prices") == 12);
  CHECK(sqlite_int(db, "SELECT count(*) FROM destinations") == 4);
  // The compressed catalogue is kept for the next start.
  CHECK(fs::exists(data / "cache"));
  CHECK_FALSE(fs::is_empty(data / "cache"));

  ServerProcess again(config);
  REQUIRE_MESSAGE(again.wait_until_listening(), again.output());
  CHECK(again.output().find("database: created") == std::string::npos);
  CHECK(again.output().find("database: applied migration") == std::string::npos);
  CHECK(again.output().find("catalogue: imported") == std::string::npos);
  CHECK(again.output().find("unchanged") != std::string::npos);
  CHECK(etag_of(again) == first_etag);
  CHECK(sqlite_int(db, "SELECT count(*) FROM plans") == 5);
  CHECK(sqlite_int(db, "SELECT count(*) FROM plan_prices") == 12);
  CHECK(sqlite_int(db, "SELECT count(*) FROM schema_migrations") == kMigrations);
}

TEST_CASE("a changed catalogue file is imported again on the next start, retiring plans it dropped") {
  TempDir dir;
  const fs::path catalogue = dir / "catalogue.json";
  const std::string original = read_text(fixture("catalogue.json"));
  write_file(catalogue, original);
  const ServerConfig config{dir / "data", dir / "web", catalogue, {}};
  std::string first_etag;
  {
    ServerProcess server(config);
    REQUIRE_MESSAGE(server.wait_until_listening(), server.output());
    first_etag = etag_of(server);
  }

  // Drop the global plan and change a price.
  CatalogueDecode doc = decode_catalogue(original);
  REQUIRE(doc.ok);
  doc.catalogue.plans.pop_back();
  doc.catalogue.plans[0].prices.set(Currency::USD, 1399);
  write_file(catalogue, encode_catalogue(doc.catalogue));

  ServerProcess server(config);
  REQUIRE_MESSAGE(server.wait_until_listening(), server.output());
  CHECK(server.output().find("catalogue: imported") != std::string::npos);
  CHECK(server.output().find("1 plans retired") != std::string::npos);
  CHECK(etag_of(server) != first_etag);
  auto res = server.client().Get("/api/catalogue");
  REQUIRE(res);
  const CatalogueDecode served = decode_catalogue(res->body);
  REQUIRE(served.ok);
  CHECK(served.catalogue.plans.size() == 4);
  REQUIRE(served.catalogue.find_plan("jp-5gb-30d"));
  CHECK(served.catalogue.find_plan("jp-5gb-30d")->prices.get(Currency::USD) == Money{1399, Currency::USD});
  CHECK(served.catalogue.find_plan("global-1gb-7d") == nullptr);
  const fs::path db = dir / "data" / "jupiter.sqlite3";
  CHECK(sqlite_int(db, "SELECT count(*) FROM plans WHERE retired = 1") == 1);
}

TEST_CASE("a catalogue with broken plans imports the valid ones and logs what it skipped") {
  Store store("catalogue_with_broken_plans.json");
  auto res = store.server->client().Get("/api/catalogue");
  REQUIRE(res);
  REQUIRE(res->status == 200);
  const CatalogueDecode served = decode_catalogue(res->body);
  REQUIRE(served.ok);
  CHECK(served.catalogue.plans.size() == 3);
  CHECK(served.catalogue.find_plan("jp-5gb-30d"));
  CHECK(served.catalogue.find_plan("kr-2gb-7d"));
  CHECK(served.catalogue.find_plan("asia-1gb-7d"));
  CHECK(served.catalogue.find_plan("jp-no-price") == nullptr);

  const std::string out = store.server->output();
  CHECK(out.find("skipped 4 invalid entries") != std::string::npos);
  CHECK(out.find("jp-no-price") != std::string::npos);
  CHECK(out.find("xx-bad-country") != std::string::npos);
  CHECK(out.find("duplicate id") != std::string::npos);
}

TEST_CASE("an unusable catalogue file on first start stops the server with a message naming the file") {
  TempDir dir;
  fs::path catalogue = dir / "catalogue.json";
  std::string expected;
  SUBCASE("not JSON") {
    write_file(catalogue, "{ this is not json");
    expected = "not JSON";
  }
  SUBCASE("JSON but not a catalogue") {
    write_file(catalogue, R"({"plans": 3})");
    expected = "not a catalogue";
  }
  SUBCASE("no valid plan") {
    write_file(catalogue, R"({"schema":1,"regions":[],"destinations":[],"plans":[{"id":"x"}]})");
    expected = "no valid plan";
  }
  SUBCASE("missing") {
    catalogue = dir / "missing.json";
    expected = "no such file";
  }
  ServerProcess server(ServerConfig{dir / "data", dir / "web", catalogue, {}});
  const auto status = server.wait_for_exit();
  REQUIRE_MESSAGE(status.has_value(), "the server kept running:\n" << server.output());
  CHECK(*status != 0);
  const std::string out = server.output();
  CHECK_MESSAGE(out.find(catalogue.string()) != std::string::npos, out);
  CHECK_MESSAGE(out.find(expected) != std::string::npos, out);
  CHECK(out.find("listening on") == std::string::npos);
}

TEST_CASE("a catalogue file broken after a good import leaves the stored catalogue in service") {
  TempDir dir;
  const fs::path catalogue = dir / "catalogue.json";
  write_file(catalogue, read_text(fixture("catalogue.json")));
  const ServerConfig config{dir / "data", dir / "web", catalogue, {}};
  std::string etag;
  {
    ServerProcess server(config);
    REQUIRE_MESSAGE(server.wait_until_listening(), server.output());
    etag = etag_of(server);
  }
  write_file(catalogue, "truncated {");
  ServerProcess server(config);
  REQUIRE_MESSAGE(server.wait_until_listening(), server.output());
  CHECK(server.output().find("serving the catalogue imported earlier") != std::string::npos);
  CHECK(etag_of(server) == etag);
}

TEST_CASE("a bad command line prints the usage on stderr and exits with status 2") {
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {"--bogus"}, {"--port"}, {"--port", "99999"}, {"--port", "12ab"}, {"stray"}}) {
    CAPTURE(args.front());
    ServerProcess server(args);
    CHECK(server.wait_for_exit() == 2);
    CHECK(server.output().find("usage:") != std::string::npos);
  }
  ServerProcess help(std::vector<std::string>{"--help"});
  CHECK(help.wait_for_exit() == 0);
  CHECK(help.output().find("--catalogue PATH") != std::string::npos);
}

TEST_CASE("SIGTERM stops the server cleanly") {
  Store store;
  auto res = store.server->client().Get("/healthz");
  REQUIRE(res);
  CHECK(store.server->stop() == 0);
  CHECK(store.server->output().find("stopped") != std::string::npos);
}

TEST_CASE("the access log has one line per request, without the query string") {
  Store store;
  auto cli = store.server->client();
  auto ok = cli.Get("/healthz?token=SECRET-QUERY");
  auto missing = cli.Get("/api/missing");
  REQUIRE(ok);
  REQUIRE(missing);
  CHECK(store.server->wait_for_output("GET /healthz 200 "));
  CHECK(store.server->wait_for_output("GET /api/missing 404 "));
  CHECK(store.server->output().find("SECRET-QUERY") == std::string::npos);
}

// [SECTION] the database helper (db.hpp): typed binds and reads, errors as values, one transaction helper.
TEST_CASE("db::Query reads typed rows, reports a bad statement at its terminal call, and in_transaction rolls back") {
  TempDir dir;
  auto conn = jupiter::db::Connection::open((dir / "t.sqlite3").string());
  REQUIRE(conn);
  jupiter::db::Connection& c = conn.value();
  REQUIRE(c.exec("CREATE TABLE t (id TEXT PRIMARY KEY, n INTEGER, note TEXT)"));
  REQUIRE(c.exec("INSERT INTO t VALUES (?, ?, ?)", "a", 1, std::optional<std::string>("x")));
  REQUIRE(c.exec("INSERT INTO t VALUES (?, ?, ?)", std::string("b"), std::int64_t{5'000'000'000}, nullptr));
  struct R { std::string id; std::int64_t n; std::optional<std::string> note; };
  auto rows = c.query("SELECT id, n, note FROM t WHERE n >= ? ORDER BY id", 0).all([](const jupiter::db::Row& r) {
    return R{r.text(0), r.int64(1), r.opt_text(2)};
  });
  REQUIRE(rows);
  REQUIRE(rows.value().size() == 2);
  CHECK(rows.value()[0].note == std::optional<std::string>("x"));
  CHECK(rows.value()[1].n == 5'000'000'000);
  CHECK_FALSE(rows.value()[1].note.has_value());
  auto none = c.query("SELECT n FROM t WHERE id = ?", "zz").one([](const jupiter::db::Row& r) { return r.int64(0); });
  REQUIRE(none);
  CHECK_FALSE(none.value().has_value());
  auto bad = c.query("SELECT nope FROM t").all([](const jupiter::db::Row& r) { return r.int64(0); });
  REQUIRE_FALSE(bad);
  CHECK(bad.error().message.find("nope") != std::string::npos);
  int seen = 0;
  auto stopped = c.query("SELECT id FROM t ORDER BY id").each([&](const jupiter::db::Row&) -> jupiter::db::Status {
    ++seen;
    return jupiter::db::Error{1, "stop"};
  });
  CHECK_FALSE(stopped);
  CHECK(seen == 1);
  auto failed = jupiter::db::in_transaction(c, [](jupiter::db::Connection& x) -> jupiter::db::Status {
    if (auto s = x.exec("DELETE FROM t WHERE id = ?", "a"); !s) return s;
    return jupiter::db::Error{1, "changed my mind"};
  });
  CHECK_FALSE(failed);
  auto kept = jupiter::db::in_transaction(c, [](jupiter::db::Connection& x) -> jupiter::db::Result<std::int64_t> {
    auto n = x.query_int64("SELECT count(*) FROM t");
    if (!n) return n.error();
    return n.value().value_or(-1);
  });
  REQUIRE(kept);
  CHECK(kept.value() == 2);
}
