//===- Device.h - The device interface of the runtime ---------*- C++ -*-===//
//
// What the session needs from a backend: memory (allocate, free, copies),
// code (load a module, launch an entry), synchronisation and timing. Three
// backends implement it: the CPU, the PTX emulator (cuda-emu,
// runtime/lib/PTXEmu) and the CUDA driver (cuda: libcuda.so.1 loaded with
// dlopen at run time, so the runtime builds and runs without it):
//
// clang-format off
//   operation    cpu               cuda (one stream)          cuda-emu
//   allocate     host memory       cuMemAlloc_v2              emulator memory
//   copy*        memcpy            cuMemcpy*Async_v2          emulator copies
//   fillZero     memset            cuMemsetD8Async            emulator memset
//   loadModule   ELF .so (memfd)   PTX, cuModuleLoadDataEx    PTX, emulator
//   launch       calls C entry     cuLaunchKernel (1)         emulated launch
//   synchronize  no-op             cuStreamSynchronize        no-op
//   *Timer       host clock        CUDA events                host clock
//   memoryInfo   unsupported       cuMemGetInfo_v2            unsupported
//   loadProgram  the .so entries   sm check (2), launch plan  launch plan
//
//   (1) after cuFuncSetAttribute when a launch needs more than 48 KB of
//   dynamic shared memory; (2) the artifact's sm against the GPU's compute
//   capability, then the launch plan (loadPlanProgram).
// clang-format on
//
// Device pointers are 64-bit integers (CUdeviceptr, the emulator's
// addresses, host addresses on the CPU) and are never dereferenced on the
// host except by the CPU backend.
//
//===----------------------------------------------------------------------===//

#ifndef MPT_RUNTIME_DEVICE_H
#define MPT_RUNTIME_DEVICE_H

#include "mpt-runtime/Artifact.h"
#include "mpt-runtime/Status.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace mpt {
namespace rt {

/// An address in a device's memory.
using DevicePtr = uint64_t;

/// The kinds of code a device can load.
enum class CodeKind : uint8_t {
  NativeSharedObject, ///< an ELF shared object for the host CPU
  Ptx,                ///< PTX text
};

/// Code to load, borrowed for the duration of loadModule.
struct CodeImage {
  CodeKind kind = CodeKind::NativeSharedObject;
  std::string_view bytes;
  std::string name; ///< for messages (usually the artifact's path)
};

/// Loaded code; owned by the caller, unloaded when destroyed. A module must
/// not outlive the device that loaded it.
class Module {
public:
  virtual ~Module();
  virtual CodeKind kind() const = 0;
  /// Whether `entry` exists (an exported C function, or a PTX `.entry`).
  virtual bool hasEntry(const std::string &entry) const = 0;
  /// The address of an exported host symbol of native code (null when
  /// absent or for device code).
  virtual void *hostSymbol(const std::string &name) const { return nullptr; }
};

struct Dim3 {
  uint32_t x = 1, y = 1, z = 1;
};

struct LaunchConfig {
  Dim3 grid;
  Dim3 block;
  uint32_t sharedBytes = 0;
};

/// What a program has run since it was loaded.
struct ProgramStats {
  uint64_t calls = 0;    ///< functions called
  uint64_t launches = 0; ///< kernel launches
  uint64_t copies = 0;   ///< device copies and fills of the launch plan
  uint64_t kernels = 0;  ///< distinct kernels the program holds
  /// Kernel launches of one call of each function (fixed by the plan).
  std::vector<std::pair<std::string, uint64_t>> launchesPerCall;
};

/// The compiled functions of an artifact, loaded for one device.
struct ScratchAllocatorStats {
  uint64_t systemAllocations = 0;
  uint64_t keptBytes = 0;
};

class Program {
public:
  virtual ~Program();
  /// Runs the entry `symbol` (`int32_t symbol(void *const *buffers)`) with
  /// the device addresses of all arguments then all results; the work may
  /// still be in flight on return (call Device::synchronize).
  virtual Status call(const std::string &symbol, const DevicePtr *buffers,
                      size_t count) = 0;
  /// The most bytes the compiled code itself held for temporaries at any
  /// time since the last resetScratchPeak() (or since the program was
  /// loaded; not the runtime's buffers), when the code reports it
  /// (mpt-compile's native code exports `void mpt_memory_stats(int64_t
  /// *live, int64_t *peak, int reset)`).
  virtual std::optional<uint64_t> scratchPeakBytes() const {
    return std::nullopt;
  }
  /// Starts a new peak: from now on scratchPeakBytes() counts from the
  /// bytes alive now (`mpt_memory_stats(..., reset=1)`).
  virtual void resetScratchPeak() {}
  /// How many blocks malloc itself has handed the compiled code for
  /// temporaries since the program was loaded, and the freed bytes the code
  /// keeps for reuse now, when the code reports it (mpt-compile's native
  /// code exports `void mpt_allocator_stats(int64_t *system_allocations,
  /// int64_t *kept_bytes)`). With reuse, a step of static shapes allocates
  /// from malloc in its first call only.
  virtual std::optional<ScratchAllocatorStats> scratchAllocatorStats() const {
    return std::nullopt;
  }
  /// The address of an exported symbol of the program's native code (null
  /// when absent, and for GPU programs): what the runtime installs hooks
  /// through (`mpt_set_collective`, Collective::install).
  virtual void *hostSymbol(const std::string &name) const { return nullptr; }
  /// Launch counts of a GPU program (nullopt for native code).
  virtual std::optional<ProgramStats> stats() const { return std::nullopt; }
};

struct DeviceMemoryUsage {
  uint64_t currentBytes = 0; ///< allocated through allocate() now
  uint64_t peakBytes = 0;    ///< the most allocated at any time
};

/// A device's own memory figures (Device::memoryInfo).
struct DeviceMemoryInfo {
  uint64_t freeBytes = 0;
  uint64_t totalBytes = 0;
};

class Device {
public:
  virtual ~Device();

