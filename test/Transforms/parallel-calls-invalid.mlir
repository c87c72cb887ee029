// mpt-parallel-calls refuses a marked function without the two trailing
// i64 range arguments (IR not made by mpt-split-parallel-ops).
// RUN: mpt-opt %s -mpt-parallel-calls -verify-diagnostics

// expected-error @below {{a function marked mpt.parallel must end with two i64 range arguments}}
llvm.func internal @op(%p: !llvm.ptr) attributes {mpt.parallel = 64 : i64} {
  llvm.return
}
