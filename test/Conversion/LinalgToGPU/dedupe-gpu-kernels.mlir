// RUN: mpt-opt %s -mpt-outline-gpu-kernels -mpt-dedupe-gpu-kernels | FileCheck %s

// Two identical ops (the same block of a network twice) share one kernel;
// a different one keeps its own.
// CHECK-LABEL: func.func @twice
// CHECK: gpu.launch_func  @mpt_kernels::@[[K:elementwise_[0-9]+]] {{.*}} args(%arg0 : memref<64xf32>, %arg1 : memref<64xf32>)
// CHECK: gpu.launch_func  @mpt_kernels::@[[K]] {{.*}} args(%arg1 : memref<64xf32>, %arg2 : memref<64xf32>)
// CHECK: gpu.launch_func  @mpt_kernels::@[[OTHER:elementwise_[0-9]+]]
// CHECK: gpu.module @mpt_kernels
// CHECK-COUNT-2: gpu.func
// CHECK-NOT: gpu.func
func.func @twice(%a: memref<64xf32>, %b: memref<64xf32>, %c: memref<64xf32>) {
  linalg.generic {indexing_maps = [affine_map<(i) -> (i)>, affine_map<(i) -> (i)>], iterator_types = ["parallel"]}
      ins(%a : memref<64xf32>) outs(%b : memref<64xf32>) {
  ^bb0(%in: f32, %out: f32):
    %r = math.tanh %in : f32
    linalg.yield %r : f32
  }
  linalg.generic {indexing_maps = [affine_map<(i) -> (i)>, affine_map<(i) -> (i)>], iterator_types = ["parallel"]}
      ins(%b : memref<64xf32>) outs(%c : memref<64xf32>) {
  ^bb0(%in: f32, %out: f32):
    %r = math.tanh %in : f32
    linalg.yield %r : f32
  }
  linalg.generic {indexing_maps = [affine_map<(i) -> (i)>, affine_map<(i) -> (i)>], iterator_types = ["parallel"]}
      ins(%c : memref<64xf32>) outs(%a : memref<64xf32>) {
  ^bb0(%in: f32, %out: f32):
    %r = math.exp %in : f32
    linalg.yield %r : f32
  }
  return
}
