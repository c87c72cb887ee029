// What a tensor-core kernel absorbs around its contraction, and what it
// must leave alone.
// RUN: mpt-opt %s -split-input-file --mpt-contractions-to-mma | FileCheck %s

// A transpose into a temporary only the contraction reads folds into the
// operand's strides: the kernel reads the transpose's source (A stored
// (K, M): ldmatrix.trans), and the temporary is gone.
// CHECK-LABEL: func.func @transpose_folded
// CHECK-NOT:     memref.alloc
// CHECK-NOT:     linalg.
// CHECK:         gpu.launch_func  @mpt_kernels::@gemm_0 {{.*}} args(%arg0 : memref<32x64xf16>, %arg1 : memref<32x64xf16>, %arg2 : memref<64x64xf32>)
// CHECK-NEXT:    return
// CHECK-LABEL: gpu.func @gemm_0(%arg0: memref<32x64xf16>
// CHECK-COUNT-2: nvgpu.ldmatrix {{.*}} transpose = true
func.func @transpose_folded(%at: memref<32x64xf16>, %b: memref<32x64xf16>, %c: memref<64x64xf32>) {
  %z = arith.constant 0.0 : f32
  %t = memref.alloc() : memref<64x32xf16>
  linalg.transpose ins(%at : memref<32x64xf16>) outs(%t : memref<64x32xf16>) permutation = [1, 0]
  linalg.fill ins(%z : f32) outs(%c : memref<64x64xf32>)
  linalg.matmul ins(%t, %b : memref<64x32xf16>, memref<32x64xf16>) outs(%c : memref<64x64xf32>)
  return
}

// -----

// The transposed temporary is read again after the contraction: the
// transpose stays and the kernel reads the temporary.
// CHECK-LABEL: func.func @transpose_kept
// CHECK:         %[[T:.*]] = memref.alloc() : memref<64x32xf16>
// CHECK:         linalg.transpose ins(%arg0 : memref<32x64xf16>) outs(%[[T]] : memref<64x32xf16>)
// CHECK:         gpu.launch_func  @mpt_kernels::@gemm_0 {{.*}} args(%[[T]] : memref<64x32xf16>, %arg1 : memref<32x64xf16>, %arg2 : memref<64x64xf32>)
// CHECK:         memref.copy %[[T]], %arg3
func.func @transpose_kept(%at: memref<32x64xf16>, %b: memref<32x64xf16>, %c: memref<64x64xf32>, %d: memref<64x32xf16>) {
  %z = arith.constant 0.0 : f32
  %t = memref.alloc() : memref<64x32xf16>
  linalg.transpose ins(%at : memref<32x64xf16>) outs(%t : memref<64x32xf16>) permutation = [1, 0]
  linalg.fill ins(%z : f32) outs(%c : memref<64x64xf32>)
  linalg.matmul ins(%t, %b : memref<64x32xf16>, memref<32x64xf16>) outs(%c : memref<64x64xf32>)
  memref.copy %t, %d : memref<64x32xf16> to memref<64x32xf16>
  return
}

// -----

// A zero padding (fill of a temporary, copy into a subview) folds into
// the implicit-GEMM loads: they test the window (one unsigned compare per
// padded dimension) and zero-fill outside it; the kernel reads x itself.
// CHECK-LABEL: func.func @padding_folded
// CHECK-NOT:     memref.alloc
// CHECK-NOT:     memref.subview
// CHECK-NOT:     memref.copy
// CHECK-NOT:     linalg.
// CHECK:         gpu.launch_func  @mpt_kernels::@conv_fprop_0 {{.*}} args(%arg0 : memref<2x8x8x16xf16>, %arg1 : memref<3x3x16x32xf16>, %arg2 : memref<2x8x8x32xf32>)
// CHECK-LABEL: gpu.func @conv_fprop_0(
// CHECK-SAME:      mpt.kernel_family = "conv_fprop"
// CHECK:         arith.cmpi ult, %{{.*}}, %c8_i32 : i32
// CHECK:         nvgpu.device_async_copy {{.*}}, 8, %{{.*}} {bypassL1}
func.func @padding_folded(%x: memref<2x8x8x16xf16>, %w: memref<3x3x16x32xf16>, %o: memref<2x8x8x32xf32>) {
  %z16 = arith.constant 0.0 : f16
  %z = arith.constant 0.0 : f32
  %p = memref.alloc() : memref<2x10x10x16xf16>
  linalg.fill ins(%z16 : f16) outs(%p : memref<2x10x10x16xf16>)
  %sv = memref.subview %p[0, 1, 1, 0] [2, 8, 8, 16] [1, 1, 1, 1] : memref<2x10x10x16xf16> to memref<2x8x8x16xf16, strided<[1600, 160, 16, 1], offset: 176>>
  memref.copy %x, %sv : memref<2x8x8x16xf16> to memref<2x8x8x16xf16, strided<[1600, 160, 16, 1], offset: 176>>
  linalg.fill ins(%z : f32) outs(%o : memref<2x8x8x32xf32>)
  linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%p, %w : memref<2x10x10x16xf16>, memref<3x3x16x32xf16>) outs(%o : memref<2x8x8x32xf32>)
  return
}

