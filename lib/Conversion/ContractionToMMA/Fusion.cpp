//===- Fusion.cpp - ops a contraction kernel absorbs ----------------------===//
//
// Host IR is a straight line of allocations, views and linalg ops on
// memrefs. Around a contraction the kernel absorbs, when nothing in between
// reads or writes the buffers involved and the temporary it removes is read
// by nothing else afterwards:
//
//  * the zero fill of its accumulator (or a memref.copy from a zero-filled
//    buffer): the accumulators start at zero instead of loading C;
//  * a zero padding of an operand (a zero fill of a temporary plus a copy
//    into a subview of it): the loads test the window and read zeros
//    outside it, so no padded buffer is written;
//  * a linalg.transpose into a temporary operand: the kernel reads the
//    transpose's source with permuted strides;
//  * the elementwise linalg.generic consuming the accumulator (bias, ReLU,
//    masks, casts): its body runs on the accumulators in registers.
//
// Buffers are compared by the allocation (or argument) they view; distinct
// allocations and arguments never alias.
//
//===----------------------------------------------------------------------===//

#include "Internal.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Interfaces/ViewLikeInterface.h"

using namespace mlir;
using namespace mlir::mpt;
using namespace mlir::mpt::mma;

//===----------------------------------------------------------------------===//
// Buffer accesses in host IR
//===----------------------------------------------------------------------===//

static bool isView(Operation *op) { return isa<ViewLikeOpInterface>(op); }

/// Whether `op` (or an op nested in it) uses a view of `root`.
static bool touches(Operation *op, Value root) {
  if (isView(op))
    return false;
  bool found = false;
  op->walk([&](Operation *inner) {
    for (Value v : inner->getOperands())
      if (isa<BaseMemRefType>(v.getType()) && getRootBuffer(v) == root) {
        found = true;
        return WalkResult::interrupt();
      }
    return WalkResult::advance();
  });
  return found;
}

/// `v` views all of `root`, element for element (reshapes, casts).
static bool coversRoot(Value v, Value root) {
  while (v != root) {
    Operation *def = v.getDefiningOp();
    if (!def)
      return false;
    if (auto c = dyn_cast<memref::CollapseShapeOp>(def))
      v = c.getSrc();
    else if (auto e = dyn_cast<memref::ExpandShapeOp>(def))
      v = e.getSrc();
    else if (auto c = dyn_cast<memref::CastOp>(def))
      v = c.getSource();
    else
      return false;
  }
  return true;
}

/// `op` overwrites every element of `root` without reading it.
static bool isFullWriteWithoutRead(Operation *op, Value root) {
  if (auto fill = dyn_cast<linalg::FillOp>(op))
    return coversRoot(fill.getOutputs()[0], root);
  if (auto copy = dyn_cast<memref::CopyOp>(op))
    return coversRoot(copy.getTarget(), root) &&
           getRootBuffer(copy.getSource()) != root;
  auto linalgOp = dyn_cast<linalg::LinalgOp>(op);
  if (!linalgOp || !linalgOp.hasPureBufferSemantics())
    return false;
  bool writes = false;
  for (OpOperand *in : linalgOp.getDpsInputOperands())
    if (isa<BaseMemRefType>(in->get().getType()) &&
        getRootBuffer(in->get()) == root)
      return false;
  for (OpOperand &out : linalgOp.getDpsInitsMutable()) {
    if (getRootBuffer(out.get()) != root)
      continue;
    if (!coversRoot(out.get(), root) ||
        !linalgOp.getMatchingIndexingMap(&out).isPermutation() ||
        linalgOp.payloadUsesValueFromOperand(&out))
      return false;
    writes = true;
  }
  // Every loop must be parallel for a permutation map to cover the output.
  return writes && linalgOp.getNumReductionLoops() == 0;
}

