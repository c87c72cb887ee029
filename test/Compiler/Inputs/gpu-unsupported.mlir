// A plain function with a data-dependent loop on the host: the GPU lowering
// has no kernel for it (test/Compiler/cuda-artifact.test).
func.func @halve_until_small(%x: tensor<f32>) -> tensor<f32> {
  %r = scf.while (%v = %x) : (tensor<f32>) -> tensor<f32> {
    %e = tensor.extract %v[] : tensor<f32>
    %limit = arith.constant 1.0 : f32
    %big = arith.cmpf ogt, %e, %limit : f32
    scf.condition(%big) %v : tensor<f32>
  } do {
  ^bb0(%v: tensor<f32>):
    %e = tensor.empty() : tensor<f32>
    %h = linalg.generic {indexing_maps = [affine_map<() -> ()>, affine_map<() -> ()>], iterator_types = []}
        ins(%v : tensor<f32>) outs(%e : tensor<f32>) {
      ^bb0(%a: f32, %o: f32):
        %half = arith.constant 0.5 : f32
        %m = arith.mulf %a, %half : f32
        linalg.yield %m : f32
    } -> tensor<f32>
    scf.yield %h : tensor<f32>
  }
  return %r : tensor<f32>
}
