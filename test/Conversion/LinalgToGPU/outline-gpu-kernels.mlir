// RUN: mpt-opt %s -split-input-file -mpt-outline-gpu-kernels -cse | FileCheck %s

// An elementwise op: one thread per point, the innermost output dimension
// fastest; the host keeps only the launch.
// CHECK-LABEL: func.func @elementwise_exp
// CHECK-NOT: linalg.
// CHECK: gpu.launch_func  @mpt_kernels::@elementwise_0 blocks in (%c2, %c1, %c1) threads in (%c256, %c1, %c1)  args(%arg0 : memref<4x100xf32>, %arg1 : memref<4x100xf16>)
// CHECK: gpu.module @mpt_kernels
// CHECK: gpu.func @elementwise_0(%[[X:.*]]: memref<4x100xf32>, %[[Y:.*]]: memref<4x100xf16>) kernel
// CHECK-SAME: known_block_size = array<i32: 256, 1, 1>
// CHECK-SAME: mpt.kernel_family = "elementwise"
// CHECK: %[[TID:.*]] = gpu.thread_id x
// CHECK: %[[BID:.*]] = gpu.block_id x
// CHECK: arith.cmpi ult, %{{.*}}, %c400
// CHECK: scf.if
// CHECK: %[[J:.*]] = arith.remui %{{.*}}, %c100
// CHECK: %[[I:.*]] = arith.divui %{{.*}}, %c100
// CHECK: %[[V:.*]] = memref.load %[[X]][%[[I]], %[[J]]]
// CHECK: %[[E:.*]] = math.exp %[[V]]
// CHECK: %[[T:.*]] = arith.truncf %[[E]] : f32 to f16
// CHECK: memref.store %[[T]], %[[Y]][%[[I]], %[[J]]]
func.func @elementwise_exp(%x: memref<4x100xf32>, %y: memref<4x100xf16>) {
  linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>],
                  iterator_types = ["parallel", "parallel"]}
      ins(%x : memref<4x100xf32>) outs(%y : memref<4x100xf16>) {
  ^bb0(%in: f32, %out: f16):
    %e = math.exp %in : f32
    %t = arith.truncf %e : f32 to f16
    linalg.yield %t : f16
  }
  return
}


// -----

// A reduction along the contiguous dimension: one warp per row, lanes stride
// over the row, a butterfly of five shuffles, lane 0 combines with the stored
// value (the initial maximum) and stores.
// CHECK-LABEL: func.func @row_max
// CHECK: gpu.launch_func  @mpt_kernels::@row_reduction_0 blocks in (%c1, %c1, %c1) threads in (%c256, %c1, %c1)
// CHECK: gpu.module @mpt_kernels
// CHECK: gpu.func @row_reduction_0(%[[X:.*]]: memref<8x512xf32>, %[[M:.*]]: memref<8xf32>) kernel
// CHECK-SAME: mpt.kernel_family = "row_reduction"
// CHECK: %[[LANE:.*]] = arith.remui %{{.*}}, %c32
// CHECK: %[[NEGINF:.*]] = arith.constant 0xFF800000 : f32
// CHECK: %[[P:.*]] = scf.for %[[R:.*]] = %[[LANE]] to %c512 step %c32 iter_args(%[[ACC:.*]] = %[[NEGINF]]) -> (f32)
// CHECK:   memref.load %[[X]][%{{.*}}, %[[R]]]
// CHECK:   arith.maximumf
// CHECK: gpu.shuffle xor %[[P]], %c16_i32, %c32_i32
// CHECK: gpu.shuffle xor %{{.*}}, %c8_i32, %c32_i32
// CHECK: gpu.shuffle xor %{{.*}}, %c4_i32, %c32_i32
// CHECK: gpu.shuffle xor %{{.*}}, %c2_i32, %c32_i32
// CHECK: gpu.shuffle xor %{{.*}}, %c1_i32, %c32_i32
// CHECK: arith.cmpi eq, %[[LANE]], %c0
// CHECK: memref.load %[[M]]
// CHECK: arith.maximumf
// CHECK: memref.store %{{.*}}, %[[M]]
func.func @row_max(%x: memref<8x512xf32>, %m: memref<8xf32>) {
  linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i)>],
                  iterator_types = ["parallel", "reduction"]}
      ins(%x : memref<8x512xf32>) outs(%m : memref<8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %r = arith.maximumf %in, %out : f32
    linalg.yield %r : f32
  }
  return
}


// -----

