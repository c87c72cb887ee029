// On a graph without a grad seed or without optimizer ops, the passes that
// need them say so and leave the graph valid; the pipeline still succeeds.
// RUN: mpt-opt %s -split-input-file --mpt-mixed-precision=summary=false -verify-diagnostics | FileCheck %s

// A forward-only function: autocast applies, master weights and loss
// scaling have nothing to do and say so.
module {
  // The signature stays, both operands are cast once, the matmul reads
  // them and accumulates in f32, and nothing else is added (no working
  // copy, no loss-scale state, no found_inf).
  // CHECK-LABEL: func.func @forward_only
  // CHECK-SAME: (%[[X:.*]]: tensor<4x8xf32>, %[[W:.*]]: tensor<8x2xf32>) -> tensor<4x2xf32> {
  // CHECK-DAG: %[[WH:.*]] = mpt.cast %[[W]] : tensor<8x2xf32> to tensor<8x2xf16>
  // CHECK-DAG: %[[XH:.*]] = mpt.cast %[[X]] : tensor<4x8xf32> to tensor<4x8xf16>
  // CHECK: %[[Y:.*]] = linalg.matmul ins(%[[XH]], %[[WH]] : tensor<4x8xf16>, tensor<8x2xf16>) outs(%{{.*}} : tensor<4x2xf32>)
  // CHECK-NEXT: return %[[Y]] : tensor<4x2xf32>
  // expected-warning @below {{mpt-master-weights: no mpt.sgd or mpt.adam op in the module; there are no parameters to keep as masters, nothing was changed}}
  // expected-warning @below {{mpt-loss-scaling: no mpt.grad_seed in the module, so there is no backward pass to scale; nothing was changed}}
  func.func @forward_only(%x: tensor<4x8xf32>, %w: tensor<8x2xf32>) -> tensor<4x2xf32> {
    %zero = arith.constant 0.0 : f32
    %e = tensor.empty() : tensor<4x2xf32>
    %i = linalg.fill ins(%zero : f32) outs(%e : tensor<4x2xf32>) -> tensor<4x2xf32>
    %y = linalg.matmul ins(%x, %w : tensor<4x8xf32>, tensor<8x2xf32>) outs(%i : tensor<4x2xf32>) -> tensor<4x2xf32>
    return %y : tensor<4x2xf32>
  }
}
