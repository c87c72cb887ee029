// What convert-mpt-to-linalg cannot lower is reported, not crashed on.
// RUN: mpt-opt %s -split-input-file -verify-diagnostics -convert-mpt-to-linalg

// (A dynamic output height or width is rejected by the op's verifier; see
// test/Dialect/MPT/invalid.mlir.)

// A dynamic batch is fine.
func.func @conv_dynamic_batch(%x: tensor<?x4x4x2xf16>, %k: tensor<3x3x2x3xf16>) -> tensor<?x2x2x3xf16> {
  %y = mpt.fused_conv2d %x, %k layout<nhwc_hwcf> epilogue<relu>
      : tensor<?x4x4x2xf16>, tensor<3x3x2x3xf16> -> tensor<?x2x2x3xf16>
  return %y : tensor<?x2x2x3xf16>
}
