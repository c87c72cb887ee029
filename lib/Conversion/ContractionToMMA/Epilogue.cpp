//===- Epilogue.cpp - fused epilogue on the accumulators ------------------===//
//
// The mma accumulators of a warp are scattered (each thread holds pairs of
// columns of rows lane/4 and lane/4 + 8). They are staged through shared
// memory, one 16-row slab per warp row at a time, into rows of BN + 8 floats
// (the padding makes the 8-byte writes of a half-warp hit 32 different
// banks). Each thread then reads 8 consecutive columns of one row and runs
// the epilogue on them: the old accumulator is added unless the kernel
// absorbed a zero fill, the absorbed consumer's body is cloned per element
// (other inputs such as the bias loaded through their indexing maps), and
// every result is stored with the widest aligned vector (16 bytes for 8
// halves) when the row is contiguous, with scalar stores otherwise.
//
//===----------------------------------------------------------------------===//

#include "Internal.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/IRMapping.h"

using namespace mlir;
using namespace mlir::mpt;
using namespace mlir::mpt::mma;

int64_t mma::epilogueSmemBytes(const MMATileConfig &t) {
  return t.warpsM * 16 * (t.blockN + 8) * 4;
}

//===----------------------------------------------------------------------===//
// Operands
//===----------------------------------------------------------------------===//

void mma::addEpilogueOperands(const GemmProblem &p, OperandList &operands) {
  if (!p.zeroInit || p.epilogue.storeAccumulator)
    operands.add(p.c.memref);
  for (const EpilogueArg &arg : p.epilogue.args)
    if (arg.kind == EpilogueArg::Load)
      operands.add(arg.access.memref);
  for (const Access &out : p.epilogue.outputs)
    operands.add(out.memref);
}

EpilogueBuffers mma::epilogueBuffers(OpBuilder &b, Location loc,
                                     const GemmProblem &p,
                                     const OperandList &operands,
                                     gpu::GPUFuncOp func) {
  auto argOf = [&](const Access &a) {
    auto it = llvm::find(operands.values(), a.memref);
    assert(it != operands.values().end() && "operand not passed");
    return flatView(b, loc, func.getArgument(it - operands.values().begin()),
                    a.span());
  };
  EpilogueBuffers buf;
  if (!p.zeroInit || p.epilogue.storeAccumulator)
    buf.cFlat = argOf(p.c);
  for (const EpilogueArg &arg : p.epilogue.args)
    buf.argFlat.push_back(arg.kind == EpilogueArg::Load ? argOf(arg.access)
                                                        : Value());
  for (const Access &out : p.epilogue.outputs)
    buf.outputFlat.push_back(argOf(out));
  return buf;
}

//===----------------------------------------------------------------------===//
// One group of 8 columns
//===----------------------------------------------------------------------===//

namespace {
/// Element offsets of an access for the 8 columns of a group.
struct GroupAccess {
  Value base;           // offset of column 0
  int64_t step = 0;     // offset change per column
  int64_t vecWidth = 1; // elements per aligned vector access
};
} // namespace

/// Offset (constants included) of `a` at `coords` for the loops in `dims`.
static Value elementOffset(KernelBuilder &kb, const Access &a,
                           ArrayRef<unsigned> dims, const Coordinates &coords) {
  SmallVector<int64_t> strides = a.strides();
  int64_t base = a.offset();
  for (auto [r, e] : llvm::enumerate(a.indices))
    base += e.constant * strides[r];
  return kb.add(linearOffset(kb, a, dims, coords), kb.i32(base));
}

/// The widest vector (elements, at most 16 bytes) of `a` along the
/// innermost N loop that every group of 8 can use with natural alignment.
static int64_t groupVectorWidth(const GemmProblem &p, const Access &a,
                                unsigned innerN) {
  Type t = a.elementType();
  if (!t.isIntOrFloat() || t.getIntOrFloatBitWidth() < 8 ||
      a.effectiveStride(innerN) != 1)
    return 1;
  int64_t bytes = t.getIntOrFloatBitWidth() / 8;
  SmallVector<int64_t> strides = a.strides();
  int64_t base = a.offset();
  for (auto [r, e] : llvm::enumerate(a.indices))
    base += e.constant * strides[r];
  for (int64_t w = std::min<int64_t>(8, 16 / bytes); w >= 2; w /= 2) {
    bool ok = base % w == 0 && p.loopExtents[innerN] % w == 0;
    for (unsigned d = 0; d < p.loopExtents.size(); ++d)
      if (d != innerN && a.effectiveStride(d) % w != 0)
        ok = false;
    if (ok)
      return w;
  }
  return 1;
}

