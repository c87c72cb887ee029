//===- CollectiveTest.cpp - The all-reduce and the collective backends ----===//
//
// The all-reduce's arithmetic against hand-computed values, through a fake
// transport that plays rank `rank` of `size` ranks whose other ranks hold
// fixed data: each rank reduces one slice of the packed buffers, so running
// the fake as every rank in turn checks every element. The MPI backend's
// errors without Open MPI.
//
//===----------------------------------------------------------------------===//

#include "mpt-runtime/Collective.h"
#include "mpt-runtime/DType.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>

using namespace mpt::rt;

namespace {

/// Rank `rank` of `others.size()` ranks; `others[j]` is rank j's packed
/// buffer (its own entry is ignored: the rank sends what allReduce packs).
/// allGather returns this rank's slice in its place and NaN bytes elsewhere.
class FakeCollective : public Collective {
public:
  FakeCollective(int rank, std::vector<std::string> others)
      : rank_(rank), others_(std::move(others)) {}
  std::string name() const override { return "fake"; }
  std::string description() const override { return "fake"; }
  int rank() const override { return rank_; }
  int size() const override { return static_cast<int>(others_.size()); }
  Status allToAll(const void *send, void *recv, size_t bytes) override {
    for (int j = 0; j < size(); ++j) {
      std::string padded = others_[j];
      padded.resize(bytes * size(), '\0');
      const char *from =
          j == rank_ ? static_cast<const char *>(send) : padded.data();
      std::memcpy(static_cast<char *>(recv) + j * bytes, from + rank_ * bytes,
                  bytes);
    }
    return Status::success();
  }
  Status allGather(const void *send, void *recv, size_t bytes) override {
    std::memset(recv, 0xff, bytes * size());
    std::memcpy(static_cast<char *>(recv) + rank_ * bytes, send, bytes);
    return Status::success();
  }
  Status broadcast(void *, size_t, int) override { return Status::success(); }
  Status barrier() override { return Status::success(); }

private:
  int rank_;
  std::vector<std::string> others_;
};

std::string halves(std::initializer_list<double> values) {
  std::string out;
  for (double v : values) {
    uint16_t h = doubleToHalfBits(v);
    out.append(reinterpret_cast<const char *>(&h), 2);
  }
  return out;
}

std::string floats(std::initializer_list<float> values) {
  return std::string(reinterpret_cast<const char *>(values.begin()),
                     values.size() * sizeof(float));
}

} // namespace

// Three ranks hold 1, 2^-11 and 2^-11. In FP32 the sum is 1 + 2^-10, which
// f16 holds exactly; rounding after every addition loses both halves of
// an ulp (1 + 2^-11 is a tie, rounded to even: 1).
TEST(CollectiveTest, HalfSumsInFP32OrInHalf) {
  const double tiny = 1.0 / 2048;
  std::vector<std::string> data = {halves({1.0}), halves({tiny}),
                                   halves({tiny})};
  FakeCollective rank0(0, data);
  for (bool fp32 : {true, false}) {
    std::string mine = data[0];
    ASSERT_TRUE(
        rank0.allReduce({{mine.data(), 1}}, DType::F16, ReduceKind::Sum, fp32)
            .ok());
    uint16_t bits;
    std::memcpy(&bits, mine.data(), 2);
    EXPECT_EQ(halfBitsToDouble(bits), fp32 ? 1.0 + 1.0 / 1024 : 1.0)
        << "fp32Accumulate " << fp32;
  }
}

