// RUN: mpt-opt %s -split-input-file -mpt-fold-batchnorm | FileCheck %s
// Running the pass twice changes nothing the second time.
// RUN: mpt-opt %s -split-input-file -mpt-fold-batchnorm -mpt-fold-batchnorm | FileCheck %s
// Folded, the conv + BN + ReLU triples fuse as conv + bias + ReLU.
// RUN: mpt-opt %s -split-input-file -mpt-fold-batchnorm -mpt-fuse-conv-bias-relu | FileCheck %s --check-prefix=FUSED
// Every fold is a "passed" remark.
// RUN: mpt-opt %s -split-input-file -mpt-fold-batchnorm --remarks-filter-passed=mpt-fold-batchnorm -o %t 2>&1 | FileCheck %s --check-prefix=REMARK
// REMARK: Function=jax_inference_batchnorm | op=linalg.conv_2d_nhwc_hwcf, stages=3
// REMARK: Function=one_body_nchw | op=linalg.conv_2d_nchw_fchw, stages=1
// REMARK: Function=scaled_value_read_twice | op=linalg.conv_2d_nhwc_hwcf, stages=1
// REMARK: Function=scale_then_bias_and_relu_in_one_body | op=linalg.conv_2d_nhwc_hwcf, stages=1
// REMARK: Function=minus_x_negf_and_scalars | op=linalg.conv_2d_nhwc_hwcf, stages=1
// REMARK: Function=dead_add | op=linalg.conv_2d_nhwc_hwcf, stages=1
// REMARK-NOT: Passed

#id = affine_map<(n, h, w, c) -> (n, h, w, c)>
#ch = affine_map<(n, h, w, c) -> (c)>
#v = affine_map<(c) -> (c)>

