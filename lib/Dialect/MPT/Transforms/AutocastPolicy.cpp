//===- AutocastPolicy.cpp - autocast's op classes and default lists -------===//
//
// The default lists follow TensorFlow's auto_mixed_precision lists and PyTorch
// autocast (docs/passes.md says where each comes from): contractions always
// low precision; exp/log/pow, reductions, normalisation statistics, softmax
// and losses always FP32; elementwise arithmetic follows its inputs; data
// movement and exact ops (ReLU, max, select) are transparent.
//
//===----------------------------------------------------------------------===//

#include "mpt/Dialect/MPT/Transforms/AutocastPolicy.h"

#include "mpt/Dialect/MPT/IR/MPTOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "llvm/ADT/StringSet.h"

#include <algorithm>

using namespace mlir;
using namespace mlir::mpt;

StringRef mlir::mpt::stringifyPrecisionClass(PrecisionClass cls) {
  switch (cls) {
  case PrecisionClass::LowPrecision:
    return "low_precision";
  case PrecisionClass::FP32:
    return "fp32";
  case PrecisionClass::Follow:
    return "follow";
  case PrecisionClass::Transparent:
    return "transparent";
  case PrecisionClass::Unknown:
    return "unknown";
  case PrecisionClass::Boundary:
    return "boundary";
  }
  llvm_unreachable("unknown precision class");
}

//===----------------------------------------------------------------------===//
// Default lists
//===----------------------------------------------------------------------===//

static const char *const kLowPrecisionOps[] = {
    "linalg.matmul",       "linalg.batch_matmul", "linalg.batch_reduce_matmul",
    "linalg.matvec",       "linalg.vecmat",       "linalg.batch_matvec",
    "linalg.batch_vecmat", "linalg.dot",          "linalg.contract",
    "linalg.mmt4d",        "linalg.batch_mmt4d",  "mpt.fused_matmul",
    "mpt.fused_conv2d",
    // Every linalg.conv_* and linalg.depthwise_conv_* through prefix rules.
};

static const char *const kFP32Ops[] = {
    // Transcendentals whose range or accuracy FP16 cannot hold.
    "math.exp",
    "math.exp2",
    "math.expm1",
    "math.log",
    "math.log1p",
    "math.log2",
    "math.log10",
    "math.powf",
    "math.fpowi",
    "math.rsqrt",
    "math.sqrt",
    "math.cbrt",
    "math.erfc",
    "math.sin",
    "math.cos",
    "math.tan",
    "math.asin",
    "math.acos",
    "math.atan",
    "math.atan2",
    "math.sinh",
    "math.cosh",
    "math.asinh",
    "math.acosh",
    "math.atanh",
    "arith.remf",
    // Normalised outputs and losses.
    "linalg.softmax",
    // Training semantics.
    "mpt.loss",
    "mpt.grad_seed",
    "mpt.sgd",
    "mpt.adam",
    "mpt.unscale_and_check",
    "mpt.update_scale",
};

static const char *const kFollowOps[] = {
    "arith.addf",   "arith.subf",   "arith.mulf",     "arith.divf",
    "math.tanh",    "math.erf",     "math.fma",       "math.floor",
    "math.ceil",    "math.round",   "math.roundeven", "math.trunc",
    "arith.sitofp", "arith.uitofp",
    // Average pooling through prefix rules (linalg.pooling_*_sum).
};

static const char *const kTransparentOps[] = {
    "arith.maximumf",      "arith.minimumf",      "arith.maxnumf",
    "arith.minnumf",       "arith.cmpf",          "arith.select",
    "arith.negf",          "math.absf",           "math.copysign",
    "linalg.fill",         "linalg.transpose",    "linalg.broadcast",
    "linalg.copy",         "tensor.expand_shape", "tensor.collapse_shape",
    "tensor.reshape",      "tensor.cast",         "tensor.extract_slice",
    "tensor.insert_slice", "tensor.concat",       "tensor.pad",
    "tensor.extract",      "tensor.insert",       "tensor.from_elements",
    "tensor.splat",
    // Max/min pooling through prefix rules (linalg.pooling_*_max/min).
};

static const char *const kBoundaryOps[] = {
    "func.return",      "func.call",     "func.call_indirect",
    "scf.for",          "scf.while",     "scf.if",
    "scf.yield",        "scf.condition", "scf.execute_region",
    "scf.index_switch", "scf.forall",    "scf.parallel",
    "scf.reduce",       "cf.br",         "cf.cond_br",
    "cf.switch",
};

