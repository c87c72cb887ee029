// The remarks (as MLIR's remark engine prints them and as the JSON report
// lists them) and the one-line summary, on a small training step whose
// figures are worked out by hand below.
// RUN: mpt-opt %s -mpt-autocast='report=%t.json summary=true' -verify-diagnostics -o /dev/null
// RUN: FileCheck %s --input-file=%t.json
// The summary line is off by default: no remark at all without the option.
// RUN: mpt-opt %s -mpt-autocast -o /dev/null 2>&1 | FileCheck %s --check-prefix=QUIET --allow-empty
// QUIET-NOT: : remark:
// The remark engine shows every decision for --remarks-filter=mpt-autocast.
// RUN: mpt-opt %s -mpt-autocast --remarks-filter=mpt-autocast -o /dev/null 2>&1 | FileCheck %s --check-prefix=ENGINE
// report=- writes the JSON to stderr: stdout carries the IR alone.
// RUN: mpt-opt %s -mpt-autocast='report=-' 2>%t.stderr | FileCheck %s --check-prefix=STDOUT
// RUN: FileCheck %s --input-file=%t.stderr
//
// Forward: pre = x w1 (8x16x16), h = relu(pre), y = h w2 (8x16x4),
// loss = sum(y). Backward: dy = seed (broadcast), dw2 = h^T dy (16x8x4),
// dh = dy w2^T (8x4x16), dpre = select(pre > 0, dh, 0), dw1 = x^T dpre
// (16x8x16).
//
// Contraction FLOPs: 2 * (8*16*16 + 8*16*4 + 16*8*4 + 8*4*16 + 16*8*16)
//                  = 2 * (2048 + 512 + 512 + 512 + 2048) = 11264, all f16.
// Forward values the backward reads: pre and h, 8x16 each: 512 + 512 bytes
// in f32; after autocast the backward reads the f16 copy of pre (made once,
// for the ReLU) and the f16 h: 256 + 256 bytes.
// Casts: x, w1, w2 (the transposes of x and w2 read the same casts), pre,
// the 0-d seed (FP32 flows from it only along paths to FP32 or follow ops;
// its broadcast feeds only contractions, so it is broadcast in f16), dh, and
// dpre back to f32 for the bias-style reduction: 7.

