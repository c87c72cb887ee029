// The mpt-mixed-precision pipeline on a whole MLP training step: autocast,
// fusion, master weights, loss scaling and cleanup, in that order.
// RUN: mpt-opt %S/../Transforms/Inputs/mlp_train_step.mlir --mpt-mixed-precision=summary=false | FileCheck %s --check-prefix=F16
// RUN: mpt-opt %S/../Transforms/Inputs/mlp_train_step.mlir --mpt-mixed-precision='fused-fp32-bias=true summary=false' | FileCheck %s --check-prefix=F16-NO-BIAS-COPY
// RUN: mpt-opt %S/../Transforms/Inputs/mlp_train_step.mlir --mpt-mixed-precision='precision=bf16 summary=false' | FileCheck %s --check-prefix=BF16
// RUN: mpt-opt %S/../Transforms/Inputs/mlp_train_step.mlir --mpt-mixed-precision='loss-scale=static init-scale=1024 keep-working-copy=false fuse=false summary=false' | FileCheck %s --check-prefix=STATIC
// RUN: mpt-opt %S/../Transforms/Inputs/mlp_train_step.mlir --mpt-mixed-precision='fusion-report=-' -o /dev/null 2>&1 | FileCheck %s --check-prefix=FUSION
// The same through the pass manager's textual form, as framework compilers
// and the C API build it.
// RUN: mpt-opt %S/../Transforms/Inputs/mlp_train_step.mlir --pass-pipeline='builtin.module(mpt-mixed-precision{precision=f16 loss-scale=dynamic growth-interval=100 hysteresis=2 summary=false})' | FileCheck %s --check-prefix=OPTIONS

// f16: FP32 masters with f16 working copies carried between steps, the
// loss-scale state, fused dense layers, one unscale-and-check, skipping
// optimizer ops, the scale update after them, and found_inf as an output.
// The hidden layer's fused epilogue adds the f16 bias its unfused add read,
// which becomes a working copy like the weights'; the head's bias add ran in
// f32 (the logits stay f32) and reads the master. With fused-fp32-bias the
// epilogues read the FP32 bias masters and the biases get no working copy.
// F16-NO-BIAS-COPY: mpt.fused_matmul %{{.*}}, %{{.*}} bias(%{{.*}} : tensor<16xf32>) epilogue<bias_relu> aux<relu_mask> : tensor<4x64xf16>
// F16-NO-BIAS-COPY-NOT: bias.working_copy
// F16-LABEL: func.func @train_step
// F16-SAME: %[[W0:[^:]*]]: tensor<64x16xf32> {{{.*}}mpt.name = "dense0.weight", mpt.role = #mpt.role<param>}
// F16-SAME: %[[B0:[^:]*]]: tensor<16xf32> {{{.*}}mpt.name = "dense0.bias", mpt.role = #mpt.role<param>}
// F16-SAME: %[[WC0:[^:]*]]: tensor<64x16xf16> {mpt.init = #mpt.init<dist = cast_of, source = "dense0.weight">, mpt.name = "dense0.weight.working_copy", mpt.role = #mpt.role<working_copy>}
// F16-SAME: %[[BC0:[^:]*]]: tensor<16xf16> {mpt.init = #mpt.init<dist = cast_of, source = "dense0.bias">, mpt.name = "dense0.bias.working_copy", mpt.role = #mpt.role<working_copy>}
// F16-SAME: %[[SCALE:[^:]*]]: tensor<f32> {mpt.init = #mpt.init<dist = constant, value = 6.553600e+04>, mpt.name = "loss_scale.scale", mpt.role = #mpt.role<loss_scale_state>}
// F16-SAME: tensor<i32> {mpt.init = #mpt.init<dist = zeros>, mpt.name = "loss_scale.growth_tracker", mpt.role = #mpt.role<loss_scale_state>}
// F16-SAME: tensor<i32> {mpt.init = #mpt.init<dist = constant, value = 1.000000e+00>, mpt.name = "loss_scale.hysteresis_tracker", mpt.role = #mpt.role<loss_scale_state>}
// F16-SAME: tensor<64x16xf16> {mpt.role = #mpt.role<working_copy>, mpt.updates = "dense0.weight.working_copy"}
// F16-SAME: tensor<f32> {mpt.role = #mpt.role<loss_scale_state>, mpt.updates = "loss_scale.scale"}
// F16-SAME: tensor<i1> {mpt.name = "found_inf", mpt.role = #mpt.role<output>}
// F16: mpt.fused_matmul %{{.*}}, %[[WC0]] bias(%[[BC0]] : tensor<16xf16>) epilogue<bias_relu> aux<relu_mask> : tensor<4x64xf16>, tensor<64x16xf16> -> tensor<4x16xf16>, tensor<4x16xi1>
// F16: mpt.fused_matmul {{.*}} epilogue<bias> : tensor<4x16xf16>, tensor<16x10xf16> -> tensor<4x10xf32>
// F16: %[[LOSS:.*]] = mpt.loss
// F16: mpt.grad_seed %[[LOSS]] scale(%[[SCALE]]) : tensor<f32>
// F16: %[[G:.*]]:4, %[[INF:.*]] = mpt.unscale_and_check {{.*}} scale(%[[SCALE]])
// F16: mpt.sgd %[[W0]], %[[G]]#0 found_inf(%[[INF]]) {lr = 1.000000e-01 : f32} : tensor<64x16xf32> -> tensor<64x16xf16>
// F16: mpt.update_scale %[[SCALE]], %{{.*}}, %{{.*}} found_inf(%[[INF]]){{$}}
// F16: return

