//===- KernelBuilder.h - building GPU kernels and launches ------*- C++ -*-===//
//
// Shared pieces of the SIMT kernel families of mpt-outline-gpu-kernels:
// creating a kernel and its launch, evaluating indexing maps, inlining a
// linalg.generic body, and the reduction combiners the parallel reduction
// families need.
//
//===----------------------------------------------------------------------===//

#ifndef MPT_LIB_CONVERSION_LINALGTOGPU_KERNELBUILDER_H
#define MPT_LIB_CONVERSION_LINALGTOGPU_KERNELBUILDER_H

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/PatternMatch.h"

#include <array>
#include <optional>

namespace mlir::mpt::gpukernels {

/// The geometry of one launch.
struct LaunchDims {
  std::array<int64_t, 3> grid = {1, 1, 1};
  std::array<int64_t, 3> block = {1, 1, 1};
  int64_t sharedBytes = 0;
};

/// Threads per block of the SIMT families.
inline constexpr int64_t kBlockThreads = 256;
inline constexpr int64_t kWarpSize = 32;

/// `gpu.module @mpt_kernels` of `module`, created (and the module marked
/// `gpu.container_module`) if it does not exist yet.
gpu::GPUModuleOp getOrCreateKernelModule(ModuleOp module);

/// A new kernel `<family>_<n>` in `kernels` whose arguments have
/// `argTypes`, with `known_block_size` from `dims` and the family recorded
/// as `mpt.kernel_family`. The body holds only the terminator; `b` is set
/// before it.
gpu::GPUFuncOp createKernel(OpBuilder &b, gpu::GPUModuleOp kernels,
                            StringRef family, TypeRange argTypes,
                            const LaunchDims &dims, Location loc);

/// `gpu.launch_func` of `kernel` with `operands` at `b`'s insertion point.
gpu::LaunchFuncOp createLaunch(OpBuilder &b, Location loc,
                               gpu::GPUFuncOp kernel, const LaunchDims &dims,
                               ValueRange operands);

/// `ceil(a / b)` for positive `b`.
inline int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

/// An index constant.
Value indexConstant(OpBuilder &b, Location loc, int64_t v);

/// The results of `map` applied to `dims` (one value per loop dimension),
/// as index arithmetic.
SmallVector<Value> applyMap(OpBuilder &b, Location loc, AffineMap map,
                            ArrayRef<Value> dims);

/// Splits `linear` into coordinates of the row-major space `extents` (the
/// last one varies fastest).
SmallVector<Value> delinearize(OpBuilder &b, Location loc, Value linear,
                               ArrayRef<int64_t> extents);

/// Clones the body of `generic` at `b`: block arguments are bound to
/// `args`, `linalg.index d` to `ivs[d]`, and constants the body captures
/// from the host are cloned too. Returns the yielded values.
SmallVector<Value> inlineGenericBody(OpBuilder &b, linalg::GenericOp generic,
                                     ValueRange args, ArrayRef<Value> ivs);

/// How the partial results of a reduction combine: the body yields
/// `combiner(out, value)` for this output and nothing else reads `out`.
struct Combiner {
  Operation *op = nullptr; ///< the combining op in the generic's body
  TypedAttr identity;      ///< combining with it changes nothing
};

/// The combiner of every output of `generic` whose values can be computed
/// as independent partial results and combined in any order (sums, products,
/// min/max, and/or/xor), or nullopt when some output cannot.
std::optional<SmallVector<Combiner>> matchCombiners(linalg::GenericOp generic);

/// `combiner` applied to `lhs` and `rhs` (a clone of its op).
Value combine(OpBuilder &b, Location loc, const Combiner &combiner, Value lhs,
              Value rhs);

} // namespace mlir::mpt::gpukernels

#endif // MPT_LIB_CONVERSION_LINALGTOGPU_KERNELBUILDER_H
