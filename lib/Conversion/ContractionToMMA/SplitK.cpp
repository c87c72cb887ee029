//===- SplitK.cpp - split reductions with a deterministic reduce ----------===//
//
// Weight gradients have small outputs (a 3x3x256x256 filter is 2304 x 256)
// and long reductions (batch x output pixels): one block per output tile
// would leave most SMs idle. Split-K cuts the reduction tiles into S
// contiguous ranges, one per blockIdx.z slice: each block writes its f32
// partial tile to a host-level workspace (rows padded to 8 columns), and a
// reduce kernel sums the S partials of every output element in split order
// (so results are bit-for-bit reproducible), adds the old accumulator when
// there is one, and runs the fused epilogue.
//
//===----------------------------------------------------------------------===//

#include "Internal.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/Dominance.h"
#include "mlir/Transforms/CSE.h"

using namespace mlir;
using namespace mlir::mpt;
using namespace mlir::mpt::mma;

static int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

/// Sums the `splits` partial sums of one group of 8 columns in split order
/// (so the result is reproducible): the first at element `first` of the
/// workspace view `wFlat`, the next ones `splitStride` apart. Returns the 8
/// sums as scalars.
static SmallVector<Value> emitSplitSum(KernelBuilder &kb, Value wFlat,
                                       Value first, int64_t splits,
                                       int64_t splitStride) {
  OpBuilder &b = kb.b;
  Location loc = kb.loc;
  auto quad = VectorType::get({4}, b.getF32Type());
  auto loadPartial = [&](Value off) {
    SmallVector<Value> v;
    for (int64_t q = 0; q < 2; ++q)
      v.push_back(vector::LoadOp::create(
          b, loc, quad, wFlat,
          ValueRange{kb.toIndex(kb.add(off, kb.i32(q * 4)))},
          /*nontemporal=*/false, llvm::MaybeAlign(16)));
    return v;
  };
  // sum = p0; then sum += p1, p2, ... in split order.
  SmallVector<Value> sums = loadPartial(first);
  auto loop =
      scf::ForOp::create(b, loc, kb.i32(1), kb.i32(splits), kb.i32(1), sums);
  // Not unrolled: a memory-bound kernel wants occupancy, not all its
  // loads in flight in registers.
  MLIRContext *ctx = b.getContext();
  loop->setAttr(
      "llvm.loop_annotation",
      LLVM::LoopAnnotationAttr::get(
          ctx, /*disableNonforced=*/nullptr, /*vectorize=*/{},
          /*interleave=*/{},
          LLVM::LoopUnrollAttr::get(ctx, /*disable=*/b.getBoolAttr(true), {},
                                    {}, {}, {}, {}, {}),
          {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}));
  {
    OpBuilder::InsertionGuard g(b);
    b.setInsertionPointToStart(loop.getBody());
    Value off = kb.add(first, kb.mul(loop.getInductionVar(), splitStride));
    SmallVector<Value> part = loadPartial(off);
    SmallVector<Value> next;
    for (int64_t q = 0; q < 2; ++q)
      next.push_back(
          arith::AddFOp::create(b, loc, loop.getRegionIterArgs()[q], part[q]));
    scf::YieldOp::create(b, loc, next);
  }
  sums.assign(loop.getResults().begin(), loop.getResults().end());
  SmallVector<Value> acc;
  for (int64_t q = 0; q < 2; ++q)
    for (int64_t i = 0; i < 4; ++i)
      acc.push_back(
          vector::ExtractOp::create(b, loc, sums[q], ArrayRef<int64_t>{i}));
  return acc;
}

