//===- SimtGemm.cpp - tiled f32 GEMMs on the FMA units --------------------===//
//
// f32 x f32 -> f32 contractions (the FP32 steps) have no tensor-core path
// (tf32 would change their numerics), but the same structure makes them
// fast on the FMA units: the classic tiled SGEMM.
//
//   block   256 threads as a 16 x 16 grid; the block tile is BM x BN x 8
//   thread  a TM x TN micro-tile of accumulators (8x8 or 4x4); with 8, its
//           rows are ty*4+i and 64+ty*4+i (and the same for columns), so the
//           float4 reads of a warp hit consecutive addresses
//   smem    two stages of A[8][BM] and B[8][BN] (rows of K; padded when the
//           copy transposes, so the scalar stores of a warp do not collide)
//   loop    tile t+1 is fetched while tile t is multiplied: cp.async for
//           operands contiguous along M (or N), loads into registers for
//           operands contiguous along K (stored transposed after the
//           compute); per k: 2 + 2 float4 reads, TM x TN fma
//
// Operand addressing (implicit GEMM, folded padding) and the fused epilogue
// are the tensor-core kernels' (ImplicitGemm.cpp, Epilogue.cpp): the
// micro-tiles are staged through shared memory one row of each thread at a
// time, and groups of 8 columns go through emitEpilogueGroup.
//
//===----------------------------------------------------------------------===//

#include "Internal.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/Dominance.h"
#include "mlir/Transforms/CSE.h"

using namespace mlir;
using namespace mlir::mpt;
using namespace mlir::mpt::mma;

