//===- Passes.td - mixed-precision passes ------------------*- tablegen -*-===//

#ifndef MPT_DIALECT_MPT_TRANSFORMS_PASSES_TD
#define MPT_DIALECT_MPT_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def MPTAutocast : Pass<"mpt-autocast", "::mlir::ModuleOp"> {
  let summary = "Rewrites FP32 training graphs to FP16/BF16 where it pays";
  let description = [{
    Puts every op with FP32 values in one of four classes — low precision
    always (contractions), FP32 always (exp, log, reductions, softmax,
    losses, optimizer ops, ...), follow the inputs (elementwise arithmetic),
    precision-transparent (data movement, ReLU, max) — and colors the graph
    as TensorFlow's auto_mixed_precision pass does: FP32 propagates forward
    through follow/transparent ops only along paths that end in an FP32 or
    follow op, follow/transparent ops between low-precision ops become low
    precision, the rest follow their inputs. Contractions take low-precision
    operands and accumulate in FP32. One `mpt.cast` per (value, type) is
    shared by all users; the public signature of each function is kept.

    Integer, index and f64 values are never touched; constants are narrowed
    only when every element stays finite. Ops the lists do not know stay
    FP32 and are reported. A JSON report (`report=<file|->`) and a one-line
    remark summarise the decisions.
  }];
  // The dialects of the default lists are loaded so that option names of
  // their ops can be checked against the registered ops.
  let dependentDialects = [
    "::mlir::mpt::MPTDialect", "::mlir::arith::ArithDialect",
    "::mlir::tensor::TensorDialect", "::mlir::linalg::LinalgDialect",
    "::mlir::math::MathDialect", "::mlir::scf::SCFDialect",
    "::mlir::cf::ControlFlowDialect", "::mlir::func::FuncDialect"
  ];
  let options = [
    Option<"precision", "precision", "::mlir::mpt::LowPrecision",
           "::mlir::mpt::LowPrecision::F16", "Low-precision type",
           [{::llvm::cl::values(
             clEnumValN(::mlir::mpt::LowPrecision::F16, "f16",
                        "IEEE binary16"),
             clEnumValN(::mlir::mpt::LowPrecision::BF16, "bf16", "bfloat16")
           )}]>,
    ListOption<"lowPrecisionOps", "low-precision-ops", "std::string",
               "Contraction op names (linalg contractions and convolutions, "
               "mpt fused ops) to move to the always-low-precision class; "
               "naming an op that is not a contraction is an error">,
    ListOption<"fp32Ops", "fp32-ops", "std::string",
               "Op names to move to the always-FP32 class">,
    ListOption<"followOps", "follow-ops", "std::string",
               "Op names to move to the follow-the-inputs class">,
    ListOption<"transparentOps", "transparent-ops", "std::string",
               "Op names to move to the precision-transparent class">,
    ListOption<"unlistedOps", "unlisted-ops", "std::string",
               "Op names to remove from every class (they stay FP32 and are "
               "reported as unknown)">,
    Option<"report", "report", "std::string", "\"\"",
           "Write the remarks as a JSON report to this file ('-' for "
           "stderr)">,
    Option<"emitSummary", "summary", "bool", "false",
           "Also print each function's summary remark as a one-line "
           "diagnostic (the remark engine shows it with "
           "--remarks-filter=mpt-autocast)">
  ];
  // Compiled out of release builds of MLIR (Debian's among them): the report
  // and the remark carry the same counts.
  let statistics = [
    Statistic<"numLowPrecisionOps", "num-low-precision-ops",
              "Ops rewritten to low precision">,
    Statistic<"numFP32Ops", "num-fp32-ops", "Float ops left in FP32">,
    Statistic<"numCasts", "num-casts", "Casts inserted">,
    Statistic<"numConstantsNarrowed", "num-constants-narrowed",
              "Constants narrowed to the low-precision type">
  ];
}

def MPTFoldBatchNorm : Pass<"mpt-fold-batchnorm", "::mlir::func::FuncOp"> {
  let summary = "Folds per-channel affine arithmetic (inference BatchNorm) "
                "into the convolution before it";
  let description = [{
    Finds `linalg.conv_2d_nhwc_hwcf` / `linalg.conv_2d_nchw_fchw` from a
    zero-filled accumulator whose result flows, through elementwise
    `linalg.generic`s and nothing else, into arithmetic that is affine in it
    with per-output-channel coefficients: `y = x * a[c] + b[c]`, spelled
    with `arith.subf` / `addf` / `mulf` / `divf` / `negf` and per-channel
    operands (1-D tensors read along the channel, or their broadcasts). This
    is inference-mode BatchNorm as exporters write it, e.g.
    `(x - mean) * (scale / sqrt(var + eps)) + bias`. The chain becomes a
    convolution with weights `w * a[c]` followed by a bias add of `b[c]`,
    which `mpt-fuse-conv-bias-relu` then fuses with a following ReLU. The
    coefficients are computed in the function from the operands, so they
    may be state (running statistics). The chain ends at a value that
    anything else reads: when that is the convolution's result (the batch
    statistics of a training step read it) nothing folds. Folding changes
    roundings as PyTorch's `fuse_conv_bn_eval` does.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::tensor::TensorDialect",
    "::mlir::linalg::LinalgDialect"
  ];
  let statistics = [
    Statistic<"numFolded", "folded",
              "Convolutions that absorbed a per-channel affine chain">
  ];
}

