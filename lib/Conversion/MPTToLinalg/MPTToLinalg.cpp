//===- MPTToLinalg.cpp - mpt to linalg/arith/math/tensor ------------------===//
//
// The target-independent lowering of the mpt dialect. Numerics, op by op:
//
// * Every float conversion rounds to nearest, ties to even (arith.truncf
//   without a rounding-mode attribute; arith-expand's bf16 expansion keeps
//   that), widening is exact, f16 <-> bf16 widens to f32 first so it rounds
//   once.
// * Optimizer updates, unscaling and the epilogues compute in f32 and round
//   each result once to its storage type, as the op definitions say.
// * A skipped step selects the stored old value, so it is bit-identical
//   (NaN payloads and signed zeros included).
//
//===----------------------------------------------------------------------===//

#include "mpt/Conversion/MPTToLinalg/MPTToLinalg.h"

#include "mpt/Dialect/MPT/IR/MPTDialect.h"
#include "mpt/Dialect/MPT/IR/MPTOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/AffineMap.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/DialectConversion.h"

#include <cfloat>

namespace mlir::mpt {
#define GEN_PASS_DEF_CONVERTMPTTOLINALG
#include "mpt/Conversion/Passes.h.inc"
} // namespace mlir::mpt

using namespace mlir;
using namespace mlir::mpt;

//===----------------------------------------------------------------------===//
// Helpers
//===----------------------------------------------------------------------===//

namespace {

/// Converts the float scalar `x` to the float type `to`: exact when it
/// widens, one rounding to nearest even when it narrows.
Value convertFloat(OpBuilder &b, Location loc, Value x, Type to) {
  Type from = x.getType();
  if (from == to)
    return x;
  unsigned fromWidth = from.getIntOrFloatBitWidth();
  unsigned toWidth = to.getIntOrFloatBitWidth();
  if (fromWidth < toWidth)
    return arith::ExtFOp::create(b, loc, to, x);
  if (fromWidth > toWidth)
    return arith::TruncFOp::create(b, loc, to, x);
  // f16 <-> bf16: exact to f32, then one rounding.
  Value wide = arith::ExtFOp::create(b, loc, b.getF32Type(), x);
  return arith::TruncFOp::create(b, loc, to, wide);
}

Value toF32(OpBuilder &b, Location loc, Value x) {
  return convertFloat(b, loc, x, b.getF32Type());
}

Value f32Const(OpBuilder &b, Location loc, double value) {
  return arith::ConstantOp::create(
      b, loc, b.getF32FloatAttr(static_cast<float>(value)));
}

/// The mixed sizes of `value` (a ranked tensor).
SmallVector<OpFoldResult> sizesOf(OpBuilder &b, Location loc, Value value) {
  return tensor::getMixedSizes(b, loc, value);
}

/// A `tensor.empty` with sizes `sizes` and element type `element`.
Value emptyTensor(OpBuilder &b, Location loc, ArrayRef<OpFoldResult> sizes,
                  Type element) {
  return tensor::EmptyOp::create(b, loc, sizes, element);
}

/// The single element of a 0-d tensor.
Value extractScalar(OpBuilder &b, Location loc, Value tensor) {
  return tensor::ExtractOp::create(b, loc, tensor, ValueRange{});
}

/// A 0-d tensor holding `scalar`.
Value scalarTensor(OpBuilder &b, Location loc, Value scalar) {
  return tensor::FromElementsOp::create(
      b, loc, RankedTensorType::get({}, scalar.getType()), scalar);
}

using BodyFn =
    function_ref<SmallVector<Value>(OpBuilder &, Location, ValueRange)>;

/// An all-parallel `linalg.generic` over tensors of the shape of
/// `inputs.front()`, with identity maps, producing one tensor per entry of
/// `resultElements`; `body` maps the input elements to the result elements.
SmallVector<Value> buildElementwise(OpBuilder &b, Location loc,
                                    ValueRange inputs,
                                    ArrayRef<Type> resultElements,
                                    BodyFn body) {
  Value shapeRef = inputs.front();
  auto refType = cast<RankedTensorType>(shapeRef.getType());
  SmallVector<OpFoldResult> sizes = sizesOf(b, loc, shapeRef);
  SmallVector<Value> outputs;
  SmallVector<Type> resultTypes;
  for (Type element : resultElements) {
    outputs.push_back(emptyTensor(b, loc, sizes, element));
    resultTypes.push_back(refType.clone(element));
  }
  unsigned rank = refType.getRank();
  SmallVector<AffineMap> maps(inputs.size() + outputs.size(),
                              b.getMultiDimIdentityMap(rank));
  SmallVector<utils::IteratorType> iterators(rank,
                                             utils::IteratorType::parallel);
  auto generic = linalg::GenericOp::create(
      b, loc, resultTypes, inputs, outputs, maps, iterators,
      [&](OpBuilder &nested, Location nestedLoc, ValueRange args) {
        SmallVector<Value> results =
            body(nested, nestedLoc, args.take_front(inputs.size()));
        linalg::YieldOp::create(nested, nestedLoc, results);
      });
  return SmallVector<Value>(generic.getResults());
}

//===----------------------------------------------------------------------===//
// mpt.loss, mpt.grad_seed, mpt.cast
//===----------------------------------------------------------------------===//

struct LossLowering : public OpConversionPattern<LossOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(LossOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOp(op, adaptor.getInput());
    return success();
  }
};

