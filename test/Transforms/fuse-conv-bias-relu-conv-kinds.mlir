// Which convolutions mpt-fuse-conv-bias-relu looks at: named linalg ops that
// implement linalg's convolution interface, multiply-accumulate, and have two
// output image dimensions, except depthwise ones (recognised by interface,
// not by name). Each has a ReLU after it: the 2-D convolutions other than
// nhwc_hwcf and nchw_fchw are declined for their layout; pooling, depthwise,
// quantized (integer) and 1-D convolutions are not candidates and get no
// remark.
// RUN: mpt-opt %s -mpt-fuse-conv-bias-relu=report=%t.json | FileCheck %s
// RUN: FileCheck %s --input-file=%t.json --check-prefix=REPORT

// CHECK-LABEL: func.func @conv_kinds
// CHECK-NOT: mpt.fused_conv2d
// CHECK: return

// REPORT:      "op": "linalg.conv_2d_nhwc_fhwc",
// REPORT-NEXT: "reason": "unsupported layout"
// REPORT:      "loc": "fhwc",
// REPORT:      "op": "linalg.conv_2d_ngchw_gfchw",
// REPORT-NEXT: "reason": "unsupported layout"
// REPORT:      "loc": "grouped",
// REPORT:      "op": "linalg.conv_2d",
// REPORT-NEXT: "reason": "unsupported layout"
// REPORT:      "loc": "nobatch",
// REPORT:      "declined": 3,
// REPORT-NEXT: "fused": 0,
// REPORT-NEXT: "paddings_absorbed": 0,
// REPORT-NEXT: "without_epilogue": 0
// REPORT:      "name": "summary"
// REPORT-NOT:  "loc"
func.func @conv_kinds(%x: tensor<1x6x6x2xf32>, %fhwc: tensor<3x3x3x2xf32>, %xc: tensor<1x2x6x6xf32>, %xg: tensor<1x2x2x6x6xf32>, %fg: tensor<2x3x2x3x3xf32>, %fdw: tensor<3x3x2xf32>, %x2: tensor<6x6xf32>, %k2: tensor<3x3xf32>, %win: tensor<3x3xf32>, %fq: tensor<3x3x2x3xi8>, %xq: tensor<1x6x6x2xi8>, %x1: tensor<1x6x2xf32>, %f1: tensor<3x2x3xf32>)
   -> (tensor<1x4x4x3xf32>, tensor<1x2x3x4x4xf32>, tensor<1x4x4x2xf32>, tensor<4x4xf32>, tensor<1x4x4x2xf32>, tensor<1x4x4x3xi32>, tensor<1x4x3xf32>) {
  %z = arith.constant 0.0 : f32
  %zi = arith.constant 0 : i32
  %e1 = tensor.empty() : tensor<1x4x4x3xf32>
  %i1 = linalg.fill ins(%z : f32) outs(%e1 : tensor<1x4x4x3xf32>) -> tensor<1x4x4x3xf32>
  %c1 = linalg.conv_2d_nhwc_fhwc ins(%x, %fhwc : tensor<1x6x6x2xf32>, tensor<3x3x3x2xf32>) outs(%i1 : tensor<1x4x4x3xf32>) -> tensor<1x4x4x3xf32> loc("fhwc")
  %r1 = arith.maximumf %c1, %i1 : tensor<1x4x4x3xf32>
  %e2 = tensor.empty() : tensor<1x2x3x4x4xf32>
  %i2 = linalg.fill ins(%z : f32) outs(%e2 : tensor<1x2x3x4x4xf32>) -> tensor<1x2x3x4x4xf32>
  %c2 = linalg.conv_2d_ngchw_gfchw ins(%xg, %fg : tensor<1x2x2x6x6xf32>, tensor<2x3x2x3x3xf32>) outs(%i2 : tensor<1x2x3x4x4xf32>) -> tensor<1x2x3x4x4xf32> loc("grouped")
  %r2 = arith.maximumf %c2, %i2 : tensor<1x2x3x4x4xf32>
  %e3 = tensor.empty() : tensor<1x4x4x2xf32>
  %i3 = linalg.fill ins(%z : f32) outs(%e3 : tensor<1x4x4x2xf32>) -> tensor<1x4x4x2xf32>
  %c3 = linalg.depthwise_conv_2d_nhwc_hwc ins(%x, %fdw : tensor<1x6x6x2xf32>, tensor<3x3x2xf32>) outs(%i3 : tensor<1x4x4x2xf32>) -> tensor<1x4x4x2xf32> loc("depthwise")
  %r3 = arith.maximumf %c3, %i3 : tensor<1x4x4x2xf32>
  %e4 = tensor.empty() : tensor<4x4xf32>
  %i4 = linalg.fill ins(%z : f32) outs(%e4 : tensor<4x4xf32>) -> tensor<4x4xf32>
  %c4 = linalg.conv_2d ins(%x2, %k2 : tensor<6x6xf32>, tensor<3x3xf32>) outs(%i4 : tensor<4x4xf32>) -> tensor<4x4xf32> loc("nobatch")
  %r4 = arith.maximumf %c4, %i4 : tensor<4x4xf32>
  %p5 = linalg.pooling_nhwc_max ins(%x, %win : tensor<1x6x6x2xf32>, tensor<3x3xf32>) outs(%i3 : tensor<1x4x4x2xf32>) -> tensor<1x4x4x2xf32> loc("pool")
  %r5 = arith.maximumf %p5, %i3 : tensor<1x4x4x2xf32>
  %e6 = tensor.empty() : tensor<1x4x4x3xi32>
  %i6 = linalg.fill ins(%zi : i32) outs(%e6 : tensor<1x4x4x3xi32>) -> tensor<1x4x4x3xi32>
  %c6 = linalg.conv_2d_nhwc_hwcf_q ins(%xq, %fq, %zi, %zi : tensor<1x6x6x2xi8>, tensor<3x3x2x3xi8>, i32, i32) outs(%i6 : tensor<1x4x4x3xi32>) -> tensor<1x4x4x3xi32> loc("quantized")
  %r6 = arith.maxsi %c6, %i6 : tensor<1x4x4x3xi32>
  %e7 = tensor.empty() : tensor<1x4x3xf32>
  %i7 = linalg.fill ins(%z : f32) outs(%e7 : tensor<1x4x3xf32>) -> tensor<1x4x3xf32>
  %c7 = linalg.conv_1d_nwc_wcf ins(%x1, %f1 : tensor<1x6x2xf32>, tensor<3x2x3xf32>) outs(%i7 : tensor<1x4x3xf32>) -> tensor<1x4x3xf32> loc("conv1d")
  %r7 = arith.maximumf %c7, %i7 : tensor<1x4x3xf32>
  return %r1, %r2, %r3, %r4, %r5, %r6, %r7 : tensor<1x4x4x3xf32>, tensor<1x2x3x4x4xf32>, tensor<1x4x4x2xf32>, tensor<4x4xf32>, tensor<1x4x4x2xf32>, tensor<1x4x4x3xi32>, tensor<1x4x3xf32>
}
