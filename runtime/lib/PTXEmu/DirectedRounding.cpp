//===- DirectedRounding.cpp - .rz/.rm/.rp arithmetic on the host ----------===//
//
// PTX's directed rounding modes map onto the host's IEEE rounding modes. This
// file is compiled with -frounding-math so that the compiler neither folds
// nor moves the operations across fesetround().
//
//===----------------------------------------------------------------------===//

#include "Float.h"

#include <cfenv>

namespace mpt {
namespace ptxemu {
namespace fp {

namespace {
int hostMode(Round r) {
  switch (r) {
  case Round::RZ:
    return FE_TOWARDZERO;
  case Round::RM:
    return FE_DOWNWARD;
  case Round::RP:
    return FE_UPWARD;
  default:
    return FE_TONEAREST;
  }
}
/// Sets the host rounding mode for one operation and restores it after.
class ModeGuard {
public:
  explicit ModeGuard(Round r) : old_(std::fegetround()) {
    std::fesetround(hostMode(r));
  }
  ~ModeGuard() { std::fesetround(old_); }

private:
  int old_;
};
} // namespace

#define MPT_DIRECTED(T, NAME, PARAMS, EXPR)                                    \
  __attribute__((noinline)) T NAME PARAMS {                                    \
    ModeGuard guard(r);                                                        \
    volatile T result = EXPR;                                                  \
    return result;                                                             \
  }

MPT_DIRECTED(float, addF32, (float a, float b, Round r), a + b)
MPT_DIRECTED(float, mulF32, (float a, float b, Round r), a *b)
MPT_DIRECTED(float, fmaF32, (float a, float b, float c, Round r),
             std::fma(a, b, c))
MPT_DIRECTED(float, divF32, (float a, float b, Round r), a / b)
MPT_DIRECTED(float, sqrtF32, (float a, Round r), std::sqrt(a))
MPT_DIRECTED(float, rcpF32, (float a, Round r), 1.0f / a)
MPT_DIRECTED(double, addF64, (double a, double b, Round r), a + b)
MPT_DIRECTED(double, mulF64, (double a, double b, Round r), a *b)
MPT_DIRECTED(double, fmaF64, (double a, double b, double c, Round r),
             std::fma(a, b, c))
MPT_DIRECTED(double, divF64, (double a, double b, Round r), a / b)
MPT_DIRECTED(double, sqrtF64, (double a, Round r), std::sqrt(a))
MPT_DIRECTED(double, rcpF64, (double a, Round r), 1.0 / a)

double u64ToF64(uint64_t v, Round r) {
  if (v < (1ull << 53))
    return (double)v;
  // hi * 2^32 and lo are exact doubles; their sum is rounded once in mode r.
  volatile double hi = (double)(v >> 32) * 4294967296.0;
  volatile double lo = (double)(uint32_t)v;
  ModeGuard guard(r);
  volatile double sum = hi + lo;
  return sum;
}

double i64ToF64(int64_t v, Round r) {
  if (v >= 0)
    return u64ToF64((uint64_t)v, r);
  Round m = r == Round::RM ? Round::RP : r == Round::RP ? Round::RM : r;
  return -u64ToF64(0 - (uint64_t)v, m);
}

} // namespace fp
} // namespace ptxemu
} // namespace mpt
