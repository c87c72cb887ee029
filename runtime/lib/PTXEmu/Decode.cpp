//===- Decode.cpp - A parsed instruction to a pre-decoded Inst ------------===//
//
// The family decoders (Exec*.cpp) are written against DecodeCtx, which
// records the first error instead of unwinding: an instruction form the
// emulator does not implement (error()), or a PTX error found while
// resolving an operand, such as an undeclared register (fatal()). The
// decoders return once one is recorded, and decodeInstruction turns it into
// an unsupported instruction or a parse error. Nothing here throws.
//
//===----------------------------------------------------------------------===//

#include "Decode.h"

#include <algorithm>

namespace mpt {
namespace ptxemu {
namespace detail {

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

bool DecodeCtx::error(const std::string &msg) {
  if (err == Err::None) {
    err = Err::Unsupported;
    errMsg = msg;
  }
  return true;
}

void DecodeCtx::fatal(const std::string &msg) {
  if (err != Err::None)
    return;
  err = Err::Fatal;
  errMsg = msg;
  errLine = fb.line;
  errCol = fb.col;
}

uint32_t DecodeCtx::errorSlot(const std::string &msg) {
  (void)error(msg);
  return 0;
}

uint32_t DecodeCtx::fatalSlot(const std::string &msg) {
  fatal(msg);
  return 0;
}

const Operand *DecodeCtx::operand(size_t i) {
  if (i < pi.ops.size())
    return &pi.ops[i];
  // An operand a decoder reads without checking the count first.
  (void)error("missing operand");
  return nullptr;
}

bool DecodeCtx::need(size_t n) {
  if (pi.ops.size() == n)
    return true;
  (void)error("expected " + std::to_string(n) + " operands, found " +
              std::to_string(pi.ops.size()));
  return false;
}

bool DecodeCtx::noMoreMods() {
  if (!mods.rest.empty())
    return !error("unsupported modifier ." + mods.rest.front());
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
      return !error(std::string("unsupported modifier .") + f.second + " on " +
                    pi.base);
  return true;
}

Ty DecodeCtx::oneType() {
  if (failed())
    return Ty::None;
  if (mods.types.size() != 1) {
    (void)error(mods.types.empty() ? "missing type" : "unexpected second type");
    return Ty::None;
  }
  return mods.types[0];
}

// After an error the slot accessors hand out slot 0 and leave the
// FunctionBuilder alone: the instruction is dropped.
uint32_t DecodeCtx::zeroSlot() { return failed() ? 0 : fb.zeroSlot(); }
uint32_t DecodeCtx::carrySlot() {
  if (failed())
    return 0;
  if (fb.carry == kNoSlot)
    fb.carry = fb.f.numValueSlots++;
  return fb.carry;
}
uint32_t DecodeCtx::scratchSlot() {
  return failed() ? 0 : fb.f.numValueSlots++;
}
uint32_t DecodeCtx::sinkSlot() { return failed() ? 0 : fb.sinkSlot(); }
uint32_t DecodeCtx::constSlot(uint64_t v) {
  return failed() ? 0 : fb.constSlot(v);
}

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
  if (failed())
    return 0;
  switch (op.kind) {
  case Operand::Reg: {
    if (const auto *r = fb.findReg(op.name)) {
      if (r->pred)
        return errorSlot("predicate " + op.name + " used as a value");
      return r->idx;
    }
    Special s;
    if (FunctionBuilder::specialByName(op.name, s))
      return fb.specialSlot(s);

    uint32_t slot;
    Space sp;
    if (fb.symbolAddress(op.name, slot, sp))
      return slot;
    return fatalSlot("undeclared register or symbol '" + op.name + "'");
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
        return fatalSlot("offsets from dynamic shared memory symbols are not "
                         "supported");
      case FunctionBuilder::Lookup::NotFound:
        return fatalSlot("undeclared symbol '" + op.name + "'");
      }
    }
    return errorSlot("an address operand is not allowed here");
  default:
    return errorSlot("unexpected operand kind");
  }
}

uint32_t DecodeCtx::dest(const Operand &op) {
  if (failed())
    return 0;
  if (op.kind == Operand::Sink)
    return fb.sinkSlot();
  if (op.kind != Operand::Reg)
    return errorSlot("destination must be a register");
  const auto *r = fb.findReg(op.name);
  if (!r)
    return fatalSlot("undeclared register '" + op.name + "'");
  if (r->pred)
    return errorSlot("predicate " + op.name + " used as a value destination");
  return r->idx;
}

bool DecodeCtx::isPredReg(const Operand &op) {
  if (op.kind != Operand::Reg)
    return false;
  const auto *r = fb.findReg(op.name);
  return r && r->pred;
}

uint32_t DecodeCtx::pred(const Operand &op) {
  if (failed())
    return 0;
  if (op.kind != Operand::Reg)
    return errorSlot("expected a predicate register");
  const auto *r = fb.findReg(op.name);
  if (!r)
    return fatalSlot("undeclared predicate '" + op.name + "'");
  if (!r->pred)
    return errorSlot(op.name + " is not a predicate");
  return r->idx;
}

void DecodeCtx::address(const Operand &op, uint32_t &base, int64_t &imm,
                        Space *symSpace, bool *is32) {
  base = 0;
  imm = 0;
  if (symSpace)
    *symSpace = Space::Generic;
  if (is32)
    *is32 = false;
  if (failed())
    return;
  if (op.kind != Operand::Addr)
    return (void)error("expected an address operand [..]");
  imm = op.ival;
  if (op.name.empty()) {
    base = fb.zeroSlot();
    return;
  }
  if (const auto *r = fb.findReg(op.name)) {
    if (r->pred)
      return (void)error("predicate used as an address");
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
  fatal("undeclared register or symbol '" + op.name + "' in address");
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

/// The decoding itself; an error is left recorded in `c`.
static void decodeInto(DecodeCtx &c) {
  ParsedInst &pi = c.pi;
  if (!pi.guard.empty()) {
    Operand g;
    g.kind = Operand::Reg;
    g.name = pi.guard;
    c.in.guard = (int32_t)c.pred(g);
    c.in.guardNeg = pi.guardNeg;
    if (c.failed())
      return;
  }
  classifyModifiers(pi, c.mods);
  bool claimed = decodeControl(c) || decodeMove(c) || decodeIntArith(c) ||
                 decodeFloatArith(c) || decodeLogic(c) || decodeCompare(c) ||
                 decodeConvert(c) || decodeMemory(c) || decodeWarp(c);
  if (!claimed)
    (void)c.error("unsupported instruction '" + pi.base + "'");
}

bool decodeInstruction(FunctionBuilder &fb, ParsedInst &pi, Inst &in,
                       ParseDiag &diag) {
  DecodeCtx c(fb, pi, in);
  decodeInto(c);
  switch (c.err) {
  case DecodeCtx::Err::Fatal:
    diag = ParseDiag{c.errLine, c.errCol, c.errMsg};
    return false;
  case DecodeCtx::Err::Unsupported:
    markUnsupported(fb, pi, in, c.errMsg);
    return true;
  case DecodeCtx::Err::None:
    break;
  }
  if (in.ctl == Ctl::Bra && !pi.ops.empty() &&
      pi.ops.back().kind == Operand::Reg)
    fb.fixups.push_back(
        {in.index, pi.ops.back().name, fb.cur, pi.line, pi.ops.back().col});
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
