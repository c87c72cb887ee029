//===- CudaDevice.h - The CUDA driver backend ------------------*- C++ -*-===//
//
// The `cuda` device: an NVIDIA GPU through the CUDA driver API, with nothing
// but the driver installed. libcuda.so.1 is loaded with dlopen when the
// device is created (CudaDriverApi.h), so the runtime has no link-time CUDA
// dependency; MPT_CUDA_DRIVER names another library to load (tests use a
// fake driver). The device takes the primary context of one GPU (0 unless
// created as "cuda:N"), and queues all work on one stream: copies, memsets,
// kernel launches and timing events. Every failed driver call becomes a
// Status naming the call and the error (cuGetErrorName, cuGetErrorString).
//
//===----------------------------------------------------------------------===//

#ifndef MPT_RUNTIME_LIB_CUDADEVICE_H
#define MPT_RUNTIME_LIB_CUDADEVICE_H

#include "CudaDriverApi.h"
#include "MemoryAccounting.h"

#include "mpt-runtime/Device.h"

#include <string_view>

namespace mpt {
namespace rt {

class CudaDevice : public Device {
public:
  /// The device named `name`: "cuda" (GPU 0) or "cuda:N" (GPU N, counted
  /// as the driver counts them, after CUDA_VISIBLE_DEVICES).
  static Expected<std::unique_ptr<Device>> create(std::string_view name);
  /// Loads the driver, initialises it, and takes GPU `ordinal`'s primary
  /// context, a stream and two timing events. No driver library, no GPU, or
  /// no GPU `ordinal` is a one-line error.
  static Expected<std::unique_ptr<CudaDevice>> open(int ordinal);
  /// Waits for the stream, frees every allocation still alive, and gives
  /// back the stream, the events and the primary context. Modules loaded by
  /// this device must be destroyed before it.
  ~CudaDevice() override;

  std::string name() const override;
  /// "NAME (GPU 0, sm_80, 108 SMs, 79.2 GiB, CUDA driver 12.4)".
  std::string description() const override;

  /// cuMemAlloc_v2 (of at least one byte, so that 0 bytes gets a unique
  /// address; the driver aligns to 256 bytes).
  Expected<DevicePtr> allocate(size_t bytes) override;
  /// cuMemFree_v2; a failure is reported by the next synchronize().
  void release(DevicePtr ptr) override;
  /// Ordered on the stream; `src` may be reused on return (the driver
  /// stages pageable memory before it returns).
  Status copyToDevice(DevicePtr dst, const void *src, size_t bytes) override;
  /// Waits for the stream: `dst` holds the data on return.
  Status copyToHost(void *dst, DevicePtr src, size_t bytes) override;
  Status copyOnDevice(DevicePtr dst, DevicePtr src, size_t bytes) override;
  Status fillZero(DevicePtr dst, size_t bytes) override;
  DeviceMemoryUsage memoryUsage() const override;

  /// JIT-compiles PTX with cuModuleLoadDataEx; the driver's error log (and
  /// its info log) is in the message when that fails.
  Expected<std::unique_ptr<Module>> loadModule(const CodeImage &image) override;
  /// cuLaunchKernel on the stream with `args` as kernelParams. Above 48 KB
  /// of dynamic shared memory the kernel's
  /// CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES is raised first (once
  /// per kernel and size). Where the driver has cuFuncGetParamInfo the
  /// parameter count is checked against `numArgs`.
  Status launch(Module &module, const std::string &entry,
                const LaunchConfig &config, void *const *args,
                size_t numArgs) override;
  /// cuStreamSynchronize: reports errors of work in flight (kernel faults).
  Status synchronize() override;

  /// CUDA events recorded on the stream; stopTimer() waits for its event.
  Status startTimer() override;
  Expected<double> stopTimer() override;
  /// cuMemGetInfo_v2.
  Expected<DeviceMemoryInfo> memoryInfo() override;

  /// Checks the artifact (checkArtifact), then loads its PTX and launch
  /// plan (loadPlanProgram).
  Expected<std::unique_ptr<Program>>
  loadProgram(const ArtifactContents &artifact,
              const std::string &name) override;

  /// Whether `artifact` can run on this GPU: it was compiled for target
  /// "cuda", it has PTX, and this GPU has the compute capability it was
  /// compiled for (its "sm" option, else its launch plan's sm, else the
  /// PTX's `.target`). One line
  /// starting with `name` when not: "model.mpt: artifact needs sm_90, GPU 0
  /// (NVIDIA A100-SXM4-80GB) is sm_80".
  Status checkArtifact(const ArtifactContents &artifact,
                       const std::string &name) const;
  /// Whether this GPU runs code compiled for `sm` ("80", "sm_90", "90a":
  /// an architecture-specific target runs only on that exact GPU).
  Status checkComputeCapability(std::string_view sm) const;

  /// The compute capability as major * 10 + minor (80 for sm_80).
  int computeCapability() const { return computeCapability_; }
  int ordinal() const { return ordinal_; }
  const std::string &gpuName() const { return gpuName_; }
  /// The most dynamic shared memory a launch may ask for (the GPU's opt-in
  /// per-block maximum).
  unsigned maxDynamicSharedBytes() const { return maxSharedOptin_; }

  /// "CUDA_ERROR_OUT_OF_MEMORY (out of memory)", or "CUresult N" when the
  /// driver cannot name it.
  std::string describe(cuda::CUresult rc) const;
  /// "device cuda: WHAT: CALL: describe(rc)", plus what to do for errors
  /// that have a known remedy.
  Status driverError(const std::string &what, const char *call,
                     cuda::CUresult rc) const;

private:
  CudaDevice(std::shared_ptr<const cuda::DriverApi> api, int ordinal);
  friend class CudaModule;

  /// Makes the primary context current on the calling thread.
  Status makeCurrent() const;

  std::shared_ptr<const cuda::DriverApi> api_;
  int ordinal_;
  cuda::CUdevice device_ = 0;
  cuda::CUcontext context_ = nullptr;
  cuda::CUstream stream_ = nullptr;
  cuda::CUevent timerStart_ = nullptr;
  cuda::CUevent timerStop_ = nullptr;
  bool timerRunning_ = false;
  std::string gpuName_;
  int computeCapability_ = 0;
  int multiprocessors_ = 0;
  unsigned maxSharedOptin_ = cuda::kDefaultSharedLimit;
  uint64_t totalBytes_ = 0;
  int driverVersion_ = 0;
  MemoryAccounting memory_;
  /// A failed cuMemFree_v2 (release() cannot return it), for synchronize().
  Status deferredError_;
};

} // namespace rt
} // namespace mpt

#endif // MPT_RUNTIME_LIB_CUDADEVICE_H
