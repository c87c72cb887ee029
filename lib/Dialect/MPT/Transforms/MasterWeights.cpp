//===- MasterWeights.cpp - FP32 masters and one working copy per step -----===//
//
// mpt-master-weights. After mpt-autocast, every parameter is an FP32
// function argument, and the low-precision ops read it through one
// `mpt.cast %p : f32 -> f16` (or bf16). This pass:
//
// * keep-working-copy=true: turns that cast into a state argument, the
//   working copy, initialised by the runtime as the cast of the master, and
//   makes the optimizer op write the next step's copy (its `-> type` result);
// * keep-working-copy=false: keeps exactly one cast per parameter and type,
//   at function entry;
// * fp32-masters=false: stores the parameters and their optimizer state in
//   the low precision itself (pure low-precision training, a comparison
//   baseline only).
//
// Either way it attaches the `mpt.role` / `mpt.name` / `mpt.updates`
// attributes that are missing so the runtime can bind the signature. The
// pass analyses the whole module first and edits nothing when it reports an
// error.
//
//===----------------------------------------------------------------------===//

#include "TrainingStep.h"

#include "mpt/Dialect/MPT/IR/MPTOps.h"
#include "mpt/Dialect/MPT/Transforms/PassReport.h"
#include "mpt/Dialect/MPT/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/MapVector.h"
#include "llvm/ADT/SmallPtrSet.h"

namespace mlir::mpt {
#define GEN_PASS_DEF_MPTMASTERWEIGHTS
#include "mpt/Dialect/MPT/Transforms/Passes.h.inc"
} // namespace mlir::mpt

using namespace mlir;
using namespace mlir::mpt;
using namespace mlir::mpt::detail;

namespace {

/// One parameter: the optimizer op that updates it, the argument, and the
/// casts to low precision that read it.
struct ParamPlan {
  Operation *optimizer = nullptr;
  BlockArgument arg;
  /// `mpt.cast` ops of the argument to a 16-bit float type.
  SmallVector<CastOp> casts;
  /// The element type of the working copy / of the parameter in pure low
  /// precision; null when nothing reads the parameter in low precision (and,
  /// in pure low precision, when the parameter is already converted).
  Type lowType;
  /// True when the pass has nothing to do for this parameter (it already has
  /// a working copy, or it is already stored in low precision).
  bool done = false;
  /// keep-working-copy=true only: the step returns something other than the
  /// optimizer's new parameter (say, a clamped one), so a working copy the
  /// optimizer writes would drift from the parameter; the parameter is cast
  /// at function entry instead.
  bool castAtEntry = false;
};

/// Everything the pass does in one function.
struct FunctionPlan {
  func::FuncOp func;
  func::ReturnOp ret;
  SmallVector<ParamPlan> params;
};

bool isLowPrecision(Type type) {
  Type element = getElementTypeOrSelf(type);
  return element.isF16() || element.isBF16();
}

struct MPTMasterWeightsPass
    : public mpt::impl::MPTMasterWeightsBase<MPTMasterWeightsPass> {
  using Base::Base;

  void runOnOperation() override;

private:
  FailureOr<FunctionPlan> analyze(func::FuncOp func, Type forcedType);
  /// The parameter argument `op` updates, or an error: nested optimizer
  /// ops, computed parameters, parameters with another role, parameters
  /// that are also state or updated twice.
  FailureOr<BlockArgument>
  checkParameter(Operation *op, func::FuncOp func,
                 const llvm::SmallPtrSetImpl<Value> &state,
                 llvm::DenseMap<Value, Operation *> &updatedBy);
  /// fp32-masters=true: the working-copy type, or a cast at entry.
  LogicalResult planFP32Master(func::FuncOp func, ParamPlan &param,
                               ArrayRef<Type> lowTypes, bool returnsNewParam);
  /// fp32-masters=false: the type the parameter is stored in.
  LogicalResult planLowPrecisionParam(func::FuncOp func, ParamPlan &param,
                                      ArrayRef<Type> lowTypes, Type forcedType,
                                      bool returnsNewParam);
  LogicalResult inferCommonLowType(FunctionPlan &plan);
  void attachRoles(FunctionPlan &plan);
  void keepWorkingCopies(FunctionPlan &plan);
  /// Casts the parameters at function entry: all of them, or (`all` false)
  /// those marked `castAtEntry`.
  void castAtEntry(FunctionPlan &plan, bool all);
  void storeInLowPrecision(FunctionPlan &plan);
  /// A `passed` remark `name` on the parameter of `param` stored or copied
  /// in `type`.
  void remarkParam(const FunctionPlan &plan, const ParamPlan &param,
                   StringRef name, Type type);

  /// The remarks of the current run.
  PassReport *passReport = nullptr;
};

} // namespace

