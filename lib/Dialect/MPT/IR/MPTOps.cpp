//===- MPTOps.cpp - mpt operations ----------------------------------------===//
//
// Verifiers, folders and the custom assembly of the optimizer ops.
//
//===----------------------------------------------------------------------===//

#include "mpt/Dialect/MPT/IR/MPTOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/IR/TypeUtilities.h"

#include <cmath>

using namespace mlir;
using namespace mlir::mpt;


//===----------------------------------------------------------------------===//
// Helpers
//===----------------------------------------------------------------------===//

/// True when `value` is finite and lies in [low, high].
static bool inClosedRange(double value, double low, double high) {
  return std::isfinite(value) && value >= low && value <= high;
}

//===----------------------------------------------------------------------===//
// GradSeedOp
//===----------------------------------------------------------------------===//

LogicalResult GradSeedOp::verify() {
  if (!getLoss().getDefiningOp<LossOp>())
    return emitOpError("operand must be the result of an 'mpt.loss' op; the "
                       "backward pass starts from the marked loss");
  return success();
}

//===----------------------------------------------------------------------===//
// CastOp
//===----------------------------------------------------------------------===//

LogicalResult CastOp::verify() {
  auto inType = dyn_cast<RankedTensorType>(getInput().getType());
  auto outType = dyn_cast<RankedTensorType>(getType());
  if (!inType != !outType)
    return emitOpError("casts between a scalar and a tensor; both sides must "
                       "be scalars or both ranked tensors");
  if (inType && inType.getShape() != outType.getShape())
    return emitOpError() << "changes the shape from " << inType << " to "
                         << outType << "; a cast only converts elements";
  return success();
}

bool CastOp::isLossless(Type from, Type to) {
  from = getElementTypeOrSelf(from);
  to = getElementTypeOrSelf(to);
  if (from == to)
    return true;
  // f16 and bf16 embed exactly in f32; f16 <-> bf16 loses in both directions.
  return to.isF32() && (from.isF16() || from.isBF16());
}

OpFoldResult CastOp::fold(FoldAdaptor adaptor) {
  if (getInput().getType() == getType())
    return getInput();

  // cast(cast(x : A -> B) : B -> A) is x when A -> B is exact.
  if (auto inner = getInput().getDefiningOp<CastOp>())
    if (inner.getInput().getType() == getType() &&
        isLossless(getType(), inner.getType()))
      return inner.getInput();

  // Constants convert with round to nearest, ties to even.
  Attribute input = adaptor.getInput();
  if (!input)
    return {};
  const llvm::fltSemantics &semantics =
      cast<FloatType>(getElementTypeOrSelf(getType())).getFloatSemantics();
  auto convert = [&](APFloat value) {
    bool losesInfo = false;
    value.convert(semantics, APFloat::rmNearestTiesToEven, &losesInfo);
    return value;
  };
  if (auto scalar = dyn_cast<FloatAttr>(input))
    return FloatAttr::get(getType(), convert(scalar.getValue()));
  if (auto dense = dyn_cast<DenseFPElementsAttr>(input)) {
    auto resultType = cast<ShapedType>(getType());
    if (dense.isSplat())
      return DenseElementsAttr::get(resultType,
                                    convert(dense.getSplatValue<APFloat>()));
    SmallVector<APFloat> values;
    values.reserve(dense.getNumElements());
    for (APFloat value : dense.getValues<APFloat>())
      values.push_back(convert(value));
    return DenseElementsAttr::get(resultType, values);
  }
  return {};
}

namespace {
/// cast(cast(x : A -> B) : B -> C) -> cast(x : A -> C) when A -> B is exact:
/// the only rounding happens in the second cast either way.
struct ComposeExactCasts : public OpRewritePattern<CastOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(CastOp op,
                                PatternRewriter &rewriter) const override {
    auto inner = op.getInput().getDefiningOp<CastOp>();
    if (!inner || !CastOp::isLossless(inner.getInput().getType(),
                                      inner.getType()))
      return failure();
    if (inner.getInput().getType() == op.getType()) {
      rewriter.replaceOp(op, inner.getInput());
      return success();
    }
    rewriter.replaceOpWithNewOp<CastOp>(op, op.getType(), inner.getInput());
    return success();
  }
};
} // namespace

