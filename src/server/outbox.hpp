// outbox.hpp: outgoing e-mail as files (data/outbox/*.eml) the developer can read; --smtp-url relays them
// (smtp_relay.hpp), which leaves the files as they are.
//
// Each message is a complete MIME document: multipart/mixed holding multipart/related (a text/plain and a
// text/html alternative, HTML images referenced by cid:) and any attachments, base64-encoded. Files are written
// to a temporary name and renamed, so a reader never sees half a message.
#pragma once
#include <filesystem>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace jupiter::server {

struct MailAttachment {
  std::string filename;      // "esim-qr.png"
  std::string content_type;  // "image/png"
  std::string content_id;    // "qr@jupiteresims" for inline use from the HTML (cid:...), or ""
  std::string bytes;
};

struct Mail {
  std::string to;
  std::string subject;  // ASCII, or it is sent RFC 2047-encoded
  std::string text;     // UTF-8
  std::string html;     // UTF-8
  std::vector<MailAttachment> attachments;
  // A marketing-capable e-mail's one-click unsubscribe URL (unsubscribe.hpp): when set, the message carries
  // List-Unsubscribe and List-Unsubscribe-Post (RFC 8058). "" for an e-mail without marketing.
  std::string unsubscribe_url;
};

inline constexpr const char* kMailFrom = "JupiterEsims <orders@jupiteresims.example>";

// The whole message (headers and body, CRLF line ends). `date` is an RFC 5322 date, `boundary` a unique token.
std::string to_mime(const Mail& mail, const std::string& date, const std::string& boundary);

class Outbox {
 public:
  explicit Outbox(std::filesystem::path dir) : dir_(std::move(dir)) {}
  // Writes `mail` as <UTC time>-<name>.eml; returns the file name, or nullopt when it could not be written.
  std::optional<std::string> write(const Mail& mail, const std::string& name);
  const std::filesystem::path& dir() const { return dir_; }
  // `hook` runs after each message written (the SMTP relay's wake-up, smtp_relay.hpp); set it before any write.
  void on_write(std::function<void()> hook) { on_write_ = std::move(hook); }

 private:
  std::filesystem::path dir_;
  std::mutex mutex_;
  unsigned serial_ = 0;
  std::function<void()> on_write_;
};

}  // namespace jupiter::server
