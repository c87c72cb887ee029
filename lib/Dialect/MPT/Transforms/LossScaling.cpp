//===- LossScaling.cpp - loss scaling with on-device skipped steps --------===//
//
// mpt-loss-scaling. In every training step (a function with one
// `mpt.grad_seed`):
//
// 1. the seed becomes the loss scale (`mpt.grad_seed %loss scale(%s)`), so
//    every gradient of the backward pass is multiplied by it;
// 2. the gradients that reach optimizer ops go through one
//    `mpt.unscale_and_check` with that same scale: FP32 gradients times
//    1/scale and one `found_inf` flag for the whole step (with
//    overflow-check=f16, or a step marked `mpt.overflow_check = "f16"`, also
//    set by a scaled gradient f16 cannot hold, as GradScaler's is:
//    `overflow_type = f16`);
// 3. every optimizer op takes the unscaled gradient and `found_inf(%f)`: it
//    leaves its parameter, state and working copy unchanged when the flag is
//    set (the skip happens on the device, no host round trip);
// 4. dynamic mode only: `mpt.update_scale` computes next step's scale state
//    from this step's state and the flag, after the optimizer ops.
//
// Dynamic mode adds three state arguments/results (`loss_scale.scale`,
// `loss_scale.growth_tracker`, `loss_scale.hysteresis_tracker`); static mode
// uses a constant scale; both return `found_inf` as a named output. The
// pass analyses the whole module first and edits nothing when it reports an
// error.
//
//===----------------------------------------------------------------------===//

#include "TrainingStep.h"

#include "mpt/Dialect/MPT/IR/MPTOps.h"
#include "mpt/Dialect/MPT/Transforms/PassReport.h"
#include "mpt/Dialect/MPT/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"

#include <cfloat>
#include <cmath>
#include <limits>

namespace mlir::mpt {
#define GEN_PASS_DEF_MPTLOSSSCALING
#include "mpt/Dialect/MPT/Transforms/Passes.h.inc"
} // namespace mlir::mpt

using namespace mlir;
using namespace mlir::mpt;
using namespace mlir::mpt::detail;

namespace {

/// Names of the loss-scale state arguments and of the found_inf output.
constexpr llvm::StringLiteral kScaleName = "loss_scale.scale";
constexpr llvm::StringLiteral kGrowthName = "loss_scale.growth_tracker";
constexpr llvm::StringLiteral kHysteresisName = "loss_scale.hysteresis_tracker";
/// A training step's request for GradScaler's overflow decisions
/// (`mpt.overflow_check = "f16"`), honoured by overflow-check=auto.
constexpr llvm::StringLiteral kOverflowCheckAttr = "mpt.overflow_check";
constexpr llvm::StringLiteral kFoundInfName = "found_inf";

/// The loss-scale values of one step: the scale used in its backward pass
/// and, in dynamic mode, the two trackers (state arguments).
struct ScaleState {
  Value scale, growthTracker, hysteresisTracker;
};

/// What the pass does in one training step.
struct ScalePlan {
  func::FuncOp func;
  func::ReturnOp ret;
  GradSeedOp seed;
  LossScaleMode mode;
  /// The step computes in f16 and its gradients are also checked against
  /// f16's range (overflow-check).
  bool checkF16Range = false;
  /// Optimizer ops in block order.
  SmallVector<Operation *> optimizers;
  /// Distinct gradients the seed reaches, in optimizer order.
  SmallVector<Value> grads;
  /// The last op of the entry block that defines one of `grads`.
  Operation *lastGradDef = nullptr;
};

bool hasF16(func::FuncOp func) {
  auto isF16 = [](Type type) { return getElementTypeOrSelf(type).isF16(); };
  bool found = llvm::any_of(func.getArgumentTypes(), isF16) ||
               llvm::any_of(func.getResultTypes(), isF16);
  func.walk([&](Operation *op) {
    if (found)
      return WalkResult::interrupt();
    found = llvm::any_of(op->getResultTypes(), isF16);
    for (Region &region : op->getRegions())
      for (Block &block : region)
        found = found || llvm::any_of(block.getArgumentTypes(), isF16);
    return WalkResult::advance();
  });
  return found;
}

struct MPTLossScalingPass
    : public mpt::impl::MPTLossScalingBase<MPTLossScalingPass> {
  using Base::Base;

  void runOnOperation() override;

private:
  LogicalResult validateOptions(Operation *anchor);
  /// Fills `plan`; returns failure after reporting an error, and success with
  /// `plan.seed` null when the function needs nothing.
  LogicalResult analyze(func::FuncOp func, LossScaleMode mode, ScalePlan &plan);
  void rewrite(ScalePlan &plan);

  // Steps of the rewrite.
  /// The scale this step's backward pass uses: new state arguments (dynamic)
  /// or a constant (static).
  ScaleState createScaleState(ScalePlan &plan);
  /// Every optimizer op after the unscale-and-check, on the unscaled
  /// gradients, skipping on overflow.
  void rewireOptimizers(ScalePlan &plan, UnscaleAndCheckOp unscale);
  /// Next step's scale state and found_inf as results.
  void appendResults(ScalePlan &plan, const ScaleState &state, Value foundInf);

  /// The remarks of the current run.
  PassReport *passReport = nullptr;
};

} // namespace

