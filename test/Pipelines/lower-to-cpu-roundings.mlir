// mpt-lower-to-cpu rounds the result of every f16/bf16 op, also between two
// ops of one loop body (a fused chain): the product is rounded to f16
// (fptrunc) or bf16 (the integer round-to-nearest-even of arith-expand) and
// widened again before the sum. Without mpt-keep-roundings the emulation's
// `contract` conversions fold away and the product reaches the sum in f32.
// No fast-math flag reaches LLVM, so LLVM neither folds the conversions nor
// contracts the multiply and the add into an FMA.
// RUN: mpt-opt %s -mpt-lower-to-cpu | FileCheck %s --implicit-check-not=fastmath

// f16: fmul, round, widen, fadd, round.
// CHECK: %[[P:.*]] = llvm.fmul %{{.*}}, %{{.*}} : f32
// CHECK-NEXT: %[[PH:.*]] = llvm.fptrunc %[[P]] : f32 to f16
// CHECK-NEXT: %[[PW:.*]] = llvm.fpext %[[PH]] : f16 to f32
// CHECK-NEXT: %[[S:.*]] = llvm.fadd %[[PW]], %{{.*}} : f32
// CHECK-NEXT: %[[SH:.*]] = llvm.fptrunc %[[S]] : f32 to f16
// CHECK: llvm.store %[[SH]]

// bf16: the product's bits are rounded to 16 (NaN kept quiet), widened
// back by a shift, then added.
// CHECK: %[[Q:.*]] = llvm.fmul %{{.*}}, %{{.*}} : f32
// CHECK-NEXT: %[[NAN:.*]] = llvm.fcmp "une" %[[Q]], %[[Q]] : f32
// CHECK-NEXT: %[[QI:.*]] = llvm.bitcast %[[Q]] : f32 to i32
// CHECK: %[[QT:.*]] = llvm.trunc %{{.*}} : i32 to i16
// CHECK-NEXT: %[[QS:.*]] = llvm.select %[[NAN]], %{{.*}}, %[[QT]] : i1, i16
// CHECK-NEXT: %[[QB:.*]] = llvm.bitcast %[[QS]] : i16 to bf16
// CHECK-NEXT: %[[QB16:.*]] = llvm.bitcast %[[QB]] : bf16 to i16
// CHECK-NEXT: %[[QZ:.*]] = llvm.zext %[[QB16]] : i16 to i32
// CHECK-NEXT: %[[QSH:.*]] = llvm.shl %[[QZ]], %{{.*}} : i32
// CHECK-NEXT: %[[QW:.*]] = llvm.bitcast %[[QSH]] : i32 to f32
// CHECK-NEXT: %{{.*}} = llvm.fadd %[[QW]], %{{.*}} : f32

func.func @f16_chain(%a: tensor<16xf16>, %b: tensor<16xf16>, %c: tensor<16xf16>) -> tensor<16xf16> {
  %m = arith.mulf %a, %b : tensor<16xf16>
  %s = arith.addf %m, %c : tensor<16xf16>
  return %s : tensor<16xf16>
}

func.func @bf16_chain(%a: tensor<16xbf16>, %b: tensor<16xbf16>, %c: tensor<16xbf16>) -> tensor<16xbf16> {
  %m = arith.mulf %a, %b : tensor<16xbf16>
  %s = arith.addf %m, %c : tensor<16xbf16>
  return %s : tensor<16xbf16>
}
