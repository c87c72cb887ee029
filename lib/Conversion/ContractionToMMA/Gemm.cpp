//===- Gemm.cpp - the tensor-core GEMM kernel and its launch --------------===//
//
// One kernel shape serves every tensor-core family (gemm, batched_gemm and
// the implicit-GEMM convolutions differ only in how operand addresses are
// formed, see ImplicitGemm.cpp):
//
//   grid.x  output tiles, rasterized in groups of 8 tile rows so that
//           consecutive blocks share B tiles in L2
//   grid.z  batch (x split-K splits)
//   block   warpsM x warpsN warps; each warp owns a (BM/warpsM) x
//           (BN/warpsN) accumulator tile of m16n8 mma fragments
//
//===----------------------------------------------------------------------===//

#include "Internal.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/Dominance.h"
#include "mlir/Transforms/CSE.h"

using namespace mlir;
using namespace mlir::mpt;
using namespace mlir::mpt::mma;

static int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

/// gpu.thread_id / gpu.block_id as i32.
static Value gpuIndex(KernelBuilder &kb, bool block, gpu::Dimension dim) {
  Value v = block ? gpu::BlockIdOp::create(kb.b, kb.loc, dim).getResult()
                  : gpu::ThreadIdOp::create(kb.b, kb.loc, dim).getResult();
  return arith::IndexCastUIOp::create(kb.b, kb.loc, kb.b.getI32Type(), v);
}

/// The output tile of this block, in tiles: (row, column). Tiles are
/// rasterized in groups of up to 8 tile rows, column-major inside a group,
/// so that consecutive blocks share B tiles in L2.
static std::pair<Value, Value>
rasterizeTile(KernelBuilder &kb, const GemmProblem &p, const MMATileConfig &t) {
  OpBuilder &b = kb.b;
  Location loc = kb.loc;
  int64_t tilesM = ceilDiv(p.m, t.blockM), tilesN = ceilDiv(p.n, t.blockN);
  Value bid = gpuIndex(kb, true, gpu::Dimension::x);
  constexpr int64_t kGroup = 8;
  if (tilesM <= kGroup)
    return {kb.rem(bid, tilesM), kb.div(bid, tilesM)};
  int64_t width = kGroup * tilesN;
  Value group = kb.div(bid, width);
  Value firstM = kb.mul(group, kGroup);
  Value sizeM = kb.minI(kb.sub(kb.i32(tilesM), firstM), kb.i32(kGroup));
  Value inGroup = kb.rem(bid, width);
  Value tm =
      kb.add(firstM, b.createOrFold<arith::RemUIOp>(loc, inGroup, sizeM));
  Value tn = b.createOrFold<arith::DivUIOp>(loc, inGroup, sizeM);
  return {tm, tn};
}

/// The per-thread state of the kernel body: thread, lane and warp indices,
/// the block's output tile, the batch coordinates of blockIdx.z / `splits`
/// and the dynamic shared memory. Sets `z` to blockIdx.z and `split` to its
/// split index (blockIdx.z % `splits`).
static BlockContext emitBlockContext(KernelBuilder &kb, const GemmProblem &p,
                                     const MMATileConfig &t, int64_t splits,
                                     Value &z, Value &split) {
  OpBuilder &b = kb.b;
  BlockContext ctx;
  ctx.tid = gpuIndex(kb, false, gpu::Dimension::x);
  ctx.lane = kb.rem(ctx.tid, 32);
  ctx.warp = kb.div(ctx.tid, 32);
  ctx.warpM = kb.rem(ctx.warp, t.warpsM);
  ctx.warpN = kb.div(ctx.warp, t.warpsM);
  auto [tm, tn] = rasterizeTile(kb, p, t);
  ctx.tileM0 = kb.mul(tm, t.blockM);
  ctx.tileN0 = kb.mul(tn, t.blockN);

  z = gpuIndex(kb, true, gpu::Dimension::z);
  split = kb.rem(z, splits);
  Value batchIndex = kb.div(z, splits);
  ctx.batchCoords.values.assign(p.loopExtents.size(), Value());
  decompose(kb, batchIndex, p.batchDims, p.loopExtents, ctx.batchCoords);

  ctx.smemBytes = gpu::DynamicSharedMemoryOp::create(
      b, kb.loc,
      MemRefType::get({ShapedType::kDynamic}, b.getI8Type(),
                      MemRefLayoutAttrInterface(),
                      gpu::AddressSpaceAttr::get(
                          b.getContext(), gpu::AddressSpace::Workgroup)));
  return ctx;
}

