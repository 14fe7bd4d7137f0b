// body_cache.hpp: compressed forms of a generated body (the catalogue JSON), kept in the data directory so that
// a restart does not pay for Brotli's best quality again (about a second for the sample catalogue).
//
// Files are named <name>.<hash>.gz / .br after the identity body's hash, so a changed body never meets a stale
// file; older files of the same name are removed. Any cache failure just means compressing again.
#pragma once
#include <filesystem>
#include <string>
#include <string_view>

#include "server/encoding.hpp"

namespace jupiter::server {

// EncodedBody::make(identity, true), reusing and refreshing the compressed forms stored in `cache_dir`.
EncodedBody make_cached_body(std::string identity, const std::filesystem::path& cache_dir, std::string_view name);

}  // namespace jupiter::server
