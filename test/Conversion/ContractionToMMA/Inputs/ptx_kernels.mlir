// Kernels for ptx.test: f16 and bf16 GEMMs (4 stages) and a convolution
// whose 4 input channels take 8-byte copies.
func.func @gemm_f16(%a: memref<128x256xf16>, %b: memref<256x64xf16>, %c: memref<128x64xf32>) {
  %z = arith.constant 0.0 : f32
  linalg.fill ins(%z : f32) outs(%c : memref<128x64xf32>)
  linalg.matmul {mpt.mma_tile = "64x64x32_w2x2_s4"} ins(%a, %b : memref<128x256xf16>, memref<256x64xf16>) outs(%c : memref<128x64xf32>)
  return
}
func.func @gemm_bf16(%a: memref<128x256xbf16>, %b: memref<256x64xbf16>, %c: memref<128x64xf32>) {
  %z = arith.constant 0.0 : f32
  linalg.fill ins(%z : f32) outs(%c : memref<128x64xf32>)
  linalg.matmul {mpt.mma_tile = "64x64x32_w2x2_s4"} ins(%a, %b : memref<128x256xbf16>, memref<256x64xbf16>) outs(%c : memref<128x64xf32>)
  return
}
func.func @conv_four_channels(%x: memref<1x8x8x4xf16>, %w: memref<3x3x4x16xf16>, %o: memref<1x6x6x16xf32>) {
  %z = arith.constant 0.0 : f32
  linalg.fill ins(%z : f32) outs(%o : memref<1x6x6x16xf32>)
  linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>, mpt.mma_tile = "64x64x32_w2x2_s4"} ins(%x, %w : memref<1x8x8x4xf16>, memref<3x3x4x16xf16>) outs(%o : memref<1x6x6x16xf32>)
  return
}
