// mpt-master-weights with its defaults (keep-working-copy, FP32 masters), on
// steps in the form mpt-autocast leaves them: FP32 parameter arguments, one
// mpt.cast per parameter to the low type at entry, FP32 optimizer ops whose
// gradient may be low precision.
// RUN: mpt-opt %s -split-input-file -mpt-master-weights | FileCheck %s
// Idempotent: a second run changes nothing.
// RUN: mpt-opt %s -split-input-file -mpt-master-weights -mpt-master-weights | FileCheck %s

#id2 = affine_map<(d0, d1) -> (d0, d1)>
#col = affine_map<(d0, d1) -> (d1)>
#all = affine_map<(d0, d1) -> ()>

// The weight is read in f16 by the matmul: it gets a working copy argument
// right after the parameters, initialised as the cast of the master, and the
// optimizer op writes next step's copy. The bias is read only in FP32: no
// working copy. The f16 gradient goes into the op as it is; momentum stays
// FP32.
// CHECK-LABEL: func.func @mw_sgd_momentum_working_copy
// CHECK-SAME: (%[[W:[^:]*]]: tensor<4x3xf32> {mpt.init = #mpt.init<dist = zeros>, mpt.name = "fc.weight", mpt.role = #mpt.role<param>},
// CHECK-SAME: %[[B:[^:]*]]: tensor<3xf32> {mpt.init = #mpt.init<dist = zeros>, mpt.name = "fc.bias", mpt.role = #mpt.role<param>},
// CHECK-SAME: %[[WC:[^:]*]]: tensor<4x3xf16> {mpt.init = #mpt.init<dist = cast_of, source = "fc.weight">, mpt.name = "fc.weight.working_copy", mpt.role = #mpt.role<working_copy>},
// CHECK-SAME: %[[MW:[^:]*]]: tensor<4x3xf32> {mpt.init = #mpt.init<dist = zeros>, mpt.name = "fc.weight.momentum", mpt.role = #mpt.role<opt_state>},
// CHECK-SAME: %[[MB:[^:]*]]: tensor<3xf32> {mpt.init = #mpt.init<dist = zeros>, mpt.name = "fc.bias.momentum", mpt.role = #mpt.role<opt_state>},
// CHECK-SAME: %[[X:[^:]*]]: tensor<2x4xf32> {mpt.name = "x", mpt.role = #mpt.role<input>})
// CHECK-SAME: -> (tensor<4x3xf32> {mpt.role = #mpt.role<param>, mpt.updates = "fc.weight"},
// CHECK-SAME: tensor<3xf32> {mpt.role = #mpt.role<param>, mpt.updates = "fc.bias"},
// CHECK-SAME: tensor<4x3xf16> {mpt.role = #mpt.role<working_copy>, mpt.updates = "fc.weight.working_copy"},
// CHECK-SAME: tensor<4x3xf32> {mpt.role = #mpt.role<opt_state>, mpt.updates = "fc.weight.momentum"},
// CHECK-SAME: tensor<3xf32> {mpt.role = #mpt.role<opt_state>, mpt.updates = "fc.bias.momentum"},
// CHECK-SAME: tensor<f32> {mpt.role = #mpt.role<loss>})
// The parameter is no longer cast: the forward matmul reads the working copy.
// CHECK-NOT: mpt.cast %[[W]]
// CHECK: %[[XH:.*]] = mpt.cast %[[X]] : tensor<2x4xf32> to tensor<2x4xf16>
// CHECK: linalg.matmul ins(%[[XH]], %[[WC]] : tensor<2x4xf16>, tensor<4x3xf16>)
// CHECK: %[[GWH:.*]] = mpt.cast %{{.*}} : tensor<4x3xf32> to tensor<4x3xf16>
// CHECK: %[[W2:.*]], %[[MW2:.*]], %[[WC2:.*]] = mpt.sgd %[[W]], %[[GWH]] momentum_buffer(%[[MW]]) {lr = 1.000000e-01 : f32, momentum = 0.899999976 : f32} : tensor<4x3xf32>, tensor<4x3xf16> -> tensor<4x3xf16>
// CHECK: %[[B2:.*]], %[[MB2:.*]] = mpt.sgd %[[B]], %{{.*}} momentum_buffer(%[[MB]]) {lr = 1.000000e-01 : f32, momentum = 0.899999976 : f32} : tensor<3xf32>
// CHECK-NOT: mpt.cast %[[W]]
// CHECK: return %[[W2]], %[[B2]], %[[WC2]], %[[MW2]], %[[MB2]], %{{.*}} :
func.func @mw_sgd_momentum_working_copy(
    %w: tensor<4x3xf32> {mpt.role = #mpt.role<param>, mpt.name = "fc.weight", mpt.init = #mpt.init<dist = zeros>},
    %b: tensor<3xf32> {mpt.role = #mpt.role<param>, mpt.name = "fc.bias", mpt.init = #mpt.init<dist = zeros>},
    %mw: tensor<4x3xf32> {mpt.role = #mpt.role<opt_state>, mpt.name = "fc.weight.momentum", mpt.init = #mpt.init<dist = zeros>},
    %mb: tensor<3xf32> {mpt.role = #mpt.role<opt_state>, mpt.name = "fc.bias.momentum", mpt.init = #mpt.init<dist = zeros>},
    %x: tensor<2x4xf32> {mpt.role = #mpt.role<input>, mpt.name = "x"})
    -> (tensor<4x3xf32> {mpt.role = #mpt.role<param>, mpt.updates = "fc.weight"},
        tensor<3xf32> {mpt.role = #mpt.role<param>, mpt.updates = "fc.bias"},
        tensor<4x3xf32> {mpt.role = #mpt.role<opt_state>, mpt.updates = "fc.weight.momentum"},
        tensor<3xf32> {mpt.role = #mpt.role<opt_state>, mpt.updates = "fc.bias.momentum"},
        tensor<f32> {mpt.role = #mpt.role<loss>}) {
  %wh = mpt.cast %w : tensor<4x3xf32> to tensor<4x3xf16>
  %xh = mpt.cast %x : tensor<2x4xf32> to tensor<2x4xf16>
  %zero = arith.constant 0.0 : f32
  %e23 = tensor.empty() : tensor<2x3xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e23 : tensor<2x3xf32>) -> tensor<2x3xf32>
  %y = linalg.matmul ins(%xh, %wh : tensor<2x4xf16>, tensor<4x3xf16>) outs(%acc : tensor<2x3xf32>) -> tensor<2x3xf32>
  %yb = linalg.generic {indexing_maps = [#id2, #col, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%y, %b : tensor<2x3xf32>, tensor<3xf32>) outs(%e23 : tensor<2x3xf32>) {
  ^bb0(%a: f32, %c: f32, %o: f32):
    %s = arith.addf %a, %c : f32
    linalg.yield %s : f32
  } -> tensor<2x3xf32>
  %e0 = tensor.empty() : tensor<f32>
  %s0 = linalg.fill ins(%zero : f32) outs(%e0 : tensor<f32>) -> tensor<f32>
  %sum = linalg.generic {indexing_maps = [#id2, #all], iterator_types = ["reduction", "reduction"]}
      ins(%yb : tensor<2x3xf32>) outs(%s0 : tensor<f32>) {
  ^bb0(%a: f32, %o: f32):
    %s = arith.addf %a, %o : f32
    linalg.yield %s : f32
  } -> tensor<f32>
  %loss = mpt.loss %sum : tensor<f32>
  %seed = mpt.grad_seed %loss : tensor<f32>
  %dy = linalg.generic {indexing_maps = [#all, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%seed : tensor<f32>) outs(%e23 : tensor<2x3xf32>) {
  ^bb0(%a: f32, %o: f32):
    linalg.yield %a : f32
  } -> tensor<2x3xf32>
  %dyh = mpt.cast %dy : tensor<2x3xf32> to tensor<2x3xf16>
  %e42h = tensor.empty() : tensor<4x2xf16>
  %xt = linalg.transpose ins(%xh : tensor<2x4xf16>) outs(%e42h : tensor<4x2xf16>) permutation = [1, 0]
  %e43 = tensor.empty() : tensor<4x3xf32>
  %acc43 = linalg.fill ins(%zero : f32) outs(%e43 : tensor<4x3xf32>) -> tensor<4x3xf32>
  %gw = linalg.matmul ins(%xt, %dyh : tensor<4x2xf16>, tensor<2x3xf16>) outs(%acc43 : tensor<4x3xf32>) -> tensor<4x3xf32>
  %gwh = mpt.cast %gw : tensor<4x3xf32> to tensor<4x3xf16>
  %e3 = tensor.empty() : tensor<3xf32>
  %acc3 = linalg.fill ins(%zero : f32) outs(%e3 : tensor<3xf32>) -> tensor<3xf32>
  %gb = linalg.generic {indexing_maps = [#id2, #col], iterator_types = ["reduction", "parallel"]}
      ins(%dy : tensor<2x3xf32>) outs(%acc3 : tensor<3xf32>) {
  ^bb0(%a: f32, %o: f32):
    %s = arith.addf %a, %o : f32
    linalg.yield %s : f32
  } -> tensor<3xf32>
  %w2, %mw2 = mpt.sgd %w, %gwh momentum_buffer(%mw) {lr = 0.1 : f32, momentum = 0.9 : f32} : tensor<4x3xf32>, tensor<4x3xf16>
  %b2, %mb2 = mpt.sgd %b, %gb momentum_buffer(%mb) {lr = 0.1 : f32, momentum = 0.9 : f32} : tensor<3xf32>
  return %w2, %b2, %mw2, %mb2, %loss : tensor<4x3xf32>, tensor<3xf32>, tensor<4x3xf32>, tensor<3xf32>, tensor<f32>
}

// -----

// Adam on two bf16-read parameters with the shared step count: two working
// copies in parameter order, m, v and the step stay FP32 and untouched, the
// step is returned once as before.
// CHECK-LABEL: func.func @mw_adam_two_working_copies_bf16
// CHECK-SAME: (%[[A:[^:]*]]: tensor<8xf32> {{.*}}mpt.name = "a"
// CHECK-SAME: %[[B:[^:]*]]: tensor<2x4xf32> {{.*}}mpt.name = "b"
// CHECK-SAME: %[[AC:[^:]*]]: tensor<8xbf16> {mpt.init = #mpt.init<dist = cast_of, source = "a">, mpt.name = "a.working_copy", mpt.role = #mpt.role<working_copy>},
// CHECK-SAME: %[[BC:[^:]*]]: tensor<2x4xbf16> {mpt.init = #mpt.init<dist = cast_of, source = "b">, mpt.name = "b.working_copy", mpt.role = #mpt.role<working_copy>},
// CHECK-SAME: %[[AM:[^:]*]]: tensor<8xf32> {{.*}}mpt.name = "a.adam_m"
// CHECK-SAME: %[[AV:[^:]*]]: tensor<8xf32> {{.*}}mpt.name = "a.adam_v"
// CHECK-SAME: %[[BM:[^:]*]]: tensor<2x4xf32> {{.*}}mpt.name = "b.adam_m"
// CHECK-SAME: %[[BV:[^:]*]]: tensor<2x4xf32> {{.*}}mpt.name = "b.adam_v"
// CHECK-SAME: %[[T:[^:]*]]: tensor<f32> {{.*}}mpt.name = "adam.step"
// CHECK-SAME: %[[GA:[^:]*]]: tensor<8xbf16>, %[[GB:[^:]*]]: tensor<2x4xf32>)
// CHECK-SAME: -> (tensor<8xf32> {mpt.role = #mpt.role<param>, mpt.updates = "a"}, tensor<2x4xf32> {mpt.role = #mpt.role<param>, mpt.updates = "b"},
// CHECK-SAME: tensor<8xbf16> {mpt.role = #mpt.role<working_copy>, mpt.updates = "a.working_copy"}, tensor<2x4xbf16> {mpt.role = #mpt.role<working_copy>, mpt.updates = "b.working_copy"},
// CHECK-SAME: tensor<8xf32> {mpt.role = #mpt.role<opt_state>, mpt.updates = "a.adam_m"}
// CHECK: %[[A2:[^,]*]], %[[AM2:[^,]*]], %[[AV2:[^,]*]], %[[T2:[^,]*]], %[[AC2:[^ ]*]] = mpt.adam %[[A]], %[[GA]], %[[AM]], %[[AV]], %[[T]] {lr = 1.000000e-03 : f32} : tensor<8xf32>, tensor<8xbf16> -> tensor<8xbf16>
// CHECK: %[[B2:[^,]*]], %[[BM2:[^,]*]], %[[BV2:[^,]*]], %{{[^,]*}}, %[[BC2:[^ ]*]] = mpt.adam %[[B]], %[[GB]], %[[BM]], %[[BV]], %[[T]] {lr = 1.000000e-03 : f32} : tensor<2x4xf32> -> tensor<2x4xbf16>
// CHECK: return %[[A2]], %[[B2]], %[[AC2]], %[[BC2]], %[[AM2]], %[[AV2]], %[[BM2]], %[[BV2]], %[[T2]], %[[AC]], %[[BC]] :
func.func @mw_adam_two_working_copies_bf16(
    %a: tensor<8xf32> {mpt.role = #mpt.role<param>, mpt.name = "a", mpt.init = #mpt.init<dist = zeros>},
    %b: tensor<2x4xf32> {mpt.role = #mpt.role<param>, mpt.name = "b", mpt.init = #mpt.init<dist = uniform, low = -1.0, high = 1.0, seed = 3>},
    %am: tensor<8xf32> {mpt.role = #mpt.role<opt_state>, mpt.name = "a.adam_m", mpt.init = #mpt.init<dist = zeros>},
    %av: tensor<8xf32> {mpt.role = #mpt.role<opt_state>, mpt.name = "a.adam_v", mpt.init = #mpt.init<dist = zeros>},
    %bm: tensor<2x4xf32> {mpt.role = #mpt.role<opt_state>, mpt.name = "b.adam_m", mpt.init = #mpt.init<dist = zeros>},
    %bv: tensor<2x4xf32> {mpt.role = #mpt.role<opt_state>, mpt.name = "b.adam_v", mpt.init = #mpt.init<dist = zeros>},
    %t: tensor<f32> {mpt.role = #mpt.role<opt_state>, mpt.name = "adam.step", mpt.init = #mpt.init<dist = zeros>},
    %ga: tensor<8xbf16>, %gb: tensor<2x4xf32>)
    -> (tensor<8xf32> {mpt.role = #mpt.role<param>, mpt.updates = "a"}, tensor<2x4xf32> {mpt.role = #mpt.role<param>, mpt.updates = "b"},
        tensor<8xf32> {mpt.role = #mpt.role<opt_state>, mpt.updates = "a.adam_m"}, tensor<8xf32> {mpt.role = #mpt.role<opt_state>, mpt.updates = "a.adam_v"},
        tensor<2x4xf32> {mpt.role = #mpt.role<opt_state>, mpt.updates = "b.adam_m"}, tensor<2x4xf32> {mpt.role = #mpt.role<opt_state>, mpt.updates = "b.adam_v"},
        tensor<f32> {mpt.role = #mpt.role<opt_state>, mpt.updates = "adam.step"}, tensor<8xbf16>, tensor<2x4xbf16>) {
  %ah = mpt.cast %a : tensor<8xf32> to tensor<8xbf16>
  %bh = mpt.cast %b : tensor<2x4xf32> to tensor<2x4xbf16>
  %a2, %am2, %av2, %t2 = mpt.adam %a, %ga, %am, %av, %t {lr = 1.0e-3 : f32} : tensor<8xf32>, tensor<8xbf16>
  %b2, %bm2, %bv2, %t3 = mpt.adam %b, %gb, %bm, %bv, %t {lr = 1.0e-3 : f32} : tensor<2x4xf32>
  return %a2, %b2, %am2, %av2, %bm2, %bv2, %t2, %ah, %bh : tensor<8xf32>, tensor<2x4xf32>, tensor<8xf32>, tensor<8xf32>, tensor<2x4xf32>, tensor<2x4xf32>, tensor<f32>, tensor<8xbf16>, tensor<2x4xbf16>
}

// -----

// A step written without signature attributes (as the input form of docs/dialect.md allows): the pass
// names and marks the parameter, its state and the results, so a runtime
// can bind the signature. Casts of the parameter anywhere in the body (here
// two of them, one late) all read the one working copy.
// CHECK-LABEL: func.func @mw_attaches_roles_to_bare_step
// CHECK-SAME: (%[[W:[^:]*]]: tensor<4xf32> {mpt.name = "param0", mpt.role = #mpt.role<param>},
// CHECK-SAME: %[[WC:[^:]*]]: tensor<4xf16> {mpt.init = #mpt.init<dist = cast_of, source = "param0">, mpt.name = "param0.working_copy", mpt.role = #mpt.role<working_copy>},
// CHECK-SAME: %[[M:[^:]*]]: tensor<4xf32> {mpt.name = "param0.momentum", mpt.role = #mpt.role<opt_state>},
// CHECK-SAME: %[[G:[^:]*]]: tensor<4xf16>)
// CHECK-SAME: -> (tensor<4xf32> {mpt.role = #mpt.role<param>, mpt.updates = "param0"},
// CHECK-SAME: tensor<4xf16> {mpt.role = #mpt.role<working_copy>, mpt.updates = "param0.working_copy"},
// CHECK-SAME: tensor<4xf32> {mpt.role = #mpt.role<opt_state>, mpt.updates = "param0.momentum"},
// CHECK-SAME: tensor<f32> {mpt.role = #mpt.role<loss>},
// CHECK-SAME: tensor<4xf16>, tensor<4xf16>)
// CHECK-NOT: mpt.cast
// CHECK: %[[W2:[^,]*]], %[[M2:[^,]*]], %[[WC2:[^ ]*]] = mpt.sgd %[[W]], %[[G]] momentum_buffer(%[[M]]) {{.*}} -> tensor<4xf16>
// CHECK: return %[[W2]], %[[WC2]], %[[M2]], %{{.*}}, %[[WC]], %[[WC]] :
func.func @mw_attaches_roles_to_bare_step(%w: tensor<4xf32>, %m: tensor<4xf32>, %g: tensor<4xf16>)
    -> (tensor<4xf32>, tensor<4xf32>, tensor<f32>, tensor<4xf16>, tensor<4xf16>) {
  %wh = mpt.cast %w : tensor<4xf32> to tensor<4xf16>
  %l = arith.constant dense<1.0> : tensor<f32>
  %loss = mpt.loss %l : tensor<f32>
  %w2:2 = mpt.sgd %w, %g momentum_buffer(%m) {lr = 0.5 : f32, momentum = 0.5 : f32} : tensor<4xf32>, tensor<4xf16>
  %late = mpt.cast %w : tensor<4xf32> to tensor<4xf16>
  return %w2#0, %w2#1, %loss, %wh, %late : tensor<4xf32>, tensor<4xf32>, tensor<f32>, tensor<4xf16>, tensor<4xf16>
}

// -----

// The forward-only evaluation function has no optimizer ops and keeps its
// FP32 casts and signature; the training step next to it is rewritten.
// CHECK-LABEL: func.func @mw_train
// CHECK-SAME: mpt.name = "w.working_copy"
// CHECK-LABEL: func.func @mw_eval_untouched
// CHECK-SAME: (%[[W:[^:]*]]: tensor<4xf32> {mpt.name = "w", mpt.role = #mpt.role<param>}) -> tensor<4xf16>
// CHECK: %[[C:.*]] = mpt.cast %[[W]] : tensor<4xf32> to tensor<4xf16>
// CHECK: return %[[C]]
func.func @mw_train(%w: tensor<4xf32> {mpt.role = #mpt.role<param>, mpt.name = "w"}, %g: tensor<4xf32>)
    -> (tensor<4xf32> {mpt.role = #mpt.role<param>, mpt.updates = "w"}, tensor<4xf16>) {
  %wh = mpt.cast %w : tensor<4xf32> to tensor<4xf16>
  %w2 = mpt.sgd %w, %g {lr = 0.5 : f32} : tensor<4xf32>
  return %w2, %wh : tensor<4xf32>, tensor<4xf16>
}
func.func @mw_eval_untouched(%w: tensor<4xf32> {mpt.role = #mpt.role<param>, mpt.name = "w"}) -> tensor<4xf16> {
  %wh = mpt.cast %w : tensor<4xf32> to tensor<4xf16>
  return %wh : tensor<4xf16>
}

// -----

// A parameter whose working copy name is taken gets a unique one.
// CHECK-LABEL: func.func @mw_unique_working_copy_name
// CHECK-SAME: {mpt.init = #mpt.init<dist = cast_of, source = "w">, mpt.name = "w.working_copy.1", mpt.role = #mpt.role<working_copy>}
// CHECK-SAME: mpt.name = "w.working_copy", mpt.role = #mpt.role<input>
// CHECK-SAME: {mpt.role = #mpt.role<working_copy>, mpt.updates = "w.working_copy.1"}
func.func @mw_unique_working_copy_name(%w: tensor<4xf32> {mpt.role = #mpt.role<param>, mpt.name = "w"},
                                       %other: tensor<4xf32> {mpt.role = #mpt.role<input>, mpt.name = "w.working_copy"})
    -> (tensor<4xf32> {mpt.role = #mpt.role<param>, mpt.updates = "w"}, tensor<4xf16>) {
  %wh = mpt.cast %w : tensor<4xf32> to tensor<4xf16>
  %w2 = mpt.sgd %w, %other {lr = 0.5 : f32} : tensor<4xf32>
  return %w2, %wh : tensor<4xf32>, tensor<4xf16>
}
