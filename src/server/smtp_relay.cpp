// smtp_relay.cpp: see smtp_relay.hpp.
//
// [SECTION] Settings   [SECTION] Sending (libcurl)   [SECTION] Relay state files   [SECTION] The worker
#include "server/smtp_relay.hpp"

#include <curl/curl.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <fstream>
#include <sstream>
#include <vector>

#include "server/clock.hpp"
#include "server/crypto.hpp"
#include "server/job_claims.hpp"
#include "server/log.hpp"
#include "server/outbox.hpp"

namespace fs = std::filesystem;

namespace jupiter::server {

// [SECTION] Settings

namespace {

// "" when `url` is smtp:// or smtps:// with a host and an optional port 1..65535, else what is wrong.
std::string check_url(const std::string& url) {
  const std::size_t scheme_end = url.find("://");
  const std::string scheme = scheme_end == std::string::npos ? "" : url.substr(0, scheme_end);
  if (scheme != "smtp" && scheme != "smtps")
    return "--smtp-url needs smtp://HOST[:PORT] or smtps://HOST[:PORT], not \"" + url + "\"";
  std::string rest = url.substr(scheme_end + 3);
  if (const std::size_t slash = rest.find('/'); slash != std::string::npos) rest.resize(slash);
  const std::size_t colon = rest.rfind(':');
  const std::string host = colon == std::string::npos || rest.back() == ']' ? rest : rest.substr(0, colon);
  const std::string port = host.size() == rest.size() ? "" : rest.substr(colon + 1);
  if (host.empty() || host.find('@') != std::string::npos)
    return "--smtp-url needs a host (credentials go in --smtp-credentials), not \"" + url + "\"";
  bool digits = !port.empty() && port.size() <= 5;
  for (char c : port) digits = digits && c >= '0' && c <= '9';
  const bool has_port = host.size() != rest.size();
  if (has_port && (!digits || std::stoi(port) < 1 || std::stoi(port) > 65535))
    return "--smtp-url has a bad port in \"" + url + "\"";
  return {};
}

std::string read_credentials(const std::string& file, SmtpSettings& out) {
  struct stat st {};
  if (::stat(file.c_str(), &st) != 0) return "--smtp-credentials " + file + ": cannot be read";
  if ((st.st_mode & 077) != 0)
    return "--smtp-credentials " + file + " may be read by others (mode " +
           std::to_string((st.st_mode >> 6) & 7) + std::to_string((st.st_mode >> 3) & 7) +
           std::to_string(st.st_mode & 7) + "): chmod 600 it";
  std::ifstream in(file);
  std::string line;
  std::getline(in, line);
  if (!line.empty() && line.back() == '\r') line.pop_back();
  const std::size_t colon = line.find(':');
  if (colon == std::string::npos || colon == 0) return "--smtp-credentials " + file + " needs one line user:password";
  out.user = line.substr(0, colon);
  out.password = line.substr(colon + 1);
  return {};
}

}  // namespace

std::string smtp_settings(const std::string& url, bool starttls, const std::string& credentials_file,
                          const std::string& ca_file, SmtpSettings& out) {
  out = SmtpSettings{};
  if (url.empty()) {
    if (starttls || !credentials_file.empty() || !ca_file.empty())
      return "--smtp-starttls, --smtp-credentials and --smtp-ca need --smtp-url";
    return {};
  }
  if (std::string bad = check_url(url); !bad.empty()) return bad;
  if (starttls && url.rfind("smtps://", 0) == 0)
    return "--smtp-starttls is for smtp:// (smtps:// is TLS from the start): use one of them";
  std::error_code ec;
  if (!ca_file.empty() && !fs::is_regular_file(ca_file, ec)) return "--smtp-ca " + ca_file + ": no such file";
  out.url = url;
  out.starttls = starttls;
  out.ca_file = ca_file;
  if (!credentials_file.empty()) return read_credentials(credentials_file, out);
  return {};
}

std::int64_t relay_backoff_ms(int attempts) {
  static constexpr std::int64_t kSteps[] = {5'000, 30'000, 120'000, 600'000};
  if (attempts < 1) return 0;
  if (attempts <= 4) return kSteps[attempts - 1];
  return 3'600'000;
}

std::optional<std::string> mail_recipient(const std::string& eml) {
  const std::size_t head_end = eml.find("\r\n\r\n");
  const std::string head = eml.substr(0, head_end);
  std::size_t at = head.rfind("To: ", 0) == 0 ? 0 : head.find("\r\nTo: ");
  if (at == std::string::npos) return std::nullopt;
  at += at == 0 ? 4 : 6;
  std::string value = head.substr(at, head.find("\r\n", at) - at);
  const std::string prefix = "=?UTF-8?B?";
  const bool encoded = value.rfind(prefix, 0) == 0 && value.size() > prefix.size() + 2;
  if (encoded && value.compare(value.size() - 2, 2, "?=") == 0) {
    std::string text = value.substr(prefix.size(), value.size() - prefix.size() - 2);  // base64 -> base64url
    for (char& c : text) c = c == '+' ? '-' : c == '/' ? '_' : c;
    while (!text.empty() && text.back() == '=') text.pop_back();
    auto decoded = from_base64url(text);
    if (!decoded) return std::nullopt;
    value = *decoded;
  }
  if (const std::size_t lt = value.rfind('<'), gt = value.rfind('>'); lt != std::string::npos && gt > lt)
    value = value.substr(lt + 1, gt - lt - 1);
  if (value.empty() || value.find('@') == std::string::npos) return std::nullopt;
  return value;
}

// [SECTION] Sending (libcurl)

namespace {

enum class Sent { Accepted, Retry, Rejected };

struct Upload {
  const std::string* bytes;
  std::size_t at = 0;
};

std::size_t read_upload(char* buffer, std::size_t size, std::size_t n, void* user) {
  auto* up = static_cast<Upload*>(user);
  const std::size_t take = std::min(size * n, up->bytes->size() - up->at);
  std::copy_n(up->bytes->data() + up->at, take, buffer);
  up->at += take;
  return take;
}

std::string sender_address() {
  const std::string from = kMailFrom;
  const std::size_t lt = from.find('<'), gt = from.find('>');
  return from.substr(lt, gt - lt + 1);
}

// One SMTP transaction. Only the relay's reply code and libcurl's generic error text are logged, never the address.
Sent send_mail(const SmtpSettings& s, const std::string& to, const std::string& eml, std::string& why) {
  CURL* curl = curl_easy_init();
  if (!curl) return why = "curl_easy_init failed", Sent::Retry;
  curl_slist* rcpt = curl_slist_append(nullptr, ("<" + to + ">").c_str());
  Upload up{&eml};
  curl_easy_setopt(curl, CURLOPT_URL, s.url.c_str());
  curl_easy_setopt(curl, CURLOPT_MAIL_FROM, sender_address().c_str());
  curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, rcpt);
  curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(curl, CURLOPT_READFUNCTION, read_upload);
  curl_easy_setopt(curl, CURLOPT_READDATA, &up);
  curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(eml.size()));
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, 10L);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, 40L);  // below kJobLeaseMs: a lock is never taken back mid-send
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  if (s.starttls) curl_easy_setopt(curl, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_ALL));
  if (!s.ca_file.empty()) curl_easy_setopt(curl, CURLOPT_CAINFO, s.ca_file.c_str());
  if (!s.user.empty()) {
    curl_easy_setopt(curl, CURLOPT_USERNAME, s.user.c_str());
    curl_easy_setopt(curl, CURLOPT_PASSWORD, s.password.c_str());
  }
  const CURLcode rc = curl_easy_perform(curl);
  long code = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
  curl_slist_free_all(rcpt);
  curl_easy_cleanup(curl);
  if (rc == CURLE_OK) return Sent::Accepted;
  why = std::string(curl_easy_strerror(rc)) + (code ? " (relay replied " + std::to_string(code) + ")" : "");
  return code >= 500 && code < 600 ? Sent::Rejected : Sent::Retry;
}

