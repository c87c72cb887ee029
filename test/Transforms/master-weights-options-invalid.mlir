// Option errors of mpt-master-weights.
// RUN: mpt-opt %s -verify-diagnostics -mpt-master-weights="fp32-masters=false precision=f8"

// expected-error @+1 {{mpt-master-weights: precision must be auto, f16 or bf16, got 'f8'}}
module {
  func.func @negative_bad_precision(%w: tensor<3xf32>, %g: tensor<3xf32>) -> tensor<3xf32> {
    %w2 = mpt.sgd %w, %g {lr = 0.1 : f32} : tensor<3xf32>
    return %w2 : tensor<3xf32>
  }
}
