//===- HostCpu.h - Can this CPU run an artifact's code? ------*- C++ -*-===//
//
// mpt-compile records what it compiled the native code for in the
// artifact's options: `cpu` (an x86-64 level such as x86-64-v3, "native"
// resolved to a CPU name, or a named CPU) and `cpu-features`, the target
// features (LLVM names, comma-separated, e.g. "avx,avx2,bmi,bmi2,f16c,fma").
// The CPU backend refuses code that needs a feature this CPU lacks, rather
// than dying of SIGILL in the middle of a step. Features are tested with
// CPUID (and XGETBV for the register state the OS saves); features this
// runtime has no test for (tuning flags, features newer than it) are
// ignored.
//
//===----------------------------------------------------------------------===//

#ifndef MPT_RUNTIME_LIB_HOSTCPU_H
#define MPT_RUNTIME_LIB_HOSTCPU_H

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mpt {
namespace rt {

/// Whether this CPU (and OS) supports the LLVM target feature `name`
/// ("avx2", "sse4.2", "lzcnt", ...); nullopt when it cannot be tested here
/// (an unknown name, or not an x86-64 host).
std::optional<bool> hostHasCpuFeature(std::string_view name);

/// The features of an x86-64 micro-architecture level, cumulative
/// ("x86-64-v3": v2's and avx, avx2, bmi, bmi2, f16c, fma, lzcnt, movbe,
/// xsave); empty for anything else ("x86-64" itself needs nothing beyond
/// what every x86-64 has).
std::vector<std::string> x86LevelFeatures(std::string_view level);

/// A host feature test: true/false, or nullopt when it cannot be tested.
using FeatureTest = std::function<std::optional<bool>(std::string_view)>;

/// The features in the comma-separated `list` ("+avx2,+fma" or
/// "avx2,fma"; entries starting with '-' are disabled features and skipped)
/// that `has` reports as missing, in list order, without duplicates.
std::vector<std::string> missingCpuFeatures(std::string_view list,
                                            const FeatureTest &has);

/// Why the native code of an artifact compiled with `options` cannot run on
/// a CPU with the features `has` reports, as "compiled for x86-64-v3, but
/// this CPU lacks f16c, lzcnt (...)"; empty when it can. Uses the option
/// `cpu-features` when present, else the level in `cpu` (artifacts written
/// before mpt-compile recorded the features).
std::string
cpuMismatch(const std::vector<std::pair<std::string, std::string>> &options,
            const FeatureTest &has = hostHasCpuFeature);

} // namespace rt
} // namespace mpt

#endif // MPT_RUNTIME_LIB_HOSTCPU_H
