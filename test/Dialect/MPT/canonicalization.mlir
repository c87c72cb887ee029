// Folders and canonicalization patterns of mpt.cast.
// RUN: mpt-opt %s -split-input-file -canonicalize | FileCheck %s

// CHECK-LABEL: func.func @cast_to_same_type_folds
// CHECK-SAME: (%[[X:.*]]: tensor<4xf16>)
// CHECK-NEXT: return %[[X]]
func.func @cast_to_same_type_folds(%x: tensor<4xf16>) -> tensor<4xf16> {
  %0 = mpt.cast %x : tensor<4xf16> to tensor<4xf16>
  return %0 : tensor<4xf16>
}

// -----

// f16 -> f32 -> f16 is the identity.
// CHECK-LABEL: func.func @lossless_round_trip_folds
// CHECK-SAME: (%[[X:.*]]: tensor<4xf16>, %[[Y:.*]]: bf16)
// CHECK-NEXT: return %[[X]], %[[Y]]
func.func @lossless_round_trip_folds(%x: tensor<4xf16>, %y: bf16) -> (tensor<4xf16>, bf16) {
  %0 = mpt.cast %x : tensor<4xf16> to tensor<4xf32>
  %1 = mpt.cast %0 : tensor<4xf32> to tensor<4xf16>
  %2 = mpt.cast %y : bf16 to f32
  %3 = mpt.cast %2 : f32 to bf16
  return %1, %3 : tensor<4xf16>, bf16
}

// -----

// f32 -> f16 -> f32 rounds: it must stay.
// CHECK-LABEL: func.func @negative_lossy_round_trip_kept
// CHECK: %[[H:.*]] = mpt.cast %{{.*}} : tensor<4xf32> to tensor<4xf16>
// CHECK: %[[F:.*]] = mpt.cast %[[H]] : tensor<4xf16> to tensor<4xf32>
// CHECK: return %[[F]]
func.func @negative_lossy_round_trip_kept(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = mpt.cast %x : tensor<4xf32> to tensor<4xf16>
  %1 = mpt.cast %0 : tensor<4xf16> to tensor<4xf32>
  return %1 : tensor<4xf32>
}

// -----

// f16 -> bf16 -> f16 rounds twice (bf16 has 8 significand bits): kept.
// CHECK-LABEL: func.func @negative_f16_bf16_round_trip_kept
// CHECK: mpt.cast %{{.*}} : tensor<4xf16> to tensor<4xbf16>
// CHECK: mpt.cast %{{.*}} : tensor<4xbf16> to tensor<4xf16>
func.func @negative_f16_bf16_round_trip_kept(%x: tensor<4xf16>) -> tensor<4xf16> {
  %0 = mpt.cast %x : tensor<4xf16> to tensor<4xbf16>
  %1 = mpt.cast %0 : tensor<4xbf16> to tensor<4xf16>
  return %1 : tensor<4xf16>
}

// -----

// An exact widening followed by a narrowing is one narrowing.
// CHECK-LABEL: func.func @exact_widening_composes
// CHECK-SAME: (%[[X:.*]]: tensor<4xf16>)
// CHECK-NEXT: %[[B:.*]] = mpt.cast %[[X]] : tensor<4xf16> to tensor<4xbf16>
// CHECK-NEXT: return %[[B]]
func.func @exact_widening_composes(%x: tensor<4xf16>) -> tensor<4xbf16> {
  %0 = mpt.cast %x : tensor<4xf16> to tensor<4xf32>
  %1 = mpt.cast %0 : tensor<4xf32> to tensor<4xbf16>
  return %1 : tensor<4xbf16>
}

// -----

// A narrowing followed by another narrowing rounds twice: kept.
// CHECK-LABEL: func.func @negative_double_rounding_kept
// CHECK: mpt.cast %{{.*}} : tensor<4xf32> to tensor<4xbf16>
// CHECK: mpt.cast %{{.*}} : tensor<4xbf16> to tensor<4xf16>
func.func @negative_double_rounding_kept(%x: tensor<4xf32>) -> tensor<4xf16> {
  %0 = mpt.cast %x : tensor<4xf32> to tensor<4xbf16>
  %1 = mpt.cast %0 : tensor<4xbf16> to tensor<4xf16>
  return %1 : tensor<4xf16>
}

// -----

// Constants convert with round to nearest even: 1 + 2^-11 is a tie that goes
// to 1.0, 1 + 3 * 2^-11 a tie that goes to 1 + 2^-9; 65520 overflows to inf;
// 2^-25 is a tie between 0 and the smallest subnormal and goes to 0.
// CHECK-LABEL: func.func @constant_cast_rounds_to_nearest_even
// CHECK: arith.constant dense<[1.000000e+00, 1.001950e+00, 6.550400e+04, 0x7C00, 0.000000e+00, 5.960460e-08]> : tensor<6xf16>
// CHECK-NOT: mpt.cast
func.func @constant_cast_rounds_to_nearest_even() -> tensor<6xf16> {
  %c = arith.constant dense<[1.00048828125, 1.00146484375, 65504.0, 65520.0, 2.98023223876953125e-08, 5.9604644775390625e-08]> : tensor<6xf32>
  %0 = mpt.cast %c : tensor<6xf32> to tensor<6xf16>
  return %0 : tensor<6xf16>
}

// -----

// CHECK-LABEL: func.func @splat_and_scalar_constants_fold
// 0.1 is 0x3DCCCCCD in f32; its bf16 neighbours are 0x3DCC and 0x3DCD and
// the dropped half 0xCCCD is above the tie, so 0x3DCD = 0.10009765625.
// CHECK-DAG: arith.constant dense<1.000980e-01> : tensor<4x4xbf16>
// CHECK-DAG: arith.constant 3.140630e+00 : bf16
// CHECK-NOT: mpt.cast
func.func @splat_and_scalar_constants_fold() -> (tensor<4x4xbf16>, bf16) {
  %c = arith.constant dense<0.1> : tensor<4x4xf32>
  %0 = mpt.cast %c : tensor<4x4xf32> to tensor<4x4xbf16>
  %s = arith.constant 3.14159 : f32
  %1 = mpt.cast %s : f32 to bf16
  return %0, %1 : tensor<4x4xbf16>, bf16
}
