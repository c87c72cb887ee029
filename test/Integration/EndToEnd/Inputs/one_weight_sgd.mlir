// A one-weight FP32 training step whose gradient is the fed input:
//   y = x @ w            (1x1 matmul: low precision under autocast)
//   loss = sum(y)
//   dW = x^T @ broadcast(seed)   (1x1 contraction: low precision too)
//   w = w - lr * dW      (mpt.sgd, lr = 1e-4)
// Under --precision=f16 both contractions read x cast to f16, so an input
// of 1e6 (inf in f16) makes the gradient inf; the scaled seed is cast to f16
// as well, so a loss scale >= 65520 overflows by itself.
#id = affine_map<(d0, d1) -> (d0, d1)>
#all = affine_map<(d0, d1) -> ()>
func.func @train_step(
    %w: tensor<1x1xf32> {mpt.role = #mpt.role<param>, mpt.name = "w",
                         mpt.init = #mpt.init<dist = constant, value = 1.0>},
    %x: tensor<1x1xf32> {mpt.role = #mpt.role<input>, mpt.name = "x"})
    -> (tensor<1x1xf32> {mpt.role = #mpt.role<param>, mpt.updates = "w"},
        tensor<f32> {mpt.role = #mpt.role<loss>}) {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x1xf32>
  %z = linalg.fill ins(%zero : f32) outs(%e : tensor<1x1xf32>) -> tensor<1x1xf32>
  %y = linalg.matmul ins(%x, %w : tensor<1x1xf32>, tensor<1x1xf32>)
                     outs(%z : tensor<1x1xf32>) -> tensor<1x1xf32>
  %e0 = tensor.empty() : tensor<f32>
  %z0 = linalg.fill ins(%zero : f32) outs(%e0 : tensor<f32>) -> tensor<f32>
  %sum = linalg.generic {indexing_maps = [#id, #all],
                         iterator_types = ["reduction", "reduction"]}
      ins(%y : tensor<1x1xf32>) outs(%z0 : tensor<f32>) {
  ^bb0(%a: f32, %o: f32):
    %s = arith.addf %a, %o : f32
    linalg.yield %s : f32
  } -> tensor<f32>
  %loss = mpt.loss %sum : tensor<f32>
  %seed = mpt.grad_seed %loss : tensor<f32>
  // d loss / d y = broadcast(seed)
  %e1 = tensor.empty() : tensor<1x1xf32>
  %dy = linalg.generic {indexing_maps = [#all, #id],
                        iterator_types = ["parallel", "parallel"]}
      ins(%seed : tensor<f32>) outs(%e1 : tensor<1x1xf32>) {
  ^bb0(%s: f32, %o: f32):
    linalg.yield %s : f32
  } -> tensor<1x1xf32>
  // d loss / d w = x^T @ dy
  %e2 = tensor.empty() : tensor<1x1xf32>
  %xt = linalg.transpose ins(%x : tensor<1x1xf32>) outs(%e2 : tensor<1x1xf32>)
      permutation = [1, 0]
  %e3 = tensor.empty() : tensor<1x1xf32>
  %z3 = linalg.fill ins(%zero : f32) outs(%e3 : tensor<1x1xf32>) -> tensor<1x1xf32>
  %dw = linalg.matmul ins(%xt, %dy : tensor<1x1xf32>, tensor<1x1xf32>)
                      outs(%z3 : tensor<1x1xf32>) -> tensor<1x1xf32>
  %w2 = mpt.sgd %w, %dw {lr = 1.0e-04 : f32} : tensor<1x1xf32>
  return %w2, %loss : tensor<1x1xf32>, tensor<f32>
}
