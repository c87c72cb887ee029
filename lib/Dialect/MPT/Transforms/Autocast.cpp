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
// Then it rewrites in place through a rewriter (no op is rebuilt, so every
// attribute survives, and a listener sees every change): low-precision ops
// get low-precision operands and results, contractions get low-precision
// inputs and keep their FP32 accumulator, and values that cross between the
// two worlds get one mpt.cast per (value, type), placed right after the
// value's definition and shared by all its users. Function signatures do not
// change: arguments are cast at entry, results at exit. Ops on buffers
// (memrefs) are left alone and reported: autocast rewrites tensor programs.
//
// Every decision is a remark (PassReport.h); the JSON report lists them.
//
//===----------------------------------------------------------------------===//

#include "mpt/Dialect/MPT/IR/MPTOps.h"
#include "mpt/Dialect/MPT/Transforms/AutocastPolicy.h"
#include "mpt/Dialect/MPT/Transforms/PassReport.h"
#include "mpt/Dialect/MPT/Transforms/Passes.h"
#include "mpt/Dialect/MPT/Transforms/TrainingStepAnalysis.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tensor/Utils/Utils.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/IR/TypeUtilities.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/MapVector.h"
#include "llvm/ADT/StringSet.h"

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
  if (value.isFinite() && abs(value).bitwiseIsEqual(APFloat::getLargest(
                              value.getSemantics(), /*Negative=*/false)))
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
  auto shaped = cast<ShapedType>(type);
  // Large constants of framework graphs (torch-mlir) are dense_resource
  // blobs: read like dense ones, when the blob is there.
  if (auto resource = dyn_cast<DenseF32ResourceElementsAttr>(attr)) {
    std::optional<ArrayRef<float>> data = resource.tryGetAsArrayRef();
    if (!data)
      return {};
    SmallVector<APFloat> values;
    values.reserve(data->size());
    for (float f : *data) {
      std::optional<APFloat> converted = widen(APFloat(f));
      if (!converted)
        return {};
      values.push_back(*converted);
    }
    return DenseElementsAttr::get(shaped, values);
  }
  auto dense = dyn_cast<DenseFPElementsAttr>(attr);
  if (!dense)
    return {};
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

/// True for a type whose values live in memory (a memref): autocast rewrites
/// tensor programs and leaves buffer ops alone.
bool isBufferType(Type type) { return isa<BaseMemRefType>(type); }

/// True for an op that reads or writes a buffer (memref) operand or result.
bool hasBufferSemantics(Operation *op) {
  return llvm::any_of(op->getOperandTypes(), isBufferType) ||
         llvm::any_of(op->getResultTypes(), isBufferType);
}

/// True when an op computes on or produces a float value.
bool usesFloat(Operation *op) {
  auto isFloat = [](Type t) { return isa<FloatType>(getElementTypeOrSelf(t)); };
  return llvm::any_of(op->getOperandTypes(), isFloat) ||
         llvm::any_of(op->getResultTypes(), isFloat);
}

/// The reason a buffer op is left in FP32, as the report says it.
constexpr llvm::StringLiteral kBufferReason =
    "operates on buffers (memrefs); autocast rewrites tensors only";

//===----------------------------------------------------------------------===//
// Figures of one function
//===----------------------------------------------------------------------===//

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
    int64_t perOutput =
        filter.getNumElements() /
        (conv.isChannelsLast() ? filter.getDimSize(3) : filter.getDimSize(0));
    return 2 * result.getNumElements() * perOutput;
  }
  return 0;
}

/// The decisions on the ops of one name in one function.
struct OpTally {
  std::string cls;
  int64_t low = 0;
  std::optional<Location> firstLow;
};

/// The ops of one name left in FP32 for one reason.
struct FP32Tally {
  int64_t count = 0;
  std::optional<Location> first;
};

//===----------------------------------------------------------------------===//
// The rewrite of one function
//===----------------------------------------------------------------------===//

class FunctionAutocast {
public:
  FunctionAutocast(RewriterBase &rewriter, func::FuncOp func,
                   const AutocastPolicy &policy, FloatType low)
      : rewriter(rewriter), func(func), policy(policy), low(low),
        f32(Float32Type::get(func.getContext())) {}

  AutocastSummary run();
  void report(PassReport *report, StringRef passName);

private:
  // The coloring graph.
  void buildGraph();
  bool addNode(Operation *op);
  void connectNodes();

