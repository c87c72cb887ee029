//===- Pipelines.h - mpt pass pipelines -------------------------*- C++ -*-===//
//
// Pipelines are functions `(OpPassManager &, const Options &)` that framework
// compilers call directly, and are registered for mpt-opt and the plugin.
//
//===----------------------------------------------------------------------===//

#ifndef MPT_PIPELINES_PIPELINES_H
#define MPT_PIPELINES_PIPELINES_H

#include "mpt/Dialect/MPT/IR/LossScaleDefaults.h"
#include "mpt/Dialect/MPT/IR/MPTOps.h"

#include "mlir/Pass/PassOptions.h"

#include <string>

namespace mlir {
class OpPassManager;

namespace mpt {

/// Options of `mpt-mixed-precision`.
struct MixedPrecisionOptions
    : public PassPipelineOptions<MixedPrecisionOptions> {
  Option<LowPrecision> precision{
      *this, "precision", llvm::cl::desc("Low-precision type"),
      llvm::cl::init(LowPrecision::F16),
      llvm::cl::values(clEnumValN(LowPrecision::F16, "f16", "IEEE binary16"),
                       clEnumValN(LowPrecision::BF16, "bf16", "bfloat16"))};
  Option<LossScaleMode> lossScale{
      *this, "loss-scale", llvm::cl::desc("How the loss is scaled"),
      llvm::cl::init(LossScaleMode::Auto),
      llvm::cl::values(
          clEnumValN(LossScaleMode::Auto, "auto",
                     "dynamic for f16, none for bf16"),
          clEnumValN(LossScaleMode::Dynamic, "dynamic",
                     "scale state updated every step"),
          clEnumValN(LossScaleMode::Static, "static", "a constant scale"),
          clEnumValN(LossScaleMode::None, "none", "no scaling"))};
  Option<double> initScale{*this, "init-scale",
                           llvm::cl::desc("Initial or static loss scale"),
                           llvm::cl::init(kDefaultInitScale)};
  Option<double> growthFactor{*this, "growth-factor",
                              llvm::cl::desc("Loss-scale growth factor"),
                              llvm::cl::init(kDefaultGrowthFactor)};
  Option<double> backoffFactor{*this, "backoff-factor",
                               llvm::cl::desc("Loss-scale backoff factor"),
                               llvm::cl::init(kDefaultBackoffFactor)};
  Option<int64_t> growthInterval{
      *this, "growth-interval",
      llvm::cl::desc("Clean steps before the loss scale grows"),
      llvm::cl::init(kDefaultGrowthInterval)};
  Option<int64_t> hysteresis{
      *this, "hysteresis",
      llvm::cl::desc("Overflows tolerated before the scale backs off"),
      llvm::cl::init(kDefaultHysteresis)};
  Option<double> minScale{*this, "min-scale",
                          llvm::cl::desc("Lower bound of the scale (0: none)"),
                          llvm::cl::init(0.0)};
  Option<double> maxScale{
      *this, "max-scale",
      llvm::cl::desc("Upper bound of the scale (0: largest finite f32)"),
      llvm::cl::init(0.0)};
  Option<OverflowCheck> overflowCheck{
      *this, "overflow-check",
      llvm::cl::desc("Which scaled gradients count as an overflow"),
      llvm::cl::init(OverflowCheck::Auto),
      llvm::cl::values(
          clEnumValN(OverflowCheck::Auto, "auto",
                     "f16 where the step asks for it (mpt.overflow_check)"),
          clEnumValN(OverflowCheck::Inf, "inf", "inf or NaN"),
          clEnumValN(OverflowCheck::F16, "f16",
                     "also a gradient f16 cannot hold (GradScaler)"))};
  Option<bool> keepWorkingCopy{
      *this, "keep-working-copy",
      llvm::cl::desc("Carry the low-precision working copy between steps"),
      llvm::cl::init(true)};
  Option<bool> fp32Masters{
      *this, "fp32-masters",
      llvm::cl::desc("Keep FP32 master weights (false: pure low precision, "
                     "for comparison only)"),
      llvm::cl::init(true)};
  Option<bool> fuse{*this, "fuse",
                    llvm::cl::desc("Fuse conv/matmul + bias + ReLU"),
                    llvm::cl::init(true)};
  Option<bool> fusedFp32Bias{
      *this, "fused-fp32-bias",
      llvm::cl::desc("Fused epilogues read a low-precision bias add's f32 "
                     "master instead of its working copy"),
      llvm::cl::init(false)};
  Option<std::string> report{
      *this, "report",
      llvm::cl::desc("Write the autocast JSON report to this file"),
      llvm::cl::init("")};
  Option<std::string> fusionReport{
      *this, "fusion-report",
      llvm::cl::desc("Write the fusion JSON report to this file"),
      llvm::cl::init("")};
  Option<bool> summary{
      *this, "summary",
      llvm::cl::desc("Print autocast's per-function summary as a one-line "
                     "remark"),
      llvm::cl::init(false)};
  Option<int64_t> accumulate{
      *this, "accumulate",
      llvm::cl::desc("Micro-batches per optimizer step "
                     "(mpt-accumulate-gradients; 1: none)"),
      llvm::cl::init(1)};
  Option<bool> dataParallel{
      *this, "data-parallel",
      llvm::cl::desc("All-reduce every gradient over the ranks before the "
                     "overflow check (mpt-data-parallel)"),
      llvm::cl::init(false)};
  Option<ReduceKind> reduce{
      *this, "reduce", llvm::cl::desc("How the ranks' gradients combine"),
      llvm::cl::init(ReduceKind::mean),
      llvm::cl::values(clEnumValN(ReduceKind::mean, "mean", "mean"),
                       clEnumValN(ReduceKind::sum, "sum", "sum"))};
  Option<std::string> commPrecision{
      *this, "comm-precision",
      llvm::cl::desc("f32 or native: the type gradients travel in"),
      llvm::cl::init("f32")};
  Option<int64_t> bucketBytes{
      *this, "bucket-bytes",
      llvm::cl::desc("Largest bucket of gradients per collective call"),
      llvm::cl::init(26214400)};
};

/// Gradient accumulation and the gradients' all-reduce, as the
/// mixed-precision pipeline's options ask (nothing with the defaults): the
/// end of mpt-mixed-precision, and all an FP32 step gets.
void buildDataParallelPasses(OpPassManager &pm,
                             const MixedPrecisionOptions &options);

/// The loss-scaling mode the pipeline uses: `auto` resolves to dynamic for
/// f16 and none for bf16.
LossScaleMode resolveLossScaleMode(LowPrecision precision, LossScaleMode mode);

/// autocast, fusion, master weights, loss scaling, then canonicalize + cse.
void buildMixedPrecisionPipeline(OpPassManager &pm,
                                 const MixedPrecisionOptions &options);

/// Registers `mpt-mixed-precision`.
void registerMixedPrecisionPipeline();

/// Options of `mpt-lower-to-cpu`.
struct LowerToCPUOptions : public PassPipelineOptions<LowerToCPUOptions> {
  Option<bool> cInterface{
      *this, "c-interface",
      llvm::cl::desc("Give every public function a C interface "
                     "(_mlir_ciface_<name>, memref descriptors by pointer)"),
      llvm::cl::init(true)};
  Option<int64_t> parallelMinWork{
      *this, "parallel-min-work",
      llvm::cl::desc("Outlined ops of at least this many iterations run on "
                     "the runtime's threads (mpt-split-parallel-ops); 0: "
                     "every op runs on the calling thread"),
      llvm::cl::init(32768)};
  Option<bool> fuseElementwise{
      *this, "fuse-elementwise",
      llvm::cl::desc("Fuse chains of elementwise linalg ops into one loop "
                     "nest (mpt-fuse-elementwise; the results keep their "
                     "bits either way)"),
      llvm::cl::init(true)};
  Option<bool> registerTileMatmuls{
      *this, "register-tile-matmuls",
      llvm::cl::desc("Lower f32 matmuls and convolutions to tiles with "
                     "their accumulators in vector registers "
                     "(mpt-register-tile-matmuls; the results keep their bits "
                     "either way)"),
      llvm::cl::init(true)};
  Option<int64_t> vectorBits{
      *this, "vector-bits",
      llvm::cl::desc("Width of the vectors: 256 (AVX2: 8-lane register "
                     "tiles) or 512 (AVX-512: 16-lane register tiles, and "
                     "LLVM's 512-bit vectors for innermost loops of a "
                     "multiple of 16 iterations, at least 64)"),
      llvm::cl::init(256)};
  Option<bool> fmaMatmuls{
      *this, "fma-matmuls",
      llvm::cl::desc("Compute f32 matmuls with fused multiply-adds, one "
                     "rounding per step of the sum (mpt-fma-matmuls; for "
                     "targets with FMA instructions)"),
      llvm::cl::init(false)};
  Option<int64_t> reductionLanes{
      *this, "reduction-lanes",
      llvm::cl::desc("Sum reductions that have no vectorizable output "
                     "dimension (the loss, softmax and layer-norm sums) in "
                     "this many lane partials, in a fixed order "
                     "(mpt-vectorizable-loop-order); 0: sequential scalar "
                     "loops"),
      llvm::cl::init(8)};
};

/// A (mixed-precision) training step to the LLVM dialect for the CPU: mpt
/// ops to linalg, one-shot bufferization with results as out-parameters
/// (the caller owns every buffer), deallocation of temporaries, loops,
/// f16/bf16 arithmetic emulated in f32 with a rounding after each op, and
/// the LLVM dialect.
void buildLowerToCPUPipeline(OpPassManager &pm,
                             const LowerToCPUOptions &options);

/// Registers `mpt-lower-to-cpu`.
void registerLowerToCPUPipeline();

/// Options of `mpt-gpu-to-ptx` and `mpt-lower-to-cuda`.
struct LowerToCUDAOptions : public PassPipelineOptions<LowerToCUDAOptions> {
  Option<int64_t> sm{*this, "sm",
                     llvm::cl::desc("Compute capability of the PTX: 80 "
                                    "(A100 and later) or 90 (H100)"),
                     llvm::cl::init(80)};
  Option<bool> tensorCores{
      *this, "tensor-cores",
      llvm::cl::desc("Lower contractions to the tiled kernels (tensor cores "
                     "for f16/bf16, register micro-tiles for f32)"),
      llvm::cl::init(true)};
  Option<int64_t> optLevel{*this, "opt-level",
                           llvm::cl::desc("LLVM optimisation level of the "
                                          "NVPTX code generation (0-3)"),
                           llvm::cl::init(3)};
};

/// The device half of `mpt-lower-to-cuda`: the kernels of `gpu.module`s to
/// PTX text in `gpu.binary` ops (math without libdevice, f16/bf16 scalar
/// arithmetic in f32 with one rounding per op as on the CPU, nvgpu and gpu
/// ops to NVVM with bare-pointer memref arguments, LLVM's NVPTX backend).
void buildGPUToPTXPipeline(OpPassManager &pm,
                           const LowerToCUDAOptions &options);

/// The kernel half of `mpt-lower-to-cuda` (everything before
/// buildGPUToPTXPipeline): afterwards host functions hold only
/// allocations, views, constants, launches and copies, and every kernel is
/// a gpu.func in `gpu.module @mpt_kernels`.
void buildCUDAKernelsPipeline(OpPassManager &pm,
                              const LowerToCUDAOptions &options);

/// A (mixed-precision) step to a host program of launches and PTX kernels:
/// mpt ops to linalg, elementwise fusion, host scalar code into linalg ops,
/// one-shot bufferization with results as out-parameters (no deallocations:
/// the launch plan's arena gives temporaries their lifetime), every linalg
/// op to kernels and launches, identical kernels merged, then
/// buildGPUToPTXPipeline. The host functions that remain hold only
/// allocations, views, constants, launches and copies (docs/gpu.md).
void buildLowerToCUDAPipeline(OpPassManager &pm,
                              const LowerToCUDAOptions &options);

/// Registers `mpt-gpu-to-ptx` and `mpt-lower-to-cuda`.
void registerLowerToCUDAPipelines();

} // namespace mpt
} // namespace mlir

#endif // MPT_PIPELINES_PIPELINES_H
