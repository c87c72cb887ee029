// convert-mpt-to-linalg on dynamic sizes the fused ops allow: a dynamic batch
// of a convolution and dynamic M and N of a matmul. The accumulator takes its
// sizes from the operands (tensor.dim), the epilogue from the accumulator,
// and nothing of mpt is left. (Dynamic output heights and widths are
// rejected by mpt.fused_conv2d's verifier: test/Dialect/MPT/invalid.mlir.
// Every verifier-valid mpt op lowers: the conversion has no failure path.)
// RUN: mpt-opt %s -split-input-file -convert-mpt-to-linalg | FileCheck %s --implicit-check-not=mpt.

// CHECK-LABEL: func.func @conv_dynamic_batch
// CHECK-SAME: (%[[X:.*]]: tensor<?x4x4x2xf16>, %[[K:.*]]: tensor<3x3x2x3xf16>)
// CHECK: %[[C0:.*]] = arith.constant 0 : index
// CHECK: %[[N:.*]] = tensor.dim %[[X]], %[[C0]] : tensor<?x4x4x2xf16>
// CHECK: %[[E:.*]] = tensor.empty(%[[N]]) : tensor<?x2x2x3xf32>
// CHECK: %[[ACC:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%[[E]] : tensor<?x2x2x3xf32>)
// CHECK: %[[CONV:.*]] = linalg.conv_2d_nhwc_hwcf {{.*}} ins(%[[X]], %[[K]] : tensor<?x4x4x2xf16>, tensor<3x3x2x3xf16>) outs(%[[ACC]] : tensor<?x2x2x3xf32>)
// CHECK: %[[NR:.*]] = tensor.dim %[[CONV]], %{{.*}} : tensor<?x2x2x3xf32>
// CHECK: %[[ER:.*]] = tensor.empty(%[[NR]]) : tensor<?x2x2x3xf16>
// CHECK: %[[Y:.*]] = linalg.generic {{.*}} ins(%[[CONV]] : tensor<?x2x2x3xf32>) outs(%[[ER]] : tensor<?x2x2x3xf16>)
// CHECK: arith.maximumf %{{.*}}, %{{.*}} : f32
// CHECK-NEXT: arith.truncf %{{.*}} : f32 to f16
// CHECK: return %[[Y]] : tensor<?x2x2x3xf16>
func.func @conv_dynamic_batch(%x: tensor<?x4x4x2xf16>, %k: tensor<3x3x2x3xf16>) -> tensor<?x2x2x3xf16> {
  %y = mpt.fused_conv2d %x, %k layout<nhwc_hwcf> epilogue<relu>
      : tensor<?x4x4x2xf16>, tensor<3x3x2x3xf16> -> tensor<?x2x2x3xf16>
  return %y : tensor<?x2x2x3xf16>
}

// -----

// CHECK-LABEL: func.func @matmul_dynamic_m_n
// CHECK-SAME: (%[[A:.*]]: tensor<?x8xbf16>, %[[B:.*]]: tensor<8x?xbf16>, %[[BIAS:.*]]: tensor<?xf32>)
// CHECK: %[[M:.*]] = tensor.dim %[[A]], %{{.*}} : tensor<?x8xbf16>
// CHECK: %[[N:.*]] = tensor.dim %[[B]], %{{.*}} : tensor<8x?xbf16>
// CHECK: %[[E:.*]] = tensor.empty(%[[M]], %[[N]]) : tensor<?x?xf32>
// CHECK: %[[ACC:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%[[E]] : tensor<?x?xf32>)
// CHECK: %[[MM:.*]] = linalg.matmul ins(%[[A]], %[[B]] : tensor<?x8xbf16>, tensor<8x?xbf16>) outs(%[[ACC]] : tensor<?x?xf32>)
// CHECK: linalg.generic {{.*}} ins(%[[MM]], %[[BIAS]] : tensor<?x?xf32>, tensor<?xf32>) outs(%{{.*}} : tensor<?x?xbf16>)
// CHECK: arith.addf %{{.*}}, %{{.*}} : f32
// CHECK: arith.truncf %{{.*}} : f32 to bf16
func.func @matmul_dynamic_m_n(%a: tensor<?x8xbf16>, %b: tensor<8x?xbf16>, %bias: tensor<?xf32>) -> tensor<?x?xbf16> {
  %y = mpt.fused_matmul %a, %b bias(%bias : tensor<?xf32>) epilogue<bias>
      : tensor<?x8xbf16>, tensor<8x?xbf16> -> tensor<?x?xbf16>
  return %y : tensor<?x?xbf16>
}
