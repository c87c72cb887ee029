// A step that post-processes a parameter after its optimizer op (here a
// clamp) returns that value, not the optimizer's: a working copy written by
// the optimizer would be the cast of the unclamped value and drift from the
// parameter the runtime keeps. The pass says so and casts that parameter at
// function entry instead; the other parameter keeps its working copy.
// RUN: mpt-opt %s -mpt-master-weights -verify-diagnostics | FileCheck %s

// CHECK-LABEL: func.func @clamped
// CHECK-SAME: (%[[W:[^:]*]]: tensor<3xf32> {mpt.name = "w", mpt.role = #mpt.role<param>},
// CHECK-SAME: %[[V:[^:]*]]: tensor<3xf32> {mpt.name = "v", mpt.role = #mpt.role<param>},
// CHECK-SAME: %[[VC:[^:]*]]: tensor<3xf16> {mpt.init = #mpt.init<dist = cast_of, source = "v">, mpt.name = "v.working_copy", mpt.role = #mpt.role<working_copy>},
// CHECK-NEXT: %[[WH:.*]] = mpt.cast %[[W]] : tensor<3xf32> to tensor<3xf16>
// CHECK: arith.addf %[[WH]], %[[VC]]
// CHECK: %[[W2:.*]] = mpt.sgd %[[W]], %{{.*}} {lr = 1.000000e-01 : f32} : tensor<3xf32>, tensor<3xf16>{{$}}
// CHECK: %[[V2:.*]], %[[VC2:.*]] = mpt.sgd %[[V]], %{{.*}} {lr = 1.000000e-01 : f32} : tensor<3xf32>, tensor<3xf16> -> tensor<3xf16>
// CHECK: %[[W3:.*]] = arith.minimumf %[[W2]]
// CHECK: return %[[W3]], %[[V2]], %[[VC2]], %{{[^ ]*}} :
func.func @clamped(%w: tensor<3xf32> {mpt.role = #mpt.role<param>, mpt.name = "w"},
                   %v: tensor<3xf32> {mpt.role = #mpt.role<param>, mpt.name = "v"},
                   %g: tensor<3xf16> {mpt.role = #mpt.role<input>, mpt.name = "g"})
    -> (tensor<3xf32> {mpt.role = #mpt.role<param>, mpt.updates = "w"},
        tensor<3xf32> {mpt.role = #mpt.role<param>, mpt.updates = "v"},
        tensor<3xf16> {mpt.role = #mpt.role<output>, mpt.name = "sum"}) {
  %wh = mpt.cast %w : tensor<3xf32> to tensor<3xf16>
  %vh = mpt.cast %v : tensor<3xf32> to tensor<3xf16>
  %s = arith.addf %wh, %vh : tensor<3xf16>
  // expected-warning @+1 {{mpt-master-weights: the step does not return this optimizer op's new value of parameter #0 ("w") (it returns something computed from it, or nothing), so a working copy written by the optimizer would differ from the parameter; the parameter is cast to 'f16' at function entry instead}}
  %w2 = mpt.sgd %w, %g {lr = 0.1 : f32} : tensor<3xf32>, tensor<3xf16>
  %v2 = mpt.sgd %v, %g {lr = 0.1 : f32} : tensor<3xf32>, tensor<3xf16>
  %one = arith.constant dense<1.0> : tensor<3xf32>
  %w3 = arith.minimumf %w2, %one : tensor<3xf32>
  return %w3, %v2, %s : tensor<3xf32>, tensor<3xf32>, tensor<3xf16>
}
