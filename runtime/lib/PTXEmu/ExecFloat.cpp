//===- ExecFloat.cpp - f64/f32/f16/bf16 arithmetic ------------------------===//
//
// f32/f64 with every rounding mode (round-to-nearest natively, directed modes
// through the host's IEEE modes), .ftz and .sat; f16/bf16 and their packed
// x2 forms rounded exactly (the f32 intermediate of add/sub/mul is exact
// enough for a correct f16/bf16 rounding; fma goes through round-to-odd).
// The .approx transcendental instructions are computed with correctly
// rounded or libm results: within the ISA's error bounds, not bit-identical
// to the hardware's approximations.
//
//===----------------------------------------------------------------------===//

#include "ExecCommon.h"

#include <algorithm>

namespace mpt {
namespace ptxemu {
namespace detail {

using fp::Round;

namespace {

enum FOp : int {
  Add,
  Sub,
  Mul,
  Fma,
  Div,
  Min,
  Max,
  Abs,
  Neg,
  Rcp,
  Sqrt,
  Rsqrt,
  Sin,
  Cos,
  Lg2,
  Ex2,
  Tanh,
  Copysign,
};

constexpr uint8_t kFtz = 1, kSat = 2, kNaN = 4, kRelu = 8, kXorsignAbs = 16;

/// IEEE minNum/maxNum with -0 < +0; .NaN propagates NaN.
template <typename T> inline T fminPTX(T a, T b, bool nanProp) {
  if (std::isnan(a) || std::isnan(b)) {
    if (nanProp || (std::isnan(a) && std::isnan(b)))
      return std::numeric_limits<T>::quiet_NaN();
    return std::isnan(a) ? b : a;
  }
  if (a == b)
    return std::signbit(a) ? a : b;
  return a < b ? a : b;
}
template <typename T> inline T fmaxPTX(T a, T b, bool nanProp) {
  if (std::isnan(a) || std::isnan(b)) {
    if (nanProp || (std::isnan(a) && std::isnan(b)))
      return std::numeric_limits<T>::quiet_NaN();
    return std::isnan(a) ? b : a;
  }
  if (a == b)
    return std::signbit(a) ? b : a;
  return a > b ? a : b;
}

// f32 -------------------------------------------------------------------------

template <int Op, bool FTZ, bool SAT>
void hF32Bin(ExecCtx &c, const Inst &in, uint32_t m) {
  MPT_D(0);
  MPT_A(0);
  MPT_A(1);
  forLanes(m, [&](uint32_t l) {
    float a = rd<float>(a0[l]), b = rd<float>(a1[l]);
    if (FTZ) {
      a = fp::ftz(a);
      b = fp::ftz(b);
    }
    float r = Op == Add ? a + b : Op == Sub ? a - b : a * b;
    if (FTZ)
      r = fp::ftz(r);
    if (SAT)
      r = fp::satF32(r);
    d0[l] = wr<float>(r);
  });
}

template <bool FTZ, bool SAT>
void hF32Fma(ExecCtx &c, const Inst &in, uint32_t m) {
  MPT_D(0);
  MPT_A(0);
  MPT_A(1);
  MPT_A(2);
  forLanes(m, [&](uint32_t l) {
    float a = rd<float>(a0[l]), b = rd<float>(a1[l]), cc = rd<float>(a2[l]);
    if (FTZ) {
      a = fp::ftz(a);
      b = fp::ftz(b);
      cc = fp::ftz(cc);
    }
    float r = fp::fmaF32RN(a, b, cc);
    if (FTZ)
      r = fp::ftz(r);
    if (SAT)
      r = fp::satF32(r);
    d0[l] = wr<float>(r);
  });
}

/// Everything else on f32: one generic handler with run-time flags. Long by
/// design: one switch over the operations, inlined into the handler that
/// runs for every lane (a call per operation would cost in that loop).
template <int Op> void hF32Gen(ExecCtx &c, const Inst &in, uint32_t m) {
  MPT_D(0);
  MPT_A(0);
  const uint64_t *a1 = c.R + (size_t)in.a[1] * 32;
  const uint64_t *a2 = c.R + (size_t)in.a[2] * 32;
  const bool ftz = in.flags & kFtz, sat = in.flags & kSat;
  const Round r = (Round)in.rnd;
  const bool approx = in.sub & 1;
  forLanes(m, [&](uint32_t l) {
    float a = rd<float>(a0[l]);
    float b = 0, cc = 0;
    if (Op == Add || Op == Sub || Op == Mul || Op == Fma || Op == Div ||
        Op == Min || Op == Max || Op == Copysign)
      b = rd<float>(a1[l]);
    if (Op == Fma)
      cc = rd<float>(a2[l]);
    if (ftz) {
      a = fp::ftz(a);
      b = fp::ftz(b);
      cc = fp::ftz(cc);
    }
    float res = 0;
    const bool rn = r == Round::RN || approx;
    switch (Op) {
    case Add:
      res = rn ? a + b : fp::addF32(a, b, r);
      break;
    case Sub:
      res = rn ? a - b : fp::addF32(a, -b, r);
      break;
    case Mul:
      res = rn ? a * b : fp::mulF32(a, b, r);
      break;
    case Fma:
      res = rn ? fp::fmaF32RN(a, b, cc) : fp::fmaF32(a, b, cc, r);
      break;
    case Div:
      res = rn ? a / b : fp::divF32(a, b, r);
      break;
    case Rcp:
      res = rn ? 1.0f / a : fp::rcpF32(a, r);
      break;
    case Sqrt:
      res = rn ? std::sqrt(a) : fp::sqrtF32(a, r);
      break;
    case Rsqrt:
      res = (float)(1.0 / std::sqrt((double)a));
      break;
    case Sin:
      res = (float)std::sin((double)a);
      break;
    case Cos:
      res = (float)std::cos((double)a);
      break;
    case Lg2:
      res = (float)std::log2((double)a);
      break;
    case Ex2:
      res = (float)std::exp2((double)a);
      break;
    case Tanh:
      res = (float)std::tanh((double)a);
      break;
    case Abs:
      res = fp::floatOf(fp::bitsOf(a) & 0x7fffffffu);
      break;
    case Neg:
      res = fp::floatOf(fp::bitsOf(a) ^ 0x80000000u);
      break;
    case Min:
    case Max: {
      bool nan = in.flags & kNaN;
      if (in.flags & kXorsignAbs) {
        uint32_t sign = (fp::bitsOf(a) ^ fp::bitsOf(b)) & 0x80000000u;
        float x = std::fabs(a), y = std::fabs(b);
        res = Op == Min ? fminPTX(x, y, nan) : fmaxPTX(x, y, nan);
        if (!std::isnan(res))
          res = fp::floatOf(fp::bitsOf(res) | sign);
      } else {
        res = Op == Min ? fminPTX(a, b, nan) : fmaxPTX(a, b, nan);
      }
      break;
    }
    case Copysign: // copysign d, a, b: |b| with the sign of a
      res = fp::floatOf((fp::bitsOf(b) & 0x7fffffffu) |
                        (fp::bitsOf(a) & 0x80000000u));
      break;
    }
    if (ftz)
      res = fp::ftz(res);
    if (sat)
      res = fp::satF32(res);
    d0[l] = wr<float>(res);
  });
}

// f64 -------------------------------------------------------------------------

inline double ftz64(double x) {
  return std::fpclassify(x) == FP_SUBNORMAL ? std::copysign(0.0, x) : x;
}

template <int Op> void hF64Gen(ExecCtx &c, const Inst &in, uint32_t m) {
  MPT_D(0);
  MPT_A(0);
  const uint64_t *a1 = c.R + (size_t)in.a[1] * 32;
  const uint64_t *a2 = c.R + (size_t)in.a[2] * 32;
  const Round r = (Round)in.rnd;
  const bool rn = r == Round::RN || (in.sub & 1);
  const bool ftz = in.flags & kFtz;
  forLanes(m, [&](uint32_t l) {
    double a = rd<double>(a0[l]);
    if (ftz)
      a = ftz64(a);
    double b = 0, cc = 0;
    if (Op == Add || Op == Sub || Op == Mul || Op == Fma || Op == Div ||
        Op == Min || Op == Max || Op == Copysign)
      b = rd<double>(a1[l]);
    if (Op == Fma)
      cc = rd<double>(a2[l]);
    double res = 0;
    switch (Op) {
    case Add:
      res = rn ? a + b : fp::addF64(a, b, r);
      break;
    case Sub:
      res = rn ? a - b : fp::addF64(a, -b, r);
      break;
    case Mul:
      res = rn ? a * b : fp::mulF64(a, b, r);
      break;
    case Fma:
      res = rn ? std::fma(a, b, cc) : fp::fmaF64(a, b, cc, r);
      break;
    case Div:
      res = rn ? a / b : fp::divF64(a, b, r);
      break;
    case Rcp:
      res = rn ? 1.0 / a : fp::rcpF64(a, r);
      break;
    case Sqrt:
      res = rn ? std::sqrt(a) : fp::sqrtF64(a, r);
      break;
    case Rsqrt:
      res = 1.0 / std::sqrt(a);
      break;
    case Abs:
      res = fp::doubleOf(fp::bitsOf(a) & 0x7fffffffffffffffull);
      break;
    case Neg:
      res = fp::doubleOf(fp::bitsOf(a) ^ 0x8000000000000000ull);
      break;
    case Min:
      res = fminPTX(a, b, in.flags & kNaN);
      break;
    case Max:
      res = fmaxPTX(a, b, in.flags & kNaN);
      break;
    case Copysign:
      res = fp::doubleOf((fp::bitsOf(b) & 0x7fffffffffffffffull) |
                         (fp::bitsOf(a) & 0x8000000000000000ull));
      break;
    default:
      break;
    }
    d0[l] = wr<double>(ftz ? ftz64(res) : res);
  });
}

// f16 / bf16 (scalar and x2)
// ---------------------------------------------------

template <bool BF> inline float toF(uint16_t h) {
  return BF ? fp::bf16ToFloat(h) : fp::halfToFloat(h);
}
template <bool BF> inline uint16_t fromF(float f) {
  return BF ? fp::floatToBF16RN(f) : fp::floatToHalfRN(f);
}
template <bool BF> inline bool isSub(uint16_t h) {
  return BF ? fp::bf16IsSubnormal(h) : fp::halfIsSubnormal(h);
}
template <bool BF> inline uint16_t ftz16(uint16_t h) {
  return isSub<BF>(h) ? (uint16_t)(h & 0x8000) : h;
}

/// One f16/bf16 operation through f32 with one rounding. Long by design:
/// one switch over the operations, inlined into the per-lane handlers.
template <bool BF>
inline uint16_t op16(int op, uint16_t a, uint16_t b, uint16_t c,
                     uint8_t flags) {
  if (flags & kFtz) {
    a = ftz16<BF>(a);
    b = ftz16<BF>(b);
    c = ftz16<BF>(c);
  }
  const float x = toF<BF>(a), y = toF<BF>(b);
  uint16_t r;
  switch (op) {
  case Add:
    r = fromF<BF>(x + y);
    break;
  case Sub:
    r = fromF<BF>(x - y);
    break;
  case Mul:
    r = fromF<BF>(x * y);
    break;
  case Fma: {
    const double p = (double)x * (double)y; // exact
    r = fromF<BF>(fp::roundToOddF32(fp::addRoundToOdd(p, (double)toF<BF>(c))));
    break;
  }
  case Min:
  case Max: {
    const bool nan = flags & kNaN;
    float v;
    if (flags & kXorsignAbs) {
      uint16_t sign = (a ^ b) & 0x8000;
      v = op == Min ? fminPTX(std::fabs(x), std::fabs(y), nan)
                    : fmaxPTX(std::fabs(x), std::fabs(y), nan);
      r = std::isnan(v) ? fp::kHalfNaN : (uint16_t)(fromF<BF>(v) | sign);
    } else {
      v = op == Min ? fminPTX(x, y, nan) : fmaxPTX(x, y, nan);
      r = fromF<BF>(v);
    }
    break;
  }
  case Neg:
    r = a ^ 0x8000;
    break;
  case Abs:
    r = a & 0x7fff;
    break;
  case Ex2:
    r = fromF<BF>((float)std::exp2((double)x));
    break;
  case Tanh:
    r = fromF<BF>((float)std::tanh((double)x));
    break;
  case Rcp:
    r = fromF<BF>(1.0f / x);
    break;
  case Sqrt:
    r = fromF<BF>(std::sqrt(x));
    break;
  case Rsqrt:
    r = fromF<BF>((float)(1.0 / std::sqrt((double)x)));
    break;
  case Lg2:
    r = fromF<BF>((float)std::log2((double)x));
    break;
  case Sin:
    r = fromF<BF>((float)std::sin((double)x));
    break;
  case Cos:
    r = fromF<BF>((float)std::cos((double)x));
    break;
  default:
    r = 0;
  }
  const bool isNaN = BF ? fp::bf16IsNaN(r) : fp::halfIsNaN(r);
  if (isNaN)
    return (flags & kSat) ? 0 : BF ? fp::kBF16NaN : fp::kHalfNaN;
  if (flags & kFtz)
    r = ftz16<BF>(r);
  if (flags & kSat) {
    float v = toF<BF>(r);
    if (v <= 0.0f)
      r = 0;
    else if (v > 1.0f)
      r = fromF<BF>(1.0f);
  }
  if ((flags & kRelu) && (r & 0x8000))
    r = 0;
  return r;
}

template <bool BF, bool X2, int Op>
void h16(ExecCtx &c, const Inst &in, uint32_t m) {
  MPT_D(0);
  MPT_A(0);
  const uint64_t *a1 = c.R + (size_t)in.a[1] * 32;
  const uint64_t *a2 = c.R + (size_t)in.a[2] * 32;
  const uint8_t flags = in.flags;
  const bool two = Op == Add || Op == Sub || Op == Mul || Op == Fma ||
                   Op == Min || Op == Max;
  forLanes(m, [&](uint32_t l) {
    const uint32_t a = (uint32_t)a0[l];
    const uint32_t b = two ? (uint32_t)a1[l] : 0;
    const uint32_t cc = Op == Fma ? (uint32_t)a2[l] : 0;
    uint32_t r = op16<BF>(Op, (uint16_t)a, (uint16_t)b, (uint16_t)cc, flags);
    if (X2)
      r |= (uint32_t)op16<BF>(Op, (uint16_t)(a >> 16), (uint16_t)(b >> 16),
                              (uint16_t)(cc >> 16), flags)
           << 16;
    d0[l] = r;
  });
}

template <int Op> ExecFn pick16(Ty ty) {
  switch (ty) {
  case Ty::F16:
    return h16<false, false, Op>;
  case Ty::F16x2:
    return h16<false, true, Op>;
  case Ty::BF16:
    return h16<true, false, Op>;
  case Ty::BF16x2:
    return h16<true, true, Op>;
  default:
    return nullptr;
  }
}

template <int Op> ExecFn pickGen(Ty ty) {
  if (ty == Ty::F32)
    return hF32Gen<Op>;
  if (ty == Ty::F64)
    return hF64Gen<Op>;
  return pick16<Op>(ty);
}

} // namespace

/// Long by design (one branch per instruction of the family, so that each
/// instruction's operand checks sit next to the handler it selects; a new
/// instruction is one more branch).
bool decodeFloatArith(DecodeCtx &c) {
  const std::string &b = c.pi.base;
  static const std::pair<const char *, int> names[] = {
      {"add", Add},     {"sub", Sub},   {"mul", Mul},           {"fma", Fma},
      {"mad", Fma},     {"div", Div},   {"min", Min},           {"max", Max},
      {"abs", Abs},     {"neg", Neg},   {"rcp", Rcp},           {"sqrt", Sqrt},
      {"rsqrt", Rsqrt}, {"sin", Sin},   {"cos", Cos},           {"lg2", Lg2},
      {"ex2", Ex2},     {"tanh", Tanh}, {"copysign", Copysign},
  };
  int op = -1;
  for (const auto &n : names)
    if (b == n.first)
      op = n.second;
  if (op < 0)
    return false;
  Inst &in = c.in;
  Mods &md = c.mods;
  const Ty ty = c.oneType();
  if (c.failed())
    return true;
  if (!tyIsFloat(ty) || ty == Ty::TF32)
    return c.error(std::string("unsupported type .") + tyName(ty));
  const bool is16 = ty != Ty::F32 && ty != Ty::F64;
  // Modifiers.
  if (md.ftz) {
    // f64 has .ftz only on rcp.approx / rsqrt.approx (the seeds of nvcc's
    // double division and square root).
    if (ty == Ty::F64 && !((op == Rcp || op == Rsqrt) && md.approx))
      return c.error(".ftz is not valid for .f64 " + b);
    in.flags |= kFtz;
  }
  if (md.sat) {
    if (ty == Ty::F64 || ty == Ty::BF16 || ty == Ty::BF16x2)
      return c.error(".sat is not valid for this type");
    in.flags |= kSat;
  }
  if (md.nan) {
    if (op != Min && op != Max)
      return c.error(".NaN is only valid on min/max");
    in.flags |= kNaN;
  }
  if (md.relu) {
    if (op != Fma || !is16)
      return c.error(".relu is only valid on f16/bf16 fma");
    in.flags |= kRelu;
  }
  if (c.mods.take("xorsign")) {
    if (!c.mods.take("abs") || (op != Min && op != Max))
      return c.error(".xorsign.abs is only valid on min/max");
    in.flags |= kXorsignAbs;
  }
  const bool rndOk = op == Add || op == Sub || op == Mul || op == Fma ||
                     op == Div || op == Rcp || op == Sqrt;
  if (md.hasRnd) {
    if (!rndOk || md.irnd || md.rnd == Round::RNA)
      return c.error("rounding modifier not valid here");
    if (is16 && md.rnd != Round::RN)
      return c.error("only .rn is supported for f16/bf16 arithmetic");
    in.rnd = (uint8_t)md.rnd;
  }
  if (md.approx || md.full) {
    if (op == Div || op == Rcp || op == Sqrt)
      in.sub |= 1; // approximate: computed as the IEEE result
    else if (!(op == Rsqrt || op == Sin || op == Cos || op == Lg2 ||
               op == Ex2 || op == Tanh))
      return c.error(".approx is not valid here");
  } else if (op == Rsqrt || op == Sin || op == Cos || op == Lg2 || op == Ex2 ||
             op == Tanh) {
    return c.error("only the .approx form exists");
  } else if ((op == Div || op == Rcp || op == Sqrt) && !md.hasRnd) {
    return c.error("a rounding modifier (or .approx/.full) is required");
  }
  if (op == Fma && ty == Ty::F32 && !md.hasRnd && b == "mad")
    return c.error("mad.f32 without rounding modifier (sm_1x semantics)");
  if (b == "mad" && is16)
    return c.error("mad is not valid for f16/bf16");
  md.ftz = md.sat = md.nan = md.relu = md.approx = md.full = false;
  md.hasRnd = false;
  if (!c.noMoreMods())
    return true;

  const bool unary = op == Abs || op == Neg || op == Rcp || op == Sqrt ||
                     op == Rsqrt || op == Sin || op == Cos || op == Lg2 ||
                     op == Ex2 || op == Tanh;
  const size_t nsrc = unary ? 1 : op == Fma ? 3 : 2;
  if (!c.need(nsrc + 1))
    return true;
  in.d[0] = c.dest(0);
  const Ty valTy = ty == Ty::F16x2 || ty == Ty::BF16x2 ? Ty::B32 : ty;
  for (size_t i = 0; i < nsrc; ++i)
    in.a[i] = c.value(i + 1, valTy);
  for (size_t i = nsrc; i < 3; ++i)
    in.a[i] = in.a[0];
  in.ty = ty;

  // Fast paths for the common f32 forms.
  const Round rnd = (Round)in.rnd;
  const bool ftz = in.flags & kFtz, sat = in.flags & kSat;
  if (ty == Ty::F32 && rnd == Round::RN && !(in.flags & ~(kFtz | kSat))) {
    if (op == Add || op == Sub || op == Mul) {
#define MPT_F32BIN(O)                                                          \
  (ftz ? (sat ? hF32Bin<O, true, true> : hF32Bin<O, true, false>)              \
       : (sat ? hF32Bin<O, false, true> : hF32Bin<O, false, false>))
      in.fn = op == Add   ? MPT_F32BIN(Add)
              : op == Sub ? MPT_F32BIN(Sub)
                          : MPT_F32BIN(Mul);
#undef MPT_F32BIN
      return true;
    }
    if (op == Fma) {
      in.fn = ftz ? (sat ? hF32Fma<true, true> : hF32Fma<true, false>)
                  : (sat ? hF32Fma<false, true> : hF32Fma<false, false>);
      return true;
    }
  }
  switch (op) {
  case Add:
    in.fn = pickGen<Add>(ty);
    break;
  case Sub:
    in.fn = pickGen<Sub>(ty);
    break;
  case Mul:
    in.fn = pickGen<Mul>(ty);
    break;
  case Fma:
    in.fn = pickGen<Fma>(ty);
    break;
  case Div:
    in.fn = ty == Ty::F32   ? hF32Gen<Div>
            : ty == Ty::F64 ? hF64Gen<Div>
                            : nullptr;
    break;
  case Min:
    in.fn = pickGen<Min>(ty);
    break;
  case Max:
    in.fn = pickGen<Max>(ty);
    break;
  case Abs:
    in.fn = pickGen<Abs>(ty);
    break;
  case Neg:
    in.fn = pickGen<Neg>(ty);
    break;
  case Rcp:
    in.fn = pickGen<Rcp>(ty);
    break;
  case Sqrt:
    in.fn = pickGen<Sqrt>(ty);
    break;
  case Rsqrt:
    in.fn = pickGen<Rsqrt>(ty);
    break;
  case Sin:
    in.fn = ty == Ty::F64 ? nullptr : pickGen<Sin>(ty);
    break;
  case Cos:
    in.fn = ty == Ty::F64 ? nullptr : pickGen<Cos>(ty);
    break;
  case Lg2:
    in.fn = ty == Ty::F64 ? nullptr : pickGen<Lg2>(ty);
    break;
  case Ex2:
    in.fn = ty == Ty::F64 ? nullptr : pickGen<Ex2>(ty);
    break;
  case Tanh:
    in.fn = ty == Ty::F64 ? nullptr : pickGen<Tanh>(ty);
    break;
  case Copysign:
    in.fn = ty == Ty::F32   ? hF32Gen<Copysign>
            : ty == Ty::F64 ? hF64Gen<Copysign>
                            : nullptr;
    break;
  }
  if (!in.fn)
    return c.error(std::string("unsupported type .") + tyName(ty) + " for " +
                   b);
  return true;
}

} // namespace detail
} // namespace ptxemu
} // namespace mpt
