//===- FakeCudaDriver.cpp - A CUDA driver on host memory, for tests -------===//
//
// A shared library with the CUDA driver entry points the cuda backend
// uses, loaded by CudaDeviceTest through MPT_CUDA_DRIVER. It behaves as the
// driver documents where the backend depends on it (a context must be
// current, copies must stay inside allocations, launches above the
// kernel's dynamic shared memory limit fail, JIT logs go to the caller's
// buffers and their sizes come back in the option values, errors of
// asynchronous work surface at synchronisation and stay) on host memory,
// and it records every call with its key arguments for the test to check.
//
// It declares the driver API itself, independently of the runtime's
// CudaDriverApi.h, with the values of cuda.h. Device pointers are host
// addresses. "Kernels" are found in the PTX text (`.entry name(` with its
// `.param` list); a launch of `saxpy(x, y, a, n)` computes y = a*x + y on
// the host from the parameter values it is given, any other kernel only
// records its parameters. Each launch advances a fake GPU clock by
// `launch_us` microseconds, which events read.
//
// With MPT_FAKE_CUDA_OLD defined it lacks cuFuncSetAttribute, like a driver
// too old for mpt.
//
// Test controls (extern "C"): mptFakeCudaReset, mptFakeCudaSet,
// mptFakeCudaGet, mptFakeCudaSetName, mptFakeCudaCallCount, mptFakeCudaCall.
//
//===----------------------------------------------------------------------===//

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <vector>

#define EXPORT extern "C" __attribute__((visibility("default")))

namespace {

// cuda.h values.
enum : int {
  SUCCESS = 0,
  INVALID_VALUE = 1,
  OUT_OF_MEMORY = 2,
  NOT_INITIALIZED = 3,
  NO_DEVICE = 100,
  INVALID_DEVICE = 101,
  INVALID_CONTEXT = 201,
  INVALID_PTX = 218,
  INVALID_HANDLE = 400,
  NOT_FOUND = 500,
  ILLEGAL_ADDRESS = 700,
  NOT_SUPPORTED = 801,
};

struct Kernel {
  std::string name;
  std::vector<size_t> paramSizes;
  int maxDynamicShared = -1; // -1: not set (48 KB less static shared)
};

struct Module {
  std::vector<std::unique_ptr<Kernel>> kernels;
  unsigned staticShared = 0;
};

struct State {
  // Configuration.
  int devices = 1;
  int ccMajor = 8, ccMinor = 0;
  int sms = 108;
  int optinShared = 166912; // A100: 163 KB
  unsigned long long totalMemory = 1ull << 30;
  int initResult = SUCCESS;
  int driverVersion = 12040;
  int launchFault = SUCCESS; // a fault the next launch causes
  long long launchUs = 1000;
  bool paramInfo = true;
  bool errorNames = true; // false: cuGetErrorName/String fail, as in a stub
  std::string name = "Fake GPU";

