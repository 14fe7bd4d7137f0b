// crypto.hpp: the few primitives the orders need, over OpenSSL's libcrypto: SHA-256, HMAC-SHA256, random tokens,
// base64, and a comparison that takes the same time wherever two strings differ.
#pragma once
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "server/encoding.hpp"  // sha256_hex

namespace jupiter::server {

std::string hmac_sha256(std::string_view key, std::string_view data);   // 32 raw bytes
std::string hmac_sha256_hex(std::string_view key, std::string_view data);
std::string to_hex(std::string_view bytes);

std::string base64url(std::string_view bytes);  // RFC 4648 section 5, no padding
// base64url (no padding) back to bytes; nullopt for a character outside the alphabet or a length that no
// encoding has (4n+1). from_base64url(base64url(b)) == b for every b.
std::optional<std::string> from_base64url(std::string_view text);
std::string base64(std::string_view bytes);     // RFC 4648 section 4, padded, one line

// `bytes` bytes from the operating system's CSPRNG, as base64url; "" when the generator failed.
std::string random_token(std::size_t bytes);
// An id with a prefix and `bytes` random bytes: random_id("ord_", 12) -> "ord_" + 16 characters of base64url.
std::string random_id(std::string_view prefix, std::size_t bytes);

// Equal length and content, in time that depends only on the length.
bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace jupiter::server
