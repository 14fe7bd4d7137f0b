// server_process.hpp: runs the real jupiter-server binary for an API test.
//
//   TempDir dir;
//   ServerProcess server({dir / "data", dir / "web", fixture("catalogue.json")});
//   REQUIRE(server.wait_until_listening());
//   auto res = server.client().Get("/healthz");
//
// The server gets --port 0 and reports the port it bound in its "listening on http://127.0.0.1:N" line, which
// the harness reads from the server's stdout. stdout and stderr go to one pipe that a thread drains all the
// time (a full pipe would block the server's access log); output() returns everything so far. The destructor
// sends SIGTERM and, if the server has not exited 5 s later, SIGKILL. JUPITER_TEST_SERVER_BINARY in the
// environment names another jupiter-server to run (an older build, to see a regression test fail on it).
// JUPITER_TEST_DATABASE (a postgresql:// URL of an administrative database, tests/pg/cluster.sh sets it) runs every
// server on PostgreSQL: each --data folder gets its own database there (created on first use, so a restarted
// server finds its data), passed as --database unless the test chose one.
#pragma once
#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace httplib {
class Client;
}

namespace jupiter::test {

namespace fs = std::filesystem;

// A fresh directory under the system temp dir, removed with everything in it on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const fs::path& path() const { return path_; }
  fs::path operator/(const fs::path& p) const { return path_ / p; }

 private:
  fs::path path_;
};

// The PostgreSQL database URL for the server whose data folder is `data_dir` (created when missing), or nullopt when
// JUPITER_TEST_DATABASE is unset (the tests run on SQLite). Throws when the cluster cannot be reached.
std::optional<std::string> test_database(const fs::path& data_dir);

// A file under tests/api/fixtures.
fs::path fixture(const std::string& name);

// Writes `bytes` to `path`, creating parent directories.
void write_file(const fs::path& path, const std::string& bytes);

struct ServerConfig {
  fs::path data_dir;
  fs::path web_dir;
  fs::path catalogue;
  std::vector<std::string> extra_args;  // appended after the usual ones
};

class ServerProcess {
 public:
  // Starts the server with --port 0 --data --web --catalogue from `config`.
  explicit ServerProcess(const ServerConfig& config);
  // Starts the server with exactly `args` (for command-line tests).
  explicit ServerProcess(std::vector<std::string> args);
  // Starts another program (the sandboxes) with exactly `args`; it must print a "listening on" line too.
  ServerProcess(std::string binary, std::vector<std::string> args);
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  // Waits for the "listening on" line. False when it does not come within `timeout` or the server exits first;
  // output() then says why.
  bool wait_until_listening(std::chrono::milliseconds timeout = std::chrono::seconds(10));
  int port() const { return port_; }  // 0 until listening

  // A client for this server: 5 s timeouts, no automatic decompression (tests look at raw bodies), paths sent
  // as written (no re-encoding).
  httplib::Client client() const;

  // Waits for the server to exit on its own: its exit status (128 + signal when killed), or nullopt on timeout.
  std::optional<int> wait_for_exit(std::chrono::milliseconds timeout = std::chrono::seconds(10));
  // SIGTERM, then wait_for_exit.
  std::optional<int> stop(std::chrono::milliseconds timeout = std::chrono::seconds(5));
  // SIGKILL (no chance to finish anything), then wait_for_exit.
  std::optional<int> kill_now();

  // Everything the server wrote to stdout and stderr so far.
  std::string output() const;
  // Waits until output() contains `text` (true) or `timeout` passes (false).
  bool wait_for_output(const std::string& text, std::chrono::milliseconds timeout = std::chrono::seconds(2)) const;

 private:
  void spawn(const std::vector<std::string>& args);
  void drain();

  std::string binary_ = JUPITER_SERVER_BINARY;
  pid_t pid_ = -1;
  std::optional<int> exit_status_;
  int read_fd_ = -1;
  int port_ = 0;
  std::thread reader_;
  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  std::string output_;
  bool eof_ = false;
};

}  // namespace jupiter::test
