// The whole CNN training step of the frontend (conv-ReLU-pool x2, dense head,
// softmax cross-entropy, backward, SGD), FP32, every fusion decision checked.
//
// train_step: both convolutions fuse with bias + ReLU; their pre-activations
// feed the ReLU gradients only through `cmpf ogt pre, 0`, so they return
// aux<relu_mask> and the gradient generics read the masks. The padded inputs
// are also read by the weight gradients, so the pads stay and the fused ops
// have zero padding. The head fuses its bias (no ReLU: the logits). The two
// backward matmuls have no epilogue and stay.
// eval_step: no backward pass, so no aux results and the pads are absorbed.
//
// RUN: mpt-opt %S/Inputs/fuse-cnn-train-step.mlir -mpt-fuse-conv-bias-relu=report=%t.json \
// RUN:   | FileCheck %s --implicit-check-not=linalg.conv_2d --implicit-check-not="arith.cmpf ogt"
// RUN: FileCheck %s --check-prefix=REPORT --input-file=%t.json
//
// The same step after mpt-autocast (f16): the convolutions' cast-down folds
// into f16 results, the fused ops read the f16 biases the unfused adds read
// (the head's add ran in f32 and keeps the f32 bias), the ReLU gradients read
// the masks (through autocast's up-casts of the pre-activation, which
// disappear), and the eval step absorbs the pads. With fp32-bias the
// convolutions read the f32 master biases instead.
// RUN: mpt-opt %S/Inputs/fuse-cnn-train-step.mlir -mpt-autocast=summary=false \
// RUN:   | mpt-opt -mpt-fuse-conv-bias-relu \
// RUN:   | FileCheck %s --check-prefix=AUTOCAST --implicit-check-not=linalg.conv_2d --implicit-check-not="arith.cmpf ogt"
// RUN: mpt-opt %S/Inputs/fuse-cnn-train-step.mlir -mpt-autocast=summary=false \
// RUN:   | mpt-opt -mpt-fuse-conv-bias-relu=fp32-bias=true \
// RUN:   | FileCheck %s --check-prefix=FP32BIAS --implicit-check-not=linalg.conv_2d --implicit-check-not="arith.cmpf ogt"

// CHECK-LABEL: func.func @train_step
// CHECK: %[[P0:.*]] = tensor.pad %arg6 low[0, 1, 1, 0] high[0, 1, 1, 0]
// CHECK: %[[Y0:.*]], %[[M0:.*]] = mpt.fused_conv2d %[[P0]], %arg0 bias(%arg1 : tensor<8xf32>) layout<nhwc_hwcf> epilogue<bias_relu> aux<relu_mask> : tensor<2x10x10x1xf32>, tensor<3x3x1x8xf32> -> tensor<2x8x8x8xf32>, tensor<2x8x8x8xi1>
// CHECK: %[[POOL0:.*]] = linalg.pooling_nhwc_max {{.*}} ins(%[[Y0]], %{{.*}} : tensor<2x8x8x8xf32>, tensor<2x2xf32>)
// CHECK: %[[P1:.*]] = tensor.pad %[[POOL0]] low[0, 1, 1, 0] high[0, 1, 1, 0]
// CHECK: %[[Y1:.*]], %[[M1:.*]] = mpt.fused_conv2d %[[P1]], %arg2 bias(%arg3 : tensor<16xf32>) layout<nhwc_hwcf> epilogue<bias_relu> aux<relu_mask> : tensor<2x6x6x8xf32>, tensor<3x3x8x16xf32> -> tensor<2x4x4x16xf32>, tensor<2x4x4x16xi1>
// CHECK: linalg.pooling_nhwc_max {{.*}} ins(%[[Y1]], %{{.*}} : tensor<2x4x4x16xf32>, tensor<2x2xf32>)
// CHECK: %[[LOGITS:.*]] = mpt.fused_matmul %{{.*}}, %arg4 bias(%arg5 : tensor<10xf32>) epilogue<bias> : tensor<2x64xf32>, tensor<64x10xf32> -> tensor<2x10xf32>
// The loss reads the logits.
// CHECK: linalg.generic {{.*}} ins(%[[LOGITS]] : tensor<2x10xf32>)
// Backward: the head's two gradient matmuls stay.
// CHECK-COUNT-2: linalg.matmul
// CHECK-NOT: linalg.matmul
// conv1's ReLU gradient reads its mask.
// CHECK: %[[G1:.*]] = linalg.generic {{.*}} ins(%[[M1]], %{{.*}} : tensor<2x4x4x16xi1>, tensor<2x4x4x16xf32>)
// CHECK-NEXT: ^bb0(%[[IN1:.*]]: i1, %[[D1:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT: %[[Z1:.*]] = arith.constant 0.000000e+00 : f32
// CHECK-NEXT: %[[S1:.*]] = arith.select %[[IN1]], %[[D1]], %[[Z1]] : f32
// CHECK-NEXT: linalg.yield %[[S1]] : f32
// conv1's weight gradient still reads the padded input.
// CHECK: linalg.generic {{.*}} ins(%[[P1]], %[[G1]] : tensor<2x6x6x8xf32>, tensor<2x4x4x16xf32>)
// The max-pool gradient reads the fused ReLU output.
// CHECK: linalg.generic {{.*}} ins(%[[Y0]], %[[POOL0]], %{{.*}} : tensor<2x8x8x8xf32>, tensor<2x4x4x8xf32>, tensor<2x4x4x8xf32>)
// CHECK: %[[G0:.*]] = linalg.generic {{.*}} ins(%[[M0]], %{{.*}} : tensor<2x8x8x8xi1>, tensor<2x8x8x8xf32>)
// CHECK-NEXT: ^bb0(%{{.*}}: i1, %{{.*}}: f32, %{{.*}}: f32):
// CHECK: linalg.generic {{.*}} ins(%[[P0]], %[[G0]] : tensor<2x10x10x1xf32>, tensor<2x8x8x8xf32>)
// CHECK: mpt.sgd %arg0
// CHECK: return

