//===- CudaDevice.cpp - The CUDA driver backend ---------------------------===//

#include "CudaDevice.h"

#include <cctype>
#include <cstdio>
#include <cstring>
#include <unordered_map>
#include <vector>

using namespace mpt::rt;
using namespace mpt::rt::cuda;

namespace mpt {
namespace rt {
/// A PTX module JIT-compiled by the driver, with the kernels looked up in it.
class CudaModule : public Module {
public:
  struct Kernel {
    CUfunction function = nullptr;
    /// The dynamic shared memory a launch may ask for now: 48 KB less the
    /// kernel's static shared memory, until cuFuncSetAttribute raises it.
    unsigned dynamicSharedLimit = 0;
    /// The kernel's static shared memory.
    unsigned staticShared = 0;
    /// The parameter count, or -1 when the driver cannot tell.
    int paramCount = -1;
  };

  CudaModule(CudaDevice &device, CUmodule module, std::string name,
             std::string infoLog)
      : device_(device), module_(module), name_(std::move(name)),
        infoLog_(std::move(infoLog)) {}
  ~CudaModule() override {
    if (device_.makeCurrent().ok())
      (void)device_.api_->moduleUnload(module_);
  }

  CodeKind kind() const override { return CodeKind::Ptx; }
  bool hasEntry(const std::string &entry) const override {
    return kernel(entry).ok();
  }

  /// The kernel `entry` (cuModuleGetFunction, once per name).
  Expected<Kernel *> kernel(const std::string &entry) const {
    auto it = kernels_.find(entry);
    if (it != kernels_.end())
      return &it->second;
    if (Status st = device_.makeCurrent(); st.failed())
      return st;
    const DriverApi &cu = *device_.api_;
    Kernel k;
    CUresult rc = cu.moduleGetFunction(&k.function, module_, entry.c_str());
    if (rc == kErrorNotFound)
      return Status::error("device " + device_.name() + ": module " + name_ +
                           " has no kernel " + entry);
    if (rc != kSuccess)
      return device_.driverError("looking up kernel " + entry + " in " + name_,
                                 "cuModuleGetFunction", rc);
    int staticShared = 0;
    rc = cu.funcGetAttribute(&staticShared, kFuncAttrSharedSizeBytes,
                             k.function);
    if (rc != kSuccess)
      return device_.driverError("reading the shared memory of kernel " + entry,
                                 "cuFuncGetAttribute", rc);
    k.staticShared = static_cast<unsigned>(staticShared < 0 ? 0 : staticShared);
    k.dynamicSharedLimit = k.staticShared >= kDefaultSharedLimit
                               ? 0
                               : kDefaultSharedLimit - k.staticShared;
    k.paramCount = countParams(k.function);
    return &kernels_.emplace(entry, k).first->second;
  }

  const std::string &name() const { return name_; }
  /// The JIT's informational output (ptxas info lines), when it gave any.
  const std::string &infoLog() const { return infoLog_; }
  const CudaDevice &device() const { return device_; }

private:
  /// Probes cuFuncGetParamInfo (CUDA 12.4 and later) for the first index
  /// past the last parameter; -1 when the driver cannot tell.
  int countParams(CUfunction f) const {
    const DriverApi &cu = *device_.api_;
    if (!cu.funcGetParamInfo)
      return -1;
    for (size_t i = 0; i < 65536; ++i) {
      size_t offset = 0, size = 0;
      CUresult rc = cu.funcGetParamInfo(f, i, &offset, &size);
      if (rc == kErrorInvalidValue)
        return static_cast<int>(i);
      if (rc != kSuccess)
        return -1;
    }
    return -1;
  }

  CudaDevice &device_;
  CUmodule module_;
  std::string name_;
  std::string infoLog_;
  mutable std::unordered_map<std::string, Kernel> kernels_;
};
} // namespace rt
} // namespace mpt

//===----------------------------------------------------------------------===//
// Creation and destruction
//===----------------------------------------------------------------------===//

CudaDevice::CudaDevice(std::shared_ptr<const DriverApi> api, int ordinal)
    : api_(std::move(api)), ordinal_(ordinal) {}

