//===- Autocast.cpp - placeholder until the pass lands ----------------------===//
//
// NOT IMPLEMENTED YET: the pass fails with a diagnostic so nobody mistakes it
// for a working rewrite.
//
//===----------------------------------------------------------------------===//

#include "mpt/Dialect/MPT/Transforms/Passes.h"
#include "mlir/IR/PatternMatch.h"

namespace mlir::mpt {
#define GEN_PASS_DEF_MPTAUTOCAST
#include "mpt/Dialect/MPT/Transforms/Passes.h.inc"
} // namespace mlir::mpt

using namespace mlir;

namespace {
struct MPTAutocastPass : public mpt::impl::MPTAutocastBase<MPTAutocastPass> {
  using Base::Base;
  void runOnOperation() override {
    getOperation()->emitError("Autocast is not implemented yet");
    signalPassFailure();
  }
};
} // namespace
