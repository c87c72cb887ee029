//===- PTXEmu.h - Functional PTX emulator executed on the CPU ---*- C++ -*-===//
//
// A functional emulator for the PTX that mpt's CUDA lowering (MLIR gpu/nvgpu/
// nvvm -> LLVM NVPTX) and `nvcc -ptx` produce for sm_80/sm_90. It exists so
// that every generated GPU kernel can be executed and checked in CI on
// machines without a GPU. It is a functional model only: no timing, one legal
// interleaving of the threads (see docs/emulator.md).
//
// The library does not use LLVM or MLIR and does not throw: every failure is
// an error string naming what went wrong and where (only the host running
// out of memory can still surface as std::bad_alloc from the standard
// containers).
//
//   std::string err;
//   auto mod = mpt::ptxemu::Module::load(ptxText, err);
//   mpt::ptxemu::Device dev;
//   mpt::ptxemu::DevicePtr x = dev.alloc(n * 4);
//   dev.memcpyHtoD(x, host, n * 4, err);
//   auto r = dev.launch(*mod, "axpy", {n / 128, 1, 1}, {128, 1, 1}, 0,
//                       {mpt::ptxemu::KernelArg::ptr(x),
//                        mpt::ptxemu::KernelArg::f32(2.0f)});
//   if (!r.ok) report(r.error);
//
//===----------------------------------------------------------------------===//

