//===- SessionTest.cpp - Sessions: steps, state, evaluation, checkpoints --===//
//
// Expected values come from independent float replays of the C test steps
// (test/Runtime/Inputs), never from the runtime itself.
//
//===----------------------------------------------------------------------===//

#include "TestSteps.h"

#include "mpt-tooling/Data.h"
#include "mpt-runtime/Init.h"

#include <cmath>
#include <cstring>
#include <sys/wait.h>

using namespace mpt::rt;
using namespace mpt::rt::test;

namespace {
uint32_t bitsOf(float f) {
  uint32_t u;
  std::memcpy(&u, &f, 4);
  return u;
}

/// SplitMix64 written out again, independently of Init.cpp.
float uniformRef(uint64_t seed, uint64_t i, double lo, double hi) {
  uint64_t z = seed + (i + 1) * 0x9E3779B97F4A7C15ull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  z ^= z >> 31;
  return static_cast<float>(lo + (hi - lo) * std::ldexp(double(z >> 11), -53));
}

void setX(Session &s, const std::vector<float> &x) {
  Status st = s.setInput("x", x.data(), x.size() * 4);
  ASSERT_TRUE(st.ok()) << st.message();
}
} // namespace

TEST(SessionTest, SgdStepsFollowAnIndependentReplay) {
  auto s = session(artifact("sgd"));
  ASSERT_TRUE(s);
  EXPECT_EQ(s->stepCount(), 0u);
  std::vector<float> w(4);
  for (int i = 0; i < 4; ++i)
    w[i] = uniformRef(7, i, -0.5, 0.5);
  std::vector<float> got = state<float>(*s, "w");
  for (int i = 0; i < 4; ++i)
    EXPECT_EQ(bitsOf(got[i]), bitsOf(w[i])) << i;

  for (int step = 0; step < 3; ++step) {
    std::vector<float> x(8);
    for (int i = 0; i < 8; ++i)
      x[i] = 0.25f * (i + 1) - step;
    setX(*s, x);
    Expected<StepResult> r = s->step();
    ASSERT_TRUE(r.ok()) << r.message();
    float loss = 0;
    for (int i = 0; i < 4; ++i) {
      float g = (x[i] + x[4 + i]) * 0.5f;
      loss += w[i] * g;
      w[i] = w[i] - 0.1f * g;
    }
    EXPECT_EQ(r->step, static_cast<uint64_t>(step + 1));
    EXPECT_EQ(r->loss, loss);
    EXPECT_FALSE(r->scale.has_value());
    EXPECT_FALSE(r->skipped);
  }
  got = state<float>(*s, "w");
  for (int i = 0; i < 4; ++i)
    EXPECT_EQ(bitsOf(got[i]), bitsOf(w[i])) << i;
  float w2[4];
  ASSERT_TRUE(s->readResult("#0", w2, sizeof w2).ok());
  EXPECT_EQ(std::memcmp(w2, got.data(), sizeof w2), 0);
}

TEST(SessionTest, AFailedStepLeavesTheStateUnchanged) {
  auto s = session(artifact("sgd"));
  setX(*s, {1, 2, 3, 4, 5, 6, 7, 8});
  ASSERT_TRUE(s->step().ok());
  std::vector<float> before = state<float>(*s, "w");
  setX(*s, {-12345, 0, 0, 0, 0, 0, 0, 0}); // sgd.c returns 7 on this batch
  Expected<StepResult> r = s->step();
  EXPECT_EQ(r.message(), "step 2: mpt_train_step returned error code 7");
  EXPECT_EQ(s->stepCount(), 1u);
  EXPECT_EQ(state<float>(*s, "w"), before);
  setX(*s, {1, 1, 1, 1, 1, 1, 1, 1});
  r = s->step();
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->step, 2u);
}

