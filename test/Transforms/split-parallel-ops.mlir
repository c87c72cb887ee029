// mpt-split-parallel-ops: an outlined op with at least min-work iterations,
// marked mpt.noalias and with a pure body, becomes loops whose loop over one
// parallel dimension (that every output indexes as a bare dimension) runs
// over two new trailing index arguments; its calls pass the whole range.
// RUN: mpt-opt %s -split-input-file -mpt-split-parallel-ops='min-work=1000 register-tile=false' | FileCheck %s
// With register tiles (the default), a plain f32 matmul split along its
// rows becomes the tiles of mpt-register-tile-matmuls over [lo, hi): full
// tiles of 4 rows from lo, then the rows left one at a time.
// RUN: mpt-opt %s -split-input-file -mpt-split-parallel-ops=min-work=1000 | FileCheck %s --check-prefix=TILE

// A matmul in the vectorizable order (i, k, j): the rows i are split, not
// the reduction k nor the innermost j.
// CHECK-LABEL: func.func @split_matmul_rows
// CHECK-DAG: %[[ZERO:.*]] = arith.constant 0 : index
// CHECK-DAG: %[[ROWS:.*]] = arith.constant 64 : index
// CHECK: call @matmul(%{{.*}}, %{{.*}}, %{{.*}}, %[[ZERO]], %[[ROWS]]) : (memref<64x32xf32>, memref<32x48xf32>, memref<64x48xf32>, index, index) -> ()
func.func @split_matmul_rows(%a: memref<64x32xf32>, %b: memref<32x48xf32>, %c: memref<64x48xf32>) {
  call @matmul(%a, %b, %c) : (memref<64x32xf32>, memref<32x48xf32>, memref<64x48xf32>) -> ()
  return
}
// CHECK: func.func private @matmul(%[[A:.*]]: memref<64x32xf32>, %[[B:.*]]: memref<32x48xf32>, %[[C:.*]]: memref<64x48xf32>, %[[LO:.*]]: index, %[[HI:.*]]: index)
// CHECK-SAME: mpt.noalias, mpt.parallel = 64 : i64
// CHECK: scf.for %[[I:.*]] = %[[LO]] to %[[HI]] step
// CHECK: scf.for %{{.*}} = %{{.*}} to %{{.*}} step
// CHECK: scf.for %{{.*}} = %{{.*}} to %{{.*}} step
// CHECK: arith.mulf
// CHECK: arith.addf
// CHECK-NOT: linalg.generic
// TILE: func.func private @matmul(%[[A:.*]]: memref<64x32xf32>, %[[B:.*]]: memref<32x48xf32>, %[[C:.*]]: memref<64x48xf32>, %[[LO:.*]]: index, %[[HI:.*]]: index)
// TILE-SAME: mpt.noalias, mpt.parallel = 64 : i64
// TILE: %[[SPAN:.*]] = arith.subi %[[HI]], %[[LO]]
// TILE: %[[FULL:.*]] = arith.addi %[[LO]],
// TILE: scf.for %{{.*}} = %[[LO]] to %[[FULL]] step %c4
// TILE: scf.for {{.*}} iter_args
// TILE-COUNT-8: vector.store
// TILE: scf.for %{{.*}} = %[[FULL]] to %[[HI]] step %c1
// TILE-NOT: linalg.generic
// TILE: return
func.func private @matmul(%a: memref<64x32xf32>, %b: memref<32x48xf32>, %c: memref<64x48xf32>) attributes {mpt.noalias} {
  linalg.generic {indexing_maps = [affine_map<(i, k, j) -> (i, k)>, affine_map<(i, k, j) -> (k, j)>, affine_map<(i, k, j) -> (i, j)>], iterator_types = ["parallel", "reduction", "parallel"]} ins(%a, %b : memref<64x32xf32>, memref<32x48xf32>) outs(%c : memref<64x48xf32>) {
  ^bb0(%x: f32, %y: f32, %o: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %o, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// A reduction over rows: the output indexes only the columns, so the
// columns are split (the only candidate, innermost or not).
// CHECK-LABEL: func.func private @column_sums
// CHECK-SAME: %[[LO:[^:]*]]: index, %[[HI:[^:]*]]: index)
// CHECK-SAME: mpt.parallel = 2048 : i64
// CHECK: scf.for %{{.*}} = %{{.*}} to %{{.*}} step
// CHECK: scf.for %{{.*}} = %[[LO]] to %[[HI]] step
func.func private @column_sums(%x: memref<4x2048xf32>, %o: memref<2048xf32>) attributes {mpt.noalias} {
  linalg.reduce ins(%x : memref<4x2048xf32>) outs(%o : memref<2048xf32>) dimensions = [0]
    (%a: f32, %b: f32) {
      %s = arith.addf %a, %b : f32
      linalg.yield %s : f32
    }
  return
}

// -----

// Too little work: left alone.
// CHECK-LABEL: func.func private @negative_small
// CHECK-NOT: mpt.parallel
// CHECK: linalg.add
func.func private @negative_small(%a: memref<16x16xf32>, %b: memref<16x16xf32>, %c: memref<16x16xf32>) attributes {mpt.noalias} {
  linalg.add ins(%a, %b : memref<16x16xf32>, memref<16x16xf32>) outs(%c : memref<16x16xf32>)
  return
}

// -----

// Buffers that may overlap (no mpt.noalias): a thread could read what
// another writes, so the op stays serial.
// CHECK-LABEL: func.func private @negative_may_alias
// CHECK-NOT: mpt.parallel
// CHECK: linalg.add
func.func private @negative_may_alias(%a: memref<64x64xf32>, %b: memref<64x64xf32>, %c: memref<64x64xf32>) {
  linalg.add ins(%a, %b : memref<64x64xf32>, memref<64x64xf32>) outs(%c : memref<64x64xf32>)
  return
}

// -----

// A full reduction to a scalar: no parallel dimension to split.
// CHECK-LABEL: func.func private @negative_full_reduction
// CHECK-NOT: mpt.parallel
// CHECK: linalg.reduce
func.func private @negative_full_reduction(%x: memref<4096xf32>, %o: memref<f32>) attributes {mpt.noalias} {
  linalg.reduce ins(%x : memref<4096xf32>) outs(%o : memref<f32>) dimensions = [0]
    (%a: f32, %b: f32) {
      %s = arith.addf %a, %b : f32
      linalg.yield %s : f32
    }
  return
}

// -----

// The output indexes the candidate dimension through an expression (a
// strided write): iterations of different values could not be told apart
// by a bare index, so the other dimension is split.
// CHECK-LABEL: func.func private @split_avoids_expression
// CHECK-SAME: %[[LO:[^:]*]]: index, %[[HI:[^:]*]]: index)
// CHECK-SAME: mpt.parallel = 64 : i64
// CHECK: scf.for %{{.*}} = %{{.*}} to %{{.*}} step
// CHECK-NEXT: scf.for %{{.*}} = %[[LO]] to %[[HI]] step
func.func private @split_avoids_expression(%x: memref<64x64xf32>, %o: memref<64x128xf32>) attributes {mpt.noalias} {
  linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (j, i * 2)>], iterator_types = ["parallel", "parallel"]} ins(%x : memref<64x64xf32>) outs(%o : memref<64x128xf32>) {
  ^bb0(%a: f32, %b: f32):
    linalg.yield %a : f32
  }
  return
}

// -----

// The output is also read, transposed: an iteration reads elements another
// writes, so the op stays serial.
// CHECK-LABEL: func.func private @negative_reads_output_transposed
// CHECK-NOT: mpt.parallel
// CHECK: linalg.generic
func.func private @negative_reads_output_transposed(%x: memref<64x64xf32>) attributes {mpt.noalias} {
  linalg.generic {indexing_maps = [affine_map<(i, j) -> (j, i)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]} ins(%x : memref<64x64xf32>) outs(%x : memref<64x64xf32>) {
  ^bb0(%a: f32, %b: f32):
    %s = arith.addf %a, %b : f32
    linalg.yield %s : f32
  }
  return
}