// bf16 needs no loss scaling: no scale state, no unscale, no skip.
// BF16-LABEL: func.func @train_step
// BF16-SAME: tensor<64x16xbf16> {mpt.init = #mpt.init<dist = cast_of, source = "dense0.weight">, mpt.name = "dense0.weight.working_copy", mpt.role = #mpt.role<working_copy>}
// BF16-NOT: loss_scale
// BF16: mpt.fused_matmul {{.*}} : tensor<4x64xbf16>, tensor<64x16xbf16> -> tensor<4x16xbf16>, tensor<4x16xi1>
// BF16: mpt.grad_seed %{{.*}} : tensor<f32>
// BF16-NOT: mpt.unscale_and_check
// BF16-NOT: found_inf
// BF16: mpt.sgd {{.*}} : tensor<64x16xf32> -> tensor<64x16xbf16>
// BF16-NOT: mpt.update_scale

// Static scaling: a constant seed scale, still one check and a skip, no
// scale state; no working-copy arguments (one cast per parameter at entry);
// no fusion.
// STATIC-LABEL: func.func @train_step
// STATIC-NOT: working_copy
// STATIC-NOT: loss_scale
// STATIC-SAME: {
// STATIC-DAG: mpt.cast %arg0 : tensor<64x16xf32> to tensor<64x16xf16>
// STATIC-DAG: %[[S:.*]] = arith.constant dense<1.024000e+03> : tensor<f32>
// STATIC-DAG: linalg.matmul
// STATIC-NOT: mpt.fused_matmul
// STATIC: mpt.grad_seed %{{.*}} scale(%[[S]])
// STATIC: %{{.*}}:4, %[[INF:.*]] = mpt.unscale_and_check {{.*}} scale(%[[S]])
// STATIC: mpt.sgd %arg0, %{{.*}} found_inf(%[[INF]]) {lr = 1.000000e-01 : f32} : tensor<64x16xf32>{{$}}
// STATIC-NOT: mpt.update_scale

// OPTIONS: mpt.name = "loss_scale.hysteresis_tracker"
// OPTIONS: mpt.update_scale {{.*}} {growth_interval = 100 : i64, hysteresis = 2 : i64}

// The fusion report of the pipeline (on stderr for "-"): both dense layers
// fused, the hidden one with its ReLU mask and its cast to f16 folded.
// FUSION: "pass": "mpt-fuse-conv-bias-relu",
// FUSION: "aux_results": 1,
// FUSION-NEXT: "casts_folded": 1,
// FUSION-NEXT: "declined": 0,
// FUSION-NEXT: "fused": 2,
// FUSION: "name": "summary"
