//===- ParserGuards.h - inputs MLIR 22's parser crashes on ------*- C++ -*-===//
//
// Checks that run on MLIR text before MLIR's parser sees it, for inputs on
// which the parser of the MLIR that mpt links (LLVM 22) crashes instead of
// reporting an error. Each check is precise: it flags only text the parser
// would crash on, so valid input never trips it (docs/reliability.md,
// Findings).
//
//===----------------------------------------------------------------------===//

#ifndef MPT_SUPPORT_PARSERGUARDS_H
#define MPT_SUPPORT_PARSERGUARDS_H

#include "mlir/Support/LLVM.h"
#include "llvm/ADT/StringRef.h"

#include <optional>
#include <string>

namespace llvm {
class MemoryBuffer;
} // namespace llvm

namespace mlir::mpt {

/// Input on which MLIR 22's parser crashes instead of reporting an error:
///  - a custom-form `linalg.reduce` / `linalg.broadcast` (`dimensions =`) or
///    `linalg.transpose` (`permutation =`) followed by something other than
///    a bracketed list of integers: those parsers store a null attribute
///    and then dereference it (a segmentation fault in libMLIR.so) right
///    after printing their error;
///  - a custom-form linalg op followed by `<` and an attribute that is not a
///    dictionary (`linalg.fill<f32> ...`): the named ops' parser keeps it as
///    the op's properties, and when a later part of the op fails to parse,
///    reads it as a DictionaryAttr (an unchecked cast; "SmallVector unable
///    to grow", abort);
///  - a custom-form `linalg.generic` whose `iterator_types = [...]` holds
///    anything but string literals (`[#linalg.iterator_type<parallel>]`,
///    `[1]`): read as strings unchecked ("out of memory", abort).
struct ParserCrashInput {
  /// Offset of the character the error points at.
  size_t offset;
  /// What is wrong and what the text should look like.
  std::string message;
};

/// The first input in `text` that MLIR 22's parser would crash on, if any.
std::optional<ParserCrashInput> findParserCrashInput(StringRef text);

/// Prints an error (`file:line:col: error: ...` with the line and a caret)
/// to stderr and returns failure if `buffer` holds input that MLIR 22's
/// parser would crash on; success otherwise.
LogicalResult checkParserCrashInputs(const llvm::MemoryBuffer &buffer);

} // namespace mlir::mpt

#endif // MPT_SUPPORT_PARSERGUARDS_H