void CastOp::getCanonicalizationPatterns(RewritePatternSet &results,
                                         MLIRContext *context) {
  results.add<ComposeExactCasts>(context);
}

//===----------------------------------------------------------------------===//
// Optimizer ops: shared assembly
//
// mpt.sgd %p, %g [momentum_buffer(%m)] [inv_scale(%s)] [found_inf(%f)]
//     attr-dict : param-type [, grad-type] [-> working-copy-type]
// mpt.adam %p, %g, %m, %v, %t [inv_scale(%s)] [found_inf(%f)]
//     attr-dict : param-type [, grad-type] [-> working-copy-type]
//
// The state operands and results share the parameter type, and inv_scale,
// found_inf and the Adam step have fixed types, so only the parameter type,
// a gradient type that differs from it and the working-copy type are spelled.
//===----------------------------------------------------------------------===//

using UnresolvedOperand = OpAsmParser::UnresolvedOperand;

static ParseResult
parseOptionalNamedOperand(OpAsmParser &parser, StringRef keyword,
                          std::optional<UnresolvedOperand> &operand) {
  if (failed(parser.parseOptionalKeyword(keyword)))
    return success();
  UnresolvedOperand value;
  if (parser.parseLParen() || parser.parseOperand(value) ||
      parser.parseRParen())
    return failure();
  operand = value;
  return success();
}

/// Parses `: param-type [, grad-type] [-> working-copy-type]`.
static ParseResult parseOptimizerTypes(OpAsmParser &parser, Type &paramType,
                                       Type &gradType, Type &workingType) {
  if (parser.parseColonType(paramType))
    return failure();
  gradType = paramType;
  if (succeeded(parser.parseOptionalComma()) && parser.parseType(gradType))
    return failure();
  if (succeeded(parser.parseOptionalArrow()) && parser.parseType(workingType))
    return failure();
  return success();
}

static ParseResult
resolveOptional(OpAsmParser &parser,
                const std::optional<UnresolvedOperand> &operand, Type type,
                OperationState &result) {
  if (!operand)
    return success();
  return parser.resolveOperand(*operand, type, result.operands);
}

static void printNamedOperand(OpAsmPrinter &p, StringRef keyword, Value v) {
  if (v)
    p << " " << keyword << "(" << v << ")";
}

static void printOptimizerTypes(OpAsmPrinter &p, Type paramType, Type gradType,
                                Value workingCopy) {
  p << " : " << paramType;
  if (gradType != paramType)
    p << ", " << gradType;
  if (workingCopy)
    p << " -> " << workingCopy.getType();
}

/// The attributes an optimizer printer leaves out: segment sizes, which the
/// syntax implies, and attributes equal to their default.
static SmallVector<StringRef>
elidedOptimizerAttrs(ArrayRef<std::tuple<StringRef, APFloat, float>> defaults) {
  SmallVector<StringRef> elided = {"operandSegmentSizes",
                                   "resultSegmentSizes"};
  for (const auto &[name, value, defaultValue] : defaults)
    if (value.bitwiseIsEqual(APFloat(defaultValue)))
      elided.push_back(name);
  return elided;
}

//===----------------------------------------------------------------------===//
// Optimizer ops: shared verification
//===----------------------------------------------------------------------===//