struct GradSeedLowering : public OpConversionPattern<GradSeedOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(GradSeedOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = cast<RankedTensorType>(op.getType());
    Type element = type.getElementType();
    if (!adaptor.getScale()) {
      rewriter.replaceOpWithNewOp<arith::ConstantOp>(
          op, DenseElementsAttr::get(type, FloatAttr::get(element, 1.0)));
      return success();
    }
    if (element.isF32()) {
      rewriter.replaceOp(op, adaptor.getScale());
      return success();
    }
    Value scale = extractScalar(rewriter, loc, adaptor.getScale());
    rewriter.replaceOp(
        op, scalarTensor(rewriter, loc,
                         convertFloat(rewriter, loc, scale, element)));
    return success();
  }
};

struct CastLowering : public OpConversionPattern<CastOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(CastOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getInput();
    Type to = getElementTypeOrSelf(op.getType());
    if (!isa<RankedTensorType>(input.getType())) {
      rewriter.replaceOp(op, convertFloat(rewriter, loc, input, to));
      return success();
    }
    if (input.getType() == op.getType()) {
      rewriter.replaceOp(op, input);
      return success();
    }
    rewriter.replaceOp(
        op, buildElementwise(rewriter, loc, input, {to},
                             [&](OpBuilder &b, Location l, ValueRange args) {
                               return SmallVector<Value>{
                                   convertFloat(b, l, args[0], to)};
                             }));
    return success();
  }
};

//===----------------------------------------------------------------------===//
// Optimizers
//===----------------------------------------------------------------------===//

/// `found ? old : updated` when there is a found_inf flag.
Value skipIfFound(OpBuilder &b, Location loc, Value found, Value old,
                  Value updated) {
  if (!found)
    return updated;
  return arith::SelectOp::create(b, loc, found, old, updated);
}

