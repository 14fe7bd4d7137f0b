// png.hpp: a minimal PNG encoder (8-bit greyscale, no interlace) over zlib, for QR codes in e-mails.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "core/qr.hpp"

namespace jupiter::server {

// `pixels` is width * height bytes, row-major, 0 = black, 255 = white. Empty string for bad sizes.
std::string encode_png_grey(int width, int height, const std::vector<std::uint8_t>& pixels);

// The QR matrix as a PNG: dark on white, `module_px` pixels per module, the quiet zone (qr::kQuietZone) included.
std::string qr_png(const qr::Matrix& matrix, int module_px);

}  // namespace jupiter::server
