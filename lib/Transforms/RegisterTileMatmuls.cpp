//===- RegisterTileMatmuls.cpp - f32 contractions in register tiles ------===//
//
// mpt-register-tile-matmuls: an f32 matmul or convolution becomes loops
// over tiles of 4 rows x 2 vectors of 8 lanes (AVX2) or 8 rows x 2 vectors
// of 16 lanes (AVX-512) whose accumulators are vector values carried
// through the reduction loops, instead of a load and a store of the output
// for every product (Passes.td has the details).
//
//===----------------------------------------------------------------------===//

#include "mpt/Transforms/Passes.h"
#include "mpt/Transforms/RegisterTiling.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

namespace mlir::mpt {
#define GEN_PASS_DEF_MPTREGISTERTILEMATMULS
#include "mpt/Transforms/Passes.h.inc"
} // namespace mlir::mpt

using namespace mlir;

namespace {
/// The narrowest accumulator: an AVX2 register of f32.
constexpr int64_t kMinLanes = 8;

/// A tileable contraction: loops (outer parallel..., i, reductions..., j),
/// C[outer..., i, j] += A[f(outer, i, reductions)] * B[g(outer,
/// reductions), j]: a matmul (no outer loops, one reduction), a batched
/// matmul, or a convolution and its gradients (several reductions, A read
/// through sums of loop indices).
struct ContractionParts {
  Value a, b, c;
  AffineMap aMap, bMap;
  bool fused; // math.fma(a, b, out) instead of out + a * b
  unsigned rowDim, colDim;
  SmallVector<unsigned> reductionDims; // the outer loops are 0..rowDim-1
  SmallVector<int64_t> ranges;
  int64_t cols() const { return ranges[colDim]; }
};

/// The shape of the tiles of one contraction.
struct TileShape {
  int64_t lanes;   // f32 lanes of an accumulator
  int64_t vectors; // accumulators per row of a tile: 2 or 1
  int64_t rows;    // rows of a full tile
};
} // namespace

static bool isDim(AffineExpr e, unsigned d) {
  auto dim = dyn_cast<AffineDimExpr>(e);
  return dim && dim.getPosition() == d;
}

static bool hasUnitInnerStride(Value v) {
  auto type = dyn_cast<MemRefType>(v.getType());
  return type && type.getElementType().isF32() && type.getRank() >= 1 &&
         type.hasStaticShape() && type.isLastDimUnitStride();
}

static bool usesDim(AffineMap map, unsigned d) {
  return llvm::any_of(map.getResults(),
                      [&](AffineExpr e) { return e.isFunctionOfDim(d); });
}

std::optional<mlir::mpt::MultiplyAddBody>
mlir::mpt::matchMultiplyAddBody(linalg::GenericOp op) {
  if (op.getNumDpsInputs() != 2 || op.getNumDpsInits() != 1)
    return std::nullopt;
  Block *body = op.getBody();
  auto yield = cast<linalg::YieldOp>(body->getTerminator());
  if (yield.getValues().size() != 1 ||
      !yield.getValues().front().getType().isF32())
    return std::nullopt;
  BlockArgument in0 = body->getArgument(0), in1 = body->getArgument(1),
                out = body->getArgument(2);
  auto isInputPair = [&](Value x, Value y) {
    return (x == in0 && y == in1) || (x == in1 && y == in0);
  };
  Value result = yield.getValues().front();
  if (auto fma = result.getDefiningOp<math::FmaOp>()) {
    if (body->getOperations().size() != 2 || fma.getC() != out ||
        fma.getFastmath() != arith::FastMathFlags::none ||
        !isInputPair(fma.getA(), fma.getB()))
      return std::nullopt;
    return MultiplyAddBody{{}, {}, fma};
  }
  if (body->getOperations().size() != 3)
    return std::nullopt;
  auto add = result.getDefiningOp<arith::AddFOp>();
  if (!add || add.getFastmath() != arith::FastMathFlags::none)
    return std::nullopt;
  Value product = add.getLhs() == out   ? add.getRhs()
                  : add.getRhs() == out ? add.getLhs()
                                        : Value();
  auto mul = product ? product.getDefiningOp<arith::MulFOp>() : nullptr;
  if (!mul || mul.getFastmath() != arith::FastMathFlags::none ||
      !isInputPair(mul.getLhs(), mul.getRhs()))
    return std::nullopt;
  return MultiplyAddBody{mul, add, {}};
}