struct SGDLowering : public OpConversionPattern<SGDOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(SGDOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value invScale = adaptor.getInvScale()
                         ? extractScalar(rewriter, loc, adaptor.getInvScale())
                         : Value();
    Value found = adaptor.getFoundInf()
                      ? extractScalar(rewriter, loc, adaptor.getFoundInf())
                      : Value();
    double lr = op.getLr().convertToDouble();
    double momentum = op.getMomentum().convertToDouble();
    double dampening = op.getDampening().convertToDouble();
    double weightDecay = op.getWeightDecay().convertToDouble();
    bool nesterov = op.getNesterov();
    Value buffer = adaptor.getMomentumBuffer();

    Type paramElement = getElementTypeOrSelf(op.getParam().getType());
    SmallVector<Value> inputs = {adaptor.getParam(), adaptor.getGrad()};
    SmallVector<Type> resultElements = {paramElement};
    if (buffer) {
      inputs.push_back(buffer);
      resultElements.push_back(paramElement);
    }
    Type workingElement;
    if (Value workingCopy = op.getWorkingCopy()) {
      workingElement = getElementTypeOrSelf(workingCopy.getType());
      resultElements.push_back(workingElement);
    }

    auto body = [&](OpBuilder &b, Location l, ValueRange args) {
      Value param = args[0];
      Value p = toF32(b, l, param);
      Value g = toF32(b, l, args[1]);
      if (invScale)
        g = arith::MulFOp::create(b, l, g, invScale);
      if (weightDecay != 0)
        g = arith::AddFOp::create(
            b, l, g,
            arith::MulFOp::create(b, l, f32Const(b, l, weightDecay), p));
      Value update = g;
      Value newBuffer;
      if (buffer) {
        Value buf = toF32(b, l, args[2]);
        Value decayed =
            arith::MulFOp::create(b, l, f32Const(b, l, momentum), buf);
        Value fresh = g;
        if (dampening != 0)
          fresh =
              arith::MulFOp::create(b, l, f32Const(b, l, 1.0 - dampening), g);
        newBuffer = arith::AddFOp::create(b, l, decayed, fresh);
        update = newBuffer;
        if (nesterov)
          update = arith::AddFOp::create(
              b, l, g,
              arith::MulFOp::create(b, l, f32Const(b, l, momentum), newBuffer));
      }
      Value newParam = arith::SubFOp::create(
          b, l, p, arith::MulFOp::create(b, l, f32Const(b, l, lr), update));
      Value stored = skipIfFound(b, l, found, param,
                                 convertFloat(b, l, newParam, paramElement));
      SmallVector<Value> results = {stored};
      if (buffer)
        results.push_back(skipIfFound(
            b, l, found, args[2], convertFloat(b, l, newBuffer, paramElement)));
      if (workingElement)
        results.push_back(convertFloat(b, l, stored, workingElement));
      return results;
    };
    rewriter.replaceOp(
        op, buildElementwise(rewriter, loc, inputs, resultElements, body));
    return success();
  }
};

/// The Adam update of one element (the body of the elementwise generic):
/// FP32 arithmetic, one rounding per stored result, the old values kept
/// when `found` is set.
struct AdamElementUpdate {
  double lr, beta1, beta2, eps, weightDecay;
  /// Scalars computed once per op: 1 / scale (or null), the skip flag (or
  /// null) and the two bias corrections.
  Value invScale, found, correction1, correction2;
  Type paramElement, workingElement;

  SmallVector<Value> operator()(OpBuilder &nb, Location l,
                                ValueRange args) const {
    Value p = toF32(nb, l, args[0]);
    Value g = toF32(nb, l, args[1]);
    Value m = toF32(nb, l, args[2]);
    Value v = toF32(nb, l, args[3]);
    if (invScale)
      g = arith::MulFOp::create(nb, l, g, invScale);
    if (weightDecay != 0)
      p = arith::MulFOp::create(nb, l, p,
                                f32Const(nb, l, 1.0 - lr * weightDecay));
    Value newM = arith::AddFOp::create(
        nb, l, arith::MulFOp::create(nb, l, f32Const(nb, l, beta1), m),
        arith::MulFOp::create(nb, l, f32Const(nb, l, 1.0 - beta1), g));
    Value newV = arith::AddFOp::create(
        nb, l, arith::MulFOp::create(nb, l, f32Const(nb, l, beta2), v),
        arith::MulFOp::create(
            nb, l,
            arith::MulFOp::create(nb, l, f32Const(nb, l, 1.0 - beta2), g), g));
    Value mHat = arith::DivFOp::create(nb, l, newM, correction1);
    Value vHat = arith::DivFOp::create(nb, l, newV, correction2);
    Value denominator = arith::AddFOp::create(
        nb, l, math::SqrtOp::create(nb, l, vHat), f32Const(nb, l, eps));
    Value newParam = arith::SubFOp::create(
        nb, l, p,
        arith::DivFOp::create(
            nb, l, arith::MulFOp::create(nb, l, f32Const(nb, l, lr), mHat),
            denominator));
    Value stored = skipIfFound(nb, l, found, args[0],
                               convertFloat(nb, l, newParam, paramElement));
    SmallVector<Value> results = {
        stored,
        skipIfFound(nb, l, found, args[2],
                    convertFloat(nb, l, newM, paramElement)),
        skipIfFound(nb, l, found, args[3],
                    convertFloat(nb, l, newV, paramElement))};
    if (workingElement)
      results.push_back(convertFloat(nb, l, stored, workingElement));
    return results;
  }
};

