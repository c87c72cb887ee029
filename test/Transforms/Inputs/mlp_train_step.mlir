// mpt frontend: model 'mlp', optimizer sgd, batch 4
#map0 = affine_map<(d0, d1) -> (d0, d1)>
#map1 = affine_map<(d0, d1) -> (d1)>
#map2 = affine_map<(d0, d1) -> (d0)>
#map3 = affine_map<(d0) -> (d0)>
#map4 = affine_map<(d0, d1) -> ()>
#map5 = affine_map<() -> ()>
module {
  func.func @train_step(%arg0: tensor<64x16xf32> {mpt.role = #mpt.role<param>, mpt.name = "dense0.weight", mpt.init = #mpt.init<dist = uniform, low = -0.30618621784789724, high = 0.30618621784789724, seed = 3633366754287286897>}, %arg1: tensor<16xf32> {mpt.role = #mpt.role<param>, mpt.name = "dense0.bias", mpt.init = #mpt.init<dist = zeros>}, %arg2: tensor<16x10xf32> {mpt.role = #mpt.role<param>, mpt.name = "head.weight", mpt.init = #mpt.init<dist = uniform, low = -0.4803844614152614, high = 0.4803844614152614, seed = 6762802604471155419>}, %arg3: tensor<10xf32> {mpt.role = #mpt.role<param>, mpt.name = "head.bias", mpt.init = #mpt.init<dist = zeros>}, %arg4: tensor<4x8x8x1xf32> {mpt.role = #mpt.role<input>, mpt.name = "x"}, %arg5: tensor<4xi32> {mpt.role = #mpt.role<input>, mpt.name = "y"}) -> (tensor<64x16xf32> {mpt.role = #mpt.role<param>, mpt.updates = "dense0.weight"}, tensor<16xf32> {mpt.role = #mpt.role<param>, mpt.updates = "dense0.bias"}, tensor<16x10xf32> {mpt.role = #mpt.role<param>, mpt.updates = "head.weight"}, tensor<10xf32> {mpt.role = #mpt.role<param>, mpt.updates = "head.bias"}, tensor<f32> {mpt.role = #mpt.role<loss>}) {
    %cst0 = arith.constant 0.0 : f32
    %cst1 = arith.constant 0xFF800000 : f32
    %v2 = tensor.collapse_shape %arg4 [[0], [1, 2, 3]] : tensor<4x8x8x1xf32> into tensor<4x64xf32>
    %e1 = tensor.empty() : tensor<4x16xf32>
    %init2 = linalg.fill ins(%cst0 : f32) outs(%e1 : tensor<4x16xf32>) -> tensor<4x16xf32>
    %v4 = linalg.matmul ins(%v2, %arg0 : tensor<4x64xf32>, tensor<64x16xf32>) outs(%init2 : tensor<4x16xf32>) -> tensor<4x16xf32>
    %e3 = tensor.empty() : tensor<4x16xf32>
    %v6 = linalg.generic {indexing_maps = [#map0, #map1, #map0], iterator_types = ["parallel", "parallel"]} ins(%v4, %arg1 : tensor<4x16xf32>, tensor<16xf32>) outs(%e3 : tensor<4x16xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.addf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<4x16xf32>
    %e4 = tensor.empty() : tensor<4x16xf32>
    %v7 = linalg.generic {indexing_maps = [#map0, #map0], iterator_types = ["parallel", "parallel"]} ins(%v6 : tensor<4x16xf32>) outs(%e4 : tensor<4x16xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.constant 0.0 : f32
      %t1 = arith.maximumf %in0, %t0 : f32
      linalg.yield %t1 : f32
    } -> tensor<4x16xf32>
    %e5 = tensor.empty() : tensor<4x10xf32>
    %init6 = linalg.fill ins(%cst0 : f32) outs(%e5 : tensor<4x10xf32>) -> tensor<4x10xf32>
    %v9 = linalg.matmul ins(%v7, %arg2 : tensor<4x16xf32>, tensor<16x10xf32>) outs(%init6 : tensor<4x10xf32>) -> tensor<4x10xf32>
    %e7 = tensor.empty() : tensor<4x10xf32>
    %v11 = linalg.generic {indexing_maps = [#map0, #map1, #map0], iterator_types = ["parallel", "parallel"]} ins(%v9, %arg3 : tensor<4x10xf32>, tensor<10xf32>) outs(%e7 : tensor<4x10xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.addf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<4x10xf32>
    %e8 = tensor.empty() : tensor<4x10xf32>
    %v12 = linalg.generic {indexing_maps = [#map2, #map0], iterator_types = ["parallel", "parallel"]} ins(%arg5 : tensor<4xi32>) outs(%e8 : tensor<4x10xf32>) {
    ^bb0(%in0: i32, %out: f32):
      %t0 = linalg.index 1 : index
      %t1 = arith.index_cast %in0 : i32 to index
      %t2 = arith.cmpi eq, %t0, %t1 : index
      %t3 = arith.constant 1.0 : f32
      %t4 = arith.constant 0.0 : f32
      %t5 = arith.select %t2, %t3, %t4 : f32
      linalg.yield %t5 : f32
    } -> tensor<4x10xf32>
    %e9 = tensor.empty() : tensor<4xf32>
    %init10 = linalg.fill ins(%cst1 : f32) outs(%e9 : tensor<4xf32>) -> tensor<4xf32>
    %v13 = linalg.generic {indexing_maps = [#map0, #map2], iterator_types = ["parallel", "reduction"]} ins(%v11 : tensor<4x10xf32>) outs(%init10 : tensor<4xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.maximumf %in0, %out : f32
      linalg.yield %t0 : f32
    } -> tensor<4xf32>
    %e11 = tensor.empty() : tensor<4x10xf32>
    %v14 = linalg.generic {indexing_maps = [#map0, #map2, #map0], iterator_types = ["parallel", "parallel"]} ins(%v11, %v13 : tensor<4x10xf32>, tensor<4xf32>) outs(%e11 : tensor<4x10xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.subf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<4x10xf32>
    %e12 = tensor.empty() : tensor<4x10xf32>
    %v15 = linalg.generic {indexing_maps = [#map0, #map0], iterator_types = ["parallel", "parallel"]} ins(%v14 : tensor<4x10xf32>) outs(%e12 : tensor<4x10xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = math.exp %in0 : f32
      linalg.yield %t0 : f32
    } -> tensor<4x10xf32>
    %e13 = tensor.empty() : tensor<4xf32>
    %init14 = linalg.fill ins(%cst0 : f32) outs(%e13 : tensor<4xf32>) -> tensor<4xf32>
    %v16 = linalg.generic {indexing_maps = [#map0, #map2], iterator_types = ["parallel", "reduction"]} ins(%v15 : tensor<4x10xf32>) outs(%init14 : tensor<4xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.addf %in0, %out : f32
      linalg.yield %t0 : f32
    } -> tensor<4xf32>
    %e15 = tensor.empty() : tensor<4xf32>
    %v17 = linalg.generic {indexing_maps = [#map3, #map3], iterator_types = ["parallel"]} ins(%v16 : tensor<4xf32>) outs(%e15 : tensor<4xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = math.log %in0 : f32
      linalg.yield %t0 : f32
    } -> tensor<4xf32>
    %e16 = tensor.empty() : tensor<4x10xf32>
    %v18 = linalg.generic {indexing_maps = [#map0, #map2, #map0], iterator_types = ["parallel", "parallel"]} ins(%v14, %v17 : tensor<4x10xf32>, tensor<4xf32>) outs(%e16 : tensor<4x10xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.subf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<4x10xf32>
    %e17 = tensor.empty() : tensor<4x10xf32>
    %v19 = linalg.generic {indexing_maps = [#map0, #map0, #map0], iterator_types = ["parallel", "parallel"]} ins(%v12, %v18 : tensor<4x10xf32>, tensor<4x10xf32>) outs(%e17 : tensor<4x10xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.mulf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<4x10xf32>
    %e18 = tensor.empty() : tensor<f32>
    %init19 = linalg.fill ins(%cst0 : f32) outs(%e18 : tensor<f32>) -> tensor<f32>
    %v20 = linalg.generic {indexing_maps = [#map0, #map4], iterator_types = ["reduction", "reduction"]} ins(%v19 : tensor<4x10xf32>) outs(%init19 : tensor<f32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.addf %in0, %out : f32
      linalg.yield %t0 : f32
    } -> tensor<f32>
    %e20 = tensor.empty() : tensor<f32>
    %v21 = linalg.generic {indexing_maps = [#map5, #map5], iterator_types = []} ins(%v20 : tensor<f32>) outs(%e20 : tensor<f32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.constant -0.25 : f32
      %t1 = arith.mulf %in0, %t0 : f32
      linalg.yield %t1 : f32
    } -> tensor<f32>
    %v22 = mpt.loss %v21 : tensor<f32>
    %v23 = mpt.grad_seed %v22 : tensor<f32>
    %e21 = tensor.empty() : tensor<f32>
    %v24 = linalg.generic {indexing_maps = [#map5, #map5], iterator_types = []} ins(%v23 : tensor<f32>) outs(%e21 : tensor<f32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.constant -0.25 : f32
      %t1 = arith.mulf %in0, %t0 : f32
      linalg.yield %t1 : f32
    } -> tensor<f32>
    %e22 = tensor.empty() : tensor<4x10xf32>
    %v25 = linalg.generic {indexing_maps = [#map4, #map0], iterator_types = ["parallel", "parallel"]} ins(%v24 : tensor<f32>) outs(%e22 : tensor<4x10xf32>) {
    ^bb0(%in0: f32, %out: f32):
      linalg.yield %in0 : f32
    } -> tensor<4x10xf32>
    %e23 = tensor.empty() : tensor<4x10xf32>
    %v26 = linalg.generic {indexing_maps = [#map0, #map0, #map0], iterator_types = ["parallel", "parallel"]} ins(%v25, %v12 : tensor<4x10xf32>, tensor<4x10xf32>) outs(%e23 : tensor<4x10xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.mulf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<4x10xf32>
    %e24 = tensor.empty() : tensor<4x10xf32>
    %v27 = linalg.generic {indexing_maps = [#map0, #map0], iterator_types = ["parallel", "parallel"]} ins(%v26 : tensor<4x10xf32>) outs(%e24 : tensor<4x10xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.negf %in0 : f32
      linalg.yield %t0 : f32
    } -> tensor<4x10xf32>
    %e25 = tensor.empty() : tensor<4xf32>
    %init26 = linalg.fill ins(%cst0 : f32) outs(%e25 : tensor<4xf32>) -> tensor<4xf32>
    %v28 = linalg.generic {indexing_maps = [#map0, #map2], iterator_types = ["parallel", "reduction"]} ins(%v27 : tensor<4x10xf32>) outs(%init26 : tensor<4xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.addf %in0, %out : f32
      linalg.yield %t0 : f32
    } -> tensor<4xf32>
    %e27 = tensor.empty() : tensor<4xf32>
    %v29 = linalg.generic {indexing_maps = [#map3, #map3, #map3], iterator_types = ["parallel"]} ins(%v28, %v16 : tensor<4xf32>, tensor<4xf32>) outs(%e27 : tensor<4xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.divf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<4xf32>
    %e28 = tensor.empty() : tensor<4x10xf32>
    %v30 = linalg.generic {indexing_maps = [#map2, #map0], iterator_types = ["parallel", "parallel"]} ins(%v29 : tensor<4xf32>) outs(%e28 : tensor<4x10xf32>) {
    ^bb0(%in0: f32, %out: f32):
      linalg.yield %in0 : f32
    } -> tensor<4x10xf32>
    %e29 = tensor.empty() : tensor<4x10xf32>
    %v31 = linalg.generic {indexing_maps = [#map0, #map0, #map0], iterator_types = ["parallel", "parallel"]} ins(%v30, %v15 : tensor<4x10xf32>, tensor<4x10xf32>) outs(%e29 : tensor<4x10xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.mulf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<4x10xf32>
    %e30 = tensor.empty() : tensor<4x10xf32>
    %v32 = linalg.generic {indexing_maps = [#map0, #map0, #map0], iterator_types = ["parallel", "parallel"]} ins(%v26, %v31 : tensor<4x10xf32>, tensor<4x10xf32>) outs(%e30 : tensor<4x10xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.addf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<4x10xf32>
    %e31 = tensor.empty() : tensor<10xf32>
    %init32 = linalg.fill ins(%cst0 : f32) outs(%e31 : tensor<10xf32>) -> tensor<10xf32>
    %v33 = linalg.generic {indexing_maps = [#map0, #map1], iterator_types = ["reduction", "parallel"]} ins(%v32 : tensor<4x10xf32>) outs(%init32 : tensor<10xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.addf %in0, %out : f32
      linalg.yield %t0 : f32
    } -> tensor<10xf32>
    %e33 = tensor.empty() : tensor<10x16xf32>
    %v34 = linalg.transpose ins(%arg2 : tensor<16x10xf32>) outs(%e33 : tensor<10x16xf32>) permutation = [1, 0]
    %e34 = tensor.empty() : tensor<4x16xf32>
    %init35 = linalg.fill ins(%cst0 : f32) outs(%e34 : tensor<4x16xf32>) -> tensor<4x16xf32>
    %v35 = linalg.matmul ins(%v32, %v34 : tensor<4x10xf32>, tensor<10x16xf32>) outs(%init35 : tensor<4x16xf32>) -> tensor<4x16xf32>
    %e36 = tensor.empty() : tensor<16x4xf32>
    %v36 = linalg.transpose ins(%v7 : tensor<4x16xf32>) outs(%e36 : tensor<16x4xf32>) permutation = [1, 0]
    %e37 = tensor.empty() : tensor<16x10xf32>
    %init38 = linalg.fill ins(%cst0 : f32) outs(%e37 : tensor<16x10xf32>) -> tensor<16x10xf32>
    %v37 = linalg.matmul ins(%v36, %v32 : tensor<16x4xf32>, tensor<4x10xf32>) outs(%init38 : tensor<16x10xf32>) -> tensor<16x10xf32>
    %e39 = tensor.empty() : tensor<4x16xf32>
    %v38 = linalg.generic {indexing_maps = [#map0, #map0, #map0], iterator_types = ["parallel", "parallel"]} ins(%v6, %v35 : tensor<4x16xf32>, tensor<4x16xf32>) outs(%e39 : tensor<4x16xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.constant 0.0 : f32
      %t1 = arith.cmpf ogt, %in0, %t0 : f32
      %t2 = arith.select %t1, %in1, %t0 : f32
      linalg.yield %t2 : f32
    } -> tensor<4x16xf32>
    %e40 = tensor.empty() : tensor<16xf32>
    %init41 = linalg.fill ins(%cst0 : f32) outs(%e40 : tensor<16xf32>) -> tensor<16xf32>
    %v39 = linalg.generic {indexing_maps = [#map0, #map1], iterator_types = ["reduction", "parallel"]} ins(%v38 : tensor<4x16xf32>) outs(%init41 : tensor<16xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.addf %in0, %out : f32
      linalg.yield %t0 : f32
    } -> tensor<16xf32>
    %e42 = tensor.empty() : tensor<64x4xf32>
    %v40 = linalg.transpose ins(%v2 : tensor<4x64xf32>) outs(%e42 : tensor<64x4xf32>) permutation = [1, 0]
    %e43 = tensor.empty() : tensor<64x16xf32>
    %init44 = linalg.fill ins(%cst0 : f32) outs(%e43 : tensor<64x16xf32>) -> tensor<64x16xf32>
    %v41 = linalg.matmul ins(%v40, %v38 : tensor<64x4xf32>, tensor<4x16xf32>) outs(%init44 : tensor<64x16xf32>) -> tensor<64x16xf32>
    %new0 = mpt.sgd %arg0, %v41 {lr = 0.1 : f32} : tensor<64x16xf32>
    %new1 = mpt.sgd %arg1, %v39 {lr = 0.1 : f32} : tensor<16xf32>
    %new2 = mpt.sgd %arg2, %v37 {lr = 0.1 : f32} : tensor<16x10xf32>
    %new3 = mpt.sgd %arg3, %v33 {lr = 0.1 : f32} : tensor<10xf32>
    return %new0, %new1, %new2, %new3, %v22 : tensor<64x16xf32>, tensor<16xf32>, tensor<16x10xf32>, tensor<10xf32>, tensor<f32>
  }
}
