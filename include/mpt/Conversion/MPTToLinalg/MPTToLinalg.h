//===- MPTToLinalg.h - mpt to linalg/arith/math/tensor ----------*- C++ -*-===//

#ifndef MPT_CONVERSION_MPTTOLINALG_MPTTOLINALG_H
#define MPT_CONVERSION_MPTTOLINALG_MPTTOLINALG_H

#include "mlir/Pass/Pass.h"

namespace mlir {
class RewritePatternSet;

namespace func {
class FuncOp;
} // namespace func

namespace mpt {

#define GEN_PASS_DECL_CONVERTMPTTOLINALG
#include "mpt/Conversion/Passes.h.inc"

/// Patterns that lower every mpt op to linalg, arith, math and tensor ops
/// (see `convert-mpt-to-linalg`). The types of values do not change, so no
/// type converter is needed.
void populateMPTToLinalgConversionPatterns(RewritePatternSet &patterns);

} // namespace mpt
} // namespace mlir

#endif // MPT_CONVERSION_MPTTOLINALG_MPTTOLINALG_H