static std::optional<ContractionParts> matchContraction(linalg::LinalgOp op) {
  auto generic = dyn_cast<linalg::GenericOp>(op.getOperation());
  if (!generic || generic.getNumDpsInputs() != 2 ||
      generic.getNumDpsInits() != 1 || !generic.hasPureBufferSemantics() ||
      generic.getNumLoops() < 3)
    return std::nullopt;
  // Loops: parallel..., reduction..., one parallel last.
  SmallVector<utils::IteratorType> it = generic.getIteratorTypesArray();
  unsigned n = it.size();
  ContractionParts m;
  m.colDim = n - 1;
  unsigned firstReduction = 0;
  while (firstReduction < n &&
         it[firstReduction] == utils::IteratorType::parallel)
    ++firstReduction;
  if (firstReduction == 0 || firstReduction >= n - 1 ||
      it[n - 1] != utils::IteratorType::parallel)
    return std::nullopt;
  for (unsigned d = firstReduction; d < n - 1; ++d) {
    if (it[d] != utils::IteratorType::reduction)
      return std::nullopt;
    m.reductionDims.push_back(d);
  }
  m.rowDim = firstReduction - 1;

  // C over the parallel loops in order, contiguous in j.
  SmallVector<AffineMap> maps = generic.getIndexingMapsArray();
  AffineMap cm = maps[2];
  if (cm.getNumResults() != m.rowDim + 2)
    return std::nullopt;
  for (unsigned r = 0; r + 1 < cm.getNumResults(); ++r)
    if (!isDim(cm.getResult(r), r))
      return std::nullopt;
  if (!isDim(cm.getResults().back(), m.colDim))
    return std::nullopt;
  // B: j is its last index (contiguous) and nowhere else, no i; A: no j.
  int bIndex = -1;
  for (int k = 0; k < 2; ++k) {
    AffineMap bm = maps[k];
    if (bm.getNumResults() == 0 || !isDim(bm.getResults().back(), m.colDim) ||
        usesDim(bm.dropResult(bm.getNumResults() - 1), m.colDim) ||
        usesDim(bm, m.rowDim) || usesDim(maps[1 - k], m.colDim))
      continue;
    bIndex = k;
    break;
  }
  if (bIndex < 0)
    return std::nullopt;
  m.b = generic.getDpsInputOperand(bIndex)->get();
  m.a = generic.getDpsInputOperand(1 - bIndex)->get();
  m.bMap = maps[bIndex];
  m.aMap = maps[1 - bIndex];
  m.c = generic.getDpsInitOperand(0)->get();
  auto aType = dyn_cast<MemRefType>(m.a.getType());
  if (!aType || !aType.getElementType().isF32() || !aType.hasStaticShape() ||
      !hasUnitInnerStride(m.b) || !hasUnitInnerStride(m.c))
    return std::nullopt;

  std::optional<mpt::MultiplyAddBody> body = mpt::matchMultiplyAddBody(generic);
  if (!body)
    return std::nullopt;
  m.fused = static_cast<bool>(body->fma);

  m.ranges = generic.getStaticLoopRanges();
  if (m.cols() % kMinLanes != 0 ||
      llvm::any_of(m.ranges, [](int64_t r) { return r < 1; }))
    return std::nullopt;
  return m;
}

bool mlir::mpt::isRegisterTileableMatmul(linalg::LinalgOp op) {
  return matchContraction(op).has_value();
}

/// The tiles of `m` for vectors of `lanes` (8 or 16) f32 lanes: the widest
/// that divide its columns; rows that keep the accumulators, the vectors of
/// B and the broadcast element of A within the register file (16 vector
/// registers of AVX2, 32 of AVX-512).
static TileShape tileShape(const ContractionParts &m, int64_t lanes) {
  if (lanes != 16 || m.cols() % 16 != 0)
    lanes = kMinLanes;
  int64_t vectors = m.cols() % (2 * lanes) == 0 ? 2 : 1;
  return TileShape{lanes, vectors, lanes == 16 ? 8 : 4};
}

/// The indices `map` gives for the loop values `dims` (a plain loop index
/// as it is, anything else through affine.apply, which lower-affine turns
/// into arithmetic).
static SmallVector<Value> applyMap(OpBuilder &b, Location loc, AffineMap map,
                                   ArrayRef<Value> dims) {
  SmallVector<Value> indices;
  for (AffineExpr e : map.getResults()) {
    if (auto dim = dyn_cast<AffineDimExpr>(e)) {
      indices.push_back(dims[dim.getPosition()]);
      continue;
    }
    indices.push_back(affine::AffineApplyOp::create(
        b, loc, AffineMap::get(map.getNumDims(), 0, e), dims));
  }
  return indices;
}

