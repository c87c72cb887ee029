// mpt frontend: model 'random', optimizer sgd, batch 5
#map0 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#map1 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>
#map2 = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
#map3 = affine_map<(d0, d1, d2, d3) -> (d3)>
#map4 = affine_map<(d0, d1) -> (d0, d1)>
#map5 = affine_map<(d0, d1) -> (d1)>
#map6 = affine_map<(d0, d1, d2, d3) -> ()>
#map7 = affine_map<() -> ()>
#map8 = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1 + d3, d2 * 2 + d4, d5)>
#map9 = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d5)>
#map10 = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d3, d4, d5)>
#map11 = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1 - d4, d2 - d5 + 1, d4, d5, d3)>
#map12 = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d3)>
module {
  func.func @train_step(%arg0: tensor<2xf32> {mpt.role = #mpt.role<param>, mpt.name = "ln0.weight", mpt.init = #mpt.init<dist = constant, value = 1.0>}, %arg1: tensor<2xf32> {mpt.role = #mpt.role<param>, mpt.name = "ln0.bias", mpt.init = #mpt.init<dist = zeros>}, %arg2: tensor<2xf32> {mpt.role = #mpt.role<param>, mpt.name = "ln1.weight", mpt.init = #mpt.init<dist = constant, value = 1.0>}, %arg3: tensor<2xf32> {mpt.role = #mpt.role<param>, mpt.name = "ln1.bias", mpt.init = #mpt.init<dist = zeros>}, %arg4: tensor<2x2xf32> {mpt.role = #mpt.role<param>, mpt.name = "head.weight", mpt.init = #mpt.init<dist = uniform, low = -1.224744871391589, high = 1.224744871391589, seed = 1919817224903348783>}, %arg5: tensor<2xf32> {mpt.role = #mpt.role<param>, mpt.name = "head.bias", mpt.init = #mpt.init<dist = zeros>}, %arg6: tensor<5x1x2x2xf32> {mpt.role = #mpt.role<input>, mpt.name = "x"}, %arg7: tensor<5x1x1xi32> {mpt.role = #mpt.role<input>, mpt.name = "y"}) -> (tensor<2xf32> {mpt.role = #mpt.role<param>, mpt.updates = "ln0.weight"}, tensor<2xf32> {mpt.role = #mpt.role<param>, mpt.updates = "ln0.bias"}, tensor<2xf32> {mpt.role = #mpt.role<param>, mpt.updates = "ln1.weight"}, tensor<2xf32> {mpt.role = #mpt.role<param>, mpt.updates = "ln1.bias"}, tensor<2x2xf32> {mpt.role = #mpt.role<param>, mpt.updates = "head.weight"}, tensor<2xf32> {mpt.role = #mpt.role<param>, mpt.updates = "head.bias"}, tensor<f32> {mpt.role = #mpt.role<loss>}) {
    %cst0 = arith.constant 0.0 : f32
    %cst1 = arith.constant 0xFF800000 : f32
    %e1 = tensor.empty() : tensor<5x1x2xf32>
    %init2 = linalg.fill ins(%cst0 : f32) outs(%e1 : tensor<5x1x2xf32>) -> tensor<5x1x2xf32> loc("ln0")
    %v3 = linalg.generic {indexing_maps = [#map0, #map1], iterator_types = ["parallel", "parallel", "parallel", "reduction"]} ins(%arg6 : tensor<5x1x2x2xf32>) outs(%init2 : tensor<5x1x2xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.addf %in0, %out : f32
      linalg.yield %t0 : f32
    } -> tensor<5x1x2xf32> loc("ln0")
    %e3 = tensor.empty() : tensor<5x1x2xf32>
    %v4 = linalg.generic {indexing_maps = [#map2, #map2], iterator_types = ["parallel", "parallel", "parallel"]} ins(%v3 : tensor<5x1x2xf32>) outs(%e3 : tensor<5x1x2xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.constant 0.5 : f32
      %t1 = arith.mulf %in0, %t0 : f32
      linalg.yield %t1 : f32
    } -> tensor<5x1x2xf32> loc("ln0")
    %e4 = tensor.empty() : tensor<5x1x2x2xf32>
    %v5 = linalg.generic {indexing_maps = [#map0, #map1, #map0], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%arg6, %v4 : tensor<5x1x2x2xf32>, tensor<5x1x2xf32>) outs(%e4 : tensor<5x1x2x2xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.subf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<5x1x2x2xf32> loc("ln0")
    %e5 = tensor.empty() : tensor<5x1x2x2xf32>
    %v6 = linalg.generic {indexing_maps = [#map0, #map0], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%v5 : tensor<5x1x2x2xf32>) outs(%e5 : tensor<5x1x2x2xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.mulf %in0, %in0 : f32
      linalg.yield %t0 : f32
    } -> tensor<5x1x2x2xf32> loc("ln0")
    %e6 = tensor.empty() : tensor<5x1x2xf32>
    %init7 = linalg.fill ins(%cst0 : f32) outs(%e6 : tensor<5x1x2xf32>) -> tensor<5x1x2xf32> loc("ln0")
    %v7 = linalg.generic {indexing_maps = [#map0, #map1], iterator_types = ["parallel", "parallel", "parallel", "reduction"]} ins(%v6 : tensor<5x1x2x2xf32>) outs(%init7 : tensor<5x1x2xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.addf %in0, %out : f32
      linalg.yield %t0 : f32
    } -> tensor<5x1x2xf32> loc("ln0")
    %e8 = tensor.empty() : tensor<5x1x2xf32>
    %v8 = linalg.generic {indexing_maps = [#map2, #map2], iterator_types = ["parallel", "parallel", "parallel"]} ins(%v7 : tensor<5x1x2xf32>) outs(%e8 : tensor<5x1x2xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.constant 0.5 : f32
      %t1 = arith.mulf %in0, %t0 : f32
      linalg.yield %t1 : f32
    } -> tensor<5x1x2xf32> loc("ln0")
    %e9 = tensor.empty() : tensor<5x1x2xf32>
    %v9 = linalg.generic {indexing_maps = [#map2, #map2], iterator_types = ["parallel", "parallel", "parallel"]} ins(%v8 : tensor<5x1x2xf32>) outs(%e9 : tensor<5x1x2xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.constant 1.0e-05 : f32
      %t1 = arith.addf %in0, %t0 : f32
      linalg.yield %t1 : f32
    } -> tensor<5x1x2xf32> loc("ln0")
    %e10 = tensor.empty() : tensor<5x1x2xf32>
    %v10 = linalg.generic {indexing_maps = [#map2, #map2], iterator_types = ["parallel", "parallel", "parallel"]} ins(%v9 : tensor<5x1x2xf32>) outs(%e10 : tensor<5x1x2xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = math.rsqrt %in0 : f32
      linalg.yield %t0 : f32
    } -> tensor<5x1x2xf32> loc("ln0")
    %e11 = tensor.empty() : tensor<5x1x2x2xf32>
    %v11 = linalg.generic {indexing_maps = [#map0, #map1, #map0], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%v5, %v10 : tensor<5x1x2x2xf32>, tensor<5x1x2xf32>) outs(%e11 : tensor<5x1x2x2xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.mulf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<5x1x2x2xf32> loc("ln0")
    %e12 = tensor.empty() : tensor<5x1x2x2xf32>
    %v12 = linalg.generic {indexing_maps = [#map0, #map3, #map0], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%v11, %arg0 : tensor<5x1x2x2xf32>, tensor<2xf32>) outs(%e12 : tensor<5x1x2x2xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.mulf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<5x1x2x2xf32> loc("ln0")
    %e13 = tensor.empty() : tensor<5x1x2x2xf32>
    %v13 = linalg.generic {indexing_maps = [#map0, #map3, #map0], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%v12, %arg1 : tensor<5x1x2x2xf32>, tensor<2xf32>) outs(%e13 : tensor<5x1x2x2xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.addf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<5x1x2x2xf32> loc("ln0")
    %e14 = tensor.empty() : tensor<5x1x2xf32>
    %init15 = linalg.fill ins(%cst0 : f32) outs(%e14 : tensor<5x1x2xf32>) -> tensor<5x1x2xf32> loc("ln1")
    %v16 = linalg.generic {indexing_maps = [#map0, #map1], iterator_types = ["parallel", "parallel", "parallel", "reduction"]} ins(%v13 : tensor<5x1x2x2xf32>) outs(%init15 : tensor<5x1x2xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.addf %in0, %out : f32
      linalg.yield %t0 : f32
    } -> tensor<5x1x2xf32> loc("ln1")
    %e16 = tensor.empty() : tensor<5x1x2xf32>
    %v17 = linalg.generic {indexing_maps = [#map2, #map2], iterator_types = ["parallel", "parallel", "parallel"]} ins(%v16 : tensor<5x1x2xf32>) outs(%e16 : tensor<5x1x2xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.constant 0.5 : f32
      %t1 = arith.mulf %in0, %t0 : f32
      linalg.yield %t1 : f32
    } -> tensor<5x1x2xf32> loc("ln1")
    %e17 = tensor.empty() : tensor<5x1x2x2xf32>
    %v18 = linalg.generic {indexing_maps = [#map0, #map1, #map0], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%v13, %v17 : tensor<5x1x2x2xf32>, tensor<5x1x2xf32>) outs(%e17 : tensor<5x1x2x2xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.subf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<5x1x2x2xf32> loc("ln1")
    %e18 = tensor.empty() : tensor<5x1x2x2xf32>
    %v19 = linalg.generic {indexing_maps = [#map0, #map0], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%v18 : tensor<5x1x2x2xf32>) outs(%e18 : tensor<5x1x2x2xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.mulf %in0, %in0 : f32
      linalg.yield %t0 : f32
    } -> tensor<5x1x2x2xf32> loc("ln1")
    %e19 = tensor.empty() : tensor<5x1x2xf32>
    %init20 = linalg.fill ins(%cst0 : f32) outs(%e19 : tensor<5x1x2xf32>) -> tensor<5x1x2xf32> loc("ln1")
    %v20 = linalg.generic {indexing_maps = [#map0, #map1], iterator_types = ["parallel", "parallel", "parallel", "reduction"]} ins(%v19 : tensor<5x1x2x2xf32>) outs(%init20 : tensor<5x1x2xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.addf %in0, %out : f32
      linalg.yield %t0 : f32
    } -> tensor<5x1x2xf32> loc("ln1")
    %e21 = tensor.empty() : tensor<5x1x2xf32>
    %v21 = linalg.generic {indexing_maps = [#map2, #map2], iterator_types = ["parallel", "parallel", "parallel"]} ins(%v20 : tensor<5x1x2xf32>) outs(%e21 : tensor<5x1x2xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.constant 0.5 : f32
      %t1 = arith.mulf %in0, %t0 : f32
      linalg.yield %t1 : f32
    } -> tensor<5x1x2xf32> loc("ln1")
    %e22 = tensor.empty() : tensor<5x1x2xf32>
    %v22 = linalg.generic {indexing_maps = [#map2, #map2], iterator_types = ["parallel", "parallel", "parallel"]} ins(%v21 : tensor<5x1x2xf32>) outs(%e22 : tensor<5x1x2xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.constant 1.0e-05 : f32
      %t1 = arith.addf %in0, %t0 : f32
      linalg.yield %t1 : f32
    } -> tensor<5x1x2xf32> loc("ln1")
    %e23 = tensor.empty() : tensor<5x1x2xf32>
    %v23 = linalg.generic {indexing_maps = [#map2, #map2], iterator_types = ["parallel", "parallel", "parallel"]} ins(%v22 : tensor<5x1x2xf32>) outs(%e23 : tensor<5x1x2xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = math.rsqrt %in0 : f32
      linalg.yield %t0 : f32
    } -> tensor<5x1x2xf32> loc("ln1")
    %e24 = tensor.empty() : tensor<5x1x2x2xf32>
    %v24 = linalg.generic {indexing_maps = [#map0, #map1, #map0], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%v18, %v23 : tensor<5x1x2x2xf32>, tensor<5x1x2xf32>) outs(%e24 : tensor<5x1x2x2xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.mulf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<5x1x2x2xf32> loc("ln1")
    %e25 = tensor.empty() : tensor<5x1x2x2xf32>
    %v25 = linalg.generic {indexing_maps = [#map0, #map3, #map0], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%v24, %arg2 : tensor<5x1x2x2xf32>, tensor<2xf32>) outs(%e25 : tensor<5x1x2x2xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.mulf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<5x1x2x2xf32> loc("ln1")
    %e26 = tensor.empty() : tensor<5x1x2x2xf32>
    %v26 = linalg.generic {indexing_maps = [#map0, #map3, #map0], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%v25, %arg3 : tensor<5x1x2x2xf32>, tensor<2xf32>) outs(%e26 : tensor<5x1x2x2xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.addf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<5x1x2x2xf32> loc("ln1")
    %e27 = tensor.empty() : tensor<5x1x1x2xf32>
    %init28 = linalg.fill ins(%cst1 : f32) outs(%e27 : tensor<5x1x1x2xf32>) -> tensor<5x1x1x2xf32> loc("max_pool0")
    %e29 = tensor.empty() : tensor<1x2xf32>
    %v27 = linalg.pooling_nhwc_max {dilations = dense<1> : tensor<2xi64>, strides = dense<[1, 2]> : tensor<2xi64>} ins(%v26, %e29 : tensor<5x1x2x2xf32>, tensor<1x2xf32>) outs(%init28 : tensor<5x1x1x2xf32>) -> tensor<5x1x1x2xf32> loc("max_pool0")
    %v29 = tensor.collapse_shape %v27 [[0], [1, 2, 3]] : tensor<5x1x1x2xf32> into tensor<5x2xf32> loc("head")
    %e30 = tensor.empty() : tensor<5x2xf32>
    %init31 = linalg.fill ins(%cst0 : f32) outs(%e30 : tensor<5x2xf32>) -> tensor<5x2xf32> loc("head")
    %v30 = linalg.matmul ins(%v29, %arg4 : tensor<5x2xf32>, tensor<2x2xf32>) outs(%init31 : tensor<5x2xf32>) -> tensor<5x2xf32> loc("head")
    %e32 = tensor.empty() : tensor<5x2xf32>
    %v32 = linalg.generic {indexing_maps = [#map4, #map5, #map4], iterator_types = ["parallel", "parallel"]} ins(%v30, %arg5 : tensor<5x2xf32>, tensor<2xf32>) outs(%e32 : tensor<5x2xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.addf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<5x2xf32> loc("head")
    %v33 = tensor.expand_shape %v32 [[0], [1, 2, 3]] output_shape [5, 1, 1, 2] : tensor<5x2xf32> into tensor<5x1x1x2xf32> loc("head")
    %e33 = tensor.empty() : tensor<5x1x1x2xf32>
    %v35 = linalg.generic {indexing_maps = [#map1, #map0], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%arg7 : tensor<5x1x1xi32>) outs(%e33 : tensor<5x1x1x2xf32>) {
    ^bb0(%in0: i32, %out: f32):
      %t0 = linalg.index 3 : index
      %t1 = arith.index_cast %in0 : i32 to index
      %t2 = arith.cmpi eq, %t0, %t1 : index
      %t3 = arith.constant 1.0 : f32
      %t4 = arith.constant 0.0 : f32
      %t5 = arith.select %t2, %t3, %t4 : f32
      linalg.yield %t5 : f32
    } -> tensor<5x1x1x2xf32> loc("loss_xent")
    %e34 = tensor.empty() : tensor<5x1x1xf32>
    %init35 = linalg.fill ins(%cst1 : f32) outs(%e34 : tensor<5x1x1xf32>) -> tensor<5x1x1xf32> loc("loss_xent")
    %v36 = linalg.generic {indexing_maps = [#map0, #map1], iterator_types = ["parallel", "parallel", "parallel", "reduction"]} ins(%v33 : tensor<5x1x1x2xf32>) outs(%init35 : tensor<5x1x1xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.maximumf %in0, %out : f32
      linalg.yield %t0 : f32
    } -> tensor<5x1x1xf32> loc("loss_xent")
    %e36 = tensor.empty() : tensor<5x1x1x2xf32>
    %v37 = linalg.generic {indexing_maps = [#map0, #map1, #map0], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%v33, %v36 : tensor<5x1x1x2xf32>, tensor<5x1x1xf32>) outs(%e36 : tensor<5x1x1x2xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.subf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<5x1x1x2xf32> loc("loss_xent")
    %e37 = tensor.empty() : tensor<5x1x1x2xf32>
    %v38 = linalg.generic {indexing_maps = [#map0, #map0], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%v37 : tensor<5x1x1x2xf32>) outs(%e37 : tensor<5x1x1x2xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = math.exp %in0 : f32
      linalg.yield %t0 : f32
    } -> tensor<5x1x1x2xf32> loc("loss_xent")
    %e38 = tensor.empty() : tensor<5x1x1xf32>
    %init39 = linalg.fill ins(%cst0 : f32) outs(%e38 : tensor<5x1x1xf32>) -> tensor<5x1x1xf32> loc("loss_xent")
    %v39 = linalg.generic {indexing_maps = [#map0, #map1], iterator_types = ["parallel", "parallel", "parallel", "reduction"]} ins(%v38 : tensor<5x1x1x2xf32>) outs(%init39 : tensor<5x1x1xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.addf %in0, %out : f32
      linalg.yield %t0 : f32
    } -> tensor<5x1x1xf32> loc("loss_xent")
    %e40 = tensor.empty() : tensor<5x1x1xf32>
    %v40 = linalg.generic {indexing_maps = [#map2, #map2], iterator_types = ["parallel", "parallel", "parallel"]} ins(%v39 : tensor<5x1x1xf32>) outs(%e40 : tensor<5x1x1xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = math.log %in0 : f32
      linalg.yield %t0 : f32
    } -> tensor<5x1x1xf32> loc("loss_xent")
    %e41 = tensor.empty() : tensor<5x1x1x2xf32>
    %v41 = linalg.generic {indexing_maps = [#map0, #map1, #map0], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%v37, %v40 : tensor<5x1x1x2xf32>, tensor<5x1x1xf32>) outs(%e41 : tensor<5x1x1x2xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.subf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<5x1x1x2xf32> loc("loss_xent")
    %e42 = tensor.empty() : tensor<5x1x1x2xf32>
    %v42 = linalg.generic {indexing_maps = [#map0, #map0, #map0], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%v35, %v41 : tensor<5x1x1x2xf32>, tensor<5x1x1x2xf32>) outs(%e42 : tensor<5x1x1x2xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.mulf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<5x1x1x2xf32> loc("loss_xent")
    %e43 = tensor.empty() : tensor<f32>
    %init44 = linalg.fill ins(%cst0 : f32) outs(%e43 : tensor<f32>) -> tensor<f32> loc("loss_xent")
    %v43 = linalg.generic {indexing_maps = [#map0, #map6], iterator_types = ["reduction", "reduction", "reduction", "reduction"]} ins(%v42 : tensor<5x1x1x2xf32>) outs(%init44 : tensor<f32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.addf %in0, %out : f32
      linalg.yield %t0 : f32
    } -> tensor<f32> loc("loss_xent")
    %e45 = tensor.empty() : tensor<f32>
    %v44 = linalg.generic {indexing_maps = [#map7, #map7], iterator_types = []} ins(%v43 : tensor<f32>) outs(%e45 : tensor<f32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.constant -0.2 : f32
      %t1 = arith.mulf %in0, %t0 : f32
      linalg.yield %t1 : f32
    } -> tensor<f32> loc("loss_xent")
    %v45 = mpt.loss %v44 : tensor<f32> loc("loss")
    %v46 = mpt.grad_seed %v45 : tensor<f32> loc("loss")
    %e46 = tensor.empty() : tensor<f32>
    %v47 = linalg.generic {indexing_maps = [#map7, #map7], iterator_types = []} ins(%v46 : tensor<f32>) outs(%e46 : tensor<f32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.constant -0.2 : f32
      %t1 = arith.mulf %in0, %t0 : f32
      linalg.yield %t1 : f32
    } -> tensor<f32> loc("loss_xent.grad")
    %e47 = tensor.empty() : tensor<5x1x1x2xf32>
    %v48 = linalg.generic {indexing_maps = [#map6, #map0], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%v47 : tensor<f32>) outs(%e47 : tensor<5x1x1x2xf32>) {
    ^bb0(%in0: f32, %out: f32):
      linalg.yield %in0 : f32
    } -> tensor<5x1x1x2xf32> loc("loss_xent.grad")
    %e48 = tensor.empty() : tensor<5x1x1x2xf32>
    %v49 = linalg.generic {indexing_maps = [#map0, #map0, #map0], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%v48, %v35 : tensor<5x1x1x2xf32>, tensor<5x1x1x2xf32>) outs(%e48 : tensor<5x1x1x2xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.mulf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<5x1x1x2xf32> loc("loss_xent.grad")
    %e49 = tensor.empty() : tensor<5x1x1x2xf32>
    %v50 = linalg.generic {indexing_maps = [#map0, #map0], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%v49 : tensor<5x1x1x2xf32>) outs(%e49 : tensor<5x1x1x2xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.negf %in0 : f32
      linalg.yield %t0 : f32
    } -> tensor<5x1x1x2xf32> loc("loss_xent.grad")
    %e50 = tensor.empty() : tensor<5x1x1xf32>
    %init51 = linalg.fill ins(%cst0 : f32) outs(%e50 : tensor<5x1x1xf32>) -> tensor<5x1x1xf32> loc("loss_xent.grad")
    %v51 = linalg.generic {indexing_maps = [#map0, #map1], iterator_types = ["parallel", "parallel", "parallel", "reduction"]} ins(%v50 : tensor<5x1x1x2xf32>) outs(%init51 : tensor<5x1x1xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.addf %in0, %out : f32
      linalg.yield %t0 : f32
    } -> tensor<5x1x1xf32> loc("loss_xent.grad")
    %e52 = tensor.empty() : tensor<5x1x1xf32>
    %v52 = linalg.generic {indexing_maps = [#map2, #map2, #map2], iterator_types = ["parallel", "parallel", "parallel"]} ins(%v51, %v39 : tensor<5x1x1xf32>, tensor<5x1x1xf32>) outs(%e52 : tensor<5x1x1xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.divf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<5x1x1xf32> loc("loss_xent.grad")
    %e53 = tensor.empty() : tensor<5x1x1x2xf32>
    %v53 = linalg.generic {indexing_maps = [#map1, #map0], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%v52 : tensor<5x1x1xf32>) outs(%e53 : tensor<5x1x1x2xf32>) {
    ^bb0(%in0: f32, %out: f32):
      linalg.yield %in0 : f32
    } -> tensor<5x1x1x2xf32> loc("loss_xent.grad")
    %e54 = tensor.empty() : tensor<5x1x1x2xf32>
    %v54 = linalg.generic {indexing_maps = [#map0, #map0, #map0], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%v53, %v38 : tensor<5x1x1x2xf32>, tensor<5x1x1x2xf32>) outs(%e54 : tensor<5x1x1x2xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.mulf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<5x1x1x2xf32> loc("loss_xent.grad")
    %e55 = tensor.empty() : tensor<5x1x1x2xf32>
    %v55 = linalg.generic {indexing_maps = [#map0, #map0, #map0], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%v49, %v54 : tensor<5x1x1x2xf32>, tensor<5x1x1x2xf32>) outs(%e55 : tensor<5x1x1x2xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.addf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<5x1x1x2xf32> loc("loss_xent.grad")
    %v56 = tensor.collapse_shape %v55 [[0], [1, 2, 3]] : tensor<5x1x1x2xf32> into tensor<5x2xf32> loc("head.grad")
    %e56 = tensor.empty() : tensor<2xf32>
    %init57 = linalg.fill ins(%cst0 : f32) outs(%e56 : tensor<2xf32>) -> tensor<2xf32> loc("head.grad")
    %v57 = linalg.generic {indexing_maps = [#map4, #map5], iterator_types = ["reduction", "parallel"]} ins(%v56 : tensor<5x2xf32>) outs(%init57 : tensor<2xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.addf %in0, %out : f32
      linalg.yield %t0 : f32
    } -> tensor<2xf32> loc("head.grad")
    %e58 = tensor.empty() : tensor<2x2xf32>
    %v58 = linalg.transpose ins(%arg4 : tensor<2x2xf32>) outs(%e58 : tensor<2x2xf32>) permutation = [1, 0] loc("head.grad")
    %e59 = tensor.empty() : tensor<5x2xf32>
    %init60 = linalg.fill ins(%cst0 : f32) outs(%e59 : tensor<5x2xf32>) -> tensor<5x2xf32> loc("head.grad")
    %v59 = linalg.matmul ins(%v56, %v58 : tensor<5x2xf32>, tensor<2x2xf32>) outs(%init60 : tensor<5x2xf32>) -> tensor<5x2xf32> loc("head.grad")
    %e61 = tensor.empty() : tensor<2x5xf32>
    %v60 = linalg.transpose ins(%v29 : tensor<5x2xf32>) outs(%e61 : tensor<2x5xf32>) permutation = [1, 0] loc("head.grad")
    %e62 = tensor.empty() : tensor<2x2xf32>
    %init63 = linalg.fill ins(%cst0 : f32) outs(%e62 : tensor<2x2xf32>) -> tensor<2x2xf32> loc("head.grad")
    %v61 = linalg.matmul ins(%v60, %v56 : tensor<2x5xf32>, tensor<5x2xf32>) outs(%init63 : tensor<2x2xf32>) -> tensor<2x2xf32> loc("head.grad")
    %v62 = tensor.expand_shape %v59 [[0], [1, 2, 3]] output_shape [5, 1, 1, 2] : tensor<5x2xf32> into tensor<5x1x1x2xf32> loc("head.grad")
    %e64 = tensor.empty() : tensor<5x1x1x1x2x2xf32>
    %v63 = linalg.generic {indexing_maps = [#map8, #map9, #map9, #map10], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "parallel"]} ins(%v26, %v27, %v62 : tensor<5x1x2x2xf32>, tensor<5x1x1x2xf32>, tensor<5x1x1x2xf32>) outs(%e64 : tensor<5x1x1x1x2x2xf32>) {
    ^bb0(%in0: f32, %in1: f32, %in2: f32, %out: f32):
      %t0 = arith.constant 0.0 : f32
      %t1 = arith.cmpf oeq, %in0, %in1 : f32
      %t2 = arith.select %t1, %in2, %t0 : f32
      linalg.yield %t2 : f32
    } -> tensor<5x1x1x1x2x2xf32> loc("max_pool0.grad")
    %e65 = tensor.empty() : tensor<5x1x3x1x2x2xf32>
    %init66 = linalg.fill ins(%cst0 : f32) outs(%e65 : tensor<5x1x3x1x2x2xf32>) -> tensor<5x1x3x1x2x2xf32> loc("max_pool0.grad")
    %v64 = tensor.insert_slice %v63 into %init66[0, 0, 1, 0, 0, 0] [5, 1, 1, 1, 2, 2] [1, 1, 2, 1, 1, 1] : tensor<5x1x1x1x2x2xf32> into tensor<5x1x3x1x2x2xf32> loc("max_pool0.grad")
    %e67 = tensor.empty() : tensor<5x1x2x2xf32>
    %init68 = linalg.fill ins(%cst0 : f32) outs(%e67 : tensor<5x1x2x2xf32>) -> tensor<5x1x2x2xf32> loc("max_pool0.grad")
    %v65 = linalg.generic {indexing_maps = [#map11, #map12], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]} ins(%v64 : tensor<5x1x3x1x2x2xf32>) outs(%init68 : tensor<5x1x2x2xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.addf %out, %in0 : f32
      linalg.yield %t0 : f32
    } -> tensor<5x1x2x2xf32> loc("max_pool0.grad")
    %e69 = tensor.empty() : tensor<2xf32>
    %init70 = linalg.fill ins(%cst0 : f32) outs(%e69 : tensor<2xf32>) -> tensor<2xf32> loc("ln1.grad")
    %v66 = linalg.generic {indexing_maps = [#map0, #map3], iterator_types = ["reduction", "reduction", "reduction", "parallel"]} ins(%v65 : tensor<5x1x2x2xf32>) outs(%init70 : tensor<2xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.addf %in0, %out : f32
      linalg.yield %t0 : f32
    } -> tensor<2xf32> loc("ln1.grad")
    %e71 = tensor.empty() : tensor<5x1x2x2xf32>
    %v67 = linalg.generic {indexing_maps = [#map0, #map3, #map0], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%v65, %arg2 : tensor<5x1x2x2xf32>, tensor<2xf32>) outs(%e71 : tensor<5x1x2x2xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.mulf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<5x1x2x2xf32> loc("ln1.grad")
    %e72 = tensor.empty() : tensor<5x1x2x2xf32>
    %v68 = linalg.generic {indexing_maps = [#map0, #map0, #map0], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%v65, %v24 : tensor<5x1x2x2xf32>, tensor<5x1x2x2xf32>) outs(%e72 : tensor<5x1x2x2xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.mulf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<5x1x2x2xf32> loc("ln1.grad")
    %e73 = tensor.empty() : tensor<2xf32>
    %init74 = linalg.fill ins(%cst0 : f32) outs(%e73 : tensor<2xf32>) -> tensor<2xf32> loc("ln1.grad")
    %v69 = linalg.generic {indexing_maps = [#map0, #map3], iterator_types = ["reduction", "reduction", "reduction", "parallel"]} ins(%v68 : tensor<5x1x2x2xf32>) outs(%init74 : tensor<2xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.addf %in0, %out : f32
      linalg.yield %t0 : f32
    } -> tensor<2xf32> loc("ln1.grad")
    %e75 = tensor.empty() : tensor<5x1x2x2xf32>
    %v70 = linalg.generic {indexing_maps = [#map0, #map1, #map0], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%v67, %v23 : tensor<5x1x2x2xf32>, tensor<5x1x2xf32>) outs(%e75 : tensor<5x1x2x2xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.mulf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<5x1x2x2xf32> loc("ln1.grad")
    %e76 = tensor.empty() : tensor<5x1x2x2xf32>
    %v71 = linalg.generic {indexing_maps = [#map0, #map0, #map0], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%v67, %v18 : tensor<5x1x2x2xf32>, tensor<5x1x2x2xf32>) outs(%e76 : tensor<5x1x2x2xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.mulf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<5x1x2x2xf32> loc("ln1.grad")
    %e77 = tensor.empty() : tensor<5x1x2xf32>
    %init78 = linalg.fill ins(%cst0 : f32) outs(%e77 : tensor<5x1x2xf32>) -> tensor<5x1x2xf32> loc("ln1.grad")
    %v72 = linalg.generic {indexing_maps = [#map0, #map1], iterator_types = ["parallel", "parallel", "parallel", "reduction"]} ins(%v71 : tensor<5x1x2x2xf32>) outs(%init78 : tensor<5x1x2xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.addf %in0, %out : f32
      linalg.yield %t0 : f32
    } -> tensor<5x1x2xf32> loc("ln1.grad")
    %e79 = tensor.empty() : tensor<5x1x2xf32>
    %v73 = linalg.generic {indexing_maps = [#map2, #map2, #map2], iterator_types = ["parallel", "parallel", "parallel"]} ins(%v23, %v72 : tensor<5x1x2xf32>, tensor<5x1x2xf32>) outs(%e79 : tensor<5x1x2xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.constant -0.5 : f32
      %t1 = arith.mulf %in1, %t0 : f32
      %t2 = arith.mulf %in0, %in0 : f32
      %t3 = arith.mulf %t2, %in0 : f32
      %t4 = arith.mulf %t1, %t3 : f32
      linalg.yield %t4 : f32
    } -> tensor<5x1x2xf32> loc("ln1.grad")
    %e80 = tensor.empty() : tensor<5x1x2xf32>
    %v74 = linalg.generic {indexing_maps = [#map2, #map2], iterator_types = ["parallel", "parallel", "parallel"]} ins(%v73 : tensor<5x1x2xf32>) outs(%e80 : tensor<5x1x2xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.constant 0.5 : f32
      %t1 = arith.mulf %in0, %t0 : f32
      linalg.yield %t1 : f32
    } -> tensor<5x1x2xf32> loc("ln1.grad")
    %e81 = tensor.empty() : tensor<5x1x2x2xf32>
    %v75 = linalg.generic {indexing_maps = [#map1, #map0], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%v74 : tensor<5x1x2xf32>) outs(%e81 : tensor<5x1x2x2xf32>) {
    ^bb0(%in0: f32, %out: f32):
      linalg.yield %in0 : f32
    } -> tensor<5x1x2x2xf32> loc("ln1.grad")
    %e82 = tensor.empty() : tensor<5x1x2x2xf32>
    %v76 = linalg.generic {indexing_maps = [#map0, #map0, #map0], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%v75, %v18 : tensor<5x1x2x2xf32>, tensor<5x1x2x2xf32>) outs(%e82 : tensor<5x1x2x2xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.mulf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<5x1x2x2xf32> loc("ln1.grad")
    %e83 = tensor.empty() : tensor<5x1x2x2xf32>
    %v77 = linalg.generic {indexing_maps = [#map0, #map0], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%v76 : tensor<5x1x2x2xf32>) outs(%e83 : tensor<5x1x2x2xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.constant 2.0 : f32
      %t1 = arith.mulf %in0, %t0 : f32
      linalg.yield %t1 : f32
    } -> tensor<5x1x2x2xf32> loc("ln1.grad")
    %e84 = tensor.empty() : tensor<5x1x2x2xf32>
    %v78 = linalg.generic {indexing_maps = [#map0, #map0, #map0], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%v70, %v77 : tensor<5x1x2x2xf32>, tensor<5x1x2x2xf32>) outs(%e84 : tensor<5x1x2x2xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.addf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<5x1x2x2xf32> loc("ln1.grad")
    %e85 = tensor.empty() : tensor<5x1x2x2xf32>
    %v79 = linalg.generic {indexing_maps = [#map0, #map0], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%v78 : tensor<5x1x2x2xf32>) outs(%e85 : tensor<5x1x2x2xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.negf %in0 : f32
      linalg.yield %t0 : f32
    } -> tensor<5x1x2x2xf32> loc("ln1.grad")
    %e86 = tensor.empty() : tensor<5x1x2xf32>
    %init87 = linalg.fill ins(%cst0 : f32) outs(%e86 : tensor<5x1x2xf32>) -> tensor<5x1x2xf32> loc("ln1.grad")
    %v80 = linalg.generic {indexing_maps = [#map0, #map1], iterator_types = ["parallel", "parallel", "parallel", "reduction"]} ins(%v79 : tensor<5x1x2x2xf32>) outs(%init87 : tensor<5x1x2xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.addf %in0, %out : f32
      linalg.yield %t0 : f32
    } -> tensor<5x1x2xf32> loc("ln1.grad")
    %e88 = tensor.empty() : tensor<5x1x2xf32>
    %v81 = linalg.generic {indexing_maps = [#map2, #map2], iterator_types = ["parallel", "parallel", "parallel"]} ins(%v80 : tensor<5x1x2xf32>) outs(%e88 : tensor<5x1x2xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.constant 0.5 : f32
      %t1 = arith.mulf %in0, %t0 : f32
      linalg.yield %t1 : f32
    } -> tensor<5x1x2xf32> loc("ln1.grad")
    %e89 = tensor.empty() : tensor<5x1x2x2xf32>
    %v82 = linalg.generic {indexing_maps = [#map1, #map0], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%v81 : tensor<5x1x2xf32>) outs(%e89 : tensor<5x1x2x2xf32>) {
    ^bb0(%in0: f32, %out: f32):
      linalg.yield %in0 : f32
    } -> tensor<5x1x2x2xf32> loc("ln1.grad")
    %e90 = tensor.empty() : tensor<5x1x2x2xf32>
    %v83 = linalg.generic {indexing_maps = [#map0, #map0, #map0], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%v78, %v82 : tensor<5x1x2x2xf32>, tensor<5x1x2x2xf32>) outs(%e90 : tensor<5x1x2x2xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.addf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<5x1x2x2xf32> loc("ln0.grad")
    %e91 = tensor.empty() : tensor<2xf32>
    %init92 = linalg.fill ins(%cst0 : f32) outs(%e91 : tensor<2xf32>) -> tensor<2xf32> loc("ln0.grad")
    %v84 = linalg.generic {indexing_maps = [#map0, #map3], iterator_types = ["reduction", "reduction", "reduction", "parallel"]} ins(%v83 : tensor<5x1x2x2xf32>) outs(%init92 : tensor<2xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.addf %in0, %out : f32
      linalg.yield %t0 : f32
    } -> tensor<2xf32> loc("ln0.grad")
    %e93 = tensor.empty() : tensor<5x1x2x2xf32>
    %v85 = linalg.generic {indexing_maps = [#map0, #map0, #map0], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%v83, %v11 : tensor<5x1x2x2xf32>, tensor<5x1x2x2xf32>) outs(%e93 : tensor<5x1x2x2xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.mulf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<5x1x2x2xf32> loc("ln0.grad")
    %e94 = tensor.empty() : tensor<2xf32>
    %init95 = linalg.fill ins(%cst0 : f32) outs(%e94 : tensor<2xf32>) -> tensor<2xf32> loc("ln0.grad")
    %v86 = linalg.generic {indexing_maps = [#map0, #map3], iterator_types = ["reduction", "reduction", "reduction", "parallel"]} ins(%v85 : tensor<5x1x2x2xf32>) outs(%init95 : tensor<2xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.addf %in0, %out : f32
      linalg.yield %t0 : f32
    } -> tensor<2xf32> loc("ln0.grad")
    %new0 = mpt.sgd %arg0, %v86 {lr = 0.1 : f32} : tensor<2xf32> loc("ln0.weight")
    %new1 = mpt.sgd %arg1, %v84 {lr = 0.1 : f32} : tensor<2xf32> loc("ln0.bias")
    %new2 = mpt.sgd %arg2, %v69 {lr = 0.1 : f32} : tensor<2xf32> loc("ln1.weight")
    %new3 = mpt.sgd %arg3, %v66 {lr = 0.1 : f32} : tensor<2xf32> loc("ln1.bias")
    %new4 = mpt.sgd %arg4, %v61 {lr = 0.1 : f32} : tensor<2x2xf32> loc("head.weight")
    %new5 = mpt.sgd %arg5, %v57 {lr = 0.1 : f32} : tensor<2xf32> loc("head.bias")
    return %new0, %new1, %new2, %new3, %new4, %new5, %v45 : tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2x2xf32>, tensor<2xf32>, tensor<f32>
  }
  func.func @eval_step(%arg0: tensor<2xf32> {mpt.role = #mpt.role<param>, mpt.name = "ln0.weight", mpt.init = #mpt.init<dist = constant, value = 1.0>}, %arg1: tensor<2xf32> {mpt.role = #mpt.role<param>, mpt.name = "ln0.bias", mpt.init = #mpt.init<dist = zeros>}, %arg2: tensor<2xf32> {mpt.role = #mpt.role<param>, mpt.name = "ln1.weight", mpt.init = #mpt.init<dist = constant, value = 1.0>}, %arg3: tensor<2xf32> {mpt.role = #mpt.role<param>, mpt.name = "ln1.bias", mpt.init = #mpt.init<dist = zeros>}, %arg4: tensor<2x2xf32> {mpt.role = #mpt.role<param>, mpt.name = "head.weight", mpt.init = #mpt.init<dist = uniform, low = -1.224744871391589, high = 1.224744871391589, seed = 1919817224903348783>}, %arg5: tensor<2xf32> {mpt.role = #mpt.role<param>, mpt.name = "head.bias", mpt.init = #mpt.init<dist = zeros>}, %arg6: tensor<5x1x2x2xf32> {mpt.role = #mpt.role<input>, mpt.name = "x"}, %arg7: tensor<5x1x1xi32> {mpt.role = #mpt.role<input>, mpt.name = "y"}) -> (tensor<f32> {mpt.role = #mpt.role<loss>}, tensor<5x1x1x2xf32> {mpt.role = #mpt.role<output>, mpt.name = "logits"}) {
    %cst0 = arith.constant 0.0 : f32
    %cst1 = arith.constant 0xFF800000 : f32
    %e1 = tensor.empty() : tensor<5x1x2xf32>
    %init2 = linalg.fill ins(%cst0 : f32) outs(%e1 : tensor<5x1x2xf32>) -> tensor<5x1x2xf32> loc("ln0")
    %v3 = linalg.generic {indexing_maps = [#map0, #map1], iterator_types = ["parallel", "parallel", "parallel", "reduction"]} ins(%arg6 : tensor<5x1x2x2xf32>) outs(%init2 : tensor<5x1x2xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.addf %in0, %out : f32
      linalg.yield %t0 : f32
    } -> tensor<5x1x2xf32> loc("ln0")
    %e3 = tensor.empty() : tensor<5x1x2xf32>
    %v4 = linalg.generic {indexing_maps = [#map2, #map2], iterator_types = ["parallel", "parallel", "parallel"]} ins(%v3 : tensor<5x1x2xf32>) outs(%e3 : tensor<5x1x2xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.constant 0.5 : f32
      %t1 = arith.mulf %in0, %t0 : f32
      linalg.yield %t1 : f32
    } -> tensor<5x1x2xf32> loc("ln0")
    %e4 = tensor.empty() : tensor<5x1x2x2xf32>
    %v5 = linalg.generic {indexing_maps = [#map0, #map1, #map0], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%arg6, %v4 : tensor<5x1x2x2xf32>, tensor<5x1x2xf32>) outs(%e4 : tensor<5x1x2x2xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.subf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<5x1x2x2xf32> loc("ln0")
    %e5 = tensor.empty() : tensor<5x1x2x2xf32>
    %v6 = linalg.generic {indexing_maps = [#map0, #map0], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%v5 : tensor<5x1x2x2xf32>) outs(%e5 : tensor<5x1x2x2xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.mulf %in0, %in0 : f32
      linalg.yield %t0 : f32
    } -> tensor<5x1x2x2xf32> loc("ln0")
    %e6 = tensor.empty() : tensor<5x1x2xf32>
    %init7 = linalg.fill ins(%cst0 : f32) outs(%e6 : tensor<5x1x2xf32>) -> tensor<5x1x2xf32> loc("ln0")
    %v7 = linalg.generic {indexing_maps = [#map0, #map1], iterator_types = ["parallel", "parallel", "parallel", "reduction"]} ins(%v6 : tensor<5x1x2x2xf32>) outs(%init7 : tensor<5x1x2xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.addf %in0, %out : f32
      linalg.yield %t0 : f32
    } -> tensor<5x1x2xf32> loc("ln0")
    %e8 = tensor.empty() : tensor<5x1x2xf32>
    %v8 = linalg.generic {indexing_maps = [#map2, #map2], iterator_types = ["parallel", "parallel", "parallel"]} ins(%v7 : tensor<5x1x2xf32>) outs(%e8 : tensor<5x1x2xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.constant 0.5 : f32
      %t1 = arith.mulf %in0, %t0 : f32
      linalg.yield %t1 : f32
    } -> tensor<5x1x2xf32> loc("ln0")
    %e9 = tensor.empty() : tensor<5x1x2xf32>
    %v9 = linalg.generic {indexing_maps = [#map2, #map2], iterator_types = ["parallel", "parallel", "parallel"]} ins(%v8 : tensor<5x1x2xf32>) outs(%e9 : tensor<5x1x2xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.constant 1.0e-05 : f32
      %t1 = arith.addf %in0, %t0 : f32
      linalg.yield %t1 : f32
    } -> tensor<5x1x2xf32> loc("ln0")
    %e10 = tensor.empty() : tensor<5x1x2xf32>
    %v10 = linalg.generic {indexing_maps = [#map2, #map2], iterator_types = ["parallel", "parallel", "parallel"]} ins(%v9 : tensor<5x1x2xf32>) outs(%e10 : tensor<5x1x2xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = math.rsqrt %in0 : f32
      linalg.yield %t0 : f32
    } -> tensor<5x1x2xf32> loc("ln0")
    %e11 = tensor.empty() : tensor<5x1x2x2xf32>
    %v11 = linalg.generic {indexing_maps = [#map0, #map1, #map0], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%v5, %v10 : tensor<5x1x2x2xf32>, tensor<5x1x2xf32>) outs(%e11 : tensor<5x1x2x2xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.mulf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<5x1x2x2xf32> loc("ln0")
    %e12 = tensor.empty() : tensor<5x1x2x2xf32>
    %v12 = linalg.generic {indexing_maps = [#map0, #map3, #map0], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%v11, %arg0 : tensor<5x1x2x2xf32>, tensor<2xf32>) outs(%e12 : tensor<5x1x2x2xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.mulf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<5x1x2x2xf32> loc("ln0")
    %e13 = tensor.empty() : tensor<5x1x2x2xf32>
    %v13 = linalg.generic {indexing_maps = [#map0, #map3, #map0], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%v12, %arg1 : tensor<5x1x2x2xf32>, tensor<2xf32>) outs(%e13 : tensor<5x1x2x2xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.addf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<5x1x2x2xf32> loc("ln0")
    %e14 = tensor.empty() : tensor<5x1x2xf32>
    %init15 = linalg.fill ins(%cst0 : f32) outs(%e14 : tensor<5x1x2xf32>) -> tensor<5x1x2xf32> loc("ln1")
    %v16 = linalg.generic {indexing_maps = [#map0, #map1], iterator_types = ["parallel", "parallel", "parallel", "reduction"]} ins(%v13 : tensor<5x1x2x2xf32>) outs(%init15 : tensor<5x1x2xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.addf %in0, %out : f32
      linalg.yield %t0 : f32
    } -> tensor<5x1x2xf32> loc("ln1")
    %e16 = tensor.empty() : tensor<5x1x2xf32>
    %v17 = linalg.generic {indexing_maps = [#map2, #map2], iterator_types = ["parallel", "parallel", "parallel"]} ins(%v16 : tensor<5x1x2xf32>) outs(%e16 : tensor<5x1x2xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.constant 0.5 : f32
      %t1 = arith.mulf %in0, %t0 : f32
      linalg.yield %t1 : f32
    } -> tensor<5x1x2xf32> loc("ln1")
    %e17 = tensor.empty() : tensor<5x1x2x2xf32>
    %v18 = linalg.generic {indexing_maps = [#map0, #map1, #map0], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%v13, %v17 : tensor<5x1x2x2xf32>, tensor<5x1x2xf32>) outs(%e17 : tensor<5x1x2x2xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.subf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<5x1x2x2xf32> loc("ln1")
    %e18 = tensor.empty() : tensor<5x1x2x2xf32>
    %v19 = linalg.generic {indexing_maps = [#map0, #map0], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%v18 : tensor<5x1x2x2xf32>) outs(%e18 : tensor<5x1x2x2xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.mulf %in0, %in0 : f32
      linalg.yield %t0 : f32
    } -> tensor<5x1x2x2xf32> loc("ln1")
    %e19 = tensor.empty() : tensor<5x1x2xf32>
    %init20 = linalg.fill ins(%cst0 : f32) outs(%e19 : tensor<5x1x2xf32>) -> tensor<5x1x2xf32> loc("ln1")
    %v20 = linalg.generic {indexing_maps = [#map0, #map1], iterator_types = ["parallel", "parallel", "parallel", "reduction"]} ins(%v19 : tensor<5x1x2x2xf32>) outs(%init20 : tensor<5x1x2xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.addf %in0, %out : f32
      linalg.yield %t0 : f32
    } -> tensor<5x1x2xf32> loc("ln1")
    %e21 = tensor.empty() : tensor<5x1x2xf32>
    %v21 = linalg.generic {indexing_maps = [#map2, #map2], iterator_types = ["parallel", "parallel", "parallel"]} ins(%v20 : tensor<5x1x2xf32>) outs(%e21 : tensor<5x1x2xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.constant 0.5 : f32
      %t1 = arith.mulf %in0, %t0 : f32
      linalg.yield %t1 : f32
    } -> tensor<5x1x2xf32> loc("ln1")
    %e22 = tensor.empty() : tensor<5x1x2xf32>
    %v22 = linalg.generic {indexing_maps = [#map2, #map2], iterator_types = ["parallel", "parallel", "parallel"]} ins(%v21 : tensor<5x1x2xf32>) outs(%e22 : tensor<5x1x2xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.constant 1.0e-05 : f32
      %t1 = arith.addf %in0, %t0 : f32
      linalg.yield %t1 : f32
    } -> tensor<5x1x2xf32> loc("ln1")
    %e23 = tensor.empty() : tensor<5x1x2xf32>
    %v23 = linalg.generic {indexing_maps = [#map2, #map2], iterator_types = ["parallel", "parallel", "parallel"]} ins(%v22 : tensor<5x1x2xf32>) outs(%e23 : tensor<5x1x2xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = math.rsqrt %in0 : f32
      linalg.yield %t0 : f32
    } -> tensor<5x1x2xf32> loc("ln1")
    %e24 = tensor.empty() : tensor<5x1x2x2xf32>
    %v24 = linalg.generic {indexing_maps = [#map0, #map1, #map0], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%v18, %v23 : tensor<5x1x2x2xf32>, tensor<5x1x2xf32>) outs(%e24 : tensor<5x1x2x2xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.mulf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<5x1x2x2xf32> loc("ln1")
    %e25 = tensor.empty() : tensor<5x1x2x2xf32>
    %v25 = linalg.generic {indexing_maps = [#map0, #map3, #map0], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%v24, %arg2 : tensor<5x1x2x2xf32>, tensor<2xf32>) outs(%e25 : tensor<5x1x2x2xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.mulf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<5x1x2x2xf32> loc("ln1")
    %e26 = tensor.empty() : tensor<5x1x2x2xf32>
    %v26 = linalg.generic {indexing_maps = [#map0, #map3, #map0], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%v25, %arg3 : tensor<5x1x2x2xf32>, tensor<2xf32>) outs(%e26 : tensor<5x1x2x2xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.addf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<5x1x2x2xf32> loc("ln1")
    %e27 = tensor.empty() : tensor<5x1x1x2xf32>
    %init28 = linalg.fill ins(%cst1 : f32) outs(%e27 : tensor<5x1x1x2xf32>) -> tensor<5x1x1x2xf32> loc("max_pool0")
    %e29 = tensor.empty() : tensor<1x2xf32>
    %v27 = linalg.pooling_nhwc_max {dilations = dense<1> : tensor<2xi64>, strides = dense<[1, 2]> : tensor<2xi64>} ins(%v26, %e29 : tensor<5x1x2x2xf32>, tensor<1x2xf32>) outs(%init28 : tensor<5x1x1x2xf32>) -> tensor<5x1x1x2xf32> loc("max_pool0")
    %v29 = tensor.collapse_shape %v27 [[0], [1, 2, 3]] : tensor<5x1x1x2xf32> into tensor<5x2xf32> loc("head")
    %e30 = tensor.empty() : tensor<5x2xf32>
    %init31 = linalg.fill ins(%cst0 : f32) outs(%e30 : tensor<5x2xf32>) -> tensor<5x2xf32> loc("head")
    %v30 = linalg.matmul ins(%v29, %arg4 : tensor<5x2xf32>, tensor<2x2xf32>) outs(%init31 : tensor<5x2xf32>) -> tensor<5x2xf32> loc("head")
    %e32 = tensor.empty() : tensor<5x2xf32>
    %v32 = linalg.generic {indexing_maps = [#map4, #map5, #map4], iterator_types = ["parallel", "parallel"]} ins(%v30, %arg5 : tensor<5x2xf32>, tensor<2xf32>) outs(%e32 : tensor<5x2xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.addf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<5x2xf32> loc("head")
    %v33 = tensor.expand_shape %v32 [[0], [1, 2, 3]] output_shape [5, 1, 1, 2] : tensor<5x2xf32> into tensor<5x1x1x2xf32> loc("head")
    %e33 = tensor.empty() : tensor<5x1x1x2xf32>
    %v35 = linalg.generic {indexing_maps = [#map1, #map0], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%arg7 : tensor<5x1x1xi32>) outs(%e33 : tensor<5x1x1x2xf32>) {
    ^bb0(%in0: i32, %out: f32):
      %t0 = linalg.index 3 : index
      %t1 = arith.index_cast %in0 : i32 to index
      %t2 = arith.cmpi eq, %t0, %t1 : index
      %t3 = arith.constant 1.0 : f32
      %t4 = arith.constant 0.0 : f32
      %t5 = arith.select %t2, %t3, %t4 : f32
      linalg.yield %t5 : f32
    } -> tensor<5x1x1x2xf32> loc("loss_xent")
    %e34 = tensor.empty() : tensor<5x1x1xf32>
    %init35 = linalg.fill ins(%cst1 : f32) outs(%e34 : tensor<5x1x1xf32>) -> tensor<5x1x1xf32> loc("loss_xent")
    %v36 = linalg.generic {indexing_maps = [#map0, #map1], iterator_types = ["parallel", "parallel", "parallel", "reduction"]} ins(%v33 : tensor<5x1x1x2xf32>) outs(%init35 : tensor<5x1x1xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.maximumf %in0, %out : f32
      linalg.yield %t0 : f32
    } -> tensor<5x1x1xf32> loc("loss_xent")
    %e36 = tensor.empty() : tensor<5x1x1x2xf32>
    %v37 = linalg.generic {indexing_maps = [#map0, #map1, #map0], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%v33, %v36 : tensor<5x1x1x2xf32>, tensor<5x1x1xf32>) outs(%e36 : tensor<5x1x1x2xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.subf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<5x1x1x2xf32> loc("loss_xent")
    %e37 = tensor.empty() : tensor<5x1x1x2xf32>
    %v38 = linalg.generic {indexing_maps = [#map0, #map0], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%v37 : tensor<5x1x1x2xf32>) outs(%e37 : tensor<5x1x1x2xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = math.exp %in0 : f32
      linalg.yield %t0 : f32
    } -> tensor<5x1x1x2xf32> loc("loss_xent")
    %e38 = tensor.empty() : tensor<5x1x1xf32>
    %init39 = linalg.fill ins(%cst0 : f32) outs(%e38 : tensor<5x1x1xf32>) -> tensor<5x1x1xf32> loc("loss_xent")
    %v39 = linalg.generic {indexing_maps = [#map0, #map1], iterator_types = ["parallel", "parallel", "parallel", "reduction"]} ins(%v38 : tensor<5x1x1x2xf32>) outs(%init39 : tensor<5x1x1xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.addf %in0, %out : f32
      linalg.yield %t0 : f32
    } -> tensor<5x1x1xf32> loc("loss_xent")
    %e40 = tensor.empty() : tensor<5x1x1xf32>
    %v40 = linalg.generic {indexing_maps = [#map2, #map2], iterator_types = ["parallel", "parallel", "parallel"]} ins(%v39 : tensor<5x1x1xf32>) outs(%e40 : tensor<5x1x1xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = math.log %in0 : f32
      linalg.yield %t0 : f32
    } -> tensor<5x1x1xf32> loc("loss_xent")
    %e41 = tensor.empty() : tensor<5x1x1x2xf32>
    %v41 = linalg.generic {indexing_maps = [#map0, #map1, #map0], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%v37, %v40 : tensor<5x1x1x2xf32>, tensor<5x1x1xf32>) outs(%e41 : tensor<5x1x1x2xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.subf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<5x1x1x2xf32> loc("loss_xent")
    %e42 = tensor.empty() : tensor<5x1x1x2xf32>
    %v42 = linalg.generic {indexing_maps = [#map0, #map0, #map0], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%v35, %v41 : tensor<5x1x1x2xf32>, tensor<5x1x1x2xf32>) outs(%e42 : tensor<5x1x1x2xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.mulf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<5x1x1x2xf32> loc("loss_xent")
    %e43 = tensor.empty() : tensor<f32>
    %init44 = linalg.fill ins(%cst0 : f32) outs(%e43 : tensor<f32>) -> tensor<f32> loc("loss_xent")
    %v43 = linalg.generic {indexing_maps = [#map0, #map6], iterator_types = ["reduction", "reduction", "reduction", "reduction"]} ins(%v42 : tensor<5x1x1x2xf32>) outs(%init44 : tensor<f32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.addf %in0, %out : f32
      linalg.yield %t0 : f32
    } -> tensor<f32> loc("loss_xent")
    %e45 = tensor.empty() : tensor<f32>
    %v44 = linalg.generic {indexing_maps = [#map7, #map7], iterator_types = []} ins(%v43 : tensor<f32>) outs(%e45 : tensor<f32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.constant -0.2 : f32
      %t1 = arith.mulf %in0, %t0 : f32
      linalg.yield %t1 : f32
    } -> tensor<f32> loc("loss_xent")
    return %v44, %v33 : tensor<f32>, tensor<5x1x1x2xf32>
  }
}
