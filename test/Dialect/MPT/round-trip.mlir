// Every mpt op parses, prints and parses again, in the custom form and in the
// generic form.
// RUN: mpt-opt %s -split-input-file | mpt-opt -split-input-file | FileCheck %s
// RUN: mpt-opt %s -split-input-file -mlir-print-op-generic | mpt-opt -split-input-file | FileCheck %s

// CHECK-LABEL: func.func @loss_and_seed
// CHECK-SAME: (%[[L:.*]]: tensor<f32>, %[[S:.*]]: tensor<f32>)
func.func @loss_and_seed(%l: tensor<f32>, %s: tensor<f32>) -> (tensor<f32>, tensor<f32>, tensor<f32>) {
  // CHECK: %[[LOSS:.*]] = mpt.loss %[[L]] : tensor<f32>
  %loss = mpt.loss %l : tensor<f32>
  // CHECK: mpt.grad_seed %[[LOSS]] : tensor<f32>
  %seed = mpt.grad_seed %loss : tensor<f32>
  // CHECK: mpt.grad_seed %[[LOSS]] scale(%[[S]]) : tensor<f32>
  %scaled = mpt.grad_seed %loss scale(%s) : tensor<f32>
  return %loss, %seed, %scaled : tensor<f32>, tensor<f32>, tensor<f32>
}

// -----

// A backward function that takes the loss as an argument seeds from it: the
// seed's verifier looks at its own operands only, not at what defines them.
// CHECK-LABEL: func.func @seed_from_argument
// CHECK-SAME: (%[[L:.*]]: tensor<f32>)
// CHECK: mpt.grad_seed %[[L]] : tensor<f32>
func.func @seed_from_argument(%loss: tensor<f32>) -> tensor<f32> {
  %seed = mpt.grad_seed %loss : tensor<f32>
  return %seed : tensor<f32>
}

// -----

// CHECK-LABEL: func.func @casts
func.func @casts(%x: tensor<4x8xf32>, %h: tensor<4x8xf16>, %s: f32) -> (tensor<4x8xf16>, tensor<4x8xbf16>, tensor<4x8xf32>, bf16) {
  // CHECK: mpt.cast %{{.*}} : tensor<4x8xf32> to tensor<4x8xf16>
  %0 = mpt.cast %x : tensor<4x8xf32> to tensor<4x8xf16>
  // CHECK: mpt.cast %{{.*}} : tensor<4x8xf16> to tensor<4x8xbf16>
  %1 = mpt.cast %h : tensor<4x8xf16> to tensor<4x8xbf16>
  // CHECK: mpt.cast %{{.*}} : tensor<4x8xf16> to tensor<4x8xf32>
  %2 = mpt.cast %h : tensor<4x8xf16> to tensor<4x8xf32>
  // CHECK: mpt.cast %{{.*}} : f32 to bf16
  %3 = mpt.cast %s : f32 to bf16
  return %0, %1, %2, %3 : tensor<4x8xf16>, tensor<4x8xbf16>, tensor<4x8xf32>, bf16
}

// -----

