// mpt-outline-linalg-ops with wide-vector-lanes=16 (AVX-512): an outlined
// op whose innermost loop runs a multiple of 16 iterations, at least 64,
// asks LLVM for 512-bit vectors; others (8 or 16 channels innermost) keep
// LLVM's preference.
// RUN: mpt-opt %s -mpt-outline-linalg-ops=wide-vector-lanes=16 | FileCheck %s
// RUN: mpt-opt %s -mpt-outline-linalg-ops | FileCheck %s --check-prefix=DEFAULT

// CHECK-LABEL: func.func @step
// CHECK: call @[[LONG:__mpt_op[0-9]+]](
// CHECK: call @[[SHORT:__mpt_op[0-9]+]](
// CHECK: call @[[SIXTEEN:__mpt_op[0-9]+]](
// CHECK: func.func private @[[LONG]]({{.*}}) attributes {{{.*}}passthrough = ["noinline", ["prefer-vector-width", "512"]]}
// CHECK: func.func private @[[SHORT]]({{.*}}) attributes {{{.*}}passthrough = ["noinline"]}
// DEFAULT-NOT: prefer-vector-width
// CHECK: func.func private @[[SIXTEEN]]({{.*}}) attributes {{{.*}}passthrough = ["noinline"]}
func.func @step(%a: memref<4x64xf32>, %b: memref<4x64xf32>, %c: memref<32x8xf32>, %d: memref<32x8xf32>,
                %e: memref<32x16xf32>, %f: memref<32x16xf32>) {
  linalg.add ins(%a, %a : memref<4x64xf32>, memref<4x64xf32>) outs(%b : memref<4x64xf32>)
  linalg.add ins(%c, %c : memref<32x8xf32>, memref<32x8xf32>) outs(%d : memref<32x8xf32>)
  linalg.add ins(%e, %e : memref<32x16xf32>, memref<32x16xf32>) outs(%f : memref<32x16xf32>)
  return
}
