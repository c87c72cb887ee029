// mpt-noalias-arguments: every pointer argument of an llvm.func marked
// mpt.noalias gets llvm.noalias, and the marker goes; other functions and
// non-pointer arguments are untouched.
// RUN: mpt-opt %s -mpt-noalias-arguments | FileCheck %s

// CHECK-LABEL: llvm.func @marked
// CHECK-SAME: (%{{.*}}: !llvm.ptr {llvm.noalias}, %{{.*}}: !llvm.ptr {llvm.noalias}, %{{.*}}: i64, %{{.*}}: !llvm.ptr {llvm.noalias})
// CHECK-NOT: mpt.noalias
llvm.func @marked(%a: !llvm.ptr, %b: !llvm.ptr, %n: i64, %c: !llvm.ptr) attributes {mpt.noalias} {
  llvm.return
}

// CHECK-LABEL: llvm.func @unmarked
// CHECK-SAME: (%{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr)
// CHECK-NOT: llvm.noalias
llvm.func @unmarked(%a: !llvm.ptr, %b: !llvm.ptr) {
  llvm.return
}
