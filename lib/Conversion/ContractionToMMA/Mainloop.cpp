//===- Mainloop.cpp - multistage cp.async / ldmatrix / mma.sync loop ------===//
//
// Per block: S shared-memory stages of an A tile and a B tile. Tile t of the
// reduction lives in stage t % S. The loop over reduction tiles t is
//
//   prologue:  load tiles 0 .. S-2, one commit group each
//              wait_group(S-2); barrier; ldmatrix the k16 step 0 of tile 0
//   loop t:    for each k16 step g of the tile (BK/16 of them):
//                ldmatrix step g+1 (of tile t; of tile t+1 when g is last)
//                g == 0:    cp.async tile t+S-1 into the stage of tile t-1
//                mma.sync on step g
//                g == last-1: commit; wait_group(S-2); barrier
//
// so every iteration commits exactly one group, S-1 tiles are in flight
// while one is computed, the one barrier per tile separates the last
// ldmatrix of a stage from the cp.async that refills it, and the fragments
// of the next step are loaded while the current one multiplies.
//
// Shared-memory rows are 16-byte chunks, XOR-swizzled (chunk ^ f(row), see
// SmemTile::swizzle) so that the 8 row addresses of each ldmatrix phase and
// the 8 chunks of each cp.async phase fall in 8 different bank groups.
// Operands are staged in their global layout: K-contiguous tiles (rows = M
// or N) load A with ldmatrix.x4 and B with ldmatrix.x4 (two n8 tiles);
// M- or N-contiguous tiles (rows = K) use the .trans forms.
//
//===----------------------------------------------------------------------===//

#include "Internal.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;
using namespace mlir::mpt;
using namespace mlir::mpt::mma;

//===----------------------------------------------------------------------===//
// Shared-memory tiles
//===----------------------------------------------------------------------===//

Value SmemTile::offset(KernelBuilder &kb, Value row, Value chunk) const {
  int64_t w = cols / 8;
  Value sw;
  if (w >= 8)
    sw = kb.andI(row, kb.i32(7));
  else
    sw = kb.andI(kb.div(row, 8 / w), kb.i32(w - 1));
  Value phys = kb.xorI(chunk, sw);
  return kb.add(kb.mul(row, cols), kb.mul(phys, 8));
}

//===----------------------------------------------------------------------===//
// Planning
//===----------------------------------------------------------------------===//

namespace {
/// The loop along which an operand is contiguous in memory.
struct Contiguity {
  bool found = false;
  unsigned loop = 0;
  unsigned result = 0;
};
} // namespace

static Contiguity findContiguous(const Access &acc) {
  Contiguity c;
  SmallVector<int64_t> strides = acc.strides();
  ArrayRef<int64_t> shape = acc.type().getShape();
  for (auto [r, e] : llvm::enumerate(acc.indices)) {
    if (strides[r] != 1 || shape[r] <= 1)
      continue;
    std::optional<unsigned> loop;
    bool single = true;
    for (auto [d, coeff] : llvm::enumerate(e.coeffs)) {
      if (coeff == 0)
        continue;
      if (coeff != 1 || loop)
        single = false;
      loop = d;
    }
    if (!single || !loop)
      return c;
    if (acc.hasWindows() && acc.windows[r].stride != 1)
      return c;
    // The loop must move nothing else.
    for (auto [r2, e2] : llvm::enumerate(acc.indices))
      if (r2 != r && e2.coeffs[*loop] != 0)
        return c;
    c.found = true;
    c.loop = *loop;
    c.result = r;
    return c;
  }
  return c;
}

/// Orders `dims` by decreasing |stride| in `acc` (stable), then moves
/// `inner` (if one of them) last.
static void orderDims(SmallVector<unsigned> &dims, const Access &acc,
                      std::optional<unsigned> inner) {
  llvm::stable_sort(dims, [&](unsigned x, unsigned y) {
    return std::abs(acc.effectiveStride(x)) > std::abs(acc.effectiveStride(y));
  });
  if (inner) {
    auto it = llvm::find(dims, *inner);
    if (it != dims.end()) {
      dims.erase(it);
      dims.push_back(*inner);
    }
  }
}

