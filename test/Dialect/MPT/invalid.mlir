// One expected-error for every diagnostic of the mpt verifiers.
// RUN: mpt-opt %s -split-input-file -verify-diagnostics

func.func @loss_not_scalar(%x: tensor<4xf32>) {
  // expected-error @+1 {{operand #0 must be 0D tensor of 16-bit float or bfloat16 type or 32-bit float values}}
  %0 = mpt.loss %x : tensor<4xf32>
  return
}

// -----

func.func @seed_type_differs(%x: tensor<f32>) {
  // expected-error @+1 {{failed to verify that all of {loss, result} have same type}}
  %0 = "mpt.grad_seed"(%x) : (tensor<f32>) -> tensor<f16>
  return
}

// -----

func.func @cast_f64(%x: tensor<4xf64>) {
  // expected-error @+1 {{operand #0 must be f16, bf16 or f32 scalar or ranked tensor}}
  %0 = mpt.cast %x : tensor<4xf64> to tensor<4xf32>
  return
}

// -----

func.func @cast_scalar_to_tensor(%x: f32) {
  // expected-error @+1 {{requires the same shape for all operands and results}}
  %0 = mpt.cast %x : f32 to tensor<f16>
  return
}

// -----

func.func @cast_changes_shape(%x: tensor<4xf32>) {
  // expected-error @+1 {{requires the same shape for all operands and results}}
  %0 = mpt.cast %x : tensor<4xf32> to tensor<2x2xf16>
  return
}

// -----

func.func @sgd_integer_param(%w: tensor<4xi32>, %g: tensor<4xi32>) {
  // expected-error @+1 {{'param' must be ranked tensor of 16-bit float or bfloat16 type or 32-bit float values, but got 'tensor<4xi32>'}}
  %0 = mpt.sgd %w, %g {lr = 0.1 : f32} : tensor<4xi32>
  return
}

// -----

func.func @sgd_grad_shape(%w: tensor<4xf32>, %g: tensor<5xf16>) {
  // expected-error @+1 {{failed to verify that the gradient has the parameter shape}}
  %0 = mpt.sgd %w, %g {lr = 0.1 : f32} : tensor<4xf32>, tensor<5xf16>
  return
}

// -----

func.func @sgd_state_type(%w: tensor<4xf32>, %g: tensor<4xf32>, %m: tensor<4xf16>) {
  // expected-error @+1 {{failed to verify that the momentum buffer has the parameter type}}
  %0:2 = "mpt.sgd"(%w, %g, %m) <{lr = 0.1 : f32, momentum = 0.9 : f32, operandSegmentSizes = array<i32: 1, 1, 1, 0, 0>, resultSegmentSizes = array<i32: 1, 1, 0>}> : (tensor<4xf32>, tensor<4xf32>, tensor<4xf16>) -> (tensor<4xf32>, tensor<4xf32>)
  return
}

// -----

func.func @sgd_result_type(%w: tensor<4xf32>, %g: tensor<4xf32>) {
  // expected-error @+1 {{failed to verify that all of {param, new_param} have same type}}
  %0 = "mpt.sgd"(%w, %g) <{lr = 0.1 : f32, operandSegmentSizes = array<i32: 1, 1, 0, 0, 0>, resultSegmentSizes = array<i32: 1, 0, 0>}> : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf16>
  return
}

// -----

func.func @sgd_working_copy_shape(%w: tensor<4xf32>, %g: tensor<4xf32>) {
  // expected-error @+1 {{failed to verify that the working copy has the parameter shape}}
  %0:2 = mpt.sgd %w, %g {lr = 0.1 : f32} : tensor<4xf32> -> tensor<8xf16>
  return
}

// -----

func.func @sgd_negative_lr(%w: tensor<4xf32>, %g: tensor<4xf32>) {
  // expected-error @+1 {{learning rate must be finite and >= 0, got -1}}
  %0 = mpt.sgd %w, %g {lr = -1.0 : f32} : tensor<4xf32>
  return
}

// -----

func.func @sgd_negative_weight_decay(%w: tensor<4xf32>, %g: tensor<4xf32>) {
  // expected-error @+1 {{weight_decay must be finite and >= 0, got -0.5}}
  %0 = mpt.sgd %w, %g {lr = 0.1 : f32, weight_decay = -0.5 : f32} : tensor<4xf32>
  return
}

// -----

