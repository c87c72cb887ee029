//===- DataParallel.cpp - gradients averaged over the ranks ---------------===//
//
// mpt-data-parallel: every gradient of a training step goes through an
// `mpt.all_reduce` before the overflow check reads it, so that every rank
// of a data-parallel run sees the same gradients, the same found_inf and
// makes the same skip and loss-scale decisions without another collective.
// The gradients are grouped into a few buckets (one collective call each).
//
//===----------------------------------------------------------------------===//

#include "mpt/Dialect/MPT/Transforms/Passes.h"

#include "TrainingStep.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/SymbolTable.h"
#include "llvm/ADT/MapVector.h"

namespace mlir::mpt {
#define GEN_PASS_DEF_MPTDATAPARALLEL
#include "mpt/Dialect/MPT/Transforms/Passes.h.inc"
} // namespace mlir::mpt

using namespace mlir;
using namespace mlir::mpt;
using namespace mlir::mpt::detail;

namespace {

/// Bytes of a statically shaped float tensor.
int64_t tensorBytes(RankedTensorType type) {
  return type.getNumElements() *
         ((type.getElementType().getIntOrFloatBitWidth() + 7) / 8);
}

/// The runtime's `float mpt_rt_inverse_ranks(void)`: 1 / the number of
/// ranks (defined by the native code's entry points).
constexpr llvm::StringLiteral kInverseRanks = "mpt_rt_inverse_ranks";

struct MPTDataParallelPass
    : public mpt::impl::MPTDataParallelBase<MPTDataParallelPass> {
  using Base::Base;

  void runOnOperation() override;

private:
  LogicalResult runOnFunction(func::FuncOp func);
  /// The declaration of kInverseRanks (created once).
  FailureOr<func::FuncOp> inverseRanks();
  func::FuncOp inverseRanksDecl;
};

} // namespace

void MPTDataParallelPass::runOnOperation() {
  ModuleOp module = getOperation();
  if (commPrecision != "f32" && commPrecision != "native") {
    module.emitError() << "mpt-data-parallel: comm-precision must be f32 or "
                          "native, got '"
                       << commPrecision << "'";
    return signalPassFailure();
  }
  if (bucketBytes <= 0) {
    module.emitError()
        << "mpt-data-parallel: bucket-bytes must be positive, got "
        << static_cast<int64_t>(bucketBytes);
    return signalPassFailure();
  }
  SmallVector<func::FuncOp> funcs(module.getOps<func::FuncOp>());
  for (func::FuncOp func : funcs)
    if (!func.isExternal() && failed(runOnFunction(func)))
      return signalPassFailure();
}

FailureOr<func::FuncOp> MPTDataParallelPass::inverseRanks() {
  if (inverseRanksDecl)
    return inverseRanksDecl;
  ModuleOp module = getOperation();
  auto type =
      FunctionType::get(&getContext(), {}, {Float32Type::get(&getContext())});
  if (Operation *existing =
          SymbolTable::lookupSymbolIn(module, kInverseRanks)) {
    auto func = dyn_cast<func::FuncOp>(existing);
    if (!func || func.getFunctionType() != type || !func.isExternal())
      return existing->emitError()
             << "mpt-data-parallel: the symbol " << kInverseRanks
             << " is taken by something other than the runtime's rank count";
    return inverseRanksDecl = func;
  }
  OpBuilder b(module.getBodyRegion());
  inverseRanksDecl =
      func::FuncOp::create(b, module.getLoc(), kInverseRanks, type);
  inverseRanksDecl.setPrivate();
  return inverseRanksDecl;
}