def MPTFuseConvBiasRelu : Pass<"mpt-fuse-conv-bias-relu", "::mlir::func::FuncOp"> {
  let summary = "Fuses conv_2d / matmul with bias and ReLU epilogues";
  let description = [{
    Rewrites `linalg.conv_2d_nhwc_hwcf` / `linalg.conv_2d_nchw_fchw` (with
    a zero-padded input, strides and dilations kept) and `linalg.matmul`,
    each from a zero-filled accumulator, followed by a per-channel bias add
    and/or a ReLU in any of its spellings, into `mpt.fused_conv2d` /
    `mpt.fused_matmul`. A following cast to a lower precision folds into the
    epilogue. The bias is read in the precision the unfused add used (as
    PyTorch's autocast and JAX's bf16 programs do); `fp32-bias` reads the
    f32 master instead. When the backward pass still reads the
    pre-activation, the fused op returns what it needs (the ReLU mask or the
    pre-activation) or fusion is declined; what any user observes never
    changes.
  }];
  let dependentDialects = [
    "::mlir::mpt::MPTDialect", "::mlir::arith::ArithDialect",
    "::mlir::tensor::TensorDialect", "::mlir::linalg::LinalgDialect"
  ];
  let options = [
    Option<"report", "report", "std::string", "\"\"",
           "Write the remarks as a JSON report to this file ('-' for "
           "stderr)">,
    Option<"fp32Bias", "fp32-bias", "bool", "false",
           "When the unfused bias add ran in low precision, read the bias "
           "from before its narrowing cast (the f32 master) instead of its "
           "f16/bf16 copy">
  ];
  let statistics = [
    Statistic<"numFused", "fused", "Contractions fused with their epilogue">,
    Statistic<"numDeclined", "declined",
              "Contractions with an epilogue that were not fused">,
    Statistic<"numAux", "aux-results",
              "Fused ops that return a ReLU mask or pre-activation">
  ];
}

def MPTMasterWeights : Pass<"mpt-master-weights", "::mlir::ModuleOp"> {
  let summary = "FP32 master weights and optimizer state, one low-precision "
                "working copy per step";
  let description = [{
    Parameters (function arguments updated by `mpt.sgd` / `mpt.adam`) stay
    FP32 masters; forward and backward read one low-precision working copy
    per step. With `keep-working-copy` the copy is an extra argument
    (`mpt.role = #mpt.role<working_copy>`,
    `mpt.name = "<param>.working_copy"`,
    `mpt.init = #mpt.init<dist = cast_of, source = "<param>">`) that the
    optimizer op writes for the next step (its `-> type` result, the cast
    fused into the update); without it the parameter's low-precision casts
    become one cast at function entry. Low-precision gradients go into the optimizer op as
    they are (it up-casts them); optimizer state stays FP32. Missing
    `mpt.role` / `mpt.name` / `mpt.updates` attributes are attached so a
    runtime binds the new signature alone.

    `fp32-masters=false` instead keeps the parameters and their optimizer
    state in the low precision itself (pure FP16/BF16 training, only for the
    master-weights comparison). Functions without optimizer ops are left
    alone; a module without any gets a warning and is unchanged.
  }];
  let dependentDialects = ["::mlir::mpt::MPTDialect"];
  let options = [
    Option<"keepWorkingCopy", "keep-working-copy", "bool", "true",
           "Carry the low-precision working copy between steps as state">,
    Option<"fp32Masters", "fp32-masters", "bool", "true",
           "Keep parameters in FP32; false keeps them in the low precision "
           "(pure FP16/BF16 training, for comparison only)">,
    Option<"report", "report", "std::string", "\"\"",
           "Write the remarks (working copies, entry casts, low-precision "
           "parameters) as a JSON report to this file ('-' for stderr)">,
    Option<"precision", "precision", "::mlir::mpt::StoragePrecision",
           "::mlir::mpt::StoragePrecision::Auto",
           "With fp32-masters=false: the low-precision type of parameters "
           "the graph does not cast",
           [{::llvm::cl::values(
             clEnumValN(::mlir::mpt::StoragePrecision::Auto, "auto",
                        "the type the function's parameters are cast to"),
             clEnumValN(::mlir::mpt::StoragePrecision::F16, "f16",
                        "IEEE binary16"),
             clEnumValN(::mlir::mpt::StoragePrecision::BF16, "bf16",
                        "bfloat16")
           )}]>
  ];
  let statistics = [
    Statistic<"numWorkingCopies", "working-copies",
              "Working-copy arguments added">,
    Statistic<"numEntryCasts", "entry-casts",
              "Parameter casts kept at function entry">,
    Statistic<"numLowPrecisionParams", "low-precision-params",
              "Parameters stored in low precision (fp32-masters=false)">
  ];
}

