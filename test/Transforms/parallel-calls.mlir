// mpt-parallel-calls: a call of the whole range (0, n) of a function marked
// mpt.parallel = n stores the arguments in a struct on the caller's stack
// (allocated once per caller, in its entry block) and calls the runtime's
// hook with a generated task that loads them and calls the function on the
// range it is given. Other calls, and unmarked functions, are untouched.
// RUN: mpt-opt %s -mpt-parallel-calls | FileCheck %s

// CHECK-LABEL: llvm.func @step
// CHECK-SAME: (%[[P:.*]]: !llvm.ptr, %[[X:.*]]: f32)
// CHECK: %[[ONE:.*]] = llvm.mlir.constant(1 : i64) : i64
// CHECK: %[[ARGS:.*]] = llvm.alloca %[[ONE]] x !llvm.struct<(ptr, f32)>
// CHECK: %[[N:.*]] = llvm.mlir.constant(64 : index) : i64
// CHECK: %[[F0:.*]] = llvm.getelementptr %[[ARGS]][0, 0]
// CHECK: llvm.store %[[P]], %[[F0]] : !llvm.ptr, !llvm.ptr
// CHECK: %[[F1:.*]] = llvm.getelementptr %[[ARGS]][0, 1]
// CHECK: llvm.store %[[X]], %[[F1]] : f32, !llvm.ptr
// CHECK: %[[TASK:.*]] = llvm.mlir.addressof @op.task : !llvm.ptr
// CHECK: llvm.call @mpt_rt_parallel_for(%[[TASK]], %[[ARGS]], %[[N]])
// The second call reuses the struct.
// CHECK-NOT: llvm.alloca
// CHECK: llvm.call @mpt_rt_parallel_for(%{{.*}}, %[[ARGS]], %[[N]])
// A call of part of the range stays a direct call.
// CHECK: llvm.call @op(%[[P]], %[[X]], %{{.*}}, %{{.*}}) : (!llvm.ptr, f32, i64, i64) -> ()
// CHECK: llvm.call @other(%[[P]])
// CHECK: llvm.return
llvm.func @step(%p: !llvm.ptr, %x: f32) {
  %zero = llvm.mlir.constant(0 : index) : i64
  %n = llvm.mlir.constant(64 : index) : i64
  %half = llvm.mlir.constant(32 : index) : i64
  llvm.call @op(%p, %x, %zero, %n) : (!llvm.ptr, f32, i64, i64) -> ()
  llvm.call @op(%p, %x, %zero, %n) : (!llvm.ptr, f32, i64, i64) -> ()
  llvm.call @op(%p, %x, %zero, %half) : (!llvm.ptr, f32, i64, i64) -> ()
  llvm.call @other(%p) : (!llvm.ptr) -> ()
  llvm.return
}

// CHECK-LABEL: llvm.func internal @op(
// CHECK-NOT: mpt.parallel
llvm.func internal @op(%p: !llvm.ptr, %x: f32, %lo: i64, %hi: i64) attributes {mpt.parallel = 64 : i64} {
  llvm.return
}

// CHECK-LABEL: llvm.func internal @op.task(
// CHECK-SAME: %[[CTX:.*]]: !llvm.ptr, %[[LO:.*]]: i64, %[[HI:.*]]: i64)
// CHECK: %[[G0:.*]] = llvm.getelementptr %[[CTX]][0, 0] : (!llvm.ptr) -> !llvm.ptr, !llvm.struct<(ptr, f32)>
// CHECK: %[[V0:.*]] = llvm.load %[[G0]] : !llvm.ptr -> !llvm.ptr
// CHECK: %[[G1:.*]] = llvm.getelementptr %[[CTX]][0, 1]
// CHECK: %[[V1:.*]] = llvm.load %[[G1]] : !llvm.ptr -> f32
// CHECK: llvm.call @op(%[[V0]], %[[V1]], %[[LO]], %[[HI]])
// CHECK: llvm.return

// CHECK-LABEL: llvm.func @other(
llvm.func @other(%p: !llvm.ptr) {
  llvm.return
}

// CHECK: llvm.func @mpt_rt_parallel_for(!llvm.ptr, !llvm.ptr, i64)
