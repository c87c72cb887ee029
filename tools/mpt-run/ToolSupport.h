//===- ToolSupport.h - Errors, numbers and times of mpt-run ----*- C++ -*-===//
//
// What every part of mpt-run shares: an error is one line
// `mpt-run: error: <message>` on stderr and an exit status (1, or 2 for
// usage errors), never an exception or an abort.
//
//===----------------------------------------------------------------------===//

#ifndef MPT_TOOLS_MPT_RUN_TOOLSUPPORT_H
#define MPT_TOOLS_MPT_RUN_TOOLSUPPORT_H

#include "mpt-runtime/Status.h"

#include <chrono>
#include <cstdint>
#include <string>

namespace mpt {
namespace tool {

/// Set while a progress bar is drawn on the current terminal line: errors
/// finish that line first, so that they stand on their own.
extern bool barOpen;

/// Set by a data-parallel run: what error messages start with ("rank 1 of
/// 2: ") and what ends the job instead of exit (MPI_Abort, which also stops
/// the other ranks).
extern std::string errorPrefix;
extern void (*abortJob)(int code);

/// Prints `mpt-run: error: <message>` and exits with `code`.
[[noreturn]] void die(const std::string &message, int code = 1);
/// A usage error: the message, a pointer to --help, exit status 2.
[[noreturn]] void usageError(const std::string &message);

template <typename T> T orDie(rt::Expected<T> e) {
  if (e.failed())
    die(e.message());
  return e.take();
}
void orDie(const rt::Status &st);

/// A whole string as a signed / unsigned 64-bit decimal integer.
bool parseInt(const std::string &s, int64_t &out);
bool parseU64(const std::string &s, uint64_t &out);

/// `v` printed with the printf format `fmt`.
std::string fmtNum(double v, const char *fmt = "%.6g");
double seconds(std::chrono::steady_clock::duration d);

} // namespace tool
} // namespace mpt

#endif // MPT_TOOLS_MPT_RUN_TOOLSUPPORT_H