  // State.
  bool initialised = false;
  int ctxRefs[4] = {};
  std::map<uintptr_t, size_t> allocations;
  unsigned long long allocatedBytes = 0;
  int sticky = SUCCESS; // an error of asynchronous work
  int streams = 0, events = 0;
  std::vector<std::unique_ptr<Module>> modules;
  size_t liveModules = 0;
  double clockMs = 0;
  std::map<const void *, double> eventTimes;
  std::vector<std::string> calls;
};

State &state() {
  static State *s = new State();
  return *s;
}

// Contexts and streams are the addresses of these.
char contexts[4];
char streamTag;
char eventTags[64];
thread_local void *currentContext = nullptr;

template <typename... Args> void record(const char *fmt, Args... args) {
  char line[512];
  std::snprintf(line, sizeof line, fmt, args...);
  state().calls.push_back(line);
}

std::string hex(const void *p, size_t n) {
  std::string s;
  char b[3];
  for (size_t i = 0; i < n; ++i) {
    std::snprintf(b, sizeof b, "%02x",
                  static_cast<const unsigned char *>(p)[i]);
    s += b;
  }
  return s;
}

int needContext() {
  State &s = state();
  if (!s.initialised)
    return NOT_INITIALIZED;
  if (!currentContext)
    return INVALID_CONTEXT;
  int dev = static_cast<char *>(currentContext) - contexts;
  if (dev < 0 || dev >= 4 || s.ctxRefs[dev] == 0)
    return INVALID_CONTEXT;
  return SUCCESS;
}

/// Whether [p, p + n) lies inside one allocation.
bool inside(uintptr_t p, size_t n) {
  auto &a = state().allocations;
  auto it = a.upper_bound(p);
  if (it == a.begin())
    return false;
  --it;
  return p >= it->first && p + n <= it->first + it->second;
}

int streamOp(void *stream) {
  if (int rc = needContext())
    return rc;
  if (stream != &streamTag)
    return INVALID_HANDLE;
  return state().sticky;
}

const char *errorName(int rc) {
  switch (rc) {
  case SUCCESS:
    return "CUDA_SUCCESS";
  case INVALID_VALUE:
    return "CUDA_ERROR_INVALID_VALUE";
  case OUT_OF_MEMORY:
    return "CUDA_ERROR_OUT_OF_MEMORY";
  case NOT_INITIALIZED:
    return "CUDA_ERROR_NOT_INITIALIZED";
  case 34:
    return "CUDA_ERROR_STUB_LIBRARY";
  case NO_DEVICE:
    return "CUDA_ERROR_NO_DEVICE";
  case INVALID_DEVICE:
    return "CUDA_ERROR_INVALID_DEVICE";
  case INVALID_CONTEXT:
    return "CUDA_ERROR_INVALID_CONTEXT";
  case INVALID_PTX:
    return "CUDA_ERROR_INVALID_PTX";
  case INVALID_HANDLE:
    return "CUDA_ERROR_INVALID_HANDLE";
  case NOT_FOUND:
    return "CUDA_ERROR_NOT_FOUND";
  case ILLEGAL_ADDRESS:
    return "CUDA_ERROR_ILLEGAL_ADDRESS";
  case NOT_SUPPORTED:
    return "CUDA_ERROR_NOT_SUPPORTED";
  default:
    return nullptr;
  }
}

const char *errorString(int rc) {
  switch (rc) {
  case SUCCESS:
    return "no error";
  case INVALID_VALUE:
    return "invalid argument";
  case OUT_OF_MEMORY:
    return "out of memory";
  case NOT_INITIALIZED:
    return "initialization error";
  case 34:
    return "CUDA driver is a stub library";
  case NO_DEVICE:
    return "no CUDA-capable device is detected";
  case INVALID_DEVICE:
    return "invalid device ordinal";
  case INVALID_CONTEXT:
    return "invalid device context";
  case INVALID_PTX:
    return "a PTX JIT compilation failed";
  case INVALID_HANDLE:
    return "invalid resource handle";
  case NOT_FOUND:
    return "named symbol not found";
  case ILLEGAL_ADDRESS:
    return "an illegal memory access was encountered";
  case NOT_SUPPORTED:
    return "operation not supported";
  default:
    return nullptr;
  }
}

size_t paramSize(const std::string &type) {
  if (type == ".u64" || type == ".s64" || type == ".b64" || type == ".f64")
    return 8;
  if (type == ".u32" || type == ".s32" || type == ".b32" || type == ".f32")
    return 4;
  if (type == ".u16" || type == ".s16" || type == ".b16" || type == ".f16")
    return 2;
  return 1;
}

/// The kernels of `ptx` and its `.shared ... [N]` bytes; false with a log
/// line when the text is not what this fake accepts.
bool parsePtx(const std::string &ptx, Module &m, std::string &log) {
  if (ptx.find(".version") == std::string::npos) {
    log = "ptxas application ptx input, line 1; fatal   : Missing .version "
          "directive at start of file";
    return false;
  }
  // A line `// fake-jit-error: MESSAGE` makes the JIT fail with MESSAGE.
  size_t marker = ptx.find("// fake-jit-error: ");
  if (marker != std::string::npos) {
    size_t line = 1;
    for (size_t i = 0; i < marker; ++i)
      line += ptx[i] == '\n';
    size_t end = ptx.find('\n', marker);
    std::string what = ptx.substr(marker + 19, end - marker - 19);
    log = "ptxas application ptx input, line " + std::to_string(line + 1) +
          "; error   : " + what +
          "\nptxas fatal   : Ptx assembly aborted due to errors";
    return false;
  }
  for (size_t at = ptx.find(".entry "); at != std::string::npos;
       at = ptx.find(".entry ", at + 1)) {
    size_t open = ptx.find('(', at);
    size_t close = ptx.find(')', open);
    auto k = std::make_unique<Kernel>();
    k->name = ptx.substr(at + 7, open - at - 7);
    while (!k->name.empty() && k->name.back() == ' ')
      k->name.pop_back();
    std::string params = ptx.substr(open + 1, close - open - 1);
    for (size_t p = params.find(".param "); p != std::string::npos;
         p = params.find(".param ", p + 1)) {
      size_t t = p + 7;
      size_t te = params.find(' ', t);
      k->paramSizes.push_back(paramSize(params.substr(t, te - t)));
    }
    m.kernels.push_back(std::move(k));
  }
  for (size_t at = ptx.find(".shared "); at != std::string::npos;
       at = ptx.find(".shared ", at + 1)) {
    size_t bracket = ptx.find('[', at);
    size_t eol = ptx.find('\n', at);
    if (bracket < eol)
      m.staticShared += std::strtoul(ptx.c_str() + bracket + 1, nullptr, 10);
  }
  return true;
}

Module *moduleOf(const Kernel *k) {
  for (auto &m : state().modules)
    for (auto &mk : m->kernels)
      if (mk.get() == k)
        return m.get();
  return nullptr;
}

/// Writes `text` into a JIT log buffer of `capacity` bytes (NUL-terminated)
/// and returns the bytes written, as the driver does.
size_t writeLog(char *buffer, size_t capacity, const std::string &text) {
  if (!buffer || !capacity)
    return 0;
  size_t n = std::min(text.size(), capacity - 1);
  std::memcpy(buffer, text.data(), n);
  buffer[n] = '\0';
  return n + 1;
}

} // namespace

