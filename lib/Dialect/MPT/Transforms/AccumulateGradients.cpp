//===- AccumulateGradients.cpp - K micro-batches per update ---------------===//
//
// mpt-accumulate-gradients: the forward and backward pass of a training
// step run K times in an scf.for over micro-batches of the (now K times
// larger) inputs, adding the gradients and the loss in FP32; the step's one
// overflow check, its optimizer ops and its loss-scale update then run once
// on the mean gradient.
//
//===----------------------------------------------------------------------===//

#include "mpt/Dialect/MPT/Transforms/Passes.h"

#include "TrainingStep.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"
#include "llvm/ADT/SetVector.h"

namespace mlir::mpt {
#define GEN_PASS_DEF_MPTACCUMULATEGRADIENTS
#include "mpt/Dialect/MPT/Transforms/Passes.h.inc"
} // namespace mlir::mpt

using namespace mlir;
using namespace mlir::mpt;
using namespace mlir::mpt::detail;

namespace {

struct MPTAccumulateGradientsPass
    : public mpt::impl::MPTAccumulateGradientsBase<MPTAccumulateGradientsPass> {
  using Base::Base;

  void runOnOperation() override;
};

/// `value * factor` elementwise in f32 (a 0-d or ranked tensor).
Value scaleBy(OpBuilder &b, Location loc, Value value, double factor) {
  auto type = cast<RankedTensorType>(value.getType());
  auto splat = DenseElementsAttr::get(
      type, b.getFloatAttr(type.getElementType(), factor));
  Value constant = arith::ConstantOp::create(b, loc, type, splat);
  return arith::MulFOp::create(b, loc, value, constant);
}

} // namespace