//===----------------------------------------------------------------------===//
// Analysis
//===----------------------------------------------------------------------===//

/// The low-precision casts of every entry argument of `func`, in program
/// order (so the cast the pass keeps is the first one, whatever the use-list
/// order). Casts nothing reads (say, a bias cast a fused op no longer needs)
/// do not make a working copy.
static llvm::DenseMap<Value, SmallVector<CastOp>>
collectLowPrecisionCasts(func::FuncOp func) {
  llvm::DenseMap<Value, SmallVector<CastOp>> castsOf;
  Block &entry = func.front();
  func.walk<WalkOrder::PreOrder>([&](CastOp castOp) {
    auto arg = dyn_cast<BlockArgument>(castOp.getInput());
    if (arg && arg.getOwner() == &entry && isLowPrecision(castOp.getType()) &&
        !castOp->use_empty())
      castsOf[arg].push_back(castOp);
  });
  return castsOf;
}

/// The distinct element types `casts` convert to, in order.
static SmallVector<Type> getLowTypes(ArrayRef<CastOp> casts) {
  SmallVector<Type> lowTypes;
  for (CastOp castOp : casts) {
    Type element = getElementTypeOrSelf(castOp.getType());
    if (!llvm::is_contained(lowTypes, element))
      lowTypes.push_back(element);
  }
  return lowTypes;
}

FailureOr<BlockArgument> MPTMasterWeightsPass::checkParameter(
    Operation *op, func::FuncOp func, const llvm::SmallPtrSetImpl<Value> &state,
    llvm::DenseMap<Value, Operation *> &updatedBy) {
  if (op->getParentOp() != func.getOperation())
    return op->emitError() << "mpt-master-weights: optimizer op must be at "
                              "the top level of the function body, not "
                              "nested in '"
                           << op->getParentOp()->getName() << "'";
  Value param = getParamOperand(op).get();
  auto arg = dyn_cast<BlockArgument>(param);
  if (!arg || arg.getOwner() != &func.front()) {
    InFlightDiagnostic diag =
        op->emitError()
        << "mpt-master-weights: the parameter operand must be an argument "
           "of the function (a parameter the runtime keeps between steps); "
           "this one is computed inside the step";
    if (Operation *def = param.getDefiningOp())
      diag.attachNote(def->getLoc()) << "the parameter is defined here";
    return failure();
  }
  unsigned index = arg.getArgNumber();
  std::optional<Role> role = getArgRole(func, index);
  if (role && *role != Role::Param)
    return op->emitError() << "mpt-master-weights: argument "
                           << describeArg(func, index) << " has mpt.role "
                           << stringifyRole(*role)
                           << " but this op updates it as a parameter";
  if (state.contains(arg))
    return op->emitError() << "mpt-master-weights: argument "
                           << describeArg(func, index)
                           << " is both a parameter and optimizer state";
  auto [it, inserted] = updatedBy.try_emplace(arg, op);
  if (!inserted) {
    InFlightDiagnostic diag = op->emitError()
                              << "mpt-master-weights: parameter "
                              << describeArg(func, index)
                              << " is updated by two optimizer ops";
    diag.attachNote(it->second->getLoc()) << "first update here";
    return failure();
  }
  return arg;
}

