//===- Parser.cpp - PTX text to pre-decoded functions ---------------------===//
//
// A hand-written lexer and recursive-descent parser for the PTX that LLVM's
// NVPTX backend and nvcc emit (ISA 7.0 - 9.x): module directives, variables
// with initialisers, entries and functions with parameters and performance
// directives, nested `{ }` scopes with register declarations, labels,
// predicated instructions. Each instruction is decoded as soon as it is
// parsed (registers must be declared before use in PTX); branch targets are
// resolved when the function ends.
//
//===----------------------------------------------------------------------===//

#include "Internal.h"

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <set>
#include <sstream>

namespace mpt {
namespace ptxemu {
namespace detail {

//===----------------------------------------------------------------------===//
// Types
//===----------------------------------------------------------------------===//

unsigned tyBits(Ty t) {
  switch (t) {
  case Ty::Pred:
    return 1;
  case Ty::B8:
  case Ty::U8:
  case Ty::S8:
  case Ty::E4M3:
  case Ty::E5M2:
    return 8;
  case Ty::B16:
  case Ty::U16:
  case Ty::S16:
  case Ty::F16:
  case Ty::BF16:
  case Ty::E4M3x2:
  case Ty::E5M2x2:
    return 16;
  case Ty::B32:
  case Ty::U32:
  case Ty::S32:
  case Ty::F32:
  case Ty::F16x2:
  case Ty::BF16x2:
  case Ty::TF32:
  case Ty::U16x2:
  case Ty::S16x2:
    return 32;
  case Ty::B64:
  case Ty::U64:
  case Ty::S64:
  case Ty::F64:
    return 64;
  case Ty::B128:
    return 128;
  case Ty::None:
    return 0;
  }
  return 0;
}

bool tyIsSigned(Ty t) {
  return t == Ty::S8 || t == Ty::S16 || t == Ty::S32 || t == Ty::S64;
}
bool tyIsFloat(Ty t) {
  return t == Ty::F16 || t == Ty::F16x2 || t == Ty::BF16 || t == Ty::BF16x2 ||
         t == Ty::F32 || t == Ty::F64 || t == Ty::TF32;
}
bool tyIsInt(Ty t) {
  switch (t) {
  case Ty::B8:
  case Ty::B16:
  case Ty::B32:
  case Ty::B64:
  case Ty::U8:
  case Ty::U16:
  case Ty::U32:
  case Ty::U64:
  case Ty::S8:
  case Ty::S16:
  case Ty::S32:
  case Ty::S64:
    return true;
  default:
    return false;
  }
}

static const struct {
  const char *name;
  Ty ty;
} kTypeNames[] = {
    {"pred", Ty::Pred},   {"b8", Ty::B8},         {"b16", Ty::B16},
    {"b32", Ty::B32},     {"b64", Ty::B64},       {"b128", Ty::B128},
    {"u8", Ty::U8},       {"u16", Ty::U16},       {"u32", Ty::U32},
    {"u64", Ty::U64},     {"s8", Ty::S8},         {"s16", Ty::S16},
    {"s32", Ty::S32},     {"s64", Ty::S64},       {"f16", Ty::F16},
    {"f16x2", Ty::F16x2}, {"bf16", Ty::BF16},     {"bf16x2", Ty::BF16x2},
    {"f32", Ty::F32},     {"f64", Ty::F64},       {"tf32", Ty::TF32},
    {"u16x2", Ty::U16x2}, {"s16x2", Ty::S16x2},   {"e4m3", Ty::E4M3},
    {"e5m2", Ty::E5M2},   {"e4m3x2", Ty::E4M3x2}, {"e5m2x2", Ty::E5M2x2},
};

bool parseTy(const std::string &s, Ty &t) {
  for (const auto &e : kTypeNames)
    if (s == e.name) {
      t = e.ty;
      return true;
    }
  return false;
}

const char *tyName(Ty t) {
  for (const auto &e : kTypeNames)
    if (e.ty == t)
      return e.name;
  return "none";
}

const char *spaceName(Space s) {
  switch (s) {
  case Space::Generic:
    return "generic";
  case Space::Global:
    return "global";
  case Space::Shared:
    return "shared";
  case Space::Local:
    return "local";
  case Space::Param:
    return "param";
  case Space::Const:
    return "const";
  }
  return "?";
}

//===----------------------------------------------------------------------===//
// Lexer
//===----------------------------------------------------------------------===//

namespace {

struct ParseError {
  uint32_t line, col;
  std::string msg;
};

/// An instruction form the emulator does not implement: decoding goes on,
/// the instruction becomes Ctl::Unsupported.
struct Unsupported {
  std::string msg;
};

struct Tok {
  enum Kind : uint8_t { End, Ident, Dir, Int, Float, Str, Punct } k = End;
  std::string s;     ///< Ident/Dir/Str text; Punct char
  uint64_t ival = 0; ///< Int value (two's complement)
  double fval = 0;
  uint64_t fbits = 0;
  bool f32hex = false, fhex = false;
  uint32_t line = 0, col = 0;
  bool is(char c) const { return k == Punct && s.size() == 1 && s[0] == c; }
  bool isDir(const char *d) const { return k == Dir && s == d; }
};

bool identStart(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
         c == '$' || c == '%';
}
bool identChar(char c) {
  return identStart(c) || (c >= '0' && c <= '9') || c == '.';
}

class Lexer {
public:
  explicit Lexer(std::string_view t) : t_(t) {}

  std::vector<Tok> run() {
    std::vector<Tok> out;
    for (;;) {
      Tok tk = next();
      bool end = tk.k == Tok::End;
      out.push_back(std::move(tk));
      if (end)
        break;
    }
    return out;
  }

private:
  std::string_view t_;
  size_t p_ = 0;
  uint32_t line_ = 1, col_ = 1;

  char peek(size_t o = 0) const { return p_ + o < t_.size() ? t_[p_ + o] : 0; }
  void adv() {
    if (t_[p_] == '\n') {
      ++line_;
      col_ = 1;
    } else {
      ++col_;
    }
    ++p_;
  }
  [[noreturn]] void err(const std::string &m) { throw ParseError{line_, col_, m}; }

  void skipSpace() {
    for (;;) {
      char c = peek();
      if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f') {
        adv();
      } else if (c == '/' && peek(1) == '/') {
        while (p_ < t_.size() && peek() != '\n')
          adv();
      } else if (c == '/' && peek(1) == '*') {
        adv();
        adv();
        while (p_ < t_.size() && !(peek() == '*' && peek(1) == '/'))
          adv();
        if (p_ >= t_.size())
          err("unterminated /* comment");
        adv();
        adv();
      } else {
        return;
      }
    }
  }

  void readName(Tok &tk) {
    while (p_ < t_.size()) {
      char c = peek();
      if (identChar(c)) {
        tk.s += c;
        adv();
      } else if (c == ':' && peek(1) == ':') {
        tk.s += "::";
        adv();
        adv();
      } else {
        break;
      }
    }
  }

