//===- ExecCommon.h - Helpers shared by the instruction families -*- C++
//-*-===//

#ifndef MPT_RUNTIME_PTXEMU_EXECCOMMON_H
#define MPT_RUNTIME_PTXEMU_EXECCOMMON_H

#include "Runtime.h"

#include <cmath>

namespace mpt {
namespace ptxemu {
namespace detail {

/// Slot pointers of a handler's operands.
#define MPT_D(i) uint64_t *d##i = c.R + (size_t)in.d[i] * 32
#define MPT_A(i) const uint64_t *a##i = c.R + (size_t)in.a[i] * 32

/// Writes predicate bits `res` for the lanes of `m`.
inline void setPred(uint32_t &p, uint32_t res, uint32_t m) {
  p = (p & ~m) | (res & m);
}

/// Dispatch over the integer types: H<T>::run.
template <template <typename> class H> ExecFn byIntType(Ty t) {
  switch (t) {
  case Ty::U16:
  case Ty::B16:
    return &H<uint16_t>::run;
  case Ty::S16:
    return &H<int16_t>::run;
  case Ty::U32:
  case Ty::B32:
    return &H<uint32_t>::run;
  case Ty::S32:
    return &H<int32_t>::run;
  case Ty::U64:
  case Ty::B64:
    return &H<uint64_t>::run;
  case Ty::S64:
    return &H<int64_t>::run;
  case Ty::U8:
  case Ty::B8:
    return &H<uint8_t>::run;
  case Ty::S8:
    return &H<int8_t>::run;
  default:
    return nullptr;
  }
}

/// Unsigned type of the same width.
template <typename T> using UnsignedOf = std::make_unsigned_t<T>;

/// A value of integer type `t` in a 64-bit slot, extended per signedness.
inline int64_t sext(uint64_t v, unsigned bits) {
  if (bits >= 64)
    return (int64_t)v;
  const uint64_t m = 1ull << (bits - 1);
  v &= (1ull << bits) - 1;
  return (int64_t)((v ^ m) - m);
}
inline uint64_t zext(uint64_t v, unsigned bits) {
  return bits >= 64 ? v : v & ((1ull << bits) - 1);
}

void hNop(ExecCtx &, const Inst &, uint32_t);

} // namespace detail
} // namespace ptxemu
} // namespace mpt

#endif // MPT_RUNTIME_PTXEMU_EXECCOMMON_H
