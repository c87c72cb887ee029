// RUN: mpt-opt %s -split-input-file -pass-pipeline='builtin.module(gpu.module(mpt-expand-device-math))' -verify-diagnostics | FileCheck %s

// Transcendental functions become arithmetic (no libdevice call remains);
// what PTX has as instructions becomes a generic LLVM intrinsic call (not the
// LLVM dialect's intrinsic ops, which convert-gpu-to-nvvm maps to libdevice);
// f16 math computes in f32 and rounds once.
// CHECK-LABEL: gpu.func @math
// CHECK-NOT: math.exp
// CHECK-NOT: math.log
// CHECK-NOT: math.tanh
// CHECK-NOT: math.rsqrt
// CHECK: llvm.call_intrinsic "llvm.sqrt.f32"
// CHECK: llvm.call_intrinsic "llvm.fabs.f32"
// CHECK: arith.extf %{{.*}} : f16 to f32
// CHECK: arith.truncf %{{.*}} : f32 to f16
// CHECK-NOT: math.
// CHECK: gpu.return
gpu.module @m {
  gpu.func @math(%x: f32, %h: f16, %out: memref<8xf32>, %hout: memref<f16>) kernel {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c2 = arith.constant 2 : index
    %c3 = arith.constant 3 : index
    %c4 = arith.constant 4 : index
    %c5 = arith.constant 5 : index
    %0 = math.exp %x : f32
    %1 = math.log %x : f32
    %2 = math.tanh %x : f32
    %3 = math.rsqrt %x : f32
    %4 = math.sqrt %x : f32
    %5 = math.absf %x : f32
    %6 = math.exp %h : f16
    memref.store %0, %out[%c0] : memref<8xf32>
    memref.store %1, %out[%c1] : memref<8xf32>
    memref.store %2, %out[%c2] : memref<8xf32>
    memref.store %3, %out[%c3] : memref<8xf32>
    memref.store %4, %out[%c4] : memref<8xf32>
    memref.store %5, %out[%c5] : memref<8xf32>
    memref.store %6, %hout[] : memref<f16>
    gpu.return
  }
}

// -----

gpu.module @m {
  gpu.func @unsupported(%x: i32, %out: memref<i32>) kernel {
    // expected-error @+1 {{'math.ctlz' has no GPU lowering without libdevice}}
    %0 = math.ctlz %x : i32
    memref.store %0, %out[] : memref<i32>
    gpu.return
  }
}
