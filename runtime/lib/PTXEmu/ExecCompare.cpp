//===- ExecCompare.cpp - setp, set, selp, slct, testp ---------------------===//

#include "ExecCommon.h"

namespace mpt {
namespace ptxemu {
namespace detail {

namespace {

enum Cmp : uint8_t {
  Eq,
  Ne,
  Lt,
  Le,
  Gt,
  Ge,
  Lo,
  Ls,
  Hi,
  Hs,
  Equ,
  Neu,
  Ltu,
  Leu,
  Gtu,
  Geu,
  Num,
  Nan,
};
enum BoolOp : uint8_t { BNone, BAnd, BOr, BXor };

bool parseCmp(const std::string &s, Cmp &c) {
  static const std::pair<const char *, Cmp> t[] = {
      {"eq", Eq},   {"ne", Ne},   {"lt", Lt},   {"le", Le},   {"gt", Gt},
      {"ge", Ge},   {"lo", Lo},   {"ls", Ls},   {"hi", Hi},   {"hs", Hs},
      {"equ", Equ}, {"neu", Neu}, {"ltu", Ltu}, {"leu", Leu}, {"gtu", Gtu},
      {"geu", Geu}, {"num", Num}, {"nan", Nan},
  };
  for (const auto &e : t)
    if (s == e.first) {
      c = e.second;
      return true;
    }
  return false;
}

template <typename T> inline bool cmpInt(Cmp op, T a, T b) {
  using UT = std::make_unsigned_t<T>;
  switch (op) {
  case Eq:
    return a == b;
  case Ne:
    return a != b;
  case Lt:
    return a < b;
  case Le:
    return a <= b;
  case Gt:
    return a > b;
  case Ge:
    return a >= b;
  case Lo:
    return (UT)a < (UT)b;
  case Ls:
    return (UT)a <= (UT)b;
  case Hi:
    return (UT)a > (UT)b;
  case Hs:
    return (UT)a >= (UT)b;
  default:
    return false;
  }
}

template <typename T> inline bool cmpFloat(Cmp op, T a, T b) {
  const bool un = std::isnan(a) || std::isnan(b);
  switch (op) {
  case Eq:
    return !un && a == b;
  case Ne:
    return !un && a != b;
  case Lt:
    return !un && a < b;
  case Le:
    return !un && a <= b;
  case Gt:
    return !un && a > b;
  case Ge:
    return !un && a >= b;
  case Equ:
    return un || a == b;
  case Neu:
    return un || a != b;
  case Ltu:
    return un || a < b;
  case Leu:
    return un || a <= b;
  case Gtu:
    return un || a > b;
  case Geu:
    return un || a >= b;
  case Num:
    return !un;
  case Nan:
    return un;
  default:
    return false;
  }
}

/// Per-lane compare results of one instruction as a lane mask.
template <typename T>
inline uint32_t compareMask(ExecCtx &c, const Inst &in, uint32_t m, bool ftz,
                            int half) {
  const uint64_t *a0 = c.R + (size_t)in.a[0] * 32;
  const uint64_t *a1 = c.R + (size_t)in.a[1] * 32;
  const Cmp op = (Cmp)in.sub;
  uint32_t res = 0;
  forLanes(m, [&](uint32_t l) {
    bool t;
    if (half >= 0) {
      // f16 (half 0/1) or bf16 (half 2/3) element of the operands
      const int sh = (half & 1) * 16;
      uint16_t x = (uint16_t)(a0[l] >> sh), y = (uint16_t)(a1[l] >> sh);
      float a, b;
      if (half >= 2) {
        a = fp::bf16ToFloat(x);
        b = fp::bf16ToFloat(y);
      } else {
        if (ftz) {
          if (fp::halfIsSubnormal(x))
            x &= 0x8000;
          if (fp::halfIsSubnormal(y))
            y &= 0x8000;
        }
        a = fp::halfToFloat(x);
        b = fp::halfToFloat(y);
      }
      t = cmpFloat(op, a, b);
    } else if constexpr (std::is_same_v<T, float>) {
      float a = rd<float>(a0[l]), b = rd<float>(a1[l]);
      if (ftz) {
        a = fp::ftz(a);
        b = fp::ftz(b);
      }
      t = cmpFloat(op, a, b);
    } else if constexpr (std::is_same_v<T, double>) {
      t = cmpFloat(op, rd<double>(a0[l]), rd<double>(a1[l]));
    } else {
      t = cmpInt<T>(op, rd<T>(a0[l]), rd<T>(a1[l]));
    }
    res |= (uint32_t)t << l;
  });
  return res;
}

/// The boolean combination of setp/set (`.and`/`.or`/`.xor` with a
/// predicate operand, optionally negated) applied to a lane mask.
struct PredCombiner {
  BoolOp op = BNone;
  uint32_t with = 0;

