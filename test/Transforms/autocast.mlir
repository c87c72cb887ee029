// The decisions of mpt-autocast, one rule per function.
// RUN: mpt-opt %s -split-input-file -allow-unregistered-dialect -mpt-autocast='summary=false' | FileCheck %s

// Contractions take f16 operands and keep an f32 accumulator; the result is
// not cast down when nobody wants it in f16 (here: the public result).
// CHECK-LABEL: func.func @autocast_matmul_to_f16
// CHECK-SAME: (%[[X:.*]]: tensor<8x16xf32>, %[[W:.*]]: tensor<16x4xf32>) -> tensor<8x4xf32>
// CHECK-DAG: %[[XH:.*]] = mpt.cast %[[X]] : tensor<8x16xf32> to tensor<8x16xf16>
// CHECK-DAG: %[[WH:.*]] = mpt.cast %[[W]] : tensor<16x4xf32> to tensor<16x4xf16>
// CHECK: %[[INIT:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<8x4xf32>)
// CHECK: %[[MM:.*]] = linalg.matmul ins(%[[XH]], %[[WH]] : tensor<8x16xf16>, tensor<16x4xf16>) outs(%[[INIT]] : tensor<8x4xf32>)
// CHECK-NOT: mpt.cast
// CHECK: return %[[MM]] : tensor<8x4xf32>
func.func @autocast_matmul_to_f16(%x: tensor<8x16xf32>, %w: tensor<16x4xf32>) -> tensor<8x4xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<8x4xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<8x4xf32>) -> tensor<8x4xf32>
  %y = linalg.matmul ins(%x, %w : tensor<8x16xf32>, tensor<16x4xf32>) outs(%init : tensor<8x4xf32>) -> tensor<8x4xf32>
  return %y : tensor<8x4xf32>
}

// -----

// Attributes of a rebuilt conv survive: stride 2, dilation 2.
// CHECK-LABEL: func.func @autocast_conv_keeps_strides_and_dilations
// CHECK: linalg.conv_2d_nhwc_hwcf {dilations = dense<2> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%{{.*}}, %{{.*}} : tensor<1x9x9x3xf16>, tensor<3x3x3x8xf16>) outs(%{{.*}} : tensor<1x3x3x8xf32>)
func.func @autocast_conv_keeps_strides_and_dilations(%x: tensor<1x9x9x3xf32>, %f: tensor<3x3x3x8xf32>) -> tensor<1x3x3x8xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x3x3x8xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<1x3x3x8xf32>) -> tensor<1x3x3x8xf32>
  %y = linalg.conv_2d_nhwc_hwcf {dilations = dense<2> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>}
      ins(%x, %f : tensor<1x9x9x3xf32>, tensor<3x3x3x8xf32>) outs(%init : tensor<1x3x3x8xf32>) -> tensor<1x3x3x8xf32>
  return %y : tensor<1x3x3x8xf32>
}

// -----

// Every conv layout and batch matmul is a contraction.
// CHECK-LABEL: func.func @autocast_nchw_conv_and_batch_matmul
// CHECK: linalg.conv_2d_nchw_fchw {{.*}}ins(%{{.*}}, %{{.*}} : tensor<1x3x8x8xf16>, tensor<4x3x3x3xf16>) outs(%{{.*}} : tensor<1x4x6x6xf32>)
// CHECK: linalg.batch_matmul ins(%{{.*}}, %{{.*}} : tensor<2x4x8xf16>, tensor<2x8x4xf16>) outs(%{{.*}} : tensor<2x4x4xf32>)
func.func @autocast_nchw_conv_and_batch_matmul(%x: tensor<1x3x8x8xf32>, %f: tensor<4x3x3x3xf32>, %a: tensor<2x4x8xf32>, %b: tensor<2x8x4xf32>) -> (tensor<1x4x6x6xf32>, tensor<2x4x4xf32>) {
  %zero = arith.constant 0.0 : f32
  %e0 = tensor.empty() : tensor<1x4x6x6xf32>
  %i0 = linalg.fill ins(%zero : f32) outs(%e0 : tensor<1x4x6x6xf32>) -> tensor<1x4x6x6xf32>
  %c = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%x, %f : tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) outs(%i0 : tensor<1x4x6x6xf32>) -> tensor<1x4x6x6xf32>
  %e1 = tensor.empty() : tensor<2x4x4xf32>
  %i1 = linalg.fill ins(%zero : f32) outs(%e1 : tensor<2x4x4xf32>) -> tensor<2x4x4xf32>
  %m = linalg.batch_matmul ins(%a, %b : tensor<2x4x8xf32>, tensor<2x8x4xf32>) outs(%i1 : tensor<2x4x4xf32>) -> tensor<2x4x4xf32>
  return %c, %m : tensor<1x4x6x6xf32>, tensor<2x4x4xf32>
}

// -----

