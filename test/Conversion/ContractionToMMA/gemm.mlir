// The structure of the tensor-core GEMM kernel, with a forced 64x64x32 tile
// of 2x2 warps and 4 pipeline stages.
// RUN: mpt-opt %s -split-input-file --mpt-contractions-to-mma="tile=64x64x32_w2x2_s4" | FileCheck %s

// The zero fill is absorbed (the accumulators start at zero); one launch
// replaces the group: 2 blocks of 128 threads, 4 stages x 16 KB of dynamic
// shared memory, the memrefs as they are.
// CHECK-LABEL: func.func @gemm_nn_fill_absorbed
// CHECK-NOT:     linalg.
// CHECK-DAG:     %[[SMEM:.*]] = arith.constant 32768 : i32
// CHECK-DAG:     %[[THREADS:.*]] = arith.constant 128 : index
// CHECK-DAG:     %[[TILES:.*]] = arith.constant 2 : index
// CHECK:         gpu.launch_func  @mpt_kernels::@gemm_0 blocks in (%[[TILES]], %{{.*}}, %{{.*}}) threads in (%[[THREADS]], %{{.*}}, %{{.*}})  dynamic_shared_memory_size %[[SMEM]] args(%arg0 : memref<128x96xf16>, %arg1 : memref<96x64xf16>, %arg2 : memref<128x64xf32>)
// CHECK-NOT:     linalg.
// CHECK:         return
//
// CHECK-LABEL: gpu.func @gemm_0(
// CHECK-SAME:      kernel attributes {known_block_size = array<i32: 128, 1, 1>, mpt.kernel_family = "gemm", mpt.tile = "64x64x32_w2x2_s4", nvvm.minctasm = 1 : i32}
// CHECK:         gpu.dynamic_shared_memory : memref<?xi8, #gpu.address_space<workgroup>>
// Prologue: tiles 0..2 (S-1 = 3), 16-byte copies (2 of A, 2 of B per
// thread and tile), one commit group per tile.
// CHECK-COUNT-4: nvgpu.device_async_copy {{.*}}, 8 {bypassL1} : memref<{{[0-9]+}}xf16> to memref<16384xf16, #gpu.address_space<workgroup>>
// CHECK:         nvgpu.device_async_create_group
// CHECK-COUNT-4: nvgpu.device_async_copy
// CHECK:         nvgpu.device_async_create_group
// CHECK-COUNT-4: nvgpu.device_async_copy
// CHECK:         %[[G:.*]] = nvgpu.device_async_create_group
// CHECK-NEXT:    nvgpu.device_async_wait %[[G]] {numGroups = 2 : i32}
// CHECK-NEXT:    gpu.barrier
// First k16 step: A row-major (ldmatrix.x4), B row-major (ldmatrix.x4.trans,
// two n8 tiles each).
// CHECK-COUNT-2: nvgpu.ldmatrix {{.*}} {numTiles = 4 : i32, transpose = false} : memref<16384xf16, #gpu.address_space<workgroup>> -> vector<4x2xf16>
// CHECK-COUNT-2: nvgpu.ldmatrix {{.*}} {numTiles = 4 : i32, transpose = true}
// CHECK:         scf.for
// Each iteration: the next step's fragments, the copies of tile t+3 (with
// a zero-fill source size past the end), 2x4 m16n8k16 mmas per step, one
// commit group, wait_group(S-2), one barrier.
// CHECK-COUNT-4:   nvgpu.ldmatrix
// CHECK-COUNT-4:   nvgpu.device_async_copy {{.*}}, 8, %{{.*}} {bypassL1}
// CHECK-COUNT-8:   nvgpu.mma.sync({{.*}}) {mmaShape = [16, 8, 16]} : (vector<4x2xf16>, vector<2x2xf16>, vector<2x2xf32>) -> vector<2x2xf32>
// CHECK:           %[[GL:.*]] = nvgpu.device_async_create_group
// CHECK-NEXT:      nvgpu.device_async_wait %[[GL]] {numGroups = 2 : i32}
// CHECK-NEXT:      gpu.barrier
// CHECK-NOT:       nvgpu.device_async_create_group
// CHECK-COUNT-8:   nvgpu.mma.sync
// CHECK-COUNT-4:   nvgpu.ldmatrix
// CHECK-NOT:       nvgpu.device_async_create_group
// CHECK:           scf.yield
// The pipeline drains before the epilogue reuses shared memory.
// CHECK:         nvgpu.device_async_wait %{{.*}} {numGroups = 0 : i32}
// CHECK-NEXT:    gpu.barrier
// Staged epilogue: 8-byte accumulator pairs into shared memory, 16-byte
// rows out to C.
// CHECK:         vector.store {{.*}} {alignment = 8 : i64} : memref<2304xf32, #gpu.address_space<workgroup>>, vector<2xf32>
// CHECK:         gpu.barrier
// CHECK:         vector.load {{.*}} {alignment = 16 : i64} : memref<2304xf32, #gpu.address_space<workgroup>>, vector<4xf32>
// CHECK:         vector.store {{.*}} {alignment = 16 : i64} : memref<8192xf32>, vector<4xf32>
// CHECK:         gpu.return
func.func @gemm_nn_fill_absorbed(%a: memref<128x96xf16>, %b: memref<96x64xf16>, %c: memref<128x64xf32>) {
  %z = arith.constant 0.0 : f32
  linalg.fill ins(%z : f32) outs(%c : memref<128x64xf32>)
  linalg.matmul ins(%a, %b : memref<128x96xf16>, memref<96x64xf16>) outs(%c : memref<128x64xf32>)
  return
}

