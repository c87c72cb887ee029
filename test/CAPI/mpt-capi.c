/*===- mpt-capi.c - C API test: embed mpt through MLIR's C API -----------===*/
// RUN: mpt-capi-test 2>&1 | FileCheck %s

#include "mpt-c/Dialects.h"

#include "mlir-c/BuiltinAttributes.h"
#include "mlir-c/IR.h"
#include "mlir-c/Support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void printToStdout(MlirStringRef str, void *userData) {
  (void)userData;
  fwrite(str.data, 1, str.length, stdout);
}

static MlirModule parse(MlirContext ctx, const char *source) {
  MlirModule module =
      mlirModuleCreateParse(ctx, mlirStringRefCreateFromCString(source));
  if (mlirModuleIsNull(module)) {
    fprintf(stderr, "could not parse the module\n");
    exit(1);
  }
  return module;
}

/* The dialect registers on its own through its handle. */
static void testDialectHandle(void) {
  MlirContext ctx = mlirContextCreate();
  MlirDialectHandle handle = mlirGetDialectHandle__mpt__();
  mlirDialectHandleRegisterDialect(handle, ctx);
  MlirDialect dialect = mlirContextGetOrLoadDialect(
      ctx, mlirDialectHandleGetNamespace(handle));
  MlirStringRef ns = mlirDialectGetNamespace(dialect);
  // CHECK: dialect namespace: mpt
  printf("dialect namespace: %.*s\n", (int)ns.length, ns.data);
  mlirContextDestroy(ctx);
}

static const char *kTrainStep =
    "func.func @train_step(%w: tensor<4xf32> {mpt.role = #mpt.role<param>, "
    "mpt.name = \"w\", mpt.init = #mpt.init<dist = zeros>}, "
    "%x: tensor<4xf32> {mpt.role = #mpt.role<input>, mpt.name = \"x\"}) "
    "-> (tensor<4xf32> {mpt.role = #mpt.role<param>, mpt.updates = \"w\"}) {\n"
    "  %h = mpt.cast %x : tensor<4xf32> to tensor<4xf16>\n"
    "  %f = mpt.cast %h : tensor<4xf16> to tensor<4xf32>\n"
    "  %g = mpt.cast %f : tensor<4xf32> to tensor<4xf16>\n"
    "  %w2 = mpt.sgd %w, %g {lr = 0.5 : f32} : tensor<4xf32>, tensor<4xf16>\n"
    "  return %w2 : tensor<4xf32>\n"
    "}\n";

/* Everything registers into a context and a pipeline runs on a module. */
static void testPipeline(void) {
  MlirContext ctx = mlirContextCreate();
  mptContextRegisterAll(ctx);
  mptRegisterAllPasses();
  MlirModule module = parse(ctx, kTrainStep);

  /* The lossless f16 -> f32 -> f16 round trip folds away; the lossy
     f32 -> f16 stays. */
  MlirLogicalResult result = mptRunPassPipeline(
      module, mlirStringRefCreateFromCString("builtin.module(canonicalize)"));
  // CHECK: canonicalize: ok
  printf("canonicalize: %s\n", mlirLogicalResultIsSuccess(result) ? "ok"
                                                                  : "failed");
  // CHECK-LABEL: func.func @train_step
  // CHECK: %[[H:.*]] = mpt.cast %{{.*}} : tensor<4xf32> to tensor<4xf16>
  // CHECK-NOT: mpt.cast
  // CHECK: mpt.sgd %{{.*}}, %[[H]] {lr = 5.000000e-01 : f32}
  mlirOperationPrint(mlirModuleGetOperation(module), printToStdout, NULL);
  printf("\n");

  /* A pipeline that does not parse is a failure with a diagnostic, not a
     crash. */
  // CHECK: invalid pass pipeline: {{.*}}no-such-pass
  result = mptRunPassPipeline(
      module, mlirStringRefCreateFromCString("builtin.module(no-such-pass)"));
  // CHECK: bad pipeline: failed
  printf("bad pipeline: %s\n", mlirLogicalResultIsFailure(result) ? "failed"
                                                                  : "ok");
  mlirModuleDestroy(module);
  mlirContextDestroy(ctx);
}

