
  // Drives @train_step of fuse-cnn-train-step.mlir once with deterministic
  // inputs (scaled sines, so pre-activations take both signs) and prints every
  // result: first as raw f32 bits (for a bit-exact comparison), then as
  // values.
  func.func private @printMemrefI32(memref<*xi32>)
  func.func private @printMemrefF32(memref<*xf32>)

  // scale * sin(0.7 * i + phase), i = 0 .. n-1.
  func.func private @wave(%n: index, %phase: f32, %scale: f32) -> tensor<?xf32> {
    %e = tensor.empty(%n) : tensor<?xf32>
    %r = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]}
        outs(%e : tensor<?xf32>) {
    ^bb0(%out: f32):
      %i = linalg.index 0 : index
      %ii = arith.index_cast %i : index to i32
      %f = arith.sitofp %ii : i32 to f32
      %k = arith.constant 0.7 : f32
      %a = arith.mulf %f, %k : f32
      %b = arith.addf %a, %phase : f32
      %s = math.sin %b : f32
      %v = arith.mulf %s, %scale : f32
      linalg.yield %v : f32
    } -> tensor<?xf32>
    return %r : tensor<?xf32>
  }

  func.func private @show1(%t: tensor<?xf32>) {
    %c0 = arith.constant 0 : index
    %n = tensor.dim %t, %c0 : tensor<?xf32>
    %e = tensor.empty(%n) : tensor<?xi32>
    %b = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]}
        ins(%t : tensor<?xf32>) outs(%e : tensor<?xi32>) {
    ^bb0(%in: f32, %out: i32):
      %bits = arith.bitcast %in : f32 to i32
      linalg.yield %bits : i32
    } -> tensor<?xi32>
    %mb = bufferization.to_buffer %b : tensor<?xi32> to memref<?xi32>
    %ub = memref.cast %mb : memref<?xi32> to memref<*xi32>
    func.call @printMemrefI32(%ub) : (memref<*xi32>) -> ()
    %m = bufferization.to_buffer %t : tensor<?xf32> to memref<?xf32>
    %u = memref.cast %m : memref<?xf32> to memref<*xf32>
    func.call @printMemrefF32(%u) : (memref<*xf32>) -> ()
    return
  }

  func.func @main() {
    %c8 = arith.constant 8 : index
    %c10 = arith.constant 10 : index
    %c16 = arith.constant 16 : index
    %c72 = arith.constant 72 : index
    %c128 = arith.constant 128 : index
    %c640 = arith.constant 640 : index
    %c1152 = arith.constant 1152 : index
    %p0 = arith.constant 0.1 : f32
    %p1 = arith.constant 1.3 : f32
    %p2 = arith.constant 2.9 : f32
    %p3 = arith.constant 0.5 : f32
    %p4 = arith.constant 4.1 : f32
    %p5 = arith.constant 5.3 : f32
    %p6 = arith.constant 0.9 : f32
    %s_w0 = arith.constant 0.8 : f32
    %s_b = arith.constant 0.2 : f32
    %s_w1 = arith.constant 0.25 : f32
    %s_w2 = arith.constant 0.3 : f32
    %s_x = arith.constant 1.0 : f32

    %w0d = func.call @wave(%c72, %p0, %s_w0) : (index, f32, f32) -> tensor<?xf32>
    %w0f = tensor.cast %w0d : tensor<?xf32> to tensor<72xf32>
    %w0 = tensor.expand_shape %w0f [[0, 1, 2, 3]] output_shape [3, 3, 1, 8] : tensor<72xf32> into tensor<3x3x1x8xf32>
    %b0d = func.call @wave(%c8, %p1, %s_b) : (index, f32, f32) -> tensor<?xf32>
    %b0 = tensor.cast %b0d : tensor<?xf32> to tensor<8xf32>
    %w1d = func.call @wave(%c1152, %p2, %s_w1) : (index, f32, f32) -> tensor<?xf32>
    %w1f = tensor.cast %w1d : tensor<?xf32> to tensor<1152xf32>
    %w1 = tensor.expand_shape %w1f [[0, 1, 2, 3]] output_shape [3, 3, 8, 16] : tensor<1152xf32> into tensor<3x3x8x16xf32>
    %b1d = func.call @wave(%c16, %p3, %s_b) : (index, f32, f32) -> tensor<?xf32>
    %b1 = tensor.cast %b1d : tensor<?xf32> to tensor<16xf32>
    %w2d = func.call @wave(%c640, %p4, %s_w2) : (index, f32, f32) -> tensor<?xf32>
    %w2f = tensor.cast %w2d : tensor<?xf32> to tensor<640xf32>
    %w2 = tensor.expand_shape %w2f [[0, 1]] output_shape [64, 10] : tensor<640xf32> into tensor<64x10xf32>
    %b2d = func.call @wave(%c10, %p5, %s_b) : (index, f32, f32) -> tensor<?xf32>
    %b2 = tensor.cast %b2d : tensor<?xf32> to tensor<10xf32>
    %xd = func.call @wave(%c128, %p6, %s_x) : (index, f32, f32) -> tensor<?xf32>
    %xf = tensor.cast %xd : tensor<?xf32> to tensor<128xf32>
    %x = tensor.expand_shape %xf [[0, 1, 2, 3]] output_shape [2, 8, 8, 1] : tensor<128xf32> into tensor<2x8x8x1xf32>
    %y = arith.constant dense<[3, 7]> : tensor<2xi32>

    %r:7 = func.call @train_step(%w0, %b0, %w1, %b1, %w2, %b2, %x, %y)
        : (tensor<3x3x1x8xf32>, tensor<8xf32>, tensor<3x3x8x16xf32>, tensor<16xf32>, tensor<64x10xf32>, tensor<10xf32>, tensor<2x8x8x1xf32>, tensor<2xi32>)
        -> (tensor<3x3x1x8xf32>, tensor<8xf32>, tensor<3x3x8x16xf32>, tensor<16xf32>, tensor<64x10xf32>, tensor<10xf32>, tensor<f32>)

    %o0 = tensor.collapse_shape %r#0 [[0, 1, 2, 3]] : tensor<3x3x1x8xf32> into tensor<72xf32>
    %o0d = tensor.cast %o0 : tensor<72xf32> to tensor<?xf32>
    func.call @show1(%o0d) : (tensor<?xf32>) -> ()
    %o1d = tensor.cast %r#1 : tensor<8xf32> to tensor<?xf32>
    func.call @show1(%o1d) : (tensor<?xf32>) -> ()
    %o2 = tensor.collapse_shape %r#2 [[0, 1, 2, 3]] : tensor<3x3x8x16xf32> into tensor<1152xf32>
    %o2d = tensor.cast %o2 : tensor<1152xf32> to tensor<?xf32>
    func.call @show1(%o2d) : (tensor<?xf32>) -> ()
    %o3d = tensor.cast %r#3 : tensor<16xf32> to tensor<?xf32>
    func.call @show1(%o3d) : (tensor<?xf32>) -> ()
    %o4 = tensor.collapse_shape %r#4 [[0, 1]] : tensor<64x10xf32> into tensor<640xf32>
    %o4d = tensor.cast %o4 : tensor<640xf32> to tensor<?xf32>
    func.call @show1(%o4d) : (tensor<?xf32>) -> ()
    %o5d = tensor.cast %r#5 : tensor<10xf32> to tensor<?xf32>
    func.call @show1(%o5d) : (tensor<?xf32>) -> ()
    %o6 = tensor.expand_shape %r#6 [] output_shape [1] : tensor<f32> into tensor<1xf32>
    %o6d = tensor.cast %o6 : tensor<1xf32> to tensor<?xf32>
    func.call @show1(%o6d) : (tensor<?xf32>) -> ()
    return
  }