LogicalResult MPTMasterWeightsPass::planFP32Master(func::FuncOp func,
                                                   ParamPlan &param,
                                                   ArrayRef<Type> lowTypes,
                                                   bool returnsNewParam) {
  Operation *op = param.optimizer;
  unsigned index = param.arg.getArgNumber();
  Type paramElement = getElementTypeOrSelf(param.arg.getType());
  if (isLowPrecision(paramElement))
    return op->emitError() << "mpt-master-weights: parameter "
                           << describeArg(func, index) << " is " << paramElement
                           << "; FP32 master weights need FP32 parameters "
                              "(the input contract), or fp32-masters=false "
                              "for pure low-precision training";
  if (getWorkingCopy(op))
    param.done = true; // already rewritten: the pass is idempotent
  else if (keepWorkingCopy && lowTypes.size() > 1)
    return op->emitError() << "mpt-master-weights: parameter "
                           << describeArg(func, index) << " is read in "
                           << lowTypes[0] << " and " << lowTypes[1]
                           << "; one working copy per parameter needs one "
                              "low-precision type";
  if (!lowTypes.empty())
    param.lowType = lowTypes.front();
  if (!keepWorkingCopy || param.done || !param.lowType || returnsNewParam)
    return success();
  param.castAtEntry = true;
  mlir::emitWarning(op->getLoc())
      << "mpt-master-weights: the step does not return this optimizer op's "
         "new value of parameter "
      << describeArg(func, index)
      << " (it returns something computed from it, or nothing), so a "
         "working copy written by the optimizer would differ from the "
         "parameter; the parameter is cast to "
      << param.lowType << " at function entry instead";
  return success();
}

LogicalResult MPTMasterWeightsPass::planLowPrecisionParam(
    func::FuncOp func, ParamPlan &param, ArrayRef<Type> lowTypes,
    Type forcedType, bool returnsNewParam) {
  Operation *op = param.optimizer;
  unsigned index = param.arg.getArgNumber();
  if (isLowPrecision(getElementTypeOrSelf(param.arg.getType()))) {
    param.done = true; // already stored in low precision
    return success();
  }
  if (!returnsNewParam)
    return op->emitError() << "mpt-master-weights: fp32-masters=false stores "
                              "the optimizer's new value of parameter "
                           << describeArg(func, index)
                           << " in low precision, but the step returns "
                              "something else for it (or nothing); return "
                              "the optimizer op's result";
  if (getWorkingCopy(op))
    return op->emitError() << "mpt-master-weights: fp32-masters=false needs "
                              "the FP32 input form, but this op already "
                              "writes a working copy";
  if (lowTypes.size() > 1)
    return op->emitError() << "mpt-master-weights: parameter "
                           << describeArg(func, index) << " is read in "
                           << lowTypes[0] << " and " << lowTypes[1]
                           << "; it can be stored in only one of them";
  if (forcedType && !lowTypes.empty() && lowTypes.front() != forcedType)
    return op->emitError() << "mpt-master-weights: parameter "
                           << describeArg(func, index) << " is read in "
                           << lowTypes.front() << " but precision is "
                           << forcedType;
  param.lowType = lowTypes.empty() ? forcedType : lowTypes.front();
  return success();
}

/// Pure low precision: parameters that no low-precision op reads take the
/// type the function's other parameters are read in (or, failing that, any
/// f16/bf16 type the function computes in).
LogicalResult MPTMasterWeightsPass::inferCommonLowType(FunctionPlan &plan) {
  Type common;
  for (ParamPlan &param : plan.params)
    if (!param.done && param.lowType && !common)
      common = param.lowType;
  if (!common)
    plan.func.walk([&](Operation *op) {
      for (Type type : op->getResultTypes())
        if (!common && isLowPrecision(type))
          common = getElementTypeOrSelf(type);
    });
  bool failed = false;
  for (ParamPlan &param : plan.params) {
    if (param.done || param.lowType)
      continue;
    if (!common) {
      param.optimizer->emitError()
          << "mpt-master-weights: fp32-masters=false cannot tell which "
             "low-precision type to store parameter "
          << describeArg(plan.func, param.arg.getArgNumber())
          << " in (nothing in the function is f16 or bf16); set "
             "precision=f16 or precision=bf16";
      failed = true;
      continue;
    }
    param.lowType = common;
  }
  return success(!failed);
}

