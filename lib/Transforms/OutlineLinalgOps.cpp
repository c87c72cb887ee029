//===- OutlineLinalgOps.cpp - one function per distinct linalg op ---------===//
//
// mpt-outline-linalg-ops: every linalg op on buffers moves into a private
// function of its own, called where the op was; ops that are the same but
// for their operands (a ResNet's repeated blocks, the same elementwise chain
// at the same shape) share one function. LLVM then optimizes many small
// functions instead of one function of thousands of loops, whose analyses
// (scalar evolution, dominator trees) grow faster than linearly with its
// size (Passes.td has the details).
//
//===----------------------------------------------------------------------===//

#include "mpt/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/ViewLikeInterface.h"
#include "mlir/Transforms/RegionUtils.h"
#include "llvm/ADT/StringMap.h"

namespace mlir::mpt {
#define GEN_PASS_DEF_MPTOUTLINELINALGOPS
#include "mpt/Transforms/Passes.h.inc"
} // namespace mlir::mpt

using namespace mlir;

/// Marks an outlined function whose buffers do not overlap; the
/// mpt-noalias-arguments pass turns it into LLVM `noalias` on its pointers
/// once memrefs are descriptors (the func-to-LLVM conversion drops
/// `llvm.noalias` on memref arguments).
static constexpr llvm::StringLiteral kNoAliasAttrName = "mpt.noalias";

/// Whether `value` is a constant the outlined function recreates rather
/// than takes as an argument (it then stays visible to LLVM, and functions
/// that differ only in where their constants were defined are one).
static bool isClonedConstant(Value value) {
  Operation *def = value.getDefiningOp();
  return def && def->hasTrait<OpTrait::ConstantLike>() &&
         def->getNumResults() == 1 && def->getNumOperands() == 0 &&
         def->getNumRegions() == 0;
}

/// The buffer `value` is a view of (through subviews, casts, reshapes).
static Value rootBuffer(Value value) {
  while (auto view = value.getDefiningOp<ViewLikeOpInterface>())
    value = view.getViewSource();
  return value;
}

/// Whether no buffer `op` writes overlaps another of its memref operands:
/// its arguments may then be marked `noalias` (two read-only arguments may
/// share memory; LLVM's noalias only restricts memory that is written).
/// Distinct allocations and distinct arguments of the caller are distinct
/// buffers (the runtime passes separate buffers for every argument and
/// result).
static bool writesDistinctBuffers(linalg::LinalgOp op,
                                  ArrayRef<Value> arguments) {
  for (OpOperand &init : op.getDpsInitsMutable()) {
    Value written = rootBuffer(init.get());
    for (Value other : arguments)
      if (other != init.get() && isa<MemRefType>(other.getType()) &&
          rootBuffer(other) == written)
        return false;
  }
  return true;
}

namespace {

struct MPTOutlineLinalgOpsPass
    : public mpt::impl::MPTOutlineLinalgOpsBase<MPTOutlineLinalgOpsPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<linalg::LinalgOp> ops;
    module.walk([&](linalg::LinalgOp op) {
      // Ops nested in another linalg op's body stay where they are.
      if (op.hasPureBufferSemantics() &&
          !op->getParentOfType<linalg::LinalgOp>())
        ops.push_back(op);
    });
    SymbolTable symbols(module);
    OpBuilder builder(&getContext());
    // The printed form of each outlined function (its name left out) to
    // the function: equal ops share one.
    llvm::StringMap<func::FuncOp> byBody;
    unsigned created = 0;
    for (linalg::LinalgOp op : ops) {
      // Operands and values the body uses from above, in order, each once;
      // constants are recreated inside.
      SetVector<Value> captured;
      for (Value operand : op->getOperands())
        captured.insert(operand);
      getUsedValuesDefinedAbove(op->getRegions(), captured);
      SmallVector<Value> arguments, constants;
      for (Value v : captured)
        (isClonedConstant(v) ? constants : arguments).push_back(v);

      bool noAlias = writesDistinctBuffers(op, arguments);

      builder.setInsertionPointToEnd(module.getBody());
      auto type = builder.getFunctionType(ValueRange(arguments).getTypes(), {});
      auto func = func::FuncOp::create(builder, op.getLoc(), "__mpt_op", type);
      func.setPrivate();
      // With no overlap between what the op writes and what it reads, LLVM
      // vectorizes its loops without runtime overlap checks (which it
      // refuses for short loops).
      if (noAlias)
        func->setAttr(kNoAliasAttrName, builder.getUnitAttr());
      // LLVM would otherwise inline the functions back into the step.
      SmallVector<Attribute, 2> passthrough = {
          builder.getStringAttr("noinline")};
      SmallVector<int64_t> ranges = op.getStaticLoopRanges();
      if (wideVectorLanes > 0 && !ranges.empty() &&
          !ShapedType::isDynamic(ranges.back()) &&
          ranges.back() % wideVectorLanes == 0 &&
          ranges.back() >= 4 * wideVectorLanes)
        passthrough.push_back(builder.getArrayAttr(
            {builder.getStringAttr("prefer-vector-width"),
             builder.getStringAttr(std::to_string(wideVectorLanes * 32))}));
      func->setAttr("passthrough", builder.getArrayAttr(passthrough));
      // Not visible outside the shared object (func-to-LLVM gives private
      // functions external linkage otherwise).
      func->setAttr(
          "llvm.linkage",
          LLVM::LinkageAttr::get(&getContext(), LLVM::Linkage::Internal));
      Block *entry = func.addEntryBlock();
      builder.setInsertionPointToStart(entry);
      IRMapping mapping;
      for (auto [value, argument] : llvm::zip(arguments, entry->getArguments()))
        mapping.map(value, argument);
      for (Value constant : constants)
        builder.clone(*constant.getDefiningOp(), mapping);
      builder.clone(*op, mapping);
      func::ReturnOp::create(builder, op.getLoc());

      std::string key;
      {
        llvm::raw_string_ostream os(key);
        OpPrintingFlags flags;
        flags.skipRegions(false).elideLargeElementsAttrs(1 << 20);
        for (Operation &inner : entry->getOperations())
          inner.print(os, flags.printGenericOpForm());
        os << type << (noAlias ? " noalias" : "");
      }
      func::FuncOp callee;
      auto [it, inserted] = byBody.try_emplace(key, func);
      if (inserted) {
        func.setName(("__mpt_op" + Twine(created++)).str());
        symbols.insert(func);
        callee = func;
      } else {
        func.erase();
        callee = it->second;
      }
      builder.setInsertionPoint(op);
      func::CallOp::create(builder, op.getLoc(), callee, arguments);
      op->erase();
    }
  }
};

} // namespace
