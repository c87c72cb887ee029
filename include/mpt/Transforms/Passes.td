//===- Passes.td - passes of the lowering pipelines --------*- tablegen -*-===//
//
// Passes the lowering pipelines run that are neither mixed-precision rewrites
// (include/mpt/Dialect/MPT/Transforms) nor dialect conversions
// (include/mpt/Conversion): getting a step's signature ready for native entry
// points, and keeping the native code free of MLIR's runtime libraries.
//
//===----------------------------------------------------------------------===//

#ifndef MPT_TRANSFORMS_PASSES_TD
#define MPT_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def MPTPrepareEntryPoints
    : Pass<"mpt-prepare-entry-points", "::mlir::ModuleOp"> {
  let summary = "Gets public functions ready to be called as native entry "
                "points";
  let description = [{
    Runs once the signature table has been read off a training step, before
    bufferization:

    * drops every `mpt.*` argument and result attribute of every function
      (nothing after this point reads them, and tools without the mpt
      dialect can then parse the module);
    * marks every tensor argument of a public function with a body
      `bufferization.writable = false`: the caller's buffers (parameters,
      state, batches) are never written in place, so a step that inserts
      into an argument, or an evaluation step, cannot corrupt the training
      state the runtime keeps;
    * with `c-interface` (the default), marks public functions with a body
      `llvm.emit_c_interface`, so the LLVM lowering emits the
      `_mlir_ciface_<name>` wrappers that take memref descriptors by pointer.
  }];
  let dependentDialects = ["::mlir::bufferization::BufferizationDialect",
                           "::mlir::LLVM::LLVMDialect"];
  let options = [
    Option<"cInterface", "c-interface", "bool", "true",
           "Mark public functions llvm.emit_c_interface">
  ];
}