Expected<std::unique_ptr<Device>> CudaDevice::create(std::string_view name) {
  int ordinal = 0;
  if (name != "cuda") {
    std::string_view index = name.substr(name.find(':') + 1);
    bool digits = !index.empty() && index.size() <= 4;
    for (char c : index)
      digits = digits && std::isdigit(static_cast<unsigned char>(c));
    if (name.substr(0, 5) != "cuda:" || !digits)
      return Status::error("unknown device '" + std::string(name) +
                           "' (a GPU is cuda, or cuda:N for GPU N)");
    ordinal = std::stoi(std::string(index));
  }
  Expected<std::unique_ptr<CudaDevice>> device = open(ordinal);
  if (device.failed())
    return device.status();
  return std::unique_ptr<Device>(device.take());
}

Expected<std::unique_ptr<CudaDevice>> CudaDevice::open(int ordinal) {
  Expected<std::shared_ptr<const DriverApi>> api = loadDriver();
  if (api.failed())
    return api.status();
  // Built step by step: the destructor gives back what was taken when a
  // later step fails.
  std::unique_ptr<CudaDevice> d(new CudaDevice(api.take(), ordinal));
  const DriverApi &cu = *d->api_;
  std::string lib = cu.library;

  if (CUresult rc = cu.init(0); rc != kSuccess) {
    if (rc == kErrorNoDevice)
      return Status::error(
          "device cuda: no CUDA GPU found (cuInit: " + d->describe(rc) + ")");
    return d->driverError("cannot initialise the CUDA driver " + lib, "cuInit",
                          rc);
  }
  int count = 0;
  if (CUresult rc = cu.deviceGetCount(&count); rc != kSuccess)
    return d->driverError("counting the GPUs", "cuDeviceGetCount", rc);
  if (count <= 0)
    return Status::error("device cuda: no CUDA GPU found (the driver sees "
                         "none; check nvidia-smi and CUDA_VISIBLE_DEVICES)");
  if (ordinal < 0 || ordinal >= count)
    return Status::error("device " + d->name() + ": there is no GPU " +
                         std::to_string(ordinal) + " (the driver sees " +
                         std::to_string(count) +
                         ": cuda:0 to cuda:" + std::to_string(count - 1) + ")");
  if (CUresult rc = cu.deviceGet(&d->device_, ordinal); rc != kSuccess)
    return d->driverError("opening GPU " + std::to_string(ordinal),
                          "cuDeviceGet", rc);
  char gpuName[256] = {};
  if (CUresult rc = cu.deviceGetName(gpuName, sizeof gpuName - 1, d->device_);
      rc != kSuccess)
    return d->driverError("reading the GPU's name", "cuDeviceGetName", rc);
  d->gpuName_ = gpuName;

  int major = 0, minor = 0, sms = 0, optin = 0;
  struct {
    CUdevice_attribute attr;
    int *value;
  } attributes[] = {{kAttrComputeCapabilityMajor, &major},
                    {kAttrComputeCapabilityMinor, &minor},
                    {kAttrMultiprocessorCount, &sms},
                    {kAttrMaxSharedMemoryPerBlockOptin, &optin}};
  for (const auto &a : attributes)
    if (CUresult rc = cu.deviceGetAttribute(a.value, a.attr, d->device_);
        rc != kSuccess)
      return d->driverError("reading attribute " + std::to_string(a.attr) +
                                " of GPU " + std::to_string(ordinal),
                            "cuDeviceGetAttribute", rc);
  d->computeCapability_ = major * 10 + minor;
  d->multiprocessors_ = sms;
  if (optin > 0)
    d->maxSharedOptin_ = static_cast<unsigned>(optin);
  if (CUresult rc = cu.driverGetVersion(&d->driverVersion_); rc != kSuccess)
    return d->driverError("reading the driver version", "cuDriverGetVersion",
                          rc);

  CUcontext context = nullptr;
  if (CUresult rc = cu.devicePrimaryCtxRetain(&context, d->device_);
      rc != kSuccess)
    return d->driverError("taking the primary context of GPU " +
                              std::to_string(ordinal),
                          "cuDevicePrimaryCtxRetain", rc);
  d->context_ = context;
  if (CUresult rc = cu.ctxSetCurrent(context); rc != kSuccess)
    return d->driverError("making the context current", "cuCtxSetCurrent", rc);
  size_t freeBytes = 0, totalBytes = 0;
  if (CUresult rc = cu.memGetInfo(&freeBytes, &totalBytes); rc != kSuccess)
    return d->driverError("reading the GPU's memory size", "cuMemGetInfo_v2",
                          rc);
  d->totalBytes_ = totalBytes;
  if (CUresult rc = cu.streamCreate(&d->stream_, kStreamNonBlocking);
      rc != kSuccess)
    return d->driverError("creating a stream", "cuStreamCreate", rc);
  for (CUevent *event : {&d->timerStart_, &d->timerStop_})
    if (CUresult rc = cu.eventCreate(event, kEventDefault); rc != kSuccess)
      return d->driverError("creating a timing event", "cuEventCreate", rc);
  return d;
}