AutocastPolicy::AutocastPolicy() {
  for (const char *name : kLowPrecisionOps)
    classes[name] = PrecisionClass::LowPrecision;
  for (const char *name : kFP32Ops)
    classes[name] = PrecisionClass::FP32;
  for (const char *name : kFollowOps)
    classes[name] = PrecisionClass::Follow;
  for (const char *name : kTransparentOps)
    classes[name] = PrecisionClass::Transparent;
  for (const char *name : kBoundaryOps)
    classes[name] = PrecisionClass::Boundary;
}

LogicalResult AutocastPolicy::applyOverrides(
    ArrayRef<std::pair<PrecisionClass, ArrayRef<std::string>>> overrides,
    std::string &error) {
  llvm::StringMap<PrecisionClass> requested;
  for (const auto &[cls, names] : overrides) {
    for (const std::string &name : names) {
      auto [it, inserted] = requested.try_emplace(name, cls);
      if (!inserted && it->second != cls) {
        error = "op '" + name + "' is named for two classes: " +
                stringifyPrecisionClass(it->second).str() + " and " +
                stringifyPrecisionClass(cls).str();
        return failure();
      }
    }
  }
  for (const auto &entry : requested)
    classes[entry.getKey()] = entry.getValue();
  return success();
}

std::optional<PrecisionClass> AutocastPolicy::lookup(StringRef name) const {
  auto it = classes.find(name);
  if (it != classes.end())
    return it->second;
  if (name.starts_with("linalg.conv_") ||
      name.starts_with("linalg.depthwise_conv_"))
    return PrecisionClass::LowPrecision;
  if (name.starts_with("linalg.pooling_")) {
    if (name.contains("_max") || name.contains("_min"))
      return PrecisionClass::Transparent;
    if (name.contains("_sum"))
      return PrecisionClass::Follow;
  }
  return std::nullopt;
}

SmallVector<std::pair<std::string, PrecisionClass>>
AutocastPolicy::listAll() const {
  SmallVector<std::pair<std::string, PrecisionClass>> all;
  for (const auto &entry : classes)
    all.push_back({entry.getKey().str(), entry.getValue()});
  all.push_back({"linalg.conv_*", PrecisionClass::LowPrecision});
  all.push_back({"linalg.depthwise_conv_*", PrecisionClass::LowPrecision});
  all.push_back({"linalg.pooling_*_max / _min", PrecisionClass::Transparent});
  all.push_back({"linalg.pooling_*_sum", PrecisionClass::Follow});
  llvm::sort(all);
  return all;
}

//===----------------------------------------------------------------------===//
// Classification
//===----------------------------------------------------------------------===//

/// Severity order when payload ops disagree: the most restrictive wins.
static int rank(PrecisionClass cls) {
  switch (cls) {
  case PrecisionClass::Transparent:
    return 0;
  case PrecisionClass::Follow:
    return 1;
  case PrecisionClass::LowPrecision:
    return 1;
  case PrecisionClass::FP32:
  case PrecisionClass::Boundary:
    return 2;
  case PrecisionClass::Unknown:
    return 3;
  }
  return 3;
}

/// Strips an arith.extf (a contraction body widening its operands).
static Value stripExt(Value v) {
  if (auto ext = v.getDefiningOp<arith::ExtFOp>())
    return ext.getIn();
  return v;
}

/// True for a body `yield(addf(out, mulf(a, b)))` with `a` and `b` block
/// arguments of two inputs (optionally widened) and `out` the output's, the
/// inputs indexed differently. Two inputs indexed alike (sum(y * log p), a
/// weighted sum) reuse no element across outputs: that is a reduction of an
/// elementwise product, not a contraction.
static bool isMulAddBody(linalg::LinalgOp op) {
  if (op.getNumDpsInputs() != 2 || op.getNumDpsInits() != 1)
    return false;
  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  if (maps[0] == maps[1])
    return false;
  Block &body = op->getRegion(0).front();
  auto yield = dyn_cast<linalg::YieldOp>(body.getTerminator());
  if (!yield || yield.getNumOperands() != 1)
    return false;
  auto add = yield.getOperand(0).getDefiningOp<arith::AddFOp>();
  if (!add)
    return false;
  Value out = body.getArgument(2);
  Value other;
  if (add.getLhs() == out)
    other = add.getRhs();
  else if (add.getRhs() == out)
    other = add.getLhs();
  else
    return false;
  auto mul = other.getDefiningOp<arith::MulFOp>();
  if (!mul)
    return false;
  auto a = dyn_cast<BlockArgument>(stripExt(mul.getLhs()));
  auto b = dyn_cast<BlockArgument>(stripExt(mul.getRhs()));
  if (!a || !b || a.getOwner() != &body || b.getOwner() != &body)
    return false;
  if (a.getArgNumber() > 1 || b.getArgNumber() > 1 ||
      a.getArgNumber() == b.getArgNumber())
    return false;
  // Nothing else in the body but widening casts.
  for (Operation &inner : body.without_terminator())
    if (&inner != add && &inner != mul && !isa<arith::ExtFOp>(inner))
      return false;
  return true;
}