// A linalg.generic whose body is mul + add with a reduction is a contraction
// (a conv gradient as the backward pass writes it): inputs f16, widened in
// the body, accumulator f32.
// CHECK-LABEL: func.func @autocast_generic_contraction
// CHECK: linalg.generic {{.*}} ins(%{{.*}}, %{{.*}} : tensor<8x16xf16>, tensor<16x4xf16>) outs(%{{.*}} : tensor<8x4xf32>)
// CHECK-NEXT: ^bb0(%[[A:.*]]: f16, %[[B:.*]]: f16, %[[OUT:.*]]: f32):
// CHECK-DAG: %[[AW:.*]] = arith.extf %[[A]] : f16 to f32
// CHECK-DAG: %[[BW:.*]] = arith.extf %[[B]] : f16 to f32
// CHECK: %[[P:.*]] = arith.mulf %[[AW]], %[[BW]] : f32
// CHECK: arith.addf %[[OUT]], %[[P]] : f32
func.func @autocast_generic_contraction(%a: tensor<8x16xf32>, %b: tensor<16x4xf32>) -> tensor<8x4xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<8x4xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<8x4xf32>) -> tensor<8x4xf32>
  %y = linalg.generic {indexing_maps = [affine_map<(i, j, k) -> (i, k)>, affine_map<(i, j, k) -> (k, j)>, affine_map<(i, j, k) -> (i, j)>],
                       iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : tensor<8x16xf32>, tensor<16x4xf32>) outs(%init : tensor<8x4xf32>) {
    ^bb0(%x: f32, %w: f32, %acc: f32):
      %p = arith.mulf %x, %w : f32
      %s = arith.addf %acc, %p : f32
      linalg.yield %s : f32
  } -> tensor<8x4xf32>
  return %y : tensor<8x4xf32>
}

// -----

// Bias add (follow) and ReLU (transparent) between two contractions run in
// f16: the first result is cast down once, the bias parameter once.
// CHECK-LABEL: func.func @autocast_bias_relu_between_matmuls
// CHECK-SAME: (%[[X:.*]]: tensor<8x16xf32>, %[[W1:.*]]: tensor<16x16xf32>, %[[B:.*]]: tensor<16xf32>, %[[W2:.*]]: tensor<16x4xf32>)
// CHECK-DAG: %[[BH:.*]] = mpt.cast %[[B]] : tensor<16xf32> to tensor<16xf16>
// CHECK: %[[M1:.*]] = linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<8x16xf16>, tensor<16x16xf16>) outs(%{{.*}} : tensor<8x16xf32>)
// CHECK-NEXT: %[[M1H:.*]] = mpt.cast %[[M1]] : tensor<8x16xf32> to tensor<8x16xf16>
// CHECK: %[[BIAS:.*]] = linalg.generic {{.*}} ins(%[[M1H]], %[[BH]] : tensor<8x16xf16>, tensor<16xf16>) outs(%{{.*}} : tensor<8x16xf16>)
// CHECK: arith.addf %{{.*}}, %{{.*}} : f16
// CHECK: %[[RELU:.*]] = linalg.generic {{.*}} ins(%[[BIAS]] : tensor<8x16xf16>) outs(%{{.*}} : tensor<8x16xf16>)
// CHECK: arith.constant 0.000000e+00 : f16
// CHECK: arith.maximumf %{{.*}}, %{{.*}} : f16
// CHECK: linalg.matmul ins(%[[RELU]], %{{.*}} : tensor<8x16xf16>, tensor<16x4xf16>) outs(%{{.*}} : tensor<8x4xf32>)
// CHECK-NOT: mpt.cast
func.func @autocast_bias_relu_between_matmuls(%x: tensor<8x16xf32>, %w1: tensor<16x16xf32>, %b: tensor<16xf32>, %w2: tensor<16x4xf32>) -> tensor<8x4xf32> {
  %zero = arith.constant 0.0 : f32
  %e0 = tensor.empty() : tensor<8x16xf32>
  %i0 = linalg.fill ins(%zero : f32) outs(%e0 : tensor<8x16xf32>) -> tensor<8x16xf32>
  %m1 = linalg.matmul ins(%x, %w1 : tensor<8x16xf32>, tensor<16x16xf32>) outs(%i0 : tensor<8x16xf32>) -> tensor<8x16xf32>
  %bias = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]}
      ins(%m1, %b : tensor<8x16xf32>, tensor<16xf32>) outs(%e0 : tensor<8x16xf32>) {
    ^bb0(%a: f32, %c: f32, %o: f32):
      %s = arith.addf %a, %c : f32
      linalg.yield %s : f32
  } -> tensor<8x16xf32>
  %relu = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]}
      ins(%bias : tensor<8x16xf32>) outs(%e0 : tensor<8x16xf32>) {
    ^bb0(%a: f32, %o: f32):
      %z = arith.constant 0.0 : f32
      %r = arith.maximumf %a, %z : f32
      linalg.yield %r : f32
  } -> tensor<8x16xf32>
  %e1 = tensor.empty() : tensor<8x4xf32>
  %i1 = linalg.fill ins(%zero : f32) outs(%e1 : tensor<8x4xf32>) -> tensor<8x4xf32>
  %m2 = linalg.matmul ins(%relu, %w2 : tensor<8x16xf32>, tensor<16x4xf32>) outs(%i1 : tensor<8x4xf32>) -> tensor<8x4xf32>
  return %m2 : tensor<8x4xf32>
}

