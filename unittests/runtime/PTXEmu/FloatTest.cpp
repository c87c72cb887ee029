//===- FloatTest.cpp - f16/bf16/f32 conversions of the PTX emulator -------===//
//
// The emulator's converters against the IEEE definition: exhaustively for
// f16 -> f32, against a second, independently written rounding routine for
// random f32 inputs, and against hand-computed edge cases (ties to even,
// subnormals, overflow to infinity, directed modes, saturation).
//
//===----------------------------------------------------------------------===//

#include "Float.h"

#include "mpt-runtime/PTXEmu.h"

#include "gtest/gtest.h"

#include <cmath>
#include <random>

using namespace mpt::ptxemu;
using fp::Round;

TEST(FloatTest, HalfToFloatIsExactForAll65536Patterns) {
  for (uint32_t h = 0; h < 65536; ++h) {
    const float f = fp::halfToFloat((uint16_t)h);
    const uint32_t e = (h >> 10) & 31, m = h & 1023;
    const double sign = (h & 0x8000) ? -1.0 : 1.0;
    if (e == 31) {
      if (m)
        EXPECT_TRUE(std::isnan(f)) << h;
      else
        EXPECT_EQ(f, sign * INFINITY) << h;
      continue;
    }
    const double want = e == 0 ? sign * std::ldexp((double)m, -24)
                               : sign * std::ldexp(1024.0 + m, (int)e - 25);
    EXPECT_EQ((double)f, want) << h;
    EXPECT_EQ(std::signbit(f), (h & 0x8000) != 0) << h;
    // ... and rounds back to itself.
    EXPECT_EQ(fp::floatToHalfRN(f), h) << h;
  }
}

TEST(FloatTest, HalfRoundingEdgeCases) {
  EXPECT_EQ(fp::floatToHalfRN(65504.0f), 0x7bff);
  EXPECT_EQ(fp::floatToHalfRN(65519.99f), 0x7bff);
  EXPECT_EQ(fp::floatToHalfRN(65520.0f), 0x7c00); // ties away to infinity
  EXPECT_EQ(fp::floatToHalfRN(-65520.0f), 0xfc00);
  EXPECT_EQ(fp::floatToHalfRN(std::ldexp(1.0f, -24)), 0x0001);
  EXPECT_EQ(fp::floatToHalfRN(std::ldexp(1.0f, -25)), 0x0000); // tie -> even
  EXPECT_EQ(fp::floatToHalfRN(std::ldexp(1.5f, -25)), 0x0001);
  EXPECT_EQ(fp::floatToHalfRN(std::ldexp(3.0f, -25)), 0x0002); // tie -> even
  EXPECT_EQ(fp::floatToHalfRN(-std::ldexp(1.0f, -26)), 0x8000);
  EXPECT_EQ(fp::floatToHalfRN(1.0f + std::ldexp(1.0f, -11)), 0x3c00);
  EXPECT_EQ(fp::floatToHalfRN(1.0f + 3 * std::ldexp(1.0f, -11)), 0x3c02);
  EXPECT_EQ(fp::floatToHalfRN(std::ldexp(1.0f, -14)), 0x0400); // min normal
  EXPECT_EQ(fp::floatToHalfRN(std::ldexp(1023.5f, -24)), 0x0400);
  EXPECT_EQ(fp::floatToHalfRN(1e-40f), 0x0000);
  EXPECT_EQ(fp::floatToHalfRN(INFINITY), 0x7c00);
  EXPECT_TRUE(fp::halfIsNaN(fp::floatToHalfRN(NAN)));
  // Directed modes and saturation.
  const double x = 1.0 + std::ldexp(1.0, -12);
  EXPECT_EQ(fp::toHalf(x, Round::RP), 0x3c01);
  EXPECT_EQ(fp::toHalf(x, Round::RZ), 0x3c00);
  EXPECT_EQ(fp::toHalf(-x, Round::RM), 0xbc01);
  EXPECT_EQ(fp::toHalf(-x, Round::RP), 0xbc00);
  EXPECT_EQ(fp::toHalf(1e6, Round::RZ), 0x7bff);
  EXPECT_EQ(fp::toHalf(1e6, Round::RN), 0x7c00);
  EXPECT_EQ(fp::toHalf(1e6, Round::RN, /*satfinite=*/true), 0x7bff);
  EXPECT_EQ(fp::toHalf(-INFINITY, Round::RN, true), 0xfbff);
  // Double -> half rounds once (no double rounding through f32):
  // 1 + 2^-11 + 2^-40 is just above a tie.
  EXPECT_EQ(fp::toHalf(1.0 + std::ldexp(1.0, -11) + std::ldexp(1.0, -40),
                       Round::RN),
            0x3c01);
}

