// Ops that are not contractions this lowering takes are left alone (the
// caller lowers them to its SIMT kernels). f32 contractions: simt.mlir.
// RUN: mpt-opt %s -split-input-file --mpt-contractions-to-mma | FileCheck %s

// An f16 accumulator: mma.sync would accumulate in f16; not an f32 one.
// CHECK-LABEL: func.func @f16_accumulator
// CHECK:         linalg.matmul
// CHECK-NOT:     gpu.launch_func
func.func @f16_accumulator(%a: memref<64x32xf16>, %b: memref<32x64xf16>, %c: memref<64x64xf16>) {
  linalg.matmul ins(%a, %b : memref<64x32xf16>, memref<32x64xf16>) outs(%c : memref<64x64xf16>)
  return
}

// -----

// CHECK-LABEL: func.func @mixed_f16_bf16
// CHECK:         linalg.matmul
// CHECK-NOT:     gpu.launch_func
func.func @mixed_f16_bf16(%a: memref<64x32xf16>, %b: memref<32x64xbf16>, %c: memref<64x64xf32>) {
  linalg.matmul ins(%a, %b : memref<64x32xf16>, memref<32x64xbf16>) outs(%c : memref<64x64xf32>)
  return
}

// -----

// A dot product has no M or N loop: a reduction, not a GEMM.
// CHECK-LABEL: func.func @dot
// CHECK:         linalg.dot
// CHECK-NOT:     gpu.launch_func
func.func @dot(%a: memref<64xf16>, %b: memref<64xf16>, %c: memref<f32>) {
  linalg.dot ins(%a, %b : memref<64xf16>, memref<64xf16>) outs(%c : memref<f32>)
  return
}

// -----

// Not a multiply-accumulate (max-plus).
// CHECK-LABEL: func.func @max_plus
// CHECK:         linalg.generic
// CHECK-NOT:     gpu.launch_func
#mk = affine_map<(m, n, k) -> (m, k)>
#kn = affine_map<(m, n, k) -> (k, n)>
#mn = affine_map<(m, n, k) -> (m, n)>
func.func @max_plus(%a: memref<64x32xf16>, %b: memref<32x64xf16>, %c: memref<64x64xf32>) {
  linalg.generic {indexing_maps = [#mk, #kn, #mn], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<64x32xf16>, memref<32x64xf16>) outs(%c : memref<64x64xf32>) {
  ^bb0(%x: f16, %y: f16, %acc: f32):
    %0 = arith.extf %x : f16 to f32
    %1 = arith.extf %y : f16 to f32
    %2 = arith.addf %0, %1 : f32
    %3 = arith.maximumf %acc, %2 : f32
    linalg.yield %3 : f32
  }
  return
}

// -----

// A reduction over one operand only (a column sum): no B.
// CHECK-LABEL: func.func @column_sum
// CHECK:         linalg.generic
// CHECK-NOT:     gpu.launch_func
#in = affine_map<(m, n) -> (m, n)>
#out = affine_map<(m, n) -> (n)>
func.func @column_sum(%a: memref<64x32xf16>, %c: memref<32xf32>) {
  linalg.generic {indexing_maps = [#in, #out], iterator_types = ["reduction", "parallel"]}
      ins(%a : memref<64x32xf16>) outs(%c : memref<32xf32>) {
  ^bb0(%x: f16, %acc: f32):
    %0 = arith.extf %x : f16 to f32
    %1 = arith.addf %acc, %0 : f32
    linalg.yield %1 : f32
  }
  return
}

// -----

// A zero fill nothing contracts afterwards stays.
// CHECK-LABEL: func.func @lonely_fill
// CHECK:         linalg.fill
// CHECK-NOT:     gpu.launch_func
func.func @lonely_fill(%c: memref<64x64xf32>) {
  %z = arith.constant 0.0 : f32
  linalg.fill ins(%z : f32) outs(%c : memref<64x64xf32>)
  return
}

// -----

// The accumulator is a view of an operand's allocation: blocks would race.
// CHECK-LABEL: func.func @accumulator_aliases_operand
// CHECK:         linalg.generic
// CHECK-NOT:     gpu.launch_func
func.func @accumulator_aliases_operand(%buf: memref<64x96xf32>, %b: memref<32x32xf16>) {
  %c = memref.subview %buf[0, 0] [64, 32] [1, 1] : memref<64x96xf32> to memref<64x32xf32, strided<[96, 1]>>
  %a32 = memref.subview %buf[0, 32] [64, 32] [1, 1] : memref<64x96xf32> to memref<64x32xf32, strided<[96, 1], offset: 32>>
  linalg.generic {indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> (m, n)>], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a32, %b : memref<64x32xf32, strided<[96, 1], offset: 32>>, memref<32x32xf16>) outs(%c : memref<64x32xf32, strided<[96, 1]>>) {
  ^bb0(%x: f32, %y: f16, %acc: f32):
    %0 = arith.truncf %x : f32 to f16
    %1 = arith.extf %0 : f16 to f32
    %2 = arith.extf %y : f16 to f32
    %3 = arith.mulf %1, %2 : f32
    %4 = arith.addf %acc, %3 : f32
    linalg.yield %4 : f32
  }
  return
}

// -----

// A depthwise convolution is a batch (over channels) of matrix-vector
// products: one mma column of 8 would be used.
// CHECK-LABEL: func.func @depthwise
// CHECK:         linalg.depthwise_conv_2d_nhwc_hwc
// CHECK-NOT:     gpu.launch_func
func.func @depthwise(%x: memref<2x10x10x32xf16>, %w: memref<3x3x32xf16>, %o: memref<2x8x8x32xf32>) {
  linalg.depthwise_conv_2d_nhwc_hwc {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
      ins(%x, %w : memref<2x10x10x32xf16>, memref<3x3x32xf16>) outs(%o : memref<2x8x8x32xf32>)
  return
}
