// mpt-register-tile-matmuls: plain f32 matmuls in the loop order of
// mpt-vectorizable-loop-order (i, k, j) become tiles of 4 rows x 16 columns
// whose 8 accumulators are loaded once, carried through the k loop and
// stored once; rows past the last full tile of 4 go one at a time; A may be
// read as [k, i]. Other ops are left alone.
// RUN: mpt-opt %s -mpt-register-tile-matmuls | FileCheck %s

#a = affine_map<(d0, d1, d2) -> (d0, d1)>
#at = affine_map<(d0, d1, d2) -> (d1, d0)>
#b = affine_map<(d0, d1, d2) -> (d1, d2)>
#c = affine_map<(d0, d1, d2) -> (d0, d2)>

// CHECK-LABEL: func.func @matmul
// CHECK-NOT: linalg.generic
// Full tiles of 4 rows, from 0 to the last multiple of 4 (10 -> 8).
// CHECK: scf.for %[[I:.*]] = %{{.*}} to %{{.*}} step %c4
// CHECK: scf.for %[[J:.*]] = %{{.*}} to %c32{{.*}} step %c16
// CHECK-COUNT-8: vector.load %arg2
// CHECK: scf.for %[[K:.*]] = %c0{{.*}} to %c6{{.*}} step %c1{{.*}} iter_args
// CHECK-COUNT-2: vector.load %arg1[%[[K]]
// CHECK: memref.load %arg0[%[[I]], %[[K]]]
// CHECK: vector.broadcast
// CHECK: arith.mulf
// CHECK: arith.addf
// CHECK: scf.yield
// CHECK-COUNT-8: vector.store
// The remaining rows 8 and 9, one at a time.
// CHECK: scf.for {{.*}} step %c1
// CHECK: scf.for {{.*}} step %c16
// CHECK-COUNT-2: vector.load %arg2
// CHECK: scf.for
// CHECK-NOT: linalg.generic
// CHECK: return
func.func @matmul(%A: memref<10x6xf32>, %B: memref<6x32xf32>, %C: memref<10x32xf32>) {
  linalg.generic {indexing_maps = [#a, #b, #c], iterator_types = ["parallel", "reduction", "parallel"]} ins(%A, %B : memref<10x6xf32>, memref<6x32xf32>) outs(%C : memref<10x32xf32>) {
  ^bb0(%x: f32, %y: f32, %o: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %o, %p : f32
    linalg.yield %s : f32
  }
  return
}

// A read as [k, i] (a weight gradient x^T dy); 24 columns: 3 vectors of 8.
// CHECK-LABEL: func.func @transposed_a
// CHECK: scf.for {{.*}} step %c8
// CHECK: memref.load %arg0[%{{.*}}, %{{.*}}] : memref<6x4xf32>
func.func @transposed_a(%A: memref<6x4xf32>, %B: memref<6x24xf32>, %C: memref<4x24xf32>) {
  linalg.generic {indexing_maps = [#at, #b, #c], iterator_types = ["parallel", "reduction", "parallel"]} ins(%A, %B : memref<6x4xf32>, memref<6x24xf32>) outs(%C : memref<4x24xf32>) {
  ^bb0(%x: f32, %y: f32, %o: f32):
    %p = arith.mulf %y, %x : f32
    %s = arith.addf %p, %o : f32
    linalg.yield %s : f32
  }
  return
}

// Left alone: 10 columns (not a multiple of 8); f16 operands widened in the
// body; a body that is not out + a * b.
// CHECK-LABEL: func.func @not_tiled
// CHECK-COUNT-3: linalg.generic
// CHECK-NOT: vector.load
func.func @not_tiled(%A: memref<4x6xf32>, %B: memref<6x10xf32>, %C: memref<4x10xf32>,
                     %H: memref<4x6xf16>, %B2: memref<6x16xf32>, %C2: memref<4x16xf32>) {
  linalg.generic {indexing_maps = [#a, #b, #c], iterator_types = ["parallel", "reduction", "parallel"]} ins(%A, %B : memref<4x6xf32>, memref<6x10xf32>) outs(%C : memref<4x10xf32>) {
  ^bb0(%x: f32, %y: f32, %o: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %o, %p : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [#a, #b, #c], iterator_types = ["parallel", "reduction", "parallel"]} ins(%H, %B2 : memref<4x6xf16>, memref<6x16xf32>) outs(%C2 : memref<4x16xf32>) {
  ^bb0(%x: f16, %y: f32, %o: f32):
    %w = arith.extf %x : f16 to f32
    %p = arith.mulf %w, %y : f32
    %s = arith.addf %o, %p : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [#a, #b, #c], iterator_types = ["parallel", "reduction", "parallel"]} ins(%A, %B2 : memref<4x6xf32>, memref<6x16xf32>) outs(%C2 : memref<4x16xf32>) {
  ^bb0(%x: f32, %y: f32, %o: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.maximumf %o, %p : f32
    linalg.yield %s : f32
  }
  return
}