CudaDevice::~CudaDevice() {
  if (!context_)
    return;
  const DriverApi &cu = *api_;
  if (makeCurrent().ok()) {
    // Errors cannot be reported from here; work in flight is finished or
    // failed before the memory it may use goes.
    if (stream_)
      (void)cu.streamSynchronize(stream_);
    for (DevicePtr p : memory_.releaseAll())
      (void)cu.memFree(p);
    for (CUevent event : {timerStart_, timerStop_})
      if (event)
        (void)cu.eventDestroy(event);
    if (stream_)
      (void)cu.streamDestroy(stream_);
  }
  (void)cu.devicePrimaryCtxRelease(device_);
}

//===----------------------------------------------------------------------===//
// Errors
//===----------------------------------------------------------------------===//

/// cuda.h's name of the errors the backend explains, for drivers that
/// cannot name them (the toolkit's stub library answers every call,
/// cuGetErrorName included, with CUDA_ERROR_STUB_LIBRARY).
static const char *knownErrorName(CUresult rc) {
  switch (rc) {
  case kErrorInvalidValue:
    return "CUDA_ERROR_INVALID_VALUE";
  case kErrorOutOfMemory:
    return "CUDA_ERROR_OUT_OF_MEMORY";
  case kErrorStubLibrary:
    return "CUDA_ERROR_STUB_LIBRARY";
  case kErrorNoDevice:
    return "CUDA_ERROR_NO_DEVICE";
  case kErrorNoBinaryForGpu:
    return "CUDA_ERROR_NO_BINARY_FOR_GPU";
  case kErrorInvalidPtx:
    return "CUDA_ERROR_INVALID_PTX";
  case kErrorUnsupportedPtxVersion:
    return "CUDA_ERROR_UNSUPPORTED_PTX_VERSION";
  case kErrorNotFound:
    return "CUDA_ERROR_NOT_FOUND";
  case kErrorIllegalAddress:
    return "CUDA_ERROR_ILLEGAL_ADDRESS";
  case kErrorLaunchFailed:
    return "CUDA_ERROR_LAUNCH_FAILED";
  case kErrorSystemDriverMismatch:
    return "CUDA_ERROR_SYSTEM_DRIVER_MISMATCH";
  default:
    return nullptr;
  }
}

std::string CudaDevice::describe(CUresult rc) const {
  const char *name = nullptr, *text = nullptr;
  if (api_->getErrorName && api_->getErrorName(rc, &name) != kSuccess)
    name = nullptr;
  if (api_->getErrorString && api_->getErrorString(rc, &text) != kSuccess)
    text = nullptr;
  if (!name)
    name = knownErrorName(rc);
  if (!name)
    return "CUresult " + std::to_string(rc);
  return text ? std::string(name) + " (" + text + ")" : std::string(name);
}

