// mpt frontend: model 'mlp', optimizer sgd, batch 2
// Regenerate: cd python && python3 -m mpt.models mlp --batch 2 -o ../test/Transforms/Inputs/fuse-mlp-train-step.mlir
#map0 = affine_map<(d0, d1) -> (d0, d1)>
#map1 = affine_map<(d0, d1) -> (d1)>
#map2 = affine_map<(d0, d1) -> (d0)>
#map3 = affine_map<(d0) -> (d0)>
#map4 = affine_map<(d0, d1) -> ()>
#map5 = affine_map<() -> ()>
module {
  func.func @train_step(%arg0: tensor<64x64xf32> {mpt.role = #mpt.role<param>, mpt.name = "dense0.weight", mpt.init = #mpt.init<dist = uniform, low = -0.30618621784789724, high = 0.30618621784789724, seed = 3633366754287286897>}, %arg1: tensor<64xf32> {mpt.role = #mpt.role<param>, mpt.name = "dense0.bias", mpt.init = #mpt.init<dist = zeros>}, %arg2: tensor<64x64xf32> {mpt.role = #mpt.role<param>, mpt.name = "dense1.weight", mpt.init = #mpt.init<dist = uniform, low = -0.30618621784789724, high = 0.30618621784789724, seed = 1102657299962302444>}, %arg3: tensor<64xf32> {mpt.role = #mpt.role<param>, mpt.name = "dense1.bias", mpt.init = #mpt.init<dist = zeros>}, %arg4: tensor<64x10xf32> {mpt.role = #mpt.role<param>, mpt.name = "head.weight", mpt.init = #mpt.init<dist = uniform, low = -0.2847473987257497, high = 0.2847473987257497, seed = 6762802604471155419>}, %arg5: tensor<10xf32> {mpt.role = #mpt.role<param>, mpt.name = "head.bias", mpt.init = #mpt.init<dist = zeros>}, %arg6: tensor<2x8x8x1xf32> {mpt.role = #mpt.role<input>, mpt.name = "x"}, %arg7: tensor<2xi32> {mpt.role = #mpt.role<input>, mpt.name = "y"}) -> (tensor<64x64xf32> {mpt.role = #mpt.role<param>, mpt.updates = "dense0.weight"}, tensor<64xf32> {mpt.role = #mpt.role<param>, mpt.updates = "dense0.bias"}, tensor<64x64xf32> {mpt.role = #mpt.role<param>, mpt.updates = "dense1.weight"}, tensor<64xf32> {mpt.role = #mpt.role<param>, mpt.updates = "dense1.bias"}, tensor<64x10xf32> {mpt.role = #mpt.role<param>, mpt.updates = "head.weight"}, tensor<10xf32> {mpt.role = #mpt.role<param>, mpt.updates = "head.bias"}, tensor<f32> {mpt.role = #mpt.role<loss>}) {
    %cst0 = arith.constant 0.0 : f32
    %cst1 = arith.constant 0xFF800000 : f32
    %v2 = tensor.collapse_shape %arg6 [[0], [1, 2, 3]] : tensor<2x8x8x1xf32> into tensor<2x64xf32> loc("flatten0")
    %e1 = tensor.empty() : tensor<2x64xf32>
    %init2 = linalg.fill ins(%cst0 : f32) outs(%e1 : tensor<2x64xf32>) -> tensor<2x64xf32> loc("dense0")
    %v4 = linalg.matmul ins(%v2, %arg0 : tensor<2x64xf32>, tensor<64x64xf32>) outs(%init2 : tensor<2x64xf32>) -> tensor<2x64xf32> loc("dense0")
    %e3 = tensor.empty() : tensor<2x64xf32>
    %v6 = linalg.generic {indexing_maps = [#map0, #map1, #map0], iterator_types = ["parallel", "parallel"]} ins(%v4, %arg1 : tensor<2x64xf32>, tensor<64xf32>) outs(%e3 : tensor<2x64xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.addf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<2x64xf32> loc("dense0")
    %e4 = tensor.empty() : tensor<2x64xf32>
    %v7 = linalg.generic {indexing_maps = [#map0, #map0], iterator_types = ["parallel", "parallel"]} ins(%v6 : tensor<2x64xf32>) outs(%e4 : tensor<2x64xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.constant 0.0 : f32
      %t1 = arith.maximumf %in0, %t0 : f32
      linalg.yield %t1 : f32
    } -> tensor<2x64xf32> loc("dense0")
    %e5 = tensor.empty() : tensor<2x64xf32>
    %init6 = linalg.fill ins(%cst0 : f32) outs(%e5 : tensor<2x64xf32>) -> tensor<2x64xf32> loc("dense1")
    %v9 = linalg.matmul ins(%v7, %arg2 : tensor<2x64xf32>, tensor<64x64xf32>) outs(%init6 : tensor<2x64xf32>) -> tensor<2x64xf32> loc("dense1")
    %e7 = tensor.empty() : tensor<2x64xf32>
    %v11 = linalg.generic {indexing_maps = [#map0, #map1, #map0], iterator_types = ["parallel", "parallel"]} ins(%v9, %arg3 : tensor<2x64xf32>, tensor<64xf32>) outs(%e7 : tensor<2x64xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.addf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<2x64xf32> loc("dense1")
    %e8 = tensor.empty() : tensor<2x64xf32>
    %v12 = linalg.generic {indexing_maps = [#map0, #map0], iterator_types = ["parallel", "parallel"]} ins(%v11 : tensor<2x64xf32>) outs(%e8 : tensor<2x64xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.constant 0.0 : f32
      %t1 = arith.maximumf %in0, %t0 : f32
      linalg.yield %t1 : f32
    } -> tensor<2x64xf32> loc("dense1")
    %e9 = tensor.empty() : tensor<2x10xf32>
    %init10 = linalg.fill ins(%cst0 : f32) outs(%e9 : tensor<2x10xf32>) -> tensor<2x10xf32> loc("head")
    %v14 = linalg.matmul ins(%v12, %arg4 : tensor<2x64xf32>, tensor<64x10xf32>) outs(%init10 : tensor<2x10xf32>) -> tensor<2x10xf32> loc("head")
    %e11 = tensor.empty() : tensor<2x10xf32>
    %v16 = linalg.generic {indexing_maps = [#map0, #map1, #map0], iterator_types = ["parallel", "parallel"]} ins(%v14, %arg5 : tensor<2x10xf32>, tensor<10xf32>) outs(%e11 : tensor<2x10xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.addf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<2x10xf32> loc("head")
    %e12 = tensor.empty() : tensor<2x10xf32>
    %v17 = linalg.generic {indexing_maps = [#map2, #map0], iterator_types = ["parallel", "parallel"]} ins(%arg7 : tensor<2xi32>) outs(%e12 : tensor<2x10xf32>) {
    ^bb0(%in0: i32, %out: f32):
      %t0 = linalg.index 1 : index
      %t1 = arith.index_cast %in0 : i32 to index
      %t2 = arith.cmpi eq, %t0, %t1 : index
      %t3 = arith.constant 1.0 : f32
      %t4 = arith.constant 0.0 : f32
      %t5 = arith.select %t2, %t3, %t4 : f32
      linalg.yield %t5 : f32
    } -> tensor<2x10xf32> loc("loss_xent")
    %e13 = tensor.empty() : tensor<2xf32>
    %init14 = linalg.fill ins(%cst1 : f32) outs(%e13 : tensor<2xf32>) -> tensor<2xf32> loc("loss_xent")
    %v18 = linalg.generic {indexing_maps = [#map0, #map2], iterator_types = ["parallel", "reduction"]} ins(%v16 : tensor<2x10xf32>) outs(%init14 : tensor<2xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.maximumf %in0, %out : f32
      linalg.yield %t0 : f32
    } -> tensor<2xf32> loc("loss_xent")
    %e15 = tensor.empty() : tensor<2x10xf32>
    %v19 = linalg.generic {indexing_maps = [#map0, #map2, #map0], iterator_types = ["parallel", "parallel"]} ins(%v16, %v18 : tensor<2x10xf32>, tensor<2xf32>) outs(%e15 : tensor<2x10xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.subf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<2x10xf32> loc("loss_xent")
    %e16 = tensor.empty() : tensor<2x10xf32>
    %v20 = linalg.generic {indexing_maps = [#map0, #map0], iterator_types = ["parallel", "parallel"]} ins(%v19 : tensor<2x10xf32>) outs(%e16 : tensor<2x10xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = math.exp %in0 : f32
      linalg.yield %t0 : f32
    } -> tensor<2x10xf32> loc("loss_xent")
    %e17 = tensor.empty() : tensor<2xf32>
    %init18 = linalg.fill ins(%cst0 : f32) outs(%e17 : tensor<2xf32>) -> tensor<2xf32> loc("loss_xent")
    %v21 = linalg.generic {indexing_maps = [#map0, #map2], iterator_types = ["parallel", "reduction"]} ins(%v20 : tensor<2x10xf32>) outs(%init18 : tensor<2xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.addf %in0, %out : f32
      linalg.yield %t0 : f32
    } -> tensor<2xf32> loc("loss_xent")
    %e19 = tensor.empty() : tensor<2xf32>
    %v22 = linalg.generic {indexing_maps = [#map3, #map3], iterator_types = ["parallel"]} ins(%v21 : tensor<2xf32>) outs(%e19 : tensor<2xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = math.log %in0 : f32
      linalg.yield %t0 : f32
    } -> tensor<2xf32> loc("loss_xent")
    %e20 = tensor.empty() : tensor<2x10xf32>
    %v23 = linalg.generic {indexing_maps = [#map0, #map2, #map0], iterator_types = ["parallel", "parallel"]} ins(%v19, %v22 : tensor<2x10xf32>, tensor<2xf32>) outs(%e20 : tensor<2x10xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.subf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<2x10xf32> loc("loss_xent")
    %e21 = tensor.empty() : tensor<2x10xf32>
    %v24 = linalg.generic {indexing_maps = [#map0, #map0, #map0], iterator_types = ["parallel", "parallel"]} ins(%v17, %v23 : tensor<2x10xf32>, tensor<2x10xf32>) outs(%e21 : tensor<2x10xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.mulf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<2x10xf32> loc("loss_xent")
    %e22 = tensor.empty() : tensor<f32>
    %init23 = linalg.fill ins(%cst0 : f32) outs(%e22 : tensor<f32>) -> tensor<f32> loc("loss_xent")
    %v25 = linalg.generic {indexing_maps = [#map0, #map4], iterator_types = ["reduction", "reduction"]} ins(%v24 : tensor<2x10xf32>) outs(%init23 : tensor<f32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.addf %in0, %out : f32
      linalg.yield %t0 : f32
    } -> tensor<f32> loc("loss_xent")
    %e24 = tensor.empty() : tensor<f32>
    %v26 = linalg.generic {indexing_maps = [#map5, #map5], iterator_types = []} ins(%v25 : tensor<f32>) outs(%e24 : tensor<f32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.constant -0.5 : f32
      %t1 = arith.mulf %in0, %t0 : f32
      linalg.yield %t1 : f32
    } -> tensor<f32> loc("loss_xent")
    %v27 = mpt.loss %v26 : tensor<f32> loc("loss")
    %v28 = mpt.grad_seed %v27 : tensor<f32> loc("loss")
    %e25 = tensor.empty() : tensor<f32>
    %v29 = linalg.generic {indexing_maps = [#map5, #map5], iterator_types = []} ins(%v28 : tensor<f32>) outs(%e25 : tensor<f32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.constant -0.5 : f32
      %t1 = arith.mulf %in0, %t0 : f32
      linalg.yield %t1 : f32
    } -> tensor<f32> loc("loss_xent.grad")
    %e26 = tensor.empty() : tensor<2x10xf32>
    %v30 = linalg.generic {indexing_maps = [#map4, #map0], iterator_types = ["parallel", "parallel"]} ins(%v29 : tensor<f32>) outs(%e26 : tensor<2x10xf32>) {
    ^bb0(%in0: f32, %out: f32):
      linalg.yield %in0 : f32
    } -> tensor<2x10xf32> loc("loss_xent.grad")
    %e27 = tensor.empty() : tensor<2x10xf32>
    %v31 = linalg.generic {indexing_maps = [#map0, #map0, #map0], iterator_types = ["parallel", "parallel"]} ins(%v30, %v17 : tensor<2x10xf32>, tensor<2x10xf32>) outs(%e27 : tensor<2x10xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.mulf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<2x10xf32> loc("loss_xent.grad")
    %e28 = tensor.empty() : tensor<2x10xf32>
    %v32 = linalg.generic {indexing_maps = [#map0, #map0], iterator_types = ["parallel", "parallel"]} ins(%v31 : tensor<2x10xf32>) outs(%e28 : tensor<2x10xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.negf %in0 : f32
      linalg.yield %t0 : f32
    } -> tensor<2x10xf32> loc("loss_xent.grad")
    %e29 = tensor.empty() : tensor<2xf32>
    %init30 = linalg.fill ins(%cst0 : f32) outs(%e29 : tensor<2xf32>) -> tensor<2xf32> loc("loss_xent.grad")
    %v33 = linalg.generic {indexing_maps = [#map0, #map2], iterator_types = ["parallel", "reduction"]} ins(%v32 : tensor<2x10xf32>) outs(%init30 : tensor<2xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.addf %in0, %out : f32
      linalg.yield %t0 : f32
    } -> tensor<2xf32> loc("loss_xent.grad")
    %e31 = tensor.empty() : tensor<2xf32>
    %v34 = linalg.generic {indexing_maps = [#map3, #map3, #map3], iterator_types = ["parallel"]} ins(%v33, %v21 : tensor<2xf32>, tensor<2xf32>) outs(%e31 : tensor<2xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.divf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<2xf32> loc("loss_xent.grad")
    %e32 = tensor.empty() : tensor<2x10xf32>
    %v35 = linalg.generic {indexing_maps = [#map2, #map0], iterator_types = ["parallel", "parallel"]} ins(%v34 : tensor<2xf32>) outs(%e32 : tensor<2x10xf32>) {
    ^bb0(%in0: f32, %out: f32):
      linalg.yield %in0 : f32
    } -> tensor<2x10xf32> loc("loss_xent.grad")
    %e33 = tensor.empty() : tensor<2x10xf32>
    %v36 = linalg.generic {indexing_maps = [#map0, #map0, #map0], iterator_types = ["parallel", "parallel"]} ins(%v35, %v20 : tensor<2x10xf32>, tensor<2x10xf32>) outs(%e33 : tensor<2x10xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.mulf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<2x10xf32> loc("loss_xent.grad")
    %e34 = tensor.empty() : tensor<2x10xf32>
    %v37 = linalg.generic {indexing_maps = [#map0, #map0, #map0], iterator_types = ["parallel", "parallel"]} ins(%v31, %v36 : tensor<2x10xf32>, tensor<2x10xf32>) outs(%e34 : tensor<2x10xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.addf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<2x10xf32> loc("loss_xent.grad")
    %e35 = tensor.empty() : tensor<10xf32>
    %init36 = linalg.fill ins(%cst0 : f32) outs(%e35 : tensor<10xf32>) -> tensor<10xf32> loc("head.grad")
    %v38 = linalg.generic {indexing_maps = [#map0, #map1], iterator_types = ["reduction", "parallel"]} ins(%v37 : tensor<2x10xf32>) outs(%init36 : tensor<10xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.addf %in0, %out : f32
      linalg.yield %t0 : f32
    } -> tensor<10xf32> loc("head.grad")
    %e37 = tensor.empty() : tensor<10x64xf32>
    %v39 = linalg.transpose ins(%arg4 : tensor<64x10xf32>) outs(%e37 : tensor<10x64xf32>) permutation = [1, 0] loc("head.grad")
    %e38 = tensor.empty() : tensor<2x64xf32>
    %init39 = linalg.fill ins(%cst0 : f32) outs(%e38 : tensor<2x64xf32>) -> tensor<2x64xf32> loc("head.grad")
    %v40 = linalg.matmul ins(%v37, %v39 : tensor<2x10xf32>, tensor<10x64xf32>) outs(%init39 : tensor<2x64xf32>) -> tensor<2x64xf32> loc("head.grad")
    %e40 = tensor.empty() : tensor<64x2xf32>
    %v41 = linalg.transpose ins(%v12 : tensor<2x64xf32>) outs(%e40 : tensor<64x2xf32>) permutation = [1, 0] loc("head.grad")
    %e41 = tensor.empty() : tensor<64x10xf32>
    %init42 = linalg.fill ins(%cst0 : f32) outs(%e41 : tensor<64x10xf32>) -> tensor<64x10xf32> loc("head.grad")
    %v42 = linalg.matmul ins(%v41, %v37 : tensor<64x2xf32>, tensor<2x10xf32>) outs(%init42 : tensor<64x10xf32>) -> tensor<64x10xf32> loc("head.grad")
    %e43 = tensor.empty() : tensor<2x64xf32>
    %v43 = linalg.generic {indexing_maps = [#map0, #map0, #map0], iterator_types = ["parallel", "parallel"]} ins(%v11, %v40 : tensor<2x64xf32>, tensor<2x64xf32>) outs(%e43 : tensor<2x64xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.constant 0.0 : f32
      %t1 = arith.cmpf ogt, %in0, %t0 : f32
      %t2 = arith.select %t1, %in1, %t0 : f32
      linalg.yield %t2 : f32
    } -> tensor<2x64xf32> loc("dense1.grad")
    %e44 = tensor.empty() : tensor<64xf32>
    %init45 = linalg.fill ins(%cst0 : f32) outs(%e44 : tensor<64xf32>) -> tensor<64xf32> loc("dense1.grad")
    %v44 = linalg.generic {indexing_maps = [#map0, #map1], iterator_types = ["reduction", "parallel"]} ins(%v43 : tensor<2x64xf32>) outs(%init45 : tensor<64xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.addf %in0, %out : f32
      linalg.yield %t0 : f32
    } -> tensor<64xf32> loc("dense1.grad")
    %e46 = tensor.empty() : tensor<64x64xf32>
    %v45 = linalg.transpose ins(%arg2 : tensor<64x64xf32>) outs(%e46 : tensor<64x64xf32>) permutation = [1, 0] loc("dense1.grad")
    %e47 = tensor.empty() : tensor<2x64xf32>
    %init48 = linalg.fill ins(%cst0 : f32) outs(%e47 : tensor<2x64xf32>) -> tensor<2x64xf32> loc("dense1.grad")
    %v46 = linalg.matmul ins(%v43, %v45 : tensor<2x64xf32>, tensor<64x64xf32>) outs(%init48 : tensor<2x64xf32>) -> tensor<2x64xf32> loc("dense1.grad")
    %e49 = tensor.empty() : tensor<64x2xf32>
    %v47 = linalg.transpose ins(%v7 : tensor<2x64xf32>) outs(%e49 : tensor<64x2xf32>) permutation = [1, 0] loc("dense1.grad")
    %e50 = tensor.empty() : tensor<64x64xf32>
    %init51 = linalg.fill ins(%cst0 : f32) outs(%e50 : tensor<64x64xf32>) -> tensor<64x64xf32> loc("dense1.grad")
    %v48 = linalg.matmul ins(%v47, %v43 : tensor<64x2xf32>, tensor<2x64xf32>) outs(%init51 : tensor<64x64xf32>) -> tensor<64x64xf32> loc("dense1.grad")
    %e52 = tensor.empty() : tensor<2x64xf32>
    %v49 = linalg.generic {indexing_maps = [#map0, #map0, #map0], iterator_types = ["parallel", "parallel"]} ins(%v6, %v46 : tensor<2x64xf32>, tensor<2x64xf32>) outs(%e52 : tensor<2x64xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.constant 0.0 : f32
      %t1 = arith.cmpf ogt, %in0, %t0 : f32
      %t2 = arith.select %t1, %in1, %t0 : f32
      linalg.yield %t2 : f32
    } -> tensor<2x64xf32> loc("dense0.grad")
    %e53 = tensor.empty() : tensor<64xf32>
    %init54 = linalg.fill ins(%cst0 : f32) outs(%e53 : tensor<64xf32>) -> tensor<64xf32> loc("dense0.grad")
    %v50 = linalg.generic {indexing_maps = [#map0, #map1], iterator_types = ["reduction", "parallel"]} ins(%v49 : tensor<2x64xf32>) outs(%init54 : tensor<64xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.addf %in0, %out : f32
      linalg.yield %t0 : f32
    } -> tensor<64xf32> loc("dense0.grad")
    %e55 = tensor.empty() : tensor<64x2xf32>
    %v51 = linalg.transpose ins(%v2 : tensor<2x64xf32>) outs(%e55 : tensor<64x2xf32>) permutation = [1, 0] loc("dense0.grad")
    %e56 = tensor.empty() : tensor<64x64xf32>
    %init57 = linalg.fill ins(%cst0 : f32) outs(%e56 : tensor<64x64xf32>) -> tensor<64x64xf32> loc("dense0.grad")
    %v52 = linalg.matmul ins(%v51, %v49 : tensor<64x2xf32>, tensor<2x64xf32>) outs(%init57 : tensor<64x64xf32>) -> tensor<64x64xf32> loc("dense0.grad")
    %new0 = mpt.sgd %arg0, %v52 {lr = 0.1 : f32} : tensor<64x64xf32> loc("dense0.weight")
    %new1 = mpt.sgd %arg1, %v50 {lr = 0.1 : f32} : tensor<64xf32> loc("dense0.bias")
    %new2 = mpt.sgd %arg2, %v48 {lr = 0.1 : f32} : tensor<64x64xf32> loc("dense1.weight")
    %new3 = mpt.sgd %arg3, %v44 {lr = 0.1 : f32} : tensor<64xf32> loc("dense1.bias")
    %new4 = mpt.sgd %arg4, %v42 {lr = 0.1 : f32} : tensor<64x10xf32> loc("head.weight")
    %new5 = mpt.sgd %arg5, %v38 {lr = 0.1 : f32} : tensor<10xf32> loc("head.bias")
    return %new0, %new1, %new2, %new3, %new4, %new5, %v27 : tensor<64x64xf32>, tensor<64xf32>, tensor<64x64xf32>, tensor<64xf32>, tensor<64x10xf32>, tensor<10xf32>, tensor<f32>
  }
  func.func @eval_step(%arg0: tensor<64x64xf32> {mpt.role = #mpt.role<param>, mpt.name = "dense0.weight", mpt.init = #mpt.init<dist = uniform, low = -0.30618621784789724, high = 0.30618621784789724, seed = 3633366754287286897>}, %arg1: tensor<64xf32> {mpt.role = #mpt.role<param>, mpt.name = "dense0.bias", mpt.init = #mpt.init<dist = zeros>}, %arg2: tensor<64x64xf32> {mpt.role = #mpt.role<param>, mpt.name = "dense1.weight", mpt.init = #mpt.init<dist = uniform, low = -0.30618621784789724, high = 0.30618621784789724, seed = 1102657299962302444>}, %arg3: tensor<64xf32> {mpt.role = #mpt.role<param>, mpt.name = "dense1.bias", mpt.init = #mpt.init<dist = zeros>}, %arg4: tensor<64x10xf32> {mpt.role = #mpt.role<param>, mpt.name = "head.weight", mpt.init = #mpt.init<dist = uniform, low = -0.2847473987257497, high = 0.2847473987257497, seed = 6762802604471155419>}, %arg5: tensor<10xf32> {mpt.role = #mpt.role<param>, mpt.name = "head.bias", mpt.init = #mpt.init<dist = zeros>}, %arg6: tensor<2x8x8x1xf32> {mpt.role = #mpt.role<input>, mpt.name = "x"}, %arg7: tensor<2xi32> {mpt.role = #mpt.role<input>, mpt.name = "y"}) -> (tensor<f32> {mpt.role = #mpt.role<loss>}, tensor<2x10xf32> {mpt.role = #mpt.role<output>}) {
    %cst0 = arith.constant 0.0 : f32
    %cst1 = arith.constant 0xFF800000 : f32
    %v2 = tensor.collapse_shape %arg6 [[0], [1, 2, 3]] : tensor<2x8x8x1xf32> into tensor<2x64xf32> loc("flatten0")
    %e1 = tensor.empty() : tensor<2x64xf32>
    %init2 = linalg.fill ins(%cst0 : f32) outs(%e1 : tensor<2x64xf32>) -> tensor<2x64xf32> loc("dense0")
    %v4 = linalg.matmul ins(%v2, %arg0 : tensor<2x64xf32>, tensor<64x64xf32>) outs(%init2 : tensor<2x64xf32>) -> tensor<2x64xf32> loc("dense0")
    %e3 = tensor.empty() : tensor<2x64xf32>
    %v6 = linalg.generic {indexing_maps = [#map0, #map1, #map0], iterator_types = ["parallel", "parallel"]} ins(%v4, %arg1 : tensor<2x64xf32>, tensor<64xf32>) outs(%e3 : tensor<2x64xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.addf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<2x64xf32> loc("dense0")
    %e4 = tensor.empty() : tensor<2x64xf32>
    %v7 = linalg.generic {indexing_maps = [#map0, #map0], iterator_types = ["parallel", "parallel"]} ins(%v6 : tensor<2x64xf32>) outs(%e4 : tensor<2x64xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.constant 0.0 : f32
      %t1 = arith.maximumf %in0, %t0 : f32
      linalg.yield %t1 : f32
    } -> tensor<2x64xf32> loc("dense0")
    %e5 = tensor.empty() : tensor<2x64xf32>
    %init6 = linalg.fill ins(%cst0 : f32) outs(%e5 : tensor<2x64xf32>) -> tensor<2x64xf32> loc("dense1")
    %v9 = linalg.matmul ins(%v7, %arg2 : tensor<2x64xf32>, tensor<64x64xf32>) outs(%init6 : tensor<2x64xf32>) -> tensor<2x64xf32> loc("dense1")
    %e7 = tensor.empty() : tensor<2x64xf32>
    %v11 = linalg.generic {indexing_maps = [#map0, #map1, #map0], iterator_types = ["parallel", "parallel"]} ins(%v9, %arg3 : tensor<2x64xf32>, tensor<64xf32>) outs(%e7 : tensor<2x64xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.addf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<2x64xf32> loc("dense1")
    %e8 = tensor.empty() : tensor<2x64xf32>
    %v12 = linalg.generic {indexing_maps = [#map0, #map0], iterator_types = ["parallel", "parallel"]} ins(%v11 : tensor<2x64xf32>) outs(%e8 : tensor<2x64xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.constant 0.0 : f32
      %t1 = arith.maximumf %in0, %t0 : f32
      linalg.yield %t1 : f32
    } -> tensor<2x64xf32> loc("dense1")
    %e9 = tensor.empty() : tensor<2x10xf32>
    %init10 = linalg.fill ins(%cst0 : f32) outs(%e9 : tensor<2x10xf32>) -> tensor<2x10xf32> loc("head")
    %v14 = linalg.matmul ins(%v12, %arg4 : tensor<2x64xf32>, tensor<64x10xf32>) outs(%init10 : tensor<2x10xf32>) -> tensor<2x10xf32> loc("head")
    %e11 = tensor.empty() : tensor<2x10xf32>
    %v16 = linalg.generic {indexing_maps = [#map0, #map1, #map0], iterator_types = ["parallel", "parallel"]} ins(%v14, %arg5 : tensor<2x10xf32>, tensor<10xf32>) outs(%e11 : tensor<2x10xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.addf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<2x10xf32> loc("head")
    %e12 = tensor.empty() : tensor<2x10xf32>
    %v17 = linalg.generic {indexing_maps = [#map2, #map0], iterator_types = ["parallel", "parallel"]} ins(%arg7 : tensor<2xi32>) outs(%e12 : tensor<2x10xf32>) {
    ^bb0(%in0: i32, %out: f32):
      %t0 = linalg.index 1 : index
      %t1 = arith.index_cast %in0 : i32 to index
      %t2 = arith.cmpi eq, %t0, %t1 : index
      %t3 = arith.constant 1.0 : f32
      %t4 = arith.constant 0.0 : f32
      %t5 = arith.select %t2, %t3, %t4 : f32
      linalg.yield %t5 : f32
    } -> tensor<2x10xf32> loc("loss_xent")
    %e13 = tensor.empty() : tensor<2xf32>
    %init14 = linalg.fill ins(%cst1 : f32) outs(%e13 : tensor<2xf32>) -> tensor<2xf32> loc("loss_xent")
    %v18 = linalg.generic {indexing_maps = [#map0, #map2], iterator_types = ["parallel", "reduction"]} ins(%v16 : tensor<2x10xf32>) outs(%init14 : tensor<2xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.maximumf %in0, %out : f32
      linalg.yield %t0 : f32
    } -> tensor<2xf32> loc("loss_xent")
    %e15 = tensor.empty() : tensor<2x10xf32>
    %v19 = linalg.generic {indexing_maps = [#map0, #map2, #map0], iterator_types = ["parallel", "parallel"]} ins(%v16, %v18 : tensor<2x10xf32>, tensor<2xf32>) outs(%e15 : tensor<2x10xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.subf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<2x10xf32> loc("loss_xent")
    %e16 = tensor.empty() : tensor<2x10xf32>
    %v20 = linalg.generic {indexing_maps = [#map0, #map0], iterator_types = ["parallel", "parallel"]} ins(%v19 : tensor<2x10xf32>) outs(%e16 : tensor<2x10xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = math.exp %in0 : f32
      linalg.yield %t0 : f32
    } -> tensor<2x10xf32> loc("loss_xent")
    %e17 = tensor.empty() : tensor<2xf32>
    %init18 = linalg.fill ins(%cst0 : f32) outs(%e17 : tensor<2xf32>) -> tensor<2xf32> loc("loss_xent")
    %v21 = linalg.generic {indexing_maps = [#map0, #map2], iterator_types = ["parallel", "reduction"]} ins(%v20 : tensor<2x10xf32>) outs(%init18 : tensor<2xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.addf %in0, %out : f32
      linalg.yield %t0 : f32
    } -> tensor<2xf32> loc("loss_xent")
    %e19 = tensor.empty() : tensor<2xf32>
    %v22 = linalg.generic {indexing_maps = [#map3, #map3], iterator_types = ["parallel"]} ins(%v21 : tensor<2xf32>) outs(%e19 : tensor<2xf32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = math.log %in0 : f32
      linalg.yield %t0 : f32
    } -> tensor<2xf32> loc("loss_xent")
    %e20 = tensor.empty() : tensor<2x10xf32>
    %v23 = linalg.generic {indexing_maps = [#map0, #map2, #map0], iterator_types = ["parallel", "parallel"]} ins(%v19, %v22 : tensor<2x10xf32>, tensor<2xf32>) outs(%e20 : tensor<2x10xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.subf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<2x10xf32> loc("loss_xent")
    %e21 = tensor.empty() : tensor<2x10xf32>
    %v24 = linalg.generic {indexing_maps = [#map0, #map0, #map0], iterator_types = ["parallel", "parallel"]} ins(%v17, %v23 : tensor<2x10xf32>, tensor<2x10xf32>) outs(%e21 : tensor<2x10xf32>) {
    ^bb0(%in0: f32, %in1: f32, %out: f32):
      %t0 = arith.mulf %in0, %in1 : f32
      linalg.yield %t0 : f32
    } -> tensor<2x10xf32> loc("loss_xent")
    %e22 = tensor.empty() : tensor<f32>
    %init23 = linalg.fill ins(%cst0 : f32) outs(%e22 : tensor<f32>) -> tensor<f32> loc("loss_xent")
    %v25 = linalg.generic {indexing_maps = [#map0, #map4], iterator_types = ["reduction", "reduction"]} ins(%v24 : tensor<2x10xf32>) outs(%init23 : tensor<f32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.addf %in0, %out : f32
      linalg.yield %t0 : f32
    } -> tensor<f32> loc("loss_xent")
    %e24 = tensor.empty() : tensor<f32>
    %v26 = linalg.generic {indexing_maps = [#map5, #map5], iterator_types = []} ins(%v25 : tensor<f32>) outs(%e24 : tensor<f32>) {
    ^bb0(%in0: f32, %out: f32):
      %t0 = arith.constant -0.5 : f32
      %t1 = arith.mulf %in0, %t0 : f32
      linalg.yield %t1 : f32
    } -> tensor<f32> loc("loss_xent")
    return %v26, %v16 : tensor<f32>, tensor<2x10xf32>
  }
}
