// mpt-keep-roundings: arith-emulate-unsupported-floats marks the extf and
// truncf it puts around each emulated f16/bf16 op `contract`, and arith's
// folder then turns extf(truncf(x)) into x (the FOLD run: canonicalize drops
// the rounding of the product). After mpt-keep-roundings the conversions
// carry no `contract` and the product is rounded to f16 before the
// addition, as two separate f16 ops would round it.
// RUN: mpt-opt %s -split-input-file -arith-emulate-unsupported-floats="source-types=f16,bf16 target-type=f32" -mpt-keep-roundings -canonicalize | FileCheck %s
// RUN: mpt-opt %s -split-input-file -arith-emulate-unsupported-floats="source-types=f16,bf16 target-type=f32" -canonicalize | FileCheck %s --check-prefix=FOLD

// CHECK-LABEL: func.func @f16_chain_rounds_each_op
// CHECK-SAME: (%[[A:.*]]: f16, %[[B:.*]]: f16, %[[C:.*]]: f16)
// CHECK-DAG: %[[WA:.*]] = arith.extf %[[A]] : f16 to f32
// CHECK-DAG: %[[WB:.*]] = arith.extf %[[B]] : f16 to f32
// CHECK-DAG: %[[WC:.*]] = arith.extf %[[C]] : f16 to f32
// CHECK: %[[M:.*]] = arith.mulf %[[WA]], %[[WB]] : f32
// CHECK: %[[MH:.*]] = arith.truncf %[[M]] : f32 to f16
// CHECK: %[[MW:.*]] = arith.extf %[[MH]] : f16 to f32
// CHECK: %[[S:.*]] = arith.addf %[[MW]], %[[WC]] : f32
// CHECK: %[[SH:.*]] = arith.truncf %[[S]] : f32 to f16
// CHECK: return %[[SH]]
// FOLD-LABEL: func.func @f16_chain_rounds_each_op
// FOLD: %[[M:.*]] = arith.mulf
// FOLD-NOT: arith.truncf
// FOLD: arith.addf %[[M]],
func.func @f16_chain_rounds_each_op(%a: f16, %b: f16, %c: f16) -> f16 {
  %m = arith.mulf %a, %b : f16
  %s = arith.addf %m, %c : f16
  return %s : f16
}

// -----

// bf16 the same way; a conversion's other fast-math flags stay, and so do
// the flags of arithmetic ops.
// CHECK-LABEL: func.func @bf16_chain_keeps_other_flags
// CHECK: arith.truncf %{{.*}} fastmath<nnan> : f32 to bf16
// CHECK: arith.extf %{{.*}} : bf16 to f32
// CHECK: arith.addf %{{.*}}, %{{.*}} fastmath<contract> : f32
// FOLD-LABEL: func.func @bf16_chain_keeps_other_flags
func.func @bf16_chain_keeps_other_flags(%a: f32, %b: bf16) -> bf16 {
  %h = arith.truncf %a fastmath<nnan,contract> : f32 to bf16
  %s = arith.addf %h, %b fastmath<contract> : bf16
  return %s : bf16
}
