//===- RegisterTileMatmuls.cpp - f32 matmuls with register accumulators ---===//
//
// mpt-register-tile-matmuls: a plain f32 matmul becomes loops over tiles of
// 4 rows x 2 vectors of 8 lanes (AVX2) or 8 rows x 2 vectors of 16 lanes
// (AVX-512) whose accumulators are vector values carried through the k
// loop, instead of a load and a store of the output for every product
// (Passes.td has the details).
//
//===----------------------------------------------------------------------===//

#include "mpt/Transforms/Passes.h"
#include "mpt/Transforms/RegisterTiling.h"

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

/// The matmul's operands and how A is indexed.
struct MatmulParts {
  Value a, b, c;
  bool aTransposed; // A[k, i] instead of A[i, k]
  bool fused;       // math.fma(a, b, out) instead of out + a * b
  int64_t rows, depth, cols;
};

/// The shape of the tiles of one matmul.
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
  return type && type.getElementType().isF32() && type.getRank() == 2 &&
         type.hasStaticShape() && type.isLastDimUnitStride();
}

static std::optional<MatmulParts> matchMatmul(linalg::LinalgOp op) {
  auto generic = dyn_cast<linalg::GenericOp>(op.getOperation());
  if (!generic || generic.getNumDpsInputs() != 2 ||
      generic.getNumDpsInits() != 1 || !generic.hasPureBufferSemantics() ||
      generic.getNumLoops() != 3)
    return std::nullopt;
  SmallVector<utils::IteratorType> it = generic.getIteratorTypesArray();
  if (it[0] != utils::IteratorType::parallel ||
      it[1] != utils::IteratorType::reduction ||
      it[2] != utils::IteratorType::parallel)
    return std::nullopt;
  SmallVector<AffineMap> maps = generic.getIndexingMapsArray();
  for (AffineMap map : maps)
    if (map.getNumResults() != 2)
      return std::nullopt;
  AffineMap am = maps[0], bm = maps[1], cm = maps[2];
  if (!isDim(cm.getResult(0), 0) || !isDim(cm.getResult(1), 2) ||
      !isDim(bm.getResult(0), 1) || !isDim(bm.getResult(1), 2))
    return std::nullopt;
  bool transposed;
  if (isDim(am.getResult(0), 0) && isDim(am.getResult(1), 1))
    transposed = false;
  else if (isDim(am.getResult(0), 1) && isDim(am.getResult(1), 0))
    transposed = true;
  else
    return std::nullopt;
  Value a = generic.getDpsInputOperand(0)->get();
  Value b = generic.getDpsInputOperand(1)->get();
  Value c = generic.getDpsInitOperand(0)->get();
  auto aType = dyn_cast<MemRefType>(a.getType());
  if (!aType || !aType.getElementType().isF32() || !aType.hasStaticShape() ||
      !hasUnitInnerStride(b) || !hasUnitInnerStride(c))
    return std::nullopt;

  // The body: yield(addf(out, mulf(in0, in1))) in any operand order, or
  // yield(math.fma(in0, in1, out)).
  Block *body = generic.getBody();
  auto yield = cast<linalg::YieldOp>(body->getTerminator());
  BlockArgument in0 = body->getArgument(0), in1 = body->getArgument(1),
                out = body->getArgument(2);
  auto isInputPair = [&](Value x, Value y) {
    return (x == in0 && y == in1) || (x == in1 && y == in0);
  };
  bool fused = false;
  if (auto fma = yield.getValues().front().getDefiningOp<math::FmaOp>()) {
    if (body->getOperations().size() != 2 || fma.getC() != out ||
        fma.getFastmath() != arith::FastMathFlags::none ||
        !isInputPair(fma.getA(), fma.getB()))
      return std::nullopt;
    fused = true;
  } else {
    if (body->getOperations().size() != 3)
      return std::nullopt;
    auto add = yield.getValues().front().getDefiningOp<arith::AddFOp>();
    if (!add || add.getFastmath() != arith::FastMathFlags::none)
      return std::nullopt;
    Value product = add.getLhs() == out   ? add.getRhs()
                    : add.getRhs() == out ? add.getLhs()
                                          : Value();
    auto mul = product ? product.getDefiningOp<arith::MulFOp>() : nullptr;
    if (!mul || mul.getFastmath() != arith::FastMathFlags::none ||
        !isInputPair(mul.getLhs(), mul.getRhs()))
      return std::nullopt;
  }

  SmallVector<int64_t> ranges = generic.getStaticLoopRanges();
  if (ranges[2] % kMinLanes != 0 || ranges[0] < 1 || ranges[1] < 1)
    return std::nullopt;
  return MatmulParts{a,         b,         c,        transposed,
                     fused,     ranges[0], ranges[1], ranges[2]};
}

bool mlir::mpt::isRegisterTileableMatmul(linalg::LinalgOp op) {
  return matchMatmul(op).has_value();
}