/// What to do about `rc`, when there is something to say ("" otherwise).
static std::string remedy(CUresult rc, const std::string &library) {
  switch (rc) {
  case kErrorStubLibrary:
    return library +
           " is the CUDA toolkit's stub library, not the driver: install the "
           "NVIDIA driver or put its libcuda.so.1 first on the library path";
  case kErrorSystemDriverMismatch:
    return "the NVIDIA kernel module and libcuda.so.1 come from different "
           "driver versions: reinstall the driver, or reboot after an update";
  case kErrorUnsupportedPtxVersion:
    return "the driver is older than the PTX ISA the code uses: update the "
           "NVIDIA driver";
  case kErrorNoBinaryForGpu:
    return "the code was compiled for another GPU: recompile with "
           "mpt-compile --sm matching this GPU";
  case kErrorIllegalAddress:
  case 702: // CUDA_ERROR_LAUNCH_TIMEOUT
  case 710: // CUDA_ERROR_ASSERT
  case 714: // CUDA_ERROR_HARDWARE_STACK_ERROR
  case 715: // CUDA_ERROR_ILLEGAL_INSTRUCTION
  case 716: // CUDA_ERROR_MISALIGNED_ADDRESS
  case 717: // CUDA_ERROR_INVALID_ADDRESS_SPACE
  case 718: // CUDA_ERROR_INVALID_PC
  case kErrorLaunchFailed:
    return "a kernel faulted and the GPU context cannot be used any more; "
           "the run must start again (device cuda-emu names the faulting "
           "access of a kernel)";
  default:
    return "";
  }
}

Status CudaDevice::driverError(const std::string &what, const char *call,
                               CUresult rc) const {
  std::string message =
      "device " + name() + ": " + what + ": " + call + ": " + describe(rc);
  std::string todo = remedy(rc, api_->library);
  if (!todo.empty())
    message += "; " + todo;
  return Status::error(message);
}

Status CudaDevice::makeCurrent() const {
  CUcontext current = nullptr;
  if (CUresult rc = api_->ctxGetCurrent(&current); rc != kSuccess)
    return driverError("reading the current context", "cuCtxGetCurrent", rc);
  if (current == context_)
    return Status::success();
  if (CUresult rc = api_->ctxSetCurrent(context_); rc != kSuccess)
    return driverError("making the context of GPU " + std::to_string(ordinal_) +
                           " current",
                       "cuCtxSetCurrent", rc);
  return Status::success();
}

//===----------------------------------------------------------------------===//
// Description
//===----------------------------------------------------------------------===//

std::string CudaDevice::name() const {
  return ordinal_ == 0 ? "cuda" : "cuda:" + std::to_string(ordinal_);
}

std::string CudaDevice::description() const {
  char memory[32];
  std::snprintf(memory, sizeof memory, "%.1f GiB",
                static_cast<double>(totalBytes_) / (1024.0 * 1024 * 1024));
  return gpuName_ + " (GPU " + std::to_string(ordinal_) + ", sm_" +
         std::to_string(computeCapability_) + ", " +
         std::to_string(multiprocessors_) + " SMs, " + memory +
         ", CUDA driver " + std::to_string(driverVersion_ / 1000) + "." +
         std::to_string(driverVersion_ % 1000 / 10) + ")";
}

//===----------------------------------------------------------------------===//
// Memory
//===----------------------------------------------------------------------===//

Expected<DevicePtr> CudaDevice::allocate(size_t bytes) {
  if (Status st = makeCurrent(); st.failed())
    return st;
  CUdeviceptr p = 0;
  CUresult rc = api_->memAlloc(&p, bytes ? bytes : 1);
  if (rc != kSuccess) {
    std::string what = "allocating " + std::to_string(bytes) + " bytes";
    size_t freeBytes = 0, totalBytes = 0;
    if (rc == kErrorOutOfMemory &&
        api_->memGetInfo(&freeBytes, &totalBytes) == kSuccess)
      what += " (" + std::to_string(freeBytes) + " of " +
              std::to_string(totalBytes) + " bytes free on GPU " +
              std::to_string(ordinal_) + ")";
    return driverError(what, "cuMemAlloc_v2", rc);
  }
  memory_.allocated(p, bytes);
  return static_cast<DevicePtr>(p);
}

void CudaDevice::release(DevicePtr ptr) {
  if (!memory_.released(ptr))
    return;
  Status st = makeCurrent();
  CUresult rc = st.ok() ? api_->memFree(ptr) : kSuccess;
  if (rc != kSuccess)
    st = driverError("freeing device memory", "cuMemFree_v2", rc);
  if (st.failed() && deferredError_.ok())
    deferredError_ = st;
}

Status CudaDevice::copyToDevice(DevicePtr dst, const void *src, size_t bytes) {
  if (!bytes)
    return Status::success();
  if (Status st = makeCurrent(); st.failed())
    return st;
  if (CUresult rc = api_->memcpyHtoDAsync(dst, src, bytes, stream_);
      rc != kSuccess)
    return driverError("copying " + std::to_string(bytes) + " bytes to the GPU",
                       "cuMemcpyHtoDAsync_v2", rc);
  return Status::success();
}

