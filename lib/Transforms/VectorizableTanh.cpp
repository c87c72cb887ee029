//===- VectorizableTanh.cpp - f32 tanh as vectorizable f64 arithmetic -----===//
//
// mpt-vectorizable-tanh: scalar f32 math.tanh becomes arithmetic in f64,
// rounded once to f32, instead of a tanhf call per element that LLVM cannot
// vectorize (Passes.td has the method and its accuracy).
//
//===----------------------------------------------------------------------===//

#include "mpt/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/IR/ImplicitLocOpBuilder.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/WalkPatternRewriteDriver.h"

namespace mlir::mpt {
#define GEN_PASS_DEF_MPTVECTORIZABLETANH
#include "mpt/Transforms/Passes.h.inc"
} // namespace mlir::mpt

using namespace mlir;

namespace {

/// Below this |x| the odd Taylor polynomial is used, above it exp.
constexpr double kSmall = 0.03125;
/// tanh(x) rounds to 1.0 in f32 for |x| >= 9.011; clamping there keeps
/// exp(2|x|) finite.
constexpr double kClamp = 9.1;
/// exp(2a) = exp(2a / 64)^64: the argument of the polynomial is at most
/// 0.285, where degree 11 is exact to 6e-16.
constexpr int kSquarings = 6;
constexpr int kExpDegree = 11;

struct TanhToF64Arithmetic : public OpRewritePattern<math::TanhOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(math::TanhOp op,
                                PatternRewriter &rewriter) const override {
    if (!op.getType().isF32())
      return rewriter.notifyMatchFailure(op, "not a scalar f32 tanh");
    ImplicitLocOpBuilder b(op.getLoc(), rewriter);
    Type f64 = b.getF64Type();
    auto cst = [&](double v) -> Value {
      return arith::ConstantOp::create(b, b.getF64FloatAttr(v));
    };
    auto mul = [&](Value x, Value y) -> Value {
      return arith::MulFOp::create(b, x, y);
    };
    auto add = [&](Value x, Value y) -> Value {
      return arith::AddFOp::create(b, x, y);
    };

    Value x = op.getOperand();
    Value ax = math::AbsFOp::create(b, arith::ExtFOp::create(b, f64, x));
    // minimumf propagates NaN: a NaN input stays NaN through both branches.
    Value a = arith::MinimumFOp::create(b, ax, cst(kClamp));

    // tanh(a) = a - a^3/3 + 2a^5/15 - 17a^7/315 + 62a^9/2835 + ...
    Value s = mul(a, a);
    Value poly = cst(62.0 / 2835.0);
    for (double c : {-17.0 / 315.0, 2.0 / 15.0, -1.0 / 3.0})
      poly = add(mul(poly, s), cst(c));
    Value small = add(a, mul(mul(a, s), poly));

    // E = exp(2a): sum_k y^k / k! for y = 2a / 64, then squared 6 times.
    Value y = mul(a, cst(2.0 / (1 << kSquarings)));
    Value e = cst(1.0);
    for (int k = kExpDegree; k >= 1; --k)
      e = add(mul(mul(e, y), cst(1.0 / k)), cst(1.0));
    for (int i = 0; i < kSquarings; ++i)
      e = mul(e, e);
    Value large = arith::DivFOp::create(
        b, arith::SubFOp::create(b, e, cst(1.0)), add(e, cst(1.0)));

    Value isSmall =
        arith::CmpFOp::create(b, arith::CmpFPredicate::OLT, ax, cst(kSmall));
    Value magnitude = arith::SelectOp::create(b, isSmall, small, large);
    Value rounded = arith::TruncFOp::create(b, op.getType(), magnitude);
    rewriter.replaceOpWithNewOp<math::CopySignOp>(op, rounded, x);
    return success();
  }
};

struct MPTVectorizableTanhPass
    : public mpt::impl::MPTVectorizableTanhBase<MPTVectorizableTanhPass> {
  using Base::Base;

  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<TanhToF64Arithmetic>(&getContext());
    walkAndApplyPatterns(getOperation(), std::move(patterns));
  }
};

} // namespace
