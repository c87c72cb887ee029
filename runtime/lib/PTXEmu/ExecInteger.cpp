//===- ExecInteger.cpp - Integer arithmetic, bit and logic instructions ---===//
//
// Exact PTX integer semantics: wrap-around arithmetic at the instruction
// width, .lo/.hi/.wide products, .sat for s32, division by zero defined as
// the hardware's all-ones quotient, and the bit instructions (bfe, bfi,
// bfind, brev, clz, popc, prmt, lop3, shf).
//
//===----------------------------------------------------------------------===//

#include "ExecCommon.h"

#include <algorithm>
#include <limits>

namespace mpt {
namespace ptxemu {
namespace detail {

namespace {

template <typename T> struct UnsignedT {
  using type = std::make_unsigned_t<T>;
};
template <> struct UnsignedT<__int128> { using type = unsigned __int128; };
template <> struct UnsignedT<unsigned __int128> {
  using type = unsigned __int128;
};
template <typename T> using U = typename UnsignedT<T>::type;
template <typename T> struct Wide;
template <> struct Wide<uint16_t> { using type = uint32_t; };
template <> struct Wide<int16_t> { using type = int32_t; };
template <> struct Wide<uint32_t> { using type = uint64_t; };
template <> struct Wide<int32_t> { using type = int64_t; };
template <> struct Wide<uint64_t> { using type = unsigned __int128; };
template <> struct Wide<int64_t> { using type = __int128; };
template <> struct Wide<uint8_t> { using type = uint16_t; };
template <> struct Wide<int8_t> { using type = int16_t; };

// Binary ops ------------------------------------------------------------------

template <typename Op> struct Bin {
  template <typename T> struct H {
    static void run(ExecCtx &c, const Inst &in, uint32_t m) {
      MPT_D(0);
      MPT_A(0);
      MPT_A(1);
      forLanes(m, [&](uint32_t l) {
        d0[l] = wr<T>(Op::template f<T>(rd<T>(a0[l]), rd<T>(a1[l])));
      });
    }
  };
};

struct OpAdd {
  template <typename T> static T f(T a, T b) { return (T)((U<T>)a + (U<T>)b); }
};
struct OpSub {
  template <typename T> static T f(T a, T b) { return (T)((U<T>)a - (U<T>)b); }
};
struct OpMulLo {
  template <typename T> static T f(T a, T b) { return (T)((U<T>)a * (U<T>)b); }
};
struct OpMulHi {
  template <typename T> static T f(T a, T b) {
    using W = typename Wide<T>::type;
    return (T)(((W)a * (W)b) >> (8 * sizeof(T)));
  }
};
struct OpDiv {
  template <typename T> static T f(T a, T b) {
    if (b == 0)
      return (T) ~(U<T>)0; // the hardware's quotient for a zero divisor
    if constexpr (std::is_signed_v<T>)
      if (a == std::numeric_limits<T>::min() && b == -1)
        return a;
    return (T)(a / b);
  }
};
struct OpRem {
  template <typename T> static T f(T a, T b) {
    if (b == 0)
      return a;
    if constexpr (std::is_signed_v<T>)
      if (b == -1)
        return 0;
    return (T)(a % b);
  }
};
struct OpMin {
  template <typename T> static T f(T a, T b) { return a < b ? a : b; }
};
struct OpMax {
  template <typename T> static T f(T a, T b) { return a > b ? a : b; }
};
struct OpMinRelu {
  template <typename T> static T f(T a, T b) {
    T r = a < b ? a : b;
    return r < 0 ? 0 : r;
  }
};
struct OpMaxRelu {
  template <typename T> static T f(T a, T b) {
    T r = a > b ? a : b;
    return r < 0 ? 0 : r;
  }
};
struct OpAnd {
  template <typename T> static T f(T a, T b) { return a & b; }
};
struct OpOr {
  template <typename T> static T f(T a, T b) { return a | b; }
};
struct OpXor {
  template <typename T> static T f(T a, T b) { return a ^ b; }
};
struct OpAddSat {
  template <typename T> static T f(T a, T b) {
    int64_t r = (int64_t)a + (int64_t)b;
    return (T)std::clamp<int64_t>(r, INT32_MIN, INT32_MAX);
  }
};
struct OpSubSat {
  template <typename T> static T f(T a, T b) {
    int64_t r = (int64_t)a - (int64_t)b;
    return (T)std::clamp<int64_t>(r, INT32_MIN, INT32_MAX);
  }
};
struct OpShl {
  template <typename T> static T f(T a, T b) {
    const uint32_t n = (uint32_t)b;
    if (n >= 8 * sizeof(T))
      return 0;
    return (T)((U<T>)a << n);
  }
};
struct OpShr {
  template <typename T> static T f(T a, T b) {
    const uint32_t n = (uint32_t)b;
    if (n >= 8 * sizeof(T))
      return std::is_signed_v<T> && a < 0 ? (T)-1 : 0;
    return (T)(a >> n);
  }
};

/// Shifts take a u32 amount whatever the data type.
template <typename Op> struct Shift {
  template <typename T> struct H {
    static void run(ExecCtx &c, const Inst &in, uint32_t m) {
      MPT_D(0);
      MPT_A(0);
      MPT_A(1);
      forLanes(m, [&](uint32_t l) {
        d0[l] = wr<T>(Op::template f<T>(rd<T>(a0[l]), (T)(uint32_t)a1[l]));
      });
    }
  };
};

// Wide products
// -----------------------------------------------------------------

template <typename T> struct MulWide {
  static void run(ExecCtx &c, const Inst &in, uint32_t m) {
    using W = typename Wide<T>::type;
    MPT_D(0);
    MPT_A(0);
    MPT_A(1);
    forLanes(m, [&](uint32_t l) {
      d0[l] = (uint64_t)((W)rd<T>(a0[l]) * (W)rd<T>(a1[l]));
    });
  }
};
template <typename T> struct MadWide {
  static void run(ExecCtx &c, const Inst &in, uint32_t m) {
    using W = typename Wide<T>::type;
    using UW = U<W>;
    MPT_D(0);
    MPT_A(0);
    MPT_A(1);
    MPT_A(2);
    forLanes(m, [&](uint32_t l) {
      UW p = (UW)((W)rd<T>(a0[l]) * (W)rd<T>(a1[l]));
      d0[l] = (uint64_t)(W)(p + (UW)(W)rd<uint64_t>(a2[l]));
    });
  }
};
template <typename T> struct MadLo {
  static void run(ExecCtx &c, const Inst &in, uint32_t m) {
    MPT_D(0);
    MPT_A(0);
    MPT_A(1);
    MPT_A(2);
    forLanes(m, [&](uint32_t l) {
      U<T> p = (U<T>)rd<T>(a0[l]) * (U<T>)rd<T>(a1[l]);
      d0[l] = wr<T>((T)(p + (U<T>)rd<T>(a2[l])));
    });
  }
};
template <typename T> struct MadHi {
  static void run(ExecCtx &c, const Inst &in, uint32_t m) {
    using W = typename Wide<T>::type;
    MPT_D(0);
    MPT_A(0);
    MPT_A(1);
    MPT_A(2);
    forLanes(m, [&](uint32_t l) {
      T hi = (T)(((W)rd<T>(a0[l]) * (W)rd<T>(a1[l])) >> (8 * sizeof(T)));
      d0[l] = wr<T>((T)((U<T>)hi + (U<T>)rd<T>(a2[l])));
    });
  }
};
/// mad.hi.sat.s32: saturate the 32-bit sum of the high half and c.
static void hMadHiSatS32(ExecCtx &c, const Inst &in, uint32_t m) {
  MPT_D(0);
  MPT_A(0);
  MPT_A(1);
  MPT_A(2);
  forLanes(m, [&](uint32_t l) {
    int64_t hi = ((int64_t)(int32_t)a0[l] * (int64_t)(int32_t)a1[l]) >> 32;
    int64_t r = hi + (int32_t)a2[l];
    d0[l] = wr<int32_t>((int32_t)std::clamp<int64_t>(r, INT32_MIN, INT32_MAX));
  });
}

/// mul24/mad24: 24-bit operands (sign-extended for .s32), 48-bit product;
/// .lo gives bits 31..0, .hi bits 47..16.
template <bool Signed, bool Hi, bool Mad>
static void hMul24(ExecCtx &c, const Inst &in, uint32_t m) {
  MPT_D(0);
  MPT_A(0);
  MPT_A(1);
  forLanes(m, [&](uint32_t l) {
    int64_t x = Signed ? sext(a0[l], 24) : (int64_t)zext(a0[l], 24);
    int64_t y = Signed ? sext(a1[l], 24) : (int64_t)zext(a1[l], 24);
    uint64_t p = (uint64_t)(x * y);
    uint32_t r = Hi ? (uint32_t)(p >> 16) : (uint32_t)p;
    if (Mad)
      r += (uint32_t)c.R[(size_t)in.a[2] * 32 + l];
    d0[l] = Signed ? wr<int32_t>((int32_t)r) : wr<uint32_t>(r);
  });
}

// Carry chains (add.cc / addc / sub.cc / subc)
// ---------------------------------

template <typename T, bool Sub, bool UseCarry, bool SetCarry>
static void hCarry(ExecCtx &c, const Inst &in, uint32_t m) {
  using UT = U<T>;
  MPT_D(0);
  MPT_A(0);
  MPT_A(1);
  uint64_t *cc = c.R + (size_t)in.a[2] * 32; // hidden carry slot
  forLanes(m, [&](uint32_t l) {
    UT a = (UT)a0[l], b = (UT)a1[l];
    UT cin = UseCarry ? (UT)(cc[l] & 1) : 0;
    UT r;
    bool carry;
    if (!Sub) {
      r = (UT)(a + b + cin);
      carry = (r < a) || (cin && r == a);
    } else {
      // PTX: sub.cc sets CC.CF to the borrow; subc subtracts it.
      r = (UT)(a - b - cin);
      carry = (b > a) || (cin && b == a);
    }
    d0[l] = wr<T>((T)r);
    if (SetCarry)
      cc[l] = carry;
  });
}

/// mad{c}.{lo,hi}{.cc}: d = part(a * b) + c (+ CC.CF for madc), optionally
/// setting CC.CF to the carry out of the addition.
template <typename T, bool Hi, bool UseCarry, bool SetCarry>
static void hMadCarry(ExecCtx &c, const Inst &in, uint32_t m) {
  using UT = U<T>;
  using W = typename Wide<T>::type;
  MPT_D(0);
  MPT_A(0);
  MPT_A(1);
  MPT_A(2);
  uint64_t *cc = c.R + (size_t)in.a[3] * 32;
  forLanes(m, [&](uint32_t l) {
    const W p = (W)rd<T>(a0[l]) * (W)rd<T>(a1[l]);
    const UT part = Hi ? (UT)((U<W>)p >> (8 * sizeof(T))) : (UT)p;
    const UT addend = (UT)rd<T>(a2[l]);
    const UT cin = UseCarry ? (UT)(cc[l] & 1) : 0;
    const UT r = (UT)(part + addend + cin);
    const bool carry = (r < part) || (cin && r == part);
    d0[l] = wr<T>((T)r);
    if (SetCarry)
      cc[l] = carry;
  });
}

// Unary -----------------------------------------------------------------------

template <typename Op> struct Un {
  template <typename T> struct H {
    static void run(ExecCtx &c, const Inst &in, uint32_t m) {
      MPT_D(0);
      MPT_A(0);
      forLanes(m, [&](uint32_t l) {
        d0[l] = wr<T>(Op::template f<T>(rd<T>(a0[l])));
      });
    }
  };
};
struct OpAbs {
  template <typename T> static T f(T a) { return a < 0 ? (T)(0 - (U<T>)a) : a; }
};
struct OpNeg {
  template <typename T> static T f(T a) { return (T)(0 - (U<T>)a); }
};
struct OpNot {
  template <typename T> static T f(T a) { return (T)~a; }
};
struct OpCnot {
  template <typename T> static T f(T a) { return a == 0 ? 1 : 0; }
};
struct OpBrev {
  template <typename T> static T f(T a) {
    using UT = U<T>;
    UT v = (UT)a, r = 0;
    for (unsigned i = 0; i < 8 * sizeof(T); ++i)
      if ((v >> i) & 1)
        r |= (UT)1 << (8 * sizeof(T) - 1 - i);
    return (T)r;
  }
};

/// popc / clz / bfind produce a u32 from a b32/b64 source.
template <int Kind, typename T>
static void hCount(ExecCtx &c, const Inst &in, uint32_t m) {
  MPT_D(0);
  MPT_A(0);
  const bool shiftAmt = in.flags & 1;
  forLanes(m, [&](uint32_t l) {
    const uint64_t v = zext(a0[l], 8 * sizeof(T));
    uint32_t r;
    if (Kind == 0) { // popc
      r = (uint32_t)__builtin_popcountll(v);
    } else if (Kind == 1) { // clz
      r = v ? (uint32_t)(__builtin_clzll(v) - (64 - 8 * sizeof(T)))
            : (uint32_t)(8 * sizeof(T));
    } else { // bfind
      uint64_t x = v;
      if (std::is_signed_v<T> && (int64_t)sext(v, 8 * sizeof(T)) < 0)
        x = zext(~v, 8 * sizeof(T));
      if (x == 0) {
        r = 0xffffffffu;
      } else {
        r = 63 - (uint32_t)__builtin_clzll(x);
        if (shiftAmt)
          r = (uint32_t)(8 * sizeof(T) - 1) - r;
      }
    }
    d0[l] = r;
  });
}

template <typename T> static void hBfe(ExecCtx &c, const Inst &in, uint32_t m) {
  MPT_D(0);
  MPT_A(0);
  MPT_A(1);
  MPT_A(2);
  constexpr unsigned bits = 8 * sizeof(T);
  forLanes(m, [&](uint32_t l) {
    const uint64_t a = zext(a0[l], bits);
    const uint32_t pos = (uint32_t)a1[l] & 0xff, len = (uint32_t)a2[l] & 0xff;
    uint64_t sbit = 0;
    if (std::is_signed_v<T> && len != 0) {
      uint32_t top = std::min<uint32_t>(pos + len - 1, bits - 1);
      sbit = (a >> top) & 1;
    }
    uint64_t r = 0;
    for (uint32_t i = 0; i < bits; ++i) {
      uint64_t bit =
          (i < len && pos + i <= bits - 1) ? (a >> (pos + i)) & 1 : sbit;
      r |= bit << i;
    }
    d0[l] = wr<T>((T)r);
  });
}

template <typename T> static void hBfi(ExecCtx &c, const Inst &in, uint32_t m) {
  MPT_D(0);
  MPT_A(0);
  MPT_A(1);
  MPT_A(2);
  MPT_A(3);
  constexpr unsigned bits = 8 * sizeof(T);
  forLanes(m, [&](uint32_t l) {
    const uint64_t f = a0[l];
    uint64_t r = zext(a1[l], bits);
    const uint32_t pos = (uint32_t)a2[l] & 0xff, len = (uint32_t)a3[l] & 0xff;
    for (uint32_t i = 0; i < len && pos + i < bits; ++i) {
      r &= ~(1ull << (pos + i));
      r |= ((f >> i) & 1) << (pos + i);
    }
    d0[l] = wr<T>((T)r);
  });
}

/// prmt.b32{.mode} d, a, b, c
static void hPrmt(ExecCtx &c, const Inst &in, uint32_t m) {
  MPT_D(0);
  MPT_A(0);
  MPT_A(1);
  MPT_A(2);
  const unsigned mode = in.sub;
  forLanes(m, [&](uint32_t l) {
    const uint64_t src = (uint32_t)a0[l] | ((uint64_t)(uint32_t)a1[l] << 32);
    auto byte = [&](unsigned i) {
      return (uint32_t)(src >> (8 * (i & 7))) & 0xff;
    };
    const uint32_t sel = (uint32_t)a2[l];
    uint32_t r = 0;
    if (mode == 0) {
      for (unsigned i = 0; i < 4; ++i) {
        uint32_t s = (sel >> (4 * i)) & 0xf;
        uint32_t v = byte(s & 7);
        if (s & 8)
          v = (v & 0x80) ? 0xff : 0;
        r |= v << (8 * i);
      }
    } else {
      static const uint8_t table[6][4][4] = {
          // f4e
          {{0, 1, 2, 3}, {1, 2, 3, 4}, {2, 3, 4, 5}, {3, 4, 5, 6}},
          // b4e
          {{0, 7, 6, 5}, {1, 0, 7, 6}, {2, 1, 0, 7}, {3, 2, 1, 0}},
          // rc8
          {{0, 0, 0, 0}, {1, 1, 1, 1}, {2, 2, 2, 2}, {3, 3, 3, 3}},
          // ecl
          {{0, 1, 2, 3}, {1, 1, 2, 3}, {2, 2, 2, 3}, {3, 3, 3, 3}},
          // ecr
          {{0, 0, 0, 0}, {0, 1, 1, 1}, {0, 1, 2, 2}, {0, 1, 2, 3}},
          // rc16
          {{0, 1, 0, 1}, {2, 3, 2, 3}, {0, 1, 0, 1}, {2, 3, 2, 3}},
      };
      const uint32_t s = sel & 3;
      for (unsigned i = 0; i < 4; ++i)
        r |= byte(table[mode - 1][s][i]) << (8 * i);
    }
    d0[l] = r;
  });
}

/// lop3.b32 d, a, b, c, immLut
static void hLop3(ExecCtx &c, const Inst &in, uint32_t m) {
  MPT_D(0);
  MPT_A(0);
  MPT_A(1);
  MPT_A(2);
  const uint32_t lut = (uint32_t)in.imm;
  forLanes(m, [&](uint32_t l) {
    const uint32_t a = (uint32_t)a0[l], b = (uint32_t)a1[l],
                   cc = (uint32_t)a2[l];
    uint32_t r = 0;
    for (unsigned i = 0; i < 8; ++i)
      if ((lut >> i) & 1)
        r |= ((i & 4) ? a : ~a) & ((i & 2) ? b : ~b) & ((i & 1) ? cc : ~cc);
    d0[l] = r;
  });
}

/// shf.{l,r}.{wrap,clamp}.b32 d, a, b, c: funnel shift of b:a.
template <bool Left, bool Wrap>
static void hShf(ExecCtx &c, const Inst &in, uint32_t m) {
  MPT_D(0);
  MPT_A(0);
  MPT_A(1);
  MPT_A(2);
  forLanes(m, [&](uint32_t l) {
    const uint64_t v = (uint32_t)a0[l] | ((uint64_t)(uint32_t)a1[l] << 32);
    uint32_t n = (uint32_t)a2[l];
    n = Wrap ? n & 31 : std::min<uint32_t>(n, 32);
    d0[l] = Left ? (uint32_t)((v << n) >> 32) : (uint32_t)(v >> n);
  });
}

/// sad: |a - b| + c
template <typename T> static void hSad(ExecCtx &c, const Inst &in, uint32_t m) {
  MPT_D(0);
  MPT_A(0);
  MPT_A(1);
  MPT_A(2);
  forLanes(m, [&](uint32_t l) {
    T a = rd<T>(a0[l]), b = rd<T>(a1[l]);
    U<T> diff = a < b ? (U<T>)b - (U<T>)a : (U<T>)a - (U<T>)b;
    d0[l] = wr<T>((T)(diff + (U<T>)rd<T>(a2[l])));
  });
}

template <typename T> struct SadH {
  static void run(ExecCtx &c, const Inst &in, uint32_t m) { hSad<T>(c, in, m); }
};

/// dp4a.atype.btype d, a, b, c
template <bool SA, bool SB>
static void hDp4a(ExecCtx &c, const Inst &in, uint32_t m) {
  MPT_D(0);
  MPT_A(0);
  MPT_A(1);
  MPT_A(2);
  forLanes(m, [&](uint32_t l) {
    const uint32_t a = (uint32_t)a0[l], b = (uint32_t)a1[l];
    int64_t s = (SA || SB) ? (int64_t)(int32_t)a2[l] : (int64_t)(uint32_t)a2[l];
    for (unsigned i = 0; i < 4; ++i) {
      int64_t x = SA ? (int8_t)(a >> (8 * i)) : (uint8_t)(a >> (8 * i));
      int64_t y = SB ? (int8_t)(b >> (8 * i)) : (uint8_t)(b >> (8 * i));
      s += x * y;
    }
    d0[l] = (uint32_t)s;
  });
}

// Predicate logic
// ----------------------------------------------------------------

template <int Op>
static void hPredLogic(ExecCtx &c, const Inst &in, uint32_t m) {
  uint32_t a = c.P[in.a[0]];
  uint32_t b = Op < 3 ? c.P[in.a[1]] : 0;
  uint32_t r = Op == 0 ? (a & b) : Op == 1 ? (a | b) : Op == 2 ? (a ^ b) : ~a;
  setPred(c.P[in.d[0]], r, m);
}

bool isIntTy(Ty t) { return tyIsInt(t); }

} // namespace

/// Long by design (one branch per instruction of the family, so that each
/// instruction's operand checks sit next to the handler it selects; a new
/// instruction is one more branch).
bool decodeIntArith(DecodeCtx &c) {
  const std::string &b = c.pi.base;
  Inst &in = c.in;
  static const char *ops[] = {"add",   "sub",  "mul",  "mad",  "madc", "mul24",
                              "mad24", "div",  "rem",  "abs",  "neg",  "min",
                              "max",   "popc", "clz",  "brev", "bfe",  "bfi",
                              "bfind", "sad",  "addc", "subc", "dp4a"};
  bool mine = false;
  for (const char *o : ops)
    if (b == o)
      mine = true;
  if (!mine)
    return false;
  if (c.mods.types.empty())
    return c.error("missing type");
  const Ty ty = c.mods.types[0];
  if (b == "dp4a") {
    if (c.mods.types.size() != 2)
      return c.error("dp4a needs two types");
    bool sa = c.mods.types[0] == Ty::S32, sb = c.mods.types[1] == Ty::S32;
    if (!c.need(4))
      return true;
    in.d[0] = c.dest(0);
    for (int i = 0; i < 3; ++i)
      in.a[i] = c.value(i + 1, Ty::U32);
    in.fn = sa ? (sb ? hDp4a<true, true> : hDp4a<true, false>)
               : (sb ? hDp4a<false, true> : hDp4a<false, false>);
    c.mods.types.clear();
    (void)c.noMoreMods();
    return true;
  }
  if (!isIntTy(ty))
    return false; // floating-point forms
  if (c.mods.types.size() != 1)
    return c.error("unexpected second type");
  // Binary and unary forms (an error is left recorded in `c`).
  auto bin = [&](ExecFn fn) {
    if (!c.need(3))
      return;
    in.d[0] = c.dest(0);
    in.a[0] = c.value(1, ty);
    in.a[1] = c.value(2, ty);
    in.fn = fn;
  };
  auto un = [&](ExecFn fn) {
    if (!c.need(2))
      return;
    in.d[0] = c.dest(0);
    in.a[0] = c.value(1, ty);
    in.fn = fn;
  };
  const bool sat = c.mods.sat;
  c.mods.sat = false;
  if (b == "add" || b == "sub" || b == "addc" || b == "subc") {
    const bool sub = b[0] == 's';
    const bool useCarry = b.size() == 4;
    if (c.mods.cc || useCarry) {
      if (tyBits(ty) != 32 && tyBits(ty) != 64)
        return c.error("carry arithmetic needs a 32- or 64-bit type");
      if (!c.need(3))
        return true;
      in.d[0] = c.dest(0);
      in.a[0] = c.value(1, ty);
      in.a[1] = c.value(2, ty);
      // The carry flag (CC.CF) lives in a hidden per-function slot.
      in.a[2] = c.carrySlot();
      const bool set = c.mods.cc;
      const bool is64 = tyBits(ty) == 64;
#define MPT_CARRY(T)                                                           \
  (sub ? (useCarry ? (set ? hCarry<T, true, true, true>                        \
                          : hCarry<T, true, true, false>)                      \
                   : hCarry<T, true, false, true>)                             \
       : (useCarry ? (set ? hCarry<T, false, true, true>                       \
                          : hCarry<T, false, true, false>)                     \
                   : hCarry<T, false, false, true>))
      in.fn = is64 ? MPT_CARRY(uint64_t) : MPT_CARRY(uint32_t);
#undef MPT_CARRY
      c.mods.cc = false;
      (void)c.noMoreMods();
      return true;
    }
    if (sat) {
      if (ty != Ty::S32)
        return c.error(".sat needs .s32");
      bin(sub ? &Bin<OpSubSat>::H<int32_t>::run
              : &Bin<OpAddSat>::H<int32_t>::run);
    } else {
      bin(sub ? byIntType<Bin<OpSub>::H>(ty) : byIntType<Bin<OpAdd>::H>(ty));
    }
  } else if ((b == "mad" && c.mods.cc) || b == "madc") {
    const bool hi = c.mods.take("hi");
    if (!hi && !c.mods.take("lo"))
      return c.error(b + " with a carry needs .lo or .hi");
    if (tyBits(ty) != 32 && tyBits(ty) != 64)
      return c.error("carry arithmetic needs a 32- or 64-bit type");
    if (!c.need(4))
      return true;
    in.d[0] = c.dest(0);
    in.a[0] = c.value(1, ty);
    in.a[1] = c.value(2, ty);
    in.a[2] = c.value(3, ty);
    in.a[3] = c.carrySlot();
    const bool useCarry = b == "madc", set = c.mods.cc;
    c.mods.cc = false;
#define MPT_MADC(T)                                                            \
  (hi ? (useCarry ? (set ? hMadCarry<T, true, true, true>                      \
                         : hMadCarry<T, true, true, false>)                    \
                  : hMadCarry<T, true, false, true>)                           \
      : (useCarry ? (set ? hMadCarry<T, false, true, true>                     \
                         : hMadCarry<T, false, true, false>)                   \
                  : hMadCarry<T, false, false, true>))
    in.fn = ty == Ty::S32      ? MPT_MADC(int32_t)
            : ty == Ty::S64    ? MPT_MADC(int64_t)
            : tyBits(ty) == 64 ? MPT_MADC(uint64_t)
                               : MPT_MADC(uint32_t);
#undef MPT_MADC
  } else if (b == "mul" || b == "mad") {
    const bool mad = b == "mad";
    const bool lo = c.mods.take("lo"), hi = c.mods.take("hi"),
               wide = c.mods.take("wide");
    if (lo + hi + wide != 1)
      return c.error("mul/mad needs one of .lo, .hi, .wide");
    if (wide && tyBits(ty) == 64)
      return c.error(".wide needs a 16- or 32-bit type");
    if (!c.need(mad ? 4 : 3))
      return true;
    in.d[0] = c.dest(0);
    in.a[0] = c.value(1, ty);
    in.a[1] = c.value(2, ty);
    if (mad) {
      Ty cty = ty;
      if (wide)
        cty = tyBits(ty) == 16 ? (tyIsSigned(ty) ? Ty::S32 : Ty::U32)
                               : (tyIsSigned(ty) ? Ty::S64 : Ty::U64);
      in.a[2] = c.value(3, cty);
    }
    if (sat && !(mad && hi && ty == Ty::S32))
      return c.error(".sat is only allowed on mad.hi.s32");
    if (mad && hi && sat)
      in.fn = hMadHiSatS32;
    else if (wide)
      in.fn = mad ? byIntType<MadWide>(ty) : byIntType<MulWide>(ty);
    else if (hi)
      in.fn = mad ? byIntType<MadHi>(ty) : byIntType<Bin<OpMulHi>::H>(ty);
    else
      in.fn = mad ? byIntType<MadLo>(ty) : byIntType<Bin<OpMulLo>::H>(ty);
  } else if (b == "mul24" || b == "mad24") {
    const bool mad = b == "mad24";
    const bool hi = c.mods.take("hi");
    if (!hi && !c.mods.take("lo"))
      return c.error("mul24 needs .lo or .hi");
    if (ty != Ty::U32 && ty != Ty::S32)
      return c.error("mul24 needs .u32 or .s32");
    if (!c.need(mad ? 4 : 3))
      return true;
    in.d[0] = c.dest(0);
    in.a[0] = c.value(1, ty);
    in.a[1] = c.value(2, ty);
    if (mad)
      in.a[2] = c.value(3, ty);
    const bool s = ty == Ty::S32;
#define MPT_M24(S, H) (mad ? hMul24<S, H, true> : hMul24<S, H, false>)
    in.fn = s ? (hi ? MPT_M24(true, true) : MPT_M24(true, false))
              : (hi ? MPT_M24(false, true) : MPT_M24(false, false));
#undef MPT_M24
  } else if (b == "div") {
    bin(byIntType<Bin<OpDiv>::H>(ty));
  } else if (b == "rem") {
    bin(byIntType<Bin<OpRem>::H>(ty));
  } else if (b == "abs") {
    un(byIntType<Un<OpAbs>::H>(ty));
  } else if (b == "neg") {
    un(byIntType<Un<OpNeg>::H>(ty));
  } else if (b == "min" || b == "max") {
    const bool relu = c.mods.relu;
    c.mods.relu = false;
    if (relu && ty != Ty::S32)
      return c.error(".relu needs .s32");
    if (relu)
      bin(b == "min" ? &Bin<OpMinRelu>::H<int32_t>::run
                     : &Bin<OpMaxRelu>::H<int32_t>::run);
    else
      bin(b == "min" ? byIntType<Bin<OpMin>::H>(ty)
                     : byIntType<Bin<OpMax>::H>(ty));
  } else if (b == "popc" || b == "clz" || b == "bfind") {
    if (!c.need(2))
      return true;
    in.d[0] = c.dest(0);
    in.a[0] = c.value(1, ty);
    if (c.mods.take("shiftamt"))
      in.flags |= 1;
    const bool is64 = tyBits(ty) == 64;
    if (b == "popc")
      in.fn = is64 ? hCount<0, uint64_t> : hCount<0, uint32_t>;
    else if (b == "clz")
      in.fn = is64 ? hCount<1, uint64_t> : hCount<1, uint32_t>;
    else
      in.fn = ty == Ty::S32   ? hCount<2, int32_t>
              : ty == Ty::S64 ? hCount<2, int64_t>
              : is64          ? hCount<2, uint64_t>
                              : hCount<2, uint32_t>;
  } else if (b == "brev") {
    un(byIntType<Un<OpBrev>::H>(ty));
  } else if (b == "bfe") {
    if (!c.need(4))
      return true;
    in.d[0] = c.dest(0);
    in.a[0] = c.value(1, ty);
    in.a[1] = c.value(2, Ty::U32);
    in.a[2] = c.value(3, Ty::U32);
    in.fn = ty == Ty::S32      ? hBfe<int32_t>
            : ty == Ty::S64    ? hBfe<int64_t>
            : tyBits(ty) == 64 ? hBfe<uint64_t>
                               : hBfe<uint32_t>;
  } else if (b == "bfi") {
    if (!c.need(5))
      return true;
    in.d[0] = c.dest(0);
    in.a[0] = c.value(1, ty);
    in.a[1] = c.value(2, ty);
    in.a[2] = c.value(3, Ty::U32);
    in.a[3] = c.value(4, Ty::U32);
    in.fn = tyBits(ty) == 64 ? hBfi<uint64_t> : hBfi<uint32_t>;
  } else if (b == "sad") {
    if (!c.need(4))
      return true;
    in.d[0] = c.dest(0);
    for (int i = 0; i < 3; ++i)
      in.a[i] = c.value(i + 1, ty);
    in.fn = byIntType<SadH>(ty);
  }
  if (!in.fn)
    return c.error(std::string("unsupported type .") + tyName(ty));
  (void)c.noMoreMods();
  return true;
}

/// Long by design (one branch per instruction of the family, so that each
/// instruction's operand checks sit next to the handler it selects; a new
/// instruction is one more branch).
bool decodeLogic(DecodeCtx &c) {
  const std::string &b = c.pi.base;
  Inst &in = c.in;
  if (b == "and" || b == "or" || b == "xor" || b == "not" || b == "cnot") {
    const Ty ty = c.oneType();
    if (c.failed() || !c.noMoreMods())
      return true;
    const bool unary = b == "not" || b == "cnot";
    if (!c.need(unary ? 2 : 3))
      return true;
    if (ty == Ty::Pred) {
      if (b == "cnot")
        return c.error("cnot.pred is not valid");
      in.d[0] = c.pred(c.pi.ops[0]);
      in.a[0] = c.pred(c.pi.ops[1]);
      if (!unary)
        in.a[1] = c.pred(c.pi.ops[2]);
      in.fn = b == "and"   ? hPredLogic<0>
              : b == "or"  ? hPredLogic<1>
              : b == "xor" ? hPredLogic<2>
                           : hPredLogic<3>;
      return true;
    }
    if (!tyIsInt(ty))
      return c.error(std::string("unsupported type .") + tyName(ty));
    in.d[0] = c.dest(0);
    in.a[0] = c.value(1, ty);
    if (!unary)
      in.a[1] = c.value(2, ty);
    in.fn = b == "and"   ? byIntType<Bin<OpAnd>::H>(ty)
            : b == "or"  ? byIntType<Bin<OpOr>::H>(ty)
            : b == "xor" ? byIntType<Bin<OpXor>::H>(ty)
            : b == "not" ? byIntType<Un<OpNot>::H>(ty)
                         : byIntType<Un<OpCnot>::H>(ty);
    return true;
  }
  if (b == "shl" || b == "shr") {
    const Ty ty = c.oneType();
    if (c.failed() || !c.noMoreMods() || !c.need(3))
      return true;
    if (!tyIsInt(ty))
      return c.error(std::string("unsupported type .") + tyName(ty));
    in.d[0] = c.dest(0);
    in.a[0] = c.value(1, ty);
    in.a[1] = c.value(2, Ty::U32);
    in.fn = b == "shl" ? byIntType<Shift<OpShl>::H>(ty)
                       : byIntType<Shift<OpShr>::H>(ty);
    return true;
  }
  if (b == "shf") {
    const bool left = c.mods.take("l");
    if (!left && !c.mods.take("r"))
      return c.error("shf needs .l or .r");
    const bool wrap = c.mods.take("wrap");
    if (!wrap && !c.mods.take("clamp"))
      return c.error("shf needs .wrap or .clamp");
    if (c.oneType() != Ty::B32)
      return c.error("shf needs .b32");
    if (!c.noMoreMods() || !c.need(4))
      return true;
    in.d[0] = c.dest(0);
    for (int i = 0; i < 3; ++i)
      in.a[i] = c.value(i + 1, Ty::U32);
    in.fn = left ? (wrap ? hShf<true, true> : hShf<true, false>)
                 : (wrap ? hShf<false, true> : hShf<false, false>);
    return true;
  }
  if (b == "prmt") {
    static const char *modes[] = {"f4e", "b4e", "rc8", "ecl", "ecr", "rc16"};
    for (int i = 0; i < 6; ++i)
      if (c.mods.take(modes[i]))
        in.sub = (uint16_t)(i + 1);
    if (c.oneType() != Ty::B32)
      return c.error("prmt needs .b32");
    if (!c.noMoreMods() || !c.need(4))
      return true;
    in.d[0] = c.dest(0);
    for (int i = 0; i < 3; ++i)
      in.a[i] = c.value(i + 1, Ty::U32);
    in.fn = hPrmt;
    return true;
  }
  if (b == "lop3") {
    if (c.oneType() != Ty::B32)
      return c.error("lop3 needs .b32");
    if (!c.noMoreMods() || !c.need(5))
      return true;
    if (c.pi.ops[4].kind != Operand::Imm)
      return c.error("lop3 needs an immediate lookup table");
    in.d[0] = c.dest(0);
    for (int i = 0; i < 3; ++i)
      in.a[i] = c.value(i + 1, Ty::U32);
    in.imm = c.pi.ops[4].ival & 0xff;
    in.fn = hLop3;
    return true;
  }
  return false;
}

} // namespace detail
} // namespace ptxemu
} // namespace mpt
