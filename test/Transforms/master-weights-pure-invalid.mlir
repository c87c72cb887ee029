// Diagnostics of mpt-master-weights{fp32-masters=false}.
// RUN: mpt-opt %s -split-input-file -verify-diagnostics -mpt-master-weights=fp32-masters=false

// Nothing says which low-precision type to store the parameter in.
func.func @negative_pure_without_low_type(%w: tensor<3xf32>, %g: tensor<3xf32>) -> tensor<3xf32> {
  // expected-error @+1 {{mpt-master-weights: fp32-masters=false cannot tell which low-precision type to store parameter #0 in (nothing in the function is f16 or bf16); set precision=f16 or precision=bf16}}
  %w2 = mpt.sgd %w, %g {lr = 0.1 : f32} : tensor<3xf32>
  return %w2 : tensor<3xf32>
}

// -----

// The pure form starts from the FP32 input, not from a step that already
// has working copies.
func.func @negative_pure_after_working_copy(%w: tensor<3xf32>, %g: tensor<3xf16>) -> (tensor<3xf32>, tensor<3xf16>) {
  // expected-error @+1 {{mpt-master-weights: fp32-masters=false needs the FP32 input form, but this op already writes a working copy}}
  %w2, %c = mpt.sgd %w, %g {lr = 0.1 : f32} : tensor<3xf32>, tensor<3xf16> -> tensor<3xf16>
  return %w2, %c : tensor<3xf32>, tensor<3xf16>
}

// -----

// The step returns a clamped parameter, not the optimizer's result: storing
// the optimizer's result in low precision would drop the clamp.
func.func @negative_pure_post_update(%w: tensor<3xf32>, %g: tensor<3xf16>) -> tensor<3xf32> {
  %wh = mpt.cast %w : tensor<3xf32> to tensor<3xf16>
  // expected-error @+1 {{mpt-master-weights: fp32-masters=false stores the optimizer's new value of parameter #0 in low precision, but the step returns something else for it (or nothing); return the optimizer op's result}}
  %w2 = mpt.sgd %w, %g {lr = 0.1 : f32} : tensor<3xf32>, tensor<3xf16>
  %one = arith.constant dense<1.0> : tensor<3xf32>
  %w3 = arith.minimumf %w2, %one : tensor<3xf32>
  return %w3 : tensor<3xf32>
}
