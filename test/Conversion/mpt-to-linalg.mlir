// convert-mpt-to-linalg: every mpt op becomes linalg / arith / math / tensor.
// RUN: mpt-opt %s -split-input-file -convert-mpt-to-linalg | FileCheck %s --implicit-check-not="mpt.{{[a-z_]+}} "

// CHECK-LABEL: func.func @lower_loss_and_seed
// CHECK-SAME: (%[[L:[^:]*]]: tensor<f32>, %[[S:[^:]*]]: tensor<f32>,
// CHECK-DAG: %[[ONE:.*]] = arith.constant dense<1.000000e+00> : tensor<f32>
// CHECK-DAG: %[[SX:.*]] = tensor.extract %[[S]][] : tensor<f32>
// CHECK: %[[SH:.*]] = arith.truncf %[[SX]] : f32 to f16
// CHECK: %[[SEEDH:.*]] = tensor.from_elements %[[SH]] : tensor<f16>
// CHECK: return %[[L]], %[[ONE]], %[[S]], %[[SEEDH]]
func.func @lower_loss_and_seed(%l: tensor<f32>, %s: tensor<f32>, %lh: tensor<f16>)
    -> (tensor<f32>, tensor<f32>, tensor<f32>, tensor<f16>) {
  %loss = mpt.loss %l : tensor<f32>
  %seed = mpt.grad_seed %loss : tensor<f32>
  %scaled = mpt.grad_seed %loss scale(%s) : tensor<f32>
  %lossh = mpt.loss %lh : tensor<f16>
  %scaledh = mpt.grad_seed %lossh scale(%s) : tensor<f16>
  return %loss, %seed, %scaled, %scaledh : tensor<f32>, tensor<f32>, tensor<f32>, tensor<f16>
}

// -----

// Narrowing is one arith.truncf (round to nearest even), widening one
// arith.extf, f16 -> bf16 widens exactly first so it rounds once; scalars
// stay scalar; a cast to the same type disappears.
// CHECK-LABEL: func.func @lower_casts
// CHECK: linalg.generic {{.*}} ins(%{{.*}} : tensor<2x3xf32>) outs(%{{.*}} : tensor<2x3xf16>)
// CHECK: ^bb0(%[[IN:.*]]: f32, %{{.*}}: f16):
// CHECK-NEXT: %[[T:.*]] = arith.truncf %[[IN]] : f32 to f16
// CHECK-NEXT: linalg.yield %[[T]] : f16
// CHECK: linalg.generic {{.*}} ins(%{{.*}} : tensor<2x3xbf16>) outs(%{{.*}} : tensor<2x3xf32>)
// CHECK: arith.extf %{{.*}} : bf16 to f32
// CHECK: linalg.generic {{.*}} ins(%{{.*}} : tensor<2x3xf16>) outs(%{{.*}} : tensor<2x3xbf16>)
// CHECK: %[[W:.*]] = arith.extf %{{.*}} : f16 to f32
// CHECK-NEXT: arith.truncf %[[W]] : f32 to bf16
// CHECK: %[[SC:.*]] = arith.truncf %{{.*}} : f32 to bf16
// CHECK: return {{.*}}, %[[SC]], %{{[^ ]*}} :
func.func @lower_casts(%x: tensor<2x3xf32>, %b: tensor<2x3xbf16>, %h: tensor<2x3xf16>, %s: f32, %d: tensor<?xf32>)
    -> (tensor<2x3xf16>, tensor<2x3xf32>, tensor<2x3xbf16>, bf16, tensor<?xf32>) {
  %0 = mpt.cast %x : tensor<2x3xf32> to tensor<2x3xf16>
  %1 = mpt.cast %b : tensor<2x3xbf16> to tensor<2x3xf32>
  %2 = mpt.cast %h : tensor<2x3xf16> to tensor<2x3xbf16>
  %3 = mpt.cast %s : f32 to bf16
  %4 = mpt.cast %d : tensor<?xf32> to tensor<?xf32>
  return %0, %1, %2, %3, %4 : tensor<2x3xf16>, tensor<2x3xf32>, tensor<2x3xbf16>, bf16, tensor<?xf32>
}

// -----

