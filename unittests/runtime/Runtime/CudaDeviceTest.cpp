//===- CudaDeviceTest.cpp - The cuda backend against a fake driver --------===//
//
// No GPU is needed: MPT_CUDA_DRIVER points the backend at
// FakeCudaDriver.cpp (built next to the test steps), a driver on host
// memory that records every call. The tests check the calls the backend
// makes, in order and with their arguments, and the values that come back
// through them; the expected sequences and values are written out by hand
// here. The no-driver tests point MPT_CUDA_DRIVER at a missing file and at
// libraries without the driver's entry points.
//
//===----------------------------------------------------------------------===//

#include "TestSteps.h"

#include "CudaDevice.h"

#include "mpt-runtime/Call.h"
#include "mpt-runtime/Device.h"
#include "mpt-runtime/LaunchPlan.h"
#include "mpt-runtime/Session.h"

#include "gtest/gtest.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dlfcn.h>
#include <set>
#include <thread>
#include <vector>

using namespace mpt::rt;
using namespace mpt::rt::test;

namespace {

const char *kFakeDriver = MPT_FAKE_CUDA_DRIVER;
const char *kFakeOldDriver = MPT_FAKE_CUDA_OLD_DRIVER;

// y[i] = a * x[i] + y[i] for i < n (the fake driver runs `saxpy` on the
// host; a GPU runs this PTX).
const char *kSaxpy = R"ptx(
.version 8.0
.target sm_80
.address_size 64

.visible .entry saxpy(.param .u64 x, .param .u64 y, .param .f32 a, .param .u32 n)
{
  .reg .pred %p<2>;
  .reg .b32 %r<6>;
  .reg .f32 %f<5>;
  .reg .b64 %rd<8>;

  ld.param.u64 %rd1, [x];
  ld.param.u64 %rd2, [y];
  ld.param.f32 %f1, [a];
  ld.param.u32 %r1, [n];
  mov.u32 %r2, %ctaid.x;
  mov.u32 %r3, %ntid.x;
  mov.u32 %r4, %tid.x;
  mad.lo.s32 %r5, %r2, %r3, %r4;
  setp.ge.u32 %p1, %r5, %r1;
  @%p1 bra DONE;
  cvta.to.global.u64 %rd3, %rd1;
  cvta.to.global.u64 %rd4, %rd2;
  mul.wide.u32 %rd5, %r5, 4;
  add.s64 %rd6, %rd3, %rd5;
  add.s64 %rd7, %rd4, %rd5;
  ld.global.f32 %f2, [%rd6];
  ld.global.f32 %f3, [%rd7];
  fma.rn.f32 %f4, %f1, %f2, %f3;
  st.global.f32 [%rd7], %f4;
DONE:
  ret;
}
)ptx";

/// A kernel with 8 KB of static shared memory.
const char *kStaticShared = R"ptx(
.version 8.0
.target sm_80
.address_size 64
.shared .align 16 .b8 tile[8192];

.visible .entry tiled(.param .u64 p)
{
  ret;
}
)ptx";

/// A kernel without static shared memory.
const char *kNoShared = R"ptx(
.version 8.0
.target sm_80
.address_size 64

.visible .entry plain(.param .u64 p)
{
  ret;
}
)ptx";

/// The fake driver's test controls, from the library the backend loads.
class FakeDriver {
public:
  explicit FakeDriver(const char *path) {
    handle_ = ::dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!handle_)
      return;
    reset_ = reinterpret_cast<void (*)()>(::dlsym(handle_, "mptFakeCudaReset"));
    set_ = reinterpret_cast<int (*)(const char *, long long)>(
        ::dlsym(handle_, "mptFakeCudaSet"));
    get_ = reinterpret_cast<long long (*)(const char *)>(
        ::dlsym(handle_, "mptFakeCudaGet"));
    setName_ = reinterpret_cast<void (*)(const char *)>(
        ::dlsym(handle_, "mptFakeCudaSetName"));
    count_ =
        reinterpret_cast<int (*)()>(::dlsym(handle_, "mptFakeCudaCallCount"));
    call_ = reinterpret_cast<const char *(*)(int)>(
        ::dlsym(handle_, "mptFakeCudaCall"));
  }
  bool ok() const {
    return handle_ && reset_ && set_ && get_ && setName_ && count_ && call_;
  }
  void reset() { reset_(); }
  void set(const char *key, long long value) {
    ASSERT_EQ(set_(key, value), 0) << key;
  }
  long long get(const char *key) { return get_(key); }
  void setName(const char *name) { setName_(name); }

  /// Every call so far whose function is one of `names` (all when empty).
  std::vector<std::string> calls(const std::set<std::string> &names = {}) {
    std::vector<std::string> out;
    for (int i = 0, n = count_(); i < n; ++i) {
      std::string c = call_(i);
      if (names.empty() || names.count(c.substr(0, c.find(' '))))
        out.push_back(c);
    }
    return out;
  }
  /// Calls from index `from` on.
  std::vector<std::string> callsFrom(size_t from) {
    std::vector<std::string> all = calls();
    return std::vector<std::string>(all.begin() + std::min(from, all.size()),
                                    all.end());
  }
  size_t callCount() { return static_cast<size_t>(count_()); }

private:
  void *handle_ = nullptr;
  void (*reset_)() = nullptr;
  int (*set_)(const char *, long long) = nullptr;
  long long (*get_)(const char *) = nullptr;
  void (*setName_)(const char *) = nullptr;
  int (*count_)() = nullptr;
  const char *(*call_)(int) = nullptr;
};

std::string hexPtr(DevicePtr p) {
  char b[32];
  std::snprintf(b, sizeof b, "0x%llx", static_cast<unsigned long long>(p));
  return b;
}

/// The bytes of a value as the fake driver prints parameters.
template <typename T> std::string hexBytes(const T &v) {
  std::string s;
  char b[3];
  for (size_t i = 0; i < sizeof(T); ++i) {
    std::snprintf(b, sizeof b, "%02x",
                  reinterpret_cast<const unsigned char *>(&v)[i]);
    s += b;
  }
  return s;
}

CodeImage ptxImage(const char *text, const char *name) {
  CodeImage image;
  image.kind = CodeKind::Ptx;
  image.bytes = text;
  image.name = name;
  return image;
}

