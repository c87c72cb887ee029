// A one-block ResNet training step of the frontend (stem conv-ReLU, a basic
// block conv-ReLU-conv + identity shortcut + ReLU, average pool, dense head,
// backward, SGD), FP32, every fusion decision checked.
//
// train_step: the stem and the block's first conv fuse bias + ReLU with
// aux<relu_mask>; the block's second conv fuses only its bias, because the
// residual add comes before the ReLU (that ReLU stays, with its gradient
// still comparing the sum with zero); the head fuses its bias. The padded
// inputs are read by the weight gradients, so the pads stay.
// eval_step: the same fusions, pads absorbed, no aux results.
//
// RUN: mpt-opt %S/Inputs/fuse-resnet-block-train-step.mlir -mpt-fuse-conv-bias-relu=report=%t.json \
// RUN:   | FileCheck %s --implicit-check-not=linalg.conv_2d
// RUN: FileCheck %s --check-prefix=REPORT --input-file=%t.json

// CHECK-LABEL: func.func @train_step
// CHECK: %[[P0:.*]] = tensor.pad %arg8
// CHECK: %[[S:.*]], %[[MS:.*]] = mpt.fused_conv2d %[[P0]], %arg0 bias(%arg1 : tensor<8xf32>) layout<nhwc_hwcf> epilogue<bias_relu> aux<relu_mask> : tensor<2x10x10x1xf32>, tensor<3x3x1x8xf32> -> tensor<2x8x8x8xf32>, tensor<2x8x8x8xi1>
// CHECK: %[[P1:.*]] = tensor.pad %[[S]]
// CHECK: %[[A:.*]], %[[MA:.*]] = mpt.fused_conv2d %[[P1]], %arg2 bias(%arg3 : tensor<8xf32>) layout<nhwc_hwcf> epilogue<bias_relu> aux<relu_mask> : tensor<2x10x10x8xf32>, tensor<3x3x8x8xf32> -> tensor<2x8x8x8xf32>, tensor<2x8x8x8xi1>
// CHECK: %[[P2:.*]] = tensor.pad %[[A]]
// CHECK: %[[B:.*]] = mpt.fused_conv2d %[[P2]], %arg4 bias(%arg5 : tensor<8xf32>) layout<nhwc_hwcf> epilogue<bias> : tensor<2x10x10x8xf32>, tensor<3x3x8x8xf32> -> tensor<2x8x8x8xf32>
// CHECK: %[[SUM:.*]] = linalg.generic {{.*}} ins(%[[S]], %[[B]] : tensor<2x8x8x8xf32>, tensor<2x8x8x8xf32>)
// CHECK: linalg.generic {{.*}} ins(%[[SUM]] : tensor<2x8x8x8xf32>)
// CHECK: arith.maximumf
// CHECK: mpt.fused_matmul %{{.*}}, %arg6 bias(%arg7 : tensor<10xf32>) epilogue<bias> : tensor<2x128xf32>, tensor<128x10xf32> -> tensor<2x10xf32>
// The block's output ReLU keeps its gradient compare.
// CHECK: linalg.generic {{.*}} ins(%[[SUM]], %{{.*}} : tensor<2x8x8x8xf32>, tensor<2x8x8x8xf32>)
// CHECK: arith.cmpf ogt
// CHECK: linalg.generic {{.*}} ins(%[[MA]], %{{.*}} : tensor<2x8x8x8xi1>, tensor<2x8x8x8xf32>)
// CHECK: linalg.generic {{.*}} ins(%[[MS]], %{{.*}} : tensor<2x8x8x8xi1>, tensor<2x8x8x8xf32>)
// CHECK-NOT: arith.cmpf ogt
// CHECK: return

