// The lowered mpt.update_scale evaluated step by step for given found_inf
// patterns. The expected sequences are independent references: the two of
// the loss-scaling issue (PyTorch GradScaler's rule) and sequences derived by
// hand from the op's rule for hysteresis, bounds and a non-finite growth.
// RUN: mpt-opt %s -convert-mpt-to-linalg | %lower_to_llvm | %run_main | FileCheck %s

// Each line printed: scale, growth tracker, hysteresis tracker after a step.

// (1) scale 4, growth 2, backoff 0.25, interval 2; found_inf 0, 0, 1
//     -> scales 4, 8, 2; trackers 1, 0, 0.
// CHECK-LABEL: sequence 1
// CHECK-NEXT: 4, 1, 1
// CHECK-NEXT: 8, 0, 1
// CHECK-NEXT: 2, 0, 1
func.func @update_1(%s: tensor<f32>, %g: tensor<i32>, %h: tensor<i32>, %f: tensor<i1>) -> (tensor<f32>, tensor<i32>, tensor<i32>) {
  %0:3 = mpt.update_scale %s, %g, %h found_inf(%f) {growth_factor = 2.0 : f32, backoff_factor = 0.25 : f32, growth_interval = 2 : i64}
  return %0#0, %0#1, %0#2 : tensor<f32>, tensor<i32>, tensor<i32>
}

// (2) init 65536, interval 3 (growth 2, backoff 0.5); found_inf
//     1,1,0,0,0,0,0,0,1,0 -> 32768, 16384, 16384, 16384, 32768, 32768,
//     32768, 65536, 32768, 32768.
// CHECK-LABEL: sequence 2
// CHECK-NEXT: 32768, 0, 1
// CHECK-NEXT: 16384, 0, 1
// CHECK-NEXT: 16384, 1, 1
// CHECK-NEXT: 16384, 2, 1
// CHECK-NEXT: 32768, 0, 1
// CHECK-NEXT: 32768, 1, 1
// CHECK-NEXT: 32768, 2, 1
// CHECK-NEXT: 65536, 0, 1
// CHECK-NEXT: 32768, 0, 1
// CHECK-NEXT: 32768, 1, 1
func.func @update_2(%s: tensor<f32>, %g: tensor<i32>, %h: tensor<i32>, %f: tensor<i1>) -> (tensor<f32>, tensor<i32>, tensor<i32>) {
  %0:3 = mpt.update_scale %s, %g, %h found_inf(%f) {growth_interval = 3 : i64}
  return %0#0, %0#1, %0#2 : tensor<f32>, tensor<i32>, tensor<i32>
}

// (3) Hysteresis 2 (the counter starts at 2), interval 3, init 1024;
//     found_inf 1,1,1,0,0,0,1,0,1,1. By the rule: the first overflow only
//     counts the counter down (1024, counter 1); with the counter at 1
//     overflows back off (512, 256); three clean steps grow the scale and
//     refill the counter (512, counter 2); the next overflow counts down
//     again (512, counter 1); a clean step (tracker 1); two overflows back
//     off (256, 128) and reset the tracker.
// CHECK-LABEL: sequence 3
// CHECK-NEXT: 1024, 0, 1
// CHECK-NEXT: 512, 0, 1
// CHECK-NEXT: 256, 0, 1
// CHECK-NEXT: 256, 1, 1
// CHECK-NEXT: 256, 2, 1
// CHECK-NEXT: 512, 0, 2
// CHECK-NEXT: 512, 0, 1
// CHECK-NEXT: 512, 1, 1
// CHECK-NEXT: 256, 0, 1
// CHECK-NEXT: 128, 0, 1
func.func @update_3(%s: tensor<f32>, %g: tensor<i32>, %h: tensor<i32>, %f: tensor<i1>) -> (tensor<f32>, tensor<i32>, tensor<i32>) {
  %0:3 = mpt.update_scale %s, %g, %h found_inf(%f) {growth_interval = 3 : i64, hysteresis = 2 : i64}
  return %0#0, %0#1, %0#2 : tensor<f32>, tensor<i32>, tensor<i32>
}