/// The buffer's contents after `after` are never read: it is an allocation
/// whose next access (if any) overwrites it whole.
static bool isDeadAfter(Value root, Operation *after) {
  if (!root.getDefiningOp<memref::AllocOp>() &&
      !root.getDefiningOp<memref::AllocaOp>())
    return false;
  Block *block = after->getBlock();
  // Every use must be in this block (host IR is a straight line).
  SmallVector<Value> worklist{root};
  while (!worklist.empty()) {
    Value v = worklist.pop_back_val();
    for (Operation *user : v.getUsers()) {
      if (block->findAncestorOpInBlock(*user) == nullptr)
        return false;
      if (isView(user))
        llvm::append_range(worklist, user->getResults());
    }
  }
  for (Operation *op = after->getNextNode(); op; op = op->getNextNode()) {
    if (!touches(op, root))
      continue;
    return isFullWriteWithoutRead(op, root);
  }
  return true;
}

/// The last op before `op` that uses a view of `root`.
static Operation *lastToucherBefore(Operation *op, Value root) {
  for (Operation *p = op->getPrevNode(); p; p = p->getPrevNode())
    if (touches(p, root))
      return p;
  return nullptr;
}

/// The first op after `op` that uses a view of `root`.
static Operation *firstToucherAfter(Operation *op, Value root) {
  for (Operation *n = op->getNextNode(); n; n = n->getNextNode())
    if (touches(n, root))
      return n;
  return nullptr;
}

/// Whether any op strictly between `from` and `to` uses a view of `root`.
static bool touchedBetween(Operation *from, Operation *to, Value root) {
  for (Operation *p = from->getNextNode(); p && p != to; p = p->getNextNode())
    if (touches(p, root))
      return true;
  return false;
}

static bool isZeroAttr(Value v) {
  return matchPattern(v, m_PosZeroFloat()) || matchPattern(v, m_Zero());
}

/// A linalg.fill with +0, or an input-less elementwise linalg op (e.g.
/// linalg.map) yielding +0: returns the buffer it fills.
static Value getZeroFillTarget(Operation *op) {
  if (auto fill = dyn_cast<linalg::FillOp>(op)) {
    if (fill.hasPureBufferSemantics() && isZeroAttr(fill.getInputs()[0]))
      return fill.getOutputs()[0];
    return {};
  }
  auto linalgOp = dyn_cast<linalg::LinalgOp>(op);
  if (!linalgOp || !linalgOp.hasPureBufferSemantics() ||
      linalgOp.getNumDpsInputs() != 0 || linalgOp.getNumDpsInits() != 1 ||
      linalgOp.getNumReductionLoops() != 0 || linalgOp.hasIndexSemantics())
    return {};
  OpOperand *out = linalgOp.getDpsInitOperand(0);
  if (!linalgOp.getMatchingIndexingMap(out).isPermutation())
    return {};
  auto yield = dyn_cast<linalg::YieldOp>(linalgOp.getBlock()->getTerminator());
  if (!yield || yield.getNumOperands() != 1 || !isZeroAttr(yield.getOperand(0)))
    return {};
  return out->get();
}

//===----------------------------------------------------------------------===//
// Producers
//===----------------------------------------------------------------------===//

/// Roots of the other buffers the contraction reads or writes.
static bool otherOperandAliases(const GemmProblem &p, const Access *self,
                                Value root) {
  for (const Access *acc : {&p.a, &p.b, &p.c})
    if (acc != self && getRootBuffer(acc->memref) == root)
      return true;
  return false;
}

/// The allocation op of `root` (to erase once unused).
static void noteDeadAlloc(GemmProblem &p, Value root) {
  if (Operation *def = root.getDefiningOp())
    if (isa<memref::AllocOp>(def) && !llvm::is_contained(p.deadAllocs, def))
      p.deadAllocs.push_back(def);
}

