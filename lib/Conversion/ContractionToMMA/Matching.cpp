//===- Matching.cpp - the GEMM view of a linalg contraction ---------------===//
//
// A linalg op is a contraction the kernels handle when, with every loop of
// extent > 1 classified by the operands whose indexing maps use it,
//
//   used by A, B and the output -> batch     used by A and B only -> K
//   used by A and the output    -> M         used by B and the output -> N
//
// and nothing else occurs; the output's map picks each batch/M/N loop once;
// the operand maps are affine sums of loops (so convolution windows such as
// p * stride + r * dilation - padding, flipped filters p - r + c, and the
// weight-gradient's n, p + r, q + s are all implicit GEMMs); and the body
// is out + a * b in f32 with the operands widened from f16/bf16 (or f32
// rounded to f16/bf16 and widened back). Named ops are matched through
// their payload and maps like generics.
//
//===----------------------------------------------------------------------===//

#include "Internal.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Utils/StructuredOpsUtils.h"
#include "mlir/IR/AffineExpr.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::mpt;
using namespace mlir::mpt::mma;

//===----------------------------------------------------------------------===//
// Access helpers
//===----------------------------------------------------------------------===//

std::optional<unsigned> LinearExpr::singleDim() const {
  if (constant != 0)
    return std::nullopt;
  std::optional<unsigned> dim;
  for (auto [d, c] : llvm::enumerate(coeffs)) {
    if (c == 0)
      continue;
    if (c != 1 || dim)
      return std::nullopt;
    dim = d;
  }
  return dim;
}

SmallVector<int64_t> Access::strides() const {
  SmallVector<int64_t> s;
  int64_t off;
  if (failed(type().getStridesAndOffset(s, off)))
    return {};
  return s;
}

int64_t Access::offset() const {
  SmallVector<int64_t> s;
  int64_t off = 0;
  if (failed(type().getStridesAndOffset(s, off)))
    return 0;
  return off;
}

int64_t Access::span() const {
  SmallVector<int64_t> s = strides();
  int64_t last = offset();
  for (auto [size, stride] : llvm::zip(type().getShape(), s))
    if (size > 0)
      last += (size - 1) * std::abs(stride);
  return last + 1;
}

int64_t Access::effectiveStride(unsigned d) const {
  SmallVector<int64_t> s = strides();
  int64_t total = 0;
  for (auto [i, e] : llvm::enumerate(indices))
    total += e.coeffs[d] * s[i];
  return total;
}

int64_t GemmProblem::extentOf(ArrayRef<unsigned> dims) const {
  int64_t e = 1;
  for (unsigned d : dims)
    e *= loopExtents[d];
  return e;
}

Value mma::getRootBuffer(Value v) {
  while (Operation *def = v.getDefiningOp()) {
    if (auto view = dyn_cast<ViewLikeOpInterface>(def)) {
      v = view.getViewSource();
      continue;
    }
    break;
  }
  return v;
}

//===----------------------------------------------------------------------===//
// Maps
//===----------------------------------------------------------------------===//

bool mlir::mpt::mma::forEachLinearTerm(
    AffineExpr expr, int64_t multiplier,
    function_ref<void(unsigned, int64_t)> onDim, int64_t &constant) {
  if (auto d = dyn_cast<AffineDimExpr>(expr)) {
    onDim(d.getPosition(), multiplier);
    return true;
  }
  if (auto c = dyn_cast<AffineConstantExpr>(expr)) {
    constant += multiplier * c.getValue();
    return true;
  }
  auto bin = dyn_cast<AffineBinaryOpExpr>(expr);
  if (!bin)
    return false;
  if (bin.getKind() == AffineExprKind::Add)
    return forEachLinearTerm(bin.getLHS(), multiplier, onDim, constant) &&
           forEachLinearTerm(bin.getRHS(), multiplier, onDim, constant);
  if (bin.getKind() == AffineExprKind::Mul) {
    if (auto c = dyn_cast<AffineConstantExpr>(bin.getRHS()))
      return forEachLinearTerm(bin.getLHS(), multiplier * c.getValue(), onDim,
                               constant);
    if (auto c = dyn_cast<AffineConstantExpr>(bin.getLHS()))
      return forEachLinearTerm(bin.getRHS(), multiplier * c.getValue(), onDim,
                               constant);
  }
  return false;
}

/// `expr` as a sum of loops times constants plus a constant.
static std::optional<LinearExpr> toLinear(AffineExpr expr, unsigned numDims) {
  LinearExpr result;
  result.coeffs.assign(numDims, 0);
  auto onDim = [&](unsigned d, int64_t mult) { result.coeffs[d] += mult; };
  if (!forEachLinearTerm(expr, 1, onDim, result.constant))
    return std::nullopt;
  return result;
}

