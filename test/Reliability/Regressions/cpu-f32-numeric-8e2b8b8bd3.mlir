// mpt frontend: model 'random', optimizer sgd, batch 1
#map0 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#map1 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>
#map2 = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
#map3 = affine_map<(d0, d1, d2, d3) -> (d3)>
#map4 = affine_map<(d0, d1) -> (d0, d1)>
#map5 = affine_map<(d0, d1) -> (d1)>
#map6 = affine_map<(d0, d1, d2, d3) -> ()>
#map7 = affine_map<() -> ()>
#map8 = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1 + d3, d2 + d4, d5)>
#map9 = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d5)>
#map10 = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d3, d4, d5)>
#map11 = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1 - d4 + 1, d2 - d5 + 1, d4, d5, d3)>
#map12 = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d3)>
module {
  func.func @train_step(%arg0: tensor<2xf32> {mpt.role = #mpt.role<param>, mpt.name = "ln0.weight", mpt.init = #mpt.init<dist = constant, value = 1.0>}, %arg1: tensor<2xf32> {mpt.role = #mpt.role<param>, mpt.name = "ln0.bias", mpt.init = #mpt.init<dist = zeros>}, %arg2: tensor<2xf32> {mpt.role = #mpt.role<param>, mpt.name = "ln1.weight", mpt.init = #mpt.init<dist = constant, value = 1.0>}, %arg3: tensor<2xf32> {mpt.role = #mpt.role<param>, mpt.name = "ln1.bias", mpt.init = #mpt.init<dist = zeros>}, %arg4: tensor<2x2xf32> {mpt.role = #mpt.role<param>, mpt.name = "head.weight", mpt.init = #mpt.init<dist = uniform, low = -1.224744871391589, high = 1.224744871391589, seed = 743886231262367019>}, %arg5: tensor<2xf32> {mpt.role = #mpt.role<param>, mpt.name = "head.bias", mpt.init = #mpt.init<dist = zeros>}, %arg6: tensor<1x1x3x2xf32> {mpt.role = #mpt.role<input>, mpt.name = "x"}, %arg7: tensor<1x2x3x2xf32> {mpt.role = #mpt.role<input>, mpt.name = "y"}) -> (tensor<2xf32> {mpt.role = #mpt.role<param>, mpt.updates = "ln0.weight"}, tensor<2xf32> {mpt.role = #mpt.role<param>, mpt.updates = "ln0.bias"}, tensor<2xf32> {mpt.role = #mpt.role<param>, mpt.updates = "ln1.weight"}, tensor<2xf32> {mpt.role = #mpt.role<param>, mpt.updates = "ln1.bias"}, tensor<2x2xf32> {mpt.role = #mpt.role<param>, mpt.updates = "head.weight"}, tensor<2xf32> {mpt.role = #mpt.role<param>, mpt.updates = "head.bias"}, tensor<f32> {mpt.role = #mpt.role<loss>}) {
    %cst0 = arith.constant 0.0 : f32
    %cst1 = arith.constant 0xFF800000 : f32
    %e1 = tensor.empty() : tensor<1x1x3xf32>
    %init2 = linalg.fill ins(%cst0 : f32) outs(%e1 : tensor<1x1x3xf32>) -> tensor<1x1x3xf32> loc("ln0")
    %v3 = linalg.generic {indexing_maps = [#map0, #map1], iterator_types = ["parallel", "parallel", "parallel", "reduction"]} ins(%arg6 : tensor<1x1x3x2xf32>) outs(%init2 : tensor<1x1x3xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.addf %in0, %out : f32
      linalg.yield %t0 : f32
    } -> tensor<1x1x3xf32> loc("ln0")
    %e3 = tensor.empty() : tensor<1x1x3xf32>
    %v4 = linalg.generic {indexing_maps = [#map2, #map2], iterator_types = ["parallel", "parallel", "parallel"]} ins(%v3 : tensor<1x1x3xf32>) outs(%e3 : tensor<1x1x3xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.constant 0.5 : f32
      %t1 = arith.mulf %in0, %t0 : f32
      linalg.yield %t1 : f32
    } -> tensor<1x1x3xf32> loc("ln0")
    %e4 = tensor.empty() : tensor<1x1x3x2xf32>
    %v5 = linalg.generic {indexing_maps = [#map0, #map1, #map0], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%arg6, %v4 : tensor<1x1x3x2xf32>, tensor<1x1x3xf32>) outs(%e4 : tensor<1x1x3x2xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.subf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<1x1x3x2xf32> loc("ln0")
    %e5 = tensor.empty() : tensor<1x1x3x2xf32>
    %v6 = linalg.generic {indexing_maps = [#map0, #map0], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%v5 : tensor<1x1x3x2xf32>) outs(%e5 : tensor<1x1x3x2xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.mulf %in0, %in0 : f32
      linalg.yield %t0 : f32
    } -> tensor<1x1x3x2xf32> loc("ln0")
    %e6 = tensor.empty() : tensor<1x1x3xf32>
    %init7 = linalg.fill ins(%cst0 : f32) outs(%e6 : tensor<1x1x3xf32>) -> tensor<1x1x3xf32> loc("ln0")
    %v7 = linalg.generic {indexing_maps = [#map0, #map1], iterator_types = ["parallel", "parallel", "parallel", "reduction"]} ins(%v6 : tensor<1x1x3x2xf32>) outs(%init7 : tensor<1x1x3xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.addf %in0, %out : f32
      linalg.yield %t0 : f32
    } -> tensor<1x1x3xf32> loc("ln0")
    %e8 = tensor.empty() : tensor<1x1x3xf32>
    %v8 = linalg.generic {indexing_maps = [#map2, #map2], iterator_types = ["parallel", "parallel", "parallel"]} ins(%v7 : tensor<1x1x3xf32>) outs(%e8 : tensor<1x1x3xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.constant 0.5 : f32
      %t1 = arith.mulf %in0, %t0 : f32
      linalg.yield %t1 : f32
    } -> tensor<1x1x3xf32> loc("ln0")
    %e9 = tensor.empty() : tensor<1x1x3xf32>
    %v9 = linalg.generic {indexing_maps = [#map2, #map2], iterator_types = ["parallel", "parallel", "parallel"]} ins(%v8 : tensor<1x1x3xf32>) outs(%e9 : tensor<1x1x3xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.constant 1.0e-05 : f32
      %t1 = arith.addf %in0, %t0 : f32
      linalg.yield %t1 : f32
    } -> tensor<1x1x3xf32> loc("ln0")
    %e10 = tensor.empty() : tensor<1x1x3xf32>
    %v10 = linalg.generic {indexing_maps = [#map2, #map2], iterator_types = ["parallel", "parallel", "parallel"]} ins(%v9 : tensor<1x1x3xf32>) outs(%e10 : tensor<1x1x3xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = math.rsqrt %in0 : f32
      linalg.yield %t0 : f32
    } -> tensor<1x1x3xf32> loc("ln0")
    %e11 = tensor.empty() : tensor<1x1x3x2xf32>
    %v11 = linalg.generic {indexing_maps = [#map0, #map1, #map0], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%v5, %v10 : tensor<1x1x3x2xf32>, tensor<1x1x3xf32>) outs(%e11 : tensor<1x1x3x2xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.mulf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<1x1x3x2xf32> loc("ln0")
    %e12 = tensor.empty() : tensor<1x1x3x2xf32>
    %v12 = linalg.generic {indexing_maps = [#map0, #map3, #map0], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%v11, %arg0 : tensor<1x1x3x2xf32>, tensor<2xf32>) outs(%e12 : tensor<1x1x3x2xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.mulf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<1x1x3x2xf32> loc("ln0")
    %e13 = tensor.empty() : tensor<1x1x3x2xf32>
    %v13 = linalg.generic {indexing_maps = [#map0, #map3, #map0], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%v12, %arg1 : tensor<1x1x3x2xf32>, tensor<2xf32>) outs(%e13 : tensor<1x1x3x2xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.addf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<1x1x3x2xf32> loc("ln0")
    %e14 = tensor.empty() : tensor<1x1x3xf32>
    %init15 = linalg.fill ins(%cst0 : f32) outs(%e14 : tensor<1x1x3xf32>) -> tensor<1x1x3xf32> loc("ln1")
    %v16 = linalg.generic {indexing_maps = [#map0, #map1], iterator_types = ["parallel", "parallel", "parallel", "reduction"]} ins(%v13 : tensor<1x1x3x2xf32>) outs(%init15 : tensor<1x1x3xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.addf %in0, %out : f32
      linalg.yield %t0 : f32
    } -> tensor<1x1x3xf32> loc("ln1")
    %e16 = tensor.empty() : tensor<1x1x3xf32>
    %v17 = linalg.generic {indexing_maps = [#map2, #map2], iterator_types = ["parallel", "parallel", "parallel"]} ins(%v16 : tensor<1x1x3xf32>) outs(%e16 : tensor<1x1x3xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.constant 0.5 : f32
      %t1 = arith.mulf %in0, %t0 : f32
      linalg.yield %t1 : f32
    } -> tensor<1x1x3xf32> loc("ln1")
    %e17 = tensor.empty() : tensor<1x1x3x2xf32>
    %v18 = linalg.generic {indexing_maps = [#map0, #map1, #map0], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%v13, %v17 : tensor<1x1x3x2xf32>, tensor<1x1x3xf32>) outs(%e17 : tensor<1x1x3x2xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.subf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<1x1x3x2xf32> loc("ln1")
    %e18 = tensor.empty() : tensor<1x1x3x2xf32>
    %v19 = linalg.generic {indexing_maps = [#map0, #map0], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%v18 : tensor<1x1x3x2xf32>) outs(%e18 : tensor<1x1x3x2xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.mulf %in0, %in0 : f32
      linalg.yield %t0 : f32
    } -> tensor<1x1x3x2xf32> loc("ln1")
    %e19 = tensor.empty() : tensor<1x1x3xf32>
    %init20 = linalg.fill ins(%cst0 : f32) outs(%e19 : tensor<1x1x3xf32>) -> tensor<1x1x3xf32> loc("ln1")
    %v20 = linalg.generic {indexing_maps = [#map0, #map1], iterator_types = ["parallel", "parallel", "parallel", "reduction"]} ins(%v19 : tensor<1x1x3x2xf32>) outs(%init20 : tensor<1x1x3xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.addf %in0, %out : f32
      linalg.yield %t0 : f32
    } -> tensor<1x1x3xf32> loc("ln1")
    %e21 = tensor.empty() : tensor<1x1x3xf32>
    %v21 = linalg.generic {indexing_maps = [#map2, #map2], iterator_types = ["parallel", "parallel", "parallel"]} ins(%v20 : tensor<1x1x3xf32>) outs(%e21 : tensor<1x1x3xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.constant 0.5 : f32
      %t1 = arith.mulf %in0, %t0 : f32
      linalg.yield %t1 : f32
    } -> tensor<1x1x3xf32> loc("ln1")
    %e22 = tensor.empty() : tensor<1x1x3xf32>
    %v22 = linalg.generic {indexing_maps = [#map2, #map2], iterator_types = ["parallel", "parallel", "parallel"]} ins(%v21 : tensor<1x1x3xf32>) outs(%e22 : tensor<1x1x3xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.constant 1.0e-05 : f32
      %t1 = arith.addf %in0, %t0 : f32
      linalg.yield %t1 : f32
    } -> tensor<1x1x3xf32> loc("ln1")
    %e23 = tensor.empty() : tensor<1x1x3xf32>
    %v23 = linalg.generic {indexing_maps = [#map2, #map2], iterator_types = ["parallel", "parallel", "parallel"]} ins(%v22 : tensor<1x1x3xf32>) outs(%e23 : tensor<1x1x3xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = math.rsqrt %in0 : f32
      linalg.yield %t0 : f32
    } -> tensor<1x1x3xf32> loc("ln1")
    %e24 = tensor.empty() : tensor<1x1x3x2xf32>
    %v24 = linalg.generic {indexing_maps = [#map0, #map1, #map0], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%v18, %v23 : tensor<1x1x3x2xf32>, tensor<1x1x3xf32>) outs(%e24 : tensor<1x1x3x2xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.mulf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<1x1x3x2xf32> loc("ln1")
    %e25 = tensor.empty() : tensor<1x1x3x2xf32>
    %v25 = linalg.generic {indexing_maps = [#map0, #map3, #map0], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%v24, %arg2 : tensor<1x1x3x2xf32>, tensor<2xf32>) outs(%e25 : tensor<1x1x3x2xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.mulf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<1x1x3x2xf32> loc("ln1")
    %e26 = tensor.empty() : tensor<1x1x3x2xf32>
    %v26 = linalg.generic {indexing_maps = [#map0, #map3, #map0], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%v25, %arg3 : tensor<1x1x3x2xf32>, tensor<2xf32>) outs(%e26 : tensor<1x1x3x2xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.addf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<1x1x3x2xf32> loc("ln1")
    %v27 = tensor.pad %v26 low[0, 1, 1, 0] high[0, 1, 0, 0] {
    ^bb0(%i0: index, %i1: index, %i2: index, %i3: index):
      tensor.yield %cst1 : f32
    } : tensor<1x1x3x2xf32> to tensor<1x3x4x2xf32> loc("max_pool0")
    %e27 = tensor.empty() : tensor<1x2x3x2xf32>
    %init28 = linalg.fill ins(%cst1 : f32) outs(%e27 : tensor<1x2x3x2xf32>) -> tensor<1x2x3x2xf32> loc("max_pool0")
    %e29 = tensor.empty() : tensor<2x2xf32>
    %v28 = linalg.pooling_nhwc_max {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%v27, %e29 : tensor<1x3x4x2xf32>, tensor<2x2xf32>) outs(%init28 : tensor<1x2x3x2xf32>) -> tensor<1x2x3x2xf32> loc("max_pool0")
    %v30 = tensor.collapse_shape %v28 [[0, 1, 2], [3]] : tensor<1x2x3x2xf32> into tensor<6x2xf32> loc("head")
    %e30 = tensor.empty() : tensor<6x2xf32>
    %init31 = linalg.fill ins(%cst0 : f32) outs(%e30 : tensor<6x2xf32>) -> tensor<6x2xf32> loc("head")
    %v31 = linalg.matmul ins(%v30, %arg4 : tensor<6x2xf32>, tensor<2x2xf32>) outs(%init31 : tensor<6x2xf32>) -> tensor<6x2xf32> loc("head")
    %e32 = tensor.empty() : tensor<6x2xf32>
    %v33 = linalg.generic {indexing_maps = [#map4, #map5, #map4], iterator_types = ["parallel", "parallel"]} ins(%v31, %arg5 : tensor<6x2xf32>, tensor<2xf32>) outs(%e32 : tensor<6x2xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.addf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<6x2xf32> loc("head")
    %v34 = tensor.expand_shape %v33 [[0, 1, 2], [3]] output_shape [1, 2, 3, 2] : tensor<6x2xf32> into tensor<1x2x3x2xf32> loc("head")
    %e33 = tensor.empty() : tensor<1x2x3x2xf32>
    %v36 = linalg.generic {indexing_maps = [#map0, #map0, #map0], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%v34, %arg7 : tensor<1x2x3x2xf32>, tensor<1x2x3x2xf32>) outs(%e33 : tensor<1x2x3x2xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.subf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<1x2x3x2xf32> loc("loss_mse")
    %e34 = tensor.empty() : tensor<1x2x3x2xf32>
    %v37 = linalg.generic {indexing_maps = [#map0, #map0], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%v36 : tensor<1x2x3x2xf32>) outs(%e34 : tensor<1x2x3x2xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.mulf %in0, %in0 : f32
      linalg.yield %t0 : f32
    } -> tensor<1x2x3x2xf32> loc("loss_mse")
    %e35 = tensor.empty() : tensor<f32>
    %init36 = linalg.fill ins(%cst0 : f32) outs(%e35 : tensor<f32>) -> tensor<f32> loc("loss_mse")
    %v38 = linalg.generic {indexing_maps = [#map0, #map6], iterator_types = ["reduction", "reduction", "reduction", "reduction"]} ins(%v37 : tensor<1x2x3x2xf32>) outs(%init36 : tensor<f32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.addf %in0, %out : f32
      linalg.yield %t0 : f32
    } -> tensor<f32> loc("loss_mse")
    %e37 = tensor.empty() : tensor<f32>
    %v39 = linalg.generic {indexing_maps = [#map7, #map7], iterator_types = []} ins(%v38 : tensor<f32>) outs(%e37 : tensor<f32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.constant 0.083333336 : f32
      %t1 = arith.mulf %in0, %t0 : f32
      linalg.yield %t1 : f32
    } -> tensor<f32> loc("loss_mse")
    %v40 = mpt.loss %v39 : tensor<f32> loc("loss")
    %v41 = mpt.grad_seed %v40 : tensor<f32> loc("loss")
    %e38 = tensor.empty() : tensor<f32>
    %v42 = linalg.generic {indexing_maps = [#map7, #map7], iterator_types = []} ins(%v41 : tensor<f32>) outs(%e38 : tensor<f32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.constant 0.083333336 : f32
      %t1 = arith.mulf %in0, %t0 : f32
      linalg.yield %t1 : f32
    } -> tensor<f32> loc("loss_mse.grad")
    %e39 = tensor.empty() : tensor<1x2x3x2xf32>
    %v43 = linalg.generic {indexing_maps = [#map6, #map0], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%v42 : tensor<f32>) outs(%e39 : tensor<1x2x3x2xf32>) {
    ^bb0(%in0: f32, %out: f32):
      linalg.yield %in0 : f32
    } -> tensor<1x2x3x2xf32> loc("loss_mse.grad")
    %e40 = tensor.empty() : tensor<1x2x3x2xf32>
    %v44 = linalg.generic {indexing_maps = [#map0, #map0, #map0], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%v43, %v36 : tensor<1x2x3x2xf32>, tensor<1x2x3x2xf32>) outs(%e40 : tensor<1x2x3x2xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.mulf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<1x2x3x2xf32> loc("loss_mse.grad")
    %e41 = tensor.empty() : tensor<1x2x3x2xf32>
    %v45 = linalg.generic {indexing_maps = [#map0, #map0], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%v44 : tensor<1x2x3x2xf32>) outs(%e41 : tensor<1x2x3x2xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.constant 2.0 : f32
      %t1 = arith.mulf %in0, %t0 : f32
      linalg.yield %t1 : f32
    } -> tensor<1x2x3x2xf32> loc("loss_mse.grad")
    %v46 = tensor.collapse_shape %v45 [[0, 1, 2], [3]] : tensor<1x2x3x2xf32> into tensor<6x2xf32> loc("head.grad")
    %e42 = tensor.empty() : tensor<2xf32>
    %init43 = linalg.fill ins(%cst0 : f32) outs(%e42 : tensor<2xf32>) -> tensor<2xf32> loc("head.grad")
    %v47 = linalg.generic {indexing_maps = [#map4, #map5], iterator_types = ["reduction", "parallel"]} ins(%v46 : tensor<6x2xf32>) outs(%init43 : tensor<2xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.addf %in0, %out : f32
      linalg.yield %t0 : f32
    } -> tensor<2xf32> loc("head.grad")
    %e44 = tensor.empty() : tensor<2x2xf32>
    %v48 = linalg.transpose ins(%arg4 : tensor<2x2xf32>) outs(%e44 : tensor<2x2xf32>) permutation = [1, 0] loc("head.grad")
    %e45 = tensor.empty() : tensor<6x2xf32>
    %init46 = linalg.fill ins(%cst0 : f32) outs(%e45 : tensor<6x2xf32>) -> tensor<6x2xf32> loc("head.grad")
    %v49 = linalg.matmul ins(%v46, %v48 : tensor<6x2xf32>, tensor<2x2xf32>) outs(%init46 : tensor<6x2xf32>) -> tensor<6x2xf32> loc("head.grad")
    %e47 = tensor.empty() : tensor<2x6xf32>
    %v50 = linalg.transpose ins(%v30 : tensor<6x2xf32>) outs(%e47 : tensor<2x6xf32>) permutation = [1, 0] loc("head.grad")
    %e48 = tensor.empty() : tensor<2x2xf32>
    %init49 = linalg.fill ins(%cst0 : f32) outs(%e48 : tensor<2x2xf32>) -> tensor<2x2xf32> loc("head.grad")
    %v51 = linalg.matmul ins(%v50, %v46 : tensor<2x6xf32>, tensor<6x2xf32>) outs(%init49 : tensor<2x2xf32>) -> tensor<2x2xf32> loc("head.grad")
    %v52 = tensor.expand_shape %v49 [[0, 1, 2], [3]] output_shape [1, 2, 3, 2] : tensor<6x2xf32> into tensor<1x2x3x2xf32> loc("head.grad")
    %e50 = tensor.empty() : tensor<1x2x3x2x2x2xf32>
    %v53 = linalg.generic {indexing_maps = [#map8, #map9, #map9, #map10], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "parallel"]} ins(%v27, %v28, %v52 : tensor<1x3x4x2xf32>, tensor<1x2x3x2xf32>, tensor<1x2x3x2xf32>) outs(%e50 : tensor<1x2x3x2x2x2xf32>) {
    ^bb0(%in0: f32, %in1: f32, %in2: f32, %out: f32):
      %t0 = arith.constant 0.0 : f32
      %t1 = arith.cmpf oeq, %in0, %in1 : f32
      %t2 = arith.select %t1, %in2, %t0 : f32
      linalg.yield %t2 : f32
    } -> tensor<1x2x3x2x2x2xf32> loc("max_pool0.grad")
    %v54 = tensor.pad %v53 low[0, 1, 1, 0, 0, 0] high[0, 1, 1, 0, 0, 0] {
    ^bb0(%i0: index, %i1: index, %i2: index, %i3: index, %i4: index, %i5: index):
      tensor.yield %cst0 : f32
    } : tensor<1x2x3x2x2x2xf32> to tensor<1x4x5x2x2x2xf32> loc("max_pool0.grad")
    %e51 = tensor.empty() : tensor<1x3x4x2xf32>
    %init52 = linalg.fill ins(%cst0 : f32) outs(%e51 : tensor<1x3x4x2xf32>) -> tensor<1x3x4x2xf32> loc("max_pool0.grad")
    %v55 = linalg.generic {indexing_maps = [#map11, #map12], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]} ins(%v54 : tensor<1x4x5x2x2x2xf32>) outs(%init52 : tensor<1x3x4x2xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.addf %out, %in0 : f32
      linalg.yield %t0 : f32
    } -> tensor<1x3x4x2xf32> loc("max_pool0.grad")
    %v56 = tensor.extract_slice %v55[0, 1, 1, 0] [1, 1, 3, 2] [1, 1, 1, 1] : tensor<1x3x4x2xf32> to tensor<1x1x3x2xf32> loc("max_pool0.grad")
    %e53 = tensor.empty() : tensor<2xf32>
    %init54 = linalg.fill ins(%cst0 : f32) outs(%e53 : tensor<2xf32>) -> tensor<2xf32> loc("ln1.grad")
    %v57 = linalg.generic {indexing_maps = [#map0, #map3], iterator_types = ["reduction", "reduction", "reduction", "parallel"]} ins(%v56 : tensor<1x1x3x2xf32>) outs(%init54 : tensor<2xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.addf %in0, %out : f32
      linalg.yield %t0 : f32
    } -> tensor<2xf32> loc("ln1.grad")
    %e55 = tensor.empty() : tensor<1x1x3x2xf32>
    %v58 = linalg.generic {indexing_maps = [#map0, #map3, #map0], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%v56, %arg2 : tensor<1x1x3x2xf32>, tensor<2xf32>) outs(%e55 : tensor<1x1x3x2xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.mulf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<1x1x3x2xf32> loc("ln1.grad")
    %e56 = tensor.empty() : tensor<1x1x3x2xf32>
    %v59 = linalg.generic {indexing_maps = [#map0, #map0, #map0], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%v56, %v24 : tensor<1x1x3x2xf32>, tensor<1x1x3x2xf32>) outs(%e56 : tensor<1x1x3x2xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.mulf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<1x1x3x2xf32> loc("ln1.grad")
    %e57 = tensor.empty() : tensor<2xf32>
    %init58 = linalg.fill ins(%cst0 : f32) outs(%e57 : tensor<2xf32>) -> tensor<2xf32> loc("ln1.grad")
    %v60 = linalg.generic {indexing_maps = [#map0, #map3], iterator_types = ["reduction", "reduction", "reduction", "parallel"]} ins(%v59 : tensor<1x1x3x2xf32>) outs(%init58 : tensor<2xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.addf %in0, %out : f32
      linalg.yield %t0 : f32
    } -> tensor<2xf32> loc("ln1.grad")
    %e59 = tensor.empty() : tensor<1x1x3x2xf32>
    %v61 = linalg.generic {indexing_maps = [#map0, #map1, #map0], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%v58, %v23 : tensor<1x1x3x2xf32>, tensor<1x1x3xf32>) outs(%e59 : tensor<1x1x3x2xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.mulf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<1x1x3x2xf32> loc("ln1.grad")
    %e60 = tensor.empty() : tensor<1x1x3x2xf32>
    %v62 = linalg.generic {indexing_maps = [#map0, #map0, #map0], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%v58, %v18 : tensor<1x1x3x2xf32>, tensor<1x1x3x2xf32>) outs(%e60 : tensor<1x1x3x2xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.mulf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<1x1x3x2xf32> loc("ln1.grad")
    %e61 = tensor.empty() : tensor<1x1x3xf32>
    %init62 = linalg.fill ins(%cst0 : f32) outs(%e61 : tensor<1x1x3xf32>) -> tensor<1x1x3xf32> loc("ln1.grad")
    %v63 = linalg.generic {indexing_maps = [#map0, #map1], iterator_types = ["parallel", "parallel", "parallel", "reduction"]} ins(%v62 : tensor<1x1x3x2xf32>) outs(%init62 : tensor<1x1x3xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.addf %in0, %out : f32
      linalg.yield %t0 : f32
    } -> tensor<1x1x3xf32> loc("ln1.grad")
    %e63 = tensor.empty() : tensor<1x1x3xf32>
    %v64 = linalg.generic {indexing_maps = [#map2, #map2, #map2], iterator_types = ["parallel", "parallel", "parallel"]} ins(%v23, %v63 : tensor<1x1x3xf32>, tensor<1x1x3xf32>) outs(%e63 : tensor<1x1x3xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.constant -0.5 : f32
      %t1 = arith.mulf %in1, %t0 : f32
      %t2 = arith.mulf %in0, %in0 : f32
      %t3 = arith.mulf %t2, %in0 : f32
      %t4 = arith.mulf %t1, %t3 : f32
      linalg.yield %t4 : f32
    } -> tensor<1x1x3xf32> loc("ln1.grad")
    %e64 = tensor.empty() : tensor<1x1x3xf32>
    %v65 = linalg.generic {indexing_maps = [#map2, #map2], iterator_types = ["parallel", "parallel", "parallel"]} ins(%v64 : tensor<1x1x3xf32>) outs(%e64 : tensor<1x1x3xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.constant 0.5 : f32
      %t1 = arith.mulf %in0, %t0 : f32
      linalg.yield %t1 : f32
    } -> tensor<1x1x3xf32> loc("ln1.grad")
    %e65 = tensor.empty() : tensor<1x1x3x2xf32>
    %v66 = linalg.generic {indexing_maps = [#map1, #map0], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%v65 : tensor<1x1x3xf32>) outs(%e65 : tensor<1x1x3x2xf32>) {
    ^bb0(%in0: f32, %out: f32):
      linalg.yield %in0 : f32
    } -> tensor<1x1x3x2xf32> loc("ln1.grad")
    %e66 = tensor.empty() : tensor<1x1x3x2xf32>
    %v67 = linalg.generic {indexing_maps = [#map0, #map0, #map0], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%v66, %v18 : tensor<1x1x3x2xf32>, tensor<1x1x3x2xf32>) outs(%e66 : tensor<1x1x3x2xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.mulf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<1x1x3x2xf32> loc("ln1.grad")
    %e67 = tensor.empty() : tensor<1x1x3x2xf32>
    %v68 = linalg.generic {indexing_maps = [#map0, #map0], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%v67 : tensor<1x1x3x2xf32>) outs(%e67 : tensor<1x1x3x2xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.constant 2.0 : f32
      %t1 = arith.mulf %in0, %t0 : f32
      linalg.yield %t1 : f32
    } -> tensor<1x1x3x2xf32> loc("ln1.grad")
    %e68 = tensor.empty() : tensor<1x1x3x2xf32>
    %v69 = linalg.generic {indexing_maps = [#map0, #map0, #map0], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%v61, %v68 : tensor<1x1x3x2xf32>, tensor<1x1x3x2xf32>) outs(%e68 : tensor<1x1x3x2xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.addf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<1x1x3x2xf32> loc("ln1.grad")
    %e69 = tensor.empty() : tensor<1x1x3x2xf32>
    %v70 = linalg.generic {indexing_maps = [#map0, #map0], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%v69 : tensor<1x1x3x2xf32>) outs(%e69 : tensor<1x1x3x2xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.negf %in0 : f32
      linalg.yield %t0 : f32
    } -> tensor<1x1x3x2xf32> loc("ln1.grad")
    %e70 = tensor.empty() : tensor<1x1x3xf32>
    %init71 = linalg.fill ins(%cst0 : f32) outs(%e70 : tensor<1x1x3xf32>) -> tensor<1x1x3xf32> loc("ln1.grad")
    %v71 = linalg.generic {indexing_maps = [#map0, #map1], iterator_types = ["parallel", "parallel", "parallel", "reduction"]} ins(%v70 : tensor<1x1x3x2xf32>) outs(%init71 : tensor<1x1x3xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.addf %in0, %out : f32
      linalg.yield %t0 : f32
    } -> tensor<1x1x3xf32> loc("ln1.grad")
    %e72 = tensor.empty() : tensor<1x1x3xf32>
    %v72 = linalg.generic {indexing_maps = [#map2, #map2], iterator_types = ["parallel", "parallel", "parallel"]} ins(%v71 : tensor<1x1x3xf32>) outs(%e72 : tensor<1x1x3xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.constant 0.5 : f32
      %t1 = arith.mulf %in0, %t0 : f32
      linalg.yield %t1 : f32
    } -> tensor<1x1x3xf32> loc("ln1.grad")
    %e73 = tensor.empty() : tensor<1x1x3x2xf32>
    %v73 = linalg.generic {indexing_maps = [#map1, #map0], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%v72 : tensor<1x1x3xf32>) outs(%e73 : tensor<1x1x3x2xf32>) {
    ^bb0(%in0: f32, %out: f32):
      linalg.yield %in0 : f32
    } -> tensor<1x1x3x2xf32> loc("ln1.grad")
    %e74 = tensor.empty() : tensor<1x1x3x2xf32>
    %v74 = linalg.generic {indexing_maps = [#map0, #map0, #map0], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%v69, %v73 : tensor<1x1x3x2xf32>, tensor<1x1x3x2xf32>) outs(%e74 : tensor<1x1x3x2xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.addf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<1x1x3x2xf32> loc("ln0.grad")
    %e75 = tensor.empty() : tensor<2xf32>
    %init76 = linalg.fill ins(%cst0 : f32) outs(%e75 : tensor<2xf32>) -> tensor<2xf32> loc("ln0.grad")
    %v75 = linalg.generic {indexing_maps = [#map0, #map3], iterator_types = ["reduction", "reduction", "reduction", "parallel"]} ins(%v74 : tensor<1x1x3x2xf32>) outs(%init76 : tensor<2xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.addf %in0, %out : f32
      linalg.yield %t0 : f32
    } -> tensor<2xf32> loc("ln0.grad")
    %e77 = tensor.empty() : tensor<1x1x3x2xf32>
    %v76 = linalg.generic {indexing_maps = [#map0, #map0, #map0], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%v74, %v11 : tensor<1x1x3x2xf32>, tensor<1x1x3x2xf32>) outs(%e77 : tensor<1x1x3x2xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.mulf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<1x1x3x2xf32> loc("ln0.grad")
    %e78 = tensor.empty() : tensor<2xf32>
    %init79 = linalg.fill ins(%cst0 : f32) outs(%e78 : tensor<2xf32>) -> tensor<2xf32> loc("ln0.grad")
    %v77 = linalg.generic {indexing_maps = [#map0, #map3], iterator_types = ["reduction", "reduction", "reduction", "parallel"]} ins(%v76 : tensor<1x1x3x2xf32>) outs(%init79 : tensor<2xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.addf %in0, %out : f32
      linalg.yield %t0 : f32
    } -> tensor<2xf32> loc("ln0.grad")
    %new0 = mpt.sgd %arg0, %v77 {lr = 0.021 : f32} : tensor<2xf32> loc("ln0.weight")
    %new1 = mpt.sgd %arg1, %v75 {lr = 0.021 : f32} : tensor<2xf32> loc("ln0.bias")
    %new2 = mpt.sgd %arg2, %v60 {lr = 0.021 : f32} : tensor<2xf32> loc("ln1.weight")
    %new3 = mpt.sgd %arg3, %v57 {lr = 0.021 : f32} : tensor<2xf32> loc("ln1.bias")
    %new4 = mpt.sgd %arg4, %v51 {lr = 0.021 : f32} : tensor<2x2xf32> loc("head.weight")
    %new5 = mpt.sgd %arg5, %v47 {lr = 0.021 : f32} : tensor<2xf32> loc("head.bias")
    return %new0, %new1, %new2, %new3, %new4, %new5, %v40 : tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2x2xf32>, tensor<2xf32>, tensor<f32>
  }
  func.func @eval_step(%arg0: tensor<2xf32> {mpt.role = #mpt.role<param>, mpt.name = "ln0.weight", mpt.init = #mpt.init<dist = constant, value = 1.0>}, %arg1: tensor<2xf32> {mpt.role = #mpt.role<param>, mpt.name = "ln0.bias", mpt.init = #mpt.init<dist = zeros>}, %arg2: tensor<2xf32> {mpt.role = #mpt.role<param>, mpt.name = "ln1.weight", mpt.init = #mpt.init<dist = constant, value = 1.0>}, %arg3: tensor<2xf32> {mpt.role = #mpt.role<param>, mpt.name = "ln1.bias", mpt.init = #mpt.init<dist = zeros>}, %arg4: tensor<2x2xf32> {mpt.role = #mpt.role<param>, mpt.name = "head.weight", mpt.init = #mpt.init<dist = uniform, low = -1.224744871391589, high = 1.224744871391589, seed = 743886231262367019>}, %arg5: tensor<2xf32> {mpt.role = #mpt.role<param>, mpt.name = "head.bias", mpt.init = #mpt.init<dist = zeros>}, %arg6: tensor<1x1x3x2xf32> {mpt.role = #mpt.role<input>, mpt.name = "x"}, %arg7: tensor<1x2x3x2xf32> {mpt.role = #mpt.role<input>, mpt.name = "y"}) -> (tensor<f32> {mpt.role = #mpt.role<loss>}, tensor<1x2x3x2xf32> {mpt.role = #mpt.role<output>, mpt.name = "logits"}) {
    %cst0 = arith.constant 0.0 : f32
    %cst1 = arith.constant 0xFF800000 : f32
    %e1 = tensor.empty() : tensor<1x1x3xf32>
    %init2 = linalg.fill ins(%cst0 : f32) outs(%e1 : tensor<1x1x3xf32>) -> tensor<1x1x3xf32> loc("ln0")
    %v3 = linalg.generic {indexing_maps = [#map0, #map1], iterator_types = ["parallel", "parallel", "parallel", "reduction"]} ins(%arg6 : tensor<1x1x3x2xf32>) outs(%init2 : tensor<1x1x3xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.addf %in0, %out : f32
      linalg.yield %t0 : f32
    } -> tensor<1x1x3xf32> loc("ln0")
    %e3 = tensor.empty() : tensor<1x1x3xf32>
    %v4 = linalg.generic {indexing_maps = [#map2, #map2], iterator_types = ["parallel", "parallel", "parallel"]} ins(%v3 : tensor<1x1x3xf32>) outs(%e3 : tensor<1x1x3xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.constant 0.5 : f32
      %t1 = arith.mulf %in0, %t0 : f32
      linalg.yield %t1 : f32
    } -> tensor<1x1x3xf32> loc("ln0")
    %e4 = tensor.empty() : tensor<1x1x3x2xf32>
    %v5 = linalg.generic {indexing_maps = [#map0, #map1, #map0], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%arg6, %v4 : tensor<1x1x3x2xf32>, tensor<1x1x3xf32>) outs(%e4 : tensor<1x1x3x2xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.subf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<1x1x3x2xf32> loc("ln0")
    %e5 = tensor.empty() : tensor<1x1x3x2xf32>
    %v6 = linalg.generic {indexing_maps = [#map0, #map0], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%v5 : tensor<1x1x3x2xf32>) outs(%e5 : tensor<1x1x3x2xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.mulf %in0, %in0 : f32
      linalg.yield %t0 : f32
    } -> tensor<1x1x3x2xf32> loc("ln0")
    %e6 = tensor.empty() : tensor<1x1x3xf32>
    %init7 = linalg.fill ins(%cst0 : f32) outs(%e6 : tensor<1x1x3xf32>) -> tensor<1x1x3xf32> loc("ln0")
    %v7 = linalg.generic {indexing_maps = [#map0, #map1], iterator_types = ["parallel", "parallel", "parallel", "reduction"]} ins(%v6 : tensor<1x1x3x2xf32>) outs(%init7 : tensor<1x1x3xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.addf %in0, %out : f32
      linalg.yield %t0 : f32
    } -> tensor<1x1x3xf32> loc("ln0")
    %e8 = tensor.empty() : tensor<1x1x3xf32>
    %v8 = linalg.generic {indexing_maps = [#map2, #map2], iterator_types = ["parallel", "parallel", "parallel"]} ins(%v7 : tensor<1x1x3xf32>) outs(%e8 : tensor<1x1x3xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.constant 0.5 : f32
      %t1 = arith.mulf %in0, %t0 : f32
      linalg.yield %t1 : f32
    } -> tensor<1x1x3xf32> loc("ln0")
    %e9 = tensor.empty() : tensor<1x1x3xf32>
    %v9 = linalg.generic {indexing_maps = [#map2, #map2], iterator_types = ["parallel", "parallel", "parallel"]} ins(%v8 : tensor<1x1x3xf32>) outs(%e9 : tensor<1x1x3xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.constant 1.0e-05 : f32
      %t1 = arith.addf %in0, %t0 : f32
      linalg.yield %t1 : f32
    } -> tensor<1x1x3xf32> loc("ln0")
    %e10 = tensor.empty() : tensor<1x1x3xf32>
    %v10 = linalg.generic {indexing_maps = [#map2, #map2], iterator_types = ["parallel", "parallel", "parallel"]} ins(%v9 : tensor<1x1x3xf32>) outs(%e10 : tensor<1x1x3xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = math.rsqrt %in0 : f32
      linalg.yield %t0 : f32
    } -> tensor<1x1x3xf32> loc("ln0")
    %e11 = tensor.empty() : tensor<1x1x3x2xf32>
    %v11 = linalg.generic {indexing_maps = [#map0, #map1, #map0], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%v5, %v10 : tensor<1x1x3x2xf32>, tensor<1x1x3xf32>) outs(%e11 : tensor<1x1x3x2xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.mulf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<1x1x3x2xf32> loc("ln0")
    %e12 = tensor.empty() : tensor<1x1x3x2xf32>
    %v12 = linalg.generic {indexing_maps = [#map0, #map3, #map0], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%v11, %arg0 : tensor<1x1x3x2xf32>, tensor<2xf32>) outs(%e12 : tensor<1x1x3x2xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.mulf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<1x1x3x2xf32> loc("ln0")
    %e13 = tensor.empty() : tensor<1x1x3x2xf32>
    %v13 = linalg.generic {indexing_maps = [#map0, #map3, #map0], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%v12, %arg1 : tensor<1x1x3x2xf32>, tensor<2xf32>) outs(%e13 : tensor<1x1x3x2xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.addf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<1x1x3x2xf32> loc("ln0")
    %e14 = tensor.empty() : tensor<1x1x3xf32>
    %init15 = linalg.fill ins(%cst0 : f32) outs(%e14 : tensor<1x1x3xf32>) -> tensor<1x1x3xf32> loc("ln1")
    %v16 = linalg.generic {indexing_maps = [#map0, #map1], iterator_types = ["parallel", "parallel", "parallel", "reduction"]} ins(%v13 : tensor<1x1x3x2xf32>) outs(%init15 : tensor<1x1x3xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.addf %in0, %out : f32
      linalg.yield %t0 : f32
    } -> tensor<1x1x3xf32> loc("ln1")
    %e16 = tensor.empty() : tensor<1x1x3xf32>
    %v17 = linalg.generic {indexing_maps = [#map2, #map2], iterator_types = ["parallel", "parallel", "parallel"]} ins(%v16 : tensor<1x1x3xf32>) outs(%e16 : tensor<1x1x3xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.constant 0.5 : f32
      %t1 = arith.mulf %in0, %t0 : f32
      linalg.yield %t1 : f32
    } -> tensor<1x1x3xf32> loc("ln1")
    %e17 = tensor.empty() : tensor<1x1x3x2xf32>
    %v18 = linalg.generic {indexing_maps = [#map0, #map1, #map0], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%v13, %v17 : tensor<1x1x3x2xf32>, tensor<1x1x3xf32>) outs(%e17 : tensor<1x1x3x2xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.subf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<1x1x3x2xf32> loc("ln1")
    %e18 = tensor.empty() : tensor<1x1x3x2xf32>
    %v19 = linalg.generic {indexing_maps = [#map0, #map0], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%v18 : tensor<1x1x3x2xf32>) outs(%e18 : tensor<1x1x3x2xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.mulf %in0, %in0 : f32
      linalg.yield %t0 : f32
    } -> tensor<1x1x3x2xf32> loc("ln1")
    %e19 = tensor.empty() : tensor<1x1x3xf32>
    %init20 = linalg.fill ins(%cst0 : f32) outs(%e19 : tensor<1x1x3xf32>) -> tensor<1x1x3xf32> loc("ln1")
    %v20 = linalg.generic {indexing_maps = [#map0, #map1], iterator_types = ["parallel", "parallel", "parallel", "reduction"]} ins(%v19 : tensor<1x1x3x2xf32>) outs(%init20 : tensor<1x1x3xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.addf %in0, %out : f32
      linalg.yield %t0 : f32
    } -> tensor<1x1x3xf32> loc("ln1")
    %e21 = tensor.empty() : tensor<1x1x3xf32>
    %v21 = linalg.generic {indexing_maps = [#map2, #map2], iterator_types = ["parallel", "parallel", "parallel"]} ins(%v20 : tensor<1x1x3xf32>) outs(%e21 : tensor<1x1x3xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.constant 0.5 : f32
      %t1 = arith.mulf %in0, %t0 : f32
      linalg.yield %t1 : f32
    } -> tensor<1x1x3xf32> loc("ln1")
    %e22 = tensor.empty() : tensor<1x1x3xf32>
    %v22 = linalg.generic {indexing_maps = [#map2, #map2], iterator_types = ["parallel", "parallel", "parallel"]} ins(%v21 : tensor<1x1x3xf32>) outs(%e22 : tensor<1x1x3xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.constant 1.0e-05 : f32
      %t1 = arith.addf %in0, %t0 : f32
      linalg.yield %t1 : f32
    } -> tensor<1x1x3xf32> loc("ln1")
    %e23 = tensor.empty() : tensor<1x1x3xf32>
    %v23 = linalg.generic {indexing_maps = [#map2, #map2], iterator_types = ["parallel", "parallel", "parallel"]} ins(%v22 : tensor<1x1x3xf32>) outs(%e23 : tensor<1x1x3xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = math.rsqrt %in0 : f32
      linalg.yield %t0 : f32
    } -> tensor<1x1x3xf32> loc("ln1")
    %e24 = tensor.empty() : tensor<1x1x3x2xf32>
    %v24 = linalg.generic {indexing_maps = [#map0, #map1, #map0], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%v18, %v23 : tensor<1x1x3x2xf32>, tensor<1x1x3xf32>) outs(%e24 : tensor<1x1x3x2xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.mulf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<1x1x3x2xf32> loc("ln1")
    %e25 = tensor.empty() : tensor<1x1x3x2xf32>
    %v25 = linalg.generic {indexing_maps = [#map0, #map3, #map0], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%v24, %arg2 : tensor<1x1x3x2xf32>, tensor<2xf32>) outs(%e25 : tensor<1x1x3x2xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.mulf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<1x1x3x2xf32> loc("ln1")
    %e26 = tensor.empty() : tensor<1x1x3x2xf32>
    %v26 = linalg.generic {indexing_maps = [#map0, #map3, #map0], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%v25, %arg3 : tensor<1x1x3x2xf32>, tensor<2xf32>) outs(%e26 : tensor<1x1x3x2xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.addf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<1x1x3x2xf32> loc("ln1")
    %v27 = tensor.pad %v26 low[0, 1, 1, 0] high[0, 1, 0, 0] {
    ^bb0(%i0: index, %i1: index, %i2: index, %i3: index):
      tensor.yield %cst1 : f32
    } : tensor<1x1x3x2xf32> to tensor<1x3x4x2xf32> loc("max_pool0")
    %e27 = tensor.empty() : tensor<1x2x3x2xf32>
    %init28 = linalg.fill ins(%cst1 : f32) outs(%e27 : tensor<1x2x3x2xf32>) -> tensor<1x2x3x2xf32> loc("max_pool0")
    %e29 = tensor.empty() : tensor<2x2xf32>
    %v28 = linalg.pooling_nhwc_max {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%v27, %e29 : tensor<1x3x4x2xf32>, tensor<2x2xf32>) outs(%init28 : tensor<1x2x3x2xf32>) -> tensor<1x2x3x2xf32> loc("max_pool0")
    %v30 = tensor.collapse_shape %v28 [[0, 1, 2], [3]] : tensor<1x2x3x2xf32> into tensor<6x2xf32> loc("head")
    %e30 = tensor.empty() : tensor<6x2xf32>
    %init31 = linalg.fill ins(%cst0 : f32) outs(%e30 : tensor<6x2xf32>) -> tensor<6x2xf32> loc("head")
    %v31 = linalg.matmul ins(%v30, %arg4 : tensor<6x2xf32>, tensor<2x2xf32>) outs(%init31 : tensor<6x2xf32>) -> tensor<6x2xf32> loc("head")
    %e32 = tensor.empty() : tensor<6x2xf32>
    %v33 = linalg.generic {indexing_maps = [#map4, #map5, #map4], iterator_types = ["parallel", "parallel"]} ins(%v31, %arg5 : tensor<6x2xf32>, tensor<2xf32>) outs(%e32 : tensor<6x2xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.addf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<6x2xf32> loc("head")
    %v34 = tensor.expand_shape %v33 [[0, 1, 2], [3]] output_shape [1, 2, 3, 2] : tensor<6x2xf32> into tensor<1x2x3x2xf32> loc("head")
    %e33 = tensor.empty() : tensor<1x2x3x2xf32>
    %v36 = linalg.generic {indexing_maps = [#map0, #map0, #map0], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%v34, %arg7 : tensor<1x2x3x2xf32>, tensor<1x2x3x2xf32>) outs(%e33 : tensor<1x2x3x2xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.subf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<1x2x3x2xf32> loc("loss_mse")
    %e34 = tensor.empty() : tensor<1x2x3x2xf32>
    %v37 = linalg.generic {indexing_maps = [#map0, #map0], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%v36 : tensor<1x2x3x2xf32>) outs(%e34 : tensor<1x2x3x2xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.mulf %in0, %in0 : f32
      linalg.yield %t0 : f32
    } -> tensor<1x2x3x2xf32> loc("loss_mse")
    %e35 = tensor.empty() : tensor<f32>
    %init36 = linalg.fill ins(%cst0 : f32) outs(%e35 : tensor<f32>) -> tensor<f32> loc("loss_mse")
    %v38 = linalg.generic {indexing_maps = [#map0, #map6], iterator_types = ["reduction", "reduction", "reduction", "reduction"]} ins(%v37 : tensor<1x2x3x2xf32>) outs(%init36 : tensor<f32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.addf %in0, %out : f32
      linalg.yield %t0 : f32
    } -> tensor<f32> loc("loss_mse")
    %e37 = tensor.empty() : tensor<f32>
    %v39 = linalg.generic {indexing_maps = [#map7, #map7], iterator_types = []} ins(%v38 : tensor<f32>) outs(%e37 : tensor<f32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.constant 0.083333336 : f32
      %t1 = arith.mulf %in0, %t0 : f32
      linalg.yield %t1 : f32
    } -> tensor<f32> loc("loss_mse")
    return %v39, %v34 : tensor<f32>, tensor<1x2x3x2xf32>
  }
}
