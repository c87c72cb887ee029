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
/// order) or `math.fma(a, b, out)` (mpt-fma-matmuls), static shapes with j
/// a multiple of 8.
bool isRegisterTileableMatmul(linalg::LinalgOp op);

/// Emits, before `op` (a tileable matmul), loops computing its output rows
/// [lo, hi): tiles of R rows (then a tile of 4, then single rows) by 2 or 1
/// vectors of `lanes` columns (8 or 16; 8 where j is not a multiple of
/// `lanes`), R = 4 for 8 lanes and 8 for 16, whose accumulators stay in
/// vector registers over the whole k loop. Every output element receives
/// exactly the products of the op's loop order, in the same order, with
/// the op's roundings (a multiplication and an addition, or a fused
/// multiply-add where the body is `math.fma`): the results are bit for bit
/// those of the op, for any lanes and any [lo, hi) partition. Does not
/// erase `op`.
void emitRegisterTiledMatmul(RewriterBase &rewriter, linalg::LinalgOp op,
                             Value lo, Value hi, int64_t lanes);

} // namespace mlir::mpt

#endif // MPT_TRANSFORMS_REGISTERTILING_H
