//===- FuseConvBiasRelu.cpp - conv/matmul + bias + ReLU fusion ------------===//
//
// Rewrites a contraction that starts from a zero accumulator
// (`linalg.conv_2d_nhwc_hwcf`, `linalg.conv_2d_nchw_fchw`, `linalg.matmul`)
// followed by a per-channel bias add and/or a ReLU (and at most one cast to
// f16/bf16) into `mpt.fused_conv2d` / `mpt.fused_matmul`.
//
// The epilogue is matched as a chain of "stages": ops that each read the
// running value and produce the next one. A stage is a `linalg.generic` whose
// body is a sequence of bias add / ReLU / truncation steps, or one tensor-level
// op (`arith.addf` with a broadcast bias, `arith.maximumf` / `maxnumf` with a
// zero tensor, `arith.select` of `arith.cmpf` against zero, `mpt.cast`,
// `arith.truncf`). Values in the middle of the chain that other ops still read
// are kept observable: the pre-activation becomes the fused op's `aux` result
// (the i1 ReLU mask when every extra reader only computes `pre > 0`), a value
// read after the last bias/ReLU step ends the chain there, and a pre-bias
// value read elsewhere declines the fusion.
//
//===----------------------------------------------------------------------===//

#include "mpt/Dialect/MPT/IR/MPTOps.h"
#include "mpt/Dialect/MPT/Transforms/PassReport.h"
#include "mpt/Dialect/MPT/Transforms/Passes.h"

#include "LinalgMatchers.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "mlir/Transforms/RegionUtils.h"

#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SetVector.h"

#include <algorithm>
#include <memory>
#include <mutex>

namespace mlir::mpt {
#define GEN_PASS_DEF_MPTFUSECONVBIASRELU
#include "mpt/Dialect/MPT/Transforms/Passes.h.inc"
} // namespace mlir::mpt

using namespace mlir;
using namespace mlir::mpt;

namespace {

//===----------------------------------------------------------------------===//
// Decline reasons
//===----------------------------------------------------------------------===//

// The reason strings are part of the report format (docs/passes/
// fuse-conv-bias-relu.md); keep them stable.
constexpr llvm::StringLiteral kNonZeroInit = "non-zero init";
constexpr llvm::StringLiteral kPreBiasUsed = "pre-bias value used elsewhere";
constexpr llvm::StringLiteral kBiasNotPerChannel = "bias not per-channel";
constexpr llvm::StringLiteral kUnsupportedLayout = "unsupported layout";
constexpr llvm::StringLiteral kReluThreshold = "ReLU threshold is not zero";
constexpr llvm::StringLiteral kElementType = "unsupported element type";
constexpr llvm::StringLiteral kMatmulMaps = "non-default matmul indexing maps";
constexpr llvm::StringLiteral kDynamicSpatial =
    "dynamic convolution output size";
constexpr llvm::StringLiteral kCroppedInput =
    "input larger than the convolution windows";
constexpr llvm::StringLiteral kTwoPrecisions =
    "pre-activation read in two precisions";
constexpr llvm::StringLiteral kBiasDominance =
    "bias defined after the fusion point";

//===----------------------------------------------------------------------===//
// Small matchers
//===----------------------------------------------------------------------===//

/// True for a tensor that is +0.0 or -0.0 everywhere: a splat constant or a
/// `linalg.fill` of a zero constant.
static bool isZeroSplatTensor(Value v) {
  return mpt::detail::isZeroTensor(v, /*positiveOnly=*/false);
}

/// True for a constant that is not a float zero (a ReLU with a threshold).
static bool isNonZeroConstant(Value v) {
  return matchPattern(v, m_Constant()) && !matchPattern(v, m_AnyZeroFloat());
}

/// `x PRED 0` after moving the zero to the right-hand side.
static arith::CmpFPredicate swapPredicate(arith::CmpFPredicate p) {
  using P = arith::CmpFPredicate;
  switch (p) {
  case P::OGT:
    return P::OLT;
  case P::OGE:
    return P::OLE;
  case P::OLT:
    return P::OGT;
  case P::OLE:
    return P::OGE;
  case P::UGT:
    return P::ULT;
  case P::UGE:
    return P::ULE;
  case P::ULT:
    return P::UGT;
  case P::ULE:
    return P::UGE;
  default:
    return p;
  }
}

/// If `y` is ReLU(x) in one of its spellings — `maximumf`/`maxnumf` of x and
/// zero in either order, or `select(cmpf(x > 0), x, 0)` with any of the
/// ordered/unordered `>`/`>=` predicates (or `<`/`<=` with the select arms
/// swapped, or the zero on the left) — returns x and appends the ops that
/// compute it to `ops`. `thresholdMiss` is set when the shape matches but the
/// threshold is a non-zero constant.
static Value matchRelu(Value y, function_ref<bool(Value)> isZero,
                       SmallVectorImpl<Operation *> &ops, bool &thresholdMiss) {
  Operation *def = y.getDefiningOp();
  if (!def)
    return {};
  if (isa<arith::MaximumFOp, arith::MaxNumFOp>(def)) {
    Value lhs = def->getOperand(0), rhs = def->getOperand(1);
    if (isZero(rhs) && !isZero(lhs)) {
      ops.push_back(def);
      return lhs;
    }
    if (isZero(lhs) && !isZero(rhs)) {
      ops.push_back(def);
      return rhs;
    }
    if (isNonZeroConstant(lhs) || isNonZeroConstant(rhs))
      thresholdMiss = true;
    return {};
  }
  auto select = dyn_cast<arith::SelectOp>(def);
  if (!select)
    return {};
  auto cmp = select.getCondition().getDefiningOp<arith::CmpFOp>();
  if (!cmp || !cmp->hasOneUse())
    return {};
  Value x;
  arith::CmpFPredicate pred = cmp.getPredicate();
  if (isZero(cmp.getRhs())) {
    x = cmp.getLhs();
  } else if (isZero(cmp.getLhs())) {
    x = cmp.getRhs();
    pred = swapPredicate(pred);
  } else {
    if (isNonZeroConstant(cmp.getLhs()) || isNonZeroConstant(cmp.getRhs()))
      thresholdMiss = true;
    return {};
  }
  using P = arith::CmpFPredicate;
  bool greater = llvm::is_contained({P::OGT, P::OGE, P::UGT, P::UGE}, pred);
  bool less = llvm::is_contained({P::OLT, P::OLE, P::ULT, P::ULE}, pred);
  Value t = select.getTrueValue(), f = select.getFalseValue();
  if ((greater && t == x && isZero(f)) || (less && isZero(t) && f == x)) {
    ops.push_back(cmp);
    ops.push_back(select);
    return x;
  }
  return {};
}

/// True when `cmp` computes `x > 0` with NaN giving false (`cmpf ogt x, 0` or
/// `cmpf olt 0, x`): exactly the ReLU mask.
static bool isMaskCompare(arith::CmpFOp cmp, Value x,
                          function_ref<bool(Value)> isZero) {
  using P = arith::CmpFPredicate;
  return (cmp.getPredicate() == P::OGT && cmp.getLhs() == x &&
          isZero(cmp.getRhs())) ||
         (cmp.getPredicate() == P::OLT && cmp.getRhs() == x &&
          isZero(cmp.getLhs()));
}

/// A zero inside the body of `g`: a zero constant (defined in the body or
/// above it) or the block argument of an input that is a zero splat.
static bool isZeroInBody(linalg::GenericOp g, Value v) {
  if (matchPattern(v, m_AnyZeroFloat()))
    return true;
  auto arg = dyn_cast<BlockArgument>(v);
  if (!arg || arg.getOwner() != g.getBody() ||
      arg.getArgNumber() >= static_cast<unsigned>(g.getNumDpsInputs()))
    return false;
  return isZeroSplatTensor(g.getDpsInputOperand(arg.getArgNumber())->get());
}

//===----------------------------------------------------------------------===//
// Bias operands
//===----------------------------------------------------------------------===//

enum class BiasKind { Bias, NotPerChannel, NotABias };

/// Classifies the second operand of an add, read through `map` in a loop nest
/// of `rank` parallel dimensions. A bias is a 1-D tensor read along the
/// channel dimension `channelDim` (any single dimension when `channelDim` is
/// negative, for layouts this pass does not know), either directly
/// (`(d0, ..., dn) -> (dc)`) or through a broadcast to the full shape
/// (`linalg.broadcast` or a broadcasting `linalg.generic`). `bias` is the 1-D
/// value.
static BiasKind classifyBias(Value operand, AffineMap map, int64_t rank,
                             int64_t channelDim, int64_t channels,
                             Value &bias) {
  auto fromProjection = [&](Value vec, AffineMap m) -> BiasKind {
    auto vecType = dyn_cast<RankedTensorType>(vec.getType());
    if (!vecType || vecType.getRank() != 1 || m.getNumResults() != 1 ||
        m.getNumDims() != rank || m.getNumSymbols() != 0)
      return BiasKind::NotABias;
    auto dim = dyn_cast<AffineDimExpr>(m.getResult(0));
    if (!dim)
      return BiasKind::NotABias;
    if (channelDim >= 0 && dim.getPosition() != channelDim)
      return BiasKind::NotPerChannel;
    int64_t size = vecType.getDimSize(0);
    if (channelDim >= 0 && !ShapedType::isDynamic(size) &&
        !ShapedType::isDynamic(channels) && size != channels)
      return BiasKind::NotABias;
    bias = vec;
    return BiasKind::Bias;
  };

  if (!map.isIdentity())
    return fromProjection(operand, map);

  // A full-size operand: a per-channel vector broadcast to the result shape.
  std::optional<mpt::detail::BroadcastVector> bcast =
      mpt::detail::matchBroadcastVector(operand);
  if (!bcast)
    return BiasKind::NotABias;
  MLIRContext *ctx = operand.getContext();
  return fromProjection(
      bcast->vector,
      AffineMap::get(rank, 0, getAffineDimExpr(bcast->dim, ctx), ctx));
}

/// Follows `mpt.cast` / `arith.extf` / `arith.truncf` back to the value they
/// convert, as long as it is an f16, bf16 or f32 tensor. Widening casts are
/// exact and always skipped. Narrowing casts are skipped only when
/// `allowNarrowing` (the pass's `fp32-bias`, and only when the unfused bias
/// add ran in low precision, after the accumulator was cast down): by
/// default the fused epilogue adds the bias the graph rounded, as PyTorch's
/// autocast and JAX's bf16 programs do.
static Value stripBiasCasts(Value bias, bool allowNarrowing) {
  while (Operation *def = bias.getDefiningOp()) {
    if (!isa<mpt::CastOp, arith::ExtFOp, arith::TruncFOp>(def))
      break;
    Value src = def->getOperand(0);
    auto srcType = dyn_cast<RankedTensorType>(src.getType());
    if (!srcType || srcType.getRank() != 1 ||
        !isa<Float16Type, BFloat16Type, Float32Type>(srcType.getElementType()))
      break;
    if (!allowNarrowing &&
        !mpt::CastOp::isLossless(src.getType(), bias.getType()))
      break;
    bias = src;
  }
  return bias;
}

//===----------------------------------------------------------------------===//
// Epilogue chains
//===----------------------------------------------------------------------===//

enum class StepKind { Cast, Bias, Relu };

/// One elementwise step of an epilogue; `type` is the target element type of
/// a cast.
struct Step {
  StepKind kind;
  Type type;
};

/// An op of the epilogue chain: it reads the running value and produces the
/// next one by applying `steps` in order.
struct Stage {
  Operation *op = nullptr;
  /// Ops that belong to this stage only (the tensor-level `cmpf` of a select
  /// ReLU); they read the running value too.
  SmallVector<Operation *, 1> helpers;
  SmallVector<Step, 3> steps;
  /// The 1-D bias as this stage reads it (after any broadcast).
  Value bias;