// [SECTION] Relay state files

bool present(const fs::path& p) {
  std::error_code ec;
  return fs::exists(p, ec);
}

// Writes `text` to `path` through a temporary name and a rename.
void write_state(const fs::path& path, const std::string& text) {
  const fs::path tmp = path.parent_path() / ("." + path.filename().string() + "." + random_token(6) + ".tmp");
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << text << "\n";
  }
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) log::error("smtp: cannot record " + path.filename().string() + ": " + ec.message());
}

struct RetryState {
  int attempts = 0;
  std::int64_t next_ms = 0;
};

RetryState read_retry(const fs::path& path) {
  RetryState r;
  std::ifstream in(path);
  if (in) in >> r.attempts >> r.next_ms;
  return r;
}

// True when this process now holds `lock` (created with O_EXCL); a lock left older than kJobLeaseMs by a process that
// died mid-send is taken back: moved aside under a unique name (one rename wins) and removed.
bool claim(const fs::path& lock, const std::string& worker) {
  for (int tries = 0; tries < 2; ++tries) {
    const int fd = ::open(lock.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
    if (fd >= 0) {
      const std::string text = worker + "\n";
      const ssize_t wrote = ::write(fd, text.data(), text.size());
      ::close(fd);
      return wrote >= 0;
    }
    struct stat st {};
    if (::stat(lock.c_str(), &st) != 0) continue;  // released meanwhile
    if (std::time(nullptr) - st.st_mtime < kJobLeaseMs / 1000) return false;
    const fs::path aside = lock.string() + "." + random_token(6) + ".stale";
    if (::rename(lock.c_str(), aside.c_str()) != 0) return false;
    log::info("smtp: took back a stale lock " + lock.filename().string());
    ::unlink(aside.c_str());
  }
  return false;
}

// The UTC stamp that starts the outbox names of mails written `hours` ago (outbox.hpp: <YYYYmmddTHHMMSSZ>-...).
std::string stamp_hours_ago(int hours) {
  const std::time_t t = std::time(nullptr) - static_cast<std::time_t>(hours) * 3600;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
  return stamp;
}

}  // namespace

