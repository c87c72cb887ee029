//===- DeviceTest.cpp - The device interface and the CPU backend ----------===//

#include "TestSteps.h"

#include "mpt-runtime/Device.h"

#include <cstring>
#include <fstream>
#include <sstream>

using namespace mpt::rt;
using namespace mpt::rt::test;

TEST(DeviceTest, NamesAreCpuAndTheEmulatorNowAndCudaIsReserved) {
  EXPECT_EQ(availableDevices(), (std::vector<std::string>{"cpu", "cuda-emu"}));
  Expected<std::unique_ptr<Device>> cpu = createDevice("cpu");
  ASSERT_TRUE(cpu.ok());
  EXPECT_EQ((*cpu)->name(), "cpu");
  EXPECT_EQ(createDevice("cuda").message(),
            "device 'cuda' is not available in this build (available: cpu, "
            "cuda-emu)");
  Expected<std::unique_ptr<Device>> emu = createDevice("cuda-emu");
  ASSERT_TRUE(emu.ok());
  EXPECT_EQ((*emu)->name(), "cuda-emu");
  EXPECT_EQ(createDevice("gpu").message(),
            "unknown device 'gpu' (available: cpu, cuda-emu)");
}

TEST(DeviceTest, CpuMemoryIsAlignedAndCounted) {
  std::unique_ptr<Device> dev = createDevice("cpu").take();
  {
    Expected<DeviceBuffer> a = DeviceBuffer::allocate(*dev, 100);
    Expected<DeviceBuffer> z1 = DeviceBuffer::allocate(*dev, 0);
    Expected<DeviceBuffer> z2 = DeviceBuffer::allocate(*dev, 0);
    ASSERT_TRUE(a.ok() && z1.ok() && z2.ok());
    EXPECT_EQ(a->ptr() % 64, 0u);
    EXPECT_NE(z1->ptr(), z2->ptr());
    EXPECT_EQ(dev->memoryUsage().currentBytes, 100u);
    char in[100], out[100];
    for (int i = 0; i < 100; ++i)
      in[i] = static_cast<char>(i);
    ASSERT_TRUE(dev->copyToDevice(a->ptr(), in, 100).ok());
    Expected<DeviceBuffer> b = DeviceBuffer::allocate(*dev, 100);
    ASSERT_TRUE(dev->copyOnDevice(b->ptr(), a->ptr(), 100).ok());
    ASSERT_TRUE(dev->copyToHost(out, b->ptr(), 100).ok());
    EXPECT_EQ(std::memcmp(in, out, 100), 0);
    EXPECT_EQ(dev->memoryUsage().peakBytes, 200u);
  }
  EXPECT_EQ(dev->memoryUsage().currentBytes, 0u);
  EXPECT_EQ(dev->memoryUsage().peakBytes, 200u);
}

TEST(DeviceTest, NativeCodeIsLoadedFromMemory) {
  ArtifactContents a = contents("sgd");
  std::unique_ptr<Device> dev = createDevice("cpu").take();
  Expected<std::unique_ptr<Program>> p = dev->loadProgram(a, "sgd.mpt");
  ASSERT_TRUE(p.ok()) << p.message();
  // The code lives in an anonymous memfd, not in a file.
  std::ifstream maps("/proc/self/maps");
  std::stringstream text;
  text << maps.rdbuf();
  EXPECT_NE(text.str().find("/memfd:mpt-step"), std::string::npos);

  // Launching the entry directly through the device interface.
  CodeImage image{CodeKind::NativeSharedObject, a.nativeSharedObject, "sgd"};
  Expected<std::unique_ptr<Module>> m = dev->loadModule(image);
  ASSERT_TRUE(m.ok());
  EXPECT_TRUE((*m)->hasEntry("mpt_train_step"));
  EXPECT_TRUE((*m)->hasEntry("mpt_eval_step"));
  // The version script hides everything else.
  EXPECT_FALSE((*m)->hasEntry("forward"));
  float w[4] = {1, 2, 3, 4}, x[8] = {2, 2, 2, 2, 4, 4, 4, 4}, w2[4], loss;
  void *args[] = {w, x, w2, &loss};
  ASSERT_TRUE(dev->launch(**m, "mpt_train_step", LaunchConfig(), args, 4).ok());
  EXPECT_EQ(loss, 30.0f);
  EXPECT_EQ(w2[3], 4.0f - 0.1f * 3.0f);
  LaunchConfig grid;
  grid.grid.x = 2;
  EXPECT_EQ(dev->launch(**m, "mpt_train_step", grid, args, 4).message(),
            "native entries run once: launch mpt_train_step with a 1x1x1 grid "
            "and block");
  EXPECT_EQ(dev->launch(**m, "mpt_nothing", LaunchConfig(), args, 4).message(),
            "sgd: the native code has no entry mpt_nothing");
  CodeImage ptx{CodeKind::Ptx, ".version 8.0", "k.ptx"};
  EXPECT_EQ(dev->loadModule(ptx).message(),
            "k.ptx: the cpu device runs native code, not PTX");
}

