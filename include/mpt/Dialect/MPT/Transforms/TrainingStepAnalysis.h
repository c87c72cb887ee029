//===- TrainingStepAnalysis.h - measurements of a training step -*- C++ -*-===//
//
// Figures that autocast reports and mpt-compile records in the artifact.
//
//===----------------------------------------------------------------------===//

#ifndef MPT_DIALECT_MPT_TRANSFORMS_TRAININGSTEPANALYSIS_H
#define MPT_DIALECT_MPT_TRANSFORMS_TRAININGSTEPANALYSIS_H

#include "mlir/Dialect/Func/IR/FuncOps.h"

#include <cstdint>
#include <optional>

namespace mlir::mpt {

/// Bytes of the activations a training step keeps for its backward pass:
/// results of the ops `mpt.loss` depends on that some other op (the backward
/// pass) reads too, at their element type. Casts of arguments (parameter
/// working copies) and constants are not activations. std::nullopt when the
/// function has no `mpt.loss`; dynamic shapes count 0.
std::optional<int64_t> measureSavedActivationBytes(func::FuncOp func);

} // namespace mlir::mpt

#endif // MPT_DIALECT_MPT_TRANSFORMS_TRAININGSTEPANALYSIS_H
