// mpt frontend: model 'cnn', optimizer sgd, batch 32
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
#map13 = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d1 - d4 + 2, d2 - d5 + 2, d6)>
#map14 = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d4, d5, d3, d6)>
#map15 = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d0, d1, d2, d3)>
#map16 = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d4, d5 + d0, d6 + d1, d2)>
#map17 = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d4, d5, d6, d3)>
module {
  func.func @train_step(%arg0: tensor<3x3x1x8xf32> {mpt.role = #mpt.role<param>, mpt.name = "conv0.weight", mpt.init = #mpt.init<dist = uniform, low = -0.816496580927726, high = 0.816496580927726, seed = 435253826858567854>}, %arg1: tensor<8xf32> {mpt.role = #mpt.role<param>, mpt.name = "conv0.bias", mpt.init = #mpt.init<dist = zeros>}, %arg2: tensor<3x3x8x16xf32> {mpt.role = #mpt.role<param>, mpt.name = "conv1.weight", mpt.init = #mpt.init<dist = uniform, low = -0.28867513459481287, high = 0.28867513459481287, seed = 2937874715296679903>}, %arg3: tensor<16xf32> {mpt.role = #mpt.role<param>, mpt.name = "conv1.bias", mpt.init = #mpt.init<dist = zeros>}, %arg4: tensor<64x10xf32> {mpt.role = #mpt.role<param>, mpt.name = "head.weight", mpt.init = #mpt.init<dist = uniform, low = -0.2847473987257497, high = 0.2847473987257497, seed = 6762802604471155419>}, %arg5: tensor<10xf32> {mpt.role = #mpt.role<param>, mpt.name = "head.bias", mpt.init = #mpt.init<dist = zeros>}, %arg6: tensor<32x8x8x1xf32> {mpt.role = #mpt.role<input>, mpt.name = "x"}, %arg7: tensor<32xi32> {mpt.role = #mpt.role<input>, mpt.name = "y"}) -> (tensor<3x3x1x8xf32> {mpt.role = #mpt.role<param>, mpt.updates = "conv0.weight"}, tensor<8xf32> {mpt.role = #mpt.role<param>, mpt.updates = "conv0.bias"}, tensor<3x3x8x16xf32> {mpt.role = #mpt.role<param>, mpt.updates = "conv1.weight"}, tensor<16xf32> {mpt.role = #mpt.role<param>, mpt.updates = "conv1.bias"}, tensor<64x10xf32> {mpt.role = #mpt.role<param>, mpt.updates = "head.weight"}, tensor<10xf32> {mpt.role = #mpt.role<param>, mpt.updates = "head.bias"}, tensor<f32> {mpt.role = #mpt.role<loss>}) {
    %cst0 = arith.constant 0.0 : f32
    %cst1 = arith.constant 0xFF800000 : f32
    %v3 = tensor.pad %arg6 low[0, 1, 1, 0] high[0, 1, 1, 0] {
    ^bb0(%i0: index, %i1: index, %i2: index, %i3: index):
      tensor.yield %cst0 : f32
    } : tensor<32x8x8x1xf32> to tensor<32x10x10x1xf32> loc("conv0")
    %e1 = tensor.empty() : tensor<32x8x8x8xf32>
    %init2 = linalg.fill ins(%cst0 : f32) outs(%e1 : tensor<32x8x8x8xf32>) -> tensor<32x8x8x8xf32> loc("conv0")
    %v4 = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%v3, %arg0 : tensor<32x10x10x1xf32>, tensor<3x3x1x8xf32>) outs(%init2 : tensor<32x8x8x8xf32>) -> tensor<32x8x8x8xf32> loc("conv0")
    %e3 = tensor.empty() : tensor<32x8x8x8xf32>
    %v6 = linalg.generic {indexing_maps = [#map0, #map1, #map0], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%v4, %arg1 : tensor<32x8x8x8xf32>, tensor<8xf32>) outs(%e3 : tensor<32x8x8x8xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.addf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<32x8x8x8xf32> loc("conv0")
    %e4 = tensor.empty() : tensor<32x8x8x8xf32>
    %v7 = linalg.generic {indexing_maps = [#map0, #map0], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%v6 : tensor<32x8x8x8xf32>) outs(%e4 : tensor<32x8x8x8xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.constant 0.0 : f32
      %t1 = arith.maximumf %in0, %t0 : f32
      linalg.yield %t1 : f32
    } -> tensor<32x8x8x8xf32> loc("conv0")
    %e5 = tensor.empty() : tensor<32x4x4x8xf32>
    %init6 = linalg.fill ins(%cst1 : f32) outs(%e5 : tensor<32x4x4x8xf32>) -> tensor<32x4x4x8xf32> loc("max_pool0")
    %e7 = tensor.empty() : tensor<2x2xf32>
    %v8 = linalg.pooling_nhwc_max {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%v7, %e7 : tensor<32x8x8x8xf32>, tensor<2x2xf32>) outs(%init6 : tensor<32x4x4x8xf32>) -> tensor<32x4x4x8xf32> loc("max_pool0")
    %v10 = tensor.pad %v8 low[0, 1, 1, 0] high[0, 1, 1, 0] {
    ^bb0(%i0: index, %i1: index, %i2: index, %i3: index):
      tensor.yield %cst0 : f32
    } : tensor<32x4x4x8xf32> to tensor<32x6x6x8xf32> loc("conv1")
    %e8 = tensor.empty() : tensor<32x4x4x16xf32>
    %init9 = linalg.fill ins(%cst0 : f32) outs(%e8 : tensor<32x4x4x16xf32>) -> tensor<32x4x4x16xf32> loc("conv1")
    %v11 = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%v10, %arg2 : tensor<32x6x6x8xf32>, tensor<3x3x8x16xf32>) outs(%init9 : tensor<32x4x4x16xf32>) -> tensor<32x4x4x16xf32> loc("conv1")
    %e10 = tensor.empty() : tensor<32x4x4x16xf32>
    %v13 = linalg.generic {indexing_maps = [#map0, #map1, #map0], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%v11, %arg3 : tensor<32x4x4x16xf32>, tensor<16xf32>) outs(%e10 : tensor<32x4x4x16xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.addf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<32x4x4x16xf32> loc("conv1")
    %e11 = tensor.empty() : tensor<32x4x4x16xf32>
    %v14 = linalg.generic {indexing_maps = [#map0, #map0], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%v13 : tensor<32x4x4x16xf32>) outs(%e11 : tensor<32x4x4x16xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.constant 0.0 : f32
      %t1 = arith.maximumf %in0, %t0 : f32
      linalg.yield %t1 : f32
    } -> tensor<32x4x4x16xf32> loc("conv1")
    %e12 = tensor.empty() : tensor<32x2x2x16xf32>
    %init13 = linalg.fill ins(%cst1 : f32) outs(%e12 : tensor<32x2x2x16xf32>) -> tensor<32x2x2x16xf32> loc("max_pool1")
    %e14 = tensor.empty() : tensor<2x2xf32>
    %v15 = linalg.pooling_nhwc_max {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%v14, %e14 : tensor<32x4x4x16xf32>, tensor<2x2xf32>) outs(%init13 : tensor<32x2x2x16xf32>) -> tensor<32x2x2x16xf32> loc("max_pool1")
    %v16 = tensor.collapse_shape %v15 [[0], [1, 2, 3]] : tensor<32x2x2x16xf32> into tensor<32x64xf32> loc("flatten0")
    %e15 = tensor.empty() : tensor<32x10xf32>
    %init16 = linalg.fill ins(%cst0 : f32) outs(%e15 : tensor<32x10xf32>) -> tensor<32x10xf32> loc("head")
    %v18 = linalg.matmul ins(%v16, %arg4 : tensor<32x64xf32>, tensor<64x10xf32>) outs(%init16 : tensor<32x10xf32>) -> tensor<32x10xf32> loc("head")
    %e17 = tensor.empty() : tensor<32x10xf32>
    %v20 = linalg.generic {indexing_maps = [#map2, #map3, #map2], iterator_types = ["parallel", "parallel"]} ins(%v18, %arg5 : tensor<32x10xf32>, tensor<10xf32>) outs(%e17 : tensor<32x10xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.addf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<32x10xf32> loc("head")
    %e18 = tensor.empty() : tensor<32x10xf32>
    %v21 = linalg.generic {indexing_maps = [#map4, #map2], iterator_types = ["parallel", "parallel"]} ins(%arg7 : tensor<32xi32>) outs(%e18 : tensor<32x10xf32>) {
    ^bb0(%in0: i32, %out: f32):
      %t0 = linalg.index 1 : index
      %t1 = arith.index_cast %in0 : i32 to index
      %t2 = arith.cmpi eq, %t0, %t1 : index
      %t3 = arith.constant 1.0 : f32
      %t4 = arith.constant 0.0 : f32
      %t5 = arith.select %t2, %t3, %t4 : f32
      linalg.yield %t5 : f32
    } -> tensor<32x10xf32> loc("loss_xent")
    %e19 = tensor.empty() : tensor<32xf32>
    %init20 = linalg.fill ins(%cst1 : f32) outs(%e19 : tensor<32xf32>) -> tensor<32xf32> loc("loss_xent")
    %v22 = linalg.generic {indexing_maps = [#map2, #map4], iterator_types = ["parallel", "reduction"]} ins(%v20 : tensor<32x10xf32>) outs(%init20 : tensor<32xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.maximumf %in0, %out : f32
      linalg.yield %t0 : f32
    } -> tensor<32xf32> loc("loss_xent")
    %e21 = tensor.empty() : tensor<32x10xf32>
    %v23 = linalg.generic {indexing_maps = [#map2, #map4, #map2], iterator_types = ["parallel", "parallel"]} ins(%v20, %v22 : tensor<32x10xf32>, tensor<32xf32>) outs(%e21 : tensor<32x10xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.subf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<32x10xf32> loc("loss_xent")
    %e22 = tensor.empty() : tensor<32x10xf32>
    %v24 = linalg.generic {indexing_maps = [#map2, #map2], iterator_types = ["parallel", "parallel"]} ins(%v23 : tensor<32x10xf32>) outs(%e22 : tensor<32x10xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = math.exp %in0 : f32
      linalg.yield %t0 : f32
    } -> tensor<32x10xf32> loc("loss_xent")
    %e23 = tensor.empty() : tensor<32xf32>
    %init24 = linalg.fill ins(%cst0 : f32) outs(%e23 : tensor<32xf32>) -> tensor<32xf32> loc("loss_xent")
    %v25 = linalg.generic {indexing_maps = [#map2, #map4], iterator_types = ["parallel", "reduction"]} ins(%v24 : tensor<32x10xf32>) outs(%init24 : tensor<32xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.addf %in0, %out : f32
      linalg.yield %t0 : f32
    } -> tensor<32xf32> loc("loss_xent")
    %e25 = tensor.empty() : tensor<32xf32>
    %v26 = linalg.generic {indexing_maps = [#map5, #map5], iterator_types = ["parallel"]} ins(%v25 : tensor<32xf32>) outs(%e25 : tensor<32xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = math.log %in0 : f32
      linalg.yield %t0 : f32
    } -> tensor<32xf32> loc("loss_xent")
    %e26 = tensor.empty() : tensor<32x10xf32>
    %v27 = linalg.generic {indexing_maps = [#map2, #map4, #map2], iterator_types = ["parallel", "parallel"]} ins(%v23, %v26 : tensor<32x10xf32>, tensor<32xf32>) outs(%e26 : tensor<32x10xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.subf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<32x10xf32> loc("loss_xent")
    %e27 = tensor.empty() : tensor<32x10xf32>
    %v28 = linalg.generic {indexing_maps = [#map2, #map2, #map2], iterator_types = ["parallel", "parallel"]} ins(%v21, %v27 : tensor<32x10xf32>, tensor<32x10xf32>) outs(%e27 : tensor<32x10xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.mulf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<32x10xf32> loc("loss_xent")
    %e28 = tensor.empty() : tensor<f32>
    %init29 = linalg.fill ins(%cst0 : f32) outs(%e28 : tensor<f32>) -> tensor<f32> loc("loss_xent")
    %v29 = linalg.generic {indexing_maps = [#map2, #map6], iterator_types = ["reduction", "reduction"]} ins(%v28 : tensor<32x10xf32>) outs(%init29 : tensor<f32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.addf %in0, %out : f32
      linalg.yield %t0 : f32
    } -> tensor<f32> loc("loss_xent")
    %e30 = tensor.empty() : tensor<f32>
    %v30 = linalg.generic {indexing_maps = [#map7, #map7], iterator_types = []} ins(%v29 : tensor<f32>) outs(%e30 : tensor<f32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.constant -0.03125 : f32
      %t1 = arith.mulf %in0, %t0 : f32
      linalg.yield %t1 : f32
    } -> tensor<f32> loc("loss_xent")
    %v31 = mpt.loss %v30 : tensor<f32> loc("loss")
    %v32 = mpt.grad_seed %v31 : tensor<f32> loc("loss")
    %e31 = tensor.empty() : tensor<f32>
    %v33 = linalg.generic {indexing_maps = [#map7, #map7], iterator_types = []} ins(%v32 : tensor<f32>) outs(%e31 : tensor<f32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.constant -0.03125 : f32
      %t1 = arith.mulf %in0, %t0 : f32
      linalg.yield %t1 : f32
    } -> tensor<f32> loc("loss_xent.grad")
    %e32 = tensor.empty() : tensor<32x10xf32>
    %v34 = linalg.generic {indexing_maps = [#map6, #map2], iterator_types = ["parallel", "parallel"]} ins(%v33 : tensor<f32>) outs(%e32 : tensor<32x10xf32>) {
    ^bb0(%in0: f32, %out: f32):
      linalg.yield %in0 : f32
    } -> tensor<32x10xf32> loc("loss_xent.grad")
    %e33 = tensor.empty() : tensor<32x10xf32>
    %v35 = linalg.generic {indexing_maps = [#map2, #map2, #map2], iterator_types = ["parallel", "parallel"]} ins(%v34, %v21 : tensor<32x10xf32>, tensor<32x10xf32>) outs(%e33 : tensor<32x10xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.mulf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<32x10xf32> loc("loss_xent.grad")
    %e34 = tensor.empty() : tensor<32x10xf32>
    %v36 = linalg.generic {indexing_maps = [#map2, #map2], iterator_types = ["parallel", "parallel"]} ins(%v35 : tensor<32x10xf32>) outs(%e34 : tensor<32x10xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.negf %in0 : f32
      linalg.yield %t0 : f32
    } -> tensor<32x10xf32> loc("loss_xent.grad")
    %e35 = tensor.empty() : tensor<32xf32>
    %init36 = linalg.fill ins(%cst0 : f32) outs(%e35 : tensor<32xf32>) -> tensor<32xf32> loc("loss_xent.grad")
    %v37 = linalg.generic {indexing_maps = [#map2, #map4], iterator_types = ["parallel", "reduction"]} ins(%v36 : tensor<32x10xf32>) outs(%init36 : tensor<32xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.addf %in0, %out : f32
      linalg.yield %t0 : f32
    } -> tensor<32xf32> loc("loss_xent.grad")
    %e37 = tensor.empty() : tensor<32xf32>
    %v38 = linalg.generic {indexing_maps = [#map5, #map5, #map5], iterator_types = ["parallel"]} ins(%v37, %v25 : tensor<32xf32>, tensor<32xf32>) outs(%e37 : tensor<32xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.divf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<32xf32> loc("loss_xent.grad")
    %e38 = tensor.empty() : tensor<32x10xf32>
    %v39 = linalg.generic {indexing_maps = [#map4, #map2], iterator_types = ["parallel", "parallel"]} ins(%v38 : tensor<32xf32>) outs(%e38 : tensor<32x10xf32>) {
    ^bb0(%in0: f32, %out: f32):
      linalg.yield %in0 : f32
    } -> tensor<32x10xf32> loc("loss_xent.grad")
    %e39 = tensor.empty() : tensor<32x10xf32>
    %v40 = linalg.generic {indexing_maps = [#map2, #map2, #map2], iterator_types = ["parallel", "parallel"]} ins(%v39, %v24 : tensor<32x10xf32>, tensor<32x10xf32>) outs(%e39 : tensor<32x10xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.mulf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<32x10xf32> loc("loss_xent.grad")
    %e40 = tensor.empty() : tensor<32x10xf32>
    %v41 = linalg.generic {indexing_maps = [#map2, #map2, #map2], iterator_types = ["parallel", "parallel"]} ins(%v35, %v40 : tensor<32x10xf32>, tensor<32x10xf32>) outs(%e40 : tensor<32x10xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.addf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<32x10xf32> loc("loss_xent.grad")
    %e41 = tensor.empty() : tensor<10xf32>
    %init42 = linalg.fill ins(%cst0 : f32) outs(%e41 : tensor<10xf32>) -> tensor<10xf32> loc("head.grad")
    %v42 = linalg.generic {indexing_maps = [#map2, #map3], iterator_types = ["reduction", "parallel"]} ins(%v41 : tensor<32x10xf32>) outs(%init42 : tensor<10xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.addf %in0, %out : f32
      linalg.yield %t0 : f32
    } -> tensor<10xf32> loc("head.grad")
    %e43 = tensor.empty() : tensor<10x64xf32>
    %v43 = linalg.transpose ins(%arg4 : tensor<64x10xf32>) outs(%e43 : tensor<10x64xf32>) permutation = [1, 0] loc("head.grad")
    %e44 = tensor.empty() : tensor<32x64xf32>
    %init45 = linalg.fill ins(%cst0 : f32) outs(%e44 : tensor<32x64xf32>) -> tensor<32x64xf32> loc("head.grad")
    %v44 = linalg.matmul ins(%v41, %v43 : tensor<32x10xf32>, tensor<10x64xf32>) outs(%init45 : tensor<32x64xf32>) -> tensor<32x64xf32> loc("head.grad")
    %e46 = tensor.empty() : tensor<64x32xf32>
    %v45 = linalg.transpose ins(%v16 : tensor<32x64xf32>) outs(%e46 : tensor<64x32xf32>) permutation = [1, 0] loc("head.grad")
    %e47 = tensor.empty() : tensor<64x10xf32>
    %init48 = linalg.fill ins(%cst0 : f32) outs(%e47 : tensor<64x10xf32>) -> tensor<64x10xf32> loc("head.grad")
    %v46 = linalg.matmul ins(%v45, %v41 : tensor<64x32xf32>, tensor<32x10xf32>) outs(%init48 : tensor<64x10xf32>) -> tensor<64x10xf32> loc("head.grad")
    %v47 = tensor.expand_shape %v44 [[0], [1, 2, 3]] output_shape [32, 2, 2, 16] : tensor<32x64xf32> into tensor<32x2x2x16xf32> loc("flatten0.grad")
    %e49 = tensor.empty() : tensor<32x2x2x2x2x16xf32>
    %v48 = linalg.generic {indexing_maps = [#map8, #map9, #map9, #map10], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "parallel"]} ins(%v14, %v15, %v47 : tensor<32x4x4x16xf32>, tensor<32x2x2x16xf32>, tensor<32x2x2x16xf32>) outs(%e49 : tensor<32x2x2x2x2x16xf32>) {
    ^bb0(%in0: f32, %in1: f32, %in2: f32, %out: f32):
      %t0 = arith.constant 0.0 : f32
      %t1 = arith.cmpf oeq, %in0, %in1 : f32
      %t2 = arith.select %t1, %in2, %t0 : f32
      linalg.yield %t2 : f32
    } -> tensor<32x2x2x2x2x16xf32> loc("max_pool1.grad")
    %e50 = tensor.empty() : tensor<32x5x5x2x2x16xf32>
    %init51 = linalg.fill ins(%cst0 : f32) outs(%e50 : tensor<32x5x5x2x2x16xf32>) -> tensor<32x5x5x2x2x16xf32> loc("max_pool1.grad")
    %v49 = tensor.insert_slice %v48 into %init51[0, 1, 1, 0, 0, 0] [32, 2, 2, 2, 2, 16] [1, 2, 2, 1, 1, 1] : tensor<32x2x2x2x2x16xf32> into tensor<32x5x5x2x2x16xf32> loc("max_pool1.grad")
    %e52 = tensor.empty() : tensor<32x4x4x16xf32>
    %init53 = linalg.fill ins(%cst0 : f32) outs(%e52 : tensor<32x4x4x16xf32>) -> tensor<32x4x4x16xf32> loc("max_pool1.grad")
    %v50 = linalg.generic {indexing_maps = [#map11, #map12], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]} ins(%v49 : tensor<32x5x5x2x2x16xf32>) outs(%init53 : tensor<32x4x4x16xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.addf %out, %in0 : f32
      linalg.yield %t0 : f32
    } -> tensor<32x4x4x16xf32> loc("max_pool1.grad")
    %e54 = tensor.empty() : tensor<32x4x4x16xf32>
    %v51 = linalg.generic {indexing_maps = [#map0, #map0, #map0], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%v13, %v50 : tensor<32x4x4x16xf32>, tensor<32x4x4x16xf32>) outs(%e54 : tensor<32x4x4x16xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.constant 0.0 : f32
      %t1 = arith.cmpf ogt, %in0, %t0 : f32
      %t2 = arith.select %t1, %in1, %t0 : f32
      linalg.yield %t2 : f32
    } -> tensor<32x4x4x16xf32> loc("conv1.grad")
    %e55 = tensor.empty() : tensor<16xf32>
    %init56 = linalg.fill ins(%cst0 : f32) outs(%e55 : tensor<16xf32>) -> tensor<16xf32> loc("conv1.grad")
    %v52 = linalg.generic {indexing_maps = [#map0, #map1], iterator_types = ["reduction", "reduction", "reduction", "parallel"]} ins(%v51 : tensor<32x4x4x16xf32>) outs(%init56 : tensor<16xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.addf %in0, %out : f32
      linalg.yield %t0 : f32
    } -> tensor<16xf32> loc("conv1.grad")
    %v53 = tensor.pad %v51 low[0, 2, 2, 0] high[0, 2, 2, 0] {
    ^bb0(%i0: index, %i1: index, %i2: index, %i3: index):
      tensor.yield %cst0 : f32
    } : tensor<32x4x4x16xf32> to tensor<32x8x8x16xf32> loc("conv1.grad")
    %e57 = tensor.empty() : tensor<32x6x6x8xf32>
    %init58 = linalg.fill ins(%cst0 : f32) outs(%e57 : tensor<32x6x6x8xf32>) -> tensor<32x6x6x8xf32> loc("conv1.grad")
    %v54 = linalg.generic {indexing_maps = [#map13, #map14, #map15], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]} ins(%v53, %arg2 : tensor<32x8x8x16xf32>, tensor<3x3x8x16xf32>) outs(%init58 : tensor<32x6x6x8xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.mulf %in0, %in1 : f32
      %t1 = arith.addf %out, %t0 : f32
      linalg.yield %t1 : f32
    } -> tensor<32x6x6x8xf32> loc("conv1.grad")
    %e59 = tensor.empty() : tensor<3x3x8x16xf32>
    %init60 = linalg.fill ins(%cst0 : f32) outs(%e59 : tensor<3x3x8x16xf32>) -> tensor<3x3x8x16xf32> loc("conv1.grad")
    %v55 = linalg.generic {indexing_maps = [#map16, #map17, #map15], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]} ins(%v10, %v51 : tensor<32x6x6x8xf32>, tensor<32x4x4x16xf32>) outs(%init60 : tensor<3x3x8x16xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.mulf %in0, %in1 : f32
      %t1 = arith.addf %out, %t0 : f32
      linalg.yield %t1 : f32
    } -> tensor<3x3x8x16xf32> loc("conv1.grad")
    %v56 = tensor.extract_slice %v54[0, 1, 1, 0] [32, 4, 4, 8] [1, 1, 1, 1] : tensor<32x6x6x8xf32> to tensor<32x4x4x8xf32> loc("conv1.grad")
    %e61 = tensor.empty() : tensor<32x4x4x2x2x8xf32>
    %v57 = linalg.generic {indexing_maps = [#map8, #map9, #map9, #map10], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "parallel"]} ins(%v7, %v8, %v56 : tensor<32x8x8x8xf32>, tensor<32x4x4x8xf32>, tensor<32x4x4x8xf32>) outs(%e61 : tensor<32x4x4x2x2x8xf32>) {
    ^bb0(%in0: f32, %in1: f32, %in2: f32, %out: f32):
      %t0 = arith.constant 0.0 : f32
      %t1 = arith.cmpf oeq, %in0, %in1 : f32
      %t2 = arith.select %t1, %in2, %t0 : f32
      linalg.yield %t2 : f32
    } -> tensor<32x4x4x2x2x8xf32> loc("max_pool0.grad")
    %e62 = tensor.empty() : tensor<32x9x9x2x2x8xf32>
    %init63 = linalg.fill ins(%cst0 : f32) outs(%e62 : tensor<32x9x9x2x2x8xf32>) -> tensor<32x9x9x2x2x8xf32> loc("max_pool0.grad")
    %v58 = tensor.insert_slice %v57 into %init63[0, 1, 1, 0, 0, 0] [32, 4, 4, 2, 2, 8] [1, 2, 2, 1, 1, 1] : tensor<32x4x4x2x2x8xf32> into tensor<32x9x9x2x2x8xf32> loc("max_pool0.grad")
    %e64 = tensor.empty() : tensor<32x8x8x8xf32>
    %init65 = linalg.fill ins(%cst0 : f32) outs(%e64 : tensor<32x8x8x8xf32>) -> tensor<32x8x8x8xf32> loc("max_pool0.grad")
    %v59 = linalg.generic {indexing_maps = [#map11, #map12], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]} ins(%v58 : tensor<32x9x9x2x2x8xf32>) outs(%init65 : tensor<32x8x8x8xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.addf %out, %in0 : f32
      linalg.yield %t0 : f32
    } -> tensor<32x8x8x8xf32> loc("max_pool0.grad")
    %e66 = tensor.empty() : tensor<32x8x8x8xf32>
    %v60 = linalg.generic {indexing_maps = [#map0, #map0, #map0], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%v6, %v59 : tensor<32x8x8x8xf32>, tensor<32x8x8x8xf32>) outs(%e66 : tensor<32x8x8x8xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.constant 0.0 : f32
      %t1 = arith.cmpf ogt, %in0, %t0 : f32
      %t2 = arith.select %t1, %in1, %t0 : f32
      linalg.yield %t2 : f32
    } -> tensor<32x8x8x8xf32> loc("conv0.grad")
    %e67 = tensor.empty() : tensor<8xf32>
    %init68 = linalg.fill ins(%cst0 : f32) outs(%e67 : tensor<8xf32>) -> tensor<8xf32> loc("conv0.grad")
    %v61 = linalg.generic {indexing_maps = [#map0, #map1], iterator_types = ["reduction", "reduction", "reduction", "parallel"]} ins(%v60 : tensor<32x8x8x8xf32>) outs(%init68 : tensor<8xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.addf %in0, %out : f32
      linalg.yield %t0 : f32
    } -> tensor<8xf32> loc("conv0.grad")
    %e69 = tensor.empty() : tensor<3x3x1x8xf32>
    %init70 = linalg.fill ins(%cst0 : f32) outs(%e69 : tensor<3x3x1x8xf32>) -> tensor<3x3x1x8xf32> loc("conv0.grad")
    %v62 = linalg.generic {indexing_maps = [#map16, #map17, #map15], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]} ins(%v3, %v60 : tensor<32x10x10x1xf32>, tensor<32x8x8x8xf32>) outs(%init70 : tensor<3x3x1x8xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.mulf %in0, %in1 : f32
      %t1 = arith.addf %out, %t0 : f32
      linalg.yield %t1 : f32
    } -> tensor<3x3x1x8xf32> loc("conv0.grad")
    %new0 = mpt.sgd %arg0, %v62 {lr = 0.1 : f32} : tensor<3x3x1x8xf32> loc("conv0.weight")
    %new1 = mpt.sgd %arg1, %v61 {lr = 0.1 : f32} : tensor<8xf32> loc("conv0.bias")
    %new2 = mpt.sgd %arg2, %v55 {lr = 0.1 : f32} : tensor<3x3x8x16xf32> loc("conv1.weight")
    %new3 = mpt.sgd %arg3, %v52 {lr = 0.1 : f32} : tensor<16xf32> loc("conv1.bias")
    %new4 = mpt.sgd %arg4, %v46 {lr = 0.1 : f32} : tensor<64x10xf32> loc("head.weight")
    %new5 = mpt.sgd %arg5, %v42 {lr = 0.1 : f32} : tensor<10xf32> loc("head.bias")
    return %new0, %new1, %new2, %new3, %new4, %new5, %v31 : tensor<3x3x1x8xf32>, tensor<8xf32>, tensor<3x3x8x16xf32>, tensor<16xf32>, tensor<64x10xf32>, tensor<10xf32>, tensor<f32>
  }
  func.func @eval_step(%arg0: tensor<3x3x1x8xf32> {mpt.role = #mpt.role<param>, mpt.name = "conv0.weight", mpt.init = #mpt.init<dist = uniform, low = -0.816496580927726, high = 0.816496580927726, seed = 435253826858567854>}, %arg1: tensor<8xf32> {mpt.role = #mpt.role<param>, mpt.name = "conv0.bias", mpt.init = #mpt.init<dist = zeros>}, %arg2: tensor<3x3x8x16xf32> {mpt.role = #mpt.role<param>, mpt.name = "conv1.weight", mpt.init = #mpt.init<dist = uniform, low = -0.28867513459481287, high = 0.28867513459481287, seed = 2937874715296679903>}, %arg3: tensor<16xf32> {mpt.role = #mpt.role<param>, mpt.name = "conv1.bias", mpt.init = #mpt.init<dist = zeros>}, %arg4: tensor<64x10xf32> {mpt.role = #mpt.role<param>, mpt.name = "head.weight", mpt.init = #mpt.init<dist = uniform, low = -0.2847473987257497, high = 0.2847473987257497, seed = 6762802604471155419>}, %arg5: tensor<10xf32> {mpt.role = #mpt.role<param>, mpt.name = "head.bias", mpt.init = #mpt.init<dist = zeros>}, %arg6: tensor<32x8x8x1xf32> {mpt.role = #mpt.role<input>, mpt.name = "x"}, %arg7: tensor<32xi32> {mpt.role = #mpt.role<input>, mpt.name = "y"}) -> (tensor<f32> {mpt.role = #mpt.role<loss>}, tensor<32x10xf32> {mpt.role = #mpt.role<output>, mpt.name = "logits"}) {
    %cst0 = arith.constant 0.0 : f32
    %cst1 = arith.constant 0xFF800000 : f32
    %v3 = tensor.pad %arg6 low[0, 1, 1, 0] high[0, 1, 1, 0] {
    ^bb0(%i0: index, %i1: index, %i2: index, %i3: index):
      tensor.yield %cst0 : f32
    } : tensor<32x8x8x1xf32> to tensor<32x10x10x1xf32> loc("conv0")
    %e1 = tensor.empty() : tensor<32x8x8x8xf32>
    %init2 = linalg.fill ins(%cst0 : f32) outs(%e1 : tensor<32x8x8x8xf32>) -> tensor<32x8x8x8xf32> loc("conv0")
    %v4 = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%v3, %arg0 : tensor<32x10x10x1xf32>, tensor<3x3x1x8xf32>) outs(%init2 : tensor<32x8x8x8xf32>) -> tensor<32x8x8x8xf32> loc("conv0")
    %e3 = tensor.empty() : tensor<32x8x8x8xf32>
    %v6 = linalg.generic {indexing_maps = [#map0, #map1, #map0], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%v4, %arg1 : tensor<32x8x8x8xf32>, tensor<8xf32>) outs(%e3 : tensor<32x8x8x8xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.addf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<32x8x8x8xf32> loc("conv0")
    %e4 = tensor.empty() : tensor<32x8x8x8xf32>
    %v7 = linalg.generic {indexing_maps = [#map0, #map0], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%v6 : tensor<32x8x8x8xf32>) outs(%e4 : tensor<32x8x8x8xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.constant 0.0 : f32
      %t1 = arith.maximumf %in0, %t0 : f32
      linalg.yield %t1 : f32
    } -> tensor<32x8x8x8xf32> loc("conv0")
    %e5 = tensor.empty() : tensor<32x4x4x8xf32>
    %init6 = linalg.fill ins(%cst1 : f32) outs(%e5 : tensor<32x4x4x8xf32>) -> tensor<32x4x4x8xf32> loc("max_pool0")
    %e7 = tensor.empty() : tensor<2x2xf32>
    %v8 = linalg.pooling_nhwc_max {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%v7, %e7 : tensor<32x8x8x8xf32>, tensor<2x2xf32>) outs(%init6 : tensor<32x4x4x8xf32>) -> tensor<32x4x4x8xf32> loc("max_pool0")
    %v10 = tensor.pad %v8 low[0, 1, 1, 0] high[0, 1, 1, 0] {
    ^bb0(%i0: index, %i1: index, %i2: index, %i3: index):
      tensor.yield %cst0 : f32
    } : tensor<32x4x4x8xf32> to tensor<32x6x6x8xf32> loc("conv1")
    %e8 = tensor.empty() : tensor<32x4x4x16xf32>
    %init9 = linalg.fill ins(%cst0 : f32) outs(%e8 : tensor<32x4x4x16xf32>) -> tensor<32x4x4x16xf32> loc("conv1")
    %v11 = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%v10, %arg2 : tensor<32x6x6x8xf32>, tensor<3x3x8x16xf32>) outs(%init9 : tensor<32x4x4x16xf32>) -> tensor<32x4x4x16xf32> loc("conv1")
    %e10 = tensor.empty() : tensor<32x4x4x16xf32>
    %v13 = linalg.generic {indexing_maps = [#map0, #map1, #map0], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%v11, %arg3 : tensor<32x4x4x16xf32>, tensor<16xf32>) outs(%e10 : tensor<32x4x4x16xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.addf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<32x4x4x16xf32> loc("conv1")
    %e11 = tensor.empty() : tensor<32x4x4x16xf32>
    %v14 = linalg.generic {indexing_maps = [#map0, #map0], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%v13 : tensor<32x4x4x16xf32>) outs(%e11 : tensor<32x4x4x16xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.constant 0.0 : f32
      %t1 = arith.maximumf %in0, %t0 : f32
      linalg.yield %t1 : f32
    } -> tensor<32x4x4x16xf32> loc("conv1")
    %e12 = tensor.empty() : tensor<32x2x2x16xf32>
    %init13 = linalg.fill ins(%cst1 : f32) outs(%e12 : tensor<32x2x2x16xf32>) -> tensor<32x2x2x16xf32> loc("max_pool1")
    %e14 = tensor.empty() : tensor<2x2xf32>
    %v15 = linalg.pooling_nhwc_max {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%v14, %e14 : tensor<32x4x4x16xf32>, tensor<2x2xf32>) outs(%init13 : tensor<32x2x2x16xf32>) -> tensor<32x2x2x16xf32> loc("max_pool1")
    %v16 = tensor.collapse_shape %v15 [[0], [1, 2, 3]] : tensor<32x2x2x16xf32> into tensor<32x64xf32> loc("flatten0")
    %e15 = tensor.empty() : tensor<32x10xf32>
    %init16 = linalg.fill ins(%cst0 : f32) outs(%e15 : tensor<32x10xf32>) -> tensor<32x10xf32> loc("head")
    %v18 = linalg.matmul ins(%v16, %arg4 : tensor<32x64xf32>, tensor<64x10xf32>) outs(%init16 : tensor<32x10xf32>) -> tensor<32x10xf32> loc("head")
    %e17 = tensor.empty() : tensor<32x10xf32>
    %v20 = linalg.generic {indexing_maps = [#map2, #map3, #map2], iterator_types = ["parallel", "parallel"]} ins(%v18, %arg5 : tensor<32x10xf32>, tensor<10xf32>) outs(%e17 : tensor<32x10xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.addf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<32x10xf32> loc("head")
    %e18 = tensor.empty() : tensor<32x10xf32>
    %v21 = linalg.generic {indexing_maps = [#map4, #map2], iterator_types = ["parallel", "parallel"]} ins(%arg7 : tensor<32xi32>) outs(%e18 : tensor<32x10xf32>) {
    ^bb0(%in0: i32, %out: f32):
      %t0 = linalg.index 1 : index
      %t1 = arith.index_cast %in0 : i32 to index
      %t2 = arith.cmpi eq, %t0, %t1 : index
      %t3 = arith.constant 1.0 : f32
      %t4 = arith.constant 0.0 : f32
      %t5 = arith.select %t2, %t3, %t4 : f32
      linalg.yield %t5 : f32
    } -> tensor<32x10xf32> loc("loss_xent")
    %e19 = tensor.empty() : tensor<32xf32>
    %init20 = linalg.fill ins(%cst1 : f32) outs(%e19 : tensor<32xf32>) -> tensor<32xf32> loc("loss_xent")
    %v22 = linalg.generic {indexing_maps = [#map2, #map4], iterator_types = ["parallel", "reduction"]} ins(%v20 : tensor<32x10xf32>) outs(%init20 : tensor<32xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.maximumf %in0, %out : f32
      linalg.yield %t0 : f32
    } -> tensor<32xf32> loc("loss_xent")
    %e21 = tensor.empty() : tensor<32x10xf32>
    %v23 = linalg.generic {indexing_maps = [#map2, #map4, #map2], iterator_types = ["parallel", "parallel"]} ins(%v20, %v22 : tensor<32x10xf32>, tensor<32xf32>) outs(%e21 : tensor<32x10xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.subf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<32x10xf32> loc("loss_xent")
    %e22 = tensor.empty() : tensor<32x10xf32>
    %v24 = linalg.generic {indexing_maps = [#map2, #map2], iterator_types = ["parallel", "parallel"]} ins(%v23 : tensor<32x10xf32>) outs(%e22 : tensor<32x10xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = math.exp %in0 : f32
      linalg.yield %t0 : f32
    } -> tensor<32x10xf32> loc("loss_xent")
    %e23 = tensor.empty() : tensor<32xf32>
    %init24 = linalg.fill ins(%cst0 : f32) outs(%e23 : tensor<32xf32>) -> tensor<32xf32> loc("loss_xent")
    %v25 = linalg.generic {indexing_maps = [#map2, #map4], iterator_types = ["parallel", "reduction"]} ins(%v24 : tensor<32x10xf32>) outs(%init24 : tensor<32xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.addf %in0, %out : f32
      linalg.yield %t0 : f32
    } -> tensor<32xf32> loc("loss_xent")
    %e25 = tensor.empty() : tensor<32xf32>
    %v26 = linalg.generic {indexing_maps = [#map5, #map5], iterator_types = ["parallel"]} ins(%v25 : tensor<32xf32>) outs(%e25 : tensor<32xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = math.log %in0 : f32
      linalg.yield %t0 : f32
    } -> tensor<32xf32> loc("loss_xent")
    %e26 = tensor.empty() : tensor<32x10xf32>
    %v27 = linalg.generic {indexing_maps = [#map2, #map4, #map2], iterator_types = ["parallel", "parallel"]} ins(%v23, %v26 : tensor<32x10xf32>, tensor<32xf32>) outs(%e26 : tensor<32x10xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.subf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<32x10xf32> loc("loss_xent")
    %e27 = tensor.empty() : tensor<32x10xf32>
    %v28 = linalg.generic {indexing_maps = [#map2, #map2, #map2], iterator_types = ["parallel", "parallel"]} ins(%v21, %v27 : tensor<32x10xf32>, tensor<32x10xf32>) outs(%e27 : tensor<32x10xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.mulf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<32x10xf32> loc("loss_xent")
    %e28 = tensor.empty() : tensor<f32>
    %init29 = linalg.fill ins(%cst0 : f32) outs(%e28 : tensor<f32>) -> tensor<f32> loc("loss_xent")
    %v29 = linalg.generic {indexing_maps = [#map2, #map6], iterator_types = ["reduction", "reduction"]} ins(%v28 : tensor<32x10xf32>) outs(%init29 : tensor<f32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.addf %in0, %out : f32
      linalg.yield %t0 : f32
    } -> tensor<f32> loc("loss_xent")
    %e30 = tensor.empty() : tensor<f32>
    %v30 = linalg.generic {indexing_maps = [#map7, #map7], iterator_types = []} ins(%v29 : tensor<f32>) outs(%e30 : tensor<f32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.constant -0.03125 : f32
      %t1 = arith.mulf %in0, %t0 : f32
      linalg.yield %t1 : f32
    } -> tensor<f32> loc("loss_xent")
    return %v30, %v20 : tensor<f32>, tensor<32x10xf32>
  }
}
