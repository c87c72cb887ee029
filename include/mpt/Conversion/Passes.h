//===- Passes.h - mpt conversion passes -------------------------*- C++ -*-===//

#ifndef MPT_CONVERSION_PASSES_H
#define MPT_CONVERSION_PASSES_H

#include "mpt/Conversion/ContractionToMMA/ContractionToMMA.h"
#include "mpt/Conversion/LinalgToGPU/LinalgToGPU.h"
#include "mpt/Conversion/MPTToLinalg/MPTToLinalg.h"

namespace mlir::mpt {

#define GEN_PASS_REGISTRATION
#include "mpt/Conversion/Passes.h.inc"

} // namespace mlir::mpt

#endif // MPT_CONVERSION_PASSES_H
