//===- Lexer.h - PTX text to tokens ----------------------------*- C++ -*-===//
//
// The tokens of the PTX that LLVM's NVPTX backend and nvcc emit: names
// (`%r1`, `$L__BB0_2`, `ld.global.f32` is one name), directives (`.reg`,
// `.b32`: a directive ends at the next '.'), integers (decimal, hex, octal,
// binary), floats (decimal, `0f3F800000`, `0d...`), strings and
// punctuation. Comments are skipped.
//
//===----------------------------------------------------------------------===//

#ifndef MPT_RUNTIME_PTXEMU_LEXER_H
#define MPT_RUNTIME_PTXEMU_LEXER_H

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mpt {
namespace ptxemu {
namespace detail {

/// Where parsing a module failed and why. Lexing and parsing stop at the
/// first error; every function that can fail returns false after recording
/// it (no exception crosses the parser).
struct ParseDiag {
  uint32_t line = 0, col = 0;
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

/// The tokens of `text`, the last of kind End; false (and `diag`) on a
/// lexical error (an unterminated comment or string, a stray character, a
/// malformed number).
bool lexPTX(std::string_view text, std::vector<Tok> &toks, ParseDiag &diag);

} // namespace detail
} // namespace ptxemu
} // namespace mpt

#endif // MPT_RUNTIME_PTXEMU_LEXER_H
