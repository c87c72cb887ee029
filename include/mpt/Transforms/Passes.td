//===- Passes.td - passes of the lowering pipelines --------*- tablegen -*-===//
//
// Passes the lowering pipelines run that are neither mixed-precision rewrites
// (include/mpt/Dialect/MPT/Transforms) nor dialect conversions
// (include/mpt/Conversion): getting a step's signature ready for native entry
// points, and keeping the native code free of MLIR's runtime libraries.
//
//===----------------------------------------------------------------------===//

#ifndef MPT_TRANSFORMS_PASSES_TD
#define MPT_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def MPTPrepareEntryPoints
    : Pass<"mpt-prepare-entry-points", "::mlir::ModuleOp"> {
  let summary = "Gets public functions ready to be called as native entry "
                "points";
  let description = [{
    Runs once the signature table has been read off a training step, before
    bufferization:

    * drops every `mpt.*` argument and result attribute of every function
      (nothing after this point reads them, and tools without the mpt
      dialect can then parse the module);
    * marks every tensor argument of a public function with a body
      `bufferization.writable = false`: the caller's buffers (parameters,
      state, batches) are never written in place, so a step that inserts
      into an argument, or an evaluation step, cannot corrupt the training
      state the runtime keeps;
    * with `c-interface` (the default), marks public functions with a body
      `llvm.emit_c_interface`, so the LLVM lowering emits the
      `_mlir_ciface_<name>` wrappers that take memref descriptors by pointer.
  }];
  let dependentDialects = ["::mlir::bufferization::BufferizationDialect",
                           "::mlir::LLVM::LLVMDialect"];
  let options = [
    Option<"cInterface", "c-interface", "bool", "true",
           "Mark public functions llvm.emit_c_interface">
  ];
}

def MPTStridedCopiesToLoops
    : Pass<"mpt-strided-copies-to-loops", "::mlir::func::FuncOp"> {
  let summary = "Turns memref.copy between non-contiguous buffers into "
                "linalg.copy";
  let description = [{
    The LLVM lowering of a `memref.copy` between buffers that are not both
    statically shaped and contiguous calls `memrefCopy` from MLIR's
    runner-utils library, which native code that runs without LLVM cannot
    depend on. Such copies become `linalg.copy`, which turns into loops;
    contiguous copies stay `memref.copy` (a `memcpy`).
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect"];
}

def MPTLowerCollectives : Pass<"mpt-lower-collectives", "::mlir::ModuleOp"> {
  let summary = "Turns mpt.all_reduce on buffers into calls of the runtime's "
                "collective";
  let description = [{
    Runs after bufferization. Every `mpt.all_reduce` on buffers becomes a
    call of the external function

    ```c
    void mpt_rt_all_reduce(int64_t count, int64_t pointers, int64_t sizes,
                           int32_t dtype, int32_t kind, int32_t fp32Accumulate);
    ```

    with the addresses and element counts of its buffers in two stack
    arrays, `dtype` 0 (f32), 1 (f16) or 2 (bf16) and `kind` 0 (sum) or 1
    (mean). The native code's entry points define it (mpt-compile
    generates it): it calls the collective the runtime installed with
    `mpt_set_collective`, and a failure ends the step with an error code.
  }];
  let dependentDialects = ["::mlir::func::FuncDialect",
                           "::mlir::memref::MemRefDialect",
                           "::mlir::arith::ArithDialect"];
}

#endif // MPT_TRANSFORMS_PASSES_TD
