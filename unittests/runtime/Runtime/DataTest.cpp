//===- DataTest.cpp - .npy files, data sets and batches -------------------===//

#include "TestSteps.h"

#include "mpt-tooling/Data.h"
#include "mpt-runtime/Init.h"

#include <cstring>
#include <sys/stat.h>

using namespace mpt::rt;
using namespace mpt::rt::test;

TEST(DataTest, NpyHeadersAreNumpysByteForByte) {
  // np.lib.format.write_array(f, np.zeros((1437, 8, 8, 1), np.float32),
  // version=(1, 0)): the header numpy writes, padded to 128 bytes.
  std::string header = serializeNpy(DType::F32, {1437, 8, 8, 1}, "")
                           .substr(0, 128);
  std::string want = std::string("\x93NUMPY\x01\x00v\x00", 10) +
                     "{'descr': '<f4', 'fortran_order': False, 'shape': "
                     "(1437, 8, 8, 1), }";
  want.append(127 - want.size(), ' ');
  want += '\n';
  EXPECT_EQ(header, want);
  EXPECT_EQ(serializeNpy(DType::I32, {1437}, "").substr(10, 60),
            "{'descr': '<i4', 'fortran_order': False, 'shape': (1437,), }");
  EXPECT_EQ(serializeNpy(DType::F16, {}, std::string("\x00\x3c", 2)).size(), 130u);
}

TEST(DataTest, NpyRoundTripsEveryType) {
  for (DType t : {DType::F32, DType::F16, DType::BF16, DType::F64, DType::I1,
                  DType::I8, DType::I32, DType::I64}) {
    std::string data(6 * dtypeSize(t), '\0');
    for (size_t i = 0; i < data.size(); ++i)
      data[i] = static_cast<char>(t == DType::I1 ? (i & 1) : i * 7);
    Expected<NpyArray> a = parseNpy(serializeNpy(t, {2, 3}, data), "a.npy");
    ASSERT_TRUE(a.ok()) << a.message();
    EXPECT_EQ(a->dtype, t);
    EXPECT_EQ(a->shape, (std::vector<int64_t>{2, 3}));
    EXPECT_EQ(a->data, data);
  }
}

TEST(DataTest, NpyErrorsNameTheFile) {
  std::string good = serializeNpy(DType::F32, {2}, std::string(8, '\0'));
  auto withDescr = [&](const std::string &descr) {
    std::string s = good;
    s.replace(s.find("<f4"), 3, descr);
    return s;
  };
  EXPECT_EQ(parseNpy("PK\x03\x04", "x.npy").message(), "x.npy: not a .npy file");
  EXPECT_EQ(parseNpy(withDescr(">f4"), "x.npy").message(),
            "x.npy: dtype '>f4' is not supported (big-endian); use "
            "float32/float16/float64, int8/int32/int64 or bool");
  EXPECT_EQ(parseNpy(withDescr("<c8"), "x.npy").message(),
            "x.npy: dtype '<c8' is not supported; use float32/float16/float64, "
            "int8/int32/int64 or bool");
  std::string fortran = good;
  fortran.replace(fortran.find("False"), 5, "True ");
  EXPECT_EQ(parseNpy(fortran, "x.npy").message(),
            "x.npy: Fortran-order arrays are not supported (save with "
            "np.ascontiguousarray)");
  EXPECT_EQ(parseNpy(good.substr(0, good.size() - 1), "x.npy").message(),
            "x.npy: truncated .npy data (7 of 8 bytes for float32 [2])");
  EXPECT_EQ(parseNpy(good + "xx", "x.npy").message(),
            "x.npy: corrupt .npy file (2 bytes after the data)");
  // Version 2.0 headers (4-byte length) are read too.
  std::string v2 = good;
  v2[6] = 2;
  v2.insert(10, 2, '\0');
  Expected<NpyArray> a = parseNpy(v2, "v2.npy");
  ASSERT_TRUE(a.ok()) << a.message();
  EXPECT_EQ(a->shape, std::vector<int64_t>{2});
}

TEST(DataTest, SplitsAreCheckedAgainstTheInputs) {
  auto s = session(artifact("linear"));
  std::vector<const TensorSpec *> in = s->inputSpecs();
  Split split;
  NpyArray x;
  x.dtype = DType::F32;
  x.shape = {40, 8, 8, 1};
  x.data.resize(40 * 64 * 4);
  NpyArray y;
  y.dtype = DType::I32;
  y.shape = {40};
  y.data.resize(40 * 4);
  split.arrays["x"] = x;
  EXPECT_EQ(checkSplit(split, in, "d/train").message(),
            "missing d/train/y.npy (input 'y', i32[32])");
  split.arrays["y"] = y;
  EXPECT_TRUE(checkSplit(split, in, "d/train").ok());
  split.arrays["y"].dtype = DType::I64;
  EXPECT_EQ(checkSplit(split, in, "d/train").message(),
            "d/train/y.npy: expected int32 [N] (input 'y', i32[32], N "
            "samples), got int64 [40]");
  split.arrays["y"] = y;
  split.arrays["x"].shape = {40, 64};
  EXPECT_EQ(checkSplit(split, in, "d/train").message(),
            "d/train/x.npy: expected float32 [N, 8, 8, 1] (input 'x', f32[32, "
            "8, 8, 1], N samples), got float32 [40, 64]");
  EXPECT_EQ(*batchSize(in, "train_step"), 32);
}

