// api-smtp.cpp: --smtp-url (issue 15): the outbox's e-mails go through a real SMTP relay, a local sink the test starts
// (tests/api/fixtures/smtp_sink.py, Debian's python3-aiosmtpd), with retries, a permanent failure on 5xx, STARTTLS
// required when asked, and credentials that others may not read.
#include <doctest/doctest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <functional>
#include <thread>

#include "commerce.hpp"

using namespace jupiter::test;

namespace {

constexpr const char* kPython = "/usr/bin/python3";  // Debian's, which has aiosmtpd (not a pyenv one on PATH)

// A TCP port nothing listens on now (bound to 0, read back, closed).
int free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(fd);
  return ntohs(a.sin_port);
}

std::unique_ptr<ServerProcess> start_sink(int port, const fs::path& dir, const std::string& mode) {
  auto sink = std::make_unique<ServerProcess>(
      kPython, std::vector<std::string>{fixture("smtp_sink.py").string(), std::to_string(port), dir.string(), mode});
  REQUIRE_MESSAGE(sink->wait_until_listening(), sink->output());
  return sink;
}

std::string smtp_url(int port) { return "smtp://127.0.0.1:" + std::to_string(port); }

// The messages the sink saved (1.eml, 2.eml, ...), in arrival order.
std::vector<std::string> received(const fs::path& dir) {
  std::vector<std::string> out;
  for (int n = 1; fs::exists(dir / (std::to_string(n) + ".eml")); ++n)
    out.push_back(read_all(dir / (std::to_string(n) + ".eml")));
  return out;
}

// The RCPT commands the sink saw.
int attempts(const fs::path& dir) {
  const std::string text = fs::exists(dir / "attempts") ? read_all(dir / "attempts") : "";
  return static_cast<int>(std::count(text.begin(), text.end(), '\n'));
}

bool wait_until(const std::function<bool()>& done, std::chrono::seconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return true;
}

std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return s;
}

// The relay's record of outbox file `name` with `state` (".sent", ".failed", ".retry") exists.
bool relay_state(const Shop& shop, const std::string& name, const std::string& state) {
  return fs::exists(shop.data_dir / "outbox" / "relay" / (name + state));
}

// The outbox's file names for order `id` (confirmation and delivery), waiting for both.
std::vector<std::string> order_mails(const Shop& shop, const std::string& id) {
  REQUIRE_FALSE(shop.wait_for_mail(id + "-confirmation.eml").empty());
  REQUIRE_FALSE(shop.wait_for_mail(id + "-delivery.eml").empty());
  std::vector<std::string> names;
  for (const auto& [name, mail] : shop.outbox())
    if (name.find(id) != std::string::npos) names.push_back(name);
  REQUIRE(names.size() == 2);
  return names;
}

}  // namespace

TEST_CASE("smtp: with --smtp-url the order's e-mails reach the relay byte for byte, once, and are marked relayed") {
  TempDir sink_dir;
  const int port = free_port();
  const auto sink = start_sink(port, sink_dir.path(), "accept");
  Shop shop({"--smtp-url", smtp_url(port)});
  const Created c = shop.paid_order("delivered");
  const auto names = order_mails(shop, c.id);
  for (const std::string& name : names)
    CHECK_MESSAGE(wait_until([&] { return relay_state(shop, name, ".sent"); }, std::chrono::seconds(10)), name);
  REQUIRE(wait_until([&] { return received(sink_dir.path()).size() >= 2; }, std::chrono::seconds(5)));
  const auto mails = received(sink_dir.path());
  for (const auto& [name, eml] : shop.outbox()) {  // every .eml was relayed as it is in the outbox
    const auto same = [&](const std::string& m) { return trimmed(m) == trimmed(eml); };
    const bool found = std::any_of(mails.begin(), mails.end(), same);
    CHECK_MESSAGE(found, name);
    CHECK(fs::exists(shop.data_dir / "outbox" / name));  // the copy stays (retention purges it)
  }
  CHECK(read_all(sink_dir.path() / "1.rcpt") == "ada@example.com");  // the envelope recipient, from To
  std::this_thread::sleep_for(std::chrono::seconds(3));  // later rounds send nothing again
  CHECK(received(sink_dir.path()).size() == shop.outbox().size());
  CHECK(attempts(sink_dir.path()) == static_cast<int>(shop.outbox().size()));
  CHECK(shop.store->output().find("smtp: relayed") != std::string::npos);
  CHECK(shop.store->output().find("ada@example.com") == std::string::npos);
}