/// The widest copy (elements) of `acc` along `inner` that is always aligned
/// and never straddles a bound.
static int64_t copyWidth(const GemmProblem &p, const Access &acc,
                         const Contiguity &c, ArrayRef<unsigned> group,
                         int64_t maxVec) {
  if (!c.found || group.empty() || group.back() != c.loop)
    return 1;
  SmallVector<int64_t> strides = acc.strides();
  for (int64_t vec = maxVec; vec >= 2; vec /= 2) {
    bool ok = p.loopExtents[c.loop] % vec == 0 && acc.offset() % vec == 0;
    for (auto [r, e] : llvm::enumerate(acc.indices)) {
      int64_t windowOffset = 0;
      if (acc.hasWindows() && !acc.windows[r].trivial) {
        windowOffset = acc.windows[r].offset;
        if (r == c.result && acc.windows[r].size % vec != 0)
          ok = false;
      }
      if (r == c.result) {
        if ((e.constant - windowOffset) % vec != 0)
          ok = false;
      } else if (strides[r] % vec != 0) {
        ok = false;
      }
    }
    if (ok)
      return vec;
  }
  return 1;
}

MainloopConfig mma::planMainloop(GemmProblem &p, const MMATileConfig &tile) {
  MainloopConfig cfg;
  cfg.tile = tile;
  Contiguity ca = findContiguous(p.a), cb = findContiguous(p.b),
             cc = findContiguous(p.c);
  auto kindOf = [&](const Contiguity &c) {
    return c.found ? p.kinds[c.loop] : DimKind::Unit;
  };

  // Reduction order: the loop along which an operand is contiguous last.
  std::optional<unsigned> innerK;
  if (kindOf(ca) == DimKind::K)
    innerK = ca.loop;
  else if (kindOf(cb) == DimKind::K)
    innerK = cb.loop;
  orderDims(p.kDims,
            kindOf(ca) == DimKind::K || kindOf(cb) != DimKind::K ? p.a : p.b,
            innerK);
  std::optional<unsigned> innerM, innerN;
  if (kindOf(ca) == DimKind::M)
    innerM = ca.loop;
  else if (kindOf(cc) == DimKind::M)
    innerM = cc.loop;
  orderDims(p.mDims, p.a, innerM);
  if (kindOf(cb) == DimKind::N)
    innerN = cb.loop;
  else if (kindOf(cc) == DimKind::N)
    innerN = cc.loop;
  orderDims(p.nDims, p.b, innerN);

  cfg.aLayout.rowsAreK = kindOf(ca) == DimKind::M;
  cfg.bLayout.rowsAreK = kindOf(cb) != DimKind::K;
  int64_t bm = tile.blockM, bn = tile.blockN, bk = tile.blockK;
  cfg.aLayout.vec =
      copyWidth(p, p.a, ca, cfg.aLayout.rowsAreK ? p.mDims : p.kDims,
                p.aConverts ? 4 : 8);
  cfg.bLayout.vec =
      copyWidth(p, p.b, cb, cfg.bLayout.rowsAreK ? p.nDims : p.kDims,
                p.bConverts ? 4 : 8);

  cfg.aSmem.rows = cfg.aLayout.rowsAreK ? bk : bm;
  cfg.aSmem.cols = cfg.aLayout.rowsAreK ? bm : bk;
  cfg.aSmem.base = 0;
  cfg.aSmem.stageElems = bm * bk;
  cfg.bSmem.rows = cfg.bLayout.rowsAreK ? bk : bn;
  cfg.bSmem.cols = cfg.bLayout.rowsAreK ? bn : bk;
  cfg.bSmem.base = tile.stages * bm * bk;
  cfg.bSmem.stageElems = bn * bk;
  int64_t mainloop = tile.stages * (bm + bn) * bk * 2;
  cfg.smemBytes = std::max(mainloop, epilogueSmemBytes(tile));
  return cfg;
}

//===----------------------------------------------------------------------===//
// Global -> shared loads
//===----------------------------------------------------------------------===//

namespace {
/// Copies one operand's tiles into shared memory. Threads own 16-byte
/// chunks of the tile (consecutive threads along a row, so global reads
/// coalesce); a chunk is one copy of 8 elements, or 8 / vec narrower ones.
struct OperandLoader {
  const GemmProblem *problem;
  const Access *access;
  bool converts;
  OperandLayout layout;
  SmemTile smem;
  ArrayRef<unsigned> mnDims;
  int64_t mnExtent, tileMN, blockK;
  Value flat, smemView;