// A column reduction with many outputs (a bias gradient): one thread per
// output, the rows in order (as the CPU sums them), the sum in a register.
// CHECK-LABEL: func.func @column_sum
// CHECK: blocks in (%c16, %c1, %c1) threads in (%c256, %c1, %c1)
// CHECK: gpu.module @mpt_kernels
// CHECK: gpu.func @thread_reduction_0(%[[X:.*]]: memref<64x4096xf32>, %[[B:.*]]: memref<4096xf32>) kernel
// CHECK-SAME: mpt.kernel_family = "thread_reduction"
// CHECK: %[[INIT:.*]] = memref.load %[[B]]
// CHECK: %[[SUM:.*]] = scf.for %[[R:.*]] = %c0 to %c64 step %c1 iter_args(%[[ACC:.*]] = %[[INIT]]) -> (f32)
// CHECK:   %[[V:.*]] = memref.load %[[X]][%[[R]], %{{.*}}]
// CHECK:   arith.addf %[[V]], %[[ACC]]
// CHECK: memref.store %[[SUM]], %[[B]]
func.func @column_sum(%x: memref<64x4096xf32>, %b: memref<4096xf32>) {
  linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (j)>],
                  iterator_types = ["reduction", "parallel"]}
      ins(%x : memref<64x4096xf32>) outs(%b : memref<4096xf32>) {
  ^bb0(%in: f32, %out: f32):
    %r = arith.addf %in, %out : f32
    linalg.yield %r : f32
  }
  return
}


// -----

// One output point (the found_inf flag): one block, shuffles within warps,
// one partial per warp in shared memory, a barrier, the last warp combines.
// The i1 flag travels through the shuffles as an i32.
// CHECK-LABEL: func.func @any_non_finite
// CHECK: gpu.launch_func  @mpt_kernels::@full_reduction_0 blocks in (%c1, %c1, %c1) threads in (%c256, %c1, %c1)
// CHECK: gpu.module @mpt_kernels
// CHECK: gpu.func @full_reduction_0(%[[G:.*]]: memref<1000xf32>, %[[F:.*]]: memref<i1>) workgroup(%[[SH:.*]] : memref<8xi1, #gpu.address_space<workgroup>>) kernel
// CHECK-SAME: mpt.kernel_family = "full_reduction"
// CHECK: scf.for %{{.*}} = %{{.*}} to %c1000 step %c256 iter_args(%{{.*}} = %false) -> (i1)
// CHECK: arith.extui %{{.*}} : i1 to i32
// CHECK: gpu.shuffle xor
// CHECK: memref.store %{{.*}}, %[[SH]]
// CHECK: gpu.barrier
// CHECK: memref.load %[[SH]]
// CHECK: memref.store %{{.*}}, %[[F]][]
func.func @any_non_finite(%g: memref<1000xf32>, %f: memref<i1>) {
  %inf = arith.constant 0x7F800000 : f32
  linalg.generic {indexing_maps = [affine_map<(i) -> (i)>, affine_map<(i) -> ()>],
                  iterator_types = ["reduction"]}
      ins(%g : memref<1000xf32>) outs(%f : memref<i1>) {
  ^bb0(%in: f32, %out: i1):
    %a = math.absf %in : f32
    %n = arith.cmpf ueq, %a, %inf : f32
    %r = arith.ori %out, %n : i1
    linalg.yield %r : i1
  }
  return
}


// -----

// A body whose running values depend on each other (an online softmax
// denominator) cannot be split across lanes: one thread per output point,
// sequentially, exactly as the CPU runs it.
// CHECK-LABEL: func.func @online_softmax
// CHECK: gpu.module @mpt_kernels
// CHECK: gpu.func @thread_reduction_0
// CHECK-NOT: gpu.shuffle
// CHECK: scf.for %{{.*}} = %c0 to %c512 step %c1 iter_args(%{{.*}} = %{{.*}}, %{{.*}} = %{{.*}}) -> (f32, f32)
func.func @online_softmax(%x: memref<8x512xf32>, %m: memref<8xf32>, %s: memref<8xf32>) {
  linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i)>, affine_map<(i, j) -> (i)>],
                  iterator_types = ["parallel", "reduction"]}
      ins(%x : memref<8x512xf32>) outs(%m, %s : memref<8xf32>, memref<8xf32>) {
  ^bb0(%in: f32, %mx: f32, %sum: f32):
    %nm = arith.maximumf %in, %mx : f32
    %d = arith.subf %in, %nm : f32
    %e = math.exp %d : f32
    %ns = arith.addf %sum, %e : f32
    linalg.yield %nm, %ns : f32, f32
  }
  return
}


