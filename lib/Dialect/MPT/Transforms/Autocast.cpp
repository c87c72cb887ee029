//===- Autocast.cpp - FP32 training graphs to FP16/BF16 -------------------===//
//
// mpt-autocast colors every op that computes on FP32 values low precision or
// FP32, in five steps modelled on TensorFlow's auto_mixed_precision pass:
//
//  0. contractions are low precision (unless they read an FP32 constant the
//     low type cannot hold); FP32-always, unknown and boundary ops (return,
//     calls, control flow) are FP32;
//  A. FP32 propagates forward from FP32-always/unknown ops through follow and
//     transparent ops, but a transparent op only turns FP32 when the path
//     goes on to an FP32 or follow op;
//  B. follow/transparent ops on a path from one low-precision op to another
//     become low precision (so no cast pair sits between two contractions);
//  C. transparent ops next to low-precision data join it (fed by a
//     low-precision op, or read only by low-precision ops);
//  D. the rest follow their inputs: low precision when every input is.
//
// Then it rewrites in place (no op is rebuilt, so every attribute survives):
// low-precision ops get low-precision operands and results, contractions get
// low-precision inputs and keep their FP32 accumulator, and values that cross
// between the two worlds get one mpt.cast per (value, type), placed right
// after the value's definition and shared by all its users. Function
// signatures do not change: arguments are cast at entry, results at exit.
//
//===----------------------------------------------------------------------===//

#include "mpt/Dialect/MPT/IR/MPTOps.h"
#include "mpt/Dialect/MPT/Transforms/AutocastPolicy.h"
#include "mpt/Dialect/MPT/Transforms/Passes.h"
#include "mpt/Dialect/MPT/Transforms/TrainingStepAnalysis.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tensor/Utils/Utils.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/TypeUtilities.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/raw_ostream.h"

#include <map>

namespace mlir::mpt {
#define GEN_PASS_DEF_MPTAUTOCAST
#include "mpt/Dialect/MPT/Transforms/Passes.h.inc"
} // namespace mlir::mpt

using namespace mlir;
using namespace mlir::mpt;

