//===- HostCpu.cpp - Does this CPU run the artifact's native code? --------===//

#include "HostCpu.h"

#include <cstdint>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <cpuid.h>
#define MPT_HOST_X86 1
#endif

using namespace mpt::rt;

namespace {
enum Reg : uint8_t { EAX, EBX, ECX, EDX };
/// Register state the OS must save for the instructions to work.
enum OsState : uint8_t { None, Ymm, Zmm, Amx };

struct FeatureBit {
  const char *name; ///< LLVM's name
  uint32_t leaf, subleaf;
  Reg reg;
  uint8_t bit;
  OsState os;
};

// The CPUID bits of LLVM's x86 target features (llvm/lib/TargetParser/
// X86TargetParser.def, Host.cpp) that change which instructions the code
// may contain.
const FeatureBit kFeatures[] = {
    {"x87", 1, 0, EDX, 0, None},
    {"cx8", 1, 0, EDX, 8, None},
    {"cmov", 1, 0, EDX, 15, None},
    {"mmx", 1, 0, EDX, 23, None},
    {"fxsr", 1, 0, EDX, 24, None},
    {"sse", 1, 0, EDX, 25, None},
    {"sse2", 1, 0, EDX, 26, None},
    {"sse3", 1, 0, ECX, 0, None},
    {"pclmul", 1, 0, ECX, 1, None},
    {"ssse3", 1, 0, ECX, 9, None},
    {"fma", 1, 0, ECX, 12, Ymm},
    {"cx16", 1, 0, ECX, 13, None},
    {"sse4.1", 1, 0, ECX, 19, None},
    {"sse4.2", 1, 0, ECX, 20, None},
    {"crc32", 1, 0, ECX, 20, None},
    {"movbe", 1, 0, ECX, 22, None},
    {"popcnt", 1, 0, ECX, 23, None},
    {"aes", 1, 0, ECX, 25, None},
    {"xsave", 1, 0, ECX, 26, None},
    {"avx", 1, 0, ECX, 28, Ymm},
    {"f16c", 1, 0, ECX, 29, Ymm},
    {"rdrnd", 1, 0, ECX, 30, None},
    {"fsgsbase", 7, 0, EBX, 0, None},
    {"bmi", 7, 0, EBX, 3, None},
    {"avx2", 7, 0, EBX, 5, Ymm},
    {"bmi2", 7, 0, EBX, 8, None},
    {"invpcid", 7, 0, EBX, 10, None},
    {"rtm", 7, 0, EBX, 11, None},
    {"avx512f", 7, 0, EBX, 16, Zmm},
    {"avx512dq", 7, 0, EBX, 17, Zmm},
    {"rdseed", 7, 0, EBX, 18, None},
    {"adx", 7, 0, EBX, 19, None},
    {"avx512ifma", 7, 0, EBX, 21, Zmm},
    {"clflushopt", 7, 0, EBX, 23, None},
    {"clwb", 7, 0, EBX, 24, None},
    {"avx512cd", 7, 0, EBX, 28, Zmm},
    {"sha", 7, 0, EBX, 29, None},
    {"avx512bw", 7, 0, EBX, 30, Zmm},
    {"avx512vl", 7, 0, EBX, 31, Zmm},
    {"prefetchwt1", 7, 0, ECX, 0, None},
    {"avx512vbmi", 7, 0, ECX, 1, Zmm},
    {"pku", 7, 0, ECX, 3, None},
    {"waitpkg", 7, 0, ECX, 5, None},
    {"avx512vbmi2", 7, 0, ECX, 6, Zmm},
    {"shstk", 7, 0, ECX, 7, None},
    {"gfni", 7, 0, ECX, 8, None},
    {"vaes", 7, 0, ECX, 9, Ymm},
    {"vpclmulqdq", 7, 0, ECX, 10, Ymm},
    {"avx512vnni", 7, 0, ECX, 11, Zmm},
    {"avx512bitalg", 7, 0, ECX, 12, Zmm},
    {"avx512vpopcntdq", 7, 0, ECX, 14, Zmm},
    {"rdpid", 7, 0, ECX, 22, None},
    {"cldemote", 7, 0, ECX, 25, None},
    {"movdiri", 7, 0, ECX, 27, None},
    {"movdir64b", 7, 0, ECX, 28, None},
    {"enqcmd", 7, 0, ECX, 29, None},
    {"avx512vp2intersect", 7, 0, EDX, 8, Zmm},
    {"serialize", 7, 0, EDX, 14, None},
    {"tsxldtrk", 7, 0, EDX, 16, None},
    {"pconfig", 7, 0, EDX, 18, None},
    {"amx-bf16", 7, 0, EDX, 22, Amx},
    {"avx512fp16", 7, 0, EDX, 23, Zmm},
    {"amx-tile", 7, 0, EDX, 24, Amx},
    {"amx-int8", 7, 0, EDX, 25, Amx},
    {"avxvnni", 7, 1, EAX, 4, Ymm},
    {"avx512bf16", 7, 1, EAX, 5, Zmm},
    {"cmpccxadd", 7, 1, EAX, 7, None},
    {"amx-fp16", 7, 1, EAX, 21, Amx},
    {"hreset", 7, 1, EAX, 22, None},
    {"avxifma", 7, 1, EAX, 23, Ymm},
    {"xsaveopt", 0xD, 1, EAX, 0, None},
    {"xsavec", 0xD, 1, EAX, 1, None},
    {"xsaves", 0xD, 1, EAX, 3, None},
    {"sahf", 0x80000001, 0, ECX, 0, None},
    {"lzcnt", 0x80000001, 0, ECX, 5, None},
    {"sse4a", 0x80000001, 0, ECX, 6, None},
    {"prfchw", 0x80000001, 0, ECX, 8, None},
    {"xop", 0x80000001, 0, ECX, 11, Ymm},
    {"fma4", 0x80000001, 0, ECX, 16, Ymm},
    {"tbm", 0x80000001, 0, ECX, 21, None},
    {"mwaitx", 0x80000001, 0, ECX, 29, None},
    {"rdtscp", 0x80000001, 0, EDX, 27, None},
    {"64bit", 0x80000001, 0, EDX, 29, None},
    {"clzero", 0x80000008, 0, EBX, 0, None},
    {"wbnoinvd", 0x80000008, 0, EBX, 9, None},
};

#ifdef MPT_HOST_X86
/// The register state the OS saves (XCR0), 0 without OSXSAVE.
uint64_t xcr0() {
  unsigned a, b, c, d;
  if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & (1u << 27)))
    return 0;
  uint32_t lo, hi;
  __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
  return (uint64_t(hi) << 32) | lo;
}
#endif
} // namespace

