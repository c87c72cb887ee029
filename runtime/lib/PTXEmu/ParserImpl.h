//===- ParserImpl.h - The pieces of the PTX parser -------------*- C++ -*-===//
//
// Parsing a module takes two passes over its tokens. The module parser
// (Parser.cpp) reads the module structure: directives, variables with
// initialisers, entries and functions with their parameters, and only
// delimits each body. The body parser (BodyParser.cpp) then decodes every
// body, once every function and variable is known (calls are inlined, and a
// callee may be defined after its caller): scopes, register declarations,
// labels, instructions and their operands.
//
// No exception crosses the parser: every function that can fail returns
// false (or an empty optional) after the cursor recorded the first error,
// and its callers return at once.
//
//===----------------------------------------------------------------------===//

#ifndef MPT_RUNTIME_PTXEMU_PARSERIMPL_H
#define MPT_RUNTIME_PTXEMU_PARSERIMPL_H

#include "Internal.h"
#include "Lexer.h"

#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace mpt {
namespace ptxemu {
namespace detail {

/// The tokens of a module, a position in them, and the first error.
class TokenCursor {
public:
  explicit TokenCursor(std::vector<Tok> toks) : t_(std::move(toks)) {}

  const Tok &cur() const { return t_[p_]; }
  const Tok &peekTok(size_t o = 1) const {
    return t_[std::min(p_ + o, t_.size() - 1)];
  }
  const Tok &at(size_t i) const { return t_[i]; }
  size_t pos() const { return p_; }
  void seek(size_t p) { p_ = p; }
  void adv() {
    if (p_ + 1 < t_.size())
      ++p_;
  }

  /// Records an error at the current token (or at `line`:`col`) unless one
  /// was recorded already; returns false.
  bool fail(const std::string &m) { return failAt(cur().line, cur().col, m); }
  bool failAt(uint32_t line, uint32_t col, const std::string &m);
  /// Records a diagnostic produced elsewhere (the decoder); returns false.
  bool fail(const ParseDiag &d) { return failAt(d.line, d.col, d.msg); }
  bool failed() const { return failed_; }
  const ParseDiag &diag() const { return diag_; }

  /// ", found 'x'" for messages.
  std::string got() const;
  bool expect(char c);
  bool ident(std::string &out);
  bool integer(uint64_t &out);
  void skipLine(uint32_t line);
  void skipTo(char c);
  bool skipBalanced(); ///< at '{'

private:
  std::vector<Tok> t_;
  size_t p_ = 0;
  bool failed_ = false;
  ParseDiag diag_;
};

/// `[.space] [.align N] [.vN] .type name [dims] [= init] ;` (module scope,
/// or .shared/.local in a body).
bool parseVariable(TokenCursor &tc, bool isExtern, Variable &v);

uint64_t alignUp(uint64_t v, uint64_t a);
/// Places a shared/local variable at an offset aligned to exactly `align`
/// (below 16 bytes): an access that needs more alignment than the PTX
/// declares is then reported as misaligned every time, instead of working
/// by luck as it may with ptxas's layout (a missing `.align 16` on a buffer
/// used by ldmatrix or cp.async is a real bug).
uint64_t placeExactly(uint64_t v, uint64_t align);

/// Token range [first, second) of each function body, after its '{'.
using BodyRanges = std::unordered_map<std::string, std::pair<size_t, size_t>>;

/// Decodes the body of `f` (its tokens in `bodies`), inlining calls; the
/// cursor is left at the body's closing '}'. `inlineLabels` numbers the
/// labels inlined calls add, across the module.
bool decodeFunctionBody(TokenCursor &tc, ModuleImpl &m,
                        const BodyRanges &bodies, uint32_t &inlineLabels,
                        Function &f);

} // namespace detail
} // namespace ptxemu
} // namespace mpt

#endif // MPT_RUNTIME_PTXEMU_PARSERIMPL_H