// CHECK-LABEL: func.func @eval_step
// CHECK-NOT: tensor.pad
// CHECK: %[[E0:.*]] = mpt.fused_conv2d %arg6, %arg0 bias(%arg1 : tensor<8xf32>) layout<nhwc_hwcf> epilogue<bias_relu> {padding = array<i64: 1, 1, 1, 1>} : tensor<2x8x8x1xf32>, tensor<3x3x1x8xf32> -> tensor<2x8x8x8xf32>
// CHECK: %[[EP0:.*]] = linalg.pooling_nhwc_max {{.*}} ins(%[[E0]], %{{.*}} : tensor<2x8x8x8xf32>, tensor<2x2xf32>)
// CHECK-NOT: tensor.pad
// CHECK: %[[E1:.*]] = mpt.fused_conv2d %[[EP0]], %arg2 bias(%arg3 : tensor<16xf32>) layout<nhwc_hwcf> epilogue<bias_relu> {padding = array<i64: 1, 1, 1, 1>} : tensor<2x4x4x8xf32>, tensor<3x3x8x16xf32> -> tensor<2x4x4x16xf32>
// CHECK: linalg.pooling_nhwc_max {{.*}} ins(%[[E1]], %{{.*}} : tensor<2x4x4x16xf32>, tensor<2x2xf32>)
// CHECK: %[[EL:.*]] = mpt.fused_matmul %{{.*}}, %arg4 bias(%arg5 : tensor<10xf32>) epilogue<bias> : tensor<2x64xf32>, tensor<64x10xf32> -> tensor<2x10xf32>
// CHECK-NOT: linalg.matmul
// CHECK: return %{{.*}}, %[[EL]] : tensor<f32>, tensor<2x10xf32>

// The remarks, functions by name: eval_step fuses both convolutions (their
// zero pads absorbed) and the head; train_step fuses the same three, the
// convolutions returning their ReLU masks and keeping their pads (the
// backward pass reads the padded input), and the two backward matmuls have no
// epilogue.
// REPORT:      "epilogue": "bias_relu",
// REPORT-NEXT: "into": "mpt.fused_conv2d",
// REPORT:      "padding_absorbed": true,
// REPORT:      "loc": "conv0",
// REPORT-NEXT: "name": "fused"
// REPORT:      "epilogue": "bias_relu",
// REPORT-NEXT: "into": "mpt.fused_conv2d",
// REPORT:      "padding_absorbed": true,
// REPORT:      "loc": "conv1",
// REPORT-NEXT: "name": "fused"
// REPORT:      "epilogue": "bias",
// REPORT-NEXT: "into": "mpt.fused_matmul",
// REPORT:      "loc": "head",
// REPORT-NEXT: "name": "fused"
// REPORT:      "aux_results": 0,
// REPORT-NEXT: "casts_folded": 0,
// REPORT-NEXT: "declined": 0,
// REPORT-NEXT: "fused": 3,
// REPORT-NEXT: "paddings_absorbed": 2,
// REPORT-NEXT: "without_epilogue": 0
// REPORT-NEXT: },
// REPORT-NEXT: "function": "eval_step",
// REPORT-NEXT: "kind": "analysis",
// REPORT:      "aux": "relu_mask",
// REPORT:      "epilogue": "bias_relu",
// REPORT-NEXT: "into": "mpt.fused_conv2d",
// REPORT:      "padding_absorbed": false,
// REPORT:      "loc": "conv0",
// REPORT-NEXT: "name": "fused"
// REPORT:      "aux": "relu_mask",
// REPORT:      "epilogue": "bias_relu",
// REPORT-NEXT: "into": "mpt.fused_conv2d",
// REPORT:      "padding_absorbed": false,
// REPORT:      "loc": "conv1",
// REPORT-NEXT: "name": "fused"
// REPORT:      "epilogue": "bias",
// REPORT-NEXT: "into": "mpt.fused_matmul",
// REPORT:      "loc": "head",
// REPORT-NEXT: "name": "fused"
// REPORT-COUNT-2: "name": "no-epilogue"
// REPORT:      "aux_results": 2,
// REPORT-NEXT: "casts_folded": 0,
// REPORT-NEXT: "declined": 0,
// REPORT-NEXT: "fused": 3,
// REPORT-NEXT: "paddings_absorbed": 0,
// REPORT-NEXT: "without_epilogue": 2
// REPORT-NEXT: },
// REPORT-NEXT: "function": "train_step",
// REPORT-NEXT: "kind": "analysis",

