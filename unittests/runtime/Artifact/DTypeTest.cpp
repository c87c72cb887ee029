//===- DTypeTest.cpp - Element types and RNE conversions ------------------===//
//
// References: numpy's float64 -> float16 conversion (one rounding), the
// hardware's double -> float conversion, and hand-computed bf16 cases.
//
//===----------------------------------------------------------------------===//

#include "mpt-runtime/DType.h"

#include "gtest/gtest.h"

#include <cmath>
#include <cstring>
#include <random>

using namespace mpt::rt;

TEST(DTypeTest, NamesAndSizes) {
  for (DType t : {DType::F32, DType::F16, DType::BF16, DType::F64, DType::I1,
                  DType::I8, DType::I32, DType::I64})
    EXPECT_EQ(parseDType(dtypeName(t)), t);
  EXPECT_FALSE(parseDType("f8").has_value());
  EXPECT_EQ(dtypeSize(DType::I1), 1u);
  EXPECT_EQ(dtypeSize(DType::BF16), 2u);
  EXPECT_EQ(dtypeSize(DType::F64), 8u);
  EXPECT_TRUE(isFloat(DType::BF16));
  EXPECT_TRUE(isInteger(DType::I1));
}

TEST(DTypeTest, HalfRoundsToNearestEvenLikeNumpy) {
  // np.array(x, np.float64).astype(np.float16).view(np.uint16)
  struct Case {
    double x;
    uint16_t bits;
  } cases[] = {
      {1.0, 0x3c00},
      {65504.0, 0x7bff},
      {0x1.ffdffae147ae1p+15, 0x7bff}, // 65519.99: still finite
      {65520.0, 0x7c00},               // the overflow threshold: infinity
      {0x1p-24, 0x0001},               // the smallest subnormal
      {0x1p-25, 0x0000},               // half of it: a tie, to even (zero)
      {0x1.000001ad7f29bp-25, 0x0001}, // just above the tie
      {0x1.8p-24, 0x0002},             // 1.5 subnormal ulps: tie to even
      {0x1.002p+0, 0x3c00},            // 1 + half an ulp: tie to even
      {0x1.006p+0, 0x3c02},            // 1 + 1.5 ulps: tie to even (up)
      {1e-8, 0x0000},
      {-0.0, 0x8000},
      {-65520.0, 0xfc00},
      {INFINITY, 0x7c00},
      {0x1.ffcp-15, 0x0400}, // rounds up into the smallest normal
  };
  for (const Case &c : cases)
    EXPECT_EQ(doubleToHalfBits(c.x), c.bits) << std::hexfloat << c.x;
  uint16_t nan = doubleToHalfBits(NAN);
  EXPECT_EQ(nan & 0x7c00, 0x7c00);
  EXPECT_NE(nan & 0x0200, 0) << "NaN stays a quiet NaN";
}

TEST(DTypeTest, BFloat16RoundsToNearestEven) {
  EXPECT_EQ(doubleToBF16Bits(1.0), 0x3f80);
  EXPECT_EQ(doubleToBF16Bits(1.0 + 0x1p-8), 0x3f80);      // tie -> even
  EXPECT_EQ(doubleToBF16Bits(1.0 + 3 * 0x1p-8), 0x3f82);  // tie -> even (up)
  EXPECT_EQ(doubleToBF16Bits(1.0 + 0x1p-8 + 0x1p-40), 0x3f81);
  // One rounding from double: rounding through float first would give
  // 0x3f80 here (the float rounds to the exact tie, then to even).
  EXPECT_EQ(doubleToBF16Bits(1.0 + 0x1p-8 + 0x1p-30), 0x3f81);
  EXPECT_EQ(doubleToBF16Bits(0x1.fep+127), 0x7f7f);      // largest finite
  EXPECT_EQ(doubleToBF16Bits(0x1.ffp+127), 0x7f80);      // tie above: inf
  EXPECT_EQ(doubleToBF16Bits(0x1p-133), 0x0001);         // smallest subnormal
  EXPECT_EQ(doubleToBF16Bits(-0x1p-134), 0x8000);        // tie to even zero
  EXPECT_EQ(doubleToBF16Bits(-INFINITY), 0xff80);
}