// [SECTION] The worker

SmtpRelay::SmtpRelay(SmtpSettings settings, fs::path outbox_dir, std::string worker)
    : settings_(std::move(settings)),
      dir_(std::move(outbox_dir)),
      state_dir_(dir_ / "relay"),
      worker_(std::move(worker)) {}

void SmtpRelay::start() {
  curl_global_init(CURL_GLOBAL_DEFAULT);
  log::info("smtp: relaying the outbox through " + settings_.url + (settings_.starttls ? " (STARTTLS required)" : "") +
            (settings_.user.empty() ? "" : " with credentials"));
  background_.start(std::chrono::seconds(2), [this] { round(); });
}

int SmtpRelay::round() {
  std::error_code ec;
  fs::create_directories(state_dir_, ec);
  const std::string oldest = stamp_hours_ago(kRelayMaxAgeHours);
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir_, ec)) {
    const std::string name = entry.path().filename().string();
    if (entry.path().extension() == ".eml" && name.substr(0, 16) >= oldest) names.push_back(name);
  }
  int accepted = 0;
  const std::int64_t now = now_ms();
  for (const std::string& name : names) accepted += relay_file(name, now) ? 1 : 0;
  return accepted;
}

bool SmtpRelay::relay_file(const std::string& name, std::int64_t now) {
  const fs::path sent = state_dir_ / (name + ".sent"), failed = state_dir_ / (name + ".failed"),
                 retry = state_dir_ / (name + ".retry"), lock = state_dir_ / (name + ".lock");
  if (present(sent) || present(failed) || read_retry(retry).next_ms > now) return false;
  if (!claim(lock, worker_)) return false;
  const RetryState before = read_retry(retry);  // read again under the lock: another process may have just finished
  if (present(sent) || present(failed) || before.next_ms > now) return ::unlink(lock.c_str()), false;
  std::ifstream in(dir_ / name, std::ios::binary);
  std::ostringstream eml;
  eml << in.rdbuf();
  const auto to = mail_recipient(eml.str());
  std::string why = "no recipient in the To header";
  const Sent outcome = to ? send_mail(settings_, *to, eml.str(), why) : Sent::Rejected;
  const int attempts = before.attempts + 1;
  if (outcome == Sent::Accepted) {
    write_state(sent, std::to_string(now_ms()));
    log::info("smtp: relayed " + name + " (attempt " + std::to_string(attempts) + ")");
  } else if (outcome == Sent::Rejected || attempts >= kMaxRelayAttempts) {
    write_state(failed, std::to_string(attempts) + " " + why);
    log::error("smtp: gave up on " + name + " after " + std::to_string(attempts) + " attempt(s): " + why);
  } else {
    write_state(retry, std::to_string(attempts) + " " + std::to_string(now_ms() + relay_backoff_ms(attempts)));
    log::error("smtp: " + name + " not relayed (attempt " + std::to_string(attempts) + "): " + why + "; retrying in " +
               std::to_string(relay_backoff_ms(attempts) / 1000) + " s");
  }
  ::unlink(lock.c_str());
  return outcome == Sent::Accepted;
}

}  // namespace jupiter::server
