//===- PrepareGPUTensors.cpp - host scalar code into linalg ops -----------===//
//
// On the GPU the host only launches kernels, so the scalar code that
// convert-mpt-to-linalg leaves between linalg ops (tensor.extract, scalar
// arith, tensor.from_elements) must run inside the ops that use it. This
// pass moves it there at the tensor level, where it is a local rewrite: an
// extracted element becomes one more input of the generic with a constant
// indexing map, and the scalar slice is recomputed in the body.
//
//===----------------------------------------------------------------------===//

#include "mpt/Conversion/LinalgToGPU/LinalgToGPU.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "mlir/Transforms/RegionUtils.h"

#include "llvm/ADT/MapVector.h"
#include "llvm/ADT/SetVector.h"

namespace mlir::mpt {
#define GEN_PASS_DEF_PREPAREGPUTENSORS
#include "mpt/Conversion/Passes.h.inc"
} // namespace mlir::mpt

using namespace mlir;

namespace {

/// Whether `op` is scalar code that can be recomputed anywhere: a
/// side-effect-free arith or math op on scalars.
bool isMovableScalarOp(Operation *op) {
  if (!isa<arith::ArithDialect, math::MathDialect>(op->getDialect()))
    return false;
  if (op->getNumRegions() != 0 || !isPure(op))
    return false;
  auto scalar = [](Type t) { return t.isIntOrIndexOrFloat(); };
  return llvm::all_of(op->getOperandTypes(), scalar) &&
         llvm::all_of(op->getResultTypes(), scalar);
}

/// An element read with `tensor.extract` at constant indices.
struct ExtractedElement {
  Value tensor;
  SmallVector<int64_t> indices;
};

/// The host scalar code that computes `value`, in an order that can be
/// cloned (operands first), and the extracted elements it reads. Fails when
/// the slice contains anything that cannot move into a kernel.
LogicalResult collectScalarSlice(Value value, SetVector<Operation *> &slice,
                                 SmallVectorImpl<tensor::ExtractOp> &leaves) {
  Operation *def = value.getDefiningOp();
  if (!def)
    return failure(); // a block argument of the host function
  if (slice.contains(def))
    return success();
  if (def->hasTrait<OpTrait::ConstantLike>()) {
    slice.insert(def);
    return success();
  }
  if (auto extract = dyn_cast<tensor::ExtractOp>(def)) {
    for (Value index : extract.getIndices())
      if (!matchPattern(index, m_Constant()))
        return failure();
    slice.insert(def);
    leaves.push_back(extract);
    return success();
  }
  if (!isMovableScalarOp(def))
    return failure();
  for (Value operand : def->getOperands())
    if (failed(collectScalarSlice(operand, slice, leaves)))
      return failure();
  slice.insert(def);
  return success();
}

/// Whether `v` is a scalar the host computes (not a tensor, not a constant).
bool isComputedScalar(Value v) {
  Operation *def = v.getDefiningOp();
  return !isa<ShapedType>(v.getType()) &&
         !(def && def->hasTrait<OpTrait::ConstantLike>());
}

/// The operands of a generic whose computed scalar inputs are gone and
/// whose extracted elements are read through inputs of their own.
struct SunkOperands {
  SmallVector<Value> inputs;
  SmallVector<AffineMap> maps;
  /// The new input index of each old input; -1 for a sunk scalar input.
  SmallVector<int> newIndexOfOld;
  /// The new input that reads each `tensor.extract` leaf.
  llvm::MapVector<Operation *, unsigned> leafInput;
};

SunkOperands sinkOperands(linalg::GenericOp op,
                          ArrayRef<tensor::ExtractOp> leaves) {
  MLIRContext *ctx = op.getContext();
  SunkOperands sunk;
  // The kept inputs, then one per distinct extracted element.
  for (OpOperand *in : op.getDpsInputOperands()) {
    if (isComputedScalar(in->get())) {
      sunk.newIndexOfOld.push_back(-1);
      continue;
    }
    sunk.newIndexOfOld.push_back(sunk.inputs.size());
    sunk.inputs.push_back(in->get());
    sunk.maps.push_back(op.getMatchingIndexingMap(in));
  }
  for (tensor::ExtractOp leaf : leaves) {
    SmallVector<AffineExpr> exprs;
    for (Value index : leaf.getIndices())
      exprs.push_back(
          getAffineConstantExpr(getConstantIntValue(index).value_or(0), ctx));
    sunk.leafInput[leaf] = sunk.inputs.size();
    sunk.inputs.push_back(leaf.getTensor());
    sunk.maps.push_back(AffineMap::get(op.getNumLoops(), 0, exprs, ctx));
  }
  for (OpOperand &out : op.getDpsInitsMutable())
    sunk.maps.push_back(op.getMatchingIndexingMap(&out));
  return sunk;
}

/// The body of the new generic: the host slice recomputed from the leaf
/// inputs, then the old body.
void buildSunkBody(OpBuilder &b, Location loc, ValueRange args,
                   linalg::GenericOp op, const SetVector<Operation *> &slice,
                   const SunkOperands &sunk) {
  IRMapping mapping;
  for (Operation *s : slice) {
    if (auto leaf = dyn_cast<tensor::ExtractOp>(s))
      mapping.map(leaf.getResult(), args[sunk.leafInput.lookup(leaf)]);
    else
      b.clone(*s, mapping);
  }
  Block &old = op.getRegion().front();
  unsigned numOldInputs = op.getNumDpsInputs();
  for (unsigned i = 0; i < numOldInputs; ++i)
    mapping.map(old.getArgument(i), sunk.newIndexOfOld[i] < 0
                                        ? mapping.lookup(op.getDpsInputs()[i])
                                        : Value(args[sunk.newIndexOfOld[i]]));
  for (unsigned i = numOldInputs, e = old.getNumArguments(); i < e; ++i)
    mapping.map(old.getArgument(i),
                args[sunk.inputs.size() + (i - numOldInputs)]);
  for (Operation &inner : old.without_terminator())
    b.clone(inner, mapping);
  SmallVector<Value> yielded;
  for (Value v : old.getTerminator()->getOperands())
    yielded.push_back(mapping.lookupOrDefault(v));
  linalg::YieldOp::create(b, loc, yielded);
}

/// Recomputes, inside a linalg.generic, every non-constant scalar it reads
/// from the host (captured by its body, or passed as a scalar input): each
/// extracted tensor becomes an input read through a constant indexing map.
struct SinkCapturedScalars : public OpRewritePattern<linalg::GenericOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(linalg::GenericOp op,
                                PatternRewriter &rewriter) const override {
    if (!op.hasPureTensorSemantics())
      return failure();
    SetVector<Value> toSink;
    getUsedValuesDefinedAbove(op.getRegion(), toSink);
    toSink.remove_if([&](Value v) { return !isComputedScalar(v); });
    for (Value in : op.getDpsInputs())
      if (isComputedScalar(in))
        toSink.insert(in);
    if (toSink.empty())
      return failure();
    SetVector<Operation *> slice;
    SmallVector<tensor::ExtractOp> leaves;
    for (Value v : toSink)
      if (failed(collectScalarSlice(v, slice, leaves)))
        return rewriter.notifyMatchFailure(op, "host scalar cannot move");

    SunkOperands sunk = sinkOperands(op, leaves);
    auto generic = linalg::GenericOp::create(
        rewriter, op.getLoc(), op.getResultTypes(), sunk.inputs,
        op.getDpsInits(), sunk.maps, op.getIteratorTypesArray(),
        [&](OpBuilder &b, Location loc, ValueRange args) {
          buildSunkBody(b, loc, args, op, slice, sunk);
        });
    generic->setDiscardableAttrs(op->getDiscardableAttrDictionary());
    rewriter.replaceOp(op, generic.getResults());
    return success();
  }
};

