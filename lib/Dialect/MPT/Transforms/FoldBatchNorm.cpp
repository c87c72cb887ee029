//===- FoldBatchNorm.cpp - per-channel affine chains into the conv --------===//
//
// mpt-fold-batchnorm: a convolution from a zero accumulator whose result
// flows only through elementwise generics computing `x * a[c] + b[c]`
// becomes a convolution with weights `w * a[c]` and a bias add of `b[c]`
// (inference BatchNorm folded, as PyTorch's fuse_conv_bn_eval does it);
// Passes.td has the contract.
//
// The body of each elementwise stage is read symbolically: a value is either
// per-channel (it depends only on per-channel operands and loop-invariant
// values) or affine in the running value, `a * x + b` with per-channel `a`
// and `b`. The same walk first checks a stage and then, with a builder,
// emits the stage's per-channel arithmetic into one 1-D generic that
// computes `a` and `b` for every channel.
//
//===----------------------------------------------------------------------===//

#include "mpt/Dialect/MPT/Transforms/PassReport.h"
#include "mpt/Dialect/MPT/Transforms/Passes.h"

#include "LinalgMatchers.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"

namespace mlir::mpt {
#define GEN_PASS_DEF_MPTFOLDBATCHNORM
#include "mpt/Dialect/MPT/Transforms/Passes.h.inc"
} // namespace mlir::mpt

using namespace mlir;
using namespace mlir::mpt;

