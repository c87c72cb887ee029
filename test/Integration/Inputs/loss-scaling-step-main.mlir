
  // Drives @train_step as loss-scaling.mlir's pass leaves it:
  // (w, loss_scale.scale, .growth_tracker, .hysteresis_tracker, x)
  //   -> (w, scale, growth_tracker, hysteresis_tracker, loss, found_inf).
  func.func private @printF32(f32)
  func.func private @printI64(i64)
  func.func private @printComma()
  func.func private @printNewline()

  func.func @main() {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c10 = arith.constant 10 : index
    // The state as the mpt.init attributes say: w = 1, scale = 65536,
    // growth tracker 0, hysteresis counter 1.
    %w0 = arith.constant dense<1.0> : tensor<4xf32>
    %s0 = arith.constant dense<65536.0> : tensor<f32>
    %g0 = arith.constant dense<0> : tensor<i32>
    %h0 = arith.constant dense<1> : tensor<i32>
    %xs = arith.constant dense<[1.0, 2.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0]> : tensor<10xf32>
    %dir = arith.constant dense<[1.0, 0.5, -0.25, 0.125]> : tensor<4xf32>
    %r:4 = scf.for %i = %c0 to %c10 step %c1 iter_args(%w = %w0, %s = %s0, %g = %g0, %h = %h0)
        -> (tensor<4xf32>, tensor<f32>, tensor<i32>, tensor<i32>) {
      %xi = tensor.extract %xs[%i] : tensor<10xf32>
      %e = tensor.empty() : tensor<4xf32>
      %x = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]}
          ins(%dir : tensor<4xf32>) outs(%e : tensor<4xf32>) {
      ^bb0(%d: f32, %o: f32):
        %v = arith.mulf %d, %xi : f32
        linalg.yield %v : f32
      } -> tensor<4xf32>
      %n:6 = func.call @train_step(%w, %s, %g, %h, %x)
          : (tensor<4xf32>, tensor<f32>, tensor<i32>, tensor<i32>, tensor<4xf32>)
          -> (tensor<4xf32>, tensor<f32>, tensor<i32>, tensor<i32>, tensor<f32>, tensor<i1>)
      %sv = tensor.extract %n#1[] : tensor<f32>
      func.call @printF32(%sv) : (f32) -> ()
      func.call @printComma() : () -> ()
      %fv = tensor.extract %n#5[] : tensor<i1>
      %f64 = arith.extui %fv : i1 to i64
      func.call @printI64(%f64) : (i64) -> ()
      %c4 = arith.constant 4 : index
      scf.for %j = %c0 to %c4 step %c1 {
        func.call @printComma() : () -> ()
        %wv = tensor.extract %n#0[%j] : tensor<4xf32>
        func.call @printF32(%wv) : (f32) -> ()
      }
      func.call @printNewline() : () -> ()
      scf.yield %n#0, %n#1, %n#2, %n#3 : tensor<4xf32>, tensor<f32>, tensor<i32>, tensor<i32>
    }
    return
  }