/// Rows [row, row + rows) x columns [col, col + vectors * lanes) of C at
/// the outer loop values in `dims`: load the accumulators, run the
/// reduction loops with them in registers, store them.
static void emitTile(OpBuilder &b, Location loc, const ContractionParts &m,
                     const TileShape &shape, SmallVector<Value> dims, Value row,
                     Value col, int64_t rows) {
  auto vecType = VectorType::get({shape.lanes}, b.getF32Type());
  int64_t vectors = shape.vectors;
  SmallVector<Value> rowIdx, colIdx;
  for (int64_t r = 0; r < rows; ++r)
    rowIdx.push_back(
        r == 0 ? row
               : arith::AddIOp::create(
                     b, loc, row, arith::ConstantIndexOp::create(b, loc, r)));
  for (int64_t v = 0; v < vectors; ++v)
    colIdx.push_back(v == 0
                         ? col
                         : arith::AddIOp::create(b, loc, col,
                                                 arith::ConstantIndexOp::create(
                                                     b, loc, v * shape.lanes)));
  auto cIndices = [&](int64_t r, int64_t v) {
    SmallVector<Value> idx;
    for (unsigned d = 0; d < m.rowDim; ++d)
      idx.push_back(dims[d]);
    idx.append({rowIdx[r], colIdx[v]});
    return idx;
  };
  SmallVector<Value> init;
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t v = 0; v < vectors; ++v)
      init.push_back(
          vector::LoadOp::create(b, loc, vecType, m.c, cIndices(r, v)));

  // The products of one point of the reduction loops.
  auto body = [&](OpBuilder &nb, Location nl, ValueRange accs) {
    // B's indices differ between the vectors only in the last one, j.
    dims[m.rowDim] = row;
    dims[m.colDim] = colIdx[0];
    SmallVector<Value> bIdx = applyMap(nb, nl, m.bMap, dims);
    SmallVector<Value> bs;
    for (int64_t v = 0; v < vectors; ++v) {
      bIdx.back() = colIdx[v];
      bs.push_back(vector::LoadOp::create(nb, nl, vecType, m.b, bIdx));
    }
    SmallVector<Value> next;
    for (int64_t r = 0; r < rows; ++r) {
      dims[m.rowDim] = rowIdx[r];
      dims[m.colDim] = col;
      Value a =
          memref::LoadOp::create(nb, nl, m.a, applyMap(nb, nl, m.aMap, dims));
      Value splat = vector::BroadcastOp::create(nb, nl, vecType, a);
      for (int64_t v = 0; v < vectors; ++v) {
        Value acc = accs[r * vectors + v];
        if (m.fused) {
          next.push_back(vector::FMAOp::create(nb, nl, splat, bs[v], acc));
          continue;
        }
        Value product = arith::MulFOp::create(nb, nl, splat, bs[v]);
        next.push_back(arith::AddFOp::create(nb, nl, acc, product));
      }
    }
    return next;
  };
  // The reduction loops, in the op's order, the accumulators carried
  // through all of them.
  std::function<SmallVector<Value>(OpBuilder &, Location, unsigned, ValueRange)>
      nest = [&](OpBuilder &nb, Location nl, unsigned level,
                 ValueRange accs) -> SmallVector<Value> {
    if (level == m.reductionDims.size())
      return body(nb, nl, accs);
    unsigned d = m.reductionDims[level];
    Value zero = arith::ConstantIndexOp::create(nb, nl, 0);
    Value one = arith::ConstantIndexOp::create(nb, nl, 1);
    Value end = arith::ConstantIndexOp::create(nb, nl, m.ranges[d]);
    auto loop = scf::ForOp::create(
        nb, nl, zero, end, one, accs,
        [&](OpBuilder &lb, Location ll, Value iv, ValueRange inner) {
          dims[d] = iv;
          scf::YieldOp::create(lb, ll, nest(lb, ll, level + 1, inner));
        });
    return SmallVector<Value>(loop.getResults());
  };
  SmallVector<Value> sums = nest(b, loc, 0, init);
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t v = 0; v < vectors; ++v)
      vector::StoreOp::create(b, loc, sums[r * vectors + v], m.c,
                              cIndices(r, v));
}

/// All column tiles of rows [row, row + rows).
static void emitRowTiles(OpBuilder &b, Location loc, const ContractionParts &m,
                         const TileShape &shape, ArrayRef<Value> dims,
                         Value row, int64_t rows) {
  Value zero = arith::ConstantIndexOp::create(b, loc, 0);
  Value cols = arith::ConstantIndexOp::create(b, loc, m.cols());
  Value step =
      arith::ConstantIndexOp::create(b, loc, shape.vectors * shape.lanes);
  scf::ForOp::create(b, loc, zero, cols, step, ValueRange{},
                     [&](OpBuilder &nb, Location nl, Value col, ValueRange) {
                       emitTile(nb, nl, m, shape, SmallVector<Value>(dims), row,
                                col, rows);
                       scf::YieldOp::create(nb, nl);
                     });
}

