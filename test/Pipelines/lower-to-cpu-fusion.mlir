// mpt-lower-to-cpu fuses elementwise chains (mpt-fuse-elementwise): a chain
// of three elementwise ops becomes one outlined function with one loop nest
// that loads the inputs once, computes the three ops in order and stores
// once, with no temporary buffer in the step; a product that two ops read
// is computed once, into a buffer both read. An f16 chain still rounds
// after every op (truncf then extf between the product and the sum). With
// fuse-elementwise=false (UNFUSED) every op is a function of its own, and
// the chain makes three passes over the result buffer (updated in place).
// RUN: mpt-opt %s -mpt-lower-to-cpu -mlir-print-ir-before=convert-scf-to-cf -o %t.mlir 2>&1 | FileCheck %s
// RUN: mpt-opt %s -mpt-lower-to-cpu=fuse-elementwise=false -mlir-print-ir-before=convert-scf-to-cf -o %t.unfused.mlir 2>&1 | FileCheck %s --check-prefix=UNFUSED

// CHECK-LABEL: IR Dump Before SCFToControlFlowPass

// CHECK-LABEL: func.func @chain(
// CHECK-NOT: memref.alloc
// CHECK: call @[[$CHAIN:__mpt_op[0-9]+]](%arg0, %arg1, %arg2, %arg3)
// CHECK-NOT: call
// CHECK: return
// UNFUSED-LABEL: func.func @chain(
// UNFUSED: call @__mpt_op{{[0-9]+}}(%arg0, %arg1, %arg3)
// UNFUSED-NEXT: call @__mpt_op{{[0-9]+}}(%arg3, %arg2)
// UNFUSED-NEXT: call @__mpt_op{{[0-9]+}}(%arg3, %{{.*}})
// UNFUSED-NEXT: return

// CHECK-LABEL: func.func @shared(
// CHECK: %[[P:.*]] = memref.alloc
// CHECK-NEXT: call @[[$MUL:__mpt_op[0-9]+]](%arg0, %arg1, %[[P]])
// CHECK-NEXT: call @[[$ADD:__mpt_op[0-9]+]](%[[P]], %arg0, %arg2)
// CHECK-NEXT: call @[[$SUB:__mpt_op[0-9]+]](%[[P]], %arg1, %arg3)
// CHECK-NEXT: memref.dealloc %[[P]]

// CHECK-LABEL: func.func @f16_chain(
// CHECK-NOT: memref.alloc
// CHECK: call @[[$F16:__mpt_op[0-9]+]](%arg0, %arg1, %arg2, %arg3)
// CHECK-NOT: call
// CHECK: return

// CHECK: func.func private @[[$CHAIN]](
// CHECK: scf.for %[[I:.*]] = %c0 to %c4
// CHECK-NEXT: scf.for %[[J:.*]] = %c0 to %c8
// CHECK-NEXT: %[[A:.*]] = memref.load %arg0[%[[I]], %[[J]]]
// CHECK-NEXT: %[[B:.*]] = memref.load %arg1[%[[I]], %[[J]]]
// CHECK-NEXT: %[[C:.*]] = memref.load %arg2[%[[I]], %[[J]]]
// CHECK-NEXT: %[[M:.*]] = arith.mulf %[[A]], %[[B]] : f32
// CHECK-NEXT: %[[S:.*]] = arith.addf %[[M]], %[[C]] : f32
// CHECK: arith.cmpf ugt, %[[S]]
// CHECK: memref.store %{{.*}}, %arg3[%[[I]], %[[J]]]
// CHECK-NEXT: }
// CHECK-NEXT: }
// CHECK-NEXT: return

// The product once, then the two ops that read it, each on its own.
// CHECK: func.func private @[[$MUL]](
// CHECK: arith.mulf
// CHECK-NOT: arith.addf
// CHECK: func.func private @[[$ADD]](
// CHECK-NOT: arith.mulf
// CHECK: arith.addf
// CHECK: func.func private @[[$SUB]](
// CHECK-NOT: arith.mulf
// CHECK: arith.subf

// CHECK: func.func private @[[$F16]](
// CHECK: scf.for
// CHECK-NOT: scf.for
// CHECK: %[[M:.*]] = arith.mulf
// CHECK-NEXT: %[[MH:.*]] = arith.truncf %[[M]] : f32 to f16
// CHECK-NEXT: %[[MW:.*]] = arith.extf %[[MH]] : f16 to f32
// CHECK-NEXT: %[[S:.*]] = arith.addf %[[MW]], %{{.*}} : f32
// CHECK-NEXT: %[[SH:.*]] = arith.truncf %[[S]] : f32 to f16
// CHECK-NEXT: memref.store %[[SH]]

func.func @chain(%a: tensor<4x8xf32>, %b: tensor<4x8xf32>, %c: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %zero = arith.constant dense<0.0> : tensor<4x8xf32>
  %m = arith.mulf %a, %b : tensor<4x8xf32>
  %s = arith.addf %m, %c : tensor<4x8xf32>
  %r = arith.maximumf %s, %zero : tensor<4x8xf32>
  return %r : tensor<4x8xf32>
}

func.func @shared(%a: tensor<4x8xf32>, %b: tensor<4x8xf32>) -> (tensor<4x8xf32>, tensor<4x8xf32>) {
  %p = arith.mulf %a, %b : tensor<4x8xf32>
  %u = arith.addf %p, %a : tensor<4x8xf32>
  %v = arith.subf %p, %b : tensor<4x8xf32>
  return %u, %v : tensor<4x8xf32>, tensor<4x8xf32>
}

func.func @f16_chain(%a: tensor<16xf16>, %b: tensor<16xf16>, %c: tensor<16xf16>) -> tensor<16xf16> {
  %m = arith.mulf %a, %b : tensor<16xf16>
  %s = arith.addf %m, %c : tensor<16xf16>
  return %s : tensor<16xf16>
}
