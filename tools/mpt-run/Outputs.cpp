//===- Outputs.cpp - What mpt-run writes, checked before it runs ----------===//

#include "Outputs.h"
#include "ToolSupport.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <sys/stat.h>
#include <unistd.h>

using namespace mpt;
using namespace mpt::tool;

namespace {
/// Which file a path names: device and inode when it exists, and the
/// real path of its directory plus its name.
struct FileKey {
  bool exists = false;
  /// A character device or FIFO: written in place, never replaced, so
  /// several outputs may name it.
  bool shareable = false;
  dev_t dev = 0;
  ino_t ino = 0;
  std::string canonical;
};

FileKey fileKey(const std::string &path) {
  FileKey k;
  struct stat st;
  if (::stat(path.c_str(), &st) == 0) {
    k.exists = true;
    k.shareable = S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode);
    k.dev = st.st_dev;
    k.ino = st.st_ino;
  }
  size_t slash = path.rfind('/');
  std::string dir = slash == std::string::npos ? "."
                    : slash == 0               ? "/"
                                               : path.substr(0, slash);
  std::string base = slash == std::string::npos ? path : path.substr(slash + 1);
  char *real = ::realpath(dir.c_str(), nullptr);
  k.canonical = (real ? std::string(real) : dir) + "/" + base;
  std::free(real);
  return k;
}

bool sameFile(const FileKey &a, const FileKey &b) {
  if (a.exists && b.exists)
    return a.dev == b.dev && a.ino == b.ino;
  return a.canonical == b.canonical;
}

} // namespace

/// Refuses outputs that would overwrite an input (the model, the
/// checkpoint resumed from, data files) or each other, before anything is
/// written. --checkpoint may be the checkpoint it resumes from.
void tool::checkOverlaps(const std::vector<NamedPath> &inputs,
                         const std::vector<NamedPath> &outputs) {
  std::vector<FileKey> in, out;
  for (const NamedPath &p : inputs)
    in.push_back(fileKey(p.path));
  for (const NamedPath &p : outputs)
    out.push_back(fileKey(p.path));
  for (size_t i = 0; i < outputs.size(); ++i) {
    for (size_t j = 0; j < inputs.size(); ++j) {
      if (!sameFile(out[i], in[j]))
        continue;
      if (outputs[i].what == "--checkpoint" && inputs[j].what == "--resume")
        continue; // saving where it resumed from is the usual thing to do
      std::string input = inputs[j].what == "--resume"
                              ? "the checkpoint it resumes from (--resume)"
                              : inputs[j].what;
      die(outputs[i].what + " '" + outputs[i].path + "' would overwrite " +
          input + " '" + inputs[j].path + "'; choose another path");
    }
    for (size_t j = 0; j < i; ++j)
      if (sameFile(out[i], out[j]) && !out[i].shareable)
        die(outputs[j].what + " '" + outputs[j].path + "' and " +
            outputs[i].what + " '" + outputs[i].path + "' are the same file");
  }
}

rt::Status tool::makeDirs(const std::string &dir) {
  std::string partial;
  size_t pos = 0;
  while (pos != std::string::npos) {
    pos = dir.find('/', pos + 1);
    partial = dir.substr(0, pos);
    if (partial.empty())
      continue;
    struct stat st;
    if (::stat(partial.c_str(), &st) == 0) {
      if (!S_ISDIR(st.st_mode))
        return rt::Status::error("'" + partial + "' is not a directory");
      continue;
    }
    if (::mkdir(partial.c_str(), 0777) != 0 && errno != EEXIST)
      return rt::Status::error("cannot create directory '" + partial +
                               "': " + std::strerror(errno));
  }
  return rt::Status::success();
}

rt::Status tool::checkDumpDir(const std::string &dir) {
  // The directory may not exist yet: its nearest existing ancestor must be
  // writable.
  std::string d = dir;
  while (!d.empty()) {
    struct stat st;
    if (::stat(d.c_str(), &st) == 0) {
      if (!S_ISDIR(st.st_mode))
        return rt::Status::error("'" + d + "' is not a directory");
      if (::access(d.c_str(), W_OK) != 0)
        return rt::Status::error("directory '" + d + "' is not writable");
      return rt::Status::success();
    }
    size_t slash = d.rfind('/');
    if (slash == std::string::npos)
      d = ".";
    else
      d = slash == 0 ? "/" : d.substr(0, slash);
  }
  return rt::Status::success();
}

rt::AtomicWriteOptions tool::checkpointWriteOptions() {
  rt::AtomicWriteOptions o;
  if (const char *crash = std::getenv("MPT_RUN_TEST_CRASH_CHECKPOINT_AT")) {
    uint64_t at = std::strtoull(crash, nullptr, 10);
    o.chunkBytes = std::max<uint64_t>(1, at);
    o.afterChunk = [at](uint64_t written) {
      if (written >= at) {
        std::fprintf(stderr,
                     "mpt-run: test hook: crashing after writing %llu "
                     "checkpoint bytes\n",
                     static_cast<unsigned long long>(written));
        std::_Exit(86);
      }
      return true;
    };
  } else if (const char *fail =
                 std::getenv("MPT_RUN_TEST_FAIL_CHECKPOINT_AT")) {
    uint64_t at = std::strtoull(fail, nullptr, 10);
    o.chunkBytes = std::max<uint64_t>(1, at);
    o.afterChunk = [at](uint64_t written) { return written < at; };
  }
  return o;
}