/// The tiles of `m` for vectors of `lanes` (8 or 16) f32 lanes: the widest
/// that divide its columns; rows that keep the accumulators, the vectors of
/// B and the broadcast element of A within the register file (16 vector
/// registers of AVX2, 32 of AVX-512).
static TileShape tileShape(const MatmulParts &m, int64_t lanes) {
  if (lanes != 16 || m.cols % 16 != 0)
    lanes = kMinLanes;
  int64_t vectors = m.cols % (2 * lanes) == 0 ? 2 : 1;
  return TileShape{lanes, vectors, lanes == 16 ? 8 : 4};
}

/// Rows [row, row + rows) x columns [col, col + vectors * lanes) of C: load
/// the accumulators, run k with them in registers, store them.
static void emitTile(OpBuilder &b, Location loc, const MatmulParts &m,
                     const TileShape &shape, Value row, Value col,
                     int64_t rows) {
  auto vecType = VectorType::get({shape.lanes}, b.getF32Type());
  int64_t vectors = shape.vectors;
  Value zero = arith::ConstantIndexOp::create(b, loc, 0);
  Value one = arith::ConstantIndexOp::create(b, loc, 1);
  Value depth = arith::ConstantIndexOp::create(b, loc, m.depth);
  SmallVector<Value> rowIdx, colIdx;
  for (int64_t r = 0; r < rows; ++r)
    rowIdx.push_back(
        r == 0 ? row
               : arith::AddIOp::create(
                     b, loc, row, arith::ConstantIndexOp::create(b, loc, r)));
  for (int64_t v = 0; v < vectors; ++v)
    colIdx.push_back(
        v == 0 ? col
               : arith::AddIOp::create(
                     b, loc, col,
                     arith::ConstantIndexOp::create(b, loc, v * shape.lanes)));
  SmallVector<Value> init;
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t v = 0; v < vectors; ++v)
      init.push_back(vector::LoadOp::create(b, loc, vecType, m.c,
                                            ValueRange{rowIdx[r], colIdx[v]}));
  auto loop = scf::ForOp::create(
      b, loc, zero, depth, one, init,
      [&](OpBuilder &nb, Location nl, Value k, ValueRange accs) {
        SmallVector<Value> bs;
        for (int64_t v = 0; v < vectors; ++v)
          bs.push_back(vector::LoadOp::create(nb, nl, vecType, m.b,
                                              ValueRange{k, colIdx[v]}));
        SmallVector<Value> next;
        for (int64_t r = 0; r < rows; ++r) {
          SmallVector<Value, 2> aIdx = {rowIdx[r], k};
          if (m.aTransposed)
            std::swap(aIdx[0], aIdx[1]);
          Value a = memref::LoadOp::create(nb, nl, m.a, aIdx);
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
        scf::YieldOp::create(nb, nl, next);
      });
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t v = 0; v < vectors; ++v)
      vector::StoreOp::create(b, loc, loop.getResult(r * vectors + v), m.c,
                              ValueRange{rowIdx[r], colIdx[v]});
}

/// All column tiles of rows [row, row + rows).
static void emitRowTiles(OpBuilder &b, Location loc, const MatmulParts &m,
                         const TileShape &shape, Value row, int64_t rows) {
  Value zero = arith::ConstantIndexOp::create(b, loc, 0);
  Value cols = arith::ConstantIndexOp::create(b, loc, m.cols);
  Value step =
      arith::ConstantIndexOp::create(b, loc, shape.vectors * shape.lanes);
  scf::ForOp::create(b, loc, zero, cols, step, ValueRange{},
                     [&](OpBuilder &nb, Location nl, Value col, ValueRange) {
                       emitTile(nb, nl, m, shape, row, col, rows);
                       scf::YieldOp::create(nb, nl);
                     });
}

void mlir::mpt::emitRegisterTiledMatmul(RewriterBase &rewriter,
                                        linalg::LinalgOp op, Value lo,
                                        Value hi, int64_t lanes) {
  std::optional<MatmulParts> m = matchMatmul(op);
  assert(m && "not a register-tileable matmul");
  TileShape shape = tileShape(*m, lanes);
  Location loc = op.getLoc();
  rewriter.setInsertionPoint(op);
  // Full tiles from lo while they fit below hi, then (for tiles of 8 rows)
  // one tile of 4 if 4 rows remain, then the last rows one at a time. Each
  // element's arithmetic is the same either way, so the partition into
  // [lo, hi) ranges does not matter.
  auto rowLoop = [&](Value from, Value to, int64_t rows) {
    Value step = arith::ConstantIndexOp::create(rewriter, loc, rows);
    scf::ForOp::create(rewriter, loc, from, to, step, ValueRange{},
                       [&](OpBuilder &b, Location l, Value row, ValueRange) {
                         emitRowTiles(b, l, *m, shape, row, rows);
                         scf::YieldOp::create(b, l);
                       });
  };
  // The end of the whole tiles of `rows` rows from `from`.
  auto wholeTilesEnd = [&](Value from, int64_t rows) {
    Value size = arith::ConstantIndexOp::create(rewriter, loc, rows);
    Value span = arith::SubIOp::create(rewriter, loc, hi, from);
    Value tiles = arith::DivUIOp::create(rewriter, loc, span, size);
    return arith::AddIOp::create(
        rewriter, loc, from, arith::MulIOp::create(rewriter, loc, tiles, size));
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
