// outbox.cpp: see outbox.hpp.
#include "server/outbox.hpp"

#include <ctime>
#include <fstream>

#include "server/crypto.hpp"

namespace jupiter::server {

namespace {

// Base64 in lines of 76 characters, as MIME wants.
std::string base64_lines(const std::string& bytes) {
  const std::string all = base64(bytes);
  std::string out;
  for (std::size_t i = 0; i < all.size(); i += 76) out += all.substr(i, 76) + "\r\n";
  return out;
}

bool is_ascii(const std::string& s) {
  for (char c : s)
    if (static_cast<unsigned char>(c) >= 0x80 || c == '\r' || c == '\n') return false;
  return true;
}

std::string header_text(const std::string& s) { return is_ascii(s) ? s : "=?UTF-8?B?" + base64(s) + "?="; }

std::string part(const std::string& type, const std::string& body) {
  return "Content-Type: " + type + "\r\nContent-Transfer-Encoding: base64\r\n\r\n" + base64_lines(body);
}

}  // namespace

std::string to_mime(const Mail& mail, const std::string& date, const std::string& boundary) {
  const std::string mixed = "mixed-" + boundary, related = "related-" + boundary, alt = "alt-" + boundary;
  std::string m;
  m += "From: " + std::string(kMailFrom) + "\r\n";
  m += "To: " + header_text(mail.to) + "\r\n";
  m += "Subject: " + header_text(mail.subject) + "\r\n";
  m += "Date: " + date + "\r\n";
  m += "Message-ID: <" + boundary + "@jupiteresims.example>\r\n";
  if (!mail.unsubscribe_url.empty()) {
    m += "List-Unsubscribe: <" + mail.unsubscribe_url + ">\r\n";
    m += "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n";
  }
  m += "MIME-Version: 1.0\r\n";
  m += "Content-Type: multipart/mixed; boundary=\"" + mixed + "\"\r\n\r\n";
  m += "--" + mixed + "\r\nContent-Type: multipart/related; boundary=\"" + related + "\"\r\n\r\n";
  m += "--" + related + "\r\nContent-Type: multipart/alternative; boundary=\"" + alt + "\"\r\n\r\n";
  m += "--" + alt + "\r\n" + part("text/plain; charset=utf-8", mail.text);
  m += "--" + alt + "\r\n" + part("text/html; charset=utf-8", mail.html);
  m += "--" + alt + "--\r\n";
  for (const MailAttachment& a : mail.attachments) {
    if (a.content_id.empty()) continue;
    m += "--" + related + "\r\nContent-ID: <" + a.content_id + ">\r\nContent-Disposition: inline; filename=\"" +
         a.filename + "\"\r\n" + part(a.content_type, a.bytes);
  }
  m += "--" + related + "--\r\n";
  for (const MailAttachment& a : mail.attachments) {
    m += "--" + mixed + "\r\nContent-Disposition: attachment; filename=\"" + a.filename + "\"\r\n" +
         part(a.content_type, a.bytes);
  }
  m += "--" + mixed + "--\r\n";
  return m;
}

std::optional<std::string> Outbox::write(const Mail& mail, const std::string& name) {
  std::lock_guard<std::mutex> lock(mutex_);
  std::error_code ec;
  std::filesystem::create_directories(dir_, ec);
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char stamp[32], date[64];
  std::strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
  std::strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S +0000", &tm);
  const std::string file = std::string(stamp) + "-" + std::to_string(++serial_) + "-" + name + ".eml";
  const std::filesystem::path tmp = dir_ / ("." + file + ".tmp");
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    const std::string doc = to_mime(mail, date, random_token(18));
    out.write(doc.data(), static_cast<std::streamsize>(doc.size()));
    if (!out) return std::nullopt;
  }
  std::filesystem::rename(tmp, dir_ / file, ec);
  if (ec) return std::nullopt;
  if (on_write_) on_write_();
  return file;
}

}  // namespace jupiter::server
