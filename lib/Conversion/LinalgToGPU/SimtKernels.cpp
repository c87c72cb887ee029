//===- SimtKernels.cpp - SIMT kernels for linalg ops ----------------------===//
//
// Every non-tensor-core linalg op becomes one kernel of the families listed
// in SimtKernels.h. The body of the generic is inlined once per point (or
// per reduction step); operands are loaded through their indexing maps from
// the memrefs the host passes, which keep their static strided types.
//
//===----------------------------------------------------------------------===//

#include "SimtKernels.h"

#include "KernelBuilder.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;
using namespace mlir::mpt::gpukernels;

namespace {

/// A generic on memrefs as the SIMT families see it: which loop dimensions
/// threads (or warps) own, which run sequentially, and which host memrefs
/// the kernel takes.
struct SimtPlan {
  mutable linalg::GenericOp op;
  SmallVector<int64_t> ranges;
  /// Parallel dimensions, outermost first: the point a thread owns is the
  /// row-major coordinate in these (the innermost output dimension last, so
  /// neighbouring threads touch neighbouring elements).
  SmallVector<unsigned> pointDims;
  /// Reduction dimensions in the order the sequential loops nest them.
  SmallVector<unsigned> reductionDims;
  int64_t points = 1, reductionSize = 1;
  /// The distinct host memrefs the kernel reads or writes, in argument
  /// order.
  SmallVector<Value> operands;

  SmallVector<int64_t> extents(ArrayRef<unsigned> dims) const {
    SmallVector<int64_t> out;
    for (unsigned d : dims)
      out.push_back(ranges[d]);
    return out;
  }
};

/// The dimensions of `map`'s results that are plain dimensions, in result
/// order.
SmallVector<unsigned> resultDims(AffineMap map) {
  SmallVector<unsigned> dims;
  for (AffineExpr e : map.getResults())
    if (auto d = dyn_cast<AffineDimExpr>(e))
      dims.push_back(d.getPosition());
  return dims;
}

SimtPlan analyze(linalg::GenericOp op) {
  SimtPlan plan;
  plan.op = op;
  plan.ranges = op.getStaticLoopRanges();
  SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
  // Point dimensions follow the first output's layout; parallel dimensions
  // that it does not index go outermost.
  SmallVector<unsigned> ordered;
  for (unsigned d :
       resultDims(op.getMatchingIndexingMap(op.getDpsInitOperand(0))))
    if (iterators[d] == utils::IteratorType::parallel &&
        !llvm::is_contained(ordered, d))
      ordered.push_back(d);
  for (unsigned d = 0, e = op.getNumLoops(); d < e; ++d) {
    if (iterators[d] != utils::IteratorType::parallel)
      plan.reductionDims.push_back(d);
    else if (!llvm::is_contained(ordered, d))
      plan.pointDims.push_back(d);
  }
  plan.pointDims.append(ordered);
  for (unsigned d : plan.pointDims)
    plan.points *= plan.ranges[d];
  for (unsigned d : plan.reductionDims)
    plan.reductionSize *= plan.ranges[d];

  Block &body = op.getRegion().front();
  for (OpOperand &operand : op->getOpOperands()) {
    bool isInput = operand.getOperandNumber() < op.getNumDpsInputs();
    if (isInput && body.getArgument(operand.getOperandNumber()).use_empty())
      continue; // e.g. the window operand of pooling: shape only
    if (!isa<MemRefType>(operand.get().getType()))
      continue; // a constant scalar (a fill value), cloned into the kernel
    if (!llvm::is_contained(plan.operands, operand.get()))
      plan.operands.push_back(operand.get());
  }
  return plan;
}

/// Emits the kernel of `plan` and its launch, with `buildBody` filling the
/// kernel (the kernel's arguments are in `args`, index-aligned with
/// plan.operands).
LogicalResult
emitKernel(RewriterBase &rewriter, const SimtPlan &plan,
           gpu::GPUModuleOp kernels, StringRef family, const LaunchDims &dims,
           function_ref<void(OpBuilder &, Location, ValueRange)> buildBody) {
  Location loc = plan.op.getLoc();
  SmallVector<Type> types;
  for (Value v : plan.operands)
    types.push_back(v.getType());
  OpBuilder b(rewriter.getContext());
  gpu::GPUFuncOp kernel = createKernel(b, kernels, family, types, dims, loc);
  // A copy: the body may add workgroup attributions (block arguments).
  SmallVector<Value> args(kernel.getArguments().take_front(types.size()));
  buildBody(b, loc, args);
  rewriter.setInsertionPoint(plan.op);
  createLaunch(rewriter, loc, kernel, dims, plan.operands);
  rewriter.eraseOp(plan.op);
  return success();
}

/// Per-kernel access to the generic's operands through the kernel's
/// arguments.
struct OperandAccess {
  const SimtPlan &plan;
  ValueRange args;

