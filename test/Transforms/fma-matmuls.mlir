// mpt-fma-matmuls: the body out + a * b (f32, no fast-math flags) of
// matmul-shaped ops (one reduction loop read by both inputs, each input
// missing an output dimension, the output over every parallel loop)
// becomes math.fma(a, b, out); other contractions keep their separate
// multiplication and addition.
// RUN: mpt-opt %s -mpt-fma-matmuls | FileCheck %s

#a = affine_map<(d0, d1, d2) -> (d0, d1)>
#at = affine_map<(d0, d1, d2) -> (d1, d0)>
#b = affine_map<(d0, d1, d2) -> (d1, d2)>
#c = affine_map<(d0, d1, d2) -> (d0, d2)>

// CHECK-LABEL: func.func @matmul
// CHECK: ^bb0(%[[X:.*]]: f32, %[[Y:.*]]: f32, %[[O:.*]]: f32):
// CHECK-NEXT: %[[F:.*]] = math.fma %[[X]], %[[Y]], %[[O]] : f32
// CHECK-NEXT: linalg.yield %[[F]] : f32
func.func @matmul(%A: memref<4x6xf32>, %B: memref<6x8xf32>, %C: memref<4x8xf32>) {
  linalg.generic {indexing_maps = [#a, #b, #c], iterator_types = ["parallel", "reduction", "parallel"]} ins(%A, %B : memref<4x6xf32>, memref<6x8xf32>) outs(%C : memref<4x8xf32>) {
  ^bb0(%x: f32, %y: f32, %o: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %o, %p : f32
    linalg.yield %s : f32
  }
  return
}

// A read as [k, i], the product's operands and the sum's in the other
// order, on tensors.
// CHECK-LABEL: func.func @transposed_a
// CHECK: ^bb0(%[[X:.*]]: f32, %[[Y:.*]]: f32, %[[O:.*]]: f32):
// CHECK-NEXT: math.fma %[[X]], %[[Y]], %[[O]] : f32
func.func @transposed_a(%A: tensor<6x4xf32>, %B: tensor<6x8xf32>, %C: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %r = linalg.generic {indexing_maps = [#at, #b, #c], iterator_types = ["parallel", "reduction", "parallel"]} ins(%A, %B : tensor<6x4xf32>, tensor<6x8xf32>) outs(%C : tensor<4x8xf32>) {
  ^bb0(%x: f32, %y: f32, %o: f32):
    %p = arith.mulf %y, %x : f32
    %s = arith.addf %p, %o : f32
    linalg.yield %s : f32
  } -> tensor<4x8xf32>
  return %r : tensor<4x8xf32>
}

// A batched matmul (attention scores): fused.
// CHECK-LABEL: func.func @batched
// CHECK: math.fma
func.func @batched(%A: memref<2x4x6xf32>, %B: memref<2x6x8xf32>, %C: memref<2x4x8xf32>) {
  linalg.generic {indexing_maps = [affine_map<(b, i, k, j) -> (b, i, k)>, affine_map<(b, i, k, j) -> (b, k, j)>, affine_map<(b, i, k, j) -> (b, i, j)>], iterator_types = ["parallel", "parallel", "reduction", "parallel"]} ins(%A, %B : memref<2x4x6xf32>, memref<2x6x8xf32>) outs(%C : memref<2x4x8xf32>) {
  ^bb0(%x: f32, %y: f32, %o: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %o, %p : f32
    linalg.yield %s : f32
  }
  return
}

// Left alone: a row dot product (both inputs over every loop), a full sum
// of products (two reduction loops), a convolution, fast-math flags, f16
// operands widened in the body, and a body that is not out + a * b.
// CHECK-LABEL: func.func @not_fused
// CHECK-NOT: math.fma
// (The convolution prints without its body: 5 multiplications.)
// CHECK-COUNT-5: arith.mulf
// CHECK-NOT: math.fma
// CHECK: return
func.func @not_fused(%X: memref<4x6xf32>, %Y: memref<4x6xf32>, %R: memref<4xf32>, %S: memref<f32>,
                     %I: memref<1x6x6x2xf32>, %W: memref<3x3x2x4xf32>, %O: memref<1x4x4x4xf32>,
                     %A: memref<4x6xf32>, %B: memref<6x8xf32>, %C: memref<4x8xf32>,
                     %H: memref<4x6xf16>) {
  linalg.generic {indexing_maps = [affine_map<(i, k) -> (i, k)>, affine_map<(i, k) -> (i, k)>, affine_map<(i, k) -> (i)>], iterator_types = ["parallel", "reduction"]} ins(%X, %Y : memref<4x6xf32>, memref<4x6xf32>) outs(%R : memref<4xf32>) {
  ^bb0(%x: f32, %y: f32, %o: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %o, %p : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [affine_map<(i, k) -> (i, k)>, affine_map<(i, k) -> (i, k)>, affine_map<(i, k) -> ()>], iterator_types = ["reduction", "reduction"]} ins(%X, %Y : memref<4x6xf32>, memref<4x6xf32>) outs(%S : memref<f32>) {
  ^bb0(%x: f32, %y: f32, %o: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %o, %p : f32
    linalg.yield %s : f32
  }
  linalg.conv_2d_nhwc_hwcf ins(%I, %W : memref<1x6x6x2xf32>, memref<3x3x2x4xf32>) outs(%O : memref<1x4x4x4xf32>)
  linalg.generic {indexing_maps = [#a, #b, #c], iterator_types = ["parallel", "reduction", "parallel"]} ins(%A, %B : memref<4x6xf32>, memref<6x8xf32>) outs(%C : memref<4x8xf32>) {
  ^bb0(%x: f32, %y: f32, %o: f32):
    %p = arith.mulf %x, %y fastmath<contract> : f32
    %s = arith.addf %o, %p fastmath<contract> : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [#a, #b, #c], iterator_types = ["parallel", "reduction", "parallel"]} ins(%H, %B : memref<4x6xf16>, memref<6x8xf32>) outs(%C : memref<4x8xf32>) {
  ^bb0(%x: f16, %y: f32, %o: f32):
    %w = arith.extf %x : f16 to f32
    %p = arith.mulf %w, %y : f32
    %s = arith.addf %o, %p : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [#a, #b, #c], iterator_types = ["parallel", "reduction", "parallel"]} ins(%A, %B : memref<4x6xf32>, memref<6x8xf32>) outs(%C : memref<4x8xf32>) {
  ^bb0(%x: f32, %y: f32, %o: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.subf %o, %p : f32
    linalg.yield %s : f32
  }
  return
}