def MPTLossScaling : Pass<"mpt-loss-scaling", "::mlir::ModuleOp"> {
  let summary = "Loss scaling with on-device overflow checks and skipped steps";
  let description = [{
    `mpt.grad_seed` becomes the loss scale; every gradient that reaches an
    optimizer op goes through one `mpt.unscale_and_check`; the optimizer ops
    skip the step on the device when any gradient is inf or NaN; the scale
    state (scale, growth tracker, hysteresis tracker) becomes state
    arguments/results updated by `mpt.update_scale` after the step.
    GradScaler-compatible defaults.
  }];
  let dependentDialects = [
    "::mlir::mpt::MPTDialect", "::mlir::arith::ArithDialect",
    "::mlir::tensor::TensorDialect"
  ];
  let options = [
    Option<"mode", "mode", "::mlir::mpt::LossScaleMode",
           "::mlir::mpt::LossScaleMode::Auto", "How the loss is scaled",
           [{::llvm::cl::values(
             clEnumValN(::mlir::mpt::LossScaleMode::Auto, "auto",
                        "dynamic when the graph computes in f16, none "
                        "otherwise"),
             clEnumValN(::mlir::mpt::LossScaleMode::Dynamic, "dynamic",
                        "scale state updated every step"),
             clEnumValN(::mlir::mpt::LossScaleMode::Static, "static",
                        "a constant scale"),
             clEnumValN(::mlir::mpt::LossScaleMode::None, "none",
                        "no scaling")
           )}]>,
    Option<"initScale", "init-scale", "double",
           "::mlir::mpt::kDefaultInitScale",
           "Initial (dynamic) or constant (static) loss scale">,
    Option<"growthFactor", "growth-factor", "double",
           "::mlir::mpt::kDefaultGrowthFactor",
           "Scale multiplier after growth-interval clean steps">,
    Option<"backoffFactor", "backoff-factor", "double",
           "::mlir::mpt::kDefaultBackoffFactor",
           "Scale multiplier on overflow">,
    Option<"growthInterval", "growth-interval", "int64_t",
           "::mlir::mpt::kDefaultGrowthInterval",
           "Consecutive clean steps before the scale grows">,
    Option<"hysteresis", "hysteresis", "int64_t",
           "::mlir::mpt::kDefaultHysteresis",
           "Overflows tolerated before the scale backs off">,
    Option<"report", "report", "std::string", "\"\"",
           "Write the remarks (the steps scaled) as a JSON report to this "
           "file ('-' for stderr)">,
    Option<"minScale", "min-scale", "double", "0.0",
           "Lower bound of the scale (0: none)">,
    Option<"maxScale", "max-scale", "double", "0.0",
           "Upper bound of the scale (0: the largest finite f32)">,
    Option<"overflowCheck", "overflow-check", "::mlir::mpt::OverflowCheck",
           "::mlir::mpt::OverflowCheck::Auto",
           "Which scaled gradients of a step that computes in f16 count as "
           "an overflow",
           [{::llvm::cl::values(
             clEnumValN(::mlir::mpt::OverflowCheck::Auto, "auto",
                        "f16 for a step marked mpt.overflow_check = \"f16\" "
                        "(the PyTorch importer's), else inf"),
             clEnumValN(::mlir::mpt::OverflowCheck::Inf, "inf",
                        "an element that is inf or NaN"),
             clEnumValN(::mlir::mpt::OverflowCheck::F16, "f16",
                        "also one that f16 cannot hold (GradScaler's "
                        "decisions: PyTorch's autocast stores the gradients "
                        "of f16 ops in f16)")
           )}]>
  ];
  let statistics = [
    Statistic<"numScaledSteps", "scaled-steps",
              "Training steps given loss scaling">,
    Statistic<"numUnscaledGradients", "unscaled-gradients",
              "Gradients routed through mpt.unscale_and_check">
  ];
}

