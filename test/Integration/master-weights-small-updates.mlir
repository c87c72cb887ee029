// Why master weights: 1000 SGD updates of +1e-4 (lr 1e-4, gradient -1) to a
// weight of 1.0, through mpt-master-weights and the lowering.
//
// FP32 master (default): the master ends at 1.1000166 (0x3F8CCD58), exactly
// where a numpy FP32 replay of the same updates ends:
//   w = np.float32(1)
//   for _ in range(1000): w = np.float32(w - np.float32(np.float32(1e-4) * np.float32(-1)))
// and the f16 working copy the step returns is its RNE cast, 0x3C66 (1.1).
// RUN: mpt-opt %s -mpt-master-weights > %t.masters.mlir
// RUN: %python %S/Inputs/splice.py %t.masters.mlir %S/Inputs/master-weights-main-masters.mlir \
// RUN:   | mpt-opt -convert-mpt-to-linalg -mpt-prepare-entry-points=c-interface=false | %lower_to_llvm | %run_main | FileCheck %s --check-prefix=MASTERS
// MASTERS: master 1066192216
// MASTERS-NEXT: working copy 15462
//
// Pure f16 parameters (fp32-masters=false, the comparison baseline): every
// update 1 + 1e-4 rounds back to 1.0 in f16 (half an ulp at 1 is 4.9e-4), so
// the weight stays exactly 1.0 (0x3C00).
// RUN: mpt-opt %s -mpt-master-weights=fp32-masters=false > %t.pure.mlir
// RUN: %python %S/Inputs/splice.py %t.pure.mlir %S/Inputs/master-weights-main-pure.mlir \
// RUN:   | mpt-opt -convert-mpt-to-linalg -mpt-prepare-entry-points=c-interface=false | %lower_to_llvm | %run_main | FileCheck %s --check-prefix=PURE
// PURE: f16 weight 15360

// The step: the weight is read in f16 (as the forward pass after autocast
// would) and updated by SGD with the gradient fed as an input.
func.func @train_step(%w: tensor<1xf32> {mpt.role = #mpt.role<param>, mpt.name = "w", mpt.init = #mpt.init<dist = constant, value = 1.0>},
                      %g: tensor<1xf32> {mpt.role = #mpt.role<input>, mpt.name = "g"})
    -> (tensor<1xf32> {mpt.role = #mpt.role<param>, mpt.updates = "w"}, tensor<1xf16> {mpt.role = #mpt.role<output>, mpt.name = "w16"}) {
  %wh = mpt.cast %w : tensor<1xf32> to tensor<1xf16>
  %w2 = mpt.sgd %w, %g {lr = 1.0e-4 : f32} : tensor<1xf32>
  return %w2, %wh : tensor<1xf32>, tensor<1xf16>
}