/// The accumulator starts at zero when its last writer is a zero fill, or a
/// copy from a buffer whose last writer is a zero fill.
static void absorbInit(GemmProblem &p) {
  Operation *op = p.op;
  Value c = p.c.memref, rc = getRootBuffer(c);
  Operation *prev = lastToucherBefore(op, rc);
  if (!prev)
    return;
  if (Value target = getZeroFillTarget(prev)) {
    if (target == c || (coversRoot(target, rc) && coversRoot(c, rc))) {
      p.absorbed.push_back(prev);
      p.zeroInit = true;
    }
    return;
  }
  auto copy = dyn_cast<memref::CopyOp>(prev);
  if (!copy || !(copy.getTarget() == c ||
                 (coversRoot(copy.getTarget(), rc) && coversRoot(c, rc))))
    return;
  Value src = copy.getSource(), rs = getRootBuffer(src);
  if (rs == rc)
    return;
  // Walk back over pure reads of the source to its last writer.
  for (Operation *q = copy->getPrevNode(); q; q = q->getPrevNode()) {
    if (!touches(q, rs))
      continue;
    if (Value target = getZeroFillTarget(q)) {
      if (coversRoot(target, rs) && coversRoot(src, rs)) {
        p.absorbed.push_back(copy);
        p.zeroInit = true;
      }
      return;
    }
    if (auto other = dyn_cast<memref::CopyOp>(q))
      if (getRootBuffer(other.getSource()) == rs &&
          getRootBuffer(other.getTarget()) != rs)
        continue;
    return;
  }
}

/// Folds a linalg.transpose into a temporary the operand reads.
static bool foldTranspose(GemmProblem &p, Access &acc) {
  Value v = acc.memref, rv = getRootBuffer(v);
  if (acc.hasWindows() || !rv.getDefiningOp<memref::AllocOp>())
    return false;
  auto transpose =
      dyn_cast_or_null<linalg::TransposeOp>(lastToucherBefore(p.op, rv));
  if (!transpose || !transpose.hasPureBufferSemantics() ||
      transpose.getInit() != v)
    return false;
  Value src = transpose.getInput();
  if (getRootBuffer(src) == rv ||
      touchedBetween(transpose, p.op, getRootBuffer(src)) ||
      otherOperandAliases(p, &acc, rv) || !isDeadAfter(rv, p.op))
    return false;
  auto srcType = dyn_cast<MemRefType>(src.getType());
  if (!srcType || !srcType.hasStaticShape())
    return false;
  SmallVector<int64_t> s;
  int64_t off;
  if (failed(srcType.getStridesAndOffset(s, off)) ||
      ShapedType::isDynamic(off) || llvm::any_of(s, ShapedType::isDynamic))
    return false;
  // init[i0, ..] = input[j] with j[perm[i]] = i_i.
  ArrayRef<int64_t> perm = transpose.getPermutation();
  SmallVector<LinearExpr> indices(perm.size());
  for (auto [i, d] : llvm::enumerate(perm))
    indices[d] = acc.indices[i];
  acc.memref = src;
  acc.indices = std::move(indices);
  p.absorbed.push_back(transpose);
  noteDeadAlloc(p, rv);
  return true;
}