// -----

// A follow op after a contraction whose reader is FP32 (the logits bias
// before the loss) stays FP32 on the free FP32 accumulator: no cast at all.
// CHECK-LABEL: func.func @negative_autocast_logits_bias_stays_f32
// CHECK: %[[MM:.*]] = linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<8x16xf16>, tensor<16x4xf16>)
// CHECK-NOT: mpt.cast %[[MM]]
// CHECK: linalg.generic {{.*}} ins(%[[MM]], %{{.*}} : tensor<8x4xf32>, tensor<4xf32>)
// CHECK: math.exp %{{.*}} : f32
func.func @negative_autocast_logits_bias_stays_f32(%x: tensor<8x16xf32>, %w: tensor<16x4xf32>, %b: tensor<4xf32>) -> tensor<8x4xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<8x4xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<8x4xf32>) -> tensor<8x4xf32>
  %mm = linalg.matmul ins(%x, %w : tensor<8x16xf32>, tensor<16x4xf32>) outs(%init : tensor<8x4xf32>) -> tensor<8x4xf32>
  %logits = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]}
      ins(%mm, %b : tensor<8x4xf32>, tensor<4xf32>) outs(%e : tensor<8x4xf32>) {
    ^bb0(%a: f32, %c: f32, %o: f32):
      %s = arith.addf %a, %c : f32
      linalg.yield %s : f32
  } -> tensor<8x4xf32>
  %exp = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]}
      ins(%logits : tensor<8x4xf32>) outs(%e : tensor<8x4xf32>) {
    ^bb0(%a: f32, %o: f32):
      %r = math.exp %a : f32
      linalg.yield %r : f32
  } -> tensor<8x4xf32>
  return %exp : tensor<8x4xf32>
}

// -----

// Softmax written out: max (transparent), sub (follow), exp (FP32), sum
// (FP32 reduction), division by the sum (FP32). Fed by an f16 value, every
// step stays FP32 after one up-cast; nothing goes back to f16.
// CHECK-LABEL: func.func @negative_autocast_keeps_softmax_f32
// CHECK: %[[MM:.*]] = linalg.matmul
// CHECK-NOT: tensor<8x4xf16>
// CHECK: math.exp %{{.*}} : f32
// CHECK: arith.addf %{{.*}}, %{{.*}} : f32
// CHECK: arith.divf %{{.*}}, %{{.*}} : f32
func.func @negative_autocast_keeps_softmax_f32(%x: tensor<8x16xf32>, %w: tensor<16x4xf32>) -> tensor<8x4xf32> {
  %zero = arith.constant 0.0 : f32
  %ninf = arith.constant 0xFF800000 : f32
  %e = tensor.empty() : tensor<8x4xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<8x4xf32>) -> tensor<8x4xf32>
  %mm = linalg.matmul ins(%x, %w : tensor<8x16xf32>, tensor<16x4xf32>) outs(%init : tensor<8x4xf32>) -> tensor<8x4xf32>
  %er = tensor.empty() : tensor<8xf32>
  %mi = linalg.fill ins(%ninf : f32) outs(%er : tensor<8xf32>) -> tensor<8xf32>
  %max = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0)>], iterator_types = ["parallel", "reduction"]}
      ins(%mm : tensor<8x4xf32>) outs(%mi : tensor<8xf32>) {
    ^bb0(%a: f32, %o: f32):
      %r = arith.maximumf %a, %o : f32
      linalg.yield %r : f32
  } -> tensor<8xf32>
  %exp = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]}
      ins(%mm, %max : tensor<8x4xf32>, tensor<8xf32>) outs(%e : tensor<8x4xf32>) {
    ^bb0(%a: f32, %m: f32, %o: f32):
      %d = arith.subf %a, %m : f32
      %r = math.exp %d : f32
      linalg.yield %r : f32
  } -> tensor<8x4xf32>
  %si = linalg.fill ins(%zero : f32) outs(%er : tensor<8xf32>) -> tensor<8xf32>
  %sum = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0)>], iterator_types = ["parallel", "reduction"]}
      ins(%exp : tensor<8x4xf32>) outs(%si : tensor<8xf32>) {
    ^bb0(%a: f32, %o: f32):
      %r = arith.addf %a, %o : f32
      linalg.yield %r : f32
  } -> tensor<8xf32>
  %soft = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]}
      ins(%exp, %sum : tensor<8x4xf32>, tensor<8xf32>) outs(%e : tensor<8x4xf32>) {
    ^bb0(%a: f32, %s: f32, %o: f32):
      %r = arith.divf %a, %s : f32
      linalg.yield %r : f32
  } -> tensor<8x4xf32>
  return %soft : tensor<8x4xf32>
}