  Tok next() {
    skipSpace();
    Tok tk;
    tk.line = line_;
    tk.col = col_;
    if (p_ >= t_.size())
      return tk;
    char c = peek();
    if (c == '.' && identStart(peek(1))) {
      // A directive ends at the next '.': `.reg.b32` is `.reg .b32`.
      tk.k = Tok::Dir;
      tk.s = ".";
      adv();
      while (p_ < t_.size()) {
        char ch = peek();
        if (identChar(ch) && ch != '.') {
          tk.s += ch;
          adv();
        } else if (ch == ':' && peek(1) == ':') {
          tk.s += "::";
          adv();
          adv();
        } else {
          break;
        }
      }
      return tk;
    }
    if (identStart(c)) {
      tk.k = Tok::Ident;
      readName(tk);
      return tk;
    }
    if (c >= '0' && c <= '9') {
      lexNumber(tk);
      return tk;
    }
    if (c == '"') {
      tk.k = Tok::Str;
      adv();
      while (p_ < t_.size() && peek() != '"') {
        if (peek() == '\\' && p_ + 1 < t_.size())
          adv();
        tk.s += peek();
        adv();
      }
      if (p_ >= t_.size())
        err("unterminated string");
      adv();
      return tk;
    }
    static const char *punct = "{}()[],;:+-!|@<>=*/";
    if (std::strchr(punct, c)) {
      tk.k = Tok::Punct;
      tk.s = std::string(1, c);
      adv();
      return tk;
    }
    err(std::string("unexpected character '") + c + "'");
  }

  void lexNumber(Tok &tk) {
    std::string s;
    while (p_ < t_.size() && (std::isalnum((unsigned char)peek()) ||
                              peek() == '.' || peek() == '_')) {
      char c = peek();
      s += c;
      adv();
      // The sign of a decimal exponent: 1.5e-3.
      bool decimal = s.find_first_of("xXfFdDbB") == std::string::npos;
      if ((c == 'e' || c == 'E') && decimal &&
          (peek() == '-' || peek() == '+')) {
        s += peek();
        adv();
      }
    }
    auto isHex = [](const std::string &h) {
      return !h.empty() && std::all_of(h.begin(), h.end(), [](char ch) {
        return std::isxdigit((unsigned char)ch);
      });
    };
    if (s.size() == 10 && (s[1] == 'f' || s[1] == 'F') && s[0] == '0' &&
        isHex(s.substr(2))) {
      tk.k = Tok::Float;
      tk.fhex = tk.f32hex = true;
      tk.fbits = std::strtoull(s.c_str() + 2, nullptr, 16);
      tk.fval = fp::floatOf((uint32_t)tk.fbits);
      return;
    }
    if (s.size() == 18 && (s[1] == 'd' || s[1] == 'D') && s[0] == '0' &&
        isHex(s.substr(2))) {
      tk.k = Tok::Float;
      tk.fhex = true;
      tk.fbits = std::strtoull(s.c_str() + 2, nullptr, 16);
      tk.fval = fp::doubleOf(tk.fbits);
      return;
    }
    std::string body = s;
    if (!body.empty() && (body.back() == 'U' || body.back() == 'u'))
      body.pop_back();
    char *end = nullptr;
    errno = 0;
    if (body.size() > 2 && body[0] == '0' && (body[1] == 'x' || body[1] == 'X')) {
      tk.k = Tok::Int;
      tk.ival = std::strtoull(body.c_str() + 2, &end, 16);
    } else if (body.size() > 2 && body[0] == '0' &&
               (body[1] == 'b' || body[1] == 'B')) {
      tk.k = Tok::Int;
      tk.ival = std::strtoull(body.c_str() + 2, &end, 2);
    } else if (body.find_first_of(".eE") != std::string::npos) {
      tk.k = Tok::Float;
      tk.fval = std::strtod(s.c_str(), &end);
      tk.fbits = fp::bitsOf(tk.fval);
      if (end && *end)
        err("malformed number '" + s + "'");
      return;
    } else if (body.size() > 1 && body[0] == '0') {
      tk.k = Tok::Int;
      tk.ival = std::strtoull(body.c_str() + 1, &end, 8);
    } else {
      tk.k = Tok::Int;
      tk.ival = std::strtoull(body.c_str(), &end, 10);
    }
    if (!end || *end || errno == ERANGE)
      err("malformed number '" + s + "'");
  }
};

} // namespace

//===----------------------------------------------------------------------===//
// Function builder: scopes, slots, operand resolution
//===----------------------------------------------------------------------===//

class FunctionBuilder {
public:
  FunctionBuilder(ModuleImpl &m, Function &f) : m(m), f(f) {
    scopes.push_back(Scope{{}, {}, -1, {}});
  }

  struct RegRef {
    bool pred;
    uint32_t idx;
    Ty ty;
  };
  /// A variable declared in a function body (.shared/.local, and call-site
  /// .param, which lives in local memory), or a callee parameter aliased to
  /// the call site's variable while a call is inlined.
  struct VarRef {
    Space space;
    uint32_t slot; ///< slot holding its address
  };
  struct Scope {
    std::unordered_map<std::string, RegRef> regs;
    std::unordered_map<std::string, uint32_t> labels;
    int parent;
    std::unordered_map<std::string, VarRef> vars;
  };
  struct Fixup {
    uint32_t inst;
    std::string label;
    int scope;
    uint32_t line, col;
  };

  ModuleImpl &m;
  Function &f;
  std::vector<Scope> scopes;
  int cur = 0;
  std::unordered_map<uint64_t, uint32_t> consts;
  std::map<Special, uint32_t> specials;
  std::unordered_map<std::string, uint32_t> symbolSlots;
  uint32_t zero = kNoSlot, sink = kNoSlot, carry = kNoSlot;
  std::vector<Fixup> fixups;
  std::vector<size_t> dynSharedConsts; ///< constSlots entries to patch
  uint64_t sharedEnd = 0, localEnd = 0;  ///< layout of body variables
  int inlineDepth = 0;
  uint32_t line = 0, col = 0;

  const VarRef *findVar(const std::string &name) const {
    for (int s = cur; s >= 0; s = scopes[s].parent) {
      auto it = scopes[s].vars.find(name);
      if (it != scopes[s].vars.end())
        return &it->second;
    }
    return nullptr;
  }

  [[noreturn]] void perr(const std::string &msg) {
    throw ParseError{line, col, msg};
  }

  void pushScope() {
    scopes.push_back(Scope{{}, {}, cur, {}});
    cur = (int)scopes.size() - 1;
  }
  void popScope() { cur = scopes[cur].parent; }

  void declareReg(const std::string &name, Ty ty) {
    auto &regs = scopes[cur].regs;
    if (regs.count(name))
      perr("register '" + name + "' declared twice in one scope");
    RegRef r{ty == Ty::Pred, 0, ty};
    r.idx = r.pred ? f.numPreds++ : f.numValueSlots++;
    regs.emplace(name, r);
  }

  const RegRef *findReg(const std::string &name) const {
    for (int s = cur; s >= 0; s = scopes[s].parent) {
      auto it = scopes[s].regs.find(name);
      if (it != scopes[s].regs.end())
        return &it->second;
    }
    return nullptr;
  }

  uint32_t constSlot(uint64_t v) {
    auto it = consts.find(v);
    if (it != consts.end())
      return it->second;
    uint32_t s = f.numValueSlots++;
    f.constSlots.push_back({s, v});
    consts.emplace(v, s);
    return s;
  }
  uint32_t zeroSlot() {
    if (zero == kNoSlot)
      zero = constSlot(0);
    return zero;
  }
  uint32_t sinkSlot() {
    if (sink == kNoSlot)
      sink = f.numValueSlots++;
    return sink;
  }
  uint32_t specialSlot(Special s) {
    auto it = specials.find(s);
    if (it != specials.end())
      return it->second;
    uint32_t slot = f.numValueSlots++;
    f.specialSlots.push_back({slot, s});
    specials.emplace(s, slot);
    return slot;
  }