/// Integer-to-float conversions of integers wider than 8 bits are FP32:
/// bf16 holds every integer of up to 8 bits exactly, f16 up to 11 bits, and
/// f16 overflows past 65504 (an i32 count or index converted in f16 may be
/// rounded or become inf).
static std::optional<std::string> wideIntToFloat(Operation &op) {
  if (!isa<arith::SIToFPOp, arith::UIToFPOp>(op))
    return std::nullopt;
  Type source = getElementTypeOrSelf(op.getOperand(0).getType());
  unsigned width = source.getIntOrFloatBitWidth();
  if (width <= 8)
    return std::nullopt;
  return op.getName().getStringRef().str() + " from i" + std::to_string(width) +
         " (exact in f16/bf16 only up to 8 bits)";
}

bool AutocastPolicy::isContractionLike(Operation *op) {
  if (isa<FusedMatmulOp, FusedConv2DOp>(op))
    return true;
  auto linalgOp = dyn_cast<linalg::LinalgOp>(op);
  if (!linalgOp)
    return false;
  if (isa<linalg::GenericOp>(op))
    return linalgOp.getNumReductionLoops() > 0 && isMulAddBody(linalgOp);
  return linalg::isaContractionOpInterface(linalgOp) ||
         linalg::isaConvolutionOpInterface(linalgOp);
}

/// True when `v` comes from a reduction, possibly through reshapes and
/// broadcasts (a softmax or normalisation denominator).
static bool producedByReduction(Value v) {
  for (int depth = 0; depth < 8; ++depth) {
    Operation *def = v.getDefiningOp();
    if (!def)
      return false;
    if (isa<linalg::ReduceOp>(def))
      return true;
    if (auto linalgOp = dyn_cast<linalg::LinalgOp>(def)) {
      if (linalgOp.getNumReductionLoops() > 0)
        return true;
      // Look through broadcasts / copies with a single input.
      if (linalgOp.getNumDpsInputs() != 1)
        return false;
      v = linalgOp.getDpsInputOperand(0)->get();
      continue;
    }
    if (isa<tensor::ExpandShapeOp, tensor::CollapseShapeOp, tensor::CastOp,
            mpt::CastOp>(def)) {
      v = def->getOperand(0);
      continue;
    }
    return false;
  }
  return false;
}

/// True when the divisor of `div`, a payload op of `op`, is an input that
/// comes from a reduction (a softmax or normalisation denominator).
static bool dividesByReduction(arith::DivFOp div, linalg::LinalgOp op) {
  Block &body = op->getRegion(0).front();
  auto arg = dyn_cast<BlockArgument>(div.getRhs());
  return arg && arg.getOwner() == &body &&
         arg.getArgNumber() < op.getNumDpsInputs() &&
         producedByReduction(op.getDpsInputOperand(arg.getArgNumber())->get());
}

std::pair<PrecisionClass, std::string>
AutocastPolicy::classifyPayload(Operation &inner, linalg::LinalgOp op) const {
  StringRef name = inner.getName().getStringRef();
  if (auto div = dyn_cast<arith::DivFOp>(inner);
      div && dividesByReduction(div, op))
    return {PrecisionClass::FP32, "division by a reduction"};
  std::optional<PrecisionClass> listed = lookup(name);
  if (!listed)
    return {PrecisionClass::Unknown, "unknown payload op " + name.str()};
  if (*listed == PrecisionClass::FP32)
    return {PrecisionClass::FP32, "fp32 op " + name.str()};
  if (std::optional<std::string> wide = wideIntToFloat(inner);
      wide && *listed == PrecisionClass::Follow)
    return {PrecisionClass::FP32, *wide};
  // A contraction's own payload (a multiply) only follows.
  if (*listed == PrecisionClass::LowPrecision)
    return {PrecisionClass::Follow, ""};
  return {*listed, ""};
}