// -----

// One cast per (value, type), shared by every reader.
// CHECK-LABEL: func.func @autocast_one_cast_per_value
// CHECK-COUNT-1: mpt.cast %arg0
// CHECK-NOT: mpt.cast %arg0
func.func @autocast_one_cast_per_value(%x: tensor<8x16xf32>, %w: tensor<16x4xf32>, %v: tensor<16x4xf32>) -> (tensor<8x4xf32>, tensor<8x4xf32>) {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<8x4xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<8x4xf32>) -> tensor<8x4xf32>
  %a = linalg.matmul ins(%x, %w : tensor<8x16xf32>, tensor<16x4xf32>) outs(%init : tensor<8x4xf32>) -> tensor<8x4xf32>
  %b = linalg.matmul ins(%x, %v : tensor<8x16xf32>, tensor<16x4xf32>) outs(%init : tensor<8x4xf32>) -> tensor<8x4xf32>
  return %a, %b : tensor<8x4xf32>, tensor<8x4xf32>
}

// -----

// FP32 -> transparent -> FP32: no f32 -> f16 -> f32 round trip.
// CHECK-LABEL: func.func @negative_autocast_no_round_trip
// CHECK-NOT: mpt.cast
// CHECK: return
func.func @negative_autocast_no_round_trip(%x: tensor<8x4xf32>) -> tensor<8x4xf32> {
  %e = tensor.empty() : tensor<8x4xf32>
  %exp = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<8x4xf32>) outs(%e : tensor<8x4xf32>) {
    ^bb0(%a: f32, %o: f32):
      %r = math.exp %a : f32
      linalg.yield %r : f32
  } -> tensor<8x4xf32>
  %t = tensor.empty() : tensor<4x8xf32>
  %tr = linalg.transpose ins(%exp : tensor<8x4xf32>) outs(%t : tensor<4x8xf32>) permutation = [1, 0]
  %back = linalg.transpose ins(%tr : tensor<4x8xf32>) outs(%e : tensor<8x4xf32>) permutation = [1, 0]
  %log = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]}
      ins(%back : tensor<8x4xf32>) outs(%e : tensor<8x4xf32>) {
    ^bb0(%a: f32, %o: f32):
      %r = math.log %a : f32
      linalg.yield %r : f32
  } -> tensor<8x4xf32>
  return %log : tensor<8x4xf32>
}

// -----

// A transparent op between a contraction's input and an argument moves to
// f16 with the cast placed before it (all its readers are low precision).
// CHECK-LABEL: func.func @autocast_transpose_joins_low_reader
// CHECK: %[[WH:.*]] = mpt.cast %arg1 : tensor<4x16xf32> to tensor<4x16xf16>
// CHECK: %[[T:.*]] = linalg.transpose ins(%[[WH]] : tensor<4x16xf16>) outs(%{{.*}} : tensor<16x4xf16>)
// CHECK: linalg.matmul ins(%{{.*}}, %[[T]] : tensor<8x16xf16>, tensor<16x4xf16>)
func.func @autocast_transpose_joins_low_reader(%x: tensor<8x16xf32>, %w: tensor<4x16xf32>) -> tensor<8x4xf32> {
  %zero = arith.constant 0.0 : f32
  %t = tensor.empty() : tensor<16x4xf32>
  %wt = linalg.transpose ins(%w : tensor<4x16xf32>) outs(%t : tensor<16x4xf32>) permutation = [1, 0]
  %e = tensor.empty() : tensor<8x4xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<8x4xf32>) -> tensor<8x4xf32>
  %y = linalg.matmul ins(%x, %wt : tensor<8x16xf32>, tensor<16x4xf32>) outs(%init : tensor<8x4xf32>) -> tensor<8x4xf32>
  return %y : tensor<8x4xf32>
}

// -----

// The user's own casts are kept, even a lossy one.
// CHECK-LABEL: func.func @negative_autocast_keeps_user_casts
// CHECK: %[[H:.*]] = mpt.cast %arg0 : tensor<4xf32> to tensor<4xf16>
// CHECK: %[[F:.*]] = mpt.cast %[[H]] : tensor<4xf16> to tensor<4xf32>
// CHECK: return %[[F]]
func.func @negative_autocast_keeps_user_casts(%x: tensor<4xf32>) -> tensor<4xf32> {
  %h = mpt.cast %x : tensor<4xf32> to tensor<4xf16>
  %f = mpt.cast %h : tensor<4xf16> to tensor<4xf32>
  return %f : tensor<4xf32>
}

// -----