static Value loadElement(KernelBuilder &kb, Value flat, Value off) {
  return memref::LoadOp::create(kb.b, kb.loc, flat,
                                ValueRange{kb.toIndex(off)});
}

/// Loads 8 columns (or one value when the access does not move with them).
static SmallVector<Value> loadGroup(KernelBuilder &kb, Value flat,
                                    const GroupAccess &ga) {
  SmallVector<Value> vals;
  if (ga.step == 0) {
    Value v = loadElement(kb, flat, ga.base);
    vals.assign(8, v);
    return vals;
  }
  if (ga.vecWidth > 1) {
    Type elem = cast<MemRefType>(flat.getType()).getElementType();
    int64_t bytes = elem.getIntOrFloatBitWidth() / 8;
    auto vt = VectorType::get({ga.vecWidth}, elem);
    for (int64_t j = 0; j < 8; j += ga.vecWidth) {
      Value v = vector::LoadOp::create(
          kb.b, kb.loc, vt, flat,
          ValueRange{kb.toIndex(kb.add(ga.base, kb.i32(j)))},
          /*nontemporal=*/false, llvm::MaybeAlign(ga.vecWidth * bytes));
      for (int64_t i = 0; i < ga.vecWidth; ++i)
        vals.push_back(
            vector::ExtractOp::create(kb.b, kb.loc, v, ArrayRef<int64_t>{i}));
    }
    return vals;
  }
  for (int64_t j = 0; j < 8; ++j)
    vals.push_back(loadElement(kb, flat, kb.add(ga.base, kb.i32(j * ga.step))));
  return vals;
}

static void storeGroup(KernelBuilder &kb, Value flat, const GroupAccess &ga,
                       ArrayRef<Value> vals) {
  if (ga.vecWidth > 1) {
    Type elem = cast<MemRefType>(flat.getType()).getElementType();
    int64_t bytes = elem.getIntOrFloatBitWidth() / 8;
    auto vt = VectorType::get({ga.vecWidth}, elem);
    for (int64_t j = 0; j < 8; j += ga.vecWidth) {
      Value v = vector::FromElementsOp::create(kb.b, kb.loc, vt,
                                               vals.slice(j, ga.vecWidth));
      vector::StoreOp::create(
          kb.b, kb.loc, v, flat,
          ValueRange{kb.toIndex(kb.add(ga.base, kb.i32(j)))},
          /*nontemporal=*/false, llvm::MaybeAlign(ga.vecWidth * bytes));
    }
    return;
  }
  for (auto [j, v] : llvm::enumerate(vals))
    memref::StoreOp::create(
        kb.b, kb.loc, v, flat,
        ValueRange{kb.toIndex(kb.add(ga.base, kb.i32(int64_t(j) * ga.step)))});
}

/// Clones the consumer's body for one element: `args` are the values of
/// its block arguments; returns the yielded values.
static SmallVector<Value> cloneBody(OpBuilder &b, linalg::GenericOp generic,
                                    ArrayRef<Value> args) {
  Block *body = generic.getBody();
  IRMapping map;
  for (auto [arg, v] : llvm::zip(body->getArguments(), args))
    map.map(arg, v);
  auto mapOperand = [&](Value v) -> Value {
    if (Value m = map.lookupOrNull(v))
      return m;
    // A constant from outside the body.
    Operation *def = v.getDefiningOp();
    Operation *c = b.clone(*def);
    map.map(v, c->getResult(cast<OpResult>(v).getResultNumber()));
    return map.lookup(v);
  };
  for (Operation &op : body->without_terminator()) {
    for (Value operand : op.getOperands())
      mapOperand(operand);
    b.clone(op, map);
  }
  SmallVector<Value> results;
  for (Value v : body->getTerminator()->getOperands())
    results.push_back(mapOperand(v));
  return results;
}