/// Folds a zero padding (zero fill of a temporary, copy of the data into a
/// subview of it) into the operand's loads.
static bool foldPadding(GemmProblem &p, Access &acc) {
  Value v = acc.memref, rv = getRootBuffer(v);
  if (acc.hasWindows() || v != rv || !rv.getDefiningOp<memref::AllocOp>())
    return false;
  auto copy = dyn_cast_or_null<memref::CopyOp>(lastToucherBefore(p.op, rv));
  if (!copy)
    return false;
  auto sub = copy.getTarget().getDefiningOp<memref::SubViewOp>();
  if (!sub || sub.getSource() != rv)
    return false;
  Operation *fill = lastToucherBefore(copy, rv);
  // The subview op itself is a view, so the fill is the toucher before.
  if (!fill || getZeroFillTarget(fill) == Value() ||
      !coversRoot(getZeroFillTarget(fill), rv))
    return false;
  Value src = copy.getSource();
  auto srcType = dyn_cast<MemRefType>(src.getType());
  auto padType = cast<MemRefType>(rv.getType());
  if (!srcType || srcType.getElementType() != padType.getElementType() ||
      srcType.getRank() != padType.getRank() || !srcType.hasStaticShape())
    return false;
  SmallVector<int64_t> s;
  int64_t off;
  if (failed(srcType.getStridesAndOffset(s, off)) ||
      ShapedType::isDynamic(off) || llvm::any_of(s, ShapedType::isDynamic))
    return false;
  ArrayRef<int64_t> offsets = sub.getStaticOffsets();
  ArrayRef<int64_t> sizes = sub.getStaticSizes();
  ArrayRef<int64_t> strides = sub.getStaticStrides();
  if (llvm::any_of(offsets, ShapedType::isDynamic) ||
      llvm::any_of(sizes, ShapedType::isDynamic) ||
      llvm::any_of(strides, ShapedType::isDynamic) ||
      (int64_t)sizes.size() != padType.getRank() ||
      sub.getType().getRank() != padType.getRank())
    return false;
  Value rs = getRootBuffer(src);
  if (rs == rv || touchedBetween(copy, p.op, rs) ||
      otherOperandAliases(p, &acc, rv) || !isDeadAfter(rv, p.op))
    return false;
  SmallVector<PadWindow> windows;
  for (int64_t i = 0; i < padType.getRank(); ++i) {
    PadWindow w;
    w.offset = offsets[i];
    w.stride = strides[i];
    w.size = sizes[i];
    if (w.stride < 1 || sizes[i] != srcType.getDimSize(i))
      return false;
    w.trivial =
        w.offset == 0 && w.stride == 1 && w.size == padType.getDimSize(i);
    windows.push_back(w);
  }
  acc.memref = src;
  acc.windows = std::move(windows);
  p.absorbed.push_back(fill);
  p.absorbed.push_back(copy);
  noteDeadAlloc(p, rv);
  return true;
}

//===----------------------------------------------------------------------===//
// Epilogue
//===----------------------------------------------------------------------===//

/// `map` (over the consumer's loops) with loop j replaced by loopExprs[j].
static std::optional<SmallVector<LinearExpr>>
composeIndices(AffineMap map, ArrayRef<LinearExpr> loopExprs,
               unsigned numContractionLoops) {
  SmallVector<LinearExpr> out;
  for (AffineExpr e : map.getResults()) {
    LinearExpr r;
    r.coeffs.assign(numContractionLoops, 0);
    auto onDim = [&](unsigned d, int64_t mult) {
      const LinearExpr &l = loopExprs[d];
      for (unsigned i = 0; i < numContractionLoops; ++i)
        r.coeffs[i] += mult * l.coeffs[i];
      r.constant += mult * l.constant;
    };
    if (!forEachLinearTerm(e, 1, onDim, r.constant))
      return std::nullopt;
    out.push_back(r);
  }
  return out;
}

static bool hasStaticStridedLayout(Value v) {
  auto t = dyn_cast<MemRefType>(v.getType());
  if (!t || !t.hasStaticShape())
    return false;
  SmallVector<int64_t> s;
  int64_t off;
  return succeeded(t.getStridesAndOffset(s, off)) &&
         !ShapedType::isDynamic(off) && llvm::none_of(s, ShapedType::isDynamic);
}

/// The elementwise consumer the kernel can absorb: the first op after the
/// contraction touching its accumulator, a generic reading it once through
/// a permutation of its loops. Sets `cInput` to that input and `loopExprs`
/// to the consumer's loops in terms of the contraction's.
static linalg::GenericOp findConsumer(const GemmProblem &p, OpOperand *&cInput,
                                      SmallVectorImpl<LinearExpr> &loopExprs) {
  Value c = p.c.memref, rc = getRootBuffer(c);
  auto generic =
      dyn_cast_or_null<linalg::GenericOp>(firstToucherAfter(p.op, rc));
  if (!generic || !generic.hasPureBufferSemantics() ||
      generic.getNumReductionLoops() != 0 || generic.hasIndexSemantics() ||
      generic.getNumDpsInputs() < 1)
    return {};
  auto cType = cast<MemRefType>(c.getType());
  unsigned rank = cType.getRank();

  // The consumer's loops in terms of the contraction's: the input reading C
  // must be a permutation of the consumer's loops.
  cInput = nullptr;
  for (OpOperand *in : generic.getDpsInputOperands()) {
    if (getRootBuffer(in->get()) != rc)
      continue;
    if (in->get() != c || cInput)
      return {}; // another view of C, or C twice
    cInput = in;
  }
  if (!cInput)
    return {};
  AffineMap cMap = generic.getMatchingIndexingMap(cInput);
  if (!cMap.isPermutation() || cMap.getNumDims() != rank)
    return {};
  SmallVector<int64_t> ranges = generic.getStaticLoopRanges();
  loopExprs.assign(rank, LinearExpr());
  for (unsigned i = 0; i < rank; ++i) {
    unsigned j = cast<AffineDimExpr>(cMap.getResult(i)).getPosition();
    if (ranges[j] != cType.getDimSize(i))
      return {};
    loopExprs[j] = p.c.indices[i];
  }
  return generic;
}