  /// The name createDevice() knows it by ("cpu").
  virtual std::string name() const = 0;
  /// One line for humans ("host CPU, 16 threads").
  virtual std::string description() const = 0;

  // Memory. Allocations are aligned to at least 64 bytes; a size of 0 is
  // allowed and yields a valid, unique address.
  virtual Expected<DevicePtr> allocate(size_t bytes) = 0;
  virtual void release(DevicePtr ptr) = 0;
  virtual Status copyToDevice(DevicePtr dst, const void *src, size_t bytes) = 0;
  virtual Status copyToHost(void *dst, DevicePtr src, size_t bytes) = 0;
  virtual Status copyOnDevice(DevicePtr dst, DevicePtr src, size_t bytes) = 0;
  /// Sets `bytes` bytes at `dst` to zero. The default copies from a small
  /// host buffer of zeros piece by piece; backends memset.
  virtual Status fillZero(DevicePtr dst, size_t bytes);
  virtual DeviceMemoryUsage memoryUsage() const = 0;

  // Code.
  virtual Expected<std::unique_ptr<Module>>
  loadModule(const CodeImage &image) = 0;
  /// Runs `entry` of `module`. For a native module the entry is a host C
  /// function `int32_t entry(void *const *args)` called with `args`
  /// (`config` must be 1x1x1; a non-zero return is an error). For a PTX
  /// module it is a kernel launched with `config`, and `args` holds a
  /// pointer to each parameter's value, as cuLaunchKernel's kernelParams.
  virtual Status launch(Module &module, const std::string &entry,
                        const LaunchConfig &config, void *const *args,
                        size_t numArgs) = 0;
  /// Waits for all launched work; reports errors of asynchronous work.
  virtual Status synchronize() = 0;
  /// Device-specific counters for reports, e.g. the emulator's executed
  /// instructions ({"warp_instructions", n}, ...); empty when none.
  virtual std::vector<std::pair<std::string, uint64_t>> counters() const {
    return {};
  }

  // Timing. One timer per device, for timing steps.
  /// Starts the timer at the current point of the device's work (cuda
  /// records a CUDA event on its stream; the default waits for
  /// synchronize() and reads the host's steady clock). Starting it again
  /// restarts it.
  virtual Status startTimer();
  /// Stops the timer: the milliseconds between startTimer() and the current
  /// point of the device's work, as the device measured them (CUDA events on
  /// cuda: GPU time, without the host's launch overhead; host time around
  /// the work on cpu and cuda-emu, whose work completes before launch()
  /// returns). Waits for that work and reports its errors as synchronize()
  /// does; an error when no timer was started.
  virtual Expected<double> stopTimer();

  /// Free and total memory of the whole device as its driver reports them
  /// (every process's allocations count), for reports. The default is an
  /// error: cpu and cuda-emu have no such figure.
  virtual Expected<DeviceMemoryInfo> memoryInfo();

  /// Loads the code of `artifact` that this device runs its functions from
  /// and checks that every function's entry exists. The default loads the
  /// native shared object and calls each entry on the host through launch()
  /// (the CPU backend); GPU backends load the host code and the PTX.
  virtual Expected<std::unique_ptr<Program>>
  loadProgram(const ArtifactContents &artifact, const std::string &name);

private:
  /// The default timer's start on the host's steady clock (ns), or -1.
  int64_t timerStartNs_ = -1;
};

/// Loads `artifact`'s PTX and launch plan for `device` (a GPU device: cuda
/// or cuda-emu): the program interprets the plan, launching through
/// Device::launch (runtime/lib/Runtime/PlanProgram.cpp).
Expected<std::unique_ptr<Program>>
loadPlanProgram(Device &device, const ArtifactContents &artifact,
                const std::string &name);

/// A device by name: "cpu", "cuda-emu", or "cuda" (GPU 0; "cuda:N" for GPU
/// N), which loads the CUDA driver now ($MPT_CUDA_DRIVER names another
/// library to load instead of libcuda.so.1) and fails with one line when
/// there is no driver or no GPU. Any other name is an unknown device.
Expected<std::unique_ptr<Device>> createDevice(std::string_view name);
/// The names createDevice() accepts in this build.
std::vector<std::string> availableDevices();

/// Device memory owned by one object (RAII).
class DeviceBuffer {
public:
  DeviceBuffer() = default;
  DeviceBuffer(Device *device, DevicePtr ptr, size_t bytes)
      : device_(device), ptr_(ptr), bytes_(bytes) {}
  DeviceBuffer(DeviceBuffer &&other) noexcept { *this = std::move(other); }
  DeviceBuffer &operator=(DeviceBuffer &&other) noexcept;
  DeviceBuffer(const DeviceBuffer &) = delete;
  DeviceBuffer &operator=(const DeviceBuffer &) = delete;
  ~DeviceBuffer() { reset(); }

  static Expected<DeviceBuffer> allocate(Device &device, size_t bytes);
  void reset();
  DevicePtr ptr() const { return ptr_; }
  size_t bytes() const { return bytes_; }
  explicit operator bool() const { return device_ != nullptr; }

private:
  Device *device_ = nullptr;
  DevicePtr ptr_ = 0;
  size_t bytes_ = 0;
};

} // namespace rt
} // namespace mpt

#endif // MPT_RUNTIME_DEVICE_H