//===----------------------------------------------------------------------===//
// Options
//===----------------------------------------------------------------------===//

LogicalResult MPTLossScalingPass::validateOptions(Operation *anchor) {
  auto error = [&]() { return anchor->emitError() << "mpt-loss-scaling: "; };
  if (!std::isfinite(initScale) || initScale <= 0 || initScale > FLT_MAX)
    return error() << "init-scale must be a finite f32 > 0, got "
                   << formatNumber(initScale);
  if (!std::isfinite(growthFactor) || growthFactor <= 1 ||
      growthFactor > FLT_MAX)
    return error() << "growth-factor must be finite and > 1, got "
                   << formatNumber(growthFactor);
  if (!std::isfinite(backoffFactor) || backoffFactor <= 0 || backoffFactor >= 1)
    return error() << "backoff-factor must lie in (0, 1), got "
                   << formatNumber(backoffFactor);
  int64_t i32Max = std::numeric_limits<int32_t>::max();
  if (growthInterval < 1 || growthInterval > i32Max)
    return error() << "growth-interval must lie in [1, 2^31 - 1], got "
                   << static_cast<int64_t>(growthInterval);
  if (hysteresis < 1 || hysteresis > i32Max)
    return error() << "hysteresis must lie in [1, 2^31 - 1], got "
                   << static_cast<int64_t>(hysteresis);
  if (!std::isfinite(minScale) || minScale < 0 || minScale > FLT_MAX)
    return error() << "min-scale must be 0 (none) or a finite f32 > 0, got "
                   << formatNumber(minScale);
  if (!std::isfinite(maxScale) || maxScale < 0 || maxScale > FLT_MAX)
    return error() << "max-scale must be 0 (the largest finite f32) or a "
                      "finite f32 > 0, got "
                   << formatNumber(maxScale);
  if (minScale > 0 && maxScale > 0 && minScale > maxScale)
    return error() << "min-scale " << formatNumber(minScale)
                   << " is greater than max-scale " << formatNumber(maxScale);
  if (minScale > 0 && initScale < minScale)
    return error() << "init-scale " << formatNumber(initScale)
                   << " is below min-scale " << formatNumber(minScale);
  if (maxScale > 0 && initScale > maxScale)
    return error() << "init-scale " << formatNumber(initScale)
                   << " is above max-scale " << formatNumber(maxScale);
  return success();
}

//===----------------------------------------------------------------------===//
// Analysis
//===----------------------------------------------------------------------===//

