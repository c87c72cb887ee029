//===- LowerCollectives.cpp - mpt.all_reduce to runtime calls -------------===//
//
// How `mpt.all_reduce` bufferizes (in place, as the same op on buffers) and
// mpt-lower-collectives, which turns the op on buffers into a call of
// `mpt_rt_all_reduce`, the hook the native code's entry points define and
// the runtime fills (docs/distributed.md).
//
//===----------------------------------------------------------------------===//

#include "mpt/Transforms/Passes.h"

#include "mpt/Dialect/MPT/IR/MPTOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/BufferizableOpInterface.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/SymbolTable.h"

namespace mlir::mpt {
#define GEN_PASS_DEF_MPTLOWERCOLLECTIVES
#include "mpt/Transforms/Passes.h.inc"
} // namespace mlir::mpt

using namespace mlir;
using namespace mlir::bufferization;
using namespace mlir::mpt;

/// The external function the native code's entry points define.
static constexpr llvm::StringLiteral kAllReduceHook = "mpt_rt_all_reduce";

namespace {

/// `mpt.all_reduce` on tensors reads and writes each operand in place and
/// returns it: the result is equivalent to the operand's buffer.
struct AllReduceOpInterface
    : public BufferizableOpInterface::ExternalModel<AllReduceOpInterface,
                                                    AllReduceOp> {
  bool bufferizesToMemoryRead(Operation *, OpOperand &,
                              const AnalysisState &) const {
    return true;
  }
  bool bufferizesToMemoryWrite(Operation *, OpOperand &,
                               const AnalysisState &) const {
    return true;
  }
  AliasingValueList getAliasingValues(Operation *op, OpOperand &operand,
                                      const AnalysisState &) const {
    return {{op->getResult(operand.getOperandNumber()),
             BufferRelation::Equivalent}};
  }

  LogicalResult bufferize(Operation *op, RewriterBase &rewriter,
                          const BufferizationOptions &options,
                          BufferizationState &state) const {
    auto allReduce = cast<AllReduceOp>(op);
    SmallVector<Value> buffers;
    for (Value input : allReduce.getInputs()) {
      FailureOr<Value> buffer = getBuffer(rewriter, input, options, state);
      if (failed(buffer))
        return failure();
      Value value = *buffer;
      // The runtime reads contiguous buffers: a strided view is reduced in
      // a contiguous copy (the view is then not written).
      auto type = cast<MemRefType>(value.getType());
      if (!type.getLayout().isIdentity()) {
        auto contiguous =
            MemRefType::get(type.getShape(), type.getElementType());
        Value copy =
            memref::AllocOp::create(rewriter, op->getLoc(), contiguous);
        memref::CopyOp::create(rewriter, op->getLoc(), value, copy);
        value = copy;
      }
      buffers.push_back(value);
    }
    AllReduceOp::create(rewriter, op->getLoc(), TypeRange{}, buffers,
                        allReduce.getKindAttr(),
                        allReduce.getFp32AccumulateAttr());
    replaceOpWithBufferizedValues(rewriter, op, buffers);
    return success();
  }
};

struct MPTLowerCollectivesPass
    : public mpt::impl::MPTLowerCollectivesBase<MPTLowerCollectivesPass> {
  using Base::Base;
  void runOnOperation() override;
};

} // namespace

void mlir::mpt::registerBufferizableOpInterfaceExternalModels(
    DialectRegistry &registry) {
  registry.addExtension(+[](MLIRContext *ctx, MPTDialect *) {
    AllReduceOp::attachInterface<AllReduceOpInterface>(*ctx);
  });
}

/// The dtype code of the hook: 0 f32, 1 f16, 2 bf16.
static int32_t dtypeCode(Type element) {
  if (element.isF16())
    return 1;
  if (element.isBF16())
    return 2;
  return 0;
}

void MPTLowerCollectivesPass::runOnOperation() {
  ModuleOp module = getOperation();
  SmallVector<AllReduceOp> ops;
  bool tensors = false;
  module.walk([&](AllReduceOp op) {
    if (op.hasBufferSemantics())
      ops.push_back(op);
    else
      tensors = true;
  });
  if (tensors) {
    module.emitError() << "mpt-lower-collectives: mpt.all_reduce on tensors "
                          "is left; run it after bufferization";
    return signalPassFailure();
  }
  if (ops.empty())
    return;
  MLIRContext *ctx = &getContext();
  OpBuilder b(ctx);
  Type i64 = b.getI64Type(), i32 = b.getI32Type();
  auto hookType = FunctionType::get(ctx, {i64, i64, i64, i32, i32, i32}, {});
  SymbolTable symbols(module);
  if (Operation *existing = symbols.lookup(kAllReduceHook)) {
    auto func = dyn_cast<func::FuncOp>(existing);
    if (!func || func.getFunctionType() != hookType || !func.isExternal()) {
      existing->emitError()
          << "mpt-lower-collectives: the symbol " << kAllReduceHook
          << " is taken by something other than the "
             "runtime's all-reduce hook";
      return signalPassFailure();
    }
  } else {
    b.setInsertionPointToStart(module.getBody());
    auto decl =
        func::FuncOp::create(b, module.getLoc(), kAllReduceHook, hookType);
    decl.setPrivate();
  }
  for (AllReduceOp op : ops) {
    b.setInsertionPoint(op);
    Location loc = op.getLoc();
    int64_t n = op.getInputs().size();
    auto arrayType = MemRefType::get({n}, i64);
    Value pointers = memref::AllocaOp::create(b, loc, arrayType);
    Value sizes = memref::AllocaOp::create(b, loc, arrayType);
    Type element;
    for (auto [index, buffer] : llvm::enumerate(op.getInputs())) {
      auto type = cast<MemRefType>(buffer.getType());
      element = type.getElementType();
      Value at = arith::ConstantIndexOp::create(b, loc, index);
      Value address =
          memref::ExtractAlignedPointerAsIndexOp::create(b, loc, buffer);
      Value address64 = arith::IndexCastOp::create(b, loc, i64, address);
      memref::StoreOp::create(b, loc, address64, pointers, ValueRange{at});
      Value count =
          arith::ConstantIntOp::create(b, loc, i64, type.getNumElements());
      memref::StoreOp::create(b, loc, count, sizes, ValueRange{at});
    }
    auto addressOf = [&](Value array) -> Value {
      Value index =
          memref::ExtractAlignedPointerAsIndexOp::create(b, loc, array);
      return arith::IndexCastOp::create(b, loc, i64, index);
    };
    Value args[] = {
        arith::ConstantIntOp::create(b, loc, i64, n),
        addressOf(pointers),
        addressOf(sizes),
        arith::ConstantIntOp::create(b, loc, i32, dtypeCode(element)),
        arith::ConstantIntOp::create(b, loc, i32,
                                     op.getKind() == ReduceKind::mean ? 1 : 0),
        arith::ConstantIntOp::create(b, loc, i32,
                                     op.getFp32Accumulate() ? 1 : 0)};
    func::CallOp::create(b, loc, kAllReduceHook, TypeRange{}, args);
    op.erase();
  }
}