func.func @sgd_negative_momentum(%w: tensor<4xf32>, %g: tensor<4xf32>, %m: tensor<4xf32>) {
  // expected-error @+1 {{momentum must be finite and >= 0, got -0.5}}
  %0:2 = mpt.sgd %w, %g momentum_buffer(%m) {lr = 0.1 : f32, momentum = -0.5 : f32} : tensor<4xf32>
  return
}

// -----

func.func @sgd_dampening(%w: tensor<4xf32>, %g: tensor<4xf32>, %m: tensor<4xf32>) {
  // expected-error @+1 {{dampening must lie in [0, 1], got 2}}
  %0:2 = mpt.sgd %w, %g momentum_buffer(%m) {lr = 0.1 : f32, momentum = 0.9 : f32, dampening = 2.0 : f32} : tensor<4xf32>
  return
}

// -----

func.func @sgd_momentum_without_buffer(%w: tensor<4xf32>, %g: tensor<4xf32>) {
  // expected-error @+1 {{momentum = 0.5 needs a momentum_buffer(...) operand}}
  %0 = mpt.sgd %w, %g {lr = 0.1 : f32, momentum = 0.5 : f32} : tensor<4xf32>
  return
}

// -----

func.func @sgd_buffer_without_momentum(%w: tensor<4xf32>, %g: tensor<4xf32>, %m: tensor<4xf32>) {
  // expected-error @+1 {{has a momentum_buffer operand but momentum is 0}}
  %0:2 = mpt.sgd %w, %g momentum_buffer(%m) {lr = 0.1 : f32} : tensor<4xf32>
  return
}

// -----

func.func @sgd_buffer_not_returned(%w: tensor<4xf32>, %g: tensor<4xf32>, %m: tensor<4xf32>) {
  // expected-error @+1 {{must return an updated momentum buffer exactly when it takes one}}
  %0 = "mpt.sgd"(%w, %g, %m) <{lr = 0.1 : f32, momentum = 0.9 : f32, operandSegmentSizes = array<i32: 1, 1, 1, 0, 0>, resultSegmentSizes = array<i32: 1, 0, 0>}> : (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return
}

// -----

func.func @sgd_nesterov_with_dampening(%w: tensor<4xf32>, %g: tensor<4xf32>, %m: tensor<4xf32>) {
  // expected-error @+1 {{nesterov needs momentum > 0 and zero dampening}}
  %0:2 = mpt.sgd %w, %g momentum_buffer(%m) {lr = 0.1 : f32, momentum = 0.9 : f32, dampening = 0.1 : f32, nesterov} : tensor<4xf32>
  return
}

// -----

func.func @adam_beta1(%w: tensor<4xf32>, %g: tensor<4xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>, %t: tensor<f32>) {
  // expected-error @+1 {{beta1 must lie in [0, 1), got 1}}
  %0:4 = mpt.adam %w, %g, %m, %v, %t {lr = 0.1 : f32, beta1 = 1.0 : f32} : tensor<4xf32>
  return
}

// -----

func.func @adam_beta2(%w: tensor<4xf32>, %g: tensor<4xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>, %t: tensor<f32>) {
  // expected-error @+1 {{beta2 must lie in [0, 1), got -0.5}}
  %0:4 = mpt.adam %w, %g, %m, %v, %t {lr = 0.1 : f32, beta2 = -0.5 : f32} : tensor<4xf32>
  return
}

// -----

func.func @adam_eps(%w: tensor<4xf32>, %g: tensor<4xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>, %t: tensor<f32>) {
  // expected-error @+1 {{eps must be finite and >= 0, got -1}}
  %0:4 = mpt.adam %w, %g, %m, %v, %t {lr = 0.1 : f32, eps = -1.0 : f32} : tensor<4xf32>
  return
}

// -----

func.func @adam_step_not_f32(%w: tensor<4xf32>, %g: tensor<4xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>, %t: tensor<i64>) {
  // expected-error @+1 {{operand #4 must be 0D tensor of 32-bit float values}}
  %0:4 = "mpt.adam"(%w, %g, %m, %v, %t) <{lr = 0.1 : f32, operandSegmentSizes = array<i32: 1, 1, 1, 1, 1, 0, 0>}> : (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<i64>) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<f32>)
  return
}

// -----

func.func @unscale_nothing(%s: tensor<f32>) {
  // expected-error @+1 {{needs at least one gradient}}
  %inf = "mpt.unscale_and_check"(%s) : (tensor<f32>) -> tensor<i1>
  return
}

// -----

