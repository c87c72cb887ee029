// mpt.cast lowered and run: hand-computed bit patterns at the edges of f16
// and bf16 rounding (round to nearest, ties to even). Exhaustive checks
// against numpy/ml_dtypes are in numerics-casts.test.
// RUN: mpt-opt %s -convert-mpt-to-linalg | %lower_to_llvm | %run_main | FileCheck %s

// f32 -> f16
// CHECK-LABEL: f16
// 1.0 -> 0x3C00
// CHECK-NEXT: 15360
// 65504, the largest finite f16 -> 0x7BFF
// CHECK-NEXT: 31743
// 65519.996 (0x477FEFFF), just below the midpoint to 2^16 -> 0x7BFF
// CHECK-NEXT: 31743
// 65520, the midpoint: ties to even, which is 2^16 = inf -> 0x7C00
// CHECK-NEXT: 31744
// 2^-24, the smallest subnormal -> 0x0001
// CHECK-NEXT: 1
// 2^-25, halfway between 0 and 2^-24: to even -> 0
// CHECK-NEXT: 0
// 3 * 2^-25, halfway between 0x0001 and 0x0002: to even -> 0x0002
// CHECK-NEXT: 2
// 1 + 2^-11, halfway between 1 and 1 + 2^-10: to even -> 0x3C00
// CHECK-NEXT: 15360
// 1 + 3 * 2^-11, halfway between 0x3C01 and 0x3C02: to even -> 0x3C02
// CHECK-NEXT: 15362
// -0.0 -> 0x8000
// CHECK-NEXT: 32768
// 1e-8 is below half the smallest subnormal -> 0
// CHECK-NEXT: 0
// 1e-8 * 2^16 = 6.5536e-4 -> 2^-11 * (1 + 350/1024) = 0x115E
// CHECK-NEXT: 4446
// -inf -> 0xFC00
// CHECK-NEXT: 64512

// f32 -> bf16
// CHECK-LABEL: bf16
// 1 + 2^-8, halfway: to even -> 0x3F80
// CHECK-NEXT: 16256
// 1 + 3 * 2^-8, halfway between 0x3F81 and 0x3F82: to even -> 0x3F82
// CHECK-NEXT: 16258
// FLT_MAX 0x7F7FFFFF rounds up to inf -> 0x7F80
// CHECK-NEXT: 32640
// f32 subnormal 0x00400000 is exact in bf16 -> 0x0040
// CHECK-NEXT: 64
// the smallest f32 subnormal rounds to 0
// CHECK-NEXT: 0
// 65520 = 0x477FF000: low half 0xF000 > 0x8000, up -> 0x4780 (65536)
// CHECK-NEXT: 18304

// Widening is exact: f16 0x0001 -> 2^-24 = 0x33800000, 0x7BFF -> 65504 =
// 0x477FE000, bf16 0x0040 -> 0x00400000.
// CHECK-LABEL: widen
// CHECK-NEXT: 864026624
// CHECK-NEXT: 1199562752
// CHECK-NEXT: 4194304

// NaN stays NaN (f32 -> f16, f32 -> bf16, f16 -> f32, scalar f32 -> bf16).
// CHECK-LABEL: nan
// CHECK-NEXT: 1
// CHECK-NEXT: 1
// CHECK-NEXT: 1
// CHECK-NEXT: 1

func.func private @printI64(i64)
func.func private @printNewline()
func.func private @printString(!llvm.ptr)
llvm.mlir.global internal constant @f16_label("f16\0A\00")
llvm.mlir.global internal constant @bf16_label("bf16\0A\00")
llvm.mlir.global internal constant @widen_label("widen\0A\00")
llvm.mlir.global internal constant @nan_label("nan\0A\00")

func.func @print(%v: i64) {
  call @printI64(%v) : (i64) -> ()
  call @printNewline() : () -> ()
  return
}

func.func @print_f16(%t: tensor<?xf16>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %n = tensor.dim %t, %c0 : tensor<?xf16>
  scf.for %i = %c0 to %n step %c1 {
    %v = tensor.extract %t[%i] : tensor<?xf16>
    %b = arith.bitcast %v : f16 to i16
    %w = arith.extui %b : i16 to i64
    func.call @print(%w) : (i64) -> ()
  }
  return
}

func.func @print_bf16(%t: tensor<?xbf16>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %n = tensor.dim %t, %c0 : tensor<?xbf16>
  scf.for %i = %c0 to %n step %c1 {
    %v = tensor.extract %t[%i] : tensor<?xbf16>
    %b = arith.bitcast %v : bf16 to i16
    %w = arith.extui %b : i16 to i64
    func.call @print(%w) : (i64) -> ()
  }
  return
}

