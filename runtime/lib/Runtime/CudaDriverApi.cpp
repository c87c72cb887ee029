//===- CudaDriverApi.cpp - Loading the CUDA driver with dlopen ------------===//

#include "CudaDriverApi.h"

#include <cstdlib>
#include <dlfcn.h>
#include <initializer_list>
#include <map>
#include <mutex>

using namespace mpt::rt;
using namespace mpt::rt::cuda;

namespace {
/// Sets `slot` to the first of `names` the library exports.
template <typename Fn>
bool resolve(void *handle, Fn &slot,
             std::initializer_list<const char *> names) {
  for (const char *name : names)
    if (void *sym = ::dlsym(handle, name)) {
      slot = reinterpret_cast<Fn>(sym);
      return true;
    }
  return false;
}

/// Resolves every entry point; the name of the first required one missing
/// (empty when all are there).
std::string resolveAll(DriverApi &api) {
  void *h = api.handle;
  // Required, in the order a missing one is reported.
  struct Required {
    bool found;
    const char *name;
  } required[] = {
      {resolve(h, api.init, {"cuInit"}), "cuInit"},
      {resolve(h, api.driverGetVersion, {"cuDriverGetVersion"}),
       "cuDriverGetVersion"},
      {resolve(h, api.deviceGetCount, {"cuDeviceGetCount"}),
       "cuDeviceGetCount"},
      {resolve(h, api.deviceGet, {"cuDeviceGet"}), "cuDeviceGet"},
      {resolve(h, api.deviceGetName, {"cuDeviceGetName"}), "cuDeviceGetName"},
      {resolve(h, api.deviceGetAttribute, {"cuDeviceGetAttribute"}),
       "cuDeviceGetAttribute"},
      {resolve(h, api.devicePrimaryCtxRetain, {"cuDevicePrimaryCtxRetain"}),
       "cuDevicePrimaryCtxRetain"},
      {resolve(h, api.devicePrimaryCtxRelease,
               {"cuDevicePrimaryCtxRelease_v2", "cuDevicePrimaryCtxRelease"}),
       "cuDevicePrimaryCtxRelease"},
      {resolve(h, api.ctxGetCurrent, {"cuCtxGetCurrent"}), "cuCtxGetCurrent"},
      {resolve(h, api.ctxSetCurrent, {"cuCtxSetCurrent"}), "cuCtxSetCurrent"},
      // The unversioned symbols of these have 32-bit sizes or addresses.
      {resolve(h, api.memGetInfo, {"cuMemGetInfo_v2"}), "cuMemGetInfo_v2"},
      {resolve(h, api.memAlloc, {"cuMemAlloc_v2"}), "cuMemAlloc_v2"},
      {resolve(h, api.memFree, {"cuMemFree_v2"}), "cuMemFree_v2"},
      {resolve(h, api.memcpyHtoDAsync, {"cuMemcpyHtoDAsync_v2"}),
       "cuMemcpyHtoDAsync_v2"},
      {resolve(h, api.memcpyDtoHAsync, {"cuMemcpyDtoHAsync_v2"}),
       "cuMemcpyDtoHAsync_v2"},
      {resolve(h, api.memcpyDtoDAsync, {"cuMemcpyDtoDAsync_v2"}),
       "cuMemcpyDtoDAsync_v2"},
      {resolve(h, api.memsetD8Async, {"cuMemsetD8Async"}), "cuMemsetD8Async"},
      {resolve(h, api.streamCreate, {"cuStreamCreate"}), "cuStreamCreate"},
      {resolve(h, api.streamDestroy, {"cuStreamDestroy_v2", "cuStreamDestroy"}),
       "cuStreamDestroy"},
      {resolve(h, api.streamSynchronize, {"cuStreamSynchronize"}),
       "cuStreamSynchronize"},
      {resolve(h, api.eventCreate, {"cuEventCreate"}), "cuEventCreate"},
      {resolve(h, api.eventDestroy, {"cuEventDestroy_v2", "cuEventDestroy"}),
       "cuEventDestroy"},
      {resolve(h, api.eventRecord, {"cuEventRecord"}), "cuEventRecord"},
      {resolve(h, api.eventSynchronize, {"cuEventSynchronize"}),
       "cuEventSynchronize"},
      {resolve(h, api.eventElapsedTime,
               {"cuEventElapsedTime_v2", "cuEventElapsedTime"}),
       "cuEventElapsedTime"},
      {resolve(h, api.moduleLoadDataEx, {"cuModuleLoadDataEx"}),
       "cuModuleLoadDataEx"},
      {resolve(h, api.moduleUnload, {"cuModuleUnload"}), "cuModuleUnload"},
      {resolve(h, api.moduleGetFunction, {"cuModuleGetFunction"}),
       "cuModuleGetFunction"},
      {resolve(h, api.funcGetAttribute, {"cuFuncGetAttribute"}),
       "cuFuncGetAttribute"},
      {resolve(h, api.funcSetAttribute, {"cuFuncSetAttribute"}),
       "cuFuncSetAttribute"},
      {resolve(h, api.launchKernel, {"cuLaunchKernel"}), "cuLaunchKernel"},
  };
  // Optional.
  resolve(h, api.getErrorName, {"cuGetErrorName"});
  resolve(h, api.getErrorString, {"cuGetErrorString"});
  resolve(h, api.funcGetParamInfo, {"cuFuncGetParamInfo"});
  for (const Required &r : required)
    if (!r.found)
      return r.name;
  return "";
}
} // namespace

Expected<std::shared_ptr<const DriverApi>> cuda::loadDriver() {
  const char *env = std::getenv(kDriverEnvVar);
  bool fromEnv = env && *env;
  std::string library = fromEnv ? env : "libcuda.so.1";
  std::string named = fromEnv ? std::string(" named by ") + kDriverEnvVar : "";

  // Loaded once per library and never unloaded: the driver keeps threads
  // and handlers that must not outlive its code.
  static std::mutex mutex;
  static auto *loaded =
      new std::map<std::string, std::shared_ptr<const DriverApi>>();
  std::lock_guard<std::mutex> lock(mutex);
  auto it = loaded->find(library);
  if (it != loaded->end())
    return it->second;

  ::dlerror();
  void *handle = ::dlopen(library.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    const char *err = ::dlerror();
    std::string why = err ? err : "unknown dlopen error";
    if (fromEnv)
      return Status::error("device cuda: cannot load the CUDA driver" + named +
                           " (" + why + ")");
    return Status::error("device cuda: cannot load the CUDA driver (" + why +
                         "); install the NVIDIA driver, or run on device cpu "
                         "or cuda-emu");
  }
  auto api = std::make_shared<DriverApi>();
  api->library = library;
  api->handle = handle;
  std::string missing = resolveAll(*api);
  if (!missing.empty()) {
    ::dlclose(handle);
    return Status::error("device cuda: the CUDA driver library " + library +
                         named + " lacks " + missing +
                         ": it is not the NVIDIA driver, or one too old (mpt "
                         "needs a driver for CUDA 11 or newer)");
  }
  std::shared_ptr<const DriverApi> result = std::move(api);
  (*loaded)[library] = result;
  return result;
}
