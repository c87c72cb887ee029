//===- CastFoldTest.cpp - constant folding of mpt.cast --------------------===//
//
// Folds mpt.cast of constants and compares every result bit for bit with an
// independent, integer-only reference conversion (round to nearest, ties to
// even) written here from the IEEE 754 definitions.
//
//===----------------------------------------------------------------------===//

#include "mpt/Dialect/MPT/IR/MPTDialect.h"
#include "mpt/Dialect/MPT/IR/MPTOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"

#include "gtest/gtest.h"

#include <cstring>

using namespace mlir;

namespace {

uint32_t bitsOf(float f) {
  uint32_t u;
  std::memcpy(&u, &f, sizeof(u));
  return u;
}

float floatOf(uint32_t u) {
  float f;
  std::memcpy(&f, &u, sizeof(f));
  return f;
}

/// f32 -> f16 bits, round to nearest even, from the bit patterns alone.
uint16_t referenceToF16(float value) {
  uint32_t x = bitsOf(value);
  uint16_t sign = (x >> 16) & 0x8000;
  uint32_t exponent = (x >> 23) & 0xff;
  uint32_t mantissa = x & 0x7fffff;
  if (exponent == 0xff)
    return sign | 0x7c00 | (mantissa ? 0x200 : 0);
  // Work with the value as an integer significand (24 bits with the hidden
  // one) times 2^(e - 150), then shift it to the f16 grid.
  int32_t e = static_cast<int32_t>(exponent) - 127;
  uint64_t significand = exponent ? (mantissa | 0x800000) : mantissa;
  if (!exponent)
    e = -126;
  // f16 keeps 10 fraction bits for e >= -14 and a fixed grid of 2^-24 below.
  int32_t shift = (e >= -14) ? 13 : 13 + (-14 - e);
  if (shift > 40)
    return sign;
  uint64_t kept = significand >> shift;
  uint64_t rest = significand & ((uint64_t(1) << shift) - 1);
  uint64_t half = uint64_t(1) << (shift - 1);
  if (rest > half || (rest == half && (kept & 1)))
    ++kept;
  // kept is now the f16 significand on the grid of this exponent.
  if (e >= -14) {
    int32_t biased = e + 15;
    if (kept >= 0x800) { // rounding carried into the next binade
      kept >>= 1;
      ++biased;
    }
    if (biased >= 31)
      return sign | 0x7c00;
    return sign | static_cast<uint16_t>(biased << 10) |
           static_cast<uint16_t>(kept & 0x3ff);
  }
  // Subnormal (possibly rounded up to the smallest normal, which the bit
  // pattern represents correctly by itself).
  return sign | static_cast<uint16_t>(kept);
}

/// f32 -> bf16 bits, round to nearest even.
uint16_t referenceToBF16(float value) {
  uint32_t x = bitsOf(value);
  if ((x & 0x7fffffff) > 0x7f800000)
    return static_cast<uint16_t>((x >> 16) | 0x40);
  uint32_t lower = x & 0xffff;
  uint32_t upper = x >> 16;
  if (lower > 0x8000 || (lower == 0x8000 && (upper & 1)))
    ++upper;
  return static_cast<uint16_t>(upper);
}

class CastFoldTest : public ::testing::Test {
protected:
  CastFoldTest() {
    context.loadDialect<mpt::MPTDialect, arith::ArithDialect>();
  }

  /// Folds mpt.cast of a dense f32 constant to `target` and returns the raw
  /// 16-bit results.
  std::vector<uint16_t> foldTo(Type target, ArrayRef<float> values) {
    OpBuilder b(&context);
    Location loc = b.getUnknownLoc();
    OwningOpRef<ModuleOp> module = ModuleOp::create(loc);
    b.setInsertionPointToEnd(module->getBody());
    auto sourceType =
        RankedTensorType::get({static_cast<int64_t>(values.size())},
                              b.getF32Type());
    auto constant = arith::ConstantOp::create(
        b, loc, DenseElementsAttr::get(sourceType, values));
    auto cast = mpt::CastOp::create(
        b, loc, RankedTensorType::get(sourceType.getShape(), target),
        constant.getResult());
    SmallVector<OpFoldResult> folded;
    EXPECT_TRUE(succeeded(cast->fold(folded)));
    EXPECT_EQ(folded.size(), 1u);
    auto attr = dyn_cast<DenseFPElementsAttr>(
        dyn_cast<Attribute>(folded.front()));
    EXPECT_TRUE(attr);
    std::vector<uint16_t> bits;
    for (APFloat v : attr.getValues<APFloat>())
      bits.push_back(
          static_cast<uint16_t>(v.bitcastToAPInt().getZExtValue()));
    return bits;
  }

