//===- Internal.h - shared pieces of the tensor-core lowering ---*- C++ -*-===//
//
// The GEMM view of a matched contraction group (GemmProblem), the tile table,
// and the kernel-building helpers that the kernel families share.
//
//===----------------------------------------------------------------------===//

#ifndef MPT_LIB_CONVERSION_CONTRACTIONTOMMA_INTERNAL_H
#define MPT_LIB_CONVERSION_CONTRACTIONTOMMA_INTERNAL_H

#include "mpt/Conversion/ContractionToMMA/ContractionToMMA.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/PatternMatch.h"

#include <string>

namespace mlir::mpt::mma {

//===----------------------------------------------------------------------===//
// GEMM view (Matching.cpp, Fusion.cpp)
//===----------------------------------------------------------------------===//

/// sum_d coeffs[d] * loop_d + constant: one index of an operand as a
/// function of the contraction's loops.
struct LinearExpr {
  SmallVector<int64_t> coeffs;
  int64_t constant = 0;

  bool dependsOn(unsigned d) const { return coeffs[d] != 0; }
  /// The one loop it is (coefficient 1, no constant), if so.
  std::optional<unsigned> singleDim() const;
};

/// Walks `expr` as a sum of dimensions times constants plus a constant,
/// each term scaled by `multiplier`: calls onDim(position, coefficient) for
/// every dimension term and adds the constant terms to `constant`. False if
/// `expr` has another form (a product of two dimensions, a division, a
/// modulo, a symbol).
bool forEachLinearTerm(AffineExpr expr, int64_t multiplier,
                       function_ref<void(unsigned, int64_t)> onDim,
                       int64_t &constant);

/// A zero padding folded into an operand's loads: the logical index i reads
/// source[(i - offset) / stride] when that is an integer in [0, size), and
/// zero otherwise.
struct PadWindow {
  int64_t offset = 0, stride = 1, size = 0;
  bool trivial = true;
};

/// How a kernel reads one operand (A, B, the old accumulator, an epilogue
/// input) or writes one result.
struct Access {
  /// The host memref the kernel receives (static shape, strides, offset).
  Value memref;
  /// One expression per dimension of `memref` (of the logical buffer when
  /// windows are present).
  SmallVector<LinearExpr> indices;
  /// Empty, or one per dimension: the folded zero padding.
  SmallVector<PadWindow> windows;

  MemRefType type() const { return cast<MemRefType>(memref.getType()); }
  Type elementType() const { return type().getElementType(); }
  bool hasWindows() const { return !windows.empty(); }
  /// Static strides and offset of `memref`.
  SmallVector<int64_t> strides() const;
  int64_t offset() const;
  /// Elements from the base pointer to one past the last element.
  int64_t span() const;
  /// Element-offset change per unit step of loop `d` (windows ignored).
  int64_t effectiveStride(unsigned d) const;
};

enum class DimKind { Batch, M, N, K, Unit };

/// What the epilogue does with one block argument of the absorbed consumer.
struct EpilogueArg {
  enum Kind { Accumulator, Load } kind = Load;
  Access access; // for Load
};

/// The elementwise consumer absorbed into the kernel (or none: the
/// accumulator is stored as it is).
struct EpiloguePlan {
  /// The absorbed linalg.generic; its body is cloned per element.
  linalg::GenericOp generic;
  /// Per block argument of `generic`.
  SmallVector<EpilogueArg> args;
  /// Per result of `generic`, where it is stored.
  SmallVector<Access> outputs;
  /// Also store the raw accumulator into the contraction's buffer.
  bool storeAccumulator = true;
};

/// A contraction group in GEMM form: C[b, m, n] (+)= sum_k A[b, m, k] *
/// B[b, k, n], every index a flattening of one or more loops.
struct GemmProblem {
  linalg::LinalgOp op;
  SmallVector<int64_t> loopExtents;
  SmallVector<DimKind> kinds;
  /// Loops of each kind, outermost first (the memory-contiguous innermost).
  SmallVector<unsigned> batchDims, mDims, nDims, kDims;
  int64_t batch = 1, m = 1, n = 1, k = 1;

  /// f16 or bf16 for tensor-core problems, f32 for the SIMT family.
  Type elementType;
  Access a, b;
  /// Whether the operands are stored as f32 and rounded to `elementType`
  /// by the kernel (a truncf in the contraction's body).
  bool aConverts = false, bConverts = false;
  /// The accumulator buffer of the contraction (f32).
  Access c;
  /// The accumulator starts at zero (its fill was absorbed) instead of the
  /// buffer's contents.
  bool zeroInit = false;
  EpiloguePlan epilogue;

