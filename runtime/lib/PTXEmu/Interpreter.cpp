//===- Interpreter.cpp - Grid, CTA and warp scheduling --------------------===//
//
// Execution model (see docs/emulator.md):
//  - CTAs run one after another.
//  - Inside a CTA, each warp runs until all its lanes are blocked (at a
//    barrier or a warp-collective waiting for lanes) or exited; then the
//    next warp runs. Barrier completion releases the waiting lanes.
//  - A warp is a set of lane groups, each with its own pc. The group with the
//    smallest pc runs; a divergent branch splits a group; groups that reach
//    the same pc merge. Compilers lay out reconvergence points after the
//    divergent region, so smallest-pc-first reconverges where the hardware
//    does; and since every lane follows its own path, the result never
//    depends on it (except for warp-collective instructions, which wait for
//    their lanes and report a deadlock if they cannot all arrive).
//
//===----------------------------------------------------------------------===//

#include "Runtime.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <sstream>

namespace mpt {
namespace ptxemu {
namespace detail {

//===----------------------------------------------------------------------===//
// Error messages
//===----------------------------------------------------------------------===//

static std::string dim(Dim3 d) {
  return "(" + std::to_string(d.x) + "," + std::to_string(d.y) + "," +
         std::to_string(d.z) + ")";
}

static Dim3 threadCoords(const LaunchState &L, uint32_t linear) {
  Dim3 t;
  t.x = linear % L.block.x;
  t.y = (linear / L.block.x) % L.block.y;
  t.z = linear / (L.block.x * L.block.y);
  return t;
}

std::string threadName(ExecCtx &c, int lane) {
  std::string s = "block " + dim(c.block->ctaid);
  if (lane >= 0) {
    uint32_t linear = c.warp->threadBase + (uint32_t)lane;
    s += " thread " + dim(threadCoords(*c.launch, linear)) + " (warp " +
         std::to_string(c.warp->index) + " lane " + std::to_string(lane) + ")";
  } else if (c.warp) {
    s += " warp " + std::to_string(c.warp->index);
  }
  return s;
}

static std::string instText(const Function &f, uint32_t index) {
  return index < f.text.size() ? f.text[index] : "?";
}

void fail(ExecCtx &c, const Inst &in, int lane, const std::string &msg) {
  if (c.trapped)
    return;
  trap(c, "kernel '" + c.fn->name + "' line " + std::to_string(in.line) +
              ": `" + instText(*c.fn, in.index) + "`: " + msg + "\n  in " +
              threadName(c, lane));
}

void trap(ExecCtx &c, std::string msg) {
  if (c.trapped)
    return;
  c.trapped = true;
  c.trap = std::move(msg);
}

static const char *accName(Access a) {
  return a == Access::Read ? "read" : a == Access::Write ? "write" : "atomic";
}

static std::string hex(uint64_t v) {
  char b[32];
  std::snprintf(b, sizeof b, "0x%llx", (unsigned long long)v);
  return b;
}

void failAccess(ExecCtx &c, const Inst &in, int lane, Space space,
                uint64_t addr, uint64_t size, Access acc, const char *why) {
  if (c.trapped)
    return;
  std::string msg = std::string(why ? why : "out-of-bounds") + " " +
                    spaceName(space) + " " + accName(acc) + " of " +
                    std::to_string(size) + " bytes at " + hex(addr);
  if (!why) {
    switch (space) {
    case Space::Global:
    case Space::Const:
      msg += ": " + c.dev->describe(addr, size);
      break;
    case Space::Shared:
      msg += " (the CTA has " + std::to_string(c.sharedSize) +
             " bytes of shared memory)";
      break;
    case Space::Local:
      msg += " (each thread has " + std::to_string(c.localSize) +
             " bytes of local memory)";
      break;
    case Space::Param:
      msg += " (the kernel has " + std::to_string(c.paramSize) +
             " bytes of parameters)";
      break;
    default:
      break;
    }
  }
  fail(c, in, lane, msg);
}

void failMisaligned(ExecCtx &c, const Inst &in, int lane, Space space,
                    uint64_t addr, uint64_t align) {
  fail(c, in, lane,
       std::string("misaligned ") + spaceName(space) + " address " + hex(addr) +
           " (this access needs " + std::to_string(align) + "-byte alignment)");
}

void failAsyncPending(ExecCtx &c, const Inst &in, int lane, uint64_t off,
                      uint64_t size, Access acc) {
  if (c.trapped)
    return;
  // Find the in-flight copy for the message.
  std::string who;
  for (const WarpState &w : c.block->warps)
    for (const PendingCopy &p : w.pending)
      if (p.dst < off + size && off < p.dst + p.size) {
        Dim3 t = threadCoords(*c.launch, w.threadBase + p.lane);
        who = " by thread " + dim(t) + " at line " +
              std::to_string(c.fn->code[p.inst].line) + " (`" +
              instText(*c.fn, p.inst) + "`)";
        break;
      }
  fail(c, in, lane,
       std::string("shared ") + accName(acc) + " of " + std::to_string(size) +
           " bytes at " + hex(off) + " overlaps a cp.async still in flight" +
           who +
           "; a cp.async.wait_group/wait_all (and a barrier when another "
           "thread issued it) must come first");
}

bool raceCheck(ExecCtx &c, const Inst &in, int lane, uint64_t off,
               uint64_t size, Access acc) {
  BlockState &b = *c.block;
  const uint32_t me = c.warp->index;
  const uint32_t tag = (b.epoch << 6) | me;
  RaceShadow *s = b.race.data() + off;
  for (uint64_t i = 0; i < size; ++i) {
    RaceShadow &x = s[i];
    const bool wSame = (x.w >> 6) == b.epoch;
    if (wSame && (x.w & 63) != me) {
      fail(c, in, lane,
           std::string("data race on shared memory at ") + hex(off + i) + ": " +
               (acc == Access::Read ? "read" : "write") + " by warp " +
               std::to_string(me) + " of a byte written by warp " +
               std::to_string(x.w & 63) + " with no barrier in between");
      return false;
    }
    const bool rSame = (x.r >> 6) == b.epoch;
    if (acc == Access::Read) {
      if (!rSame)
        x.r = tag;
      else if ((x.r & 63) != me)
        x.r = (b.epoch << 6) | 63;
    } else {
      if (rSame && (x.r & 63) != me) {
        fail(c, in, lane,
             std::string("data race on shared memory at ") + hex(off + i) +
                 ": write by warp " + std::to_string(me) +
                 " of a byte read by " +
                 ((x.r & 63) == 63 ? std::string("several warps")
                                   : "warp " + std::to_string(x.r & 63)) +
                 " with no barrier in between");
        return false;
      }
      x.w = tag;
    }
  }
  return true;
}

//===----------------------------------------------------------------------===//
// cp.async completion
//===----------------------------------------------------------------------===//

void completeAsyncGroups(ExecCtx &c, WarpState &w, uint32_t mask,
                         const uint32_t *upTo) {
  BlockState &b = *c.block;
  auto &v = w.pending;
  size_t out = 0;
  for (size_t i = 0; i < v.size(); ++i) {
    PendingCopy &p = v[i];
    if (((mask >> p.lane) & 1) && p.group < upTo[p.lane]) {
      std::memcpy(c.shared + p.dst, p.data, p.size);
      for (uint32_t k = 0; k < p.size; ++k)
        --b.asyncShadow[p.dst + k];
      --b.asyncInFlight;
      if (!b.race.empty()) {
        const uint32_t tag = (b.epoch << 6) | w.index;
        for (uint32_t k = 0; k < p.size; ++k)
          b.race[p.dst + k].w = tag;
      }
      continue;
    }
    if (out != i)
      v[out] = v[i];
    ++out;
  }
  v.resize(out);
}

//===----------------------------------------------------------------------===//
// Scheduling
//===----------------------------------------------------------------------===//

namespace {

class Scheduler {
public:
  Scheduler(ExecCtx &c, LaunchState &L, BlockState &B)
      : c(c), L(L), B(B), f(*L.fn), code(L.fn->code.data()) {}

