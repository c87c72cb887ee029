//===- FileIO.h - Whole-file reads and atomic writes ----------*- C++ -*-===//
//
// Every file the runtime writes (artifacts, checkpoints, reports, dumps) is
// written to a temporary file in the destination's directory, flushed to
// disk and renamed over the destination: a crash or an error at any point
// leaves the previous file intact.
//
//===----------------------------------------------------------------------===//

#ifndef MPT_RUNTIME_FILEIO_H
#define MPT_RUNTIME_FILEIO_H

#include "mpt-runtime/Status.h"

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace mpt {
namespace rt {

/// The whole file. Errors name the path and the OS reason. Only regular
/// files are read (a device like /dev/zero or a FIFO is refused), and no
/// more than `maxBytes` (0: defaultReadLimit()).
Expected<std::string> readFile(const std::string &path, uint64_t maxBytes = 0);
/// The most readFile() reads by default: the machine's physical memory.
uint64_t defaultReadLimit();

struct AtomicWriteOptions {
  /// Test hook: called after each chunk written to the temporary file with
  /// the number of bytes written so far; returning false makes the write fail
  /// there (as a full disk would), before the rename.
  std::function<bool(uint64_t written)> afterChunk;
  /// Bytes per write() call.
  size_t chunkBytes = 1 << 20;
};

/// Writes `data` to `<dir>/.<name>.tmp-XXXXXX`, fsyncs it, renames it to
/// `path` and fsyncs the directory. On any failure the temporary file is
/// removed and `path` is untouched. A new file gets mode 0666 minus the
/// umask (applied by the kernel; the umask is never changed); a file that
/// is replaced keeps its mode. Safe to call from several threads.
Status writeFileAtomic(const std::string &path, std::string_view data,
                       const AtomicWriteOptions &options = {});

/// Fails (naming the directory) unless the directory `path` would be
/// written in exists and is writable: lets a long run refuse early rather
/// than fail at the end.
Status checkWritableDestination(const std::string &path);

/// CRC-32 (IEEE 802.3, the polynomial of zlib and Python's zlib.crc32).
uint32_t crc32(const void *data, size_t size, uint32_t crc = 0);

} // namespace rt
} // namespace mpt

#endif // MPT_RUNTIME_FILEIO_H