// AUTOCAST-LABEL: func.func @train_step
// AUTOCAST-DAG: %[[B1:.*]] = mpt.cast %arg3 : tensor<16xf32> to tensor<16xf16>
// AUTOCAST-DAG: %[[B0:.*]] = mpt.cast %arg1 : tensor<8xf32> to tensor<8xf16>
// AUTOCAST: %[[Y0:.*]], %[[M0:.*]] = mpt.fused_conv2d %{{.*}}, %{{.*}} bias(%[[B0]] : tensor<8xf16>) layout<nhwc_hwcf> epilogue<bias_relu> aux<relu_mask> : tensor<2x10x10x1xf16>, tensor<3x3x1x8xf16> -> tensor<2x8x8x8xf16>, tensor<2x8x8x8xi1>
// AUTOCAST: %[[Y1:.*]], %[[M1:.*]] = mpt.fused_conv2d %{{.*}}, %{{.*}} bias(%[[B1]] : tensor<16xf16>) layout<nhwc_hwcf> epilogue<bias_relu> aux<relu_mask> : tensor<2x6x6x8xf16>, tensor<3x3x8x16xf16> -> tensor<2x4x4x16xf16>, tensor<2x4x4x16xi1>
// AUTOCAST: mpt.fused_matmul %{{.*}}, %{{.*}} bias(%arg5 : tensor<10xf32>) epilogue<bias> : tensor<2x64xf16>, tensor<64x10xf16> -> tensor<2x10xf32>
// AUTOCAST: linalg.generic {{.*}} ins(%[[M1]], %{{.*}} : tensor<2x4x4x16xi1>,
// AUTOCAST: linalg.generic {{.*}} ins(%[[M0]], %{{.*}} : tensor<2x8x8x8xi1>,
// AUTOCAST-LABEL: func.func @eval_step
// AUTOCAST-DAG: %[[EB1:.*]] = mpt.cast %arg3 : tensor<16xf32> to tensor<16xf16>
// AUTOCAST-DAG: %[[EB0:.*]] = mpt.cast %arg1 : tensor<8xf32> to tensor<8xf16>
// AUTOCAST: mpt.fused_conv2d %{{.*}}, %{{.*}} bias(%[[EB0]] : tensor<8xf16>) layout<nhwc_hwcf> epilogue<bias_relu> {padding = array<i64: 1, 1, 1, 1>} : tensor<2x8x8x1xf16>, tensor<3x3x1x8xf16> -> tensor<2x8x8x8xf16>
// AUTOCAST: mpt.fused_conv2d %{{.*}}, %{{.*}} bias(%[[EB1]] : tensor<16xf16>) layout<nhwc_hwcf> epilogue<bias_relu> {padding = array<i64: 1, 1, 1, 1>} : tensor<2x4x4x8xf16>, tensor<3x3x8x16xf16> -> tensor<2x4x4x16xf16>

// FP32BIAS-LABEL: func.func @train_step
// FP32BIAS: mpt.fused_conv2d %{{.*}}, %{{.*}} bias(%arg1 : tensor<8xf32>) layout<nhwc_hwcf> epilogue<bias_relu> aux<relu_mask> : tensor<2x10x10x1xf16>, tensor<3x3x1x8xf16> -> tensor<2x8x8x8xf16>, tensor<2x8x8x8xi1>
// FP32BIAS: mpt.fused_conv2d %{{.*}}, %{{.*}} bias(%arg3 : tensor<16xf32>) layout<nhwc_hwcf> epilogue<bias_relu> aux<relu_mask> : tensor<2x6x6x8xf16>, tensor<3x3x8x16xf16> -> tensor<2x4x4x16xf16>, tensor<2x4x4x16xi1>
// FP32BIAS: mpt.fused_matmul %{{.*}}, %{{.*}} bias(%arg5 : tensor<10xf32>) epilogue<bias>
// FP32BIAS-LABEL: func.func @eval_step
// FP32BIAS: mpt.fused_conv2d %{{.*}}, %{{.*}} bias(%arg1 : tensor<8xf32>) layout<nhwc_hwcf> epilogue<bias_relu> {padding = array<i64: 1, 1, 1, 1>} : tensor<2x8x8x1xf16>, tensor<3x3x1x8xf16> -> tensor<2x8x8x8xf16>
// FP32BIAS: mpt.fused_conv2d %{{.*}}, %{{.*}} bias(%arg3 : tensor<16xf32>) layout<nhwc_hwcf> epilogue<bias_relu> {padding = array<i64: 1, 1, 1, 1>} : tensor<2x4x4x8xf16>, tensor<3x3x8x16xf16> -> tensor<2x4x4x16xf16>
