//===- LowerToCPU.cpp - the mpt-lower-to-cpu pipeline ---------------------===//
//
// Tensor programs with mpt ops to the LLVM dialect, following the route that
// was tried on these machines (shared/MLIR22-NOTES.md): bufferize with
// identity layouts at function boundaries, results become out-parameters,
// temporaries are freed, linalg becomes loops, and f16/bf16 arithmetic is
// emulated in f32 with one rounding per op (as on the GPU); bf16 conversions
// are expanded to integer code because no libgcc provides __truncsfbf2.
//
//===----------------------------------------------------------------------===//

#include "mpt/Conversion/Passes.h"
#include "mpt/Pipelines/Pipelines.h"

#include "mlir/Conversion/Passes.h"
#include "mlir/Dialect/Arith/Transforms/Passes.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Bufferization/Pipelines/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Dialect/MemRef/Utils/MemRefUtils.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

namespace {
/// Gets public functions ready for the C entry points: marks them
/// `llvm.emit_c_interface`, drops the `mpt.*` argument and result attributes
/// (the signature table has been read; LLVM IR has no use for them), and
/// marks their tensor arguments read-only for bufferization: the caller's
/// buffers (parameters, state, batches) are never written in place, so a
/// step that inserts into an argument, or an eval step, cannot corrupt the
/// training state.
struct PrepareEntryPointsPass
    : public PassWrapper<PrepareEntryPointsPass, OperationPass<ModuleOp>> {
  MLIR_DEFINE_EXPLICIT_INTERNAL_INLINE_TYPE_ID(PrepareEntryPointsPass)
  PrepareEntryPointsPass(bool cInterface) : cInterface(cInterface) {}
  StringRef getArgument() const override { return "mpt-prepare-entry-points"; }
  StringRef getDescription() const override {
    return "Mark public functions llvm.emit_c_interface, drop mpt.* attributes";
  }
  void runOnOperation() override {
    auto isMPT = [](NamedAttribute attr) {
      return attr.getName().getValue().starts_with("mpt.");
    };
    for (auto func : getOperation().getOps<func::FuncOp>()) {
      for (unsigned i = 0, e = func.getNumArguments(); i < e; ++i)
        if (DictionaryAttr attrs = func.getArgAttrDict(i))
          for (NamedAttribute attr : attrs)
            if (isMPT(attr))
              func.removeArgAttr(i, attr.getName());
      for (unsigned i = 0, e = func.getNumResults(); i < e; ++i)
        if (DictionaryAttr attrs = func.getResultAttrDict(i))
          for (NamedAttribute attr : attrs)
            if (isMPT(attr))
              func.removeResultAttr(i, attr.getName());
      if (!func.isPublic() || func.isExternal())
        continue;
      for (unsigned i = 0, e = func.getNumArguments(); i < e; ++i)
        if (isa<TensorType>(func.getArgument(i).getType()))
          func.setArgAttr(
              i, bufferization::BufferizationDialect::kWritableAttrName,
              BoolAttr::get(&getContext(), false));
      if (cInterface)
        func->setAttr(LLVM::LLVMDialect::getEmitCWrapperAttrName(),
                      UnitAttr::get(&getContext()));
    }
  }
  bool cInterface;
};

/// Turns memref.copy between strided buffers into linalg.copy, which becomes
/// loops: the LLVM lowering of such a copy calls `memrefCopy` from MLIR's
/// runner-utils library, which an artifact cannot depend on. Contiguous
/// copies stay memref.copy (a memcpy).
struct StridedCopiesToLoopsPass
    : public PassWrapper<StridedCopiesToLoopsPass,
                         OperationPass<func::FuncOp>> {
  MLIR_DEFINE_EXPLICIT_INTERNAL_INLINE_TYPE_ID(StridedCopiesToLoopsPass)
  StringRef getArgument() const override {
    return "mpt-strided-copies-to-loops";
  }
  StringRef getDescription() const override {
    return "Lower strided memref.copy to linalg.copy";
  }
  void getDependentDialects(DialectRegistry &registry) const override {
    registry.insert<linalg::LinalgDialect>();
  }
  void runOnOperation() override {
    getOperation().walk([](memref::CopyOp copy) {
      auto source = cast<MemRefType>(copy.getSource().getType());
      auto target = cast<MemRefType>(copy.getTarget().getType());
      if (memref::isStaticShapeAndContiguousRowMajor(source) &&
          memref::isStaticShapeAndContiguousRowMajor(target))
        return;
      OpBuilder b(copy);
      linalg::CopyOp::create(b, copy.getLoc(), copy.getSource(),
                             copy.getTarget());
      copy.erase();
    });
  }
};
} // namespace