struct AdamLowering : public OpConversionPattern<AdamOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(AdamOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    OpBuilder &b = rewriter;
    AdamElementUpdate update;
    update.lr = op.getLr().convertToDouble();
    update.beta1 = op.getBeta1().convertToDouble();
    update.beta2 = op.getBeta2().convertToDouble();
    update.eps = op.getEps().convertToDouble();
    update.weightDecay = op.getWeightDecay().convertToDouble();
    if (adaptor.getInvScale())
      update.invScale = extractScalar(b, loc, adaptor.getInvScale());
    if (adaptor.getFoundInf())
      update.found = extractScalar(b, loc, adaptor.getFoundInf());

    // The step count and the bias corrections, once per op.
    Value step = extractScalar(b, loc, adaptor.getStep());
    Value t = arith::AddFOp::create(b, loc, step, f32Const(b, loc, 1.0));
    Value newStep = skipIfFound(b, loc, update.found, step, t);
    Value one = f32Const(b, loc, 1.0);
    update.correction1 = arith::SubFOp::create(
        b, loc, one,
        math::PowFOp::create(b, loc, f32Const(b, loc, update.beta1), t));
    update.correction2 = arith::SubFOp::create(
        b, loc, one,
        math::PowFOp::create(b, loc, f32Const(b, loc, update.beta2), t));

    update.paramElement = getElementTypeOrSelf(op.getParam().getType());
    SmallVector<Value> inputs = {adaptor.getParam(), adaptor.getGrad(),
                                 adaptor.getM(), adaptor.getV()};
    SmallVector<Type> resultElements(3, update.paramElement);
    if (Value workingCopy = op.getWorkingCopy()) {
      update.workingElement = getElementTypeOrSelf(workingCopy.getType());
      resultElements.push_back(update.workingElement);
    }
    SmallVector<Value> updated =
        buildElementwise(b, loc, inputs, resultElements, update);
    SmallVector<Value> replacements = {updated[0], updated[1], updated[2],
                                       scalarTensor(b, loc, newStep)};
    if (update.workingElement)
      replacements.push_back(updated[3]);
    rewriter.replaceOp(op, replacements);
    return success();
  }
};

//===----------------------------------------------------------------------===//
// Loss scaling
//===----------------------------------------------------------------------===//

/// The smallest f32 value that rounds (to nearest even) to an infinity in
/// `type`: the largest finite value plus half its ulp.
static double overflowThreshold(FloatType type) {
  const llvm::fltSemantics &sem = type.getFloatSemantics();
  APFloat largest = APFloat::getLargest(sem);
  APFloat below = largest;
  below.next(/*nextDown=*/true);
  double top = largest.convertToDouble();
  return top + (top - below.convertToDouble()) / 2;
}

