//===- ExecConvert.cpp - cvt in every direction ---------------------------===//
//
// int<->int (truncation or .sat clamping), int->float and float->float with
// .rn/.rz/.rm/.rp/.rna, float->int with .rni/.rzi/.rmi/.rpi (saturating, NaN
// -> 0), .ftz/.sat/.relu/.satfinite, packed cvt.*.f16x2.f32 / bf16x2.f32
// (operand a into the upper half), and tf32. Common conversions have
// dedicated handlers; the rest go through one exact generic converter.
//
//===----------------------------------------------------------------------===//

#include "ExecCommon.h"

namespace mpt {
namespace ptxemu {
namespace detail {

using fp::Round;

namespace {

constexpr uint8_t kFtz = 1, kSat = 2, kRelu = 4, kSatfinite = 8, kIrnd = 16,
                  kHasRnd = 32;

bool isF16ish(Ty t) { return t == Ty::F16 || t == Ty::BF16; }

/// Reads a source of type `t` as a double (floats) or integer.
struct Src {
  bool isFloat;
  double f;
  int64_t s;
  uint64_t u;
  bool neg;
};

inline Src readSrc(Ty t, uint64_t v, bool ftz) {
  Src r{};
  switch (t) {
  case Ty::F16:
    r.isFloat = true;
    r.f = fp::halfToFloat((uint16_t)v);
    break;
  case Ty::BF16:
    r.isFloat = true;
    r.f = fp::bf16ToFloat((uint16_t)v);
    break;
  case Ty::F32: {
    r.isFloat = true;
    float x = fp::floatOf((uint32_t)v);
    r.f = ftz ? fp::ftz(x) : x;
    break;
  }
  case Ty::F64:
    r.isFloat = true;
    r.f = fp::doubleOf(v);
    break;
  default: {
    const unsigned bits = tyBits(t);
    if (tyIsSigned(t)) {
      r.s = sext(v, bits);
      r.neg = r.s < 0;
      r.u = r.neg ? 0 - (uint64_t)r.s : (uint64_t)r.s;
    } else {
      r.u = zext(v, bits);
      r.s = (int64_t)r.u;
    }
  }
  }
  return r;
}

/// Rounds an exact value to the float format of `t`, returning its bits.
inline uint64_t toFloatBits(Ty t, double x, Round r, bool satfinite) {
  switch (t) {
  case Ty::F16:
    return fp::toHalf(x, r, satfinite);
  case Ty::BF16:
    return fp::toBF16(x, r, satfinite);
  case Ty::F32:
    return fp::roundToFormat(x, 8, 23, r, satfinite);
  case Ty::F64:
    return fp::bitsOf(x);
  default:
    return 0;
  }
}

inline bool bitsNeg(Ty t, uint64_t b) { return (b >> (tyBits(t) - 1)) & 1; }
inline bool bitsNaN(Ty t, uint64_t b) {
  switch (t) {
  case Ty::F16:
    return fp::halfIsNaN((uint16_t)b);
  case Ty::BF16:
    return fp::bf16IsNaN((uint16_t)b);
  case Ty::F32:
    return std::isnan(fp::floatOf((uint32_t)b));
  case Ty::F64:
    return std::isnan(fp::doubleOf(b));
  default:
    return false;
  }
}
inline uint64_t canonicalNaN(Ty t) {
  switch (t) {
  case Ty::F16:
    return fp::kHalfNaN;
  case Ty::BF16:
    return fp::kBF16NaN;
  case Ty::F32:
    return fp::kF32NaN;
  default:
    return 0x7fffffffffffffffull;
  }
}

/// The generic exact conversion of one value.
uint64_t convert(Ty dt, Ty at, Round rnd, uint8_t flags, uint64_t v) {
  const bool ftz = flags & kFtz;
  const Src s = readSrc(at, v, ftz);
  if (tyIsInt(dt)) {
    const unsigned bits = tyBits(dt);
    const bool sgn = tyIsSigned(dt);
    if (s.isFloat) {
      // float -> int saturates; NaN -> 0
      if (sgn)
        return wr<int64_t>(fp::floatToSigned(s.f, rnd, (int)bits));
      return fp::floatToUnsigned(s.f, rnd, (int)bits);
    }
    if (flags & kSat) {
      if (sgn) {
        const int64_t lo = bits == 64 ? INT64_MIN : -(int64_t(1) << (bits - 1));
        const int64_t hi =
            bits == 64 ? INT64_MAX : (int64_t(1) << (bits - 1)) - 1;
        if (tyIsSigned(at))
          return wr<int64_t>(s.s < lo ? lo : s.s > hi ? hi : s.s);
        return wr<int64_t>(s.u > (uint64_t)hi ? hi : (int64_t)s.u);
      }
      const uint64_t hi = bits == 64 ? UINT64_MAX : (uint64_t(1) << bits) - 1;
      if (tyIsSigned(at) && s.s < 0)
        return 0;
      return s.u > hi ? hi : s.u;
    }
    return sgn ? (uint64_t)sext(tyIsSigned(at) ? (uint64_t)s.s : s.u, bits)
               : zext(tyIsSigned(at) ? (uint64_t)s.s : s.u, bits);
  }
  // Float destination.
  uint64_t out;
  if (!s.isFloat) {
    if (dt == Ty::F64) {
      out = fp::bitsOf(tyIsSigned(at) ? fp::i64ToF64(s.s, rnd)
                                      : fp::u64ToF64(s.u, rnd));
    } else {
      // Round the magnitude (rounded to odd at 54 bits: exact enough), with
      // the directed modes mirrored for negative values.
      Round r = rnd;
      if (s.neg)
        r = r == Round::RM ? Round::RP : r == Round::RP ? Round::RM : r;
      out = toFloatBits(dt, fp::u64ToDoubleOdd(s.u), r, flags & kSatfinite);
      if (s.neg)
        out |= 1ull << (tyBits(dt) - 1);
    }
  } else {
    double x = s.f;
    if (flags & kIrnd)
      x = fp::roundIntegral(x, rnd);
    const bool narrowing =
        tyBits(dt) < tyBits(at) || (isF16ish(dt) && isF16ish(at) && dt != at);
    if (narrowing && !(flags & kIrnd))
      out = toFloatBits(dt, x, rnd, flags & kSatfinite);
    else
      out = toFloatBits(dt, x, Round::RN, flags & kSatfinite); // exact
  }
  // .sat clamps to [0.0, 1.0] and maps NaN to +0.0 (as add.sat & co.);
  // without it a NaN result is the canonical NaN.
  if (bitsNaN(dt, out))
    return (flags & kSat) ? 0 : canonicalNaN(dt);
  if (dt == Ty::F32 && ftz)
    out = fp::bitsOf(fp::ftz(fp::floatOf((uint32_t)out)));
  if ((flags & kRelu) && bitsNeg(dt, out))
    out = 0;
  if (flags & kSat) {
    const double y = dt == Ty::F16    ? fp::halfToFloat((uint16_t)out)
                     : dt == Ty::BF16 ? fp::bf16ToFloat((uint16_t)out)
                     : dt == Ty::F32  ? (double)fp::floatOf((uint32_t)out)
                                      : fp::doubleOf(out);
    if (!(y > 0))
      out = 0;
    else if (y > 1)
      out = toFloatBits(dt, 1.0, Round::RN, false);
  }
  return out;
}

void hCvtGeneric(ExecCtx &c, const Inst &in, uint32_t m) {
  MPT_D(0);
  MPT_A(0);
  const Ty dt = in.ty, at = in.ty2;
  const Round r = (Round)in.rnd;
  const uint8_t flags = in.flags;
  const bool sgnDst = tyIsSigned(dt);
  forLanes(m, [&](uint32_t l) {
    uint64_t v = convert(dt, at, r, flags, a0[l]);
    d0[l] = sgnDst ? (uint64_t)sext(v, tyBits(dt)) : v;
  });
}

/// cvt{.rnd}{.relu}{.satfinite}.{f16x2,bf16x2}.f32 d, a, b: a -> upper half.
void hCvtPack(ExecCtx &c, const Inst &in, uint32_t m) {
  MPT_D(0);
  MPT_A(0);
  MPT_A(1);
  const Ty half = in.ty2;
  const Round r = (Round)in.rnd;
  const uint8_t flags = in.flags;
  forLanes(m, [&](uint32_t l) {
    uint64_t hi = convert(half, Ty::F32, r, flags, a0[l]);
    uint64_t lo = convert(half, Ty::F32, r, flags, a1[l]);
    d0[l] = (uint32_t)((hi << 16) | (lo & 0xffff));
  });
}

/// cvt.{rna,rn,rz}{.satfinite}.tf32.f32: the f32 bit pattern rounded to a
/// 10-bit fraction (low 13 bits zero).
void hCvtTf32(ExecCtx &c, const Inst &in, uint32_t m) {
  MPT_D(0);
  MPT_A(0);
  const Round r = (Round)in.rnd;
  const bool satfinite = in.flags & kSatfinite;
  const bool relu = in.flags & kRelu;
  forLanes(m, [&](uint32_t l) {
    const float x = fp::floatOf((uint32_t)a0[l]);
    uint32_t out;
    if (std::isnan(x)) {
      out = fp::kF32NaN;
    } else {
      uint64_t t = fp::roundToFormat(x, 8, 10, r, satfinite);
      // Re-expand the 19-bit pattern into an f32 pattern.
      out = (uint32_t)(((t >> 18) & 1) << 31) | (uint32_t)((t & 0x3ffff) << 13);
      if (relu && (out >> 31))
        out = 0;
    }
    d0[l] = out;
  });
}

// Fast paths.
void hF32ToF16RN(ExecCtx &c, const Inst &in, uint32_t m) {
  MPT_D(0);
  MPT_A(0);
  forLanes(m, [&](uint32_t l) {
    d0[l] = fp::floatToHalfRN(fp::floatOf((uint32_t)a0[l]));
  });
}
void hF32ToBF16RN(ExecCtx &c, const Inst &in, uint32_t m) {
  MPT_D(0);
  MPT_A(0);
  forLanes(m, [&](uint32_t l) {
    d0[l] = fp::floatToBF16RN(fp::floatOf((uint32_t)a0[l]));
  });
}
void hF16ToF32(ExecCtx &c, const Inst &in, uint32_t m) {
  MPT_D(0);
  MPT_A(0);
  forLanes(m, [&](uint32_t l) {
    d0[l] = fp::bitsOf(fp::halfToFloat((uint16_t)a0[l]));
  });
}
void hBF16ToF32(ExecCtx &c, const Inst &in, uint32_t m) {
  MPT_D(0);
  MPT_A(0);
  forLanes(m, [&](uint32_t l) { d0[l] = (uint32_t)(uint16_t)a0[l] << 16; });
}
template <typename D, typename S>
void hIntToInt(ExecCtx &c, const Inst &in, uint32_t m) {
  MPT_D(0);
  MPT_A(0);
  forLanes(m, [&](uint32_t l) { d0[l] = wr<D>((D)rd<S>(a0[l])); });
}
template <typename S> void hIntToF32RN(ExecCtx &c, const Inst &in, uint32_t m) {
  MPT_D(0);
  MPT_A(0);
  forLanes(m, [&](uint32_t l) { d0[l] = wr<float>((float)rd<S>(a0[l])); });
}
template <typename S> void hIntToF64RN(ExecCtx &c, const Inst &in, uint32_t m) {
  MPT_D(0);
  MPT_A(0);
  forLanes(m, [&](uint32_t l) { d0[l] = wr<double>((double)rd<S>(a0[l])); });
}
void hF32ToF64(ExecCtx &c, const Inst &in, uint32_t m) {
  MPT_D(0);
  MPT_A(0);
  forLanes(m, [&](uint32_t l) {
    double v = fp::floatOf((uint32_t)a0[l]);
    d0[l] = std::isnan(v) ? 0x7fffffffffffffffull : fp::bitsOf(v);
  });
}

} // namespace

/// Long by design (one branch per instruction of the family, so that each
/// instruction's operand checks sit next to the handler it selects; a new
/// instruction is one more branch).
bool decodeConvert(DecodeCtx &c) {
  if (c.pi.base != "cvt")
    return false;
  Inst &in = c.in;
  Mods &md = c.mods;
  if (md.types.size() != 2)
    return c.error("cvt needs a destination and a source type");
  const Ty dt = md.types[0], at = md.types[1];
  in.ty = dt;
  in.ty2 = at;
  uint8_t flags = 0;
  if (md.ftz)
    flags |= kFtz;
  if (md.sat)
    flags |= kSat;
  if (md.relu)
    flags |= kRelu;
  if (md.satfinite)
    flags |= kSatfinite;
  if (md.irnd)
    flags |= kIrnd;
  if (md.hasRnd)
    flags |= kHasRnd;
  in.rnd = (uint8_t)md.rnd;
  const bool hasRnd = md.hasRnd;
  md.ftz = md.sat = md.relu = md.satfinite = md.hasRnd = false;
  if (!c.noMoreMods())
    return true;
  md.hasRnd = hasRnd;
  in.flags = flags;

  const bool dF = tyIsFloat(dt), aF = tyIsFloat(at);
  if (!(tyIsInt(dt) || dF) || !(tyIsInt(at) || aF))
    return c.error(std::string("unsupported cvt types .") + tyName(dt) + "." +
                   tyName(at));

  if (dt == Ty::F16x2 || dt == Ty::BF16x2) {
    if (at != Ty::F32)
      return c.error("packed cvt needs an .f32 source");
    if (!md.hasRnd || md.irnd || (md.rnd != Round::RN && md.rnd != Round::RZ))
      return c.error("packed cvt needs .rn or .rz");
    if (!c.need(3))
      return true;
    in.d[0] = c.dest(0);
    in.a[0] = c.value(1, Ty::F32);
    in.a[1] = c.value(2, Ty::F32);
    in.ty2 = dt == Ty::F16x2 ? Ty::F16 : Ty::BF16;
    in.fn = hCvtPack;
    return true;
  }
  if (!c.need(2))
    return true;
  in.d[0] = c.dest(0);
  in.a[0] = c.value(1, at);
  if (dt == Ty::TF32) {
    if (at != Ty::F32 || !md.hasRnd ||
        (md.rnd != Round::RNA && md.rnd != Round::RN && md.rnd != Round::RZ))
      return c.error("cvt.tf32 needs an .f32 source and .rna, .rn or .rz");
    in.fn = hCvtTf32;
    return true;
  }
  if (at == Ty::F16x2 || at == Ty::BF16x2 || at == Ty::TF32)
    return c.error("unsupported cvt source type");
  // Validate the rounding modifier.
  if (dF && !aF) {
    if (md.irnd)
      return c.error("integer rounding on an int-to-float cvt");
    if (md.rnd == Round::RNA)
      return c.error(".rna is only valid for tf32");
  } else if (!dF && aF) {
    if (!md.irnd)
      return c.error("float-to-int cvt needs .rni, .rzi, .rmi or .rpi");
  } else if (dF && aF) {
    const bool narrowing =
        tyBits(dt) < tyBits(at) || (isF16ish(dt) && isF16ish(at) && dt != at);
    if (narrowing && !md.hasRnd)
      return c.error("narrowing float cvt needs .rn, .rz, .rm or .rp");
    if (narrowing && md.irnd)
      return c.error("integer rounding on a narrowing float cvt");
    if (!narrowing && md.hasRnd && !md.irnd)
      return c.error("a widening float cvt is exact: no .rn/.rz/.rm/.rp");
    if (md.rnd == Round::RNA)
      return c.error(".rna is only valid for tf32");
  } else if (md.hasRnd) {
    return c.error("rounding modifier on an integer cvt");
  }
  if ((flags & (kRelu | kSatfinite)) && !(dt == Ty::F16 || dt == Ty::BF16))
    return c.error(".relu/.satfinite need an f16/bf16 destination");

  const Round r = md.rnd;
  const bool plain = !(flags & (kFtz | kSat | kRelu | kSatfinite));
  if (plain) {
    if (dt == Ty::F16 && at == Ty::F32 && r == Round::RN)
      in.fn = hF32ToF16RN;
    else if (dt == Ty::BF16 && at == Ty::F32 && r == Round::RN)
      in.fn = hF32ToBF16RN;
    else if (dt == Ty::F32 && at == Ty::F16)
      in.fn = hF16ToF32;
    else if (dt == Ty::F32 && at == Ty::BF16)
      in.fn = hBF16ToF32;
    else if (dt == Ty::F64 && at == Ty::F32 && !md.irnd)
      in.fn = hF32ToF64;
    else if (dt == Ty::F32 && !aF && r == Round::RN &&
             (at == Ty::S32 || at == Ty::U32 || at == Ty::S16 ||
              at == Ty::U16 || at == Ty::S8 || at == Ty::U8 || at == Ty::S64 ||
              at == Ty::U64))
      in.fn = at == Ty::S32   ? hIntToF32RN<int32_t>
              : at == Ty::U32 ? hIntToF32RN<uint32_t>
              : at == Ty::S16 ? hIntToF32RN<int16_t>
              : at == Ty::U16 ? hIntToF32RN<uint16_t>
              : at == Ty::S8  ? hIntToF32RN<int8_t>
              : at == Ty::U8  ? hIntToF32RN<uint8_t>
              : at == Ty::S64 ? hIntToF32RN<int64_t>
                              : hIntToF32RN<uint64_t>;
    else if (dt == Ty::F64 && !aF && r == Round::RN &&
             (at == Ty::S32 || at == Ty::U32))
      in.fn = at == Ty::S32 ? hIntToF64RN<int32_t> : hIntToF64RN<uint32_t>;
    else if (tyIsInt(dt) && tyIsInt(at)) {
      // Plain integer conversions: extend by the source, truncate to the
      // destination (slots hold values extended per destination sign).
#define MPT_I2I(D)                                                             \
  (at == Ty::S8       ? hIntToInt<D, int8_t>                                   \
   : at == Ty::S16    ? hIntToInt<D, int16_t>                                  \
   : at == Ty::S32    ? hIntToInt<D, int32_t>                                  \
   : at == Ty::S64    ? hIntToInt<D, int64_t>                                  \
   : tyBits(at) == 8  ? hIntToInt<D, uint8_t>                                  \
   : tyBits(at) == 16 ? hIntToInt<D, uint16_t>                                 \
   : tyBits(at) == 32 ? hIntToInt<D, uint32_t>                                 \
                      : hIntToInt<D, uint64_t>)
      switch (dt) {
      case Ty::S8:
        in.fn = MPT_I2I(int8_t);
        break;
      case Ty::S16:
        in.fn = MPT_I2I(int16_t);
        break;
      case Ty::S32:
        in.fn = MPT_I2I(int32_t);
        break;
      case Ty::S64:
        in.fn = MPT_I2I(int64_t);
        break;
      case Ty::U8:
      case Ty::B8:
        in.fn = MPT_I2I(uint8_t);
        break;
      case Ty::U16:
      case Ty::B16:
        in.fn = MPT_I2I(uint16_t);
        break;
      case Ty::U32:
      case Ty::B32:
        in.fn = MPT_I2I(uint32_t);
        break;
      default:
        in.fn = MPT_I2I(uint64_t);
        break;
      }
#undef MPT_I2I
    }
  }
  if (!in.fn)
    in.fn = hCvtGeneric;
  return true;
}

} // namespace detail
} // namespace ptxemu
} // namespace mpt