TEST(FloatTest, FastHalfAndBF16ConversionsMatchTheGenericRounding) {
  std::mt19937 rng(1234);
  for (int i = 0; i < 2000000; ++i) {
    uint32_t bits = rng();
    // Concentrate on the f16 range half of the time.
    if (i & 1)
      bits = (bits & 0x80ffffffu) | ((uint32_t)(96 + (rng() % 48)) << 23);
    const float f = fp::floatOf(bits);
    if (std::isnan(f))
      continue;
    ASSERT_EQ(fp::floatToHalfRN(f), fp::toHalf(f, Round::RN)) << bits;
    ASSERT_EQ(fp::floatToBF16RN(f), fp::toBF16(f, Round::RN)) << bits;
  }
}

TEST(FloatTest, BFloat16EdgeCases) {
  EXPECT_EQ(fp::floatToBF16RN(1.0f), 0x3f80);
  EXPECT_EQ(fp::floatToBF16RN(1.0f + std::ldexp(1.0f, -8)), 0x3f80); // tie
  EXPECT_EQ(fp::floatToBF16RN(1.0f + 3 * std::ldexp(1.0f, -8)), 0x3f82);
  EXPECT_EQ(fp::floatToBF16RN(3.3895314e38f), 0x7f7f); // max finite
  EXPECT_EQ(fp::floatToBF16RN(3.4028235e38f), 0x7f80); // rounds to inf
  EXPECT_EQ(fp::floatToBF16RN(-0.0f), 0x8000);
  EXPECT_EQ(fp::floatToBF16RN(std::ldexp(1.0f, -133)), 0x0001); // subnormal
  EXPECT_TRUE(fp::bf16IsNaN(fp::floatToBF16RN(NAN)));
  EXPECT_EQ(fp::toBF16(1.0 + std::ldexp(1.0, -9), Round::RP), 0x3f81);
  EXPECT_EQ(fp::toBF16(1.0 + std::ldexp(1.0, -9), Round::RZ), 0x3f80);
  EXPECT_EQ(fp::bf16ToFloat(0x4049), 3.140625f);
}

TEST(FloatTest, PublicConvertersAreTheExactOnes) {
  EXPECT_EQ(floatToHalf(0.1f), 0x2e66);
  EXPECT_EQ(halfToFloat(0x2e66), 0.0999755859375f);
  EXPECT_EQ(doubleToHalf(0.1), 0x2e66);
  EXPECT_EQ(floatToBFloat16(0.1f), 0x3dcd);
  EXPECT_EQ(doubleToBFloat16(0.1), 0x3dcd);
  EXPECT_EQ(bfloat16ToFloat(0x3dcd), 0.10009765625f);
}

TEST(FloatTest, FmaF32IsCorrectlyRounded) {
  std::mt19937 rng(99);
  std::uniform_real_distribution<float> u(-4, 4);
  for (int i = 0; i < 200000; ++i) {
    float a = u(rng), b = u(rng), c = u(rng);
    if (i % 3 == 0)
      c = -a * b * (1 + std::ldexp(1.0f, -20)); // heavy cancellation
    ASSERT_EQ(fp::bitsOf(fp::fmaF32RN(a, b, c)), fp::bitsOf(std::fma(a, b, c)))
        << a << " " << b << " " << c;
  }
  // (1 + 2^-23)(1 - 2^-23) - 1 = -2^-46: lost by a separate multiply.
  const float x = 1.0f + std::ldexp(1.0f, -23), y = 1.0f - std::ldexp(1.0f, -23);
  EXPECT_EQ(fp::fmaF32RN(x, y, -1.0f), -std::ldexp(1.0f, -46));
}