/// Runs with MPT_CUDA_DRIVER set to `path` and restores it after.
class ScopedDriver {
public:
  explicit ScopedDriver(const char *path) {
    ::setenv("MPT_CUDA_DRIVER", path, 1);
  }
  ~ScopedDriver() { ::unsetenv("MPT_CUDA_DRIVER"); }
};

class CudaDeviceTest : public ::testing::Test {
protected:
  CudaDeviceTest() : driver_(kFakeDriver), fake(kFakeDriver) {}
  void SetUp() override {
    ASSERT_TRUE(fake.ok()) << kFakeDriver << ": " << ::dlerror();
    fake.reset();
  }
  void TearDown() override { fake.reset(); }

  std::unique_ptr<CudaDevice> open(int ordinal = 0) {
    Expected<std::unique_ptr<CudaDevice>> d = CudaDevice::open(ordinal);
    EXPECT_TRUE(d.ok()) << d.message();
    return d.ok() ? d.take() : nullptr;
  }

  ScopedDriver driver_;
  FakeDriver fake;
};

//===----------------------------------------------------------------------===//
// No driver
//===----------------------------------------------------------------------===//

TEST(CudaDeviceNoDriverTest, AMissingDriverLibraryIsOneLine) {
  ScopedDriver driver("/nonexistent-mpt-dir/libcuda-missing.so.1");
  Expected<std::unique_ptr<Device>> d = createDevice("cuda");
  ASSERT_TRUE(d.failed());
  EXPECT_EQ(d.message(),
            "device cuda: cannot load the CUDA driver named by "
            "MPT_CUDA_DRIVER (/nonexistent-mpt-dir/libcuda-missing.so.1: "
            "cannot open shared object file: No such file or directory)");
}

TEST(CudaDeviceNoDriverTest, ALibraryWithoutTheEntryPointsIsOneLine) {
  // A shared object that is not a driver at all.
  std::string step = std::string(MPT_TEST_STEPS_DIR) + "/mpt_test_step_sgd.so";
  {
    ScopedDriver driver(step.c_str());
    Expected<std::unique_ptr<Device>> d = createDevice("cuda");
    ASSERT_TRUE(d.failed());
    EXPECT_EQ(d.message(), "device cuda: the CUDA driver library " + step +
                               " named by MPT_CUDA_DRIVER lacks cuInit: it is "
                               "not the NVIDIA driver, or one too old (mpt "
                               "needs a driver for CUDA 11 or newer)");
  }
  // A driver without cuFuncSetAttribute (CUDA 9).
  ScopedDriver driver(kFakeOldDriver);
  Expected<std::unique_ptr<Device>> d = createDevice("cuda");
  ASSERT_TRUE(d.failed());
  EXPECT_EQ(d.message(), std::string("device cuda: the CUDA driver library ") +
                             kFakeOldDriver +
                             " named by MPT_CUDA_DRIVER lacks "
                             "cuFuncSetAttribute: it is not the NVIDIA "
                             "driver, or one too old (mpt needs a driver for "
                             "CUDA 11 or newer)");
}

TEST(CudaDeviceNoDriverTest, TheDeviceListNamesCuda) {
  EXPECT_EQ(availableDevices(),
            (std::vector<std::string>{"cpu", "cuda-emu", "cuda"}));
}

//===----------------------------------------------------------------------===//
// Initialisation
//===----------------------------------------------------------------------===//

TEST_F(CudaDeviceTest, InitTakesThePrimaryContextAStreamAndTwoEvents) {
  fake.setName("Fake A100");
  std::unique_ptr<CudaDevice> d = open();
  ASSERT_TRUE(d);
  EXPECT_EQ(fake.calls(), (std::vector<std::string>{
                              "cuInit flags=0",
                              "cuDeviceGetCount",
                              "cuDeviceGet ordinal=0",
                              "cuDeviceGetAttribute attr=75 dev=0",
                              "cuDeviceGetAttribute attr=76 dev=0",
                              "cuDeviceGetAttribute attr=16 dev=0",
                              "cuDeviceGetAttribute attr=97 dev=0",
                              "cuDevicePrimaryCtxRetain dev=0",
                              "cuCtxSetCurrent ctx=0",
                              "cuMemGetInfo_v2",
                              "cuStreamCreate flags=1",
                              "cuEventCreate flags=0",
                              "cuEventCreate flags=0",
                          }));
  EXPECT_EQ(d->name(), "cuda");
  EXPECT_EQ(d->description(),
            "Fake A100 (GPU 0, sm_80, 108 SMs, 1.0 GiB, CUDA driver 12.4)");
  EXPECT_EQ(d->computeCapability(), 80);
  EXPECT_EQ(d->maxDynamicSharedBytes(), 166912u);
  EXPECT_EQ(fake.get("ctx_refs"), 1);
  EXPECT_EQ(fake.get("streams"), 1);
  EXPECT_EQ(fake.get("events"), 2);
  d.reset();
  EXPECT_EQ(fake.get("ctx_refs"), 0);
  EXPECT_EQ(fake.get("streams"), 0);
  EXPECT_EQ(fake.get("events"), 0);
}

TEST_F(CudaDeviceTest, NamesPickTheGpu) {
  fake.set("devices", 2);
  Expected<std::unique_ptr<Device>> d = createDevice("cuda:1");
  ASSERT_TRUE(d.ok()) << d.message();
  EXPECT_EQ((*d)->name(), "cuda:1");
  std::vector<std::string> opened =
      fake.calls({"cuDeviceGet", "cuDevicePrimaryCtxRetain"});
  EXPECT_EQ(opened,
            (std::vector<std::string>{"cuDeviceGet ordinal=1",
                                      "cuDevicePrimaryCtxRetain dev=1"}));
  EXPECT_EQ(createDevice("cuda:2").message(),
            "device cuda:2: there is no GPU 2 (the driver sees 2: cuda:0 to "
            "cuda:1)");
  EXPECT_EQ(createDevice("cuda:x").message(),
            "unknown device 'cuda:x' (a GPU is cuda, or cuda:N for GPU N)");
  EXPECT_EQ(createDevice("cuda:").message(),
            "unknown device 'cuda:' (a GPU is cuda, or cuda:N for GPU N)");
}

TEST_F(CudaDeviceTest, NoGpuIsOneLine) {
  fake.set("devices", 0);
  Expected<std::unique_ptr<Device>> d = createDevice("cuda");
  ASSERT_TRUE(d.failed());
  EXPECT_EQ(d.message(), "device cuda: no CUDA GPU found (cuInit: "
                         "CUDA_ERROR_NO_DEVICE (no CUDA-capable device is "
                         "detected))");
  EXPECT_EQ(fake.get("ctx_refs"), 0);
}