// Dynamic shapes: the outputs take their sizes from the input.
// CHECK-LABEL: func.func @lower_cast_dynamic
// CHECK: %[[D:.*]] = tensor.dim %{{.*}}, %{{.*}} : tensor<?x4xf32>
// CHECK: tensor.empty(%[[D]]) : tensor<?x4xf16>
func.func @lower_cast_dynamic(%x: tensor<?x4xf32>) -> tensor<?x4xf16> {
  %0 = mpt.cast %x : tensor<?x4xf32> to tensor<?x4xf16>
  return %0 : tensor<?x4xf16>
}

// -----

// SGD with momentum, Nesterov, weight decay, an f16 gradient, inv_scale,
// found_inf and a working copy: one elementwise generic computing in f32;
// every stored result selects the old value when found_inf is set; the
// working copy is the rounding of the stored parameter.
// CHECK-LABEL: func.func @lower_sgd
// CHECK-SAME: (%[[P:[^:]*]]: tensor<4xf32>, %[[G:[^:]*]]: tensor<4xf16>, %[[M:[^:]*]]: tensor<4xf32>, %[[INV:[^:]*]]: tensor<f32>, %[[F:[^:]*]]: tensor<i1>)
// CHECK-DAG: %[[INVX:.*]] = tensor.extract %[[INV]][] : tensor<f32>
// CHECK-DAG: %[[FX:.*]] = tensor.extract %[[F]][] : tensor<i1>
// CHECK: %[[R:.*]]:3 = linalg.generic {{.*}} iterator_types = ["parallel"]} ins(%[[P]], %[[G]], %[[M]] : tensor<4xf32>, tensor<4xf16>, tensor<4xf32>) outs({{.*}} : tensor<4xf32>, tensor<4xf32>, tensor<4xf16>)
// CHECK-NEXT: ^bb0(%[[PE:[^:]*]]: f32, %[[GE:[^:]*]]: f16, %[[ME:[^:]*]]: f32,
// CHECK-NEXT: %[[GF:.*]] = arith.extf %[[GE]] : f16 to f32
// CHECK-NEXT: %[[GU:.*]] = arith.mulf %[[GF]], %[[INVX]] : f32
// CHECK-NEXT: %[[WD:.*]] = arith.constant 9.99999974E-5 : f32
// CHECK-NEXT: %[[WDP:.*]] = arith.mulf %[[WD]], %[[PE]] : f32
// CHECK-NEXT: %[[GD:.*]] = arith.addf %[[GU]], %[[WDP]] : f32
// CHECK-NEXT: %[[MU:.*]] = arith.constant 0.899999976 : f32
// CHECK-NEXT: %[[MB:.*]] = arith.mulf %[[MU]], %[[ME]] : f32
// CHECK-NEXT: %[[NB:.*]] = arith.addf %[[MB]], %[[GD]] : f32
// CHECK-NEXT: %[[MU2:.*]] = arith.constant 0.899999976 : f32
// CHECK-NEXT: %[[NMB:.*]] = arith.mulf %[[MU2]], %[[NB]] : f32
// CHECK-NEXT: %[[UPD:.*]] = arith.addf %[[GD]], %[[NMB]] : f32
// CHECK-NEXT: %[[LR:.*]] = arith.constant 1.000000e-01 : f32
// CHECK-NEXT: %[[STEP:.*]] = arith.mulf %[[LR]], %[[UPD]] : f32
// CHECK-NEXT: %[[NP:.*]] = arith.subf %[[PE]], %[[STEP]] : f32
// CHECK-NEXT: %[[SP:.*]] = arith.select %[[FX]], %[[PE]], %[[NP]] : f32
// CHECK-NEXT: %[[SB:.*]] = arith.select %[[FX]], %[[ME]], %[[NB]] : f32
// CHECK-NEXT: %[[WC:.*]] = arith.truncf %[[SP]] : f32 to f16
// CHECK-NEXT: linalg.yield %[[SP]], %[[SB]], %[[WC]] : f32, f32, f16
// CHECK: return %[[R]]#0, %[[R]]#1, %[[R]]#2
func.func @lower_sgd(%p: tensor<4xf32>, %g: tensor<4xf16>, %m: tensor<4xf32>, %inv: tensor<f32>, %f: tensor<i1>)
    -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf16>) {
  %0:3 = mpt.sgd %p, %g momentum_buffer(%m) inv_scale(%inv) found_inf(%f)
      {lr = 0.1 : f32, momentum = 0.9 : f32, weight_decay = 1.0e-4 : f32, nesterov}
      : tensor<4xf32>, tensor<4xf16> -> tensor<4xf16>
  return %0#0, %0#1, %0#2 : tensor<4xf32>, tensor<4xf32>, tensor<4xf16>
}

