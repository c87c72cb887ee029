// Buffers at the entry points of mpt-lower-to-cpu. The caller's buffers
// (parameters, optimizer state, batches) are read-only: a step that writes
// into an argument writes into a copy, so the runtime's training state cannot
// change behind its back. Loops that yield a new tensor per iteration
// bufferize (a fresh buffer per iteration) instead of failing.
// RUN: mpt-opt %s -split-input-file -mpt-lower-to-cpu -mlir-print-ir-after=one-shot-bufferize -o /dev/null 2>&1 | FileCheck %s

// CHECK-LABEL: func.func @insert_into_argument
// CHECK-SAME: (%[[X:[^:]*]]: memref<4xf32>, %[[V:[^:]*]]: f32)
// CHECK: %[[COPY:.*]] = memref.alloc()
// CHECK: memref.copy %[[X]], %[[COPY]]
// CHECK: memref.store %[[V]], %[[COPY]]
// CHECK-NOT: memref.store {{.*}}, %[[X]]
// CHECK: return %[[COPY]]
func.func @insert_into_argument(%x: tensor<4xf32>, %v: f32) -> tensor<4xf32> {
  %c0 = arith.constant 0 : index
  %r = tensor.insert %v into %x[%c0] : tensor<4xf32>
  return %r : tensor<4xf32>
}

// -----

// CHECK-LABEL: func.func @loop_yields_new_tensor
// CHECK: scf.for
// CHECK: scf.if
// CHECK: scf.yield
func.func @loop_yields_new_tensor(%x: tensor<4x4xf32>, %w: tensor<4x4xf32>, %n: index, %p: i1) -> tensor<4x4xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x4xf32>
  %r = scf.for %i = %c0 to %n step %c1 iter_args(%acc = %x) -> tensor<4x4xf32> {
    %f = linalg.fill ins(%z : f32) outs(%e : tensor<4x4xf32>) -> tensor<4x4xf32>
    %m = linalg.matmul ins(%acc, %w : tensor<4x4xf32>, tensor<4x4xf32>) outs(%f : tensor<4x4xf32>) -> tensor<4x4xf32>
    %s = scf.if %p -> tensor<4x4xf32> {
      %m2 = linalg.matmul ins(%m, %w : tensor<4x4xf32>, tensor<4x4xf32>) outs(%f : tensor<4x4xf32>) -> tensor<4x4xf32>
      scf.yield %m2 : tensor<4x4xf32>
    } else {
      scf.yield %m : tensor<4x4xf32>
    }
    scf.yield %s : tensor<4x4xf32>
  }
  return %r : tensor<4x4xf32>
}
