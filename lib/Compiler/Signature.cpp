//===- Signature.cpp - the signature table from mpt.* attributes ----------===//
//
// The runtime binds state from the signature table alone, so everything it
// needs is read here, before lowering erases the attributes: every argument's
// name, role, element type, shape and initialiser; every result's role and
// the argument it replaces next step; and how many classes an integer input
// holds when the step uses its values as class indices.
//
//===----------------------------------------------------------------------===//

#include "mpt/Compiler/Compiler.h"

#include "mpt/Dialect/MPT/IR/MPTDialect.h"
#include "mpt/Dialect/MPT/IR/MPTOps.h"
#include "mpt/Dialect/MPT/Transforms/TrainingStepAnalysis.h"

#include "mpt-runtime/Signature.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Diagnostics.h"

using namespace mlir;
using namespace mlir::mpt;
namespace rt = ::mpt::rt;

static std::optional<rt::DType> dtypeOf(Type element) {
  if (element.isF32())
    return rt::DType::F32;
  if (element.isF16())
    return rt::DType::F16;
  if (element.isBF16())
    return rt::DType::BF16;
  if (element.isF64())
    return rt::DType::F64;
  if (element.isInteger(1))
    return rt::DType::I1;
  if (element.isInteger(8))
    return rt::DType::I8;
  if (element.isInteger(32))
    return rt::DType::I32;
  if (element.isInteger(64))
    return rt::DType::I64;
  return std::nullopt;
}

/// The dtype and static shape of a tensor the runtime allocates.
static LogicalResult readType(Type type, Location loc, StringRef what,
                              rt::TensorSpec &spec) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  if (!tensor)
    return emitError(loc) << what << " has type " << type
                          << "; the runtime passes ranked tensors only";
  if (!tensor.hasStaticShape())
    return emitError(loc) << what << " has the dynamic shape " << type
                          << "; compile with static shapes (batch size fixed)";
  std::optional<rt::DType> dtype = dtypeOf(tensor.getElementType());
  if (!dtype)
    return emitError(loc) << what << " has element type "
                          << tensor.getElementType()
                          << ", which the runtime does not support (f32, f16, "
                             "bf16, f64, i1, i8, i32, i64)";
  spec.dtype = *dtype;
  spec.shape.assign(tensor.getShape().begin(), tensor.getShape().end());
  return success();
}

static rt::InitSpec readInit(InitAttr init) {
  switch (init.getDist()) {
  case InitDist::zeros:
    return rt::InitSpec::zeros();
  case InitDist::constant:
    return rt::InitSpec::constant(init.getValue().getValueAsDouble());
  case InitDist::uniform:
    return rt::InitSpec::uniform(init.getLow().getValueAsDouble(),
                                 init.getHigh().getValueAsDouble(),
                                 *init.getSeed());
  case InitDist::cast_of:
    return rt::InitSpec::castOf(init.getSource().str());
  }
  llvm_unreachable("unknown mpt.init distribution");
}

/// The runtime's role of a dialect role (the two tables agree; see
/// unittests/Dialect/MPT/RoleTest.cpp).
static rt::Role toRuntimeRole(Role role) {
  return static_cast<rt::Role>(static_cast<uint32_t>(role));
}

/// The bound a use of a label value inside `op`'s payload puts on it: the
/// label (after index casts) compared for equality with `linalg.index d`
/// ranges over loop d (a one-hot), and one that indexes a tensor with
/// tensor.extract over that dimension (a gather). nullopt: no bound.
static std::optional<int64_t> boundInPayload(linalg::LinalgOp op, Value label) {
  std::optional<int64_t> bound;
  auto tighten = [&](int64_t b) {
    if (!ShapedType::isDynamic(b))
      bound = bound ? std::min(*bound, b) : b;
  };
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  SmallVector<Value> values = {label};
  while (!values.empty()) {
    Value v = values.pop_back_val();
    for (OpOperand &use : v.getUses()) {
      Operation *user = use.getOwner();
      if (isa<arith::IndexCastOp, arith::IndexCastUIOp, arith::ExtSIOp,
              arith::ExtUIOp>(user)) {
        values.push_back(user->getResult(0));
      } else if (auto cmp = dyn_cast<arith::CmpIOp>(user)) {
        if (cmp.getPredicate() != arith::CmpIPredicate::eq &&
            cmp.getPredicate() != arith::CmpIPredicate::ne)
          continue;
        Value other = cmp->getOperand(1 - use.getOperandNumber());
        if (auto index = other.getDefiningOp<linalg::IndexOp>())
          if (index.getDim() < ranges.size())
            tighten(ranges[index.getDim()]);
      } else if (auto extract = dyn_cast<tensor::ExtractOp>(user)) {
        unsigned first = extract.getIndices().getBeginOperandIndex();
        if (use.getOperandNumber() >= first)
          tighten(extract.getTensor().getType().getDimSize(
              use.getOperandNumber() - first));
      }
    }
  }
  return bound;
}

/// How many classes the integer input `arg` holds, when the step uses its
/// values as class indices: the tightest bound of every one-hot or gather
/// that reads it (boundInPayload). The runtime refuses labels outside
/// [0, classes) and the entry point checks them before the step reads
/// through them.
static std::optional<int64_t> classCount(BlockArgument arg) {
  auto type = dyn_cast<RankedTensorType>(arg.getType());
  if (!type || !type.getElementType().isSignlessInteger() ||
      type.getElementType().isInteger(1))
    return std::nullopt;
  std::optional<int64_t> classes;
  for (OpOperand &use : arg.getUses()) {
    auto op = dyn_cast<linalg::LinalgOp>(use.getOwner());
    if (!op || !op.isDpsInput(&use))
      continue;
    std::optional<int64_t> b =
        boundInPayload(op, op.getMatchingBlockArgument(&use));
    if (b && *b > 0)
      classes = classes ? std::min(*classes, *b) : *b;
  }
  return classes;
}

