// helpers.hpp: what the API tests share besides the process harness: the fixture web site, a started store,
// decompression, raw socket requests, a peek into the server's SQLite file.
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "server_process.hpp"

namespace httplib {
struct Result;
}

namespace jupiter::test {

// The fixture web site: index.html, a hashed JavaScript file, a WebAssembly module, a stylesheet, a demo/
// directory, a file with a precompressed sibling whose content differs (to tell which one was served), and a
// dot file. Next to the site (outside it) lies secret.txt containing kSecret.
inline constexpr const char* kSecret = "TOP-SECRET-OUTSIDE-WEB-ROOT";
inline constexpr const char* kHashedScript = "app.3f9a1c2e.js";
void write_web_fixture(const fs::path& web_dir);
std::string hashed_script_text();  // the content of kHashedScript (compressible, a few KB)

// A server over a fresh temp dir: data/, web/ (write_web_fixture), secret.txt, and a catalogue fixture.
struct Store {
  explicit Store(const std::string& catalogue_fixture = "catalogue.json");
  TempDir dir;
  fs::path data_dir, web_dir;
  std::unique_ptr<ServerProcess> server;  // started and listening (REQUIREd)
};

// gzip / brotli decoders; nullopt when the input is not a valid stream.
std::optional<std::string> gunzip(const std::string& data);
std::optional<std::string> unbrotli(const std::string& data);

// Sends `bytes` as they are to 127.0.0.1:`port` and returns what comes back: one whole response (head and
// Content-Length bytes of body), or whatever arrived before the server closed the connection or 2 s passed.
std::string raw_request(int port, const std::string& bytes);

// A single integer from the SQLite database at `path` (opened read-only), e.g. "SELECT count(*) FROM plans". When
// the tests run on PostgreSQL, a `path` of DATA/jupiter.sqlite3 reads that data folder's database instead.
std::optional<std::int64_t> sqlite_int(const fs::path& path, const std::string& sql);

// The same database seen through the engine the tests run on (DATA/jupiter.sqlite3 on PostgreSQL: that data folder's
// database). db_exec runs one or more statements and returns "" or the error message; db_text reads one text value
// ("" when there is no row or it fails).
std::string db_exec(const fs::path& path, const std::string& sql);
std::string db_text(const fs::path& path, const std::string& sql);

// What DATA/jupiter.sqlite3's database holds, to search for a string that must not be stored: SQLite's file and its
// WAL as bytes; on PostgreSQL every row of every table as text (the rows SQL can reach: its data files are not the
// test's to read, and an erased row's dead version is vacuumed, not overwritten, there).
std::string stored_data(const fs::path& path);

// True when the tests run on PostgreSQL (JUPITER_TEST_DATABASE set). A check that only SQLite can make (its file,
// its WAL) is skipped there with skipped_on_postgres(why), which prints why.
bool on_postgres();
void skipped_on_postgres(const std::string& what);

// The arguments that point a `jupiter-server` subcommand at the data folder's database: {"--database", URL} on
// PostgreSQL, none on SQLite (it finds DATA/jupiter.sqlite3 itself).
std::vector<std::string> database_args(const fs::path& data_dir);

// The error code of a JSON error body ({"error":{"code":...}}); "" when the body is not one.
std::string json_error_code(const std::string& body);

}  // namespace jupiter::test
