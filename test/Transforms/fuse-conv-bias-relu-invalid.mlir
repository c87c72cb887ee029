// A report that cannot be written is a diagnostic on the function, and the
// pass fails.
// RUN: mpt-opt %s -mpt-fuse-conv-bias-relu=report=%t.missing-dir/report.json -verify-diagnostics
// RUN: not mpt-opt %s -mpt-fuse-conv-bias-relu=report=%t.missing-dir/report.json -o /dev/null 2>&1 | FileCheck %s
// CHECK: error: cannot write the fusion report to '{{.*}}missing-dir/report.json': {{.*}}

// expected-error @+1 {{cannot write the fusion report to '}}
func.func @report_path_not_writable(%x: tensor<4x16xf32>, %w: tensor<16x8xf32>) -> tensor<4x8xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x8xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<4x8xf32>) -> tensor<4x8xf32>
  %m = linalg.matmul ins(%x, %w : tensor<4x16xf32>, tensor<16x8xf32>) outs(%init : tensor<4x8xf32>) -> tensor<4x8xf32>
  %r = arith.maximumf %m, %init : tensor<4x8xf32>
  return %r : tensor<4x8xf32>
}