static std::optional<SmallVector<LinearExpr>> toLinear(AffineMap map) {
  SmallVector<LinearExpr> out;
  for (AffineExpr e : map.getResults()) {
    std::optional<LinearExpr> l = toLinear(e, map.getNumDims());
    if (!l)
      return std::nullopt;
    out.push_back(*l);
  }
  return out;
}

//===----------------------------------------------------------------------===//
// Body
//===----------------------------------------------------------------------===//

namespace {
/// How one multiplicand reaches the product.
struct OperandChain {
  BlockArgument arg;
  /// The type the value is rounded to before it is multiplied in f32: f16,
  /// bf16, or f32 (no rounding).
  Type roundedTo;
  /// A truncf from f32 is part of the chain.
  bool converts = false;
  unsigned numOps = 0;
};
} // namespace

static std::optional<OperandChain> matchOperand(Value v, Block *body) {
  OperandChain chain;
  Type f32 = Float32Type::get(v.getContext());
  if (auto ext = v.getDefiningOp<arith::ExtFOp>()) {
    if (ext.getType() != f32)
      return std::nullopt;
    ++chain.numOps;
    Value narrow = ext.getIn();
    chain.roundedTo = narrow.getType();
    if (auto trunc = narrow.getDefiningOp<arith::TruncFOp>()) {
      if (trunc.getIn().getType() != f32)
        return std::nullopt;
      ++chain.numOps;
      chain.converts = true;
      v = trunc.getIn();
    } else {
      v = narrow;
    }
  } else {
    chain.roundedTo = v.getType();
  }
  auto arg = dyn_cast<BlockArgument>(v);
  if (!arg || arg.getOwner() != body)
    return std::nullopt;
  chain.arg = arg;
  return chain;
}

namespace {
struct BodyMatch {
  OperandChain a, b;
};
} // namespace

/// out + a * b (either order) in f32, every op of the body on that chain.
static std::optional<BodyMatch> matchBody(linalg::LinalgOp op) {
  Block *body = op.getBlock();
  if (!body || body->getNumArguments() != 3)
    return std::nullopt;
  auto yield = dyn_cast<linalg::YieldOp>(body->getTerminator());
  if (!yield || yield.getNumOperands() != 1)
    return std::nullopt;
  Type f32 = Float32Type::get(op->getContext());
  auto add = yield.getOperand(0).getDefiningOp<arith::AddFOp>();
  if (!add || add.getType() != f32)
    return std::nullopt;
  Value out = body->getArgument(2);
  Value prod;
  if (add.getLhs() == out)
    prod = add.getRhs();
  else if (add.getRhs() == out)
    prod = add.getLhs();
  else
    return std::nullopt;
  auto mul = prod.getDefiningOp<arith::MulFOp>();
  if (!mul)
    return std::nullopt;
  std::optional<OperandChain> x = matchOperand(mul.getLhs(), body);
  std::optional<OperandChain> y = matchOperand(mul.getRhs(), body);
  if (!x || !y)
    return std::nullopt;
  if (x->arg.getArgNumber() == 1 && y->arg.getArgNumber() == 0)
    std::swap(x, y);
  if (x->arg.getArgNumber() != 0 || y->arg.getArgNumber() != 1)
    return std::nullopt;
  // Every op of the body is on the chain (nothing else is computed).
  unsigned expected = 3 + x->numOps + y->numOps; // mulf, addf, yield
  if (body->getOperations().size() != expected)
    return std::nullopt;
  return BodyMatch{*x, *y};
}

static bool isMMAType(Type t) { return t.isF16() || t.isBF16(); }

//===----------------------------------------------------------------------===//
// Matching
//===----------------------------------------------------------------------===//

static bool hasStaticLayout(MemRefType t) {
  if (!t || !t.hasStaticShape())
    return false;
  SmallVector<int64_t> strides;
  int64_t offset;
  if (failed(t.getStridesAndOffset(strides, offset)))
    return false;
  if (ShapedType::isDynamic(offset))
    return false;
  return llvm::none_of(strides, ShapedType::isDynamic);
}

namespace {
/// The operands of a contraction whose types the kernels handle.
struct TypedContraction {
  BodyMatch body;
  Value a, b, c;
  MemRefType aType, bType, cType;
  /// The type the operands are multiplied in.
  Type elem;
  bool tensorCore = false;
};
} // namespace

