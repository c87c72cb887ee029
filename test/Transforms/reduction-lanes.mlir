// mpt-vectorizable-loop-order on reductions that have no parallel output
// dimension to vectorize: the dimension read last and contiguously by every
// input is summed in 8 lane partials (lanes=8, the default), then the lanes
// go onto the output in order, then the elements past the last group of 8.
// RUN: mpt-opt %s -mpt-vectorizable-loop-order --mlir-print-local-scope | FileCheck %s
// RUN: mpt-opt %s -mpt-vectorizable-loop-order=lanes=0 | FileCheck %s --check-prefix=OFF

// OFF-COUNT-6: linalg.generic
// OFF-NOT: memref.alloc

// 20 = 2 x 8 + 4: the first 16 elements of each row as [2, 8], the lanes
// summed from -0.0, added onto %out in order; the original op on the tail.
// CHECK-LABEL: func.func @row_sum
// CHECK-DAG: %[[FULL:.*]] = memref.subview %arg0[0, 0] [4, 16] [1, 1]
// CHECK-DAG: %[[GROUPS:.*]] = memref.expand_shape %[[FULL]] {{\[}}[0], [1, 2]] output_shape [4, 2, 8]
// CHECK-DAG: %[[TAIL:.*]] = memref.subview %arg0[0, 16] [4, 4] [1, 1]
// CHECK-DAG: %[[P:.*]] = memref.alloc() : memref<4x8xf32>
// CHECK-DAG: %[[ZERO:.*]] = arith.constant -0.000000e+00 : f32
// CHECK: linalg.fill ins(%[[ZERO]] : f32) outs(%[[P]] : memref<4x8xf32>)
// CHECK: linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d2)>], iterator_types = ["parallel", "reduction", "parallel"]} ins(%[[GROUPS]] : {{.*}}) outs(%[[P]] : memref<4x8xf32>)
// CHECK: arith.addf
// CHECK: linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0)>], iterator_types = ["parallel", "reduction"]} ins(%[[P]] : memref<4x8xf32>) outs(%arg1 : memref<4xf32>)
// CHECK: memref.dealloc %[[P]]
// CHECK: linalg.generic {{.*}} ins(%[[TAIL]] : {{.*}}) outs(%arg1 : memref<4xf32>)
// CHECK-NEXT: ^bb0
// CHECK-NEXT: arith.addf
func.func @row_sum(%a: memref<4x20xf32>, %out: memref<4xf32>) {
  linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0)>], iterator_types = ["parallel", "reduction"]} ins(%a : memref<4x20xf32>) outs(%out : memref<4xf32>) {
  ^bb0(%x: f32, %o: f32):
    %s = arith.addf %o, %x : f32
    linalg.yield %s : f32
  }
  return
}

// A sum of products to a scalar over [8, 32]: the batch loop stays
// outside, 32 = 4 x 8 with no tail; a broadcast operand keeps its map.
// CHECK-LABEL: func.func @loss
// CHECK-DAG: memref.expand_shape %arg0 {{\[}}[0], [1, 2]] output_shape [8, 4, 8]
// CHECK-DAG: memref.alloc() : memref<8xf32>
// CHECK: linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> ()>, affine_map<(d0, d1, d2) -> (d2)>], iterator_types = ["reduction", "reduction", "parallel"]}
// CHECK: linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> ()>], iterator_types = ["reduction"]}
// CHECK: memref.dealloc
// CHECK-NOT: linalg.generic
// CHECK: return
func.func @loss(%a: memref<8x32xf32>, %s: memref<f32>, %out: memref<f32>) {
  linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> ()>, affine_map<(d0, d1) -> ()>], iterator_types = ["reduction", "reduction"]} ins(%a, %s : memref<8x32xf32>, memref<f32>) outs(%out : memref<f32>) {
  ^bb0(%x: f32, %y: f32, %o: f32):
    %p = arith.mulf %x, %y : f32
    %r = arith.addf %p, %o : f32
    linalg.yield %r : f32
  }
  return
}

// A maximum in f16 starts its lanes at -inf.
// CHECK-LABEL: func.func @row_max
// CHECK: arith.constant 0xFC00 : f16
// CHECK: arith.maximumf
// CHECK: arith.maximumf
func.func @row_max(%a: memref<4x16xf16>, %out: memref<4xf16>) {
  linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0)>], iterator_types = ["parallel", "reduction"]} ins(%a : memref<4x16xf16>) outs(%out : memref<4xf16>) {
  ^bb0(%x: f16, %o: f16):
    %s = arith.maximumf %o, %x : f16
    linalg.yield %s : f16
  }
  return
}

// Left alone: 15 elements (< 2 x 8); a product (no known identity here);
// a body that reads its index.
// CHECK-LABEL: func.func @not_split
// CHECK-NOT: memref.alloc
// CHECK-COUNT-3: linalg.generic
// CHECK-NOT: memref.alloc
// CHECK: return
func.func @not_split(%a: memref<4x15xf32>, %b: memref<4x32xf32>, %out: memref<4xf32>) {
  linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0)>], iterator_types = ["parallel", "reduction"]} ins(%a : memref<4x15xf32>) outs(%out : memref<4xf32>) {
  ^bb0(%x: f32, %o: f32):
    %s = arith.addf %o, %x : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0)>], iterator_types = ["parallel", "reduction"]} ins(%b : memref<4x32xf32>) outs(%out : memref<4xf32>) {
  ^bb0(%x: f32, %o: f32):
    %s = arith.mulf %o, %x : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0)>], iterator_types = ["parallel", "reduction"]} ins(%b : memref<4x32xf32>) outs(%out : memref<4xf32>) {
  ^bb0(%x: f32, %o: f32):
    %i = linalg.index 1 : index
    %c = arith.index_cast %i : index to i32
    %f = arith.sitofp %c : i32 to f32
    %m = arith.mulf %x, %f : f32
    %s = arith.addf %o, %m : f32
    linalg.yield %s : f32
  }
  return
}