#ifndef MPT_RUNTIME_PTXEMU_H
#define MPT_RUNTIME_PTXEMU_H

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace mpt {
namespace ptxemu {

namespace detail {
struct ModuleImpl;
struct DeviceImpl;
} // namespace detail

/// A device address in the emulated 64-bit address space. Values are real
/// addresses of that space: they can be stored in device memory, passed as
/// kernel parameters and compared, exactly as on a GPU. 0 is the null pointer.
using DevicePtr = uint64_t;

struct Dim3 {
  uint32_t x = 1, y = 1, z = 1;
};

/// The scalar or aggregate type of one kernel parameter, as declared in PTX.
enum class ParamKind : uint8_t {
  B8,
  B16,
  B32,
  B64, ///< untyped bits (.b8/.b16/.b32/.b64)
  U8,
  U16,
  U32,
  U64,
  S8,
  S16,
  S32,
  S64,
  F16,
  BF16,
  F32,
  F64,
  Aggregate, ///< `.param .align A .b8 name[N]` (byval struct)
};

/// The PTX spelling of a parameter type (".u64", ".f32", ...).
const char *paramKindName(ParamKind kind);

/// One `.param` of a kernel entry.
struct ParamInfo {
  std::string name;
  ParamKind kind = ParamKind::B32;
  uint32_t size = 0;      ///< bytes
  uint32_t align = 0;     ///< bytes
  uint32_t offset = 0;    ///< offset in the parameter buffer
  bool isPointer = false; ///< declared with `.ptr`, or a .u64/.b64/.s64
};

/// What a module knows about one `.entry`.
struct KernelInfo {
  std::string name;
  std::vector<ParamInfo> params;
  uint32_t staticSharedBytes = 0; ///< static `.shared` bytes of the kernel
  uint32_t localBytesPerThread = 0;
  Dim3 maxntid{0, 0, 0}; ///< from .maxntid (0 = none)
  Dim3 reqntid{0, 0, 0}; ///< from .reqntid (0 = none)
  uint32_t line = 0;     ///< line of the `.entry` directive
};

/// The bytes of one kernel argument, laid out as the PTX parameter expects.
struct KernelArg {
  std::vector<uint8_t> bytes;
  /// What the argument was made from, for checking against the .param list.
  enum class Kind : uint8_t { Raw, Int, Float, Pointer } kind = Kind::Raw;

  static KernelArg raw(const void *data, size_t size) {
    KernelArg a;
    a.bytes.resize(size);
    if (size)
      std::memcpy(a.bytes.data(), data, size);
    return a;
  }
  template <typename T> static KernelArg of(T v, Kind k) {
    KernelArg a = raw(&v, sizeof(T));
    a.kind = k;
    return a;
  }
  static KernelArg ptr(DevicePtr p) { return of<uint64_t>(p, Kind::Pointer); }
  static KernelArg u8(uint8_t v) { return of(v, Kind::Int); }
  static KernelArg i8(int8_t v) { return of(v, Kind::Int); }
  static KernelArg u16(uint16_t v) { return of(v, Kind::Int); }
  static KernelArg i16(int16_t v) { return of(v, Kind::Int); }
  static KernelArg u32(uint32_t v) { return of(v, Kind::Int); }
  static KernelArg i32(int32_t v) { return of(v, Kind::Int); }
  static KernelArg u64(uint64_t v) { return of(v, Kind::Int); }
  static KernelArg i64(int64_t v) { return of(v, Kind::Int); }
  static KernelArg f32(float v) { return of(v, Kind::Float); }
  static KernelArg f64(double v) { return of(v, Kind::Float); }
};

/// A parsed and pre-decoded PTX module. Immutable after load; one module can
/// be launched on any number of devices.
class Module {
public:
  /// Parses and decodes `ptxText`. On failure returns null and sets `error`
  /// to a message of the form `<name>:<line>:<col>: error: ...`.
  static std::unique_ptr<Module> load(std::string_view ptxText,
                                      std::string &error,
                                      std::string_view name = "<ptx>");
  ~Module();
  Module(const Module &) = delete;
  Module &operator=(const Module &) = delete;

  /// Every `.entry` of the module, in source order.
  const std::vector<KernelInfo> &kernels() const;
  const KernelInfo *findKernel(std::string_view name) const;
  /// The module's name and `.version` / `.target` directives.
  const std::string &name() const;
  const std::string &ptxVersion() const;
  const std::string &target() const;
  /// Instructions the emulator does not support, as "line N: text" strings.
  /// Loading succeeds with them (a kernel runs until it reaches one, which is
  /// then an error); tools can list them up front.
  const std::vector<std::string> &unsupported() const;
  /// Number of decoded instructions over all functions.
  size_t instructionCount() const;

  const detail::ModuleImpl &impl() const { return *impl_; }

private:
  Module();
  std::unique_ptr<detail::ModuleImpl> impl_;
};

/// Options of one launch.
struct LaunchOptions {
  /// Stop with an error after this many warp instructions (0 = unlimited);
  /// catches kernels that spin forever.
  uint64_t maxWarpInstructions = 0;
  /// `bar.sync`/`barrier.sync.aligned` with no thread count require every
  /// thread of the CTA to execute them. With this set, such a barrier that
  /// completes while some thread of the CTA has already exited is an error
  /// ("exit divergence"); without it, exited threads are simply not waited
  /// for (the rule for non-aligned `barrier.sync`).
  bool strictAlignedBarriers = true;
  /// Report a read of shared memory that a cp.async of the same CTA is still
  /// writing (a missing cp.async.wait_group or barrier). Cheap; keep it on.
  bool checkAsyncCopies = true;
  /// Detect shared-memory data races between warps: a location written by
  /// one warp and accessed by another with no barrier in between.
  bool checkSharedRaces = true;
  /// Fill pattern of shared and local memory at CTA start (hardware leaves
  /// them uninitialised; 0xFF makes floats NaN so unwritten reads show up).
  uint8_t uninitializedFill = 0xFF;
};

/// Counters of one launch (and, summed, of a device).
struct LaunchStats {
  uint64_t threadInstructions = 0; ///< instructions x threads executing them
  uint64_t warpInstructions = 0;   ///< instructions issued per warp
  uint64_t blocks = 0;
  uint64_t mmaInstructions = 0; ///< warp-level mma.sync executed
  double seconds = 0;           ///< host wall time of the launch
};

struct LaunchResult {
  bool ok = false;
  std::string error; ///< empty when ok
  LaunchStats stats;
};

/// An emulated GPU: a 64-bit device address space with tracked allocations,
/// and the per-device instances of module-scope variables.
class Device {
public:
  Device();
  ~Device();
  Device(const Device &) = delete;
  Device &operator=(const Device &) = delete;

  /// Allocates `bytes` (256-byte aligned, not initialised: filled with 0xFF).
  /// Allocations never reuse addresses and are separated by unmapped gaps,
  /// so an access just past an allocation is reported, never aliased.
  /// Returns 0 (never throws) when `bytes` is over 1 TiB, the address space
  /// is used up, or the host has not the memory.
  DevicePtr alloc(size_t bytes);
  /// Frees an allocation made by alloc(); false if `p` is not one.
  bool free(DevicePtr p);
  bool memset(DevicePtr dst, uint8_t value, size_t bytes, std::string &error);
  bool memcpyHtoD(DevicePtr dst, const void *src, size_t bytes,
                  std::string &error);
  bool memcpyDtoH(void *dst, DevicePtr src, size_t bytes,
                  std::string &error) const;
  bool memcpyDtoD(DevicePtr dst, DevicePtr src, size_t bytes,
                  std::string &error);

  /// The device address and size of a module-scope `.global`/`.const`
  /// variable (as cuModuleGetGlobal); instantiates the module on this device.
  bool getGlobal(const Module &module, std::string_view name, DevicePtr &ptr,
                 size_t &bytes, std::string &error);

  /// Runs `kernel` over `grid` x `block` threads with `dynamicShared` bytes
  /// of `.extern .shared` memory. `args` must match the kernel's .param list
  /// in number and size. Blocks run one after another; inside a block,
  /// warps run until they block on a barrier, and warp-collective
  /// instructions execute with all participating lanes at once.
  LaunchResult launch(const Module &module, std::string_view kernel, Dim3 grid,
                      Dim3 block, size_t dynamicShared,
                      const std::vector<KernelArg> &args,
                      const LaunchOptions &options = {});

  /// Totals over all launches on this device.
  const LaunchStats &stats() const;
  /// Bytes currently allocated with alloc().
  size_t allocatedBytes() const;

  detail::DeviceImpl &impl() { return *impl_; }

private:
  std::unique_ptr<detail::DeviceImpl> impl_;
};

/// Exact IEEE conversions between float and the 16-bit formats, rounding to
/// nearest even (with subnormals, infinities and NaN), as the emulator uses
/// them. Exposed for hosts that prepare f16/bf16 data.
uint16_t floatToHalf(float v);
uint16_t doubleToHalf(double v);
float halfToFloat(uint16_t h);
uint16_t floatToBFloat16(float v);
uint16_t doubleToBFloat16(double v);
float bfloat16ToFloat(uint16_t b);

} // namespace ptxemu
} // namespace mpt

#endif // MPT_RUNTIME_PTXEMU_H
