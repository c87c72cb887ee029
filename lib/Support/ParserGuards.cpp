//===- ParserGuards.cpp - inputs MLIR 22's parser crashes on -------------===//
//
// A small scanner over MLIR text that follows the custom assembly form of
// linalg ops just far enough to find the inputs MLIR 22's parser crashes on
// (ParserGuards.h): the integer list of linalg.reduce / broadcast /
// transpose (`OP [{...}] ins(...) outs(...) KEYWORD = [...]`), a
// non-dictionary attribute in `<...>` right after a linalg op's name, and
// non-string iterator types of linalg.generic.
// Anything that does not follow those forms is left to MLIR's parser, which
// reports it without crashing.
//
//===----------------------------------------------------------------------===//

#include "mpt/Support/ParserGuards.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using namespace mlir::mpt;

static constexpr size_t npos = StringRef::npos;

static bool isIdentifierChar(char c) {
  return llvm::isAlnum(c) || c == '_' || c == '.' || c == '$' || c == '-';
}

/// The index of the first character at or after `i` that is neither
/// whitespace nor part of a `//` comment.
static size_t skipTrivia(StringRef text, size_t i) {
  while (i < text.size()) {
    if (llvm::isSpace(text[i])) {
      ++i;
    } else if (text.substr(i).starts_with("//")) {
      size_t newline = text.find('\n', i);
      i = newline == npos ? text.size() : newline + 1;
    } else {
      break;
    }
  }
  return i;
}

/// With `text[i] == open`: the index after the matching `close` (string
/// literals skipped), or npos when there is none.
static size_t skipBalanced(StringRef text, size_t i, char open, char close) {
  int depth = 0;
  for (; i < text.size(); ++i) {
    char c = text[i];
    if (c == '"') {
      for (++i; i < text.size() && text[i] != '"'; ++i)
        if (text[i] == '\\')
          ++i;
    } else if (c == open) {
      ++depth;
    } else if (c == close && --depth == 0) {
      return i + 1;
    }
  }
  return npos;
}

/// `word` at `i`, not followed by an identifier character: the index after
/// it, or npos.
static size_t consumeWord(StringRef text, size_t i, StringRef word) {
  if (!text.substr(i).starts_with(word))
    return npos;
  size_t end = i + word.size();
  if (end < text.size() && isIdentifierChar(text[end]))
    return npos;
  return end;
}

/// With the list starting at `i`: npos when it is `[` integers separated by
/// `,` `]` (the form DenseI64ArrayAttr's custom parser accepts), else the
/// offset of the first character that breaks that form.
static size_t findListError(StringRef text, size_t i) {
  if (i >= text.size() || text[i] != '[')
    return i;
  i = skipTrivia(text, i + 1);
  if (i < text.size() && text[i] == ']')
    return npos;
  while (true) {
    if (i < text.size() && text[i] == '-')
      ++i;
    size_t digits = i;
    if (text.substr(i).starts_with("0x")) {
      digits = i + 2;
      while (digits < text.size() && llvm::isHexDigit(text[digits]))
        ++digits;
      if (digits == i + 2)
        return i;
    } else {
      while (digits < text.size() && llvm::isDigit(text[digits]))
        ++digits;
      if (digits == i)
        return i;
    }
    i = skipTrivia(text, digits);
    if (i < text.size() && text[i] == ']')
      return npos;
    if (i >= text.size() || text[i] != ',')
      return i;
    i = skipTrivia(text, i + 1);
  }
}

/// Whether the text before `at` puts an op name there: only spaces back to
/// the start of the text, a line, a `=` (results), or a `{`, `}` or `:`
/// (a region or block label on the same line). Excludes attribute and type
/// names (`#linalg.iterator_type<parallel>`).
static bool isOpPosition(StringRef text, size_t at) {
  size_t i = at;
  while (i > 0 && (text[i - 1] == ' ' || text[i - 1] == '\t'))
    --i;
  if (i == 0)
    return true;
  char c = text[i - 1];
  return c == '\n' || c == '\r' || c == '=' || c == '{' || c == '}' || c == ':';
}

