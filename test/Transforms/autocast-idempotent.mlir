// Running mpt-autocast twice changes nothing the second time: compare the
// text of one run with the text of two, on whole training steps and on every
// rule test, for f16 and bf16.
// RUN: mpt-opt %S/Inputs/mlp_train_step.mlir -mpt-autocast=summary=false -o %t.mlp1.mlir
// RUN: mpt-opt %t.mlp1.mlir -mpt-autocast=summary=false -o %t.mlp2.mlir
// RUN: diff %t.mlp1.mlir %t.mlp2.mlir
// RUN: mpt-opt %S/Inputs/cnn_train_step.mlir -mpt-autocast=summary=false -o %t.cnn1.mlir
// RUN: mpt-opt %t.cnn1.mlir -mpt-autocast=summary=false -o %t.cnn2.mlir
// RUN: diff %t.cnn1.mlir %t.cnn2.mlir
// RUN: mpt-opt %S/Inputs/resnet_block_train_step.mlir -mpt-autocast='precision=bf16 summary=false' -o %t.rn1.mlir
// RUN: mpt-opt %t.rn1.mlir -mpt-autocast='precision=bf16 summary=false' -o %t.rn2.mlir
// RUN: diff %t.rn1.mlir %t.rn2.mlir
// RUN: mpt-opt %S/autocast.mlir -split-input-file -allow-unregistered-dialect -mpt-autocast=summary=false -o %t.rules1.mlir
// RUN: mpt-opt %t.rules1.mlir -split-input-file -allow-unregistered-dialect -mpt-autocast=summary=false -o %t.rules2.mlir
// RUN: diff %t.rules1.mlir %t.rules2.mlir
// The second run reports that it inserted nothing.
// RUN: mpt-opt %t.cnn1.mlir -mpt-autocast='report=%t.cnn2.json' -o /dev/null
// RUN: FileCheck %s --input-file=%t.cnn2.json
// CHECK: "casts_inserted": 0,
// CHECK: "constants_narrowed": 0,
// CHECK: "name": "summary"