namespace {

constexpr int64_t kThreads = 256, kGrid = 16, kBlockK = 8;

/// A SIMT tile: BM x BN x 8, micro-tile (BM / 16) x (BN / 16).
struct SimtTile {
  int64_t bm, bn;
  int64_t tm() const { return bm / kGrid; }
  int64_t tn() const { return bn / kGrid; }
  std::string str() const {
    return "simt" + std::to_string(bm) + "x" + std::to_string(bn) + "x" +
           std::to_string(kBlockK) + "_t" + std::to_string(tm()) + "x" +
           std::to_string(tn()) + "_s2";
  }
};

int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

/// How one operand reaches shared memory (rows of K, columns of M or N).
struct SimtLayout {
  /// The operand is contiguous along K: its vectors are stored transposed,
  /// element by element, from registers. Otherwise they are copied as they
  /// are (cp.async) along M or N.
  bool transposes = false;
  int64_t vec = 1; // f32 elements per global access (4, 2, 1)
};

/// The loop along which `acc` is contiguous, if it is a single loop with
/// coefficient 1 that moves nothing else.
std::optional<unsigned> contiguousLoop(const Access &acc) {
  SmallVector<int64_t> strides = acc.strides();
  ArrayRef<int64_t> shape = acc.type().getShape();
  for (auto [r, e] : llvm::enumerate(acc.indices)) {
    if (strides[r] != 1 || shape[r] <= 1)
      continue;
    std::optional<unsigned> loop;
    for (auto [d, c] : llvm::enumerate(e.coeffs)) {
      if (c == 0)
        continue;
      if (c != 1 || loop)
        return std::nullopt;
      loop = d;
    }
    if (!loop || (acc.hasWindows() && acc.windows[r].stride != 1))
      return std::nullopt;
    for (auto [r2, e2] : llvm::enumerate(acc.indices))
      if (r2 != r && e2.coeffs[*loop] != 0)
        return std::nullopt;
    return loop;
  }
  return std::nullopt;
}

/// The widest aligned f32 vector along `loop` that never straddles a bound
/// (the same rules as the tensor-core copies, see Mainloop.cpp).
int64_t vectorWidth(const GemmProblem &p, const Access &acc, unsigned loop) {
  SmallVector<int64_t> strides = acc.strides();
  unsigned result = 0;
  for (auto [r, e] : llvm::enumerate(acc.indices))
    if (e.coeffs[loop] != 0)
      result = r;
  for (int64_t vec = 4; vec >= 2; vec /= 2) {
    bool ok = p.loopExtents[loop] % vec == 0 && acc.offset() % vec == 0;
    for (auto [r, e] : llvm::enumerate(acc.indices)) {
      int64_t windowOffset = 0;
      if (acc.hasWindows() && !acc.windows[r].trivial) {
        windowOffset = acc.windows[r].offset;
        if (r == result && acc.windows[r].size % vec != 0)
          ok = false;
      }
      if (r == result) {
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

/// Orders `dims` so that `inner` (if there) is last.
void moveLast(SmallVector<unsigned> &dims, std::optional<unsigned> inner) {
  if (!inner)
    return;
  auto it = llvm::find(dims, *inner);
  if (it == dims.end())
    return;
  dims.erase(it);
  dims.push_back(*inner);
}

/// Copies one operand's BK x BMN tile (rows of K) into shared memory.
struct SimtLoader {
  const GemmProblem *p;
  const Access *access;
  SimtLayout layout;
  ArrayRef<unsigned> mnDims;
  int64_t mnExtent, tileMN, rowStride; // smem elements per K row
  int64_t base, stageElems;
  Value flat, smem;

  struct Unit {
    OperandAddress fixed;  // of the unit's row (or column) of M/N
    Value mnLocal, kLocal; // of the unit's first element
  };
  SmallVector<Unit> units;

  void setup(KernelBuilder &kb, Value tid, const Coordinates &batchCoords,
             Value tileMN0) {
    int64_t vec = layout.vec;
    int64_t total = kBlockK * tileMN / vec;
    SmallVector<unsigned> fixedDims(p->batchDims);
    llvm::append_range(fixedDims, mnDims);
    auto fixedAt = [&](Value mn) {
      // Rows past the end copy the last (aligned) one: they only feed
      // outputs that are never stored.
      if (mnExtent % tileMN != 0)
        mn = kb.minI(mn, kb.i32(mnExtent - (layout.transposes ? 1 : vec)));
      Coordinates coords = batchCoords;
      decompose(kb, mn, mnDims, p->loopExtents, coords);
      return addressFixedPart(kb, *access, fixedDims, coords);
    };
    for (int64_t u = 0; u * kThreads < total; ++u) {
      Unit unit;
      Value id = kb.add(tid, kb.i32(u * kThreads));
      if (!layout.transposes) {
        // Vectors along M/N: rows of K.
        int64_t perRow = tileMN / vec;
        unit.kLocal = kb.div(id, perRow);
        unit.mnLocal = kb.mul(kb.rem(id, perRow), vec);
      } else {
        // Vectors along K: a row of M/N takes 8 / vec of them.
        int64_t perRow = kBlockK / vec;
        unit.mnLocal = kb.div(id, perRow);
        unit.kLocal = kb.mul(kb.rem(id, perRow), vec);
      }
      unit.fixed = fixedAt(kb.add(tileMN0, unit.mnLocal));
      units.push_back(unit);
    }
  }

  /// The global address and validity of unit `u` in tile `kTile`.
  Value address(KernelBuilder &kb, Unit &unit, Value kTile, Value tileValid,
                Value &valid) {
    Value k = kb.add(kb.mul(kTile, kBlockK), unit.kLocal);
    Value kValid = tileValid;
    if (p->k % kBlockK != 0)
      kValid = kb.both(kValid, kb.lt(k, p->k));
    Coordinates coords;
    coords.values.assign(p->loopExtents.size(), Value());
    decompose(kb, k, p->kDims, p->loopExtents, coords);
    return addressMovingPart(kb, *access, unit.fixed, p->kDims, coords, kValid,
                             valid);
  }

  Value smemIndex(KernelBuilder &kb, Value stage, Value k, Value mn) {
    return kb.toIndex(kb.add(kb.add(kb.i32(base), kb.mul(stage, stageElems)),
                             kb.add(kb.mul(k, rowStride), mn)));
  }

  /// Direct operands: cp.async into `stage`. Returns the copy tokens.
  void copyAsync(KernelBuilder &kb, Value kTile, Value stage, Value tileValid,
                 SmallVectorImpl<Value> &tokens) {
    OpBuilder &b = kb.b;
    for (Unit &unit : units) {
      Value valid;
      Value off = address(kb, unit, kTile, tileValid, valid);
      Value srcElements;
      if (valid)
        srcElements = kb.select(valid, kb.idx(layout.vec), kb.idx(0));
      tokens.push_back(nvgpu::DeviceAsyncCopyOp::create(
          b, kb.loc, nvgpu::DeviceAsyncTokenType::get(b.getContext()), smem,
          ValueRange{smemIndex(kb, stage, unit.kLocal, unit.mnLocal)}, flat,
          ValueRange{kb.toIndex(off)}, b.getIndexAttr(layout.vec), srcElements,
          layout.vec == 4 ? b.getUnitAttr() : UnitAttr()));
    }
  }

  /// Transposing operands: loads into registers (zeros where invalid).
  SmallVector<Value> loadRegisters(KernelBuilder &kb, Value kTile,
                                   Value tileValid) {
    OpBuilder &b = kb.b;
    SmallVector<Value> regs;
    auto vt = VectorType::get({layout.vec}, b.getF32Type());
    Value zeros = arith::ConstantOp::create(
        b, kb.loc, vt, DenseElementsAttr::get(vt, b.getF32FloatAttr(0.0)));
    for (Unit &unit : units) {
      Value valid;
      Value off = address(kb, unit, kTile, tileValid, valid);
      Value v = vector::LoadOp::create(
          b, kb.loc, vt, flat, ValueRange{kb.toIndex(off)},
          /*nontemporal=*/false, llvm::MaybeAlign(layout.vec * 4));
      if (valid)
        v = kb.select(valid, v, zeros);
      regs.push_back(v);
    }
    return regs;
  }

  /// Stores loadRegisters' vectors transposed into `stage`.
  void storeRegisters(KernelBuilder &kb, Value stage, ArrayRef<Value> regs) {
    for (auto [unit, v] : llvm::zip(units, regs))
      for (int64_t i = 0; i < layout.vec; ++i) {
        Value e =
            vector::ExtractOp::create(kb.b, kb.loc, v, ArrayRef<int64_t>{i});
        memref::StoreOp::create(
            kb.b, kb.loc, e, smem,
            ValueRange{smemIndex(kb, stage, kb.add(unit.kLocal, kb.i32(i)),
                                 unit.mnLocal)});
      }
  }
};

Value gpuIndex(KernelBuilder &kb, bool block, gpu::Dimension dim) {
  Value v = block ? gpu::BlockIdOp::create(kb.b, kb.loc, dim).getResult()
                  : gpu::ThreadIdOp::create(kb.b, kb.loc, dim).getResult();
  return arith::IndexCastUIOp::create(kb.b, kb.loc, kb.b.getI32Type(), v);
}

/// Rows (or columns) of micro-tile element i: t*4 + i for i < 4, and
/// half + t*4 + (i - 4) above (8-wide micro-tiles).
Value microOffset(KernelBuilder &kb, Value t, int64_t i, int64_t tileMN) {
  return kb.add(kb.mul(t, 4), kb.i32((i / 4) * (tileMN / 2) + i % 4));
}

/// The kernel's shape: tile, operand layouts, split count and the
/// shared-memory plan.
struct SimtPlan {
  SimtTile tile{128, 128};
  SimtLayout la, lb;
  /// Reduction tiles of 8, splits of K and tiles per split.
  int64_t kTiles = 1, splits = 1, perSplit = 1;
  /// N rounded up to 8 (the split-K workspace's rows).
  int64_t nPadded = 8;
  /// Shared-memory elements per K row and per stage, of A and B.
  int64_t aRow = 0, bRow = 0, aStage = 0, bStage = 0;
  /// Row stride of the epilogue's staging buffer; total bytes.
  int64_t stagingStride = 0, smemBytes = 0;
};

/// Orders the loops with the contiguous ones innermost (as for tensor
/// cores) and picks how each operand reaches shared memory.
void planLayouts(GemmProblem &p, SimtLayout &la, SimtLayout &lb) {
  std::optional<unsigned> ca = contiguousLoop(p.a), cb = contiguousLoop(p.b),
                          cc = contiguousLoop(p.c);
  auto kindOf = [&](std::optional<unsigned> l) {
    return l ? p.kinds[*l] : DimKind::Unit;
  };
  moveLast(p.kDims, kindOf(ca) == DimKind::K   ? ca
                    : kindOf(cb) == DimKind::K ? cb
                                               : std::nullopt);
  moveLast(p.mDims, kindOf(ca) == DimKind::M   ? ca
                    : kindOf(cc) == DimKind::M ? cc
                                               : std::nullopt);
  moveLast(p.nDims, kindOf(cb) == DimKind::N   ? cb
                    : kindOf(cc) == DimKind::N ? cc
                                               : std::nullopt);
  auto layoutOf = [&](const Access &acc, std::optional<unsigned> c, DimKind mn,
                      ArrayRef<unsigned> mnDims) {
    SimtLayout l;
    if (kindOf(c) == mn && mnDims.back() == *c) {
      l.vec = vectorWidth(p, acc, *c);
    } else if (kindOf(c) == DimKind::K && p.kDims.back() == *c) {
      l.transposes = true;
      l.vec = vectorWidth(p, acc, *c);
    } else {
      l.transposes = true; // element by element, from registers
    }
    return l;
  };
  la = layoutOf(p.a, ca, DimKind::M, p.mDims);
  lb = layoutOf(p.b, cb, DimKind::N, p.nDims);
}

/// The tile: 128x128 (8x8 per thread) when it fills the SMs, else 64x64,
/// unless the op names one ("mpt.mma_tile", for tests and tuning).
FailureOr<SimtTile> chooseTile(const GemmProblem &p, int64_t sms) {
  SimtTile tile{128, 128};
  if (ceilDiv(p.m, 128) * ceilDiv(p.n, 128) * p.batch < sms)
    tile = {64, 64};
  auto forced = p.op->getAttrOfType<StringAttr>("mpt.mma_tile");
  if (!forced)
    return tile;
  if (forced.getValue() == SimtTile{128, 128}.str())
    return SimtTile{128, 128};
  if (forced.getValue() == SimtTile{64, 64}.str())
    return SimtTile{64, 64};
  return p.op->emitError("mpt.mma_tile: '")
         << forced.getValue() << "' is not a SIMT tile ("
         << SimtTile{128, 128}.str() << " or " << SimtTile{64, 64}.str() << ")";
}

/// The whole plan (see SimtPlan); fails with a diagnostic on a bad tile
/// attribute.
FailureOr<SimtPlan> planKernel(GemmProblem &p, const MMAOptions &options) {
  SimtPlan plan;
  planLayouts(p, plan.la, plan.lb);
  int64_t sms = numSMs(options.sm);
  FailureOr<SimtTile> tile = chooseTile(p, sms);
  if (failed(tile))
    return failure();
  plan.tile = *tile;
  // Long reductions with few tiles (weight gradients) split K, as the
  // tensor-core kernels do (SplitK.cpp's workspace and reduce kernel).
  int64_t tiles = ceilDiv(p.m, tile->bm) * ceilDiv(p.n, tile->bn) * p.batch;
  int64_t kTiles = ceilDiv(p.k, kBlockK);
  int64_t splits = 1;
  if (options.forcedSplitK > 0)
    splits = options.forcedSplitK;
  else if (auto k = p.op->getAttrOfType<IntegerAttr>("mpt.mma_split_k"))
    splits = k.getInt();
  else if (options.allowSplitK && tiles < sms && kTiles >= 64)
    splits = std::min<int64_t>({32, ceilDiv(sms, tiles), kTiles / 16});
  splits = std::max<int64_t>(1, std::min(splits, kTiles));
  plan.kTiles = kTiles;
  plan.perSplit = ceilDiv(kTiles, splits);
  plan.splits = ceilDiv(kTiles, plan.perSplit);
  plan.nPadded = ceilDiv(p.n, 8) * 8;

  // Every thread copies at least one vector of each tile (8 x 64 floats
  // over 256 threads: at most 2 per vector).
  plan.la.vec = std::min<int64_t>(plan.la.vec, kBlockK * tile->bm / kThreads);
  plan.lb.vec = std::min<int64_t>(plan.lb.vec, kBlockK * tile->bn / kThreads);
  plan.aRow = tile->bm + (plan.la.transposes ? 4 : 0);
  plan.bRow = tile->bn + (plan.lb.transposes ? 4 : 0);
  plan.aStage = kBlockK * plan.aRow;
  plan.bStage = kBlockK * plan.bRow;
  int64_t mainloopBytes = 2 * (plan.aStage + plan.bStage) * 4;
  plan.stagingStride = tile->bn + 4;
  int64_t epilogueBytes = kGrid * plan.stagingStride * 4;
  plan.smemBytes = std::max(mainloopBytes, epilogueBytes);
  return plan;
}

/// Builds the body of the SIMT kernel `func` for `plan`, with the values
/// its pieces share.
struct SimtKernelBody {
  KernelBuilder &kb;
  GemmProblem &p;
  const SimtPlan &plan;
  gpu::GPUFuncOp func;
  /// Thread (tid, its column tx and row ty in the 16 x 16 grid), first
  /// row/column of the block's tile, blockIdx.z (batch * splits + split).
  Value tid, tx, ty, tileM0, tileN0, z;
  Coordinates batchCoords;
  /// The block's reduction tiles: [kBegin, kBegin + numK).
  Value kBegin, numK;
  /// Dynamic shared memory (bytes) and its f32 view of both stages.
  Value smemBytes, smem;
  SimtLoader loadA, loadB;
  /// Some operand is copied with cp.async.
  bool async = false;

  SimtKernelBody(KernelBuilder &kb, GemmProblem &p, const SimtPlan &plan,
                 gpu::GPUFuncOp func)
      : kb(kb), p(p), plan(plan), func(func) {}

  /// Thread and block indices, batch coordinates and the split's range.
  void emitIndices();
  /// Shared-memory views and the operand loaders (arguments aIdx, bIdx).
  void emitLoaders(unsigned aIdx, unsigned bIdx);
  /// Fetches this block's tile `ktRel` (zeros past its end): cp.async into
  /// `stage` for direct operands, registers for transposing ones.
  void fetch(Value ktRel, Value stage, SmallVectorImpl<Value> &tokens,
             SmallVectorImpl<Value> &aRegs, SmallVectorImpl<Value> &bRegs);
  /// Completes a fetch into `stage`: the transposed stores, the wait for
  /// the copies, a barrier.
  void finishStage(Value stage, ArrayRef<Value> tokens, ArrayRef<Value> aRegs,
                   ArrayRef<Value> bRegs);
  /// The prologue and the loop over reduction tiles; returns the TM x TN
  /// accumulators.
  SmallVector<Value> emitMainloop();
  /// The TM x TN fmas of row `k` of the tile in the stage at
  /// aStageBase/bStageBase.
  void emitKStep(int64_t k, Value aStageBase, Value bStageBase,
                 SmallVectorImpl<Value> &acc);
  /// `count` micro-tile values of thread coordinate `t` read as float4
  /// from row `kk` of a stage (`base`, rows `rowStride` apart).
  SmallVector<Value> loadMicroRow(Value base, Value kk, int64_t rowStride,
                                  Value t, int64_t count, int64_t tileMN);
  /// The epilogue: the fused consumer, or the split's partial sums into
  /// the workspace (`workspace` when splitting).
  void emitEpilogue(ArrayRef<Value> acc, OperandList &operands,
                    Value workspace);
  /// Micro-tile row `i` of every thread through the staging buffer, then
  /// its groups of 8 columns.
  void emitEpilogueRow(int64_t i, ArrayRef<Value> acc, Value staging,
                       const EpilogueBuffers &buf, Value wFlat);
  /// Stores one group of 8 partial sums of row m into the workspace.
  void storePartialGroup(Value m, Value n0, ArrayRef<Value> vals, Value wFlat);
};

void SimtKernelBody::emitIndices() {
  int64_t splits = plan.splits, perSplit = plan.perSplit;
  tid = gpuIndex(kb, false, gpu::Dimension::x);
  tx = kb.rem(tid, kGrid);
  ty = kb.div(tid, kGrid);
  int64_t tilesM = ceilDiv(p.m, plan.tile.bm);
  Value bid = gpuIndex(kb, true, gpu::Dimension::x);
  tileM0 = kb.mul(kb.rem(bid, tilesM), plan.tile.bm);
  tileN0 = kb.mul(kb.div(bid, tilesM), plan.tile.bn);
  z = gpuIndex(kb, true, gpu::Dimension::z);
  Value split = kb.rem(z, splits);
  batchCoords.values.assign(p.loopExtents.size(), Value());
  decompose(kb, kb.div(z, splits), p.batchDims, p.loopExtents, batchCoords);
  kBegin = kb.mul(split, perSplit);
  numK = splits == 1
             ? kb.i32(plan.kTiles)
             : kb.minI(kb.i32(perSplit), kb.sub(kb.i32(plan.kTiles), kBegin));
}

void SimtKernelBody::emitLoaders(unsigned aIdx, unsigned bIdx) {
  OpBuilder &b = kb.b;
  Location loc = kb.loc;
  auto wg =
      gpu::AddressSpaceAttr::get(b.getContext(), gpu::AddressSpace::Workgroup);
  smemBytes = gpu::DynamicSharedMemoryOp::create(
      b, loc,
      MemRefType::get({ShapedType::kDynamic}, b.getI8Type(),
                      MemRefLayoutAttrInterface(), wg));
  auto smemType =
      MemRefType::get({2 * (plan.aStage + plan.bStage)}, b.getF32Type(),
                      MemRefLayoutAttrInterface(), wg);
  smem = memref::ViewOp::create(b, loc, smemType, smemBytes, kb.idx(0),
                                ValueRange{});
  Value aFlat = flatView(b, loc, func.getArgument(aIdx), p.a.span());
  Value bFlat = flatView(b, loc, func.getArgument(bIdx), p.b.span());

  loadA = SimtLoader{&p,        &p.a, plan.la,     p.mDims, p.m,  plan.tile.bm,
                     plan.aRow, 0,    plan.aStage, aFlat,   smem, {}};
  loadB = SimtLoader{&p,          &p.b,         plan.lb,   p.nDims,
                     p.n,         plan.tile.bn, plan.bRow, 2 * plan.aStage,
                     plan.bStage, bFlat,        smem,      {}};
  loadA.setup(kb, tid, batchCoords, tileM0);
  loadB.setup(kb, tid, batchCoords, tileN0);
  async = !plan.la.transposes || !plan.lb.transposes;
}

void SimtKernelBody::fetch(Value ktRel, Value stage,
                           SmallVectorImpl<Value> &tokens,
                           SmallVectorImpl<Value> &aRegs,
                           SmallVectorImpl<Value> &bRegs) {
  Value tileValid = kb.lt(ktRel, numK);
  if (std::optional<int64_t> c = kb.constant(tileValid); c && *c)
    tileValid = Value();
  Value kt = kb.add(kBegin, ktRel);
  if (plan.la.transposes)
    aRegs.append(loadA.loadRegisters(kb, kt, tileValid));
  else
    loadA.copyAsync(kb, kt, stage, tileValid, tokens);
  if (plan.lb.transposes)
    bRegs.append(loadB.loadRegisters(kb, kt, tileValid));
  else
    loadB.copyAsync(kb, kt, stage, tileValid, tokens);
}

void SimtKernelBody::finishStage(Value stage, ArrayRef<Value> tokens,
                                 ArrayRef<Value> aRegs, ArrayRef<Value> bRegs) {
  OpBuilder &b = kb.b;
  if (plan.la.transposes)
    loadA.storeRegisters(kb, stage, aRegs);
  if (plan.lb.transposes)
    loadB.storeRegisters(kb, stage, bRegs);
  if (async) {
    auto tokenType = nvgpu::DeviceAsyncTokenType::get(b.getContext());
    Value g =
        nvgpu::DeviceAsyncCreateGroupOp::create(b, kb.loc, tokenType, tokens);
    nvgpu::DeviceAsyncWaitOp::create(b, kb.loc, g, b.getI32IntegerAttr(0));
  }
  gpu::BarrierOp::create(b, kb.loc);
}

SmallVector<Value> SimtKernelBody::emitMainloop() {
  OpBuilder &b = kb.b;
  // Prologue: tile 0 into stage 0.
  {
    SmallVector<Value> tokens, aRegs, bRegs;
    fetch(kb.i32(0), kb.i32(0), tokens, aRegs, bRegs);
    finishStage(kb.i32(0), tokens, aRegs, bRegs);
  }

  int64_t TM = plan.tile.tm(), TN = plan.tile.tn();
  Value zero = kb.f32(0.0);
  SmallVector<Value> inits(TM * TN, zero);
  auto loop = scf::ForOp::create(b, kb.loc, kb.i32(0), numK, kb.i32(1), inits);
  OpBuilder::InsertionGuard g(b);
  b.setInsertionPointToStart(loop.getBody());
  Value kt = loop.getInductionVar();
  Value stage = kb.rem(kt, 2);
  Value next = kb.sub(kb.i32(1), stage);
  SmallVector<Value> acc(loop.getRegionIterArgs());
  // Tile t+1 in flight while tile t is multiplied.
  SmallVector<Value> tokens, aRegs, bRegs;
  fetch(kb.add(kt, kb.i32(1)), next, tokens, aRegs, bRegs);
  Value aStageBase = kb.mul(stage, plan.aStage);
  Value bStageBase =
      kb.add(kb.i32(2 * plan.aStage), kb.mul(stage, plan.bStage));
  for (int64_t k = 0; k < kBlockK; ++k)
    emitKStep(k, aStageBase, bStageBase, acc);
  finishStage(next, tokens, aRegs, bRegs);
  scf::YieldOp::create(b, kb.loc, acc);
  return SmallVector<Value>(loop.getResults());
}

SmallVector<Value> SimtKernelBody::loadMicroRow(Value base, Value kk,
                                                int64_t rowStride, Value t,
                                                int64_t count, int64_t tileMN) {
  OpBuilder &b = kb.b;
  auto quad = VectorType::get({4}, b.getF32Type());
  SmallVector<Value> vals;
  for (int64_t h = 0; h < count / 4; ++h) {
    Value off = kb.add(
        base, kb.add(kb.mul(kk, rowStride), microOffset(kb, t, h * 4, tileMN)));
    Value v = vector::LoadOp::create(
        b, kb.loc, quad, smem, ValueRange{kb.toIndex(off)},
        /*nontemporal=*/false, llvm::MaybeAlign(16));
    for (int64_t i = 0; i < 4; ++i)
      vals.push_back(
          vector::ExtractOp::create(b, kb.loc, v, ArrayRef<int64_t>{i}));
  }
  return vals;
}

void SimtKernelBody::emitKStep(int64_t k, Value aStageBase, Value bStageBase,
                               SmallVectorImpl<Value> &acc) {
  int64_t TM = plan.tile.tm(), TN = plan.tile.tn();
  Value kk = kb.i32(k);
  SmallVector<Value> av =
      loadMicroRow(aStageBase, kk, plan.aRow, ty, TM, plan.tile.bm);
  SmallVector<Value> bv =
      loadMicroRow(bStageBase, kk, plan.bRow, tx, TN, plan.tile.bn);
  for (int64_t i = 0; i < TM; ++i)
    for (int64_t j = 0; j < TN; ++j) {
      Value &c = acc[i * TN + j];
      c = math::FmaOp::create(kb.b, kb.loc, av[i], bv[j], c);
    }
}

void SimtKernelBody::emitEpilogue(ArrayRef<Value> acc, OperandList &operands,
                                  Value workspace) {
  OpBuilder &b = kb.b;
  EpilogueBuffers buf;
  Value wFlat;
  if (plan.splits == 1) {
    buf = epilogueBuffers(b, kb.loc, p, operands, func);
  } else {
    unsigned wIdx = operands.add(workspace);
    wFlat = flatView(b, kb.loc, func.getArgument(wIdx),
                     p.batch * plan.splits * p.m * plan.nPadded);
  }
  auto wg =
      gpu::AddressSpaceAttr::get(b.getContext(), gpu::AddressSpace::Workgroup);
  auto stagingType =
      MemRefType::get({kGrid * plan.stagingStride}, b.getF32Type(),
                      MemRefLayoutAttrInterface(), wg);
  Value staging = memref::ViewOp::create(b, kb.loc, stagingType, smemBytes,
                                         kb.idx(0), ValueRange{});
  for (int64_t i = 0; i < plan.tile.tm(); ++i)
    emitEpilogueRow(i, acc, staging, buf, wFlat);
}

void SimtKernelBody::emitEpilogueRow(int64_t i, ArrayRef<Value> acc,
                                     Value staging, const EpilogueBuffers &buf,
                                     Value wFlat) {
  OpBuilder &b = kb.b;
  Location loc = kb.loc;
  const SimtTile &tile = plan.tile;
  int64_t TN = tile.tn(), stagingStride = plan.stagingStride;
  auto quad = VectorType::get({4}, b.getF32Type());
  int64_t groupsPerRow = tile.bn / 8;
  gpu::BarrierOp::create(b, loc);
  for (int64_t h = 0; h < TN / 4; ++h) {
    Value v = vector::FromElementsOp::create(b, loc, quad,
                                             acc.slice(i * TN + h * 4, 4));
    Value off =
        kb.add(kb.mul(ty, stagingStride), microOffset(kb, tx, h * 4, tile.bn));
    vector::StoreOp::create(b, loc, v, staging, ValueRange{kb.toIndex(off)},
                            /*nontemporal=*/false, llvm::MaybeAlign(16));
  }
  gpu::BarrierOp::create(b, loc);
  // 16 rows x BN / 8 groups: one or two per thread.
  for (int64_t j = 0; j * kThreads < kGrid * groupsPerRow; ++j) {
    OpBuilder::InsertionGuard g(b);
    Value id = kb.add(tid, kb.i32(j * kThreads));
    if ((j + 1) * kThreads > kGrid * groupsPerRow) {
      auto ifOp = scf::IfOp::create(b, loc, kb.lt(id, kGrid * groupsPerRow),
                                    /*withElseRegion=*/false);
      b.setInsertionPointToStart(ifOp.thenBlock());
    }
    Value row = kb.div(id, groupsPerRow), cg = kb.rem(id, groupsPerRow);
    SmallVector<Value> vals;
    for (int64_t q = 0; q < 2; ++q) {
      Value off = kb.add(kb.mul(row, stagingStride),
                         kb.add(kb.mul(cg, 8), kb.i32(q * 4)));
      Value v = vector::LoadOp::create(
          b, loc, quad, staging, ValueRange{kb.toIndex(off)},
          /*nontemporal=*/false, llvm::MaybeAlign(16));
      for (int64_t e = 0; e < 4; ++e)
        vals.push_back(
            vector::ExtractOp::create(b, loc, v, ArrayRef<int64_t>{e}));
    }
    Value m = kb.add(tileM0, microOffset(kb, row, i, tile.bm));
    Value n0 = kb.add(tileN0, kb.mul(cg, 8));
    if (plan.splits == 1)
      emitEpilogueGroup(kb, p, buf, batchCoords, m, n0, vals,
                        p.m % tile.bm == 0, p.n % tile.bn == 0);
    else
      storePartialGroup(m, n0, vals, wFlat);
  }
}

void SimtKernelBody::storePartialGroup(Value m, Value n0, ArrayRef<Value> vals,
                                       Value wFlat) {
  // workspace[batch][split][m][nPadded] (z = batch * splits + split).
  OpBuilder &b = kb.b;
  Location loc = kb.loc;
  int64_t nPadded = plan.nPadded;
  auto quad = VectorType::get({4}, b.getF32Type());
  auto ifOp =
      scf::IfOp::create(b, loc, kb.both(kb.lt(m, p.m), kb.lt(n0, nPadded)),
                        /*withElseRegion=*/false);
  b.setInsertionPointToStart(ifOp.thenBlock());
  Value off = kb.add(kb.mul(z, p.m * nPadded), kb.add(kb.mul(m, nPadded), n0));
  for (int64_t q = 0; q < 2; ++q) {
    Value v =
        vector::FromElementsOp::create(b, loc, quad, vals.slice(q * 4, 4));
    vector::StoreOp::create(b, loc, v, wFlat,
                            ValueRange{kb.toIndex(kb.add(off, kb.i32(q * 4)))},
                            /*nontemporal=*/false, llvm::MaybeAlign(16));
  }
}

/// The kernel launch(es) before the group's anchor: the SIMT kernel and,
/// when splitting, the reduce kernel.
void emitLaunches(RewriterBase &rewriter, GemmProblem &p, const SimtPlan &plan,
                  gpu::GPUFuncOp func, const OperandList &operands,
                  gpu::GPUFuncOp reduce, const OperandList &reduceOperands,
                  int64_t reduceThreads) {
  Location loc = p.op->getLoc();
  rewriter.setInsertionPoint(p.anchor());
  auto c = [&](int64_t v) {
    return arith::ConstantIndexOp::create(rewriter, loc, v).getResult();
  };
  int64_t blockTiles = ceilDiv(p.m, plan.tile.bm) * ceilDiv(p.n, plan.tile.bn);
  Value smemV = arith::ConstantIntOp::create(
      rewriter, loc, rewriter.getI32Type(), plan.smemBytes);
  gpu::LaunchFuncOp::create(
      rewriter, loc, func,
      gpu::KernelDim3{c(blockTiles), c(1), c(p.batch * plan.splits)},
      gpu::KernelDim3{c(kThreads), c(1), c(1)}, smemV, operands.values());
  if (plan.splits == 1)
    return;
  int64_t groups = p.batch * p.m * (plan.nPadded / 8);
  Value noSmem =
      arith::ConstantIntOp::create(rewriter, loc, rewriter.getI32Type(), 0);
  gpu::LaunchFuncOp::create(
      rewriter, loc, reduce,
      gpu::KernelDim3{c(ceilDiv(groups, reduceThreads)), c(1), c(1)},
      gpu::KernelDim3{c(reduceThreads), c(1), c(1)}, noSmem,
      reduceOperands.values());
}

} // namespace

LogicalResult mma::emitSimtGemm(RewriterBase &rewriter, GemmProblem &p,
                                gpu::GPUModuleOp kernels,
                                const MMAOptions &options) {
  Location loc = p.op->getLoc();
  FailureOr<SimtPlan> planned = planKernel(p, options);
  if (failed(planned))
    return failure();
  const SimtPlan &plan = *planned;
  int64_t splits = plan.splits;
  Value workspace;
  if (splits > 1) {
    rewriter.setInsertionPoint(p.anchor());
    auto wsType = MemRefType::get({p.batch * splits * p.m * plan.nPadded},
                                  rewriter.getF32Type());
    workspace = memref::AllocOp::create(rewriter, loc, wsType,
                                        rewriter.getI64IntegerAttr(256));
  }

  OperandList operands;
  unsigned aIdx = operands.add(p.a.memref);
  unsigned bIdx = operands.add(p.b.memref);
  if (splits == 1)
    addEpilogueOperands(p, operands);
  else
    operands.add(workspace);
  OpBuilder &b = rewriter;
  gpu::GPUFuncOp func = createKernel(
      b, loc, kernels, "simt_" + p.family, operands.values(), kThreads,
      plan.tile.str() + (splits > 1 ? "_k" + std::to_string(splits) : ""));
  {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(&func.getBody().front());
    KernelBuilder kb(b, loc);
    SimtKernelBody body(kb, p, plan, func);
    body.emitIndices();
    body.emitLoaders(aIdx, bIdx);
    SmallVector<Value> acc = body.emitMainloop();
    // Epilogue: one micro-tile row per thread at a time through shared
    // memory (16 rows of BN), then groups of 8 columns: the fused epilogue,
    // or the split's partial sums into the workspace.
    body.emitEpilogue(acc, operands, workspace);
    gpu::ReturnOp::create(b, loc);
    IRRewriter cse(b.getContext());
    DominanceInfo dom(func);
    eliminateCommonSubExpressions(cse, dom, func);
  }

  constexpr int64_t kReduceThreads = 256;
  OperandList reduceOperands;
  gpu::GPUFuncOp reduce;
  if (splits > 1)
    reduce = buildReduceKernel(rewriter, loc, p, kernels, splits, workspace,
                               reduceOperands, kReduceThreads);
  emitLaunches(rewriter, p, plan, func, operands, reduce, reduceOperands,
               kReduceThreads);
  eraseAbsorbed(rewriter, p);
  return success();
}