  static bool specialByName(const std::string &n, Special &s) {
    static const std::pair<const char *, Special> names[] = {
        {"%tid.x", Special::TidX},
        {"%tid.y", Special::TidY},
        {"%tid.z", Special::TidZ},
        {"%ntid.x", Special::NtidX},
        {"%ntid.y", Special::NtidY},
        {"%ntid.z", Special::NtidZ},
        {"%ctaid.x", Special::CtaidX},
        {"%ctaid.y", Special::CtaidY},
        {"%ctaid.z", Special::CtaidZ},
        {"%nctaid.x", Special::NctaidX},
        {"%nctaid.y", Special::NctaidY},
        {"%nctaid.z", Special::NctaidZ},
        {"%laneid", Special::LaneId},
        {"%warpid", Special::WarpId},
        {"%nwarpid", Special::NWarpId},
        {"%smid", Special::SmId},
        {"%nsmid", Special::NSmId},
        {"%gridid", Special::GridId},
        {"%lanemask_eq", Special::LanemaskEq},
        {"%lanemask_le", Special::LanemaskLe},
        {"%lanemask_lt", Special::LanemaskLt},
        {"%lanemask_ge", Special::LanemaskGe},
        {"%lanemask_gt", Special::LanemaskGt},
        {"%dynamic_smem_size", Special::DynamicSmemSize},
        {"%total_smem_size", Special::TotalSmemSize},
        {"%cluster_ctarank", Special::ClusterCtaRank},
    };
    for (const auto &e : names)
      if (n == e.first) {
        s = e.second;
        return true;
      }
    if (n.rfind("%envreg", 0) == 0) {
      s = Special::Zero;
      return true;
    }
    return false;
  }

  /// Address (in its own state space) of a named variable or parameter,
  /// plus `addend`.
  bool symbolAddress(const std::string &name, uint32_t &slotOut, Space &space,
                     int64_t addend) {
    if (addend == 0)
      return symbolAddress(name, slotOut, space);
    auto git = m.globalIndex.find(name);
    if (git != m.globalIndex.end()) {
      uint32_t s = f.numValueSlots++;
      f.symbolSlots.push_back({s, git->second, addend});
      slotOut = s;
      space = m.globals[git->second].space;
      return true;
    }
    uint32_t base;
    if (!symbolAddress(name, base, space))
      return false;
    for (auto &cs : f.constSlots)
      if (cs.first == base) {
        bool dyn = false;
        for (size_t i : dynSharedConsts)
          if (f.constSlots[i].first == base)
            dyn = true;
        if (dyn)
          throw ParseError{line, col, "offsets from dynamic shared memory "
                                      "symbols are not supported"};
        slotOut = constSlot(cs.second + (uint64_t)addend);
        return true;
      }
    return false;
  }

  /// Address (in its own state space) of a named variable or parameter.
  bool symbolAddress(const std::string &name, uint32_t &slotOut,
                     Space &space) {
    if (const VarRef *v = findVar(name)) {
      slotOut = v->slot;
      space = v->space;
      return true;
    }
    for (const ParamInfo &p : f.params)
      if (p.name == name) {
        slotOut = constSlot(p.offset);
        space = Space::Param;
        return true;
      }
    for (const Variable &v : m.sharedVars)
      if (v.name == name) {
        if (v.isExtern) {
          // Dynamic shared memory starts after this function's static
          // shared variables: patched when the function ends.
          uint32_t s = f.numValueSlots++;
          f.constSlots.push_back({s, 0});
          dynSharedConsts.push_back(f.constSlots.size() - 1);
          slotOut = s;
        } else {
          slotOut = constSlot(v.offset);
        }
        space = Space::Shared;
        return true;
      }
    auto git = m.globalIndex.find(name);
    if (git != m.globalIndex.end()) {
      auto it = symbolSlots.find(name);
      if (it == symbolSlots.end()) {
        uint32_t s = f.numValueSlots++;
        f.symbolSlots.push_back({s, git->second, 0});
        it = symbolSlots.emplace(name, s).first;
      }
      slotOut = it->second;
      space = m.globals[git->second].space;
      return true;
    }
    return false;
  }
};

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
      {mods.ftz, "ftz"},           {mods.sat, "sat"},
      {mods.approx, "approx"},     {mods.full, "full"},
      {mods.relu, "relu"},         {mods.satfinite, "satfinite"},
      {mods.nan, "NaN"},           {mods.noftz, "noftz"},
      {mods.cc, "cc"},             {mods.hasRnd, "<rounding modifier>"},
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
    fb.perr("undeclared register or symbol '" + op.name + "'");
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
      if (fb.symbolAddress(op.name, slot, sp, op.ival))
        return slot;
      fb.perr("undeclared symbol '" + op.name + "'");
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
    fb.perr("undeclared register '" + op.name + "'");
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
    fb.perr("undeclared predicate '" + op.name + "'");
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

  fb.perr("undeclared register or symbol '" + op.name + "' in address");
}

//===----------------------------------------------------------------------===//
// Parser
//===----------------------------------------------------------------------===//

namespace {

std::atomic<uint64_t> gModuleIds{1};

uint64_t alignUp(uint64_t v, uint64_t a) { return a ? (v + a - 1) / a * a : v; }

/// Places a shared/local variable at an offset aligned to exactly `align`
/// (below 16 bytes): an access that needs more alignment than the PTX
/// declares is then reported as misaligned every time, instead of working
/// by luck as it may with ptxas's layout (a missing `.align 16` on a buffer
/// used by ldmatrix or cp.async is a real bug).
uint64_t placeExactly(uint64_t v, uint64_t align) {
  v = alignUp(v, align);
  if (align < 16)
    while (v % (2 * align) == 0)
      v += align;
  return v;
}

class Parser {
public:
  Parser(std::vector<Tok> toks, ModuleImpl &m) : t_(std::move(toks)), m_(m) {}

  void run() {
    // Phase 1: module structure; function bodies are only delimited.
    while (cur().k != Tok::End)
      topLevel();
    // Phase 2: decode every body, now that every function and variable is
    // known (calls are inlined, and callees may be defined after callers).
    for (Function &f : m_.functions) {
      auto it = bodies_.find(f.name);
      if (it == bodies_.end())
        continue;
      p_ = it->second.first;
      decodeBody(f);
    }
  }

private:
  std::vector<Tok> t_;
  size_t p_ = 0;
  ModuleImpl &m_;
  /// Token range [first, second) of each function body, after its '{'.
  std::unordered_map<std::string, std::pair<size_t, size_t>> bodies_;
  uint32_t inlineLabels_ = 0;

  const Tok &cur() const { return t_[p_]; }
  const Tok &peekTok(size_t o = 1) const {
    return t_[std::min(p_ + o, t_.size() - 1)];
  }
  void adv() {
    if (p_ + 1 < t_.size())
      ++p_;
  }
  [[noreturn]] void err(const std::string &m) {
    throw ParseError{cur().line, cur().col, m};
  }
  void expect(char c) {
    if (!cur().is(c))
      err(std::string("expected '") + c + "'" + got());
    adv();
  }
  std::string got() const {
    const Tok &t = cur();
    switch (t.k) {
    case Tok::End:
      return ", found end of file";
    case Tok::Int:
      return ", found a number";
    default:
      return ", found '" + t.s + "'";
    }
  }
  std::string ident() {
    if (cur().k != Tok::Ident)
      err("expected a name" + got());
    std::string s = cur().s;
    adv();
    return s;
  }
  uint64_t integer() {
    bool neg = false;
    if (cur().is('-')) {
      neg = true;
      adv();
    }
    if (cur().k != Tok::Int)
      err("expected an integer" + got());
    uint64_t v = cur().ival;
    adv();
    return neg ? 0 - v : v;
  }
  void skipLine(uint32_t line) {
    while (cur().k != Tok::End && cur().line == line)
      adv();
  }
  void skipTo(char c) {
    while (cur().k != Tok::End && !cur().is(c))
      adv();
    if (cur().is(c))
      adv();
  }
  void skipBalanced() { // at '{'
    int depth = 0;
    do {
      if (cur().is('{'))
        ++depth;
      else if (cur().is('}'))
        --depth;
      else if (cur().k == Tok::End)
        err("unbalanced braces");
      adv();
    } while (depth > 0);
  }