/// Rows [lo, hi) of the row loop at the outer loop values in `dims`: full
/// tiles from lo while they fit below hi, then (for tiles of 8 rows) one
/// tile of 4 if 4 rows remain, then the last rows one at a time.
static void emitRows(OpBuilder &b, Location loc, const ContractionParts &m,
                     const TileShape &shape, ArrayRef<Value> dims, Value lo,
                     Value hi) {
  auto rowLoop = [&](Value from, Value to, int64_t rows) {
    Value step = arith::ConstantIndexOp::create(b, loc, rows);
    scf::ForOp::create(b, loc, from, to, step, ValueRange{},
                       [&](OpBuilder &nb, Location nl, Value row, ValueRange) {
                         emitRowTiles(nb, nl, m, shape, dims, row, rows);
                         scf::YieldOp::create(nb, nl);
                       });
  };
  // The end of the whole tiles of `rows` rows from `from`.
  auto wholeTilesEnd = [&](Value from, int64_t rows) {
    Value size = arith::ConstantIndexOp::create(b, loc, rows);
    Value span = arith::SubIOp::create(b, loc, hi, from);
    Value tiles = arith::DivUIOp::create(b, loc, span, size);
    return arith::AddIOp::create(b, loc, from,
                                 arith::MulIOp::create(b, loc, tiles, size));
  };
  SmallVector<int64_t, 2> heights = {shape.rows};
  if (shape.rows > 4)
    heights.push_back(4);
  Value start = lo;
  for (int64_t rows : heights) {
    Value end = wholeTilesEnd(start, rows);
    rowLoop(start, end, rows);
    start = end;
  }
  rowLoop(start, hi, 1);
}

void mlir::mpt::emitRegisterTiledMatmul(RewriterBase &rewriter,
                                        linalg::LinalgOp op, Value lo, Value hi,
                                        int64_t lanes) {
  std::optional<ContractionParts> m = matchContraction(op);
  assert(m && "not a register-tileable contraction");
  TileShape shape = tileShape(*m, lanes);
  Location loc = op.getLoc();
  rewriter.setInsertionPoint(op);
  // [lo, hi) is the range of loop 0: the rows when there are no outer
  // loops, else the outermost loop. Each element's arithmetic is the same
  // either way, so the partition into ranges does not matter.
  SmallVector<Value> dims(m->ranges.size());
  if (m->rowDim == 0) {
    emitRows(rewriter, loc, *m, shape, dims, lo, hi);
    return;
  }
  std::function<void(OpBuilder &, Location, unsigned)> outer =
      [&](OpBuilder &b, Location l, unsigned level) {
        if (level == m->rowDim) {
          Value zero = arith::ConstantIndexOp::create(b, l, 0);
          Value rows =
              arith::ConstantIndexOp::create(b, l, m->ranges[m->rowDim]);
          emitRows(b, l, *m, shape, dims, zero, rows);
          return;
        }
        unsigned d = level;
        Value from = level == 0 ? lo : arith::ConstantIndexOp::create(b, l, 0);
        Value to = level == 0
                       ? hi
                       : arith::ConstantIndexOp::create(b, l, m->ranges[d]);
        Value one = arith::ConstantIndexOp::create(b, l, 1);
        scf::ForOp::create(
            b, l, from, to, one, ValueRange{},
            [&](OpBuilder &nb, Location nl, Value iv, ValueRange) {
              dims[d] = iv;
              outer(nb, nl, level + 1);
              scf::YieldOp::create(nb, nl);
            });
      };
  outer(rewriter, loc, 0);
}

namespace {

struct MPTRegisterTileMatmulsPass
    : public mpt::impl::MPTRegisterTileMatmulsBase<MPTRegisterTileMatmulsPass> {
  using Base::Base;

  void runOnOperation() override {
    if (lanes != 8 && lanes != 16) {
      getOperation()->emitError()
          << "mpt-register-tile-matmuls: lanes must be 8 or 16, not "
          << static_cast<int64_t>(lanes);
      return signalPassFailure();
    }
    SmallVector<linalg::LinalgOp> work;
    getOperation()->walk([&](linalg::LinalgOp op) {
      if (mpt::isRegisterTileableMatmul(op))
        work.push_back(op);
    });
    IRRewriter rewriter(&getContext());
    for (linalg::LinalgOp op : work) {
      rewriter.setInsertionPoint(op);
      Value lo = arith::ConstantIndexOp::create(rewriter, op.getLoc(), 0);
      Value hi = arith::ConstantIndexOp::create(rewriter, op.getLoc(),
                                                op.getStaticLoopRanges()[0]);
      mpt::emitRegisterTiledMatmul(rewriter, op, lo, hi, lanes);
      rewriter.eraseOp(op);
    }
  }
};

} // namespace
