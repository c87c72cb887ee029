// Diagnostics of mpt-loss-scaling. After an error the pass changes nothing.
// RUN: mpt-opt %s -split-input-file -verify-diagnostics -mpt-loss-scaling=mode=dynamic

func.func @negative_two_grad_seeds(%w: tensor<f32>) -> (tensor<f32>, tensor<f32>) {
  %l = arith.constant dense<2.0> : tensor<f32>
  %loss = mpt.loss %l : tensor<f32>
  // expected-note @+1 {{the first mpt.grad_seed}}
  %s1 = mpt.grad_seed %loss : tensor<f32>
  // expected-error @+1 {{mpt-loss-scaling: a training step has one mpt.grad_seed (where the backward pass starts); this is a second one}}
  %s2 = mpt.grad_seed %loss : tensor<f32>
  %w2 = mpt.sgd %w, %s1 {lr = 0.5 : f32} : tensor<f32>
  return %w2, %s2 : tensor<f32>, tensor<f32>
}

// -----

// The seed does not reach the optimizer's gradient: nothing would be
// unscaled.
func.func @negative_seed_reaches_no_gradient(%w: tensor<f32>, %g: tensor<f32>) -> (tensor<f32>, tensor<f32>) {
  %l = arith.constant dense<2.0> : tensor<f32>
  %loss = mpt.loss %l : tensor<f32>
  // expected-error @+1 {{mpt-loss-scaling: this mpt.grad_seed reaches none of the 1 optimizer ops' gradients; is the backward pass connected to the optimizer ops?}}
  %seed = mpt.grad_seed %loss : tensor<f32>
  %w2 = mpt.sgd %w, %g {lr = 0.5 : f32} : tensor<f32>
  return %w2, %seed : tensor<f32>, tensor<f32>
}

// -----

func.func @negative_seed_without_optimizer(%x: tensor<f32>) -> tensor<f32> {
  %loss = mpt.loss %x : tensor<f32>
  // expected-error @+1 {{mpt-loss-scaling: this mpt.grad_seed reaches no optimizer op (the function has no mpt.sgd or mpt.adam), so no gradient would be unscaled and no step skipped}}
  %seed = mpt.grad_seed %loss : tensor<f32>
  return %seed : tensor<f32>
}

// -----

// A gradient that does not come from the seed is neither scaled nor
// unscaled (a warning); the other one is.
func.func @negative_gradient_not_from_seed(%a: tensor<f32>, %b: tensor<f32>, %g: tensor<f32>) -> (tensor<f32>, tensor<f32>) {
  %l = arith.constant dense<2.0> : tensor<f32>
  %loss = mpt.loss %l : tensor<f32>
  %seed = mpt.grad_seed %loss : tensor<f32>
  %a2 = mpt.sgd %a, %seed {lr = 0.5 : f32} : tensor<f32>
  // expected-warning @+1 {{mpt-loss-scaling: the gradient of this optimizer op does not depend on mpt.grad_seed, so it is neither scaled nor unscaled (the op still skips overflow steps)}}
  %b2 = mpt.sgd %b, %g {lr = 0.5 : f32} : tensor<f32>
  return %a2, %b2 : tensor<f32>, tensor<f32>
}

// -----

func.func @negative_found_inf_given(%w: tensor<f32>, %f: tensor<i1>) -> tensor<f32> {
  %l = arith.constant dense<2.0> : tensor<f32>
  %loss = mpt.loss %l : tensor<f32>
  %seed = mpt.grad_seed %loss : tensor<f32>
  // expected-error @+1 {{mpt-loss-scaling: optimizer op already has a found_inf operand; the pass adds it}}
  %w2 = mpt.sgd %w, %seed found_inf(%f) {lr = 0.5 : f32} : tensor<f32>
  return %w2 : tensor<f32>
}

// -----

// expected-error @+1 {{mpt-loss-scaling: an argument is already named "loss_scale.scale"}}
func.func @negative_scale_name_taken(%w: tensor<f32>, %s: tensor<f32> {mpt.name = "loss_scale.scale"}) -> tensor<f32> {
  %l = arith.constant dense<2.0> : tensor<f32>
  %loss = mpt.loss %l : tensor<f32>
  %seed = mpt.grad_seed %loss : tensor<f32>
  %w2 = mpt.sgd %w, %seed {lr = 0.5 : f32} : tensor<f32>
  return %w2 : tensor<f32>
}

// -----

// expected-error @+1 {{mpt-loss-scaling: result #1 is already named "found_inf"}}
func.func @negative_found_inf_name_taken(%w: tensor<f32>) -> (tensor<f32>, tensor<f32> {mpt.name = "found_inf"}) {
  %l = arith.constant dense<2.0> : tensor<f32>
  %loss = mpt.loss %l : tensor<f32>
  %seed = mpt.grad_seed %loss : tensor<f32>
  %w2 = mpt.sgd %w, %seed {lr = 0.5 : f32} : tensor<f32>
  return %w2, %loss : tensor<f32>, tensor<f32>
}

// -----

func.func @negative_optimizer_before_gradient_used_early(%a: tensor<f32>, %b: tensor<f32>) -> (tensor<f32>, tensor<f32>) {
  %l = arith.constant dense<2.0> : tensor<f32>
  %loss = mpt.loss %l : tensor<f32>
  %seed = mpt.grad_seed %loss : tensor<f32>
  // expected-error @+1 {{mpt-loss-scaling: this optimizer op runs before the last gradient is computed and its results are used before that, so the step's one unscale-and-check cannot precede it}}
  %a2 = mpt.sgd %a, %seed {lr = 0.5 : f32} : tensor<f32>
  // The second gradient reads the updated first parameter.
  // expected-note @+1 {{the last gradient}}
  %gb = arith.mulf %a2, %seed : tensor<f32>
  %b2 = mpt.sgd %b, %gb {lr = 0.5 : f32} : tensor<f32>
  return %a2, %b2 : tensor<f32>, tensor<f32>
}