TEST(FloatTest, DirectedArithmetic) {
  const float one = 1.0f, tiny = std::ldexp(1.0f, -30);
  EXPECT_EQ(fp::addF32(one, tiny, Round::RP), std::nextafter(1.0f, 2.0f));
  EXPECT_EQ(fp::addF32(one, tiny, Round::RZ), 1.0f);
  EXPECT_EQ(fp::addF32(one, -tiny, Round::RM), std::nextafter(1.0f, 0.0f));
  EXPECT_EQ(fp::addF32(one, -tiny, Round::RN), 1.0f);
  // 3 * 0x3eaaaaab = 1 + 2^-25 exactly.
  EXPECT_EQ(fp::mulF32(3.0f, fp::floatOf(0x3eaaaaabu), Round::RZ), 1.0f);
  EXPECT_EQ(fp::mulF32(3.0f, fp::floatOf(0x3eaaaaabu), Round::RN), 1.0f);
  EXPECT_EQ(fp::mulF32(3.0f, fp::floatOf(0x3eaaaaabu), Round::RP),
            fp::floatOf(0x3f800001u));
  EXPECT_EQ(fp::mulF32(-3.0f, fp::floatOf(0x3eaaaaabu), Round::RM),
            -fp::floatOf(0x3f800001u));
  // 1/3 lies between 0x3eaaaaaa and 0x3eaaaaab.
  EXPECT_EQ(fp::divF32(1.0f, 3.0f, Round::RP), fp::floatOf(0x3eaaaaabu));
  EXPECT_EQ(fp::divF32(1.0f, 3.0f, Round::RM), fp::floatOf(0x3eaaaaaau));
  EXPECT_EQ(fp::divF32(1.0f, 3.0f, Round::RZ), fp::floatOf(0x3eaaaaaau));
  // Exact zero sums are -0 in round-down mode.
  EXPECT_TRUE(std::signbit(fp::addF32(1.0f, -1.0f, Round::RM)));
  EXPECT_FALSE(std::signbit(fp::addF32(1.0f, -1.0f, Round::RP)));
  EXPECT_EQ(fp::u64ToF32(UINT64_MAX, Round::RZ), fp::floatOf(0x5f7fffffu));
  EXPECT_EQ(fp::u64ToF32(UINT64_MAX, Round::RN), 18446744073709551616.0f);
  EXPECT_EQ(fp::i64ToF32(-(int64_t(1) << 62) - 1, Round::RM),
            -std::nextafter(std::ldexp(1.0f, 62), INFINITY));
  EXPECT_EQ(fp::u64ToF64((1ull << 53) + 1, Round::RP), 9007199254740994.0);
  EXPECT_EQ(fp::u64ToF64((1ull << 53) + 1, Round::RN), 9007199254740992.0);
}

TEST(FloatTest, FloatToIntegerSaturatesAndMapsNaNToZero) {
  EXPECT_EQ(fp::floatToSigned(2.5, Round::RN, 32), 2);
  EXPECT_EQ(fp::floatToSigned(3.5, Round::RN, 32), 4);
  EXPECT_EQ(fp::floatToSigned(-2.5, Round::RN, 32), -2);
  EXPECT_EQ(fp::floatToSigned(-2.5, Round::RM, 32), -3);
  EXPECT_EQ(fp::floatToSigned(-2.5, Round::RZ, 32), -2);
  EXPECT_EQ(fp::floatToSigned(2.1, Round::RP, 32), 3);
  EXPECT_EQ(fp::floatToSigned(3e9, Round::RZ, 32), INT32_MAX);
  EXPECT_EQ(fp::floatToSigned(-3e9, Round::RZ, 32), INT32_MIN);
  EXPECT_EQ(fp::floatToSigned(NAN, Round::RZ, 32), 0);
  EXPECT_EQ(fp::floatToSigned(1e30, Round::RZ, 64), INT64_MAX);
  EXPECT_EQ(fp::floatToSigned(200.0, Round::RZ, 8), 127);
  EXPECT_EQ(fp::floatToUnsigned(-1.0, Round::RZ, 32), 0u);
  EXPECT_EQ(fp::floatToUnsigned(-0.4, Round::RN, 32), 0u);
  EXPECT_EQ(fp::floatToUnsigned(5e9, Round::RN, 32), 0xffffffffu);
  EXPECT_EQ(fp::floatToUnsigned(INFINITY, Round::RN, 16), 0xffffu);
}
