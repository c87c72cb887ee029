//===- Progress.h - mpt-run's progress output ------------------*- C++ -*-===//

#ifndef MPT_TOOLS_MPT_RUN_PROGRESS_H
#define MPT_TOOLS_MPT_RUN_PROGRESS_H

#include "mpt-runtime/Session.h"

#include <chrono>
#include <cstdint>
#include <string>

namespace mpt {
namespace tool {

/// Progress on stdout: a bar redrawn in place on a terminal, plain lines
/// otherwise (`--progress=auto|bar|lines|none`).
class Progress {
public:
  /// `mode` is the --progress value ("none" when quiet); `logEvery` 0
  /// prints about 50 lines per run. `first` is the step count before the
  /// run, `steps` the steps it runs.
  Progress(std::string mode, int64_t logEvery, int64_t first, int64_t steps);

  /// After step `done` (1-based within the run) with result `r`.
  void update(int64_t done, const rt::StepResult &r, int64_t skipped,
              double meanMs);
  /// A line of its own (not with --progress=none).
  void message(const std::string &text);

private:
  void line(const rt::StepResult &r, int64_t skipped, double meanMs);
  void bar(int64_t done, const rt::StepResult &r, int64_t skipped,
           double meanMs);

  int64_t first_, total_;
  std::string mode_;
  int64_t every_;
  std::chrono::steady_clock::time_point lastDraw_;
};

} // namespace tool
} // namespace mpt

#endif // MPT_TOOLS_MPT_RUN_PROGRESS_H