// -----

// Pure low precision: an f16 parameter is widened, updated in f32 and
// rounded once; the skip selects the stored f16 value.
// CHECK-LABEL: func.func @lower_sgd_f16_param
// CHECK: ^bb0(%[[PE:[^:]*]]: f16, %[[GE:[^:]*]]: f32,
// CHECK-NEXT: %[[PF:.*]] = arith.extf %[[PE]] : f16 to f32
// CHECK: %[[NP:.*]] = arith.subf %[[PF]], %{{.*}} : f32
// CHECK-NEXT: %[[NH:.*]] = arith.truncf %[[NP]] : f32 to f16
// CHECK-NEXT: %[[S:.*]] = arith.select %{{.*}}, %[[PE]], %[[NH]] : f16
// CHECK-NEXT: linalg.yield %[[S]] : f16
func.func @lower_sgd_f16_param(%p: tensor<4xf16>, %g: tensor<4xf32>, %f: tensor<i1>) -> tensor<4xf16> {
  %0 = mpt.sgd %p, %g found_inf(%f) {lr = 1.0e-4 : f32} : tensor<4xf16>, tensor<4xf32>
  return %0 : tensor<4xf16>
}

// -----

// Adam: step + 1 and the bias corrections 1 - beta^t are scalar code; the
// skipped step keeps the old count; one generic updates p, m, v (and the
// working copy).
// CHECK-LABEL: func.func @lower_adam
// CHECK-SAME: (%[[P:[^:]*]]: tensor<4xf32>, %[[G:[^:]*]]: tensor<4xbf16>, %[[M:[^:]*]]: tensor<4xf32>, %[[V:[^:]*]]: tensor<4xf32>, %[[T:[^:]*]]: tensor<f32>, %[[F:[^:]*]]: tensor<i1>)
// CHECK: %[[FX:.*]] = tensor.extract %[[F]][] : tensor<i1>
// CHECK: %[[TX:.*]] = tensor.extract %[[T]][] : tensor<f32>
// CHECK: %[[T1:.*]] = arith.addf %[[TX]], %{{.*}} : f32
// CHECK: %[[NT:.*]] = arith.select %[[FX]], %[[TX]], %[[T1]] : f32
// CHECK: %[[B1:.*]] = arith.constant 0.899999976 : f32
// CHECK: %[[B1T:.*]] = math.powf %[[B1]], %[[T1]] : f32
// CHECK: %[[C1:.*]] = arith.subf %{{.*}}, %[[B1T]] : f32
// CHECK: math.powf %{{.*}}, %[[T1]] : f32
// CHECK: %[[R:.*]]:4 = linalg.generic {{.*}} ins(%[[P]], %[[G]], %[[M]], %[[V]] : tensor<4xf32>, tensor<4xbf16>, tensor<4xf32>, tensor<4xf32>) outs({{.*}} : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xbf16>)
// CHECK: arith.extf %{{.*}} : bf16 to f32
// CHECK: arith.divf %{{.*}}, %[[C1]] : f32
// CHECK: math.sqrt
// CHECK: arith.select %[[FX]]
// CHECK: arith.select %[[FX]]
// CHECK: arith.select %[[FX]]
// CHECK: arith.truncf %{{.*}} : f32 to bf16
// CHECK: %[[NTT:.*]] = tensor.from_elements %[[NT]] : tensor<f32>
// CHECK: return %[[R]]#0, %[[R]]#1, %[[R]]#2, %[[NTT]], %[[R]]#3
func.func @lower_adam(%p: tensor<4xf32>, %g: tensor<4xbf16>, %m: tensor<4xf32>, %v: tensor<4xf32>, %t: tensor<f32>, %f: tensor<i1>)
    -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<f32>, tensor<4xbf16>) {
  %0:5 = mpt.adam %p, %g, %m, %v, %t found_inf(%f) {lr = 1.0e-3 : f32, weight_decay = 0.01 : f32}
      : tensor<4xf32>, tensor<4xbf16> -> tensor<4xbf16>
  return %0#0, %0#1, %0#2, %0#3, %0#4 : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<f32>, tensor<4xbf16>
}

// -----