  Value memref(OpOperand &operand) const {
    auto it = llvm::find(plan.operands, operand.get());
    return args[it - plan.operands.begin()];
  }
  Value load(OpBuilder &b, Location loc, OpOperand &operand,
             ArrayRef<Value> ivs) const {
    AffineMap map = plan.op.getMatchingIndexingMap(&operand);
    return memref::LoadOp::create(b, loc, memref(operand),
                                  applyMap(b, loc, map, ivs));
  }
  void store(OpBuilder &b, Location loc, Value value, OpOperand &operand,
             ArrayRef<Value> ivs) const {
    AffineMap map = plan.op.getMatchingIndexingMap(&operand);
    memref::StoreOp::create(b, loc, value, memref(operand),
                            applyMap(b, loc, map, ivs));
  }
  /// The block arguments' values for one step: inputs loaded (the unused
  /// ones skipped), outputs from `outputs`.
  SmallVector<Value> bodyArgs(OpBuilder &b, Location loc, ArrayRef<Value> ivs,
                              ArrayRef<Value> outputs) const {
    Block &body = plan.op.getRegion().front();
    SmallVector<Value> values;
    for (OpOperand *in : plan.op.getDpsInputOperands()) {
      if (body.getArgument(in->getOperandNumber()).use_empty())
        values.push_back(Value());
      else if (!isa<MemRefType>(in->get().getType()))
        values.push_back(b.clone(*in->get().getDefiningOp())->getResult(0));
      else
        values.push_back(load(b, loc, *in, ivs));
    }
    values.append(outputs.begin(), outputs.end());
    return values;
  }
};

/// Global thread (or warp) index `blockIdx.x * perBlock + tid / divisor`.
Value globalIndex(OpBuilder &b, Location loc, int64_t perBlock,
                  int64_t divisor) {
  Value tid = gpu::ThreadIdOp::create(b, loc, gpu::Dimension::x);
  Value bid = gpu::BlockIdOp::create(b, loc, gpu::Dimension::x);
  if (divisor != 1)
    tid = arith::DivUIOp::create(b, loc, tid, indexConstant(b, loc, divisor));
  Value base =
      arith::MulIOp::create(b, loc, bid, indexConstant(b, loc, perBlock));
  return arith::AddIOp::create(b, loc, base, tid);
}

/// `if (index < bound) { ... }`, with the builder inside.
void guardBelow(OpBuilder &b, Location loc, Value index, int64_t bound) {
  Value inRange = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult,
                                        index, indexConstant(b, loc, bound));
  auto guard = scf::IfOp::create(b, loc, inRange, /*withElseRegion=*/false);
  b.setInsertionPointToStart(&guard.getThenRegion().front());
}

//===----------------------------------------------------------------------===//
// elementwise and thread_reduction
//===----------------------------------------------------------------------===//

/// Whether output `i`'s map uses a reduction dimension (then its value is
/// read and written in memory at every step, exactly as the CPU loops do).
bool outputVariesInLoop(const SimtPlan &plan, unsigned i) {
  AffineMap map = plan.op.getMatchingIndexingMap(plan.op.getDpsInitOperand(i));
  return llvm::any_of(plan.reductionDims,
                      [&](unsigned d) { return map.isFunctionOfDim(d); });
}

