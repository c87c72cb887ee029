//===- Parser.cpp - PTX text to pre-decoded functions ---------------------===//
//
// A hand-written lexer (Lexer.cpp) and recursive-descent parser for the PTX
// that LLVM's NVPTX backend and nvcc emit (ISA 7.0 - 9.x): module
// directives, variables with initialisers, entries and functions with
// parameters and performance directives (this file), nested `{ }` scopes
// with register declarations, labels and predicated instructions
// (BodyParser.cpp). Each instruction is decoded as soon as it is parsed
// (Decode.cpp; registers must be declared before use in PTX); branch
// targets are resolved when the function ends. Errors are returned, never
// thrown (ParserImpl.h).
//
//===----------------------------------------------------------------------===//

#include "ParserImpl.h"

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <sstream>

namespace mpt {
namespace ptxemu {
namespace detail {

//===----------------------------------------------------------------------===//
// TokenCursor
//===----------------------------------------------------------------------===//

bool TokenCursor::failAt(uint32_t line, uint32_t col, const std::string &m) {
  if (!failed_) {
    failed_ = true;
    diag_ = ParseDiag{line, col, m};
  }
  return false;
}

std::string TokenCursor::got() const {
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

bool TokenCursor::expect(char c) {
  if (!cur().is(c))
    return fail(std::string("expected '") + c + "'" + got());
  adv();
  return true;
}

bool TokenCursor::ident(std::string &out) {
  if (cur().k != Tok::Ident)
    return fail("expected a name" + got());
  out = cur().s;
  adv();
  return true;
}

bool TokenCursor::integer(uint64_t &out) {
  bool neg = false;
  if (cur().is('-')) {
    neg = true;
    adv();
  }
  if (cur().k != Tok::Int)
    return fail("expected an integer" + got());
  out = neg ? 0 - cur().ival : cur().ival;
  adv();
  return true;
}

void TokenCursor::skipLine(uint32_t line) {
  while (cur().k != Tok::End && cur().line == line)
    adv();
}

void TokenCursor::skipTo(char c) {
  while (cur().k != Tok::End && !cur().is(c))
    adv();
  if (cur().is(c))
    adv();
}

bool TokenCursor::skipBalanced() {
  int depth = 0;
  do {
    if (cur().is('{'))
      ++depth;
    else if (cur().is('}'))
      --depth;
    else if (cur().k == Tok::End)
      return fail("unbalanced braces");
    adv();
  } while (depth > 0);
  return true;
}

uint64_t alignUp(uint64_t v, uint64_t a) { return a ? (v + a - 1) / a * a : v; }

uint64_t placeExactly(uint64_t v, uint64_t align) {
  v = alignUp(v, align);
  if (align < 16)
    while (v % (2 * align) == 0)
      v += align;
  return v;
}

//===----------------------------------------------------------------------===//
// Variables
//===----------------------------------------------------------------------===//

/// One element of an initialiser: an address (`name`, `generic(name)`,
/// `name+off`) or a number, appended to `out` in `ty`'s encoding.
static bool parseInitElem(TokenCursor &tc, Variable &v, Ty ty,
                          std::vector<uint8_t> &out) {
  const unsigned n = std::max(1u, tyBytes(ty));
  if (tc.cur().k == Tok::Ident) {
    bool generic = false;
    std::string sym = tc.cur().s;
    tc.adv();
    if (sym == "generic" && tc.cur().is('(')) {
      tc.adv();
      if (!tc.ident(sym) || !tc.expect(')'))
        return false;
      generic = true;
    }
    uint64_t add = 0;
    if (tc.cur().is('+')) {
      tc.adv();
      if (!tc.integer(add))
        return false;
    }
    if (n != 8)
      return tc.fail("address initialisers are only supported in 64-bit "
                     "elements");
    v.addrInits.push_back({out.size(), sym, (int64_t)add, generic});
    out.resize(out.size() + 8, 0);
    return true;
  }
  bool neg = false;
  if (tc.cur().is('-')) {
    neg = true;
    tc.adv();
  }
  const Tok &t = tc.cur();
  uint64_t bits = 0;
  if (t.k == Tok::Int) {
    bits = neg ? 0 - t.ival : t.ival;
    if (tyIsFloat(ty)) {
      double d = neg ? -(double)t.ival : (double)t.ival;
      bits = ty == Ty::F32 ? fp::bitsOf((float)d) : fp::bitsOf(d);
    }
  } else if (t.k == Tok::Float) {
    double d = neg ? -t.fval : t.fval;
    if (ty == Ty::F32)
      bits = t.f32hex && !neg ? t.fbits : fp::bitsOf((float)d);
    else if (ty == Ty::F64)
      bits = fp::bitsOf(d);
    else if (ty == Ty::F16)
      bits = fp::toHalf(d, fp::Round::RN);
    else if (ty == Ty::BF16)
      bits = fp::toBF16(d, fp::Round::RN);
    else
      bits = t.fbits;
  } else {
    return tc.fail("expected an initialiser value" + tc.got());
  }
  tc.adv();
  for (unsigned i = 0; i < n; ++i)
    out.push_back((uint8_t)(bits >> (8 * i)));
  return true;
}

/// An initialiser: an element, or `{ ... }` of initialisers.
static bool parseInit(TokenCursor &tc, Variable &v, Ty ty,
                      std::vector<uint8_t> &out) {
  if (!tc.cur().is('{'))
    return parseInitElem(tc, v, ty, out);
  tc.adv();
  if (!tc.cur().is('}')) {
    for (;;) {
      if (!parseInit(tc, v, ty, out))
        return false;
      if (!tc.cur().is(','))
        break;
      tc.adv();
    }
  }
  return tc.expect('}');
}

/// The state space directive of a variable.
static bool parseSpace(TokenCursor &tc, Variable &v) {
  const std::string sp = tc.cur().s;
  if (sp == ".global")
    v.space = Space::Global;
  else if (sp == ".const")
    v.space = Space::Const;
  else if (sp == ".shared" || sp == ".shared::cta")
    v.space = Space::Shared;
  else if (sp == ".local")
    v.space = Space::Local;
  else
    return tc.fail("expected a state space");
  tc.adv();
  return true;
}

/// `.align N`, `.vN`, `.attribute(...)` and the type, in any order.
static bool parseVariableQualifiers(TokenCursor &tc, Ty &ty, unsigned &vec,
                                    uint32_t &align) {
  for (;;) {
    const Tok &t = tc.cur();
    if (t.isDir(".align")) {
      tc.adv();
      uint64_t a;
      if (!tc.integer(a))
        return false;
      align = (uint32_t)a;
    } else if (t.isDir(".v2") || t.isDir(".v4") || t.isDir(".v8")) {
      vec = (unsigned)std::atoi(t.s.c_str() + 2);
      tc.adv();
    } else if (t.isDir(".attribute")) {
      tc.adv();
      if (!tc.expect('('))
        return false;
      while (!tc.cur().is(')') && tc.cur().k != Tok::End)
        tc.adv();
      if (!tc.expect(')'))
        return false;
    } else if (t.k == Tok::Dir) {
      Ty tt;
      if (!parseTy(t.s.substr(1), tt))
        return tc.fail("unexpected '" + t.s + "' in a variable declaration");
      ty = tt;
      tc.adv();
    } else {
      return true;
    }
  }
}

/// `[N]...` (an empty `[]` makes the variable unsized): the element count.
static bool parseDims(TokenCursor &tc, uint64_t &count, bool &unsized) {
  count = 1;
  unsized = false;
  while (tc.cur().is('[')) {
    tc.adv();
    if (tc.cur().is(']')) {
      unsized = true;
      tc.adv();
      continue;
    }
    uint64_t n;
    if (!tc.integer(n) || !tc.expect(']'))
      return false;
    count *= n;
  }
  return true;
}

bool parseVariable(TokenCursor &tc, bool isExtern, Variable &v) {
  v.line = tc.cur().line;
  v.isExtern = isExtern;
  if (!parseSpace(tc, v))
    return false;
  Ty ty = Ty::None;
  unsigned vec = 1;
  uint32_t align = 0;
  if (!parseVariableQualifiers(tc, ty, vec, align))
    return false;
  if (ty == Ty::None)
    return tc.fail("variable without a type");
  uint64_t count;
  bool unsized;
  if (!tc.ident(v.name) || !parseDims(tc, count, unsized))
    return false;
  const uint64_t elemBytes = std::max(1u, tyBytes(ty)) * vec;
  v.size = unsized ? 0 : count * elemBytes;
  v.align = align ? align : (uint32_t)elemBytes;
  if (tc.cur().is('=')) {
    tc.adv();
    std::vector<uint8_t> init;
    if (!parseInit(tc, v, ty, init))
      return false;
    if (unsized)
      v.size = init.size();
    if (init.size() > v.size)
      return tc.fail("initialiser of '" + v.name +
                     "' is larger than the variable");
    init.resize(v.size, 0);
    v.init = std::move(init);
  }
  return tc.expect(';');
}

//===----------------------------------------------------------------------===//
// Parameters
//===----------------------------------------------------------------------===//

/// The ParamKind of a scalar parameter of type `ty`; false if none.
static bool paramKindOf(Ty ty, ParamKind &kind) {
  static const std::pair<Ty, ParamKind> kinds[] = {
      {Ty::B8, ParamKind::B8},   {Ty::B16, ParamKind::B16},
      {Ty::B32, ParamKind::B32}, {Ty::B64, ParamKind::B64},
      {Ty::U8, ParamKind::U8},   {Ty::U16, ParamKind::U16},
      {Ty::U32, ParamKind::U32}, {Ty::U64, ParamKind::U64},
      {Ty::S8, ParamKind::S8},   {Ty::S16, ParamKind::S16},
      {Ty::S32, ParamKind::S32}, {Ty::S64, ParamKind::S64},
      {Ty::F16, ParamKind::F16}, {Ty::BF16, ParamKind::BF16},
      {Ty::F32, ParamKind::F32}, {Ty::F64, ParamKind::F64},
  };
  for (const auto &[t, k] : kinds)
    if (t == ty) {
      kind = k;
      return true;
    }
  return false;
}

/// `[.align N] .type [.ptr [.space] [.align N]]`: the type and alignment.
static bool parseParamQualifiers(TokenCursor &tc, Ty &ty, uint32_t &align,
                                 bool &sawPtr) {
  for (;;) {
    const Tok &t = tc.cur();
    if (t.isDir(".align")) {
      tc.adv();
      uint64_t a;
      if (!tc.integer(a))
        return false;
      if (!sawPtr)
        align = (uint32_t)a;
    } else if (t.isDir(".ptr")) {
      sawPtr = true;
      tc.adv();
    } else if (t.isDir(".global") || t.isDir(".shared") || t.isDir(".const") ||
               t.isDir(".local")) {
      tc.adv();
    } else if (t.k == Tok::Dir) {
      Ty tt;
      if (!parseTy(t.s.substr(1), tt))
        return tc.fail("unexpected '" + t.s + "' in a parameter");
      ty = tt;
      tc.adv();
    } else {
      return true;
    }
  }
}

/// `.param [.align N] .type [.ptr [.space] [.align N]] name [ [N] ]`, after
/// `.param`.
static bool parseParamType(TokenCursor &tc, ParamInfo &p) {
  Ty ty = Ty::None;
  uint32_t align = 0;
  bool sawPtr = false;
  if (!parseParamQualifiers(tc, ty, align, sawPtr))
    return false;
  if (ty == Ty::None)
    return tc.fail("parameter without a type");
  if (!tc.ident(p.name))
    return false;
  uint64_t count = 1;
  bool array = false;
  while (tc.cur().is('[')) {
    tc.adv();
    array = true;
    uint64_t n;
    if (!tc.integer(n) || !tc.expect(']'))
      return false;
    count *= n;
  }
  const uint32_t eb = std::max(1u, tyBytes(ty));
  p.size = (uint32_t)(eb * count);
  p.align = align ? align : eb;
  p.isPointer = sawPtr;
  if (array) {
    p.kind = ParamKind::Aggregate;
    return true;
  }
  if (!paramKindOf(ty, p.kind))
    return tc.fail(std::string("unsupported parameter type .") + tyName(ty));
  if (eb == 8)
    p.isPointer = true;
  return true;
}

/// `( .param ..., ... )`, laid out in order; `bytes` is their total size.
static bool parseParamList(TokenCursor &tc, std::vector<ParamInfo> &params,
                           uint32_t &bytes) {
  if (!tc.expect('('))
    return false;
  uint32_t off = 0;
  while (!tc.cur().is(')')) {
    if (!tc.cur().isDir(".param") && !tc.cur().isDir(".reg"))
      return tc.fail("expected .param" + tc.got());
    tc.adv();
    ParamInfo p;
    if (!parseParamType(tc, p))
      return false;
    off = (uint32_t)alignUp(off, p.align);
    p.offset = off;
    off += p.size;
    params.push_back(std::move(p));
    if (tc.cur().is(','))
      tc.adv();
    else if (!tc.cur().is(')'))
      return tc.fail("expected ',' or ')'" + tc.got());
  }
  if (!tc.expect(')'))
    return false;
  bytes = off;
  return true;
}

//===----------------------------------------------------------------------===//
// The module parser
//===----------------------------------------------------------------------===//

namespace {

std::atomic<uint64_t> gModuleIds{1};

class ModuleParser {
public:
  ModuleParser(TokenCursor &tc, ModuleImpl &m) : tc_(tc), m_(m) {}

  bool run();

private:
  bool topLevel();
  bool version();
  bool target();
  bool addressSize();
  bool declaration();
  bool addModuleVariable(Variable v);
  bool function(bool isEntry);
  bool functionHeader(Function &f, bool isEntry);
  bool performanceDirectives(Function &f);
  bool addFunction(Function f);

  TokenCursor &tc_;
  ModuleImpl &m_;
  BodyRanges bodies_;
  uint32_t inlineLabels_ = 0;
};

bool ModuleParser::run() {
  // Pass 1: module structure; function bodies are only delimited.
  while (tc_.cur().k != Tok::End)
    if (!topLevel())
      return false;
  // Pass 2: decode every body, now that every function and variable is
  // known (calls are inlined, and callees may be defined after callers).
  for (Function &f : m_.functions) {
    auto it = bodies_.find(f.name);
    if (it == bodies_.end())
      continue;
    tc_.seek(it->second.first);
    if (!decodeFunctionBody(tc_, m_, bodies_, inlineLabels_, f))
      return false;
  }
  return true;
}

bool ModuleParser::topLevel() {
  const Tok &t = tc_.cur();
  if (t.k != Tok::Dir)
    return tc_.fail("expected a directive at module scope" + tc_.got());
  const std::string d = t.s;
  const uint32_t line = t.line;
  if (d == ".version")
    return version();
  if (d == ".target")
    return target();
  if (d == ".address_size")
    return addressSize();
  if (d == ".file" || d == ".loc") {
    tc_.adv();
    tc_.skipLine(line);
    return true;
  }
  if (d == ".section") {
    tc_.adv();
    while (tc_.cur().k != Tok::End && !tc_.cur().is('{'))
      tc_.adv();
    return tc_.skipBalanced();
  }
  if (d == ".pragma" || d == ".alias") {
    tc_.skipTo(';');
    return true;
  }
  return declaration();
}

bool ModuleParser::version() {
  tc_.adv();
  const Tok &t = tc_.cur();
  if (t.k != Tok::Float && t.k != Tok::Int)
    return tc_.fail("expected a version number");
  std::ostringstream os;
  if (t.k == Tok::Int)
    os << t.ival;
  else
    os << t.fval;
  m_.version = os.str();
  if (m_.version.find('.') == std::string::npos)
    m_.version += ".0";
  tc_.adv();
  return true;
}

bool ModuleParser::target() {
  tc_.adv();
  if (!tc_.ident(m_.target))
    return false;
  while (tc_.cur().is(',')) {
    tc_.adv();
    std::string extra;
    if (!tc_.ident(extra))
      return false;
    if (extra != "texmode_independent" && extra != "texmode_unified" &&
        extra != "debug" && extra != "map_f64_to_f32")
      return tc_.fail("unknown .target option '" + extra + "'");
    if (extra == "map_f64_to_f32")
      return tc_.fail(".target map_f64_to_f32 is not supported");
  }
  if (m_.target.rfind("sm_", 0) != 0)
    return tc_.fail("unsupported target '" + m_.target + "'");
  return true;
}

bool ModuleParser::addressSize() {
  tc_.adv();
  const Tok at = tc_.cur();
  uint64_t size;
  if (!tc_.integer(size))
    return false;
  m_.addressSize = (unsigned)size;
  if (m_.addressSize != 64)
    return tc_.failAt(at.line, at.col,
                      ".address_size " + std::to_string(m_.addressSize) +
                          " is not supported (only 64)");
  return true;
}

/// Linkage/space prefixes then .entry / .func / variable.
bool ModuleParser::declaration() {
  bool isExtern = false;
  for (;;) {
    const Tok &t = tc_.cur();
    if (t.isDir(".visible") || t.isDir(".weak") || t.isDir(".common")) {
      tc_.adv();
    } else if (t.isDir(".extern")) {
      isExtern = true;
      tc_.adv();
    } else {
      break;
    }
  }
  const Tok &t = tc_.cur();
  if (t.isDir(".entry") || t.isDir(".func"))
    return function(t.isDir(".entry"));
  if (t.isDir(".global") || t.isDir(".const") || t.isDir(".shared") ||
      t.isDir(".local")) {
    Variable v;
    return parseVariable(tc_, isExtern, v) && addModuleVariable(std::move(v));
  }
  return tc_.fail("unexpected directive '" + t.s + "' at module scope");
}

bool ModuleParser::addModuleVariable(Variable v) {
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
    return true;
  }
  if (v.space == Space::Local)
    return tc_.fail("module-scope .local variables are not supported");
  if (m_.globalIndex.count(v.name)) {
    Variable &old = m_.globals[m_.globalIndex[v.name]];
    if (old.isExtern && !v.isExtern) {
      old = std::move(v);
      return true;
    }
    if (v.isExtern)
      return true;
    return tc_.fail("variable '" + v.name + "' defined twice");
  }
  m_.globalIndex[v.name] = (uint32_t)m_.globals.size();
  m_.globals.push_back(std::move(v));
  return true;
}

/// `.entry/.func [(rets)] name [(params)] [directives] (; | { body })`: the
/// body is only delimited here.
bool ModuleParser::function(bool isEntry) {
  Function f;
  if (!functionHeader(f, isEntry) || !performanceDirectives(f))
    return false;
  if (tc_.cur().is(';')) {
    tc_.adv();
    f.isDecl = true;
    return addFunction(std::move(f));
  }
  if (!tc_.cur().is('{'))
    return tc_.fail("expected '{' to begin the body of '" + f.name + "'" +
                    tc_.got());
  tc_.adv();
  const size_t start = tc_.pos();
  for (int depth = 1; depth > 0; tc_.adv()) {
    if (tc_.cur().k == Tok::End)
      return tc_.fail("unexpected end of file in the body of '" + f.name + "'");
    if (tc_.cur().is('{'))
      ++depth;
    else if (tc_.cur().is('}'))
      --depth;
  }
  bodies_[f.name] = {start, tc_.pos()};
  return addFunction(std::move(f));
}

bool ModuleParser::functionHeader(Function &f, bool isEntry) {
  f.isEntry = isEntry;
  f.line = tc_.cur().line;
  tc_.adv();
  uint32_t retBytes = 0;
  std::vector<ParamInfo> rets;
  if (!isEntry && tc_.cur().is('(') && !parseParamList(tc_, rets, retBytes))
    return false; // return parameters
  if (!tc_.ident(f.name))
    return false;
  if (tc_.cur().is('(') && !parseParamList(tc_, f.params, f.paramBytes))
    return false;
  // Return parameters of a .func come after its parameters (calls are
  // inlined: the names are aliased to the call site's variables).
  f.numRets = (uint32_t)rets.size();
  for (ParamInfo &r : rets) {
    r.offset += f.paramBytes;
    f.params.push_back(r);
  }
  return true;
}

/// `.maxntid/.reqntid x[, y[, z]]`; other performance directives and
/// pragmas are skipped.
bool ModuleParser::performanceDirectives(Function &f) {
  for (;;) {
    const Tok &t = tc_.cur();
    if (t.isDir(".maxntid") || t.isDir(".reqntid")) {
      bool req = t.isDir(".reqntid");
      tc_.adv();
      uint64_t dim[3] = {1, 1, 1};
      for (int i = 0; i < 3; ++i) {
        if (i && !tc_.cur().is(','))
          break;
        if (i)
          tc_.adv();
        if (!tc_.integer(dim[i]))
          return false;
      }
      (req ? f.reqntid : f.maxntid) =
          Dim3{(uint32_t)dim[0], (uint32_t)dim[1], (uint32_t)dim[2]};
    } else if (t.isDir(".minnctapersm") || t.isDir(".maxnreg") ||
               t.isDir(".maxnctapersm") || t.isDir(".maxclusterrank") ||
               t.isDir(".reqnctapercluster") || t.isDir(".explicitcluster") ||
               t.isDir(".noreturn") || t.isDir(".blocksareclusters")) {
      tc_.adv();
      while (tc_.cur().k == Tok::Int || tc_.cur().is(','))
        tc_.adv();
    } else if (t.isDir(".pragma")) {
      tc_.adv();
      while (tc_.cur().k == Tok::Str || tc_.cur().is(','))
        tc_.adv();
      if (tc_.cur().is(';'))
        tc_.adv();
    } else {
      return true;
    }
  }
}

bool ModuleParser::addFunction(Function f) {
  auto it = m_.functionIndex.find(f.name);
  if (it != m_.functionIndex.end()) {
    Function &old = m_.functions[it->second];
    if (old.isDecl) {
      old = std::move(f);
      return true;
    }
    if (f.isDecl)
      return true;
    return tc_.failAt(f.line, 1, "function '" + f.name + "' defined twice");
  }
  m_.functionIndex[f.name] = (uint32_t)m_.functions.size();
  m_.functions.push_back(std::move(f));
  return true;
}

/// The kernels of a parsed module, and its instruction count.
void listKernels(ModuleImpl &m) {
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
}

} // namespace

bool parseModule(std::string_view text, std::string_view name, ModuleImpl &m,
                 std::string &error) {
  m.name = std::string(name);
  m.id = gModuleIds++;
  auto report = [&](const ParseDiag &d) {
    error = std::string(name) + ":" + std::to_string(d.line) + ":" +
            std::to_string(d.col) + ": error: " + d.msg;
    return false;
  };
  std::vector<Tok> toks;
  ParseDiag diag;
  if (!lexPTX(text, toks, diag))
    return report(diag);
  TokenCursor tc(std::move(toks));
  if (!ModuleParser(tc, m).run())
    return report(tc.diag());
  if (m.version.empty())
    return report(ParseDiag{1, 1, "missing .version directive"});
  if (m.target.empty())
    return report(ParseDiag{1, 1, "missing .target directive"});
  listKernels(m);
  return true;
}

} // namespace detail
} // namespace ptxemu
} // namespace mpt
