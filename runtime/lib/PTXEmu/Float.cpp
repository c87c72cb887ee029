//===- Float.cpp - Exact floating-point helpers of the PTX emulator -------===//

#include "Float.h"

#include "mpt-runtime/PTXEmu.h"

namespace mpt {
namespace ptxemu {
namespace fp {

uint64_t roundToFormat(double x, int expBits, int manBits, Round mode,
                       bool satfinite) {
  const uint64_t signBit = 1ull << (expBits + manBits);
  const uint64_t expMask = ((1ull << expBits) - 1) << manBits;
  const uint64_t nanBits = expMask | ((1ull << manBits) - 1);
  const uint64_t infBits = expMask;
  const uint64_t maxFinite = expMask - 1;
  if (std::isnan(x))
    return nanBits;
  const bool neg = std::signbit(x);
  const uint64_t s = neg ? signBit : 0;
  const double a = std::fabs(x);
  if (std::isinf(a))
    return s | (satfinite ? maxFinite : infBits);
  if (a == 0)
    return s;
  const int bias = (1 << (expBits - 1)) - 1;
  const int emin = 1 - bias, emax = bias;
  const int e = std::ilogb(a);
  const int qexp = (e < emin ? emin : e) - manBits;
  const double n = std::ldexp(a, -qexp); // exact: a power-of-two scaling
  const double fl = std::floor(n);
  const double frac = n - fl;
  bool up = false;
  switch (mode) {
  case Round::RN:
    up = frac > 0.5 || (frac == 0.5 && std::fmod(fl, 2.0) != 0.0);
    break;
  case Round::RNA:
    up = frac >= 0.5;
    break;
  case Round::RZ:
    up = false;
    break;
  case Round::RM:
    up = neg && frac > 0;
    break;
  case Round::RP:
    up = !neg && frac > 0;
    break;
  }
  const double m = std::ldexp(fl + (up ? 1.0 : 0.0), qexp);
  const double maxVal = std::ldexp(2.0 - std::ldexp(1.0, -manBits), emax);
  if (m > maxVal) {
    bool toInf = false;
    switch (mode) {
    case Round::RN:
    case Round::RNA:
      toInf = true;
      break;
    case Round::RZ:
      toInf = false;
      break;
    case Round::RM:
      toInf = neg;
      break;
    case Round::RP:
      toInf = !neg;
      break;
    }
    if (satfinite)
      toInf = false;
    return s | (toInf ? infBits : maxFinite);
  }
  if (m == 0)
    return s;
  const int e2 = std::ilogb(m);
  if (e2 < emin)
    return s | (uint64_t)std::ldexp(m, -(emin - manBits));
  const uint64_t fracBits =
      (uint64_t)std::ldexp(m, -(e2 - manBits)) - (1ull << manBits);
  return s | ((uint64_t)(e2 + bias) << manBits) | fracBits;
}

double formatToDouble(uint64_t bits, int expBits, int manBits) {
  const bool neg = (bits >> (expBits + manBits)) & 1;
  const uint64_t e = (bits >> manBits) & ((1ull << expBits) - 1);
  const uint64_t f = bits & ((1ull << manBits) - 1);
  const int bias = (1 << (expBits - 1)) - 1;
  double v;
  if (e == (1ull << expBits) - 1)
    v = f ? std::numeric_limits<double>::quiet_NaN()
          : std::numeric_limits<double>::infinity();
  else if (e == 0)
    v = std::ldexp((double)f, 1 - bias - manBits);
  else
    v = std::ldexp((double)(f | (1ull << manBits)), (int)e - bias - manBits);
  return neg ? -v : v;
}

float roundToF32(double x, Round mode) {
  if (mode == Round::RN)
    return (float)x; // the host conversion is IEEE round-to-nearest-even
  return floatOf((uint32_t)roundToFormat(x, 8, 23, mode));
}

uint16_t floatToHalfRN(float f) {
  const uint32_t x = bitsOf(f);
  const uint16_t sign = (uint16_t)((x >> 16) & 0x8000u);
  const uint32_t ax = x & 0x7fffffffu;
  if (ax > 0x7f800000u)
    return kHalfNaN;
  if (ax >= 0x477ff000u) // >= 65520: rounds to infinity
    return sign | 0x7c00u;
  const int e = (int)(ax >> 23) - 127 + 15; // biased f16 exponent
  if (e <= 0) {
    if ((ax >> 23) == 0) // zero or f32 subnormal: far below 2^-25
      return sign;
    // Subnormal (or zero) f16 result: the f16 quantum is 2^-24, so drop
    // 14 - e bits of the 24-bit significand.
    const uint64_t m = (ax & 0x7fffffu) | 0x800000u;
    const int drop = 14 - e;
    if (drop > 40)
      return sign;
    const uint64_t r = m >> drop;
    const uint64_t rem = m & ((1ull << drop) - 1);
    const uint64_t half = 1ull << (drop - 1);
    uint64_t res = r + ((rem > half || (rem == half && (r & 1))) ? 1 : 0);
    return sign | (uint16_t)res;
  }
  const uint32_t m = ax & 0x7fffffu;
  uint32_t r = ((uint32_t)e << 10) | (m >> 13);
  const uint32_t rem = m & 0x1fffu;
  if (rem > 0x1000u || (rem == 0x1000u && (r & 1)))
    ++r;
  return sign | (uint16_t)r;
}

double u64ToDoubleOdd(uint64_t v) {
  if (v < (1ull << 53))
    return (double)v; // exact
  // Keep the top 53 bits and or the rest into the last one (round to odd).
  int msb = 63 - __builtin_clzll(v);
  int shift = msb - 52;
  uint64_t m = v >> shift;
  if (v & ((1ull << shift) - 1))
    m |= 1;
  return std::ldexp((double)m, shift);
}

static Round mirror(Round r) {
  if (r == Round::RM)
    return Round::RP;
  if (r == Round::RP)
    return Round::RM;
  return r;
}

float u64ToF32(uint64_t v, Round r) {
  return floatOf((uint32_t)roundToFormat(u64ToDoubleOdd(v), 8, 23, r));
}
float i64ToF32(int64_t v, Round r) {
  if (v >= 0)
    return u64ToF32((uint64_t)v, r);
  uint64_t mag = 0 - (uint64_t)v;
  return -u64ToF32(mag, mirror(r));
}

double roundIntegral(double x, Round mode) {
  switch (mode) {
  case Round::RN:
    return std::nearbyint(x);
  case Round::RZ:
    return std::trunc(x);
  case Round::RM:
    return std::floor(x);
  case Round::RP:
    return std::ceil(x);
  case Round::RNA:
    return std::round(x);
  }
  return x;
}

int64_t floatToSigned(double x, Round mode, int bits) {
  if (std::isnan(x))
    return 0;
  const double r = roundIntegral(x, mode);
  const double lo = -std::ldexp(1.0, bits - 1);
  const double hi = std::ldexp(1.0, bits - 1); // exclusive
  if (r < lo)
    return bits == 64 ? INT64_MIN : -(int64_t(1) << (bits - 1));
  if (r >= hi)
    return bits == 64 ? INT64_MAX : (int64_t(1) << (bits - 1)) - 1;
  return (int64_t)r;
}

uint64_t floatToUnsigned(double x, Round mode, int bits) {
  if (std::isnan(x))
    return 0;
  const double r = roundIntegral(x, mode);
  if (r <= 0)
    return 0;
  if (r >= std::ldexp(1.0, bits))
    return bits == 64 ? UINT64_MAX : (uint64_t(1) << bits) - 1;
  return (uint64_t)r;
}

} // namespace fp

uint16_t floatToHalf(float v) { return fp::floatToHalfRN(v); }
uint16_t doubleToHalf(double v) { return fp::toHalf(v, fp::Round::RN); }
float halfToFloat(uint16_t h) { return fp::halfToFloat(h); }
uint16_t floatToBFloat16(float v) { return fp::floatToBF16RN(v); }
uint16_t doubleToBFloat16(double v) { return fp::toBF16(v, fp::Round::RN); }
float bfloat16ToFloat(uint16_t b) { return fp::bf16ToFloat(b); }

} // namespace ptxemu
} // namespace mpt
