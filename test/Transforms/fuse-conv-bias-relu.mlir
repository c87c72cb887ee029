// RUN: mpt-opt %s -split-input-file -mpt-fuse-conv-bias-relu | FileCheck %s
// RUN: mpt-opt %s -split-input-file -mpt-fuse-conv-bias-relu=fp32-bias=true | FileCheck %s --check-prefix=FP32BIAS
// Running the pass twice changes nothing the second time.
// RUN: mpt-opt %s -split-input-file -mpt-fuse-conv-bias-relu -mpt-fuse-conv-bias-relu | FileCheck %s
// Every @negative_ candidate with an epilogue is declined for its reason: the
// pass's "missed" remarks, through the remark engine, in file order.
// RUN: mpt-opt %s -split-input-file -mpt-fuse-conv-bias-relu --remarks-filter-missed=mpt-fuse-conv-bias-relu -o /dev/null 2>&1 | FileCheck %s --check-prefix=REASON
// REASON: Function=negative_nonzero_init | {{.*}}reason="non-zero init"
// The init is 1.0, -0.0 and an argument.
// REASON-COUNT-3: Function=negative_init_not_zero_fill | {{.*}}reason="non-zero init"
// REASON: Function=negative_bias_over_wrong_dim | {{.*}}reason="bias not per-channel"
// REASON: Function=negative_matmul_bias_per_row | {{.*}}reason="bias not per-channel"
// REASON-COUNT-2: Function=negative_relu_nonzero_threshold | detail="max/compare against a non-zero constant", op=linalg.matmul, reason="ReLU threshold is not zero"
// REASON: Function=negative_f64 | detail="operands f64 x f64, accumulator f64 (needs f16/bf16/f32 operands and an f32 accumulator)", {{.*}}reason="unsupported element type"
// REASON: Function=negative_f16_accumulator | detail="operands f16 x f16, accumulator f16 {{.*}}reason="unsupported element type"
// REASON: Function=negative_mixed_operand_types | detail="operand element types differ: f16 and f32", {{.*}}reason="unsupported element type"
// REASON: Function=negative_pre_bias_used_elsewhere | detail="another op reads the contraction result; fusing would hide it", {{.*}}reason="pre-bias value used elsewhere"
// REASON: Function=negative_pre_bias_cast_used_elsewhere | detail="another op reads the value before the bias add; fusing would hide it", {{.*}}reason="pre-bias value used elsewhere"
// REASON: Function=negative_pre_activation_read_in_two_precisions | detail="the pre-activation is read before and after the cast", {{.*}}reason="pre-activation read in two precisions"
// REASON: Function=negative_unsupported_layout | {{.*}}op=linalg.conv_2d_nhwc_fhwc, reason="unsupported layout"
// REASON: Function=negative_matmul_transposed_maps | detail="transposed or broadcast operands", {{.*}}reason="non-default matmul indexing maps"
// REASON: Function=negative_conv_cropped_input | detail="the windows read only part of the (padded) input", {{.*}}reason="input larger than the convolution windows"
// REASON: Function=negative_conv_dynamic_spatial_size | detail="the output height or width is dynamic", {{.*}}reason="dynamic convolution output size"
// REASON-NOT: [Missed]

// The frontend's FP32 spelling: zero pad, zero-filled init, bias generic,
// ReLU generic. The pad has no other user, so it becomes `padding`.
// CHECK-LABEL: func.func @fuse_conv_nhwc_bias_relu
// CHECK-SAME: (%[[X:.*]]: tensor<1x8x8x3xf32>, %[[F:.*]]: tensor<3x3x3x4xf32>, %[[B:.*]]: tensor<4xf32>)
// CHECK-NEXT: %[[Y:.*]] = mpt.fused_conv2d %[[X]], %[[F]] bias(%[[B]] : tensor<4xf32>) layout<nhwc_hwcf> epilogue<bias_relu> {padding = array<i64: 1, 1, 1, 1>} : tensor<1x8x8x3xf32>, tensor<3x3x3x4xf32> -> tensor<1x8x8x4xf32>
// CHECK-NEXT: return %[[Y]]
func.func @fuse_conv_nhwc_bias_relu(%x: tensor<1x8x8x3xf32>, %f: tensor<3x3x3x4xf32>, %b: tensor<4xf32>) -> tensor<1x8x8x4xf32> {
  %zero = arith.constant 0.0 : f32
  %p = tensor.pad %x low[0, 1, 1, 0] high[0, 1, 1, 0] {
  ^bb0(%i0: index, %i1: index, %i2: index, %i3: index):
    tensor.yield %zero : f32
  } : tensor<1x8x8x3xf32> to tensor<1x10x10x3xf32>
  %e = tensor.empty() : tensor<1x8x8x4xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<1x8x8x4xf32>) -> tensor<1x8x8x4xf32>
  %c = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
       ins(%p, %f : tensor<1x10x10x3xf32>, tensor<3x3x3x4xf32>) outs(%init : tensor<1x8x8x4xf32>) -> tensor<1x8x8x4xf32>
  %e2 = tensor.empty() : tensor<1x8x8x4xf32>
  %biased = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>],
                            iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%c, %b : tensor<1x8x8x4xf32>, tensor<4xf32>) outs(%e2 : tensor<1x8x8x4xf32>) {
  ^bb0(%in: f32, %bias: f32, %out: f32):
    %s = arith.addf %in, %bias : f32
    linalg.yield %s : f32
  } -> tensor<1x8x8x4xf32>
  %e3 = tensor.empty() : tensor<1x8x8x4xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>],
                       iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%biased : tensor<1x8x8x4xf32>) outs(%e3 : tensor<1x8x8x4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %z = arith.constant 0.0 : f32
    %m = arith.maximumf %in, %z : f32
    linalg.yield %m : f32
  } -> tensor<1x8x8x4xf32>
  return %r : tensor<1x8x8x4xf32>
}

// -----

// Strides and dilations are kept; no pad means zero padding.
// CHECK-LABEL: func.func @fuse_conv_stride2_dilation2_keeps_attributes
// CHECK: mpt.fused_conv2d %{{.*}}, %{{.*}} bias(%{{.*}} : tensor<8xf32>) layout<nhwc_hwcf> epilogue<bias_relu> {dilations = array<i64: 2, 2>, strides = array<i64: 2, 2>} : tensor<1x9x9x3xf32>, tensor<3x3x3x8xf32> -> tensor<1x3x3x8xf32>
// CHECK-NOT: linalg.
func.func @fuse_conv_stride2_dilation2_keeps_attributes(%x: tensor<1x9x9x3xf32>, %f: tensor<3x3x3x8xf32>, %b: tensor<8xf32>) -> tensor<1x3x3x8xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x3x3x8xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<1x3x3x8xf32>) -> tensor<1x3x3x8xf32>
  %c = linalg.conv_2d_nhwc_hwcf {dilations = dense<2> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>}
       ins(%x, %f : tensor<1x9x9x3xf32>, tensor<3x3x3x8xf32>) outs(%init : tensor<1x3x3x8xf32>) -> tensor<1x3x3x8xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>],
                       iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%c, %b : tensor<1x3x3x8xf32>, tensor<8xf32>) outs(%e : tensor<1x3x3x8xf32>) {
  ^bb0(%in: f32, %bias: f32, %out: f32):
    %s = arith.addf %bias, %in : f32
    %m = arith.maximumf %s, %zero : f32
    linalg.yield %m : f32
  } -> tensor<1x3x3x8xf32>
  return %r : tensor<1x3x3x8xf32>
}

// -----

// NCHW/FCHW: the bias is read along d1; an asymmetric pad is absorbed as
// [top, left, bottom, right].
// CHECK-LABEL: func.func @fuse_conv_nchw_bias_relu
// CHECK-SAME: (%[[X:.*]]: tensor<2x3x8x8xf32>, %[[F:.*]]: tensor<4x3x3x3xf32>, %[[B:.*]]: tensor<4xf32>)
// CHECK-NEXT: %[[Y:.*]] = mpt.fused_conv2d %[[X]], %[[F]] bias(%[[B]] : tensor<4xf32>) layout<nchw_fchw> epilogue<bias_relu> {padding = array<i64: 1, 0, 2, 1>} : tensor<2x3x8x8xf32>, tensor<4x3x3x3xf32> -> tensor<2x4x9x7xf32>
// CHECK-NEXT: return %[[Y]]
func.func @fuse_conv_nchw_bias_relu(%x: tensor<2x3x8x8xf32>, %f: tensor<4x3x3x3xf32>, %b: tensor<4xf32>) -> tensor<2x4x9x7xf32> {
  %zero = arith.constant 0.0 : f32
  %p = tensor.pad %x low[0, 0, 1, 0] high[0, 0, 2, 1] {
  ^bb0(%i0: index, %i1: index, %i2: index, %i3: index):
    tensor.yield %zero : f32
  } : tensor<2x3x8x8xf32> to tensor<2x3x11x9xf32>
  %e = tensor.empty() : tensor<2x4x9x7xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<2x4x9x7xf32>) -> tensor<2x4x9x7xf32>
  %c = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
       ins(%p, %f : tensor<2x3x11x9xf32>, tensor<4x3x3x3xf32>) outs(%init : tensor<2x4x9x7xf32>) -> tensor<2x4x9x7xf32>
  %biased = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d1)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>],
                            iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%c, %b : tensor<2x4x9x7xf32>, tensor<4xf32>) outs(%e : tensor<2x4x9x7xf32>) {
  ^bb0(%in: f32, %bias: f32, %out: f32):
    %s = arith.addf %in, %bias : f32
    linalg.yield %s : f32
  } -> tensor<2x4x9x7xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>],
                       iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%biased : tensor<2x4x9x7xf32>) outs(%e : tensor<2x4x9x7xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.maxnumf %zero, %in : f32
    linalg.yield %m : f32
  } -> tensor<2x4x9x7xf32>
  return %r : tensor<2x4x9x7xf32>
}

// -----

