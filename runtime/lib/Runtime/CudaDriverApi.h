//===- CudaDriverApi.h - The CUDA driver API, loaded at run time -*- C++
//-*-===//
//
// The few types, constants and entry points of the CUDA driver API
// (libcuda.so.1) that the cuda backend uses, declared here so that the
// runtime builds without the CUDA toolkit and links nothing of CUDA, and the
// loader that finds them with dlopen/dlsym when a cuda device is created.
//
// Entry points whose ABI changed in a CUDA release have versioned symbols
// (cuda.h maps `cuMemAlloc` to `cuMemAlloc_v2`). Where the unversioned
// symbol has the old, 32-bit ABI (memory allocation, copies, memory info)
// only the `_v2` symbol is used; where the signature stayed the same
// (cuStreamDestroy, cuEventDestroy, cuDevicePrimaryCtxRelease,
// cuEventElapsedTime) the `_v2` symbol is preferred and the unversioned one
// taken when the driver has no `_v2`. When cuda.h is at hand the unit tests
// compare these declarations with it (CudaDriverApiCheck.cpp).
//
//===----------------------------------------------------------------------===//

#ifndef MPT_RUNTIME_LIB_CUDADRIVERAPI_H
#define MPT_RUNTIME_LIB_CUDADRIVERAPI_H

#include "mpt-runtime/Status.h"

#include <cstddef>
#include <memory>
#include <string>

namespace mpt {
namespace rt {
namespace cuda {

// Types, as cuda.h declares them (enums are int-sized in the C ABI).
using CUresult = int;
using CUdevice = int;
using CUdeviceptr = unsigned long long;
using CUdevice_attribute = int;
using CUfunction_attribute = int;
using CUjit_option = int;
struct CUctx_st;
struct CUmod_st;
struct CUfunc_st;
struct CUstream_st;
struct CUevent_st;
using CUcontext = CUctx_st *;
using CUmodule = CUmod_st *;
using CUfunction = CUfunc_st *;
using CUstream = CUstream_st *;
using CUevent = CUevent_st *;

// CUresult values the backend explains.
constexpr CUresult kSuccess = 0;               // CUDA_SUCCESS
constexpr CUresult kErrorInvalidValue = 1;     // CUDA_ERROR_INVALID_VALUE
constexpr CUresult kErrorOutOfMemory = 2;      // CUDA_ERROR_OUT_OF_MEMORY
constexpr CUresult kErrorStubLibrary = 34;     // CUDA_ERROR_STUB_LIBRARY
constexpr CUresult kErrorNoDevice = 100;       // CUDA_ERROR_NO_DEVICE
constexpr CUresult kErrorNoBinaryForGpu = 209; // CUDA_ERROR_NO_BINARY_FOR_GPU
constexpr CUresult kErrorInvalidPtx = 218;     // CUDA_ERROR_INVALID_PTX
constexpr CUresult kErrorUnsupportedPtxVersion = 222; // ..._PTX_VERSION
constexpr CUresult kErrorNotFound = 500;              // CUDA_ERROR_NOT_FOUND
constexpr CUresult kErrorIllegalAddress = 700; // CUDA_ERROR_ILLEGAL_ADDRESS
constexpr CUresult kErrorLaunchFailed = 719;   // CUDA_ERROR_LAUNCH_FAILED
constexpr CUresult kErrorSystemDriverMismatch = 803; // ..._DRIVER_MISMATCH

// CUdevice_attribute values.
constexpr CUdevice_attribute kAttrMultiprocessorCount = 16;
constexpr CUdevice_attribute kAttrComputeCapabilityMajor = 75;
constexpr CUdevice_attribute kAttrComputeCapabilityMinor = 76;
constexpr CUdevice_attribute kAttrMaxSharedMemoryPerBlockOptin = 97;

// CUfunction_attribute values.
constexpr CUfunction_attribute kFuncAttrSharedSizeBytes = 1;
constexpr CUfunction_attribute kFuncAttrMaxDynamicSharedSizeBytes = 8;

// CUjit_option values.
constexpr CUjit_option kJitInfoLogBuffer = 3;
constexpr CUjit_option kJitInfoLogBufferSizeBytes = 4;
constexpr CUjit_option kJitErrorLogBuffer = 5;
constexpr CUjit_option kJitErrorLogBufferSizeBytes = 6;

// Flags.
constexpr unsigned kStreamNonBlocking = 0x1; // CU_STREAM_NON_BLOCKING
constexpr unsigned kEventDefault = 0x0;      // CU_EVENT_DEFAULT

/// The static shared memory a kernel may use without opting in, and the
/// dynamic shared memory a launch may ask for without
/// cuFuncSetAttribute(CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES).
constexpr unsigned kDefaultSharedLimit = 48 * 1024;

/// The entry points the backend calls, resolved by loadDriver(). Optional
/// ones may be null.
struct DriverApi {
  /// The library that was loaded (a path or a name for dlopen).
  std::string library;
  void *handle = nullptr;

