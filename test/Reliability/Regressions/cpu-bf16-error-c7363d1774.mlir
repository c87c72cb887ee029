// mpt frontend: model 'random', optimizer sgd, batch 1
#map0 = affine_map<(d0, d1) -> (d0, d1)>
#map1 = affine_map<(d0, d1) -> (d1)>
#map2 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#map3 = affine_map<(d0, d1, d2, d3) -> ()>
#map4 = affine_map<() -> ()>
module {
  func.func @train_step(%arg0: tensor<2x2xf32> {mpt.role = #mpt.role<param>, mpt.name = "head.weight", mpt.init = #mpt.init<dist = uniform, low = -1.224744871391589, high = 1.224744871391589, seed = 6713090638360328072>}, %arg1: tensor<2xf32> {mpt.role = #mpt.role<param>, mpt.name = "head.bias", mpt.init = #mpt.init<dist = zeros>}, %arg2: tensor<1x1x1x2xf32> {mpt.role = #mpt.role<input>, mpt.name = "x"}, %arg3: tensor<1x1x1x2xf32> {mpt.role = #mpt.role<input>, mpt.name = "y"}) -> (tensor<2x2xf32> {mpt.role = #mpt.role<param>, mpt.updates = "head.weight"}, tensor<2xf32> {mpt.role = #mpt.role<param>, mpt.updates = "head.bias"}, tensor<f32> {mpt.role = #mpt.role<loss>}) {
    %cst0 = arith.constant 0.0 : f32
    %v2 = tensor.collapse_shape %arg2 [[0], [1, 2, 3]] : tensor<1x1x1x2xf32> into tensor<1x2xf32> loc("head")
    %e1 = tensor.empty() : tensor<1x2xf32>
    %init2 = linalg.fill ins(%cst0 : f32) outs(%e1 : tensor<1x2xf32>) -> tensor<1x2xf32> loc("head")
    %v3 = linalg.matmul ins(%v2, %arg0 : tensor<1x2xf32>, tensor<2x2xf32>) outs(%init2 : tensor<1x2xf32>) -> tensor<1x2xf32> loc("head")
    %e3 = tensor.empty() : tensor<1x2xf32>
    %v5 = linalg.generic {indexing_maps = [#map0, #map1, #map0], iterator_types = ["parallel", "parallel"]} ins(%v3, %arg1 : tensor<1x2xf32>, tensor<2xf32>) outs(%e3 : tensor<1x2xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.addf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<1x2xf32> loc("head")
    %v6 = tensor.expand_shape %v5 [[0], [1, 2, 3]] output_shape [1, 1, 1, 2] : tensor<1x2xf32> into tensor<1x1x1x2xf32> loc("head")
    %e4 = tensor.empty() : tensor<1x1x1x2xf32>
    %v8 = linalg.generic {indexing_maps = [#map2, #map2, #map2], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%v6, %arg3 : tensor<1x1x1x2xf32>, tensor<1x1x1x2xf32>) outs(%e4 : tensor<1x1x1x2xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.subf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<1x1x1x2xf32> loc("loss_mse")
    %e5 = tensor.empty() : tensor<1x1x1x2xf32>
    %v9 = linalg.generic {indexing_maps = [#map2, #map2], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%v8 : tensor<1x1x1x2xf32>) outs(%e5 : tensor<1x1x1x2xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.mulf %in0, %in0 : f32
      linalg.yield %t0 : f32
    } -> tensor<1x1x1x2xf32> loc("loss_mse")
    %e6 = tensor.empty() : tensor<f32>
    %init7 = linalg.fill ins(%cst0 : f32) outs(%e6 : tensor<f32>) -> tensor<f32> loc("loss_mse")
    %v10 = linalg.generic {indexing_maps = [#map2, #map3], iterator_types = ["reduction", "reduction", "reduction", "reduction"]} ins(%v9 : tensor<1x1x1x2xf32>) outs(%init7 : tensor<f32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.addf %in0, %out : f32
      linalg.yield %t0 : f32
    } -> tensor<f32> loc("loss_mse")
    %e8 = tensor.empty() : tensor<f32>
    %v11 = linalg.generic {indexing_maps = [#map4, #map4], iterator_types = []} ins(%v10 : tensor<f32>) outs(%e8 : tensor<f32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.constant 0.5 : f32
      %t1 = arith.mulf %in0, %t0 : f32
      linalg.yield %t1 : f32
    } -> tensor<f32> loc("loss_mse")
    %v12 = mpt.loss %v11 : tensor<f32> loc("loss")
    %v13 = mpt.grad_seed %v12 : tensor<f32> loc("loss")
    %e9 = tensor.empty() : tensor<f32>
    %v14 = linalg.generic {indexing_maps = [#map4, #map4], iterator_types = []} ins(%v13 : tensor<f32>) outs(%e9 : tensor<f32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.constant 0.5 : f32
      %t1 = arith.mulf %in0, %t0 : f32
      linalg.yield %t1 : f32
    } -> tensor<f32> loc("loss_mse.grad")
    %e10 = tensor.empty() : tensor<1x1x1x2xf32>
    %v15 = linalg.generic {indexing_maps = [#map3, #map2], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%v14 : tensor<f32>) outs(%e10 : tensor<1x1x1x2xf32>) {
    ^bb0(%in0: f32, %out: f32):
      linalg.yield %in0 : f32
    } -> tensor<1x1x1x2xf32> loc("loss_mse.grad")
    %e11 = tensor.empty() : tensor<1x1x1x2xf32>
    %v16 = linalg.generic {indexing_maps = [#map2, #map2, #map2], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%v15, %v8 : tensor<1x1x1x2xf32>, tensor<1x1x1x2xf32>) outs(%e11 : tensor<1x1x1x2xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.mulf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<1x1x1x2xf32> loc("loss_mse.grad")
    %e12 = tensor.empty() : tensor<1x1x1x2xf32>
    %v17 = linalg.generic {indexing_maps = [#map2, #map2], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%v16 : tensor<1x1x1x2xf32>) outs(%e12 : tensor<1x1x1x2xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.constant 2.0 : f32
      %t1 = arith.mulf %in0, %t0 : f32
      linalg.yield %t1 : f32
    } -> tensor<1x1x1x2xf32> loc("loss_mse.grad")
    %v18 = tensor.collapse_shape %v17 [[0], [1, 2, 3]] : tensor<1x1x1x2xf32> into tensor<1x2xf32> loc("head.grad")
    %e13 = tensor.empty() : tensor<2xf32>
    %init14 = linalg.fill ins(%cst0 : f32) outs(%e13 : tensor<2xf32>) -> tensor<2xf32> loc("head.grad")
    %v19 = linalg.generic {indexing_maps = [#map0, #map1], iterator_types = ["reduction", "parallel"]} ins(%v18 : tensor<1x2xf32>) outs(%init14 : tensor<2xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.addf %in0, %out : f32
      linalg.yield %t0 : f32
    } -> tensor<2xf32> loc("head.grad")
    %e15 = tensor.empty() : tensor<2x1xf32>
    %v20 = linalg.transpose ins(%v2 : tensor<1x2xf32>) outs(%e15 : tensor<2x1xf32>) permutation = [1, 0] loc("head.grad")
    %e16 = tensor.empty() : tensor<2x2xf32>
    %init17 = linalg.fill ins(%cst0 : f32) outs(%e16 : tensor<2x2xf32>) -> tensor<2x2xf32> loc("head.grad")
    %v21 = linalg.matmul ins(%v20, %v18 : tensor<2x1xf32>, tensor<1x2xf32>) outs(%init17 : tensor<2x2xf32>) -> tensor<2x2xf32> loc("head.grad")
    %new0 = mpt.sgd %arg0, %v21 {lr = 0.1 : f32} : tensor<2x2xf32> loc("head.weight")
    %new1 = mpt.sgd %arg1, %v19 {lr = 0.1 : f32} : tensor<2xf32> loc("head.bias")
    return %new0, %new1, %v12 : tensor<2x2xf32>, tensor<2xf32>, tensor<f32>
  }
  func.func @eval_step(%arg0: tensor<2x2xf32> {mpt.role = #mpt.role<param>, mpt.name = "head.weight", mpt.init = #mpt.init<dist = uniform, low = -1.224744871391589, high = 1.224744871391589, seed = 6713090638360328072>}, %arg1: tensor<2xf32> {mpt.role = #mpt.role<param>, mpt.name = "head.bias", mpt.init = #mpt.init<dist = zeros>}, %arg2: tensor<1x1x1x2xf32> {mpt.role = #mpt.role<input>, mpt.name = "x"}, %arg3: tensor<1x1x1x2xf32> {mpt.role = #mpt.role<input>, mpt.name = "y"}) -> (tensor<f32> {mpt.role = #mpt.role<loss>}, tensor<1x1x1x2xf32> {mpt.role = #mpt.role<output>, mpt.name = "logits"}) {
    %cst0 = arith.constant 0.0 : f32
    %v2 = tensor.collapse_shape %arg2 [[0], [1, 2, 3]] : tensor<1x1x1x2xf32> into tensor<1x2xf32> loc("head")
    %e1 = tensor.empty() : tensor<1x2xf32>
    %init2 = linalg.fill ins(%cst0 : f32) outs(%e1 : tensor<1x2xf32>) -> tensor<1x2xf32> loc("head")
    %v3 = linalg.matmul ins(%v2, %arg0 : tensor<1x2xf32>, tensor<2x2xf32>) outs(%init2 : tensor<1x2xf32>) -> tensor<1x2xf32> loc("head")
    %e3 = tensor.empty() : tensor<1x2xf32>
    %v5 = linalg.generic {indexing_maps = [#map0, #map1, #map0], iterator_types = ["parallel", "parallel"]} ins(%v3, %arg1 : tensor<1x2xf32>, tensor<2xf32>) outs(%e3 : tensor<1x2xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.addf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<1x2xf32> loc("head")
    %v6 = tensor.expand_shape %v5 [[0], [1, 2, 3]] output_shape [1, 1, 1, 2] : tensor<1x2xf32> into tensor<1x1x1x2xf32> loc("head")
    %e4 = tensor.empty() : tensor<1x1x1x2xf32>
    %v8 = linalg.generic {indexing_maps = [#map2, #map2, #map2], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%v6, %arg3 : tensor<1x1x1x2xf32>, tensor<1x1x1x2xf32>) outs(%e4 : tensor<1x1x1x2xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.subf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<1x1x1x2xf32> loc("loss_mse")
    %e5 = tensor.empty() : tensor<1x1x1x2xf32>
    %v9 = linalg.generic {indexing_maps = [#map2, #map2], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%v8 : tensor<1x1x1x2xf32>) outs(%e5 : tensor<1x1x1x2xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.mulf %in0, %in0 : f32
      linalg.yield %t0 : f32
    } -> tensor<1x1x1x2xf32> loc("loss_mse")
    %e6 = tensor.empty() : tensor<f32>
    %init7 = linalg.fill ins(%cst0 : f32) outs(%e6 : tensor<f32>) -> tensor<f32> loc("loss_mse")
    %v10 = linalg.generic {indexing_maps = [#map2, #map3], iterator_types = ["reduction", "reduction", "reduction", "reduction"]} ins(%v9 : tensor<1x1x1x2xf32>) outs(%init7 : tensor<f32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.addf %in0, %out : f32
      linalg.yield %t0 : f32
    } -> tensor<f32> loc("loss_mse")
    %e8 = tensor.empty() : tensor<f32>
    %v11 = linalg.generic {indexing_maps = [#map4, #map4], iterator_types = []} ins(%v10 : tensor<f32>) outs(%e8 : tensor<f32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.constant 0.5 : f32
      %t1 = arith.mulf %in0, %t0 : f32
      linalg.yield %t1 : f32
    } -> tensor<f32> loc("loss_mse")
    return %v11, %v6 : tensor<f32>, tensor<1x1x1x2xf32>
  }
}