TEST_F(CudaDeviceTest, TheToolkitStubLibraryIsNamed) {
  fake.set("init_result", 34); // what libcuda.so from the toolkit's stubs/ says
  Expected<std::unique_ptr<Device>> d = createDevice("cuda");
  ASSERT_TRUE(d.failed());
  EXPECT_EQ(d.message(),
            std::string("device cuda: cannot initialise the CUDA driver ") +
                kFakeDriver +
                ": cuInit: CUDA_ERROR_STUB_LIBRARY (CUDA driver is a stub "
                "library); " +
                kFakeDriver +
                " is the CUDA toolkit's stub library, not the driver: "
                "install the NVIDIA driver or put its libcuda.so.1 first on "
                "the library path");
}

TEST_F(CudaDeviceTest, ErrorsTheDriverCannotNameAreStillNamed) {
  // The toolkit's stub libcuda.so fails cuGetErrorName too.
  fake.set("error_names", 0);
  fake.set("init_result", 34);
  Expected<std::unique_ptr<Device>> d = createDevice("cuda");
  ASSERT_TRUE(d.failed());
  EXPECT_EQ(d.message().substr(0, d.message().find(';')),
            std::string("device cuda: cannot initialise the CUDA driver ") +
                kFakeDriver + ": cuInit: CUDA_ERROR_STUB_LIBRARY");
  // A code the runtime does not know either.
  fake.set("init_result", 999);
  EXPECT_EQ(createDevice("cuda").message(),
            std::string("device cuda: cannot initialise the CUDA driver ") +
                kFakeDriver + ": cuInit: CUresult 999");
}

//===----------------------------------------------------------------------===//
// Memory
//===----------------------------------------------------------------------===//

TEST_F(CudaDeviceTest, CopiesAndMemsetGoThroughTheStream) {
  std::unique_ptr<CudaDevice> d = open();
  ASSERT_TRUE(d);
  size_t mark = fake.callCount();
  Expected<DevicePtr> a = d->allocate(64), b = d->allocate(64);
  Expected<DevicePtr> z1 = d->allocate(0), z2 = d->allocate(0);
  ASSERT_TRUE(a.ok() && b.ok() && z1.ok() && z2.ok());
  EXPECT_NE(*z1, *z2);
  EXPECT_NE(*z1, 0u);
  EXPECT_EQ(fake.callsFrom(mark),
            (std::vector<std::string>{
                "cuMemAlloc_v2 bytes=64", "cuMemAlloc_v2 bytes=64",
                "cuMemAlloc_v2 bytes=1", "cuMemAlloc_v2 bytes=1"}));
  EXPECT_EQ(d->memoryUsage().currentBytes, 128u);

  float in[16], out[16];
  for (int i = 0; i < 16; ++i)
    in[i] = static_cast<float>(i + 1);
  mark = fake.callCount();
  ASSERT_TRUE(d->copyToDevice(*a, in, 64).ok());
  ASSERT_TRUE(d->copyOnDevice(*b, *a, 64).ok());
  ASSERT_TRUE(d->fillZero(*b + 16, 32).ok());
  ASSERT_TRUE(d->copyToHost(out, *b, 64).ok());
  EXPECT_EQ(fake.callsFrom(mark),
            (std::vector<std::string>{
                "cuMemcpyHtoDAsync_v2 dst=" + hexPtr(*a) + " bytes=64 stream=1",
                "cuMemcpyDtoDAsync_v2 dst=" + hexPtr(*b) +
                    " src=" + hexPtr(*a) + " bytes=64 stream=1",
                "cuMemsetD8Async dst=" + hexPtr(*b + 16) +
                    " value=0 bytes=32 stream=1",
                "cuMemcpyDtoHAsync_v2 src=" + hexPtr(*b) + " bytes=64 stream=1",
                "cuStreamSynchronize stream=1"}));
  const float expected[16] = {1, 2, 3, 4, 0,  0,  0,  0,
                              0, 0, 0, 0, 13, 14, 15, 16};
  for (int i = 0; i < 16; ++i)
    EXPECT_EQ(out[i], expected[i]) << "element " << i;

  // Zero-byte copies touch nothing.
  mark = fake.callCount();
  EXPECT_TRUE(d->copyToDevice(*a, in, 0).ok());
  EXPECT_TRUE(d->fillZero(*a, 0).ok());
  EXPECT_EQ(fake.callCount(), mark);

  // The GPU's own figures: 1 GiB less the 130 bytes the fake holds.
  Expected<DeviceMemoryInfo> info = d->memoryInfo();
  ASSERT_TRUE(info.ok()) << info.message();
  EXPECT_EQ(info->totalBytes, 1073741824u);
  EXPECT_EQ(info->freeBytes, 1073741824u - 130u);

  d->release(*a);
  EXPECT_EQ(d->memoryUsage().currentBytes, 64u);
  EXPECT_EQ(d->memoryUsage().peakBytes, 128u);
  EXPECT_EQ(fake.get("live_allocations"), 3);
  d->release(*a); // a second release of the same address frees nothing
  EXPECT_EQ(fake.calls({"cuMemFree_v2"}).size(), 1u);
  EXPECT_TRUE(d->synchronize().ok());
}

TEST_F(CudaDeviceTest, MemoryErrorsNameTheCall) {
  fake.set("total_memory", 1000);
  std::unique_ptr<CudaDevice> d = open();
  ASSERT_TRUE(d);
  Expected<DevicePtr> big = d->allocate(4096);
  ASSERT_TRUE(big.failed());
  EXPECT_EQ(big.message(),
            "device cuda: allocating 4096 bytes (1000 of 1000 bytes free on "
            "GPU 0): cuMemAlloc_v2: CUDA_ERROR_OUT_OF_MEMORY (out of memory)");
  EXPECT_EQ(d->memoryUsage().currentBytes, 0u);
  EXPECT_EQ(d->memoryUsage().peakBytes, 0u);

  Expected<DevicePtr> small = d->allocate(16);
  ASSERT_TRUE(small.ok());
  char host[64] = {};
  Status st = d->copyToDevice(*small, host, 64); // past the allocation
  EXPECT_EQ(st.message(), "device cuda: copying 64 bytes to the GPU: "
                          "cuMemcpyHtoDAsync_v2: CUDA_ERROR_INVALID_VALUE "
                          "(invalid argument)");
}

