// qr.cpp: see qr.hpp.
#include "core/qr.hpp"

#include <qrcodegen.hpp>

#include <algorithm>
#include <cmath>
#include <exception>

namespace jupiter::qr {

EncodeResult encode(std::string_view text) {
  EncodeResult r;
  if (text.empty()) {
    r.error = "nothing to encode";
    return r;
  }
  if (text.size() > kMaxPayloadBytes) {
    r.error = "payload of " + std::to_string(text.size()) + " bytes is over the limit of " +
              std::to_string(kMaxPayloadBytes);
    return r;
  }
  // qrcodegen reports "too long for any version" by throwing; the size check above keeps us far below that
  // (level M holds 2331 bytes), and the catch keeps the promise that nothing here throws.
  try {
    const std::string copy(text);  // qrcodegen wants a NUL-terminated string; the payload has no NULs of its own
    if (copy.find('\0') != std::string::npos) {
      r.error = "the payload contains a NUL byte";
      return r;
    }
    const auto segments = qrcodegen::QrSegment::makeSegments(copy.c_str());
    const auto code = qrcodegen::QrCode::encodeSegments(segments, qrcodegen::QrCode::Ecc::MEDIUM,
                                                        qrcodegen::QrCode::MIN_VERSION,
                                                        qrcodegen::QrCode::MAX_VERSION, -1, /*boostEcl=*/false);
    Matrix m;
    m.size = code.getSize();
    m.cells.resize(static_cast<std::size_t>(m.size) * static_cast<std::size_t>(m.size));
    for (int y = 0; y < m.size; ++y)
      for (int x = 0; x < m.size; ++x)
        m.cells[static_cast<std::size_t>(y) * static_cast<std::size_t>(m.size) + static_cast<std::size_t>(x)] =
            code.getModule(x, y) ? 1 : 0;
    r.matrix = std::move(m);
  } catch (const std::exception& e) {
    r.error = std::string("cannot encode: ") + e.what();
  }
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
