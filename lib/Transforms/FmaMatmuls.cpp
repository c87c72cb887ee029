//===- FmaMatmuls.cpp - f32 matmuls with fused multiply-adds --------------===//
//
// mpt-fma-matmuls: the body `out + a * b` of matmul-shaped linalg ops
// becomes `math.fma(a, b, out)` (Passes.td has the details).
//
//===----------------------------------------------------------------------===//

#include "mpt/Transforms/Passes.h"
#include "mpt/Transforms/RegisterTiling.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"

namespace mlir::mpt {
#define GEN_PASS_DEF_MPTFMAMATMULS
#include "mpt/Transforms/Passes.h.inc"
} // namespace mlir::mpt

using namespace mlir;
using mlir::mpt::MultiplyAddBody;

/// Whether `op`'s loops and indexing are those of a (batched, possibly
/// transposed) matmul: one reduction loop read by both inputs, each input
/// missing some parallel loop, the output indexed by every parallel loop.
static bool isMatmulShaped(linalg::GenericOp op) {
  if (op.getNumDpsInputs() != 2 || op.getNumDpsInits() != 1 ||
      op.getNumReductionLoops() != 1 || op.getNumParallelLoops() < 2)
    return false;
  SmallVector<unsigned> reductions;
  op.getReductionDims(reductions);
  unsigned k = reductions.front();
  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  if (!llvm::all_of(maps,
                    [](AffineMap m) { return m.isProjectedPermutation(); }))
    return false;
  AffineMap out = maps[2];
  if (out.getNumResults() != op.getNumParallelLoops() || out.isFunctionOfDim(k))
    return false;
  for (AffineMap in : ArrayRef(maps).take_front(2)) {
    if (!in.isFunctionOfDim(k))
      return false;
    bool missesOne = false;
    for (unsigned d = 0; d < op.getNumLoops(); ++d)
      missesOne |= d != k && !in.isFunctionOfDim(d);
    if (!missesOne)
      return false;
  }
  return true;
}

namespace {

struct MPTFmaMatmulsPass
    : public mpt::impl::MPTFmaMatmulsBase<MPTFmaMatmulsPass> {
  using Base::Base;

  void runOnOperation() override {
    getOperation()->walk([&](linalg::GenericOp op) {
      if (!isMatmulShaped(op))
        return;
      std::optional<MultiplyAddBody> match = mpt::matchMultiplyAddBody(op);
      if (!match || !match->mul)
        return;
      arith::MulFOp mul = match->mul;
      arith::AddFOp add = match->add;
      OpBuilder b(add);
      Block *body = op.getBody();
      Value fma =
          math::FmaOp::create(b, add.getLoc(), body->getArgument(0),
                              body->getArgument(1), body->getArgument(2));
      add.replaceAllUsesWith(fma);
      add.erase();
      mul.erase();
      ++numFused;
    });
  }
};

} // namespace