  bool has(StepKind kind) const {
    return llvm::any_of(steps, [&](const Step &s) { return s.kind == kind; });
  }
  bool isPartOf(Operation *user) const {
    return user == op || llvm::is_contained(helpers, user);
  }
};

/// What the chain has applied so far.
struct ChainState {
  bool bias = false, relu = false, cast = false;
  /// The bias is added after the cast down (in low precision).
  bool biasAfterCast = false;
  Type elementType;

  /// Appends `steps` if they keep the chain a valid epilogue: bias before
  /// ReLU, each at most once, at most one cast, and only from f32 down to
  /// f16/bf16.
  bool append(ArrayRef<Step> steps) {
    ChainState next = *this;
    for (const Step &step : steps) {
      switch (step.kind) {
      case StepKind::Cast:
        if (next.cast || !next.elementType.isF32() ||
            !isa<Float16Type, BFloat16Type>(step.type))
          return false;
        next.cast = true;
        next.elementType = step.type;
        break;
      case StepKind::Bias:
        if (next.bias || next.relu)
          return false;
        next.bias = true;
        next.biasAfterCast = next.cast;
        break;
      case StepKind::Relu:
        if (next.relu)
          return false;
        next.relu = true;
        break;
      }
    }
    *this = next;
    return true;
  }
};

/// True when `map` reads a tensor of `shape` elementwise: the identity, up
/// to unit dimensions read at the constant 0 (torch-mlir reads a batch of
/// one as `(d0, d1, d2, d3) -> (0, d1, d2, d3)`).
static bool isIdentityUpToUnitDims(AffineMap map, ArrayRef<int64_t> shape) {
  if (map.getNumDims() != shape.size() || map.getNumResults() != shape.size() ||
      map.getNumSymbols() != 0)
    return false;
  for (auto [i, expr] : llvm::enumerate(map.getResults())) {
    if (auto dim = dyn_cast<AffineDimExpr>(expr); dim && dim.getPosition() == i)
      continue;
    auto constant = dyn_cast<AffineConstantExpr>(expr);
    if (!constant || constant.getValue() != 0 || shape[i] != 1)
      return false;
  }
  return true;
}

/// The input of `g` that reads `cur` elementwise (identity map up to unit
/// dimensions, and no other input reads it), when `g` is an all-parallel
/// generic of `cur`'s shape with one result and an init it does not read;
/// null otherwise.
static OpOperand *getElementwiseInput(linalg::GenericOp g, Value cur) {
  if (!g.hasPureTensorSemantics() || g.getNumDpsInits() != 1 ||
      g.getNumResults() != 1 || g.getNumParallelLoops() != g.getNumLoops())
    return nullptr;
  auto curType = cast<RankedTensorType>(cur.getType());
  auto resultType = dyn_cast<RankedTensorType>(g.getResult(0).getType());
  if (!resultType || resultType.getShape() != curType.getShape() ||
      g.getNumLoops() != resultType.getRank())
    return nullptr;
  OpOperand *init = g.getDpsInitOperand(0);
  if (!isIdentityUpToUnitDims(g.getMatchingIndexingMap(init),
                              resultType.getShape()) ||
      !g.getMatchingBlockArgument(init).use_empty())
    return nullptr;
  OpOperand *main = nullptr;
  for (OpOperand *in : g.getDpsInputOperands()) {
    if (in->get() != cur)
      continue;
    if (main)
      return nullptr;
    main = in;
  }
  if (!main || !isIdentityUpToUnitDims(g.getMatchingIndexingMap(main),
                                       curType.getShape()))
    return nullptr;
  return main;
}

/// For the body op `add` of `g`, `x + bias` (either order) with `bias` the
/// block argument of a per-channel bias input other than `main`: returns x
/// and sets `biasOperand` and `bias` (the 1-D value). Sets `nearMiss` for a
/// vector indexed by another dimension.
static Value matchBiasAdd(linalg::GenericOp g, arith::AddFOp add,
                          OpOperand *main, int64_t channelDim,
                          OpOperand *&biasOperand, Value &bias,
                          StringRef &nearMiss) {
  auto resultType = cast<RankedTensorType>(g.getResult(0).getType());
  for (auto [a, b] : {std::pair(add.getLhs(), add.getRhs()),
                      std::pair(add.getRhs(), add.getLhs())}) {
    auto arg = dyn_cast<BlockArgument>(b);
    if (!arg || arg.getOwner() != g.getBody() ||
        arg.getArgNumber() >= static_cast<unsigned>(g.getNumDpsInputs()))
      continue;
    OpOperand *operand = g.getDpsInputOperand(arg.getArgNumber());
    if (operand == main)
      continue;
    Value vec;
    switch (classifyBias(operand->get(), g.getMatchingIndexingMap(operand),
                         resultType.getRank(), channelDim,
                         channelDim >= 0 ? resultType.getDimSize(channelDim)
                                         : ShapedType::kDynamic,
                         vec)) {
    case BiasKind::Bias:
      biasOperand = operand;
      bias = vec;
      return a;
    case BiasKind::NotPerChannel:
      nearMiss = kBiasNotPerChannel;
      break;
    case BiasKind::NotABias:
      break;
    }
  }
  return {};
}

/// Matches a `linalg.generic` that reads `cur` elementwise and whose body is
/// `yield(step_n(...step_1(x)))` with bias / ReLU / truncf steps.
static bool matchGenericStage(linalg::GenericOp g, Value cur,
                              int64_t channelDim, Stage &stage,
                              StringRef &nearMiss) {
  OpOperand *main = getElementwiseInput(g, cur);
  if (!main)
    return false;
  Block *body = g.getBody();
  auto yield = cast<linalg::YieldOp>(body->getTerminator());
  if (yield.getNumOperands() != 1)
    return false;

  // Walk back from the yielded value to the block argument of `cur`.
  Value x = g.getMatchingBlockArgument(main);
  auto isZero = [&](Value v) { return isZeroInBody(g, v); };
  llvm::SmallPtrSet<Operation *, 8> path;
  SmallVector<Step, 3> reversed;
  OpOperand *biasOperand = nullptr;
  Value bias;
  Value y = yield.getOperand(0);
  while (y != x) {
    Operation *def = y.getDefiningOp();
    if (!def || def->getBlock() != body)
      return false;
    if (auto trunc = dyn_cast<arith::TruncFOp>(def)) {
      if (trunc.getRoundingmodeAttr())
        return false;
      reversed.push_back({StepKind::Cast, trunc.getType()});
      path.insert(def);
      y = trunc.getIn();
      continue;
    }
    SmallVector<Operation *, 2> reluOps;
    bool thresholdMiss = false;
    if (Value in = matchRelu(y, isZero, reluOps, thresholdMiss)) {
      reversed.push_back({StepKind::Relu, Type()});
      path.insert(reluOps.begin(), reluOps.end());
      y = in;
      continue;
    }
    if (thresholdMiss)
      nearMiss = kReluThreshold;
    auto add = dyn_cast<arith::AddFOp>(def);
    if (!add || biasOperand)
      return false;
    Value next =
        matchBiasAdd(g, add, main, channelDim, biasOperand, bias, nearMiss);
    if (!next)
      return false;
    reversed.push_back({StepKind::Bias, Type()});
    path.insert(def);
    y = next;
  }
  if (reversed.empty())
    return false;
  // Nothing else may be computed in the body, and every other input is the
  // bias or a zero the ReLU compares with.
  for (Operation &op : body->without_terminator())
    if (!path.contains(&op) && !op.hasTrait<OpTrait::ConstantLike>())
      return false;
  for (OpOperand *in : g.getDpsInputOperands())
    if (in != main && in != biasOperand && !isZeroSplatTensor(in->get()))
      return false;

  stage.op = g;
  stage.steps.assign(reversed.rbegin(), reversed.rend());
  stage.bias = bias;
  return true;
}

/// Matches `user` as the next stage of the chain whose running value is
/// `cur`. `nearMiss` is set when `user` almost was one (a bias on the wrong
/// dimension, a ReLU with a threshold).
static bool matchStage(Operation *user, Value cur, int64_t channelDim,
                       Stage &stage, StringRef &nearMiss) {
  stage = Stage();
  if (auto g = dyn_cast<linalg::GenericOp>(user))
    return matchGenericStage(g, cur, channelDim, stage, nearMiss);

  // Tensor-level ops: one result with the shape of `cur`.
  auto curType = cast<RankedTensorType>(cur.getType());
  if (user->getNumResults() != 1)
    return false;
  auto resultType = dyn_cast<RankedTensorType>(user->getResult(0).getType());
  if (!resultType || resultType.getShape() != curType.getShape())
    return false;
  stage.op = user;

  if (auto castOp = dyn_cast<mpt::CastOp>(user)) {
    stage.steps.push_back({StepKind::Cast, resultType.getElementType()});
    return true;
  }
  if (auto trunc = dyn_cast<arith::TruncFOp>(user)) {
    if (trunc.getRoundingmodeAttr())
      return false;
    stage.steps.push_back({StepKind::Cast, resultType.getElementType()});
    return true;
  }
  if (auto add = dyn_cast<arith::AddFOp>(user)) {
    if (add.getLhs() == add.getRhs())
      return false;
    Value other = add.getLhs() == cur ? add.getRhs() : add.getLhs();
    int64_t rank = curType.getRank();
    Value vec;
    switch (classifyBias(
        other, AffineMap::getMultiDimIdentityMap(rank, user->getContext()),
        rank, channelDim,
        channelDim >= 0 ? curType.getDimSize(channelDim) : ShapedType::kDynamic,
        vec)) {
    case BiasKind::Bias:
      stage.steps.push_back({StepKind::Bias, Type()});
      stage.bias = vec;
      return true;
    case BiasKind::NotPerChannel:
      nearMiss = kBiasNotPerChannel;
      return false;
    case BiasKind::NotABias:
      return false;
    }
  }
  if (isa<arith::MaximumFOp, arith::MaxNumFOp, arith::SelectOp>(user)) {
    SmallVector<Operation *, 2> ops;
    bool thresholdMiss = false;
    Value x =
        matchRelu(user->getResult(0), isZeroSplatTensor, ops, thresholdMiss);
    if (thresholdMiss)
      nearMiss = kReluThreshold;
    if (x != cur)
      return false;
    for (Operation *op : ops)
      if (op != user)
        stage.helpers.push_back(op);
    stage.steps.push_back({StepKind::Relu, Type()});
    return true;
  }
  return false;
}

//===----------------------------------------------------------------------===//
// Contractions
//===----------------------------------------------------------------------===//

enum class ContractionKind { Matmul, ConvNhwc, ConvNchw, ConvOther };

/// The kind of a contraction this pass looks at, or nothing: linalg.matmul
/// and the named 2-D convolutions, recognised through linalg's convolution
/// interface and the dimensions it infers (two output image dimensions, not
/// depthwise: a depthwise convolution has a depth dimension and no input
/// channel reduction), not by name. linalg.generic ops are not looked at.
static std::optional<ContractionKind> getContractionKind(Operation *op) {
  if (isa<linalg::MatmulOp>(op))
    return ContractionKind::Matmul;
  if (isa<linalg::Conv2DNhwcHwcfOp>(op))
    return ContractionKind::ConvNhwc;
  if (isa<linalg::Conv2DNchwFchwOp>(op))
    return ContractionKind::ConvNchw;
  auto linalgOp = dyn_cast<linalg::LinalgOp>(op);
  // Pooling ops implement the interface too: a convolution's body
  // multiplies and accumulates.
  auto isMulAdd = [](Operation *mul, Operation *add) {
    return (isa<arith::MulFOp>(mul) && isa<arith::AddFOp>(add)) ||
           (isa<arith::MulIOp>(mul) && isa<arith::AddIOp>(add));
  };
  if (!linalgOp || isa<linalg::GenericOp>(op) ||
      !isa<linalg::ConvolutionOpInterface>(op) ||
      !linalg::detail::isContractionBody(*linalgOp.getBlock(), isMulAdd))
    return std::nullopt;
  FailureOr<linalg::ConvolutionDimensions> dims =
      linalg::inferConvolutionDims(linalgOp);
  if (failed(dims) || dims->outputImage.size() != 2)
    return std::nullopt;
  if (!dims->depth.empty() && dims->inputChannel.empty())
    return std::nullopt; // depthwise
  return ContractionKind::ConvOther;
}

/// The result dimension that holds the output channel (-1: unknown).
static int64_t getChannelDim(ContractionKind kind) {
  switch (kind) {
  case ContractionKind::Matmul:
    return 1;
  case ContractionKind::ConvNhwc:
    return 3;
  case ContractionKind::ConvNchw:
    return 1;
  case ContractionKind::ConvOther:
    return -1;
  }
  llvm_unreachable("unknown contraction kind");
}

/// Everything `applyFusion` needs, decided by `analyzeContraction`.
struct FusionPlan {
  Operation *contraction = nullptr;
  ContractionKind kind = ContractionKind::Matmul;
  Value input, filter, bias;
  SmallVector<int64_t, 2> strides{1, 1}, dilations{1, 1};
  SmallVector<int64_t, 4> padding{0, 0, 0, 0};
  bool padAbsorbed = false;
  SmallVector<Stage> stages;
  /// values[0] is the contraction result, values[i] the result of stage i.
  SmallVector<Value> values;
  /// 1-based indices of the stages with the bias add and the ReLU (0: none).
  int64_t biasStage = 0, reluStage = 0;
  /// The unfused bias add runs after the cast down, in low precision.
  bool biasAfterCast = false;
  /// The bias is the contraction's init, broadcast per channel (torch-mlir
  /// spells conv + bias so); `initBias` is the 1-D vector.
  bool biasInInit = false;
  Value initBias;
  Epilogue epilogue = Epilogue::none;
  std::optional<AuxResult> aux;
  Type auxType;
  /// Uses of intermediate values outside the chain, rewired to the aux
  /// result.
  SmallVector<OpOperand *> extraUses;
  Operation *insertionPoint = nullptr;
  bool castFolded = false;
};

/// Why a candidate was declined: `reason` is one of the k* strings above,
/// `detail` free text.
struct Decline {
  std::string reason, detail;
};

enum class Outcome { Fuse, Decline, NoEpilogue, Skip };

static std::string typeToString(Type type) {
  std::string s;
  llvm::raw_string_ostream os(s);
  type.print(os);
  return s;
}

/// Checks element types: operands alike and f16/bf16/f32, accumulator f32.
static LogicalResult checkElementTypes(Type a, Type b, Type acc,
                                       Decline &decline) {
  auto ok = [](Type t) {
    return isa<Float16Type, BFloat16Type, Float32Type>(t);
  };
  if (!ok(a) || !ok(b) || !acc.isF32()) {
    decline = {kElementType.str(),
               "operands " + typeToString(a) + " x " + typeToString(b) +
                   ", accumulator " + typeToString(acc) +
                   " (needs f16/bf16/f32 operands and an f32 accumulator)"};
    return failure();
  }
  if (a != b) {
    decline = {kElementType.str(),
               "operand element types differ: " + typeToString(a) + " and " +
                   typeToString(b)};
    return failure();
  }
  return success();
}

/// Reads a `dense<...> : tensor<2xi64>` stride/dilation attribute.
static SmallVector<int64_t, 2> getPair(DenseIntElementsAttr attr) {
  SmallVector<int64_t, 2> values;
  if (attr)
    for (const APInt &v : attr.getValues<APInt>())
      values.push_back(v.getSExtValue());
  if (values.size() != 2)
    values.assign({1, 1});
  return values;
}

/// True when `value` is available just before `op`: it is a block argument
/// of an enclosing block or defined before `op`'s ancestor in its block.
static bool isAvailableBefore(Value value, Operation *op) {
  Block *block = value.getParentBlock();
  Operation *anc = block->findAncestorOpInBlock(*op);
  if (!anc)
    return false;
  if (isa<BlockArgument>(value))
    return true;
  Operation *def = value.getDefiningOp();
  return def != anc && def->isBeforeInBlock(anc);
}

/// Users of `v` in `block`, in block order, without duplicates.
static SmallVector<Operation *> getUsersInBlockOrder(Value v, Block *block) {
  llvm::SetVector<Operation *> users;
  for (Operation *user : v.getUsers())
    if (user->getBlock() == block)
      users.insert(user);
  SmallVector<Operation *> sorted = users.takeVector();
  llvm::sort(sorted,
             [](Operation *a, Operation *b) { return a->isBeforeInBlock(b); });
  return sorted;
}

/// True for `mpt.cast` / `arith.extf` of a tensor that only widens: the sign
/// of every value, and so the ReLU mask, is unchanged.
static bool isWideningCast(Operation *op) {
  if (!isa<mpt::CastOp, arith::ExtFOp>(op) ||
      !isa<RankedTensorType>(op->getResult(0).getType()))
    return false;
  return mpt::CastOp::isLossless(op->getOperand(0).getType(),
                                 op->getResult(0).getType());
}

/// True when the use only feeds `cmpf ogt pre, 0`, so it can read the ReLU
/// mask instead: a tensor-level compare, a `linalg.generic` input whose
/// block argument only feeds such compares, or a widening cast whose users
/// all are mask uses.
static bool isMaskUse(OpOperand &use, Type maskType) {
  Operation *owner = use.getOwner();
  if (auto cmp = dyn_cast<arith::CmpFOp>(owner))
    return cmp.getType() == maskType &&
           isMaskCompare(cmp, use.get(), isZeroSplatTensor);
  if (isWideningCast(owner))
    return llvm::all_of(owner->getResult(0).getUses(),
                        [&](OpOperand &u) { return isMaskUse(u, maskType); });
  auto g = dyn_cast<linalg::GenericOp>(owner);
  if (!g || !g.hasPureTensorSemantics() || !g.isDpsInput(&use))
    return false;
  BlockArgument arg = g.getMatchingBlockArgument(&use);
  auto isZero = [&](Value v) { return isZeroInBody(g, v); };
  return llvm::all_of(arg.getUsers(), [&](Operation *user) {
    auto cmp = dyn_cast<arith::CmpFOp>(user);
    return cmp && isMaskCompare(cmp, arg, isZero);
  });
}

/// Index (1-based) of the last stage that adds the bias or applies the ReLU,
/// 0 when there is none.
static int64_t lastSemanticStage(ArrayRef<Stage> stages) {
  for (int64_t i = stages.size(); i >= 1; --i)
    if (stages[i - 1].has(StepKind::Bias) || stages[i - 1].has(StepKind::Relu))
      return i;
  return 0;
}

/// Uses of `plan.values[i]` other than by stage i + 1.
static SmallVector<OpOperand *> getExtraUses(const FusionPlan &plan,
                                             int64_t i) {
  SmallVector<OpOperand *> uses;
  for (OpOperand &use : plan.values[i].getUses())
    if (!plan.stages[i].isPartOf(use.getOwner()))
      uses.push_back(&use);
  return uses;
}

/// Step 1: follows the users of the contraction result stage by stage. Casts
/// after the last bias/ReLU stage fold in only while nothing else reads the
/// value they convert. Returns NoEpilogue / Decline when there is nothing to
/// fuse.
static Outcome buildChain(FusionPlan &plan, int64_t channelDim,
                          Decline &decline) {
  Operation *op = plan.contraction;
  Block *block = op->getBlock();
  Value cur = op->getResult(0);
  ChainState state;
  state.elementType = getElementTypeOrSelf(cur.getType());
  plan.values.push_back(cur);
  StringRef nearMiss;
  while (true) {
    std::optional<Stage> next;
    for (Operation *user : getUsersInBlockOrder(cur, block)) {
      Stage candidate;
      ChainState trial = state;
      if (!matchStage(user, cur, channelDim, candidate, nearMiss) ||
          !trial.append(candidate.steps))
        continue;
      state = trial;
      next = std::move(candidate);
      break;
    }
    if (!next)
      break;
    cur = next->op->getResult(0);
    plan.stages.push_back(std::move(*next));
    plan.values.push_back(cur);
  }

  plan.biasAfterCast = state.biasAfterCast;
  int64_t last = lastSemanticStage(plan.stages);
  if (last == 0) {
    if (nearMiss == kBiasNotPerChannel) {
      decline = {nearMiss.str(),
                 "the added vector is not indexed by the output channel"};
      return Outcome::Decline;
    }
    if (nearMiss == kReluThreshold) {
      decline = {nearMiss.str(), "max/compare against a non-zero constant"};
      return Outcome::Decline;
    }
    return Outcome::NoEpilogue;
  }
  for (int64_t i = last, e = plan.stages.size(); i < e; ++i) {
    if (getExtraUses(plan, i).empty())
      continue;
    plan.stages.resize(i);
    plan.values.resize(i + 1);
    break;
  }
  for (int64_t i = 1, e = plan.stages.size(); i <= e; ++i) {
    if (plan.stages[i - 1].has(StepKind::Bias))
      plan.biasStage = i;
    if (plan.stages[i - 1].has(StepKind::Relu))
      plan.reluStage = i;
  }
  return Outcome::Fuse;
}

/// Step 2 for convolutions: strides, dilations, an absorbable zero pad, and
/// shapes the fused op can express.
static LogicalResult checkConvolution(FusionPlan &plan, Decline &decline) {
  Operation *op = plan.contraction;
  bool nhwc = plan.kind == ContractionKind::ConvNhwc;
  if (auto conv = dyn_cast<linalg::Conv2DNhwcHwcfOp>(op)) {
    plan.strides = getPair(conv.getStrides());
    plan.dilations = getPair(conv.getDilations());
  } else {
    auto nchw = cast<linalg::Conv2DNchwFchwOp>(op);
    plan.strides = getPair(nchw.getStrides());
    plan.dilations = getPair(nchw.getDilations());
  }
  int64_t hDim = nhwc ? 1 : 2, wDim = nhwc ? 2 : 3;
  auto accType = cast<RankedTensorType>(op->getResult(0).getType());
  if (accType.isDynamicDim(hDim) || accType.isDynamicDim(wDim)) {
    decline = {kDynamicSpatial.str(), "the output height or width is dynamic"};
    return failure();
  }

  // A zero pad of the spatial dimensions that nothing else reads becomes the
  // fused op's padding.
  if (auto pad = plan.input.getDefiningOp<tensor::PadOp>()) {
    ArrayRef<int64_t> low = pad.getStaticLow(), high = pad.getStaticHigh();
    Value padValue = pad.getConstantPaddingValue();
    bool spatialOnly =
        low.size() == 4 && high.size() == 4 &&
        llvm::none_of(llvm::concat<const int64_t>(low, high),
                      ShapedType::isDynamic) &&
        llvm::all_of(llvm::seq<int64_t>(0, 4), [&](int64_t d) {
          return d == hDim || d == wDim || (low[d] == 0 && high[d] == 0);
        });
    if (spatialOnly && padValue && matchPattern(padValue, m_AnyZeroFloat()) &&
        pad->hasOneUse() && isa<RankedTensorType>(pad.getSource().getType())) {
      plan.input = pad.getSource();
      plan.padding = {low[hDim], low[wDim], high[hDim], high[wDim]};
      plan.padAbsorbed = true;
    }
  }

  // The fused op's windows must cover the input exactly as far as the strides
  // allow (linalg also accepts inputs with extra rows or columns).
  auto inType = cast<RankedTensorType>(plan.input.getType());
  auto filterType = cast<RankedTensorType>(plan.filter.getType());
  int64_t khDim = nhwc ? 0 : 2, kwDim = nhwc ? 1 : 3;
  for (int i = 0; i < 2; ++i) {
    int64_t size = inType.getDimSize(i == 0 ? hDim : wDim);
    int64_t k = filterType.getDimSize(i == 0 ? khDim : kwDim);
    int64_t out = accType.getDimSize(i == 0 ? hDim : wDim);
    if (ShapedType::isDynamic(size) || ShapedType::isDynamic(k))
      continue;
    int64_t span = size + plan.padding[i] + plan.padding[i + 2] -
                   plan.dilations[i] * (k - 1) - 1;
    if (span < 0 || span / plan.strides[i] + 1 != out) {
      decline = {kCroppedInput.str(),
                 "the windows read only part of the (padded) input"};
      return failure();
    }
  }
  return success();
}

/// An accumulator init that is a 1-D f32 bias broadcast along the output
/// channel (torch-mlir's conv + bias: `linalg.broadcast` of the bias into the
/// convolution's `outs`), when the chain adds no other bias: the fused op
/// adds it in its epilogue instead (after the FP32 sum rather than before
/// it, a different rounding order in FP32 only).
static bool matchBiasInit(FusionPlan &plan, Value init) {
  if (plan.biasStage)
    return false;
  auto accType =
      cast<RankedTensorType>(plan.contraction->getResult(0).getType());
  int64_t channelDim = getChannelDim(plan.kind);
  if (channelDim < 0)
    return false;
  MLIRContext *ctx = init.getContext();
  Value bias;
  if (classifyBias(init,
                   AffineMap::getMultiDimIdentityMap(accType.getRank(), ctx),
                   accType.getRank(), channelDim,
                   accType.getDimSize(channelDim), bias) != BiasKind::Bias ||
      !getElementTypeOrSelf(bias.getType()).isF32())
    return false;
  plan.biasInInit = true;
  plan.initBias = bias;
  return true;
}

/// Step 2: the contraction itself — layout, maps, element types, zero init.
static LogicalResult checkContraction(FusionPlan &plan, Decline &decline) {
  Operation *op = plan.contraction;
  if (plan.kind == ContractionKind::ConvOther) {
    decline = {kUnsupportedLayout.str(),
               op->getName().getStringRef().str() +
                   " (supported: linalg.conv_2d_nhwc_hwcf, "
                   "linalg.conv_2d_nchw_fchw)"};
    return failure();
  }
  if (auto matmul = dyn_cast<linalg::MatmulOp>(op);
      matmul && matmul.hasUserDefinedMaps()) {
    decline = {kMatmulMaps.str(), "transposed or broadcast operands"};
    return failure();
  }
  auto linalgOp = cast<linalg::LinalgOp>(op);
  plan.input = linalgOp.getDpsInputs()[0];
  plan.filter = linalgOp.getDpsInputs()[1];
  if (!isa<RankedTensorType>(plan.input.getType()) ||
      !isa<RankedTensorType>(plan.filter.getType())) {
    decline = {kElementType.str(), "unranked operands"};
    return failure();
  }
  if (failed(checkElementTypes(getElementTypeOrSelf(plan.input.getType()),
                               getElementTypeOrSelf(plan.filter.getType()),
                               getElementTypeOrSelf(op->getResult(0)),
                               decline)))
    return failure();
  Value init = linalgOp.getDpsInits()[0];
  if (!mpt::detail::isPosZeroInit(init) && !matchBiasInit(plan, init)) {
    decline = {kNonZeroInit.str(),
               "the accumulator does not start from a +0.0 fill or constant"
               " or from a per-channel bias"};
    return failure();
  }
  if (plan.kind == ContractionKind::Matmul)
    return success();
  return checkConvolution(plan, decline);
}

/// Step 3: values in the middle of the chain that other ops still read. A
/// pre-bias value declines; pre-activation readers get the aux result.
static LogicalResult planIntermediates(FusionPlan &plan, Decline &decline) {
  for (int64_t i = 0; i < plan.biasStage; ++i) {
    if (getExtraUses(plan, i).empty())
      continue;
    decline = {kPreBiasUsed.str(),
               "another op reads the " +
                   std::string(i == 0 ? "contraction result"
                                      : "value before the bias add") +
                   "; fusing would hide it"};
    return failure();
  }
  if (!plan.reluStage)
    return success();

  auto resultType = cast<RankedTensorType>(plan.values.back().getType());
  auto maskType = RankedTensorType::get(
      resultType.getShape(), IntegerType::get(resultType.getContext(), 1));
  bool allMask = true;
  for (int64_t i = plan.biasStage; i < plan.reluStage; ++i) {
    for (OpOperand *use : getExtraUses(plan, i)) {
      allMask &= isMaskUse(*use, maskType);
      plan.extraUses.push_back(use);
    }
  }
  if (plan.extraUses.empty())
    return success();
  if (allMask) {
    plan.aux = AuxResult::relu_mask;
    plan.auxType = maskType;
    return success();
  }
  // One pre-activation result only: every reader must read the same type.
  llvm::SmallPtrSet<Type, 2> types;
  for (OpOperand *use : plan.extraUses)
    types.insert(use->get().getType());
  if (types.size() != 1) {
    decline = {kTwoPrecisions.str(),
               "the pre-activation is read before and after the cast"};
    return failure();
  }
  plan.aux = AuxResult::pre_activation;
  plan.auxType = RankedTensorType::get(resultType.getShape(),
                                       getElementTypeOrSelf(*types.begin()));
  return success();
}

/// Step 4: where the fused op goes. The chain's own ops are erased, so it
/// only has to dominate the ops that will read its results: it goes right
/// before the first of them in the contraction's block (readers of the final
/// value, readers of the intermediates it rewires), and no later than the
/// last stage, which dominates every reader of the final value elsewhere.
/// The bias must be available there (the copy `fp32Bias` asks for if
/// possible).
static LogicalResult planPlacement(FusionPlan &plan, bool fp32Bias,
                                   Decline &decline) {
  Block *block = plan.contraction->getBlock();
  Operation *ip = plan.stages.back().op;
  auto consider = [&](Operation *anc) {
    if (anc && anc->isBeforeInBlock(ip))
      ip = anc;
  };
  // Readers in other blocks are dominated by this block (SSA dominance of
  // the values they read), hence by any op in it.
  for (OpOperand *use : plan.extraUses)
    consider(block->findAncestorOpInBlock(*use->getOwner()));
  for (Operation *user : plan.values.back().getUsers())
    consider(block->findAncestorOpInBlock(*user));
  plan.insertionPoint = ip;

  if (plan.biasInInit) {
    if (!isAvailableBefore(plan.initBias, ip)) {
      decline = {kBiasDominance.str(), ""};
      return failure();
    }
    plan.bias = plan.initBias;
    return success();
  }
  if (!plan.biasStage)
    return success();
  Value bias = plan.stages[plan.biasStage - 1].bias;
  Value stripped = stripBiasCasts(bias, fp32Bias && plan.biasAfterCast);
  if (isAvailableBefore(stripped, ip))
    plan.bias = stripped;
  else if (isAvailableBefore(bias, ip))
    plan.bias = bias;
  else {
    decline = {kBiasDominance.str(), ""};
    return failure();
  }
  return success();
}

/// Decides whether `op` fuses with the epilogue that follows it.
static Outcome analyzeContraction(Operation *op, bool fp32Bias,
                                  FusionPlan &plan, Decline &decline) {
  std::optional<ContractionKind> kind = getContractionKind(op);
  auto linalgOp = dyn_cast<linalg::LinalgOp>(op);
  if (!kind || !linalgOp || !linalgOp.hasPureTensorSemantics() ||
      op->getNumResults() != 1 || linalgOp.getNumDpsInputs() < 2 ||
      linalgOp.getNumDpsInits() != 1)
    return Outcome::Skip;
  auto accType = dyn_cast<RankedTensorType>(op->getResult(0).getType());
  if (!accType || accType.getEncoding())
    return Outcome::Skip;
  plan = FusionPlan();
  plan.contraction = op;
  plan.kind = *kind;

  Outcome chain = buildChain(plan, getChannelDim(*kind), decline);
  if (chain != Outcome::Fuse)
    return chain;
  if (failed(checkContraction(plan, decline)) ||
      failed(planIntermediates(plan, decline)) ||
      failed(planPlacement(plan, fp32Bias, decline)))
    return Outcome::Decline;
  bool hasBias = plan.biasStage || plan.biasInInit;
  plan.epilogue = hasBias && plan.reluStage ? Epilogue::bias_relu
                  : hasBias                 ? Epilogue::bias
                                            : Epilogue::relu;
  plan.castFolded = llvm::any_of(
      plan.stages, [](const Stage &s) { return s.has(StepKind::Cast); });
  return Outcome::Fuse;
}

/// Erases the ops of `roots` that nothing uses and that have no side
/// effects, then does the same for the ops that defined the values they read
/// (operands and values captured by their regions).
static void eraseDeadRecursively(RewriterBase &rewriter,
                                 ArrayRef<Operation *> roots) {
  SmallVector<Operation *> worklist(roots);
  llvm::SmallPtrSet<Operation *, 16> erased;
  while (!worklist.empty()) {
    Operation *op = worklist.pop_back_val();
    if (erased.contains(op) || !isOpTriviallyDead(op))
      continue;
    llvm::SetVector<Value> read(op->operand_begin(), op->operand_end());
    getUsedValuesDefinedAbove(op->getRegions(), read);
    erased.insert(op);
    rewriter.eraseOp(op);
    for (Value value : read)
      if (Operation *def = value.getDefiningOp())
        worklist.push_back(def);
  }
}

/// Makes a use that `isMaskUse` accepted read `mask` instead.
static void rewireMaskUse(RewriterBase &rewriter, OpOperand &use, Value mask) {
  Operation *owner = use.getOwner();
  if (auto cmp = dyn_cast<arith::CmpFOp>(owner)) {
    rewriter.replaceOp(cmp, mask);
    return;
  }
  if (isWideningCast(owner)) {
    SmallVector<OpOperand *> uses = llvm::map_to_vector(
        owner->getResult(0).getUses(), [](OpOperand &u) { return &u; });
    for (OpOperand *u : uses)
      rewireMaskUse(rewriter, *u, mask);
    rewriter.eraseOp(owner);
    return;
  }
  auto g = cast<linalg::GenericOp>(owner);
  BlockArgument arg = g.getMatchingBlockArgument(&use);
  rewriter.modifyOpInPlace(g, [&] {
    use.set(mask);
    arg.setType(rewriter.getI1Type());
  });
  for (Operation *user : llvm::make_early_inc_range(arg.getUsers()))
    rewriter.replaceOp(user, arg);
}

/// Rewrites the chain `plan` describes into one fused op.
static void applyFusion(RewriterBase &rewriter, FusionPlan &plan) {
  Operation *op = plan.contraction;
  MLIRContext *ctx = op->getContext();
  SmallVector<Location> locs{op->getLoc()};
  for (const Stage &stage : plan.stages)
    locs.push_back(stage.op->getLoc());
  Location loc = rewriter.getFusedLoc(locs);

  Value last = plan.values.back();
  Type resultType = last.getType();
  Type auxType = plan.aux ? plan.auxType : Type();
  AuxResultAttr auxAttr =
      plan.aux ? AuxResultAttr::get(ctx, *plan.aux) : AuxResultAttr();
  rewriter.setInsertionPoint(plan.insertionPoint);
  Operation *fused;
  if (plan.kind == ContractionKind::Matmul) {
    fused =
        FusedMatmulOp::create(rewriter, loc, resultType, auxType, plan.input,
                              plan.filter, plan.bias, plan.epilogue, auxAttr);
  } else {
    ConvLayout layout = plan.kind == ContractionKind::ConvNhwc
                            ? ConvLayout::nhwc_hwcf
                            : ConvLayout::nchw_fchw;
    fused = FusedConv2DOp::create(rewriter, loc, resultType, auxType,
                                  plan.input, plan.filter, plan.bias, layout,
                                  plan.epilogue, auxAttr, plan.strides,
                                  plan.dilations, plan.padding);
  }

  // Rewire the readers of intermediate values to the aux result.
  if (plan.aux) {
    Value aux = fused->getResult(1);
    for (OpOperand *use : plan.extraUses) {
      Operation *owner = use->getOwner();
      if (*plan.aux == AuxResult::pre_activation) {
        rewriter.modifyOpInPlace(owner, [&] { use->set(aux); });
        continue;
      }
      rewireMaskUse(rewriter, *use, aux);
    }
  }
  rewriter.replaceAllUsesWith(last, fused->getResult(0));

  // The chain, then whatever only fed it (fills, empties, pads, casts of the
  // bias, broadcasts).
  SmallVector<Operation *> roots;
  for (const Stage &stage : llvm::reverse(plan.stages)) {
    roots.push_back(stage.op);
    llvm::append_range(roots, stage.helpers);
  }
  roots.push_back(op);
  eraseDeadRecursively(rewriter, roots);
}

} // namespace

