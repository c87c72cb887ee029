//===- ExecWarp.cpp - Warp-collective instructions ------------------------===//
//
// shfl.sync, vote.sync, activemask, match.sync, redux.sync, elect.sync,
// mma.sync (m16n8k16 / m16n8k8, f16/bf16 inputs, f32/f16 accumulators) and
// ldmatrix / stmatrix (.m8n8, .x1/.x2/.x4, optional .trans). The scheduler
// calls these handlers only once every participating lane has arrived.
//
// mma.sync accumulation: every product of two f16/bf16 values is exact in
// f64; the K products and C are summed in f64 (relative error ~2^-50) and the
// sum is rounded once to the accumulator type (round to nearest even). The
// hardware accumulates with its own (not fully specified) internal precision,
// so results can differ from a GPU in the last bits of f32.
//
// Fragment layouts (PTX ISA, "Matrix fragments for mma.m16n8k16"), with
// g = laneid >> 2 and t = laneid % 4:
//   A (row-major, 16 x K): register i holds elements 2i and 2i+1 of
//     a0..a7 with row g + 8 * ((i & 1)) and col 2t + (0,1) + 8 * (i >= 2)
//   B (col-major, K x 8): register i holds b(2i), b(2i+1): k = 2t + (0,1) +
//     8 * i, n = g
//   C/D (16 x 8): c0..c3 at row g + 8 * (i >= 2), col 2t + (i & 1)
//
//===----------------------------------------------------------------------===//

#include "ExecCommon.h"

#include <algorithm>