namespace {

//===----------------------------------------------------------------------===//
// Types and constants
//===----------------------------------------------------------------------===//

bool isF32Valued(Type type) { return getElementTypeOrSelf(type).isF32(); }


/// Converts one FP32 constant to the low-precision semantics with round to
/// nearest even. ±FLT_MAX, the "lowest/highest value" sentinel of max/min
/// reductions, maps to the largest finite low-precision value. Returns
/// std::nullopt when a finite value would overflow to infinity.
std::optional<APFloat> narrow(const APFloat &value,
                              const llvm::fltSemantics &semantics) {
  APFloat result = value;
  bool losesInfo = false;
  if (value.isFinite() &&
      abs(value).bitwiseIsEqual(
          APFloat::getLargest(value.getSemantics(), /*Negative=*/false)))
    return APFloat::getLargest(semantics, value.isNegative());
  result.convert(semantics, APFloat::rmNearestTiesToEven, &losesInfo);
  if (value.isFinite() && result.isInfinity())
    return std::nullopt;
  return result;
}

/// The constant converted to `element`, or null when an element does not fit.
Attribute convertConstant(Attribute attr, Type type, FloatType element) {
  const llvm::fltSemantics &semantics = element.getFloatSemantics();
  auto widen = [&](APFloat value) -> std::optional<APFloat> {
    bool losesInfo;
    if (&semantics == &APFloat::IEEEsingle()) {
      value.convert(semantics, APFloat::rmNearestTiesToEven, &losesInfo);
      return value;
    }
    return narrow(value, semantics);
  };
  if (auto scalar = dyn_cast<FloatAttr>(attr)) {
    std::optional<APFloat> value = widen(scalar.getValue());
    return value ? FloatAttr::get(type, *value) : Attribute();
  }
  auto dense = dyn_cast<DenseFPElementsAttr>(attr);
  if (!dense)
    return {};
  auto shaped = cast<ShapedType>(type);
  if (dense.isSplat()) {
    std::optional<APFloat> value = widen(dense.getSplatValue<APFloat>());
    return value ? DenseElementsAttr::get(shaped, *value) : Attribute();
  }
  SmallVector<APFloat> values;
  values.reserve(dense.getNumElements());
  for (APFloat v : dense.getValues<APFloat>()) {
    std::optional<APFloat> converted = widen(v);
    if (!converted)
      return {};
    values.push_back(*converted);
  }
  return DenseElementsAttr::get(shaped, values);
}

bool isNarrowableConstant(arith::ConstantOp constant, FloatType low) {
  return static_cast<bool>(convertConstant(
      constant.getValue(), withElementType(constant.getType(), low), low));
}

//===----------------------------------------------------------------------===//
// Nodes of the coloring graph
//===----------------------------------------------------------------------===//

enum class Color { Undecided, Low, FP32 };

struct Node {
  Operation *op = nullptr;
  Classification cls;
  Color color = Color::Undecided;
  std::string reason; // why FP32, for the report
  bool isAllow = false;
  SmallVector<unsigned, 4> producers;
  SmallVector<unsigned, 4> users;
  /// Reads FP32 data that no node produces (arguments, user casts, ...).
  bool externalInput = false;
  /// Its results are read by something that is not a node.
  bool externalUser = false;
};

/// True for the optimizer operand that accepts a low-precision gradient.
bool isOptimizerGrad(OpOperand &operand) {
  return isa<SGDOp, AdamOp>(operand.getOwner()) &&
         operand.getOperandNumber() == 1;
}

/// The operands whose values a node computes with (as opposed to shapes,
/// indices, or an accumulator a contraction keeps in FP32).
SmallVector<OpOperand *> dataOperands(Operation *op, bool isContraction) {
  SmallVector<OpOperand *> result;
  if (auto linalgOp = dyn_cast<linalg::LinalgOp>(op)) {
    for (OpOperand *in : linalgOp.getDpsInputOperands())
      result.push_back(in);
    if (!isContraction)
      for (OpOperand &init : linalgOp.getDpsInitsMutable())
        if (linalgOp.payloadUsesValueFromOperand(&init))
          result.push_back(&init);
    return result;
  }
  if (auto pad = dyn_cast<tensor::PadOp>(op)) {
    result.push_back(&pad.getSourceMutable());
    return result;
  }
  if (isa<FusedMatmulOp, FusedConv2DOp>(op)) {
    result.push_back(&op->getOpOperand(0));
    result.push_back(&op->getOpOperand(1));
    return result;
  }
  for (OpOperand &operand : op->getOpOperands())
    if (isa<FloatType>(getElementTypeOrSelf(operand.get().getType())) &&
        !isOptimizerGrad(operand))
      result.push_back(&operand);
  return result;
}

/// Ops autocast never colors: they only carry or convert values.
bool isCarrier(Operation *op) {
  return isa<arith::ConstantOp, tensor::EmptyOp, CastOp, arith::ExtFOp,
             arith::TruncFOp, func::FuncOp>(op);
}

/// True when every float type an op touches is f32, except contraction
/// inputs that are already in `low` (a second run over converted IR).
bool touchesOnlyF32(Operation *op, Type low, bool isContraction) {
  auto ok = [&](Type type, bool mayBeLow) {
    Type element = getElementTypeOrSelf(type);
    if (!isa<FloatType>(element))
      return true;
    return element.isF32() || (mayBeLow && element == low);
  };
  auto linalgOp = dyn_cast<linalg::LinalgOp>(op);
  for (OpOperand &operand : op->getOpOperands()) {
    bool isInput = linalgOp ? linalgOp.isDpsInput(&operand)
                            : (isContraction && operand.getOperandNumber() < 2);
    if (!ok(operand.get().getType(), isContraction && isInput))
      return false;
  }
  for (Type type : op->getResultTypes())
    if (!ok(type, false))
      return false;
  if (linalgOp) {
    // The body computes in f32 only (a converted contraction widens its
    // low-precision arguments to f32 first).
    WalkResult walk = op->walk([&](Operation *inner) {
      if (inner == op)
        return WalkResult::advance();
      for (Type type : inner->getResultTypes())
        if (isa<FloatType>(type) && !type.isF32())
          return WalkResult::interrupt();
      return WalkResult::advance();
    });
    if (walk.wasInterrupted())
      return false;
  }
  return true;
}

//===----------------------------------------------------------------------===//
// Statistics for the report
//===----------------------------------------------------------------------===//

struct OpStats {
  std::string cls;
  int64_t total = 0, low = 0, fp32 = 0;
};

struct Fp32Entry {
  int64_t count = 0;
  std::string example; // location of one instance
};

struct FunctionStats {
  std::string name;
  int64_t floatOps = 0, lowOps = 0, casts = 0, constantsNarrowed = 0;
  int64_t contractionFlops = 0, lowContractionFlops = 0;
  int64_t savedBefore = 0, savedAfter = 0;
  bool hasLoss = false;
};

struct ModuleStats {
  std::map<std::string, OpStats> ops;
  std::map<std::string, int64_t> classCounts;
  std::map<std::pair<std::string, std::string>, Fp32Entry> fp32; // op, reason
  SmallVector<FunctionStats> functions;
};

/// 2 * iterations of a statically shaped contraction (0 when dynamic).
int64_t contractionFlops(Operation *op) {
  if (auto linalgOp = dyn_cast<linalg::LinalgOp>(op)) {
    int64_t iterations = 1;
    for (int64_t range : linalgOp.getStaticLoopRanges()) {
      if (ShapedType::isDynamic(range))
        return 0;
      iterations *= range;
    }
    return 2 * iterations;
  }
  if (auto matmul = dyn_cast<FusedMatmulOp>(op)) {
    auto lhs = cast<RankedTensorType>(matmul.getLhs().getType());
    auto rhs = cast<RankedTensorType>(matmul.getRhs().getType());
    if (!lhs.hasStaticShape() || !rhs.hasStaticShape())
      return 0;
    return 2 * lhs.getDimSize(0) * lhs.getDimSize(1) * rhs.getDimSize(1);
  }
  if (auto conv = dyn_cast<FusedConv2DOp>(op)) {
    auto filter = cast<RankedTensorType>(conv.getFilter().getType());
    auto result = cast<RankedTensorType>(conv.getResult().getType());
    if (!filter.hasStaticShape() || !result.hasStaticShape())
      return 0;
    // Every output element takes KH * KW * C products.
    int64_t perOutput = filter.getNumElements() /
                        (conv.isChannelsLast() ? filter.getDimSize(3)
                                               : filter.getDimSize(0));
    return 2 * result.getNumElements() * perOutput;
  }
  return 0;
}

//===----------------------------------------------------------------------===//
// The rewrite of one function
//===----------------------------------------------------------------------===//

class FunctionAutocast {
public:
  FunctionAutocast(func::FuncOp func, const AutocastPolicy &policy,
                   FloatType low, ModuleStats &stats)
      : func(func), policy(policy), low(low),
        f32(Float32Type::get(func.getContext())), stats(stats) {}