  // The five coloring steps.
  void colorFixed();
  void checkConstantsFit(Node &node);
  void propagateFP32();
  void joinBetweenLowOps();
  void joinAdjacentTransparent();
  void followInputs();

  // The rewrite.
  void rewrite();
  void upcastReaders(Value value, const DenseMap<Operation *, unsigned> &order);
  Value convert(Value value, Type element);
  Value freshEmpty(Value like, Type element, Operation *before);
  void retypeToLow(Node &node);
  void retypeLinalgBody(linalg::LinalgOp op);
  void widenContractionInputs(linalg::LinalgOp op);

  // Figures and remarks.
  void tally();
  void measureContractions();

  bool producesLowData(unsigned index) const {
    return nodes[index].color == Color::Low && !nodes[index].isAllow;
  }
  bool readOnlyByLow(const Node &node) const {
    return !node.users.empty() && !node.externalUser &&
           llvm::all_of(node.users, [&](unsigned u) {
             return nodes[u].color == Color::Low;
           });
  }
  void setFP32(Node &node, StringRef reason) {
    node.color = Color::FP32;
    node.reason = reason.str();
  }

  RewriterBase &rewriter;
  func::FuncOp func;
  const AutocastPolicy &policy;
  FloatType low;
  Type f32;
  AutocastSummary summary;

  std::vector<Node> nodes;
  DenseMap<Operation *, unsigned> nodeIndex;
  DenseMap<std::pair<Value, Type>, Value> castCache;
  /// Float ops on buffers, left alone.
  SmallVector<Operation *> bufferOps;

  // What the remarks say, by op name and by (op key, reason).
  llvm::MapVector<StringRef, OpTally> lowByName;
  std::map<std::pair<std::string, std::string>, FP32Tally> fp32ByReason;
  std::map<std::string, int64_t> classCounts;
};

//===----------------------------------------------------------------------===//
// The coloring graph
//===----------------------------------------------------------------------===//

/// Makes `op` a node if it computes on FP32 tensors or scalars; returns
/// whether the walk must skip its regions (linalg bodies belong to their
/// op).
bool FunctionAutocast::addNode(Operation *op) {
  bool opaqueBody = isa<linalg::LinalgOp, tensor::PadOp>(op);
  if (!usesFloat(op) || isCarrier(op))
    return opaqueBody;
  if (hasBufferSemantics(op)) {
    bufferOps.push_back(op);
    return true;
  }
  Classification cls = policy.classify(op);
  bool isAllow = cls.cls == PrecisionClass::LowPrecision;
  if (!touchesOnlyF32(op, low, isAllow))
    return opaqueBody;

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
  return opaqueBody;
}

/// Links every node to the nodes that produce the FP32 data it reads, and
/// marks data from or to outside the graph.
void FunctionAutocast::connectNodes() {
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
  // Readers that are not nodes (user casts, f64 ops, buffer ops; optimizer
  // gradients excluded: they take either precision).
  for (Node &node : nodes)
    for (Value result : node.op->getResults())
      for (OpOperand &use : result.getUses())
        if (!nodeIndex.count(use.getOwner()) && !isOptimizerGrad(use))
          node.externalUser = true;
}

void FunctionAutocast::buildGraph() {
  // Pre-order: producers come before consumers. Linalg bodies belong to their
  // op; control-flow regions are walked.
  func.getBody().walk<WalkOrder::PreOrder>([&](Operation *op) {
    return addNode(op) ? WalkResult::skip() : WalkResult::advance();
  });
  connectNodes();
}

//===----------------------------------------------------------------------===//
// Coloring
//===----------------------------------------------------------------------===//

