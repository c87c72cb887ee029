// low-precision-ops takes contractions only: its ops read low-precision
// inputs into an FP32 accumulator, which means nothing for an elementwise op
// (naming one used to produce invalid IR). Each op it names that is not a
// contraction is reported, payload ops of linalg.generic included.
// RUN: mpt-opt %s -mpt-autocast='low-precision-ops=arith.addf,math.tanh,linalg.matmul' -verify-diagnostics

func.func @f(%x: tensor<4xf32>, %y: tensor<4xf32>, %w: tensor<4x4xf32>) -> (tensor<4xf32>, tensor<4xf32>, tensor<1x4xf32>) {
  // expected-error @below {{mpt-autocast: low-precision-ops names 'arith.addf', but this op is not a contraction (low-precision inputs, FP32 accumulator); name it in follow-ops to compute it in f16 when its inputs are}}
  %s = arith.addf %x, %y : tensor<4xf32>
  %e = tensor.empty() : tensor<4xf32>
  %t = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]}
      ins(%x : tensor<4xf32>) outs(%e : tensor<4xf32>) {
    ^bb0(%a: f32, %o: f32):
      // expected-error @below {{mpt-autocast: low-precision-ops names 'math.tanh', but this op is not a contraction}}
      %r = math.tanh %a : f32
      linalg.yield %r : f32
  } -> tensor<4xf32>
  // A contraction: accepted, and its implicit body (arith.addf) is not the
  // user's op.
  %zero = arith.constant 0.0 : f32
  %e2 = tensor.empty() : tensor<1x4xf32>
  %i = linalg.fill ins(%zero : f32) outs(%e2 : tensor<1x4xf32>) -> tensor<1x4xf32>
  %xr = tensor.expand_shape %x [[0, 1]] output_shape [1, 4] : tensor<4xf32> into tensor<1x4xf32>
  %m = linalg.matmul ins(%xr, %w : tensor<1x4xf32>, tensor<4x4xf32>) outs(%i : tensor<1x4xf32>) -> tensor<1x4xf32>
  return %s, %t, %m : tensor<4xf32>, tensor<4xf32>, tensor<1x4xf32>
}