/// Whether the occurrence of an op name `text[at, at + size)` is code: not
/// part of a longer identifier, not quoted (the generic form), not in a
/// comment; with `atOpStart`, also where an op starts (isOpPosition), not
/// an attribute or type name that merely starts the same.
static bool isCustomFormOpName(StringRef text, size_t at, size_t size,
                               bool atOpStart = false) {
  if (at > 0 && (isIdentifierChar(text[at - 1]) || text[at - 1] == '"'))
    return false;
  if (at + size < text.size() && isIdentifierChar(text[at + size]))
    return false;
  if (atOpStart && !isOpPosition(text, at))
    return false;
  size_t lineStart = text.rfind('\n', at);
  lineStart = lineStart == npos ? 0 : lineStart + 1;
  return !text.slice(lineStart, at).contains("//");
}

/// Follows `[{...}] ins(...) outs(...) keyword =` from `i`; returns the
/// offset after `=`, or npos when the text does not have that form.
static size_t findListStart(StringRef text, size_t i, StringRef keyword) {
  i = skipTrivia(text, i);
  if (i < text.size() && text[i] == '{') {
    i = skipBalanced(text, i, '{', '}');
    if (i == npos)
      return npos;
    i = skipTrivia(text, i);
  }
  for (StringRef group : {"ins", "outs"}) {
    i = consumeWord(text, i, group);
    if (i == npos)
      return npos;
    i = skipTrivia(text, i);
    if (i >= text.size() || text[i] != '(')
      return npos;
    i = skipBalanced(text, i, '(', ')');
    if (i == npos)
      return npos;
    i = skipTrivia(text, i);
  }
  i = consumeWord(text, i, keyword);
  if (i == npos)
    return npos;
  i = skipTrivia(text, i);
  if (i >= text.size() || text[i] != '=')
    return npos;
  return skipTrivia(text, i + 1);
}

/// The first malformed `dimensions =` / `permutation =` list.
static std::optional<ParserCrashInput>
findMalformedIntegerList(StringRef text) {
  struct Form {
    StringRef opName, keyword;
  };
  static constexpr Form forms[] = {{"linalg.reduce", "dimensions"},
                                   {"linalg.broadcast", "dimensions"},
                                   {"linalg.transpose", "permutation"}};
  std::optional<ParserCrashInput> first;
  size_t firstList = npos;
  for (const Form &form : forms) {
    for (size_t at = text.find(form.opName); at != npos;
         at = text.find(form.opName, at + 1)) {
      if (first && at > firstList)
        break;
      if (!isCustomFormOpName(text, at, form.opName.size()))
        continue;
      size_t list = findListStart(text, at + form.opName.size(), form.keyword);
      if (list == npos)
        continue;
      size_t error = findListError(text, list);
      if (error == npos)
        continue;
      if (!first || list < firstList) {
        firstList = list;
        first = ParserCrashInput{
            error, ("'" + form.opName + "' expects '" + form.keyword +
                    " = [' followed by integers separated by ',' and ']' (for "
                    "example [1] or [0, 2])")
                       .str()};
      }
      break;
    }
  }
  return first;
}

/// The first custom-form linalg op followed by `<` and something other than
/// a dictionary (`<{`).
static std::optional<ParserCrashInput>
findNonDictionaryLinalgProperties(StringRef text) {
  for (size_t at = text.find("linalg."); at != npos;
       at = text.find("linalg.", at + 1)) {
    size_t end = at + 7;
    while (end < text.size() && isIdentifierChar(text[end]))
      ++end;
    if (end == at + 7 ||
        !isCustomFormOpName(text, at, end - at, /*atOpStart=*/true))
      continue;
    size_t open = skipTrivia(text, end);
    if (open >= text.size() || text[open] != '<')
      continue;
    size_t attr = skipTrivia(text, open + 1);
    if (attr < text.size() && text[attr] == '{')
      continue;
    StringRef opName = text.slice(at, end);
    return ParserCrashInput{
        attr, ("'" + opName +
               "' takes only a dictionary of properties in '<...>' after its "
               "name ('<{name = value, ...}>'); write its attributes in the "
               "op's own syntax")
                  .str()};
  }
  return std::nullopt;
}