  MLIRContext context;
};

/// Values that exercise the rounding edges: ties, overflow, subnormals.
std::vector<float> edgeValues() {
  std::vector<float> values = {
      0.0f, -0.0f, 1.0f, -1.0f, 0.1f, 3.14159265f, 65504.0f, 65519.0f,
      65520.0f, 65536.0f, 1e10f, -1e10f, 5.96e-8f, 2.98e-8f, 2.99e-8f,
      1e-8f, 6.1e-5f, 6.09e-5f, 1.0009765625f /* 1 + 2^-10 */,
      1.00048828125f /* 1 + 2^-11: tie, rounds to even 1.0 */,
      1.00146484375f /* 1 + 3 * 2^-11: tie, rounds to even 1 + 2^-9 */,
      std::numeric_limits<float>::infinity(),
      -std::numeric_limits<float>::infinity(),
      std::numeric_limits<float>::denorm_min(),
      std::numeric_limits<float>::max(), 1.00390625f /* bf16 tie */,
      1.01171875f /* bf16 tie, rounds up */};
  // A deterministic sweep across the whole f32 range.
  uint32_t state = 12345;
  for (int i = 0; i < 2000; ++i) {
    state = state * 1664525u + 1013904223u;
    uint32_t bits = state;
    if (((bits >> 23) & 0xff) == 0xff)
      continue; // NaN payloads are checked separately
    values.push_back(floatOf(bits));
  }
  return values;
}

TEST_F(CastFoldTest, F32ToF16MatchesReference) {
  std::vector<float> values = edgeValues();
  std::vector<uint16_t> bits = foldTo(Float16Type::get(&context), values);
  ASSERT_EQ(bits.size(), values.size());
  for (size_t i = 0; i < values.size(); ++i)
    EXPECT_EQ(bits[i], referenceToF16(values[i]))
        << "value " << values[i] << " (bits 0x" << std::hex
        << bitsOf(values[i]) << ")";
}

TEST_F(CastFoldTest, F32ToBF16MatchesReference) {
  std::vector<float> values = edgeValues();
  std::vector<uint16_t> bits = foldTo(BFloat16Type::get(&context), values);
  ASSERT_EQ(bits.size(), values.size());
  for (size_t i = 0; i < values.size(); ++i)
    EXPECT_EQ(bits[i], referenceToBF16(values[i]))
        << "value " << values[i] << " (bits 0x" << std::hex
        << bitsOf(values[i]) << ")";
}

TEST_F(CastFoldTest, HandPickedF16Values) {
  // Published facts: 65504 is the largest f16, 65520 rounds to infinity,
  // 2^-24 is the smallest subnormal.
  std::vector<uint16_t> bits = foldTo(
      Float16Type::get(&context),
      {65504.0f, 65520.0f, 0x1p-24f, 0x1p-25f, 0x1.8p-25f, 1e-8f});
  EXPECT_EQ(bits[0], 0x7bff);
  EXPECT_EQ(bits[1], 0x7c00);
  EXPECT_EQ(bits[2], 0x0001);
  EXPECT_EQ(bits[3], 0x0000); // exact tie with 0 rounds to even (0)
  EXPECT_EQ(bits[4], 0x0001); // 1.5 * 2^-25 rounds up
  EXPECT_EQ(bits[5], 0x0000); // 1e-8 flushes to zero in f16
}

TEST_F(CastFoldTest, NaNStaysNaN) {
  std::vector<uint16_t> half = foldTo(Float16Type::get(&context),
                                      {std::nanf("")});
  EXPECT_EQ(half[0] & 0x7c00, 0x7c00);
  EXPECT_NE(half[0] & 0x3ff, 0);
  std::vector<uint16_t> brain = foldTo(BFloat16Type::get(&context),
                                       {std::nanf("")});
  EXPECT_EQ(brain[0] & 0x7f80, 0x7f80);
  EXPECT_NE(brain[0] & 0x7f, 0);
}

TEST(CastLosslessTest, OnlyWideningToF32IsLossless) {
  MLIRContext context;
  Builder b(&context);
  EXPECT_TRUE(mpt::CastOp::isLossless(b.getF16Type(), b.getF32Type()));
  EXPECT_TRUE(mpt::CastOp::isLossless(b.getBF16Type(), b.getF32Type()));
  EXPECT_TRUE(mpt::CastOp::isLossless(b.getF32Type(), b.getF32Type()));
  EXPECT_FALSE(mpt::CastOp::isLossless(b.getF32Type(), b.getF16Type()));
  EXPECT_FALSE(mpt::CastOp::isLossless(b.getF16Type(), b.getBF16Type()));
  EXPECT_FALSE(mpt::CastOp::isLossless(b.getBF16Type(), b.getF16Type()));
}

} // namespace