// Integer, index and f64 values are never touched.
// CHECK-LABEL: func.func @negative_autocast_integer_index_f64_untouched
// CHECK-NOT: mpt.cast
// CHECK: linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<4x4xi32>, tensor<4x4xi32>)
// CHECK: linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<4x4xf64>, tensor<4x4xf64>)
// CHECK: arith.addi %{{.*}}, %{{.*}} : index
func.func @negative_autocast_integer_index_f64_untouched(%a: tensor<4x4xi32>, %b: tensor<4x4xf64>, %i: index) -> (tensor<4x4xi32>, tensor<4x4xf64>, index) {
  %zi = arith.constant 0 : i32
  %zf = arith.constant 0.0 : f64
  %ei = tensor.empty() : tensor<4x4xi32>
  %ii = linalg.fill ins(%zi : i32) outs(%ei : tensor<4x4xi32>) -> tensor<4x4xi32>
  %mi = linalg.matmul ins(%a, %a : tensor<4x4xi32>, tensor<4x4xi32>) outs(%ii : tensor<4x4xi32>) -> tensor<4x4xi32>
  %ef = tensor.empty() : tensor<4x4xf64>
  %if = linalg.fill ins(%zf : f64) outs(%ef : tensor<4x4xf64>) -> tensor<4x4xf64>
  %mf = linalg.matmul ins(%b, %b : tensor<4x4xf64>, tensor<4x4xf64>) outs(%if : tensor<4x4xf64>) -> tensor<4x4xf64>
  %j = arith.addi %i, %i : index
  return %mi, %mf, %j : tensor<4x4xi32>, tensor<4x4xf64>, index
}

// -----

// Constants that fit are narrowed; one that overflows f16 keeps its op FP32.
// CHECK-LABEL: func.func @autocast_constants_narrowed_only_when_finite
// CHECK: %[[M:.*]] = linalg.matmul
// CHECK: %[[MH:.*]] = mpt.cast %[[M]] : tensor<8x8xf32> to tensor<8x8xf16>
// CHECK: linalg.generic {{.*}} ins(%[[MH]] : tensor<8x8xf16>)
// CHECK: arith.constant 5.000000e-01 : f16
// CHECK: linalg.generic {{.*}} ins(%{{.*}} : tensor<8x8xf32>)
// CHECK: arith.constant 1.000000e+06 : f32
func.func @autocast_constants_narrowed_only_when_finite(%x: tensor<8x8xf32>) -> (tensor<8x8xf32>, tensor<8x8xf32>) {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<8x8xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<8x8xf32>) -> tensor<8x8xf32>
  %m = linalg.matmul ins(%x, %x : tensor<8x8xf32>, tensor<8x8xf32>) outs(%init : tensor<8x8xf32>) -> tensor<8x8xf32>
  %half = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]}
      ins(%m : tensor<8x8xf32>) outs(%e : tensor<8x8xf32>) {
    ^bb0(%a: f32, %o: f32):
      %c = arith.constant 0.5 : f32
      %r = arith.mulf %a, %c : f32
      linalg.yield %r : f32
  } -> tensor<8x8xf32>
  %big = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]}
      ins(%m : tensor<8x8xf32>) outs(%e : tensor<8x8xf32>) {
    ^bb0(%a: f32, %o: f32):
      %c = arith.constant 1.0e6 : f32
      %r = arith.mulf %a, %c : f32
      linalg.yield %r : f32
  } -> tensor<8x8xf32>
  %i1 = linalg.fill ins(%zero : f32) outs(%e : tensor<8x8xf32>) -> tensor<8x8xf32>
  %m2 = linalg.matmul ins(%half, %big : tensor<8x8xf32>, tensor<8x8xf32>) outs(%i1 : tensor<8x8xf32>) -> tensor<8x8xf32>
  return %m2, %big : tensor<8x8xf32>, tensor<8x8xf32>
}

// -----

// Ops the lists do not know stay FP32 (their inputs are cast up).
// CHECK-LABEL: func.func @negative_autocast_unknown_op_stays_f32
// CHECK: %[[M:.*]] = linalg.matmul
// CHECK-NOT: mpt.cast %[[M]]
// CHECK: "test.unknown"(%[[M]]) : (tensor<8x8xf32>) -> tensor<8x8xf32>
func.func @negative_autocast_unknown_op_stays_f32(%x: tensor<8x8xf32>) -> tensor<8x8xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<8x8xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<8x8xf32>) -> tensor<8x8xf32>
  %m = linalg.matmul ins(%x, %x : tensor<8x8xf32>, tensor<8x8xf32>) outs(%init : tensor<8x8xf32>) -> tensor<8x8xf32>
  %u = "test.unknown"(%m) : (tensor<8x8xf32>) -> tensor<8x8xf32>
  return %u : tensor<8x8xf32>
}

// -----