// The padded tensor is also read by the weight gradient: the pad stays and
// the fused op reads the padded input with zero padding.
// CHECK-LABEL: func.func @fuse_conv_keeps_shared_pad
// CHECK: %[[P:.*]] = tensor.pad
// CHECK: %[[Y:.*]] = mpt.fused_conv2d %[[P]], %{{.*}} layout<nhwc_hwcf> epilogue<relu> : tensor<1x6x6x2xf32>, tensor<3x3x2x2xf32> -> tensor<1x4x4x2xf32>
// CHECK: return %[[Y]], %[[P]]
func.func @fuse_conv_keeps_shared_pad(%x: tensor<1x4x4x2xf32>, %f: tensor<3x3x2x2xf32>) -> (tensor<1x4x4x2xf32>, tensor<1x6x6x2xf32>) {
  %zero = arith.constant 0.0 : f32
  %p = tensor.pad %x low[0, 1, 1, 0] high[0, 1, 1, 0] {
  ^bb0(%i0: index, %i1: index, %i2: index, %i3: index):
    tensor.yield %zero : f32
  } : tensor<1x4x4x2xf32> to tensor<1x6x6x2xf32>
  %e = tensor.empty() : tensor<1x4x4x2xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<1x4x4x2xf32>) -> tensor<1x4x4x2xf32>
  %c = linalg.conv_2d_nhwc_hwcf ins(%p, %f : tensor<1x6x6x2xf32>, tensor<3x3x2x2xf32>) outs(%init : tensor<1x4x4x2xf32>) -> tensor<1x4x4x2xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>],
                       iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%c : tensor<1x4x4x2xf32>) outs(%e : tensor<1x4x4x2xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.maximumf %in, %zero : f32
    linalg.yield %m : f32
  } -> tensor<1x4x4x2xf32>
  return %r, %p : tensor<1x4x4x2xf32>, tensor<1x6x6x2xf32>
}

// -----

// A pad of the batch dimension is not a convolution padding: the pad stays.
// CHECK-LABEL: func.func @fuse_conv_keeps_batch_pad
// CHECK: %[[P:.*]] = tensor.pad
// CHECK: mpt.fused_conv2d %[[P]], %{{.*}} layout<nhwc_hwcf> epilogue<relu> : tensor<2x3x3x1xf32>
func.func @fuse_conv_keeps_batch_pad(%x: tensor<1x3x3x1xf32>, %f: tensor<1x1x1x1xf32>) -> tensor<2x3x3x1xf32> {
  %zero = arith.constant 0.0 : f32
  %p = tensor.pad %x low[0, 0, 0, 0] high[1, 0, 0, 0] {
  ^bb0(%i0: index, %i1: index, %i2: index, %i3: index):
    tensor.yield %zero : f32
  } : tensor<1x3x3x1xf32> to tensor<2x3x3x1xf32>
  %e = tensor.empty() : tensor<2x3x3x1xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<2x3x3x1xf32>) -> tensor<2x3x3x1xf32>
  %c = linalg.conv_2d_nhwc_hwcf ins(%p, %f : tensor<2x3x3x1xf32>, tensor<1x1x1x1xf32>) outs(%init : tensor<2x3x3x1xf32>) -> tensor<2x3x3x1xf32>
  %zeros = arith.constant dense<0.0> : tensor<2x3x3x1xf32>
  %r = arith.maximumf %c, %zeros : tensor<2x3x3x1xf32>
  return %r : tensor<2x3x3x1xf32>
}

// -----

// CHECK-LABEL: func.func @fuse_matmul_bias_relu
// CHECK-SAME: (%[[X:.*]]: tensor<4x16xf32>, %[[W:.*]]: tensor<16x8xf32>, %[[B:.*]]: tensor<8xf32>)
// CHECK-NEXT: %[[Y:.*]] = mpt.fused_matmul %[[X]], %[[W]] bias(%[[B]] : tensor<8xf32>) epilogue<bias_relu> : tensor<4x16xf32>, tensor<16x8xf32> -> tensor<4x8xf32>
// CHECK-NEXT: return %[[Y]]
func.func @fuse_matmul_bias_relu(%x: tensor<4x16xf32>, %w: tensor<16x8xf32>, %b: tensor<8xf32>) -> tensor<4x8xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x8xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<4x8xf32>) -> tensor<4x8xf32>
  %m = linalg.matmul ins(%x, %w : tensor<4x16xf32>, tensor<16x8xf32>) outs(%init : tensor<4x8xf32>) -> tensor<4x8xf32>
  %biased = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1)>, affine_map<(d0, d1) -> (d0, d1)>],
                            iterator_types = ["parallel", "parallel"]}
      ins(%m, %b : tensor<4x8xf32>, tensor<8xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%in: f32, %bias: f32, %out: f32):
    %s = arith.addf %in, %bias : f32
    linalg.yield %s : f32
  } -> tensor<4x8xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>],
                       iterator_types = ["parallel", "parallel"]}
      ins(%biased : tensor<4x8xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %z = arith.constant 0.0 : f32
    %c = arith.cmpf ogt, %in, %z : f32
    %s = arith.select %c, %in, %z : f32
    linalg.yield %s : f32
  } -> tensor<4x8xf32>
  return %r : tensor<4x8xf32>
}

// -----

// Bias only; the accumulator starts from a zero constant instead of a fill.
// CHECK-LABEL: func.func @fuse_matmul_bias_only
// CHECK-NEXT: %[[Y:.*]] = mpt.fused_matmul %{{.*}}, %{{.*}} bias(%{{.*}} : tensor<8xf32>) epilogue<bias> : tensor<4x16xf32>, tensor<16x8xf32> -> tensor<4x8xf32>
// CHECK-NEXT: return %[[Y]]
func.func @fuse_matmul_bias_only(%x: tensor<4x16xf32>, %w: tensor<16x8xf32>, %b: tensor<8xf32>) -> tensor<4x8xf32> {
  %init = arith.constant dense<0.0> : tensor<4x8xf32>
  %m = linalg.matmul ins(%x, %w : tensor<4x16xf32>, tensor<16x8xf32>) outs(%init : tensor<4x8xf32>) -> tensor<4x8xf32>
  %e = tensor.empty() : tensor<4x8xf32>
  %biased = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1)>, affine_map<(d0, d1) -> (d0, d1)>],
                            iterator_types = ["parallel", "parallel"]}
      ins(%m, %b : tensor<4x8xf32>, tensor<8xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%in: f32, %bias: f32, %out: f32):
    %s = arith.addf %in, %bias : f32
    linalg.yield %s : f32
  } -> tensor<4x8xf32>
  return %biased : tensor<4x8xf32>
}

// -----

// ReLU only, as tensor-level compare + select.
// CHECK-LABEL: func.func @fuse_matmul_relu_only_tensor_select
// CHECK-NEXT: %[[Y:.*]] = mpt.fused_matmul %{{.*}}, %{{.*}} epilogue<relu> : tensor<4x16xf32>, tensor<16x8xf32> -> tensor<4x8xf32>
// CHECK-NEXT: return %[[Y]]
func.func @fuse_matmul_relu_only_tensor_select(%x: tensor<4x16xf32>, %w: tensor<16x8xf32>) -> tensor<4x8xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x8xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<4x8xf32>) -> tensor<4x8xf32>
  %m = linalg.matmul ins(%x, %w : tensor<4x16xf32>, tensor<16x8xf32>) outs(%init : tensor<4x8xf32>) -> tensor<4x8xf32>
  %zeros = arith.constant dense<0.0> : tensor<4x8xf32>
  %c = arith.cmpf uge, %m, %zeros : tensor<4x8xf32>
  %r = arith.select %c, %m, %zeros : tensor<4x8xi1>, tensor<4x8xf32>
  return %r : tensor<4x8xf32>
}

// -----

// Bias only on a convolution, added at tensor level through linalg.broadcast.
// CHECK-LABEL: func.func @fuse_conv_bias_only_tensor_add_broadcast
// CHECK-SAME: (%[[X:.*]]: tensor<1x4x4x2xf32>, %[[F:.*]]: tensor<1x1x2x3xf32>, %[[B:.*]]: tensor<3xf32>)
// CHECK-NEXT: %[[Y:.*]] = mpt.fused_conv2d %[[X]], %[[F]] bias(%[[B]] : tensor<3xf32>) layout<nhwc_hwcf> epilogue<bias> : tensor<1x4x4x2xf32>, tensor<1x1x2x3xf32> -> tensor<1x4x4x3xf32>
// CHECK-NEXT: return %[[Y]]
func.func @fuse_conv_bias_only_tensor_add_broadcast(%x: tensor<1x4x4x2xf32>, %f: tensor<1x1x2x3xf32>, %b: tensor<3xf32>) -> tensor<1x4x4x3xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x4x4x3xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<1x4x4x3xf32>) -> tensor<1x4x4x3xf32>
  %c = linalg.conv_2d_nhwc_hwcf ins(%x, %f : tensor<1x4x4x2xf32>, tensor<1x1x2x3xf32>) outs(%init : tensor<1x4x4x3xf32>) -> tensor<1x4x4x3xf32>
  %bb = linalg.broadcast ins(%b : tensor<3xf32>) outs(%e : tensor<1x4x4x3xf32>) dimensions = [0, 1, 2]
  %r = arith.addf %c, %bb : tensor<1x4x4x3xf32>
  return %r : tensor<1x4x4x3xf32>
}

// -----

// ReLU only on a convolution: tensor-level maxnumf with the zero on the left.
// CHECK-LABEL: func.func @fuse_conv_relu_only_tensor_maxnumf
// CHECK-NEXT: %[[Y:.*]] = mpt.fused_conv2d %{{.*}}, %{{.*}} layout<nhwc_hwcf> epilogue<relu> : tensor<1x4x4x2xf32>, tensor<1x1x2x3xf32> -> tensor<1x4x4x3xf32>
// CHECK-NEXT: return %[[Y]]
func.func @fuse_conv_relu_only_tensor_maxnumf(%x: tensor<1x4x4x2xf32>, %f: tensor<1x1x2x3xf32>) -> tensor<1x4x4x3xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x4x4x3xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<1x4x4x3xf32>) -> tensor<1x4x4x3xf32>
  %c = linalg.conv_2d_nhwc_hwcf ins(%x, %f : tensor<1x4x4x2xf32>, tensor<1x1x2x3xf32>) outs(%init : tensor<1x4x4x3xf32>) -> tensor<1x4x4x3xf32>
  %r = arith.maxnumf %init, %c : tensor<1x4x4x3xf32>
  return %r : tensor<1x4x4x3xf32>
}

// -----

// Tensor-level bias add through a broadcasting generic, then tensor-level
// maximumf.
// CHECK-LABEL: func.func @fuse_matmul_tensor_add_generic_broadcast_maximumf
// CHECK-SAME: (%[[X:.*]]: tensor<4x16xf32>, %[[W:.*]]: tensor<16x8xf32>, %[[B:.*]]: tensor<8xf32>)
// CHECK-NEXT: %[[Y:.*]] = mpt.fused_matmul %[[X]], %[[W]] bias(%[[B]] : tensor<8xf32>) epilogue<bias_relu>
// CHECK-NEXT: return %[[Y]]
func.func @fuse_matmul_tensor_add_generic_broadcast_maximumf(%x: tensor<4x16xf32>, %w: tensor<16x8xf32>, %b: tensor<8xf32>) -> tensor<4x8xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x8xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<4x8xf32>) -> tensor<4x8xf32>
  %m = linalg.matmul ins(%x, %w : tensor<4x16xf32>, tensor<16x8xf32>) outs(%init : tensor<4x8xf32>) -> tensor<4x8xf32>
  %bb = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]}
      ins(%b : tensor<8xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  } -> tensor<4x8xf32>
  %s = arith.addf %bb, %m : tensor<4x8xf32>
  %zeros = arith.constant dense<0.0> : tensor<4x8xf32>
  %r = arith.maximumf %s, %zeros : tensor<4x8xf32>
  return %r : tensor<4x8xf32>
}

