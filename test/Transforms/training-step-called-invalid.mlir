// mpt-master-weights and mpt-loss-scaling add arguments and results to a
// training step; a step that another function calls would leave that call
// wrong, so both passes refuse it and say where it is called.
// RUN: mpt-opt %s -mpt-master-weights -verify-diagnostics -o /dev/null
// RUN: not mpt-opt %s -mpt-loss-scaling=mode=dynamic 2>&1 | FileCheck %s --check-prefix=LS

// LS: error: mpt-loss-scaling: training step 'train_step' is referenced by another op (a call)
// LS: note: referenced here

// expected-error @below {{mpt-master-weights: training step 'train_step' is referenced by another op (a call); the pass changes its signature, so it must be an entry point the runtime calls: inline it into its caller or call it from the host}}
func.func @train_step(%w: tensor<4xf32>, %x: tensor<4xf16>) -> (tensor<4xf32>, tensor<f32>) {
  %wh = mpt.cast %w : tensor<4xf32> to tensor<4xf16>
  %z = arith.constant 0.0 : f32
  %p = arith.mulf %wh, %x : tensor<4xf16>
  %pf = mpt.cast %p : tensor<4xf16> to tensor<4xf32>
  %e0 = tensor.empty() : tensor<f32>
  %f0 = linalg.fill ins(%z : f32) outs(%e0 : tensor<f32>) -> tensor<f32>
  %s = linalg.reduce ins(%pf : tensor<4xf32>) outs(%f0 : tensor<f32>) dimensions = [0]
    (%a: f32, %b: f32) {
      %t = arith.addf %a, %b : f32
      linalg.yield %t : f32
    }
  %l = mpt.loss %s : tensor<f32>
  %seed = mpt.grad_seed %l : tensor<f32>
  %e4 = tensor.empty() : tensor<4xf32>
  %gs = linalg.broadcast ins(%seed : tensor<f32>) outs(%e4 : tensor<4xf32>) dimensions = [0]
  %gsh = mpt.cast %gs : tensor<4xf32> to tensor<4xf16>
  %gw = arith.mulf %gsh, %x : tensor<4xf16>
  %w2 = mpt.sgd %w, %gw {lr = 0.1 : f32} : tensor<4xf32>, tensor<4xf16>
  return %w2, %l : tensor<4xf32>, tensor<f32>
}

func.func @driver(%w: tensor<4xf32>, %x: tensor<4xf16>) -> tensor<4xf32> {
  // expected-note @below {{referenced here}}
  %w2, %l = func.call @train_step(%w, %x) : (tensor<4xf32>, tensor<4xf16>) -> (tensor<4xf32>, tensor<f32>)
  return %w2 : tensor<4xf32>
}
