// encoding.cpp: see encoding.hpp.
#include "server/encoding.hpp"

#include <brotli/encode.h>
#include <openssl/evp.h>
#include <zlib.h>

#include <algorithm>
#include <cassert>
#include <cctype>
#include <climits>
#include <vector>

namespace jupiter::server {

// ---------------------------------------------------------------------------------------------------------
// [SECTION] hashing
// ---------------------------------------------------------------------------------------------------------
std::string sha256_hex(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  const int ok = EVP_Digest(data.data(), data.size(), digest, &length, EVP_sha256(), nullptr);
  assert(ok == 1 && "EVP_Digest(SHA-256) failed");
  (void)ok;
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(length * 2u);
  for (unsigned int i = 0; i < length; ++i) {
    out.push_back(kHex[digest[i] >> 4]);
    out.push_back(kHex[digest[i] & 0x0f]);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] compression
// ---------------------------------------------------------------------------------------------------------
std::string_view coding_token(Coding c) {
  switch (c) {
    case Coding::Gzip: return "gzip";
    case Coding::Brotli: return "br";
    case Coding::Identity: break;
  }
  return "identity";
}

std::optional<std::string> gzip_compress(std::string_view data, int level) {
  z_stream zs{};
  // windowBits 15 + 16: a gzip wrapper rather than zlib's.
  if (deflateInit2(&zs, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) return std::nullopt;
  std::string out;
  out.resize(deflateBound(&zs, static_cast<uLong>(data.size())));
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  // Feed in chunks that fit zlib's 32-bit counters.
  std::size_t in_left = data.size();
  std::size_t out_left = out.size();
  int rc = Z_OK;
  while (rc == Z_OK) {
    const auto in_chunk = static_cast<uInt>(std::min<std::size_t>(in_left, UINT_MAX));
    const auto out_chunk = static_cast<uInt>(std::min<std::size_t>(out_left, UINT_MAX));
    zs.avail_in = in_chunk;
    zs.avail_out = out_chunk;
    rc = deflate(&zs, in_chunk == in_left ? Z_FINISH : Z_NO_FLUSH);
    in_left -= in_chunk - zs.avail_in;
    out_left -= out_chunk - zs.avail_out;
  }
  deflateEnd(&zs);
  if (rc != Z_STREAM_END) return std::nullopt;
  out.resize(out.size() - out_left);
  return out;
}

std::optional<std::string> brotli_compress(std::string_view data, int quality) {
  std::string out;
  std::size_t size = BrotliEncoderMaxCompressedSize(data.size());
  if (size == 0) size = data.size() + 1024;  // "too large to bound": let the encoder try anyway
  out.resize(size);
  const int ok = BrotliEncoderCompress(quality, BROTLI_DEFAULT_WINDOW, BROTLI_MODE_GENERIC, data.size(),
                                       reinterpret_cast<const uint8_t*>(data.data()), &size,
                                       reinterpret_cast<uint8_t*>(out.data()));
  if (ok != BROTLI_TRUE) return std::nullopt;
  out.resize(size);
  return out;
}

int brotli_quality_for(std::size_t bytes) {
  if (bytes <= (1u << 20)) return 11;
  if (bytes <= (8u << 20)) return 9;
  return 6;
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] Accept-Encoding
// ---------------------------------------------------------------------------------------------------------
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

// The q value of one element's parameters ("q=0.5"); 1 when absent, 0 for q=0, q=0.0, q=0.000.
bool q_is_zero(std::string_view params) {
  while (!params.empty()) {
    const std::size_t semi = params.find(';');
    std::string_view p = trim(params.substr(0, semi));
    params = semi == std::string_view::npos ? std::string_view() : params.substr(semi + 1);
    if (p.size() >= 2 && (p[0] == 'q' || p[0] == 'Q') && p[1] == '=') {
      std::string_view v = trim(p.substr(2));
      if (v.empty() || v[0] != '0') return false;
      return v.find_first_not_of("0.", 0) == std::string_view::npos;
    }
  }
  return false;
}

}  // namespace

AcceptEncoding parse_accept_encoding(std::string_view header) {
  AcceptEncoding out;
  std::optional<bool> gzip, brotli, identity, star;
  while (!header.empty()) {
    const std::size_t comma = header.find(',');
    std::string_view item = header.substr(0, comma);
    header = comma == std::string_view::npos ? std::string_view() : header.substr(comma + 1);
    const std::size_t semi = item.find(';');
    const std::string_view name = trim(item.substr(0, semi));
    const bool allowed = !q_is_zero(semi == std::string_view::npos ? std::string_view() : item.substr(semi + 1));
    if (iequals(name, "gzip") || iequals(name, "x-gzip")) gzip = allowed;
    else if (iequals(name, "br")) brotli = allowed;
    else if (iequals(name, "identity")) identity = allowed;
    else if (name == "*") star = allowed;
  }
  out.gzip = gzip.value_or(star.value_or(false));
  out.brotli = brotli.value_or(star.value_or(false));
  out.identity = identity.value_or(star.value_or(true));
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// [SECTION] EncodedBody
// ---------------------------------------------------------------------------------------------------------
EncodedBody EncodedBody::make(std::string identity, bool compressible) {
  std::optional<std::string> gz, br;
  if (compressible && identity.size() > 256) {  // below that, headers cost more than the saving
    gz = gzip_compress(identity, 9);
    br = brotli_compress(identity, brotli_quality_for(identity.size()));
  }
  return with(std::move(identity), std::move(gz), std::move(br));
}

EncodedBody EncodedBody::with(std::string identity, std::optional<std::string> gzip,
                              std::optional<std::string> brotli) {
  EncodedBody b;
  b.hash_ = sha256_hex(identity).substr(0, 32);
  if (gzip && gzip->size() < identity.size()) b.gzip_ = std::make_shared<const std::string>(std::move(*gzip));
  if (brotli && brotli->size() < identity.size())
    b.brotli_ = std::make_shared<const std::string>(std::move(*brotli));
  b.identity_ = std::make_shared<const std::string>(std::move(identity));
  return b;
}

EncodedBody::Choice EncodedBody::choose(const AcceptEncoding& accept) const {
  const bool br = accept.brotli && brotli_;
  const bool gz = accept.gzip && gzip_;
  if (br && (!gz || brotli_->size() <= gzip_->size())) return {brotli_, Coding::Brotli, '"' + hash_ + "-br\""};
  if (gz) return {gzip_, Coding::Gzip, '"' + hash_ + "-gz\""};
  return {identity_, Coding::Identity, '"' + hash_ + '"'};
}

bool EncodedBody::matches(std::string_view header) const {
  if (hash_.empty()) return false;
  while (!header.empty()) {
    const std::size_t comma = header.find(',');
    std::string_view tag = trim(header.substr(0, comma));
    header = comma == std::string_view::npos ? std::string_view() : header.substr(comma + 1);
    if (tag == "*") return true;
    if (tag.size() >= 2 && tag.substr(0, 2) == "W/") tag.remove_prefix(2);
    if (tag.size() < 2 || tag.front() != '"' || tag.back() != '"') continue;
    tag = tag.substr(1, tag.size() - 2);
    if (tag.substr(0, hash_.size()) != hash_) continue;
    const std::string_view suffix = tag.substr(hash_.size());
    if (suffix.empty() || suffix == "-gz" || suffix == "-br") return true;
  }
  return false;
}

bool EncodedBody::has(Coding c) const {
  switch (c) {
    case Coding::Gzip: return gzip_ != nullptr;
    case Coding::Brotli: return brotli_ != nullptr;
    case Coding::Identity: break;
  }
  return identity_ != nullptr;
}

std::size_t EncodedBody::size(Coding c) const {
  switch (c) {
    case Coding::Gzip: return gzip_ ? gzip_->size() : 0;
    case Coding::Brotli: return brotli_ ? brotli_->size() : 0;
    case Coding::Identity: break;
  }
  return identity_ ? identity_->size() : 0;
}

}  // namespace jupiter::server