  void topLevel() {
    const Tok &t = cur();
    if (t.k != Tok::Dir)
      err("expected a directive at module scope" + got());
    std::string d = t.s;
    uint32_t line = t.line;
    if (d == ".version") {
      adv();
      if (cur().k == Tok::Float || cur().k == Tok::Int) {
        std::ostringstream os;
        if (cur().k == Tok::Int)
          os << cur().ival;
        else
          os << cur().fval;
        m_.version = os.str();
        if (m_.version.find('.') == std::string::npos)
          m_.version += ".0";
        adv();
      } else {
        err("expected a version number");
      }
    } else if (d == ".target") {
      adv();
      m_.target = ident();
      while (cur().is(',')) {
        adv();
        std::string extra = ident();
        if (extra != "texmode_independent" && extra != "texmode_unified" &&
            extra != "debug" && extra != "map_f64_to_f32")
          err("unknown .target option '" + extra + "'");
        if (extra == "map_f64_to_f32")
          err(".target map_f64_to_f32 is not supported");
      }
      if (m_.target.rfind("sm_", 0) != 0)
        err("unsupported target '" + m_.target + "'");
    } else if (d == ".address_size") {
      adv();
      const Tok at = cur();
      m_.addressSize = (unsigned)integer();
      if (m_.addressSize != 64)
        throw ParseError{at.line, at.col,
                         ".address_size " + std::to_string(m_.addressSize) +
                             " is not supported (only 64)"};
    } else if (d == ".file" || d == ".loc") {
      adv();
      skipLine(line);
    } else if (d == ".section") {
      adv();
      while (cur().k != Tok::End && !cur().is('{'))
        adv();
      skipBalanced();
    } else if (d == ".pragma" || d == ".alias") {
      skipTo(';');
    } else {
      parseDeclaration();
    }
  }

  /// Linkage/space prefixes then .entry / .func / variable.
  void parseDeclaration() {
    bool isExtern = false;
    for (;;) {
      const Tok &t = cur();
      if (t.isDir(".visible") || t.isDir(".weak") || t.isDir(".common")) {
        adv();
      } else if (t.isDir(".extern")) {
        isExtern = true;
        adv();
      } else {
        break;
      }
    }
    if (cur().isDir(".entry") || cur().isDir(".func")) {
      parseFunction(cur().isDir(".entry"));
      return;
    }
    if (cur().isDir(".global") || cur().isDir(".const") ||
        cur().isDir(".shared") || cur().isDir(".local")) {
      Variable v = parseVariable(isExtern);
      addModuleVariable(std::move(v));
      return;
    }
    err("unexpected directive '" + cur().s + "' at module scope");
  }

  /// [.space] [.align N] [.vN] .type name [dims] [= init] ;
  Variable parseVariable(bool isExtern) {
    Variable v;
    v.line = cur().line;
    v.isExtern = isExtern;
    const std::string sp = cur().s;
    if (sp == ".global")
      v.space = Space::Global;
    else if (sp == ".const")
      v.space = Space::Const;
    else if (sp == ".shared" || sp == ".shared::cta")
      v.space = Space::Shared;
    else if (sp == ".local")
      v.space = Space::Local;
    else
      err("expected a state space");
    adv();
    Ty ty = Ty::None;
    unsigned vec = 1;
    uint32_t align = 0;
    for (;;) {
      const Tok &t = cur();
      if (t.isDir(".align")) {
        adv();
        align = (uint32_t)integer();
      } else if (t.isDir(".v2") || t.isDir(".v4") || t.isDir(".v8")) {
        vec = (unsigned)std::atoi(t.s.c_str() + 2);
        adv();
      } else if (t.isDir(".attribute")) {
        adv();
        expect('(');
        while (!cur().is(')') && cur().k != Tok::End)
          adv();
        expect(')');
      } else if (t.k == Tok::Dir) {
        Ty tt;
        if (!parseTy(t.s.substr(1), tt))
          err("unexpected '" + t.s + "' in a variable declaration");
        ty = tt;
        adv();
      } else {
        break;
      }
    }
    if (ty == Ty::None)
      err("variable without a type");
    v.name = ident();
    const uint64_t elemBytes = std::max(1u, tyBytes(ty)) * vec;
    uint64_t count = 1;
    bool unsized = false;
    while (cur().is('[')) {
      adv();
      if (cur().is(']')) {
        unsized = true;
        adv();
        continue;
      }
      count *= integer();
      expect(']');
    }
    v.size = unsized ? 0 : count * elemBytes;
    v.align = align ? align : (uint32_t)elemBytes;
    if (cur().is('=')) {
      adv();
      std::vector<uint8_t> init;
      parseInit(v, ty, init);
      if (unsized)
        v.size = init.size();
      if (init.size() > v.size)
        err("initialiser of '" + v.name + "' is larger than the variable");
      init.resize(v.size, 0);
      v.init = std::move(init);
    }
    expect(';');
    return v;
  }

  void parseInitElem(Variable &v, Ty ty, std::vector<uint8_t> &out) {
    const unsigned n = std::max(1u, tyBytes(ty));
    uint64_t bits = 0;
    if (cur().k == Tok::Ident) {
      // An address: name, generic(name), name+off.
      bool generic = false;
      std::string sym = cur().s;
      adv();
      if (sym == "generic" && cur().is('(')) {
        adv();
        sym = ident();
        expect(')');
        generic = true;
      }
      int64_t add = 0;
      if (cur().is('+')) {
        adv();
        add = (int64_t)integer();
      }
      if (n != 8)
        err("address initialisers are only supported in 64-bit elements");
      v.addrInits.push_back({out.size(), sym, add, generic});
      out.resize(out.size() + 8, 0);
      return;
    }
    bool neg = false;
    if (cur().is('-')) {
      neg = true;
      adv();
    }
    if (cur().k == Tok::Int) {
      bits = neg ? 0 - cur().ival : cur().ival;
      if (tyIsFloat(ty)) {
        double d = neg ? -(double)cur().ival : (double)cur().ival;
        bits = ty == Ty::F32 ? fp::bitsOf((float)d) : fp::bitsOf(d);
      }
    } else if (cur().k == Tok::Float) {
      double d = neg ? -cur().fval : cur().fval;
      if (ty == Ty::F32)
        bits = cur().f32hex && !neg ? cur().fbits : fp::bitsOf((float)d);
      else if (ty == Ty::F64)
        bits = fp::bitsOf(d);
      else if (ty == Ty::F16)
        bits = fp::toHalf(d, fp::Round::RN);
      else if (ty == Ty::BF16)
        bits = fp::toBF16(d, fp::Round::RN);
      else
        bits = cur().fbits;
    } else {
      err("expected an initialiser value" + got());
    }
    adv();
    for (unsigned i = 0; i < n; ++i)
      out.push_back((uint8_t)(bits >> (8 * i)));
  }

  void parseInit(Variable &v, Ty ty, std::vector<uint8_t> &out) {
    if (cur().is('{')) {
      adv();
      if (!cur().is('}')) {
        for (;;) {
          parseInit(v, ty, out);
          if (cur().is(',')) {
            adv();
            continue;
          }
          break;
        }
      }
      expect('}');
      return;
    }
    parseInitElem(v, ty, out);
  }