/// Checks what SGD and Adam have in common: gradient and working copy shape,
/// state types equal to the parameter type.
static LogicalResult verifyOptimizerCommon(Operation *op, Value param,
                                           Value grad, ValueRange state,
                                           ValueRange newState,
                                           Value workingCopy, double lr,
                                           double weightDecay) {
  auto paramType = cast<RankedTensorType>(param.getType());
  auto gradType = cast<RankedTensorType>(grad.getType());
  if (paramType.getShape() != gradType.getShape())
    return op->emitOpError() << "gradient shape " << gradType
                             << " does not match the parameter " << paramType;
  for (Value s : state)
    if (s.getType() != paramType)
      return op->emitOpError() << "state operand of type " << s.getType()
                               << " must have the parameter type "
                               << paramType;
  for (Value s : newState)
    if (s.getType() != paramType)
      return op->emitOpError() << "updated state of type " << s.getType()
                               << " must have the parameter type "
                               << paramType;
  if (workingCopy &&
      cast<RankedTensorType>(workingCopy.getType()).getShape() !=
          paramType.getShape())
    return op->emitOpError() << "working copy " << workingCopy.getType()
                             << " does not have the parameter shape "
                             << paramType;
  if (!inClosedRange(lr, 0.0, HUGE_VAL))
    return op->emitOpError() << "learning rate must be finite and >= 0, got "
                             << formatNumber(lr);
  if (!inClosedRange(weightDecay, 0.0, HUGE_VAL))
    return op->emitOpError() << "weight_decay must be finite and >= 0, got "
                             << formatNumber(weightDecay);
  return success();
}

//===----------------------------------------------------------------------===//
// SGDOp
//===----------------------------------------------------------------------===//

ParseResult SGDOp::parse(OpAsmParser &parser, OperationState &result) {
  UnresolvedOperand param, grad;
  std::optional<UnresolvedOperand> momentumBuffer, invScale, foundInf;
  Type paramType, gradType, workingType;
  if (parser.parseOperand(param) || parser.parseComma() ||
      parser.parseOperand(grad) ||
      parseOptionalNamedOperand(parser, "momentum_buffer", momentumBuffer) ||
      parseOptionalNamedOperand(parser, "inv_scale", invScale) ||
      parseOptionalNamedOperand(parser, "found_inf", foundInf) ||
      parser.parseOptionalAttrDict(result.attributes) ||
      parseOptimizerTypes(parser, paramType, gradType, workingType))
    return failure();

  Builder &b = parser.getBuilder();
  auto scalar = [&](Type element) { return RankedTensorType::get({}, element); };
  if (parser.resolveOperand(param, paramType, result.operands) ||
      parser.resolveOperand(grad, gradType, result.operands) ||
      resolveOptional(parser, momentumBuffer, paramType, result) ||
      resolveOptional(parser, invScale, scalar(b.getF32Type()), result) ||
      resolveOptional(parser, foundInf, scalar(b.getI1Type()), result))
    return failure();

  Properties &props = result.getOrAddProperties<Properties>();
  props.operandSegmentSizes = {1, 1, momentumBuffer ? 1 : 0, invScale ? 1 : 0,
                               foundInf ? 1 : 0};
  props.resultSegmentSizes = {1, momentumBuffer ? 1 : 0, workingType ? 1 : 0};
  result.addTypes(paramType);
  if (momentumBuffer)
    result.addTypes(paramType);
  if (workingType)
    result.addTypes(workingType);
  return success();
}

void SGDOp::print(OpAsmPrinter &p) {
  p << " " << getParam() << ", " << getGrad();
  printNamedOperand(p, "momentum_buffer", getMomentumBuffer());
  printNamedOperand(p, "inv_scale", getInvScale());
  printNamedOperand(p, "found_inf", getFoundInf());
  p.printOptionalAttrDict(
      (*this)->getAttrs(),
      elidedOptimizerAttrs({{getMomentumAttrName(), getMomentum(), 0.0f},
                            {getDampeningAttrName(), getDampening(), 0.0f},
                            {getWeightDecayAttrName(), getWeightDecay(),
                             0.0f}}));
  printOptimizerTypes(p, getParam().getType(), getGrad().getType(),
                      getWorkingCopy());
}