def MPTAccumulateGradients
    : Pass<"mpt-accumulate-gradients", "::mlir::func::FuncOp"> {
  let summary = "Gradient accumulation: K micro-batches, one check and one "
                "update";
  let description = [{
    A training step with inputs of batch B becomes one that takes K*B
    samples and runs its forward and backward pass K times in a loop, on
    micro-batches of B, adding the gradients in FP32. After the loop the
    gradients are the mean over the micro-batches (the gradient of the mean
    loss over all K*B samples) and the loss is the mean of the micro-batch
    losses; the overflow check (`mpt.unscale_and_check`), the optimizer ops
    and the loss-scale update run once. Memory for activations stays that
    of batch B. Under loss scaling the 1/K goes into the seed instead
    (`scale / K`, the gradients summed), so that each micro-batch's scaled
    backward values are those of the whole batch and FP16 overflows where
    it would without accumulation.

    Only values the forward and backward pass compute from the inputs are
    repeated: everything else (working copies, the loss scale) is computed
    once. A value that depends on the batch and is used after the backward
    pass, other than the gradients and the loss (a per-sample output), is an
    error. `micro-batches=1` leaves the step unchanged.
  }];
  let dependentDialects = [
    "::mlir::mpt::MPTDialect", "::mlir::arith::ArithDialect",
    "::mlir::tensor::TensorDialect", "::mlir::scf::SCFDialect"
  ];
  let options = [
    Option<"microBatches", "micro-batches", "int64_t", "1",
           "Micro-batches per optimizer step (K >= 1)">
  ];
}

def MPTDataParallel : Pass<"mpt-data-parallel", "::mlir::ModuleOp"> {
  let summary = "Averages every gradient over the ranks of a data-parallel "
                "run";
  let description = [{
    Inserts `mpt.all_reduce` on every gradient of a training step between
    the backward pass and `mpt.unscale_and_check` (or, without loss
    scaling, the optimizer ops), so every rank updates with the same
    gradients. Because the overflow check reads the reduced gradients,
    found_inf, the skip decision and the loss-scale update are the same on
    every rank with no extra collective.

    The gradients are grouped, in the order the backward pass produces
    them, into buckets of at most `bucket-bytes` bytes of one element type:
    one `mpt.all_reduce` (one collective call) per bucket. With
    `comm-precision=f32` low-precision gradients are cast to FP32 first;
    with `native` they travel in FP16/BF16 and are added in FP32
    (`fp32-accumulate`, the default) or in their own type. Functions
    without optimizer ops (eval_step) are left alone; a step that already
    has an `mpt.all_reduce` is left alone.

    With loss scaling and `reduce=mean`, the 1/N of the mean is applied
    before the backward pass instead of after it: the seed becomes
    `scale / N` (N from the runtime, `mpt_rt_inverse_ranks()`) and the
    gradients are summed. Each rank's backward pass then computes, sample
    for sample, the values one process with the whole global batch computes
    (for power-of-two N and scales, bit for bit), so an FP16 overflow, and
    with it the skip and the loss-scale update, happens where it would
    without data parallelism; dividing after the backward pass would make
    every rank's scaled gradients N times larger than one process's.
  }];
  let dependentDialects = ["::mlir::mpt::MPTDialect",
                           "::mlir::func::FuncDialect",
                           "::mlir::arith::ArithDialect",
                           "::mlir::tensor::TensorDialect"];
  let options = [
    Option<"reduce", "reduce", "::mlir::mpt::ReduceKind",
           "::mlir::mpt::ReduceKind::mean",
           "How the ranks' gradients combine",
           [{::llvm::cl::values(
             clEnumValN(::mlir::mpt::ReduceKind::mean, "mean",
                        "the mean over the ranks (each rank's loss is the "
                        "mean over its own samples)"),
             clEnumValN(::mlir::mpt::ReduceKind::sum, "sum",
                        "the sum over the ranks")
           )}]>,
    Option<"commPrecision", "comm-precision", "std::string", "\"f32\"",
           "f32: low-precision gradients are cast to FP32 before they "
           "travel; native: they travel in their own type">,
    Option<"fp32Accumulate", "fp32-accumulate", "bool", "true",
           "Add low-precision gradients in FP32 (one rounding)">,
    Option<"bucketBytes", "bucket-bytes", "int64_t", "26214400",
           "Largest bucket of gradients in one collective call (bytes); a "
           "larger gradient gets a bucket of its own">
  ];
  let statistics = [
    Statistic<"numGradients", "gradients", "Gradients all-reduced">,
    Statistic<"numBuckets", "buckets", "mpt.all_reduce ops inserted">
  ];
}

#endif // MPT_DIALECT_MPT_TRANSFORMS_PASSES_TD