TEST_F(CudaDeviceTest, AnotherThreadGetsTheContextMadeCurrent) {
  std::unique_ptr<CudaDevice> d = open();
  ASSERT_TRUE(d);
  size_t mark = fake.callCount();
  std::string error;
  std::thread worker([&] {
    Expected<DevicePtr> p = d->allocate(32);
    if (p.failed())
      error = p.message();
    else
      d->release(*p);
  });
  worker.join();
  EXPECT_EQ(error, "");
  std::vector<std::string> calls = fake.callsFrom(mark);
  ASSERT_EQ(calls.size(), 3u);
  EXPECT_EQ(calls[0], "cuCtxSetCurrent ctx=0");
  EXPECT_EQ(calls[1], "cuMemAlloc_v2 bytes=32");
}

//===----------------------------------------------------------------------===//
// Modules and launches
//===----------------------------------------------------------------------===//

TEST_F(CudaDeviceTest, PtxIsLoadedWithBothJitLogs) {
  std::unique_ptr<CudaDevice> d = open();
  ASSERT_TRUE(d);
  {
    Expected<std::unique_ptr<Module>> m =
        d->loadModule(ptxImage(kSaxpy, "saxpy.ptx"));
    ASSERT_TRUE(m.ok()) << m.message();
    // Error log buffer and size, info log buffer and size (cuda.h's
    // CU_JIT_ERROR_LOG_BUFFER = 5 ... CU_JIT_INFO_LOG_BUFFER_SIZE_BYTES = 4).
    EXPECT_EQ(fake.calls({"cuModuleLoadDataEx"}),
              (std::vector<std::string>{"cuModuleLoadDataEx options=5,6,3,4"}));
    EXPECT_TRUE((*m)->hasEntry("saxpy"));
    EXPECT_FALSE((*m)->hasEntry("missing"));
    EXPECT_EQ(fake.get("live_modules"), 1);
  }
  EXPECT_EQ(fake.get("live_modules"), 0);
  EXPECT_EQ(fake.calls({"cuModuleUnload"}).size(), 1u);

  // The fake JIT fails on line 6 of this text with the marker's message.
  const char *bad = ".version 8.0\n"
                    ".target sm_80\n"
                    ".address_size 64\n"
                    ".visible .entry k()\n"
                    "{\n"
                    "// fake-jit-error: Unknown symbol 'undefined_reg'\n"
                    "  mov.u32 %r1, undefined_reg;\n"
                    "}\n";
  Expected<std::unique_ptr<Module>> m = d->loadModule(ptxImage(bad, "bad.ptx"));
  ASSERT_TRUE(m.failed());
  EXPECT_EQ(m.message(),
            "device cuda: bad.ptx: the CUDA driver cannot compile the PTX: "
            "cuModuleLoadDataEx: CUDA_ERROR_INVALID_PTX (a PTX JIT "
            "compilation failed); the JIT log:\n"
            "  ptxas application ptx input, line 7; error   : Unknown symbol "
            "'undefined_reg'\n"
            "  ptxas fatal   : Ptx assembly aborted due to errors\n"
            "  ptxas info    : 0 bytes gmem (fake driver)");

  CodeImage native;
  native.kind = CodeKind::NativeSharedObject;
  native.bytes = "\x7f"
                 "ELF";
  native.name = "step.so";
  EXPECT_EQ(d->loadModule(native).message(),
            "step.so: device cuda runs PTX, not native code");
}

TEST_F(CudaDeviceTest, LaunchPassesTheParametersUnchanged) {
  std::unique_ptr<CudaDevice> d = open();
  ASSERT_TRUE(d);
  Expected<std::unique_ptr<Module>> m =
      d->loadModule(ptxImage(kSaxpy, "saxpy.ptx"));
  ASSERT_TRUE(m.ok()) << m.message();

  const uint32_t size = 128;
  std::vector<float> x(size), y(size);
  for (uint32_t i = 0; i < size; ++i) {
    x[i] = static_cast<float>(i);
    y[i] = static_cast<float>(2 * i + 1);
  }
  Expected<DevicePtr> dx = d->allocate(size * 4), dy = d->allocate(size * 4);
  ASSERT_TRUE(dx.ok() && dy.ok());
  ASSERT_TRUE(d->copyToDevice(*dx, x.data(), size * 4).ok());
  ASSERT_TRUE(d->copyToDevice(*dy, y.data(), size * 4).ok());

  DevicePtr px = *dx, py = *dy;
  float a = 0.5f;
  uint32_t n = 100; // the last 28 elements stay
  void *args[] = {&px, &py, &a, &n};
  LaunchConfig config;
  config.grid = {2, 1, 1};
  config.block = {64, 1, 1};
  size_t mark = fake.callCount();
  Status st = d->launch(**m, "saxpy", config, args, 4);
  ASSERT_TRUE(st.ok()) << st.message();
  std::vector<std::string> launches = fake.calls({"cuLaunchKernel"});
  ASSERT_EQ(launches.size(), 1u);
  EXPECT_EQ(launches[0], "cuLaunchKernel fn=saxpy grid=2,1,1 block=64,1,1 "
                         "shared=0 stream=1 params=" +
                             hexBytes(px) + "," + hexBytes(py) + "," +
                             hexBytes(a) + "," + hexBytes(n));
  EXPECT_EQ(hexBytes(a), "0000003f"); // 0.5f, little-endian
  // The first launch of a kernel looks it up and reads its shared memory.
  EXPECT_EQ(fake.callsFrom(mark)[0], "cuModuleGetFunction name=saxpy");
  EXPECT_EQ(fake.callsFrom(mark)[1], "cuFuncGetAttribute attr=1 fn=saxpy");
  ASSERT_TRUE(d->synchronize().ok());

  std::vector<float> out(size);
  ASSERT_TRUE(d->copyToHost(out.data(), *dy, size * 4).ok());
  for (uint32_t i = 0; i < size; ++i) {
    // 0.5 * i + (2i + 1), exact in float; untouched past n.
    float want = i < n ? 2.5f * static_cast<float>(i) + 1.0f
                       : static_cast<float>(2 * i + 1);
    ASSERT_EQ(out[i], want) << "element " << i;
  }

  // A second launch reuses the kernel: no lookup.
  mark = fake.callCount();
  ASSERT_TRUE(d->launch(**m, "saxpy", config, args, 4).ok());
  EXPECT_EQ(fake.callsFrom(mark).size(), 1u);
}