/// One thread per point; the reduction dimensions (if any) as nested loops
/// in dimension order, outputs carried in registers across them.
void buildPointBody(OpBuilder &b, Location loc, const SimtPlan &plan,
                    ValueRange args) {
  OperandAccess access{plan, args};
  linalg::GenericOp op = plan.op;
  Block &body = op.getRegion().front();
  unsigned numInputs = op.getNumDpsInputs(), numOutputs = op.getNumDpsInits();
  Value point = globalIndex(b, loc, kBlockThreads, 1);
  guardBelow(b, loc, point, plan.points);
  SmallVector<Value> ivs(op.getNumLoops(), indexConstant(b, loc, 0));
  for (auto [d, v] :
       llvm::zip(plan.pointDims,
                 delinearize(b, loc, point, plan.extents(plan.pointDims))))
    ivs[d] = v;

  // Outputs read once before the loops (the unread ones stay null).
  SmallVector<Value> carried(numOutputs);
  for (unsigned i = 0; i < numOutputs; ++i)
    if (!outputVariesInLoop(plan, i) &&
        !body.getArgument(numInputs + i).use_empty())
      carried[i] = access.load(b, loc, *op.getDpsInitOperand(i), ivs);

  // The step: loads, the body, stores of the outputs that vary.
  auto step = [&](OpBuilder &nb, ArrayRef<Value> current) {
    SmallVector<Value> outs;
    for (unsigned i = 0; i < numOutputs; ++i) {
      bool varies = outputVariesInLoop(plan, i);
      bool read = !body.getArgument(numInputs + i).use_empty();
      outs.push_back(varies && read
                         ? access.load(nb, loc, *op.getDpsInitOperand(i), ivs)
                         : current[i]);
    }
    SmallVector<Value> results =
        inlineGenericBody(nb, op, access.bodyArgs(nb, loc, ivs, outs), ivs);
    for (unsigned i = 0; i < numOutputs; ++i)
      if (outputVariesInLoop(plan, i))
        access.store(nb, loc, results[i], *op.getDpsInitOperand(i), ivs);
    return results;
  };

  // Loops carry every output's running value (a placeholder for those
  // that live in memory).
  std::function<SmallVector<Value>(OpBuilder &, unsigned, ArrayRef<Value>)>
      nest = [&](OpBuilder &nb, unsigned level,
                 ArrayRef<Value> current) -> SmallVector<Value> {
    if (level == plan.reductionDims.size())
      return step(nb, current);
    unsigned d = plan.reductionDims[level];
    SmallVector<Value> init;
    for (unsigned i = 0; i < numOutputs; ++i)
      init.push_back(
          current[i]
              ? current[i]
              : arith::ConstantOp::create(
                    nb, loc,
                    nb.getZeroAttr(body.getArgument(numInputs + i).getType())));
    auto loop = scf::ForOp::create(
        nb, loc, indexConstant(nb, loc, 0),
        indexConstant(nb, loc, plan.ranges[d]), indexConstant(nb, loc, 1), init,
        [&](OpBuilder &lb, Location, Value iv, ValueRange iter) {
          ivs[d] = iv;
          SmallVector<Value> next =
              nest(lb, level + 1, SmallVector<Value>(iter));
          scf::YieldOp::create(lb, loc, next);
        });
    return SmallVector<Value>(loop.getResults());
  };
  SmallVector<Value> finals = nest(b, 0, carried);
  for (unsigned i = 0; i < numOutputs; ++i)
    if (!outputVariesInLoop(plan, i))
      access.store(b, loc, finals[i], *op.getDpsInitOperand(i), ivs);
}

//===----------------------------------------------------------------------===//
// row_reduction and full_reduction
//===----------------------------------------------------------------------===//