// Unscale: f32(g) * (1 / scale) per gradient; found_inf: a chain of
// reductions ORing "|x| ueq inf" (true for inf and NaN) into one i1.
// CHECK-LABEL: func.func @lower_unscale_and_check
// CHECK: %[[SX:.*]] = tensor.extract %{{.*}}[] : tensor<f32>
// CHECK: %[[INV:.*]] = arith.divf %{{.*}}, %[[SX]] : f32
// CHECK: %[[U0:.*]] = linalg.generic {{.*}} ins(%{{.*}} : tensor<2x3xf16>) outs(%{{.*}} : tensor<2x3xf32>)
// CHECK: arith.mulf %{{.*}}, %[[INV]] : f32
// CHECK: %[[U1:.*]] = linalg.generic {{.*}} ins(%{{.*}} : tensor<5xf32>) outs(%{{.*}} : tensor<5xf32>)
// CHECK: %[[FALSE:.*]] = arith.constant false
// CHECK: %[[INIT:.*]] = linalg.fill ins(%[[FALSE]] : i1) outs(%{{.*}} : tensor<i1>)
// CHECK: %[[INF:.*]] = arith.constant 0x7F800000 : f32
// CHECK: %[[F0:.*]] = linalg.generic {{.*}} iterator_types = ["reduction", "reduction"]} ins(%[[U0]] : tensor<2x3xf32>) outs(%[[INIT]] : tensor<i1>)
// CHECK: %[[ABS:.*]] = math.absf
// CHECK-NEXT: %[[NF:.*]] = arith.cmpf ueq, %[[ABS]], %[[INF]] : f32
// CHECK-NEXT: arith.ori %{{.*}}, %[[NF]] : i1
// CHECK: %[[F1:.*]] = linalg.generic {{.*}} iterator_types = ["reduction"]} ins(%[[U1]] : tensor<5xf32>) outs(%[[F0]] : tensor<i1>)
// CHECK: return %[[U0]], %[[U1]], %[[F1]]
func.func @lower_unscale_and_check(%a: tensor<2x3xf16>, %b: tensor<5xf32>, %s: tensor<f32>)
    -> (tensor<2x3xf32>, tensor<5xf32>, tensor<i1>) {
  %u:2, %f = mpt.unscale_and_check %a, %b scale(%s) : tensor<2x3xf16>, tensor<5xf32> -> tensor<2x3xf32>, tensor<5xf32>
  return %u#0, %u#1, %f : tensor<2x3xf32>, tensor<5xf32>, tensor<i1>
}

// -----

// overflow_type = f16: each gradient's reduction also reads the scaled
// gradient and flags |f32(g)| >= 65520, the smallest f32 that rounds to an
// infinity in f16 (65504 + half its ulp of 32; the tie rounds to even, up).
// CHECK-LABEL: func.func @lower_unscale_and_check_f16_range
// CHECK-DAG: %[[INF:.*]] = arith.constant 0x7F800000 : f32
// CHECK-DAG: %[[LIM:.*]] = arith.constant 6.552000e+04 : f32
// CHECK: linalg.generic {{.*}} ins(%{{.*}}, %[[G:[^ ]*]] : tensor<5xf32>, tensor<5xf32>) outs(%{{.*}} : tensor<i1>)
// CHECK: %[[ABS:.*]] = math.absf
// CHECK-NEXT: %[[NF:.*]] = arith.cmpf ueq, %[[ABS]], %[[INF]] : f32
// CHECK-NEXT: %[[SA:.*]] = math.absf
// CHECK-NEXT: %[[BIG:.*]] = arith.cmpf oge, %[[SA]], %[[LIM]] : f32
// CHECK-NEXT: %[[ANY:.*]] = arith.ori %[[NF]], %[[BIG]] : i1
// CHECK-NEXT: arith.ori %{{.*}}, %[[ANY]] : i1
func.func @lower_unscale_and_check_f16_range(%b: tensor<5xf32>, %s: tensor<f32>) -> (tensor<5xf32>, tensor<i1>) {
  %u, %f = mpt.unscale_and_check %b scale(%s) {overflow_type = f16} : tensor<5xf32> -> tensor<5xf32>
  return %u, %f : tensor<5xf32>, tensor<i1>
}

// -----