LogicalResult SGDOp::verify() {
  SmallVector<Value> state, newState;
  if (getMomentumBuffer())
    state.push_back(getMomentumBuffer());
  newState.push_back(getNewParam());
  if (getNewMomentumBuffer())
    newState.push_back(getNewMomentumBuffer());
  if (failed(verifyOptimizerCommon(*this, getParam(), getGrad(), state,
                                   newState, getWorkingCopy(),
                                   getLr().convertToDouble(),
                                   getWeightDecay().convertToDouble())))
    return failure();

  double momentum = getMomentum().convertToDouble();
  double dampening = getDampening().convertToDouble();
  if (!inClosedRange(momentum, 0.0, HUGE_VAL))
    return emitOpError() << "momentum must be finite and >= 0, got "
                         << formatNumber(momentum);
  if (!inClosedRange(dampening, 0.0, 1.0))
    return emitOpError() << "dampening must lie in [0, 1], got " << formatNumber(dampening);
  if (momentum > 0 && !getMomentumBuffer())
    return emitOpError() << "momentum = " << formatNumber(momentum)
                         << " needs a momentum_buffer(...) operand to carry "
                            "the buffer between steps";
  if (momentum == 0 && getMomentumBuffer())
    return emitOpError("has a momentum_buffer operand but momentum is 0");
  if (!getMomentumBuffer() != !getNewMomentumBuffer())
    return emitOpError("must return an updated momentum buffer exactly when "
                       "it takes one");
  if (getNesterov() && (momentum <= 0 || dampening != 0))
    return emitOpError("nesterov needs momentum > 0 and zero dampening");
  return success();
}

//===----------------------------------------------------------------------===//
// AdamOp
//===----------------------------------------------------------------------===//

ParseResult AdamOp::parse(OpAsmParser &parser, OperationState &result) {
  UnresolvedOperand param, grad, m, v, step;
  std::optional<UnresolvedOperand> invScale, foundInf;
  Type paramType, gradType, workingType;
  if (parser.parseOperand(param) || parser.parseComma() ||
      parser.parseOperand(grad) || parser.parseComma() ||
      parser.parseOperand(m) || parser.parseComma() ||
      parser.parseOperand(v) || parser.parseComma() ||
      parser.parseOperand(step) ||
      parseOptionalNamedOperand(parser, "inv_scale", invScale) ||
      parseOptionalNamedOperand(parser, "found_inf", foundInf) ||
      parser.parseOptionalAttrDict(result.attributes) ||
      parseOptimizerTypes(parser, paramType, gradType, workingType))
    return failure();

  Builder &b = parser.getBuilder();
  Type f32Scalar = RankedTensorType::get({}, b.getF32Type());
  if (parser.resolveOperand(param, paramType, result.operands) ||
      parser.resolveOperand(grad, gradType, result.operands) ||
      parser.resolveOperand(m, paramType, result.operands) ||
      parser.resolveOperand(v, paramType, result.operands) ||
      parser.resolveOperand(step, f32Scalar, result.operands) ||
      resolveOptional(parser, invScale, f32Scalar, result) ||
      resolveOptional(parser, foundInf,
                      RankedTensorType::get({}, b.getI1Type()), result))
    return failure();

  Properties &props = result.getOrAddProperties<Properties>();
  props.operandSegmentSizes = {1, 1, 1, 1, 1, invScale ? 1 : 0,
                               foundInf ? 1 : 0};
  result.addTypes({paramType, paramType, paramType, f32Scalar});
  if (workingType)
    result.addTypes(workingType);
  return success();
}

void AdamOp::print(OpAsmPrinter &p) {
  p << " " << getParam() << ", " << getGrad() << ", " << getM() << ", "
    << getV() << ", " << getStep();
  printNamedOperand(p, "inv_scale", getInvScale());
  printNamedOperand(p, "found_inf", getFoundInf());
  p.printOptionalAttrDict(
      (*this)->getAttrs(),
      elidedOptimizerAttrs({{getBeta1AttrName(), getBeta1(), 0.9f},
                            {getBeta2AttrName(), getBeta2(), 0.999f},
                            {getEpsAttrName(), getEps(), 1.0e-8f},
                            {getWeightDecayAttrName(), getWeightDecay(),
                             0.0f}}));
  printOptimizerTypes(p, getParam().getType(), getGrad().getType(),
                      getWorkingCopy());
}

