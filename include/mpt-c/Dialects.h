/*===- mpt-c/Dialects.h - C API of the mpt dialect and passes ----*- C -*-===*\
|*                                                                            *|
|* For framework compilers that embed mpt through MLIR's C API: register the  *|
|* dialect and passes into an MlirContext and run the mixed-precision         *|
|* pipeline on a module. Link libMPTCAPI.so; it carries MLIR's core C API     *|
|* (mlirContextCreate, mlirModuleCreateParse, ...) over libMLIR.so.           *|
|*                                                                            *|
\*===----------------------------------------------------------------------===*/

#ifndef MPT_C_DIALECTS_H
#define MPT_C_DIALECTS_H

#include "mlir-c/IR.h"
#include "mlir-c/Support.h"

#ifdef __cplusplus
extern "C" {
#endif

/// The handle of the mpt dialect: mlirDialectHandleRegisterDialect(
/// mlirGetDialectHandle__mpt__(), ctx) registers it alone.
MLIR_DECLARE_CAPI_DIALECT_REGISTRATION(MPT, mpt);

/// Registers the mpt dialect and every upstream dialect and interface mpt
/// consumes or lowers through (func, linalg, tensor, arith, math, scf,
/// bufferization, memref, vector, gpu, nvgpu, nvvm, llvm) into a registry.
MLIR_CAPI_EXPORTED void mptRegisterAllDialects(MlirDialectRegistry registry);

/// Appends the registry of mptRegisterAllDialects to a context and loads
/// the mpt dialect.
MLIR_CAPI_EXPORTED void mptContextRegisterAll(MlirContext context);

/// Registers mpt's passes and pipelines, and the upstream passes they are
/// built from, in the global pass registry (idempotent).
MLIR_CAPI_EXPORTED void mptRegisterAllPasses(void);

/// Runs a textual pass pipeline, e.g. "builtin.module(canonicalize)", on a
/// module. Diagnostics go to the context's handlers.
MLIR_CAPI_EXPORTED MlirLogicalResult mptRunPassPipeline(MlirModule module,
                                                        MlirStringRef pipeline);

/// Runs `mpt-mixed-precision` with `options` in its textual form
/// (e.g. "precision=bf16 loss-scale=none"; empty for the defaults).
MLIR_CAPI_EXPORTED MlirLogicalResult
mptRunMixedPrecisionPipeline(MlirModule module, MlirStringRef options);

/// Runs `mpt-lower-to-cuda` with `options` in its textual form (e.g.
/// "sm=90"; empty for the defaults): the module's functions become host
/// functions of kernel launches and its kernels PTX in a `gpu.binary`
/// (docs/gpu.md). Run it after the mixed-precision pipeline.
MLIR_CAPI_EXPORTED MlirLogicalResult
mptRunLowerToCUDAPipeline(MlirModule module, MlirStringRef options);

#ifdef __cplusplus
}
#endif

#endif /* MPT_C_DIALECTS_H */
