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

namespace llvm {
class MemoryBuffer;
} // namespace llvm

namespace mlir::mpt {

/// Where a custom-form `linalg.reduce` / `linalg.broadcast` (`dimensions =`)
/// or `linalg.transpose` (`permutation =`) is followed by something other
/// than a bracketed list of integers. The parsers of those three ops store
/// a null attribute when that list is malformed and then crash (a null
/// dereference in libMLIR.so) right after printing their error.
struct MalformedIntegerList {
  /// Offset in the text where the list (or what stands in its place) starts.
  size_t offset;
  /// Offset of the character that is not part of a well-formed list.
  size_t errorOffset;
  /// `dimensions` or `permutation`.
  StringRef keyword;
  /// `linalg.reduce`, `linalg.broadcast` or `linalg.transpose`.
  StringRef opName;
};

/// The first malformed list in `text`, if any.
std::optional<MalformedIntegerList> findMalformedIntegerList(StringRef text);

/// Prints an error (`file:line:col: error: ...` with the line and a caret)
/// to stderr and returns failure if `buffer` holds input that MLIR 22's
/// parser would crash on; success otherwise.
LogicalResult checkParserCrashInputs(const llvm::MemoryBuffer &buffer);

} // namespace mlir::mpt

#endif // MPT_SUPPORT_PARSERGUARDS_H
