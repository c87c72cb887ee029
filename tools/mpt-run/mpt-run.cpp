//===- mpt-run.cpp - Train with, or call, a compiled mpt artifact ---------===//
//
//   mpt-run model.mpt --device=cpu --steps N --data <dir|digits|synthetic>
//           [--eval] [--checkpoint f] [--resume f] [--report out.json] ...
//   mpt-run model.mpt --call=NAME [--input=ARG=FILE.npy]... --output-dir=DIR
//
// Each mode is one function in its own file (TrainMode.cpp, CallMode.cpp);
// a new mode is a new file and one line here. See docs/runtime.md.
//
//===----------------------------------------------------------------------===//

#include "CallMode.h"
#include "ToolSupport.h"
#include "TrainMode.h"

#include <cstdio>
#include <new>

int main(int argc, char **argv) {
  // Running out of memory anywhere is one error line, not an abort.
  try {
    if (isCallMode(argc, argv))
      return runCallMode(argc, argv);
    return runTrainMode(argc, argv);
  } catch (const std::bad_alloc &) {
    if (mpt::tool::barOpen)
      std::fputs("\n", stdout);
    std::fputs("mpt-run: error: out of memory\n", stderr);
    return 1;
  }
}
