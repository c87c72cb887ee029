// The JSON report, written to a file, to stdout, and from inside a textual
// pass pipeline. Functions are listed by name; the expectations below follow
// from the IR by hand: @a_fused has one conv + bias + ReLU in the autocast
// form (pad absorbed, cast folded, f32 master bias, the ReLU-gradient compare
// turned into aux<relu_mask>); @b_declined has one candidate per decline
// reason; @c_plain has a plain matmul (no epilogue) and a matmul + bias + ReLU
// + bf16 cast whose pre-activation is read as a value (aux<pre_activation>).
//
// RUN: mpt-opt %s -mpt-fuse-conv-bias-relu=report=%t.json -o /dev/null
// RUN: FileCheck %s --input-file=%t.json
// RUN: mpt-opt %s -mpt-fuse-conv-bias-relu=report=- -o /dev/null | FileCheck %s
// RUN: mpt-opt %s --pass-pipeline='builtin.module(func.func(mpt-fuse-conv-bias-relu{report=%t.pipeline.json}),canonicalize,cse)' -o /dev/null
// RUN: FileCheck %s --input-file=%t.pipeline.json

// CHECK:      {
// CHECK-NEXT: "pass": "mpt-fuse-conv-bias-relu",
// CHECK-NEXT: "fused": {
// CHECK-NEXT: "total": 2,
// CHECK-NEXT: "conv2d": {
// CHECK-NEXT: "bias": 0,
// CHECK-NEXT: "relu": 0,
// CHECK-NEXT: "bias_relu": 1
// CHECK-NEXT: },
// CHECK-NEXT: "matmul": {
// CHECK-NEXT: "bias": 0,
// CHECK-NEXT: "relu": 0,
// CHECK-NEXT: "bias_relu": 1
// CHECK-NEXT: }
// CHECK-NEXT: },
// CHECK-NEXT: "aux": {
// CHECK-NEXT: "relu_mask": 1,
// CHECK-NEXT: "pre_activation": 1
// CHECK-NEXT: },
// CHECK-NEXT: "casts_folded": 2,
// CHECK-NEXT: "paddings_absorbed": 1,
// CHECK-NEXT: "declined": {
// CHECK-NEXT: "total": 4,
// CHECK-NEXT: "by_reason": {
// CHECK-NEXT: "bias not per-channel": 1,
// CHECK-NEXT: "non-zero init": 1,
// CHECK-NEXT: "pre-bias value used elsewhere": 1,
// CHECK-NEXT: "unsupported layout": 1
// CHECK-NEXT: }
// CHECK-NEXT: },
// CHECK-NEXT: "without_epilogue": 1,
// CHECK-NEXT: "functions": [
// CHECK-NEXT: {
// CHECK-NEXT: "name": "a_fused",
// CHECK-NEXT: "fused": [
// CHECK-NEXT: {
// CHECK-NEXT: "op": "linalg.conv_2d_nhwc_hwcf",
// CHECK-NEXT: "loc": "conv0",
// CHECK-NEXT: "into": "mpt.fused_conv2d",
// CHECK-NEXT: "epilogue": "bias_relu",
// CHECK-NEXT: "aux": "relu_mask",
// CHECK-NEXT: "result_type": "f16",
// CHECK-NEXT: "bias_type": "f32",
// CHECK-NEXT: "padding": [
// CHECK-NEXT: 1,
// CHECK-NEXT: 1,
// CHECK-NEXT: 1,
// CHECK-NEXT: 1
// CHECK-NEXT: ],
// CHECK-NEXT: "padding_absorbed": true,
// CHECK-NEXT: "cast_folded": true
// CHECK-NEXT: }
// CHECK-NEXT: ],
// CHECK-NEXT: "declined": [],
// CHECK-NEXT: "without_epilogue": 0
// CHECK-NEXT: },
// CHECK-NEXT: {
// CHECK-NEXT: "name": "b_declined",
// CHECK-NEXT: "fused": [],
// CHECK-NEXT: "declined": [
// CHECK-NEXT: {
// CHECK-NEXT: "op": "linalg.matmul",
// CHECK-NEXT: "loc": "nonzero_init",
// CHECK-NEXT: "reason": "non-zero init",
// CHECK-NEXT: "detail": "the accumulator does not start from a +0.0 fill or constant"
// CHECK-NEXT: },
// CHECK-NEXT: {
// CHECK-NEXT: "op": "linalg.matmul",
// CHECK-NEXT: "loc": "per_row_bias",
// CHECK-NEXT: "reason": "bias not per-channel",
// CHECK-NEXT: "detail": "the added vector is not indexed by the output channel"
// CHECK-NEXT: },
// CHECK-NEXT: {
// CHECK-NEXT: "op": "linalg.matmul",
// CHECK-NEXT: "loc": "pre_bias_read",
// CHECK-NEXT: "reason": "pre-bias value used elsewhere",
// CHECK-NEXT: "detail": "another op reads the contraction result; fusing would hide it"
// CHECK-NEXT: },
// CHECK-NEXT: {
// CHECK-NEXT: "op": "linalg.conv_2d_nhwc_fhwc",
// CHECK-NEXT: "loc": "fhwc",
// CHECK-NEXT: "reason": "unsupported layout",
// CHECK-NEXT: "detail": "linalg.conv_2d_nhwc_fhwc (supported: linalg.conv_2d_nhwc_hwcf, linalg.conv_2d_nchw_fchw)"
// CHECK-NEXT: }
// CHECK-NEXT: ],
// CHECK-NEXT: "without_epilogue": 0
// CHECK-NEXT: },
// CHECK-NEXT: {
// CHECK-NEXT: "name": "c_plain",
// CHECK-NEXT: "fused": [
// CHECK-NEXT: {
// CHECK-NEXT: "op": "linalg.matmul",
// CHECK-NEXT: "loc": "dense",
// CHECK-NEXT: "into": "mpt.fused_matmul",
// CHECK-NEXT: "epilogue": "bias_relu",
// CHECK-NEXT: "aux": "pre_activation",
// CHECK-NEXT: "result_type": "bf16",
// CHECK-NEXT: "bias_type": "f32",
// CHECK-NEXT: "cast_folded": true
// CHECK-NEXT: }
// CHECK-NEXT: ],
// CHECK-NEXT: "declined": [],
// CHECK-NEXT: "without_epilogue": 1
// CHECK-NEXT: }
// CHECK-NEXT: ]
// CHECK-NEXT: }