  struct Unit {
    Value smemOffset; // of the chunk within a stage
    /// Rows follow M/N: the row's fixed address part (one entry). Rows
    /// follow K: one per copy of the chunk (each its own column).
    SmallVector<OperandAddress> fixed;
    Value kLocal; // reduction index of the chunk's first element
  };
  SmallVector<Unit> units;

  int64_t copiesPerChunk() const { return 8 / layout.vec; }
  void setup(KernelBuilder &kb, const BlockContext &ctx, Value tileMN0,
             int64_t threads);
  /// Copies reduction tile `kTile` into `stage`; `tileValid` false loads
  /// zeros. Appends the tokens of asynchronous copies.
  void loadTile(KernelBuilder &kb, Value kTile, Value stage, Value tileValid,
                SmallVectorImpl<Value> &tokens);
};
} // namespace

void OperandLoader::setup(KernelBuilder &kb, const BlockContext &ctx,
                          Value tileMN0, int64_t threads) {
  const GemmProblem &p = *problem;
  int64_t chunksPerRow = smem.cols / 8;
  int64_t total = smem.rows * chunksPerRow;
  assert(total % threads == 0 && "MMATileConfig::isValid checks this");
  SmallVector<unsigned> fixedDims(p.batchDims);
  llvm::append_range(fixedDims, mnDims);
  // Rows past the end of M (or N) only feed outputs that are never stored:
  // they copy the last row instead of zeros, so no predicate (register)
  // per row is needed, only the clamp. Reduction-index overruns and
  // padding windows must read zeros: those are predicated per tile.
  auto fixedAt = [&](Value mn) {
    // When M (or N) is the copied vector's direction, the last whole
    // vector (the extent is then a multiple of the width).
    if (mnExtent % tileMN != 0)
      mn = kb.minI(mn, kb.i32(mnExtent - (layout.rowsAreK ? layout.vec : 1)));
    Coordinates coords = ctx.batchCoords;
    decompose(kb, mn, mnDims, p.loopExtents, coords);
    return addressFixedPart(kb, *access, fixedDims, coords);
  };
  for (int64_t u = 0; u < total / threads; ++u) {
    Unit unit;
    Value row, chunk;
    if (threads % chunksPerRow == 0) {
      chunk = kb.rem(ctx.tid, chunksPerRow);
      row = kb.add(kb.div(ctx.tid, chunksPerRow),
                   kb.i32(u * (threads / chunksPerRow)));
    } else {
      Value id = kb.add(ctx.tid, kb.i32(u * threads));
      row = kb.div(id, chunksPerRow);
      chunk = kb.rem(id, chunksPerRow);
    }
    unit.smemOffset = smem.offset(kb, row, chunk);
    Value col = kb.mul(chunk, 8);
    if (!layout.rowsAreK) {
      unit.kLocal = col;
      unit.fixed.push_back(fixedAt(kb.add(tileMN0, row)));
    } else {
      unit.kLocal = row;
      for (int64_t j = 0; j < copiesPerChunk(); ++j)
        unit.fixed.push_back(
            fixedAt(kb.add(tileMN0, kb.add(col, kb.i32(j * layout.vec)))));
    }
    units.push_back(unit);
  }
}