// (4) Bounds: min 1, max 8, interval 1, init 4; found_inf 0,0,1,1,1,1,0:
//     grows to 8, not to 16 (above max: stays 8, tracker reset), backs off
//     to 4, 2, 1, then stays at min 1 (0.5 would be below), grows to 2.
// CHECK-LABEL: sequence 4
// CHECK-NEXT: 8, 0, 1
// CHECK-NEXT: 8, 0, 1
// CHECK-NEXT: 4, 0, 1
// CHECK-NEXT: 2, 0, 1
// CHECK-NEXT: 1, 0, 1
// CHECK-NEXT: 1, 0, 1
// CHECK-NEXT: 2, 0, 1
func.func @update_4(%s: tensor<f32>, %g: tensor<i32>, %h: tensor<i32>, %f: tensor<i1>) -> (tensor<f32>, tensor<i32>, tensor<i32>) {
  %0:3 = mpt.update_scale %s, %g, %h found_inf(%f) {growth_interval = 1 : i64, min_scale = 1.0 : f32, max_scale = 8.0 : f32}
  return %0#0, %0#1, %0#2 : tensor<f32>, tensor<i32>, tensor<i32>
}

// (5) No max_scale: the bound is the largest finite f32. From 2^127, growth
//     would give inf: the scale stays 2^127 (1.70141e+38) and the tracker
//     resets; an overflow then halves it to 2^126.
// CHECK-LABEL: sequence 5
// CHECK-NEXT: 1.70141e+38, 0, 1
// CHECK-NEXT: 1.70141e+38, 0, 1
// CHECK-NEXT: 8.50706e+37, 0, 1
func.func @update_5(%s: tensor<f32>, %g: tensor<i32>, %h: tensor<i32>, %f: tensor<i1>) -> (tensor<f32>, tensor<i32>, tensor<i32>) {
  %0:3 = mpt.update_scale %s, %g, %h found_inf(%f) {growth_interval = 1 : i64}
  return %0#0, %0#1, %0#2 : tensor<f32>, tensor<i32>, tensor<i32>
}

func.func private @printF32(f32)
func.func private @printI64(i64)
func.func private @printComma()
func.func private @printNewline()
func.func private @printString(!llvm.ptr)
llvm.mlir.global internal constant @label("sequence \00")

func.func @print_label(%n: i64) {
  %p = llvm.mlir.addressof @label : !llvm.ptr
  call @printString(%p) : (!llvm.ptr) -> ()
  call @printI64(%n) : (i64) -> ()
  call @printNewline() : () -> ()
  return
}

func.func @print_state(%s: tensor<f32>, %g: tensor<i32>, %h: tensor<i32>) {
  %sv = tensor.extract %s[] : tensor<f32>
  %gv = tensor.extract %g[] : tensor<i32>
  %hv = tensor.extract %h[] : tensor<i32>
  %g64 = arith.extsi %gv : i32 to i64
  %h64 = arith.extsi %hv : i32 to i64
  call @printF32(%sv) : (f32) -> ()
  call @printComma() : () -> ()
  call @printI64(%g64) : (i64) -> ()
  call @printComma() : () -> ()
  call @printI64(%h64) : (i64) -> ()
  call @printNewline() : () -> ()
  return
}

func.func @found(%pattern: tensor<?xi1>, %i: index) -> tensor<i1> {
  %v = tensor.extract %pattern[%i] : tensor<?xi1>
  %t = tensor.from_elements %v : tensor<i1>
  return %t : tensor<i1>
}

