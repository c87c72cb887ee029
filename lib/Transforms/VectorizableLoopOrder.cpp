//===- VectorizableLoopOrder.cpp - parallel innermost loops for reductions ===//
//
// mpt-vectorizable-loop-order: linalg reductions (matmuls, convolutions and
// their backward forms) get a loop order whose innermost loop is a parallel
// dimension with unit stride in every operand, so that LLVM vectorizes it
// without reassociating any sum; reductions that have no such dimension
// are summed in a fixed number of lane partials instead, in a fixed order
// (Passes.td has the details).
//
//===----------------------------------------------------------------------===//

#include "mpt/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/IRMapping.h"
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

/// The combiner of a reduction `generic` with one output: the op that the
/// body yields, an `arith.addf`, `arith.maximumf` or `arith.minimumf` of the
/// output's block argument (its only use) and another value.
static Operation *laneCombiner(linalg::GenericOp generic) {
  Block *body = generic.getBody();
  BlockArgument acc = generic.getRegionOutputArgs().front();
  auto yield = cast<linalg::YieldOp>(body->getTerminator());
  Operation *combiner = yield.getValues().front().getDefiningOp();
  if (!combiner || combiner->getBlock() != body ||
      !isa<arith::AddFOp, arith::MaximumFOp, arith::MinimumFOp>(combiner) ||
      !acc.hasOneUse() || acc.getUses().begin()->getOwner() != combiner ||
      combiner->getOperand(0) == combiner->getOperand(1))
    return nullptr;
  if (!body->getOps<linalg::IndexOp>().empty())
    return nullptr;
  return combiner;
}

/// The identity of `combiner` in `type`: x op identity == x for every x.
static TypedAttr laneIdentity(Operation *combiner, FloatType type) {
  const llvm::fltSemantics &semantics = type.getFloatSemantics();
  if (isa<arith::AddFOp>(combiner))
    return FloatAttr::get(type, APFloat::getZero(semantics, /*Negative=*/true));
  bool negative = isa<arith::MaximumFOp>(combiner);
  return FloatAttr::get(type, APFloat::getInf(semantics, negative));
}

/// The reduction dimension of `op` to sum in `lanes` lane partials, or
/// nothing: a reduction dimension of at least 2 x `lanes` elements that
/// every input reading it indexes once, bare and last (contiguous), and
/// that the output does not index.
static std::optional<unsigned> laneSplitDim(linalg::LinalgOp op,
                                            int64_t lanes) {
  if (lanes < 2 || !isa<linalg::GenericOp>(op.getOperation()) ||
      op.getNumDpsInits() != 1 || !op.hasPureBufferSemantics() ||
      op.hasDynamicShape())
    return std::nullopt;
  auto outType = dyn_cast<MemRefType>(op.getDpsInitOperand(0)->get().getType());
  if (!outType || !isa<FloatType>(outType.getElementType()))
    return std::nullopt;
  SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  for (unsigned dim = iterators.size(); dim-- > 0;) {
    if (iterators[dim] != utils::IteratorType::reduction ||
        ShapedType::isDynamic(ranges[dim]) || ranges[dim] < 2 * lanes ||
        !isFixedStrideEverywhere(op, dim))
      continue;
    AffineExpr expr = getAffineDimExpr(dim, op.getContext());
    bool read = false, contiguous = true;
    for (OpOperand *input : op.getDpsInputOperands()) {
      AffineMap map = op.getMatchingIndexingMap(input);
      std::optional<unsigned> position = map.getResultPosition(expr);
      if (!position)
        continue;
      read = true;
      contiguous &= isa<MemRefType>(input->get().getType()) &&
                    *position + 1 == map.getNumResults();
    }
    if (read && contiguous)
      return dim;
  }
  return std::nullopt;
}

/// `source` (a memref whose last index is the split dimension) restricted
/// to the elements [offset, offset + size) along it.
static Value lastDimSlice(RewriterBase &rewriter, Location loc, Value source,
                          int64_t offset, int64_t size) {
  auto type = cast<MemRefType>(source.getType());
  unsigned rank = type.getRank();
  if (offset == 0 && size == type.getDimSize(rank - 1))
    return source;
  SmallVector<OpFoldResult> offsets(rank, rewriter.getIndexAttr(0));
  SmallVector<OpFoldResult> sizes, strides(rank, rewriter.getIndexAttr(1));
  for (int64_t extent : type.getShape())
    sizes.push_back(rewriter.getIndexAttr(extent));
  offsets.back() = rewriter.getIndexAttr(offset);
  sizes.back() = rewriter.getIndexAttr(size);
  return memref::SubViewOp::create(rewriter, loc, source, offsets, sizes,
                                   strides);
}