TEST_F(CudaDeviceTest, WrongLaunchesAreRefusedBeforeTheDriver) {
  std::unique_ptr<CudaDevice> d = open();
  ASSERT_TRUE(d);
  Expected<std::unique_ptr<Module>> m =
      d->loadModule(ptxImage(kSaxpy, "saxpy.ptx"));
  ASSERT_TRUE(m.ok());
  DevicePtr p = 0;
  float a = 1;
  void *three[] = {&p, &p, &a};
  EXPECT_EQ(d->launch(**m, "saxpy", LaunchConfig(), three, 3).message(),
            "device cuda: kernel saxpy takes 4 parameters, the launch gives 3");
  EXPECT_EQ(d->launch(**m, "nope", LaunchConfig(), three, 3).message(),
            "device cuda: module saxpy.ptx has no kernel nope");
  EXPECT_TRUE(fake.calls({"cuLaunchKernel"}).empty());

  // A module of another device.
  std::unique_ptr<Device> emu = createDevice("cuda-emu").take();
  Expected<std::unique_ptr<Module>> em =
      emu->loadModule(ptxImage(kSaxpy, "saxpy.ptx"));
  ASSERT_TRUE(em.ok());
  EXPECT_EQ(d->launch(**em, "saxpy", LaunchConfig(), three, 3).message(),
            "device cuda: cannot launch saxpy: its module was not loaded by "
            "this device");

  // Too large a block: the driver's error, with the launch's shape.
  Expected<DevicePtr> buf = d->allocate(16);
  ASSERT_TRUE(buf.ok());
  DevicePtr q = *buf;
  uint32_t n = 0;
  void *four[] = {&q, &q, &a, &n};
  LaunchConfig huge;
  huge.block = {2048, 1, 1};
  EXPECT_EQ(d->launch(**m, "saxpy", huge, four, 4).message(),
            "device cuda: launching kernel saxpy (grid 1x1x1, block 2048x1x1, "
            "0 bytes of dynamic shared memory): cuLaunchKernel: "
            "CUDA_ERROR_INVALID_VALUE (invalid argument)");

  // Without cuFuncGetParamInfo the count cannot be checked; a right launch
  // still runs.
  fake.set("param_info", 0);
  Expected<std::unique_ptr<Module>> m2 =
      d->loadModule(ptxImage(kSaxpy, "saxpy2.ptx"));
  ASSERT_TRUE(m2.ok());
  EXPECT_TRUE(d->launch(**m2, "saxpy", LaunchConfig(), four, 4).ok());
}

TEST_F(CudaDeviceTest, DynamicSharedMemoryAbove48KBIsAllowedOncePerSize) {
  std::unique_ptr<CudaDevice> d = open();
  ASSERT_TRUE(d);
  Expected<std::unique_ptr<Module>> plain =
      d->loadModule(ptxImage(kNoShared, "plain.ptx"));
  Expected<std::unique_ptr<Module>> tiled =
      d->loadModule(ptxImage(kStaticShared, "tiled.ptx"));
  ASSERT_TRUE(plain.ok() && tiled.ok());
  DevicePtr p = 0;
  void *args[] = {&p};
  auto launch = [&](Module &m, const char *k, uint32_t shared) {
    LaunchConfig c;
    c.sharedBytes = shared;
    Status st = d->launch(m, k, c, args, 1);
    EXPECT_TRUE(st.ok()) << st.message();
  };
  const std::set<std::string> names = {"cuFuncSetAttribute", "cuLaunchKernel"};
  const std::string tail = " stream=1 params=" + hexBytes(p);

  // No static shared memory: 48 KB needs nothing, one byte more does.
  launch(**plain, "plain", 49152);
  launch(**plain, "plain", 49153);
  launch(**plain, "plain", 49153);
  launch(**plain, "plain", 49152);
  EXPECT_EQ(
      fake.calls(names),
      (std::vector<std::string>{
          "cuLaunchKernel fn=plain grid=1,1,1 block=1,1,1 shared=49152" + tail,
          "cuFuncSetAttribute fn=plain attr=8 value=49153",
          "cuLaunchKernel fn=plain grid=1,1,1 block=1,1,1 shared=49153" + tail,
          "cuLaunchKernel fn=plain grid=1,1,1 block=1,1,1 shared=49153" + tail,
          "cuLaunchKernel fn=plain grid=1,1,1 block=1,1,1 shared=49152" +
              tail}));

  // 8 KB static: the default limit is 40 KB of dynamic shared memory.
  size_t mark = fake.calls(names).size();
  launch(**tiled, "tiled", 40960);
  launch(**tiled, "tiled", 45000);
  launch(**tiled, "tiled", 45000);
  launch(**tiled, "tiled", 100000);
  std::vector<std::string> calls = fake.calls(names);
  EXPECT_EQ(
      std::vector<std::string>(calls.begin() + mark, calls.end()),
      (std::vector<std::string>{
          "cuLaunchKernel fn=tiled grid=1,1,1 block=1,1,1 shared=40960" + tail,
          "cuFuncSetAttribute fn=tiled attr=8 value=45000",
          "cuLaunchKernel fn=tiled grid=1,1,1 block=1,1,1 shared=45000" + tail,
          "cuLaunchKernel fn=tiled grid=1,1,1 block=1,1,1 shared=45000" + tail,
          "cuFuncSetAttribute fn=tiled attr=8 value=100000",
          "cuLaunchKernel fn=tiled grid=1,1,1 block=1,1,1 shared=100000" +
              tail}));

  // More than the GPU has: refused before the driver.
  mark = fake.callCount();
  LaunchConfig c;
  c.sharedBytes = 166912 - 8192 + 1;
  EXPECT_EQ(d->launch(**tiled, "tiled", c, args, 1).message(),
            "device cuda: kernel tiled asks for 158721 bytes of dynamic "
            "shared memory (and has 8192 static); GPU 0 (Fake GPU) allows "
            "166912 per block");
  EXPECT_EQ(fake.callCount(), mark);
}

//===----------------------------------------------------------------------===//
// Synchronisation and timing
//===----------------------------------------------------------------------===//