// Inference BatchNorm as IREE's input conversion writes JAX's
// `(x - mean) * (scale / sqrt(var + eps)) + bias`: one generic per op, the
// per-channel operands broadcast by generics of their own. The running
// statistics are arguments (state), so the coefficients are computed in the
// function: a = scale / sqrt(var + eps), b = (0 - mean) * a + bias.
// CHECK-LABEL: func.func @jax_inference_batchnorm
// CHECK-SAME: (%[[X:.*]]: tensor<2x6x6x3xf32>, %[[W:.*]]: tensor<3x3x3x4xf32>, %[[MEAN:.*]]: tensor<4xf32>, %[[VAR:.*]]: tensor<4xf32>, %[[SCALE:.*]]: tensor<4xf32>, %[[BIAS:.*]]: tensor<4xf32>)
// CHECK: %[[COEFF:.*]]:2 = linalg.generic {{.*}} ins(%[[MEAN]], %[[S:.*]], %[[BIAS]] : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>)
// CHECK-NEXT: ^bb0(%[[M:[^:]*]]: f32, %[[SA:[^:]*]]: f32, %[[BB:[^:]*]]: f32, %{{.*}}: f32, %{{.*}}: f32):
// CHECK-NEXT:   %[[NM:.*]] = arith.negf %[[M]] : f32
// CHECK-NEXT:   %[[NMS:.*]] = arith.mulf %[[NM]], %[[SA]] : f32
// CHECK-NEXT:   %[[B:.*]] = arith.addf %[[NMS]], %[[BB]] : f32
// CHECK-NEXT:   linalg.yield %[[SA]], %[[B]] : f32, f32
// CHECK: %[[WS:.*]] = linalg.generic {{.*}} ins(%[[W]], %[[COEFF]]#0 : tensor<3x3x3x4xf32>, tensor<4xf32>)
// CHECK: arith.mulf
// CHECK: %[[CONV:.*]] = linalg.conv_2d_nhwc_hwcf {{.*}} ins(%{{.*}}, %[[WS]] : tensor<2x8x8x3xf32>, tensor<3x3x3x4xf32>)
// CHECK: %[[Y:.*]] = linalg.generic {{.*}} ins(%[[CONV]], %[[COEFF]]#1 : tensor<2x6x6x4xf32>, tensor<4xf32>)
// CHECK: arith.addf
// CHECK: %[[R:.*]] = linalg.generic {{.*}} ins(%[[Y]] : tensor<2x6x6x4xf32>)
// CHECK-NEXT: ^bb0
// CHECK-NEXT: arith.maximumf
// CHECK: return %[[R]]
// FUSED-LABEL: func.func @jax_inference_batchnorm
// FUSED: mpt.fused_conv2d {{.*}} epilogue<bias_relu>
// FUSED-NOT: linalg.conv_2d
func.func @jax_inference_batchnorm(%x: tensor<2x6x6x3xf32>, %w: tensor<3x3x3x4xf32>, %mean: tensor<4xf32>,
                                   %var: tensor<4xf32>, %scale: tensor<4xf32>, %bias: tensor<4xf32>) -> tensor<2x6x6x4xf32> {
  %zero = arith.constant 0.0 : f32
  %eps = arith.constant 1.0e-5 : f32
  %p = tensor.pad %x low[0, 1, 1, 0] high[0, 1, 1, 0] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %zero : f32
  } : tensor<2x6x6x3xf32> to tensor<2x8x8x3xf32>
  %e = tensor.empty() : tensor<2x6x6x4xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e : tensor<2x6x6x4xf32>) -> tensor<2x6x6x4xf32>
  %c = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%p, %w : tensor<2x8x8x3xf32>, tensor<3x3x3x4xf32>) outs(%acc : tensor<2x6x6x4xf32>) -> tensor<2x6x6x4xf32>
  %bm = linalg.generic {indexing_maps = [#ch, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%mean : tensor<4xf32>) outs(%e : tensor<2x6x6x4xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  } -> tensor<2x6x6x4xf32>
  %centered = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%c, %bm : tensor<2x6x6x4xf32>, tensor<2x6x6x4xf32>) outs(%e : tensor<2x6x6x4xf32>) {
  ^bb0(%a: f32, %b: f32, %out: f32):
    %r = arith.subf %a, %b : f32
    linalg.yield %r : f32
  } -> tensor<2x6x6x4xf32>
  %e1 = tensor.empty() : tensor<4xf32>
  %ve = linalg.generic {indexing_maps = [#v, #v], iterator_types = ["parallel"]} ins(%var : tensor<4xf32>) outs(%e1 : tensor<4xf32>) {
  ^bb0(%a: f32, %out: f32):
    %r = arith.addf %a, %eps : f32
    linalg.yield %r : f32
  } -> tensor<4xf32>
  %sd = linalg.generic {indexing_maps = [#v, #v], iterator_types = ["parallel"]} ins(%ve : tensor<4xf32>) outs(%e1 : tensor<4xf32>) {
  ^bb0(%a: f32, %out: f32):
    %r = math.sqrt %a : f32
    linalg.yield %r : f32
  } -> tensor<4xf32>
  %s = linalg.generic {indexing_maps = [#v, #v, #v], iterator_types = ["parallel"]} ins(%scale, %sd : tensor<4xf32>, tensor<4xf32>) outs(%e1 : tensor<4xf32>) {
  ^bb0(%a: f32, %b: f32, %out: f32):
    %r = arith.divf %a, %b : f32
    linalg.yield %r : f32
  } -> tensor<4xf32>
  %bs = linalg.generic {indexing_maps = [#ch, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%s : tensor<4xf32>) outs(%e : tensor<2x6x6x4xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  } -> tensor<2x6x6x4xf32>
  %scaled = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%centered, %bs : tensor<2x6x6x4xf32>, tensor<2x6x6x4xf32>) outs(%e : tensor<2x6x6x4xf32>) {
  ^bb0(%a: f32, %b: f32, %out: f32):
    %r = arith.mulf %a, %b : f32
    linalg.yield %r : f32
  } -> tensor<2x6x6x4xf32>
  %bb = linalg.broadcast ins(%bias : tensor<4xf32>) outs(%e : tensor<2x6x6x4xf32>) dimensions = [0, 1, 2]
  %shifted = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%scaled, %bb : tensor<2x6x6x4xf32>, tensor<2x6x6x4xf32>) outs(%e : tensor<2x6x6x4xf32>) {
  ^bb0(%a: f32, %b: f32, %out: f32):
    %r = arith.addf %a, %b : f32
    linalg.yield %r : f32
  } -> tensor<2x6x6x4xf32>
  %relu = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%shifted : tensor<2x6x6x4xf32>) outs(%e : tensor<2x6x6x4xf32>) {
  ^bb0(%a: f32, %out: f32):
    %r = arith.maximumf %a, %zero : f32
    linalg.yield %r : f32
  } -> tensor<2x6x6x4xf32>
  return %relu : tensor<2x6x6x4xf32>
}

// -----

// One body with everything in it, NCHW, the statistics read along the
// channel: (x - mean) / sqrt(var + eps) * gamma + beta. The per-channel
// arithmetic (add, sqrt) moves into the coefficients generic; the division
// by the standard deviation becomes a = 1 / sd, then a * gamma.
#id = affine_map<(n, c, h, w) -> (n, c, h, w)>
#ch = affine_map<(n, c, h, w) -> (c)>
// CHECK-LABEL: func.func @one_body_nchw
// CHECK-SAME: (%[[X:.*]]: tensor<1x2x5x5xf32>, %[[W:.*]]: tensor<3x2x3x3xf32>, %[[M:.*]]: tensor<3xf32>, %[[V:.*]]: tensor<3xf32>, %[[G:.*]]: tensor<3xf32>, %[[BE:.*]]: tensor<3xf32>)
// CHECK: %[[COEFF:.*]]:2 = linalg.generic {{.*}} ins(%[[M]], %[[V]], %[[G]], %[[BE]] :
// CHECK-NEXT: ^bb0(%[[m:[^:]*]]: f32, %[[v:[^:]*]]: f32, %[[g:[^:]*]]: f32, %[[be:[^:]*]]: f32,
// CHECK-NEXT:   %[[NM:.*]] = arith.negf %[[m]]
// CHECK-NEXT:   %[[VE:.*]] = arith.addf %[[v]], %{{.*}}
// CHECK-NEXT:   %[[SD:.*]] = math.sqrt %[[VE]]
// CHECK-NEXT:   %[[ONE:.*]] = arith.constant 1.000000e+00 : f32
// CHECK-NEXT:   %[[INV:.*]] = arith.divf %[[ONE]], %[[SD]]
// CHECK-NEXT:   %[[B1:.*]] = arith.divf %[[NM]], %[[SD]]
// CHECK-NEXT:   %[[A:.*]] = arith.mulf %[[INV]], %[[g]]
// CHECK-NEXT:   %[[B2:.*]] = arith.mulf %[[B1]], %[[g]]
// CHECK-NEXT:   %[[B:.*]] = arith.addf %[[B2]], %[[be]]
// CHECK-NEXT:   linalg.yield %[[A]], %[[B]]
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #[[FMAP:.*]], #{{.*}}]{{.*}} ins(%[[W]], %[[COEFF]]#0 : tensor<3x2x3x3xf32>, tensor<3xf32>)
// CHECK: linalg.conv_2d_nchw_fchw
// CHECK: linalg.generic {{.*}} ins(%{{.*}}, %[[COEFF]]#1 : tensor<1x3x3x3xf32>, tensor<3xf32>)
// FUSED-LABEL: func.func @one_body_nchw
// FUSED: mpt.fused_conv2d {{.*}} layout<nchw_fchw> epilogue<bias>
func.func @one_body_nchw(%x: tensor<1x2x5x5xf32>, %w: tensor<3x2x3x3xf32>, %mean: tensor<3xf32>, %var: tensor<3xf32>,
                         %gamma: tensor<3xf32>, %beta: tensor<3xf32>) -> tensor<1x3x3x3xf32> {
  %zero = arith.constant 0.0 : f32
  %eps = arith.constant 1.0e-5 : f32
  %e = tensor.empty() : tensor<1x3x3x3xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e : tensor<1x3x3x3xf32>) -> tensor<1x3x3x3xf32>
  %c = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%x, %w : tensor<1x2x5x5xf32>, tensor<3x2x3x3xf32>) outs(%acc : tensor<1x3x3x3xf32>) -> tensor<1x3x3x3xf32>
  %y = linalg.generic {indexing_maps = [#id, #ch, #ch, #ch, #ch, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%c, %mean, %var, %gamma, %beta : tensor<1x3x3x3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>)
      outs(%e : tensor<1x3x3x3xf32>) {
  ^bb0(%a: f32, %m: f32, %v: f32, %g: f32, %b: f32, %out: f32):
    %0 = arith.subf %a, %m : f32
    %1 = arith.addf %v, %eps : f32
    %2 = math.sqrt %1 : f32
    %3 = arith.divf %0, %2 : f32
    %4 = arith.mulf %3, %g : f32
    %5 = arith.addf %4, %b : f32
    linalg.yield %5 : f32
  } -> tensor<1x3x3x3xf32>
  return %y : tensor<1x3x3x3xf32>
}

// -----

// A value in the chain that something else reads ends the chain there: the
// scaled result is read twice, so the fold stops after the multiply, and
// both readers read the folded convolution (a scale alone needs no bias).
#id = affine_map<(n, h, w, c) -> (n, h, w, c)>
#ch = affine_map<(n, h, w, c) -> (c)>
// CHECK-LABEL: func.func @scaled_value_read_twice
// CHECK: %[[A:.*]] = linalg.generic {{.*}} ins(%arg2 : tensor<2xf32>) outs(%{{.*}} : tensor<2xf32>)
// CHECK: %[[WS:.*]] = linalg.generic {{.*}} ins(%arg1, %[[A]] :
// CHECK: %[[CONV:.*]] = linalg.conv_2d_nhwc_hwcf {{.*}} ins(%arg0, %[[WS]] :
// CHECK-NEXT: %[[Y:.*]] = linalg.generic {{.*}} ins(%[[CONV]], %arg3 :
// CHECK: return %[[Y]], %[[CONV]]
func.func @scaled_value_read_twice(%x: tensor<1x3x3x2xf32>, %w: tensor<1x1x2x2xf32>, %s: tensor<2xf32>,
                                   %b: tensor<2xf32>) -> (tensor<1x3x3x2xf32>, tensor<1x3x3x2xf32>) {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x3x3x2xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e : tensor<1x3x3x2xf32>) -> tensor<1x3x3x2xf32>
  %c = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%x, %w : tensor<1x3x3x2xf32>, tensor<1x1x2x2xf32>) outs(%acc : tensor<1x3x3x2xf32>) -> tensor<1x3x3x2xf32>
  %m = linalg.generic {indexing_maps = [#id, #ch, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%c, %s : tensor<1x3x3x2xf32>, tensor<2xf32>) outs(%e : tensor<1x3x3x2xf32>) {
  ^bb0(%a: f32, %k: f32, %out: f32):
    %r = arith.mulf %a, %k : f32
    linalg.yield %r : f32
  } -> tensor<1x3x3x2xf32>
  %y = linalg.generic {indexing_maps = [#id, #ch, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%m, %b : tensor<1x3x3x2xf32>, tensor<2xf32>) outs(%e : tensor<1x3x3x2xf32>) {
  ^bb0(%a: f32, %k: f32, %out: f32):
    %r = arith.addf %a, %k : f32
    linalg.yield %r : f32
  } -> tensor<1x3x3x2xf32>
  return %y, %m : tensor<1x3x3x2xf32>, tensor<1x3x3x2xf32>
}

// -----

// The chain ends at a stage that does not fold even when that stage starts
// with foldable arithmetic: here the bias add shares its body with the ReLU,
// so only the scale folds (and no bias is added).
#id = affine_map<(n, h, w, c) -> (n, h, w, c)>
#ch = affine_map<(n, h, w, c) -> (c)>
// CHECK-LABEL: func.func @scale_then_bias_and_relu_in_one_body
// CHECK: %[[A:.*]] = linalg.generic {{.*}} ins(%arg2 : tensor<2xf32>) outs(%{{.*}} : tensor<2xf32>)
// CHECK: %[[WS:.*]] = linalg.generic {{.*}} ins(%arg1, %[[A]] :
// CHECK: %[[CONV:.*]] = linalg.conv_2d_nhwc_hwcf {{.*}} ins(%arg0, %[[WS]] :
// CHECK-NEXT: %[[Y:.*]] = linalg.generic {{.*}} ins(%[[CONV]], %arg3 :
// CHECK: arith.addf
// CHECK: arith.maximumf
// CHECK: return %[[Y]]
func.func @scale_then_bias_and_relu_in_one_body(%x: tensor<1x3x3x2xf32>, %w: tensor<1x1x2x2xf32>, %s: tensor<2xf32>,
                                                %b: tensor<2xf32>) -> tensor<1x3x3x2xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x3x3x2xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e : tensor<1x3x3x2xf32>) -> tensor<1x3x3x2xf32>
  %c = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%x, %w : tensor<1x3x3x2xf32>, tensor<1x1x2x2xf32>) outs(%acc : tensor<1x3x3x2xf32>) -> tensor<1x3x3x2xf32>
  %m = linalg.generic {indexing_maps = [#id, #ch, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%c, %s : tensor<1x3x3x2xf32>, tensor<2xf32>) outs(%e : tensor<1x3x3x2xf32>) {
  ^bb0(%a: f32, %k: f32, %out: f32):
    %r = arith.mulf %a, %k : f32
    linalg.yield %r : f32
  } -> tensor<1x3x3x2xf32>
  %y = linalg.generic {indexing_maps = [#id, #ch, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%m, %b : tensor<1x3x3x2xf32>, tensor<2xf32>) outs(%e : tensor<1x3x3x2xf32>) {
  ^bb0(%a: f32, %k: f32, %out: f32):
    %0 = arith.addf %a, %k : f32
    %r = arith.maximumf %0, %zero : f32
    linalg.yield %r : f32
  } -> tensor<1x3x3x2xf32>
  return %y : tensor<1x3x3x2xf32>
}

// -----

// `p - x`, `negf` and operands that are the same for every channel: a 0-D
// tensor, a scalar from outside the body. y = -((k - x) * s) with k a 0-D
// tensor and s a captured scalar: a = s, b = -(k * s).
#id = affine_map<(n, h, w, c) -> (n, h, w, c)>
#sc = affine_map<(n, h, w, c) -> ()>
// CHECK-LABEL: func.func @minus_x_negf_and_scalars
// CHECK-SAME: (%[[X:[^:]*]]: {{.*}}, %[[W:[^:]*]]: {{.*}}, %[[K:[^:]*]]: tensor<f32>, %[[S:[^:]*]]: f32)
// CHECK: %[[COEFF:.*]]:2 = linalg.generic {indexing_maps = [#[[SAME:.*]], #[[V:.*]], #[[V]]]{{.*}} ins(%[[K]] : tensor<f32>)
// CHECK-NEXT: ^bb0(%[[k:[^:]*]]: f32,
// CHECK-NEXT:   %[[M1:.*]] = arith.constant -1.000000e+00 : f32
// CHECK-NEXT:   %[[A1:.*]] = arith.mulf %[[M1]], %[[S]] : f32
// CHECK-NEXT:   %[[B1:.*]] = arith.mulf %[[k]], %[[S]] : f32
// CHECK-NEXT:   %[[A:.*]] = arith.negf %[[A1]] : f32
// CHECK-NEXT:   %[[B:.*]] = arith.negf %[[B1]] : f32
// CHECK-NEXT:   linalg.yield %[[A]], %[[B]] : f32, f32
// CHECK: linalg.conv_2d_nhwc_hwcf
// CHECK: linalg.generic {{.*}} ins(%{{.*}}, %[[COEFF]]#1 :
func.func @minus_x_negf_and_scalars(%x: tensor<1x3x3x2xf32>, %w: tensor<1x1x2x2xf32>, %k: tensor<f32>, %s: f32) -> tensor<1x3x3x2xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x3x3x2xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e : tensor<1x3x3x2xf32>) -> tensor<1x3x3x2xf32>
  %c = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%x, %w : tensor<1x3x3x2xf32>, tensor<1x1x2x2xf32>) outs(%acc : tensor<1x3x3x2xf32>) -> tensor<1x3x3x2xf32>
  %y = linalg.generic {indexing_maps = [#id, #sc, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%c, %k : tensor<1x3x3x2xf32>, tensor<f32>) outs(%e : tensor<1x3x3x2xf32>) {
  ^bb0(%a: f32, %kk: f32, %out: f32):
    %0 = arith.subf %kk, %a : f32
    %1 = arith.mulf %0, %s : f32
    %r = arith.negf %1 : f32
    linalg.yield %r : f32
  } -> tensor<1x3x3x2xf32>
  return %y : tensor<1x3x3x2xf32>
}

