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
// CastOp
//===----------------------------------------------------------------------===//

bool CastOp::areCastCompatible(TypeRange inputs, TypeRange outputs) {
  if (inputs.size() != 1 || outputs.size() != 1)
    return false;
  auto isMPTFloat = [](Type type) {
    return isa<Float16Type, BFloat16Type, Float32Type>(
        getElementTypeOrSelf(type));
  };
  Type from = inputs.front(), to = outputs.front();
  if (!isMPTFloat(from) || !isMPTFloat(to))
    return false;
  auto fromTensor = dyn_cast<RankedTensorType>(from);
  auto toTensor = dyn_cast<RankedTensorType>(to);
  if (!fromTensor || !toTensor)
    return !fromTensor && !toTensor && from.isIntOrFloat() && to.isIntOrFloat();
  return fromTensor.getShape() == toTensor.getShape();
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
    if (!inner ||
        !CastOp::isLossless(inner.getInput().getType(), inner.getType()))
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
// Optimizer ops: custom directives of the assembly formats
//===----------------------------------------------------------------------===//

bool mlir::mpt::haveSameShape(Type a, Type b) {
  auto shapedA = dyn_cast<ShapedType>(a);
  auto shapedB = dyn_cast<ShapedType>(b);
  return shapedA && shapedB && shapedA.hasRank() && shapedB.hasRank() &&
         shapedA.getShape() == shapedB.getShape();
}

/// `[, grad-type]`: the gradient type, spelled only when it differs from the
/// parameter type.
static ParseResult parseGradType(OpAsmParser &parser, Type &gradType,
                                 Type paramType) {
  gradType = paramType;
  if (succeeded(parser.parseOptionalComma()))
    return parser.parseType(gradType);
  return success();
}

static void printGradType(OpAsmPrinter &p, Operation *, Type gradType,
                          Type paramType) {
  if (gradType != paramType)
    p << ", " << gradType;
}

/// Nothing in the text: the updated momentum buffer exists exactly when the
/// op takes a momentum buffer, and has the parameter type.
static ParseResult
parseMomentumResult(OpAsmParser &, Type &newMomentumType,
                    std::optional<OpAsmParser::UnresolvedOperand> momentum,
                    Type paramType) {
  if (momentum)
    newMomentumType = paramType;
  return success();
}

static void printMomentumResult(OpAsmPrinter &, Operation *, Type, Value,
                                Type) {}

//===----------------------------------------------------------------------===//
// Optimizer ops: shared verification
//===----------------------------------------------------------------------===//

/// Checks what SGD and Adam have in common beyond the types the traits
/// check: a finite, non-negative learning rate and weight decay.
static LogicalResult verifyOptimizerCommon(Operation *op, double lr,
                                           double weightDecay) {
  if (!inClosedRange(lr, 0.0, HUGE_VAL))
    return op->emitOpError()
           << "learning rate must be finite and >= 0, got " << formatNumber(lr);
  if (!inClosedRange(weightDecay, 0.0, HUGE_VAL))
    return op->emitOpError() << "weight_decay must be finite and >= 0, got "
                             << formatNumber(weightDecay);
  return success();
}

//===----------------------------------------------------------------------===//
// SGDOp
//===----------------------------------------------------------------------===//

LogicalResult SGDOp::verify() {
  if (failed(verifyOptimizerCommon(*this, getLr().convertToDouble(),
                                   getWeightDecay().convertToDouble())))
    return failure();

  double momentum = getMomentum().convertToDouble();
  double dampening = getDampening().convertToDouble();
  if (!inClosedRange(momentum, 0.0, HUGE_VAL))
    return emitOpError() << "momentum must be finite and >= 0, got "
                         << formatNumber(momentum);
  if (!inClosedRange(dampening, 0.0, 1.0))
    return emitOpError() << "dampening must lie in [0, 1], got "
                         << formatNumber(dampening);
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

LogicalResult AdamOp::verify() {
  if (failed(verifyOptimizerCommon(*this, getLr().convertToDouble(),
                                   getWeightDecay().convertToDouble())))
    return failure();
  double beta1 = getBeta1().convertToDouble();
  double beta2 = getBeta2().convertToDouble();
  double eps = getEps().convertToDouble();
  if (!inClosedRange(beta1, 0.0, 1.0) || beta1 >= 1.0)
    return emitOpError() << "beta1 must lie in [0, 1), got "
                         << formatNumber(beta1);
  if (!inClosedRange(beta2, 0.0, 1.0) || beta2 >= 1.0)
    return emitOpError() << "beta2 must lie in [0, 1), got "
                         << formatNumber(beta2);
  if (!inClosedRange(eps, 0.0, HUGE_VAL))
    return emitOpError() << "eps must be finite and >= 0, got "
                         << formatNumber(eps);
  return success();
}

//===----------------------------------------------------------------------===//
// AllReduceOp
//===----------------------------------------------------------------------===//

LogicalResult AllReduceOp::verify() {
  if (getInputs().empty())
    return emitOpError("needs at least one operand");
  bool buffers = hasBufferSemantics();
  Type element = getElementTypeOrSelf(getInputs().front().getType());
  for (auto [index, input] : llvm::enumerate(getInputs())) {
    Type type = input.getType();
    if (isa<MemRefType>(type) != buffers)
      return emitOpError() << "operand #" << index << " is a "
                           << (buffers ? "tensor" : "memref")
                           << ", but operand #0 is a "
                           << (buffers ? "memref" : "tensor")
                           << " (all operands are tensors or all buffers)";
    if (getElementTypeOrSelf(type) != element)
      return emitOpError() << "operand #" << index << " has element type "
                           << getElementTypeOrSelf(type)
                           << ", but operand #0 has " << element
                           << " (one all-reduce is one bucket of one type)";
    if (auto shaped = cast<ShapedType>(type); !shaped.hasStaticShape())
      return emitOpError() << "operand #" << index << " " << type
                           << " has a dynamic shape";
  }
  if (buffers) {
    if (!getResults().empty())
      return emitOpError("on buffers works in place and has no results");
    for (auto [index, input] : llvm::enumerate(getInputs()))
      if (!cast<MemRefType>(input.getType()).getLayout().isIdentity())
        return emitOpError()
               << "buffer #" << index << " must have the identity layout";
    return success();
  }
  if (getResults().size() != getInputs().size())
    return emitOpError() << "has " << getInputs().size() << " operands but "
                         << getResults().size() << " results";
  for (auto [index, pair] :
       llvm::enumerate(llvm::zip(getInputs(), getResults())))
    if (std::get<0>(pair).getType() != std::get<1>(pair).getType())
      return emitOpError() << "result #" << index << " "
                           << std::get<1>(pair).getType()
                           << " does not have the type of its operand "
                           << std::get<0>(pair).getType();
  return success();
}

//===----------------------------------------------------------------------===//
// UnscaleAndCheckOp
//===----------------------------------------------------------------------===//

LogicalResult UnscaleAndCheckOp::verify() {
  if (getGrads().empty())
    return emitOpError("needs at least one gradient");
  if (std::optional<Type> type = getOverflowType();
      type && !type->isF16() && !type->isBF16())
    return emitOpError() << "overflow_type must be f16 or bf16 (the types a "
                            "gradient can overflow that f32 holds), got "
                         << *type;
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
    return emitOpError() << "min_scale "
                         << formatNumber(minScale->convertToDouble())
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
    return op->emitOpError()
           << "epilogue " << stringifyEpilogue(epilogue)
           << (bias ? " takes no bias operand" : " needs a bias operand");
  if (bias) {
    auto biasType = cast<RankedTensorType>(bias.getType());
    if (biasType.getRank() != 1 ||
        (!ShapedType::isDynamic(channels) &&
         !ShapedType::isDynamic(biasType.getDimSize(0)) &&
         biasType.getDimSize(0) != channels))
      return op->emitOpError() << "bias " << biasType << " must be a vector of "
                               << channels << " output channels";
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
    return op->emitOpError()
           << "aux<relu_mask> must be an i1 tensor, got " << auxType;
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
    return emitOpError() << "result " << resultType << " does not match batch "
                         << n << " and " << f << " output channels";
  auto expected = [](int64_t size, int64_t padLo, int64_t padHi, int64_t k,
                     int64_t stride, int64_t dilation) -> int64_t {
    if (ShapedType::isDynamic(size) || ShapedType::isDynamic(k))
      return ShapedType::kDynamic;
    int64_t span = size + padLo + padHi - dilation * (k - 1) - 1;
    return span < 0 ? -1 : span / stride + 1;
  };
  int64_t eh =
      expected(h, padding[0], padding[2], kh, strides[0], dilations[0]);
  int64_t ew =
      expected(w, padding[1], padding[3], kw, strides[1], dilations[1]);
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