void OperandLoader::loadTile(KernelBuilder &kb, Value kTile, Value stage,
                             Value tileValid, SmallVectorImpl<Value> &tokens) {
  const GemmProblem &p = *problem;
  OpBuilder &b = kb.b;
  Location loc = kb.loc;
  int64_t vec = layout.vec;
  Value stageBase = kb.add(kb.i32(smem.base), kb.mul(stage, smem.stageElems));
  Type elem = p.elementType;
  Value kTileStart = kb.mul(kTile, blockK);
  for (Unit &unit : units) {
    for (int64_t j = 0; j < copiesPerChunk(); ++j) {
      const OperandAddress &fixed =
          layout.rowsAreK ? unit.fixed[j] : unit.fixed[0];
      Value k = kb.add(kTileStart, unit.kLocal);
      if (!layout.rowsAreK)
        k = kb.add(k, kb.i32(j * vec));
      Value kValid = tileValid;
      if (p.k % blockK != 0)
        kValid = kb.both(kValid, kb.lt(k, p.k));
      Coordinates coords;
      coords.values.assign(p.loopExtents.size(), Value());
      decompose(kb, k, p.kDims, p.loopExtents, coords);
      Value valid;
      Value off =
          addressMovingPart(kb, *access, fixed, p.kDims, coords, kValid, valid);
      Value dst = kb.toIndex(
          kb.add(stageBase, kb.add(unit.smemOffset, kb.i32(j * vec))));
      Value src = kb.toIndex(off);
      if (converts) {
        // f32 in global memory, rounded to nearest even into shared
        // memory.
        Type f32 = b.getF32Type();
        Value v;
        if (vec == 1) {
          v = memref::LoadOp::create(b, loc, flat, ValueRange{src});
          if (valid)
            v = kb.select(valid, v, kb.f32(0.0));
          v = arith::TruncFOp::create(b, loc, elem, v);
          memref::StoreOp::create(b, loc, v, smemView, ValueRange{dst});
        } else {
          auto vt = VectorType::get({vec}, f32);
          v = vector::LoadOp::create(b, loc, vt, flat, ValueRange{src},
                                     /*nontemporal=*/false,
                                     llvm::MaybeAlign(vec * 4));
          if (valid)
            v = kb.select(
                valid, v,
                arith::ConstantOp::create(
                    b, loc, vt,
                    DenseElementsAttr::get(vt, b.getF32FloatAttr(0.0))));
          v = arith::TruncFOp::create(b, loc, VectorType::get({vec}, elem), v);
          vector::StoreOp::create(b, loc, v, smemView, ValueRange{dst},
                                  /*nontemporal=*/false,
                                  llvm::MaybeAlign(vec * 2));
        }
        continue;
      }
      if (vec == 1) {
        // No aligned vector exists: a synchronous 2-byte copy.
        Value v = memref::LoadOp::create(b, loc, flat, ValueRange{src});
        if (valid)
          v = kb.select(
              valid, v,
              arith::ConstantOp::create(b, loc, elem, b.getZeroAttr(elem)));
        memref::StoreOp::create(b, loc, v, smemView, ValueRange{dst});
        continue;
      }
      Value srcElements;
      if (valid)
        srcElements = kb.select(valid, kb.idx(vec), kb.idx(0));
      auto token = nvgpu::DeviceAsyncTokenType::get(b.getContext());
      tokens.push_back(nvgpu::DeviceAsyncCopyOp::create(
          b, loc, token, smemView, ValueRange{dst}, flat, ValueRange{src},
          b.getIndexAttr(vec), srcElements,
          vec * 2 == 16 ? b.getUnitAttr() : UnitAttr()));
    }
  }
}

//===----------------------------------------------------------------------===//
// Fragments and mma
//===----------------------------------------------------------------------===//

namespace {
struct Fragments {
  SmallVector<Value> a, b;
};
} // namespace