// -----

// Arithmetic the yield does not read decides nothing: a multiply whose
// result is dropped does not make the chain scale (nothing to fold), and a
// dropped add does not make a scaling chain shift (no bias).
#id = affine_map<(n, h, w, c) -> (n, h, w, c)>
#ch = affine_map<(n, h, w, c) -> (c)>
// CHECK-LABEL: func.func @dead_multiply
// CHECK: %[[C:.*]] = linalg.conv_2d_nhwc_hwcf {{.*}} ins(%{{.*}}, %arg1 :
// CHECK: linalg.generic {{.*}} ins(%[[C]], %arg2 :
func.func @dead_multiply(%x: tensor<1x3x3x2xf32>, %w: tensor<1x1x2x2xf32>, %k: tensor<2xf32>) -> tensor<1x3x3x2xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x3x3x2xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e : tensor<1x3x3x2xf32>) -> tensor<1x3x3x2xf32>
  %c = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%x, %w : tensor<1x3x3x2xf32>, tensor<1x1x2x2xf32>) outs(%acc : tensor<1x3x3x2xf32>) -> tensor<1x3x3x2xf32>
  %y = linalg.generic {indexing_maps = [#id, #ch, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%c, %k : tensor<1x3x3x2xf32>, tensor<2xf32>) outs(%e : tensor<1x3x3x2xf32>) {
  ^bb0(%a: f32, %kk: f32, %out: f32):
    %d = arith.mulf %a, %kk : f32
    linalg.yield %a : f32
  } -> tensor<1x3x3x2xf32>
  return %y : tensor<1x3x3x2xf32>
}

