//===- DedupeGPUKernels.cpp - merge identical kernels ---------------------===//
//
// Repeated blocks of a network lower to identical kernels; each distinct
// kernel is kept once (compile time and PTX size) and launches point at it.
//
//===----------------------------------------------------------------------===//

#include "mpt/Conversion/LinalgToGPU/LinalgToGPU.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OperationSupport.h"
#include "mlir/IR/SymbolTable.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/Support/raw_ostream.h"

namespace mlir::mpt {
#define GEN_PASS_DEF_DEDUPEGPUKERNELS
#include "mpt/Conversion/Passes.h.inc"
} // namespace mlir::mpt

using namespace mlir;

namespace {

/// The kernel printed without its name: equal keys, identical kernels.
std::string kernelKey(gpu::GPUFuncOp kernel) {
  StringAttr name = kernel.getNameAttr();
  SymbolTable::setSymbolName(kernel, "k");
  std::string key;
  llvm::raw_string_ostream os(key);
  kernel->print(os, OpPrintingFlags().printGenericOpForm().useLocalScope());
  SymbolTable::setSymbolName(kernel, name);
  return key;
}

struct DedupeGPUKernelsPass
    : public mpt::impl::DedupeGPUKernelsBase<DedupeGPUKernelsPass> {
  using Base::Base;
  void runOnOperation() override {
    ModuleOp module = getOperation();
    for (auto kernels : module.getOps<gpu::GPUModuleOp>()) {
      llvm::StringMap<StringAttr> first;
      DenseMap<StringAttr, StringAttr> replacement;
      SmallVector<gpu::GPUFuncOp> duplicates;
      for (auto kernel : kernels.getOps<gpu::GPUFuncOp>()) {
        auto [it, inserted] =
            first.try_emplace(kernelKey(kernel), kernel.getNameAttr());
        if (inserted)
          continue;
        replacement[kernel.getNameAttr()] = it->second;
        duplicates.push_back(kernel);
      }
      if (duplicates.empty())
        continue;
      StringAttr moduleName = kernels.getSymNameAttr();
      module.walk([&](gpu::LaunchFuncOp launch) {
        if (launch.getKernelModuleName() != moduleName)
          return;
        auto it = replacement.find(launch.getKernelName());
        if (it == replacement.end())
          return;
        launch.setKernelAttr(SymbolRefAttr::get(
            moduleName, {FlatSymbolRefAttr::get(it->second)}));
      });
      for (gpu::GPUFuncOp kernel : duplicates)
        kernel.erase();
    }
  }
};

} // namespace
