//===- FuseConvBiasRelu.cpp - placeholder until the pass lands ----------------------===//
//
// NOT IMPLEMENTED YET: the pass fails with a diagnostic so nobody mistakes it
// for a working rewrite.
//
//===----------------------------------------------------------------------===//

#include "mpt/Dialect/MPT/Transforms/Passes.h"
#include "mlir/IR/PatternMatch.h"

namespace mlir::mpt {
#define GEN_PASS_DEF_MPTFUSECONVBIASRELU
#include "mpt/Dialect/MPT/Transforms/Passes.h.inc"
} // namespace mlir::mpt

using namespace mlir;

namespace {
struct MPTFuseConvBiasReluPass : public mpt::impl::MPTFuseConvBiasReluBase<MPTFuseConvBiasReluPass> {
  using Base::Base;
  void runOnOperation() override {
    getOperation()->emitError("FuseConvBiasRelu is not implemented yet");
    signalPassFailure();
  }
};
} // namespace
void mlir::mpt::populateFuseConvBiasReluPatterns(RewritePatternSet &) {}
