//===- RegisterTiling.h - f32 matmuls with accumulators in registers ------===//
//
// Shared by mpt-register-tile-matmuls and mpt-split-parallel-ops, which
// lowers the ops it gives a row range with the same loops.
//
//===----------------------------------------------------------------------===//

#ifndef MPT_TRANSFORMS_REGISTERTILING_H
#define MPT_TRANSFORMS_REGISTERTILING_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/PatternMatch.h"

namespace mlir::mpt {

/// Whether `op` is a plain f32 matmul on buffers in the loop order that
/// mpt-vectorizable-loop-order gives it: loops (i, k, j) = (parallel,
/// reduction, parallel), output C[i, j] contiguous in j, B[k, j] contiguous
/// in j, A[i, k] or A[k, i], body `out + a * b` in f32 (either operand
/// order), static shapes with j a multiple of 8.
bool isRegisterTileableMatmul(linalg::LinalgOp op);

/// Emits, before `op` (a tileable matmul), loops computing its output rows
/// [lo, hi): tiles of 4 rows (then single rows) by 16 or 8 columns whose
/// accumulators stay in vector registers over the whole k loop. Every
/// output element receives exactly the products of the op's loop order, in
/// the same order, multiplied and added with separate roundings (no fused
/// multiply-add): the results are bit for bit those of the op, for any
/// [lo, hi) partition. Does not erase `op`.
void emitRegisterTiledMatmul(RewriterBase &rewriter, linalg::LinalgOp op,
                             Value lo, Value hi);

} // namespace mlir::mpt

#endif // MPT_TRANSFORMS_REGISTERTILING_H