//===----------------------------------------------------------------------===//
// Test controls
//===----------------------------------------------------------------------===//

EXPORT void mptFakeCudaReset() {
  State &s = state();
  for (auto &kv : s.allocations)
    std::free(reinterpret_cast<void *>(kv.first));
  s.allocations.clear();
  s = State();
  currentContext = nullptr;
}

/// Sets a configuration value: devices, cc_major, cc_minor, sms,
/// optin_shared, total_memory, init_result, driver_version, launch_fault,
/// launch_us, param_info (0: cuFuncGetParamInfo is not supported),
/// error_names (0: cuGetErrorName and cuGetErrorString fail).
EXPORT int mptFakeCudaSet(const char *key, long long value) {
  State &s = state();
  std::string k = key;
  if (k == "devices")
    s.devices = int(value);
  else if (k == "cc_major")
    s.ccMajor = int(value);
  else if (k == "cc_minor")
    s.ccMinor = int(value);
  else if (k == "sms")
    s.sms = int(value);
  else if (k == "optin_shared")
    s.optinShared = int(value);
  else if (k == "total_memory")
    s.totalMemory = (unsigned long long)value;
  else if (k == "init_result")
    s.initResult = int(value);
  else if (k == "driver_version")
    s.driverVersion = int(value);
  else if (k == "launch_fault")
    s.launchFault = int(value);
  else if (k == "launch_us")
    s.launchUs = value;
  else if (k == "param_info")
    s.paramInfo = value != 0;
  else if (k == "error_names")
    s.errorNames = value != 0;
  else
    return -1;
  return 0;
}

EXPORT void mptFakeCudaSetName(const char *name) { state().name = name; }

/// State for checks: live_allocations, allocated_bytes, live_modules,
/// streams, events, ctx_refs (of device 0), sticky.
EXPORT long long mptFakeCudaGet(const char *key) {
  State &s = state();
  std::string k = key;
  if (k == "live_allocations")
    return (long long)s.allocations.size();
  if (k == "allocated_bytes")
    return (long long)s.allocatedBytes;
  if (k == "live_modules")
    return (long long)s.liveModules;
  if (k == "streams")
    return s.streams;
  if (k == "events")
    return s.events;
  if (k == "ctx_refs")
    return s.ctxRefs[0];
  if (k == "sticky")
    return s.sticky;
  return -1;
}

EXPORT int mptFakeCudaCallCount() { return int(state().calls.size()); }

