//===- TrainOptions.h - mpt-run's command line for training ----*- C++ -*-===//

#ifndef MPT_TOOLS_MPT_RUN_TRAINOPTIONS_H
#define MPT_TOOLS_MPT_RUN_TRAINOPTIONS_H

#include <cstdint>
#include <string>

namespace mpt {
namespace tool {

/// What `mpt-run MODEL.mpt [options]` was asked to do (the training mode).
struct TrainOptions {
  std::string model;
  std::string device = "cpu";
  int64_t steps = 100;
  std::string data;
  bool eval = false;
  std::string checkpoint;
  int64_t checkpointEvery = 0;
  std::string resume;
  std::string loadState; ///< --load-state=DIR
  std::string report;
  uint64_t seed = 0;
  int64_t classes = 0; ///< 0: the signature's, else 10
  int64_t syntheticTrain = 1024, syntheticTest = 256;
  std::string digitsCsv;
  std::string progress = "auto";
  int64_t logEvery = 0;
  std::string dumpState, dumpData;
  bool quiet = false;
  /// single, mpi or auto (mpi under mpirun).
  std::string collective = "auto";
  unsigned threads = 0; ///< --threads=N (0: rt::defaultThreadCount())
};

/// Parses the command line; prints --help or --version and exits, or exits
/// with a usage error (status 2).
TrainOptions parseTrainOptions(int argc, char **argv);

} // namespace tool
} // namespace mpt

#endif // MPT_TOOLS_MPT_RUN_TRAINOPTIONS_H
