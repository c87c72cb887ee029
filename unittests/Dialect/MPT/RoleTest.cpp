//===- RoleTest.cpp - the dialect's roles and the runtime's role table ----===//
//
// The `mpt.role` vocabulary is defined once, in MPTEnums.td. The runtime,
// which links neither LLVM nor MLIR, keeps its own table (spellings and the
// numeric values its checkpoints store); these tests check that the two
// lists are the same list.
//
//===----------------------------------------------------------------------===//

#include "mpt/Dialect/MPT/IR/MPTOps.h"

#include "mpt-runtime/Signature.h"

#include "gtest/gtest.h"

#include <set>
#include <string>

using namespace mlir::mpt;
namespace rt = ::mpt::rt;

namespace {

/// Every dialect role, by walking the generated enum's value range.
std::vector<Role> allDialectRoles() {
  std::vector<Role> roles;
  for (uint32_t v = 0; v <= getMaxEnumValForRole(); ++v)
    if (std::optional<Role> role = symbolizeRole(v))
      roles.push_back(*role);
  return roles;
}

TEST(RoleTest, EveryDialectRoleIsARuntimeRoleWithTheSameValue) {
  std::vector<Role> roles = allDialectRoles();
  ASSERT_EQ(roles.size(), 7u);
  for (Role role : roles) {
    std::string name = stringifyRole(role).str();
    std::optional<rt::Role> runtime = rt::parseRole(name);
    ASSERT_TRUE(runtime.has_value()) << name << " is unknown to the runtime";
    EXPECT_EQ(static_cast<uint32_t>(*runtime), static_cast<uint32_t>(role))
        << name << " has another value in the runtime's table";
    EXPECT_EQ(std::string(rt::roleName(*runtime)), name);
    EXPECT_EQ(rt::isStateRole(*runtime), isStateRole(role)) << name;
  }
}

TEST(RoleTest, EveryRuntimeRoleIsADialectRole) {
  // The runtime's values are 1..7 (0 is no role); probe a wider range so a
  // role added to the runtime only is caught.
  std::set<std::string> runtimeNames;
  for (unsigned v = 0; v < 64; ++v) {
    auto role = static_cast<rt::Role>(v);
    const char *name = rt::roleName(role);
    if (!name || !rt::parseRole(name) || *rt::parseRole(name) != role)
      continue;
    runtimeNames.insert(name);
    std::optional<Role> dialect = symbolizeRole(name);
    ASSERT_TRUE(dialect.has_value()) << name << " is unknown to the dialect";
    EXPECT_EQ(static_cast<unsigned>(*dialect), v);
  }
  EXPECT_EQ(runtimeNames.size(), allDialectRoles().size());
}

TEST(RoleTest, UnknownSpellingsAreRejectedByBoth) {
  for (const char *name : {"parameter", "", "Param", "weights"}) {
    EXPECT_FALSE(symbolizeRole(name).has_value()) << name;
    EXPECT_FALSE(rt::parseRole(name).has_value()) << name;
  }
}

} // namespace
