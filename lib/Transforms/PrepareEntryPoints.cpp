//===- PrepareEntryPoints.cpp - public functions as native entry points ---===//
//
// mpt-prepare-entry-points: drops the `mpt.*` signature attributes, makes the
// caller's buffers read-only for bufferization and asks the LLVM lowering for
// C interface wrappers.
//
//===----------------------------------------------------------------------===//

#include "mpt/Transforms/Passes.h"

namespace mlir::mpt {
#define GEN_PASS_DEF_MPTPREPAREENTRYPOINTS
#include "mpt/Transforms/Passes.h.inc"
} // namespace mlir::mpt

using namespace mlir;

namespace {

/// True for the discardable attributes of the mpt dialect (`mpt.role`, ...).
bool isMPTAttr(NamedAttribute attr) {
  return attr.getName().getValue().starts_with("mpt.");
}

/// Removes every `mpt.*` attribute of the arguments and results of `func`.
void dropSignatureAttrs(func::FuncOp func) {
  for (unsigned i = 0, e = func.getNumArguments(); i < e; ++i)
    if (DictionaryAttr attrs = func.getArgAttrDict(i))
      for (NamedAttribute attr : attrs)
        if (isMPTAttr(attr))
          func.removeArgAttr(i, attr.getName());
  for (unsigned i = 0, e = func.getNumResults(); i < e; ++i)
    if (DictionaryAttr attrs = func.getResultAttrDict(i))
      for (NamedAttribute attr : attrs)
        if (isMPTAttr(attr))
          func.removeResultAttr(i, attr.getName());
}

struct MPTPrepareEntryPointsPass
    : public mpt::impl::MPTPrepareEntryPointsBase<MPTPrepareEntryPointsPass> {
  using Base::Base;

  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    for (auto func : getOperation().getOps<func::FuncOp>()) {
      dropSignatureAttrs(func);
      if (!func.isPublic() || func.isExternal())
        continue;
      for (unsigned i = 0, e = func.getNumArguments(); i < e; ++i)
        if (isa<TensorType>(func.getArgument(i).getType()))
          func.setArgAttr(
              i, bufferization::BufferizationDialect::kWritableAttrName,
              BoolAttr::get(ctx, false));
      if (cInterface)
        func->setAttr(LLVM::LLVMDialect::getEmitCWrapperAttrName(),
                      UnitAttr::get(ctx));
    }
  }
};

} // namespace
