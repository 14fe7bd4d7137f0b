// qr.cpp: see qr.hpp. Uses qrcodegen's C API (no exceptions, no iostream: its C++ API's data_too_long builds
// its message with std::ostringstream, which pulled ~55 KB of libc++ locale/iostream code into the store module).
#include "core/qr.hpp"

#include <qrcodegen.h>

#include <algorithm>
#include <cmath>

namespace jupiter::qr {

namespace {

// The payload's problem in words, or empty when qrcodegen may encode it.
std::string payload_problem(std::string_view text) {
  if (text.empty()) return "nothing to encode";
  if (text.size() > kMaxPayloadBytes)
    return "payload of " + std::to_string(text.size()) + " bytes is over the limit of " +
           std::to_string(kMaxPayloadBytes);
  // qrcodegen takes a NUL-terminated string: a NUL inside the payload would cut it short.
  if (text.find('\0') != std::string_view::npos) return "the payload contains a NUL byte";
  return {};
}

}  // namespace

EncodeResult encode(std::string_view text) {
  EncodeResult r;
  r.error = payload_problem(text);
  if (!r.error.empty()) return r;
  // Segment choice as qrcodegen's C++ makeSegments: numeric, else alphanumeric, else bytes (the same modules for
  // the same text: tests/unit/unit-qr.cpp holds fixed matrices made with the C++ API).
  const std::string copy(text);
  std::vector<std::uint8_t> temp(qrcodegen_BUFFER_LEN_MAX);
  std::vector<std::uint8_t> code(qrcodegen_BUFFER_LEN_MAX);
  if (!qrcodegen_encodeText(copy.c_str(), temp.data(), code.data(), qrcodegen_Ecc_MEDIUM, qrcodegen_VERSION_MIN,
                            qrcodegen_VERSION_MAX, qrcodegen_Mask_AUTO, /*boostEcl=*/false)) {
    // Unreachable with kMaxPayloadBytes (level M holds 2331 bytes at version 40); kept as an error value.
    r.error = "cannot encode: " + std::to_string(text.size()) + " bytes do not fit any QR version at level M";
    return r;
  }
  Matrix m;
  m.size = qrcodegen_getSize(code.data());
  m.cells.resize(static_cast<std::size_t>(m.size) * static_cast<std::size_t>(m.size));
  for (int y = 0; y < m.size; ++y)
    for (int x = 0; x < m.size; ++x)
      m.cells[static_cast<std::size_t>(y) * static_cast<std::size_t>(m.size) + static_cast<std::size_t>(x)] =
          qrcodegen_getModule(code.data(), x, y) ? 1 : 0;
  r.matrix = std::move(m);
  return r;
}

Fit fit_modules(int size, double min_css, double max_css, double available_css, double dpr) {
  Fit f;
  if (size <= 0) return f;
  if (!(dpr > 0) || !std::isfinite(dpr)) dpr = 1;
  const int total = size + 2 * kQuietZone;
  const double limit_css = std::max(0.0, std::min(max_css, available_css));
  int px = static_cast<int>(std::floor(limit_css * dpr / total));
  const int needed = static_cast<int>(std::ceil(min_css * dpr / total));
  if (px < needed && needed * total <= available_css * dpr) px = needed;
  f.module_px = std::max(px, 1);
  f.side_px = f.module_px * total;
  return f;
}

}  // namespace jupiter::qr