func.func @unscale_count(%g: tensor<4xf16>, %s: tensor<f32>) {
  // expected-error @+1 {{has 1 gradients but 2 unscaled results}}
  %0:3 = "mpt.unscale_and_check"(%g, %s) : (tensor<4xf16>, tensor<f32>) -> (tensor<4xf32>, tensor<4xf32>, tensor<i1>)
  return
}

// -----

func.func @unscale_shape(%g: tensor<4xf16>, %s: tensor<f32>) {
  // expected-error @+1 {{unscaled result #0 'tensor<5xf32>' does not have the shape of gradient 'tensor<4xf16>'}}
  %0, %inf = mpt.unscale_and_check %g scale(%s) : tensor<4xf16> -> tensor<5xf32>
  return
}

// -----

func.func @unscale_overflow_type_f32(%g: tensor<4xf32>, %s: tensor<f32>) {
  // expected-error @+1 {{overflow_type must be f16 or bf16 (the types a gradient can overflow that f32 holds), got 'f32'}}
  %0, %inf = mpt.unscale_and_check %g scale(%s) {overflow_type = f32} : tensor<4xf32> -> tensor<4xf32>
  return
}

// -----

func.func @unscale_to_f16(%g: tensor<4xf16>, %s: tensor<f32>) {
  // expected-error @+1 {{unscaled result #0 must be f32}}
  %0, %inf = mpt.unscale_and_check %g scale(%s) : tensor<4xf16> -> tensor<4xf16>
  return
}

// -----

func.func @scale_growth(%s: tensor<f32>, %t: tensor<i32>, %inf: tensor<i1>) {
  // expected-error @+1 {{growth_factor must be finite and > 1, got 1}}
  %0:3 = mpt.update_scale %s, %t, %t found_inf(%inf) {growth_factor = 1.0 : f32}
  return
}

// -----

func.func @scale_backoff(%s: tensor<f32>, %t: tensor<i32>, %inf: tensor<i1>) {
  // expected-error @+1 {{backoff_factor must lie in (0, 1), got 1}}
  %0:3 = mpt.update_scale %s, %t, %t found_inf(%inf) {backoff_factor = 1.0 : f32}
  return
}

// -----

func.func @scale_backoff_zero(%s: tensor<f32>, %t: tensor<i32>, %inf: tensor<i1>) {
  // expected-error @+1 {{backoff_factor must lie in (0, 1), got 0}}
  %0:3 = mpt.update_scale %s, %t, %t found_inf(%inf) {backoff_factor = 0.0 : f32}
  return
}

// -----

func.func @scale_interval(%s: tensor<f32>, %t: tensor<i32>, %inf: tensor<i1>) {
  // expected-error @+1 {{growth_interval must lie in [1, 2^31 - 1], got 0}}
  %0:3 = mpt.update_scale %s, %t, %t found_inf(%inf) {growth_interval = 0 : i64}
  return
}

// -----

func.func @scale_hysteresis(%s: tensor<f32>, %t: tensor<i32>, %inf: tensor<i1>) {
  // expected-error @+1 {{hysteresis must lie in [1, 2^31 - 1], got 0}}
  %0:3 = mpt.update_scale %s, %t, %t found_inf(%inf) {hysteresis = 0 : i64}
  return
}

// -----

func.func @scale_min(%s: tensor<f32>, %t: tensor<i32>, %inf: tensor<i1>) {
  // expected-error @+1 {{min_scale must be finite and > 0, got 0}}
  %0:3 = mpt.update_scale %s, %t, %t found_inf(%inf) {min_scale = 0.0 : f32}
  return
}

// -----

func.func @scale_max(%s: tensor<f32>, %t: tensor<i32>, %inf: tensor<i1>) {
  // expected-error @+1 {{max_scale must be finite and > 0, got inf}}
  %0:3 = mpt.update_scale %s, %t, %t found_inf(%inf) {max_scale = 0x7F800000 : f32}
  return
}

// -----

func.func @scale_min_above_max(%s: tensor<f32>, %t: tensor<i32>, %inf: tensor<i1>) {
  // expected-error @+1 {{min_scale 1024 is greater than max_scale 2}}
  %0:3 = mpt.update_scale %s, %t, %t found_inf(%inf) {min_scale = 1024.0 : f32, max_scale = 2.0 : f32}
  return
}

// -----

