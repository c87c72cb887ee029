// mpt frontend: model 'cnn', optimizer sgd, batch 2
#map0 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#map1 = affine_map<(d0, d1, d2, d3) -> (d3)>
#map2 = affine_map<(d0, d1) -> (d0, d1)>
#map3 = affine_map<(d0, d1) -> (d1)>
#map4 = affine_map<(d0, d1) -> (d0)>
#map5 = affine_map<(d0) -> (d0)>
#map6 = affine_map<(d0, d1) -> ()>
#map7 = affine_map<() -> ()>
#map8 = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1 * 2 + d3, d2 * 2 + d4, d5)>
#map9 = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d5)>
#map10 = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d3, d4, d5)>
#map11 = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1 - d4 + 1, d2 - d5 + 1, d4, d5, d3)>
#map12 = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d3)>
#map13 = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d4, d5 + d0, d6 + d1, d2)>
#map14 = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d4, d5, d6, d3)>
#map15 = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d1, d2, d3)>
module {
  func.func @train_step(%arg0: tensor<3x3x1x4xf32> {mpt.role = #mpt.role<param>, mpt.name = "conv0.weight", mpt.init = #mpt.init<dist = uniform, low = -0.816496580927726, high = 0.816496580927726, seed = 435253826858567854>}, %arg1: tensor<4xf32> {mpt.role = #mpt.role<param>, mpt.name = "conv0.bias", mpt.init = #mpt.init<dist = zeros>}, %arg2: tensor<64x10xf32> {mpt.role = #mpt.role<param>, mpt.name = "head.weight", mpt.init = #mpt.init<dist = uniform, low = -0.2847473987257497, high = 0.2847473987257497, seed = 6762802604471155419>}, %arg3: tensor<10xf32> {mpt.role = #mpt.role<param>, mpt.name = "head.bias", mpt.init = #mpt.init<dist = zeros>}, %arg4: tensor<2x8x8x1xf32> {mpt.role = #mpt.role<input>, mpt.name = "x"}, %arg5: tensor<2xi32> {mpt.role = #mpt.role<input>, mpt.name = "y"}) -> (tensor<3x3x1x4xf32> {mpt.role = #mpt.role<param>, mpt.updates = "conv0.weight"}, tensor<4xf32> {mpt.role = #mpt.role<param>, mpt.updates = "conv0.bias"}, tensor<64x10xf32> {mpt.role = #mpt.role<param>, mpt.updates = "head.weight"}, tensor<10xf32> {mpt.role = #mpt.role<param>, mpt.updates = "head.bias"}, tensor<f32> {mpt.role = #mpt.role<loss>}) {
    %cst0 = arith.constant 0.0 : f32
    %cst1 = arith.constant 0xFF800000 : f32
    %v3 = tensor.pad %arg4 low[0, 1, 1, 0] high[0, 1, 1, 0] {
    ^bb0(%i0: index, %i1: index, %i2: index, %i3: index):
      tensor.yield %cst0 : f32
    } : tensor<2x8x8x1xf32> to tensor<2x10x10x1xf32>
    %e1 = tensor.empty() : tensor<2x8x8x4xf32>
    %init2 = linalg.fill ins(%cst0 : f32) outs(%e1 : tensor<2x8x8x4xf32>) -> tensor<2x8x8x4xf32>
    %v4 = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%v3, %arg0 : tensor<2x10x10x1xf32>, tensor<3x3x1x4xf32>) outs(%init2 : tensor<2x8x8x4xf32>) -> tensor<2x8x8x4xf32>
    %e3 = tensor.empty() : tensor<2x8x8x4xf32>
    %v6 = linalg.generic {indexing_maps = [#map0, #map1, #map0], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%v4, %arg1 : tensor<2x8x8x4xf32>, tensor<4xf32>) outs(%e3 : tensor<2x8x8x4xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.addf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<2x8x8x4xf32>
    %e4 = tensor.empty() : tensor<2x8x8x4xf32>
    %v7 = linalg.generic {indexing_maps = [#map0, #map0], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%v6 : tensor<2x8x8x4xf32>) outs(%e4 : tensor<2x8x8x4xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.constant 0.0 : f32
      %t1 = arith.maximumf %in0, %t0 : f32
      linalg.yield %t1 : f32
    } -> tensor<2x8x8x4xf32>
    %e5 = tensor.empty() : tensor<2x4x4x4xf32>
    %init6 = linalg.fill ins(%cst1 : f32) outs(%e5 : tensor<2x4x4x4xf32>) -> tensor<2x4x4x4xf32>
    %e7 = tensor.empty() : tensor<2x2xf32>
    %v8 = linalg.pooling_nhwc_max {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%v7, %e7 : tensor<2x8x8x4xf32>, tensor<2x2xf32>) outs(%init6 : tensor<2x4x4x4xf32>) -> tensor<2x4x4x4xf32>
    %v9 = tensor.collapse_shape %v8 [[0], [1, 2, 3]] : tensor<2x4x4x4xf32> into tensor<2x64xf32>
    %e8 = tensor.empty() : tensor<2x10xf32>
    %init9 = linalg.fill ins(%cst0 : f32) outs(%e8 : tensor<2x10xf32>) -> tensor<2x10xf32>
    %v11 = linalg.matmul ins(%v9, %arg2 : tensor<2x64xf32>, tensor<64x10xf32>) outs(%init9 : tensor<2x10xf32>) -> tensor<2x10xf32>
    %e10 = tensor.empty() : tensor<2x10xf32>
    %v13 = linalg.generic {indexing_maps = [#map2, #map3, #map2], iterator_types = ["parallel", "parallel"]} ins(%v11, %arg3 : tensor<2x10xf32>, tensor<10xf32>) outs(%e10 : tensor<2x10xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.addf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<2x10xf32>
    %e11 = tensor.empty() : tensor<2x10xf32>
    %v14 = linalg.generic {indexing_maps = [#map4, #map2], iterator_types = ["parallel", "parallel"]} ins(%arg5 : tensor<2xi32>) outs(%e11 : tensor<2x10xf32>) {
    ^bb0(%in0: i32, %out: f32):
      %t0 = linalg.index 1 : index
      %t1 = arith.index_cast %in0 : i32 to index
      %t2 = arith.cmpi eq, %t0, %t1 : index
      %t3 = arith.constant 1.0 : f32
      %t4 = arith.constant 0.0 : f32
      %t5 = arith.select %t2, %t3, %t4 : f32
      linalg.yield %t5 : f32
    } -> tensor<2x10xf32>
    %e12 = tensor.empty() : tensor<2xf32>
    %init13 = linalg.fill ins(%cst1 : f32) outs(%e12 : tensor<2xf32>) -> tensor<2xf32>
    %v15 = linalg.generic {indexing_maps = [#map2, #map4], iterator_types = ["parallel", "reduction"]} ins(%v13 : tensor<2x10xf32>) outs(%init13 : tensor<2xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.maximumf %in0, %out : f32
      linalg.yield %t0 : f32
    } -> tensor<2xf32>
    %e14 = tensor.empty() : tensor<2x10xf32>
    %v16 = linalg.generic {indexing_maps = [#map2, #map4, #map2], iterator_types = ["parallel", "parallel"]} ins(%v13, %v15 : tensor<2x10xf32>, tensor<2xf32>) outs(%e14 : tensor<2x10xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.subf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<2x10xf32>
    %e15 = tensor.empty() : tensor<2x10xf32>
    %v17 = linalg.generic {indexing_maps = [#map2, #map2], iterator_types = ["parallel", "parallel"]} ins(%v16 : tensor<2x10xf32>) outs(%e15 : tensor<2x10xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = math.exp %in0 : f32
      linalg.yield %t0 : f32
    } -> tensor<2x10xf32>
    %e16 = tensor.empty() : tensor<2xf32>
    %init17 = linalg.fill ins(%cst0 : f32) outs(%e16 : tensor<2xf32>) -> tensor<2xf32>
    %v18 = linalg.generic {indexing_maps = [#map2, #map4], iterator_types = ["parallel", "reduction"]} ins(%v17 : tensor<2x10xf32>) outs(%init17 : tensor<2xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.addf %in0, %out : f32
      linalg.yield %t0 : f32
    } -> tensor<2xf32>
    %e18 = tensor.empty() : tensor<2xf32>
    %v19 = linalg.generic {indexing_maps = [#map5, #map5], iterator_types = ["parallel"]} ins(%v18 : tensor<2xf32>) outs(%e18 : tensor<2xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = math.log %in0 : f32
      linalg.yield %t0 : f32
    } -> tensor<2xf32>
    %e19 = tensor.empty() : tensor<2x10xf32>
    %v20 = linalg.generic {indexing_maps = [#map2, #map4, #map2], iterator_types = ["parallel", "parallel"]} ins(%v16, %v19 : tensor<2x10xf32>, tensor<2xf32>) outs(%e19 : tensor<2x10xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.subf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<2x10xf32>
    %e20 = tensor.empty() : tensor<2x10xf32>
    %v21 = linalg.generic {indexing_maps = [#map2, #map2, #map2], iterator_types = ["parallel", "parallel"]} ins(%v14, %v20 : tensor<2x10xf32>, tensor<2x10xf32>) outs(%e20 : tensor<2x10xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.mulf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<2x10xf32>
    %e21 = tensor.empty() : tensor<f32>
    %init22 = linalg.fill ins(%cst0 : f32) outs(%e21 : tensor<f32>) -> tensor<f32>
    %v22 = linalg.generic {indexing_maps = [#map2, #map6], iterator_types = ["reduction", "reduction"]} ins(%v21 : tensor<2x10xf32>) outs(%init22 : tensor<f32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.addf %in0, %out : f32
      linalg.yield %t0 : f32
    } -> tensor<f32>
    %e23 = tensor.empty() : tensor<f32>
    %v23 = linalg.generic {indexing_maps = [#map7, #map7], iterator_types = []} ins(%v22 : tensor<f32>) outs(%e23 : tensor<f32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.constant -0.5 : f32
      %t1 = arith.mulf %in0, %t0 : f32
      linalg.yield %t1 : f32
    } -> tensor<f32>
    %v24 = mpt.loss %v23 : tensor<f32>
    %v25 = mpt.grad_seed %v24 : tensor<f32>
    %e24 = tensor.empty() : tensor<f32>
    %v26 = linalg.generic {indexing_maps = [#map7, #map7], iterator_types = []} ins(%v25 : tensor<f32>) outs(%e24 : tensor<f32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.constant -0.5 : f32
      %t1 = arith.mulf %in0, %t0 : f32
      linalg.yield %t1 : f32
    } -> tensor<f32>
    %e25 = tensor.empty() : tensor<2x10xf32>
    %v27 = linalg.generic {indexing_maps = [#map6, #map2], iterator_types = ["parallel", "parallel"]} ins(%v26 : tensor<f32>) outs(%e25 : tensor<2x10xf32>) {
    ^bb0(%in0: f32, %out: f32):
      linalg.yield %in0 : f32
    } -> tensor<2x10xf32>
    %e26 = tensor.empty() : tensor<2x10xf32>
    %v28 = linalg.generic {indexing_maps = [#map2, #map2, #map2], iterator_types = ["parallel", "parallel"]} ins(%v27, %v14 : tensor<2x10xf32>, tensor<2x10xf32>) outs(%e26 : tensor<2x10xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.mulf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<2x10xf32>
    %e27 = tensor.empty() : tensor<2x10xf32>
    %v29 = linalg.generic {indexing_maps = [#map2, #map2], iterator_types = ["parallel", "parallel"]} ins(%v28 : tensor<2x10xf32>) outs(%e27 : tensor<2x10xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.negf %in0 : f32
      linalg.yield %t0 : f32
    } -> tensor<2x10xf32>
    %e28 = tensor.empty() : tensor<2xf32>
    %init29 = linalg.fill ins(%cst0 : f32) outs(%e28 : tensor<2xf32>) -> tensor<2xf32>
    %v30 = linalg.generic {indexing_maps = [#map2, #map4], iterator_types = ["parallel", "reduction"]} ins(%v29 : tensor<2x10xf32>) outs(%init29 : tensor<2xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.addf %in0, %out : f32
      linalg.yield %t0 : f32
    } -> tensor<2xf32>
    %e30 = tensor.empty() : tensor<2xf32>
    %v31 = linalg.generic {indexing_maps = [#map5, #map5, #map5], iterator_types = ["parallel"]} ins(%v30, %v18 : tensor<2xf32>, tensor<2xf32>) outs(%e30 : tensor<2xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.divf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<2xf32>
    %e31 = tensor.empty() : tensor<2x10xf32>
    %v32 = linalg.generic {indexing_maps = [#map4, #map2], iterator_types = ["parallel", "parallel"]} ins(%v31 : tensor<2xf32>) outs(%e31 : tensor<2x10xf32>) {
    ^bb0(%in0: f32, %out: f32):
      linalg.yield %in0 : f32
    } -> tensor<2x10xf32>
    %e32 = tensor.empty() : tensor<2x10xf32>
    %v33 = linalg.generic {indexing_maps = [#map2, #map2, #map2], iterator_types = ["parallel", "parallel"]} ins(%v32, %v17 : tensor<2x10xf32>, tensor<2x10xf32>) outs(%e32 : tensor<2x10xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.mulf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<2x10xf32>
    %e33 = tensor.empty() : tensor<2x10xf32>
    %v34 = linalg.generic {indexing_maps = [#map2, #map2, #map2], iterator_types = ["parallel", "parallel"]} ins(%v28, %v33 : tensor<2x10xf32>, tensor<2x10xf32>) outs(%e33 : tensor<2x10xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.addf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<2x10xf32>
    %e34 = tensor.empty() : tensor<10xf32>
    %init35 = linalg.fill ins(%cst0 : f32) outs(%e34 : tensor<10xf32>) -> tensor<10xf32>
    %v35 = linalg.generic {indexing_maps = [#map2, #map3], iterator_types = ["reduction", "parallel"]} ins(%v34 : tensor<2x10xf32>) outs(%init35 : tensor<10xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.addf %in0, %out : f32
      linalg.yield %t0 : f32
    } -> tensor<10xf32>
    %e36 = tensor.empty() : tensor<10x64xf32>
    %v36 = linalg.transpose ins(%arg2 : tensor<64x10xf32>) outs(%e36 : tensor<10x64xf32>) permutation = [1, 0]
    %e37 = tensor.empty() : tensor<2x64xf32>
    %init38 = linalg.fill ins(%cst0 : f32) outs(%e37 : tensor<2x64xf32>) -> tensor<2x64xf32>
    %v37 = linalg.matmul ins(%v34, %v36 : tensor<2x10xf32>, tensor<10x64xf32>) outs(%init38 : tensor<2x64xf32>) -> tensor<2x64xf32>
    %e39 = tensor.empty() : tensor<64x2xf32>
    %v38 = linalg.transpose ins(%v9 : tensor<2x64xf32>) outs(%e39 : tensor<64x2xf32>) permutation = [1, 0]
    %e40 = tensor.empty() : tensor<64x10xf32>
    %init41 = linalg.fill ins(%cst0 : f32) outs(%e40 : tensor<64x10xf32>) -> tensor<64x10xf32>
    %v39 = linalg.matmul ins(%v38, %v34 : tensor<64x2xf32>, tensor<2x10xf32>) outs(%init41 : tensor<64x10xf32>) -> tensor<64x10xf32>
    %v40 = tensor.expand_shape %v37 [[0], [1, 2, 3]] output_shape [2, 4, 4, 4] : tensor<2x64xf32> into tensor<2x4x4x4xf32>
    %e42 = tensor.empty() : tensor<2x4x4x2x2x4xf32>
    %v41 = linalg.generic {indexing_maps = [#map8, #map9, #map9, #map10], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "parallel"]} ins(%v7, %v8, %v40 : tensor<2x8x8x4xf32>, tensor<2x4x4x4xf32>, tensor<2x4x4x4xf32>) outs(%e42 : tensor<2x4x4x2x2x4xf32>) {
    ^bb0(%in0: f32, %in1: f32, %in2: f32, %out: f32):
      %t0 = arith.constant 0.0 : f32
      %t1 = arith.cmpf oeq, %in0, %in1 : f32
      %t2 = arith.select %t1, %in2, %t0 : f32
      linalg.yield %t2 : f32
    } -> tensor<2x4x4x2x2x4xf32>
    %e43 = tensor.empty() : tensor<2x9x9x2x2x4xf32>
    %init44 = linalg.fill ins(%cst0 : f32) outs(%e43 : tensor<2x9x9x2x2x4xf32>) -> tensor<2x9x9x2x2x4xf32>
    %v42 = tensor.insert_slice %v41 into %init44[0, 1, 1, 0, 0, 0] [2, 4, 4, 2, 2, 4] [1, 2, 2, 1, 1, 1] : tensor<2x4x4x2x2x4xf32> into tensor<2x9x9x2x2x4xf32>
    %e45 = tensor.empty() : tensor<2x8x8x4xf32>
    %init46 = linalg.fill ins(%cst0 : f32) outs(%e45 : tensor<2x8x8x4xf32>) -> tensor<2x8x8x4xf32>
    %v43 = linalg.generic {indexing_maps = [#map11, #map12], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]} ins(%v42 : tensor<2x9x9x2x2x4xf32>) outs(%init46 : tensor<2x8x8x4xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.addf %out, %in0 : f32
      linalg.yield %t0 : f32
    } -> tensor<2x8x8x4xf32>
    %e47 = tensor.empty() : tensor<2x8x8x4xf32>
    %v44 = linalg.generic {indexing_maps = [#map0, #map0, #map0], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%v6, %v43 : tensor<2x8x8x4xf32>, tensor<2x8x8x4xf32>) outs(%e47 : tensor<2x8x8x4xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.constant 0.0 : f32
      %t1 = arith.cmpf ogt, %in0, %t0 : f32
      %t2 = arith.select %t1, %in1, %t0 : f32
      linalg.yield %t2 : f32
    } -> tensor<2x8x8x4xf32>
    %e48 = tensor.empty() : tensor<4xf32>
    %init49 = linalg.fill ins(%cst0 : f32) outs(%e48 : tensor<4xf32>) -> tensor<4xf32>
    %v45 = linalg.generic {indexing_maps = [#map0, #map1], iterator_types = ["reduction", "reduction", "reduction", "parallel"]} ins(%v44 : tensor<2x8x8x4xf32>) outs(%init49 : tensor<4xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.addf %in0, %out : f32
      linalg.yield %t0 : f32
    } -> tensor<4xf32>
    %e50 = tensor.empty() : tensor<3x3x1x4xf32>
    %init51 = linalg.fill ins(%cst0 : f32) outs(%e50 : tensor<3x3x1x4xf32>) -> tensor<3x3x1x4xf32>
    %v46 = linalg.generic {indexing_maps = [#map13, #map14, #map15], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]} ins(%v3, %v44 : tensor<2x10x10x1xf32>, tensor<2x8x8x4xf32>) outs(%init51 : tensor<3x3x1x4xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.mulf %in0, %in1 : f32
      %t1 = arith.addf %out, %t0 : f32
      linalg.yield %t1 : f32
    } -> tensor<3x3x1x4xf32>
    %new0 = mpt.sgd %arg0, %v46 {lr = 0.1 : f32} : tensor<3x3x1x4xf32>
    %new1 = mpt.sgd %arg1, %v45 {lr = 0.1 : f32} : tensor<4xf32>
    %new2 = mpt.sgd %arg2, %v39 {lr = 0.1 : f32} : tensor<64x10xf32>
    %new3 = mpt.sgd %arg3, %v35 {lr = 0.1 : f32} : tensor<10xf32>
    return %new0, %new1, %new2, %new3, %v24 : tensor<3x3x1x4xf32>, tensor<4xf32>, tensor<64x10xf32>, tensor<10xf32>, tensor<f32>
  }
}
