//===- Decode.cpp - A parsed instruction to a pre-decoded Inst ------------===//
//
// The family decoders (Exec*.cpp) are written against DecodeCtx, whose
// error() does not return: an instruction form the emulator does not
// implement unwinds out of the decoder as `Unsupported`, and a PTX error
// found while resolving an operand (an undeclared register) as
// `DecodeFatal`. decodeInstruction is the one place both are caught: they
// never leave this file, and the parser sees a returned value.
//
//===----------------------------------------------------------------------===//

#include "Decode.h"

#include <algorithm>
#include <stdexcept>

namespace mpt {
namespace ptxemu {
namespace detail {

namespace {
/// An instruction form the emulator does not implement: decoding goes on,
/// the instruction becomes Ctl::Unsupported.
struct Unsupported {
  std::string msg;
};

/// An error in the PTX found while decoding an operand: parsing stops.
struct DecodeFatal {
  uint32_t line, col;
  std::string msg;
};
} // namespace

/// Stops decoding with a PTX error at the statement being decoded.
[[noreturn]] static void fatal(FunctionBuilder &fb, const std::string &msg) {
  throw DecodeFatal{fb.line, fb.col, msg};
}

//===----------------------------------------------------------------------===//
// DecodeCtx
//===----------------------------------------------------------------------===//

bool Mods::take(const char *m) {
  auto it = std::find(rest.begin(), rest.end(), m);
  if (it == rest.end())
    return false;
  rest.erase(it);
  return true;
}

void DecodeCtx::error(const std::string &msg) { throw Unsupported{msg}; }

void DecodeCtx::need(size_t n) {
  if (pi.ops.size() != n)
    error("expected " + std::to_string(n) + " operands, found " +
          std::to_string(pi.ops.size()));
}

void DecodeCtx::noMoreMods() {
  if (!mods.rest.empty())
    error("unsupported modifier ." + mods.rest.front());
  // Classified modifiers a decoder did not consume are not silently
  // ignored either (a stray .cc would lose a carry, .sat a clamp, ...).
  const std::pair<bool, const char *> flags[] = {
      {mods.ftz, "ftz"},
      {mods.sat, "sat"},
      {mods.approx, "approx"},
      {mods.full, "full"},
      {mods.relu, "relu"},
      {mods.satfinite, "satfinite"},
      {mods.nan, "NaN"},
      {mods.noftz, "noftz"},
      {mods.cc, "cc"},
      {mods.hasRnd, "<rounding modifier>"},
      {mods.vec != 1, "<vector width>"},
  };
  for (const auto &f : flags)
    if (f.first)
      error(std::string("unsupported modifier .") + f.second + " on " +
            pi.base);
}

Ty DecodeCtx::oneType() {
  if (mods.types.size() != 1)
    error(mods.types.empty() ? "missing type" : "unexpected second type");
  return mods.types[0];
}

uint32_t DecodeCtx::zeroSlot() { return fb.zeroSlot(); }
uint32_t DecodeCtx::carrySlot() {
  if (fb.carry == kNoSlot)
    fb.carry = fb.f.numValueSlots++;
  return fb.carry;
}
uint32_t DecodeCtx::scratchSlot() { return fb.f.numValueSlots++; }
uint32_t DecodeCtx::sinkSlot() { return fb.sinkSlot(); }
uint32_t DecodeCtx::constSlot(uint64_t v) { return fb.constSlot(v); }

static uint64_t literalBits(DecodeCtx &c, const Operand &op, Ty ty) {
  if (op.kind == Operand::Imm) {
    if (tyIsFloat(ty)) {
      // PTX accepts integer literals in float instructions: the value.
      double v = (double)(int64_t)op.ival;
      switch (ty) {
      case Ty::F32:
        return fp::bitsOf((float)v);
      case Ty::F64:
        return fp::bitsOf(v);
      case Ty::F16:
        return fp::toHalf(v, fp::Round::RN);
      case Ty::BF16:
        return fp::toBF16(v, fp::Round::RN);
      default:
        return (uint64_t)op.ival;
      }
    }
    return (uint64_t)op.ival;
  }
  // FImm
  switch (ty) {
  case Ty::F32:
    if (op.isF32)
      return op.fbits;
    return fp::bitsOf((float)op.fval);
  case Ty::F64:
    return fp::bitsOf(op.fval);
  case Ty::F16:
    return fp::toHalf(op.fval, fp::Round::RN);
  case Ty::BF16:
    return fp::toBF16(op.fval, fp::Round::RN);
  default:
    // A float literal in a bit-typed instruction: its bits (mov.b32 %r,
    // 0f3F800000 is common).
    if (op.isF32 || tyBits(ty) == 32)
      return op.isF32 ? op.fbits : fp::bitsOf((float)op.fval);
    return op.fbits;
  }
}

uint32_t DecodeCtx::value(const Operand &op, Ty ty) {
  switch (op.kind) {
  case Operand::Reg: {
    if (const auto *r = fb.findReg(op.name)) {
      if (r->pred)
        error("predicate " + op.name + " used as a value");
      return r->idx;
    }
    Special s;
    if (FunctionBuilder::specialByName(op.name, s))
      return fb.specialSlot(s);

    uint32_t slot;
    Space sp;
    if (fb.symbolAddress(op.name, slot, sp))
      return slot;
    fatal(fb, "undeclared register or symbol '" + op.name + "'");
  }
  case Operand::Imm:
  case Operand::FImm:
    return fb.constSlot(literalBits(*this, op, ty));
  case Operand::Sink:
    return fb.sinkSlot();
  case Operand::Addr:
    if (op.hasPair && !op.name.empty()) { // symbol+offset as a value
      uint32_t slot;
      Space sp;
      switch (fb.symbolAddress(op.name, slot, sp, op.ival)) {
      case FunctionBuilder::Lookup::Found:
        return slot;
      case FunctionBuilder::Lookup::DynamicSharedOffset:
        fatal(fb, "offsets from dynamic shared memory symbols are not "
                  "supported");
      case FunctionBuilder::Lookup::NotFound:
        fatal(fb, "undeclared symbol '" + op.name + "'");
      }
    }
    error("an address operand is not allowed here");
  default:
    error("unexpected operand kind");
  }
}

uint32_t DecodeCtx::dest(const Operand &op) {
  if (op.kind == Operand::Sink)
    return fb.sinkSlot();
  if (op.kind != Operand::Reg)
    error("destination must be a register");
  const auto *r = fb.findReg(op.name);
  if (!r)
    fatal(fb, "undeclared register '" + op.name + "'");
  if (r->pred)
    error("predicate " + op.name + " used as a value destination");
  return r->idx;
}

bool DecodeCtx::isPredReg(const Operand &op) {
  if (op.kind != Operand::Reg)
    return false;
  const auto *r = fb.findReg(op.name);
  return r && r->pred;
}

uint32_t DecodeCtx::pred(const Operand &op) {
  if (op.kind != Operand::Reg)
    error("expected a predicate register");
  const auto *r = fb.findReg(op.name);
  if (!r)
    fatal(fb, "undeclared predicate '" + op.name + "'");
  if (!r->pred)
    error(op.name + " is not a predicate");
  return r->idx;
}

void DecodeCtx::address(const Operand &op, uint32_t &base, int64_t &imm,
                        Space *symSpace, bool *is32) {
  if (op.kind != Operand::Addr)
    error("expected an address operand [..]");
  imm = op.ival;
  if (symSpace)
    *symSpace = Space::Generic;
  if (is32)
    *is32 = false;
  if (op.name.empty()) {
    base = fb.zeroSlot();
    return;
  }
  if (const auto *r = fb.findReg(op.name)) {
    if (r->pred)
      error("predicate used as an address");
    base = r->idx;
    if (is32)
      *is32 = tyBits(r->ty) <= 32;
    return;
  }
  uint32_t slot;
  Space sp;
  if (fb.symbolAddress(op.name, slot, sp)) {
    base = slot;
    if (symSpace)
      *symSpace = sp;
    return;
  }

  fatal(fb, "undeclared register or symbol '" + op.name + "' in address");
}

//===----------------------------------------------------------------------===//
// Modifiers
//===----------------------------------------------------------------------===//

/// The rounding modifiers (.rn ... .rna, and the integer .rni ... .rpi);
/// false if `md` is none.
static bool roundingModifier(const std::string &md, Mods &mods) {
  if (md == "rn" || md == "rz" || md == "rm" || md == "rp" || md == "rna") {
    mods.hasRnd = true;
    mods.rnd = md == "rn"   ? fp::Round::RN
               : md == "rz" ? fp::Round::RZ
               : md == "rm" ? fp::Round::RM
               : md == "rp" ? fp::Round::RP
                            : fp::Round::RNA;
    return true;
  }
  if (md == "rni" || md == "rzi" || md == "rmi" || md == "rpi") {
    mods.hasRnd = true;
    mods.irnd = true;
    mods.rnd = md == "rni"   ? fp::Round::RN
               : md == "rzi" ? fp::Round::RZ
               : md == "rmi" ? fp::Round::RM
                             : fp::Round::RP;
    return true;
  }
  return false;
}

/// The flag modifiers (.ftz, .sat, ...); false if `md` is none.
static bool flagModifier(const std::string &md, Mods &mods) {
  const std::pair<const char *, bool Mods::*> flags[] = {
      {"ftz", &Mods::ftz},       {"sat", &Mods::sat},
      {"approx", &Mods::approx}, {"full", &Mods::full},
      {"relu", &Mods::relu},     {"satfinite", &Mods::satfinite},
      {"NaN", &Mods::nan},       {"noftz", &Mods::noftz},
      {"cc", &Mods::cc},
  };
  for (const auto &[name, field] : flags)
    if (md == name) {
      mods.*field = true;
      return true;
    }
  return false;
}

/// Memory-order, scope and cache hints: no effect in a sequential,
/// cache-less model.
static bool ignoredModifier(const std::string &md) {
  static const char *ignored[] = {
      "weak",
      "relaxed",
      "acquire",
      "release",
      "acq_rel",
      "volatile",
      "mmio",
      "gpu",
      "sys",
      "cluster",
      "wb",
      "wt",
      "cs",
      "lu",
      "cv",
      "L1::evict_normal",
      "L1::evict_unchanged",
      "L1::evict_first",
      "L1::evict_last",
      "L1::no_allocate",
      "L2::evict_normal",
      "L2::evict_first",
      "L2::evict_last",
      "L2::64B",
      "L2::128B",
      "L2::256B",
      "unified",
      "cta",
  };
  for (const char *s : ignored)
    if (md == s)
      return true;
  return false;
}

/// Sorts the modifiers of `pi` into `mods`: types, the state space, the
/// vector width, rounding, flags; hints are dropped and the rest kept in
/// order for the decoders to take.
static void classifyModifiers(const ParsedInst &pi, Mods &mods) {
  for (const std::string &md : pi.mods) {
    Ty t;
    if (parseTy(md, t)) {
      mods.types.push_back(t);
      continue;
    }
    if (md == "global" || md == "shared" || md == "shared::cta" ||
        md == "local" || md == "param" || md == "const" ||
        md == "param::entry" || md == "param::func") {
      if (mods.hasSpace) {
        mods.rest.push_back(md); // e.g. cp.async.shared.global
        continue;
      }
      mods.hasSpace = true;
      mods.space = md == "global"              ? Space::Global
                   : md == "local"             ? Space::Local
                   : md.rfind("param", 0) == 0 ? Space::Param
                   : md == "const"             ? Space::Const
                                               : Space::Shared;
      continue;
    }
    if (md == "v2" || md == "v4" || md == "v8") {
      mods.vec = md[1] - '0';
      continue;
    }
    if (roundingModifier(md, mods) || flagModifier(md, mods) ||
        ignoredModifier(md))
      continue;
    mods.rest.push_back(md);
  }
}

//===----------------------------------------------------------------------===//
// Instructions
//===----------------------------------------------------------------------===//

/// Makes `in` an unsupported instruction (keeping its guard, line and
/// index) with the note `why`, reported for kernels (a .func runs only
/// inlined into kernels, where it is reported).
static void markUnsupported(FunctionBuilder &fb, const ParsedInst &pi, Inst &in,
                            const std::string &why) {
  int32_t guard = in.guard;
  uint8_t guardNeg = in.guardNeg;
  uint32_t line = in.line, index = in.index;
  in = Inst{};
  in.ctl = Ctl::Unsupported;
  in.guard = guard;
  in.guardNeg = guardNeg;
  in.line = line;
  in.index = index;
  fb.f.notes[index] = why;
  if (fb.f.isEntry)
    fb.m.unsupported.push_back("line " + std::to_string(pi.line) + ": " +
                               pi.text + " (" + why + ")");
}

/// The decoding itself; throws Unsupported or DecodeFatal.
static void decodeOrThrow(FunctionBuilder &fb, ParsedInst &pi, Inst &in) {
  DecodeCtx c{fb, pi, Mods{}, in};
  if (!pi.guard.empty()) {
    Operand g;
    g.kind = Operand::Reg;
    g.name = pi.guard;
    in.guard = (int32_t)c.pred(g);
    in.guardNeg = pi.guardNeg;
  }
  classifyModifiers(pi, c.mods);
  bool claimed = decodeControl(c) || decodeMove(c) || decodeIntArith(c) ||
                 decodeFloatArith(c) || decodeLogic(c) || decodeCompare(c) ||
                 decodeConvert(c) || decodeMemory(c) || decodeWarp(c);
  if (!claimed)
    c.error("unsupported instruction '" + pi.base + "'");
  if (in.ctl == Ctl::Bra && !pi.ops.empty() &&
      pi.ops.back().kind == Operand::Reg)
    fb.fixups.push_back(
        {in.index, pi.ops.back().name, fb.cur, pi.line, pi.ops.back().col});
}

bool decodeInstruction(FunctionBuilder &fb, ParsedInst &pi, Inst &in,
                       ParseDiag &diag) {
  try {
    decodeOrThrow(fb, pi, in);
  } catch (const Unsupported &u) {
    markUnsupported(fb, pi, in, u.msg);
  } catch (const DecodeFatal &e) {
    diag = ParseDiag{e.line, e.col, e.msg};
    return false;
  } catch (const std::out_of_range &) {
    // An operand a decoder reads without checking the count first.
    markUnsupported(fb, pi, in, "missing operand");
  }
  return true;
}

bool guardPredicate(FunctionBuilder &fb, const std::string &name, int32_t &out,
                    ParseDiag &diag) {
  const FunctionBuilder::RegRef *r = fb.findReg(name);
  if (!r || !r->pred) {
    diag = ParseDiag{fb.line, fb.col,
                     r ? name + " is not a predicate"
                       : "undeclared predicate '" + name + "'"};
    return false;
  }
  out = (int32_t)r->idx;
  return true;
}

} // namespace detail
} // namespace ptxemu
} // namespace mpt