  void addModuleVariable(Variable v) {
    if (v.space == Space::Shared) {
      if (v.isExtern && v.size == 0) {
        m_.hasExternShared = true;
        m_.externSharedAlign = std::max(m_.externSharedAlign, v.align);
      } else {
        v.isExtern = false;
        v.offset = placeExactly(m_.moduleSharedBytes, v.align);
        m_.moduleSharedBytes = (uint32_t)(v.offset + v.size);
      }
      m_.sharedVars.push_back(std::move(v));
      return;
    }
    if (v.space == Space::Local)
      err("module-scope .local variables are not supported");
    if (m_.globalIndex.count(v.name)) {
      Variable &old = m_.globals[m_.globalIndex[v.name]];
      if (old.isExtern && !v.isExtern) {
        old = std::move(v);
        return;
      }
      if (v.isExtern)
        return;
      err("variable '" + v.name + "' defined twice");
    }
    m_.globalIndex[v.name] = (uint32_t)m_.globals.size();
    m_.globals.push_back(std::move(v));
  }

  bool parseParamType(ParamInfo &p, bool &sawPtr) {
    // .param [.align N] .type [.ptr [.space] [.align N]] name [ [N] ]
    Ty ty = Ty::None;
    uint32_t align = 0;
    for (;;) {
      const Tok &t = cur();
      if (t.isDir(".align")) {
        adv();
        uint32_t a = (uint32_t)integer();
        if (!sawPtr)
          align = a;
      } else if (t.isDir(".ptr")) {
        sawPtr = true;
        adv();
      } else if (t.isDir(".global") || t.isDir(".shared") ||
                 t.isDir(".const") || t.isDir(".local")) {
        adv();
      } else if (t.k == Tok::Dir) {
        Ty tt;
        if (!parseTy(t.s.substr(1), tt))
          err("unexpected '" + t.s + "' in a parameter");
        ty = tt;
        adv();
      } else {
        break;
      }
    }
    if (ty == Ty::None)
      err("parameter without a type");
    p.name = ident();
    uint64_t count = 1;
    bool array = false;
    while (cur().is('[')) {
      adv();
      array = true;
      count *= integer();
      expect(']');
    }
    const uint32_t eb = std::max(1u, tyBytes(ty));
    p.size = (uint32_t)(eb * count);
    p.align = align ? align : eb;
    p.isPointer = sawPtr;
    if (array) {
      p.kind = ParamKind::Aggregate;
    } else {
      switch (ty) {
      case Ty::B8: p.kind = ParamKind::B8; break;
      case Ty::B16: p.kind = ParamKind::B16; break;
      case Ty::B32: p.kind = ParamKind::B32; break;
      case Ty::B64: p.kind = ParamKind::B64; break;
      case Ty::U8: p.kind = ParamKind::U8; break;
      case Ty::U16: p.kind = ParamKind::U16; break;
      case Ty::U32: p.kind = ParamKind::U32; break;
      case Ty::U64: p.kind = ParamKind::U64; break;
      case Ty::S8: p.kind = ParamKind::S8; break;
      case Ty::S16: p.kind = ParamKind::S16; break;
      case Ty::S32: p.kind = ParamKind::S32; break;
      case Ty::S64: p.kind = ParamKind::S64; break;
      case Ty::F16: p.kind = ParamKind::F16; break;
      case Ty::BF16: p.kind = ParamKind::BF16; break;
      case Ty::F32: p.kind = ParamKind::F32; break;
      case Ty::F64: p.kind = ParamKind::F64; break;
      default:
        err(std::string("unsupported parameter type .") + tyName(ty));
      }
      if (eb == 8)
        p.isPointer = true;
    }
    return true;
  }

  std::vector<ParamInfo> parseParamList(uint32_t &bytes) {
    std::vector<ParamInfo> params;
    expect('(');
    uint32_t off = 0;
    while (!cur().is(')')) {
      if (!cur().isDir(".param") && !cur().isDir(".reg"))
        err("expected .param" + got());
      adv();
      ParamInfo p;
      bool sawPtr = false;
      parseParamType(p, sawPtr);
      off = (uint32_t)alignUp(off, p.align);
      p.offset = off;
      off += p.size;
      params.push_back(std::move(p));
      if (cur().is(','))
        adv();
      else if (!cur().is(')'))
        err("expected ',' or ')'" + got());
    }
    expect(')');
    bytes = off;
    return params;
  }

  void parseFunction(bool isEntry) {
    Function f;
    f.isEntry = isEntry;
    f.line = cur().line;
    adv();
    uint32_t retBytes = 0;
    std::vector<ParamInfo> rets;
    if (!isEntry && cur().is('('))
      rets = parseParamList(retBytes); // return parameters
    f.name = ident();
    if (cur().is('('))
      f.params = parseParamList(f.paramBytes);
    // Return parameters of a .func come after its parameters (calls are
    // inlined: the names are aliased to the call site's variables).
    f.numRets = (uint32_t)rets.size();
    for (ParamInfo &r : rets) {
      r.offset += f.paramBytes;
      f.params.push_back(r);
    }
    // Performance directives.
    for (;;) {
      const Tok &t = cur();
      if (t.isDir(".maxntid") || t.isDir(".reqntid")) {
        bool req = t.isDir(".reqntid");
        adv();
        Dim3 d{1, 1, 1};
        d.x = (uint32_t)integer();
        if (cur().is(',')) {
          adv();
          d.y = (uint32_t)integer();
          if (cur().is(',')) {
            adv();
            d.z = (uint32_t)integer();
          }
        }
        (req ? f.reqntid : f.maxntid) = d;
      } else if (t.isDir(".minnctapersm") || t.isDir(".maxnreg") ||
                 t.isDir(".maxnctapersm") || t.isDir(".maxclusterrank") ||
                 t.isDir(".reqnctapercluster") ||
                 t.isDir(".explicitcluster") || t.isDir(".noreturn") ||
                 t.isDir(".blocksareclusters")) {
        adv();
        while (cur().k == Tok::Int || cur().is(',')) {
          adv();
        }
      } else if (t.isDir(".pragma")) {
        adv();
        while (cur().k == Tok::Str || cur().is(','))
          adv();
        if (cur().is(';'))
          adv();
      } else {
        break;
      }
    }
    if (cur().is(';')) {
      adv();
      f.isDecl = true;
      addFunction(std::move(f));
      return;
    }
    if (!cur().is('{'))
      err("expected '{' to begin the body of '" + f.name + "'" + got());
    adv();
    const size_t start = p_;
    for (int depth = 1; depth > 0; adv()) {
      if (cur().k == Tok::End)
        err("unexpected end of file in the body of '" + f.name + "'");
      if (cur().is('{'))
        ++depth;
      else if (cur().is('}'))
        --depth;
    }
    bodies_[f.name] = {start, p_};
    addFunction(std::move(f));
  }

  void addFunction(Function f) {
    auto it = m_.functionIndex.find(f.name);
    if (it != m_.functionIndex.end()) {
      Function &old = m_.functions[it->second];
      if (old.isDecl) {
        old = std::move(f);
        return;
      }
      if (f.isDecl)
        return;
      throw ParseError{f.line, 1, "function '" + f.name + "' defined twice"};
    }
    m_.functionIndex[f.name] = (uint32_t)m_.functions.size();
    m_.functions.push_back(std::move(f));
  }

  // Function bodies -----------------------------------------------------------

