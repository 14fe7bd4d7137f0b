// sessions.hpp: the account's signed secrets (sign-in links and session ids), its session cookie, and the sessions
// table (issue 15). Everything is in the database: nothing here keeps state in the process.
//
// [X] Signed secret: "<random 32 bytes, base64url>.<HMAC-SHA256(key, purpose + "\n" + random), base64url>", 87
//     characters. The signature is checked first (constant time), so a tampered value or one made under another
//     server's secret is refused without a database lookup; the database keeps only the SHA-256 of the whole value.
// [X] Cookie: jupiter_account=<session id>; Max-Age=<30 days>; Path=/; HttpOnly; SameSite=Lax; Secure (https only).
// [X] Sessions: 30 days sliding (extended at most once an hour, when used), a new id at each sign-in, deleted on
//     sign-out (one) or sign-out everywhere (every session of the e-mail); expired rows are swept.
// [X] The request checks every cookie-authenticated route shares (accounts.hpp, privacy_centre.hpp): the session of
//     the request (401 not_signed_in / invalid_session / session_ended) and the Origin of a POST (403 cross_origin).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "server/db.hpp"
#include "server/httplib_fwd.hpp"

namespace jupiter::server {

inline constexpr const char* kSessionCookie = "jupiter_account";
inline constexpr std::int64_t kSessionTtlS = 30LL * 24 * 3600;
inline constexpr std::int64_t kSessionSlideStepS = 3600;  // extended when it is older than this since the last time

// What a signed secret is for; part of what is signed, so a link can never be used as a session id or back.
enum class SecretPurpose { SignInLink, Session, EmailChange };

// A fresh signed secret for `purpose` under `key`; "" when the system's random generator failed.
std::string make_signed_secret(std::string_view key, SecretPurpose purpose);
// True when `value` has the shape above and its signature is `key`'s for `purpose`.
bool signed_secret_valid(std::string_view key, SecretPurpose purpose, std::string_view value);

// The value of cookie `name` in the request's Cookie header(s); "" when absent.
std::string request_cookie(const httplib::Request& req, std::string_view name);
// Set-Cookie for the session (max_age_s 0 deletes it in the browser); `secure` adds the Secure attribute.
std::string session_cookie(const std::string& value, std::int64_t max_age_s, bool secure);

// A signed-in session as stored: its e-mail (normalized as at sign-in) and when it ends (Unix seconds).
struct Session {
  std::string id_sha256;
  std::string email;
  std::int64_t expires_s = 0;
};

// The session whose id hashes to `id_sha256`, if it exists and has not expired at `now_s`.
db::Result<std::optional<Session>> find_session(db::Connection& c, const std::string& id_sha256, std::int64_t now_s);
// Inserts a session for `email` with id hash `id_sha256`, valid until now_s + kSessionTtlS.
db::Status insert_session(db::Connection& c, const std::string& id_sha256, const std::string& email, std::int64_t now_s);
// Extends `s` to now_s + kSessionTtlS when it was last extended more than kSessionSlideStepS ago; true when it was.
db::Result<bool> slide_session(db::Connection& c, Session& s, std::int64_t now_s);
// Deletes one session / every session of `email`.
db::Status delete_session(db::Connection& c, const std::string& id_sha256);
db::Status delete_sessions_of(db::Connection& c, const std::string& email);

// The key the account's secrets are signed with, derived from the server's token secret.
std::string accounts_key(const std::string& secret);
// "https://shop.example:8443/x" -> "https://shop.example:8443".
std::string origin_of(const std::string& url);

// What a cookie-authenticated route needs to check its requests: the store's public URL (https makes the cookie
// Secure) and accounts_key().
struct SessionCheck {
  db::Database& db;
  std::string public_url;
  std::string key;
  bool secure() const { return public_url.rfind("https://", 0) == 0; }
};
// The request's session, slid forward (the cookie re-sent when it was); nullopt with the 401 (or 500) answered.
std::optional<Session> request_session(const SessionCheck& check, const httplib::Request& req, httplib::Response& res);
// False (403 cross_origin answered) when a browser says the request comes from another origin than public_url.
bool same_origin(const SessionCheck& check, const httplib::Request& req, httplib::Response& res);
// The check for the form of a link's page (sign-in, e-mail change): the page's no-referrer policy makes browsers
// send "Origin: null" with its own form; Sec-Fetch-Site (which the page cannot change) still says whether the form
// was ours. True for no Origin, the store's, or that pair.
bool own_form_origin(const SessionCheck& check, const httplib::Request& req);
// The value of `name` in an application/x-www-form-urlencoded body; "" when absent. Only for values made of
// base64url characters and '.', which a browser never escapes ('+' and '%' are kept as they are: they then fail
// the token's shape check).
std::string form_value(const std::string& body, std::string_view name);

}  // namespace jupiter::server