/// `root` and the results of every op of `block` that depends on it (an op
/// depends on a value its nested ops use), not looking past ops `stop`
/// accepts.
static llvm::DenseSet<Value>
dependentsInBlock(Value root, Block &block,
                  llvm::function_ref<bool(Operation *)> stop) {
  llvm::DenseSet<Value> reached = {root};
  SmallVector<Value> worklist = {root};
  while (!worklist.empty()) {
    Value value = worklist.pop_back_val();
    for (Operation *user : value.getUsers()) {
      Operation *ancestor = block.findAncestorOpInBlock(*user);
      if (!ancestor || stop(ancestor))
        continue;
      for (Value result : ancestor->getResults())
        if (reached.insert(result).second)
          worklist.push_back(result);
    }
  }
  return reached;
}

/// Checks the shape of a step the pass can rewrite: an entry point with one
/// block, the seed and every optimizer op at its top level, none of them
/// already skipping.
static LogicalResult checkStepStructure(func::FuncOp func, GradSeedOp seed,
                                        ArrayRef<Operation *> optimizers,
                                        ScalePlan &plan) {
  if (failed(checkNotReferenced(func, "mpt-loss-scaling")))
    return failure();
  plan.ret = getSingleReturn(func);
  if (!plan.ret)
    return func.emitError()
           << "mpt-loss-scaling: training step '" << func.getSymName()
           << "' must have a single block ending in func.return (control "
              "flow across blocks is not supported)";
  if (seed->getParentOp() != func.getOperation())
    return seed->emitError() << "mpt-loss-scaling: mpt.grad_seed must be at "
                                "the top level of the function body";
  if (optimizers.empty())
    return seed->emitError()
           << "mpt-loss-scaling: this mpt.grad_seed reaches no optimizer op "
              "(the function has no mpt.sgd or mpt.adam), so no gradient "
              "would be unscaled and no step skipped";
  for (Operation *op : optimizers) {
    if (op->getParentOp() != func.getOperation())
      return op->emitError() << "mpt-loss-scaling: optimizer op must be at "
                                "the top level of the function body";
    if (getFoundInf(op))
      return op->emitError() << "mpt-loss-scaling: optimizer op already has "
                                "a found_inf operand; the pass adds it";
  }
  return success();
}

/// The distinct gradients of `optimizers` that depend on the seed (in
/// optimizer order) and the last op defining one; warns about optimizer ops
/// whose gradient does not depend on the seed.
static LogicalResult collectGradients(GradSeedOp seed,
                                      ArrayRef<Operation *> optimizers,
                                      ScalePlan &plan) {
  Block &entry = *seed->getBlock();
  llvm::DenseSet<Value> reached = dependentsInBlock(
      seed.getResult(), entry, [](Operation *) { return false; });
  llvm::DenseSet<Value> seen;
  SmallVector<Operation *> unreached;
  for (Operation *op : optimizers) {
    Value grad = getGradOperand(op).get();
    if (!reached.contains(grad)) {
      unreached.push_back(op);
      continue;
    }
    if (!seen.insert(grad).second)
      continue;
    plan.grads.push_back(grad);
    Operation *def = grad.getDefiningOp();
    if (def && (!plan.lastGradDef || plan.lastGradDef->isBeforeInBlock(def)))
      plan.lastGradDef = def;
  }
  if (plan.grads.empty())
    return seed->emitError()
           << "mpt-loss-scaling: this mpt.grad_seed reaches none of the "
           << optimizers.size()
           << " optimizer ops' gradients; is the backward pass connected to "
              "the optimizer ops?";
  for (Operation *op : unreached)
    op->emitWarning()
        << "mpt-loss-scaling: the gradient of this optimizer op does not "
           "depend on mpt.grad_seed, so it is neither scaled nor unscaled "
           "(the op still skips overflow steps)";
  return success();
}

