// precision=bf16 converts to bf16; a constant too large for f16 but fine for
// bf16 is narrowed.
// RUN: mpt-opt %s -mpt-autocast='precision=bf16 summary=false' | FileCheck %s

// CHECK-LABEL: func.func @autocast_matmul_to_bf16
// CHECK: linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<8x8xbf16>, tensor<8x8xbf16>) outs(%{{.*}} : tensor<8x8xf32>)
// CHECK: mpt.cast %{{.*}} : tensor<8x8xf32> to tensor<8x8xbf16>
// 1e6 is 0x49742400 in f32; bf16 keeps 0x4974 (the dropped half 0x2400 is
// below the tie): 999424.
// CHECK: arith.constant 9.994240e+05 : bf16
// CHECK: arith.mulf %{{.*}}, %{{.*}} : bf16
// CHECK: linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<8x8xbf16>, tensor<8x8xbf16>)
func.func @autocast_matmul_to_bf16(%x: tensor<8x8xf32>) -> tensor<8x8xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<8x8xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<8x8xf32>) -> tensor<8x8xf32>
  %m = linalg.matmul ins(%x, %x : tensor<8x8xf32>, tensor<8x8xf32>) outs(%init : tensor<8x8xf32>) -> tensor<8x8xf32>
  %big = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]}
      ins(%m : tensor<8x8xf32>) outs(%e : tensor<8x8xf32>) {
    ^bb0(%a: f32, %o: f32):
      %c = arith.constant 1.0e6 : f32
      %r = arith.mulf %a, %c : f32
      linalg.yield %r : f32
  } -> tensor<8x8xf32>
  %m2 = linalg.matmul ins(%big, %x : tensor<8x8xf32>, tensor<8x8xf32>) outs(%init : tensor<8x8xf32>) -> tensor<8x8xf32>
  return %m2 : tensor<8x8xf32>
}
