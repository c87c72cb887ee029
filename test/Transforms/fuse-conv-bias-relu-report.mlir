// The fusion remarks: in the JSON report (a file, stderr, and from inside a
// textual pass pipeline) and through MLIR's remark engine. Functions are
// listed by name, each with its remarks in program order and a summary; the
// expectations follow from the IR by hand: @a_fused has one conv + bias +
// ReLU in the autocast form (pad absorbed, cast folded, the f16 copy of the bias, the
// ReLU-gradient compare turned into aux<relu_mask>); @b_declined has one
// candidate for each of four decline reasons (the others are in
// fuse-conv-bias-relu-declined.mlir); @c_plain has a plain matmul (no
// epilogue) and a matmul + bias + ReLU + bf16 cast whose pre-activation is
// read as a value (aux<pre_activation>).
//
// RUN: mpt-opt %s -mpt-fuse-conv-bias-relu=report=%t.json -o /dev/null
// RUN: FileCheck %s --input-file=%t.json
// report=- prints the JSON on stderr, never between the IR on stdout.
// RUN: mpt-opt %s -mpt-fuse-conv-bias-relu=report=- 2>%t.stderr | FileCheck %s --check-prefix=STDOUT
// RUN: FileCheck %s --input-file=%t.stderr
// RUN: mpt-opt %s --pass-pipeline='builtin.module(func.func(mpt-fuse-conv-bias-relu{report=%t.pipeline.json}),canonicalize,cse)' -o /dev/null
// RUN: FileCheck %s --input-file=%t.pipeline.json
// RUN: mpt-opt %s -mpt-fuse-conv-bias-relu --remarks-filter=mpt-fuse-conv-bias-relu -o /dev/null 2>&1 | FileCheck %s --check-prefix=ENGINE

