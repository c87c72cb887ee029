//===- ContractionToMMA.cpp - entry point and mpt-contractions-to-mma -----===//
//
// lowerContractionToMMA is called for every linalg op of a host function in
// program order. A contraction is lowered with whatever it absorbs; a
// producer that the next contraction absorbs (its accumulator fill, the
// zero fill of a padding, a transpose) lowers that whole group at once, so
// that the caller never turns it into a kernel of its own first.
//
//===----------------------------------------------------------------------===//

#include "Internal.h"

#include "mpt/Conversion/ContractionToMMA/ContractionToMMA.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/PatternMatch.h"

namespace mlir::mpt {
#define GEN_PASS_DEF_CONTRACTIONSTOMMA
#include "mpt/Conversion/Passes.h.inc"
} // namespace mlir::mpt

using namespace mlir;
using namespace mlir::mpt;
using namespace mlir::mpt::mma;

MMALowering mpt::lowerContractionToMMA(RewriterBase &rewriter,
                                       linalg::LinalgOp op,
                                       gpu::GPUModuleOp kernels,
                                       const MMAOptions &options) {
  std::string reason;
  bool fatal = false;
  bool isProducer = false;
  FailureOr<GemmProblem> p =
      matchContraction(op, reason, fatal, options.lowerF32);
  if (failed(p)) {
    if (fatal) {
      op->emitError("cannot lower this tensor-core contraction: ") << reason;
      return MMALowering::Failed;
    }
    linalg::LinalgOp consumer = findAbsorbingContraction(op);
    if (!consumer)
      return MMALowering::NotApplicable;
    p = matchContraction(consumer, reason, fatal, options.lowerF32);
    if (failed(p))
      return MMALowering::NotApplicable;
    isProducer = true;
  }
  absorbNeighbours(*p);
  if (isProducer && !llvm::is_contained(p->absorbed, op.getOperation()))
    return MMALowering::NotApplicable;

  if (auto module = kernels->getParentOfType<ModuleOp>())
    if (!module->hasAttr(gpu::GPUDialect::getContainerModuleAttrName()))
      rewriter.modifyOpInPlace(module, [&] {
        module->setAttr(gpu::GPUDialect::getContainerModuleAttrName(),
                        rewriter.getUnitAttr());
      });
  LogicalResult result =
      p->elementType.isF32()
          ? emitSimtGemm(rewriter, *p, kernels, options)
          : emitTensorCoreGemm(rewriter, *p, kernels, options);
  return succeeded(result) ? MMALowering::Lowered : MMALowering::Failed;
}

//===----------------------------------------------------------------------===//
// The pass
//===----------------------------------------------------------------------===//

namespace {
/// Records the ops a lowering erases.
struct EraseTracker : public RewriterBase::Listener {
  DenseSet<Operation *> erased;
  void notifyOperationErased(Operation *op) override { erased.insert(op); }
};

struct ContractionsToMMAPass
    : public mpt::impl::ContractionsToMMABase<ContractionsToMMAPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    MMAOptions options;
    if (sm != 80 && sm != 90) {
      module.emitError("mpt-contractions-to-mma: sm must be 80 or 90, not ")
          << static_cast<int64_t>(sm);
      return signalPassFailure();
    }
    options.sm = sm;
    options.allowSplitK = allowSplitK;
    options.forcedSplitK = splitK;
    options.lowerF32 = lowerF32;
    if (!tile.empty()) {
      std::string error;
      FailureOr<MMATileConfig> t = MMATileConfig::parse(tile, error);
      if (failed(t)) {
        module.emitError("mpt-contractions-to-mma: ") << error;
        return signalPassFailure();
      }
      options.forcedTile = *t;
    }

    // Linalg ops of memref functions, in program order.
    SmallVector<Operation *> work;
    module.walk([&](func::FuncOp func) {
      func.walk([&](linalg::LinalgOp op) {
        if (op.hasPureBufferSemantics())
          work.push_back(op);
      });
    });
    if (work.empty())
      return;

    OpBuilder builder(module.getContext());
    auto kernels = dyn_cast_or_null<gpu::GPUModuleOp>(
        SymbolTable::lookupSymbolIn(module, "mpt_kernels"));
    bool created = false;
    if (!kernels) {
      builder.setInsertionPointToEnd(module.getBody());
      kernels =
          gpu::GPUModuleOp::create(builder, module.getLoc(), "mpt_kernels");
      created = true;
    }

    EraseTracker tracker;
    IRRewriter rewriter(module.getContext(), &tracker);
    bool failedAny = false;
    for (Operation *op : work) {
      if (tracker.erased.contains(op))
        continue;
      size_t before = tracker.erased.size();
      MMALowering r = lowerContractionToMMA(
          rewriter, cast<linalg::LinalgOp>(op), kernels, options);
      if (r == MMALowering::Failed)
        failedAny = true;
      if (r == MMALowering::Lowered) {
        ++numLowered;
        numAbsorbed += tracker.erased.size() - before - 1;
      }
    }
    if (created && kernels.getBody()->empty())
      kernels.erase();
    if (failedAny)
      signalPassFailure();
  }
};
} // namespace
