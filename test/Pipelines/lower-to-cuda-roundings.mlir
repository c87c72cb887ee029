// mpt-lower-to-cuda rounds the result of every f16/bf16 op, also between two
// ops of one kernel body (a fused chain), as mpt-lower-to-cpu does. Without
// mpt-keep-roundings after the emulation, the canonicalizer folds the
// emulation's `contract` conversions and the chain computes in f32 with one
// rounding at the end (cvt.f32.f16, mul.rn.f32, add.rn.f32, cvt.rn.f16.f32).
// With the rounding kept, NVPTX selects sm_80's 16-bit instructions, each
// of which rounds its own result.
// RUN: mpt-opt %s --mpt-lower-to-cuda | FileCheck %s

// CHECK: assembly = "
// f16: the product is an f16 (rounded), then the sum.
// CHECK-SAME: .visible .entry elementwise_{{[0-9]+}}(
// CHECK-NOT: .rn.f32
// CHECK-SAME: mul.rn.f16 \09%[[P:rs[0-9]+]], %rs{{[0-9]+}}, %rs{{[0-9]+}};\0A
// CHECK-SAME: add.rn.f16 \09%rs{{[0-9]+}}, %[[P]], %rs{{[0-9]+}};
// bf16: a*b as fma(a, b, -0) rounded to bf16, then an fma with 1 for the sum.
// CHECK-SAME: .visible .entry elementwise_{{[0-9]+}}(
// CHECK-NOT: .rn.f32
// CHECK-SAME: fma.rn.bf16 \09%[[Q:rs[0-9]+]], %rs{{[0-9]+}}, %rs{{[0-9]+}}, %rs{{[0-9]+}};
// CHECK-NOT: .rn.f32
// CHECK-SAME: fma.rn.bf16 \09%rs{{[0-9]+}}, %[[Q]], %rs{{[0-9]+}}, %rs{{[0-9]+}};

func.func @f16_chain(%a: tensor<64xf16>, %b: tensor<64xf16>, %c: tensor<64xf16>) -> tensor<64xf16> {
  %m = arith.mulf %a, %b : tensor<64xf16>
  %s = arith.addf %m, %c : tensor<64xf16>
  return %s : tensor<64xf16>
}

func.func @bf16_chain(%a: tensor<64xbf16>, %b: tensor<64xbf16>, %c: tensor<64xbf16>) -> tensor<64xbf16> {
  %m = arith.mulf %a, %b : tensor<64xbf16>
  %s = arith.addf %m, %c : tensor<64xbf16>
  return %s : tensor<64xbf16>
}
