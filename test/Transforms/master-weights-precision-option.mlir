// With nothing in low precision to copy the type from, fp32-masters=false
// takes the type from the precision option.
// RUN: mpt-opt %s -mpt-master-weights="fp32-masters=false precision=f16" | FileCheck %s

// CHECK-LABEL: func.func @mw_pure_precision_option
// CHECK-SAME: (%{{[^:]*}}: tensor<3xf16> {mpt.name = "w", mpt.role = #mpt.role<param>}, %{{.*}}: tensor<3xf32>) -> (tensor<3xf16> {mpt.role = #mpt.role<param>, mpt.updates = "w"})
func.func @mw_pure_precision_option(%w: tensor<3xf32> {mpt.role = #mpt.role<param>, mpt.name = "w"}, %g: tensor<3xf32>)
    -> (tensor<3xf32> {mpt.role = #mpt.role<param>, mpt.updates = "w"}) {
  %w2 = mpt.sgd %w, %g {lr = 0.1 : f32} : tensor<3xf32>
  return %w2 : tensor<3xf32>
}
