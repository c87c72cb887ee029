//===- RegisterPasses.cpp - register mpt's passes and pipelines -----------===//

#include "mpt/Conversion/Passes.h"
#include "mpt/Dialect/MPT/Transforms/Passes.h"
#include "mpt/InitAll.h"
#include "mpt/Pipelines/Pipelines.h"
#include "mpt/Transforms/Passes.h"

void mlir::mpt::registerMPTPassesAndPipelines() {
  registerMPTPasses();
  registerMPTConversionPasses();
  registerMPTLoweringPasses();
  registerMixedPrecisionPipeline();
  registerLowerToCPUPipeline();
  registerLowerToCUDAPipelines();
}
