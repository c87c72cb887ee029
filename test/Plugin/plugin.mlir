// Stock mlir-opt-22 loads mpt as a plugin: the dialect parses and folds.
// REQUIRES: stock-mlir-opt
// RUN: %stock_mlir_opt %s --load-dialect-plugin=%mpt_plugin --load-pass-plugin=%mpt_plugin --pass-pipeline='builtin.module(canonicalize)' | FileCheck %s

// CHECK-LABEL: func.func @plugin_dialect
// CHECK-SAME: (%[[X:[^:]*]]: tensor<4xf16>
// CHECK-NEXT: %[[L:.*]] = mpt.loss
// CHECK-NEXT: return %[[X]], %[[L]]
func.func @plugin_dialect(%x: tensor<4xf16>, %l: tensor<f32>) -> (tensor<4xf16>, tensor<f32>) {
  %0 = mpt.cast %x : tensor<4xf16> to tensor<4xf32>
  %1 = mpt.cast %0 : tensor<4xf32> to tensor<4xf16>
  %loss = mpt.loss %l : tensor<f32>
  return %1, %loss : tensor<4xf16>, tensor<f32>
}