FailureOr<FunctionPlan> MPTMasterWeightsPass::analyze(func::FuncOp func,
                                                      Type forcedType) {
  if (failed(checkNotReferenced(func, "mpt-master-weights")))
    return failure();
  FunctionPlan plan;
  plan.func = func;
  plan.ret = getSingleReturn(func);
  if (!plan.ret)
    return func.emitError()
           << "mpt-master-weights: training step '" << func.getSymName()
           << "' must have a single block ending in "
              "func.return (control flow across blocks is "
              "not supported)";

  SmallVector<Operation *> optimizers;
  func.walk([&](Operation *op) {
    if (isOptimizer(op))
      optimizers.push_back(op);
  });
  // Arguments used as optimizer state, to catch an argument that is both.
  llvm::SmallPtrSet<Value, 16> stateArgs;
  for (Operation *op : optimizers)
    for (StateSlot slot : getStateSlots(op))
      stateArgs.insert(slot.operand->get());
  llvm::DenseMap<Value, SmallVector<CastOp>> castsOf =
      collectLowPrecisionCasts(func);

  llvm::DenseMap<Value, Operation *> updatedBy;
  bool failedAny = false;
  for (Operation *op : optimizers) {
    FailureOr<BlockArgument> arg =
        checkParameter(op, func, stateArgs, updatedBy);
    if (failed(arg)) {
      failedAny = true;
      continue;
    }
    ParamPlan param;
    param.optimizer = op;
    param.arg = *arg;
    param.casts = castsOf.lookup(*arg);
    SmallVector<Type> lowTypes = getLowTypes(param.casts);
    // The runtime carries the returned parameter to the next step; state
    // derived from the optimizer's result must match it.
    bool returnsNewParam =
        llvm::is_contained(plan.ret->getOperands(), getNewParam(op));
    LogicalResult planned =
        fp32Masters ? planFP32Master(func, param, lowTypes, returnsNewParam)
                    : planLowPrecisionParam(func, param, lowTypes, forcedType,
                                            returnsNewParam);
    if (failed(planned)) {
      failedAny = true;
      continue;
    }
    plan.params.push_back(std::move(param));
  }
  if (failedAny || (!fp32Masters && failed(inferCommonLowType(plan))))
    return failure();
  return plan;
}

//===----------------------------------------------------------------------===//
// Signature attributes
//===----------------------------------------------------------------------===//

void MPTMasterWeightsPass::attachRoles(FunctionPlan &plan) {
  func::FuncOp func = plan.func;
  MLIRContext *ctx = func.getContext();
  llvm::StringSet<> names = collectArgNames(func);

  // Arguments: parameters and their state get a role and a name.
  for (ParamPlan &param : plan.params) {
    unsigned index = param.arg.getArgNumber();
    if (!getArgRole(func, index))
      func.setArgAttr(index, MPTDialect::kRoleAttrName,
                      roleAttr(ctx, Role::Param));
    if (getArgName(func, index).empty())
      func.setArgAttr(
          index, MPTDialect::kNameAttrName,
          StringAttr::get(ctx,
                          uniqueName(names, "param" + std::to_string(index))));
    StringRef paramName = getArgName(func, index);
    for (StateSlot slot : getStateSlots(param.optimizer)) {
      auto arg = dyn_cast<BlockArgument>(slot.operand->get());
      if (!arg || arg.getOwner() != &func.front())
        continue;
      unsigned stateIndex = arg.getArgNumber();
      if (!getArgRole(func, stateIndex))
        func.setArgAttr(stateIndex, MPTDialect::kRoleAttrName,
                        roleAttr(ctx, Role::OptState));
      if (getArgName(func, stateIndex).empty()) {
        std::string base = slot.paramTyped
                               ? (paramName + "." + slot.suffix).str()
                               : std::string("adam.step");
        func.setArgAttr(stateIndex, MPTDialect::kNameAttrName,
                        StringAttr::get(ctx, uniqueName(names, base)));
      }
    }
  }

  // Results: what an optimizer op returns replaces the argument it took; the
  // marked loss is the loss.
  for (OpOperand &operand : plan.ret->getOpOperands()) {
    unsigned index = operand.getOperandNumber();
    if (getResultRole(func, index))
      continue;
    Value value = operand.get();
    Operation *def = value.getDefiningOp();
    if (!def)
      continue;
    if (isa<LossOp>(def)) {
      func.setResultAttr(index, MPTDialect::kRoleAttrName,
                         roleAttr(ctx, Role::Loss));
      continue;
    }
    if (!isOptimizer(def))
      continue;
    // The argument this result replaces and the role it carries.
    Value replaced;
    Role role = Role::Param;
    if (value == getNewParam(def))
      replaced = getParamOperand(def).get();
    for (StateSlot slot : getStateSlots(def))
      if (value == slot.result) {
        replaced = slot.operand->get();
        role = Role::OptState;
      }
    auto arg = dyn_cast_or_null<BlockArgument>(replaced);
    if (!arg || arg.getOwner() != &func.front())
      continue;
    StringRef argName = getArgName(func, arg.getArgNumber());
    if (argName.empty())
      continue;
    func.setResultAttr(index, MPTDialect::kRoleAttrName, roleAttr(ctx, role));
    func.setResultAttr(index, MPTDialect::kUpdatesAttrName,
                       StringAttr::get(ctx, argName));
  }
}

