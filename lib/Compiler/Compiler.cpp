//===- Compiler.cpp - FP32 training graph to an mpt artifact --------------===//

#include "mpt/Compiler/Compiler.h"

#include "mpt-runtime/Artifact.h"
#include "mpt-runtime/LaunchPlan.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/Pass/PassManager.h"

#include <sstream>

using namespace mlir;
using namespace mlir::mpt;
namespace rt = ::mpt::rt;

SmallVector<std::pair<std::string, std::string>>
CompileOptions::describe() const {
  auto number = [](double v) {
    std::ostringstream os;
    os << v;
    return os.str();
  };
  SmallVector<std::pair<std::string, std::string>> out = {
      {"target", target}, {"precision", precision}};
  if (target == "cuda")
    out.push_back({"sm", std::to_string(sm)});
  else
    out.push_back({"cpu", cpu});
  if (!cpuFeatures.empty())
    out.push_back({"cpu-features", cpuFeatures});
  if (dataParallel) {
    out.push_back({"data-parallel", "true"});
    out.push_back({"reduce", reduce});
    out.push_back({"comm-precision", commPrecision});
    out.push_back({"bucket-bytes", std::to_string(bucketBytes)});
  }
  if (accumulate != 1)
    out.push_back({"accumulate", std::to_string(accumulate)});
  if (target == "cpu" && parallelMinWork != 32768)
    out.push_back({"parallel-min-work", std::to_string(parallelMinWork)});
  if (target == "cpu" && !fuseElementwise)
    out.push_back({"fuse-elementwise", "false"});
  if (target == "cpu") {
    out.push_back({"fma-matmuls", fma});
    out.push_back({"vector-bits", std::to_string(vectorBits)});
  }
  if (target == "cpu" && !registerTileMatmuls)
    out.push_back({"register-tile-matmuls", "false"});
  if (target == "cpu" && reductionLanes != 8)
    out.push_back({"reduction-lanes", std::to_string(reductionLanes)});
  if (target == "cpu" && !reuseTemporaries)
    out.push_back({"reuse-temporaries", "false"});
  if (precision == "f32")
    return out;
  std::optional<LowPrecision> low = symbolizeLowPrecision(precision);
  std::optional<LossScaleMode> requested = symbolizeLossScaleMode(lossScale);
  LossScaleMode mode = low && requested
                           ? resolveLossScaleMode(*low, *requested)
                           : requested.value_or(LossScaleMode::Auto);
  out.push_back({"loss-scale", stringifyLossScaleMode(mode).str()});
  if (mode != LossScaleMode::None) {
    out.push_back({"init-scale", number(initScale)});
    if (mode == LossScaleMode::Dynamic) {
      out.push_back({"growth-factor", number(growthFactor)});
      out.push_back({"backoff-factor", number(backoffFactor)});
      out.push_back({"growth-interval", std::to_string(growthInterval)});
      out.push_back({"hysteresis", std::to_string(hysteresis)});
      out.push_back({"min-scale", number(minScale)});
      out.push_back({"max-scale", number(maxScale)});
    }
    out.push_back({"overflow-check", overflowCheck});
  }
  out.push_back({"keep-working-copy", keepWorkingCopy ? "true" : "false"});
  out.push_back({"fp32-masters", fp32Masters ? "true" : "false"});
  out.push_back({"fuse", fuse ? "true" : "false"});
  if (fuse && fusedFp32Bias)
    out.push_back({"fused-fp32-bias", "true"});
  return out;
}

/// The data-parallel options of `options` as pipeline options; fails with
/// a diagnostic on a value the passes do not know.
static LogicalResult setDataParallelOptions(ModuleOp module,
                                            const CompileOptions &options,
                                            MixedPrecisionOptions &mp) {
  std::optional<ReduceKind> reduce = symbolizeReduceKind(options.reduce);
  if (!reduce)
    return module.emitError()
           << "--reduce must be mean or sum, got '" << options.reduce << "'";
  if (options.commPrecision != "f32" && options.commPrecision != "native")
    return module.emitError() << "--comm-precision must be f32 or native, got '"
                              << options.commPrecision << "'";
  if (options.accumulate < 1)
    return module.emitError()
           << "--accumulate must be at least 1, got " << options.accumulate;
  if (options.bucketBytes < 1)
    return module.emitError()
           << "--bucket-bytes must be positive, got " << options.bucketBytes;
  mp.dataParallel = options.dataParallel;
  mp.reduce = *reduce;
  mp.commPrecision = options.commPrecision;
  mp.bucketBytes = options.bucketBytes;
  mp.accumulate = options.accumulate;
  return success();
}

