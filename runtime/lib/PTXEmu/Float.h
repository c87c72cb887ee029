//===- Float.h - Exact floating-point helpers of the PTX emulator -*- C++
//-*-===//
//
// Conversions between f64/f32 and the narrow formats (f16, bf16, tf32) with
// every PTX rounding mode, flush-to-zero and saturation helpers, and the
// directed-rounding arithmetic (.rz/.rm/.rp) the emulator needs. Everything
// here is exact: results are bit-identical to IEEE 754 arithmetic in the
// requested mode.
//
//===----------------------------------------------------------------------===//

#ifndef MPT_RUNTIME_PTXEMU_FLOAT_H
#define MPT_RUNTIME_PTXEMU_FLOAT_H

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>

namespace mpt {
namespace ptxemu {
namespace fp {

/// PTX rounding modifiers (for floating-point results).
enum class Round : uint8_t { RN, RZ, RM, RP, RNA };

inline uint32_t bitsOf(float f) {
  uint32_t u;
  std::memcpy(&u, &f, 4);
  return u;
}
inline uint64_t bitsOf(double d) {
  uint64_t u;
  std::memcpy(&u, &d, 8);
  return u;
}
inline float floatOf(uint32_t u) {
  float f;
  std::memcpy(&f, &u, 4);
  return f;
}
inline double doubleOf(uint64_t u) {
  double d;
  std::memcpy(&d, &u, 8);
  return d;
}

constexpr uint16_t kHalfNaN = 0x7fff;     ///< canonical f16 NaN
constexpr uint16_t kBF16NaN = 0x7fff;     ///< canonical bf16 NaN
constexpr uint32_t kF32NaN = 0x7fffffffu; ///< canonical f32 NaN

/// Rounds the real value `x` to a binary format with `expBits` exponent and
/// `manBits` fraction bits (IEEE layout, subnormals, infinities) and returns
/// its bit pattern (sign in bit expBits+manBits). NaN gives the canonical
/// quiet NaN (all fraction bits set). `satfinite` clamps overflow (and
/// infinities) to the largest finite value; `relu` turns negative results
/// (and NaN) into +0 / canonical NaN as PTX's `.relu` does.
uint64_t roundToFormat(double x, int expBits, int manBits, Round mode,
                       bool satfinite = false);
/// The value of a bit pattern of that format.
double formatToDouble(uint64_t bits, int expBits, int manBits);

/// Rounds an exact double to f32 in any mode.
float roundToF32(double x, Round mode);

// f16 -------------------------------------------------------------------------
inline float halfToFloat(uint16_t h) {
  const uint32_t s = (uint32_t)(h & 0x8000u) << 16;
  const uint32_t e = (h >> 10) & 0x1fu;
  const uint32_t m = h & 0x3ffu;
  if (e == 0x1f)
    return floatOf(s | 0x7f800000u | (m << 13));
  if (e == 0) {
    const float v = (float)m * 5.9604644775390625e-08f; // m * 2^-24, exact
    return s ? -v : v;
  }
  return floatOf(s | ((e + 112u) << 23) | (m << 13));
}
/// Fast round-to-nearest-even float -> f16 (bit-identical to roundToFormat).
uint16_t floatToHalfRN(float f);
inline uint16_t toHalf(double x, Round mode, bool satfinite = false) {
  return (uint16_t)roundToFormat(x, 5, 10, mode, satfinite);
}
inline bool halfIsNaN(uint16_t h) {
  return (h & 0x7c00) == 0x7c00 && (h & 0x3ff);
}
inline bool halfIsSubnormal(uint16_t h) {
  return (h & 0x7c00) == 0 && (h & 0x3ff);
}

// bf16 ------------------------------------------------------------------------
inline float bf16ToFloat(uint16_t b) { return floatOf((uint32_t)b << 16); }
/// Fast round-to-nearest-even float -> bf16.
inline uint16_t floatToBF16RN(float f) {
  uint32_t x = bitsOf(f);
  if ((x & 0x7fffffffu) > 0x7f800000u)
    return kBF16NaN;
  x += 0x7fffu + ((x >> 16) & 1u);
  return (uint16_t)(x >> 16);
}
inline uint16_t toBF16(double x, Round mode, bool satfinite = false) {
  return (uint16_t)roundToFormat(x, 8, 7, mode, satfinite);
}
inline bool bf16IsNaN(uint16_t b) {
  return (b & 0x7f80) == 0x7f80 && (b & 0x7f);
}
inline bool bf16IsSubnormal(uint16_t b) {
  return (b & 0x7f80) == 0 && (b & 0x7f);
}

// f32 helpers -----------------------------------------------------------------
inline bool isSubnormal(float f) {
  uint32_t u = bitsOf(f);
  return (u & 0x7f800000u) == 0 && (u & 0x7fffffu);
}
/// Flush an f32 subnormal to sign-preserving zero (.ftz).
inline float ftz(float f) {
  uint32_t u = bitsOf(f);
  if ((u & 0x7f800000u) == 0)
    return floatOf(u & 0x80000000u);
  return f;
}
/// PTX `.sat` for floats: clamp to [0.0, 1.0], NaN -> +0.0.
inline float satF32(float f) {
  if (std::isnan(f))
    return 0.0f;
  if (f < 0.0f || (f == 0.0f && std::signbit(f)))
    return 0.0f;
  return f > 1.0f ? 1.0f : f;
}
inline double satF64(double f) {
  if (std::isnan(f))
    return 0.0;
  if (f <= 0.0)
    return 0.0;
  return f > 1.0 ? 1.0 : f;
}
/// Canonicalise NaN results the way NVIDIA hardware does for f32.
inline float canonF32(float f) { return std::isnan(f) ? floatOf(kF32NaN) : f; }

/// The exact value of `a + b`, rounded to 53 bits with round-to-odd: a
/// correct intermediate for any later rounding to <= 51 bits.
inline double addRoundToOdd(double a, double b) {
  const double s = a + b;
  const double bb = s - a;
  const double err = (a - (s - bb)) + (b - bb);
  if (err == 0 || !std::isfinite(s))
    return s;
  uint64_t bs = bitsOf(s);
  if (bs & 1)
    return s; // s is the odd one of the two doubles around a + b
  // Step to the neighbour on the side of the exact value.
  const bool away = (err > 0) == (s > 0);
  bs += away ? 1 : (uint64_t)-1;
  return doubleOf(bs);
}

/// Rounds a double to f32 with round-to-odd: a correct intermediate for a
/// later round-to-nearest to <= 22 bits (f16, bf16).
inline float roundToOddF32(double s) {
  float t = (float)s;
  if ((double)t == s || !std::isfinite(s))
    return t;
  if (std::fabs((double)t) > std::fabs(s))
    t = std::nextafter(t, 0.0f);
  return floatOf(bitsOf(t) | 1u);
}

/// fma.rn.f32, exact: the product is exact in f64 and the sum is rounded to
/// odd before the final rounding.
inline float fmaF32RN(float a, float b, float c) {
  const double p = (double)a * (double)b;
  return (float)addRoundToOdd(p, (double)c);
}

// Directed-rounding arithmetic (implemented with the host's IEEE modes).
float addF32(float a, float b, Round r);
float mulF32(float a, float b, Round r);
float fmaF32(float a, float b, float c, Round r);
float divF32(float a, float b, Round r);
float sqrtF32(float a, Round r);
float rcpF32(float a, Round r);
double addF64(double a, double b, Round r);
double mulF64(double a, double b, Round r);
double fmaF64(double a, double b, double c, Round r);
double divF64(double a, double b, Round r);
double sqrtF64(double a, Round r);
double rcpF64(double a, Round r);
/// Integer -> float with a rounding mode (f32 and f64 destinations).
float i64ToF32(int64_t v, Round r);
float u64ToF32(uint64_t v, Round r);
double i64ToF64(int64_t v, Round r);
double u64ToF64(uint64_t v, Round r);
/// A 64-bit integer as a double rounded to odd at 53 bits (exact for
/// v < 2^53): a correct intermediate for rounding to <= 51 bits.
double u64ToDoubleOdd(uint64_t v);

/// Float -> integer as PTX cvt does it: round with `mode` (RN = .rni,
/// RZ = .rzi, RM = .rmi, RP = .rpi), NaN -> 0, clamp to the range.
int64_t floatToSigned(double x, Round mode, int bits);
uint64_t floatToUnsigned(double x, Round mode, int bits);
/// Round to an integral value in floating point (cvt.rni.f32.f32 etc).
double roundIntegral(double x, Round mode);

} // namespace fp
} // namespace ptxemu
} // namespace mpt

#endif // MPT_RUNTIME_PTXEMU_FLOAT_H
