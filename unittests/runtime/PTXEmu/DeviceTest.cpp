//===- DeviceTest.cpp - The PTX emulator's device API ---------------------===//

#include "PTXEmuTestUtil.h"

#include "Runtime.h"

#include <cstdint>

using namespace mpt::ptxemu;
using namespace mpt::ptxemu::test;

namespace {

TEST(DeviceTest, AllocationsAreSeparatedAndChecked) {
  Device dev;
  DevicePtr a = dev.alloc(100), b = dev.alloc(100);
  EXPECT_EQ(a % 256, 0u);
  EXPECT_GT(b, a + 100 + 4096); // an unmapped gap between allocations
  EXPECT_EQ(dev.allocatedBytes(), 200u);
  std::string err;
  char buf[200] = {};
  EXPECT_TRUE(dev.memcpyHtoD(a, buf, 100, err));
  EXPECT_FALSE(dev.memcpyHtoD(a, buf, 101, err));
  EXPECT_NE(err.find("memcpyHtoD: 101 bytes at 0x"), std::string::npos) << err;
  EXPECT_NE(err.find("past the end of allocation"), std::string::npos) << err;
  EXPECT_FALSE(dev.memcpyDtoH(buf, 0, 4, err));
  EXPECT_NE(err.find("null pointer"), std::string::npos) << err;
  EXPECT_TRUE(dev.memset(b, 7, 100, err));
  EXPECT_TRUE(dev.memcpyDtoD(a, b, 100, err));
  EXPECT_TRUE(dev.memcpyDtoH(buf, a, 100, err));
  EXPECT_EQ(buf[99], 7);
  EXPECT_TRUE(dev.free(a));
  EXPECT_FALSE(dev.free(a));
  EXPECT_FALSE(dev.memcpyDtoH(buf, a, 4, err)); // use after free
  EXPECT_EQ(dev.allocatedBytes(), 100u);
}

TEST(DeviceTest, AllocationsThatCannotBeMadeReturnNullAndThrowNothing) {
  Device dev;
  DevicePtr a = dev.alloc(64);
  ASSERT_NE(a, 0u);
  // Far more than any host has (new[] used to throw std::bad_alloc).
  EXPECT_EQ(dev.alloc(SIZE_MAX), 0u);
  EXPECT_EQ(dev.alloc(SIZE_MAX - 4096), 0u);
  // Over the 1 TiB cap, even where the host would overcommit.
  EXPECT_EQ(dev.alloc((size_t(1) << 40) + 1), 0u);
  EXPECT_EQ(dev.allocatedBytes(), 64u);
  // The address space is never reused: near its end an allocation fails
  // instead of wrapping around to low addresses.
  dev.impl().nextBase = UINT64_MAX - 0x18000;
  EXPECT_EQ(dev.alloc(0x10000), 0u);
  DevicePtr last = dev.alloc(16);
  EXPECT_EQ(last, UINT64_MAX - 0x18000);
  EXPECT_EQ(dev.alloc(16), 0u);
  EXPECT_EQ(dev.allocatedBytes(), 80u);
  // Earlier allocations still work.
  std::string err;
  char buf[64] = {1};
  EXPECT_TRUE(dev.memcpyHtoD(a, buf, 64, err)) << err;
  // A module whose variables do not fit is an error, not an exception.
  auto mod = Module::load(
      module(".global .align 4 .b8 big[1099511627777];\n"
             ".visible .entry k()\n{\n  ret;\n}\n"),
      err);
  ASSERT_TRUE(mod) << err;
  Device fresh;
  DevicePtr p;
  size_t bytes;
  EXPECT_FALSE(fresh.getGlobal(*mod, "big", p, bytes, err));
  EXPECT_EQ(err, "module '<ptx>': cannot allocate 1099511627777 bytes for global "
                 "variable 'big'");
  EXPECT_EQ(fresh.allocatedBytes(), 0u);
}

TEST(DeviceTest, KernelsSeeAFreedBufferAsAnError) {
  Device dev;
  std::string err;
  auto mod = Module::load(kernel("st.global.u32 [%rd3], %r0;"), err);
  ASSERT_TRUE(mod) << err;
  DevicePtr p = dev.alloc(128);
  ASSERT_TRUE(dev.free(p));
  auto r = dev.launch(*mod, "k", {1, 1, 1}, {32, 1, 1}, 0, {KernelArg::ptr(p)});
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.error.find("out-of-bounds global write of 4 bytes"),
            std::string::npos)
      << r.error;
}

