//===- ContractionToMMA.h - contractions to tensor-core kernels -*- C++ -*-===//
//
// mpt's own lowering of linalg contractions on memrefs (matmuls in every
// operand layout, batched matmuls, convolutions and their data and weight
// gradients) to gpu.func kernels built from nvgpu.device_async_copy,
// nvgpu.ldmatrix and nvgpu.mma.sync (nvvm.mma.sync for bf16), with a
// multistage shared-memory pipeline and a fused epilogue. docs/gpu.md
// describes the kernels.
//
//===----------------------------------------------------------------------===//

#ifndef MPT_CONVERSION_CONTRACTIONTOMMA_CONTRACTIONTOMMA_H
#define MPT_CONVERSION_CONTRACTIONTOMMA_CONTRACTIONTOMMA_H

#include "mlir/Pass/Pass.h"
#include "mlir/Support/LLVM.h"

#include <optional>
#include <string>

namespace mlir {
class RewriterBase;
namespace gpu {
class GPUModuleOp;
} // namespace gpu
namespace linalg {
class LinalgOp;
} // namespace linalg

namespace mpt {

#define GEN_PASS_DECL_CONTRACTIONSTOMMA
#include "mpt/Conversion/Passes.h.inc"

/// What `lowerContractionToMMA` did with an op.
enum class MMALowering {
  /// Not a contraction of f16/bf16 operands into f32 accumulators (nor,
  /// with MMAOptions::lowerF32, of f32 operands), and not an op such a
  /// contraction absorbs: the IR is untouched.
  NotApplicable,
  /// The op is gone: it was the contraction, or an op the contraction
  /// absorbed (its accumulator fill, a zero padding, a transpose), and the
  /// group is now gpu.launch_func ops at the contraction's position.
  Lowered,
  /// A diagnostic was emitted at the op; the IR is untouched.
  Failed,
};

/// A block tile: BMxBNxBK elements, WMxWN warps, S pipeline stages.
struct MMATileConfig {
  int64_t blockM = 128, blockN = 128, blockK = 32;
  int64_t warpsM = 2, warpsN = 2;
  int64_t stages = 4;

  int64_t numWarps() const { return warpsM * warpsN; }
  int64_t numThreads() const { return 32 * numWarps(); }
  int64_t warpTileM() const { return blockM / warpsM; }
  int64_t warpTileN() const { return blockN / warpsN; }
  /// "128x128x32_w2x2_s4", the spelling of the `tile` option and of the
  /// kernels' `mpt.tile` attribute.
  std::string str() const;
  /// Parses str()'s spelling; the error says what is wrong.
  static FailureOr<MMATileConfig> parse(StringRef spelling, std::string &error);
  /// Whether the kernels can be built with this tile (multiples of the mma
  /// shape, at most 1024 threads, 2 or more stages, BK a multiple of 32);
  /// the error says why not.
  bool isValid(std::string &error) const;
  bool operator==(const MMATileConfig &o) const {
    return blockM == o.blockM && blockN == o.blockN && blockK == o.blockK &&
           warpsM == o.warpsM && warpsN == o.warpsN && stages == o.stages;
  }
};

struct MMAOptions {
  /// Target SM: 80 (A100) or 90 (H100/H200). Selects the SM count the tile
  /// heuristics assume and the shared-memory limit.
  int64_t sm = 80;
  /// Use this tile for every contraction instead of the heuristic choice.
  std::optional<MMATileConfig> forcedTile;
  /// Split the reduction over several blocks (plus a deterministic reduce
  /// kernel) where the output is small and the reduction long.
  bool allowSplitK = true;
  /// Use exactly this split count (tests); 0 lets the heuristic decide.
  int64_t forcedSplitK = 0;
  /// Lower f32 x f32 -> f32 contractions too, to the tiled SIMT family
  /// (FMA on register micro-tiles, `simt_*` kernels).
  bool lowerF32 = true;
};

/// Whether `op` is a contraction the tensor-core kernels handle: by the
/// structure of its indexing maps (batch/M/N/K loops, affine convolution
/// windows allowed in the operands), a multiply-accumulate body, f16 x f16
/// or bf16 x bf16 operands (possibly f32 rounded to them in the body) and an
/// f32 accumulator.
bool isTensorCoreContraction(linalg::LinalgOp op);

/// Lowers the contraction group `op` belongs to (see MMALowering). `op` is a
/// linalg op of a memref-level function, visited in program order. Every op
/// erased goes through `rewriter`, so a listener sees it (the group may
/// include ops after `op`: the contraction, its epilogue consumer). Kernels
/// are added to `kernels`; the enclosing module gets gpu.container_module.
MMALowering lowerContractionToMMA(RewriterBase &rewriter, linalg::LinalgOp op,
                                  gpu::GPUModuleOp kernels,
                                  const MMAOptions &options);

} // namespace mpt
} // namespace mlir

#endif // MPT_CONVERSION_CONTRACTIONTOMMA_CONTRACTIONTOMMA_H
