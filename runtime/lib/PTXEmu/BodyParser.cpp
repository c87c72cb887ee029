//===- BodyParser.cpp - PTX function bodies to instructions ---------------===//
//
// The second pass of the parser (ParserImpl.h): a function body's nested
// scopes, register and variable declarations, labels and instructions, each
// instruction decoded as soon as it is parsed (Decode.cpp). Calls are
// inlined: the callee's body is decoded in a new scope of the caller.
//
//===----------------------------------------------------------------------===//

#include "Decode.h"
#include "FunctionBuilder.h"
#include "ParserImpl.h"

#include <cstdio>
#include <sstream>

namespace mpt {
namespace ptxemu {
namespace detail {

namespace {

/// The parsed operands of `call (rets), callee, (args);`.
struct CallSite {
  std::vector<std::string> rets, args;
  std::string callee;
};

class BodyParser {
public:
  BodyParser(TokenCursor &tc, ModuleImpl &m, const BodyRanges &bodies,
             uint32_t &inlineLabels)
      : tc_(tc), m_(m), bodies_(bodies), inlineLabels_(inlineLabels) {}

  bool decodeBody(Function &f);

private:
  bool resolveFixups(FunctionBuilder &fb);
  void finishFunction(FunctionBuilder &fb);
  bool declareVar(FunctionBuilder &fb, Variable v);
  bool statements(FunctionBuilder &fb, const std::string &retLabel);
  bool bodyDirective(FunctionBuilder &fb);
  bool paramVariable(Variable &v);
  bool regDecl(FunctionBuilder &fb);
  bool operand(Operand &op);
  bool addressOperand(Operand &op);
  bool operandList(Operand &op, char close);
  bool numberOperand(Operand &op);
  bool nameOperand(Operand &op);
  bool instructionSyntax(ParsedInst &pi);
  std::string instructionText(size_t first) const;
  bool instruction(FunctionBuilder &fb, const std::string &retLabel);
  bool emitBranch(FunctionBuilder &fb, const std::string &label,
                  const std::string &guard, bool guardNeg, uint32_t line,
                  const std::string &text);
  bool inlineCall(FunctionBuilder &fb, ParsedInst &pi);
  std::string checkCall(const FunctionBuilder &fb, const ParsedInst &pi,
                        CallSite &call) const;
  bool inlineBody(
      FunctionBuilder &fb, const CallSite &call, const std::string &retLabel,
      std::vector<std::pair<std::string, FunctionBuilder::VarRef>> &binds);

