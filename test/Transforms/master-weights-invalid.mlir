// Diagnostics of mpt-master-weights. After an error the pass changes nothing
// (every function is checked before any is edited).
// RUN: mpt-opt %s -split-input-file -verify-diagnostics -mpt-master-weights

// A parameter must be a function argument: here the optimizer updates a
// value computed inside the step, which the runtime cannot carry over.
func.func @negative_param_not_an_argument(%w: tensor<4xf32>, %g: tensor<4xf32>) -> tensor<4xf32> {
  // expected-note @+1 {{the parameter is defined here}}
  %p = arith.addf %w, %w : tensor<4xf32>
  // expected-error @+1 {{mpt-master-weights: the parameter operand must be an argument of the function (a parameter the runtime keeps between steps); this one is computed inside the step}}
  %p2 = mpt.sgd %p, %g {lr = 0.1 : f32} : tensor<4xf32>
  return %p2 : tensor<4xf32>
}

// -----

// An optimizer op on an integer tensor is rejected by the op verifier.
func.func @negative_optimizer_on_integers(%w: tensor<4xi32>, %g: tensor<4xi32>) -> tensor<4xi32> {
  // expected-error @+1 {{operand #0 must be ranked tensor of 16-bit float or bfloat16 type or 32-bit float values, but got 'tensor<4xi32>'}}
  %w2 = "mpt.sgd"(%w, %g) <{lr = 0.1 : f32, operandSegmentSizes = array<i32: 1, 1, 0, 0, 0>, resultSegmentSizes = array<i32: 1, 0, 0>}> : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi32>
  return %w2 : tensor<4xi32>
}

// -----

func.func @negative_param_updated_twice(%w: tensor<4xf32> {mpt.name = "w"}, %g: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  // expected-note @+1 {{first update here}}
  %a = mpt.sgd %w, %g {lr = 0.1 : f32} : tensor<4xf32>
  // expected-error @+1 {{mpt-master-weights: parameter #0 ("w") is updated by two optimizer ops}}
  %b = mpt.sgd %w, %g {lr = 0.2 : f32} : tensor<4xf32>
  return %a, %b : tensor<4xf32>, tensor<4xf32>
}

// -----

func.func @negative_input_updated_as_param(%x: tensor<4xf32> {mpt.role = #mpt.role<input>, mpt.name = "x"}, %g: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{mpt-master-weights: argument #0 ("x") has mpt.role input but this op updates it as a parameter}}
  %x2 = mpt.sgd %x, %g {lr = 0.1 : f32} : tensor<4xf32>
  return %x2 : tensor<4xf32>
}

// -----

func.func @negative_param_is_also_state(%w: tensor<4xf32>, %g: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  // expected-error @+1 {{mpt-master-weights: argument #0 is both a parameter and optimizer state}}
  %w2, %m2 = mpt.sgd %w, %g momentum_buffer(%w) {lr = 0.1 : f32, momentum = 0.9 : f32} : tensor<4xf32>
  return %w2, %m2 : tensor<4xf32>, tensor<4xf32>
}

// -----

// One working copy per parameter needs one low-precision type.
func.func @negative_param_read_in_two_types(%w: tensor<4xf32>, %g: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf16>, tensor<4xbf16>) {
  %h = mpt.cast %w : tensor<4xf32> to tensor<4xf16>
  %bh = mpt.cast %w : tensor<4xf32> to tensor<4xbf16>
  // expected-error @+1 {{mpt-master-weights: parameter #0 is read in 'f16' and 'bf16'; one working copy per parameter needs one low-precision type}}
  %w2 = mpt.sgd %w, %g {lr = 0.1 : f32} : tensor<4xf32>
  return %w2, %h, %bh : tensor<4xf32>, tensor<4xf16>, tensor<4xbf16>
}

// -----

// FP32 masters need FP32 parameters.
func.func @negative_low_precision_param(%w: tensor<4xf16>, %g: tensor<4xf16>) -> tensor<4xf16> {
  // expected-error @+1 {{mpt-master-weights: parameter #0 is 'f16'; FP32 master weights need FP32 parameters (the input contract), or fp32-masters=false for pure low-precision training}}
  %w2 = mpt.sgd %w, %g {lr = 0.1 : f32} : tensor<4xf16>
  return %w2 : tensor<4xf16>
}

// -----

func.func @negative_nested_optimizer(%w: tensor<4xf32>, %g: tensor<4xf32>, %c: i1) -> tensor<4xf32> {
  %r = scf.if %c -> tensor<4xf32> {
    // expected-error @+1 {{mpt-master-weights: optimizer op must be at the top level of the function body, not nested in 'scf.if'}}
    %w2 = mpt.sgd %w, %g {lr = 0.1 : f32} : tensor<4xf32>
    scf.yield %w2 : tensor<4xf32>
  } else {
    scf.yield %w : tensor<4xf32>
  }
  return %r : tensor<4xf32>
}

// -----

// expected-error @+1 {{mpt-master-weights: training step 'negative_multi_block' must have a single block ending in func.return (control flow across blocks is not supported)}}
func.func @negative_multi_block(%w: tensor<4xf32>, %g: tensor<4xf32>) -> tensor<4xf32> {
  %w2 = mpt.sgd %w, %g {lr = 0.1 : f32} : tensor<4xf32>
  cf.br ^bb1
^bb1:
  return %w2 : tensor<4xf32>
}

// -----

// No optimizer op anywhere: a warning, and the module is unchanged.
// expected-warning @+1 {{mpt-master-weights: no mpt.sgd or mpt.adam op in the module; there are no parameters to keep as masters, nothing was changed}}
func.func @negative_no_optimizer(%w: tensor<4xf32>) -> tensor<4xf16> {
  %h = mpt.cast %w : tensor<4xf32> to tensor<4xf16>
  return %h : tensor<4xf16>
}
