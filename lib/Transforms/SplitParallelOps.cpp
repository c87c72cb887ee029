//===- SplitParallelOps.cpp - outlined ops over a range of one dimension --===//
//
// mpt-split-parallel-ops: an outlined linalg op (mpt-outline-linalg-ops)
// with enough work gets two index arguments [lo, hi) that bound the loop of
// one of its parallel dimensions; its calls pass the whole range. Threads
// then run disjoint ranges of that dimension, each element computed by
// exactly the serial code (Passes.td has the details).
//
//===----------------------------------------------------------------------===//

#include "mpt/Transforms/Passes.h"
#include "mpt/Transforms/RegisterTiling.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

namespace mlir::mpt {
#define GEN_PASS_DEF_MPTSPLITPARALLELOPS
#include "mpt/Transforms/Passes.h.inc"
} // namespace mlir::mpt

using namespace mlir;

/// The attribute that marks a split function for mpt-parallel-calls.
static constexpr llvm::StringLiteral kParallelAttrName = "mpt.parallel";

/// The one linalg op of an outlined function `func` (constants, the op,
/// return), or null.
static linalg::LinalgOp soleLinalgOp(func::FuncOp func) {
  if (func.isExternal() || !func.getBody().hasOneBlock())
    return nullptr;
  linalg::LinalgOp found;
  for (Operation &op : func.getBody().front()) {
    if (auto linalgOp = dyn_cast<linalg::LinalgOp>(op)) {
      if (found)
        return nullptr;
      found = linalgOp;
      continue;
    }
    if (!isa<func::ReturnOp>(op) && !op.hasTrait<OpTrait::ConstantLike>())
      return nullptr;
  }
  return found;
}

/// Whether an input of `op` is also one of its outputs, read through
/// another indexing map (an iteration could read what another writes).
static bool readsOutputElsewhere(linalg::LinalgOp op) {
  for (OpOperand *input : op.getDpsInputOperands())
    for (OpOperand &init : op.getDpsInitsMutable())
      if (input->get() == init.get() &&
          op.getMatchingIndexingMap(input) != op.getMatchingIndexingMap(&init))
        return true;
  return false;
}

/// Whether iterations of `op` that differ in dimension `dim` write distinct
/// elements: every output indexes it exactly once, as the bare dimension.
static bool writesDisjointAlong(linalg::LinalgOp op, unsigned dim) {
  for (OpOperand &init : op.getDpsInitsMutable()) {
    unsigned uses = 0;
    for (AffineExpr expr : op.getMatchingIndexingMap(&init).getResults()) {
      if (!expr.isFunctionOfDim(dim))
        continue;
      if (!isa<AffineDimExpr>(expr) || ++uses > 1)
        return false;
    }
    if (uses != 1)
      return false;
  }
  return true;
}

/// Whether the body of `op` only computes (no memory effects, no calls): a
/// worker thread may run it (it never allocates, so never longjmps out of
/// an out-of-memory step).
static bool hasPureBody(linalg::LinalgOp op) {
  WalkResult result = op->walk([&](Operation *inner) {
    if (inner == op.getOperation())
      return WalkResult::advance();
    if (!isMemoryEffectFree(inner) || isa<CallOpInterface>(inner))
      return WalkResult::interrupt();
    return WalkResult::advance();
  });
  return !result.wasInterrupted();
}

/// The dimension of `op` to split, or nothing: a parallel dimension every
/// output indexes as a bare dimension, not the innermost loop where
/// another qualifies (it is the one LLVM vectorizes), the first (outermost)
/// of at least 16 iterations, else the longest.
static std::optional<unsigned> splitDimension(linalg::LinalgOp op,
                                              ArrayRef<int64_t> ranges) {
  SmallVector<unsigned> candidates;
  SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
  for (unsigned d = 0; d < ranges.size(); ++d)
    if (iterators[d] == utils::IteratorType::parallel && ranges[d] >= 2 &&
        writesDisjointAlong(op, d))
      candidates.push_back(d);
  if (candidates.empty())
    return std::nullopt;
  if (candidates.size() > 1 && candidates.back() == ranges.size() - 1)
    candidates.pop_back();
  for (unsigned d : candidates)
    if (ranges[d] >= 16)
      return d;
  return *llvm::max_element(candidates, [&](unsigned a, unsigned b) {
    return ranges[a] < ranges[b];
  });
}

