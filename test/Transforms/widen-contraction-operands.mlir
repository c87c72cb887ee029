// mpt-widen-contraction-operands: the f16/bf16 inputs that a linalg
// reduction reads more than once per element get one f32 copy (an
// elementwise extf generic), shared by every op that reads them; the op's
// body then uses the f32 value where it used extf. Inputs read once per
// element, f32 inputs and ops without a reduction stay as they are.
// RUN: mpt-opt %s -split-input-file -mpt-widen-contraction-operands | FileCheck %s

// A matmul with f16 operands and an f32 accumulator: both operands are
// reused (A across j, B across i) and widened; the body multiplies them as
// they come.
// CHECK-LABEL: func.func @matmul_f16
// CHECK-SAME: (%[[A:.*]]: tensor<4x16xf16>, %[[B:.*]]: tensor<16x8xf16>, %[[C:.*]]: tensor<4x8xf32>)
// CHECK: %[[EB:.*]] = tensor.empty() : tensor<16x8xf32>
// CHECK: %[[WB:.*]] = linalg.generic {{.*}} ins(%[[B]] : tensor<16x8xf16>) outs(%[[EB]] : tensor<16x8xf32>)
// CHECK-NEXT: ^bb0(%[[X:.*]]: f16, %{{.*}}: f32):
// CHECK-NEXT: %[[E:.*]] = arith.extf %[[X]] : f16 to f32
// CHECK-NEXT: linalg.yield %[[E]] : f32
// CHECK: %[[WA:.*]] = linalg.generic {{.*}} ins(%[[A]] : tensor<4x16xf16>)
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "reduction"]
// CHECK-SAME: ins(%[[WA]], %[[WB]] : tensor<4x16xf32>, tensor<16x8xf32>) outs(%[[C]] : tensor<4x8xf32>)
// CHECK-NEXT: ^bb0(%[[I0:.*]]: f32, %[[I1:.*]]: f32, %[[O:.*]]: f32):
// CHECK-NEXT: %[[M:.*]] = arith.mulf %[[I0]], %[[I1]] : f32
// CHECK-NEXT: %[[S:.*]] = arith.addf %[[O]], %[[M]] : f32
// CHECK-NEXT: linalg.yield %[[S]] : f32
// CHECK-NOT: linalg.matmul
func.func @matmul_f16(%a: tensor<4x16xf16>, %b: tensor<16x8xf16>, %c: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %0 = linalg.matmul ins(%a, %b : tensor<4x16xf16>, tensor<16x8xf16>) outs(%c : tensor<4x8xf32>) -> tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}

// -----

// A bf16 convolution: the input and the filter both get an f32 copy; a
// second convolution of the same input shares the input's copy.
// CHECK-LABEL: func.func @conv_bf16_shared_copy
// CHECK-SAME: (%[[X:.*]]: tensor<2x6x6x4xbf16>, %[[W1:.*]]: tensor<3x3x4x8xbf16>, %[[W2:.*]]: tensor<3x3x4x8xbf16>
// CHECK-COUNT-1: ins(%[[X]] : tensor<2x6x6x4xbf16>)
// CHECK-NOT: ins(%[[X]] :
// CHECK: return
func.func @conv_bf16_shared_copy(%x: tensor<2x6x6x4xbf16>, %w1: tensor<3x3x4x8xbf16>, %w2: tensor<3x3x4x8xbf16>, %o: tensor<2x4x4x8xf32>) -> (tensor<2x4x4x8xf32>, tensor<2x4x4x8xf32>) {
  %0 = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w1 : tensor<2x6x6x4xbf16>, tensor<3x3x4x8xbf16>) outs(%o : tensor<2x4x4x8xf32>) -> tensor<2x4x4x8xf32>
  %1 = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w2 : tensor<2x6x6x4xbf16>, tensor<3x3x4x8xbf16>) outs(%o : tensor<2x4x4x8xf32>) -> tensor<2x4x4x8xf32>
  return %0, %1 : tensor<2x4x4x8xf32>, tensor<2x4x4x8xf32>
}

// -----

// Dynamic sizes: the copy's tensor.empty takes them from tensor.dim.
// CHECK-LABEL: func.func @matmul_dynamic
// CHECK-DAG: %[[D0:.*]] = tensor.dim %arg0, %c0 : tensor<?x16xf16>
// CHECK: tensor.empty(%[[D0]]) : tensor<?x16xf32>
// CHECK: ins(%{{.*}}, %{{.*}} : tensor<?x16xf32>, tensor<16x8xf32>)
func.func @matmul_dynamic(%a: tensor<?x16xf16>, %b: tensor<16x8xf16>, %c: tensor<?x8xf32>) -> tensor<?x8xf32> {
  %0 = linalg.matmul ins(%a, %b : tensor<?x16xf16>, tensor<16x8xf16>) outs(%c : tensor<?x8xf32>) -> tensor<?x8xf32>
  return %0 : tensor<?x8xf32>
}

// -----

// A sum over rows reads each f16 element once: no copy, the op stays.
// CHECK-LABEL: func.func @negative_sum_reads_once
// CHECK-NOT: tensor.empty
// CHECK: linalg.generic {{.*}} ins(%arg0 : tensor<4x8xf16>)
// CHECK: arith.extf
#id = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d1)>
func.func @negative_sum_reads_once(%g: tensor<4x8xf16>, %acc: tensor<8xf32>) -> tensor<8xf32> {
  %0 = linalg.generic {indexing_maps = [#id, #row], iterator_types = ["reduction", "parallel"]} ins(%g : tensor<4x8xf16>) outs(%acc : tensor<8xf32>) {
  ^bb0(%in: f16, %out: f32):
    %e = arith.extf %in : f16 to f32
    %s = arith.addf %out, %e : f32
    linalg.yield %s : f32
  } -> tensor<8xf32>
  return %0 : tensor<8xf32>
}

// -----

// An f16 matmul into an f16 accumulator computes in f16 (no extf in its
// body): it stays as it is, and so do f32 matmuls and elementwise ops.
// CHECK-LABEL: func.func @negative_no_extf
// CHECK-NOT: linalg.generic
// CHECK: linalg.matmul ins(%arg0, %arg1 : tensor<4x16xf16>, tensor<16x8xf16>) outs(%arg2 : tensor<4x8xf16>)
// CHECK: linalg.matmul ins(%arg3, %arg4 : tensor<4x16xf32>, tensor<16x8xf32>)
// CHECK: linalg.add
func.func @negative_no_extf(%a: tensor<4x16xf16>, %b: tensor<16x8xf16>, %c: tensor<4x8xf16>, %a32: tensor<4x16xf32>, %b32: tensor<16x8xf32>, %c32: tensor<4x8xf32>) -> (tensor<4x8xf16>, tensor<4x8xf32>, tensor<4x8xf16>) {
  %0 = linalg.matmul ins(%a, %b : tensor<4x16xf16>, tensor<16x8xf16>) outs(%c : tensor<4x8xf16>) -> tensor<4x8xf16>
  %1 = linalg.matmul ins(%a32, %b32 : tensor<4x16xf32>, tensor<16x8xf32>) outs(%c32 : tensor<4x8xf32>) -> tensor<4x8xf32>
  %2 = linalg.add ins(%c, %c : tensor<4x8xf16>, tensor<4x8xf16>) outs(%c : tensor<4x8xf16>) -> tensor<4x8xf16>
  return %0, %1, %2 : tensor<4x8xf16>, tensor<4x8xf32>, tensor<4x8xf16>
}