struct UnscaleAndCheckLowering : public OpConversionPattern<UnscaleAndCheckOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(UnscaleAndCheckOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    OpBuilder &b = rewriter;
    Value scale = extractScalar(b, loc, adaptor.getScale());
    Value invScale =
        arith::DivFOp::create(b, loc, f32Const(b, loc, 1.0), scale);

    SmallVector<Value> replacements;
    for (Value grad : adaptor.getGrads())
      replacements.push_back(
          buildElementwise(b, loc, grad, {b.getF32Type()},
                           [&](OpBuilder &nb, Location l, ValueRange args) {
                             return SmallVector<Value>{arith::MulFOp::create(
                                 nb, l, toF32(nb, l, args[0]), invScale)};
                           })
              .front());

    // found_inf = OR over every element of every unscaled gradient of
    // "|x| == inf or x is NaN" (cmpf ueq is true for unordered operands);
    // with an overflow type, also of "the scaled gradient rounds to an
    // infinity in that type": |g| >= the smallest f32 that does (for f16:
    // 65520, halfway between the largest finite 65504 and 65536; ties round
    // to even, which is up, since the largest finite mantissa is odd).
    std::optional<double> overflowAt;
    if (std::optional<Type> type = op.getOverflowType())
      overflowAt = overflowThreshold(cast<FloatType>(*type));
    Value init = emptyTensor(b, loc, {}, b.getI1Type());
    Value flag =
        linalg::FillOp::create(
            b, loc,
            ValueRange{arith::ConstantOp::create(b, loc, b.getBoolAttr(false))},
            ValueRange{init})
            .getResult(0);
    Value infinity = f32Const(b, loc, INFINITY);
    Value limit = overflowAt ? f32Const(b, loc, *overflowAt) : Value();
    for (auto [unscaled, grad] :
         llvm::zip(ArrayRef<Value>(replacements), adaptor.getGrads())) {
      unsigned rank = cast<RankedTensorType>(unscaled.getType()).getRank();
      SmallVector<Value> inputs = {unscaled};
      if (limit)
        inputs.push_back(grad);
      SmallVector<AffineMap> maps(inputs.size(),
                                  b.getMultiDimIdentityMap(rank));
      maps.push_back(AffineMap::get(rank, 0, {}, b.getContext()));
      SmallVector<utils::IteratorType> iterators(
          rank, utils::IteratorType::reduction);
      flag = linalg::GenericOp::create(
                 b, loc, TypeRange{flag.getType()}, inputs, ValueRange{flag},
                 maps, iterators,
                 [&](OpBuilder &nb, Location l, ValueRange args) {
                   Value magnitude = math::AbsFOp::create(nb, l, args[0]);
                   Value found = arith::CmpFOp::create(
                       nb, l, arith::CmpFPredicate::UEQ, magnitude, infinity);
                   if (limit) {
                     Value scaled =
                         math::AbsFOp::create(nb, l, toF32(nb, l, args[1]));
                     found = arith::OrIOp::create(
                         nb, l, found,
                         arith::CmpFOp::create(nb, l, arith::CmpFPredicate::OGE,
                                               scaled, limit));
                   }
                   linalg::YieldOp::create(nb, l,
                                           ValueRange{arith::OrIOp::create(
                                               nb, l, args.back(), found)});
                 })
                 .getResult(0);
    }
    replacements.push_back(flag);
    rewriter.replaceOp(op, replacements);
    return success();
  }
};

