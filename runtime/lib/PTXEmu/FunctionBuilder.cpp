//===- FunctionBuilder.cpp - One function's registers and slots -----------===//

#include "FunctionBuilder.h"

namespace mpt {
namespace ptxemu {
namespace detail {

const FunctionBuilder::VarRef *
FunctionBuilder::findVar(const std::string &name) const {
  for (int s = cur; s >= 0; s = scopes[s].parent) {
    auto it = scopes[s].vars.find(name);
    if (it != scopes[s].vars.end())
      return &it->second;
  }
  return nullptr;
}

const FunctionBuilder::RegRef *
FunctionBuilder::findReg(const std::string &name) const {
  for (int s = cur; s >= 0; s = scopes[s].parent) {
    auto it = scopes[s].regs.find(name);
    if (it != scopes[s].regs.end())
      return &it->second;
  }
  return nullptr;
}

void FunctionBuilder::pushScope() {
  scopes.push_back(Scope{{}, {}, cur, {}});
  cur = (int)scopes.size() - 1;
}

bool FunctionBuilder::declareReg(const std::string &name, Ty ty) {
  auto &regs = scopes[cur].regs;
  if (regs.count(name))
    return false;
  RegRef r{ty == Ty::Pred, 0, ty};
  r.idx = r.pred ? f.numPreds++ : f.numValueSlots++;
  regs.emplace(name, r);
  return true;
}

uint32_t FunctionBuilder::constSlot(uint64_t v) {
  auto it = consts.find(v);
  if (it != consts.end())
    return it->second;
  uint32_t s = f.numValueSlots++;
  f.constSlots.push_back({s, v});
  consts.emplace(v, s);
  return s;
}

uint32_t FunctionBuilder::zeroSlot() {
  if (zero == kNoSlot)
    zero = constSlot(0);
  return zero;
}

uint32_t FunctionBuilder::sinkSlot() {
  if (sink == kNoSlot)
    sink = f.numValueSlots++;
  return sink;
}

uint32_t FunctionBuilder::specialSlot(Special s) {
  auto it = specials.find(s);
  if (it != specials.end())
    return it->second;
  uint32_t slot = f.numValueSlots++;
  f.specialSlots.push_back({slot, s});
  specials.emplace(s, slot);
  return slot;
}

bool FunctionBuilder::specialByName(const std::string &n, Special &s) {
  static const std::pair<const char *, Special> names[] = {
      {"%tid.x", Special::TidX},
      {"%tid.y", Special::TidY},
      {"%tid.z", Special::TidZ},
      {"%ntid.x", Special::NtidX},
      {"%ntid.y", Special::NtidY},
      {"%ntid.z", Special::NtidZ},
      {"%ctaid.x", Special::CtaidX},
      {"%ctaid.y", Special::CtaidY},
      {"%ctaid.z", Special::CtaidZ},
      {"%nctaid.x", Special::NctaidX},
      {"%nctaid.y", Special::NctaidY},
      {"%nctaid.z", Special::NctaidZ},
      {"%laneid", Special::LaneId},
      {"%warpid", Special::WarpId},
      {"%nwarpid", Special::NWarpId},
      {"%smid", Special::SmId},
      {"%nsmid", Special::NSmId},
      {"%gridid", Special::GridId},
      {"%lanemask_eq", Special::LanemaskEq},
      {"%lanemask_le", Special::LanemaskLe},
      {"%lanemask_lt", Special::LanemaskLt},
      {"%lanemask_ge", Special::LanemaskGe},
      {"%lanemask_gt", Special::LanemaskGt},
      {"%dynamic_smem_size", Special::DynamicSmemSize},
      {"%total_smem_size", Special::TotalSmemSize},
      {"%cluster_ctarank", Special::ClusterCtaRank},
  };
  for (const auto &e : names)
    if (n == e.first) {
      s = e.second;
      return true;
    }
  if (n.rfind("%envreg", 0) == 0) {
    s = Special::Zero;
    return true;
  }
  return false;
}

FunctionBuilder::Lookup FunctionBuilder::symbolAddress(const std::string &name,
                                                       uint32_t &slotOut,
                                                       Space &space,
                                                       int64_t addend) {
  if (addend == 0)
    return symbolAddress(name, slotOut, space) ? Lookup::Found
                                               : Lookup::NotFound;
  auto git = m.globalIndex.find(name);
  if (git != m.globalIndex.end()) {
    uint32_t s = f.numValueSlots++;
    f.symbolSlots.push_back({s, git->second, addend});
    slotOut = s;
    space = m.globals[git->second].space;
    return Lookup::Found;
  }
  uint32_t base;
  if (!symbolAddress(name, base, space))
    return Lookup::NotFound;
  for (auto &cs : f.constSlots)
    if (cs.first == base) {
      for (size_t i : dynSharedConsts)
        if (f.constSlots[i].first == base)
          return Lookup::DynamicSharedOffset;
      slotOut = constSlot(cs.second + (uint64_t)addend);
      return Lookup::Found;
    }
  return Lookup::NotFound;
}

bool FunctionBuilder::symbolAddress(const std::string &name, uint32_t &slotOut,
                                    Space &space) {
  if (const VarRef *v = findVar(name)) {
    slotOut = v->slot;
    space = v->space;
    return true;
  }
  for (const ParamInfo &p : f.params)
    if (p.name == name) {
      slotOut = constSlot(p.offset);
      space = Space::Param;
      return true;
    }
  for (const Variable &v : m.sharedVars)
    if (v.name == name) {
      if (v.isExtern) {
        // Dynamic shared memory starts after this function's static
        // shared variables: patched when the function ends.
        uint32_t s = f.numValueSlots++;
        f.constSlots.push_back({s, 0});
        dynSharedConsts.push_back(f.constSlots.size() - 1);
        slotOut = s;
      } else {
        slotOut = constSlot(v.offset);
      }
      space = Space::Shared;
      return true;
    }
  auto git = m.globalIndex.find(name);
  if (git == m.globalIndex.end())
    return false;
  auto it = symbolSlots.find(name);
  if (it == symbolSlots.end()) {
    uint32_t s = f.numValueSlots++;
    f.symbolSlots.push_back({s, git->second, 0});
    it = symbolSlots.emplace(name, s).first;
  }
  slotOut = it->second;
  space = m.globals[git->second].space;
  return true;
}

} // namespace detail
} // namespace ptxemu
} // namespace mpt
