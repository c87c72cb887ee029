//===- Empty.cpp - carrier for the precompiled MLIR headers ---------------===//