/// FP32 unless a constant it reads (as an operand, or captured by a region)
/// fits the low type and it captures no other FP32 value from above.
void FunctionAutocast::checkConstantsFit(Node &node) {
  bool fits = true, capturesValue = false;
  auto checkValue = [&](Value value) {
    if (!isF32Valued(value.getType()))
      return;
    if (auto constant = value.getDefiningOp<arith::ConstantOp>())
      if (!isNarrowableConstant(constant, low))
        fits = false;
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

/// Step 0: fixed colors and what rules a node out of low precision.
void FunctionAutocast::colorFixed() {
  for (Node &node : nodes) {
    switch (node.cls.cls) {
    case PrecisionClass::LowPrecision:
      if (node.isAllow)
        node.color = Color::Low;
      else
        setFP32(node, "out-of-range constant");
      break;
    case PrecisionClass::FP32:
      setFP32(node, "fp32");
      break;
    case PrecisionClass::Unknown:
      setFP32(node, "unknown");
      break;
    case PrecisionClass::Boundary:
      setFP32(node, "boundary");
      break;
    case PrecisionClass::Follow:
    case PrecisionClass::Transparent:
      checkConstantsFit(node);
      break;
    }
  }
}

bool isDeny(const Node &node) {
  return node.cls.cls == PrecisionClass::FP32 ||
         node.cls.cls == PrecisionClass::Unknown;
}
bool isFollow(const Node &node) {
  return node.cls.cls == PrecisionClass::Follow;
}
bool isTransparent(const Node &node) {
  return node.cls.cls == PrecisionClass::Transparent;
}

/// Step A: FP32 flows forward from FP32-always and unknown ops. Follow ops
/// it reaches read an FP32 value: they are FP32. Transparent ops it reaches
/// are FP32 only on a path that goes on to an FP32 or follow op.
void FunctionAutocast::propagateFP32() {
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
}

/// Step B: follow/transparent ops on a path between two low-precision ops.
void FunctionAutocast::joinBetweenLowOps() {
  std::vector<char> fromAllow(nodes.size(), 0), toAllow(nodes.size(), 0);
  SmallVector<unsigned> worklist;
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
}

/// Step C: transparent ops join adjacent low-precision data (fed by a
/// low-precision op, or read only by low-precision ops). A worklist keeps it
/// linear: a node is revisited only when a neighbour turned low.
void FunctionAutocast::joinAdjacentTransparent() {
  auto joinsLow = [&](unsigned i) {
    const Node &node = nodes[i];
    bool fedLow = llvm::any_of(node.producers,
                               [&](unsigned p) { return producesLowData(p); });
    return fedLow || readOnlyByLow(node);
  };
  SmallVector<unsigned> worklist;
  for (unsigned i = 0; i < nodes.size(); ++i)
    if (nodes[i].color == Color::Undecided && isTransparent(nodes[i]))
      worklist.push_back(i);
  while (!worklist.empty()) {
    unsigned i = worklist.pop_back_val();
    if (nodes[i].color != Color::Undecided || !joinsLow(i))
      continue;
    nodes[i].color = Color::Low;
    for (unsigned next :
         llvm::concat<unsigned>(nodes[i].producers, nodes[i].users))
      if (nodes[next].color == Color::Undecided && isTransparent(nodes[next]))
        worklist.push_back(next);
  }
}

/// Step D: the rest follow their inputs, in program order; ops fed only by
/// constants follow their readers.
void FunctionAutocast::followInputs() {
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
                  llvm::all_of(node.producers,
                               [&](unsigned p) { return producesLowData(p); });
    if (allLow)
      node.color = Color::Low;
    else
      setFP32(node, "follows fp32 inputs");
  }
  for (unsigned i : llvm::reverse(sourceless)) {
    Node &node = nodes[i];
    if (readOnlyByLow(node))
      node.color = Color::Low;
    else
      setFP32(node, "follows fp32 readers");
  }
}

//===----------------------------------------------------------------------===//
// The rewrite
//===----------------------------------------------------------------------===//

Value FunctionAutocast::convert(Value value, Type element) {
  Type target = withElementType(value.getType(), element);
  if (value.getType() == target)
    return value;
  auto key = std::make_pair(value, target);
  if (Value cached = castCache.lookup(key))
    return cached;

  OpBuilder::InsertionGuard guard(rewriter);
  Value result;
  Operation *def = value.getDefiningOp();
  if (auto castOp = dyn_cast_or_null<CastOp>(def);
      castOp && castOp.getInput().getType() == target &&
      CastOp::isLossless(target, castOp.getType())) {
    // The value is an exact widening of what we want: take it back.
    result = castOp.getInput();
  } else if (auto constant = dyn_cast_or_null<arith::ConstantOp>(def)) {
    rewriter.setInsertionPointAfter(constant);
    Attribute attr =
        convertConstant(constant.getValue(), target, cast<FloatType>(element));
    if (attr) {
      result = arith::ConstantOp::create(rewriter, constant.getLoc(), target,
                                         cast<TypedAttr>(attr));
      if (element != f32)
        ++summary.constantsNarrowed;
    }
  } else if (auto empty = dyn_cast_or_null<tensor::EmptyOp>(def)) {
    rewriter.setInsertionPointAfter(empty);
    result = tensor::EmptyOp::create(rewriter, empty.getLoc(),
                                     cast<RankedTensorType>(target),
                                     empty.getDynamicSizes());
  }
  if (!result) {
    rewriter.setInsertionPointAfterValue(value);
    result = CastOp::create(rewriter, value.getLoc(), target, value);
    ++summary.castsInserted;
  }
  castCache[key] = result;
  return result;
}

Value FunctionAutocast::freshEmpty(Value like, Type element,
                                   Operation *before) {
  if (like.getDefiningOp<tensor::EmptyOp>())
    return convert(like, element);
  OpBuilder::InsertionGuard guard(rewriter);
  rewriter.setInsertionPoint(before);
  SmallVector<OpFoldResult> sizes =
      tensor::getMixedSizes(rewriter, before->getLoc(), like);
  return tensor::EmptyOp::create(rewriter, before->getLoc(), sizes, element);
}

void FunctionAutocast::widenContractionInputs(linalg::LinalgOp op) {
  Block &body = op->getRegion(0).front();
  OpBuilder::InsertionGuard guard(rewriter);
  rewriter.setInsertionPointToStart(&body);
  for (OpOperand *input : op.getDpsInputOperands()) {
    BlockArgument arg = body.getArgument(input->getOperandNumber());
    Type element = getElementTypeOrSelf(input->get().getType());
    if (arg.getType() == element)
      continue;
    rewriter.modifyOpInPlace(op, [&] { arg.setType(element); });
    auto ext = arith::ExtFOp::create(rewriter, op.getLoc(), f32, arg);
    rewriter.replaceAllUsesExcept(arg, ext.getResult(), ext);
  }
}

void FunctionAutocast::retypeLinalgBody(linalg::LinalgOp op) {
  Block &body = op->getRegion(0).front();
  rewriter.modifyOpInPlace(op, [&] {
    for (OpOperand &operand : op->getOpOperands()) {
      BlockArgument arg = body.getArgument(operand.getOperandNumber());
      Type element = getElementTypeOrSelf(operand.get().getType());
      if (arg.getType().isF32() && element == low)
        arg.setType(low);
    }
  });
  SmallVector<Operation *> inner;
  for (Operation &payload : body.without_terminator())
    inner.push_back(&payload);
  for (Operation *payload : inner) {
    if (auto constant = dyn_cast<arith::ConstantOp>(payload)) {
      if (!constant.getType().isF32())
        continue;
      Value narrowed = convert(constant.getResult(), low);
      rewriter.replaceAllUsesWith(constant.getResult(), narrowed);
      rewriter.eraseOp(constant);
      continue;
    }
    rewriter.modifyOpInPlace(payload, [&] {
      for (OpResult result : payload->getResults())
        if (result.getType().isF32())
          result.setType(low);
    });
  }
}

void FunctionAutocast::retypeToLow(Node &node) {
  Operation *op = node.op;
  auto linalgOp = dyn_cast<linalg::LinalgOp>(op);

  // Inputs and, for non-contractions, outputs: the new values are made
  // first (they insert casts), then the op changes in one modification.
  SmallVector<std::pair<OpOperand *, Value>> newOperands;
  for (OpOperand &operand : op->getOpOperands()) {
    Value value = operand.get();
    if (!isF32Valued(value.getType()))
      continue;
    if (isa<FusedMatmulOp, FusedConv2DOp>(op) && operand.getOperandNumber() > 1)
      continue; // bias stays FP32: the epilogue runs on FP32 accumulators
    if (linalgOp && linalgOp.isDpsInit(&operand)) {
      if (node.isAllow)
        continue; // the accumulator stays FP32
      if (!linalgOp.payloadUsesValueFromOperand(&operand)) {
        newOperands.push_back({&operand, freshEmpty(value, low, op)});
        continue;
      }
    }
    if (isa<tensor::PadOp>(op) && operand.getOperandNumber() != 0)
      continue;
    newOperands.push_back({&operand, convert(value, low)});
  }

  // Constants captured by regions (a pad value, a body constant defined
  // above).
  SmallVector<std::pair<OpOperand *, Value>> captured;
  if (!node.isAllow)
    op->walk([&](Operation *inner) {
      if (inner == op)
        return;
      for (OpOperand &operand : inner->getOpOperands()) {
        Value value = operand.get();
        if (!isF32Valued(value.getType()) ||
            op->isAncestor(value.getParentBlock()->getParentOp()))
          continue;
        if (value.getDefiningOp<arith::ConstantOp>())
          captured.push_back({&operand, convert(value, low)});
      }
    });

  rewriter.modifyOpInPlace(op, [&] {
    for (auto [operand, value] : newOperands)
      operand->set(value);
    if (node.isAllow)
      return;
    for (OpResult result : op->getResults())
      if (isF32Valued(result.getType()))
        result.setType(withElementType(result.getType(), low));
  });
  for (auto [operand, value] : captured)
    rewriter.modifyOpInPlace(
        operand->getOwner(),
        [&, operand = operand, value = value] { operand->set(value); });

  if (node.isAllow) {
    if (linalgOp)
      widenContractionInputs(linalgOp);
    return;
  }
  if (linalgOp)
    retypeLinalgBody(linalgOp);
}

/// Gives every reader of `value` (now low precision) that is not itself a
/// low-precision op its FP32 value back, through one shared up-cast. The
/// up-cast goes right before its first reader when all readers share a
/// block, so only the low-precision value stays alive until then (a forward
/// activation the backward pass reads is kept in low precision).
void FunctionAutocast::upcastReaders(
    Value value, const DenseMap<Operation *, unsigned> &order) {
  SmallVector<OpOperand *> uses;
  for (OpOperand &use : value.getUses()) {
    Operation *owner = use.getOwner();
    auto it = nodeIndex.find(owner);
    bool ownerLow =
        it != nodeIndex.end() && nodes[it->second].color == Color::Low;
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
    return;
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
    OpBuilder::InsertionGuard guard(rewriter);
    rewriter.setInsertionPoint(first);
    Type target = withElementType(value.getType(), f32);
    up = CastOp::create(rewriter, value.getLoc(), target, value);
    ++summary.castsInserted;
  } else {
    up = convert(value, f32);
  }
  for (OpOperand *use : uses)
    rewriter.modifyOpInPlace(use->getOwner(), [&] { use->set(up); });
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
  // back in FP32. Program order is taken once up front: asking the block
  // after each insertion would renumber it.
  DenseMap<Operation *, unsigned> order;
  func.getBody().walk([&](Operation *op) { order[op] = order.size(); });
  for (Value value : retyped)
    upcastReaders(value, order);
}

//===----------------------------------------------------------------------===//
// Figures and remarks
//===----------------------------------------------------------------------===//

void FunctionAutocast::tally() {
  auto leftFP32 = [&](const std::string &key, const std::string &reason,
                      Location loc) {
    FP32Tally &entry = fp32ByReason[{key, reason}];
    if (!entry.count)
      entry.first = loc;
    ++entry.count;
  };
  for (Node &node : nodes) {
    std::string cls = stringifyPrecisionClass(node.cls.cls).str();
    ++classCounts[cls];
    ++summary.floatOps;
    if (node.color == Color::Low) {
      ++summary.lowPrecisionOps;
      OpTally &entry = lowByName[node.op->getName().getStringRef()];
      if (entry.cls.empty())
        entry.cls = cls;
      else if (entry.cls != cls && entry.cls.find(cls) == std::string::npos)
        entry.cls += "|" + cls; // linalg.generic spans classes
      if (!entry.low)
        entry.firstLow = node.op->getLoc();
      ++entry.low;
      continue;
    }
    std::string reason = node.reason;
    if (reason == "fp32")
      reason = node.cls.reason.empty() ? "deny" : "deny: " + node.cls.reason;
    leftFP32(node.cls.key, reason, node.op->getLoc());
  }
  for (Operation *op : bufferOps) {
    ++classCounts[stringifyPrecisionClass(policy.classify(op).cls).str()];
    ++summary.floatOps;
    leftFP32(op->getName().getStringRef().str(), kBufferReason.str(),
             op->getLoc());
  }
}

void FunctionAutocast::measureContractions() {
  // Contraction FLOPs after the rewrite, low precision when the inputs are.
  func.walk([&](Operation *op) {
    if (hasBufferSemantics(op))
      return;
    Classification cls = policy.classify(op);
    bool structural =
        cls.isContraction || (isa<linalg::LinalgOp>(op) &&
                              StringRef(cls.key).ends_with("(contraction)"));
    if (!structural)
      return;
    int64_t flops = contractionFlops(op);
    summary.contractionFlops += flops;
    if (getElementTypeOrSelf(op->getOperand(0).getType()) == low)
      summary.lowPrecisionContractionFlops += flops;
  });
}

AutocastSummary FunctionAutocast::run() {
  std::optional<int64_t> before = measureSavedActivationBytes(func);
  summary.savedActivationBytesBefore = before.value_or(0);
  buildGraph();
  colorFixed();
  propagateFP32();
  joinBetweenLowOps();
  joinAdjacentTransparent();
  followInputs();
  tally();
  rewrite();
  summary.savedActivationBytesAfter =
      measureSavedActivationBytes(func).value_or(0);
  measureContractions();
  return summary;
}

void FunctionAutocast::report(PassReport *passReport, StringRef passName) {
  StringAttr name = func.getSymNameAttr();
  auto remark = [&](remark::RemarkKind kind, StringRef remarkName,
                    Location loc) {
    return RemarkBuilder(passReport, passName, kind, remarkName, loc);
  };
  for (const auto &[opName, entry] : lowByName)
    remark(remark::RemarkKind::RemarkPassed, "low-precision", *entry.firstLow)
        .function(name)
        .arg("op", opName)
        .arg("class", entry.cls)
        .arg("count", entry.low)
        .arg("precision",
             stringifyLowPrecision(low.isBF16() ? LowPrecision::BF16
                                                : LowPrecision::F16));
  for (const auto &[key, entry] : fp32ByReason)
    remark(remark::RemarkKind::RemarkMissed, "left-fp32", *entry.first)
        .function(name)
        .arg("op", key.first)
        .arg("reason", key.second)
        .arg("count", entry.count);
  llvm::json::Object classes;
  for (const auto &[cls, count] : classCounts)
    classes[cls] = count;
  const AutocastSummary &s = summary;
  remark(remark::RemarkKind::RemarkAnalysis, "summary", func.getLoc())
      .function(name)
      .arg("precision", low.isBF16() ? StringRef("bf16") : StringRef("f16"))
      .arg("float_ops", s.floatOps)
      .arg("low_precision_ops", s.lowPrecisionOps)
      .arg("fp32_ops", s.floatOps - s.lowPrecisionOps)
      .arg("casts_inserted", s.castsInserted)
      .arg("constants_narrowed", s.constantsNarrowed)
      .arg("contraction_flops", s.contractionFlops)
      .arg("low_precision_contraction_flops", s.lowPrecisionContractionFlops)
      .arg("saved_activation_bytes_fp32_before", s.savedActivationBytesBefore)
      .arg("saved_activation_bytes_after", s.savedActivationBytesAfter)
      .arg("classes", std::move(classes));
}

} // namespace