/// Checks the op's form, body and types (and that the accumulator does not
/// alias an operand); fails with `reason` set otherwise.
static std::optional<TypedContraction>
matchTypes(linalg::LinalgOp op, std::string &reason, bool allowF32) {
  if (!op.hasPureBufferSemantics()) {
    reason = "not on memrefs";
    return std::nullopt;
  }
  if (op.getNumDpsInputs() != 2 || op.getNumDpsInits() != 1) {
    reason = "not two inputs and one output";
    return std::nullopt;
  }
  if (op.hasIndexSemantics()) {
    reason = "the body uses linalg.index";
    return std::nullopt;
  }
  std::optional<BodyMatch> body = matchBody(op);
  if (!body) {
    reason = "the body is not out + a * b in f32";
    return std::nullopt;
  }
  TypedContraction t{*body};
  t.a = op.getDpsInputs()[0];
  t.b = op.getDpsInputs()[1];
  t.c = op.getDpsInits()[0];
  t.aType = dyn_cast<MemRefType>(t.a.getType());
  t.bType = dyn_cast<MemRefType>(t.b.getType());
  t.cType = dyn_cast<MemRefType>(t.c.getType());
  if (!t.aType || !t.bType || !t.cType || !t.cType.getElementType().isF32()) {
    reason = "the accumulator is not an f32 memref";
    return std::nullopt;
  }
  t.elem = body->a.roundedTo;
  if (t.elem != body->b.roundedTo) {
    reason = "the operands are rounded to different types";
    return std::nullopt;
  }
  t.tensorCore = isMMAType(t.elem);
  if (!t.tensorCore && !(allowF32 && t.elem.isF32())) {
    reason = "the operands are not f16 or bf16";
    return std::nullopt;
  }
  if (!body->a.converts && t.aType.getElementType() != t.elem) {
    reason = "operand A is not of the multiplied type";
    return std::nullopt;
  }
  if (!body->b.converts && t.bType.getElementType() != t.elem) {
    reason = "operand B is not of the multiplied type";
    return std::nullopt;
  }
  // The accumulator sharing an allocation with an operand: other blocks
  // would read what one block writes. The caller's generic path copies such
  // operands first.
  if (getRootBuffer(t.c) == getRootBuffer(t.a) ||
      getRootBuffer(t.c) == getRootBuffer(t.b)) {
    reason = "the accumulator aliases an operand";
    return std::nullopt;
  }
  return t;
}

/// The loop list of `p` for `kind` (not Unit).
static SmallVector<unsigned> &dimsOfKind(GemmProblem &p, DimKind kind) {
  switch (kind) {
  case DimKind::Batch:
    return p.batchDims;
  case DimKind::M:
    return p.mDims;
  case DimKind::N:
    return p.nDims;
  case DimKind::K:
    return p.kDims;
  case DimKind::Unit:
    break;
  }
  llvm_unreachable("unit loops are in no list");
}

/// Classifies every loop of `p` as batch, M, N, K or unit (dropping unit
/// loops from the indices) and fills the per-kind loop lists; fails with
/// `reason` set when a loop is none of them.
static LogicalResult classifyLoops(GemmProblem &p, linalg::LinalgOp op,
                                   std::string &reason) {
  auto uses = [](ArrayRef<LinearExpr> idx, unsigned d) {
    return llvm::any_of(idx,
                        [&](const LinearExpr &e) { return e.dependsOn(d); });
  };
  ArrayRef<int64_t> extents = p.loopExtents;
  SmallVector<utils::IteratorType> iters = op.getIteratorTypesArray();
  p.kinds.assign(extents.size(), DimKind::Unit);
  for (unsigned d = 0, e = extents.size(); d < e; ++d) {
    bool reduction = iters[d] == utils::IteratorType::reduction;
    if (extents[d] == 1) {
      // A unit loop is always 0: drop it from every index.
      for (Access *acc : {&p.a, &p.b, &p.c})
        for (LinearExpr &index : acc->indices)
          index.coeffs[d] = 0;
      continue;
    }
    if (extents[d] < 1) {
      reason = "a loop has no iterations";
      return failure();
    }
    bool inA = uses(p.a.indices, d), inB = uses(p.b.indices, d),
         inC = uses(p.c.indices, d);
    DimKind kind;
    if (inA && inB && inC)
      kind = DimKind::Batch;
    else if (inA && inC && !inB)
      kind = DimKind::M;
    else if (inB && inC && !inA)
      kind = DimKind::N;
    else if (inA && inB && !inC)
      kind = DimKind::K;
    else {
      reason = ("loop " + Twine(d) +
                " is not a batch, M, N or reduction loop of both operands")
                   .str();
      return failure();
    }
    if ((kind == DimKind::K) != reduction) {
      reason = ("loop " + Twine(d) + " has the wrong iterator type").str();
      return failure();
    }
    p.kinds[d] = kind;
    dimsOfKind(p, kind).push_back(d);
  }
  return success();
}

