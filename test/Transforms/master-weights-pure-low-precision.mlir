// mpt-master-weights{fp32-masters=false}: pure low-precision training, kept
// only to show what master weights buy. Parameters and their momentum / Adam
// moments are stored in the low type (the one the graph casts them to); the
// optimizer op still computes in FP32 and rounds its results to that type;
// FP32 readers of a parameter read an up-cast; the Adam step stays f32.
// RUN: mpt-opt %s -split-input-file -mpt-master-weights=fp32-masters=false | FileCheck %s
// RUN: mpt-opt %s -split-input-file -mpt-master-weights=fp32-masters=false -mpt-master-weights=fp32-masters=false | FileCheck %s

// CHECK-LABEL: func.func @mw_pure_f16_sgd
// CHECK-SAME: (%[[W:[^:]*]]: tensor<4xf16> {mpt.init = #mpt.init<dist = constant, value = 1.000000e+00>, mpt.name = "w", mpt.role = #mpt.role<param>},
// CHECK-SAME: %[[M:[^:]*]]: tensor<4xf16> {mpt.init = #mpt.init<dist = zeros>, mpt.name = "w.momentum", mpt.role = #mpt.role<opt_state>},
// CHECK-SAME: %[[G:[^:]*]]: tensor<4xf32>)
// CHECK-SAME: -> (tensor<4xf16> {mpt.role = #mpt.role<param>, mpt.updates = "w"}, tensor<4xf16> {mpt.role = #mpt.role<opt_state>, mpt.updates = "w.momentum"}, tensor<4xf16>, tensor<4xf32>)
// CHECK-NEXT: %[[UP:.*]] = mpt.cast %[[W]] : tensor<4xf16> to tensor<4xf32>
// CHECK-NOT: mpt.cast
// CHECK: %[[W2:[^,]*]], %[[M2:[^ ]*]] = mpt.sgd %[[W]], %[[G]] momentum_buffer(%[[M]]) {lr = 9.99999974E-5 : f32, momentum = 5.000000e-01 : f32} : tensor<4xf16>, tensor<4xf32>{{$}}
// CHECK: return %[[W2]], %[[M2]], %[[W]], %[[UP]] :
func.func @mw_pure_f16_sgd(%w: tensor<4xf32> {mpt.role = #mpt.role<param>, mpt.name = "w", mpt.init = #mpt.init<dist = constant, value = 1.0>},
                           %m: tensor<4xf32> {mpt.role = #mpt.role<opt_state>, mpt.name = "w.momentum", mpt.init = #mpt.init<dist = zeros>},
                           %g: tensor<4xf32>)
    -> (tensor<4xf32> {mpt.role = #mpt.role<param>, mpt.updates = "w"}, tensor<4xf32> {mpt.role = #mpt.role<opt_state>, mpt.updates = "w.momentum"},
        tensor<4xf16>, tensor<4xf32>) {
  %wh = mpt.cast %w : tensor<4xf32> to tensor<4xf16>
  %w2, %m2 = mpt.sgd %w, %g momentum_buffer(%m) {lr = 1.0e-4 : f32, momentum = 0.5 : f32} : tensor<4xf32>
  // %w is also read in FP32 (e.g. by a norm): it now reads an up-cast.
  return %w2, %m2, %wh, %w : tensor<4xf32>, tensor<4xf32>, tensor<4xf16>, tensor<4xf32>
}

// -----

// Adam in bf16: the bias is never cast (only FP32 readers) and takes the type
// the other parameter is read in; m and v follow; the shared step stays f32.
// CHECK-LABEL: func.func @mw_pure_bf16_adam
// CHECK-SAME: (%[[W:[^:]*]]: tensor<2x2xbf16> {{.*}}, %[[B:[^:]*]]: tensor<2xbf16> {{.*}}, %[[WM:[^:]*]]: tensor<2x2xbf16> {{.*}}, %[[WV:[^:]*]]: tensor<2x2xbf16> {{.*}}, %[[BM:[^:]*]]: tensor<2xbf16> {{.*}}, %[[BV:[^:]*]]: tensor<2xbf16> {{.*}}, %[[T:[^:]*]]: tensor<f32> {{.*}}, %[[GW:[^:]*]]: tensor<2x2xbf16>, %[[GB:[^:]*]]: tensor<2xf32>)
// CHECK-SAME: -> (tensor<2x2xbf16> {{.*}}, tensor<2xbf16> {{.*}}, tensor<2x2xbf16> {{.*}}, tensor<2x2xbf16> {{.*}}, tensor<2xbf16> {{.*}}, tensor<2xbf16> {{.*}}, tensor<f32> {mpt.role = #mpt.role<opt_state>, mpt.updates = "adam.step"}, tensor<2x2xbf16>)
// CHECK: mpt.adam %[[W]], %[[GW]], %[[WM]], %[[WV]], %[[T]] {lr = 1.000000e-03 : f32} : tensor<2x2xbf16>{{$}}
// CHECK: mpt.adam %[[B]], %[[GB]], %[[BM]], %[[BV]], %[[T]] {lr = 1.000000e-03 : f32} : tensor<2xbf16>, tensor<2xf32>{{$}}
// CHECK: return {{.*}}, %[[W]] :
func.func @mw_pure_bf16_adam(
    %w: tensor<2x2xf32> {mpt.role = #mpt.role<param>, mpt.name = "w"}, %b: tensor<2xf32> {mpt.role = #mpt.role<param>, mpt.name = "b"},
    %wm: tensor<2x2xf32> {mpt.role = #mpt.role<opt_state>, mpt.name = "w.adam_m"}, %wv: tensor<2x2xf32> {mpt.role = #mpt.role<opt_state>, mpt.name = "w.adam_v"},
    %bm: tensor<2xf32> {mpt.role = #mpt.role<opt_state>, mpt.name = "b.adam_m"}, %bv: tensor<2xf32> {mpt.role = #mpt.role<opt_state>, mpt.name = "b.adam_v"},
    %t: tensor<f32> {mpt.role = #mpt.role<opt_state>, mpt.name = "adam.step"}, %gw: tensor<2x2xbf16>, %gb: tensor<2xf32>)
    -> (tensor<2x2xf32> {mpt.role = #mpt.role<param>, mpt.updates = "w"}, tensor<2xf32> {mpt.role = #mpt.role<param>, mpt.updates = "b"},
        tensor<2x2xf32> {mpt.role = #mpt.role<opt_state>, mpt.updates = "w.adam_m"}, tensor<2x2xf32> {mpt.role = #mpt.role<opt_state>, mpt.updates = "w.adam_v"},
        tensor<2xf32> {mpt.role = #mpt.role<opt_state>, mpt.updates = "b.adam_m"}, tensor<2xf32> {mpt.role = #mpt.role<opt_state>, mpt.updates = "b.adam_v"},
        tensor<f32> {mpt.role = #mpt.role<opt_state>, mpt.updates = "adam.step"}, tensor<2x2xbf16>) {
  %wh = mpt.cast %w : tensor<2x2xf32> to tensor<2x2xbf16>
  %w2, %wm2, %wv2, %t2 = mpt.adam %w, %gw, %wm, %wv, %t {lr = 1.0e-3 : f32} : tensor<2x2xf32>, tensor<2x2xbf16>
  %b2, %bm2, %bv2, %t3 = mpt.adam %b, %gb, %bm, %bv, %t {lr = 1.0e-3 : f32} : tensor<2xf32>
  return %w2, %b2, %wm2, %wv2, %bm2, %bv2, %t2, %wh : tensor<2x2xf32>, tensor<2xf32>, tensor<2x2xf32>, tensor<2x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<f32>, tensor<2x2xbf16>
}
