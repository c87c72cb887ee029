// Uses of the gradients outside the optimizer ops. After the step's
// unscale-and-check every use reads the unscaled gradient (as after PyTorch's
// scaler.unscale_); a result computed from the backward pass before the last
// gradient exists still carries the loss scale and is reported.
// RUN: mpt-opt %s -split-input-file -mpt-loss-scaling=mode=dynamic -verify-diagnostics | FileCheck %s

// A gradient returned as an output (FP16, as autocast leaves it) is the
// unscaled FP32 gradient cast back to the output's type; the optimizer reads
// the FP32 one.
// CHECK-LABEL: func.func @grad_output
// CHECK: %[[U:[^,]*]], %[[F:[^ ]*]] = mpt.unscale_and_check %[[G:[^ ]*]] scale
// CHECK-NEXT: %[[UH:.*]] = mpt.cast %[[U]] : tensor<4x4xf32> to tensor<4x4xf16>
// CHECK: mpt.sgd %{{.*}}, %[[U]] found_inf(%[[F]])
// CHECK: return {{.*}}, %[[UH]], %[[F]] :
func.func @grad_output(
    %w: tensor<4x4xf32> {mpt.role = #mpt.role<param>, mpt.name = "w", mpt.init = #mpt.init<dist = zeros>},
    %x: tensor<2x4xf16> {mpt.role = #mpt.role<input>, mpt.name = "x"})
    -> (tensor<4x4xf32> {mpt.role = #mpt.role<param>, mpt.updates = "w"},
        tensor<f32> {mpt.role = #mpt.role<loss>},
        tensor<4x4xf16> {mpt.role = #mpt.role<output>, mpt.name = "grad_w"}) {
  %z = arith.constant 0.0 : f32
  %zh = arith.constant 0.0 : f16
  %wh = mpt.cast %w : tensor<4x4xf32> to tensor<4x4xf16>
  %e = tensor.empty() : tensor<2x4xf32>
  %i = linalg.fill ins(%z : f32) outs(%e : tensor<2x4xf32>) -> tensor<2x4xf32>
  %y = linalg.matmul ins(%x, %wh : tensor<2x4xf16>, tensor<4x4xf16>) outs(%i : tensor<2x4xf32>) -> tensor<2x4xf32>
  %e0 = tensor.empty() : tensor<f32>
  %f0 = linalg.fill ins(%z : f32) outs(%e0 : tensor<f32>) -> tensor<f32>
  %s = linalg.reduce ins(%y : tensor<2x4xf32>) outs(%f0 : tensor<f32>) dimensions = [0, 1]
    (%a: f32, %b: f32) {
      %t = arith.addf %a, %b : f32
      linalg.yield %t : f32
    }
  %l = mpt.loss %s : tensor<f32>
  %seed = mpt.grad_seed %l : tensor<f32>
  %seedh = mpt.cast %seed : tensor<f32> to tensor<f16>
  %eg = tensor.empty() : tensor<2x4xf16>
  %gy = linalg.broadcast ins(%seedh : tensor<f16>) outs(%eg : tensor<2x4xf16>) dimensions = [0, 1]
  %xt0 = tensor.empty() : tensor<4x2xf16>
  %xt = linalg.transpose ins(%x : tensor<2x4xf16>) outs(%xt0 : tensor<4x2xf16>) permutation = [1, 0]
  %ew = tensor.empty() : tensor<4x4xf16>
  %iw = linalg.fill ins(%zh : f16) outs(%ew : tensor<4x4xf16>) -> tensor<4x4xf16>
  %gw = linalg.matmul ins(%xt, %gy : tensor<4x2xf16>, tensor<2x4xf16>) outs(%iw : tensor<4x4xf16>) -> tensor<4x4xf16>
  %w2 = mpt.sgd %w, %gw {lr = 0.1 : f32} : tensor<4x4xf32>, tensor<4x4xf16>
  return %w2, %l, %gw : tensor<4x4xf32>, tensor<f32>, tensor<4x4xf16>
}

// -----

// The norm of the first gradient is taken before the second gradient exists,
// so before the step's one unscale-and-check: it is scaled, and said so.
// CHECK-LABEL: func.func @early_norm
// CHECK-SAME: %[[SC:[^:]*]]: tensor<f32> {{{.*}}mpt.name = "loss_scale.scale"
// CHECK: %[[SEED:.*]] = mpt.grad_seed %{{.*}} scale(%[[SC]])
// CHECK: %[[GW:.*]] = linalg.broadcast ins(%[[SEED]] : tensor<f32>)
// The norm reads the scaled gradient...
// CHECK: %[[NORM:.*]] = linalg.reduce ins(%[[GW]] : tensor<4xf32>)
// CHECK: %[[GV:.*]] = linalg.broadcast ins(%[[SEED]] : tensor<f32>)
// ...because the one unscale-and-check comes after the last gradient.
// CHECK: %[[U:.*]]:2, %[[F:.*]] = mpt.unscale_and_check %[[GW]], %[[GV]] scale(%[[SC]])
// CHECK: mpt.sgd %{{.*}}, %[[U]]#0 found_inf(%[[F]])
// CHECK: mpt.sgd %{{.*}}, %[[U]]#1 found_inf(%[[F]])
// CHECK: return {{.*}}, %[[NORM]], %[[F]] :
// expected-warning @below {{mpt-loss-scaling: result #3 ("grad_norm_w") of 'early_norm' is computed from the backward pass before its gradients are unscaled, so it is multiplied by the loss scale; compute it from the gradients after the last one exists}}
func.func @early_norm(
    %w: tensor<4xf32> {mpt.role = #mpt.role<param>, mpt.name = "w", mpt.init = #mpt.init<dist = zeros>},
    %v: tensor<4xf32> {mpt.role = #mpt.role<param>, mpt.name = "v", mpt.init = #mpt.init<dist = zeros>})
    -> (tensor<4xf32> {mpt.role = #mpt.role<param>, mpt.updates = "w"},
        tensor<4xf32> {mpt.role = #mpt.role<param>, mpt.updates = "v"},
        tensor<f32> {mpt.role = #mpt.role<loss>},
        tensor<f32> {mpt.role = #mpt.role<output>, mpt.name = "grad_norm_w"}) {
  %z = arith.constant 0.0 : f32
  %e0 = tensor.empty() : tensor<f32>
  %f0 = linalg.fill ins(%z : f32) outs(%e0 : tensor<f32>) -> tensor<f32>
  %s = linalg.reduce ins(%w : tensor<4xf32>) outs(%f0 : tensor<f32>) dimensions = [0]
    (%a: f32, %b: f32) {
      %t = arith.addf %a, %b : f32
      linalg.yield %t : f32
    }
  %l = mpt.loss %s : tensor<f32>
  %seed = mpt.grad_seed %l : tensor<f32>
  %e4 = tensor.empty() : tensor<4xf32>
  %gw = linalg.broadcast ins(%seed : tensor<f32>) outs(%e4 : tensor<4xf32>) dimensions = [0]
  %n = linalg.reduce ins(%gw : tensor<4xf32>) outs(%f0 : tensor<f32>) dimensions = [0]
    (%a: f32, %b: f32) {
      %sq = arith.mulf %a, %a : f32
      %t = arith.addf %sq, %b : f32
      linalg.yield %t : f32
    }
  %gv = linalg.broadcast ins(%seed : tensor<f32>) outs(%e4 : tensor<4xf32>) dimensions = [0]
  %w2 = mpt.sgd %w, %gw {lr = 0.1 : f32} : tensor<4xf32>
  %v2 = mpt.sgd %v, %gv {lr = 0.1 : f32} : tensor<4xf32>
  return %w2, %v2, %l, %n : tensor<4xf32>, tensor<4xf32>, tensor<f32>, tensor<f32>
}
