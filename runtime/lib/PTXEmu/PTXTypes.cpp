//===- PTXTypes.cpp - PTX element types and state spaces by name ----------===//

#include "Internal.h"

namespace mpt {
namespace ptxemu {
namespace detail {

//===----------------------------------------------------------------------===//
// Types
//===----------------------------------------------------------------------===//

unsigned tyBits(Ty t) {
  switch (t) {
  case Ty::Pred:
    return 1;
  case Ty::B8:
  case Ty::U8:
  case Ty::S8:
  case Ty::E4M3:
  case Ty::E5M2:
    return 8;
  case Ty::B16:
  case Ty::U16:
  case Ty::S16:
  case Ty::F16:
  case Ty::BF16:
  case Ty::E4M3x2:
  case Ty::E5M2x2:
    return 16;
  case Ty::B32:
  case Ty::U32:
  case Ty::S32:
  case Ty::F32:
  case Ty::F16x2:
  case Ty::BF16x2:
  case Ty::TF32:
  case Ty::U16x2:
  case Ty::S16x2:
    return 32;
  case Ty::B64:
  case Ty::U64:
  case Ty::S64:
  case Ty::F64:
    return 64;
  case Ty::B128:
    return 128;
  case Ty::None:
    return 0;
  }
  return 0;
}

bool tyIsSigned(Ty t) {
  return t == Ty::S8 || t == Ty::S16 || t == Ty::S32 || t == Ty::S64;
}
bool tyIsFloat(Ty t) {
  return t == Ty::F16 || t == Ty::F16x2 || t == Ty::BF16 || t == Ty::BF16x2 ||
         t == Ty::F32 || t == Ty::F64 || t == Ty::TF32;
}
bool tyIsInt(Ty t) {
  switch (t) {
  case Ty::B8:
  case Ty::B16:
  case Ty::B32:
  case Ty::B64:
  case Ty::U8:
  case Ty::U16:
  case Ty::U32:
  case Ty::U64:
  case Ty::S8:
  case Ty::S16:
  case Ty::S32:
  case Ty::S64:
    return true;
  default:
    return false;
  }
}

static const struct {
  const char *name;
  Ty ty;
} kTypeNames[] = {
    {"pred", Ty::Pred},   {"b8", Ty::B8},         {"b16", Ty::B16},
    {"b32", Ty::B32},     {"b64", Ty::B64},       {"b128", Ty::B128},
    {"u8", Ty::U8},       {"u16", Ty::U16},       {"u32", Ty::U32},
    {"u64", Ty::U64},     {"s8", Ty::S8},         {"s16", Ty::S16},
    {"s32", Ty::S32},     {"s64", Ty::S64},       {"f16", Ty::F16},
    {"f16x2", Ty::F16x2}, {"bf16", Ty::BF16},     {"bf16x2", Ty::BF16x2},
    {"f32", Ty::F32},     {"f64", Ty::F64},       {"tf32", Ty::TF32},
    {"u16x2", Ty::U16x2}, {"s16x2", Ty::S16x2},   {"e4m3", Ty::E4M3},
    {"e5m2", Ty::E5M2},   {"e4m3x2", Ty::E4M3x2}, {"e5m2x2", Ty::E5M2x2},
};

bool parseTy(const std::string &s, Ty &t) {
  for (const auto &e : kTypeNames)
    if (s == e.name) {
      t = e.ty;
      return true;
    }
  return false;
}

const char *tyName(Ty t) {
  for (const auto &e : kTypeNames)
    if (e.ty == t)
      return e.name;
  return "none";
}

const char *spaceName(Space s) {
  switch (s) {
  case Space::Generic:
    return "generic";
  case Space::Global:
    return "global";
  case Space::Shared:
    return "shared";
  case Space::Local:
    return "local";
  case Space::Param:
    return "param";
  case Space::Const:
    return "const";
  }
  return "?";
}

} // namespace detail
} // namespace ptxemu
} // namespace mpt