LogicalResult AdamOp::verify() {
  if (failed(verifyOptimizerCommon(
          *this, getParam(), getGrad(), {getM(), getV()},
          {getNewParam(), getNewM(), getNewV()}, getWorkingCopy(),
          getLr().convertToDouble(), getWeightDecay().convertToDouble())))
    return failure();
  double beta1 = getBeta1().convertToDouble();
  double beta2 = getBeta2().convertToDouble();
  double eps = getEps().convertToDouble();
  if (!inClosedRange(beta1, 0.0, 1.0) || beta1 >= 1.0)
    return emitOpError() << "beta1 must lie in [0, 1), got " << formatNumber(beta1);
  if (!inClosedRange(beta2, 0.0, 1.0) || beta2 >= 1.0)
    return emitOpError() << "beta2 must lie in [0, 1), got " << formatNumber(beta2);
  if (!inClosedRange(eps, 0.0, HUGE_VAL))
    return emitOpError() << "eps must be finite and >= 0, got " << formatNumber(eps);
  return success();
}

//===----------------------------------------------------------------------===//
// UnscaleAndCheckOp
//===----------------------------------------------------------------------===//

LogicalResult UnscaleAndCheckOp::verify() {
  if (getGrads().empty())
    return emitOpError("needs at least one gradient");
  if (getGrads().size() != getUnscaled().size())
    return emitOpError() << "has " << getGrads().size() << " gradients but "
                         << getUnscaled().size() << " unscaled results";
  for (auto [index, pair] :
       llvm::enumerate(llvm::zip(getGrads(), getUnscaled()))) {
    auto gradType = cast<RankedTensorType>(std::get<0>(pair).getType());
    auto resultType = cast<RankedTensorType>(std::get<1>(pair).getType());
    if (gradType.getShape() != resultType.getShape())
      return emitOpError() << "unscaled result #" << index << " " << resultType
                           << " does not have the shape of gradient "
                           << gradType;
    if (!resultType.getElementType().isF32())
      return emitOpError() << "unscaled result #" << index
                           << " must be f32 (unscaling in low precision "
                              "would underflow again), got "
                           << resultType;
  }
  return success();
}

//===----------------------------------------------------------------------===//
// UpdateScaleOp
//===----------------------------------------------------------------------===//

LogicalResult UpdateScaleOp::verify() {
  double growth = getGrowthFactor().convertToDouble();
  double backoff = getBackoffFactor().convertToDouble();
  if (!std::isfinite(growth) || growth <= 1.0)
    return emitOpError() << "growth_factor must be finite and > 1, got "
                         << formatNumber(growth);
  if (!std::isfinite(backoff) || backoff <= 0.0 || backoff >= 1.0)
    return emitOpError() << "backoff_factor must lie in (0, 1), got "
                         << formatNumber(backoff);
  int64_t interval = getGrowthInterval();
  if (interval < 1 || interval > std::numeric_limits<int32_t>::max())
    return emitOpError() << "growth_interval must lie in [1, 2^31 - 1], got "
                         << interval;
  int64_t hysteresis = getHysteresis();
  if (hysteresis < 1 || hysteresis > std::numeric_limits<int32_t>::max())
    return emitOpError() << "hysteresis must lie in [1, 2^31 - 1], got "
                         << hysteresis;
  std::optional<APFloat> minScale = getMinScale();
  std::optional<APFloat> maxScale = getMaxScale();
  if (minScale && (!minScale->isFiniteNonZero() || minScale->isNegative()))
    return emitOpError() << "min_scale must be finite and > 0, got "
                         << formatNumber(minScale->convertToDouble());
  if (maxScale && (!maxScale->isFiniteNonZero() || maxScale->isNegative()))
    return emitOpError() << "max_scale must be finite and > 0, got "
                         << formatNumber(maxScale->convertToDouble());
  if (minScale && maxScale &&
      minScale->convertToDouble() > maxScale->convertToDouble())
    return emitOpError() << "min_scale " << formatNumber(minScale->convertToDouble())
                         << " is greater than max_scale "
                         << formatNumber(maxScale->convertToDouble());
  return success();
}