/// Reductions: sums and means over more than one element are FP32; max/min
/// reductions (max pooling, softmax's stabiliser) keep `result`.
static Classification classifyReduction(linalg::LinalgOp linalgOp,
                                        Classification result) {
  int64_t reduced = 1;
  bool dynamic = false;
  SmallVector<int64_t> ranges = linalgOp.getStaticLoopRanges();
  SmallVector<utils::IteratorType> iterators = linalgOp.getIteratorTypesArray();
  for (auto [range, iterator] : llvm::zip(ranges, iterators)) {
    if (iterator != utils::IteratorType::reduction)
      continue;
    if (ShapedType::isDynamic(range))
      dynamic = true;
    else
      reduced *= range;
  }
  if (!dynamic && reduced <= 1)
    return result;
  Block &body = linalgOp->getRegion(0).front();
  auto yield = cast<linalg::YieldOp>(body.getTerminator());
  bool isMaxLike = llvm::all_of(yield.getOperands(), [](Value v) {
    return isa_and_nonnull<arith::MaximumFOp, arith::MinimumFOp,
                           arith::MaxNumFOp, arith::MinNumFOp>(
        v.getDefiningOp());
  });
  if (isMaxLike)
    return result;
  result.cls = PrecisionClass::FP32;
  result.key = "reduction";
  result.reason =
      dynamic ? "reduction over a dynamic number of elements"
              : "reduction over " + std::to_string(reduced) + " elements";
  return result;
}

Classification AutocastPolicy::classifyLinalgBody(Operation *op) const {
  auto linalgOp = cast<linalg::LinalgOp>(op);
  Classification result;
  result.cls = PrecisionClass::Transparent;
  result.key = "copy";
  if (op->getNumRegions() != 1 || op->getRegion(0).empty()) {
    result.cls = PrecisionClass::Unknown;
    result.reason = "linalg op without a body";
    return result;
  }
  unsigned numReductions = linalgOp.getNumReductionLoops();
  if (numReductions > 0 && isMulAddBody(linalgOp)) {
    result.cls = PrecisionClass::LowPrecision;
    result.isContraction = true;
    result.key = "contraction";
    return result;
  }

  // The most restrictive payload op decides. Integer and index arithmetic
  // (label compares, index casts) does not decide the precision of the
  // floats.
  int worst = -1;
  auto isFloat = [](Type t) { return isa<FloatType>(t); };
  for (Operation &inner : op->getRegion(0).front().without_terminator()) {
    if (isa<arith::ConstantOp, linalg::IndexOp>(inner) ||
        (llvm::none_of(inner.getOperandTypes(), isFloat) &&
         llvm::none_of(inner.getResultTypes(), isFloat)))
      continue;
    auto [cls, reason] = classifyPayload(inner, linalgOp);
    if (rank(cls) > worst) {
      worst = rank(cls);
      result.cls = cls;
      result.key = inner.getName().getStringRef().str();
      result.reason = reason;
    }
  }
  if (numReductions == 0 || result.cls == PrecisionClass::Unknown)
    return result;
  return classifyReduction(linalgOp, result);
}

Classification AutocastPolicy::classify(Operation *op) const {
  StringRef name = op->getName().getStringRef();
  Classification result;
  result.key = name.str();
  if (std::optional<PrecisionClass> listed = lookup(name)) {
    result.cls = *listed;
    result.isContraction = *listed == PrecisionClass::LowPrecision;
    if (*listed == PrecisionClass::FP32)
      result.reason = "fp32 op";
    if (std::optional<std::string> wide = wideIntToFloat(*op);
        wide && *listed == PrecisionClass::Follow) {
      result.cls = PrecisionClass::FP32;
      result.reason = *wide;
    }
    return result;
  }
  if (isa<linalg::LinalgOp>(op)) {
    Classification body = classifyLinalgBody(op);
    body.key = name.str() + "(" + body.key + ")";
    return body;
  }
  result.cls = PrecisionClass::Unknown;
  result.reason = "unknown op";
  return result;
}