/// `gpu.shuffle xor` of any scalar up to 64 bits (narrow values travel in an
/// i32, 64-bit ones in two).
Value shuffleXor(OpBuilder &b, Location loc, Value v, int32_t offset) {
  Type type = v.getType();
  unsigned width = type.getIntOrFloatBitWidth();
  auto shuffle32 = [&](Value x) {
    return gpu::ShuffleOp::create(b, loc, x, offset, kWarpSize,
                                  gpu::ShuffleMode::XOR)
        .getShuffleResult();
  };
  if (width == 32 && (type.isF32() || type.isInteger(32)))
    return shuffle32(v);
  Type bits = b.getIntegerType(width);
  Value asInt = type == bits ? v : arith::BitcastOp::create(b, loc, bits, v);
  Value result;
  if (width <= 32) {
    Value wide = arith::ExtUIOp::create(b, loc, b.getI32Type(), asInt);
    result = arith::TruncIOp::create(b, loc, bits, shuffle32(wide));
  } else {
    Value lo = arith::TruncIOp::create(b, loc, b.getI32Type(), asInt);
    Value hiShift = arith::ShRUIOp::create(
        b, loc, asInt, arith::ConstantIntOp::create(b, loc, bits, 32));
    Value hi = arith::TruncIOp::create(b, loc, b.getI32Type(), hiShift);
    Value lo2 = arith::ExtUIOp::create(b, loc, bits, shuffle32(lo));
    Value hi2 = arith::ExtUIOp::create(b, loc, bits, shuffle32(hi));
    Value hiPart = arith::ShLIOp::create(
        b, loc, hi2, arith::ConstantIntOp::create(b, loc, bits, 32));
    result = arith::OrIOp::create(b, loc, hiPart, lo2);
  }
  return type == bits ? result : arith::BitcastOp::create(b, loc, type, result);
}

/// Combines each value across the 32 lanes of a warp (butterfly: every
/// lane ends with the same result, in the same fixed order).
SmallVector<Value> warpCombine(OpBuilder &b, Location loc,
                               ArrayRef<Combiner> combiners,
                               SmallVector<Value> values) {
  for (int32_t offset = kWarpSize / 2; offset > 0; offset /= 2)
    for (auto [i, c] : llvm::enumerate(combiners))
      values[i] =
          combine(b, loc, c, values[i], shuffleXor(b, loc, values[i], offset));
  return values;
}

/// The dimensions to stride over, ordered so that the one contiguous in the
/// largest input varies fastest (coalesced loads across lanes).
SmallVector<unsigned> strideOrder(const SimtPlan &plan) {
  OpOperand *largest = nullptr;
  int64_t largestSize = -1;
  for (OpOperand *in : plan.op.getDpsInputOperands()) {
    auto type = cast<MemRefType>(in->get().getType());
    if (type.getNumElements() > largestSize) {
      largestSize = type.getNumElements();
      largest = in;
    }
  }
  SmallVector<unsigned> order;
  SmallVector<unsigned> byLayout =
      largest ? resultDims(plan.op.getMatchingIndexingMap(largest))
              : SmallVector<unsigned>{};
  for (unsigned d : plan.reductionDims)
    if (!llvm::is_contained(byLayout, d))
      order.push_back(d);
  for (unsigned d : byLayout)
    if (llvm::is_contained(plan.reductionDims, d) &&
        !llvm::is_contained(order, d))
      order.push_back(d);
  return order;
}

/// This thread's partial results over the reduction steps `first`,
/// `first + stride`, ... (the body with the outputs bound to the partials).
SmallVector<Value>
stridedPartials(OpBuilder &b, Location loc, const SimtPlan &plan,
                const OperandAccess &access, ArrayRef<Combiner> combiners,
                SmallVector<Value> ivs, Value first, int64_t stride) {
  SmallVector<Value> init;
  for (const Combiner &c : combiners)
    init.push_back(arith::ConstantOp::create(b, loc, c.identity));
  SmallVector<unsigned> order = strideOrder(plan);
  auto loop = scf::ForOp::create(
      b, loc, first, indexConstant(b, loc, plan.reductionSize),
      indexConstant(b, loc, stride), init,
      [&](OpBuilder &lb, Location, Value r, ValueRange partials) {
        for (auto [d, v] :
             llvm::zip(order, delinearize(lb, loc, r, plan.extents(order))))
          ivs[d] = v;
        SmallVector<Value> results = inlineGenericBody(
            lb, plan.op,
            access.bodyArgs(lb, loc, ivs, SmallVector<Value>(partials)), ivs);
        scf::YieldOp::create(lb, loc, results);
      });
  return SmallVector<Value>(loop.getResults());
}