// CHECK-LABEL: func.func @dead_add
// CHECK: %[[A:.*]] = linalg.generic {{.*}} ins(%arg2 : tensor<2xf32>) outs(%{{.*}} : tensor<2xf32>) {
// CHECK: linalg.conv_2d_nhwc_hwcf
// CHECK-NOT: linalg.generic
// CHECK: return
func.func @dead_add(%x: tensor<1x3x3x2xf32>, %w: tensor<1x1x2x2xf32>, %k: tensor<2xf32>) -> tensor<1x3x3x2xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x3x3x2xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e : tensor<1x3x3x2xf32>) -> tensor<1x3x3x2xf32>
  %c = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%x, %w : tensor<1x3x3x2xf32>, tensor<1x1x2x2xf32>) outs(%acc : tensor<1x3x3x2xf32>) -> tensor<1x3x3x2xf32>
  %y = linalg.generic {indexing_maps = [#id, #ch, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%c, %k : tensor<1x3x3x2xf32>, tensor<2xf32>) outs(%e : tensor<1x3x3x2xf32>) {
  ^bb0(%a: f32, %kk: f32, %out: f32):
    %d = arith.addf %a, %kk : f32
    %r = arith.mulf %a, %kk : f32
    linalg.yield %r : f32
  } -> tensor<1x3x3x2xf32>
  return %y : tensor<1x3x3x2xf32>
}