//===----------------------------------------------------------------------===//
// Remarks
//===----------------------------------------------------------------------===//

/// The pass argument, the category of the fusion remarks.
constexpr llvm::StringLiteral kPassName = "mpt-fuse-conv-bias-relu";

/// The printed form of an element type.
static std::string elementTypeName(Value value) {
  return typeToString(getElementTypeOrSelf(value.getType()));
}

/// The name of the function `op` is in (null outside functions).
static StringAttr getFunctionName(Operation *op) {
  if (auto func = op->getParentOfType<FunctionOpInterface>())
    return SymbolTable::getSymbolName(func);
  return {};
}

/// `passed` "fused": what `plan` turns `op` into.
static void remarkFused(PassReport *report, Operation *op,
                        const FusionPlan &plan) {
  RemarkBuilder remark(report, kPassName, remark::RemarkKind::RemarkPassed,
                       "fused", op->getLoc());
  remark.function(getFunctionName(op))
      .arg("op", op->getName().getStringRef())
      .arg("into", plan.kind == ContractionKind::Matmul ? "mpt.fused_matmul"
                                                        : "mpt.fused_conv2d")
      .arg("epilogue", stringifyEpilogue(plan.epilogue));
  if (plan.aux)
    remark.arg("aux", stringifyAuxResult(*plan.aux));
  remark.arg("result_type", elementTypeName(plan.values.back()));
  if (plan.bias)
    remark.arg("bias_type", elementTypeName(plan.bias));
  if (plan.kind != ContractionKind::Matmul) {
    llvm::json::Array padding;
    for (int64_t p : plan.padding)
      padding.push_back(p);
    remark.arg("padding", std::move(padding))
        .arg("padding_absorbed", plan.padAbsorbed);
  }
  remark.arg("cast_folded", plan.castFolded);
}

