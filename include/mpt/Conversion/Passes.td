//===- Passes.td - mpt conversion passes -------------------*- tablegen -*-===//

#ifndef MPT_CONVERSION_PASSES_TD
#define MPT_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def ConvertMPTToLinalg : Pass<"convert-mpt-to-linalg", "::mlir::func::FuncOp"> {
  let summary = "Lowers every mpt op to linalg, arith, math and tensor";
  let description = [{
    The target-independent lowering of the `mpt` dialect; nothing of mpt is
    left afterwards, and the result bufferizes and lowers with upstream
    passes only.

    * `mpt.loss` becomes its operand; `mpt.grad_seed` the constant 1.0, or
      its `scale` operand (rounded to the loss type when that is not f32).
    * `mpt.cast` becomes `arith.extf` / `arith.truncf` in an elementwise
      `linalg.generic` (a scalar cast stays a scalar op): round to nearest
      even, overflow to infinity, NaN stays NaN; f16 <-> bf16 goes through
      an exact f32 so it rounds once.
    * `mpt.fused_matmul` / `mpt.fused_conv2d` become `linalg.matmul` /
      `linalg.conv_2d_nhwc_hwcf` / `linalg.conv_2d_nchw_fchw` (after a zero
      `tensor.pad` for the padding) on the operands as they are, into a
      zero-filled f32 accumulator, followed by one epilogue
      `linalg.generic` that adds the bias, applies the ReLU, rounds once to
      the result type and writes the aux result.
    * `mpt.sgd` / `mpt.adam` become one elementwise `linalg.generic` that
      computes in f32 and rounds each result once to its storage type; the
      Adam step count and bias corrections are scalar code. With
      `found_inf`, every result is `arith.select %found_inf, old, new` on
      the stored values, so a skipped step is bit-identical.
    * `mpt.unscale_and_check`: one elementwise generic per gradient
      (`extf(g) * (1 / scale)`) and a chain of reductions that ORs
      "|x| is inf or NaN" over all of them into one `tensor<i1>`.
    * `mpt.update_scale`: scalar `arith` code on extracted elements
      (selects, no branches).
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::linalg::LinalgDialect",
    "::mlir::math::MathDialect", "::mlir::tensor::TensorDialect"
  ];
}

//===----------------------------------------------------------------------===//
// GPU lowering (lib/Conversion/LinalgToGPU, lib/Conversion/GPUToPTX)
//===----------------------------------------------------------------------===//

def PrepareGPUTensors
    : Pass<"mpt-prepare-gpu-tensors", "::mlir::func::FuncOp"> {
  let summary = "Make a tensor program's host code pure dataflow between "
                "linalg ops, ready to become GPU kernels";
  let description = [{
    On the GPU every computation runs in a kernel; the host only launches.
    This pass removes the scalar code that sits between linalg ops in a
    lowered training step (the loss-scale update, Adam's bias corrections,
    `1 / scale` captured by the unscale generic):

    * A scalar computed on the host from `tensor.extract` of tensors with
      constant indices and used inside a `linalg.generic` (or as the value of
      a `linalg.fill`) is recomputed inside the op's body: each extracted
      tensor becomes an input with a constant indexing map.
    * `tensor.from_elements` of such scalars becomes a `linalg.generic` that
      computes them.
    * A `linalg.fill` with several uses is duplicated per use, so that
      bufferization fills each destination in place instead of copying one
      shared filled buffer.

    (`mpt-prepare-entry-points` runs before it in `mpt-lower-to-cuda`: it
    drops the `mpt.*` attributes and makes the entry arguments read-only.)

    Scalar code it cannot move (an extract at a computed index, a scalar that
    leaves the function) is left in place; `mpt-outline-gpu-kernels` reports
    it.
  }];
  let dependentDialects = [
    "::mlir::linalg::LinalgDialect", "::mlir::tensor::TensorDialect"
  ];
}

def OutlineGPUKernels : Pass<"mpt-outline-gpu-kernels", "::mlir::ModuleOp"> {
  let summary = "Turn every linalg op of bufferized host functions into a "
                "GPU kernel and a launch";
  let description = [{
    Runs on functions after bufferization (memrefs with static shapes and
    static strided layouts). Each linalg op, in program order, becomes one
    or more `gpu.func` kernels in the module's `gpu.module @mpt_kernels` and
    `gpu.launch_func` ops at its place:

    * contractions (found by structure: matmuls in every operand layout,
      batched matmuls, convolutions and their gradients) go with what they
      absorb (accumulator fill, zero padding, transposes, the elementwise
      epilogue) to the tiled kernels of `mpt-contractions-to-mma`: tensor
      cores for f16/bf16 operands with f32 accumulation, FMA register
      micro-tiles for f32 (`tensor-cores=false` turns this off, leaving
      one thread per output point);
    * every other op becomes a SIMT kernel of one of these families:
      `elementwise` (one thread per point), `thread_reduction` (one thread
      per output point, the reduction loops in the order the CPU runs them),
      `row_reduction` (one warp per output point, warp shuffles) and
      `full_reduction` (one block, warp shuffles and shared memory), chosen
      from the iteration space and the memory layout.

    Contiguous `memref.copy` stays on the host (it becomes a device copy in
    the launch plan); strided copies become elementwise kernels. Afterwards
    the host functions hold only allocations, views, constants, launches,
    copies and the return; any other op is an error at that op naming it.
    Kernel argument memrefs keep their host types and are passed as bare
    pointers to their allocation's base.
  }];
  let options = [
    Option<"sm", "sm", "int64_t", /*default=*/"80",
           "Compute capability the kernels are generated for (80 or 90)">,
    Option<"tensorCores", "tensor-cores", "bool", /*default=*/"true",
           "Lower contractions to the tiled kernels of mpt-contractions-to-mma "
           "(tensor cores for f16/bf16)">,
  ];
  let dependentDialects = [
    "::mlir::gpu::GPUDialect", "::mlir::nvgpu::NVGPUDialect",
    "::mlir::scf::SCFDialect", "::mlir::arith::ArithDialect",
    "::mlir::memref::MemRefDialect", "::mlir::vector::VectorDialect",
    "::mlir::linalg::LinalgDialect", "::mlir::NVVM::NVVMDialect"
  ];
}

