// RUN: mpt-opt %s -split-input-file -mpt-outline-gpu-kernels -verify-diagnostics

// An op the GPU path cannot lower is an error at that op, naming it (never a
// silent CPU fallback).
func.func @host_load(%a: memref<4xf32>, %b: memref<f32>) {
  %c0 = arith.constant 0 : index
  // expected-error @+1 {{'memref.load' cannot run on the GPU yet}}
  %v = memref.load %a[%c0] : memref<4xf32>
  memref.store %v, %b[] : memref<f32>
  return
}

// -----

func.func @dynamic(%a: memref<?xf32>, %b: memref<?xf32>) {
  // expected-error @+1 {{dynamic shapes are not supported on the GPU}}
  linalg.generic {indexing_maps = [affine_map<(i) -> (i)>, affine_map<(i) -> (i)>],
                  iterator_types = ["parallel"]}
      ins(%a : memref<?xf32>) outs(%b : memref<?xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  }
  return
}

// -----

func.func @dynamic_alloc(%n: index) {
  // expected-error @+1 {{dynamic shapes are not supported on the GPU}}
  %a = memref.alloc(%n) : memref<?xf32>
  return
}

// -----

// expected-error @+1 {{control flow is not supported on the GPU yet}}
func.func @branches(%a: memref<4xf32>, %c: i1) {
  cf.cond_br %c, ^bb1, ^bb2
^bb1:
  cf.br ^bb2
^bb2:
  return
}

// -----

func.func @loop(%a: memref<4xf32>, %b: memref<4xf32>) {
  %c0 = arith.constant 0 : index
  %c2 = arith.constant 2 : index
  %c1 = arith.constant 1 : index
  // expected-error @+1 {{'scf.for' cannot run on the GPU yet}}
  scf.for %i = %c0 to %c2 step %c1 {
    linalg.copy ins(%a : memref<4xf32>) outs(%b : memref<4xf32>)
  }
  return
}

// -----

// A scalar computed on the host cannot reach a kernel (mpt-prepare-gpu-tensors
// moves such code into the ops at the tensor level).
func.func @host_scalar(%a: memref<4xf32>, %b: memref<4xf32>, %s: f32) {
  %two = arith.constant 2.0 : f32
  // expected-error @+1 {{'arith.mulf' cannot run on the GPU yet}}
  %t = arith.mulf %s, %two : f32
  linalg.generic {indexing_maps = [affine_map<(i) -> (i)>, affine_map<(i) -> (i)>],
                  iterator_types = ["parallel"]}
      ins(%a : memref<4xf32>) outs(%b : memref<4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %r = arith.mulf %in, %t : f32
    linalg.yield %r : f32
  }
  return
}

// -----

func.func @host_argument(%a: memref<4xf32>, %b: memref<4xf32>, %t: f32) {
  // expected-error @+1 {{reads a scalar computed on the host}}
  linalg.generic {indexing_maps = [affine_map<(i) -> (i)>, affine_map<(i) -> (i)>],
                  iterator_types = ["parallel"]}
      ins(%a : memref<4xf32>) outs(%b : memref<4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %r = arith.mulf %in, %t : f32
    linalg.yield %r : f32
  }
  return
}

// -----

// A gather: the body picks an element of another buffer by a computed index
// (torch-mlir's nll_loss and IREE's take_along_axis are written so).
func.func @gather_in_body(%a: memref<4xi32>, %table: memref<4x10xf32>, %b: memref<4xf32>) {
  // expected-error @+1 {{reads a buffer inside its body (a gather: an element picked by computed indices); the CUDA lowering passes kernels only their operands, so this graph compiles for --target=cpu only}}
  linalg.generic {indexing_maps = [affine_map<(i) -> (i)>, affine_map<(i) -> (i)>],
                  iterator_types = ["parallel"]}
      ins(%a : memref<4xi32>) outs(%b : memref<4xf32>) {
  ^bb0(%in: i32, %out: f32):
    %i = linalg.index 0 : index
    %j = arith.index_cast %in : i32 to index
    %r = memref.load %table[%i, %j] : memref<4x10xf32>
    linalg.yield %r : f32
  }
  return
}

// -----

func.func @host_fill_value(%b: memref<4xf32>, %s: f32) {
  // expected-error @+1 {{takes a scalar computed on the host}}
  linalg.fill ins(%s : f32) outs(%b : memref<4xf32>)
  return
}

// -----

func.func @tensors(%a: tensor<4xf32>, %e: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{linalg op on tensors in a host function}}
  %r = linalg.copy ins(%a : tensor<4xf32>) outs(%e : tensor<4xf32>) -> tensor<4xf32>
  return %r : tensor<4xf32>
}