// -----

// Every ReLU spelling in a generic body: ogt/oge/ugt/uge with select(x, 0),
// the zero on the left of the compare, olt/ule with the select arms swapped,
// maximumf with the zero first, and the zero passed as a zero-filled input.
// CHECK-LABEL: func.func @fuse_relu_spellings
// CHECK-COUNT-9: mpt.fused_matmul %{{.*}}, %{{.*}} epilogue<relu> : tensor<2x2xf32>, tensor<2x2xf32> -> tensor<2x2xf32>
// CHECK-NOT: linalg.
// CHECK: return
#id = affine_map<(d0, d1) -> (d0, d1)>
func.func @fuse_relu_spellings(%x: tensor<2x2xf32>, %w: tensor<2x2xf32>) -> (tensor<2x2xf32>, tensor<2x2xf32>, tensor<2x2xf32>, tensor<2x2xf32>, tensor<2x2xf32>, tensor<2x2xf32>, tensor<2x2xf32>, tensor<2x2xf32>, tensor<2x2xf32>) {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x2xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<2x2xf32>) -> tensor<2x2xf32>
  %m0 = linalg.matmul ins(%x, %w : tensor<2x2xf32>, tensor<2x2xf32>) outs(%init : tensor<2x2xf32>) -> tensor<2x2xf32>
  %r0 = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%m0 : tensor<2x2xf32>) outs(%e : tensor<2x2xf32>) {
  ^bb0(%in: f32, %out: f32):
    %c = arith.cmpf oge, %in, %zero : f32
    %s = arith.select %c, %in, %zero : f32
    linalg.yield %s : f32
  } -> tensor<2x2xf32>
  %m1 = linalg.matmul ins(%x, %w : tensor<2x2xf32>, tensor<2x2xf32>) outs(%init : tensor<2x2xf32>) -> tensor<2x2xf32>
  %r1 = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%m1 : tensor<2x2xf32>) outs(%e : tensor<2x2xf32>) {
  ^bb0(%in: f32, %out: f32):
    %c = arith.cmpf ugt, %in, %zero : f32
    %s = arith.select %c, %in, %zero : f32
    linalg.yield %s : f32
  } -> tensor<2x2xf32>
  %m2 = linalg.matmul ins(%x, %w : tensor<2x2xf32>, tensor<2x2xf32>) outs(%init : tensor<2x2xf32>) -> tensor<2x2xf32>
  %r2 = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%m2 : tensor<2x2xf32>) outs(%e : tensor<2x2xf32>) {
  ^bb0(%in: f32, %out: f32):
    %c = arith.cmpf uge, %in, %zero : f32
    %s = arith.select %c, %in, %zero : f32
    linalg.yield %s : f32
  } -> tensor<2x2xf32>
  %m3 = linalg.matmul ins(%x, %w : tensor<2x2xf32>, tensor<2x2xf32>) outs(%init : tensor<2x2xf32>) -> tensor<2x2xf32>
  %r3 = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%m3 : tensor<2x2xf32>) outs(%e : tensor<2x2xf32>) {
  ^bb0(%in: f32, %out: f32):
    %c = arith.cmpf olt, %zero, %in : f32
    %s = arith.select %c, %in, %zero : f32
    linalg.yield %s : f32
  } -> tensor<2x2xf32>
  %m4 = linalg.matmul ins(%x, %w : tensor<2x2xf32>, tensor<2x2xf32>) outs(%init : tensor<2x2xf32>) -> tensor<2x2xf32>
  %r4 = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%m4 : tensor<2x2xf32>) outs(%e : tensor<2x2xf32>) {
  ^bb0(%in: f32, %out: f32):
    %c = arith.cmpf olt, %in, %zero : f32
    %s = arith.select %c, %zero, %in : f32
    linalg.yield %s : f32
  } -> tensor<2x2xf32>
  %m5 = linalg.matmul ins(%x, %w : tensor<2x2xf32>, tensor<2x2xf32>) outs(%init : tensor<2x2xf32>) -> tensor<2x2xf32>
  %r5 = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%m5 : tensor<2x2xf32>) outs(%e : tensor<2x2xf32>) {
  ^bb0(%in: f32, %out: f32):
    %c = arith.cmpf ule, %in, %zero : f32
    %s = arith.select %c, %zero, %in : f32
    linalg.yield %s : f32
  } -> tensor<2x2xf32>
  %m6 = linalg.matmul ins(%x, %w : tensor<2x2xf32>, tensor<2x2xf32>) outs(%init : tensor<2x2xf32>) -> tensor<2x2xf32>
  %r6 = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%m6 : tensor<2x2xf32>) outs(%e : tensor<2x2xf32>) {
  ^bb0(%in: f32, %out: f32):
    %s = arith.maximumf %zero, %in : f32
    linalg.yield %s : f32
  } -> tensor<2x2xf32>
  %m7 = linalg.matmul ins(%x, %w : tensor<2x2xf32>, tensor<2x2xf32>) outs(%init : tensor<2x2xf32>) -> tensor<2x2xf32>
  %r7 = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]} ins(%m7, %init : tensor<2x2xf32>, tensor<2x2xf32>) outs(%e : tensor<2x2xf32>) {
  ^bb0(%in: f32, %z: f32, %out: f32):
    %s = arith.maxnumf %in, %z : f32
    linalg.yield %s : f32
  } -> tensor<2x2xf32>
  %m8 = linalg.matmul ins(%x, %w : tensor<2x2xf32>, tensor<2x2xf32>) outs(%init : tensor<2x2xf32>) -> tensor<2x2xf32>
  %r8 = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%m8 : tensor<2x2xf32>) outs(%e : tensor<2x2xf32>) {
  ^bb0(%in: f32, %out: f32):
    %nz = arith.constant -0.0 : f32
    %c = arith.cmpf ogt, %in, %nz : f32
    %s = arith.select %c, %in, %nz : f32
    linalg.yield %s : f32
  } -> tensor<2x2xf32>
  return %r0, %r1, %r2, %r3, %r4, %r5, %r6, %r7, %r8 : tensor<2x2xf32>, tensor<2x2xf32>, tensor<2x2xf32>, tensor<2x2xf32>, tensor<2x2xf32>, tensor<2x2xf32>, tensor<2x2xf32>, tensor<2x2xf32>, tensor<2x2xf32>
}

// -----

// The autocast form: f16 operands, f32 accumulator, cast down, bias add and
// ReLU in f16 with the bias cast from its f32 master. The cast folds into the
// epilogue and the fused op reads the f16 bias the unfused add read (as
// PyTorch's autocast does); with fp32-bias it reads the f32 master.
// CHECK-LABEL: func.func @fuse_autocast_form_folds_cast
// CHECK-SAME: (%[[X:.*]]: tensor<1x8x8x3xf16>, %[[F:.*]]: tensor<3x3x3x4xf16>, %[[B:.*]]: tensor<4xf32>)
// CHECK-NEXT: %[[B16:.*]] = mpt.cast %[[B]] : tensor<4xf32> to tensor<4xf16>
// CHECK-NEXT: %[[Y:.*]] = mpt.fused_conv2d %[[X]], %[[F]] bias(%[[B16]] : tensor<4xf16>) layout<nhwc_hwcf> epilogue<bias_relu> {padding = array<i64: 1, 1, 1, 1>} : tensor<1x8x8x3xf16>, tensor<3x3x3x4xf16> -> tensor<1x8x8x4xf16>
// CHECK-NEXT: return %[[Y]]
// FP32BIAS-LABEL: func.func @fuse_autocast_form_folds_cast
// FP32BIAS-SAME: (%[[X:.*]]: tensor<1x8x8x3xf16>, %[[F:.*]]: tensor<3x3x3x4xf16>, %[[B:.*]]: tensor<4xf32>)
// FP32BIAS-NEXT: %[[Y:.*]] = mpt.fused_conv2d %[[X]], %[[F]] bias(%[[B]] : tensor<4xf32>) layout<nhwc_hwcf> epilogue<bias_relu> {padding = array<i64: 1, 1, 1, 1>} : tensor<1x8x8x3xf16>, tensor<3x3x3x4xf16> -> tensor<1x8x8x4xf16>
// FP32BIAS-NEXT: return %[[Y]]
func.func @fuse_autocast_form_folds_cast(%x: tensor<1x8x8x3xf16>, %f: tensor<3x3x3x4xf16>, %b: tensor<4xf32>) -> tensor<1x8x8x4xf16> {
  %zero = arith.constant 0.0 : f32
  %zero16 = arith.constant 0.0 : f16
  %p = tensor.pad %x low[0, 1, 1, 0] high[0, 1, 1, 0] {
  ^bb0(%i0: index, %i1: index, %i2: index, %i3: index):
    tensor.yield %zero16 : f16
  } : tensor<1x8x8x3xf16> to tensor<1x10x10x3xf16>
  %e = tensor.empty() : tensor<1x8x8x4xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<1x8x8x4xf32>) -> tensor<1x8x8x4xf32>
  %c = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
       ins(%p, %f : tensor<1x10x10x3xf16>, tensor<3x3x3x4xf16>) outs(%init : tensor<1x8x8x4xf32>) -> tensor<1x8x8x4xf32>
  %c16 = mpt.cast %c : tensor<1x8x8x4xf32> to tensor<1x8x8x4xf16>
  %b16 = mpt.cast %b : tensor<4xf32> to tensor<4xf16>
  %e16 = tensor.empty() : tensor<1x8x8x4xf16>
  %biased = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>],
                            iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%c16, %b16 : tensor<1x8x8x4xf16>, tensor<4xf16>) outs(%e16 : tensor<1x8x8x4xf16>) {
  ^bb0(%in: f16, %bias: f16, %out: f16):
    %s = arith.addf %in, %bias : f16
    linalg.yield %s : f16
  } -> tensor<1x8x8x4xf16>
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>],
                       iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%biased : tensor<1x8x8x4xf16>) outs(%e16 : tensor<1x8x8x4xf16>) {
  ^bb0(%in: f16, %out: f16):
    %z = arith.constant 0.0 : f16
    %m = arith.maximumf %in, %z : f16
    linalg.yield %m : f16
  } -> tensor<1x8x8x4xf16>
  return %r : tensor<1x8x8x4xf16>
}

