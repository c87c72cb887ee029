//===- Passes.h - mixed-precision passes ------------------------*- C++ -*-===//

#ifndef MPT_DIALECT_MPT_TRANSFORMS_PASSES_H
#define MPT_DIALECT_MPT_TRANSFORMS_PASSES_H

#include "mpt/Dialect/MPT/IR/MPTDialect.h"
#include "mpt/Dialect/MPT/IR/MPTOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace mlir {
class RewritePatternSet;

namespace mpt {

#define GEN_PASS_DECL
#include "mpt/Dialect/MPT/Transforms/Passes.h.inc"

/// Patterns that fuse conv_2d / matmul + bias + ReLU (+ cast-down) into
/// mpt.fused_conv2d / mpt.fused_matmul.
void populateFuseConvBiasReluPatterns(RewritePatternSet &patterns);

#define GEN_PASS_REGISTRATION
#include "mpt/Dialect/MPT/Transforms/Passes.h.inc"

} // namespace mpt
} // namespace mlir

#endif // MPT_DIALECT_MPT_TRANSFORMS_PASSES_H
