//===- RegisterPasses.cpp - register mpt's passes and pipelines -----------===//

#include "mpt/InitAll.h"

void mlir::mpt::registerMPTPasses() {}