//===----------------------------------------------------------------------===//
// keep-working-copy=true
//===----------------------------------------------------------------------===//

/// Rebuilds optimizer op `op` with a working-copy result of type
/// `workingType`; the other results are replaced one for one.
static Operation *addWorkingCopyResult(Operation *op, Type workingType) {
  OpBuilder b(op);
  SmallVector<Type> types(op->getResultTypes());
  types.push_back(workingType);
  ArrayRef<NamedAttribute> discardable =
      op->getDiscardableAttrDictionary().getValue();
  Operation *newOp;
  if (auto sgd = dyn_cast<SGDOp>(op)) {
    SGDOp::Properties props = sgd.getProperties();
    props.resultSegmentSizes = {1, sgd.getNewMomentumBuffer() ? 1 : 0, 1};
    newOp = SGDOp::create(b, op->getLoc(), types, op->getOperands(), props,
                          discardable);
  } else {
    auto adam = cast<AdamOp>(op);
    newOp = AdamOp::create(b, op->getLoc(), types, op->getOperands(),
                           adam.getProperties(), discardable);
  }
  for (auto [from, to] : llvm::zip(op->getResults(), newOp->getResults()))
    from.replaceAllUsesWith(to);
  op->erase();
  return newOp;
}

void MPTMasterWeightsPass::keepWorkingCopies(FunctionPlan &plan) {
  func::FuncOp func = plan.func;
  MLIRContext *ctx = func.getContext();
  llvm::StringSet<> names = collectArgNames(func);

  SmallVector<ParamPlan *> todo;
  for (ParamPlan &param : plan.params)
    if (!param.done && !param.castAtEntry && param.lowType &&
        !param.casts.empty())
      todo.push_back(&param);
  if (todo.empty())
    return;

  // Working copies go right after the last parameter argument, in parameter
  // order: params, working copies, optimizer state, inputs.
  unsigned lastParam = 0;
  for (unsigned i = 0, e = func.getNumArguments(); i < e; ++i)
    if (getArgRole(func, i) == Role::Param)
      lastParam = i;
  for (ParamPlan *param : todo)
    lastParam = std::max(lastParam, param->arg.getArgNumber());
  unsigned argPos = lastParam + 1;

  SmallVector<unsigned> argIndices;
  SmallVector<Type> argTypes;
  SmallVector<DictionaryAttr> argAttrs;
  SmallVector<Location> argLocs;
  SmallVector<std::string> wcNames;
  for (ParamPlan *param : todo) {
    StringRef paramName = getArgName(func, param->arg.getArgNumber());
    std::string wcName = uniqueName(names, (paramName + ".working_copy").str());
    wcNames.push_back(wcName);
    auto init = InitAttr::getCastOf(ctx, paramName);
    argIndices.push_back(argPos);
    argTypes.push_back(withElementType(param->arg.getType(), param->lowType));
    argAttrs.push_back(makeSignatureAttrs(
        ctx, {{MPTDialect::kRoleAttrName, roleAttr(ctx, Role::WorkingCopy)},
              {MPTDialect::kNameAttrName, StringAttr::get(ctx, wcName)},
              {MPTDialect::kInitAttrName, init}}));
    argLocs.push_back(param->arg.getLoc());
  }
  (void)func.insertArguments(argIndices, argTypes, argAttrs, argLocs);

  // Results: the next step's working copies, right after the last returned
  // parameter.
  unsigned resultPos = 0;
  for (OpOperand &operand : plan.ret->getOpOperands()) {
    Operation *def = operand.get().getDefiningOp();
    if ((def && isOptimizer(def) && operand.get() == getNewParam(def)) ||
        getResultRole(func, operand.getOperandNumber()) == Role::Param)
      resultPos = operand.getOperandNumber() + 1;
  }

  SmallVector<unsigned> resultIndices;
  SmallVector<Type> resultTypes;
  SmallVector<DictionaryAttr> resultAttrs;
  SmallVector<Value> resultValues;
  for (auto [i, param] : llvm::enumerate(todo)) {
    BlockArgument wc = func.getArgument(argPos + i);
    for (CastOp castOp : param->casts) {
      castOp.getResult().replaceAllUsesWith(wc);
      castOp.erase();
    }
    param->casts.clear();
    Operation *newOp = addWorkingCopyResult(param->optimizer, wc.getType());
    param->optimizer = newOp;
    resultIndices.push_back(resultPos);
    resultTypes.push_back(wc.getType());
    resultAttrs.push_back(makeSignatureAttrs(
        ctx,
        {{MPTDialect::kRoleAttrName, roleAttr(ctx, Role::WorkingCopy)},
         {MPTDialect::kUpdatesAttrName, StringAttr::get(ctx, wcNames[i])}}));
    resultValues.push_back(getWorkingCopy(newOp));
    remarkParam(plan, *param, "working-copy", wc.getType());
  }
  (void)func.insertResults(resultIndices, resultTypes, resultAttrs);
  plan.ret->insertOperands(resultPos, resultValues);
  numWorkingCopies += todo.size();
}

