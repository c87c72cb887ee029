// Every decision of mpt-autocast on a whole CNN training step (conv-bias-ReLU,
// max pool, dense head, softmax cross-entropy, backward, SGD) from the Python
// frontend (`python -m mpt.models cnn --blocks 1 --batch 2 --width 4`). All
// ten casts are named; --implicit-check-not proves there is no other.
// RUN: mpt-opt %S/Inputs/cnn_train_step.mlir -mpt-autocast=summary=false | FileCheck %s --implicit-check-not=mpt.cast

// CHECK-LABEL: func.func @train_step
// CHECK-DAG: %[[WH:.*]] = mpt.cast %arg2 : tensor<64x10xf32> to tensor<64x10xf16>
// CHECK-DAG: %[[B0:.*]] = mpt.cast %arg1 : tensor<4xf32> to tensor<4xf16>
// CHECK-DAG: %[[F0:.*]] = mpt.cast %arg0 : tensor<3x3x1x4xf32> to tensor<3x3x1x4xf16>
// CHECK-DAG: %[[X:.*]] = mpt.cast %arg4 : tensor<2x8x8x1xf32> to tensor<2x8x8x1xf16>
// The zero padding is transparent and joins the convolution it feeds.
// CHECK: %[[PADDED:.*]] = tensor.pad %[[X]]
// CHECK: tensor.yield %{{.*}} : f16
// The convolution keeps its strides and dilations, takes f16 and accumulates
// in f32; bias, ReLU and max pool run in f16 up to the dense head.
// CHECK: %[[CONV:.*]] = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%[[PADDED]], %[[F0]] : tensor<2x10x10x1xf16>, tensor<3x3x1x4xf16>) outs(%{{.*}} : tensor<2x8x8x4xf32>)
// CHECK: %[[CONVH:.*]] = mpt.cast %[[CONV]] : tensor<2x8x8x4xf32> to tensor<2x8x8x4xf16>
// CHECK: %[[PRE:.*]] = linalg.generic {{.*}} ins(%[[CONVH]], %[[B0]] : tensor<2x8x8x4xf16>, tensor<4xf16>) outs(%{{.*}} : tensor<2x8x8x4xf16>)
// CHECK: %[[RELU:.*]] = linalg.generic {{.*}} ins(%[[PRE]] : tensor<2x8x8x4xf16>) outs(%{{.*}} : tensor<2x8x8x4xf16>)
// The -inf initial value of the max pool is exact in f16.
// CHECK: linalg.fill ins(%{{.*}} : f16) outs(%{{.*}} : tensor<2x4x4x4xf16>)
// CHECK: %[[POOL:.*]] = linalg.pooling_nhwc_max {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%[[RELU]], %{{.*}} : tensor<2x8x8x4xf16>, tensor<2x2xf16>) outs(%{{.*}} : tensor<2x4x4x4xf16>)
// CHECK: %[[FLAT:.*]] = tensor.collapse_shape %[[POOL]] {{.*}} into tensor<2x64xf16>
// CHECK: %[[LOGITS_MM:.*]] = linalg.matmul ins(%[[FLAT]], %[[WH]] : tensor<2x64xf16>, tensor<64x10xf16>) outs(%{{.*}} : tensor<2x10xf32>)
// The logits bias and the loss: FP32.
// CHECK: linalg.generic {{.*}} ins(%[[LOGITS_MM]], %arg3 : tensor<2x10xf32>, tensor<10xf32>) outs(%{{.*}} : tensor<2x10xf32>)
// CHECK: mpt.loss
// CHECK: mpt.grad_seed
// The logits gradient is FP32 (it comes from the FP32 seed through follow
// ops) and is cast once for the two contractions that read it.
// CHECK: %[[DLH:.*]] = mpt.cast %{{.*}} : tensor<2x10xf32> to tensor<2x10xf16>
// CHECK: %[[DFLAT:.*]] = linalg.matmul ins(%[[DLH]], %{{.*}} : tensor<2x10xf16>, tensor<10x64xf16>) outs(%{{.*}} : tensor<2x64xf32>)
// CHECK: %[[DFLATH:.*]] = mpt.cast %[[DFLAT]] : tensor<2x64xf32> to tensor<2x64xf16>
// CHECK: linalg.matmul ins(%{{.*}}, %[[DLH]] : tensor<64x2xf16>, tensor<2x10xf16>) outs(%{{.*}} : tensor<64x10xf32>)
// Max-pool backward: the mask (compare + select, transparent) runs in f16 on
// the saved f16 activations; scattering into the padded windows is data
// movement (f16); the window sum is a reduction: FP32.
// CHECK: %[[DPOOL:.*]] = tensor.expand_shape %[[DFLATH]] {{.*}} into tensor<2x4x4x4xf16>
// CHECK: %[[MASKED:.*]] = linalg.generic {{.*}} ins(%[[RELU]], %[[POOL]], %[[DPOOL]] : tensor<2x8x8x4xf16>, tensor<2x4x4x4xf16>, tensor<2x4x4x4xf16>) outs(%{{.*}} : tensor<2x4x4x2x2x4xf16>)
// CHECK: %[[SCATTER:.*]] = tensor.insert_slice %[[MASKED]] into %{{.*}} : tensor<2x4x4x2x2x4xf16> into tensor<2x9x9x2x2x4xf16>
// CHECK: %[[SCATTERF:.*]] = mpt.cast %[[SCATTER]] : tensor<2x9x9x2x2x4xf16> to tensor<2x9x9x2x2x4xf32>
// CHECK: %[[DRELU:.*]] = linalg.generic {{.*}} ins(%[[SCATTERF]] : tensor<2x9x9x2x2x4xf32>) outs(%{{.*}} : tensor<2x8x8x4xf32>)
// The ReLU gradient reads the FP32 window sum, and it feeds the FP32 bias
// gradient: FP32. The saved f16 pre-activation is cast up right before it,
// so only the f16 copy lives across the forward pass.
// CHECK: %[[PREF:.*]] = mpt.cast %[[PRE]] : tensor<2x8x8x4xf16> to tensor<2x8x8x4xf32>
// CHECK-NEXT: %[[DPRE:.*]] = linalg.generic {{.*}} ins(%[[PREF]], %[[DRELU]] : tensor<2x8x8x4xf32>, tensor<2x8x8x4xf32>) outs(%{{.*}} : tensor<2x8x8x4xf32>)
// CHECK: %[[DPREH:.*]] = mpt.cast %[[DPRE]] : tensor<2x8x8x4xf32> to tensor<2x8x8x4xf16>
// CHECK: %[[DB:.*]] = linalg.generic {{.*}} ins(%[[DPRE]] : tensor<2x8x8x4xf32>) outs(%{{.*}} : tensor<4xf32>)
// The filter gradient is a contraction generic: f16 inputs (the saved padded
// input and the cast gradient), f32 accumulator.
// CHECK: %[[DF:.*]] = linalg.generic {{.*}} ins(%[[PADDED]], %[[DPREH]] : tensor<2x10x10x1xf16>, tensor<2x8x8x4xf16>) outs(%{{.*}} : tensor<3x3x1x4xf32>)
// CHECK: mpt.sgd %arg0, %[[DF]] {{.*}} : tensor<3x3x1x4xf32>
// CHECK: mpt.sgd %arg1, %[[DB]] {{.*}} : tensor<4xf32>
