// sessions.hpp: the account's signed secrets (sign-in links and session ids), its session cookie, and the sessions
// table (issue 15). Everything is in the database: nothing here keeps state in the process.
//
// [X] Signed secret: "<random 32 bytes, base64url>.<HMAC-SHA256(key, purpose + "\n" + random), base64url>", 87
//     characters. The signature is checked first (constant time), so a tampered value or one made under another
//     server's secret is refused without a database lookup; the database keeps only the SHA-256 of the whole value.
// [X] Cookie: jupiter_account=<session id>; Max-Age=<30 days>; Path=/; HttpOnly; SameSite=Lax; Secure (https only).
// [X] Sessions: 30 days sliding (extended at most once an hour, when used), a new id at each sign-in, deleted on
//     sign-out (one) or sign-out everywhere (every session of the e-mail); expired rows are swept.
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
enum class SecretPurpose { SignInLink, Session };

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

}  // namespace jupiter::server