  void run();

private:
  void buildGraph();
  void color();
  void rewrite();
  void record();

  Value convert(Value value, Type element);
  Value freshEmpty(Value like, Type element, Operation *before);
  void retypeToLow(Node &node);
  void retypeLinalgBody(linalg::LinalgOp op);
  void widenContractionInputs(linalg::LinalgOp op);

  bool producesLowData(unsigned index) const {
    return nodes[index].color == Color::Low && !nodes[index].isAllow;
  }
  void setFP32(Node &node, StringRef reason) {
    node.color = Color::FP32;
    node.reason = reason.str();
  }

  func::FuncOp func;
  const AutocastPolicy &policy;
  FloatType low;
  Type f32;
  ModuleStats &stats;
  FunctionStats fnStats;

  std::vector<Node> nodes;
  DenseMap<Operation *, unsigned> nodeIndex;
  DenseMap<std::pair<Value, Type>, Value> castCache;
};

void FunctionAutocast::buildGraph() {
  // Pre-order: producers come before consumers. Linalg bodies belong to their
  // op; control-flow regions are walked.
  func.getBody().walk<WalkOrder::PreOrder>([&](Operation *op) {
    bool usesFloat = llvm::any_of(op->getOperandTypes(), [](Type t) {
                       return isa<FloatType>(getElementTypeOrSelf(t));
                     }) ||
                     llvm::any_of(op->getResultTypes(), [](Type t) {
                       return isa<FloatType>(getElementTypeOrSelf(t));
                     });
    bool opaqueBody = isa<linalg::LinalgOp, tensor::PadOp>(op);
    if (!usesFloat || isCarrier(op))
      return opaqueBody ? WalkResult::skip() : WalkResult::advance();

    Classification cls = policy.classify(op);
    bool isAllow = cls.cls == PrecisionClass::LowPrecision;
    if (!touchesOnlyF32(op, low, isAllow))
      return opaqueBody ? WalkResult::skip() : WalkResult::advance();

    // A contraction that reads an FP32 constant out of the low type's range
    // (or one that would flush to zero) computes in FP32.
    if (isAllow && llvm::any_of(dataOperands(op, true), [&](OpOperand *in) {
          auto constant = in->get().getDefiningOp<arith::ConstantOp>();
          return constant && isF32Valued(constant.getType()) &&
                 !isNarrowableConstant(constant, low);
        }))
      isAllow = false;

    Node node;
    node.op = op;
    node.cls = cls;
    node.isAllow = isAllow;
    nodeIndex[op] = nodes.size();
    nodes.push_back(std::move(node));
    return opaqueBody ? WalkResult::skip() : WalkResult::advance();
  });

  for (unsigned i = 0; i < nodes.size(); ++i) {
    Node &node = nodes[i];
    for (OpOperand *operand : dataOperands(node.op, node.isAllow)) {
      Value value = operand->get();
      if (!isF32Valued(value.getType()))
        continue;
      Operation *def = value.getDefiningOp();
      if (def && isa<arith::ConstantOp>(def))
        continue;
      auto it = def ? nodeIndex.find(def) : nodeIndex.end();
      if (it == nodeIndex.end()) {
        node.externalInput = true;
        continue;
      }
      node.producers.push_back(it->second);
      nodes[it->second].users.push_back(i);
    }
  }
  // Readers that are not nodes (user casts, f64 ops, optimizer gradients
  // excluded: they take either precision).
  for (Node &node : nodes)
    for (Value result : node.op->getResults())
      for (OpOperand &use : result.getUses())
        if (!nodeIndex.count(use.getOwner()) && !isOptimizerGrad(use))
          node.externalUser = true;
}

void FunctionAutocast::color() {
  // Step 0: fixed colors and what rules a node out of low precision.
  for (Node &node : nodes) {
    switch (node.cls.cls) {
    case PrecisionClass::LowPrecision:
      if (node.isAllow)
        node.color = Color::Low;
      else
        setFP32(node, "out-of-range constant");
      continue;
    case PrecisionClass::FP32:
      setFP32(node, "fp32");
      continue;
    case PrecisionClass::Unknown:
      setFP32(node, "unknown");
      continue;
    case PrecisionClass::Boundary:
      setFP32(node, "boundary");
      continue;
    case PrecisionClass::Follow:
    case PrecisionClass::Transparent:
      break;
    }
    // Constants it reads (operands or captured in regions) must fit.
    bool fits = true, capturesValue = false;
    auto checkValue = [&](Value value) {
      if (!isF32Valued(value.getType()))
        return;
      if (auto constant = value.getDefiningOp<arith::ConstantOp>()) {
        if (!isNarrowableConstant(constant, low))
          fits = false;
      }
    };
    for (OpOperand *operand : dataOperands(node.op, false))
      checkValue(operand->get());
    node.op->walk([&](Operation *inner) {
      if (inner == node.op)
        return;
      if (auto constant = dyn_cast<arith::ConstantOp>(inner))
        checkValue(constant.getResult());
      for (Value operand : inner->getOperands()) {
        if (node.op->isAncestor(operand.getParentBlock()->getParentOp()))
          continue;
        if (operand.getDefiningOp<arith::ConstantOp>())
          checkValue(operand);
        else if (isF32Valued(operand.getType()))
          capturesValue = true;
      }
    });
    if (!fits)
      setFP32(node, "out-of-range constant");
    else if (capturesValue)
      setFP32(node, "captures an f32 value from above");
  }

  auto isDeny = [&](const Node &node) {
    return node.cls.cls == PrecisionClass::FP32 ||
           node.cls.cls == PrecisionClass::Unknown;
  };
  auto isFollow = [](const Node &node) {
    return node.cls.cls == PrecisionClass::Follow;
  };
  auto isTransparent = [](const Node &node) {
    return node.cls.cls == PrecisionClass::Transparent;
  };

  // Step A: FP32 flows forward from FP32-always and unknown ops.
  std::vector<char> reached(nodes.size(), 0);
  SmallVector<unsigned> worklist;
  for (unsigned i = 0; i < nodes.size(); ++i)
    if (isDeny(nodes[i]))
      worklist.push_back(i);
  while (!worklist.empty()) {
    unsigned i = worklist.pop_back_val();
    for (unsigned user : nodes[i].users) {
      if (reached[user] || nodes[user].color != Color::Undecided)
        continue;
      reached[user] = 1;
      worklist.push_back(user);
    }
  }
  // Follow ops reached read an FP32 value: they are FP32. Transparent ops
  // reached are FP32 only on a path that goes on to an FP32 or follow op.
  std::vector<char> toFP32(nodes.size(), 0);
  for (unsigned i = 0; i < nodes.size(); ++i)
    if (isDeny(nodes[i]) || (reached[i] && isFollow(nodes[i])))
      worklist.push_back(i);
  while (!worklist.empty()) {
    unsigned i = worklist.pop_back_val();
    for (unsigned producer : nodes[i].producers) {
      if (!reached[producer] || toFP32[producer] ||
          !isTransparent(nodes[producer]))
        continue;
      toFP32[producer] = 1;
      worklist.push_back(producer);
    }
  }
  for (unsigned i = 0; i < nodes.size(); ++i) {
    if (nodes[i].color != Color::Undecided)
      continue;
    if (reached[i] && isFollow(nodes[i]))
      setFP32(nodes[i], "reads an fp32 op's result");
    else if (toFP32[i])
      setFP32(nodes[i], "between fp32 ops");
  }

  // Step B: follow/transparent ops between two low-precision ops.
  std::vector<char> fromAllow(nodes.size(), 0), toAllow(nodes.size(), 0);
  for (unsigned i = 0; i < nodes.size(); ++i)
    if (nodes[i].isAllow)
      worklist.push_back(i);
  while (!worklist.empty()) {
    unsigned i = worklist.pop_back_val();
    for (unsigned user : nodes[i].users)
      if (nodes[user].color == Color::Undecided && !fromAllow[user]) {
        fromAllow[user] = 1;
        worklist.push_back(user);
      }
  }
  for (unsigned i = 0; i < nodes.size(); ++i)
    if (nodes[i].isAllow)
      worklist.push_back(i);
  while (!worklist.empty()) {
    unsigned i = worklist.pop_back_val();
    for (unsigned producer : nodes[i].producers)
      if (nodes[producer].color == Color::Undecided && !toAllow[producer]) {
        toAllow[producer] = 1;
        worklist.push_back(producer);
      }
  }
  for (unsigned i = 0; i < nodes.size(); ++i)
    if (nodes[i].color == Color::Undecided && fromAllow[i] && toAllow[i])
      nodes[i].color = Color::Low;

  // Step C: transparent ops join adjacent low-precision data. A worklist
  // keeps it linear: a node is revisited only when a neighbour turned low.
  auto joinsLow = [&](unsigned i) {
    Node &node = nodes[i];
    bool fedLow = llvm::any_of(node.producers, [&](unsigned p) {
      return producesLowData(p);
    });
    bool readLow = !node.users.empty() && !node.externalUser &&
                   llvm::all_of(node.users, [&](unsigned u) {
                     return nodes[u].color == Color::Low;
                   });
    return fedLow || readLow;
  };
  for (unsigned i = 0; i < nodes.size(); ++i)
    if (nodes[i].color == Color::Undecided && isTransparent(nodes[i]))
      worklist.push_back(i);
  while (!worklist.empty()) {
    unsigned i = worklist.pop_back_val();
    if (nodes[i].color != Color::Undecided || !joinsLow(i))
      continue;
    nodes[i].color = Color::Low;
    for (unsigned next : llvm::concat<unsigned>(nodes[i].producers,
                                                nodes[i].users))
      if (nodes[next].color == Color::Undecided && isTransparent(nodes[next]))
        worklist.push_back(next);
  }

  // Step D: the rest follow their inputs, in program order; ops fed only by
  // constants follow their readers.
  SmallVector<unsigned> sourceless;
  for (unsigned i = 0; i < nodes.size(); ++i) {
    Node &node = nodes[i];
    if (node.color != Color::Undecided)
      continue;
    if (node.producers.empty() && !node.externalInput) {
      sourceless.push_back(i);
      continue;
    }
    bool allLow = !node.externalInput &&
                  llvm::all_of(node.producers, [&](unsigned p) {
                    return producesLowData(p);
                  });
    if (allLow)
      node.color = Color::Low;
    else
      setFP32(node, "follows fp32 inputs");
  }
  for (unsigned i : llvm::reverse(sourceless)) {
    Node &node = nodes[i];
    bool readLow = !node.users.empty() && !node.externalUser &&
                   llvm::all_of(node.users, [&](unsigned u) {
                     return nodes[u].color == Color::Low;
                   });
    if (readLow)
      node.color = Color::Low;
    else
      setFP32(node, "follows fp32 readers");
  }
}

Value FunctionAutocast::convert(Value value, Type element) {
  Type target = withElementType(value.getType(), element);
  if (value.getType() == target)
    return value;
  auto key = std::make_pair(value, target);
  if (Value cached = castCache.lookup(key))
    return cached;

  OpBuilder b(func.getContext());
  Value result;
  Operation *def = value.getDefiningOp();
  if (auto castOp = dyn_cast_or_null<CastOp>(def);
      castOp && castOp.getInput().getType() == target &&
      CastOp::isLossless(target, castOp.getType())) {
    // The value is an exact widening of what we want: take it back.
    result = castOp.getInput();
  } else if (auto constant = dyn_cast_or_null<arith::ConstantOp>(def)) {
    b.setInsertionPointAfter(constant);
    Attribute attr = convertConstant(constant.getValue(), target,
                                     cast<FloatType>(element));
    if (attr) {
      result = arith::ConstantOp::create(b, constant.getLoc(), target,
                                         cast<TypedAttr>(attr));
      if (element != f32)
        ++fnStats.constantsNarrowed;
    }
  } else if (auto empty = dyn_cast_or_null<tensor::EmptyOp>(def)) {
    b.setInsertionPointAfter(empty);
    result = tensor::EmptyOp::create(b, empty.getLoc(),
                                     cast<RankedTensorType>(target),
                                     empty.getDynamicSizes());
  }
  if (!result) {
    b.setInsertionPointAfterValue(value);
    result = CastOp::create(b, value.getLoc(), target, value);
    ++fnStats.casts;
  }
  castCache[key] = result;
  return result;
}

Value FunctionAutocast::freshEmpty(Value like, Type element,
                                   Operation *before) {
  if (like.getDefiningOp<tensor::EmptyOp>())
    return convert(like, element);
  OpBuilder b(before);
  SmallVector<OpFoldResult> sizes =
      tensor::getMixedSizes(b, before->getLoc(), like);
  return tensor::EmptyOp::create(b, before->getLoc(), sizes, element);
}

void FunctionAutocast::widenContractionInputs(linalg::LinalgOp op) {
  Block &body = op->getRegion(0).front();
  OpBuilder b = OpBuilder::atBlockBegin(&body);
  for (OpOperand *input : op.getDpsInputOperands()) {
    BlockArgument arg = body.getArgument(input->getOperandNumber());
    Type element = getElementTypeOrSelf(input->get().getType());
    if (arg.getType() == element)
      continue;
    arg.setType(element);
    auto ext = arith::ExtFOp::create(b, op.getLoc(), f32, arg);
    arg.replaceAllUsesExcept(ext.getResult(), ext);
  }
}

void FunctionAutocast::retypeLinalgBody(linalg::LinalgOp op) {
  Block &body = op->getRegion(0).front();
  for (OpOperand &operand : op->getOpOperands()) {
    BlockArgument arg = body.getArgument(operand.getOperandNumber());
    Type element = getElementTypeOrSelf(operand.get().getType());
    if (arg.getType().isF32() && element == low)
      arg.setType(low);
  }
  SmallVector<Operation *> inner;
  for (Operation &payload : body.without_terminator())
    inner.push_back(&payload);
  for (Operation *payload : inner) {
    if (auto constant = dyn_cast<arith::ConstantOp>(payload)) {
      if (!constant.getType().isF32())
        continue;
      Value narrowed = convert(constant.getResult(), low);
      constant.getResult().replaceAllUsesWith(narrowed);
      constant.erase();
      continue;
    }
    for (OpResult result : payload->getResults())
      if (result.getType().isF32())
        result.setType(low);
  }
}

void FunctionAutocast::retypeToLow(Node &node) {
  Operation *op = node.op;
  auto linalgOp = dyn_cast<linalg::LinalgOp>(op);

  // Inputs and, for non-contractions, outputs.
  for (OpOperand &operand : op->getOpOperands()) {
    Value value = operand.get();
    if (!isF32Valued(value.getType()))
      continue;
    if (isa<FusedMatmulOp, FusedConv2DOp>(op) &&
        operand.getOperandNumber() > 1)
      continue; // bias stays FP32: the epilogue runs on FP32 accumulators
    if (linalgOp && linalgOp.isDpsInit(&operand)) {
      if (node.isAllow)
        continue; // the accumulator stays FP32
      if (!linalgOp.payloadUsesValueFromOperand(&operand)) {
        operand.set(freshEmpty(value, low, op));
        continue;
      }
    }
    if (isa<tensor::PadOp>(op) && operand.getOperandNumber() != 0)
      continue;
    operand.set(convert(value, low));
  }

  if (node.isAllow) {
    if (linalgOp)
      widenContractionInputs(linalgOp);
    return;
  }

  // Constants captured by regions (a pad value, a body constant defined
  // above).
  op->walk([&](Operation *inner) {
    if (inner == op)
      return;
    for (OpOperand &operand : inner->getOpOperands()) {
      Value value = operand.get();
      if (!isF32Valued(value.getType()) ||
          op->isAncestor(value.getParentBlock()->getParentOp()))
        continue;
      if (value.getDefiningOp<arith::ConstantOp>())
        operand.set(convert(value, low));
    }
  });

  for (OpResult result : op->getResults())
    if (isF32Valued(result.getType()))
      result.setType(withElementType(result.getType(), low));

  if (linalgOp)
    retypeLinalgBody(linalgOp);
}

void FunctionAutocast::rewrite() {
  // Phase 1: low-precision nodes, producers first.
  SmallVector<Value> retyped;
  for (Node &node : nodes) {
    if (node.color != Color::Low)
      continue;
    retypeToLow(node);
    if (!node.isAllow)
      for (Value result : node.op->getResults())
        if (getElementTypeOrSelf(result.getType()) == low)
          retyped.push_back(result);
  }
  // Phase 2: everything else that reads a now low-precision value gets it
  // back in FP32, through one shared cast per value. Program order is taken
  // once up front: asking the block after each insertion would renumber it.
  DenseMap<Operation *, unsigned> order;
  func.getBody().walk([&](Operation *op) { order[op] = order.size(); });
  for (Value value : retyped) {
    SmallVector<OpOperand *> uses;
    for (OpOperand &use : value.getUses()) {
      Operation *owner = use.getOwner();
      auto it = nodeIndex.find(owner);
      bool ownerLow = it != nodeIndex.end() &&
                      nodes[it->second].color == Color::Low;
      if (ownerLow) {
        auto linalgOwner = dyn_cast<linalg::LinalgOp>(owner);
        bool isAccumulator = nodes[it->second].isAllow && linalgOwner &&
                             linalgOwner.isDpsInit(&use);
        if (!isAccumulator)
          continue;
      }
      if (isOptimizerGrad(use))
        continue;
      uses.push_back(&use);
    }
    if (uses.empty())
      continue;
    // The up-cast goes right before its first reader when all readers share
    // a block, so only the low-precision value stays alive until then (a
    // forward activation the backward pass reads is kept in low precision).
    Block *block = uses.front()->getOwner()->getBlock();
    Operation *first = uses.front()->getOwner();
    bool sameBlock = true;
    for (OpOperand *use : uses) {
      Operation *owner = use->getOwner();
      if (owner->getBlock() != block) {
        sameBlock = false;
        break;
      }
      if (order.lookup(owner) < order.lookup(first))
        first = owner;
    }
    Value up;
    if (sameBlock) {
      OpBuilder b(first);
      Type target = withElementType(value.getType(), f32);
      up = CastOp::create(b, value.getLoc(), target, value);
      ++fnStats.casts;
    } else {
      up = convert(value, f32);
    }
    for (OpOperand *use : uses)
      use->set(up);
  }
}

void FunctionAutocast::record() {
  for (Node &node : nodes) {
    std::string name = node.op->getName().getStringRef().str();
    OpStats &op = stats.ops[name];
    std::string cls = stringifyPrecisionClass(node.cls.cls).str();
    if (op.cls.empty())
      op.cls = cls;
    else if (op.cls != cls && op.cls.find(cls) == std::string::npos)
      op.cls += "|" + cls; // linalg.generic spans classes
    ++op.total;
    ++stats.classCounts[cls];
    ++fnStats.floatOps;
    if (node.color == Color::Low) {
      ++op.low;
      ++fnStats.lowOps;
    } else {
      ++op.fp32;
      std::string reason = node.reason;
      if (reason == "fp32" || reason == "unknown")
        reason = reason == "fp32" ? "deny" : "unknown";
      if (!node.cls.reason.empty() && node.reason == "fp32")
        reason = "deny: " + node.cls.reason;
      Fp32Entry &entry = stats.fp32[{node.cls.key, reason}];
      if (!entry.count) {
        std::string loc;
        llvm::raw_string_ostream os(loc);
        node.op->getLoc().print(os);
        entry.example = loc;
      }
      ++entry.count;
    }
  }
}

void FunctionAutocast::run() {
  fnStats.name = func.getSymName().str();
  std::optional<int64_t> before = measureSavedActivationBytes(func);
  fnStats.hasLoss = before.has_value();
  fnStats.savedBefore = before.value_or(0);
  buildGraph();
  color();
  record();
  rewrite();
  fnStats.savedAfter = measureSavedActivationBytes(func).value_or(0);

  // Contraction FLOPs after the rewrite, low precision when the inputs are.
  func.walk([&](Operation *op) {
    Classification cls = policy.classify(op);
    bool structural = cls.isContraction ||
                      (isa<linalg::LinalgOp>(op) &&
                       StringRef(cls.key).ends_with("(contraction)"));
    if (!structural)
      return;
    int64_t flops = contractionFlops(op);
    fnStats.contractionFlops += flops;
    if (getElementTypeOrSelf(op->getOperand(0).getType()) == low)
      fnStats.lowContractionFlops += flops;
  });
  stats.functions.push_back(fnStats);
}

//===----------------------------------------------------------------------===//
// The pass
//===----------------------------------------------------------------------===//

void writeReport(llvm::raw_ostream &os, const ModuleStats &stats,
                 StringRef precision) {
  llvm::json::OStream json(os, 2);
  json.object([&] {
    json.attribute("pass", "mpt-autocast");
    json.attribute("precision", precision);
    int64_t floatOps = 0, lowOps = 0, casts = 0, narrowed = 0, flops = 0,
            lowFlops = 0, savedBefore = 0, savedAfter = 0;
    for (const FunctionStats &f : stats.functions) {
      floatOps += f.floatOps;
      lowOps += f.lowOps;
      casts += f.casts;
      narrowed += f.constantsNarrowed;
      flops += f.contractionFlops;
      lowFlops += f.lowContractionFlops;
      savedBefore += f.savedBefore;
      savedAfter += f.savedAfter;
    }
    json.attribute("float_ops", floatOps);
    json.attribute("low_precision_ops", lowOps);
    json.attribute("fp32_ops", floatOps - lowOps);
    json.attribute("casts_inserted", casts);
    json.attribute("constants_narrowed", narrowed);
    json.attributeObject("contraction_flops", [&] {
      json.attribute("total", flops);
      json.attribute("low_precision", lowFlops);
      json.attribute("low_precision_share",
                     flops ? double(lowFlops) / double(flops) : 0.0);
    });
    json.attributeObject("saved_activation_bytes", [&] {
      json.attribute("fp32_before", savedBefore);
      json.attribute("after", savedAfter);
    });
    json.attributeObject("classes", [&] {
      for (const auto &[cls, count] : stats.classCounts)
        json.attribute(cls, count);
    });
    json.attributeObject("ops", [&] {
      for (const auto &[name, op] : stats.ops)
        json.attributeObject(name, [&] {
          json.attribute("class", op.cls);
          json.attribute("total", op.total);
          json.attribute("low_precision", op.low);
          json.attribute("fp32", op.fp32);
        });
    });
    json.attributeArray("left_fp32", [&] {
      for (const auto &[key, entry] : stats.fp32)
        json.object([&] {
          json.attribute("op", key.first);
          json.attribute("reason", key.second);
          json.attribute("count", entry.count);
          json.attribute("example", entry.example);
        });
    });
    json.attributeArray("functions", [&] {
      for (const FunctionStats &f : stats.functions)
        json.object([&] {
          json.attribute("name", f.name);
          json.attribute("float_ops", f.floatOps);
          json.attribute("low_precision_ops", f.lowOps);
          json.attribute("casts_inserted", f.casts);
          json.attribute("constants_narrowed", f.constantsNarrowed);
          json.attribute("contraction_flops", f.contractionFlops);
          json.attribute("low_precision_contraction_flops",
                         f.lowContractionFlops);
          json.attribute("saved_activation_bytes_fp32_before", f.savedBefore);
          json.attribute("saved_activation_bytes_after", f.savedAfter);
        });
    });
  });
  os << "\n";
}

struct MPTAutocastPass
    : public mpt::impl::MPTAutocastBase<MPTAutocastPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    MLIRContext *context = module.getContext();
    FloatType low = getLowPrecisionType(context, precision);
    StringRef precisionName = stringifyLowPrecision(precision);