func.func @matmul_rank(%x: tensor<2x32x64xf16>, %w: tensor<64x10xf16>) {
  // expected-error @+1 {{operands and result must be 2-D}}
  %0 = mpt.fused_matmul %x, %w epilogue<none> : tensor<2x32x64xf16>, tensor<64x10xf16> -> tensor<32x10xf32>
  return
}

// -----

func.func @matmul_mixed_operands(%x: tensor<32x64xf16>, %w: tensor<64x10xbf16>) {
  // expected-error @+1 {{operand element types differ}}
  %0 = mpt.fused_matmul %x, %w epilogue<none> : tensor<32x64xf16>, tensor<64x10xbf16> -> tensor<32x10xf32>
  return
}

// -----

func.func @matmul_shapes(%x: tensor<32x64xf16>, %w: tensor<32x10xf16>) {
  // expected-error @+1 {{shapes do not form a matmul}}
  %0 = mpt.fused_matmul %x, %w epilogue<none> : tensor<32x64xf16>, tensor<32x10xf16> -> tensor<32x10xf32>
  return
}

// -----

func.func @matmul_bias_missing(%x: tensor<32x64xf16>, %w: tensor<64x10xf16>) {
  // expected-error @+1 {{epilogue bias_relu needs a bias operand}}
  %0 = mpt.fused_matmul %x, %w epilogue<bias_relu> : tensor<32x64xf16>, tensor<64x10xf16> -> tensor<32x10xf32>
  return
}

// -----

func.func @matmul_bias_unexpected(%x: tensor<32x64xf16>, %w: tensor<64x10xf16>, %b: tensor<10xf32>) {
  // expected-error @+1 {{epilogue relu takes no bias operand}}
  %0 = mpt.fused_matmul %x, %w bias(%b : tensor<10xf32>) epilogue<relu> : tensor<32x64xf16>, tensor<64x10xf16> -> tensor<32x10xf32>
  return
}

// -----

func.func @matmul_bias_shape(%x: tensor<32x64xf16>, %w: tensor<64x10xf16>, %b: tensor<32xf32>) {
  // expected-error @+1 {{bias 'tensor<32xf32>' must be a vector of 10 output channels}}
  %0 = mpt.fused_matmul %x, %w bias(%b : tensor<32xf32>) epilogue<bias> : tensor<32x64xf16>, tensor<64x10xf16> -> tensor<32x10xf32>
  return
}

// -----

func.func @matmul_aux_not_returned(%x: tensor<32x64xf16>, %w: tensor<64x10xf16>) {
  // expected-error @+1 {{declares an aux result but does not return it}}
  %0 = mpt.fused_matmul %x, %w epilogue<relu> aux<relu_mask> : tensor<32x64xf16>, tensor<64x10xf16> -> tensor<32x10xf32>
  return
}

// -----

func.func @matmul_aux_undeclared(%x: tensor<32x64xf16>, %w: tensor<64x10xf16>) {
  // expected-error @+1 {{returns an aux result without declaring aux<...>}}
  %0:2 = mpt.fused_matmul %x, %w epilogue<relu> : tensor<32x64xf16>, tensor<64x10xf16> -> tensor<32x10xf32>, tensor<32x10xi1>
  return
}

// -----

func.func @matmul_aux_without_relu(%x: tensor<32x64xf16>, %w: tensor<64x10xf16>, %b: tensor<10xf32>) {
  // expected-error @+1 {{aux<pre_activation> needs an epilogue with relu}}
  %0:2 = mpt.fused_matmul %x, %w bias(%b : tensor<10xf32>) epilogue<bias> aux<pre_activation> : tensor<32x64xf16>, tensor<64x10xf16> -> tensor<32x10xf32>, tensor<32x10xf32>
  return
}

// -----

func.func @matmul_aux_shape(%x: tensor<32x64xf16>, %w: tensor<64x10xf16>) {
  // expected-error @+1 {{aux result 'tensor<10x32xi1>' must have the result shape 'tensor<32x10xf32>'}}
  %0:2 = mpt.fused_matmul %x, %w epilogue<relu> aux<relu_mask> : tensor<32x64xf16>, tensor<64x10xf16> -> tensor<32x10xf32>, tensor<10x32xi1>
  return
}

// -----

func.func @matmul_mask_not_i1(%x: tensor<32x64xf16>, %w: tensor<64x10xf16>) {
  // expected-error @+1 {{aux<relu_mask> must be an i1 tensor, got 'tensor<32x10xf16>'}}
  %0:2 = mpt.fused_matmul %x, %w epilogue<relu> aux<relu_mask> : tensor<32x64xf16>, tensor<64x10xf16> -> tensor<32x10xf32>, tensor<32x10xf16>
  return
}

