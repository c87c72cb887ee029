//===- PassReport.h - remarks and JSON reports of the mpt passes -*- C++
//-*-===//
//
// One report mechanism for every mpt pass: each decision is a remark of
// MLIR's remark infrastructure (remark::passed / missed / analysis, category
// = the pass name), emitted through the context's remark engine (so
// `mpt-opt --remarks-filter=mpt-autocast`, `--remark-format=yaml`, ... show
// them), and the pass's JSON report (`report=<file>`) is the list of those
// same remarks, serialised.
//
//===----------------------------------------------------------------------===//

#ifndef MPT_DIALECT_MPT_TRANSFORMS_PASSREPORT_H
#define MPT_DIALECT_MPT_TRANSFORMS_PASSREPORT_H

#include "mlir/IR/Location.h"
#include "mlir/IR/Remarks.h"
#include "mlir/Support/LLVM.h"
#include "llvm/Support/JSON.h"

#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace mlir::mpt {

/// One remark of an mpt pass.
struct PassRemark {
  /// Passed (something was rewritten), missed (a candidate was left as it
  /// was, with the reason) or analysis (figures).
  remark::RemarkKind kind = remark::RemarkKind::RemarkAnalysis;
  /// What the remark is about, e.g. "fused", "declined", "summary"; a
  /// string with static storage.
  StringRef name;
  /// The function the remark is about (null for the whole module).
  StringAttr function;
  Location loc;
  /// Key/value arguments, in the order they were added.
  SmallVector<std::pair<std::string, llvm::json::Value>, 8> args;
  /// Position among the function's remarks; remarks of one function are
  /// reported in this order (ties: the order they were added).
  uint64_t order = 0;

  explicit PassRemark(Location loc) : loc(loc) {}
};

/// The remarks one pass instance (and its clones on other threads) made.
class PassReport {
public:
  /// `passName` must have static storage (a pass argument).
  explicit PassReport(StringRef passName) : passName(passName) {}

  StringRef getPassName() const { return passName; }

  /// Emits `remark` through the context's remark engine (if any) and keeps
  /// it for the JSON report. Thread-safe.
  void add(PassRemark remark);

  /// Drops the remarks about `function` (a function pass reprocessing it).
  void clearFunction(StringAttr function);

  /// The remarks so far, grouped by function name (module-level first) and
  /// then in `order`.
  std::vector<PassRemark> getRemarks() const;

  /// The remarks about `function` so far, in `order`.
  std::vector<PassRemark> getRemarks(StringAttr function) const;

  /// `{"pass": ..., "remarks": [{"kind", "name", "function", "loc",
  /// "args": {...}}, ...]}`.
  llvm::json::Value toJSON() const;

  /// Writes the JSON document to `path`, or to stderr for "-" (never to
  /// stdout, where mpt-opt prints the IR). Sets `error` on failure.
  LogicalResult write(StringRef path, std::string &error) const;

private:
  StringRef passName;
  mutable std::mutex mutex;
  std::vector<PassRemark> remarks;
};

/// Emits `remark` of `passName` through the context's remark engine only.
void emitPassRemark(StringRef passName, const PassRemark &remark);

/// Builds a remark argument by argument and hands it to a report (or, with
/// no report, to the remark engine only) when it goes out of scope:
///
///   RemarkBuilder(report, remark::RemarkKind::RemarkPassed, "fused", loc)
///       .function(func.getSymNameAttr())
///       .arg("epilogue", "bias_relu");
class RemarkBuilder {
public:
  RemarkBuilder(PassReport *report, StringRef passName, remark::RemarkKind kind,
                StringRef name, Location loc);
  RemarkBuilder(const RemarkBuilder &) = delete;
  RemarkBuilder &operator=(const RemarkBuilder &) = delete;
  ~RemarkBuilder();

  RemarkBuilder &function(StringAttr name);
  RemarkBuilder &order(uint64_t position);
  RemarkBuilder &arg(StringRef key, llvm::json::Value value);

private:
  PassReport *report;
  StringRef passName;
  PassRemark remark;
};

/// A location as a short string: the name of a NameLoc, `file:line:col` of
/// a FileLineColLoc, the parts of a FusedLoc separated by ", ".
std::string locationToString(Location loc);

} // namespace mlir::mpt

#endif // MPT_DIALECT_MPT_TRANSFORMS_PASSREPORT_H
