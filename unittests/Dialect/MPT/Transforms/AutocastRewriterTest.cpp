//===- AutocastRewriterTest.cpp - autocast's changes go through a rewriter ===//
//
// mpt::autocastFunction rewrites through the rewriter it is given, so a
// listener (a greedy driver, a transform-dialect tracker) sees every op it
// creates and modifies. lit only sees the resulting IR; this checks the
// notifications against the IR.
//
//===----------------------------------------------------------------------===//

#include "mpt/Dialect/MPT/IR/MPTOps.h"
#include "mpt/Dialect/MPT/Transforms/AutocastPolicy.h"
#include "mpt/InitAll.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Parser/Parser.h"

#include "gtest/gtest.h"

using namespace mlir;

namespace {

/// Records what a rewriter tells its listener.
struct RecordingListener : public RewriterBase::Listener {
  void notifyOperationInserted(Operation *op, OpBuilder::InsertPoint) override {
    inserted.push_back(op);
  }
  void notifyOperationModified(Operation *op) override { modified.insert(op); }
  void notifyOperationErased(Operation *op) override { ++erased; }

  SmallVector<Operation *> inserted;
  llvm::SmallPtrSet<Operation *, 8> modified;
  int erased = 0;
};

TEST(AutocastRewriterTest, ListenerSeesEveryCastAndEveryRetypedOp) {
  DialectRegistry registry;
  mpt::registerAllDialects(registry);
  MLIRContext context(registry);
  context.loadAllAvailableDialects();
  // Two matmuls with a ReLU between them: the matmuls take f16 inputs, the
  // ReLU runs in f16, the result goes back to f32 for the return.
  OwningOpRef<ModuleOp> module = parseSourceString<ModuleOp>(R"mlir(
    #id = affine_map<(d0, d1) -> (d0, d1)>
    func.func @two_layers(%x: tensor<4x8xf32>, %w: tensor<8x8xf32>) -> tensor<4x8xf32> {
      %zero = arith.constant 0.0 : f32
      %e = tensor.empty() : tensor<4x8xf32>
      %i = linalg.fill ins(%zero : f32) outs(%e : tensor<4x8xf32>) -> tensor<4x8xf32>
      %m = linalg.matmul ins(%x, %w : tensor<4x8xf32>, tensor<8x8xf32>) outs(%i : tensor<4x8xf32>) -> tensor<4x8xf32>
      %r = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
          ins(%m : tensor<4x8xf32>) outs(%e : tensor<4x8xf32>) {
        ^bb0(%a: f32, %o: f32):
          %z = arith.constant 0.0 : f32
          %y = arith.maximumf %a, %z : f32
          linalg.yield %y : f32
      } -> tensor<4x8xf32>
      %m2 = linalg.matmul ins(%r, %w : tensor<4x8xf32>, tensor<8x8xf32>) outs(%i : tensor<4x8xf32>) -> tensor<4x8xf32>
      return %m2 : tensor<4x8xf32>
    }
  )mlir",
                                                             &context);
  ASSERT_TRUE(module);
  auto func = *module->getOps<func::FuncOp>().begin();

  RecordingListener listener;
  IRRewriter rewriter(&context, &listener);
  mpt::AutocastPolicy policy;
  mpt::AutocastSummary summary =
      mpt::autocastFunction(rewriter, func, policy, Float16Type::get(&context));
  ASSERT_TRUE(succeeded(verify(*module)));

  // Every mpt.cast in the function was announced as inserted, and their
  // number is what the summary says.
  SmallVector<Operation *> casts;
  func.walk([&](mpt::CastOp op) { casts.push_back(op); });
  EXPECT_EQ(static_cast<int64_t>(casts.size()), summary.castsInserted);
  EXPECT_GT(summary.castsInserted, 0);
  for (Operation *cast : casts)
    EXPECT_TRUE(llvm::is_contained(listener.inserted, cast));

  // Both matmuls now read f16 inputs and were announced as modified; so was
  // the ReLU generic, whose result type changed.
  int matmuls = 0;
  func.walk([&](linalg::MatmulOp op) {
    ++matmuls;
    EXPECT_TRUE(cast<RankedTensorType>(op.getInputs()[0].getType())
                    .getElementType()
                    .isF16());
    EXPECT_TRUE(listener.modified.contains(op));
  });
  EXPECT_EQ(matmuls, 2);
  func.walk([&](linalg::GenericOp op) {
    EXPECT_TRUE(cast<RankedTensorType>(op.getResult(0).getType())
                    .getElementType()
                    .isF16());
    EXPECT_TRUE(listener.modified.contains(op));
  });
  // The body constant was narrowed: an f16 constant inserted, the f32 one
  // erased.
  EXPECT_GE(listener.erased, 1);
  EXPECT_EQ(summary.lowPrecisionOps, 3);
}

} // namespace