std::optional<bool> mpt::rt::hostHasCpuFeature(std::string_view name) {
#ifdef MPT_HOST_X86
  for (const FeatureBit &f : kFeatures) {
    if (name != f.name)
      continue;
    unsigned r[4] = {0, 0, 0, 0};
    if (!__get_cpuid_count(f.leaf, f.subleaf, &r[EAX], &r[EBX], &r[ECX],
                           &r[EDX]))
      return false; // the leaf does not exist on this CPU
    if (!(r[f.reg] & (1u << f.bit)))
      return false;
    static const uint64_t saved = xcr0();
    switch (f.os) {
    case None:
      return true;
    case Ymm: // SSE and AVX state
      return (saved & 0x6) == 0x6;
    case Zmm: // and the opmask and ZMM state
      return (saved & 0xE6) == 0xE6;
    case Amx: // and the tile configuration and data
      return (saved & 0x60006) == 0x60006;
    }
    return true;
  }
#endif
  (void)name;
  return std::nullopt;
}

std::vector<std::string> mpt::rt::x86LevelFeatures(std::string_view level) {
  // As LLVM defines the levels (X86.td): each includes the one below.
  static const std::vector<std::vector<std::string>> kLevels = {
      {"cx16", "sahf", "popcnt", "sse3", "ssse3", "sse4.1", "sse4.2"},
      {"avx", "avx2", "bmi", "bmi2", "f16c", "fma", "lzcnt", "movbe", "xsave"},
      {"avx512f", "avx512bw", "avx512cd", "avx512dq", "avx512vl"},
  };
  size_t rank = level == "x86-64-v2"   ? 1
                : level == "x86-64-v3" ? 2
                : level == "x86-64-v4" ? 3
                                       : 0;
  std::vector<std::string> out;
  for (size_t i = 0; i < rank; ++i)
    out.insert(out.end(), kLevels[i].begin(), kLevels[i].end());
  return out;
}

std::vector<std::string> mpt::rt::missingCpuFeatures(std::string_view list,
                                                     const FeatureTest &has) {
  std::vector<std::string> missing;
  size_t pos = 0;
  while (pos <= list.size()) {
    size_t comma = list.find(',', pos);
    if (comma == std::string_view::npos)
      comma = list.size();
    std::string_view f = list.substr(pos, comma - pos);
    pos = comma + 1;
    while (!f.empty() && f.front() == ' ')
      f.remove_prefix(1);
    while (!f.empty() && f.back() == ' ')
      f.remove_suffix(1);
    if (!f.empty() && f.front() == '+')
      f.remove_prefix(1);
    if (f.empty() || f.front() == '-')
      continue;
    std::optional<bool> present = has(f);
    if (present && !*present) {
      bool seen = false;
      for (const std::string &m : missing)
        seen |= m == f;
      if (!seen)
        missing.emplace_back(f);
    }
  }
  return missing;
}

std::string mpt::rt::cpuMismatch(
    const std::vector<std::pair<std::string, std::string>> &options,
    const FeatureTest &has) {
  const std::string *cpu = nullptr, *features = nullptr;
  for (const auto &kv : options) {
    if (kv.first == "cpu")
      cpu = &kv.second;
    if (kv.first == "cpu-features")
      features = &kv.second;
  }
  std::vector<std::string> missing;
  if (features) {
    missing = missingCpuFeatures(*features, has);
  } else if (cpu) {
    std::string list;
    for (const std::string &f : x86LevelFeatures(*cpu))
      list += f + ",";
    missing = missingCpuFeatures(list, has);
  }
  if (missing.empty())
    return "";
  std::string text;
  for (const std::string &m : missing)
    text += (text.empty() ? "" : ", ") + m;
  std::string target = cpu ? *cpu : "the CPU features " + *features;
  return "compiled for " + target + ", but this CPU lacks " + text +
         " (compile with a lower --cpu level, e.g. x86-64)";
}
