// GPU kernels in MLIR's gpu/nvgpu dialects, lowered at build time with the
// stock pipeline mpt uses (-gpu-lower-to-nvvm-pipeline, NVPTX ISA output)
// and extracted from the gpu.binary: PTX exactly as mpt's CUDA lowering
// produces it (memref descriptors as parameters, cp.async.ca, ldmatrix,
// mma.sync). Checked by test/PTXEmu/Inputs/check_mlir.py.
module attributes {gpu.container_module} {
  gpu.module @kernels {
    memref.global "private" @sa : memref<16x16xf16, #gpu.address_space<workgroup>> {alignment = 16}
    memref.global "private" @sb : memref<16x8xf16, #gpu.address_space<workgroup>> {alignment = 16}

    // D = A * B for one 16x16x8 tile: cp.async -> shared -> ldmatrix ->
    // mma.sync, one warp.
    gpu.func @mma_tile(%A: memref<16x16xf16>, %B: memref<16x8xf16>, %D: memref<16x8xf32>) kernel {
      %sa = memref.get_global @sa : memref<16x16xf16, #gpu.address_space<workgroup>>
      %sb = memref.get_global @sb : memref<16x8xf16, #gpu.address_space<workgroup>>
      %c0 = arith.constant 0 : index
      %c2 = arith.constant 2 : index
      %c8 = arith.constant 8 : index
      %c16 = arith.constant 16 : index
      %lane = gpu.thread_id x
      // A: 16 rows x 2 chunks of 8 halves = 32 chunks, one per lane.
      %ar = arith.divui %lane, %c2 : index
      %ac0 = arith.remui %lane, %c2 : index
      %ac = arith.muli %ac0, %c8 : index
      %t0 = nvgpu.device_async_copy %A[%ar, %ac], %sa[%ar, %ac], 8 : memref<16x16xf16> to memref<16x16xf16, #gpu.address_space<workgroup>>
      %g0 = nvgpu.device_async_create_group %t0
      // B: 16 rows of 8 halves, lanes 0-15.
      %lb = arith.cmpi ult, %lane, %c16 : index
      scf.if %lb {
        %t1 = nvgpu.device_async_copy %B[%lane, %c0], %sb[%lane, %c0], 8 : memref<16x8xf16> to memref<16x8xf16, #gpu.address_space<workgroup>>
        %g1 = nvgpu.device_async_create_group %t1
        nvgpu.device_async_wait %g1
      }
      nvgpu.device_async_wait %g0
      gpu.barrier
      // ldmatrix.x4 of A: lane l addresses row l % 16, column 8 * (l / 16);
      // ldmatrix.x2.trans of B: lane l addresses row (k) l % 16.
      %r = arith.remui %lane, %c16 : index
      %h = arith.divui %lane, %c16 : index
      %col = arith.muli %h, %c8 : index
      %a = nvgpu.ldmatrix %sa[%r, %col] {numTiles = 4 : i32, transpose = false} : memref<16x16xf16, #gpu.address_space<workgroup>> -> vector<4x2xf16>
      %b = nvgpu.ldmatrix %sb[%r, %c0] {numTiles = 2 : i32, transpose = true} : memref<16x8xf16, #gpu.address_space<workgroup>> -> vector<2x2xf16>
      %zero = arith.constant dense<0.0> : vector<2x2xf32>
      %d = nvgpu.mma.sync (%a, %b, %zero) {mmaShape = [16, 8, 16]} : (vector<4x2xf16>, vector<2x2xf16>, vector<2x2xf32>) -> vector<2x2xf32>
      // The accumulators: lane l holds rows l/4 and l/4 + 8, columns
      // 2 (l%4) and 2 (l%4) + 1.
      %c1 = arith.constant 1 : index
      %c4 = arith.constant 4 : index
      %gq = arith.divui %lane, %c4 : index
      %tq = arith.remui %lane, %c4 : index
      %c0c = arith.muli %tq, %c2 : index
      %c1c = arith.addi %c0c, %c1 : index
      %r8 = arith.addi %gq, %c8 : index
      %d00 = vector.extract %d[0, 0] : f32 from vector<2x2xf32>
      %d01 = vector.extract %d[0, 1] : f32 from vector<2x2xf32>
      %d10 = vector.extract %d[1, 0] : f32 from vector<2x2xf32>
      %d11 = vector.extract %d[1, 1] : f32 from vector<2x2xf32>
      memref.store %d00, %D[%gq, %c0c] : memref<16x8xf32>
      memref.store %d01, %D[%gq, %c1c] : memref<16x8xf32>
      memref.store %d10, %D[%r8, %c0c] : memref<16x8xf32>
      memref.store %d11, %D[%r8, %c1c] : memref<16x8xf32>
      gpu.return
    }

    // The same with workgroup attributions, which MLIR 22 lays out with
    // 2-byte alignment: ldmatrix and 16-byte cp.async need 16 (PTX ISA).
    // The emulator places such buffers at exactly the declared alignment,
    // so the bug is reported instead of working by luck.
    gpu.func @mma_tile_default_align(%A: memref<16x16xf16>, %B: memref<16x8xf16>, %D: memref<16x8xf32>)
        workgroup(%sa : memref<16x16xf16, #gpu.address_space<workgroup>>,
                  %sb : memref<16x8xf16, #gpu.address_space<workgroup>>)
        kernel {
      %c0 = arith.constant 0 : index
      %c2 = arith.constant 2 : index
      %c8 = arith.constant 8 : index
      %c16 = arith.constant 16 : index
      %lane = gpu.thread_id x
      // A: 16 rows x 2 chunks of 8 halves = 32 chunks, one per lane.
      %ar = arith.divui %lane, %c2 : index
      %ac0 = arith.remui %lane, %c2 : index
      %ac = arith.muli %ac0, %c8 : index
      %t0 = nvgpu.device_async_copy %A[%ar, %ac], %sa[%ar, %ac], 8 : memref<16x16xf16> to memref<16x16xf16, #gpu.address_space<workgroup>>
      %g0 = nvgpu.device_async_create_group %t0
      // B: 16 rows of 8 halves, lanes 0-15.
      %lb = arith.cmpi ult, %lane, %c16 : index
      scf.if %lb {
        %t1 = nvgpu.device_async_copy %B[%lane, %c0], %sb[%lane, %c0], 8 : memref<16x8xf16> to memref<16x8xf16, #gpu.address_space<workgroup>>
        %g1 = nvgpu.device_async_create_group %t1
        nvgpu.device_async_wait %g1
      }
      nvgpu.device_async_wait %g0
      gpu.barrier
      // ldmatrix.x4 of A: lane l addresses row l % 16, column 8 * (l / 16);
      // ldmatrix.x2.trans of B: lane l addresses row (k) l % 16.
      %r = arith.remui %lane, %c16 : index
      %h = arith.divui %lane, %c16 : index
      %col = arith.muli %h, %c8 : index
      %a = nvgpu.ldmatrix %sa[%r, %col] {numTiles = 4 : i32, transpose = false} : memref<16x16xf16, #gpu.address_space<workgroup>> -> vector<4x2xf16>
      %b = nvgpu.ldmatrix %sb[%r, %c0] {numTiles = 2 : i32, transpose = true} : memref<16x8xf16, #gpu.address_space<workgroup>> -> vector<2x2xf16>
      %zero = arith.constant dense<0.0> : vector<2x2xf32>
      %d = nvgpu.mma.sync (%a, %b, %zero) {mmaShape = [16, 8, 16]} : (vector<4x2xf16>, vector<2x2xf16>, vector<2x2xf32>) -> vector<2x2xf32>
      // The accumulators: lane l holds rows l/4 and l/4 + 8, columns
      // 2 (l%4) and 2 (l%4) + 1.
      %c1 = arith.constant 1 : index
      %c4 = arith.constant 4 : index
      %gq = arith.divui %lane, %c4 : index
      %tq = arith.remui %lane, %c4 : index
      %c0c = arith.muli %tq, %c2 : index
      %c1c = arith.addi %c0c, %c1 : index
      %r8 = arith.addi %gq, %c8 : index
      %d00 = vector.extract %d[0, 0] : f32 from vector<2x2xf32>
      %d01 = vector.extract %d[0, 1] : f32 from vector<2x2xf32>
      %d10 = vector.extract %d[1, 0] : f32 from vector<2x2xf32>
      %d11 = vector.extract %d[1, 1] : f32 from vector<2x2xf32>
      memref.store %d00, %D[%gq, %c0c] : memref<16x8xf32>
      memref.store %d01, %D[%gq, %c1c] : memref<16x8xf32>
      memref.store %d10, %D[%r8, %c0c] : memref<16x8xf32>
      memref.store %d11, %D[%r8, %c1c] : memref<16x8xf32>
      gpu.return
    }

  }
}