namespace {
/// The epilogue of `count` columns starting at n0 (count 8 with vector
/// accesses, or 1 with the column's own coordinates): the coordinates of
/// the columns and the accesses its pieces share.
struct ColumnEpilogue {
  KernelBuilder &kb;
  const GemmProblem &p;
  const EpilogueBuffers &buf;
  bool vectorized;
  /// Batch, M and N coordinates of column n0.
  Coordinates coords;
  /// The loops `coords` covers, and the innermost N loop.
  SmallVector<unsigned> dims;
  std::optional<unsigned> innerN;

  /// Decomposes n0 into the N loops' coordinates.
  ColumnEpilogue(KernelBuilder &kb, const GemmProblem &p,
                 const EpilogueBuffers &buf, const Coordinates &bm, Value n0,
                 bool vectorized)
      : kb(kb), p(p), buf(buf), vectorized(vectorized), coords(bm) {
    decompose(kb, n0, p.nDims, p.loopExtents, coords);
    dims.assign(p.batchDims.begin(), p.batchDims.end());
    llvm::append_range(dims, p.mDims);
    llvm::append_range(dims, p.nDims);
    if (!p.nDims.empty())
      innerN = p.nDims.back();
  }

  /// The offsets of `a` for the columns and its vector width.
  GroupAccess groupAccess(const Access &a) {
    GroupAccess ga;
    ga.base = elementOffset(kb, a, dims, coords);
    ga.step = innerN ? a.effectiveStride(*innerN) : 0;
    ga.vecWidth = (vectorized && innerN && ga.step == 1)
                      ? groupVectorWidth(p, a, *innerN)
                      : 1;
    return ga;
  }

  /// The values of `a` at the columns.
  SmallVector<Value> load(Value flat, const Access &a) {
    GroupAccess ga = groupAccess(a);
    if (!vectorized) {
      ga.step = 0;
      return SmallVector<Value>(1, loadElement(kb, flat, ga.base));
    }
    return loadGroup(kb, flat, ga);
  }

  /// Stores `vals` to `a` at the columns.
  void store(Value flat, const Access &a, ArrayRef<Value> vals) {
    GroupAccess ga = groupAccess(a);
    if (!vectorized) {
      memref::StoreOp::create(kb.b, kb.loc, vals[0], flat,
                              ValueRange{kb.toIndex(ga.base)});
      return;
    }
    storeGroup(kb, flat, ga, vals);
  }

  /// The full sums: the old accumulator (unless it starts at zero) plus the
  /// products `acc`.
  SmallVector<Value> fullSums(ArrayRef<Value> acc) {
    SmallVector<Value> sums(acc);
    if (!p.zeroInit) {
      SmallVector<Value> old = load(buf.cFlat, p.c);
      for (int64_t j = 0, e = acc.size(); j < e; ++j)
        sums[j] = arith::AddFOp::create(kb.b, kb.loc, old[j], sums[j]);
    }
    return sums;
  }

  /// Per block argument of the consumer, its value at each column (null
  /// for outputs whose old value the body does not read: not loaded).
  SmallVector<SmallVector<Value>> consumerInputs(ArrayRef<Value> sums) {
    linalg::GenericOp generic = p.epilogue.generic;
    SmallVector<SmallVector<Value>> argVals;
    for (auto [i, arg] : llvm::enumerate(p.epilogue.args)) {
      if (arg.kind == EpilogueArg::Accumulator) {
        argVals.push_back(SmallVector<Value>(sums));
        continue;
      }
      Value blockArg = generic.getBody()->getArgument(i);
      if (blockArg.use_empty()) {
        argVals.push_back(SmallVector<Value>(sums.size(), Value()));
        continue;
      }
      argVals.push_back(load(buf.argFlat[i], arg.access));
    }
    return argVals;
  }

  /// The consumer's body cloned per column, its results stored.
  void emitConsumer(ArrayRef<Value> sums);
};
} // namespace

