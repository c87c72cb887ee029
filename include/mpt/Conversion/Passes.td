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

#endif // MPT_CONVERSION_PASSES_TD
