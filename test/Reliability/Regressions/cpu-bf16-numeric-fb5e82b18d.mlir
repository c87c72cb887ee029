// mpt frontend: model 'random', optimizer sgd, batch 1
#map0 = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
#map1 = affine_map<(d0, d1, d2) -> (d0, d1)>
#map2 = affine_map<(d0, d1) -> (d0, d1)>
#map3 = affine_map<(d0, d1) -> (d1)>
#map4 = affine_map<(d0, d1, d2) -> (d2)>
#map5 = affine_map<(d0, d1, d2) -> (d0, d2)>
#map6 = affine_map<(d0, d1) -> (d0)>
#map7 = affine_map<(d0) -> (d0)>
#map8 = affine_map<(d0, d1) -> ()>
#map9 = affine_map<() -> ()>
module {
  func.func @train_step(%arg0: tensor<2x2xf32> {mpt.role = #mpt.role<param>, mpt.name = "dense0.weight", mpt.init = #mpt.init<dist = uniform, low = -1.7320508075688772, high = 1.7320508075688772, seed = 3912711913782396589>}, %arg1: tensor<2xf32> {mpt.role = #mpt.role<param>, mpt.name = "dense0.bias", mpt.init = #mpt.init<dist = zeros>}, %arg2: tensor<2xf32> {mpt.role = #mpt.role<param>, mpt.name = "ln0.weight", mpt.init = #mpt.init<dist = constant, value = 1.0>}, %arg3: tensor<2xf32> {mpt.role = #mpt.role<param>, mpt.name = "ln0.bias", mpt.init = #mpt.init<dist = zeros>}, %arg4: tensor<2xf32> {mpt.role = #mpt.role<param>, mpt.name = "ln1.weight", mpt.init = #mpt.init<dist = constant, value = 1.0>}, %arg5: tensor<2xf32> {mpt.role = #mpt.role<param>, mpt.name = "ln1.bias", mpt.init = #mpt.init<dist = zeros>}, %arg6: tensor<2x3xf32> {mpt.role = #mpt.role<param>, mpt.name = "head.weight", mpt.init = #mpt.init<dist = uniform, low = -1.0954451150103321, high = 1.0954451150103321, seed = 638975682661077781>}, %arg7: tensor<3xf32> {mpt.role = #mpt.role<param>, mpt.name = "head.bias", mpt.init = #mpt.init<dist = zeros>}, %arg8: tensor<2x2xf32> {mpt.role = #mpt.role<opt_state>, mpt.name = "dense0.weight.momentum", mpt.init = #mpt.init<dist = zeros>}, %arg9: tensor<2xf32> {mpt.role = #mpt.role<opt_state>, mpt.name = "dense0.bias.momentum", mpt.init = #mpt.init<dist = zeros>}, %arg10: tensor<2xf32> {mpt.role = #mpt.role<opt_state>, mpt.name = "ln0.weight.momentum", mpt.init = #mpt.init<dist = zeros>}, %arg11: tensor<2xf32> {mpt.role = #mpt.role<opt_state>, mpt.name = "ln0.bias.momentum", mpt.init = #mpt.init<dist = zeros>}, %arg12: tensor<2xf32> {mpt.role = #mpt.role<opt_state>, mpt.name = "ln1.weight.momentum", mpt.init = #mpt.init<dist = zeros>}, %arg13: tensor<2xf32> {mpt.role = #mpt.role<opt_state>, mpt.name = "ln1.bias.momentum", mpt.init = #mpt.init<dist = zeros>}, %arg14: tensor<2x3xf32> {mpt.role = #mpt.role<opt_state>, mpt.name = "head.weight.momentum", mpt.init = #mpt.init<dist = zeros>}, %arg15: tensor<3xf32> {mpt.role = #mpt.role<opt_state>, mpt.name = "head.bias.momentum", mpt.init = #mpt.init<dist = zeros>}, %arg16: tensor<1x6x2xf32> {mpt.role = #mpt.role<input>, mpt.name = "x"}, %arg17: tensor<1xi32> {mpt.role = #mpt.role<input>, mpt.name = "y"}) -> (tensor<2x2xf32> {mpt.role = #mpt.role<param>, mpt.updates = "dense0.weight"}, tensor<2xf32> {mpt.role = #mpt.role<param>, mpt.updates = "dense0.bias"}, tensor<2xf32> {mpt.role = #mpt.role<param>, mpt.updates = "ln0.weight"}, tensor<2xf32> {mpt.role = #mpt.role<param>, mpt.updates = "ln0.bias"}, tensor<2xf32> {mpt.role = #mpt.role<param>, mpt.updates = "ln1.weight"}, tensor<2xf32> {mpt.role = #mpt.role<param>, mpt.updates = "ln1.bias"}, tensor<2x3xf32> {mpt.role = #mpt.role<param>, mpt.updates = "head.weight"}, tensor<3xf32> {mpt.role = #mpt.role<param>, mpt.updates = "head.bias"}, tensor<2x2xf32> {mpt.role = #mpt.role<opt_state>, mpt.updates = "dense0.weight.momentum"}, tensor<2xf32> {mpt.role = #mpt.role<opt_state>, mpt.updates = "dense0.bias.momentum"}, tensor<2xf32> {mpt.role = #mpt.role<opt_state>, mpt.updates = "ln0.weight.momentum"}, tensor<2xf32> {mpt.role = #mpt.role<opt_state>, mpt.updates = "ln0.bias.momentum"}, tensor<2xf32> {mpt.role = #mpt.role<opt_state>, mpt.updates = "ln1.weight.momentum"}, tensor<2xf32> {mpt.role = #mpt.role<opt_state>, mpt.updates = "ln1.bias.momentum"}, tensor<2x3xf32> {mpt.role = #mpt.role<opt_state>, mpt.updates = "head.weight.momentum"}, tensor<3xf32> {mpt.role = #mpt.role<opt_state>, mpt.updates = "head.bias.momentum"}, tensor<f32> {mpt.role = #mpt.role<loss>}) {
    %cst0 = arith.constant 0xFF800000 : f32
    %cst1 = arith.constant 0.0 : f32
    %e1 = tensor.empty() : tensor<1x6xf32>
    %init2 = linalg.fill ins(%cst0 : f32) outs(%e1 : tensor<1x6xf32>) -> tensor<1x6xf32> loc("softmax0")
    %v1 = linalg.generic {indexing_maps = [#map0, #map1], iterator_types = ["parallel", "parallel", "reduction"]} ins(%arg16 : tensor<1x6x2xf32>) outs(%init2 : tensor<1x6xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.maximumf %in0, %out : f32
      linalg.yield %t0 : f32
    } -> tensor<1x6xf32> loc("softmax0")
    %e3 = tensor.empty() : tensor<1x6x2xf32>
    %v2 = linalg.generic {indexing_maps = [#map0, #map1, #map0], iterator_types = ["parallel", "parallel", "parallel"]} ins(%arg16, %v1 : tensor<1x6x2xf32>, tensor<1x6xf32>) outs(%e3 : tensor<1x6x2xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.subf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<1x6x2xf32> loc("softmax0")
    %e4 = tensor.empty() : tensor<1x6x2xf32>
    %v3 = linalg.generic {indexing_maps = [#map0, #map0], iterator_types = ["parallel", "parallel", "parallel"]} ins(%v2 : tensor<1x6x2xf32>) outs(%e4 : tensor<1x6x2xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = math.exp %in0 : f32
      linalg.yield %t0 : f32
    } -> tensor<1x6x2xf32> loc("softmax0")
    %e5 = tensor.empty() : tensor<1x6xf32>
    %init6 = linalg.fill ins(%cst1 : f32) outs(%e5 : tensor<1x6xf32>) -> tensor<1x6xf32> loc("softmax0")
    %v4 = linalg.generic {indexing_maps = [#map0, #map1], iterator_types = ["parallel", "parallel", "reduction"]} ins(%v3 : tensor<1x6x2xf32>) outs(%init6 : tensor<1x6xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.addf %in0, %out : f32
      linalg.yield %t0 : f32
    } -> tensor<1x6xf32> loc("softmax0")
    %e7 = tensor.empty() : tensor<1x6x2xf32>
    %v5 = linalg.generic {indexing_maps = [#map0, #map1, #map0], iterator_types = ["parallel", "parallel", "parallel"]} ins(%v3, %v4 : tensor<1x6x2xf32>, tensor<1x6xf32>) outs(%e7 : tensor<1x6x2xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.divf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<1x6x2xf32> loc("softmax0")
    %v7 = tensor.collapse_shape %v5 [[0, 1], [2]] : tensor<1x6x2xf32> into tensor<6x2xf32> loc("dense0")
    %e8 = tensor.empty() : tensor<6x2xf32>
    %init9 = linalg.fill ins(%cst1 : f32) outs(%e8 : tensor<6x2xf32>) -> tensor<6x2xf32> loc("dense0")
    %v8 = linalg.matmul ins(%v7, %arg0 : tensor<6x2xf32>, tensor<2x2xf32>) outs(%init9 : tensor<6x2xf32>) -> tensor<6x2xf32> loc("dense0")
    %e10 = tensor.empty() : tensor<6x2xf32>
    %v10 = linalg.generic {indexing_maps = [#map2, #map3, #map2], iterator_types = ["parallel", "parallel"]} ins(%v8, %arg1 : tensor<6x2xf32>, tensor<2xf32>) outs(%e10 : tensor<6x2xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.addf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<6x2xf32> loc("dense0")
    %e11 = tensor.empty() : tensor<6x2xf32>
    %v11 = linalg.generic {indexing_maps = [#map2, #map2], iterator_types = ["parallel", "parallel"]} ins(%v10 : tensor<6x2xf32>) outs(%e11 : tensor<6x2xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.mulf %in0, %in0 : f32
      %t1 = arith.mulf %t0, %in0 : f32
      %t2 = arith.constant 0.044715 : f32
      %t3 = arith.mulf %t2, %t1 : f32
      %t4 = arith.addf %in0, %t3 : f32
      %t5 = arith.constant 0.7978846 : f32
      %t6 = arith.mulf %t5, %t4 : f32
      %t7 = math.tanh %t6 : f32
      %t8 = arith.constant 1.0 : f32
      %t9 = arith.addf %t8, %t7 : f32
      %t10 = arith.constant 0.5 : f32
      %t11 = arith.mulf %t10, %in0 : f32
      %t12 = arith.mulf %t11, %t9 : f32
      linalg.yield %t12 : f32
    } -> tensor<6x2xf32> loc("dense0")
    %v12 = tensor.expand_shape %v11 [[0, 1], [2]] output_shape [1, 6, 2] : tensor<6x2xf32> into tensor<1x6x2xf32> loc("dense0")
    %e12 = tensor.empty() : tensor<1x6x2xf32>
    %v13 = linalg.generic {indexing_maps = [#map0, #map0, #map0], iterator_types = ["parallel", "parallel", "parallel"]} ins(%v5, %v12 : tensor<1x6x2xf32>, tensor<1x6x2xf32>) outs(%e12 : tensor<1x6x2xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.addf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<1x6x2xf32> loc("add0")
    %e13 = tensor.empty() : tensor<1x6xf32>
    %init14 = linalg.fill ins(%cst1 : f32) outs(%e13 : tensor<1x6xf32>) -> tensor<1x6xf32> loc("ln0")
    %v16 = linalg.generic {indexing_maps = [#map0, #map1], iterator_types = ["parallel", "parallel", "reduction"]} ins(%v13 : tensor<1x6x2xf32>) outs(%init14 : tensor<1x6xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.addf %in0, %out : f32
      linalg.yield %t0 : f32
    } -> tensor<1x6xf32> loc("ln0")
    %e15 = tensor.empty() : tensor<1x6xf32>
    %v17 = linalg.generic {indexing_maps = [#map2, #map2], iterator_types = ["parallel", "parallel"]} ins(%v16 : tensor<1x6xf32>) outs(%e15 : tensor<1x6xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.constant 0.5 : f32
      %t1 = arith.mulf %in0, %t0 : f32
      linalg.yield %t1 : f32
    } -> tensor<1x6xf32> loc("ln0")
    %e16 = tensor.empty() : tensor<1x6x2xf32>
    %v18 = linalg.generic {indexing_maps = [#map0, #map1, #map0], iterator_types = ["parallel", "parallel", "parallel"]} ins(%v13, %v17 : tensor<1x6x2xf32>, tensor<1x6xf32>) outs(%e16 : tensor<1x6x2xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.subf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<1x6x2xf32> loc("ln0")
    %e17 = tensor.empty() : tensor<1x6x2xf32>
    %v19 = linalg.generic {indexing_maps = [#map0, #map0], iterator_types = ["parallel", "parallel", "parallel"]} ins(%v18 : tensor<1x6x2xf32>) outs(%e17 : tensor<1x6x2xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.mulf %in0, %in0 : f32
      linalg.yield %t0 : f32
    } -> tensor<1x6x2xf32> loc("ln0")
    %e18 = tensor.empty() : tensor<1x6xf32>
    %init19 = linalg.fill ins(%cst1 : f32) outs(%e18 : tensor<1x6xf32>) -> tensor<1x6xf32> loc("ln0")
    %v20 = linalg.generic {indexing_maps = [#map0, #map1], iterator_types = ["parallel", "parallel", "reduction"]} ins(%v19 : tensor<1x6x2xf32>) outs(%init19 : tensor<1x6xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.addf %in0, %out : f32
      linalg.yield %t0 : f32
    } -> tensor<1x6xf32> loc("ln0")
    %e20 = tensor.empty() : tensor<1x6xf32>
    %v21 = linalg.generic {indexing_maps = [#map2, #map2], iterator_types = ["parallel", "parallel"]} ins(%v20 : tensor<1x6xf32>) outs(%e20 : tensor<1x6xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.constant 0.5 : f32
      %t1 = arith.mulf %in0, %t0 : f32
      linalg.yield %t1 : f32
    } -> tensor<1x6xf32> loc("ln0")
    %e21 = tensor.empty() : tensor<1x6xf32>
    %v22 = linalg.generic {indexing_maps = [#map2, #map2], iterator_types = ["parallel", "parallel"]} ins(%v21 : tensor<1x6xf32>) outs(%e21 : tensor<1x6xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.constant 1.0e-05 : f32
      %t1 = arith.addf %in0, %t0 : f32
      linalg.yield %t1 : f32
    } -> tensor<1x6xf32> loc("ln0")
    %e22 = tensor.empty() : tensor<1x6xf32>
    %v23 = linalg.generic {indexing_maps = [#map2, #map2], iterator_types = ["parallel", "parallel"]} ins(%v22 : tensor<1x6xf32>) outs(%e22 : tensor<1x6xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = math.rsqrt %in0 : f32
      linalg.yield %t0 : f32
    } -> tensor<1x6xf32> loc("ln0")
    %e23 = tensor.empty() : tensor<1x6x2xf32>
    %v24 = linalg.generic {indexing_maps = [#map0, #map1, #map0], iterator_types = ["parallel", "parallel", "parallel"]} ins(%v18, %v23 : tensor<1x6x2xf32>, tensor<1x6xf32>) outs(%e23 : tensor<1x6x2xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.mulf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<1x6x2xf32> loc("ln0")
    %e24 = tensor.empty() : tensor<1x6x2xf32>
    %v25 = linalg.generic {indexing_maps = [#map0, #map4, #map0], iterator_types = ["parallel", "parallel", "parallel"]} ins(%v24, %arg2 : tensor<1x6x2xf32>, tensor<2xf32>) outs(%e24 : tensor<1x6x2xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.mulf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<1x6x2xf32> loc("ln0")
    %e25 = tensor.empty() : tensor<1x6x2xf32>
    %v26 = linalg.generic {indexing_maps = [#map0, #map4, #map0], iterator_types = ["parallel", "parallel", "parallel"]} ins(%v25, %arg3 : tensor<1x6x2xf32>, tensor<2xf32>) outs(%e25 : tensor<1x6x2xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.addf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<1x6x2xf32> loc("ln0")
    %e26 = tensor.empty() : tensor<1x6x2xf32>
    %v27 = linalg.generic {indexing_maps = [#map0, #map0], iterator_types = ["parallel", "parallel", "parallel"]} ins(%v26 : tensor<1x6x2xf32>) outs(%e26 : tensor<1x6x2xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.constant 0.0 : f32
      %t1 = arith.maximumf %in0, %t0 : f32
      linalg.yield %t1 : f32
    } -> tensor<1x6x2xf32> loc("relu0")
    %e27 = tensor.empty() : tensor<1x6xf32>
    %init28 = linalg.fill ins(%cst1 : f32) outs(%e27 : tensor<1x6xf32>) -> tensor<1x6xf32> loc("ln1")
    %v30 = linalg.generic {indexing_maps = [#map0, #map1], iterator_types = ["parallel", "parallel", "reduction"]} ins(%v27 : tensor<1x6x2xf32>) outs(%init28 : tensor<1x6xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.addf %in0, %out : f32
      linalg.yield %t0 : f32
    } -> tensor<1x6xf32> loc("ln1")
    %e29 = tensor.empty() : tensor<1x6xf32>
    %v31 = linalg.generic {indexing_maps = [#map2, #map2], iterator_types = ["parallel", "parallel"]} ins(%v30 : tensor<1x6xf32>) outs(%e29 : tensor<1x6xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.constant 0.5 : f32
      %t1 = arith.mulf %in0, %t0 : f32
      linalg.yield %t1 : f32
    } -> tensor<1x6xf32> loc("ln1")
    %e30 = tensor.empty() : tensor<1x6x2xf32>
    %v32 = linalg.generic {indexing_maps = [#map0, #map1, #map0], iterator_types = ["parallel", "parallel", "parallel"]} ins(%v27, %v31 : tensor<1x6x2xf32>, tensor<1x6xf32>) outs(%e30 : tensor<1x6x2xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.subf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<1x6x2xf32> loc("ln1")
    %e31 = tensor.empty() : tensor<1x6x2xf32>
    %v33 = linalg.generic {indexing_maps = [#map0, #map0], iterator_types = ["parallel", "parallel", "parallel"]} ins(%v32 : tensor<1x6x2xf32>) outs(%e31 : tensor<1x6x2xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.mulf %in0, %in0 : f32
      linalg.yield %t0 : f32
    } -> tensor<1x6x2xf32> loc("ln1")
    %e32 = tensor.empty() : tensor<1x6xf32>
    %init33 = linalg.fill ins(%cst1 : f32) outs(%e32 : tensor<1x6xf32>) -> tensor<1x6xf32> loc("ln1")
    %v34 = linalg.generic {indexing_maps = [#map0, #map1], iterator_types = ["parallel", "parallel", "reduction"]} ins(%v33 : tensor<1x6x2xf32>) outs(%init33 : tensor<1x6xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.addf %in0, %out : f32
      linalg.yield %t0 : f32
    } -> tensor<1x6xf32> loc("ln1")
    %e34 = tensor.empty() : tensor<1x6xf32>
    %v35 = linalg.generic {indexing_maps = [#map2, #map2], iterator_types = ["parallel", "parallel"]} ins(%v34 : tensor<1x6xf32>) outs(%e34 : tensor<1x6xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.constant 0.5 : f32
      %t1 = arith.mulf %in0, %t0 : f32
      linalg.yield %t1 : f32
    } -> tensor<1x6xf32> loc("ln1")
    %e35 = tensor.empty() : tensor<1x6xf32>
    %v36 = linalg.generic {indexing_maps = [#map2, #map2], iterator_types = ["parallel", "parallel"]} ins(%v35 : tensor<1x6xf32>) outs(%e35 : tensor<1x6xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.constant 1.0e-05 : f32
      %t1 = arith.addf %in0, %t0 : f32
      linalg.yield %t1 : f32
    } -> tensor<1x6xf32> loc("ln1")
    %e36 = tensor.empty() : tensor<1x6xf32>
    %v37 = linalg.generic {indexing_maps = [#map2, #map2], iterator_types = ["parallel", "parallel"]} ins(%v36 : tensor<1x6xf32>) outs(%e36 : tensor<1x6xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = math.rsqrt %in0 : f32
      linalg.yield %t0 : f32
    } -> tensor<1x6xf32> loc("ln1")
    %e37 = tensor.empty() : tensor<1x6x2xf32>
    %v38 = linalg.generic {indexing_maps = [#map0, #map1, #map0], iterator_types = ["parallel", "parallel", "parallel"]} ins(%v32, %v37 : tensor<1x6x2xf32>, tensor<1x6xf32>) outs(%e37 : tensor<1x6x2xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.mulf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<1x6x2xf32> loc("ln1")
    %e38 = tensor.empty() : tensor<1x6x2xf32>
    %v39 = linalg.generic {indexing_maps = [#map0, #map4, #map0], iterator_types = ["parallel", "parallel", "parallel"]} ins(%v38, %arg4 : tensor<1x6x2xf32>, tensor<2xf32>) outs(%e38 : tensor<1x6x2xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.mulf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<1x6x2xf32> loc("ln1")
    %e39 = tensor.empty() : tensor<1x6x2xf32>
    %v40 = linalg.generic {indexing_maps = [#map0, #map4, #map0], iterator_types = ["parallel", "parallel", "parallel"]} ins(%v39, %arg5 : tensor<1x6x2xf32>, tensor<2xf32>) outs(%e39 : tensor<1x6x2xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.addf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<1x6x2xf32> loc("ln1")
    %e40 = tensor.empty() : tensor<1x2xf32>
    %init41 = linalg.fill ins(%cst1 : f32) outs(%e40 : tensor<1x2xf32>) -> tensor<1x2xf32> loc("mean0")
    %v41 = linalg.generic {indexing_maps = [#map0, #map5], iterator_types = ["parallel", "reduction", "parallel"]} ins(%v40 : tensor<1x6x2xf32>) outs(%init41 : tensor<1x2xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.addf %in0, %out : f32
      linalg.yield %t0 : f32
    } -> tensor<1x2xf32> loc("mean0")
    %e42 = tensor.empty() : tensor<1x2xf32>
    %v42 = linalg.generic {indexing_maps = [#map2, #map2], iterator_types = ["parallel", "parallel"]} ins(%v41 : tensor<1x2xf32>) outs(%e42 : tensor<1x2xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.constant 0.16666667 : f32
      %t1 = arith.mulf %in0, %t0 : f32
      linalg.yield %t1 : f32
    } -> tensor<1x2xf32> loc("mean0")
    %e43 = tensor.empty() : tensor<1x3xf32>
    %init44 = linalg.fill ins(%cst1 : f32) outs(%e43 : tensor<1x3xf32>) -> tensor<1x3xf32> loc("head")
    %v44 = linalg.matmul ins(%v42, %arg6 : tensor<1x2xf32>, tensor<2x3xf32>) outs(%init44 : tensor<1x3xf32>) -> tensor<1x3xf32> loc("head")
    %e45 = tensor.empty() : tensor<1x3xf32>
    %v46 = linalg.generic {indexing_maps = [#map2, #map3, #map2], iterator_types = ["parallel", "parallel"]} ins(%v44, %arg7 : tensor<1x3xf32>, tensor<3xf32>) outs(%e45 : tensor<1x3xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.addf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<1x3xf32> loc("head")
    %e46 = tensor.empty() : tensor<1x3xf32>
    %v48 = linalg.generic {indexing_maps = [#map6, #map2], iterator_types = ["parallel", "parallel"]} ins(%arg17 : tensor<1xi32>) outs(%e46 : tensor<1x3xf32>) {
    ^bb0(%in0: i32, %out: f32):
      %t0 = linalg.index 1 : index
      %t1 = arith.index_cast %in0 : i32 to index
      %t2 = arith.cmpi eq, %t0, %t1 : index
      %t3 = arith.constant 1.0 : f32
      %t4 = arith.constant 0.0 : f32
      %t5 = arith.select %t2, %t3, %t4 : f32
      linalg.yield %t5 : f32
    } -> tensor<1x3xf32> loc("loss_xent")
    %e47 = tensor.empty() : tensor<1xf32>
    %init48 = linalg.fill ins(%cst0 : f32) outs(%e47 : tensor<1xf32>) -> tensor<1xf32> loc("loss_xent")
    %v49 = linalg.generic {indexing_maps = [#map2, #map6], iterator_types = ["parallel", "reduction"]} ins(%v46 : tensor<1x3xf32>) outs(%init48 : tensor<1xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.maximumf %in0, %out : f32
      linalg.yield %t0 : f32
    } -> tensor<1xf32> loc("loss_xent")
    %e49 = tensor.empty() : tensor<1x3xf32>
    %v50 = linalg.generic {indexing_maps = [#map2, #map6, #map2], iterator_types = ["parallel", "parallel"]} ins(%v46, %v49 : tensor<1x3xf32>, tensor<1xf32>) outs(%e49 : tensor<1x3xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.subf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<1x3xf32> loc("loss_xent")
    %e50 = tensor.empty() : tensor<1x3xf32>
    %v51 = linalg.generic {indexing_maps = [#map2, #map2], iterator_types = ["parallel", "parallel"]} ins(%v50 : tensor<1x3xf32>) outs(%e50 : tensor<1x3xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = math.exp %in0 : f32
      linalg.yield %t0 : f32
    } -> tensor<1x3xf32> loc("loss_xent")
    %e51 = tensor.empty() : tensor<1xf32>
    %init52 = linalg.fill ins(%cst1 : f32) outs(%e51 : tensor<1xf32>) -> tensor<1xf32> loc("loss_xent")
    %v52 = linalg.generic {indexing_maps = [#map2, #map6], iterator_types = ["parallel", "reduction"]} ins(%v51 : tensor<1x3xf32>) outs(%init52 : tensor<1xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.addf %in0, %out : f32
      linalg.yield %t0 : f32
    } -> tensor<1xf32> loc("loss_xent")
    %e53 = tensor.empty() : tensor<1xf32>
    %v53 = linalg.generic {indexing_maps = [#map7, #map7], iterator_types = ["parallel"]} ins(%v52 : tensor<1xf32>) outs(%e53 : tensor<1xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = math.log %in0 : f32
      linalg.yield %t0 : f32
    } -> tensor<1xf32> loc("loss_xent")
    %e54 = tensor.empty() : tensor<1x3xf32>
    %v54 = linalg.generic {indexing_maps = [#map2, #map6, #map2], iterator_types = ["parallel", "parallel"]} ins(%v50, %v53 : tensor<1x3xf32>, tensor<1xf32>) outs(%e54 : tensor<1x3xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.subf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<1x3xf32> loc("loss_xent")
    %e55 = tensor.empty() : tensor<1x3xf32>
    %v55 = linalg.generic {indexing_maps = [#map2, #map2, #map2], iterator_types = ["parallel", "parallel"]} ins(%v48, %v54 : tensor<1x3xf32>, tensor<1x3xf32>) outs(%e55 : tensor<1x3xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.mulf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<1x3xf32> loc("loss_xent")
    %e56 = tensor.empty() : tensor<f32>
    %init57 = linalg.fill ins(%cst1 : f32) outs(%e56 : tensor<f32>) -> tensor<f32> loc("loss_xent")
    %v56 = linalg.generic {indexing_maps = [#map2, #map8], iterator_types = ["reduction", "reduction"]} ins(%v55 : tensor<1x3xf32>) outs(%init57 : tensor<f32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.addf %in0, %out : f32
      linalg.yield %t0 : f32
    } -> tensor<f32> loc("loss_xent")
    %e58 = tensor.empty() : tensor<f32>
    %v57 = linalg.generic {indexing_maps = [#map9, #map9], iterator_types = []} ins(%v56 : tensor<f32>) outs(%e58 : tensor<f32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.constant -1.0 : f32
      %t1 = arith.mulf %in0, %t0 : f32
      linalg.yield %t1 : f32
    } -> tensor<f32> loc("loss_xent")
    %v58 = mpt.loss %v57 : tensor<f32> loc("loss")
    %v59 = mpt.grad_seed %v58 : tensor<f32> loc("loss")
    %e59 = tensor.empty() : tensor<f32>
    %v60 = linalg.generic {indexing_maps = [#map9, #map9], iterator_types = []} ins(%v59 : tensor<f32>) outs(%e59 : tensor<f32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.constant -1.0 : f32
      %t1 = arith.mulf %in0, %t0 : f32
      linalg.yield %t1 : f32
    } -> tensor<f32> loc("loss_xent.grad")
    %e60 = tensor.empty() : tensor<1x3xf32>
    %v61 = linalg.generic {indexing_maps = [#map8, #map2], iterator_types = ["parallel", "parallel"]} ins(%v60 : tensor<f32>) outs(%e60 : tensor<1x3xf32>) {
    ^bb0(%in0: f32, %out: f32):
      linalg.yield %in0 : f32
    } -> tensor<1x3xf32> loc("loss_xent.grad")
    %e61 = tensor.empty() : tensor<1x3xf32>
    %v62 = linalg.generic {indexing_maps = [#map2, #map2, #map2], iterator_types = ["parallel", "parallel"]} ins(%v61, %v48 : tensor<1x3xf32>, tensor<1x3xf32>) outs(%e61 : tensor<1x3xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.mulf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<1x3xf32> loc("loss_xent.grad")
    %e62 = tensor.empty() : tensor<1x3xf32>
    %v63 = linalg.generic {indexing_maps = [#map2, #map2], iterator_types = ["parallel", "parallel"]} ins(%v62 : tensor<1x3xf32>) outs(%e62 : tensor<1x3xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.negf %in0 : f32
      linalg.yield %t0 : f32
    } -> tensor<1x3xf32> loc("loss_xent.grad")
    %e63 = tensor.empty() : tensor<1xf32>
    %init64 = linalg.fill ins(%cst1 : f32) outs(%e63 : tensor<1xf32>) -> tensor<1xf32> loc("loss_xent.grad")
    %v64 = linalg.generic {indexing_maps = [#map2, #map6], iterator_types = ["parallel", "reduction"]} ins(%v63 : tensor<1x3xf32>) outs(%init64 : tensor<1xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.addf %in0, %out : f32
      linalg.yield %t0 : f32
    } -> tensor<1xf32> loc("loss_xent.grad")
    %e65 = tensor.empty() : tensor<1xf32>
    %v65 = linalg.generic {indexing_maps = [#map7, #map7, #map7], iterator_types = ["parallel"]} ins(%v64, %v52 : tensor<1xf32>, tensor<1xf32>) outs(%e65 : tensor<1xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.divf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<1xf32> loc("loss_xent.grad")
    %e66 = tensor.empty() : tensor<1x3xf32>
    %v66 = linalg.generic {indexing_maps = [#map6, #map2], iterator_types = ["parallel", "parallel"]} ins(%v65 : tensor<1xf32>) outs(%e66 : tensor<1x3xf32>) {
    ^bb0(%in0: f32, %out: f32):
      linalg.yield %in0 : f32
    } -> tensor<1x3xf32> loc("loss_xent.grad")
    %e67 = tensor.empty() : tensor<1x3xf32>
    %v67 = linalg.generic {indexing_maps = [#map2, #map2, #map2], iterator_types = ["parallel", "parallel"]} ins(%v66, %v51 : tensor<1x3xf32>, tensor<1x3xf32>) outs(%e67 : tensor<1x3xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.mulf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<1x3xf32> loc("loss_xent.grad")
    %e68 = tensor.empty() : tensor<1x3xf32>
    %v68 = linalg.generic {indexing_maps = [#map2, #map2, #map2], iterator_types = ["parallel", "parallel"]} ins(%v62, %v67 : tensor<1x3xf32>, tensor<1x3xf32>) outs(%e68 : tensor<1x3xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.addf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<1x3xf32> loc("loss_xent.grad")
    %e69 = tensor.empty() : tensor<3xf32>
    %init70 = linalg.fill ins(%cst1 : f32) outs(%e69 : tensor<3xf32>) -> tensor<3xf32> loc("head.grad")
    %v69 = linalg.generic {indexing_maps = [#map2, #map3], iterator_types = ["reduction", "parallel"]} ins(%v68 : tensor<1x3xf32>) outs(%init70 : tensor<3xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.addf %in0, %out : f32
      linalg.yield %t0 : f32
    } -> tensor<3xf32> loc("head.grad")
    %e71 = tensor.empty() : tensor<3x2xf32>
    %v70 = linalg.transpose ins(%arg6 : tensor<2x3xf32>) outs(%e71 : tensor<3x2xf32>) permutation = [1, 0] loc("head.grad")
    %e72 = tensor.empty() : tensor<1x2xf32>
    %init73 = linalg.fill ins(%cst1 : f32) outs(%e72 : tensor<1x2xf32>) -> tensor<1x2xf32> loc("head.grad")
    %v71 = linalg.matmul ins(%v68, %v70 : tensor<1x3xf32>, tensor<3x2xf32>) outs(%init73 : tensor<1x2xf32>) -> tensor<1x2xf32> loc("head.grad")
    %e74 = tensor.empty() : tensor<2x1xf32>
    %v72 = linalg.transpose ins(%v42 : tensor<1x2xf32>) outs(%e74 : tensor<2x1xf32>) permutation = [1, 0] loc("head.grad")
    %e75 = tensor.empty() : tensor<2x3xf32>
    %init76 = linalg.fill ins(%cst1 : f32) outs(%e75 : tensor<2x3xf32>) -> tensor<2x3xf32> loc("head.grad")
    %v73 = linalg.matmul ins(%v72, %v68 : tensor<2x1xf32>, tensor<1x3xf32>) outs(%init76 : tensor<2x3xf32>) -> tensor<2x3xf32> loc("head.grad")
    %e77 = tensor.empty() : tensor<1x2xf32>
    %v74 = linalg.generic {indexing_maps = [#map2, #map2], iterator_types = ["parallel", "parallel"]} ins(%v71 : tensor<1x2xf32>) outs(%e77 : tensor<1x2xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.constant 0.16666667 : f32
      %t1 = arith.mulf %in0, %t0 : f32
      linalg.yield %t1 : f32
    } -> tensor<1x2xf32> loc("mean0.grad")
    %e78 = tensor.empty() : tensor<1x6x2xf32>
    %v75 = linalg.generic {indexing_maps = [#map5, #map0], iterator_types = ["parallel", "parallel", "parallel"]} ins(%v74 : tensor<1x2xf32>) outs(%e78 : tensor<1x6x2xf32>) {
    ^bb0(%in0: f32, %out: f32):
      linalg.yield %in0 : f32
    } -> tensor<1x6x2xf32> loc("mean0.grad")
    %e79 = tensor.empty() : tensor<2xf32>
    %init80 = linalg.fill ins(%cst1 : f32) outs(%e79 : tensor<2xf32>) -> tensor<2xf32> loc("ln1.grad")
    %v76 = linalg.generic {indexing_maps = [#map0, #map4], iterator_types = ["reduction", "reduction", "parallel"]} ins(%v75 : tensor<1x6x2xf32>) outs(%init80 : tensor<2xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.addf %in0, %out : f32
      linalg.yield %t0 : f32
    } -> tensor<2xf32> loc("ln1.grad")
    %e81 = tensor.empty() : tensor<1x6x2xf32>
    %v77 = linalg.generic {indexing_maps = [#map0, #map4, #map0], iterator_types = ["parallel", "parallel", "parallel"]} ins(%v75, %arg4 : tensor<1x6x2xf32>, tensor<2xf32>) outs(%e81 : tensor<1x6x2xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.mulf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<1x6x2xf32> loc("ln1.grad")
    %e82 = tensor.empty() : tensor<1x6x2xf32>
    %v78 = linalg.generic {indexing_maps = [#map0, #map0, #map0], iterator_types = ["parallel", "parallel", "parallel"]} ins(%v75, %v38 : tensor<1x6x2xf32>, tensor<1x6x2xf32>) outs(%e82 : tensor<1x6x2xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.mulf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<1x6x2xf32> loc("ln1.grad")
    %e83 = tensor.empty() : tensor<2xf32>
    %init84 = linalg.fill ins(%cst1 : f32) outs(%e83 : tensor<2xf32>) -> tensor<2xf32> loc("ln1.grad")
    %v79 = linalg.generic {indexing_maps = [#map0, #map4], iterator_types = ["reduction", "reduction", "parallel"]} ins(%v78 : tensor<1x6x2xf32>) outs(%init84 : tensor<2xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.addf %in0, %out : f32
      linalg.yield %t0 : f32
    } -> tensor<2xf32> loc("ln1.grad")
    %e85 = tensor.empty() : tensor<1x6x2xf32>
    %v80 = linalg.generic {indexing_maps = [#map0, #map1, #map0], iterator_types = ["parallel", "parallel", "parallel"]} ins(%v77, %v37 : tensor<1x6x2xf32>, tensor<1x6xf32>) outs(%e85 : tensor<1x6x2xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.mulf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<1x6x2xf32> loc("ln1.grad")
    %e86 = tensor.empty() : tensor<1x6x2xf32>
    %v81 = linalg.generic {indexing_maps = [#map0, #map0, #map0], iterator_types = ["parallel", "parallel", "parallel"]} ins(%v77, %v32 : tensor<1x6x2xf32>, tensor<1x6x2xf32>) outs(%e86 : tensor<1x6x2xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.mulf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<1x6x2xf32> loc("ln1.grad")
    %e87 = tensor.empty() : tensor<1x6xf32>
    %init88 = linalg.fill ins(%cst1 : f32) outs(%e87 : tensor<1x6xf32>) -> tensor<1x6xf32> loc("ln1.grad")
    %v82 = linalg.generic {indexing_maps = [#map0, #map1], iterator_types = ["parallel", "parallel", "reduction"]} ins(%v81 : tensor<1x6x2xf32>) outs(%init88 : tensor<1x6xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.addf %in0, %out : f32
      linalg.yield %t0 : f32
    } -> tensor<1x6xf32> loc("ln1.grad")
    %e89 = tensor.empty() : tensor<1x6xf32>
    %v83 = linalg.generic {indexing_maps = [#map2, #map2, #map2], iterator_types = ["parallel", "parallel"]} ins(%v37, %v82 : tensor<1x6xf32>, tensor<1x6xf32>) outs(%e89 : tensor<1x6xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.constant -0.5 : f32
      %t1 = arith.mulf %in1, %t0 : f32
      %t2 = arith.mulf %in0, %in0 : f32
      %t3 = arith.mulf %t2, %in0 : f32
      %t4 = arith.mulf %t1, %t3 : f32
      linalg.yield %t4 : f32
    } -> tensor<1x6xf32> loc("ln1.grad")
    %e90 = tensor.empty() : tensor<1x6xf32>
    %v84 = linalg.generic {indexing_maps = [#map2, #map2], iterator_types = ["parallel", "parallel"]} ins(%v83 : tensor<1x6xf32>) outs(%e90 : tensor<1x6xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.constant 0.5 : f32
      %t1 = arith.mulf %in0, %t0 : f32
      linalg.yield %t1 : f32
    } -> tensor<1x6xf32> loc("ln1.grad")
    %e91 = tensor.empty() : tensor<1x6x2xf32>
    %v85 = linalg.generic {indexing_maps = [#map1, #map0], iterator_types = ["parallel", "parallel", "parallel"]} ins(%v84 : tensor<1x6xf32>) outs(%e91 : tensor<1x6x2xf32>) {
    ^bb0(%in0: f32, %out: f32):
      linalg.yield %in0 : f32
    } -> tensor<1x6x2xf32> loc("ln1.grad")
    %e92 = tensor.empty() : tensor<1x6x2xf32>
    %v86 = linalg.generic {indexing_maps = [#map0, #map0, #map0], iterator_types = ["parallel", "parallel", "parallel"]} ins(%v85, %v32 : tensor<1x6x2xf32>, tensor<1x6x2xf32>) outs(%e92 : tensor<1x6x2xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.mulf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<1x6x2xf32> loc("ln1.grad")
    %e93 = tensor.empty() : tensor<1x6x2xf32>
    %v87 = linalg.generic {indexing_maps = [#map0, #map0], iterator_types = ["parallel", "parallel", "parallel"]} ins(%v86 : tensor<1x6x2xf32>) outs(%e93 : tensor<1x6x2xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.constant 2.0 : f32
      %t1 = arith.mulf %in0, %t0 : f32
      linalg.yield %t1 : f32
    } -> tensor<1x6x2xf32> loc("ln1.grad")
    %e94 = tensor.empty() : tensor<1x6x2xf32>
    %v88 = linalg.generic {indexing_maps = [#map0, #map0, #map0], iterator_types = ["parallel", "parallel", "parallel"]} ins(%v80, %v87 : tensor<1x6x2xf32>, tensor<1x6x2xf32>) outs(%e94 : tensor<1x6x2xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.addf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<1x6x2xf32> loc("ln1.grad")
    %e95 = tensor.empty() : tensor<1x6x2xf32>
    %v89 = linalg.generic {indexing_maps = [#map0, #map0], iterator_types = ["parallel", "parallel", "parallel"]} ins(%v88 : tensor<1x6x2xf32>) outs(%e95 : tensor<1x6x2xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.negf %in0 : f32
      linalg.yield %t0 : f32
    } -> tensor<1x6x2xf32> loc("ln1.grad")
    %e96 = tensor.empty() : tensor<1x6xf32>
    %init97 = linalg.fill ins(%cst1 : f32) outs(%e96 : tensor<1x6xf32>) -> tensor<1x6xf32> loc("ln1.grad")
    %v90 = linalg.generic {indexing_maps = [#map0, #map1], iterator_types = ["parallel", "parallel", "reduction"]} ins(%v89 : tensor<1x6x2xf32>) outs(%init97 : tensor<1x6xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.addf %in0, %out : f32
      linalg.yield %t0 : f32
    } -> tensor<1x6xf32> loc("ln1.grad")
    %e98 = tensor.empty() : tensor<1x6xf32>
    %v91 = linalg.generic {indexing_maps = [#map2, #map2], iterator_types = ["parallel", "parallel"]} ins(%v90 : tensor<1x6xf32>) outs(%e98 : tensor<1x6xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.constant 0.5 : f32
      %t1 = arith.mulf %in0, %t0 : f32
      linalg.yield %t1 : f32
    } -> tensor<1x6xf32> loc("ln1.grad")
    %e99 = tensor.empty() : tensor<1x6x2xf32>
    %v92 = linalg.generic {indexing_maps = [#map1, #map0], iterator_types = ["parallel", "parallel", "parallel"]} ins(%v91 : tensor<1x6xf32>) outs(%e99 : tensor<1x6x2xf32>) {
    ^bb0(%in0: f32, %out: f32):
      linalg.yield %in0 : f32
    } -> tensor<1x6x2xf32> loc("ln1.grad")
    %e100 = tensor.empty() : tensor<1x6x2xf32>
    %v93 = linalg.generic {indexing_maps = [#map0, #map0, #map0], iterator_types = ["parallel", "parallel", "parallel"]} ins(%v88, %v92 : tensor<1x6x2xf32>, tensor<1x6x2xf32>) outs(%e100 : tensor<1x6x2xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.addf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<1x6x2xf32> loc("relu0.grad")
    %e101 = tensor.empty() : tensor<1x6x2xf32>
    %v94 = linalg.generic {indexing_maps = [#map0, #map0, #map0], iterator_types = ["parallel", "parallel", "parallel"]} ins(%v26, %v93 : tensor<1x6x2xf32>, tensor<1x6x2xf32>) outs(%e101 : tensor<1x6x2xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.constant 0.0 : f32
      %t1 = arith.cmpf ogt, %in0, %t0 : f32
      %t2 = arith.select %t1, %in1, %t0 : f32
      linalg.yield %t2 : f32
    } -> tensor<1x6x2xf32> loc("relu0.grad")
    %e102 = tensor.empty() : tensor<2xf32>
    %init103 = linalg.fill ins(%cst1 : f32) outs(%e102 : tensor<2xf32>) -> tensor<2xf32> loc("ln0.grad")
    %v95 = linalg.generic {indexing_maps = [#map0, #map4], iterator_types = ["reduction", "reduction", "parallel"]} ins(%v94 : tensor<1x6x2xf32>) outs(%init103 : tensor<2xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.addf %in0, %out : f32
      linalg.yield %t0 : f32
    } -> tensor<2xf32> loc("ln0.grad")
    %e104 = tensor.empty() : tensor<1x6x2xf32>
    %v96 = linalg.generic {indexing_maps = [#map0, #map4, #map0], iterator_types = ["parallel", "parallel", "parallel"]} ins(%v94, %arg2 : tensor<1x6x2xf32>, tensor<2xf32>) outs(%e104 : tensor<1x6x2xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.mulf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<1x6x2xf32> loc("ln0.grad")
    %e105 = tensor.empty() : tensor<1x6x2xf32>
    %v97 = linalg.generic {indexing_maps = [#map0, #map0, #map0], iterator_types = ["parallel", "parallel", "parallel"]} ins(%v94, %v24 : tensor<1x6x2xf32>, tensor<1x6x2xf32>) outs(%e105 : tensor<1x6x2xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.mulf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<1x6x2xf32> loc("ln0.grad")
    %e106 = tensor.empty() : tensor<2xf32>
    %init107 = linalg.fill ins(%cst1 : f32) outs(%e106 : tensor<2xf32>) -> tensor<2xf32> loc("ln0.grad")
    %v98 = linalg.generic {indexing_maps = [#map0, #map4], iterator_types = ["reduction", "reduction", "parallel"]} ins(%v97 : tensor<1x6x2xf32>) outs(%init107 : tensor<2xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.addf %in0, %out : f32
      linalg.yield %t0 : f32
    } -> tensor<2xf32> loc("ln0.grad")
    %e108 = tensor.empty() : tensor<1x6x2xf32>
    %v99 = linalg.generic {indexing_maps = [#map0, #map1, #map0], iterator_types = ["parallel", "parallel", "parallel"]} ins(%v96, %v23 : tensor<1x6x2xf32>, tensor<1x6xf32>) outs(%e108 : tensor<1x6x2xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.mulf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<1x6x2xf32> loc("ln0.grad")
    %e109 = tensor.empty() : tensor<1x6x2xf32>
    %v100 = linalg.generic {indexing_maps = [#map0, #map0, #map0], iterator_types = ["parallel", "parallel", "parallel"]} ins(%v96, %v18 : tensor<1x6x2xf32>, tensor<1x6x2xf32>) outs(%e109 : tensor<1x6x2xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.mulf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<1x6x2xf32> loc("ln0.grad")
    %e110 = tensor.empty() : tensor<1x6xf32>
    %init111 = linalg.fill ins(%cst1 : f32) outs(%e110 : tensor<1x6xf32>) -> tensor<1x6xf32> loc("ln0.grad")
    %v101 = linalg.generic {indexing_maps = [#map0, #map1], iterator_types = ["parallel", "parallel", "reduction"]} ins(%v100 : tensor<1x6x2xf32>) outs(%init111 : tensor<1x6xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.addf %in0, %out : f32
      linalg.yield %t0 : f32
    } -> tensor<1x6xf32> loc("ln0.grad")
    %e112 = tensor.empty() : tensor<1x6xf32>
    %v102 = linalg.generic {indexing_maps = [#map2, #map2, #map2], iterator_types = ["parallel", "parallel"]} ins(%v23, %v101 : tensor<1x6xf32>, tensor<1x6xf32>) outs(%e112 : tensor<1x6xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.constant -0.5 : f32
      %t1 = arith.mulf %in1, %t0 : f32
      %t2 = arith.mulf %in0, %in0 : f32
      %t3 = arith.mulf %t2, %in0 : f32
      %t4 = arith.mulf %t1, %t3 : f32
      linalg.yield %t4 : f32
    } -> tensor<1x6xf32> loc("ln0.grad")
    %e113 = tensor.empty() : tensor<1x6xf32>
    %v103 = linalg.generic {indexing_maps = [#map2, #map2], iterator_types = ["parallel", "parallel"]} ins(%v102 : tensor<1x6xf32>) outs(%e113 : tensor<1x6xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.constant 0.5 : f32
      %t1 = arith.mulf %in0, %t0 : f32
      linalg.yield %t1 : f32
    } -> tensor<1x6xf32> loc("ln0.grad")
    %e114 = tensor.empty() : tensor<1x6x2xf32>
    %v104 = linalg.generic {indexing_maps = [#map1, #map0], iterator_types = ["parallel", "parallel", "parallel"]} ins(%v103 : tensor<1x6xf32>) outs(%e114 : tensor<1x6x2xf32>) {
    ^bb0(%in0: f32, %out: f32):
      linalg.yield %in0 : f32
    } -> tensor<1x6x2xf32> loc("ln0.grad")
    %e115 = tensor.empty() : tensor<1x6x2xf32>
    %v105 = linalg.generic {indexing_maps = [#map0, #map0, #map0], iterator_types = ["parallel", "parallel", "parallel"]} ins(%v104, %v18 : tensor<1x6x2xf32>, tensor<1x6x2xf32>) outs(%e115 : tensor<1x6x2xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.mulf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<1x6x2xf32> loc("ln0.grad")
    %e116 = tensor.empty() : tensor<1x6x2xf32>
    %v106 = linalg.generic {indexing_maps = [#map0, #map0], iterator_types = ["parallel", "parallel", "parallel"]} ins(%v105 : tensor<1x6x2xf32>) outs(%e116 : tensor<1x6x2xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.constant 2.0 : f32
      %t1 = arith.mulf %in0, %t0 : f32
      linalg.yield %t1 : f32
    } -> tensor<1x6x2xf32> loc("ln0.grad")
    %e117 = tensor.empty() : tensor<1x6x2xf32>
    %v107 = linalg.generic {indexing_maps = [#map0, #map0, #map0], iterator_types = ["parallel", "parallel", "parallel"]} ins(%v99, %v106 : tensor<1x6x2xf32>, tensor<1x6x2xf32>) outs(%e117 : tensor<1x6x2xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.addf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<1x6x2xf32> loc("ln0.grad")
    %e118 = tensor.empty() : tensor<1x6x2xf32>
    %v108 = linalg.generic {indexing_maps = [#map0, #map0], iterator_types = ["parallel", "parallel", "parallel"]} ins(%v107 : tensor<1x6x2xf32>) outs(%e118 : tensor<1x6x2xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.negf %in0 : f32
      linalg.yield %t0 : f32
    } -> tensor<1x6x2xf32> loc("ln0.grad")
    %e119 = tensor.empty() : tensor<1x6xf32>
    %init120 = linalg.fill ins(%cst1 : f32) outs(%e119 : tensor<1x6xf32>) -> tensor<1x6xf32> loc("ln0.grad")
    %v109 = linalg.generic {indexing_maps = [#map0, #map1], iterator_types = ["parallel", "parallel", "reduction"]} ins(%v108 : tensor<1x6x2xf32>) outs(%init120 : tensor<1x6xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.addf %in0, %out : f32
      linalg.yield %t0 : f32
    } -> tensor<1x6xf32> loc("ln0.grad")
    %e121 = tensor.empty() : tensor<1x6xf32>
    %v110 = linalg.generic {indexing_maps = [#map2, #map2], iterator_types = ["parallel", "parallel"]} ins(%v109 : tensor<1x6xf32>) outs(%e121 : tensor<1x6xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.constant 0.5 : f32
      %t1 = arith.mulf %in0, %t0 : f32
      linalg.yield %t1 : f32
    } -> tensor<1x6xf32> loc("ln0.grad")
    %e122 = tensor.empty() : tensor<1x6x2xf32>
    %v111 = linalg.generic {indexing_maps = [#map1, #map0], iterator_types = ["parallel", "parallel", "parallel"]} ins(%v110 : tensor<1x6xf32>) outs(%e122 : tensor<1x6x2xf32>) {
    ^bb0(%in0: f32, %out: f32):
      linalg.yield %in0 : f32
    } -> tensor<1x6x2xf32> loc("ln0.grad")
    %e123 = tensor.empty() : tensor<1x6x2xf32>
    %v112 = linalg.generic {indexing_maps = [#map0, #map0, #map0], iterator_types = ["parallel", "parallel", "parallel"]} ins(%v107, %v111 : tensor<1x6x2xf32>, tensor<1x6x2xf32>) outs(%e123 : tensor<1x6x2xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.addf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<1x6x2xf32> loc("add0.grad")
    %v113 = tensor.collapse_shape %v112 [[0, 1], [2]] : tensor<1x6x2xf32> into tensor<6x2xf32> loc("dense0.grad")
    %e124 = tensor.empty() : tensor<6x2xf32>
    %v114 = linalg.generic {indexing_maps = [#map2, #map2, #map2], iterator_types = ["parallel", "parallel"]} ins(%v10, %v113 : tensor<6x2xf32>, tensor<6x2xf32>) outs(%e124 : tensor<6x2xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.mulf %in0, %in0 : f32
      %t1 = arith.mulf %t0, %in0 : f32
      %t2 = arith.constant 0.044715 : f32
      %t3 = arith.mulf %t2, %t1 : f32
      %t4 = arith.addf %in0, %t3 : f32
      %t5 = arith.constant 0.7978846 : f32
      %t6 = arith.mulf %t5, %t4 : f32
      %t7 = math.tanh %t6 : f32
      %t8 = arith.constant 1.0 : f32
      %t9 = arith.constant 0.5 : f32
      %t10 = arith.addf %t8, %t7 : f32
      %t11 = arith.mulf %t9, %t10 : f32
      %t12 = arith.mulf %t7, %t7 : f32
      %t13 = arith.subf %t8, %t12 : f32
      %t14 = arith.mulf %in0, %in0 : f32
      %t15 = arith.constant 0.134145 : f32
      %t16 = arith.mulf %t15, %t14 : f32
      %t17 = arith.addf %t8, %t16 : f32
      %t18 = arith.mulf %t9, %in0 : f32
      %t19 = arith.mulf %t18, %t13 : f32
      %t20 = arith.constant 0.7978846 : f32
      %t21 = arith.mulf %t20, %t17 : f32
      %t22 = arith.mulf %t19, %t21 : f32
      %t23 = arith.addf %t11, %t22 : f32
      %t24 = arith.mulf %in1, %t23 : f32
      linalg.yield %t24 : f32
    } -> tensor<6x2xf32> loc("dense0.grad")
    %e125 = tensor.empty() : tensor<2xf32>
    %init126 = linalg.fill ins(%cst1 : f32) outs(%e125 : tensor<2xf32>) -> tensor<2xf32> loc("dense0.grad")
    %v115 = linalg.generic {indexing_maps = [#map2, #map3], iterator_types = ["reduction", "parallel"]} ins(%v114 : tensor<6x2xf32>) outs(%init126 : tensor<2xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.addf %in0, %out : f32
      linalg.yield %t0 : f32
    } -> tensor<2xf32> loc("dense0.grad")
    %e127 = tensor.empty() : tensor<2x6xf32>
    %v116 = linalg.transpose ins(%v7 : tensor<6x2xf32>) outs(%e127 : tensor<2x6xf32>) permutation = [1, 0] loc("dense0.grad")
    %e128 = tensor.empty() : tensor<2x2xf32>
    %init129 = linalg.fill ins(%cst1 : f32) outs(%e128 : tensor<2x2xf32>) -> tensor<2x2xf32> loc("dense0.grad")
    %v117 = linalg.matmul ins(%v116, %v114 : tensor<2x6xf32>, tensor<6x2xf32>) outs(%init129 : tensor<2x2xf32>) -> tensor<2x2xf32> loc("dense0.grad")
    %new0, %new0_m = mpt.sgd %arg0, %v117 momentum_buffer(%arg8) {lr = 0.225 : f32, momentum = 0.99 : f32, dampening = 0.1 : f32, weight_decay = 0.01 : f32} : tensor<2x2xf32> loc("dense0.weight")
    %new1, %new1_m = mpt.sgd %arg1, %v115 momentum_buffer(%arg9) {lr = 0.225 : f32, momentum = 0.99 : f32, dampening = 0.1 : f32, weight_decay = 0.01 : f32} : tensor<2xf32> loc("dense0.bias")
    %new2, %new2_m = mpt.sgd %arg2, %v98 momentum_buffer(%arg10) {lr = 0.225 : f32, momentum = 0.99 : f32, dampening = 0.1 : f32, weight_decay = 0.01 : f32} : tensor<2xf32> loc("ln0.weight")
    %new3, %new3_m = mpt.sgd %arg3, %v95 momentum_buffer(%arg11) {lr = 0.225 : f32, momentum = 0.99 : f32, dampening = 0.1 : f32, weight_decay = 0.01 : f32} : tensor<2xf32> loc("ln0.bias")
    %new4, %new4_m = mpt.sgd %arg4, %v79 momentum_buffer(%arg12) {lr = 0.225 : f32, momentum = 0.99 : f32, dampening = 0.1 : f32, weight_decay = 0.01 : f32} : tensor<2xf32> loc("ln1.weight")
    %new5, %new5_m = mpt.sgd %arg5, %v76 momentum_buffer(%arg13) {lr = 0.225 : f32, momentum = 0.99 : f32, dampening = 0.1 : f32, weight_decay = 0.01 : f32} : tensor<2xf32> loc("ln1.bias")
    %new6, %new6_m = mpt.sgd %arg6, %v73 momentum_buffer(%arg14) {lr = 0.225 : f32, momentum = 0.99 : f32, dampening = 0.1 : f32, weight_decay = 0.01 : f32} : tensor<2x3xf32> loc("head.weight")
    %new7, %new7_m = mpt.sgd %arg7, %v69 momentum_buffer(%arg15) {lr = 0.225 : f32, momentum = 0.99 : f32, dampening = 0.1 : f32, weight_decay = 0.01 : f32} : tensor<3xf32> loc("head.bias")
    return %new0, %new1, %new2, %new3, %new4, %new5, %new6, %new7, %new0_m, %new1_m, %new2_m, %new3_m, %new4_m, %new5_m, %new6_m, %new7_m, %v58 : tensor<2x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2x3xf32>, tensor<3xf32>, tensor<2x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2x3xf32>, tensor<3xf32>, tensor<f32>
  }
  func.func @eval_step(%arg0: tensor<2x2xf32> {mpt.role = #mpt.role<param>, mpt.name = "dense0.weight", mpt.init = #mpt.init<dist = uniform, low = -1.7320508075688772, high = 1.7320508075688772, seed = 3912711913782396589>}, %arg1: tensor<2xf32> {mpt.role = #mpt.role<param>, mpt.name = "dense0.bias", mpt.init = #mpt.init<dist = zeros>}, %arg2: tensor<2xf32> {mpt.role = #mpt.role<param>, mpt.name = "ln0.weight", mpt.init = #mpt.init<dist = constant, value = 1.0>}, %arg3: tensor<2xf32> {mpt.role = #mpt.role<param>, mpt.name = "ln0.bias", mpt.init = #mpt.init<dist = zeros>}, %arg4: tensor<2xf32> {mpt.role = #mpt.role<param>, mpt.name = "ln1.weight", mpt.init = #mpt.init<dist = constant, value = 1.0>}, %arg5: tensor<2xf32> {mpt.role = #mpt.role<param>, mpt.name = "ln1.bias", mpt.init = #mpt.init<dist = zeros>}, %arg6: tensor<2x3xf32> {mpt.role = #mpt.role<param>, mpt.name = "head.weight", mpt.init = #mpt.init<dist = uniform, low = -1.0954451150103321, high = 1.0954451150103321, seed = 638975682661077781>}, %arg7: tensor<3xf32> {mpt.role = #mpt.role<param>, mpt.name = "head.bias", mpt.init = #mpt.init<dist = zeros>}, %arg8: tensor<1x6x2xf32> {mpt.role = #mpt.role<input>, mpt.name = "x"}, %arg9: tensor<1xi32> {mpt.role = #mpt.role<input>, mpt.name = "y"}) -> (tensor<f32> {mpt.role = #mpt.role<loss>}, tensor<1x3xf32> {mpt.role = #mpt.role<output>, mpt.name = "logits"}) {
    %cst0 = arith.constant 0xFF800000 : f32
    %cst1 = arith.constant 0.0 : f32
    %e1 = tensor.empty() : tensor<1x6xf32>
    %init2 = linalg.fill ins(%cst0 : f32) outs(%e1 : tensor<1x6xf32>) -> tensor<1x6xf32> loc("softmax0")
    %v1 = linalg.generic {indexing_maps = [#map0, #map1], iterator_types = ["parallel", "parallel", "reduction"]} ins(%arg8 : tensor<1x6x2xf32>) outs(%init2 : tensor<1x6xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.maximumf %in0, %out : f32
      linalg.yield %t0 : f32
    } -> tensor<1x6xf32> loc("softmax0")
    %e3 = tensor.empty() : tensor<1x6x2xf32>
    %v2 = linalg.generic {indexing_maps = [#map0, #map1, #map0], iterator_types = ["parallel", "parallel", "parallel"]} ins(%arg8, %v1 : tensor<1x6x2xf32>, tensor<1x6xf32>) outs(%e3 : tensor<1x6x2xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.subf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<1x6x2xf32> loc("softmax0")
    %e4 = tensor.empty() : tensor<1x6x2xf32>
    %v3 = linalg.generic {indexing_maps = [#map0, #map0], iterator_types = ["parallel", "parallel", "parallel"]} ins(%v2 : tensor<1x6x2xf32>) outs(%e4 : tensor<1x6x2xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = math.exp %in0 : f32
      linalg.yield %t0 : f32
    } -> tensor<1x6x2xf32> loc("softmax0")
    %e5 = tensor.empty() : tensor<1x6xf32>
    %init6 = linalg.fill ins(%cst1 : f32) outs(%e5 : tensor<1x6xf32>) -> tensor<1x6xf32> loc("softmax0")
    %v4 = linalg.generic {indexing_maps = [#map0, #map1], iterator_types = ["parallel", "parallel", "reduction"]} ins(%v3 : tensor<1x6x2xf32>) outs(%init6 : tensor<1x6xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.addf %in0, %out : f32
      linalg.yield %t0 : f32
    } -> tensor<1x6xf32> loc("softmax0")
    %e7 = tensor.empty() : tensor<1x6x2xf32>
    %v5 = linalg.generic {indexing_maps = [#map0, #map1, #map0], iterator_types = ["parallel", "parallel", "parallel"]} ins(%v3, %v4 : tensor<1x6x2xf32>, tensor<1x6xf32>) outs(%e7 : tensor<1x6x2xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.divf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<1x6x2xf32> loc("softmax0")
    %v7 = tensor.collapse_shape %v5 [[0, 1], [2]] : tensor<1x6x2xf32> into tensor<6x2xf32> loc("dense0")
    %e8 = tensor.empty() : tensor<6x2xf32>
    %init9 = linalg.fill ins(%cst1 : f32) outs(%e8 : tensor<6x2xf32>) -> tensor<6x2xf32> loc("dense0")
    %v8 = linalg.matmul ins(%v7, %arg0 : tensor<6x2xf32>, tensor<2x2xf32>) outs(%init9 : tensor<6x2xf32>) -> tensor<6x2xf32> loc("dense0")
    %e10 = tensor.empty() : tensor<6x2xf32>
    %v10 = linalg.generic {indexing_maps = [#map2, #map3, #map2], iterator_types = ["parallel", "parallel"]} ins(%v8, %arg1 : tensor<6x2xf32>, tensor<2xf32>) outs(%e10 : tensor<6x2xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.addf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<6x2xf32> loc("dense0")
    %e11 = tensor.empty() : tensor<6x2xf32>
    %v11 = linalg.generic {indexing_maps = [#map2, #map2], iterator_types = ["parallel", "parallel"]} ins(%v10 : tensor<6x2xf32>) outs(%e11 : tensor<6x2xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.mulf %in0, %in0 : f32
      %t1 = arith.mulf %t0, %in0 : f32
      %t2 = arith.constant 0.044715 : f32
      %t3 = arith.mulf %t2, %t1 : f32
      %t4 = arith.addf %in0, %t3 : f32
      %t5 = arith.constant 0.7978846 : f32
      %t6 = arith.mulf %t5, %t4 : f32
      %t7 = math.tanh %t6 : f32
      %t8 = arith.constant 1.0 : f32
      %t9 = arith.addf %t8, %t7 : f32
      %t10 = arith.constant 0.5 : f32
      %t11 = arith.mulf %t10, %in0 : f32
      %t12 = arith.mulf %t11, %t9 : f32
      linalg.yield %t12 : f32
    } -> tensor<6x2xf32> loc("dense0")
    %v12 = tensor.expand_shape %v11 [[0, 1], [2]] output_shape [1, 6, 2] : tensor<6x2xf32> into tensor<1x6x2xf32> loc("dense0")
    %e12 = tensor.empty() : tensor<1x6x2xf32>
    %v13 = linalg.generic {indexing_maps = [#map0, #map0, #map0], iterator_types = ["parallel", "parallel", "parallel"]} ins(%v5, %v12 : tensor<1x6x2xf32>, tensor<1x6x2xf32>) outs(%e12 : tensor<1x6x2xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.addf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<1x6x2xf32> loc("add0")
    %e13 = tensor.empty() : tensor<1x6xf32>
    %init14 = linalg.fill ins(%cst1 : f32) outs(%e13 : tensor<1x6xf32>) -> tensor<1x6xf32> loc("ln0")
    %v16 = linalg.generic {indexing_maps = [#map0, #map1], iterator_types = ["parallel", "parallel", "reduction"]} ins(%v13 : tensor<1x6x2xf32>) outs(%init14 : tensor<1x6xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.addf %in0, %out : f32
      linalg.yield %t0 : f32
    } -> tensor<1x6xf32> loc("ln0")
    %e15 = tensor.empty() : tensor<1x6xf32>
    %v17 = linalg.generic {indexing_maps = [#map2, #map2], iterator_types = ["parallel", "parallel"]} ins(%v16 : tensor<1x6xf32>) outs(%e15 : tensor<1x6xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.constant 0.5 : f32
      %t1 = arith.mulf %in0, %t0 : f32
      linalg.yield %t1 : f32
    } -> tensor<1x6xf32> loc("ln0")
    %e16 = tensor.empty() : tensor<1x6x2xf32>
    %v18 = linalg.generic {indexing_maps = [#map0, #map1, #map0], iterator_types = ["parallel", "parallel", "parallel"]} ins(%v13, %v17 : tensor<1x6x2xf32>, tensor<1x6xf32>) outs(%e16 : tensor<1x6x2xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.subf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<1x6x2xf32> loc("ln0")
    %e17 = tensor.empty() : tensor<1x6x2xf32>
    %v19 = linalg.generic {indexing_maps = [#map0, #map0], iterator_types = ["parallel", "parallel", "parallel"]} ins(%v18 : tensor<1x6x2xf32>) outs(%e17 : tensor<1x6x2xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.mulf %in0, %in0 : f32
      linalg.yield %t0 : f32
    } -> tensor<1x6x2xf32> loc("ln0")
    %e18 = tensor.empty() : tensor<1x6xf32>
    %init19 = linalg.fill ins(%cst1 : f32) outs(%e18 : tensor<1x6xf32>) -> tensor<1x6xf32> loc("ln0")
    %v20 = linalg.generic {indexing_maps = [#map0, #map1], iterator_types = ["parallel", "parallel", "reduction"]} ins(%v19 : tensor<1x6x2xf32>) outs(%init19 : tensor<1x6xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.addf %in0, %out : f32
      linalg.yield %t0 : f32
    } -> tensor<1x6xf32> loc("ln0")
    %e20 = tensor.empty() : tensor<1x6xf32>
    %v21 = linalg.generic {indexing_maps = [#map2, #map2], iterator_types = ["parallel", "parallel"]} ins(%v20 : tensor<1x6xf32>) outs(%e20 : tensor<1x6xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.constant 0.5 : f32
      %t1 = arith.mulf %in0, %t0 : f32
      linalg.yield %t1 : f32
    } -> tensor<1x6xf32> loc("ln0")
    %e21 = tensor.empty() : tensor<1x6xf32>
    %v22 = linalg.generic {indexing_maps = [#map2, #map2], iterator_types = ["parallel", "parallel"]} ins(%v21 : tensor<1x6xf32>) outs(%e21 : tensor<1x6xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.constant 1.0e-05 : f32
      %t1 = arith.addf %in0, %t0 : f32
      linalg.yield %t1 : f32
    } -> tensor<1x6xf32> loc("ln0")
    %e22 = tensor.empty() : tensor<1x6xf32>
    %v23 = linalg.generic {indexing_maps = [#map2, #map2], iterator_types = ["parallel", "parallel"]} ins(%v22 : tensor<1x6xf32>) outs(%e22 : tensor<1x6xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = math.rsqrt %in0 : f32
      linalg.yield %t0 : f32
    } -> tensor<1x6xf32> loc("ln0")
    %e23 = tensor.empty() : tensor<1x6x2xf32>
    %v24 = linalg.generic {indexing_maps = [#map0, #map1, #map0], iterator_types = ["parallel", "parallel", "parallel"]} ins(%v18, %v23 : tensor<1x6x2xf32>, tensor<1x6xf32>) outs(%e23 : tensor<1x6x2xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.mulf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<1x6x2xf32> loc("ln0")
    %e24 = tensor.empty() : tensor<1x6x2xf32>
    %v25 = linalg.generic {indexing_maps = [#map0, #map4, #map0], iterator_types = ["parallel", "parallel", "parallel"]} ins(%v24, %arg2 : tensor<1x6x2xf32>, tensor<2xf32>) outs(%e24 : tensor<1x6x2xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.mulf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<1x6x2xf32> loc("ln0")
    %e25 = tensor.empty() : tensor<1x6x2xf32>
    %v26 = linalg.generic {indexing_maps = [#map0, #map4, #map0], iterator_types = ["parallel", "parallel", "parallel"]} ins(%v25, %arg3 : tensor<1x6x2xf32>, tensor<2xf32>) outs(%e25 : tensor<1x6x2xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.addf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<1x6x2xf32> loc("ln0")
    %e26 = tensor.empty() : tensor<1x6x2xf32>
    %v27 = linalg.generic {indexing_maps = [#map0, #map0], iterator_types = ["parallel", "parallel", "parallel"]} ins(%v26 : tensor<1x6x2xf32>) outs(%e26 : tensor<1x6x2xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.constant 0.0 : f32
      %t1 = arith.maximumf %in0, %t0 : f32
      linalg.yield %t1 : f32
    } -> tensor<1x6x2xf32> loc("relu0")
    %e27 = tensor.empty() : tensor<1x6xf32>
    %init28 = linalg.fill ins(%cst1 : f32) outs(%e27 : tensor<1x6xf32>) -> tensor<1x6xf32> loc("ln1")
    %v30 = linalg.generic {indexing_maps = [#map0, #map1], iterator_types = ["parallel", "parallel", "reduction"]} ins(%v27 : tensor<1x6x2xf32>) outs(%init28 : tensor<1x6xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.addf %in0, %out : f32
      linalg.yield %t0 : f32
    } -> tensor<1x6xf32> loc("ln1")
    %e29 = tensor.empty() : tensor<1x6xf32>
    %v31 = linalg.generic {indexing_maps = [#map2, #map2], iterator_types = ["parallel", "parallel"]} ins(%v30 : tensor<1x6xf32>) outs(%e29 : tensor<1x6xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.constant 0.5 : f32
      %t1 = arith.mulf %in0, %t0 : f32
      linalg.yield %t1 : f32
    } -> tensor<1x6xf32> loc("ln1")
    %e30 = tensor.empty() : tensor<1x6x2xf32>
    %v32 = linalg.generic {indexing_maps = [#map0, #map1, #map0], iterator_types = ["parallel", "parallel", "parallel"]} ins(%v27, %v31 : tensor<1x6x2xf32>, tensor<1x6xf32>) outs(%e30 : tensor<1x6x2xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.subf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<1x6x2xf32> loc("ln1")
    %e31 = tensor.empty() : tensor<1x6x2xf32>
    %v33 = linalg.generic {indexing_maps = [#map0, #map0], iterator_types = ["parallel", "parallel", "parallel"]} ins(%v32 : tensor<1x6x2xf32>) outs(%e31 : tensor<1x6x2xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.mulf %in0, %in0 : f32
      linalg.yield %t0 : f32
    } -> tensor<1x6x2xf32> loc("ln1")
    %e32 = tensor.empty() : tensor<1x6xf32>
    %init33 = linalg.fill ins(%cst1 : f32) outs(%e32 : tensor<1x6xf32>) -> tensor<1x6xf32> loc("ln1")
    %v34 = linalg.generic {indexing_maps = [#map0, #map1], iterator_types = ["parallel", "parallel", "reduction"]} ins(%v33 : tensor<1x6x2xf32>) outs(%init33 : tensor<1x6xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.addf %in0, %out : f32
      linalg.yield %t0 : f32
    } -> tensor<1x6xf32> loc("ln1")
    %e34 = tensor.empty() : tensor<1x6xf32>
    %v35 = linalg.generic {indexing_maps = [#map2, #map2], iterator_types = ["parallel", "parallel"]} ins(%v34 : tensor<1x6xf32>) outs(%e34 : tensor<1x6xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.constant 0.5 : f32
      %t1 = arith.mulf %in0, %t0 : f32
      linalg.yield %t1 : f32
    } -> tensor<1x6xf32> loc("ln1")
    %e35 = tensor.empty() : tensor<1x6xf32>
    %v36 = linalg.generic {indexing_maps = [#map2, #map2], iterator_types = ["parallel", "parallel"]} ins(%v35 : tensor<1x6xf32>) outs(%e35 : tensor<1x6xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.constant 1.0e-05 : f32
      %t1 = arith.addf %in0, %t0 : f32
      linalg.yield %t1 : f32
    } -> tensor<1x6xf32> loc("ln1")
    %e36 = tensor.empty() : tensor<1x6xf32>
    %v37 = linalg.generic {indexing_maps = [#map2, #map2], iterator_types = ["parallel", "parallel"]} ins(%v36 : tensor<1x6xf32>) outs(%e36 : tensor<1x6xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = math.rsqrt %in0 : f32
      linalg.yield %t0 : f32
    } -> tensor<1x6xf32> loc("ln1")
    %e37 = tensor.empty() : tensor<1x6x2xf32>
    %v38 = linalg.generic {indexing_maps = [#map0, #map1, #map0], iterator_types = ["parallel", "parallel", "parallel"]} ins(%v32, %v37 : tensor<1x6x2xf32>, tensor<1x6xf32>) outs(%e37 : tensor<1x6x2xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.mulf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<1x6x2xf32> loc("ln1")
    %e38 = tensor.empty() : tensor<1x6x2xf32>
    %v39 = linalg.generic {indexing_maps = [#map0, #map4, #map0], iterator_types = ["parallel", "parallel", "parallel"]} ins(%v38, %arg4 : tensor<1x6x2xf32>, tensor<2xf32>) outs(%e38 : tensor<1x6x2xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.mulf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<1x6x2xf32> loc("ln1")
    %e39 = tensor.empty() : tensor<1x6x2xf32>
    %v40 = linalg.generic {indexing_maps = [#map0, #map4, #map0], iterator_types = ["parallel", "parallel", "parallel"]} ins(%v39, %arg5 : tensor<1x6x2xf32>, tensor<2xf32>) outs(%e39 : tensor<1x6x2xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.addf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<1x6x2xf32> loc("ln1")
    %e40 = tensor.empty() : tensor<1x2xf32>
    %init41 = linalg.fill ins(%cst1 : f32) outs(%e40 : tensor<1x2xf32>) -> tensor<1x2xf32> loc("mean0")
    %v41 = linalg.generic {indexing_maps = [#map0, #map5], iterator_types = ["parallel", "reduction", "parallel"]} ins(%v40 : tensor<1x6x2xf32>) outs(%init41 : tensor<1x2xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.addf %in0, %out : f32
      linalg.yield %t0 : f32
    } -> tensor<1x2xf32> loc("mean0")
    %e42 = tensor.empty() : tensor<1x2xf32>
    %v42 = linalg.generic {indexing_maps = [#map2, #map2], iterator_types = ["parallel", "parallel"]} ins(%v41 : tensor<1x2xf32>) outs(%e42 : tensor<1x2xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.constant 0.16666667 : f32
      %t1 = arith.mulf %in0, %t0 : f32
      linalg.yield %t1 : f32
    } -> tensor<1x2xf32> loc("mean0")
    %e43 = tensor.empty() : tensor<1x3xf32>
    %init44 = linalg.fill ins(%cst1 : f32) outs(%e43 : tensor<1x3xf32>) -> tensor<1x3xf32> loc("head")
    %v44 = linalg.matmul ins(%v42, %arg6 : tensor<1x2xf32>, tensor<2x3xf32>) outs(%init44 : tensor<1x3xf32>) -> tensor<1x3xf32> loc("head")
    %e45 = tensor.empty() : tensor<1x3xf32>
    %v46 = linalg.generic {indexing_maps = [#map2, #map3, #map2], iterator_types = ["parallel", "parallel"]} ins(%v44, %arg7 : tensor<1x3xf32>, tensor<3xf32>) outs(%e45 : tensor<1x3xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.addf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<1x3xf32> loc("head")
    %e46 = tensor.empty() : tensor<1x3xf32>
    %v48 = linalg.generic {indexing_maps = [#map6, #map2], iterator_types = ["parallel", "parallel"]} ins(%arg9 : tensor<1xi32>) outs(%e46 : tensor<1x3xf32>) {
    ^bb0(%in0: i32, %out: f32):
      %t0 = linalg.index 1 : index
      %t1 = arith.index_cast %in0 : i32 to index
      %t2 = arith.cmpi eq, %t0, %t1 : index
      %t3 = arith.constant 1.0 : f32
      %t4 = arith.constant 0.0 : f32
      %t5 = arith.select %t2, %t3, %t4 : f32
      linalg.yield %t5 : f32
    } -> tensor<1x3xf32> loc("loss_xent")
    %e47 = tensor.empty() : tensor<1xf32>
    %init48 = linalg.fill ins(%cst0 : f32) outs(%e47 : tensor<1xf32>) -> tensor<1xf32> loc("loss_xent")
    %v49 = linalg.generic {indexing_maps = [#map2, #map6], iterator_types = ["parallel", "reduction"]} ins(%v46 : tensor<1x3xf32>) outs(%init48 : tensor<1xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.maximumf %in0, %out : f32
      linalg.yield %t0 : f32
    } -> tensor<1xf32> loc("loss_xent")
    %e49 = tensor.empty() : tensor<1x3xf32>
    %v50 = linalg.generic {indexing_maps = [#map2, #map6, #map2], iterator_types = ["parallel", "parallel"]} ins(%v46, %v49 : tensor<1x3xf32>, tensor<1xf32>) outs(%e49 : tensor<1x3xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.subf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<1x3xf32> loc("loss_xent")
    %e50 = tensor.empty() : tensor<1x3xf32>
    %v51 = linalg.generic {indexing_maps = [#map2, #map2], iterator_types = ["parallel", "parallel"]} ins(%v50 : tensor<1x3xf32>) outs(%e50 : tensor<1x3xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = math.exp %in0 : f32
      linalg.yield %t0 : f32
    } -> tensor<1x3xf32> loc("loss_xent")
    %e51 = tensor.empty() : tensor<1xf32>
    %init52 = linalg.fill ins(%cst1 : f32) outs(%e51 : tensor<1xf32>) -> tensor<1xf32> loc("loss_xent")
    %v52 = linalg.generic {indexing_maps = [#map2, #map6], iterator_types = ["parallel", "reduction"]} ins(%v51 : tensor<1x3xf32>) outs(%init52 : tensor<1xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.addf %in0, %out : f32
      linalg.yield %t0 : f32
    } -> tensor<1xf32> loc("loss_xent")
    %e53 = tensor.empty() : tensor<1xf32>
    %v53 = linalg.generic {indexing_maps = [#map7, #map7], iterator_types = ["parallel"]} ins(%v52 : tensor<1xf32>) outs(%e53 : tensor<1xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = math.log %in0 : f32
      linalg.yield %t0 : f32
    } -> tensor<1xf32> loc("loss_xent")
    %e54 = tensor.empty() : tensor<1x3xf32>
    %v54 = linalg.generic {indexing_maps = [#map2, #map6, #map2], iterator_types = ["parallel", "parallel"]} ins(%v50, %v53 : tensor<1x3xf32>, tensor<1xf32>) outs(%e54 : tensor<1x3xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.subf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<1x3xf32> loc("loss_xent")
    %e55 = tensor.empty() : tensor<1x3xf32>
    %v55 = linalg.generic {indexing_maps = [#map2, #map2, #map2], iterator_types = ["parallel", "parallel"]} ins(%v48, %v54 : tensor<1x3xf32>, tensor<1x3xf32>) outs(%e55 : tensor<1x3xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.mulf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<1x3xf32> loc("loss_xent")
    %e56 = tensor.empty() : tensor<f32>
    %init57 = linalg.fill ins(%cst1 : f32) outs(%e56 : tensor<f32>) -> tensor<f32> loc("loss_xent")
    %v56 = linalg.generic {indexing_maps = [#map2, #map8], iterator_types = ["reduction", "reduction"]} ins(%v55 : tensor<1x3xf32>) outs(%init57 : tensor<f32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.addf %in0, %out : f32
      linalg.yield %t0 : f32
    } -> tensor<f32> loc("loss_xent")
    %e58 = tensor.empty() : tensor<f32>
    %v57 = linalg.generic {indexing_maps = [#map9, #map9], iterator_types = []} ins(%v56 : tensor<f32>) outs(%e58 : tensor<f32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.constant -1.0 : f32
      %t1 = arith.mulf %in0, %t0 : f32
      linalg.yield %t1 : f32
    } -> tensor<f32> loc("loss_xent")
    return %v57, %v46 : tensor<f32>, tensor<1x3xf32>
  }
}