/// Rewrites `generic` (a reduction with `combiner`) to sum along `dim` in
/// `lanes` lane partials: a partials buffer [out..., lanes] filled with the
/// identity, a generic summing element m * lanes + l into lane l, a
/// generic adding the lanes in order to the output, and, for the elements
/// past the last full group of lanes, the original op on that tail.
static LogicalResult splitIntoLanes(RewriterBase &rewriter,
                                    linalg::GenericOp generic, unsigned dim,
                                    int64_t lanes, Operation *combiner) {
  Location loc = generic.getLoc();
  MLIRContext *context = generic.getContext();
  int64_t extent = generic.getStaticLoopRanges()[dim];
  int64_t groups = extent / lanes, tail = extent % lanes;
  unsigned numLoops = generic.getNumLoops();
  AffineExpr splitExpr = getAffineDimExpr(dim, context);
  AffineExpr laneExpr = getAffineDimExpr(numLoops, context);

  Value out = generic.getDpsInitOperand(0)->get();
  auto outType = cast<MemRefType>(out.getType());
  auto elementType = cast<FloatType>(outType.getElementType());
  unsigned outRank = outType.getRank();

  rewriter.setInsertionPoint(generic);
  SmallVector<Value> inputs;
  SmallVector<AffineMap> maps;
  SmallVector<std::pair<OpOperand *, Value>> tails;
  for (OpOperand *input : generic.getDpsInputOperands()) {
    AffineMap map = generic.getMatchingIndexingMap(input);
    SmallVector<AffineExpr> results(map.getResults());
    Value value = input->get();
    if (map.getResultPosition(splitExpr)) {
      Value full = lastDimSlice(rewriter, loc, value, 0, groups * lanes);
      auto fullType = cast<MemRefType>(full.getType());
      unsigned rank = fullType.getRank();
      SmallVector<int64_t> shape(fullType.getShape());
      shape.back() = groups;
      shape.push_back(lanes);
      SmallVector<ReassociationIndices> reassociation;
      for (unsigned d = 0; d + 1 < rank; ++d)
        reassociation.push_back({d});
      reassociation.push_back({rank - 1, rank});
      FailureOr<MemRefType> expandedType =
          memref::ExpandShapeOp::computeExpandedType(fullType, shape,
                                                     reassociation);
      if (failed(expandedType))
        return failure();
      value = memref::ExpandShapeOp::create(rewriter, loc, *expandedType, full,
                                            reassociation);
      results.push_back(laneExpr);
      if (tail)
        tails.push_back({input, lastDimSlice(rewriter, loc, input->get(),
                                             groups * lanes, tail)});
    }
    inputs.push_back(value);
    maps.push_back(AffineMap::get(numLoops + 1, 0, results, context));
  }

  SmallVector<int64_t> partialShape(outType.getShape());
  partialShape.push_back(lanes);
  Value partials = memref::AllocOp::create(
      rewriter, loc, MemRefType::get(partialShape, elementType));
  Value identity = arith::ConstantOp::create(
      rewriter, loc, laneIdentity(combiner, elementType));
  linalg::FillOp::create(rewriter, loc, identity, partials);
  SmallVector<AffineExpr> partialResults(
      generic.getMatchingIndexingMap(generic.getDpsInitOperand(0))
          .getResults());
  partialResults.push_back(laneExpr);
  maps.push_back(AffineMap::get(numLoops + 1, 0, partialResults, context));
  SmallVector<utils::IteratorType> iterators = generic.getIteratorTypesArray();
  iterators.push_back(utils::IteratorType::parallel);
  auto partial =
      linalg::GenericOp::create(rewriter, loc, TypeRange{}, inputs,
                                ValueRange{partials}, maps, iterators);
  rewriter.cloneRegionBefore(generic.getRegion(), partial.getRegion(),
                             partial.getRegion().end());

  // out[o] = ((out[o] op p[o, 0]) op p[o, 1]) ... op p[o, lanes - 1].
  SmallVector<utils::IteratorType> combineIterators(
      outRank, utils::IteratorType::parallel);
  combineIterators.push_back(utils::IteratorType::reduction);
  AffineMap lanesMap = rewriter.getMultiDimIdentityMap(outRank + 1);
  SmallVector<AffineExpr> outResults;
  for (unsigned d = 0; d < outRank; ++d)
    outResults.push_back(getAffineDimExpr(d, context));
  AffineMap outMap = AffineMap::get(outRank + 1, 0, outResults, context);
  Value acc = generic.getRegionOutputArgs().front();
  linalg::GenericOp::create(
      rewriter, loc, TypeRange{}, ValueRange{partials}, ValueRange{out},
      ArrayRef<AffineMap>{lanesMap, outMap}, combineIterators,
      [&](OpBuilder &builder, Location nested, ValueRange args) {
        IRMapping mapping;
        for (Value operand : combiner->getOperands())
          mapping.map(operand, operand == acc ? args[1] : args[0]);
        Operation *combined = builder.clone(*combiner, mapping);
        linalg::YieldOp::create(builder, nested, combined->getResults());
      });
  memref::DeallocOp::create(rewriter, loc, partials);

  if (tails.empty()) {
    rewriter.eraseOp(generic);
    return success();
  }
  rewriter.modifyOpInPlace(generic, [&] {
    for (auto &[operand, slice] : tails)
      operand->set(slice);
  });
  return success();
}

namespace {

struct MPTVectorizableLoopOrderPass
    : public mpt::impl::MPTVectorizableLoopOrderBase<
          MPTVectorizableLoopOrderPass> {
  using Base::Base;

  void runOnOperation() override {
    SmallVector<std::pair<linalg::LinalgOp, SmallVector<unsigned>>> work;
    SmallVector<std::pair<linalg::LinalgOp, unsigned>> laneWork;
    getOperation().walk([&](linalg::LinalgOp op) {
      if (std::optional<SmallVector<unsigned>> order = vectorizableOrder(op))
        work.push_back({op, std::move(*order)});
      else if (std::optional<unsigned> dim = laneSplitDim(op, lanes))
        laneWork.push_back({op, *dim});
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
      ++numReordered;
    }
    for (auto &[op, dim] : laneWork) {
      auto generic = cast<linalg::GenericOp>(op.getOperation());
      Operation *combiner = laneCombiner(generic);
      if (!combiner)
        continue;
      if (failed(splitIntoLanes(rewriter, generic, dim, lanes, combiner))) {
        generic.emitOpError("cannot sum this reduction in lane partials");
        return signalPassFailure();
      }
      ++numLaneSplit;
    }
  }
};

} // namespace
