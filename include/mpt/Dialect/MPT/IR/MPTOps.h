//===- MPTOps.h - mpt operations --------------------------------*- C++ -*-===//

#ifndef MPT_DIALECT_MPT_IR_MPTOPS_H
#define MPT_DIALECT_MPT_IR_MPTOPS_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "mpt/Dialect/MPT/IR/MPTDialect.h"
#include "mpt/Dialect/MPT/IR/MPTEnums.h.inc"

#define GET_ATTRDEF_CLASSES
#include "mpt/Dialect/MPT/IR/MPTAttrs.h.inc"

#define GET_OP_CLASSES
#include "mpt/Dialect/MPT/IR/MPTOps.h.inc"

namespace mlir::mpt {

/// Roles a training-step argument or result can have (`mpt.role`).
enum class Role { Param, WorkingCopy, OptState, LossScaleState, Input, Loss,
                  Output };

/// Parses an `mpt.role` string; std::nullopt when it is not a known role.
std::optional<Role> symbolizeRole(llvm::StringRef name);
/// The `mpt.role` spelling of a role.
llvm::StringRef stringifyRole(Role role);

} // namespace mlir::mpt

#endif // MPT_DIALECT_MPT_IR_MPTOPS_H
