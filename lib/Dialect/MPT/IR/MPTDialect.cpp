//===- MPTDialect.cpp - the mpt dialect -----------------------------------===//
//
// Dialect registration and verification of the discardable `mpt.*`
// attributes on training-step arguments and results.
//
//===----------------------------------------------------------------------===//

#include "mpt/Dialect/MPT/IR/MPTDialect.h"
#include "mpt/Dialect/MPT/IR/MPTOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/DialectImplementation.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/ADT/TypeSwitch.h"

#include <cstdio>

using namespace mlir;
using namespace mlir::mpt;

Type mlir::mpt::withElementType(Type type, Type element) {
  if (auto shaped = dyn_cast<ShapedType>(type))
    return shaped.clone(element);
  return element;
}

std::string mlir::mpt::formatNumber(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), "%g", value);
  return buffer;
}

#include "mpt/Dialect/MPT/IR/MPTDialect.cpp.inc"
#include "mpt/Dialect/MPT/IR/MPTEnums.cpp.inc"
#define GET_ATTRDEF_CLASSES
#include "mpt/Dialect/MPT/IR/MPTAttrs.cpp.inc"

void MPTDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "mpt/Dialect/MPT/IR/MPTOps.cpp.inc"
      >();
  addAttributes<
#define GET_ATTRDEF_LIST
#include "mpt/Dialect/MPT/IR/MPTAttrs.cpp.inc"
      >();
}

Operation *MPTDialect::materializeConstant(OpBuilder &builder, Attribute value,
                                           Type type, Location loc) {
  return arith::ConstantOp::materialize(builder, value, type, loc);
}

//===----------------------------------------------------------------------===//
// Roles
//===----------------------------------------------------------------------===//

std::optional<Role> mlir::mpt::symbolizeRole(StringRef name) {
  return llvm::StringSwitch<std::optional<Role>>(name)
      .Case("param", Role::Param)
      .Case("working_copy", Role::WorkingCopy)
      .Case("opt_state", Role::OptState)
      .Case("loss_scale_state", Role::LossScaleState)
      .Case("input", Role::Input)
      .Case("loss", Role::Loss)
      .Case("output", Role::Output)
      .Default(std::nullopt);
}

StringRef mlir::mpt::stringifyRole(Role role) {
  switch (role) {
  case Role::Param:
    return "param";
  case Role::WorkingCopy:
    return "working_copy";
  case Role::OptState:
    return "opt_state";
  case Role::LossScaleState:
    return "loss_scale_state";
  case Role::Input:
    return "input";
  case Role::Loss:
    return "loss";
  case Role::Output:
    return "output";
  }
  llvm_unreachable("unknown role");
}

/// Roles that describe state carried from one step to the next.
static bool isStateRole(Role role) {
  return role == Role::Param || role == Role::WorkingCopy ||
         role == Role::OptState || role == Role::LossScaleState;
}

//===----------------------------------------------------------------------===//
// Argument and result attributes
//===----------------------------------------------------------------------===//

/// The argument whose `mpt.name` is `name` (other than `except`), searching
/// from `hint` and wrapping around: state arguments and their results come in
/// the same order, so the search usually stops at once and verifying a
/// function with thousands of parameters stays linear.
static std::optional<unsigned> findArgByName(FunctionOpInterface func,
                                             Attribute name, unsigned hint,
                                             unsigned except = ~0u) {
  unsigned n = func.getNumArguments();
  for (unsigned k = 0; k < n; ++k) {
    unsigned i = (hint + k) % n;
    if (i != except && func.getArgAttr(i, MPTDialect::kNameAttrName) == name)
      return i;
  }
  return std::nullopt;
}

