// mpt-loss-scaling modes other than dynamic, and the options.
// RUN: mpt-opt %s -split-input-file -mpt-loss-scaling="mode=static init-scale=1024" | FileCheck %s --check-prefix=STATIC
// RUN: mpt-opt %s -split-input-file -mpt-loss-scaling=mode=none | FileCheck %s --check-prefix=NONE
// RUN: mpt-opt %s -split-input-file -mpt-loss-scaling | FileCheck %s --check-prefix=AUTO
// RUN: mpt-opt %s -split-input-file -mpt-loss-scaling="mode=dynamic init-scale=4 growth-factor=4 backoff-factor=0.25 growth-interval=3 hysteresis=2 min-scale=1 max-scale=16777216" | FileCheck %s --check-prefix=OPTS

// Static: a constant scale, still one unscale-and-check and skipped steps,
// found_inf returned; no scale state and no update.
// STATIC-LABEL: func.func @ls_modes_f16
// STATIC-SAME: (%[[W:[^:]*]]: tensor<4xf32> {mpt.name = "w", mpt.role = #mpt.role<param>})
// STATIC-SAME: -> (tensor<4xf32> {mpt.role = #mpt.role<param>, mpt.updates = "w"}, tensor<f32> {mpt.role = #mpt.role<loss>}, tensor<i1> {mpt.name = "found_inf", mpt.role = #mpt.role<output>})
// STATIC-NEXT: %[[S:.*]] = arith.constant dense<1.024000e+03> : tensor<f32>
// STATIC: mpt.grad_seed %{{.*}} scale(%[[S]])
// STATIC: %[[U:[^ ]*]], %[[F:[^ ]*]] = mpt.unscale_and_check %{{.*}} scale(%[[S]]) : tensor<4xf16> -> tensor<4xf32>
// STATIC-NEXT: mpt.sgd %[[W]], %[[U]] found_inf(%[[F]])
// STATIC-NOT: mpt.update_scale
// STATIC: return {{.*}}, %[[F]] : tensor<4xf32>, tensor<f32>, tensor<i1>

// None: the graph stays unscaled: same signature, unscaled seed, the
// optimizer op on the f16 gradient as it was, no unscale, no skip.
// NONE-LABEL: func.func @ls_modes_f16
// NONE-SAME: (%[[W:[^:]*]]: tensor<4xf32> {mpt.name = "w", mpt.role = #mpt.role<param>})
// NONE-SAME: -> (tensor<4xf32> {mpt.role = #mpt.role<param>, mpt.updates = "w"}, tensor<f32> {mpt.role = #mpt.role<loss>}) {
// NONE: %[[L:.*]] = mpt.loss
// NONE-NEXT: %[[SEED:.*]] = mpt.grad_seed %[[L]] : tensor<f32>
// NONE-NOT: mpt.unscale_and_check
// NONE: %[[G:.*]] = linalg.generic {{.*}} ins(%[[SEED]] : tensor<f32>)
// NONE: %[[W2:.*]] = mpt.sgd %[[W]], %[[G]] {lr = 5.000000e-01 : f32} : tensor<4xf32>, tensor<4xf16>
// NONE-NEXT: return %[[W2]], %[[L]] : tensor<4xf32>, tensor<f32>

// Auto: the step computes in f16, so dynamic.
// AUTO-LABEL: func.func @ls_modes_f16
// AUTO-SAME: mpt.name = "loss_scale.scale"
// AUTO: mpt.update_scale

