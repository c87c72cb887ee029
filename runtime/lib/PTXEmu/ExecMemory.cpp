//===- ExecMemory.cpp - ld/st, atomics, cvta, cp.async --------------------===//
//
// Every access is checked (Runtime.h): natural alignment of the whole
// access (a .v4.f32 needs 16 bytes), bounds of the allocation / shared /
// local / param memory, writes to read-only memory, in-flight cp.async
// destinations and inter-warp shared-memory races.
//
// cp.async copies read their source when issued and write shared memory when
// a cp.async.wait_group / wait_all of the issuing thread retires their group;
// touching the destination before that is reported.
//
//===----------------------------------------------------------------------===//

#include "ExecCommon.h"

#include <algorithm>

namespace mpt {
namespace ptxemu {
namespace detail {

namespace {

constexpr uint8_t kAddr32 = 0x80; ///< base register is 32-bit

inline uint64_t effAddr(const ExecCtx &c, const Inst &in, uint32_t slotIdx,
                        uint32_t l) {
  uint64_t a = c.R[(size_t)slotIdx * 32 + l];
  if (in.flags & kAddr32)
    return (uint32_t)((uint32_t)a + (uint32_t)in.imm);
  return a + (uint64_t)in.imm;
}

inline uint64_t loadN(const uint8_t *p, unsigned n) {
  uint64_t v = 0;
  std::memcpy(&v, p, n);
  return v;
}

template <Space S, unsigned N, bool Signed>
void hLd(ExecCtx &c, const Inst &in, uint32_t m) {
  const unsigned vec = in.vec;
  forLanesWhile(m, [&](uint32_t l) {
    const uint64_t addr = effAddr(c, in, in.a[0], l);
    const uint8_t *p = memAt(c, in, (int)l, S, addr, (uint64_t)N * vec,
                             (uint64_t)N * vec, Access::Read);
    if (!p)
      return false;
    for (unsigned i = 0; i < vec; ++i) {
      uint64_t v = loadN(p + i * N, N);
      if (Signed)
        v = (uint64_t)sext(v, 8 * N);
      c.R[(size_t)in.d[i] * 32 + l] = v;
    }
    return true;
  });
}

template <Space S, unsigned N>
void hSt(ExecCtx &c, const Inst &in, uint32_t m) {
  const unsigned vec = in.vec;
  forLanesWhile(m, [&](uint32_t l) {
    const uint64_t addr = effAddr(c, in, in.a[0], l);
    uint8_t *p = memAt(c, in, (int)l, S, addr, (uint64_t)N * vec,
                       (uint64_t)N * vec, Access::Write);
    if (!p)
      return false;
    for (unsigned i = 0; i < vec; ++i) {
      const uint64_t v = c.R[(size_t)in.a[1 + i] * 32 + l];
      std::memcpy(p + i * N, &v, N);
    }
    return true;
  });
}

template <Space S> ExecFn pickLd(unsigned n, bool sgn) {
  switch (n) {
  case 1:
    return sgn ? hLd<S, 1, true> : hLd<S, 1, false>;
  case 2:
    return sgn ? hLd<S, 2, true> : hLd<S, 2, false>;
  case 4:
    return sgn ? hLd<S, 4, true> : hLd<S, 4, false>;
  case 8:
    return hLd<S, 8, false>;
  }
  return nullptr;
}
template <Space S> ExecFn pickSt(unsigned n) {
  switch (n) {
  case 1:
    return hSt<S, 1>;
  case 2:
    return hSt<S, 2>;
  case 4:
    return hSt<S, 4>;
  case 8:
    return hSt<S, 8>;
  }
  return nullptr;
}
ExecFn pickLdSpace(Space s, unsigned n, bool sgn) {
  switch (s) {
  case Space::Generic:
    return pickLd<Space::Generic>(n, sgn);
  case Space::Global:
    return pickLd<Space::Global>(n, sgn);
  case Space::Shared:
    return pickLd<Space::Shared>(n, sgn);
  case Space::Local:
    return pickLd<Space::Local>(n, sgn);
  case Space::Param:
    return pickLd<Space::Param>(n, sgn);
  case Space::Const:
    return pickLd<Space::Const>(n, sgn);
  }
  return nullptr;
}
ExecFn pickStSpace(Space s, unsigned n) {
  switch (s) {
  case Space::Generic:
    return pickSt<Space::Generic>(n);
  case Space::Global:
    return pickSt<Space::Global>(n);
  case Space::Shared:
    return pickSt<Space::Shared>(n);
  case Space::Local:
    return pickSt<Space::Local>(n);
  case Space::Param:
    return pickSt<Space::Param>(n);
  case Space::Const:
    return pickSt<Space::Const>(n);
  }
  return nullptr;
}

// Atomics ---------------------------------------------------------------------

enum AOp : uint16_t {
  AAdd,
  AMin,
  AMax,
  AInc,
  ADec,
  AAnd,
  AOr,
  AXor,
  ACas,
  AExch
};

template <typename T> T atomicOp(AOp op, T old, T b, T cmp) {
  using UT = std::make_unsigned_t<T>;
  switch (op) {
  case AAdd:
    return (T)((UT)old + (UT)b);
  case AMin:
    return old < b ? old : b;
  case AMax:
    return old > b ? old : b;
  case AInc:
    return (UT)old >= (UT)b ? 0 : (T)((UT)old + 1);
  case ADec:
    return ((UT)old == 0 || (UT)old > (UT)b) ? b : (T)((UT)old - 1);
  case AAnd:
    return old & b;
  case AOr:
    return old | b;
  case AXor:
    return old ^ b;
  case ACas:
    return old == cmp ? b : old;
  case AExch:
    return b;
  }
  return old;
}

/// One atomic read-modify-write on memory `p` of type `ty`; returns the old
/// value as slot bits.
/// Long by design: one case per element type, each applying the operation
/// with that type's arithmetic.
uint64_t atomicRMW(uint8_t *p, Ty ty, AOp op, uint64_t bv, uint64_t cv,
                   bool flushF32) {
  switch (ty) {
  case Ty::F32: {
    float old, b = fp::floatOf((uint32_t)bv);
    std::memcpy(&old, p, 4);
    float r;
    if (op == AAdd) {
      if (flushF32)
        r = fp::ftz(fp::ftz(old) + fp::ftz(b));
      else
        r = old + b;
    } else if (op == AExch) {
      r = b;
    } else if (op == AMin || op == AMax) {
      r = op == AMin ? std::fmin(old, b) : std::fmax(old, b);
    } else {
      uint32_t o = fp::bitsOf(old);
      uint32_t n = atomicOp<uint32_t>(op, o, (uint32_t)bv, (uint32_t)cv);
      std::memcpy(p, &n, 4);
      return o;
    }
    std::memcpy(p, &r, 4);
    return fp::bitsOf(old);
  }
  case Ty::F64: {
    double old, b = fp::doubleOf(bv);
    std::memcpy(&old, p, 8);
    double r = op == AAdd ? old + b : op == AExch ? b : old;
    std::memcpy(p, &r, 8);
    return fp::bitsOf(old);
  }
  case Ty::F16:
  case Ty::BF16:
  case Ty::F16x2:
  case Ty::BF16x2: {
    const bool bf = ty == Ty::BF16 || ty == Ty::BF16x2;
    const unsigned n = (ty == Ty::F16x2 || ty == Ty::BF16x2) ? 2 : 1;
    uint32_t old = 0;
    std::memcpy(&old, p, 2 * n);
    uint32_t r = 0;
    for (unsigned i = 0; i < n; ++i) {
      uint16_t o = (uint16_t)(old >> (16 * i)), b = (uint16_t)(bv >> (16 * i));
      float x = bf ? fp::bf16ToFloat(o) : fp::halfToFloat(o);
      float y = bf ? fp::bf16ToFloat(b) : fp::halfToFloat(b);
      float s = op == AAdd   ? x + y
                : op == AMin ? std::fmin(x, y)
                             : std::fmax(x, y);
      uint16_t h = bf ? fp::floatToBF16RN(s) : fp::floatToHalfRN(s);
      if (op == AExch)
        h = b;
      r |= (uint32_t)h << (16 * i);
    }
    std::memcpy(p, &r, 2 * n);
    return old;
  }
  case Ty::S32: {
    int32_t old;
    std::memcpy(&old, p, 4);
    int32_t r = atomicOp<int32_t>(op, old, (int32_t)bv, (int32_t)cv);
    std::memcpy(p, &r, 4);
    return wr<int32_t>(old);
  }
  case Ty::S64: {
    int64_t old;
    std::memcpy(&old, p, 8);
    int64_t r = atomicOp<int64_t>(op, old, (int64_t)bv, (int64_t)cv);
    std::memcpy(p, &r, 8);
    return (uint64_t)old;
  }
  case Ty::B16:
  case Ty::U16: {
    uint16_t old;
    std::memcpy(&old, p, 2);
    uint16_t r = atomicOp<uint16_t>(op, old, (uint16_t)bv, (uint16_t)cv);
    std::memcpy(p, &r, 2);
    return old;
  }
  case Ty::B64:
  case Ty::U64: {
    uint64_t old;
    std::memcpy(&old, p, 8);
    uint64_t r = atomicOp<uint64_t>(op, old, bv, cv);
    std::memcpy(p, &r, 8);
    return old;
  }
  default: {
    uint32_t old;
    std::memcpy(&old, p, 4);
    uint32_t r = atomicOp<uint32_t>(op, old, (uint32_t)bv, (uint32_t)cv);
    std::memcpy(p, &r, 4);
    return old;
  }
  }
}

void hAtom(ExecCtx &c, const Inst &in, uint32_t m) {
  const Space sp = in.space;
  const unsigned n = tyBytes(in.ty);
  const bool hasD = in.d[0] != kNoSlot;
  forLanesWhile(m, [&](uint32_t l) {
    const uint64_t addr = effAddr(c, in, in.a[0], l);
    uint8_t *p = memAt(c, in, (int)l, sp, addr, n, n, Access::Atomic);
    if (!p)
      return false;
    const bool onShared =
        sp == Space::Shared ||
        (sp == Space::Generic && inWindow(addr, kSharedWindow));
    const uint64_t bv = c.R[(size_t)in.a[1] * 32 + l];
    const uint64_t cv = in.a[2] != kNoSlot ? c.R[(size_t)in.a[2] * 32 + l] : 0;
    uint64_t old =
        atomicRMW(p, in.ty, (AOp)in.sub, bv, cv, in.ty == Ty::F32 && !onShared);
    if (hasD)
      c.R[(size_t)in.d[0] * 32 + l] = old;
    return true;
  });
}

// cvta / isspacep
// -----------------------------------------------------------------

void hCvtaTo(ExecCtx &c, const Inst &in, uint32_t m) {
  MPT_D(0);
  MPT_A(0);
  const Space sp = in.space;
  const bool is32 = in.sub == 32;
  forLanesWhile(m, [&](uint32_t l) {
    const uint64_t g = a0[l];
    uint64_t r = g;
    switch (sp) {
    case Space::Shared:
    case Space::Local:
    case Space::Param: {
      const uint64_t w = sp == Space::Shared  ? kSharedWindow
                         : sp == Space::Local ? kLocalWindow
                                              : kParamWindow;
      if (!inWindow(g, w)) {
        fail(c, in, (int)l,
             "generic address " + std::to_string(g) + " is not in the " +
                 spaceName(sp) + " window (cvta.to." + spaceName(sp) +
                 " of a non-" + spaceName(sp) + " address)");
        return false;
      }
      r = g - w;
      break;
    }
    default:
      if (g && (inWindow(g, kSharedWindow) || inWindow(g, kLocalWindow) ||
                inWindow(g, kParamWindow))) {
        fail(c, in, (int)l,
             "cvta.to.global of a generic shared/local/param address");
        return false;
      }
      break;
    }
    d0[l] = is32 ? (uint32_t)r : r;
    return true;
  });
}

void hCvtaFrom(ExecCtx &c, const Inst &in, uint32_t m) {
  MPT_D(0);
  MPT_A(0);
  const Space sp = in.space;
  const bool is32 = in.sub == 32;
  const uint64_t w = sp == Space::Shared  ? kSharedWindow
                     : sp == Space::Local ? kLocalWindow
                     : sp == Space::Param ? kParamWindow
                                          : 0;
  forLanes(m, [&](uint32_t l) {
    uint64_t a = is32 ? (uint32_t)a0[l] : a0[l];
    d0[l] = w ? a + w : a;
  });
}

void hIsspacep(ExecCtx &c, const Inst &in, uint32_t m) {
  MPT_A(0);
  uint32_t res = 0;
  forLanes(m, [&](uint32_t l) {
    const uint64_t a = a0[l];
    const bool sh = inWindow(a, kSharedWindow), lo = inWindow(a, kLocalWindow),
               pa = inWindow(a, kParamWindow);
    bool t;
    switch (in.space) {
    case Space::Shared:
      t = sh;
      break;
    case Space::Local:
      t = lo;
      break;
    case Space::Param:
      t = pa;
      break;
    default:
      t = !sh && !lo && !pa;
      break;
    }
    res |= (uint32_t)t << l;
  });
  setPred(c.P[in.d[0]], res, m);
}

// cp.async
// ------------------------------------------------------------------------

/// Issues the cp.async of lane `l` (`srcSize` bytes of `src` into the
/// `cpSize` bytes at shared offset `dst`, the rest zero-filled); false (with
/// the error recorded) if it is not allowed.
bool issueCpAsync(ExecCtx &c, const Inst &in, uint32_t l, uint64_t dst,
                  uint64_t src, uint32_t srcSize, uint32_t cpSize) {
  WarpState &w = *c.warp;
  BlockState &b = *c.block;
  if (srcSize > cpSize) {
    fail(c, in, (int)l,
         "cp.async src-size " + std::to_string(srcSize) +
             " is larger than cp-size " + std::to_string(cpSize));
    return false;
  }
  if (dst & (cpSize - 1)) {
    failMisaligned(c, in, (int)l, Space::Shared, dst, cpSize);
    return false;
  }
  if (src & (cpSize - 1)) {
    failMisaligned(c, in, (int)l, Space::Global, src, cpSize);
    return false;
  }
  if (dst >= c.sharedSize || cpSize > c.sharedSize - dst) {
    failAccess(c, in, (int)l, Space::Shared, dst, cpSize, Access::Write,
               nullptr);
    return false;
  }
  for (uint32_t k = 0; k < cpSize; ++k)
    if (b.asyncShadow[dst + k]) {
      fail(c, in, (int)l,
           "cp.async writes shared bytes at " + std::to_string(dst) +
               " that another cp.async still in flight writes (their "
               "order is undefined)");
      return false;
    }
  PendingCopy pc{};
  pc.dst = (uint32_t)dst;
  pc.size = (uint8_t)cpSize;
  pc.lane = (uint8_t)l;
  pc.group = w.nextGroup[l];
  pc.inst = in.index;
  if (srcSize) {
    const uint8_t *s = globalAt(c, in, (int)l, src, srcSize, Access::Read);
    if (!s)
      return false;
    std::memcpy(pc.data, s, srcSize);
  }
  if (!b.race.empty() && !raceCheck(c, in, (int)l, dst, cpSize, Access::Write))
    return false;
  for (uint32_t k = 0; k < cpSize; ++k)
    ++b.asyncShadow[dst + k];
  ++b.asyncInFlight;
  w.pending.push_back(pc);
  return true;
}

void hCpAsync(ExecCtx &c, const Inst &in, uint32_t m) {
  const uint32_t cpSize = in.sub;
  const bool hasSrcSize = in.a[2] != kNoSlot;
  const bool hasIgnore = in.flags & 1;
  const uint32_t ignoreMask =
      hasIgnore ? ((in.flags & 2) ? ~c.P[in.a[3]] : c.P[in.a[3]]) : 0;
  forLanesWhile(m, [&](uint32_t l) {
    // dst: shared state space; src: global state space.
    uint64_t dst = c.R[(size_t)in.a[0] * 32 + l];
    if (in.flags & kAddr32)
      dst = (uint32_t)dst;
    dst += (uint64_t)in.imm;
    const uint64_t src = c.R[(size_t)in.a[1] * 32 + l] + (uint64_t)in.imm2;
    uint32_t srcSize =
        hasSrcSize ? (uint32_t)c.R[(size_t)in.a[2] * 32 + l] : cpSize;
    if ((ignoreMask >> l) & 1)
      srcSize = 0;
    return issueCpAsync(c, in, l, dst, src, srcSize, cpSize);
  });
}

void hCpAsyncCommit(ExecCtx &c, const Inst &in, uint32_t m) {
  WarpState &w = *c.warp;
  forLanes(m, [&](uint32_t l) { ++w.nextGroup[l]; });
}

void hCpAsyncWait(ExecCtx &c, const Inst &in, uint32_t m) {
  WarpState &w = *c.warp;
  const bool all = in.sub == 1;
  const uint32_t n = (uint32_t)in.imm;
  uint32_t upTo[32];
  forLanes(m, [&](uint32_t l) {
    if (all) {
      ++w.nextGroup[l]; // wait_all = commit_group + wait_group 0
      upTo[l] = w.nextGroup[l];
    } else {
      upTo[l] = w.nextGroup[l] > n ? w.nextGroup[l] - n : 0;
    }
  });
  if (!w.pending.empty())
    completeAsyncGroups(c, w, m, upTo);
}

} // namespace

/// Long by design (one branch per instruction of the family, so that each
/// instruction's operand checks sit next to the handler it selects; a new
/// instruction is one more branch).
bool decodeMemory(DecodeCtx &c) {
  const std::string &b = c.pi.base;
  Inst &in = c.in;
  Mods &md = c.mods;
  if (b == "ld" || b == "ldu" || b == "st") {
    const bool st = b == "st";
    for (const char *h : {"nc", "ca", "cg", "L2::cache_hint"})
      md.take(h);
    const Ty ty = c.oneType();
    if (c.failed())
      return true;
    if (md.vec != 1 && md.vec != 2 && md.vec != 4)
      return c.error("unsupported vector width");
    in.vec = (uint8_t)md.vec;
    md.vec = 1;
    if (!c.noMoreMods())
      return true;
    const unsigned n = tyBytes(ty);
    if (n == 0 || n > 8)
      return c.error(std::string("unsupported type .") + tyName(ty));
    in.ty = ty;
    Space sp = md.hasSpace ? md.space : Space::Generic;
    if (b == "ldu" && sp != Space::Global && sp != Space::Generic)
      return c.error("ldu needs .global");
    // Optional trailing cache-policy operand.
    if (c.pi.ops.size() == 3)
      c.pi.ops.pop_back();
    if (!c.need(2))
      return true;
    const Operand &addrOp = c.pi.ops[st ? 0 : 1];
    const Operand &valOp = c.pi.ops[st ? 1 : 0];
    Space symSpace;
    bool is32;
    c.address(addrOp, in.a[0], in.imm, &symSpace, &is32);
    if (sp == Space::Generic && symSpace != Space::Generic &&
        symSpace != Space::Global && symSpace != Space::Const)
      sp = symSpace;
    // Call-site parameters (and an inlined callee's) live in local memory.
    if (sp == Space::Param && symSpace == Space::Local)
      sp = Space::Local;
    if (is32 && sp != Space::Generic && sp != Space::Global &&
        sp != Space::Const)
      in.flags |= kAddr32;
    else if (is32)
      return c.error("32-bit address register in a 64-bit address space");
    in.space = sp;
    const Ty vty = tyIsFloat(ty) && n < 4 ? Ty::B16 : ty;
    // The value operand's slots (an error is left recorded in `c`).
    auto collect = [&](const Operand &op, uint32_t *slots, bool dst) {
      if (in.vec == 1) {
        if (op.kind == Operand::Vec)
          return (void)c.error("vector operand on a scalar access");
        slots[0] = dst ? c.dest(op) : c.value(op, vty);
        return;
      }
      if (op.kind != Operand::Vec || op.elems.size() != in.vec)
        return (void)c.error("expected a vector of " + std::to_string(in.vec) +
                             " registers");
      for (unsigned i = 0; i < in.vec; ++i)
        slots[i] = dst ? c.dest(op.elems[i]) : c.value(op.elems[i], vty);
    };
    if (st) {
      if (sp == Space::Param || sp == Space::Const)
        return c.error(std::string("st.") + spaceName(sp) +
                       " is not supported");
      collect(valOp, in.a + 1, false);
      in.fn = pickStSpace(sp, n);
    } else {
      collect(valOp, in.d, true);
      in.fn = pickLdSpace(sp, n, tyIsSigned(ty));
    }
    return true;
  }
  if (b == "atom" || b == "red") {
    static const std::pair<const char *, AOp> ops[] = {
        {"add", AAdd}, {"min", AMin},   {"max", AMax}, {"inc", AInc},
        {"dec", ADec}, {"and", AAnd},   {"or", AOr},   {"xor", AXor},
        {"cas", ACas}, {"exch", AExch},
    };
    int op = -1;
    for (const auto &o : ops)
      if (md.take(o.first))
        op = o.second;
    if (op < 0)
      return c.error("unknown atomic operation");
    md.take("L2::cache_hint");
    const bool noftz = md.noftz;
    md.noftz = false;
    const Ty ty = c.oneType();
    if (c.failed())
      return true;
    if (md.vec != 1)
      return c.error("vector atomics are not supported");
    if (!c.noMoreMods())
      return true;
    const bool isF = tyIsFloat(ty);
    if (isF && op != AAdd && op != AExch && op != AMin && op != AMax)
      return c.error("floating-point atomics support add, min, max and exch");
    if ((ty == Ty::F16 || ty == Ty::F16x2 || ty == Ty::BF16 ||
         ty == Ty::BF16x2) &&
        op == AAdd && !noftz)
      return c.error("f16/bf16 atom.add needs .noftz");
    if (ty == Ty::F64 && op != AAdd && op != AExch)
      return c.error("f64 atomics support add");
    if ((op == AInc || op == ADec) && ty != Ty::U32)
      return c.error(".inc/.dec need .u32");
    if (op == ACas &&
        !(tyBits(ty) == 32 || tyBits(ty) == 64 || tyBits(ty) == 16))
      return c.error("cas needs a 16-, 32- or 64-bit type");
    in.sub = (uint16_t)op;
    in.ty = ty;
    Space sp = md.hasSpace ? md.space : Space::Generic;
    if (sp != Space::Global && sp != Space::Shared && sp != Space::Generic)
      return c.error("atomics need .global, .shared or generic addressing");
    const bool red = b == "red";
    size_t nops = (red ? 2 : 3) + (op == ACas ? 1 : 0);
    if (c.pi.ops.size() == nops + 1)
      c.pi.ops.pop_back(); // cache-policy
    if (!c.need(nops))
      return true;
    size_t i = 0;
    if (!red)
      in.d[0] = c.dest(i++);
    Space symSpace;
    bool is32;
    c.address(c.pi.ops[i++], in.a[0], in.imm, &symSpace, &is32);
    if (sp == Space::Generic && symSpace == Space::Shared)
      sp = Space::Shared;
    if (is32 && sp == Space::Shared)
      in.flags |= kAddr32;
    else if (is32)
      return c.error("32-bit address register in a 64-bit address space");
    in.space = sp;
    const Ty vty = tyBits(ty) == 16 ? Ty::B16 : ty;
    if (op == ACas) {
      in.a[2] = c.value(i++, vty); // compare
      in.a[1] = c.value(i++, vty); // new value
    } else {
      in.a[1] = c.value(i++, vty);
      in.a[2] = kNoSlot;
    }
    in.fn = hAtom;
    return true;
  }
  if (b == "cvta") {
    const bool to = md.take("to");
    if (!md.hasSpace)
      return c.error("cvta needs a state space");
    const Ty ty = c.oneType();
    if (c.failed())
      return true;
    if (ty != Ty::U32 && ty != Ty::U64)
      return c.error("cvta needs .u32 or .u64");
    if (!c.noMoreMods() || !c.need(2))
      return true;
    in.space = md.space;
    in.sub = (uint16_t)tyBits(ty);
    in.d[0] = c.dest(0);
    in.a[0] = c.value(1, ty);
    in.fn = to ? hCvtaTo : hCvtaFrom;
    return true;
  }
  if (b == "isspacep") {
    if (!md.hasSpace)
      return c.error("isspacep needs a state space");
    if (!c.noMoreMods() || !c.need(2))
      return true;
    in.space = md.space;
    in.d[0] = c.pred(c.pi.ops[0]);
    in.a[0] = c.value(1, Ty::U64);
    in.fn = hIsspacep;
    return true;
  }
  if (b == "cp") {
    if (!md.take("async"))
      return c.error("only cp.async is supported");
    if (md.take("commit_group")) {
      if (!c.noMoreMods() || !c.need(0))
        return true;
      in.fn = hCpAsyncCommit;
      return true;
    }
    if (md.take("wait_group")) {
      if (!c.noMoreMods() || !c.need(1))
        return true;
      if (c.pi.ops[0].kind != Operand::Imm)
        return c.error("cp.async.wait_group needs an immediate");
      in.imm = c.pi.ops[0].ival;
      in.sub = 0;
      in.fn = hCpAsyncWait;
      return true;
    }
    if (md.take("wait_all")) {
      if (!c.noMoreMods() || !c.need(0))
        return true;
      in.sub = 1;
      in.fn = hCpAsyncWait;
      return true;
    }
    if (md.take("bulk") || md.take("mbarrier"))
      return c.error("cp.async.bulk / cp.async.mbarrier are not supported");
    const bool cg = md.take("cg");
    if (!cg && !md.take("ca"))
      return c.error("cp.async needs .ca or .cg");
    if (!(md.hasSpace && md.space == Space::Shared) || !md.take("global"))
      return c.error("cp.async needs .shared.global");
    const bool hint = md.take("L2::cache_hint");
    if (!c.noMoreMods())
      return true;
    auto &ops = c.pi.ops;
    if (hint && !ops.empty())
      ops.pop_back(); // cache-policy
    if (ops.size() < 3 || ops.size() > 4)
      return c.error(
          "cp.async expects [dst], [src], cp-size{, src-size | ignore-src}");
    if (ops[2].kind != Operand::Imm)
      return c.error("cp-size must be an immediate");
    const int64_t size = ops[2].ival;
    if (size != 4 && size != 8 && size != 16)
      return c.error("cp-size must be 4, 8 or 16");
    if (cg && size != 16)
      return c.error("cp.async.cg needs cp-size 16");
    in.sub = (uint16_t)size;
    bool is32;
    Space symSpace;
    c.address(ops[0], in.a[0], in.imm, &symSpace, &is32);
    if (is32)
      in.flags |= kAddr32;
    bool srcIs32;
    c.address(ops[1], in.a[1], in.imm2, nullptr, &srcIs32);
    if (srcIs32)
      return c.error("cp.async source address must be 64-bit");
    in.a[2] = kNoSlot;
    if (ops.size() == 4) {
      if (c.isPredReg(ops[3])) {
        in.flags |= 1;
        if (ops[3].neg)
          in.flags |= 2;
        in.a[3] = c.pred(ops[3]);
      } else {
        in.a[2] = c.value(3, Ty::U32);
      }
    }
    in.fn = hCpAsync;
    return true;
  }
  return false;
}

} // namespace detail
} // namespace ptxemu
} // namespace mpt