EXPORT const char *mptFakeCudaCall(int i) {
  auto &c = state().calls;
  return i >= 0 && size_t(i) < c.size() ? c[size_t(i)].c_str() : nullptr;
}

//===----------------------------------------------------------------------===//
// The driver API
//===----------------------------------------------------------------------===//

using CUdeviceptr = unsigned long long;

EXPORT int cuGetErrorName(int rc, const char **s) {
  *s = state().errorNames ? errorName(rc) : nullptr;
  return *s ? SUCCESS : INVALID_VALUE;
}

EXPORT int cuGetErrorString(int rc, const char **s) {
  *s = state().errorNames ? errorString(rc) : nullptr;
  return *s ? SUCCESS : INVALID_VALUE;
}

EXPORT int cuInit(unsigned flags) {
  State &s = state();
  record("cuInit flags=%u", flags);
  if (flags != 0)
    return INVALID_VALUE;
  if (s.initResult != SUCCESS)
    return s.initResult;
  if (s.devices == 0)
    return NO_DEVICE;
  s.initialised = true;
  return SUCCESS;
}

EXPORT int cuDriverGetVersion(int *v) {
  *v = state().driverVersion;
  return SUCCESS;
}

EXPORT int cuDeviceGetCount(int *n) {
  record("cuDeviceGetCount");
  if (!state().initialised)
    return NOT_INITIALIZED;
  *n = state().devices;
  return SUCCESS;
}

EXPORT int cuDeviceGet(int *dev, int ordinal) {
  record("cuDeviceGet ordinal=%d", ordinal);
  if (!state().initialised)
    return NOT_INITIALIZED;
  if (ordinal < 0 || ordinal >= state().devices)
    return INVALID_DEVICE;
  *dev = ordinal;
  return SUCCESS;
}

EXPORT int cuDeviceGetName(char *name, int len, int dev) {
  if (!state().initialised)
    return NOT_INITIALIZED;
  std::snprintf(name, size_t(len), "%s", state().name.c_str());
  return SUCCESS;
}

EXPORT int cuDeviceGetAttribute(int *value, int attr, int dev) {
  State &s = state();
  record("cuDeviceGetAttribute attr=%d dev=%d", attr, dev);
  if (!s.initialised)
    return NOT_INITIALIZED;
  switch (attr) {
  case 16:
    *value = s.sms;
    return SUCCESS;
  case 75:
    *value = s.ccMajor;
    return SUCCESS;
  case 76:
    *value = s.ccMinor;
    return SUCCESS;
  case 97:
    *value = s.optinShared;
    return SUCCESS;
  default:
    return INVALID_VALUE;
  }
}

EXPORT int cuDevicePrimaryCtxRetain(void **ctx, int dev) {
  record("cuDevicePrimaryCtxRetain dev=%d", dev);
  if (!state().initialised)
    return NOT_INITIALIZED;
  if (dev < 0 || dev >= state().devices || dev >= 4)
    return INVALID_DEVICE;
  ++state().ctxRefs[dev];
  *ctx = &contexts[dev];
  return SUCCESS;
}

EXPORT int cuDevicePrimaryCtxRelease_v2(int dev) {
  record("cuDevicePrimaryCtxRelease_v2 dev=%d", dev);
  if (dev < 0 || dev >= 4 || state().ctxRefs[dev] == 0)
    return INVALID_CONTEXT;
  --state().ctxRefs[dev];
  return SUCCESS;
}

EXPORT int cuCtxGetCurrent(void **ctx) {
  *ctx = currentContext;
  return state().initialised ? SUCCESS : NOT_INITIALIZED;
}

EXPORT int cuCtxSetCurrent(void *ctx) {
  int dev = static_cast<char *>(ctx) - contexts;
  record("cuCtxSetCurrent ctx=%d", ctx ? dev : -1);
  if (ctx && (dev < 0 || dev >= 4))
    return INVALID_CONTEXT;
  currentContext = ctx;
  return SUCCESS;
}

EXPORT int cuMemGetInfo_v2(size_t *freeBytes, size_t *totalBytes) {
  State &s = state();
  record("cuMemGetInfo_v2");
  if (int rc = needContext())
    return rc;
  *freeBytes = size_t(s.totalMemory - s.allocatedBytes);
  *totalBytes = size_t(s.totalMemory);
  return SUCCESS;
}