/// The consumer's body is pure scalar ops, and values from outside it are
/// constants (the kernel clones it per element).
static bool hasClonableBody(linalg::GenericOp generic) {
  Block *body = generic.getBody();
  for (Operation &inner : body->without_terminator()) {
    if (inner.getNumRegions() != 0 || !isMemoryEffectFree(&inner))
      return false;
    for (Value operand : inner.getOperands()) {
      if (operand.getParentBlock() == body)
        continue;
      if (!matchPattern(operand, m_Constant()))
        return false;
    }
  }
  auto yield = cast<linalg::YieldOp>(body->getTerminator());
  for (Value v : yield.getOperands())
    if (v.getParentBlock() != body && !matchPattern(v, m_Constant()))
      return false;
  return true;
}

/// How the kernel reads and writes each operand of the consumer `generic`
/// (`next`); fails when one cannot be absorbed. Sets `writesC` when a
/// result is stored in place over the accumulator.
static LogicalResult planConsumerOperands(const GemmProblem &p,
                                          linalg::GenericOp generic,
                                          OpOperand *cInput,
                                          ArrayRef<LinearExpr> loopExprs,
                                          EpiloguePlan &next, bool &writesC) {
  Value c = p.c.memref, rc = getRootBuffer(c);
  Value aRoot = getRootBuffer(p.a.memref), bRoot = getRootBuffer(p.b.memref);
  AffineMap cMap = generic.getMatchingIndexingMap(cInput);
  unsigned numLoops = p.loopExtents.size();
  next.generic = generic;
  writesC = false;
  for (OpOperand &operand : generic->getOpOperands()) {
    Value v = operand.get();
    Value root = getRootBuffer(v);
    bool isInit = generic.isDpsInit(&operand);
    AffineMap map = generic.getMatchingIndexingMap(&operand);
    EpilogueArg arg;
    if (&operand == cInput) {
      arg.kind = EpilogueArg::Accumulator;
      next.args.push_back(arg);
      continue;
    }
    if (!hasStaticStridedLayout(v))
      return failure();
    std::optional<SmallVector<LinearExpr>> idx =
        composeIndices(map, loopExprs, numLoops);
    if (!idx)
      return failure();
    Access access;
    access.memref = v;
    access.indices = *idx;
    if (root == rc) {
      // Only an in-place result over C itself, element for element.
      if (!isInit || v != c || map != cMap)
        return failure();
      writesC = true;
      arg.kind = EpilogueArg::Accumulator;
    } else {
      if (root == aRoot || root == bRoot)
        return failure(); // other blocks still read it
      arg.kind = EpilogueArg::Load;
      arg.access = access;
    }
    if (isInit) {
      // Another operand on the same buffer must be this one, in place.
      for (OpOperand &other : generic->getOpOperands())
        if (&other != &operand && getRootBuffer(other.get()) == root &&
            root != rc &&
            (other.get() != v || generic.getMatchingIndexingMap(&other) != map))
          return failure();
      if (!isa<IntegerType, FloatType>(
              cast<MemRefType>(v.getType()).getElementType()))
        return failure();
      next.outputs.push_back(access);
    }
    next.args.push_back(arg);
  }
  return success();
}

