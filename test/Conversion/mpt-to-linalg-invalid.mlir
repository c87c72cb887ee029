// What convert-mpt-to-linalg cannot lower is reported, not crashed on.
// RUN: mpt-opt %s -split-input-file -verify-diagnostics -convert-mpt-to-linalg

// A dynamic output height needs the output size arithmetic the lowering
// does not emit; the conversion fails with a diagnostic on the op.
func.func @negative_conv_dynamic_height(%x: tensor<1x?x4x2xf16>, %k: tensor<3x3x2x3xf16>) -> tensor<1x?x2x3xf16> {
  // expected-error @+1 {{failed to legalize operation 'mpt.fused_conv2d' that was explicitly marked illegal}}
  %y = mpt.fused_conv2d %x, %k layout<nhwc_hwcf> epilogue<none>
      : tensor<1x?x4x2xf16>, tensor<3x3x2x3xf16> -> tensor<1x?x2x3xf16>
  return %y : tensor<1x?x2x3xf16>
}

// -----

// A dynamic batch is fine.
func.func @conv_dynamic_batch(%x: tensor<?x4x4x2xf16>, %k: tensor<3x3x2x3xf16>) -> tensor<?x2x2x3xf16> {
  %y = mpt.fused_conv2d %x, %k layout<nhwc_hwcf> epilogue<relu>
      : tensor<?x4x4x2xf16>, tensor<3x3x2x3xf16> -> tensor<?x2x2x3xf16>
  return %y : tensor<?x2x2x3xf16>
}