//===----------------------------------------------------------------------===//
// keep-working-copy=false
//===----------------------------------------------------------------------===//

void MPTMasterWeightsPass::castAtEntry(FunctionPlan &plan, bool all) {
  Block &entry = plan.func.front();
  Operation *previous = nullptr;
  for (ParamPlan &param : plan.params) {
    if (param.done || param.casts.empty() || (!all && !param.castAtEntry))
      continue;
    // One cast per (parameter, type), at entry in parameter order.
    llvm::MapVector<Type, CastOp> kept;
    for (CastOp castOp : param.casts) {
      auto [it, inserted] = kept.try_emplace(castOp.getType(), castOp);
      if (inserted)
        continue;
      castOp.getResult().replaceAllUsesWith(it->second.getResult());
      castOp.erase();
    }
    for (auto &entryCast : kept) {
      Operation *op = entryCast.second.getOperation();
      if (previous)
        op->moveAfter(previous);
      else
        op->moveBefore(&entry, entry.begin());
      previous = op;
      ++numEntryCasts;
      remarkParam(plan, param, "entry-cast", entryCast.first);
    }
  }
}

//===----------------------------------------------------------------------===//
// fp32-masters=false
//===----------------------------------------------------------------------===//

/// Changes argument `arg` of the entry block to `newType`; the casts of it to
/// `newType` fold into it, `keep` keeps reading it, and every other user reads
/// an up-cast to the old type made at function entry.
static void retypeArgument(BlockArgument arg, RankedTensorType newType,
                           Operation *keep) {
  Type oldType = arg.getType();
  arg.setType(newType);
  Value upcast;
  for (OpOperand &use : llvm::make_early_inc_range(arg.getUses())) {
    Operation *user = use.getOwner();
    if (user == keep)
      continue;
    if (auto castOp = dyn_cast<CastOp>(user);
        castOp && castOp.getType() == newType) {
      castOp.getResult().replaceAllUsesWith(arg);
      castOp.erase();
      continue;
    }
    if (!upcast) {
      OpBuilder b = OpBuilder::atBlockBegin(arg.getOwner());
      upcast = CastOp::create(b, arg.getLoc(), oldType, arg);
    }
    use.set(upcast);
  }
}

/// Changes result `result` to `newType`; users other than `ret` read an
/// up-cast to the old type.
static void retypeResult(OpResult result, RankedTensorType newType,
                         Operation *ret) {
  Type oldType = result.getType();
  result.setType(newType);
  Value upcast;
  for (OpOperand &use : llvm::make_early_inc_range(result.getUses())) {
    if (use.getOwner() == ret)
      continue;
    if (!upcast) {
      OpBuilder b(result.getOwner()->getContext());
      b.setInsertionPointAfter(result.getOwner());
      upcast = CastOp::create(b, result.getLoc(), oldType, result);
    }
    if (use.getOwner() != upcast.getDefiningOp())
      use.set(upcast);
  }
}