  /// "gemm", "batched_gemm", "conv_fprop", "conv_dgrad", "conv_wgrad".
  std::string family;
  /// Ops the group erases, the contraction included, in program order.
  SmallVector<Operation *> absorbed;
  /// Where the launches go: the last op of the group (the consumer's
  /// outputs may be allocated after the contraction).
  Operation *anchor() const { return absorbed.back(); }
  /// Allocs (and their views) that become unused once `absorbed` is gone.
  SmallVector<Operation *> deadAllocs;

  int64_t extentOf(ArrayRef<unsigned> dims) const;
};

/// Builds the GEMM view of `op` alone (no absorption). Fails with
/// `reason` set when it is not a contraction the kernels handle; sets
/// `fatal` when it is one but cannot be lowered (the reason is then a
/// diagnostic).
FailureOr<GemmProblem> matchContraction(linalg::LinalgOp op,
                                        std::string &reason, bool &fatal,
                                        bool allowF32);

/// Absorbs producers (fill, copy of zeros, zero padding, transposes) and the
/// elementwise consumer of the contraction into `problem`.
void absorbNeighbours(GemmProblem &problem);

/// The contraction that would absorb the producer `op` (a fill, a zero
/// map, a transpose), if any.
linalg::LinalgOp findAbsorbingContraction(Operation *op);

/// The allocation (or argument) a memref value is a view of.
Value getRootBuffer(Value v);

//===----------------------------------------------------------------------===//
// Tiles (TileConfig.cpp)
//===----------------------------------------------------------------------===//

struct KernelChoice {
  MMATileConfig tile;
  int64_t splitK = 1;
};

/// Device limits the heuristics assume for `sm`.
int64_t numSMs(int64_t sm);
int64_t sharedMemoryLimit(int64_t sm);

/// The tile table, largest first.
ArrayRef<MMATileConfig> tileTable();

/// Picks a tile and split count for `problem`.
KernelChoice chooseKernel(const GemmProblem &problem,
                          const MMAOptions &options);

//===----------------------------------------------------------------------===//
// Kernel building (KernelBuilder.cpp)
//===----------------------------------------------------------------------===//

/// i32 arithmetic with constant folding and the index casts memref
/// accesses need.
class KernelBuilder {
public:
  KernelBuilder(OpBuilder &b, Location loc) : b(b), loc(loc) {}

  OpBuilder &b;
  Location loc;