// -----

// The accumulator is a copy of a zero-filled buffer: the copy is absorbed
// (the zero buffer's own fill stays for its other readers).
// CHECK-LABEL: func.func @copy_of_zeros
// CHECK-NOT:     memref.copy
// CHECK:         gpu.launch_func  @mpt_kernels::@gemm_0 {{.*}} args(%arg0 : memref<64x32xf16>, %arg1 : memref<32x64xf16>, %arg2 : memref<64x64xf32>)
// CHECK-NOT:     memref.copy
// CHECK-LABEL: gpu.func @gemm_0(
// CHECK:         scf.for
// The old C is not read.
// CHECK-NOT:     arith.addf
// CHECK:         gpu.return
func.func @copy_of_zeros(%a: memref<64x32xf16>, %b: memref<32x64xf16>, %c: memref<64x64xf32>) {
  %z = arith.constant 0.0 : f32
  %zeros = memref.alloc() : memref<64x64xf32>
  linalg.fill ins(%z : f32) outs(%zeros : memref<64x64xf32>)
  memref.copy %zeros, %c : memref<64x64xf32> to memref<64x64xf32>
  linalg.matmul ins(%a, %b : memref<64x32xf16>, memref<32x64xf16>) outs(%c : memref<64x64xf32>)
  return
}

// -----

