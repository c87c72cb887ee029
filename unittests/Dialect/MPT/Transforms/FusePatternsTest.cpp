//===- FusePatternsTest.cpp - the public fusion patterns ------------------===//
//
// populateFuseConvBiasReluPatterns is public so that framework compilers can
// run it inside their own greedy rewrites; this applies it directly (no pass)
// and checks what it made.
//
//===----------------------------------------------------------------------===//

#include "mpt/Dialect/MPT/IR/MPTOps.h"
#include "mpt/Dialect/MPT/Transforms/Passes.h"
#include "mpt/InitAll.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include "gtest/gtest.h"

using namespace mlir;

TEST(FusePatternsTest, PatternsFuseMatmulBiasReluOutsideThePass) {
  DialectRegistry registry;
  mpt::registerAllDialects(registry);
  MLIRContext context(registry);
  context.loadAllAvailableDialects();
  OwningOpRef<ModuleOp> module = parseSourceString<ModuleOp>(R"mlir(
    #id = affine_map<(d0, d1) -> (d0, d1)>
    #col = affine_map<(d0, d1) -> (d1)>
    func.func @dense(%x: tensor<4x8xf32>, %w: tensor<8x2xf32>, %b: tensor<2xf32>) -> tensor<4x2xf32> {
      %zero = arith.constant 0.0 : f32
      %e = tensor.empty() : tensor<4x2xf32>
      %i = linalg.fill ins(%zero : f32) outs(%e : tensor<4x2xf32>) -> tensor<4x2xf32>
      %m = linalg.matmul ins(%x, %w : tensor<4x8xf32>, tensor<8x2xf32>) outs(%i : tensor<4x2xf32>) -> tensor<4x2xf32>
      %y = linalg.generic {indexing_maps = [#id, #col, #id], iterator_types = ["parallel", "parallel"]}
          ins(%m, %b : tensor<4x2xf32>, tensor<2xf32>) outs(%e : tensor<4x2xf32>) {
        ^bb0(%a: f32, %c: f32, %o: f32):
          %s = arith.addf %a, %c : f32
          %z = arith.constant 0.0 : f32
          %r = arith.maximumf %s, %z : f32
          linalg.yield %r : f32
      } -> tensor<4x2xf32>
      return %y : tensor<4x2xf32>
    }
  )mlir", &context);
  ASSERT_TRUE(module);
  RewritePatternSet patterns(&context);
  mpt::populateFuseConvBiasReluPatterns(patterns);
  ASSERT_TRUE(succeeded(applyPatternsGreedily(*module, std::move(patterns))));

  SmallVector<mpt::FusedMatmulOp> fused;
  module->walk([&](mpt::FusedMatmulOp op) { fused.push_back(op); });
  ASSERT_EQ(fused.size(), 1u);
  EXPECT_EQ(fused[0].getEpilogue(), mpt::Epilogue::bias_relu);
  EXPECT_FALSE(fused[0].getAux().has_value());
  // The function now returns the fused result: nothing else is left reading
  // the matmul.
  int matmuls = 0;
  module->walk([&](linalg::MatmulOp) { ++matmuls; });
  EXPECT_EQ(matmuls, 0);
  EXPECT_TRUE(succeeded(verify(*module)));
}