/// The one unscale-and-check goes after the last gradient; optimizer ops
/// before it move after it, which needs every user of their results to come
/// later.
static LogicalResult checkOptimizersCanMove(ArrayRef<Operation *> optimizers,
                                            ScalePlan &plan) {
  Block &entry = *plan.ret->getBlock();
  for (Operation *op : optimizers) {
    if (!op->isBeforeInBlock(plan.lastGradDef))
      continue;
    for (Operation *user : op->getUsers()) {
      Operation *ancestor = entry.findAncestorOpInBlock(*user);
      if (!ancestor || ancestor == plan.ret.getOperation() ||
          plan.lastGradDef->isBeforeInBlock(ancestor))
        continue;
      InFlightDiagnostic diag =
          op->emitError()
          << "mpt-loss-scaling: this optimizer op runs before the last "
             "gradient is computed and its results are used before that, "
             "so the step's one unscale-and-check cannot precede it";
      diag.attachNote(plan.lastGradDef->getLoc()) << "the last gradient";
      return failure();
    }
  }
  return success();
}

/// The argument and result names the pass adds must be free.
static LogicalResult checkNamesFree(func::FuncOp func, LossScaleMode mode) {
  llvm::StringSet<> names = collectArgNames(func);
  if (mode == LossScaleMode::Dynamic)
    for (StringRef name : {kScaleName, kGrowthName, kHysteresisName})
      if (names.contains(name))
        return func.emitError() << "mpt-loss-scaling: an argument is already "
                                   "named \""
                                << name << "\"";
  for (unsigned i = 0, e = func.getNumResults(); i < e; ++i)
    if (auto name =
            func.getResultAttrOfType<StringAttr>(i, MPTDialect::kNameAttrName);
        name && name.getValue() == kFoundInfName)
      return func.emitError()
             << "mpt-loss-scaling: result #" << i << " is already named \""
             << kFoundInfName << "\"";
  return success();
}

LogicalResult MPTLossScalingPass::analyze(func::FuncOp func, LossScaleMode mode,
                                          ScalePlan &plan) {
  SmallVector<GradSeedOp> seeds;
  SmallVector<Operation *> optimizers;
  func.walk([&](Operation *op) {
    if (auto seed = dyn_cast<GradSeedOp>(op))
      seeds.push_back(seed);
    else if (isOptimizer(op))
      optimizers.push_back(op);
  });
  if (seeds.empty()) {
    if (!optimizers.empty())
      mlir::emitWarning(func.getLoc())
          << "mpt-loss-scaling: '" << func.getSymName()
          << "' has optimizer ops but no mpt.grad_seed, so its gradients "
             "cannot be scaled; the function is left unchanged";
    return success();
  }
  if (seeds.size() > 1) {
    InFlightDiagnostic diag =
        seeds[1]->emitError()
        << "mpt-loss-scaling: a training step has one mpt.grad_seed (where "
           "the backward pass starts); this is a second one";
    diag.attachNote(seeds[0]->getLoc()) << "the first mpt.grad_seed";
    return failure();
  }
  GradSeedOp seed = seeds.front();
  if (seed.getScale() || mode == LossScaleMode::None)
    return success(); // already scaled (the pass is idempotent), or no mode

  if (failed(checkStepStructure(func, seed, optimizers, plan)) ||
      failed(collectGradients(seed, optimizers, plan)) ||
      failed(checkOptimizersCanMove(optimizers, plan)) ||
      failed(checkNamesFree(func, mode)))
    return failure();

  plan.func = func;
  plan.seed = seed;
  plan.mode = mode;
  OverflowCheck check = overflowCheck;
  if (check == OverflowCheck::Auto) {
    auto marked = func->getAttrOfType<StringAttr>(kOverflowCheckAttr);
    check = marked && marked.getValue() == "f16" ? OverflowCheck::F16
                                                 : OverflowCheck::Inf;
  }
  plan.checkF16Range = check == OverflowCheck::F16 && hasF16(func);
  plan.optimizers = std::move(optimizers);
  llvm::sort(plan.optimizers,
             [](Operation *a, Operation *b) { return a->isBeforeInBlock(b); });
  return success();
}

//===----------------------------------------------------------------------===//
// Rewrite
//===----------------------------------------------------------------------===//

