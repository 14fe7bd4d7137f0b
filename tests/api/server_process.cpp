// server_process.cpp: see server_process.hpp.
#include "server_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <httplib.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <regex>
#include <functional>
#include <sstream>
#include <stdexcept>

#include "server/db.hpp"

extern char** environ;

namespace jupiter::test {

// ---------------------------------------------------------------------------------------------------------
// [SECTION] files
// ---------------------------------------------------------------------------------------------------------
TempDir::TempDir() {
  std::string pattern = (fs::temp_directory_path() / "jupiter-api-XXXXXX").string();
  if (!mkdtemp(pattern.data())) throw std::runtime_error(std::string("mkdtemp: ") + std::strerror(errno));
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

fs::path fixture(const std::string& name) { return fs::path(JUPITER_API_FIXTURES) / name; }

void write_file(const fs::path& path, const std::string& bytes) {
  fs::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] test database
// ---------------------------------------------------------------------------------------------------------
namespace {

// "postgresql://u@h:p/admin" with the database part replaced by `name`.
std::string with_database(const std::string& admin_url, const std::string& name) {
  const std::size_t slash = admin_url.rfind('/');
  return admin_url.substr(0, slash + 1) + name;
}

}  // namespace

std::optional<std::string> test_database(const fs::path& data_dir) {
  const char* admin = std::getenv("JUPITER_TEST_DATABASE");
  if (!admin || !*admin) return std::nullopt;
  std::ostringstream name;
  name << "jt_" << std::hex << std::hash<std::string>{}(fs::absolute(data_dir).lexically_normal().string());
  auto c = db::Connection::open(admin);
  if (!c) throw std::runtime_error("JUPITER_TEST_DATABASE: " + c.error().message);
  auto found = c.value().query("SELECT count(*) FROM pg_database WHERE datname = ?", name.str())
                   .one([](const db::Row& r) { return r.int64(0); });
  if (!found) throw std::runtime_error("JUPITER_TEST_DATABASE: " + found.error().message);
  if (found.value().value_or(0) == 0) {
    if (db::Status s = c.value().exec("CREATE DATABASE " + name.str()); !s)
      throw std::runtime_error("JUPITER_TEST_DATABASE: " + s.error().message);
  }
  return with_database(admin, name.str());
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] process
// ---------------------------------------------------------------------------------------------------------
namespace {

// `args` plus --database for the --data folder they name, when the tests run on PostgreSQL and `args` do not
// choose a database themselves.
std::vector<std::string> on_test_database(std::vector<std::string> args) {
  std::optional<fs::path> data;
  for (std::size_t i = 0; i + 1 < args.size(); ++i) {
    if (args[i] == "--database" || args[i].rfind("--database=", 0) == 0) return args;
    if (args[i] == "--data") data = args[i + 1];
  }
  for (const std::string& a : args) {
    if (a.rfind("--database=", 0) == 0) return args;
    if (a.rfind("--data=", 0) == 0) data = a.substr(7);
  }
  if (!data) return args;
  if (auto url = test_database(*data)) {
    args.push_back("--database");
    args.push_back(*url);
  }
  return args;
}

}  // namespace

ServerProcess::ServerProcess(const ServerConfig& c) {
  std::vector<std::string> args = {"--port", "0", "--data", c.data_dir.string(), "--web", c.web_dir.string(),
                                   "--catalogue", c.catalogue.string()};
  args.insert(args.end(), c.extra_args.begin(), c.extra_args.end());
  spawn(on_test_database(std::move(args)));
}

ServerProcess::ServerProcess(std::vector<std::string> args) { spawn(on_test_database(std::move(args))); }

ServerProcess::ServerProcess(std::string binary, std::vector<std::string> args) : binary_(std::move(binary)) {
  spawn(args);
}

void ServerProcess::spawn(const std::vector<std::string>& args) {
  if (const char* other = std::getenv("JUPITER_TEST_SERVER_BINARY"); other && *other && binary_ == JUPITER_SERVER_BINARY)
    binary_ = other;
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error(std::string("pipe2: ") + std::strerror(errno));
  read_fd_ = fds[0];

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDERR_FILENO);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);

  std::vector<std::string> argv_storage = {binary_};
  argv_storage.insert(argv_storage.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& a : argv_storage) argv.push_back(a.data());
  argv.push_back(nullptr);

  const int rc = posix_spawn(&pid_, binary_.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(fds[1]);
  if (rc != 0) {
    close(read_fd_);
    read_fd_ = -1;
    pid_ = -1;
    throw std::runtime_error("cannot start " + binary_ + ": " + std::strerror(rc));
  }
  reader_ = std::thread([this] { drain(); });
}

void ServerProcess::drain() {
  char buffer[4096];
  for (;;) {
    const ssize_t n = read(read_fd_, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    std::lock_guard<std::mutex> lock(mutex_);
    if (n <= 0) {
      eof_ = true;
      changed_.notify_all();
      return;
    }
    output_.append(buffer, static_cast<std::size_t>(n));
    changed_.notify_all();
  }
}

ServerProcess::~ServerProcess() {
  if (pid_ > 0 && !exit_status_) {
    if (!stop()) {
      kill(pid_, SIGKILL);
      (void)wait_for_exit();
    }
  }
  if (reader_.joinable()) reader_.join();
  if (read_fd_ >= 0) close(read_fd_);
}

bool ServerProcess::wait_until_listening(std::chrono::milliseconds timeout) {
  static const std::regex kListening(R"(listening on http://127\.0\.0\.1:(\d+)\n)");
  std::unique_lock<std::mutex> lock(mutex_);
  std::smatch m;
  const bool found = changed_.wait_for(lock, timeout, [&] { return std::regex_search(output_, m, kListening) || eof_; });
  if (!found || !std::regex_search(output_, m, kListening)) return false;
  port_ = std::stoi(m[1].str());
  return true;
}

httplib::Client ServerProcess::client() const {
  httplib::Client c("127.0.0.1", port_);
  c.set_connection_timeout(5);
  c.set_read_timeout(5);
  c.set_write_timeout(5);
  c.set_decompress(false);
  c.set_url_encode(false);  // paths go out exactly as the test wrote them
  return c;
}

std::optional<int> ServerProcess::wait_for_exit(std::chrono::milliseconds timeout) {
  if (exit_status_) return exit_status_;
  if (pid_ <= 0) return std::nullopt;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    int status = 0;
    const pid_t r = waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
      exit_status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      // The pipe may still hold its last lines: output() is complete once the reader has seen its end.
      std::unique_lock<std::mutex> lock(mutex_);
      changed_.wait_for(lock, std::chrono::seconds(2), [this] { return eof_; });
      return exit_status_;
    }
    if (r < 0 && errno != EINTR) return std::nullopt;
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

std::optional<int> ServerProcess::stop(std::chrono::milliseconds timeout) {
  if (exit_status_) return exit_status_;
  if (pid_ > 0) kill(pid_, SIGTERM);
  return wait_for_exit(timeout);
}

std::optional<int> ServerProcess::kill_now() {
  if (exit_status_) return exit_status_;
  if (pid_ > 0) kill(pid_, SIGKILL);
  return wait_for_exit(std::chrono::seconds(5));
}

std::string ServerProcess::output() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return output_;
}

bool ServerProcess::wait_for_output(const std::string& text, std::chrono::milliseconds timeout) const {
  std::unique_lock<std::mutex> lock(mutex_);
  return changed_.wait_for(lock, timeout, [&] { return output_.find(text) != std::string::npos || eof_; }) &&
         output_.find(text) != std::string::npos;
}

}  // namespace jupiter::test