/// The split-K epilogue: the block's partial sums go to
/// workspace[batch][split][m][nPadded] (`wFlat`; z = batch * splits +
/// split), rows padded to 8 columns so that every group is one aligned
/// 32-byte store.
static void emitPartialSumEpilogue(KernelBuilder &kb, const GemmProblem &p,
                                   const MMATileConfig &t,
                                   const BlockContext &ctx, ArrayRef<Value> acc,
                                   Value wFlat, Value z) {
  OpBuilder &b = kb.b;
  Location loc = kb.loc;
  int64_t nPadded = ceilDiv(p.n, 8) * 8;
  Value slab = kb.mul(z, p.m * nPadded); // (batch * splits + split)
  emitStagedEpilogue(kb, p, t, ctx, acc,
                     [&](Value m, Value n0, ArrayRef<Value> vals) {
                       OpBuilder::InsertionGuard g(b);
                       auto ifOp = scf::IfOp::create(
                           b, loc, kb.both(kb.lt(m, p.m), kb.lt(n0, nPadded)),
                           /*withElseRegion=*/false);
                       b.setInsertionPointToStart(ifOp.thenBlock());
                       Value off = kb.add(slab, kb.add(kb.mul(m, nPadded), n0));
                       auto quad = VectorType::get({4}, b.getF32Type());
                       for (int64_t q = 0; q < 2; ++q) {
                         Value v = vector::FromElementsOp::create(
                             b, loc, quad, vals.slice(q * 4, 4));
                         vector::StoreOp::create(
                             b, loc, v, wFlat,
                             ValueRange{kb.toIndex(kb.add(off, kb.i32(q * 4)))},
                             /*nontemporal=*/false, llvm::MaybeAlign(16));
                       }
                     });
}

gpu::GPUFuncOp
mma::buildTensorCoreKernel(OpBuilder &b, Location loc, GemmProblem &p,
                           gpu::GPUModuleOp kernels, const KernelChoice &choice,
                           const MainloopConfig &cfg, OperandList &operands,
                           Value workspace) {
  const MMATileConfig &t = cfg.tile;
  int64_t splits = choice.splitK;
  unsigned aIdx = operands.add(p.a.memref);
  unsigned bIdx = operands.add(p.b.memref);
  if (splits == 1)
    addEpilogueOperands(p, operands);
  else
    operands.add(workspace);
  std::string tileName = t.str();
  if (splits > 1)
    tileName += "_k" + std::to_string(splits);
  gpu::GPUFuncOp func = createKernel(
      b, loc, kernels, p.family, operands.values(), t.numThreads(), tileName);
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(&func.getBody().front());
  KernelBuilder kb(b, loc);

  Value z, split;
  BlockContext ctx = emitBlockContext(kb, p, t, splits, z, split);
  Value aFlat = flatView(b, loc, func.getArgument(aIdx), p.a.span());
  Value bFlat = flatView(b, loc, func.getArgument(bIdx), p.b.span());

  int64_t kTiles = ceilDiv(p.k, t.blockK);
  Value kBegin = kb.i32(0), numK = kb.i32(kTiles);
  if (splits > 1) {
    int64_t perSplit = ceilDiv(kTiles, splits);
    kBegin = kb.mul(split, perSplit);
    numK = kb.minI(kb.i32(perSplit), kb.sub(kb.i32(kTiles), kBegin));
  }
  SmallVector<Value> acc =
      emitMainloop(kb, p, cfg, ctx, aFlat, bFlat, kBegin, numK);

  if (splits == 1) {
    EpilogueBuffers buf = epilogueBuffers(b, loc, p, operands, func);
    emitStagedEpilogue(
        kb, p, t, ctx, acc, [&](Value m, Value n0, ArrayRef<Value> vals) {
          emitEpilogueGroup(kb, p, buf, ctx.batchCoords, m, n0, vals,
                            p.m % t.blockM == 0, p.n % t.blockN == 0);
        });
  } else {
    int64_t nPadded = ceilDiv(p.n, 8) * 8;
    unsigned wIdx = operands.add(workspace);
    int64_t span = p.batch * splits * p.m * nPadded;
    Value wFlat = flatView(b, loc, func.getArgument(wIdx), span);
    emitPartialSumEpilogue(kb, p, t, ctx, acc, wFlat, z);
  }
  gpu::ReturnOp::create(b, loc);

  // Fold and share the index arithmetic the builders repeated.
  IRRewriter rewriter(b.getContext());
  DominanceInfo dom(func);
  eliminateCommonSubExpressions(rewriter, dom, func);
  return func;
}