// Options: init scale, hysteresis (initial counter and attribute), growth,
// backoff, interval and bounds.
// OPTS-LABEL: func.func @ls_modes_f16
// OPTS-SAME: tensor<f32> {mpt.init = #mpt.init<dist = constant, value = 4.000000e+00>, mpt.name = "loss_scale.scale", mpt.role = #mpt.role<loss_scale_state>}
// OPTS-SAME: tensor<i32> {mpt.init = #mpt.init<dist = constant, value = 2.000000e+00>, mpt.name = "loss_scale.hysteresis_tracker", mpt.role = #mpt.role<loss_scale_state>}
// OPTS: mpt.update_scale %{{.*}} {backoff_factor = 2.500000e-01 : f32, growth_factor = 4.000000e+00 : f32, growth_interval = 3 : i64, hysteresis = 2 : i64, max_scale = 0x4B800000 : f32, min_scale = 1.000000e+00 : f32}
func.func @ls_modes_f16(%w: tensor<4xf32> {mpt.role = #mpt.role<param>, mpt.name = "w"})
    -> (tensor<4xf32> {mpt.role = #mpt.role<param>, mpt.updates = "w"}, tensor<f32> {mpt.role = #mpt.role<loss>}) {
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
  %w2 = mpt.sgd %w, %g {lr = 0.5 : f32} : tensor<4xf32>, tensor<4xf16>
  return %w2, %loss : tensor<4xf32>, tensor<f32>
}

// -----

// Auto on a bf16 step: BF16 needs no loss scaling, so none.
// AUTO-LABEL: func.func @ls_modes_bf16
// AUTO-NOT: loss_scale
// AUTO: mpt.grad_seed %{{[^ ]*}} : tensor<f32>
// AUTO-NOT: mpt.unscale_and_check
// AUTO: mpt.sgd %{{.*}}, %{{.*}} {lr = 5.000000e-01 : f32} : tensor<4xf32>, tensor<4xbf16>
// An explicit mode applies to a bf16 step as well: static scales it.
// STATIC-LABEL: func.func @ls_modes_bf16
// STATIC-NEXT: %[[S:.*]] = arith.constant dense<1.024000e+03> : tensor<f32>
// STATIC: mpt.grad_seed %{{.*}} scale(%[[S]])
// STATIC: %[[U:[^ ]*]], %[[F:[^ ]*]] = mpt.unscale_and_check %{{.*}} scale(%[[S]]) : tensor<4xbf16> -> tensor<4xf32>
// STATIC-NEXT: mpt.sgd %{{.*}}, %[[U]] found_inf(%[[F]])
// STATIC-NOT: mpt.update_scale
// None leaves the bf16 step as it was.
// NONE-LABEL: func.func @ls_modes_bf16
// NONE-SAME: -> (tensor<4xf32> {mpt.role = #mpt.role<param>, mpt.updates = "w"}, tensor<f32> {mpt.role = #mpt.role<loss>}) {
// NONE: mpt.grad_seed %{{[^ ]*}} : tensor<f32>
// NONE-NOT: mpt.unscale_and_check
// NONE: mpt.sgd %{{.*}}, %{{.*}} {lr = 5.000000e-01 : f32} : tensor<4xf32>, tensor<4xbf16>
// NONE-NEXT: return
// And dynamic (with the options) too: the scale state, its update with the
// options' attributes, and the skip.
// OPTS-LABEL: func.func @ls_modes_bf16
// OPTS-SAME: %[[SC:[^:]*]]: tensor<f32> {mpt.init = #mpt.init<dist = constant, value = 4.000000e+00>, mpt.name = "loss_scale.scale", mpt.role = #mpt.role<loss_scale_state>}
// OPTS: mpt.grad_seed %{{.*}} scale(%[[SC]])
// OPTS: %[[U:[^ ]*]], %[[F:[^ ]*]] = mpt.unscale_and_check %{{.*}} scale(%[[SC]]) : tensor<4xbf16> -> tensor<4xf32>
// OPTS-NEXT: mpt.sgd %{{.*}}, %[[U]] found_inf(%[[F]])
// OPTS-NEXT: mpt.update_scale %[[SC]], %{{.*}}, %{{.*}} found_inf(%[[F]]) {backoff_factor = 2.500000e-01 : f32, growth_factor = 4.000000e+00 : f32, growth_interval = 3 : i64, hysteresis = 2 : i64, max_scale = 0x4B800000 : f32, min_scale = 1.000000e+00 : f32}
func.func @ls_modes_bf16(%w: tensor<4xf32> {mpt.role = #mpt.role<param>, mpt.name = "w"})
    -> (tensor<4xf32> {mpt.role = #mpt.role<param>, mpt.updates = "w"}, tensor<f32> {mpt.role = #mpt.role<loss>}) {
  %l = arith.constant dense<2.0> : tensor<f32>
  %loss = mpt.loss %l : tensor<f32>
  %seed = mpt.grad_seed %loss : tensor<f32>
  %e = tensor.empty() : tensor<4xbf16>
  %g = linalg.generic {indexing_maps = [affine_map<(d0) -> ()>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]}
      ins(%seed : tensor<f32>) outs(%e : tensor<4xbf16>) {
  ^bb0(%s: f32, %o: bf16):
    %h = arith.truncf %s : f32 to bf16
    linalg.yield %h : bf16
  } -> tensor<4xbf16>
  %w2 = mpt.sgd %w, %g {lr = 0.5 : f32} : tensor<4xf32>, tensor<4xbf16>
  return %w2, %loss : tensor<4xf32>, tensor<f32>
}
