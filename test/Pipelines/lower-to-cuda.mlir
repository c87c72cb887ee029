// RUN: mpt-opt %s --mpt-lower-to-cuda | FileCheck %s
// RUN: mpt-opt %s --mpt-lower-to-cuda=sm=90 | FileCheck %s --check-prefix=SM90
// RUN: mpt-opt %s -pass-pipeline='builtin.module(mpt-lower-to-cuda{opt-level=0})' | FileCheck %s --check-prefix=O0

// A training step through the whole GPU pipeline: the host function keeps
// only allocations, zero fills (device memsets) and launches (results are
// written straight into the caller's out-parameters), every kernel is PTX in
// one gpu.binary.
// CHECK-LABEL: func.func @train_step
// CHECK-SAME: (%{{.*}}: memref<64x10xf32>, %{{.*}}: memref<10xf32>, %{{.*}}: memref<32x64xf32>, %{{.*}}: memref<32x10xf32>, %[[NEWW:.*]]: memref<64x10xf32>, %[[NEWB:.*]]: memref<10xf32>, %[[LOSS:.*]]: memref<f32>)
// CHECK-NOT: linalg.generic
// CHECK-NOT: linalg.matmul
// CHECK-NOT: tensor.
// CHECK-NOT: memref.copy
// CHECK: gpu.launch_func  @mpt_kernels::@{{[a-z_]+[0-9]+}}
// CHECK: args({{.*}}%[[LOSS]] : memref<f32>)
// CHECK: args({{.*}}%[[NEWW]] : memref<64x10xf32>)
// CHECK: args({{.*}}%[[NEWB]] : memref<10xf32>)
// CHECK: return
// CHECK: gpu.binary @mpt_kernels [#gpu.object<#nvvm.target<O = 3, chip = "sm_80", features = "+ptx80">
// CHECK-SAME: assembly = "
// CHECK-SAME: .version 8.0
// CHECK-SAME: .target sm_80
// The forward matmul and its bias/target/tanh epilogue: one tiled f32 kernel
// (FMA register micro-tiles, operands staged in shared memory by cp.async).
// CHECK-SAME: .visible .entry simt_gemm_{{[0-9]+}}(
// CHECK-SAME: cp.async
// CHECK-SAME: fma.rn.f32
// CHECK-SAME: .visible .entry full_reduction_{{[0-9]+}}(
// CHECK-SAME: bar.sync
// The weight gradient x^T * dy, then the bias gradient's column sums.
// CHECK-SAME: .visible .entry simt_gemm_{{[0-9]+}}(
// CHECK-SAME: .visible .entry row_reduction_{{[0-9]+}}(
// CHECK-SAME: shfl.sync.bfly.b32
// No libdevice: every math function became arithmetic.
// CHECK-NOT: __nv_

// SM90: chip = "sm_90"
// SM90-SAME: .target sm_90
// O0: #nvvm.target<O = 0, chip = "sm_80"
#rows = affine_map<(d0, d1) -> (d0, d1)>
#bias = affine_map<(d0, d1) -> (d1)>
#all = affine_map<(d0, d1) -> ()>
module {
  func.func @train_step(%w: tensor<64x10xf32>, %b: tensor<10xf32>,
                        %x: tensor<32x64xf32>, %y: tensor<32x10xf32>)
      -> (tensor<64x10xf32>, tensor<10xf32>, tensor<f32>) {
    %zero = arith.constant 0.0 : f32
    %e0 = tensor.empty() : tensor<32x10xf32>
    %acc = linalg.fill ins(%zero : f32) outs(%e0 : tensor<32x10xf32>) -> tensor<32x10xf32>
    %xw = linalg.matmul ins(%x, %w : tensor<32x64xf32>, tensor<64x10xf32>) outs(%acc : tensor<32x10xf32>) -> tensor<32x10xf32>
    %d = linalg.generic {indexing_maps = [#rows, #bias, #rows, #rows], iterator_types = ["parallel", "parallel"]}
        ins(%xw, %b, %y : tensor<32x10xf32>, tensor<10xf32>, tensor<32x10xf32>) outs(%e0 : tensor<32x10xf32>) {
      ^bb0(%a: f32, %c: f32, %t: f32, %out: f32):
        %s = arith.addf %a, %c : f32
        %r = arith.subf %s, %t : f32
        %th = math.tanh %r : f32
        linalg.yield %th : f32
    } -> tensor<32x10xf32>
    %e1 = tensor.empty() : tensor<f32>
    %s0 = linalg.fill ins(%zero : f32) outs(%e1 : tensor<f32>) -> tensor<f32>
    %loss = linalg.generic {indexing_maps = [#rows, #all], iterator_types = ["reduction", "reduction"]}
        ins(%d : tensor<32x10xf32>) outs(%s0 : tensor<f32>) {
      ^bb0(%a: f32, %out: f32):
        %p = arith.mulf %a, %a : f32
        %s = arith.addf %out, %p : f32
        linalg.yield %s : f32
    } -> tensor<f32>
    %e2 = tensor.empty() : tensor<64x32xf32>
    %xt = linalg.transpose ins(%x : tensor<32x64xf32>) outs(%e2 : tensor<64x32xf32>) permutation = [1, 0]
    %e3 = tensor.empty() : tensor<64x10xf32>
    %g0 = linalg.fill ins(%zero : f32) outs(%e3 : tensor<64x10xf32>) -> tensor<64x10xf32>
    %gw = linalg.matmul ins(%xt, %d : tensor<64x32xf32>, tensor<32x10xf32>) outs(%g0 : tensor<64x10xf32>) -> tensor<64x10xf32>
    %e4 = tensor.empty() : tensor<10xf32>
    %b0 = linalg.fill ins(%zero : f32) outs(%e4 : tensor<10xf32>) -> tensor<10xf32>
    %gb = linalg.generic {indexing_maps = [#rows, #bias], iterator_types = ["reduction", "parallel"]}
        ins(%d : tensor<32x10xf32>) outs(%b0 : tensor<10xf32>) {
      ^bb0(%a: f32, %out: f32):
        %s = arith.addf %a, %out : f32
        linalg.yield %s : f32
    } -> tensor<10xf32>
    return %gw, %gb, %loss : tensor<64x10xf32>, tensor<10xf32>, tensor<f32>
  }
}