//===----------------------------------------------------------------------===//
// Fused contractions
//===----------------------------------------------------------------------===//

static bool hasBias(Epilogue e) {
  return e == Epilogue::bias || e == Epilogue::bias_relu;
}
static bool hasRelu(Epilogue e) {
  return e == Epilogue::relu || e == Epilogue::bias_relu;
}

/// Checks the bias operand and the aux result of a fused contraction whose
/// output channels are `channels` (dynamic allowed) and result `resultType`.
static LogicalResult verifyEpilogue(Operation *op, Epilogue epilogue,
                                    Value bias, int64_t channels,
                                    RankedTensorType resultType,
                                    std::optional<AuxResult> aux,
                                    Value auxResult) {
  if (hasBias(epilogue) != static_cast<bool>(bias))
    return op->emitOpError() << "epilogue " << stringifyEpilogue(epilogue)
                             << (bias ? " takes no bias operand"
                                      : " needs a bias operand");
  if (bias) {
    auto biasType = cast<RankedTensorType>(bias.getType());
    if (biasType.getRank() != 1 ||
        (!ShapedType::isDynamic(channels) &&
         !ShapedType::isDynamic(biasType.getDimSize(0)) &&
         biasType.getDimSize(0) != channels))
      return op->emitOpError() << "bias " << biasType
                               << " must be a vector of " << channels
                               << " output channels";
  }
  if (aux.has_value() != static_cast<bool>(auxResult))
    return op->emitOpError(aux ? "declares an aux result but does not return it"
                               : "returns an aux result without declaring "
                                 "aux<...>");
  if (!aux)
    return success();
  if (!hasRelu(epilogue))
    return op->emitOpError() << "aux<" << stringifyAuxResult(*aux)
                             << "> needs an epilogue with relu";
  auto auxType = cast<RankedTensorType>(auxResult.getType());
  if (auxType.getShape() != resultType.getShape())
    return op->emitOpError() << "aux result " << auxType
                             << " must have the result shape " << resultType;
  bool isMask = auxType.getElementType().isInteger(1);
  if (*aux == AuxResult::relu_mask && !isMask)
    return op->emitOpError() << "aux<relu_mask> must be an i1 tensor, got "
                             << auxType;
  if (*aux == AuxResult::pre_activation && isMask)
    return op->emitOpError() << "aux<pre_activation> must be a float tensor, "
                                "got "
                             << auxType;
  return success();
}

LogicalResult FusedMatmulOp::verify() {
  auto lhsType = cast<RankedTensorType>(getLhs().getType());
  auto rhsType = cast<RankedTensorType>(getRhs().getType());
  auto resultType = cast<RankedTensorType>(getResult().getType());
  if (lhsType.getRank() != 2 || rhsType.getRank() != 2 ||
      resultType.getRank() != 2)
    return emitOpError("operands and result must be 2-D (MxK * KxN -> MxN)");
  if (lhsType.getElementType() != rhsType.getElementType())
    return emitOpError() << "operand element types differ: " << lhsType
                         << " and " << rhsType;
  auto dimsAgree = [](int64_t a, int64_t b) {
    return ShapedType::isDynamic(a) || ShapedType::isDynamic(b) || a == b;
  };
  if (!dimsAgree(lhsType.getDimSize(1), rhsType.getDimSize(0)) ||
      !dimsAgree(lhsType.getDimSize(0), resultType.getDimSize(0)) ||
      !dimsAgree(rhsType.getDimSize(1), resultType.getDimSize(1)))
    return emitOpError() << "shapes do not form a matmul: " << lhsType << " * "
                         << rhsType << " -> " << resultType;
  return verifyEpilogue(*this, getEpilogue(), getBias(),
                        resultType.getDimSize(1), resultType, getAux(),
                        getAuxResult());
}

