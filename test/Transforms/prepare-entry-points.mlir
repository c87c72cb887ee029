// mpt-prepare-entry-points: mpt.* signature attributes dropped everywhere;
// public functions with a body get read-only tensor arguments and (by
// default) a C interface; private and external functions keep both off.
// RUN: mpt-opt %s -split-input-file -mpt-prepare-entry-points | FileCheck %s
// RUN: mpt-opt %s -split-input-file -mpt-prepare-entry-points=c-interface=false | FileCheck %s --check-prefix=NOCIFACE

// CHECK-LABEL: func.func @train_step
// CHECK-SAME: (%{{.*}}: tensor<4xf32> {bufferization.writable = false}, %{{.*}}: i32, %{{.*}}: tensor<2xf32> {bufferization.writable = false})
// CHECK-SAME: -> (tensor<4xf32>, tensor<f32>)
// CHECK-SAME: attributes {llvm.emit_c_interface}
// NOCIFACE-LABEL: func.func @train_step
// NOCIFACE-SAME: {bufferization.writable = false}
// NOCIFACE-NOT: llvm.emit_c_interface
// NOCIFACE-SAME: {
func.func @train_step(
    %w: tensor<4xf32> {mpt.role = #mpt.role<param>, mpt.name = "w", mpt.init = #mpt.init<dist = zeros>},
    %n: i32,
    %x: tensor<2xf32> {mpt.role = #mpt.role<input>, mpt.name = "x"})
    -> (tensor<4xf32> {mpt.role = #mpt.role<param>, mpt.updates = "w"},
        tensor<f32> {mpt.role = #mpt.role<loss>}) {
  %c = arith.constant dense<0.0> : tensor<f32>
  return %w, %c : tensor<4xf32>, tensor<f32>
}

// CHECK-LABEL: func.func private @helper
// CHECK-SAME: (%{{.*}}: tensor<4xf32>) -> tensor<4xf32> {
// CHECK-NOT: llvm.emit_c_interface
// CHECK-NOT: mpt.
func.func private @helper(%w: tensor<4xf32> {mpt.name = "w"}) -> (tensor<4xf32> {mpt.name = "out"}) {
  return %w : tensor<4xf32>
}

// CHECK-LABEL: func.func private @external
// CHECK-SAME: (tensor<4xf32>)
// CHECK-NOT: writable
func.func private @external(tensor<4xf32> {mpt.name = "w"})

// -----

// Attributes of other dialects stay.
// CHECK-LABEL: func.func @keeps_other_attrs
// CHECK-SAME: (%{{.*}}: tensor<4xf32> {bufferization.writable = false, test.keep = 1 : i64})
// CHECK-SAME: -> (tensor<4xf32> {test.keep = 2 : i64})
func.func @keeps_other_attrs(%w: tensor<4xf32> {mpt.name = "w", test.keep = 1}) -> (tensor<4xf32> {mpt.role = #mpt.role<output>, test.keep = 2}) {
  return %w : tensor<4xf32>
}