  void decodeBody(Function &f) {
    FunctionBuilder fb(m_, f);
    fb.sharedEnd = m_.moduleSharedBytes;
    parseStatements(fb, "");
    // Resolve branch targets.
    for (const auto &fx : fb.fixups) {
      bool found = false;
      for (int s = fx.scope; s >= 0; s = fb.scopes[s].parent) {
        auto it = fb.scopes[s].labels.find(fx.label);
        if (it != fb.scopes[s].labels.end()) {
          f.code[fx.inst].target = it->second;
          found = true;
          break;
        }
      }
      if (!found) {
        // A label of a nested scope used from outside it: accept it when the
        // name is unique in the function.
        int matches = 0;
        uint32_t at = 0;
        for (const auto &sc : fb.scopes) {
          auto it = sc.labels.find(fx.label);
          if (it != sc.labels.end()) {
            ++matches;
            at = it->second;
          }
        }
        if (matches == 1) {
          f.code[fx.inst].target = at;
          found = true;
        }
      }
      if (!found)
        throw ParseError{fx.line, fx.col, "undefined label '" + fx.label + "'"};
    }
    // A body must not fall off its end: add an implicit exit so the
    // scheduler never runs past the code.
    Inst ex;
    ex.ctl = Ctl::Exit;
    ex.line = cur().line;
    ex.index = (uint32_t)f.code.size();
    f.code.push_back(ex);
    f.text.push_back("<end of function>");
    f.staticSharedBytes = (uint32_t)fb.sharedEnd;
    f.dynamicSharedOffset = (uint32_t)alignUp(
        fb.sharedEnd, std::max<uint32_t>(16, m_.externSharedAlign));
    for (size_t i : fb.dynSharedConsts)
      f.constSlots[i].second = f.dynamicSharedOffset;
    f.localBytes = (uint32_t)alignUp(fb.localEnd, 8);
  }

  /// Declares a body variable in the current scope.
  void declareVar(FunctionBuilder &fb, Variable v) {
    Function &f = fb.f;
    if (fb.scopes[fb.cur].vars.count(v.name))
      err("variable '" + v.name + "' declared twice in one scope");
    if (v.space == Space::Shared) {
      v.offset = placeExactly(fb.sharedEnd, v.align);
      fb.sharedEnd = v.offset + v.size;
    } else {
      v.offset = placeExactly(fb.localEnd, v.align);
      fb.localEnd = v.offset + v.size;
    }
    fb.scopes[fb.cur].vars[v.name] =
        FunctionBuilder::VarRef{v.space, fb.constSlot(v.offset)};
    (v.space == Space::Shared ? f.sharedVars : f.localVars)
        .push_back(std::move(v));
  }

  /// Statements of a body from the current token (just after its '{') to
  /// its closing '}'. `retLabel` is set while a callee is inlined: its `ret`
  /// becomes a branch to that label.
  void parseStatements(FunctionBuilder &fb, const std::string &retLabel) {
    Function &f = fb.f;
    int depth = 1;
    while (depth > 0) {
      const Tok &t = cur();
      fb.line = t.line;
      fb.col = t.col;
      if (t.k == Tok::End)
        err("unexpected end of file in the body of '" + f.name + "'");
      if (t.is('{')) {
        adv();
        ++depth;
        fb.pushScope();
        continue;
      }
      if (t.is('}')) {
        adv();
        --depth;
        if (depth > 0)
          fb.popScope();
        continue;
      }
      if (t.k == Tok::Dir) {
        const std::string d = t.s;
        if (d == ".reg") {
          parseRegDecl(fb);
        } else if (d == ".shared" || d == ".local" || d == ".shared::cta") {
          declareVar(fb, parseVariable(false));
        } else if (d == ".param") {
          // Call-site parameters live in the thread's local memory; the
          // inlined callee's parameters are aliased to them.
          Variable v = parseParamVariable();
          v.space = Space::Local;
          declareVar(fb, std::move(v));
        } else if (d == ".pragma") {
          skipTo(';');
        } else if (d == ".loc" || d == ".file") {
          uint32_t line = t.line;
          adv();
          skipLine(line);
        } else {
          err("unexpected directive '" + d + "' in a function body");
        }
        continue;
      }
      if (t.k == Tok::Ident && peekTok().is(':')) {
        std::string name = t.s;
        adv();
        adv();
        auto &labels = fb.scopes[fb.cur].labels;
        if (labels.count(name))
          err("label '" + name + "' defined twice");
        labels[name] = (uint32_t)f.code.size();
        continue;
      }
      parseInstruction(fb, retLabel);
    }
  }

  /// `.param [.align N] .type name[N];` in a body.
  Variable parseParamVariable() {
    Variable v;
    v.line = cur().line;
    adv(); // .param
    Ty ty = Ty::None;
    uint32_t align = 0;
    while (cur().k == Tok::Dir) {
      if (cur().isDir(".align")) {
        adv();
        align = (uint32_t)integer();
        continue;
      }
      Ty t;
      if (!parseTy(cur().s.substr(1), t))
        err("unexpected '" + cur().s + "' in a .param declaration");
      ty = t;
      adv();
    }
    if (ty == Ty::None)
      err(".param without a type");
    v.name = ident();
    uint64_t count = 1;
    while (cur().is('[')) {
      adv();
      count *= integer();
      expect(']');
    }
    const uint32_t eb = std::max(1u, tyBytes(ty));
    v.size = count * eb;
    v.align = align ? align : eb;
    expect(';');
    return v;
  }

  /// Emits `@guard bra label` (the label is resolved at the end).
  void emitBranch(FunctionBuilder &fb, const std::string &label,
                  const std::string &guard, bool guardNeg, uint32_t line,
                  const std::string &text) {
    Function &f = fb.f;
    Inst in;
    in.ctl = Ctl::Bra;
    in.line = line;
    in.index = (uint32_t)f.code.size();
    if (!guard.empty()) {
      ParsedInst none;
      DecodeCtx c{fb, none, Mods{}, in};
      Operand g;
      g.kind = Operand::Reg;
      g.name = guard;
      in.guard = (int32_t)c.pred(g);
      in.guardNeg = guardNeg;
    }
    fb.fixups.push_back({in.index, label, fb.cur, line, 0});
    f.code.push_back(in);
    f.text.push_back(text);
  }

