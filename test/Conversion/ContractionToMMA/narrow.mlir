// Copy widths: the widest aligned copy that never straddles a bound
// (16-byte cp.async.cg, 8- or 4-byte cp.async.ca, or synchronous 2-byte
// copies), from the static shapes, strides and offsets.
// RUN: mpt-opt %s -split-input-file --mpt-contractions-to-mma="tile=64x64x32_w2x2_s4" | FileCheck %s

// 3 input channels: no aligned vector of the input exists, so its
// elements are copied synchronously (2-byte loads under the window and
// bounds predicates, zero otherwise, stored to shared memory); the filter
// (16 contiguous output channels) still uses 16-byte cp.async.
// CHECK-LABEL: gpu.func @conv_fprop_0(
// CHECK:         %[[V:.*]] = memref.load %{{.*}} : memref<192xf16>
// CHECK:         %[[Z:.*]] = arith.select %{{.*}}, %[[V]], %{{.*}} : f16
// CHECK:         memref.store %[[Z]], %{{.*}} : memref<16384xf16, #gpu.address_space<workgroup>>
// CHECK:         nvgpu.device_async_copy {{.*}}, 8, %{{.*}} {bypassL1} : memref<432xf16>
func.func @three_channels(%x: memref<1x8x8x3xf16>, %w: memref<3x3x3x16xf16>, %o: memref<1x6x6x16xf32>) {
  %z = arith.constant 0.0 : f32
  linalg.fill ins(%z : f32) outs(%o : memref<1x6x6x16xf32>)
  linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w : memref<1x8x8x3xf16>, memref<3x3x3x16xf16>) outs(%o : memref<1x6x6x16xf32>)
  return
}

// -----

// 4 input channels: 8-byte copies (cp.async.ca, no L1 bypass).
// CHECK-LABEL: gpu.func @conv_fprop_0(
// CHECK:         nvgpu.device_async_copy {{.*}}, 4, %{{.*}} : memref<256xf16> to memref<16384xf16, #gpu.address_space<workgroup>>
// CHECK-NOT:     memref.load %{{.*}} : memref<256xf16>
func.func @four_channels(%x: memref<1x8x8x4xf16>, %w: memref<3x3x4x16xf16>, %o: memref<1x6x6x16xf32>) {
  %z = arith.constant 0.0 : f32
  linalg.fill ins(%z : f32) outs(%o : memref<1x6x6x16xf32>)
  linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w : memref<1x8x8x4xf16>, memref<3x3x4x16xf16>) outs(%o : memref<1x6x6x16xf32>)
  return
}

// -----

// A view starting at an odd element: no aligned vector, synchronous 2-byte
// copies for A, 16-byte copies for B.
// CHECK-LABEL: gpu.func @gemm_0(
// CHECK-NOT:     nvgpu.device_async_copy {{.*}} : memref<2112xf16>
// CHECK:         memref.load %{{.*}} : memref<2112xf16>
// CHECK:         nvgpu.device_async_copy {{.*}}, 8 {bypassL1} : memref<2048xf16>
func.func @two_byte_offset(%a: memref<64x33xf16>, %b: memref<32x64xf16>, %c: memref<64x64xf32>) {
  %z = arith.constant 0.0 : f32
  %s = memref.subview %a[0, 1] [64, 32] [1, 1] : memref<64x33xf16> to memref<64x32xf16, strided<[33, 1], offset: 1>>
  linalg.fill ins(%z : f32) outs(%c : memref<64x64xf32>)
  linalg.matmul ins(%s, %b : memref<64x32xf16, strided<[33, 1], offset: 1>>, memref<32x64xf16>) outs(%c : memref<64x64xf32>)
  return
}

// -----

// An f32 operand the body rounds to f16: 16-byte loads of 4 floats, one
// rounding to nearest even, 8-byte stores into shared memory.
// CHECK-LABEL: gpu.func @gemm_0(
// CHECK:         %[[F:.*]] = vector.load %{{.*}} {alignment = 16 : i64} : memref<2048xf32>, vector<4xf32>
// CHECK:         %[[H:.*]] = arith.truncf %{{.*}} : vector<4xf32> to vector<4xf16>
// CHECK:         vector.store %[[H]], %{{.*}} {alignment = 8 : i64} : memref<16384xf16, #gpu.address_space<workgroup>>, vector<4xf16>
#nn = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> (m, n)>]
func.func @f32_operand_rounded(%a: memref<64x32xf16>, %b: memref<32x64xf32>, %c: memref<64x64xf32>) {
  %z = arith.constant 0.0 : f32
  linalg.fill ins(%z : f32) outs(%c : memref<64x64xf32>)
  linalg.generic {indexing_maps = #nn, iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<64x32xf16>, memref<32x64xf32>) outs(%c : memref<64x64xf32>) {
  ^bb0(%x: f16, %y: f32, %acc: f32):
    %0 = arith.extf %x : f16 to f32
    %1 = arith.truncf %y : f32 to f16
    %2 = arith.extf %1 : f16 to f32
    %3 = arith.mulf %0, %2 : f32
    %4 = arith.addf %acc, %3 : f32
    linalg.yield %4 : f32
  }
  return
}
