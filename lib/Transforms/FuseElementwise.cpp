//===- FuseElementwise.cpp - elementwise chains into one linalg op --------===//
//
// mpt-fuse-elementwise: an elementwise linalg.generic whose one use is a
// generic that reads each of its elements once is inlined into that
// consumer, with linalg's elementwise-op fusion patterns; nothing is
// computed twice and every scalar op keeps its operands, so results keep
// their bits (Passes.td has the details).
//
//===----------------------------------------------------------------------===//

#include "mpt/Transforms/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::mpt {
#define GEN_PASS_DEF_MPTFUSEELEMENTWISE
#include "mpt/Transforms/Passes.h.inc"
} // namespace mlir::mpt

using namespace mlir;

/// Whether fusing the producer of `operand` into its owner computes nothing
/// twice: the producer has no other use (it disappears, no result of it
/// is kept) and the consumer reads each of its elements exactly once (the
/// consumer's map for the operand is a permutation of its loops), so the
/// producer's body runs once per element, as before.
static bool fusesWithoutRecomputing(OpOperand *operand) {
  Operation *producer = operand->get().getDefiningOp();
  if (!producer || !producer->hasOneUse())
    return false;
  auto consumer = dyn_cast<linalg::LinalgOp>(operand->getOwner());
  return consumer && consumer.getMatchingIndexingMap(operand).isPermutation();
}

namespace {

struct MPTFuseElementwisePass
    : public mpt::impl::MPTFuseElementwiseBase<MPTFuseElementwisePass> {
  using Base::Base;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    auto countGenerics = [&] {
      int64_t n = 0;
      func.walk([&](linalg::GenericOp) { ++n; });
      return n;
    };
    int64_t before = countGenerics();
    RewritePatternSet patterns(&getContext());
    linalg::populateElementwiseOpsFusionPatterns(patterns,
                                                 fusesWithoutRecomputing);
    // Every rewrite leaves valid IR: a run that stops before the fixed
    // point only leaves some chains unfused.
    (void)applyPatternsGreedily(func, std::move(patterns));
    // Each fusion replaces two generics by one (canonicalize has already
    // removed dead ones, and the other patterns make or erase none).
    numFused += before - countGenerics();
  }
};

} // namespace
