// mpt-loss-scaling's overflow-check: which scaled gradients count as an
// overflow. auto (the default) checks a step against f16's range only when
// the step asks for it (`mpt.overflow_check = "f16"`, written by the PyTorch
// importer: GradScaler backs off when a gradient that autocast stores in f16
// overflows, and mpt keeps some gradients in FP32 accumulators).
// RUN: mpt-opt %s -split-input-file -mpt-loss-scaling | FileCheck %s --check-prefix=AUTO
// RUN: mpt-opt %s -split-input-file -mpt-loss-scaling=overflow-check=inf | FileCheck %s --check-prefix=INF
// RUN: mpt-opt %s -split-input-file -mpt-loss-scaling=overflow-check=f16 | FileCheck %s --check-prefix=F16
// RUN: mpt-opt %s -split-input-file -mpt-loss-scaling="mode=dynamic overflow-check=f16" | FileCheck %s --check-prefix=BF16
// The pipeline passes the option through.
// RUN: mpt-opt %s -split-input-file -mpt-mixed-precision=overflow-check=inf | FileCheck %s --check-prefix=INF
// RUN: not mpt-opt %s -mpt-loss-scaling=overflow-check=fp64 2>&1 | FileCheck %s --check-prefix=BAD
// BAD: Cannot find option named 'fp64'

// A step marked for GradScaler's decisions: its f32 gradient (an FP32
// accumulator, say) is checked against f16's range too.
// AUTO-LABEL: func.func @overflow_check_marked_step
// AUTO: mpt.unscale_and_check %{{.*}} scale(%{{.*}}) {overflow_type = f16} : tensor<4xf16>, tensor<4xf32> -> tensor<4xf32>, tensor<4xf32>
// INF-LABEL: func.func @overflow_check_marked_step
// INF: mpt.unscale_and_check %{{.*}} scale(%{{[^)]*}}) : tensor<4xf16>, tensor<4xf32> -> tensor<4xf32>, tensor<4xf32>
// F16-LABEL: func.func @overflow_check_marked_step
// F16: mpt.unscale_and_check %{{.*}} scale(%{{.*}}) {overflow_type = f16} :
func.func @overflow_check_marked_step(%w: tensor<4xf32> {mpt.role = #mpt.role<param>, mpt.name = "w"},
                                      %v: tensor<4xf32> {mpt.role = #mpt.role<param>, mpt.name = "v"})
    -> (tensor<4xf32> {mpt.role = #mpt.role<param>, mpt.updates = "w"}, tensor<4xf32> {mpt.role = #mpt.role<param>, mpt.updates = "v"},
        tensor<f32> {mpt.role = #mpt.role<loss>}) attributes {mpt.overflow_check = "f16"} {
  %l = arith.constant dense<2.0> : tensor<f32>
  %loss = mpt.loss %l : tensor<f32>
  %seed = mpt.grad_seed %loss : tensor<f32>
  %e = tensor.empty() : tensor<4xf16>
  %g = linalg.generic {indexing_maps = [affine_map<(d0) -> ()>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]}
      ins(%seed : tensor<f32>) outs(%e : tensor<4xf16>) {
  ^bb0(%s: f32, %o: f16):
    %h = arith.truncf %s : f32 to f16
    linalg.yield %h : f16
  } -> tensor<4xf16>
  %e32 = tensor.empty() : tensor<4xf32>
  %g32 = linalg.generic {indexing_maps = [affine_map<(d0) -> ()>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]}
      ins(%seed : tensor<f32>) outs(%e32 : tensor<4xf32>) {
  ^bb0(%s: f32, %o: f32):
    linalg.yield %s : f32
  } -> tensor<4xf32>
  %w2 = mpt.sgd %w, %g {lr = 0.5 : f32} : tensor<4xf32>, tensor<4xf16>
  %v2 = mpt.sgd %v, %g32 {lr = 0.5 : f32} : tensor<4xf32>
  return %w2, %v2, %loss : tensor<4xf32>, tensor<4xf32>, tensor<f32>
}

// -----

// An unmarked f16 step: auto keeps mpt's own check (inf or NaN: a gradient
// in an FP32 accumulator may exceed f16's range without harm); f16 asks for
// GradScaler's decisions anyway.
// AUTO-LABEL: func.func @overflow_check_unmarked_step
// AUTO: mpt.unscale_and_check %{{.*}} scale(%{{[^)]*}}) : tensor<4xf16> -> tensor<4xf32>
// F16-LABEL: func.func @overflow_check_unmarked_step
// F16: mpt.unscale_and_check %{{.*}} scale(%{{.*}}) {overflow_type = f16} : tensor<4xf16> -> tensor<4xf32>
func.func @overflow_check_unmarked_step(%w: tensor<4xf32> {mpt.role = #mpt.role<param>, mpt.name = "w"})
    -> (tensor<4xf32> {mpt.role = #mpt.role<param>, mpt.updates = "w"}, tensor<f32> {mpt.role = #mpt.role<loss>}) {
  %l = arith.constant dense<2.0> : tensor<f32>
  %loss = mpt.loss %l : tensor<f32>
  %seed = mpt.grad_seed %loss : tensor<f32>
  %e = tensor.empty() : tensor<4xf16>
  %g = linalg.generic {indexing_maps = [affine_map<(d0) -> ()>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]}
      ins(%seed : tensor<f32>) outs(%e : tensor<4xf16>) {
  ^bb0(%s: f32, %o: f16):
    %h = arith.truncf %s : f32 to f16
    linalg.yield %h : f16
  } -> tensor<4xf16>
  %w2 = mpt.sgd %w, %g {lr = 0.5 : f32} : tensor<4xf32>, tensor<4xf16>
  return %w2, %loss : tensor<4xf32>, tensor<f32>
}

// -----

// A bf16 step (scaled only when a mode asks for it) is never checked against
// f16's range: nothing in it is f16.
// BF16-LABEL: func.func @overflow_check_bf16_step
// BF16: mpt.unscale_and_check %{{.*}} scale(%{{[^)]*}}) : tensor<4xbf16> -> tensor<4xf32>
func.func @overflow_check_bf16_step(%w: tensor<4xf32> {mpt.role = #mpt.role<param>, mpt.name = "w"})
    -> (tensor<4xf32> {mpt.role = #mpt.role<param>, mpt.updates = "w"}, tensor<f32> {mpt.role = #mpt.role<loss>}) attributes {mpt.overflow_check = "f16"} {
  %l = arith.constant dense<2.0> : tensor<f32>
  %loss = mpt.loss %l : tensor<f32>
  %seed = mpt.grad_seed %loss : tensor<f32>
  %e = tensor.empty() : tensor<4xbf16>
  %g = linalg.generic {indexing_maps = [affine_map<(d0) -> ()>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]}
      ins(%seed : tensor<f32>) outs(%e : tensor<4xbf16>) {
  ^bb0(%s: f32, %o: bf16):
    %h = arith.truncf %s : f32 to bf16
    linalg.yield %h : bf16
  } -> tensor<4xbf16>
  %w2 = mpt.sgd %w, %g {lr = 0.5 : f32} : tensor<4xf32>, tensor<4xbf16>
  return %w2, %loss : tensor<4xf32>, tensor<f32>
}
