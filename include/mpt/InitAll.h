//===- InitAll.h - register what mpt tools need ------------------*- C++
//-*-===//
//
// One place that lists the dialects, interfaces and passes the mpt tools,
// the C API and the plugin register: mpt's own and only the upstream ones mpt
// uses.
//
//===----------------------------------------------------------------------===//

#ifndef MPT_INITALL_H
#define MPT_INITALL_H

namespace mlir {
class DialectRegistry;

namespace mpt {

/// Adds the mpt dialect and the upstream dialects mpt consumes or lowers
/// through (func, linalg, tensor, arith, math, scf, cf, affine, bufferization,
/// memref, vector, gpu, nvgpu, nvvm, llvm), with the external interface
/// models bufferization and the LLVM lowering need.
void registerAllDialects(DialectRegistry &registry);

/// Registers mpt's passes and pipelines.
void registerMPTPassesAndPipelines();

/// Registers mpt's passes and pipelines and the upstream passes mpt's
/// pipelines are built from (so each can be run alone in mpt-opt).
void registerAllPasses();

} // namespace mpt
} // namespace mlir

#endif // MPT_INITALL_H