    AutocastPolicy policy;
    std::string error;
    if (failed(policy.applyOverrides(
            {{PrecisionClass::LowPrecision, lowPrecisionOps},
             {PrecisionClass::FP32, fp32Ops},
             {PrecisionClass::Follow, followOps},
             {PrecisionClass::Transparent, transparentOps},
             {PrecisionClass::Unknown, unlistedOps}},
            error))) {
      module.emitError() << "mpt-autocast: " << error
                         << "; name each op in one option only";
      return signalPassFailure();
    }

    // Only contractions can be in the low-precision class: its ops read
    // low-precision inputs into an FP32 accumulator.
    if (!lowPrecisionOps.empty()) {
      llvm::StringSet<> named;
      for (const std::string &name : lowPrecisionOps)
        named.insert(name);
      bool wrong = false;
      module.walk([&](Operation *op) {
        if (!named.contains(op->getName().getStringRef()) ||
            AutocastPolicy::isContractionLike(op))
          return;
        // The implicit bodies of named linalg ops are not the user's ops.
        Operation *parent = op->getParentOp();
        if (isa<linalg::LinalgOp>(parent) && !isa<linalg::GenericOp>(parent))
          return;
        op->emitError()
            << "mpt-autocast: low-precision-ops names '" << op->getName()
            << "', but this op is not a contraction (low-precision inputs, "
               "FP32 accumulator); name it in follow-ops to compute it in "
            << precisionName << " when its inputs are";
        wrong = true;
      });
      if (wrong)
        return signalPassFailure();
    }