TEST(SessionTest, InputsMustBeSetAndSized) {
  auto s = session(artifact("sgd"));
  EXPECT_EQ(s->step().message(), "train_step: input 'x' was not set");
  float x[3] = {};
  EXPECT_EQ(s->setInput("x", x, sizeof x).message(),
            "input 'x' is f32[2, 4] (32 bytes), got 12 bytes");
  EXPECT_EQ(s->setInput("y", x, sizeof x).message(),
            "train_step has no input named 'y' (inputs: x)");
  EXPECT_EQ(s->readState("v", x, 4).message(), "no state named 'v'");
  EXPECT_EQ(s->readResult("#0", x, 16).message(), "no step has run yet");
}

TEST(SessionTest, LossScaleAndSkippedStepsAreReadBack) {
  // lossscale.c: init scale 4, growth x2 after 2 clean steps, backoff x0.25;
  // g * scale >= 65520 overflows. Issue 5's reference: found-inf 0, 0, 1
  // gives scales 4, 8, 2.
  auto s = session(artifact("lossscale"));
  ASSERT_TRUE(s);
  float gs[] = {1.0f, 1.0f, 1e4f, 1.0f};
  double scales[] = {4, 8, 2, 2};
  bool skipped[] = {false, false, true, false};
  for (int i = 0; i < 4; ++i) {
    std::vector<float> wBefore = state<float>(*s, "w");
    ASSERT_TRUE(s->setInput("g", &gs[i], 4).ok());
    Expected<StepResult> r = s->step();
    ASSERT_TRUE(r.ok()) << r.message();
    ASSERT_TRUE(r->scale.has_value());
    EXPECT_EQ(*r->scale, scales[i]) << i;
    EXPECT_EQ(r->skipped, skipped[i]) << i;
    uint8_t found = 2;
    ASSERT_TRUE(s->readResult("found_inf", &found, 1).ok());
    EXPECT_EQ(found, skipped[i] ? 1 : 0);
    if (skipped[i])
      EXPECT_EQ(bitsOf(state<float>(*s, "w")[0]), bitsOf(wBefore[0]));
    else
      EXPECT_NE(bitsOf(state<float>(*s, "w")[0]), bitsOf(wBefore[0]));
  }
  EXPECT_EQ(state<int32_t>(*s, "loss_scale.growth_tracker")[0], 1);
}

TEST(SessionTest, InitialisesEveryFormIncludingCastOf) {
  auto s = session(artifact("mixed"));
  ASSERT_TRUE(s);
  std::vector<float> master = state<float>(*s, "master");
  std::vector<uint16_t> wc = state<uint16_t>(*s, "wc");
  for (int i = 0; i < 15; ++i) {
    EXPECT_EQ(bitsOf(master[i]), bitsOf(uniformRef(42, i, -1, 1)));
    EXPECT_EQ(wc[i], doubleToHalfBits(master[i])) << i;
  }
  EXPECT_EQ(state<uint16_t>(*s, "c"), (std::vector<uint16_t>{0x2e66, 0x2e66}));
  EXPECT_EQ(state<int32_t>(*s, "k"), (std::vector<int32_t>{7, 7, 7}));
  EXPECT_EQ(state<int8_t>(*s, "q"), std::vector<int8_t>(4, 0));
  // A step rewrites the working copy from the updated master.
  float x = 0.5f;
  ASSERT_TRUE(s->setInput("x", &x, 4).ok());
  ASSERT_TRUE(s->step().ok());
  EXPECT_EQ(state<int32_t>(*s, "k"), (std::vector<int32_t>{8, 8, 8}));
  wc = state<uint16_t>(*s, "wc");
  EXPECT_EQ(wc[3], doubleToHalfBits(master[3] + 0.5f));
  // initializeState() resets everything, step count included.
  ASSERT_TRUE(s->initializeState().ok());
  EXPECT_EQ(s->stepCount(), 0u);
  EXPECT_EQ(state<float>(*s, "master"), master);
}