AutocastSummary mlir::mpt::autocastFunction(RewriterBase &rewriter,
                                            func::FuncOp func,
                                            const AutocastPolicy &policy,
                                            FloatType low, PassReport *report) {
  FunctionAutocast autocast(rewriter, func, policy, low);
  AutocastSummary summary = autocast.run();
  autocast.report(report, "mpt-autocast");
  return summary;
}

//===----------------------------------------------------------------------===//
// The pass
//===----------------------------------------------------------------------===//

namespace {

/// The closest registered op name to `name` within a few edits, or "".
std::string suggestOpName(MLIRContext *context, StringRef name) {
  std::string best;
  unsigned bestDistance = std::max<unsigned>(2, name.size() / 5) + 1;
  for (RegisteredOperationName op : context->getRegisteredOperations()) {
    unsigned distance =
        name.edit_distance(op.getStringRef(), true, bestDistance - 1);
    if (distance < bestDistance) {
      bestDistance = distance;
      best = op.getStringRef().str();
    }
  }
  return best;
}

struct MPTAutocastPass : public mpt::impl::MPTAutocastBase<MPTAutocastPass> {
  using Base::Base;

  void runOnOperation() override;

private:
  FailureOr<AutocastPolicy> buildPolicy(ModuleOp module);
  LogicalResult checkOpNames(ModuleOp module);
  LogicalResult checkLowPrecisionOps(ModuleOp module);
};

/// Every name in a list option must be an op: a registered one, or one that
/// occurs in the module (possibly as a linalg body op). Anything else is
/// most likely a misspelling, which would otherwise silently change nothing.
LogicalResult MPTAutocastPass::checkOpNames(ModuleOp module) {
  llvm::StringSet<> present;
  module.walk(
      [&](Operation *op) { present.insert(op->getName().getStringRef()); });
  MLIRContext *context = module.getContext();
  bool ok = true;
  std::pair<StringRef, ArrayRef<std::string>> options[] = {
      {"low-precision-ops", lowPrecisionOps},
      {"fp32-ops", fp32Ops},
      {"follow-ops", followOps},
      {"transparent-ops", transparentOps},
      {"unlisted-ops", unlistedOps}};
  for (auto [option, names] : options) {
    for (const std::string &name : names) {
      if (present.contains(name) ||
          RegisteredOperationName::lookup(name, context))
        continue;
      InFlightDiagnostic diag =
          module.emitError() << "mpt-autocast: " << option << " names '" << name
                             << "', which is neither a registered "
                                "operation nor an op of this module";
      std::string suggestion = suggestOpName(context, name);
      if (!suggestion.empty())
        diag << "; did you mean '" << suggestion << "'?";
      ok = false;
    }
  }
  return success(ok);
}

/// Only contractions can be in the low-precision class: its ops read
/// low-precision inputs into an FP32 accumulator.
LogicalResult MPTAutocastPass::checkLowPrecisionOps(ModuleOp module) {
  if (lowPrecisionOps.empty())
    return success();
  llvm::StringSet<> named;
  for (const std::string &name : lowPrecisionOps)
    named.insert(name);
  bool wrong = false;
  StringRef precisionName = stringifyLowPrecision(precision);
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
  return success(!wrong);
}

FailureOr<AutocastPolicy> MPTAutocastPass::buildPolicy(ModuleOp module) {
  AutocastPolicy policy;
  std::string error;
  if (failed(policy.applyOverrides(
          {{PrecisionClass::LowPrecision, lowPrecisionOps},
           {PrecisionClass::FP32, fp32Ops},
           {PrecisionClass::Follow, followOps},
           {PrecisionClass::Transparent, transparentOps},
           {PrecisionClass::Unknown, unlistedOps}},
          error)))
    return module.emitError()
           << "mpt-autocast: " << error << "; name each op in one option only";
  if (failed(checkOpNames(module)) || failed(checkLowPrecisionOps(module)))
    return failure();
  return policy;
}

/// The one-line summary of a function, as the `summary` option prints it.
std::string summaryText(StringRef function, StringRef precision,
                        const AutocastSummary &s) {
  int64_t share = s.contractionFlops ? 100 * s.lowPrecisionContractionFlops /
                                           s.contractionFlops
                                     : 0;
  return llvm::formatv("mpt-autocast: @{0}: {1}/{2} float ops in {3} using {4} "
                       "casts; {5}% of contraction FLOPs in {3}; saved "
                       "activations {6} -> {7} bytes",
                       function, s.lowPrecisionOps, s.floatOps, precision,
                       s.castsInserted, share, s.savedActivationBytesBefore,
                       s.savedActivationBytesAfter)
      .str();
}

void MPTAutocastPass::runOnOperation() {
  ModuleOp module = getOperation();
  FailureOr<AutocastPolicy> policy = buildPolicy(module);
  if (failed(policy))
    return signalPassFailure();
  FloatType low = getLowPrecisionType(&getContext(), precision);
  StringRef precisionName = stringifyLowPrecision(precision);

  PassReport passReport(getArgument());
  IRRewriter rewriter(&getContext());
  for (func::FuncOp func : module.getOps<func::FuncOp>()) {
    if (func.isExternal())
      continue;
    AutocastSummary s =
        autocastFunction(rewriter, func, *policy, low, &passReport);
    numLowPrecisionOps += s.lowPrecisionOps;
    numFP32Ops += s.floatOps - s.lowPrecisionOps;
    numCasts += s.castsInserted;
    numConstantsNarrowed += s.constantsNarrowed;
    if (emitSummary)
      mlir::emitRemark(func.getLoc())
          << summaryText(func.getSymName(), precisionName, s);
  }

  std::string error;
  if (!report.empty() && failed(passReport.write(report, error))) {
    module.emitError() << "mpt-autocast: cannot write the report to '" << report
                       << "': " << error;
    signalPassFailure();
  }
}

} // namespace
