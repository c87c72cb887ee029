//===- ExpandDeviceMath.cpp - math in kernels without libdevice -----------===//
//
// convert-gpu-to-nvvm would turn math ops into calls to CUDA's libdevice,
// which the compiling machine may not have and an artifact cannot carry.
// Instead: polynomial approximations (f32, a few ulp) for the
// transcendental functions, algebraic expansions for the rest, and LLVM
// intrinsics for what PTX has as instructions (sqrt.rn, abs, cvt.rmi, fma).
//
//===----------------------------------------------------------------------===//

#include "mpt/Conversion/LinalgToGPU/LinalgToGPU.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "llvm/ADT/TypeSwitch.h"

namespace mlir::mpt {
#define GEN_PASS_DEF_EXPANDDEVICEMATH
#include "mpt/Conversion/Passes.h.inc"
} // namespace mlir::mpt

using namespace mlir;

void mpt::populateExpandDeviceMathPatterns(RewritePatternSet &patterns) {
  // f16/bf16 math computes in f32 and rounds once.
  populateMathF32ExpansionPatterns(patterns, [](StringRef) { return true; });
  populateMathPolynomialApproximationPatterns(patterns,
                                              [](StringRef) { return true; });
  // Functions without an approximation, in terms of those that have one.
  math::populateExpansionPatterns(
      patterns, {"sinh", "cosh", "asinh", "acosh", "atanh", "exp2", "powf",
                 "fpowi", "round", "roundeven", "rsqrt", "clampf"});
}

namespace {

/// The LLVM intrinsic that computes a math op that PTX has an instruction
/// for, e.g. "llvm.floor" for math.floor; empty for the others.
StringRef intrinsicFor(Operation *op) {
  return llvm::TypeSwitch<Operation *, StringRef>(op)
      .Case<math::AbsFOp>([](auto) { return "llvm.fabs"; })
      .Case<math::SqrtOp>([](auto) { return "llvm.sqrt"; })
      .Case<math::FloorOp>([](auto) { return "llvm.floor"; })
      .Case<math::CeilOp>([](auto) { return "llvm.ceil"; })
      .Case<math::TruncOp>([](auto) { return "llvm.trunc"; })
      .Case<math::RoundEvenOp>([](auto) { return "llvm.roundeven"; })
      .Case<math::FmaOp>([](auto) { return "llvm.fma"; })
      .Case<math::CopySignOp>([](auto) { return "llvm.copysign"; })
      .Case<math::CtPopOp>([](auto) { return "llvm.ctpop"; })
      .Default([](Operation *) { return StringRef(); });
}

/// A math op that PTX has as an instruction becomes a call of the generic
/// LLVM intrinsic. Not the LLVM dialect's intrinsic ops: convert-gpu-to-nvvm
/// would turn those into libdevice calls; NVPTX selects the intrinsics
/// directly (sqrt.rn, cvt.rmi, fma.rn, ...).
struct MathToIntrinsicCall : public RewritePattern {
  MathToIntrinsicCall(MLIRContext *ctx)
      : RewritePattern(MatchAnyOpTypeTag(), /*benefit=*/1, ctx) {}
  LogicalResult matchAndRewrite(Operation *op,
                                PatternRewriter &rewriter) const override {
    if (!isa<math::MathDialect>(op->getDialect()) || op->getNumResults() != 1)
      return failure();
    StringRef intrinsic = intrinsicFor(op);
    Type type = op->getResult(0).getType();
    if (intrinsic.empty() || !type.isIntOrFloat())
      return failure();
    std::string suffix;
    if (auto ft = dyn_cast<FloatType>(type))
      suffix = ".f" + std::to_string(ft.getWidth());
    else
      suffix = ".i" + std::to_string(type.getIntOrFloatBitWidth());
    auto call = LLVM::CallIntrinsicOp::create(
        rewriter, op->getLoc(), type,
        rewriter.getStringAttr(intrinsic + suffix), op->getOperands());
    rewriter.replaceOp(op, call.getResults());
    return success();
  }
};

struct ExpandDeviceMathPass
    : public mpt::impl::ExpandDeviceMathBase<ExpandDeviceMathPass> {
  using Base::Base;
  void runOnOperation() override {
    gpu::GPUModuleOp module = getOperation();
    RewritePatternSet patterns(&getContext());
    mpt::populateExpandDeviceMathPatterns(patterns);
    if (failed(applyPatternsGreedily(module, std::move(patterns))))
      return signalPassFailure();
    RewritePatternSet calls(&getContext());
    calls.add<MathToIntrinsicCall>(&getContext());
    if (failed(applyPatternsGreedily(module, std::move(calls))))
      return signalPassFailure();

    WalkResult left = module.walk([](Operation *op) {
      if (!isa<math::MathDialect>(op->getDialect()))
        return WalkResult::advance();
      op->emitError() << "'" << op->getName()
                      << "' has no GPU lowering without libdevice (no "
                         "approximation or PTX instruction for it)";
      return WalkResult::interrupt();
    });
    if (left.wasInterrupted())
      signalPassFailure();
  }
};

} // namespace
