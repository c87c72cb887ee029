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
    "func.func @train_step(%w: tensor<4xf32> {mpt.role = \"param\", "
    "mpt.name = \"w\", mpt.init = {dist = \"zeros\"}}, "
    "%x: tensor<4xf32> {mpt.role = \"input\", mpt.name = \"x\"}) "
    "-> (tensor<4xf32> {mpt.role = \"param\", mpt.updates = \"w\"}) {\n"
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

int main(void) {
  /* Diagnostics go to stderr: keep stdout unbuffered so the two interleave in
     order. */
  setvbuf(stdout, NULL, _IONBF, 0);
  testDialectHandle();
  testPipeline();
  return 0;
}