// expected-remark @below {{mpt-autocast: @train_step: 11/23 float ops in f16 using 7 casts; 100% of contraction FLOPs in f16; saved activations 1024 -> 512 bytes}}
func.func @train_step(%x: tensor<8x16xf32>, %w1: tensor<16x16xf32>, %w2: tensor<16x4xf32>)
    -> (tensor<16x16xf32>, tensor<16x4xf32>, tensor<16xf32>, tensor<f32>) {
  %zero = arith.constant 0.0 : f32
  %e16 = tensor.empty() : tensor<8x16xf32>
  %i16 = linalg.fill ins(%zero : f32) outs(%e16 : tensor<8x16xf32>) -> tensor<8x16xf32>
  %pre = linalg.matmul ins(%x, %w1 : tensor<8x16xf32>, tensor<16x16xf32>) outs(%i16 : tensor<8x16xf32>) -> tensor<8x16xf32>
  %h = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]}
      ins(%pre : tensor<8x16xf32>) outs(%e16 : tensor<8x16xf32>) {
    ^bb0(%a: f32, %o: f32):
      %z = arith.constant 0.0 : f32
      %r = arith.maximumf %a, %z : f32
      linalg.yield %r : f32
  } -> tensor<8x16xf32>
  %e4 = tensor.empty() : tensor<8x4xf32>
  %i4 = linalg.fill ins(%zero : f32) outs(%e4 : tensor<8x4xf32>) -> tensor<8x4xf32>
  %y = linalg.matmul ins(%h, %w2 : tensor<8x16xf32>, tensor<16x4xf32>) outs(%i4 : tensor<8x4xf32>) -> tensor<8x4xf32>
  %e0 = tensor.empty() : tensor<f32>
  %i0 = linalg.fill ins(%zero : f32) outs(%e0 : tensor<f32>) -> tensor<f32>
  %sum = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> ()>], iterator_types = ["reduction", "reduction"]}
      ins(%y : tensor<8x4xf32>) outs(%i0 : tensor<f32>) {
    ^bb0(%a: f32, %o: f32):
      %r = arith.addf %a, %o : f32
      linalg.yield %r : f32
  } -> tensor<f32>
  %loss = mpt.loss %sum : tensor<f32>
  %seed = mpt.grad_seed %loss : tensor<f32>
  %dy = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> ()>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]}
      ins(%seed : tensor<f32>) outs(%e4 : tensor<8x4xf32>) {
    ^bb0(%s: f32, %o: f32):
      linalg.yield %s : f32
  } -> tensor<8x4xf32>
  %et16x8 = tensor.empty() : tensor<16x8xf32>
  %ht = linalg.transpose ins(%h : tensor<8x16xf32>) outs(%et16x8 : tensor<16x8xf32>) permutation = [1, 0]
  %e164 = tensor.empty() : tensor<16x4xf32>
  %i164 = linalg.fill ins(%zero : f32) outs(%e164 : tensor<16x4xf32>) -> tensor<16x4xf32>
  %dw2 = linalg.matmul ins(%ht, %dy : tensor<16x8xf32>, tensor<8x4xf32>) outs(%i164 : tensor<16x4xf32>) -> tensor<16x4xf32>
  %e416 = tensor.empty() : tensor<4x16xf32>
  %w2t = linalg.transpose ins(%w2 : tensor<16x4xf32>) outs(%e416 : tensor<4x16xf32>) permutation = [1, 0]
  %i16b = linalg.fill ins(%zero : f32) outs(%e16 : tensor<8x16xf32>) -> tensor<8x16xf32>
  %dh = linalg.matmul ins(%dy, %w2t : tensor<8x4xf32>, tensor<4x16xf32>) outs(%i16b : tensor<8x16xf32>) -> tensor<8x16xf32>
  %dpre = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]}
      ins(%pre, %dh : tensor<8x16xf32>, tensor<8x16xf32>) outs(%e16 : tensor<8x16xf32>) {
    ^bb0(%p: f32, %g: f32, %o: f32):
      %z = arith.constant 0.0 : f32
      %pos = arith.cmpf ogt, %p, %z : f32
      %r = arith.select %pos, %g, %z : f32
      linalg.yield %r : f32
  } -> tensor<8x16xf32>
  %xt = linalg.transpose ins(%x : tensor<8x16xf32>) outs(%et16x8 : tensor<16x8xf32>) permutation = [1, 0]
  %e1616 = tensor.empty() : tensor<16x16xf32>
  %i1616 = linalg.fill ins(%zero : f32) outs(%e1616 : tensor<16x16xf32>) -> tensor<16x16xf32>
  %dw1 = linalg.matmul ins(%xt, %dpre : tensor<16x8xf32>, tensor<8x16xf32>) outs(%i1616 : tensor<16x16xf32>) -> tensor<16x16xf32>
  %eb = tensor.empty() : tensor<16xf32>
  %ib = linalg.fill ins(%zero : f32) outs(%eb : tensor<16xf32>) -> tensor<16xf32>
  %db = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1)>], iterator_types = ["reduction", "parallel"]}
      ins(%dpre : tensor<8x16xf32>) outs(%ib : tensor<16xf32>) {
    ^bb0(%a: f32, %o: f32):
      %r = arith.addf %a, %o : f32
      linalg.yield %r : f32
  } -> tensor<16xf32>
  return %dw1, %dw2, %db, %loss : tensor<16x16xf32>, tensor<16x4xf32>, tensor<16xf32>, tensor<f32>
}