void MPTAccumulateGradientsPass::runOnOperation() {
  func::FuncOp func = getOperation();
  const char *pass = "mpt-accumulate-gradients";
  if (microBatches < 1) {
    func.emitError() << pass << ": micro-batches must be at least 1, got "
                     << static_cast<int64_t>(microBatches);
    return signalPassFailure();
  }
  if (microBatches == 1 || func.isExternal())
    return;
  SmallVector<OpOperand *> uses;
  Operation *anchor = nullptr;
  if (failed(collectGradientUses(func, pass, uses, anchor)))
    return signalPassFailure();
  if (!anchor)
    return; // not a training step (eval_step)
  if (!func.getBody().hasOneBlock()) {
    func.emitError() << pass << ": a training step has one block";
    return signalPassFailure();
  }
  Block &body = func.getBody().front();
  SmallVector<LossOp> losses;
  func.walk([&](LossOp op) { losses.push_back(op); });
  if (losses.size() != 1 || losses.front()->getBlock() != &body) {
    func.emitError() << pass
                     << ": a training step has one mpt.loss at the top level "
                        "of its body; this one has "
                     << losses.size();
    return signalPassFailure();
  }
  LossOp loss = losses.front();

  // The inputs (per-sample data), all with batch size B.
  SmallVector<BlockArgument> inputs;
  int64_t batch = -1;
  for (BlockArgument arg : body.getArguments()) {
    auto role = func.getArgAttrOfType<RoleAttr>(arg.getArgNumber(),
                                                MPTDialect::kRoleAttrName);
    if (!role || role.getValue() != Role::Input)
      continue;
    auto type = dyn_cast<RankedTensorType>(arg.getType());
    if (!type || type.getRank() == 0 || type.isDynamicDim(0)) {
      emitError(arg.getLoc())
          << pass << ": input " << describeArg(func, arg.getArgNumber())
          << " needs a static batch dimension to be split into micro-batches";
      return signalPassFailure();
    }
    if (batch >= 0 && type.getDimSize(0) != batch) {
      emitError(arg.getLoc())
          << pass << ": input " << describeArg(func, arg.getArgNumber())
          << " has batch " << type.getDimSize(0) << ", another input has "
          << batch;
      return signalPassFailure();
    }
    batch = type.getDimSize(0);
    inputs.push_back(arg);
  }
  if (inputs.empty()) {
    func.emitError() << pass
                     << ": the step has no input (mpt.role = input) to split "
                        "into micro-batches";
    return signalPassFailure();
  }

  // The gradients, then the ops to repeat: those that depend on an input
  // and that the gradients or the loss depend on.
  llvm::SetVector<Value> grads;
  for (OpOperand *use : uses)
    grads.insert(use->get());
  llvm::DenseSet<Operation *> dependsOnInput;
  for (Operation &op : body)
    for (Value operand : op.getOperands()) {
      bool fromInput = llvm::is_contained(inputs, operand);
      Operation *def = operand.getDefiningOp();
      if (fromInput || (def && dependsOnInput.contains(def))) {
        dependsOnInput.insert(&op);
        break;
      }
    }
  // Ops with regions read values of the body inside them too.
  for (Operation &op : body)
    if (op.getNumRegions() && !dependsOnInput.contains(&op)) {
      bool reads = false;
      op.walk([&](Operation *inner) {
        for (Value operand : inner->getOperands()) {
          Operation *def = operand.getDefiningOp();
          if (llvm::is_contained(inputs, operand) ||
              (def && def->getBlock() == &body && dependsOnInput.contains(def)))
            reads = true;
        }
      });
      if (reads) {
        op.emitError() << pass
                       << ": an op with regions that reads the batch is not "
                          "supported";
        return signalPassFailure();
      }
    }
  llvm::DenseSet<Operation *> needed;
  SmallVector<Operation *> worklist;
  auto need = [&](Value v) {
    Operation *def = v.getDefiningOp();
    if (def && def->getBlock() == &body && dependsOnInput.contains(def) &&
        needed.insert(def).second)
      worklist.push_back(def);
  };
  for (Value grad : grads)
    need(grad);
  need(loss.getResult());
  while (!worklist.empty())
    for (Value operand : worklist.pop_back_val()->getOperands())
      need(operand);
  SmallVector<Operation *> repeated;
  for (Operation &op : body)
    if (needed.contains(&op))
      repeated.push_back(&op);

  // Under loss scaling the 1/K of the mean goes into the seed (scale / K)
  // and the gradients are summed: each micro-batch's scaled backward values
  // are then those of one batch of K*B samples (bit for bit for a
  // power-of-two K), so FP16 overflows where it would without
  // accumulation; a mean after the loop would make them K times larger.
  bool predivided = false;
  for (Operation *op : repeated)
    if (auto seed = dyn_cast<GradSeedOp>(op); seed && seed.getScale()) {
      OpBuilder before(seed);
      auto type = cast<RankedTensorType>(seed.getScale().getType());
      Value inverse = arith::ConstantOp::create(
          before, seed.getLoc(), type,
          DenseElementsAttr::get(
              type,
              before.getF32FloatAttr(1.0f / static_cast<float>(microBatches))));
      Value scaled = arith::MulFOp::create(before, seed.getLoc(),
                                           seed.getScale(), inverse);
      seed.getScaleMutable().assign(scaled);
      predivided = true;
    }

  // Values of the repeated ops read by the rest of the step: the gradients
  // and the loss only.
  Value lossValue = loss.getResult();
  for (Operation *op : repeated)
    for (Value result : op->getResults()) {
      if (grads.contains(result) || result == lossValue)
        continue;
      for (Operation *user : result.getUsers())
        if (!needed.contains(body.findAncestorOpInBlock(*user))) {
          InFlightDiagnostic diag =
              user->emitError()
              << pass
              << ": this op reads a value computed from the batch that is "
                 "neither a gradient nor the loss; with micro-batches it "
                 "would see only the last one";
          diag.attachNote(op->getLoc()) << "the value";
          return signalPassFailure();
        }
    }

  // The loop goes after the last op the repeated ops read from outside
  // (and after the first repeated op); users of the gradients and the loss
  // that come before it must move after it.
  Operation *insertAfter = nullptr;
  for (Operation *op : repeated)
    for (Value operand : op->getOperands())
      if (Operation *def = operand.getDefiningOp())
        if (def->getBlock() == &body && !needed.contains(def) &&
            (!insertAfter || insertAfter->isBeforeInBlock(def)))
          insertAfter = def;
  // Users of the gradients and the loss before that point move after the
  // loop; what they compute must not be needed before it.
  SmallVector<Operation *> toMove;
  if (insertAfter && repeated.front()->isBeforeInBlock(insertAfter))
    for (Operation &op : body) {
      if (&op == insertAfter)
        break;
      if (needed.contains(&op))
        continue;
      if (llvm::any_of(op.getOperands(), [&](Value v) {
            return grads.contains(v) || v == lossValue;
          }))
        toMove.push_back(&op);
    }
  for (Operation *op : toMove)
    for (Operation *user : op->getUsers())
      if (!insertAfter->isBeforeInBlock(body.findAncestorOpInBlock(*user))) {
        op->emitError() << pass
                        << ": this op reads the gradients or the loss and "
                           "its result is used before the backward pass "
                           "ends; cannot accumulate around it";
        return signalPassFailure();
      }

  MLIRContext *ctx = &getContext();
  Location loc = loss.getLoc();
  OpBuilder b(ctx);
  if (insertAfter && repeated.front()->isBeforeInBlock(insertAfter))
    b.setInsertionPointAfter(insertAfter);
  else
    b.setInsertionPoint(repeated.front());

  // The inputs take K micro-batches.
  int64_t k = microBatches;
  SmallVector<Type> argTypes(func.getArgumentTypes());
  for (BlockArgument arg : inputs) {
    auto type = cast<RankedTensorType>(arg.getType());
    SmallVector<int64_t> shape(type.getShape());
    shape[0] = batch * k;
    auto wide = type.clone(shape);
    arg.setType(wide);
    argTypes[arg.getArgNumber()] = wide;
  }
  func.setType(FunctionType::get(ctx, argTypes, func.getResultTypes()));

  // FP32 accumulators, starting at zero.
  SmallVector<Value> inits;
  Type f32 = b.getF32Type();
  for (Value grad : grads) {
    auto type = cast<RankedTensorType>(grad.getType()).clone(f32);
    inits.push_back(arith::ConstantOp::create(
        b, loc, type, DenseElementsAttr::get(type, b.getF32FloatAttr(0.0))));
  }
  auto lossType = cast<RankedTensorType>(lossValue.getType());
  auto lossF32 = lossType.clone(f32);
  inits.push_back(arith::ConstantOp::create(
      b, loc, lossF32,
      DenseElementsAttr::get(lossF32, b.getF32FloatAttr(0.0))));

  Value lb = arith::ConstantIndexOp::create(b, loc, 0);
  Value ub = arith::ConstantIndexOp::create(b, loc, k);
  Value step = arith::ConstantIndexOp::create(b, loc, 1);
  auto loop = scf::ForOp::create(b, loc, lb, ub, step, inits);
  {
    OpBuilder::InsertionGuard guard(b);
    Block *loopBody = loop.getBody();
    b.setInsertionPointToStart(loopBody);
    Value iv = loop.getInductionVar();
    Value batchSize = arith::ConstantIndexOp::create(b, loc, batch);
    Value offset = arith::MulIOp::create(b, loc, iv, batchSize);
    IRMapping mapping;
    for (BlockArgument arg : inputs) {
      auto wide = cast<RankedTensorType>(arg.getType());
      SmallVector<int64_t> shape(wide.getShape());
      shape[0] = batch;
      SmallVector<OpFoldResult> offsets(wide.getRank(), b.getIndexAttr(0));
      offsets[0] = offset;
      SmallVector<OpFoldResult> sizes;
      for (int64_t d : shape)
        sizes.push_back(b.getIndexAttr(d));
      SmallVector<OpFoldResult> strides(wide.getRank(), b.getIndexAttr(1));
      Value slice = tensor::ExtractSliceOp::create(
          b, arg.getLoc(), wide.clone(shape), arg, offsets, sizes, strides);
      mapping.map(arg, slice);
    }
    for (Operation *op : repeated)
      b.clone(*op, mapping);
    SmallVector<Value> yields;
    auto accumulate = [&](Value acc, Value value) {
      auto type = cast<RankedTensorType>(value.getType());
      if (!type.getElementType().isF32())
        value = CastOp::create(b, value.getLoc(), type.clone(f32), value);
      return arith::AddFOp::create(b, value.getLoc(), acc, value).getResult();
    };
    for (auto [index, grad] : llvm::enumerate(grads))
      yields.push_back(accumulate(loopBody->getArgument(1 + index),
                                  mapping.lookupOrDefault(grad)));
    yields.push_back(accumulate(loopBody->getArgument(1 + grads.size()),
                                mapping.lookup(lossValue)));
    scf::YieldOp::create(b, loc, yields);
  }

  // The means, back in the types the users read.
  double inv = 1.0 / static_cast<double>(k);
  SmallVector<Value> means;
  for (auto [index, grad] : llvm::enumerate(grads)) {
    Value mean = predivided ? Value(loop.getResult(index))
                            : scaleBy(b, loc, loop.getResult(index), inv);
    for (OpOperand *use : uses) {
      if (use->get() != grad)
        continue;
      Operation *user = use->getOwner();
      Value operand = mean;
      // unscale_and_check and f32 parameters read FP32; a low-precision
      // parameter's optimizer op reads the gradient's own type.
      if (grad.getType() != mean.getType() && isOptimizer(user) &&
          !getElementTypeOrSelf(getParamOperand(user).get().getType()).isF32())
        operand = CastOp::create(b, loc, grad.getType(), mean);
      use->set(operand);
    }
  }
  Value meanLoss = scaleBy(b, loc, loop.getResult(grads.size()), inv);
  if (lossType != lossF32)
    meanLoss = CastOp::create(b, loc, lossType, meanLoss);
  lossValue.replaceUsesWithIf(meanLoss, [&](OpOperand &use) {
    return !needed.contains(body.findAncestorOpInBlock(*use.getOwner()));
  });
  Operation *after = meanLoss.getDefiningOp();
  for (Operation *op : toMove) {
    op->moveAfter(after);
    after = op;
  }
  for (Operation *op : llvm::reverse(repeated)) {
    if (!op->use_empty()) {
      op->emitError() << pass
                      << ": internal error: a repeated op is still "
                         "used after the loop";
      return signalPassFailure();
    }
    op->erase();
  }
}
