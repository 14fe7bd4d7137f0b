// sessions.cpp: see sessions.hpp.
#include "server/sessions.hpp"

#include <httplib.h>

#include "server/clock.hpp"
#include "server/crypto.hpp"
#include "server/http_util.hpp"
#include "server/log.hpp"

namespace jupiter::server {

namespace {

constexpr std::size_t kRandomChars = 43;  // base64url of 32 bytes, no padding
constexpr std::size_t kSignatureChars = 43;

std::string_view purpose_name(SecretPurpose p) {
  if (p == SecretPurpose::SignInLink) return "account-sign-in-link";
  return p == SecretPurpose::Session ? "account-session" : "account-email-change";
}

std::string signature(std::string_view key, SecretPurpose p, std::string_view random) {
  return base64url(hmac_sha256(key, std::string(purpose_name(p)) + "\n" + std::string(random)));
}

bool base64url_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

// The cookie's pairs "a=b; c=d" searched for `name`; nullopt when absent.
std::optional<std::string> cookie_in(std::string_view header, std::string_view name) {
  std::size_t pos = 0;
  while (pos < header.size()) {
    std::size_t end = header.find(';', pos);
    if (end == std::string_view::npos) end = header.size();
    std::string_view pair = header.substr(pos, end - pos);
    while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
    const std::size_t eq = pair.find('=');
    if (eq != std::string_view::npos && pair.substr(0, eq) == name) return std::string(pair.substr(eq + 1));
    pos = end + 1;
  }
  return std::nullopt;
}

}  // namespace

std::string make_signed_secret(std::string_view key, SecretPurpose purpose) {
  const std::string random = random_token(32);
  if (random.size() != kRandomChars) return "";
  return random + "." + signature(key, purpose, random);
}

bool signed_secret_valid(std::string_view key, SecretPurpose purpose, std::string_view value) {
  if (value.size() != kRandomChars + 1 + kSignatureChars || value[kRandomChars] != '.') return false;
  for (std::size_t i = 0; i < value.size(); ++i)
    if (i != kRandomChars && !base64url_char(value[i])) return false;
  const std::string_view random = value.substr(0, kRandomChars);
  return constant_time_equal(signature(key, purpose, random), value.substr(kRandomChars + 1));
}

std::string request_cookie(const httplib::Request& req, std::string_view name) {
  const std::size_t n = req.get_header_value_count("Cookie");
  for (std::size_t i = 0; i < n; ++i)
    if (auto v = cookie_in(req.get_header_value("Cookie", i), name)) return *v;
  return "";
}

std::string session_cookie(const std::string& value, std::int64_t max_age_s, bool secure) {
  return std::string(kSessionCookie) + "=" + value + "; Max-Age=" + std::to_string(max_age_s) +
         "; Path=/; HttpOnly; SameSite=Lax" + (secure ? "; Secure" : "");
}

db::Result<std::optional<Session>> find_session(db::Connection& c, const std::string& id_sha256, std::int64_t now_s) {
  return c.query("SELECT email, expires_s FROM account_sessions WHERE id_sha256 = ? AND expires_s > ?", id_sha256,
                 now_s)
      .one([&id_sha256](const db::Row& r) { return Session{id_sha256, r.text(0), r.int64(1)}; });
}

db::Status insert_session(db::Connection& c, const std::string& id_sha256, const std::string& email,
                          std::int64_t now_s) {
  return c.exec("INSERT INTO account_sessions (id_sha256, email, created_s, expires_s) VALUES (?, ?, ?, ?)", id_sha256,
                email, now_s, now_s + kSessionTtlS);
}

db::Result<bool> slide_session(db::Connection& c, Session& s, std::int64_t now_s) {
  const std::int64_t fresh = now_s + kSessionTtlS;
  if (fresh - s.expires_s < kSessionSlideStepS) return false;
  if (db::Status st = c.exec("UPDATE account_sessions SET expires_s = ? WHERE id_sha256 = ?", fresh, s.id_sha256); !st)
    return st.error();
  s.expires_s = fresh;
  return true;
}

db::Status delete_session(db::Connection& c, const std::string& id_sha256) {
  return c.exec("DELETE FROM account_sessions WHERE id_sha256 = ?", id_sha256);
}

db::Status delete_sessions_of(db::Connection& c, const std::string& email) {
  return c.exec("DELETE FROM account_sessions WHERE email = ?", email);
}

std::string accounts_key(const std::string& secret) { return hmac_sha256(secret, "accounts-v1"); }

std::string origin_of(const std::string& url) {
  const std::size_t scheme = url.find("://");
  if (scheme == std::string::npos) return url;
  const std::size_t path = url.find('/', scheme + 3);
  return path == std::string::npos ? url : url.substr(0, path);
}

bool same_origin(const SessionCheck& check, const httplib::Request& req, httplib::Response& res) {
  if (!req.has_header("Origin") || req.get_header_value("Origin") == origin_of(check.public_url)) return true;
  send_error(res, 403, "cross_origin", "this request must come from the store's own pages");
  return false;
}

bool own_form_origin(const SessionCheck& check, const httplib::Request& req) {
  const std::string origin = req.get_header_value("Origin");
  const bool own_form = origin == "null" && req.get_header_value("Sec-Fetch-Site") == "same-origin";
  return !req.has_header("Origin") || origin == origin_of(check.public_url) || own_form;
}

std::string form_value(const std::string& body, std::string_view name) {
  std::size_t pos = 0;
  while (pos <= body.size()) {
    std::size_t end = body.find('&', pos);
    if (end == std::string::npos) end = body.size();
    const std::string_view pair(body.data() + pos, end - pos);
    const std::size_t eq = pair.find('=');
    if (eq != std::string_view::npos && pair.substr(0, eq) == name) return std::string(pair.substr(eq + 1));
    pos = end + 1;
  }
  return "";
}

std::optional<Session> request_session(const SessionCheck& check, const httplib::Request& req, httplib::Response& res) {
  const std::string cookie = request_cookie(req, kSessionCookie);
  if (cookie.empty()) {
    send_error(res, 401, "not_signed_in", "sign in with a link sent to your e-mail address");
    return std::nullopt;
  }
  if (!signed_secret_valid(check.key, SecretPurpose::Session, cookie)) {
    res.set_header("Set-Cookie", session_cookie("", 0, check.secure()));
    send_error(res, 401, "invalid_session", "this sign-in is not valid here; sign in again");
    return std::nullopt;
  }
  const std::int64_t now = now_s();
  auto found = check.db.with([&](db::Connection& c) -> db::Result<std::optional<Session>> {
    auto s = find_session(c, sha256_hex(cookie), now);
    if (!s || !s.value()) return s;
    auto slid = slide_session(c, *s.value(), now);
    if (!slid) return slid.error();
    if (slid.value()) res.set_header("Set-Cookie", session_cookie(cookie, kSessionTtlS, check.secure()));
    return s;
  });
  if (!found) {
    log::error("accounts: " + found.error().message);
    send_error(res, 500, "internal", "the request could not be completed");
    return std::nullopt;
  }
  if (!found.value()) {
    res.set_header("Set-Cookie", session_cookie("", 0, check.secure()));
    send_error(res, 401, "session_ended", "this sign-in has ended; sign in again");
  }
  return found.value();
}

}  // namespace jupiter::server