/// A plain function of tensors (no mpt.* attribute and no mpt op: not a
/// training step): arguments are inputs named arg0, arg1, ..., results are
/// unnamed outputs.
static bool isPlainFunction(func::FuncOp func) {
  bool plain = !func.walk([](Operation *op) {
                      return isa<MPTDialect>(op->getDialect())
                                 ? WalkResult::interrupt()
                                 : WalkResult::advance();
                    })
                    .wasInterrupted();
  for (unsigned i = 0, e = func.getNumArguments(); i < e; ++i)
    if (func.getArgAttr(i, MPTDialect::kNameAttrName) ||
        func.getArgAttr(i, MPTDialect::kRoleAttrName))
      plain = false;
  for (unsigned i = 0, e = func.getNumResults(); i < e; ++i)
    if (func.getResultAttr(i, MPTDialect::kRoleAttrName))
      plain = false;
  return plain;
}

/// The table entry of argument `i`: its name, role, type and initialiser
/// (state must have one), and for class-label inputs the number of classes.
static LogicalResult readArgument(func::FuncOp func, unsigned i, bool plain,
                                  rt::TensorSpec &spec) {
  std::string what =
      "@" + func.getSymName().str() + " argument #" + std::to_string(i);
  Location argLoc = func.getArgument(i).getLoc();
  if (plain) {
    spec.name = "arg" + std::to_string(i);
    spec.role = rt::Role::Input;
  } else {
    auto name = func.getArgAttrOfType<StringAttr>(i, MPTDialect::kNameAttrName);
    std::optional<Role> role = getArgRole(func, i);
    if (!name || !role)
      return emitError(argLoc)
             << what
             << " needs mpt.name and mpt.role: the runtime binds "
                "arguments by name and role";
    spec.name = name.getValue().str();
    spec.role = toRuntimeRole(*role);
  }
  if (failed(readType(func.getArgumentTypes()[i], argLoc, what, spec)))
    return failure();
  if (auto init = func.getArgAttrOfType<InitAttr>(i, MPTDialect::kInitAttrName);
      init && !plain)
    spec.init = readInit(init);
  if (spec.role == rt::Role::Input)
    if (std::optional<int64_t> classes = classCount(func.getArgument(i)))
      spec.classes = *classes;
  if (rt::isStateRole(spec.role) && spec.init.dist == rt::InitSpec::Dist::None)
    return emitError(argLoc)
           << what << " (" << spec.name
           << ") is state but has no mpt.init: the runtime would not know "
              "how to initialise it";
  return success();
}

/// The table entry of result `i`: its role, name, the argument it updates
/// and its type.
static LogicalResult readResult(func::FuncOp func, unsigned i, bool plain,
                                rt::TensorSpec &spec) {
  std::string what =
      "@" + func.getSymName().str() + " result #" + std::to_string(i);
  Location loc = func.getLoc();
  if (plain) {
    spec.role = rt::Role::Output;
  } else {
    std::optional<Role> role = getResultRole(func, i);
    if (!role)
      return emitError(loc) << what << " needs mpt.role";
    spec.role = toRuntimeRole(*role);
    if (auto name =
            func.getResultAttrOfType<StringAttr>(i, MPTDialect::kNameAttrName))
      spec.name = name.getValue().str();
    if (auto updates = func.getResultAttrOfType<StringAttr>(
            i, MPTDialect::kUpdatesAttrName))
      spec.updates = updates.getValue().str();
  }
  return readType(func.getResultTypes()[i], loc, what, spec);
}

/// Figures for mpt-run's report: bytes of activations each training step
/// keeps for its backward pass, in the precision it keeps them.
static rt::Json measureStats(ModuleOp module) {
  rt::Json stats = rt::Json::object();
  for (func::FuncOp func : module.getOps<func::FuncOp>()) {
    if (func.isExternal() || !func.isPublic())
      continue;
    if (std::optional<int64_t> saved = measureSavedActivationBytes(func)) {
      rt::Json entry = rt::Json::object();
      entry.set("saved_activation_bytes", rt::Json::integer(*saved));
      stats.set(func.getSymName().str(), std::move(entry));
    }
  }
  return stats;
}

LogicalResult mlir::mpt::extractManifest(ModuleOp module,
                                         const CompileOptions &options,
                                         rt::Manifest &manifest) {
  manifest.target = options.target;
  manifest.precision = options.precision;
  for (const auto &[key, value] : options.describe())
    manifest.options.push_back({key, value});

  for (func::FuncOp func : module.getOps<func::FuncOp>()) {
    if (func.isExternal() || !func.isPublic())
      continue;
    rt::FunctionSig sig;
    sig.name = func.getSymName().str();
    sig.symbol = "mpt_" + sig.name;
    bool plain = isPlainFunction(func);
    sig.args.resize(func.getNumArguments());
    for (unsigned i = 0, e = func.getNumArguments(); i < e; ++i)
      if (failed(readArgument(func, i, plain, sig.args[i])))
        return failure();
    sig.results.resize(func.getNumResults());
    for (unsigned i = 0, e = func.getNumResults(); i < e; ++i)
      if (failed(readResult(func, i, plain, sig.results[i])))
        return failure();
    manifest.functions.push_back(std::move(sig));
  }
  manifest.stats = measureStats(module);

  if (manifest.functions.empty())
    return module.emitError()
           << "no public function with a body to compile (expected e.g. "
              "@train_step)";
  rt::Status status = manifest.validate();
  if (status.failed())
    return module.emitError()
           << "invalid signature table: " << status.message();
  return success();
}