  TokenCursor &tc_;
  ModuleImpl &m_;
  const BodyRanges &bodies_;
  uint32_t &inlineLabels_;
};

//===----------------------------------------------------------------------===//
// Bodies
//===----------------------------------------------------------------------===//

bool BodyParser::decodeBody(Function &f) {
  FunctionBuilder fb(m_, f);
  fb.sharedEnd = m_.moduleSharedBytes;
  if (!statements(fb, "") || !resolveFixups(fb))
    return false;
  finishFunction(fb);
  return true;
}

/// Branch targets: a label of the branch's scope or an enclosing one, else
/// a label of a nested scope when its name is unique in the function.
bool BodyParser::resolveFixups(FunctionBuilder &fb) {
  Function &f = fb.f;
  for (const auto &fx : fb.fixups) {
    bool found = false;
    for (int s = fx.scope; s >= 0 && !found; s = fb.scopes[s].parent) {
      auto it = fb.scopes[s].labels.find(fx.label);
      if (it != fb.scopes[s].labels.end()) {
        f.code[fx.inst].target = it->second;
        found = true;
      }
    }
    int matches = 0;
    uint32_t at = 0;
    for (const auto &sc : fb.scopes) {
      auto it = sc.labels.find(fx.label);
      if (!found && it != sc.labels.end()) {
        ++matches;
        at = it->second;
      }
    }
    if (!found && matches == 1) {
      f.code[fx.inst].target = at;
      found = true;
    }
    if (!found)
      return tc_.failAt(fx.line, fx.col, "undefined label '" + fx.label + "'");
  }
  return true;
}

/// An implicit exit (a body must not fall off its end: the scheduler never
/// runs past the code) and the layout of shared and local memory.
void BodyParser::finishFunction(FunctionBuilder &fb) {
  Function &f = fb.f;
  Inst ex;
  ex.ctl = Ctl::Exit;
  ex.line = tc_.cur().line;
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
bool BodyParser::declareVar(FunctionBuilder &fb, Variable v) {
  Function &f = fb.f;
  if (fb.scopes[fb.cur].vars.count(v.name))
    return tc_.fail("variable '" + v.name + "' declared twice in one scope");
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
  return true;
}

/// Statements of a body from the current token (just after its '{') to
/// its closing '}'. `retLabel` is set while a callee is inlined: its `ret`
/// becomes a branch to that label.
bool BodyParser::statements(FunctionBuilder &fb, const std::string &retLabel) {
  Function &f = fb.f;
  int depth = 1;
  while (depth > 0) {
    const Tok &t = tc_.cur();
    fb.line = t.line;
    fb.col = t.col;
    if (t.k == Tok::End)
      return tc_.fail("unexpected end of file in the body of '" + f.name + "'");
    if (t.is('{') || t.is('}')) {
      bool open = t.is('{');
      tc_.adv();
      depth += open ? 1 : -1;
      if (open)
        fb.pushScope();
      else if (depth > 0)
        fb.popScope();
      continue;
    }
    if (t.k == Tok::Dir) {
      if (!bodyDirective(fb))
        return false;
      continue;
    }
    if (t.k == Tok::Ident && tc_.peekTok().is(':')) {
      std::string name = t.s;
      tc_.adv();
      tc_.adv();
      auto &labels = fb.scopes[fb.cur].labels;
      if (labels.count(name))
        return tc_.fail("label '" + name + "' defined twice");
      labels[name] = (uint32_t)f.code.size();
      continue;
    }
    if (!instruction(fb, retLabel))
      return false;
  }
  return true;
}

/// `.reg`, `.shared`/`.local` variables, call-site `.param` variables,
/// pragmas and debug directives.
bool BodyParser::bodyDirective(FunctionBuilder &fb) {
  const Tok &t = tc_.cur();
  const std::string d = t.s;
  if (d == ".reg")
    return regDecl(fb);
  if (d == ".shared" || d == ".local" || d == ".shared::cta") {
    Variable v;
    return parseVariable(tc_, false, v) && declareVar(fb, std::move(v));
  }
  if (d == ".param") {
    // Call-site parameters live in the thread's local memory; the inlined
    // callee's parameters are aliased to them.
    Variable v;
    if (!paramVariable(v))
      return false;
    v.space = Space::Local;
    return declareVar(fb, std::move(v));
  }
  if (d == ".pragma") {
    tc_.skipTo(';');
    return true;
  }
  if (d == ".loc" || d == ".file") {
    uint32_t line = t.line;
    tc_.adv();
    tc_.skipLine(line);
    return true;
  }
  return tc_.fail("unexpected directive '" + d + "' in a function body");
}

/// `.param [.align N] .type name[N];` in a body.
bool BodyParser::paramVariable(Variable &v) {
  v.line = tc_.cur().line;
  tc_.adv(); // .param
  Ty ty = Ty::None;
  uint32_t align = 0;
  while (tc_.cur().k == Tok::Dir) {
    if (tc_.cur().isDir(".align")) {
      tc_.adv();
      uint64_t a;
      if (!tc_.integer(a))
        return false;
      align = (uint32_t)a;
      continue;
    }
    Ty t;
    if (!parseTy(tc_.cur().s.substr(1), t))
      return tc_.fail("unexpected '" + tc_.cur().s +
                      "' in a .param declaration");
    ty = t;
    tc_.adv();
  }
  if (ty == Ty::None)
    return tc_.fail(".param without a type");
  if (!tc_.ident(v.name))
    return false;
  uint64_t count = 1;
  while (tc_.cur().is('[')) {
    tc_.adv();
    uint64_t n;
    if (!tc_.integer(n) || !tc_.expect(']'))
      return false;
    count *= n;
  }
  const uint32_t eb = std::max(1u, tyBytes(ty));
  v.size = count * eb;
  v.align = align ? align : eb;
  return tc_.expect(';');
}

/// `.reg .type name, name<N>, ...;`
bool BodyParser::regDecl(FunctionBuilder &fb) {
  tc_.adv(); // .reg
  Ty ty = Ty::None;
  while (tc_.cur().k == Tok::Dir) {
    const std::string &s = tc_.cur().s;
    if (s == ".v2" || s == ".v4")
      return tc_.fail("vector registers (.reg .v2/.v4) are not supported");
    Ty t;
    if (!parseTy(s.substr(1), t))
      return tc_.fail("unexpected '" + s + "' in .reg");
    ty = t;
    tc_.adv();
  }
  if (ty == Ty::None)
    return tc_.fail(".reg without a type");
  auto declare = [&](const std::string &name) {
    if (fb.declareReg(name, ty))
      return true;
    // At the statement, as the declaration as a whole is wrong.
    return tc_.failAt(fb.line, fb.col,
                      "register '" + name + "' declared twice in one scope");
  };
  for (;;) {
    std::string name;
    if (!tc_.ident(name))
      return false;
    if (tc_.cur().is('<')) {
      tc_.adv();
      uint64_t n;
      if (!tc_.integer(n) || !tc_.expect('>'))
        return false;
      if (n > 1000000)
        return tc_.fail("too many registers");
      for (uint64_t i = 0; i < n; ++i)
        if (!declare(name + std::to_string(i)))
          return false;
    } else if (!declare(name)) {
      return false;
    }
    if (!tc_.cur().is(','))
      break;
    tc_.adv();
  }
  return tc_.expect(';');
}

//===----------------------------------------------------------------------===//
// Operands
//===----------------------------------------------------------------------===//

bool BodyParser::operand(Operand &op) {
  op.col = tc_.cur().col;
  const Tok &t = tc_.cur();
  if (t.is('['))
    return addressOperand(op);
  if (t.is('{') || t.is('(')) {
    op.kind = t.is('{') ? Operand::Vec : Operand::List;
    return operandList(op, t.is('{') ? '}' : ')');
  }
  if (t.is('!')) {
    tc_.adv();
    if (!operand(op))
      return false;
    op.neg = true;
    return true;
  }
  if (t.is('-') || t.k == Tok::Int || t.k == Tok::Float)
    return numberOperand(op);
  if (t.k == Tok::Str) {
    op.kind = Operand::Str;
    op.name = t.s;
    tc_.adv();
    return true;
  }
  if (t.k == Tok::Ident)
    return nameOperand(op);
  return tc_.fail("unexpected token in an operand" + tc_.got());
}

/// `[reg|symbol|int (+|- int)*]`
bool BodyParser::addressOperand(Operand &op) {
  tc_.adv();
  op.kind = Operand::Addr;
  if (tc_.cur().k == Tok::Ident) {
    op.name = tc_.cur().s;
    tc_.adv();
  } else if (tc_.cur().k == Tok::Int || tc_.cur().is('-')) {
    uint64_t v;
    if (!tc_.integer(v))
      return false;
    op.ival = (int64_t)v;
    op.addrImmBase = true;
  } else {
    return tc_.fail("expected a register, symbol or integer in an address" +
                    tc_.got());
  }
  while (tc_.cur().is('+') || tc_.cur().is('-')) {
    bool minus = tc_.cur().is('-');
    tc_.adv();
    uint64_t v;
    if (!tc_.integer(v))
      return false;
    op.ival += minus ? -(int64_t)v : (int64_t)v;
  }
  return tc_.expect(']');
}

/// `{a, b, ...}` (a vector) or `(a, b, ...)` (a call's list), from its
/// opening bracket to `close`.
bool BodyParser::operandList(Operand &op, char close) {
  tc_.adv();
  while (!tc_.cur().is(close)) {
    Operand e;
    if (!operand(e))
      return false;
    op.elems.push_back(std::move(e));
    if (tc_.cur().is(','))
      tc_.adv();
    else if (!tc_.cur().is(close))
      return tc_.fail(std::string("expected ',' or '") + close + "'" +
                      tc_.got());
  }
  tc_.adv();
  return true;
}

/// An integer or float literal, with an optional '-'.
bool BodyParser::numberOperand(Operand &op) {
  bool neg = false;
  if (tc_.cur().is('-')) {
    neg = true;
    tc_.adv();
  }
  const Tok &t = tc_.cur();
  if (t.k == Tok::Int) {
    op.kind = Operand::Imm;
    op.ival = (int64_t)(neg ? 0 - t.ival : t.ival);
  } else if (t.k == Tok::Float) {
    op.kind = Operand::FImm;
    op.fval = neg ? -t.fval : t.fval;
    op.isF32 = t.f32hex;
    op.fbits = t.fbits;
    if (neg)
      op.fbits ^= op.isF32 ? 0x80000000ull : 0x8000000000000000ull;
  } else {
    return tc_.fail("expected a number after '-'");
  }
  tc_.adv();
  return true;
}

/// A register, `_`, `a|b` (a predicate pair) or `symbol+offset` (the
/// value of an address).
bool BodyParser::nameOperand(Operand &op) {
  op.name = tc_.cur().s;
  op.kind = op.name == "_" ? Operand::Sink : Operand::Reg;
  tc_.adv();
  if (tc_.cur().is('|')) {
    tc_.adv();
    Operand e;
    if (!operand(e))
      return false;
    op.elems.push_back(std::move(e));
    op.hasPair = true;
    return true;
  }
  if (tc_.cur().is('+') && op.kind == Operand::Reg && op.name[0] != '%') {
    tc_.adv();
    Operand a;
    a.kind = Operand::Addr;
    a.name = op.name;
    uint64_t v;
    if (!tc_.integer(v))
      return false;
    a.ival = (int64_t)v;
    a.hasPair = true; // marks "value of address"
    op = std::move(a);
  }
  return true;
}

//===----------------------------------------------------------------------===//
// Instructions
//===----------------------------------------------------------------------===//

/// `[@[!]guard] opcode operand, ... ;` up to (not past) the ';'.
bool BodyParser::instructionSyntax(ParsedInst &pi) {
  if (tc_.cur().is('@')) {
    tc_.adv();
    if (tc_.cur().is('!')) {
      pi.guardNeg = true;
      tc_.adv();
    }
    if (!tc_.ident(pi.guard))
      return false;
  }
  if (!tc_.ident(pi.opcode))
    return false;
  size_t dot = pi.opcode.find('.');
  pi.base = pi.opcode.substr(0, dot);
  while (dot != std::string::npos) {
    size_t next = pi.opcode.find('.', dot + 1);
    pi.mods.push_back(pi.opcode.substr(dot + 1, next == std::string::npos
                                                    ? std::string::npos
                                                    : next - dot - 1));
    dot = next;
  }
  while (!tc_.cur().is(';')) {
    if (tc_.cur().k == Tok::End)
      return tc_.fail("missing ';' after instruction");
    Operand op;
    if (!operand(op))
      return false;
    pi.ops.push_back(std::move(op));
    if (tc_.cur().is(','))
      tc_.adv();
    else if (!tc_.cur().is(';'))
      return tc_.fail("expected ',' or ';' in operands" + tc_.got());
  }
  return true;
}

/// The instruction's text from token `first` to the current one, for
/// messages (spaced as PTX is usually written).
std::string BodyParser::instructionText(size_t first) const {
  std::string text;
  for (size_t i = first; i < tc_.pos(); ++i) {
    const Tok &tk = tc_.at(i);
    std::string s;
    switch (tk.k) {
    case Tok::Int:
      s = std::to_string((int64_t)tk.ival);
      break;
    case Tok::Float:
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
    case Tok::Str:
      s = "\"" + tk.s + "\"";
      break;
    default:
      s = tk.s;
    }
    const Tok &prev = tc_.at(i > 0 ? i - 1 : 0);
    bool tight = tk.is(',') || tk.is(']') || tk.is('}') || tk.is('|') ||
                 tk.is('+') || tk.is(')');
    bool prevTight =
        i > first &&
        (prev.is('[') || prev.is('{') || prev.is('@') || prev.is('!') ||
         prev.is('|') || prev.is('+') || prev.is('(') || prev.is('-'));
    if (!text.empty() && !tight && !prevTight)
      text += ' ';
    text += s;
  }
  return text + ";";
}

bool BodyParser::instruction(FunctionBuilder &fb, const std::string &retLabel) {
  Function &f = fb.f;
  ParsedInst pi;
  pi.line = tc_.cur().line;
  pi.col = tc_.cur().col;
  const size_t first = tc_.pos();
  if (!instructionSyntax(pi))
    return false;
  pi.text = instructionText(first);
  tc_.adv(); // ;
  fb.line = pi.line;
  fb.col = pi.col;
  if (pi.base == "call")
    return inlineCall(fb, pi);
  if (pi.base == "ret" && !retLabel.empty())
    return emitBranch(fb, retLabel, pi.guard, pi.guardNeg, pi.line, pi.text);
  Inst in;
  in.line = pi.line;
  in.index = (uint32_t)f.code.size();
  ParseDiag diag;
  if (!decodeInstruction(fb, pi, in, diag))
    return tc_.fail(diag);
  f.code.push_back(in);
  f.text.push_back(pi.text);
  return true;
}

/// Emits `@guard bra label` (the label is resolved at the end).
bool BodyParser::emitBranch(FunctionBuilder &fb, const std::string &label,
                            const std::string &guard, bool guardNeg,
                            uint32_t line, const std::string &text) {
  Function &f = fb.f;
  Inst in;
  in.ctl = Ctl::Bra;
  in.line = line;
  in.index = (uint32_t)f.code.size();
  if (!guard.empty()) {
    ParseDiag diag;
    if (!guardPredicate(fb, guard, in.guard, diag))
      return tc_.fail(diag);
    in.guardNeg = guardNeg;
  }
  fb.fixups.push_back({in.index, label, fb.cur, line, 0});
  f.code.push_back(in);
  f.text.push_back(text);
  return true;
}

//===----------------------------------------------------------------------===//
// Calls
//===----------------------------------------------------------------------===//

/// Why the call cannot be inlined (it becomes an unsupported instruction),
/// or "" with its operands in `call`.
std::string BodyParser::checkCall(const FunctionBuilder &fb,
                                  const ParsedInst &pi, CallSite &call) const {
  size_t i = 0;
  auto names = [&](const Operand &op, std::vector<std::string> &out) {
    for (const Operand &e : op.elems)
      out.push_back(e.name);
  };
  if (i < pi.ops.size() && pi.ops[i].kind == Operand::List)
    names(pi.ops[i++], call.rets);
  if (i < pi.ops.size() && pi.ops[i].kind == Operand::Reg)
    call.callee = pi.ops[i++].name;
  if (i < pi.ops.size() && pi.ops[i].kind == Operand::List)
    names(pi.ops[i++], call.args);
  if (call.callee.empty() || i != pi.ops.size())
    return "indirect calls and calls with a prototype are not supported";
  auto fit = m_.functionIndex.find(call.callee);
  if (fit == m_.functionIndex.end() || !bodies_.count(call.callee))
    return "call of '" + call.callee + "', which has no body in this module";
  const Function &g = m_.functions[fit->second];
  if (g.isEntry)
    return "call of the kernel entry '" + call.callee + "'";
  if (fb.inlineDepth >= 32)
    return "calls nested more than 32 deep (recursion is not supported)";
  const size_t nParams = g.params.size() - g.numRets;
  if (call.rets.size() != g.numRets || call.args.size() != nParams)
    return "call of '" + call.callee + "' with " +
           std::to_string(call.args.size()) + " argument(s) and " +
           std::to_string(call.rets.size()) + " result(s)";
  return "";
}

/// Inlines `call (rets), callee, (args);`: the callee's body is decoded
/// in a new scope of the caller, its parameter names bound to the call
/// site's `.param` variables, its `ret` turned into a branch past it.
bool BodyParser::inlineCall(FunctionBuilder &fb, ParsedInst &pi) {
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
    return true;
  };
  CallSite call;
  if (std::string why = checkCall(fb, pi, call); !why.empty())
    return unsupported(why);
  // checkCall found the callee in functionIndex and bodies_.
  const Function &g = m_.functions[m_.functionIndex.find(call.callee)->second];
  const std::string id = std::to_string(inlineLabels_++);
  const std::string skip = "$__inline_skip_" + id;
  const std::string done = "$__inline_ret_" + id;
  if (!pi.guard.empty() &&
      !emitBranch(fb, skip, pi.guard, !pi.guardNeg, pi.line,
                  "@" + std::string(pi.guardNeg ? "" : "!") + pi.guard +
                      " bra (around " + pi.text + ")"))
    return false;
  // Bind the callee's parameter names in a new scope.
  const size_t nParams = g.params.size() - g.numRets;
  std::vector<std::pair<std::string, FunctionBuilder::VarRef>> binds;
  for (size_t k = 0; k < g.params.size(); ++k) {
    const std::string &site =
        k < nParams ? call.args[k] : call.rets[k - nParams];
    const FunctionBuilder::VarRef *v = fb.findVar(site);
    if (!v || v->space != Space::Local)
      return unsupported("call argument '" + site +
                         "' is not a .param variable of the call site");
    binds.push_back({g.params[k].name, *v});
  }
  if (!inlineBody(fb, call, done, binds))
    return false;
  if (!pi.guard.empty())
    fb.scopes[fb.cur].labels[skip] = (uint32_t)fb.f.code.size();
  return true;
}

/// Decodes the callee's body in a new scope where its parameters are
/// `binds`; its `ret` branches to `retLabel`, placed after it.
bool BodyParser::inlineBody(
    FunctionBuilder &fb, const CallSite &call, const std::string &retLabel,
    std::vector<std::pair<std::string, FunctionBuilder::VarRef>> &binds) {
  fb.pushScope();
  const int scope = fb.cur;
  for (auto &b : binds)
    fb.scopes[scope].vars[b.first] = b.second;
  const size_t saved = tc_.pos();
  tc_.seek(bodies_.find(call.callee)->second.first); // checked by checkCall
  ++fb.inlineDepth;
  bool ok = statements(fb, retLabel);
  --fb.inlineDepth;
  tc_.seek(saved);
  if (!ok)
    return false;
  fb.scopes[scope].labels[retLabel] = (uint32_t)fb.f.code.size();
  fb.popScope();
  return true;
}

} // namespace

bool decodeFunctionBody(TokenCursor &tc, ModuleImpl &m,
                        const BodyRanges &bodies, uint32_t &inlineLabels,
                        Function &f) {
  return BodyParser(tc, m, bodies, inlineLabels).decodeBody(f);
}

} // namespace detail
} // namespace ptxemu
} // namespace mpt
