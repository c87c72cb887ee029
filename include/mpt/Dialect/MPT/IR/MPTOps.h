//===- MPTOps.h - mpt operations --------------------------------*- C++ -*-===//

#ifndef MPT_DIALECT_MPT_IR_MPTOPS_H
#define MPT_DIALECT_MPT_IR_MPTOPS_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/Interfaces/CastInterfaces.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "mpt/Dialect/MPT/IR/LossScaleDefaults.h"
#include "mpt/Dialect/MPT/IR/MPTDialect.h"
#include "mpt/Dialect/MPT/IR/MPTEnums.h.inc"

#define GET_ATTRDEF_CLASSES
#include "mpt/Dialect/MPT/IR/MPTAttrs.h.inc"

namespace mlir::mpt {
/// True when `a` and `b` are ranked shaped types of the same shape (the
/// element types may differ): the optimizer ops' gradient and working copy
/// against the parameter.
bool haveSameShape(Type a, Type b);

/// The float type of `precision` (f16 or bf16).
FloatType getLowPrecisionType(MLIRContext *context, LowPrecision precision);
} // namespace mlir::mpt

#define GET_OP_CLASSES
#include "mpt/Dialect/MPT/IR/MPTOps.h.inc"

namespace mlir::mpt {

/// Param, working copy, optimizer state or loss-scale state: what the runtime
/// carries from one step to the next.
bool isStateRole(Role role);

/// The `mpt.role` of argument `index` of `func`, if it has one.
std::optional<Role> getArgRole(FunctionOpInterface func, unsigned index);

/// The `mpt.role` of result `index` of `func`, if it has one.
std::optional<Role> getResultRole(FunctionOpInterface func, unsigned index);

} // namespace mlir::mpt

#endif // MPT_DIALECT_MPT_IR_MPTOPS_H
