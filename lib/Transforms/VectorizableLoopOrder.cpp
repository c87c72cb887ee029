//===- VectorizableLoopOrder.cpp - parallel innermost loops for reductions ===//
//
// mpt-vectorizable-loop-order: linalg reductions (matmuls, convolutions and
// their backward forms) get a loop order whose innermost loop is a parallel
// dimension with unit stride in every operand, so that LLVM vectorizes it
// without reassociating any sum (Passes.td has the details).
//
//===----------------------------------------------------------------------===//

#include "mpt/Transforms/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/IR/PatternMatch.h"

namespace mlir::mpt {
#define GEN_PASS_DEF_MPTVECTORIZABLELOOPORDER
#include "mpt/Transforms/Passes.h.inc"
} // namespace mlir::mpt

using namespace mlir;

/// Whether every operand of `op` indexes dimension `dim` at most once and
/// then as the bare dimension: consecutive iterations of a loop over it
/// touch elements at a fixed stride (contiguous where it is the last index,
/// as in the output; LLVM gathers or shuffles the others).
static bool isFixedStrideEverywhere(linalg::LinalgOp op, unsigned dim) {
  for (AffineMap map : op.getIndexingMapsArray()) {
    unsigned uses = 0;
    for (AffineExpr expr : map.getResults()) {
      if (!expr.isFunctionOfDim(dim))
        continue;
      if (!isa<AffineDimExpr>(expr) || ++uses > 1)
        return false;
    }
  }
  return true;
}

/// The new loop order of `op` (old dimension per new position), or nothing
/// when the op is better left as it is.
static std::optional<SmallVector<unsigned>>
vectorizableOrder(linalg::LinalgOp op) {
  if (op.getNumDpsInits() != 1 || op.getNumReductionLoops() == 0 ||
      op.getNumParallelLoops() == 0 || !op.hasPureBufferSemantics())
    return std::nullopt;
  AffineMap out = op.getMatchingIndexingMap(op.getDpsInitOperand(0));
  if (out.getNumResults() == 0)
    return std::nullopt;
  auto last = dyn_cast<AffineDimExpr>(out.getResults().back());
  if (!last)
    return std::nullopt;
  unsigned inner = last.getPosition();
  SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
  unsigned rank = iterators.size();
  if (iterators[inner] != utils::IteratorType::parallel || inner + 1 == rank ||
      !isFixedStrideEverywhere(op, inner))
    return std::nullopt;
  // A one-element dimension gains nothing.
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  if (ShapedType::isDynamic(ranges[inner]) || ranges[inner] < 2)
    return std::nullopt;
  SmallVector<unsigned> order;
  for (unsigned d = 0; d < rank; ++d)
    if (d != inner && iterators[d] == utils::IteratorType::parallel)
      order.push_back(d);
  for (unsigned d = 0; d < rank; ++d)
    if (iterators[d] != utils::IteratorType::parallel)
      order.push_back(d);
  order.push_back(inner);
  return order;
}

namespace {

struct MPTVectorizableLoopOrderPass
    : public mpt::impl::MPTVectorizableLoopOrderBase<
          MPTVectorizableLoopOrderPass> {
  using Base::Base;

  void runOnOperation() override {
    SmallVector<std::pair<linalg::LinalgOp, SmallVector<unsigned>>> work;
    getOperation().walk([&](linalg::LinalgOp op) {
      if (std::optional<SmallVector<unsigned>> order = vectorizableOrder(op))
        work.push_back({op, std::move(*order)});
    });
    IRRewriter rewriter(&getContext());
    for (auto &[op, order] : work) {
      rewriter.setInsertionPoint(op);
      auto generic = dyn_cast<linalg::GenericOp>(op.getOperation());
      if (!generic) {
        FailureOr<linalg::GenericOp> generalized =
            linalg::generalizeNamedOp(rewriter, op);
        if (failed(generalized))
          continue;
        generic = *generalized;
      }
      if (failed(linalg::interchangeGenericOp(rewriter, generic, order))) {
        generic.emitOpError("cannot reorder the loops of this op");
        return signalPassFailure();
      }
    }
  }
};

} // namespace