// -----

func.func @matmul_preact_is_mask(%x: tensor<32x64xf16>, %w: tensor<64x10xf16>) {
  // expected-error @+1 {{aux<pre_activation> must be a float tensor, got 'tensor<32x10xi1>'}}
  %0:2 = mpt.fused_matmul %x, %w epilogue<relu> aux<pre_activation> : tensor<32x64xf16>, tensor<64x10xf16> -> tensor<32x10xf32>, tensor<32x10xi1>
  return
}

// -----

func.func @conv_rank(%x: tensor<9x9x3xf16>, %f: tensor<3x3x3x8xf16>) {
  // expected-error @+1 {{input, filter and result must be 4-D}}
  %0 = mpt.fused_conv2d %x, %f layout<nhwc_hwcf> epilogue<none> : tensor<9x9x3xf16>, tensor<3x3x3x8xf16> -> tensor<1x7x7x8xf32>
  return
}

// -----

func.func @conv_dynamic_spatial(%x: tensor<1x?x8x1xf16>, %f: tensor<3x3x1x4xf16>) {
  // expected-error @+1 {{result 'tensor<1x?x6x4xf16>' must have static height, width and channels (only the batch may be dynamic)}}
  %0 = mpt.fused_conv2d %x, %f layout<nhwc_hwcf> epilogue<relu> : tensor<1x?x8x1xf16>, tensor<3x3x1x4xf16> -> tensor<1x?x6x4xf16>
  return
}

// -----

func.func @conv_mixed(%x: tensor<1x9x9x3xf16>, %f: tensor<3x3x3x8xf32>) {
  // expected-error @+1 {{input and filter element types differ}}
  %0 = mpt.fused_conv2d %x, %f layout<nhwc_hwcf> epilogue<none> : tensor<1x9x9x3xf16>, tensor<3x3x3x8xf32> -> tensor<1x7x7x8xf32>
  return
}

// -----

func.func @conv_attr_sizes(%x: tensor<1x9x9x3xf16>, %f: tensor<3x3x3x8xf16>) {
  // expected-error @+1 {{needs 2 strides, 2 dilations and 4 paddings (top, left, bottom, right)}}
  %0 = mpt.fused_conv2d %x, %f layout<nhwc_hwcf> epilogue<none> {padding = array<i64: 1, 1>} : tensor<1x9x9x3xf16>, tensor<3x3x3x8xf16> -> tensor<1x7x7x8xf32>
  return
}

// -----

func.func @conv_zero_stride(%x: tensor<1x9x9x3xf16>, %f: tensor<3x3x3x8xf16>) {
  // expected-error @+1 {{strides and dilations must be >= 1}}
  %0 = mpt.fused_conv2d %x, %f layout<nhwc_hwcf> epilogue<none> {strides = array<i64: 0, 1>} : tensor<1x9x9x3xf16>, tensor<3x3x3x8xf16> -> tensor<1x7x7x8xf32>
  return
}

// -----

func.func @conv_negative_padding(%x: tensor<1x9x9x3xf16>, %f: tensor<3x3x3x8xf16>) {
  // expected-error @+1 {{padding must be >= 0}}
  %0 = mpt.fused_conv2d %x, %f layout<nhwc_hwcf> epilogue<none> {padding = array<i64: -1, 0, 0, 0>} : tensor<1x9x9x3xf16>, tensor<3x3x3x8xf16> -> tensor<1x7x7x8xf32>
  return
}

// -----

func.func @conv_channels(%x: tensor<1x9x9x4xf16>, %f: tensor<3x3x3x8xf16>) {
  // expected-error @+1 {{input has 4 channels but the filter expects 3}}
  %0 = mpt.fused_conv2d %x, %f layout<nhwc_hwcf> epilogue<none> : tensor<1x9x9x4xf16>, tensor<3x3x3x8xf16> -> tensor<1x7x7x8xf32>
  return
}

// -----

func.func @conv_result_channels(%x: tensor<1x9x9x3xf16>, %f: tensor<3x3x3x8xf16>) {
  // expected-error @+1 {{result 'tensor<1x7x7x4xf32>' does not match batch 1 and 8 output channels}}
  %0 = mpt.fused_conv2d %x, %f layout<nhwc_hwcf> epilogue<none> : tensor<1x9x9x3xf16>, tensor<3x3x3x8xf16> -> tensor<1x7x7x4xf32>
  return
}

