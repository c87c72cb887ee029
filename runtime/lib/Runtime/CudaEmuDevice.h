//===- CudaEmuDevice.h - GPU kernels on the PTX emulator ------*- C++ -*-===//
//
// The `cuda-emu` device: the same interface as the CUDA driver backend
// (device memory, PTX modules, kernel launches with cuLaunchKernel-style
// arguments, synchronise), executed by mpt's PTX emulator on the CPU, so
// generated GPU kernels run and are checked where no GPU is.
//
//===----------------------------------------------------------------------===//

#ifndef MPT_RUNTIME_LIB_CUDAEMUDEVICE_H
#define MPT_RUNTIME_LIB_CUDAEMUDEVICE_H

#include "MemoryAccounting.h"

#include "mpt-runtime/Device.h"
#include "mpt-runtime/PTXEmu.h"

namespace mpt {
namespace rt {

class CudaEmuDevice : public Device {
public:
  std::string name() const override { return "cuda-emu"; }
  std::string description() const override;

  Expected<DevicePtr> allocate(size_t bytes) override;
  void release(DevicePtr ptr) override;
  Status copyToDevice(DevicePtr dst, const void *src, size_t bytes) override;
  Status copyToHost(void *dst, DevicePtr src, size_t bytes) override;
  Status copyOnDevice(DevicePtr dst, DevicePtr src, size_t bytes) override;
  Status fillZero(DevicePtr dst, size_t bytes) override;
  DeviceMemoryUsage memoryUsage() const override;

  /// Loads PTX text; native code has no place on this device.
  Expected<std::unique_ptr<Module>> loadModule(const CodeImage &image) override;
  /// Launches a kernel: `args[i]` points at the value of the kernel's i-th
  /// parameter (as cuLaunchKernel's kernelParams); the count must match.
  /// Emulated launches complete before this returns; a kernel error (an
  /// out-of-bounds access, a barrier deadlock, an unsupported instruction)
  /// is the returned status.
  Status launch(Module &module, const std::string &entry,
                const LaunchConfig &config, void *const *args,
                size_t numArgs) override;
  Status synchronize() override { return Status::success(); }
  /// Artifacts compiled with --target=cuda: their PTX and launch plan.
  Expected<std::unique_ptr<Program>>
  loadProgram(const ArtifactContents &artifact,
              const std::string &name) override;
  /// The emulator's instruction and block counts of every launch so far.
  std::vector<std::pair<std::string, uint64_t>> counters() const override;

  /// Counters of every launch so far (instructions, mma.sync, time).
  const ptxemu::LaunchStats &stats() const { return emu_.stats(); }

private:
  ptxemu::Device emu_;
  MemoryAccounting memory_;
};

} // namespace rt
} // namespace mpt

#endif // MPT_RUNTIME_LIB_CUDAEMUDEVICE_H