// -----

// B stored (N, K) (the backward pass's dY W^T): B's fragments come from
// K-contiguous rows, ldmatrix without .trans.
// CHECK-LABEL: gpu.func @gemm_0(
// CHECK-COUNT-2: nvgpu.ldmatrix {{.*}} {numTiles = 4 : i32, transpose = false}
// CHECK-COUNT-2: nvgpu.ldmatrix {{.*}} {numTiles = 4 : i32, transpose = false}
// CHECK:         scf.for
#nt = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>]
func.func @gemm_nt(%a: memref<64x32xf16>, %b: memref<64x32xf16>, %c: memref<64x64xf32>) {
  %z = arith.constant 0.0 : f32
  linalg.fill ins(%z : f32) outs(%c : memref<64x64xf32>)
  linalg.generic {indexing_maps = #nt, iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<64x32xf16>, memref<64x32xf16>) outs(%c : memref<64x64xf32>) {
  ^bb0(%x: f16, %y: f16, %acc: f32):
    %0 = arith.extf %x : f16 to f32
    %1 = arith.extf %y : f16 to f32
    %2 = arith.mulf %0, %1 : f32
    %3 = arith.addf %acc, %2 : f32
    linalg.yield %3 : f32
  }
  return
}

// -----

// A stored (K, M) (X^T dY of a weight gradient): A's rows in shared memory
// are K, and its fragments use ldmatrix.x4.trans.
// CHECK-LABEL: gpu.func @gemm_0(
// CHECK-COUNT-2: nvgpu.ldmatrix {{.*}} {numTiles = 4 : i32, transpose = true}
// CHECK-COUNT-2: nvgpu.ldmatrix {{.*}} {numTiles = 4 : i32, transpose = true}
// CHECK:         scf.for
#tn = [affine_map<(m, n, k) -> (k, m)>, affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> (m, n)>]
func.func @gemm_tn(%a: memref<32x64xf16>, %b: memref<32x64xf16>, %c: memref<64x64xf32>) {
  %z = arith.constant 0.0 : f32
  linalg.fill ins(%z : f32) outs(%c : memref<64x64xf32>)
  linalg.generic {indexing_maps = #tn, iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<32x64xf16>, memref<32x64xf16>) outs(%c : memref<64x64xf32>) {
  ^bb0(%x: f16, %y: f16, %acc: f32):
    %0 = arith.extf %x : f16 to f32
    %1 = arith.extf %y : f16 to f32
    %2 = arith.mulf %0, %1 : f32
    %3 = arith.addf %acc, %2 : f32
    linalg.yield %3 : f32
  }
  return
}

// -----