void ColumnEpilogue::emitConsumer(ArrayRef<Value> sums) {
  OpBuilder &b = kb.b;
  linalg::GenericOp generic = p.epilogue.generic;
  int64_t count = sums.size();
  SmallVector<SmallVector<Value>> argVals = consumerInputs(sums);
  unsigned numResults = p.epilogue.outputs.size();
  SmallVector<SmallVector<Value>> results(numResults);
  // Results stored element by element are stored as soon as they exist
  // (eight i1 masks alive at once would not fit the predicate registers).
  SmallVector<GroupAccess> outAccess;
  for (const Access &a : p.epilogue.outputs)
    outAccess.push_back(groupAccess(a));
  auto storedAtOnce = [&](unsigned o) {
    return !vectorized || outAccess[o].vecWidth == 1;
  };
  for (int64_t j = 0; j < count; ++j) {
    SmallVector<Value> args;
    for (auto &vals : argVals)
      args.push_back(vals[j]);
    // Unused block arguments still need a value of their type.
    for (auto [i, v] : llvm::enumerate(args))
      if (!v)
        v = arith::ConstantOp::create(
            b, kb.loc,
            b.getZeroAttr(generic.getBody()->getArgument(i).getType()));
    SmallVector<Value> r = cloneBody(b, generic, args);
    for (unsigned o = 0; o < numResults; ++o) {
      if (!storedAtOnce(o)) {
        results[o].push_back(r[o]);
        continue;
      }
      Value off = outAccess[o].base;
      if (vectorized)
        off = kb.add(off, kb.i32(j * outAccess[o].step));
      memref::StoreOp::create(b, kb.loc, r[o], buf.outputFlat[o],
                              ValueRange{kb.toIndex(off)});
    }
  }
  for (unsigned o = 0; o < numResults; ++o)
    if (!storedAtOnce(o))
      storeGroup(kb, buf.outputFlat[o], outAccess[o], results[o]);
}

/// The epilogue for `count` columns starting at n0 (count 8 with vector
/// accesses, or 1 with the column's own coordinates).
static void emitColumns(KernelBuilder &kb, const GemmProblem &p,
                        const EpilogueBuffers &buf, const Coordinates &bm,
                        Value n0, ArrayRef<Value> acc, bool vectorized) {
  ColumnEpilogue columns(kb, p, buf, bm, n0, vectorized);
  SmallVector<Value> sums = columns.fullSums(acc);
  if (p.epilogue.storeAccumulator)
    columns.store(buf.cFlat, p.c, sums);
  if (p.epilogue.generic)
    columns.emitConsumer(sums);
}

void mma::emitEpilogueGroup(KernelBuilder &kb, const GemmProblem &p,
                            const EpilogueBuffers &buf,
                            const Coordinates &batchCoords, Value m, Value n0,
                            ArrayRef<Value> acc, bool mInBounds,
                            bool nInBounds) {
  OpBuilder &b = kb.b;
  Location loc = kb.loc;
  OpBuilder::InsertionGuard guard(b);
  // Groups of 8 columns stay inside the innermost N loop when its extent is
  // a multiple of 8: then all 8 are in or out and the accesses vectorize.
  bool vectorized = !p.nDims.empty() && p.loopExtents[p.nDims.back()] % 8 == 0;
  Value valid;
  if (!mInBounds)
    valid = kb.lt(m, p.m);
  if (vectorized && !nInBounds)
    valid = kb.both(valid, kb.lt(n0, p.n));
  if (valid) {
    auto ifOp = scf::IfOp::create(b, loc, valid, /*withElseRegion=*/false);
    b.setInsertionPointToStart(ifOp.thenBlock());
  }
  Coordinates bm = batchCoords;
  decompose(kb, m, p.mDims, p.loopExtents, bm);
  if (vectorized) {
    emitColumns(kb, p, buf, bm, n0, acc, /*vectorized=*/true);
    return;
  }
  for (int64_t j = 0; j < 8; ++j) {
    OpBuilder::InsertionGuard inner(b);
    Value n = kb.add(n0, kb.i32(j));
    auto ifN = scf::IfOp::create(b, loc, kb.lt(n, p.n),
                                 /*withElseRegion=*/false);
    b.setInsertionPointToStart(ifN.thenBlock());
    emitColumns(kb, p, buf, bm, n, acc.slice(j, 1), /*vectorized=*/false);
  }
}

