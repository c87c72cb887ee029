//===- MLIRFuzzer.cpp - libFuzzer target: MLIR + mpt-mixed-precision ------===//
//
// MLIR text as `mpt-opt FILE --mpt-mixed-precision` takes it: parsed with
// mpt's dialects (InitAll.h), verified, then run through the
// mpt-mixed-precision pipeline (f16, dynamic loss scaling; every other
// input bf16) with the verifier after every pass. Diagnostics are
// swallowed: an input may be refused, but nothing may crash, and a
// pipeline that succeeds must leave verifier-valid IR. Coverage is
// collected from mpt's own code (libMLIR.so is Debian's, not
// instrumented). Seeds: the MLIR files of test/Transforms, test/Dialect and
// test/Pipelines and steps of the frontend (fuzz/corpus.sh).
//
//===----------------------------------------------------------------------===//

#include "mpt/InitAll.h"
#include "mpt/Pipelines/Pipelines.h"
#include "mpt/Support/ParserGuards.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/ADT/StringExtras.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

static mlir::DialectRegistry *registry;

extern "C" int LLVMFuzzerInitialize(int *, char ***) {
  mlir::mpt::registerAllPasses();
  registry = new mlir::DialectRegistry();
  mlir::mpt::registerAllDialects(*registry);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  mlir::MLIRContext context(*registry, mlir::MLIRContext::Threading::DISABLED);
  context.allowUnregisteredDialects(false);
  mlir::ScopedDiagnosticHandler quiet(
      &context, [](mlir::Diagnostic &) { return mlir::success(); });
  // MLIR's lexer relies on the NUL after its buffer (files and strings
  // have one; libFuzzer's input does not): parse a copy.
  const std::string copy(reinterpret_cast<const char *>(data), size);
  llvm::StringRef text(copy.data(), copy.size());
  // Input MLIR 22's parser crashes on: mpt-opt and mpt-compile refuse it
  // before parsing (ParserGuards.h), and so does this target.
  if (mlir::mpt::findParserCrashInput(text))
    return 0;
  mlir::OwningOpRef<mlir::ModuleOp> module =
      mlir::parseSourceString<mlir::ModuleOp>(text, &context, "fuzz.mlir");
  if (!module)
    return 0;
  if (mlir::failed(mlir::verify(*module)))
    return 0;
  mlir::PassManager pm(&context);
  pm.enableVerifier(true);
  mlir::mpt::MixedPrecisionOptions options;
  options.precision =
      size % 2 ? mlir::mpt::LowPrecision::BF16 : mlir::mpt::LowPrecision::F16;
  options.summary = false;
  mlir::mpt::buildMixedPrecisionPipeline(pm, options);
  if (mlir::succeeded(pm.run(*module)) && mlir::failed(mlir::verify(*module)))
    std::abort();
  return 0;
}
