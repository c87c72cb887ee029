// dense_resource constants (how torch-mlir keeps large constants) are read
// like dense ones: an elementwise op between two contractions that reads one
// goes to f16 when its values fit, and stays FP32 when one would overflow.
// RUN: mpt-opt %s -split-input-file -mpt-autocast='summary=false' | FileCheck %s

// [0.5, 1.5, 0.5, 1.5]: fits f16.
// CHECK-LABEL: func.func @autocast_dense_resource_constant_fits
// CHECK: %[[C:.*]] = arith.constant dense<[5.000000e-01, 1.500000e+00, 5.000000e-01, 1.500000e+00]> : tensor<4xf16>
// CHECK: linalg.matmul
// CHECK: linalg.generic {{.*}} ins(%{{.*}}, %[[C]] : tensor<2x4xf16>, tensor<4xf16>) outs(%{{.*}} : tensor<2x4xf16>)
// CHECK: arith.mulf %{{.*}}, %{{.*}} : f16
func.func @autocast_dense_resource_constant_fits(%x: tensor<2x4xf32>, %w: tensor<4x4xf32>) -> tensor<2x4xf32> {
  %zero = arith.constant 0.0 : f32
  %c = arith.constant dense_resource<fits> : tensor<4xf32>
  %e = tensor.empty() : tensor<2x4xf32>
  %i = linalg.fill ins(%zero : f32) outs(%e : tensor<2x4xf32>) -> tensor<2x4xf32>
  %m = linalg.matmul ins(%x, %w : tensor<2x4xf32>, tensor<4x4xf32>) outs(%i : tensor<2x4xf32>) -> tensor<2x4xf32>
  %t = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]}
      ins(%m, %c : tensor<2x4xf32>, tensor<4xf32>) outs(%e : tensor<2x4xf32>) {
    ^bb0(%a: f32, %b: f32, %o: f32):
      %r = arith.mulf %a, %b : f32
      linalg.yield %r : f32
  } -> tensor<2x4xf32>
  %m2 = linalg.matmul ins(%t, %w : tensor<2x4xf32>, tensor<4x4xf32>) outs(%i : tensor<2x4xf32>) -> tensor<2x4xf32>
  return %m2 : tensor<2x4xf32>
}

{-#
  dialect_resources: {
    builtin: {
      fits: "0x040000000000003F0000C03F0000003F0000C03F"
    }
  }
#-}

// -----

// [0.5, 1.0e6, 0.5, 1.5]: 1.0e6 is inf in f16.
// CHECK-LABEL: func.func @negative_autocast_dense_resource_constant_out_of_range
// CHECK: arith.constant dense_resource<too_big> : tensor<4xf32>
// CHECK: arith.mulf %{{.*}}, %{{.*}} : f32
func.func @negative_autocast_dense_resource_constant_out_of_range(%x: tensor<2x4xf32>, %w: tensor<4x4xf32>) -> tensor<2x4xf32> {
  %zero = arith.constant 0.0 : f32
  %c = arith.constant dense_resource<too_big> : tensor<4xf32>
  %e = tensor.empty() : tensor<2x4xf32>
  %i = linalg.fill ins(%zero : f32) outs(%e : tensor<2x4xf32>) -> tensor<2x4xf32>
  %m = linalg.matmul ins(%x, %w : tensor<2x4xf32>, tensor<4x4xf32>) outs(%i : tensor<2x4xf32>) -> tensor<2x4xf32>
  %t = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]}
      ins(%m, %c : tensor<2x4xf32>, tensor<4xf32>) outs(%e : tensor<2x4xf32>) {
    ^bb0(%a: f32, %b: f32, %o: f32):
      %r = arith.mulf %a, %b : f32
      linalg.yield %r : f32
  } -> tensor<2x4xf32>
  %m2 = linalg.matmul ins(%t, %w : tensor<2x4xf32>, tensor<4x4xf32>) outs(%i : tensor<2x4xf32>) -> tensor<2x4xf32>
  return %m2 : tensor<2x4xf32>
}

{-#
  dialect_resources: {
    builtin: {
      too_big: "0x040000000000003F002474490000003F0000C03F"
    }
  }
#-}