// CHECK-LABEL: func.func @sgd_forms
// CHECK-SAME: (%[[W:.*]]: tensor<64x10xf32>, %[[G:.*]]: tensor<64x10xf32>, %[[M:.*]]: tensor<64x10xf32>, %[[GH:.*]]: tensor<64x10xf16>, %[[INV:.*]]: tensor<f32>, %[[INF:.*]]: tensor<i1>)
func.func @sgd_forms(%w: tensor<64x10xf32>, %g: tensor<64x10xf32>, %m: tensor<64x10xf32>,
                     %gh: tensor<64x10xf16>, %inv: tensor<f32>, %inf: tensor<i1>) {
  // CHECK: mpt.sgd %[[W]], %[[G]] {lr = 1.000000e-01 : f32} : tensor<64x10xf32>
  %0 = mpt.sgd %w, %g {lr = 0.1 : f32} : tensor<64x10xf32>
  // CHECK: mpt.sgd %[[W]], %[[G]] momentum_buffer(%[[M]]) {dampening = 1.000000e-01 : f32, lr = 1.000000e-01 : f32, momentum = 0.899999976 : f32, weight_decay = 9.99999974E-5 : f32} : tensor<64x10xf32>
  %1:2 = mpt.sgd %w, %g momentum_buffer(%m) {lr = 0.1 : f32, momentum = 0.9 : f32, dampening = 0.1 : f32, weight_decay = 1.0e-4 : f32} : tensor<64x10xf32>
  // CHECK: mpt.sgd %[[W]], %[[G]] momentum_buffer(%[[M]]) {lr = 1.000000e-01 : f32, momentum = 0.899999976 : f32, nesterov} : tensor<64x10xf32>
  %2:2 = mpt.sgd %w, %g momentum_buffer(%m) {lr = 0.1 : f32, momentum = 0.9 : f32, nesterov} : tensor<64x10xf32>
  // CHECK: mpt.sgd %[[W]], %[[GH]] momentum_buffer(%[[M]]) inv_scale(%[[INV]]) found_inf(%[[INF]]) {lr = 1.000000e-01 : f32, momentum = 0.899999976 : f32} : tensor<64x10xf32>, tensor<64x10xf16> -> tensor<64x10xf16>
  %3:3 = mpt.sgd %w, %gh momentum_buffer(%m) inv_scale(%inv) found_inf(%inf) {lr = 0.1 : f32, momentum = 0.9 : f32} : tensor<64x10xf32>, tensor<64x10xf16> -> tensor<64x10xf16>
  // CHECK: mpt.sgd %[[W]], %[[GH]] found_inf(%[[INF]]) {lr = 1.000000e-01 : f32} : tensor<64x10xf32>, tensor<64x10xf16>
  %4 = mpt.sgd %w, %gh found_inf(%inf) {lr = 0.1 : f32} : tensor<64x10xf32>, tensor<64x10xf16>
  return
}

// -----

// CHECK-LABEL: func.func @adam_forms
// CHECK-SAME: (%[[W:.*]]: tensor<8xf32>, %[[G:.*]]: tensor<8xf32>, %[[M:.*]]: tensor<8xf32>, %[[V:.*]]: tensor<8xf32>, %[[T:.*]]: tensor<f32>, %[[GH:.*]]: tensor<8xbf16>, %[[INV:.*]]: tensor<f32>, %[[INF:.*]]: tensor<i1>)
func.func @adam_forms(%w: tensor<8xf32>, %g: tensor<8xf32>, %m: tensor<8xf32>, %v: tensor<8xf32>, %t: tensor<f32>,
                      %gh: tensor<8xbf16>, %inv: tensor<f32>, %inf: tensor<i1>) {
  // CHECK: mpt.adam %[[W]], %[[G]], %[[M]], %[[V]], %[[T]] {lr = 1.000000e-03 : f32} : tensor<8xf32>
  %0:4 = mpt.adam %w, %g, %m, %v, %t {lr = 1.0e-3 : f32} : tensor<8xf32>
  // CHECK: mpt.adam %[[W]], %[[G]], %[[M]], %[[V]], %[[T]] {beta1 = 8.000000e-01 : f32, beta2 = 9.900000e-01 : f32, eps = 9.99999997E-7 : f32, lr = 1.000000e-03 : f32, weight_decay = 0.00999999977 : f32} : tensor<8xf32>
  %1:4 = mpt.adam %w, %g, %m, %v, %t {lr = 1.0e-3 : f32, beta1 = 0.8 : f32, beta2 = 0.99 : f32, eps = 1.0e-6 : f32, weight_decay = 0.01 : f32} : tensor<8xf32>
  // CHECK: mpt.adam %[[W]], %[[GH]], %[[M]], %[[V]], %[[T]] inv_scale(%[[INV]]) found_inf(%[[INF]]) {lr = 1.000000e-03 : f32} : tensor<8xf32>, tensor<8xbf16> -> tensor<8xbf16>
  %2:5 = mpt.adam %w, %gh, %m, %v, %t inv_scale(%inv) found_inf(%inf) {lr = 1.0e-3 : f32} : tensor<8xf32>, tensor<8xbf16> -> tensor<8xbf16>
  return
}

// -----

