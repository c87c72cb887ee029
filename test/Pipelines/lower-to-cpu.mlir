// mpt-lower-to-cpu: a mixed-precision step to the LLVM dialect, as mpt-compile
// runs it before LLVM's code generation.
// RUN: mpt-opt %s -mpt-lower-to-cpu | FileCheck %s

// Results become out-parameters (the runtime owns every buffer): the
// function returns nothing, and a C interface takes descriptor pointers.
// CHECK-LABEL: llvm.func @step(
// CHECK-NOT: -> !llvm.struct
// CHECK-SAME: {
// CHECK: llvm.func @_mlir_ciface_step(%{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr)
// The signature attributes were read by mpt-compile and are gone.
// CHECK-NOT: mpt.
// bf16 conversions are integer code (no __truncsfbf2 in libgcc), and math on
// bf16 runs in f32: no bf16 value reaches LLVM's float arithmetic.
// CHECK-NOT: __truncsfbf2
// CHECK-NOT: fptrunc {{.*}} to bf16
// CHECK-NOT: math.
func.func @step(%x: tensor<4x8xf32> {mpt.role = #mpt.role<input>, mpt.name = "x"},
                %w: tensor<8x2xf32> {mpt.role = #mpt.role<param>, mpt.name = "w", mpt.init = #mpt.init<dist = zeros>})
    -> (tensor<4x2xbf16> {mpt.role = #mpt.role<output>, mpt.name = "y"}, tensor<8x2xf32> {mpt.role = #mpt.role<param>, mpt.updates = "w"}) {
  %zero = arith.constant 0.0 : f32
  %xb = mpt.cast %x : tensor<4x8xf32> to tensor<4x8xbf16>
  %wb = mpt.cast %w : tensor<8x2xf32> to tensor<8x2xbf16>
  %e = tensor.empty() : tensor<4x2xf32>
  %i = linalg.fill ins(%zero : f32) outs(%e : tensor<4x2xf32>) -> tensor<4x2xf32>
  %m = linalg.matmul ins(%xb, %wb : tensor<4x8xbf16>, tensor<8x2xbf16>) outs(%i : tensor<4x2xf32>) -> tensor<4x2xf32>
  %mb = mpt.cast %m : tensor<4x2xf32> to tensor<4x2xbf16>
  %eb = tensor.empty() : tensor<4x2xbf16>
  %t = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]}
      ins(%mb : tensor<4x2xbf16>) outs(%eb : tensor<4x2xbf16>) {
    ^bb0(%a: bf16, %o: bf16):
      %r = math.tanh %a : bf16
      linalg.yield %r : bf16
  } -> tensor<4x2xbf16>
  %g = mpt.cast %t : tensor<4x2xbf16> to tensor<4x2xf32>
  %gh = mpt.cast %x : tensor<4x8xf32> to tensor<4x8xf16>
  %w2 = mpt.sgd %w, %w {lr = 0.5 : f32} : tensor<8x2xf32>
  return %t, %w2 : tensor<4x2xbf16>, tensor<8x2xf32>
}
