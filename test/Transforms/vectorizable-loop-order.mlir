// mpt-vectorizable-loop-order: linalg reductions on buffers end with the
// parallel loop of the output's last index (the other parallel loops first,
// then the reductions in their original order, so every output element sums
// its products in the same order); small inputs read at a stride along it
// get a transposed copy. Ops without a reduction, or already in that order,
// stay as they are.
// RUN: mpt-opt %s -mpt-vectorizable-loop-order | FileCheck %s

// matmul (i, j, k) -> (i, k, j): A[i, k] is loop-invariant in the inner
// loop, B[k, j] and C[i, j] contiguous.
// CHECK-DAG: #[[$A:.*]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-DAG: #[[$B:.*]] = affine_map<(d0, d1, d2) -> (d1, d2)>
// CHECK-DAG: #[[$C:.*]] = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK-DAG: #[[$DY:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d1 - d3 + 2, d2 - d4 + 2, d5)>
// CHECK-DAG: #[[$WT:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d3, d4, d5, d6)>
// CHECK-DAG: #[[$DX:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d1, d2, d6)>
// CHECK-LABEL: func.func @matmul
// CHECK: linalg.generic {indexing_maps = [#[[$A]], #[[$B]], #[[$C]]], iterator_types = ["parallel", "reduction", "parallel"]}
// CHECK-SAME: ins(%arg0, %arg1 : memref<4x16xf16>, memref<16x8xf16>) outs(%arg2 : memref<4x8xf32>)
// CHECK: arith.extf
// CHECK: arith.mulf
// CHECK: arith.addf
func.func @matmul(%a: memref<4x16xf16>, %b: memref<16x8xf16>, %c: memref<4x8xf32>) {
  linalg.matmul ins(%a, %b : memref<4x16xf16>, memref<16x8xf16>) outs(%c : memref<4x8xf32>)
  return
}

// The data gradient of a 3x3 convolution: the output channel c (d3) moves
// innermost after the reductions kh, kw, f in their order; the filter
// [kh, kw, c, f] read at a stride along c becomes a transposed copy
// [kh, kw, f, c] (72 elements against 8*4*4*8*72 iterations), freed after.
// CHECK-LABEL: func.func @conv_data_gradient
// CHECK: %[[T:.*]] = memref.alloc() : memref<3x3x8x8xf32>
// CHECK: linalg.transpose ins(%arg1 : memref<3x3x8x8xf32>) outs(%[[T]] : memref<3x3x8x8xf32>) permutation = [0, 1, 3, 2]
// CHECK: linalg.generic {indexing_maps = [#[[$DY]], #[[$WT]], #[[$DX]]], iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction", "reduction", "parallel"]}
// CHECK-SAME: ins(%arg0, %[[T]] : memref<8x6x6x8xf32>, memref<3x3x8x8xf32>)
// CHECK: memref.dealloc %[[T]]
#dy = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d1 - d4 + 2, d2 - d5 + 2, d6)>
#w = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d4, d5, d3, d6)>
#dx = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d1, d2, d3)>
func.func @conv_data_gradient(%dy: memref<8x6x6x8xf32>, %w: memref<3x3x8x8xf32>, %dx: memref<8x4x4x8xf32>) {
  linalg.generic {indexing_maps = [#dy, #w, #dx], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]} ins(%dy, %w : memref<8x6x6x8xf32>, memref<3x3x8x8xf32>) outs(%dx : memref<8x4x4x8xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %m = arith.mulf %a, %b : f32
    %s = arith.addf %o, %m : f32
    linalg.yield %s : f32
  }
  return
}

// A row sum would read its (large) input at a stride along the rows if
// they were innermost: unchanged.
// CHECK-LABEL: func.func @row_sum
// CHECK: iterator_types = ["parallel", "reduction"]
// CHECK-NOT: memref.alloc
func.func @row_sum(%a: memref<4x8xf32>, %out: memref<4xf32>) {
  linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0)>], iterator_types = ["parallel", "reduction"]} ins(%a : memref<4x8xf32>) outs(%out : memref<4xf32>) {
  ^bb0(%x: f32, %o: f32):
    %s = arith.addf %o, %x : f32
    linalg.yield %s : f32
  }
  return
}

// Elementwise ops have no reduction: unchanged (still a named op).
// CHECK-LABEL: func.func @elementwise
// CHECK: linalg.add ins
func.func @elementwise(%a: memref<4x8xf32>, %b: memref<4x8xf32>, %c: memref<4x8xf32>) {
  linalg.add ins(%a, %b : memref<4x8xf32>, memref<4x8xf32>) outs(%c : memref<4x8xf32>)
  return
}

// A column sum already ends with its parallel loop: unchanged.
// CHECK-LABEL: func.func @column_sum
// CHECK: iterator_types = ["reduction", "parallel"]
func.func @column_sum(%a: memref<4x8xf32>, %out: memref<8xf32>) {
  linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1)>], iterator_types = ["reduction", "parallel"]} ins(%a : memref<4x8xf32>) outs(%out : memref<8xf32>) {
  ^bb0(%x: f32, %o: f32):
    %s = arith.addf %o, %x : f32
    linalg.yield %s : f32
  }
  return
}
