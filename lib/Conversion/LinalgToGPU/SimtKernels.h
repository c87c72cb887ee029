//===- SimtKernels.h - SIMT kernels for linalg ops --------------*- C++ -*-===//
//
// The kernel families for every linalg op that is not a tensor-core
// contraction (docs/gpu.md, "SIMT kernels"):
//
//   elementwise       one thread per point of the iteration space
//   thread_reduction  one thread per output point; the reduction loops run
//                     in the order the CPU runs them (bit-identical sums)
//   row_reduction     one warp per output point, lanes stride over the
//                     reduction space (contiguous in memory), butterfly
//                     shuffles combine the partial results
//   full_reduction    a single output point: one block of 256 threads,
//                     shuffles within warps, shared memory across them
//
//===----------------------------------------------------------------------===//

#ifndef MPT_LIB_CONVERSION_LINALGTOGPU_SIMTKERNELS_H
#define MPT_LIB_CONVERSION_LINALGTOGPU_SIMTKERNELS_H

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/PatternMatch.h"

namespace mlir::mpt::gpukernels {

/// Replaces `op` (a linalg.generic on memrefs with static loop ranges and
/// no value captured from the host but constants) by a SIMT kernel in
/// `kernels` and its launch.
LogicalResult lowerToSimtKernel(RewriterBase &rewriter, linalg::GenericOp op,
                                gpu::GPUModuleOp kernels);

} // namespace mlir::mpt::gpukernels

#endif // MPT_LIB_CONVERSION_LINALGTOGPU_SIMTKERNELS_H