LogicalResult FusedConv2DOp::verify() {
  auto inputType = cast<RankedTensorType>(getInput().getType());
  auto filterType = cast<RankedTensorType>(getFilter().getType());
  auto resultType = cast<RankedTensorType>(getResult().getType());
  if (inputType.getRank() != 4 || filterType.getRank() != 4 ||
      resultType.getRank() != 4)
    return emitOpError("input, filter and result must be 4-D");
  if (inputType.getElementType() != filterType.getElementType())
    return emitOpError() << "input and filter element types differ: "
                         << inputType << " and " << filterType;
  ArrayRef<int64_t> strides = getStrides(), dilations = getDilations(),
                    padding = getPadding();
  if (strides.size() != 2 || dilations.size() != 2 || padding.size() != 4)
    return emitOpError("needs 2 strides, 2 dilations and 4 paddings "
                       "(top, left, bottom, right)");
  if (llvm::any_of(strides, [](int64_t s) { return s < 1; }) ||
      llvm::any_of(dilations, [](int64_t d) { return d < 1; }))
    return emitOpError("strides and dilations must be >= 1");
  if (llvm::any_of(padding, [](int64_t p) { return p < 0; }))
    return emitOpError("padding must be >= 0");

  // Dimension positions: [batch, channel, height, width] of input/result,
  // [out channel, in channel, kernel h, kernel w] of the filter.
  bool nhwc = isChannelsLast();
  auto in = [&](int i) { return inputType.getDimSize(i); };
  auto fl = [&](int i) { return filterType.getDimSize(i); };
  auto out = [&](int i) { return resultType.getDimSize(i); };
  int64_t n = in(0), c = nhwc ? in(3) : in(1), h = nhwc ? in(1) : in(2),
          w = nhwc ? in(2) : in(3);
  int64_t kh = nhwc ? fl(0) : fl(2), kw = nhwc ? fl(1) : fl(3),
          fc = nhwc ? fl(2) : fl(1), f = nhwc ? fl(3) : fl(0);
  int64_t on = out(0), of = nhwc ? out(3) : out(1), oh = nhwc ? out(1) : out(2),
          ow = nhwc ? out(2) : out(3);
  auto mismatch = [](int64_t a, int64_t b) {
    return !ShapedType::isDynamic(a) && !ShapedType::isDynamic(b) && a != b;
  };
  if (ShapedType::isDynamic(oh) || ShapedType::isDynamic(ow) ||
      ShapedType::isDynamic(of))
    return emitOpError() << "result " << resultType
                         << " must have static height, width and channels "
                            "(only the batch may be dynamic)";
  if (mismatch(c, fc))
    return emitOpError() << "input has " << c << " channels but the filter "
                         << "expects " << fc;
  if (mismatch(n, on) || mismatch(f, of))
    return emitOpError() << "result " << resultType
                         << " does not match batch " << n << " and " << f
                         << " output channels";
  auto expected = [](int64_t size, int64_t padLo, int64_t padHi, int64_t k,
                     int64_t stride, int64_t dilation) -> int64_t {
    if (ShapedType::isDynamic(size) || ShapedType::isDynamic(k))
      return ShapedType::kDynamic;
    int64_t span = size + padLo + padHi - dilation * (k - 1) - 1;
    return span < 0 ? -1 : span / stride + 1;
  };
  int64_t eh = expected(h, padding[0], padding[2], kh, strides[0],
                        dilations[0]);
  int64_t ew = expected(w, padding[1], padding[3], kw, strides[1],
                        dilations[1]);
  if (eh == -1 || ew == -1)
    return emitOpError() << "the dilated " << kh << "x" << kw
                         << " kernel does not fit the padded " << h << "x" << w
                         << " input";
  if (mismatch(eh, oh) || mismatch(ew, ow))
    return emitOpError() << "result spatial size " << oh << "x" << ow
                         << " should be " << eh << "x" << ew
                         << " for these strides, dilations and padding";
  return verifyEpilogue(*this, getEpilogue(), getBias(), f, resultType,
                        getAux(), getAuxResult());
}

#define GET_OP_CLASSES
#include "mpt/Dialect/MPT/IR/MPTOps.cpp.inc"
