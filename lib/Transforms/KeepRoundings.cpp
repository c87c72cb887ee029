//===- KeepRoundings.cpp - no contract flag on float conversions ----------===//
//
// mpt-keep-roundings: arith-emulate-unsupported-floats marks the extf/truncf
// around each emulated f16/bf16 op `contract`, which lets arith's folder
// turn extf(truncf(x)) into x and so drop the rounding between two chained
// ops. Clearing the flag keeps one rounding per op (Passes.td has the
// details).
//
//===----------------------------------------------------------------------===//

#include "mpt/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

namespace mlir::mpt {
#define GEN_PASS_DEF_MPTKEEPROUNDINGS
#include "mpt/Transforms/Passes.h.inc"
} // namespace mlir::mpt

using namespace mlir;

/// Clears `contract` from the fast-math flags of `op`; returns whether it
/// was set.
template <typename OpTy> static bool clearContract(OpTy op) {
  std::optional<arith::FastMathFlags> flags = op.getFastmath();
  if (!flags ||
      !arith::bitEnumContainsAll(*flags, arith::FastMathFlags::contract))
    return false;
  arith::FastMathFlags rest = *flags & ~arith::FastMathFlags::contract;
  if (rest == arith::FastMathFlags::none)
    op.removeFastmathAttr();
  else
    op.setFastmath(rest);
  return true;
}

namespace {

struct MPTKeepRoundingsPass
    : public mpt::impl::MPTKeepRoundingsBase<MPTKeepRoundingsPass> {
  using Base::Base;

  void runOnOperation() override {
    getOperation()->walk([&](Operation *op) {
      bool cleared = false;
      if (auto ext = dyn_cast<arith::ExtFOp>(op))
        cleared = clearContract(ext);
      else if (auto trunc = dyn_cast<arith::TruncFOp>(op))
        cleared = clearContract(trunc);
      if (cleared)
        ++numCleared;
    });
  }
};

} // namespace