TEST(SessionTest, EvalAccuracyIsTheArgmaxOfTheLogits) {
  auto s = session(artifact("linear"));
  ASSERT_TRUE(s);
  ASSERT_NE(s->evalFunction(), nullptr);
  // W copies pixel k to logit k (k < 10); b = 0. Sample n lights pixel
  // n % 10, so the prediction is n % 10.
  std::vector<float> W(640, 0.0f), b(10, 0.0f);
  for (int k = 0; k < 10; ++k)
    W[k * 10 + k] = 1.0f;
  ASSERT_TRUE(s->writeState("W", W.data(), W.size() * 4).ok());
  ASSERT_TRUE(s->writeState("b", b.data(), b.size() * 4).ok());
  std::vector<float> x(32 * 64, 0.0f);
  std::vector<int32_t> y(32);
  int expected = 0;
  for (int n = 0; n < 32; ++n) {
    x[n * 64 + n % 10] = 1.0f;
    y[n] = n < 20 ? n % 10 : (n + 1) % 10; // the first 20 are right
    expected += y[n] == n % 10;
  }
  ASSERT_TRUE(s->setEvalInput("x", x.data(), x.size() * 4).ok());
  ASSERT_TRUE(s->setEvalInput("y", y.data(), y.size() * 4).ok());
  Expected<EvalBatchResult> r = s->evalBatch();
  ASSERT_TRUE(r.ok()) << r.message();
  EXPECT_TRUE(r->hasAccuracy);
  EXPECT_EQ(r->correct, expected);
  EXPECT_EQ(r->count, 32);
  // The loss: mean cross-entropy of logits with one 1 and nine 0s.
  double right = std::log(9 + std::exp(1.0)) - 1.0;
  double wrong = std::log(9 + std::exp(1.0));
  EXPECT_NEAR(r->loss, (20 * right + 12 * wrong) / 32, 1e-6);
  // Evaluation does not touch the state.
  EXPECT_EQ(state<float>(*s, "W"), W);
  EXPECT_EQ(s->stepCount(), 0u);

  auto noEval = session(artifact("lossscale"));
  EXPECT_EQ(noEval->evalBatch().message(),
            "artifact: the artifact has no function 'eval_step'");
}

//===----------------------------------------------------------------------===//
// Checkpoints
//===----------------------------------------------------------------------===//

namespace {
/// Trains `steps` steps of linear.c on synthetic data starting from the
/// session's current step count.
void train(Session &s, const Dataset &d, int steps) {
  for (int i = 0; i < steps; ++i) {
    Status st = bindBatch(s, d.train, 32, s.stepCount(), false);
    ASSERT_TRUE(st.ok()) << st.message();
    ASSERT_TRUE(s.step().ok());
  }
}

Dataset synthetic(Session &s) {
  Expected<Dataset> d = makeSynthetic(s.inputSpecs(), SyntheticOptions());
  EXPECT_TRUE(d.ok()) << d.message();
  return d.take();
}
} // namespace

TEST(SessionTest, ResumingFromACheckpointIsBitExact) {
  ArtifactRef a = artifact("linear");
  auto full = session(a);
  Dataset d = synthetic(*full);
  train(*full, d, 10);

  auto first = session(a);
  train(*first, d, 6);
  Expected<std::string> ckpt = first->serializeCheckpoint();
  ASSERT_TRUE(ckpt.ok());
  SessionOptions opts;
  opts.initializeState = false;
  auto resumed = session(a, opts);
  ASSERT_TRUE(resumed->restoreCheckpoint(*ckpt, "c").ok());
  EXPECT_EQ(resumed->stepCount(), 6u);
  train(*resumed, d, 4);
  EXPECT_EQ(resumed->stepCount(), 10u);
  for (const char *name : {"W", "b", "W.momentum", "b.momentum"}) {
    std::vector<float> x = state<float>(*full, name),
                       y = state<float>(*resumed, name);
    ASSERT_EQ(std::memcmp(x.data(), y.data(), x.size() * 4), 0) << name;
  }
  EXPECT_EQ(*full->serializeCheckpoint(), *resumed->serializeCheckpoint());
}

