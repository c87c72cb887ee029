//===- CheckpointTest.cpp - The checkpoint container ----------------------===//
//
// Every field of a checkpoint is checked: reserved fields and padding are
// zero, codes are known, sizes agree with shapes, names are valid. Each
// damaged file here has a correct checksum, so only the field is wrong.
//
//===----------------------------------------------------------------------===//

#include "mpt-runtime/Checkpoint.h"
#include "mpt-runtime/FileIO.h"

#include "gtest/gtest.h"

#include <cstring>
#include <functional>

using namespace mpt::rt;

namespace {
TensorSpec spec(std::string name, Role role, DType dtype,
                std::vector<int64_t> shape) {
  TensorSpec t;
  t.name = std::move(name);
  t.role = role;
  t.dtype = dtype;
  t.shape = std::move(shape);
  return t;
}

/// Two tensors: w f32[3] (param; 12 bytes of data, 4 of padding) and
/// loss_scale.scale f32[] (loss_scale_state), at step 5.
std::string sample() {
  std::string out;
  CheckpointWriter w(out, 2, 5);
  float wv[3] = {1, 2, 3}, scale = 65536;
  std::memcpy(w.addTensor(spec("w", Role::Param, DType::F32, {3})), wv, 12);
  std::memcpy(w.addTensor(spec("loss_scale.scale", Role::LossScaleState,
                               DType::F32, {})),
              &scale, 4);
  w.finish();
  return out;
}

/// Offsets in sample(): the first tensor starts after the 40-byte header.
constexpr size_t kW = 40;         // u32 name length
constexpr size_t kWRole = kW + 5; // after "w"
constexpr size_t kWDType = kW + 6;
constexpr size_t kWReserved = kW + 7;
constexpr size_t kWRank = kW + 9;
constexpr size_t kWDim = kW + 13;
constexpr size_t kWBytes = kW + 21;
constexpr size_t kWData = kW + 29;
constexpr size_t kWPadding = kWData + 12;

void put(std::string &s, size_t at, uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i)
    s[at + i] = static_cast<char>((v >> (8 * i)) & 0xff);
}

/// Fixes the size field and the checksum after an edit.
std::string reseal(std::string c) {
  put(c, 16, c.size(), 8);
  put(c, c.size() - 8, crc32(c.data(), c.size() - 8), 4);
  return c;
}
} // namespace

TEST(CheckpointTest, RoundTrips) {
  // The tensors' data are views of the bytes: keep them alive.
  const std::string bytes = sample();
  Expected<CheckpointContents> c = parseCheckpoint(bytes, "c");
  ASSERT_TRUE(c.ok()) << c.message();
  EXPECT_EQ(c->step, 5u);
  ASSERT_EQ(c->tensors.size(), 2u);
  EXPECT_EQ(c->tensors[0].name, "w");
  EXPECT_EQ(c->tensors[0].role, Role::Param);
  EXPECT_EQ(c->tensors[0].typeString(), "f32[3]");
  float w[3];
  ASSERT_EQ(c->tensors[0].data.size(), 12u);
  std::memcpy(w, c->tensors[0].data.data(), 12);
  EXPECT_EQ(w[2], 3.0f);
  EXPECT_EQ(c->tensors[1].typeString(), "f32[]");
  EXPECT_EQ(c->tensors[1].role, Role::LossScaleState);
}

TEST(CheckpointTest, EveryFieldIsChecked) {
  const std::string good = sample();
  struct Case {
    std::function<void(std::string &)> edit;
    std::string message;
  } cases[] = {
      {[](std::string &s) { put(s, 32, 1, 8); },
       "the reserved header field is 1, not 0"},
      {[](std::string &s) { put(s, kWReserved, 0x100, 2); },
       "tensor 'w' has a non-zero reserved field (256)"},
      {[](std::string &s) { put(s, kWRole, 9, 1); },
       "tensor 'w' has role code 9, not a state role"},
      {[](std::string &s) { put(s, kWRole, 5, 1); }, // input
       "tensor 'w' has role code 5, not a state role"},
      {[](std::string &s) { put(s, kWRole, 0, 1); },
       "tensor 'w' has role code 0, not a state role"},
      {[](std::string &s) { put(s, kWDType, 0, 1); },
       "tensor 'w' has the unknown dtype code 0"},
      {[](std::string &s) { put(s, kWDType, 9, 1); },
       "tensor 'w' has the unknown dtype code 9"},
      {[](std::string &s) { s[kWPadding + 1] = '\x01'; },
       "non-zero padding after tensor 'w'"},
      {[](std::string &s) { put(s, kWDim, uint64_t(-3), 8); },
       "tensor 'w' has a negative dimension (f32[-3])"},
      {[](std::string &s) { put(s, kWDim, 2, 8); },
       "tensor 'w' has 12 data bytes, but f32[2] needs 8"},
      {[](std::string &s) { put(s, kWBytes, 8, 8); },
       "tensor 'w' has 8 data bytes, but f32[3] needs 12"},
      {[](std::string &s) { put(s, kWDim, uint64_t(1) << 62, 8); },
       "tensor 'w' (f32[4611686018427387904]) is more than 2^64 bytes"},
      {[](std::string &s) { put(s, kWRank, 65, 4); },
       "tensor 'w' has rank 65 (at most 64)"},
      {[](std::string &s) { s[kW + 4] = '/'; },
       "tensor #0 '/': the name holds a path separator ('/' or '\\')"},
      {[](std::string &s) { s[kW + 4] = '\x1b'; },
       "tensor #0 '\\x1b': the name holds a control character"},
      {[](std::string &s) {
         put(s, kW, 0, 4);
         s.erase(kW + 4, 1);
       },
       "tensor #0 '': the name is empty"},
  };
  for (const Case &c : cases) {
    std::string bad = good;
    c.edit(bad);
    EXPECT_EQ(parseCheckpoint(reseal(bad), "c.ckpt").message(),
              "checkpoint 'c.ckpt': corrupt (" + c.message + ")");
  }
}

TEST(CheckpointTest, ATensorTwiceIsRefused) {
  std::string out;
  CheckpointWriter w(out, 2, 0);
  w.addTensor(spec("w", Role::Param, DType::F32, {1}));
  w.addTensor(spec("w", Role::Param, DType::F32, {1}));
  w.finish();
  EXPECT_EQ(parseCheckpoint(out, "d").message(),
            "checkpoint 'd': corrupt (a state appears twice: 'w')");
}