// bf16: nvgpu's mma.sync lowering has no bf16, so the kernel emits
// nvvm.mma.sync on the fragments' i32 halves.
// CHECK-LABEL: gpu.func @gemm_0(
// CHECK-NOT:     nvgpu.mma.sync
// CHECK:         nvvm.mma.sync A[{{.*}}] B[{{.*}}] C[{{.*}}] {layoutA = #nvvm.mma_layout<row>, layoutB = #nvvm.mma_layout<col>, multiplicandAPtxType = #nvvm.mma_type<bf16>, multiplicandBPtxType = #nvvm.mma_type<bf16>, shape = #nvvm.shape<m = 16, n = 8, k = 16>} : (i32, i32, f32) -> !llvm.struct<(f32, f32, f32, f32)>
// CHECK-NOT:     nvgpu.mma.sync
func.func @gemm_bf16(%a: memref<64x32xbf16>, %b: memref<32x64xbf16>, %c: memref<64x64xf32>) {
  %z = arith.constant 0.0 : f32
  linalg.fill ins(%z : f32) outs(%c : memref<64x64xf32>)
  linalg.matmul ins(%a, %b : memref<64x32xbf16>, memref<32x64xbf16>) outs(%c : memref<64x64xf32>)
  return
}

// -----

// Batched: blockIdx.z is the batch; 3 x 2 x 1 tiles.
// CHECK-LABEL: func.func @batched
// CHECK-DAG:     %[[THREE:.*]] = arith.constant 3 : index
// CHECK-DAG:     %[[TWO:.*]] = arith.constant 2 : index
// CHECK:         gpu.launch_func  @mpt_kernels::@batched_gemm_0 blocks in (%[[TWO]], %{{.*}}, %[[THREE]])
// CHECK-LABEL: gpu.func @batched_gemm_0(
// CHECK-SAME:      mpt.kernel_family = "batched_gemm"
// CHECK:         gpu.block_id  z
func.func @batched(%a: memref<3x128x32xf16>, %b: memref<3x32x64xf16>, %c: memref<3x128x64xf32>) {
  %z = arith.constant 0.0 : f32
  linalg.fill ins(%z : f32) outs(%c : memref<3x128x64xf32>)
  linalg.batch_matmul ins(%a, %b : memref<3x128x32xf16>, memref<3x32x64xf16>) outs(%c : memref<3x128x64xf32>)
  return
}

// -----

// C += A * B (no fill): the epilogue adds the old C to the products.
// CHECK-LABEL: gpu.func @gemm_0(
// CHECK:         scf.for
// CHECK:         %[[OLD:.*]] = vector.load %{{.*}} {alignment = 16 : i64} : memref<4096xf32>, vector<4xf32>
// CHECK:         %[[OLD0:.*]] = vector.extract %[[OLD]][0]
// CHECK:         arith.addf %[[OLD0]], %{{.*}} : f32
// CHECK:         vector.store {{.*}} : memref<4096xf32>, vector<4xf32>
func.func @accumulate(%a: memref<64x32xf16>, %b: memref<32x64xf16>, %c: memref<64x64xf32>) {
  linalg.matmul ins(%a, %b : memref<64x32xf16>, memref<32x64xf16>) outs(%c : memref<64x64xf32>)
  return
}

// -----

// A per-op tile (tests, tuning): 3 stages give 2 prologue groups and
// wait_group(1).
// CHECK-LABEL: gpu.func @gemm_0(
// CHECK-SAME:      mpt.tile = "64x64x32_w2x2_s3"
// CHECK-COUNT-2: nvgpu.device_async_create_group
// CHECK-NEXT:    nvgpu.device_async_wait %{{.*}} {numGroups = 1 : i32}
// CHECK:         scf.for
// CHECK:           nvgpu.device_async_wait %{{.*}} {numGroups = 1 : i32}
func.func @three_stages(%a: memref<64x128xf16>, %b: memref<128x64xf16>, %c: memref<64x64xf32>) {
  %z = arith.constant 0.0 : f32
  linalg.fill ins(%z : f32) outs(%c : memref<64x64xf32>)
  linalg.matmul {mpt.mma_tile = "64x64x32_w2x2_s3"} ins(%a, %b : memref<64x128xf16>, memref<128x64xf16>) outs(%c : memref<64x64xf32>)
  return
}