Status CudaDevice::copyToHost(void *dst, DevicePtr src, size_t bytes) {
  if (!bytes)
    return Status::success();
  if (Status st = makeCurrent(); st.failed())
    return st;
  if (CUresult rc = api_->memcpyDtoHAsync(dst, src, bytes, stream_);
      rc != kSuccess)
    return driverError("copying " + std::to_string(bytes) +
                           " bytes from the GPU",
                       "cuMemcpyDtoHAsync_v2", rc);
  if (CUresult rc = api_->streamSynchronize(stream_); rc != kSuccess)
    return driverError("copying " + std::to_string(bytes) +
                           " bytes from the GPU",
                       "cuStreamSynchronize", rc);
  return Status::success();
}

Status CudaDevice::copyOnDevice(DevicePtr dst, DevicePtr src, size_t bytes) {
  if (!bytes)
    return Status::success();
  if (Status st = makeCurrent(); st.failed())
    return st;
  if (CUresult rc = api_->memcpyDtoDAsync(dst, src, bytes, stream_);
      rc != kSuccess)
    return driverError("copying " + std::to_string(bytes) + " bytes on the GPU",
                       "cuMemcpyDtoDAsync_v2", rc);
  return Status::success();
}

Status CudaDevice::fillZero(DevicePtr dst, size_t bytes) {
  if (!bytes)
    return Status::success();
  if (Status st = makeCurrent(); st.failed())
    return st;
  if (CUresult rc = api_->memsetD8Async(dst, 0, bytes, stream_); rc != kSuccess)
    return driverError("zeroing " + std::to_string(bytes) + " bytes",
                       "cuMemsetD8Async", rc);
  return Status::success();
}

DeviceMemoryUsage CudaDevice::memoryUsage() const { return memory_.usage(); }

Expected<DeviceMemoryInfo> CudaDevice::memoryInfo() {
  if (Status st = makeCurrent(); st.failed())
    return st;
  size_t freeBytes = 0, totalBytes = 0;
  if (CUresult rc = api_->memGetInfo(&freeBytes, &totalBytes); rc != kSuccess)
    return driverError("reading free memory", "cuMemGetInfo_v2", rc);
  DeviceMemoryInfo info;
  info.freeBytes = freeBytes;
  info.totalBytes = totalBytes;
  return info;
}

//===----------------------------------------------------------------------===//
// Code
//===----------------------------------------------------------------------===//

/// A JIT log buffer's text: up to its first NUL, without trailing blanks,
/// every line indented under the message.
static std::string jitLog(const std::vector<char> &buffer) {
  std::string text(buffer.data(), strnlen(buffer.data(), buffer.size()));
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())))
    text.pop_back();
  std::string out;
  size_t start = 0;
  while (start <= text.size() && !text.empty()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos)
      end = text.size();
    out += "\n  " + text.substr(start, end - start);
    start = end + 1;
  }
  return out;
}

Expected<std::unique_ptr<Module>>
CudaDevice::loadModule(const CodeImage &image) {
  if (image.kind != CodeKind::Ptx)
    return Status::error(image.name + ": device " + name() +
                         " runs PTX, not native code");
  if (Status st = makeCurrent(); st.failed())
    return st;
  // The driver reads PTX up to a NUL.
  std::string ptx(image.bytes);
  constexpr size_t kLogBytes = 64 * 1024;
  std::vector<char> errorLog(kLogBytes, '\0'), infoLog(kLogBytes, '\0');
  CUjit_option options[] = {kJitErrorLogBuffer, kJitErrorLogBufferSizeBytes,
                            kJitInfoLogBuffer, kJitInfoLogBufferSizeBytes};
  // Sizes are passed in the pointer slots, as the driver API specifies.
  void *values[] = {
      errorLog.data(),
      reinterpret_cast<void *>(static_cast<uintptr_t>(kLogBytes)),
      infoLog.data(),
      reinterpret_cast<void *>(static_cast<uintptr_t>(kLogBytes))};
  CUmodule module = nullptr;
  CUresult rc = api_->moduleLoadDataEx(&module, ptx.c_str(),
                                       sizeof options / sizeof options[0],
                                       options, values);
  if (rc != kSuccess) {
    Status st = driverError(image.name + ": the CUDA driver cannot compile "
                                         "the PTX",
                            "cuModuleLoadDataEx", rc);
    // The error log, then any informational lines (ptxas prefixes each
    // with "ptxas error" or "ptxas info").
    std::string log = jitLog(errorLog) + jitLog(infoLog);
    if (log.empty())
      return st;
    return Status::error(st.message() + "; the JIT log:" + log);
  }
  return std::unique_ptr<Module>(
      new CudaModule(*this, module, image.name, jitLog(infoLog)));
}