/// One m16n8k16 mma.sync: nvgpu for f16, nvvm directly for bf16 (the nvgpu
/// lowering of MLIR 22 does not deduce bf16 operand types).
static Value emitMma(KernelBuilder &kb, Type elem, Value aFrag, Value bFrag,
                     int64_t half, Value acc) {
  OpBuilder &b = kb.b;
  Location loc = kb.loc;
  // Rows 2*half and 2*half+1 of the x4 fragment (extract_strided_slice
  // on 2-D vectors does not lower to LLVM in the NVVM pipeline).
  auto halfType = VectorType::get({2, 2}, elem);
  Value bHalf =
      arith::ConstantOp::create(b, loc, halfType, b.getZeroAttr(halfType));
  for (int64_t r = 0; r < 2; ++r) {
    Value row = vector::ExtractOp::create(b, loc, bFrag,
                                          ArrayRef<int64_t>{2 * half + r});
    bHalf = vector::InsertOp::create(b, loc, row, bHalf, ArrayRef<int64_t>{r});
  }
  if (elem.isF16())
    return nvgpu::MmaSyncOp::create(b, loc, aFrag, bHalf, acc,
                                    ArrayRef<int64_t>{16, 8, 16});
  auto asI32 = [&](Value frag, int64_t i) {
    Value pair = vector::ExtractOp::create(b, loc, frag, ArrayRef<int64_t>{i});
    Value bits = vector::BitCastOp::create(
        b, loc, VectorType::get({1}, b.getI32Type()), pair);
    return vector::ExtractOp::create(b, loc, bits, ArrayRef<int64_t>{0})
        .getResult();
  };
  SmallVector<Value> aRegs, bRegs, cRegs;
  for (int64_t i = 0; i < 4; ++i)
    aRegs.push_back(asI32(aFrag, i));
  for (int64_t i = 0; i < 2; ++i)
    bRegs.push_back(asI32(bHalf, i));
  for (int64_t i = 0; i < 2; ++i)
    for (int64_t j = 0; j < 2; ++j)
      cRegs.push_back(
          vector::ExtractOp::create(b, loc, acc, ArrayRef<int64_t>{i, j}));
  Type f32 = b.getF32Type();
  auto resType =
      LLVM::LLVMStructType::getLiteral(b.getContext(), {f32, f32, f32, f32});
  auto mma = NVVM::MmaOp::create(
      b, loc, resType, aRegs, bRegs, cRegs, ArrayRef<int64_t>{16, 8, 16},
      std::nullopt, std::nullopt,
      std::array<NVVM::MMATypes, 2>{NVVM::MMATypes::bf16, NVVM::MMATypes::bf16},
      std::array<NVVM::MMALayout, 2>{NVVM::MMALayout::row,
                                     NVVM::MMALayout::col});
  Value d = acc;
  for (int64_t i = 0; i < 4; ++i) {
    Value v = LLVM::ExtractValueOp::create(b, loc, mma.getResult(),
                                           ArrayRef<int64_t>{i});
    d = vector::InsertOp::create(b, loc, v, d, ArrayRef<int64_t>{i / 2, i % 2});
  }
  return d;
}

//===----------------------------------------------------------------------===//
// The pipelined loop
//===----------------------------------------------------------------------===//

namespace {
/// Builds the pipelined mainloop of emitMainloop: the operand loaders, the
/// per-lane ldmatrix offsets, and the pieces of the loop over reduction
/// tiles, with the values they share.
struct MainloopEmitter {
  KernelBuilder &kb;
  const GemmProblem &p;
  const MainloopConfig &cfg;
  Value kTileBegin, numKTiles;
  /// Stages, reduction tile, k16 steps per tile, and mma fragments per
  /// warp: MI of A (m16), NI accumulators along N (n8), NJ of B (n16).
  int64_t S, BK, G, MI, NI, NJ;
  Type elem;
  /// The stages of both operands in shared memory.
  Value smem;
  OperandLoader la, lb;
  /// Per-lane ldmatrix offsets within a stage (emitFragmentBases).
  SmallVector<Value> aBase, bBase;
  /// Some copies are asynchronous (cp.async groups to commit and wait for).
  bool async;

  /// Creates the shared-memory view and sets up the loaders.
  MainloopEmitter(KernelBuilder &kb, const GemmProblem &p,
                  const MainloopConfig &cfg, const BlockContext &ctx,
                  Value aFlat, Value bFlat, Value kTileBegin, Value numKTiles);
  void emitFragmentBases(const BlockContext &ctx);
  /// Offset within a stage of A fragment `mi` (B fragment `nj`) at k16
  /// step `g`.
  Value aOffset(int64_t mi, int64_t g);
  Value bOffset(int64_t nj, int64_t g);
  /// ldmatrix of every fragment of k16 step `g` from `stage`.
  Fragments loadFrags(Value stage, int64_t g);
  /// Copies reduction tile kTileBegin + `kRel` into `stage` (zeros past
  /// the block's range); returns the copy tokens.
  SmallVector<Value> loadTiles(Value kRel, Value stage);
  /// cp.async group commit and wait (nothing without asynchronous copies).
  Value commit(ValueRange tokens);
  void waitGroups(Value token, int64_t n);
  /// The scf.for over the block's reduction tiles, from the fragments of
  /// tile 0 step 0; its first MI * NI results are the accumulators.
  scf::ForOp emitLoop(const Fragments &first);
  /// The loop body: the k16 steps of one tile, with the next tile's copies
  /// and the next step's fragments in flight.
  void emitLoopBody(scf::ForOp loop);
};
} // namespace