def MPTWidenContractionOperands
    : Pass<"mpt-widen-contraction-operands", "::mlir::func::FuncOp"> {
  let summary = "Widens the f16/bf16 inputs that linalg reductions read many "
                "times to f32 once, before the op";
  let description = [{
    Runs on tensors, before bufferization. A linalg op with a reduction
    loop (a matmul, a convolution, their gradients) whose f16 or bf16 input
    is read more than once per element (its indexing map leaves out at
    least one loop) and whose body uses that input only through
    `arith.extf` to f32 reads instead an f32 copy of it, made by one
    elementwise `linalg.generic` of `arith.extf` before the op (one copy
    per value, shared by all the ops that read it). Named ops are
    generalized first.

    The op computes exactly what it computed before: `extf` is exact, and
    the body receives the same f32 value, so results are bit for bit the
    same. What changes is the code: an f16 element that the vectorized
    inner loop broadcasts (a convolution's input pixel, a matmul's left
    operand) was widened one at a time inside the innermost loop, which the
    x86 backend does with `vpinsrw` into the vector register that holds the
    accumulator, a false dependency that serialised every broadcast behind
    the previous vector addition; the copy is one vector pass
    (`vcvtph2ps` on whole vectors) over data the op then reads many times.
    Inputs read once per element (the operand of an elementwise op or of a
    plain sum) are left alone: a copy would only add a pass over memory.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::linalg::LinalgDialect",
                           "::mlir::tensor::TensorDialect"];
  let statistics = [
    Statistic<"numWidened", "widened-inputs",
              "Inputs of reductions that now read an f32 copy">,
  ];
}

def MPTFuseElementwise
    : Pass<"mpt-fuse-elementwise", "::mlir::func::FuncOp"> {
  let summary = "Fuses producer -> consumer chains of elementwise linalg ops "
                "on tensors, without recomputing anything";
  let description = [{
    Runs on tensors, before bufferization. A `linalg.generic` whose loops
    are all parallel (an elementwise op, broadcasts included) and whose
    results have exactly one use is fused into the `linalg.generic` that
    uses it when that consumer reads each of its elements exactly once (the
    consumer's indexing map for it is a permutation of the consumer's
    loops): the producer's body is inlined into the consumer's and the
    producer's tensor is no longer made. The consumer may be elementwise or
    a reduction that reads the value once per element (a bias gradient's
    sum over the batch, a softmax's sum), never a contraction that reads it
    many times (a matmul's or a convolution's operand), so no scalar is
    computed more often than before. A producer with two users is left
    alone. After lowering to loops, a chain of elementwise ops is one loop
    nest, one pass over memory and no intermediate buffers.

    Uses linalg's elementwise-op fusion patterns
    (`populateElementwiseOpsFusionPatterns`) with that control; they also
    fold a `linalg.fill` or a splat constant read by a generic into a
    scalar in its body, give a generic that does not read its `outs` a
    `tensor.empty` there, and drop unused and duplicate operands. The
    reshape-propagation patterns of `linalg-fuse-elementwise-ops` are not
    used.

    The results keep their bits: every scalar op runs on the same operands
    as before, and each f16/bf16 value is rounded where it was (`truncf`
    and `extf` in the bodies are untouched; `mpt-keep-roundings` keeps the
    f16/bf16 emulation from merging roundings later).
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect",
                           "::mlir::tensor::TensorDialect"];
  let statistics = [
    Statistic<"numFused", "fused-producers",
              "Producers fused into their one consumer">,
  ];
}

def MPTKeepRoundings : Pass<"mpt-keep-roundings"> {
  let summary = "Keeps every rounding of emulated f16/bf16 arithmetic: drops "
                "the `contract` flag of arith.extf and arith.truncf";
  let description = [{
    `arith-emulate-unsupported-floats` computes each f16/bf16 op in f32
    between an `arith.extf` of its operands and an `arith.truncf` of its
    result, and marks both conversions `fastmath<contract>`. arith's folder
    then replaces `extf(truncf(x))` by `x` when both carry `contract`
    (any later greedy rewrite applies it), so in a body of two chained
    f16 ops (`(a * b) + c`) the product reached the addition unrounded:
    one rounding for the two ops instead of one per op. Run right after
    the emulation, this pass removes `contract` from every `arith.extf`
    and `arith.truncf`, so every f16/bf16 op rounds its result as the
    emulation's contract says, whatever ops elementwise fusion put in the
    same body. A fast-math flag only permits a rewrite; dropping it never
    changes what the program means. It runs on any op (a function on the
    CPU path, the kernels' `gpu.module` on the CUDA path).
  }];
  let statistics = [
    Statistic<"numCleared", "cleared-flags",
              "Conversions that lost their contract flag">,
  ];
}

def MPTVectorizableTanh : Pass<"mpt-vectorizable-tanh"> {
  let summary = "Computes f32 math.tanh with arithmetic that LLVM vectorizes, "
                "in f64, rounded once";
  let description = [{
    Lowered as it comes, `math.tanh` on f32 is a call of the C library's
    `tanhf` for every element, which no loop vectorizer can turn into
    vector code: in a GELU (tanh approximation) training step they took
    40% of the CPU time. This pass replaces each scalar f32 `math.tanh`
    by arithmetic on its operand widened to f64:

    * |x| < 2^-5: the odd Taylor polynomial to x^9 (its next term is below
      1e-17 relative);
    * otherwise, with a = min(|x|, 9.1) (tanh rounds to 1 in f32 from
      9.01 on): E = exp(2a) as a degree-11 Taylor polynomial of 2a/64,
      squared 6 times, and (E - 1) / (E + 1);

    then a single rounding to f32 and the sign of x (`math.copysign`, so
    -0.0 stays -0.0 and NaN stays NaN). The f64 value is within 1e-12
    relative of tanh(x), so the f32 result is tanh(x) correctly rounded
    except within 1e-12 of a rounding tie (at most 0.5 + 2e-5 ulp). The same
    scalar and vector code runs on every element, with no fused
    multiply-add the target could form differently, so the bits do not
    depend on vectorization or on the thread count. f16/bf16 tanh, widened
    to f32 first by `math-extend-to-supported-types`, is rounded once more
    to its type.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::math::MathDialect"];
}

def MPTFmaMatmuls : Pass<"mpt-fma-matmuls"> {
  let summary = "Computes f32 matmuls with fused multiply-adds: one rounding "
                "per product and sum";
  let description = [{
    Rewrites the body `out + a * b` (f32, no fast-math flags) of every
    matmul-shaped linalg op into `math.fma(a, b, out)`: each step of the
    sum is rounded once instead of twice, as in the GEMM kernels of MKL,
    oneDNN and cuBLAS (and tensor cores). Matmul-shaped means one reduction
    loop, two inputs that both read it, each input missing some output
    dimension (a matmul, a matmul with a transposed operand, a batched
    matmul), and an output over every parallel loop; row dot products
    (`sum_k x[i, k] * y[i, k]`), full reductions and convolutions keep
    their separate roundings. The sum order does not change: every output
    element still takes its products in k order, so the results do not
    depend on tiling, vectorization or the thread count. Products of
    widened f16 or bf16 values are exact in f32, so for them the fused and
    the separate forms give the same bits (except a bf16 product below
    f32's normal range, 2^-126, which only the fused form keeps exactly).
    `mpt-compile --fma` turns this on where the target CPU has FMA
    instructions (elsewhere `math.fma` becomes a call of `fmaf`).

    ```mlir
    ^bb0(%a: f32, %b: f32, %out: f32):
      %0 = math.fma %a, %b, %out : f32
      linalg.yield %0 : f32
    ```
  }];
  let statistics = [
    Statistic<"numFused", "num-fused", "Matmul bodies made fused multiply-adds">,
  ];
  let dependentDialects = ["::mlir::math::MathDialect"];
}

def MPTRegisterTileMatmuls : Pass<"mpt-register-tile-matmuls"> {
  let summary = "Lowers f32 matmuls and convolutions to loops over tiles "
                "whose accumulators stay in vector registers";
  let description = [{
    After `mpt-vectorizable-loop-order`, a matmul's loops are (i, k, j)
    with j innermost and vectorized: every product loads and stores a
    vector of the output. This pass (on buffers, before the loops are
    made) lowers an f32 contraction whose loops are (outer parallel...,
    i, reductions..., j), C[outer..., i, j] += A[...] * B[..., j] (B
    contiguous in j and not reading i, A not reading j, C contiguous in j,
    j a multiple of 8, body `out + a * b` or `math.fma(a, b, out)` from
    `mpt-fma-matmuls`) to tiles whose accumulators stay in registers: a
    matmul (A read as [i, k] or [k, i]), a batched matmul, a convolution
    (loops n, oh, ow, kh, kw, c, f: rows ow, columns f, A the input read
    at oh + kh, ow + kw) and its data and weight gradients. The outer
    loops stay loops; tiles are R rows of i by 2 x L columns of j, L being
    the lanes of a vector (`lanes`: 8 for AVX2, 16 for AVX-512) and R 4
    for 8 lanes, 8 for 16 (one vector of L columns where j is not a
    multiple of 2 x L; 8 lanes where j is not a multiple of L; the rows
    past the last full tile in a tile of 4, then one at a time): the
    tile's accumulators (`vector<Lxf32>`) are loaded once, carried through
    all the reduction loops, in their order, as `scf.for` iteration
    values, and stored once; at each point of the reductions, two vectors
    of B and R elements of A are loaded for 2 x R multiply-adds. Every
    output element still receives the products in the op's order, rounded
    as the body says (a multiplication and an addition, or one fused
    multiply-add), so the bits are those of the loop nest it replaces, for
    any lanes. `mpt-split-parallel-ops` lowers the ops it gives a range of
    their first loop the same way, so their tiles run on the runtime's
    threads.
  }];
  let options = [
    Option<"lanes", "lanes", "int64_t", "8",
           "f32 lanes of a vector register (8: AVX2, 16: AVX-512)">,
  ];
  let dependentDialects = ["::mlir::affine::AffineDialect",
                           "::mlir::arith::ArithDialect",
                           "::mlir::memref::MemRefDialect",
                           "::mlir::scf::SCFDialect",
                           "::mlir::vector::VectorDialect"];
}

def MPTStridedCopiesToLoops
    : Pass<"mpt-strided-copies-to-loops", "::mlir::func::FuncOp"> {
  let summary = "Turns memref.copy between non-contiguous buffers into "
                "linalg.copy";
  let description = [{
    The LLVM lowering of a `memref.copy` between buffers that are not both
    statically shaped and contiguous calls `memrefCopy` from MLIR's
    runner-utils library, which native code that runs without LLVM cannot
    depend on. Such copies become `linalg.copy`, which turns into loops;
    contiguous copies stay `memref.copy` (a `memcpy`).
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect"];
}

def MPTLowerCollectives : Pass<"mpt-lower-collectives", "::mlir::ModuleOp"> {
  let summary = "Turns mpt.all_reduce on buffers into calls of the runtime's "
                "collective";
  let description = [{
    Runs after bufferization. Every `mpt.all_reduce` on buffers becomes a
    call of the external function

    ```c
    void mpt_rt_all_reduce(int64_t count, int64_t pointers, int64_t sizes,
                           int32_t dtype, int32_t kind, int32_t fp32Accumulate);
    ```

    with the addresses and element counts of its buffers in two stack
    arrays, `dtype` 0 (f32), 1 (f16) or 2 (bf16) and `kind` 0 (sum) or 1
    (mean). The native code's entry points define it (mpt-compile
    generates it): it calls the collective the runtime installed with
    `mpt_set_collective`, and a failure ends the step with an error code.
  }];
  let dependentDialects = ["::mlir::func::FuncDialect",
                           "::mlir::memref::MemRefDialect",
                           "::mlir::arith::ArithDialect"];
}

def MPTVectorizableLoopOrder
    : Pass<"mpt-vectorizable-loop-order", "::mlir::func::FuncOp"> {
  let summary = "Orders the loops of linalg reductions so that the innermost "
                "loop is a parallel, contiguous dimension";
  let description = [{
    `convert-linalg-to-loops` nests loops in the order of an op's iterators,
    so a matmul or a convolution ends with its reduction loop: a chain of
    dependent scalar additions that LLVM cannot vectorize without
    reassociating them. This pass (on buffers, before the loops are made)
    moves one parallel dimension innermost: the one the output's last index
    is (consecutive output elements), provided every operand indexes it at
    most once and as a bare dimension, and every input that indexes it
    other than last is small enough for a transposed copy (below). The
    other parallel dimensions come first, then
    the reduction dimensions in their original order:

        matmul (i, j, k)                  ->  (i, k, j)
        conv_2d_nhwc_hwcf (n,h,w,f,kh,kw,c) -> (n,h,w,kh,kw,c,f)

    Every output element still receives its products in exactly the same
    order (the reduction dimensions keep their relative order), so results
    are bit for bit what the original order computes; the innermost loop
    now updates consecutive output elements independently and LLVM's loop
    vectorizer turns it into vector code (`vcvtph2ps` for f16 operands on
    whole vectors, shifts for bf16). Named ops are generalized first. Ops
    whose innermost loop is already such a dimension, or that have no
    reduction, are left alone.

    An input read along the new innermost loop at a stride (the filter of a
    convolution's data gradient, indexed `[kh, kw, c, f]` with `c`
    innermost) gets a transposed copy in which that index is last
    (`memref.alloc` + `linalg.transpose`, freed after the op), when it has
    at most 1/16 as many elements as the op has iterations, so the vector
    loop loads contiguous elements.

    A reduction that has no such parallel dimension (a sum to a scalar, the
    softmax's or a layer norm's sums over the innermost dimension, a
    per-channel sum over NCHW with W innermost) is summed in `lanes` lane
    partials when a reduction dimension of it is the last, contiguous index
    of every input that reads it and has at least 2 x `lanes` elements.
    With N elements along it, N = M x lanes + T, lane `l` sums the elements
    `m x lanes + l` (m = 0 .. M-1, with the op's other reduction
    dimensions in their order), starting from the identity (-0.0 for
    `addf`, -inf/+inf for `maximumf`/`minimumf`); then the output's initial
    value receives lanes 0, 1, ..., lanes-1 in that order, then the T
    remaining elements in order:

        out[i] = sum_k x[i, k]   (N = 20, lanes = 8)  ->
        p[i, l] = sum_m x[i, 8m + l]                  (m = 0, 1)
        out[i] = ((out[i] + p[i, 0]) + ... + p[i, 7]) + x[i, 16] + ... + x[i, 19]

    The partials' innermost loop is parallel and contiguous, so LLVM
    vectorizes it. The order is fixed by the op and `lanes` alone (not by
    the host's vector width or the thread count); it differs from the
    op's sequential order, so a sum's last bits change (maximum and minimum
    do not depend on the order). The combiner must be `arith.addf`,
    `arith.maximumf` or `arith.minimumf` of the output's block argument,
    and the body must not read `linalg.index`. `lanes = 0` leaves these
    reductions scalar.
  }];
  let options = [
    Option<"lanes", "lanes", "int64_t", "8",
           "Sum reductions without a vectorizable output dimension in this "
           "many lane partials (0: sequential scalar loops)">,
  ];
  let statistics = [
    Statistic<"numReordered", "reordered-ops",
              "Reductions given a parallel innermost loop">,
    Statistic<"numLaneSplit", "lane-split-reductions",
              "Reductions summed in lane partials">,
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::linalg::LinalgDialect",
                           "::mlir::memref::MemRefDialect"];
}

def MPTOutlineLinalgOps
    : Pass<"mpt-outline-linalg-ops", "::mlir::ModuleOp"> {
  let summary = "Moves each linalg op on buffers into a private function, one "
                "per distinct op";
  let description = [{
    Runs on buffers, before the loops are made. Every linalg op (not nested
    in another linalg op) is replaced by a call to a private function
    `__mpt_opN` that holds it; its operands and the values its body uses
    from above become the function's arguments, except constants, which
    are recreated inside. Ops that are equal but for their operands share
    one function: a network's repeated blocks, at the same shapes, compile
    once.

    When no buffer the op writes overlaps another of its buffers (they are
    views of distinct allocations or distinct arguments of the caller, at
    every call), the function is marked `mpt.noalias`, which
    `mpt-noalias-arguments` turns into LLVM `noalias` after the LLVM
    lowering. The functions carry LLVM's `noinline`: LLVM optimizes many small
    functions instead of one step function of thousands of loops, whose
    analyses (scalar evolution, dominator trees) cost more than linearly in
    its size. That takes a 16-block ResNet's f16 step from minutes of LLVM
    time to seconds; a call per op costs nothing next to its loops.

    With `wide-vector-lanes` = L (16 for the 512-bit vectors of AVX-512),
    a function whose op's innermost loop runs a static multiple of L
    iterations, at least 4 x L, also carries LLVM's `prefer-vector-width`
    of L x 32 bits: LLVM's tuning of AVX-512 CPUs vectorizes loops at 256
    bits, which is right for short loops (a convolution's 8 or 16 channels
    ran 1.1-1.4x slower at 512) and slow for long ones (a GELU over 256
    columns, 1.15x faster at 512).
  }];
  let options = [
    Option<"wideVectorLanes", "wide-vector-lanes", "int64_t", "0",
           "f32 lanes of the widest vectors (16: AVX-512); 0: LLVM's "
           "preferred vector width everywhere">,
  ];
  let dependentDialects = ["::mlir::func::FuncDialect",
                           "::mlir::LLVM::LLVMDialect"];
}

def MPTI1MemoryAsBytes : Pass<"mpt-i1-memory-as-bytes", "::mlir::ModuleOp"> {
  let summary = "Loads and stores i1 values in memory as i8";
  let description = [{
    On the LLVM dialect: every scalar `llvm.load` of an i1 becomes a load of
    an i8 from the same address followed by `llvm.trunc`, and every
    `llvm.store` of an i1 stores its `llvm.zext` to i8. LLVM keeps an i1 in
    a byte of memory anyway (a memref of i1, such as the ReLU masks the
    fused ops keep for the backward pass, has a byte per element), but its
    loop vectorizer does not treat i1 loads as consecutive: it loaded a
    mask one element at a time into AVX-512 mask registers, which made the
    mask's consumer 15x slower than a vector load of 16 bytes. The bytes
    written are 0 and 1, what a store of i1 writes on x86; only the
    scalar form is rewritten (a vector of i1 in memory is bit-packed).
  }];
  let statistics = [
    Statistic<"numLoads", "num-loads", "i1 loads made i8 loads">,
    Statistic<"numStores", "num-stores", "i1 stores made i8 stores">,
  ];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect"];
}

def MPTNoAliasArguments
    : Pass<"mpt-noalias-arguments", "::mlir::ModuleOp"> {
  let summary = "LLVM noalias on the pointers of functions marked mpt.noalias";
  let description = [{
    `mpt-outline-linalg-ops` marks an outlined function `mpt.noalias` when
    no buffer it writes overlaps another of its buffers at any call. Once
    memrefs are LLVM descriptors, this pass gives every pointer argument of
    such an `llvm.func` the `noalias` attribute and drops the marker, so
    LLVM's loop vectorizer needs no runtime overlap checks (which it does
    not emit for loops of fewer than 16 iterations, such as 8 channels).
  }];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect"];
}

def MPTSplitParallelOps
    : Pass<"mpt-split-parallel-ops", "::mlir::ModuleOp"> {
  let summary = "Gives outlined linalg ops with enough work a [lo, hi) range "
                "of one parallel dimension, for threads";
  let description = [{
    Runs after `mpt-outline-linalg-ops`, on buffers. An outlined function
    whose one linalg op has at least `min-work` iterations (the product of
    its loop extents), whose body only computes, and whose written buffers
    overlap none of its other buffers (`mpt.noalias`) is lowered to loops
    here, with the loop of one dimension running over two new trailing
    `index` arguments `[lo, hi)`. Every call passes the whole range
    `(0, extent)`, and the function is marked `mpt.parallel = extent`, which
    `mpt-parallel-calls` turns into a call of the runtime's thread pool.

    The dimension is a parallel one that every output indexes exactly once,
    as the bare dimension (a batch, a row, an output channel or an output
    pixel; never a reduction dimension), so iterations with different values
    of it write different elements and read nothing another writes. Each
    element is computed by exactly the loops and the order of operations of
    the serial code, only on another thread: results are bit for bit the
    same for any thread count and any partition. Among such dimensions, the
    innermost loop (the one LLVM vectorizes) is avoided where another
    qualifies; the outermost of at least 16 iterations is taken, else the
    longest.

    ```mlir
    func.func private @__mpt_op3(%a: memref<64x64xf32>, ...,
                                 %lo: index, %hi: index)
        attributes {mpt.noalias, mpt.parallel = 64 : i64, ...} {
      scf.for %i = %lo to %hi step %c1 { ... }
    ```
  }];
  let options = [
    Option<"minWork", "min-work", "int64_t", "32768",
           "Split only ops of at least this many iterations (smaller ones "
           "cost less than waking the threads)">,
    Option<"registerTile", "register-tile", "bool", "true",
           "Lower the f32 matmuls and convolutions split along their first "
           "loop with register tiles, as mpt-register-tile-matmuls does">,
    Option<"registerTileLanes", "register-tile-lanes", "int64_t", "8",
           "f32 lanes of those tiles' vectors (8: AVX2, 16: AVX-512)">,
  ];
  let statistics = [
    Statistic<"numSplit", "num-split", "Outlined ops given a range">,
  ];
  let dependentDialects = ["::mlir::affine::AffineDialect",
                           "::mlir::arith::ArithDialect",
                           "::mlir::scf::SCFDialect",
                           "::mlir::memref::MemRefDialect",
                           "::mlir::vector::VectorDialect"];
}

def MPTParallelCalls : Pass<"mpt-parallel-calls", "::mlir::ModuleOp"> {
  let summary = "Calls the ops split by mpt-split-parallel-ops through the "
                "runtime's parallel-for hook";
  let description = [{
    Runs on the LLVM dialect, when every argument is a pointer or a scalar.
    For each function marked `mpt.parallel = n`, it generates a task

        void <name>.task(void *args, int64_t lo, int64_t hi)

    that loads the function's arguments from a struct and calls it on
    `[lo, hi)`, and replaces each call of the whole range `(0, n)` by stores
    of the arguments into such a struct (one per caller, on its stack) and
    a call of

        void mpt_rt_parallel_for(void (*task)(void *, int64_t, int64_t),
                                 void *args, int64_t n);

    The native code defines that hook (lib/Compiler/NativeCode.cpp): it runs
    `task(args, 0, n)` itself unless the runtime installed a thread pool with
    `mpt_set_parallel_for`, which runs disjoint chunks of `[0, n)` on its
    threads and returns when all are done.
  }];
  let statistics = [
    Statistic<"numParallelCalls", "num-parallel-calls",
              "Calls routed through the parallel-for hook">,
  ];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect"];
}

#endif // MPT_TRANSFORMS_PASSES_TD
