//===- MPTPlugin.cpp - mpt as a plugin of stock mlir-opt ------------------===//
//
//   mlir-opt-22 --load-dialect-plugin=libMPTPlugin.so \
//               --load-pass-plugin=libMPTPlugin.so \
//               --pass-pipeline='builtin.module(mpt-mixed-precision)' in.mlir
//
// Passes from a plugin are registered after the command line is parsed, so
// they are reached through --pass-pipeline (a bare --mpt-... flag is not).
//
//===----------------------------------------------------------------------===//

#include "mpt/Dialect/MPT/IR/MPTDialect.h"
#include "mpt/InitAll.h"
#include "mpt/Transforms/Passes.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/Plugins/DialectPlugin.h"
#include "mlir/Tools/Plugins/PassPlugin.h"
#include "llvm/Config/llvm-config.h"
#include "llvm/Support/Compiler.h"

using namespace mlir;

extern "C" LLVM_ATTRIBUTE_WEAK
    LLVM_ATTRIBUTE_VISIBILITY_DEFAULT DialectPluginLibraryInfo
    mlirGetDialectPluginInfo() {
  return {MLIR_PLUGIN_API_VERSION, "MPT", LLVM_VERSION_STRING,
          [](DialectRegistry *registry) {
            registry->insert<mpt::MPTDialect>();
            // mpt.all_reduce bufferizes in mpt-lower-to-cpu.
            mpt::registerBufferizableOpInterfaceExternalModels(*registry);
          }};
}

extern "C" LLVM_ATTRIBUTE_WEAK
    LLVM_ATTRIBUTE_VISIBILITY_DEFAULT PassPluginLibraryInfo
    mlirGetPassPluginInfo() {
  return {MLIR_PLUGIN_API_VERSION, "MPT", LLVM_VERSION_STRING,
          []() { mpt::registerMPTPassesAndPipelines(); }};
}