/// Combines `totals` into the outputs' stored values and stores them.
void storeCombined(OpBuilder &b, Location loc, const SimtPlan &plan,
                   const OperandAccess &access, ArrayRef<Combiner> combiners,
                   ArrayRef<Value> totals, ArrayRef<Value> ivs) {
  for (auto [i, c] : llvm::enumerate(combiners)) {
    OpOperand &out = *plan.op.getDpsInitOperand(i);
    Value init = access.load(b, loc, out, ivs);
    access.store(b, loc, combine(b, loc, c, init, totals[i]), out, ivs);
  }
}

/// One warp per output point.
void buildRowBody(OpBuilder &b, Location loc, const SimtPlan &plan,
                  ArrayRef<Combiner> combiners, ValueRange args) {
  OperandAccess access{plan, args};
  constexpr int64_t warpsPerBlock = kBlockThreads / kWarpSize;
  Value point = globalIndex(b, loc, warpsPerBlock, kWarpSize);
  // The whole warp takes the same branch, so the shuffles see every lane.
  guardBelow(b, loc, point, plan.points);
  SmallVector<Value> ivs(plan.op.getNumLoops(), indexConstant(b, loc, 0));
  for (auto [d, v] :
       llvm::zip(plan.pointDims,
                 delinearize(b, loc, point, plan.extents(plan.pointDims))))
    ivs[d] = v;
  Value tid = gpu::ThreadIdOp::create(b, loc, gpu::Dimension::x);
  Value lane =
      arith::RemUIOp::create(b, loc, tid, indexConstant(b, loc, kWarpSize));
  SmallVector<Value> totals = warpCombine(
      b, loc, combiners,
      stridedPartials(b, loc, plan, access, combiners, ivs, lane, kWarpSize));
  Value isFirst = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, lane,
                                        indexConstant(b, loc, 0));
  auto first = scf::IfOp::create(b, loc, isFirst, /*withElseRegion=*/false);
  b.setInsertionPointToStart(&first.getThenRegion().front());
  storeCombined(b, loc, plan, access, combiners, totals, ivs);
}

/// The single output point of a full reduction: one block, partials per
/// warp in shared memory (workgroup attributions, one per output).
void buildFullBody(OpBuilder &b, Location loc, const SimtPlan &plan,
                   ArrayRef<Combiner> combiners, ValueRange args,
                   ArrayRef<BlockArgument> shared) {
  OperandAccess access{plan, args};
  constexpr int64_t warps = kBlockThreads / kWarpSize;
  SmallVector<Value> ivs(plan.op.getNumLoops(), indexConstant(b, loc, 0));
  Value tid = gpu::ThreadIdOp::create(b, loc, gpu::Dimension::x);
  Value c0 = indexConstant(b, loc, 0);
  Value lane =
      arith::RemUIOp::create(b, loc, tid, indexConstant(b, loc, kWarpSize));
  Value warp =
      arith::DivUIOp::create(b, loc, tid, indexConstant(b, loc, kWarpSize));
  SmallVector<Value> totals =
      warpCombine(b, loc, combiners,
                  stridedPartials(b, loc, plan, access, combiners, ivs, tid,
                                  kBlockThreads));
  Value laneZero =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, lane, c0);
  auto write = scf::IfOp::create(b, loc, laneZero, false);
  {
    OpBuilder::InsertionGuard g(b);
    b.setInsertionPointToStart(&write.getThenRegion().front());
    for (auto [i, total] : llvm::enumerate(totals))
      memref::StoreOp::create(b, loc, total, shared[i], ValueRange{warp});
  }
  gpu::BarrierOp::create(b, loc);
  Value warpZero =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, warp, c0);
  auto last = scf::IfOp::create(b, loc, warpZero, false);
  b.setInsertionPointToStart(&last.getThenRegion().front());
  Value hasPartial = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult,
                                           lane, indexConstant(b, loc, warps));
  // Lanes past the number of warps read a valid slot and ignore it.
  Value slot = arith::SelectOp::create(b, loc, hasPartial, lane, c0);
  SmallVector<Value> partials;
  for (auto [i, c] : llvm::enumerate(combiners)) {
    Value stored = memref::LoadOp::create(b, loc, shared[i], ValueRange{slot});
    Value identity = arith::ConstantOp::create(b, loc, c.identity);
    partials.push_back(
        arith::SelectOp::create(b, loc, hasPartial, stored, identity));
  }
  totals = warpCombine(b, loc, combiners, partials);
  Value laneZero2 =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, lane, c0);
  auto store = scf::IfOp::create(b, loc, laneZero2, false);
  b.setInsertionPointToStart(&store.getThenRegion().front());
  storeCombined(b, loc, plan, access, combiners, totals, ivs);
}