// -----

// Autocast form with the ReLU gradient of the backward pass reading the f16
// pre-activation only through `cmpf ogt pre, 0`: the fused op returns the
// mask and the gradient generic reads it (its compare is gone).
// CHECK-LABEL: func.func @fuse_autocast_form_relu_mask
// CHECK-SAME: (%[[X:.*]]: tensor<4x16xbf16>, %[[W:.*]]: tensor<16x8xbf16>, %[[B:.*]]: tensor<8xf32>, %[[G:.*]]: tensor<4x8xbf16>)
// CHECK: %[[B16:.*]] = mpt.cast %[[B]] : tensor<8xf32> to tensor<8xbf16>
// CHECK: %[[Y:.*]], %[[MASK:.*]] = mpt.fused_matmul %[[X]], %[[W]] bias(%[[B16]] : tensor<8xbf16>) epilogue<bias_relu> aux<relu_mask> : tensor<4x16xbf16>, tensor<16x8xbf16> -> tensor<4x8xbf16>, tensor<4x8xi1>
// CHECK: %[[GRAD:.*]] = linalg.generic {{.*}} ins(%[[MASK]], %[[G]] : tensor<4x8xi1>, tensor<4x8xbf16>)
// CHECK-NEXT: ^bb0(%[[IN:.*]]: i1, %[[IN1:.*]]: bf16, %{{.*}}: bf16):
// CHECK-NOT: arith.cmpf
// CHECK: arith.select %[[IN]], %[[IN1]], %{{.*}} : bf16
// CHECK: return %[[Y]], %[[GRAD]]
func.func @fuse_autocast_form_relu_mask(%x: tensor<4x16xbf16>, %w: tensor<16x8xbf16>, %b: tensor<8xf32>, %g: tensor<4x8xbf16>) -> (tensor<4x8xbf16>, tensor<4x8xbf16>) {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x8xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<4x8xf32>) -> tensor<4x8xf32>
  %m = linalg.matmul ins(%x, %w : tensor<4x16xbf16>, tensor<16x8xbf16>) outs(%init : tensor<4x8xf32>) -> tensor<4x8xf32>
  %m16 = mpt.cast %m : tensor<4x8xf32> to tensor<4x8xbf16>
  %b16 = mpt.cast %b : tensor<8xf32> to tensor<8xbf16>
  %e16 = tensor.empty() : tensor<4x8xbf16>
  %pre = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1)>, affine_map<(d0, d1) -> (d0, d1)>],
                         iterator_types = ["parallel", "parallel"]}
      ins(%m16, %b16 : tensor<4x8xbf16>, tensor<8xbf16>) outs(%e16 : tensor<4x8xbf16>) {
  ^bb0(%in: bf16, %bias: bf16, %out: bf16):
    %s = arith.addf %in, %bias : bf16
    linalg.yield %s : bf16
  } -> tensor<4x8xbf16>
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>],
                       iterator_types = ["parallel", "parallel"]}
      ins(%pre : tensor<4x8xbf16>) outs(%e16 : tensor<4x8xbf16>) {
  ^bb0(%in: bf16, %out: bf16):
    %z = arith.constant 0.0 : bf16
    %s = arith.maximumf %in, %z : bf16
    linalg.yield %s : bf16
  } -> tensor<4x8xbf16>
  %grad = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>],
                          iterator_types = ["parallel", "parallel"]}
      ins(%pre, %g : tensor<4x8xbf16>, tensor<4x8xbf16>) outs(%e16 : tensor<4x8xbf16>) {
  ^bb0(%in: bf16, %gin: bf16, %out: bf16):
    %z = arith.constant 0.0 : bf16
    %c = arith.cmpf ogt, %in, %z : bf16
    %s = arith.select %c, %gin, %z : bf16
    linalg.yield %s : bf16
  } -> tensor<4x8xbf16>
  return %r, %grad : tensor<4x8xbf16>, tensor<4x8xbf16>
}

// -----

// The backward pass widens the f16 pre-activation before comparing it with
// zero (autocast keeps the gradient in f32): still only a mask use, and the
// widening cast goes away.
// CHECK-LABEL: func.func @fuse_autocast_form_mask_through_widening_cast
// CHECK: %[[Y:.*]], %[[MASK:.*]] = mpt.fused_matmul {{.*}} epilogue<bias_relu> aux<relu_mask> : tensor<4x16xf16>, tensor<16x8xf16> -> tensor<4x8xf16>, tensor<4x8xi1>
// CHECK-NOT: mpt.cast
// CHECK: %[[SEL:.*]] = arith.select %[[MASK]], %{{.*}}, %{{.*}} : tensor<4x8xi1>, tensor<4x8xf32>
// CHECK: return %[[Y]], %[[SEL]]
func.func @fuse_autocast_form_mask_through_widening_cast(%x: tensor<4x16xf16>, %w: tensor<16x8xf16>, %b: tensor<8xf32>, %g: tensor<4x8xf32>) -> (tensor<4x8xf16>, tensor<4x8xf32>) {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x8xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<4x8xf32>) -> tensor<4x8xf32>
  %m = linalg.matmul ins(%x, %w : tensor<4x16xf16>, tensor<16x8xf16>) outs(%init : tensor<4x8xf32>) -> tensor<4x8xf32>
  %m16 = mpt.cast %m : tensor<4x8xf32> to tensor<4x8xf16>
  %b16 = mpt.cast %b : tensor<8xf32> to tensor<8xf16>
  %e16 = tensor.empty() : tensor<4x8xf16>
  %pre = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1)>, affine_map<(d0, d1) -> (d0, d1)>],
                         iterator_types = ["parallel", "parallel"]}
      ins(%m16, %b16 : tensor<4x8xf16>, tensor<8xf16>) outs(%e16 : tensor<4x8xf16>) {
  ^bb0(%in: f16, %bias: f16, %out: f16):
    %s = arith.addf %in, %bias : f16
    linalg.yield %s : f16
  } -> tensor<4x8xf16>
  %zeros16 = arith.constant dense<0.0> : tensor<4x8xf16>
  %r = arith.maximumf %pre, %zeros16 : tensor<4x8xf16>
  %pre32 = mpt.cast %pre : tensor<4x8xf16> to tensor<4x8xf32>
  %zeros = arith.constant dense<0.0> : tensor<4x8xf32>
  %c = arith.cmpf ogt, %pre32, %zeros : tensor<4x8xf32>
  %sel = arith.select %c, %g, %zeros : tensor<4x8xi1>, tensor<4x8xf32>
  return %r, %sel : tensor<4x8xf16>, tensor<4x8xf32>
}

// -----

// An FP32 chain whose ReLU output is cast down once: the cast folds in.
// CHECK-LABEL: func.func @fuse_trailing_cast_folds
// CHECK-NEXT: %[[Y:.*]] = mpt.fused_matmul %{{.*}}, %{{.*}} bias(%{{.*}} : tensor<8xf32>) epilogue<bias_relu> : tensor<4x16xf32>, tensor<16x8xf32> -> tensor<4x8xbf16>
// CHECK-NEXT: return %[[Y]]
func.func @fuse_trailing_cast_folds(%x: tensor<4x16xf32>, %w: tensor<16x8xf32>, %b: tensor<8xf32>) -> tensor<4x8xbf16> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x8xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<4x8xf32>) -> tensor<4x8xf32>
  %m = linalg.matmul ins(%x, %w : tensor<4x16xf32>, tensor<16x8xf32>) outs(%init : tensor<4x8xf32>) -> tensor<4x8xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1)>, affine_map<(d0, d1) -> (d0, d1)>],
                       iterator_types = ["parallel", "parallel"]}
      ins(%m, %b : tensor<4x8xf32>, tensor<8xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%in: f32, %bias: f32, %out: f32):
    %s = arith.addf %in, %bias : f32
    %z = arith.constant 0.0 : f32
    %y = arith.maximumf %s, %z : f32
    linalg.yield %y : f32
  } -> tensor<4x8xf32>
  %h = mpt.cast %r : tensor<4x8xf32> to tensor<4x8xbf16>
  return %h : tensor<4x8xbf16>
}

// -----

// The truncation inside the body of the epilogue generic folds in too.
// CHECK-LABEL: func.func @fuse_truncf_in_body
// CHECK-NEXT: %[[Y:.*]] = mpt.fused_matmul %{{.*}}, %{{.*}} bias(%{{.*}} : tensor<8xf32>) epilogue<bias_relu> : tensor<4x16xf16>, tensor<16x8xf16> -> tensor<4x8xf16>
// CHECK-NEXT: return %[[Y]]
func.func @fuse_truncf_in_body(%x: tensor<4x16xf16>, %w: tensor<16x8xf16>, %b: tensor<8xf32>) -> tensor<4x8xf16> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x8xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<4x8xf32>) -> tensor<4x8xf32>
  %m = linalg.matmul ins(%x, %w : tensor<4x16xf16>, tensor<16x8xf16>) outs(%init : tensor<4x8xf32>) -> tensor<4x8xf32>
  %eh = tensor.empty() : tensor<4x8xf16>
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1)>, affine_map<(d0, d1) -> (d0, d1)>],
                       iterator_types = ["parallel", "parallel"]}
      ins(%m, %b : tensor<4x8xf32>, tensor<8xf32>) outs(%eh : tensor<4x8xf16>) {
  ^bb0(%in: f32, %bias: f32, %out: f16):
    %s = arith.addf %in, %bias : f32
    %y = arith.maximumf %s, %zero : f32
    %t = arith.truncf %y : f32 to f16
    linalg.yield %t : f16
  } -> tensor<4x8xf16>
  return %r : tensor<4x8xf16>
}

// -----

// The f32 ReLU output is also returned: the cast after it stays and reads
// the fused result.
// CHECK-LABEL: func.func @fuse_trailing_cast_kept_when_f32_result_used
// CHECK-NEXT: %[[Y:.*]] = mpt.fused_matmul %{{.*}}, %{{.*}} epilogue<relu> : tensor<4x16xf32>, tensor<16x8xf32> -> tensor<4x8xf32>
// CHECK-NEXT: %[[H:.*]] = mpt.cast %[[Y]] : tensor<4x8xf32> to tensor<4x8xf16>
// CHECK-NEXT: return %[[H]], %[[Y]]
func.func @fuse_trailing_cast_kept_when_f32_result_used(%x: tensor<4x16xf32>, %w: tensor<16x8xf32>) -> (tensor<4x8xf16>, tensor<4x8xf32>) {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x8xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<4x8xf32>) -> tensor<4x8xf32>
  %m = linalg.matmul ins(%x, %w : tensor<4x16xf32>, tensor<16x8xf32>) outs(%init : tensor<4x8xf32>) -> tensor<4x8xf32>
  %zeros = arith.constant dense<0.0> : tensor<4x8xf32>
  %r = arith.maximumf %m, %zeros : tensor<4x8xf32>
  %h = mpt.cast %r : tensor<4x8xf32> to tensor<4x8xf16>
  return %h, %r : tensor<4x8xf16>, tensor<4x8xf32>
}

