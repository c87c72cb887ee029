// Functions whose integer inputs are class indices (a gather and a one-hot)
// and one whose integers are not: test/Compiler/class-labels.test.
#id2 = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d0)>
#id1 = affine_map<(d0) -> (d0)>
module {
  // A gather: out[i] = logits[i, y[i]].
  func.func @pick(%logits: tensor<2x3xf32> {mpt.role = #mpt.role<input>, mpt.name = "logits"},
                  %y: tensor<2xi32> {mpt.role = #mpt.role<input>, mpt.name = "y"})
      -> (tensor<2xf32> {mpt.role = #mpt.role<output>, mpt.name = "picked"}) {
    %e = tensor.empty() : tensor<2xf32>
    %r = linalg.generic {indexing_maps = [#id1, #id1], iterator_types = ["parallel"]}
        ins(%y : tensor<2xi32>) outs(%e : tensor<2xf32>) {
    ^bb0(%label: i32, %out: f32):
      %i = linalg.index 0 : index
      %j = arith.index_cast %label : i32 to index
      %v = tensor.extract %logits[%i, %j] : tensor<2x3xf32>
      linalg.yield %v : f32
    } -> tensor<2xf32>
    return %r : tensor<2xf32>
  }
  // A one-hot: out[i, j] = (y[i] == j); a plain function (no roles).
  func.func @onehot(%y: tensor<2xi64>) -> tensor<2x5xf32> {
    %e = tensor.empty() : tensor<2x5xf32>
    %one = arith.constant 1.0 : f32
    %zero = arith.constant 0.0 : f32
    %r = linalg.generic {indexing_maps = [#row, #id2], iterator_types = ["parallel", "parallel"]}
        ins(%y : tensor<2xi64>) outs(%e : tensor<2x5xf32>) {
    ^bb0(%label: i64, %out: f32):
      %j = linalg.index 1 : index
      %l = arith.index_cast %label : i64 to index
      %eq = arith.cmpi eq, %j, %l : index
      %v = arith.select %eq, %one, %zero : f32
      linalg.yield %v : f32
    } -> tensor<2x5xf32>
    return %r : tensor<2x5xf32>
  }
  // Integers that are not class indices: no classes.
  func.func @double(%n: tensor<2xi32>) -> tensor<2xi32> {
    %e = tensor.empty() : tensor<2xi32>
    %r = linalg.generic {indexing_maps = [#id1, #id1], iterator_types = ["parallel"]}
        ins(%n : tensor<2xi32>) outs(%e : tensor<2xi32>) {
    ^bb0(%v: i32, %out: i32):
      %d = arith.addi %v, %v : i32
      linalg.yield %d : i32
    } -> tensor<2xi32>
    return %r : tensor<2xi32>
  }
}
