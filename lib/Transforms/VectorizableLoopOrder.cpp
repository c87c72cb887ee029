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
#include "mlir/Dialect/MemRef/IR/MemRef.h"
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

/// Whether a buffer of `type` is small enough next to an op of
/// `iterations` iterations to be worth a transposed copy: at most 1/16 of
/// them.
static bool isSmallNextTo(MemRefType type, int64_t iterations) {
  return type && type.hasStaticShape() &&
         type.getNumElements() * 16 <= iterations;
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
  // Inputs read at a stride along the new inner loop must be small enough
  // to get a transposed copy (transposeStridedInputs); large ones would
  // make the vector loop gather, slower than the scalar sum.
  int64_t iterations = 1;
  for (int64_t range : ranges)
    iterations *= range;
  for (OpOperand *input : op.getDpsInputOperands()) {
    AffineMap map = op.getMatchingIndexingMap(input);
    std::optional<unsigned> position =
        map.getResultPosition(getAffineDimExpr(inner, op.getContext()));
    auto type = dyn_cast<MemRefType>(input->get().getType());
    if (position && *position + 1 != map.getNumResults() &&
        !isSmallNextTo(type, iterations))
      return std::nullopt;
  }
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

/// Gives every input of `generic` (whose last loop is the vectorized one)
/// that reads along that loop at a stride a transposed copy in which the
/// loop's index is the last, when the input is small next to the work that
/// reuses it (a filter read by every pixel of a data gradient): the
/// vectorized loop then loads contiguous elements. The copy is freed after
/// the op.
static void transposeStridedInputs(RewriterBase &rewriter,
                                   linalg::GenericOp generic) {
  unsigned inner = generic.getNumLoops() - 1;
  int64_t iterations = 1;
  for (int64_t range : generic.getStaticLoopRanges())
    iterations *= range;
  SmallVector<AffineMap> maps = generic.getIndexingMapsArray();
  bool changed = false;
  for (OpOperand *input : generic.getDpsInputOperands()) {
    auto type = dyn_cast<MemRefType>(input->get().getType());
    AffineMap map = maps[input->getOperandNumber()];
    std::optional<unsigned> position =
        map.getResultPosition(rewriter.getAffineDimExpr(inner));
    if (!position || *position + 1 == map.getNumResults() ||
        !isSmallNextTo(type, iterations))
      continue;
    SmallVector<int64_t> permutation;
    for (unsigned d = 0, e = map.getNumResults(); d < e; ++d)
      if (d != *position)
        permutation.push_back(d);
    permutation.push_back(*position);
    SmallVector<int64_t> shape;
    SmallVector<AffineExpr> results;
    for (int64_t d : permutation) {
      shape.push_back(type.getDimSize(d));
      results.push_back(map.getResult(d));
    }
    Location loc = generic.getLoc();
    rewriter.setInsertionPoint(generic);
    Value copy = memref::AllocOp::create(
        rewriter, loc, MemRefType::get(shape, type.getElementType()));
    linalg::TransposeOp::create(rewriter, loc, input->get(), copy, permutation);
    rewriter.setInsertionPointAfter(generic);
    memref::DeallocOp::create(rewriter, loc, copy);
    rewriter.modifyOpInPlace(generic, [&] { input->set(copy); });
    maps[input->getOperandNumber()] =
        AffineMap::get(map.getNumDims(), 0, results, rewriter.getContext());
    changed = true;
  }
  if (changed)
    rewriter.modifyOpInPlace(generic, [&] {
      generic.setIndexingMapsAttr(rewriter.getAffineMapArrayAttr(maps));
    });
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
      FailureOr<linalg::GenericOp> reordered =
          linalg::interchangeGenericOp(rewriter, generic, order);
      if (failed(reordered)) {
        generic.emitOpError("cannot reorder the loops of this op");
        return signalPassFailure();
      }
      transposeStridedInputs(rewriter, *reordered);
    }
  }
};

} // namespace