TEST(SessionTest, CorruptOrTruncatedCheckpointsAreRefused) {
  auto s = session(artifact("sgd"));
  setX(*s, {1, 2, 3, 4, 5, 6, 7, 8});
  ASSERT_TRUE(s->step().ok());
  std::string good = *s->serializeCheckpoint();
  std::vector<float> w = state<float>(*s, "w");
  auto other = session(artifact("sgd"));
  std::vector<float> w0 = state<float>(*other, "w");
  for (size_t i = 0; i < good.size(); ++i) {
    std::string bad = good;
    bad[i] ^= 0x04;
    Status st = other->restoreCheckpoint(bad, "c.ckpt");
    ASSERT_FALSE(st.ok()) << "a change at byte " << i << " went unnoticed";
    ASSERT_EQ(st.message().rfind("checkpoint 'c.ckpt': ", 0), 0u);
  }
  for (size_t n = 0; n < good.size(); ++n) {
    Status st = other->restoreCheckpoint(good.substr(0, n), "c.ckpt");
    ASSERT_FALSE(st.ok()) << n;
    if (n >= 48) {
      EXPECT_EQ(st.message(), "checkpoint 'c.ckpt': truncated (" +
                                  std::to_string(n) + " of " +
                                  std::to_string(good.size()) + " bytes)");
    }
  }
  // The session was never touched; the good checkpoint restores.
  EXPECT_EQ(state<float>(*other, "w"), w0);
  EXPECT_EQ(other->stepCount(), 0u);
  ASSERT_TRUE(other->restoreCheckpoint(good, "c.ckpt").ok());
  EXPECT_EQ(state<float>(*other, "w"), w);
  EXPECT_EQ(other->stepCount(), 1u);
}

TEST(SessionTest, CheckpointsOfAnotherSignatureAreRefused) {
  auto sgd = session(artifact("sgd"));
  auto linear = session(artifact("linear"));
  std::string sgdCkpt = *sgd->serializeCheckpoint();
  EXPECT_EQ(linear->restoreCheckpoint(sgdCkpt, "s.ckpt").message(),
            "checkpoint 's.ckpt': it was written for another signature: it "
            "has no state 'W' (f32[64, 10], param)");
  // Same names, another type or shape (w is f32[2, 2] in sgd-2x2).
  auto reshaped = session(artifact("sgd-2x2"));
  EXPECT_EQ(reshaped->restoreCheckpoint(sgdCkpt, "s.ckpt").message(),
            "checkpoint 's.ckpt': it was written for another signature: state "
            "'w' is f32[4] (param) in the checkpoint but f32[2, 2] (param) in "
            "the artifact");
  // An extra state in the checkpoint (lossscale-fewer lacks state #2).
  auto ls = session(artifact("lossscale"));
  auto fewer = session(artifact("lossscale-fewer"));
  EXPECT_EQ(
      fewer->restoreCheckpoint(*ls->serializeCheckpoint(), "l.ckpt").message(),
      "checkpoint 'l.ckpt': it was written for another signature: state "
      "'loss_scale.growth_tracker' (i32[], loss_scale_state) is not in "
      "the artifact");
  EXPECT_EQ(linear->restoreCheckpoint("hello", "h").message(),
            "checkpoint 'h': not an mpt checkpoint (bad magic)");
}

