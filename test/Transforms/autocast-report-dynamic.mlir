// The saved-activation figure on a dynamically shaped step whose backward
// reuses an index value (the batch size from tensor.dim) of the forward:
// index values are not activations and dynamic tensors have no static size,
// so the figure is 0 bytes before and after, not a crash.
// RUN: mpt-opt %s -mpt-autocast='report=%t.json summary=true' -verify-diagnostics -o /dev/null
// RUN: FileCheck %s --input-file=%t.json

// expected-remark @below {{mpt-autocast: @step: 0/8 float ops in f16 using 0 casts; 0% of contraction FLOPs in f16; saved activations 0 -> 0 bytes}}
func.func @step(%x: tensor<?xf32>) -> (tensor<f32>, tensor<?xf32>) {
  %c0 = arith.constant 0 : index
  %d = tensor.dim %x, %c0 : tensor<?xf32>
  %e = tensor.empty(%d) : tensor<?xf32>
  %sq = linalg.generic {indexing_maps = [affine_map<(i) -> (i)>, affine_map<(i) -> (i)>], iterator_types = ["parallel"]} ins(%x : tensor<?xf32>) outs(%e : tensor<?xf32>) {
  ^bb0(%a: f32, %o: f32):
    %m = arith.mulf %a, %a : f32
    linalg.yield %m : f32
  } -> tensor<?xf32>
  %z = arith.constant 0.0 : f32
  %i = tensor.empty() : tensor<f32>
  %f = linalg.fill ins(%z : f32) outs(%i : tensor<f32>) -> tensor<f32>
  %s = linalg.reduce ins(%sq : tensor<?xf32>) outs(%f : tensor<f32>) dimensions = [0]
    (%a: f32, %b: f32) {
      %t = arith.addf %a, %b : f32
      linalg.yield %t : f32
    }
  %l = mpt.loss %s : tensor<f32>
  %seed = mpt.grad_seed %l : tensor<f32>
  // The backward reuses %d, an index value of the forward.
  %e2 = tensor.empty(%d) : tensor<?xf32>
  %g = linalg.generic {indexing_maps = [affine_map<(i) -> (i)>, affine_map<(i) -> ()>, affine_map<(i) -> (i)>], iterator_types = ["parallel"]} ins(%x, %seed : tensor<?xf32>, tensor<f32>) outs(%e2 : tensor<?xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %m = arith.mulf %a, %b : f32
    linalg.yield %m : f32
  } -> tensor<?xf32>
  return %l, %g : tensor<f32>, tensor<?xf32>
}
// CHECK:      "saved_activation_bytes_after": 0,
// CHECK-NEXT: "saved_activation_bytes_fp32_before": 0
// CHECK:      "name": "summary"
