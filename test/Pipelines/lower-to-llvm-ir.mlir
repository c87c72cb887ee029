// The CPU lowering translates to LLVM IR: the f16 result becomes a third
// descriptor (an out-parameter the caller owns), and the C interface takes
// the three descriptors by pointer and calls the step with their fields.
// By default the add (in f32) and the cast (one fptrunc per element, round
// to nearest even, stored as half) are one fused op: one function the step
// calls, no temporary. With fuse-elementwise=false each op is a function of
// its own and the add writes a temporary that the step frees.
// RUN: mpt-opt %s -mpt-lower-to-cpu | mpt-translate --mlir-to-llvmir | FileCheck %s --check-prefixes=CHECK,FUSED
// RUN: mpt-opt %s -mpt-lower-to-cpu=fuse-elementwise=false | mpt-translate --mlir-to-llvmir | FileCheck %s --check-prefixes=CHECK,UNFUSED

// CHECK-LABEL: define void @step(
// CHECK-SAME: ptr %{{[0-9]+}}, ptr %{{[0-9]+}}, i64 %{{[0-9]+}}, i64 %{{[0-9]+}}, i64 %{{[0-9]+}},
// CHECK-SAME: ptr %{{[0-9]+}}, ptr %{{[0-9]+}}, i64 %{{[0-9]+}}, i64 %{{[0-9]+}}, i64 %{{[0-9]+}},
// CHECK-SAME: ptr %{{[0-9]+}}, ptr %{{[0-9]+}}, i64 %{{[0-9]+}}, i64 %{{[0-9]+}}, i64 %{{[0-9]+}})
// FUSED-NOT: @malloc
// FUSED: call void @[[$OP:__mpt_op[0-9]+]](
// FUSED-NOT: call
// FUSED: ret void
// UNFUSED: %{{[0-9]+}} = call ptr @malloc(i64 80)
// UNFUSED: call void @[[$ADD:__mpt_op[0-9]+]](
// UNFUSED: call void @[[$CAST:__mpt_op[0-9]+]](
// UNFUSED: call void @free(ptr %{{[0-9]+}})
// UNFUSED-NEXT: ret void

// CHECK-LABEL: define void @_mlir_ciface_step(ptr %0, ptr %1, ptr %2)
// CHECK: load { ptr, ptr, i64, [1 x i64], [1 x i64] }, ptr %0
// CHECK: load { ptr, ptr, i64, [1 x i64], [1 x i64] }, ptr %1
// CHECK: load { ptr, ptr, i64, [1 x i64], [1 x i64] }, ptr %2
// CHECK: call void @step(ptr %{{.*}}, ptr %{{.*}}, i64 %{{.*}}, i64 %{{.*}}, i64 %{{.*}}, ptr %{{.*}}, ptr %{{.*}}, i64 %{{.*}}, i64 %{{.*}}, i64 %{{.*}}, ptr %{{.*}}, ptr %{{.*}}, i64 %{{.*}}, i64 %{{.*}}, i64 %{{.*}})
// CHECK-NEXT: ret void

// Each op is an internal, noinline function with noalias pointers.
// FUSED: define internal void @[[$OP]](ptr noalias %{{[0-9]+}}, ptr noalias %{{[0-9]+}}, i64
// FUSED: load float
// FUSED: load float
// FUSED: %[[SUM:[0-9]+]] = fadd float
// FUSED-NEXT: %[[H:[0-9]+]] = fptrunc float %[[SUM]] to half
// FUSED: store half %[[H]], ptr %{{[0-9]+}}, align 2
// FUSED-NOT: define
// UNFUSED: define internal void @[[$ADD]](ptr noalias %{{[0-9]+}}, ptr noalias %{{[0-9]+}}, i64
// UNFUSED: load float
// UNFUSED: load float
// UNFUSED: %[[SUM:[0-9]+]] = fadd float
// UNFUSED: store float %[[SUM]]
// UNFUSED: define internal void @[[$CAST]](
// UNFUSED: %[[H:[0-9]+]] = fptrunc float %{{[0-9]+}} to half
// UNFUSED: store half %[[H]], ptr %{{[0-9]+}}, align 2
// CHECK: attributes #{{[0-9]+}} = { noinline }
func.func @step(%x: tensor<4xf32>, %w: tensor<4xf32>) -> tensor<4xf16> {
  %s = arith.addf %x, %w : tensor<4xf32>
  %h = mpt.cast %s : tensor<4xf32> to tensor<4xf16>
  return %h : tensor<4xf16>
}
