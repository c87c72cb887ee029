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

// SCALED-LABEL: func.func @train_step
// SCALED: scf.for
// SCALED: mpt.grad_seed %{{.*}} scale(
// SCALED: scf.yield
// SCALED-NOT: mpt.grad_seed
// SCALED: mpt.unscale_and_check
// SCALED-NOT: mpt.unscale_and_check

// ZERO: error: mpt-accumulate-gradients: micro-batches must be at least 1, got 0