/// Warns about results of the step that still carry the loss scale: values
/// computed from the backward pass before its gradients are unscaled (say, a
/// gradient norm taken before the last gradient exists).
static void warnScaledResults(ScalePlan &plan, Operation *unscale) {
  // The unscale op and the optimizer ops end the scaled region.
  llvm::DenseSet<Value> scaled = dependentsInBlock(
      plan.seed.getResult(), plan.func.front(), [&](Operation *op) {
        return op == unscale || isOptimizer(op) || isa<UpdateScaleOp>(op);
      });
  for (OpOperand &operand : plan.ret->getOpOperands()) {
    if (!scaled.contains(operand.get()))
      continue;
    unsigned index = operand.getOperandNumber();
    InFlightDiagnostic diag = mlir::emitWarning(plan.func.getLoc())
                              << "mpt-loss-scaling: result #" << index;
    if (auto name = plan.func.getResultAttrOfType<StringAttr>(
            index, MPTDialect::kNameAttrName))
      diag << " (\"" << name.getValue() << "\")";
    diag << " of '" << plan.func.getSymName()
         << "' is computed from the backward pass before its gradients are "
            "unscaled, so it is multiplied by the loss scale; compute it "
            "from the gradients after the last one exists";
  }
}

static RankedTensorType scalarTensor(Type element) {
  return RankedTensorType::get({}, element);
}

ScaleState MPTLossScalingPass::createScaleState(ScalePlan &plan) {
  func::FuncOp func = plan.func;
  MLIRContext *ctx = func.getContext();
  Location loc = plan.seed.getLoc();
  ScaleState state;
  if (plan.mode != LossScaleMode::Dynamic) {
    OpBuilder b = OpBuilder::atBlockBegin(&func.front());
    state.scale = arith::ConstantOp::create(
        b, loc,
        DenseElementsAttr::get(scalarTensor(Float32Type::get(ctx)),
                               static_cast<float>(initScale)));
    return state;
  }
  // State arguments go before the inputs: params, working copies,
  // optimizer state, loss-scale state, inputs.
  unsigned argPos = func.getNumArguments();
  for (unsigned i = 0, e = func.getNumArguments(); i < e; ++i)
    if (getArgRole(func, i) == Role::Input) {
      argPos = i;
      break;
    }
  auto argAttrs = [&](StringRef name, InitAttr initAttr) {
    return makeSignatureAttrs(
        ctx, {{MPTDialect::kRoleAttrName, roleAttr(ctx, Role::LossScaleState)},
              {MPTDialect::kNameAttrName, StringAttr::get(ctx, name)},
              {MPTDialect::kInitAttrName, initAttr}});
  };
  Type f32Scalar = scalarTensor(Float32Type::get(ctx));
  Type i32Scalar = scalarTensor(IntegerType::get(ctx, 32));
  (void)func.insertArguments(
      {argPos, argPos, argPos}, {f32Scalar, i32Scalar, i32Scalar},
      {argAttrs(kScaleName,
                InitAttr::getConstant(ctx, double(float(initScale)))),
       argAttrs(kGrowthName, InitAttr::getZeros(ctx)),
       argAttrs(kHysteresisName,
                InitAttr::getConstant(ctx, static_cast<double>(hysteresis)))},
      {loc, loc, loc});
  state.scale = func.getArgument(argPos);
  state.growthTracker = func.getArgument(argPos + 1);
  state.hysteresisTracker = func.getArgument(argPos + 2);
  return state;
}

/// One unscale-and-check of every gradient, right after the last one.
static UnscaleAndCheckOp insertUnscale(ScalePlan &plan, Value scale,
                                       bool checkF16Range) {
  MLIRContext *ctx = plan.func.getContext();
  OpBuilder b(ctx);
  b.setInsertionPointAfter(plan.lastGradDef);
  SmallVector<Type> unscaledTypes;
  for (Value grad : plan.grads)
    unscaledTypes.push_back(
        cast<RankedTensorType>(grad.getType()).clone(Float32Type::get(ctx)));
  auto unscale = UnscaleAndCheckOp::create(
      b, plan.seed.getLoc(), unscaledTypes,
      scalarTensor(IntegerType::get(ctx, 1)), plan.grads, scale,
      checkF16Range ? TypeAttr::get(Float16Type::get(ctx)) : TypeAttr());
  return unscale;
}

