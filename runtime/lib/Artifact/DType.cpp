//===- DType.cpp - Element types and exact conversions --------------------===//

#include "mpt-runtime/DType.h"

#include <cmath>
#include <cstdint>
#include <cstring>

using namespace mpt::rt;

const char *mpt::rt::dtypeName(DType t) {
  switch (t) {
  case DType::F32:
    return "f32";
  case DType::F16:
    return "f16";
  case DType::BF16:
    return "bf16";
  case DType::F64:
    return "f64";
  case DType::I1:
    return "i1";
  case DType::I8:
    return "i8";
  case DType::I32:
    return "i32";
  case DType::I64:
    return "i64";
  }
  return "?";
}

std::optional<DType> mpt::rt::parseDType(std::string_view name) {
  for (DType t : {DType::F32, DType::F16, DType::BF16, DType::F64, DType::I1,
                  DType::I8, DType::I32, DType::I64})
    if (name == dtypeName(t))
      return t;
  return std::nullopt;
}

size_t mpt::rt::dtypeSize(DType t) {
  switch (t) {
  case DType::F64:
  case DType::I64:
    return 8;
  case DType::F32:
  case DType::I32:
    return 4;
  case DType::F16:
  case DType::BF16:
    return 2;
  case DType::I1:
  case DType::I8:
    return 1;
  }
  return 0;
}

bool mpt::rt::isFloat(DType t) {
  return t == DType::F32 || t == DType::F16 || t == DType::BF16 ||
         t == DType::F64;
}

bool mpt::rt::isInteger(DType t) { return !isFloat(t); }

uint64_t mpt::rt::roundDoubleToBits(double x, int expBits, int manBits) {
  uint64_t d;
  std::memcpy(&d, &x, 8);
  uint64_t sign = (d >> 63) << (expBits + manBits);
  int e = static_cast<int>((d >> 52) & 0x7FF);
  uint64_t m = d & ((uint64_t(1) << 52) - 1);
  uint64_t expMask = (uint64_t(1) << expBits) - 1;
  if (e == 0x7FF) {
    if (m == 0) // infinity
      return sign | (expMask << manBits);
    // NaN: keep the top fraction bits, set the quiet bit.
    uint64_t payload = m >> (52 - manBits);
    payload |= uint64_t(1) << (manBits - 1);
    return sign | (expMask << manBits) | payload;
  }
  if (e == 0) // zero or a double subnormal: far below every target's range
    return sign;
  int bias = (1 << (expBits - 1)) - 1;
  int unbiased = e - 1023;
  int emin = 1 - bias;
  uint64_t full = m | (uint64_t(1) << 52); // 53-bit significand
  int shift = 52 - manBits;
  bool subnormal = unbiased < emin;
  if (subnormal)
    shift += emin - unbiased;
  uint64_t q;
  if (shift >= 64) {
    q = 0; // below half the smallest subnormal
  } else {
    q = full >> shift;
    uint64_t rem = full & ((uint64_t(1) << shift) - 1);
    uint64_t half = uint64_t(1) << (shift - 1);
    if (rem > half || (rem == half && (q & 1)))
      ++q;
  }
  if (subnormal) // q == 2^manBits is the smallest normal: same bits
    return sign | q;
  if (q == (uint64_t(2) << manBits)) {
    q >>= 1;
    ++unbiased;
  }
  int64_t field = unbiased + bias;
  if (field >= static_cast<int64_t>(expMask))
    return sign | (expMask << manBits); // overflow to infinity
  return sign | (uint64_t(field) << manBits) |
         (q & ((uint64_t(1) << manBits) - 1));
}

uint16_t mpt::rt::doubleToHalfBits(double x) {
  return static_cast<uint16_t>(roundDoubleToBits(x, 5, 10));
}

uint16_t mpt::rt::doubleToBF16Bits(double x) {
  return static_cast<uint16_t>(roundDoubleToBits(x, 8, 7));
}

float mpt::rt::doubleToFloat(double x) { return static_cast<float>(x); }

