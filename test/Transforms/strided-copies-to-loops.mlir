// mpt-strided-copies-to-loops: a memref.copy whose LLVM lowering would call
// memrefCopy (a strided or dynamically shaped buffer on either side) becomes
// linalg.copy; a copy between two static contiguous buffers stays (memcpy).
// RUN: mpt-opt %s -mpt-strided-copies-to-loops | FileCheck %s

// CHECK-LABEL: func.func @contiguous_copy_stays
// CHECK: memref.copy %{{.*}}, %{{.*}} : memref<4x8xf32> to memref<4x8xf32>
// CHECK-NOT: linalg.copy
func.func @contiguous_copy_stays(%a: memref<4x8xf32>, %b: memref<4x8xf32>) {
  memref.copy %a, %b : memref<4x8xf32> to memref<4x8xf32>
  return
}

// CHECK-LABEL: func.func @strided_source
// CHECK-SAME: (%[[A:.*]]: memref<4x8xf32>, %[[B:.*]]: memref<4x4xf32>)
// CHECK: %[[S:.*]] = memref.subview %[[A]]
// CHECK-NOT: memref.copy
// CHECK: linalg.copy ins(%[[S]] : memref<4x4xf32, strided<[8, 1]>>) outs(%[[B]] : memref<4x4xf32>)
func.func @strided_source(%a: memref<4x8xf32>, %b: memref<4x4xf32>) {
  %s = memref.subview %a[0, 0] [4, 4] [1, 1] : memref<4x8xf32> to memref<4x4xf32, strided<[8, 1]>>
  memref.copy %s, %b : memref<4x4xf32, strided<[8, 1]>> to memref<4x4xf32>
  return
}

// CHECK-LABEL: func.func @strided_target
// CHECK-NOT: memref.copy
// CHECK: linalg.copy
func.func @strided_target(%a: memref<4x4xf32>, %b: memref<4x8xf32>) {
  %s = memref.subview %b[0, 4] [4, 4] [1, 1] : memref<4x8xf32> to memref<4x4xf32, strided<[8, 1], offset: 4>>
  memref.copy %a, %s : memref<4x4xf32> to memref<4x4xf32, strided<[8, 1], offset: 4>>
  return
}

// CHECK-LABEL: func.func @dynamic_shape
// CHECK-NOT: memref.copy
// CHECK: linalg.copy ins(%{{.*}} : memref<?xf32>) outs(%{{.*}} : memref<?xf32>)
func.func @dynamic_shape(%a: memref<?xf32>, %b: memref<?xf32>) {
  memref.copy %a, %b : memref<?xf32> to memref<?xf32>
  return
}