static const char *kMLPStep =
    "func.func @train_step("
    "%x: tensor<4x8xf32> {mpt.role = #mpt.role<input>, mpt.name = \"x\"},"
    "%w: tensor<8x2xf32> {mpt.role = #mpt.role<param>, mpt.name = \"w\","
    " mpt.init = #mpt.init<dist = zeros>})"
    " -> (tensor<8x2xf32> {mpt.role = #mpt.role<param>, mpt.updates = \"w\"},"
    " tensor<f32> {mpt.role = #mpt.role<loss>}) {\n"
    "  %zero = arith.constant 0.0 : f32\n"
    "  %e = tensor.empty() : tensor<4x2xf32>\n"
    "  %i = linalg.fill ins(%zero : f32) outs(%e : tensor<4x2xf32>) -> tensor<4x2xf32>\n"
    "  %y = linalg.matmul ins(%x, %w : tensor<4x8xf32>, tensor<8x2xf32>)"
    " outs(%i : tensor<4x2xf32>) -> tensor<4x2xf32>\n"
    "  %e0 = tensor.empty() : tensor<f32>\n"
    "  %i0 = linalg.fill ins(%zero : f32) outs(%e0 : tensor<f32>) -> tensor<f32>\n"
    "  %s = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>,"
    " affine_map<(d0, d1) -> ()>], iterator_types = [\"reduction\", \"reduction\"]}"
    " ins(%y : tensor<4x2xf32>) outs(%i0 : tensor<f32>) {\n"
    "  ^bb0(%a: f32, %o: f32):\n"
    "    %r = arith.addf %a, %o : f32\n"
    "    linalg.yield %r : f32\n"
    "  } -> tensor<f32>\n"
    "  %loss = mpt.loss %s : tensor<f32>\n"
    "  %seed = mpt.grad_seed %loss : tensor<f32>\n"
    "  %eb = tensor.empty() : tensor<4x2xf32>\n"
    "  %dy = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> ()>,"
    " affine_map<(d0, d1) -> (d0, d1)>], iterator_types = [\"parallel\", \"parallel\"]}"
    " ins(%seed : tensor<f32>) outs(%eb : tensor<4x2xf32>) {\n"
    "  ^bb0(%a: f32, %o: f32):\n"
    "    linalg.yield %a : f32\n"
    "  } -> tensor<4x2xf32>\n"
    "  %et = tensor.empty() : tensor<8x4xf32>\n"
    "  %xt = linalg.transpose ins(%x : tensor<4x8xf32>) outs(%et : tensor<8x4xf32>)"
    " permutation = [1, 0]\n"
    "  %ew = tensor.empty() : tensor<8x2xf32>\n"
    "  %iw = linalg.fill ins(%zero : f32) outs(%ew : tensor<8x2xf32>) -> tensor<8x2xf32>\n"
    "  %gw = linalg.matmul ins(%xt, %dy : tensor<8x4xf32>, tensor<4x2xf32>)"
    " outs(%iw : tensor<8x2xf32>) -> tensor<8x2xf32>\n"
    "  %w2 = mpt.sgd %w, %gw {lr = 0.5 : f32} : tensor<8x2xf32>\n"
    "  return %w2, %loss : tensor<8x2xf32>, tensor<f32>\n"
    "}\n";

/* The mixed-precision pipeline runs through the C API: bf16 contractions,
   an FP32 master with a bf16 working copy, no loss scaling for bf16. */
static void testMixedPrecisionPipeline(void) {
  MlirContext ctx = mlirContextCreate();
  mptContextRegisterAll(ctx);
  MlirModule module = parse(ctx, kMLPStep);
  MlirLogicalResult result = mptRunMixedPrecisionPipeline(
      module, mlirStringRefCreateFromCString("precision=bf16 summary=false"));
  // CHECK: mixed precision: ok
  printf("mixed precision: %s\n",
         mlirLogicalResultIsSuccess(result) ? "ok" : "failed");
  // CHECK-LABEL: func.func @train_step
  // CHECK-SAME: mpt.name = "w.working_copy", mpt.role = #mpt.role<working_copy>
  // CHECK: linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<4x8xbf16>, tensor<8x2xbf16>)
  // CHECK-NOT: mpt.update_scale
  // CHECK: mpt.sgd {{.*}} -> tensor<8x2xbf16>
  mlirOperationPrint(mlirModuleGetOperation(module), printToStdout, NULL);
  printf("\n");

  // Bad options are a failure with a diagnostic.
  // CHECK: bad options: failed
  result = mptRunMixedPrecisionPipeline(
      module, mlirStringRefCreateFromCString("precision=fp8"));
  printf("bad options: %s\n",
         mlirLogicalResultIsFailure(result) ? "failed" : "ok");
  mlirModuleDestroy(module);
  mlirContextDestroy(ctx);
}

/* The GPU pipeline runs through the C API after the mixed-precision one:
   the step becomes a host function of launches and the kernels PTX. */
static void testLowerToCUDAPipeline(void) {
  MlirContext ctx = mlirContextCreate();
  mptContextRegisterAll(ctx);
  MlirModule module = parse(ctx, kMLPStep);
  MlirLogicalResult result = mptRunMixedPrecisionPipeline(
      module, mlirStringRefCreateFromCString("precision=f16 summary=false"));
  if (mlirLogicalResultIsSuccess(result))
    result = mptRunLowerToCUDAPipeline(
        module, mlirStringRefCreateFromCString("sm=90"));
  // CHECK: lower to cuda: ok
  printf("lower to cuda: %s\n",
         mlirLogicalResultIsSuccess(result) ? "ok" : "failed");
  // CHECK-LABEL: func.func @train_step
  // CHECK-NOT: linalg.generic
  // CHECK: gpu.launch_func
  // CHECK: gpu.binary @mpt_kernels [#gpu.object<#nvvm.target<O = 3, chip = "sm_90"
  // CHECK-SAME: .visible .entry
  mlirOperationPrint(mlirModuleGetOperation(module), printToStdout, NULL);
  printf("\n");
  // CHECK: bad sm: failed
  MlirModule again = parse(ctx, kMLPStep);
  result = mptRunLowerToCUDAPipeline(again,
                                     mlirStringRefCreateFromCString("sm=x"));
  printf("bad sm: %s\n", mlirLogicalResultIsFailure(result) ? "failed" : "ok");
  mlirModuleDestroy(again);
  mlirModuleDestroy(module);
  mlirContextDestroy(ctx);
}

int main(void) {
  /* Diagnostics go to stderr: keep stdout unbuffered so the two interleave in
     order. */
  setvbuf(stdout, NULL, _IONBF, 0);
  testDialectHandle();
  testPipeline();
  testMixedPrecisionPipeline();
  testLowerToCUDAPipeline();
  return 0;
}
