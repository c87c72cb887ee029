//===- LowerToCPU.cpp - the mpt-lower-to-cpu pipeline ---------------------===//
//
// Tensor programs with mpt ops to the LLVM dialect (docs/conversion.md):
// bufferize with identity layouts at function boundaries, results become
// out-parameters, temporaries are freed, linalg becomes loops, and f16/bf16
// arithmetic is emulated in f32 with one rounding per op (as on the GPU);
// bf16 conversions are expanded to integer code because neither libgcc nor
// compiler-rt provides __truncsfbf2.
//
//===----------------------------------------------------------------------===//

#include "mpt/Conversion/Passes.h"
#include "mpt/Pipelines/Pipelines.h"
#include "mpt/Transforms/Passes.h"

#include "mlir/Conversion/Passes.h"
#include "mlir/Dialect/Arith/Transforms/Passes.h"
#include "mlir/Dialect/Bufferization/Pipelines/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

void mpt::buildLowerToCPUPipeline(OpPassManager &pm,
                                  const LowerToCPUOptions &options) {
  pm.addNestedPass<func::FuncOp>(createConvertMPTToLinalg());
  // Elementwise arith/math on whole tensors (written by hand or by other
  // frontends) becomes linalg.generic, which bufferizes.
  pm.addNestedPass<func::FuncOp>(createConvertElementwiseToLinalgPass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  // Contractions read f32 copies of the 16-bit inputs they reuse (extf is
  // exact: same bits), widened once by a vector pass instead of one element
  // at a time inside their innermost loop.
  pm.addNestedPass<func::FuncOp>(createMPTWidenContractionOperands());
  // Elementwise chains (and an elementwise producer of a sum that reads it
  // once per element) become one linalg op: one loop nest, no intermediate
  // buffers. After the widening, whose f32 copies are read many times per
  // element and so stay separate, while the producer of a value that only
  // the copy reads fuses into it.
  if (options.fuseElementwise)
    pm.addNestedPass<func::FuncOp>(createMPTFuseElementwise());

  // The runtime sees only the entry points' buffers.
  MPTPrepareEntryPointsOptions entryPoints;
  entryPoints.cInterface = options.cInterface;
  pm.addPass(createMPTPrepareEntryPoints(entryPoints));

  bufferization::OneShotBufferizePassOptions bufferize;
  bufferize.bufferizeFunctionBoundaries = true;
  // scf.for / scf.while loops whose iteration yields a new tensor (not the
  // one it was given) get a fresh buffer per iteration instead of an error.
  bufferize.allowReturnAllocsFromLoops = true;
  bufferize.functionBoundaryTypeConversion =
      bufferization::LayoutMapOption::IdentityLayoutMap;
  pm.addPass(bufferization::createOneShotBufferizePass(bufferize));
  bufferization::BufferResultsToOutParamsPassOptions outParams;
  outParams.hoistStaticAllocs = true;
  // The caller (the runtime) owns every buffer, results included.
  outParams.modifyPublicFunctions = true;
  pm.addPass(bufferization::createBufferResultsToOutParamsPass(outParams));
  // mpt.all_reduce on buffers becomes calls of the runtime's collective
  // before deallocation, which needs every op's memory effects.
  pm.addPass(createMPTLowerCollectives());
  bufferization::BufferDeallocationPipelineOptions dealloc;
  bufferization::buildBufferDeallocationPipeline(pm, dealloc);

  pm.addNestedPass<func::FuncOp>(createMPTStridedCopiesToLoops());
  // Contractions end with a parallel, unit-stride loop that LLVM vectorizes
  // (each output element still sums its products in the same order); sums
  // with no such loop are taken in lane partials, in a fixed order.
  MPTVectorizableLoopOrderOptions loopOrder;
  loopOrder.lanes = options.reductionLanes;
  pm.addNestedPass<func::FuncOp>(createMPTVectorizableLoopOrder(loopOrder));
  // Matmuls sum their products with one rounding each, like a GEMM library.
  if (options.fmaMatmuls)
    pm.addNestedPass<func::FuncOp>(createMPTFmaMatmuls());
  // One function per distinct op: LLVM compiles small functions, once.
  MPTOutlineLinalgOpsOptions outline;
  outline.wideVectorLanes = options.vectorBits == 512 ? 16 : 0;
  pm.addPass(createMPTOutlineLinalgOps(outline));
  // Ops with enough work run on [lo, hi) ranges of a parallel dimension,
  // one range per thread of the runtime's pool (mpt-parallel-calls below).
  if (options.parallelMinWork > 0) {
    MPTSplitParallelOpsOptions split;
    split.minWork = options.parallelMinWork;
    split.registerTile = options.registerTileMatmuls;
    split.registerTileLanes = options.vectorBits / 32;
    pm.addPass(createMPTSplitParallelOps(split));
  }
  // The other f32 matmuls and convolutions: accumulators in registers
  // over their reduction loops.
  if (options.registerTileMatmuls) {
    MPTRegisterTileMatmulsOptions tile;
    tile.lanes = options.vectorBits / 32;
    pm.addNestedPass<func::FuncOp>(createMPTRegisterTileMatmuls(tile));
  }
  pm.addNestedPass<func::FuncOp>(createConvertLinalgToLoopsPass());
  // Math functions on f16/bf16 compute in f32 and round once, like the
  // arithmetic below; LLVM would otherwise call conversion routines no libgcc
  // provides for bf16.
  pm.addNestedPass<func::FuncOp>(math::createMathExtendToSupportedTypes());
  // tanh (GELU) as f64 arithmetic LLVM vectorizes instead of a tanhf call
  // per element, rounded once: correctly rounded in practice.
  pm.addNestedPass<func::FuncOp>(createMPTVectorizableTanh());
  arith::ArithEmulateUnsupportedFloatsOptions emulate;
  emulate.sourceTypeStrs = {"f16", "bf16"};
  emulate.targetTypeStr = "f32";
  pm.addNestedPass<func::FuncOp>(
      arith::createArithEmulateUnsupportedFloats(emulate));
  // Every op rounds: nothing may fold the emulation's extf(truncf(x)) away.
  pm.addNestedPass<func::FuncOp>(createMPTKeepRoundings());
  arith::ArithExpandOpsPassOptions expand;
  expand.includeBf16 = true;
  pm.addNestedPass<func::FuncOp>(arith::createArithExpandOpsPass(expand));
  pm.addPass(createSCFToControlFlowPass());
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createLowerAffinePass());
  pm.addPass(createConvertVectorToLLVMPass());
  pm.addPass(createConvertMathToLLVMPass());
  pm.addPass(createConvertMathToLibmPass());
  pm.addPass(createFinalizeMemRefToLLVMConversionPass());
  pm.addPass(createArithToLLVMConversionPass());
  pm.addPass(createConvertIndexToLLVMPass());
  pm.addPass(createConvertControlFlowToLLVMPass());
  pm.addPass(createConvertFuncToLLVMPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
  pm.addPass(createMPTParallelCalls());
  pm.addPass(createMPTNoAliasArguments());
  // Masks (memrefs of i1) load as vectors of bytes.
  pm.addPass(createMPTI1MemoryAsBytes());
}

void mpt::registerLowerToCPUPipeline() {
  PassPipelineRegistration<LowerToCPUOptions>(
      "mpt-lower-to-cpu",
      "Lower a (mixed-precision) training step with mpt ops to the LLVM "
      "dialect for the CPU",
      buildLowerToCPUPipeline);
}
