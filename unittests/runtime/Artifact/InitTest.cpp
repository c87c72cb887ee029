//===- InitTest.cpp - The init RNG contract shared with python/mpt --------===//
//
// The expected values were produced by the Python frontend
// (python/mpt/init.py: splitmix64_u01 and uniform); test/Runtime/
// init-matches-python.test checks whole tensors against it at test time.
//
//===----------------------------------------------------------------------===//

#include "mpt-runtime/Init.h"

#include "gtest/gtest.h"

#include <cstring>

using namespace mpt::rt;

TEST(InitTest, SplitMix64MatchesTheReferenceStream) {
  // The first output of Vigna's splitmix64.c seeded with 0.
  EXPECT_EQ(splitmix64At(0, 0), 0xE220A8397B1DCDAFull);
  // mpt.init.splitmix64_u01(0, 3), as float.hex().
  EXPECT_EQ(uniform01At(0, 0), 0x1.c4415072f63b9p-1);
  EXPECT_EQ(uniform01At(0, 1), 0x1.b9e279aa86e58p-2);
  EXPECT_EQ(uniform01At(0, 2), 0x1.b117462002500p-6);
}

static std::vector<uint32_t> uniformBits(uint64_t seed, double lo, double hi,
                                         int n) {
  TensorSpec t;
  t.name = "t";
  t.role = Role::Param;
  t.dtype = DType::F32;
  t.shape = {n};
  t.init = InitSpec::uniform(lo, hi, seed);
  std::vector<uint32_t> out(n);
  EXPECT_TRUE(fillInitialValue(t, out.data()).ok());
  return out;
}

TEST(InitTest, UniformF32MatchesPython) {
  // mpt.init.uniform(3633366754287286897, 8, -0.3, 0.3).view(np.uint32)
  EXPECT_EQ(uniformBits(3633366754287286897ull, -0.3, 0.3, 8),
            (std::vector<uint32_t>{0x3e3e7d36, 0x3de381e8, 0xbe64a866,
                                   0x3c3c9cea, 0xbe8c7cab, 0xbe60dbe8,
                                   0x3e69b9a2, 0xbe5f26ce}));
  // The full unsigned range: mpt.init.uniform(2**64 - 1, 4, -1.0, 2.0)
  EXPECT_EQ(uniformBits(18446744073709551615ull, -1.0, 2.0, 4),
            (std::vector<uint32_t>{0x3fd7462a, 0x3fde6ff5, 0xbeaee02e,
                                   0x3e8eb235}));
}

TEST(InitTest, ConstantsZerosAndErrors) {
  TensorSpec t;
  t.name = "c";
  t.dtype = DType::F16;
  t.shape = {3};
  t.init = InitSpec::constant(0.1);
  uint16_t h[3];
  ASSERT_TRUE(fillInitialValue(t, h).ok());
  EXPECT_EQ(h[0], 0x2e66);
  EXPECT_EQ(h[2], 0x2e66);
  t.dtype = DType::I32;
  t.init = InitSpec::constant(-7);
  int32_t i[3];
  ASSERT_TRUE(fillInitialValue(t, i).ok());
  EXPECT_EQ(i[1], -7);
  t.init = InitSpec::zeros();
  ASSERT_TRUE(fillInitialValue(t, i).ok());
  EXPECT_EQ(i[2], 0);
  t.init = InitSpec();
  Status st = fillInitialValue(t, i);
  EXPECT_EQ(st.message(), "state 'c' has no init in the signature table "
                          "(start from a checkpoint instead)");
}

TEST(InitTest, ConvertElementsRoundsOnce) {
  float f[3] = {1.0f + 0x1p-11f, 1.0f + 3 * 0x1p-11f, 65520.0f};
  uint16_t h[3];
  convertElements(DType::F32, f, DType::F16, h, 3);
  EXPECT_EQ(h[0], 0x3c00); // tie to even
  EXPECT_EQ(h[1], 0x3c02);
  EXPECT_EQ(h[2], 0x7c00); // overflow
  uint16_t b[1];
  float g = 1.0f + 0x1p-8f + 0x1p-20f;
  convertElements(DType::F32, &g, DType::BF16, b, 1);
  EXPECT_EQ(b[0], 0x3f81);
  float back[3];
  convertElements(DType::F16, h, DType::F32, back, 3);
  EXPECT_EQ(back[1], 1.0f + 2 * 0x1p-10f);
}
