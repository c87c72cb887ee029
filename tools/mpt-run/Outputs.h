//===- Outputs.h - What mpt-run writes, checked before it runs -*- C++ -*-===//
//
// Every file mpt-run writes is checked before the first step: writable,
// and overwriting no input (the model, the checkpoint it resumes from, a
// data file) and no other output. Files are compared by device and inode
// when they exist, else by the real path of their directory.
//
//===----------------------------------------------------------------------===//

#ifndef MPT_TOOLS_MPT_RUN_OUTPUTS_H
#define MPT_TOOLS_MPT_RUN_OUTPUTS_H

#include "mpt-runtime/FileIO.h"
#include "mpt-runtime/Status.h"

#include <string>
#include <vector>

namespace mpt {
namespace tool {

/// A file mpt-run reads or writes, for the overlap check.
struct NamedPath {
  std::string what; ///< "the model", "--report", ...
  std::string path;
};

/// Exits with an error when an output would overwrite an input or another
/// output. --checkpoint may be the checkpoint it resumes from (--resume);
/// outputs may share a device or FIFO (`--report=/dev/null
/// --checkpoint=/dev/null`), which is written in place, not replaced.
void checkOverlaps(const std::vector<NamedPath> &inputs,
                   const std::vector<NamedPath> &outputs);

/// Creates `dir` and its parents as needed.
rt::Status makeDirs(const std::string &dir);
/// Fails unless `dir`, or its nearest existing ancestor, is a writable
/// directory (the directory may not exist yet).
rt::Status checkDumpDir(const std::string &dir);

/// The options checkpoints are written with: the test hooks
/// MPT_RUN_TEST_CRASH_CHECKPOINT_AT=B (exit with status 86 after writing B
/// bytes, a crash mid-write) and MPT_RUN_TEST_FAIL_CHECKPOINT_AT=B (the
/// write fails there, as a full disk would).
rt::AtomicWriteOptions checkpointWriteOptions();

} // namespace tool
} // namespace mpt

#endif // MPT_TOOLS_MPT_RUN_OUTPUTS_H
