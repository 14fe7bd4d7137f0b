// helpers.cpp: see helpers.hpp.
#include "helpers.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <brotli/decode.h>
#include <doctest/doctest.h>
#include <sqlite3.h>
#include <zlib.h>

#include <climits>
#include <fstream>
#include <iterator>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "server/db.hpp"

namespace jupiter::test {

// ---------------------------------------------------------------------------------------------------------
// [SECTION] fixture site
// ---------------------------------------------------------------------------------------------------------
std::string hashed_script_text() {
  std::string js = "// fixture script\n";
  for (int i = 0; i < 100; ++i) js += "console.log('line " + std::to_string(i) + " of the fixture script');\n";
  return js;
}

void write_web_fixture(const fs::path& web) {
  write_file(web / "index.html",
             "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>JupiterEsims test</title>"
             "<script src=\"app.3f9a1c2e.js\"></script></head><body><canvas id=\"canvas\"></canvas></body></html>\n");
  write_file(web / kHashedScript, hashed_script_text());
  // The smallest valid module: magic and version.
  write_file(web / "store.wasm", std::string("\0asm\x01\0\0\0", 8));
  std::string css;
  for (int i = 0; i < 40; ++i) css += ".rule-" + std::to_string(i) + " { margin: 0; padding: 0; }\n";
  write_file(web / "style.css", css);
  write_file(web / "demo" / "index.html", "<!doctype html><title>demo</title>\n");
  std::string lib = "// the original\n";
  for (int i = 0; i < 40; ++i) lib += "var original" + std::to_string(i) + " = " + std::to_string(i) + ";\n";
  write_file(web / "lib.js", lib);
  // Written after lib.js, so it is not older than it.
  const std::string sibling = "// PRECOMPRESSED SIBLING\n";
  std::string gz;
  {
    z_stream zs{};
    REQUIRE(deflateInit2(&zs, 9, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) == Z_OK);
    gz.resize(deflateBound(&zs, static_cast<uLong>(sibling.size())));
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(sibling.data()));
    zs.avail_in = static_cast<uInt>(sibling.size());
    zs.next_out = reinterpret_cast<Bytef*>(gz.data());
    zs.avail_out = static_cast<uInt>(gz.size());
    REQUIRE(deflate(&zs, Z_FINISH) == Z_STREAM_END);
    gz.resize(gz.size() - zs.avail_out);
    deflateEnd(&zs);
  }
  write_file(web / "lib.js.gz", gz);
  write_file(web / ".env", "SECRET=1\n");
  write_file(web.parent_path() / "secret.txt", std::string(kSecret) + "\n");
}

Store::Store(const std::string& catalogue_fixture) {
  data_dir = dir / "data";
  web_dir = dir / "web";
  write_web_fixture(web_dir);
  server = std::make_unique<ServerProcess>(ServerConfig{data_dir, web_dir, fixture(catalogue_fixture), {}});
  REQUIRE_MESSAGE(server->wait_until_listening(), "the server did not print its listening line within 10 s:\n"
                                                      << server->output());
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] decoding
// ---------------------------------------------------------------------------------------------------------
std::optional<std::string> gunzip(const std::string& data) {
  z_stream zs{};
  if (inflateInit2(&zs, 15 + 16) != Z_OK) return std::nullopt;
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  std::string out;
  char buffer[16384];
  int rc = Z_OK;
  while (rc == Z_OK) {
    zs.next_out = reinterpret_cast<Bytef*>(buffer);
    zs.avail_out = sizeof buffer;
    rc = inflate(&zs, Z_NO_FLUSH);
    out.append(buffer, sizeof buffer - zs.avail_out);
  }
  inflateEnd(&zs);
  if (rc != Z_STREAM_END) return std::nullopt;
  return out;
}

std::optional<std::string> unbrotli(const std::string& data) {
  BrotliDecoderState* s = BrotliDecoderCreateInstance(nullptr, nullptr, nullptr);
  if (!s) return std::nullopt;
  std::size_t in_left = data.size();
  const auto* in = reinterpret_cast<const uint8_t*>(data.data());
  std::string out;
  BrotliDecoderResult r = BROTLI_DECODER_RESULT_NEEDS_MORE_OUTPUT;
  while (r == BROTLI_DECODER_RESULT_NEEDS_MORE_OUTPUT) {
    uint8_t buffer[16384];
    std::size_t out_left = sizeof buffer;
    uint8_t* next = buffer;
    r = BrotliDecoderDecompressStream(s, &in_left, &in, &out_left, &next, nullptr);
    out.append(reinterpret_cast<const char*>(buffer), sizeof buffer - out_left);
  }
  BrotliDecoderDestroyInstance(s);
  if (r != BROTLI_DECODER_RESULT_SUCCESS) return std::nullopt;
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] raw requests, SQLite, JSON
// ---------------------------------------------------------------------------------------------------------
namespace {

// True once `reply` holds a whole response: the head, and as many body bytes as its Content-Length says
// (a server may keep the connection open after it).
bool complete_response(const std::string& reply) {
  const std::size_t head_end = reply.find("\r\n\r\n");
  if (head_end == std::string::npos) return false;
  const std::string head = reply.substr(0, head_end);
  const std::size_t at = head.find("\r\nContent-Length: ");
  if (at == std::string::npos) return true;
  const std::size_t length = std::stoul(head.substr(at + 18));
  return reply.size() >= head_end + 4 + length;
}

}  // namespace

