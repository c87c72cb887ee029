//===- CpuDevice.h - The CPU backend --------------------------*- C++ -*-===//
//
// Host memory and native code: the artifact's shared object is loaded from
// memory (memfd_create + dlopen("/proc/self/fd/N"), or an unlinked private
// temporary file where memfd is unavailable), so no file is left behind.
//
//===----------------------------------------------------------------------===//

#ifndef MPT_RUNTIME_LIB_CPUDEVICE_H
#define MPT_RUNTIME_LIB_CPUDEVICE_H

#include "MemoryAccounting.h"

#include "mpt-runtime/Device.h"

namespace mpt {
namespace rt {

/// Why `bytes` is not a complete 64-bit ELF shared object for this machine
/// (headers, segments and sections inside the file), or "": what loadModule
/// checks before dlopen maps the code (fuzz/ArtifactFuzzer.cpp feeds it).
std::string elfProblem(std::string_view bytes);

class CpuDevice : public Device {
public:
  std::string name() const override { return "cpu"; }
  std::string description() const override;

  Expected<DevicePtr> allocate(size_t bytes) override;
  void release(DevicePtr ptr) override;
  Status copyToDevice(DevicePtr dst, const void *src, size_t bytes) override;
  Status copyToHost(void *dst, DevicePtr src, size_t bytes) override;
  Status copyOnDevice(DevicePtr dst, DevicePtr src, size_t bytes) override;
  Status fillZero(DevicePtr dst, size_t bytes) override;
  DeviceMemoryUsage memoryUsage() const override;

  Expected<std::unique_ptr<Module>> loadModule(const CodeImage &image) override;
  Status launch(Module &module, const std::string &entry,
                const LaunchConfig &config, void *const *args,
                size_t numArgs) override;
  Status synchronize() override { return Status::success(); }

  /// Also refuses code compiled for features this CPU lacks (the
  /// artifact's "cpu-features" option, else the x86-64 level in its "cpu"
  /// option; HostCpu.h), rather than dying of SIGILL in the middle of a
  /// step.
  Expected<std::unique_ptr<Program>>
  loadProgram(const ArtifactContents &artifact,
              const std::string &name) override;

private:
  MemoryAccounting memory_;
};

} // namespace rt
} // namespace mpt

#endif // MPT_RUNTIME_LIB_CPUDEVICE_H