func.func @a_fused(%x: tensor<1x8x8x3xf16>, %f: tensor<3x3x3x4xf16>, %b: tensor<4xf32>, %g: tensor<1x8x8x4xf16>) -> (tensor<1x8x8x4xf16>, tensor<1x8x8x4xf16>) {
  %zero = arith.constant 0.0 : f32
  %zero16 = arith.constant 0.0 : f16
  %p = tensor.pad %x low[0, 1, 1, 0] high[0, 1, 1, 0] {
  ^bb0(%i0: index, %i1: index, %i2: index, %i3: index):
    tensor.yield %zero16 : f16
  } : tensor<1x8x8x3xf16> to tensor<1x10x10x3xf16>
  %e = tensor.empty() : tensor<1x8x8x4xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<1x8x8x4xf32>) -> tensor<1x8x8x4xf32>
  %c = linalg.conv_2d_nhwc_hwcf ins(%p, %f : tensor<1x10x10x3xf16>, tensor<3x3x3x4xf16>) outs(%init : tensor<1x8x8x4xf32>) -> tensor<1x8x8x4xf32> loc("conv0")
  %c16 = mpt.cast %c : tensor<1x8x8x4xf32> to tensor<1x8x8x4xf16>
  %b16 = mpt.cast %b : tensor<4xf32> to tensor<4xf16>
  %e16 = tensor.empty() : tensor<1x8x8x4xf16>
  %bb = linalg.broadcast ins(%b16 : tensor<4xf16>) outs(%e16 : tensor<1x8x8x4xf16>) dimensions = [0, 1, 2]
  %pre = arith.addf %c16, %bb : tensor<1x8x8x4xf16>
  %zeros = arith.constant dense<0.0> : tensor<1x8x8x4xf16>
  %r = arith.maximumf %pre, %zeros : tensor<1x8x8x4xf16>
  %mask = arith.cmpf ogt, %pre, %zeros : tensor<1x8x8x4xf16>
  %dx = arith.select %mask, %g, %zeros : tensor<1x8x8x4xi1>, tensor<1x8x8x4xf16>
  return %r, %dx : tensor<1x8x8x4xf16>, tensor<1x8x8x4xf16>
}