EXPORT int cuMemAlloc_v2(CUdeviceptr *p, size_t bytes) {
  State &s = state();
  record("cuMemAlloc_v2 bytes=%zu", bytes);
  if (int rc = needContext())
    return rc;
  if (bytes == 0)
    return INVALID_VALUE;
  if (s.allocatedBytes + bytes > s.totalMemory)
    return OUT_OF_MEMORY;
  void *m = std::aligned_alloc(256, (bytes + 255) / 256 * 256);
  if (!m)
    return OUT_OF_MEMORY;
  s.allocations[reinterpret_cast<uintptr_t>(m)] = bytes;
  s.allocatedBytes += bytes;
  *p = reinterpret_cast<uintptr_t>(m);
  return SUCCESS;
}

EXPORT int cuMemFree_v2(CUdeviceptr p) {
  State &s = state();
  record("cuMemFree_v2 ptr=0x%llx", p);
  if (int rc = needContext())
    return rc;
  auto it = s.allocations.find(uintptr_t(p));
  if (it == s.allocations.end())
    return INVALID_VALUE;
  s.allocatedBytes -= it->second;
  std::free(reinterpret_cast<void *>(it->first));
  s.allocations.erase(it);
  return SUCCESS;
}

EXPORT int cuMemcpyHtoDAsync_v2(CUdeviceptr dst, const void *src, size_t n,
                                void *stream) {
  record("cuMemcpyHtoDAsync_v2 dst=0x%llx bytes=%zu stream=%d", dst, n,
         stream == &streamTag);
  if (int rc = streamOp(stream))
    return rc;
  if (!inside(uintptr_t(dst), n))
    return INVALID_VALUE;
  std::memcpy(reinterpret_cast<void *>(dst), src, n);
  return SUCCESS;
}

EXPORT int cuMemcpyDtoHAsync_v2(void *dst, CUdeviceptr src, size_t n,
                                void *stream) {
  record("cuMemcpyDtoHAsync_v2 src=0x%llx bytes=%zu stream=%d", src, n,
         stream == &streamTag);
  if (int rc = streamOp(stream))
    return rc;
  if (!inside(uintptr_t(src), n))
    return INVALID_VALUE;
  std::memcpy(dst, reinterpret_cast<void *>(src), n);
  return SUCCESS;
}

EXPORT int cuMemcpyDtoDAsync_v2(CUdeviceptr dst, CUdeviceptr src, size_t n,
                                void *stream) {
  record("cuMemcpyDtoDAsync_v2 dst=0x%llx src=0x%llx bytes=%zu stream=%d", dst,
         src, n, stream == &streamTag);
  if (int rc = streamOp(stream))
    return rc;
  if (!inside(uintptr_t(dst), n) || !inside(uintptr_t(src), n))
    return INVALID_VALUE;
  std::memmove(reinterpret_cast<void *>(dst), reinterpret_cast<void *>(src), n);
  return SUCCESS;
}

EXPORT int cuMemsetD8Async(CUdeviceptr dst, unsigned char v, size_t n,
                           void *stream) {
  record("cuMemsetD8Async dst=0x%llx value=%u bytes=%zu stream=%d", dst,
         unsigned(v), n, stream == &streamTag);
  if (int rc = streamOp(stream))
    return rc;
  if (!inside(uintptr_t(dst), n))
    return INVALID_VALUE;
  std::memset(reinterpret_cast<void *>(dst), v, n);
  return SUCCESS;
}

EXPORT int cuStreamCreate(void **stream, unsigned flags) {
  record("cuStreamCreate flags=%u", flags);
  if (int rc = needContext())
    return rc;
  if (state().streams)
    return NOT_SUPPORTED; // the backend needs one stream only
  ++state().streams;
  *stream = &streamTag;
  return SUCCESS;
}

EXPORT int cuStreamDestroy_v2(void *stream) {
  record("cuStreamDestroy_v2");
  if (stream != &streamTag || !state().streams)
    return INVALID_HANDLE;
  --state().streams;
  return SUCCESS;
}

EXPORT int cuStreamSynchronize(void *stream) {
  record("cuStreamSynchronize stream=%d", stream == &streamTag);
  return streamOp(stream);
}

