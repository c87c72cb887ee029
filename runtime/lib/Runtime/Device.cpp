//===- Device.cpp - The device interface and the device registry ----------===//

#include "mpt-runtime/Device.h"
#include "mpt-runtime/NativeAbi.h"

#include "CpuDevice.h"
#include "CudaDevice.h"
#include "CudaEmuDevice.h"

#include <algorithm>
#include <chrono>
#include <unordered_map>

using namespace mpt::rt;

Module::~Module() = default;
Program::~Program() = default;
Device::~Device() = default;

namespace {
/// The functions of a native shared object, called through Device::launch.
class NativeProgram : public Program {
public:
  NativeProgram(Device &device, std::unique_ptr<Module> module)
      : device_(device), module_(std::move(module)) {
    memoryStats_ = reinterpret_cast<MemoryStatsFn>(
        module_->hostSymbol("mpt_memory_stats"));
    allocatorStats_ = reinterpret_cast<AllocatorStatsFn>(
        module_->hostSymbol("mpt_allocator_stats"));
  }

  std::optional<uint64_t> scratchPeakBytes() const override {
    if (!memoryStats_)
      return std::nullopt;
    int64_t live = 0, peak = 0;
    memoryStats_(&live, &peak, /*reset=*/0);
    return static_cast<uint64_t>(peak < 0 ? 0 : peak);
  }

  std::optional<ScratchAllocatorStats> scratchAllocatorStats() const override {
    if (!allocatorStats_)
      return std::nullopt;
    int64_t allocations = 0, kept = 0;
    allocatorStats_(&allocations, &kept);
    return ScratchAllocatorStats{
        static_cast<uint64_t>(std::max<int64_t>(allocations, 0)),
        static_cast<uint64_t>(std::max<int64_t>(kept, 0))};
  }

  void resetScratchPeak() override {
    if (memoryStats_) {
      int64_t live = 0, peak = 0;
      memoryStats_(&live, &peak, /*reset=*/1);
    }
  }

  void *hostSymbol(const std::string &name) const override {
    return module_->hostSymbol(name);
  }

  Status call(const std::string &symbol, const DevicePtr *buffers,
              size_t count) override {
    pointers_.resize(count);
    for (size_t i = 0; i < count; ++i)
      pointers_[i] =
          reinterpret_cast<void *>(static_cast<uintptr_t>(buffers[i]));
    return device_.launch(*module_, symbol, LaunchConfig(), pointers_.data(),
                          count);
  }

private:
  /// `void mpt_memory_stats(int64_t *live, int64_t *peak, int reset)`.
  using MemoryStatsFn = void (*)(int64_t *, int64_t *, int);
  /// `void mpt_allocator_stats(int64_t *system_allocations, int64_t
  /// *kept_bytes)` (absent from code compiled before it existed).
  using AllocatorStatsFn = void (*)(int64_t *, int64_t *);

  Device &device_;
  std::unique_ptr<Module> module_;
  std::vector<void *> pointers_;
  MemoryStatsFn memoryStats_ = nullptr;
  AllocatorStatsFn allocatorStats_ = nullptr;
};
} // namespace

Status Device::fillZero(DevicePtr dst, size_t bytes) {
  static const char zeros[1 << 16] = {};
  for (size_t done = 0; done < bytes;) {
    size_t n = std::min(bytes - done, sizeof zeros);
    if (Status st = copyToDevice(dst + done, zeros, n); st.failed())
      return st;
    done += n;
  }
  return Status::success();
}

static int64_t steadyNowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

Status Device::startTimer() {
  if (Status st = synchronize(); st.failed())
    return st;
  timerStartNs_ = steadyNowNs();
  return Status::success();
}

Expected<double> Device::stopTimer() {
  if (timerStartNs_ < 0)
    return Status::error(name() + ": stopTimer() without startTimer()");
  Status st = synchronize();
  int64_t elapsed = steadyNowNs() - timerStartNs_;
  timerStartNs_ = -1;
  if (st.failed())
    return st;
  return static_cast<double>(elapsed) / 1e6;
}

Expected<DeviceMemoryInfo> Device::memoryInfo() {
  return Status::error("device " + name() +
                       " does not report free and total memory");
}

Expected<std::unique_ptr<Program>>
Device::loadProgram(const ArtifactContents &artifact, const std::string &name) {
  if (artifact.manifest.target != "cpu")
    return Status::error(name + ": compiled for target '" +
                         artifact.manifest.target + "', which device '" +
                         this->name() + "' cannot run");
  if (artifact.nativeSharedObject.empty())
    return Status::error(
        name + ": the artifact has no native code for device " + this->name() +
        " (target " + artifact.manifest.target + ")");
  CodeImage image;
  image.kind = CodeKind::NativeSharedObject;
  image.bytes = artifact.nativeSharedObject;
  image.name = name;
  Expected<std::unique_ptr<Module>> module = loadModule(image);
  if (module.failed())
    return module.status();
  for (const FunctionSig &f : artifact.manifest.functions)
    if (!(*module)->hasEntry(f.symbol))
      return Status::error(name + ": the native code does not export " +
                           f.symbol + " (the entry of function " + f.name +
                           ")");
  // The table must be the one the code was compiled for: else the entries
  // would read and write past the buffers the runtime passes them.
  const auto *abi =
      static_cast<const mpt_abi *>((*module)->hostSymbol(kNativeAbiSymbol));
  if (Status st = checkNativeAbi(artifact.manifest, abi); st.failed())
    return st.withContext(name);
  return std::unique_ptr<Program>(new NativeProgram(*this, module.take()));
}

Expected<std::unique_ptr<Device>> mpt::rt::createDevice(std::string_view name) {
  if (name == "cpu")
    return std::unique_ptr<Device>(new CpuDevice());
  if (name == "cuda-emu")
    return std::unique_ptr<Device>(new CudaEmuDevice());
  if (name == "cuda" || name.substr(0, 5) == "cuda:")
    return CudaDevice::create(name);
  std::string list;
  for (const std::string &d : availableDevices())
    list += (list.empty() ? "" : ", ") + d;
  return Status::error("unknown device '" + std::string(name) +
                       "' (available: " + list + ")");
}

std::vector<std::string> mpt::rt::availableDevices() {
  return {"cpu", "cuda-emu", "cuda"};
}

DeviceBuffer &DeviceBuffer::operator=(DeviceBuffer &&other) noexcept {
  if (this != &other) {
    reset();
    device_ = other.device_;
    ptr_ = other.ptr_;
    bytes_ = other.bytes_;
    other.device_ = nullptr;
    other.ptr_ = 0;
    other.bytes_ = 0;
  }
  return *this;
}

Expected<DeviceBuffer> DeviceBuffer::allocate(Device &device, size_t bytes) {
  Expected<DevicePtr> p = device.allocate(bytes);
  if (p.failed())
    return p.status();
  return DeviceBuffer(&device, *p, bytes);
}

void DeviceBuffer::reset() {
  if (device_)
    device_->release(ptr_);
  device_ = nullptr;
  ptr_ = 0;
  bytes_ = 0;
}
