//===- CudaDriverApiCheck.cpp - The runtime's driver API against cuda.h ---===//
//
// The runtime declares the CUDA driver API it calls itself
// (runtime/lib/Runtime/CudaDriverApi.h), so that it builds without the
// toolkit. Where cuda.h is at hand this file is compiled into the runtime's
// unit tests and fails the build if a declaration differs from cuda.h in
// what the ABI sees (parameter count, sizes, pointers, floating point) or a
// constant has another value. It has no tests to run: the checks are
// static_asserts.
//
//===----------------------------------------------------------------------===//

// The runtime's header first, so that cuda.h's macros (cuMemAlloc ->
// cuMemAlloc_v2) cannot touch it.
#include "CudaDriverApi.h"

#include <cuda.h>

#include <type_traits>

namespace {
using namespace mpt::rt::cuda;

/// Whether `A` and `B` are passed and returned alike.
template <typename A, typename B> constexpr bool sameAbi() {
  using RA = std::remove_cv_t<A>;
  using RB = std::remove_cv_t<B>;
  if constexpr (std::is_pointer_v<RA> || std::is_pointer_v<RB>) {
    if constexpr (std::is_pointer_v<RA> && std::is_pointer_v<RB>) {
      using PA = std::remove_pointer_t<RA>;
      using PB = std::remove_pointer_t<RB>;
      return std::is_const_v<PA> == std::is_const_v<PB> && sameAbi<PA, PB>();
    } else {
      return false;
    }
  } else if constexpr (std::is_void_v<RA> || std::is_void_v<RB>) {
    return std::is_void_v<RA> && std::is_void_v<RB>;
  } else if constexpr (std::is_class_v<RA> || std::is_class_v<RB>) {
    // Opaque handles' structs (CUctx_st, ...), never complete.
    return std::is_class_v<RA> && std::is_class_v<RB>;
  } else {
    return sizeof(RA) == sizeof(RB) &&
           std::is_floating_point_v<RA> == std::is_floating_point_v<RB>;
  }
}

template <typename F, typename G> struct SameSignature : std::false_type {};
template <typename RA, typename... A, typename RB, typename... B>
struct SameSignature<RA (*)(A...), RB (*)(B...)> {
  static constexpr bool value = [] {
    if constexpr (sizeof...(A) != sizeof...(B))
      return false;
    else
      return sameAbi<RA, RB>() && (sameAbi<A, B>() && ... && true);
  }();
};

#define MPT_CHECK_ENTRY(field, symbol)                                         \
  static_assert(                                                               \
      SameSignature<decltype(DriverApi::field), decltype(&::symbol)>::value,   \
      "DriverApi::" #field " differs from cuda.h's " #symbol)

MPT_CHECK_ENTRY(init, cuInit);
MPT_CHECK_ENTRY(driverGetVersion, cuDriverGetVersion);
MPT_CHECK_ENTRY(getErrorName, cuGetErrorName);
MPT_CHECK_ENTRY(getErrorString, cuGetErrorString);
MPT_CHECK_ENTRY(deviceGetCount, cuDeviceGetCount);
MPT_CHECK_ENTRY(deviceGet, cuDeviceGet);
MPT_CHECK_ENTRY(deviceGetName, cuDeviceGetName);
MPT_CHECK_ENTRY(deviceGetAttribute, cuDeviceGetAttribute);
MPT_CHECK_ENTRY(devicePrimaryCtxRetain, cuDevicePrimaryCtxRetain);
MPT_CHECK_ENTRY(devicePrimaryCtxRelease, cuDevicePrimaryCtxRelease_v2);
MPT_CHECK_ENTRY(ctxGetCurrent, cuCtxGetCurrent);
MPT_CHECK_ENTRY(ctxSetCurrent, cuCtxSetCurrent);
MPT_CHECK_ENTRY(memGetInfo, cuMemGetInfo_v2);
MPT_CHECK_ENTRY(memAlloc, cuMemAlloc_v2);
MPT_CHECK_ENTRY(memFree, cuMemFree_v2);
MPT_CHECK_ENTRY(memcpyHtoDAsync, cuMemcpyHtoDAsync_v2);
MPT_CHECK_ENTRY(memcpyDtoHAsync, cuMemcpyDtoHAsync_v2);
MPT_CHECK_ENTRY(memcpyDtoDAsync, cuMemcpyDtoDAsync_v2);
MPT_CHECK_ENTRY(memsetD8Async, cuMemsetD8Async);
MPT_CHECK_ENTRY(streamCreate, cuStreamCreate);
MPT_CHECK_ENTRY(streamDestroy, cuStreamDestroy_v2);
MPT_CHECK_ENTRY(streamSynchronize, cuStreamSynchronize);
MPT_CHECK_ENTRY(eventCreate, cuEventCreate);
MPT_CHECK_ENTRY(eventDestroy, cuEventDestroy_v2);
MPT_CHECK_ENTRY(eventRecord, cuEventRecord);
MPT_CHECK_ENTRY(eventSynchronize, cuEventSynchronize);
MPT_CHECK_ENTRY(eventElapsedTime, cuEventElapsedTime_v2);
MPT_CHECK_ENTRY(moduleLoadDataEx, cuModuleLoadDataEx);
MPT_CHECK_ENTRY(moduleUnload, cuModuleUnload);
MPT_CHECK_ENTRY(moduleGetFunction, cuModuleGetFunction);
MPT_CHECK_ENTRY(funcGetAttribute, cuFuncGetAttribute);
MPT_CHECK_ENTRY(funcSetAttribute, cuFuncSetAttribute);
MPT_CHECK_ENTRY(funcGetParamInfo, cuFuncGetParamInfo);
MPT_CHECK_ENTRY(launchKernel, cuLaunchKernel);

static_assert(sizeof(mpt::rt::cuda::CUdeviceptr) == sizeof(::CUdeviceptr));
static_assert(sizeof(mpt::rt::cuda::CUresult) == sizeof(::CUresult));

static_assert(kSuccess == CUDA_SUCCESS);
static_assert(kErrorInvalidValue == CUDA_ERROR_INVALID_VALUE);
static_assert(kErrorOutOfMemory == CUDA_ERROR_OUT_OF_MEMORY);
static_assert(kErrorStubLibrary == CUDA_ERROR_STUB_LIBRARY);
static_assert(kErrorNoDevice == CUDA_ERROR_NO_DEVICE);
static_assert(kErrorNoBinaryForGpu == CUDA_ERROR_NO_BINARY_FOR_GPU);
static_assert(kErrorInvalidPtx == CUDA_ERROR_INVALID_PTX);
static_assert(kErrorUnsupportedPtxVersion ==
              CUDA_ERROR_UNSUPPORTED_PTX_VERSION);
static_assert(kErrorNotFound == CUDA_ERROR_NOT_FOUND);
static_assert(kErrorIllegalAddress == CUDA_ERROR_ILLEGAL_ADDRESS);
static_assert(kErrorLaunchFailed == CUDA_ERROR_LAUNCH_FAILED);
static_assert(kErrorSystemDriverMismatch == CUDA_ERROR_SYSTEM_DRIVER_MISMATCH);
static_assert(702 == CUDA_ERROR_LAUNCH_TIMEOUT);
static_assert(710 == CUDA_ERROR_ASSERT);
static_assert(714 == CUDA_ERROR_HARDWARE_STACK_ERROR);
static_assert(715 == CUDA_ERROR_ILLEGAL_INSTRUCTION);
static_assert(716 == CUDA_ERROR_MISALIGNED_ADDRESS);
static_assert(717 == CUDA_ERROR_INVALID_ADDRESS_SPACE);
static_assert(718 == CUDA_ERROR_INVALID_PC);

static_assert(kAttrMultiprocessorCount ==
              CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT);
static_assert(kAttrComputeCapabilityMajor ==
              CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR);
static_assert(kAttrComputeCapabilityMinor ==
              CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR);
static_assert(kAttrMaxSharedMemoryPerBlockOptin ==
              CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN);
static_assert(kFuncAttrSharedSizeBytes == CU_FUNC_ATTRIBUTE_SHARED_SIZE_BYTES);
static_assert(kFuncAttrMaxDynamicSharedSizeBytes ==
              CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES);
static_assert(kJitInfoLogBuffer == CU_JIT_INFO_LOG_BUFFER);
static_assert(kJitInfoLogBufferSizeBytes == CU_JIT_INFO_LOG_BUFFER_SIZE_BYTES);
static_assert(kJitErrorLogBuffer == CU_JIT_ERROR_LOG_BUFFER);
static_assert(kJitErrorLogBufferSizeBytes ==
              CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES);
static_assert(kStreamNonBlocking == CU_STREAM_NON_BLOCKING);
static_assert(kEventDefault == CU_EVENT_DEFAULT);

} // namespace
