//===- MPTOps.td - mpt operations --------------------------*- tablegen -*-===//

#ifndef MPT_DIALECT_MPT_IR_MPTOPS_TD
#define MPT_DIALECT_MPT_IR_MPTOPS_TD

include "mpt/Dialect/MPT/IR/MPTDialect.td"
include "mpt/Dialect/MPT/IR/MPTAttrs.td"
include "mpt/Dialect/MPT/IR/MPTEnums.td"
include "mlir/IR/CommonAttrConstraints.td"
include "mlir/IR/CommonTypeConstraints.td"
include "mlir/Interfaces/CastInterfaces.td"
include "mlir/Interfaces/InferTypeOpInterface.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

//===----------------------------------------------------------------------===//
// Type constraints
//===----------------------------------------------------------------------===//

/// Element types mpt computes with: FP32 and the two 16-bit formats.
defvar MPT_FloatTypes = [F16, BF16, F32];

def MPT_FloatTensor : RankedTensorOf<MPT_FloatTypes>;
def MPT_FloatTensorOrScalar
    : AnyTypeOf<[F16, BF16, F32, RankedTensorOf<MPT_FloatTypes>],
                "f16, bf16 or f32 scalar or ranked tensor">;
def MPT_ScalarTensor : 0DTensorOf<MPT_FloatTypes>;

/// 0-d tensors of a fixed element type; buildable, so formats need not spell
/// them.
def MPT_F32Scalar : 0DTensorOf<[F32]>,
    BuildableType<"::mlir::RankedTensorType::get({}, $_builder.getF32Type())">;
def MPT_I1Scalar : 0DTensorOf<[I1]>,
    BuildableType<"::mlir::RankedTensorType::get({}, $_builder.getI1Type())">;
def MPT_I32Scalar : 0DTensorOf<[I32]>,
    BuildableType<"::mlir::RankedTensorType::get({}, $_builder.getI32Type())">;

//===----------------------------------------------------------------------===//
// Loss and gradient seed
//===----------------------------------------------------------------------===//

