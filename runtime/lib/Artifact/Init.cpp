//===- Init.cpp - Initial values of state tensors -------------------------===//

#include "mpt-runtime/Init.h"

#include <cstring>

using namespace mpt::rt;

uint64_t mpt::rt::splitmix64At(uint64_t seed, uint64_t index) {
  uint64_t z = seed + (index + 1) * 0x9E3779B97F4A7C15ull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

double mpt::rt::uniform01At(uint64_t seed, uint64_t index) {
  return static_cast<double>(splitmix64At(seed, index) >> 11) *
         (1.0 / 9007199254740992.0);
}

Status mpt::rt::fillInitialValue(const TensorSpec &spec, void *dst) {
  return fillInitialValue(spec, dst, 0,
                          static_cast<uint64_t>(spec.numElements()));
}

Status mpt::rt::fillInitialValue(const TensorSpec &spec, void *dst,
                                 uint64_t first, uint64_t count) {
  size_t n = static_cast<size_t>(count);
  size_t es = dtypeSize(spec.dtype);
  auto *out = static_cast<unsigned char *>(dst);
  switch (spec.init.dist) {
  case InitSpec::Dist::None:
    return Status::error("state '" + spec.name +
                         "' has no init in the signature table (start from a "
                         "checkpoint instead)");
  case InitSpec::Dist::CastOf:
    return Status::error("internal error: cast_of init of '" + spec.name +
                         "' needs its source");
  case InitSpec::Dist::Zeros:
    std::memset(out, 0, n * es);
    return Status::success();
  case InitSpec::Dist::Constant: {
    if (n == 0)
      return Status::success();
    storeElement(spec.dtype, spec.init.value, out);
    for (size_t i = 1; i < n; ++i)
      std::memcpy(out + i * es, out, es);
    return Status::success();
  }
  case InitSpec::Dist::Uniform: {
    double low = spec.init.low, span = spec.init.high - spec.init.low;
    for (size_t i = 0; i < n; ++i)
      storeElement(spec.dtype,
                   low + span * uniform01At(spec.init.seed, first + i),
                   out + i * es);
    return Status::success();
  }
  }
  return Status::success();
}

void mpt::rt::convertElements(DType from, const void *src, DType to, void *dst,
                              size_t count) {
  const auto *in = static_cast<const unsigned char *>(src);
  auto *out = static_cast<unsigned char *>(dst);
  size_t fs = dtypeSize(from), ts = dtypeSize(to);
  if (from == to) {
    std::memcpy(out, in, count * fs);
    return;
  }
  // Every source value is exact as a double (i64 up to 2^53), so this is
  // one rounding to the destination type.
  for (size_t i = 0; i < count; ++i)
    storeElement(to, loadElement(from, in + i * fs), out + i * ts);
}