def DedupeGPUKernels : Pass<"mpt-dedupe-gpu-kernels", "::mlir::ModuleOp"> {
  let summary = "Merge identical GPU kernels";
  let description = [{
    Kernels of `gpu.module @mpt_kernels` with identical signatures and
    bodies (repeated blocks of a network produce many) are merged into the
    first of them and every `gpu.launch_func` is pointed at it, so each
    distinct kernel is compiled once.
  }];
}

def ExpandDeviceMath
    : Pass<"mpt-expand-device-math", "::mlir::gpu::GPUModuleOp"> {
  let summary = "Math functions in GPU kernels as arithmetic, without "
                "libdevice";
  let description = [{
    Kernels must not depend on CUDA's libdevice (it is not on every machine
    that compiles, and not part of an artifact). `exp`, `log`, `tanh`,
    `erf`, ... become MLIR's polynomial approximations in f32 (a few ulp),
    `rsqrt` becomes `1 / sqrt`, `sqrt`, `abs`, `floor`, `ceil`, `fma`,
    `copysign` become LLVM intrinsics that PTX has as instructions (IEEE
    `sqrt.rn`). f16/bf16 math computes in f32 and rounds once. A math op
    that has none of these lowerings is an error at the op.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::LLVM::LLVMDialect",
    "::mlir::vector::VectorDialect"
  ];
}

def ContractionsToMMA : Pass<"mpt-contractions-to-mma", "::mlir::ModuleOp"> {
  let summary = "Lowers memref-level contractions to tensor-core GPU kernels";
  let description = [{
    Applies `lowerContractionToMMA` to every linalg op of every function on
    memrefs, in program order: each contraction of f16 or bf16 operands
    into an f32 accumulator (matmul in any operand layout, batched matmul,
    2-D convolution and its data and weight gradients, found by the
    structure of the indexing maps) becomes a `gpu.launch_func` of a kernel
    added to `gpu.module @mpt_kernels` (created when missing). The kernel
    absorbs the accumulator's zero fill, zero paddings and transposes of its
    operands, and the elementwise consumer of its result (bias, ReLU, mask,
    casts) when that is safe. Other ops are left alone; the module gets
    `gpu.container_module`. f32 x f32 -> f32 contractions go to the tiled
    SIMT family (`simt_*` kernels: FMA on register micro-tiles) unless
    `lower-f32=false`. docs/gpu.md describes the kernels.

    ```mlir
    linalg.fill ins(%zero : f32) outs(%c : memref<256x256xf32>)
    linalg.matmul ins(%a, %b : memref<256x64xf16>, memref<64x256xf16>)
                  outs(%c : memref<256x256xf32>)
    // becomes
    gpu.launch_func @mpt_kernels::@gemm_0 blocks in (...) threads in (...)
        dynamic_shared_memory_size %smem args(%a : ..., %b : ..., %c : ...)
    ```
  }];
  let options = [
    Option<"sm", "sm", "int64_t", "80",
           "Target SM (80 or 90): SM count and shared-memory limit">,
    Option<"tile", "tile", "std::string", "\"\"",
           "Block tile for every contraction, e.g. 128x128x32_w2x2_s4 "
           "(default: chosen per problem)">,
    Option<"allowSplitK", "allow-split-k", "bool", "true",
           "Split long reductions with small outputs over several blocks">,
    Option<"splitK", "split-k", "int64_t", "0",
           "Use exactly this many reduction splits (0: heuristic)">,
    Option<"lowerF32", "lower-f32", "bool", "true",
           "Lower f32 contractions to the tiled SIMT family">,
  ];
  let statistics = [
    Statistic<"numLowered", "lowered", "Contractions lowered to kernels">,
    Statistic<"numAbsorbed", "erased",
              "Ops erased with the contractions (absorbed producers and "
              "consumers, temporaries left unused)">,
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::gpu::GPUDialect",
    "::mlir::memref::MemRefDialect", "::mlir::nvgpu::NVGPUDialect",
    "::mlir::NVVM::NVVMDialect", "::mlir::LLVM::LLVMDialect",
    "::mlir::scf::SCFDialect", "::mlir::vector::VectorDialect"
  ];
}

#endif // MPT_CONVERSION_PASSES_TD