func.func @b_declined(%x: tensor<4x16xf32>, %w: tensor<16x8xf32>, %b: tensor<8xf32>, %bw: tensor<4xf32>, %xc: tensor<1x4x4x2xf32>, %fc: tensor<3x1x1x2xf32>) -> (tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>, tensor<1x4x4x3xf32>, tensor<4x8xf32>) {
  %zero = arith.constant 0.0 : f32
  %one = arith.constant 1.0 : f32
  %e = tensor.empty() : tensor<4x8xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<4x8xf32>) -> tensor<4x8xf32>
  %ones = linalg.fill ins(%one : f32) outs(%e : tensor<4x8xf32>) -> tensor<4x8xf32>
  %m0 = linalg.matmul ins(%x, %w : tensor<4x16xf32>, tensor<16x8xf32>) outs(%ones : tensor<4x8xf32>) -> tensor<4x8xf32> loc("nonzero_init")
  %r0 = arith.maximumf %m0, %init : tensor<4x8xf32>
  %m1 = linalg.matmul ins(%x, %w : tensor<4x16xf32>, tensor<16x8xf32>) outs(%init : tensor<4x8xf32>) -> tensor<4x8xf32> loc("per_row_bias")
  %bbw = linalg.broadcast ins(%bw : tensor<4xf32>) outs(%e : tensor<4x8xf32>) dimensions = [1]
  %r1 = arith.addf %m1, %bbw : tensor<4x8xf32>
  %m2 = linalg.matmul ins(%x, %w : tensor<4x16xf32>, tensor<16x8xf32>) outs(%init : tensor<4x8xf32>) -> tensor<4x8xf32> loc("pre_bias_read")
  %bb = linalg.broadcast ins(%b : tensor<8xf32>) outs(%e : tensor<4x8xf32>) dimensions = [0]
  %r2 = arith.addf %m2, %bb : tensor<4x8xf32>
  %ec = tensor.empty() : tensor<1x4x4x3xf32>
  %initc = linalg.fill ins(%zero : f32) outs(%ec : tensor<1x4x4x3xf32>) -> tensor<1x4x4x3xf32>
  %c = linalg.conv_2d_nhwc_fhwc ins(%xc, %fc : tensor<1x4x4x2xf32>, tensor<3x1x1x2xf32>) outs(%initc : tensor<1x4x4x3xf32>) -> tensor<1x4x4x3xf32> loc("fhwc")
  %rc = arith.maximumf %c, %initc : tensor<1x4x4x3xf32>
  return %r0, %r1, %r2, %rc, %m2 : tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>, tensor<1x4x4x3xf32>, tensor<4x8xf32>
}

func.func @c_plain(%x: tensor<4x16xf32>, %w: tensor<16x8xf32>, %b: tensor<8xf32>) -> (tensor<4x8xf32>, tensor<4x8xbf16>, tensor<4x8xf32>) {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x8xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<4x8xf32>) -> tensor<4x8xf32>
  %m0 = linalg.matmul ins(%x, %w : tensor<4x16xf32>, tensor<16x8xf32>) outs(%init : tensor<4x8xf32>) -> tensor<4x8xf32> loc("grad")
  %m1 = linalg.matmul ins(%x, %w : tensor<4x16xf32>, tensor<16x8xf32>) outs(%init : tensor<4x8xf32>) -> tensor<4x8xf32> loc("dense")
  %bb = linalg.broadcast ins(%b : tensor<8xf32>) outs(%e : tensor<4x8xf32>) dimensions = [0]
  %pre = arith.addf %m1, %bb : tensor<4x8xf32>
  %r = arith.maximumf %pre, %init : tensor<4x8xf32>
  %h = mpt.cast %r : tensor<4x8xf32> to tensor<4x8xbf16>
  %sq = arith.mulf %pre, %pre : tensor<4x8xf32>
  return %m0, %h, %sq : tensor<4x8xf32>, tensor<4x8xbf16>, tensor<4x8xf32>
}