// Four ranks, two buffers of 3 and 2 f32 values (5 elements: slices of 2,
// the last padded): the mean of 1, 2, 3, 4 times the element's index + 1,
// checked slice by slice by playing every rank.
TEST(CollectiveTest, MeanOverSlicesOfSeveralBuffers) {
  std::vector<std::string> data;
  for (int r = 0; r < 4; ++r) {
    float f = static_cast<float>(r + 1);
    data.push_back(floats({f, 2 * f, 3 * f, 4 * f, 5 * f}));
  }
  for (int r = 0; r < 4; ++r) {
    FakeCollective c(r, data);
    float a[3], b[2];
    std::memcpy(a, data[r].data(), 12);
    std::memcpy(b, data[r].data() + 12, 8);
    ASSERT_TRUE(
        c.allReduce({{a, 3}, {b, 2}}, DType::F32, ReduceKind::Mean, true).ok());
    float all[5] = {a[0], a[1], a[2], b[0], b[1]};
    // (1 + 2 + 3 + 4) / 4 = 2.5 times (i + 1), in the slice of rank r.
    for (int i = 2 * r; i < std::min(2 * r + 2, 5); ++i)
      EXPECT_EQ(all[i], 2.5f * static_cast<float>(i + 1))
          << "rank " << r << " element " << i;
    EXPECT_EQ(c.stats().allReduces, 1u);
    EXPECT_EQ(c.stats().bytes, 20u);
  }
}

// bf16: 1 + 2^-8 + 2^-8 summed in FP32 is 1 + 2^-7 (exact in bf16); the
// mean over 3 ranks rounds (1 + 2^-7) / 3 once.
TEST(CollectiveTest, BF16MeanRoundsOnce) {
  auto bf = [](double v) {
    uint16_t b = doubleToBF16Bits(v);
    return std::string(reinterpret_cast<const char *>(&b), 2);
  };
  std::vector<std::string> data = {bf(1.0), bf(1.0 / 256), bf(1.0 / 256)};
  FakeCollective c(0, data);
  std::string mine = data[0];
  ASSERT_TRUE(
      c.allReduce({{mine.data(), 1}}, DType::BF16, ReduceKind::Mean, true)
          .ok());
  uint16_t bits;
  std::memcpy(&bits, mine.data(), 2);
  float third = (1.0f + 1.0f / 128) / 3.0f;
  EXPECT_EQ(bits, doubleToBF16Bits(third));
}

TEST(CollectiveTest, SingleProcessReturnsItsInput) {
  Expected<std::unique_ptr<Collective>> c = createCollective("single");
  ASSERT_TRUE(c.ok()) << c.message();
  float x[3] = {1.5f, -2.0f, 3.25f};
  ASSERT_TRUE(
      (*c)->allReduce({{x, 3}}, DType::F32, ReduceKind::Mean, true).ok());
  EXPECT_EQ(x[0], 1.5f);
  EXPECT_EQ(x[1], -2.0f);
  EXPECT_EQ(x[2], 3.25f);
  EXPECT_EQ((*c)->size(), 1);
  EXPECT_FALSE(
      (*c)->allReduce({{x, 3}}, DType::I32, ReduceKind::Sum, true).ok());
}

TEST(CollectiveTest, UnknownCollectiveIsRefused) {
  Expected<std::unique_ptr<Collective>> c = createCollective("nccl");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.message(), "unknown collective 'nccl' (single, mpi or auto)");
}

// Without Open MPI (a missing library, or a library that is not MPI) the
// backend says so in one line; MPT_MPI_LIBRARY is restored afterwards.
TEST(CollectiveTest, MpiBackendWithoutOpenMpi) {
  const char *old = std::getenv("MPT_MPI_LIBRARY");
  std::string saved = old ? old : "";
  ::setenv("MPT_MPI_LIBRARY", "/nonexistent/libmpi.so.40", 1);
  Expected<std::unique_ptr<Collective>> missing = createCollective("mpi");
  ::setenv("MPT_MPI_LIBRARY", "libm.so.6", 1);
  Expected<std::unique_ptr<Collective>> notMpi = createCollective("mpi");
  if (old)
    ::setenv("MPT_MPI_LIBRARY", saved.c_str(), 1);
  else
    ::unsetenv("MPT_MPI_LIBRARY");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.message().find("collective mpi: cannot load the MPI "
                                   "library (/nonexistent/libmpi.so.40"),
            std::string::npos)
      << missing.message();
  EXPECT_NE(missing.message().find("install Open MPI"), std::string::npos);
  ASSERT_FALSE(notMpi.ok());
  EXPECT_EQ(notMpi.message(),
            "collective mpi: libm.so.6 lacks MPI_Initialized: it is not Open "
            "MPI (mpt's MPI backend uses Open MPI's binary interface; MPICH "
            "is not supported)");
}