/// Reports two arguments (or results) with the same `mpt.name`. Runs its
/// linear check once per function: when verifying the first named one.
/// No two arguments (or results) carry the same value of `attrName`
/// (mpt.name; mpt.updates: two results cannot replace one argument). Linear:
/// only the first argument or result with the attribute runs the check.
static LogicalResult verifyUnique(Operation *op, unsigned index, bool results,
                                  StringRef attrName) {
  auto func = cast<FunctionOpInterface>(op);
  auto valueOf = [&](unsigned i) {
    return results ? func.getResultAttr(i, attrName)
                   : func.getArgAttr(i, attrName);
  };
  for (unsigned i = 0; i < index; ++i)
    if (valueOf(i))
      return success(); // an earlier one ran the check
  unsigned n = results ? func.getNumResults() : func.getNumArguments();
  DenseMap<Attribute, unsigned> seen;
  for (unsigned i = index; i < n; ++i) {
    Attribute value = valueOf(i);
    if (!value)
      continue;
    auto [it, inserted] = seen.try_emplace(value, i);
    if (!inserted)
      return op->emitOpError()
             << (results ? "results #" : "arguments #") << it->second
             << " and #" << i << " have the same " << attrName << " "
             << value;
  }
  return success();
}

static LogicalResult verifyInitAttr(Operation *op, unsigned argIndex,
                                    Attribute attr) {
  auto emit = [&]() {
    return op->emitOpError() << "argument #" << argIndex << ": "
                             << MPTDialect::kInitAttrName << " ";
  };
  auto dict = dyn_cast<DictionaryAttr>(attr);
  if (!dict)
    return emit() << "must be a dictionary, e.g. {dist = \"zeros\"}";
  auto dist = dict.getAs<StringAttr>("dist");
  if (!dist)
    return emit()
           << "needs a string 'dist' (uniform, zeros, constant or cast_of)";
  auto floatField = [&](StringRef name) -> FailureOr<double> {
    auto value = dict.getAs<FloatAttr>(name);
    if (!value)
      return emit() << "with dist = \"" << dist.getValue()
                    << "\" needs a float '" << name << "'";
    return value.getValueAsDouble();
  };
  if (dist.getValue() == "zeros")
    return success();
  if (dist.getValue() == "cast_of") {
    // A working copy: the runtime initialises it as the master `source`
    // (another argument's mpt.name) converted to this argument's element
    // type, rounding to nearest even.
    auto source = dict.getAs<StringAttr>("source");
    if (!source || source.getValue().empty())
      return emit() << "with dist = \"cast_of\" needs a string 'source' "
                       "naming the argument it is cast from";
    auto func = cast<FunctionOpInterface>(op);
    if (std::optional<unsigned> found =
            findArgByName(func, source, 0, argIndex)) {
      unsigned i = *found;
      auto from = dyn_cast<ShapedType>(func.getArgumentTypes()[i]);
      auto to = dyn_cast<ShapedType>(func.getArgumentTypes()[argIndex]);
      if (!from != !to || (from && from.getShape() != to.getShape()))
        return emit() << "casts argument #" << i << " (" << source
                      << ") of another shape";
      return success();
    }
    return emit() << "casts " << source << ", but no other argument has that "
                  << MPTDialect::kNameAttrName;
  }
  if (dist.getValue() == "constant")
    return success(succeeded(floatField("value")));
  if (dist.getValue() == "uniform") {
    FailureOr<double> low = floatField("low");
    if (failed(low))
      return failure();
    FailureOr<double> high = floatField("high");
    if (failed(high))
      return failure();
    if (!(*low <= *high) || !std::isfinite(*low) || !std::isfinite(*high))
      return emit() << "needs finite low <= high, got [" << formatNumber(*low) << ", "
                    << formatNumber(*high) << "]";
    if (!dict.getAs<IntegerAttr>("seed"))
      return emit() << "with dist = \"uniform\" needs an integer 'seed'";
    return success();
  }
  return emit() << "has unknown dist \"" << dist.getValue()
                << "\" (expected uniform, zeros, constant or cast_of)";
}