static void absorbEpilogue(GemmProblem &p) {
  EpiloguePlan &plan = p.epilogue;
  plan = EpiloguePlan();
  Value rc = getRootBuffer(p.c.memref);
  OpOperand *cInput = nullptr;
  SmallVector<LinearExpr> loopExprs;
  linalg::GenericOp generic = findConsumer(p, cInput, loopExprs);
  if (!generic || !hasClonableBody(generic))
    return;

  // Nothing between the contraction and the consumer touches its buffers
  // or the contraction's operands (the launch takes the consumer's place).
  Value aRoot = getRootBuffer(p.a.memref), bRoot = getRootBuffer(p.b.memref);
  for (OpOperand &operand : generic->getOpOperands())
    if (touchedBetween(p.op, generic, getRootBuffer(operand.get())))
      return;
  if (touchedBetween(p.op, generic, aRoot) ||
      touchedBetween(p.op, generic, bRoot))
    return;

  EpiloguePlan next;
  bool writesC = false;
  if (failed(
          planConsumerOperands(p, generic, cInput, loopExprs, next, writesC)))
    return;
  next.storeAccumulator = !writesC && !isDeadAfter(rc, generic);
  plan = std::move(next);
  p.absorbed.push_back(generic);
  // The accumulator temporary is never written: it goes with its last
  // users.
  if (!plan.storeAccumulator && !writesC)
    noteDeadAlloc(p, rc);
}

//===----------------------------------------------------------------------===//
// Entry points
//===----------------------------------------------------------------------===//

void mma::absorbNeighbours(GemmProblem &p) {
  absorbInit(p);
  for (Access *acc : {&p.a, &p.b}) {
    // A padding of a transposed temporary, or the reverse, folds in turn.
    for (int i = 0; i < 2; ++i)
      if (!foldPadding(p, *acc) && !foldTranspose(p, *acc))
        break;
  }
  absorbEpilogue(p);
  // Keep program order (erasure order does not matter, but tests read it).
  llvm::sort(p.absorbed,
             [](Operation *x, Operation *y) { return x->isBeforeInBlock(y); });
}

linalg::LinalgOp mma::findAbsorbingContraction(Operation *op) {
  Value target;
  if (Value z = getZeroFillTarget(op))
    target = z;
  else if (auto t = dyn_cast<linalg::TransposeOp>(op);
           t && t.hasPureBufferSemantics())
    target = t.getInit();
  if (!target)
    return {};
  Value root = getRootBuffer(target);
  Operation *next = firstToucherAfter(op, root);
  // A zero padding: the copy into a subview comes first.
  if (auto copy = dyn_cast_or_null<memref::CopyOp>(next))
    if (getRootBuffer(copy.getTarget()) == root &&
        copy.getTarget().getDefiningOp<memref::SubViewOp>())
      next = firstToucherAfter(copy, root);
  return dyn_cast_or_null<linalg::LinalgOp>(next);
}

void mma::eraseAbsorbed(RewriterBase &rewriter, GemmProblem &p) {
  for (Operation *op : llvm::reverse(p.absorbed))
    rewriter.eraseOp(op);
  // Temporaries nothing uses any more, with their views.
  for (Operation *alloc : p.deadAllocs) {
    SmallVector<Operation *> views;
    SmallVector<Value> worklist(alloc->getResults());
    bool used = false;
    while (!worklist.empty() && !used) {
      Value v = worklist.pop_back_val();
      for (Operation *user : v.getUsers()) {
        if (!isView(user)) {
          used = true;
          break;
        }
        views.push_back(user);
        llvm::append_range(worklist, user->getResults());
      }
    }
    if (used)
      continue;
    // Users before producers.
    llvm::sort(views, [](Operation *x, Operation *y) {
      return y->isBeforeInBlock(x);
    });
    for (Operation *v : views)
      if (v->use_empty())
        rewriter.eraseOp(v);
    if (alloc->use_empty())
      rewriter.eraseOp(alloc);
  }
}
