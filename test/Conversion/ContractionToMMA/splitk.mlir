// Split-K: a long reduction with a small output is cut into splits, one per
// blockIdx.z slice, whose f32 partial tiles go to a host-level workspace;
// a reduce kernel sums them in split order (deterministic) and runs the
// epilogue.
// RUN: mpt-opt %s --mpt-contractions-to-mma | FileCheck %s

// 256x256 outputs, K = 65536: 4 tiles of 128x128 would leave most SMs idle.
// CHECK-LABEL: func.func @long_reduction
// CHECK-NOT:     linalg.
// CHECK:         %[[WS:.*]] = memref.alloc() {alignment = 256 : i64} : memref<1048576xf32>
// CHECK:         gpu.launch_func  @mpt_kernels::@gemm_0 blocks in (%{{.*}}, %{{.*}}, %[[SPLITS:.*]]) threads in ({{.*}}) {{.*}} args(%arg0 : memref<256x65536xf16>, %arg1 : memref<65536x256xf16>, %[[WS]] : memref<1048576xf32>)
// CHECK:         gpu.launch_func  @mpt_kernels::@splitk_reduce_0 {{.*}} args(%[[WS]] : memref<1048576xf32>, %arg2 : memref<256x256xf32>)
// CHECK:         return
//
// CHECK-LABEL: gpu.func @gemm_0(
// CHECK-SAME:      mpt.tile = "128x128x32_w2x2_s4_k16"
// The reduction range of blockIdx.z's split.
// CHECK:         gpu.block_id  z
// CHECK:         scf.for %{{.*}} = %{{.*}} to %{{.*}} step
// CHECK:         vector.store %{{.*}} {alignment = 16 : i64} : memref<1048576xf32>, vector<4xf32>
//
// The reduce kernel: 8 columns per thread, the 16 partials added in split
// order (partial 0, then 1, 2, ... 15).
// CHECK-LABEL: gpu.func @splitk_reduce_0(
// CHECK-SAME:      mpt.kernel_family = "splitk_reduce", mpt.tile = "k16"
// CHECK:         %[[P0:.*]] = vector.load %{{.*}} : memref<1048576xf32>, vector<4xf32>
// CHECK:         %[[P1:.*]] = vector.load %{{.*}} : memref<1048576xf32>, vector<4xf32>
// CHECK:         scf.for %{{.*}} = %c1_i32 to %c16_i32 step %c1_i32 iter_args(%[[S0:.*]] = %[[P0]], %[[S1:.*]] = %[[P1]])
// CHECK:           %[[Q0:.*]] = vector.load %{{.*}} : memref<1048576xf32>, vector<4xf32>
// CHECK:           %[[Q1:.*]] = vector.load %{{.*}} : memref<1048576xf32>, vector<4xf32>
// CHECK:           %[[A0:.*]] = arith.addf %[[S0]], %[[Q0]] : vector<4xf32>
// CHECK:           %[[A1:.*]] = arith.addf %[[S1]], %[[Q1]] : vector<4xf32>
// CHECK:           scf.yield %[[A0]], %[[A1]]
// CHECK:         vector.store %{{.*}} {alignment = 16 : i64} : memref<65536xf32>, vector<4xf32>
func.func @long_reduction(%a: memref<256x65536xf16>, %b: memref<65536x256xf16>, %c: memref<256x256xf32>) {
  %z = arith.constant 0.0 : f32
  linalg.fill ins(%z : f32) outs(%c : memref<256x256xf32>)
  linalg.matmul ins(%a, %b : memref<256x65536xf16>, memref<65536x256xf16>) outs(%c : memref<256x256xf32>)
  return
}
