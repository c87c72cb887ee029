// f32 contractions: the tiled SIMT family (FMA on register micro-tiles),
// with the tensor-core kernels' operand addressing and epilogue.
// RUN: mpt-opt %s -split-input-file --mpt-contractions-to-mma | FileCheck %s
// RUN: mpt-opt %s -split-input-file --mpt-contractions-to-mma="lower-f32=false" | FileCheck %s --check-prefix=OFF

// A stored (M, K) is contiguous along K: its float4s are loaded into
// registers during the compute and stored transposed into rows of K after
// it; B (K, N) is copied as it is with cp.async (2 floats: 8 x 64 floats
// over 256 threads). Each k of the 8-deep tile reads 4 + 4 floats and
// issues 16 fma per thread (4x4 micro-tile); one commit group, one wait and
// one barrier per tile.
// CHECK-LABEL: func.func @simt_nn
// CHECK-NOT:     linalg.
// CHECK:         gpu.launch_func  @mpt_kernels::@simt_gemm_0 {{.*}} threads in (%c256
// CHECK-LABEL: gpu.func @simt_gemm_0(
// CHECK-SAME:      mpt.kernel_family = "simt_gemm", mpt.tile = "simt64x64x8_t4x4_s2"
// CHECK:         vector.load %{{.*}} : memref<16384xf32>, vector<2xf32>
// CHECK:         nvgpu.device_async_copy %{{.*}}, 2 : memref<16384xf32> to memref<2112xf32, #gpu.address_space<workgroup>>
// CHECK-COUNT-2: memref.store %{{.*}} : memref<2112xf32, #gpu.address_space<workgroup>>
// CHECK:         nvgpu.device_async_wait %{{.*}} {numGroups = 0 : i32}
// CHECK-NEXT:    gpu.barrier
// CHECK:         scf.for
// CHECK:           nvgpu.device_async_copy %{{.*}}, 2, %{{.*}} : memref<16384xf32>
// CHECK:           vector.load %{{.*}} : memref<2112xf32, #gpu.address_space<workgroup>>, vector<4xf32>
// CHECK-COUNT-128: math.fma %{{.*}}, %{{.*}}, %{{.*}} : f32
// CHECK-COUNT-2:   memref.store %{{.*}} : memref<2112xf32, #gpu.address_space<workgroup>>
// CHECK:           nvgpu.device_async_create_group
// CHECK-NEXT:      nvgpu.device_async_wait %{{.*}} {numGroups = 0 : i32}
// CHECK-NEXT:      gpu.barrier
// CHECK:           scf.yield
// CHECK:         vector.store %{{.*}} {alignment = 16 : i64} : memref<65536xf32>, vector<4xf32>
// OFF-LABEL: func.func @simt_nn
// OFF:         linalg.matmul
// OFF-NOT:     gpu.launch_func
func.func @simt_nn(%a: memref<256x64xf32>, %b: memref<64x256xf32>, %c: memref<256x256xf32>) {
  %z = arith.constant 0.0 : f32
  linalg.fill ins(%z : f32) outs(%c : memref<256x256xf32>)
  linalg.matmul ins(%a, %b : memref<256x64xf32>, memref<64x256xf32>) outs(%c : memref<256x256xf32>)
  return
}

// -----

// Enough tiles for the SMs: 128x128 blocks, 8x8 per thread (two float4
// halves per operand and k: 64 fma per k).
// CHECK-LABEL: gpu.func @simt_gemm_0(
// CHECK-SAME:      mpt.tile = "simt128x128x8_t8x8_s2"
// CHECK:         scf.for
// CHECK-COUNT-512: math.fma
// CHECK:           scf.yield
func.func @simt_large(%a: memref<2048x256xf32>, %b: memref<256x2048xf32>, %c: memref<2048x2048xf32>) {
  %z = arith.constant 0.0 : f32
  linalg.fill ins(%z : f32) outs(%c : memref<2048x2048xf32>)
  linalg.matmul ins(%a, %b : memref<2048x256xf32>, memref<256x2048xf32>) outs(%c : memref<2048x2048xf32>)
  return
}