// Loop-carried values keep their type: the body computes in f16 and the
// carried value is cast at the region boundary.
// CHECK-LABEL: func.func @autocast_scf_for_carried_values_agree
// CHECK: %[[R:.*]] = scf.for %{{.*}} = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%[[ACC:.*]] = %{{.*}}) -> (tensor<8x8xf32>)
// CHECK: %[[AH:.*]] = mpt.cast %[[ACC]] : tensor<8x8xf32> to tensor<8x8xf16>
// CHECK: %[[MM:.*]] = linalg.matmul ins(%[[AH]], %{{.*}} : tensor<8x8xf16>, tensor<8x8xf16>) outs(%{{.*}} : tensor<8x8xf32>)
// CHECK: scf.yield %[[MM]] : tensor<8x8xf32>
func.func @autocast_scf_for_carried_values_agree(%x: tensor<8x8xf32>, %w: tensor<8x8xf32>) -> tensor<8x8xf32> {
  %zero = arith.constant 0.0 : f32
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %e = tensor.empty() : tensor<8x8xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<8x8xf32>) -> tensor<8x8xf32>
  %r = scf.for %i = %c0 to %c4 step %c1 iter_args(%acc = %x) -> (tensor<8x8xf32>) {
    %m = linalg.matmul ins(%acc, %w : tensor<8x8xf32>, tensor<8x8xf32>) outs(%init : tensor<8x8xf32>) -> tensor<8x8xf32>
    scf.yield %m : tensor<8x8xf32>
  }
  return %r : tensor<8x8xf32>
}

// -----

// scf.if results agree on type across both branches.
// CHECK-LABEL: func.func @autocast_scf_if_results_agree
// CHECK: scf.if %{{.*}} -> (tensor<8x8xf32>)
// CHECK: scf.yield %{{.*}} : tensor<8x8xf32>
// CHECK: } else {
// CHECK: scf.yield %{{.*}} : tensor<8x8xf32>
func.func @autocast_scf_if_results_agree(%c: i1, %x: tensor<8x8xf32>) -> tensor<8x8xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<8x8xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<8x8xf32>) -> tensor<8x8xf32>
  %r = scf.if %c -> (tensor<8x8xf32>) {
    %m = linalg.matmul ins(%x, %x : tensor<8x8xf32>, tensor<8x8xf32>) outs(%init : tensor<8x8xf32>) -> tensor<8x8xf32>
    %t = linalg.transpose ins(%m : tensor<8x8xf32>) outs(%e : tensor<8x8xf32>) permutation = [1, 0]
    scf.yield %t : tensor<8x8xf32>
  } else {
    scf.yield %x : tensor<8x8xf32>
  }
  return %r : tensor<8x8xf32>
}

// -----

// The optimizer takes the f16 gradient as it is (it up-casts inside) and
// keeps its FP32 parameter; mpt.loss and mpt.grad_seed stay FP32.
// CHECK-LABEL: func.func @autocast_optimizer_takes_low_precision_gradient
// CHECK: %[[G:.*]] = linalg.generic {{.*}} outs(%{{.*}} : tensor<8x8xf16>)
// CHECK: mpt.sgd %arg0, %[[G]] {lr = 1.000000e-01 : f32} : tensor<8x8xf32>, tensor<8x8xf16>
func.func @autocast_optimizer_takes_low_precision_gradient(%w: tensor<8x8xf32>, %x: tensor<8x8xf32>) -> tensor<8x8xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<8x8xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<8x8xf32>) -> tensor<8x8xf32>
  %m = linalg.matmul ins(%x, %w : tensor<8x8xf32>, tensor<8x8xf32>) outs(%init : tensor<8x8xf32>) -> tensor<8x8xf32>
  %relu = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]}
      ins(%m : tensor<8x8xf32>) outs(%e : tensor<8x8xf32>) {
    ^bb0(%a: f32, %o: f32):
      %z = arith.constant 0.0 : f32
      %r = arith.maximumf %a, %z : f32
      linalg.yield %r : f32
  } -> tensor<8x8xf32>
  %m2 = linalg.matmul ins(%relu, %w : tensor<8x8xf32>, tensor<8x8xf32>) outs(%init : tensor<8x8xf32>) -> tensor<8x8xf32>
  %w2 = mpt.sgd %w, %relu {lr = 0.1 : f32} : tensor<8x8xf32>
  return %w2 : tensor<8x8xf32>
}

// -----

