// encoding.hpp: response bodies prepared once in every content coding (identity, gzip, brotli), the
// Accept-Encoding negotiation that picks one, and the hashes used for ETags and change detection.
#pragma once
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace jupiter::server {

// Lower-case hex SHA-256 of `data` (64 characters).
std::string sha256_hex(std::string_view data);

enum class Coding { Identity, Gzip, Brotli };
std::string_view coding_token(Coding c);  // "identity", "gzip", "br"

// gzip (RFC 1952) at `level` 1..9; nullopt only on a zlib failure.
std::optional<std::string> gzip_compress(std::string_view data, int level = 9);
// Brotli at `quality` 0..11; nullopt only on an encoder failure.
std::optional<std::string> brotli_compress(std::string_view data, int quality = 11);
// The Brotli quality to use for a body of `bytes`: 11 (slow, smallest) up to 1 MiB, lower above, so that
// compressing a big file on the fly stays well under a second.
int brotli_quality_for(std::size_t bytes);

// What a request's Accept-Encoding header allows (RFC 9110 12.5.3): codings with q=0 are refused, "*" covers
// the ones not named, identity is acceptable unless refused.
struct AcceptEncoding {
  bool gzip = false;
  bool brotli = false;
  bool identity = true;
};
AcceptEncoding parse_accept_encoding(std::string_view header);

// One resource's body in each coding, computed once and then shared, immutable, between threads.
// Compressed forms are kept only when smaller than the identity body.
class EncodedBody {
 public:
  struct Choice {
    std::shared_ptr<const std::string> body;
    Coding coding = Coding::Identity;
    std::string etag;  // strong, quoted: "\"<hash>\"", "\"<hash>-gz\"", "\"<hash>-br\""
  };

  EncodedBody() = default;
  // Compresses `identity` when `compressible` (text, JSON, wasm, svg...); otherwise keeps it as is.
  static EncodedBody make(std::string identity, bool compressible);
  // Uses ready-made compressed forms (precompressed files next to the original); either may be null.
  static EncodedBody with(std::string identity, std::optional<std::string> gzip, std::optional<std::string> brotli);

  // The smallest form `accept` allows (identity when nothing else is).
  Choice choose(const AcceptEncoding& accept) const;
  // True when an If-None-Match header names any form of this body (or is "*"): weak comparison, RFC 9110 13.1.2.
  bool matches(std::string_view if_none_match) const;

  bool has(Coding c) const;
  std::size_t size(Coding c) const;  // 0 when absent
  const std::string& hash() const { return hash_; }

 private:
  std::shared_ptr<const std::string> identity_, gzip_, brotli_;
  std::string hash_;  // first 32 hex digits of the identity body's SHA-256
};

}  // namespace jupiter::server