TEST(DeviceTest, LoadErrorsNameTheArtifact) {
  std::unique_ptr<Device> dev = createDevice("cpu").take();
  ArtifactContents a = contents("undefined", "sgd");
  a.manifest.functions.pop_back();
  Expected<std::unique_ptr<Program>> p = dev->loadProgram(a, "u.mpt");
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.message(), "u.mpt: cannot load the native code: u.mpt (native "
                         "code): undefined symbol: "
                         "mpt_test_function_that_does_not_exist");
  a = contents("sgd");
  a.manifest.functions[1].symbol = "mpt_evaluate";
  EXPECT_EQ(dev->loadProgram(a, "s.mpt").message(),
            "s.mpt: the native code does not export mpt_evaluate (the entry of "
            "function eval_step)");
  ArtifactContents cuda = contents("sgd");
  cuda.manifest.target = "cuda";
  cuda.ptx = ".version 8.0\n";
  EXPECT_EQ(dev->loadProgram(cuda, "c.mpt").message(),
            "c.mpt: compiled for target 'cuda', which device 'cpu' cannot run");
  a.nativeSharedObject = std::string("\x7f" "ELF", 4) + "garbage";
  p = dev->loadProgram(a, "g.mpt");
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.message().rfind("g.mpt: cannot load the native code: g.mpt "
                              "(native code): ",
                              0),
            0u)
      << p.message();
}

TEST(DeviceTest, TwoArtifactsWithTheSameEntryNamesStayApart) {
  // Both export mpt_train_step; each session must run its own.
  auto sgd = session(artifact("sgd"));
  auto ls = session(artifact("lossscale"));
  float x[8] = {1, 1, 1, 1, 1, 1, 1, 1}, g = 1.0f;
  ASSERT_TRUE(sgd->setInput("x", x, sizeof x).ok());
  ASSERT_TRUE(ls->setInput("g", &g, 4).ok());
  Expected<StepResult> a = ls->step();
  Expected<StepResult> b = sgd->step();
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_TRUE(a->scale.has_value());
  EXPECT_FALSE(b->scale.has_value());
  EXPECT_EQ(a->loss, 1.0f); // w (1.0) * g
}

TEST(DeviceTest, CodeForAnotherX86LevelIsRefusedBeforeItRuns) {
  std::unique_ptr<Device> dev = createDevice("cpu").take();
  ArtifactContents a = contents("sgd");
  a.manifest.options = {{"cpu", "x86-64"}};
  EXPECT_TRUE(dev->loadProgram(a, "a.mpt").ok());
  a.manifest.options = {{"cpu", "x86-64-v4"}};
  Expected<std::unique_ptr<Program>> p = dev->loadProgram(a, "a.mpt");
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
      __builtin_cpu_supports("avx512cd") && __builtin_cpu_supports("avx512dq") &&
      __builtin_cpu_supports("avx512vl")) {
    EXPECT_TRUE(p.ok()) << p.message();
  } else {
    ASSERT_FALSE(p.ok());
    EXPECT_EQ(p.message().rfind("a.mpt: compiled for x86-64-v4, but this CPU "
                                "lacks avx512",
                                0),
              0u)
        << p.message();
  }
}
