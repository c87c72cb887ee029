//===- Report.h - mpt-run's JSON report ------------------------*- C++ -*-===//
//
// `--report=FILE`: the artifact, the device, the data, the run, every
// step's loss, scale and skip flag, the evaluation, timing, memory and the
// state (docs/runtime.md has the schema, version 1).
//
//===----------------------------------------------------------------------===//

#ifndef MPT_TOOLS_MPT_RUN_REPORT_H
#define MPT_TOOLS_MPT_RUN_REPORT_H

#include "TrainRun.h"

#include <string>

namespace mpt {
namespace tool {

/// The report's text, indented by 2. Its "steps" are printed from the
/// compact records: a long run's steps never exist as a JSON tree.
std::string reportText(const TrainRun &run);

} // namespace tool
} // namespace mpt

#endif // MPT_TOOLS_MPT_RUN_REPORT_H