struct UpdateScaleLowering : public OpConversionPattern<UpdateScaleOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(UpdateScaleOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    OpBuilder &b = rewriter;
    Value scale = extractScalar(b, loc, adaptor.getScale());
    Value growth = extractScalar(b, loc, adaptor.getGrowthTracker());
    Value hysteresis = extractScalar(b, loc, adaptor.getHysteresisTracker());
    Value found = extractScalar(b, loc, adaptor.getFoundInf());
    auto i32 = [&](int64_t value) {
      return arith::ConstantOp::create(b, loc, b.getI32IntegerAttr(value))
          .getResult();
    };

    // Overflow: back off once the hysteresis counter is exhausted (never
    // below min_scale), else count the counter down; the growth tracker
    // resets either way.
    Value backedOff = arith::MulFOp::create(
        b, loc, scale,
        f32Const(b, loc, op.getBackoffFactor().convertToDouble()));
    if (std::optional<APFloat> minScale = op.getMinScale())
      backedOff = arith::MaximumFOp::create(
          b, loc, backedOff, f32Const(b, loc, minScale->convertToDouble()));
    Value exhausted = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sle,
                                            hysteresis, i32(1));
    Value overflowScale =
        arith::SelectOp::create(b, loc, exhausted, backedOff, scale);
    Value overflowHysteresis = arith::SelectOp::create(
        b, loc, exhausted, hysteresis,
        arith::SubIOp::create(b, loc, hysteresis, i32(1)));

    // Clean step: count; at the interval grow (only to a finite value not
    // above max_scale), reset the tracker and refill the hysteresis counter.
    Value counted = arith::AddIOp::create(b, loc, growth, i32(1));
    Value atInterval =
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sge, counted,
                              i32(op.getGrowthInterval()));
    Value grown = arith::MulFOp::create(
        b, loc, scale,
        f32Const(b, loc, op.getGrowthFactor().convertToDouble()));
    double maxScale = FLT_MAX;
    if (std::optional<APFloat> max = op.getMaxScale())
      maxScale = max->convertToDouble();
    // `ole` is false for inf and NaN, so this also keeps the scale finite.
    Value withinBound = arith::CmpFOp::create(
        b, loc, arith::CmpFPredicate::OLE, grown, f32Const(b, loc, maxScale));
    Value grows = arith::AndIOp::create(b, loc, atInterval, withinBound);
    Value cleanScale = arith::SelectOp::create(b, loc, grows, grown, scale);
    Value cleanGrowth =
        arith::SelectOp::create(b, loc, atInterval, i32(0), counted);
    Value cleanHysteresis = arith::SelectOp::create(
        b, loc, atInterval, i32(op.getHysteresis()), hysteresis);

    Value newScale =
        arith::SelectOp::create(b, loc, found, overflowScale, cleanScale);
    Value newGrowth =
        arith::SelectOp::create(b, loc, found, i32(0), cleanGrowth);
    Value newHysteresis = arith::SelectOp::create(
        b, loc, found, overflowHysteresis, cleanHysteresis);
    rewriter.replaceOp(op, {scalarTensor(b, loc, newScale),
                            scalarTensor(b, loc, newGrowth),
                            scalarTensor(b, loc, newHysteresis)});
    return success();
  }
};

//===----------------------------------------------------------------------===//
// Fused contractions
//===----------------------------------------------------------------------===//

/// The epilogue on the f32 accumulator `acc`: + bias (broadcast along
/// `channelDim`), ReLU, one rounding to `resultType`, and the aux result.
SmallVector<Value> buildEpilogue(OpBuilder &b, Location loc, Value acc,
                                 Value bias, unsigned channelDim,
                                 Epilogue epilogue,
                                 std::optional<AuxResult> aux,
                                 RankedTensorType resultType, Type auxType) {
  bool relu = epilogue == Epilogue::relu || epilogue == Epilogue::bias_relu;
  auto accType = cast<RankedTensorType>(acc.getType());
  unsigned rank = accType.getRank();
  Type resultElement = resultType.getElementType();
  if (!bias && !relu && !aux && resultElement.isF32())
    return {acc};

  SmallVector<Value> inputs = {acc};
  SmallVector<AffineMap> maps = {b.getMultiDimIdentityMap(rank)};
  if (bias) {
    inputs.push_back(bias);
    maps.push_back(AffineMap::get(rank, 0, b.getAffineDimExpr(channelDim)));
  }
  SmallVector<OpFoldResult> sizes = sizesOf(b, loc, acc);
  SmallVector<Value> outputs = {emptyTensor(b, loc, sizes, resultElement)};
  SmallVector<Type> types = {accType.clone(resultElement)};
  Type auxElement;
  if (aux) {
    auxElement = getElementTypeOrSelf(auxType);
    outputs.push_back(emptyTensor(b, loc, sizes, auxElement));
    types.push_back(accType.clone(auxElement));
  }
  maps.append(outputs.size(), b.getMultiDimIdentityMap(rank));
  SmallVector<utils::IteratorType> iterators(rank,
                                             utils::IteratorType::parallel);
  auto generic = linalg::GenericOp::create(
      b, loc, types, inputs, outputs, maps, iterators,
      [&](OpBuilder &nb, Location l, ValueRange args) {
        Value x = args[0];
        if (bias)
          x = arith::AddFOp::create(nb, l, x, toF32(nb, l, args[1]));
        Value preActivation = x;
        Value zero = f32Const(nb, l, 0.0);
        if (relu)
          x = arith::MaximumFOp::create(nb, l, x, zero);
        SmallVector<Value> results = {convertFloat(nb, l, x, resultElement)};
        if (aux && *aux == AuxResult::relu_mask)
          results.push_back(arith::CmpFOp::create(
              nb, l, arith::CmpFPredicate::OGT, preActivation, zero));
        else if (aux)
          results.push_back(convertFloat(nb, l, preActivation, auxElement));
        linalg::YieldOp::create(nb, l, results);
      });
  return SmallVector<Value>(generic.getResults());
}

