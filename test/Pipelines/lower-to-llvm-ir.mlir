// The CPU lowering translates to LLVM IR: results are out-parameters and the
// C interface takes descriptor pointers.
// RUN: mpt-opt %s -mpt-lower-to-cpu | mpt-translate --mlir-to-llvmir | FileCheck %s

// CHECK-LABEL: define void @step(
// CHECK: define void @_mlir_ciface_step(ptr %{{.*}}, ptr %{{.*}}, ptr %{{.*}})
func.func @step(%x: tensor<4xf32>, %w: tensor<4xf32>) -> tensor<4xf16> {
  %s = arith.addf %x, %w : tensor<4xf32>
  %h = mpt.cast %s : tensor<4xf32> to tensor<4xf16>
  return %h : tensor<4xf16>
}
