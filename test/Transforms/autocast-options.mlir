// Options move ops between classes.
// RUN: mpt-opt %s -split-input-file -mpt-autocast='fp32-ops=linalg.matmul summary=false' | FileCheck %s --check-prefix=FP32MM
// RUN: mpt-opt %s -split-input-file -mpt-autocast='fp32-ops=math.tanh summary=false' | FileCheck %s --check-prefix=FP32TANH
// RUN: mpt-opt %s -split-input-file -mpt-autocast='unlisted-ops=math.tanh report=%t.unlisted.json' | FileCheck %s --check-prefix=UNLISTED
// RUN: FileCheck %s --input-file=%t.unlisted.json --check-prefix=UNLISTED-REPORT

// FP32MM-LABEL: func.func @matmul_then_tanh
// FP32MM-NOT: mpt.cast
// FP32MM: linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<8x8xf32>, tensor<8x8xf32>)

// FP32TANH-LABEL: func.func @matmul_then_tanh
// FP32TANH: %[[M:.*]] = linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<8x8xf16>, tensor<8x8xf16>)
// FP32TANH: linalg.generic {{.*}} ins(%[[M]] : tensor<8x8xf32>)
// FP32TANH: math.tanh %{{.*}} : f32

// A tanh between two contractions follows them into f16 by default; without
// any list it is unknown: FP32 and reported.
// (The report file holds the last chunk's remarks.)
// UNLISTED-REPORT: "op": "linalg.generic(math.tanh)",
// UNLISTED-REPORT-NEXT: "reason": "unknown"
// UNLISTED-REPORT: "kind": "missed",
// UNLISTED: func.func @matmul_then_tanh
// UNLISTED: math.tanh %{{.*}} : f32

func.func @matmul_then_tanh(%x: tensor<8x8xf32>) -> tensor<8x8xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<8x8xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<8x8xf32>) -> tensor<8x8xf32>
  %m = linalg.matmul ins(%x, %x : tensor<8x8xf32>, tensor<8x8xf32>) outs(%init : tensor<8x8xf32>) -> tensor<8x8xf32>
  %t = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]}
      ins(%m : tensor<8x8xf32>) outs(%e : tensor<8x8xf32>) {
    ^bb0(%a: f32, %o: f32):
      %r = math.tanh %a : f32
      linalg.yield %r : f32
  } -> tensor<8x8xf32>
  %m2 = linalg.matmul ins(%t, %x : tensor<8x8xf32>, tensor<8x8xf32>) outs(%init : tensor<8x8xf32>) -> tensor<8x8xf32>
  return %m2 : tensor<8x8xf32>
}
