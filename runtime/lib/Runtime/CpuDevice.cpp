//===- CpuDevice.cpp - The CPU backend ------------------------------------===//

#include "CpuDevice.h"
#include "HostCpu.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <dlfcn.h>
#include <elf.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <unordered_map>

using namespace mpt::rt;

std::string CpuDevice::description() const {
  long n = ::sysconf(_SC_NPROCESSORS_ONLN);
  return "host CPU (" + std::to_string(n > 0 ? n : 1) + " cores online)";
}

Expected<DevicePtr> CpuDevice::allocate(size_t bytes) {
  size_t rounded = (bytes + 63) / 64 * 64;
  if (rounded == 0)
    rounded = 64;
  void *p = std::aligned_alloc(64, rounded);
  if (!p)
    return Status::error("out of host memory allocating " +
                         std::to_string(bytes) + " bytes");
  auto ptr = static_cast<DevicePtr>(reinterpret_cast<uintptr_t>(p));
  memory_.allocated(ptr, bytes);
  return ptr;
}

void CpuDevice::release(DevicePtr ptr) {
  if (ptr && memory_.released(ptr))
    std::free(reinterpret_cast<void *>(static_cast<uintptr_t>(ptr)));
}

static void *hostPtr(DevicePtr p) {
  return reinterpret_cast<void *>(static_cast<uintptr_t>(p));
}

Status CpuDevice::copyToDevice(DevicePtr dst, const void *src, size_t bytes) {
  if (bytes)
    std::memcpy(hostPtr(dst), src, bytes);
  return Status::success();
}

Status CpuDevice::copyToHost(void *dst, DevicePtr src, size_t bytes) {
  if (bytes)
    std::memcpy(dst, hostPtr(src), bytes);
  return Status::success();
}

Status CpuDevice::fillZero(DevicePtr dst, size_t bytes) {
  if (bytes)
    std::memset(hostPtr(dst), 0, bytes);
  return Status::success();
}

Status CpuDevice::copyOnDevice(DevicePtr dst, DevicePtr src, size_t bytes) {
  if (bytes)
    std::memmove(hostPtr(dst), hostPtr(src), bytes);
  return Status::success();
}

DeviceMemoryUsage CpuDevice::memoryUsage() const { return memory_.usage(); }

namespace {
using EntryFn = int32_t (*)(void *const *);

class NativeModule : public Module {
public:
  /// `fd` (or -1) is the memfd the code was loaded from: it stays open while
  /// the module is loaded so that no other module gets the same
  /// /proc/self/fd/N name (dlopen matches already loaded objects by name).
  NativeModule(void *handle, std::string name, int fd)
      : handle_(handle), name_(std::move(name)), fd_(fd) {}
  ~NativeModule() override {
    ::dlclose(handle_);
    if (fd_ >= 0)
      ::close(fd_);
  }

  CodeKind kind() const override { return CodeKind::NativeSharedObject; }
  bool hasEntry(const std::string &entry) const override {
    return lookup(entry) != nullptr;
  }
  void *hostSymbol(const std::string &name) const override {
    ::dlerror();
    return ::dlsym(handle_, name.c_str());
  }

  EntryFn lookup(const std::string &entry) const {
    auto it = entries_.find(entry);
    if (it != entries_.end())
      return it->second;
    ::dlerror();
    void *sym = ::dlsym(handle_, entry.c_str());
    auto fn = reinterpret_cast<EntryFn>(sym);
    if (fn)
      entries_[entry] = fn;
    return fn;
  }
  const std::string &name() const { return name_; }

private:
  void *handle_;
  std::string name_;
  int fd_;
  mutable std::unordered_map<std::string, EntryFn> entries_;
};

/// Replaces the /proc/self/fd/N (or temporary) path in a dlerror() message
/// with the artifact's name.
std::string cleanDlError(const char *err, const std::string &path,
                         const std::string &name) {
  std::string msg = err ? err : "unknown dlopen error";
  size_t at = msg.find(path);
  if (at != std::string::npos)
    msg.replace(at, path.size(), name + " (native code)");
  return msg;
}

bool writeAll(int fd, std::string_view bytes) {
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      return false;
    }
    done += static_cast<size_t>(n);
  }
  return true;
}
} // namespace

/// The ELF machine of this build's host.
static constexpr uint16_t kHostMachine =
#if defined(__x86_64__)
    EM_X86_64;
#elif defined(__aarch64__)
    EM_AARCH64;
#else
    EM_NONE;
#endif

/// `offset + count * size` lies within `fileSize` (without overflow).
static bool within(uint64_t offset, uint64_t count, uint64_t size,
                   uint64_t fileSize) {
  uint64_t bytes;
  return !__builtin_mul_overflow(count, size, &bytes) && offset <= fileSize &&
         bytes <= fileSize - offset;
}

