// mpt-fuse-elementwise: an elementwise generic whose one use is a generic
// that reads each of its elements once is inlined into that consumer; a
// producer with two users, or one its consumer would read many times per
// element (a broadcast, a contraction's operand), stays as it is, so
// nothing is computed twice. The inlined bodies keep every op, conversions
// included, in their order.
// RUN: mpt-opt %s -split-input-file -mpt-fuse-elementwise | FileCheck %s

#id = affine_map<(d0, d1) -> (d0, d1)>

// A chain of three: one generic, the three ops in order on the same
// operands, no intermediate tensor.
// CHECK-LABEL: func.func @fuse_chain
// CHECK-SAME: (%[[A:.*]]: tensor<4x8xf32>, %[[B:.*]]: tensor<4x8xf32>, %[[C:.*]]: tensor<4x8xf32>)
// CHECK: %[[R:.*]] = linalg.generic
// CHECK-SAME: iterator_types = ["parallel", "parallel"]
// CHECK-SAME: ins(%[[A]], %[[B]], %[[C]] : tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>)
// CHECK-NEXT: ^bb0(%[[X:.*]]: f32, %[[Y:.*]]: f32, %[[Z:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT: %[[M:.*]] = arith.mulf %[[X]], %[[Y]] : f32
// CHECK-NEXT: %[[S:.*]] = arith.addf %[[M]], %[[Z]] : f32
// CHECK-NEXT: %[[Q:.*]] = arith.maximumf %[[S]], %[[X]] : f32
// CHECK-NEXT: linalg.yield %[[Q]] : f32
// CHECK-NOT: linalg.generic
// CHECK: return %[[R]]
func.func @fuse_chain(%a: tensor<4x8xf32>, %b: tensor<4x8xf32>, %c: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %e = tensor.empty() : tensor<4x8xf32>
  %m = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]} ins(%a, %b : tensor<4x8xf32>, tensor<4x8xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%x: f32, %y: f32, %o: f32):
    %0 = arith.mulf %x, %y : f32
    linalg.yield %0 : f32
  } -> tensor<4x8xf32>
  %s = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]} ins(%m, %c : tensor<4x8xf32>, tensor<4x8xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%x: f32, %y: f32, %o: f32):
    %0 = arith.addf %x, %y : f32
    linalg.yield %0 : f32
  } -> tensor<4x8xf32>
  %r = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]} ins(%s, %a : tensor<4x8xf32>, tensor<4x8xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%x: f32, %y: f32, %o: f32):
    %0 = arith.maximumf %x, %y : f32
    linalg.yield %0 : f32
  } -> tensor<4x8xf32>
  return %r : tensor<4x8xf32>
}

// -----

#id = affine_map<(d0, d1) -> (d0, d1)>

// A producer with two users is not duplicated: the product is computed
// once, by its own generic, and both users read it.
// CHECK-LABEL: func.func @negative_producer_with_two_users
// CHECK: %[[P:.*]] = linalg.generic
// CHECK: arith.mulf
// CHECK: linalg.generic {{.*}} ins(%[[P]], %{{.*}} :
// CHECK-NOT: arith.mulf
// CHECK: arith.addf
// CHECK: linalg.generic {{.*}} ins(%[[P]], %{{.*}} :
// CHECK-NOT: arith.mulf
// CHECK: arith.subf
// CHECK: return
func.func @negative_producer_with_two_users(%a: tensor<4x8xf32>, %b: tensor<4x8xf32>) -> (tensor<4x8xf32>, tensor<4x8xf32>) {
  %e = tensor.empty() : tensor<4x8xf32>
  %p = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]} ins(%a, %b : tensor<4x8xf32>, tensor<4x8xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%x: f32, %y: f32, %o: f32):
    %0 = arith.mulf %x, %y : f32
    linalg.yield %0 : f32
  } -> tensor<4x8xf32>
  %u = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]} ins(%p, %a : tensor<4x8xf32>, tensor<4x8xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%x: f32, %y: f32, %o: f32):
    %0 = arith.addf %x, %y : f32
    linalg.yield %0 : f32
  } -> tensor<4x8xf32>
  %v = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]} ins(%p, %b : tensor<4x8xf32>, tensor<4x8xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%x: f32, %y: f32, %o: f32):
    %0 = arith.subf %x, %y : f32
    linalg.yield %0 : f32
  } -> tensor<4x8xf32>
  return %u, %v : tensor<4x8xf32>, tensor<4x8xf32>
}

