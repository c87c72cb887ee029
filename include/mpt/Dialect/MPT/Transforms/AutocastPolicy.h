//===- AutocastPolicy.h - which ops autocast runs in low precision -*- C++
//-*-===//
//
// The four classes of mpt-autocast and their default lists, in one place that
// users and framework compilers can query and extend (see docs/passes.md,
// "Adding an op to the autocast lists").
//
//===----------------------------------------------------------------------===//

#ifndef MPT_DIALECT_MPT_TRANSFORMS_AUTOCASTPOLICY_H
#define MPT_DIALECT_MPT_TRANSFORMS_AUTOCASTPOLICY_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/Operation.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Support/LLVM.h"
#include "llvm/ADT/StringMap.h"

#include <string>

namespace mlir::mpt {

/// How autocast treats an op.
enum class PrecisionClass {
  /// Always low precision: contractions (their accumulators stay FP32).
  LowPrecision,
  /// Always FP32: exp, log, pow, reductions over more than one element,
  /// softmax, losses, optimizer and loss-scaling ops, ...
  FP32,
  /// Low precision when its inputs are (elementwise arithmetic, bias add).
  Follow,
  /// Precision-transparent data movement and exact ops (reshape, transpose,
  /// pad, ReLU, max, select, ...).
  Transparent,
  /// Not in any list: stays FP32 and is reported.
  Unknown,
  /// Control flow, calls and terminators: FP32 at the boundary, not reported
  /// as unknown.
  Boundary,
};

/// The `low_precision` / `fp32` / ... spelling used in options and reports.
StringRef stringifyPrecisionClass(PrecisionClass cls);

/// The verdict on one op.
struct Classification {
  PrecisionClass cls = PrecisionClass::Unknown;
  /// A contraction: low-precision inputs, FP32 accumulator (init and result).
  bool isContraction = false;
  /// The name the lists know the op by: the op name, or for linalg.generic /
  /// linalg.map / linalg.reduce the payload op that decided the class.
  std::string key;
  /// Why, in a few words (e.g. "reduction over 640 elements").
  std::string reason;
};

/// The default lists plus user changes; classifies ops, including
/// linalg.generic from its body.
class AutocastPolicy {
public:
  /// Starts from the default lists.
  AutocastPolicy();

  /// Moves `names` into `cls` (or, for PrecisionClass::Unknown, out of every
  /// list). Returns a message naming the op when one is named for two
  /// classes in the same batch of changes.
  LogicalResult applyOverrides(
      ArrayRef<std::pair<PrecisionClass, ArrayRef<std::string>>> overrides,
      std::string &error);

  /// The class the lists give a name, if any (prefix rules included).
  std::optional<PrecisionClass> lookup(StringRef name) const;

  /// Classifies one op. Ops inside linalg bodies are classified as payload
  /// of their linalg op, not on their own.
  Classification classify(Operation *op) const;

  /// True for ops that compute as contractions (low-precision inputs, FP32
  /// accumulator): linalg contractions and convolutions, mul-add
  /// linalg.generic ops whose inputs are indexed differently, and the mpt
  /// fused ops. Only such ops can be in the low-precision class.
  static bool isContractionLike(Operation *op);

  /// Every name in the lists with its class, sorted (for docs and reports).
  SmallVector<std::pair<std::string, PrecisionClass>> listAll() const;

private:
  Classification classifyLinalgBody(Operation *op) const;
  /// The class of one payload op of a linalg op and why.
  std::pair<PrecisionClass, std::string>
  classifyPayload(Operation &inner, linalg::LinalgOp op) const;

  llvm::StringMap<PrecisionClass> classes;
};

class PassReport;

/// What mpt-autocast did to one function.
struct AutocastSummary {
  /// Ops that compute on float values, and those now in low precision.
  int64_t floatOps = 0, lowPrecisionOps = 0;
  int64_t castsInserted = 0, constantsNarrowed = 0;
  /// 2 x multiply-adds of the (statically shaped) contractions, in total and
  /// with low-precision inputs.
  int64_t contractionFlops = 0, lowPrecisionContractionFlops = 0;
  /// Bytes of forward values the backward pass reads, before and after.
  int64_t savedActivationBytesBefore = 0, savedActivationBytesAfter = 0;
};

/// mpt-autocast on one function: colors its ops with `policy` and rewrites
/// them to `low` in place through `rewriter` (so its listener sees every
/// change). Every decision is a remark of "mpt-autocast", recorded in
/// `report` when given and emitted through the context's remark engine.
AutocastSummary autocastFunction(RewriterBase &rewriter, func::FuncOp func,
                                 const AutocastPolicy &policy, FloatType low,
                                 PassReport *report = nullptr);

} // namespace mlir::mpt

#endif // MPT_DIALECT_MPT_TRANSFORMS_AUTOCASTPOLICY_H
