//===- TrainingStep.h - helpers for passes that edit a step's signature --===//
//
// Shared by mpt-master-weights and mpt-loss-scaling: a uniform view of the
// optimizer ops and small helpers to read and write the `mpt.role` /
// `mpt.name` / `mpt.updates` attributes of a training step's signature.
// Header-only and private to lib/Dialect/MPT/Transforms.
//
//===----------------------------------------------------------------------===//

#ifndef MPT_LIB_DIALECT_MPT_TRANSFORMS_TRAININGSTEP_H
#define MPT_LIB_DIALECT_MPT_TRANSFORMS_TRAININGSTEP_H

#include "mpt/Dialect/MPT/IR/MPTDialect.h"
#include "mpt/Dialect/MPT/IR/MPTOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/SymbolTable.h"
#include "llvm/ADT/StringSet.h"

#include <string>

namespace mlir::mpt::detail {

/// True for the optimizer ops (`mpt.sgd`, `mpt.adam`).
inline bool isOptimizer(Operation *op) { return isa<SGDOp, AdamOp>(op); }

/// The operand that holds the parameter of an optimizer op.
inline OpOperand &getParamOperand(Operation *op) {
  if (auto sgd = dyn_cast<SGDOp>(op))
    return sgd.getParamMutable();
  return cast<AdamOp>(op).getParamMutable();
}

/// The operand that holds the gradient of an optimizer op.
inline OpOperand &getGradOperand(Operation *op) {
  if (auto sgd = dyn_cast<SGDOp>(op))
    return sgd.getGradMutable();
  return cast<AdamOp>(op).getGradMutable();
}

/// The optional `found_inf` operand of an optimizer op.
inline MutableOperandRange getFoundInfOperand(Operation *op) {
  if (auto sgd = dyn_cast<SGDOp>(op))
    return sgd.getFoundInfMutable();
  return cast<AdamOp>(op).getFoundInfMutable();
}

/// The `found_inf` operand, or null.
inline Value getFoundInf(Operation *op) {
  if (auto sgd = dyn_cast<SGDOp>(op))
    return sgd.getFoundInf();
  return cast<AdamOp>(op).getFoundInf();
}

/// The optional working-copy result, or null.
inline Value getWorkingCopy(Operation *op) {
  if (auto sgd = dyn_cast<SGDOp>(op))
    return sgd.getWorkingCopy();
  return cast<AdamOp>(op).getWorkingCopy();
}

/// The updated parameter.
inline Value getNewParam(Operation *op) {
  if (auto sgd = dyn_cast<SGDOp>(op))
    return sgd.getNewParam();
  return cast<AdamOp>(op).getNewParam();
}

/// One state operand of an optimizer op with the result that replaces it and
/// the suffix the frontend uses for its name (`<param>.<suffix>`).
struct StateSlot {
  OpOperand *operand;
  OpResult result;
  StringRef suffix;
  /// True when the slot follows the parameter type (momentum, m, v); false
  /// for the Adam step count, which is always a 0-d f32 tensor.
  bool paramTyped;
};

/// The state slots of an optimizer op: the SGD momentum buffer, or Adam's m,
/// v and step.
inline SmallVector<StateSlot> getStateSlots(Operation *op) {
  SmallVector<StateSlot> slots;
  if (auto sgd = dyn_cast<SGDOp>(op)) {
    if (sgd.getMomentumBuffer())
      slots.push_back({&sgd.getMomentumBufferMutable()[0],
                       cast<OpResult>(sgd.getNewMomentumBuffer()), "momentum",
                       true});
    return slots;
  }
  auto adam = cast<AdamOp>(op);
  slots.push_back(
      {&adam.getMMutable(), cast<OpResult>(adam.getNewM()), "adam_m", true});
  slots.push_back(
      {&adam.getVMutable(), cast<OpResult>(adam.getNewV()), "adam_v", true});
  slots.push_back({&adam.getStepMutable(), cast<OpResult>(adam.getNewStep()),
                   "step", false});
  return slots;
}

/// The uses of a training step's gradients: the operands of its one
/// `mpt.unscale_and_check`, or, without one, the gradient operands of its
/// optimizer ops. `anchor` is the unscale-and-check or the first optimizer
/// op; null when the function has neither (an eval step). Errors (more than
/// one check, an optimizer op inside a region) name `pass`.
inline LogicalResult collectGradientUses(func::FuncOp func, StringRef pass,
                                         SmallVectorImpl<OpOperand *> &uses,
                                         Operation *&anchor) {
  SmallVector<UnscaleAndCheckOp> checks;
  func.walk([&](UnscaleAndCheckOp op) { checks.push_back(op); });
  if (checks.size() > 1)
    return checks[1].emitError()
           << pass << ": a training step has one mpt.unscale_and_check; this "
           << "function has " << checks.size();
  Operation *nested = nullptr;
  func.walk([&](Operation *op) {
    if ((isOptimizer(op) || isa<UnscaleAndCheckOp>(op)) &&
        op->getParentOp() != func.getOperation())
      nested = op;
  });
  if (nested)
    return nested->emitError()
           << pass << ": this op must be at the top level of the function body";
  if (checks.size() == 1) {
    anchor = checks.front();
    for (OpOperand &operand : checks.front().getGradsMutable())
      uses.push_back(&operand);
    return success();
  }
  for (Operation &op : func.getBody().front()) {
    if (!isOptimizer(&op))
      continue;
    if (!anchor)
      anchor = &op;
    uses.push_back(&getGradOperand(&op));
  }
  return success();
}

/// The `mpt.name` of argument `index`, or "".
inline StringRef getArgName(func::FuncOp func, unsigned index) {
  if (auto name =
          func.getArgAttrOfType<StringAttr>(index, MPTDialect::kNameAttrName))
    return name.getValue();
  return "";
}

/// `role` as the attribute `mpt.role` holds.
inline RoleAttr roleAttr(MLIRContext *ctx, Role role) {
  return RoleAttr::get(ctx, role);
}

/// A short description of an argument for diagnostics: `#3 ("fc.weight")`.
inline std::string describeArg(func::FuncOp func, unsigned index) {
  std::string text = "#" + std::to_string(index);
  StringRef name = getArgName(func, index);
  if (!name.empty())
    text += " (\"" + name.str() + "\")";
  return text;
}

/// The names of all arguments of `func` that have one.
inline llvm::StringSet<> collectArgNames(func::FuncOp func) {
  llvm::StringSet<> names;
  for (unsigned i = 0, e = func.getNumArguments(); i < e; ++i) {
    StringRef name = getArgName(func, i);
    if (!name.empty())
      names.insert(name);
  }
  return names;
}

/// `base` if no argument has it yet, else `base.1`, `base.2`, ...; the
/// returned name is added to `taken`.
inline std::string uniqueName(llvm::StringSet<> &taken, StringRef base) {
  std::string name = base.str();
  for (unsigned i = 1; taken.contains(name); ++i)
    name = base.str() + "." + std::to_string(i);
  taken.insert(name);
  return name;
}

/// The dictionary `{mpt.role = role, <key> = value}` built in order.
inline DictionaryAttr
makeSignatureAttrs(MLIRContext *ctx,
                   ArrayRef<std::pair<StringRef, Attribute>> entries) {
  SmallVector<NamedAttribute> attrs;
  for (auto [key, value] : entries)
    attrs.push_back(NamedAttribute(StringAttr::get(ctx, key), value));
  return DictionaryAttr::get(ctx, attrs);
}

/// The single `func.return` of a function with a one-block body, or null.
inline func::ReturnOp getSingleReturn(func::FuncOp func) {
  if (func.isExternal() || !func.getBody().hasOneBlock())
    return {};
  return dyn_cast<func::ReturnOp>(func.front().getTerminator());
}

/// Fails with an error naming `pass` when something refers to `func` (a
/// call): the pass adds arguments and results to a training step, which its
/// callers would not pass or expect. A training step is an entry point.
inline LogicalResult checkNotReferenced(func::FuncOp func, StringRef pass) {
  Operation *scope = SymbolTable::getNearestSymbolTable(func->getParentOp());
  std::optional<SymbolTable::UseRange> uses =
      scope ? SymbolTable::getSymbolUses(func, scope) : std::nullopt;
  if (!uses || uses->empty())
    return success();
  InFlightDiagnostic diag =
      mlir::emitError(func.getLoc())
      << pass << ": training step '" << func.getSymName()
      << "' is referenced by another op (a call); the pass changes its "
         "signature, so it must be an entry point the runtime calls: inline "
         "it into its caller or call it from the host";
  diag.attachNote(uses->begin()->getUser()->getLoc()) << "referenced here";
  return failure();
}

/// Replaces the function type of `func` by its block argument types and the
/// operand types of `ret`.
inline void syncFunctionType(func::FuncOp func, func::ReturnOp ret) {
  func.setType(FunctionType::get(func.getContext(),
                                 func.front().getArgumentTypes(),
                                 ret.getOperandTypes()));
}

} // namespace mlir::mpt::detail

#endif // MPT_LIB_DIALECT_MPT_TRANSFORMS_TRAININGSTEP_H
