//===- WidenContractionOperands.cpp - f32 copies of reused 16-bit inputs --===//
//
// mpt-widen-contraction-operands: the f16/bf16 inputs that a linalg
// reduction reads many times per element are widened to f32 once, before
// the op, by an elementwise generic; the op reads the copy. extf is exact,
// so every result keeps its bits (Passes.td has the details).
//
//===----------------------------------------------------------------------===//

#include "mpt/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"

namespace mlir::mpt {
#define GEN_PASS_DEF_MPTWIDENCONTRACTIONOPERANDS
#include "mpt/Transforms/Passes.h.inc"
} // namespace mlir::mpt

using namespace mlir;

/// Whether `input` of `op` is an f16/bf16 ranked tensor that the op reads
/// more than once per element (its map leaves out a loop) and whose block
/// argument is used only by `arith.extf` to f32.
static bool isWidenable(linalg::LinalgOp op, OpOperand &input) {
  auto type = dyn_cast<RankedTensorType>(input.get().getType());
  if (!type ||
      !(type.getElementType().isF16() || type.getElementType().isBF16()))
    return false;
  AffineMap map = op.getMatchingIndexingMap(&input);
  bool leavesOutALoop = false;
  for (unsigned d = 0, e = op.getNumLoops(); d < e; ++d)
    if (!map.isFunctionOfDim(d))
      leavesOutALoop = true;
  if (!leavesOutALoop)
    return false;
  // Named ops hold their body too (built from the operand types).
  BlockArgument arg = op.getMatchingBlockArgument(&input);
  if (arg.use_empty())
    return false;
  for (Operation *user : arg.getUsers()) {
    auto ext = dyn_cast<arith::ExtFOp>(user);
    if (!ext || !ext.getType().isF32())
      return false;
  }
  return true;
}

/// The f32 copy of `value`, made right after its definition (so that it
/// dominates every reader) and shared by all of them.
static Value widen(RewriterBase &rewriter, Value value,
                   DenseMap<Value, Value> &copies) {
  auto [it, inserted] = copies.try_emplace(value);
  if (!inserted)
    return it->second;
  OpBuilder::InsertionGuard guard(rewriter);
  if (Operation *def = value.getDefiningOp())
    rewriter.setInsertionPointAfter(def);
  else
    rewriter.setInsertionPointToStart(cast<BlockArgument>(value).getOwner());
  Location loc = value.getLoc();
  auto type = cast<RankedTensorType>(value.getType());
  Value empty = tensor::EmptyOp::create(
      rewriter, loc, tensor::getMixedSizes(rewriter, loc, value),
      rewriter.getF32Type());
  AffineMap identity = rewriter.getMultiDimIdentityMap(type.getRank());
  SmallVector<utils::IteratorType> iterators(type.getRank(),
                                             utils::IteratorType::parallel);
  auto copy = linalg::GenericOp::create(
      rewriter, loc, empty.getType(), ValueRange{value}, ValueRange{empty},
      ArrayRef<AffineMap>{identity, identity}, iterators,
      [](OpBuilder &b, Location l, ValueRange args) {
        Value ext = arith::ExtFOp::create(b, l, b.getF32Type(), args[0]);
        linalg::YieldOp::create(b, l, ext);
      });
  it->second = copy.getResult(0);
  return it->second;
}

namespace {

struct MPTWidenContractionOperandsPass
    : public mpt::impl::MPTWidenContractionOperandsBase<
          MPTWidenContractionOperandsPass> {
  using Base::Base;

  void runOnOperation() override {
    IRRewriter rewriter(&getContext());
    SmallVector<linalg::LinalgOp> ops;
    getOperation().walk([&](linalg::LinalgOp op) {
      if (op.hasPureTensorSemantics() && op.getNumReductionLoops() > 0 &&
          llvm::any_of(op.getDpsInputOperands(), [&](OpOperand *input) {
            return isWidenable(op, *input);
          }))
        ops.push_back(op);
    });
    DenseMap<Value, Value> copies;
    for (linalg::LinalgOp op : ops) {
      linalg::GenericOp generic = dyn_cast<linalg::GenericOp>(*op);
      if (!generic) {
        rewriter.setInsertionPoint(op);
        FailureOr<linalg::GenericOp> generalized =
            linalg::generalizeNamedOp(rewriter, op);
        if (failed(generalized))
          continue; // Not every named op generalizes; it stays as it is.
        generic = *generalized;
      }
      for (OpOperand *input : generic.getDpsInputOperands()) {
        if (!isWidenable(generic, *input))
          continue;
        Value wide = widen(rewriter, input->get(), copies);
        BlockArgument arg = generic.getMatchingBlockArgument(input);
        rewriter.modifyOpInPlace(generic, [&] {
          input->set(wide);
          arg.setType(rewriter.getF32Type());
        });
        for (Operation *user : llvm::make_early_inc_range(arg.getUsers()))
          rewriter.replaceOp(user, arg);
        ++numWidened;
      }
    }
  }
};

} // namespace
