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
#include "llvm/ADT/TypeSwitch.h"

#include <cmath>
#include <cstdio>

using namespace mlir;
using namespace mlir::mpt;

Type mlir::mpt::withElementType(Type type, Type element) {
  if (auto shaped = dyn_cast<ShapedType>(type))
    return shaped.clone(element);
  return element;
}

FloatType mlir::mpt::getLowPrecisionType(MLIRContext *context,
                                         LowPrecision precision) {
  if (precision == LowPrecision::BF16)
    return BFloat16Type::get(context);
  return Float16Type::get(context);
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
// Roles and initialisers
//===----------------------------------------------------------------------===//

bool mlir::mpt::isStateRole(Role role) {
  return role == Role::Param || role == Role::WorkingCopy ||
         role == Role::OptState || role == Role::LossScaleState;
}

std::optional<Role> mlir::mpt::getArgRole(FunctionOpInterface func,
                                          unsigned index) {
  if (auto role =
          func.getArgAttrOfType<RoleAttr>(index, MPTDialect::kRoleAttrName))
    return role.getValue();
  return std::nullopt;
}

std::optional<Role> mlir::mpt::getResultRole(FunctionOpInterface func,
                                             unsigned index) {
  if (auto role =
          func.getResultAttrOfType<RoleAttr>(index, MPTDialect::kRoleAttrName))
    return role.getValue();
  return std::nullopt;
}

InitAttr InitAttr::getZeros(MLIRContext *context) {
  return get(context, InitDist::zeros, {}, {}, {}, std::nullopt, "");
}

InitAttr InitAttr::getConstant(MLIRContext *context, double value) {
  return get(context, InitDist::constant,
             FloatAttr::get(Float64Type::get(context), value), {}, {},
             std::nullopt, "");
}

InitAttr InitAttr::getUniform(MLIRContext *context, double low, double high,
                              uint64_t seed) {
  Type f64 = Float64Type::get(context);
  return get(context, InitDist::uniform, {}, FloatAttr::get(f64, low),
             FloatAttr::get(f64, high), seed, "");
}

InitAttr InitAttr::getCastOf(MLIRContext *context, StringRef source) {
  return get(context, InitDist::cast_of, {}, {}, {}, std::nullopt, source);
}

LogicalResult InitAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                               InitDist dist, FloatAttr value, FloatAttr low,
                               FloatAttr high, std::optional<uint64_t> seed,
                               StringRef source) {
  StringRef distName = stringifyInitDist(dist);
  // Which fields each distribution takes, in the order they are named.
  struct Field {
    StringRef name;
    bool present, wanted;
  };
  Field fields[] = {
      {"value", static_cast<bool>(value), dist == InitDist::constant},
      {"low", static_cast<bool>(low), dist == InitDist::uniform},
      {"high", static_cast<bool>(high), dist == InitDist::uniform},
      {"seed", seed.has_value(), dist == InitDist::uniform},
      {"source", !source.empty(), dist == InitDist::cast_of}};
  for (const Field &field : fields) {
    if (field.wanted && !field.present)
      return emitError() << "#mpt.init with dist = " << distName << " needs '"
                         << field.name << "'";
    if (!field.wanted && field.present)
      return emitError() << "#mpt.init with dist = " << distName
                         << " takes no '" << field.name << "'";
  }
  for (FloatAttr number : {value, low, high})
    if (number && !number.getType().isF64())
      return emitError() << "#mpt.init holds its numbers as f64, got "
                         << number;
  if (value && !std::isfinite(value.getValueAsDouble()))
    return emitError() << "#mpt.init needs a finite value, got "
                       << formatNumber(value.getValueAsDouble());
  if (dist != InitDist::uniform)
    return success();
  double lo = low.getValueAsDouble(), hi = high.getValueAsDouble();
  if (!(lo <= hi) || !std::isfinite(lo) || !std::isfinite(hi))
    return emitError() << "#mpt.init with dist = uniform needs finite low <= "
                          "high, got ["
                       << formatNumber(lo) << ", " << formatNumber(hi) << "]";
  return success();
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
             << " and #" << i << " have the same " << attrName << " " << value;
  }
  return success();
}