/// A zero-filled f32 tensor of sizes `sizes`.
Value zeroAccumulator(OpBuilder &b, Location loc,
                      ArrayRef<OpFoldResult> sizes) {
  Value empty = emptyTensor(b, loc, sizes, b.getF32Type());
  return linalg::FillOp::create(b, loc, ValueRange{f32Const(b, loc, 0.0)},
                                ValueRange{empty})
      .getResult(0);
}

/// Size `dim` of the result: static from its type, else from `source`.
OpFoldResult resultSize(OpBuilder &b, Location loc, RankedTensorType type,
                        unsigned dim, Value source, unsigned sourceDim) {
  if (!type.isDynamicDim(dim))
    return b.getIndexAttr(type.getDimSize(dim));
  return tensor::getMixedSize(b, loc, source, sourceDim);
}

struct FusedMatmulLowering : public OpConversionPattern<FusedMatmulOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(FusedMatmulOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    OpBuilder &b = rewriter;
    auto resultType = cast<RankedTensorType>(op.getResult().getType());
    SmallVector<OpFoldResult> sizes = {
        resultSize(b, loc, resultType, 0, adaptor.getLhs(), 0),
        resultSize(b, loc, resultType, 1, adaptor.getRhs(), 1)};
    Value acc = zeroAccumulator(b, loc, sizes);
    Value product =
        linalg::MatmulOp::create(b, loc, TypeRange{acc.getType()},
                                 ValueRange{adaptor.getLhs(), adaptor.getRhs()},
                                 ValueRange{acc})
            .getResult(0);
    Value auxResult = op.getAuxResult();
    rewriter.replaceOp(op,
                       buildEpilogue(b, loc, product, adaptor.getBias(), 1,
                                     op.getEpilogue(), op.getAux(), resultType,
                                     auxResult ? auxResult.getType() : Type()));
    return success();
  }
};