/// Why `bytes` is not a complete 64-bit ELF shared object for this machine,
/// or "". dlopen maps the file: a segment or section past its end (a
/// truncated file) would be a SIGBUS when touched, not an error.
std::string mpt::rt::elfProblem(std::string_view bytes) {
  Elf64_Ehdr eh;
  if (bytes.size() < sizeof eh)
    return "it is shorter than an ELF header";
  std::memcpy(&eh, bytes.data(), sizeof eh);
  if (eh.e_ident[EI_CLASS] != ELFCLASS64 ||
      eh.e_ident[EI_DATA] != ELFDATA2LSB || eh.e_type != ET_DYN ||
      eh.e_machine != kHostMachine)
    return "it is not a 64-bit shared object for this machine";
  uint64_t size = bytes.size();
  if (eh.e_phentsize != sizeof(Elf64_Phdr) ||
      !within(eh.e_phoff, eh.e_phnum, sizeof(Elf64_Phdr), size))
    return "its program headers lie outside the file";
  for (uint16_t i = 0; i < eh.e_phnum; ++i) {
    Elf64_Phdr ph;
    std::memcpy(&ph, bytes.data() + eh.e_phoff + i * sizeof ph, sizeof ph);
    if (!within(ph.p_offset, 1, ph.p_filesz, size))
      return "segment " + std::to_string(i) +
             " ends past the end of the "
             "file (truncated?)";
  }
  if (eh.e_shnum && (eh.e_shentsize != sizeof(Elf64_Shdr) ||
                     !within(eh.e_shoff, eh.e_shnum, sizeof(Elf64_Shdr), size)))
    return "its section headers lie outside the file (truncated?)";
  for (uint16_t i = 0; i < eh.e_shnum; ++i) {
    Elf64_Shdr sh;
    std::memcpy(&sh, bytes.data() + eh.e_shoff + i * sizeof sh, sizeof sh);
    if (sh.sh_type != SHT_NOBITS && !within(sh.sh_offset, 1, sh.sh_size, size))
      return "section " + std::to_string(i) +
             " ends past the end of the "
             "file (truncated?)";
  }
  return "";
}

Expected<std::unique_ptr<Module>>
CpuDevice::loadModule(const CodeImage &image) {
  if (image.kind != CodeKind::NativeSharedObject)
    return Status::error(image.name +
                         ": the cpu device runs native code, not PTX");
  if (image.bytes.size() < 4 || image.bytes.substr(0, 4) != "\x7f"
                                                            "ELF")
    return Status::error(image.name +
                         ": the native code is not an ELF shared object");
  if (std::string why = elfProblem(image.bytes); !why.empty())
    return Status::error(image.name +
                         ": the native code is not a complete "
                         "ELF shared object: " +
                         why);
  // Preferred: an anonymous in-memory file, opened through /proc.
  int fd = ::memfd_create("mpt-step", MFD_CLOEXEC);
  std::string path;
  bool unlinkAfter = false;
  if (fd >= 0) {
    path = "/proc/self/fd/" + std::to_string(fd);
    if (::access(path.c_str(), F_OK) != 0) { // /proc not mounted
      ::close(fd);
      fd = -1;
    }
  }
  if (fd < 0) {
    // Fallback: a private temporary file, unlinked right after dlopen.
    const char *tmp = std::getenv("TMPDIR");
    path = std::string(tmp && *tmp ? tmp : "/tmp") + "/mpt-step-XXXXXX";
    fd = ::mkstemp(path.data());
    if (fd < 0)
      return Status::error(image.name +
                           ": cannot create a file to load the native code "
                           "from: " +
                           std::strerror(errno));
    unlinkAfter = true;
  }
  if (!writeAll(fd, image.bytes)) {
    std::string why = std::strerror(errno);
    ::close(fd);
    if (unlinkAfter)
      ::unlink(path.c_str());
    return Status::error(image.name + ": cannot stage the native code: " + why);
  }
  if (!unlinkAfter) {
    // dlopen returns an already loaded object of the same name instead of
    // reading the file: if an object that was never unloaded (linked with
    // -z nodelete, as LLVM's CMake links shared objects) still holds this
    // /proc/self/fd/N name, move to another descriptor number.
    for (int attempt = 0; attempt < 64; ++attempt) {
      void *old = ::dlopen(path.c_str(), RTLD_NOW | RTLD_NOLOAD);
      if (!old)
        break;
      ::dlclose(old);
      int moved = ::fcntl(fd, F_DUPFD_CLOEXEC, fd + 1);
      if (moved < 0)
        break;
      ::close(fd);
      fd = moved;
      path = "/proc/self/fd/" + std::to_string(fd);
    }
  }
  void *handle = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  std::string err = handle ? "" : cleanDlError(::dlerror(), path, image.name);
  if (unlinkAfter) {
    ::unlink(path.c_str());
    ::close(fd);
    fd = -1;
  }
  if (!handle) {
    if (fd >= 0)
      ::close(fd);
    return Status::error(image.name + ": cannot load the native code: " + err);
  }
  return std::unique_ptr<Module>(new NativeModule(handle, image.name, fd));
}

Status CpuDevice::launch(Module &module, const std::string &entry,
                         const LaunchConfig &config, void *const *args,
                         size_t numArgs) {
  if (module.kind() != CodeKind::NativeSharedObject)
    return Status::error("the cpu device cannot launch PTX kernels");
  if (config.grid.x * config.grid.y * config.grid.z != 1 ||
      config.block.x * config.block.y * config.block.z != 1)
    return Status::error("native entries run once: launch " + entry +
                         " with a 1x1x1 grid and block");
  auto &native = static_cast<NativeModule &>(module);
  EntryFn fn = native.lookup(entry);
  if (!fn)
    return Status::error(native.name() + ": the native code has no entry " +
                         entry);
  (void)numArgs;
  int32_t rc = fn(args);
  if (rc == kEntryOutOfMemory)
    return Status::error(entry +
                         ": out of memory for the step's temporaries (the "
                         "step stopped; its results were not written)");
  if (rc == kEntryLabelOutOfRange)
    return Status::error(entry +
                         ": an input holds a class label outside its range "
                         "(the step stopped; its results were not written)");
  if (rc != 0)
    return Status::error(entry + " returned error code " + std::to_string(rc));
  return Status::success();
}

Expected<std::unique_ptr<Program>>
CpuDevice::loadProgram(const ArtifactContents &artifact,
                       const std::string &name) {
  std::string mismatch = cpuMismatch(artifact.manifest.options);
  if (!mismatch.empty())
    return Status::error(name + ": " + mismatch);
  return Device::loadProgram(artifact, name);
}
