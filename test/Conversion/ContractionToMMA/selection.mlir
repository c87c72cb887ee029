// The tile and split choice at typical sizes (docs/gpu.md explains the cost
// model): big GEMMs take the 128x256 tile of 8 64x64 warps; mid sizes a
// tile that fills the SMs (108 on sm_80, 132 on sm_90); a small M a small-M
// tile and split-K; long reductions with small outputs split-K; tiny
// problems the 64x64 tile.
// RUN: mpt-opt %s --mpt-contractions-to-mma="sm=80" | FileCheck %s --check-prefix=SM80
// RUN: mpt-opt %s --mpt-contractions-to-mma="sm=90" | FileCheck %s --check-prefix=SM90
// RUN: mpt-opt %s --mpt-contractions-to-mma="allow-split-k=false" | FileCheck %s --check-prefix=NOSPLIT

// SM80-LABEL: gpu.func @gemm_0(
// SM80-SAME:      mpt.tile = "128x256x32_w2x4_s3"
// SM80-LABEL: gpu.func @gemm_1(
// SM80-SAME:      mpt.tile = "128x128x32_w2x2_s4"
// SM80-LABEL: gpu.func @gemm_2(
// SM80-SAME:      mpt.tile = "32x64x32_w1x2_s3_k4"
// SM80-LABEL: gpu.func @gemm_3(
// SM80-SAME:      mpt.tile = "128x128x32_w2x2_s4_k16"
// SM80-LABEL: gpu.func @gemm_4(
// SM80-SAME:      mpt.tile = "64x64x32_w2x2_s4"

// SM90-LABEL: gpu.func @gemm_0(
// SM90-SAME:      mpt.tile = "128x256x32_w2x4_s3"
// SM90-LABEL: gpu.func @gemm_1(
// SM90-SAME:      mpt.tile = "128x64x32_w2x2_s4"
// SM90-LABEL: gpu.func @gemm_2(
// SM90-SAME:      mpt.tile = "32x128x32_w1x4_s4_k4"
// SM90-LABEL: gpu.func @gemm_3(
// SM90-SAME:      mpt.tile = "128x128x32_w2x2_s4_k32"

// NOSPLIT-NOT: splitk_reduce
// NOSPLIT-NOT: _k{{[0-9]+}}"

func.func @gemm_4096(%a: memref<4096x4096xf16>, %b: memref<4096x4096xf16>, %c: memref<4096x4096xf32>) {
  linalg.matmul ins(%a, %b : memref<4096x4096xf16>, memref<4096x4096xf16>) outs(%c : memref<4096x4096xf32>)
  return
}
func.func @gemm_1024(%a: memref<1024x1024xf16>, %b: memref<1024x1024xf16>, %c: memref<1024x1024xf32>) {
  linalg.matmul ins(%a, %b : memref<1024x1024xf16>, memref<1024x1024xf16>) outs(%c : memref<1024x1024xf32>)
  return
}
func.func @small_m(%a: memref<16x4096xf16>, %b: memref<4096x4096xf16>, %c: memref<16x4096xf32>) {
  linalg.matmul ins(%a, %b : memref<16x4096xf16>, memref<4096x4096xf16>) outs(%c : memref<16x4096xf32>)
  return
}
func.func @long_k(%a: memref<256x65536xf16>, %b: memref<65536x256xf16>, %c: memref<256x256xf32>) {
  linalg.matmul ins(%a, %b : memref<256x65536xf16>, memref<65536x256xf16>) outs(%c : memref<256x256xf32>)
  return
}
func.func @tiny(%a: memref<8x64xf16>, %b: memref<64x10xf16>, %c: memref<8x10xf32>) {
  linalg.matmul ins(%a, %b : memref<8x64xf16>, memref<64x10xf16>) outs(%c : memref<8x10xf32>)
  return
}
