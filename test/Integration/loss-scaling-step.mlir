// A whole training step through mpt-loss-scaling and the lowering, driven for
// ten steps: the gradient of w is the input x, computed in f16 from the
// scaled seed, so it overflows when |x| * scale >= 65520. With x[0] = 1, 2,
// 1, 1, 1, 1, 1, 1, 1, 1 the overflows fall on the steps of the issue's
// reference pattern (1,1,0,0,0,0,0,0,1,0), so the scale must follow
// 32768, 16384, 16384, 16384, 32768, 32768, 32768, 65536, 32768, 32768;
// w must stay bit for bit on the skipped steps and move by lr * x on the
// others (x is exact in f16 at every scale used, so unscaling is exact).
// RUN: mpt-opt %s -mpt-loss-scaling="mode=dynamic init-scale=65536 growth-interval=3" > %t.step.mlir
// RUN: %python %S/Inputs/splice.py %t.step.mlir %S/Inputs/loss-scaling-step-main.mlir \
// RUN:   | mpt-opt -convert-mpt-to-linalg -mpt-prepare-entry-points=c-interface=false | %lower_to_llvm | %run_main | FileCheck %s

// Each line: the scale after the step, found_inf, w[0..3] after the step.
// w starts at 1; a clean step subtracts 0.5 * x = 0.5 * [1, 0.5, -0.25, 0.125].
// CHECK: 32768, 1, 1, 1, 1, 1
// CHECK-NEXT: 16384, 1, 1, 1, 1, 1
// CHECK-NEXT: 16384, 0, 0.5, 0.75, 1.125, 0.9375
// CHECK-NEXT: 16384, 0, 0, 0.5, 1.25, 0.875
// CHECK-NEXT: 32768, 0, -0.5, 0.25, 1.375, 0.8125
// CHECK-NEXT: 32768, 0, -1, 0, 1.5, 0.75
// CHECK-NEXT: 32768, 0, -1.5, -0.25, 1.625, 0.6875
// CHECK-NEXT: 65536, 0, -2, -0.5, 1.75, 0.625
// CHECK-NEXT: 32768, 1, -2, -0.5, 1.75, 0.625
// CHECK-NEXT: 32768, 0, -2.5, -0.75, 1.875, 0.5625

#id = affine_map<(d0) -> (d0)>
#all = affine_map<(d0) -> ()>
func.func @train_step(%w: tensor<4xf32> {mpt.role = #mpt.role<param>, mpt.name = "w", mpt.init = #mpt.init<dist = constant, value = 1.0>},
                      %x: tensor<4xf32> {mpt.role = #mpt.role<input>, mpt.name = "x"})
    -> (tensor<4xf32> {mpt.role = #mpt.role<param>, mpt.updates = "w"}, tensor<f32> {mpt.role = #mpt.role<loss>}) {
  // loss = sum(w * x)
  %e = tensor.empty() : tensor<4xf32>
  %wx = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel"]}
      ins(%w, %x : tensor<4xf32>, tensor<4xf32>) outs(%e : tensor<4xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %m = arith.mulf %a, %b : f32
    linalg.yield %m : f32
  } -> tensor<4xf32>
  %zero = arith.constant 0.0 : f32
  %e0 = tensor.empty() : tensor<f32>
  %z = linalg.fill ins(%zero : f32) outs(%e0 : tensor<f32>) -> tensor<f32>
  %sum = linalg.generic {indexing_maps = [#id, #all], iterator_types = ["reduction"]}
      ins(%wx : tensor<4xf32>) outs(%z : tensor<f32>) {
  ^bb0(%a: f32, %o: f32):
    %s = arith.addf %a, %o : f32
    linalg.yield %s : f32
  } -> tensor<f32>
  %loss = mpt.loss %sum : tensor<f32>
  %seed = mpt.grad_seed %loss : tensor<f32>
  // dloss/dw = seed * x, rounded to f16 as a low-precision backward pass does.
  %eh = tensor.empty() : tensor<4xf16>
  %g = linalg.generic {indexing_maps = [#all, #id, #id], iterator_types = ["parallel"]}
      ins(%seed, %x : tensor<f32>, tensor<4xf32>) outs(%eh : tensor<4xf16>) {
  ^bb0(%s: f32, %b: f32, %o: f16):
    %m = arith.mulf %s, %b : f32
    %h = arith.truncf %m : f32 to f16
    linalg.yield %h : f16
  } -> tensor<4xf16>
  %w2 = mpt.sgd %w, %g {lr = 0.5 : f32} : tensor<4xf32>, tensor<4xf16>
  return %w2, %loss : tensor<4xf32>, tensor<f32>
}