Status CudaDevice::launch(Module &module, const std::string &entry,
                          const LaunchConfig &config, void *const *args,
                          size_t numArgs) {
  auto *cm = dynamic_cast<CudaModule *>(&module);
  if (!cm || &cm->device() != this)
    return Status::error("device " + name() + ": cannot launch " + entry +
                         ": its module was not loaded by this device");
  if (Status st = makeCurrent(); st.failed())
    return st;
  Expected<CudaModule::Kernel *> found = cm->kernel(entry);
  if (found.failed())
    return found.status();
  CudaModule::Kernel &k = **found;
  if (k.paramCount >= 0 && static_cast<size_t>(k.paramCount) != numArgs)
    return Status::error("device " + name() + ": kernel " + entry + " takes " +
                         std::to_string(k.paramCount) +
                         " parameters, the launch gives " +
                         std::to_string(numArgs));
  if (numArgs && !args)
    return Status::error("device " + name() + ": kernel " + entry +
                         ": no parameter values given");
  auto dim = [](const Dim3 &d) {
    return std::to_string(d.x) + "x" + std::to_string(d.y) + "x" +
           std::to_string(d.z);
  };
  if (config.sharedBytes > k.dynamicSharedLimit) {
    if (uint64_t(config.sharedBytes) + k.staticShared > maxSharedOptin_)
      return Status::error("device " + name() + ": kernel " + entry +
                           " asks for " + std::to_string(config.sharedBytes) +
                           " bytes of dynamic shared memory (and has " +
                           std::to_string(k.staticShared) + " static); GPU " +
                           std::to_string(ordinal_) + " (" + gpuName_ +
                           ") allows " + std::to_string(maxSharedOptin_) +
                           " per block");
    if (CUresult rc = api_->funcSetAttribute(
            k.function, kFuncAttrMaxDynamicSharedSizeBytes,
            static_cast<int>(config.sharedBytes));
        rc != kSuccess)
      return driverError("allowing kernel " + entry + " " +
                             std::to_string(config.sharedBytes) +
                             " bytes of dynamic shared memory",
                         "cuFuncSetAttribute", rc);
    k.dynamicSharedLimit = config.sharedBytes;
  }
  CUresult rc = api_->launchKernel(
      k.function, config.grid.x, config.grid.y, config.grid.z, config.block.x,
      config.block.y, config.block.z, config.sharedBytes, stream_,
      const_cast<void **>(args), nullptr);
  if (rc != kSuccess)
    return driverError("launching kernel " + entry + " (grid " +
                           dim(config.grid) + ", block " + dim(config.block) +
                           ", " + std::to_string(config.sharedBytes) +
                           " bytes of dynamic shared memory)",
                       "cuLaunchKernel", rc);
  return Status::success();
}

Status CudaDevice::synchronize() {
  Status deferred = deferredError_;
  deferredError_ = Status::success();
  if (Status st = makeCurrent(); st.failed())
    return st;
  if (CUresult rc = api_->streamSynchronize(stream_); rc != kSuccess)
    return driverError("the GPU work in flight failed", "cuStreamSynchronize",
                       rc);
  return deferred;
}

//===----------------------------------------------------------------------===//
// Timing
//===----------------------------------------------------------------------===//

Status CudaDevice::startTimer() {
  if (Status st = makeCurrent(); st.failed())
    return st;
  if (CUresult rc = api_->eventRecord(timerStart_, stream_); rc != kSuccess)
    return driverError("starting the timer", "cuEventRecord", rc);
  timerRunning_ = true;
  return Status::success();
}