namespace {

struct MPTSplitParallelOpsPass
    : public mpt::impl::MPTSplitParallelOpsBase<MPTSplitParallelOpsPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    MLIRContext *context = &getContext();
    if (registerTileLanes != 8 && registerTileLanes != 16) {
      module.emitError() << "mpt-split-parallel-ops: register-tile-lanes must "
                            "be 8 or 16, not "
                         << static_cast<int64_t>(registerTileLanes);
      return signalPassFailure();
    }
    // Functions to split, with their dimension's extent.
    SmallVector<std::tuple<func::FuncOp, linalg::LinalgOp, unsigned>> work;
    for (func::FuncOp func : module.getOps<func::FuncOp>()) {
      // Only functions whose written buffers overlap nothing else they
      // touch: then no thread reads what another writes.
      if (!func.isPrivate() || !func->hasAttr("mpt.noalias") ||
          func->hasAttr(kParallelAttrName))
        continue;
      linalg::LinalgOp op = soleLinalgOp(func);
      if (!op || !op.hasPureBufferSemantics() || !hasPureBody(op) ||
          readsOutputElsewhere(op))
        continue;
      SmallVector<int64_t> ranges = op.getStaticLoopRanges();
      if (ranges.empty() || llvm::any_of(ranges, ShapedType::isDynamic))
        continue;
      int64_t iterations = 1;
      for (int64_t r : ranges)
        iterations =
            r > 0 && iterations > INT64_MAX / r ? INT64_MAX : iterations * r;
      if (iterations < minWork)
        continue;
      if (std::optional<unsigned> dim = splitDimension(op, ranges))
        work.emplace_back(func, op, *dim);
    }

    IRRewriter rewriter(context);
    for (auto [func, op, dim] : work) {
      int64_t extent = op.getStaticLoopRanges()[dim];
      Location loc = op.getLoc();
      Type index = rewriter.getIndexType();
      Block &entry = func.getBody().front();
      unsigned n = func.getNumArguments();
      SmallVector<unsigned> positions = {n, n};
      SmallVector<Type> types = {index, index};
      SmallVector<DictionaryAttr> attrs = {DictionaryAttr(), DictionaryAttr()};
      SmallVector<Location> locs = {loc, loc};
      if (failed(func.insertArguments(positions, types, attrs, locs))) {
        func.emitError("cannot add the range arguments");
        return signalPassFailure();
      }
      Value lo = entry.getArgument(n), hi = entry.getArgument(n + 1);
      rewriter.setInsertionPoint(op);
      if (registerTile && dim == 0 && mpt::isRegisterTileableMatmul(op)) {
        mpt::emitRegisterTiledMatmul(rewriter, op, lo, hi, registerTileLanes);
      } else {
        FailureOr<linalg::LinalgLoops> loops =
            linalg::linalgOpToLoops(rewriter, op);
        if (failed(loops) || loops->size() != op.getNumLoops()) {
          op.emitError("cannot lower the op to a loop per dimension");
          return signalPassFailure();
        }
        auto loop = cast<scf::ForOp>((*loops)[dim]);
        loop.setLowerBound(lo);
        loop.setUpperBound(hi);
      }
      rewriter.eraseOp(op);
      func->setAttr(kParallelAttrName, rewriter.getI64IntegerAttr(extent));
      ++numSplit;

      // Every call passes the whole range.
      SymbolTable::UseRange uses =
          *SymbolTable::getSymbolUses(func.getNameAttr(), module);
      for (const SymbolTable::SymbolUse &use : uses) {
        auto call = dyn_cast<func::CallOp>(use.getUser());
        if (!call) {
          use.getUser()->emitError("a split function may only be called");
          return signalPassFailure();
        }
        rewriter.setInsertionPoint(call);
        Value zero = arith::ConstantIndexOp::create(rewriter, loc, 0);
        Value end = arith::ConstantIndexOp::create(rewriter, loc, extent);
        SmallVector<Value> operands(call.getOperands());
        operands.append({zero, end});
        call->setOperands(operands);
      }
    }
  }
};

} // namespace