TEST_CASE("smtp: a relay that is down keeps the mail unsent and retried; once it is up the mail arrives exactly once") {
  TempDir sink_dir;
  const int port = free_port();
  Shop shop({"--smtp-url", smtp_url(port)});
  const Created c = shop.paid_order("delivered");
  const auto names = order_mails(shop, c.id);
  for (const std::string& name : names) {
    CHECK(wait_until([&] { return relay_state(shop, name, ".retry"); }, std::chrono::seconds(5)));
    CHECK_FALSE(relay_state(shop, name, ".sent"));
  }
  CHECK(shop.store->wait_for_output("retrying in 5 s"));
  const auto sink = start_sink(port, sink_dir.path(), "accept");
  for (const std::string& name : names)
    CHECK_MESSAGE(wait_until([&] { return relay_state(shop, name, ".sent"); }, std::chrono::seconds(15)), name);
  std::this_thread::sleep_for(std::chrono::seconds(3));
  CHECK(received(sink_dir.path()).size() == shop.outbox().size());
  CHECK(shop.store->output().find("ada@example.com") == std::string::npos);
}

TEST_CASE("smtp: a relay answering 550 marks the mail failed and it is not tried again") {
  TempDir sink_dir;
  const int port = free_port();
  const auto sink = start_sink(port, sink_dir.path(), "reject");
  Shop shop({"--smtp-url", smtp_url(port)});
  const Created c = shop.paid_order("delivered");
  const auto names = order_mails(shop, c.id);
  for (const std::string& name : names)
    CHECK_MESSAGE(wait_until([&] { return relay_state(shop, name, ".failed"); }, std::chrono::seconds(10)), name);
  const int tried = attempts(sink_dir.path());
  CHECK(tried == static_cast<int>(shop.outbox().size()));
  std::this_thread::sleep_for(std::chrono::seconds(7));  // past the first backoff step (5 s)
  CHECK(attempts(sink_dir.path()) == tried);
  CHECK(received(sink_dir.path()).empty());
  CHECK(shop.store->output().find("gave up on") != std::string::npos);
  CHECK(shop.store->output().find("ada@example.com") == std::string::npos);
}

TEST_CASE("smtp: --smtp-starttls sends nothing in clear to a relay that does not offer STARTTLS") {
  TempDir sink_dir;
  const int port = free_port();
  const auto sink = start_sink(port, sink_dir.path(), "accept");
  Shop shop({"--smtp-url", smtp_url(port), "--smtp-starttls"});
  const Created c = shop.paid_order("delivered");
  const auto names = order_mails(shop, c.id);
  for (const std::string& name : names)
    CHECK_MESSAGE(wait_until([&] { return relay_state(shop, name, ".retry"); }, std::chrono::seconds(5)), name);
  CHECK(attempts(sink_dir.path()) == 0);  // not even the envelope
  CHECK(received(sink_dir.path()).empty());
  CHECK(shop.store->output().find("(STARTTLS required)") != std::string::npos);
  CHECK(shop.store->wait_for_output("not relayed (attempt 1)"));
}

TEST_CASE("smtp: bad --smtp-url or credentials others may read: the server refuses to start") {
  TempDir dir;
  const auto start = [&](std::vector<std::string> extra) {
    return std::make_unique<ServerProcess>(ServerConfig{dir / "data", dir / "web", fixture("catalogue.json"), extra});
  };
  SUBCASE("a URL that is not smtp:// or smtps://") {
    auto server = start({"--smtp-url", "http://127.0.0.1:25"});
    CHECK(server->wait_for_exit() == 1);
    CHECK(server->output().find("--smtp-url needs smtp://HOST[:PORT] or smtps://HOST[:PORT]") != std::string::npos);
  }
  const std::vector<std::string> with_credentials = {"--smtp-url", "smtp://127.0.0.1:2525", "--smtp-credentials",
                                                      (dir / "smtp-credentials").string()};
  SUBCASE("a credentials file with mode 0644") {
    write_file(dir / "smtp-credentials", "mailer:hunter2\n");
    fs::permissions(dir / "smtp-credentials", fs::perms(0644));
    auto server = start(with_credentials);
    CHECK(server->wait_for_exit() == 1);
    CHECK(server->output().find("may be read by others (mode 644)") != std::string::npos);
    CHECK(server->output().find("hunter2") == std::string::npos);
  }
  SUBCASE("the same file with mode 0600 is accepted") {
    write_file(dir / "smtp-credentials", "mailer:hunter2\n");
    fs::permissions(dir / "smtp-credentials", fs::perms(0600));
    auto server = start(with_credentials);
    REQUIRE_MESSAGE(server->wait_until_listening(), server->output());
    CHECK(server->output().find("smtp: relaying the outbox through smtp://127.0.0.1:2525 with credentials") !=
          std::string::npos);
    CHECK(server->output().find("hunter2") == std::string::npos);
  }
  SUBCASE("--smtp-starttls with smtps://") {
    auto server = start({"--smtp-url", "smtps://127.0.0.1:465", "--smtp-starttls"});
    CHECK(server->wait_for_exit() == 1);
    CHECK(server->output().find("--smtp-starttls is for smtp://") != std::string::npos);
  }
}