// -----

// Left as they are:
// - training BatchNorm: the batch mean reads the convolution's result;
// - a bias add alone (mpt-fuse-conv-bias-relu's business);
// - a coefficient that varies along a spatial dimension;
// - arithmetic that is not affine in the convolution's result (x * x);
// - a non-zero accumulator.
#id = affine_map<(n, h, w, c) -> (n, h, w, c)>
#ch = affine_map<(n, h, w, c) -> (c)>
#hw = affine_map<(n, h, w, c) -> (h)>
#red = affine_map<(n, h, w, c) -> (c)>
// CHECK-LABEL: func.func @negative_batch_statistics
// CHECK-NOT: arith.negf
// CHECK: %[[C:.*]] = linalg.conv_2d_nhwc_hwcf {{.*}} ins(%{{.*}}, %arg1 :
// CHECK: linalg.generic {{.*}} ins(%[[C]] :
// CHECK: linalg.generic {{.*}} ins(%[[C]], %{{.*}} :
func.func @negative_batch_statistics(%x: tensor<1x3x3x2xf32>, %w: tensor<1x1x2x2xf32>) -> tensor<1x3x3x2xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x3x3x2xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e : tensor<1x3x3x2xf32>) -> tensor<1x3x3x2xf32>
  %c = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%x, %w : tensor<1x3x3x2xf32>, tensor<1x1x2x2xf32>) outs(%acc : tensor<1x3x3x2xf32>) -> tensor<1x3x3x2xf32>
  %e1 = tensor.empty() : tensor<2xf32>
  %z1 = linalg.fill ins(%zero : f32) outs(%e1 : tensor<2xf32>) -> tensor<2xf32>
  %sum = linalg.generic {indexing_maps = [#id, #red], iterator_types = ["reduction", "reduction", "reduction", "parallel"]}
      ins(%c : tensor<1x3x3x2xf32>) outs(%z1 : tensor<2xf32>) {
  ^bb0(%a: f32, %out: f32):
    %r = arith.addf %a, %out : f32
    linalg.yield %r : f32
  } -> tensor<2xf32>
  %y = linalg.generic {indexing_maps = [#id, #ch, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%c, %sum : tensor<1x3x3x2xf32>, tensor<2xf32>) outs(%e : tensor<1x3x3x2xf32>) {
  ^bb0(%a: f32, %k: f32, %out: f32):
    %r = arith.mulf %a, %k : f32
    linalg.yield %r : f32
  } -> tensor<1x3x3x2xf32>
  return %y : tensor<1x3x3x2xf32>
}

// CHECK-LABEL: func.func @negative_bias_only
// CHECK: %[[C:.*]] = linalg.conv_2d_nhwc_hwcf {{.*}} ins(%{{.*}}, %arg1 :
// CHECK: linalg.generic {{.*}} ins(%[[C]], %arg2 :
func.func @negative_bias_only(%x: tensor<1x3x3x2xf32>, %w: tensor<1x1x2x2xf32>, %b: tensor<2xf32>) -> tensor<1x3x3x2xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x3x3x2xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e : tensor<1x3x3x2xf32>) -> tensor<1x3x3x2xf32>
  %c = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%x, %w : tensor<1x3x3x2xf32>, tensor<1x1x2x2xf32>) outs(%acc : tensor<1x3x3x2xf32>) -> tensor<1x3x3x2xf32>
  %y = linalg.generic {indexing_maps = [#id, #ch, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%c, %b : tensor<1x3x3x2xf32>, tensor<2xf32>) outs(%e : tensor<1x3x3x2xf32>) {
  ^bb0(%a: f32, %k: f32, %out: f32):
    %r = arith.addf %a, %k : f32
    linalg.yield %r : f32
  } -> tensor<1x3x3x2xf32>
  return %y : tensor<1x3x3x2xf32>
}