// CHECK-LABEL: func.func @loss_scaling
// CHECK-SAME: (%[[A:.*]]: tensor<64x10xf16>, %[[B:.*]]: tensor<10xf16>, %[[S:.*]]: tensor<f32>, %[[GT:.*]]: tensor<i32>, %[[HT:.*]]: tensor<i32>)
func.func @loss_scaling(%a: tensor<64x10xf16>, %b: tensor<10xf16>, %s: tensor<f32>, %gt: tensor<i32>, %ht: tensor<i32>) {
  // CHECK: %{{.*}}:2, %[[INF:.*]] = mpt.unscale_and_check %[[A]], %[[B]] scale(%[[S]]) : tensor<64x10xf16>, tensor<10xf16> -> tensor<64x10xf32>, tensor<10xf32>
  %g:2, %inf = mpt.unscale_and_check %a, %b scale(%s) : tensor<64x10xf16>, tensor<10xf16> -> tensor<64x10xf32>, tensor<10xf32>
  // CHECK: mpt.unscale_and_check %[[A]], %[[B]] scale(%[[S]]) {overflow_type = f16} : tensor<64x10xf16>, tensor<10xf16> -> tensor<64x10xf32>, tensor<10xf32>
  %h:2, %inf2 = mpt.unscale_and_check %a, %b scale(%s) {overflow_type = f16} : tensor<64x10xf16>, tensor<10xf16> -> tensor<64x10xf32>, tensor<10xf32>
  // CHECK: mpt.update_scale %[[S]], %[[GT]], %[[HT]] found_inf(%[[INF]])
  // CHECK-NOT: growth_interval
  %0:3 = mpt.update_scale %s, %gt, %ht found_inf(%inf)
  // CHECK: mpt.update_scale %[[S]], %[[GT]], %[[HT]] found_inf(%[[INF]]) {backoff_factor = 2.500000e-01 : f32, growth_factor = 4.000000e+00 : f32, growth_interval = 2 : i64, hysteresis = 3 : i64, max_scale = 1.024000e+03 : f32, min_scale = 1.000000e+00 : f32}
  %1:3 = mpt.update_scale %s, %gt, %ht found_inf(%inf) {growth_factor = 4.0 : f32, backoff_factor = 0.25 : f32, growth_interval = 2 : i64, hysteresis = 3 : i64, min_scale = 1.0 : f32, max_scale = 1024.0 : f32}
  return
}

// -----

// CHECK-LABEL: func.func @fused_matmul_forms
func.func @fused_matmul_forms(%x: tensor<32x64xf16>, %w: tensor<64x10xf16>, %b: tensor<10xf32>) {
  // CHECK: mpt.fused_matmul %{{.*}}, %{{.*}} epilogue<none> : tensor<32x64xf16>, tensor<64x10xf16> -> tensor<32x10xf32>
  %0 = mpt.fused_matmul %x, %w epilogue<none> : tensor<32x64xf16>, tensor<64x10xf16> -> tensor<32x10xf32>
  // CHECK: mpt.fused_matmul %{{.*}}, %{{.*}} bias(%{{.*}} : tensor<10xf32>) epilogue<bias> : tensor<32x64xf16>, tensor<64x10xf16> -> tensor<32x10xf16>
  %1 = mpt.fused_matmul %x, %w bias(%b : tensor<10xf32>) epilogue<bias> : tensor<32x64xf16>, tensor<64x10xf16> -> tensor<32x10xf16>
  // CHECK: mpt.fused_matmul %{{.*}}, %{{.*}} epilogue<relu> aux<pre_activation> : tensor<32x64xf16>, tensor<64x10xf16> -> tensor<32x10xf16>, tensor<32x10xf32>
  %2:2 = mpt.fused_matmul %x, %w epilogue<relu> aux<pre_activation> : tensor<32x64xf16>, tensor<64x10xf16> -> tensor<32x10xf16>, tensor<32x10xf32>
  // CHECK: mpt.fused_matmul %{{.*}}, %{{.*}} bias(%{{.*}} : tensor<10xf32>) epilogue<bias_relu> aux<relu_mask> : tensor<32x64xf16>, tensor<64x10xf16> -> tensor<32x10xbf16>, tensor<32x10xi1>
  %3:2 = mpt.fused_matmul %x, %w bias(%b : tensor<10xf32>) epilogue<bias_relu> aux<relu_mask> : tensor<32x64xf16>, tensor<64x10xf16> -> tensor<32x10xbf16>, tensor<32x10xi1>
  return
}

// -----