/// Limits on the GEMM sizes: fails with `reason` set, and `fatal` when the
/// contraction cannot be lowered at all.
static LogicalResult checkSizes(const GemmProblem &p, std::string &reason,
                                bool &fatal) {
  auto bail = [&](const char *why, bool isFatal) {
    reason = why;
    fatal = isFatal;
    return failure();
  };
  // A batch of matrix-vector products (a depthwise convolution: the
  // channel is a batch loop, one output column per channel) would use one
  // of the 8 columns of every mma: a SIMT kernel is faster.
  if (p.batch > 1 && (p.m == 1 || p.n == 1))
    return bail("a batch of matrix-vector products (e.g. a depthwise "
                "convolution) is better served by a SIMT kernel",
                false);
  // Offsets are 32-bit in the kernels.
  constexpr int64_t kMaxSpan = int64_t(1) << 31;
  for (const Access *acc : {&p.a, &p.b, &p.c})
    if (acc->span() >= kMaxSpan)
      return bail("a buffer of 2^31 or more elements needs 64-bit offsets, "
                  "which the kernels do not use",
                  true);
  if (p.batch * p.m * p.n >= kMaxSpan || p.k >= kMaxSpan)
    return bail("the problem has 2^31 or more outputs", true);
  return success();
}

FailureOr<GemmProblem> mma::matchContraction(linalg::LinalgOp op,
                                             std::string &reason, bool &fatal,
                                             bool allowF32) {
  fatal = false;
  std::optional<TypedContraction> t = matchTypes(op, reason, allowF32);
  if (!t)
    return failure();

  // From here on it is a contraction of the right types: what cannot be
  // handled is a diagnostic, not a silent fallback.
  auto bail = [&](const Twine &why, bool isFatal) -> FailureOr<GemmProblem> {
    reason = why.str();
    fatal = isFatal;
    return failure();
  };

  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  std::optional<SmallVector<LinearExpr>> aIdx = toLinear(maps[0]);
  std::optional<SmallVector<LinearExpr>> bIdx = toLinear(maps[1]);
  if (!aIdx || !bIdx)
    return bail("an operand index is not an affine sum of loops", false);
  if (!maps[2].isProjectedPermutation())
    return bail("the output's indexing map is not a projection of the loops",
                false);

  SmallVector<int64_t> extents = op.getStaticLoopRanges();
  if (llvm::any_of(extents, ShapedType::isDynamic) ||
      !hasStaticLayout(t->aType) || !hasStaticLayout(t->bType) ||
      !hasStaticLayout(t->cType))
    return bail("tensor-core kernels need static shapes and strided layouts",
                t->tensorCore);

  GemmProblem p;
  p.op = op;
  p.loopExtents = extents;
  p.elementType = t->elem;
  p.aConverts = t->body.a.converts;
  p.bConverts = t->body.b.converts;
  p.a.memref = t->a;
  p.a.indices = *aIdx;
  p.b.memref = t->b;
  p.b.indices = *bIdx;
  p.c.memref = t->c;
  p.c.indices = *toLinear(maps[2]);
  if (failed(classifyLoops(p, op, reason)))
    return failure();
  if (op.getNumReductionLoops() == 0)
    return bail("no reduction loop", false);
  if (op.getNumParallelLoops() == 0)
    return bail("a dot product (no parallel loop) is a reduction, not a GEMM",
                false);
  // The output picks batch/M/N loops as they are (checked above: it is a
  // projected permutation; every non-unit loop it uses is batch/M/N).
  p.batch = p.extentOf(p.batchDims);
  p.m = p.extentOf(p.mDims);
  p.n = p.extentOf(p.nDims);
  p.k = p.extentOf(p.kDims);
  if (failed(checkSizes(p, reason, fatal)))
    return failure();
  p.family = classifyFamily(p);
  p.absorbed.push_back(op);
  return p;
}

bool mpt::isTensorCoreContraction(linalg::LinalgOp op) {
  std::string reason;
  bool fatal = false;
  FailureOr<mma::GemmProblem> p =
      mma::matchContraction(op, reason, fatal, /*allowF32=*/false);
  return succeeded(p) || fatal;
}
