//===- ExecControl.cpp - Control flow, barriers, fences, mov --------------===//

#include "ExecCommon.h"

#include <algorithm>

namespace mpt {
namespace ptxemu {
namespace detail {

void hNop(ExecCtx &, const Inst &, uint32_t) {}

static void hTrap(ExecCtx &c, const Inst &in, uint32_t m) {
  fail(c, in, __builtin_ctz(m), "trap executed (the kernel aborted)");
}
static void hBrkpt(ExecCtx &c, const Inst &in, uint32_t m) {
  fail(c, in, __builtin_ctz(m), "brkpt executed");
}

/// Long by design (one branch per instruction of the family, so that each
/// instruction's operand checks sit next to the handler it selects; a new
/// instruction is one more branch).
bool decodeControl(DecodeCtx &c) {
  const std::string &b = c.pi.base;
  Inst &in = c.in;
  if (b == "bra") {
    c.mods.take("uni");
    if (!c.noMoreMods() || !c.need(1))
      return true;
    if (c.pi.ops[0].kind != Operand::Reg)
      return c.error("branch target must be a label");
    in.ctl = Ctl::Bra;
    return true;
  }
  if (b == "ret" || b == "exit") {
    c.mods.take("uni");
    if (!c.noMoreMods() || !c.need(0))
      return true;
    in.ctl = Ctl::Exit;
    return true;
  }
  if (b == "trap" || b == "brkpt") {
    if (!c.noMoreMods())
      return true;
    in.fn = b == "trap" ? hTrap : hBrkpt;
    return true;
  }
  if (b == "call")
    return c.error("function calls are not supported (inline device functions: "
                   "__forceinline__ / alwaysinline)");
  if (b == "brx")
    return c.error("indirect branches (brx.idx) are not supported");
  if (b == "membar" || b == "fence") {
    // Sequentially consistent by construction: fences have no effect.
    for (const char *m : {"gl", "sys", "sc", "proxy", "async", "alias",
                          "shared::cta", "shared::cluster", "global"})
      c.mods.take(m);
    c.mods.rest.erase(std::remove_if(c.mods.rest.begin(), c.mods.rest.end(),
                                     [](const std::string &s) {
                                       return s.rfind("proxy", 0) == 0 ||
                                              s.rfind("async", 0) == 0;
                                     }),
                      c.mods.rest.end());
    c.mods.hasSpace = false;
    if (!c.noMoreMods())
      return true;
    in.fn = hNop;
    return true;
  }
  if (b == "nanosleep" || b == "pmevent" || b == "prefetch" ||
      b == "prefetchu" || b == "griddepcontrol" || b == "discard" ||
      b == "applypriority") {
    in.fn = hNop;
    return true;
  }
  if (b == "bar" || b == "barrier") {
    // bar.warp.sync membermask
    if (c.mods.take("warp")) {
      c.mods.take("sync");
      if (!c.noMoreMods() || !c.need(1))
        return true;
      in.ctl = Ctl::Collective;
      in.coll = Coll::MemberMask;
      in.mmask = c.value(0, Ty::U32);
      in.fn = hNop;
      return true;
    }
    bool aligned = b == "bar" || c.mods.take("aligned");
    if (b == "bar")
      c.mods.take("aligned");
    in.ctl = Ctl::Barrier;
    in.flags = aligned ? 1 : 0;
    in.a[1] = kNoSlot;
    if (c.mods.take("sync")) {
      in.sub = 0;
      if (c.pi.ops.size() < 1 || c.pi.ops.size() > 2)
        return c.error("expected barrier number and optional thread count");
      in.a[0] = c.value(0, Ty::U32);
      if (c.pi.ops.size() == 2)
        in.a[1] = c.value(1, Ty::U32);
    } else if (c.mods.take("arrive")) {
      in.sub = 1;
      if (!c.need(2))
        return true;
      in.a[0] = c.value(0, Ty::U32);
      in.a[1] = c.value(1, Ty::U32);
    } else if (c.mods.take("red")) {
      uint16_t op = c.mods.take("popc")  ? 1
                    : c.mods.take("and") ? 2
                    : c.mods.take("or")  ? 3
                                         : 0;
      if (!op)
        return c.error("bar.red needs .popc, .and or .or");
      in.sub = (uint16_t)(2 | (op << 2));
      if (c.pi.ops.size() != 3 && c.pi.ops.size() != 4)
        return c.error("bar.red expects d, a{, b}, {!}c");
      if (op == 1) {
        if (c.oneType() != Ty::U32)
          return c.error("bar.red.popc needs .u32");
        in.d[0] = c.dest(0);
      } else {
        if (c.oneType() != Ty::Pred)
          return c.error("bar.red.and/or needs .pred");
        in.d[0] = c.pred(c.pi.ops[0]);
      }
      in.a[0] = c.value(1, Ty::U32);
      if (c.pi.ops.size() == 4)
        in.a[1] = c.value(2, Ty::U32);
      const Operand &p = c.pi.ops.back();
      in.a[2] = c.pred(p);
      if (p.neg)
        in.flags |= 2;
      c.mods.types.clear();
    } else {
      return c.error("unknown barrier form");
    }
    (void)c.noMoreMods();
    return true;
  }
  return false;
}

//===----------------------------------------------------------------------===//
// mov
//===----------------------------------------------------------------------===//

static void hMov(ExecCtx &c, const Inst &in, uint32_t m) {
  MPT_D(0);
  MPT_A(0);
  forLanes(m, [&](uint32_t l) { d0[l] = a0[l]; });
}
static void hMovPred(ExecCtx &c, const Inst &in, uint32_t m) {
  setPred(c.P[in.d[0]], c.P[in.a[0]], m);
}
static void hMovPredImm(ExecCtx &c, const Inst &in, uint32_t m) {
  setPred(c.P[in.d[0]], in.imm ? 0xffffffffu : 0u, m);
}
/// Packs `vec` parts of `sub` bits each (a[0] lowest).
static void hPack(ExecCtx &c, const Inst &in, uint32_t m) {
  MPT_D(0);
  const unsigned bits = in.sub;
  const uint64_t mask = bits == 64 ? ~0ull : (1ull << bits) - 1;
  forLanes(m, [&](uint32_t l) {
    uint64_t v = 0;
    for (unsigned i = 0; i < in.vec; ++i)
      v |= (c.R[(size_t)in.a[i] * 32 + l] & mask) << (bits * i);
    d0[l] = v;
  });
}
static void hUnpack(ExecCtx &c, const Inst &in, uint32_t m) {
  MPT_A(0);
  const unsigned bits = in.sub;
  const uint64_t mask = bits == 64 ? ~0ull : (1ull << bits) - 1;
  forLanes(m, [&](uint32_t l) {
    const uint64_t v = a0[l];
    for (unsigned i = 0; i < in.vec; ++i)
      c.R[(size_t)in.d[i] * 32 + l] = (v >> (bits * i)) & mask;
  });
}
static void hClock(ExecCtx &c, const Inst &in, uint32_t m) {
  MPT_D(0);
  // A monotonic count: warp instructions issued so far in this launch.
  const uint64_t v = in.sub == 0   ? (uint32_t)c.warpInsts
                     : in.sub == 2 ? c.warpInsts * 1000 // %globaltimer "ns"
                                   : c.warpInsts;
  forLanes(m, [&](uint32_t l) { d0[l] = v; });
}

bool decodeMove(DecodeCtx &c) {
  if (c.pi.base != "mov")
    return false;
  Inst &in = c.in;
  if (!c.noMoreMods())
    return true;
  const Ty ty = c.oneType();
  if (c.failed() || !c.need(2))
    return true;
  const Operand &d = c.pi.ops[0];
  const Operand &a = c.pi.ops[1];
  if (ty == Ty::Pred) {
    in.d[0] = c.pred(d);
    if (a.kind == Operand::Imm) {
      in.imm = a.ival != 0;
      in.fn = hMovPredImm;
    } else {
      in.a[0] = c.pred(a);
      in.fn = hMovPred;
    }
    return true;
  }
  const unsigned bits = tyBits(ty);
  if (d.kind == Operand::Vec) {
    const size_t n = d.elems.size();
    if (n < 2 || n > 4 || bits % n)
      return c.error("bad vector unpack");
    in.vec = (uint8_t)n;
    in.sub = (uint16_t)(bits / n);
    for (size_t i = 0; i < n; ++i)
      in.d[i] = c.dest(d.elems[i]);
    in.a[0] = c.value(a, ty);
    in.fn = hUnpack;
    return true;
  }
  if (a.kind == Operand::Vec) {
    const size_t n = a.elems.size();
    if (n < 2 || n > 4 || bits % n)
      return c.error("bad vector pack");
    in.vec = (uint8_t)n;
    in.sub = (uint16_t)(bits / n);
    for (size_t i = 0; i < n; ++i)
      in.a[i] = c.value(a.elems[i], Ty::B64);
    in.d[0] = c.dest(d);
    in.fn = hPack;
    return true;
  }
  in.d[0] = c.dest(d);
  if (a.kind == Operand::Reg &&
      (a.name == "%clock" || a.name == "%clock64" || a.name == "%globaltimer" ||
       a.name == "%globaltimer_lo" || a.name == "%globaltimer_hi") &&
      !c.isPredReg(a)) {
    in.sub = a.name == "%clock" ? 0 : a.name == "%clock64" ? 1 : 2;
    in.fn = hClock;
    return true;
  }
  in.a[0] = c.value(a, ty);
  in.fn = hMov;
  return true;
}

} // namespace detail
} // namespace ptxemu
} // namespace mpt
