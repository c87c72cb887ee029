//===- DeviceTest.cpp - The device interface and the CPU backend ----------===//

#include "TestSteps.h"

#include "mpt-runtime/Device.h"

#include "HostCpu.h"

#include <cstring>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <sstream>

using namespace mpt::rt;
using namespace mpt::rt::test;

// The cuda device itself is tested against a fake driver (CudaDeviceTest).
TEST(DeviceTest, NamesAreCpuTheEmulatorAndCuda) {
  EXPECT_EQ(availableDevices(),
            (std::vector<std::string>{"cpu", "cuda-emu", "cuda"}));
  Expected<std::unique_ptr<Device>> cpu = createDevice("cpu");
  ASSERT_TRUE(cpu.ok());
  EXPECT_EQ((*cpu)->name(), "cpu");
  Expected<std::unique_ptr<Device>> emu = createDevice("cuda-emu");
  ASSERT_TRUE(emu.ok());
  EXPECT_EQ((*emu)->name(), "cuda-emu");
  EXPECT_EQ(createDevice("gpu").message(),
            "unknown device 'gpu' (available: cpu, cuda-emu, cuda)");
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
  // Not a whole ELF file: refused before dlopen maps it.
  a.nativeSharedObject = std::string("\x7f"
                                     "ELF",
                                     4) +
                         "garbage";
  EXPECT_EQ(dev->loadProgram(a, "g.mpt").message(),
            "g.mpt: the native code is not a complete ELF shared object: it "
            "is shorter than an ELF header");
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
      __builtin_cpu_supports("avx512cd") &&
      __builtin_cpu_supports("avx512dq") &&
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

namespace {
/// A CPU that has every feature except `lacking`; `unknown` cannot be
/// tested.
FeatureTest cpuWithout(std::set<std::string> lacking,
                       std::set<std::string> unknown = {}) {
  return [=](std::string_view f) -> std::optional<bool> {
    if (unknown.count(std::string(f)))
      return std::nullopt;
    return !lacking.count(std::string(f));
  };
}

using Options = std::vector<std::pair<std::string, std::string>>;
} // namespace

TEST(DeviceTest, TheX86_64_v3CheckCoversEveryFeatureOfTheLevel) {
  // The level check used to test avx, avx2, fma, bmi, bmi2 only: code
  // compiled for x86-64-v3 also uses f16c, lzcnt and movbe.
  Options v3 = {{"cpu", "x86-64-v3"}};
  EXPECT_EQ(cpuMismatch(v3, cpuWithout({"f16c", "lzcnt", "movbe"})),
            "compiled for x86-64-v3, but this CPU lacks f16c, lzcnt, movbe "
            "(compile with a lower --cpu level, e.g. x86-64)");
  EXPECT_EQ(cpuMismatch({{"cpu", "x86-64-v2"}}, cpuWithout({"cx16"})),
            "compiled for x86-64-v2, but this CPU lacks cx16 (compile with a "
            "lower --cpu level, e.g. x86-64)");
  // Levels are cumulative; plain x86-64 and named CPUs without a feature
  // list check nothing.
  EXPECT_EQ(cpuMismatch({{"cpu", "x86-64-v4"}}, cpuWithout({"popcnt"})),
            "compiled for x86-64-v4, but this CPU lacks popcnt (compile with "
            "a lower --cpu level, e.g. x86-64)");
  EXPECT_EQ(cpuMismatch({{"cpu", "x86-64"}}, cpuWithout({"avx", "sse4.2"})),
            "");
  EXPECT_EQ(cpuMismatch({{"cpu", "znver4"}}, cpuWithout({"avx512f"})), "");
  EXPECT_EQ(cpuMismatch({}, cpuWithout({"avx"})), "");
  std::vector<std::string> v3f = x86LevelFeatures("x86-64-v3");
  for (const char *f : {"avx", "avx2", "bmi", "bmi2", "f16c", "fma", "lzcnt",
                        "movbe", "sse4.2", "popcnt", "ssse3", "cx16"})
    EXPECT_NE(std::find(v3f.begin(), v3f.end(), f), v3f.end()) << f;
}

TEST(DeviceTest, TheRecordedCpuFeaturesAreCheckedOneByOne) {
  // "cpu-features" (what mpt-compile compiled with) takes precedence over
  // the level, for every --cpu: levels, native (recorded as the CPU's name)
  // and named CPUs.
  Options znver4 = {{"cpu", "znver4"},
                    {"cpu-features", "avx,avx2,avx512f,avx512fp16,lzcnt"}};
  EXPECT_EQ(cpuMismatch(znver4, cpuWithout({"avx512fp16", "lzcnt"})),
            "compiled for znver4, but this CPU lacks avx512fp16, lzcnt "
            "(compile with a lower --cpu level, e.g. x86-64)");
  EXPECT_EQ(cpuMismatch(znver4, cpuWithout({"avx512vnni"})), "");
  // Features this runtime cannot test are ignored (and mentioned nowhere);
  // '+' prefixes, spaces, disabled ('-') entries and repeats are fine.
  Options listed = {{"cpu", "x86-64-v4"},
                    {"cpu-features", "+avx2, +fast-gather,-avx512f,avx2,,bmi"}};
  EXPECT_EQ(cpuMismatch(listed, cpuWithout({"avx512f", "fast-gather"},
                                           {"fast-gather"})),
            "");
  EXPECT_EQ(cpuMismatch(listed, cpuWithout({"avx2", "bmi"}, {"fast-gather"})),
            "compiled for x86-64-v4, but this CPU lacks avx2, bmi (compile "
            "with a lower --cpu level, e.g. x86-64)");
  // Without a cpu option the features name the target.
  EXPECT_EQ(cpuMismatch({{"cpu-features", "f16c"}}, cpuWithout({"f16c"})),
            "compiled for the CPU features f16c, but this CPU lacks f16c "
            "(compile with a lower --cpu level, e.g. x86-64)");
  EXPECT_EQ(missingCpuFeatures("a,b,a,-c,+d", cpuWithout({"a", "c", "d"})),
            (std::vector<std::string>{"a", "d"}));
}

TEST(DeviceTest, HostFeaturesAgreeWithTheKernel) {
#if defined(__x86_64__)
  // /proc/cpuinfo's flags, an independent account of the same CPUID bits
  // (lzcnt is "abm" there).
  std::ifstream info("/proc/cpuinfo");
  std::string line, flags;
  while (std::getline(info, line))
    if (line.rfind("flags", 0) == 0) {
      flags = " " + line.substr(line.find(':') + 1) + " ";
      break;
    }
  if (flags.empty())
    GTEST_SKIP() << "no /proc/cpuinfo flags";
  std::map<std::string, std::string> names = {
      {"sse2", "sse2"},
      {"ssse3", "ssse3"},
      {"sse4.1", "sse4_1"},
      {"sse4.2", "sse4_2"},
      {"popcnt", "popcnt"},
      {"cx16", "cx16"},
      {"sahf", "lahf_lm"},
      {"avx", "avx"},
      {"avx2", "avx2"},
      {"fma", "fma"},
      {"f16c", "f16c"},
      {"bmi", "bmi1"},
      {"bmi2", "bmi2"},
      {"lzcnt", "abm"},
      {"movbe", "movbe"},
      {"xsave", "xsave"},
      {"avx512f", "avx512f"},
      {"avx512bw", "avx512bw"},
      {"avx512vl", "avx512vl"},
      {"avx512dq", "avx512dq"},
      {"avx512cd", "avx512cd"},
      {"avx512bf16", "avx512_bf16"},
      {"avx512fp16", "avx512_fp16"},
      {"amx-tile", "amx_tile"},
  };
  for (const auto &[llvm, kernel] : names) {
    std::optional<bool> have = hostHasCpuFeature(llvm);
    ASSERT_TRUE(have.has_value()) << llvm;
    EXPECT_EQ(*have, flags.find(" " + kernel + " ") != std::string::npos)
        << llvm << " (" << kernel << ")";
  }
  EXPECT_EQ(hostHasCpuFeature("fast-variable-perlane-shuffle"), std::nullopt);
  EXPECT_EQ(hostHasCpuFeature("no-such-feature"), std::nullopt);
#else
  GTEST_SKIP() << "not an x86-64 host";
#endif
}

TEST(DeviceTest, CodeNeedingAFeatureThisCpuLacksIsRefused) {
  std::unique_ptr<Device> dev = createDevice("cpu").take();
  ArtifactContents a = contents("sgd");
  a.manifest.options = {{"cpu", "somecpu"},
                        {"cpu-features", "sse2,no-such-feature"}};
  EXPECT_TRUE(dev->loadProgram(a, "a.mpt").ok());
  // A feature this host lacks, if there is one it can test.
  std::string lacking;
  for (const char *f :
       {"amx-tile", "avx512fp16", "avx512vp2intersect", "avx512bf16", "xop",
        "fma4", "sse4a", "tbm", "avx512f", "avx2"})
    if (hostHasCpuFeature(f) == false) {
      lacking = f;
      break;
    }
  if (lacking.empty())
    GTEST_SKIP() << "this CPU has every feature the test could ask for";
  a.manifest.options = {{"cpu", "somecpu"},
                        {"cpu-features", "sse2," + lacking}};
  Expected<std::unique_ptr<Program>> p = dev->loadProgram(a, "a.mpt");
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.message(), "a.mpt: compiled for somecpu, but this CPU lacks " +
                             lacking +
                             " (compile with a lower --cpu level, e.g. "
                             "x86-64)");
}

