// With nothing in low precision to copy the type from, fp32-masters=false
// takes the type from the precision option: the parameter argument, the
// optimizer op's parameter and result, and the function result all change
// type; the FP32 gradient stays as it is (the update up-casts it).
// RUN: mpt-opt %s -mpt-master-weights="fp32-masters=false precision=f16" | FileCheck %s --check-prefixes=CHECK,F16
// RUN: mpt-opt %s -mpt-master-weights="fp32-masters=false precision=bf16" | FileCheck %s --check-prefixes=CHECK,BF16

// CHECK-LABEL: func.func @mw_pure_precision_option
// F16-SAME: (%[[W:[^:]*]]: tensor<3xf16> {mpt.name = "w", mpt.role = #mpt.role<param>}, %[[G:.*]]: tensor<3xf32>) -> (tensor<3xf16> {mpt.role = #mpt.role<param>, mpt.updates = "w"})
// BF16-SAME: (%[[W:[^:]*]]: tensor<3xbf16> {mpt.name = "w", mpt.role = #mpt.role<param>}, %[[G:.*]]: tensor<3xf32>) -> (tensor<3xbf16> {mpt.role = #mpt.role<param>, mpt.updates = "w"})
// F16-NEXT: %[[W2:.*]] = mpt.sgd %[[W]], %[[G]] {lr = 1.000000e-01 : f32} : tensor<3xf16>, tensor<3xf32>
// BF16-NEXT: %[[W2:.*]] = mpt.sgd %[[W]], %[[G]] {lr = 1.000000e-01 : f32} : tensor<3xbf16>, tensor<3xf32>
// CHECK-NEXT: return %[[W2]]
// CHECK-NOT: mpt.cast
func.func @mw_pure_precision_option(%w: tensor<3xf32> {mpt.role = #mpt.role<param>, mpt.name = "w"}, %g: tensor<3xf32>)
    -> (tensor<3xf32> {mpt.role = #mpt.role<param>, mpt.updates = "w"}) {
  %w2 = mpt.sgd %w, %g {lr = 0.1 : f32} : tensor<3xf32>
  return %w2 : tensor<3xf32>
}