/// A fill whose value is computed on the host becomes a generic (whose
/// captured value SinkCapturedScalars then moves inside).
struct ComputedFillToGeneric : public OpRewritePattern<linalg::FillOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(linalg::FillOp op,
                                PatternRewriter &rewriter) const override {
    if (!op.hasPureTensorSemantics())
      return failure();
    Value value = op.getInputs()[0];
    if (matchPattern(value, m_Constant()))
      return failure();
    FailureOr<linalg::GenericOp> generic =
        linalg::generalizeNamedOp(rewriter, op);
    return failure(failed(generic));
  }
};

/// `tensor.from_elements` of computed scalars becomes a generic that
/// computes them (rank 0, or rank 1 with a few elements).
struct FromElementsToGeneric : public OpRewritePattern<tensor::FromElementsOp> {
  using OpRewritePattern::OpRewritePattern;
  static constexpr int64_t kMaxElements = 64;

  LogicalResult matchAndRewrite(tensor::FromElementsOp op,
                                PatternRewriter &rewriter) const override {
    auto type = op.getType();
    if (type.getRank() > 1 || type.getNumElements() > kMaxElements)
      return rewriter.notifyMatchFailure(op, "not a small vector");
    if (llvm::all_of(op.getElements(),
                     [](Value v) { return matchPattern(v, m_Constant()); }))
      return rewriter.notifyMatchFailure(op, "constant (folds)");
    Location loc = op.getLoc();
    Value empty = tensor::EmptyOp::create(rewriter, loc, type.getShape(),
                                          type.getElementType());
    unsigned rank = type.getRank();
    SmallVector<AffineMap> maps = {rewriter.getMultiDimIdentityMap(rank)};
    SmallVector<utils::IteratorType> iterators(rank,
                                               utils::IteratorType::parallel);
    ValueRange elements = op.getElements();
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{type}, ValueRange{}, ValueRange{empty}, maps,
        iterators, [&](OpBuilder &b, Location l, ValueRange) {
          Value result = elements.back();
          if (rank == 1) {
            // elements[i] at index i: a chain of selects.
            Value index = linalg::IndexOp::create(b, l, 0);
            for (int64_t i = static_cast<int64_t>(elements.size()) - 2; i >= 0;
                 --i) {
              Value c = arith::ConstantIndexOp::create(b, l, i);
              Value is = arith::CmpIOp::create(b, l, arith::CmpIPredicate::eq,
                                               index, c);
              result = arith::SelectOp::create(b, l, is, elements[i], result);
            }
          }
          linalg::YieldOp::create(b, l, result);
        });
    rewriter.replaceOp(op, generic.getResults());
    return success();
  }
};