// The scale update is branch-free scalar code.
// CHECK-LABEL: func.func @lower_update_scale
// CHECK-DAG: %[[S:.*]] = tensor.extract %{{.*}}[] : tensor<f32>
// CHECK-DAG: %[[GT:.*]] = tensor.extract %{{.*}}[] : tensor<i32>
// CHECK-DAG: %[[HT:.*]] = tensor.extract %{{.*}}[] : tensor<i32>
// CHECK-DAG: %[[F:.*]] = tensor.extract %{{.*}}[] : tensor<i1>
// CHECK: %[[BACK:.*]] = arith.mulf %[[S]], %{{.*}} : f32
// CHECK: %[[CLAMPED:.*]] = arith.maximumf %[[BACK]], %{{.*}} : f32
// CHECK: %[[EX:.*]] = arith.cmpi sle, %[[HT]], %{{.*}} : i32
// CHECK: %[[OS:.*]] = arith.select %[[EX]], %[[CLAMPED]], %[[S]] : f32
// CHECK: %[[CNT:.*]] = arith.addi %[[GT]], %{{.*}} : i32
// CHECK: %[[AT:.*]] = arith.cmpi sge, %[[CNT]], %{{.*}} : i32
// CHECK: %[[GROWN:.*]] = arith.mulf %[[S]], %{{.*}} : f32
// CHECK: %[[MAX:.*]] = arith.constant 1.600000e+01 : f32
// CHECK: %[[OK:.*]] = arith.cmpf ole, %[[GROWN]], %[[MAX]] : f32
// CHECK: %[[NS:.*]] = arith.select %[[F]], %[[OS]], %{{.*}} : f32
// CHECK: tensor.from_elements %[[NS]] : tensor<f32>
// CHECK-NOT: scf.if
// CHECK-NOT: cf.cond_br
func.func @lower_update_scale(%s: tensor<f32>, %g: tensor<i32>, %h: tensor<i32>, %f: tensor<i1>)
    -> (tensor<f32>, tensor<i32>, tensor<i32>) {
  %0:3 = mpt.update_scale %s, %g, %h found_inf(%f) {growth_interval = 3 : i64, hysteresis = 2 : i64, min_scale = 1.0 : f32, max_scale = 16.0 : f32}
  return %0#0, %0#1, %0#2 : tensor<f32>, tensor<i32>, tensor<i32>
}

// -----

// Fused matmul: linalg.matmul on the f16 operands into a zero-filled f32
// accumulator, then one epilogue generic: + bias, ReLU, one rounding, mask.
// CHECK-LABEL: func.func @lower_fused_matmul
// CHECK-SAME: (%[[A:[^:]*]]: tensor<2x3xf16>, %[[B:[^:]*]]: tensor<3x4xf16>, %[[BIAS:[^:]*]]: tensor<4xf32>)
// CHECK: %[[ACC:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<2x4xf32>)
// CHECK: %[[MM:.*]] = linalg.matmul ins(%[[A]], %[[B]] : tensor<2x3xf16>, tensor<3x4xf16>) outs(%[[ACC]] : tensor<2x4xf32>)
// CHECK: %[[E:.*]]:2 = linalg.generic {indexing_maps = [#{{.*}}, #{{.*}}, #{{.*}}, #{{.*}}], iterator_types = ["parallel", "parallel"]} ins(%[[MM]], %[[BIAS]] : tensor<2x4xf32>, tensor<4xf32>) outs(%{{.*}}, %{{.*}} : tensor<2x4xf16>, tensor<2x4xi1>)
// CHECK-NEXT: ^bb0(%[[X:[^:]*]]: f32, %[[BB:[^:]*]]: f32,
// CHECK-NEXT: %[[PRE:.*]] = arith.addf %[[X]], %[[BB]] : f32
// CHECK-NEXT: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK-NEXT: %[[RELU:.*]] = arith.maximumf %[[PRE]], %[[ZERO]] : f32
// CHECK-NEXT: %[[OUT:.*]] = arith.truncf %[[RELU]] : f32 to f16
// CHECK-NEXT: %[[MASK:.*]] = arith.cmpf ogt, %[[PRE]], %[[ZERO]] : f32
// CHECK-NEXT: linalg.yield %[[OUT]], %[[MASK]] : f16, i1
// CHECK: return %[[E]]#0, %[[E]]#1
func.func @lower_fused_matmul(%a: tensor<2x3xf16>, %b: tensor<3x4xf16>, %bias: tensor<4xf32>) -> (tensor<2x4xf16>, tensor<2x4xi1>) {
  %y, %mask = mpt.fused_matmul %a, %b bias(%bias : tensor<4xf32>) epilogue<bias_relu> aux<relu_mask>
      : tensor<2x3xf16>, tensor<3x4xf16> -> tensor<2x4xf16>, tensor<2x4xi1>
  return %y, %mask : tensor<2x4xf16>, tensor<2x4xi1>
}