TEST(SessionTest, ACrashWhileSavingKeepsThePreviousCheckpoint) {
  TempDir dir;
  std::string path = dir / "run.ckpt";
  auto s = session(artifact("linear"));
  Dataset d = synthetic(*s);
  train(*s, d, 3);
  ASSERT_TRUE(s->saveCheckpoint(path).ok());
  std::string before = readOrDie(path);
  train(*s, d, 2);

  // The child dies in the middle of writing the next checkpoint.
  pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    AtomicWriteOptions o;
    o.chunkBytes = 512;
    o.afterChunk = [](uint64_t written) {
      if (written >= 1024)
        ::_exit(42);
      return true;
    };
    (void)s->saveCheckpoint(path, o);
    ::_exit(0);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFEXITED(status));
  ASSERT_EQ(WEXITSTATUS(status), 42) << "the child did not crash mid-write";
  EXPECT_EQ(readOrDie(path), before);
  // Only the abandoned temporary file is new.
  std::vector<std::string> files = dir.files();
  ASSERT_EQ(files.size(), 2u);
  EXPECT_EQ(files[0].rfind(".run.ckpt.tmp-", 0), 0u);
  SessionOptions opts;
  opts.initializeState = false;
  auto resumed = session(artifact("linear"), opts);
  ASSERT_TRUE(resumed->loadCheckpoint(path).ok());
  EXPECT_EQ(resumed->stepCount(), 3u);

  // A failing write reports, removes its temporary file, keeps the old one.
  ::unlink((dir / files[0]).c_str());
  AtomicWriteOptions fail;
  fail.chunkBytes = 100;
  fail.afterChunk = [](uint64_t written) { return written < 300; };
  Status st = s->saveCheckpoint(path, fail);
  EXPECT_EQ(st.message(), "cannot write '" + path +
                              "': write failed after 300 bytes (the previous "
                              "file, if any, is unchanged)");
  EXPECT_EQ(readOrDie(path), before);
  EXPECT_EQ(dir.files(), std::vector<std::string>{"run.ckpt"});
  // And a good save replaces it.
  ASSERT_TRUE(s->saveCheckpoint(path).ok());
  ASSERT_TRUE(resumed->loadCheckpoint(path).ok());
  EXPECT_EQ(resumed->stepCount(), 5u);
}

TEST(SessionTest, StateWithoutInitNeedsACheckpoint) {
  ArtifactContents c = contents("sgd");
  for (FunctionSig &f : c.manifest.functions)
    f.args[0].init = InitSpec();
  ArtifactRef a = std::make_shared<const ArtifactContents>(c);
  Expected<std::unique_ptr<Session>> s = Session::create(a, "cpu");
  EXPECT_EQ(s.message(), "artifact: state 'w' has no init in the signature "
                         "table (start from a checkpoint instead)");
  SessionOptions opts;
  opts.initializeState = false;
  auto fromCkpt = session(a, opts);
  auto donor = session(artifact("sgd"));
  ASSERT_TRUE(
      fromCkpt->restoreCheckpoint(*donor->serializeCheckpoint(), "d").ok());
  EXPECT_EQ(state<float>(*fromCkpt, "w"), state<float>(*donor, "w"));
}

TEST(SessionTest, MemoryStatsCountStateTwiceWhenUpdated) {
  auto s = session(artifact("linear"));
  MemoryStats m = s->memoryStats();
  EXPECT_EQ(m.parameterBytes, 4u * (640 + 10));
  EXPECT_EQ(m.stateBytes, 2 * 4u * (640 + 10));
  EXPECT_EQ(m.stateBufferBytes, 2 * m.stateBytes);
  EXPECT_EQ(m.stepBufferBytes, 4u * 32 * 64 + 4 * 32 + 4);
  EXPECT_EQ(m.deviceBytes,
            m.stateBufferBytes + m.stepBufferBytes + m.evalBufferBytes);
}

