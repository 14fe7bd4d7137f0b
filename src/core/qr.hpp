// qr.hpp: QR code matrices for activation codes and links, and how to draw them sharply.
//
// Wraps Nayuki's qrcodegen, its C API (fetched by emsdk-setup.sh into third_party/), behind a value type, so the
// rest of the code never sees its buffers. Pure: the same matrix in the browser, in the e-mail PNG and in tests.
//
// Rules the eSIM delivery needs (issue 5):
// - error correction level exactly M (no "boost": the level is part of what support and the tests expect);
// - the payload is exactly the given bytes (byte or alphanumeric segments chosen by qrcodegen; no trimming);
// - a quiet zone of kQuietZone modules on every side is part of the layout, not of the matrix;
// - a whole number of device pixels per module at any devicePixelRatio (fit_modules()).
#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace jupiter::qr {

inline constexpr int kQuietZone = 4;                 // modules of light border on each side (ISO/IEC 18004)
inline constexpr std::size_t kMaxPayloadBytes = 1024;  // far above any activation code or order link

// A square of dark/light modules, without the quiet zone. size is 21..177 for a valid code, 0 when empty.
struct Matrix {
  int size = 0;
  std::vector<std::uint8_t> cells;  // row-major, 1 = dark

  bool dark(int x, int y) const {
    return x >= 0 && y >= 0 && x < size && y < size && cells[static_cast<std::size_t>(y) * size + x] != 0;
  }
  int version() const { return size >= 21 ? (size - 17) / 4 : 0; }
};

struct EncodeResult {
  std::optional<Matrix> matrix;
  std::string error;  // English, for logs and support, when matrix is empty
  bool ok() const { return matrix.has_value(); }
};

// Encodes text (taken as bytes) at error correction level M. Empty or over kMaxPayloadBytes: an error value.
EncodeResult encode(std::string_view text);

// Drawing geometry in device pixels. module_px >= 1 is whole; side_px = module_px * (size + 2 * kQuietZone).
struct Fit {
  int module_px = 0;
  int side_px = 0;
};

// The largest whole number of device pixels per module such that the code, quiet zone included, is at most
// `max_css` CSS pixels wide; but at least enough to make it `min_css` wide when `available_css` allows it.
// `dpr` is window.devicePixelRatio (non-positive or non-finite values count as 1).
Fit fit_modules(int size, double min_css, double max_css, double available_css, double dpr);

}  // namespace jupiter::qr