Expected<double> CudaDevice::stopTimer() {
  if (!timerRunning_)
    return Status::error("device " + name() +
                         ": stopTimer() without startTimer()");
  timerRunning_ = false;
  if (Status st = makeCurrent(); st.failed())
    return st;
  if (CUresult rc = api_->eventRecord(timerStop_, stream_); rc != kSuccess)
    return driverError("stopping the timer", "cuEventRecord", rc);
  if (CUresult rc = api_->eventSynchronize(timerStop_); rc != kSuccess)
    return driverError("the timed GPU work failed", "cuEventSynchronize", rc);
  float ms = 0;
  if (CUresult rc = api_->eventElapsedTime(&ms, timerStart_, timerStop_);
      rc != kSuccess)
    return driverError("reading the timer", "cuEventElapsedTime", rc);
  return static_cast<double>(ms);
}

//===----------------------------------------------------------------------===//
// Artifacts
//===----------------------------------------------------------------------===//

/// The `sm_NN` of a PTX `.target` directive ("" when there is none).
static std::string ptxTarget(std::string_view ptx) {
  size_t at = ptx.find(".target");
  if (at == std::string_view::npos)
    return "";
  size_t sm = ptx.find("sm_", at);
  size_t eol = ptx.find('\n', at);
  if (sm == std::string_view::npos ||
      (eol != std::string_view::npos && sm > eol))
    return "";
  size_t end = sm + 3;
  while (end < ptx.size() && std::isalnum(static_cast<unsigned char>(ptx[end])))
    ++end;
  return std::string(ptx.substr(sm, end - sm));
}

Status CudaDevice::checkComputeCapability(std::string_view sm) const {
  std::string_view digits = sm;
  if (digits.substr(0, 3) == "sm_")
    digits.remove_prefix(3);
  char suffix = 0;
  if (!digits.empty() && (digits.back() == 'a' || digits.back() == 'f')) {
    suffix = digits.back();
    digits.remove_suffix(1);
  }
  bool ok = digits.size() >= 2 && digits.size() <= 3;
  for (char c : digits)
    ok = ok && std::isdigit(static_cast<unsigned char>(c));
  if (!ok)
    return Status::error("'" + std::string(sm) +
                         "' is not a GPU architecture (sm_80, sm_90, ...)");
  int needed = std::stoi(std::string(digits));
  int have = computeCapability_;
  bool runs = suffix == 'a'   ? have == needed
              : suffix == 'f' ? have / 10 == needed / 10 && have >= needed
                              : have >= needed;
  if (runs)
    return Status::success();
  std::string what = "sm_" + std::string(digits) +
                     (suffix ? std::string(1, suffix) : std::string());
  if (suffix == 'a')
    what += " exactly";
  else if (suffix == 'f')
    what += " (its family)";
  return Status::error("artifact needs " + what + ", GPU " +
                       std::to_string(ordinal_) + " (" + gpuName_ + ") is sm_" +
                       std::to_string(have));
}

Status CudaDevice::checkArtifact(const ArtifactContents &artifact,
                                 const std::string &name) const {
  if (artifact.manifest.target != "cuda")
    return Status::error(name + ": compiled for target '" +
                         artifact.manifest.target + "'; device " +
                         this->name() +
                         " runs artifacts compiled with --target=cuda");
  if (artifact.ptx.empty())
    return Status::error(name + ": the artifact has no PTX for device " +
                         this->name());
  std::string sm;
  for (const auto &kv : artifact.manifest.options)
    if (kv.first == "sm")
      sm = kv.second;
  if (sm.empty() && artifact.launchPlan)
    sm = std::to_string(artifact.launchPlan->sm);
  if (sm.empty())
    sm = ptxTarget(artifact.ptx);
  if (sm.empty())
    sm = "80"; // mpt's PTX targets sm_80 and later.
  if (Status st = checkComputeCapability(sm); st.failed())
    return Status::error(name + ": " + st.message());
  return Status::success();
}

Expected<std::unique_ptr<Program>>
CudaDevice::loadProgram(const ArtifactContents &artifact,
                        const std::string &name) {
  if (Status st = checkArtifact(artifact, name); st.failed())
    return st;
  return loadPlanProgram(*this, artifact, name);
}
