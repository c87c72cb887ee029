// mpt-lower-to-cpu widens the f16 operands of a contraction to f32 copies
// before bufferization (mpt-widen-contraction-operands): the op reads two
// f32 buffers made by elementwise extf loops, and its own body multiplies
// f32 values without converting anything.
// RUN: mpt-opt %s -mpt-lower-to-cpu -mlir-print-ir-after=mpt-outline-linalg-ops -o %t.mlir 2>&1 | FileCheck %s

// CHECK-LABEL: IR Dump After MPTOutlineLinalgOps
// CHECK-LABEL: func.func @matmul_f16(
// CHECK-DAG: call @[[EXTA:__mpt_op[0-9]+]](%arg0, %{{.*}}) : (memref<4x16xf16>, memref<4x16xf32>) -> ()
// CHECK-DAG: call @[[EXTB:__mpt_op[0-9]+]](%arg1, %{{.*}}) : (memref<16x8xf16>, memref<16x8xf32>) -> ()
// CHECK: call @[[MM:__mpt_op[0-9]+]](%{{.*}}, %{{.*}}, %arg2) : (memref<4x16xf32>, memref<16x8xf32>, memref<4x8xf32>) -> ()
// CHECK-DAG: func.func private @[[EXTA]](
// CHECK-DAG: func.func private @[[EXTB]](
// CHECK: func.func private @[[MM]](
// CHECK-NEXT: linalg.generic
// CHECK-NEXT: ^bb0(%{{.*}}: f32, %{{.*}}: f32, %{{.*}}: f32):
// CHECK-NEXT: arith.mulf
// CHECK-NEXT: arith.addf
func.func @matmul_f16(%a: tensor<4x16xf16>, %b: tensor<16x8xf16>) -> tensor<4x8xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x8xf32>
  %c = linalg.fill ins(%zero : f32) outs(%e : tensor<4x8xf32>) -> tensor<4x8xf32>
  %0 = linalg.matmul ins(%a, %b : tensor<4x16xf16>, tensor<16x8xf16>) outs(%c : tensor<4x8xf32>) -> tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}
