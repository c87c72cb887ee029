//===- Runtime.h - Device, launch and CTA state; memory access --*- C++ -*-===//
//
// Every memory access of an emulated instruction goes through memAt(), which
// resolves the state space (generic addresses through the windows of
// Internal.h), checks alignment and bounds against the tracked allocations /
// the CTA's shared memory / the thread's local memory, and, for shared
// memory, checks in-flight cp.async destinations and inter-warp races.
//
//===----------------------------------------------------------------------===//

#ifndef MPT_RUNTIME_PTXEMU_RUNTIME_H
#define MPT_RUNTIME_PTXEMU_RUNTIME_H

#include "Internal.h"

#include <map>

namespace mpt {
namespace ptxemu {
namespace detail {

/// Per-device instance of a module's .global/.const variables.
struct ModuleInstance {
  std::vector<uint64_t> globalAddr; ///< by ModuleImpl::globals index
};

struct DeviceImpl {
  std::map<uint64_t, Allocation> allocs; ///< by base address
  uint64_t nextBase = kGlobalBase;
  size_t allocated = 0;
  std::unordered_map<uint64_t, ModuleInstance> instances; ///< by module id
  LaunchStats totals;

  uint64_t allocate(uint64_t bytes, bool readOnly, const std::string &what,
                    uint8_t fill);
  /// The allocation containing [addr, addr+size), or null.
  Allocation *find(uint64_t addr, uint64_t size);
  /// A description of where `addr` lies relative to the allocations.
  std::string describe(uint64_t addr, uint64_t size);
  bool instantiate(const ModuleImpl &m, ModuleInstance *&inst,
                   std::string &error);
};

struct BarrierState {
  bool active = false;
  uint32_t count = 0;        ///< expected threads (0: all of the CTA)
  uint32_t arrived[32] = {}; ///< lanes arrived, per warp
  uint32_t line = 0;
  uint8_t redOp = 0; ///< 0 none, 1 popc, 2 and, 3 or
  uint32_t redPopc = 0;
  bool redAll = true, redAny = false;
  bool aligned = false;
};

/// Race-detector shadow of one shared byte: epoch << 6 | warp of the last
/// writer and of the last reader(s) (warp 63: several warps read it).
struct RaceShadow {
  uint32_t w = 0, r = 0;
};

struct BlockState {
  Dim3 ctaid;
  uint32_t linearId = 0;
  uint32_t nthreads = 0;
  uint32_t exited = 0;
  std::vector<WarpState> warps;
  std::vector<uint8_t> shared;
  /// Per shared byte: number of in-flight cp.async writing it.
  std::vector<uint8_t> asyncShadow;
  uint64_t asyncInFlight = 0;
  bool checkAsync = true; ///< LaunchOptions::checkAsyncCopies
  std::vector<RaceShadow> race;
  uint32_t epoch = 1;
  BarrierState bars[16];
};

struct LaunchState {
  const ModuleImpl *mod = nullptr;
  const Function *fn = nullptr;
  Dim3 grid, block;
  std::vector<uint8_t> params;
  uint64_t dynShared = 0;
  uint64_t sharedBytes = 0;
  /// Values of the function's constant and symbol slots.
  std::vector<std::pair<uint32_t, uint64_t>> slotInit;
  LaunchOptions opts;
  uint64_t warpInsts = 0, threadInsts = 0, mmaInsts = 0;
  uint64_t limit = 0;
  uint32_t epochBase = 1;
};

enum class Access : uint8_t { Read, Write, Atomic };

// The fail* helpers record an error (fail(), Internal.h) and return; the
// accessors below then return null, and the handler returns at once.
void failAccess(ExecCtx &c, const Inst &in, int lane, Space space,
                uint64_t addr, uint64_t size, Access acc, const char *why);
void failMisaligned(ExecCtx &c, const Inst &in, int lane, Space space,
                    uint64_t addr, uint64_t size);
/// False (with the race recorded) if the access races with another warp's.
bool raceCheck(ExecCtx &c, const Inst &in, int lane, uint64_t off,
               uint64_t size, Access acc);
void failAsyncPending(ExecCtx &c, const Inst &in, int lane, uint64_t off,
                      uint64_t size, Access acc);

inline uint8_t *globalAt(ExecCtx &c, const Inst &in, int lane, uint64_t addr,
                         uint64_t size, Access acc) {
  Allocation *a = c.lastAlloc;
  if (!(a && addr - a->base < a->size && size <= a->size - (addr - a->base))) {
    a = c.dev->find(addr, size);
    if (!a) {
      failAccess(c, in, lane, Space::Global, addr, size, acc, nullptr);
      return nullptr;
    }
    c.lastAlloc = a;
  }
  if (acc != Access::Read && a->readOnly) {
    failAccess(c, in, lane, Space::Global, addr, size, acc,
               "write to read-only memory");
    return nullptr;
  }
  return a->data.get() + (addr - a->base);
}

inline uint8_t *sharedAt(ExecCtx &c, const Inst &in, int lane, uint64_t off,
                         uint64_t size, Access acc) {
  if (off >= c.sharedSize || size > c.sharedSize - off) {
    failAccess(c, in, lane, Space::Shared, off, size, acc, nullptr);
    return nullptr;
  }
  BlockState &b = *c.block;
  if (b.asyncInFlight && b.checkAsync) {
    const uint8_t *s = b.asyncShadow.data() + off;
    for (uint64_t i = 0; i < size; ++i)
      if (s[i]) {
        failAsyncPending(c, in, lane, off, size, acc);
        return nullptr;
      }
  }
  if (!b.race.empty() && acc != Access::Atomic &&
      !raceCheck(c, in, lane, off, size, acc))
    return nullptr;
  return c.shared + off;
}

inline uint8_t *localAt(ExecCtx &c, const Inst &in, int lane, uint64_t off,
                        uint64_t size, Access acc) {
  if (off >= c.localSize || size > c.localSize - off) {
    failAccess(c, in, lane, Space::Local, off, size, acc, nullptr);
    return nullptr;
  }
  return c.local + (uint64_t)lane * c.localSize + off;
}

/// Parameter memory at offset `off`: read-only, bounds-checked.
inline uint8_t *paramAt(ExecCtx &c, const Inst &in, int lane, uint64_t off,
                        uint64_t size, Access acc) {
  if (acc != Access::Read) {
    failAccess(c, in, lane, Space::Param, off, size, acc,
               "kernel parameters are read-only");
    return nullptr;
  }
  if (off >= c.paramSize || size > c.paramSize - off) {
    failAccess(c, in, lane, Space::Param, off, size, acc, nullptr);
    return nullptr;
  }
  return const_cast<uint8_t *>(c.params + off);
}

/// Resolves an address of `space` (Generic through the windows), checking
/// natural alignment to `align` bytes and bounds for `size` bytes; null
/// (with the error recorded) if the access is not allowed.
inline uint8_t *memAt(ExecCtx &c, const Inst &in, int lane, Space space,
                      uint64_t addr, uint64_t size, uint64_t align,
                      Access acc) {
  if (addr & (align - 1)) {
    failMisaligned(c, in, lane, space, addr, align);
    return nullptr;
  }
  switch (space) {
  case Space::Global:
  case Space::Const:
    return globalAt(c, in, lane, addr, size, acc);
  case Space::Shared:
    return sharedAt(c, in, lane, addr, size, acc);
  case Space::Local:
    return localAt(c, in, lane, addr, size, acc);
  case Space::Param:
    return paramAt(c, in, lane, addr, size, acc);
  case Space::Generic:
    if (inWindow(addr, kSharedWindow))
      return sharedAt(c, in, lane, addr - kSharedWindow, size, acc);
    if (inWindow(addr, kLocalWindow))
      return localAt(c, in, lane, addr - kLocalWindow, size, acc);
    if (inWindow(addr, kParamWindow))
      return paramAt(c, in, lane, addr - kParamWindow, size, acc);
    return globalAt(c, in, lane, addr, size, acc);
  }
  return nullptr;
}

/// Entry point of the interpreter (Interpreter.cpp).
LaunchResult runLaunch(DeviceImpl &dev, const ModuleImpl &m, const Function &fn,
                       Dim3 grid, Dim3 block, uint64_t dynShared,
                       std::vector<uint8_t> params, const LaunchOptions &opts);

/// Completes (writes to shared memory) the in-flight cp.async of the lanes
/// of `mask` whose group number is below `upTo[lane]`.
void completeAsyncGroups(ExecCtx &c, WarpState &w, uint32_t mask,
                         const uint32_t *upTo);

} // namespace detail
} // namespace ptxemu
} // namespace mpt

#endif // MPT_RUNTIME_PTXEMU_RUNTIME_H
