// mpt frontend: model 'resnet', optimizer sgd, batch 2
// Regenerate: cd python && python3 -m mpt.models resnet --blocks 1 --batch 2 -o ../test/Transforms/Inputs/fuse-resnet-block-train-step.mlir
#map0 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#map1 = affine_map<(d0, d1, d2, d3) -> (d3)>
#map2 = affine_map<(d0, d1) -> (d0, d1)>
#map3 = affine_map<(d0, d1) -> (d1)>
#map4 = affine_map<(d0, d1) -> (d0)>
#map5 = affine_map<(d0) -> (d0)>
#map6 = affine_map<(d0, d1) -> ()>
#map7 = affine_map<() -> ()>
#map8 = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d1 - d4 + 2, d2 - d5 + 2, d6)>
#map9 = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d4, d5, d3, d6)>
#map10 = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d1, d2, d3)>
#map11 = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d4, d5 + d0, d6 + d1, d2)>
#map12 = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d4, d5, d6, d3)>
module {
  func.func @train_step(%arg0: tensor<3x3x1x8xf32> {mpt.role = #mpt.role<param>, mpt.name = "stem.weight", mpt.init = #mpt.init<dist = uniform, low = -0.816496580927726, high = 0.816496580927726, seed = 7447167836792938254>}, %arg1: tensor<8xf32> {mpt.role = #mpt.role<param>, mpt.name = "stem.bias", mpt.init = #mpt.init<dist = zeros>}, %arg2: tensor<3x3x8x8xf32> {mpt.role = #mpt.role<param>, mpt.name = "block0.conv0.weight", mpt.init = #mpt.init<dist = uniform, low = -0.28867513459481287, high = 0.28867513459481287, seed = 6600667227306617870>}, %arg3: tensor<8xf32> {mpt.role = #mpt.role<param>, mpt.name = "block0.conv0.bias", mpt.init = #mpt.init<dist = zeros>}, %arg4: tensor<3x3x8x8xf32> {mpt.role = #mpt.role<param>, mpt.name = "block0.conv1.weight", mpt.init = #mpt.init<dist = uniform, low = -0.28867513459481287, high = 0.28867513459481287, seed = 8914801218769699589>}, %arg5: tensor<8xf32> {mpt.role = #mpt.role<param>, mpt.name = "block0.conv1.bias", mpt.init = #mpt.init<dist = zeros>}, %arg6: tensor<128x10xf32> {mpt.role = #mpt.role<param>, mpt.name = "head.weight", mpt.init = #mpt.init<dist = uniform, low = -0.20851441405707477, high = 0.20851441405707477, seed = 6762802604471155419>}, %arg7: tensor<10xf32> {mpt.role = #mpt.role<param>, mpt.name = "head.bias", mpt.init = #mpt.init<dist = zeros>}, %arg8: tensor<2x8x8x1xf32> {mpt.role = #mpt.role<input>, mpt.name = "x"}, %arg9: tensor<2xi32> {mpt.role = #mpt.role<input>, mpt.name = "y"}) -> (tensor<3x3x1x8xf32> {mpt.role = #mpt.role<param>, mpt.updates = "stem.weight"}, tensor<8xf32> {mpt.role = #mpt.role<param>, mpt.updates = "stem.bias"}, tensor<3x3x8x8xf32> {mpt.role = #mpt.role<param>, mpt.updates = "block0.conv0.weight"}, tensor<8xf32> {mpt.role = #mpt.role<param>, mpt.updates = "block0.conv0.bias"}, tensor<3x3x8x8xf32> {mpt.role = #mpt.role<param>, mpt.updates = "block0.conv1.weight"}, tensor<8xf32> {mpt.role = #mpt.role<param>, mpt.updates = "block0.conv1.bias"}, tensor<128x10xf32> {mpt.role = #mpt.role<param>, mpt.updates = "head.weight"}, tensor<10xf32> {mpt.role = #mpt.role<param>, mpt.updates = "head.bias"}, tensor<f32> {mpt.role = #mpt.role<loss>}) {
    %cst0 = arith.constant 0.0 : f32
    %cst1 = arith.constant 0xFF800000 : f32
    %v3 = tensor.pad %arg8 low[0, 1, 1, 0] high[0, 1, 1, 0] {
    ^bb0(%i0: index, %i1: index, %i2: index, %i3: index):
      tensor.yield %cst0 : f32
    } : tensor<2x8x8x1xf32> to tensor<2x10x10x1xf32> loc("stem")
    %e1 = tensor.empty() : tensor<2x8x8x8xf32>
    %init2 = linalg.fill ins(%cst0 : f32) outs(%e1 : tensor<2x8x8x8xf32>) -> tensor<2x8x8x8xf32> loc("stem")
    %v4 = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%v3, %arg0 : tensor<2x10x10x1xf32>, tensor<3x3x1x8xf32>) outs(%init2 : tensor<2x8x8x8xf32>) -> tensor<2x8x8x8xf32> loc("stem")
    %e3 = tensor.empty() : tensor<2x8x8x8xf32>
    %v6 = linalg.generic {indexing_maps = [#map0, #map1, #map0], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%v4, %arg1 : tensor<2x8x8x8xf32>, tensor<8xf32>) outs(%e3 : tensor<2x8x8x8xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.addf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<2x8x8x8xf32> loc("stem")
    %e4 = tensor.empty() : tensor<2x8x8x8xf32>
    %v7 = linalg.generic {indexing_maps = [#map0, #map0], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%v6 : tensor<2x8x8x8xf32>) outs(%e4 : tensor<2x8x8x8xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.constant 0.0 : f32
      %t1 = arith.maximumf %in0, %t0 : f32
      linalg.yield %t1 : f32
    } -> tensor<2x8x8x8xf32> loc("stem")
    %v9 = tensor.pad %v7 low[0, 1, 1, 0] high[0, 1, 1, 0] {
    ^bb0(%i0: index, %i1: index, %i2: index, %i3: index):
      tensor.yield %cst0 : f32
    } : tensor<2x8x8x8xf32> to tensor<2x10x10x8xf32> loc("block0.conv0")
    %e5 = tensor.empty() : tensor<2x8x8x8xf32>
    %init6 = linalg.fill ins(%cst0 : f32) outs(%e5 : tensor<2x8x8x8xf32>) -> tensor<2x8x8x8xf32> loc("block0.conv0")
    %v10 = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%v9, %arg2 : tensor<2x10x10x8xf32>, tensor<3x3x8x8xf32>) outs(%init6 : tensor<2x8x8x8xf32>) -> tensor<2x8x8x8xf32> loc("block0.conv0")
    %e7 = tensor.empty() : tensor<2x8x8x8xf32>
    %v12 = linalg.generic {indexing_maps = [#map0, #map1, #map0], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%v10, %arg3 : tensor<2x8x8x8xf32>, tensor<8xf32>) outs(%e7 : tensor<2x8x8x8xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.addf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<2x8x8x8xf32> loc("block0.conv0")
    %e8 = tensor.empty() : tensor<2x8x8x8xf32>
    %v13 = linalg.generic {indexing_maps = [#map0, #map0], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%v12 : tensor<2x8x8x8xf32>) outs(%e8 : tensor<2x8x8x8xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.constant 0.0 : f32
      %t1 = arith.maximumf %in0, %t0 : f32
      linalg.yield %t1 : f32
    } -> tensor<2x8x8x8xf32> loc("block0.conv0")
    %v15 = tensor.pad %v13 low[0, 1, 1, 0] high[0, 1, 1, 0] {
    ^bb0(%i0: index, %i1: index, %i2: index, %i3: index):
      tensor.yield %cst0 : f32
    } : tensor<2x8x8x8xf32> to tensor<2x10x10x8xf32> loc("block0.conv1")
    %e9 = tensor.empty() : tensor<2x8x8x8xf32>
    %init10 = linalg.fill ins(%cst0 : f32) outs(%e9 : tensor<2x8x8x8xf32>) -> tensor<2x8x8x8xf32> loc("block0.conv1")
    %v16 = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%v15, %arg4 : tensor<2x10x10x8xf32>, tensor<3x3x8x8xf32>) outs(%init10 : tensor<2x8x8x8xf32>) -> tensor<2x8x8x8xf32> loc("block0.conv1")
    %e11 = tensor.empty() : tensor<2x8x8x8xf32>
    %v18 = linalg.generic {indexing_maps = [#map0, #map1, #map0], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%v16, %arg5 : tensor<2x8x8x8xf32>, tensor<8xf32>) outs(%e11 : tensor<2x8x8x8xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.addf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<2x8x8x8xf32> loc("block0.conv1")
    %e12 = tensor.empty() : tensor<2x8x8x8xf32>
    %v19 = linalg.generic {indexing_maps = [#map0, #map0, #map0], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%v7, %v18 : tensor<2x8x8x8xf32>, tensor<2x8x8x8xf32>) outs(%e12 : tensor<2x8x8x8xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.addf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<2x8x8x8xf32> loc("block0.add")
    %e13 = tensor.empty() : tensor<2x8x8x8xf32>
    %v20 = linalg.generic {indexing_maps = [#map0, #map0], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%v19 : tensor<2x8x8x8xf32>) outs(%e13 : tensor<2x8x8x8xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.constant 0.0 : f32
      %t1 = arith.maximumf %in0, %t0 : f32
      linalg.yield %t1 : f32
    } -> tensor<2x8x8x8xf32> loc("block0.relu")
    %e14 = tensor.empty() : tensor<2x4x4x8xf32>
    %init15 = linalg.fill ins(%cst0 : f32) outs(%e14 : tensor<2x4x4x8xf32>) -> tensor<2x4x4x8xf32> loc("pool")
    %e16 = tensor.empty() : tensor<2x2xf32>
    %v21 = linalg.pooling_nhwc_sum {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%v20, %e16 : tensor<2x8x8x8xf32>, tensor<2x2xf32>) outs(%init15 : tensor<2x4x4x8xf32>) -> tensor<2x4x4x8xf32> loc("pool")
    %e17 = tensor.empty() : tensor<2x4x4x8xf32>
    %v22 = linalg.generic {indexing_maps = [#map0, #map0], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%v21 : tensor<2x4x4x8xf32>) outs(%e17 : tensor<2x4x4x8xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.constant 0.25 : f32
      %t1 = arith.mulf %in0, %t0 : f32
      linalg.yield %t1 : f32
    } -> tensor<2x4x4x8xf32> loc("pool")
    %v23 = tensor.collapse_shape %v22 [[0], [1, 2, 3]] : tensor<2x4x4x8xf32> into tensor<2x128xf32> loc("flatten0")
    %e18 = tensor.empty() : tensor<2x10xf32>
    %init19 = linalg.fill ins(%cst0 : f32) outs(%e18 : tensor<2x10xf32>) -> tensor<2x10xf32> loc("head")
    %v25 = linalg.matmul ins(%v23, %arg6 : tensor<2x128xf32>, tensor<128x10xf32>) outs(%init19 : tensor<2x10xf32>) -> tensor<2x10xf32> loc("head")
    %e20 = tensor.empty() : tensor<2x10xf32>
    %v27 = linalg.generic {indexing_maps = [#map2, #map3, #map2], iterator_types = ["parallel", "parallel"]} ins(%v25, %arg7 : tensor<2x10xf32>, tensor<10xf32>) outs(%e20 : tensor<2x10xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.addf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<2x10xf32> loc("head")
    %e21 = tensor.empty() : tensor<2x10xf32>
    %v28 = linalg.generic {indexing_maps = [#map4, #map2], iterator_types = ["parallel", "parallel"]} ins(%arg9 : tensor<2xi32>) outs(%e21 : tensor<2x10xf32>) {
    ^bb0(%in0: i32, %out: f32):
      %t0 = linalg.index 1 : index
      %t1 = arith.index_cast %in0 : i32 to index
      %t2 = arith.cmpi eq, %t0, %t1 : index
      %t3 = arith.constant 1.0 : f32
      %t4 = arith.constant 0.0 : f32
      %t5 = arith.select %t2, %t3, %t4 : f32
      linalg.yield %t5 : f32
    } -> tensor<2x10xf32> loc("loss_xent")
    %e22 = tensor.empty() : tensor<2xf32>
    %init23 = linalg.fill ins(%cst1 : f32) outs(%e22 : tensor<2xf32>) -> tensor<2xf32> loc("loss_xent")
    %v29 = linalg.generic {indexing_maps = [#map2, #map4], iterator_types = ["parallel", "reduction"]} ins(%v27 : tensor<2x10xf32>) outs(%init23 : tensor<2xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.maximumf %in0, %out : f32
      linalg.yield %t0 : f32
    } -> tensor<2xf32> loc("loss_xent")
    %e24 = tensor.empty() : tensor<2x10xf32>
    %v30 = linalg.generic {indexing_maps = [#map2, #map4, #map2], iterator_types = ["parallel", "parallel"]} ins(%v27, %v29 : tensor<2x10xf32>, tensor<2xf32>) outs(%e24 : tensor<2x10xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.subf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<2x10xf32> loc("loss_xent")
    %e25 = tensor.empty() : tensor<2x10xf32>
    %v31 = linalg.generic {indexing_maps = [#map2, #map2], iterator_types = ["parallel", "parallel"]} ins(%v30 : tensor<2x10xf32>) outs(%e25 : tensor<2x10xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = math.exp %in0 : f32
      linalg.yield %t0 : f32
    } -> tensor<2x10xf32> loc("loss_xent")
    %e26 = tensor.empty() : tensor<2xf32>
    %init27 = linalg.fill ins(%cst0 : f32) outs(%e26 : tensor<2xf32>) -> tensor<2xf32> loc("loss_xent")
    %v32 = linalg.generic {indexing_maps = [#map2, #map4], iterator_types = ["parallel", "reduction"]} ins(%v31 : tensor<2x10xf32>) outs(%init27 : tensor<2xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.addf %in0, %out : f32
      linalg.yield %t0 : f32
    } -> tensor<2xf32> loc("loss_xent")
    %e28 = tensor.empty() : tensor<2xf32>
    %v33 = linalg.generic {indexing_maps = [#map5, #map5], iterator_types = ["parallel"]} ins(%v32 : tensor<2xf32>) outs(%e28 : tensor<2xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = math.log %in0 : f32
      linalg.yield %t0 : f32
    } -> tensor<2xf32> loc("loss_xent")
    %e29 = tensor.empty() : tensor<2x10xf32>
    %v34 = linalg.generic {indexing_maps = [#map2, #map4, #map2], iterator_types = ["parallel", "parallel"]} ins(%v30, %v33 : tensor<2x10xf32>, tensor<2xf32>) outs(%e29 : tensor<2x10xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.subf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<2x10xf32> loc("loss_xent")
    %e30 = tensor.empty() : tensor<2x10xf32>
    %v35 = linalg.generic {indexing_maps = [#map2, #map2, #map2], iterator_types = ["parallel", "parallel"]} ins(%v28, %v34 : tensor<2x10xf32>, tensor<2x10xf32>) outs(%e30 : tensor<2x10xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.mulf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<2x10xf32> loc("loss_xent")
    %e31 = tensor.empty() : tensor<f32>
    %init32 = linalg.fill ins(%cst0 : f32) outs(%e31 : tensor<f32>) -> tensor<f32> loc("loss_xent")
    %v36 = linalg.generic {indexing_maps = [#map2, #map6], iterator_types = ["reduction", "reduction"]} ins(%v35 : tensor<2x10xf32>) outs(%init32 : tensor<f32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.addf %in0, %out : f32
      linalg.yield %t0 : f32
    } -> tensor<f32> loc("loss_xent")
    %e33 = tensor.empty() : tensor<f32>
    %v37 = linalg.generic {indexing_maps = [#map7, #map7], iterator_types = []} ins(%v36 : tensor<f32>) outs(%e33 : tensor<f32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.constant -0.5 : f32
      %t1 = arith.mulf %in0, %t0 : f32
      linalg.yield %t1 : f32
    } -> tensor<f32> loc("loss_xent")
    %v38 = mpt.loss %v37 : tensor<f32> loc("loss")
    %v39 = mpt.grad_seed %v38 : tensor<f32> loc("loss")
    %e34 = tensor.empty() : tensor<f32>
    %v40 = linalg.generic {indexing_maps = [#map7, #map7], iterator_types = []} ins(%v39 : tensor<f32>) outs(%e34 : tensor<f32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.constant -0.5 : f32
      %t1 = arith.mulf %in0, %t0 : f32
      linalg.yield %t1 : f32
    } -> tensor<f32> loc("loss_xent.grad")
    %e35 = tensor.empty() : tensor<2x10xf32>
    %v41 = linalg.generic {indexing_maps = [#map6, #map2], iterator_types = ["parallel", "parallel"]} ins(%v40 : tensor<f32>) outs(%e35 : tensor<2x10xf32>) {
    ^bb0(%in0: f32, %out: f32):
      linalg.yield %in0 : f32
    } -> tensor<2x10xf32> loc("loss_xent.grad")
    %e36 = tensor.empty() : tensor<2x10xf32>
    %v42 = linalg.generic {indexing_maps = [#map2, #map2, #map2], iterator_types = ["parallel", "parallel"]} ins(%v41, %v28 : tensor<2x10xf32>, tensor<2x10xf32>) outs(%e36 : tensor<2x10xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.mulf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<2x10xf32> loc("loss_xent.grad")
    %e37 = tensor.empty() : tensor<2x10xf32>
    %v43 = linalg.generic {indexing_maps = [#map2, #map2], iterator_types = ["parallel", "parallel"]} ins(%v42 : tensor<2x10xf32>) outs(%e37 : tensor<2x10xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.negf %in0 : f32
      linalg.yield %t0 : f32
    } -> tensor<2x10xf32> loc("loss_xent.grad")
    %e38 = tensor.empty() : tensor<2xf32>
    %init39 = linalg.fill ins(%cst0 : f32) outs(%e38 : tensor<2xf32>) -> tensor<2xf32> loc("loss_xent.grad")
    %v44 = linalg.generic {indexing_maps = [#map2, #map4], iterator_types = ["parallel", "reduction"]} ins(%v43 : tensor<2x10xf32>) outs(%init39 : tensor<2xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.addf %in0, %out : f32
      linalg.yield %t0 : f32
    } -> tensor<2xf32> loc("loss_xent.grad")
    %e40 = tensor.empty() : tensor<2xf32>
    %v45 = linalg.generic {indexing_maps = [#map5, #map5, #map5], iterator_types = ["parallel"]} ins(%v44, %v32 : tensor<2xf32>, tensor<2xf32>) outs(%e40 : tensor<2xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.divf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<2xf32> loc("loss_xent.grad")
    %e41 = tensor.empty() : tensor<2x10xf32>
    %v46 = linalg.generic {indexing_maps = [#map4, #map2], iterator_types = ["parallel", "parallel"]} ins(%v45 : tensor<2xf32>) outs(%e41 : tensor<2x10xf32>) {
    ^bb0(%in0: f32, %out: f32):
      linalg.yield %in0 : f32
    } -> tensor<2x10xf32> loc("loss_xent.grad")
    %e42 = tensor.empty() : tensor<2x10xf32>
    %v47 = linalg.generic {indexing_maps = [#map2, #map2, #map2], iterator_types = ["parallel", "parallel"]} ins(%v46, %v31 : tensor<2x10xf32>, tensor<2x10xf32>) outs(%e42 : tensor<2x10xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.mulf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<2x10xf32> loc("loss_xent.grad")
    %e43 = tensor.empty() : tensor<2x10xf32>
    %v48 = linalg.generic {indexing_maps = [#map2, #map2, #map2], iterator_types = ["parallel", "parallel"]} ins(%v42, %v47 : tensor<2x10xf32>, tensor<2x10xf32>) outs(%e43 : tensor<2x10xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.addf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<2x10xf32> loc("loss_xent.grad")
    %e44 = tensor.empty() : tensor<10xf32>
    %init45 = linalg.fill ins(%cst0 : f32) outs(%e44 : tensor<10xf32>) -> tensor<10xf32> loc("head.grad")
    %v49 = linalg.generic {indexing_maps = [#map2, #map3], iterator_types = ["reduction", "parallel"]} ins(%v48 : tensor<2x10xf32>) outs(%init45 : tensor<10xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.addf %in0, %out : f32
      linalg.yield %t0 : f32
    } -> tensor<10xf32> loc("head.grad")
    %e46 = tensor.empty() : tensor<10x128xf32>
    %v50 = linalg.transpose ins(%arg6 : tensor<128x10xf32>) outs(%e46 : tensor<10x128xf32>) permutation = [1, 0] loc("head.grad")
    %e47 = tensor.empty() : tensor<2x128xf32>
    %init48 = linalg.fill ins(%cst0 : f32) outs(%e47 : tensor<2x128xf32>) -> tensor<2x128xf32> loc("head.grad")
    %v51 = linalg.matmul ins(%v48, %v50 : tensor<2x10xf32>, tensor<10x128xf32>) outs(%init48 : tensor<2x128xf32>) -> tensor<2x128xf32> loc("head.grad")
    %e49 = tensor.empty() : tensor<128x2xf32>
    %v52 = linalg.transpose ins(%v23 : tensor<2x128xf32>) outs(%e49 : tensor<128x2xf32>) permutation = [1, 0] loc("head.grad")
    %e50 = tensor.empty() : tensor<128x10xf32>
    %init51 = linalg.fill ins(%cst0 : f32) outs(%e50 : tensor<128x10xf32>) -> tensor<128x10xf32> loc("head.grad")
    %v53 = linalg.matmul ins(%v52, %v48 : tensor<128x2xf32>, tensor<2x10xf32>) outs(%init51 : tensor<128x10xf32>) -> tensor<128x10xf32> loc("head.grad")
    %v54 = tensor.expand_shape %v51 [[0], [1, 2, 3]] output_shape [2, 4, 4, 8] : tensor<2x128xf32> into tensor<2x4x4x8xf32> loc("flatten0.grad")
    %e52 = tensor.empty() : tensor<2x4x4x8xf32>
    %v55 = linalg.generic {indexing_maps = [#map0, #map0], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%v54 : tensor<2x4x4x8xf32>) outs(%e52 : tensor<2x4x4x8xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.constant 0.25 : f32
      %t1 = arith.mulf %in0, %t0 : f32
      linalg.yield %t1 : f32
    } -> tensor<2x4x4x8xf32> loc("pool.grad")
    %e53 = tensor.empty() : tensor<2x9x9x8xf32>
    %init54 = linalg.fill ins(%cst0 : f32) outs(%e53 : tensor<2x9x9x8xf32>) -> tensor<2x9x9x8xf32> loc("pool.grad")
    %v56 = tensor.insert_slice %v55 into %init54[0, 1, 1, 0] [2, 4, 4, 8] [1, 2, 2, 1] : tensor<2x4x4x8xf32> into tensor<2x9x9x8xf32> loc("pool.grad")
    %e55 = tensor.empty() : tensor<2x8x8x8xf32>
    %init56 = linalg.fill ins(%cst0 : f32) outs(%e55 : tensor<2x8x8x8xf32>) -> tensor<2x8x8x8xf32> loc("pool.grad")
    %e57 = tensor.empty() : tensor<2x2xf32>
    %v57 = linalg.pooling_nhwc_sum {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%v56, %e57 : tensor<2x9x9x8xf32>, tensor<2x2xf32>) outs(%init56 : tensor<2x8x8x8xf32>) -> tensor<2x8x8x8xf32> loc("pool.grad")
    %e58 = tensor.empty() : tensor<2x8x8x8xf32>
    %v58 = linalg.generic {indexing_maps = [#map0, #map0, #map0], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%v19, %v57 : tensor<2x8x8x8xf32>, tensor<2x8x8x8xf32>) outs(%e58 : tensor<2x8x8x8xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.constant 0.0 : f32
      %t1 = arith.cmpf ogt, %in0, %t0 : f32
      %t2 = arith.select %t1, %in1, %t0 : f32
      linalg.yield %t2 : f32
    } -> tensor<2x8x8x8xf32> loc("block0.relu.grad")
    %e59 = tensor.empty() : tensor<8xf32>
    %init60 = linalg.fill ins(%cst0 : f32) outs(%e59 : tensor<8xf32>) -> tensor<8xf32> loc("block0.conv1.grad")
    %v59 = linalg.generic {indexing_maps = [#map0, #map1], iterator_types = ["reduction", "reduction", "reduction", "parallel"]} ins(%v58 : tensor<2x8x8x8xf32>) outs(%init60 : tensor<8xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.addf %in0, %out : f32
      linalg.yield %t0 : f32
    } -> tensor<8xf32> loc("block0.conv1.grad")
    %v60 = tensor.pad %v58 low[0, 2, 2, 0] high[0, 2, 2, 0] {
    ^bb0(%i0: index, %i1: index, %i2: index, %i3: index):
      tensor.yield %cst0 : f32
    } : tensor<2x8x8x8xf32> to tensor<2x12x12x8xf32> loc("block0.conv1.grad")
    %e61 = tensor.empty() : tensor<2x10x10x8xf32>
    %init62 = linalg.fill ins(%cst0 : f32) outs(%e61 : tensor<2x10x10x8xf32>) -> tensor<2x10x10x8xf32> loc("block0.conv1.grad")
    %v61 = linalg.generic {indexing_maps = [#map8, #map9, #map10], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]} ins(%v60, %arg4 : tensor<2x12x12x8xf32>, tensor<3x3x8x8xf32>) outs(%init62 : tensor<2x10x10x8xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.mulf %in0, %in1 : f32
      %t1 = arith.addf %out, %t0 : f32
      linalg.yield %t1 : f32
    } -> tensor<2x10x10x8xf32> loc("block0.conv1.grad")
    %e63 = tensor.empty() : tensor<3x3x8x8xf32>
    %init64 = linalg.fill ins(%cst0 : f32) outs(%e63 : tensor<3x3x8x8xf32>) -> tensor<3x3x8x8xf32> loc("block0.conv1.grad")
    %v62 = linalg.generic {indexing_maps = [#map11, #map12, #map10], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]} ins(%v15, %v58 : tensor<2x10x10x8xf32>, tensor<2x8x8x8xf32>) outs(%init64 : tensor<3x3x8x8xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.mulf %in0, %in1 : f32
      %t1 = arith.addf %out, %t0 : f32
      linalg.yield %t1 : f32
    } -> tensor<3x3x8x8xf32> loc("block0.conv1.grad")
    %v63 = tensor.extract_slice %v61[0, 1, 1, 0] [2, 8, 8, 8] [1, 1, 1, 1] : tensor<2x10x10x8xf32> to tensor<2x8x8x8xf32> loc("block0.conv1.grad")
    %e65 = tensor.empty() : tensor<2x8x8x8xf32>
    %v64 = linalg.generic {indexing_maps = [#map0, #map0, #map0], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%v12, %v63 : tensor<2x8x8x8xf32>, tensor<2x8x8x8xf32>) outs(%e65 : tensor<2x8x8x8xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.constant 0.0 : f32
      %t1 = arith.cmpf ogt, %in0, %t0 : f32
      %t2 = arith.select %t1, %in1, %t0 : f32
      linalg.yield %t2 : f32
    } -> tensor<2x8x8x8xf32> loc("block0.conv0.grad")
    %e66 = tensor.empty() : tensor<8xf32>
    %init67 = linalg.fill ins(%cst0 : f32) outs(%e66 : tensor<8xf32>) -> tensor<8xf32> loc("block0.conv0.grad")
    %v65 = linalg.generic {indexing_maps = [#map0, #map1], iterator_types = ["reduction", "reduction", "reduction", "parallel"]} ins(%v64 : tensor<2x8x8x8xf32>) outs(%init67 : tensor<8xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.addf %in0, %out : f32
      linalg.yield %t0 : f32
    } -> tensor<8xf32> loc("block0.conv0.grad")
    %v66 = tensor.pad %v64 low[0, 2, 2, 0] high[0, 2, 2, 0] {
    ^bb0(%i0: index, %i1: index, %i2: index, %i3: index):
      tensor.yield %cst0 : f32
    } : tensor<2x8x8x8xf32> to tensor<2x12x12x8xf32> loc("block0.conv0.grad")
    %e68 = tensor.empty() : tensor<2x10x10x8xf32>
    %init69 = linalg.fill ins(%cst0 : f32) outs(%e68 : tensor<2x10x10x8xf32>) -> tensor<2x10x10x8xf32> loc("block0.conv0.grad")
    %v67 = linalg.generic {indexing_maps = [#map8, #map9, #map10], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]} ins(%v66, %arg2 : tensor<2x12x12x8xf32>, tensor<3x3x8x8xf32>) outs(%init69 : tensor<2x10x10x8xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.mulf %in0, %in1 : f32
      %t1 = arith.addf %out, %t0 : f32
      linalg.yield %t1 : f32
    } -> tensor<2x10x10x8xf32> loc("block0.conv0.grad")
    %e70 = tensor.empty() : tensor<3x3x8x8xf32>
    %init71 = linalg.fill ins(%cst0 : f32) outs(%e70 : tensor<3x3x8x8xf32>) -> tensor<3x3x8x8xf32> loc("block0.conv0.grad")
    %v68 = linalg.generic {indexing_maps = [#map11, #map12, #map10], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]} ins(%v9, %v64 : tensor<2x10x10x8xf32>, tensor<2x8x8x8xf32>) outs(%init71 : tensor<3x3x8x8xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.mulf %in0, %in1 : f32
      %t1 = arith.addf %out, %t0 : f32
      linalg.yield %t1 : f32
    } -> tensor<3x3x8x8xf32> loc("block0.conv0.grad")
    %v69 = tensor.extract_slice %v67[0, 1, 1, 0] [2, 8, 8, 8] [1, 1, 1, 1] : tensor<2x10x10x8xf32> to tensor<2x8x8x8xf32> loc("block0.conv0.grad")
    %e72 = tensor.empty() : tensor<2x8x8x8xf32>
    %v70 = linalg.generic {indexing_maps = [#map0, #map0, #map0], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%v58, %v69 : tensor<2x8x8x8xf32>, tensor<2x8x8x8xf32>) outs(%e72 : tensor<2x8x8x8xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.addf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<2x8x8x8xf32> loc("stem.grad")
    %e73 = tensor.empty() : tensor<2x8x8x8xf32>
    %v71 = linalg.generic {indexing_maps = [#map0, #map0, #map0], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%v6, %v70 : tensor<2x8x8x8xf32>, tensor<2x8x8x8xf32>) outs(%e73 : tensor<2x8x8x8xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.constant 0.0 : f32
      %t1 = arith.cmpf ogt, %in0, %t0 : f32
      %t2 = arith.select %t1, %in1, %t0 : f32
      linalg.yield %t2 : f32
    } -> tensor<2x8x8x8xf32> loc("stem.grad")
    %e74 = tensor.empty() : tensor<8xf32>
    %init75 = linalg.fill ins(%cst0 : f32) outs(%e74 : tensor<8xf32>) -> tensor<8xf32> loc("stem.grad")
    %v72 = linalg.generic {indexing_maps = [#map0, #map1], iterator_types = ["reduction", "reduction", "reduction", "parallel"]} ins(%v71 : tensor<2x8x8x8xf32>) outs(%init75 : tensor<8xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.addf %in0, %out : f32
      linalg.yield %t0 : f32
    } -> tensor<8xf32> loc("stem.grad")
    %e76 = tensor.empty() : tensor<3x3x1x8xf32>
    %init77 = linalg.fill ins(%cst0 : f32) outs(%e76 : tensor<3x3x1x8xf32>) -> tensor<3x3x1x8xf32> loc("stem.grad")
    %v73 = linalg.generic {indexing_maps = [#map11, #map12, #map10], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]} ins(%v3, %v71 : tensor<2x10x10x1xf32>, tensor<2x8x8x8xf32>) outs(%init77 : tensor<3x3x1x8xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.mulf %in0, %in1 : f32
      %t1 = arith.addf %out, %t0 : f32
      linalg.yield %t1 : f32
    } -> tensor<3x3x1x8xf32> loc("stem.grad")
    %new0 = mpt.sgd %arg0, %v73 {lr = 0.1 : f32} : tensor<3x3x1x8xf32> loc("stem.weight")
    %new1 = mpt.sgd %arg1, %v72 {lr = 0.1 : f32} : tensor<8xf32> loc("stem.bias")
    %new2 = mpt.sgd %arg2, %v68 {lr = 0.1 : f32} : tensor<3x3x8x8xf32> loc("block0.conv0.weight")
    %new3 = mpt.sgd %arg3, %v65 {lr = 0.1 : f32} : tensor<8xf32> loc("block0.conv0.bias")
    %new4 = mpt.sgd %arg4, %v62 {lr = 0.1 : f32} : tensor<3x3x8x8xf32> loc("block0.conv1.weight")
    %new5 = mpt.sgd %arg5, %v59 {lr = 0.1 : f32} : tensor<8xf32> loc("block0.conv1.bias")
    %new6 = mpt.sgd %arg6, %v53 {lr = 0.1 : f32} : tensor<128x10xf32> loc("head.weight")
    %new7 = mpt.sgd %arg7, %v49 {lr = 0.1 : f32} : tensor<10xf32> loc("head.bias")
    return %new0, %new1, %new2, %new3, %new4, %new5, %new6, %new7, %v38 : tensor<3x3x1x8xf32>, tensor<8xf32>, tensor<3x3x8x8xf32>, tensor<8xf32>, tensor<3x3x8x8xf32>, tensor<8xf32>, tensor<128x10xf32>, tensor<10xf32>, tensor<f32>
  }
  func.func @eval_step(%arg0: tensor<3x3x1x8xf32> {mpt.role = #mpt.role<param>, mpt.name = "stem.weight", mpt.init = #mpt.init<dist = uniform, low = -0.816496580927726, high = 0.816496580927726, seed = 7447167836792938254>}, %arg1: tensor<8xf32> {mpt.role = #mpt.role<param>, mpt.name = "stem.bias", mpt.init = #mpt.init<dist = zeros>}, %arg2: tensor<3x3x8x8xf32> {mpt.role = #mpt.role<param>, mpt.name = "block0.conv0.weight", mpt.init = #mpt.init<dist = uniform, low = -0.28867513459481287, high = 0.28867513459481287, seed = 6600667227306617870>}, %arg3: tensor<8xf32> {mpt.role = #mpt.role<param>, mpt.name = "block0.conv0.bias", mpt.init = #mpt.init<dist = zeros>}, %arg4: tensor<3x3x8x8xf32> {mpt.role = #mpt.role<param>, mpt.name = "block0.conv1.weight", mpt.init = #mpt.init<dist = uniform, low = -0.28867513459481287, high = 0.28867513459481287, seed = 8914801218769699589>}, %arg5: tensor<8xf32> {mpt.role = #mpt.role<param>, mpt.name = "block0.conv1.bias", mpt.init = #mpt.init<dist = zeros>}, %arg6: tensor<128x10xf32> {mpt.role = #mpt.role<param>, mpt.name = "head.weight", mpt.init = #mpt.init<dist = uniform, low = -0.20851441405707477, high = 0.20851441405707477, seed = 6762802604471155419>}, %arg7: tensor<10xf32> {mpt.role = #mpt.role<param>, mpt.name = "head.bias", mpt.init = #mpt.init<dist = zeros>}, %arg8: tensor<2x8x8x1xf32> {mpt.role = #mpt.role<input>, mpt.name = "x"}, %arg9: tensor<2xi32> {mpt.role = #mpt.role<input>, mpt.name = "y"}) -> (tensor<f32> {mpt.role = #mpt.role<loss>}, tensor<2x10xf32> {mpt.role = #mpt.role<output>}) {
    %cst0 = arith.constant 0.0 : f32
    %cst1 = arith.constant 0xFF800000 : f32
    %v3 = tensor.pad %arg8 low[0, 1, 1, 0] high[0, 1, 1, 0] {
    ^bb0(%i0: index, %i1: index, %i2: index, %i3: index):
      tensor.yield %cst0 : f32
    } : tensor<2x8x8x1xf32> to tensor<2x10x10x1xf32> loc("stem")
    %e1 = tensor.empty() : tensor<2x8x8x8xf32>
    %init2 = linalg.fill ins(%cst0 : f32) outs(%e1 : tensor<2x8x8x8xf32>) -> tensor<2x8x8x8xf32> loc("stem")
    %v4 = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%v3, %arg0 : tensor<2x10x10x1xf32>, tensor<3x3x1x8xf32>) outs(%init2 : tensor<2x8x8x8xf32>) -> tensor<2x8x8x8xf32> loc("stem")
    %e3 = tensor.empty() : tensor<2x8x8x8xf32>
    %v6 = linalg.generic {indexing_maps = [#map0, #map1, #map0], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%v4, %arg1 : tensor<2x8x8x8xf32>, tensor<8xf32>) outs(%e3 : tensor<2x8x8x8xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.addf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<2x8x8x8xf32> loc("stem")
    %e4 = tensor.empty() : tensor<2x8x8x8xf32>
    %v7 = linalg.generic {indexing_maps = [#map0, #map0], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%v6 : tensor<2x8x8x8xf32>) outs(%e4 : tensor<2x8x8x8xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.constant 0.0 : f32
      %t1 = arith.maximumf %in0, %t0 : f32
      linalg.yield %t1 : f32
    } -> tensor<2x8x8x8xf32> loc("stem")
    %v9 = tensor.pad %v7 low[0, 1, 1, 0] high[0, 1, 1, 0] {
    ^bb0(%i0: index, %i1: index, %i2: index, %i3: index):
      tensor.yield %cst0 : f32
    } : tensor<2x8x8x8xf32> to tensor<2x10x10x8xf32> loc("block0.conv0")
    %e5 = tensor.empty() : tensor<2x8x8x8xf32>
    %init6 = linalg.fill ins(%cst0 : f32) outs(%e5 : tensor<2x8x8x8xf32>) -> tensor<2x8x8x8xf32> loc("block0.conv0")
    %v10 = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%v9, %arg2 : tensor<2x10x10x8xf32>, tensor<3x3x8x8xf32>) outs(%init6 : tensor<2x8x8x8xf32>) -> tensor<2x8x8x8xf32> loc("block0.conv0")
    %e7 = tensor.empty() : tensor<2x8x8x8xf32>
    %v12 = linalg.generic {indexing_maps = [#map0, #map1, #map0], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%v10, %arg3 : tensor<2x8x8x8xf32>, tensor<8xf32>) outs(%e7 : tensor<2x8x8x8xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.addf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<2x8x8x8xf32> loc("block0.conv0")
    %e8 = tensor.empty() : tensor<2x8x8x8xf32>
    %v13 = linalg.generic {indexing_maps = [#map0, #map0], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%v12 : tensor<2x8x8x8xf32>) outs(%e8 : tensor<2x8x8x8xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.constant 0.0 : f32
      %t1 = arith.maximumf %in0, %t0 : f32
      linalg.yield %t1 : f32
    } -> tensor<2x8x8x8xf32> loc("block0.conv0")
    %v15 = tensor.pad %v13 low[0, 1, 1, 0] high[0, 1, 1, 0] {
    ^bb0(%i0: index, %i1: index, %i2: index, %i3: index):
      tensor.yield %cst0 : f32
    } : tensor<2x8x8x8xf32> to tensor<2x10x10x8xf32> loc("block0.conv1")
    %e9 = tensor.empty() : tensor<2x8x8x8xf32>
    %init10 = linalg.fill ins(%cst0 : f32) outs(%e9 : tensor<2x8x8x8xf32>) -> tensor<2x8x8x8xf32> loc("block0.conv1")
    %v16 = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%v15, %arg4 : tensor<2x10x10x8xf32>, tensor<3x3x8x8xf32>) outs(%init10 : tensor<2x8x8x8xf32>) -> tensor<2x8x8x8xf32> loc("block0.conv1")
    %e11 = tensor.empty() : tensor<2x8x8x8xf32>
    %v18 = linalg.generic {indexing_maps = [#map0, #map1, #map0], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%v16, %arg5 : tensor<2x8x8x8xf32>, tensor<8xf32>) outs(%e11 : tensor<2x8x8x8xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.addf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<2x8x8x8xf32> loc("block0.conv1")
    %e12 = tensor.empty() : tensor<2x8x8x8xf32>
    %v19 = linalg.generic {indexing_maps = [#map0, #map0, #map0], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%v7, %v18 : tensor<2x8x8x8xf32>, tensor<2x8x8x8xf32>) outs(%e12 : tensor<2x8x8x8xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.addf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<2x8x8x8xf32> loc("block0.add")
    %e13 = tensor.empty() : tensor<2x8x8x8xf32>
    %v20 = linalg.generic {indexing_maps = [#map0, #map0], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%v19 : tensor<2x8x8x8xf32>) outs(%e13 : tensor<2x8x8x8xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.constant 0.0 : f32
      %t1 = arith.maximumf %in0, %t0 : f32
      linalg.yield %t1 : f32
    } -> tensor<2x8x8x8xf32> loc("block0.relu")
    %e14 = tensor.empty() : tensor<2x4x4x8xf32>
    %init15 = linalg.fill ins(%cst0 : f32) outs(%e14 : tensor<2x4x4x8xf32>) -> tensor<2x4x4x8xf32> loc("pool")
    %e16 = tensor.empty() : tensor<2x2xf32>
    %v21 = linalg.pooling_nhwc_sum {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%v20, %e16 : tensor<2x8x8x8xf32>, tensor<2x2xf32>) outs(%init15 : tensor<2x4x4x8xf32>) -> tensor<2x4x4x8xf32> loc("pool")
    %e17 = tensor.empty() : tensor<2x4x4x8xf32>
    %v22 = linalg.generic {indexing_maps = [#map0, #map0], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%v21 : tensor<2x4x4x8xf32>) outs(%e17 : tensor<2x4x4x8xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.constant 0.25 : f32
      %t1 = arith.mulf %in0, %t0 : f32
      linalg.yield %t1 : f32
    } -> tensor<2x4x4x8xf32> loc("pool")
    %v23 = tensor.collapse_shape %v22 [[0], [1, 2, 3]] : tensor<2x4x4x8xf32> into tensor<2x128xf32> loc("flatten0")
    %e18 = tensor.empty() : tensor<2x10xf32>
    %init19 = linalg.fill ins(%cst0 : f32) outs(%e18 : tensor<2x10xf32>) -> tensor<2x10xf32> loc("head")
    %v25 = linalg.matmul ins(%v23, %arg6 : tensor<2x128xf32>, tensor<128x10xf32>) outs(%init19 : tensor<2x10xf32>) -> tensor<2x10xf32> loc("head")
    %e20 = tensor.empty() : tensor<2x10xf32>
    %v27 = linalg.generic {indexing_maps = [#map2, #map3, #map2], iterator_types = ["parallel", "parallel"]} ins(%v25, %arg7 : tensor<2x10xf32>, tensor<10xf32>) outs(%e20 : tensor<2x10xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.addf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<2x10xf32> loc("head")
    %e21 = tensor.empty() : tensor<2x10xf32>
    %v28 = linalg.generic {indexing_maps = [#map4, #map2], iterator_types = ["parallel", "parallel"]} ins(%arg9 : tensor<2xi32>) outs(%e21 : tensor<2x10xf32>) {
    ^bb0(%in0: i32, %out: f32):
      %t0 = linalg.index 1 : index
      %t1 = arith.index_cast %in0 : i32 to index
      %t2 = arith.cmpi eq, %t0, %t1 : index
      %t3 = arith.constant 1.0 : f32
      %t4 = arith.constant 0.0 : f32
      %t5 = arith.select %t2, %t3, %t4 : f32
      linalg.yield %t5 : f32
    } -> tensor<2x10xf32> loc("loss_xent")
    %e22 = tensor.empty() : tensor<2xf32>
    %init23 = linalg.fill ins(%cst1 : f32) outs(%e22 : tensor<2xf32>) -> tensor<2xf32> loc("loss_xent")
    %v29 = linalg.generic {indexing_maps = [#map2, #map4], iterator_types = ["parallel", "reduction"]} ins(%v27 : tensor<2x10xf32>) outs(%init23 : tensor<2xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.maximumf %in0, %out : f32
      linalg.yield %t0 : f32
    } -> tensor<2xf32> loc("loss_xent")
    %e24 = tensor.empty() : tensor<2x10xf32>
    %v30 = linalg.generic {indexing_maps = [#map2, #map4, #map2], iterator_types = ["parallel", "parallel"]} ins(%v27, %v29 : tensor<2x10xf32>, tensor<2xf32>) outs(%e24 : tensor<2x10xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.subf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<2x10xf32> loc("loss_xent")
    %e25 = tensor.empty() : tensor<2x10xf32>
    %v31 = linalg.generic {indexing_maps = [#map2, #map2], iterator_types = ["parallel", "parallel"]} ins(%v30 : tensor<2x10xf32>) outs(%e25 : tensor<2x10xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = math.exp %in0 : f32
      linalg.yield %t0 : f32
    } -> tensor<2x10xf32> loc("loss_xent")
    %e26 = tensor.empty() : tensor<2xf32>
    %init27 = linalg.fill ins(%cst0 : f32) outs(%e26 : tensor<2xf32>) -> tensor<2xf32> loc("loss_xent")
    %v32 = linalg.generic {indexing_maps = [#map2, #map4], iterator_types = ["parallel", "reduction"]} ins(%v31 : tensor<2x10xf32>) outs(%init27 : tensor<2xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.addf %in0, %out : f32
      linalg.yield %t0 : f32
    } -> tensor<2xf32> loc("loss_xent")
    %e28 = tensor.empty() : tensor<2xf32>
    %v33 = linalg.generic {indexing_maps = [#map5, #map5], iterator_types = ["parallel"]} ins(%v32 : tensor<2xf32>) outs(%e28 : tensor<2xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = math.log %in0 : f32
      linalg.yield %t0 : f32
    } -> tensor<2xf32> loc("loss_xent")
    %e29 = tensor.empty() : tensor<2x10xf32>
    %v34 = linalg.generic {indexing_maps = [#map2, #map4, #map2], iterator_types = ["parallel", "parallel"]} ins(%v30, %v33 : tensor<2x10xf32>, tensor<2xf32>) outs(%e29 : tensor<2x10xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.subf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<2x10xf32> loc("loss_xent")
    %e30 = tensor.empty() : tensor<2x10xf32>
    %v35 = linalg.generic {indexing_maps = [#map2, #map2, #map2], iterator_types = ["parallel", "parallel"]} ins(%v28, %v34 : tensor<2x10xf32>, tensor<2x10xf32>) outs(%e30 : tensor<2x10xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.mulf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<2x10xf32> loc("loss_xent")
    %e31 = tensor.empty() : tensor<f32>
    %init32 = linalg.fill ins(%cst0 : f32) outs(%e31 : tensor<f32>) -> tensor<f32> loc("loss_xent")
    %v36 = linalg.generic {indexing_maps = [#map2, #map6], iterator_types = ["reduction", "reduction"]} ins(%v35 : tensor<2x10xf32>) outs(%init32 : tensor<f32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.addf %in0, %out : f32
      linalg.yield %t0 : f32
    } -> tensor<f32> loc("loss_xent")
    %e33 = tensor.empty() : tensor<f32>
    %v37 = linalg.generic {indexing_maps = [#map7, #map7], iterator_types = []} ins(%v36 : tensor<f32>) outs(%e33 : tensor<f32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.constant -0.5 : f32
      %t1 = arith.mulf %in0, %t0 : f32
      linalg.yield %t1 : f32
    } -> tensor<f32> loc("loss_xent")
    return %v37, %v27 : tensor<f32>, tensor<2x10xf32>
  }
}