//===----------------------------------------------------------------------===//
// Staging
//===----------------------------------------------------------------------===//

void mma::emitStagedEpilogue(
    KernelBuilder &kb, const GemmProblem &p, const MMATileConfig &t,
    const BlockContext &ctx, ArrayRef<Value> acc,
    function_ref<void(Value m, Value n0, ArrayRef<Value> values)>
        storeGroupFn) {
  OpBuilder &b = kb.b;
  Location loc = kb.loc;
  int64_t WM = t.warpTileM(), WN = t.warpTileN();
  int64_t MI = WM / 16, NI = WN / 8;
  int64_t stride = t.blockN + 8;
  int64_t rowsPerPass = t.warpsM * 16;
  auto wg =
      gpu::AddressSpaceAttr::get(b.getContext(), gpu::AddressSpace::Workgroup);
  auto stagingType = MemRefType::get({rowsPerPass * stride}, b.getF32Type(),
                                     MemRefLayoutAttrInterface(), wg);
  Value staging = memref::ViewOp::create(b, loc, stagingType, ctx.smemBytes,
                                         kb.idx(0), ValueRange{});
  Value lane = ctx.lane;
  Value rowInSlab = kb.add(kb.mul(ctx.warpM, 16), kb.div(lane, 4));
  Value colPair = kb.mul(kb.rem(lane, 4), 2);
  int64_t groupsPerRow = t.blockN / 8;
  int64_t groups = rowsPerPass * groupsPerRow;
  int64_t threads = t.numThreads();
  auto pairType = VectorType::get({2}, b.getF32Type());
  auto quadType = VectorType::get({4}, b.getF32Type());
  for (int64_t pass = 0; pass < MI; ++pass) {
    if (pass > 0)
      gpu::BarrierOp::create(b, loc);
    for (int64_t ni = 0; ni < NI; ++ni) {
      Value v = acc[pass * NI + ni];
      Value col =
          kb.add(kb.add(kb.mul(ctx.warpN, WN), kb.i32(ni * 8)), colPair);
      for (int64_t h = 0; h < 2; ++h) {
        Value pair = vector::ExtractOp::create(b, loc, v, ArrayRef<int64_t>{h});
        Value row = kb.add(rowInSlab, kb.i32(h * 8));
        Value off = kb.add(kb.mul(row, stride), col);
        vector::StoreOp::create(b, loc, pair, staging,
                                ValueRange{kb.toIndex(off)},
                                /*nontemporal=*/false, llvm::MaybeAlign(8));
      }
    }
    (void)pairType;
    gpu::BarrierOp::create(b, loc);
    for (int64_t j = 0; j * threads < groups; ++j) {
      OpBuilder::InsertionGuard guard(b);
      Value id = kb.add(ctx.tid, kb.i32(j * threads));
      if ((j + 1) * threads > groups) {
        auto ifOp = scf::IfOp::create(b, loc, kb.lt(id, groups),
                                      /*withElseRegion=*/false);
        b.setInsertionPointToStart(ifOp.thenBlock());
      }
      Value br = kb.div(id, groupsPerRow), cg = kb.rem(id, groupsPerRow);
      Value off = kb.add(kb.mul(br, stride), kb.mul(cg, 8));
      SmallVector<Value> vals;
      for (int64_t q = 0; q < 2; ++q) {
        Value v = vector::LoadOp::create(
            b, loc, quadType, staging,
            ValueRange{kb.toIndex(kb.add(off, kb.i32(q * 4)))},
            /*nontemporal=*/false, llvm::MaybeAlign(16));
        for (int64_t i = 0; i < 4; ++i)
          vals.push_back(
              vector::ExtractOp::create(b, loc, v, ArrayRef<int64_t>{i}));
      }
      // Slab row br belongs to warp row br / 16, fragment row br % 16.
      Value m =
          kb.add(ctx.tileM0,
                 kb.add(kb.add(kb.mul(kb.div(br, 16), WM), kb.i32(pass * 16)),
                        kb.rem(br, 16)));
      Value n0 = kb.add(ctx.tileN0, kb.mul(cg, 8));
      storeGroupFn(m, n0, vals);
    }
  }
}