// scf.while: the carried value keeps its f32 type in both regions; the
// contraction inside the body still runs in f16.
// CHECK-LABEL: func.func @autocast_scf_while_carried_values_agree
// CHECK: %[[R:.*]] = scf.while (%[[A:.*]] = %{{.*}}) : (tensor<8x8xf32>) -> tensor<8x8xf32>
// CHECK: scf.condition(%{{.*}}) %[[A]] : tensor<8x8xf32>
// CHECK: ^bb0(%[[B:.*]]: tensor<8x8xf32>):
// CHECK: %[[BH:.*]] = mpt.cast %[[B]] : tensor<8x8xf32> to tensor<8x8xf16>
// CHECK: %[[M:.*]] = linalg.matmul ins(%[[BH]], %{{.*}} : tensor<8x8xf16>, tensor<8x8xf16>) outs(%{{.*}} : tensor<8x8xf32>)
// CHECK: scf.yield %[[M]] : tensor<8x8xf32>
func.func @autocast_scf_while_carried_values_agree(%x: tensor<8x8xf32>, %w: tensor<8x8xf32>, %c: i1) -> tensor<8x8xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<8x8xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<8x8xf32>) -> tensor<8x8xf32>
  %r = scf.while (%a = %x) : (tensor<8x8xf32>) -> tensor<8x8xf32> {
    scf.condition(%c) %a : tensor<8x8xf32>
  } do {
  ^bb0(%b: tensor<8x8xf32>):
    %m = linalg.matmul ins(%b, %w : tensor<8x8xf32>, tensor<8x8xf32>) outs(%init : tensor<8x8xf32>) -> tensor<8x8xf32>
    scf.yield %m : tensor<8x8xf32>
  }
  return %r : tensor<8x8xf32>
}

// -----

// Layer normalisation: the mean and the variance (reductions), rsqrt and the
// normalisation that divides by them stay FP32 even when the input comes
// from a contraction and the output feeds one.
// CHECK-LABEL: func.func @negative_autocast_keeps_layer_norm_statistics_f32
// CHECK: %[[MM:.*]] = linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<8x16xf16>, tensor<16x16xf16>)
// CHECK: %[[MEAN:.*]] = linalg.generic {{.*}} ins(%[[MM]] : tensor<8x16xf32>) outs(%{{.*}} : tensor<8xf32>)
// CHECK: %[[VAR:.*]] = linalg.generic {{.*}} ins(%[[MM]], %[[MEAN]] : tensor<8x16xf32>, tensor<8xf32>) outs(%{{.*}} : tensor<8xf32>)
// CHECK: %[[NORM:.*]] = linalg.generic {{.*}} ins(%[[MM]], %[[MEAN]], %[[VAR]] : tensor<8x16xf32>, tensor<8xf32>, tensor<8xf32>) outs(%{{.*}} : tensor<8x16xf32>)
// CHECK: math.rsqrt %{{.*}} : f32
// CHECK: %[[NORMH:.*]] = mpt.cast %[[NORM]] : tensor<8x16xf32> to tensor<8x16xf16>
// CHECK: linalg.matmul ins(%[[NORMH]], %{{.*}} : tensor<8x16xf16>, tensor<16x16xf16>)
func.func @negative_autocast_keeps_layer_norm_statistics_f32(%x: tensor<8x16xf32>, %w: tensor<16x16xf32>) -> tensor<8x16xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<8x16xf32>
  %i = linalg.fill ins(%zero : f32) outs(%e : tensor<8x16xf32>) -> tensor<8x16xf32>
  %mm = linalg.matmul ins(%x, %w : tensor<8x16xf32>, tensor<16x16xf32>) outs(%i : tensor<8x16xf32>) -> tensor<8x16xf32>
  %er = tensor.empty() : tensor<8xf32>
  %ir = linalg.fill ins(%zero : f32) outs(%er : tensor<8xf32>) -> tensor<8xf32>
  %mean = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0)>], iterator_types = ["parallel", "reduction"]}
      ins(%mm : tensor<8x16xf32>) outs(%ir : tensor<8xf32>) {
    ^bb0(%a: f32, %o: f32):
      %k = arith.constant 0.0625 : f32
      %s = arith.mulf %a, %k : f32
      %r = arith.addf %o, %s : f32
      linalg.yield %r : f32
  } -> tensor<8xf32>
  %var = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0)>, affine_map<(d0, d1) -> (d0)>], iterator_types = ["parallel", "reduction"]}
      ins(%mm, %mean : tensor<8x16xf32>, tensor<8xf32>) outs(%ir : tensor<8xf32>) {
    ^bb0(%a: f32, %m: f32, %o: f32):
      %k = arith.constant 0.0625 : f32
      %d = arith.subf %a, %m : f32
      %sq = arith.mulf %d, %d : f32
      %s = arith.mulf %sq, %k : f32
      %r = arith.addf %o, %s : f32
      linalg.yield %r : f32
  } -> tensor<8xf32>
  %norm = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0)>, affine_map<(d0, d1) -> (d0)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]}
      ins(%mm, %mean, %var : tensor<8x16xf32>, tensor<8xf32>, tensor<8xf32>) outs(%e : tensor<8x16xf32>) {
    ^bb0(%a: f32, %m: f32, %v: f32, %o: f32):
      %eps = arith.constant 1.0e-5 : f32
      %d = arith.subf %a, %m : f32
      %ve = arith.addf %v, %eps : f32
      %rs = math.rsqrt %ve : f32
      %r = arith.mulf %d, %rs : f32
      linalg.yield %r : f32
  } -> tensor<8x16xf32>
  %i2 = linalg.fill ins(%zero : f32) outs(%e : tensor<8x16xf32>) -> tensor<8x16xf32>
  %y = linalg.matmul ins(%norm, %w : tensor<8x16xf32>, tensor<16x16xf32>) outs(%i2 : tensor<8x16xf32>) -> tensor<8x16xf32>
  return %y : tensor<8x16xf32>
}