/// A filled tensor read by several ops gets one fill (into its own empty
/// tensor) per use: bufferization then fills each destination in place
/// instead of copying one shared buffer.
struct DuplicateSharedFill : public OpRewritePattern<linalg::FillOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(linalg::FillOp op,
                                PatternRewriter &rewriter) const override {
    if (!op.hasPureTensorSemantics() || op->getNumResults() != 1 ||
        op.getResult(0).hasOneUse() || op.getResult(0).use_empty())
      return failure();
    auto empty = op.getOutputs()[0].getDefiningOp<tensor::EmptyOp>();
    if (!empty)
      return rewriter.notifyMatchFailure(op, "fills a non-empty tensor");
    SmallVector<OpOperand *> uses;
    for (OpOperand &use : op.getResult(0).getUses())
      uses.push_back(&use);
    // The first user in program order keeps the original fill.
    llvm::stable_sort(uses, [](OpOperand *a, OpOperand *b) {
      Operation *x = a->getOwner(), *y = b->getOwner();
      return x != y && x->getBlock() == y->getBlock() && x->isBeforeInBlock(y);
    });
    for (OpOperand *use : llvm::drop_begin(uses)) {
      rewriter.setInsertionPoint(use->getOwner());
      Operation *newEmpty = rewriter.clone(*empty);
      auto fill = linalg::FillOp::create(rewriter, op.getLoc(), op.getInputs(),
                                         newEmpty->getResult(0));
      rewriter.modifyOpInPlace(use->getOwner(),
                               [&] { use->set(fill.getResult(0)); });
    }
    return success();
  }
};

struct PrepareGPUTensorsPass
    : public mpt::impl::PrepareGPUTensorsBase<PrepareGPUTensorsPass> {
  using Base::Base;
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    RewritePatternSet patterns(&getContext());
    mpt::populatePrepareGPUTensorsPatterns(patterns);
    if (failed(applyPatternsGreedily(func, std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace

void mpt::populatePrepareGPUTensorsPatterns(RewritePatternSet &patterns) {
  patterns.add<SinkCapturedScalars, ComputedFillToGeneric,
               FromElementsToGeneric, DuplicateSharedFill>(
      patterns.getContext());
}
