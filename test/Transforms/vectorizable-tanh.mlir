// mpt-vectorizable-tanh: a scalar f32 math.tanh becomes f64 arithmetic (no
// call left for LLVM to keep scalar), rounded once, with the input's sign;
// other types are left to the usual lowering.
// RUN: mpt-opt %s -mpt-vectorizable-tanh | FileCheck %s

// CHECK-LABEL: func.func @f32
// CHECK-NOT: math.tanh
// CHECK: %[[W:.*]] = arith.extf %arg0 : f32 to f64
// CHECK: %[[A:.*]] = math.absf %[[W]] : f64
// CHECK: arith.minimumf %[[A]], %{{.*}} : f64
// CHECK: arith.cmpf olt, %[[A]]
// CHECK: %[[S:.*]] = arith.select
// CHECK: %[[R:.*]] = arith.truncf %[[S]] : f64 to f32
// CHECK: %[[T:.*]] = math.copysign %[[R]], %arg0 : f32
// CHECK: return %[[T]]
func.func @f32(%x: f32) -> f32 {
  %t = math.tanh %x : f32
  return %t : f32
}

// CHECK-LABEL: func.func @others
// CHECK: math.tanh %{{.*}} : f64
// CHECK: math.tanh %{{.*}} : vector<4xf32>
func.func @others(%x: f64, %v: vector<4xf32>) -> (f64, vector<4xf32>) {
  %t = math.tanh %x : f64
  %u = math.tanh %v : vector<4xf32>
  return %t, %u : f64, vector<4xf32>
}
