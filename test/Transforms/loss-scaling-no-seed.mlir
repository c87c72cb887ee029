// Without a grad seed there is nothing to scale: warnings, graph unchanged.
// RUN: mpt-opt %s -split-input-file -verify-diagnostics -mpt-loss-scaling=mode=dynamic
// RUN: mpt-opt %s -split-input-file -mpt-loss-scaling=mode=dynamic 2>/dev/null | FileCheck %s

// CHECK-LABEL: func.func @negative_no_seed_anywhere
// CHECK-SAME: (%{{[^:]*}}: tensor<f32>) -> tensor<f32>
// CHECK-NEXT: return
// expected-warning @+1 {{mpt-loss-scaling: no mpt.grad_seed in the module, so there is no backward pass to scale; nothing was changed}}
func.func @negative_no_seed_anywhere(%x: tensor<f32>) -> tensor<f32> {
  return %x : tensor<f32>
}

// -----

// CHECK-LABEL: func.func @ls_scaled
// CHECK: mpt.unscale_and_check
// CHECK-LABEL: func.func @negative_optimizer_without_seed
// CHECK-SAME: (%[[W:[^:]*]]: tensor<f32>, %[[G:[^:]*]]: tensor<f32>) -> tensor<f32>
// CHECK-NEXT: mpt.sgd %[[W]], %[[G]] {lr = 5.000000e-01 : f32} : tensor<f32>
func.func @ls_scaled(%w: tensor<f32>) -> tensor<f32> {
  %l = arith.constant dense<2.0> : tensor<f32>
  %loss = mpt.loss %l : tensor<f32>
  %seed = mpt.grad_seed %loss : tensor<f32>
  %w2 = mpt.sgd %w, %seed {lr = 0.5 : f32} : tensor<f32>
  return %w2 : tensor<f32>
}
// expected-warning @+1 {{mpt-loss-scaling: 'negative_optimizer_without_seed' has optimizer ops but no mpt.grad_seed, so its gradients cannot be scaled; the function is left unchanged}}
func.func @negative_optimizer_without_seed(%w: tensor<f32>, %g: tensor<f32>) -> tensor<f32> {
  %w2 = mpt.sgd %w, %g {lr = 0.5 : f32} : tensor<f32>
  return %w2 : tensor<f32>
}
