//===- NoAliasArguments.cpp - LLVM noalias on outlined ops' pointers ------===//
//
// mpt-noalias-arguments: the pointer arguments of LLVM functions marked
// `mpt.noalias` (by mpt-outline-linalg-ops) get LLVM's `noalias`, so the
// loop vectorizer needs no runtime overlap checks.
//
//===----------------------------------------------------------------------===//

#include "mpt/Transforms/Passes.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"

namespace mlir::mpt {
#define GEN_PASS_DEF_MPTNOALIASARGUMENTS
#include "mpt/Transforms/Passes.h.inc"
} // namespace mlir::mpt

using namespace mlir;

namespace {

struct MPTNoAliasArgumentsPass
    : public mpt::impl::MPTNoAliasArgumentsBase<MPTNoAliasArgumentsPass> {
  using Base::Base;

  void runOnOperation() override {
    MLIRContext *context = &getContext();
    StringAttr marker = StringAttr::get(context, "mpt.noalias");
    getOperation().walk([&](LLVM::LLVMFuncOp func) {
      if (!func->removeAttr(marker))
        return;
      for (unsigned i = 0, e = func.getNumArguments(); i < e; ++i)
        if (isa<LLVM::LLVMPointerType>(func.getArgument(i).getType()))
          func.setArgAttr(i, LLVM::LLVMDialect::getNoAliasAttrName(),
                          UnitAttr::get(context));
    });
  }
};

} // namespace