/// `missed` "declined": a contraction with an epilogue left unfused.
static void remarkDeclined(PassReport *report, Operation *op,
                           const Decline &decline) {
  RemarkBuilder remark(report, kPassName, remark::RemarkKind::RemarkMissed,
                       "declined", op->getLoc());
  remark.function(getFunctionName(op))
      .arg("op", op->getName().getStringRef())
      .arg("reason", decline.reason);
  if (!decline.detail.empty())
    remark.arg("detail", decline.detail);
}

/// `analysis` "no-epilogue": a contraction nothing to fuse follows.
static void remarkNoEpilogue(PassReport *report, Operation *op) {
  RemarkBuilder(report, kPassName, remark::RemarkKind::RemarkAnalysis,
                "no-epilogue", op->getLoc())
      .function(getFunctionName(op))
      .arg("op", op->getName().getStringRef());
}

//===----------------------------------------------------------------------===//
// Patterns
//===----------------------------------------------------------------------===//

namespace {

/// Fuses one contraction with its epilogue, and remarks on every contraction
/// it looks at (once, however often a driver visits it).
struct FuseContractionEpilogue
    : public OpInterfaceRewritePattern<linalg::LinalgOp> {
  FuseContractionEpilogue(MLIRContext *context, PassReport *report,
                          bool fp32Bias)
      : OpInterfaceRewritePattern(context), report(report), fp32Bias(fp32Bias) {
  }

  LogicalResult matchAndRewrite(linalg::LinalgOp op,
                                PatternRewriter &rewriter) const override {
    FusionPlan plan;
    Decline decline;
    Outcome outcome = analyzeContraction(op, fp32Bias, plan, decline);
    if (outcome == Outcome::Skip)
      return rewriter.notifyMatchFailure(op, "not a contraction to fuse");
    bool first = claim(op);
    switch (outcome) {
    case Outcome::Fuse:
      if (first)
        remarkFused(report, op, plan);
      applyFusion(rewriter, plan);
      return success();
    case Outcome::Decline:
      if (first)
        remarkDeclined(report, op, decline);
      return rewriter.notifyMatchFailure(op, decline.reason);
    case Outcome::NoEpilogue:
      if (first)
        remarkNoEpilogue(report, op);
      return rewriter.notifyMatchFailure(op, "no epilogue to fuse");
    case Outcome::Skip:
      break;
    }
    llvm_unreachable("skips return above");
  }

private:
  /// True the first time `op` is decided on.
  bool claim(Operation *op) const {
    std::lock_guard<std::mutex> lock(mutex);
    return decided.insert(op).second;
  }

  PassReport *report;
  bool fp32Bias;
  mutable std::mutex mutex;
  mutable llvm::DenseSet<Operation *> decided;
};

} // namespace