EXPORT int cuEventCreate(void **event, unsigned flags) {
  State &s = state();
  record("cuEventCreate flags=%u", flags);
  if (int rc = needContext())
    return rc;
  if (s.events >= 64)
    return OUT_OF_MEMORY;
  *event = &eventTags[s.events++];
  return SUCCESS;
}

EXPORT int cuEventDestroy_v2(void *event) {
  record("cuEventDestroy_v2 event=%d",
         int(static_cast<char *>(event) - eventTags));
  if (!state().events)
    return INVALID_HANDLE;
  --state().events;
  state().eventTimes.erase(event);
  return SUCCESS;
}

EXPORT int cuEventRecord(void *event, void *stream) {
  record("cuEventRecord event=%d stream=%d",
         int(static_cast<char *>(event) - eventTags), stream == &streamTag);
  if (int rc = streamOp(stream))
    return rc;
  state().eventTimes[event] = state().clockMs;
  return SUCCESS;
}

EXPORT int cuEventSynchronize(void *event) {
  record("cuEventSynchronize event=%d",
         int(static_cast<char *>(event) - eventTags));
  if (int rc = needContext())
    return rc;
  return state().sticky;
}

EXPORT int cuEventElapsedTime_v2(float *ms, void *start, void *end) {
  State &s = state();
  record("cuEventElapsedTime_v2");
  auto a = s.eventTimes.find(start), b = s.eventTimes.find(end);
  if (a == s.eventTimes.end() || b == s.eventTimes.end())
    return INVALID_HANDLE;
  *ms = float(b->second - a->second);
  return SUCCESS;
}

EXPORT int cuModuleLoadDataEx(void **module, const void *image,
                              unsigned numOptions, int *options,
                              void **values) {
  State &s = state();
  std::string opts;
  for (unsigned i = 0; i < numOptions; ++i)
    opts += (i ? "," : "") + std::to_string(options[i]);
  record("cuModuleLoadDataEx options=%s", opts.c_str());
  if (int rc = needContext())
    return rc;
  char *errorBuf = nullptr, *infoBuf = nullptr;
  size_t errorCap = 0, infoCap = 0;
  int errorSizeSlot = -1, infoSizeSlot = -1;
  for (unsigned i = 0; i < numOptions; ++i) {
    switch (options[i]) {
    case 3:
      infoBuf = static_cast<char *>(values[i]);
      break;
    case 4:
      infoCap = reinterpret_cast<uintptr_t>(values[i]);
      infoSizeSlot = int(i);
      break;
    case 5:
      errorBuf = static_cast<char *>(values[i]);
      break;
    case 6:
      errorCap = reinterpret_cast<uintptr_t>(values[i]);
      errorSizeSlot = int(i);
      break;
    default:
      return INVALID_VALUE;
    }
  }
  auto m = std::make_unique<Module>();
  std::string log;
  bool ok = parsePtx(static_cast<const char *>(image), *m, log);
  size_t infoBytes =
      writeLog(infoBuf, infoCap, "ptxas info    : 0 bytes gmem (fake driver)");
  if (infoSizeSlot >= 0)
    values[infoSizeSlot] = reinterpret_cast<void *>(uintptr_t(infoBytes));
  size_t errorBytes =
      ok ? writeLog(errorBuf, errorCap, "") : writeLog(errorBuf, errorCap, log);
  if (errorSizeSlot >= 0)
    values[errorSizeSlot] = reinterpret_cast<void *>(uintptr_t(errorBytes));
  if (!ok)
    return INVALID_PTX;
  *module = m.get();
  s.modules.push_back(std::move(m));
  ++s.liveModules;
  return SUCCESS;
}

EXPORT int cuModuleUnload(void *module) {
  State &s = state();
  record("cuModuleUnload");
  if (int rc = needContext())
    return rc;
  for (auto it = s.modules.begin(); it != s.modules.end(); ++it)
    if (it->get() == module) {
      s.modules.erase(it);
      --s.liveModules;
      return SUCCESS;
    }
  return INVALID_HANDLE;
}

EXPORT int cuModuleGetFunction(void **fn, void *module, const char *name) {
  record("cuModuleGetFunction name=%s", name);
  if (int rc = needContext())
    return rc;
  for (auto &k : static_cast<Module *>(module)->kernels)
    if (k->name == name) {
      *fn = k.get();
      return SUCCESS;
    }
  return NOT_FOUND;
}