/// Which family runs a plan.
enum class Family { Point, Row, Full };

Family chooseFamily(const SimtPlan &plan,
                    const std::optional<SmallVector<Combiner>> &combiners) {
  if (plan.reductionDims.empty() || plan.reductionSize < kWarpSize ||
      !combiners)
    return Family::Point;
  if (plan.points == 1)
    return Family::Full;
  // Warps per point when the reduction is contiguous in memory or when
  // there are too few points to fill the GPU with threads; else one thread
  // per point reads coalesced across threads (column reductions).
  bool contiguous = false;
  for (OpOperand *in : plan.op.getDpsInputOperands()) {
    SmallVector<unsigned> dims = resultDims(plan.op.getMatchingIndexingMap(in));
    if (!dims.empty() && llvm::is_contained(plan.reductionDims, dims.back()))
      contiguous = true;
  }
  constexpr int64_t kFewPoints = 512;
  if (contiguous || plan.points <= kFewPoints)
    return Family::Row;
  return Family::Point;
}

} // namespace

LogicalResult mlir::mpt::gpukernels::lowerToSimtKernel(
    RewriterBase &rewriter, linalg::GenericOp op, gpu::GPUModuleOp kernels) {
  SimtPlan plan = analyze(op);
  std::optional<SmallVector<Combiner>> combiners = matchCombiners(op);
  switch (chooseFamily(plan, combiners)) {
  case Family::Point: {
    LaunchDims dims;
    dims.block[0] = kBlockThreads;
    dims.grid[0] = ceilDiv(plan.points, kBlockThreads);
    StringRef family =
        plan.reductionDims.empty() ? "elementwise" : "thread_reduction";
    return emitKernel(rewriter, plan, kernels, family, dims,
                      [&](OpBuilder &b, Location loc, ValueRange args) {
                        buildPointBody(b, loc, plan, args);
                      });
  }
  case Family::Row: {
    LaunchDims dims;
    dims.block[0] = kBlockThreads;
    dims.grid[0] = ceilDiv(plan.points, kBlockThreads / kWarpSize);
    return emitKernel(rewriter, plan, kernels, "row_reduction", dims,
                      [&](OpBuilder &b, Location loc, ValueRange args) {
                        buildRowBody(b, loc, plan, *combiners, args);
                      });
  }
  case Family::Full: {
    LaunchDims dims;
    dims.block[0] = kBlockThreads;
    return emitKernel(
        rewriter, plan, kernels, "full_reduction", dims,
        [&](OpBuilder &b, Location loc, ValueRange args) {
          auto kernel =
              cast<gpu::GPUFuncOp>(b.getInsertionBlock()->getParentOp());
          auto space = gpu::AddressSpaceAttr::get(
              b.getContext(), gpu::GPUDialect::getWorkgroupAddressSpace());
          SmallVector<BlockArgument> shared;
          for (const Combiner &c : *combiners)
            shared.push_back(kernel.addWorkgroupAttribution(
                MemRefType::get({kBlockThreads / kWarpSize},
                                c.identity.getType(),
                                MemRefLayoutAttrInterface(), space),
                loc));
          buildFullBody(b, loc, plan, *combiners, args, shared);
        });
  }
  }
  llvm_unreachable("family");
}
