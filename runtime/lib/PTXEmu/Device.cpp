//===- Device.cpp - Emulated device memory, modules and launches ----------===//

#include "Runtime.h"

#include <algorithm>
#include <cstdio>
#include <new>

namespace mpt {
namespace ptxemu {

using namespace detail;

//===----------------------------------------------------------------------===//
// DeviceImpl
//===----------------------------------------------------------------------===//

namespace detail {

static std::string hexAddr(uint64_t v) {
  char b[32];
  std::snprintf(b, sizeof b, "0x%llx", (unsigned long long)v);
  return b;
}

uint64_t DeviceImpl::allocate(uint64_t bytes, bool readOnly,
                              const std::string &what, uint8_t fill) {
  // Leave an unmapped gap after every allocation so that running off its end
  // is reported instead of landing in the next one. Addresses are never
  // reused: the next base must stay inside the 64-bit space.
  uint64_t end;
  if (bytes > kMaxAllocationBytes ||
      __builtin_add_overflow(nextBase, bytes + kAllocationGap + 255, &end))
    return 0;
  Allocation a;
  a.base = nextBase;
  a.size = bytes;
  a.data.reset(new (std::nothrow) uint8_t[bytes ? bytes : 1]);
  if (!a.data)
    return 0;
  std::memset(a.data.get(), fill, bytes);
  a.readOnly = readOnly;
  a.what = what;
  nextBase = end & ~uint64_t(255);
  allocated += bytes;
  uint64_t base = a.base;
  allocs.emplace(base, std::move(a));
  return base;
}

Allocation *DeviceImpl::find(uint64_t addr, uint64_t size) {
  auto it = allocs.upper_bound(addr);
  if (it == allocs.begin())
    return nullptr;
  --it;
  Allocation &a = it->second;
  if (addr - a.base < a.size && size <= a.size - (addr - a.base))
    return &a;
  return nullptr;
}

std::string DeviceImpl::describe(uint64_t addr, uint64_t size) {
  if (addr == 0)
    return "null pointer";
  if (addr < 4096)
    return "near-null pointer";
  if (inWindow(addr, kSharedWindow) || inWindow(addr, kLocalWindow) ||
      inWindow(addr, kParamWindow))
    return "a generic shared/local/param address used as a global address";
  auto it = allocs.upper_bound(addr);
  std::string best;
  if (it != allocs.begin()) {
    auto prev = std::prev(it);
    const Allocation &a = prev->second;
    if (addr >= a.base) {
      uint64_t end = a.base + a.size;
      if (addr < end)
        return "the access runs " + std::to_string(addr + size - end) +
               " byte(s) past the end of " + a.what + " [" + hexAddr(a.base) +
               ", +" + std::to_string(a.size) + ")";
      best = std::to_string(addr - end) + " byte(s) past the end of " + a.what +
             " [" + hexAddr(a.base) + ", +" + std::to_string(a.size) + ")";
    }
  }
  if (it != allocs.end() && it->first - addr < 0x10000) {
    const Allocation &a = it->second;
    std::string before = std::to_string(a.base - addr) +
                         " byte(s) before the start of " + a.what + " [" +
                         hexAddr(a.base) + ", +" + std::to_string(a.size) + ")";
    if (best.empty() || a.base - addr < 0x1000)
      best = before;
  }
  if (best.empty())
    return "not inside any allocation";
  return "not inside any allocation (" + best + ")";
}

bool DeviceImpl::instantiate(const ModuleImpl &m, ModuleInstance *&out,
                             std::string &error) {
  auto it = instances.find(m.id);
  if (it != instances.end()) {
    out = &it->second;
    return true;
  }
  ModuleInstance inst;
  for (const Variable &v : m.globals) {
    std::string what =
        std::string(v.space == Space::Const ? "constant" : "global") +
        " variable '" + v.name + "'";
    uint64_t a = allocate(v.size, v.space == Space::Const, what, 0);
    if (!a) {
      for (uint64_t done : inst.globalAddr) {
        auto dit = allocs.find(done); // allocated above
        allocated -= dit->second.size;
        allocs.erase(dit);
      }
      error = "module '" + m.name + "': cannot allocate " +
              std::to_string(v.size) + " bytes for " + what;
      return false;
    }
    Allocation *al = &allocs.find(a)->second; // allocate() returned it
    if (!v.init.empty())
      std::memcpy(al->data.get(), v.init.data(),
                  std::min<uint64_t>(v.init.size(), v.size));
    inst.globalAddr.push_back(a);
  }
  for (size_t i = 0; i < m.globals.size(); ++i) {
    const Variable &v = m.globals[i];
    Allocation &al = allocs.find(inst.globalAddr[i])->second;
    for (const auto &ai : v.addrInits) {
      auto git = m.globalIndex.find(ai.symbol);
      auto fit = m.functionIndex.find(ai.symbol);
      uint64_t val;
      if (git != m.globalIndex.end()) {
        val = inst.globalAddr[git->second] + (uint64_t)ai.addend;
      } else if (fit != m.functionIndex.end()) {
        val = 0x0000600000000000ull + fit->second * 16;
      } else {
        error = "module '" + m.name + "': initialiser of '" + v.name +
                "' refers to unknown symbol '" + ai.symbol + "'";
        return false;
      }
      std::memcpy(al.data.get() + ai.at, &val, 8);
    }
  }
  out = &instances.emplace(m.id, std::move(inst)).first->second;
  return true;
}

} // namespace detail

//===----------------------------------------------------------------------===//
// Module
//===----------------------------------------------------------------------===//

Module::Module() : impl_(new ModuleImpl) {}
Module::~Module() = default;

std::unique_ptr<Module> Module::load(std::string_view ptxText,
                                     std::string &error,
                                     std::string_view name) {
  std::unique_ptr<Module> m(new Module());
  if (!parseModule(ptxText, name, *m->impl_, error))
    return nullptr;
  return m;
}

const std::vector<KernelInfo> &Module::kernels() const {
  return impl_->kernels;
}
const KernelInfo *Module::findKernel(std::string_view name) const {
  for (const KernelInfo &k : impl_->kernels)
    if (k.name == name)
      return &k;
  return nullptr;
}
const std::string &Module::name() const { return impl_->name; }
const std::string &Module::ptxVersion() const { return impl_->version; }
const std::string &Module::target() const { return impl_->target; }
const std::vector<std::string> &Module::unsupported() const {
  return impl_->unsupported;
}
size_t Module::instructionCount() const { return impl_->instructionCount; }

//===----------------------------------------------------------------------===//
// Device
//===----------------------------------------------------------------------===//

Device::Device() : impl_(new DeviceImpl) {}
Device::~Device() = default;

DevicePtr Device::alloc(size_t bytes) {
  return impl_->allocate(bytes, false, "allocation", 0xff);
}

bool Device::free(DevicePtr p) {
  auto it = impl_->allocs.find(p);
  if (it == impl_->allocs.end() || it->second.what != "allocation")
    return false;
  impl_->allocated -= it->second.size;
  impl_->allocs.erase(it);
  return true;
}

static bool range(DeviceImpl &d, DevicePtr p, size_t n, const char *what,
                  Allocation *&a, std::string &error) {
  a = d.find(p, n);
  if (!a) {
    error = std::string(what) + ": " + std::to_string(n) + " bytes at " +
            hexAddr(p) + " are " + d.describe(p, n);
    return false;
  }
  return true;
}

bool Device::memset(DevicePtr dst, uint8_t value, size_t bytes,
                    std::string &error) {
  if (!bytes)
    return true;
  Allocation *a;
  if (!range(*impl_, dst, bytes, "memset", a, error))
    return false;
  std::memset(a->data.get() + (dst - a->base), value, bytes);
  return true;
}

bool Device::memcpyHtoD(DevicePtr dst, const void *src, size_t bytes,
                        std::string &error) {
  if (!bytes)
    return true;
  Allocation *a;
  if (!range(*impl_, dst, bytes, "memcpyHtoD", a, error))
    return false;
  std::memcpy(a->data.get() + (dst - a->base), src, bytes);
  return true;
}

bool Device::memcpyDtoH(void *dst, DevicePtr src, size_t bytes,
                        std::string &error) const {
  if (!bytes)
    return true;
  Allocation *a;
  if (!range(*impl_, src, bytes, "memcpyDtoH", a, error))
    return false;
  std::memcpy(dst, a->data.get() + (src - a->base), bytes);
  return true;
}

bool Device::memcpyDtoD(DevicePtr dst, DevicePtr src, size_t bytes,
                        std::string &error) {
  if (!bytes)
    return true;
  Allocation *a, *b;
  if (!range(*impl_, dst, bytes, "memcpyDtoD", a, error) ||
      !range(*impl_, src, bytes, "memcpyDtoD", b, error))
    return false;
  std::memmove(a->data.get() + (dst - a->base), b->data.get() + (src - b->base),
               bytes);
  return true;
}

bool Device::getGlobal(const Module &module, std::string_view name,
                       DevicePtr &ptr, size_t &bytes, std::string &error) {
  ModuleInstance *inst;
  if (!impl_->instantiate(module.impl(), inst, error))
    return false;
  auto it = module.impl().globalIndex.find(std::string(name));
  if (it == module.impl().globalIndex.end()) {
    error = "module '" + module.name() + "' has no .global/.const variable '" +
            std::string(name) + "'";
    return false;
  }
  ptr = inst->globalAddr[it->second];
  bytes = module.impl().globals[it->second].size;
  return true;
}

const LaunchStats &Device::stats() const { return impl_->totals; }
size_t Device::allocatedBytes() const { return impl_->allocated; }

static std::string dims(Dim3 d) {
  return "(" + std::to_string(d.x) + "," + std::to_string(d.y) + "," +
         std::to_string(d.z) + ")";
}

const char *paramKindName(ParamKind k) {
  switch (k) {
  case ParamKind::B8:
    return ".b8";
  case ParamKind::B16:
    return ".b16";
  case ParamKind::B32:
    return ".b32";
  case ParamKind::B64:
    return ".b64";
  case ParamKind::U8:
    return ".u8";
  case ParamKind::U16:
    return ".u16";
  case ParamKind::U32:
    return ".u32";
  case ParamKind::U64:
    return ".u64";
  case ParamKind::S8:
    return ".s8";
  case ParamKind::S16:
    return ".s16";
  case ParamKind::S32:
    return ".s32";
  case ParamKind::S64:
    return ".s64";
  case ParamKind::F16:
    return ".f16";
  case ParamKind::BF16:
    return ".bf16";
  case ParamKind::F32:
    return ".f32";
  case ParamKind::F64:
    return ".f64";
  case ParamKind::Aggregate:
    return ".b8[] (aggregate)";
  }
  return "?";
}

static bool isFloatKind(ParamKind k) {
  return k == ParamKind::F16 || k == ParamKind::BF16 || k == ParamKind::F32 ||
         k == ParamKind::F64;
}
static bool isBitsKind(ParamKind k) {
  return k == ParamKind::B8 || k == ParamKind::B16 || k == ParamKind::B32 ||
         k == ParamKind::B64;
}

/// Why the launch shape of `fn` cannot run (zero or too large dimensions,
/// .reqntid/.maxntid, shared memory beyond the target's), or "".
static std::string launchShapeProblem(const ModuleImpl &m, const Function &fn,
                                      Dim3 grid, Dim3 block,
                                      size_t dynamicShared) {
  if (!grid.x || !grid.y || !grid.z || !block.x || !block.y || !block.z)
    return "grid " + dims(grid) + " and block " + dims(block) +
           " must have no zero dimension";
  const uint64_t nthreads = (uint64_t)block.x * block.y * block.z;
  if (nthreads > 1024 || block.x > 1024 || block.y > 1024 || block.z > 64)
    return "block " + dims(block) +
           " exceeds the CUDA limits (1024 threads; x, y <= 1024, z <= 64)";
  if (grid.x > 0x7fffffffu || grid.y > 65535 || grid.z > 65535)
    return "grid " + dims(grid) + " exceeds the CUDA limits";
  if (fn.reqntid.x && (fn.reqntid.x != block.x || fn.reqntid.y != block.y ||
                       fn.reqntid.z != block.z))
    return "block " + dims(block) + " differs from .reqntid " +
           dims(fn.reqntid);
  if (fn.maxntid.x &&
      nthreads > (uint64_t)fn.maxntid.x * fn.maxntid.y * fn.maxntid.z)
    return "block " + dims(block) + " has more threads than .maxntid " +
           dims(fn.maxntid);
  const bool hopper = m.target.size() >= 5 && m.target.compare(3, 1, "9") == 0;
  const uint64_t smemLimit = hopper ? 232448 : 166912;
  const uint64_t smem = dynamicShared ? fn.dynamicSharedOffset + dynamicShared
                                      : fn.staticSharedBytes;
  if (smem > smemLimit)
    return std::to_string(smem) + " bytes of shared memory exceed the " +
           std::to_string(smemLimit) + " bytes per block of " + m.target;
  return "";
}

/// The kernel's parameter block from `args`, each checked against its
/// .param (size and kind); "" on success, else why not.
static std::string packParams(const Function &fn,
                              const std::vector<KernelArg> &args,
                              std::vector<uint8_t> &params) {
  if (args.size() != fn.params.size())
    return "the kernel takes " + std::to_string(fn.params.size()) +
           " parameter(s), " + std::to_string(args.size()) + " given";
  params.assign(fn.paramBytes, 0);
  for (size_t i = 0; i < args.size(); ++i) {
    const ParamInfo &p = fn.params[i];
    const KernelArg &a = args[i];
    std::string which = "argument " + std::to_string(i) + " ('" + p.name +
                        "', " + paramKindName(p.kind) + ", " +
                        std::to_string(p.size) + " bytes)";
    if (a.bytes.size() != p.size)
      return which + " was given " + std::to_string(a.bytes.size()) + " bytes";
    bool okKind = true;
    switch (a.kind) {
    case KernelArg::Kind::Pointer:
      okKind = p.size == 8 && !isFloatKind(p.kind);
      break;
    case KernelArg::Kind::Float:
      okKind = isFloatKind(p.kind) || isBitsKind(p.kind);
      break;
    case KernelArg::Kind::Int:
      okKind = !isFloatKind(p.kind) && p.kind != ParamKind::Aggregate;
      break;
    case KernelArg::Kind::Raw:
      break;
    }
    if (!okKind)
      return which + " was given " +
             (a.kind == KernelArg::Kind::Pointer ? "a pointer"
              : a.kind == KernelArg::Kind::Float ? "a floating-point value"
                                                 : "an integer");
    std::memcpy(params.data() + p.offset, a.bytes.data(), p.size);
  }
  return "";
}

LaunchResult Device::launch(const Module &module, std::string_view kernel,
                            Dim3 grid, Dim3 block, size_t dynamicShared,
                            const std::vector<KernelArg> &args,
                            const LaunchOptions &options) {
  LaunchResult r;
  const ModuleImpl &m = module.impl();
  auto it = m.functionIndex.find(std::string(kernel));
  const Function *fn =
      it == m.functionIndex.end() ? nullptr : &m.functions[it->second];
  if (!fn || !fn->isEntry || fn->isDecl) {
    r.error =
        "module '" + m.name + "' has no kernel '" + std::string(kernel) + "'";
    if (!m.kernels.empty()) {
      r.error += " (kernels:";
      for (const KernelInfo &k : m.kernels)
        r.error += " " + k.name;
      r.error += ")";
    }
    return r;
  }
  const std::string where = "launch of '" + fn->name + "': ";
  std::vector<uint8_t> params;
  std::string why = launchShapeProblem(m, *fn, grid, block, dynamicShared);
  if (why.empty())
    why = packParams(*fn, args, params);
  if (!why.empty()) {
    r.error = where + why;
    return r;
  }
  r = runLaunch(*impl_, m, *fn, grid, block, dynamicShared, std::move(params),
                options);
  impl_->totals.threadInstructions += r.stats.threadInstructions;
  impl_->totals.warpInstructions += r.stats.warpInstructions;
  impl_->totals.blocks += r.stats.blocks;
  impl_->totals.mmaInstructions += r.stats.mmaInstructions;
  impl_->totals.seconds += r.stats.seconds;
  return r;
}

} // namespace ptxemu
} // namespace mpt