func.func @print_f32(%t: tensor<?xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %n = tensor.dim %t, %c0 : tensor<?xf32>
  scf.for %i = %c0 to %n step %c1 {
    %v = tensor.extract %t[%i] : tensor<?xf32>
    %b = arith.bitcast %v : f32 to i32
    %w = arith.extui %b : i32 to i64
    func.call @print(%w) : (i64) -> ()
  }
  return
}

func.func @print_is_nan_f32(%v: f32) {
  %u = arith.cmpf uno, %v, %v : f32
  %w = arith.extui %u : i1 to i64
  call @print(%w) : (i64) -> ()
  return
}

func.func @main() {
  %c0 = arith.constant 0 : index
  %l1 = llvm.mlir.addressof @f16_label : !llvm.ptr
  call @printString(%l1) : (!llvm.ptr) -> ()
  // 1.0, 65504, 65519.996, 65520, 2^-24, 2^-25, 3*2^-25, 1+2^-11,
  // 1+3*2^-11, -0.0, 1e-8, 6.5536e-4, -inf
  %x = arith.constant dense<[0x3F800000, 0x477FE000, 0x477FEFFF, 0x477FF000, 0x33800000, 0x33000000,
                             0x33C00000, 0x3F801000, 0x3F803000, 0x80000000, 0x322BCC77, 0x3A2BCC77,
                             0xFF800000]> : tensor<13xf32>
  %h = mpt.cast %x : tensor<13xf32> to tensor<13xf16>
  %hd = tensor.cast %h : tensor<13xf16> to tensor<?xf16>
  call @print_f16(%hd) : (tensor<?xf16>) -> ()

  %l2 = llvm.mlir.addressof @bf16_label : !llvm.ptr
  call @printString(%l2) : (!llvm.ptr) -> ()
  // 1+2^-8, 1+3*2^-8, FLT_MAX, 2^-127, 2^-149, 65520
  %y = arith.constant dense<[0x3F808000, 0x3F818000, 0x7F7FFFFF, 0x00400000, 0x00000001, 0x477FF000]> : tensor<6xf32>
  %b = mpt.cast %y : tensor<6xf32> to tensor<6xbf16>
  %bd = tensor.cast %b : tensor<6xbf16> to tensor<?xbf16>
  call @print_bf16(%bd) : (tensor<?xbf16>) -> ()

  %l3 = llvm.mlir.addressof @widen_label : !llvm.ptr
  call @printString(%l3) : (!llvm.ptr) -> ()
  %hs = arith.constant dense<[0x0001, 0x7BFF]> : tensor<2xf16>
  %hw = mpt.cast %hs : tensor<2xf16> to tensor<2xf32>
  %hwd = tensor.cast %hw : tensor<2xf32> to tensor<?xf32>
  call @print_f32(%hwd) : (tensor<?xf32>) -> ()
  %bs = arith.constant dense<[0x0040]> : tensor<1xbf16>
  %bw = mpt.cast %bs : tensor<1xbf16> to tensor<1xf32>
  %bwd = tensor.cast %bw : tensor<1xf32> to tensor<?xf32>
  call @print_f32(%bwd) : (tensor<?xf32>) -> ()

  %l4 = llvm.mlir.addressof @nan_label : !llvm.ptr
  call @printString(%l4) : (!llvm.ptr) -> ()
  %nan = arith.constant dense<0x7FC00000> : tensor<1xf32>
  %nh = mpt.cast %nan : tensor<1xf32> to tensor<1xf16>
  %nb = mpt.cast %nan : tensor<1xf32> to tensor<1xbf16>
  %nhw = mpt.cast %nh : tensor<1xf16> to tensor<1xf32>
  %nbw = mpt.cast %nb : tensor<1xbf16> to tensor<1xf32>
  %v1 = tensor.extract %nhw[%c0] : tensor<1xf32>
  call @print_is_nan_f32(%v1) : (f32) -> ()
  %v2 = tensor.extract %nbw[%c0] : tensor<1xf32>
  call @print_is_nan_f32(%v2) : (f32) -> ()
  %hn = arith.constant dense<0x7E00> : tensor<1xf16>
  %hnw = mpt.cast %hn : tensor<1xf16> to tensor<1xf32>
  %v3 = tensor.extract %hnw[%c0] : tensor<1xf32>
  call @print_is_nan_f32(%v3) : (f32) -> ()
  %sn = arith.constant 0x7FC00000 : f32
  %snb = mpt.cast %sn : f32 to bf16
  %snw = arith.extf %snb : bf16 to f32
  call @print_is_nan_f32(%snw) : (f32) -> ()
  return
}