// -----

// The pre-activation is read by a tensor-level `cmpf ogt` (the ReLU mask):
// it reads aux<relu_mask> instead.
// CHECK-LABEL: func.func @fuse_aux_mask_tensor_cmpf
// CHECK-NEXT: %[[Y:.*]], %[[MASK:.*]] = mpt.fused_conv2d %{{.*}}, %{{.*}} bias(%{{.*}} : tensor<3xf32>) layout<nhwc_hwcf> epilogue<bias_relu> aux<relu_mask> : tensor<1x4x4x2xf32>, tensor<1x1x2x3xf32> -> tensor<1x4x4x3xf32>, tensor<1x4x4x3xi1>
// CHECK-NEXT: return %[[Y]], %[[MASK]]
func.func @fuse_aux_mask_tensor_cmpf(%x: tensor<1x4x4x2xf32>, %f: tensor<1x1x2x3xf32>, %b: tensor<3xf32>) -> (tensor<1x4x4x3xf32>, tensor<1x4x4x3xi1>) {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x4x4x3xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<1x4x4x3xf32>) -> tensor<1x4x4x3xf32>
  %c = linalg.conv_2d_nhwc_hwcf ins(%x, %f : tensor<1x4x4x2xf32>, tensor<1x1x2x3xf32>) outs(%init : tensor<1x4x4x3xf32>) -> tensor<1x4x4x3xf32>
  %bb = linalg.broadcast ins(%b : tensor<3xf32>) outs(%e : tensor<1x4x4x3xf32>) dimensions = [0, 1, 2]
  %pre = arith.addf %c, %bb : tensor<1x4x4x3xf32>
  %mask = arith.cmpf ogt, %pre, %init : tensor<1x4x4x3xf32>
  %r = arith.maximumf %pre, %init : tensor<1x4x4x3xf32>
  return %r, %mask : tensor<1x4x4x3xf32>, tensor<1x4x4x3xi1>
}

// -----

// A ReLU-only epilogue whose pre-activation (the contraction result itself)
// feeds the ReLU gradient: aux<relu_mask> on an epilogue without bias.
// CHECK-LABEL: func.func @fuse_relu_only_aux_mask
// CHECK: %[[Y:.*]], %[[MASK:.*]] = mpt.fused_matmul %{{.*}}, %{{.*}} epilogue<relu> aux<relu_mask> : tensor<4x16xf32>, tensor<16x8xf32> -> tensor<4x8xf32>, tensor<4x8xi1>
// CHECK: linalg.generic {{.*}} ins(%{{.*}}, %[[MASK]] : tensor<4x8xf32>, tensor<4x8xi1>)
// CHECK-NEXT: ^bb0(%[[G:.*]]: f32, %[[IN:.*]]: i1, %{{.*}}: f32):
// CHECK-NEXT: arith.select %[[IN]], %[[G]], %{{.*}} : f32
func.func @fuse_relu_only_aux_mask(%x: tensor<4x16xf32>, %w: tensor<16x8xf32>, %g: tensor<4x8xf32>) -> (tensor<4x8xf32>, tensor<4x8xf32>) {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x8xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<4x8xf32>) -> tensor<4x8xf32>
  %m = linalg.matmul ins(%x, %w : tensor<4x16xf32>, tensor<16x8xf32>) outs(%init : tensor<4x8xf32>) -> tensor<4x8xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]}
      ins(%m : tensor<4x8xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %y = arith.maximumf %in, %zero : f32
    linalg.yield %y : f32
  } -> tensor<4x8xf32>
  %grad = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]}
      ins(%g, %m : tensor<4x8xf32>, tensor<4x8xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%gin: f32, %in: f32, %out: f32):
    %c = arith.cmpf olt, %zero, %in : f32
    %s = arith.select %c, %gin, %zero : f32
    linalg.yield %s : f32
  } -> tensor<4x8xf32>
  return %r, %grad : tensor<4x8xf32>, tensor<4x8xf32>
}

// -----

// The pre-activation is read as a value (not only compared with zero):
// aux<pre_activation> in the type the reader uses, and the reader is rewired.
// CHECK-LABEL: func.func @fuse_aux_pre_activation
// CHECK-NEXT: %[[Y:.*]], %[[PRE:.*]] = mpt.fused_matmul %{{.*}}, %{{.*}} bias(%{{.*}} : tensor<8xf32>) epilogue<bias_relu> aux<pre_activation> : tensor<4x16xf32>, tensor<16x8xf32> -> tensor<4x8xf32>, tensor<4x8xf32>
// CHECK-NEXT: %[[SQ:.*]] = arith.mulf %[[PRE]], %[[PRE]] : tensor<4x8xf32>
// CHECK-NEXT: return %[[Y]], %[[SQ]]
func.func @fuse_aux_pre_activation(%x: tensor<4x16xf32>, %w: tensor<16x8xf32>, %b: tensor<8xf32>) -> (tensor<4x8xf32>, tensor<4x8xf32>) {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x8xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<4x8xf32>) -> tensor<4x8xf32>
  %m = linalg.matmul ins(%x, %w : tensor<4x16xf32>, tensor<16x8xf32>) outs(%init : tensor<4x8xf32>) -> tensor<4x8xf32>
  %pre = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1)>, affine_map<(d0, d1) -> (d0, d1)>],
                         iterator_types = ["parallel", "parallel"]}
      ins(%m, %b : tensor<4x8xf32>, tensor<8xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%in: f32, %bias: f32, %out: f32):
    %s = arith.addf %in, %bias : f32
    linalg.yield %s : f32
  } -> tensor<4x8xf32>
  %r = arith.maximumf %pre, %init : tensor<4x8xf32>
  %sq = arith.mulf %pre, %pre : tensor<4x8xf32>
  return %r, %sq : tensor<4x8xf32>, tensor<4x8xf32>
}

// -----

// Autocast form, the f16 pre-activation read as a value: aux<pre_activation>
// in f16 (the type the reader uses), the f16 bias widened in the epilogue.
// The mask-only reader next to it reads the pre-activation too.
// CHECK-LABEL: func.func @fuse_autocast_form_aux_pre_activation_f16
// CHECK: %[[Y:.*]], %[[PRE:.*]] = mpt.fused_matmul %{{.*}}, %{{.*}} bias(%{{.*}} : tensor<8xf16>) epilogue<bias_relu> aux<pre_activation> : tensor<4x16xf16>, tensor<16x8xf16> -> tensor<4x8xf16>, tensor<4x8xf16>
// CHECK-NEXT: %[[MASK:.*]] = arith.cmpf ogt, %[[PRE]], %{{.*}} : tensor<4x8xf16>
// CHECK-NEXT: %[[NEG:.*]] = arith.negf %[[PRE]] : tensor<4x8xf16>
// CHECK-NEXT: return %[[Y]], %[[MASK]], %[[NEG]]
func.func @fuse_autocast_form_aux_pre_activation_f16(%x: tensor<4x16xf16>, %w: tensor<16x8xf16>, %b: tensor<8xf32>) -> (tensor<4x8xf16>, tensor<4x8xi1>, tensor<4x8xf16>) {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x8xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<4x8xf32>) -> tensor<4x8xf32>
  %m = linalg.matmul ins(%x, %w : tensor<4x16xf16>, tensor<16x8xf16>) outs(%init : tensor<4x8xf32>) -> tensor<4x8xf32>
  %m16 = mpt.cast %m : tensor<4x8xf32> to tensor<4x8xf16>
  %b16 = mpt.cast %b : tensor<8xf32> to tensor<8xf16>
  %e16 = tensor.empty() : tensor<4x8xf16>
  %pre = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1)>, affine_map<(d0, d1) -> (d0, d1)>],
                         iterator_types = ["parallel", "parallel"]}
      ins(%m16, %b16 : tensor<4x8xf16>, tensor<8xf16>) outs(%e16 : tensor<4x8xf16>) {
  ^bb0(%in: f16, %bias: f16, %out: f16):
    %s = arith.addf %in, %bias : f16
    linalg.yield %s : f16
  } -> tensor<4x8xf16>
  %zeros = arith.constant dense<0.0> : tensor<4x8xf16>
  %r = arith.maximumf %pre, %zeros : tensor<4x8xf16>
  %mask = arith.cmpf ogt, %pre, %zeros : tensor<4x8xf16>
  %neg = arith.negf %pre : tensor<4x8xf16>
  return %r, %mask, %neg : tensor<4x8xf16>, tensor<4x8xi1>, tensor<4x8xf16>
}

// -----

// `cmpf ugt` is true for NaN, so it is not the ReLU mask: the reader gets the
// pre-activation instead.
// CHECK-LABEL: func.func @fuse_unordered_compare_gets_pre_activation
// CHECK: %[[Y:.*]], %[[PRE:.*]] = mpt.fused_matmul {{.*}} epilogue<relu> aux<pre_activation>
// CHECK: arith.cmpf ugt, %[[PRE]]
func.func @fuse_unordered_compare_gets_pre_activation(%x: tensor<4x16xf32>, %w: tensor<16x8xf32>) -> (tensor<4x8xf32>, tensor<4x8xi1>) {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x8xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<4x8xf32>) -> tensor<4x8xf32>
  %m = linalg.matmul ins(%x, %w : tensor<4x16xf32>, tensor<16x8xf32>) outs(%init : tensor<4x8xf32>) -> tensor<4x8xf32>
  %r = arith.maximumf %m, %init : tensor<4x8xf32>
  %c = arith.cmpf ugt, %m, %init : tensor<4x8xf32>
  return %r, %c : tensor<4x8xf32>, tensor<4x8xi1>
}

// -----

