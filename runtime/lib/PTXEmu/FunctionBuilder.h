//===- FunctionBuilder.h - One function's registers and slots --*- C++ -*-===//
//
// What decoding a function body needs to know besides the instruction at
// hand: nested scopes of registers, labels and body variables, the value
// slots of constants, special registers and symbol addresses, branch fixups,
// and the layout of the body's shared and local variables.
//
//===----------------------------------------------------------------------===//

#ifndef MPT_RUNTIME_PTXEMU_FUNCTIONBUILDER_H
#define MPT_RUNTIME_PTXEMU_FUNCTIONBUILDER_H

#include "Internal.h"

#include <map>
#include <string>
#include <unordered_map>
#include <vector>

namespace mpt {
namespace ptxemu {
namespace detail {

class FunctionBuilder {
public:
  FunctionBuilder(ModuleImpl &m, Function &f) : m(m), f(f) {
    scopes.push_back(Scope{{}, {}, -1, {}});
  }

  struct RegRef {
    bool pred;
    uint32_t idx;
    Ty ty;
  };
  /// A variable declared in a function body (.shared/.local, and call-site
  /// .param, which lives in local memory), or a callee parameter aliased to
  /// the call site's variable while a call is inlined.
  struct VarRef {
    Space space;
    uint32_t slot; ///< slot holding its address
  };
  struct Scope {
    std::unordered_map<std::string, RegRef> regs;
    std::unordered_map<std::string, uint32_t> labels;
    int parent;
    std::unordered_map<std::string, VarRef> vars;
  };
  struct Fixup {
    uint32_t inst;
    std::string label;
    int scope;
    uint32_t line, col;
  };

  /// What symbolAddress found.
  enum class Lookup {
    Found,
    NotFound,
    /// `name + offset` where `name` is dynamic shared memory, whose address
    /// is only known when the function ends: not supported.
    DynamicSharedOffset,
  };

  ModuleImpl &m;
  Function &f;
  std::vector<Scope> scopes;
  int cur = 0;
  std::unordered_map<uint64_t, uint32_t> consts;
  std::map<Special, uint32_t> specials;
  std::unordered_map<std::string, uint32_t> symbolSlots;
  uint32_t zero = kNoSlot, sink = kNoSlot, carry = kNoSlot;
  std::vector<Fixup> fixups;
  std::vector<size_t> dynSharedConsts;  ///< constSlots entries to patch
  uint64_t sharedEnd = 0, localEnd = 0; ///< layout of body variables
  int inlineDepth = 0;
  /// The position of the statement being decoded (for messages).
  uint32_t line = 0, col = 0;

  const VarRef *findVar(const std::string &name) const;
  const RegRef *findReg(const std::string &name) const;
  void pushScope();
  void popScope() { cur = scopes[cur].parent; }
  /// False when `name` is already declared in the current scope.
  [[nodiscard]] bool declareReg(const std::string &name, Ty ty);

  uint32_t constSlot(uint64_t v);
  uint32_t zeroSlot();
  uint32_t sinkSlot();
  uint32_t specialSlot(Special s);
  static bool specialByName(const std::string &n, Special &s);

  /// The slot holding the address (in its own state space) of a named
  /// variable or parameter, plus `addend`.
  Lookup symbolAddress(const std::string &name, uint32_t &slotOut, Space &space,
                       int64_t addend);
  /// The same without an addend (never DynamicSharedOffset).
  bool symbolAddress(const std::string &name, uint32_t &slotOut, Space &space);
};

} // namespace detail
} // namespace ptxemu
} // namespace mpt

#endif // MPT_RUNTIME_PTXEMU_FUNCTIONBUILDER_H
