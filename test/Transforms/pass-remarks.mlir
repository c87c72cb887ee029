// mpt-master-weights and mpt-loss-scaling remark on what they did, through
// MLIR's remark engine and in their JSON reports (the same remarks), like
// autocast and fusion (autocast-report.mlir, fuse-conv-bias-relu-report.mlir).
// The MLP step: three parameters are read in f16 after autocast (dense0's
// weight and bias, the head's weight; the head's bias is added in FP32 to
// the FP32 logits), and four SGD updates take the four gradients.
// RUN: mpt-opt %S/Inputs/mlp_train_step.mlir -mpt-autocast -mpt-master-weights -mpt-loss-scaling --remarks-filter-passed='mpt-(master-weights|loss-scaling)' -o /dev/null 2>&1 | FileCheck %s --check-prefix=ENGINE
// RUN: mpt-opt %S/Inputs/mlp_train_step.mlir -mpt-autocast -mpt-master-weights=report=%t.wc.json -o /dev/null
// RUN: FileCheck %s --input-file=%t.wc.json --check-prefix=WC
// RUN: mpt-opt %S/Inputs/mlp_train_step.mlir -mpt-autocast -mpt-master-weights='keep-working-copy=false report=%t.entry.json' -o /dev/null
// RUN: FileCheck %s --input-file=%t.entry.json --check-prefix=ENTRY
// RUN: mpt-opt %S/Inputs/mlp_train_step.mlir -mpt-autocast='precision=bf16' -mpt-master-weights='fp32-masters=false report=%t.pure.json' -o /dev/null
// RUN: FileCheck %s --input-file=%t.pure.json --check-prefix=PURE
// RUN: mpt-opt %S/Inputs/mlp_train_step.mlir -mpt-autocast -mpt-loss-scaling='mode=static init-scale=1024 report=%t.ls.json' -o /dev/null
// RUN: FileCheck %s --input-file=%t.ls.json --check-prefix=LS

// ENGINE: remark: [Passed] working-copy | Category:mpt-master-weights | Function=train_step | param=dense0.weight, type=tensor<64x16xf16>
// ENGINE: remark: [Passed] working-copy | Category:mpt-master-weights | Function=train_step | param=dense0.bias, type=tensor<16xf16>
// ENGINE: remark: [Passed] working-copy | Category:mpt-master-weights | Function=train_step | param=head.weight, type=tensor<16x10xf16>
// ENGINE-NOT: param=head.bias
// ENGINE: remark: [Passed] scaled | Category:mpt-loss-scaling | Function=train_step | init_scale=65536, mode=dynamic, optimizer_ops=4, unscaled_gradients=4

// WC:      "pass": "mpt-master-weights",
// WC:      "param": "dense0.weight",
// WC-NEXT: "type": "tensor<64x16xf16>"
// WC:      "name": "working-copy"
// WC:      "param": "dense0.bias",
// WC:      "param": "head.weight",
// WC-NOT:  "param"

// ENTRY:     "param": "dense0.weight",
// ENTRY-NEXT: "type": "tensor<64x16xf16>"
// ENTRY:     "name": "entry-cast"
// ENTRY:     "param": "dense0.bias",
// ENTRY:     "param": "head.weight",
// ENTRY-NOT: "param"

// All four parameters are stored in bf16, the head's bias too (the type the
// function's other parameters are read in).
// PURE:      "param": "dense0.weight",
// PURE-NEXT: "type": "tensor<64x16xbf16>"
// PURE:      "name": "low-precision-param"
// PURE:      "param": "dense0.bias",
// PURE:      "param": "head.weight",
// PURE:      "param": "head.bias",
// PURE-NEXT: "type": "tensor<10xbf16>"

// LS:      "pass": "mpt-loss-scaling",
// LS:      "init_scale": 1024,
// LS-NEXT: "mode": "static",
// LS-NEXT: "optimizer_ops": 4,
// LS-NEXT: "unscaled_gradients": 4
// LS:      "function": "train_step",
// LS-NEXT: "kind": "passed",
// LS:      "name": "scaled"