  /// Inlines `call (rets), callee, (args);`: the callee's body is decoded
  /// in a new scope of the caller, its parameter names bound to the call
  /// site's `.param` variables, its `ret` turned into a branch past it.
  void inlineCall(FunctionBuilder &fb, ParsedInst &pi) {
    auto unsupported = [&](const std::string &why) {
      Inst in;
      in.ctl = Ctl::Unsupported;
      in.line = pi.line;
      in.index = (uint32_t)fb.f.code.size();
      fb.f.notes[in.index] = why;
      if (fb.f.isEntry)
        m_.unsupported.push_back("line " + std::to_string(pi.line) + ": " +
                                 pi.text + " (" + why + ")");
      fb.f.code.push_back(in);
      fb.f.text.push_back(pi.text);
    };
    std::vector<std::string> rets, args;
    std::string callee;
    size_t i = 0;
    auto names = [&](const Operand &op, std::vector<std::string> &out) {
      for (const Operand &e : op.elems)
        out.push_back(e.name);
    };
    if (i < pi.ops.size() && pi.ops[i].kind == Operand::List)
      names(pi.ops[i++], rets);
    if (i < pi.ops.size() && pi.ops[i].kind == Operand::Reg)
      callee = pi.ops[i++].name;
    if (i < pi.ops.size() && pi.ops[i].kind == Operand::List)
      names(pi.ops[i++], args);
    if (callee.empty() || i != pi.ops.size())
      return unsupported("indirect calls and calls with a prototype are not "
                         "supported");
    auto fit = m_.functionIndex.find(callee);
    auto bit = bodies_.find(callee);
    if (fit == m_.functionIndex.end() || bit == bodies_.end())
      return unsupported("call of '" + callee +
                         "', which has no body in this module");
    const Function &g = m_.functions[fit->second];
    if (g.isEntry)
      return unsupported("call of the kernel entry '" + callee + "'");
    if (fb.inlineDepth >= 32)
      return unsupported("calls nested more than 32 deep (recursion is not "
                         "supported)");
    const size_t nParams = g.params.size() - g.numRets;
    if (rets.size() != g.numRets || args.size() != nParams)
      return unsupported("call of '" + callee + "' with " +
                         std::to_string(args.size()) + " argument(s) and " +
                         std::to_string(rets.size()) + " result(s)");
    const std::string id = std::to_string(inlineLabels_++);
    const std::string skip = "$__inline_skip_" + id;
    const std::string done = "$__inline_ret_" + id;
    if (!pi.guard.empty())
      emitBranch(fb, skip, pi.guard, !pi.guardNeg, pi.line,
                 "@" + std::string(pi.guardNeg ? "" : "!") + pi.guard +
                     " bra (around " + pi.text + ")");
    // Bind the callee's parameter names in a new scope.
    std::vector<std::pair<std::string, FunctionBuilder::VarRef>> binds;
    for (size_t k = 0; k < g.params.size(); ++k) {
      const std::string &site = k < nParams ? args[k] : rets[k - nParams];
      const FunctionBuilder::VarRef *v = fb.findVar(site);
      if (!v || v->space != Space::Local)
        return unsupported("call argument '" + site +
                           "' is not a .param variable of the call site");
      binds.push_back({g.params[k].name, *v});
    }
    fb.pushScope();
    const int scope = fb.cur;
    for (auto &b : binds)
      fb.scopes[scope].vars[b.first] = b.second;
    const size_t saved = p_;
    p_ = bit->second.first;
    ++fb.inlineDepth;
    parseStatements(fb, done);
    --fb.inlineDepth;
    p_ = saved;
    fb.scopes[scope].labels[done] = (uint32_t)fb.f.code.size();
    fb.popScope();
    if (!pi.guard.empty())
      fb.scopes[fb.cur].labels[skip] = (uint32_t)fb.f.code.size();
  }

  void parseRegDecl(FunctionBuilder &fb) {
    adv(); // .reg
    Ty ty = Ty::None;
    while (cur().k == Tok::Dir) {
      if (cur().s == ".v2" || cur().s == ".v4")
        err("vector registers (.reg .v2/.v4) are not supported");
      Ty t;
      if (!parseTy(cur().s.substr(1), t))
        err("unexpected '" + cur().s + "' in .reg");
      ty = t;
      adv();
    }
    if (ty == Ty::None)
      err(".reg without a type");
    for (;;) {
      std::string name = ident();
      if (cur().is('<')) {
        adv();
        uint64_t n = integer();
        expect('>');
        if (n > 1000000)
          err("too many registers");
        for (uint64_t i = 0; i < n; ++i)
          fb.declareReg(name + std::to_string(i), ty);
      } else {
        fb.declareReg(name, ty);
      }
      if (cur().is(',')) {
        adv();
        continue;
      }
      break;
    }
    expect(';');
  }

  Operand parseOperand() {
    Operand op;
    op.col = cur().col;
    const Tok &t = cur();
    if (t.is('[')) {
      adv();
      op.kind = Operand::Addr;
      if (cur().k == Tok::Ident) {
        op.name = cur().s;
        adv();
      } else if (cur().k == Tok::Int || cur().is('-')) {
        op.ival = (int64_t)integer();
        op.addrImmBase = true;
      } else {
        err("expected a register, symbol or integer in an address" + got());
      }
      while (cur().is('+') || cur().is('-')) {
        bool minus = cur().is('-');
        adv();
        int64_t v = (int64_t)integer();
        op.ival += minus ? -v : v;
      }
      expect(']');
      return op;
    }
    if (t.is('{')) {
      adv();
      op.kind = Operand::Vec;
      while (!cur().is('}')) {
        op.elems.push_back(parseOperand());
        if (cur().is(','))
          adv();
        else if (!cur().is('}'))
          err("expected ',' or '}'" + got());
      }
      adv();
      return op;
    }
    if (t.is('(')) {
      adv();
      op.kind = Operand::List;
      while (!cur().is(')')) {
        op.elems.push_back(parseOperand());
        if (cur().is(','))
          adv();
        else if (!cur().is(')'))
          err("expected ',' or ')'" + got());
      }
      adv();
      return op;
    }
    if (t.is('!')) {
      adv();
      op = parseOperand();
      op.neg = true;
      return op;
    }
    if (t.is('-') || t.k == Tok::Int || t.k == Tok::Float) {
      bool neg = false;
      if (t.is('-')) {
        neg = true;
        adv();
      }
      if (cur().k == Tok::Int) {
        op.kind = Operand::Imm;
        op.ival = (int64_t)(neg ? 0 - cur().ival : cur().ival);
      } else if (cur().k == Tok::Float) {
        op.kind = Operand::FImm;
        op.fval = neg ? -cur().fval : cur().fval;
        op.isF32 = cur().f32hex;
        op.fbits = cur().fbits;
        if (neg)
          op.fbits ^= op.isF32 ? 0x80000000ull : 0x8000000000000000ull;
      } else {
        err("expected a number after '-'");
      }
      adv();
      return op;
    }
    if (t.k == Tok::Str) {
      op.kind = Operand::Str;
      op.name = t.s;
      adv();
      return op;
    }
    if (t.k == Tok::Ident) {
      op.name = t.s;
      op.kind = t.s == "_" ? Operand::Sink : Operand::Reg;
      adv();
      if (cur().is('|')) {
        adv();
        op.elems.push_back(parseOperand());
        op.hasPair = true;
      } else if (cur().is('+') && op.kind == Operand::Reg &&
                 op.name[0] != '%') {
        // symbol+offset as a value operand: treat as an address literal
        adv();
        Operand a;
        a.kind = Operand::Addr;
        a.name = op.name;
        a.ival = (int64_t)integer();
        a.hasPair = true; // marks "value of address"
        return a;
      }
      return op;
    }
    err("unexpected token in an operand" + got());
  }

  void parseInstruction(FunctionBuilder &fb, const std::string &retLabel) {
    Function &f = fb.f;
    ParsedInst pi;
    pi.line = cur().line;
    pi.col = cur().col;
    const size_t startTok = p_;
    if (cur().is('@')) {
      adv();
      if (cur().is('!')) {
        pi.guardNeg = true;
        adv();
      }
      pi.guard = ident();
    }
    pi.opcode = ident();
    {
      size_t dot = pi.opcode.find('.');
      pi.base = pi.opcode.substr(0, dot);
      while (dot != std::string::npos) {
        size_t next = pi.opcode.find('.', dot + 1);
        pi.mods.push_back(pi.opcode.substr(dot + 1, next == std::string::npos
                                                        ? std::string::npos
                                                        : next - dot - 1));
        dot = next;
      }
    }
    while (!cur().is(';')) {
      if (cur().k == Tok::End)
        err("missing ';' after instruction");
      pi.ops.push_back(parseOperand());
      if (cur().is(','))
        adv();
      else if (!cur().is(';'))
        err("expected ',' or ';' in operands" + got());
    }
    // Reconstruct the text for messages.
    {
      std::string text;
      for (size_t i = startTok; i < p_; ++i) {
        const Tok &tk = t_[i];
        std::string s;
        switch (tk.k) {
        case Tok::Int:
          s = std::to_string((int64_t)tk.ival);
          break;
        case Tok::Float: {
          if (tk.fhex) {
            char buf[32];
            std::snprintf(buf, sizeof buf, tk.f32hex ? "0f%08llX" : "0d%016llX",
                          (unsigned long long)tk.fbits);
            s = buf;
          } else {
            std::ostringstream os;
            os << tk.fval;
            s = os.str();
          }
          break;
        }
        case Tok::Str:
          s = "\"" + tk.s + "\"";
          break;
        default:
          s = tk.s;
        }
        bool tight = tk.is(',') || tk.is(']') || tk.is('}') || tk.is('|') ||
                     tk.is('+') || tk.is(')');
        bool prevTight = i > startTok &&
                         (t_[i - 1].is('[') || t_[i - 1].is('{') ||
                          t_[i - 1].is('@') || t_[i - 1].is('!') ||
                          t_[i - 1].is('|') || t_[i - 1].is('+') ||
                          t_[i - 1].is('(') || t_[i - 1].is('-'));
        if (!text.empty() && !tight && !prevTight)
          text += ' ';
        text += s;
      }
      pi.text = text + ";";
    }
    adv(); // ;
    fb.line = pi.line;
    fb.col = pi.col;
    if (pi.base == "call") {
      inlineCall(fb, pi);
      return;
    }
    if (pi.base == "ret" && !retLabel.empty()) {
      emitBranch(fb, retLabel, pi.guard, pi.guardNeg, pi.line, pi.text);
      return;
    }
    Inst in;
    in.line = pi.line;
    in.index = (uint32_t)f.code.size();
    decodeInstruction(fb, pi, in);
    f.code.push_back(in);
    f.text.push_back(pi.text);
  }