// -----

// A contraction reading an FP32 constant that f16 cannot hold (1e5 > 65504)
// computes in FP32: casting the constant would make it inf.
// CHECK-LABEL: func.func @negative_autocast_contraction_with_wide_constant
// CHECK-NOT: mpt.cast
// CHECK: linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<2x2xf32>, tensor<2x2xf32>)
func.func @negative_autocast_contraction_with_wide_constant(%x: tensor<2x2xf32>) -> tensor<2x2xf32> {
  %w = arith.constant dense<[[1.0e5, 0.0], [0.0, 1.0]]> : tensor<2x2xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x2xf32>
  %i = linalg.fill ins(%zero : f32) outs(%e : tensor<2x2xf32>) -> tensor<2x2xf32>
  %m = linalg.matmul ins(%x, %w : tensor<2x2xf32>, tensor<2x2xf32>) outs(%i : tensor<2x2xf32>) -> tensor<2x2xf32>
  return %m : tensor<2x2xf32>
}

// -----

// An i32 converted to float between two contractions stays FP32 (70000 is
// inf in f16, and f16 holds integers exactly only up to 2048); an i8 one
// follows the contractions into f16.
// CHECK-LABEL: func.func @autocast_int_to_float_by_width
// CHECK: %[[M:.*]] = linalg.matmul
// CHECK: linalg.generic {{.*}} ins(%[[M]] : tensor<2x4xf32>)
// CHECK: arith.sitofp %{{.*}} : i32 to f32
// CHECK: %[[M2:.*]] = linalg.matmul
// CHECK: linalg.generic {{.*}} ins(%{{.*}} : tensor<2x4xf16>) outs(%{{.*}} : tensor<2x4xf16>)
// CHECK: arith.sitofp %{{.*}} : i8 to f16
func.func @autocast_int_to_float_by_width(%x: tensor<2x4xf32>, %w: tensor<4x4xf32>) -> tensor<2x4xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x4xf32>
  %i = linalg.fill ins(%zero : f32) outs(%e : tensor<2x4xf32>) -> tensor<2x4xf32>
  %m = linalg.matmul ins(%x, %w : tensor<2x4xf32>, tensor<4x4xf32>) outs(%i : tensor<2x4xf32>) -> tensor<2x4xf32>
  %t = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]}
      ins(%m : tensor<2x4xf32>) outs(%e : tensor<2x4xf32>) {
    ^bb0(%a: f32, %o: f32):
      %c = arith.constant 70000 : i32
      %f = arith.sitofp %c : i32 to f32
      %r = arith.addf %a, %f : f32
      linalg.yield %r : f32
  } -> tensor<2x4xf32>
  %m2 = linalg.matmul ins(%t, %w : tensor<2x4xf32>, tensor<4x4xf32>) outs(%i : tensor<2x4xf32>) -> tensor<2x4xf32>
  %t2 = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]}
      ins(%m2 : tensor<2x4xf32>) outs(%e : tensor<2x4xf32>) {
    ^bb0(%a: f32, %o: f32):
      %c = arith.constant 100 : i8
      %f = arith.sitofp %c : i8 to f32
      %r = arith.addf %a, %f : f32
      linalg.yield %r : f32
  } -> tensor<2x4xf32>
  %m3 = linalg.matmul ins(%t2, %w : tensor<2x4xf32>, tensor<4x4xf32>) outs(%i : tensor<2x4xf32>) -> tensor<2x4xf32>
  return %m3 : tensor<2x4xf32>
}

// -----

// A mul-add reduction whose two inputs are indexed alike is a sum of an
// elementwise product (here the cross-entropy sum(y * log p)), not a
// contraction: no element is reused, and sums are FP32.
// CHECK-LABEL: func.func @negative_autocast_weighted_sum_is_not_a_contraction
// CHECK-NOT: mpt.cast
// CHECK-NOT: f16
func.func @negative_autocast_weighted_sum_is_not_a_contraction(%y: tensor<8x10xf32>, %p: tensor<8x10xf32>) -> tensor<f32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<f32>
  %i = linalg.fill ins(%zero : f32) outs(%e : tensor<f32>) -> tensor<f32>
  %s = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> ()>], iterator_types = ["reduction", "reduction"]}
      ins(%y, %p : tensor<8x10xf32>, tensor<8x10xf32>) outs(%i : tensor<f32>) {
    ^bb0(%a: f32, %b: f32, %o: f32):
      %m = arith.mulf %a, %b : f32
      %r = arith.addf %o, %m : f32
      linalg.yield %r : f32
  } -> tensor<f32>
  return %s : tensor<f32>
}