TEST_F(CudaDeviceTest, SynchronizeReportsAKernelFault) {
  std::unique_ptr<CudaDevice> d = open();
  ASSERT_TRUE(d);
  Expected<std::unique_ptr<Module>> m =
      d->loadModule(ptxImage(kNoShared, "plain.ptx"));
  ASSERT_TRUE(m.ok());
  Expected<DevicePtr> buf = d->allocate(16);
  ASSERT_TRUE(buf.ok());
  DevicePtr p = *buf;
  void *args[] = {&p};
  ASSERT_TRUE(d->synchronize().ok());
  fake.set("launch_fault", 700); // the launch succeeds, the kernel faults
  ASSERT_TRUE(d->launch(**m, "plain", LaunchConfig(), args, 1).ok());
  const std::string fault =
      "CUDA_ERROR_ILLEGAL_ADDRESS (an illegal memory access was "
      "encountered); a kernel faulted and the GPU context cannot be used any "
      "more; the run must start again (device cuda-emu names the faulting "
      "access of a kernel)";
  EXPECT_EQ(
      d->synchronize().message(),
      "device cuda: the GPU work in flight failed: cuStreamSynchronize: " +
          fault);
  // The error stays, as on a GPU.
  float host[4];
  EXPECT_EQ(
      d->copyToHost(host, *buf, 16).message(),
      "device cuda: copying 16 bytes from the GPU: cuMemcpyDtoHAsync_v2: " +
          fault);
}

TEST_F(CudaDeviceTest, TimersReadTheEventsOnTheStream) {
  fake.set("launch_us", 1500); // each fake launch takes 1.5 ms of GPU time
  std::unique_ptr<CudaDevice> d = open();
  ASSERT_TRUE(d);
  Expected<std::unique_ptr<Module>> m =
      d->loadModule(ptxImage(kNoShared, "plain.ptx"));
  ASSERT_TRUE(m.ok());
  DevicePtr p = 0;
  void *args[] = {&p};
  EXPECT_EQ(d->stopTimer().message(),
            "device cuda: stopTimer() without startTimer()");
  ASSERT_TRUE(d->launch(**m, "plain", LaunchConfig(), args, 1).ok());
  size_t mark = fake.callCount();
  ASSERT_TRUE(d->startTimer().ok());
  ASSERT_TRUE(d->launch(**m, "plain", LaunchConfig(), args, 1).ok());
  ASSERT_TRUE(d->launch(**m, "plain", LaunchConfig(), args, 1).ok());
  Expected<double> ms = d->stopTimer();
  ASSERT_TRUE(ms.ok()) << ms.message();
  EXPECT_EQ(*ms, 3.0); // two launches, not the one before the start
  std::vector<std::string> calls = fake.callsFrom(mark);
  ASSERT_EQ(calls.size(), 6u);
  EXPECT_EQ(calls[0], "cuEventRecord event=0 stream=1");
  EXPECT_EQ(calls[3], "cuEventRecord event=1 stream=1");
  EXPECT_EQ(calls[4], "cuEventSynchronize event=1");
  EXPECT_EQ(calls[5], "cuEventElapsedTime_v2");
  EXPECT_TRUE(d->stopTimer().failed()); // stopped already

  // A fault in the timed work is the timer's error (the driver returns it
  // from the next call on the stream).
  ASSERT_TRUE(d->startTimer().ok());
  fake.set("launch_fault", 700);
  ASSERT_TRUE(d->launch(**m, "plain", LaunchConfig(), args, 1).ok());
  Expected<double> failed = d->stopTimer();
  ASSERT_TRUE(failed.failed());
  EXPECT_EQ(failed.message(),
            "device cuda: stopping the timer: cuEventRecord: "
            "CUDA_ERROR_ILLEGAL_ADDRESS (an illegal memory access was "
            "encountered); a kernel faulted and the GPU context cannot be "
            "used any more; the run must start again (device cuda-emu names "
            "the faulting access of a kernel)");
}

