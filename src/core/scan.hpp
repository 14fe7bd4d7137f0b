// scan.hpp: a small sscanf for the conversions Dear ImGui's formats use, so the store links no libc scanner.
//
// Why: musl's sscanf reads every number as a 128-bit long double, which WebAssembly does in software; it cost the
// store module ~16 KB of code (the scanner, __multf3, __divtf3, __addtf3, fmodl...) for the few lines ImGui
// parses (its OpenGL version string, its .ini settings, numbers typed into its scalar inputs). src/app builds
// ImGui with sscanf renamed to jupiter_sscanf, below.
#pragma once
#include <cstdarg>

namespace jupiter {

/// Reads `text` under `format` as C's sscanf does, for this subset of it:
///   - white space in the format skips any white space in the text (none included); `%%` and every other
///     character must match the text's next character;
///   - %d %i %u %o %x %X: an optional sign, then digits (%i: 0x... hex, 0... octal, else decimal; %x: an optional
///     0x). Lengths hh h l ll j z t. The value wraps modulo 2^N of its N-bit destination;
///   - %f %F %e %E %g %G %a %A: decimal notation only (an optional sign, digits with an optional '.', an optional
///     exponent); no hex floats, inf or nan. Into a float, or a double with `l`. A float is the correctly rounded
///     value or one of its neighbours; a double is within a relative 1e-14 of it (a subnormal one, less);
///   - %c: exactly WIDTH characters (default 1; fewer is a matching failure), no white space skipped, no terminator
///     written;
///   - %n: the number of characters read so far (not counted in the result);
///   - a field WIDTH (%08X reads at most 8 characters) and `*` (read, not stored) on every conversion.
/// A field that is not a number (`-`, `1e+`, `0xg`, `.`) is a matching failure, as C and musl say (glibc is
/// laxer). Any other conversion (%s, %[, %p, %Lf...) ends the scan where it stands.
/// Returns the number of values stored, or -1 when the text ends before any value is stored (as musl).
/// Reads nothing past text's terminating NUL; never aborts.
int vscan(const char* text, const char* format, std::va_list args);

}  // namespace jupiter

/// sscanf's signature over jupiter::vscan, for ImGui's sources (compiled with -Dsscanf=jupiter_sscanf).
extern "C" int jupiter_sscanf(const char* text, const char* format, ...);