  Value i32(int64_t v);
  Value idx(int64_t v);
  Value f32(double v);
  std::optional<int64_t> constant(Value v);
  Value add(Value x, Value y);
  Value add(Value x, int64_t y) { return add(x, i32(y)); }
  Value sub(Value x, Value y);
  Value mul(Value x, int64_t y);
  Value mul(Value x, Value y);
  /// x / y and x % y for x >= 0, y > 0.
  Value div(Value x, int64_t y);
  Value rem(Value x, int64_t y);
  Value xorI(Value x, Value y);
  Value andI(Value x, Value y);
  Value lt(Value x, Value y);
  Value lt(Value x, int64_t y) { return lt(x, i32(y)); }
  Value ge(Value x, int64_t y);
  Value eq(Value x, int64_t y);
  Value both(Value p, Value q);
  Value select(Value p, Value x, Value y);
  Value minI(Value x, Value y);
  /// An i32 as an index (zero-extended: offsets are never negative).
  Value toIndex(Value x);
};

/// A new, uniquely named gpu.func `<family>_<n>` in `kernels` taking
/// `operands`' types, with the attributes of the lowering contract.
gpu::GPUFuncOp createKernel(OpBuilder &b, Location loc,
                            gpu::GPUModuleOp kernels, StringRef family,
                            ValueRange operands, int64_t threads,
                            StringRef tileName);

/// memref.reinterpret_cast of a kernel argument to a flat, unit-stride
/// memref starting at the allocation's base pointer.
Value flatView(OpBuilder &b, Location loc, Value memref, int64_t span);

/// Unique kernel operands: the memrefs the kernel reads or writes.
class OperandList {
public:
  unsigned add(Value v);
  ArrayRef<Value> values() const { return vals; }

private:
  SmallVector<Value> vals;
};

/// Linear offset pieces of an access: the kernel decomposes flattened GEMM
/// indices into loop coordinates and sums coordinate * stride.
struct Coordinates {
  /// Coordinate value (i32) per loop; null for loops not yet known.
  SmallVector<Value> values;
};

/// Sets `coords` of `dims` (outermost first, extents from `extents`) from
/// the flattened index `flat`.
void decompose(KernelBuilder &kb, Value flat, ArrayRef<unsigned> dims,
               ArrayRef<int64_t> extents, Coordinates &coords);

/// sum over `dims` of coords[d] * access.effectiveStride(d) (windows are
/// not allowed here).
Value linearOffset(KernelBuilder &kb, const Access &access,
                   ArrayRef<unsigned> dims, const Coordinates &coords);

//===----------------------------------------------------------------------===//
// Implicit-GEMM operand addressing (ImplicitGemm.cpp)
//===----------------------------------------------------------------------===//

/// The address of an operand element split into a part fixed per thread
/// (batch and M or N loops) and a part that moves with the reduction.
struct OperandAddress {
  /// Offsets of the linear (no window) part.
  Value fixedOffset;
  /// Per windowed dimension: the fixed part of its logical index.
  SmallVector<Value> fixedIndex;
  Value fixedValid;
};

/// Precomputes the fixed part from the coordinates of `fixedDims`.
OperandAddress addressFixedPart(KernelBuilder &kb, const Access &access,
                                ArrayRef<unsigned> fixedDims,
                                const Coordinates &coords);

/// Completes the address with the coordinates of `movingDims`: returns the
/// element offset into the flat view (clamped to 0 when invalid) and sets
/// `valid` (fixedValid and the windows).
Value addressMovingPart(KernelBuilder &kb, const Access &access,
                        const OperandAddress &fixed,
                        ArrayRef<unsigned> movingDims,
                        const Coordinates &coords, Value extraValid,
                        Value &valid);

/// The kernel family name of a contraction ("gemm", "conv_fprop"...).
std::string classifyFamily(const GemmProblem &problem);

//===----------------------------------------------------------------------===//
// Mainloop (Mainloop.cpp)
//===----------------------------------------------------------------------===//

/// One operand's tile in shared memory: `rows` x `cols` 2-byte elements per
/// stage, rows of 16-byte chunks XOR-swizzled so that ldmatrix and cp.async
/// are bank-conflict free.
struct SmemTile {
  int64_t rows = 0, cols = 0;
  int64_t base = 0;       // elements from the start of dynamic shared memory
  int64_t stageElems = 0; // elements per stage
  /// Element offset within a stage of (row, 8-element chunk).
  Value offset(KernelBuilder &kb, Value row, Value chunk) const;
};

/// How an operand is staged: which GEMM index its smem rows follow, the
/// copy width, and the flattening order its loads need.
struct OperandLayout {
  /// Shared-memory rows follow the reduction index (rows = K, cols = M or
  /// N) instead of M or N (rows = M or N, cols = K).
  bool rowsAreK = false;
  /// Elements per copy: 8, 4 or 2 (cp.async of 16, 8, 4 bytes), or 1 (a
  /// synchronous 2-byte copy). For f32 sources, f32 elements per load.
  int64_t vec = 1;
};

/// Inputs of the mainloop.
struct MainloopConfig {
  MMATileConfig tile;
  OperandLayout aLayout, bLayout;
  SmemTile aSmem, bSmem;
  int64_t smemBytes = 0;
};

/// Chooses layouts, copy widths and the shared-memory plan. May reorder the
/// problem's M, N and K loops (the flattening order) so that the contiguous
/// loops are innermost.
MainloopConfig planMainloop(GemmProblem &problem, const MMATileConfig &tile);

/// Per-thread state of the kernel body shared by mainloop and epilogue.
struct BlockContext {
  Value tid, lane, warp, warpM, warpN; // i32
  Value tileM0, tileN0;                // i32, first row/column of the tile
  Coordinates batchCoords;             // batch loop coordinates
  Value smemBytes;                     // memref<?xi8, workgroup>
};

/// Emits the pipelined mainloop over reduction tiles [kTileBegin,
/// kTileBegin + numKTiles) and returns the accumulators, indexed
/// [mi * (WN / 8) + ni], each a vector<2x2xf32>.
SmallVector<Value> emitMainloop(KernelBuilder &kb, const GemmProblem &problem,
                                const MainloopConfig &config,
                                const BlockContext &ctx, Value aFlat,
                                Value bFlat, Value kTileBegin, Value numKTiles);

//===----------------------------------------------------------------------===//
// Epilogue (Epilogue.cpp)
//===----------------------------------------------------------------------===//

/// Flat views of everything the epilogue reads and writes.
struct EpilogueBuffers {
  SmallVector<Value> argFlat;    // per generic block argument (Load)
  SmallVector<Value> outputFlat; // per generic result
  Value cFlat;                   // the contraction's buffer
};

/// Emits the epilogue for 8 consecutive columns n0..n0+7 of row m, with
/// batch coordinates in `batchCoords`: `acc` holds 8 f32 sums (without the
/// old accumulator). Tests m < M and n < N unless the caller knows them.
void emitEpilogueGroup(KernelBuilder &kb, const GemmProblem &problem,
                       const EpilogueBuffers &buffers,
                       const Coordinates &batchCoords, Value m, Value n0,
                       ArrayRef<Value> acc, bool mInBounds, bool nInBounds);

/// Stages the accumulators through shared memory, 16 rows per warp at a
/// time, and runs emitEpilogueGroup on groups of 8 columns. `storeGroup`
/// replaces emitEpilogueGroup when set (split-K partial sums).
void emitStagedEpilogue(
    KernelBuilder &kb, const GemmProblem &problem, const MMATileConfig &tile,
    const BlockContext &ctx, ArrayRef<Value> acc,
    function_ref<void(Value m, Value n0, ArrayRef<Value> values)> storeGroup);

/// Shared-memory bytes the staged epilogue needs.
int64_t epilogueSmemBytes(const MMATileConfig &tile);

//===----------------------------------------------------------------------===//
// Families
//===----------------------------------------------------------------------===//

/// Gemm.cpp: builds the kernel(s) and launches of a matched problem (any
/// tensor-core family; split-K through SplitK.cpp) before `anchor`.
LogicalResult emitTensorCoreGemm(RewriterBase &rewriter, GemmProblem &problem,
                                 gpu::GPUModuleOp kernels,
                                 const MMAOptions &options);

/// SplitK.cpp: the split-K variant: a host-level workspace, the partial
/// GEMM kernel and the deterministic reduce kernel with the epilogue.
LogicalResult emitSplitKGemm(RewriterBase &rewriter, GemmProblem &problem,
                             gpu::GPUModuleOp kernels,
                             const KernelChoice &choice,
                             const MMAOptions &options);

/// SplitK.cpp: the deterministic reduce kernel of `splits` partial sums in
/// `workspace` ([batch][split][m][n padded to 8], f32), with the epilogue.
/// Launch it with ceil(batch * m * nPadded / 8 / threads) blocks.
gpu::GPUFuncOp buildReduceKernel(OpBuilder &b, Location loc,
                                 GemmProblem &problem, gpu::GPUModuleOp kernels,
                                 int64_t splits, Value workspace,
                                 OperandList &operands, int64_t threads);

/// The body of the tensor-core GEMM kernel shared by Gemm.cpp and
/// SplitK.cpp: `splits` > 1 makes blockIdx.z cover batch x split and write
/// partial sums to the last operand (the workspace).
gpu::GPUFuncOp buildTensorCoreKernel(OpBuilder &b, Location loc,
                                     GemmProblem &problem,
                                     gpu::GPUModuleOp kernels,
                                     const KernelChoice &choice,
                                     const MainloopConfig &config,
                                     OperandList &operands, Value workspace);

/// Epilogue buffers as kernel operands (adds them to `operands`).
void addEpilogueOperands(const GemmProblem &problem, OperandList &operands);
/// Flat views of the epilogue buffers inside a kernel.
EpilogueBuffers epilogueBuffers(OpBuilder &b, Location loc,
                                const GemmProblem &problem,
                                const OperandList &operands,
                                gpu::GPUFuncOp func);

/// SimtGemm.cpp: the f32 x f32 -> f32 family.
LogicalResult emitSimtGemm(RewriterBase &rewriter, GemmProblem &problem,
                           gpu::GPUModuleOp kernels, const MMAOptions &options);

/// Erases the absorbed ops and dead allocations of a lowered group.
void eraseAbsorbed(RewriterBase &rewriter, GemmProblem &problem);

} // namespace mlir::mpt::mma

#endif // MPT_LIB_CONVERSION_CONTRACTIONTOMMA_INTERNAL_H
