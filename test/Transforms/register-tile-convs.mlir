// mpt-register-tile-matmuls on convolutions in the loop order of
// mpt-vectorizable-loop-order (n, oh, ow, kh, kw, c, f): the outer
// parallel loops (n, oh) stay loops, the last one before the reductions
// (ow) is tiled like a matmul's rows and the output channels (f) like its
// columns; the three reduction loops run inside the tile, in their order,
// with the accumulators carried through all of them; the input is read
// through the sums of loop indices. The weight gradient (A and B in the
// other operand order, the reductions over n, oh, ow) is tiled too.
// RUN: mpt-opt %s -mpt-register-tile-matmuls | FileCheck %s

// CHECK-LABEL: func.func @conv_nhwc
// CHECK-NOT: linalg.generic
// CHECK: scf.for %[[N:.*]] = %{{.*}} to %c2{{.*}} step %c1
// CHECK: scf.for %[[OH:.*]] = %{{.*}} to %c4{{.*}} step %c1
// Rows: one tile of 4 (ow 0-3), then ow 4 and 5 alone.
// CHECK: scf.for %[[OW:.*]] = %{{.*}} to %{{.*}} step %c4
// CHECK: scf.for %[[F:.*]] = %{{.*}} to %c8{{.*}} step %c8
// CHECK-COUNT-4: vector.load %arg2[%[[N]], %[[OH]], %{{.*}}, %[[F]]] : memref<2x4x6x8xf32>, vector<8xf32>
// CHECK: scf.for %[[KH:.*]] = %c0{{.*}} to %c3{{.*}} step %c1{{.*}} iter_args
// CHECK: scf.for %[[KW:.*]] = %c0{{.*}} to %c3{{.*}} step %c1{{.*}} iter_args
// CHECK: scf.for %[[C:.*]] = %c0{{.*}} to %c3{{.*}} step %c1{{.*}} iter_args
// CHECK: vector.load %arg1[%[[KH]], %[[KW]], %[[C]], %[[F]]]
// CHECK: %[[H:.*]] = affine.apply #{{.*}}(%[[N]], %[[OH]], %[[OW]], %[[KH]], %[[KW]], %[[C]], %[[F]])
// CHECK: %[[W:.*]] = affine.apply #{{.*}}(%[[N]], %[[OH]], %[[OW]], %[[KH]], %[[KW]], %[[C]], %[[F]])
// CHECK: memref.load %arg0[%[[N]], %[[H]], %[[W]], %[[C]]]
// CHECK: vector.broadcast
// CHECK: arith.mulf
// CHECK: arith.addf
// CHECK-COUNT-3: scf.yield
// CHECK-COUNT-4: vector.store
// CHECK: scf.for {{.*}} step %c1
// CHECK-NOT: linalg.generic
// CHECK: return
func.func @conv_nhwc(%x: memref<2x6x8x3xf32>, %w: memref<3x3x3x8xf32>, %y: memref<2x4x6x8xf32>) {
  linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d1 + d3, d2 + d4, d5)>, affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d3, d4, d5, d6)>, affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d1, d2, d6)>], iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction", "reduction", "parallel"]} ins(%x, %w : memref<2x6x8x3xf32>, memref<3x3x3x8xf32>) outs(%y : memref<2x4x6x8xf32>) {
  ^bb0(%in: f32, %in_0: f32, %out: f32):
    %0 = arith.mulf %in, %in_0 : f32
    %1 = arith.addf %out, %0 : f32
    linalg.yield %1 : f32
  }
  return
}

// The weight gradient dw[kh, kw, c, f] += x[n, oh + kh, ow + kw, c] *
// dy[n, oh, ow, f]: rows are c (the loop before the reductions), B is dy.
// CHECK-LABEL: func.func @conv_weight_gradient
// CHECK: scf.for %[[KH:.*]] = %{{.*}} to %c3{{.*}} step %c1
// CHECK: scf.for %[[KW:.*]] = %{{.*}} to %c3{{.*}} step %c1
// CHECK: scf.for %[[C:.*]] = %{{.*}} step %c4
// CHECK: scf.for %[[F:.*]] = %{{.*}} step %c16
// CHECK: scf.for {{.*}} iter_args
// CHECK: scf.for {{.*}} iter_args
// CHECK: scf.for {{.*}} iter_args
// CHECK: vector.load %arg1[
// CHECK: memref.load %arg0[
// CHECK-NOT: linalg.generic
// CHECK: return
func.func @conv_weight_gradient(%x: memref<2x6x6x4xf32>, %dy: memref<2x4x4x16xf32>, %dw: memref<3x3x4x16xf32>) {
  linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d3, d0 + d4, d1 + d5, d2)>, affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d3, d4, d5, d6)>, affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d1, d2, d6)>], iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction", "reduction", "parallel"]} ins(%x, %dy : memref<2x6x6x4xf32>, memref<2x4x4x16xf32>) outs(%dw : memref<3x3x4x16xf32>) {
  ^bb0(%in: f32, %in_0: f32, %out: f32):
    %0 = arith.mulf %in, %in_0 : f32
    %1 = arith.addf %out, %0 : f32
    linalg.yield %1 : f32
  }
  return
}

// Left alone: a reduction between parallel loops (not the loop order
// above), and B reading the row dimension.
// CHECK-LABEL: func.func @not_tiled
// CHECK-COUNT-2: linalg.generic
// CHECK-NOT: vector.load
func.func @not_tiled(%a: memref<4x6x8xf32>, %b: memref<6x8xf32>, %c: memref<4x8xf32>, %a2: memref<4x6xf32>, %b2: memref<4x6x8xf32>) {
  linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d1, d0, d2)>, affine_map<(d0, d1, d2) -> (d0, d2)>, affine_map<(d0, d1, d2) -> (d1, d2)>], iterator_types = ["reduction", "parallel", "parallel"]} ins(%a, %b : memref<4x6x8xf32>, memref<6x8xf32>) outs(%c : memref<4x8xf32>) {
  ^bb0(%in: f32, %in_0: f32, %out: f32):
    %0 = arith.mulf %in, %in_0 : f32
    %1 = arith.addf %out, %0 : f32
    linalg.yield %1 : f32
  }
  linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d2)>], iterator_types = ["parallel", "reduction", "parallel"]} ins(%a2, %b2 : memref<4x6xf32>, memref<4x6x8xf32>) outs(%c : memref<4x8xf32>) {
  ^bb0(%in: f32, %in_0: f32, %out: f32):
    %0 = arith.mulf %in, %in_0 : f32
    %1 = arith.addf %out, %0 : f32
    linalg.yield %1 : f32
  }
  return
}