struct FusedConv2DLowering : public OpConversionPattern<FusedConv2DOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(FusedConv2DOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    OpBuilder &b = rewriter;
    bool nhwc = op.isChannelsLast();
    auto resultType = cast<RankedTensorType>(op.getResult().getType());
    unsigned hDim = nhwc ? 1 : 2, wDim = nhwc ? 2 : 3, cDim = nhwc ? 3 : 1;
    // The verifier guarantees a static result height, width and channels.

    // Zero padding as a separate tensor.pad in the input type.
    Value input = adaptor.getInput();
    ArrayRef<int64_t> padding = op.getPadding();
    if (llvm::any_of(padding, [](int64_t p) { return p != 0; })) {
      SmallVector<OpFoldResult> low(4, b.getIndexAttr(0));
      SmallVector<OpFoldResult> high(4, b.getIndexAttr(0));
      low[hDim] = b.getIndexAttr(padding[0]);
      low[wDim] = b.getIndexAttr(padding[1]);
      high[hDim] = b.getIndexAttr(padding[2]);
      high[wDim] = b.getIndexAttr(padding[3]);
      auto inputType = cast<RankedTensorType>(input.getType());
      SmallVector<int64_t> paddedShape(inputType.getShape());
      for (auto [dim, lo, hi] : {std::tuple{hDim, padding[0], padding[2]},
                                 std::tuple{wDim, padding[1], padding[3]}})
        if (!inputType.isDynamicDim(dim))
          paddedShape[dim] += lo + hi;
      Value zero = arith::ConstantOp::create(
          b, loc, FloatAttr::get(inputType.getElementType(), 0.0));
      input = tensor::PadOp::create(b, loc, inputType.clone(paddedShape), input,
                                    low, high, zero);
    }

    Value filter = adaptor.getFilter();
    SmallVector<OpFoldResult> sizes(4);
    sizes[0] = resultSize(b, loc, resultType, 0, input, 0);
    sizes[cDim] = resultSize(b, loc, resultType, cDim, filter, nhwc ? 3 : 0);
    sizes[hDim] = b.getIndexAttr(resultType.getDimSize(hDim));
    sizes[wDim] = b.getIndexAttr(resultType.getDimSize(wDim));
    Value acc = zeroAccumulator(b, loc, sizes);

    auto i64Vector = [&](ArrayRef<int64_t> values) {
      return DenseIntElementsAttr::get(
          RankedTensorType::get({static_cast<int64_t>(values.size())},
                                b.getI64Type()),
          values);
    };
    Attribute strides = i64Vector(op.getStrides());
    Attribute dilations = i64Vector(op.getDilations());
    Value conv;
    if (nhwc)
      conv = linalg::Conv2DNhwcHwcfOp::create(
                 b, loc, TypeRange{acc.getType()}, ValueRange{input, filter},
                 ValueRange{acc}, strides, dilations)
                 .getResult(0);
    else
      conv = linalg::Conv2DNchwFchwOp::create(
                 b, loc, TypeRange{acc.getType()}, ValueRange{input, filter},
                 ValueRange{acc}, strides, dilations)
                 .getResult(0);
    Value auxResult = op.getAuxResult();
    rewriter.replaceOp(op,
                       buildEpilogue(b, loc, conv, adaptor.getBias(), cDim,
                                     op.getEpilogue(), op.getAux(), resultType,
                                     auxResult ? auxResult.getType() : Type()));
    return success();
  }
};

//===----------------------------------------------------------------------===//
// Pass
//===----------------------------------------------------------------------===//

struct ConvertMPTToLinalgPass
    : public mpt::impl::ConvertMPTToLinalgBase<ConvertMPTToLinalgPass> {
  using Base::Base;
  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    ConversionTarget target(*ctx);
    target.addLegalDialect<arith::ArithDialect, linalg::LinalgDialect,
                           math::MathDialect, tensor::TensorDialect>();
    target.addIllegalDialect<MPTDialect>();
    // Collectives bufferize as they are and become runtime calls after
    // bufferization (mpt-lower-collectives).
    target.addLegalOp<AllReduceOp>();
    target.markUnknownOpDynamicallyLegal([](Operation *) { return true; });
    RewritePatternSet patterns(ctx);
    populateMPTToLinalgConversionPatterns(patterns);
    if (failed(applyPartialConversion(getOperation(), target,
                                      std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace

void mlir::mpt::populateMPTToLinalgConversionPatterns(
    RewritePatternSet &patterns) {
  patterns.add<LossLowering, GradSeedLowering, CastLowering, SGDLowering,
               AdamLowering, UnscaleAndCheckLowering, UpdateScaleLowering,
               FusedMatmulLowering, FusedConv2DLowering>(patterns.getContext());
}