def MPT_LossOp : MPT_Op<"loss", [Pure, SameOperandsAndResultType]> {
  let summary = "marks the scalar training loss";
  let description = [{
    Returns its operand unchanged and marks it as the value training
    minimizes. The mixed-precision passes keep it, and everything that computes
    it from reductions, in FP32; `mpt.grad_seed` starts the backward pass from
    it.

    ```mlir
    %loss = mpt.loss %mean : tensor<f32>
    ```
  }];
  let arguments = (ins MPT_ScalarTensor:$input);
  let results = (outs MPT_ScalarTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($result)";
}

def MPT_GradSeedOp : MPT_Op<"grad_seed",
    [Pure, AllTypesMatch<["loss", "result"]>]> {
  let summary = "the gradient of the loss with respect to itself";
  let description = [{
    d(loss)/d(loss): the value 1.0 the backward pass starts from, in the type
    of the loss. The operand is the loss: an `mpt.loss` result, or a value
    that holds it (say, a block argument of a backward function that takes
    the loss as an input). Loss scaling gives it a `scale` operand: the seed
    is then the loss scale itself, so every gradient of the backward pass is
    multiplied by it.

    ```mlir
    %seed = mpt.grad_seed %loss : tensor<f32>
    %scaled_seed = mpt.grad_seed %loss scale(%s) : tensor<f32>
    ```
  }];
  let arguments = (ins MPT_ScalarTensor:$loss, Optional<MPT_F32Scalar>:$scale);
  let results = (outs MPT_ScalarTensor:$result);
  let assemblyFormat = [{
    $loss (`scale` `(` $scale^ `)`)? attr-dict `:` type($loss)
  }];
}

//===----------------------------------------------------------------------===//
// Casts
//===----------------------------------------------------------------------===//

def MPT_CastOp : MPT_Op<"cast",
    [Pure, SameOperandsAndResultShape,
     DeclareOpInterfaceMethods<CastOpInterface>]> {
  let summary = "converts between f32, f16 and bf16, rounding to nearest even";
  let description = [{
    Elementwise conversion of a scalar or a ranked tensor between `f32`,
    `f16` and `bf16`. Narrowing rounds to nearest, ties to even; values too
    large for the result type become infinities, NaN stays NaN. Widening is
    exact.

    Folds a cast to the same type, a lossless round trip (`f16 -> f32 -> f16`,
    `bf16 -> f32 -> bf16`) and casts of constants; a lossy round trip
    (`f32 -> f16 -> f32`) is never folded.

    ```mlir
    %h = mpt.cast %x : tensor<32x64xf32> to tensor<32x64xf16>
    %s = mpt.cast %a : f32 to bf16
    ```
  }];
  let arguments = (ins MPT_FloatTensorOrScalar:$input);
  let results = (outs MPT_FloatTensorOrScalar:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `to` type($result)";
  let hasFolder = 1;
  let hasCanonicalizer = 1;
  let extraClassDeclaration = [{
    /// True when converting `from` to `to` and back returns every value
    /// unchanged (the conversion only widens).
    static bool isLossless(::mlir::Type from, ::mlir::Type to);
  }];
}

//===----------------------------------------------------------------------===//
// Optimizers
//===----------------------------------------------------------------------===//

def MPT_SGDOp : MPT_Op<"sgd",
    [Pure, AttrSizedOperandSegments, AttrSizedResultSegments,
     AllTypesMatch<["param", "new_param"]>,
     OptionalTypesMatchWith<"the momentum buffer has the parameter type",
                            "param", "momentum_buffer", "$_self">,
     OptionalTypesMatchWith<"the updated momentum buffer has the parameter "
                            "type", "param", "new_momentum_buffer", "$_self">,
     OptionalTypesMatchWith<"the working copy has the parameter shape",
                            "param", "working_copy", "$_self",
                            "::mlir::mpt::haveSameShape">,
     TypesMatchWith<"the gradient has the parameter shape", "param", "grad",
                    "$_self", "::mlir::mpt::haveSameShape">]> {
  let summary = "stochastic gradient descent update (momentum, Nesterov, weight decay)";
  let description = [{
    One SGD step of a parameter, as `torch.optim.SGD` defines it, with the
    momentum buffer as explicit state (it starts at zero):

    ```
    g = grad * inv_scale (if given) + weight_decay * param
    buf = momentum * buf + (1 - dampening) * g         (if momentum > 0)
    g = nesterov ? g + momentum * buf : buf            (if momentum > 0)
    param = param - lr * g
    ```

    One difference from PyTorch, with dampening only: `torch.optim.SGD`
    sets the buffer to the first gradient undamped, while here the buffer
    starts at zero, so the first step's buffer is `(1 - dampening) * g`
    instead of `g`. With dampening 0 (the default) the two are identical.

    All arithmetic is FP32. In the mixed-precision form the gradient may be
    f16 or bf16 (it is up-cast inside the update), `inv_scale` unscales it,
    and when `found_inf` is true every result equals its input bit for bit:
    the step is skipped on the device. With a `-> type` suffix the op also
    returns the low-precision working copy of the updated parameter.

    ```mlir
    %w2 = mpt.sgd %w, %gw {lr = 1.000000e-01 : f32} : tensor<64x10xf32>
    %w2, %m2 = mpt.sgd %w, %gw momentum_buffer(%m)
        {lr = 1.000000e-01 : f32, momentum = 9.000000e-01 : f32, nesterov}
        : tensor<64x10xf32>
    %w2, %wc = mpt.sgd %w, %gh found_inf(%inf) {lr = 1.000000e-01 : f32}
        : tensor<64x10xf32>, tensor<64x10xf16> -> tensor<64x10xf16>
    ```
  }];
  let arguments = (ins
    MPT_FloatTensor:$param,
    MPT_FloatTensor:$grad,
    Optional<MPT_FloatTensor>:$momentum_buffer,
    Optional<MPT_F32Scalar>:$inv_scale,
    Optional<MPT_I1Scalar>:$found_inf,
    F32Attr:$lr,
    DefaultValuedAttr<F32Attr, "0.0f">:$momentum,
    DefaultValuedAttr<F32Attr, "0.0f">:$dampening,
    DefaultValuedAttr<F32Attr, "0.0f">:$weight_decay,
    UnitAttr:$nesterov
  );
  let results = (outs
    MPT_FloatTensor:$new_param,
    Optional<MPT_FloatTensor>:$new_momentum_buffer,
    Optional<MPT_FloatTensor>:$working_copy
  );
  // Only the parameter type, a gradient type that differs from it and the
  // working-copy type are spelled: the state has the parameter type and
  // inv_scale / found_inf have fixed types. The updated momentum buffer is
  // returned exactly when the op takes one.
  let assemblyFormat = [{
    $param `,` $grad
    (`momentum_buffer` `(` $momentum_buffer^ `)`)?
    (`inv_scale` `(` $inv_scale^ `)`)?
    (`found_inf` `(` $found_inf^ `)`)?
    attr-dict `:` type($param) `` custom<GradType>(type($grad),
                                                   ref(type($param)))
    (`->` type($working_copy)^)?
    `` custom<MomentumResult>(type($new_momentum_buffer),
                              ref($momentum_buffer), ref(type($param)))
  }];
  let hasVerifier = 1;
}

def MPT_AdamOp : MPT_Op<"adam",
    [Pure, AttrSizedOperandSegments,
     AllTypesMatch<["param", "m", "v", "new_param", "new_m", "new_v"]>,
     OptionalTypesMatchWith<"the working copy has the parameter shape",
                            "param", "working_copy", "$_self",
                            "::mlir::mpt::haveSameShape">,
     TypesMatchWith<"the gradient has the parameter shape", "param", "grad",
                    "$_self", "::mlir::mpt::haveSameShape">]> {
  let summary = "Adam / AdamW update with bias correction";
  let description = [{
    One Adam step with decoupled (AdamW) weight decay and bias correction;
    `m`, `v` and the step count `step` (a 0-d f32 tensor, starting at 0) are
    explicit state:

    ```
    g = grad * inv_scale (if given)
    step = step + 1
    param = param * (1 - lr * weight_decay)
    m = beta1 * m + (1 - beta1) * g
    v = beta2 * v + (1 - beta2) * g * g
    param = param - lr * (m / (1 - beta1^step)) / (sqrt(v / (1 - beta2^step)) + eps)
    ```

    All arithmetic is FP32. The mixed-precision form takes a low-precision
    gradient, `inv_scale` and `found_inf` (when true, parameter, `m`, `v`
    and `step` are returned unchanged bit for bit) and may return the
    working copy like `mpt.sgd`.

    ```mlir
    %w2, %m2, %v2, %t2 = mpt.adam %w, %gw, %m, %v, %t
        {lr = 1.000000e-03 : f32, weight_decay = 0.00999999977 : f32}
        : tensor<64x10xf32>
    ```
  }];
  let arguments = (ins
    MPT_FloatTensor:$param,
    MPT_FloatTensor:$grad,
    MPT_FloatTensor:$m,
    MPT_FloatTensor:$v,
    MPT_F32Scalar:$step,
    Optional<MPT_F32Scalar>:$inv_scale,
    Optional<MPT_I1Scalar>:$found_inf,
    F32Attr:$lr,
    DefaultValuedAttr<F32Attr, "0.9f">:$beta1,
    DefaultValuedAttr<F32Attr, "0.999f">:$beta2,
    DefaultValuedAttr<F32Attr, "1.0e-8f">:$eps,
    DefaultValuedAttr<F32Attr, "0.0f">:$weight_decay
  );
  let results = (outs
    MPT_FloatTensor:$new_param,
    MPT_FloatTensor:$new_m,
    MPT_FloatTensor:$new_v,
    MPT_F32Scalar:$new_step,
    Optional<MPT_FloatTensor>:$working_copy
  );
  let assemblyFormat = [{
    $param `,` $grad `,` $m `,` $v `,` $step
    (`inv_scale` `(` $inv_scale^ `)`)?
    (`found_inf` `(` $found_inf^ `)`)?
    attr-dict `:` type($param) `` custom<GradType>(type($grad),
                                                   ref(type($param)))
    (`->` type($working_copy)^)?
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Loss scaling
//===----------------------------------------------------------------------===//

def MPT_UnscaleAndCheckOp : MPT_Op<"unscale_and_check", [Pure]> {
  let summary = "unscales all gradients of a step and checks them for inf/NaN";
  let description = [{
    Multiplies every gradient by `1 / scale` in FP32 and returns the FP32
    results together with one flag, `found_inf`, that is true when any
    element of any unscaled gradient is an infinity or NaN. One op covers
    all gradients of a step, so a single flag decides whether the optimizer
    ops skip the step.

    With `overflow_type = f16` (or `bf16`) the flag is also true when a
    scaled gradient (before unscaling) is too large for that type, that is
    when rounding it to the type (to nearest even) would give an infinity.
    PyTorch's autocast stores the gradients of its f16 ops in f16, so
    GradScaler backs off exactly when a scaled gradient overflows f16; a step
    that computes some gradients in FP32 (FP32 accumulators, FP32
    reductions) makes the same decisions with `overflow_type = f16`.

    ```mlir
    %g:2, %inf = mpt.unscale_and_check %gw, %gb scale(%s)
        : tensor<64x10xf16>, tensor<10xf16> -> tensor<64x10xf32>, tensor<10xf32>
    %h:2, %inf2 = mpt.unscale_and_check %gw, %gb32 scale(%s) {overflow_type = f16}
        : tensor<64x10xf16>, tensor<10xf32> -> tensor<64x10xf32>, tensor<10xf32>
    ```
  }];
  let arguments = (ins Variadic<MPT_FloatTensor>:$grads, MPT_F32Scalar:$scale,
                       OptionalAttr<TypeAttr>:$overflow_type);
  let results = (outs Variadic<MPT_FloatTensor>:$unscaled,
                      MPT_I1Scalar:$found_inf);
  let assemblyFormat = [{
    $grads `scale` `(` $scale `)` attr-dict `:` type($grads) `->` type($unscaled)
  }];
  let hasVerifier = 1;
}

def MPT_UpdateScaleOp : MPT_Op<"update_scale", [Pure]> {
  let summary = "dynamic loss-scale update (growth, backoff, hysteresis, bounds)";
  let description = [{
    Computes next step's loss-scale state from this step's state and its
    `found_inf` flag, as PyTorch's GradScaler does, with DeepSpeed-style
    hysteresis and optional bounds:

    * overflow, hysteresis counter `<= 1`: `scale = max(scale * backoff_factor,
      min_scale)`, growth tracker reset to 0;
    * overflow, counter `> 1`: the counter decrements, the scale stays, the
      growth tracker resets to 0;
    * clean step: the growth tracker counts up; when it reaches
      `growth_interval` the scale is multiplied by `growth_factor` (only if
      the result is finite and not above `max_scale`), the tracker resets to
      0 and the hysteresis counter refills to `hysteresis`.

    Without `min_scale` the scale has no lower bound; without `max_scale` it
    is bounded by the largest finite f32.

    ```mlir
    %s2, %g2, %h2 = mpt.update_scale %s, %g, %h found_inf(%inf)
        {growth_interval = 2000 : i64}
    ```
  }];
  let arguments = (ins
    MPT_F32Scalar:$scale,
    MPT_I32Scalar:$growth_tracker,
    MPT_I32Scalar:$hysteresis_tracker,
    MPT_I1Scalar:$found_inf,
    DefaultValuedAttr<F32Attr,
        "static_cast<float>(::mlir::mpt::kDefaultGrowthFactor)">:$growth_factor,
    DefaultValuedAttr<F32Attr,
        "static_cast<float>(::mlir::mpt::kDefaultBackoffFactor)">:$backoff_factor,
    DefaultValuedAttr<I64Attr, "::mlir::mpt::kDefaultGrowthInterval">
        :$growth_interval,
    DefaultValuedAttr<I64Attr, "::mlir::mpt::kDefaultHysteresis">:$hysteresis,
    OptionalAttr<F32Attr>:$min_scale,
    OptionalAttr<F32Attr>:$max_scale
  );
  let results = (outs
    MPT_F32Scalar:$new_scale,
    MPT_I32Scalar:$new_growth_tracker,
    MPT_I32Scalar:$new_hysteresis_tracker
  );
  let assemblyFormat = [{
    $scale `,` $growth_tracker `,` $hysteresis_tracker
    `found_inf` `(` $found_inf `)` attr-dict
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Data parallelism
//===----------------------------------------------------------------------===//

def MPT_FloatMemRef : MemRefRankOf<MPT_FloatTypes, [0, 1, 2, 3, 4, 5, 6]>;

def MPT_AllReduceOp : MPT_Op<"all_reduce"> {
  let summary = "sums or averages tensors over the ranks of a data-parallel run";
  let description = [{
    Combines each operand elementwise with the same operand of every other
    rank of the run and returns the combination, identical on every rank:
    `sum` adds them, `mean` adds them and divides by the number of ranks.
    All operands of one op share one element type and travel in one
    collective call (one bucket); `mpt-data-parallel` groups a step's
    gradients into a few such buckets.

    f16 and bf16 operands travel in their own precision; with
    `fp32_accumulate` (the default) the ranks' values are added in FP32 and
    the result is rounded once, otherwise every addition rounds. f32
    operands are added in FP32. The order of the additions is fixed (rank 0,
    1, ...), so every rank gets the same bits and a run is reproducible.

    On tensors the op returns new values of the operands' types; after
    bufferization it works on buffers in place and has no results. With one
    rank it returns its operands unchanged.

    ```mlir
    %g:2 = mpt.all_reduce <mean> %gw, %gb : tensor<64x10xf32>, tensor<10xf32>
        -> tensor<64x10xf32>, tensor<10xf32>
    mpt.all_reduce <sum> %buf {fp32_accumulate = false} : memref<64xf16>
    ```
  }];
  let arguments = (ins
    Variadic<AnyTypeOf<[MPT_FloatTensor, MPT_FloatMemRef]>>:$inputs,
    MPT_ReduceKindAttr:$kind,
    DefaultValuedAttr<BoolAttr, "true">:$fp32_accumulate
  );
  let results = (outs Variadic<MPT_FloatTensor>:$results);
  let assemblyFormat = [{
    $kind $inputs attr-dict `:` type($inputs) (`->` type($results)^)?
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// Whether the op works on buffers (after bufferization).
    bool hasBufferSemantics() {
      return !getInputs().empty() &&
             ::llvm::isa<::mlir::MemRefType>(getInputs().front().getType());
    }
  }];
}

//===----------------------------------------------------------------------===//
// Fused contractions
//===----------------------------------------------------------------------===//

def MPT_FusedMatmulOp : MPT_Op<"fused_matmul", [Pure]> {
  let summary = "matmul with a fused bias / ReLU epilogue";
  let description = [{
    `result = epilogue(lhs * rhs)` for `lhs: MxK`, `rhs: KxN`. Products
    accumulate in FP32 whatever the operand type (f16, bf16 or f32); the
    epilogue adds `bias` (shape `N`, broadcast over rows) and/or applies
    ReLU on the FP32 accumulators, then rounds once to the result element
    type. The optional `aux` result keeps what a backward pass needs: the
    ReLU mask (`i1`, true where the pre-activation is > 0) or the
    pre-activation itself.

    ```mlir
    %y = mpt.fused_matmul %x, %w bias(%b : tensor<10xf32>) epilogue<bias_relu>
        : tensor<32x64xf16>, tensor<64x10xf16> -> tensor<32x10xf16>
    %y, %mask = mpt.fused_matmul %x, %w bias(%b : tensor<10xf32>)
        epilogue<bias_relu> aux<relu_mask>
        : tensor<32x64xf16>, tensor<64x10xf16> -> tensor<32x10xf16>, tensor<32x10xi1>
    ```
  }];
  let arguments = (ins
    MPT_FloatTensor:$lhs,
    MPT_FloatTensor:$rhs,
    Optional<MPT_FloatTensor>:$bias,
    MPT_EpilogueAttr:$epilogue,
    OptionalAttr<MPT_AuxResultAttr>:$aux
  );
  let results = (outs MPT_FloatTensor:$result,
                      Optional<RankedTensorOf<[I1, F16, BF16, F32]>>:$aux_result);
  let assemblyFormat = [{
    $lhs `,` $rhs (`bias` `(` $bias^ `:` type($bias) `)`)?
    `epilogue` `` $epilogue (`aux` `` $aux^)? attr-dict
    `:` type($lhs) `,` type($rhs) `->` type(results)
  }];
  let hasVerifier = 1;
}

def MPT_FusedConv2DOp : MPT_Op<"fused_conv2d", [Pure]> {
  let summary = "2-D convolution with a fused bias / ReLU epilogue";
  let description = [{
    A 2-D convolution (`nhwc_hwcf` or `nchw_fchw`) with zero padding
    `padding = [top, left, bottom, right]`, `strides` and `dilations`,
    accumulating in FP32, followed by the epilogue on the accumulators and a
    single rounding to the result element type; `aux` as in
    `mpt.fused_matmul`. The bias has one value per output channel.

    ```mlir
    %y = mpt.fused_conv2d %x, %f bias(%b : tensor<16xf32>) layout<nhwc_hwcf>
        epilogue<bias_relu>
        {dilations = array<i64: 1, 1>, padding = array<i64: 1, 1, 1, 1>,
         strides = array<i64: 1, 1>}
        : tensor<8x8x8x1xf16>, tensor<3x3x1x16xf16> -> tensor<8x8x8x16xf16>
    ```
  }];
  let arguments = (ins
    MPT_FloatTensor:$input,
    MPT_FloatTensor:$filter,
    Optional<MPT_FloatTensor>:$bias,
    MPT_ConvLayoutAttr:$layout,
    MPT_EpilogueAttr:$epilogue,
    OptionalAttr<MPT_AuxResultAttr>:$aux,
    DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1}">:$strides,
    DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1}">:$dilations,
    DefaultValuedAttr<DenseI64ArrayAttr, "{0, 0, 0, 0}">:$padding
  );
  let results = (outs MPT_FloatTensor:$result,
                      Optional<RankedTensorOf<[I1, F16, BF16, F32]>>:$aux_result);
  let assemblyFormat = [{
    $input `,` $filter (`bias` `(` $bias^ `:` type($bias) `)`)?
    `layout` `` $layout `epilogue` `` $epilogue (`aux` `` $aux^)? attr-dict
    `:` type($input) `,` type($filter) `->` type(results)
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// True for NHWC input/result with an HWCF filter, false for NCHW with
    /// FCHW.
    bool isChannelsLast() { return getLayout() == ConvLayout::nhwc_hwcf; }
  }];
}

#endif // MPT_DIALECT_MPT_IR_MPTOPS_TD
