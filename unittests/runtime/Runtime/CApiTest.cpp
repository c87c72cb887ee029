//===- CApiTest.cpp - The C API of libmpt_runtime -------------------------===//

#include "TestSteps.h"

#include "mpt-runtime/mpt_runtime.h"

#include <cmath>
#include <cstdio>
#include <cstring>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace mpt::rt;
using namespace mpt::rt::test;

TEST(CApiTest, TrainsEvaluatesAndCheckpoints) {
  TempDir dir;
  std::string path = dir / "linear.mpt";
  ASSERT_TRUE(writeArtifactFile(path, contents("linear")).ok());

  mpt_artifact *a = mpt_artifact_load(path.c_str());
  ASSERT_NE(a, nullptr) << mpt_last_error();
  EXPECT_NE(std::strstr(mpt_artifact_signature_json(a), "\"train_step\""),
            nullptr);
  mpt_session *s = mpt_session_create(a, "cpu");
  ASSERT_NE(s, nullptr) << mpt_last_error();

  ASSERT_EQ(mpt_session_state_count(s), 4);
  mpt_tensor_info info;
  ASSERT_EQ(mpt_session_state_info(s, 2, &info), 0);
  EXPECT_STREQ(info.name, "W.momentum");
  EXPECT_STREQ(info.role, "opt_state");
  EXPECT_EQ(info.dtype, MPT_F32);
  ASSERT_EQ(info.rank, 2);
  EXPECT_EQ(info.shape[0], 64);
  EXPECT_EQ(info.bytes, 2560u);
  EXPECT_NE(mpt_session_state_info(s, 4, &info), 0);
  EXPECT_STREQ(mpt_last_error(),
               "mpt_session_state_info: index 4 out of range (4)");

  ASSERT_EQ(mpt_session_input_count(s), 2);
  ASSERT_EQ(mpt_session_input_info(s, 1, &info), 0);
  EXPECT_STREQ(info.name, "y");
  EXPECT_EQ(info.dtype, MPT_I32);

  std::vector<float> x(32 * 64);
  std::vector<int32_t> y(32);
  for (int n = 0; n < 32; ++n) {
    x[n * 64 + n % 10] = 1.0f;
    y[n] = n % 10;
  }
  ASSERT_EQ(mpt_session_set_input(s, "x", x.data(), x.size() * 4), 0);
  ASSERT_EQ(mpt_session_set_input(s, "y", y.data(), y.size() * 4), 0);
  mpt_step_result r;
  double first = 0;
  for (int i = 0; i < 20; ++i) {
    ASSERT_EQ(mpt_session_step(s, &r), 0) << mpt_last_error();
    if (i == 0)
      first = r.loss;
  }
  EXPECT_EQ(r.step, 20u);
  EXPECT_LT(r.loss, first);
  EXPECT_EQ(r.has_scale, 0);
  EXPECT_TRUE(std::isnan(r.scale));
  EXPECT_EQ(r.skipped, 0);

  ASSERT_EQ(mpt_session_eval_input_count(s), 2);
  ASSERT_EQ(mpt_session_set_eval_input(s, "x", x.data(), x.size() * 4), 0);
  ASSERT_EQ(mpt_session_set_eval_input(s, "y", y.data(), y.size() * 4), 0);
  mpt_eval_result e;
  ASSERT_EQ(mpt_session_eval(s, &e), 0) << mpt_last_error();
  EXPECT_EQ(e.has_accuracy, 1);
  EXPECT_EQ(e.count, 32);
  EXPECT_EQ(e.correct, 32) << "a separable toy set is learned in 20 steps";

  std::string ckpt = dir / "run.ckpt";
  ASSERT_EQ(mpt_session_save_checkpoint(s, ckpt.c_str()), 0);
  std::vector<float> W(640), W2(640);
  ASSERT_EQ(mpt_session_read_state(s, "W", W.data(), W.size() * 4), 0);
  mpt_session *t = mpt_session_create(a, "cpu");
  ASSERT_EQ(mpt_session_load_checkpoint(t, ckpt.c_str()), 0);
  EXPECT_EQ(mpt_session_step_count(t), 20u);
  ASSERT_EQ(mpt_session_read_state(t, "W", W2.data(), W2.size() * 4), 0);
  EXPECT_EQ(W, W2);
  ASSERT_EQ(mpt_session_write_state(t, "W", x.data(), 2560), 0);

  EXPECT_NE(mpt_session_set_input(s, "x", x.data(), 3), 0);
  EXPECT_STREQ(mpt_last_error(),
               "input 'x' is f32[32, 8, 8, 1] (8192 bytes), got 3 bytes");
  EXPECT_NE(mpt_session_load_checkpoint(t, path.c_str()), 0);
  EXPECT_EQ(std::string(mpt_last_error()),
            "checkpoint '" + path + "': not an mpt checkpoint (bad magic)");
  mpt_session_destroy(t);
  mpt_session_destroy(s);
  mpt_artifact_free(a);
}

