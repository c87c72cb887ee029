//===- ParallelCalls.cpp - split ops' calls through the parallel-for hook -===//
//
// mpt-parallel-calls: once everything is in the LLVM dialect, each call of
// a function that mpt-split-parallel-ops gave a range [lo, hi) becomes a
// call of the runtime's hook `mpt_rt_parallel_for(task, context, n)`: the
// call's arguments are stored in a struct on the caller's stack, and a
// generated task `<callee>.task(context, lo, hi)` loads them and calls the
// function on [lo, hi) (Passes.td has the details).
//
//===----------------------------------------------------------------------===//

#include "mpt/Transforms/Passes.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/SymbolTable.h"

namespace mlir::mpt {
#define GEN_PASS_DEF_MPTPARALLELCALLS
#include "mpt/Transforms/Passes.h.inc"
} // namespace mlir::mpt

using namespace mlir;

static constexpr llvm::StringLiteral kParallelAttrName = "mpt.parallel";
static constexpr llvm::StringLiteral kHookName = "mpt_rt_parallel_for";

/// Whether `value` is the integer constant `expected`.
static bool isConstant(Value value, int64_t expected) {
  auto constant = value.getDefiningOp<LLVM::ConstantOp>();
  if (!constant)
    return false;
  auto attr = dyn_cast<IntegerAttr>(constant.getValue());
  return attr && attr.getValue().getSExtValue() == expected;
}

namespace {

struct MPTParallelCallsPass
    : public mpt::impl::MPTParallelCallsBase<MPTParallelCallsPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    MLIRContext *context = &getContext();
    OpBuilder builder(context);
    SymbolTable symbols(module);
    auto ptrType = LLVM::LLVMPointerType::get(context);
    auto i64 = IntegerType::get(context, 64);
    StringAttr marker = StringAttr::get(context, kParallelAttrName);

    SmallVector<LLVM::LLVMFuncOp> split;
    for (auto func : module.getOps<LLVM::LLVMFuncOp>())
      if (func->hasAttr(marker))
        split.push_back(func);
    if (split.empty())
      return;

    // void mpt_rt_parallel_for(void (*task)(void *, i64, i64), void *, i64)
    auto hook = symbols.lookup<LLVM::LLVMFuncOp>(kHookName);
    if (!hook) {
      builder.setInsertionPointToEnd(module.getBody());
      hook = LLVM::LLVMFuncOp::create(
          builder, module.getLoc(), kHookName,
          LLVM::LLVMFunctionType::get(LLVM::LLVMVoidType::get(context),
                                      {ptrType, ptrType, i64}));
      symbols.insert(hook);
    }

    for (LLVM::LLVMFuncOp callee : split) {
      auto extent = dyn_cast<IntegerAttr>(callee->getAttr(marker));
      callee->removeAttr(marker);
      LLVM::LLVMFunctionType type = callee.getFunctionType();
      unsigned numParams = type.getNumParams();
      if (!extent || numParams < 2 || type.getParamType(numParams - 2) != i64 ||
          type.getParamType(numParams - 1) != i64) {
        callee.emitError("a function marked mpt.parallel must end with two "
                         "i64 range arguments");
        return signalPassFailure();
      }
      // The arguments the task passes on, in a struct.
      SmallVector<Type> fields(type.getParams().drop_back(2));
      auto argsType = LLVM::LLVMStructType::getLiteral(context, fields);

      // The task: loads the arguments, calls the function on [lo, hi).
      Location loc = callee.getLoc();
      builder.setInsertionPointAfter(callee);
      auto task = LLVM::LLVMFuncOp::create(
          builder, loc, (callee.getName() + ".task").str(),
          LLVM::LLVMFunctionType::get(LLVM::LLVMVoidType::get(context),
                                      {ptrType, i64, i64}),
          LLVM::Linkage::Internal);
      symbols.insert(task);
      Block *body = task.addEntryBlock(builder);
      builder.setInsertionPointToStart(body);
      SmallVector<Value> operands;
      for (auto [i, field] : llvm::enumerate(fields)) {
        Value at = LLVM::GEPOp::create(
            builder, loc, ptrType, argsType, body->getArgument(0),
            ArrayRef<LLVM::GEPArg>{0, static_cast<int32_t>(i)});
        operands.push_back(LLVM::LoadOp::create(builder, loc, field, at));
      }
      operands.push_back(body->getArgument(1));
      operands.push_back(body->getArgument(2));
      LLVM::CallOp::create(builder, loc, callee, operands);
      LLVM::ReturnOp::create(builder, loc, ValueRange());

      // Each call: arguments into a struct on the caller's stack (one per
      // caller, allocated in its entry block), then the hook.
      DenseMap<Operation *, Value> slots;
      SmallVector<LLVM::CallOp> calls;
      module.walk([&](LLVM::CallOp call) {
        if (call.getCallee() == callee.getName())
          calls.push_back(call);
      });
      for (LLVM::CallOp call : calls) {
        ValueRange args = call.getArgOperands();
        // Only calls of the whole range (as mpt-split-parallel-ops makes
        // them) are split; others stay serial.
        if (!isConstant(args[numParams - 2], 0) ||
            !isConstant(args[numParams - 1], extent.getInt()))
          continue;
        auto caller = call->getParentOfType<LLVM::LLVMFuncOp>();
        Value &slot = slots[caller];
        Location callLoc = call.getLoc();
        if (!slot) {
          builder.setInsertionPointToStart(&caller.getBody().front());
          Value one = LLVM::ConstantOp::create(builder, callLoc, i64,
                                               builder.getI64IntegerAttr(1));
          slot =
              LLVM::AllocaOp::create(builder, callLoc, ptrType, argsType, one);
        }
        builder.setInsertionPoint(call);
        for (unsigned i = 0; i + 2 < numParams; ++i) {
          Value at = LLVM::GEPOp::create(
              builder, callLoc, ptrType, argsType, slot,
              ArrayRef<LLVM::GEPArg>{0, static_cast<int32_t>(i)});
          LLVM::StoreOp::create(builder, callLoc, args[i], at);
        }
        Value taskAddress = LLVM::AddressOfOp::create(builder, callLoc, ptrType,
                                                      task.getName());
        LLVM::CallOp::create(
            builder, callLoc, hook,
            ValueRange{taskAddress, slot, args[numParams - 1]});
        call.erase();
        ++numParallelCalls;
      }
    }
  }
};

} // namespace
