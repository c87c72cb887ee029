//===- AutocastPolicyTest.cpp - the autocast lists as a C++ API -----------===//
//
// Framework compilers query and extend autocast's classes through
// AutocastPolicy; lit only sees the pass. These tests pin the API: default
// classes from the published lists (docs/passes.md), prefix rules,
// overrides and their conflict message, and body-based classification.
//
//===----------------------------------------------------------------------===//

#include "mpt/Dialect/MPT/Transforms/AutocastPolicy.h"
#include "mpt/InitAll.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"

#include "gtest/gtest.h"

using namespace mlir;
using namespace mlir::mpt;

namespace {

TEST(AutocastPolicyTest, DefaultClassesFollowThePublishedLists) {
  AutocastPolicy policy;
  // TensorFlow's allow list / PyTorch's lower-precision ops.
  EXPECT_EQ(policy.lookup("linalg.matmul"), PrecisionClass::LowPrecision);
  EXPECT_EQ(policy.lookup("linalg.batch_matmul"), PrecisionClass::LowPrecision);
  // Deny list / PyTorch's FP32 ops.
  EXPECT_EQ(policy.lookup("math.exp"), PrecisionClass::FP32);
  EXPECT_EQ(policy.lookup("math.log"), PrecisionClass::FP32);
  EXPECT_EQ(policy.lookup("math.powf"), PrecisionClass::FP32);
  EXPECT_EQ(policy.lookup("math.rsqrt"), PrecisionClass::FP32);
  EXPECT_EQ(policy.lookup("linalg.softmax"), PrecisionClass::FP32);
  EXPECT_EQ(policy.lookup("mpt.loss"), PrecisionClass::FP32);
  // Infer list.
  EXPECT_EQ(policy.lookup("arith.addf"), PrecisionClass::Follow);
  EXPECT_EQ(policy.lookup("math.tanh"), PrecisionClass::Follow);
  // Clear list.
  EXPECT_EQ(policy.lookup("arith.maximumf"), PrecisionClass::Transparent);
  EXPECT_EQ(policy.lookup("tensor.pad"), PrecisionClass::Transparent);
  EXPECT_EQ(policy.lookup("linalg.transpose"), PrecisionClass::Transparent);
  EXPECT_FALSE(policy.lookup("test.unknown").has_value());
}

TEST(AutocastPolicyTest, PrefixRulesCoverEveryConvAndPooling) {
  AutocastPolicy policy;
  for (const char *name :
       {"linalg.conv_2d_nhwc_hwcf", "linalg.conv_2d_nchw_fchw",
        "linalg.conv_3d_ndhwc_dhwcf", "linalg.depthwise_conv_2d_nhwc_hwc"})
    EXPECT_EQ(policy.lookup(name), PrecisionClass::LowPrecision) << name;
  EXPECT_EQ(policy.lookup("linalg.pooling_nhwc_max"),
            PrecisionClass::Transparent);
  EXPECT_EQ(policy.lookup("linalg.pooling_nchw_min"),
            PrecisionClass::Transparent);
  EXPECT_EQ(policy.lookup("linalg.pooling_nhwc_sum"), PrecisionClass::Follow);
}

TEST(AutocastPolicyTest, OverridesMoveAndUnlistOps) {
  AutocastPolicy policy;
  std::string error;
  std::vector<std::string> toFP32 = {"linalg.matmul"};
  std::vector<std::string> unlisted = {"linalg.conv_2d_nhwc_hwcf"};
  ASSERT_TRUE(succeeded(policy.applyOverrides(
      {{PrecisionClass::FP32, toFP32}, {PrecisionClass::Unknown, unlisted}},
      error)))
      << error;
  EXPECT_EQ(policy.lookup("linalg.matmul"), PrecisionClass::FP32);
  // An exact entry wins over the prefix rule.
  EXPECT_EQ(policy.lookup("linalg.conv_2d_nhwc_hwcf"), PrecisionClass::Unknown);
  EXPECT_EQ(policy.lookup("linalg.conv_2d_nchw_fchw"),
            PrecisionClass::LowPrecision);
}

TEST(AutocastPolicyTest, AnOpInTwoClassesIsRefusedWithItsName) {
  AutocastPolicy policy;
  std::string error;
  std::vector<std::string> a = {"math.tanh"}, b = {"math.tanh"};
  EXPECT_TRUE(failed(policy.applyOverrides(
      {{PrecisionClass::Follow, a}, {PrecisionClass::FP32, b}}, error)));
  EXPECT_NE(error.find("math.tanh"), std::string::npos) << error;
  EXPECT_NE(error.find("follow"), std::string::npos) << error;
  EXPECT_NE(error.find("fp32"), std::string::npos) << error;
  // The policy is unchanged by a refused batch.
  EXPECT_EQ(policy.lookup("math.tanh"), PrecisionClass::Follow);
}

TEST(AutocastPolicyTest, GenericsAreClassifiedFromTheirBodies) {
  DialectRegistry registry;
  registerAllDialects(registry);
  MLIRContext context(registry);
  context.loadAllAvailableDialects();
  OwningOpRef<ModuleOp> module = parseSourceString<ModuleOp>(R"mlir(
    #id = affine_map<(d0, d1) -> (d0, d1)>
    #row = affine_map<(d0, d1) -> (d0)>
    func.func @f(%a: tensor<4x8xf32>, %b: tensor<8x2xf32>, %o: tensor<4x2xf32>, %r: tensor<4xf32>) {
      %exp = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
          ins(%a : tensor<4x8xf32>) outs(%a : tensor<4x8xf32>) {
        ^bb0(%x: f32, %y: f32):
          %e = math.exp %x : f32
          linalg.yield %e : f32
      } -> tensor<4x8xf32>
      %sum = linalg.generic {indexing_maps = [#id, #row], iterator_types = ["parallel", "reduction"]}
          ins(%a : tensor<4x8xf32>) outs(%r : tensor<4xf32>) {
        ^bb0(%x: f32, %y: f32):
          %s = arith.addf %x, %y : f32
          linalg.yield %s : f32
      } -> tensor<4xf32>
      %max = linalg.generic {indexing_maps = [#id, #row], iterator_types = ["parallel", "reduction"]}
          ins(%a : tensor<4x8xf32>) outs(%r : tensor<4xf32>) {
        ^bb0(%x: f32, %y: f32):
          %m = arith.maximumf %x, %y : f32
          linalg.yield %m : f32
      } -> tensor<4xf32>
      %mm = linalg.generic {indexing_maps = [affine_map<(i, j, k) -> (i, k)>, affine_map<(i, j, k) -> (k, j)>, affine_map<(i, j, k) -> (i, j)>],
                            iterator_types = ["parallel", "parallel", "reduction"]}
          ins(%a, %b : tensor<4x8xf32>, tensor<8x2xf32>) outs(%o : tensor<4x2xf32>) {
        ^bb0(%x: f32, %w: f32, %acc: f32):
          %p = arith.mulf %x, %w : f32
          %s = arith.addf %acc, %p : f32
          linalg.yield %s : f32
      } -> tensor<4x2xf32>
      return
    }
  )mlir", &context);
  ASSERT_TRUE(module);
  AutocastPolicy policy;
  SmallVector<Classification> classes;
  module->walk([&](linalg::GenericOp op) {
    classes.push_back(policy.classify(op));
  });
  ASSERT_EQ(classes.size(), 4u);
  EXPECT_EQ(classes[0].cls, PrecisionClass::FP32);
  EXPECT_EQ(classes[0].key, "linalg.generic(math.exp)");
  EXPECT_EQ(classes[1].cls, PrecisionClass::FP32);
  EXPECT_EQ(classes[1].reason, "reduction over 8 elements");
  EXPECT_EQ(classes[2].cls, PrecisionClass::Transparent);
  EXPECT_EQ(classes[3].cls, PrecisionClass::LowPrecision);
  EXPECT_TRUE(classes[3].isContraction);
}

} // namespace