TEST_CASE("smtp: --smtp-credentials logs in to a relay that requires AUTH") {
  TempDir sink_dir;
  const int port = free_port();
  const auto sink = start_sink(port, sink_dir.path(), "auth");
  TempDir secrets;
  write_file(secrets / "smtp-credentials", "mailer:hunter2\n");
  fs::permissions(secrets / "smtp-credentials", fs::perms(0600));
  SUBCASE("with the right credentials the mail is accepted") {
    Shop shop({"--smtp-url", smtp_url(port), "--smtp-credentials", (secrets / "smtp-credentials").string()});
    const Created c = shop.paid_order("delivered");
    for (const std::string& name : order_mails(shop, c.id))
      CHECK_MESSAGE(wait_until([&] { return relay_state(shop, name, ".sent"); }, std::chrono::seconds(10)), name);
    CHECK(received(sink_dir.path()).size() == shop.outbox().size());
    CHECK(shop.store->output().find("hunter2") == std::string::npos);
  }
  SUBCASE("without credentials the relay refuses (530, a 5xx): marked failed") {
    Shop shop({"--smtp-url", smtp_url(port)});
    const Created c = shop.paid_order("delivered");
    for (const std::string& name : order_mails(shop, c.id))
      CHECK_MESSAGE(wait_until([&] { return relay_state(shop, name, ".failed"); }, std::chrono::seconds(10)), name);
    CHECK(received(sink_dir.path()).empty());
  }
}

TEST_CASE("smtp: TLS to a relay whose certificate --smtp-ca names: STARTTLS and smtps://") {
  TempDir sink_dir;
  const int port = free_port();
  SUBCASE("--smtp-starttls against a relay that requires STARTTLS") {
    const auto sink = start_sink(port, sink_dir.path(), "starttls");
    Shop shop({"--smtp-url", smtp_url(port), "--smtp-starttls", "--smtp-ca", (sink_dir / "cert.pem").string()});
    const Created c = shop.paid_order("delivered");
    for (const std::string& name : order_mails(shop, c.id))
      CHECK_MESSAGE(wait_until([&] { return relay_state(shop, name, ".sent"); }, std::chrono::seconds(10)), name);
    CHECK(received(sink_dir.path()).size() == shop.outbox().size());
  }
  SUBCASE("smtps:// (TLS from the first byte)") {
    const auto sink = start_sink(port, sink_dir.path(), "smtps");
    const std::string url = "smtps://127.0.0.1:" + std::to_string(port);
    Shop shop({"--smtp-url", url, "--smtp-ca", (sink_dir / "cert.pem").string()});
    const Created c = shop.paid_order("delivered");
    for (const std::string& name : order_mails(shop, c.id))
      CHECK_MESSAGE(wait_until([&] { return relay_state(shop, name, ".sent"); }, std::chrono::seconds(10)), name);
    CHECK(received(sink_dir.path()).size() == shop.outbox().size());
  }
  SUBCASE("STARTTLS with a certificate nobody vouches for (no --smtp-ca): nothing is sent") {
    const auto sink = start_sink(port, sink_dir.path(), "starttls");
    Shop shop({"--smtp-url", smtp_url(port), "--smtp-starttls"});
    const Created c = shop.paid_order("delivered");
    for (const std::string& name : order_mails(shop, c.id))
      CHECK_MESSAGE(wait_until([&] { return relay_state(shop, name, ".retry"); }, std::chrono::seconds(5)), name);
    CHECK(attempts(sink_dir.path()) == 0);
    CHECK(received(sink_dir.path()).empty());
  }
}