// -----

// Fused conv: zero padding as tensor.pad, the conv with strides and
// dilations into an f32 accumulator, the epilogue with a per-channel bias.
// CHECK-DAG: #[[$CH:.*]] = affine_map<(d0, d1, d2, d3) -> (d3)>
// CHECK-DAG: #[[$CHNCHW:.*]] = affine_map<(d0, d1, d2, d3) -> (d1)>
// CHECK-LABEL: func.func @lower_fused_conv_nhwc
// CHECK: %[[PAD:.*]] = tensor.pad %{{.*}} low[0, 1, 2, 0] high[0, 3, 4, 0]
// CHECK: tensor<1x5x5x2xbf16> to tensor<1x9x11x2xbf16>
// CHECK: %[[ACC:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<1x4x7x3xf32>)
// CHECK: %[[CONV:.*]] = linalg.conv_2d_nhwc_hwcf {dilations = dense<[1, 2]> : tensor<2xi64>, strides = dense<[2, 1]> : tensor<2xi64>} ins(%[[PAD]], %{{.*}} : tensor<1x9x11x2xbf16>, tensor<3x3x2x3xbf16>) outs(%[[ACC]] : tensor<1x4x7x3xf32>)
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #[[$CH]], #{{.*}}], {{.*}} ins(%[[CONV]], %{{.*}} : tensor<1x4x7x3xf32>, tensor<3xbf16>) outs(%{{.*}} : tensor<1x4x7x3xbf16>)
// CHECK: arith.extf %{{.*}} : bf16 to f32
// CHECK: arith.truncf %{{.*}} : f32 to bf16
func.func @lower_fused_conv_nhwc(%x: tensor<1x5x5x2xbf16>, %k: tensor<3x3x2x3xbf16>, %b: tensor<3xbf16>) -> tensor<1x4x7x3xbf16> {
  %y = mpt.fused_conv2d %x, %k bias(%b : tensor<3xbf16>) layout<nhwc_hwcf> epilogue<bias>
      {padding = array<i64: 1, 2, 3, 4>, strides = array<i64: 2, 1>, dilations = array<i64: 1, 2>}
      : tensor<1x5x5x2xbf16>, tensor<3x3x2x3xbf16> -> tensor<1x4x7x3xbf16>
  return %y : tensor<1x4x7x3xbf16>
}

// CHECK-LABEL: func.func @lower_fused_conv_nchw_pre_activation
// CHECK: linalg.conv_2d_nchw_fchw
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #[[$CHNCHW]], #{{.*}}, #{{.*}}]
// CHECK: %[[PRE:.*]] = arith.addf
// CHECK: %[[RELU:.*]] = arith.maximumf %[[PRE]]
// CHECK: %[[OUT:.*]] = arith.truncf %[[RELU]] : f32 to f16
// CHECK: %[[AUX:.*]] = arith.truncf %[[PRE]] : f32 to f16
// CHECK: linalg.yield %[[OUT]], %[[AUX]] : f16, f16
func.func @lower_fused_conv_nchw_pre_activation(%x: tensor<2x3x4x4xf16>, %k: tensor<5x3x3x3xf16>, %b: tensor<5xf32>)
    -> (tensor<2x5x2x2xf16>, tensor<2x5x2x2xf16>) {
  %y, %pre = mpt.fused_conv2d %x, %k bias(%b : tensor<5xf32>) layout<nchw_fchw> epilogue<bias_relu> aux<pre_activation>
      : tensor<2x3x4x4xf16>, tensor<5x3x3x3xf16> -> tensor<2x5x2x2xf16>, tensor<2x5x2x2xf16>
  return %y, %pre : tensor<2x5x2x2xf16>, tensor<2x5x2x2xf16>
}

// -----

// A plain f32 matmul without epilogue is just the contraction.
// CHECK-LABEL: func.func @lower_fused_matmul_plain_f32
// CHECK: %[[MM:.*]] = linalg.matmul
// CHECK-NOT: linalg.generic
// CHECK: return %[[MM]]
func.func @lower_fused_matmul_plain_f32(%a: tensor<?x3xf32>, %b: tensor<3x4xf32>) -> tensor<?x4xf32> {
  %y = mpt.fused_matmul %a, %b epilogue<none> : tensor<?x3xf32>, tensor<3x4xf32> -> tensor<?x4xf32>
  return %y : tensor<?x4xf32>
}
