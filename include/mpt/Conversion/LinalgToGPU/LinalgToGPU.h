//===- LinalgToGPU.h - linalg on memrefs to GPU kernels ---------*- C++ -*-===//
//
// The GPU lowering of whole training steps (docs/gpu.md): tensor-level
// preparation, kernels and launches for every linalg op of a bufferized host
// function, kernel deduplication, and the device math expansion that keeps
// kernels free of libdevice.
//
//===----------------------------------------------------------------------===//

#ifndef MPT_CONVERSION_LINALGTOGPU_LINALGTOGPU_H
#define MPT_CONVERSION_LINALGTOGPU_LINALGTOGPU_H

#include "mlir/Pass/Pass.h"

namespace mlir {
class RewritePatternSet;

namespace func {
class FuncOp;
} // namespace func
namespace gpu {
class GPUModuleOp;
} // namespace gpu

namespace mpt {

#define GEN_PASS_DECL_PREPAREGPUTENSORS
#define GEN_PASS_DECL_OUTLINEGPUKERNELS
#define GEN_PASS_DECL_DEDUPEGPUKERNELS
#define GEN_PASS_DECL_EXPANDDEVICEMATH
#include "mpt/Conversion/Passes.h.inc"

/// The name of the GPU module that holds every kernel of a compiled step.
inline constexpr const char kKernelModuleName[] = "mpt_kernels";

/// Patterns of `mpt-prepare-gpu-tensors` that move host scalar code into
/// the linalg ops that use it.
void populatePrepareGPUTensorsPatterns(RewritePatternSet &patterns);

/// Patterns of `mpt-expand-device-math` (polynomial approximations and
/// expansions of math ops into arithmetic and LLVM intrinsics).
void populateExpandDeviceMathPatterns(RewritePatternSet &patterns);

} // namespace mpt
} // namespace mlir

#endif // MPT_CONVERSION_LINALGTOGPU_LINALGTOGPU_H
