// Op names in mpt-autocast's list options must name ops: a registered op, or
// an op of the module (an unregistered one included). A misspelling would
// otherwise silently change nothing; it is an error with the closest
// registered name.
// RUN: mpt-opt %s -allow-unregistered-dialect -verify-diagnostics -mpt-autocast='fp32-ops=linalg.matmull follow-ops=math.tanh,mth.exp transparent-ops=tensor.reshap unlisted-ops=not.an_op'
// RUN: mpt-opt %s -allow-unregistered-dialect -mpt-autocast='follow-ops=test.scale' 2>/dev/null | FileCheck %s

// expected-error @+4 {{mpt-autocast: fp32-ops names 'linalg.matmull', which is neither a registered operation nor an op of this module; did you mean 'linalg.matmul'?}}
// expected-error @+3 {{mpt-autocast: follow-ops names 'mth.exp', which is neither a registered operation nor an op of this module; did you mean 'math.exp'?}}
// expected-error @+2 {{mpt-autocast: transparent-ops names 'tensor.reshap', which is neither a registered operation nor an op of this module; did you mean 'tensor.reshape'?}}
// expected-error @+1 {{mpt-autocast: unlisted-ops names 'not.an_op', which is neither a registered operation nor an op of this module}}
module {
  // An op of the module is a valid name even when no dialect registers it:
  // named in follow-ops, it sits between two contractions and computes in
  // f16 (unknown, it would stay FP32).
  // CHECK-LABEL: func.func @unregistered_op_named
  // CHECK: %[[M:.*]] = linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<4x4xf16>, tensor<4x4xf16>)
  // CHECK: %[[MH:.*]] = mpt.cast %[[M]] : tensor<4x4xf32> to tensor<4x4xf16>
  // CHECK: %[[S:.*]] = "test.scale"(%[[MH]]) : (tensor<4x4xf16>) -> tensor<4x4xf16>
  // CHECK: linalg.matmul ins(%[[S]], %{{.*}} : tensor<4x4xf16>, tensor<4x4xf16>)
  func.func @unregistered_op_named(%x: tensor<4x4xf32>) -> tensor<4x4xf32> {
    %zero = arith.constant 0.0 : f32
    %e = tensor.empty() : tensor<4x4xf32>
    %i = linalg.fill ins(%zero : f32) outs(%e : tensor<4x4xf32>) -> tensor<4x4xf32>
    %m = linalg.matmul ins(%x, %x : tensor<4x4xf32>, tensor<4x4xf32>) outs(%i : tensor<4x4xf32>) -> tensor<4x4xf32>
    %s = "test.scale"(%m) : (tensor<4x4xf32>) -> tensor<4x4xf32>
    %m2 = linalg.matmul ins(%s, %x : tensor<4x4xf32>, tensor<4x4xf32>) outs(%i : tensor<4x4xf32>) -> tensor<4x4xf32>
    return %m2 : tensor<4x4xf32>
  }
}