MainloopEmitter::MainloopEmitter(KernelBuilder &kb, const GemmProblem &p,
                                 const MainloopConfig &cfg,
                                 const BlockContext &ctx, Value aFlat,
                                 Value bFlat, Value kTileBegin, Value numKTiles)
    : kb(kb), p(p), cfg(cfg), kTileBegin(kTileBegin), numKTiles(numKTiles) {
  const MMATileConfig &t = cfg.tile;
  S = t.stages;
  BK = t.blockK;
  G = BK / 16;
  int64_t WM = t.warpTileM(), WN = t.warpTileN();
  MI = WM / 16;
  NI = WN / 8;
  NJ = WN / 16;
  elem = p.elementType;

  auto wg = gpu::AddressSpaceAttr::get(kb.b.getContext(),
                                       gpu::AddressSpace::Workgroup);
  int64_t totalElems = cfg.bSmem.base + S * cfg.bSmem.stageElems;
  auto smemType =
      MemRefType::get({totalElems}, elem, MemRefLayoutAttrInterface(), wg);
  smem = memref::ViewOp::create(kb.b, kb.loc, smemType, ctx.smemBytes,
                                kb.idx(0), ValueRange{});

  la =
      OperandLoader{&p,  &p.a,     p.aConverts, cfg.aLayout, cfg.aSmem, p.mDims,
                    p.m, t.blockM, BK,          aFlat,       smem,      {}};
  lb =
      OperandLoader{&p,  &p.b,     p.bConverts, cfg.bLayout, cfg.bSmem, p.nDims,
                    p.n, t.blockN, BK,          bFlat,       smem,      {}};
  la.setup(kb, ctx, ctx.tileM0, t.numThreads());
  lb.setup(kb, ctx, ctx.tileN0, t.numThreads());

  // Tiles past the end (the pipeline's tail) are loaded as zeros: every
  // stage's copies are unconditional, so each commit group holds the
  // tokens of its own copies and the group count never depends on data.
  // Without asynchronous copies (both operands synchronous) there are no
  // groups at all.
  async = (!p.aConverts && cfg.aLayout.vec > 1) ||
          (!p.bConverts && cfg.bLayout.vec > 1);
}

/// Per-lane ldmatrix offsets within a stage. Every row an ldmatrix
/// addresses is (a multiple of 8) + lane % 8, so its swizzle is a lane
/// constant; the offsets of all fragments and k16 steps are then a few
/// lane values plus constants (immediates in the PTX), not one register
/// per fragment and step.
void MainloopEmitter::emitFragmentBases(const BlockContext &ctx) {
  int64_t WM = cfg.tile.warpTileM(), WN = cfg.tile.warpTileN();
  Value lane = ctx.lane;
  Value l8 = kb.rem(lane, 8), l16 = kb.rem(lane, 16);
  Value quad = kb.div(lane, 8), half = kb.div(lane, 16);
  Value qLow = kb.rem(quad, 2), qHigh = kb.div(quad, 2);
  Value warpRowM = kb.mul(ctx.warpM, WM), warpColN = kb.mul(ctx.warpN, WN);
  auto laneSwizzle = [&](const SmemTile &tile) {
    int64_t w = tile.cols / 8;
    if (w >= 8)
      return l8;
    return kb.andI(kb.div(l8, 8 / w), kb.i32(w - 1));
  };
  // Rows follow M/N: per step g, offset = base[g] + fragment * 16 * BK.
  // Rows follow K: per fragment f, offset = base[f] + g * 16 * cols.
  if (!cfg.aLayout.rowsAreK) {
    Value rowOff = kb.mul(kb.add(warpRowM, l16), BK);
    Value c0 = kb.xorI(half, laneSwizzle(cfg.aSmem));
    for (int64_t g = 0; g < G; ++g)
      aBase.push_back(kb.add(rowOff, kb.mul(kb.xorI(c0, kb.i32(2 * g)), 8)));
  } else {
    // Matrix q = lane / 8 of x4.trans: k half q / 2, m half q % 2.
    Value rowOff = kb.mul(kb.add(kb.mul(qHigh, 8), l8), cfg.aSmem.cols);
    Value sw = laneSwizzle(cfg.aSmem);
    for (int64_t mi = 0; mi < MI; ++mi) {
      Value chunk = kb.add(kb.add(kb.div(warpRowM, 8), kb.i32(2 * mi)), qLow);
      aBase.push_back(kb.add(rowOff, kb.mul(kb.xorI(chunk, sw), 8)));
    }
  }
  if (cfg.bLayout.rowsAreK) {
    // Matrix q of x4.trans: k half q % 2, n8 tile q / 2.
    Value rowOff = kb.mul(kb.add(kb.mul(qLow, 8), l8), cfg.bSmem.cols);
    Value sw = laneSwizzle(cfg.bSmem);
    for (int64_t nj = 0; nj < NJ; ++nj) {
      Value chunk = kb.add(kb.add(kb.div(warpColN, 8), kb.i32(2 * nj)), qHigh);
      bBase.push_back(kb.add(rowOff, kb.mul(kb.xorI(chunk, sw), 8)));
    }
  } else {
    // Matrix q of x4: n8 tile q / 2, k half q % 2.
    Value rowOff = kb.mul(kb.add(kb.add(warpColN, kb.mul(qHigh, 8)), l8), BK);
    Value c0 = kb.xorI(qLow, laneSwizzle(cfg.bSmem));
    for (int64_t g = 0; g < G; ++g)
      bBase.push_back(kb.add(rowOff, kb.mul(kb.xorI(c0, kb.i32(2 * g)), 8)));
  }
}

