//===- FileIO.cpp - Whole-file reads and atomic writes --------------------===//

#include "mpt-runtime/FileIO.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <new>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
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

static std::string bytesText(uint64_t n) { return std::to_string(n) + " bytes"; }

Expected<std::string> mpt::rt::readFile(const std::string &path,
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
  if (st.st_size > 0 && static_cast<uint64_t>(st.st_size) > maxBytes)
    return fail("it is " + bytesText(static_cast<uint64_t>(st.st_size)) +
                ", more than the " + bytesText(maxBytes) +
                " this reader accepts");
  try {
    std::string data;
    if (st.st_size > 0)
      data.reserve(static_cast<size_t>(st.st_size));
    char buf[1 << 16];
    while (true) {
      ssize_t n = ::read(fd, buf, sizeof(buf));
      if (n < 0) {
        if (errno == EINTR)
          continue;
        return fail(osError());
      }
      if (n == 0)
        break;
      // Files whose size stat() does not know (/proc) are capped too.
      if (static_cast<uint64_t>(n) > maxBytes - data.size())
        return fail("it is more than the " + bytesText(maxBytes) +
                    " this reader accepts");
      data.append(buf, static_cast<size_t>(n));
    }
    ::close(fd);
    return data;
  } catch (const std::bad_alloc &) {
    return fail("out of memory reading " +
                bytesText(static_cast<uint64_t>(st.st_size)));
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

Status mpt::rt::checkWritableDestination(const std::string &path) {
  if (path.empty())
    return Status::error("empty output path");
  std::string dir = dirOf(path);
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
  if (::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode))
    return Status::error("cannot write '" + path + "': it is a directory");
  return Status::success();
}

Status mpt::rt::writeFileAtomic(const std::string &path, std::string_view data,
                                const AtomicWriteOptions &options) {
  if (Status st = checkWritableDestination(path); st.failed())
    return st;
  std::string dir = dirOf(path);
  // The temporary file is created with mode 0666, so the kernel applies the
  // umask (and a default ACL of the directory) exactly as for any new file:
  // the umask is never read or changed (umask() is process-wide, and
  // setting it, even briefly, races with other threads creating files). An
  // existing file keeps its mode.
  std::string tmpl;
  int fd = -1;
  for (int attempt = 0; attempt < 100 && fd < 0; ++attempt) {
    tmpl = dir + "/." + baseOf(path) + ".tmp-" + randomSuffix();
    fd = ::open(tmpl.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd < 0 && errno != EEXIST)
      break;
  }
  if (fd < 0)
    return Status::error("cannot create a temporary file next to '" + path +
                         "': " + osError());
  auto failWith = [&](const std::string &why) {
    ::close(fd);
    ::unlink(tmpl.c_str());
    return Status::error("cannot write '" + path + "': " + why +
                         " (the previous file, if any, is unchanged)");
  };
  struct stat old;
  if (::stat(path.c_str(), &old) == 0 && S_ISREG(old.st_mode) &&
      ::fchmod(fd, old.st_mode & 07777) != 0)
    return failWith("cannot keep the file's mode: " + osError());
  uint64_t written = 0;
  size_t chunk = options.chunkBytes ? options.chunkBytes : (1 << 20);
  while (written < data.size()) {
    size_t n = std::min<uint64_t>(chunk, data.size() - written);
    ssize_t w = ::write(fd, data.data() + written, n);
    if (w < 0) {
      if (errno == EINTR)
        continue;
      return failWith(osError());
    }
    written += static_cast<uint64_t>(w);
    if (options.afterChunk && !options.afterChunk(written))
      return failWith("write failed after " + std::to_string(written) +
                      " bytes");
  }
  if (::fsync(fd) != 0)
    return failWith(osError());
  if (::close(fd) != 0) {
    std::string why = osError();
    ::unlink(tmpl.c_str());
    return Status::error("cannot write '" + path + "': " + why);
  }
  if (::rename(tmpl.c_str(), path.c_str()) != 0) {
    std::string why = osError();
    ::unlink(tmpl.c_str());
    return Status::error("cannot write '" + path + "': rename: " + why);
  }
  // Make the rename itself durable.
  int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
  return Status::success();
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
