//===- PassReport.cpp - remarks and JSON reports of the mpt passes --------===//

#include "mpt/Dialect/MPT/Transforms/PassReport.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>

using namespace mlir;
using namespace mlir::mpt;

std::string mlir::mpt::locationToString(Location loc) {
  if (auto name = dyn_cast<NameLoc>(loc))
    return name.getName().str();
  if (auto file = dyn_cast<FileLineColLoc>(loc))
    return (file.getFilename().str() + ":" + Twine(file.getLine()) + ":" +
            Twine(file.getColumn()))
        .str();
  if (auto fused = dyn_cast<FusedLoc>(loc)) {
    std::string text;
    for (Location inner : fused.getLocations())
      text += (text.empty() ? "" : ", ") + locationToString(inner);
    return text;
  }
  std::string text;
  llvm::raw_string_ostream os(text);
  loc.print(os);
  return text;
}

/// An argument value as the remark engine shows it (strings unquoted).
static std::string argText(const llvm::json::Value &value) {
  if (std::optional<StringRef> text = value.getAsString())
    return text->str();
  std::string out;
  llvm::raw_string_ostream os(out);
  os << value;
  return out;
}

static StringRef kindName(remark::RemarkKind kind) {
  switch (kind) {
  case remark::RemarkKind::RemarkPassed:
    return "passed";
  case remark::RemarkKind::RemarkMissed:
    return "missed";
  case remark::RemarkKind::RemarkFailure:
    return "failure";
  case remark::RemarkKind::RemarkAnalysis:
    return "analysis";
  case remark::RemarkKind::RemarkUnknown:
    break;
  }
  return "unknown";
}

void mlir::mpt::emitPassRemark(StringRef passName, const PassRemark &remark) {
  auto opts = remark::RemarkOpts::name(remark.name).category(passName);
  if (remark.function)
    opts = opts.function(remark.function.getValue());
  remark::detail::InFlightRemark inFlight;
  switch (remark.kind) {
  case remark::RemarkKind::RemarkPassed:
    inFlight = remark::passed(remark.loc, opts);
    break;
  case remark::RemarkKind::RemarkMissed:
    inFlight = remark::missed(remark.loc, opts);
    break;
  case remark::RemarkKind::RemarkFailure:
    inFlight = remark::failed(remark.loc, opts);
    break;
  case remark::RemarkKind::RemarkAnalysis:
  case remark::RemarkKind::RemarkUnknown:
    inFlight = remark::analysis(remark.loc, opts);
    break;
  }
  if (!inFlight)
    return; // no remark engine, or its filters do not select this pass
  for (const auto &[key, value] : remark.args)
    inFlight << remark::detail::Remark::Arg(key, argText(value));
}

void PassReport::add(PassRemark remark) {
  emitPassRemark(passName, remark);
  std::lock_guard<std::mutex> lock(mutex);
  remarks.push_back(std::move(remark));
}

void PassReport::clearFunction(StringAttr function) {
  std::lock_guard<std::mutex> lock(mutex);
  llvm::erase_if(remarks, [&](const PassRemark &remark) {
    return remark.function == function;
  });
}

std::vector<PassRemark> PassReport::getRemarks() const {
  std::vector<PassRemark> sorted;
  {
    std::lock_guard<std::mutex> lock(mutex);
    sorted = remarks;
  }
  auto functionName = [](const PassRemark &remark) {
    return remark.function ? remark.function.getValue() : StringRef();
  };
  std::stable_sort(sorted.begin(), sorted.end(),
                   [&](const PassRemark &a, const PassRemark &b) {
                     int byName = functionName(a).compare(functionName(b));
                     if (byName != 0)
                       return byName < 0;
                     return a.order < b.order;
                   });
  return sorted;
}

std::vector<PassRemark> PassReport::getRemarks(StringAttr function) const {
  std::vector<PassRemark> selected;
  for (PassRemark &remark : getRemarks())
    if (remark.function == function)
      selected.push_back(std::move(remark));
  return selected;
}

llvm::json::Value PassReport::toJSON() const {
  llvm::json::Array list;
  for (const PassRemark &remark : getRemarks()) {
    llvm::json::Object args;
    for (const auto &[key, value] : remark.args)
      args[key] = value;
    llvm::json::Object entry{{"kind", kindName(remark.kind)},
                             {"name", remark.name},
                             {"function", remark.function
                                              ? remark.function.getValue().str()
                                              : std::string()},
                             {"loc", locationToString(remark.loc)},
                             {"args", std::move(args)}};
    list.push_back(std::move(entry));
  }
  return llvm::json::Object{{"pass", passName}, {"remarks", std::move(list)}};
}

LogicalResult PassReport::write(StringRef path, std::string &error) const {
  llvm::json::Value json = toJSON();
  if (path == "-") {
    llvm::errs() << llvm::formatv("{0:2}", json) << "\n";
    llvm::errs().flush();
    return success();
  }
  std::unique_ptr<llvm::ToolOutputFile> file = openOutputFile(path, &error);
  if (!file)
    return failure();
  file->os() << llvm::formatv("{0:2}", json) << "\n";
  file->os().flush();
  if (file->os().has_error()) {
    error = file->os().error().message();
    file->os().clear_error();
    return failure();
  }
  file->keep();
  return success();
}

RemarkBuilder::RemarkBuilder(PassReport *report, StringRef passName,
                             remark::RemarkKind kind, StringRef name,
                             Location loc)
    : report(report), passName(passName), remark(loc) {
  remark.kind = kind;
  remark.name = name;
}

RemarkBuilder::~RemarkBuilder() {
  if (report)
    report->add(std::move(remark));
  else
    emitPassRemark(passName, remark);
}

RemarkBuilder &RemarkBuilder::function(StringAttr name) {
  remark.function = name;
  return *this;
}

RemarkBuilder &RemarkBuilder::order(uint64_t position) {
  remark.order = position;
  return *this;
}

RemarkBuilder &RemarkBuilder::arg(StringRef key, llvm::json::Value value) {
  remark.args.emplace_back(key.str(), std::move(value));
  return *this;
}
