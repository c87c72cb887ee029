//===- RegisterTiling.h - f32 contractions with register accumulators -----===//
//
// Shared by mpt-register-tile-matmuls and mpt-split-parallel-ops, which
// lowers the ops it gives a range of their first loop with the same loops.
//
//===----------------------------------------------------------------------===//

#ifndef MPT_TRANSFORMS_REGISTERTILING_H
#define MPT_TRANSFORMS_REGISTERTILING_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/IR/PatternMatch.h"

#include <optional>

namespace mlir::mpt {

/// The body of a contraction with two inputs and one output, on f32
/// without fast-math flags: `yield(out + in0 * in1)` (`mul`, `add`; either
/// operand order of both) or `yield(math.fma(in0, in1, out))` (`fma`;
/// either input order). Shared by mpt-fma-matmuls, which rewrites the
/// first form into the second, and the register tiler, which takes both.
struct MultiplyAddBody {
  arith::MulFOp mul;
  arith::AddFOp add;
  math::FmaOp fma;
};
std::optional<MultiplyAddBody> matchMultiplyAddBody(linalg::GenericOp op);

/// Whether `op` is an f32 contraction on buffers in the loop order that
/// mpt-vectorizable-loop-order gives it: loops (outer parallel..., i,
/// reductions..., j), output C[outer..., i, j] contiguous in j, B read at
/// [..., j] contiguous in j and not reading i, A not reading j (a matmul,
/// A read as [i, k] or [k, i]; a batched matmul; a convolution and its
/// gradients), body `out + a * b` in f32 (either operand order) or
/// `math.fma(a, b, out)` (mpt-fma-matmuls), static shapes with j a
/// multiple of 8.
bool isRegisterTileableMatmul(linalg::LinalgOp op);

/// Emits, before `op` (a tileable contraction), loops computing it for
/// the range [lo, hi) of its first loop (the rows i when it has no outer
/// loops): tiles of R rows (then a tile of 4, then single rows) by 2 or 1
/// vectors of `lanes` columns (8 or 16; 8 where j is not a multiple of
/// `lanes`), R = 4 for 8 lanes and 8 for 16, whose accumulators stay in
/// vector registers over all the reduction loops. Every output element
/// receives exactly the products of the op's loop order, in the same
/// order, with the op's roundings (a multiplication and an addition, or a
/// fused multiply-add where the body is `math.fma`): the results are bit
/// for bit those of the op, for any lanes and any [lo, hi) partition.
/// Does not erase `op`.
void emitRegisterTiledMatmul(RewriterBase &rewriter, linalg::LinalgOp op,
                             Value lo, Value hi, int64_t lanes);

} // namespace mlir::mpt

#endif // MPT_TRANSFORMS_REGISTERTILING_H