func.func @main() {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %g0 = arith.constant dense<0> : tensor<i32>
  %h1 = arith.constant dense<1> : tensor<i32>
  %h2 = arith.constant dense<2> : tensor<i32>

  %n1 = arith.constant 1 : i64
  call @print_label(%n1) : (i64) -> ()
  %p1 = arith.constant dense<[false, false, true]> : tensor<3xi1>
  %q1 = tensor.cast %p1 : tensor<3xi1> to tensor<?xi1>
  %s1 = arith.constant dense<4.0> : tensor<f32>
  %c3 = arith.constant 3 : index
  %r1:3 = scf.for %i = %c0 to %c3 step %c1 iter_args(%s = %s1, %g = %g0, %h = %h1) -> (tensor<f32>, tensor<i32>, tensor<i32>) {
    %f = func.call @found(%q1, %i) : (tensor<?xi1>, index) -> tensor<i1>
    %n:3 = func.call @update_1(%s, %g, %h, %f) : (tensor<f32>, tensor<i32>, tensor<i32>, tensor<i1>) -> (tensor<f32>, tensor<i32>, tensor<i32>)
    func.call @print_state(%n#0, %n#1, %n#2) : (tensor<f32>, tensor<i32>, tensor<i32>) -> ()
    scf.yield %n#0, %n#1, %n#2 : tensor<f32>, tensor<i32>, tensor<i32>
  }

  %n2 = arith.constant 2 : i64
  call @print_label(%n2) : (i64) -> ()
  %p2 = arith.constant dense<[true, true, false, false, false, false, false, false, true, false]> : tensor<10xi1>
  %q2 = tensor.cast %p2 : tensor<10xi1> to tensor<?xi1>
  %s2 = arith.constant dense<65536.0> : tensor<f32>
  %c10 = arith.constant 10 : index
  %r2:3 = scf.for %i = %c0 to %c10 step %c1 iter_args(%s = %s2, %g = %g0, %h = %h1) -> (tensor<f32>, tensor<i32>, tensor<i32>) {
    %f = func.call @found(%q2, %i) : (tensor<?xi1>, index) -> tensor<i1>
    %n:3 = func.call @update_2(%s, %g, %h, %f) : (tensor<f32>, tensor<i32>, tensor<i32>, tensor<i1>) -> (tensor<f32>, tensor<i32>, tensor<i32>)
    func.call @print_state(%n#0, %n#1, %n#2) : (tensor<f32>, tensor<i32>, tensor<i32>) -> ()
    scf.yield %n#0, %n#1, %n#2 : tensor<f32>, tensor<i32>, tensor<i32>
  }

  %n3 = arith.constant 3 : i64
  call @print_label(%n3) : (i64) -> ()
  %p3 = arith.constant dense<[true, true, true, false, false, false, true, false, true, true]> : tensor<10xi1>
  %q3 = tensor.cast %p3 : tensor<10xi1> to tensor<?xi1>
  %s3 = arith.constant dense<1024.0> : tensor<f32>
  %r3:3 = scf.for %i = %c0 to %c10 step %c1 iter_args(%s = %s3, %g = %g0, %h = %h2) -> (tensor<f32>, tensor<i32>, tensor<i32>) {
    %f = func.call @found(%q3, %i) : (tensor<?xi1>, index) -> tensor<i1>
    %n:3 = func.call @update_3(%s, %g, %h, %f) : (tensor<f32>, tensor<i32>, tensor<i32>, tensor<i1>) -> (tensor<f32>, tensor<i32>, tensor<i32>)
    func.call @print_state(%n#0, %n#1, %n#2) : (tensor<f32>, tensor<i32>, tensor<i32>) -> ()
    scf.yield %n#0, %n#1, %n#2 : tensor<f32>, tensor<i32>, tensor<i32>
  }

  %n4 = arith.constant 4 : i64
  call @print_label(%n4) : (i64) -> ()
  %p4 = arith.constant dense<[false, false, true, true, true, true, false]> : tensor<7xi1>
  %q4 = tensor.cast %p4 : tensor<7xi1> to tensor<?xi1>
  %s4 = arith.constant dense<4.0> : tensor<f32>
  %c7 = arith.constant 7 : index
  %r4:3 = scf.for %i = %c0 to %c7 step %c1 iter_args(%s = %s4, %g = %g0, %h = %h1) -> (tensor<f32>, tensor<i32>, tensor<i32>) {
    %f = func.call @found(%q4, %i) : (tensor<?xi1>, index) -> tensor<i1>
    %n:3 = func.call @update_4(%s, %g, %h, %f) : (tensor<f32>, tensor<i32>, tensor<i32>, tensor<i1>) -> (tensor<f32>, tensor<i32>, tensor<i32>)
    func.call @print_state(%n#0, %n#1, %n#2) : (tensor<f32>, tensor<i32>, tensor<i32>) -> ()
    scf.yield %n#0, %n#1, %n#2 : tensor<f32>, tensor<i32>, tensor<i32>
  }

  %n5 = arith.constant 5 : i64
  call @print_label(%n5) : (i64) -> ()
  %p5 = arith.constant dense<[false, false, true]> : tensor<3xi1>
  %q5 = tensor.cast %p5 : tensor<3xi1> to tensor<?xi1>
  %s5 = arith.constant dense<0x7F000000> : tensor<f32>
  %r5:3 = scf.for %i = %c0 to %c3 step %c1 iter_args(%s = %s5, %g = %g0, %h = %h1) -> (tensor<f32>, tensor<i32>, tensor<i32>) {
    %f = func.call @found(%q5, %i) : (tensor<?xi1>, index) -> tensor<i1>
    %n:3 = func.call @update_5(%s, %g, %h, %f) : (tensor<f32>, tensor<i32>, tensor<i32>, tensor<i1>) -> (tensor<f32>, tensor<i32>, tensor<i32>)
    func.call @print_state(%n#0, %n#1, %n#2) : (tensor<f32>, tensor<i32>, tensor<i32>) -> ()
    scf.yield %n#0, %n#1, %n#2 : tensor<f32>, tensor<i32>, tensor<i32>
  }
  return
}
