//===- FileIO.cpp - Whole-file reads and atomic writes --------------------===//

#include "mpt-runtime/FileIO.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace mpt::rt;

static std::string osError() { return std::strerror(errno); }

Expected<std::string> mpt::rt::readFile(const std::string &path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return Status::error("cannot open '" + path + "': " + osError());
  struct stat st;
  if (::fstat(fd, &st) != 0 || S_ISDIR(st.st_mode)) {
    std::string why = S_ISDIR(st.st_mode) ? "it is a directory" : osError();
    ::close(fd);
    return Status::error("cannot read '" + path + "': " + why);
  }
  std::string data;
  if (st.st_size > 0)
    data.reserve(static_cast<size_t>(st.st_size));
  char buf[1 << 16];
  while (true) {
    ssize_t n = ::read(fd, buf, sizeof(buf));
    if (n < 0) {
      if (errno == EINTR)
        continue;
      std::string why = osError();
      ::close(fd);
      return Status::error("cannot read '" + path + "': " + why);
    }
    if (n == 0)
      break;
    data.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return data;
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
  std::string tmpl = dir + "/." + baseOf(path) + ".tmp-XXXXXX";
  int fd = ::mkstemp(tmpl.data());
  if (fd < 0)
    return Status::error("cannot create a temporary file next to '" + path +
                         "': " + osError());
  auto failWith = [&](const std::string &why) {
    ::close(fd);
    ::unlink(tmpl.c_str());
    return Status::error("cannot write '" + path + "': " + why +
                         " (the previous file, if any, is unchanged)");
  };
  // mkstemp creates 0600; give the file the usual permissions.
  mode_t mask = ::umask(0);
  ::umask(mask);
  ::fchmod(fd, 0666 & ~mask);
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
