//===- I1MemoryAsBytes.cpp - i1 loads and stores as i8 --------------------===//
//
// mpt-i1-memory-as-bytes: scalar i1 loads and stores of the LLVM dialect
// become i8 loads and stores with a truncation or a zero extension
// (Passes.td has the details).
//
//===----------------------------------------------------------------------===//

#include "mpt/Transforms/Passes.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"

namespace mlir::mpt {
#define GEN_PASS_DEF_MPTI1MEMORYASBYTES
#include "mpt/Transforms/Passes.h.inc"
} // namespace mlir::mpt

using namespace mlir;

namespace {

struct MPTI1MemoryAsBytesPass
    : public mpt::impl::MPTI1MemoryAsBytesBase<MPTI1MemoryAsBytesPass> {
  using Base::Base;

  void runOnOperation() override {
    MLIRContext *context = &getContext();
    Type i1 = IntegerType::get(context, 1), i8 = IntegerType::get(context, 8);
    SmallVector<LLVM::LoadOp> loads;
    SmallVector<LLVM::StoreOp> stores;
    getOperation().walk([&](Operation *op) {
      if (auto load = dyn_cast<LLVM::LoadOp>(op); load && load.getType() == i1)
        loads.push_back(load);
      if (auto store = dyn_cast<LLVM::StoreOp>(op);
          store && store.getValue().getType() == i1)
        stores.push_back(store);
    });
    OpBuilder b(context);
    for (LLVM::LoadOp load : loads) {
      b.setInsertionPoint(load);
      // Same address, alignment and flags; only the type changes.
      Operation *wide = b.clone(*load);
      wide->getResult(0).setType(i8);
      Value bit =
          LLVM::TruncOp::create(b, load.getLoc(), i1, wide->getResult(0));
      load.getResult().replaceAllUsesWith(bit);
      load.erase();
      ++numLoads;
    }
    for (LLVM::StoreOp store : stores) {
      b.setInsertionPoint(store);
      Value byte =
          LLVM::ZExtOp::create(b, store.getLoc(), i8, store.getValue());
      store.getValueMutable().assign(byte);
      ++numStores;
    }
  }
};

} // namespace