/// Checks what an `mpt.init` on argument `argIndex` says about the other
/// arguments: a working copy's source is another argument of the same shape.
static LogicalResult verifyInitAttr(Operation *op, unsigned argIndex,
                                    Attribute attr) {
  auto emit = [&]() {
    return op->emitOpError() << "argument #" << argIndex << ": "
                             << MPTDialect::kInitAttrName << " ";
  };
  auto init = dyn_cast<InitAttr>(attr);
  if (!init)
    return emit() << "must be an #mpt.init attribute, e.g. "
                     "#mpt.init<dist = zeros>, got "
                  << attr;
  if (init.getDist() != InitDist::cast_of)
    return success();
  auto func = cast<FunctionOpInterface>(op);
  auto source = StringAttr::get(op->getContext(), init.getSource());
  std::optional<unsigned> found = findArgByName(func, source, 0, argIndex);
  if (!found)
    return emit() << "casts " << source << ", but no other argument has that "
                  << MPTDialect::kNameAttrName;
  auto from = dyn_cast<ShapedType>(func.getArgumentTypes()[*found]);
  auto to = dyn_cast<ShapedType>(func.getArgumentTypes()[argIndex]);
  if (!from != !to || (from && from.getShape() != to.getShape()))
    return emit() << "casts argument #" << *found << " (" << source
                  << ") of another shape";
  return success();
}

/// The role an `mpt.role` attribute names, or an error that shows the typed
/// spelling (the string form `"param"` of older IR included).
static FailureOr<Role> readRole(Operation *op, StringRef what, unsigned index,
                                Attribute attr) {
  if (auto role = dyn_cast<RoleAttr>(attr))
    return role.getValue();
  InFlightDiagnostic diag = op->emitOpError()
                            << what << " #" << index << " has "
                            << MPTDialect::kRoleAttrName << " " << attr
                            << "; expected an #mpt.role attribute";
  std::optional<Role> named;
  if (auto text = dyn_cast<StringAttr>(attr))
    named = symbolizeRole(text.getValue());
  if (named)
    diag << " (write #mpt.role<" << stringifyRole(*named) << ">)";
  else
    diag << " such as #mpt.role<param>";
  return failure();
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
    FailureOr<Role> role = readRole(op, "argument", argIndex, attr.getValue());
    if (failed(role))
      return failure();
    if (*role == Role::Loss || *role == Role::Output)
      return op->emitOpError()
             << "argument #" << argIndex << " has " << kRoleAttrName << " "
             << attr.getValue()
             << ", a result role; arguments are param, working_copy, "
                "opt_state, loss_scale_state or input";
    return success();
  }
  if (name == kNameAttrName) {
    auto argName = dyn_cast<StringAttr>(attr.getValue());
    if (!argName || argName.getValue().empty())
      return op->emitOpError()
             << "argument #" << argIndex << " has " << kNameAttrName
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
    FailureOr<Role> role = readRole(op, "result", resultIndex, attr.getValue());
    if (failed(role))
      return failure();
    if (*role == Role::Input)
      return op->emitOpError()
             << "result #" << resultIndex << " has " << kRoleAttrName << " "
             << attr.getValue()
             << ", an argument role; results are param, working_copy, "
                "opt_state, loss_scale_state, loss or output";
    if (isStateRole(*role) &&
        !func.getResultAttr(resultIndex, kUpdatesAttrName))
      return op->emitOpError()
             << "result #" << resultIndex << " is state ("
             << stringifyRole(*role) << ") but has no " << kUpdatesAttrName
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
      return verifyUnique(op, resultIndex, /*results=*/true, kUpdatesAttrName);
    }
    return op->emitOpError()
           << "result #" << resultIndex << " updates " << target
           << ", but no argument has that " << kNameAttrName;
  }
  if (name == kNameAttrName) {
    // Outputs are named so a runtime can report them (e.g. "found_inf").
    auto resultName = dyn_cast<StringAttr>(attr.getValue());
    if (!resultName || resultName.getValue().empty())
      return op->emitOpError()
             << "result #" << resultIndex << " has " << kNameAttrName
             << " that is not a non-empty string";
    return verifyUnique(op, resultIndex, /*results=*/true, kNameAttrName);
  }
  return op->emitOpError() << "result #" << resultIndex
                           << " has unknown mpt attribute '" << name
                           << "' (known: mpt.role, mpt.name, mpt.updates)";
}