// The fused forward epilogue (mpt.fused_matmul lowered: bias, ReLU,
// rounding to f16, ReLU mask) runs on the accumulators; the f32
// accumulator buffer is never written and disappears. The bias is read with
// 16-byte loads, the f16 result stored 8 halves (16 bytes) at a time, the
// mask byte by byte.
// CHECK-LABEL: func.func @fused_forward
// CHECK-NOT:     memref.alloc
// CHECK-NOT:     linalg.
// CHECK:         gpu.launch_func  @mpt_kernels::@gemm_0 {{.*}} args(%arg0 : memref<64x32xf16>, %arg1 : memref<32x64xf16>, %arg2 : memref<64xf32>, %arg3 : memref<64x64xf16>, %arg4 : memref<64x64xi1>)
// CHECK-LABEL: gpu.func @gemm_0(
// CHECK:         scf.for
// CHECK:         vector.load %{{.*}} {alignment = 16 : i64} : memref<64xf32>, vector<4xf32>
// CHECK:         %[[PRE:.*]] = arith.addf
// CHECK:         arith.maximumf %[[PRE]], %{{.*}} : f32
// CHECK:         arith.truncf %{{.*}} : f32 to f16
// CHECK:         %[[MASK:.*]] = arith.cmpf ogt, %[[PRE]], %{{.*}} : f32
// CHECK:         memref.store %[[MASK]], %{{.*}} : memref<4096xi1>
// CHECK:         vector.store %{{.*}} {alignment = 16 : i64} : memref<4096xf16>, vector<8xf16>
#id = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d1)>
func.func @fused_forward(%a: memref<64x32xf16>, %b: memref<32x64xf16>, %bias: memref<64xf32>, %y: memref<64x64xf16>, %mask: memref<64x64xi1>) {
  %z = arith.constant 0.0 : f32
  %acc = memref.alloc() : memref<64x64xf32>
  linalg.fill ins(%z : f32) outs(%acc : memref<64x64xf32>)
  linalg.matmul ins(%a, %b : memref<64x32xf16>, memref<32x64xf16>) outs(%acc : memref<64x64xf32>)
  linalg.generic {indexing_maps = [#id, #row, #id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%acc, %bias : memref<64x64xf32>, memref<64xf32>) outs(%y, %mask : memref<64x64xf16>, memref<64x64xi1>) {
  ^bb0(%in: f32, %bv: f32, %o: f16, %m: i1):
    %0 = arith.addf %in, %bv : f32
    %1 = arith.maximumf %0, %z : f32
    %2 = arith.truncf %1 : f32 to f16
    %3 = arith.cmpf ogt, %0, %z : f32
    linalg.yield %2, %3 : f16, i1
  }
  return
}

// -----

// An in-place consumer of C (bias add into the accumulator's own buffer):
// C is written once, with the bias added.
// CHECK-LABEL: func.func @bias_in_place
// CHECK-NOT:     linalg.
// CHECK:         gpu.launch_func  @mpt_kernels::@gemm_0 {{.*}} args(%arg0 : memref<64x32xf16>, %arg1 : memref<32x64xf16>, %arg2 : memref<64xf32>, %arg3 : memref<64x64xf32>)
// CHECK-LABEL: gpu.func @gemm_0(
// CHECK:         scf.for
// CHECK-NOT:     vector.store %{{.*}} : memref<4096xf32>, vector<4xf32>
// CHECK-COUNT-8: arith.addf
// CHECK-COUNT-2: vector.store %{{.*}} : memref<4096xf32>, vector<4xf32>
// CHECK-NOT:     vector.store %{{.*}} : memref<4096xf32>, vector<4xf32>
// CHECK:         vector.load {{.*}} #gpu.address_space<workgroup>>, vector<4xf32>
#id = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d1)>
func.func @bias_in_place(%a: memref<64x32xf16>, %b: memref<32x64xf16>, %bias: memref<64xf32>, %c: memref<64x64xf32>) {
  %z = arith.constant 0.0 : f32
  linalg.fill ins(%z : f32) outs(%c : memref<64x64xf32>)
  linalg.matmul ins(%a, %b : memref<64x32xf16>, memref<32x64xf16>) outs(%c : memref<64x64xf32>)
  linalg.generic {indexing_maps = [#id, #row, #id], iterator_types = ["parallel", "parallel"]}
      ins(%c, %bias : memref<64x64xf32>, memref<64xf32>) outs(%c : memref<64x64xf32>) {
  ^bb0(%in: f32, %bv: f32, %o: f32):
    %0 = arith.addf %in, %bv : f32
    linalg.yield %0 : f32
  }
  return
}

// -----

// C is a function argument (visible after the step): the raw accumulator
// is stored besides the consumer's result.
// CHECK-LABEL: func.func @raw_kept
// CHECK:         gpu.launch_func  @mpt_kernels::@gemm_0 {{.*}} args(%arg0 : memref<64x32xf16>, %arg1 : memref<32x64xf16>, %arg2 : memref<64x64xf32>, %arg3 : memref<64x64xf16>)
// CHECK-LABEL: gpu.func @gemm_0(
// CHECK:         scf.for
// CHECK:         vector.store %{{.*}} : memref<4096xf32>, vector<4xf32>
// CHECK:         vector.store %{{.*}} : memref<4096xf16>, vector<8xf16>
#id = affine_map<(d0, d1) -> (d0, d1)>
func.func @raw_kept(%a: memref<64x32xf16>, %b: memref<32x64xf16>, %c: memref<64x64xf32>, %y: memref<64x64xf16>) {
  %z = arith.constant 0.0 : f32
  linalg.fill ins(%z : f32) outs(%c : memref<64x64xf32>)
  linalg.matmul ins(%a, %b : memref<64x32xf16>, memref<32x64xf16>) outs(%c : memref<64x64xf32>)
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%c : memref<64x64xf32>) outs(%y : memref<64x64xf16>) {
  ^bb0(%in: f32, %o: f16):
    %0 = arith.truncf %in : f32 to f16
    linalg.yield %0 : f16
  }
  return
}

// -----

// The consumer's output is read between the contraction and the consumer:
// running the consumer early would change what the copy reads, so it
// stays, and the kernel stores the raw accumulator.
// CHECK-LABEL: func.func @consumer_not_absorbed
// CHECK:         %[[ACC:.*]] = memref.alloc() : memref<64x64xf32>
// CHECK:         gpu.launch_func  @mpt_kernels::@gemm_0 {{.*}} args(%arg0 : memref<64x32xf16>, %arg1 : memref<32x64xf16>, %[[ACC]] : memref<64x64xf32>)
// CHECK:         memref.copy %arg2, %arg3
// CHECK:         linalg.generic {{.*}} ins(%[[ACC]] : memref<64x64xf32>) outs(%arg2 : memref<64x64xf16>)
#id = affine_map<(d0, d1) -> (d0, d1)>
func.func @consumer_not_absorbed(%a: memref<64x32xf16>, %b: memref<32x64xf16>, %y: memref<64x64xf16>, %d: memref<64x64xf16>) {
  %z = arith.constant 0.0 : f32
  %acc = memref.alloc() : memref<64x64xf32>
  linalg.fill ins(%z : f32) outs(%acc : memref<64x64xf32>)
  linalg.matmul ins(%a, %b : memref<64x32xf16>, memref<32x64xf16>) outs(%acc : memref<64x64xf32>)
  memref.copy %y, %d : memref<64x64xf16> to memref<64x64xf16>
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%acc : memref<64x64xf32>) outs(%y : memref<64x64xf16>) {
  ^bb0(%in: f32, %o: f16):
    %0 = arith.truncf %in : f32 to f16
    linalg.yield %0 : f16
  }
  return
}