  void decodeInstruction(FunctionBuilder &fb, ParsedInst &pi, Inst &in) {
    Function &f = fb.f;
    DecodeCtx c{fb, pi, Mods{}, in};
    try {
      if (!pi.guard.empty()) {
        Operand g;
        g.kind = Operand::Reg;
        g.name = pi.guard;
        in.guard = (int32_t)c.pred(g);
        in.guardNeg = pi.guardNeg;
      }
      // Classify modifiers.
      for (const std::string &md : pi.mods) {
        Ty t;
        if (parseTy(md, t)) {
          c.mods.types.push_back(t);
          continue;
        }
        if (md == "global" || md == "shared" || md == "shared::cta" ||
            md == "local" || md == "param" || md == "const" ||
            md == "param::entry" || md == "param::func") {
          if (c.mods.hasSpace) {
            c.mods.rest.push_back(md); // e.g. cp.async.shared.global
            continue;
          }
          c.mods.hasSpace = true;
          c.mods.space = md == "global"   ? Space::Global
                         : md == "local"  ? Space::Local
                         : md.rfind("param", 0) == 0 ? Space::Param
                         : md == "const"  ? Space::Const
                                          : Space::Shared;
          continue;
        }
        if (md == "v2" || md == "v4" || md == "v8") {
          c.mods.vec = md[1] - '0';
          continue;
        }
        if (md == "rn" || md == "rz" || md == "rm" || md == "rp" ||
            md == "rna") {
          c.mods.hasRnd = true;
          c.mods.rnd = md == "rn"    ? fp::Round::RN
                       : md == "rz"  ? fp::Round::RZ
                       : md == "rm"  ? fp::Round::RM
                       : md == "rp"  ? fp::Round::RP
                                     : fp::Round::RNA;
          continue;
        }
        if (md == "rni" || md == "rzi" || md == "rmi" || md == "rpi") {
          c.mods.hasRnd = true;
          c.mods.irnd = true;
          c.mods.rnd = md == "rni"   ? fp::Round::RN
                       : md == "rzi" ? fp::Round::RZ
                       : md == "rmi" ? fp::Round::RM
                                     : fp::Round::RP;
          continue;
        }
        if (md == "ftz") {
          c.mods.ftz = true;
          continue;
        }
        if (md == "sat") {
          c.mods.sat = true;
          continue;
        }
        if (md == "approx") {
          c.mods.approx = true;
          continue;
        }
        if (md == "full") {
          c.mods.full = true;
          continue;
        }
        if (md == "relu") {
          c.mods.relu = true;
          continue;
        }
        if (md == "satfinite") {
          c.mods.satfinite = true;
          continue;
        }
        if (md == "NaN") {
          c.mods.nan = true;
          continue;
        }
        if (md == "noftz") {
          c.mods.noftz = true;
          continue;
        }
        if (md == "cc") {
          c.mods.cc = true;
          continue;
        }
        // Memory-order, scope and cache hints: no effect in a sequential,
        // cache-less model.
        static const char *ignored[] = {
            "weak",        "relaxed",       "acquire",       "release",
            "acq_rel",     "volatile",      "mmio",          "gpu",
            "sys",         "cluster",       "wb",            "wt",
            "cs",          "lu",            "cv",            "L1::evict_normal",
            "L1::evict_unchanged", "L1::evict_first", "L1::evict_last",
            "L1::no_allocate", "L2::evict_normal", "L2::evict_first",
            "L2::evict_last", "L2::64B", "L2::128B", "L2::256B",
            "unified",     "cta",
        };
        bool ign = false;
        for (const char *s : ignored)
          if (md == s) {
            ign = true;
            break;
          }
        if (ign)
          continue;
        c.mods.rest.push_back(md);
      }
      bool claimed = decodeControl(c) || decodeMove(c) || decodeIntArith(c) ||
                     decodeFloatArith(c) || decodeLogic(c) ||
                     decodeCompare(c) || decodeConvert(c) ||
                     decodeMemory(c) || decodeWarp(c);
      if (!claimed)
        c.error("unsupported instruction '" + pi.base + "'");
      if (in.ctl == Ctl::Bra && !pi.ops.empty() &&
          pi.ops.back().kind == Operand::Reg) {
        fb.fixups.push_back({in.index, pi.ops.back().name, fb.cur, pi.line,
                             pi.ops.back().col});
      }
    } catch (const Unsupported &u) {
      int32_t guard = in.guard;
      uint8_t guardNeg = in.guardNeg;
      uint32_t line = in.line, index = in.index;
      in = Inst{};
      in.ctl = Ctl::Unsupported;
      in.guard = guard;
      in.guardNeg = guardNeg;
      in.line = line;
      in.index = index;
      f.notes[index] = u.msg;
      // A .func runs only inlined into kernels, where it is reported.
      if (f.isEntry)
        m_.unsupported.push_back("line " + std::to_string(pi.line) + ": " +
                                 pi.text + " (" + u.msg + ")");
    }
  }
};

} // namespace

bool parseModule(std::string_view text, std::string_view name, ModuleImpl &m,
                 std::string &error) {
  m.name = std::string(name);
  m.id = gModuleIds++;
  try {
    Lexer lx(text);
    Parser p(lx.run(), m);
    p.run();
  } catch (const ParseError &e) {
    error = std::string(name) + ":" + std::to_string(e.line) + ":" +
            std::to_string(e.col) + ": error: " + e.msg;
    return false;
  }
  if (m.version.empty()) {
    error = std::string(name) + ":1:1: error: missing .version directive";
    return false;
  }
  if (m.target.empty()) {
    error = std::string(name) + ":1:1: error: missing .target directive";
    return false;
  }
  for (const Function &f : m.functions) {
    m.instructionCount += f.code.size();
    if (!f.isEntry || f.isDecl)
      continue;
    KernelInfo k;
    k.name = f.name;
    k.params = f.params;
    k.staticSharedBytes = f.staticSharedBytes;
    k.localBytesPerThread = f.localBytes;
    k.maxntid = f.maxntid;
    k.reqntid = f.reqntid;
    k.line = f.line;
    m.kernels.push_back(std::move(k));
  }
  return true;
}

} // namespace detail
} // namespace ptxemu
} // namespace mpt
