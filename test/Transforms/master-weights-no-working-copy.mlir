// mpt-master-weights{keep-working-copy=false}: the parameter stays the only
// state; its low-precision casts become one cast per (parameter, type) at
// function entry, in parameter order, shared by every low-precision reader.
// RUN: mpt-opt %s -split-input-file -mpt-master-weights=keep-working-copy=false | FileCheck %s
// RUN: mpt-opt %s -split-input-file -mpt-master-weights=keep-working-copy=false -mpt-master-weights=keep-working-copy=false | FileCheck %s

// CHECK-LABEL: func.func @mw_no_copy_one_cast_at_entry
// CHECK-SAME: (%[[A:[^:]*]]: tensor<4xf32> {mpt.name = "a", mpt.role = #mpt.role<param>}, %[[B:[^:]*]]: tensor<4xf32> {mpt.name = "b", mpt.role = #mpt.role<param>}, %[[G:[^:]*]]: tensor<4xf16>)
// CHECK-SAME: -> (tensor<4xf32> {mpt.role = #mpt.role<param>, mpt.updates = "a"}, tensor<4xf32> {mpt.role = #mpt.role<param>, mpt.updates = "b"}, tensor<4xf16>, tensor<4xf16>, tensor<4xf16>)
// CHECK-NEXT: %[[AH:.*]] = mpt.cast %[[A]] : tensor<4xf32> to tensor<4xf16>
// CHECK-NEXT: %[[BH:.*]] = mpt.cast %[[B]] : tensor<4xf32> to tensor<4xf16>
// CHECK-NOT: mpt.cast
// CHECK: %[[A2:.*]] = mpt.sgd %[[A]], %[[G]] {lr = 5.000000e-01 : f32} : tensor<4xf32>, tensor<4xf16>{{$}}
// CHECK: %[[B2:.*]] = mpt.sgd %[[B]], %[[G]] {lr = 5.000000e-01 : f32} : tensor<4xf32>, tensor<4xf16>{{$}}
// CHECK: return %[[A2]], %[[B2]], %[[AH]], %[[BH]], %[[AH]] :
func.func @mw_no_copy_one_cast_at_entry(%a: tensor<4xf32> {mpt.role = #mpt.role<param>, mpt.name = "a"},
                                        %b: tensor<4xf32> {mpt.role = #mpt.role<param>, mpt.name = "b"},
                                        %g: tensor<4xf16>)
    -> (tensor<4xf32> {mpt.role = #mpt.role<param>, mpt.updates = "a"}, tensor<4xf32> {mpt.role = #mpt.role<param>, mpt.updates = "b"},
        tensor<4xf16>, tensor<4xf16>, tensor<4xf16>) {
  %bh = mpt.cast %b : tensor<4xf32> to tensor<4xf16>
  %ah = mpt.cast %a : tensor<4xf32> to tensor<4xf16>
  %a2 = mpt.sgd %a, %g {lr = 0.5 : f32} : tensor<4xf32>, tensor<4xf16>
  %b2 = mpt.sgd %b, %g {lr = 0.5 : f32} : tensor<4xf32>, tensor<4xf16>
  // A second, late cast of the same parameter to the same type.
  %ah2 = mpt.cast %a : tensor<4xf32> to tensor<4xf16>
  return %a2, %b2, %ah, %bh, %ah2 : tensor<4xf32>, tensor<4xf32>, tensor<4xf16>, tensor<4xf16>, tensor<4xf16>
}
