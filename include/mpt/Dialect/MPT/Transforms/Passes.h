//===- Passes.h - mixed-precision passes ------------------------*- C++ -*-===//

#ifndef MPT_DIALECT_MPT_TRANSFORMS_PASSES_H
#define MPT_DIALECT_MPT_TRANSFORMS_PASSES_H

#include "mpt/Dialect/MPT/IR/MPTDialect.h"
#include "mpt/Dialect/MPT/IR/MPTOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlow.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace mlir {
class RewritePatternSet;

namespace mpt {

#define GEN_PASS_DECL
#include "mpt/Dialect/MPT/Transforms/Passes.h.inc"

class PassReport;

/// Patterns that fuse conv_2d / matmul + bias + ReLU (+ cast-down) into
/// mpt.fused_conv2d / mpt.fused_matmul: the code path of
/// mpt-fuse-conv-bias-relu. Each contraction they look at gets one remark
/// of category "mpt-fuse-conv-bias-relu" ("fused", "declined" with the
/// reason, or "no-epilogue"), recorded in `report` when given and emitted
/// through the context's remark engine. Build the set for one run: the
/// patterns remember the ops they decided on.
///
/// The bias is read in the precision the unfused add used. With `fp32Bias`, a
/// bias the unfused graph added in low precision is read from before its
/// narrowing cast (the f32 master).
void populateFuseConvBiasReluPatterns(RewritePatternSet &patterns,
                                      PassReport *report = nullptr,
                                      bool fp32Bias = false);

#define GEN_PASS_REGISTRATION
#include "mpt/Dialect/MPT/Transforms/Passes.h.inc"

} // namespace mpt
} // namespace mlir

#endif // MPT_DIALECT_MPT_TRANSFORMS_PASSES_H
