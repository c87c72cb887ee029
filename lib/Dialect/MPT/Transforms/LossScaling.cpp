//===- LossScaling.cpp - placeholder until the pass lands ----------------------===//
//
// NOT IMPLEMENTED YET: the pass fails with a diagnostic so nobody mistakes it
// for a working rewrite.
//
//===----------------------------------------------------------------------===//

#include "mpt/Dialect/MPT/Transforms/Passes.h"

namespace mlir::mpt {
#define GEN_PASS_DEF_MPTLOSSSCALING
#include "mpt/Dialect/MPT/Transforms/Passes.h.inc"
} // namespace mlir::mpt

using namespace mlir;

namespace {
struct MPTLossScalingPass : public mpt::impl::MPTLossScalingBase<MPTLossScalingPass> {
  using Base::Base;
  void runOnOperation() override {
    getOperation()->emitError("LossScaling is not implemented yet");
    signalPassFailure();
  }
};
} // namespace