/// With a string literal at `i`: the index after it, or npos.
static size_t skipString(StringRef text, size_t i) {
  for (++i; i < text.size(); ++i) {
    if (text[i] == '\\')
      ++i;
    else if (text[i] == '"')
      return i + 1;
  }
  return npos;
}

/// The first custom-form `linalg.generic {... iterator_types = [...] ...}`
/// whose list holds something other than string literals.
static std::optional<ParserCrashInput>
findNonStringIteratorTypes(StringRef text) {
  StringRef opName = "linalg.generic";
  for (size_t at = text.find(opName); at != npos;
       at = text.find(opName, at + 1)) {
    if (!isCustomFormOpName(text, at, opName.size()))
      continue;
    size_t dict = skipTrivia(text, at + opName.size());
    if (dict >= text.size() || text[dict] != '{')
      continue;
    size_t dictEnd = skipBalanced(text, dict, '{', '}');
    if (dictEnd == npos)
      dictEnd = text.size();
    // `iterator_types` as a key of this dictionary: a word, outside string
    // literals.
    size_t i = dict + 1, key = npos;
    while (i < dictEnd) {
      if (text[i] == '"') {
        i = skipString(text, i);
        if (i == npos)
          break;
        continue;
      }
      if ((i == 0 || !isIdentifierChar(text[i - 1])) &&
          consumeWord(text, i, "iterator_types") != npos) {
        key = i;
        break;
      }
      ++i;
    }
    if (key == npos)
      continue;
    i = skipTrivia(text, key + StringRef("iterator_types").size());
    if (i >= text.size() || text[i] != '=')
      continue;
    i = skipTrivia(text, i + 1);
    if (i >= text.size() || text[i] != '[')
      continue;
    i = skipTrivia(text, i + 1);
    while (i < text.size() && text[i] != ']') {
      if (text[i] != '"')
        return ParserCrashInput{
            i, "'linalg.generic' expects 'iterator_types = [' followed by "
               "string literals separated by ',' and ']' (for example "
               "[\"parallel\", \"reduction\"])"};
      i = skipString(text, i);
      if (i == npos)
        break;
      i = skipTrivia(text, i);
      if (i < text.size() && text[i] == ',')
        i = skipTrivia(text, i + 1);
      else
        break;
    }
  }
  return std::nullopt;
}

std::optional<ParserCrashInput>
mlir::mpt::findParserCrashInput(StringRef text) {
  std::optional<ParserCrashInput> first;
  for (std::optional<ParserCrashInput> found :
       {findMalformedIntegerList(text), findNonDictionaryLinalgProperties(text),
        findNonStringIteratorTypes(text)})
    if (found && (!first || found->offset < first->offset))
      first = std::move(found);
  return first;
}

LogicalResult
mlir::mpt::checkParserCrashInputs(const llvm::MemoryBuffer &buffer) {
  std::optional<ParserCrashInput> found =
      findParserCrashInput(buffer.getBuffer());
  if (!found)
    return success();
  llvm::SourceMgr sourceMgr;
  sourceMgr.AddNewSourceBuffer(
      llvm::MemoryBuffer::getMemBuffer(buffer.getMemBufferRef(),
                                       /*RequiresNullTerminator=*/false),
      llvm::SMLoc());
  const char *at = buffer.getBufferStart() + found->offset;
  sourceMgr.PrintMessage(
      llvm::errs(), llvm::SMLoc::getFromPointer(at), llvm::SourceMgr::DK_Error,
      found->message + "; this input is refused before parsing "
                       "because MLIR 22's parser crashes on it");
  return failure();
}
