// What the tensor-core lowering cannot do is a diagnostic at the op.
// RUN: mpt-opt %s -split-input-file -verify-diagnostics --mpt-contractions-to-mma
// RUN: not mpt-opt %s --mpt-contractions-to-mma="tile=128x128" 2>&1 | FileCheck %s --check-prefix=TILE
// RUN: not mpt-opt %s --mpt-contractions-to-mma="tile=128x128x32_w3x2_s4" 2>&1 | FileCheck %s --check-prefix=WARPS
// RUN: not mpt-opt %s --mpt-contractions-to-mma="sm=75" 2>&1 | FileCheck %s --check-prefix=SM
// TILE: error: mpt-contractions-to-mma: '128x128' is not a tile: expected BMxBNxBK_wWMxWN_sS, e.g. 128x128x32_w2x2_s4
// WARPS: error: mpt-contractions-to-mma: tile '128x128x32_w3x2_s4': the block tile must split evenly over the warps
// SM: error: mpt-contractions-to-mma: sm must be 80 or 90, not 75

func.func @dynamic_shape(%a: memref<?x32xf16>, %b: memref<32x64xf16>, %c: memref<?x64xf32>) {
  // expected-error @+1 {{cannot lower this tensor-core contraction: tensor-core kernels need static shapes and strided layouts}}
  linalg.matmul ins(%a, %b : memref<?x32xf16>, memref<32x64xf16>) outs(%c : memref<?x64xf32>)
  return
}

// -----

func.func @bad_tile_attribute(%a: memref<64x32xf16>, %b: memref<32x64xf16>, %c: memref<64x64xf32>) {
  // expected-error @+1 {{mpt.mma_tile: tile '64x64x32_w2x2_s1': 2 to 8 pipeline stages}}
  linalg.matmul {mpt.mma_tile = "64x64x32_w2x2_s1"} ins(%a, %b : memref<64x32xf16>, memref<32x64xf16>) outs(%c : memref<64x64xf32>)
  return
}

// -----

func.func @too_much_shared_memory(%a: memref<256x64xf16>, %b: memref<64x256xf16>, %c: memref<256x256xf32>) {
  // expected-error @+1 {{tile 128x256x64_w2x4_s8 needs 393216 bytes of shared memory; sm_80 allows 166912 (use fewer stages or a smaller tile)}}
  linalg.matmul {mpt.mma_tile = "128x256x64_w2x4_s8"} ins(%a, %b : memref<256x64xf16>, memref<64x256xf16>) outs(%c : memref<256x256xf32>)
  return
}
