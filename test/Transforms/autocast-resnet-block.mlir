// mpt-autocast on a whole ResNet-style training step with one basic block
// (stem conv, two conv-bias-ReLU layers with a residual add, average pool,
// dense head) from the Python frontend (`python -m mpt.models resnet
// --blocks 1 --batch 2 --width 4`).
// RUN: mpt-opt %S/Inputs/resnet_block_train_step.mlir -mpt-autocast=summary=false | FileCheck %s --implicit-check-not=mpt.cast

// Eight entry casts: the seven parameters that low-precision ops read and
// the input images. The head bias (%arg7) is read only in FP32.
// CHECK-LABEL: func.func @train_step
// CHECK-COUNT-8: mpt.cast %arg{{[0-68]}} : tensor<{{.*}}xf32> to tensor<{{.*}}xf16>
// Forward: each conv accumulator is cast down once for its bias + ReLU; the
// residual add joins two f16 branches and stays f16; average pooling (a
// window sum, listed as follow) and its scaling stay f16 up to the head.
// CHECK: %[[C0:.*]] = linalg.conv_2d_nhwc_hwcf {{.*}}ins(%{{.*}}, %{{.*}} : tensor<2x10x10x1xf16>, tensor<3x3x1x4xf16>) outs(%{{.*}} : tensor<2x8x8x4xf32>)
// CHECK: mpt.cast %[[C0]] : tensor<2x8x8x4xf32> to tensor<2x8x8x4xf16>
// CHECK: %[[STEM:.*]] = linalg.generic {{.*}} ins(%{{.*}} : tensor<2x8x8x4xf16>) outs(%{{.*}} : tensor<2x8x8x4xf16>)
// CHECK: %[[C1:.*]] = linalg.conv_2d_nhwc_hwcf {{.*}}ins(%{{.*}}, %{{.*}} : tensor<2x10x10x4xf16>, tensor<3x3x4x4xf16>) outs(%{{.*}} : tensor<2x8x8x4xf32>)
// CHECK: mpt.cast %[[C1]] : tensor<2x8x8x4xf32> to tensor<2x8x8x4xf16>
// CHECK: %[[C2:.*]] = linalg.conv_2d_nhwc_hwcf {{.*}}ins(%{{.*}}, %{{.*}} : tensor<2x10x10x4xf16>, tensor<3x3x4x4xf16>) outs(%{{.*}} : tensor<2x8x8x4xf32>)
// CHECK: mpt.cast %[[C2]] : tensor<2x8x8x4xf32> to tensor<2x8x8x4xf16>
// CHECK: %[[BRANCH:.*]] = linalg.generic {{.*}} outs(%{{.*}} : tensor<2x8x8x4xf16>)
// CHECK: %[[RES:.*]] = linalg.generic {{.*}} ins(%[[STEM]], %[[BRANCH]] : tensor<2x8x8x4xf16>, tensor<2x8x8x4xf16>) outs(%{{.*}} : tensor<2x8x8x4xf16>)
// CHECK: arith.addf %{{.*}}, %{{.*}} : f16
// CHECK: linalg.pooling_nhwc_sum {{.*}}ins(%{{.*}}, %{{.*}} : tensor<2x8x8x4xf16>, tensor<2x2xf16>) outs(%{{.*}} : tensor<2x4x4x4xf16>)
// CHECK: linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<2x64xf16>, tensor<64x10xf16>) outs(%{{.*}} : tensor<2x10xf32>)
// CHECK: mpt.loss
// Backward: the FP32 logits gradient is cast once; the head's input gradient
// once; the pooling and residual gradients then stay f16; each bias gradient
// (an FP32 reduction) gets an up-cast and each conv input gradient (a
// contraction generic) a down-cast.
// CHECK: mpt.cast %{{.*}} : tensor<2x10xf32> to tensor<2x10xf16>
// CHECK: mpt.cast %{{.*}} : tensor<2x64xf32> to tensor<2x64xf16>
// CHECK: linalg.pooling_nhwc_sum {{.*}}ins(%{{.*}}, %{{.*}} : tensor<2x9x9x4xf16>, tensor<2x2xf16>) outs(%{{.*}} : tensor<2x8x8x4xf16>)
// CHECK: %[[DRES:.*]] = linalg.generic {{.*}} ins(%[[RES]], %{{.*}} : tensor<2x8x8x4xf16>, tensor<2x8x8x4xf16>) outs(%{{.*}} : tensor<2x8x8x4xf16>)
// CHECK: mpt.cast %[[DRES]] : tensor<2x8x8x4xf16> to tensor<2x8x8x4xf32>
// CHECK: mpt.cast %{{.*}} : tensor<2x10x10x4xf32> to tensor<2x10x10x4xf16>
// CHECK: mpt.cast %{{.*}} : tensor<2x8x8x4xf16> to tensor<2x8x8x4xf32>
// CHECK: mpt.cast %{{.*}} : tensor<2x10x10x4xf32> to tensor<2x10x10x4xf16>
// The residual gradient sums the skip path and the branch path in f16.
// CHECK: %[[DSKIP:.*]] = linalg.generic {{.*}} ins(%[[DRES]], %{{.*}} : tensor<2x8x8x4xf16>, tensor<2x8x8x4xf16>) outs(%{{.*}} : tensor<2x8x8x4xf16>)
// CHECK: arith.addf %{{.*}}, %{{.*}} : f16
// CHECK: mpt.cast %{{.*}} : tensor<2x8x8x4xf16> to tensor<2x8x8x4xf32>
// CHECK-COUNT-8: mpt.sgd