// -----

// Named ops lower through their generic form; a fill's constant is cloned
// into the kernel; the pooling window operand (shape only) is not passed.
// A fill with zero bits of a contiguous buffer stays on the host (a device
// memset in the launch plan).
// CHECK-LABEL: func.func @fill_and_maxpool
// CHECK: linalg.fill ins(%{{.*}} : i32) outs(%arg2 : memref<16xi32>)
// CHECK: gpu.launch_func  @mpt_kernels::@elementwise_0
// CHECK: gpu.launch_func  @mpt_kernels::@thread_reduction_1 {{.*}} args(%arg0 : memref<2x8x8x8xf32>, %arg1 : memref<2x4x4x8xf32>)
// CHECK: gpu.module @mpt_kernels
// CHECK: gpu.func @elementwise_0(%{{.*}}: memref<2x4x4x8xf32>) kernel
// CHECK: %[[Z:.*]] = arith.constant -3.40282347E+38 : f32
// CHECK: memref.store %[[Z]]
// CHECK: gpu.func @thread_reduction_1(%[[IN:.*]]: memref<2x8x8x8xf32>, %[[OUT:.*]]: memref<2x4x4x8xf32>) kernel
// CHECK: scf.for
// CHECK: scf.for
// CHECK: arith.maximumf
func.func @fill_and_maxpool(%x: memref<2x8x8x8xf32>, %y: memref<2x4x4x8xf32>, %z: memref<16xi32>) {
  %lowest = arith.constant -3.40282347E+38 : f32
  %zero = arith.constant 0 : i32
  %window = memref.alloc() : memref<2x2xf32>
  linalg.fill ins(%zero : i32) outs(%z : memref<16xi32>)
  linalg.fill ins(%lowest : f32) outs(%y : memref<2x4x4x8xf32>)
  linalg.pooling_nhwc_max {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>}
      ins(%x, %window : memref<2x8x8x8xf32>, memref<2x2xf32>) outs(%y : memref<2x4x4x8xf32>)
  return
}


// -----

// A contiguous copy stays on the host (a device copy in the launch plan); a
// strided one becomes a kernel reading through the view's strides.
// CHECK-LABEL: func.func @copies
// CHECK: memref.copy %arg0, %arg1 : memref<8x8xf32> to memref<8x8xf32>
// CHECK: %[[V:.*]] = memref.subview %arg0[0, 2] [4, 4] [1, 1]
// CHECK: gpu.launch_func  @mpt_kernels::@elementwise_0 {{.*}} args(%[[V]] : memref<4x4xf32, strided<[8, 1], offset: 2>>, %arg2 : memref<4x4xf32>)
// CHECK: gpu.module @mpt_kernels
// CHECK: gpu.func @elementwise_0(%{{.*}}: memref<4x4xf32, strided<[8, 1], offset: 2>>, %{{.*}}: memref<4x4xf32>) kernel
func.func @copies(%a: memref<8x8xf32>, %b: memref<8x8xf32>, %c: memref<4x4xf32>) {
  memref.copy %a, %b : memref<8x8xf32> to memref<8x8xf32>
  %v = memref.subview %a[0, 2] [4, 4] [1, 1] : memref<8x8xf32> to memref<4x4xf32, strided<[8, 1], offset: 2>>
  memref.copy %v, %c : memref<4x4xf32, strided<[8, 1], offset: 2>> to memref<4x4xf32>
  return
}


// -----

// An input that shares its buffer with the output but is read elsewhere (a
// transpose in place) would race: it is read from a copy made first.
// CHECK-LABEL: func.func @aliased_input
// CHECK: %[[COPY:.*]] = memref.alloc() : memref<16x16xf32>
// CHECK: gpu.launch_func  @mpt_kernels::@elementwise_0 {{.*}} args(%arg0 : memref<16x16xf32>, %[[COPY]] : memref<16x16xf32>)
// CHECK: gpu.launch_func  @mpt_kernels::@elementwise_1 {{.*}} args(%[[COPY]] : memref<16x16xf32>, %arg0 : memref<16x16xf32>)
// CHECK: gpu.module @mpt_kernels
func.func @aliased_input(%a: memref<16x16xf32>) {
  linalg.generic {indexing_maps = [affine_map<(i, j) -> (j, i)>, affine_map<(i, j) -> (i, j)>],
                  iterator_types = ["parallel", "parallel"]}
      ins(%a : memref<16x16xf32>) outs(%a : memref<16x16xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  }
  return
}
