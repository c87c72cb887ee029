// A complete FP32 training step in the input form of docs/dialect.md: a linear layer
// y = x w + b trained with mean-squared error and SGD.
//   forward:  z = x w + b,  loss = mean((z - y)^2)
//   backward: dz = seed * 2 (z - y) / (32 * 10),  dw = x^T dz,  db = sum_rows dz
#map_rows = affine_map<(d0, d1) -> (d0, d1)>
#map_bias = affine_map<(d0, d1) -> (d1)>
#map_all = affine_map<(d0, d1) -> ()>
#map_scalar = affine_map<(d0, d1) -> ()>
module {
  func.func @train_step(
      %w: tensor<64x10xf32> {mpt.role = #mpt.role<param>, mpt.name = "dense.weight",
                             mpt.init = #mpt.init<dist = uniform, low = -0.3061862, high = 0.3061862, seed = 1>},
      %b: tensor<10xf32> {mpt.role = #mpt.role<param>, mpt.name = "dense.bias", mpt.init = #mpt.init<dist = zeros>},
      %x: tensor<32x64xf32> {mpt.role = #mpt.role<input>, mpt.name = "x"},
      %y: tensor<32x10xf32> {mpt.role = #mpt.role<input>, mpt.name = "y"})
      -> (tensor<64x10xf32> {mpt.role = #mpt.role<param>, mpt.updates = "dense.weight"},
          tensor<10xf32> {mpt.role = #mpt.role<param>, mpt.updates = "dense.bias"},
          tensor<f32> {mpt.role = #mpt.role<loss>}) {
    %zero = arith.constant 0.0 : f32
    // Forward.
    %e0 = tensor.empty() : tensor<32x10xf32>
    %acc = linalg.fill ins(%zero : f32) outs(%e0 : tensor<32x10xf32>) -> tensor<32x10xf32>
    %xw = linalg.matmul ins(%x, %w : tensor<32x64xf32>, tensor<64x10xf32>) outs(%acc : tensor<32x10xf32>) -> tensor<32x10xf32>
    %z = linalg.generic {indexing_maps = [#map_rows, #map_bias, #map_rows], iterator_types = ["parallel", "parallel"]}
        ins(%xw, %b : tensor<32x10xf32>, tensor<10xf32>) outs(%e0 : tensor<32x10xf32>) {
      ^bb0(%a: f32, %c: f32, %out: f32):
        %s = arith.addf %a, %c : f32
        linalg.yield %s : f32
    } -> tensor<32x10xf32>
    %diff = linalg.generic {indexing_maps = [#map_rows, #map_rows, #map_rows], iterator_types = ["parallel", "parallel"]}
        ins(%z, %y : tensor<32x10xf32>, tensor<32x10xf32>) outs(%e0 : tensor<32x10xf32>) {
      ^bb0(%a: f32, %c: f32, %out: f32):
        %s = arith.subf %a, %c : f32
        linalg.yield %s : f32
    } -> tensor<32x10xf32>
    %e1 = tensor.empty() : tensor<f32>
    %sum0 = linalg.fill ins(%zero : f32) outs(%e1 : tensor<f32>) -> tensor<f32>
    %sq = linalg.generic {indexing_maps = [#map_rows, #map_all], iterator_types = ["reduction", "reduction"]}
        ins(%diff : tensor<32x10xf32>) outs(%sum0 : tensor<f32>) {
      ^bb0(%a: f32, %out: f32):
        %p = arith.mulf %a, %a : f32
        %s = arith.addf %out, %p : f32
        linalg.yield %s : f32
    } -> tensor<f32>
    %mean = linalg.generic {indexing_maps = [affine_map<() -> ()>, affine_map<() -> ()>], iterator_types = []}
        ins(%sq : tensor<f32>) outs(%e1 : tensor<f32>) {
      ^bb0(%a: f32, %out: f32):
        %n = arith.constant 320.0 : f32
        %m = arith.divf %a, %n : f32
        linalg.yield %m : f32
    } -> tensor<f32>
    %loss = mpt.loss %mean : tensor<f32>
    // Backward.
    %seed = mpt.grad_seed %loss : tensor<f32>
    %dz = linalg.generic {indexing_maps = [#map_rows, #map_scalar, #map_rows], iterator_types = ["parallel", "parallel"]}
        ins(%diff, %seed : tensor<32x10xf32>, tensor<f32>) outs(%e0 : tensor<32x10xf32>) {
      ^bb0(%a: f32, %g: f32, %out: f32):
        %k = arith.constant 0.00625 : f32
        %t = arith.mulf %a, %k : f32
        %r = arith.mulf %t, %g : f32
        linalg.yield %r : f32
    } -> tensor<32x10xf32>
    %e2 = tensor.empty() : tensor<64x32xf32>
    %xt = linalg.transpose ins(%x : tensor<32x64xf32>) outs(%e2 : tensor<64x32xf32>) permutation = [1, 0]
    %e3 = tensor.empty() : tensor<64x10xf32>
    %gacc = linalg.fill ins(%zero : f32) outs(%e3 : tensor<64x10xf32>) -> tensor<64x10xf32>
    %gw = linalg.matmul ins(%xt, %dz : tensor<64x32xf32>, tensor<32x10xf32>) outs(%gacc : tensor<64x10xf32>) -> tensor<64x10xf32>
    %e4 = tensor.empty() : tensor<10xf32>
    %bacc = linalg.fill ins(%zero : f32) outs(%e4 : tensor<10xf32>) -> tensor<10xf32>
    %gb = linalg.generic {indexing_maps = [#map_rows, #map_bias], iterator_types = ["reduction", "parallel"]}
        ins(%dz : tensor<32x10xf32>) outs(%bacc : tensor<10xf32>) {
      ^bb0(%a: f32, %out: f32):
        %s = arith.addf %out, %a : f32
        linalg.yield %s : f32
    } -> tensor<10xf32>
    // Update.
    %w2 = mpt.sgd %w, %gw {lr = 0.1 : f32} : tensor<64x10xf32>
    %b2 = mpt.sgd %b, %gb {lr = 0.1 : f32} : tensor<10xf32>
    return %w2, %b2, %loss : tensor<64x10xf32>, tensor<10xf32>, tensor<f32>
  }
}