std::string raw_request(int port, const std::string& bytes) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  REQUIRE(fd >= 0);
  timeval tv{2, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  std::size_t sent = 0;
  while (sent < bytes.size()) {
    const ssize_t n = send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) break;
    sent += static_cast<std::size_t>(n);
  }
  std::string reply;
  char buffer[4096];
  for (;;) {
    const ssize_t n = recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) break;
    reply.append(buffer, static_cast<std::size_t>(n));
    if (complete_response(reply)) break;
  }
  close(fd);
  return reply;
}

std::optional<std::int64_t> sqlite_int(const fs::path& path, const std::string& sql) {
  if (auto url = path.filename() == "jupiter.sqlite3" ? test_database(path.parent_path()) : std::nullopt) {
    auto c = db::Connection::open(*url);
    if (!c) return std::nullopt;
    auto v = c.value().query_int64(sql);
    return v ? v.value() : std::nullopt;
  }
  sqlite3* db = nullptr;
  std::optional<std::int64_t> out;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK && sqlite3_step(stmt) == SQLITE_ROW)
      out = sqlite3_column_int64(stmt, 0);
    sqlite3_finalize(stmt);
  }
  sqlite3_close(db);
  return out;
}

namespace {

std::string file_bytes(const fs::path& p) {  // "" when missing
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// The PostgreSQL URL of the database behind DATA/jupiter.sqlite3, when the tests run there.
std::optional<std::string> postgres_for(const fs::path& path) {
  return path.filename() == "jupiter.sqlite3" ? test_database(path.parent_path()) : std::nullopt;
}

}  // namespace

std::string db_exec(const fs::path& path, const std::string& sql) {
  if (auto url = postgres_for(path)) {
    auto c = db::Connection::open(*url);
    if (!c) return c.error().message;
    db::Status s = c.value().exec(sql);
    return s ? "" : s.error().message;
  }
  sqlite3* h = nullptr;
  if (sqlite3_open_v2(path.c_str(), &h, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
    sqlite3_close(h);
    return "cannot open " + path.string();
  }
  sqlite3_busy_timeout(h, 5000);
  char* error = nullptr;
  const int rc = sqlite3_exec(h, sql.c_str(), nullptr, nullptr, &error);
  const std::string message = rc == SQLITE_OK ? "" : (error ? error : "error " + std::to_string(rc));
  sqlite3_free(error);
  sqlite3_close(h);
  return message;
}

std::string db_text(const fs::path& path, const std::string& sql) {
  if (auto url = postgres_for(path)) {
    auto c = db::Connection::open(*url);
    if (!c) return "";
    auto v = c.value().query_text(sql);
    return v && v.value() ? *v.value() : "";
  }
  sqlite3* h = nullptr;
  std::string out;
  if (sqlite3_open_v2(path.c_str(), &h, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(h, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK && sqlite3_step(stmt) == SQLITE_ROW &&
        sqlite3_column_text(stmt, 0))
      out = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
    sqlite3_finalize(stmt);
  }
  sqlite3_close(h);
  return out;
}

std::string stored_data(const fs::path& path) {
  auto url = postgres_for(path);
  if (!url) {
    REQUIRE_MESSAGE(fs::exists(path), path.string() << " does not exist");
    return file_bytes(path) + file_bytes(fs::path(path.string() + "-wal"));
  }
  auto c = db::Connection::open(*url);
  REQUIRE_MESSAGE(c, (c ? "" : c.error().message));
  auto tables = c.value()
                    .query("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' "
                           "AND table_type = 'BASE TABLE' ORDER BY table_name")
                    .all([](const db::Row& r) { return r.text(0); });
  REQUIRE_MESSAGE(tables, (tables ? "" : tables.error().message));
  std::string out;
  for (const std::string& t : tables.value()) {
    auto rows = c.value().query_text("SELECT string_agg(x::text, chr(10)) FROM \"" + t + "\" x");
    REQUIRE_MESSAGE(rows, (rows ? "" : rows.error().message));
    out += t + ":\n" + rows.value().value_or("") + "\n";
  }
  return out;
}

bool on_postgres() { return std::getenv("JUPITER_TEST_DATABASE") != nullptr; }

void skipped_on_postgres(const std::string& what) {
  MESSAGE("skipped on PostgreSQL: " << what);  // doctest prints it with the test case's name and this line
}

std::vector<std::string> database_args(const fs::path& data_dir) {
  if (auto url = test_database(data_dir)) return {"--database", *url};
  return {};
}

std::string json_error_code(const std::string& body) {
  const auto doc = nlohmann::json::parse(body, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) return "";
  const auto error = doc.find("error");
  if (error == doc.end() || !error->is_object() || error->size() != 2) return "";
  const auto code = error->find("code");
  const auto message = error->find("message");
  if (code == error->end() || !code->is_string() || message == error->end() || !message->is_string()) return "";
  return code->get<std::string>();
}

}  // namespace jupiter::test