// The extra reader comes before the ReLU in the block: the fused op is placed
// before it so it still dominates every reader.
// CHECK-LABEL: func.func @fuse_places_op_before_first_reader
// CHECK: %[[Y:.*]], %[[PRE:.*]] = mpt.fused_matmul
// CHECK-NEXT: %[[T:.*]] = arith.mulf %[[PRE]], %[[PRE]]
// CHECK-NEXT: return %[[Y]], %[[T]]
func.func @fuse_places_op_before_first_reader(%x: tensor<4x16xf32>, %w: tensor<16x8xf32>, %b: tensor<8xf32>) -> (tensor<4x8xf32>, tensor<4x8xf32>) {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x8xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<4x8xf32>) -> tensor<4x8xf32>
  %m = linalg.matmul ins(%x, %w : tensor<4x16xf32>, tensor<16x8xf32>) outs(%init : tensor<4x8xf32>) -> tensor<4x8xf32>
  %bb = linalg.broadcast ins(%b : tensor<8xf32>) outs(%e : tensor<4x8xf32>) dimensions = [0]
  %pre = arith.addf %m, %bb : tensor<4x8xf32>
  %t = arith.mulf %pre, %pre : tensor<4x8xf32>
  %r = arith.maximumf %pre, %init : tensor<4x8xf32>
  return %r, %t : tensor<4x8xf32>, tensor<4x8xf32>
}

// -----

// ReLU before bias: only the ReLU fuses; the bias add stays and reads the
// fused result.
// CHECK-LABEL: func.func @fuse_relu_then_bias_fuses_relu_only
// CHECK: %[[Y:.*]] = mpt.fused_matmul %{{.*}}, %{{.*}} epilogue<relu>
// CHECK-NEXT: %[[BB:.*]] = linalg.broadcast
// CHECK-NEXT: %[[S:.*]] = arith.addf %[[Y]], %[[BB]]
// CHECK-NEXT: return %[[S]]
func.func @fuse_relu_then_bias_fuses_relu_only(%x: tensor<4x16xf32>, %w: tensor<16x8xf32>, %b: tensor<8xf32>) -> tensor<4x8xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x8xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<4x8xf32>) -> tensor<4x8xf32>
  %m = linalg.matmul ins(%x, %w : tensor<4x16xf32>, tensor<16x8xf32>) outs(%init : tensor<4x8xf32>) -> tensor<4x8xf32>
  %r = arith.maximumf %m, %init : tensor<4x8xf32>
  %bb = linalg.broadcast ins(%b : tensor<8xf32>) outs(%e : tensor<4x8xf32>) dimensions = [0]
  %s = arith.addf %r, %bb : tensor<4x8xf32>
  return %s : tensor<4x8xf32>
}

// -----

// A residual add after the bias is no epilogue: conv + bias fuse, the add and
// the ReLU after it stay.
// CHECK-LABEL: func.func @fuse_bias_before_residual_add
// CHECK: %[[Y:.*]] = mpt.fused_conv2d %{{.*}}, %{{.*}} bias(%{{.*}} : tensor<3xf32>) layout<nhwc_hwcf> epilogue<bias>
// CHECK-NEXT: %[[S:.*]] = arith.addf %[[Y]], %{{.*}} : tensor<1x4x4x3xf32>
// CHECK-NEXT: arith.maximumf %[[S]]
func.func @fuse_bias_before_residual_add(%x: tensor<1x4x4x2xf32>, %f: tensor<1x1x2x3xf32>, %b: tensor<3xf32>, %res: tensor<1x4x4x3xf32>) -> tensor<1x4x4x3xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x4x4x3xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<1x4x4x3xf32>) -> tensor<1x4x4x3xf32>
  %c = linalg.conv_2d_nhwc_hwcf ins(%x, %f : tensor<1x4x4x2xf32>, tensor<1x1x2x3xf32>) outs(%init : tensor<1x4x4x3xf32>) -> tensor<1x4x4x3xf32>
  %bb = linalg.broadcast ins(%b : tensor<3xf32>) outs(%e : tensor<1x4x4x3xf32>) dimensions = [0, 1, 2]
  %pre = arith.addf %c, %bb : tensor<1x4x4x3xf32>
  %s = arith.addf %pre, %res : tensor<1x4x4x3xf32>
  %r = arith.maximumf %s, %init : tensor<1x4x4x3xf32>
  return %r : tensor<1x4x4x3xf32>
}

// -----

// Dynamic shapes: the fused op carries them; a dynamic bias length is fine.
// CHECK-LABEL: func.func @fuse_matmul_dynamic_shapes
// CHECK-NEXT: %[[Y:.*]] = mpt.fused_matmul %{{.*}}, %{{.*}} bias(%{{.*}} : tensor<?xf32>) epilogue<bias_relu> : tensor<?x16xf32>, tensor<16x?xf32> -> tensor<?x?xf32>
// CHECK-NEXT: return %[[Y]]
func.func @fuse_matmul_dynamic_shapes(%x: tensor<?x16xf32>, %w: tensor<16x?xf32>, %b: tensor<?xf32>, %n: index, %m: index) -> tensor<?x?xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty(%n, %m) : tensor<?x?xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<?x?xf32>) -> tensor<?x?xf32>
  %mm = linalg.matmul ins(%x, %w : tensor<?x16xf32>, tensor<16x?xf32>) outs(%init : tensor<?x?xf32>) -> tensor<?x?xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]}
      ins(%mm, %b : tensor<?x?xf32>, tensor<?xf32>) outs(%e : tensor<?x?xf32>) {
  ^bb0(%in: f32, %bias: f32, %out: f32):
    %s = arith.addf %in, %bias : f32
    %y = arith.maximumf %s, %zero : f32
    linalg.yield %y : f32
  } -> tensor<?x?xf32>
  return %r : tensor<?x?xf32>
}

// -----

// Contractions inside loop bodies fuse within their block.
// CHECK-LABEL: func.func @fuse_in_loop_body
// CHECK: scf.for
// CHECK-NEXT: %[[Y:.*]] = mpt.fused_matmul %{{.*}}, %{{.*}} epilogue<relu>
// CHECK-NEXT: %[[S:.*]] = arith.addf %[[Y]], %{{.*}}
// CHECK-NEXT: scf.yield %[[S]]
func.func @fuse_in_loop_body(%x: tensor<4x16xf32>, %w: tensor<16x8xf32>, %lb: index, %ub: index, %st: index) -> tensor<4x8xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x8xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<4x8xf32>) -> tensor<4x8xf32>
  %res = scf.for %i = %lb to %ub step %st iter_args(%acc = %init) -> tensor<4x8xf32> {
    %m = linalg.matmul ins(%x, %w : tensor<4x16xf32>, tensor<16x8xf32>) outs(%init : tensor<4x8xf32>) -> tensor<4x8xf32>
    %r = arith.maximumf %m, %init : tensor<4x8xf32>
    %s = arith.addf %r, %acc : tensor<4x8xf32>
    scf.yield %s : tensor<4x8xf32>
  }
  return %res : tensor<4x8xf32>
}

// -----

// The pre-activation is read in another block: that reader is dominated by
// the fused op too and reads aux<pre_activation>.
// CHECK-LABEL: func.func @fuse_aux_read_in_other_block
// CHECK: %[[Y:.*]], %[[PRE:.*]] = mpt.fused_matmul {{.*}} epilogue<relu> aux<pre_activation>
// CHECK: ^bb1:
// CHECK-NEXT: %[[N:.*]] = arith.negf %[[PRE]]
// CHECK-NEXT: return %[[Y]], %[[N]]
func.func @fuse_aux_read_in_other_block(%x: tensor<4x16xf32>, %w: tensor<16x8xf32>) -> (tensor<4x8xf32>, tensor<4x8xf32>) {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x8xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<4x8xf32>) -> tensor<4x8xf32>
  %m = linalg.matmul ins(%x, %w : tensor<4x16xf32>, tensor<16x8xf32>) outs(%init : tensor<4x8xf32>) -> tensor<4x8xf32>
  %r = arith.maximumf %m, %init : tensor<4x8xf32>
  cf.br ^bb1
^bb1:
  %n = arith.negf %m : tensor<4x8xf32>
  return %r, %n : tensor<4x8xf32>, tensor<4x8xf32>
}

// -----

// The bias is computed between the contraction and the bias add: the fused
// op goes after it, before the first reader of its results.
// CHECK-LABEL: func.func @fuse_bias_computed_inside_chain
// CHECK: %[[B2:.*]] = arith.mulf %{{.*}}, %{{.*}} : tensor<8xf32>
// CHECK-NEXT: %[[B16:.*]] = mpt.cast %[[B2]] : tensor<8xf32> to tensor<8xf16>
// CHECK-NEXT: %[[Y:.*]] = mpt.fused_matmul %{{.*}}, %{{.*}} bias(%[[B16]] : tensor<8xf16>) epilogue<bias_relu> : tensor<4x16xf16>, tensor<16x8xf16> -> tensor<4x8xf16>
// CHECK-NEXT: return %[[Y]]
func.func @fuse_bias_computed_inside_chain(%x: tensor<4x16xf16>, %w: tensor<16x8xf16>, %b: tensor<8xf32>) -> tensor<4x8xf16> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x8xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<4x8xf32>) -> tensor<4x8xf32>
  %m = linalg.matmul ins(%x, %w : tensor<4x16xf16>, tensor<16x8xf16>) outs(%init : tensor<4x8xf32>) -> tensor<4x8xf32>
  %m16 = mpt.cast %m : tensor<4x8xf32> to tensor<4x8xf16>
  %b2 = arith.mulf %b, %b : tensor<8xf32>
  %b16 = mpt.cast %b2 : tensor<8xf32> to tensor<8xf16>
  %e16 = tensor.empty() : tensor<4x8xf16>
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]}
      ins(%m16, %b16 : tensor<4x8xf16>, tensor<8xf16>) outs(%e16 : tensor<4x8xf16>) {
  ^bb0(%in: f16, %bias: f16, %out: f16):
    %s = arith.addf %in, %bias : f16
    %z = arith.constant 0.0 : f16
    %y = arith.maximumf %s, %z : f16
    linalg.yield %y : f16
  } -> tensor<4x8xf16>
  return %r : tensor<4x8xf16>
}

// -----

