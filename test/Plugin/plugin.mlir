// Stock mlir-opt-22 loads mpt as a plugin: the dialect parses and folds, and
// mpt's passes and pipelines run (reached through --pass-pipeline: plugin
// passes are registered after the command line is parsed).
// REQUIRES: stock-mlir-opt
// RUN: %stock_mlir_opt %s --load-dialect-plugin=%mpt_plugin --load-pass-plugin=%mpt_plugin --pass-pipeline='builtin.module(canonicalize)' | FileCheck %s
// RUN: %stock_mlir_opt %S/../Transforms/Inputs/mlp_train_step.mlir --load-dialect-plugin=%mpt_plugin --load-pass-plugin=%mpt_plugin --pass-pipeline='builtin.module(mpt-autocast{precision=bf16 summary=false})' | FileCheck %s --check-prefix=AUTOCAST
// RUN: %stock_mlir_opt %S/../Transforms/Inputs/mlp_train_step.mlir --load-dialect-plugin=%mpt_plugin --load-pass-plugin=%mpt_plugin --pass-pipeline='builtin.module(mpt-mixed-precision{summary=false})' | FileCheck %s --check-prefix=PIPELINE
// RUN: %stock_mlir_opt %S/../Transforms/Inputs/mlp_train_step.mlir --load-dialect-plugin=%mpt_plugin --load-pass-plugin=%mpt_plugin --pass-pipeline='builtin.module(mpt-mixed-precision{summary=false},mpt-lower-to-cuda)' | FileCheck %s --check-prefix=CUDA

// AUTOCAST-LABEL: func.func @train_step
// AUTOCAST: linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<4x64xbf16>, tensor<64x16xbf16>) outs(%{{.*}} : tensor<4x16xf32>)

// PIPELINE-LABEL: func.func @train_step
// PIPELINE: mpt.fused_matmul
// PIPELINE: mpt.unscale_and_check
// PIPELINE: mpt.update_scale

// The GPU pipeline from the plugin: launches on the host, PTX for sm_80.
// CUDA-LABEL: func.func @train_step
// CUDA: gpu.launch_func
// CUDA: gpu.binary @mpt_kernels [#gpu.object<#nvvm.target<O = 3, chip = "sm_80"
// CUDA-SAME: .visible .entry

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