  CUresult (*init)(unsigned flags) = nullptr;
  CUresult (*driverGetVersion)(int *version) = nullptr;
  /// Optional (both): without them errors show the number only.
  CUresult (*getErrorName)(CUresult error, const char **str) = nullptr;
  CUresult (*getErrorString)(CUresult error, const char **str) = nullptr;

  CUresult (*deviceGetCount)(int *count) = nullptr;
  CUresult (*deviceGet)(CUdevice *device, int ordinal) = nullptr;
  CUresult (*deviceGetName)(char *name, int len, CUdevice dev) = nullptr;
  CUresult (*deviceGetAttribute)(int *value, CUdevice_attribute attrib,
                                 CUdevice dev) = nullptr;
  CUresult (*devicePrimaryCtxRetain)(CUcontext *ctx, CUdevice dev) = nullptr;
  CUresult (*devicePrimaryCtxRelease)(CUdevice dev) = nullptr;
  CUresult (*ctxGetCurrent)(CUcontext *ctx) = nullptr;
  CUresult (*ctxSetCurrent)(CUcontext ctx) = nullptr;

  CUresult (*memGetInfo)(size_t *free, size_t *total) = nullptr;
  CUresult (*memAlloc)(CUdeviceptr *dptr, size_t bytes) = nullptr;
  CUresult (*memFree)(CUdeviceptr dptr) = nullptr;
  CUresult (*memcpyHtoDAsync)(CUdeviceptr dst, const void *src, size_t bytes,
                              CUstream stream) = nullptr;
  CUresult (*memcpyDtoHAsync)(void *dst, CUdeviceptr src, size_t bytes,
                              CUstream stream) = nullptr;
  CUresult (*memcpyDtoDAsync)(CUdeviceptr dst, CUdeviceptr src, size_t bytes,
                              CUstream stream) = nullptr;
  CUresult (*memsetD8Async)(CUdeviceptr dst, unsigned char value, size_t n,
                            CUstream stream) = nullptr;

  CUresult (*streamCreate)(CUstream *stream, unsigned flags) = nullptr;
  CUresult (*streamDestroy)(CUstream stream) = nullptr;
  CUresult (*streamSynchronize)(CUstream stream) = nullptr;
  CUresult (*eventCreate)(CUevent *event, unsigned flags) = nullptr;
  CUresult (*eventDestroy)(CUevent event) = nullptr;
  CUresult (*eventRecord)(CUevent event, CUstream stream) = nullptr;
  CUresult (*eventSynchronize)(CUevent event) = nullptr;
  CUresult (*eventElapsedTime)(float *ms, CUevent start, CUevent end) = nullptr;

  CUresult (*moduleLoadDataEx)(CUmodule *module, const void *image,
                               unsigned numOptions, CUjit_option *options,
                               void **optionValues) = nullptr;
  CUresult (*moduleUnload)(CUmodule module) = nullptr;
  CUresult (*moduleGetFunction)(CUfunction *function, CUmodule module,
                                const char *name) = nullptr;
  CUresult (*funcGetAttribute)(int *value, CUfunction_attribute attrib,
                               CUfunction function) = nullptr;
  CUresult (*funcSetAttribute)(CUfunction function, CUfunction_attribute attrib,
                               int value) = nullptr;
  /// Optional (CUDA 12.4): lets launches check their parameter count.
  CUresult (*funcGetParamInfo)(CUfunction function, size_t index,
                               size_t *offset, size_t *size) = nullptr;
  CUresult (*launchKernel)(CUfunction function, unsigned gridX, unsigned gridY,
                           unsigned gridZ, unsigned blockX, unsigned blockY,
                           unsigned blockZ, unsigned sharedBytes,
                           CUstream stream, void **kernelParams,
                           void **extra) = nullptr;
};

/// The environment variable that names the driver library to load instead
/// of libcuda.so.1 (a path, for tests with a fake driver, or another name).
constexpr const char *kDriverEnvVar = "MPT_CUDA_DRIVER";

/// Loads the driver library ($MPT_CUDA_DRIVER when set and not empty, else
/// libcuda.so.1) and resolves every entry point. Each library is loaded once
/// per process and never unloaded. The error is one line: the library
/// cannot be loaded, or it lacks an entry point (not a CUDA driver, or one
/// too old).
Expected<std::shared_ptr<const DriverApi>> loadDriver();

} // namespace cuda
} // namespace rt
} // namespace mpt

#endif // MPT_RUNTIME_LIB_CUDADRIVERAPI_H