// Float ops: 5 matmuls, 3 transposes, relu, the seed broadcast, dpre (11 in
// f16); 7 fills, the two sum reductions, mpt.loss, mpt.grad_seed and
// func.return (12 in f32). The JSON lists the remarks of the function in the
// order they were made (keys sorted): the low-precision decisions per op
// name, the ops left in FP32 per op and reason, then the summary.
// CHECK:      "pass": "mpt-autocast",
// CHECK-NEXT: "remarks": [
// CHECK:      "class": "low_precision",
// CHECK-NEXT: "count": 5,
// CHECK-NEXT: "op": "linalg.matmul",
// CHECK-NEXT: "precision": "f16"
// CHECK-NEXT: },
// CHECK-NEXT: "function": "train_step",
// CHECK-NEXT: "kind": "passed",
// CHECK-NEXT: "loc": "{{.*}}autocast-report.mlir:36:10",
// CHECK-NEXT: "name": "low-precision"
// The relu, the seed broadcast and dpre.
// CHECK:      "class": "transparent",
// CHECK-NEXT: "count": 3,
// CHECK-NEXT: "op": "linalg.generic",
// CHECK:      "class": "transparent",
// CHECK-NEXT: "count": 3,
// CHECK-NEXT: "op": "linalg.transpose",
// CHECK:      "count": 1,
// CHECK-NEXT: "op": "func.return",
// CHECK-NEXT: "reason": "boundary"
// CHECK:      "kind": "missed",
// CHECK:      "name": "left-fp32"
// CHECK:      "count": 7,
// CHECK-NEXT: "op": "linalg.fill",
// CHECK-NEXT: "reason": "follows fp32 readers"
// CHECK:      "count": 1,
// CHECK-NEXT: "op": "linalg.generic(reduction)",
// CHECK-NEXT: "reason": "deny: reduction over 32 elements"
// CHECK:      "loc": "{{.*}}autocast-report.mlir:49:10",
// CHECK:      "count": 1,
// CHECK-NEXT: "op": "linalg.generic(reduction)",
// CHECK-NEXT: "reason": "deny: reduction over 8 elements"
// CHECK:      "count": 1,
// CHECK-NEXT: "op": "mpt.grad_seed",
// CHECK-NEXT: "reason": "deny: fp32 op"
// CHECK:      "count": 1,
// CHECK-NEXT: "op": "mpt.loss",
// CHECK-NEXT: "reason": "deny: fp32 op"
// CHECK:      "casts_inserted": 7,
// CHECK-NEXT: "classes": {
// CHECK-NEXT: "boundary": 1,
// CHECK-NEXT: "fp32": 4,
// CHECK-NEXT: "low_precision": 5,
// CHECK-NEXT: "transparent": 13
// CHECK-NEXT: },
// CHECK-NEXT: "constants_narrowed": 2,
// CHECK-NEXT: "contraction_flops": 11264,
// CHECK-NEXT: "float_ops": 23,
// CHECK-NEXT: "fp32_ops": 12,
// CHECK-NEXT: "low_precision_contraction_flops": 11264,
// CHECK-NEXT: "low_precision_ops": 11,
// CHECK-NEXT: "precision": "f16",
// CHECK-NEXT: "saved_activation_bytes_after": 512,
// CHECK-NEXT: "saved_activation_bytes_fp32_before": 1024
// CHECK-NEXT: },
// CHECK-NEXT: "function": "train_step",
// CHECK-NEXT: "kind": "analysis",
// CHECK-NEXT: "loc": "{{.*}}autocast-report.mlir:31:1",
// CHECK-NEXT: "name": "summary"
// CHECK-NEXT: }
// CHECK-NEXT: ]
// CHECK-NEXT: }

// ENGINE: autocast-report.mlir:36:10: remark: [Passed] low-precision | Category:mpt-autocast | Function=train_step | class=low_precision, count=5, op=linalg.matmul, precision=f16
// ENGINE: autocast-report.mlir:49:10: remark: [Missed] left-fp32 | Category:mpt-autocast | Function=train_step | count=1, op=linalg.generic(reduction), reason="deny: reduction over 32 elements"
// ENGINE: autocast-report.mlir:31:1: remark: [Analysis] summary | Category:mpt-autocast | Function=train_step | casts_inserted=7, {{.*}}float_ops=23, {{.*}}low_precision_ops=11

// STDOUT-NOT: "pass"
// STDOUT: func.func @train_step
// STDOUT-NOT: "remarks"
