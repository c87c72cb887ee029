//===- FileIO.h - Whole-file reads and atomic writes ----------*- C++ -*-===//
//
// Every file the runtime writes (artifacts, checkpoints, reports, dumps) is
// written to a temporary file in the destination's directory, flushed to
// disk and renamed over the destination: a crash or an error at any point
// leaves the previous file intact. Devices and FIFOs are written in place,
// never replaced.
//
//===----------------------------------------------------------------------===//

#ifndef MPT_RUNTIME_FILEIO_H
#define MPT_RUNTIME_FILEIO_H

#include "mpt-runtime/Status.h"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace mpt {
namespace rt {

/// The whole file. Errors name the path and the OS reason. Only regular
/// files are read (a device like /dev/zero or a FIFO is refused), and no
/// more than `maxBytes` (0: defaultReadLimit()).
Expected<std::string> readFile(const std::string &path, uint64_t maxBytes = 0);

/// What a file format's header promises about the size of the file.
struct SizePromise {
  /// Bytes at the start of the file the promise needs.
  size_t headBytes = 0;
  /// The file size the head (those bytes, or fewer when the file is
  /// shorter) promises; nullopt when it cannot tell (a bad magic: the
  /// parser then says what is wrong).
  std::function<std::optional<uint64_t>(std::string_view head)> promisedSize;
};

/// readFile, reading no more than the header promises: a file longer than
/// its header says is refused once the head is read ("it is N bytes, but
/// its header promises M bytes"), before the rest is read. A shorter one is
/// read whole (its parser reports the truncation).
Expected<std::string> readFile(const std::string &path,
                               const SizePromise &promise,
                               uint64_t maxBytes = 0);
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

/// Writes `data` to `path`. A new file or an existing regular file is
/// written to `<dir>/.<name>.tmp-XXXXXX`, fsynced, renamed over `path` and
/// the directory fsynced: on any failure the temporary file is removed and
/// `path` is untouched. A new file gets mode 0666 minus the umask (applied
/// by the kernel; the umask is never changed); a file that is replaced
/// keeps its mode. A symbolic link to a regular file stays a link: the file
/// it points at is replaced. Safe to call from several threads.
///
/// Only regular files are ever renamed over. A character device or a FIFO
/// (`/dev/null`, a terminal, a pipe) is opened and written in place (a FIFO
/// that no process reads is an error, not a hang); a path that names this
/// process's standard output or error (`/dev/stdout` redirected to a file)
/// is written to that stream; block devices, sockets, directories and
/// dangling symbolic links are refused.
Status writeFileAtomic(const std::string &path, std::string_view data,
                       const AtomicWriteOptions &options = {});

/// Fails (naming the path) unless writeFileAtomic could write `path`: the
/// directory a new or regular file is replaced in exists and is writable,
/// or the device or FIFO is writable. Lets a long run refuse early rather
/// than fail at the end.
Status checkWritableDestination(const std::string &path);

/// CRC-32 (IEEE 802.3, the polynomial of zlib and Python's zlib.crc32).
uint32_t crc32(const void *data, size_t size, uint32_t crc = 0);

} // namespace rt
} // namespace mpt

#endif // MPT_RUNTIME_FILEIO_H