// In an FP32 chain the bias is added in f32 as the graph says: a widening
// cast of it is skipped (exact), but the user's rounding of the bias to f16
// before that is kept, with or without fp32-bias (which only skips the
// rounding when the unfused add runs in f16: @fuse_autocast_form_folds_cast).
// CHECK-LABEL: func.func @fuse_fp32_chain_keeps_bias_rounding
// CHECK: %[[T:.*]] = arith.truncf %{{.*}} : tensor<8xf32> to tensor<8xf16>
// CHECK-NEXT: %[[Y:.*]] = mpt.fused_matmul %{{.*}}, %{{.*}} bias(%[[T]] : tensor<8xf16>) epilogue<bias> : tensor<4x16xf32>, tensor<16x8xf32> -> tensor<4x8xf32>
// CHECK-NEXT: return %[[Y]]
// FP32BIAS-LABEL: func.func @fuse_fp32_chain_keeps_bias_rounding
// FP32BIAS: %[[T:.*]] = arith.truncf %{{.*}} : tensor<8xf32> to tensor<8xf16>
// FP32BIAS-NEXT: mpt.fused_matmul %{{.*}}, %{{.*}} bias(%[[T]] : tensor<8xf16>) epilogue<bias>
func.func @fuse_fp32_chain_keeps_bias_rounding(%x: tensor<4x16xf32>, %w: tensor<16x8xf32>, %b: tensor<8xf32>) -> tensor<4x8xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x8xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<4x8xf32>) -> tensor<4x8xf32>
  %m = linalg.matmul ins(%x, %w : tensor<4x16xf32>, tensor<16x8xf32>) outs(%init : tensor<4x8xf32>) -> tensor<4x8xf32>
  %t = arith.truncf %b : tensor<8xf32> to tensor<8xf16>
  %b32 = arith.extf %t : tensor<8xf16> to tensor<8xf32>
  %bb = linalg.broadcast ins(%b32 : tensor<8xf32>) outs(%e : tensor<4x8xf32>) dimensions = [0]
  %r = arith.addf %m, %bb : tensor<4x8xf32>
  return %r : tensor<4x8xf32>
}

// -----

// CHECK-LABEL: func.func @negative_nonzero_init
// CHECK-NOT: mpt.fused
// CHECK: linalg.matmul
func.func @negative_nonzero_init(%x: tensor<4x16xf32>, %w: tensor<16x8xf32>) -> tensor<4x8xf32> {
  %one = arith.constant 1.0 : f32
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x8xf32>
  %init = linalg.fill ins(%one : f32) outs(%e : tensor<4x8xf32>) -> tensor<4x8xf32>
  %m = linalg.matmul ins(%x, %w : tensor<4x16xf32>, tensor<16x8xf32>) outs(%init : tensor<4x8xf32>) -> tensor<4x8xf32>
  %zeros = arith.constant dense<0.0> : tensor<4x8xf32>
  %r = arith.maximumf %m, %zeros : tensor<4x8xf32>
  return %r : tensor<4x8xf32>
}

// -----

// Accumulating into an argument (or an uninitialized tensor) is not a zero
// init either; neither is -0.0, which could flip the sign of a zero result.
// CHECK-LABEL: func.func @negative_init_not_zero_fill
// CHECK-NOT: mpt.fused
// CHECK-COUNT-3: linalg.matmul
func.func @negative_init_not_zero_fill(%x: tensor<4x16xf32>, %w: tensor<16x8xf32>, %acc: tensor<4x8xf32>) -> (tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>) {
  %zeros = arith.constant dense<0.0> : tensor<4x8xf32>
  %m = linalg.matmul ins(%x, %w : tensor<4x16xf32>, tensor<16x8xf32>) outs(%acc : tensor<4x8xf32>) -> tensor<4x8xf32>
  %r = arith.maximumf %m, %zeros : tensor<4x8xf32>
  %e = tensor.empty() : tensor<4x8xf32>
  %m2 = linalg.matmul ins(%x, %w : tensor<4x16xf32>, tensor<16x8xf32>) outs(%e : tensor<4x8xf32>) -> tensor<4x8xf32>
  %r2 = arith.maximumf %m2, %zeros : tensor<4x8xf32>
  %negzeros = arith.constant dense<-0.0> : tensor<4x8xf32>
  %m3 = linalg.matmul ins(%x, %w : tensor<4x16xf32>, tensor<16x8xf32>) outs(%negzeros : tensor<4x8xf32>) -> tensor<4x8xf32>
  %r3 = arith.maximumf %m3, %zeros : tensor<4x8xf32>
  return %r, %r2, %r3 : tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>
}

// -----

// The "bias" varies along H, not along the output channel.
// CHECK-LABEL: func.func @negative_bias_over_wrong_dim
// CHECK-NOT: mpt.fused
// CHECK: linalg.conv_2d_nhwc_hwcf
func.func @negative_bias_over_wrong_dim(%x: tensor<1x4x4x2xf32>, %f: tensor<1x1x2x4xf32>, %b: tensor<4xf32>) -> tensor<1x4x4x4xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x4x4x4xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32>
  %c = linalg.conv_2d_nhwc_hwcf ins(%x, %f : tensor<1x4x4x2xf32>, tensor<1x1x2x4xf32>) outs(%init : tensor<1x4x4x4xf32>) -> tensor<1x4x4x4xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d1)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>],
                       iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%c, %b : tensor<1x4x4x4xf32>, tensor<4xf32>) outs(%e : tensor<1x4x4x4xf32>) {
  ^bb0(%in: f32, %bias: f32, %out: f32):
    %s = arith.addf %in, %bias : f32
    linalg.yield %s : f32
  } -> tensor<1x4x4x4xf32>
  return %r : tensor<1x4x4x4xf32>
}

// -----

// A per-row bias of a matmul, broadcast along the wrong dimension.
// CHECK-LABEL: func.func @negative_matmul_bias_per_row
// CHECK-NOT: mpt.fused
// CHECK: linalg.matmul
func.func @negative_matmul_bias_per_row(%x: tensor<4x16xf32>, %w: tensor<16x8xf32>, %b: tensor<4xf32>) -> tensor<4x8xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x8xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<4x8xf32>) -> tensor<4x8xf32>
  %m = linalg.matmul ins(%x, %w : tensor<4x16xf32>, tensor<16x8xf32>) outs(%init : tensor<4x8xf32>) -> tensor<4x8xf32>
  %bb = linalg.broadcast ins(%b : tensor<4xf32>) outs(%e : tensor<4x8xf32>) dimensions = [1]
  %s = arith.addf %m, %bb : tensor<4x8xf32>
  return %s : tensor<4x8xf32>
}

// -----

// max(x, 0.5) and x > 0.5 ? x : 0.5 are not ReLU.
// CHECK-LABEL: func.func @negative_relu_nonzero_threshold
// CHECK-NOT: mpt.fused
// CHECK-COUNT-2: linalg.matmul
func.func @negative_relu_nonzero_threshold(%x: tensor<4x16xf32>, %w: tensor<16x8xf32>) -> (tensor<4x8xf32>, tensor<4x8xf32>) {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x8xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<4x8xf32>) -> tensor<4x8xf32>
  %m = linalg.matmul ins(%x, %w : tensor<4x16xf32>, tensor<16x8xf32>) outs(%init : tensor<4x8xf32>) -> tensor<4x8xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]}
      ins(%m : tensor<4x8xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %t = arith.constant 0.5 : f32
    %y = arith.maximumf %in, %t : f32
    linalg.yield %y : f32
  } -> tensor<4x8xf32>
  %m2 = linalg.matmul ins(%x, %w : tensor<4x16xf32>, tensor<16x8xf32>) outs(%init : tensor<4x8xf32>) -> tensor<4x8xf32>
  %halves = arith.constant dense<0.5> : tensor<4x8xf32>
  %c = arith.cmpf ogt, %m2, %halves : tensor<4x8xf32>
  %r2 = arith.select %c, %m2, %halves : tensor<4x8xi1>, tensor<4x8xf32>
  return %r, %r2 : tensor<4x8xf32>, tensor<4x8xf32>
}

// -----

// x > 0 ? 0 : x is min(x, 0), not ReLU.
// CHECK-LABEL: func.func @negative_select_arms_swapped
// CHECK-NOT: mpt.fused
// CHECK: linalg.matmul
func.func @negative_select_arms_swapped(%x: tensor<4x16xf32>, %w: tensor<16x8xf32>) -> tensor<4x8xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x8xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<4x8xf32>) -> tensor<4x8xf32>
  %m = linalg.matmul ins(%x, %w : tensor<4x16xf32>, tensor<16x8xf32>) outs(%init : tensor<4x8xf32>) -> tensor<4x8xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]}
      ins(%m : tensor<4x8xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %c = arith.cmpf ogt, %in, %zero : f32
    %y = arith.select %c, %zero, %in : f32
    linalg.yield %y : f32
  } -> tensor<4x8xf32>
  return %r : tensor<4x8xf32>
}

// -----

// f64 is never touched.
// CHECK-LABEL: func.func @negative_f64
// CHECK-NOT: mpt.fused
// CHECK: linalg.conv_2d_nhwc_hwcf
func.func @negative_f64(%x: tensor<1x4x4x2xf64>, %f: tensor<1x1x2x3xf64>) -> tensor<1x4x4x3xf64> {
  %zero = arith.constant 0.0 : f64
  %e = tensor.empty() : tensor<1x4x4x3xf64>
  %init = linalg.fill ins(%zero : f64) outs(%e : tensor<1x4x4x3xf64>) -> tensor<1x4x4x3xf64>
  %c = linalg.conv_2d_nhwc_hwcf ins(%x, %f : tensor<1x4x4x2xf64>, tensor<1x1x2x3xf64>) outs(%init : tensor<1x4x4x3xf64>) -> tensor<1x4x4x3xf64>
  %r = arith.maximumf %c, %init : tensor<1x4x4x3xf64>
  return %r : tensor<1x4x4x3xf64>
}

// -----

// An f16 accumulator: the fused op would accumulate in f32, which is not what
// this graph computes.
// CHECK-LABEL: func.func @negative_f16_accumulator
// CHECK-NOT: mpt.fused
// CHECK: linalg.matmul
func.func @negative_f16_accumulator(%x: tensor<4x16xf16>, %w: tensor<16x8xf16>) -> tensor<4x8xf16> {
  %zero = arith.constant 0.0 : f16
  %e = tensor.empty() : tensor<4x8xf16>
  %init = linalg.fill ins(%zero : f16) outs(%e : tensor<4x8xf16>) -> tensor<4x8xf16>
  %m = linalg.matmul ins(%x, %w : tensor<4x16xf16>, tensor<16x8xf16>) outs(%init : tensor<4x8xf16>) -> tensor<4x8xf16>
  %r = arith.maximumf %m, %init : tensor<4x8xf16>
  return %r : tensor<4x8xf16>
}

// -----

// Operands of different element types.
// CHECK-LABEL: func.func @negative_mixed_operand_types
// CHECK-NOT: mpt.fused
// CHECK: linalg.matmul
func.func @negative_mixed_operand_types(%x: tensor<4x16xf16>, %w: tensor<16x8xf32>) -> tensor<4x8xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x8xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<4x8xf32>) -> tensor<4x8xf32>
  %m = linalg.matmul ins(%x, %w : tensor<4x16xf16>, tensor<16x8xf32>) outs(%init : tensor<4x8xf32>) -> tensor<4x8xf32>
  %r = arith.maximumf %m, %init : tensor<4x8xf32>
  return %r : tensor<4x8xf32>
}