/// The reduce kernel: one thread per group of 8 output columns.
gpu::GPUFuncOp mma::buildReduceKernel(OpBuilder &b, Location loc,
                                      GemmProblem &p, gpu::GPUModuleOp kernels,
                                      int64_t splits, Value workspace,
                                      OperandList &operands, int64_t threads) {
  int64_t nPadded = ceilDiv(p.n, 8) * 8;
  int64_t groupsPerRow = nPadded / 8;
  int64_t groups = p.batch * p.m * groupsPerRow;
  unsigned wIdx = operands.add(workspace);
  addEpilogueOperands(p, operands);
  gpu::GPUFuncOp func =
      createKernel(b, loc, kernels, "splitk_reduce", operands.values(), threads,
                   "k" + std::to_string(splits));
  // Memory-bound: ask for 4 resident blocks (64 registers), or ptxas
  // unrolls the split loop and keeps every partial in flight.
  func->setAttr(NVVM::NVVMDialect::getMinctasmAttrName(),
                b.getI32IntegerAttr(4));
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(&func.getBody().front());
  KernelBuilder kb(b, loc);
  auto asI32 = [&](Value v) {
    return arith::IndexCastUIOp::create(b, loc, b.getI32Type(), v).getResult();
  };
  Value tid = asI32(gpu::ThreadIdOp::create(b, loc, gpu::Dimension::x));
  Value bid = asI32(gpu::BlockIdOp::create(b, loc, gpu::Dimension::x));
  Value id = kb.add(kb.mul(bid, threads), tid);
  {
    OpBuilder::InsertionGuard inner(b);
    if (ceilDiv(groups, threads) * threads != groups) {
      auto ifOp = scf::IfOp::create(b, loc, kb.lt(id, groups),
                                    /*withElseRegion=*/false);
      b.setInsertionPointToStart(ifOp.thenBlock());
    }
    Value g = kb.rem(id, groupsPerRow);
    Value rest = kb.div(id, groupsPerRow);
    Value m = kb.rem(rest, p.m);
    Value batchIndex = kb.div(rest, p.m);
    Coordinates coords;
    coords.values.assign(p.loopExtents.size(), Value());
    decompose(kb, batchIndex, p.batchDims, p.loopExtents, coords);
    int64_t span = p.batch * splits * p.m * nPadded;
    Value wFlat = flatView(b, loc, func.getArgument(wIdx), span);
    Value n0 = kb.mul(g, 8);
    // Partial s of this group: ((batch * splits + s) * m + row) * nPadded
    // + n0; consecutive splits are m * nPadded apart.
    Value first = kb.add(
        kb.mul(kb.add(kb.mul(kb.mul(batchIndex, splits), p.m), m), nPadded),
        n0);
    SmallVector<Value> acc =
        emitSplitSum(kb, wFlat, first, splits, p.m * nPadded);
    EpilogueBuffers buf = epilogueBuffers(b, loc, p, operands, func);
    // m < M and n0 < N by construction (n0 < nPadded - 7 < N).
    emitEpilogueGroup(kb, p, buf, coords, m, n0, acc, /*mInBounds=*/true,
                      /*nInBounds=*/true);
  }
  gpu::ReturnOp::create(b, loc);
  IRRewriter rewriter(b.getContext());
  DominanceInfo dom(func);
  eliminateCommonSubExpressions(rewriter, dom, func);
  return func;
}

LogicalResult mma::emitSplitKGemm(RewriterBase &rewriter, GemmProblem &p,
                                  gpu::GPUModuleOp kernels,
                                  const KernelChoice &choice,
                                  const MMAOptions &options) {
  Location loc = p.op->getLoc();
  const MMATileConfig &t = choice.tile;
  int64_t splits = choice.splitK;
  int64_t nPadded = ceilDiv(p.n, 8) * 8;
  MainloopConfig cfg = planMainloop(p, t);

  rewriter.setInsertionPoint(p.anchor());
  auto wsType = MemRefType::get({p.batch * splits * p.m * nPadded},
                                rewriter.getF32Type());
  Value workspace = memref::AllocOp::create(rewriter, loc, wsType,
                                            rewriter.getI64IntegerAttr(256));

  OperandList gemmOperands;
  gpu::GPUFuncOp gemm = buildTensorCoreKernel(rewriter, loc, p, kernels, choice,
                                              cfg, gemmOperands, workspace);
  constexpr int64_t kReduceThreads = 256;
  OperandList reduceOperands;
  gpu::GPUFuncOp reduce =
      buildReduceKernel(rewriter, loc, p, kernels, splits, workspace,
                        reduceOperands, kReduceThreads);

  rewriter.setInsertionPoint(p.anchor());
  auto c = [&](int64_t v) {
    return arith::ConstantIndexOp::create(rewriter, loc, v).getResult();
  };
  int64_t tiles = ceilDiv(p.m, t.blockM) * ceilDiv(p.n, t.blockN);
  Value smem = arith::ConstantIntOp::create(
      rewriter, loc, rewriter.getI32Type(), cfg.smemBytes);
  gpu::LaunchFuncOp::create(
      rewriter, loc, gemm, gpu::KernelDim3{c(tiles), c(1), c(p.batch * splits)},
      gpu::KernelDim3{c(t.numThreads()), c(1), c(1)}, smem,
      gemmOperands.values());
  int64_t groups = p.batch * p.m * (nPadded / 8);
  Value noSmem =
      arith::ConstantIntOp::create(rewriter, loc, rewriter.getI32Type(), 0);
  gpu::LaunchFuncOp::create(
      rewriter, loc, reduce,
      gpu::KernelDim3{c(ceilDiv(groups, kReduceThreads)), c(1), c(1)},
      gpu::KernelDim3{c(kReduceThreads), c(1), c(1)}, noSmem,
      reduceOperands.values());
  (void)options;
  eraseAbsorbed(rewriter, p);
  return success();
}
