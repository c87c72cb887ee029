//===- MPTDialect.h - the mpt dialect ---------------------------*- C++ -*-===//

#ifndef MPT_DIALECT_MPT_IR_MPTDIALECT_H
#define MPT_DIALECT_MPT_IR_MPTDIALECT_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Dialect.h"

#include "mpt/Dialect/MPT/IR/MPTDialect.h.inc"

#include <string>

namespace mlir::mpt {

/// `type` with element type `element`: a shaped type cloned, a scalar type
/// replaced.
Type withElementType(Type type, Type element);

/// The shortest readable spelling of a number in a diagnostic ("0.5",
/// "1e-08", "inf").
std::string formatNumber(double value);

} // namespace mlir::mpt

#endif // MPT_DIALECT_MPT_IR_MPTDIALECT_H
