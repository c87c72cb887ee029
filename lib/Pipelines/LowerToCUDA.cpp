//===- LowerToCUDA.cpp - the mpt-lower-to-cuda and mpt-gpu-to-ptx pipelines
//===//
//
// A training step to a host program of kernel launches plus PTX. The host
// half is never compiled: once every linalg op is a kernel, a host function
// is a straight line of allocations, views and launches that mpt-compile
// records as a launch plan (docs/gpu.md). The device half uses only stock
// MLIR conversions after mpt's own kernel construction.
//
//===----------------------------------------------------------------------===//

#include "mpt/Conversion/Passes.h"
#include "mpt/Pipelines/Pipelines.h"
#include "mpt/Transforms/Passes.h"

#include "mlir/Conversion/Passes.h"
#include "mlir/Dialect/Arith/Transforms/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/GPU/Transforms/Passes.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

void mpt::buildGPUToPTXPipeline(OpPassManager &pm,
                                const LowerToCUDAOptions &options) {
  OpPassManager &device = pm.nest<gpu::GPUModuleOp>();
  device.addPass(createExpandDeviceMath());
  // f16/bf16 scalar arithmetic computes in f32 and rounds after each op,
  // exactly as the CPU lowering does: mpt-keep-roundings keeps the
  // canonicalizer below from folding the rounding between two ops of one
  // fused kernel body.
  arith::ArithEmulateUnsupportedFloatsOptions emulate;
  emulate.sourceTypeStrs = {"f16", "bf16"};
  emulate.targetTypeStr = "f32";
  device.addPass(arith::createArithEmulateUnsupportedFloats(emulate));
  device.addPass(createMPTKeepRoundings());
  device.addPass(createConvertNVGPUToNVVMPass());
  device.addPass(createCanonicalizerPass());
  device.addPass(createCSEPass());
  device.addPass(createSCFToControlFlowPass());
  ConvertGpuOpsToNVVMOpsOptions nvvm;
  // One .u64 parameter per memref: the base of its allocation.
  nvvm.useBarePtrCallConv = true;
  device.addPass(createConvertGpuOpsToNVVMOps(nvvm));
  device.addPass(createReconcileUnrealizedCastsPass());

  GpuNVVMAttachTargetOptions target;
  target.moduleMatcher = kKernelModuleName;
  target.chip = "sm_" + std::to_string(options.sm);
  target.features = "+ptx80";
  target.optLevel = static_cast<unsigned>(options.optLevel);
  pm.addPass(createGpuNVVMAttachTarget(target));
  GpuModuleToBinaryPassOptions binary;
  binary.compilationTarget = "isa"; // PTX text
  pm.addPass(createGpuModuleToBinaryPass(binary));
}

void mpt::buildCUDAKernelsPipeline(OpPassManager &pm,
                                   const LowerToCUDAOptions &options) {
  pm.addNestedPass<func::FuncOp>(createConvertMPTToLinalg());
  pm.addNestedPass<func::FuncOp>(createConvertElementwiseToLinalgPass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  // Elementwise chains become one generic each (one kernel per group).
  pm.addPass(createLinalgElementwiseOpFusionPass());
  // The runtime sees only the entry points' buffers (read-only arguments);
  // the signature table has been read.
  MPTPrepareEntryPointsOptions entryPoints;
  entryPoints.cInterface = false;
  pm.addPass(createMPTPrepareEntryPoints(entryPoints));
  pm.addNestedPass<func::FuncOp>(createPrepareGPUTensors());
  pm.addPass(createCanonicalizerPass());

  bufferization::OneShotBufferizePassOptions bufferize;
  bufferize.bufferizeFunctionBoundaries = true;
  // Loops that yield fresh tensors bufferize (the outliner then reports
  // them: host control flow is not lowered to the GPU yet).
  bufferize.allowReturnAllocsFromLoops = true;
  bufferize.functionBoundaryTypeConversion =
      bufferization::LayoutMapOption::IdentityLayoutMap;
  pm.addPass(bufferization::createOneShotBufferizePass(bufferize));
  bufferization::BufferResultsToOutParamsPassOptions outParams;
  outParams.hoistStaticAllocs = true;
  outParams.modifyPublicFunctions = true;
  pm.addPass(bufferization::createBufferResultsToOutParamsPass(outParams));
  pm.addPass(createCanonicalizerPass());

  OutlineGPUKernelsOptions outline;
  outline.sm = options.sm;
  outline.tensorCores = options.tensorCores;
  pm.addPass(createOutlineGPUKernels(outline));
  pm.addPass(createDedupeGPUKernels());
  pm.addPass(createCanonicalizerPass());
}

void mpt::buildLowerToCUDAPipeline(OpPassManager &pm,
                                   const LowerToCUDAOptions &options) {
  buildCUDAKernelsPipeline(pm, options);
  buildGPUToPTXPipeline(pm, options);
}

void mpt::registerLowerToCUDAPipelines() {
  PassPipelineRegistration<LowerToCUDAOptions>(
      "mpt-gpu-to-ptx",
      "Lower the kernels of gpu.module ops to PTX (gpu.binary), without "
      "libdevice",
      buildGPUToPTXPipeline);
  PassPipelineRegistration<LowerToCUDAOptions>(
      "mpt-lower-to-cuda",
      "Lower a (mixed-precision) training step to kernel launches and PTX",
      buildLowerToCUDAPipeline);
}
