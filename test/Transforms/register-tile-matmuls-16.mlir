// mpt-register-tile-matmuls with lanes=16 (AVX-512): tiles of 8 rows x 2
// vectors of 16 columns (16 accumulators of vector<16xf32>), then a tile
// of 4 rows, then single rows; a math.fma body (mpt-fma-matmuls) becomes
// vector.fma; columns that are not a multiple of 16 fall back to 8 lanes
// and tiles of 4 rows. Lanes other than 8 and 16 are an error.
// RUN: mpt-opt %s -mpt-register-tile-matmuls=lanes=16 | FileCheck %s
// RUN: not mpt-opt %s -mpt-register-tile-matmuls=lanes=12 2>&1 | FileCheck %s --check-prefix=BAD

#a = affine_map<(d0, d1, d2) -> (d0, d1)>
#b = affine_map<(d0, d1, d2) -> (d1, d2)>
#c = affine_map<(d0, d1, d2) -> (d0, d2)>

// BAD: error: mpt-register-tile-matmuls: lanes must be 8 or 16, not 12

// CHECK-LABEL: func.func @fma16
// CHECK-NOT: linalg.generic
// Tiles of 8 rows (rows 0-15 of 21).
// CHECK: scf.for %[[I:.*]] = %{{.*}} to %{{.*}} step %c8
// CHECK: scf.for %{{.*}} = %{{.*}} to %c64{{.*}} step %c32
// CHECK-COUNT-16: vector.load %arg2{{.*}} vector<16xf32>
// CHECK: scf.for %[[K:.*]] = %c0{{.*}} to %c6{{.*}} step %c1{{.*}} iter_args
// CHECK-COUNT-2: vector.load %arg1[%[[K]]
// CHECK: memref.load %arg0[%[[I]], %[[K]]]
// CHECK: vector.broadcast
// CHECK-NOT: arith.mulf
// CHECK: vector.fma {{.*}} : vector<16xf32>
// CHECK: scf.yield
// CHECK-COUNT-16: vector.store
// A tile of 4 rows (16-19), then row 20 alone.
// CHECK: scf.for {{.*}} step %c4
// CHECK: scf.for {{.*}} step %c32
// CHECK-COUNT-8: vector.load %arg2
// CHECK: scf.for {{.*}} step %c1
// CHECK: scf.for {{.*}} step %c32
// CHECK-COUNT-2: vector.load %arg2
// CHECK-NOT: linalg.generic
// CHECK: return
func.func @fma16(%A: memref<21x6xf32>, %B: memref<6x64xf32>, %C: memref<21x64xf32>) {
  linalg.generic {indexing_maps = [#a, #b, #c], iterator_types = ["parallel", "reduction", "parallel"]} ins(%A, %B : memref<21x6xf32>, memref<6x64xf32>) outs(%C : memref<21x64xf32>) {
  ^bb0(%x: f32, %y: f32, %o: f32):
    %f = math.fma %x, %y, %o : f32
    linalg.yield %f : f32
  }
  return
}

// 24 columns: one vector of 8 lanes per row, tiles of 4 rows; the
// separate multiplication and addition stay separate.
// CHECK-LABEL: func.func @fallback8
// CHECK: scf.for {{.*}} step %c4
// CHECK: scf.for {{.*}} step %c8
// CHECK-COUNT-4: vector.load %arg2{{.*}} vector<8xf32>
// CHECK: arith.mulf {{.*}} : vector<8xf32>
// CHECK: arith.addf {{.*}} : vector<8xf32>
// CHECK-NOT: vector.fma
// CHECK: return
func.func @fallback8(%A: memref<8x6xf32>, %B: memref<6x24xf32>, %C: memref<8x24xf32>) {
  linalg.generic {indexing_maps = [#a, #b, #c], iterator_types = ["parallel", "reduction", "parallel"]} ins(%A, %B : memref<8x6xf32>, memref<6x24xf32>) outs(%C : memref<8x24xf32>) {
  ^bb0(%x: f32, %y: f32, %o: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %o, %p : f32
    linalg.yield %s : f32
  }
  return
}
