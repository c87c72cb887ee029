// The CPU lowering translates to LLVM IR: the f16 result becomes a third
// descriptor (an out-parameter the caller owns), the add runs in f32 into a
// freed temporary, the cast is one fptrunc per element (round to nearest
// even) stored as half, each op in a function of its own that the step
// calls, and the C interface takes the three descriptors by pointer and
// calls the step with their fields.
// RUN: mpt-opt %s -mpt-lower-to-cpu | mpt-translate --mlir-to-llvmir | FileCheck %s

// CHECK-LABEL: define void @step(
// CHECK-SAME: ptr %{{[0-9]+}}, ptr %{{[0-9]+}}, i64 %{{[0-9]+}}, i64 %{{[0-9]+}}, i64 %{{[0-9]+}},
// CHECK-SAME: ptr %{{[0-9]+}}, ptr %{{[0-9]+}}, i64 %{{[0-9]+}}, i64 %{{[0-9]+}}, i64 %{{[0-9]+}},
// CHECK-SAME: ptr %{{[0-9]+}}, ptr %{{[0-9]+}}, i64 %{{[0-9]+}}, i64 %{{[0-9]+}}, i64 %{{[0-9]+}})
// CHECK: %{{[0-9]+}} = call ptr @malloc(i64 80)
// CHECK: call void @[[$ADD:__mpt_op[0-9]+]](
// CHECK: call void @[[$CAST:__mpt_op[0-9]+]](
// CHECK: call void @free(ptr %{{[0-9]+}})
// CHECK-NEXT: ret void

// CHECK-LABEL: define void @_mlir_ciface_step(ptr %0, ptr %1, ptr %2)
// CHECK: load { ptr, ptr, i64, [1 x i64], [1 x i64] }, ptr %0
// CHECK: load { ptr, ptr, i64, [1 x i64], [1 x i64] }, ptr %1
// CHECK: load { ptr, ptr, i64, [1 x i64], [1 x i64] }, ptr %2
// CHECK: call void @step(ptr %{{.*}}, ptr %{{.*}}, i64 %{{.*}}, i64 %{{.*}}, i64 %{{.*}}, ptr %{{.*}}, ptr %{{.*}}, i64 %{{.*}}, i64 %{{.*}}, i64 %{{.*}}, ptr %{{.*}}, ptr %{{.*}}, i64 %{{.*}}, i64 %{{.*}}, i64 %{{.*}})
// CHECK-NEXT: ret void

// Each op is an internal, noinline function with noalias pointers.
// CHECK: define internal void @[[$ADD]](ptr noalias %{{[0-9]+}}, ptr noalias %{{[0-9]+}}, i64
// CHECK: load float
// CHECK: load float
// CHECK: %[[SUM:[0-9]+]] = fadd float
// CHECK: store float %[[SUM]]
// CHECK: define internal void @[[$CAST]](
// CHECK: %[[H:[0-9]+]] = fptrunc float %{{[0-9]+}} to half
// CHECK: store half %[[H]], ptr %{{[0-9]+}}, align 2
// CHECK: attributes #{{[0-9]+}} = { noinline }
func.func @step(%x: tensor<4xf32>, %w: tensor<4xf32>) -> tensor<4xf16> {
  %s = arith.addf %x, %w : tensor<4xf32>
  %h = mpt.cast %s : tensor<4xf32> to tensor<4xf16>
  return %h : tensor<4xf16>
}
