//===- TrainRun.h - The state of one training run of mpt-run ---*- C++ -*-===//
//
// What the phases of a training run (TrainMode.cpp) build up and the report
// (Report.cpp) reads: the session, the data, what every step gave, and when
// each phase ended.
//
//===----------------------------------------------------------------------===//

#ifndef MPT_TOOLS_MPT_RUN_TRAINRUN_H
#define MPT_TOOLS_MPT_RUN_TRAINRUN_H

#include "TrainOptions.h"

#include "mpt-runtime/Json.h"
#include "mpt-runtime/Session.h"
#include "mpt-tooling/Data.h"

#include <chrono>
#include <memory>
#include <optional>
#include <vector>

namespace mpt {
namespace tool {

/// What is recorded of each step for the report (and nothing without
/// --report): 40 bytes a step, serialised when the report is written.
struct StepRecord {
  uint64_t step;
  double loss;
  double scale; ///< valid when hasScale
  double ms;
  bool hasScale;
  bool skipped;
};

struct TrainRun {
  using Clock = std::chrono::steady_clock;

  explicit TrainRun(const TrainOptions &options) : o(options) {}

  const TrainOptions &o;
  /// The run's ranks (one without mpirun); declared before the session,
  /// which borrows it.
  std::unique_ptr<rt::Collective> collective;
  int rank = 0, ranks = 1;
  std::unique_ptr<rt::Session> session;

  // The data (when the run trains on inputs, evaluates or dumps data).
  bool needData = false;
  int64_t batch = 0, evalBatch = 0;
  rt::Dataset data;

  // What the steps gave.
  uint64_t firstStep = 0;
  std::vector<StepRecord> records; ///< only with --report
  int64_t skipped = 0;
  std::optional<rt::StepResult> last;
  double sumMs = 0;
  rt::Json evalJson; ///< null without --eval

  Clock::time_point started, loaded, trained, evaluated;
};

} // namespace tool
} // namespace mpt

#endif // MPT_TOOLS_MPT_RUN_TRAINRUN_H