void mpt::buildLowerToCPUPipeline(OpPassManager &pm,
                                  const LowerToCPUOptions &options) {
  pm.addNestedPass<func::FuncOp>(createConvertMPTToLinalg());
  // Elementwise arith/math on whole tensors (written by hand or by other
  // frontends) becomes linalg.generic, which bufferizes.
  pm.addNestedPass<func::FuncOp>(createConvertElementwiseToLinalgPass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());

  // The runtime sees only the entry points' buffers.
  pm.addPass(std::make_unique<PrepareEntryPointsPass>(options.cInterface));

  bufferization::OneShotBufferizePassOptions bufferize;
  bufferize.bufferizeFunctionBoundaries = true;
  // scf.for / scf.while loops whose iteration yields a new tensor (not the
  // one it was given) get a fresh buffer per iteration instead of an error.
  bufferize.allowReturnAllocsFromLoops = true;
  bufferize.functionBoundaryTypeConversion =
      bufferization::LayoutMapOption::IdentityLayoutMap;
  pm.addPass(bufferization::createOneShotBufferizePass(bufferize));
  bufferization::BufferResultsToOutParamsPassOptions outParams;
  outParams.hoistStaticAllocs = true;
  // The caller (the runtime) owns every buffer, results included.
  outParams.modifyPublicFunctions = true;
  pm.addPass(bufferization::createBufferResultsToOutParamsPass(outParams));
  bufferization::BufferDeallocationPipelineOptions dealloc;
  bufferization::buildBufferDeallocationPipeline(pm, dealloc);

  pm.addNestedPass<func::FuncOp>(std::make_unique<StridedCopiesToLoopsPass>());
  pm.addNestedPass<func::FuncOp>(createConvertLinalgToLoopsPass());
  // Math functions on f16/bf16 compute in f32 and round once, like the
  // arithmetic below; LLVM would otherwise call conversion routines no libgcc
  // provides for bf16.
  pm.addNestedPass<func::FuncOp>(math::createMathExtendToSupportedTypes());
  arith::ArithEmulateUnsupportedFloatsOptions emulate;
  emulate.sourceTypeStrs = {"f16", "bf16"};
  emulate.targetTypeStr = "f32";
  pm.addNestedPass<func::FuncOp>(
      arith::createArithEmulateUnsupportedFloats(emulate));
  arith::ArithExpandOpsPassOptions expand;
  expand.includeBf16 = true;
  pm.addNestedPass<func::FuncOp>(arith::createArithExpandOpsPass(expand));
  pm.addPass(createSCFToControlFlowPass());
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createLowerAffinePass());
  pm.addPass(createConvertMathToLLVMPass());
  pm.addPass(createConvertMathToLibmPass());
  pm.addPass(createFinalizeMemRefToLLVMConversionPass());
  pm.addPass(createArithToLLVMConversionPass());
  pm.addPass(createConvertIndexToLLVMPass());
  pm.addPass(createConvertControlFlowToLLVMPass());
  pm.addPass(createConvertFuncToLLVMPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
}

void mpt::registerLowerToCPUPipeline() {
  PassPipelineRegistration<LowerToCPUOptions>(
      "mpt-lower-to-cpu",
      "Lower a (mixed-precision) training step with mpt ops to the LLVM "
      "dialect for the CPU",
      buildLowerToCPUPipeline);
}