// CHECK-LABEL: func.func @fused_conv2d_forms
func.func @fused_conv2d_forms(%x: tensor<2x9x9x3xf16>, %f: tensor<3x3x3x8xf16>, %b: tensor<8xf32>,
                              %xc: tensor<2x3x8x8xbf16>, %fc: tensor<8x3x3x3xbf16>) {
  // CHECK: mpt.fused_conv2d %{{.*}}, %{{.*}} bias(%{{.*}} : tensor<8xf32>) layout<nhwc_hwcf> epilogue<bias_relu> {dilations = array<i64: 2, 2>, strides = array<i64: 2, 2>} : tensor<2x9x9x3xf16>, tensor<3x3x3x8xf16> -> tensor<2x3x3x8xf16>
  %0 = mpt.fused_conv2d %x, %f bias(%b : tensor<8xf32>) layout<nhwc_hwcf> epilogue<bias_relu> {strides = array<i64: 2, 2>, dilations = array<i64: 2, 2>} : tensor<2x9x9x3xf16>, tensor<3x3x3x8xf16> -> tensor<2x3x3x8xf16>
  // CHECK: mpt.fused_conv2d %{{.*}}, %{{.*}} layout<nchw_fchw> epilogue<relu> aux<relu_mask> {padding = array<i64: 1, 1, 1, 1>} : tensor<2x3x8x8xbf16>, tensor<8x3x3x3xbf16> -> tensor<2x8x8x8xbf16>, tensor<2x8x8x8xi1>
  %1:2 = mpt.fused_conv2d %xc, %fc layout<nchw_fchw> epilogue<relu> aux<relu_mask> {padding = array<i64: 1, 1, 1, 1>} : tensor<2x3x8x8xbf16>, tensor<8x3x3x3xbf16> -> tensor<2x8x8x8xbf16>, tensor<2x8x8x8xi1>
  return
}

// -----

// Role attributes on a training step.
// CHECK-LABEL: func.func @roles
// CHECK-SAME: mpt.init = #mpt.init<dist = uniform, low = -1.000000e-01, high = 1.000000e-01, seed = 7>, mpt.name = "w", mpt.role = #mpt.role<param>
// CHECK-SAME: mpt.init = #mpt.init<dist = constant, value = 6.553600e+04>, mpt.name = "scale", mpt.role = #mpt.role<loss_scale_state>
// CHECK-SAME: mpt.name = "x", mpt.role = #mpt.role<input>
// CHECK-SAME: -> (tensor<4xf32> {mpt.role = #mpt.role<param>, mpt.updates = "w"}, tensor<f32> {mpt.role = #mpt.role<loss_scale_state>, mpt.updates = "scale"}, tensor<4xf32> {mpt.role = #mpt.role<output>})
func.func @roles(%w: tensor<4xf32> {mpt.role = #mpt.role<param>, mpt.name = "w", mpt.init = #mpt.init<dist = uniform, low = -0.1, high = 0.1, seed = 7>},
                 %s: tensor<f32> {mpt.role = #mpt.role<loss_scale_state>, mpt.name = "scale", mpt.init = #mpt.init<dist = constant, value = 65536.0>},
                 %x: tensor<4xf32> {mpt.role = #mpt.role<input>, mpt.name = "x"})
    -> (tensor<4xf32> {mpt.role = #mpt.role<param>, mpt.updates = "w"}, tensor<f32> {mpt.role = #mpt.role<loss_scale_state>, mpt.updates = "scale"}, tensor<4xf32> {mpt.role = #mpt.role<output>}) {
  return %w, %s, %x : tensor<4xf32>, tensor<f32>, tensor<4xf32>
}

// -----

// CHECK-LABEL: func.func @all_reduce_forms
func.func @all_reduce_forms(%a: tensor<4x3xf32>, %b: tensor<3xf32>, %h: tensor<8xf16>, %m: memref<8xbf16>) {
  // CHECK: mpt.all_reduce <mean> %{{.*}}, %{{.*}} : tensor<4x3xf32>, tensor<3xf32> -> tensor<4x3xf32>, tensor<3xf32>
  %r:2 = mpt.all_reduce <mean> %a, %b : tensor<4x3xf32>, tensor<3xf32> -> tensor<4x3xf32>, tensor<3xf32>
  // CHECK: mpt.all_reduce <sum> %{{.*}} {fp32_accumulate = false} : tensor<8xf16> -> tensor<8xf16>
  %s = mpt.all_reduce <sum> %h {fp32_accumulate = false} : tensor<8xf16> -> tensor<8xf16>
  // CHECK: mpt.all_reduce <mean> %{{.*}} : memref<8xbf16>{{$}}
  mpt.all_reduce <mean> %m : memref<8xbf16>
  return
}
