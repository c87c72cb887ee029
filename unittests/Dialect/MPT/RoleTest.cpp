//===- RoleTest.cpp - mpt.role spellings ----------------------------------===//

#include "mpt/Dialect/MPT/IR/MPTOps.h"

#include "gtest/gtest.h"

using namespace mlir::mpt;

TEST(RoleTest, EverySpellingOfTheContractParses) {
  // The role names DESIGN.md fixes, plus "output" for evaluation results.
  const char *names[] = {"param", "working_copy", "opt_state",
                         "loss_scale_state", "input", "loss", "output"};
  for (const char *name : names) {
    std::optional<Role> role = symbolizeRole(name);
    ASSERT_TRUE(role.has_value()) << name;
    EXPECT_EQ(stringifyRole(*role), name);
  }
  EXPECT_FALSE(symbolizeRole("parameter").has_value());
  EXPECT_FALSE(symbolizeRole("").has_value());
}
