// Regression test: mpt-autocast on linalg ops with buffer (memref) semantics
// used to put mpt.cast on memrefs, which the verifier rejects. Autocast
// rewrites tensor programs: ops on buffers are left exactly as they are and
// reported as left in FP32 with the reason; tensor ops around them are still
// rewritten, and a tensor value a buffer op reads stays FP32 for it.
// RUN: mpt-opt %s -mpt-autocast='report=%t.json' | FileCheck %s
// RUN: FileCheck %s --input-file=%t.json --check-prefix=REPORT

// CHECK-LABEL: func.func @buffer_ops_are_left_alone
// CHECK-SAME: (%[[A:.*]]: memref<8x8xf32>, %[[B:.*]]: memref<8x8xf32>, %[[C:.*]]: memref<8x8xf32>)
// CHECK-NEXT: linalg.matmul ins(%[[A]], %[[B]] : memref<8x8xf32>, memref<8x8xf32>) outs(%[[C]] : memref<8x8xf32>)
// CHECK-NEXT: linalg.generic {{.*}} ins(%[[C]] : memref<8x8xf32>) outs(%[[C]] : memref<8x8xf32>)
// CHECK-NEXT: ^bb0(%{{.*}}: f32, %{{.*}}: f32):
// CHECK-NEXT: math.tanh %{{.*}} : f32
// CHECK-NOT: mpt.cast
// CHECK: return
func.func @buffer_ops_are_left_alone(%a: memref<8x8xf32>, %b: memref<8x8xf32>, %c: memref<8x8xf32>) {
  linalg.matmul ins(%a, %b : memref<8x8xf32>, memref<8x8xf32>) outs(%c : memref<8x8xf32>)
  linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]}
      ins(%c : memref<8x8xf32>) outs(%c : memref<8x8xf32>) {
    ^bb0(%in: f32, %out: f32):
      %t = math.tanh %in : f32
      linalg.yield %t : f32
  }
  return
}

// A tensor matmul still runs in f16; its result is written to a buffer by a
// buffer op, which reads it back in f32.
// CHECK-LABEL: func.func @tensor_op_feeding_a_buffer
// CHECK: %[[M:.*]] = linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<8x8xf16>, tensor<8x8xf16>) outs(%{{.*}} : tensor<8x8xf32>)
// CHECK: bufferization.materialize_in_destination %[[M]] in writable %{{.*}} : (tensor<8x8xf32>, memref<8x8xf32>) -> ()
func.func @tensor_op_feeding_a_buffer(%x: tensor<8x8xf32>, %out: memref<8x8xf32>) {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<8x8xf32>
  %i = linalg.fill ins(%zero : f32) outs(%e : tensor<8x8xf32>) -> tensor<8x8xf32>
  %m = linalg.matmul ins(%x, %x : tensor<8x8xf32>, tensor<8x8xf32>) outs(%i : tensor<8x8xf32>) -> tensor<8x8xf32>
  bufferization.materialize_in_destination %m in writable %out : (tensor<8x8xf32>, memref<8x8xf32>) -> ()
  return
}

// REPORT: "op": "linalg.generic",
// REPORT-NEXT: "reason": "operates on buffers (memrefs); autocast rewrites tensors only"
// REPORT: "function": "buffer_ops_are_left_alone",
// REPORT-NEXT: "kind": "missed",
// REPORT: "count": 1,
// REPORT-NEXT: "op": "linalg.matmul",
// REPORT-NEXT: "reason": "operates on buffers (memrefs); autocast rewrites tensors only"
// REPORT: "float_ops": 2,
// REPORT-NEXT: "fp32_ops": 2,
// REPORT: "low_precision_ops": 0,
// REPORT: "function": "buffer_ops_are_left_alone",
// REPORT: "name": "summary"
// REPORT: "op": "bufferization.materialize_in_destination",
// REPORT-NEXT: "reason": "operates on buffers (memrefs); autocast rewrites tensors only"
// REPORT: "low_precision_ops": 1,
// REPORT: "function": "tensor_op_feeding_a_buffer",
