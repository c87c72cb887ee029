//===- FileIO.cpp - Whole-file reads and atomic writes --------------------===//

#include "mpt-runtime/FileIO.h"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <new>
#include <sys/stat.h>
#include <unistd.h>

using namespace mpt::rt;

static std::string osError() { return std::strerror(errno); }

uint64_t mpt::rt::defaultReadLimit() {
  long pages = ::sysconf(_SC_PHYS_PAGES), pageSize = ::sysconf(_SC_PAGESIZE);
  if (pages > 0 && pageSize > 0)
    return static_cast<uint64_t>(pages) * static_cast<uint64_t>(pageSize);
  return uint64_t(1) << 40;
}

static std::string bytesText(uint64_t n) {
  return std::to_string(n) + " bytes";
}

namespace {
/// Reads a file to its end, refusing more than a limit: the caller's, and,
/// once the head of the file is read, what its header promises.
class BoundedReader {
public:
  BoundedReader(int fd, uint64_t fileSize, uint64_t maxBytes,
                const SizePromise &promise)
      : fd_(fd), fileSize_(fileSize), limit_(maxBytes), promise_(promise) {}

  /// Reads into `data`; returns why it failed, or "".
  std::string run(std::string &data) {
    char buf[1 << 16];
    while (true) {
      ssize_t n = ::read(fd_, buf, sizeof(buf));
      if (n < 0) {
        if (errno == EINTR)
          continue;
        return osError();
      }
      if (n > 0 && static_cast<uint64_t>(n) > limit_ - data.size())
        return tooLong();
      data.append(buf, static_cast<size_t>(n));
      if (std::string why = checkPromise(data, n == 0); !why.empty())
        return why;
      if (n == 0)
        return "";
    }
  }

private:
  /// Once the head is read (or the file ended): a file longer than its
  /// header promises is refused before the rest is read.
  std::string checkPromise(const std::string &data, bool atEnd) {
    if (checked_ || !promise_.promisedSize ||
        (data.size() < promise_.headBytes && !atEnd))
      return "";
    checked_ = true;
    std::optional<uint64_t> promised = promise_.promisedSize(data);
    if (!promised)
      return "";
    if (fileSize_ > *promised)
      return "it is " + bytesText(fileSize_) + ", but its header promises " +
             bytesText(*promised);
    if (*promised < limit_) {
      limit_ = *promised;
      promisedLimit_ = true;
    }
    return data.size() > limit_ ? tooLong() : "";
  }

  std::string tooLong() const {
    if (promisedLimit_)
      return "it is more than the " + bytesText(limit_) +
             " its header promises";
    return "it is more than the " + bytesText(limit_) + " this reader accepts";
  }

  int fd_;
  uint64_t fileSize_, limit_;
  const SizePromise &promise_;
  bool checked_ = false, promisedLimit_ = false;
};
} // namespace

Expected<std::string> mpt::rt::readFile(const std::string &path,
                                        uint64_t maxBytes) {
  return readFile(path, SizePromise(), maxBytes);
}

Expected<std::string> mpt::rt::readFile(const std::string &path,
                                        const SizePromise &promise,
                                        uint64_t maxBytes) {
  if (maxBytes == 0)
    maxBytes = defaultReadLimit();
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0)
    return Status::error("cannot open '" + path + "': " + osError());
  auto fail = [&](const std::string &why) {
    ::close(fd);
    return Status::error("cannot read '" + path + "': " + why);
  };
  struct stat st;
  if (::fstat(fd, &st) != 0)
    return fail(osError());
  // Devices, FIFOs and sockets have no end (/dev/zero) or block (a FIFO).
  if (S_ISDIR(st.st_mode))
    return fail("it is a directory");
  if (!S_ISREG(st.st_mode))
    return fail("not a regular file");
  uint64_t size = st.st_size > 0 ? static_cast<uint64_t>(st.st_size) : 0;
  if (size > maxBytes)
    return fail("it is " + bytesText(size) + ", more than the " +
                bytesText(maxBytes) + " this reader accepts");
  try {
    std::string data;
    data.reserve(std::min<uint64_t>(size, 1 << 20));
    // Files whose size stat() does not know (/proc) are capped too.
    if (std::string why = BoundedReader(fd, size, maxBytes, promise).run(data);
        !why.empty())
      return fail(why);
    ::close(fd);
    return data;
  } catch (const std::bad_alloc &) {
    return fail("out of memory reading " + bytesText(size));
  }
}

/// Six characters for a temporary file name: unpredictable enough that
/// O_EXCL rarely has to retry, distinct across threads and processes.
static std::string randomSuffix() {
  static std::atomic<uint64_t> counter{0};
  uint64_t z = counter.fetch_add(1) * 0x9E3779B97F4A7C15ull ^
               (static_cast<uint64_t>(::getpid()) << 32) ^
               static_cast<uint64_t>(
                   std::chrono::steady_clock::now().time_since_epoch().count());
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  z ^= z >> 31;
  static const char kChars[] =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  std::string out;
  for (int i = 0; i < 6; ++i, z /= 62)
    out += kChars[z % 62];
  return out;
}

