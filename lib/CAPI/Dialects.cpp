//===- Dialects.cpp - C API of the mpt dialect and passes -----------------===//

#include "mpt-c/Dialects.h"

#include "mpt/Dialect/MPT/IR/MPTDialect.h"
#include "mpt/InitAll.h"

#include "mlir/CAPI/IR.h"
#include "mlir/CAPI/Registration.h"
#include "mlir/CAPI/Support.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"

#include <mutex>

using namespace mlir;

MLIR_DEFINE_CAPI_DIALECT_REGISTRATION(MPT, mpt, mlir::mpt::MPTDialect)

void mptRegisterAllDialects(MlirDialectRegistry registry) {
  mpt::registerAllDialects(*unwrap(registry));
}

void mptContextRegisterAll(MlirContext context) {
  DialectRegistry registry;
  mpt::registerAllDialects(registry);
  MLIRContext *ctx = unwrap(context);
  ctx->appendDialectRegistry(registry);
  ctx->getOrLoadDialect<mpt::MPTDialect>();
}

void mptRegisterAllPasses(void) {
  static std::once_flag once;
  std::call_once(once, [] { mpt::registerAllPasses(); });
}

MlirLogicalResult mptRunPassPipeline(MlirModule module,
                                     MlirStringRef pipeline) {
  mptRegisterAllPasses();
  ModuleOp op = unwrap(module);
  std::string errors;
  llvm::raw_string_ostream errorStream(errors);
  FailureOr<OpPassManager> parsed =
      parsePassPipeline(unwrap(pipeline), errorStream);
  if (failed(parsed)) {
    emitError(op.getLoc()) << "invalid pass pipeline: " << errors;
    return mlirLogicalResultFailure();
  }
  if (parsed->getOpAnchorName() != op->getName().getStringRef()) {
    emitError(op.getLoc()) << "pass pipeline anchored on '"
                           << parsed->getOpAnchorName()
                           << "' cannot run on a builtin.module; write "
                              "builtin.module(...)";
    return mlirLogicalResultFailure();
  }
  PassManager pm(op->getContext());
  static_cast<OpPassManager &>(pm) = *parsed;
  return wrap(pm.run(op));
}

/// Runs the registered pipeline `name` with textual `options`.
static MlirLogicalResult runNamedPipeline(MlirModule module, StringRef name,
                                          MlirStringRef options) {
  std::string pipeline =
      ("builtin.module(" + name + "{" + unwrap(options) + "})").str();
  return mptRunPassPipeline(
      module, mlirStringRefCreate(pipeline.data(), pipeline.size()));
}

MlirLogicalResult mptRunMixedPrecisionPipeline(MlirModule module,
                                               MlirStringRef options) {
  return runNamedPipeline(module, "mpt-mixed-precision", options);
}

MlirLogicalResult mptRunLowerToCUDAPipeline(MlirModule module,
                                            MlirStringRef options) {
  return runNamedPipeline(module, "mpt-lower-to-cuda", options);
}