TEST(DeviceTimerTest, TheDefaultTimerReadsTheHostClock) {
  std::unique_ptr<Device> cpu = createDevice("cpu").take();
  EXPECT_EQ(cpu->stopTimer().message(),
            "cpu: stopTimer() without startTimer()");
  ASSERT_TRUE(cpu->startTimer().ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  Expected<double> ms = cpu->stopTimer();
  ASSERT_TRUE(ms.ok());
  EXPECT_GE(*ms, 30.0);
  EXPECT_LT(*ms, 30000.0);
  EXPECT_EQ(cpu->memoryInfo().message(),
            "device cpu does not report free and total memory");
}

//===----------------------------------------------------------------------===//
// Artifacts
//===----------------------------------------------------------------------===//

ArtifactContents cudaArtifact(const char *sm, const char *ptx = kSaxpy) {
  ArtifactContents a;
  a.manifest.target = "cuda";
  if (sm)
    a.manifest.options = {{"precision", "bf16"}, {"sm", sm}};
  a.ptx = ptx;
  return a;
}

TEST_F(CudaDeviceTest, AnArtifactForANewerGpuIsRefusedInOneLine) {
  fake.setName("Fake A100");
  std::unique_ptr<CudaDevice> d = open();
  ASSERT_TRUE(d);
  EXPECT_EQ(d->checkArtifact(cudaArtifact("90"), "m.mpt").message(),
            "m.mpt: artifact needs sm_90, GPU 0 (Fake A100) is sm_80");
  EXPECT_EQ(d->loadProgram(cudaArtifact("90"), "m.mpt").message(),
            "m.mpt: artifact needs sm_90, GPU 0 (Fake A100) is sm_80");
  EXPECT_TRUE(d->checkArtifact(cudaArtifact("80"), "m.mpt").ok());
  // Without the option, the PTX's .target decides.
  EXPECT_TRUE(d->checkArtifact(cudaArtifact(nullptr), "m.mpt").ok());
  std::string sm90 = kSaxpy;
  sm90.replace(sm90.find("sm_80"), 5, "sm_90");
  EXPECT_EQ(
      d->checkArtifact(cudaArtifact(nullptr, sm90.c_str()), "m.mpt").message(),
      "m.mpt: artifact needs sm_90, GPU 0 (Fake A100) is sm_80");
  ArtifactContents cpu = cudaArtifact("80");
  cpu.manifest.target = "cpu";
  EXPECT_EQ(d->checkArtifact(cpu, "m.mpt").message(),
            "m.mpt: compiled for target 'cpu'; device cuda runs artifacts "
            "compiled with --target=cuda");
  EXPECT_EQ(d->checkArtifact(cudaArtifact("80", ""), "m.mpt").message(),
            "m.mpt: the artifact has no PTX for device cuda");
  EXPECT_EQ(d->checkArtifact(cudaArtifact("eighty"), "m.mpt").message(),
            "m.mpt: 'eighty' is not a GPU architecture (sm_80, sm_90, ...)");
  // A matching artifact passes the checks and reaches the launch-plan
  // executor (which wants a plan).
  EXPECT_EQ(d->loadProgram(cudaArtifact("80"), "m.mpt").message(),
            "m.mpt: the artifact has no launch plan");
}

TEST_F(CudaDeviceTest, ComputeCapabilitiesCompareAsTheDriverRunsThem) {
  fake.set("cc_major", 9);
  fake.set("cc_minor", 0);
  fake.setName("Fake H100");
  std::unique_ptr<CudaDevice> d = open();
  ASSERT_TRUE(d);
  EXPECT_TRUE(d->checkComputeCapability("80").ok()); // older code runs
  EXPECT_TRUE(d->checkComputeCapability("sm_90").ok());
  EXPECT_TRUE(d->checkComputeCapability("90a").ok());
  EXPECT_EQ(d->checkComputeCapability("100").message(),
            "artifact needs sm_100, GPU 0 (Fake H100) is sm_90");
  EXPECT_EQ(d->checkComputeCapability("80a").message(),
            "artifact needs sm_80a exactly, GPU 0 (Fake H100) is sm_90");
  EXPECT_EQ(d->checkComputeCapability("89f").message(),
            "artifact needs sm_89f (its family), GPU 0 (Fake H100) is sm_90");
}

TEST_F(CudaDeviceTest, ThePlanSmDecidesWithoutTheOption) {
  std::unique_ptr<CudaDevice> d = open();
  ASSERT_TRUE(d);
  ArtifactContents a = cudaArtifact(nullptr); // PTX says sm_80
  a.launchPlan = LaunchPlan();
  a.launchPlan->sm = 90;
  EXPECT_EQ(d->checkArtifact(a, "m.mpt").message(),
            "m.mpt: artifact needs sm_90, GPU 0 (Fake GPU) is sm_80");
}

/// A cuda artifact with one function `axpy` and its launch plan: tmp = 0;
/// tmp = 2 * x + tmp; y = 0.5 * tmp + y (4 f32 elements; x is argument
/// buffer 0, y buffer 1, tmp an arena slice), two launches of saxpy.
ArtifactContents axpyArtifact(const FunctionSig &f) {
  ArtifactContents a = cudaArtifact("80");
  a.manifest.functions.push_back(f);
  LaunchPlan plan;
  plan.arenaBytes = 512;
  PlanKernel k;
  k.name = "saxpy";
  k.params = 4;
  plan.kernels.push_back(k);
  FunctionPlan fp;
  fp.name = f.name;
  PlanBuffer x, y, tmp;
  x.index = 0;
  x.bytes = 16;
  y.index = 1;
  y.bytes = 16;
  tmp.kind = PlanBuffer::Kind::Arena;
  tmp.offset = 256;
  tmp.bytes = 16;
  fp.buffers = {x, y, tmp};
  PlanStep zero;
  zero.kind = PlanStep::Kind::Zero;
  zero.dst = 2;
  zero.bytes = 16;
  auto saxpy = [](uint32_t src, uint32_t dst, double alpha) {
    PlanStep s;
    s.kernel = "saxpy";
    s.block = {4, 1, 1};
    PlanValue px, py, pa, pn;
    px.buffer = src;
    py.buffer = dst;
    pa.kind = PlanValue::Kind::F32;
    pa.floatValue = alpha;
    pn.kind = PlanValue::Kind::I32;
    pn.intValue = 4;
    s.args = {px, py, pa, pn};
    return s;
  };
  fp.steps = {zero, saxpy(0, 2, 2.0), saxpy(2, 1, 0.5)};
  plan.functions.push_back(fp);
  a.launchPlan = plan;
  return a;
}

// The launch-plan executor (loadPlanProgram, what loadProgram returns after
// its checks) is device-independent: on this device it launches through the
// driver as on any other.
TEST_F(CudaDeviceTest, ThePlanExecutorRunsOnThisDevice) {
  std::unique_ptr<CudaDevice> d = open();
  ASSERT_TRUE(d);
  FunctionSig f;
  f.name = "axpy";
  f.symbol = "mpt_axpy";
  ArtifactContents a = axpyArtifact(f);

  Expected<std::unique_ptr<Program>> program = d->loadProgram(a, "axpy.mpt");
  ASSERT_TRUE(program.ok()) << program.message();
  // The arena (512 bytes) and the (empty: 1 byte) constants, once.
  EXPECT_EQ(fake.calls({"cuMemAlloc_v2"}),
            (std::vector<std::string>{"cuMemAlloc_v2 bytes=512",
                                      "cuMemAlloc_v2 bytes=1"}));
  float xs[4] = {1, 2, 3, 4}, ys[4] = {10, 20, 30, 40}, out[4];
  Expected<DevicePtr> dx = d->allocate(16), dy = d->allocate(16);
  ASSERT_TRUE(dx.ok() && dy.ok());
  ASSERT_TRUE(d->copyToDevice(*dx, xs, 16).ok());
  ASSERT_TRUE(d->copyToDevice(*dy, ys, 16).ok());
  DevicePtr buffers[] = {*dx, *dy};
  Status st = (*program)->call("mpt_axpy", buffers, 2);
  ASSERT_TRUE(st.ok()) << st.message();
  ASSERT_TRUE(d->synchronize().ok());
  ASSERT_TRUE(d->copyToHost(out, *dy, 16).ok());
  // y + 0.5 * (2 * x) = y + x.
  EXPECT_EQ(std::vector<float>(out, out + 4),
            (std::vector<float>{11, 22, 33, 44}));
  // The temporary is the arena slice the plan zeroed; the scalars arrive
  // with the kernel's parameter sizes.
  std::vector<std::string> zeroed = fake.calls({"cuMemsetD8Async"});
  ASSERT_EQ(zeroed.size(), 1u);
  size_t at = zeroed[0].find("dst=") + 4;
  DevicePtr tmpPtr = std::strtoull(zeroed[0].c_str() + at, nullptr, 16);
  EXPECT_EQ(zeroed[0], "cuMemsetD8Async dst=" + hexPtr(tmpPtr) +
                           " value=0 bytes=16 stream=1");
  std::vector<std::string> launches = fake.calls({"cuLaunchKernel"});
  ASSERT_EQ(launches.size(), 2u);
  const std::string head =
      "cuLaunchKernel fn=saxpy grid=1,1,1 block=4,1,1 shared=0 stream=1 "
      "params=";
  float two = 2.0f, half = 0.5f;
  uint32_t four = 4;
  EXPECT_EQ(launches[0], head + hexBytes(*dx) + "," + hexBytes(tmpPtr) + "," +
                             hexBytes(two) + "," + hexBytes(four));
  EXPECT_EQ(launches[1], head + hexBytes(tmpPtr) + "," + hexBytes(*dy) + "," +
                             hexBytes(half) + "," + hexBytes(four));
}

// FunctionCall::runTimed (mpt-run --call --repeat) times a call with the
// device's timer: on cuda two events on the stream bracket exactly the
// call's work, so the figure is the GPU's time for the launches (the fake
// driver's launch_us each), and the initial values written before the call
// stay outside it.
TEST_F(CudaDeviceTest, TimedCallsAreBracketedByTheEvents) {
  fake.set("launch_us", 1500);
  FunctionSig f;
  f.name = "axpy";
  f.symbol = "mpt_axpy";
  TensorSpec x, y;
  x.name = "x";
  x.role = Role::Input;
  x.dtype = DType::F32;
  x.shape = {4};
  x.init = InitSpec::constant(3.0);
  y.name = "y";
  y.role = Role::Output;
  y.dtype = DType::F32;
  y.shape = {4};
  f.args = {x};
  f.results = {y};
  auto art = std::make_shared<const ArtifactContents>(axpyArtifact(f));
  Expected<std::unique_ptr<FunctionCall>> call =
      FunctionCall::create(art, "cuda", "axpy", "axpy.mpt");
  ASSERT_TRUE(call.ok()) << call.message();
  size_t mark = fake.callCount();
  Expected<double> ms = (*call)->runTimed();
  ASSERT_TRUE(ms.ok()) << ms.message();
  EXPECT_EQ(*ms, 3.0); // two launches of 1.5 ms; the memset takes none
  std::vector<std::string> calls = fake.callsFrom(mark);
  auto at = [&](const std::string &prefix, size_t from = 0) {
    for (size_t i = from; i < calls.size(); ++i)
      if (calls[i].rfind(prefix, 0) == 0)
        return i;
    return calls.size();
  };
  size_t upload = at("cuMemcpyHtoDAsync_v2");
  size_t start = at("cuEventRecord event=0");
  size_t firstLaunch = at("cuLaunchKernel");
  size_t secondLaunch = at("cuLaunchKernel", firstLaunch + 1);
  size_t stop = at("cuEventRecord event=1");
  ASSERT_LT(stop, calls.size());
  EXPECT_LT(upload, start); // x's initial value, before the timer
  EXPECT_LT(start, at("cuMemsetD8Async"));
  EXPECT_LT(start, firstLaunch);
  EXPECT_LT(secondLaunch, stop);
  EXPECT_EQ(at("cuLaunchKernel", secondLaunch + 1), calls.size());
  EXPECT_EQ(calls.back(), "cuEventElapsedTime_v2");
  // y = 0.5 * (2 * x) + 0 = x = 3 (the constant initial value).
  float out[4];
  ASSERT_TRUE((*call)->readResult(0, out, sizeof out).ok());
  EXPECT_EQ(std::vector<float>(out, out + 4), (std::vector<float>{3, 3, 3, 3}));
  // Every call is timed alike: a second call, the same two launches.
  Expected<double> again = (*call)->runTimed();
  ASSERT_TRUE(again.ok()) << again.message();
  EXPECT_EQ(*again, 3.0);
}

TEST_F(CudaDeviceTest, SessionsRefuseAnArtifactForANewerGpu) {
  ArtifactContents a = contents("sgd");
  a.manifest.target = "cuda";
  a.manifest.options = {{"sm", "90"}};
  a.ptx = kSaxpy;
  SessionOptions opts;
  opts.artifactName = "sgd.mpt";
  Expected<std::unique_ptr<Session>> s = Session::create(
      std::make_shared<const ArtifactContents>(std::move(a)), "cuda", opts);
  ASSERT_TRUE(s.failed());
  EXPECT_EQ(s.message(),
            "sgd.mpt: artifact needs sm_90, GPU 0 (Fake GPU) is sm_80");
}

//===----------------------------------------------------------------------===//
// Destruction
//===----------------------------------------------------------------------===//

TEST_F(CudaDeviceTest, DestructionFreesWhatIsLeftAndGivesTheContextBack) {
  std::unique_ptr<CudaDevice> d = open();
  ASSERT_TRUE(d);
  Expected<DevicePtr> a = d->allocate(100), b = d->allocate(200),
                      c = d->allocate(300);
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  d->release(*b);
  {
    Expected<std::unique_ptr<Module>> m =
        d->loadModule(ptxImage(kSaxpy, "saxpy.ptx"));
    ASSERT_TRUE(m.ok());
  }
  EXPECT_EQ(fake.get("live_allocations"), 2);
  size_t mark = fake.callCount();
  d.reset();
  std::vector<std::string> calls = fake.callsFrom(mark);
  ASSERT_EQ(calls.size(), 7u);
  EXPECT_EQ(calls[0], "cuStreamSynchronize stream=1");
  EXPECT_EQ((std::set<std::string>{calls[1], calls[2]}),
            (std::set<std::string>{"cuMemFree_v2 ptr=" + hexPtr(*a),
                                   "cuMemFree_v2 ptr=" + hexPtr(*c)}));
  EXPECT_EQ(calls[3], "cuEventDestroy_v2 event=0");
  EXPECT_EQ(calls[4], "cuEventDestroy_v2 event=1");
  EXPECT_EQ(calls[5], "cuStreamDestroy_v2");
  EXPECT_EQ(calls[6], "cuDevicePrimaryCtxRelease_v2 dev=0");
  EXPECT_EQ(fake.get("live_allocations"), 0);
  EXPECT_EQ(fake.get("allocated_bytes"), 0);
  EXPECT_EQ(fake.get("ctx_refs"), 0);
}

} // namespace