/// A per-op override of the tile ("mpt.mma_tile") and split count
/// ("mpt.mma_split_k"), for tests and tuning.
static MMAOptions optionsFor(Operation *op, const MMAOptions &options,
                             std::string &error) {
  MMAOptions o = options;
  if (auto s = op->getAttrOfType<StringAttr>("mpt.mma_tile")) {
    FailureOr<MMATileConfig> t = MMATileConfig::parse(s.getValue(), error);
    if (succeeded(t))
      o.forcedTile = *t;
  }
  if (auto k = op->getAttrOfType<IntegerAttr>("mpt.mma_split_k"))
    o.forcedSplitK = k.getInt();
  return o;
}

LogicalResult mma::emitTensorCoreGemm(RewriterBase &rewriter, GemmProblem &p,
                                      gpu::GPUModuleOp kernels,
                                      const MMAOptions &options) {
  std::string error;
  MMAOptions opts = optionsFor(p.op, options, error);
  if (!error.empty())
    return p.op->emitError("mpt.mma_tile: ") << error;
  KernelChoice choice = chooseKernel(p, opts);
  MainloopConfig cfg = planMainloop(p, choice.tile);
  if (cfg.smemBytes > sharedMemoryLimit(opts.sm))
    return p.op->emitError("tile ")
           << choice.tile.str() << " needs " << cfg.smemBytes
           << " bytes of shared memory; sm_" << opts.sm << " allows "
           << sharedMemoryLimit(opts.sm) << " (use fewer stages or a "
           << "smaller tile)";
  if (choice.splitK > 1)
    return emitSplitKGemm(rewriter, p, kernels, choice, opts);

  Location loc = p.op->getLoc();
  OperandList operands;
  gpu::GPUFuncOp func = buildTensorCoreKernel(rewriter, loc, p, kernels, choice,
                                              cfg, operands, Value());
  rewriter.setInsertionPoint(p.anchor());
  const MMATileConfig &t = choice.tile;
  auto c = [&](int64_t v) {
    return arith::ConstantIndexOp::create(rewriter, loc, v).getResult();
  };
  int64_t tiles = ceilDiv(p.m, t.blockM) * ceilDiv(p.n, t.blockN);
  Value smem = arith::ConstantIntOp::create(
      rewriter, loc, rewriter.getI32Type(), cfg.smemBytes);
  gpu::LaunchFuncOp::create(
      rewriter, loc, func, gpu::KernelDim3{c(tiles), c(1), c(p.batch)},
      gpu::KernelDim3{c(t.numThreads()), c(1), c(1)}, smem, operands.values());
  eraseAbsorbed(rewriter, p);
  return success();
}