LogicalResult MPTDataParallelPass::runOnFunction(func::FuncOp func) {
  bool already = false;
  func.walk([&](AllReduceOp) { already = true; });
  if (already)
    return success();
  SmallVector<OpOperand *> uses;
  Operation *anchor = nullptr;
  if (failed(collectGradientUses(func, "mpt-data-parallel", uses, anchor)))
    return failure();
  if (!anchor || uses.empty())
    return success();

  // Loss scaling with a mean: the seed becomes scale / N and the gradients
  // are summed (see the pass description).
  ReduceKind gradientKind = reduce;
  Value inverseTensor;
  if (reduce == ReduceKind::mean) {
    SmallVector<GradSeedOp> seeds;
    func.walk([&](GradSeedOp op) { seeds.push_back(op); });
    if (seeds.size() == 1 && seeds.front().getScale()) {
      FailureOr<func::FuncOp> decl = inverseRanks();
      if (failed(decl))
        return failure();
      GradSeedOp seed = seeds.front();
      Location loc = seed.getLoc();
      // 1/N at the top of the body: the seed may sit in a loop
      // (mpt-accumulate-gradients) and the loss after it reads 1/N too.
      OpBuilder b = OpBuilder::atBlockBegin(&func.getBody().front());
      Value inverse =
          func::CallOp::create(b, loc, *decl, ValueRange{}).getResult(0);
      inverseTensor = tensor::FromElementsOp::create(
          b, loc, RankedTensorType::get({}, b.getF32Type()), inverse);
      b.setInsertionPoint(seed);
      Value scaled =
          arith::MulFOp::create(b, loc, seed.getScale(), inverseTensor);
      seed.getScaleMutable().assign(scaled);
      gradientKind = ReduceKind::sum;
    }
  }

  // Distinct gradients, in the order the backward pass defines them (block
  // arguments first); every one must be defined before the anchor.
  llvm::MapVector<Value, SmallVector<OpOperand *>> byValue;
  for (OpOperand *use : uses)
    byValue[use->get()].push_back(use);
  SmallVector<Value> grads;
  for (auto &entry : byValue)
    grads.push_back(entry.first);
  Block &body = func.getBody().front();
  for (Value grad : grads) {
    Operation *def = grad.getDefiningOp();
    if (!def)
      continue;
    Operation *top = body.findAncestorOpInBlock(*def);
    if (!top || !top->isBeforeInBlock(body.findAncestorOpInBlock(*anchor))) {
      InFlightDiagnostic diag =
          def->emitError() << "mpt-data-parallel: this gradient is computed "
                              "after the first optimizer op runs; the "
                              "all-reduce needs every gradient before the "
                              "first update (put the optimizer ops after "
                              "the backward pass)";
      diag.attachNote(anchor->getLoc()) << "the first optimizer op";
      return failure();
    }
  }
  llvm::stable_sort(grads, [&](Value a, Value b) {
    Operation *da = a.getDefiningOp(), *db = b.getDefiningOp();
    if (!da || !db)
      return !da && db;
    return body.findAncestorOpInBlock(*da)->isBeforeInBlock(
        body.findAncestorOpInBlock(*db));
  });

  OpBuilder builder(anchor);
  bool toF32 = commPrecision == "f32";
  // What travels: the gradient, or its FP32 cast.
  SmallVector<Value> sent;
  for (Value grad : grads) {
    auto type = cast<RankedTensorType>(grad.getType());
    if (toF32 && !type.getElementType().isF32()) {
      auto f32 = type.clone(builder.getF32Type());
      sent.push_back(CastOp::create(builder, grad.getLoc(), f32, grad));
    } else {
      sent.push_back(grad);
    }
  }

  // The loss each rank returns is its own batch's; the run's loss is the
  // mean over the ranks. It travels in the last f32 bucket (no collective
  // of its own) when the gradients are reduced as a mean.
  func::ReturnOp ret = getSingleReturn(func);
  std::optional<unsigned> lossIndex;
  for (unsigned i = 0, e = func.getNumResults(); ret && i < e; ++i)
    if (auto role =
            func.getResultAttrOfType<RoleAttr>(i, MPTDialect::kRoleAttrName);
        role && role.getValue() == Role::Loss &&
        cast<ShapedType>(ret.getOperand(i).getType()).getElementType().isF32())
      lossIndex = i;
  Value loss = lossIndex ? ret.getOperand(*lossIndex) : Value();
  bool lossWithGradients = loss && reduce == ReduceKind::mean;
  if (lossWithGradients) {
    grads.push_back(loss);
    // Summed with gradients of a pre-divided seed: each rank adds loss / N.
    sent.push_back(inverseTensor ? arith::MulFOp::create(builder, loss.getLoc(),
                                                         loss, inverseTensor)
                                       .getResult()
                                 : loss);
  }

  // Buckets: consecutive gradients of one element type up to bucketBytes.
  SmallVector<SmallVector<unsigned>> buckets;
  Type bucketType;
  int64_t bucketSize = 0;
  for (auto [index, value] : llvm::enumerate(sent)) {
    auto type = cast<RankedTensorType>(value.getType());
    int64_t bytes = tensorBytes(type);
    if (buckets.empty() || type.getElementType() != bucketType ||
        bucketSize + bytes > bucketBytes) {
      buckets.emplace_back();
      bucketType = type.getElementType();
      bucketSize = 0;
    }
    buckets.back().push_back(index);
    bucketSize += bytes;
  }

  SmallVector<Value> reduced(sent.size());
  for (ArrayRef<unsigned> bucket : buckets) {
    SmallVector<Value> operands;
    SmallVector<Type> types;
    for (unsigned i : bucket) {
      operands.push_back(sent[i]);
      types.push_back(sent[i].getType());
    }
    // The loss travels with the gradients only when they are averaged.
    auto op =
        AllReduceOp::create(builder, anchor->getLoc(), types, operands,
                            ReduceKindAttr::get(&getContext(), gradientKind),
                            builder.getBoolAttr(fp32Accumulate));
    for (auto [k, i] : llvm::enumerate(bucket))
      reduced[i] = op.getResult(k);
    ++numBuckets;
  }
  if (lossWithGradients) {
    ret.setOperand(*lossIndex, reduced.back());
    grads.pop_back();
    reduced.pop_back();
  } else if (loss) {
    auto op = AllReduceOp::create(
        builder, anchor->getLoc(), TypeRange{loss.getType()}, ValueRange{loss},
        ReduceKindAttr::get(&getContext(), ReduceKind::mean),
        builder.getBoolAttr(true));
    ret.setOperand(*lossIndex, op.getResult(0));
  }
  numGradients += grads.size();

  // Reroute the uses. An optimizer op whose parameter is not f32 takes its
  // gradient back in the gradient's own type (the FP32 value only serves
  // the communication); unscale_and_check and f32 parameters take FP32.
  for (auto [index, grad] : llvm::enumerate(grads)) {
    Value value = reduced[index];
    for (OpOperand *use : byValue[grad]) {
      Operation *user = use->getOwner();
      Value operand = value;
      if (value.getType() != grad.getType() && isOptimizer(user) &&
          !getElementTypeOrSelf(getParamOperand(user).get().getType())
               .isF32()) {
        OpBuilder before(user);
        operand = CastOp::create(before, user->getLoc(), grad.getType(), value);
      }
      use->set(operand);
    }
  }
  return success();
}