// CHECK-LABEL: func.func @negative_spatial_coefficient
// CHECK: %[[C:.*]] = linalg.conv_2d_nhwc_hwcf {{.*}} ins(%{{.*}}, %arg1 :
// CHECK: linalg.generic {{.*}} ins(%[[C]], %arg2 :
func.func @negative_spatial_coefficient(%x: tensor<1x3x3x2xf32>, %w: tensor<1x1x2x2xf32>, %s: tensor<3xf32>) -> tensor<1x3x3x2xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x3x3x2xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e : tensor<1x3x3x2xf32>) -> tensor<1x3x3x2xf32>
  %c = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%x, %w : tensor<1x3x3x2xf32>, tensor<1x1x2x2xf32>) outs(%acc : tensor<1x3x3x2xf32>) -> tensor<1x3x3x2xf32>
  %y = linalg.generic {indexing_maps = [#id, #hw, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%c, %s : tensor<1x3x3x2xf32>, tensor<3xf32>) outs(%e : tensor<1x3x3x2xf32>) {
  ^bb0(%a: f32, %k: f32, %out: f32):
    %r = arith.mulf %a, %k : f32
    linalg.yield %r : f32
  } -> tensor<1x3x3x2xf32>
  return %y : tensor<1x3x3x2xf32>
}

