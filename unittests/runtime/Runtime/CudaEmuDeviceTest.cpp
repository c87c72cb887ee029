//===- CudaEmuDeviceTest.cpp - the cuda-emu backend of libmpt_runtime -----===//
//
// The PTX emulator behind the runtime's device interface: memory, a PTX
// module, a launch with cuLaunchKernel-style arguments, and errors as
// statuses. The kernel is written here in PTX; the reference is computed on
// the host.
//
//===----------------------------------------------------------------------===//

#include "mpt-runtime/Device.h"

#include "gtest/gtest.h"

#include <cmath>
#include <vector>

using namespace mpt::rt;

namespace {

// y[i] = a * x[i] + y[i] for i < n.
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

TEST(CudaEmuDeviceTest, RunsAKernelThroughTheDeviceInterface) {
  Expected<std::unique_ptr<Device>> device = createDevice("cuda-emu");
  ASSERT_TRUE(device.ok()) << device.message();
  Device &d = **device;
  EXPECT_EQ(d.name(), "cuda-emu");

  const uint32_t n = 1000;
  std::vector<float> x(n), y(n), expected(n);
  for (uint32_t i = 0; i < n; ++i) {
    x[i] = 0.5f * static_cast<float>(i);
    y[i] = 1.0f - 0.25f * static_cast<float>(i);
  }
  const float a = 3.0f;
  for (uint32_t i = 0; i < n; ++i)
    expected[i] = std::fma(a, x[i], y[i]);

  Expected<DevicePtr> dx = d.allocate(n * sizeof(float));
  Expected<DevicePtr> dy = d.allocate(n * sizeof(float));
  ASSERT_TRUE(dx.ok() && dy.ok());
  ASSERT_TRUE(d.copyToDevice(*dx, x.data(), n * sizeof(float)).ok());
  ASSERT_TRUE(d.copyToDevice(*dy, y.data(), n * sizeof(float)).ok());
  EXPECT_EQ(d.memoryUsage().currentBytes, 2u * n * sizeof(float));

  CodeImage image;
  image.kind = CodeKind::Ptx;
  image.bytes = kSaxpy;
  image.name = "saxpy.ptx";
  Expected<std::unique_ptr<Module>> module = d.loadModule(image);
  ASSERT_TRUE(module.ok()) << module.message();
  EXPECT_TRUE((*module)->hasEntry("saxpy"));

  DevicePtr px = *dx, py = *dy;
  float pa = a;
  uint32_t pn = n;
  void *args[] = {&px, &py, &pa, &pn};
  LaunchConfig config;
  config.grid.x = (n + 127) / 128;
  config.block.x = 128;
  Status launched = d.launch(**module, "saxpy", config, args, 4);
  ASSERT_TRUE(launched.ok()) << launched.message();
  ASSERT_TRUE(d.synchronize().ok());

  std::vector<float> out(n);
  ASSERT_TRUE(d.copyToHost(out.data(), *dy, n * sizeof(float)).ok());
  for (uint32_t i = 0; i < n; ++i)
    ASSERT_EQ(out[i], expected[i]) << "element " << i;

  d.release(*dx);
  d.release(*dy);
  EXPECT_EQ(d.memoryUsage().currentBytes, 0u);
}

TEST(CudaEmuDeviceTest, KernelFaultsAndBadLaunchesAreStatuses) {
  Expected<std::unique_ptr<Device>> device = createDevice("cuda-emu");
  ASSERT_TRUE(device.ok());
  Device &d = **device;
  CodeImage image;
  image.kind = CodeKind::Ptx;
  image.bytes = kSaxpy;
  image.name = "saxpy.ptx";
  Expected<std::unique_ptr<Module>> module = d.loadModule(image);
  ASSERT_TRUE(module.ok());

  // Too few arguments.
  DevicePtr p = 0;
  void *two[] = {&p, &p};
  Status st = d.launch(**module, "saxpy", LaunchConfig(), two, 2);
  EXPECT_TRUE(st.failed());
  EXPECT_NE(st.message().find("takes 4 parameters"), std::string::npos)
      << st.message();

  // An out-of-bounds access: n larger than the buffers.
  Expected<DevicePtr> buf = d.allocate(16);
  ASSERT_TRUE(buf.ok());
  DevicePtr px = *buf, py = *buf;
  float a = 1.0f;
  uint32_t n = 64;
  void *args[] = {&px, &py, &a, &n};
  LaunchConfig config;
  config.block.x = 64;
  st = d.launch(**module, "saxpy", config, args, 4);
  EXPECT_TRUE(st.failed());
  EXPECT_NE(st.message().find("saxpy"), std::string::npos) << st.message();

  // Unknown kernel; native code refused; malformed PTX reported.
  EXPECT_TRUE(d.launch(**module, "nope", LaunchConfig(), args, 4).failed());
  CodeImage native;
  native.kind = CodeKind::NativeSharedObject;
  native.bytes = "\x7f" "ELF";
  native.name = "step.so";
  EXPECT_TRUE(d.loadModule(native).failed());
  CodeImage broken;
  broken.kind = CodeKind::Ptx;
  broken.bytes = ".version 8.0\n.target sm_80\n.visible .entry k( {";
  broken.name = "broken.ptx";
  Expected<std::unique_ptr<Module>> bad = d.loadModule(broken);
  ASSERT_TRUE(bad.failed());
  EXPECT_NE(bad.message().find("broken.ptx"), std::string::npos)
      << bad.message();
}

} // namespace
