// mpt-loss-scaling{mode=dynamic} with GradScaler's defaults.
// RUN: mpt-opt %s -split-input-file -mpt-loss-scaling=mode=dynamic | FileCheck %s
// Idempotent: a scaled step (its seed has a scale) is left alone.
// RUN: mpt-opt %s -split-input-file -mpt-loss-scaling=mode=dynamic -mpt-loss-scaling=mode=dynamic | FileCheck %s

#id2 = affine_map<(d0, d1) -> (d0, d1)>
#col = affine_map<(d0, d1) -> (d1)>
#all = affine_map<(d0, d1) -> ()>

// The scale state comes after the optimizer state and before the inputs,
// its replacement after the other state results and before the loss, and
// found_inf is the last result. The seed is the scale; the two gradients go
// through one unscale-and-check with that same scale (placed after the last
// gradient); the optimizer ops take the unscaled FP32 gradients and
// found_inf; the scale update comes after them and reads this step's scale.
// CHECK-LABEL: func.func @ls_dynamic_sgd_momentum
// CHECK-SAME: %[[MB:[^:]*]]: tensor<3xf32> {mpt.init = #mpt.init<dist = zeros>, mpt.name = "fc.bias.momentum", mpt.role = #mpt.role<opt_state>},
// CHECK-SAME: %[[S:[^:]*]]: tensor<f32> {mpt.init = #mpt.init<dist = constant, value = 6.553600e+04>, mpt.name = "loss_scale.scale", mpt.role = #mpt.role<loss_scale_state>},
// CHECK-SAME: %[[GT:[^:]*]]: tensor<i32> {mpt.init = #mpt.init<dist = zeros>, mpt.name = "loss_scale.growth_tracker", mpt.role = #mpt.role<loss_scale_state>},
// CHECK-SAME: %[[HT:[^:]*]]: tensor<i32> {mpt.init = #mpt.init<dist = constant, value = 1.000000e+00>, mpt.name = "loss_scale.hysteresis_tracker", mpt.role = #mpt.role<loss_scale_state>},
// CHECK-SAME: %[[X:[^:]*]]: tensor<2x4xf32> {mpt.name = "x", mpt.role = #mpt.role<input>})
// CHECK-SAME: tensor<3xf32> {mpt.role = #mpt.role<opt_state>, mpt.updates = "fc.bias.momentum"},
// CHECK-SAME: tensor<f32> {mpt.role = #mpt.role<loss_scale_state>, mpt.updates = "loss_scale.scale"},
// CHECK-SAME: tensor<i32> {mpt.role = #mpt.role<loss_scale_state>, mpt.updates = "loss_scale.growth_tracker"},
// CHECK-SAME: tensor<i32> {mpt.role = #mpt.role<loss_scale_state>, mpt.updates = "loss_scale.hysteresis_tracker"},
// CHECK-SAME: tensor<f32> {mpt.role = #mpt.role<loss>},
// CHECK-SAME: tensor<i1> {mpt.name = "found_inf", mpt.role = #mpt.role<output>})
// CHECK: %[[LOSS:.*]] = mpt.loss
// CHECK: %[[SEED:.*]] = mpt.grad_seed %[[LOSS]] scale(%[[S]]) : tensor<f32>
// CHECK: linalg.generic {{.*}} ins(%[[SEED]] : tensor<f32>)
// CHECK: %[[GWH:.*]] = mpt.cast %{{.*}} : tensor<4x3xf32> to tensor<4x3xf16>
// CHECK: %[[GB:[^ ]*]] = linalg.generic
// CHECK: %[[U:[^:]*]]:2, %[[F:[^ ]*]] = mpt.unscale_and_check %[[GWH]], %[[GB]] scale(%[[S]]) : tensor<4x3xf16>, tensor<3xf32> -> tensor<4x3xf32>, tensor<3xf32>
// CHECK-NEXT: %[[W2:[^,]*]], %[[MW2:[^ ]*]] = mpt.sgd %{{.*}}, %[[U]]#0 momentum_buffer(%{{.*}}) found_inf(%[[F]]) {lr = 1.000000e-01 : f32, momentum = 0.899999976 : f32} : tensor<4x3xf32>{{$}}
// CHECK-NEXT: %[[B2:[^,]*]], %[[MB2:[^ ]*]] = mpt.sgd %{{.*}}, %[[U]]#1 momentum_buffer(%[[MB]]) found_inf(%[[F]]) {lr = 1.000000e-01 : f32, momentum = 0.899999976 : f32} : tensor<3xf32>{{$}}
// The defaults (growth 2, backoff 0.5, interval 2000, hysteresis 1, no bounds)
// are the op's defaults and so are not printed.
// CHECK-NEXT: %[[NS:[^,]*]], %[[NG:[^,]*]], %[[NH:[^ ]*]] = mpt.update_scale %[[S]], %[[GT]], %[[HT]] found_inf(%[[F]]){{$}}
// CHECK-NEXT: return %[[W2]], %{{.*}}, %[[MW2]], %[[MB2]], %[[NS]], %[[NG]], %[[NH]], %[[LOSS]], %[[F]] :
func.func @ls_dynamic_sgd_momentum(
    %w: tensor<4x3xf32> {mpt.role = #mpt.role<param>, mpt.name = "fc.weight", mpt.init = #mpt.init<dist = zeros>},
    %b: tensor<3xf32> {mpt.role = #mpt.role<param>, mpt.name = "fc.bias", mpt.init = #mpt.init<dist = zeros>},
    %mw: tensor<4x3xf32> {mpt.role = #mpt.role<opt_state>, mpt.name = "fc.weight.momentum", mpt.init = #mpt.init<dist = zeros>},
    %mb: tensor<3xf32> {mpt.role = #mpt.role<opt_state>, mpt.name = "fc.bias.momentum", mpt.init = #mpt.init<dist = zeros>},
    %x: tensor<2x4xf32> {mpt.role = #mpt.role<input>, mpt.name = "x"})
    -> (tensor<4x3xf32> {mpt.role = #mpt.role<param>, mpt.updates = "fc.weight"},
        tensor<3xf32> {mpt.role = #mpt.role<param>, mpt.updates = "fc.bias"},
        tensor<4x3xf32> {mpt.role = #mpt.role<opt_state>, mpt.updates = "fc.weight.momentum"},
        tensor<3xf32> {mpt.role = #mpt.role<opt_state>, mpt.updates = "fc.bias.momentum"},
        tensor<f32> {mpt.role = #mpt.role<loss>}) {
  %wh = mpt.cast %w : tensor<4x3xf32> to tensor<4x3xf16>
  %xh = mpt.cast %x : tensor<2x4xf32> to tensor<2x4xf16>
  %zero = arith.constant 0.0 : f32
  %e23 = tensor.empty() : tensor<2x3xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e23 : tensor<2x3xf32>) -> tensor<2x3xf32>
  %y = linalg.matmul ins(%xh, %wh : tensor<2x4xf16>, tensor<4x3xf16>) outs(%acc : tensor<2x3xf32>) -> tensor<2x3xf32>
  %yb = linalg.generic {indexing_maps = [#id2, #col, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%y, %b : tensor<2x3xf32>, tensor<3xf32>) outs(%e23 : tensor<2x3xf32>) {
  ^bb0(%a: f32, %c: f32, %o: f32):
    %s = arith.addf %a, %c : f32
    linalg.yield %s : f32
  } -> tensor<2x3xf32>
  %e0 = tensor.empty() : tensor<f32>
  %s0 = linalg.fill ins(%zero : f32) outs(%e0 : tensor<f32>) -> tensor<f32>
  %sum = linalg.generic {indexing_maps = [#id2, #all], iterator_types = ["reduction", "reduction"]}
      ins(%yb : tensor<2x3xf32>) outs(%s0 : tensor<f32>) {
  ^bb0(%a: f32, %o: f32):
    %s = arith.addf %a, %o : f32
    linalg.yield %s : f32
  } -> tensor<f32>
  %loss = mpt.loss %sum : tensor<f32>
  %seed = mpt.grad_seed %loss : tensor<f32>
  %dy = linalg.generic {indexing_maps = [#all, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%seed : tensor<f32>) outs(%e23 : tensor<2x3xf32>) {
  ^bb0(%a: f32, %o: f32):
    linalg.yield %a : f32
  } -> tensor<2x3xf32>
  %dyh = mpt.cast %dy : tensor<2x3xf32> to tensor<2x3xf16>
  %e42h = tensor.empty() : tensor<4x2xf16>
  %xt = linalg.transpose ins(%xh : tensor<2x4xf16>) outs(%e42h : tensor<4x2xf16>) permutation = [1, 0]
  %e43 = tensor.empty() : tensor<4x3xf32>
  %acc43 = linalg.fill ins(%zero : f32) outs(%e43 : tensor<4x3xf32>) -> tensor<4x3xf32>
  %gw = linalg.matmul ins(%xt, %dyh : tensor<4x2xf16>, tensor<2x3xf16>) outs(%acc43 : tensor<4x3xf32>) -> tensor<4x3xf32>
  %gwh = mpt.cast %gw : tensor<4x3xf32> to tensor<4x3xf16>
  %e3 = tensor.empty() : tensor<3xf32>
  %acc3 = linalg.fill ins(%zero : f32) outs(%e3 : tensor<3xf32>) -> tensor<3xf32>
  %gb = linalg.generic {indexing_maps = [#id2, #col], iterator_types = ["reduction", "parallel"]}
      ins(%dy : tensor<2x3xf32>) outs(%acc3 : tensor<3xf32>) {
  ^bb0(%a: f32, %o: f32):
    %s = arith.addf %a, %o : f32
    linalg.yield %s : f32
  } -> tensor<3xf32>
  %w2, %mw2 = mpt.sgd %w, %gwh momentum_buffer(%mw) {lr = 0.1 : f32, momentum = 0.9 : f32} : tensor<4x3xf32>, tensor<4x3xf16>
  %b2, %mb2 = mpt.sgd %b, %gb momentum_buffer(%mb) {lr = 0.1 : f32, momentum = 0.9 : f32} : tensor<3xf32>
  return %w2, %b2, %mw2, %mb2, %loss : tensor<4x3xf32>, tensor<3xf32>, tensor<4x3xf32>, tensor<3xf32>, tensor<f32>
}

// -----

// After mpt-master-weights: Adam with a working copy; the shared step and the
// working copy are skipped with the rest; an optimizer op that comes before
// the last gradient moves after the unscale-and-check.
// CHECK-LABEL: func.func @ls_dynamic_adam_after_master_weights
// CHECK-SAME: (%[[A:[^:]*]]: tensor<4xf32> {{.*}}, %[[B:[^:]*]]: tensor<4xf32> {{.*}}, %[[AC:[^:]*]]: tensor<4xf16> {{.*}}, %[[M:[^:]*]]: tensor<4xf32> {{.*}}, %[[V:[^:]*]]: tensor<4xf32> {{.*}}, %[[BM:[^:]*]]: tensor<4xf32> {{.*}}, %[[BV:[^:]*]]: tensor<4xf32> {{.*}}, %[[T:[^:]*]]: tensor<f32> {{.*}}, %[[S:[^:]*]]: tensor<f32> {{.*}}, %[[GT:[^:]*]]: tensor<i32> {{.*}}, %[[HT:[^:]*]]: tensor<i32> {{.*}})
// CHECK: %[[SEED:.*]] = mpt.grad_seed %{{.*}} scale(%[[S]])
// CHECK: %[[G32:[^ ]*]] = linalg.generic
// CHECK-NOT: mpt.adam
// CHECK: %[[G:.*]] = mpt.cast %[[G32]] : tensor<4xf32> to tensor<4xf16>
// CHECK-NEXT: %[[U:[^:]*]]:2, %[[F:[^ ]*]] = mpt.unscale_and_check %[[G32]], %[[G]] scale(%[[S]]) : tensor<4xf32>, tensor<4xf16> -> tensor<4xf32>, tensor<4xf32>
// CHECK-NEXT: mpt.adam %[[A]], %[[U]]#0, %[[M]], %[[V]], %[[T]] found_inf(%[[F]]) {lr = 1.000000e-03 : f32} : tensor<4xf32> -> tensor<4xf16>
// CHECK-NEXT: mpt.adam %[[B]], %[[U]]#1, %[[BM]], %[[BV]], %[[T]] found_inf(%[[F]]) {lr = 1.000000e-03 : f32} : tensor<4xf32>{{$}}
// CHECK-NEXT: mpt.update_scale %[[S]], %[[GT]], %[[HT]] found_inf(%[[F]])
func.func @ls_dynamic_adam_after_master_weights(
    %a: tensor<4xf32> {mpt.role = #mpt.role<param>, mpt.name = "a"},
    %b: tensor<4xf32> {mpt.role = #mpt.role<param>, mpt.name = "b"},
    %ac: tensor<4xf16> {mpt.role = #mpt.role<working_copy>, mpt.name = "a.working_copy", mpt.init = #mpt.init<dist = cast_of, source = "a">},
    %m: tensor<4xf32> {mpt.role = #mpt.role<opt_state>, mpt.name = "a.adam_m"}, %v: tensor<4xf32> {mpt.role = #mpt.role<opt_state>, mpt.name = "a.adam_v"},
    %bm: tensor<4xf32> {mpt.role = #mpt.role<opt_state>, mpt.name = "b.adam_m"}, %bv: tensor<4xf32> {mpt.role = #mpt.role<opt_state>, mpt.name = "b.adam_v"},
    %t: tensor<f32> {mpt.role = #mpt.role<opt_state>, mpt.name = "adam.step"})
    -> (tensor<4xf32> {mpt.role = #mpt.role<param>, mpt.updates = "a"}, tensor<4xf32> {mpt.role = #mpt.role<param>, mpt.updates = "b"},
        tensor<4xf16> {mpt.role = #mpt.role<working_copy>, mpt.updates = "a.working_copy"},
        tensor<4xf32> {mpt.role = #mpt.role<opt_state>, mpt.updates = "a.adam_m"}, tensor<4xf32> {mpt.role = #mpt.role<opt_state>, mpt.updates = "a.adam_v"},
        tensor<4xf32> {mpt.role = #mpt.role<opt_state>, mpt.updates = "b.adam_m"}, tensor<4xf32> {mpt.role = #mpt.role<opt_state>, mpt.updates = "b.adam_v"},
        tensor<f32> {mpt.role = #mpt.role<opt_state>, mpt.updates = "adam.step"}, tensor<f32> {mpt.role = #mpt.role<loss>}) {
  %l = arith.constant dense<2.0> : tensor<f32>
  %loss = mpt.loss %l : tensor<f32>
  %seed = mpt.grad_seed %loss : tensor<f32>
  %e = tensor.empty() : tensor<4xf32>
  %g32 = linalg.generic {indexing_maps = [affine_map<(d0) -> ()>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]}
      ins(%seed : tensor<f32>) outs(%e : tensor<4xf32>) {
  ^bb0(%s: f32, %o: f32):
    linalg.yield %s : f32
  } -> tensor<4xf32>
  %a2, %m2, %v2, %t2, %ac2 = mpt.adam %a, %g32, %m, %v, %t {lr = 1.0e-3 : f32} : tensor<4xf32> -> tensor<4xf16>
  // The gradient of both parameters, computed after the first update.
  %g = mpt.cast %g32 : tensor<4xf32> to tensor<4xf16>
  %b2, %bm2, %bv2, %t3 = mpt.adam %b, %g, %bm, %bv, %t {lr = 1.0e-3 : f32} : tensor<4xf32>, tensor<4xf16>
  return %a2, %b2, %ac2, %m2, %v2, %bm2, %bv2, %t2, %loss : tensor<4xf32>, tensor<4xf32>, tensor<4xf16>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<f32>, tensor<f32>
}

// -----

// One gradient read by two optimizer ops (tied weights) is unscaled once.
// CHECK-LABEL: func.func @ls_dynamic_shared_gradient
// CHECK: %[[U:[^ ]*]], %[[F:[^ ]*]] = mpt.unscale_and_check %{{[^ ]*}} scale(%{{.*}}) : tensor<4xf16> -> tensor<4xf32>
// CHECK-NEXT: mpt.sgd %{{.*}}, %[[U]] found_inf(%[[F]])
// CHECK-NEXT: mpt.sgd %{{.*}}, %[[U]] found_inf(%[[F]])
func.func @ls_dynamic_shared_gradient(%a: tensor<4xf32> {mpt.role = #mpt.role<param>, mpt.name = "a"}, %b: tensor<4xf32> {mpt.role = #mpt.role<param>, mpt.name = "b"})
    -> (tensor<4xf32> {mpt.role = #mpt.role<param>, mpt.updates = "a"}, tensor<4xf32> {mpt.role = #mpt.role<param>, mpt.updates = "b"}) {
  %l = arith.constant dense<2.0> : tensor<f32>
  %loss = mpt.loss %l : tensor<f32>
  %seed = mpt.grad_seed %loss : tensor<f32>
  %e = tensor.empty() : tensor<4xf16>
  %g = linalg.generic {indexing_maps = [affine_map<(d0) -> ()>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]}
      ins(%seed : tensor<f32>) outs(%e : tensor<4xf16>) {
  ^bb0(%s: f32, %o: f16):
    %h = arith.truncf %s : f32 to f16
    linalg.yield %h : f16
  } -> tensor<4xf16>
  %a2 = mpt.sgd %a, %g {lr = 0.5 : f32} : tensor<4xf32>, tensor<4xf16>
  %b2 = mpt.sgd %b, %g {lr = 0.5 : f32} : tensor<4xf32>, tensor<4xf16>
  return %a2, %b2 : tensor<4xf32>, tensor<4xf32>
}