// CHECK-LABEL: func.func @eval_step
// CHECK-NOT: tensor.pad
// CHECK: %[[ES:.*]] = mpt.fused_conv2d %arg8, %arg0 bias(%arg1 : tensor<8xf32>) layout<nhwc_hwcf> epilogue<bias_relu> {padding = array<i64: 1, 1, 1, 1>}
// CHECK-NEXT: %[[EA:.*]] = mpt.fused_conv2d %[[ES]], %arg2 bias(%arg3 : tensor<8xf32>) layout<nhwc_hwcf> epilogue<bias_relu> {padding = array<i64: 1, 1, 1, 1>}
// CHECK-NEXT: %[[EB:.*]] = mpt.fused_conv2d %[[EA]], %arg4 bias(%arg5 : tensor<8xf32>) layout<nhwc_hwcf> epilogue<bias> {padding = array<i64: 1, 1, 1, 1>}
// CHECK: linalg.generic {{.*}} ins(%[[ES]], %[[EB]] : tensor<2x8x8x8xf32>, tensor<2x8x8x8xf32>)
// CHECK: mpt.fused_matmul %{{.*}}, %arg6 bias(%arg7 : tensor<10xf32>) epilogue<bias>
// CHECK-NOT: tensor.pad
// CHECK: return

// The remarks, functions by name: in each function the stem and the first
// block convolution fuse bias + ReLU, the second block convolution its bias
// (the ReLU comes after the residual add), and the head its bias; train_step
// keeps the pads and returns ReLU masks, and its two backward matmuls have no
// epilogue.
// REPORT:      "epilogue": "bias_relu",
// REPORT-NEXT: "into": "mpt.fused_conv2d",
// REPORT:      "padding_absorbed": true,
// REPORT:      "loc": "stem",
// REPORT-NEXT: "name": "fused"
// REPORT:      "epilogue": "bias_relu",
// REPORT-NEXT: "into": "mpt.fused_conv2d",
// REPORT:      "padding_absorbed": true,
// REPORT:      "loc": "block0.conv0",
// REPORT-NEXT: "name": "fused"
// REPORT:      "epilogue": "bias",
// REPORT-NEXT: "into": "mpt.fused_conv2d",
// REPORT:      "padding_absorbed": true,
// REPORT:      "loc": "block0.conv1",
// REPORT-NEXT: "name": "fused"
// REPORT:      "epilogue": "bias",
// REPORT-NEXT: "into": "mpt.fused_matmul",
// REPORT:      "loc": "head",
// REPORT-NEXT: "name": "fused"
// REPORT:      "aux_results": 0,
// REPORT-NEXT: "casts_folded": 0,
// REPORT-NEXT: "declined": 0,
// REPORT-NEXT: "fused": 4,
// REPORT-NEXT: "paddings_absorbed": 3,
// REPORT-NEXT: "without_epilogue": 0
// REPORT-NEXT: },
// REPORT-NEXT: "function": "eval_step",
// REPORT-NEXT: "kind": "analysis",
// REPORT:      "aux": "relu_mask",
// REPORT:      "epilogue": "bias_relu",
// REPORT-NEXT: "into": "mpt.fused_conv2d",
// REPORT:      "padding_absorbed": false,
// REPORT:      "loc": "stem",
// REPORT-NEXT: "name": "fused"
// REPORT:      "aux": "relu_mask",
// REPORT:      "epilogue": "bias_relu",
// REPORT-NEXT: "into": "mpt.fused_conv2d",
// REPORT:      "padding_absorbed": false,
// REPORT:      "loc": "block0.conv0",
// REPORT-NEXT: "name": "fused"
// REPORT:      "epilogue": "bias",
// REPORT-NEXT: "into": "mpt.fused_conv2d",
// REPORT:      "padding_absorbed": false,
// REPORT:      "loc": "block0.conv1",
// REPORT-NEXT: "name": "fused"
// REPORT:      "epilogue": "bias",
// REPORT-NEXT: "into": "mpt.fused_matmul",
// REPORT:      "loc": "head",
// REPORT-NEXT: "name": "fused"
// REPORT-COUNT-2: "name": "no-epilogue"
// REPORT:      "aux_results": 2,
// REPORT-NEXT: "casts_folded": 0,
// REPORT-NEXT: "declined": 0,
// REPORT-NEXT: "fused": 4,
// REPORT-NEXT: "paddings_absorbed": 0,
// REPORT-NEXT: "without_epilogue": 2
// REPORT-NEXT: },
// REPORT-NEXT: "function": "train_step",
// REPORT-NEXT: "kind": "analysis",