// -----

func.func @conv_kernel_too_big(%x: tensor<1x2x2x3xf16>, %f: tensor<3x3x3x8xf16>) {
  // expected-error @+1 {{the dilated 3x3 kernel does not fit the padded 2x2 input}}
  %0 = mpt.fused_conv2d %x, %f layout<nhwc_hwcf> epilogue<none> : tensor<1x2x2x3xf16>, tensor<3x3x3x8xf16> -> tensor<1x1x1x8xf32>
  return
}

// -----

func.func @conv_spatial(%x: tensor<1x9x9x3xf16>, %f: tensor<3x3x3x8xf16>) {
  // expected-error @+1 {{result spatial size 7x7 should be 4x4 for these strides, dilations and padding}}
  %0 = mpt.fused_conv2d %x, %f layout<nhwc_hwcf> epilogue<none> {strides = array<i64: 2, 2>} : tensor<1x9x9x3xf16>, tensor<3x3x3x8xf16> -> tensor<1x7x7x8xf32>
  return
}

// -----

func.func @conv_nchw_bias(%x: tensor<1x3x9x9xf16>, %f: tensor<8x3x3x3xf16>, %b: tensor<3xf32>) {
  // expected-error @+1 {{bias 'tensor<3xf32>' must be a vector of 8 output channels}}
  %0 = mpt.fused_conv2d %x, %f bias(%b : tensor<3xf32>) layout<nchw_fchw> epilogue<bias> : tensor<1x3x9x9xf16>, tensor<8x3x3x3xf16> -> tensor<1x8x7x7xf32>
  return
}

// -----

func.func @adam_state_type(%w: tensor<4xf32>, %g: tensor<4xf32>, %m: tensor<4xbf16>, %v: tensor<4xf32>, %t: tensor<f32>) {
  // expected-error @+1 {{failed to verify that all of {param, m, v, new_param, new_m, new_v} have same type}}
  %0:4 = "mpt.adam"(%w, %g, %m, %v, %t) <{lr = 0.1 : f32, operandSegmentSizes = array<i32: 1, 1, 1, 1, 1, 0, 0>}> : (tensor<4xf32>, tensor<4xf32>, tensor<4xbf16>, tensor<4xf32>, tensor<f32>) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<f32>)
  return
}

// -----

// The custom syntax infers the state types from the parameter type, so a
// state operand of another type is an error at its use.
func.func @sgd_momentum_type_in_custom_syntax(%w: tensor<4xf32>, %g: tensor<4xf32>, %m: tensor<4xf16>) {
  // expected-note @-1 {{prior use here}}
  // expected-error @+1 {{use of value '%m' expects different type than prior uses: 'tensor<4xf32>' vs 'tensor<4xf16>'}}
  %0:2 = mpt.sgd %w, %g momentum_buffer(%m) {lr = 0.1 : f32, momentum = 0.9 : f32} : tensor<4xf32>
  return
}

// -----

func.func @all_reduce_mixed_types(%a: tensor<3xf32>, %h: tensor<3xf16>) {
  // expected-error @below {{'mpt.all_reduce' op operand #1 has element type 'f16', but operand #0 has 'f32' (one all-reduce is one bucket of one type)}}
  %r:2 = mpt.all_reduce <mean> %a, %h : tensor<3xf32>, tensor<3xf16> -> tensor<3xf32>, tensor<3xf16>
  return
}

// -----

func.func @all_reduce_result_type(%a: tensor<3xf32>) {
  // expected-error @below {{'mpt.all_reduce' op result #0 'tensor<4xf32>' does not have the type of its operand 'tensor<3xf32>'}}
  %r = mpt.all_reduce <mean> %a : tensor<3xf32> -> tensor<4xf32>
  return
}

// -----

func.func @all_reduce_buffers_with_results(%m: memref<3xf32>) {
  // expected-error @below {{'mpt.all_reduce' op on buffers works in place and has no results}}
  %r = mpt.all_reduce <mean> %m : memref<3xf32> -> tensor<3xf32>
  return
}

// -----

func.func @all_reduce_tensor_and_buffer(%a: tensor<3xf32>, %m: memref<3xf32>) {
  // expected-error @below {{'mpt.all_reduce' op operand #1 is a memref, but operand #0 is a tensor (all operands are tensors or all buffers)}}
  %r = mpt.all_reduce <mean> %a, %m : tensor<3xf32>, memref<3xf32> -> tensor<3xf32>
  return
}