TEST(DeviceTest, TheTableMustBeTheOneTheCodeWasCompiledFor) {
  // Each of these tables, packed next to sgd's code, used to crash the
  // process or read past a buffer: the code states its ABI (mpt_abi) and
  // the table is checked against it before the first call.
  std::unique_ptr<Device> dev = createDevice("cpu").take();
  struct Case {
    std::function<void(FunctionSig &train)> edit;
    std::string message;
  } cases[] = {
      {[](FunctionSig &f) {
         f.args.push_back(f.args[1]);
         f.args[2].name = "z";
       },
       "function train_step: the signature table has 3 arguments and 2 "
       "results, but the native code of mpt_train_step takes 2 arguments and "
       "2 results"},
      {[](FunctionSig &f) { f.args.pop_back(); },
       "function train_step: the signature table has 1 argument and 2 "
       "results, but the native code of mpt_train_step takes 2 arguments and "
       "2 results"},
      {[](FunctionSig &f) { f.results.pop_back(); },
       "function train_step: the signature table has 2 arguments and 1 "
       "result, but the native code of mpt_train_step takes 2 arguments and "
       "2 results"},
      {[](FunctionSig &f) { f.symbol = "mpt_eval_step"; },
       "function train_step: its entry mpt_eval_step is the native code of "
       "function eval_step, not of train_step"},
      {[](FunctionSig &f) {
         f.args[1].shape = {2, 64};
       },
       "function train_step, argument #1 'x': the signature table says "
       "f32[2, 64] (512 bytes), but the native code was compiled for 32 "
       "bytes of f32"},
      {[](FunctionSig &f) { f.args[1].dtype = DType::F64; },
       "function train_step, argument #1 'x': the signature table says "
       "f64[2, 4] (64 bytes), but the native code was compiled for 32 bytes "
       "of f32"},
      {[](FunctionSig &f) { f.args[1].dtype = DType::I32; },
       "function train_step, argument #1 'x': the signature table says "
       "i32[2, 4] (32 bytes), but the native code was compiled for 32 bytes "
       "of f32"},
      // Sizes and types right, the meaning changed: caught by the hash.
      {[](FunctionSig &f) {
         f.args[1].shape = {4, 2};
       },
       "function train_step: the signature table is not the one the native "
       "code was compiled for (its names, roles, shapes or updates were "
       "changed)"},
      {[](FunctionSig &f) { f.args[1].name = "y"; },
       "function train_step: the signature table is not the one the native "
       "code was compiled for (its names, roles, shapes or updates were "
       "changed)"},
  };
  for (const Case &c : cases) {
    ArtifactContents a = contents("sgd");
    c.edit(a.manifest.functions[0]);
    ASSERT_TRUE(a.manifest.validate().ok()) << a.manifest.validate().message();
    EXPECT_EQ(dev->loadProgram(a, "s.mpt").message(), "s.mpt: " + c.message);
  }
  // The same table with another symbol of the code: no record for it.
  ArtifactContents swapped = contents("sgd");
  std::swap(swapped.manifest.functions[0].symbol,
            swapped.manifest.functions[1].symbol);
  EXPECT_EQ(dev->loadProgram(swapped, "s.mpt").message(),
            "s.mpt: function train_step: its entry mpt_eval_step is the "
            "native code of function eval_step, not of train_step");
  // Code without a record (an older mpt-compile) is refused, not trusted.
  EXPECT_EQ(dev->loadProgram(contents("sgd-noabi", "sgd"), "o.mpt").message(),
            "o.mpt: the native code does not state its ABI (no mpt_abi "
            "symbol): it was built by an older mpt-compile, or by hand "
            "without `mpt-artifact abi-source`; compile the model again");
  // And the right table loads.
  EXPECT_TRUE(dev->loadProgram(contents("sgd"), "s.mpt").ok());
}

TEST(DeviceTest, TruncatedNativeCodeIsRefusedBeforeDlopen) {
  // dlopen maps the file: a segment cut off at the end would be a SIGBUS
  // when the code touches it.
  std::unique_ptr<Device> dev = createDevice("cpu").take();
  ArtifactContents a = contents("sgd");
  size_t full = a.nativeSharedObject.size();
  for (size_t keep : {full - 1, full * 3 / 4, full / 2, size_t(200)}) {
    ArtifactContents cut = a;
    cut.nativeSharedObject.resize(keep);
    Expected<std::unique_ptr<Program>> p = dev->loadProgram(cut, "t.mpt");
    ASSERT_FALSE(p.ok()) << keep;
    EXPECT_EQ(p.message().rfind("t.mpt: the native code is not a complete ELF "
                                "shared object: ",
                                0),
              0u)
        << p.message();
  }
  // Bytes after the end of the ELF file are harmless.
  a.nativeSharedObject.append(100, '\0');
  EXPECT_TRUE(dev->loadProgram(a, "t.mpt").ok());
}
