// RUN: mpt-opt %s -split-input-file -mpt-fuse-conv-bias-relu | FileCheck %s
// RUN: mpt-opt %s -split-input-file -mpt-fuse-conv-bias-relu --remarks-filter-missed=mpt-fuse-conv-bias-relu -o %t.mlir 2>&1 | FileCheck %s --check-prefix=REASON
// REASON: Function=negative_bias_init_over_wrong_dim | {{.*}}reason="non-zero init"
// REASON: Function=negative_bias_init_and_bias_add | {{.*}}reason="non-zero init"
// REASON-NOT: [Missed]

// torch-mlir's conv + bias + ReLU: the bias broadcast into the convolution's
// init (NCHW), ReLU as select(cmpf ugt), the pre-activation read again by the
// backward pass's mask. The bias moves to the epilogue.
// CHECK-LABEL: func.func @fuse_torch_mlir_bias_init_relu
// CHECK-SAME: (%[[X:.*]]: tensor<2x1x6x6xf32>, %[[F:.*]]: tensor<4x1x3x3xf32>, %[[B:.*]]: tensor<4xf32>)
// CHECK: %[[Y:[^ ]*]], %[[M:[^ ]*]] = mpt.fused_conv2d %[[X]], %[[F]] bias(%[[B]] : tensor<4xf32>) layout<nchw_fchw> epilogue<bias_relu> aux<relu_mask> {padding = array<i64: 1, 1, 1, 1>}
// CHECK-NOT: linalg.conv_2d
// CHECK-NOT: linalg.broadcast
// CHECK: %[[G:.*]] = linalg.generic {{.*}} ins(%[[M]] : tensor<2x4x6x6xi1>)
// CHECK: return %[[Y]], %[[G]]
func.func @fuse_torch_mlir_bias_init_relu(%x: tensor<2x1x6x6xf32>, %f: tensor<4x1x3x3xf32>, %b: tensor<4xf32>) -> (tensor<2x4x6x6xf32>, tensor<2x4x6x6xi1>) {
  %cst = arith.constant 0.000000e+00 : f32
  %padded = tensor.pad %x low[0, 0, 1, 1] high[0, 0, 1, 1] {
  ^bb0(%i0: index, %i1: index, %i2: index, %i3: index):
    tensor.yield %cst : f32
  } : tensor<2x1x6x6xf32> to tensor<2x1x8x8xf32>
  %e = tensor.empty() : tensor<2x4x6x6xf32>
  %bb = linalg.broadcast ins(%b : tensor<4xf32>) outs(%e : tensor<2x4x6x6xf32>) dimensions = [0, 2, 3]
  %c = linalg.conv_2d_nchw_fchw {dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>} ins(%padded, %f : tensor<2x1x8x8xf32>, tensor<4x1x3x3xf32>) outs(%bb : tensor<2x4x6x6xf32>) -> tensor<2x4x6x6xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%c : tensor<2x4x6x6xf32>) outs(%e : tensor<2x4x6x6xf32>) {
  ^bb0(%in: f32, %out: f32):
    %p = arith.cmpf ugt, %in, %cst : f32
    %s = arith.select %p, %in, %cst : f32
    linalg.yield %s : f32
  } -> tensor<2x4x6x6xf32>
  %em = tensor.empty() : tensor<2x4x6x6xi1>
  %mask = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%c : tensor<2x4x6x6xf32>) outs(%em : tensor<2x4x6x6xi1>) {
  ^bb0(%in: f32, %out: i1):
    %p = arith.cmpf ogt, %in, %cst : f32
    linalg.yield %p : i1
  } -> tensor<2x4x6x6xi1>
  return %r, %mask : tensor<2x4x6x6xf32>, tensor<2x4x6x6xi1>
}

// -----

