// Diagnostics of mpt-autocast's options.
// RUN: mpt-opt %s -mpt-autocast='fp32-ops=linalg.matmul follow-ops=linalg.matmul' -verify-diagnostics
// RUN: not mpt-opt %s -mpt-autocast='precision=f8' 2>&1 | FileCheck %s --check-prefix=PRECISION
// RUN: not mpt-opt %s -mpt-autocast='report=/nonexistent-dir/r.json summary=false' 2>&1 | FileCheck %s --check-prefix=REPORT

// expected-error @below {{mpt-autocast: op 'linalg.matmul' is named for two classes: fp32 and follow; name each op in one option only}}
module {
  func.func @f(%x: tensor<4xf32>) -> tensor<4xf32> { return %x : tensor<4xf32> }
}

// precision is an enum option: the option parser names the bad value.
// PRECISION: for the --precision option: Cannot find option named 'f8'!
// REPORT: mpt-autocast: cannot write the report to '/nonexistent-dir/r.json'
