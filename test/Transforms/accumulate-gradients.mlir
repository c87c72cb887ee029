// mpt-accumulate-gradients on the frontend's MLP step (batch 4): the
// inputs take 3 micro-batches (12 samples); the forward and backward pass
// run in an scf.for over slices of 4, adding gradients and loss in FP32;
// the optimizer ops run once, after the loop, on the mean gradients
// (sum * 1/3) and the returned loss is the mean loss.
// RUN: mpt-opt %S/Inputs/mlp_train_step.mlir -mpt-accumulate-gradients=micro-batches=3 | FileCheck %s
// micro-batches=1 changes nothing.
// RUN: mpt-opt %S/Inputs/mlp_train_step.mlir -mpt-accumulate-gradients=micro-batches=1 | FileCheck %s --check-prefix=ONE
// With loss scaling the one overflow check reads the accumulated gradients.
// RUN: mpt-opt %S/Inputs/mlp_train_step.mlir -mpt-mixed-precision=precision=f16 -mpt-accumulate-gradients=micro-batches=2 | FileCheck %s --check-prefix=SCALED
// RUN: not mpt-opt %S/Inputs/mlp_train_step.mlir -mpt-accumulate-gradients=micro-batches=0 2>&1 | FileCheck %s --check-prefix=ZERO
// The pipeline's options: accumulation, then the all-reduce after the loop,
// 1/N of the pre-divided seed computed before the loop (the seed is inside
// it, the loss after it reads 1/N as well).
// RUN: mpt-opt %S/Inputs/mlp_train_step.mlir -mpt-mixed-precision="precision=f16 accumulate=2 data-parallel=true" | FileCheck %s --check-prefix=DP

// CHECK-LABEL: func.func @train_step
// CHECK-SAME: %[[X:[^:]*]]: tensor<12x8x8x1xf32> {mpt.name = "x", mpt.role = #mpt.role<input>}
// CHECK-SAME: %[[Y:[^:]*]]: tensor<12xi32> {mpt.name = "y", mpt.role = #mpt.role<input>}
// CHECK-NOT: mpt.loss
// CHECK: %[[C3:.*]] = arith.constant 3 : index
// CHECK: %[[R:.*]]:5 = scf.for %[[I:.*]] = %{{.*}} to %[[C3]] step %{{.*}} iter_args({{.*}}) -> (tensor<64x16xf32>, tensor<16xf32>, tensor<16x10xf32>, tensor<10xf32>, tensor<f32>)
// CHECK: %[[OFF:.*]] = arith.muli %[[I]], %{{.*}} : index
// CHECK: tensor.extract_slice %[[X]][%[[OFF]], 0, 0, 0] [4, 8, 8, 1] [1, 1, 1, 1] : tensor<12x8x8x1xf32> to tensor<4x8x8x1xf32>
// CHECK: tensor.extract_slice %[[Y]][%[[OFF]]] [4] [1] : tensor<12xi32> to tensor<4xi32>
// CHECK: mpt.loss
// CHECK: mpt.grad_seed
// CHECK: scf.yield
// CHECK: %[[THIRD:.*]] = arith.constant dense<0.333333343> : tensor<64x16xf32>
// CHECK: %[[GW:.*]] = arith.mulf %[[R]]#0, %[[THIRD]] : tensor<64x16xf32>
// CHECK: %[[LOSS:.*]] = arith.mulf %[[R]]#4, %{{.*}} : tensor<f32>
// CHECK-NOT: mpt.loss
// CHECK: mpt.sgd %{{.*}}, %[[GW]] {lr
// CHECK: return {{.*}}, %[[LOSS]] :

// ONE-LABEL: func.func @train_step
// ONE-NOT: scf.for
// ONE: tensor<4x8x8x1xf32>

// Under loss scaling the seed is scale * 1/2 and the gradients are summed
// (no multiplication by 1/2 after the loop).
// SCALED-LABEL: func.func @train_step
// SCALED-SAME: %[[S:[^:]*]]: tensor<f32> {mpt.init = #mpt.init<dist = constant, value = 6.553600e+04>
// SCALED: %[[HALF:.*]] = arith.constant dense<5.000000e-01> : tensor<f32>
// SCALED: %[[SK:.*]] = arith.mulf %[[S]], %[[HALF]] : tensor<f32>
// SCALED: %[[R:.*]]:{{[0-9]+}} = scf.for
// SCALED: mpt.grad_seed %{{.*}} scale(%[[SK]])
// SCALED: scf.yield
// SCALED: mpt.unscale_and_check %[[R]]#0,
// SCALED-NOT: mpt.unscale_and_check

// ZERO: error: mpt-accumulate-gradients: micro-batches must be at least 1, got 0

// DP-LABEL: func.func @train_step
// DP: %[[INV:.*]] = call @mpt_rt_inverse_ranks() : () -> f32
// DP: %[[INVT:.*]] = tensor.from_elements %[[INV]] : tensor<f32>
// DP: %[[R:.*]]:{{[0-9]+}} = scf.for
// DP: mpt.grad_seed %{{.*}} scale(%{{.*}})
// DP: scf.yield
// DP: arith.mulf %{{.*}}, %[[INVT]] : tensor<f32>
// DP: mpt.all_reduce <sum>
// DP-NOT: mpt.all_reduce
// DP: mpt.unscale_and_check