LogicalResult MPTDialect::verifyRegionArgAttribute(Operation *op,
                                                   unsigned regionIndex,
                                                   unsigned argIndex,
                                                   NamedAttribute attr) {
  // Only functions are training steps; elsewhere the attributes mean nothing.
  auto func = dyn_cast<FunctionOpInterface>(op);
  if (!func)
    return success();
  StringRef name = attr.getName().getValue();
  if (name == kRoleAttrName) {
    auto role = dyn_cast<StringAttr>(attr.getValue());
    std::optional<Role> parsed =
        role ? symbolizeRole(role.getValue()) : std::nullopt;
    if (!parsed || *parsed == Role::Loss || *parsed == Role::Output)
      return op->emitOpError()
             << "argument #" << argIndex << " has " << kRoleAttrName << " "
             << attr.getValue()
             << "; expected \"param\", \"working_copy\", \"opt_state\", "
                "\"loss_scale_state\" or \"input\"";
    return success();
  }
  if (name == kNameAttrName) {
    auto argName = dyn_cast<StringAttr>(attr.getValue());
    if (!argName || argName.getValue().empty())
      return op->emitOpError() << "argument #" << argIndex << " has "
                               << kNameAttrName
                               << " that is not a non-empty string";
    return verifyUnique(op, argIndex, /*results=*/false, kNameAttrName);
  }
  if (name == kInitAttrName)
    return verifyInitAttr(op, argIndex, attr.getValue());
  return op->emitOpError() << "argument #" << argIndex
                           << " has unknown mpt attribute '" << name
                           << "' (known: mpt.role, mpt.name, mpt.init)";
}

LogicalResult MPTDialect::verifyRegionResultAttribute(Operation *op,
                                                      unsigned regionIndex,
                                                      unsigned resultIndex,
                                                      NamedAttribute attr) {
  auto func = dyn_cast<FunctionOpInterface>(op);
  if (!func)
    return success();
  StringRef name = attr.getName().getValue();
  if (name == kRoleAttrName) {
    auto role = dyn_cast<StringAttr>(attr.getValue());
    std::optional<Role> parsed =
        role ? symbolizeRole(role.getValue()) : std::nullopt;
    if (!parsed || *parsed == Role::Input)
      return op->emitOpError()
             << "result #" << resultIndex << " has " << kRoleAttrName << " "
             << attr.getValue()
             << "; expected \"param\", \"working_copy\", \"opt_state\", "
                "\"loss_scale_state\", \"loss\" or \"output\"";
    if (isStateRole(*parsed) && !func.getResultAttr(resultIndex,
                                                    kUpdatesAttrName))
      return op->emitOpError()
             << "result #" << resultIndex << " is state (" << role
             << ") but has no " << kUpdatesAttrName
             << " naming the argument it replaces";
    return success();
  }
  if (name == kUpdatesAttrName) {
    auto target = dyn_cast<StringAttr>(attr.getValue());
    if (!target)
      return op->emitOpError() << "result #" << resultIndex << " has "
                               << kUpdatesAttrName << " that is not a string";
    if (std::optional<unsigned> found =
            findArgByName(func, target, resultIndex)) {
      unsigned i = *found;
      Type argType = func.getArgumentTypes()[i];
      Type resultType = func.getResultTypes()[resultIndex];
      if (argType != resultType)
        return op->emitOpError()
               << "result #" << resultIndex << " updates argument #" << i
               << " (" << target << ") but its type " << resultType
               << " differs from the argument type " << argType;
      Attribute argRole = func.getArgAttr(i, kRoleAttrName);
      Attribute resultRole = func.getResultAttr(resultIndex, kRoleAttrName);
      if (argRole && resultRole && argRole != resultRole)
        return op->emitOpError()
               << "result #" << resultIndex << " has role " << resultRole
               << " but updates argument #" << i << " of role " << argRole;
      return verifyUnique(op, resultIndex, /*results=*/true,
                          kUpdatesAttrName);
    }
    return op->emitOpError() << "result #" << resultIndex << " updates "
                             << target << ", but no argument has that "
                             << kNameAttrName;
  }
  if (name == kNameAttrName) {
    // Outputs are named so a runtime can report them (e.g. "found_inf").
    auto resultName = dyn_cast<StringAttr>(attr.getValue());
    if (!resultName || resultName.getValue().empty())
      return op->emitOpError() << "result #" << resultIndex << " has "
                               << kNameAttrName
                               << " that is not a non-empty string";
    return verifyUnique(op, resultIndex, /*results=*/true, kNameAttrName);
  }
  return op->emitOpError() << "result #" << resultIndex
                           << " has unknown mpt attribute '" << name
                           << "' (known: mpt.role, mpt.name, mpt.updates)";
}