TEST(SessionTest, ScratchPeaksOfTrainAndEvalAreKeptApart) {
  // linear.c holds 2560 bytes of temporaries in train_step and 81920 in
  // eval_step (reported through mpt_memory_stats). The peak used to be one
  // number since loading, so an evaluation showed up as the train step's.
  auto s = session(artifact("linear"));
  EXPECT_FALSE(s->memoryStats().trainScratchPeakBytes.has_value());
  EXPECT_FALSE(s->memoryStats().evalScratchPeakBytes.has_value());
  Dataset d = synthetic(*s);
  ASSERT_TRUE(bindBatch(*s, *d.test, 32, 0, true).ok());
  ASSERT_TRUE(s->evalBatch().ok());
  train(*s, d, 3);
  ASSERT_TRUE(s->evalBatch().ok());
  train(*s, d, 1);
  MemoryStats m = s->memoryStats();
  ASSERT_TRUE(m.trainScratchPeakBytes.has_value());
  ASSERT_TRUE(m.evalScratchPeakBytes.has_value());
  EXPECT_EQ(*m.trainScratchPeakBytes, 2560u);
  EXPECT_EQ(*m.evalScratchPeakBytes, 81920u);
  // Code that does not report its temporaries has no peaks.
  auto sgd = session(artifact("sgd"));
  setX(*sgd, {1, 2, 3, 4, 5, 6, 7, 8});
  ASSERT_TRUE(sgd->step().ok());
  EXPECT_FALSE(sgd->memoryStats().trainScratchPeakBytes.has_value());
}

TEST(SessionTest, EvalAccuracyNeedsIntegerLabels) {
  // A regression eval_step (float targets shaped like the output) has no
  // accuracy: it used to be computed as if the targets were one-hot rows.
  // (linear-regression: linear with y f32[32, 10].)
  auto s = session(artifact("linear-regression"));
  ASSERT_TRUE(s);
  std::vector<float> x(32 * 64, 0.0f), y(320, 0.0f);
  ASSERT_TRUE(s->setEvalInput("x", x.data(), x.size() * 4).ok());
  ASSERT_TRUE(s->setEvalInput("y", y.data(), y.size() * 4).ok());
  Expected<EvalBatchResult> r = s->evalBatch();
  ASSERT_TRUE(r.ok()) << r.message();
  EXPECT_FALSE(r->hasAccuracy);
  EXPECT_EQ(r->correct, 0);
  EXPECT_EQ(r->count, 0);
}

TEST(SessionTest, CheckpointsWithExtraBytesOrAStepCountAtItsEndAreRefused) {
  auto s = session(artifact("sgd"));
  std::string good = *s->serializeCheckpoint();
  // Re-seal an edited checkpoint: size at 16, CRC-32 before the end marker.
  auto reseal = [](std::string c) {
    uint64_t size = c.size();
    for (int i = 0; i < 8; ++i)
      c[16 + i] = static_cast<char>(size >> (8 * i));
    uint32_t crc = crc32(c.data(), c.size() - 8);
    for (int i = 0; i < 4; ++i)
      c[c.size() - 8 + i] = static_cast<char>(crc >> (8 * i));
    return c;
  };
  // Eight bytes between the last tensor and the trailer.
  std::string extra = good;
  extra.insert(good.size() - 8, "GARBAGE!");
  extra = reseal(extra);
  EXPECT_EQ(s->restoreCheckpoint(extra, "e.ckpt").message(),
            "checkpoint 'e.ckpt': corrupt (8 bytes after the last tensor)");
  // A step count that cannot advance (2^64 - 1 used to wrap to 0).
  std::string last = good;
  for (int i = 0; i < 8; ++i)
    last[24 + i] = '\xff';
  last = reseal(last);
  EXPECT_EQ(s->restoreCheckpoint(last, "m.ckpt").message(),
            "checkpoint 'm.ckpt': corrupt (the step count "
            "18446744073709551615 cannot advance)");
  EXPECT_EQ(s->stepCount(), 0u);
  // One below is fine; the step after it is the last one.
  std::string almost = good;
  for (int i = 0; i < 8; ++i)
    almost[24 + i] = static_cast<char>(i ? 0xff : 0xfe);
  ASSERT_TRUE(s->restoreCheckpoint(reseal(almost), "a.ckpt").ok());
  setX(*s, {1, 2, 3, 4, 5, 6, 7, 8});
  Expected<StepResult> r = s->step();
  ASSERT_TRUE(r.ok()) << r.message();
  EXPECT_EQ(r->step, UINT64_MAX);
  EXPECT_EQ(s->step().message(),
            "the step count 18446744073709551615 cannot advance");
  EXPECT_EQ(s->stepCount(), UINT64_MAX);
}

