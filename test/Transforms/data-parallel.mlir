// mpt-data-parallel: every gradient goes through mpt.all_reduce before the
// overflow check (or, without loss scaling, before the optimizer ops), in
// buckets of one element type; the returned loss is averaged too.
// RUN: mpt-opt %s -split-input-file -mpt-data-parallel | FileCheck %s
// Idempotent: a step that already has an all-reduce is left alone.
// RUN: mpt-opt %s -split-input-file -mpt-data-parallel -mpt-data-parallel | FileCheck %s
// RUN: mpt-opt %s -split-input-file -mpt-data-parallel="comm-precision=native bucket-bytes=16" | FileCheck %s --check-prefix=NATIVE
// RUN: mpt-opt %s -split-input-file -mpt-data-parallel="reduce=sum" | FileCheck %s --check-prefix=SUM

// The f16 gradient is cast to f32 (comm-precision=f32, the default); both
// gradients and the loss travel in one bucket; unscale_and_check reads the
// reduced gradients, so found_inf is the same on every rank; the returned
// loss is the mean over the ranks.
// CHECK-LABEL: func.func @dp_with_loss_scaling
// CHECK-SAME: %[[GW:[^:]*]]: tensor<4x3xf16>
// CHECK-SAME: %[[GB:[^:]*]]: tensor<3xf32>
// CHECK-SAME: %[[L:[^:]*]]: tensor<f32>
// CHECK: %[[C:.*]] = mpt.cast %[[GW]] : tensor<4x3xf16> to tensor<4x3xf32>
// CHECK-NEXT: %[[R:.*]]:3 = mpt.all_reduce <mean> %[[C]], %[[GB]], %[[L]] : tensor<4x3xf32>, tensor<3xf32>, tensor<f32> -> tensor<4x3xf32>, tensor<3xf32>, tensor<f32>
// CHECK-NEXT: %{{.*}}:2, %[[F:.*]] = mpt.unscale_and_check %[[R]]#0, %[[R]]#1 scale(
// CHECK: return %{{.*}}, %{{.*}}, %[[R]]#2 :
// NATIVE-LABEL: func.func @dp_with_loss_scaling
// NATIVE-SAME: %[[GW:[^:]*]]: tensor<4x3xf16>
// NATIVE-SAME: %[[GB:[^:]*]]: tensor<3xf32>
// NATIVE-SAME: %[[L:[^:]*]]: tensor<f32>
// NATIVE-NOT: mpt.cast
// NATIVE: %[[R0:.*]] = mpt.all_reduce <mean> %[[GW]] : tensor<4x3xf16> -> tensor<4x3xf16>
// NATIVE-NEXT: %[[R1:.*]]:2 = mpt.all_reduce <mean> %[[GB]], %[[L]] : tensor<3xf32>, tensor<f32> -> tensor<3xf32>, tensor<f32>
// NATIVE-NEXT: mpt.unscale_and_check %[[R0]], %[[R1]]#0 scale(
// NATIVE: return %{{.*}}, %{{.*}}, %[[R1]]#1 :
// SUM-LABEL: func.func @dp_with_loss_scaling
// SUM: %[[R:.*]]:2 = mpt.all_reduce <sum> %{{.*}}, %{{.*}} : tensor<4x3xf32>, tensor<3xf32>
// SUM-NEXT: %[[RL:.*]] = mpt.all_reduce <mean> %{{.*}} : tensor<f32> -> tensor<f32>
// SUM: mpt.unscale_and_check %[[R]]#0, %[[R]]#1 scale(
// SUM: return %{{.*}}, %{{.*}}, %[[RL]] :
func.func @dp_with_loss_scaling(
    %w: tensor<4x3xf32> {mpt.role = #mpt.role<param>, mpt.name = "w", mpt.init = #mpt.init<dist = zeros>},
    %b: tensor<3xf32> {mpt.role = #mpt.role<param>, mpt.name = "b", mpt.init = #mpt.init<dist = zeros>},
    %s: tensor<f32> {mpt.role = #mpt.role<loss_scale_state>, mpt.name = "loss_scale.scale", mpt.init = #mpt.init<dist = constant, value = 65536.0>},
    %gw: tensor<4x3xf16> {mpt.role = #mpt.role<input>, mpt.name = "gw"},
    %gb: tensor<3xf32> {mpt.role = #mpt.role<input>, mpt.name = "gb"},
    %l: tensor<f32> {mpt.role = #mpt.role<input>, mpt.name = "l"})
    -> (tensor<4x3xf32> {mpt.role = #mpt.role<param>, mpt.updates = "w"},
        tensor<3xf32> {mpt.role = #mpt.role<param>, mpt.updates = "b"},
        tensor<f32> {mpt.role = #mpt.role<loss>}) {
  %u:2, %inf = mpt.unscale_and_check %gw, %gb scale(%s) : tensor<4x3xf16>, tensor<3xf32> -> tensor<4x3xf32>, tensor<3xf32>
  %w2 = mpt.sgd %w, %u#0 found_inf(%inf) {lr = 0.1 : f32} : tensor<4x3xf32>
  %b2 = mpt.sgd %b, %u#1 found_inf(%inf) {lr = 0.1 : f32} : tensor<3xf32>
  return %w2, %b2, %l : tensor<4x3xf32>, tensor<3xf32>, tensor<f32>
}

// -----

// Without loss scaling the optimizer ops read the reduced gradients; a
// gradient used twice travels once.
// CHECK-LABEL: func.func @dp_without_loss_scaling
// CHECK-SAME: %[[G:[^:]*]]: tensor<3xf32> {mpt.name = "g"
// CHECK: %[[R:.*]] = mpt.all_reduce <mean> %[[G]] : tensor<3xf32> -> tensor<3xf32>
// CHECK-NEXT: mpt.sgd %{{.*}}, %[[R]] {
// CHECK-NEXT: mpt.sgd %{{.*}}, %[[R]] {
// CHECK-NOT: mpt.all_reduce
func.func @dp_without_loss_scaling(
    %a: tensor<3xf32> {mpt.role = #mpt.role<param>, mpt.name = "a", mpt.init = #mpt.init<dist = zeros>},
    %b: tensor<3xf32> {mpt.role = #mpt.role<param>, mpt.name = "b", mpt.init = #mpt.init<dist = zeros>},
    %g: tensor<3xf32> {mpt.role = #mpt.role<input>, mpt.name = "g"})
    -> (tensor<3xf32> {mpt.role = #mpt.role<param>, mpt.updates = "a"},
        tensor<3xf32> {mpt.role = #mpt.role<param>, mpt.updates = "b"}) {
  %a2 = mpt.sgd %a, %g {lr = 0.1 : f32} : tensor<3xf32>
  %b2 = mpt.sgd %b, %g {lr = 0.1 : f32} : tensor<3xf32>
  return %a2, %b2 : tensor<3xf32>, tensor<3xf32>
}

// -----

// No optimizer op (an evaluation step): nothing to reduce.
// CHECK-LABEL: func.func @dp_eval_step_untouched
// CHECK-NOT: mpt.all_reduce
func.func @dp_eval_step_untouched(%x: tensor<3xf32>) -> tensor<3xf32> {
  return %x : tensor<3xf32>
}

// -----

// With loss scaling the mean's 1/N goes into the seed (scale * 1/N from the
// runtime) and the gradients are summed; the loss travels in the same
// bucket, divided by N too.
// CHECK-LABEL: func.func private @mpt_rt_inverse_ranks() -> f32
// CHECK-LABEL: func.func @dp_predivided_seed
// CHECK-SAME: %[[S:[^:]*]]: tensor<f32> {mpt.init = #mpt.init<dist = constant, value = 6.553600e+04>, mpt.name = "loss_scale.scale"
// CHECK-NEXT: %[[INV:.*]] = call @mpt_rt_inverse_ranks() : () -> f32
// CHECK-NEXT: %[[INVT:.*]] = tensor.from_elements %[[INV]] : tensor<f32>
// CHECK: %[[LOSS:.*]] = mpt.loss
// CHECK-NEXT: %[[SN:.*]] = arith.mulf %[[S]], %[[INVT]] : tensor<f32>
// CHECK: mpt.grad_seed %[[LOSS]] scale(%[[SN]])
// CHECK: %[[LN:.*]] = arith.mulf %[[LOSS]], %[[INVT]] : tensor<f32>
// CHECK: %[[R:.*]]:2 = mpt.all_reduce <sum> %{{.*}}, %[[LN]] : tensor<3xf32>, tensor<f32>
// CHECK: mpt.unscale_and_check %[[R]]#0 scale(%[[S]])
// CHECK: return %{{.*}}, %[[R]]#1 :
func.func @dp_predivided_seed(
    %w: tensor<3xf32> {mpt.role = #mpt.role<param>, mpt.name = "w", mpt.init = #mpt.init<dist = zeros>},
    %s: tensor<f32> {mpt.role = #mpt.role<loss_scale_state>, mpt.name = "loss_scale.scale", mpt.init = #mpt.init<dist = constant, value = 65536.0>},
    %x: tensor<3xf32> {mpt.role = #mpt.role<input>, mpt.name = "x"})
    -> (tensor<3xf32> {mpt.role = #mpt.role<param>, mpt.updates = "w"},
        tensor<f32> {mpt.role = #mpt.role<loss>}) {
  %c0 = arith.constant 0 : index
  %e = tensor.extract %x[%c0] : tensor<3xf32>
  %l0 = tensor.from_elements %e : tensor<f32>
  %loss = mpt.loss %l0 : tensor<f32>
  %seed = mpt.grad_seed %loss scale(%s) : tensor<f32>
  %v = tensor.extract %seed[] : tensor<f32>
  %g = tensor.splat %v : tensor<3xf32>
  %u, %inf = mpt.unscale_and_check %g scale(%s) : tensor<3xf32> -> tensor<3xf32>
  %w2 = mpt.sgd %w, %u found_inf(%inf) {lr = 0.1 : f32} : tensor<3xf32>
  return %w2, %loss : tensor<3xf32>, tensor<f32>
}
