// scan.cpp: jupiter::vscan, a bounded sscanf for integers, decimal floats, %c and %n (see scan.hpp).
#include "core/scan.hpp"

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>

namespace jupiter {
namespace {

enum class Size : std::uint8_t { Char, Short, Int, Long, LongLong, Max, SizeT, PtrDiff, LongDouble };

// One conversion specification: %[*][WIDTH][LENGTH]CONV.
struct Spec {
  bool store = true;
  std::size_t width = 0;  // 0: no width given
  Size size = Size::Int;
  char conv = 0;
};

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'; }

const char* skip_space(const char* p) {
  while (is_space(*p)) ++p;
  return p;
}

// The length modifier at `f`, if any; returns the character after it.
const char* read_length(const char* f, Size& size) {
  const auto two = [&](char c) { return f[0] == c && f[1] == c; };
  if (two('h') || two('l')) {
    size = f[0] == 'h' ? Size::Char : Size::LongLong;
    return f + 2;
  }
  switch (*f) {
    case 'h': size = Size::Short; break;
    case 'l': size = Size::Long; break;
    case 'j': size = Size::Max; break;
    case 'z': size = Size::SizeT; break;
    case 't': size = Size::PtrDiff; break;
    case 'L': size = Size::LongDouble; break;
    default: return f;
  }
  return f + 1;
}

// The specification after a '%'; returns the format's character after it.
const char* read_spec(const char* f, Spec& s) {
  if (*f == '*') {
    s.store = false;
    ++f;
  }
  while (*f >= '0' && *f <= '9') {
    if (s.width < (std::size_t{1} << 30)) s.width = s.width * 10 + static_cast<std::size_t>(*f - '0');
    ++f;
  }
  f = read_length(f, s.size);
  s.conv = *f;
  return *f ? f + 1 : f;
}

// The text of one field: at most `left` characters, never past the terminator.
struct Field {
  const char* p;
  std::size_t left;
  char peek() const { return left ? *p : '\0'; }
  void next() {
    ++p;
    --left;
  }
  bool take(char c) {  // the next character, case-insensitively for letters
    if (peek() == '\0' || (peek() | 0x20) != c) return false;
    next();
    return true;
  }
  bool take_sign() {  // true for '-'
    const bool minus = peek() == '-';
    if (minus || peek() == '+') next();
    return minus;
  }
};

Field field_at(const char* p, const Spec& s) {
  return Field{p, s.width ? s.width : std::numeric_limits<std::size_t>::max()};
}

int digit_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') return (c | 0x20) - 'a' + 10;
  return 99;
}

// ---- integers -------------------------------------------------------------------------------------------------

// %i's base from the prefix (consumed): 16 after 0x, 8 after a lone 0 (the 0 is a digit: `any` is set), else 10.
// %x's optional 0x is consumed the same way. Returns 0 when "0x" is not followed by a hex digit.
int read_base(Field& in, int base, bool& any) {
  if ((base != 0 && base != 16) || in.peek() != '0') return base == 0 ? 10 : base;
  in.next();
  any = true;
  if (!in.take('x')) return base == 0 ? 8 : 16;
  any = false;
  return digit_value(in.peek()) < 16 ? 16 : 0;
}

// An integer field in `base` (0: from its prefix, as %i); its value modulo 2^64. False: not an integer.
bool read_integer(Field& in, int base, std::uint64_t& value) {
  const bool minus = in.take_sign();
  bool any = false;
  base = read_base(in, base, any);
  if (base == 0) return false;
  std::uint64_t v = 0;
  for (int d = digit_value(in.peek()); d < base; d = digit_value(in.peek())) {
    v = v * static_cast<std::uint64_t>(base) + static_cast<std::uint64_t>(d);
    any = true;
    in.next();
  }
  value = minus ? 0 - v : v;
  return any;
}

template <typename T>
void put(std::va_list& args, std::uint64_t v) {
  *va_arg(args, T*) = static_cast<T>(v);
}

// Stores an integer into the destination `size` names, signed or not; false for a size integers do not take.
bool store_integer(std::va_list& args, Size size, bool is_signed, std::uint64_t v) {
  switch (size) {
    case Size::Char: is_signed ? put<signed char>(args, v) : put<unsigned char>(args, v); return true;
    case Size::Short: is_signed ? put<short>(args, v) : put<unsigned short>(args, v); return true;
    case Size::Int: is_signed ? put<int>(args, v) : put<unsigned>(args, v); return true;
    case Size::Long: is_signed ? put<long>(args, v) : put<unsigned long>(args, v); return true;
    case Size::LongLong: is_signed ? put<long long>(args, v) : put<unsigned long long>(args, v); return true;
    case Size::Max: is_signed ? put<std::intmax_t>(args, v) : put<std::uintmax_t>(args, v); return true;
    case Size::SizeT: put<std::size_t>(args, v); return true;
    case Size::PtrDiff: put<std::ptrdiff_t>(args, v); return true;
    case Size::LongDouble: return false;
  }
  return false;
}

// ---- decimal floats -------------------------------------------------------------------------------------------

// A decimal number: its first 19 significant digits, and the power of ten they are scaled by.
struct Decimal {
  std::uint64_t digits = 0;
  int exp10 = 0;
  bool negative = false;
};

// One digit into `d`; `fraction`: the digit is after the point. Digits past the 19th only move the exponent, which
// stays within +-kExponentLimit however long the text (beyond it the value is 0 or infinite anyway).
constexpr int kExponentLimit = 1000000;
void add_digit(Decimal& d, int digit, bool fraction) {
  if (d.digits < 1000000000000000000ull) {
    d.digits = d.digits * 10 + static_cast<std::uint64_t>(digit);
    if (fraction && d.exp10 > -kExponentLimit) --d.exp10;
  } else if (!fraction && d.exp10 < kExponentLimit) {
    ++d.exp10;
  }
}

// The digits before and after an optional '.'; false when there is none.
bool read_digits(Field& in, Decimal& d) {
  bool any = false;
  for (; digit_value(in.peek()) < 10; in.next(), any = true) add_digit(d, in.peek() - '0', false);
  if (in.peek() != '.') return any;
  in.next();
  for (; digit_value(in.peek()) < 10; in.next(), any = true) add_digit(d, in.peek() - '0', true);
  return any;
}

// An exponent after 'e' (consumed): false when no digit follows the optional sign.
bool read_exponent(Field& in, int& exp10) {
  const bool minus = in.take_sign();
  if (digit_value(in.peek()) >= 10) return false;
  int e = 0;
  for (; digit_value(in.peek()) < 10; in.next()) e = e < 100000 ? e * 10 + (in.peek() - '0') : e;
  exp10 += minus ? -e : e;
  return true;
}

// A decimal float field; false when the field is not one (C's "100e" is not).
bool read_decimal(Field& in, Decimal& d) {
  d.negative = in.take_sign();
  if (!read_digits(in, d)) return false;
  return !in.take('e') || read_exponent(in, d.exp10);
}

// digits x 10^exp10: exact when both fit a double's exact range, else a few roundings (see scan.hpp).
double to_double(const Decimal& d) {
  static const double powers[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                  1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
  const double zero = d.negative ? -0.0 : 0.0;
  if (d.digits == 0 || d.exp10 < -450) return zero;
  const double infinity = std::numeric_limits<double>::infinity();
  if (d.exp10 > 400) return d.negative ? -infinity : infinity;
  double v = static_cast<double>(d.digits);
  int e = d.exp10;
  for (; e > 22; e -= 22) v *= 1e22;
  for (; e < -22; e += 22) v /= 1e22;
  v = e >= 0 ? v * powers[e] : v / powers[-e];
  return d.negative ? -v : v;
}

float to_float(double v) {
  constexpr double overflow = 0x1.ffffffp+127;  // FLT_MAX and half its last place: rounds to infinity
  if (v >= overflow) return std::numeric_limits<float>::infinity();
  if (v <= -overflow) return -std::numeric_limits<float>::infinity();
  return static_cast<float>(v);
}

// ---- the conversions ------------------------------------------------------------------------------------------

enum class Outcome : std::uint8_t { Stored, Skipped, InputFailure, MatchingFailure };

struct Scan {
  const char* text;
  const char* p;  // the next character to read
  std::va_list& args;
};

Outcome convert_integer(Scan& sc, const Spec& s, int base, bool is_signed) {
  sc.p = skip_space(sc.p);
  if (*sc.p == '\0') return Outcome::InputFailure;
  if (s.size == Size::LongDouble) return Outcome::MatchingFailure;
  Field in = field_at(sc.p, s);
  std::uint64_t v = 0;
  if (!read_integer(in, base, v)) return Outcome::MatchingFailure;
  sc.p = in.p;
  if (!s.store) return Outcome::Skipped;
  store_integer(sc.args, s.size, is_signed, v);
  return Outcome::Stored;
}

Outcome convert_float(Scan& sc, const Spec& s) {
  sc.p = skip_space(sc.p);
  if (*sc.p == '\0') return Outcome::InputFailure;
  if (s.size != Size::Int && s.size != Size::Long) return Outcome::MatchingFailure;  // no long double here
  Field in = field_at(sc.p, s);
  Decimal d;
  if (!read_decimal(in, d)) return Outcome::MatchingFailure;
  sc.p = in.p;
  if (!s.store) return Outcome::Skipped;
  const double v = to_double(d);
  if (s.size == Size::Long) *va_arg(sc.args, double*) = v;
  else *va_arg(sc.args, float*) = to_float(v);
  return Outcome::Stored;
}

Outcome convert_chars(Scan& sc, const Spec& s) {
  if (s.size != Size::Int) return Outcome::MatchingFailure;  // no wide characters here
  const std::size_t n = s.width ? s.width : 1;
  if (*sc.p == '\0') return Outcome::InputFailure;
  for (std::size_t i = 1; i < n; ++i)
    if (sc.p[i] == '\0') return Outcome::MatchingFailure;  // a part of the field: nothing stored (as musl)
  if (s.store) std::memcpy(va_arg(sc.args, char*), sc.p, n);
  sc.p += n;
  return s.store ? Outcome::Stored : Outcome::Skipped;
}

Outcome convert(Scan& sc, const Spec& s) {
  switch (s.conv) {
    case 'd': return convert_integer(sc, s, 10, true);
    case 'i': return convert_integer(sc, s, 0, true);
    case 'u': return convert_integer(sc, s, 10, false);
    case 'o': return convert_integer(sc, s, 8, false);
    case 'x': case 'X': return convert_integer(sc, s, 16, false);
    case 'f': case 'F': case 'e': case 'E': case 'g': case 'G': case 'a': case 'A': return convert_float(sc, s);
    case 'c': return convert_chars(sc, s);
    case 'n':
      if (s.store) store_integer(sc.args, s.size, true, static_cast<std::uint64_t>(sc.p - sc.text));
      return Outcome::Skipped;
    default: return Outcome::MatchingFailure;
  }
}

// A literal format character (`%%` skips white space first, as a conversion does).
Outcome match_literal(Scan& sc, char c) {
  if (c == '%') sc.p = skip_space(sc.p);
  if (*sc.p == '\0') return Outcome::InputFailure;
  if (*sc.p != c) return Outcome::MatchingFailure;
  ++sc.p;
  return Outcome::Skipped;
}

}  // namespace

int vscan(const char* text, const char* format, std::va_list args) {
  std::va_list ap;
  va_copy(ap, args);
  Scan sc{text, text, ap};
  int stored = 0;
  Outcome o = Outcome::Skipped;
  const char* f = format;
  while (*f && (o == Outcome::Stored || o == Outcome::Skipped)) {
    if (is_space(*f)) {
      f = skip_space(f);
      sc.p = skip_space(sc.p);
    } else if (*f != '%' || f[1] == '%') {
      if (*f == '%') ++f;
      o = match_literal(sc, *f++);
    } else {
      Spec s;
      f = read_spec(f + 1, s);
      o = convert(sc, s);
      stored += o == Outcome::Stored ? 1 : 0;
    }
  }
  va_end(ap);
  return o == Outcome::InputFailure && stored == 0 ? -1 : stored;
}

}  // namespace jupiter

extern "C" int jupiter_sscanf(const char* text, const char* format, ...) {
  std::va_list args;
  va_start(args, format);
  const int n = jupiter::vscan(text, format, args);
  va_end(args);
  return n;
}
