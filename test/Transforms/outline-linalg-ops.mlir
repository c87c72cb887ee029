// mpt-outline-linalg-ops: each linalg op on buffers becomes a call to a
// private noinline function; equal ops (same body, types and constants)
// share one; constants used by the op are recreated inside; a function
// whose written buffer does not overlap its other buffers at its calls is
// marked mpt.noalias.
// RUN: mpt-opt %s -mpt-outline-linalg-ops | FileCheck %s

// CHECK-LABEL: func.func @step
// CHECK-SAME: (%[[A:.*]]: memref<8xf32>, %[[B:.*]]: memref<8xf32>, %[[C:.*]]: memref<8xf32>, %[[D:.*]]: memref<16xf32>)
// CHECK: %[[T:.*]] = memref.alloc() : memref<8xf32>
// CHECK: call @[[FILL:__mpt_op[0-9]+]](%[[T]]) : (memref<8xf32>) -> ()
// CHECK: call @[[ADD:__mpt_op[0-9]+]](%[[A]], %[[T]], %[[C]])
// CHECK: call @[[ADD]](%[[B]], %[[A]], %[[C]])
// CHECK: %[[V:.*]] = memref.subview %[[D]][0] [8] [1]
// CHECK: call @[[ALIASED:__mpt_op[0-9]+]](%[[D]], %[[V]])
// CHECK-NOT: linalg.
// CHECK: return
func.func @step(%a: memref<8xf32>, %b: memref<8xf32>, %c: memref<8xf32>, %d: memref<16xf32>) {
  %zero = arith.constant 0.0 : f32
  %t = memref.alloc() : memref<8xf32>
  linalg.fill ins(%zero : f32) outs(%t : memref<8xf32>)
  linalg.add ins(%a, %t : memref<8xf32>, memref<8xf32>) outs(%c : memref<8xf32>)
  linalg.add ins(%b, %a : memref<8xf32>, memref<8xf32>) outs(%c : memref<8xf32>)
  // Reads %d and writes a view of it: the arguments may overlap.
  %v = memref.subview %d[0] [8] [1] : memref<16xf32> to memref<8xf32, strided<[1]>>
  linalg.generic {indexing_maps = [affine_map<(i) -> (i + 8)>, affine_map<(i) -> (i)>], iterator_types = ["parallel"]} ins(%d : memref<16xf32>) outs(%v : memref<8xf32, strided<[1]>>) {
  ^bb0(%x: f32, %o: f32):
    linalg.yield %x : f32
  }
  memref.dealloc %t : memref<8xf32>
  return
}

// CHECK: func.func private @[[FILL]](%[[O:.*]]: memref<8xf32>) attributes {llvm.linkage = #llvm.linkage<internal>, mpt.noalias, passthrough = ["noinline"]}
// CHECK-NEXT: %[[Z:.*]] = arith.constant 0.000000e+00 : f32
// CHECK-NEXT: linalg.fill ins(%[[Z]] : f32) outs(%[[O]] : memref<8xf32>)
// CHECK: func.func private @[[ADD]]({{.*}}) attributes {llvm.linkage = #llvm.linkage<internal>, mpt.noalias, passthrough = ["noinline"]}
// CHECK-NEXT: linalg.add
// CHECK: func.func private @[[ALIASED]]({{.*}}) attributes {llvm.linkage = #llvm.linkage<internal>, passthrough = ["noinline"]}
// CHECK-NEXT: linalg.generic