Value MainloopEmitter::aOffset(int64_t mi, int64_t g) {
  return cfg.aLayout.rowsAreK
             ? kb.add(aBase[mi], kb.i32(g * 16 * cfg.aSmem.cols))
             : kb.add(aBase[g], kb.i32(mi * 16 * BK));
}

Value MainloopEmitter::bOffset(int64_t nj, int64_t g) {
  return cfg.bLayout.rowsAreK
             ? kb.add(bBase[nj], kb.i32(g * 16 * cfg.bSmem.cols))
             : kb.add(bBase[g], kb.i32(nj * 16 * BK));
}

Fragments MainloopEmitter::loadFrags(Value stage, int64_t g) {
  OpBuilder &b = kb.b;
  auto fragType = VectorType::get({4, 2}, elem);
  Fragments f;
  Value aStage =
      kb.add(kb.i32(cfg.aSmem.base), kb.mul(stage, cfg.aSmem.stageElems));
  Value bStage =
      kb.add(kb.i32(cfg.bSmem.base), kb.mul(stage, cfg.bSmem.stageElems));
  for (int64_t mi = 0; mi < MI; ++mi)
    f.a.push_back(nvgpu::LdMatrixOp::create(
        b, kb.loc, fragType, smem,
        ValueRange{kb.toIndex(kb.add(aStage, aOffset(mi, g)))},
        b.getBoolAttr(cfg.aLayout.rowsAreK), b.getI32IntegerAttr(4)));
  for (int64_t nj = 0; nj < NJ; ++nj)
    f.b.push_back(nvgpu::LdMatrixOp::create(
        b, kb.loc, fragType, smem,
        ValueRange{kb.toIndex(kb.add(bStage, bOffset(nj, g)))},
        b.getBoolAttr(cfg.bLayout.rowsAreK), b.getI32IntegerAttr(4)));
  return f;
}

SmallVector<Value> MainloopEmitter::loadTiles(Value kRel, Value stage) {
  Value kTile = kb.add(kTileBegin, kRel);
  Value tileValid = kb.lt(kRel, numKTiles);
  if (std::optional<int64_t> c = kb.constant(tileValid); c && *c)
    tileValid = Value();
  SmallVector<Value> tokens;
  la.loadTile(kb, kTile, stage, tileValid, tokens);
  lb.loadTile(kb, kTile, stage, tileValid, tokens);
  return tokens;
}

Value MainloopEmitter::commit(ValueRange tokens) {
  if (!async)
    return Value();
  auto tokenType = nvgpu::DeviceAsyncTokenType::get(kb.b.getContext());
  return nvgpu::DeviceAsyncCreateGroupOp::create(kb.b, kb.loc, tokenType,
                                                 tokens)
      .getResult();
}

void MainloopEmitter::waitGroups(Value token, int64_t n) {
  if (!async)
    return;
  nvgpu::DeviceAsyncWaitOp::create(kb.b, kb.loc, token,
                                   kb.b.getI32IntegerAttr(int32_t(n)));
}