namespace {

constexpr llvm::StringLiteral kPassName = "mpt-fold-batchnorm";

/// The output-channel dimension of a convolution's result and of its filter.
struct ConvLayout {
  int64_t resultDim;
  int64_t filterDim;
};

std::optional<ConvLayout> getConvLayout(Operation *op) {
  if (isa<linalg::Conv2DNhwcHwcfOp>(op))
    return ConvLayout{3, 3};
  if (isa<linalg::Conv2DNchwFchwOp>(op))
    return ConvLayout{1, 0};
  return std::nullopt;
}

/// The 1-D tensor of `channels` values that `v` (a full-shape operand read
/// with the identity map) broadcasts along `dim`; null otherwise.
Value broadcastSource(Value v, int64_t dim, int64_t channels) {
  std::optional<mpt::detail::BroadcastVector> b =
      mpt::detail::matchBroadcastVector(v);
  if (!b || b->dim != dim ||
      cast<RankedTensorType>(b->vector.getType()).getDimSize(0) != channels)
    return {};
  return b->vector;
}

/// A per-channel input of a stage: the value the coefficient generic reads
/// (a 1-D tensor of the channels, or a 0-D tensor or scalar, the same for
/// every channel) and the block argument it stands for in the stage.
struct ChannelInput {
  Value source;
  bool perChannel; // 1-D: read along the channel; otherwise the same
  BlockArgument arg;
  Operation *broadcast = nullptr; // what broadcast `source`, if anything
};

/// One elementwise stage of the chain.
struct Stage {
  linalg::GenericOp op;
  BlockArgument x; // the running value inside the body
  SmallVector<ChannelInput> inputs;
};

/// `a * x + b`; a null `a` is 1 and a null `b` is 0, so the arithmetic
/// emitted for a stage is that of its body and nothing more. `scaled` and
/// `shifted` say whether `a` and `b` are set; they are tracked without a
/// builder too, so a check knows what a stage's result does (arithmetic
/// the yield does not read counts for nothing).
struct Affine {
  Value a, b;
  bool scaled = false;
  bool shifted = false;
};

/// Walks the body of `stage` from the running value `acc` and leaves the
/// yielded value's coefficients in `acc`. Without a builder it only checks
/// that the yielded value is affine in `x` (the flags of `acc` then say
/// what the stage does); with one it emits the per-channel arithmetic, its
/// per-channel block arguments mapped through `map`.
LogicalResult walkStage(const Stage &stage, OpBuilder *b, IRMapping &map,
                        Affine &acc) {
  linalg::GenericOp g = stage.op;
  Block &body = *g.getBody();
  Region *region = &g.getRegion();
  llvm::DenseSet<Value> channel;
  for (const ChannelInput &in : stage.inputs)
    channel.insert(in.arg);
  llvm::DenseMap<Value, Affine> affine;
  affine[stage.x] = acc;

  auto isChannel = [&](Value v) {
    return channel.contains(v) || v.getParentRegion() != region;
  };
  Location loc = g.getLoc();
  Type type = stage.x.getType();
  auto get = [&](Value v) { return map.lookupOrDefault(v); };
  auto constant = [&](double v) -> Value {
    return arith::ConstantOp::create(*b, loc, b->getFloatAttr(type, v));
  };
  // a op p, with a null `a` standing for `identity`.
  auto mul = [&](Value a, Value p) -> Value {
    if (!b)
      return {};
    return a ? arith::MulFOp::create(*b, loc, a, p).getResult() : p;
  };
  auto neg = [&](Value a) -> Value {
    if (!b)
      return {};
    return a ? arith::NegFOp::create(*b, loc, a).getResult() : constant(-1.0);
  };

  for (Operation &op : body.without_terminator()) {
    // Per-channel: pure, reading only per-channel values (an op without
    // operands only if it is a constant: linalg.index is not per-channel).
    if (op.getNumRegions() == 0 && isPure(&op) &&
        (op.getNumOperands() > 0 || op.hasTrait<OpTrait::ConstantLike>()) &&
        llvm::all_of(op.getOperands(), isChannel)) {
      for (Value r : op.getResults())
        channel.insert(r);
      if (b)
        b->clone(op, map);
      continue;
    }
    if (op.getNumResults() != 1 || op.getResult(0).getType() != type)
      return failure();
    // Exactly one operand is affine, the others per-channel.
    auto affineOperand = [&]() -> std::optional<unsigned> {
      std::optional<unsigned> found;
      for (auto [i, v] : llvm::enumerate(op.getOperands())) {
        if (affine.count(v)) {
          if (found)
            return std::nullopt;
          found = i;
        } else if (!isChannel(v)) {
          return std::nullopt;
        }
      }
      return found;
    }();
    if (!affineOperand)
      return failure();
    Affine x = affine.lookup(op.getOperand(*affineOperand));
    Value p = op.getNumOperands() == 2 ? get(op.getOperand(1 - *affineOperand))
                                       : Value();
    bool xFirst = *affineOperand == 0;
    Affine y;
    if (isa<arith::AddFOp>(op)) {
      Value nb = !b    ? Value()
                 : x.b ? arith::AddFOp::create(*b, loc, x.b, p).getResult()
                       : p;
      y = {x.a, nb, x.scaled, true};
    } else if (isa<arith::SubFOp>(op) && xFirst) {
      Value nb = !b    ? Value()
                 : x.b ? arith::SubFOp::create(*b, loc, x.b, p).getResult()
                       : arith::NegFOp::create(*b, loc, p).getResult();
      y = {x.a, nb, x.scaled, true};
    } else if (isa<arith::SubFOp>(op)) {
      Value nb = !b    ? Value()
                 : x.b ? arith::SubFOp::create(*b, loc, p, x.b).getResult()
                       : p;
      y = {neg(x.a), nb, true, true};
    } else if (isa<arith::MulFOp>(op)) {
      y = {mul(x.a, p), x.b ? mul(x.b, p) : Value(), true, x.shifted};
    } else if (isa<arith::DivFOp>(op) && xFirst) {
      Value a =
          !b    ? Value()
          : x.a ? arith::DivFOp::create(*b, loc, x.a, p).getResult()
                : arith::DivFOp::create(*b, loc, constant(1.0), p).getResult();
      Value nb = b && x.b ? arith::DivFOp::create(*b, loc, x.b, p).getResult()
                          : Value();
      y = {a, nb, true, x.shifted};
    } else if (isa<arith::NegFOp>(op)) {
      y = {neg(x.a), x.b ? neg(x.b) : Value(), true, x.shifted};
    } else {
      return failure();
    }
    affine[op.getResult(0)] = y;
  }
  auto yield = cast<linalg::YieldOp>(body.getTerminator());
  auto it = affine.find(yield.getValues()[0]);
  if (it == affine.end())
    return failure();
  acc = it->second;
  return success();
}

/// The stage `user` makes of the running value `cur`, if it is an
/// elementwise generic whose per-channel inputs this pass can read.
std::optional<Stage> getStage(Operation *user, Value cur, ConvLayout layout) {
  auto g = dyn_cast<linalg::GenericOp>(user);
  auto type = cast<RankedTensorType>(cur.getType());
  if (!g || !g.hasPureTensorSemantics() || g.getNumResults() != 1 ||
      g.getNumDpsInits() != 1 || g.getNumLoops() != g.getNumParallelLoops() ||
      g.getResult(0).getType() != type ||
      !g.getMatchingIndexingMap(g.getDpsInitOperand(0)).isIdentity() ||
      !g.getMatchingBlockArgument(g.getDpsInitOperand(0)).use_empty())
    return std::nullopt;
  Stage stage{g, {}, {}};
  int64_t channels = type.getDimSize(layout.resultDim);
  for (OpOperand *in : g.getDpsInputOperands()) {
    AffineMap map = g.getMatchingIndexingMap(in);
    BlockArgument arg = g.getMatchingBlockArgument(in);
    Value v = in->get();
    if (v == cur) {
      if (stage.x || !map.isIdentity())
        return std::nullopt;
      stage.x = arg;
    } else if (map.getNumResults() == 0) {
      stage.inputs.push_back({v, false, arg});
    } else if (map.getNumResults() == 1 &&
               map.getResult(0) ==
                   getAffineDimExpr(layout.resultDim, g.getContext()) &&
               cast<ShapedType>(v.getType()).getDimSize(0) == channels) {
      stage.inputs.push_back({v, true, arg});
    } else if (Value s = map.isIdentity()
                             ? broadcastSource(v, layout.resultDim, channels)
                             : Value()) {
      stage.inputs.push_back({s, true, arg, v.getDefiningOp()});
    } else {
      return std::nullopt;
    }
  }
  if (!stage.x)
    return std::nullopt;
  return stage;
}

/// `x + b[c]` along dimension `dim` of `x`, into `init`.
Value addBias(OpBuilder &b, Location loc, Value x, Value bias, Value init,
              int64_t dim) {
  auto type = cast<RankedTensorType>(x.getType());
  int64_t rank = type.getRank();
  MLIRContext *ctx = b.getContext();
  AffineMap identity = AffineMap::getMultiDimIdentityMap(rank, ctx);
  return linalg::GenericOp::create(
             b, loc, type, ValueRange{x, bias}, ValueRange{init},
             ArrayRef<AffineMap>{
                 identity, AffineMap::get(rank, 0, getAffineDimExpr(dim, ctx)),
                 identity},
             SmallVector<utils::IteratorType>(rank,
                                              utils::IteratorType::parallel),
             [](OpBuilder &nb, Location l, ValueRange args) {
               linalg::YieldOp::create(
                   nb, l,
                   arith::AddFOp::create(nb, l, args[0], args[1]).getResult());
             })
      .getResult(0);
}

/// Folds the chain after `conv`, if there is one to fold.
bool foldChain(linalg::LinalgOp conv, StringAttr function,
               IRRewriter &rewriter) {
  std::optional<ConvLayout> layout = getConvLayout(conv);
  if (!layout || !conv.hasPureTensorSemantics() ||
      !mpt::detail::isPosZeroInit(conv.getDpsInits()[0]))
    return false;
  Value filter = conv.getDpsInputs()[1];
  Value cur = conv->getResult(0);
  auto type = dyn_cast<RankedTensorType>(cur.getType());
  if (!type || !isa<FloatType>(type.getElementType()) ||
      cast<ShapedType>(filter.getType()).getElementType() !=
          type.getElementType() ||
      type.isDynamicDim(layout->resultDim))
    return false;

  SmallVector<Stage> stages;
  bool scales = false, shifts = false;
  while (cur.hasOneUse()) {
    Operation *user = *cur.getUsers().begin();
    if (user->getBlock() != conv->getBlock())
      break;
    std::optional<Stage> stage = getStage(user, cur, *layout);
    IRMapping unused;
    Affine acc;
    if (!stage || failed(walkStage(*stage, nullptr, unused, acc)))
      break;
    // What the stage's result does; a stage that does not fold counts for
    // nothing.
    scales |= acc.scaled;
    shifts |= acc.shifted;
    stages.push_back(*stage);
    cur = stage->op.getResult(0);
  }
  // Bias adds alone are mpt-fuse-conv-bias-relu's; nothing to fold.
  if (stages.empty() || !scales)
    return false;

  Location loc = stages.back().op.getLoc();
  MLIRContext *ctx = rewriter.getContext();
  Type elementType = type.getElementType();
  int64_t channels = type.getDimSize(layout->resultDim);
  rewriter.setInsertionPointAfter(stages.back().op);

  // a[c] and b[c], from every stage's per-channel operands.
  SmallVector<Value> sources;
  SmallVector<AffineMap> maps;
  AffineMap perChannel = AffineMap::getMultiDimIdentityMap(1, ctx);
  AffineMap same = AffineMap::get(1, 0, ctx);
  for (const Stage &stage : stages)
    for (const ChannelInput &in : stage.inputs) {
      sources.push_back(in.source);
      maps.push_back(in.perChannel ? perChannel : same);
    }
  auto coeffType = RankedTensorType::get({channels}, elementType);
  Value empty =
      tensor::EmptyOp::create(rewriter, loc, coeffType.getShape(), elementType);
  // a, then b unless the chain only scales.
  SmallVector<Type> coeffTypes(shifts ? 2 : 1, coeffType);
  SmallVector<Value> coeffInits(coeffTypes.size(), empty);
  maps.append(coeffTypes.size(), perChannel);
  auto coeffs = linalg::GenericOp::create(
      rewriter, loc, coeffTypes, sources, coeffInits, maps,
      SmallVector<utils::IteratorType>{utils::IteratorType::parallel},
      [&](OpBuilder &b, Location l, ValueRange args) {
        Affine acc;
        unsigned next = 0;
        for (const Stage &stage : stages) {
          IRMapping map;
          for (const ChannelInput &in : stage.inputs)
            map.map(in.arg, args[next++]);
          (void)walkStage(stage, &b, map, acc);
        }
        // The flags the check found are those of the emitted values: `a`
        // is set (the chain scales), `b` exactly when it shifts.
        auto value = [&](Value v, double identity) -> Value {
          return v ? v
                   : arith::ConstantOp::create(
                         b, l, b.getFloatAttr(elementType, identity));
        };
        SmallVector<Value> yielded{value(acc.a, 1.0)};
        if (shifts)
          yielded.push_back(value(acc.b, 0.0));
        linalg::YieldOp::create(b, l, yielded);
      });

  // w * a[c], on the filter's output-channel dimension.
  auto filterType = cast<RankedTensorType>(filter.getType());
  int64_t filterRank = filterType.getRank();
  Value filterEmpty = tensor::EmptyOp::create(
      rewriter, loc, tensor::getMixedSizes(rewriter, loc, filter), elementType);
  AffineMap filterIdentity = AffineMap::getMultiDimIdentityMap(filterRank, ctx);
  auto scaled = linalg::GenericOp::create(
      rewriter, loc, filterType, ValueRange{filter, coeffs.getResult(0)},
      ValueRange{filterEmpty},
      ArrayRef<AffineMap>{
          filterIdentity,
          AffineMap::get(filterRank, 0,
                         getAffineDimExpr(layout->filterDim, ctx)),
          filterIdentity},
      SmallVector<utils::IteratorType>(filterRank,
                                       utils::IteratorType::parallel),
      [](OpBuilder &b, Location l, ValueRange args) {
        linalg::YieldOp::create(
            b, l, arith::MulFOp::create(b, l, args[0], args[1]).getResult());
      });

  // The convolution with the scaled filter, then + b[c].
  Operation *folded = rewriter.clone(*conv);
  folded->setOperand(conv.getDpsInputOperand(1)->getOperandNumber(),
                     scaled.getResult(0));
  Value result = folded->getResult(0);
  if (shifts)
    result = addBias(rewriter, loc, result, coeffs.getResult(1),
                     stages.back().op.getDpsInits()[0], layout->resultDim);
  RemarkBuilder(nullptr, kPassName, remark::RemarkKind::RemarkPassed, "folded",
                conv->getLoc())
      .function(function)
      .arg("op", conv->getName().getStringRef())
      .arg("stages", static_cast<int64_t>(stages.size()));

  // The per-channel operands' broadcasts that only the chain read.
  SmallVector<Operation *> broadcasts;
  for (const Stage &stage : stages)
    for (const ChannelInput &in : stage.inputs)
      if (in.broadcast && !llvm::is_contained(broadcasts, in.broadcast))
        broadcasts.push_back(in.broadcast);

  rewriter.replaceOp(stages.back().op, result);
  for (auto it = stages.rbegin() + 1; it != stages.rend(); ++it)
    rewriter.eraseOp(it->op);
  rewriter.eraseOp(conv);
  for (Operation *def : broadcasts)
    if (isOpTriviallyDead(def))
      rewriter.eraseOp(def);
  return true;
}

struct MPTFoldBatchNormPass
    : public mpt::impl::MPTFoldBatchNormBase<MPTFoldBatchNormPass> {
  using Base::Base;

  void runOnOperation() override {
    SmallVector<linalg::LinalgOp> convs;
    getOperation().walk([&](linalg::LinalgOp op) {
      if (getConvLayout(op))
        convs.push_back(op);
    });
    IRRewriter rewriter(&getContext());
    for (linalg::LinalgOp conv : convs)
      numFolded += foldChain(conv, getOperation().getSymNameAttr(), rewriter);
  }
};

} // namespace