TEST(SessionTest, LargeStateIsInitialisedWithoutAHostCopy) {
  // A 48 MiB parameter (uniform) and its cast_of copy: the session
  // used to build a zero-filled host copy of every buffer and of every
  // initial value. Initialisation goes in pieces now; the values are the
  // same as element-wise.
  // (mixed-big: mixed with master and wc of [2^22, 3].)
  auto s = session(artifact("mixed-big"));
  ASSERT_TRUE(s);
  const TensorSpec *master = s->findState("master");
  ASSERT_NE(master, nullptr);
  std::vector<float> m = state<float>(*s, "master");
  std::vector<uint16_t> wc = state<uint16_t>(*s, "wc");
  ASSERT_EQ(m.size(), size_t(3) << 22);
  for (uint64_t i : {uint64_t(0), uint64_t(65535), uint64_t(65536),
                     uint64_t(10000000), (uint64_t(3) << 22) - 1}) {
    EXPECT_EQ(bitsOf(m[i]), bitsOf(uniformRef(42, i, -1, 1))) << i;
    EXPECT_EQ(wc[i], doubleToHalfBits(m[i])) << i;
  }
}

TEST(SessionTest, LabelsOutsideTheClassesNeverReachTheStep) {
  // linear-classes declares y as labels of 10 classes: an embedder setting
  // 1000, -5 or INT_MAX is refused with the index, through the C++ API and
  // the C API alike, and the inputs bound before stay bound.
  auto s = session(artifact("linear-classes"));
  ASSERT_TRUE(s);
  std::vector<int32_t> y(32, 3);
  ASSERT_TRUE(s->setInput("y", y.data(), y.size() * 4).ok());
  for (int32_t bad : {1000, -5, INT32_MAX, 10}) {
    std::vector<int32_t> b = y;
    b[7] = bad;
    EXPECT_EQ(s->setInput("y", b.data(), b.size() * 4).message(),
              "train_step: input 'y': label " + std::to_string(bad) +
                  " at index 7 is outside 0..9 (input 'y' holds class "
                  "indices of 10 classes)");
    EXPECT_EQ(s->setEvalInput("y", b.data(), b.size() * 4).message(),
              "eval_step: input 'y': label " + std::to_string(bad) +
                  " at index 7 is outside 0..9 (input 'y' holds class "
                  "indices of 10 classes)");
  }
  std::vector<float> x(32 * 64, 0.5f);
  ASSERT_TRUE(s->setInput("x", x.data(), x.size() * 4).ok());
  Expected<StepResult> r = s->step(); // runs with the good labels
  ASSERT_TRUE(r.ok()) << r.message();
  EXPECT_TRUE(std::isfinite(r->loss));
  // The data loader checks a whole split, naming the sample.
  Split split;
  NpyArray ya;
  ya.dtype = DType::I32;
  ya.shape = {40};
  ya.data.assign(40 * 4, '\0');
  int32_t bad = -5;
  std::memcpy(&ya.data[4 * 33], &bad, 4);
  NpyArray xa;
  xa.dtype = DType::F32;
  xa.shape = {40, 8, 8, 1};
  xa.data.assign(40 * 64 * 4, '\0');
  split.arrays["x"] = xa;
  split.arrays["y"] = ya;
  split.count = 40;
  EXPECT_EQ(checkSplit(split, s->inputSpecs(), "d/train").message(),
            "d/train/y.npy: label -5 at index 33 is outside 0..9 (input 'y' "
            "holds class indices of 10 classes)");
}
