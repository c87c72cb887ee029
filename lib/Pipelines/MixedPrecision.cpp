//===- MixedPrecision.cpp - the mpt-mixed-precision pipeline --------------===//

#include "mpt/Dialect/MPT/Transforms/Passes.h"
#include "mpt/Pipelines/Pipelines.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

mpt::LossScaleMode mpt::resolveLossScaleMode(LowPrecision precision,
                                             LossScaleMode mode) {
  if (mode != LossScaleMode::Auto)
    return mode;
  return precision == LowPrecision::F16 ? LossScaleMode::Dynamic
                                        : LossScaleMode::None;
}

void mpt::buildMixedPrecisionPipeline(OpPassManager &pm,
                                      const MixedPrecisionOptions &options) {
  // Inference BatchNorm folds into its convolution while the weights are
  // still FP32, so the scaled filter is what autocast casts, and the
  // fusion below then sees conv + bias (+ ReLU).
  if (options.fuse)
    pm.addNestedPass<func::FuncOp>(createMPTFoldBatchNorm());

  MPTAutocastOptions autocast;
  autocast.precision = options.precision;
  autocast.report = options.report;
  autocast.emitSummary = options.summary;
  pm.addPass(createMPTAutocast(autocast));

  // Fusion before master weights: a fused bias reads the low-precision copy
  // the unfused add read (master weights then makes it the working copy),
  // or with fused-fp32-bias the FP32 master, which then needs no copy.
  if (options.fuse) {
    MPTFuseConvBiasReluOptions fusion;
    fusion.report = options.fusionReport;
    fusion.fp32Bias = options.fusedFp32Bias;
    pm.addNestedPass<func::FuncOp>(createMPTFuseConvBiasRelu(fusion));
  }

  MPTMasterWeightsOptions masters;
  masters.keepWorkingCopy = options.keepWorkingCopy;
  masters.fp32Masters = options.fp32Masters;
  masters.precision = options.precision == LowPrecision::BF16
                          ? StoragePrecision::BF16
                          : StoragePrecision::F16;
  pm.addPass(createMPTMasterWeights(masters));

  MPTLossScalingOptions scaling;
  scaling.mode = resolveLossScaleMode(options.precision, options.lossScale);
  scaling.initScale = options.initScale;
  scaling.growthFactor = options.growthFactor;
  scaling.backoffFactor = options.backoffFactor;
  scaling.growthInterval = options.growthInterval;
  scaling.hysteresis = options.hysteresis;
  scaling.minScale = options.minScale;
  scaling.maxScale = options.maxScale;
  scaling.overflowCheck = options.overflowCheck;
  pm.addPass(createMPTLossScaling(scaling));
  buildDataParallelPasses(pm, options);

  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
}

void mpt::buildDataParallelPasses(OpPassManager &pm,
                                  const MixedPrecisionOptions &options) {
  if (options.accumulate != 1) {
    MPTAccumulateGradientsOptions accumulate;
    accumulate.microBatches = options.accumulate;
    pm.addNestedPass<func::FuncOp>(createMPTAccumulateGradients(accumulate));
  }
  if (options.dataParallel) {
    MPTDataParallelOptions dp;
    dp.reduce = options.reduce;
    dp.commPrecision = options.commPrecision;
    dp.bucketBytes = options.bucketBytes;
    pm.addPass(createMPTDataParallel(dp));
  }
}

void mpt::registerMixedPrecisionPipeline() {
  PassPipelineRegistration<MixedPrecisionOptions>(
      "mpt-mixed-precision",
      "FP32 training step to mixed precision: autocast, master weights, loss "
      "scaling, conv/matmul-bias-ReLU fusion, cleanup",
      buildMixedPrecisionPipeline);
}