// -----

#id = affine_map<(d0, d1) -> (d0, d1)>
#col = affine_map<(d0, d1) -> (d1)>

// A sum over the batch that reads each element of its operand once (a bias
// gradient): the elementwise producer (ReLU's backward select) is inlined
// into the reduction; the sum keeps its order (the same iterators).
// CHECK-LABEL: func.func @fuse_into_reduction_read_once
// CHECK-SAME: (%[[M:.*]]: tensor<4x8xi1>, %[[G:.*]]: tensor<4x8xf32>, %[[ACC:.*]]: tensor<8xf32>)
// CHECK: %[[R:.*]] = linalg.generic
// CHECK-SAME: iterator_types = ["reduction", "parallel"]
// CHECK-SAME: ins(%[[M]], %[[G]] : tensor<4x8xi1>, tensor<4x8xf32>) outs(%[[ACC]] : tensor<8xf32>)
// CHECK-NEXT: ^bb0(%[[K:.*]]: i1, %[[X:.*]]: f32, %[[O:.*]]: f32):
// CHECK-NEXT: %[[S:.*]] = arith.select %[[K]], %[[X]], %{{.*}} : f32
// CHECK-NEXT: %[[T:.*]] = arith.addf %[[S]], %[[O]] : f32
// CHECK-NEXT: linalg.yield %[[T]] : f32
// CHECK-NOT: linalg.generic
// CHECK: return %[[R]]
func.func @fuse_into_reduction_read_once(%mask: tensor<4x8xi1>, %g: tensor<4x8xf32>, %acc: tensor<8xf32>) -> tensor<8xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x8xf32>
  %d = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]} ins(%mask, %g : tensor<4x8xi1>, tensor<4x8xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%k: i1, %x: f32, %o: f32):
    %0 = arith.select %k, %x, %zero : f32
    linalg.yield %0 : f32
  } -> tensor<4x8xf32>
  %s = linalg.generic {indexing_maps = [#id, #col], iterator_types = ["reduction", "parallel"]} ins(%d : tensor<4x8xf32>) outs(%acc : tensor<8xf32>) {
  ^bb0(%x: f32, %o: f32):
    %0 = arith.addf %x, %o : f32
    linalg.yield %0 : f32
  } -> tensor<8xf32>
  return %s : tensor<8xf32>
}

// -----

#id = affine_map<(d0, d1) -> (d0, d1)>
#col = affine_map<(d0, d1) -> (d1)>
#vec = affine_map<(d0) -> (d0)>