LogicalResult mlir::mpt::applyMixedPrecision(ModuleOp module,
                                             const CompileOptions &options) {
  if (options.precision == "f32") {
    mlir::mpt::MixedPrecisionOptions mp;
    if (failed(setDataParallelOptions(module, options, mp)))
      return failure();
    PassManager pm(module.getContext());
    buildDataParallelPasses(pm, mp);
    return pm.run(module);
  }
  std::optional<LowPrecision> low = symbolizeLowPrecision(options.precision);
  if (!low)
    return module.emitError() << "precision must be f32, f16 or bf16, got '"
                              << options.precision << "'";
  std::optional<LossScaleMode> mode = symbolizeLossScaleMode(options.lossScale);
  if (!mode)
    return module.emitError()
           << "loss-scale mode must be auto, dynamic, static or none, got '"
           << options.lossScale << "'";
  mlir::mpt::MixedPrecisionOptions mp;
  mp.precision = *low;
  mp.lossScale = *mode;
  mp.initScale = options.initScale;
  mp.growthFactor = options.growthFactor;
  mp.backoffFactor = options.backoffFactor;
  mp.growthInterval = options.growthInterval;
  mp.hysteresis = options.hysteresis;
  mp.minScale = options.minScale;
  mp.maxScale = options.maxScale;
  std::optional<OverflowCheck> check =
      symbolizeOverflowCheck(options.overflowCheck);
  if (!check)
    return module.emitError()
           << "overflow-check must be auto, inf or f16, got '"
           << options.overflowCheck << "'";
  mp.overflowCheck = *check;
  mp.keepWorkingCopy = options.keepWorkingCopy;
  mp.fp32Masters = options.fp32Masters;
  mp.fuse = options.fuse;
  mp.fusedFp32Bias = options.fusedFp32Bias;
  mp.report = options.autocastReport;
  mp.fusionReport = options.fusionReport;
  mp.summary = options.remarks;
  if (failed(setDataParallelOptions(module, options, mp)))
    return failure();
  PassManager pm(module.getContext());
  mlir::mpt::buildMixedPrecisionPipeline(pm, mp);
  return pm.run(module);
}

/// Target "cuda": kernels, the launch plan and PTX.
static LogicalResult buildCUDAArtifact(ModuleOp module,
                                       const CompileOptions &options,
                                       rt::ArtifactContents &artifact) {
  LowerToCUDAOptions cuda;
  cuda.sm = options.sm;
  PassManager kernels(module.getContext());
  buildCUDAKernelsPipeline(kernels, cuda);
  if (failed(kernels.run(module)))
    return failure();
  FailureOr<rt::LaunchPlan> plan = buildLaunchPlan(
      module, artifact.manifest, options.sm, artifact.deviceConstants);
  if (failed(plan))
    return failure();
  PassManager ptx(module.getContext());
  buildGPUToPTXPipeline(ptx, cuda);
  if (failed(ptx.run(module)))
    return failure();
  FailureOr<std::string> text = extractPTX(module);
  if (failed(text))
    return failure();
  artifact.ptx = std::move(*text);
  artifact.launchPlan = std::move(*plan);
  return success();
}

/// The summary of a cuda artifact.
static void summarize(const rt::ArtifactContents &artifact,
                      CompileSummary &summary) {
  const rt::LaunchPlan &plan = *artifact.launchPlan;
  summary.kernels = plan.kernels.size();
  summary.ptxBytes = artifact.ptx.size();
  summary.constantBytes = artifact.deviceConstants.size();
  summary.arenaBytes = plan.arenaBytes;
  for (const rt::FunctionPlan &f : plan.functions) {
    CompileSummary::Function s;
    s.name = f.name;
    s.arenaBytes = f.arenaBytes;
    for (const rt::PlanStep &step : f.steps)
      (step.kind == rt::PlanStep::Kind::Launch ? s.launches : s.copies)++;
    summary.functions.push_back(std::move(s));
  }
}

LogicalResult mlir::mpt::compileToArtifact(ModuleOp module,
                                           const CompileOptions &requested,
                                           StringRef outputPath,
                                           CompileSummary *summary) {
  CompileOptions options = requested;
  if (options.target != "cpu" && options.target != "cuda")
    return module.emitError() << "unknown target '" << options.target
                              << "'; use --target=cpu or --target=cuda";
  if (options.target == "cuda" && options.sm != 80 && options.sm != 90)
    return module.emitError() << "--sm=" << options.sm
                              << " is not supported; use --sm=80 (A100 and "
                                 "later) or --sm=90 (H100/H200)";
  if (options.target == "cuda" && options.dataParallel)
    return module.emitError()
           << "--data-parallel is supported for --target=cpu only: the "
              "CUDA lowering has no mpt.all_reduce yet";
  if (options.target == "cpu" &&
      failed(resolveTarget(options, module.getLoc())))
    return failure();
  if (failed(mlir::mpt::applyMixedPrecision(module, options)))
    return failure();
  rt::ArtifactContents artifact;
  if (failed(mlir::mpt::extractManifest(module, options, artifact.manifest)))
    return failure();
  if (options.target == "cuda") {
    if (failed(buildCUDAArtifact(module, options, artifact)))
      return failure();
    if (summary)
      summarize(artifact, *summary);
  } else {
    FailureOr<std::string> so =
        mlir::mpt::buildNativeSharedObject(module, artifact.manifest, options);
    if (failed(so))
      return failure();
    artifact.nativeSharedObject = std::move(*so);
  }
  rt::Status status = rt::writeArtifactFile(outputPath.str(), artifact);
  if (status.failed())
    return module.emitError()
           << "cannot write the artifact: " << status.message();
  return success();
}