TEST(DeviceTest, LaunchValidatesItsArguments) {
  Device dev;
  std::string err;
  auto mod = Module::load(
      module(".visible .entry k(.param .u64 p, .param .f32 f, .param .u32 n)"
             " .maxntid 64, 1, 1\n{\n  ret;\n}\n"
             ".visible .entry r() .reqntid 32, 2, 1\n{\n  ret;\n}\n"),
      err);
  ASSERT_TRUE(mod) << err;
  DevicePtr p = dev.alloc(16);
  auto expectErr = [&](LaunchResult r, const char *what) {
    EXPECT_FALSE(r.ok) << what;
    EXPECT_NE(r.error.find(what), std::string::npos) << r.error;
  };
  const std::vector<KernelArg> good = {KernelArg::ptr(p), KernelArg::f32(1),
                                       KernelArg::u32(3)};
  EXPECT_TRUE(dev.launch(*mod, "k", {2, 1, 1}, {64, 1, 1}, 0, good).ok);
  expectErr(dev.launch(*mod, "k", {1, 1, 1}, {65, 1, 1}, 0, good),
            "has more threads than .maxntid (64,1,1)");
  expectErr(dev.launch(*mod, "r", {1, 1, 1}, {64, 1, 1}, 0, {}),
            "differs from .reqntid (32,2,1)");
  expectErr(dev.launch(*mod, "k", {1, 1, 1}, {32, 1, 1}, 0,
                       {KernelArg::ptr(p), KernelArg::f32(1)}),
            "the kernel takes 3 parameter(s), 2 given");
  expectErr(dev.launch(*mod, "k", {1, 1, 1}, {32, 1, 1}, 0,
                       {KernelArg::ptr(p), KernelArg::f64(1),
                        KernelArg::u32(3)}),
            "argument 1 ('f', .f32, 4 bytes) was given 8 bytes");
  expectErr(dev.launch(*mod, "k", {1, 1, 1}, {32, 1, 1}, 0,
                       {KernelArg::ptr(p), KernelArg::f32(1),
                        KernelArg::f32(3)}),
            "argument 2 ('n', .u32, 4 bytes) was given a floating-point value");
  expectErr(dev.launch(*mod, "k", {1, 1, 1}, {32, 1, 1}, 0,
                       {KernelArg::f64(0), KernelArg::f32(1),
                        KernelArg::u32(3)}),
            "argument 0 ('p', .u64, 8 bytes) was given a floating-point value");
  expectErr(dev.launch(*mod, "nope", {1, 1, 1}, {32, 1, 1}, 0, good),
            "has no kernel 'nope' (kernels: k r)");
  expectErr(dev.launch(*mod, "k", {0, 1, 1}, {32, 1, 1}, 0, good),
            "must have no zero dimension");
  expectErr(dev.launch(*mod, "k", {1, 1, 1}, {32, 1, 1}, 300000, good),
            "bytes of shared memory exceed the 166912 bytes per block of sm_80");
}

TEST(DeviceTest, ModuleGlobalsLiveOncePerDevice) {
  // A kernel increments a module-scope counter; a second launch on the same
  // device sees the first one's value, another device starts from the
  // initialiser.
  const std::string ptx = module(R"(
.global .align 4 .u32 counter = 40;
.visible .entry k(.param .u64 out)
{
  .reg .b32 %r<3>;
  .reg .b64 %rd<3>;
  ld.param.u64 %rd1, [out];
  atom.global.add.u32 %r1, [counter], 1;
  st.global.u32 [%rd1], %r1;
  ret;
}
)");
  std::string err;
  auto mod = Module::load(ptx, err);
  ASSERT_TRUE(mod) << err;
  Device a, b;
  DevicePtr pa = a.alloc(4), pb = b.alloc(4);
  uint32_t v = 0;
  ASSERT_TRUE(a.launch(*mod, "k", {1, 1, 1}, {1, 1, 1}, 0,
                       {KernelArg::ptr(pa)}).ok);
  ASSERT_TRUE(a.launch(*mod, "k", {1, 1, 1}, {1, 1, 1}, 0,
                       {KernelArg::ptr(pa)}).ok);
  ASSERT_TRUE(a.memcpyDtoH(&v, pa, 4, err));
  EXPECT_EQ(v, 41u);
  ASSERT_TRUE(b.launch(*mod, "k", {1, 1, 1}, {1, 1, 1}, 0,
                       {KernelArg::ptr(pb)}).ok);
  ASSERT_TRUE(b.memcpyDtoH(&v, pb, 4, err));
  EXPECT_EQ(v, 40u);
  DevicePtr c;
  size_t n;
  ASSERT_TRUE(a.getGlobal(*mod, "counter", c, n, err)) << err;
  ASSERT_TRUE(a.memcpyDtoH(&v, c, 4, err));
  EXPECT_EQ(v, 42u);
}

TEST(DeviceTest, ConstantMemoryIsReadOnly) {
  const std::string ptx = module(R"(
.const .align 4 .u32 c = 5;
.visible .entry k()
{
  .reg .b64 %rd<3>;
  mov.u64 %rd1, c;
  st.global.u32 [%rd1], 1;
  ret;
}
)");
  std::string err;
  auto mod = Module::load(ptx, err);
  ASSERT_TRUE(mod) << err;
  Device dev;
  auto r = dev.launch(*mod, "k", {1, 1, 1}, {1, 1, 1}, 0, {});
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.error.find("write to read-only memory global write of 4 bytes"),
            std::string::npos)
      << r.error;
}

TEST(DeviceTest, ExitDivergenceCanBeRelaxed) {
  const std::string ptx = kernel(R"(
  setp.ge.u32 %p1, %r0, 32;
  @%p1 exit;
  bar.sync 0;
  st.global.u32 [%rd3], %r0;
)");
  std::string err;
  run<uint32_t>(ptx, 64, {1, 1, 1}, {64, 1, 1}, {}, &err);
  EXPECT_NE(err.find("exit divergence"), std::string::npos) << err;
  LaunchOptions opts;
  opts.strictAlignedBarriers = false;
  err.clear();
  auto v = run<uint32_t>(ptx, 64, {1, 1, 1}, {64, 1, 1}, {}, &err, 0, opts);
  EXPECT_TRUE(err.empty()) << err;
  ASSERT_EQ(v.size(), 64u);
  EXPECT_EQ(v[31], 31u);
  EXPECT_EQ(v[32], 0xffffffffu);
}

} // namespace