// CHECK-LABEL: func.func @negative_square
// CHECK: %[[C:.*]] = linalg.conv_2d_nhwc_hwcf {{.*}} ins(%{{.*}}, %arg1 :
// CHECK: linalg.generic {{.*}} ins(%[[C]] :
func.func @negative_square(%x: tensor<1x3x3x2xf32>, %w: tensor<1x1x2x2xf32>) -> tensor<1x3x3x2xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x3x3x2xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e : tensor<1x3x3x2xf32>) -> tensor<1x3x3x2xf32>
  %c = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%x, %w : tensor<1x3x3x2xf32>, tensor<1x1x2x2xf32>) outs(%acc : tensor<1x3x3x2xf32>) -> tensor<1x3x3x2xf32>
  %y = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%c : tensor<1x3x3x2xf32>) outs(%e : tensor<1x3x3x2xf32>) {
  ^bb0(%a: f32, %out: f32):
    %r = arith.mulf %a, %a : f32
    linalg.yield %r : f32
  } -> tensor<1x3x3x2xf32>
  return %y : tensor<1x3x3x2xf32>
}

// CHECK-LABEL: func.func @negative_nonzero_init
// CHECK: %[[C:.*]] = linalg.conv_2d_nhwc_hwcf {{.*}} ins(%{{.*}}, %arg1 :
// CHECK: linalg.generic {{.*}} ins(%[[C]], %arg2 :
func.func @negative_nonzero_init(%x: tensor<1x3x3x2xf32>, %w: tensor<1x1x2x2xf32>, %s: tensor<2xf32>) -> tensor<1x3x3x2xf32> {
  %one = arith.constant 1.0 : f32
  %e = tensor.empty() : tensor<1x3x3x2xf32>
  %acc = linalg.fill ins(%one : f32) outs(%e : tensor<1x3x3x2xf32>) -> tensor<1x3x3x2xf32>
  %c = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%x, %w : tensor<1x3x3x2xf32>, tensor<1x1x2x2xf32>) outs(%acc : tensor<1x3x3x2xf32>) -> tensor<1x3x3x2xf32>
  %y = linalg.generic {indexing_maps = [#id, #ch, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%c, %s : tensor<1x3x3x2xf32>, tensor<2xf32>) outs(%e : tensor<1x3x3x2xf32>) {
  ^bb0(%a: f32, %k: f32, %out: f32):
    %r = arith.mulf %a, %k : f32
    linalg.yield %r : f32
  } -> tensor<1x3x3x2xf32>
  return %y : tensor<1x3x3x2xf32>
}