// A consumer that broadcasts the producer's result (reads each element 4
// times) would compute the producer's body 4 times per element: not fused.
// CHECK-LABEL: func.func @negative_broadcast_consumer
// CHECK: %[[P:.*]] = linalg.generic
// CHECK-SAME: ins(%arg0 : tensor<8xf32>)
// CHECK: math.exp
// CHECK: linalg.generic {{.*}} ins(%arg1, %[[P]] : tensor<4x8xf32>, tensor<8xf32>)
// CHECK-NOT: math.exp
// CHECK: return
func.func @negative_broadcast_consumer(%v: tensor<8xf32>, %a: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %ev = tensor.empty() : tensor<8xf32>
  %p = linalg.generic {indexing_maps = [#vec, #vec], iterator_types = ["parallel"]} ins(%v : tensor<8xf32>) outs(%ev : tensor<8xf32>) {
  ^bb0(%x: f32, %o: f32):
    %0 = math.exp %x : f32
    linalg.yield %0 : f32
  } -> tensor<8xf32>
  %e = tensor.empty() : tensor<4x8xf32>
  %r = linalg.generic {indexing_maps = [#id, #col, #id], iterator_types = ["parallel", "parallel"]} ins(%a, %p : tensor<4x8xf32>, tensor<8xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%x: f32, %y: f32, %o: f32):
    %0 = arith.mulf %x, %y : f32
    linalg.yield %0 : f32
  } -> tensor<4x8xf32>
  return %r : tensor<4x8xf32>
}

// -----

#id = affine_map<(d0, d1) -> (d0, d1)>
#a = affine_map<(d0, d1, d2) -> (d0, d2)>
#b = affine_map<(d0, d1, d2) -> (d2, d1)>
#c = affine_map<(d0, d1, d2) -> (d0, d1)>

// A matmul reads its left operand once per column of the result: the
// elementwise producer of that operand stays a separate op.
// CHECK-LABEL: func.func @negative_contraction_consumer
// CHECK: %[[P:.*]] = linalg.generic
// CHECK: arith.maximumf
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "reduction"]
// CHECK-SAME: ins(%[[P]], %arg1 : tensor<4x8xf32>, tensor<8x2xf32>)
// CHECK-NOT: arith.maximumf
// CHECK: return
func.func @negative_contraction_consumer(%a: tensor<4x8xf32>, %b: tensor<8x2xf32>, %c: tensor<4x2xf32>) -> tensor<4x2xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x8xf32>
  %p = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%a : tensor<4x8xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%x: f32, %o: f32):
    %0 = arith.maximumf %x, %zero : f32
    linalg.yield %0 : f32
  } -> tensor<4x8xf32>
  %r = linalg.generic {indexing_maps = [#a, #b, #c], iterator_types = ["parallel", "parallel", "reduction"]} ins(%p, %b : tensor<4x8xf32>, tensor<8x2xf32>) outs(%c : tensor<4x2xf32>) {
  ^bb0(%x: f32, %y: f32, %o: f32):
    %0 = arith.mulf %x, %y : f32
    %1 = arith.addf %o, %0 : f32
    linalg.yield %1 : f32
  } -> tensor<4x2xf32>
  return %r : tensor<4x2xf32>
}

// -----

#id = affine_map<(d0) -> (d0)>

// f16 chains keep every rounding: the f16 product is rounded by its truncf
// and widened again by the consumer's extf before the f32 addition, exactly
// as when the two ops were separate.
// CHECK-LABEL: func.func @fuse_keeps_conversions
// CHECK: linalg.generic
// CHECK-NEXT: ^bb0(%[[X:.*]]: f32, %[[Y:.*]]: f32, %[[Z:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT: %[[M:.*]] = arith.mulf %[[X]], %[[Y]] : f32
// CHECK-NEXT: %[[H:.*]] = arith.truncf %[[M]] : f32 to f16
// CHECK-NEXT: %[[W:.*]] = arith.extf %[[H]] : f16 to f32
// CHECK-NEXT: %[[S:.*]] = arith.addf %[[W]], %[[Z]] : f32
// CHECK-NEXT: linalg.yield %[[S]] : f32
// CHECK-NOT: linalg.generic
func.func @fuse_keeps_conversions(%a: tensor<16xf32>, %b: tensor<16xf32>, %c: tensor<16xf32>) -> tensor<16xf32> {
  %eh = tensor.empty() : tensor<16xf16>
  %h = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel"]} ins(%a, %b : tensor<16xf32>, tensor<16xf32>) outs(%eh : tensor<16xf16>) {
  ^bb0(%x: f32, %y: f32, %o: f16):
    %0 = arith.mulf %x, %y : f32
    %1 = arith.truncf %0 : f32 to f16
    linalg.yield %1 : f16
  } -> tensor<16xf16>
  %e = tensor.empty() : tensor<16xf32>
  %r = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel"]} ins(%h, %c : tensor<16xf16>, tensor<16xf32>) outs(%e : tensor<16xf32>) {
  ^bb0(%x: f16, %y: f32, %o: f32):
    %0 = arith.extf %x : f16 to f32
    %1 = arith.addf %0, %y : f32
    linalg.yield %1 : f32
  } -> tensor<16xf32>
  return %r : tensor<16xf32>
}