static std::string dirOf(const std::string &path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos)
    return ".";
  if (slash == 0)
    return "/";
  return path.substr(0, slash);
}

static std::string baseOf(const std::string &path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

namespace {
/// What writing to a path means, decided before anything is written.
struct Destination {
  enum Kind {
    /// A new file, or a regular file that is replaced atomically (temporary
    /// file and rename) at `target`: the path itself, or the file a
    /// symbolic link points at (the link stays).
    Replace,
    /// Something that is not a regular file (a character device such as a
    /// terminal, a FIFO): opened and written in place, never replaced.
    WriteThrough,
    /// This process's standard output or error (`--report=/dev/stdout`
    /// with stdout redirected to a file): written to that descriptor.
    Descriptor,
  } kind = Replace;
  std::string target; ///< Replace: the file to rename over
  int fd = -1;        ///< Descriptor: 1 or 2
};
} // namespace

/// The standard stream (1 or 2) that is the file `st`, or -1.
static int standardStreamOf(const struct stat &st) {
  for (int fd : {STDOUT_FILENO, STDERR_FILENO}) {
    struct stat s;
    if (::fstat(fd, &s) == 0 && s.st_dev == st.st_dev && s.st_ino == st.st_ino)
      return fd;
  }
  return -1;
}

/// Decides how `path` is written: an existing regular file or a new one is
/// replaced atomically; a character device or FIFO is written in place (a
/// rename would replace the device node with a regular file); anything else
/// is refused.
static Expected<Destination> classifyDestination(const std::string &path) {
  auto refuse = [&](const std::string &why) {
    return Status::error("cannot write '" + path + "': " + why);
  };
  if (path.empty())
    return Status::error("empty output path");
  Destination d;
  d.target = path;
  struct stat st, lst;
  if (::stat(path.c_str(), &st) != 0) {
    if (errno != ENOENT)
      return refuse(osError());
    if (::lstat(path.c_str(), &lst) == 0 && S_ISLNK(lst.st_mode))
      return refuse("it is a symbolic link to a file that does not exist");
    return d; // a new file
  }
  if (S_ISDIR(st.st_mode))
    return refuse("it is a directory");
  if (S_ISBLK(st.st_mode))
    return refuse("it is a block device (mpt writes files, not disks)");
  if (S_ISSOCK(st.st_mode))
    return refuse("it is a socket");
  if ((d.fd = standardStreamOf(st)) >= 0) {
    d.kind = Destination::Descriptor;
    return d;
  }
  if (!S_ISREG(st.st_mode)) {
    d.kind = Destination::WriteThrough;
    return d;
  }
  if (::lstat(path.c_str(), &lst) == 0 && S_ISLNK(lst.st_mode)) {
    // Replace the file the link points at; the link stays a link.
    char *real = ::realpath(path.c_str(), nullptr);
    if (!real)
      return refuse(osError());
    d.target = real;
    std::free(real);
  }
  return d;
}

Status mpt::rt::checkWritableDestination(const std::string &path) {
  Expected<Destination> d = classifyDestination(path);
  if (d.failed())
    return d.status();
  if (d->kind == Destination::Descriptor)
    return Status::success();
  if (d->kind == Destination::WriteThrough) {
    if (::access(path.c_str(), W_OK) != 0)
      return Status::error("cannot write '" + path + "': " + osError());
    return Status::success();
  }
  std::string dir = dirOf(d->target);
  struct stat st;
  if (::stat(dir.c_str(), &st) != 0)
    return Status::error("cannot write '" + path + "': directory '" + dir +
                         "': " + osError());
  if (!S_ISDIR(st.st_mode))
    return Status::error("cannot write '" + path + "': '" + dir +
                         "' is not a directory");
  if (::access(dir.c_str(), W_OK) != 0)
    return Status::error("cannot write '" + path + "': directory '" + dir +
                         "' is not writable");
  return Status::success();
}

/// Writes all of `data` to `fd` in chunks, calling the test hook after each.
/// Returns an empty string or why it failed.
static std::string writeChunks(int fd, std::string_view data,
                               const AtomicWriteOptions &options) {
  uint64_t written = 0;
  size_t chunk = options.chunkBytes ? options.chunkBytes : (1 << 20);
  while (written < data.size()) {
    size_t n = std::min<uint64_t>(chunk, data.size() - written);
    ssize_t w = ::write(fd, data.data() + written, n);
    if (w < 0) {
      if (errno == EINTR)
        continue;
      return osError();
    }
    written += static_cast<uint64_t>(w);
    if (options.afterChunk && !options.afterChunk(written))
      return "write failed after " + std::to_string(written) + " bytes";
  }
  return "";
}

/// Writes into a device or FIFO in place. A FIFO that no process reads is
/// an error, not a hang (the open is non-blocking).
static Status writeThrough(const std::string &path, std::string_view data,
                           const AtomicWriteOptions &options) {
  int fd = ::open(path.c_str(), O_WRONLY | O_NOCTTY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) {
    if (errno == ENXIO)
      return Status::error("cannot write '" + path +
                           "': no process is reading from it");
    return Status::error("cannot write '" + path + "': " + osError());
  }
  int flags = ::fcntl(fd, F_GETFL);
  if (flags >= 0)
    ::fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
  std::string why = writeChunks(fd, data, options);
  if (::close(fd) != 0 && why.empty())
    why = osError();
  if (!why.empty())
    return Status::error("cannot write '" + path + "': " + why);
  return Status::success();
}

/// Writes to this process's standard output or error.
static Status writeDescriptor(const std::string &path, int fd,
                              std::string_view data,
                              const AtomicWriteOptions &options) {
  if (fd == STDOUT_FILENO)
    std::fflush(stdout);
  std::string why = writeChunks(fd, data, options);
  if (!why.empty())
    return Status::error("cannot write '" + path + "': " + why);
  return Status::success();
}

/// Creates `<dir>/.<name>.tmp-XXXXXX` next to `target` with mode 0666, so
/// that the kernel applies the umask (and a default ACL of the directory)
/// exactly as for any new file: the umask is never read or changed (it is
/// process-wide, and setting it, even briefly, races with other threads
/// creating files).
static int createTemporary(const std::string &target, std::string &tmp) {
  int fd = -1;
  for (int attempt = 0; attempt < 100 && fd < 0; ++attempt) {
    tmp = dirOf(target) + "/." + baseOf(target) + ".tmp-" + randomSuffix();
    fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd < 0 && errno != EEXIST)
      break;
  }
  return fd;
}

