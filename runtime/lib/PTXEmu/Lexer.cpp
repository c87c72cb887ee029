//===- Lexer.cpp - PTX text to tokens -------------------------------------===//

#include "Lexer.h"

#include "Float.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace mpt {
namespace ptxemu {
namespace detail {

namespace {

bool identStart(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
         c == '$' || c == '%';
}
bool identChar(char c) {
  return identStart(c) || (c >= '0' && c <= '9') || c == '.';
}

bool isHex(const std::string &h) {
  return !h.empty() && std::all_of(h.begin(), h.end(), [](char ch) {
    return std::isxdigit((unsigned char)ch);
  });
}

class Lexer {
public:
  Lexer(std::string_view t, ParseDiag &diag) : t_(t), diag_(diag) {}

  bool run(std::vector<Tok> &out) {
    for (;;) {
      Tok tk;
      if (!next(tk))
        return false;
      bool end = tk.k == Tok::End;
      out.push_back(std::move(tk));
      if (end)
        return true;
    }
  }

private:
  std::string_view t_;
  ParseDiag &diag_;
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
  /// Records the error at the current position; returns false.
  bool fail(const std::string &m) {
    diag_ = ParseDiag{line_, col_, m};
    return false;
  }

  bool skipSpace();
  void readName(Tok &tk);
  void readDirective(Tok &tk);
  bool readString(Tok &tk);
  bool next(Tok &tk);
  bool lexNumber(Tok &tk);
  bool lexInteger(Tok &tk, const std::string &s);
};

bool Lexer::skipSpace() {
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
        return fail("unterminated /* comment");
      adv();
      adv();
    } else {
      return true;
    }
  }
}

void Lexer::readName(Tok &tk) {
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

/// A directive ends at the next '.': `.reg.b32` is `.reg .b32`.
void Lexer::readDirective(Tok &tk) {
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
}

bool Lexer::readString(Tok &tk) {
  tk.k = Tok::Str;
  adv();
  while (p_ < t_.size() && peek() != '"') {
    if (peek() == '\\' && p_ + 1 < t_.size())
      adv();
    tk.s += peek();
    adv();
  }
  if (p_ >= t_.size())
    return fail("unterminated string");
  adv();
  return true;
}

bool Lexer::next(Tok &tk) {
  if (!skipSpace())
    return false;
  tk.line = line_;
  tk.col = col_;
  if (p_ >= t_.size())
    return true; // End
  char c = peek();
  if (c == '.' && identStart(peek(1))) {
    readDirective(tk);
    return true;
  }
  if (identStart(c)) {
    tk.k = Tok::Ident;
    readName(tk);
    return true;
  }
  if (c >= '0' && c <= '9')
    return lexNumber(tk);
  if (c == '"')
    return readString(tk);
  static const char *punct = "{}()[],;:+-!|@<>=*/";
  if (std::strchr(punct, c)) {
    tk.k = Tok::Punct;
    tk.s = std::string(1, c);
    adv();
    return true;
  }
  return fail(std::string("unexpected character '") + c + "'");
}

bool Lexer::lexNumber(Tok &tk) {
  std::string s;
  while (p_ < t_.size() && (std::isalnum((unsigned char)peek()) ||
                            peek() == '.' || peek() == '_')) {
    char c = peek();
    s += c;
    adv();
    // The sign of a decimal exponent: 1.5e-3.
    bool decimal = s.find_first_of("xXfFdDbB") == std::string::npos;
    if ((c == 'e' || c == 'E') && decimal && (peek() == '-' || peek() == '+')) {
      s += peek();
      adv();
    }
  }
  if (s.size() == 10 && (s[1] == 'f' || s[1] == 'F') && s[0] == '0' &&
      isHex(s.substr(2))) {
    tk.k = Tok::Float;
    tk.fhex = tk.f32hex = true;
    tk.fbits = std::strtoull(s.c_str() + 2, nullptr, 16);
    tk.fval = fp::floatOf((uint32_t)tk.fbits);
    return true;
  }
  if (s.size() == 18 && (s[1] == 'd' || s[1] == 'D') && s[0] == '0' &&
      isHex(s.substr(2))) {
    tk.k = Tok::Float;
    tk.fhex = true;
    tk.fbits = std::strtoull(s.c_str() + 2, nullptr, 16);
    tk.fval = fp::doubleOf(tk.fbits);
    return true;
  }
  return lexInteger(tk, s);
}

/// `s` as a decimal float or an integer (hex, binary, octal, decimal, with
/// an optional U suffix).
bool Lexer::lexInteger(Tok &tk, const std::string &s) {
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
      return fail("malformed number '" + s + "'");
    return true;
  } else if (body.size() > 1 && body[0] == '0') {
    tk.k = Tok::Int;
    tk.ival = std::strtoull(body.c_str() + 1, &end, 8);
  } else {
    tk.k = Tok::Int;
    tk.ival = std::strtoull(body.c_str(), &end, 10);
  }
  if (!end || *end || errno == ERANGE)
    return fail("malformed number '" + s + "'");
  return true;
}

} // namespace

bool lexPTX(std::string_view text, std::vector<Tok> &toks, ParseDiag &diag) {
  return Lexer(text, diag).run(toks);
}

} // namespace detail
} // namespace ptxemu
} // namespace mpt
