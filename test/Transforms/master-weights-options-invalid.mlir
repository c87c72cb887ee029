// Option errors of mpt-master-weights: precision is an enum option, so the
// option parser names a bad value before the pass runs.
// RUN: not mpt-opt %s -mpt-master-weights="fp32-masters=false precision=f8" 2>&1 | FileCheck %s
// RUN: mpt-opt %s -mpt-master-weights="fp32-masters=false precision=bf16" | FileCheck %s --check-prefix=BF16

// CHECK: for the --precision option: Cannot find option named 'f8'!

// BF16-LABEL: func.func @bad_precision_values
// BF16-SAME: (%{{.*}}: tensor<3xbf16>
// BF16: mpt.sgd %{{.*}}, %{{.*}} {lr = 1.000000e-01 : f32} : tensor<3xbf16>, tensor<3xf32>
module {
  func.func @bad_precision_values(%w: tensor<3xf32>, %g: tensor<3xf32>) -> tensor<3xf32> {
    %w2 = mpt.sgd %w, %g {lr = 0.1 : f32} : tensor<3xf32>
    return %w2 : tensor<3xf32>
  }
}
