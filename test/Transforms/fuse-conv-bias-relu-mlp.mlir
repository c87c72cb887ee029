// The whole MLP training step of the frontend (dense-ReLU x2, dense head,
// softmax cross-entropy, backward, SGD), FP32, every fusion decision checked.
//
// train_step: both hidden layers fuse matmul + bias + ReLU and return
// aux<relu_mask> for their ReLU gradients; the head fuses its bias; the five
// backward matmuls have no epilogue and stay.
// eval_step: the same three fusions without aux results.
//
// RUN: mpt-opt %S/Inputs/fuse-mlp-train-step.mlir -mpt-fuse-conv-bias-relu=report=%t.json \
// RUN:   | FileCheck %s --implicit-check-not="arith.cmpf ogt"
// RUN: FileCheck %s --check-prefix=REPORT --input-file=%t.json

// CHECK-LABEL: func.func @train_step
// CHECK: %[[X:.*]] = tensor.collapse_shape %arg6
// CHECK-NEXT: %[[H0:.*]], %[[M0:.*]] = mpt.fused_matmul %[[X]], %arg0 bias(%arg1 : tensor<64xf32>) epilogue<bias_relu> aux<relu_mask> : tensor<2x64xf32>, tensor<64x64xf32> -> tensor<2x64xf32>, tensor<2x64xi1>
// CHECK-NEXT: %[[H1:.*]], %[[M1:.*]] = mpt.fused_matmul %[[H0]], %arg2 bias(%arg3 : tensor<64xf32>) epilogue<bias_relu> aux<relu_mask> : tensor<2x64xf32>, tensor<64x64xf32> -> tensor<2x64xf32>, tensor<2x64xi1>
// CHECK-NEXT: %[[L:.*]] = mpt.fused_matmul %[[H1]], %arg4 bias(%arg5 : tensor<10xf32>) epilogue<bias> : tensor<2x64xf32>, tensor<64x10xf32> -> tensor<2x10xf32>
// CHECK-COUNT-2: linalg.matmul
// CHECK: linalg.generic {{.*}} ins(%[[M1]], %{{.*}} : tensor<2x64xi1>, tensor<2x64xf32>)
// CHECK-NEXT: ^bb0(%{{.*}}: i1, %{{.*}}: f32, %{{.*}}: f32):
// CHECK-COUNT-2: linalg.matmul
// CHECK: linalg.generic {{.*}} ins(%[[M0]], %{{.*}} : tensor<2x64xi1>, tensor<2x64xf32>)
// CHECK-NEXT: ^bb0(%{{.*}}: i1, %{{.*}}: f32, %{{.*}}: f32):
// CHECK: linalg.matmul
// CHECK-NOT: linalg.matmul
// CHECK: return

// CHECK-LABEL: func.func @eval_step
// CHECK: %[[EX:.*]] = tensor.collapse_shape %arg6
// CHECK-NEXT: %[[E0:.*]] = mpt.fused_matmul %[[EX]], %arg0 bias(%arg1 : tensor<64xf32>) epilogue<bias_relu> : tensor<2x64xf32>, tensor<64x64xf32> -> tensor<2x64xf32>
// CHECK-NEXT: %[[E1:.*]] = mpt.fused_matmul %[[E0]], %arg2 bias(%arg3 : tensor<64xf32>) epilogue<bias_relu> : tensor<2x64xf32>, tensor<64x64xf32> -> tensor<2x64xf32>
// CHECK-NEXT: %[[EL:.*]] = mpt.fused_matmul %[[E1]], %arg4 bias(%arg5 : tensor<10xf32>) epilogue<bias> : tensor<2x64xf32>, tensor<64x10xf32> -> tensor<2x10xf32>
// CHECK-NOT: linalg.matmul
// CHECK: return %{{.*}}, %[[EL]] : tensor<f32>, tensor<2x10xf32>

// The remarks, functions by name: eval_step's three fusions without aux
// results, then train_step's, with the five backward matmuls that have no
// epilogue.
// REPORT:      "epilogue": "bias_relu",
// REPORT-NEXT: "into": "mpt.fused_matmul",
// REPORT:      "loc": "dense0",
// REPORT-NEXT: "name": "fused"
// REPORT:      "epilogue": "bias_relu",
// REPORT-NEXT: "into": "mpt.fused_matmul",
// REPORT:      "loc": "dense1",
// REPORT-NEXT: "name": "fused"
// REPORT:      "epilogue": "bias",
// REPORT-NEXT: "into": "mpt.fused_matmul",
// REPORT:      "loc": "head",
// REPORT-NEXT: "name": "fused"
// REPORT:      "aux_results": 0,
// REPORT-NEXT: "casts_folded": 0,
// REPORT-NEXT: "declined": 0,
// REPORT-NEXT: "fused": 3,
// REPORT-NEXT: "paddings_absorbed": 0,
// REPORT-NEXT: "without_epilogue": 0
// REPORT-NEXT: },
// REPORT-NEXT: "function": "eval_step",
// REPORT-NEXT: "kind": "analysis",
// REPORT:      "aux": "relu_mask",
// REPORT:      "epilogue": "bias_relu",
// REPORT-NEXT: "into": "mpt.fused_matmul",
// REPORT:      "loc": "dense0",
// REPORT-NEXT: "name": "fused"
// REPORT:      "aux": "relu_mask",
// REPORT:      "epilogue": "bias_relu",
// REPORT-NEXT: "into": "mpt.fused_matmul",
// REPORT:      "loc": "dense1",
// REPORT-NEXT: "name": "fused"
// REPORT:      "epilogue": "bias",
// REPORT-NEXT: "into": "mpt.fused_matmul",
// REPORT:      "loc": "head",
// REPORT-NEXT: "name": "fused"
// REPORT-COUNT-5: "name": "no-epilogue"
// REPORT:      "aux_results": 2,
// REPORT-NEXT: "casts_folded": 0,
// REPORT-NEXT: "declined": 0,
// REPORT-NEXT: "fused": 3,
// REPORT-NEXT: "paddings_absorbed": 0,
// REPORT-NEXT: "without_epilogue": 5
// REPORT-NEXT: },
// REPORT-NEXT: "function": "train_step",
// REPORT-NEXT: "kind": "analysis",