// -----

// The contraction result is also read by another op: fusing the bias would
// hide it.
// CHECK-LABEL: func.func @negative_pre_bias_used_elsewhere
// CHECK-NOT: mpt.fused
// CHECK: %[[M:.*]] = linalg.matmul
// CHECK: return %{{.*}}, %[[M]]
func.func @negative_pre_bias_used_elsewhere(%x: tensor<4x16xf32>, %w: tensor<16x8xf32>, %b: tensor<8xf32>) -> (tensor<4x8xf32>, tensor<4x8xf32>) {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x8xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<4x8xf32>) -> tensor<4x8xf32>
  %m = linalg.matmul ins(%x, %w : tensor<4x16xf32>, tensor<16x8xf32>) outs(%init : tensor<4x8xf32>) -> tensor<4x8xf32>
  %bb = linalg.broadcast ins(%b : tensor<8xf32>) outs(%e : tensor<4x8xf32>) dimensions = [0]
  %pre = arith.addf %m, %bb : tensor<4x8xf32>
  %r = arith.maximumf %pre, %init : tensor<4x8xf32>
  return %r, %m : tensor<4x8xf32>, tensor<4x8xf32>
}

// -----

// Autocast form where the f16 copy of the accumulator (still before the bias)
// has another reader: declined as well.
// CHECK-LABEL: func.func @negative_pre_bias_cast_used_elsewhere
// CHECK-NOT: mpt.fused
// CHECK: linalg.matmul
func.func @negative_pre_bias_cast_used_elsewhere(%x: tensor<4x16xf16>, %w: tensor<16x8xf16>, %b: tensor<8xf16>) -> (tensor<4x8xf16>, tensor<4x8xf16>) {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x8xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<4x8xf32>) -> tensor<4x8xf32>
  %m = linalg.matmul ins(%x, %w : tensor<4x16xf16>, tensor<16x8xf16>) outs(%init : tensor<4x8xf32>) -> tensor<4x8xf32>
  %m16 = mpt.cast %m : tensor<4x8xf32> to tensor<4x8xf16>
  %e16 = tensor.empty() : tensor<4x8xf16>
  %bb = linalg.broadcast ins(%b : tensor<8xf16>) outs(%e16 : tensor<4x8xf16>) dimensions = [0]
  %pre = arith.addf %m16, %bb : tensor<4x8xf16>
  return %pre, %m16 : tensor<4x8xf16>, tensor<4x8xf16>
}

// -----

// The pre-activation is read as a value both in f32 (before the cast) and
// in f16 (after it): one aux result cannot give both.
// CHECK-LABEL: func.func @negative_pre_activation_read_in_two_precisions
// CHECK-NOT: mpt.fused
// CHECK: linalg.matmul
func.func @negative_pre_activation_read_in_two_precisions(%x: tensor<4x16xf32>, %w: tensor<16x8xf32>, %b: tensor<8xf32>) -> (tensor<4x8xf16>, tensor<4x8xf32>, tensor<4x8xf16>) {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x8xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<4x8xf32>) -> tensor<4x8xf32>
  %m = linalg.matmul ins(%x, %w : tensor<4x16xf32>, tensor<16x8xf32>) outs(%init : tensor<4x8xf32>) -> tensor<4x8xf32>
  %bb = linalg.broadcast ins(%b : tensor<8xf32>) outs(%e : tensor<4x8xf32>) dimensions = [0]
  %pre = arith.addf %m, %bb : tensor<4x8xf32>
  %pre16 = mpt.cast %pre : tensor<4x8xf32> to tensor<4x8xf16>
  %zeros = arith.constant dense<0.0> : tensor<4x8xf16>
  %r = arith.maximumf %pre16, %zeros : tensor<4x8xf16>
  %a = arith.negf %pre : tensor<4x8xf32>
  %h = arith.negf %pre16 : tensor<4x8xf16>
  return %r, %a, %h : tensor<4x8xf16>, tensor<4x8xf32>, tensor<4x8xf16>
}

// -----

// Only the two layouts mpt.fused_conv2d knows.
// CHECK-LABEL: func.func @negative_unsupported_layout
// CHECK-NOT: mpt.fused
// CHECK: linalg.conv_2d_nhwc_fhwc
func.func @negative_unsupported_layout(%x: tensor<1x4x4x2xf32>, %f: tensor<3x1x1x2xf32>) -> tensor<1x4x4x3xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x4x4x3xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<1x4x4x3xf32>) -> tensor<1x4x4x3xf32>
  %c = linalg.conv_2d_nhwc_fhwc ins(%x, %f : tensor<1x4x4x2xf32>, tensor<3x1x1x2xf32>) outs(%init : tensor<1x4x4x3xf32>) -> tensor<1x4x4x3xf32>
  %r = arith.maximumf %c, %init : tensor<1x4x4x3xf32>
  return %r : tensor<1x4x4x3xf32>
}

// -----

// A matmul with a transposed operand (user-defined indexing maps).
// CHECK-LABEL: func.func @negative_matmul_transposed_maps
// CHECK-NOT: mpt.fused
// CHECK: linalg.matmul
func.func @negative_matmul_transposed_maps(%x: tensor<16x4xf32>, %w: tensor<16x8xf32>) -> tensor<4x8xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x8xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<4x8xf32>) -> tensor<4x8xf32>
  %m = linalg.matmul indexing_maps = [affine_map<(d0, d1, d2) -> (d2, d0)>, affine_map<(d0, d1, d2) -> (d2, d1)>, affine_map<(d0, d1, d2) -> (d0, d1)>]
       ins(%x, %w : tensor<16x4xf32>, tensor<16x8xf32>) outs(%init : tensor<4x8xf32>) -> tensor<4x8xf32>
  %r = arith.maximumf %m, %init : tensor<4x8xf32>
  return %r : tensor<4x8xf32>
}

// -----

// linalg accepts an input with more rows than the strided windows read; the
// fused op does not, so this stays.
// CHECK-LABEL: func.func @negative_conv_cropped_input
// CHECK-NOT: mpt.fused
// CHECK: linalg.conv_2d_nhwc_hwcf
func.func @negative_conv_cropped_input(%x: tensor<1x8x4x1xf32>, %f: tensor<1x1x1x1xf32>) -> tensor<1x4x4x1xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x4x4x1xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<1x4x4x1xf32>) -> tensor<1x4x4x1xf32>
  %c = linalg.conv_2d_nhwc_hwcf ins(%x, %f : tensor<1x8x4x1xf32>, tensor<1x1x1x1xf32>) outs(%init : tensor<1x4x4x1xf32>) -> tensor<1x4x4x1xf32>
  %r = arith.maximumf %c, %init : tensor<1x4x4x1xf32>
  return %r : tensor<1x4x4x1xf32>
}

// -----

// A convolution whose output height/width is dynamic stays (the CPU lowering
// of mpt.fused_conv2d needs static spatial sizes).
// CHECK-LABEL: func.func @negative_conv_dynamic_spatial_size
// CHECK-NOT: mpt.fused
// CHECK: linalg.conv_2d_nhwc_hwcf
func.func @negative_conv_dynamic_spatial_size(%x: tensor<1x?x?x2xf32>, %f: tensor<1x1x2x3xf32>, %h: index, %w: index) -> tensor<1x?x?x3xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty(%h, %w) : tensor<1x?x?x3xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<1x?x?x3xf32>) -> tensor<1x?x?x3xf32>
  %c = linalg.conv_2d_nhwc_hwcf ins(%x, %f : tensor<1x?x?x2xf32>, tensor<1x1x2x3xf32>) outs(%init : tensor<1x?x?x3xf32>) -> tensor<1x?x?x3xf32>
  %r = arith.maximumf %c, %init : tensor<1x?x?x3xf32>
  return %r : tensor<1x?x?x3xf32>
}

// -----

// A contraction with nothing to fuse after it (a backward-pass matmul) stays,
// and so does one followed only by a cast.
// CHECK-LABEL: func.func @negative_no_epilogue
// CHECK-NOT: mpt.fused
// CHECK-COUNT-2: linalg.matmul
func.func @negative_no_epilogue(%x: tensor<4x16xf16>, %w: tensor<16x8xf16>) -> (tensor<4x8xf32>, tensor<4x8xf16>) {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x8xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<4x8xf32>) -> tensor<4x8xf32>
  %m = linalg.matmul ins(%x, %w : tensor<4x16xf16>, tensor<16x8xf16>) outs(%init : tensor<4x8xf32>) -> tensor<4x8xf32>
  %m2 = linalg.matmul ins(%x, %w : tensor<4x16xf16>, tensor<16x8xf16>) outs(%init : tensor<4x8xf32>) -> tensor<4x8xf32>
  %h = mpt.cast %m2 : tensor<4x8xf32> to tensor<4x8xf16>
  return %m, %h : tensor<4x8xf32>, tensor<4x8xf16>
}

// -----

// A generic that does more than bias + ReLU (here a scale) is not an
// epilogue.
// CHECK-LABEL: func.func @negative_generic_with_extra_math
// CHECK-NOT: mpt.fused
// CHECK: linalg.matmul
func.func @negative_generic_with_extra_math(%x: tensor<4x16xf32>, %w: tensor<16x8xf32>, %b: tensor<8xf32>) -> tensor<4x8xf32> {
  %zero = arith.constant 0.0 : f32
  %two = arith.constant 2.0 : f32
  %e = tensor.empty() : tensor<4x8xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<4x8xf32>) -> tensor<4x8xf32>
  %m = linalg.matmul ins(%x, %w : tensor<4x16xf32>, tensor<16x8xf32>) outs(%init : tensor<4x8xf32>) -> tensor<4x8xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1)>, affine_map<(d0, d1) -> (d0, d1)>],
                       iterator_types = ["parallel", "parallel"]}
      ins(%m, %b : tensor<4x8xf32>, tensor<8xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%in: f32, %bias: f32, %out: f32):
    %s = arith.addf %in, %bias : f32
    %t = arith.mulf %s, %two : f32
    %y = arith.maximumf %t, %zero : f32
    linalg.yield %y : f32
  } -> tensor<4x8xf32>
  return %r : tensor<4x8xf32>
}

// -----

// Buffers are not rewritten.
// CHECK-LABEL: func.func @negative_memref_matmul
// CHECK-NOT: mpt.fused
// CHECK: linalg.matmul
func.func @negative_memref_matmul(%x: memref<4x16xf32>, %w: memref<16x8xf32>, %out: memref<4x8xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%out : memref<4x8xf32>)
  linalg.matmul ins(%x, %w : memref<4x16xf32>, memref<16x8xf32>) outs(%out : memref<4x8xf32>)
  return
}
