//===- OutlineGPUKernels.cpp - linalg ops of host functions to kernels ----===//
//
// Runs on bufferized host functions (static memrefs). Every linalg op
// becomes kernels and launches; afterwards a host function is a straight
// line of allocations, views, constants, launches and contiguous copies,
// which the compiler turns into a launch plan without generating host code.
//
//===----------------------------------------------------------------------===//

#include "mpt/Conversion/LinalgToGPU/LinalgToGPU.h"

#include "mpt/Conversion/ContractionToMMA/ContractionToMMA.h"

#include "KernelBuilder.h"
#include "SimtKernels.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/MemRef/Utils/MemRefUtils.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Interfaces/ViewLikeInterface.h"
#include "mlir/Transforms/RegionUtils.h"

namespace mlir::mpt {
#define GEN_PASS_DEF_OUTLINEGPUKERNELS
#include "mpt/Conversion/Passes.h.inc"
} // namespace mlir::mpt

using namespace mlir;
using namespace mlir::mpt;
using namespace mlir::mpt::gpukernels;

namespace {

/// The allocation (or function argument, or global) a memref views.
Value rootBuffer(Value v) {
  while (auto view = v.getDefiningOp<ViewLikeOpInterface>())
    v = view.getViewSource();
  return v;
}

/// Whether a kernel can take `type` as a bare pointer: static shape,
/// strides and offset.
bool isStaticMemRef(Type type) {
  auto memref = dyn_cast<MemRefType>(type);
  if (!memref || !memref.hasStaticShape())
    return false;
  int64_t offset;
  SmallVector<int64_t> strides;
  if (failed(memref.getStridesAndOffset(strides, offset)))
    return false;
  return !ShapedType::isDynamic(offset) &&
         llvm::none_of(strides, ShapedType::isDynamic);
}

/// A fill of a contiguous buffer with zero bits (+0.0, 0, false): the
/// launch plan sets it with a device memset instead of a kernel.
bool isZeroFill(linalg::FillOp fill) {
  if (!fill.hasPureBufferSemantics())
    return false;
  auto type = dyn_cast<MemRefType>(fill.getOutputs()[0].getType());
  if (!type || !isStaticMemRef(type) ||
      !memref::isStaticShapeAndContiguousRowMajor(type))
    return false;
  Value value = fill.getInputs()[0];
  return matchPattern(value, m_PosZeroFloat()) || matchPattern(value, m_Zero());
}

/// Host ops that stay: the planner reads them.
bool isHostOp(Operation *op) {
  return isa<memref::AllocOp, memref::GetGlobalOp, memref::DeallocOp,
             arith::ConstantOp, func::ReturnOp, gpu::LaunchFuncOp,
             memref::SubViewOp, memref::CollapseShapeOp, memref::ExpandShapeOp,
             memref::CastOp, memref::ReinterpretCastOp, memref::TransposeOp>(
      op);
}

/// Collects erased ops so the walk skips ops a lowering absorbed.
struct ErasureListener : public RewriterBase::Listener {
  DenseSet<Operation *> erased;
  void notifyOperationErased(Operation *op) override { erased.insert(op); }
};

class FunctionOutliner {
public:
  /// `mma` is set when contractions go to the tiled kernels of
  /// ContractionToMMA (tensor cores for f16/bf16, register micro-tiles for
  /// f32); otherwise every op becomes a SIMT kernel.
  FunctionOutliner(func::FuncOp func, gpu::GPUModuleOp kernels,
                   std::optional<MMAOptions> mma)
      : func(func), kernels(kernels), mma(std::move(mma)),
        rewriter(func.getContext()) {
    rewriter.setListener(&listener);
  }

  LogicalResult run() {
    if (!llvm::hasSingleElement(func.getBody()))
      return func.emitError("the GPU lowering needs a straight-line function "
                            "body (one block); control flow is not "
                            "supported on the GPU yet");
    SmallVector<Operation *> work;
    for (Operation &op : func.getBody().front())
      work.push_back(&op);
    for (Operation *op : work) {
      if (listener.erased.contains(op))
        continue;
      if (failed(lower(op)))
        return failure();
    }
    return success();
  }

private:
  LogicalResult lower(Operation *op) {
    if (isHostOp(op))
      return checkHostOp(op);
    if (auto copy = dyn_cast<memref::CopyOp>(op))
      return lowerCopy(copy);
    if (auto fill = dyn_cast<linalg::FillOp>(op); fill && isZeroFill(fill))
      return success(); // a device memset in the launch plan
    if (auto linalgOp = dyn_cast<linalg::LinalgOp>(op))
      return lowerLinalg(linalgOp);
    return op->emitError()
           << "'" << op->getName()
           << "' cannot run on the GPU yet (the GPU lowering handles linalg "
              "ops, memref.copy, allocations and views in a step's body); "
              "compile for --target=cpu, or rewrite it as a linalg op";
  }

  LogicalResult checkHostOp(Operation *op) {
    for (Type t : op->getResultTypes())
      if (isa<MemRefType>(t) && !isStaticMemRef(t))
        return op->emitError()
               << "the GPU lowering needs static shapes, strides and "
                  "offsets; dynamic shapes are not supported on the GPU";
    return success();
  }