TEST(DTypeTest, GenericRoundingMatchesHardwareFloat) {
  // roundDoubleToBits(x, 8, 23) must equal the CPU's double -> float
  // conversion (RNE) everywhere, including subnormals and overflow.
  std::mt19937_64 rng(1);
  for (int i = 0; i < 200000; ++i) {
    uint64_t bits = rng();
    // Bias exponents towards float's range and its edges.
    int e = static_cast<int>(rng() % 330) - 165 + 1023;
    bits = (bits & 0x800FFFFFFFFFFFFFull) | (uint64_t(e) << 52);
    double x;
    std::memcpy(&x, &bits, 8);
    float f = static_cast<float>(x);
    uint32_t want;
    std::memcpy(&want, &f, 4);
    ASSERT_EQ(roundDoubleToBits(x, 8, 23), want) << std::hexfloat << x;
  }
}

TEST(DTypeTest, NarrowFormatsRoundTripThroughDouble) {
  for (uint32_t h = 0; h < 0x10000; ++h) {
    double d = halfBitsToDouble(static_cast<uint16_t>(h));
    double b = bf16BitsToDouble(static_cast<uint16_t>(h));
    if (std::isnan(d)) {
      EXPECT_TRUE(std::isnan(halfBitsToDouble(doubleToHalfBits(d))));
    } else {
      ASSERT_EQ(doubleToHalfBits(d), h) << h;
      // f16 values are exact in f32: the float path agrees.
      ASSERT_EQ(doubleToHalfBits(static_cast<float>(d)), h);
    }
    if (!std::isnan(b)) {
      ASSERT_EQ(doubleToBF16Bits(b), h) << h;
    }
  }
  EXPECT_EQ(halfBitsToDouble(0x7bff), 65504.0);
  EXPECT_EQ(halfBitsToDouble(0x0001), 0x1p-24);
  EXPECT_EQ(bf16BitsToDouble(0x3f81), 1.0 + 0x1p-7);
}

TEST(DTypeTest, StoreAndLoadElements) {
  unsigned char buf[8];
  storeElement(DType::I1, 5.0, buf);
  EXPECT_EQ(buf[0], 1);
  EXPECT_EQ(loadElement(DType::I1, buf), 1.0);
  storeElement(DType::I8, -3.0, buf);
  EXPECT_EQ(loadElement(DType::I8, buf), -3.0);
  storeElement(DType::I64, -9007199254740992.0, buf);
  EXPECT_EQ(loadElement(DType::I64, buf), -9007199254740992.0);
  storeElement(DType::F16, 0.1, buf);
  uint16_t h;
  std::memcpy(&h, buf, 2);
  EXPECT_EQ(h, 0x2e66);
  storeElement(DType::F32, 0.1, buf);
  EXPECT_EQ(loadElement(DType::F32, buf), static_cast<double>(0.1f));
}

TEST(DTypeTest, IntegerStoresSaturate) {
  // storeElement never converts a double outside the integer's range (that
  // is undefined behaviour): it saturates, and NaN stores 0.
  auto i8 = [](double x) {
    int8_t v;
    storeElement(DType::I8, x, &v);
    return static_cast<int>(v);
  };
  EXPECT_EQ(i8(300), 127);
  EXPECT_EQ(i8(-300), -128);
  EXPECT_EQ(i8(-7.9), -7);
  EXPECT_EQ(i8(NAN), 0);
  auto i32 = [](double x) {
    int32_t v;
    storeElement(DType::I32, x, &v);
    return v;
  };
  EXPECT_EQ(i32(1e10), INT32_MAX);
  EXPECT_EQ(i32(-1e10), INT32_MIN);
  EXPECT_EQ(i32(-INFINITY), INT32_MIN);
  auto i64 = [](double x) {
    int64_t v;
    storeElement(DType::I64, x, &v);
    return v;
  };
  EXPECT_EQ(i64(1e19), INT64_MAX);
  EXPECT_EQ(i64(-1e19), INT64_MIN);
  EXPECT_EQ(i64(-9223372036854775808.0), INT64_MIN);
  EXPECT_EQ(i64(NAN), 0);
  EXPECT_EQ(i64(12345), 12345);
}