TEST(DataTest, BatchesAreConsecutiveAndWrapAround) {
  // sgd: x f32[2, 4]; 5 samples give 2 full batches: 0-1, 2-3, 0-1, ...
  auto s = session(artifact("sgd"));
  Split split;
  NpyArray x;
  x.dtype = DType::F32;
  x.shape = {5, 4};
  std::vector<float> v(20);
  for (int i = 0; i < 20; ++i)
    v[i] = static_cast<float>(i);
  x.data.assign(reinterpret_cast<const char *>(v.data()), 80);
  split.arrays["x"] = x;
  split.count = 5;
  EXPECT_EQ(batchesPerEpoch(split, 2), 2);
  float w0[4];
  ASSERT_TRUE(s->readState("w", w0, 16).ok());
  for (uint64_t b : {0u, 1u, 2u, 3u}) {
    ASSERT_TRUE(bindBatch(*s, split, 2, b, false).ok());
    ASSERT_TRUE(s->initializeState().ok());
    Expected<StepResult> r = s->step();
    ASSERT_TRUE(r.ok());
    // loss = sum_i w_i * mean(x[first + 0][i], x[first + 1][i])
    int first = static_cast<int>(b % 2) * 2;
    float loss = 0;
    for (int i = 0; i < 4; ++i)
      loss += w0[i] * ((v[first * 4 + i] + v[first * 4 + 4 + i]) * 0.5f);
    EXPECT_EQ(r->loss, loss) << b;
  }
}

TEST(DataTest, SyntheticFollowsTheInitRng) {
  auto s = session(artifact("linear"));
  SyntheticOptions o;
  o.seed = 11;
  o.trainSamples = 64;
  o.testSamples = 32;
  Expected<Dataset> d = makeSynthetic(s->inputSpecs(), o);
  ASSERT_TRUE(d.ok()) << d.message();
  EXPECT_EQ(d->train.count, 64);
  ASSERT_TRUE(d->test.has_value());
  EXPECT_EQ(d->test->count, 32);
  // x continues one stream: test sample 0 is element 64 * 64 of seed 11.
  float x0;
  std::memcpy(&x0, d->test->arrays["x"].data.data(), 4);
  EXPECT_EQ(x0, static_cast<float>(uniform01At(11, 64 * 64)));
  const NpyArray &y = d->train.arrays["y"];
  for (int i = 0; i < 64; ++i) {
    int32_t label;
    std::memcpy(&label, y.data.data() + 4 * i, 4);
    ASSERT_GE(label, 0);
    ASSERT_LT(label, 10);
  }
}

TEST(DataTest, DigitsFollowTheFrontendsSplit) {
  struct stat st;
  if (::stat(digitsCandidates().back().c_str(), &st) != 0 &&
      ::stat("/usr/lib/python3/dist-packages/sklearn/datasets/data/"
             "digits.csv.gz",
             &st) != 0)
    GTEST_SKIP() << "python3-sklearn's digits.csv.gz is not installed";
  auto s = session(artifact("linear"));
  Expected<Dataset> d = loadDigits(s->inputSpecs());
  ASSERT_TRUE(d.ok()) << d.message();
  EXPECT_EQ(d->train.count, 1437);
  EXPECT_EQ(d->test->count, 360);
  // The first row of the CSV: 0,0,5,13,9,1,0,0,... label 0.
  const float *x = reinterpret_cast<const float *>(d->train.arrays["x"].data.data());
  EXPECT_EQ(x[2], 5.0f / 16);
  EXPECT_EQ(x[3], 13.0f / 16);
  int32_t y0;
  std::memcpy(&y0, d->train.arrays["y"].data.data(), 4);
  EXPECT_EQ(y0, 0);
  auto sgd = session(artifact("sgd"));
  EXPECT_EQ(loadDigits(sgd->inputSpecs()).message(),
            "--data digits needs one float input (samples) and one integer "
            "input (class labels)");
}

TEST(DataTest, InputsWithoutABatchAxisAreErrorsNotOutOfBoundsReads) {
  // loadDigits read x->shape[0] before checking that the shape has one, and
  // checkSplit read the sample count of a 0-d array.
  TensorSpec x, y;
  x.name = "x";
  x.role = Role::Input;
  x.dtype = DType::F32;
  y.name = "y";
  y.role = Role::Input;
  y.dtype = DType::I32;
  y.shape = {4};
  std::vector<const TensorSpec *> in = {&x, &y};
  EXPECT_EQ(loadDigits(in, "/nonexistent.csv.gz").message(),
            "--data digits: input 'x' (f32[]) must hold 64 pixels (8x8) per "
            "sample");
  x.shape = {0, 64};
  EXPECT_EQ(loadDigits(in, "/nonexistent.csv.gz").message(),
            "--data digits: input 'x' (f32[0, 64]) must hold 64 pixels (8x8) "
            "per sample");
  x.shape = {};
  Split split;
  split.arrays["x"].dtype = DType::F32;
  split.arrays["x"].data = std::string(4, '\0');
  split.arrays["y"].dtype = DType::I32;
  split.arrays["y"].shape = {4};
  split.arrays["y"].data = std::string(16, '\0');
  EXPECT_EQ(checkSplit(split, in, "d/train").message(),
            "input 'x' (f32[]) has no batch dimension to feed samples along");
  NpyArray big;
  big.shape = {INT64_MAX, 2};
  EXPECT_EQ(big.numElements(), -1);
  big.shape = {-1};
  EXPECT_EQ(big.numElements(), -1);
  big.shape = {3, 5};
  EXPECT_EQ(big.numElements(), 15);
}