void MPTLossScalingPass::rewireOptimizers(ScalePlan &plan,
                                          UnscaleAndCheckOp unscale) {
  llvm::DenseMap<Value, Value> unscaledOf;
  for (auto [grad, unscaled] : llvm::zip(plan.grads, unscale.getUnscaled()))
    unscaledOf[grad] = unscaled;
  Operation *previous = unscale;
  for (Operation *op : plan.optimizers) {
    if (op->isBeforeInBlock(unscale)) {
      op->moveAfter(previous);
      previous = op;
    }
    OpOperand &grad = getGradOperand(op);
    if (Value unscaled = unscaledOf.lookup(grad.get()))
      grad.set(unscaled);
    getFoundInfOperand(op).assign(unscale.getFoundInf());
  }
}

/// Every later use of a gradient (a gradient returned as an output, a
/// gradient norm) reads the unscaled value, as after PyTorch's
/// `scaler.unscale_`. Earlier uses belong to the backward pass, which is
/// scaled throughout.
static void readUnscaledAfter(ScalePlan &plan, UnscaleAndCheckOp unscale) {
  Block &entry = plan.func.front();
  OpBuilder b(plan.func.getContext());
  for (auto [grad, unscaled] : llvm::zip(plan.grads, unscale.getUnscaled())) {
    Value replacement;
    for (OpOperand &use : llvm::make_early_inc_range(grad.getUses())) {
      Operation *ancestor = entry.findAncestorOpInBlock(*use.getOwner());
      if (!ancestor || ancestor == unscale.getOperation() ||
          !unscale->isBeforeInBlock(ancestor))
        continue;
      if (!replacement) {
        replacement = unscaled;
        if (unscaled.getType() != grad.getType()) {
          b.setInsertionPointAfter(unscale);
          replacement =
              CastOp::create(b, grad.getLoc(), grad.getType(), unscaled);
        }
      }
      use.set(replacement);
    }
  }
}

void MPTLossScalingPass::appendResults(ScalePlan &plan, const ScaleState &state,
                                       Value foundInf) {
  func::FuncOp func = plan.func;
  MLIRContext *ctx = func.getContext();
  auto str = [&](StringRef s) { return StringAttr::get(ctx, s); };
  SmallVector<unsigned> resultIndices;
  SmallVector<Type> resultTypes;
  SmallVector<DictionaryAttr> resultAttrs;
  unsigned numResults = func.getNumResults();
  if (plan.mode == LossScaleMode::Dynamic) {
    // Next step's scale state, computed after the step.
    OpBuilder b(plan.ret);
    auto update = UpdateScaleOp::create(
        b, plan.seed.getLoc(), state.scale, state.growthTracker,
        state.hysteresisTracker, foundInf,
        b.getF32FloatAttr(static_cast<float>(growthFactor)),
        b.getF32FloatAttr(static_cast<float>(backoffFactor)),
        b.getI64IntegerAttr(growthInterval), b.getI64IntegerAttr(hysteresis),
        minScale > 0 ? b.getF32FloatAttr(static_cast<float>(minScale))
                     : FloatAttr(),
        maxScale > 0 ? b.getF32FloatAttr(static_cast<float>(maxScale))
                     : FloatAttr());
    // After the other state results, before the loss and outputs.
    unsigned resultPos = numResults;
    for (unsigned i = 0; i < numResults; ++i)
      if (std::optional<Role> role = getResultRole(func, i);
          !role || !isStateRole(*role)) {
        resultPos = i;
        break;
      }
    auto stateAttrs = [&](StringRef name) {
      return makeSignatureAttrs(
          ctx,
          {{MPTDialect::kRoleAttrName, roleAttr(ctx, Role::LossScaleState)},
           {MPTDialect::kUpdatesAttrName, str(name)}});
    };
    resultIndices.append({resultPos, resultPos, resultPos});
    llvm::append_range(resultTypes, update.getResultTypes());
    resultAttrs.append({stateAttrs(kScaleName), stateAttrs(kGrowthName),
                        stateAttrs(kHysteresisName)});
    plan.ret->insertOperands(resultPos, update.getResults());
  }
  resultIndices.push_back(numResults);
  resultTypes.push_back(foundInf.getType());
  resultAttrs.push_back(makeSignatureAttrs(
      ctx, {{MPTDialect::kRoleAttrName, roleAttr(ctx, Role::Output)},
            {MPTDialect::kNameAttrName, str(kFoundInfName)}}));
  plan.ret->insertOperands(plan.ret->getNumOperands(), foundInf);
  (void)func.insertResults(resultIndices, resultTypes, resultAttrs);
}