void MPTMasterWeightsPass::storeInLowPrecision(FunctionPlan &plan) {
  for (ParamPlan &param : plan.params) {
    if (param.done)
      continue;
    Operation *op = param.optimizer;
    auto lowType = cast<RankedTensorType>(
        withElementType(param.arg.getType(), param.lowType));
    retypeArgument(param.arg, lowType, op);
    for (StateSlot slot : getStateSlots(op)) {
      if (!slot.paramTyped)
        continue;
      Value state = slot.operand->get();
      if (state.getType() != lowType) {
        auto arg = dyn_cast<BlockArgument>(state);
        if (arg && arg.getOwner() == &plan.func.front()) {
          retypeArgument(arg, lowType, op);
        } else {
          OpBuilder b(op);
          slot.operand->set(CastOp::create(b, op->getLoc(), lowType, state));
        }
      }
      retypeResult(slot.result, lowType, plan.ret);
    }
    retypeResult(cast<OpResult>(getNewParam(op)), lowType, plan.ret);
    ++numLowPrecisionParams;
    remarkParam(plan, param, "low-precision-param", lowType);
  }
  syncFunctionType(plan.func, plan.ret);
}

//===----------------------------------------------------------------------===//
// Driver
//===----------------------------------------------------------------------===//

void MPTMasterWeightsPass::remarkParam(const FunctionPlan &plan,
                                       const ParamPlan &param, StringRef name,
                                       Type type) {
  func::FuncOp func = plan.func;
  RemarkBuilder(passReport, getArgument(), remark::RemarkKind::RemarkPassed,
                name, param.optimizer->getLoc())
      .function(func.getSymNameAttr())
      .arg("param", getArgName(func, param.arg.getArgNumber()))
      .arg("type", [&] {
        std::string text;
        llvm::raw_string_ostream os(text);
        type.print(os);
        return text;
      }());
}

void MPTMasterWeightsPass::runOnOperation() {
  ModuleOp module = getOperation();
  PassReport remarks(getArgument());
  passReport = &remarks;

  Type forcedType;
  if (precision == StoragePrecision::F16)
    forcedType = getLowPrecisionType(&getContext(), LowPrecision::F16);
  else if (precision == StoragePrecision::BF16)
    forcedType = getLowPrecisionType(&getContext(), LowPrecision::BF16);

  // Training steps are the functions with optimizer ops.
  SmallVector<func::FuncOp> steps;
  bool outside = false, any = false;
  module.walk([&](Operation *op) {
    if (!isOptimizer(op))
      return;
    any = true;
    auto func = op->getParentOfType<func::FuncOp>();
    if (!func) {
      op->emitError("mpt-master-weights: optimizer op outside a func.func");
      outside = true;
      return;
    }
    if (!llvm::is_contained(steps, func))
      steps.push_back(func);
  });
  if (outside)
    return signalPassFailure();
  if (!any) {
    Operation *anchor = module;
    for (auto func : module.getOps<func::FuncOp>()) {
      anchor = func;
      break;
    }
    mlir::emitWarning(anchor->getLoc())
        << "mpt-master-weights: no mpt.sgd or mpt.adam op in the module; "
           "there are no parameters to keep as masters, nothing was changed";
    return;
  }

  SmallVector<FunctionPlan> plans;
  bool failedAny = false;
  for (func::FuncOp func : steps) {
    FailureOr<FunctionPlan> plan = analyze(func, forcedType);
    if (failed(plan))
      failedAny = true;
    else
      plans.push_back(std::move(*plan));
  }
  if (failedAny)
    return signalPassFailure();

  for (FunctionPlan &plan : plans) {
    attachRoles(plan);
    if (!fp32Masters)
      storeInLowPrecision(plan);
    else if (keepWorkingCopy) {
      keepWorkingCopies(plan);
      castAtEntry(plan, /*all=*/false);
    } else {
      castAtEntry(plan, /*all=*/true);
    }
  }

  std::string error;
  if (!report.empty() && failed(remarks.write(report, error))) {
    module.emitError() << "mpt-master-weights: cannot write the report to '"
                       << report << "': " << error;
    signalPassFailure();
  }
}