    ModuleStats stats;
    for (func::FuncOp func : module.getOps<func::FuncOp>()) {
      if (func.isExternal())
        continue;
      FunctionAutocast(func, policy, low, stats).run();
      const FunctionStats &f = stats.functions.back();
      numLowPrecisionOps += f.lowOps;
      numFP32Ops += f.floatOps - f.lowOps;
      numCasts += f.casts;
      numConstantsNarrowed += f.constantsNarrowed;
      if (emitSummary)
        emitRemark(func.getLoc()) << "mpt-autocast: @" << f.name << ": " << f.lowOps
                          << "/" << f.floatOps << " float ops in " << precisionName
                          << " using " << f.casts << " casts; "
                          << (f.contractionFlops
                                  ? 100 * f.lowContractionFlops /
                                        f.contractionFlops
                                  : 0)
                          << "% of contraction FLOPs in " << precisionName
                          << "; saved activations " << f.savedBefore
                          << " -> " << f.savedAfter << " bytes";
    }

    if (report.empty())
      return;
    if (report == "-") {
      writeReport(llvm::outs(), stats, precisionName);
      return;
    }
    std::error_code ec;
    llvm::raw_fd_ostream os(report, ec, llvm::sys::fs::OF_Text);
    if (ec) {
      module.emitError() << "mpt-autocast: cannot write the report to '"
                         << report << "': " << ec.message();
      return signalPassFailure();
    }
    writeReport(os, stats, precisionName);
  }
};

} // namespace