// CHECK:      "pass": "mpt-fuse-conv-bias-relu",
// CHECK-NEXT: "remarks": [
// CHECK-NEXT: {
// CHECK-NEXT: "args": {
// CHECK-NEXT: "aux": "relu_mask",
// CHECK-NEXT: "bias_type": "f16",
// CHECK-NEXT: "cast_folded": true,
// CHECK-NEXT: "epilogue": "bias_relu",
// CHECK-NEXT: "into": "mpt.fused_conv2d",
// CHECK-NEXT: "op": "linalg.conv_2d_nhwc_hwcf",
// CHECK-NEXT: "padding": [
// CHECK-NEXT: 1,
// CHECK-NEXT: 1,
// CHECK-NEXT: 1,
// CHECK-NEXT: 1
// CHECK-NEXT: ],
// CHECK-NEXT: "padding_absorbed": true,
// CHECK-NEXT: "result_type": "f16"
// CHECK-NEXT: },
// CHECK-NEXT: "function": "a_fused",
// CHECK-NEXT: "kind": "passed",
// CHECK-NEXT: "loc": "conv0",
// CHECK-NEXT: "name": "fused"
// CHECK-NEXT: },
// CHECK-NEXT: {
// CHECK-NEXT: "args": {
// CHECK-NEXT: "aux_results": 1,
// CHECK-NEXT: "casts_folded": 1,
// CHECK-NEXT: "declined": 0,
// CHECK-NEXT: "fused": 1,
// CHECK-NEXT: "paddings_absorbed": 1,
// CHECK-NEXT: "without_epilogue": 0
// CHECK-NEXT: },
// CHECK-NEXT: "function": "a_fused",
// CHECK-NEXT: "kind": "analysis",
// CHECK-NEXT: "loc": "{{.*}}fuse-conv-bias-relu-report.mlir:{{[0-9]+}}:1",
// CHECK-NEXT: "name": "summary"
// CHECK-NEXT: },
// CHECK-NEXT: {
// CHECK-NEXT: "args": {
// CHECK-NEXT: "detail": "the accumulator does not start from a +0.0 fill or constant or from a per-channel bias",
// CHECK-NEXT: "op": "linalg.matmul",
// CHECK-NEXT: "reason": "non-zero init"
// CHECK-NEXT: },
// CHECK-NEXT: "function": "b_declined",
// CHECK-NEXT: "kind": "missed",
// CHECK-NEXT: "loc": "nonzero_init",
// CHECK-NEXT: "name": "declined"
// CHECK:      "detail": "the added vector is not indexed by the output channel",
// CHECK-NEXT: "op": "linalg.matmul",
// CHECK-NEXT: "reason": "bias not per-channel"
// CHECK:      "loc": "per_row_bias",
// CHECK:      "detail": "another op reads the contraction result; fusing would hide it",
// CHECK-NEXT: "op": "linalg.matmul",
// CHECK-NEXT: "reason": "pre-bias value used elsewhere"
// CHECK:      "loc": "pre_bias_read",
// CHECK:      "detail": "linalg.conv_2d_nhwc_fhwc (supported: linalg.conv_2d_nhwc_hwcf, linalg.conv_2d_nchw_fchw)",
// CHECK-NEXT: "op": "linalg.conv_2d_nhwc_fhwc",
// CHECK-NEXT: "reason": "unsupported layout"
// CHECK:      "loc": "fhwc",
// CHECK:      "declined": 4,
// CHECK-NEXT: "fused": 0,
// CHECK:      "function": "b_declined",
// CHECK-NEXT: "kind": "analysis",
// CHECK:      "op": "linalg.matmul"
// CHECK-NEXT: },
// CHECK-NEXT: "function": "c_plain",
// CHECK-NEXT: "kind": "analysis",
// CHECK-NEXT: "loc": "grad",
// CHECK-NEXT: "name": "no-epilogue"
// CHECK:      "aux": "pre_activation",
// CHECK-NEXT: "bias_type": "f32",
// CHECK-NEXT: "cast_folded": true,
// CHECK-NEXT: "epilogue": "bias_relu",
// CHECK-NEXT: "into": "mpt.fused_matmul",
// CHECK-NEXT: "op": "linalg.matmul",
// CHECK-NEXT: "result_type": "bf16"
// CHECK-NEXT: },
// CHECK-NEXT: "function": "c_plain",
// CHECK-NEXT: "kind": "passed",
// CHECK-NEXT: "loc": "dense",
// CHECK:      "aux_results": 1,
// CHECK-NEXT: "casts_folded": 1,
// CHECK-NEXT: "declined": 0,
// CHECK-NEXT: "fused": 1,
// CHECK-NEXT: "paddings_absorbed": 0,
// CHECK-NEXT: "without_epilogue": 1
// CHECK-NEXT: },
// CHECK-NEXT: "function": "c_plain",
// CHECK-NEXT: "kind": "analysis",
// CHECK:      "name": "summary"
// CHECK-NEXT: }
// CHECK-NEXT: ]
// CHECK-NEXT: }

// STDOUT-NOT: "remarks"
// STDOUT: func.func @a_fused
// STDOUT: mpt.fused_conv2d
// STDOUT-NOT: "remarks"

// ENGINE: remark: {{.*}}[Passed] fused | Category:mpt-fuse-conv-bias-relu | Function=a_fused | aux=relu_mask, bias_type=f16, cast_folded=true, epilogue=bias_relu, into=mpt.fused_conv2d, op=linalg.conv_2d_nhwc_hwcf, padding="[1,1,1,1]", padding_absorbed=true, result_type=f16
// ENGINE: remark: {{.*}}[Missed] declined | Category:mpt-fuse-conv-bias-relu | Function=b_declined | detail="the accumulator does not start from a +0.0 fill or constant or from a per-channel bias", op=linalg.matmul, reason="non-zero init"
// ENGINE: remark: {{.*}}[Analysis] no-epilogue | Category:mpt-fuse-conv-bias-relu | Function=c_plain | op=linalg.matmul


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
