// smtp_relay.hpp: sends the outbox's .eml files through a real mail relay (--smtp-url), with retries and backoff.
//
//  [X] smtp://host:port in clear; with --smtp-starttls STARTTLS is required (no mail goes out in clear when the relay
//      does not offer it); smtps://host:port for implicit TLS. Certificates are verified (libcurl's defaults).
//  [X] --smtp-ca FILE: a relay whose certificate a private CA signed (or a self-signed one, in the tests).
//  [X] AUTH with "user:password" from --smtp-credentials FILE (one line; refused unless only its owner may read it).
//  [X] Envelope sender: kMailFrom's address; recipient: the message's To header (never logged, never stored twice).
//  [X] The .eml stays where it is (retention purges it after outbox_emails days); the relay's state lives beside
//      it in DATA/outbox/relay/: <file>.sent after the relay's 250 to DATA, <file>.failed after a 5xx or too many
//      attempts, <file>.retry ("attempts next_ms") while it waits.
//  [X] Retries with backoff: 5 s, 30 s, 2 min, 10 min, then every hour, kMaxRelayAttempts in all.
//  [X] Several processes on one data folder: a file is worked on under <file>.lock, created with O_EXCL (atomic on
//      one file system); a lock older than kJobLeaseMs (longer than one send's time-outs) is taken back.
//  [ ] Mails written more than kRelayMaxAgeHours before are not sent (turning the relay on does not replay months).
//  [ ] No DSN / bounce handling: a relay that accepts and bounces later is the relay's business.
#pragma once
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "server/background.hpp"

namespace jupiter::server {

inline constexpr int kMaxRelayAttempts = 24;
inline constexpr int kRelayMaxAgeHours = 48;

struct SmtpSettings {
  std::string url;        // smtp://host[:port] or smtps://host[:port]
  bool starttls = false;  // smtp:// only: require STARTTLS
  std::string user, password;  // empty: no AUTH
  std::string ca_file;         // PEM file of trusted certificates; empty: the system's store
};

// Checks --smtp-url, --smtp-starttls, --smtp-credentials and --smtp-ca; "" when fine, else what is wrong (the server
// then refuses to start). Reads the credentials file into `out`.
std::string smtp_settings(const std::string& url, bool starttls, const std::string& credentials_file,
                          const std::string& ca_file, SmtpSettings& out);

// The wait before attempt `attempts` + 1 after `attempts` (>= 1) failed ones, in milliseconds.
std::int64_t relay_backoff_ms(int attempts);

// The address in the To header of the MIME message `eml` (RFC 2047 base64 undone); nullopt when there is none.
std::optional<std::string> mail_recipient(const std::string& eml);

// The worker: every round relays the due files of `outbox_dir`; wake() after a new mail makes it go at once.
class SmtpRelay {
 public:
  SmtpRelay(SmtpSettings settings, std::filesystem::path outbox_dir, std::string worker);
  void start();
  void wake() { background_.wake(); }
  void stop() { background_.stop(); }
  // One pass over the outbox (public for the worker's round; returns the number of mails the relay accepted).
  int round();

 private:
  // True when the relay accepted `name` in this call.
  bool relay_file(const std::string& name, std::int64_t now);

  SmtpSettings settings_;
  std::filesystem::path dir_, state_dir_;
  std::string worker_;
  Background background_;
};

}  // namespace jupiter::server