namespace mpt {
namespace ptxemu {
namespace detail {

namespace {

std::string hexs(uint64_t v) {
  char b[32];
  std::snprintf(b, sizeof b, "0x%llx", (unsigned long long)v);
  return b;
}

// shfl.sync
// --------------------------------------------------------------------

void hShfl(ExecCtx &c, const Inst &in, uint32_t m) {
  MPT_D(0);
  MPT_A(0);
  MPT_A(1);
  MPT_A(2);
  uint32_t src[32];
  forLanes(m, [&](uint32_t l) { src[l] = (uint32_t)a0[l]; });
  uint32_t pres = 0;
  uint32_t out[32];
  const bool ok = forLanesWhile(m, [&](uint32_t l) {
    const uint32_t bval = (uint32_t)a1[l] & 31;
    const uint32_t cv = (uint32_t)a2[l];
    const uint32_t cval = cv & 31, segmask = (cv >> 8) & 31;
    const int maxLane = (int)((l & segmask) | (cval & ~segmask));
    const int minLane = (int)(l & segmask);
    int j;
    bool pval;
    switch (in.sub) {
    case 0: // up
      j = (int)l - (int)bval;
      pval = j >= maxLane;
      break;
    case 1: // down
      j = (int)l + (int)bval;
      pval = j <= maxLane;
      break;
    case 2: // bfly
      j = (int)(l ^ bval);
      pval = j <= maxLane;
      break;
    default: // idx
      j = minLane | (int)(bval & ~segmask);
      pval = j <= maxLane;
      break;
    }
    if (!pval)
      j = (int)l;
    if (!((m >> j) & 1)) {
      fail(c, in, (int)l,
           "shfl.sync reads lane " + std::to_string(j) +
               ", which does not execute this shfl.sync (its value is "
               "undefined)");
      return false;
    }
    out[l] = src[j];
    pres |= (uint32_t)pval << l;
    return true;
  });
  if (!ok)
    return;
  forLanes(m, [&](uint32_t l) { d0[l] = out[l]; });
  if (in.d[1] != kNoSlot)
    setPred(c.P[in.d[1]], pres, m);
}

// vote.sync
// --------------------------------------------------------------------

void hVote(ExecCtx &c, const Inst &in, uint32_t m) {
  uint32_t p = c.P[in.a[0]];
  if (in.flags & 1)
    p = ~p;
  const uint64_t *mm = c.R + (size_t)in.mmask * 32;
  // Each lane votes over the lanes of its membermask.
  const uint32_t first = __builtin_ctz(m);
  const uint32_t members = (uint32_t)mm[first] & m;
  const uint32_t t = p & members;
  switch (in.sub) {
  case 0: // all
    setPred(c.P[in.d[0]], t == members ? ~0u : 0u, m);
    break;
  case 1: // any
    setPred(c.P[in.d[0]], t ? ~0u : 0u, m);
    break;
  case 2: // uni
    setPred(c.P[in.d[0]], (t == 0 || t == members) ? ~0u : 0u, m);
    break;
  default: { // ballot
    MPT_D(0);
    forLanes(m, [&](uint32_t l) { d0[l] = p & ((uint32_t)mm[l] & m); });
    break;
  }
  }
}

void hActivemask(ExecCtx &c, const Inst &in, uint32_t m) {
  MPT_D(0);
  forLanes(m, [&](uint32_t l) { d0[l] = m; });
}

void hMatch(ExecCtx &c, const Inst &in, uint32_t m) {
  MPT_D(0);
  MPT_A(0);
  const uint64_t *mm = c.R + (size_t)in.mmask * 32;
  const bool all = in.sub == 1;
  const uint64_t mask = in.ty == Ty::B64 ? ~0ull : 0xffffffffull;
  uint32_t pres = 0;
  forLanes(m, [&](uint32_t l) {
    const uint32_t members = (uint32_t)mm[l] & m;
    uint32_t same = 0;
    for (uint32_t k = 0; k < 32; ++k)
      if (((members >> k) & 1) && ((a0[k] ^ a0[l]) & mask) == 0)
        same |= 1u << k;
    if (all) {
      const bool eq = same == members;
      d0[l] = eq ? members : 0;
      pres |= (uint32_t)eq << l;
    } else {
      d0[l] = same;
    }
  });
  if (all && in.d[1] != kNoSlot)
    setPred(c.P[in.d[1]], pres, m);
}

void hRedux(ExecCtx &c, const Inst &in, uint32_t m) {
  MPT_D(0);
  MPT_A(0);
  const uint64_t *mm = c.R + (size_t)in.mmask * 32;
  forLanes(m, [&](uint32_t l) {
    const uint32_t members = (uint32_t)mm[l] & m;
    uint64_t acc = 0;
    bool first = true;
    for (uint32_t k = 0; k < 32; ++k) {
      if (!((members >> k) & 1))
        continue;
      const uint32_t v = (uint32_t)a0[k];
      if (first) {
        acc = v;
        first = false;
        continue;
      }
      switch (in.sub) {
      case 0:
        acc = (uint32_t)(acc + v);
        break;
      case 1:
        acc = in.ty == Ty::S32 ? (uint32_t)std::min((int32_t)acc, (int32_t)v)
                               : std::min((uint32_t)acc, v);
        break;
      case 2:
        acc = in.ty == Ty::S32 ? (uint32_t)std::max((int32_t)acc, (int32_t)v)
                               : std::max((uint32_t)acc, v);
        break;
      case 3:
        acc &= v;
        break;
      case 4:
        acc |= v;
        break;
      case 5:
        acc ^= v;
        break;
      }
    }
    d0[l] = (uint32_t)acc;
  });
}

void hElect(ExecCtx &c, const Inst &in, uint32_t m) {
  const uint64_t *mm = c.R + (size_t)in.mmask * 32;
  const uint32_t members = (uint32_t)mm[__builtin_ctz(m)] & m;
  const uint32_t leader = members ? __builtin_ctz(members) : 0;
  if (in.d[0] != kNoSlot) {
    MPT_D(0);
    forLanes(m, [&](uint32_t l) { d0[l] = leader; });
  }
  if (in.d[1] != kNoSlot)
    setPred(c.P[in.d[1]], members ? (1u << leader) : 0, m);
}

// mma.sync
// ---------------------------------------------------------------------

inline double elem16(uint32_t reg, int half, bool bf) {
  const uint16_t h = (uint16_t)(reg >> (16 * half));
  return bf ? fp::bf16ToFloat(h) : fp::halfToFloat(h);
}

/// sub: bit0 = K16 (else K8), bit1 = A/B bf16, bit2 = f16 accumulators (C
/// and D, else f32).
///
/// On x86-64 an AVX2 clone is chosen at load time when the CPU has it. The
/// products of f16/bf16 values are exact in f64, so whether the compiler
/// fuses D + a * b into an FMA does not change a single bit.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
__attribute__((target_clones("avx2", "default")))
#endif
void hMma(ExecCtx &c, const Inst &in, uint32_t m) {
  (void)m;
  const bool k16 = in.sub & 1, bf = in.sub & 2, f16acc = in.sub & 4;
  const int K = k16 ? 16 : 8;
  double A[16][16], B[16][8], C[16][8];
  const uint64_t *R = c.R;
  auto reg = [&](uint32_t slotIdx, uint32_t lane) {
    return (uint32_t)R[(size_t)slotIdx * 32 + lane];
  };
  const int nA = k16 ? 4 : 2, nB = k16 ? 2 : 1;
  const uint32_t *aS = in.a, *bS = in.a + 4, *cS = in.a + 6;
  for (uint32_t lane = 0; lane < 32; ++lane) {
    const int g = lane >> 2, t = lane & 3;
    for (int i = 0; i < nA; ++i) {
      const uint32_t r = reg(aS[i], lane);
      const int row = g + 8 * (i & 1);
      const int col = 2 * t + 8 * (i >> 1);
      A[row][col] = elem16(r, 0, bf);
      A[row][col + 1] = elem16(r, 1, bf);
    }
    for (int i = 0; i < nB; ++i) {
      const uint32_t r = reg(bS[i], lane);
      const int k = 2 * t + 8 * i;
      B[k][g] = elem16(r, 0, bf);
      B[k + 1][g] = elem16(r, 1, bf);
    }
    if (f16acc) {
      for (int i = 0; i < 2; ++i) {
        const uint32_t r = reg(cS[i], lane);
        C[g + 8 * i][2 * t] = fp::halfToFloat((uint16_t)r);
        C[g + 8 * i][2 * t + 1] = fp::halfToFloat((uint16_t)(r >> 16));
      }
    } else {
      for (int i = 0; i < 4; ++i)
        C[g + 8 * (i >> 1)][2 * t + (i & 1)] = fp::floatOf(reg(cS[i], lane));
    }
  }
  // D[i][j] = C[i][j] + A[i][0] B[0][j] + A[i][1] B[1][j] + ..., summed in
  // this order (the j loop innermost keeps the order and vectorises).
  double D[16][8];
  for (int i = 0; i < 16; ++i) {
    for (int j = 0; j < 8; ++j)
      D[i][j] = C[i][j];
    for (int k = 0; k < K; ++k) {
      const double a = A[i][k];
      for (int j = 0; j < 8; ++j)
        D[i][j] += a * B[k][j];
    }
  }
  uint64_t *dS[4] = {c.R + (size_t)in.d[0] * 32, c.R + (size_t)in.d[1] * 32,
                     c.R + (size_t)in.d[2] * 32, c.R + (size_t)in.d[3] * 32};
  for (uint32_t lane = 0; lane < 32; ++lane) {
    const int g = lane >> 2, t = lane & 3;
    if (f16acc) {
      for (int i = 0; i < 2; ++i) {
        uint32_t lo = fp::toHalf(D[g + 8 * i][2 * t], fp::Round::RN);
        uint32_t hi = fp::toHalf(D[g + 8 * i][2 * t + 1], fp::Round::RN);
        dS[i][lane] = lo | (hi << 16);
      }
    } else {
      for (int i = 0; i < 4; ++i) {
        float v = (float)D[g + 8 * (i >> 1)][2 * t + (i & 1)];
        dS[i][lane] = fp::bitsOf(std::isnan(v) ? fp::floatOf(fp::kF32NaN) : v);
      }
    }
  }
  ++c.mmaInsts;
}

// ldmatrix / stmatrix
// ---------------------------------------------------------------

constexpr uint8_t kAddr32 = 0x80;

/// Resolves the row address of lane `l` to a pointer into shared memory;
/// null (with the error recorded) if it is not a valid one.
uint8_t *rowPtr(ExecCtx &c, const Inst &in, uint32_t l, Access acc) {
  uint64_t a = c.R[(size_t)in.a[0] * 32 + l];
  if (in.flags & kAddr32)
    a = (uint32_t)((uint32_t)a + (uint32_t)in.imm);
  else
    a += (uint64_t)in.imm;
  if (in.space == Space::Generic) {
    if (!inWindow(a, kSharedWindow)) {
      fail(c, in, (int)l,
           "ldmatrix/stmatrix row address " + hexs(a) +
               " is not a shared-memory address");
      return nullptr;
    }
    a -= kSharedWindow;
  }
  if (a & 15) {
    failMisaligned(c, in, (int)l, Space::Shared, a, 16);
    return nullptr;
  }
  return sharedAt(c, in, (int)l, a, 16, acc);
}

void hLdmatrix(ExecCtx &c, const Inst &in, uint32_t m) {
  (void)m;
  const unsigned num = in.vec;
  const bool trans = in.sub & 1;
  uint16_t M[4][8][8];
  for (unsigned j = 0; j < num; ++j)
    for (unsigned r = 0; r < 8; ++r) {
      const uint8_t *p = rowPtr(c, in, 8 * j + r, Access::Read);
      if (!p)
        return;
      std::memcpy(M[j][r], p, 16);
    }
  for (unsigned j = 0; j < num; ++j) {
    uint64_t *d = c.R + (size_t)in.d[j] * 32;
    for (uint32_t l = 0; l < 32; ++l) {
      const unsigned row = l >> 2, col = 2 * (l & 3);
      uint32_t lo, hi;
      if (!trans) {
        lo = M[j][row][col];
        hi = M[j][row][col + 1];
      } else {
        lo = M[j][col][row];
        hi = M[j][col + 1][row];
      }
      d[l] = lo | (hi << 16);
    }
  }
}

void hStmatrix(ExecCtx &c, const Inst &in, uint32_t m) {
  (void)m;
  const unsigned num = in.vec;
  const bool trans = in.sub & 1;
  uint16_t M[4][8][8];
  for (unsigned j = 0; j < num; ++j) {
    const uint64_t *s = c.R + (size_t)in.a[1 + j] * 32;
    for (uint32_t l = 0; l < 32; ++l) {
      const unsigned row = l >> 2, col = 2 * (l & 3);
      const uint32_t v = (uint32_t)s[l];
      if (!trans) {
        M[j][row][col] = (uint16_t)v;
        M[j][row][col + 1] = (uint16_t)(v >> 16);
      } else {
        M[j][col][row] = (uint16_t)v;
        M[j][col + 1][row] = (uint16_t)(v >> 16);
      }
    }
  }
  for (unsigned j = 0; j < num; ++j)
    for (unsigned r = 0; r < 8; ++r) {
      uint8_t *p = rowPtr(c, in, 8 * j + r, Access::Write);
      if (!p)
        return;
      std::memcpy(p, M[j][r], 16);
    }
}

} // namespace

/// Long by design (one branch per instruction of the family, so that each
/// instruction's operand checks sit next to the handler it selects; a new
/// instruction is one more branch).
bool decodeWarp(DecodeCtx &c) {
  const std::string &b = c.pi.base;
  Inst &in = c.in;
  Mods &md = c.mods;
  auto collective = [&](Coll k) {
    in.ctl = Ctl::Collective;
    in.coll = k;
  };
  if (b == "shfl") {
    if (!md.take("sync"))
      return c.error("shfl without .sync is not supported on sm_70 and later");
    static const char *modes[] = {"up", "down", "bfly", "idx"};
    int mode = -1;
    for (int i = 0; i < 4; ++i)
      if (md.take(modes[i]))
        mode = i;
    if (mode < 0)
      return c.error("shfl.sync needs .up, .down, .bfly or .idx");
    if (c.oneType() != Ty::B32)
      return c.error("shfl.sync needs .b32");
    if (!c.noMoreMods() || !c.need(5))
      return true;
    collective(Coll::MemberMask);
    in.sub = (uint16_t)mode;
    const Operand &d = c.pi.ops[0];
    in.d[0] = c.dest(d);
    if (d.hasPair)
      in.d[1] = c.pred(d.elems[0]);
    in.a[0] = c.value(1, Ty::B32);
    in.a[1] = c.value(2, Ty::U32);
    in.a[2] = c.value(3, Ty::U32);
    in.mmask = c.value(4, Ty::U32);
    in.fn = hShfl;
    return true;
  }
  if (b == "vote") {
    if (!md.take("sync"))
      return c.error("vote without .sync is not supported on sm_70 and later");
    static const char *modes[] = {"all", "any", "uni", "ballot"};
    int mode = -1;
    for (int i = 0; i < 4; ++i)
      if (md.take(modes[i]))
        mode = i;
    if (mode < 0)
      return c.error("vote.sync needs .all, .any, .uni or .ballot");
    const Ty ty = c.oneType();
    if (c.failed())
      return true;
    if ((mode == 3) != (ty == Ty::B32) || (mode != 3 && ty != Ty::Pred))
      return c.error("vote.sync.ballot needs .b32, the others .pred");
    if (!c.noMoreMods() || !c.need(3))
      return true;
    collective(Coll::MemberMask);
    in.sub = (uint16_t)mode;
    in.d[0] = mode == 3 ? c.dest(0) : c.pred(c.pi.ops[0]);
    in.a[0] = c.pred(c.pi.ops[1]);
    if (c.pi.ops[1].neg)
      in.flags |= 1;
    in.mmask = c.value(2, Ty::U32);
    in.fn = hVote;
    return true;
  }
  if (b == "activemask") {
    if (c.oneType() != Ty::B32)
      return c.error("activemask needs .b32");
    if (!c.noMoreMods() || !c.need(1))
      return true;
    collective(Coll::Active);
    in.d[0] = c.dest(0);
    in.fn = hActivemask;
    return true;
  }
  if (b == "match") {
    if (!md.take("sync"))
      return c.error("match needs .sync");
    const bool all = md.take("all");
    if (!all && !md.take("any"))
      return c.error("match.sync needs .any or .all");
    const Ty ty = c.oneType();
    if (c.failed())
      return true;
    if (ty != Ty::B32 && ty != Ty::B64)
      return c.error("match.sync needs .b32 or .b64");
    if (!c.noMoreMods() || !c.need(3))
      return true;
    collective(Coll::MemberMask);
    in.sub = all ? 1 : 0;
    in.ty = ty;
    const Operand &d = c.pi.ops[0];
    in.d[0] = c.dest(d);
    if (d.hasPair)
      in.d[1] = c.pred(d.elems[0]);
    in.a[0] = c.value(1, ty);
    in.mmask = c.value(2, Ty::U32);
    in.fn = hMatch;
    return true;
  }
  if (b == "redux") {
    if (!md.take("sync"))
      return c.error("redux needs .sync");
    static const char *ops[] = {"add", "min", "max", "and", "or", "xor"};
    int op = -1;
    for (int i = 0; i < 6; ++i)
      if (md.take(ops[i]))
        op = i;
    if (op < 0)
      return c.error("redux.sync needs an operation");
    const Ty ty = c.oneType();
    if (c.failed())
      return true;
    if (ty != Ty::U32 && ty != Ty::S32 && ty != Ty::B32)
      return c.error("only integer redux.sync is supported");
    if (!c.noMoreMods() || !c.need(3))
      return true;
    collective(Coll::MemberMask);
    in.sub = (uint16_t)op;
    in.ty = ty;
    in.d[0] = c.dest(0);
    in.a[0] = c.value(1, ty);
    in.mmask = c.value(2, Ty::U32);
    in.fn = hRedux;
    return true;
  }
  if (b == "elect") {
    if (!md.take("sync"))
      return c.error("elect needs .sync");
    if (!c.noMoreMods() || !c.need(2))
      return true;
    collective(Coll::MemberMask);
    const Operand &d = c.pi.ops[0];
    in.d[0] = d.kind == Operand::Sink ? kNoSlot : c.dest(d);
    if (d.hasPair)
      in.d[1] = c.pred(d.elems[0]);
    in.mmask = c.value(1, Ty::U32);
    in.fn = hElect;
    return true;
  }
  if (b == "mma") {
    if (!md.take("sync") || !md.take("aligned"))
      return c.error("only mma.sync.aligned is supported");
    const bool k16 = md.take("m16n8k16");
    if (!k16 && !md.take("m16n8k8"))
      return c.error(
          "unsupported mma shape (m16n8k16 and m16n8k8 are supported)");
    if (!md.take("row") || !md.take("col"))
      return c.error("mma needs .row.col");
    if (md.take("satfinite"))
      return c.error(".satfinite is not supported on mma");
    if (!c.noMoreMods())
      return true;
    if (md.types.size() != 4)
      return c.error("mma needs .dtype.atype.btype.ctype");
    const Ty dt = md.types[0], at = md.types[1], bt = md.types[2],
             ct = md.types[3];
    if (at != bt || (at != Ty::F16 && at != Ty::BF16))
      return c.error(std::string("unsupported mma input types .") + tyName(at) +
                     "." + tyName(bt) + " (f16 and bf16 are supported)");
    if (dt != ct || (dt != Ty::F32 && dt != Ty::F16))
      return c.error("unsupported mma accumulator types");
    if (at == Ty::BF16 && dt != Ty::F32)
      return c.error("bf16 mma needs f32 accumulators");
    const bool f16acc = dt == Ty::F16;
    if (!c.need(4))
      return true;
    const size_t nD = f16acc ? 2 : 4, nA = k16 ? 4 : 2, nB = k16 ? 2 : 1;
    // False (with the error recorded) unless `op` is a vector of `n`.
    auto vec = [&](const Operand &op, size_t n, const char *what) {
      if (op.kind == Operand::Vec && op.elems.size() == n)
        return true;
      return !c.error(std::string("mma ") + what + " must be a vector of " +
                      std::to_string(n) + " registers");
    };
    const auto &ops = c.pi.ops;
    if (!vec(ops[0], nD, "D") || !vec(ops[1], nA, "A") ||
        !vec(ops[2], nB, "B") || !vec(ops[3], nD, "C"))
      return true;
    for (size_t i = 0; i < nD; ++i)
      in.d[i] = c.dest(ops[0].elems[i]);
    for (size_t i = nD; i < 4; ++i)
      in.d[i] = c.sinkSlot();
    for (size_t i = 0; i < nA; ++i)
      in.a[i] = c.value(ops[1].elems[i], Ty::B32);
    for (size_t i = 0; i < nB; ++i)
      in.a[4 + i] = c.value(ops[2].elems[i], Ty::B32);
    for (size_t i = 0; i < nD; ++i)
      in.a[6 + i] = c.value(ops[3].elems[i], f16acc ? Ty::B32 : Ty::F32);
    in.sub =
        (uint16_t)((k16 ? 1 : 0) | (at == Ty::BF16 ? 2 : 0) | (f16acc ? 4 : 0));
    collective(Coll::AllLanes);
    in.fn = hMma;
    return true;
  }
  if (b == "ldmatrix" || b == "stmatrix") {
    const bool st = b == "stmatrix";
    if (!md.take("sync") || !md.take("aligned"))
      return c.error(b + " needs .sync.aligned");
    if (!md.take("m8n8"))
      return c.error("only the .m8n8 shape is supported");
    unsigned num = md.take("x1")   ? 1
                   : md.take("x2") ? 2
                   : md.take("x4") ? 4
                                   : 0;
    if (!num)
      return c.error(b + " needs .x1, .x2 or .x4");
    if (md.take("trans"))
      in.sub |= 1;
    if (c.oneType() != Ty::B16)
      return c.error(b + " needs .b16");
    if (!c.noMoreMods())
      return true;
    if (md.hasSpace && md.space != Space::Shared)
      return c.error(b + " needs .shared or generic addressing");
    in.space = md.hasSpace ? Space::Shared : Space::Generic;
    in.vec = (uint8_t)num;
    if (!c.need(2))
      return true;
    const Operand &regs = c.pi.ops[st ? 1 : 0];
    const Operand &addr = c.pi.ops[st ? 0 : 1];
    if (regs.kind != Operand::Vec || regs.elems.size() != num)
      return c.error(b + " needs a vector of " + std::to_string(num) +
                     " registers");
    bool is32;
    Space symSpace;
    c.address(addr, in.a[0], in.imm, &symSpace, &is32);
    if (symSpace == Space::Shared)
      in.space = Space::Shared;
    if (is32) {
      if (in.space != Space::Shared)
        return c.error("32-bit address register with generic addressing");
      in.flags |= kAddr32;
    }
    for (unsigned i = 0; i < num; ++i) {
      if (st)
        in.a[1 + i] = c.value(regs.elems[i], Ty::B32);
      else
        in.d[i] = c.dest(regs.elems[i]);
    }
    collective(Coll::AllLanes);
    in.fn = st ? hStmatrix : hLdmatrix;
    return true;
  }
  return false;
}

} // namespace detail
} // namespace ptxemu
} // namespace mpt
