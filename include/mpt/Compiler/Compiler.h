//===- Compiler.h - FP32 training graph to an mpt artifact -----*- C++ -*-===//
//
// What mpt-compile does, as a library a framework compiler can call: run the
// mixed-precision pipeline, read the signature table off the `mpt.*`
// attributes, lower to native code and write one self-contained artifact
// that libmpt_runtime loads.
//
//===----------------------------------------------------------------------===//

#ifndef MPT_COMPILER_COMPILER_H
#define MPT_COMPILER_COMPILER_H

#include "mpt/Pipelines/Pipelines.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Support/LLVM.h"

#include <string>

namespace mpt::rt {
struct Manifest;
struct LaunchPlan;
} // namespace mpt::rt

namespace mlir::mpt {

struct CompileOptions {
  /// "cpu" (native code) or "cuda" (PTX and a launch plan).
  std::string target = "cpu";
  /// Compute capability of the PTX for target "cuda": 80 or 90.
  int64_t sm = 80;
  /// "f32" (no rewrite) or the mpt-mixed-precision options.
  std::string precision = "f32";
  std::string lossScale = "auto";
  double initScale = kDefaultInitScale, growthFactor = kDefaultGrowthFactor,
         backoffFactor = kDefaultBackoffFactor;
  int64_t growthInterval = kDefaultGrowthInterval,
          hysteresis = kDefaultHysteresis;
  double minScale = 0.0, maxScale = 0.0;
  /// Which scaled gradients count as an overflow: "auto", "inf" or "f16"
  /// (mpt-loss-scaling's overflow-check).
  std::string overflowCheck = "auto";
  bool keepWorkingCopy = true, fp32Masters = true, fuse = true;
  /// Fused epilogues read a low-precision bias add's f32 master instead of
  /// its working copy (mpt-fuse-conv-bias-relu's fp32-bias).
  bool fusedFp32Bias = false;
  /// Autocast and fusion JSON report files ("" for none).
  std::string autocastReport, fusionReport;
  /// Emit the passes' one-line summaries as remarks.
  bool remarks = false;
  /// LLVM CPU name for the native code: "auto" (the best x86-64 level this
  /// machine has: x86-64-v4 with AVX-512, else x86-64-v3, ..., so artifacts
  /// run where they are built and on any machine of that level), "native",
  /// or a name such as "x86-64-v2".
  std::string cpu = "auto";
  /// Set by resolveTarget: the LLVM feature string the code is generated
  /// with ("+avx2,-avx512f,..."; the host's for "native", else empty: the
  /// CPU implies them) and every feature the code may use, comma-separated
  /// LLVM names, recorded in the artifact as `cpu-features` so the runtime
  /// can refuse code this CPU cannot run.
  std::string cpuFeatureFlags, cpuFeatures;
  /// Data parallelism: all-reduce the gradients over the ranks (mean or
  /// sum, in f32 or the gradients' own type), in buckets of at most
  /// `bucketBytes`; and gradient accumulation over `accumulate`
  /// micro-batches.
  bool dataParallel = false;
  std::string reduce = "mean", commPrecision = "f32";
  int64_t bucketBytes = 26214400, accumulate = 1;
  /// CPU: ops of at least this many iterations run on the runtime's
  /// threads (mpt-split-parallel-ops); 0: all on the calling thread.
  int64_t parallelMinWork = 32768;
  /// CPU: fuse chains of elementwise ops (mpt-fuse-elementwise).
  bool fuseElementwise = true;
  /// CPU: sum reductions with no vectorizable output dimension in this many
  /// lane partials (mpt-vectorizable-loop-order); 0: sequential loops.
  int64_t reductionLanes = 8;
  /// CPU: f32 matmuls and convolutions with register accumulators
  /// (mpt-register-tile-matmuls).
  bool registerTileMatmuls = true;
  /// CPU: the width of the code's vectors, 256 or 512 bits (AVX-512): the
  /// register tiles' lanes (8 or 16) and LLVM's preferred vector width.
  /// 0: 512 where the target has AVX-512, else 256 (resolveTarget
  /// decides).
  int64_t vectorBits = 0;
  /// CPU: f32 matmuls with fused multiply-adds (mpt-fma-matmuls): "true",
  /// "false", or "auto" (true where the target has FMA instructions;
  /// resolveTarget decides).
  std::string fma = "auto";
  /// CPU: keep a step's freed temporaries for the next step instead of
  /// handing them back to malloc (NativeCode.cpp's allocator wrappers).
  bool reuseTemporaries = true;
  /// The system C compiler/linker that makes the shared object.
  std::string linker = "cc";
  /// Keep the intermediate files (object, wrapper, shared object) here.
  std::string keepTempsDir;

  /// The options as strings, recorded in the artifact.
  SmallVector<std::pair<std::string, std::string>> describe() const;
};

/// Resolves `options.cpu` to the CPU the code is generated for ("auto": the
/// best x86-64 level this machine has; "native": this machine's CPU name
/// and features), fills `cpuFeatureFlags` and `cpuFeatures`, and resolves
/// `fma` and `vectorBits` from those features. Fails with a diagnostic at
/// `loc` when LLVM does not know the CPU or the CPU lacks AVX-512 for
/// 512-bit vectors.
LogicalResult resolveTarget(CompileOptions &options, Location loc);

/// Runs mpt-mixed-precision on `module` when the precision is not f32.
LogicalResult applyMixedPrecision(ModuleOp module,
                                  const CompileOptions &options);

/// Reads the signature table of every public function off the `mpt.*`
/// attributes and the types (before lowering). Emits a diagnostic at the
/// offending argument when something cannot run (dynamic shapes, element
/// types the runtime does not know, missing names or roles).
LogicalResult extractManifest(ModuleOp module, const CompileOptions &options,
                              ::mpt::rt::Manifest &manifest);

/// Lowers the module (with mpt ops) to native code and returns the bytes of
/// a shared object exporting `int32_t mpt_<name>(void *const *buffers)` for
/// every function of `manifest`.
FailureOr<std::string>
buildNativeSharedObject(ModuleOp module, const ::mpt::rt::Manifest &manifest,
                        const CompileOptions &options);

/// Target "cuda": records every public host function of `module` (after
/// the kernel half of mpt-lower-to-cuda: allocations, views, launches and
/// copies only) as a launch plan with an arena planned from the
/// temporaries' lifetimes; the bytes of constant globals are appended to
/// `deviceConstants`.
FailureOr<::mpt::rt::LaunchPlan>
buildLaunchPlan(ModuleOp module, const ::mpt::rt::Manifest &manifest,
                int64_t sm, std::string &deviceConstants);

/// The PTX text of the module's `gpu.binary` (after mpt-gpu-to-ptx).
FailureOr<std::string> extractPTX(ModuleOp module);

/// What a compilation produced, for the tool to print.
struct CompileSummary {
  /// Target "cuda": distinct kernels, PTX bytes, the shared arena, and per
  /// function the launches and device copies of one call.
  size_t kernels = 0, ptxBytes = 0, constantBytes = 0;
  uint64_t arenaBytes = 0;
  struct Function {
    std::string name;
    size_t launches = 0, copies = 0;
    uint64_t arenaBytes = 0;
  };
  SmallVector<Function> functions;
};

/// All of the above, then writes the artifact to `outputPath` (atomically).
/// Fills `summary` when given.
LogicalResult compileToArtifact(ModuleOp module, const CompileOptions &options,
                                StringRef outputPath,
                                CompileSummary *summary = nullptr);

} // namespace mlir::mpt

#endif // MPT_COMPILER_COMPILER_H
