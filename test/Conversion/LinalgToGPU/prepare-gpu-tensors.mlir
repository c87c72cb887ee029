// RUN: mpt-opt %s -split-input-file -mpt-prepare-gpu-tensors | FileCheck %s

// The scale's reciprocal, computed on the host from an extracted element and
// captured by the unscale generic, is recomputed inside the generic: the
// scale becomes an input read through a constant indexing map.
// CHECK-LABEL: func.func @captured_reciprocal
// CHECK-SAME: %[[G:.*]]: tensor<16xf16>, %[[S:.*]]: tensor<f32>
// CHECK-NOT: tensor.extract
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #[[CONST:.*]], #{{.*}}]
// CHECK-SAME: ins(%[[G]], %[[S]] : tensor<16xf16>, tensor<f32>)
// CHECK: ^bb0(%[[IN:.*]]: f16, %[[SCALE:.*]]: f32, %{{.*}}: f32):
// CHECK:   %[[INV:.*]] = arith.divf %{{.*}}, %[[SCALE]] : f32
// CHECK:   %[[X:.*]] = arith.extf %[[IN]] : f16 to f32
// CHECK:   arith.mulf %[[X]], %[[INV]] : f32
func.func @captured_reciprocal(%g: tensor<16xf16>, %s: tensor<f32>) -> tensor<16xf32> {
  %one = arith.constant 1.0 : f32
  %scale = tensor.extract %s[] : tensor<f32>
  %inv = arith.divf %one, %scale : f32
  %e = tensor.empty() : tensor<16xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(i) -> (i)>, affine_map<(i) -> (i)>],
                       iterator_types = ["parallel"]}
      ins(%g : tensor<16xf16>) outs(%e : tensor<16xf32>) {
  ^bb0(%in: f16, %out: f32):
    %x = arith.extf %in : f16 to f32
    %y = arith.mulf %x, %inv : f32
    linalg.yield %y : f32
  } -> tensor<16xf32>
  return %r : tensor<16xf32>
}

// -----

// A new loss-scale state assembled on the host with tensor.from_elements
// becomes a rank-0 generic that computes it from the old state.
// CHECK-LABEL: func.func @from_elements
// CHECK-NOT: tensor.from_elements
// CHECK-NOT: tensor.extract
// CHECK: %[[R:.*]] = linalg.generic {indexing_maps = [#{{.*}}, #{{.*}}, #{{.*}}], iterator_types = []}
// CHECK-SAME: ins(%arg1, %arg0 : tensor<i1>, tensor<f32>)
// CHECK:   arith.mulf
// CHECK:   arith.select
// CHECK: return %[[R]]
func.func @from_elements(%scale: tensor<f32>, %found: tensor<i1>) -> tensor<f32> {
  %half = arith.constant 0.5 : f32
  %s = tensor.extract %scale[] : tensor<f32>
  %f = tensor.extract %found[] : tensor<i1>
  %b = arith.mulf %s, %half : f32
  %n = arith.select %f, %b, %s : f32
  %r = tensor.from_elements %n : tensor<f32>
  return %r : tensor<f32>
}

// -----

// A fill read by two ops becomes one fill (into its own empty tensor) per
// use, so bufferization fills each destination in place.
// CHECK-LABEL: func.func @shared_fill
// CHECK: %[[E1:.*]] = tensor.empty() : tensor<4x4xf32>
// CHECK: %[[F1:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%[[E1]] : tensor<4x4xf32>)
// CHECK: linalg.matmul ins(%arg0, %arg1 : {{.*}}) outs(%[[F1]] : tensor<4x4xf32>)
// CHECK: %[[E2:.*]] = tensor.empty() : tensor<4x4xf32>
// CHECK: %[[F2:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%[[E2]] : tensor<4x4xf32>)
// CHECK: linalg.matmul ins(%arg1, %arg0 : {{.*}}) outs(%[[F2]] : tensor<4x4xf32>)
func.func @shared_fill(%a: tensor<4x4xf32>, %b: tensor<4x4xf32>) -> (tensor<4x4xf32>, tensor<4x4xf32>) {
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x4xf32>
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<4x4xf32>) -> tensor<4x4xf32>
  %x = linalg.matmul ins(%a, %b : tensor<4x4xf32>, tensor<4x4xf32>) outs(%f : tensor<4x4xf32>) -> tensor<4x4xf32>
  %y = linalg.matmul ins(%b, %a : tensor<4x4xf32>, tensor<4x4xf32>) outs(%f : tensor<4x4xf32>) -> tensor<4x4xf32>
  return %x, %y : tensor<4x4xf32>, tensor<4x4xf32>
}

// -----

// A fill of a computed value (the loss scale as the gradient seed) becomes a
// generic computing it.
// CHECK-LABEL: func.func @computed_fill
// CHECK-NOT: tensor.extract
// CHECK: linalg.generic
// CHECK-SAME: ins(%arg0 : tensor<f32>)
// CHECK:   arith.truncf %{{.*}} : f32 to f16
func.func @computed_fill(%scale: tensor<f32>) -> tensor<8xf16> {
  %s = tensor.extract %scale[] : tensor<f32>
  %h = arith.truncf %s : f32 to f16
  %e = tensor.empty() : tensor<8xf16>
  %f = linalg.fill ins(%h : f16) outs(%e : tensor<8xf16>) -> tensor<8xf16>
  return %f : tensor<8xf16>
}