scf::ForOp MainloopEmitter::emitLoop(const Fragments &first) {
  OpBuilder &b = kb.b;
  auto accType = VectorType::get({2, 2}, b.getF32Type());
  Value zeroAcc = arith::ConstantOp::create(
      b, kb.loc, accType,
      DenseElementsAttr::get(accType, b.getF32FloatAttr(0)));
  SmallVector<Value> inits(MI * NI, zeroAcc);
  llvm::append_range(inits, first.a);
  llvm::append_range(inits, first.b);
  inits.push_back(kb.i32(0));     // stage read this iteration
  inits.push_back(kb.i32(S - 1)); // stage refilled this iteration
  auto loop =
      scf::ForOp::create(b, kb.loc, kb.i32(0), numKTiles, kb.i32(1), inits);
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(loop.getBody());
  emitLoopBody(loop);
  return loop;
}

void MainloopEmitter::emitLoopBody(scf::ForOp loop) {
  Value kt = loop.getInductionVar();
  ValueRange args = loop.getRegionIterArgs();
  SmallVector<Value> acc(args.begin(), args.begin() + MI * NI);
  Fragments cur;
  cur.a.assign(args.begin() + MI * NI, args.begin() + MI * NI + MI);
  cur.b.assign(args.begin() + MI * NI + MI, args.begin() + MI * NI + MI + NJ);
  Value readStage = args[MI * NI + MI + NJ];
  Value writeStage = args[MI * NI + MI + NJ + 1];
  auto nextStage = [&](Value s) {
    Value n = kb.add(s, kb.i32(1));
    return kb.select(kb.eq(n, S), kb.i32(0), n);
  };
  Value nextRead = readStage, nextWrite = writeStage;
  SmallVector<Value> tokens;
  for (int64_t g = 0; g < G; ++g) {
    Fragments next;
    if (g + 1 < G)
      next = loadFrags(readStage, g + 1);
    if (g == 0)
      tokens = loadTiles(kb.add(kt, kb.i32(S - 1)), writeStage);
    for (int64_t mi = 0; mi < MI; ++mi) {
      for (int64_t nn = 0; nn < NI; ++nn) {
        // Serpentine order: consecutive mmas share a fragment.
        int64_t ni = (mi % 2 == 0) ? nn : NI - 1 - nn;
        Value &c = acc[mi * NI + ni];
        c = emitMma(kb, elem, cur.a[mi], cur.b[ni / 2], ni % 2, c);
      }
    }
    if (g == G - 2) {
      Value tok = commit(tokens);
      waitGroups(tok, S - 2);
      gpu::BarrierOp::create(kb.b, kb.loc);
      nextRead = nextStage(readStage);
      nextWrite = nextStage(writeStage);
    }
    if (g == G - 1)
      next = loadFrags(nextRead, 0);
    cur = next;
  }
  SmallVector<Value> yields(acc);
  llvm::append_range(yields, cur.a);
  llvm::append_range(yields, cur.b);
  yields.push_back(nextRead);
  yields.push_back(nextWrite);
  scf::YieldOp::create(kb.b, kb.loc, yields);
}

SmallVector<Value> mma::emitMainloop(KernelBuilder &kb, const GemmProblem &p,
                                     const MainloopConfig &cfg,
                                     const BlockContext &ctx, Value aFlat,
                                     Value bFlat, Value kTileBegin,
                                     Value numKTiles) {
  MainloopEmitter e(kb, p, cfg, ctx, aFlat, bFlat, kTileBegin, numKTiles);
  e.emitFragmentBases(ctx);

  // Prologue: tiles 0 .. S-2.
  Value token;
  for (int64_t s = 0; s < e.S - 1; ++s)
    token = e.commit(e.loadTiles(kb.i32(s), kb.i32(s)));
  e.waitGroups(token, e.S - 2);
  gpu::BarrierOp::create(kb.b, kb.loc);
  Fragments first = e.loadFrags(kb.i32(0), 0);

  scf::ForOp loop = e.emitLoop(first);
  // Drain the pipeline before shared memory is reused.
  e.waitGroups(token, 0);
  gpu::BarrierOp::create(kb.b, kb.loc);
  SmallVector<Value> result(loop.getResults().begin(),
                            loop.getResults().begin() + e.MI * e.NI);
  return result;
}