static double formatBitsToDouble(uint64_t bits, int expBits, int manBits) {
  bool neg = (bits >> (expBits + manBits)) & 1;
  uint64_t expMask = (uint64_t(1) << expBits) - 1;
  uint64_t e = (bits >> manBits) & expMask;
  uint64_t m = bits & ((uint64_t(1) << manBits) - 1);
  int bias = (1 << (expBits - 1)) - 1;
  double v;
  if (e == expMask) {
    if (m == 0) {
      v = INFINITY;
    } else {
      // Keep the payload: widen the fraction into a double NaN.
      uint64_t d = (uint64_t(0x7FF) << 52) | (m << (52 - manBits));
      std::memcpy(&v, &d, 8);
    }
  } else if (e == 0) {
    v = std::ldexp(static_cast<double>(m), 1 - bias - manBits);
  } else {
    v = std::ldexp(static_cast<double>(m | (uint64_t(1) << manBits)),
                   static_cast<int>(e) - bias - manBits);
  }
  return neg ? -v : v;
}

double mpt::rt::halfBitsToDouble(uint16_t h) {
  return formatBitsToDouble(h, 5, 10);
}

double mpt::rt::bf16BitsToDouble(uint16_t b) {
  return formatBitsToDouble(b, 8, 7);
}

static double saturate(double x, double lo, double hi) {
  if (!(x == x))
    return 0;
  return x < lo ? lo : x > hi ? hi : x;
}

void mpt::rt::storeElement(DType t, double x, void *dst) {
  switch (t) {
  case DType::F64:
    std::memcpy(dst, &x, 8);
    return;
  case DType::F32: {
    float f = static_cast<float>(x);
    std::memcpy(dst, &f, 4);
    return;
  }
  case DType::F16: {
    uint16_t h = doubleToHalfBits(x);
    std::memcpy(dst, &h, 2);
    return;
  }
  case DType::BF16: {
    uint16_t b = doubleToBF16Bits(x);
    std::memcpy(dst, &b, 2);
    return;
  }
  case DType::I1: {
    uint8_t v = x != 0 ? 1 : 0;
    std::memcpy(dst, &v, 1);
    return;
  }
  // Integers saturate (NaN -> 0): converting a double outside the range of
  // the type would be undefined behaviour.
  case DType::I8: {
    int8_t v = static_cast<int8_t>(saturate(x, -128.0, 127.0));
    std::memcpy(dst, &v, 1);
    return;
  }
  case DType::I32: {
    int32_t v = static_cast<int32_t>(saturate(x, -2147483648.0, 2147483647.0));
    std::memcpy(dst, &v, 4);
    return;
  }
  case DType::I64: {
    // 2^63 is the first double above the range.
    int64_t v = x >= 9223372036854775808.0   ? INT64_MAX
                : x < -9223372036854775808.0 ? INT64_MIN
                : x == x                     ? static_cast<int64_t>(x)
                                             : 0;
    std::memcpy(dst, &v, 8);
    return;
  }
  }
}

double mpt::rt::loadElement(DType t, const void *src) {
  switch (t) {
  case DType::F64: {
    double v;
    std::memcpy(&v, src, 8);
    return v;
  }
  case DType::F32: {
    float v;
    std::memcpy(&v, src, 4);
    return v;
  }
  case DType::F16: {
    uint16_t v;
    std::memcpy(&v, src, 2);
    return halfBitsToDouble(v);
  }
  case DType::BF16: {
    uint16_t v;
    std::memcpy(&v, src, 2);
    return bf16BitsToDouble(v);
  }
  case DType::I1:
  case DType::I8: {
    int8_t v;
    std::memcpy(&v, src, 1);
    return t == DType::I1 ? (v != 0) : v;
  }
  case DType::I32: {
    int32_t v;
    std::memcpy(&v, src, 4);
    return v;
  }
  case DType::I64: {
    int64_t v;
    std::memcpy(&v, src, 8);
    return static_cast<double>(v);
  }
  }
  return 0;
}
