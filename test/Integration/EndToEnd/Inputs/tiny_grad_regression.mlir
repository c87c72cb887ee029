// Linear regression with a loss multiplied by 1e-9, so that every gradient
// lies far below the smallest f16 subnormal (2^-24 = 5.96e-8):
//   y = x @ w              x: 8x4 input, w: 4x1 param (init 0.25)
//   r = y - t              t: 8x1 input (targets)
//   loss = 1e-9 * sum(r * r)
//   dr = 2 * r * (1e-9 * seed)     (|dr| <= 2e-9 * |r|, about 1e-9)
//   dW = x^T @ dr          (contraction: under f16 autocast dr is cast to
//                           f16, where anything below 2.98e-8 is 0)
//   w = w - lr * dW        (lr = 2.5e7: an effective step of 0.05 on the
//                           unscaled quadratic)
// Without loss scaling dW is exactly 0 in f16 and w never moves; with the
// scale (65536) dr is about 6e-5 in f16 and the model learns.
#id = affine_map<(d0, d1) -> (d0, d1)>
#all = affine_map<(d0, d1) -> ()>
#scalar = affine_map<() -> ()>
func.func @train_step(
    %w: tensor<4x1xf32> {mpt.role = #mpt.role<param>, mpt.name = "w",
                         mpt.init = #mpt.init<dist = constant, value = 0.25>},
    %x: tensor<8x4xf32> {mpt.role = #mpt.role<input>, mpt.name = "x"},
    %t: tensor<8x1xf32> {mpt.role = #mpt.role<input>, mpt.name = "t"})
    -> (tensor<4x1xf32> {mpt.role = #mpt.role<param>, mpt.updates = "w"},
        tensor<f32> {mpt.role = #mpt.role<loss>}) {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<8x1xf32>
  %z = linalg.fill ins(%zero : f32) outs(%e : tensor<8x1xf32>) -> tensor<8x1xf32>
  %y = linalg.matmul ins(%x, %w : tensor<8x4xf32>, tensor<4x1xf32>)
                     outs(%z : tensor<8x1xf32>) -> tensor<8x1xf32>
  %e1 = tensor.empty() : tensor<8x1xf32>
  %r = linalg.generic {indexing_maps = [#id, #id, #id],
                       iterator_types = ["parallel", "parallel"]}
      ins(%y, %t : tensor<8x1xf32>, tensor<8x1xf32>) outs(%e1 : tensor<8x1xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %d = arith.subf %a, %b : f32
    linalg.yield %d : f32
  } -> tensor<8x1xf32>
  %e2 = tensor.empty() : tensor<8x1xf32>
  %sq = linalg.generic {indexing_maps = [#id, #id],
                        iterator_types = ["parallel", "parallel"]}
      ins(%r : tensor<8x1xf32>) outs(%e2 : tensor<8x1xf32>) {
  ^bb0(%a: f32, %o: f32):
    %m = arith.mulf %a, %a : f32
    linalg.yield %m : f32
  } -> tensor<8x1xf32>
  %e3 = tensor.empty() : tensor<f32>
  %z3 = linalg.fill ins(%zero : f32) outs(%e3 : tensor<f32>) -> tensor<f32>
  %sum = linalg.generic {indexing_maps = [#id, #all],
                         iterator_types = ["reduction", "reduction"]}
      ins(%sq : tensor<8x1xf32>) outs(%z3 : tensor<f32>) {
  ^bb0(%a: f32, %o: f32):
    %s = arith.addf %a, %o : f32
    linalg.yield %s : f32
  } -> tensor<f32>
  %e4 = tensor.empty() : tensor<f32>
  %scaled = linalg.generic {indexing_maps = [#scalar, #scalar],
                            iterator_types = []}
      ins(%sum : tensor<f32>) outs(%e4 : tensor<f32>) {
  ^bb0(%a: f32, %o: f32):
    %c = arith.constant 1.0e-09 : f32
    %m = arith.mulf %a, %c : f32
    linalg.yield %m : f32
  } -> tensor<f32>
  %loss = mpt.loss %scaled : tensor<f32>
  %seed = mpt.grad_seed %loss : tensor<f32>
  // d loss / d sum = 1e-9 * seed
  %e5 = tensor.empty() : tensor<f32>
  %dsum = linalg.generic {indexing_maps = [#scalar, #scalar],
                          iterator_types = []}
      ins(%seed : tensor<f32>) outs(%e5 : tensor<f32>) {
  ^bb0(%a: f32, %o: f32):
    %c = arith.constant 1.0e-09 : f32
    %m = arith.mulf %a, %c : f32
    linalg.yield %m : f32
  } -> tensor<f32>
  // d loss / d r = 2 * r * dsum
  %e6 = tensor.empty() : tensor<8x1xf32>
  %dr = linalg.generic {indexing_maps = [#id, #all, #id],
                        iterator_types = ["parallel", "parallel"]}
      ins(%r, %dsum : tensor<8x1xf32>, tensor<f32>) outs(%e6 : tensor<8x1xf32>) {
  ^bb0(%a: f32, %g: f32, %o: f32):
    %two = arith.constant 2.0 : f32
    %m = arith.mulf %a, %g : f32
    %m2 = arith.mulf %m, %two : f32
    linalg.yield %m2 : f32
  } -> tensor<8x1xf32>
  // d loss / d w = x^T @ dr
  %e7 = tensor.empty() : tensor<4x8xf32>
  %xt = linalg.transpose ins(%x : tensor<8x4xf32>) outs(%e7 : tensor<4x8xf32>)
      permutation = [1, 0]
  %e8 = tensor.empty() : tensor<4x1xf32>
  %z8 = linalg.fill ins(%zero : f32) outs(%e8 : tensor<4x1xf32>) -> tensor<4x1xf32>
  %dw = linalg.matmul ins(%xt, %dr : tensor<4x8xf32>, tensor<8x1xf32>)
                      outs(%z8 : tensor<4x1xf32>) -> tensor<4x1xf32>
  %w2 = mpt.sgd %w, %dw {lr = 2.5e+07 : f32} : tensor<4x1xf32>
  return %w2, %loss : tensor<4x1xf32>, tensor<f32>
}