EXPORT int cuFuncGetAttribute(int *value, int attr, void *fn) {
  record("cuFuncGetAttribute attr=%d fn=%s", attr,
         static_cast<Kernel *>(fn)->name.c_str());
  if (int rc = needContext())
    return rc;
  Module *m = moduleOf(static_cast<Kernel *>(fn));
  if (!m)
    return INVALID_HANDLE;
  if (attr != 1) // CU_FUNC_ATTRIBUTE_SHARED_SIZE_BYTES
    return INVALID_VALUE;
  *value = int(m->staticShared);
  return SUCCESS;
}

#ifndef MPT_FAKE_CUDA_OLD
EXPORT int cuFuncSetAttribute(void *fn, int attr, int value) {
  auto *k = static_cast<Kernel *>(fn);
  record("cuFuncSetAttribute fn=%s attr=%d value=%d", k->name.c_str(), attr,
         value);
  if (int rc = needContext())
    return rc;
  Module *m = moduleOf(k);
  if (!m)
    return INVALID_HANDLE;
  if (attr != 8 || value < 0 ||
      value + int(m->staticShared) > state().optinShared)
    return INVALID_VALUE;
  k->maxDynamicShared = value;
  return SUCCESS;
}
#endif

EXPORT int cuFuncGetParamInfo(void *fn, size_t index, size_t *offset,
                              size_t *size) {
  if (!state().paramInfo)
    return NOT_SUPPORTED;
  auto *k = static_cast<Kernel *>(fn);
  if (index >= k->paramSizes.size())
    return INVALID_VALUE;
  size_t off = 0;
  for (size_t i = 0; i < index; ++i)
    off = (off + k->paramSizes[i] - 1) / k->paramSizes[i] * k->paramSizes[i] +
          k->paramSizes[i];
  *offset = off;
  *size = k->paramSizes[index];
  return SUCCESS;
}

EXPORT int cuLaunchKernel(void *fn, unsigned gx, unsigned gy, unsigned gz,
                          unsigned bx, unsigned by, unsigned bz,
                          unsigned shared, void *stream, void **params,
                          void **extra) {
  State &s = state();
  auto *k = static_cast<Kernel *>(fn);
  std::string values;
  for (size_t i = 0; params && i < k->paramSizes.size(); ++i)
    values += (i ? "," : "") + hex(params[i], k->paramSizes[i]);
  record("cuLaunchKernel fn=%s grid=%u,%u,%u block=%u,%u,%u shared=%u "
         "stream=%d params=%s",
         k->name.c_str(), gx, gy, gz, bx, by, bz, shared, stream == &streamTag,
         values.c_str());
  if (int rc = streamOp(stream))
    return rc;
  Module *m = moduleOf(k);
  if (!m)
    return INVALID_HANDLE;
  if (extra || (!params && !k->paramSizes.empty()))
    return INVALID_VALUE;
  if (!gx || !gy || !gz || !bx || !by || !bz || uint64_t(bx) * by * bz > 1024)
    return INVALID_VALUE;
  int limit = k->maxDynamicShared >= 0 ? k->maxDynamicShared
                                       : 48 * 1024 - int(m->staticShared);
  if (int(shared) > limit)
    return INVALID_VALUE;
  if (k->name == "saxpy" && k->paramSizes.size() == 4) {
    float *x, *y, a;
    unsigned n;
    std::memcpy(&x, params[0], 8);
    std::memcpy(&y, params[1], 8);
    std::memcpy(&a, params[2], 4);
    std::memcpy(&n, params[3], 4);
    uint64_t threads = uint64_t(gx) * gy * gz * bx * by * bz;
    for (uint64_t i = 0; i < n && i < threads; ++i) {
      if (!inside(uintptr_t(x + i), 4) || !inside(uintptr_t(y + i), 4)) {
        s.sticky = ILLEGAL_ADDRESS;
        break;
      }
      y[i] = std::fma(a, x[i], y[i]);
    }
  }
  if (s.launchFault != SUCCESS) {
    s.sticky = s.launchFault;
    s.launchFault = SUCCESS;
  }
  s.clockMs += double(s.launchUs) / 1000.0;
  return SUCCESS;
}
