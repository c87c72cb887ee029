// mpt-i1-memory-as-bytes: scalar i1 loads become i8 loads (same address,
// alignment) and a truncation; i1 stores store the zero extension to i8;
// other loads and stores, and vectors of i1, are left alone.
// RUN: mpt-opt %s -mpt-i1-memory-as-bytes | FileCheck %s

// CHECK-LABEL: llvm.func @mask
// CHECK: %[[B:.*]] = llvm.load %arg0 {alignment = 1 : i64} : !llvm.ptr -> i8
// CHECK-NEXT: %[[M:.*]] = llvm.trunc %[[B]] : i8 to i1
// CHECK-NEXT: %[[X:.*]] = llvm.load %arg1 : !llvm.ptr -> f32
// CHECK: %[[S:.*]] = llvm.select %[[M]], %[[X]]
// CHECK: %[[C:.*]] = llvm.fcmp "ogt" %[[S]]
// CHECK-NEXT: %[[Z:.*]] = llvm.zext %[[C]] : i1 to i8
// CHECK-NEXT: llvm.store %[[Z]], %arg2 : i8, !llvm.ptr
// CHECK-NEXT: %[[V:.*]] = llvm.load %arg3 : !llvm.ptr -> vector<8xi1>
// CHECK-NEXT: llvm.store %[[V]], %arg3 : vector<8xi1>, !llvm.ptr
llvm.func @mask(%m: !llvm.ptr, %x: !llvm.ptr, %out: !llvm.ptr, %v: !llvm.ptr) {
  %bit = llvm.load %m {alignment = 1 : i64} : !llvm.ptr -> i1
  %xv = llvm.load %x : !llvm.ptr -> f32
  %zero = llvm.mlir.constant(0.0 : f32) : f32
  %s = llvm.select %bit, %xv, %zero : i1, f32
  %c = llvm.fcmp "ogt" %s, %zero : f32
  llvm.store %c, %out : i1, !llvm.ptr
  %vec = llvm.load %v : !llvm.ptr -> vector<8xi1>
  llvm.store %vec, %v : vector<8xi1>, !llvm.ptr
  llvm.return
}