void MPTLossScalingPass::rewrite(ScalePlan &plan) {
  // 1. The seed is the scale (edited in place: the seed may itself be a
  // gradient).
  ScaleState state = createScaleState(plan);
  plan.seed.getScaleMutable().assign(state.scale);
  // 2. One unscale-and-check after the last gradient.
  UnscaleAndCheckOp unscale =
      insertUnscale(plan, state.scale, plan.checkF16Range);
  // 3. Optimizer ops after it, skipping on overflow; later readers of the
  // gradients read them unscaled.
  rewireOptimizers(plan, unscale);
  readUnscaledAfter(plan, unscale);
  warnScaledResults(plan, unscale);
  // 4. Next step's scale state and the results.
  appendResults(plan, state, unscale.getFoundInf());

  RemarkBuilder(passReport, getArgument(), remark::RemarkKind::RemarkPassed,
                "scaled", plan.seed.getLoc())
      .function(plan.func.getSymNameAttr())
      .arg("mode", stringifyLossScaleMode(plan.mode))
      .arg("init_scale", static_cast<double>(static_cast<float>(initScale)))
      .arg("unscaled_gradients", static_cast<int64_t>(plan.grads.size()))
      .arg("optimizer_ops", static_cast<int64_t>(plan.optimizers.size()));
}

//===----------------------------------------------------------------------===//
// Driver
//===----------------------------------------------------------------------===//

void MPTLossScalingPass::runOnOperation() {
  ModuleOp module = getOperation();
  if (failed(validateOptions(module)))
    return signalPassFailure();
  if (mode == LossScaleMode::None)
    return;

  // A module without any grad seed has nothing to scale.
  bool anySeed = false;
  module.walk([&](GradSeedOp) {
    anySeed = true;
    return WalkResult::interrupt();
  });
  if (!anySeed) {
    Operation *anchor = module;
    for (auto func : module.getOps<func::FuncOp>()) {
      anchor = func;
      break;
    }
    mlir::emitWarning(anchor->getLoc())
        << "mpt-loss-scaling: no mpt.grad_seed in the module, so there is no "
           "backward pass to scale; nothing was changed";
    return;
  }

  SmallVector<ScalePlan> plans;
  bool failedAny = false;
  for (auto func : module.getOps<func::FuncOp>()) {
    if (func.isExternal())
      continue;
    LossScaleMode funcMode = mode;
    if (funcMode == LossScaleMode::Auto)
      funcMode = hasF16(func) ? LossScaleMode::Dynamic : LossScaleMode::None;
    ScalePlan plan;
    if (failed(analyze(func, funcMode, plan)))
      failedAny = true;
    else if (plan.seed)
      plans.push_back(std::move(plan));
  }
  if (failedAny)
    return signalPassFailure();
  PassReport remarks(getArgument());
  passReport = &remarks;
  for (ScalePlan &plan : plans) {
    rewrite(plan);
    ++numScaledSteps;
    numUnscaledGradients += plan.grads.size();
  }
  std::string error;
  if (!report.empty() && failed(remarks.write(report, error))) {
    module.emitError() << "mpt-loss-scaling: cannot write the report to '"
                       << report << "': " << error;
    signalPassFailure();
  }
}