  void runBlock();

private:
  ExecCtx &c;
  LaunchState &L;
  BlockState &B;
  const Function &f;
  const Inst *code;
  uint32_t epochCounter = 0;

  void bind(WarpState &w) {
    c.warp = &w;
    c.R = w.R.data();
    c.P = w.P.data();
    c.local = w.local.data();
  }
  static bool hasReady(const WarpState &w) {
    for (const Group &g : w.groups)
      if (g.state == Group::Ready)
        return true;
    return false;
  }
  void runWarp(WarpState &w);
  void runGroup(WarpState &w, size_t gi);
  void merge(WarpState &w);
  bool uniformValue(const Inst &in, uint32_t slotIdx, uint32_t mask,
                    const char *what, uint32_t &val);
  void arrive(WarpState &w, size_t gi, const Inst &in, uint32_t m);
  void tryComplete(uint32_t id);
  void checkAllBarriers() {
    for (uint32_t id = 0; id < 16 && !c.trapped; ++id)
      if (B.bars[id].active)
        tryComplete(id);
  }
  void deadlock();
  /// False (with the error recorded) once the instruction limit is passed.
  bool withinLimit(const Inst &in) {
    if (!L.limit || c.warpInsts <= L.limit)
      return true;
    fail(c, in, -1,
         "instruction limit of " + std::to_string(L.limit) +
             " warp instructions reached (an endless loop, or raise the "
             "limit)");
    return false;
  }
};

void Scheduler::merge(WarpState &w) {
  auto &gs = w.groups;
  if (gs.size() < 2)
    return;
  for (size_t i = 0; i < gs.size(); ++i) {
    for (size_t j = i + 1; j < gs.size();) {
      Group &a = gs[i], &b = gs[j];
      bool can = false;
      if (a.pc == b.pc) {
        if (a.state == Group::AtBarrier || b.state == Group::AtBarrier)
          can = a.state == b.state && a.bar == b.bar;
        else
          can = true; // Ready/AtCollective: re-evaluate together
      }
      if (can) {
        a.mask |= b.mask;
        if (a.state != Group::AtBarrier)
          a.state = Group::Ready;
        gs.erase(gs.begin() + (ptrdiff_t)j);
      } else {
        ++j;
      }
    }
  }
}

void Scheduler::runWarp(WarpState &w) {
  bind(w);
  for (;;) {
    merge(w);
    size_t best = SIZE_MAX;
    for (size_t i = 0; i < w.groups.size(); ++i)
      if (w.groups[i].state == Group::Ready &&
          (best == SIZE_MAX || w.groups[i].pc < w.groups[best].pc))
        best = i;
    if (best == SIZE_MAX) {
      bool atBarrier = false;
      for (const Group &g : w.groups)
        atBarrier |= g.state == Group::AtBarrier;
      if (!atBarrier && !w.groups.empty()) {
        // Only lanes of this warp could release these groups.
        const Group &g = w.groups.front();
        std::string others;
        for (size_t i = 1; i < w.groups.size(); ++i)
          others += " lanes " + hex(w.groups[i].mask) + " wait at line " +
                    std::to_string(code[w.groups[i].pc].line) + ";";
        fail(c, code[g.pc], __builtin_ctz(g.mask),
             "warp-collective instruction cannot complete: lanes " +
                 hex(g.mask) +
                 " wait here for lanes that are at another instruction:" +
                 others +
                 " (divergent warp-collective operations are not "
                 "supported)");
      }
      return;
    }
    runGroup(w, best);
    if (c.trapped)
      return;
  }
}

/// The value of slot `s`, the same in every lane of `mask`, in `val`; false
/// (with the error recorded) if it differs.
bool Scheduler::uniformValue(const Inst &in, uint32_t s, uint32_t mask,
                             const char *what, uint32_t &val) {
  const uint64_t *v = c.R + (size_t)s * 32;
  uint32_t first = __builtin_ctz(mask);
  val = (uint32_t)v[first];
  return forLanesWhile(mask, [&](uint32_t l) {
    if ((uint32_t)v[l] == val)
      return true;
    fail(c, in, (int)l,
         std::string(what) + " differs between the threads of the warp (" +
             std::to_string((uint32_t)v[l]) + " vs " + std::to_string(val) +
             ")");
    return false;
  });
}

/// Runs group `gi` of warp `w` until it branches apart, waits (barrier,
/// collective), exits or reaches another group's pc. Long by design: the
/// interpreter's inner loop, whose instruction counters stay in locals
/// across straight-line code and are shared by the control cases; moving
/// the cases out would pass them through memory on every instruction.
void Scheduler::runGroup(WarpState &w, size_t gi) {
  uint32_t pc = w.groups[gi].pc;
  uint32_t mask = w.groups[gi].mask;
  // Straight-line code stops where another group waits (the smallest pc
  // above ours): that is where the two reconverge.
  uint32_t stopPc = UINT32_MAX;
  for (size_t i = 0; i < w.groups.size(); ++i)
    if (i != gi && w.groups[i].state != Group::AtBarrier &&
        w.groups[i].pc > pc && w.groups[i].pc < stopPc)
      stopPc = w.groups[i].pc;
  uint64_t warpInsts = c.warpInsts, threadInsts = c.threadInsts;
  const uint32_t *P = c.P;
  auto save = [&]() {
    c.warpInsts = warpInsts;
    c.threadInsts = threadInsts;
  };
  // A collective that waits for lanes is counted when it executes.
  auto uncount = [&](uint32_t m) {
    --c.warpInsts;
    c.threadInsts -= (uint32_t)__builtin_popcount(m);
  };
  for (;;) {
    const Inst &in = code[pc];
    uint32_t m = mask;
    if (in.guard >= 0) {
      uint32_t p = P[in.guard];
      m &= in.guardNeg ? ~p : p;
    }
    if (in.ctl == Ctl::None) {
      ++warpInsts;
      threadInsts += (uint32_t)__builtin_popcount(m);
      if (m) {
        c.warpInsts = warpInsts; // %clock
        in.fn(c, in, m);
        // The one check per executed instruction: an error stops the warp
        // (and the launch) before the next one.
        if (c.trapped)
          return;
      }
      if (++pc == stopPc) {
        save();
        w.groups[gi].pc = pc;
        return;
      }
      continue;
    }
    ++warpInsts;
    threadInsts += (uint32_t)__builtin_popcount(m);
    save();
    switch (in.ctl) {
    case Ctl::Bra: {
      if (!withinLimit(in))
        return;
      const uint32_t notTaken = mask & ~m;
      if (m && notTaken) {
        w.groups[gi].pc = in.target;
        w.groups[gi].mask = m;
        w.groups.push_back(Group{pc + 1, notTaken, Group::Ready, 0});
        return;
      }
      pc = m ? in.target : pc + 1;
      if (w.groups.size() > 1) {
        w.groups[gi].pc = pc;
        return;
      }
      continue;
    }
    case Ctl::Exit: {
      if (m) {
        forLanes(m, [&](uint32_t l) { w.exitLine[l] = in.line; });
        w.liveMask &= ~m;
        B.exited += (uint32_t)__builtin_popcount(m);
        mask &= ~m;
        if (mask == 0)
          w.groups.erase(w.groups.begin() + (ptrdiff_t)gi);
        else {
          w.groups[gi].mask = mask;
          w.groups[gi].pc = pc + 1;
        }
        // Collectives waiting for these lanes no longer wait for them.
        for (Group &g : w.groups)
          if (g.state == Group::AtCollective)
            g.state = Group::Ready;
        checkAllBarriers();
        return;
      }
      ++pc;
      continue;
    }
    case Ctl::Barrier: {
      if (!m) {
        ++pc;
        continue;
      }
      w.groups[gi].pc = pc;
      arrive(w, gi, in, m);
      return;
    }
    case Ctl::Collective: {
      if (!m) {
        ++pc;
        continue;
      }
      if (in.coll == Coll::AllLanes) {
        if (w.existMask != 0xffffffffu)
          return fail(c, in, __builtin_ctz(m),
                      "warp-collective instruction in a partial warp (the "
                      "block size is not a multiple of 32)");
        if (w.liveMask != 0xffffffffu)
          return fail(c, in, __builtin_ctz(m),
                      "warp-collective instruction executed after lanes " +
                          hex(~w.liveMask) + " of the warp exited");
        if (m != mask)
          return fail(c, in, __builtin_ctz(mask & ~m),
                      "warp-collective instruction whose guard predicate is "
                      "false for some lanes (lanes " +
                          hex(mask & ~m) + ")");
        if (mask != w.liveMask) {
          uncount(m);
          w.groups[gi].pc = pc;
          w.groups[gi].state = Group::AtCollective;
          return;
        }
      } else if (in.coll == Coll::MemberMask) {
        const uint64_t *mm = c.R + (size_t)in.mmask * 32;
        uint32_t req = 0;
        if (!forLanesWhile(m, [&](uint32_t l) {
              uint32_t v = (uint32_t)mm[l];
              req |= v;
              if ((v >> l) & 1)
                return true;
              fail(c, in, (int)l,
                   "the executing thread is not in the membermask " + hex(v));
              return false;
            }))
          return;
        req &= w.liveMask;
        const uint32_t missing = req & ~m;
        if (missing) {
          if (missing & mask)
            return fail(c, in, __builtin_ctz(missing & mask),
                        "lanes " + hex(missing & mask) +
                            " of the membermask do not execute this "
                            "instruction (guard predicate false)");
          uncount(m);
          w.groups[gi].pc = pc;
          w.groups[gi].mask = mask;
          w.groups[gi].state = Group::AtCollective;
          return;
        }
      }
      c.warpInsts = warpInsts;
      in.fn(c, in, m);
      if (c.trapped)
        return;
      ++pc;
      continue;
    }
    case Ctl::Unsupported: {
      if (m) {
        auto it = f.notes.find(in.index);
        return fail(c, in, __builtin_ctz(m),
                    "not supported by the emulator: " +
                        (it != f.notes.end() ? it->second : std::string("?")));
      }
      ++pc;
      continue;
    }
    case Ctl::None:
      break;
    }
  }
}

void Scheduler::arrive(WarpState &w, size_t gi, const Inst &in, uint32_t m) {
  Group &g = w.groups[gi];
  if (m != g.mask) {
    // Lanes whose guard is false step over the barrier.
    Group rest{g.pc + 1, g.mask & ~m, Group::Ready, 0};
    g.mask = m;
    w.groups.push_back(rest);
  }
  Group &gg = w.groups[gi];
  uint32_t id;
  if (!uniformValue(in, in.a[0], m, "barrier number", id))
    return;
  if (id > 15)
    return fail(c, in, __builtin_ctz(m),
                "barrier number " + std::to_string(id) +
                    " is out of range 0..15");
  uint32_t count = 0;
  if (in.a[1] != kNoSlot) {
    if (!uniformValue(in, in.a[1], m, "barrier thread count", count))
      return;
    if (count == 0 || count % 32)
      return fail(c, in, __builtin_ctz(m),
                  "barrier thread count " + std::to_string(count) +
                      " is not a positive multiple of 32");
  }
  BarrierState &bs = B.bars[id];
  const uint8_t kind = (uint8_t)(in.sub & 3); // 0 sync, 1 arrive, 2 red
  const uint8_t redOp = (uint8_t)(in.sub >> 2);
  if (!bs.active) {
    bs.active = true;
    bs.count = count;
    bs.line = in.line;
    bs.redOp = kind == 2 ? redOp : 0;
    bs.redPopc = 0;
    bs.redAll = true;
    bs.redAny = false;
    bs.aligned = in.flags & 1;
    std::memset(bs.arrived, 0, sizeof bs.arrived);
  } else if (bs.count != count) {
    return fail(c, in, __builtin_ctz(m),
                "barrier " + std::to_string(id) +
                    " is used with thread count " + std::to_string(count) +
                    " while it is already in use with " +
                    std::to_string(bs.count) + " (from line " +
                    std::to_string(bs.line) + ")");
  }
  if (bs.arrived[w.index] & m)
    return fail(c, in, __builtin_ctz(bs.arrived[w.index] & m),
                "thread arrives at barrier " + std::to_string(id) +
                    " twice before it completes (barrier.arrive followed by "
                    "another barrier operation)");
  bs.arrived[w.index] |= m;
  if (kind == 2) {
    const uint32_t p = c.P[in.a[2]];
    const uint32_t t = (in.flags & 2) ? ~p & m : p & m;
    bs.redPopc += (uint32_t)__builtin_popcount(t);
    bs.redAll &= t == m;
    bs.redAny |= t != 0;
  }
  if (kind == 1) {
    gg.pc += 1; // arrive: continue without waiting
  } else {
    gg.state = Group::AtBarrier;
    gg.bar = (uint8_t)id;
  }
  tryComplete(id);
}

void Scheduler::tryComplete(uint32_t id) {
  BarrierState &bs = B.bars[id];
  if (!bs.active)
    return;
  if (bs.count == 0) {
    for (const WarpState &w : B.warps)
      if (w.liveMask && (bs.arrived[w.index] & w.liveMask) != w.liveMask)
        return;
  } else {
    uint32_t warps = 0;
    for (const WarpState &w : B.warps)
      if (bs.arrived[w.index] &&
          (bs.arrived[w.index] & w.liveMask) == w.liveMask)
        ++warps;
    if (warps * 32 < bs.count)
      return;
  }
  // Complete.
  if (bs.count == 0 && bs.aligned && L.opts.strictAlignedBarriers && B.exited) {
    for (WarpState &w : B.warps) {
      uint32_t gone = w.existMask & ~w.liveMask;
      if (!gone)
        continue;
      uint32_t lane = __builtin_ctz(gone);
      uint32_t barPc = 0;
      for (const WarpState &ww : B.warps)
        for (const Group &g : ww.groups)
          if (g.state == Group::AtBarrier && g.bar == id)
            barPc = g.pc;
      const Inst &bar = code[barPc];
      WarpState *saved = c.warp;
      c.warp = &w;
      std::string who = threadName(c, (int)lane);
      c.warp = saved;
      return trap(
          c, "kernel '" + f.name + "' line " + std::to_string(bar.line) +
                 ": `" + instText(f, bar.index) +
                 "`: exit divergence: this aligned barrier (bar.sync / "
                 "barrier.sync.aligned without a thread count) requires every "
                 "thread of the CTA, but " +
                 std::to_string(B.exited) +
                 " thread(s) exited before it, e.g. " + who + " at line " +
                 std::to_string(w.exitLine[lane]) + "\n  in block " +
                 dim(B.ctaid));
    }
  }
  for (WarpState &w : B.warps) {
    for (Group &g : w.groups) {
      if (g.state != Group::AtBarrier || g.bar != id)
        continue;
      const Inst &in = code[g.pc];
      if (bs.redOp) {
        if (bs.redOp == 1) {
          uint64_t *d = w.R.data() + (size_t)in.d[0] * 32;
          forLanes(g.mask, [&](uint32_t l) { d[l] = bs.redPopc; });
        } else {
          bool v = bs.redOp == 2 ? bs.redAll : bs.redAny;
          uint32_t &p = w.P[in.d[0]];
          p = v ? (p | g.mask) : (p & ~g.mask);
        }
      }
      g.state = Group::Ready;
      g.pc += 1;
    }
  }
  bs.active = false;
  std::memset(bs.arrived, 0, sizeof bs.arrived);
  // A barrier orders everything before it: a new race-detection epoch.
  B.epoch = ++L.epochBase;
  if (L.epochBase >= (1u << 25)) {
    std::fill(B.race.begin(), B.race.end(), RaceShadow{});
    L.epochBase = 1;
    B.epoch = 1;
  }
}

void Scheduler::deadlock() {
  std::ostringstream os;
  os << "kernel '" << f.name << "': deadlock in block " << dim(B.ctaid)
     << ": no thread can make progress";
  int shown = 0;
  for (uint32_t id = 0; id < 16; ++id) {
    const BarrierState &bs = B.bars[id];
    if (!bs.active)
      continue;
    uint32_t arrivedThreads = 0;
    for (const WarpState &w : B.warps)
      arrivedThreads += (uint32_t)__builtin_popcount(bs.arrived[w.index]);
    os << "\n  barrier " << id << " (first reached at line " << bs.line
       << "): " << arrivedThreads << " thread(s) arrived, waiting for "
       << (bs.count ? std::to_string(bs.count) + " threads"
                    : std::string("all non-exited threads of the CTA"));
  }
  for (WarpState &w : B.warps) {
    for (const Group &g : w.groups) {
      if (shown++ >= 8)
        break;
      bind(w);
      os << "\n  " << threadName(c, __builtin_ctz(g.mask)) << " (lanes "
         << hex(g.mask) << ") "
         << (g.state == Group::AtBarrier ? "waits at barrier"
             : g.state == Group::AtCollective
                 ? "waits for lanes at warp-collective"
                 : "is at")
         << " line " << code[g.pc].line << ": `" << instText(f, g.pc) << "`";
    }
  }
  if (B.exited)
    os << "\n  " << B.exited << " thread(s) of the CTA have exited";
  trap(c, os.str());
}

void Scheduler::runBlock() {
  for (;;) {
    bool progress = false, allDone = true;
    for (WarpState &w : B.warps) {
      if (w.done())
        continue;
      allDone = false;
      if (hasReady(w)) {
        runWarp(w);
        if (c.trapped)
          return;
        progress = true;
      }
    }
    if (allDone)
      return;
    if (!progress)
      return deadlock();
  }
}

} // namespace

//===----------------------------------------------------------------------===//
// Launch
//===----------------------------------------------------------------------===//

static uint64_t specialValue(Special s, const LaunchState &L,
                             const BlockState &B, const WarpState &w,
                             uint32_t lane) {
  const uint32_t linear = w.threadBase + lane;
  Dim3 t = threadCoords(L, linear);
  switch (s) {
  case Special::TidX:
    return t.x;
  case Special::TidY:
    return t.y;
  case Special::TidZ:
    return t.z;
  case Special::NtidX:
    return L.block.x;
  case Special::NtidY:
    return L.block.y;
  case Special::NtidZ:
    return L.block.z;
  case Special::CtaidX:
    return B.ctaid.x;
  case Special::CtaidY:
    return B.ctaid.y;
  case Special::CtaidZ:
    return B.ctaid.z;
  case Special::NctaidX:
    return L.grid.x;
  case Special::NctaidY:
    return L.grid.y;
  case Special::NctaidZ:
    return L.grid.z;
  case Special::LaneId:
    return lane;
  case Special::WarpId:
    return w.index;
  case Special::NWarpId:
    return B.warps.size();
  case Special::SmId:
    return 0;
  case Special::NSmId:
    return 1;
  case Special::GridId:
    return 1;
  case Special::LanemaskEq:
    return 1u << lane;
  case Special::LanemaskLe:
    return (uint32_t)((2ull << lane) - 1);
  case Special::LanemaskLt:
    return (1u << lane) - 1;
  case Special::LanemaskGe:
    return ~((1u << lane) - 1);
  case Special::LanemaskGt:
    return (uint32_t) ~((2ull << lane) - 1);
  case Special::DynamicSmemSize:
    return L.dynShared;
  case Special::TotalSmemSize:
    return L.sharedBytes;
  case Special::ClusterCtaRank:
    return 0;
  case Special::Zero:
    return 0;
  }
  return 0;
}

/// The block state every block of the launch reuses: warps with their
/// registers, predicates and local memory, shared memory and its shadows.
static void setUpBlock(BlockState &B, const Function &fn, const LaunchState &L,
                       Dim3 block, const LaunchOptions &opts) {
  const uint32_t nthreads = block.x * block.y * block.z;
  const uint32_t nwarps = (nthreads + 31) / 32;
  B.nthreads = nthreads;
  B.warps.resize(nwarps);
  B.shared.resize(L.sharedBytes);
  B.asyncShadow.assign(L.sharedBytes, 0);
  B.checkAsync = opts.checkAsyncCopies;
  if (opts.checkSharedRaces && L.sharedBytes)
    B.race.assign(L.sharedBytes, RaceShadow{});
  for (uint32_t wi = 0; wi < nwarps; ++wi) {
    WarpState &w = B.warps[wi];
    w.index = wi;
    w.threadBase = wi * 32;
    const uint32_t n = std::min<uint32_t>(32, nthreads - wi * 32);
    w.existMask = n == 32 ? 0xffffffffu : (1u << n) - 1;
    w.R.assign((size_t)fn.numValueSlots * 32, 0);
    w.P.assign(std::max<uint32_t>(fn.numPreds, 1), 0);
    w.local.assign((size_t)fn.localBytes * 32, opts.uninitializedFill);
  }
}

/// Resets the block state for block `ctaid`: barriers, shared and local
/// memory, registers (with their initial values and special registers).
static void startBlock(BlockState &B, LaunchState &L, const Function &fn,
                       Dim3 ctaid) {
  const LaunchOptions &opts = L.opts;
  B.ctaid = ctaid;
  B.exited = 0;
  B.epoch = ++L.epochBase;
  for (BarrierState &bs : B.bars)
    bs = BarrierState{};
  std::fill(B.shared.begin(), B.shared.end(), opts.uninitializedFill);
  if (B.asyncInFlight)
    std::fill(B.asyncShadow.begin(), B.asyncShadow.end(), 0);
  B.asyncInFlight = 0;
  for (WarpState &w : B.warps) {
    w.liveMask = w.existMask;
    w.groups.assign(1, Group{0, w.existMask, Group::Ready, 0});
    std::fill(w.R.begin(), w.R.end(), 0);
    std::fill(w.P.begin(), w.P.end(), 0);
    if (!w.local.empty())
      std::fill(w.local.begin(), w.local.end(), opts.uninitializedFill);
    w.pending.clear();
    std::memset(w.nextGroup, 0, sizeof w.nextGroup);
    for (const auto &si : L.slotInit)
      std::fill_n(w.R.begin() + (size_t)si.first * 32, 32, si.second);
    for (const auto &sp : fn.specialSlots)
      for (uint32_t l = 0; l < 32; ++l)
        w.R[(size_t)sp.first * 32 + l] = specialValue(sp.second, L, B, w, l);
  }
}

LaunchResult runLaunch(DeviceImpl &dev, const ModuleImpl &m, const Function &fn,
                       Dim3 grid, Dim3 block, uint64_t dynShared,
                       std::vector<uint8_t> params, const LaunchOptions &opts) {
  auto t0 = std::chrono::steady_clock::now();
  LaunchResult res;
  LaunchState L;
  L.mod = &m;
  L.fn = &fn;
  L.grid = grid;
  L.block = block;
  L.params = std::move(params);
  L.dynShared = dynShared;
  L.sharedBytes =
      dynShared ? fn.dynamicSharedOffset + dynShared : fn.staticSharedBytes;
  L.opts = opts;
  L.limit = opts.maxWarpInstructions;

  ModuleInstance *inst = nullptr;
  if (!dev.instantiate(m, inst, res.error))
    return res;
  for (const auto &cs : fn.constSlots)
    L.slotInit.push_back(cs);
  for (const SymbolSlot &s : fn.symbolSlots)
    L.slotInit.push_back({s.slot, inst->globalAddr[s.global] + s.addend});

  BlockState B;
  setUpBlock(B, fn, L, block, opts);
  ExecCtx c;
  c.dev = &dev;
  c.fn = &fn;
  c.launch = &L;
  c.block = &B;
  c.shared = B.shared.data();
  c.sharedSize = L.sharedBytes;
  c.localSize = fn.localBytes;
  c.params = L.params.data();
  c.paramSize = L.params.size();

  // The first error (ExecCtx::trapped) stops the launch.
  for (uint32_t bz = 0; bz < grid.z && !c.trapped; ++bz)
    for (uint32_t by = 0; by < grid.y && !c.trapped; ++by)
      for (uint32_t bx = 0; bx < grid.x && !c.trapped; ++bx) {
        startBlock(B, L, fn, Dim3{bx, by, bz});
        Scheduler s(c, L, B);
        s.runBlock();
        if (!c.trapped)
          ++res.stats.blocks;
      }
  res.ok = !c.trapped;
  if (c.trapped)
    res.error = std::move(c.trap);
  res.stats.warpInstructions = c.warpInsts;
  res.stats.threadInstructions = c.threadInsts;
  res.stats.mmaInstructions = c.mmaInsts;
  res.stats.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0)
          .count();
  return res;
}

} // namespace detail
} // namespace ptxemu
} // namespace mpt