/// Writes `data` to a temporary file next to `target`, fsyncs it and renames
/// it over `target`; on failure removes it and leaves `target` as it was.
static Status replaceAtomically(const std::string &path,
                                const std::string &target,
                                std::string_view data,
                                const AtomicWriteOptions &options) {
  std::string tmp;
  int fd = createTemporary(target, tmp);
  if (fd < 0)
    return Status::error("cannot create a temporary file next to '" + path +
                         "': " + osError());
  auto failWith = [&](const std::string &why) {
    ::close(fd);
    ::unlink(tmp.c_str());
    return Status::error("cannot write '" + path + "': " + why +
                         " (the previous file, if any, is unchanged)");
  };
  struct stat old;
  if (::stat(target.c_str(), &old) == 0 && S_ISREG(old.st_mode) &&
      ::fchmod(fd, old.st_mode & 07777) != 0)
    return failWith("cannot keep the file's mode: " + osError());
  if (std::string why = writeChunks(fd, data, options); !why.empty())
    return failWith(why);
  if (::fsync(fd) != 0)
    return failWith(osError());
  if (::close(fd) != 0) {
    std::string why = osError();
    ::unlink(tmp.c_str());
    return Status::error("cannot write '" + path + "': " + why);
  }
  if (::rename(tmp.c_str(), target.c_str()) != 0) {
    std::string why = osError();
    ::unlink(tmp.c_str());
    return Status::error("cannot write '" + path + "': rename: " + why);
  }
  // Make the rename itself durable.
  int dfd = ::open(dirOf(target).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
  return Status::success();
}

Status mpt::rt::writeFileAtomic(const std::string &path, std::string_view data,
                                const AtomicWriteOptions &options) {
  if (Status st = checkWritableDestination(path); st.failed())
    return st;
  Expected<Destination> d = classifyDestination(path);
  if (d.failed())
    return d.status();
  switch (d->kind) {
  case Destination::WriteThrough:
    return writeThrough(path, data, options);
  case Destination::Descriptor:
    return writeDescriptor(path, d->fd, data, options);
  case Destination::Replace:
    break;
  }
  return replaceAtomically(path, d->target, data, options);
}

uint32_t mpt::rt::crc32(const void *data, size_t size, uint32_t crc) {
  static uint32_t table[256];
  static bool ready = [] {
    for (uint32_t i = 0; i < 256; ++i) {
      uint32_t c = i;
      for (int k = 0; k < 8; ++k)
        c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      table[i] = c;
    }
    return true;
  }();
  (void)ready;
  const auto *p = static_cast<const unsigned char *>(data);
  crc = ~crc;
  for (size_t i = 0; i < size; ++i)
    crc = table[(crc ^ p[i]) & 0xFF] ^ (crc >> 8);
  return ~crc;
}