  LogicalResult lowerCopy(memref::CopyOp copy) {
    auto src = cast<MemRefType>(copy.getSource().getType());
    auto dst = cast<MemRefType>(copy.getTarget().getType());
    if (!isStaticMemRef(src) || !isStaticMemRef(dst))
      return copy.emitError("dynamic shapes are not supported on the GPU");
    // Contiguous copies become device-to-device copies in the plan.
    if (memref::isStaticShapeAndContiguousRowMajor(src) &&
        memref::isStaticShapeAndContiguousRowMajor(dst))
      return success();
    rewriter.setInsertionPoint(copy);
    auto linalgCopy = linalg::CopyOp::create(rewriter, copy.getLoc(),
                                             ValueRange{copy.getSource()},
                                             ValueRange{copy.getTarget()});
    rewriter.eraseOp(copy);
    return lowerLinalg(linalgCopy);
  }

  LogicalResult lowerLinalg(linalg::LinalgOp op) {
    if (!op.hasPureBufferSemantics())
      return op->emitError("linalg op on tensors in a host function: the GPU "
                           "lowering runs after bufferization");
    for (Value v : op->getOperands()) {
      if (isa<MemRefType>(v.getType()) && !isStaticMemRef(v.getType()))
        return op->emitError("dynamic shapes are not supported on the GPU");
      if (!isa<ShapedType>(v.getType()) && !matchPattern(v, m_Constant()))
        return op->emitError("takes a scalar computed on the host; kernels "
                             "can only take constants (run "
                             "mpt-prepare-gpu-tensors before bufferization)");
    }
    SetVector<Value> captured;
    getUsedValuesDefinedAbove(op->getRegion(0), captured);
    for (Value v : captured) {
      // A buffer read inside the body: a gather (tensor.extract in a
      // generic, as IREE and torch-mlir write take_along_axis / nll_loss).
      if (isa<ShapedType>(v.getType()))
        return op->emitError(
            "reads a buffer inside its body (a gather: an element picked "
            "by computed indices); the CUDA lowering passes kernels only "
            "their operands, so this graph compiles for --target=cpu only");
      if (!v.getDefiningOp() ||
          !v.getDefiningOp()->hasTrait<OpTrait::ConstantLike>())
        return op->emitError("reads a scalar computed on the host; kernels "
                             "can only capture constants (run "
                             "mpt-prepare-gpu-tensors before bufferization)");
    }
    if (mma) {
      // A contraction (or a producer a contraction absorbs: its accumulator
      // fill, a zero padding, a transpose) goes with its whole group.
      switch (lowerContractionToMMA(rewriter, op, kernels, *mma)) {
      case MMALowering::Lowered:
        return success();
      case MMALowering::Failed:
        return failure();
      case MMALowering::NotApplicable:
        break;
      }
    }
    separateAliasedInputs(op);
    rewriter.setInsertionPoint(op);
    linalg::GenericOp generic = dyn_cast<linalg::GenericOp>(op.getOperation());
    if (!generic) {
      FailureOr<linalg::GenericOp> g = linalg::generalizeNamedOp(rewriter, op);
      if (failed(g))
        return op->emitError("cannot be expressed as a linalg.generic for "
                             "the GPU lowering");
      generic = *g;
    }
    return lowerToSimtKernel(rewriter, generic, kernels);
  }

  /// An input that shares its allocation with an output but is not read at
  /// exactly the place the output is written would race with the writes of
  /// other threads: it is read from a copy.
  void separateAliasedInputs(linalg::LinalgOp op) {
    for (OpOperand *in : op.getDpsInputOperands()) {
      if (!isa<MemRefType>(in->get().getType()))
        continue;
      Value root = rootBuffer(in->get());
      for (OpOperand &out : op.getDpsInitsMutable()) {
        if (rootBuffer(out.get()) != root)
          continue;
        if (out.get() == in->get() &&
            op.getMatchingIndexingMap(&out) == op.getMatchingIndexingMap(in))
          continue;
        auto type = cast<MemRefType>(in->get().getType());
        rewriter.setInsertionPoint(op);
        Value copy = memref::AllocOp::create(
            rewriter, op.getLoc(),
            MemRefType::get(type.getShape(), type.getElementType()));
        auto fill = linalg::CopyOp::create(
            rewriter, op.getLoc(), ValueRange{in->get()}, ValueRange{copy});
        rewriter.modifyOpInPlace(op, [&] { in->set(copy); });
        FailureOr<linalg::GenericOp> g =
            linalg::generalizeNamedOp(rewriter, fill);
        if (succeeded(g))
          (void)lowerToSimtKernel(rewriter, *g, kernels);
        break;
      }
    }
  }

  func::FuncOp func;
  gpu::GPUModuleOp kernels;
  std::optional<MMAOptions> mma;
  ErasureListener listener;
  IRRewriter rewriter;
};

struct OutlineGPUKernelsPass
    : public mpt::impl::OutlineGPUKernelsBase<OutlineGPUKernelsPass> {
  using Base::Base;
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<func::FuncOp> funcs;
    for (auto func : module.getOps<func::FuncOp>())
      if (!func.isExternal())
        funcs.push_back(func);
    if (funcs.empty())
      return;
    if (sm != 80 && sm != 90) {
      module.emitError("mpt-outline-gpu-kernels: sm must be 80 or 90, not ")
          << static_cast<int64_t>(sm);
      return signalPassFailure();
    }
    std::optional<MMAOptions> mma;
    if (tensorCores) {
      mma.emplace();
      mma->sm = sm;
    }
    gpu::GPUModuleOp kernels = getOrCreateKernelModule(module);
    for (func::FuncOp func : funcs)
      if (failed(FunctionOutliner(func, kernels, mma).run()))
        return signalPassFailure();
  }
};

} // namespace
