// RUN: mpt-opt %s -split-input-file -mpt-data-parallel -verify-diagnostics
// RUN: not mpt-opt %s -split-input-file -mpt-data-parallel="comm-precision=f64" 2>&1 | FileCheck %s --check-prefix=OPTION

// OPTION: error: mpt-data-parallel: comm-precision must be f32 or native, got 'f64'

// The second gradient is computed after the first update: one all-reduce
// cannot precede both optimizer ops.
func.func @dp_gradient_after_update(
    %a: tensor<3xf32> {mpt.role = #mpt.role<param>, mpt.name = "a", mpt.init = #mpt.init<dist = zeros>},
    %g: tensor<3xf32> {mpt.role = #mpt.role<input>, mpt.name = "g"})
    -> (tensor<3xf32> {mpt.role = #mpt.role<param>, mpt.updates = "a"}) {
  // expected-note @below {{the first optimizer op}}
  %a2 = mpt.sgd %a, %g {lr = 0.1 : f32} : tensor<3xf32>
  // expected-error @below {{mpt-data-parallel: this gradient is computed after the first optimizer op runs}}
  %g2 = arith.addf %g, %a2 : tensor<3xf32>
  %a3 = mpt.sgd %a2, %g2 {lr = 0.1 : f32} : tensor<3xf32>
  return %a3 : tensor<3xf32>
}