// A batch of one read through `(0, d1, d2, d3)` (torch-mlir's inference
// graphs) is read elementwise all the same.
// CHECK-LABEL: func.func @fuse_unit_batch_map
// CHECK: %[[Y:.*]] = mpt.fused_conv2d %{{.*}}, %{{.*}} bias(%{{.*}} : tensor<4xf32>) layout<nchw_fchw> epilogue<bias_relu>
// CHECK-NEXT: return %[[Y]]
func.func @fuse_unit_batch_map(%x: tensor<1x2x6x6xf32>, %f: tensor<4x2x1x1xf32>, %b: tensor<4xf32>) -> tensor<1x4x6x6xf32> {
  %cst = arith.constant 0.000000e+00 : f32
  %e = tensor.empty() : tensor<1x4x6x6xf32>
  %bb = linalg.broadcast ins(%b : tensor<4xf32>) outs(%e : tensor<1x4x6x6xf32>) dimensions = [0, 2, 3]
  %c = linalg.conv_2d_nchw_fchw {dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>} ins(%x, %f : tensor<1x2x6x6xf32>, tensor<4x2x1x1xf32>) outs(%bb : tensor<1x4x6x6xf32>) -> tensor<1x4x6x6xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%c : tensor<1x4x6x6xf32>) outs(%e : tensor<1x4x6x6xf32>) {
  ^bb0(%in: f32, %out: f32):
    %p = arith.cmpf ugt, %in, %cst : f32
    %s = arith.select %p, %in, %cst : f32
    linalg.yield %s : f32
  } -> tensor<1x4x6x6xf32>
  return %r : tensor<1x4x6x6xf32>
}

// -----

// A vector broadcast along W (not the output channel) is no bias.
// CHECK-LABEL: func.func @negative_bias_init_over_wrong_dim
// CHECK-NOT: mpt.fused
// CHECK: linalg.conv_2d_nchw_fchw
func.func @negative_bias_init_over_wrong_dim(%x: tensor<1x1x6x6xf32>, %f: tensor<4x1x1x1xf32>, %b: tensor<6xf32>) -> tensor<1x4x6x6xf32> {
  %cst = arith.constant 0.000000e+00 : f32
  %e = tensor.empty() : tensor<1x4x6x6xf32>
  %bb = linalg.broadcast ins(%b : tensor<6xf32>) outs(%e : tensor<1x4x6x6xf32>) dimensions = [0, 1, 2]
  %c = linalg.conv_2d_nchw_fchw {dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>} ins(%x, %f : tensor<1x1x6x6xf32>, tensor<4x1x1x1xf32>) outs(%bb : tensor<1x4x6x6xf32>) -> tensor<1x4x6x6xf32>
  %zeros = arith.constant dense<0.0> : tensor<1x4x6x6xf32>
  %r = arith.maximumf %c, %zeros : tensor<1x4x6x6xf32>
  return %r : tensor<1x4x6x6xf32>
}

// -----

// A bias in the init and another added after: the fused op has one bias.
// CHECK-LABEL: func.func @negative_bias_init_and_bias_add
// CHECK-NOT: mpt.fused
// CHECK: linalg.conv_2d_nchw_fchw
func.func @negative_bias_init_and_bias_add(%x: tensor<1x1x6x6xf32>, %f: tensor<4x1x1x1xf32>, %b: tensor<4xf32>) -> tensor<1x4x6x6xf32> {
  %e = tensor.empty() : tensor<1x4x6x6xf32>
  %bb = linalg.broadcast ins(%b : tensor<4xf32>) outs(%e : tensor<1x4x6x6xf32>) dimensions = [0, 2, 3]
  %c = linalg.conv_2d_nchw_fchw {dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>} ins(%x, %f : tensor<1x1x6x6xf32>, tensor<4x1x1x1xf32>) outs(%bb : tensor<1x4x6x6xf32>) -> tensor<1x4x6x6xf32>
  %a = arith.addf %c, %bb : tensor<1x4x6x6xf32>
  return %a : tensor<1x4x6x6xf32>
}