  PredCombiner(ExecCtx &c, const Inst &in) : op((BoolOp)(in.flags >> 4)) {
    if (op != BNone) {
      with = c.P[in.a[2]];
      if (in.flags & 2)
        with = ~with;
    }
  }
  uint32_t operator()(uint32_t mask) const {
    switch (op) {
    case BAnd:
      return mask & with;
    case BOr:
      return mask | with;
    case BXor:
      return mask ^ with;
    default:
      return mask;
    }
  }
};

template <typename T, int Half>
void hSetp(ExecCtx &c, const Inst &in, uint32_t m) {
  const bool ftz = in.flags & 1;
  uint32_t t = compareMask<T>(c, in, m, ftz, Half);
  const PredCombiner combine(c, in);
  setPred(c.P[in.d[0]], combine(t), m);
  if (in.d[1] != kNoSlot)
    setPred(c.P[in.d[1]], combine(~t), m);
}

/// setp on packed f16x2/bf16x2: p from the low halves, q from the high.
template <int Base> void hSetpX2(ExecCtx &c, const Inst &in, uint32_t m) {
  const bool ftz = in.flags & 1;
  uint32_t lo = compareMask<uint16_t>(c, in, m, ftz, Base);
  uint32_t hi = compareMask<uint16_t>(c, in, m, ftz, Base + 1);
  const PredCombiner combine(c, in);
  setPred(c.P[in.d[0]], combine(lo), m);
  setPred(c.P[in.d[1]], combine(hi), m);
}

template <typename T, int Half>
void hSet(ExecCtx &c, const Inst &in, uint32_t m) {
  const bool ftz = in.flags & 1;
  uint32_t t = PredCombiner(c, in)(compareMask<T>(c, in, m, ftz, Half));
  MPT_D(0);
  // The value of "true" in the destination type (false is 0).
  const uint64_t one = in.imm;
  forLanes(m, [&](uint32_t l) { d0[l] = ((t >> l) & 1) ? one : 0; });
}

/// set on packed halves: each half of d from the comparison of that half.
template <int Base> void hSetX2(ExecCtx &c, const Inst &in, uint32_t m) {
  const bool ftz = in.flags & 1;
  uint32_t lo = compareMask<uint16_t>(c, in, m, ftz, Base);
  uint32_t hi = compareMask<uint16_t>(c, in, m, ftz, Base + 1);
  const PredCombiner combine(c, in);
  lo = combine(lo);
  hi = combine(hi);
  MPT_D(0);
  const uint64_t one = in.imm; // per half
  forLanes(m, [&](uint32_t l) {
    d0[l] = (((lo >> l) & 1) ? one : 0) | ((((hi >> l) & 1) ? one : 0) << 16);
  });
}

void hSelp(ExecCtx &c, const Inst &in, uint32_t m) {
  MPT_D(0);
  MPT_A(0);
  MPT_A(1);
  const uint32_t p = c.P[in.a[2]];
  forLanes(m, [&](uint32_t l) { d0[l] = ((p >> l) & 1) ? a0[l] : a1[l]; });
}

template <bool F32> void hSlct(ExecCtx &c, const Inst &in, uint32_t m) {
  MPT_D(0);
  MPT_A(0);
  MPT_A(1);
  MPT_A(2);
  const bool ftz = in.flags & 1;
  forLanes(m, [&](uint32_t l) {
    bool ge;
    if (F32) {
      float v = rd<float>(a2[l]);
      if (ftz)
        v = fp::ftz(v);
      ge = v >= 0.0f;
    } else {
      ge = (int32_t)a2[l] >= 0;
    }
    d0[l] = ge ? a0[l] : a1[l];
  });
}

template <typename T> void hTestp(ExecCtx &c, const Inst &in, uint32_t m) {
  MPT_A(0);
  uint32_t res = 0;
  forLanes(m, [&](uint32_t l) {
    T v = rd<T>(a0[l]);
    bool t = false;
    switch (in.sub) {
    case 0:
      t = std::isfinite(v);
      break;
    case 1:
      t = std::isinf(v);
      break;
    case 2:
      t = !std::isnan(v);
      break;
    case 3:
      t = std::isnan(v);
      break;
    case 4:
      t = std::isnormal(v);
      break;
    case 5:
      t = std::fpclassify(v) == FP_SUBNORMAL;
      break;
    }
    res |= (uint32_t)t << l;
  });
  setPred(c.P[in.d[0]], res, m);
}

template <template <typename, int> class H> ExecFn pickCmp(Ty t) {
  switch (t) {
  case Ty::B16:
  case Ty::U16:
    return H<uint16_t, -1>::run;
  case Ty::S16:
    return H<int16_t, -1>::run;
  case Ty::B32:
  case Ty::U32:
    return H<uint32_t, -1>::run;
  case Ty::S32:
    return H<int32_t, -1>::run;
  case Ty::B64:
  case Ty::U64:
    return H<uint64_t, -1>::run;
  case Ty::S64:
    return H<int64_t, -1>::run;
  case Ty::F32:
    return H<float, -1>::run;
  case Ty::F64:
    return H<double, -1>::run;
  case Ty::F16:
    return H<uint16_t, 0>::run;
  case Ty::BF16:
    return H<uint16_t, 2>::run;
  default:
    return nullptr;
  }
}
template <typename T, int Half> struct SetpH {
  static void run(ExecCtx &c, const Inst &in, uint32_t m) {
    hSetp<T, Half>(c, in, m);
  }
};
template <typename T, int Half> struct SetH {
  static void run(ExecCtx &c, const Inst &in, uint32_t m) {
    hSet<T, Half>(c, in, m);
  }
};

} // namespace

/// Long by design (one branch per instruction of the family, so that each
/// instruction's operand checks sit next to the handler it selects; a new
/// instruction is one more branch).
bool decodeCompare(DecodeCtx &c) {
  const std::string &b = c.pi.base;
  Inst &in = c.in;
  if (b == "setp" || b == "set") {
    if (c.pi.mods.empty())
      return c.error("missing comparison");
    Cmp op;
    // The comparison is the first modifier; "lo" may have been read as
    // something else by the generic classification, so use the raw list.
    if (!parseCmp(c.pi.mods[0], op))
      return c.error("unknown comparison ." + c.pi.mods[0]);
    c.mods.take(c.pi.mods[0].c_str());
    BoolOp bop = BNone;
    if (c.mods.take("and"))
      bop = BAnd;
    else if (c.mods.take("or"))
      bop = BOr;
    else if (c.mods.take("xor"))
      bop = BXor;
    const bool ftz = c.mods.ftz;
    c.mods.ftz = false;
    if (!c.noMoreMods())
      return true;
    Ty ty;
    Ty dty = Ty::None;
    if (b == "set") {
      if (c.mods.types.size() != 2)
        return c.error("set needs a destination and a source type");
      dty = c.mods.types[0];
      ty = c.mods.types[1];
      switch (dty) {
      case Ty::U32:
      case Ty::S32:
        in.imm = 0xffffffff;
        break;
      case Ty::F32:
        in.imm = 0x3f800000;
        break;
      case Ty::F16:
      case Ty::F16x2:
        in.imm = 0x3c00;
        break;
      case Ty::BF16:
      case Ty::BF16x2:
        in.imm = 0x3f80;
        break;
      case Ty::U16:
      case Ty::S16:
        in.imm = 0xffff;
        break;
      default:
        return c.error(std::string("unsupported set destination type .") +
                       tyName(dty));
      }
      const bool dPacked = dty == Ty::F16x2 || dty == Ty::BF16x2;
      const bool sPacked = ty == Ty::F16x2 || ty == Ty::BF16x2;
      if (dPacked != sPacked)
        return c.error(
            "set with packed halves needs packed source and destination");
    } else {
      ty = c.oneType();
      if (c.failed())
        return true;
    }
    const bool isF = tyIsFloat(ty);
    if (!isF && op >= Equ)
      return c.error("unordered comparison on an integer type");
    if (isF && op >= Lo && op <= Hs)
      return c.error("unsigned comparison on a float type");
    if ((ty == Ty::B16 || ty == Ty::B32 || ty == Ty::B64) && op != Eq &&
        op != Ne)
      return c.error("only eq/ne are valid on bit types");
    if (tyIsSigned(ty) == false && !isF && op >= Lt && op <= Ge) {
      // lt/le/gt/ge on unsigned types compare unsigned: map them.
      op = op == Lt ? Lo : op == Le ? Ls : op == Gt ? Hi : Hs;
    }
    in.sub = op;
    in.flags = (uint8_t)((ftz ? 1 : 0) | (bop << 4));
    const size_t nops = bop == BNone ? 3 : 4;
    if (!c.need(nops))
      return true;
    const Operand &d = c.pi.ops[0];
    const Ty vty = ty == Ty::F16x2 || ty == Ty::BF16x2 ? Ty::B32 : ty;
    in.a[0] = c.value(1, vty);
    in.a[1] = c.value(2, vty);
    if (bop != BNone) {
      const Operand &p = c.pi.ops[3];
      in.a[2] = c.pred(p);
      if (p.neg)
        in.flags |= 2;
    }
    if (b == "set") {
      in.d[0] = c.dest(d);
      if (ty == Ty::F16x2 || ty == Ty::BF16x2)
        in.fn = ty == Ty::F16x2 ? hSetX2<0> : hSetX2<2>;
      else
        in.fn = pickCmp<SetH>(ty);
    } else {
      in.d[0] = c.pred(d);
      if (d.hasPair)
        in.d[1] = c.pred(d.elems[0]);
      if (ty == Ty::F16x2 || ty == Ty::BF16x2) {
        if (!d.hasPair)
          return c.error("setp on packed halves needs p|q");
        in.fn = ty == Ty::F16x2 ? hSetpX2<0> : hSetpX2<2>;
      } else {
        in.fn = pickCmp<SetpH>(ty);
      }
    }
    if (!in.fn)
      return c.error(std::string("unsupported type .") + tyName(ty));
    return true;
  }
  if (b == "selp") {
    const Ty ty = c.oneType();
    if (c.failed() || !c.noMoreMods() || !c.need(4))
      return true;
    in.d[0] = c.dest(0);
    in.a[0] = c.value(1, ty);
    in.a[1] = c.value(2, ty);
    in.a[2] = c.pred(c.pi.ops[3]);
    if (c.pi.ops[3].neg)
      return c.error("selp does not take a negated predicate");
    in.fn = hSelp;
    return true;
  }
  if (b == "slct") {
    if (c.mods.types.size() != 2)
      return c.error("slct needs two types");
    const Ty dty = c.mods.types[0], cty = c.mods.types[1];
    if (cty != Ty::S32 && cty != Ty::F32)
      return c.error("slct selector must be .s32 or .f32");
    in.flags = c.mods.ftz ? 1 : 0;
    c.mods.ftz = false;
    if (!c.noMoreMods() || !c.need(4))
      return true;
    in.d[0] = c.dest(0);
    in.a[0] = c.value(1, dty);
    in.a[1] = c.value(2, dty);
    in.a[2] = c.value(3, cty);
    in.fn = cty == Ty::F32 ? hSlct<true> : hSlct<false>;
    return true;
  }
  if (b == "testp") {
    static const char *ops[] = {"finite",     "infinite", "number",
                                "notanumber", "normal",   "subnormal"};
    int which = -1;
    for (int i = 0; i < 6; ++i)
      if (c.mods.take(ops[i]))
        which = i;
    if (which < 0)
      return c.error("testp needs an operation");
    const Ty ty = c.oneType();
    if (c.failed() || !c.noMoreMods() || !c.need(2))
      return true;
    in.sub = (uint16_t)which;
    in.d[0] = c.pred(c.pi.ops[0]);
    in.a[0] = c.value(1, ty);
    if (ty == Ty::F32)
      in.fn = hTestp<float>;
    else if (ty == Ty::F64)
      in.fn = hTestp<double>;
    else
      return c.error("testp needs .f32 or .f64");
    return true;
  }
  return false;
}

} // namespace detail
} // namespace ptxemu
} // namespace mpt
