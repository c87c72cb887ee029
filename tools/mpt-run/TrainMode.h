//===- TrainMode.h - mpt-run's training mode -------------------*- C++ -*-===//

#ifndef MPT_TOOLS_MPT_RUN_TRAINMODE_H
#define MPT_TOOLS_MPT_RUN_TRAINMODE_H

/// `mpt-run MODEL.mpt [options]`: trains with the artifact (binds
/// consecutive batches, runs train_step, feeds the state back), evaluates,
/// writes checkpoints, dumps and the report. Returns the exit status.
int runTrainMode(int argc, char **argv);

#endif // MPT_TOOLS_MPT_RUN_TRAINMODE_H