TEST(CApiTest, ErrorsComeBackAsMessages) {
  EXPECT_EQ(mpt_artifact_load("/nonexistent/model.mpt"), nullptr);
  EXPECT_STREQ(mpt_last_error(), "cannot open '/nonexistent/model.mpt': No "
                                 "such file or directory");
  std::string bytes = *serializeArtifact(contents("sgd"));
  mpt_artifact *a = mpt_artifact_load_memory(bytes.data(), bytes.size(), "m");
  ASSERT_NE(a, nullptr) << mpt_last_error();
  EXPECT_EQ(mpt_session_create(a, "tpu"), nullptr);
  EXPECT_STREQ(mpt_last_error(),
               "unknown device 'tpu' (available: cpu, cuda-emu, cuda)");
  mpt_session *s = mpt_session_create(a, "cpu");
  ASSERT_NE(s, nullptr);
  mpt_step_result r;
  EXPECT_NE(mpt_session_step(s, &r), 0);
  EXPECT_STREQ(mpt_last_error(), "train_step: input 'x' was not set");
  EXPECT_EQ(mpt_artifact_load_memory(bytes.data(), 20, "short"), nullptr);
  EXPECT_STREQ(mpt_last_error(),
               "short: truncated artifact (20 bytes, shorter than the header)");
  EXPECT_NE(std::strstr(mpt_runtime_version(), "artifact format 1"), nullptr);
  mpt_session_destroy(s);
  mpt_artifact_free(a);
}

// AddressSanitizer builds (scripts/run_tests.sh --asan).
#if defined(__SANITIZE_ADDRESS__)
#define MPT_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define MPT_ASAN 1
#endif
#endif
#ifndef MPT_ASAN
#define MPT_ASAN 0
#endif

namespace {
/// The process's virtual memory size (VmSize), in bytes.
uint64_t vmSize() {
  FILE *f = std::fopen("/proc/self/status", "r");
  char line[256];
  uint64_t kb = 0;
  while (f && std::fgets(line, sizeof line, f))
    if (std::strncmp(line, "VmSize:", 7) == 0)
      kb = std::strtoull(line + 7, nullptr, 10);
  if (f)
    std::fclose(f);
  return kb * 1024;
}
} // namespace

TEST(CApiTest, RunningOutOfMemoryIsAnErrorNotAnAbort) {
#if MPT_ASAN
  // AddressSanitizer's operator new reports out of memory and aborts
  // instead of throwing std::bad_alloc: this path cannot run under it.
  GTEST_SKIP() << "the out-of-memory path cannot run under AddressSanitizer";
#endif
  // An artifact with 64 MiB of "native code": reading it takes 64 MiB,
  // parsing copies the section. With room for the first only, loading must
  // fail with a message (std::bad_alloc used to escape through the C API
  // and abort the process).
  TempDir dir;
  std::string path = dir / "big.mpt";
  ArtifactContents c = contents("sgd");
  c.nativeSharedObject.resize(64 << 20, '\0');
  ASSERT_TRUE(writeArtifactFile(path, c).ok());
  pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    rlimit limit;
    limit.rlim_cur = limit.rlim_max = vmSize() + (100 << 20);
    ::setrlimit(RLIMIT_AS, &limit);
    mpt_artifact *a = mpt_artifact_load(path.c_str());
    bool ok = !a && std::strstr(mpt_last_error(), "out of memory");
    if (!ok)
      std::fprintf(stderr, "loaded: %d, error: %s\n", a != nullptr,
                   mpt_last_error());
    ::_exit(ok ? 0 : 1);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status)) << "the child died of signal "
                                 << WTERMSIG(status);
  EXPECT_EQ(WEXITSTATUS(status), 0);
  // Without the limit it loads.
  mpt_artifact *a = mpt_artifact_load(path.c_str());
  EXPECT_NE(a, nullptr) << mpt_last_error();
  mpt_artifact_free(a);
}