void mlir::mpt::populateFuseConvBiasReluPatterns(RewritePatternSet &patterns,
                                                 PassReport *report,
                                                 bool fp32Bias) {
  patterns.add<FuseContractionEpilogue>(patterns.getContext(), report,
                                        fp32Bias);
}

//===----------------------------------------------------------------------===//
// Pass
//===----------------------------------------------------------------------===//

namespace {

/// The report every clone of one pass instance adds to; `report=-` prints it
/// (to stderr) once, when the last clone is destroyed.
struct SharedReport {
  PassReport report{kPassName};
  std::string path;
  /// Serialises the writes of the clones: each writes everything recorded
  /// when it takes the lock, so the last write is complete.
  std::mutex writeMutex;

  LogicalResult write(std::string &error) {
    std::lock_guard<std::mutex> lock(writeMutex);
    return report.write(path, error);
  }

  ~SharedReport() {
    std::string error;
    if (path == "-")
      (void)report.write(path, error);
  }
};

struct MPTFuseConvBiasReluPass
    : public mpt::impl::MPTFuseConvBiasReluBase<MPTFuseConvBiasReluPass> {
  using Base::Base;

  void runOnOperation() override;

  /// Shared by this pass and its clones (the copy constructor copies the
  /// pointer), so one report covers every function.
  std::shared_ptr<SharedReport> shared = std::make_shared<SharedReport>();

private:
  void summarize(func::FuncOp func);
};

/// The `analysis` "summary" remark of `func`, counted from its other
/// remarks, and the pass statistics.
void MPTFuseConvBiasReluPass::summarize(func::FuncOp func) {
  int64_t fused = 0, declined = 0, aux = 0, castsFolded = 0, padsAbsorbed = 0,
          withoutEpilogue = 0;
  for (const PassRemark &remark :
       shared->report.getRemarks(func.getSymNameAttr())) {
    auto flag = [&](StringRef key) {
      for (const auto &[name, value] : remark.args)
        if (name == key)
          return value.getAsBoolean().value_or(false);
      return false;
    };
    auto has = [&](StringRef key) {
      return llvm::any_of(remark.args,
                          [&](const auto &arg) { return arg.first == key; });
    };
    if (remark.name == "fused") {
      ++fused;
      aux += has("aux");
      castsFolded += flag("cast_folded");
      padsAbsorbed += flag("padding_absorbed");
    } else if (remark.name == "declined") {
      ++declined;
    } else if (remark.name == "no-epilogue") {
      ++withoutEpilogue;
    }
  }
  numFused += fused;
  numDeclined += declined;
  numAux += aux;
  RemarkBuilder(&shared->report, kPassName, remark::RemarkKind::RemarkAnalysis,
                "summary", func.getLoc())
      .function(func.getSymNameAttr())
      .arg("fused", fused)
      .arg("declined", declined)
      .arg("aux_results", aux)
      .arg("casts_folded", castsFolded)
      .arg("paddings_absorbed", padsAbsorbed)
      .arg("without_epilogue", withoutEpilogue);
}

void MPTFuseConvBiasReluPass::runOnOperation() {
  func::FuncOp func = getOperation();
  {
    std::lock_guard<std::mutex> lock(shared->writeMutex);
    shared->path = report;
  }
  shared->report.clearFunction(func.getSymNameAttr());

  // The candidates, last first: the driver pops its worklist from the back,
  // so contractions are decided in program order.
  SmallVector<Operation *> candidates;
  func.walk([&](Operation *op) {
    if (getContractionKind(op))
      candidates.push_back(op);
  });
  std::reverse(candidates.begin(), candidates.end());

  // The public patterns are the code path. Only the candidates are visited,
  // nothing is folded and no constant moves: the pass changes the chains it
  // fuses and nothing else.
  RewritePatternSet patterns(&getContext());
  populateFuseConvBiasReluPatterns(patterns, &shared->report, fp32Bias);
  GreedyRewriteConfig config;
  config.setStrictness(GreedyRewriteStrictness::ExistingOps)
      .enableFolding(false)
      .enableConstantCSE(false)
      .setRegionSimplificationLevel(GreedySimplifyRegionLevel::Disabled);
  (void)applyOpPatternsGreedily(candidates, std::move(patterns), config);
  summarize(func);

  if (report.empty() || report == "-")
    return;
  // A file is rewritten after each function, so it is complete when the
  // pass manager returns.
  std::string error;
  if (failed(shared->write(error))) {
    func.emitError() << "cannot write the fusion report to '" << report
                     << "': " << error;
    signalPassFailure();
  }
}

} // namespace
