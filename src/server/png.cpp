// png.cpp: see png.hpp. Chunks: IHDR, one IDAT (zlib stream of filter-0 scanlines), IEND; CRC-32 from zlib.
#include "server/png.hpp"

#include <zlib.h>

namespace jupiter::server {

namespace {

void put_u32(std::string& out, std::uint32_t v) {
  out += static_cast<char>((v >> 24) & 0xFF);
  out += static_cast<char>((v >> 16) & 0xFF);
  out += static_cast<char>((v >> 8) & 0xFF);
  out += static_cast<char>(v & 0xFF);
}

void chunk(std::string& out, const char type[4], const std::string& data) {
  put_u32(out, static_cast<std::uint32_t>(data.size()));
  const std::string body = std::string(type, 4) + data;
  out += body;
  put_u32(out, static_cast<std::uint32_t>(
                   crc32(0L, reinterpret_cast<const Bytef*>(body.data()), static_cast<uInt>(body.size()))));
}

}  // namespace

std::string encode_png_grey(int width, int height, const std::vector<std::uint8_t>& pixels) {
  if (width <= 0 || height <= 0 || width > 16384 || height > 16384 ||
      pixels.size() != static_cast<std::size_t>(width) * static_cast<std::size_t>(height))
    return {};
  std::string raw;
  raw.reserve(static_cast<std::size_t>(height) * (static_cast<std::size_t>(width) + 1));
  for (int y = 0; y < height; ++y) {
    raw += '\0';  // filter type 0 (None)
    raw.append(reinterpret_cast<const char*>(pixels.data()) + static_cast<std::size_t>(y) * width,
               static_cast<std::size_t>(width));
  }
  uLongf packed_size = compressBound(static_cast<uLong>(raw.size()));
  std::string packed(packed_size, '\0');
  if (compress2(reinterpret_cast<Bytef*>(packed.data()), &packed_size, reinterpret_cast<const Bytef*>(raw.data()),
                static_cast<uLong>(raw.size()), 9) != Z_OK)
    return {};
  packed.resize(packed_size);

  std::string header;
  put_u32(header, static_cast<std::uint32_t>(width));
  put_u32(header, static_cast<std::uint32_t>(height));
  header += '\x08';  // bit depth
  header += '\x00';  // colour type: greyscale
  header += '\x00';  // compression: deflate
  header += '\x00';  // filter method 0
  header += '\x00';  // no interlace
  std::string png = "\x89PNG\r\n\x1a\n";
  chunk(png, "IHDR", header);
  chunk(png, "IDAT", packed);
  chunk(png, "IEND", "");
  return png;
}

std::string qr_png(const qr::Matrix& m, int module_px) {
  if (m.size <= 0 || module_px <= 0) return {};
  const int modules = m.size + 2 * qr::kQuietZone;
  const int side = modules * module_px;
  std::vector<std::uint8_t> pixels(static_cast<std::size_t>(side) * side, 255);
  for (int y = 0; y < side; ++y)
    for (int x = 0; x < side; ++x)
      if (m.dark(x / module_px - qr::kQuietZone, y / module_px - qr::kQuietZone))
        pixels[static_cast<std::size_t>(y) * side + x] = 0;
  return encode_png_grey(side, side, pixels);
}

}  // namespace jupiter::server
