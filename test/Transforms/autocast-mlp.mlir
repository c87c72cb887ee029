// Every decision of mpt-autocast on a whole MLP training step (forward,
// softmax cross-entropy, backward, SGD) from the Python frontend
// (`python -m mpt.models mlp --blocks 1 --batch 4 --width 16`). Every cast
// in the output is named below; --implicit-check-not proves there is no
// other.
// RUN: mpt-opt %S/Inputs/mlp_train_step.mlir -mpt-autocast=summary=false | FileCheck %s --implicit-check-not=mpt.cast

// Parameters read by low-precision ops are cast once at entry; the input
// images too (the flatten that follows joins the contraction it feeds).
// CHECK-LABEL: func.func @train_step
// CHECK-DAG: %[[W1:.*]] = mpt.cast %arg2 : tensor<16x10xf32> to tensor<16x10xf16>
// CHECK-DAG: %[[B0:.*]] = mpt.cast %arg1 : tensor<16xf32> to tensor<16xf16>
// CHECK-DAG: %[[W0:.*]] = mpt.cast %arg0 : tensor<64x16xf32> to tensor<64x16xf16>
// CHECK-DAG: %[[X:.*]] = mpt.cast %arg4 : tensor<4x8x8x1xf32> to tensor<4x8x8x1xf16>
// CHECK: %[[FLAT:.*]] = tensor.collapse_shape %[[X]] {{.*}} : tensor<4x8x8x1xf16> into tensor<4x64xf16>
// Dense 0: f16 operands, f32 accumulator; the bias add and ReLU sit between
// two contractions, so the accumulator is cast down once for them.
// CHECK: %[[MM0:.*]] = linalg.matmul ins(%[[FLAT]], %[[W0]] : tensor<4x64xf16>, tensor<64x16xf16>) outs(%{{.*}} : tensor<4x16xf32>)
// CHECK: %[[MM0H:.*]] = mpt.cast %[[MM0]] : tensor<4x16xf32> to tensor<4x16xf16>
// CHECK: %[[PRE0:.*]] = linalg.generic {{.*}} ins(%[[MM0H]], %[[B0]] : tensor<4x16xf16>, tensor<16xf16>) outs(%{{.*}} : tensor<4x16xf16>)
// CHECK: %[[H0:.*]] = linalg.generic {{.*}} ins(%[[PRE0]] : tensor<4x16xf16>) outs(%{{.*}} : tensor<4x16xf16>)
// The head: contraction in f16; its bias add feeds only the FP32 loss, so it
// stays FP32 on the free f32 accumulator (and the bias is not cast).
// CHECK: %[[LOGITS_MM:.*]] = linalg.matmul ins(%[[H0]], %[[W1]] : tensor<4x16xf16>, tensor<16x10xf16>) outs(%{{.*}} : tensor<4x10xf32>)
// CHECK: %[[LOGITS:.*]] = linalg.generic {{.*}} ins(%[[LOGITS_MM]], %arg3 : tensor<4x10xf32>, tensor<10xf32>) outs(%{{.*}} : tensor<4x10xf32>)
// Softmax cross-entropy: one-hot labels, max, exp, sum, log: all FP32.
// CHECK: linalg.generic {{.*}} ins(%arg5 : tensor<4xi32>) outs(%{{.*}} : tensor<4x10xf32>)
// CHECK: linalg.generic {{.*}} ins(%[[LOGITS]] : tensor<4x10xf32>) outs(%{{.*}} : tensor<4xf32>)
// CHECK: math.exp %{{.*}} : f32
// CHECK: math.log %{{.*}} : f32
// CHECK: mpt.loss %{{.*}} : tensor<f32>
// CHECK: mpt.grad_seed %{{.*}} : tensor<f32>
// Its gradient flows from the FP32 seed through follow ops: FP32 up to the
// contractions, which get one cast of it.
// CHECK: %[[DLOGITSH:.*]] = mpt.cast %[[DLOGITS:.*]] : tensor<4x10xf32> to tensor<4x10xf16>
// The head's bias gradient is an FP32 reduction of the FP32 gradient.
// CHECK: linalg.generic {{.*}} iterator_types = ["reduction", "parallel"]} ins(%[[DLOGITS]] : tensor<4x10xf32>) outs(%{{.*}} : tensor<10xf32>)
// dh = dlogits W1^T: the transpose reads the entry cast of W1.
// CHECK: %[[W1T:.*]] = linalg.transpose ins(%[[W1]] : tensor<16x10xf16>) outs(%{{.*}} : tensor<10x16xf16>)
// CHECK: %[[DH:.*]] = linalg.matmul ins(%[[DLOGITSH]], %[[W1T]] : tensor<4x10xf16>, tensor<10x16xf16>) outs(%{{.*}} : tensor<4x16xf32>)
// CHECK: %[[DHH:.*]] = mpt.cast %[[DH]] : tensor<4x16xf32> to tensor<4x16xf16>
// dW1 = h0^T dlogits: the saved activation h0 is read in f16.
// CHECK: %[[H0T:.*]] = linalg.transpose ins(%[[H0]] : tensor<4x16xf16>) outs(%{{.*}} : tensor<16x4xf16>)
// CHECK: %[[DW1:.*]] = linalg.matmul ins(%[[H0T]], %[[DLOGITSH]] : tensor<16x4xf16>, tensor<4x10xf16>) outs(%{{.*}} : tensor<16x10xf32>)
// The ReLU gradient reads the f16 pre-activation and runs in f16 (it lies
// between two contractions); the bias-gradient reduction needs it in FP32.
// CHECK: %[[DPRE:.*]] = linalg.generic {{.*}} ins(%[[PRE0]], %[[DHH]] : tensor<4x16xf16>, tensor<4x16xf16>) outs(%{{.*}} : tensor<4x16xf16>)
// CHECK: %[[DPREF:.*]] = mpt.cast %[[DPRE]] : tensor<4x16xf16> to tensor<4x16xf32>
// CHECK: linalg.generic {{.*}} ins(%[[DPREF]] : tensor<4x16xf32>) outs(%{{.*}} : tensor<16xf32>)
// dW0 = x^T dpre, both f16.
// CHECK: %[[FLATT:.*]] = linalg.transpose ins(%[[FLAT]] : tensor<4x64xf16>) outs(%{{.*}} : tensor<64x4xf16>)
// CHECK: %[[DW0:.*]] = linalg.matmul ins(%[[FLATT]], %[[DPRE]] : tensor<64x4xf16>, tensor<4x16xf16>) outs(%{{.*}} : tensor<64x16xf32>)
// The optimizer updates FP32 parameters with the FP32 contraction gradients.
// CHECK: mpt.sgd %arg0, %[[DW0]] {{.*}} : tensor<64x16xf32>
// CHECK: mpt.sgd %arg2, %[[DW1]] {{.*}} : tensor<16x10xf32>
